//! `gongkai ingest --enqueue` and `--worker`: the ingest as a job queue in the database.
//! Two worker processes on PostgreSQL over a synthetic corpus, one killed with SIGKILL
//! in the middle of a job and started again: every file is stored exactly once and the
//! findings score 100 %. And one worker on SQLite. The PostgreSQL test needs
//! `GONGKAI_TEST_POSTGRES` (a failure, not a skip, with `GONGKAI_REQUIRE_POSTGRES`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use gongkai_store::Store;
use serde_json::Value as Json;

fn gongkai() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.env_remove("GONGKAI_DATABASE");
    c
}

fn run(args: &[&str]) -> Output {
    gongkai().args(args).output().expect("run gongkai")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gongkai-workers-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `gongkai synth 300 DIR --seed 3`: the report files (sorted) and the answer key.
fn synth(dir: &Path) -> (Vec<PathBuf>, PathBuf) {
    let out = run(&["synth", "300", dir.to_str().unwrap(), "--seed", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "answer-key.jsonl")
        .collect();
    files.sort();
    assert_eq!(files.len(), 300);
    (files, dir.join("answer-key.jsonl"))
}

fn enqueue(dir: &Path, db: &str, chunk: &str) -> Json {
    let out = run(&[
        "ingest",
        "--enqueue",
        dir.to_str().unwrap(),
        "--database",
        db,
        "--chunk",
        chunk,
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A worker process with a short lease (a killed worker's job is taken over soon).
fn spawn_worker(db: &str) -> Child {
    gongkai()
        .args([
            "ingest",
            "--worker",
            "--until-empty",
            "--database",
            db,
            "--lease",
            "2",
            "--batch",
            "10",
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finished(child: Child) -> Json {
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn count(store: &mut Store, sql: &str) -> i64 {
    store.query(sql, &[]).unwrap()[0].get::<i64>("n").unwrap()
}

/// Every synthetic file stored exactly once, every job done, and the findings scored
/// 100 % against the key.
fn assert_stored_once(store: &mut Store, db: &str, files: &[PathBuf], key: &Path) {
    let n = files.len() as i64;
    assert_eq!(count(store, "SELECT COUNT(*) AS n FROM reports"), n);
    assert_eq!(
        count(store, "SELECT COUNT(DISTINCT hash) AS n FROM reports"),
        n,
        "no report stored twice"
    );
    assert_eq!(count(store, "SELECT COUNT(*) AS n FROM files"), n);
    assert_eq!(
        count(store, "SELECT COUNT(DISTINCT path) AS n FROM files"),
        n,
        "each path once"
    );
    let mut paths: Vec<String> = store
        .query("SELECT path FROM files ORDER BY path", &[])
        .unwrap()
        .into_iter()
        .map(|r| r.get::<String>("path").unwrap())
        .collect();
    paths.sort();
    let expected: Vec<String> = files
        .iter()
        .map(|p| std::path::absolute(p).unwrap().display().to_string())
        .collect();
    assert_eq!(paths, expected, "stored by absolute path, every file");
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) AS n FROM jobs WHERE status <> 'done'"
        ),
        0
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'ingest-cross'"
        ),
        1,
        "the cross-report step ran once, after the files"
    );
    assert!(!store.cross_state().unwrap().stale);
    let out = run(&[
        "score",
        key.to_str().unwrap(),
        "--database",
        db,
        "--strict",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s: Json = serde_json::from_slice(&out.stdout).unwrap();
    let total = &s["total"];
    let tp = total["true_positives"].as_u64().unwrap();
    assert!(tp > 50, "{s}");
    assert_eq!(
        (
            total["false_positives"].as_u64(),
            total["false_negatives"].as_u64()
        ),
        (Some(0), Some(0)),
        "precision and recall 1.0"
    );
    assert_eq!(s["reports"], 300);
    assert_eq!(s["not_in_corpus"], serde_json::json!([]));
}

/// The results a job has kept, and the worker on it.
fn job_states(store: &mut Store) -> Vec<(i64, String, usize, usize, Option<String>)> {
    store
        .query(
            "SELECT id, status, payload FROM jobs WHERE kind = 'ingest-files' ORDER BY id",
            &[],
        )
        .unwrap()
        .into_iter()
        .map(|r| {
            let p: Json = serde_json::from_str(&r.get::<String>("payload").unwrap()).unwrap();
            let kept = p["results"]
                .as_array()
                .map_or(0, |a| a.iter().filter(|x| !x.is_null()).count());
            (
                r.get("id").unwrap(),
                r.get("status").unwrap(),
                kept,
                p["files"].as_array().unwrap().len(),
                p["worker"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn two_postgres_workers_one_killed_store_every_file_once() {
    let Ok(url) = std::env::var("GONGKAI_TEST_POSTGRES") else {
        assert!(
            std::env::var("GONGKAI_REQUIRE_POSTGRES").is_err(),
            "GONGKAI_REQUIRE_POSTGRES is set but GONGKAI_TEST_POSTGRES is not"
        );
        return;
    };
    let dir = temp("pg");
    let corpus = dir.join("corpus");
    let (files, key) = synth(&corpus);
    let name = format!("gongkai_workers_{}", std::process::id());
    let mut admin = Store::open(&url).unwrap();
    admin
        .query(&format!("DROP DATABASE IF EXISTS {name}"), &[])
        .unwrap();
    admin
        .query(&format!("CREATE DATABASE {name}"), &[])
        .unwrap();
    let db = format!("{}/{name}", &url[..url.rfind('/').unwrap()]);

    let q = enqueue(&corpus, &db, "30");
    assert_eq!(
        (q["files"].as_u64(), q["jobs"].as_u64()),
        (Some(300), Some(10))
    );
    // Queued again: nothing new (every path is in a queued job).
    let q = enqueue(&corpus, &db, "30");
    assert_eq!(
        (
            q["files"].as_u64(),
            q["jobs"].as_u64(),
            q["skipped"].as_u64()
        ),
        (Some(0), Some(0), Some(300))
    );

    let mut store = Store::open(&db).unwrap();
    let mut a = spawn_worker(&db);
    let b = spawn_worker(&db);
    let a_name = format!("{}", a.id());
    // Killed in the middle of a job of its own: some of the job's batches committed,
    // not all.
    let started = Instant::now();
    let killed_job = loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "worker A never was in the middle of a job: {:?}",
            job_states(&mut store)
        );
        let mid = job_states(&mut store)
            .into_iter()
            .find(|(_, status, kept, total, worker)| {
                status == "running"
                    && *kept > 0
                    && kept < total
                    && worker
                        .as_deref()
                        .is_some_and(|w| w.rsplit(':').next() == Some(a_name.as_str()))
            });
        if let Some((id, _, kept, _, _)) = mid {
            break (id, kept);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    a.kill().unwrap(); // SIGKILL
    a.wait().unwrap();
    // Started again; it and B share what is left, the killed job taken over once its
    // lease has passed.
    let a2 = spawn_worker(&db);
    let (ra, rb) = (finished(a2), finished(b));
    assert_eq!(
        ra["taken_over"].as_u64().unwrap() + rb["taken_over"].as_u64().unwrap(),
        1,
        "{ra} {rb}"
    );
    assert_eq!(
        ra["cross_runs"].as_u64().unwrap() + rb["cross_runs"].as_u64().unwrap(),
        1
    );
    let (id, kept_before) = killed_job;
    let job = store.job(id).unwrap().unwrap();
    assert_eq!(
        job.payload["attempts"], 2,
        "taken over once: {}",
        job.payload
    );
    assert!(
        job.payload["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| !r.is_null()),
        "{}",
        job.payload
    );
    // The files the killed worker committed were not read again by the one that took
    // the job over (those whose batch committed after the last look above, or whose
    // results the killed worker had no time to keep, are skipped by their hash:
    // "unchanged", at most a batch).
    let sum = |k: &str| ra[k].as_u64().unwrap() + rb[k].as_u64().unwrap();
    assert!(sum("resumed") >= kept_before as u64, "{ra} {rb}");
    assert!(sum("unchanged") <= 10, "{ra} {rb}");
    assert_stored_once(&mut store, &db, &files, &key);

    // Nothing left: another worker finds nothing to do and says so with 0.
    let again = finished(spawn_worker(&db));
    assert_eq!(
        (again["jobs"].as_u64(), again["cross_runs"].as_u64()),
        (Some(0), Some(0))
    );
    drop(store);
    admin.query(&format!("DROP DATABASE {name}"), &[]).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_sqlite_worker_stores_every_file_once() {
    let dir = temp("sqlite");
    let corpus = dir.join("corpus");
    let (files, key) = synth(&corpus);
    let db = dir.join("c.db").display().to_string();
    let q = enqueue(&corpus, &db, "200");
    assert_eq!(
        (q["files"].as_u64(), q["jobs"].as_u64()),
        (Some(300), Some(2))
    );
    let out = gongkai()
        .args(["ingest", "--worker", "--until-empty", "--database", &db])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("SQLite 同一时间只有一个写入者"),
        "the worker says SQLite keeps one writer: {said}"
    );
    assert!(
        said.contains("任务 #1 完成：200 个文件：新增 200 份报告"),
        "{said}"
    );
    assert!(
        said.contains("任务 #2 完成：100 个文件：新增 100 份报告"),
        "{said}"
    );
    let mut store = Store::open(&db).unwrap();
    assert_stored_once(&mut store, &db, &files, &key);

    // Queued again once read: nothing is queued; a file changed since is.
    let q = enqueue(&corpus, &db, "200");
    assert_eq!(
        (q["files"].as_u64(), q["skipped"].as_u64()),
        (Some(0), Some(300))
    );
    let changed = &files[0];
    let mut bytes = std::fs::read(changed).unwrap();
    bytes.extend_from_slice("\n".as_bytes());
    std::fs::write(changed, bytes).unwrap();
    let q = enqueue(&corpus, &db, "200");
    assert_eq!(
        (q["files"].as_u64(), q["skipped"].as_u64()),
        (Some(1), Some(299))
    );
    let out = gongkai()
        .args([
            "ingest",
            "--worker",
            "--until-empty",
            "--database",
            &db,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["jobs"].as_u64(),
            v["files"].as_u64(),
            v["new_versions"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{v}"
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Bad combinations are refused before anything is done.
#[test]
fn enqueue_takes_no_reading_options_and_a_worker_no_paths() {
    let dir = temp("refused");
    let db = dir.join("c.db").display().to_string();
    let out = run(&[
        "ingest",
        "--enqueue",
        "examples",
        "--database",
        &db,
        "--select",
        "A",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--enqueue 只把文件排队，由 --worker 进程读取"),
        "{}",
        text(&out.stderr)
    );
    assert!(!Path::new(&db).exists(), "nothing created");
    let out = run(&["ingest", "--worker", "examples", "--database", &db]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["ingest", "--enqueue", "--worker", "--database", &db]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
