//! The incremental cross-report step gives exactly what a full recompute gives.
//!
//! A generated corpus (two synthetic corpora whose agencies overlap, so the second brings
//! new versions of the first's agency-years, with copied text between agencies and from
//! earlier years) is ingested in random order: a base, then small batches of new files and
//! removals of random reports, each followed by the step `gongkai ingest` runs. At
//! checkpoints the database is copied and the copy recomputed from scratch
//! (`--recheck-all`); the cross-report findings must be identical, message for message.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gongkai_corpus::cross::{self, Mode, StepMode};
use gongkai_corpus::IngestOptions;
use gongkai_store::{Filter, Store};
use gongkai_synth::CorpusOptions;
use proptest::prelude::*;

/// Every cross-report finding, as stored.
fn corpus_findings(store: &mut Store) -> Vec<String> {
    let rows = store
        .query(
            "SELECT report_id, code, other_report_id, message, detail FROM findings
             WHERE scope = 'corpus' ORDER BY report_id, code, other_report_id, message, detail",
            &[],
        )
        .unwrap();
    rows.into_iter()
        .map(|mut r| {
            format!(
                "{} {} {:?} {} {}",
                r.get::<i64>("report_id").unwrap(),
                r.take::<String>("code").unwrap(),
                r.get::<Option<i64>>("other_report_id").unwrap(),
                r.take::<String>("message").unwrap(),
                r.take::<String>("detail").unwrap()
            )
        })
        .collect()
}

fn write_corpus(dir: &Path, seed: u64, reports: usize) -> Vec<PathBuf> {
    gongkai_synth::write_corpus(
        dir,
        &CorpusOptions {
            reports,
            seed,
            first_year: 2022,
            years: 3,
            error_rate: 0.1,
            // Many cross-report errors: copied text between agencies and from the
            // agency's own earlier year, carry-over mismatches.
            cross_error_rate: 0.4,
            layouts: vec![gongkai_synth::Layout::Spaces, gongkai_synth::Layout::Tabs],
            ..CorpusOptions::default()
        },
    )
    .unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[derive(Clone, Debug)]
enum Op {
    /// Ingest this many of the files not ingested yet (picked by the seed).
    Add(usize, u64),
    /// Remove the n-th report (of all versions, by id, modulo their number).
    Remove(usize),
    /// Ingest a copy of the n-th file ingested, published by another agency: its
    /// sections are the same texts (identical texts gain members).
    Duplicate(usize),
    /// [`Op::Duplicate`] of a report another agency's report copied text from (by the
    /// answer key): the copy's texts gain a member, and the copier must be judged again.
    DuplicateSource,
    /// A copy of that same report by another agency with a few words added to every
    /// long line: texts largely found in the source's, not identical to them.
    NearCopySource,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1usize..6, any::<u64>()).prop_map(|(n, s)| Op::Add(n, s)),
        1 => any::<usize>().prop_map(Op::Remove),
        1 => any::<usize>().prop_map(Op::Duplicate),
        1 => Just(Op::NearCopySource),
    ]
}

/// Recomputes everything on `store` and asserts that it gives `incremental`, finding by
/// finding.
fn assert_recheck_gives(store: &mut Store, incremental: &[String], opts: &IngestOptions, at: &str) {
    let s = cross::update(
        store,
        &opts.selection,
        &opts.similarity,
        Mode::RecheckAll {
            refresh_stock: false,
        },
    )
    .unwrap();
    assert_eq!(s.mode, StepMode::Full);
    let full = corpus_findings(store);
    assert_eq!(incremental.len(), full.len(), "{at}: finding counts differ");
    for (a, b) in incremental.iter().zip(&full) {
        assert_eq!(a, b, "{at}");
    }
}

/// Compares the incremental state with a recompute of a copy of it.
fn check_against_recheck(db: &Path, store: Store, opts: &IngestOptions, at: &str) -> Store {
    let incremental = {
        let mut store = store;
        let f = corpus_findings(&mut store);
        drop(store);
        f
    };
    let copy = db.with_extension("copy.db");
    std::fs::copy(db, &copy).unwrap();
    let mut other = Store::open(&copy.to_string_lossy()).unwrap();
    assert_recheck_gives(&mut other, &incremental, opts, at);
    drop(other);
    std::fs::remove_file(&copy).unwrap();
    Store::open(&db.to_string_lossy()).unwrap()
}

fn run_case(seed: u64, ops: &[Op]) {
    run_case_on(seed, ops, None);
}

/// [`run_case`] on SQLite, or on PostgreSQL in a schema of its own (`pg_url`): there the
/// database is not copied; the full recompute runs on it after the last step, and must
/// change no finding.
fn run_case_on(seed: u64, ops: &[Op], pg_url: Option<&str>) {
    let dir =
        std::env::temp_dir().join(format!("gongkai-incremental-{}-{seed}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut files = write_corpus(&dir.join("a"), seed, 150);
    // The second corpus's agencies overlap the first's: new versions of their years.
    files.extend(write_corpus(&dir.join("b"), seed + 1, 60));
    let db = dir.join("corpus.db");
    let opts = IngestOptions::default();
    let schema = format!("incremental_{}_{seed}", std::process::id());
    let mut store = match pg_url {
        Some(url) => Store::open_postgres(url, Some(&schema)).unwrap(),
        None => Store::open(&db.to_string_lossy()).unwrap(),
    };

    // The base: most of the first corpus, then a full step (nothing kept yet).
    let mut left: Vec<PathBuf> = files.clone();
    let base: Vec<PathBuf> = left.drain(..100).collect();
    gongkai_corpus::ingest(&mut store, &gongkai_corpus::discover(&base), &opts, &|_| {}).unwrap();
    let s = cross::run(&mut store, &opts.selection, &opts.similarity).unwrap();
    assert_eq!(s.mode, StepMode::Full);

    let mut ingested: Vec<PathBuf> = base.clone();
    let mut incremental_steps = 0;
    let mut y003 = BTreeSet::new();
    for (k, op) in ops.iter().enumerate() {
        match op {
            Op::Add(n, pick) => {
                let mut batch = Vec::new();
                for j in 0..*n {
                    if left.is_empty() {
                        break;
                    }
                    let i = (*pick as usize).wrapping_add(j * 7919) % left.len();
                    batch.push(left.remove(i));
                }
                gongkai_corpus::ingest(
                    &mut store,
                    &gongkai_corpus::discover(&batch),
                    &opts,
                    &|_| {},
                )
                .unwrap();
                ingested.extend(batch);
            }
            Op::Duplicate(_) | Op::DuplicateSource | Op::NearCopySource => {
                let from = match op {
                    Op::Duplicate(n) => ingested[n % ingested.len()].clone(),
                    _ => source_of_copy(&dir.join("a"), &ingested),
                };
                let from = &from;
                let near = matches!(op, Op::NearCopySource);
                let text = std::fs::read_to_string(from).unwrap();
                // The first line of the title names the agency (before the year, when
                // the year is on it): another agency's name.
                let mut renamed = false;
                let copy: String = text
                    .lines()
                    .map(|line| {
                        if renamed || line.trim().is_empty() {
                            if near && line.chars().count() > 30 {
                                return format!("{line}（已复核）\n");
                            }
                            return format!("{line}\n");
                        }
                        renamed = true;
                        let year = line
                            .find("20")
                            .filter(|&at| line[at..].chars().take(4).all(|c| c.is_ascii_digit()));
                        match year {
                            Some(at) => {
                                let (name, rest) = line.split_at(at);
                                format!("{}复本{k}办公室{rest}\n", name.trim_end())
                            }
                            None => format!("{}复本{k}办公室\n", line.trim_end()),
                        }
                    })
                    .collect();
                assert_ne!(copy, text);
                let path = dir.join(format!("dup-{k}.txt"));
                std::fs::write(&path, copy).unwrap();
                gongkai_corpus::ingest(
                    &mut store,
                    &gongkai_corpus::discover(std::slice::from_ref(&path)),
                    &opts,
                    &|_| {},
                )
                .unwrap();
                ingested.push(path);
            }
            Op::Remove(n) => {
                let reports = store
                    .reports(&Filter {
                        all_versions: true,
                        ..Filter::default()
                    })
                    .unwrap();
                let r = &reports[n % reports.len()];
                assert!(store.remove_report(r.id).unwrap().is_some());
            }
        }
        let s = cross::run(&mut store, &opts.selection, &opts.similarity).unwrap();
        if s.mode == StepMode::Incremental {
            incremental_steps += 1;
        }
        assert!(!store.cross_state().unwrap().stale);
        y003.insert(store.count_corpus_findings("Y003").unwrap());
        if pg_url.is_none() && (k % 4 == 3 || k + 1 == ops.len()) {
            store = check_against_recheck(
                &db,
                store,
                &opts,
                &format!("seed {seed}, after op {k} ({op:?})"),
            );
        }
    }
    // The steps were incremental (a full step only when the agencies moved by a tenth),
    // and copied text was there to be kept up to date.
    assert!(
        incremental_steps * 2 >= ops.len(),
        "{incremental_steps} of {}",
        ops.len()
    );
    assert!(y003.iter().any(|&n| n > 0), "no copied text in the corpus");
    if pg_url.is_some() {
        let incremental = corpus_findings(&mut store);
        assert_recheck_gives(
            &mut store,
            &incremental,
            &opts,
            &format!("seed {seed}, at the end"),
        );
        store
            .query(&format!("DROP SCHEMA {schema} CASCADE"), &[])
            .unwrap();
    }
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An ingested file that the answer key says another ingested report copied from.
fn source_of_copy(dir: &Path, ingested: &[PathBuf]) -> PathBuf {
    let key = std::fs::read_to_string(dir.join("answer-key.jsonl")).unwrap();
    let stems: BTreeSet<String> = ingested
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    for line in key.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let stem = v["stem"].as_str().unwrap();
        for c in v["cross"].as_array().into_iter().flatten() {
            if c["kind"] == "copied-from-other-agency"
                && c["original"] == true
                && stems.contains(stem)
                && c["other"].as_str().is_some_and(|o| stems.contains(o))
            {
                return dir.join(v["file"].as_str().unwrap());
            }
        }
    }
    panic!("no copied report in the base");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_steps_equal_a_full_recompute(seed in 0u64..1000, ops in prop::collection::vec(op(), 8..16)) {
        run_case(seed, &ops);
    }
}

/// The fixed sequence on PostgreSQL (required in CI: `GONGKAI_REQUIRE_POSTGRES`).
#[test]
fn the_fixed_sequence_on_postgres() {
    let Ok(url) = std::env::var("GONGKAI_TEST_POSTGRES") else {
        assert!(
            std::env::var("GONGKAI_REQUIRE_POSTGRES").is_err(),
            "GONGKAI_REQUIRE_POSTGRES is set but GONGKAI_TEST_POSTGRES is not"
        );
        return;
    };
    run_case_on(43, &fixed_sequence(), Some(&url));
}

fn fixed_sequence() -> Vec<Op> {
    vec![
        Op::Add(3, 1),
        Op::Remove(5),
        Op::Add(5, 17),
        Op::Add(1, 99),
        Op::Remove(40),
        Op::Add(5, 3),
        Op::Remove(0),
        Op::Add(4, 1234),
        Op::Duplicate(3),
        Op::NearCopySource,
        Op::DuplicateSource,
        Op::Duplicate(3),
        Op::Add(5, 7),
        Op::Duplicate(50),
        Op::Remove(77),
        Op::Add(2, 8),
        Op::Add(5, 11),
    ]
}

/// One fixed sequence, so that a regression shows the same failure every run.
#[test]
fn a_fixed_sequence_of_adds_versions_and_removals() {
    run_case(42, &fixed_sequence());
}
