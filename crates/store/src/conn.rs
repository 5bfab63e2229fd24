//! The two backends behind one small interface, so the store's logic and SQL are
//! written once. SQL is written with PostgreSQL's `$1` placeholders; SQLite reads them
//! as `?1`. Only the migrations (types) and bulk loading differ between the backends.
//! A query's rows carry their columns' names, as both backends report them ([`Row`]).

use std::io::Write;
use std::sync::Arc;

use crate::row::Row;
use crate::StoreError;

/// One SQL value, as both backends understand it.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

impl Val {
    /// The type's name, for the error that a value is not what a column should hold.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "NULL",
            Val::Int(_) => "整数",
            Val::Real(_) => "小数",
            Val::Text(_) => "文本",
            Val::Bytes(_) => "二进制数据",
            Val::Bool(_) => "布尔值",
        }
    }
}

impl From<i64> for Val {
    fn from(n: i64) -> Val {
        Val::Int(n)
    }
}
impl From<i32> for Val {
    fn from(n: i32) -> Val {
        Val::Int(n as i64)
    }
}
impl From<bool> for Val {
    fn from(b: bool) -> Val {
        Val::Bool(b)
    }
}
impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

/// A connection to either backend.
pub trait Conn: Send {
    fn backend(&self) -> crate::Backend;
    /// Runs statements without parameters (DDL, BEGIN/COMMIT).
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError>;
    /// The rows `sql` returns, with their columns' names.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError>;
    /// Inserts many rows (values in the order of `columns`) at once: prepared inserts on
    /// SQLite, `COPY` on PostgreSQL.
    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
    ) -> Result<(), StoreError>;
    /// Serialises writers: two `gongkai ingest` runs against one server take turns.
    fn lock_for_writing(&mut self) -> Result<(), StoreError>;
    /// Begins a transaction that holds the migration lock until COMMIT or ROLLBACK.
    fn begin_exclusive(&mut self) -> Result<(), StoreError>;
    /// Called when the store is dropped.
    fn close(&mut self) {}
}

/// The PostgreSQL advisory lock keys: one for writers, one for migrations.
const WRITE_LOCK: i64 = 7316455720417;
const MIGRATION_LOCK: i64 = 7316455720418;

// ---------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------

pub struct Sqlite(pub rusqlite::Connection);

/// With `GONGKAI_TRACE_SQL` set, a statement that takes longer than 5 ms is printed with
/// its time on stderr: how a slow command finds its slow query.
struct SlowQuery<'a>(Option<(std::time::Instant, &'a str)>);

impl<'a> SlowQuery<'a> {
    fn start(sql: &'a str) -> SlowQuery<'a> {
        static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let on = *ON.get_or_init(|| std::env::var_os("GONGKAI_TRACE_SQL").is_some());
        SlowQuery(on.then(|| (std::time::Instant::now(), sql)))
    }
}

impl Drop for SlowQuery<'_> {
    fn drop(&mut self) {
        if let Some((t, sql)) = self.0 {
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if ms > 5.0 {
                let one_line: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                eprintln!(
                    "sql {ms:.1} ms: {}",
                    one_line.chars().take(160).collect::<String>()
                );
            }
        }
    }
}

/// `$1` → `?1`: SQLite reads `$name` as a named parameter, `?N` as the N-th.
fn sqlite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Val::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Val::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(*n)),
            Val::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Val::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Val::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Val::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(*b as i64)),
        })
    }
}

fn sqlite_values(row: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Vec<Val>> {
    use rusqlite::types::ValueRef;
    (0..n)
        .map(|i| {
            Ok(match row.get_ref(i)? {
                ValueRef::Null => Val::Null,
                ValueRef::Integer(n) => Val::Int(n),
                ValueRef::Real(f) => Val::Real(f),
                ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Val::Bytes(b.to_vec()),
            })
        })
        .collect()
}

impl Conn for Sqlite {
    fn backend(&self) -> crate::Backend {
        crate::Backend::Sqlite
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.0.execute_batch(sql)?)
    }
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        let _slow = SlowQuery::start(sql);
        let mut stmt = self.0.prepare_cached(&sqlite_sql(sql))?;
        Ok(stmt.execute(rusqlite::params_from_iter(params))? as u64)
    }
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        let _slow = SlowQuery::start(sql);
        let mut stmt = self.0.prepare_cached(&sqlite_sql(sql))?;
        let columns: Arc<[String]> = stmt.column_names().map(String::from).collect();
        let n = columns.len();
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            sqlite_values(r, n).map(|values| Row::new(columns.clone(), values))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
    ) -> Result<(), StoreError> {
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        );
        let mut stmt = self.0.prepare_cached(&sql)?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row))?;
        }
        Ok(())
    }
    fn lock_for_writing(&mut self) -> Result<(), StoreError> {
        // `BEGIN IMMEDIATE` (see Store::begin) already takes SQLite's write lock.
        Ok(())
    }
    fn close(&mut self) {
        // Leave an idle database in rollback-journal mode, all of it in the one file: a
        // reader then needs no -wal/-shm files, so reading creates nothing beside it and
        // works from a read-only folder. Only the last connection can switch; when others
        // are open (a reader, another ingest) the switch is skipped at once, not waited for.
        if self.0.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
            return;
        }
        let _ = self.0.busy_timeout(std::time::Duration::ZERO);
        let _ = self.0.execute_batch("PRAGMA journal_mode = DELETE");
    }
    fn begin_exclusive(&mut self) -> Result<(), StoreError> {
        // The write lock at once: a deferred transaction that reads first and writes
        // later cannot wait for another writer (SQLite returns "database is locked").
        self.batch("BEGIN IMMEDIATE")
    }
}

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

pub struct Postgres(pub postgres::Client);

impl postgres::types::ToSql for Val {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Val::Null => Ok(postgres::types::IsNull::Yes),
            Val::Int(n) => match *ty {
                Type::INT4 => (*n as i32).to_sql(ty, out),
                Type::INT2 => (*n as i16).to_sql(ty, out),
                Type::FLOAT8 => (*n as f64).to_sql(ty, out),
                Type::BOOL => (*n != 0).to_sql(ty, out),
                _ => n.to_sql(ty, out),
            },
            Val::Real(f) => f.to_sql(ty, out),
            Val::Text(s) => s.to_sql(ty, out),
            Val::Bytes(b) => b.to_sql(ty, out),
            Val::Bool(b) => match *ty {
                Type::INT8 => (*b as i64).to_sql(ty, out),
                _ => b.to_sql(ty, out),
            },
        }
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

fn pg_values(row: &postgres::Row) -> Result<Vec<Val>, StoreError> {
    use postgres::types::Type;
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Val::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|n| Val::Int(n as i64)),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|n| Val::Int(n as i64)),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Val::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map(|f| Val::Real(f as f64)),
            Type::NUMERIC => {
                return Err(StoreError::Query(format!(
                    "列 {} 为 NUMERIC 类型，请在 SQL 中转换为 DOUBLE PRECISION",
                    col.name()
                )))
            }
            Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(Val::Bool),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Val::Bytes),
            _ => row.try_get::<_, Option<String>>(i)?.map(Val::Text),
        };
        out.push(v.unwrap_or(Val::Null));
    }
    Ok(out)
}

fn pg_params(params: &[Val]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// A value in `COPY … FROM STDIN` text format.
fn copy_text(v: &Val, out: &mut Vec<u8>) {
    fn escaped(s: &str, out: &mut Vec<u8>) {
        for b in s.bytes() {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
    }
    match v {
        Val::Null => out.extend_from_slice(b"\\N"),
        Val::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Val::Real(f) => out.extend_from_slice(format!("{f:?}").as_bytes()),
        Val::Text(s) => escaped(s, out),
        Val::Bool(b) => out.push(if *b { b't' } else { b'f' }),
        Val::Bytes(bytes) => {
            // bytea hex input: \x0a1b…, with the backslash itself escaped for COPY.
            out.extend_from_slice(b"\\\\x");
            for b in bytes {
                out.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }
    }
}

impl Conn for Postgres {
    fn backend(&self) -> crate::Backend {
        crate::Backend::Postgres
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.0.batch_execute(sql)?)
    }
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        Ok(self.0.execute(sql, &pg_params(params))?)
    }
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        let rows = self.0.query(sql, &pg_params(params))?;
        // Every row of a result has the statement's columns.
        let columns: Arc<[String]> = rows.first().map_or_else(
            || Arc::from(Vec::new()),
            |r| r.columns().iter().map(|c| c.name().to_string()).collect(),
        );
        rows.iter()
            .map(|r| Ok(Row::new(columns.clone(), pg_values(r)?)))
            .collect()
    }
    fn bulk_insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
        let mut writer = self.0.copy_in(&sql)?;
        let mut buf = Vec::with_capacity(1 << 16);
        for row in rows {
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    buf.push(b'\t');
                }
                copy_text(v, &mut buf);
            }
            buf.push(b'\n');
            if buf.len() > 1 << 16 {
                writer.write_all(&buf)?;
                buf.clear();
            }
        }
        writer.write_all(&buf)?;
        writer.finish()?;
        Ok(())
    }
    fn lock_for_writing(&mut self) -> Result<(), StoreError> {
        // A transaction-scoped advisory lock: released by COMMIT or ROLLBACK.
        self.0
            .batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"))?;
        Ok(())
    }
    fn begin_exclusive(&mut self) -> Result<(), StoreError> {
        // Transaction-scoped, so a process that dies mid-migration releases it.
        self.0.batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_sqlite_indices() {
        assert_eq!(
            sqlite_sql("SELECT $1, '$x', $12 FROM t WHERE a = $2"),
            "SELECT ?1, '$x', ?12 FROM t WHERE a = ?2"
        );
    }

    #[test]
    fn copy_text_escapes() {
        let mut out = Vec::new();
        for v in [
            Val::Text("a\tb\\c\nd".into()),
            Val::Null,
            Val::Bytes(vec![0, 255]),
            Val::Bool(true),
            Val::Real(0.5),
        ] {
            copy_text(&v, &mut out);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\tb\\\\c\\nd|\\N|\\\\x00ff|t|0.5|"
        );
    }
}
