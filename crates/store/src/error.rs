//! What can go wrong with the database, as the user should read it: every variant says
//! in Chinese what happened and what to do, with the backend's own message as the cause.

/// Why a database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A read command was given a path with no database: it must not create one.
    #[error("数据库不存在：{0}（先用 `gongkai ingest … --database {0}` 建立，或检查路径）")]
    Missing(String),
    /// The file is not an SQLite database, or its pages are damaged.
    #[error("数据库已损坏或不是 SQLite 数据库：{detail}")]
    Damaged { detail: String },
    /// An SQLite database without gongkai's tables.
    #[error("不是 gongkai 语料库数据库（没有 schema_migrations 表）")]
    NotCorpus,
    /// A read command on a database an older gongkai made: reading must not migrate it.
    #[error(
        "数据库结构版本为 {found}，本程序需要 {needed}：请先用写入命令（如 `gongkai ingest`）升级"
    )]
    Outdated { found: i64, needed: i64 },
    /// A database a newer gongkai made.
    #[error("数据库结构版本为 {found}，高于本程序支持的 {known}：请升级 gongkai")]
    Newer { found: i64, known: i64 },
    /// Another process held SQLite's write lock for longer than the busy timeout.
    #[error("数据库正被另一个进程写入，等待 {seconds} 秒后仍未释放：{detail}")]
    Busy { seconds: u64, detail: String },
    /// A write to a file or folder that cannot be written.
    #[error("数据库只读，无法写入：{detail}（读取命令不需要写权限；写入命令需要对文件及其所在文件夹有写权限）")]
    ReadOnly { detail: String },
    /// The file cannot be opened or created (no such folder, no permission).
    #[error("无法打开或创建数据库文件（所在文件夹不存在，或没有权限）：{detail}")]
    CannotOpen { detail: String },
    /// Any other SQLite error.
    #[error("SQLite 数据库错误：{0}")]
    Sqlite(rusqlite::Error),
    /// PostgreSQL refused the user or the password.
    #[error("PostgreSQL 认证失败（用户名或密码错误，或服务器不允许此用户从本机连接）：服务器消息：{message}")]
    PgAuth { message: String },
    /// The server has no database of that name.
    #[error(
        "PostgreSQL 数据库不存在（请先 createdb，或检查连接串中的库名）：服务器消息：{message}"
    )]
    PgNoDatabase { message: String },
    /// The server could not be reached.
    #[error("无法连接 PostgreSQL 服务器（服务器未运行，或主机、端口有误）：{detail}")]
    PgConnect { detail: String },
    /// The connection broke after it was made (server restarted, stopped or the session
    /// was terminated).
    #[error("与 PostgreSQL 服务器的连接已断开：{detail}")]
    PgConnectionLost { detail: String },
    /// Any other error the server reported, with its SQLSTATE code.
    #[error("PostgreSQL 服务器报错（{code}）：{message}")]
    PgServer { code: String, message: String },
    /// A client-side PostgreSQL error (types, protocol).
    #[error("PostgreSQL 数据库错误：{0}")]
    Postgres(postgres::Error),
    /// A stored report whose bytes cannot be read back: named, so that the rest can be used.
    #[error("报告 #{id}（{source_path}）的存储内容已损坏，无法读取：{detail}")]
    ReportDamaged {
        id: i64,
        source_path: String,
        detail: String,
    },
    /// A column of a query's result that cannot be read as what the store expects: not
    /// selected, NULL, another type, or a word no enum value is stored as.
    #[error("数据库列 {column} 无法读取：{problem}")]
    Column {
        column: String,
        problem: crate::ColumnProblem,
    },
    #[error("数据库读写错误：{0}")]
    Io(#[from] std::io::Error),
    #[error("数据库内容无法解析：{0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Query(String),
    /// What was asked for does not exist (a user, a report).
    #[error("{0}")]
    NotFound(String),
    /// A change that would break a rule of the data (a user name already taken).
    #[error("{0}")]
    Conflict(String),
}

impl StoreError {
    /// The connection itself failed (it should not be used again).
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            StoreError::PgConnectionLost { .. } | StoreError::PgConnect { .. }
        )
    }
}

/// How long an SQLite writer waits for another writer before giving up.
pub const BUSY_TIMEOUT_SECS: u64 = 600;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        let detail = e.to_string();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Damaged { detail }
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy {
                seconds: BUSY_TIMEOUT_SECS,
                detail,
            },
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { detail },
            Some(ErrorCode::CannotOpen) => StoreError::CannotOpen { detail },
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        pg_error(e, false)
    }
}

/// Classifies a PostgreSQL error; `connecting` when it came from opening the connection
/// (an I/O error then means the server was never reached, not that it went away).
pub(crate) fn pg_error(e: postgres::Error, connecting: bool) -> StoreError {
    use postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let message = db.message().to_string();
        let code = db.code();
        return if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            StoreError::PgAuth { message }
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            StoreError::PgNoDatabase { message }
        } else if *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
        {
            StoreError::PgConnectionLost {
                detail: format!("服务器消息：{message}"),
            }
        } else {
            StoreError::PgServer {
                code: code.code().to_string(),
                message,
            }
        };
    }
    // The cause (an I/O error, "connection closed") is what the user can act on.
    let cause = std::error::Error::source(&e)
        .map(|s| s.to_string())
        .unwrap_or_else(|| e.to_string());
    let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
    if connecting && (io || e.is_closed()) {
        StoreError::PgConnect { detail: cause }
    } else if e.is_closed() || io {
        StoreError::PgConnectionLost { detail: cause }
    } else {
        StoreError::Postgres(e)
    }
}
