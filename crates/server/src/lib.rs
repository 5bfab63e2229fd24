//! The reviewers' web workspace (`gongkai serve`): users with roles and scopes,
//! decisions on findings, an audit log, and the pages and REST API over the corpus
//! database.
//!
//! - [`routes`]: every page and API route ([`routes::app`] is the application).
//! - [`authz`]: the one access policy every route asks.
//! - [`auth`]: passwords, tokens, sessions and CSRF, the login limiter.
//! - [`db`]: the store's connections from async handlers.
//! - [`view`]: HTML of what the pages show (the official tables, cells marked).
//! - [`decisions`]: reviewers' verdicts and the identity of a finding across versions.
//! - [`jobs`]: the uploads' ingests, kept in the database and run by a worker thread.

pub mod auth;
pub mod authz;
pub mod db;
pub mod decisions;
pub mod error;
pub mod jobs;
pub mod layout;
pub mod routes;
pub mod sources;
pub mod state;
pub mod view;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use gongkai_model::access::{Role, Scope};
use gongkai_store::{Actor, StoreError};

pub use routes::app;
pub use state::{AppState, Limits};

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// An SQLite path or a `postgres://` URL.
    pub database: String,
    pub listen: SocketAddr,
    /// Where uploaded files are kept.
    pub data_dir: PathBuf,
    /// Database connections for requests.
    pub connections: usize,
    /// Send session cookies only over HTTPS.
    pub secure_cookies: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("无法监听 {addr}：{source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("无法创建上传文件夹 {path}：{source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

/// The state of a server on `opts.database`, and the first administrator's password
/// when the database had no user yet (created now as `admin`; shown once).
pub fn prepare(opts: &ServeOptions) -> Result<(AppState, Option<String>), ServeError> {
    std::fs::create_dir_all(&opts.data_dir).map_err(|source| ServeError::DataDir {
        path: opts.data_dir.display().to_string(),
        source,
    })?;
    let db = db::Db::open(&opts.database, opts.connections)?;
    let mut store = db.connect()?;
    let first_password = if store.user_count()? == 0 {
        let password = auth::token::new_password().map_err(|e| ServeError::Other(e.to_string()))?;
        let hash = auth::password::hash(&password).map_err(|e| ServeError::Other(e.to_string()))?;
        store.create_user(
            "admin",
            &hash,
            Role::Admin,
            &Scope::Everywhere,
            &Actor::system(),
        )?;
        Some(password)
    } else {
        None
    };
    let state = AppState {
        db,
        limiter: Arc::new(auth::ratelimit::LoginLimiter::default()),
        limits: Limits::default(),
        data_dir: opts.data_dir.clone(),
        secure_cookies: opts.secure_cookies,
        calendar: Arc::new(gongkai_deadline::Calendar::official()),
    };
    Ok((state, first_password))
}

/// Serves until Ctrl-C, with the job worker running uploads' ingests (jobs left
/// running by a previous run are resumed); `started` is called once the address is
/// bound (with the address, useful when the port was 0).
pub fn serve(
    state: AppState,
    listen: SocketAddr,
    started: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let worker = jobs::Worker::start(&state)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Other(e.to_string()))?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| ServeError::Listen {
                addr: listen,
                source,
            })?;
        let bound = listener.local_addr().map_err(|source| ServeError::Listen {
            addr: listen,
            source,
        })?;
        started(bound);
        let app = routes::app(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| ServeError::Other(e.to_string()))
    });
    // A job still running at Ctrl-C is not waited for long: its heart stops and the next
    // start resumes it.
    worker.stop_within(std::time::Duration::from_secs(3));
    served
}
