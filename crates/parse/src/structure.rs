//! The report's structure: title (agency, year) and the six section headings.

use std::ops::Range;
use std::sync::LazyLock;

use gongkai_model::schema::SectionKind;
use regex::Regex;

use crate::similarity::{core, whole_score};
use crate::tokens::Line;

/// The title line and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    pub line: usize,
    pub span: Range<usize>,
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
        let Some(c) = TITLE_RE.captures(s) else {
            continue;
        };
        let year_m = c.name("year")?;
        let year: i32 = year_m.as_str().parse().ok()?;
        let abs = |m: regex::Match| line.start + m.start()..line.start + m.end();
        let clean = |s: &str| -> String {
            s.trim()
                .trim_end_matches('的')
                .trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '“' || c == '”')
                .to_string()
        };
        let pre = c.name("pre").filter(|m| !clean(m.as_str()).is_empty());
        let mid = c.name("mid").filter(|m| !clean(m.as_str()).is_empty());
        let mut agency = pre.or(mid).map(|m| (clean(m.as_str()), abs(m)));
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
            agency,
            year: Some((year, abs(year_m))),
        });
    }
    None
}

static NUMBERING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:#+\s*)?(?:第?[一二三四五六七八九十]+(?:部分)?\s*[、.,:：]?\s*|\(\s*[一二三四五六七八九十]+\s*\)\s*[、.]?\s*|[0-9]{1,2}\s*[、.]\s*)",
    )
    .expect("numbering regex")
});

/// The cores of every accepted section title, computed once.
static TITLE_CORES: LazyLock<Vec<(SectionKind, Vec<char>)>> = LazyLock::new(|| {
    SectionKind::ALL
        .iter()
        .flat_map(|k| k.titles().iter().map(move |t| (*k, core(t))))
        .collect()
});

/// A section heading found on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub kind: SectionKind,
    pub line: usize,
    /// The heading's text span (trimmed) in the normalised text.
    pub span: Range<usize>,
}

/// Which section a line heads, if it is a section heading. Recognised by the title
/// text, not by the numeral: reports reuse 一、二、三 for sub-headings.
pub fn heading_kind(line: &str) -> Option<SectionKind> {
    let t = line.trim();
    // Table rows end with a number; headings never do.
    if t.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let n = t.chars().count();
    if !(2..=40).contains(&n) {
        return None;
    }
    let (numbered, rest) = match NUMBERING_RE.find(t) {
        Some(m) if m.end() > 0 => (true, &t[m.end()..]),
        _ => (false, t),
    };
    let rest_core = core(rest);
    if rest_core.is_empty() {
        return None;
    }
    let threshold = if numbered { 0.85 } else { 0.92 };
    let mut best: Option<(f32, SectionKind)> = None;
    for (kind, title) in TITLE_CORES.iter() {
        // score = lcs / max(len) ≤ min(len) / max(len): skip titles whose length alone rules them out.
        let (lo, hi) = (
            title.len().min(rest_core.len()),
            title.len().max(rest_core.len()),
        );
        if (lo as f32) < threshold * hi as f32 {
            continue;
        }
        let score = whole_score(title, &rest_core);
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
        // Table cells (tabs, pipes) are not headings.
        if s.trim_start().starts_with('|') || s.trim().contains('\t') {
            continue;
        }
        let Some(kind) = heading_kind(s) else {
            continue;
        };
        if out.last().is_some_and(|h| h.kind == kind) {
            continue;
        }
        let lead = s.len() - s.trim_start().len();
        let t = s.trim();
        out.push(Heading {
            kind,
            line: li,
            span: line.start + lead..line.start + lead + t.len(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::lines;

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
