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
    store.forget_unreadable_under(&found.roots)?;
    let inputs: Vec<Input<'_>> = found
        .files
        .iter()
        .map(|p| Input {
            read_from: p,
            name: p.display().to_string(),
        })
        .collect();
    let hooks = Hooks {
        accept: None,
        progress,
        progress_every: 16,
        written: &mut |_| {},
    };
    Ok(run(store, &inputs, &found.unreadable, opts, hooks)?.summary)
}

/// A file whose bytes are kept at one path and which the corpus knows by another name:
/// an uploaded file, kept under its SHA-256 and stored under the name it was given
/// (e.g. `upload/3/报告.pdf`). The name is only a name — it is never opened — and its
/// folders count for placing agencies as a path's folders do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedFile {
    /// Where the bytes are.
    pub read_from: PathBuf,
    /// The name the corpus stores it under (its `files.path` and the report's source).
    pub name: String,
}

/// What became of one file of [`ingest_named`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    /// A new report (version 1) or a new version of one.
    Stored { report_id: i64, version: i64 },
    /// The same tables as a stored report in another format: another source of it.
    OtherSource { report_id: i64 },
    /// These bytes were stored before (under this or another name).
    Unchanged { report_id: Option<i64> },
    /// Not read as a report: why (the message names the file by its name).
    Failed { kind: FailureKind, message: String },
    /// Read, but refused by the caller's `accept` before it was stored; not recorded in
    /// the corpus.
    Refused { message: String },
}

/// Decides, once a file is read, whether its report may be stored (`Err`: why not).
pub type Accept<'a> = dyn Fn(&NewReport) -> Result<(), String> + Sync + 'a;

/// Told the outcomes of a batch once it is committed: `(file index, outcome)`.
pub type Told<'a> = dyn FnMut(&[(usize, FileOutcome)]) + 'a;

/// [`ingest`] for files whose bytes are at one path and whose stored name is another
/// ([`NamedFile`]), with one outcome per file (in the order given). The same reading,
/// checking and writing as [`ingest`]; besides, a report `accept` refuses is not
/// stored, and `written` is told the outcomes of each batch once it is committed (so a
/// caller can keep them should it stop before the end). Progress is reported for
/// every file.
pub fn ingest_named(
    store: &mut Store,
    files: &[NamedFile],
    opts: &IngestOptions,
    accept: &Accept<'_>,
    progress: &(dyn Fn(Progress) + Sync),
    written: &mut Told<'_>,
) -> Result<(IngestSummary, Vec<FileOutcome>), StoreError> {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|f| Input {
            read_from: &f.read_from,
            name: f.name.clone(),
        })
        .collect();
    let hooks = Hooks {
        accept: Some(accept),
        progress,
        progress_every: 1,
        written,
    };
    let ran = run(store, &inputs, &[], opts, hooks)?;
    let mut out = Vec::with_capacity(ran.outcomes.len());
    for (i, (f, outcome)) in files.iter().zip(ran.outcomes).enumerate() {
        out.push(match outcome {
            Some(o) => o,
            // Skipped as stored before under this very name and bytes: the report it
            // became then.
            None => FileOutcome::Unchanged {
                report_id: match ran.seen.iter().find(|(j, _)| *j == i) {
                    Some((_, hash)) => store.file_report(&f.name, hash)?,
                    None => None,
                },
            },
        });
    }
    Ok((ran.summary, out))
}

/// One file to read: where its bytes are and the name it is stored under (the same
/// for a file found on disk).
struct Input<'a> {
    read_from: &'a Path,
    name: String,
}

struct Hooks<'a> {
    accept: Option<&'a Accept<'a>>,
    progress: &'a (dyn Fn(Progress) + Sync),
    /// Report progress after this many files (and after the last).
    progress_every: usize,
    written: &'a mut Told<'a>,
}

/// What [`run`] did.
struct Ran {
    summary: IngestSummary,
    /// Per input; `None` for one skipped as seen before with the same name and bytes.
    outcomes: Vec<Option<FileOutcome>>,
    /// `(input, hash)` of those skipped so.
    seen: Vec<(usize, String)>,
}

/// The one reading-and-writing loop of [`ingest`] and [`ingest_named`].
fn run(
    store: &mut Store,
    inputs: &[Input<'_>],
    unreadable: &[(String, String)],
    opts: &IngestOptions,
    hooks: Hooks<'_>,
) -> Result<Ran, StoreError> {
    let Hooks {
        accept,
        progress,
        progress_every,
        written,
    } = hooks;
    // Only the inputs' own rows: a small job against a large corpus reads a few.
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let seen: HashSet<(String, String)> = store.seen_files_among(&names)?;
    let total = inputs.len();
    let mut summary = IngestSummary {
        files: total,
        ..IngestSummary::default()
    };
    let mut outcomes: Vec<Option<FileOutcome>> = vec![None; total];
    let mut seen_inputs = Vec::new();
    let mut stored_ids = Vec::new();
    // The readers run on threads of their own (see `within`), which take what they
    // need by value.
    let shared = Arc::new(opts.clone());
    let (tx, rx) = mpsc::sync_channel::<(usize, Prepared)>(256);
    std::thread::scope(|scope| -> Result<(), StoreError> {
        scope.spawn(|| {
            inputs
                .par_iter()
                .enumerate()
                .for_each_with(tx, |tx, (i, input)| {
                    let _ = tx.send((i, prepare(input, &seen, &shared, accept)));
                });
        });
        // Each file offered to the store, with the input it came from (`None`: a
        // folder that could not be listed).
        let mut batch: Vec<(Option<usize>, Ingested)> = unreadable
            .iter()
            .map(|(path, message)| {
                (
                    None,
                    Ingested {
                        path: path.clone(),
                        hash: format!("unreadable:{path}"),
                        size: 0,
                        outcome: Err(Failure {
                            kind: FailureKind::Unreadable,
                            message: message.clone(),
                        }),
                    },
                )
            })
            .collect();
        let mut done = 0;
        // Writes the batch; the outcomes of its files that came from inputs.
        let mut flush = |batch: &mut Vec<(Option<usize>, Ingested)>,
                         summary: &mut IngestSummary|
         -> Result<Vec<(usize, FileOutcome)>, StoreError> {
            let (inputs_of, mut files): (Vec<Option<usize>>, Vec<Ingested>) =
                std::mem::take(batch).into_iter().unzip();
            let failures: Vec<Option<Failure>> = files
                .iter()
                .map(|f| f.outcome.as_ref().err().cloned())
                .collect();
            let failed: Vec<(String, String)> = files
                .iter()
                .filter_map(|f| {
                    f.outcome
                        .as_ref()
                        .err()
                        .map(|e| (f.path.clone(), e.message.clone()))
                })
                .collect();
            // Agencies whose name is ambiguous: the reports beside them may place them.
            summary.placed_by_folder += place_by_siblings(&mut files, opts);
            // Table-二 rows the text alone left undecided: the corpus may decide them.
            summary.decided += crate::evidence::decide_in_batch(store, &mut files, opts)?;
            let mut told = Vec::new();
            let results = store.write(files)?;
            for ((w, i), failure) in results.into_iter().zip(&inputs_of).zip(failures) {
                let outcome = match w {
                    Written::Stored {
                        version: 1,
                        report_id,
                    } => {
                        summary.stored += 1;
                        stored_ids.push(report_id);
                        FileOutcome::Stored {
                            report_id,
                            version: 1,
                        }
                    }
                    Written::Stored { report_id, version } => {
                        summary.new_versions += 1;
                        stored_ids.push(report_id);
                        FileOutcome::Stored { report_id, version }
                    }
                    Written::OtherSource { report_id, .. } => {
                        summary.other_sources += 1;
                        FileOutcome::OtherSource { report_id }
                    }
                    Written::Unchanged { report_id } => {
                        summary.unchanged += 1;
                        FileOutcome::Unchanged {
                            report_id: Some(report_id),
                        }
                    }
                    Written::Failed => match failure {
                        Some(f) => FileOutcome::Failed {
                            kind: f.kind,
                            message: f.message,
                        },
                        None => continue,
                    },
                };
                if let Some(i) = *i {
                    told.push((i, outcome));
                }
            }
            summary.failed.extend(failed);
            Ok(told)
        };
        let mut tell = |told: Vec<(usize, FileOutcome)>| {
            for (i, outcome) in &told {
                outcomes[*i] = Some(outcome.clone());
            }
            if !told.is_empty() {
                written(&told);
            }
        };
        for (i, prepared) in rx {
            done += 1;
            match prepared {
                Prepared::Seen { hash } => {
                    summary.unchanged += 1;
                    seen_inputs.push((i, hash));
                }
                Prepared::Refused { name, message } => {
                    summary.failed.push((name, message.clone()));
                    tell(vec![(i, FileOutcome::Refused { message })]);
                }
                Prepared::File(f) => {
                    batch.push((Some(i), *f));
                    if batch.len() >= opts.batch {
                        tell(flush(&mut batch, &mut summary)?);
                    }
                }
            }
            if done % progress_every == 0 || done == total {
                progress(Progress { done, total });
            }
        }
        tell(flush(&mut batch, &mut summary)?);
        Ok(())
    })?;
    store.settle_versions(&stored_ids)?;
    summary.failed.sort();
    Ok(Ran {
        summary,
        outcomes,
        seen: seen_inputs,
    })
}

enum Prepared {
    /// Stored before with these very bytes under this path: nothing to do.
    Seen {
        hash: String,
    },
    /// Read, and refused by the caller.
    Refused {
        name: String,
        message: String,
    },
    File(Box<Ingested>),
}

fn prepare(
    input: &Input<'_>,
    seen: &HashSet<(String, String)>,
    opts: &Arc<IngestOptions>,
    accept: Option<&Accept<'_>>,
) -> Prepared {
    let name = input.name.clone();
    let path = Path::new(&name);
    let bytes = match gongkai_pipeline::read_bytes(input.read_from) {
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
            let mut failure = failure(&e);
            // The message names the file as the corpus knows it, not where it is kept.
            let kept = input.read_from.display().to_string();
            if kept != name {
                failure.message = failure.message.replace(&kept, &name);
            }
            return Prepared::File(Box::new(Ingested {
                path: name,
                hash,
                size,
                outcome: Err(failure),
            }));
        }
    };
    let hash = hex(&Sha256::digest(&bytes));
    if seen.contains(&(name.clone(), hash.clone())) {
        return Prepared::Seen { hash };
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
    if let (Ok(new), Some(accept)) = (&outcome, accept) {
        if let Err(message) = accept(new) {
            return Prepared::Refused { name, message };
        }
    }
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
    let mut new = NewReport {
        report,
        agency,
        findings,
        metrics,
        signatures,
        signed,
        encoded: None,
    };
    // Encoded here, on the reading thread, not by the one writer; should it fail, the
    // writer encodes it again and reports why.
    let _ = new.encode();
    new
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

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/seeds")
                .join(name),
        )
        .unwrap()
    }

    /// Bytes kept under one name, stored under another; a refused report is not
    /// stored; a file that cannot be read is named by its stored name; a second run
    /// finds the first's reports.
    #[test]
    fn named_files_are_read_from_one_place_and_stored_under_another_name() {
        let dir = std::env::temp_dir().join(format!("gongkai-named-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("aa11"), seed("000_bdef848fa1eb37a7.txt")).unwrap();
        std::fs::write(dir.join("bb22"), seed("001_80982073e3dd5082.txt")).unwrap();
        let files = [
            NamedFile {
                read_from: dir.join("aa11"),
                name: "upload/7/甲.txt".into(),
            },
            NamedFile {
                read_from: dir.join("bb22"),
                name: "upload/7/乙.txt".into(),
            },
            NamedFile {
                read_from: dir.join("gone"),
                name: "upload/7/丙.txt".into(),
            },
        ];
        let mut store = Store::open(&dir.join("corpus.db").display().to_string()).unwrap();
        let accept = |new: &NewReport| match new.agency.as_ref().map(|a| a.name.as_str()) {
            Some("辉县市人民政府") => Err("不收".to_string()),
            _ => Ok(()),
        };
        let mut told = Vec::new();
        let (summary, outcomes) = ingest_named(
            &mut store,
            &files,
            &IngestOptions::default(),
            &accept,
            &|_| {},
            &mut |t| told.extend_from_slice(t),
        )
        .unwrap();
        let FileOutcome::Stored {
            report_id,
            version: 1,
        } = outcomes[0]
        else {
            panic!("{outcomes:?}")
        };
        let gone = dir.join("gone").display().to_string();
        let FileOutcome::Failed { kind, message } = &outcomes[2] else {
            panic!("{outcomes:?}")
        };
        assert_eq!(*kind, FailureKind::Unreadable);
        assert!(
            message.contains("upload/7/丙.txt") && !message.contains(&gone),
            "{message}"
        );
        assert_eq!(
            outcomes[1],
            FileOutcome::Refused {
                message: "不收".into()
            }
        );
        told.sort_by_key(|(i, _)| *i);
        assert_eq!(
            told,
            outcomes.iter().cloned().enumerate().collect::<Vec<_>>()
        );
        assert_eq!((summary.stored, summary.failed.len()), (1, 2));
        let stored = store.reports(&gongkai_store::Filter::default()).unwrap();
        assert_eq!(
            stored
                .iter()
                .map(|r| (r.id, r.source.as_str()))
                .collect::<Vec<_>>(),
            vec![(report_id, "upload/7/甲.txt")]
        );
        // Once more: the stored file is skipped before reading, as the report it became.
        let (_, again) = ingest_named(
            &mut store,
            &files[..1],
            &IngestOptions::default(),
            &accept,
            &|_| {},
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(
            again,
            vec![FileOutcome::Unchanged {
                report_id: Some(report_id)
            }]
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
