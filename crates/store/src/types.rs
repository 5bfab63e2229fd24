//! The plain data that crosses the store's boundary: what it is given to store and what
//! its queries answer.

use crate::StoreError;
use std::collections::BTreeMap;

use gongkai_gazetteer::Place;
use gongkai_model::agency::Level;
use gongkai_model::schema::{Edition, SectionKind};
use gongkai_model::{Finding, ReadingStatus, Report, SourceFormat};

use crate::enums::{FailureKind, Placement};

/// An agency as the corpus knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyInfo {
    /// The canonical name.
    pub name: String,
    pub place: Place,
    pub placement: Placement,
}

/// A report read and checked, ready to store.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub report: Report,
    pub agency: Option<AgencyInfo>,
    /// The single-report findings.
    pub findings: Vec<Finding>,
    /// `(metric key, value)`; `None` where an input is blank or a denominator is 0.
    pub metrics: Vec<(String, Option<f64>)>,
    /// One entry per `report.sections`: the copied-text signature, when the section is
    /// long enough to compare.
    pub signatures: Vec<Option<Vec<u8>>>,
    /// The date the report was signed (YYYY-MM-DD), read from its end.
    pub signed: Option<String>,
    /// What storing it computes from the report, computed beforehand on the thread
    /// that read it ([`NewReport::encode`]) so that the one writer does not; `None`:
    /// computed when stored.
    pub encoded: Option<EncodedReport>,
}

/// The stored form of a report and the digest of its tables.
#[derive(Clone, Debug)]
pub struct EncodedReport {
    pub(crate) blob: Vec<u8>,
    pub(crate) digest: Option<String>,
}

impl NewReport {
    /// Computes [`NewReport::encoded`] now (on the caller's thread).
    pub fn encode(&mut self) -> Result<(), StoreError> {
        self.encoded = Some(EncodedReport {
            blob: crate::reports::encode_report(&self.report)?,
            digest: crate::reports::tables_digest(&self.report),
        });
        Ok(())
    }
}

/// One file offered to the store.
#[derive(Clone, Debug)]
pub struct Ingested {
    pub path: String,
    /// SHA-256 of the bytes, lower-case hex (for a path that could not be read, a
    /// stand-in that names it).
    pub hash: String,
    pub size: u64,
    /// The report, or why the file gave none.
    pub outcome: Result<NewReport, Failure>,
}

/// A file's failure: its kind and the message shown to the user (naming the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

/// What the store did with one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// Stored as a new report (version 1) or a new version of one.
    Stored { report_id: i64, version: i64 },
    /// The same tables as a stored report in another format: recorded as another
    /// source of it. `primary` when this file is preferred and the report now reads
    /// from it.
    OtherSource { report_id: i64, primary: bool },
    /// These bytes were stored before (under this or another path).
    Unchanged { report_id: i64 },
    /// Recorded as failed, with its error.
    Failed,
}

/// A stored report without its tables.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    pub region: Option<String>,
    pub level: Option<Level>,
    pub year: Option<i32>,
    pub version: i64,
    pub is_current: bool,
    pub source: String,
    pub format: SourceFormat,
    /// `None` when no table 二 was found.
    pub edition: Option<Edition>,
    pub hash: String,
    /// Where the report was published, when a manifest said so.
    pub url: Option<String>,
    /// How completely it was read (`None` only if the stored report cannot be decoded).
    pub reading: Option<ReadingStatus>,
    /// The agency's unit code, when its place is resolved.
    pub region_code: Option<String>,
    /// When it was published (a manifest's date) and signed (read from its end).
    pub published: Option<String>,
    pub signed: Option<String>,
}

/// A finding as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFinding {
    pub report_id: i64,
    /// The other report of a cross-report finding (last year's, or the one copied from).
    pub other_report_id: Option<i64>,
    /// Found by the cross-report rules, not by the checks of this report alone.
    pub corpus: bool,
    pub finding: Finding,
}

/// A cross-report finding to store.
#[derive(Clone, Debug)]
pub struct CorpusFinding {
    pub report_id: i64,
    pub other_report_id: Option<i64>,
    pub finding: Finding,
}

/// A prose section of a current report with its copied-text signature.
#[derive(Clone, Debug)]
pub struct SectionSignature {
    pub section_id: i64,
    pub report_id: i64,
    pub agency_id: Option<i64>,
    pub year: Option<i32>,
    pub kind: SectionKind,
    pub signature: Vec<u8>,
    /// The distinct text the copied-text state last put it in.
    pub text_id: Option<i64>,
}

/// A report the cross-report state has not taken in as it is now: new, no longer
/// current, read again from another source, or moved to another agency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingReport {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub year: Option<i32>,
    pub is_current: bool,
}

/// A section of a distinct text, as the copied-text rule judges it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextMember {
    pub section_id: i64,
    pub report_id: i64,
    pub agency_id: Option<i64>,
    pub year: Option<i32>,
    pub kind: SectionKind,
    pub text_id: i64,
}

/// The stock-phrase statistics every copied-text judgement uses until the next refresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockSnapshot {
    /// Agencies counted.
    pub agencies: i64,
    /// Agencies from which a phrase is stock.
    pub threshold: i64,
    /// Unix seconds.
    pub computed_at: i64,
    pub sketch: Vec<u8>,
}

/// Whether the cross-report findings belong to the reports now stored.
///
/// A counter in the database goes up with every change to the reports and at the start
/// of every cross-report step ([`Store::begin_cross`](crate::Store::begin_cross)); the
/// transaction that replaces the findings records the value its step started from. So
/// after a crash anywhere (even during the cross-report step), or reports written by
/// another process while a step ran, the database says the findings are stale, instead
/// of holding the reports without their cross-report findings and no sign of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrossState {
    /// The stored cross-report findings are missing or out of date.
    pub stale: bool,
    /// When the reports last changed or a step last started (Unix seconds).
    pub marked_at: Option<i64>,
    /// When the findings were last replaced (Unix seconds).
    pub computed_at: Option<i64>,
}

/// The start of a cross-report step ([`Store::begin_cross`](crate::Store::begin_cross)):
/// what the findings it computes are up to date with. Give it back to
/// [`Store::replace_corpus_findings`](crate::Store::replace_corpus_findings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "the findings must be stored with the step's start"]
pub struct CrossStep(pub(crate) i64);

/// A file that gave no report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedFile {
    pub path: String,
    pub error: String,
    /// `None` for failures recorded before kinds were.
    pub kind: Option<FailureKind>,
    /// Unix seconds.
    pub ingested_at: i64,
}

/// One row of the coverage matrix: the years an agency has a report for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub agency_id: i64,
    pub agency: String,
    pub region: String,
    /// The agency's unit code, when its place is resolved.
    pub region_code: Option<String>,
    pub level: Level,
    pub years: Vec<i32>,
}

/// An agency as stored, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAgency {
    pub id: i64,
    pub info: AgencyInfo,
    /// Years with a current report.
    pub years: Vec<i32>,
}

/// The metrics of one current report.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    pub report_id: i64,
    pub agency: Option<String>,
    pub region: Option<String>,
    pub region_code: Option<String>,
    pub level: Option<Level>,
    pub year: Option<i32>,
    pub values: BTreeMap<String, Option<f64>>,
}

/// Counts for a one-line summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub agencies: i64,
    pub reports: i64,
    pub current_reports: i64,
    pub failed_files: i64,
    pub findings: i64,
    pub corpus_findings: i64,
}

/// Which reports a query returns.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only the newest version of each report (the default for every corpus tool).
    pub all_versions: bool,
    /// Agency names containing this text.
    pub agency: Option<String>,
    /// Agencies in this unit or below it, by statistical code ("4107" is 新乡市 and
    /// everything in it). Agencies whose place is ambiguous or unresolved are in no
    /// region.
    pub region_code: Option<String>,
    pub level: Option<Level>,
    pub year: Option<i32>,
    pub ids: Option<Vec<i64>>,
}
