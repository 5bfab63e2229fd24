//! Opening a database: for writing (created and migrated as needed) or for reading only
//! (nothing created, migrated or written), with the checks that a read-only open makes
//! of the file's pages and of the schema.

use std::collections::HashMap;

use crate::conn::{Postgres, Sqlite};
use crate::error::{self, BUSY_TIMEOUT_SECS};
use crate::{migrate, Backend, Store, StoreError};

/// The environment variable naming the database when `--database` is not given.
pub const DATABASE_ENV: &str = "GONGKAI_DATABASE";

/// The database used when neither `--database` nor [`DATABASE_ENV`] says otherwise.
pub const DEFAULT_DATABASE: &str = "gongkai.db";

/// Whether [`Store::open_read_only_with`] checks an SQLite file's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// `PRAGMA quick_check` when the file is at most [`QUICK_CHECK_MAX_BYTES`].
    CheckWhereCheap,
    Skip,
}

/// The largest SQLite file checked on a read-only open: about 0.2 s of checking.
pub const QUICK_CHECK_MAX_BYTES: u64 = 64 << 20;

/// What a `--database` value names.
enum Target<'a> {
    Postgres(&'a str),
    Sqlite(&'a str),
}

impl<'a> Target<'a> {
    fn of(target: &'a str) -> Target<'a> {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Target::Postgres(target)
        } else {
            Target::Sqlite(target.strip_prefix("sqlite:").unwrap_or(target))
        }
    }
}

/// Switches an SQLite database to WAL: readers (a summary, an export) then do not block
/// an ingest. The switch needs the database to itself, and when two processes open a new
/// database at once SQLite reports "database is locked" to one of them without waiting
/// (waiting could deadlock), so the switch is retried here until the busy timeout.
fn set_wal(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(BUSY_TIMEOUT_SECS);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl Store {
    /// Opens (creating and migrating as needed) the database `target`: a
    /// `postgres://` / `postgresql://` URL, or a path to an SQLite file
    /// (optionally written `sqlite:PATH`). For the commands that write.
    pub fn open(target: &str) -> Result<Store, StoreError> {
        match Target::of(target) {
            Target::Postgres(url) => Store::open_postgres(url, None),
            Target::Sqlite(path) => Store::open_sqlite(path),
        }
    }

    /// Opens an existing database for reading only: nothing is created, migrated or
    /// written (an SQLite file is opened read-only, so a read-only file or folder works,
    /// and a mistyped path is [`StoreError::Missing`] rather than a new empty database).
    /// An SQLite file up to [`QUICK_CHECK_MAX_BYTES`] is checked with `PRAGMA
    /// quick_check` first, so a damaged file is reported before a command reads part of
    /// it and answers as if all were well. Larger files are not: the check reads every
    /// page (1.2–3.2 s for the 436 MB database of 10,000 reports, against 0.1 s for a
    /// summary); damage met by a query is still an error ([`StoreError::Damaged`]).
    pub fn open_read_only(target: &str) -> Result<Store, StoreError> {
        Store::open_read_only_with(target, Integrity::CheckWhereCheap)
    }

    /// [`Store::open_read_only`], choosing whether to check the pages first: an export
    /// skips the check, reads report by report and leaves out the ones it cannot read.
    pub fn open_read_only_with(target: &str, integrity: Integrity) -> Result<Store, StoreError> {
        match Target::of(target) {
            Target::Postgres(url) => {
                let mut store = Store::connect_postgres(url, None)?;
                store.conn.batch("SET default_transaction_read_only = on")?;
                store.check_schema()?;
                Ok(store)
            }
            Target::Sqlite(path) => {
                if !std::path::Path::new(path).is_file() {
                    return Err(StoreError::Missing(path.to_string()));
                }
                let conn = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(std::time::Duration::from_secs(BUSY_TIMEOUT_SECS))?;
                let mut store = Store {
                    conn: Box::new(Sqlite(conn)),
                    agencies: HashMap::new(),
                };
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
                if integrity == Integrity::CheckWhereCheap && size <= QUICK_CHECK_MAX_BYTES {
                    store.integrity_check()?;
                }
                store.check_schema()?;
                Ok(store)
            }
        }
    }

    pub fn open_sqlite(path: &str) -> Result<Store, StoreError> {
        let conn = rusqlite::Connection::open(path)?;
        // The timeout first: a second ingest starting at the same moment must wait for
        // the first one's write lock, not fail at once.
        conn.busy_timeout(std::time::Duration::from_secs(BUSY_TIMEOUT_SECS))?;
        set_wal(&conn)?;
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -65536;
             PRAGMA temp_store = MEMORY;
             PRAGMA wal_autocheckpoint = 16384;",
        )?;
        Store::migrated(Store {
            conn: Box::new(Sqlite(conn)),
            agencies: HashMap::new(),
        })
    }

    /// Opens a PostgreSQL database; with `schema`, everything lives in that schema
    /// (created if missing) — how the tests keep to themselves on a shared server.
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        Store::migrated(Store::connect_postgres(url, schema)?)
    }

    fn connect_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let mut client = postgres::Client::connect(url, postgres::NoTls)
            .map_err(|e| error::pg_error(e, true))?;
        client.batch_execute("SET client_min_messages = WARNING")?;
        if let Some(schema) = schema {
            if !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(StoreError::Query(format!("模式名不合法：{schema}")));
            }
            client.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
            ))?;
        }
        Ok(Store {
            conn: Box::new(Postgres(client)),
            agencies: HashMap::new(),
        })
    }

    /// The store with its schema brought up to date, and what the migrations add filled
    /// in for the rows stored before them.
    fn migrated(mut store: Store) -> Result<Store, StoreError> {
        migrate::run(store.conn.as_mut())?;
        store.fill_version_keys()?;
        store.fill_agency_places()?;
        store.fill_finding_keys()?;
        store.fill_year_facts()?;
        Ok(store)
    }

    /// SQLite's structural check of every page and index (`PRAGMA quick_check`): a
    /// damaged file fails here instead of in whichever query first touches the damage.
    /// Nothing to check on PostgreSQL.
    pub fn integrity_check(&mut self) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        let mut problems = Vec::new();
        for mut r in self.conn.query("PRAGMA quick_check(5)", &[])? {
            let said: String = r.take("quick_check")?;
            if said != "ok" {
                problems.push(said);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Damaged {
                detail: format!("完整性检查未通过：{}", problems.join("；")),
            })
        }
    }

    /// A read-only store must find the schema this program writes.
    fn check_schema(&mut self) -> Result<(), StoreError> {
        let found = migrate::applied(self.conn.as_mut())?.ok_or(StoreError::NotCorpus)?;
        let known = migrate::latest();
        if found < known {
            Err(StoreError::Outdated {
                found,
                needed: known,
            })
        } else if found > known {
            Err(StoreError::Newer { found, known })
        } else {
            Ok(())
        }
    }

    /// The schema version after migrations.
    pub fn schema_version(&mut self) -> Result<i64, StoreError> {
        migrate::current(self.conn.as_mut())
    }
}
