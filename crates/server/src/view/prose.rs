//! The prose sections of a report with the counts they quote marked: every number
//! written with a counting unit (“17件”), and, over them, the clauses a body-text rule
//! (B…) compared with the tables and found wrong, linked to their finding.
//!
//! Where a body rule's claim lies in the section is known only to the rule. The stored
//! findings point into the source file (a line, a PDF box), not into the section text
//! the page shows, so the body rules are run again on the stored reading with a locator
//! that answers in the reading's own (normalised) offsets — the same rules on the same
//! text give the same findings, matched to the stored ones by their key.

use std::collections::BTreeMap;
use std::ops::Range;

use gongkai_check::Selection;
use gongkai_model::schema::SectionKind;
use gongkai_model::{Locate, Location, Report, Severity};
use maud::{html, Markup};
use serde::Serialize;

use crate::decisions::FindingKey;

/// A prose section as shown: its heading and its body cut into marked pieces.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SectionView {
    /// overview | problems | other …
    #[schema(value_type = String)]
    pub kind: SectionKind,
    pub heading: String,
    pub segments: Vec<Segment>,
}

/// A piece of a section's body.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Segment {
    pub text: String,
    /// A count the text quotes (a number with its unit).
    pub count: bool,
    /// The finding whose claim this is part of (its key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub severity: Option<Severity>,
}

/// Answers with the normalised range itself, as a text location: what the page needs
/// to mark the section body.
struct InReading;

impl Locate for InReading {
    fn locate(&self, normalized: Range<usize>) -> Option<Location> {
        Some(Location::Text {
            start: normalized.start as u32,
            end: normalized.end as u32,
            line: 0,
            column: 0,
            end_column: 0,
        })
    }
}

/// Sections whose bodies are prose (the three table sections are drawn as tables).
pub fn is_prose(kind: SectionKind) -> bool {
    !matches!(
        kind,
        SectionKind::ActiveDisclosure | SectionKind::Requests | SectionKind::ReviewLitigation
    )
}

/// Units after which a number is a count quoted by the text.
const UNITS: &[char] = &[
    '件', '条', '次', '个', '项', '人', '份', '家', '起', '场', '篇', '期',
];

/// Byte ranges of the counts in `body`: a run of digits (ASCII or full-width) followed,
/// after optional spaces, by a counting unit. The range covers the digits and the unit.
pub fn counts(body: &str) -> Vec<Range<usize>> {
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut out = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_digit(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, d)) = chars.peek() {
            if !is_digit(d) {
                break;
            }
            end = i + d.len_utf8();
            chars.next();
        }
        let rest = &body[end..];
        let trimmed = rest.trim_start_matches([' ', '\u{3000}']);
        if let Some(u) = trimmed.chars().next().filter(|u| UNITS.contains(u)) {
            out.push(start..end + (rest.len() - trimmed.len()) + u.len_utf8());
        }
    }
    out
}

/// The prose sections of `report` with their counts and the claims of `findings` (the
/// body rules' findings, by key, with their severity) marked.
pub fn sections(report: &Report, findings: &BTreeMap<FindingKey, Severity>) -> Vec<SectionView> {
    let claims = claims(report, findings);
    report
        .sections
        .iter()
        .filter(|s| is_prose(s.kind))
        .map(|s| {
            let span = s.body_offset..s.body_offset + s.body.len();
            let mine: Vec<(Range<usize>, &FindingKey, Severity)> = claims
                .iter()
                .filter(|(r, _, _)| r.start >= span.start && r.end <= span.end && r.start < r.end)
                .map(|(r, k, sev)| (r.start - span.start..r.end - span.start, *k, *sev))
                .collect();
            SectionView {
                kind: s.kind,
                heading: s.heading.clone(),
                segments: segments(&s.body, &counts(&s.body), &mine),
            }
        })
        .collect()
}

/// The places (normalised byte ranges) of the body rules' claims that are among
/// `findings`.
fn claims<'k>(
    report: &Report,
    findings: &'k BTreeMap<FindingKey, Severity>,
) -> Vec<(Range<usize>, &'k FindingKey, Severity)> {
    // Only the body rules point into the prose: without one of their findings there
    // is nothing to find again.
    if findings.is_empty() {
        return Vec::new();
    }
    let Ok(body_rules) = Selection::new(&["B".to_string()], &[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in gongkai_check::check(report, Some(&InReading), &body_rules) {
        let Some((key, severity)) = findings.get_key_value(&FindingKey::of(&f)) else {
            continue;
        };
        for l in f.labels.iter().filter(|l| l.cell.is_none()) {
            if let Some(Location::Text { start, end, .. }) = l.location {
                out.push((start as usize..end as usize, key, *severity));
            }
        }
    }
    out
}

/// `body` cut at every boundary of a count or a claim.
fn segments(
    body: &str,
    counts: &[Range<usize>],
    claims: &[(Range<usize>, &FindingKey, Severity)],
) -> Vec<Segment> {
    let mut cuts: Vec<usize> = vec![0, body.len()];
    for r in counts.iter().chain(claims.iter().map(|c| &c.0)) {
        cuts.push(r.start.min(body.len()));
        cuts.push(r.end.min(body.len()));
    }
    cuts.retain(|&i| body.is_char_boundary(i));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Segment> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a == b {
            continue;
        }
        let count = counts.iter().any(|r| r.start <= a && b <= r.end);
        // The worst claim over this piece.
        let claim = claims
            .iter()
            .filter(|c| c.0.start <= a && b <= c.0.end)
            .max_by_key(|c| c.2);
        let seg = Segment {
            text: body[a..b].to_string(),
            count,
            finding: claim.map(|c| c.1 .0.clone()),
            severity: claim.map(|c| c.2),
        };
        // Unmarked neighbours join: fewer elements for the same text.
        match out.last_mut() {
            Some(last)
                if !last.count && !count && last.finding.is_none() && seg.finding.is_none() =>
            {
                last.text.push_str(&seg.text)
            }
            _ => out.push(seg),
        }
    }
    out
}

/// The sections as HTML: a count is `<mark class="count">`, a claim a `span.claim` with
/// its severity and finding key (for the page's script).
pub fn render(sections: &[SectionView]) -> Markup {
    html! {
        @for s in sections {
            section.prose data-kind=(gongkai_store::StoredEnum::as_str(s.kind)) {
                h3 { (s.heading) }
                div.body {
                    @for seg in &s.segments {
                        @match (&seg.finding, seg.count) {
                            (Some(key), count) => {
                                span class=(format!("claim {}", seg.severity.map_or("info", Severity::as_str))) data-finding=(key) {
                                    @if count { mark.count { (seg.text) } } @else { (seg.text) }
                                }
                            }
                            (None, true) => { mark.count { (seg.text) } }
                            (None, false) => { (seg.text) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_numbers_with_a_unit() {
        let body = "全年共受理申请 17 件，其中当面１２件；2023年度，网址123。";
        let found: Vec<&str> = counts(body).into_iter().map(|r| &body[r]).collect();
        assert_eq!(found, vec!["17 件", "１２件"]);
    }

    #[test]
    fn claims_and_counts_cut_the_body_and_text_is_escaped() {
        let key = FindingKey("k".repeat(64));
        let body = "<b>收到申请3件。</b>";
        let claim = (3..22, &key, Severity::Error);
        let segs = segments(body, &counts(body), &[claim]);
        let texts: Vec<&str> = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["<b>", "收到申请", "3件", "。", "</b>"]);
        assert!(segs[2].count && segs[2].finding.is_some());
        let html = render(&[SectionView {
            kind: SectionKind::Overview,
            heading: "一、总体情况".into(),
            segments: segs,
        }])
        .into_string();
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"));
        assert!(html.contains(&format!(
            r#"<span class="claim error" data-finding="{}"><mark class="count">3件</mark></span>"#,
            key.0
        )));
    }
}
