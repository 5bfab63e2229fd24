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

fn vocabulary() -> &'static [(Vec<char>, &'static str)] {
    static WORDS: OnceLock<Vec<(Vec<char>, &'static str)>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut all: Vec<&'static str> = HEADERS.to_vec();
        for edition in [Edition::E2021, Edition::E2019] {
            for row in active_rows(edition) {
                all.push(row.block);
                all.push(row.label);
                all.extend(row.aliases.iter().copied());
                for c in row.columns {
                    all.push(c.label);
                    all.extend(c.aliases.iter().copied());
                }
            }
        }
        for split in [true, false] {
            for row in request_rows(split) {
                all.push(row.label);
                all.extend(row.aliases.iter().copied());
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
