//! Schema migrations, one list for both backends: migration N has an SQLite and a
//! PostgreSQL text with the same tables and columns. Applied in order, each in its own
//! transaction, and recorded in `schema_migrations`.

use crate::conn::{Conn, Val};
use crate::{Backend, StoreError};

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/0001_init.sqlite.sql"),
        postgres: include_str!("../migrations/0001_init.postgres.sql"),
    },
    Migration {
        version: 2,
        name: "report_url",
        sqlite: include_str!("../migrations/0002_report_url.sqlite.sql"),
        postgres: include_str!("../migrations/0002_report_url.postgres.sql"),
    },
    Migration {
        version: 3,
        name: "cross_state",
        sqlite: include_str!("../migrations/0003_cross_state.sqlite.sql"),
        postgres: include_str!("../migrations/0003_cross_state.postgres.sql"),
    },
    Migration {
        version: 4,
        name: "version_choice_and_failure_kind",
        sqlite: include_str!("../migrations/0004_version_choice_and_failure_kind.sqlite.sql"),
        postgres: include_str!("../migrations/0004_version_choice_and_failure_kind.postgres.sql"),
    },
    Migration {
        version: 5,
        name: "agency_places",
        sqlite: include_str!("../migrations/0005_agency_places.sqlite.sql"),
        postgres: include_str!("../migrations/0005_agency_places.postgres.sql"),
    },
    Migration {
        version: 6,
        name: "workspace",
        sqlite: include_str!("../migrations/0006_workspace.sqlite.sql"),
        postgres: include_str!("../migrations/0006_workspace.postgres.sql"),
    },
    Migration {
        version: 7,
        name: "finding_keys",
        sqlite: include_str!("../migrations/0007_finding_keys.sqlite.sql"),
        postgres: include_str!("../migrations/0007_finding_keys.postgres.sql"),
    },
    Migration {
        version: 8,
        name: "incremental_cross",
        sqlite: include_str!("../migrations/0008_incremental_cross.sqlite.sql"),
        postgres: include_str!("../migrations/0008_incremental_cross.postgres.sql"),
    },
    Migration {
        version: 9,
        name: "scale_indexes",
        sqlite: include_str!("../migrations/0009_scale_indexes.sqlite.sql"),
        postgres: include_str!("../migrations/0009_scale_indexes.postgres.sql"),
    },
    Migration {
        version: 10,
        name: "ledger",
        sqlite: include_str!("../migrations/0010_ledger.sqlite.sql"),
        postgres: include_str!("../migrations/0010_ledger.postgres.sql"),
    },
];

/// Brings the schema up to date. Everything happens in one transaction holding the
/// writers' lock (SQLite's write lock, a PostgreSQL advisory lock), so two first-time
/// ingests at once cannot both create the tables: the second waits, then finds them.
pub(crate) fn run(conn: &mut dyn Conn) -> Result<(), StoreError> {
    // Most opens find nothing to do, and need no lock to find it.
    match applied(conn)? {
        Some(v) if v == latest() => return Ok(()),
        // Written by a newer gongkai: its tables may mean something this one cannot keep.
        Some(found) if found > latest() => {
            return Err(StoreError::Newer {
                found,
                known: latest(),
            })
        }
        _ => {}
    }
    conn.begin_exclusive()?;
    match migrate_locked(conn) {
        Ok(()) => conn.batch("COMMIT"),
        Err(e) => {
            let _ = conn.batch("ROLLBACK");
            Err(e)
        }
    }
}

fn migrate_locked(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )?;
    // Another process may have migrated while we waited for the lock.
    let done = current(conn)?;
    for m in MIGRATIONS.iter().filter(|m| m.version > done) {
        let sql = match conn.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        conn.batch(sql)
            .and_then(|()| {
                conn.exec(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    &[
                        Val::Int(m.version),
                        Val::from(m.name),
                        Val::Int(crate::now()),
                    ],
                )
            })
            .map_err(|e| {
                StoreError::Query(format!("数据库迁移 {:04}_{} 失败：{e}", m.version, m.name))
            })?;
    }
    Ok(())
}

/// The newest schema version this program knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The schema version of the database, `None` when it has no `schema_migrations` table
/// (a new database, or not gongkai's). Looks before it reads, so that nothing fails and
/// nothing is created.
pub(crate) fn applied(conn: &mut dyn Conn) -> Result<Option<i64>, StoreError> {
    let sql = match conn.backend() {
        Backend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master
             WHERE type = 'table' AND name = 'schema_migrations'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) AS n FROM pg_tables
             WHERE tablename = 'schema_migrations' AND schemaname = current_schema()"
        }
    };
    if conn.query_value::<i64>(sql, &[], "n")? == 0 {
        return Ok(None);
    }
    current(conn).map(Some)
}

/// The newest migration applied; 0 when none is.
pub(crate) fn current(conn: &mut dyn Conn) -> Result<i64, StoreError> {
    Ok(conn
        .query_value::<Option<i64>>(
            "SELECT MAX(version) AS version FROM schema_migrations",
            &[],
            "version",
        )?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two dialects must define the same tables with the same columns.
    #[test]
    fn dialects_define_the_same_columns() {
        fn columns(sql: &str) -> Vec<String> {
            let mut out = Vec::new();
            let mut table = String::new();
            for line in sql.lines() {
                let line = line.trim();
                if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
                    // `ALTER TABLE t ADD COLUMN c TYPE;`
                    let words: Vec<&str> = rest.split_whitespace().collect();
                    if let [t, "ADD", "COLUMN", c, ..] = words[..] {
                        out.push(format!("{t}.{c}"));
                    }
                } else if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                    table = rest.split_whitespace().next().unwrap_or("").to_string();
                } else if line.starts_with("CREATE INDEX") {
                    out.push(line.replace("BIGINT", "INTEGER"));
                } else if !table.is_empty() && !line.starts_with("--") && !line.is_empty() {
                    if let Some(col) = line.split_whitespace().next() {
                        out.push(format!("{table}.{col}"));
                    }
                }
            }
            out
        }
        // The metrics table has one column per metric, in MetricKey order.
        let metric_columns: Vec<String> = columns(MIGRATIONS[0].sqlite)
            .into_iter()
            .filter_map(|c| c.strip_prefix("metrics.").map(str::to_string))
            .filter(|c| c != "report_id" && c != ");")
            .collect();
        let keys: Vec<String> = gongkai_model::metrics::MetricKey::ALL
            .iter()
            .map(|k| k.key().to_string())
            .collect();
        assert_eq!(metric_columns, keys);
        assert!(columns(MIGRATIONS[0].sqlite).len() > 40);
        for m in MIGRATIONS {
            let a = columns(m.sqlite);
            assert!(!a.is_empty(), "migration {}", m.version);
            assert_eq!(a, columns(m.postgres), "migration {}", m.version);
        }
        assert_eq!(columns(MIGRATIONS[1].sqlite), ["reports.url"]);
        assert_eq!(
            columns(MIGRATIONS[2].sqlite)[..5],
            [
                "cross_state.id",
                "cross_state.changes",
                "cross_state.computed",
                "cross_state.marked_at",
                "cross_state.computed_at"
            ]
        );
        assert_eq!(
            columns(MIGRATIONS[3].sqlite),
            [
                "reports.reading",
                "reports.tables_digest",
                "files.failure",
                "CREATE INDEX reports_tables_digest ON reports (agency_id, year, tables_digest);"
            ]
        );
    }

    /// A database made before `cross_state` cannot tell whether its last cross-report step
    /// finished: with reports it starts stale, empty it starts fresh.
    #[test]
    fn cross_state_of_an_older_database() {
        for (reports, computed) in [(true, 0), (false, 1)] {
            let mut conn = crate::conn::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
            conn.batch(
                "CREATE TABLE schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .unwrap();
            conn.batch(MIGRATIONS[0].sqlite).unwrap();
            conn.batch(MIGRATIONS[1].sqlite).unwrap();
            conn.batch("INSERT INTO schema_migrations VALUES (1, 'init', 0), (2, 'report_url', 0)")
                .unwrap();
            if reports {
                conn.batch(
                    "INSERT INTO reports (year, version, is_current, hash, source, format, ingested_at, report)
                     VALUES (2021, 1, TRUE, 'h', 'old.txt', 'text', 0, x'00')",
                )
                .unwrap();
            }
            run(&mut conn).unwrap();
            assert_eq!(current(&mut conn).unwrap(), latest());
            let rows = conn
                .query(
                    "SELECT id, changes, computed, marked_at, computed_at FROM cross_state",
                    &[],
                )
                .unwrap();
            assert_eq!(rows.len(), 1);
            let r = &rows[0];
            let state = (
                r.get::<i64>("id").unwrap(),
                r.get::<i64>("changes").unwrap(),
                r.get::<i64>("computed").unwrap(),
                r.get::<Option<i64>>("marked_at").unwrap(),
                r.get::<Option<i64>>("computed_at").unwrap(),
            );
            assert_eq!(state, (1, 1, computed, None, None), "reports: {reports}");
        }
    }

    /// A database made before the URL column gets it, its reports with none.
    #[test]
    fn a_version_1_database_is_brought_up_to_date() {
        let mut conn = crate::conn::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
        conn.batch(
            "CREATE TABLE schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .unwrap();
        conn.batch(MIGRATIONS[0].sqlite).unwrap();
        conn.batch(
            "INSERT INTO schema_migrations VALUES (1, 'init', 0);
             INSERT INTO reports (year, version, is_current, hash, source, format, ingested_at, report)
             VALUES (2021, 1, TRUE, 'h', 'old.txt', 'text', 0, x'00')",
        )
        .unwrap();
        assert_eq!(current(&mut conn).unwrap(), 1);
        run(&mut conn).unwrap();
        assert_eq!(current(&mut conn).unwrap(), latest());
        let rows = conn
            .query(
                "SELECT source, url, reading, tables_digest FROM reports",
                &[],
            )
            .unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.get::<String>("source").unwrap(), "old.txt");
        for column in ["url", "reading", "tables_digest"] {
            assert_eq!(r.get::<Option<String>>(column).unwrap(), None, "{column}");
        }
        // Run again: nothing to do.
        run(&mut conn).unwrap();
        assert_eq!(current(&mut conn).unwrap(), latest());
    }
}
