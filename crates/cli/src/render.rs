//! Diagnostics for people, in the manner of rustc: the rule, the source line(s) with
//! the numbers underlined, the arithmetic spelled out.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use gongkai_model::{Finding, FindingKind, Location, Severity};
use gongkai_parse::SourceText;
use gongkai_pipeline::output::Tally;
use gongkai_pipeline::Checked;
use unicode_width::UnicodeWidthChar;

const TAB_WIDTH: usize = 4;
/// Places underlined in one snippet at most.
const MAX_PLACED: usize = 4;

fn severity_style(s: Severity) -> Style {
    let color = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn blue() -> Style {
    Style::new().fg_color(Some(AnsiColor::Blue.into())).bold()
}

fn bold() -> Style {
    Style::new().bold()
}

/// Display width of a char in a terminal (tabs expanded to `TAB_WIDTH`).
fn width(c: char) -> usize {
    if c == '\t' {
        TAB_WIDTH
    } else {
        c.width().unwrap_or(0)
    }
}

fn expand_tabs(s: &str) -> String {
    s.replace('\t', &" ".repeat(TAB_WIDTH))
}

/// Render one finding. `file` is the name shown in `-->`.
pub fn finding(out: &mut String, file: &str, source: &SourceText, f: &Finding) {
    let sev = severity_style(f.severity);
    let kind = match f.kind {
        FindingKind::Document => String::new(),
        FindingKind::Extraction => format!("（{}）", f.kind.display_zh()),
    };
    let b = bold();
    let _ = writeln!(
        out,
        "{sev}{}[{}]{sev:#}{b}: {}{kind}{b:#}",
        f.severity.display_zh(),
        f.code,
        f.message,
    );
    let blue = blue();
    // Text labels with a place, sorted by line then column.
    let mut placed: Vec<(u32, u32, u32, usize)> = Vec::new();
    let mut elsewhere: Vec<String> = Vec::new();
    let mut where_: Option<String> = None;
    let mut messages: Vec<String> = Vec::new();
    for l in &f.labels {
        // A page box or table cell is shown on the line it was laid out on, with its place.
        let (shown, msg) = match &l.location {
            Some(loc @ Location::Text { .. }) => (Some(loc.clone()), l.message.clone()),
            Some(other) => {
                where_.get_or_insert_with(|| other.describe_zh());
                (
                    source.text_span(other),
                    format!("{}（{}）", l.message, other.describe_zh()),
                )
            }
            None => (None, l.message.clone()),
        };
        match shown {
            Some(Location::Text {
                line,
                column,
                end_column,
                ..
            }) => {
                messages.push(msg);
                placed.push((line, column, end_column, messages.len() - 1));
            }
            _ if !msg.is_empty() => elsewhere.push(msg),
            _ => {}
        }
    }
    let mut placed: Vec<(u32, u32, u32, &str)> = placed
        .into_iter()
        .map(|(l, c, e, m)| (l, c, e, messages[m].as_str()))
        .collect();
    placed.sort();
    // A snippet shows a few places; the rest are listed, so a row of blanks stays short.
    if placed.len() > MAX_PLACED {
        for (line, col, _, msg) in placed.drain(MAX_PLACED..) {
            // A laid-out document's line numbers are ours, not the file's: its place is in `msg`.
            if source.is_laid_out() {
                elsewhere.push(msg.to_string());
            } else {
                elsewhere.push(format!("第{line}行第{col}列：{msg}"));
            }
        }
    }
    let gutter = placed
        .iter()
        .map(|p| p.0.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(gutter);
    match placed.first() {
        Some((line, col, _, _)) => {
            let place = match &where_ {
                Some(w) => format!("{file}: {w}"),
                None => format!("{file}:{line}:{col}"),
            };
            let _ = writeln!(out, "{pad}{blue}-->{blue:#} {place}  （{}）", f.name);
        }
        None => {
            let _ = writeln!(out, "{pad}{blue}-->{blue:#} {file}  （{}）", f.name);
        }
    }
    if !placed.is_empty() {
        let _ = writeln!(out, "{pad} {blue}|{blue:#}");
        let mut last_line = None;
        for (line, col, end_col, msg) in &placed {
            let range = source.line_index().line_range(*line);
            let text = source.original().get(range).unwrap_or("");
            // A long line (a report crawled onto one line) is shown around each label.
            let cropped = window(text, *col, *end_col);
            let (skip, shown) = match &cropped {
                Some((skip, shown)) => (*skip, shown.as_str()),
                None => (0, text),
            };
            if last_line != Some(*line) || cropped.is_some() {
                if let Some(prev) = last_line {
                    if *line > prev + 1 {
                        let _ = writeln!(out, "{blue}...{blue:#}");
                    }
                }
                let _ = writeln!(
                    out,
                    "{blue}{line:>gutter$} |{blue:#} {}",
                    expand_tabs(shown.trim_end())
                );
                last_line = Some(*line);
            }
            let lead = if skip > 0 { ELLIPSIS.len() } else { 0 };
            let before: usize = lead
                + text
                    .chars()
                    .skip(skip)
                    .take((col.saturating_sub(1) as usize).saturating_sub(skip))
                    .map(width)
                    .sum::<usize>();
            let span: usize = text
                .chars()
                .skip(col.saturating_sub(1) as usize)
                .take(end_col.saturating_sub(*col) as usize)
                .map(width)
                .sum::<usize>()
                .max(1);
            let _ = writeln!(
                out,
                "{pad} {blue}|{blue:#} {}{sev}{}{sev:#} {sev}{msg}{sev:#}",
                " ".repeat(before),
                "^".repeat(span),
            );
        }
        let _ = writeln!(out, "{pad} {blue}|{blue:#}");
    }
    for e in elsewhere {
        let _ = writeln!(out, "{pad} {blue}={blue:#} 位置：{e}");
    }
    for n in &f.notes {
        let _ = writeln!(out, "{pad} {blue}={blue:#} {n}");
    }
    out.push('\n');
}

/// Lines longer than this many chars are shown around their labels only.
const LONG_LINE: usize = 160;
/// Chars of context shown either side of a long line's labels.
const CONTEXT: usize = 40;
const ELLIPSIS: &str = "...";

/// The part of a long `text` to show around the label at columns `col..end_col`: chars
/// skipped from its start, and the text shown (with "..." where it was cut). `None` for a
/// short line, shown whole.
fn window(text: &str, col: u32, end_col: u32) -> Option<(usize, String)> {
    let n = text.chars().count();
    if n <= LONG_LINE {
        return None;
    }
    let (first, last) = (col as usize, end_col.max(col) as usize);
    let lo = first.saturating_sub(1).saturating_sub(CONTEXT);
    let hi = (last.saturating_sub(1) + CONTEXT).min(n);
    let mut shown = String::new();
    if lo > 0 {
        shown.push_str(ELLIPSIS);
    }
    shown.extend(text.chars().skip(lo).take(hi.saturating_sub(lo)));
    if hi < n {
        shown.push_str(ELLIPSIS);
    }
    Some((lo, shown))
}

/// The summary line of a file's or a run's findings.
pub fn tally_line(t: &Tally) -> String {
    format!(
        "{} 个错误，{} 个警告，{} 个提示（文档问题 {}，识别存疑 {}）",
        t.errors, t.warnings, t.infos, t.document, t.extraction
    )
}

/// What `check` prints for a file read and checked: each finding with its place in the
/// source, then the report's agency, year, edition and reading, and its tally.
pub fn checked(name: &str, c: &Checked, tally: Tally) -> String {
    let mut out = String::new();
    for f in &c.findings {
        finding(&mut out, name, &c.parsed.source, f);
    }
    let r = &c.parsed.report;
    out.push_str(&format!(
        "{name}：{}{}{}，{}\n{}  {}\n\n",
        r.agency().unwrap_or("（未识别机关）"),
        r.year().map(|y| format!(" {y}年")).unwrap_or_default(),
        r.edition
            .map(|e| format!("，{}", e.display_zh()))
            .unwrap_or_default(),
        r.reading_zh(),
        r.url
            .as_ref()
            .map(|u| format!("  网址：{u}\n"))
            .unwrap_or_default(),
        tally_line(&tally)
    ));
    out
}

/// Pad `s` with spaces to display width `w` (CJK counts double).
pub fn pad(s: &str, w: usize) -> String {
    let cur: usize = s.chars().map(width).sum();
    format!("{s}{}", " ".repeat(w.saturating_sub(cur)))
}
