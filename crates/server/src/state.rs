//! What every handler shares.

use std::path::PathBuf;
use std::sync::Arc;

use crate::auth::ratelimit::LoginLimiter;
use crate::db::Db;

/// Limits on what a request may bring.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest upload request (all its files together), bytes.
    pub upload_bytes: usize,
    /// Most files in one upload request.
    pub upload_files: usize,
    /// Largest one uploaded file, bytes (the readers' own limit applies too).
    pub file_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            upload_bytes: 512 * 1024 * 1024,
            upload_files: 500,
            file_bytes: gongkai_ingest::MAX_FILE_BYTES as usize,
        }
    }
}

/// The server's shared state.
#[derive(Clone)]
pub struct AppState {
    pub db: Arc<Db>,
    pub limiter: Arc<LoginLimiter>,
    pub limits: Limits,
    /// Where uploaded files are kept (named by their SHA-256, never by the name given).
    pub data_dir: PathBuf,
    /// Session cookies are sent only over HTTPS (set when served behind TLS).
    pub secure_cookies: bool,
    /// Working days for the ledgers' deadlines: the official calendar, with the local
    /// closures `gongkai serve --calendar` adds.
    pub calendar: Arc<gongkai_deadline::Calendar>,
}
