//! The corpus database: every report read, with its agency, findings, cells, sections
//! and metrics, in SQLite (one file, nothing to install) or PostgreSQL (a shared server).
//!
//! Both backends have the same tables (see `migrations/`), and the store's logic and
//! queries are written once over one connection interface (`conn::Conn`). The store does not read files or parse
//! reports: it is given [`Ingested`] files and answers queries with plain data.
//!
//! At the boundary everything is typed: rows are read by column name ([`Row::get`]), and
//! what a column keeps as a word is an enum ([`StoredEnum`]); a column missing, NULL
//! where a value is required, or holding a word no enum value has is an error naming it
//! ([`StoreError::Column`]).
//!
//! Versions: a report is identified by its agency and year. A file whose bytes were
//! stored before (by SHA-256) is not stored again. A file with the same tables as a
//! stored report of that agency and year but in another format (the web page and its
//! PDF attachment) is another *source* of that report: the report keeps the preferred
//! one's reading ([`version_rank`]). Any other file with new bytes for an agency and
//! year already present becomes the next version. One version is *current* (what
//! checks, summaries and exports use): the most completely read, and among those the
//! newest; files stored in one run are ordered among themselves by completeness, format
//! and content ([`Store::settle_versions`]), so the choice never depends on the order
//! in which parallel readers finished.
//!
//! The modules follow the tables and the questions asked of them: [`open`](Store::open)
//! and the schema checks, reports and their versions, agencies and their places,
//! findings, the cross-report state and what the cross-report rules read, files and
//! failures, metrics, and the coverage and counts of a summary.

mod admin;
mod agencies;
mod conn;
mod corpus_views;
mod cross;
mod enums;
mod error;
mod files;
mod findings;
mod jobs;
mod ledger;
mod metrics;
mod migrate;
mod open;
mod queue;
mod regional;
mod removal;
mod reports;
mod review;
mod row;
mod summary;
pub mod testing;
mod types;
mod versions;
mod workspace;

use std::collections::HashMap;

use gongkai_gazetteer::Place;

pub use admin::{AgencyQuery, AuditQuery, PlaceFilter};
use conn::Conn;
pub use conn::Val;
pub use corpus_views::{AgencyMetrics, AgencyPlace, FindingCount, ReportPlace};
pub use cross::{band_page, unix_now};
pub use enums::{FailureKind, Placement, StoredEnum};
pub use error::{StoreError, BUSY_TIMEOUT_SECS};
pub use jobs::{Job, JobStatus, JobWithPayload};
pub use ledger::LedgerChange;
pub use open::{Integrity, DATABASE_ENV, DEFAULT_DATABASE, QUICK_CHECK_MAX_BYTES};
pub use queue::{
    Enqueued, FileDone, FileResult, FilesPayload, QueueCounts, QueuedFile, KIND_INGEST_CROSS,
    KIND_INGEST_FILES,
};
pub use reports::tables_digest;
pub use review::{
    finding_key, DecisionFilter, FindingDecisionFilter, FindingListRow, FindingQuery, FindingSort,
    LatestDecision, Page, ReportListRow, ReportQuery, ReportSort, SeverityFilter,
};
pub use row::{ColumnProblem, FromVal, Row};
pub use types::{
    AgencyInfo, CorpusFinding, Counts, Coverage, CrossState, CrossStep, EncodedReport, FailedFile,
    Failure, Filter, Ingested, MetricRow, NewReport, PendingReport, ReportRow, SectionSignature,
    StockSnapshot, StoredAgency, StoredFinding, TextMember, Written,
};
pub use versions::{format_rank, version_rank};
pub use workspace::{Actor, ApiToken, AuditEntry, Decision, NewDecision, User};

/// Where the store keeps its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The corpus database.
pub struct Store {
    conn: Box<dyn Conn>,
    /// Agency name → (id, placement, place): agencies are looked up once per batch, not
    /// per report.
    agencies: HashMap<String, (i64, Placement, Place)>,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.conn.close();
    }
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// Runs a query (for tools and tests that need SQL the store does not offer).
    pub fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        self.conn.query(sql, params)
    }

    /// Runs `f` in a write transaction: committed if it succeeds, rolled back if not.
    fn in_transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.begin()?;
        match f(self) {
            Ok(v) => {
                self.conn.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.batch("ROLLBACK");
                // The cache may name agencies the rollback removed.
                self.agencies.clear();
                Err(e)
            }
        }
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => self.conn.batch("BEGIN IMMEDIATE")?,
            Backend::Postgres => self.conn.batch("BEGIN")?,
        }
        self.conn.lock_for_writing()
    }
}

/// A list of ids for `IN (…)`: integers, so written into the SQL rather than bound one
/// parameter each.
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
