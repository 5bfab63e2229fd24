//! The report's structure: title (agency, year) and the six section headings.

use std::ops::Range;
use std::sync::LazyLock;

use gongkai_model::schema::SectionKind;
use regex::Regex;

use crate::similarity::{core, is_noise, whole_score};
use crate::tokens::Line;

/// The title line and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    pub line: usize,
    /// Span of the title's first line.
    pub span: Range<usize>,
    /// The whole title (both lines when it wraps).
    pub text: String,
    pub agency: Option<(String, Range<usize>)>,
    pub year: Option<(i32, Range<usize>)>,
}

static TITLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:标题[:：]\s*)?(?:关于)?(?P<pre>.*?)\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<mid>.*?)\s*政府信息公开(?:工作)?(?:年度)?(?:工作)?报告",
    )
    .expect("title regex")
});

/// Suffixes by which a line reads as an agency name.
const AGENCY_SUFFIXES: &[&str] = &[
    "政府",
    "办公室",
    "办公厅",
    "局",
    "委员会",
    "委",
    "厅",
    "院",
    "中心",
    "管委会",
    "办事处",
    "公司",
    "处",
    "署",
    "部",
    "站",
    "所",
    "会",
    "馆",
    "队",
    "集团",
    "(管委会)",
];

/// Marks after which a title's agency name starts: navigation and column labels that
/// web pages (and their PDF/Word renders) print in front of the title.
const CHROME_MARKS: &[&str] = &[
    "•", "·", ">", "»", "|", "/", ":", "：", "年报", "首页", "位置", " ",
];

/// Find the report's title in the first lines: "<机关><年份>年政府信息公开工作年度报告".
pub fn find_title(text: &str, lines: &[Line]) -> Option<Title> {
    let mut seen = 0;
    for (li, line) in lines.iter().enumerate() {
        let s = line.text(text);
        let t = s.trim();
        if t.is_empty() {
            continue;
        }
        seen += 1;
        if seen > 60 {
            break;
        }
        if t.chars().count() > 80 {
            continue;
        }
        // A title wrapped over two lines ("2025 年上海市人民政府办公厅政府信息公开" /
        // "工作年度报告") is read joined; offsets past the first line map into the second.
        let next = lines[li + 1..]
            .iter()
            .take(2)
            .find(|l| !l.text(text).trim().is_empty())
            .copied();
        let joined;
        let (hay, c) = match TITLE_RE.captures(s) {
            Some(c) => (s, c),
            None => {
                let starts_title = YEAR_RE.is_match(s) || s.contains("政府信息公开");
                let Some(n) = next.filter(|n| {
                    starts_title
                        && n.text(text).trim().chars().count() <= 30
                        && !TITLE_RE.is_match(n.text(text))
                }) else {
                    continue;
                };
                joined = format!("{}{}", s.trim_end(), n.text(text).trim());
                match TITLE_RE.captures(&joined) {
                    Some(c) => (joined.as_str(), c),
                    None => continue,
                }
            }
        };
        let first_len = s.trim_end().len();
        let map = |i: usize| -> usize {
            if i <= first_len || hay.len() == s.len() {
                line.start + i
            } else {
                let n = next.expect("joined title has a second line");
                let lead = n.text(text).len() - n.text(text).trim_start().len();
                n.start + lead + (i - first_len)
            }
        };
        let year_m = c.name("year")?;
        let year: i32 = year_m.as_str().parse().ok()?;
        let abs = |m: regex::Match| map(m.start())..map(m.end()).max(map(m.start()));
        let clean = |s: &str| -> String {
            s.trim()
                .trim_end_matches('的')
                .trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '“' || c == '”')
                .to_string()
        };
        let pre = c.name("pre").filter(|m| !clean(m.as_str()).is_empty());
        let mid = c.name("mid").filter(|m| !clean(m.as_str()).is_empty());
        // Breadcrumbs and site labels before the name ("•政府信息公开年报平潭综合实验区").
        let mut agency = pre.or(mid).map(|m| {
            let raw = m.as_str();
            let cut = CHROME_MARKS
                .iter()
                .filter_map(|mark| raw.rfind(mark).map(|k| k + mark.len()))
                .max()
                .unwrap_or(0);
            let start = m.start() + cut;
            (clean(&raw[cut..]), map(start)..map(m.end()))
        });
        if agency
            .as_ref()
            .is_some_and(|(a, _)| a.is_empty() || is_pronoun(a))
        {
            agency = None;
        }
        if agency.is_none() {
            // The agency on the line before: "淮安市洪泽区人民政府\n2023年政府信息公开工作年度报告".
            if let Some(prev) = lines[..li]
                .iter()
                .rev()
                .find(|l| !l.text(text).trim().is_empty())
            {
                let p = prev.text(text).trim();
                if p.chars().count() <= 30 && AGENCY_SUFFIXES.iter().any(|s| p.ends_with(s)) {
                    let lead = prev.text(text).len() - prev.text(text).trim_start().len();
                    let start = prev.start + lead;
                    agency = Some((p.to_string(), start..start + p.len()));
                }
            }
        }
        let lead = s.len() - s.trim_start().len();
        return Some(Title {
            line: li,
            span: line.start + lead..line.start + lead + t.len(),
            text: hay.trim().to_string(),
            agency,
            year: Some((year, abs(year_m))),
        });
    }
    None
}

/// The agency's canonical name. A title often leaves out the higher-level place
/// ("洪泽区人民政府" where the body says "淮安市洪泽区人民政府办公室"): the longest
/// "<city>市<name>" in the text that ends with the printed name completes it.
pub fn full_agency_name(text: &str, printed: &str) -> String {
    let name = gongkai_model::agency::canonical(printed);
    let starts_with_top_level = ["省", "市", "自治区", "州", "盟"]
        .iter()
        .any(|s| printed.chars().take(6).collect::<String>().contains(s));
    // Only a county-level name (洪泽区…, 清河县…) takes its city; nothing takes a province.
    let county_level = printed
        .chars()
        .take(5)
        .any(|c| matches!(c, '区' | '县' | '旗'));
    if printed.chars().count() >= 4 && !starts_with_top_level && county_level {
        let mut best: Option<&str> = None;
        for (i, _) in text.match_indices(printed) {
            // Up to 6 chars before, ending with 市/省/州/盟.
            let before = &text[..i];
            let prefix: String = before
                .chars()
                .rev()
                .take(6)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            // The place: two characters and its level (淮安市, 江苏省), right before the name.
            let chars: Vec<char> = prefix.chars().collect();
            if chars.len() >= 3
                && matches!(chars[chars.len() - 1], '市' | '州' | '盟')
                && chars[chars.len() - 3..].iter().all(|c| is_han(*c))
            {
                let place: String = chars[chars.len() - 3..].iter().collect();
                if best.is_none() {
                    best = Some(&text[i - place.len()..i]);
                }
            }
        }
        if let Some(place) = best {
            return gongkai_model::agency::canonical(&format!("{place}{printed}"));
        }
    }
    name
}

/// "我厅", "本机关", "该局": how a body names its own agency — no name at all.
fn is_pronoun(name: &str) -> bool {
    let n = name.chars().count();
    (name.starts_with('我') || name.starts_with('本') || name.starts_with('该')) && n <= 5
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

static YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}\s*年").expect("year regex"));

static NUMBERING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:#+\s*)?(?:第?[一二三四五六七八九十]+(?:部分)?\s*[、.,:：]?\s*|\(\s*[一二三四五六七八九十]+\s*\)\s*[、.]?\s*|[0-9]{1,2}\s*[、.]\s*)",
    )
    .expect("numbering regex")
});

/// Where a heading's numbering ("二、", "(三)", "第一部分", "1.") ends, if the line starts
/// with one. Every numbering starts with '#', '第', a Chinese numeral, '(' or a digit:
/// any other line is not given to the regex (this runs for every line of a report).
fn numbering_end(t: &str) -> Option<usize> {
    let first = t.chars().next()?;
    let may_number = first.is_ascii_digit()
        || matches!(
            first,
            '#' | '第' | '(' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        );
    if !may_number {
        return None;
    }
    NUMBERING_RE.find(t).map(|m| m.end()).filter(|&end| end > 0)
}

/// The cores of every accepted section title, computed once.
static TITLE_CORES: LazyLock<Vec<(SectionKind, Vec<char>)>> = LazyLock::new(|| {
    SectionKind::ALL
        .iter()
        .flat_map(|k| k.titles().iter().map(move |t| (*k, core(t))))
        .collect()
});

/// One bit per char (a 64-bit Bloom filter of one hash): a title's chars OR-ed together.
fn char_bit(c: char) -> u64 {
    1u64 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
}

/// Each title's chars as a Bloom filter: the chars of a line that may be in a title bound
/// how much of it the line can hold, before the LCS is computed.
static TITLE_BITS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    TITLE_CORES
        .iter()
        .map(|(_, t)| t.iter().fold(0, |m, &c| m | char_bit(c)))
        .collect()
});

/// A section heading found on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub kind: SectionKind,
    /// The heading's first line (the one before it ends the previous section's body).
    pub first: usize,
    /// The heading's last line (its body starts on the next one).
    pub line: usize,
    /// The heading's text span (trimmed) in the normalised text.
    pub span: Range<usize>,
}

/// The most chars a section heading's line holds (numbering and spaces included).
const MAX_HEADING_CHARS: usize = 40;

/// Which section a line heads, if it is a section heading. Recognised by the title
/// text, not by the numeral: reports reuse 一、二、三 for sub-headings.
pub fn heading_kind(line: &str) -> Option<SectionKind> {
    let t = line.trim();
    // Table rows end with a number; headings never do.
    if t.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let n = t.chars().count();
    if !(2..=MAX_HEADING_CHARS).contains(&n) {
        return None;
    }
    let (numbered, rest) = match numbering_end(t) {
        Some(end) => (true, &t[end..]),
        None => (false, t),
    };
    // The line's core on the stack: a heading is at most MAX_HEADING_CHARS chars, and
    // this runs for every line of a report.
    let mut core_buf = ['\0'; MAX_HEADING_CHARS];
    let mut core_len = 0;
    for c in rest.chars().filter(|&c| !is_noise(c)) {
        core_buf[core_len] = c;
        core_len += 1;
    }
    let rest_core = &core_buf[..core_len];
    if rest_core.is_empty() {
        return None;
    }
    let threshold = if numbered { 0.85 } else { 0.92 };
    let mut best: Option<(f32, SectionKind)> = None;
    let mut bits_buf = [0u64; MAX_HEADING_CHARS];
    for (b, &c) in bits_buf.iter_mut().zip(rest_core) {
        *b = char_bit(c);
    }
    let rest_bits = &bits_buf[..core_len];
    for ((kind, title), &bits) in TITLE_CORES.iter().zip(TITLE_BITS.iter()) {
        // score = lcs / max(len) ≤ min(len) / max(len): skip titles whose length alone rules them out.
        let (lo, hi) = (
            title.len().min(rest_core.len()),
            title.len().max(rest_core.len()),
        );
        if (lo as f32) < threshold * hi as f32 {
            continue;
        }
        // lcs ≤ the line's chars that may be in the title.
        let may = rest_bits.iter().filter(|&&b| b & bits != 0).count();
        if (may as f32) < threshold * hi as f32 {
            continue;
        }
        let score = whole_score(title, rest_core);
        if score >= threshold && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, *kind));
        }
    }
    best.map(|(_, k)| k)
}

/// All section headings in document order; a heading repeated right after itself
/// (with only the title or an intro between) is one section.
pub fn find_headings(text: &str, lines: &[Line]) -> Vec<Heading> {
    let mut out: Vec<Heading> = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        let s = line.text(text);
        if is_cell_row(s) {
            continue;
        }
        if out.last().is_some_and(|h| h.line >= li) {
            continue;
        }
        let (kind, last) = match heading_kind(s) {
            Some(kind) => (kind, li),
            None => match wrapped_heading(text, lines, li) {
                Some(kind) => (kind, li + 1),
                None => continue,
            },
        };
        if out.last().is_some_and(|h| h.kind == kind) {
            continue;
        }
        let lead = s.len() - s.trim_start().len();
        let end = lines[last].start + lines[last].text(text).trim_end().len();
        out.push(Heading {
            kind,
            first: li,
            line: last,
            span: line.start + lead..end,
        });
    }
    out
}

/// Table cells (tabs, pipes) are not headings.
fn is_cell_row(s: &str) -> bool {
    let t = s.trim();
    t.starts_with('|') || t.contains('\t')
}

/// A numbered title wrapped onto a second line by a narrow page or cell ("五、存在的主要问"
/// / "题及改进情况"): the kind when the two short lines make a title that neither is alone.
fn wrapped_heading(text: &str, lines: &[Line], li: usize) -> Option<SectionKind> {
    // Two short lines: 24 chars are at most 96 bytes (with spaces around).
    let (first, next) = (lines[li], *lines.get(li + 1)?);
    if first.end - first.start > 120 || next.end - next.start > 120 {
        return None;
    }
    let first = first.text(text).trim_start();
    // A section's numbering: 一、 … 六、, (一), 1.
    let numbering = |c: char| {
        matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '（' | '(' | '1'..='6'
        )
    };
    if !first.starts_with(numbering) {
        return None;
    }
    let first = first.trim_end();
    let next = next.text(text).trim();
    let short = |t: &str| (1..=24).contains(&t.chars().count());
    if !short(first) || !short(next) || is_cell_row(next) {
        return None;
    }
    if next.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Cheap first look: after its numbering, the first line begins a title.
    let begun = core(&first[numbering_end(first)?..]);
    let n = begun.len().min(2);
    let begins_title = TITLE_CORES
        .iter()
        .any(|(_, t)| t.len() >= n && t[..n] == begun[..n]);
    if !begins_title || heading_kind(next).is_some() {
        return None;
    }
    heading_kind(&format!("{first}{next}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::lines;

    #[test]
    fn numbering_is_what_the_regex_finds() {
        for t in [
            "二、主动公开政府信息情况",
            "(三)其他需要报告的事项",
            "第一部分 总体情况",
            "## 四、存在的主要问题及改进情况",
            "12.其他",
            "总体情况",
            "（一）全角括号",
            "",
        ] {
            let by_regex = NUMBERING_RE.find(t).map(|m| m.end()).filter(|&e| e > 0);
            assert_eq!(numbering_end(t), by_regex, "{t}");
        }
        assert_eq!(numbering_end("二、总体情况"), Some("二、".len()));
    }

    #[test]
    fn headings_by_title_not_numeral() {
        assert_eq!(heading_kind("一、总体情况"), Some(SectionKind::Overview));
        assert_eq!(
            heading_kind(" 二、主动公开政府信息情况"),
            Some(SectionKind::ActiveDisclosure)
        );
        assert_eq!(heading_kind("二、依申请公开情况"), None);
        assert_eq!(heading_kind("一、主动公开情况"), None);
        assert_eq!(heading_kind("四、政府信息公开平台建设情况"), None);
        assert_eq!(heading_kind("四、结转下年度继续办理 0 0 0 0 0 0 0"), None);
        assert_eq!(
            heading_kind("政府信息公开工作存在的主要问题及改进情况"),
            Some(SectionKind::Problems)
        );
        assert_eq!(
            heading_kind("五、其他需要报告的事项"),
            Some(SectionKind::Other)
        );
        assert_eq!(
            heading_kind("四、政府信息公开行政复议、行政诉讼情况"),
            Some(SectionKind::ReviewLitigation)
        );
    }

    #[test]
    fn a_pronoun_is_no_agency() {
        let text = "我厅2024年政府信息公开工作年度报告\n";
        let t = find_title(text, &lines(text)).unwrap();
        assert_eq!(t.agency, None);
        assert_eq!(t.year.unwrap().0, 2024);
        let text = "本机关2024年度政府信息公开工作报告\n";
        assert_eq!(find_title(text, &lines(text)).unwrap().agency, None);
    }

    #[test]
    fn title_with_agency_and_year() {
        let text = "\n辉县市人民政府2021年政府信息公开工作年度报告\n";
        let t = find_title(text, &lines(text)).unwrap();
        assert_eq!(t.agency.as_ref().unwrap().0, "辉县市人民政府");
        assert_eq!(t.year.as_ref().unwrap().0, 2021);
        let text = "淮安市洪泽区人民政府\n2023年政府信息公开工作年度报告\n";
        let t = find_title(text, &lines(text)).unwrap();
        assert_eq!(t.agency.unwrap().0, "淮安市洪泽区人民政府");
        let text = "标题: 平潭综合实验区2012年政府信息公开工作年度报告\n";
        let t = find_title(text, &lines(text)).unwrap();
        assert_eq!(t.agency.unwrap().0, "平潭综合实验区");
        assert_eq!(t.year.unwrap().0, 2012);
    }
}
