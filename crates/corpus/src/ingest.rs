//! Files into the corpus: found, read, parsed, checked and stored — in parallel on all
//! cores, with one writer feeding the database in batches.
//!
//! Reading and parsing are independent per file, so a rayon pool does them; the store
//! takes one writer (SQLite has one, and PostgreSQL is fastest with few large
//! transactions), so results flow through a bounded channel to the calling thread,
//! which writes them in batches. The channel's bound keeps memory flat however many
//! files there are.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use gongkai_check::Selection;
use gongkai_ingest::Content;
use gongkai_model::metrics::Metrics;
use gongkai_parse::SourceText;
use gongkai_store::{Failure, FailureKind, Ingested, NewReport, Store, StoreError, Written};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::mapping::Mapping;
use crate::metadata::{Metadata, MetadataSource};

/// Extensions taken from a folder. A file named on the command line is always read,
/// whatever its name; a folder's other files (truth JSON, images, notes) are not reports.
pub const REPORT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "pdf", "docx", "doc", "wps", "html", "htm", "shtml", "xhtml",
    "js",
];

/// What [`discover`] found: the files to read, and the paths it could not look into.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// `(path, message)` of folders that could not be listed and entries that could not
    /// be examined: recorded as failures, the rest is read all the same.
    pub unreadable: Vec<(String, String)>,
    /// The folders given and walked: what could not be read under them before is
    /// examined again, so earlier failures to read there are replaced by this run's.
    pub roots: Vec<String>,
}

/// The files under `paths`: files as given, folders walked recursively (hidden entries
/// skipped, links to folders not followed), sorted so that runs are repeatable. A
/// folder or entry that cannot be read is noted with its path and the reason, and the
/// walk goes on.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    fn note(found: &mut Discovered, path: &Path, e: &std::io::Error) {
        found.unreadable.push((
            path.display().to_string(),
            format!("{}: 无法读取：{e}", path.display()),
        ));
    }
    fn walk(dir: &Path, out: &mut Vec<PathBuf>, found: &mut Discovered) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return note(found, dir, &e),
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    note(found, dir, &e);
                    continue;
                }
            };
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = match entry.file_type() {
                Ok(kind) => kind,
                Err(e) => {
                    note(found, &path, &e);
                    continue;
                }
            };
            if kind.is_dir() {
                walk(&path, out, found);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| REPORT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                // Links and special files too: reading refuses them with their reason.
                out.push(path);
            }
        }
    }
    let mut found = Discovered::default();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(meta) if meta.is_dir() => {
                found.roots.push(p.display().to_string());
                let mut files = Vec::new();
                walk(p, &mut files, &mut found);
                files.sort();
                found.files.extend(files);
            }
            // A file, or a path that cannot be examined: reading says what is wrong.
            _ => found.files.push(p.clone()),
        }
    }
    found.unreadable.sort();
    found
}

/// Longest one file may take to be read, parsed and checked. A real report takes
/// milliseconds and a 60 MB text at the size cap about 2 s; what takes longer is given
/// up on (its reader is left to finish on its own) so that one file cannot stall a run.
pub const FILE_TIME_LIMIT: Duration = Duration::from_secs(60);

/// Work handed to a reading thread.
type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// This thread's reading thread, kept from one file to the next: a thread per file
    /// would cost each its own allocator arena (+25 % peak memory on 10,000 files).
    static READER: std::cell::RefCell<Option<mpsc::Sender<Job>>> =
        const { std::cell::RefCell::new(None) };
}

fn spawn_reader() -> Result<mpsc::Sender<Job>, Overrun> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("gongkai-read".into())
        .spawn(move || {
            for job in rx {
                job();
            }
        })
        .map_err(|_| Overrun::NoThread)?;
    Ok(tx)
}

/// Runs `work` on this thread's reading thread and waits at most `limit` for it. A
/// reading thread that overruns is left to finish on its own (and then ends), and the
/// next file gets a new one. A panic in `work` is an error too, never the caller's.
pub fn within<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Overrun> {
    let (tx, rx) = mpsc::sync_channel(1);
    let mut job: Job = Box::new(move || {
        let _ = tx.send(work());
    });
    READER.with(|reader| -> Result<(), Overrun> {
        let mut reader = reader.borrow_mut();
        // Once more with a new reading thread if the kept one is gone.
        for _ in 0..2 {
            let sender = match reader.take() {
                Some(s) => s,
                None => spawn_reader()?,
            };
            match sender.send(job) {
                Ok(()) => {
                    *reader = Some(sender);
                    return Ok(());
                }
                Err(mpsc::SendError(back)) => job = back,
            }
        }
        Err(Overrun::NoThread)
    })?;
    rx.recv_timeout(limit).map_err(|e| {
        // Busy past the limit, or ended by a panic: not to be used again.
        READER.with(|reader| reader.borrow_mut().take());
        match e {
            mpsc::RecvTimeoutError::Timeout => Overrun::TimedOut(limit),
            mpsc::RecvTimeoutError::Disconnected => Overrun::Crashed,
        }
    })
}

/// Why [`within`] has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Overrun {
    #[error("读取超时（超过 {} 秒），已放弃", .0.as_secs_f64())]
    TimedOut(Duration),
    #[error("读取时出现内部错误，已放弃（请报告此文件）")]
    Crashed,
    #[error("系统资源不足，无法启动读取")]
    NoThread,
}

/// Read and parse one file (metadata applied) within `limit`: what `check`, `parse`,
/// `eval` and `compare` do with a file. The error names the file.
pub fn read_file(
    path: &Path,
    metadata: &Metadata,
    limit: Duration,
) -> Result<gongkai_parse::Parsed, String> {
    let name = path.display().to_string();
    let (owned, metadata, label) = (path.to_path_buf(), metadata.clone(), name.clone());
    within(limit, move || {
        let loaded = gongkai_ingest::load(&owned).map_err(|e| e.to_string())?;
        parse_loaded_with(&label, loaded, &metadata).map_err(|e| format!("{label}: {e}"))
    })
    .unwrap_or_else(|e| Err(format!("{name}: {e}")))
}

/// How to read and check files for the corpus.
#[derive(Clone, Debug)]
pub struct IngestOptions {
    pub selection: Selection,
    pub similarity: gongkai_similar::Options,
    pub mapping: Mapping,
    /// Agency, year and URL from outside the files' text.
    pub metadata: MetadataSource,
    /// Files per transaction.
    pub batch: usize,
    /// Longest one file may take ([`FILE_TIME_LIMIT`]).
    pub time_limit: Duration,
}

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions {
            selection: Selection::all(),
            similarity: gongkai_similar::Options::default(),
            mapping: Mapping::default(),
            metadata: MetadataSource::default(),
            batch: 500,
            time_limit: FILE_TIME_LIMIT,
        }
    }
}

/// What an ingest did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestSummary {
    pub files: usize,
    /// New reports (version 1).
    pub stored: usize,
    /// New versions of reports already in the corpus.
    pub new_versions: usize,
    /// Files with the same tables as a stored report in another format: another
    /// source of that report, not a new version.
    pub other_sources: usize,
    /// Files whose bytes were stored before.
    pub unchanged: usize,
    /// Table-二 rows whose run-together digits another report of the corpus decided
    /// (another copy of the report, the same agency's adjacent years).
    pub decided: usize,
    /// Agencies whose name alone was ambiguous, placed by the other reports of their
    /// folder.
    pub placed_by_folder: usize,
    /// `(path, error)` of files (and folders) that gave no report.
    pub failed: Vec<(String, String)>,
}

/// Progress of an ingest, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Read, check and store the files found. Files already stored with the same bytes are
/// skipped before parsing. A file or folder that cannot be read is recorded with its
/// error; the batch goes on. The versions this run added are then ordered and the
/// current ones chosen ([`Store::settle_versions`]). Cross-report rules are not run
/// here: see [`crate::cross::run`].
pub fn ingest(
    store: &mut Store,
    found: &Discovered,
    opts: &IngestOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<IngestSummary, StoreError> {
    let files = &found.files;
    store.forget_unreadable_under(&found.roots)?;
    let seen: HashSet<(String, String)> = store.seen_files()?;
    let total = files.len();
    let mut summary = IngestSummary {
        files: total,
        ..IngestSummary::default()
    };
    let mut stored_ids = Vec::new();
    // The readers run on threads of their own (see `within`), which take what they
    // need by value.
    let shared = Arc::new(opts.clone());
    let (tx, rx) = mpsc::sync_channel::<Prepared>(256);
    std::thread::scope(|scope| -> Result<(), StoreError> {
        scope.spawn(|| {
            files.par_iter().for_each_with(tx, |tx, path| {
                let _ = tx.send(prepare(path, &seen, &shared));
            });
        });
        let mut batch: Vec<Ingested> = found
            .unreadable
            .iter()
            .map(|(path, message)| Ingested {
                path: path.clone(),
                hash: format!("unreadable:{path}"),
                size: 0,
                outcome: Err(Failure {
                    kind: FailureKind::Unreadable,
                    message: message.clone(),
                }),
            })
            .collect();
        let mut done = 0;
        let mut flush =
            |batch: &mut Vec<Ingested>, summary: &mut IngestSummary| -> Result<(), StoreError> {
                let failed: Vec<(String, String)> = batch
                    .iter()
                    .filter_map(|f| {
                        f.outcome
                            .as_ref()
                            .err()
                            .map(|e| (f.path.clone(), e.message.clone()))
                    })
                    .collect();
                // Agencies whose name is ambiguous: the reports beside them may place them.
                summary.placed_by_folder += place_by_siblings(batch, opts);
                // Table-二 rows the text alone left undecided: the corpus may decide them.
                summary.decided += crate::evidence::decide_in_batch(store, batch, opts)?;
                for w in store.write(std::mem::take(batch))? {
                    match w {
                        Written::Stored {
                            version: 1,
                            report_id,
                        } => {
                            summary.stored += 1;
                            stored_ids.push(report_id);
                        }
                        Written::Stored { report_id, .. } => {
                            summary.new_versions += 1;
                            stored_ids.push(report_id);
                        }
                        Written::OtherSource { .. } => summary.other_sources += 1,
                        Written::Unchanged { .. } => summary.unchanged += 1,
                        Written::Failed => {}
                    }
                }
                summary.failed.extend(failed);
                Ok(())
            };
        for prepared in rx {
            done += 1;
            match prepared {
                Prepared::Seen => summary.unchanged += 1,
                Prepared::File(f) => {
                    batch.push(*f);
                    if batch.len() >= opts.batch {
                        flush(&mut batch, &mut summary)?;
                    }
                }
            }
            if done % 16 == 0 || done == total {
                progress(Progress { done, total });
            }
        }
        flush(&mut batch, &mut summary)
    })?;
    store.settle_versions(&stored_ids)?;
    summary.failed.sort();
    Ok(summary)
}

enum Prepared {
    /// Stored before with these very bytes under this path: nothing to do.
    Seen,
    File(Box<Ingested>),
}

fn prepare(path: &Path, seen: &HashSet<(String, String)>, opts: &Arc<IngestOptions>) -> Prepared {
    let name = path.display().to_string();
    let bytes = match gongkai_ingest::read_bounded(path) {
        Ok(b) => b,
        Err(e) => {
            // Not read, so not hashed: a stand-in names the path (and the size, for a
            // file too large to read).
            let (hash, size) = match &e {
                gongkai_ingest::IngestError::TooLarge { size, .. } => {
                    (format!("too-large:{size}"), *size)
                }
                _ => (format!("unreadable:{name}"), 0),
            };
            return Prepared::File(Box::new(Ingested {
                path: name,
                hash,
                size,
                outcome: Err(failure(&e)),
            }));
        }
    };
    let hash = hex(&Sha256::digest(&bytes));
    if seen.contains(&(name.clone(), hash.clone())) {
        return Prepared::Seen;
    }
    let size = bytes.len() as u64;
    let (owned, label, shared) = (path.to_path_buf(), name.clone(), Arc::clone(opts));
    let outcome = within(opts.time_limit, move || {
        read_report(&owned, &label, &bytes, &shared)
    })
    .unwrap_or_else(|e| {
        Err(Failure {
            kind: FailureKind::TimedOut,
            message: format!("{name}: {e}"),
        })
    });
    Prepared::File(Box::new(Ingested {
        path: name,
        hash,
        size,
        outcome,
    }))
}

/// The corpus record of a file that could not be read.
fn failure(e: &gongkai_ingest::IngestError) -> Failure {
    use gongkai_ingest::IngestError as E;
    let kind = match e {
        E::Io { .. } => FailureKind::Unreadable,
        E::NotRegular { .. } => FailureKind::NotRegularFile,
        E::TooLarge { .. } => FailureKind::TooLarge,
        E::Incomplete { .. } => FailureKind::Incomplete,
        E::Read { .. } => FailureKind::Unsupported,
        E::Empty { .. } | E::Binary { .. } | E::ScriptWithoutReport { .. } => {
            FailureKind::NotAReport
        }
    };
    Failure {
        kind,
        message: e.to_string(),
    }
}

/// A loaded file through the parser: text as text, a document (PDF, DOCX, HTML) laid out
/// with its places. Takes the file by value so the text is not copied. No metadata: see
/// [`parse_loaded_with`].
pub fn parse_loaded(
    name: &str,
    loaded: gongkai_ingest::Loaded,
) -> Result<gongkai_parse::Parsed, gongkai_parse::ParseError> {
    parse_loaded_with(name, loaded, &Metadata::default())
}

/// [`parse_loaded`], then the metadata known from outside the text applied
/// ([`crate::metadata::apply`]): the path of every report the CLI and the corpus read.
pub fn parse_loaded_with(
    name: &str,
    loaded: gongkai_ingest::Loaded,
    metadata: &Metadata,
) -> Result<gongkai_parse::Parsed, gongkai_parse::ParseError> {
    let hints = gongkai_parse::Hints {
        year: metadata.year,
    };
    let source = match loaded.content {
        Content::Text(text) => SourceText::new(text),
        Content::Document(doc) => SourceText::from_document(&doc),
    };
    let mut parsed = gongkai_parse::parse_source_with(name, loaded.format, source, hints)?;
    if !loaded.replaced.is_empty() {
        parsed
            .report
            .doubts
            .extend(invalid_bytes_doubts(&loaded.replaced, loaded.encoding));
        parsed.report.reading = gongkai_model::ReadingStatus::of(&parsed.report);
    }
    crate::metadata::apply(&mut parsed.report, metadata);
    Ok(parsed)
}

/// Doubts shown per file at most; the rest are counted in the last one's notes.
const MAX_INVALID_BYTE_DOUBTS: usize = 20;

/// One doubt per run of bytes replaced while decoding, with its offset in the file.
fn invalid_bytes_doubts(
    replaced: &[gongkai_ingest::Replaced],
    encoding: &str,
) -> Vec<gongkai_model::Doubt> {
    let mut out: Vec<gongkai_model::Doubt> = replaced
        .iter()
        .take(MAX_INVALID_BYTE_DOUBTS)
        .map(|r| {
            let what = if r.bytes == [0] {
                "空字符".to_string()
            } else {
                format!("无法按 {encoding} 解码的字节")
            };
            gongkai_model::Doubt {
                kind: gongkai_model::DoubtKind::InvalidBytes,
                message: format!(
                    "文件第 {} 字节处的{what}（{}）已替换为“\u{FFFD}”",
                    r.offset,
                    r.bytes_escaped()
                ),
                location: Some(r.location.clone()),
                cells: Vec::new(),
                notes: Vec::new(),
            }
        })
        .collect();
    if replaced.len() > MAX_INVALID_BYTE_DOUBTS {
        if let Some(last) = out.last_mut() {
            last.notes.push(format!(
                "另有 {} 处同样替换的字节未逐一列出",
                replaced.len() - MAX_INVALID_BYTE_DOUBTS
            ));
        }
    }
    out
}

/// One file through the pipeline: ingest → parse → check, plus what the corpus keeps.
fn read_report(
    path: &Path,
    name: &str,
    bytes: &[u8],
    opts: &IngestOptions,
) -> Result<NewReport, Failure> {
    let loaded = gongkai_ingest::load_bytes(path, bytes).map_err(|e| failure(&e))?;
    let parsed =
        parse_loaded_with(name, loaded, &opts.metadata.for_file(path)).map_err(|e| Failure {
            kind: FailureKind::NotAReport,
            message: format!("{name}: {e}"),
        })?;
    let findings = gongkai_check::check(&parsed.report, Some(&parsed.source), &opts.selection);
    Ok(new_report(parsed.report, findings, opts))
}

/// The corpus record of a parsed and checked report.
pub fn new_report(
    report: gongkai_model::Report,
    findings: Vec<gongkai_model::Finding>,
    opts: &IngestOptions,
) -> NewReport {
    let metrics = Metrics::of(&report)
        .values()
        .map(|(k, v)| (k.key().to_string(), v.map(|v| v.as_f64())))
        .collect();
    let signatures = report
        .sections
        .iter()
        .map(|s| {
            if !gongkai_check::cross::COMPARED_SECTIONS.contains(&s.kind) {
                return None;
            }
            gongkai_similar::Fingerprint::new(&s.body, &opts.similarity)
                .map(|f| f.signature_bytes())
        })
        .collect();
    let agency = report.agency().map(|a| {
        opts.mapping
            .agency(a, &agency_context(&report).as_context())
    });
    let signed = crate::published::signed_date(&report);
    NewReport {
        report,
        agency,
        findings,
        metrics,
        signatures,
        signed,
    }
}

/// What a report says about where its agency is, besides the name: its own text
/// (title and sections) and the folders its file was found in.
pub(crate) struct AgencyContext {
    text: String,
    hints: Vec<gongkai_gazetteer::Hint>,
}

impl AgencyContext {
    pub(crate) fn as_context(&self) -> gongkai_gazetteer::Context<'_> {
        gongkai_gazetteer::Context {
            text: Some(&self.text),
            hints: self.hints.clone(),
        }
    }
}

/// The fewest placed reports in a folder that make the folder's place a hint.
const SIBLINGS_NEEDED: usize = 2;

/// Agencies still ambiguous after their name, text and folder names, placed by the
/// reports of the same folder in this batch: when at least [`SIBLINGS_NEEDED`] of
/// them are placed and all lie in one prefecture (or one county), that unit is a hint
/// — and it counts only if exactly one candidate lies in it. Returns how many were
/// placed so.
fn place_by_siblings(batch: &mut [Ingested], opts: &IngestOptions) -> usize {
    use std::collections::HashMap;
    let g = crate::mapping::gazetteer();
    let folder = |path: &str| {
        Path::new(path)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    // Folder → the units of its placed agencies.
    let mut placed: HashMap<String, Vec<gongkai_gazetteer::UnitId>> = HashMap::new();
    let mut waiting = false;
    for f in batch.iter() {
        let Ok(NewReport {
            agency: Some(a), ..
        }) = &f.outcome
        else {
            continue;
        };
        match a.place.status {
            gongkai_gazetteer::PlaceStatus::Resolved => {
                if let Some(id) = a.place.code.as_deref().and_then(|c| g.by_code(c)) {
                    placed.entry(folder(&f.path)).or_default().push(id);
                }
            }
            gongkai_gazetteer::PlaceStatus::Ambiguous => waiting = true,
            gongkai_gazetteer::PlaceStatus::Unresolved => {}
        }
    }
    if !waiting {
        return 0;
    }
    let mut count = 0;
    for f in batch.iter_mut() {
        let Ok(new) = &mut f.outcome else {
            continue;
        };
        if new.agency.as_ref().map(|a| a.place.status)
            != Some(gongkai_gazetteer::PlaceStatus::Ambiguous)
        {
            continue;
        }
        let dir = folder(&f.path);
        let Some(units) = placed.get(&dir).filter(|u| u.len() >= SIBLINGS_NEEDED) else {
            continue;
        };
        let Some(common) = common_unit(g, units) else {
            continue;
        };
        let (Some(printed), context) = (new.report.agency(), agency_context(&new.report)) else {
            continue;
        };
        let mut context = context.as_context();
        context.hints.push(gongkai_gazetteer::Hint {
            unit: common,
            why: format!(
                "同一文件夹中 {} 份已定位报告的机关都在{}",
                units.len(),
                g.unit(common).name
            ),
        });
        let agency = opts.mapping.agency(printed, &context);
        if agency.place.status == gongkai_gazetteer::PlaceStatus::Resolved {
            count += 1;
            new.agency = Some(agency);
        }
    }
    count
}

/// The deepest county- or prefecture-level unit that is, or contains, every one of
/// `units`.
fn common_unit(
    g: &gongkai_gazetteer::Gazetteer,
    units: &[gongkai_gazetteer::UnitId],
) -> Option<gongkai_gazetteer::UnitId> {
    let paths: Vec<Vec<gongkai_gazetteer::UnitId>> = units.iter().map(|&u| g.path(u)).collect();
    let first = paths.first()?;
    let shared = first
        .iter()
        .enumerate()
        .take_while(|&(i, id)| paths.iter().all(|p| p.get(i) == Some(id)))
        .map(|(_, &id)| id)
        .filter(|&id| g.unit(id).level <= gongkai_gazetteer::Level::County)
        .last()?;
    (g.unit(shared).level >= gongkai_gazetteer::Level::Prefecture).then_some(shared)
}

pub(crate) fn agency_context(report: &gongkai_model::Report) -> AgencyContext {
    let mut text = String::new();
    if let Some(t) = &report.title {
        text.push_str(&t.value);
        text.push('\n');
    }
    for s in &report.sections {
        text.push_str(&s.body);
        text.push('\n');
    }
    let folders: Vec<&str> = Path::new(&report.source)
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    AgencyContext {
        text,
        hints: gongkai_gazetteer::folder_hints(crate::mapping::gazetteer(), folders),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
