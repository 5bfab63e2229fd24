//! The corpus queries reviewers wait for, in process, on an existing database:
//!
//! ```sh
//! gongkai synth 10000 /tmp/syn && gongkai ingest /tmp/syn --database /tmp/c.db
//! GONGKAI_BENCH_DATABASE=/tmp/c.db cargo bench -p gongkai-store --bench queries
//! GONGKAI_BENCH_DATABASE=postgres://… cargo bench -p gongkai-store --bench queries
//! ```
//!
//! Without `GONGKAI_BENCH_DATABASE` the benchmarks have nothing to measure and return at once.

use std::sync::Mutex;

use gongkai_store::{Filter, Store};

fn main() {
    divan::main();
}

fn store() -> Option<&'static Mutex<Store>> {
    static STORE: std::sync::OnceLock<Option<Mutex<Store>>> = std::sync::OnceLock::new();
    STORE
        .get_or_init(|| {
            let target = std::env::var("GONGKAI_BENCH_DATABASE").ok()?;
            Some(Mutex::new(
                Store::open(&target).expect("open the benchmark database"),
            ))
        })
        .as_ref()
}

/// An agency in the middle of the corpus.
fn some_agency(store: &mut Store) -> String {
    let coverage = store.coverage().unwrap();
    coverage[coverage.len() / 2].agency.clone()
}

#[divan::bench(sample_count = 20)]
fn history(bencher: divan::Bencher) {
    let Some(store) = store() else { return };
    let agency = some_agency(&mut store.lock().unwrap());
    bencher.bench(|| {
        let mut s = store.lock().unwrap();
        let rows = s.history(&agency).unwrap();
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        (
            s.findings(Some(&ids)).unwrap().len(),
            s.metrics_of(Some(&ids)).unwrap().len(),
        )
    });
}

#[divan::bench(sample_count = 20)]
fn coverage_matrix(bencher: divan::Bencher) {
    let Some(store) = store() else { return };
    bencher.bench(|| store.lock().unwrap().coverage().unwrap().len());
}

#[divan::bench(sample_count = 20)]
fn metrics_table(bencher: divan::Bencher) {
    let Some(store) = store() else { return };
    bencher.bench(|| store.lock().unwrap().metrics().unwrap().len());
}

#[divan::bench(sample_count = 20)]
fn current_reports(bencher: divan::Bencher) {
    let Some(store) = store() else { return };
    bencher.bench(|| {
        store
            .lock()
            .unwrap()
            .reports(&Filter::default())
            .unwrap()
            .len()
    });
}
