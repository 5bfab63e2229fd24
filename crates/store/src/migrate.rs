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

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "init",
    sqlite: include_str!("../migrations/0001_init.sqlite.sql"),
    postgres: include_str!("../migrations/0001_init.postgres.sql"),
}];

pub(crate) fn run(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )?;
    let done = current(conn)?;
    for m in MIGRATIONS.iter().filter(|m| m.version > done) {
        let sql = match conn.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        conn.batch("BEGIN")?;
        conn.lock_for_writing()?;
        // Another process may have migrated while we waited for the lock.
        if current(conn)? >= m.version {
            conn.batch("COMMIT")?;
            continue;
        }
        let applied = conn.batch(sql).and_then(|()| {
            conn.exec(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[
                    Val::Int(m.version),
                    Val::from(m.name),
                    Val::Int(crate::now()),
                ],
            )
        });
        match applied {
            Ok(_) => conn.batch("COMMIT")?,
            Err(e) => {
                let _ = conn.batch("ROLLBACK");
                return Err(StoreError::Query(format!(
                    "数据库迁移 {:04}_{} 失败：{e}",
                    m.version, m.name
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn current(conn: &mut dyn Conn) -> Result<i64, StoreError> {
    Ok(conn
        .query("SELECT MAX(version) FROM schema_migrations", &[])?
        .first()
        .and_then(|r| r[0].int())
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
                if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
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
        for m in MIGRATIONS {
            let a = columns(m.sqlite);
            assert!(a.len() > 40, "{}", a.len());
            assert_eq!(a, columns(m.postgres), "migration {}", m.version);
        }
    }
}
