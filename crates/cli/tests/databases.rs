//! The corpus commands against databases that are not as they should be: a mistyped
//! path, a read-only file, damaged pages or reports, two ingests at once — and the
//! smaller promises of `summary`, `history`, `check` and `agencies` on the seeds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seeds() -> String {
    root().join("examples/seeds").to_string_lossy().into_owned()
}

fn gongkai() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.env_remove("GONGKAI_DATABASE");
    c
}

fn run(args: &[&str]) -> Output {
    gongkai().args(args).output().expect("run gongkai")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gongkai-db-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The five seeds ingested into `dir/c.db`.
fn seeded(dir: &Path) -> String {
    let db = dir.join("c.db").to_string_lossy().into_owned();
    let out = run(&["ingest", &seeds(), "--database", &db, "--no-progress"]);
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_mistyped_database_is_refused_by_every_read_command() {
    let dir = temp("missing");
    let db = dir.join("typo.db");
    let d = db.to_str().unwrap();
    let csv = dir.join("out.csv");
    let key = root().join("examples/seeds/answer-key.jsonl");
    let commands: [Vec<&str>; 7] = [
        vec!["summary"],
        vec!["history", "辉县市人民政府"],
        vec!["export", "-o", csv.to_str().unwrap()],
        vec!["agencies"],
        vec!["score", key.to_str().unwrap()],
        vec!["consolidate", "--year", "2021"],
        vec!["compare", "#1", "#2"],
    ];
    for args in commands {
        let mut all = args.clone();
        all.extend(["--database", d]);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "数据库不存在：{d}（先用 `gongkai ingest … --database {d}` 建立，或检查路径）"
            )),
            "{args:?}: {err}"
        );
        assert!(
            listing(&dir).is_empty(),
            "{args:?} left {:?}",
            listing(&dir)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A database in a read-only folder, itself read-only. As root, permissions do not stop
/// writes, so the commands run as the unprivileged user `nobody` (uid 65534) via
/// `setpriv`; an `ingest` in the same setting must fail, which shows the setting is
/// really read-only.
#[test]
fn a_read_only_database_can_be_read() {
    let dir = temp("read-only");
    let db = seeded(&dir);
    assert_eq!(listing(&dir), ["c.db"], "an idle database is one file");
    let out_dir = temp("read-only-out");
    let csv = out_dir.join("out.csv");
    std::fs::set_permissions(&db, std::os::unix::fs::PermissionsExt::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    std::fs::set_permissions(
        &out_dir,
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let root_user = unsafe_is_root();
    // The user `nobody` may not be able to enter the checkout (a clone under /root):
    // the binary and a seed it runs on are copied to a folder anyone can read.
    let tools = temp("read-only-tools");
    let binary = tools.join("gongkai");
    std::fs::copy(env!("CARGO_BIN_EXE_gongkai"), &binary).unwrap();
    let seed = tools.join("seed.txt");
    std::fs::copy(
        root().join("examples/seeds/001_80982073e3dd5082.txt"),
        &seed,
    )
    .unwrap();
    let as_reader = |args: &[&str]| -> Output {
        let mut c = if root_user {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&binary);
            c
        } else {
            Command::new(&binary)
        };
        c.args(args)
            .env_remove("GONGKAI_DATABASE")
            .current_dir(&tools)
            .output()
            .expect("run gongkai")
    };
    let out = as_reader(&["summary", "--database", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("覆盖情况：5 个机关 × 2 个年度（2021–2022）"),
        "{}",
        stdout(&out)
    );
    let out = as_reader(&["history", "辉县市人民政府", "--database", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = as_reader(&["agencies", "--database", &db, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = as_reader(&["export", "-o", csv.to_str().unwrap(), "--database", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("已导出 5 份报告到 {}\n", csv.display())
    );
    // The setting is really read-only: a write command fails, saying so.
    let out = as_reader(&[
        "ingest",
        seed.to_str().unwrap(),
        "--database",
        &db,
        "--no-progress",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("只读"), "{}", stderr(&out));
    assert_eq!(listing(&dir), ["c.db"]);
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out_dir);
    let _ = std::fs::remove_dir_all(&tools);
}

/// Whether this process runs as root (uid 0), read from /proc to need no libc.
fn unsafe_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().next())
        == Some("0")
}

#[test]
fn damaged_pages_stop_summary_with_exit_2() {
    let dir = temp("pages");
    let db = seeded(&dir);
    // A page of a b-tree in use (the root of the sections' texts, which no command here
    // reads), not one that only carries part of a long value, which the structural
    // check does not read.
    let root: i64 = {
        let mut store = gongkai_store::Store::open(&db).unwrap();
        let rows = store
            .query(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'section_texts'",
                &[],
            )
            .unwrap();
        rows[0].get("rootpage").unwrap()
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let at = (root as usize - 1) * 4096;
    for b in &mut bytes[at + 8..at + 4096] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = run(&["summary", "--database", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "gongkai: 无法打开数据库 {db}：数据库已损坏或不是 SQLite 数据库：完整性检查未通过："
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
    // An export says so too, and still writes every report it can read (here all five:
    // the damaged page holds none of them).
    let jsonl = dir.join("out.jsonl");
    let out = run(&["export", "-o", jsonl.to_str().unwrap(), "--database", &db]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "已导出 5 份报告到 {}\ngongkai: 数据库已损坏或不是 SQLite 数据库：完整性检查未通过：",
            jsonl.display()
        )),
        "{err}"
    );
    assert!(err.ends_with("gongkai: 已导出能读出的全部报告；请从备份恢复数据库，或重新 ingest\n"));
    assert_eq!(std::fs::read_to_string(&jsonl).unwrap().lines().count(), 5);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_writes_the_good_reports_and_names_the_damaged_one() {
    let dir = temp("report");
    let db = seeded(&dir);
    assert_eq!(damage_report(&db, "辉县市人民政府"), 1);
    let out_file = dir.join("out.jsonl");
    let out = run(&[
        "export",
        "-o",
        out_file.to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let lines = std::fs::read_to_string(&out_file).unwrap();
    let agencies: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Json>(l).unwrap()["agency"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(agencies.len(), 4);
    assert!(
        !agencies.iter().any(|a| a == "辉县市人民政府"),
        "{agencies:?}"
    );
    let err = stderr(&out);
    let source = root().join("examples/seeds/001_80982073e3dd5082.txt");
    assert!(
        err.starts_with(&format!(
            "已导出 4 份报告到 {}\ngongkai: 1 份报告的存储内容已损坏，未导出：\n  报告 #",
            out_file.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "（{}）的存储内容已损坏，无法读取：解压失败：",
            source.display()
        )),
        "{err}"
    );
    // The workbook too.
    let xlsx = dir.join("out.xlsx");
    let out = run(&["export", "-o", xlsx.to_str().unwrap(), "--database", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
    assert!(!dir.join("out.xlsx.part").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Overwrites the stored report of `agency` with bytes that do not inflate; returns how
/// many reports were damaged.
fn damage_report(db: &str, agency: &str) -> usize {
    let mut store = gongkai_store::Store::open(db).unwrap();
    let rows = store
        .query(
            "UPDATE reports SET report = $1 WHERE printed_agency = $2 RETURNING id",
            &[
                gongkai_store::Val::Bytes(vec![0xff, 0x00, 0x13]),
                agency.into(),
            ],
        )
        .unwrap();
    rows.len()
}

/// Two ingests into one new SQLite database at the same moment: both succeed (each
/// waits for the other's write lock), and the corpus holds both sets.
#[test]
fn two_sqlite_ingests_at_once_both_succeed() {
    let dir = temp("concurrent");
    let synth = dir.join("synth");
    let out = run(&["synth", "24", synth.to_str().unwrap(), "--seed", "5"]);
    assert!(out.status.success());
    for round in 0..3 {
        let db = dir.join(format!("c{round}.db"));
        let d = db.to_str().unwrap();
        let spawn = |path: &str| {
            gongkai()
                .args([
                    "ingest",
                    path,
                    "--database",
                    d,
                    "--no-progress",
                    "--format",
                    "json",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn(&seeds());
        let b = spawn(synth.to_str().unwrap());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success(), "round {round}: {}", stderr(&a));
        assert!(b.status.success(), "round {round}: {}", stderr(&b));
        let s: Json =
            serde_json::from_slice(&run(&["agencies", "--database", d, "--format", "json"]).stdout)
                .unwrap();
        let years: usize = s
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["years"].as_array().unwrap().len())
            .sum();
        assert_eq!(years, 5 + 24, "round {round}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn summary_ranks_the_year_asked_for() {
    let dir = temp("year");
    let db = seeded(&dir);
    let json = |args: &[&str]| -> Json {
        let out = run(args);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let latest = json(&["summary", "--database", &db, "--format", "json"]);
    let years: Vec<i64> = latest["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2022, 2022, 2022]);
    let v = json(&[
        "summary",
        "--database",
        &db,
        "--format",
        "json",
        "--year",
        "2021",
        "--min-agencies",
        "1",
        "--min-denominator",
        "0",
    ]);
    let ranking = &v["rankings"][0];
    assert_eq!(ranking["year"], 2021);
    assert_eq!(ranking["metric"], "disclosure_rate");
    // The four 2021 seeds, not the 2022 one.
    let ranked: Vec<&str> = ranking["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["agency"].as_str().unwrap())
        .collect();
    assert!(!ranked.contains(&"涧西区人民政府办公室"), "{ranked:?}");
    assert_eq!(
        ranked.len(),
        ranking["qualified"].as_u64().unwrap() as usize
    );
    // Counts are integers in JSON; rates are numbers.
    let received = &v["metrics"][0]["metrics"]["received"];
    assert!(received.is_i64() || received.is_null(), "{received}");
    assert!(v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| !m["metrics"]["processed"].is_f64()));
    let out = run(&["summary", "--database", &db, "--year", "2030"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "gongkai: 语料库中没有 2030 年度的报告（现有年度：2021–2022）\n"
    );
    let h = json(&[
        "history",
        "辉县市人民政府",
        "--database",
        &db,
        "--format",
        "json",
    ]);
    assert_eq!(
        h[0]["received"].to_string(),
        h[0]["received"].as_i64().unwrap().to_string()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_reads_a_folder_like_ingest() {
    let mut files: Vec<String> = std::fs::read_dir(root().join("examples/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut by_file = vec!["check", "--color", "never"];
    by_file.extend(files.iter().map(String::as_str));
    let a = run(&by_file);
    let b = run(&["check", "--color", "never", &seeds()]);
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(b.status.code(), Some(1));
    assert_eq!(stdout(&a), stdout(&b));
    assert!(stdout(&b)
        .ends_with("共 5 个文件：32 个错误，1 个警告，0 个提示（文档问题 32，识别存疑 1）\n"));
    let empty = temp("empty-folder");
    // A folder without reports is an unreadable input; the other inputs are checked.
    let first = &files[0];
    let out = run(&["check", "--color", "never", empty.to_str().unwrap(), first]);
    assert_eq!(out.status.code(), Some(2));
    // The unreadable input is said on stderr (and counted), the report on stdout.
    assert!(
        stderr(&out).starts_with(&format!(
            "无法读取：{}：文件夹中没有报告文件（扩展名：txt、",
            empty.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains(&format!("{first}：瀍河回族区人民政府办公室 2021年")));
    let _ = std::fs::remove_dir_all(&empty);
}

/// A mapping file with a bad row changes nothing; in GBK it reads like UTF-8.
#[test]
fn agencies_mapping_all_or_nothing_and_gbk() {
    let dir = temp("mapping");
    let db = seeded(&dir);
    let list = || -> Json {
        serde_json::from_slice(&run(&["agencies", "--database", &db, "--format", "json"]).stdout)
            .unwrap()
    };
    let before = list();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "名称,地区,层级\n辉县市人民政府,新乡市辉县市,县\n清河县人民政府办公室,,省级\n",
    )
    .unwrap();
    let out = run(&[
        "agencies",
        "--database",
        &db,
        "--mapping",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "gongkai: 对照表 {} 有 1 处错误，未应用任何更正：\n  第 3 行：层级“省级”不是 省、市、县、区、乡镇、街道、部门 之一\n",
            bad.display()
        )
    );
    assert_eq!(list(), before);
    // The good row alone, saved by Excel in GBK.
    let good = dir.join("good.csv");
    let (gbk, _, unmappable) =
        encoding_rs::GBK.encode("名称,地区,层级\n辉县市人民政府,新乡市辉县市,县\n");
    assert!(!unmappable && std::str::from_utf8(&gbk).is_err());
    std::fs::write(&good, &gbk).unwrap();
    let out = run(&[
        "agencies",
        "--database",
        &db,
        "--mapping",
        good.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after: Json = serde_json::from_slice(&out.stdout).unwrap();
    let h = after
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == "辉县市人民政府")
        .unwrap();
    assert_eq!(
        (
            h["region"].as_str(),
            h["code"].as_str(),
            h["level"].as_str()
        ),
        (Some("河南省新乡市辉县市"), Some("410782"), Some("县"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two first `gongkai ingest` runs into one new, empty PostgreSQL database at once: the
/// migrations take a lock, so neither fails on the other's half-made tables. Needs
/// `GONGKAI_TEST_POSTGRES` (a failure, not a skip, with `GONGKAI_REQUIRE_POSTGRES`).
#[test]
fn two_postgres_first_ingests_at_once_both_succeed() {
    let Ok(url) = std::env::var("GONGKAI_TEST_POSTGRES") else {
        assert!(
            std::env::var("GONGKAI_REQUIRE_POSTGRES").is_err(),
            "GONGKAI_REQUIRE_POSTGRES is set but GONGKAI_TEST_POSTGRES is not"
        );
        return;
    };
    let dir = temp("pg-concurrent");
    let synth = dir.join("synth");
    assert!(
        run(&["synth", "12", synth.to_str().unwrap(), "--seed", "7"])
            .status
            .success()
    );
    let mut admin = gongkai_store::Store::open(&url).unwrap();
    for round in 0..2 {
        let name = format!("gongkai_cli_race_{}_{round}", std::process::id());
        admin
            .query(&format!("DROP DATABASE IF EXISTS {name}"), &[])
            .unwrap();
        admin
            .query(&format!("CREATE DATABASE {name}"), &[])
            .unwrap();
        let target = format!("{}/{name}", &url[..url.rfind('/').unwrap()]);
        let spawn = |path: &str| {
            gongkai()
                .args(["ingest", path, "--database", &target, "--no-progress"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn(&seeds());
        let b = spawn(synth.to_str().unwrap());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success(), "round {round}: {}", stderr(&a));
        assert!(b.status.success(), "round {round}: {}", stderr(&b));
        let v: Json = serde_json::from_slice(
            &run(&["summary", "--database", &target, "--format", "json"]).stdout,
        )
        .unwrap();
        assert_eq!(
            v["metrics"].as_array().unwrap().len(),
            5 + 12,
            "round {round}"
        );
        admin.query(&format!("DROP DATABASE {name}"), &[]).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A wrong PostgreSQL password: the command says so in Chinese with the server's own
/// message, and does not print the password. Needs `GONGKAI_TEST_POSTGRES_PASSWORD` (a
/// role that must give a password, made by `.ci/postgres.sh`).
#[test]
fn a_wrong_postgres_password_is_named() {
    let Ok(url) = std::env::var("GONGKAI_TEST_POSTGRES_PASSWORD") else {
        assert!(
            std::env::var("GONGKAI_REQUIRE_POSTGRES").is_err(),
            "GONGKAI_REQUIRE_POSTGRES is set but GONGKAI_TEST_POSTGRES_PASSWORD is not"
        );
        return;
    };
    let (scheme_user, host) = url.split_once('@').unwrap();
    let user = scheme_user
        .trim_start_matches("postgres://")
        .split(':')
        .next()
        .unwrap();
    let wrong = format!("postgres://{user}:wrong-password@{host}");
    for args in [vec!["summary"], vec!["ingest", "examples/seeds"]] {
        let mut all = args.clone();
        all.extend(["--database", &wrong]);
        let out = gongkai().args(&all).current_dir(root()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out),
            format!(
                "gongkai: 无法打开数据库 postgres://{user}:***@{host}：PostgreSQL 认证失败\
（用户名或密码错误，或服务器不允许此用户从本机连接）：服务器消息：\
password authentication failed for user \"{user}\"\n"
            ),
            "{args:?}"
        );
    }
}
