//! The corpus commands end to end on SQLite: synth → ingest → score, history, summary,
//! compare, consolidate, export, agencies. (The storage layer is tested on both
//! backends in `gongkai-store` and `gongkai-corpus`.)

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value as Json;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_DATABASE")
        .output()
        .expect("run gongkai")
}

fn json(out: &Output) -> Json {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gongkai-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn synth_ingest_score_and_queries() {
    let dir = temp("synth");
    let corpus = dir.join("corpus");
    let db = dir.join("c.db");
    let (c, d) = (corpus.to_str().unwrap(), db.to_str().unwrap());
    let out = run(&["synth", "60", c, "--seed", "3", "--cross-error-rate", "0.3"]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_dir(&corpus).unwrap().count(),
        61,
        "60 reports and the answer key"
    );

    let v = json(&run(&["ingest", c, "--database", d, "--format", "json"]));
    assert_eq!(v["files"], 60);
    assert_eq!(v["stored"], 60);
    assert_eq!(v["corpus"]["current_reports"], 60);
    // Again: nothing to do.
    let v = json(&run(&["ingest", c, "--database", d, "--format", "json"]));
    assert_eq!(
        (v["stored"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(60))
    );

    let key = corpus.join("answer-key.jsonl");
    let out = run(&[
        "score",
        key.to_str().unwrap(),
        "--database",
        d,
        "--strict",
        "--format",
        "json",
    ]);
    let s = json(&out);
    assert_eq!(s["total"]["false_positives"], 0);
    assert_eq!(s["total"]["false_negatives"], 0);

    // History of the first agency: one row per year, oldest first.
    let first: Json = serde_json::from_str(
        std::fs::read_to_string(&key)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let agency = first["agency"].as_str().unwrap();
    let h = json(&run(&[
        "history",
        agency,
        "--database",
        d,
        "--format",
        "json",
    ]));
    let years: Vec<i64> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years[0], 2021);
    assert!(years.windows(2).all(|w| w[0] < w[1]), "{years:?}");

    let s = json(&run(&["summary", "--database", d, "--format", "json"]));
    assert_eq!(s["years"], serde_json::json!([2021, 2022, 2023, 2024]));
    let agencies = s["coverage"].as_array().unwrap().len();
    assert_eq!(s["metrics"].as_array().unwrap().len(), 60);
    let a = json(&run(&["agencies", "--database", d, "--format", "json"]));
    assert_eq!(a.as_array().unwrap().len(), agencies);

    // Exports: CSV with a BOM and the tidy header, JSON Lines one per report, XLSX a zip.
    let csv = dir.join("out.csv");
    assert!(
        run(&["export", "-o", csv.to_str().unwrap(), "--database", d])
            .status
            .success()
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}编号,机关,地区,层级,年度,版本号,来源,网址,表,行代码,"));
    assert!(run(&[
        "export",
        "-o",
        csv.to_str().unwrap(),
        "--database",
        d,
        "--english-headers"
    ])
    .status
    .success());
    let english = std::fs::read_to_string(&csv).unwrap();
    assert!(
        english.starts_with("\u{feff}id,agency,region,level,year,version,source,url,table,row,")
    );
    assert_eq!(
        english.split_once('\n').unwrap().1,
        text.split_once('\n').unwrap().1
    );
    let jsonl = dir.join("out.jsonl");
    assert!(run(&[
        "export",
        "-o",
        jsonl.to_str().unwrap(),
        "--database",
        d,
        "--year",
        "2021"
    ])
    .status
    .success());
    let lines = std::fs::read_to_string(&jsonl).unwrap();
    assert!(lines
        .lines()
        .all(|l| serde_json::from_str::<Json>(l).unwrap()["year"] == 2021));
    let xlsx = dir.join("out.xlsx");
    assert!(
        run(&["export", "-o", xlsx.to_str().unwrap(), "--database", d])
            .status
            .success()
    );
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compare_and_consolidate_files() {
    let seeds = root().join("examples/seeds");
    let file = |prefix: &str| {
        std::fs::read_dir(&seeds)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    let (a, b) = (file("000_"), file("002_"));
    let c = json(&run(&["compare", &a, &b, "--format", "json"]));
    let received = c["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["row"] == "new_received" && x["column"] == "total")
        .unwrap();
    assert_eq!(
        (received["a"].as_str(), received["b"].as_str()),
        (Some("9"), Some("1"))
    );
    // Two agencies: no cross-year rules.
    assert_eq!(c["cross_year"], serde_json::json!([]));

    let v = json(&run(&[
        "consolidate",
        &a,
        &b,
        "--name",
        "两个机关",
        "--format",
        "json",
    ]));
    assert_eq!(v["agency"], "两个机关");
    assert_eq!(v["requests"]["rows"]["new_received"][6], 10);
    assert_eq!(v["consolidation"]["inputs"].as_array().unwrap().len(), 2);
    // Nothing to sum is a clear error.
    let out = run(&["consolidate", "--database", "/nonexistent/dir/x.db"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Killed during the cross-report step (the test-only hook aborts the process once the
/// findings are computed, before they are stored): the reports are in the database, the
/// cross-report findings are not, and the database says so. Every later command that
/// shows them says so too, scoring refuses, and the next ingest recomputes.
#[test]
fn a_crash_during_the_cross_report_step_is_never_silent() {
    let dir = temp("crash");
    let corpus = dir.join("corpus");
    let db = dir.join("c.db");
    let (c, d) = (corpus.to_str().unwrap(), db.to_str().unwrap());
    assert!(
        run(&["synth", "24", c, "--seed", "5", "--cross-error-rate", "0.5"])
            .status
            .success()
    );
    let key = corpus.join("answer-key.jsonl");
    let key = key.to_str().unwrap();

    let crashed = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["ingest", c, "--database", d, "--format", "json"])
        .env_remove("GONGKAI_DATABASE")
        .env(gongkai_corpus::cross::ABORT_FOR_TESTS, "1")
        .output()
        .unwrap();
    assert!(!crashed.status.success());
    assert!(crashed.stdout.is_empty(), "nothing printed: it died first");

    let stale = "跨报告检查结果已过期（上次的跨报告检查没有完成，可能被中断）";
    let store_counts = |d: &str| {
        let mut store = gongkai_store::Store::open(d).unwrap();
        let counts = store.counts().unwrap();
        (
            counts.current_reports,
            counts.corpus_findings,
            store.cross_state().unwrap().stale,
        )
    };
    assert_eq!(store_counts(d), (24, 0, true));

    // Scoring would count the missing findings as misses: it refuses, and says why.
    let score = run(&["score", key, "--database", d, "--strict"]);
    assert_eq!(score.status.code(), Some(2));
    let err = String::from_utf8_lossy(&score.stderr);
    assert!(
        err.contains(&format!("gongkai: 无法评分：{stale}")),
        "{err}"
    );
    assert!(
        err.contains("再次运行 `gongkai ingest <文件或文件夹>`"),
        "{err}"
    );
    // An export goes ahead, with the warning.
    let csv = dir.join("out.csv");
    let export = run(&["export", "-o", csv.to_str().unwrap(), "--database", d]);
    assert!(export.status.success());
    let err = String::from_utf8_lossy(&export.stderr);
    assert!(err.contains(&format!("gongkai: 注意：{stale}")), "{err}");
    // So does an agency's history, which lists its cross-report findings.
    let first: Json = serde_json::from_str(
        std::fs::read_to_string(key)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let agency = first["agency"].as_str().unwrap();
    let history = run(&["history", agency, "--database", d]);
    assert!(history.status.success());
    let err = String::from_utf8_lossy(&history.stderr);
    assert!(err.contains(&format!("gongkai: 注意：{stale}")), "{err}");

    // The next ingest (no new file) recomputes, and says it did.
    let v = json(&run(&["ingest", c, "--database", d, "--format", "json"]));
    assert_eq!(
        (v["stored"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(24))
    );
    assert_eq!(v["cross"]["recomputed_stale"], true);
    let (reports, corpus_findings, stale_now) = store_counts(d);
    assert_eq!((reports, stale_now), (24, false));
    assert!(corpus_findings > 0);
    let human = run(&["ingest", c, "--database", d]);
    assert!(!String::from_utf8_lossy(&human.stdout).contains("上次的跨报告检查没有完成"));

    let s = json(&run(&[
        "score",
        key,
        "--database",
        d,
        "--strict",
        "--format",
        "json",
    ]));
    assert_eq!(s["total"]["false_positives"], 0);
    assert_eq!(s["total"]["false_negatives"], 0);
    assert!(
        s["rules"]["copied-text"]["true_positives"]
            .as_u64()
            .unwrap()
            > 0
    );
    let export = run(&["export", "-o", csv.to_str().unwrap(), "--database", d]);
    assert!(!String::from_utf8_lossy(&export.stderr).contains(stale));
    let history = run(&["history", agency, "--database", d]);
    assert!(
        history.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&history.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Ingest reports what it could not read on stderr and goes on; `gongkai failures`
/// lists those paths with their kind and reason until they are read as reports.
#[test]
fn ingest_failures_are_listed() {
    let dir = temp("failures");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let db = dir.join("c.db");
    let d = db.to_str().unwrap();
    std::fs::copy(
        root().join("examples/seeds/002_d134efd7659efa26.txt"),
        corpus.join("002.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/dev/zero", corpus.join("zero.txt")).unwrap();
    let pdf =
        std::fs::read(root().join("crates/pdf/tests/data/pingtan_zone_2024-docx.lo.pdf")).unwrap();
    let cut = corpus.join("cut.pdf");
    std::fs::write(&cut, &pdf[..pdf.len() / 2]).unwrap();

    let out = run(&["ingest", corpus.to_str().unwrap(), "--database", d]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    let cut_error = format!(
        "{}: PDF文件不完整（缺少文件结束标记%%EOF；可能下载未完成或被截断），无法读取",
        cut.display()
    );
    let zero_error = format!(
        "{}: 不是普通文件（字符设备），不读取",
        corpus.join("zero.txt").display()
    );
    assert_eq!(
        e.lines().collect::<Vec<_>>(),
        [
            format!("无法读取：{cut_error}"),
            format!("无法读取：{zero_error}")
        ]
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.starts_with(
            "3 个文件：新增 1 份报告，新版本 0 份，同一报告的另一来源 0 个，未变 0 个，失败 2 个"
        ),
        "{s}"
    );

    let out = run(&["failures", "--database", d]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "文件不完整    {cut_error}\n不是普通文件  {zero_error}\n\
             共 2 个未能读取的文件或文件夹：不是普通文件 1 个，文件不完整 1 个\n"
        )
    );
    // The download finished: the file is read, and no longer listed.
    std::fs::write(&cut, &pdf).unwrap();
    let out = run(&["ingest", corpus.to_str().unwrap(), "--database", d]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the link to /dev/zero is still there"
    );
    let v = json(&run(&["failures", "--database", d, "--format", "json"]));
    let listed: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["error"].as_str().unwrap()))
        .collect();
    assert_eq!(listed, [("not_regular_file", zero_error.as_str())]);
    std::fs::remove_dir_all(&dir).ok();
}

/// `summary` says how much of the current reports was read: the five seeds are read whole
/// but for seed 001, whose inferred cells are doubts.
#[test]
fn summary_counts_reports_by_reading_status() {
    let dir = std::env::temp_dir().join(format!("gongkai-reading-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("c.db");
    let d = db.to_str().unwrap();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    assert!(run(&["ingest", seeds.to_str().unwrap(), "--database", d])
        .status
        .success());
    let s = json(&run(&["summary", "--database", d, "--format", "json"]));
    assert_eq!(
        s["reading"],
        serde_json::json!({"whole": 4, "with_doubts": 1, "partial": 0, "unknown": 0})
    );
    let human = run(&["summary", "--database", d]);
    assert!(String::from_utf8_lossy(&human.stdout)
        .contains("读取情况（当前版本）：完整读取 4，读取存疑 1，部分未能读取 0；"));
    let _ = std::fs::remove_dir_all(&dir);
}
