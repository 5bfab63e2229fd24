//! What `check --format json` and `parse` print, as types: a server returns the same
//! JSON by serializing the same values. Field order is the printed order.

use gongkai_model::{
    canonical_json, CanonicalOptions, Finding, FindingKind, Location, Report, ReportPart, Severity,
};
use serde::Serialize;

use crate::Checked;

/// Findings counted by severity and by kind: the summary of a file, or of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub document: usize,
    pub extraction: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Tally {
        let mut t = Tally::default();
        for f in findings {
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
            match f.kind {
                FindingKind::Document => t.document += 1,
                FindingKind::Extraction => t.extraction += 1,
            }
        }
        t
    }

    pub fn add(&mut self, o: Tally) {
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
        self.document += o.document;
        self.extraction += o.extraction;
    }
}

/// One file of `check --format json`: the report read and what was found, or why the
/// file could not be read.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum CheckOutput {
    Checked(CheckedReport),
    Unreadable(UnreadableFile),
}

/// A file read and checked.
#[derive(Clone, Debug, Serialize)]
pub struct CheckedReport {
    pub file: String,
    pub url: Option<String>,
    pub agency: Option<String>,
    pub year: Option<i32>,
    /// The edition of the tables (`"2021"`, `"legacy"`).
    pub edition: Option<&'static str>,
    /// `whole`, `with_doubts` or `partial`.
    pub reading: &'static str,
    pub unread: Vec<ReportPart>,
    pub findings: Vec<FindingOutput>,
    pub summary: Tally,
}

/// A file or folder that gave no report, and why.
#[derive(Clone, Debug, Serialize)]
pub struct UnreadableFile {
    pub file: String,
    pub error: String,
}

/// A finding with its primary location beside its labels, so that a reader of the JSON
/// need not search the labels for it: the finding's fields, then `location`.
#[derive(Clone, Debug)]
pub struct FindingOutput {
    pub finding: Finding,
    pub location: Option<Location>,
}

impl Serialize for FindingOutput {
    /// Through serde_json's value model, as `check` has always written it: PDF
    /// coordinates (`f32`) come out with the digits of the `f64` they widen to, which
    /// scripts reading the JSON may already compare.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut v = serde_json::to_value(&self.finding).map_err(S::Error::custom)?;
        v["location"] = serde_json::to_value(&self.location).map_err(S::Error::custom)?;
        v.serialize(serializer)
    }
}

impl CheckOutput {
    /// The output for `checked`, read from `file` (as the user named it).
    pub fn checked(file: &str, checked: &Checked) -> CheckOutput {
        let r = &checked.parsed.report;
        CheckOutput::Checked(CheckedReport {
            file: file.to_string(),
            url: r.url.clone(),
            agency: r.agency().map(str::to_string),
            year: r.year(),
            edition: r.edition.map(|e| e.as_str()),
            reading: r.reading.as_str(),
            unread: r.unread.clone(),
            findings: checked
                .findings
                .iter()
                .map(|f| FindingOutput {
                    location: f.location().cloned(),
                    finding: f.clone(),
                })
                .collect(),
            summary: Tally::of(&checked.findings),
        })
    }

    /// The output for a file (or folder) that gave no report.
    pub fn unreadable(file: &str, error: impl std::fmt::Display) -> CheckOutput {
        CheckOutput::Unreadable(UnreadableFile {
            file: file.to_string(),
            error: error.to_string(),
        })
    }
}

/// What `parse` prints: the canonical JSON of a report, with the report's URL after
/// `source` when it has one.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct ParseOutput(serde_json::Value);

impl ParseOutput {
    pub fn new(report: &Report, opts: CanonicalOptions) -> ParseOutput {
        let canonical = canonical_json(report, opts);
        let (Some(url), serde_json::Value::Object(map)) = (&report.url, &canonical) else {
            return ParseOutput(canonical);
        };
        let mut out = serde_json::Map::new();
        for (k, x) in map {
            out.insert(k.clone(), x.clone());
            if k == "source" {
                out.insert("url".into(), serde_json::Value::String(url.clone()));
            }
        }
        ParseOutput(serde_json::Value::Object(out))
    }
}
