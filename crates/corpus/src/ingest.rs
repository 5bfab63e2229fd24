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
use std::sync::mpsc;

use gongkai_check::Selection;
use gongkai_ingest::Content;
use gongkai_model::metrics::Metrics;
use gongkai_parse::SourceText;
use gongkai_store::{Ingested, NewReport, Store, StoreError, Written};
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

/// The files under `paths`: files as given, folders walked recursively (hidden entries
/// skipped), sorted so that runs are repeatable.
pub fn discover(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                walk(&path, out)?;
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| REPORT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            std::io::Error::new(e.kind(), format!("{}: 无法读取：{e}", p.display()))
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
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
}

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions {
            selection: Selection::all(),
            similarity: gongkai_similar::Options::default(),
            mapping: Mapping::default(),
            metadata: MetadataSource::default(),
            batch: 500,
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
    /// Files whose bytes were stored before.
    pub unchanged: usize,
    /// `(path, error)` of files that gave no report.
    pub failed: Vec<(String, String)>,
}

/// Progress of an ingest, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Read, check and store `files`. Files already stored with the same bytes are skipped
/// before parsing. A file that cannot be read is recorded with its error; the batch
/// goes on. Cross-report rules are not run here: see [`crate::cross::run`].
pub fn ingest(
    store: &mut Store,
    files: &[PathBuf],
    opts: &IngestOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<IngestSummary, StoreError> {
    let seen: HashSet<(String, String)> = store.seen_files()?;
    let total = files.len();
    let mut summary = IngestSummary {
        files: total,
        ..IngestSummary::default()
    };
    let (tx, rx) = mpsc::sync_channel::<Prepared>(256);
    std::thread::scope(|scope| -> Result<(), StoreError> {
        scope.spawn(|| {
            files.par_iter().for_each_with(tx, |tx, path| {
                let _ = tx.send(prepare(path, &seen, opts));
            });
        });
        let mut batch = Vec::with_capacity(opts.batch);
        let mut done = 0;
        let mut flush =
            |batch: &mut Vec<Ingested>, summary: &mut IngestSummary| -> Result<(), StoreError> {
                let failed: Vec<(String, String)> = batch
                    .iter()
                    .filter_map(|f| {
                        f.outcome
                            .as_ref()
                            .err()
                            .map(|e| (f.path.clone(), e.clone()))
                    })
                    .collect();
                for w in store.write(std::mem::take(batch))? {
                    match w {
                        Written::Stored { version: 1, .. } => summary.stored += 1,
                        Written::Stored { .. } => summary.new_versions += 1,
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
    summary.failed.sort();
    Ok(summary)
}

enum Prepared {
    /// Stored before with these very bytes under this path: nothing to do.
    Seen,
    File(Box<Ingested>),
}

fn prepare(path: &Path, seen: &HashSet<(String, String)>, opts: &IngestOptions) -> Prepared {
    let name = path.display().to_string();
    let failed = |hash: String, size: u64, message: String| {
        Prepared::File(Box::new(Ingested {
            path: name.clone(),
            hash,
            size,
            outcome: Err(message),
        }))
    };
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            return failed(
                format!("unreadable:{name}"),
                0,
                format!("{name}: 无法读取文件：{e}"),
            )
        }
    };
    if size > gongkai_ingest::MAX_FILE_BYTES {
        // Not read at all, so not hashed: the size stands in for the content.
        return failed(
            format!("too-large:{size}"),
            size,
            format!(
                "{name}: 文件过大（{size} 字节，上限 {} 字节）",
                gongkai_ingest::MAX_FILE_BYTES
            ),
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return failed(
                format!("unreadable:{name}"),
                size,
                format!("{name}: 无法读取文件：{e}"),
            )
        }
    };
    let hash = hex(&Sha256::digest(&bytes));
    if seen.contains(&(name.clone(), hash.clone())) {
        return Prepared::Seen;
    }
    let outcome = read_report(path, &name, &bytes, opts);
    Prepared::File(Box::new(Ingested {
        path: name,
        hash,
        size: bytes.len() as u64,
        outcome,
    }))
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
    crate::metadata::apply(&mut parsed.report, metadata);
    Ok(parsed)
}

/// One file through the pipeline: ingest → parse → check, plus what the corpus keeps.
fn read_report(
    path: &Path,
    name: &str,
    bytes: &[u8],
    opts: &IngestOptions,
) -> Result<NewReport, String> {
    let loaded = gongkai_ingest::load_bytes(path, bytes).map_err(|e| e.to_string())?;
    let parsed = parse_loaded_with(name, loaded, &opts.metadata.for_file(path))
        .map_err(|e| format!("{name}: {e}"))?;
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
    let agency = report.agency().map(|a| opts.mapping.agency(a));
    NewReport {
        report,
        agency,
        findings,
        metrics,
        signatures,
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
