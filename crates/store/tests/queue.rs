//! The ingest queue under concurrency: workers claiming at the same moment, each from
//! its own connection, never get the same job. On PostgreSQL (`FOR UPDATE SKIP
//! LOCKED`) when `GONGKAI_TEST_POSTGRES` names a server — a failure, not a skip, with
//! `GONGKAI_REQUIRE_POSTGRES` — and on SQLite (one writer at a time).

use std::collections::HashSet;
use std::sync::Barrier;

use gongkai_store::{Actor, QueuedFile, Store, KIND_INGEST_FILES};

const JOBS: usize = 120;
const WORKERS: usize = 4;

/// `WORKERS` threads start claiming at once (a barrier) until the queue is empty;
/// every claim of every round is checked.
fn race(open: &(dyn Fn() -> Store + Sync)) {
    let mut store = open();
    let files: Vec<QueuedFile> = (0..JOBS)
        .map(|i| QueuedFile {
            path: format!("/corpus/{i:04}.txt"),
            size: 1,
            modified: 0,
        })
        .collect();
    let queued = store.enqueue_files(files, 1, &Actor::system()).unwrap();
    assert_eq!(queued.jobs, JOBS);
    let start = Barrier::new(WORKERS);
    let claimed: Vec<Vec<(i64, String)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = open();
                    start.wait();
                    let mut got = Vec::new();
                    while let Some(j) = mine.claim_job(KIND_INGEST_FILES).unwrap() {
                        let path = j.payload["files"][0]["path"].as_str().unwrap().to_string();
                        got.push((j.job.id, path));
                    }
                    got
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let all: Vec<(i64, String)> = claimed.concat();
    let ids: HashSet<i64> = all.iter().map(|(id, _)| *id).collect();
    let paths: HashSet<&str> = all.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(all.len(), JOBS, "every job claimed once, none twice");
    assert_eq!(ids.len(), JOBS);
    assert_eq!(paths.len(), JOBS);
    assert_eq!(
        ids,
        queued.job_ids.iter().copied().collect::<HashSet<_>>(),
        "exactly the jobs queued"
    );
    // More than one worker took part (the claims were concurrent, not one drain).
    assert!(
        claimed.iter().filter(|c| !c.is_empty()).count() > 1,
        "{:?}",
        claimed.iter().map(Vec::len).collect::<Vec<_>>()
    );
    let counts = store.queue_counts(KIND_INGEST_FILES).unwrap();
    assert_eq!((counts.queued, counts.running), (0, JOBS as i64));
}

#[test]
fn concurrent_claims_on_postgres_never_return_the_same_job() {
    let Ok(url) = std::env::var("GONGKAI_TEST_POSTGRES") else {
        assert!(
            std::env::var("GONGKAI_REQUIRE_POSTGRES").is_err(),
            "GONGKAI_REQUIRE_POSTGRES is set but GONGKAI_TEST_POSTGRES names no server"
        );
        return;
    };
    let schema = format!("t_{}_queue_race", std::process::id());
    let mut first = Store::open_postgres(&url, Some(&schema)).unwrap();
    race(&|| Store::open_postgres(&url, Some(&schema)).unwrap());
    first
        .query(&format!("DROP SCHEMA {schema} CASCADE"), &[])
        .unwrap();
}

#[test]
fn concurrent_claims_on_sqlite_never_return_the_same_job() {
    let dir = std::env::temp_dir().join(format!("gongkai-queue-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("corpus.db").display().to_string();
    race(&|| Store::open(&path).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}
