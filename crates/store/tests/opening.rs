//! Opening databases: a missing path, a read-only open, damaged files and reports,
//! writers at the same time, and PostgreSQL's failures (wrong password, no such
//! database, no server, a connection cut) in words the user can act on.
//!
//! The PostgreSQL tests need `GONGKAI_TEST_POSTGRES` (and `GONGKAI_TEST_POSTGRES_PASSWORD`
//! for the password test; both set by `.ci/postgres.sh`); with `GONGKAI_REQUIRE_POSTGRES`
//! set, a missing server is a failure, not a skip.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use gongkai_store::{AgencyInfo, Ingested, NewReport, Placement, Store, StoreError};

fn seed(stem: &str) -> gongkai_model::Report {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seeds");
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(stem))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    gongkai_parse::parse_text(&format!("{stem}.txt"), text)
        .unwrap()
        .report
}

fn ingested(stem: &str, hash: &str) -> Ingested {
    let report = seed(stem);
    let name = report.agency().unwrap().to_string();
    Ingested {
        path: format!("{stem}.txt"),
        hash: hash.into(),
        size: 1,
        outcome: Ok(NewReport {
            agency: Some(AgencyInfo {
                place: gongkai_gazetteer::place_agency(
                    gongkai_gazetteer::gazetteer().unwrap(),
                    &name,
                    &Default::default(),
                ),
                name,
                placement: Placement::Inferred,
            }),
            findings: Vec::new(),
            metrics: vec![("received".into(), Some(9.0))],
            signatures: Vec::new(),
            signed: None,
            encoded: None,
            report,
        }),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-open-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A database with the five seeds, closed.
fn seeded(dir: &Path) -> String {
    let path = dir.join("corpus.db").to_string_lossy().into_owned();
    let mut store = Store::open(&path).unwrap();
    let files = ["000", "001", "002", "003", "004"]
        .iter()
        .enumerate()
        .map(|(i, s)| ingested(s, &format!("h{i}")))
        .collect();
    store.write(files).unwrap();
    path
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn open_err(target: &str) -> StoreError {
    match Store::open_read_only(target) {
        Ok(_) => panic!("{target} opened"),
        Err(e) => e,
    }
}

#[test]
fn a_missing_database_is_refused_not_created() {
    let dir = temp_dir("missing");
    let path = dir.join("typo.db");
    let e = open_err(&path.to_string_lossy());
    assert!(matches!(e, StoreError::Missing(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "数据库不存在：{0}（先用 `gongkai ingest … --database {0}` 建立，或检查路径）",
            path.display()
        )
    );
    assert!(listing(&dir).is_empty(), "{:?}", listing(&dir));
    // A write command creates a database, but not the folders above it.
    let nested = dir.join("no-such-folder").join("c.db");
    let e = match Store::open(&nested.to_string_lossy()) {
        Ok(_) => panic!("opened under a missing folder"),
        Err(e) => e,
    };
    assert_eq!(
        e.to_string(),
        format!(
            "无法打开或创建数据库文件（所在文件夹不存在，或没有权限）：\
unable to open database file: {}",
            nested.display()
        )
    );
    // A folder is not a database either.
    assert!(matches!(
        open_err(&dir.to_string_lossy()),
        StoreError::Missing(_)
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reading_writes_nothing() {
    let dir = temp_dir("read-only");
    let path = seeded(&dir);
    let before_files = listing(&dir);
    assert_eq!(before_files, ["corpus.db"]);
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    {
        let mut store = Store::open_read_only(&path).unwrap();
        assert_eq!(store.counts().unwrap().reports, 5);
        let rows = store.reports(&Default::default()).unwrap();
        assert_eq!(rows.len(), 5);
        assert!(store.report(rows[0].id).unwrap().agency().is_some());
        // The connection itself cannot write.
        let e = store
            .query("DELETE FROM agencies", &[])
            .expect_err("a read-only store wrote");
        assert!(matches!(e, StoreError::ReadOnly { .. }), "{e:?}");
        assert!(e.to_string().starts_with("数据库只读，无法写入："), "{e}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    assert_eq!(listing(&dir), before_files);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_is_not_a_database_is_damaged() {
    let dir = temp_dir("garbage");
    let path = dir.join("c.db");
    std::fs::write(
        &path,
        b"this is a text file, not SQLite, long enough to have a header",
    )
    .unwrap();
    let p = path.to_string_lossy();
    let e = open_err(&p);
    assert!(matches!(e, StoreError::Damaged { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("数据库已损坏或不是 SQLite 数据库："),
        "{e}"
    );
    // A write command refuses it too, and leaves it as it was.
    assert!(matches!(Store::open(&p), Err(StoreError::Damaged { .. })));
    assert!(std::fs::read(&path).unwrap().starts_with(b"this is a text"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_database_with_damaged_pages_fails_the_check_on_open() {
    let dir = temp_dir("pages");
    let path = seeded(&dir);
    let mut bytes = std::fs::read(&path).unwrap();
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    assert_eq!(page, 4096);
    assert!(bytes.len() > 8 * page, "{}", bytes.len());
    // Scribble over one page past the schema: the header and the schema still read, so
    // only a check of the pages can tell. Not every page will do (a free page, an empty
    // table's), so pages from the middle on are tried until one is in use.
    let original = bytes.clone();
    let mut found = None;
    for p in (bytes.len() / 2 / page)..(bytes.len() / page) {
        bytes.copy_from_slice(&original);
        for b in &mut bytes[p * page + 8..(p + 1) * page] {
            *b = 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();
        if let Err(e) = Store::open_read_only(&path) {
            if e.to_string()
                .starts_with("数据库已损坏或不是 SQLite 数据库：完整性检查未通过：")
            {
                found = Some(e);
                break;
            }
        }
    }
    let e = found.expect("a page in use past the middle of the file");
    assert!(matches!(e, StoreError::Damaged { .. }), "{e:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_report_is_named_and_the_others_still_read() {
    let dir = temp_dir("report");
    let path = seeded(&dir);
    let id = {
        let mut store = Store::open(&path).unwrap();
        let rows = store
            .query("SELECT id FROM reports WHERE source = '002.txt'", &[])
            .unwrap();
        let id: i64 = rows[0].get("id").unwrap();
        store
            .query(
                "UPDATE reports SET report = $1 WHERE id = $2 RETURNING id",
                &[gongkai_store::Val::Bytes(vec![0xff, 0x00, 0x13]), id.into()],
            )
            .unwrap();
        id
    };
    let mut store = Store::open_read_only(&path).unwrap();
    let mut good = 0;
    for r in store.reports(&Default::default()).unwrap() {
        match store.report(r.id) {
            Ok(_) => good += 1,
            Err(e) => {
                assert_eq!(r.id, id);
                assert!(matches!(e, StoreError::ReportDamaged { .. }), "{e:?}");
                assert!(
                    e.to_string().starts_with(&format!(
                        "报告 #{id}（002.txt）的存储内容已损坏，无法读取：解压失败："
                    )),
                    "{e}"
                );
            }
        }
    }
    assert_eq!(good, 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_database_that_is_not_a_corpus_is_refused() {
    let dir = temp_dir("other");
    let path = dir.join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    let e = open_err(&path.to_string_lossy());
    assert!(matches!(e, StoreError::NotCorpus), "{e:?}");
    assert_eq!(
        e.to_string(),
        "不是 gongkai 语料库数据库（没有 schema_migrations 表）"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Four writers open a new database at the same moment (all four migrate it) and write
/// at once: each waits for the others instead of failing with "database is locked".
#[test]
fn sqlite_writers_at_the_same_time_wait_for_each_other() {
    let dir = temp_dir("writers");
    for round in 0..5 {
        let path = dir
            .join(format!("round{round}.db"))
            .to_string_lossy()
            .into_owned();
        let start = Arc::new(Barrier::new(4));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::spawn(move || -> Result<(), StoreError> {
                    start.wait();
                    let mut store = Store::open(&path)?;
                    for batch in 0..3 {
                        let stem = ["000", "001", "002", "003"][t];
                        store.write(vec![ingested(stem, &format!("t{t}-b{batch}"))])?;
                    }
                    Ok(())
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        let mut store = Store::open_read_only(&path).unwrap();
        assert_eq!(store.counts().unwrap().reports, 12);
        assert_eq!(store.schema_version().unwrap(), 10);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

/// The test server's URL, or `None` (a failure when the server is required).
fn postgres(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("GONGKAI_REQUIRE_POSTGRES").is_err(),
                "GONGKAI_REQUIRE_POSTGRES is set but {var} is not"
            );
            None
        }
    }
}

/// `url` with its path (the database name) replaced.
fn with_database(url: &str, db: &str) -> String {
    let slash = url.rfind('/').unwrap();
    format!("{}/{db}", &url[..slash])
}

fn open_rw_err(url: &str) -> StoreError {
    match Store::open(url) {
        Ok(_) => panic!("{url} opened"),
        Err(e) => e,
    }
}

#[test]
fn postgres_wrong_password_says_so_with_the_server_message() {
    let Some(url) = postgres("GONGKAI_TEST_POSTGRES_PASSWORD") else {
        return;
    };
    // The right password works: the server does check passwords for this role.
    Store::open_read_only(&url).map(drop).unwrap_or_else(|e| {
        // A new server has no tables yet; anything but an authentication error is fine.
        assert!(!matches!(e, StoreError::PgAuth { .. }), "{e}");
    });
    let (scheme_user, rest) = url.split_once('@').unwrap();
    let (scheme, user) = scheme_user.rsplit_once("//").unwrap();
    let user = user.split(':').next().unwrap();
    let wrong = format!("{scheme}//{user}:not-the-password@{rest}");
    let e = open_rw_err(&wrong);
    assert!(matches!(e, StoreError::PgAuth { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "PostgreSQL 认证失败（用户名或密码错误，或服务器不允许此用户从本机连接）：\
服务器消息：password authentication failed for user \"{user}\""
        )
    );
}

#[test]
fn postgres_missing_database_and_no_server() {
    let Some(url) = postgres("GONGKAI_TEST_POSTGRES") else {
        return;
    };
    let e = open_rw_err(&with_database(&url, "gongkai_no_such_database"));
    assert!(matches!(e, StoreError::PgNoDatabase { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "PostgreSQL 数据库不存在（请先 createdb，或检查连接串中的库名）：\
服务器消息：database \"gongkai_no_such_database\" does not exist"
    );
    // Port 1 on loopback: nothing listens there.
    let e = open_rw_err("postgres://gongkai@127.0.0.1:1/gongkai");
    assert!(matches!(e, StoreError::PgConnect { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(
            "无法连接 PostgreSQL 服务器（服务器未运行，或主机、端口有误）：Connection refused"
        ),
        "{e}"
    );
}

#[test]
fn postgres_connection_lost_is_named() {
    let Some(url) = postgres("GONGKAI_TEST_POSTGRES") else {
        return;
    };
    let schema = format!("t_{}_lost", std::process::id());
    let mut store = Store::open_postgres(&url, Some(&schema)).unwrap();
    let pid: i64 = store.query("SELECT pg_backend_pid() AS pid", &[]).unwrap()[0]
        .get("pid")
        .unwrap();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .execute("SELECT pg_terminate_backend($1)", &[&(pid as i32)])
        .unwrap();
    let e = store
        .counts()
        .expect_err("a terminated connection answered");
    assert!(matches!(e, StoreError::PgConnectionLost { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("与 PostgreSQL 服务器的连接已断开："),
        "{e}"
    );
    admin
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .unwrap();
}

/// Two first ingests into a new, empty database at once: the migrations take a lock,
/// so the second finds the tables the first made (before, it failed on a duplicate key
/// in pg_type).
#[test]
fn postgres_first_ingests_at_the_same_time() {
    let Some(url) = postgres("GONGKAI_TEST_POSTGRES") else {
        return;
    };
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for round in 0..3 {
        let name = format!("gongkai_race_{}_{round}", std::process::id());
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let target = with_database(&url, &name);
        let start = Arc::new(Barrier::new(3));
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let (target, start) = (target.clone(), start.clone());
                std::thread::spawn(move || -> Result<(), StoreError> {
                    start.wait();
                    let mut store = Store::open(&target)?;
                    store.write(vec![ingested(
                        ["000", "001", "002"][t],
                        &format!("pg-t{t}"),
                    )])?;
                    Ok(())
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        {
            let mut store = Store::open_read_only(&target).unwrap();
            assert_eq!(store.counts().unwrap().reports, 3);
            assert_eq!(store.schema_version().unwrap(), 10);
            // Read-only really is: the session refuses writes.
            let e = store.query("DELETE FROM agencies", &[]).unwrap_err();
            assert!(
                matches!(&e, StoreError::PgServer { code, .. } if code == "25006"),
                "{e:?}"
            );
        }
        admin
            .batch_execute(&format!("DROP DATABASE {name}"))
            .unwrap();
    }
}

/// Reading does not migrate: an older database is named as such (a write command
/// upgrades it), a newer one too.
#[test]
fn read_only_open_wants_this_programs_schema() {
    let dir = temp_dir("schema");
    let path = seeded(&dir);
    {
        let mut store = Store::open(&path).unwrap();
        store
            .query(
                "DELETE FROM schema_migrations WHERE version = 10 RETURNING version",
                &[],
            )
            .unwrap();
    }
    let e = open_err(&path);
    assert!(
        matches!(
            e,
            StoreError::Outdated {
                found: 9,
                needed: 10
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "数据库结构版本为 9，本程序需要 10：请先用写入命令（如 `gongkai ingest`）升级"
    );
    let newer = temp_dir("schema-newer");
    let path = seeded(&newer);
    {
        let mut store = Store::open(&path).unwrap();
        store
            .query(
                "INSERT INTO schema_migrations VALUES (99, 'future', 0) RETURNING version",
                &[],
            )
            .unwrap();
    }
    let e = open_err(&path);
    assert_eq!(
        e.to_string(),
        "数据库结构版本为 99，高于本程序支持的 10：请升级 gongkai"
    );
    // Nor does a write command use it.
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::Newer {
            found: 99,
            known: 10
        })
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&newer);
}
