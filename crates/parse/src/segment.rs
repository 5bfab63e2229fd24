//! The lines the parser reads: the text's own lines, and — where one line holds several
//! parts of the report — lines cut where the report's structure shows.
//!
//! Crawled archives store a page's `textContent` with its line breaks removed: the whole
//! report, site chrome included, on one line; table cells run together ("一、本年新收政府
//! 信息公开申请数量21710000218"). What every real report shares is still there: the six
//! numbered section titles and the fixed row labels of the three tables. A line is cut
//! before each of them (and after a section title), so the line-oriented readers see the
//! same shape as in a text that kept its lines. The text itself is not changed: a line is a
//! byte range, so every offset — and every location shown to a reviewer — stays the
//! original's.
//!
//! A line is cut only when it holds a section title with other text before or after it, or two or more
//! table row labels: a line of a line-oriented text holds at most one row. A row laid out
//! with tabs or pipes may hold a group label and a row label, so it takes three (a whole
//! flattened table).

use std::sync::LazyLock;

use gongkai_model::schema::{RequestGroup, SectionKind, ACTIVE_2019, ACTIVE_2021, REQUEST_ROWS};

use crate::similarity::{core_string, is_noise};
use crate::tokens::{lines as physical_lines, Line};

/// A label searched for in a line: its core chars (numbering included).
struct Needle {
    /// The label without noise chars, as searched for in a line's core.
    core: String,
    kind: NeedleKind,
    /// The label's longest run free of noise chars, searched for in the line as it
    /// stands: a cheap first look before the line's core is built.
    anchor: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NeedleKind {
    /// A section title (searched after a numeral).
    Section,
    /// A table row label, group label or block heading.
    Row,
    /// The end of the report's title ("…政府信息公开工作年度报告"): the body follows.
    TitleEnd,
}

/// Chinese numerals and digits that number a section heading ("二、", "2.").
fn is_numeral(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '1'..='6')
}

static NEEDLES: LazyLock<Vec<Needle>> = LazyLock::new(|| {
    let mut out: Vec<Needle> = Vec::new();
    let mut push = |s: &str, kind: NeedleKind| {
        let core = core_string(s);
        if core.chars().count() < 2 || out.iter().any(|n| n.core == core && n.kind == kind) {
            return;
        }
        let anchor = s
            .split(is_noise)
            .max_by_key(|r| r.len())
            .unwrap_or_default()
            .to_string();
        out.push(Needle { core, kind, anchor });
    };
    for k in SectionKind::ALL {
        for t in k.titles() {
            push(t, NeedleKind::Section);
        }
    }
    for t in [
        "政府信息公开工作年度报告",
        "政府信息公开年度报告",
        "政府信息公开工作报告",
    ] {
        push(t, NeedleKind::TitleEnd);
    }
    for def in REQUEST_ROWS {
        push(def.label, NeedleKind::Row);
        for a in def.aliases {
            push(a, NeedleKind::Row);
        }
    }
    for g in [
        RequestGroup::Denied,
        RequestGroup::Unable,
        RequestGroup::NotProcessed,
        RequestGroup::OtherHandling,
    ] {
        push(g.label(), NeedleKind::Row);
    }
    push("三、本年度办理结果", NeedleKind::Row);
    for def in ACTIVE_2021.iter().chain(ACTIVE_2019) {
        push(def.block, NeedleKind::Row);
        push(def.label, NeedleKind::Row);
        for a in def.aliases {
            push(a, NeedleKind::Row);
        }
    }
    out
});

/// The needles' anchors in one automaton: a line is scanned once, at memchr speed.
/// A contiguous NFA: built in a fraction of a DFA's time, searched nearly as fast for the
/// few dozen short patterns here.
fn automaton<'a>(patterns: impl Iterator<Item = &'a str>) -> Option<aho_corasick::AhoCorasick> {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(patterns)
        .ok()
}

/// The needles' anchors, searched for in a line as it stands, in every line long enough:
/// a contiguous NFA, built in a fraction of a DFA's time (one file is one process).
/// Leftmost-longest: a short anchor ("其他" of a row "3.其他") must not hide a longer one
/// starting at the same place ("其他需要报告的事项").
static ANCHORS: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(NEEDLES.iter().map(|n| n.anchor.as_str()))
        .ok()
});

/// Every needle in one automaton over a line's core: a line is scanned once. Overlapping
/// matches are all kept; `cuts` resolves overlaps (the longer label wins).
static AUTOMATON: LazyLock<Option<aho_corasick::AhoCorasick>> =
    LazyLock::new(|| automaton(NEEDLES.iter().map(|n| n.core.as_str())));

/// The core chars of a text (no whitespace or punctuation) and the byte offset of each.
pub fn core_view(s: &str) -> (Vec<char>, Vec<usize>) {
    s.char_indices()
        .filter(|(_, c)| !is_noise(*c))
        .map(|(at, c)| (c, at))
        .unzip()
}

/// Non-overlapping occurrences of `needle` in `chars`, as index ranges.
pub fn find_core(chars: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let m = needle.len();
    if m == 0 {
        return out;
    }
    let mut i = 0;
    while i + m <= chars.len() {
        if chars[i..i + m] == *needle {
            out.push((i, i + m));
            i += m;
        } else {
            i += 1;
        }
    }
    out
}

/// Lines of the normalised text for the parser: physical lines, cut where a line holds
/// several parts of the report.
pub fn lines(text: &str) -> Vec<Line> {
    let physical = physical_lines(text);
    let mut out = Vec::with_capacity(physical.len());
    for line in join_broken(text, physical) {
        let s = line.text(text);
        if s.len() < 60 {
            // A short line holds one part, or ends with a numbered title after the end of
            // a sentence ("…12月31日。一、总体情况").
            // A title and a word before it take 24 bytes at least.
            let cut = (s.len() >= 24)
                .then(|| title_at_end(s))
                .flatten()
                .or_else(|| title_at_start(s));
            match cut {
                Some(c) => {
                    out.push(Line {
                        start: line.start,
                        end: line.start + c,
                    });
                    out.push(Line {
                        start: line.start + c,
                        end: line.end,
                    });
                }
                None => out.push(line),
            }
            continue;
        }
        let cuts = cuts(s);
        if cuts.is_empty() {
            out.push(line);
            continue;
        }
        let mut start = 0;
        for c in cuts.into_iter().chain(std::iter::once(s.len())) {
            if c > start && !s[start..c].trim().is_empty() {
                out.push(Line {
                    start: line.start + start,
                    end: line.start + c,
                });
            }
            start = start.max(c);
        }
    }
    out
}

/// Where a short line's last numbered section title starts, when text stands before it.
fn title_at_end(s: &str) -> Option<usize> {
    let i = s.rfind('、')?;
    let numeral = s[..i].chars().next_back().filter(|&c| is_numeral(c))?;
    let start = i - numeral.len_utf8();
    if s[..start].trim().is_empty() {
        return None;
    }
    crate::structure::heading_kind(&s[start..]).map(|_| start)
}

/// Where a short line that starts with a numbered section title goes on with the
/// section's first sub-heading ("一、总体情况（一）主动公开": a line break lost between
/// them): the end of the title. `None` when the line is a title as a whole, or what
/// follows is no sub-heading.
fn title_at_start(s: &str) -> Option<usize> {
    let t = s.trim_start();
    let offset = s.len() - t.len();
    if !t.chars().next().is_some_and(is_numeral) || crate::structure::heading_kind(t).is_some() {
        return None;
    }
    // The longest title followed by a sub-heading's numbering.
    t.char_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0)
        .rev()
        .filter(|&i| {
            let rest = t[i..].trim_start();
            rest.starts_with(['（', '('])
                || rest.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && rest
                        .chars()
                        .nth(1)
                        .is_some_and(|c| matches!(c, '.' | '、' | '．'))
        })
        .find(|&i| crate::structure::heading_kind(&t[..i]).is_some())
        .map(|i| offset + i)
}

/// A line no laid-out page prints: text that lost its line breaks (a crawl's
/// `textContent`) is thousands of bytes a line; a laid-out line is a few hundred at most.
const FLAT_LINE: usize = 500;

/// Physical lines, with a stray line break inside a flat text taken out: where a line
/// this long is broken between two characters of a word ("…4.保护第三方⏎合法权益0000000…",
/// a `<br>` in a cell), the two lines are read as one, so a label or title broken there
/// is still found. The line keeps the break; a reader takes it for a space.
fn join_broken(text: &str, physical: Vec<Line>) -> Vec<Line> {
    // Only in a text that is flat as a whole (its lines average this long): in a text
    // that has its lines, a title or heading ends its line without punctuation too.
    if !physical.iter().any(|l| l.end - l.start >= FLAT_LINE) {
        return physical;
    }
    // Lines with something on them (a line of spaces counts: this is a rough average).
    let filled = physical.iter().filter(|l| l.end > l.start).count();
    if filled == 0 || text.len() / filled < FLAT_LINE {
        return physical;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut out: Vec<Line> = Vec::with_capacity(physical.len());
    for line in physical {
        if let Some(last) = out.last_mut() {
            let prev = &text[last.start..last.end];
            let this = line.text(text);
            let flat = prev.len() - prev.rfind('\n').map_or(0, |i| i + 1) >= FLAT_LINE
                || this.len() >= FLAT_LINE;
            if flat
                && last.end + 1 == line.start
                && word(prev.chars().next_back())
                && word(this.chars().next())
            {
                last.end = line.end;
                continue;
            }
        }
        out.push(line);
    }
    out
}

/// A structure match in a line: byte range (from its first core char) and kind.
#[derive(Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    kind: NeedleKind,
}

/// Byte offsets at which the line `s` is cut (sorted, unique, inside the line). Empty
/// when the line reads as one part.
fn cuts(s: &str) -> Vec<usize> {
    let (Some(anchors), Some(automaton)) = (ANCHORS.as_ref(), AUTOMATON.as_ref()) else {
        return Vec::new();
    };
    // First look: a line is cut only where it shows a section title or title end, or at
    // least two row labels; their anchors show in the line as it stands (a label broken
    // by spaces may not, but a cut line holds many).
    // A row laid out with tabs or pipes may hold a group label and a row label (see
    // below): it takes three.
    let cell_row = s.contains('\t') || s.trim_start().starts_with('|');
    let rows_needed = if cell_row { 3 } else { 2 };
    let mut rows_seen = 0;
    let worth_a_look =
        anchors
            .find_iter(s)
            .any(|hit| match NEEDLES[hit.pattern().as_usize()].kind {
                NeedleKind::Row => {
                    rows_seen += 1;
                    rows_seen >= rows_needed
                }
                NeedleKind::Section | NeedleKind::TitleEnd => true,
            });
    if !worth_a_look {
        return Vec::new();
    }
    // The line without noise chars (labels are often broken by spaces: "本年度办 理结果"),
    // with the byte offset in the line of each of its bytes.
    // Runs of non-noise chars are copied whole; `runs` holds (start in core, start in line).
    let mut core = String::with_capacity(s.len());
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut run_start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        match (is_noise(c), run_start) {
            (true, Some(r)) => {
                runs.push((core.len(), r));
                core.push_str(&s[r..i]);
                run_start = None;
            }
            (false, None) => run_start = Some(i),
            _ => {}
        }
    }
    if let Some(r) = run_start {
        runs.push((core.len(), r));
        core.push_str(&s[r..]);
    }
    // The line offset of a core offset.
    let at = |k: usize| -> usize {
        let i = runs.partition_point(|&(c, _)| c <= k).saturating_sub(1);
        runs.get(i).map_or(k, |&(c, l)| l + (k - c))
    };
    let mut found: Vec<Found> = Vec::new();
    for hit in automaton.find_overlapping_iter(&core) {
        let n = &NEEDLES[hit.pattern().as_usize()];
        let start = at(hit.start());
        // The end of the label's last char in the line.
        let end = at(hit.end() - 1) + 1;
        match n.kind {
            // A numbered title: "二、主动公开政府信息情况". Unnumbered mentions
            // ("本报告共分6个部分：总体情况、…") are prose.
            NeedleKind::Section => {
                let numeral = core[..hit.start()]
                    .char_indices()
                    .next_back()
                    .filter(|(_, c)| is_numeral(*c));
                if let Some((p, _)) = numeral {
                    found.push(Found {
                        start: at(p),
                        end,
                        kind: NeedleKind::Section,
                    });
                }
            }
            NeedleKind::Row | NeedleKind::TitleEnd => found.push(Found {
                start,
                end,
                kind: n.kind,
            }),
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let count = |k: NeedleKind| found.iter().filter(|f| f.kind == k).count();
    let (sections, rows) = (count(NeedleKind::Section), count(NeedleKind::Row));
    // A title with other text before or after it on the line (the body run on).
    let heading_mid_line = found.iter().any(|f| {
        f.kind == NeedleKind::Section
            && !(s[..f.start].trim().is_empty() && s[f.end..].trim().is_empty())
    });
    // A row laid out with tabs or pipes may hold a group label and a row label; a
    // flattened table holds many.
    if !(heading_mid_line || sections >= 2 || rows >= rows_needed) {
        return Vec::new();
    }
    // Overlapping matches ("行政规范性文件" holds "规范性文件"): the earliest, then longest.
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        if kept.last().is_some_and(|k| f.start < k.end) {
            continue;
        }
        kept.push(f);
    }

    let mut out = Vec::new();
    for f in kept {
        match f.kind {
            // The title ends its line: the body follows on the same physical line.
            NeedleKind::Section => {
                out.push(start_of(s, f.start));
                out.push(f.end);
            }
            NeedleKind::Row => out.push(start_of(s, f.start)),
            NeedleKind::TitleEnd => out.push(f.end),
        }
    }
    out.extend(chrome_breaks(s));
    out.retain(|&c| c > 0 && c < s.len());
    out.sort_unstable();
    out.dedup();
    out
}

/// Where a label whose first core char is at `at` starts: opening brackets and a "第"
/// printed before its numbering belong to it.
fn start_of(s: &str, at: usize) -> usize {
    let mut start = at;
    for c in s[..at].chars().rev() {
        if matches!(c, '（' | '(' | '【' | '[') {
            start -= c.len_utf8();
        } else {
            break;
        }
    }
    start
}

/// Runs of three or more spaces between words: where a page's block elements met in its
/// `textContent` (menus, breadcrumbs, footers). Not between digits: a run there may
/// separate a table row's cells.
fn chrome_breaks(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i - start < 3 || start == 0 || i == b.len() {
            continue;
        }
        let before = s[..start].chars().next_back();
        let after = s[i..].chars().next();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        if !(digit(before) || digit(after)) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        lines(text)
            .iter()
            .map(|l| l.text(text).to_string())
            .collect()
    }

    #[test]
    fn a_title_run_into_its_first_sub_heading_is_cut() {
        for (t, want) in [
            (
                "一、总体情况（一）主动公开\n",
                vec!["一、总体情况", "（一）主动公开"],
            ),
            (
                "二、主动公开政府信息情况1.规章\n",
                vec!["二、主动公开政府信息情况", "1.规章"],
            ),
            // A title alone, or followed by words that are no sub-heading, stays whole.
            ("一、总体情况\n", vec!["一、总体情况"]),
            ("一、总体情况良好\n", vec!["一、总体情况良好"]),
            (
                "（一）主动公开（二）依申请公开\n",
                vec!["（一）主动公开（二）依申请公开"],
            ),
        ] {
            assert_eq!(texts(t), want, "{t}");
        }
    }

    #[test]
    fn a_line_with_lines_is_kept() {
        let t = "一、总体情况\n本年度，我局认真贯彻落实《条例》，主动公开政府信息100条，办理申请5件，无行政复议和诉讼。\n";
        assert_eq!(texts(t), vec!["一、总体情况", "本年度，我局认真贯彻落实《条例》，主动公开政府信息100条，办理申请5件，无行政复议和诉讼。"]);
    }

    #[test]
    fn a_flat_report_is_cut_at_titles_and_labels() {
        let t = "首页   政务公开   某某局2024年政府信息公开工作年度报告   本报告共分6个部分：总体情况、主动公开政府信息情况。一、总体情况 2024年，我局公开信息10条。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件6233440三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量21710000218二、上年结转政府信息公开申请数量0000000（三）不予公开1.属于国家秘密40000042.其他法律行政法规禁止公开0000000";
        assert_eq!(
            texts(t),
            vec![
                "首页   ",
                "政务公开   ",
                "某某局2024年政府信息公开工作年度报告",
                "本报告共分6个部分：总体情况、主动公开政府信息情况。",
                "一、总体情况",
                " 2024年，我局公开信息10条。",
                "二、主动公开政府信息情况",
                "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数",
                "规章000",
                "行政规范性文件6233440",
                "三、收到和处理政府信息公开申请情况",
                "一、本年新收政府信息公开申请数量21710000218",
                "二、上年结转政府信息公开申请数量0000000",
                "（三）不予公开",
                "1.属于国家秘密4000004",
                "2.其他法律行政法规禁止公开0000000",
            ]
        );
    }

    #[test]
    fn labels_broken_by_spaces_are_found() {
        let t = "一、本年新收政府信息公开申请数量21710000218二、上年结转政府信息公开申请数量0000000三、本年度办 \u{a0} \u{a0} 理结果 （一）予以公开710000071";
        assert_eq!(
            texts(t),
            vec![
                "一、本年新收政府信息公开申请数量21710000218",
                "二、上年结转政府信息公开申请数量0000000",
                "三、本年度办 \u{a0} \u{a0} 理结果 ",
                "（一）予以公开710000071",
            ]
        );
    }

    #[test]
    fn tab_rows_are_never_cut() {
        // A group label and a row label on one tab row: one row, not cut.
        let t = "\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n";
        assert_eq!(lines(t).len(), 1);
    }
}
