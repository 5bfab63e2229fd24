//! The printed labels of the national format's tables. A label cell read with a
//! character or two wrong ("现有行效件数") is taken for the label it is closest to —
//! when it is close to one label only: the labels are what the template prints, and the
//! parser places rows and columns by them. Numbers are never changed here.

use std::sync::OnceLock;

use gongkai_model::schema::{
    active_rows, request_rows, Edition, RequestColumn, RequestGroup, ReviewColumn, SectionKind,
};

/// Labels the tables print beyond the rows' and columns' own.
const HEADERS: &[&str] = &[
    "信息内容",
    "申请人情况",
    "法人或其他组织",
    "（七）总计",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "三、本年度办理结果",
    "行政复议",
    "行政诉讼",
    "未经复议直接起诉",
    "复议后起诉",
];

/// The rows' own labels and aliases of tables 二 (both editions) and 三 (both layouts
/// of （六）).
fn row_labels() -> impl Iterator<Item = &'static str> {
    [Edition::E2021, Edition::E2019]
        .into_iter()
        .flat_map(active_rows)
        .flat_map(|row| std::iter::once(row.label).chain(row.aliases.iter().copied()))
        .chain(
            [true, false]
                .into_iter()
                .flat_map(request_rows)
                .flat_map(|row| std::iter::once(row.label).chain(row.aliases.iter().copied())),
        )
}

fn vocabulary() -> &'static [(Vec<char>, &'static str)] {
    static WORDS: OnceLock<Vec<(Vec<char>, &'static str)>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut all: Vec<&'static str> = HEADERS.to_vec();
        all.extend(row_labels());
        for edition in [Edition::E2021, Edition::E2019] {
            for row in active_rows(edition) {
                all.push(row.block);
                for c in row.columns {
                    all.push(c.label);
                    all.extend(c.aliases.iter().copied());
                }
            }
        }
        for g in [
            RequestGroup::Granted,
            RequestGroup::PartiallyGranted,
            RequestGroup::Denied,
            RequestGroup::Unable,
            RequestGroup::NotProcessed,
            RequestGroup::OtherHandling,
        ] {
            all.push(g.label());
        }
        for c in RequestColumn::ALL {
            all.push(c.label());
        }
        for c in ReviewColumn::ALL {
            all.push(c.label());
        }
        all.sort_unstable();
        all.dedup();
        all.into_iter()
            .filter(|l| !l.is_empty())
            .map(|l| (normalised(l), l))
            .collect()
    })
}

/// Brackets as one kind, no spaces, quotes or stray marks: what tells labels apart.
fn normalised(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"“”\"'‘’·`".contains(*c))
        .map(|c| match c {
            '（' | '〈' | '《' | '〔' | '［' | '[' => '(',
            '）' | '〉' | '》' | '〕' | '］' | ']' => ')',
            '：' => ':',
            '，' => ',',
            '；' => ';',
            c => c,
        })
        .collect()
}

/// Edit distance with adjacent transpositions (optimal string alignment).
fn distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, v) in d[0].iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Characters in one and not the other, counted with multiplicity (the larger side).
fn unordered(a: &[char], b: &[char]) -> usize {
    let mut a: Vec<char> = a.to_vec();
    let mut b: Vec<char> = b.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    a.len().max(b.len()) - common
}

/// How many edits a label of `len` characters may be read with and still be itself.
fn allowed(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        n => n / 3,
    }
}

/// The template's label a cell's reading stands for, when it is close to exactly one
/// (and not already it).
pub fn snap(read: &str) -> Option<&'static str> {
    let r = normalised(read);
    if r.len() < 2 || r.len() > 60 {
        return None;
    }
    let mut best: Option<(usize, &'static str)> = None;
    let mut runner_up = usize::MAX;
    for (label, original) in vocabulary() {
        if label.len().abs_diff(r.len()) > allowed(label.len()) {
            continue;
        }
        // The engine also reads a line's characters out of order ("第保三方合护法权益"):
        // the same characters in another order cost one edit.
        let d = distance(&r, label).min(unordered(&r, label) + 1);
        match best {
            Some((bd, _)) if d >= bd => runner_up = runner_up.min(d),
            _ => {
                if let Some((bd, _)) = best {
                    runner_up = runner_up.min(bd);
                }
                best = Some((d, original));
            }
        }
    }
    let (d, label) = best?;
    if d == 0 || d > allowed(label.chars().count()) || runner_up <= d {
        return None;
    }
    Some(label)
}

/// The template label a cell's reading is, exactly or once snapped.
pub fn template_label(read: &str) -> Option<&'static str> {
    let r = normalised(read);
    vocabulary()
        .iter()
        .find(|(label, _)| *label == r)
        .map(|(_, original)| *original)
        .or_else(|| snap(read))
}

/// Whether a cell's reading is the label of a row of table 二 or 三 (exactly or once
/// snapped): what stands to its right in its row are that row's numbers.
pub fn is_row_label(read: &str) -> bool {
    static ROWS: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    let rows = ROWS.get_or_init(|| {
        row_labels()
            .filter(|l| !l.is_empty())
            .map(normalised)
            .collect()
    });
    template_label(read).is_some_and(|l| rows.contains(&normalised(l)))
}

/// A table's rows in printed order, each as its normalised label and aliases, and the
/// label itself.
type Sequence = Vec<(Vec<Vec<char>>, &'static str)>;

/// The row orders the template prints: table 三 with either layout of （六）其他处理,
/// table 二 of either edition.
fn sequences() -> &'static [Sequence] {
    static SEQUENCES: OnceLock<Vec<Sequence>> = OnceLock::new();
    SEQUENCES.get_or_init(|| {
        let forms = |label: &'static str, aliases: &[&'static str]| {
            let mut f: Vec<Vec<char>> = vec![normalised(label)];
            f.extend(aliases.iter().map(|a| normalised(a)));
            (f, label)
        };
        let mut out: Vec<Sequence> = [true, false]
            .into_iter()
            .map(|split| {
                request_rows(split)
                    .map(|row| forms(row.label, row.aliases))
                    .collect()
            })
            .collect();
        for edition in [Edition::E2021, Edition::E2019] {
            out.push(
                active_rows(edition)
                    .iter()
                    .map(|row| forms(row.label, row.aliases))
                    .collect(),
            );
        }
        out
    })
}

/// The labels of table rows that read as nothing the template prints, found by their
/// place: `leaves` are the labels of one table's rows of numbers on a page, top to
/// bottom, as read. A row whose label is unreadable takes the template's label when
/// the rows around it fix it — read labels above and below with exactly as many
/// template rows between them as unreadable rows, or the table's first or last rows
/// when the read label is that many rows from the template's start or end. Every row
/// order of the template is tried (table 三 with both layouts of （六）, table 二 of both
/// editions); where two that fit disagree nothing is placed. Read labels out of the
/// template's order place nothing.
pub fn rows_by_order(leaves: &[&str]) -> Vec<Option<&'static str>> {
    let n = leaves.len();
    let read: Vec<Option<Vec<char>>> = leaves
        .iter()
        .map(|l| template_label(l).map(normalised))
        .collect();
    // Each order's placements: the label and the row's forms.
    type Placed = Option<(&'static str, &'static [Vec<char>])>;
    let mut per_sequence: Vec<Vec<Placed>> = Vec::new();
    for sequence in sequences() {
        let at: Vec<Option<usize>> = read
            .iter()
            .map(|r| {
                r.as_ref()
                    .and_then(|r| sequence.iter().position(|(forms, _)| forms.contains(r)))
            })
            .collect();
        // Anchors: rows whose label is a row of this order, in increasing order.
        let anchors: Vec<(usize, usize)> = at
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (i, p)))
            .collect();
        if anchors.len() < 2 || anchors.windows(2).any(|w| w[1].1 <= w[0].1) {
            continue;
        }
        let mut placed: Vec<Placed> = vec![None; n];
        // A label read that is not a row of this order (a header, the other layout's
        // row) is not unreadable: the rows around it are not placed.
        let unreadable = |i: usize| read[i].is_none();
        let mut fill = |from_row: usize, to_row: usize, from_seq: usize| {
            if (from_row..to_row).all(unreadable) {
                for (k, row) in (from_row..to_row).enumerate() {
                    let (forms, label) = &sequence[from_seq + k];
                    placed[row] = Some((label, forms.as_slice()));
                }
            }
        };
        let (first_row, first_seq) = anchors[0];
        if first_row == first_seq {
            fill(0, first_row, 0);
        }
        for w in anchors.windows(2) {
            let ((r0, s0), (r1, s1)) = (w[0], w[1]);
            if r1 - r0 == s1 - s0 {
                fill(r0 + 1, r1, s0 + 1);
            }
        }
        let (last_row, last_seq) = anchors[anchors.len() - 1];
        if n - last_row == sequence.len() - last_seq {
            fill(last_row + 1, n, last_seq + 1);
        }
        per_sequence.push(placed);
    }
    (0..n)
        .map(|i| {
            // Orders that place a row here must place the same row (a label one
            // edition prints and the other has as an alias is the same row).
            let (first, forms) = per_sequence.iter().find_map(|p| p[i])?;
            let agreed = per_sequence
                .iter()
                .all(|p| p[i].is_none_or(|(l, _)| forms.contains(&normalised(l))));
            agreed.then_some(first)
        })
        .collect()
}

/// What every report prints in its prose: the end of its title, anywhere in a line.
pub const TITLE_END: &str = "政府信息公开工作年度报告";

/// The six section headings as printed at the start of a line ("二、主动公开政府信息情况").
fn headings() -> &'static [Vec<char>] {
    static HEADINGS: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    HEADINGS.get_or_init(|| {
        SectionKind::ALL
            .iter()
            .flat_map(|k| {
                k.titles()
                    .iter()
                    .map(move |t| format!("{}、{t}", k.numeral()).chars().collect())
            })
            .filter(|h: &Vec<char>| h.len() >= 6)
            .collect()
    })
}

fn edits(a: &[char], b: &[char]) -> usize {
    distance(a, b).min(unordered(a, b) + 1)
}

/// A line of prose with the report's fixed phrases read back where the engine misread
/// a character or swapped two ("2024年政府信息公开工年作度报告"): the title's ending
/// anywhere, a section heading at the start of the line. The line keeps its length, so
/// every character stays where it was read. `None` when nothing is changed.
pub fn snap_phrases(line: &str) -> Option<String> {
    let mut chars: Vec<char> = line.chars().collect();
    let mut changed = false;
    for heading in headings() {
        let n = heading.len();
        if chars.len() >= n {
            let d = edits(&chars[..n], heading);
            if d == 1 {
                chars[..n].copy_from_slice(heading);
                changed = true;
                break;
            }
        }
    }
    let title: Vec<char> = TITLE_END.chars().collect();
    let n = title.len();
    let mut s = 0;
    while s + n <= chars.len() {
        let d = edits(&chars[s..s + n], &title);
        if d == 0 {
            s += n;
        } else if d <= 2 && chars[s] == title[0] {
            chars[s..s + n].copy_from_slice(&title);
            changed = true;
            s += n;
        } else {
            s += 1;
        }
    }
    changed.then(|| chars.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misread_labels_snap_to_the_template() {
        assert_eq!(snap("现有行效件数"), Some("现行有效件数"));
        assert_eq!(snap("”信内息容"), Some("信息内容"));
        assert_eq!(snap("4.第保三方合护法权益"), Some("4.保护第三方合法权益"));
        // Already right, or equally close to two labels: left alone.
        assert_eq!(snap("信息内容"), None);
        assert_eq!(snap("第二十条第(-)项"), None);
        // Too far from every label.
        assert_eq!(snap("源册讲贡汁赠v葡酒"), None);
        assert_eq!(snap("王"), None);
    }

    #[test]
    fn row_labels_are_told_from_headers() {
        assert!(is_row_label("行政规范性文件"));
        assert!(is_row_label("规章"));
        assert!(is_row_label("4.第保三方合护法权益"));
        assert!(!is_row_label("信息内容"));
        assert!(!is_row_label("本年制发件数"));
        assert!(!is_row_label("留"));
    }

    #[test]
    fn unreadable_rows_are_placed_only_where_their_neighbours_fix_them() {
        // The 2019 layout's end: （六）其他处理 read, （七）总计 garbled, 四 read.
        let leaves = [
            "2.重复申请",
            "（六）其他处理",
            "如玖和课",
            "四、结转下年度继续办理",
        ];
        assert_eq!(
            rows_by_order(&leaves[1..]),
            vec![None, Some("（七）总计"), None]
        );
        // The table's first row garbled before 二: it is 一.
        assert_eq!(
            rows_by_order(&[
                "请数量",
                "二、上年结转政府信息公开申请数量",
                "（一）予以公开"
            ]),
            vec![Some("一、本年新收政府信息公开申请数量"), None, None]
        );
        // Between 1. and 3. of （四）.
        assert_eq!(
            rows_by_order(&[
                "1.本机关不掌握相关政府信息",
                "作",
                "3.补正后申请内容仍不明确"
            ]),
            vec![None, Some("2.没有现成信息需要另行制作"), None]
        );
        // Two unreadable rows where the template has one between: nothing placed.
        assert_eq!(
            rows_by_order(&[
                "1.本机关不掌握相关政府信息",
                "作",
                "乙丙",
                "3.补正后申请内容仍不明确"
            ]),
            vec![None; 4]
        );
        // A page that starts inside the table: the rows above the first read label
        // are not the template's first rows.
        assert_eq!(
            rows_by_order(&[
                "乙丙",
                "2.没有现成信息需要另行制作",
                "3.补正后申请内容仍不明确"
            ]),
            vec![None; 3]
        );
        // Table 二: 规范性文件 read short between 规章 and 行政许可 (the editions print
        // 行政规范性文件 and 规范性文件, each the other's alias: one row).
        assert_eq!(
            rows_by_order(&["规章", "规范性", "行政许可"]),
            vec![None, Some("行政规范性文件"), None]
        );
        // The two layouts of （六） disagree on what stands between 5. and 四.
        assert_eq!(
            rows_by_order(&[
                "5.要求行政机关确认或重新出具已获取信息",
                "乙丙",
                "四、结转下年度继续办理"
            ]),
            vec![None; 3]
        );
    }

    #[test]
    fn fixed_phrases_in_prose() {
        assert_eq!(
            snap_phrases("淮安市人民政府2024年政府信息公开工年作度报告").as_deref(),
            Some("淮安市人民政府2024年政府信息公开工作年度报告")
        );
        assert_eq!(
            snap_phrases("一站、总体情况").as_deref(),
            None,
            "a heading is only snapped when the whole window is one edit away"
        );
        assert_eq!(
            snap_phrases("二、主动公开政府信息情兄").as_deref(),
            Some("二、主动公开政府信息情况")
        );
        // Right already, or prose that only shares words.
        assert_eq!(snap_phrases("2024年政府信息公开工作年度报告"), None);
        assert_eq!(snap_phrases("（二）主动公开政府信息情况如下"), None);
        assert_eq!(snap_phrases("全年政府信息公开工作稳步推进"), None);
    }
}
