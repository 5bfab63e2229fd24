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
use gongkai_model::metrics::Metrics;
use gongkai_pipeline::{FileError, FileErrorKind, MetadataSource, FILE_TIME_LIMIT};
use gongkai_store::{Failure, FailureKind, Ingested, NewReport, Store, StoreError, Written};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::mapping::Mapping;

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

/// The files `check` reads, and the inputs that give none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckInputs {
    pub files: Vec<PathBuf>,
    /// `(path, message)` of folders that give no report file, and of what could not be
    /// listed under them: reported as unreadable inputs.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// The files to check under `paths`: a folder stands for the report files in it, found
/// as [`discover`] finds them (recursively, by extension, in name order); a file is read
/// as given, so that one that cannot be read is reported with the others. Inputs keep
/// their order.
pub fn check_inputs(paths: &[PathBuf]) -> CheckInputs {
    let mut inputs = CheckInputs::default();
    for p in paths {
        if !p.is_dir() {
            inputs.files.push(p.clone());
            continue;
        }
        let found = discover(std::slice::from_ref(p));
        for (path, message) in found.unreadable {
            inputs.unreadable.push((PathBuf::from(path), message));
        }
        if found.files.is_empty() {
            inputs.unreadable.push((
                p.clone(),
                format!(
                    "{}：文件夹中没有报告文件（扩展名：{}）",
                    p.display(),
                    REPORT_EXTENSIONS.join("、")
                ),
            ));
        }
        inputs.files.extend(found.files);
    }
    inputs
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
    let bytes = match gongkai_pipeline::read_bytes(path) {
        Ok(b) => b,
        Err(e) => {
            // Not read, so not hashed: a stand-in names the path (and the size, for a
            // file too large to read).
            let (hash, size) = match &e {
                FileError::Load(gongkai_ingest::IngestError::TooLarge { size, .. }) => {
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
    let (owned, shared) = (path.to_path_buf(), Arc::clone(opts));
    // What the corpus keeps of a report is made within the time allowed the file too.
    let outcome = gongkai_pipeline::time_limited(path, opts.time_limit, move || {
        let parsed =
            gongkai_pipeline::parse_bytes(&owned, &bytes, &shared.metadata.for_file(&owned))?;
        let checked = gongkai_pipeline::check(parsed, &shared.selection);
        Ok(new_report(checked.parsed.report, checked.findings, &shared))
    })
    .map_err(|e| failure(&e));
    Prepared::File(Box::new(Ingested {
        path: name,
        hash,
        size,
        outcome,
    }))
}

/// The corpus record of a file that could not be read.
fn failure(e: &FileError) -> Failure {
    let kind = match e.kind() {
        FileErrorKind::Unreadable => FailureKind::Unreadable,
        FileErrorKind::NotRegularFile => FailureKind::NotRegularFile,
        FileErrorKind::TooLarge => FailureKind::TooLarge,
        FileErrorKind::Incomplete => FailureKind::Incomplete,
        FileErrorKind::Unsupported => FailureKind::Unsupported,
        FileErrorKind::TimedOut => FailureKind::TimedOut,
        FileErrorKind::NotAReport => FailureKind::NotAReport,
    };
    Failure {
        kind,
        message: e.to_string(),
    }
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
    // The name alone places nearly every agency; the report's text and folders are
    // gathered only for a name it leaves ambiguous, not for every report read.
    let agency = report.agency().map(|a| {
        let by_name = opts
            .mapping
            .agency(a, &gongkai_gazetteer::Context::default());
        if by_name.place.status == gongkai_gazetteer::PlaceStatus::Ambiguous {
            opts.mapping
                .agency(a, &agency_context(&report).as_context())
        } else {
            by_name
        }
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
