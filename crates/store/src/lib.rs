//! The corpus database: every report read, with its agency, findings, cells, sections
//! and metrics, in SQLite (one file, nothing to install) or PostgreSQL (a shared server).
//!
//! Both backends have the same tables (see `migrations/`), and the store's logic and
//! queries are written once over [`conn::Conn`]. The store does not read files or parse
//! reports: it is given [`Ingested`] files and answers queries with plain data.
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

mod conn;
mod error;
mod migrate;
pub mod testing;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};

use gongkai_gazetteer::{BodyKind, Place, PlaceStatus};
use gongkai_model::agency::Level;
use gongkai_model::{Finding, ReadingStatus, Report, SourceFormat, Value};
use sha2::{Digest, Sha256};

use conn::{Conn, Postgres, Sqlite};
pub use conn::{Row, Val};
pub use error::{StoreError, BUSY_TIMEOUT_SECS};

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

/// Where an agency's place came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// From the gazetteer: the name, and the report's text or folders where the name
    /// alone was ambiguous ([`gongkai_gazetteer::place_agency`]).
    Inferred,
    /// Given by the user's mapping file; never overwritten by an inference.
    Mapping,
}

impl Placement {
    fn as_str(self) -> &'static str {
        match self {
            Placement::Inferred => "inferred",
            Placement::Mapping => "mapping",
        }
    }
}

/// An agency as the corpus knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyInfo {
    /// The canonical name.
    pub name: String,
    pub place: Place,
    pub placement: Placement,
}

/// What of a place is stored and compared: the evidence may differ from one report of
/// an agency to the next without the place changing.
fn place_key(p: &Place) -> (Option<&str>, &str, Level, BodyKind, PlaceStatus, &[String]) {
    (
        p.code.as_deref(),
        p.region.as_str(),
        p.level,
        p.body,
        p.status,
        p.candidates.as_slice(),
    )
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

/// Why a file (or a folder) gave no report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureKind {
    /// The path could not be opened or listed (permission, a broken link, a loop).
    Unreadable,
    /// A FIFO, a device, a socket: never read.
    NotRegularFile,
    TooLarge,
    /// Cut off before its end (a PDF without its trailer, a zip without its directory,
    /// a page that stops mid-table): never a report, never a version.
    Incomplete,
    /// Read but not as a report: encrypted, scanned, damaged, an old format.
    Unsupported,
    /// Reading took longer than the limit per file (or its reader failed inside).
    TimedOut,
    /// Binary, empty, or text that is not an annual report.
    NotAReport,
}

impl FailureKind {
    pub const ALL: [FailureKind; 7] = [
        FailureKind::Unreadable,
        FailureKind::NotRegularFile,
        FailureKind::TooLarge,
        FailureKind::Incomplete,
        FailureKind::Unsupported,
        FailureKind::TimedOut,
        FailureKind::NotAReport,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Unreadable => "unreadable",
            FailureKind::NotRegularFile => "not_regular_file",
            FailureKind::TooLarge => "too_large",
            FailureKind::Incomplete => "incomplete",
            FailureKind::Unsupported => "unsupported",
            FailureKind::TimedOut => "timed_out",
            FailureKind::NotAReport => "not_a_report",
        }
    }
    pub fn parse(s: &str) -> Option<FailureKind> {
        FailureKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn display_zh(self) -> &'static str {
        match self {
            FailureKind::Unreadable => "无法读取",
            FailureKind::NotRegularFile => "不是普通文件",
            FailureKind::TooLarge => "文件过大",
            FailureKind::Incomplete => "文件不完整",
            FailureKind::Unsupported => "无法解析",
            FailureKind::TimedOut => "读取超时",
            FailureKind::NotAReport => "不是报告",
        }
    }
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
    pub format: String,
    pub edition: Option<String>,
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
    pub kind: String,
    pub signature: Vec<u8>,
}

/// Whether the cross-report findings belong to the reports now stored.
///
/// A counter in the database goes up with every change to the reports and at the start
/// of every cross-report step ([`Store::begin_cross`]); the transaction that replaces the
/// findings records the value its step started from. So after a crash anywhere (even
/// during the cross-report step), or reports written by another process while a step
/// ran, the database says the findings are stale, instead of holding the reports
/// without their cross-report findings and no sign of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrossState {
    /// The stored cross-report findings are missing or out of date.
    pub stale: bool,
    /// When the reports last changed or a step last started (Unix seconds).
    pub marked_at: Option<i64>,
    /// When the findings were last replaced (Unix seconds).
    pub computed_at: Option<i64>,
}

/// The start of a cross-report step ([`Store::begin_cross`]): what the findings it
/// computes are up to date with. Give it back to [`Store::replace_corpus_findings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "the findings must be stored with the step's start"]
pub struct CrossStep(i64);

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

/// The environment variable naming the database when `--database` is not given.
pub const DATABASE_ENV: &str = "GONGKAI_DATABASE";

/// The database used when neither `--database` nor [`DATABASE_ENV`] says otherwise.
pub const DEFAULT_DATABASE: &str = "gongkai.db";

/// Switches an SQLite database to WAL: readers (a summary, an export) then do not block
/// an ingest. The switch needs the database to itself, and when two processes open a new
/// database at once SQLite reports "database is locked" to one of them without waiting
/// (waiting could deadlock), so the switch is retried here until the busy timeout.
fn set_wal(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(BUSY_TIMEOUT_SECS);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether [`Store::open_read_only_with`] checks an SQLite file's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// `PRAGMA quick_check` when the file is at most [`QUICK_CHECK_MAX_BYTES`].
    CheckWhereCheap,
    Skip,
}

/// The largest SQLite file checked on a read-only open: about 0.2 s of checking.
pub const QUICK_CHECK_MAX_BYTES: u64 = 64 << 20;

/// What a `--database` value names.
enum Target<'a> {
    Postgres(&'a str),
    Sqlite(&'a str),
}

impl<'a> Target<'a> {
    fn of(target: &'a str) -> Target<'a> {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Target::Postgres(target)
        } else {
            Target::Sqlite(target.strip_prefix("sqlite:").unwrap_or(target))
        }
    }
}

impl Store {
    /// Opens (creating and migrating as needed) the database `target`: a
    /// `postgres://` / `postgresql://` URL, or a path to an SQLite file
    /// (optionally written `sqlite:PATH`). For the commands that write.
    pub fn open(target: &str) -> Result<Store, StoreError> {
        match Target::of(target) {
            Target::Postgres(url) => Store::open_postgres(url, None),
            Target::Sqlite(path) => Store::open_sqlite(path),
        }
    }

    /// Opens an existing database for reading only: nothing is created, migrated or
    /// written (an SQLite file is opened read-only, so a read-only file or folder works,
    /// and a mistyped path is [`StoreError::Missing`] rather than a new empty database).
    /// An SQLite file up to [`QUICK_CHECK_MAX_BYTES`] is checked with `PRAGMA
    /// quick_check` first, so a damaged file is reported before a command reads part of
    /// it and answers as if all were well. Larger files are not: the check reads every
    /// page (1.2–3.2 s for the 436 MB database of 10,000 reports, against 0.1 s for a
    /// summary); damage met by a query is still an error ([`StoreError::Damaged`]).
    pub fn open_read_only(target: &str) -> Result<Store, StoreError> {
        Store::open_read_only_with(target, Integrity::CheckWhereCheap)
    }

    /// [`Store::open_read_only`], choosing whether to check the pages first: an export
    /// skips the check, reads report by report and leaves out the ones it cannot read.
    pub fn open_read_only_with(target: &str, integrity: Integrity) -> Result<Store, StoreError> {
        match Target::of(target) {
            Target::Postgres(url) => {
                let mut store = Store::connect_postgres(url, None)?;
                store.conn.batch("SET default_transaction_read_only = on")?;
                store.check_schema()?;
                Ok(store)
            }
            Target::Sqlite(path) => {
                if !std::path::Path::new(path).is_file() {
                    return Err(StoreError::Missing(path.to_string()));
                }
                let conn = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(std::time::Duration::from_secs(BUSY_TIMEOUT_SECS))?;
                let mut store = Store {
                    conn: Box::new(Sqlite(conn)),
                    agencies: HashMap::new(),
                };
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
                if integrity == Integrity::CheckWhereCheap && size <= QUICK_CHECK_MAX_BYTES {
                    store.integrity_check()?;
                }
                store.check_schema()?;
                Ok(store)
            }
        }
    }

    pub fn open_sqlite(path: &str) -> Result<Store, StoreError> {
        let conn = rusqlite::Connection::open(path)?;
        // The timeout first: a second ingest starting at the same moment must wait for
        // the first one's write lock, not fail at once.
        conn.busy_timeout(std::time::Duration::from_secs(BUSY_TIMEOUT_SECS))?;
        set_wal(&conn)?;
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -65536;
             PRAGMA temp_store = MEMORY;",
        )?;
        Store::with(Box::new(Sqlite(conn)))
    }

    /// Opens a PostgreSQL database; with `schema`, everything lives in that schema
    /// (created if missing) — how the tests keep to themselves on a shared server.
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let mut store = Store::connect_postgres(url, schema)?;
        migrate::run(store.conn.as_mut())?;
        store.fill_version_keys()?;
        store.fill_agency_places()?;
        Ok(store)
    }

    fn connect_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let mut client = postgres::Client::connect(url, postgres::NoTls)
            .map_err(|e| error::pg_error(e, true))?;
        client.batch_execute("SET client_min_messages = WARNING")?;
        if let Some(schema) = schema {
            if !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(StoreError::Query(format!("模式名不合法：{schema}")));
            }
            client.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
            ))?;
        }
        Ok(Store {
            conn: Box::new(Postgres(client)),
            agencies: HashMap::new(),
        })
    }

    fn with(conn: Box<dyn Conn>) -> Result<Store, StoreError> {
        let mut store = Store {
            conn,
            agencies: HashMap::new(),
        };
        migrate::run(store.conn.as_mut())?;
        store.fill_version_keys()?;
        store.fill_agency_places()?;
        Ok(store)
    }

    /// SQLite's structural check of every page and index (`PRAGMA quick_check`): a
    /// damaged file fails here instead of in whichever query first touches the damage.
    /// Nothing to check on PostgreSQL.
    pub fn integrity_check(&mut self) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        let rows = self.conn.query("PRAGMA quick_check(5)", &[])?;
        let problems: Vec<String> = rows
            .into_iter()
            .filter_map(|r| r.into_iter().next().and_then(Val::into_text))
            .filter(|t| t != "ok")
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Damaged {
                detail: format!("完整性检查未通过：{}", problems.join("；")),
            })
        }
    }

    /// A read-only store must find the schema this program writes.
    fn check_schema(&mut self) -> Result<(), StoreError> {
        let found = migrate::applied(self.conn.as_mut())?.ok_or(StoreError::NotCorpus)?;
        let known = migrate::latest();
        if found < known {
            Err(StoreError::Outdated {
                found,
                needed: known,
            })
        } else if found > known {
            Err(StoreError::Newer { found, known })
        } else {
            Ok(())
        }
    }

    /// Places for agencies stored before they were kept (migration 5): by name, as
    /// an ingest would place them without context; a mapping's region as given.
    fn fill_agency_places(&mut self) -> Result<(), StoreError> {
        let g = gongkai_gazetteer::gazetteer()
            .map_err(|e| StoreError::Query(format!("无法读取区划数据：{e}")))?;
        self.place_unplaced_agencies(
            |name| gongkai_gazetteer::place_agency(g, name, &Default::default()),
            |region, level, name| {
                let body = gongkai_gazetteer::resolve_agency(g, name).body;
                Place::given(g, region, Some(level), body).unwrap_or_else(|why| Place {
                    status: PlaceStatus::Unresolved,
                    code: None,
                    region: region.to_string(),
                    level,
                    body,
                    candidates: Vec::new(),
                    evidence: vec![why],
                    qualified_name: None,
                })
            },
        )?;
        Ok(())
    }

    /// Reading status and tables digest for reports stored before they were kept
    /// (migration 4): read once from the stored reports.
    fn fill_version_keys(&mut self) -> Result<(), StoreError> {
        let rows = self
            .conn
            .query("SELECT id, report FROM reports WHERE reading IS NULL", &[])?;
        if rows.is_empty() {
            return Ok(());
        }
        self.in_transaction(|store| {
            for mut r in rows {
                let id = r[0].int().unwrap_or_default();
                let bytes = std::mem::replace(&mut r[1], Val::Null)
                    .into_bytes()
                    .unwrap_or_default();
                // A report whose bytes do not read back is left as it is: reading it is
                // what says it is damaged (and names it), not opening the database.
                let Ok(report) = decode_report(&bytes) else {
                    continue;
                };
                store.conn.exec(
                    "UPDATE reports SET reading = $1, tables_digest = $2 WHERE id = $3",
                    &[
                        report.reading.as_str().into(),
                        tables_digest(&report).into(),
                        id.into(),
                    ],
                )?;
            }
            Ok(())
        })
    }

    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// The schema version after migrations.
    pub fn schema_version(&mut self) -> Result<i64, StoreError> {
        migrate::current(self.conn.as_mut())
    }

    /// Runs a read-only query (for tools and tests that need SQL the store does not offer).
    pub fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        self.conn.query(sql, params)
    }

    /// `(path, hash)` pairs already recorded: a file seen before with the same bytes is
    /// skipped before it is even parsed.
    pub fn seen_files(&mut self) -> Result<HashSet<(String, String)>, StoreError> {
        let rows = self
            .conn
            .query("SELECT path, hash FROM files WHERE status = 'stored'", &[])?;
        Ok(rows
            .into_iter()
            .filter_map(|mut r| {
                let hash = r.pop()?.into_text()?;
                let path = r.pop()?.into_text()?;
                Some((path, hash))
            })
            .collect())
    }

    /// Stores a batch of files in one transaction.
    pub fn write(&mut self, files: Vec<Ingested>) -> Result<Vec<Written>, StoreError> {
        self.in_transaction(|store| store.write_in_transaction(files))
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

    fn write_in_transaction(&mut self, files: Vec<Ingested>) -> Result<Vec<Written>, StoreError> {
        let now = now();
        // In the same transaction as the reports: a database with these reports and the
        // old cross-report findings never exists unmarked.
        self.mark_cross_stale_in_transaction(now)?;
        let mut out = Vec::with_capacity(files.len());
        let mut bulk = BulkRows::default();
        for file in files {
            let existing = self.conn.query(
                "SELECT id FROM reports WHERE hash = $1",
                &[Val::from(file.hash.as_str())],
            )?;
            let (status, failure, report_id, written) = match (existing.first(), file.outcome) {
                (Some(row), _) => {
                    let id = row[0].int().unwrap_or_default();
                    (
                        "stored",
                        None,
                        Some(id),
                        Written::Unchanged { report_id: id },
                    )
                }
                (None, Err(failure)) => ("failed", Some(failure), None, Written::Failed),
                (None, Ok(new)) => {
                    let agency_id = match &new.agency {
                        Some(a) => Some(self.agency_id(a)?),
                        None => None,
                    };
                    let digest = tables_digest(&new.report);
                    let (key_sql, key) =
                        Store::version_key(agency_id, new.report.year(), &file.path);
                    let max = self.conn.query(
                        &format!("SELECT MAX(version) FROM reports WHERE {key_sql}"),
                        &key,
                    )?;
                    let latest = max.first().and_then(|r| r[0].int()).unwrap_or_default();
                    // The first of its group has nothing to be the same report as.
                    let sibling = match latest {
                        0 => None,
                        _ => self.same_tables_in_another_format(agency_id, &new, &digest)?,
                    };
                    match sibling {
                        Some(other) => {
                            let primary =
                                version_rank(new.report.reading, new.report.format) > other.rank;
                            if primary {
                                bulk.drop_report(other.id);
                                self.replace_report(
                                    other.id, &file.path, &file.hash, &new, &digest,
                                )?;
                                bulk.add(other.id, &new)?;
                            }
                            (
                                "stored",
                                None,
                                Some(other.id),
                                Written::OtherSource {
                                    report_id: other.id,
                                    primary,
                                },
                            )
                        }
                        None => {
                            let version = latest + 1;
                            let id = self.insert_report(
                                &file.path, &file.hash, agency_id, version, &new, &digest, now,
                            )?;
                            if version > 1 {
                                self.choose_current(key_sql, &key)?;
                            }
                            bulk.add(id, &new)?;
                            (
                                "stored",
                                None,
                                Some(id),
                                Written::Stored {
                                    report_id: id,
                                    version,
                                },
                            )
                        }
                    }
                }
            };
            let (error, kind) = match failure {
                Some(f) => (Some(f.message), Some(f.kind.as_str())),
                None => (None, None),
            };
            self.conn.exec(
                "INSERT INTO files (path, hash, size, status, error, report_id, ingested_at, failure)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (path, hash) DO UPDATE SET status = excluded.status,
                   error = excluded.error, report_id = excluded.report_id,
                   ingested_at = excluded.ingested_at, failure = excluded.failure",
                &[
                    file.path.into(),
                    file.hash.into(),
                    (file.size as i64).into(),
                    status.into(),
                    error.into(),
                    report_id.into(),
                    now.into(),
                    kind.into(),
                ],
            )?;
            out.push(written);
        }
        self.conn.bulk_insert(
            "cells",
            &[
                "report_id",
                "tbl",
                "row_key",
                "col_key",
                "value",
                "amount",
                "printed",
                "blank",
                "origin",
            ],
            &bulk.cells,
        )?;
        self.conn.bulk_insert(
            "sections",
            &["report_id", "kind", "heading", "body", "signature"],
            &bulk.sections,
        )?;
        let mut columns = vec!["report_id"];
        columns.extend(METRIC_COLUMNS.iter().map(|m| m.key()));
        self.conn.bulk_insert("metrics", &columns, &bulk.metrics)?;
        self.conn
            .bulk_insert("findings", FINDING_COLUMNS, &bulk.findings)?;
        Ok(out)
    }

    /// The versions of "the same report": same agency and year, or — when either is
    /// unknown — the same source path. A WHERE clause over `$1`, `$2` and its values.
    fn version_key(
        agency_id: Option<i64>,
        year: Option<i32>,
        path: &str,
    ) -> (&'static str, Vec<Val>) {
        match (agency_id, year) {
            (Some(a), Some(y)) => ("agency_id = $1 AND year = $2", vec![a.into(), y.into()]),
            _ => (
                "source = $1 AND (agency_id IS NULL OR year IS NULL)",
                vec![path.into()],
            ),
        }
    }

    /// Inserts the report row as `version` of its group, current when it is the first.
    /// Returns its id.
    #[allow(clippy::too_many_arguments)]
    fn insert_report(
        &mut self,
        path: &str,
        hash: &str,
        agency_id: Option<i64>,
        version: i64,
        new: &NewReport,
        digest: &Option<String>,
        now: i64,
    ) -> Result<i64, StoreError> {
        let year = new.report.year();
        let r = &new.report;
        let rows = self.conn.query(
            "INSERT INTO reports (agency_id, year, version, is_current, hash, source, format,
               title, printed_agency, edition, ingested_at, report, url, reading, tables_digest,
               published, signed)
             VALUES ($1, $2, $3, $15, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $17)
             RETURNING id",
            &[
                agency_id.into(),
                year.into(),
                version.into(),
                hash.into(),
                path.into(),
                serde_key(&r.format)?.into(),
                r.title.as_ref().map(|t| t.value.clone()).into(),
                r.agency().map(str::to_string).into(),
                r.edition.map(|e| e.as_str()).into(),
                now.into(),
                Val::Bytes(encode_report(r)?),
                r.url.clone().into(),
                r.reading.as_str().into(),
                digest.clone().into(),
                (version == 1).into(),
                r.published.clone().into(),
                new.signed.clone().into(),
            ],
        )?;
        rows.first()
            .and_then(|r| r[0].int())
            .ok_or_else(|| StoreError::Query("插入报告后未返回编号".into()))
    }

    /// A stored report of the same agency and year with the same tables, read from a
    /// file of another format.
    fn same_tables_in_another_format(
        &mut self,
        agency_id: Option<i64>,
        new: &NewReport,
        digest: &Option<String>,
    ) -> Result<Option<Sibling>, StoreError> {
        let (Some(agency_id), Some(year), Some(digest)) = (agency_id, new.report.year(), digest)
        else {
            return Ok(None);
        };
        let rows = self.conn.query(
            "SELECT id, reading, format FROM reports
             WHERE agency_id = $1 AND year = $2 AND tables_digest = $3 AND format <> $4
             ORDER BY id",
            &[
                agency_id.into(),
                year.into(),
                digest.as_str().into(),
                serde_key(&new.report.format)?.into(),
            ],
        )?;
        Ok(rows.first().map(|r| Sibling {
            id: r[0].int().unwrap_or_default(),
            rank: stored_rank(r[1].text(), r[2].text()),
        }))
    }

    /// Makes report `id` read from another source (preferred over the one it had):
    /// its row and bulk rows are replaced; its id, version and agency stay.
    fn replace_report(
        &mut self,
        id: i64,
        path: &str,
        hash: &str,
        new: &NewReport,
        digest: &Option<String>,
    ) -> Result<(), StoreError> {
        let r = &new.report;
        self.conn.exec(
            "UPDATE reports SET hash = $1, source = $2, format = $3, title = $4,
               printed_agency = $5, edition = $6, report = $7, url = $8, reading = $9,
               tables_digest = $10, published = $12, signed = $13
             WHERE id = $11",
            &[
                hash.into(),
                path.into(),
                serde_key(&r.format)?.into(),
                r.title.as_ref().map(|t| t.value.clone()).into(),
                r.agency().map(str::to_string).into(),
                r.edition.map(|e| e.as_str()).into(),
                Val::Bytes(encode_report(r)?),
                r.url.clone().into(),
                r.reading.as_str().into(),
                digest.clone().into(),
                id.into(),
                r.published.clone().into(),
                new.signed.clone().into(),
            ],
        )?;
        for table in ["cells", "sections", "metrics"] {
            self.conn.exec(
                &format!("DELETE FROM {table} WHERE report_id = $1"),
                &[id.into()],
            )?;
        }
        self.conn.exec(
            "DELETE FROM findings WHERE report_id = $1 AND scope = 'report'",
            &[id.into()],
        )?;
        let (key_sql, key) = Store::version_key(self.report_agency(id)?, r.year(), path);
        self.choose_current(key_sql, &key)
    }

    fn report_agency(&mut self, id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query("SELECT agency_id FROM reports WHERE id = $1", &[id.into()])?
            .first()
            .and_then(|r| r[0].int()))
    }

    /// Marks the current version of a group: among those with every part read (or,
    /// when none has, among all), the highest version.
    fn choose_current(&mut self, key_sql: &str, key: &[Val]) -> Result<(), StoreError> {
        let rows = self.conn.query(
            &format!("SELECT id, version, reading FROM reports WHERE {key_sql}"),
            key,
        )?;
        let best = rows
            .iter()
            .max_by_key(|r| (reading_rank(r[2].text()), r[1].int().unwrap_or_default()))
            .and_then(|r| r[0].int());
        let Some(best) = best else {
            return Ok(());
        };
        self.conn.exec(
            &format!(
                "UPDATE reports SET is_current = (id = ${}) WHERE {key_sql}",
                key.len() + 1
            ),
            &[key, &[best.into()]].concat(),
        )?;
        Ok(())
    }

    /// Orders the versions that `ids` (the reports stored by one run) added to their
    /// groups: after the versions stored before, by completeness, then format
    /// preference, then content hash — not in the order parallel readers happened to
    /// finish — and chooses each group's current version again.
    pub fn settle_versions(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let new: HashSet<i64> = ids.iter().copied().collect();
        self.in_transaction(|store| {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let rows = store.conn.query(
                &format!(
                    "SELECT agency_id, year FROM reports
                     WHERE id IN ({}) AND agency_id IS NOT NULL AND year IS NOT NULL",
                    list.join(",")
                ),
                &[],
            )?;
            let mut added_per_group: BTreeMap<(i64, i64), usize> = BTreeMap::new();
            for r in rows {
                let group = (
                    r[0].int().unwrap_or_default(),
                    r[1].int().unwrap_or_default(),
                );
                *added_per_group.entry(group).or_default() += 1;
            }
            // One version added to a group is already last and chosen as it was stored:
            // only two or more can have arrived in either order.
            for (&(agency, year), _) in added_per_group.iter().filter(|(_, &n)| n > 1) {
                let key: [Val; 2] = [agency.into(), year.into()];
                let rows = store.conn.query(
                    "SELECT id, version, reading, format, hash FROM reports
                     WHERE agency_id = $1 AND year = $2 ORDER BY version, id",
                    &key,
                )?;
                let (mut added, kept): (Vec<Row>, Vec<Row>) = rows
                    .into_iter()
                    .partition(|r| new.contains(&r[0].int().unwrap_or_default()));
                added.sort_by(|a, b| {
                    let rank = |r: &Row| stored_rank(r[2].text(), r[3].text());
                    rank(a)
                        .cmp(&rank(b))
                        .then_with(|| a[4].text().cmp(&b[4].text()))
                });
                for (i, r) in kept.iter().chain(added.iter()).enumerate() {
                    store.conn.exec(
                        "UPDATE reports SET version = $1 WHERE id = $2",
                        &[(i as i64 + 1).into(), r[0].clone()],
                    )?;
                }
                store.choose_current("agency_id = $1 AND year = $2", &key)?;
            }
            Ok(())
        })
    }

    /// The id of an agency, created or updated as needed. A mapping's placement wins over
    /// an inference, and a later mapping over an earlier one.
    fn agency_id(&mut self, a: &AgencyInfo) -> Result<i64, StoreError> {
        if !self.agencies.contains_key(&a.name) {
            let rows = self.conn.query(
                &format!(
                    "SELECT id, placement, {AGENCY_PLACE_COLUMNS} FROM agencies WHERE name = $1"
                ),
                &[a.name.as_str().into()],
            )?;
            if let Some(r) = rows.first() {
                let placement = if r[1].text() == Some("mapping") {
                    Placement::Mapping
                } else {
                    Placement::Inferred
                };
                self.agencies.insert(
                    a.name.clone(),
                    (r[0].int().unwrap_or_default(), placement, place_of(&r[2..])),
                );
            }
        }
        match self.agencies.get(&a.name).cloned() {
            None => {
                let mut params: Vec<Val> =
                    vec![a.name.as_str().into(), a.placement.as_str().into()];
                params.extend(place_values(&a.place));
                let rows = self.conn.query(
                    &format!(
                        "INSERT INTO agencies (name, placement, {AGENCY_PLACE_COLUMNS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
                    ),
                    &params,
                )?;
                let id = rows
                    .first()
                    .and_then(|r| r[0].int())
                    .ok_or_else(|| StoreError::Query("插入机关后未返回编号".into()))?;
                self.agencies
                    .insert(a.name.clone(), (id, a.placement, a.place.clone()));
                Ok(id)
            }
            Some((id, placement, place)) => {
                let changed = place_key(&place) != place_key(&a.place);
                let may = a.placement == Placement::Mapping || placement == Placement::Inferred;
                if changed && may {
                    self.set_place(id, a)?;
                    self.agencies
                        .insert(a.name.clone(), (id, a.placement, a.place.clone()));
                }
                Ok(id)
            }
        }
    }

    fn set_place(&mut self, id: i64, a: &AgencyInfo) -> Result<usize, StoreError> {
        let mut params = place_values(&a.place);
        params.push(a.placement.as_str().into());
        params.push(id.into());
        self.conn
            .exec(
                "UPDATE agencies SET region = $1, level = $2, region_code = $3, body_kind = $4,
               place_status = $5, candidates = $6, evidence = $7, placement = $8
             WHERE id = $9",
                &params,
            )
            .map(|n| n as usize)
    }

    /// Every agency with its place and the years it has a current report for,
    /// ordered by name.
    pub fn agencies(&mut self) -> Result<Vec<StoredAgency>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT a.id, a.name, a.placement, {}, r.year
                 FROM agencies a LEFT JOIN reports r
                   ON r.agency_id = a.id AND r.is_current AND r.year IS NOT NULL
                 ORDER BY a.name, a.id, r.year",
                AGENCY_PLACE_COLUMNS
                    .split(", ")
                    .map(|c| format!("a.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &[],
        )?;
        let mut out: Vec<StoredAgency> = Vec::new();
        for r in rows {
            let id = r[0].int().unwrap_or_default();
            let year = r[10].int().map(|y| y as i32);
            if let Some(last) = out.last_mut().filter(|a| a.id == id) {
                if let Some(y) = year.filter(|y| last.years.last() != Some(y)) {
                    last.years.push(y);
                }
                continue;
            }
            out.push(StoredAgency {
                id,
                info: AgencyInfo {
                    name: r[1].text().unwrap_or_default().to_string(),
                    placement: if r[2].text() == Some("mapping") {
                        Placement::Mapping
                    } else {
                        Placement::Inferred
                    },
                    place: place_of(&r[3..10]),
                },
                years: year.into_iter().collect(),
            });
        }
        Ok(out)
    }

    /// Agencies stored before places were kept (migration 5), placed now by `place`
    /// (name → place); a mapping's region is kept as the user gave it, placed by
    /// `given` (region, level, name → place). Returns how many were placed.
    pub fn place_unplaced_agencies(
        &mut self,
        place: impl Fn(&str) -> Place,
        given: impl Fn(&str, Level, &str) -> Place,
    ) -> Result<usize, StoreError> {
        let rows = self.conn.query(
            "SELECT id, name, placement, region, level FROM agencies WHERE place_status IS NULL",
            &[],
        )?;
        if rows.is_empty() {
            return Ok(0);
        }
        self.agencies.clear();
        self.in_transaction(|store| {
            for r in &rows {
                let name = r[1].text().unwrap_or_default();
                let mapping = r[2].text() == Some("mapping");
                let info = AgencyInfo {
                    name: name.to_string(),
                    place: if mapping {
                        given(
                            r[3].text().unwrap_or_default(),
                            r[4].text()
                                .and_then(Level::from_zh)
                                .unwrap_or(Level::Unknown),
                            name,
                        )
                    } else {
                        place(name)
                    },
                    placement: if mapping {
                        Placement::Mapping
                    } else {
                        Placement::Inferred
                    },
                };
                store.set_place(r[0].int().unwrap_or_default(), &info)?;
            }
            Ok(rows.len())
        })
    }

    /// Applies a mapping to agencies already stored: placement overrides, and aliases
    /// (another name for the same agency) merged into the canonical agency, whose
    /// versions are then renumbered in the order they were stored.
    pub fn apply_mapping(
        &mut self,
        entries: &[AgencyInfo],
        aliases: &[(String, String)],
    ) -> Result<usize, StoreError> {
        // Aliases merged away must not stay in the agency cache.
        self.agencies.clear();
        self.in_transaction(|store| {
            let mut changed = 0;
            for (alias, canonical) in aliases {
                let from = store.conn.query(
                    "SELECT id FROM agencies WHERE name = $1",
                    &[alias.as_str().into()],
                )?;
                let Some(from) = from.first().and_then(|r| r[0].int()) else {
                    continue;
                };
                let to = store.conn.query(
                    "SELECT id FROM agencies WHERE name = $1",
                    &[canonical.as_str().into()],
                )?;
                match to.first().and_then(|r| r[0].int()) {
                    Some(to) if to != from => {
                        store.conn.exec(
                            "UPDATE reports SET agency_id = $1 WHERE agency_id = $2",
                            &[to.into(), from.into()],
                        )?;
                        store
                            .conn
                            .exec("DELETE FROM agencies WHERE id = $1", &[from.into()])?;
                    }
                    Some(_) => {}
                    None => {
                        store.conn.exec(
                            "UPDATE agencies SET name = $1 WHERE id = $2",
                            &[canonical.as_str().into(), from.into()],
                        )?;
                    }
                }
                changed += 1;
            }
            for e in entries {
                let rows = store.conn.query(
                    &format!(
                        "SELECT id, placement, {AGENCY_PLACE_COLUMNS} FROM agencies WHERE name = $1"
                    ),
                    &[e.name.as_str().into()],
                )?;
                let Some(r) = rows.first() else {
                    continue;
                };
                if r[1].text() != Some("mapping")
                    || place_key(&place_of(&r[2..])) != place_key(&e.place)
                {
                    changed += store.set_place(r[0].int().unwrap_or_default(), e)?;
                }
            }
            store.renumber_versions()?;
            if changed > 0 {
                store.mark_cross_stale_in_transaction(now())?;
            }
            Ok(changed)
        })
    }

    /// Versions 1…n per (agency, year) in the order stored; the current one chosen as
    /// [`Store::choose_current`] does.
    fn renumber_versions(&mut self) -> Result<(), StoreError> {
        let rows = self.conn.query(
            "SELECT id, agency_id, year FROM reports
             WHERE agency_id IS NOT NULL AND year IS NOT NULL ORDER BY agency_id, year, id",
            &[],
        )?;
        let mut groups: BTreeMap<(i64, i64), Vec<i64>> = BTreeMap::new();
        for r in rows {
            let key = (
                r[1].int().unwrap_or_default(),
                r[2].int().unwrap_or_default(),
            );
            groups
                .entry(key)
                .or_default()
                .push(r[0].int().unwrap_or_default());
        }
        for (&(agency, year), ids) in &groups {
            for (i, id) in ids.iter().enumerate() {
                self.conn.exec(
                    "UPDATE reports SET version = $1 WHERE id = $2",
                    &[(i as i64 + 1).into(), (*id).into()],
                )?;
            }
            self.choose_current(
                "agency_id = $1 AND year = $2",
                &[agency.into(), year.into()],
            )?;
        }
        Ok(())
    }

    /// Whether the cross-report findings are up to date ([`CrossState`]).
    pub fn cross_state(&mut self) -> Result<CrossState, StoreError> {
        let rows = self.conn.query(
            "SELECT changes, computed, marked_at, computed_at FROM cross_state WHERE id = 1",
            &[],
        )?;
        let r = rows
            .first()
            .ok_or_else(|| StoreError::Query("数据库缺少跨报告检查状态（cross_state）".into()))?;
        Ok(CrossState {
            stale: r[1].int() < r[0].int(),
            marked_at: r[2].int(),
            computed_at: r[3].int(),
        })
    }

    /// Starts a cross-report step: marks the stored findings stale (committed before
    /// anything is computed, so a process that dies during the step leaves the mark) and
    /// returns what the step's findings will be up to date with.
    pub fn begin_cross(&mut self) -> Result<CrossStep, StoreError> {
        self.in_transaction(|store| {
            store.mark_cross_stale_in_transaction(now())?;
            let rows = store
                .conn
                .query("SELECT changes FROM cross_state WHERE id = 1", &[])?;
            rows.first()
                .and_then(|r| r[0].int())
                .map(CrossStep)
                .ok_or_else(|| StoreError::Query("数据库缺少跨报告检查状态（cross_state）".into()))
        })
    }

    fn mark_cross_stale_in_transaction(&mut self, now: i64) -> Result<(), StoreError> {
        self.conn.exec(
            "UPDATE cross_state SET changes = changes + 1, marked_at = $1 WHERE id = 1",
            &[now.into()],
        )?;
        Ok(())
    }

    /// Replaces every cross-report finding: they are recomputed over the whole corpus
    /// after each ingest, so a report added later can resolve or raise them. Records, in
    /// the same transaction, that they are up to date with `step`'s start: still stale if
    /// the reports changed since.
    pub fn replace_corpus_findings(
        &mut self,
        step: CrossStep,
        found: &[CorpusFinding],
    ) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(found.len());
        for f in found {
            rows.push(finding_row(
                f.report_id,
                &f.finding,
                true,
                f.other_report_id,
            )?);
        }
        self.in_transaction(|store| {
            store
                .conn
                .exec("DELETE FROM findings WHERE scope = 'corpus'", &[])?;
            store.conn.bulk_insert("findings", FINDING_COLUMNS, &rows)?;
            store.conn.exec(
                "UPDATE cross_state SET computed = $1, computed_at = $2 WHERE id = 1",
                &[step.0.into(), now().into()],
            )?;
            Ok(())
        })
    }

    /// Reports matching `filter`, ordered by agency, year and version.
    pub fn reports(&mut self, filter: &Filter) -> Result<Vec<ReportRow>, StoreError> {
        let mut sql = String::from(
            "SELECT r.id, r.agency_id, a.name, a.region, a.level, r.year, r.version,
                    r.is_current, r.source, r.format, r.edition, r.hash, r.url, r.reading,
                    a.region_code, r.published, r.signed
             FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE 1 = 1",
        );
        let mut params: Vec<Val> = Vec::new();
        if !filter.all_versions {
            sql.push_str(" AND r.is_current");
        }
        if let Some(a) = &filter.agency {
            params.push(format!("%{a}%").into());
            sql.push_str(&format!(" AND a.name LIKE ${}", params.len()));
        }
        if let Some(code) = &filter.region_code {
            params.push(format!("{code}%").into());
            sql.push_str(&format!(" AND a.region_code LIKE ${}", params.len()));
        }
        if let Some(level) = filter.level {
            params.push(level.as_zh().into());
            sql.push_str(&format!(" AND a.level = ${}", params.len()));
        }
        if let Some(year) = filter.year {
            params.push(year.into());
            sql.push_str(&format!(" AND r.year = ${}", params.len()));
        }
        if let Some(ids) = &filter.ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            sql.push_str(&format!(" AND r.id IN ({})", list.join(",")));
        }
        sql.push_str(" ORDER BY a.name, r.year, r.version, r.id");
        let rows = self.conn.query(&sql, &params)?;
        Ok(rows.into_iter().map(report_row).collect())
    }

    /// Every version of an agency's reports (by exact canonical name), oldest first.
    pub fn history(&mut self, agency: &str) -> Result<Vec<ReportRow>, StoreError> {
        let rows = self.conn.query(
            "SELECT r.id, r.agency_id, a.name, a.region, a.level, r.year, r.version,
                    r.is_current, r.source, r.format, r.edition, r.hash, r.url, r.reading,
                    a.region_code, r.published, r.signed
             FROM reports r JOIN agencies a ON a.id = r.agency_id
             WHERE a.name = $1 ORDER BY r.year, r.version",
            &[agency.into()],
        )?;
        Ok(rows.into_iter().map(report_row).collect())
    }

    /// The full report as read (tables with provenance, sections, doubts).
    pub fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        let mut rows = self.conn.query(
            "SELECT report, source FROM reports WHERE id = $1",
            &[id.into()],
        )?;
        let Some(mut row) = rows.pop() else {
            return Err(StoreError::Query(format!("没有编号为 {id} 的报告")));
        };
        let source_path = std::mem::replace(&mut row[1], Val::Null)
            .into_text()
            .unwrap_or_default();
        let damaged = |detail: String| StoreError::ReportDamaged {
            id,
            source_path: source_path.clone(),
            detail,
        };
        let bytes = std::mem::replace(&mut row[0], Val::Null)
            .into_bytes()
            .ok_or_else(|| damaged("内容不是二进制数据".into()))?;
        decode_report(&bytes).map_err(damaged)
    }

    /// Findings of the given reports (all reports when `None`), single-report first.
    pub fn findings(
        &mut self,
        report_ids: Option<&[i64]>,
    ) -> Result<Vec<StoredFinding>, StoreError> {
        let mut sql =
            String::from("SELECT report_id, other_report_id, scope, detail FROM findings");
        if let Some(ids) = report_ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            sql.push_str(&format!(" WHERE report_id IN ({})", list.join(",")));
        }
        sql.push_str(" ORDER BY report_id, scope DESC, id");
        let rows = self.conn.query(&sql, &[])?;
        rows.into_iter()
            .map(|r| {
                Ok(StoredFinding {
                    report_id: r[0].int().unwrap_or_default(),
                    other_report_id: r[1].int(),
                    corpus: r[2].text() == Some("corpus"),
                    finding: serde_json::from_str(r[3].text().unwrap_or("null"))?,
                })
            })
            .collect()
    }

    /// The copied-text signatures of the current reports' sections.
    pub fn section_signatures(&mut self) -> Result<Vec<SectionSignature>, StoreError> {
        let rows = self.conn.query(
            "SELECT s.id, s.report_id, r.agency_id, r.year, s.kind, s.signature
             FROM sections s JOIN reports r ON r.id = s.report_id
             WHERE r.is_current AND s.signature IS NOT NULL ORDER BY s.id",
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|mut r| SectionSignature {
                signature: std::mem::replace(&mut r[5], Val::Null)
                    .into_bytes()
                    .unwrap_or_default(),
                section_id: r[0].int().unwrap_or_default(),
                report_id: r[1].int().unwrap_or_default(),
                agency_id: r[2].int(),
                year: r[3].int().map(|y| y as i32),
                kind: r[4].text().unwrap_or_default().to_string(),
            })
            .collect())
    }

    /// Section headings and bodies by section id.
    pub fn section_texts(
        &mut self,
        ids: &[i64],
    ) -> Result<HashMap<i64, (String, String)>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let rows = self.conn.query(
                &format!(
                    "SELECT id, heading, body FROM sections WHERE id IN ({})",
                    list.join(",")
                ),
                &[],
            )?;
            for mut r in rows {
                let body = std::mem::replace(&mut r[2], Val::Null)
                    .into_text()
                    .unwrap_or_default();
                let heading = std::mem::replace(&mut r[1], Val::Null)
                    .into_text()
                    .unwrap_or_default();
                out.insert(r[0].int().unwrap_or_default(), (heading, body));
            }
        }
        Ok(out)
    }

    /// Cells of the current reports in the given (table, row) pairs: what the
    /// cross-year rules compare. Returns report id → (table, row, column) → cell value.
    pub fn current_cells(
        &mut self,
        rows: &[(&str, &str)],
    ) -> Result<HashMap<i64, Vec<StoredCell>>, StoreError> {
        let mut out: HashMap<i64, Vec<StoredCell>> = HashMap::new();
        for (table, row) in rows {
            let found = self.conn.query(
                "SELECT c.report_id, c.col_key, c.value, c.amount, c.printed, c.blank
                 FROM cells c JOIN reports r ON r.id = c.report_id
                 WHERE r.is_current AND c.tbl = $1 AND c.row_key = $2",
                &[(*table).into(), (*row).into()],
            )?;
            for mut r in found {
                let id = r[0].int().unwrap_or_default();
                out.entry(id).or_default().push(StoredCell {
                    table: table.to_string(),
                    row: row.to_string(),
                    column: std::mem::replace(&mut r[1], Val::Null)
                        .into_text()
                        .unwrap_or_default(),
                    value: r[2].int(),
                    text: std::mem::replace(&mut r[3], Val::Null)
                        .into_text()
                        .or_else(|| std::mem::replace(&mut r[4], Val::Null).into_text()),
                    blank: r[5].bool(),
                });
            }
        }
        Ok(out)
    }

    /// Agencies × years with a current report.
    pub fn coverage(&mut self) -> Result<Vec<Coverage>, StoreError> {
        let rows = self.conn.query(
            "SELECT a.id, a.name, a.region, a.level, r.year, a.region_code
             FROM agencies a JOIN reports r ON r.agency_id = a.id
             WHERE r.is_current AND r.year IS NOT NULL
             ORDER BY a.region, a.name, r.year",
            &[],
        )?;
        let mut out: Vec<Coverage> = Vec::new();
        for r in rows {
            let id = r[0].int().unwrap_or_default();
            let year = r[4].int().unwrap_or_default() as i32;
            match out.last_mut() {
                Some(c) if c.agency_id == id => {
                    if c.years.last() != Some(&year) {
                        c.years.push(year)
                    }
                }
                _ => out.push(Coverage {
                    agency_id: id,
                    agency: r[1].text().unwrap_or_default().to_string(),
                    region: r[2].text().unwrap_or_default().to_string(),
                    region_code: r[5].text().map(str::to_string),
                    level: r[3]
                        .text()
                        .and_then(Level::from_zh)
                        .unwrap_or(Level::Unknown),
                    years: vec![year],
                }),
            }
        }
        Ok(out)
    }

    /// The metrics of every current report, ordered by agency and year.
    pub fn metrics(&mut self) -> Result<Vec<MetricRow>, StoreError> {
        self.metrics_of(None)
    }

    /// The metrics of the given reports (every current report when `None`), ordered by
    /// agency and year. Two queries rather than one join: the report's identity once per
    /// report, not once per metric.
    pub fn metrics_of(&mut self, ids: Option<&[i64]>) -> Result<Vec<MetricRow>, StoreError> {
        let reports = self.reports(&Filter {
            all_versions: ids.is_some(),
            ids: ids.map(<[i64]>::to_vec),
            ..Filter::default()
        })?;
        let mut out: Vec<MetricRow> = Vec::with_capacity(reports.len());
        let mut index: HashMap<i64, usize> = HashMap::with_capacity(reports.len());
        for r in reports {
            index.insert(r.id, out.len());
            out.push(MetricRow {
                report_id: r.id,
                agency: r.agency,
                region: r.region,
                region_code: r.region_code,
                level: r.level,
                year: r.year,
                values: BTreeMap::new(),
            });
        }
        let columns = METRIC_COLUMNS
            .iter()
            .map(|m| format!("m.{}", m.key()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = match ids {
            Some([]) => return Ok(Vec::new()),
            Some(ids) => format!(
                "SELECT m.report_id, {columns} FROM metrics m WHERE m.report_id IN ({})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
            None => format!(
                "SELECT m.report_id, {columns} FROM metrics m
                 JOIN reports r ON r.id = m.report_id WHERE r.is_current"
            ),
        };
        for r in self.conn.query(&sql, &[])? {
            let Some(&i) = r[0].int().and_then(|id| index.get(&id)) else {
                continue;
            };
            for (m, v) in METRIC_COLUMNS.iter().zip(&r[1..]) {
                out[i].values.insert(m.key().to_string(), v.real());
            }
        }
        out.retain(|m| !m.values.is_empty());
        Ok(out)
    }

    /// Paths that gave no report, with their errors: files and folders, except those
    /// whose path has since been read as a report (a cut-off download replaced by the
    /// whole file).
    pub fn failures(&mut self) -> Result<Vec<FailedFile>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT f.path, f.error, f.failure, f.ingested_at FROM files f
                 WHERE {STILL_FAILED} ORDER BY f.path, f.ingested_at"
            ),
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| FailedFile {
                path: r[0].text().unwrap_or_default().to_string(),
                error: r[1].text().unwrap_or_default().to_string(),
                kind: r[2].text().and_then(FailureKind::parse),
                ingested_at: r[3].int().unwrap_or_default(),
            })
            .collect())
    }

    /// Forgets the paths under `folders` (and the folders themselves) recorded as
    /// unreadable: the caller walks those folders again and records what is still
    /// unreadable, so a folder or link that has been fixed (or removed) is no longer
    /// listed. Returns how many were forgotten.
    pub fn forget_unreadable_under(&mut self, folders: &[String]) -> Result<usize, StoreError> {
        if folders.is_empty() {
            return Ok(0);
        }
        self.in_transaction(|store| {
            let mut n = 0;
            for folder in folders {
                let folder = folder.trim_end_matches('/');
                n += store.conn.exec(
                    "DELETE FROM files WHERE status = 'failed' AND hash LIKE 'unreadable:%'
                       AND (path = $1 OR substr(path, 1, length($1) + 1) = $1 || '/')",
                    &[folder.into()],
                )? as usize;
            }
            Ok(n)
        })
    }

    /// The paths that are sources of the given reports: `(report id, path)`, the
    /// report's own source among them.
    pub fn sources(&mut self, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let rows = self.conn.query(
            &format!(
                "SELECT DISTINCT report_id, path FROM files
                 WHERE status = 'stored' AND report_id IN ({}) ORDER BY report_id, path",
                list.join(",")
            ),
            &[],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    r[0].int().unwrap_or_default(),
                    r[1].text().unwrap_or_default().to_string(),
                )
            })
            .collect())
    }

    pub fn counts(&mut self) -> Result<Counts, StoreError> {
        let one = |store: &mut Store, sql: &str| -> Result<i64, StoreError> {
            Ok(store
                .conn
                .query(sql, &[])?
                .first()
                .and_then(|r| r[0].int())
                .unwrap_or_default())
        };
        Ok(Counts {
            agencies: one(self, "SELECT COUNT(*) FROM agencies")?,
            reports: one(self, "SELECT COUNT(*) FROM reports")?,
            current_reports: one(self, "SELECT COUNT(*) FROM reports WHERE is_current")?,
            failed_files: one(
                self,
                &format!("SELECT COUNT(*) FROM files f WHERE {STILL_FAILED}"),
            )?,
            findings: one(self, "SELECT COUNT(*) FROM findings WHERE scope = 'report'")?,
            corpus_findings: one(self, "SELECT COUNT(*) FROM findings WHERE scope = 'corpus'")?,
        })
    }
}

/// A failed `files f` row whose path has not been stored as a report since.
const STILL_FAILED: &str = "f.status = 'failed' AND NOT EXISTS (
    SELECT 1 FROM files g WHERE g.path = f.path AND g.status = 'stored'
      AND g.ingested_at >= f.ingested_at)";

/// A cell as stored, for the cross-year rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCell {
    pub table: String,
    pub row: String,
    pub column: String,
    /// The count, if the cell holds one.
    pub value: Option<i64>,
    /// An amount or the invalid text as printed.
    pub text: Option<String>,
    pub blank: bool,
}

/// The agencies' place columns, in the order [`place_values`] and [`place_of`] use.
const AGENCY_PLACE_COLUMNS: &str =
    "region, level, region_code, body_kind, place_status, candidates, evidence";

fn place_values(p: &Place) -> Vec<Val> {
    vec![
        p.region.as_str().into(),
        p.level.as_zh().into(),
        p.code.clone().into(),
        p.body.key().into(),
        p.status.key().into(),
        p.candidates.join(" ").into(),
        p.evidence.join("\n").into(),
    ]
}

/// A place from the [`AGENCY_PLACE_COLUMNS`] of a row. Agencies stored before places
/// were kept read as unresolved until [`Store::place_unplaced_agencies`] runs.
fn place_of(r: &[Val]) -> Place {
    let words = |v: &Val| -> Vec<String> {
        v.text()
            .map(|t| {
                t.split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    Place {
        region: r[0].text().unwrap_or_default().to_string(),
        level: r[1]
            .text()
            .and_then(Level::from_zh)
            .unwrap_or(Level::Unknown),
        code: r[2].text().map(str::to_string),
        body: r[3]
            .text()
            .and_then(BodyKind::from_key)
            .unwrap_or(BodyKind::Department),
        status: r[4]
            .text()
            .and_then(PlaceStatus::from_key)
            .unwrap_or(PlaceStatus::Unresolved),
        candidates: words(&r[5]),
        evidence: r[6]
            .text()
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default(),
        qualified_name: None,
    }
}

fn report_row(r: Row) -> ReportRow {
    ReportRow {
        id: r[0].int().unwrap_or_default(),
        agency_id: r[1].int(),
        agency: r[2].text().map(str::to_string),
        region: r[3].text().map(str::to_string),
        level: r[4].text().and_then(Level::from_zh),
        year: r[5].int().map(|y| y as i32),
        version: r[6].int().unwrap_or_default(),
        is_current: r[7].bool(),
        source: r[8].text().unwrap_or_default().to_string(),
        format: r[9].text().unwrap_or_default().to_string(),
        edition: r[10].text().map(str::to_string),
        hash: r[11].text().unwrap_or_default().to_string(),
        url: r[12].text().map(str::to_string),
        region_code: r[14].text().map(str::to_string),
        published: r[15].text().map(str::to_string),
        signed: r[16].text().map(str::to_string),
        reading: r[13].text().and_then(reading_status),
    }
}

fn reading_status(s: &str) -> Option<ReadingStatus> {
    [
        ReadingStatus::Whole,
        ReadingStatus::WithDoubts,
        ReadingStatus::Partial,
    ]
    .into_iter()
    .find(|r| r.as_str() == s)
}

/// A stored report with the same tables as a file being stored.
struct Sibling {
    id: i64,
    rank: (u8, u8),
}

/// Whether every part of a report was read, as a rank: a report with parts unread
/// ranks below one read whole. Doubts about single values (with doubts) do not lower
/// it: every part was read.
fn reading_rank(reading: Option<&str>) -> u8 {
    match reading.and_then(reading_status) {
        Some(ReadingStatus::Partial) => 0,
        Some(ReadingStatus::Whole | ReadingStatus::WithDoubts) | None => 1,
    }
}

/// Which format's reading a report prefers when it has several sources: the
/// published document (PDF, then Word) over the web page over a text copy.
pub fn format_rank(format: SourceFormat) -> u8 {
    match format {
        SourceFormat::Pdf => 4,
        SourceFormat::Docx => 3,
        SourceFormat::Html => 2,
        SourceFormat::Markdown => 1,
        SourceFormat::Text => 0,
    }
}

/// How a report ranks as a version or a source: completeness, then format.
pub fn version_rank(reading: ReadingStatus, format: SourceFormat) -> (u8, u8) {
    (reading_rank(Some(reading.as_str())), format_rank(format))
}

fn stored_rank(reading: Option<&str>, format: Option<&str>) -> (u8, u8) {
    let format = format
        .and_then(|f| serde_json::from_value(serde_json::Value::String(f.to_string())).ok())
        .unwrap_or_default();
    (reading_rank(reading), format_rank(format))
}

/// SHA-256 of the report's cells (table, row, column, value as read), or `None` when
/// no cell holds a value: reports without tables are never taken for one another.
pub fn tables_digest(report: &Report) -> Option<String> {
    let mut hasher = Sha256::new();
    let mut any = false;
    for k in report.keyed_cells() {
        any |= !k.cell.is_blank();
        let value = serde_json::to_string(&k.cell.value).unwrap_or_default();
        hasher.update(format!("{}\t{}\t{}\t{value}\n", k.table, k.row, k.column).as_bytes());
    }
    any.then(|| {
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// The rows of the bulk tables for a batch, inserted at its end.
#[derive(Default)]
struct BulkRows {
    cells: Vec<Row>,
    sections: Vec<Row>,
    metrics: Vec<Row>,
    findings: Vec<Row>,
}

impl BulkRows {
    /// Forgets the rows of report `id` (its reading is being replaced in this batch).
    fn drop_report(&mut self, id: i64) {
        for rows in [
            &mut self.cells,
            &mut self.sections,
            &mut self.metrics,
            &mut self.findings,
        ] {
            rows.retain(|r| r.first() != Some(&Val::Int(id)));
        }
    }

    fn add(&mut self, id: i64, new: &NewReport) -> Result<(), StoreError> {
        report_rows(
            id,
            new,
            &mut self.cells,
            &mut self.sections,
            &mut self.metrics,
            &mut self.findings,
        )
    }
}

/// The rows of the bulk tables for one report.
fn report_rows(
    id: i64,
    new: &NewReport,
    cells: &mut Vec<Row>,
    sections: &mut Vec<Row>,
    metrics: &mut Vec<Row>,
    findings: &mut Vec<Row>,
) -> Result<(), StoreError> {
    for k in new.report.keyed_cells() {
        let (value, amount) = match &k.cell.value {
            Some(Value::Count(n)) => (Val::Int(*n), Val::Null),
            Some(Value::Amount(s)) => (Val::Null, Val::Text(s.clone())),
            Some(Value::Invalid(_)) | None => (Val::Null, Val::Null),
        };
        let printed = match &k.cell.value {
            Some(Value::Invalid(s)) => Some(s.clone()),
            _ => k.cell.printed.clone(),
        };
        cells.push(vec![
            id.into(),
            k.table.into(),
            k.row.into(),
            k.column.into(),
            value,
            amount,
            printed.into(),
            k.cell.is_blank().into(),
            serde_key(&k.cell.origin)?.into(),
        ]);
    }
    for (i, s) in new.report.sections.iter().enumerate() {
        sections.push(vec![
            id.into(),
            serde_key(&s.kind)?.into(),
            s.heading.as_str().into(),
            s.body.as_str().into(),
            match new.signatures.get(i) {
                Some(Some(sig)) => Val::Bytes(sig.clone()),
                _ => Val::Null,
            },
        ]);
    }
    let mut row: Row = vec![id.into()];
    row.extend(METRIC_COLUMNS.iter().map(|m| {
        new.metrics
            .iter()
            .find(|(k, _)| k == m.key())
            .and_then(|(_, v)| *v)
            .map_or(Val::Null, Val::Real)
    }));
    metrics.push(row);
    for f in &new.findings {
        findings.push(finding_row(id, f, false, None)?);
    }
    Ok(())
}

/// The metrics stored, one column each.
const METRIC_COLUMNS: [gongkai_model::metrics::MetricKey; 15] =
    gongkai_model::metrics::MetricKey::ALL;

/// The columns [`finding_row`] fills, in order.
const FINDING_COLUMNS: &[&str] = &[
    "report_id",
    "code",
    "name",
    "kind",
    "severity",
    "scope",
    "other_report_id",
    "message",
    "detail",
];

fn finding_row(id: i64, f: &Finding, corpus: bool, other: Option<i64>) -> Result<Row, StoreError> {
    Ok(vec![
        id.into(),
        f.code.as_str().into(),
        f.name.as_str().into(),
        serde_key(&f.kind)?.into(),
        f.severity.as_str().into(),
        (if corpus { "corpus" } else { "report" }).into(),
        other.into(),
        f.message.as_str().into(),
        Val::Text(serde_json::to_string(f)?),
    ])
}

/// The serde name of a unit enum variant ("text", "printed", "overview" …).
fn serde_key<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    match serde_json::to_value(v)? {
        serde_json::Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

/// Reports are stored as deflated JSON: about a tenth of the plain size, and the
/// fastest level costs less than the bytes it saves writing.
fn encode_report(r: &Report) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_vec(r)?;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&json)?;
    Ok(enc.finish()?)
}

/// The report stored by [`encode_report`]; the error says which layer is damaged.
fn decode_report(bytes: &[u8]) -> Result<Report, String> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .read_to_end(&mut json)
        .map_err(|e| format!("解压失败：{e}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("JSON 无法解析：{e}"))
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
