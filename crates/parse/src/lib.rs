//! Recognise a 政府信息公开工作年度报告 in text.
//!
//! `text → normalise → lines and cell tokens → title, sections → tables 二/三/四 → Report`.
//! Every value keeps the place it was read (line and column span of the original text);
//! values the parser is unsure of are recorded as [`gongkai_model::Doubt`]s, never
//! silently repaired.

mod active;
mod cells;
mod requests;
mod review;
mod segment;
mod similarity;
mod source;
mod split;
mod structure;
mod tokens;
mod unread;

use std::ops::Range;

use gongkai_model::schema::{Edition, SectionKind};
use gongkai_model::{Doubt, DoubtKind, Located, ReadingStatus, Report, Section, SourceFormat};

pub use similarity::{core_string, lcs};
pub use source::SourceText;
pub use structure::heading_kind;
pub use tokens::{parse_number, Number};

use cells::Ctx;
use segment::lines;
use tokens::{tokenize, Line};

/// A report and the text it was read from (for locating and displaying findings).
pub struct Parsed {
    pub report: Report,
    pub source: SourceText,
}

/// Why a text is not read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("文件没有文字内容")]
    Empty,
    #[error("不是政府信息公开工作年度报告：未找到报告标题、章节标题或统计表")]
    NotAReport,
}

/// Parse a report given as text. `name` identifies the source (file name).
pub fn parse_text(name: &str, original: String) -> Result<Parsed, ParseError> {
    parse_source(name, SourceFormat::Text, SourceText::new(original))
}

/// Parse a structured document (PDF, DOCX, HTML) read by one of the readers.
pub fn parse_document(name: &str, doc: &gongkai_model::Document) -> Result<Parsed, ParseError> {
    parse_source(name, doc.format, SourceText::from_document(doc))
}

/// What is known of a report from outside its text (a crawl's metadata).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hints {
    /// The report's year: decides the format (legacy before 2019) when the text does
    /// not say it, or says otherwise.
    pub year: Option<i32>,
}

/// Parse a source of any format once it is text.
pub fn parse_source(
    name: &str,
    format: SourceFormat,
    source: SourceText,
) -> Result<Parsed, ParseError> {
    parse_source_with(name, format, source, Hints::default())
}

/// Parse a source of any format once it is text, with what is known from outside it.
pub fn parse_source_with(
    name: &str,
    format: SourceFormat,
    source: SourceText,
    hints: Hints,
) -> Result<Parsed, ParseError> {
    let text = source.normalized();
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let ls = lines(text);
    let ctx = Ctx {
        text,
        source: &source,
    };
    let mut report = Report {
        source: name.to_string(),
        format,
        ..Report::default()
    };

    if let Some(title) = structure::find_title(text, &ls) {
        report.title = Some(Located::new(
            title.text.clone(),
            Some(ctx.loc_range(title.span.clone())),
        ));
        report.agency = title.agency.map(|(a, r)| {
            Located::new(
                structure::full_agency_name(text, &a),
                Some(ctx.loc_range(r)),
            )
        });
        report.year = title
            .year
            .map(|(y, r)| Located::new(y, Some(ctx.loc_range(r))));
    }

    let headings = structure::find_headings(text, &ls);
    for (i, h) in headings.iter().enumerate() {
        // The body starts on the next line (which may be the rest of a cut line).
        let body_start = ls.get(h.line + 1).map_or(text.len(), |l| l.start);
        let body_end = headings
            .get(i + 1)
            .map_or(text.len(), |n| ls[n.first].start)
            .max(body_start);
        report.sections.push(Section {
            kind: h.kind,
            // A title wrapped onto two lines reads as one.
            heading: text[h.span.clone()].replace('\n', ""),
            heading_location: Some(ctx.loc_range(h.span.clone())),
            body: text[body_start..body_end].to_string(),
            body_offset: body_start,
        });
    }

    let legacy = match hints.year.or(report.year()) {
        Some(y) => y < 2019,
        // No year in the text: the layout tells (the old parts and their titles).
        None => looks_legacy(text),
    };
    if legacy {
        report.edition = Some(Edition::Legacy);
    } else {
        let regions = table_regions(text, &ls, &headings);
        let mut doubts = Vec::new();
        if let Some(r) = regions.active {
            let toks = tokenize(text, &ls, r.clone());
            let region_text = &text[ls[r.start].start..ls[r.end - 1].end];
            if let Some(edition) = active::detect_edition(region_text) {
                report.active = Some(active::read(
                    &ctx,
                    &toks,
                    edition,
                    &mut doubts,
                    &mut report.undecided,
                ));
                report.edition = Some(edition);
            }
        }
        if let Some(r) = regions.requests {
            let toks = tokenize(text, &ls, r);
            report.requests = requests::read(&ctx, &toks, &mut doubts);
        }
        if let Some(r) = regions.review {
            let toks = tokenize(text, &ls, r);
            report.review = review::read(&ctx, &toks, &mut doubts);
        }
        report.doubts = doubts;
    }

    // What the text shows but was not read is said to be unread, never missing.
    let signs = unread::find(text, &report);
    let nothing_read = report.title.is_none()
        && report.sections.is_empty()
        && report.active.is_none()
        && report.requests.is_none()
        && report.review.is_none();
    // A text with no recognised part is a report only if it shows two parts of one.
    if nothing_read && signs.len() < 2 {
        return Err(ParseError::NotAReport);
    }
    // A text cut short: what it does not reach is unread, not missing.
    let last = ls.iter().rev().find(|l| !l.text(text).trim().is_empty());
    let last_line = last.map_or("", |l| l.text(text));
    // Not a piece of a longer line cut where a part or a table row starts.
    let own_line = last.is_none_or(|l| l.start == 0 || text.as_bytes()[l.start - 1] == b'\n');
    if let Some(parts) = unread::cut_short(text, last_line, own_line, &report) {
        let end = text.trim_end().len();
        let at = text[..end].char_indices().next_back().map_or(0, |(i, _)| i);
        let names: Vec<String> = parts.iter().map(|p| p.describe_zh()).collect();
        report.doubts.push(Doubt {
            kind: DoubtKind::Unread,
            message: "文本在句子或表格行中间中断（文件可能不完整），此后的部分未能读取".to_string(),
            location: Some(ctx.loc_range(at..end)),
            cells: Vec::new(),
            notes: vec![format!("未读取：{}", names.join("、"))],
        });
        for p in parts {
            if !report.unread.contains(&p) {
                report.unread.push(p);
            }
        }
    }
    for sign in signs {
        report.doubts.push(Doubt {
            kind: DoubtKind::Unread,
            message: format!("原文中有{}的迹象，但未能识别", sign.part.describe_zh()),
            location: sign.span.clone().map(|r| ctx.loc_range(r)),
            cells: Vec::new(),
            notes: vec![format!("原文：「{}」", sign.words)],
        });
        if !report.unread.contains(&sign.part) {
            report.unread.push(sign.part);
        }
    }
    report.reading = ReadingStatus::of(&report);
    Ok(Parsed { report, source })
}

/// Line ranges holding tables 二, 三 and 四.
#[derive(Debug, Default)]
struct Regions {
    active: Option<Range<usize>>,
    requests: Option<Range<usize>>,
    review: Option<Range<usize>>,
}

/// Where each table sits: under its section heading, or — when a heading is missing —
/// from an anchor inside the table (第二十条 / 勾稽关系 / 行政复议) to the next boundary.
fn table_regions(text: &str, ls: &[Line], headings: &[structure::Heading]) -> Regions {
    let heading_line = |k: SectionKind| headings.iter().find(|h| h.kind == k).map(|h| h.line + 1);
    let anchor = |from: usize, needles: &[&str]| {
        (from..ls.len()).find(|&i| {
            let s = ls[i].text(text);
            needles.iter().any(|n| s.contains(n))
        })
    };
    let start2 = heading_line(SectionKind::ActiveDisclosure).or_else(|| anchor(0, &["第二十条"]));
    let start3 = heading_line(SectionKind::Requests)
        .or_else(|| anchor(start2.unwrap_or(0), &["勾稽关系", "本年新收"]));
    let start4 = heading_line(SectionKind::ReviewLitigation).or_else(|| {
        start3.and_then(|s| {
            // After the last table-三 row.
            let after = anchor(s, &["结转下年度"]).unwrap_or(s);
            anchor(after + 1, &["行政复议"])
        })
    });
    let mut bounds: Vec<usize> = headings.iter().map(|h| h.first).collect();
    bounds.extend(
        [start2, start3, start4]
            .into_iter()
            .flatten()
            .map(|s| s.saturating_sub(1)),
    );
    bounds.push(ls.len());
    bounds.sort_unstable();
    let region = |start: Option<usize>| {
        let s = start?;
        let end = bounds.iter().copied().find(|&b| b >= s)?;
        (end > s).then_some(s..end.min(ls.len()))
    };
    Regions {
        active: region(start2),
        requests: region(start3),
        review: region(start4),
    }
}

/// Titles of the parts of the format used before 2019 (four or five parts, narrative
/// counts or the old 统计表), and the tables of the current format.
const LEGACY_TITLES: &[&str] = &[
    "政府信息依申请公开工作情况",
    "依申请公开政府信息情况",
    "依申请公开政府信息的情况",
    "政府信息公开的收费及减免情况",
    "因政府信息公开申请提起行政复议",
    "政府信息公开情况统计表",
];
const CURRENT_MARKERS: &[&str] = &[
    "第二十条第",
    "本年新收政府信息公开申请",
    "结转下年度继续办理",
];

/// A report in the pre-2019 format, told by its part titles when its year is not known.
fn looks_legacy(text: &str) -> bool {
    let c = similarity::core_string(text);
    let has = |words: &[&str]| {
        words
            .iter()
            .any(|w| c.contains(&similarity::core_string(w)))
    };
    has(LEGACY_TITLES) && !has(CURRENT_MARKERS)
}
