//! The cost of adding one report to a corpus of 10,000 and of 100,000 (issue #12): read,
//! check and store the file, then the cross-report step `gongkai ingest` runs after it,
//! in process on an open database. The step is incremental, so the two sizes should cost
//! about the same — only the index lookups grow with the corpus.
//!
//! ```sh
//! cargo bench -p gongkai-corpus --bench add_one
//! ```
//!
//! The corpora are generated (`gongkai synth`, seed 1) and ingested once into
//! `target/tmp/add-one-N/` (about 10 s for 10,000 and 70 s for 100,000 in a release build)
//! and kept for the next run. Each iteration adds another report of a second synthetic
//! corpus (new agencies, and new versions of agency-years already stored).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use gongkai_corpus::{cross, IngestOptions};
use gongkai_store::Store;
use gongkai_synth::CorpusOptions;

fn main() {
    divan::main();
}

fn write(dir: &Path, reports: usize, seed: u64) -> Vec<PathBuf> {
    if !dir.join("answer-key.jsonl").exists() {
        gongkai_synth::write_corpus(
            dir,
            &CorpusOptions {
                reports,
                seed,
                ..CorpusOptions::default()
            },
        )
        .expect("write the synthetic corpus");
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "answer-key.jsonl"))
        .collect();
    files.sort();
    files
}

/// The database of a corpus of `n` reports, made once.
fn corpus(n: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("add-one-{n}"));
    let db = dir.join("corpus.db");
    let done = dir.join("done");
    if !done.exists() {
        let _ = std::fs::remove_file(&db);
        let files = write(&dir.join("files"), n, 1);
        let mut store = Store::open(&db.to_string_lossy()).unwrap();
        let opts = IngestOptions::default();
        gongkai_corpus::ingest(
            &mut store,
            &gongkai_corpus::discover(&files),
            &opts,
            &|_| {},
        )
        .unwrap();
        cross::run(&mut store, &opts.selection, &opts.similarity).unwrap();
        std::fs::write(&done, "").unwrap();
    }
    db
}

/// Reports to add, one per iteration.
fn extra() -> &'static [PathBuf] {
    static FILES: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("add-one-extra");
        write(&dir, 2000, 7)
    })
}

#[divan::bench(args = [10_000, 100_000], sample_count = 30, sample_size = 1)]
fn add_one(bencher: divan::Bencher, n: usize) {
    let db = corpus(n);
    let mut store = Store::open(&db.to_string_lossy()).unwrap();
    let opts = IngestOptions::default();
    let next = AtomicUsize::new(0);
    // Where the last run stopped: files already added are unchanged bytes, not new.
    let added = store.counts().unwrap().reports as usize;
    let base = added.saturating_sub(n);
    let files = extra();
    bencher.bench_local(|| {
        let i = (base + next.fetch_add(1, Ordering::Relaxed)) % files.len();
        let found = gongkai_corpus::discover(std::slice::from_ref(&files[i]));
        gongkai_corpus::ingest(&mut store, &found, &opts, &|_| {}).unwrap();
        let step = cross::run(&mut store, &opts.selection, &opts.similarity).unwrap();
        assert_ne!(step.mode, cross::StepMode::Full, "{step:?}");
    });
}
