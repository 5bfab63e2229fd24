//! The database from async handlers: a small pool of [`Store`] connections, each used
//! on a blocking thread. The store is synchronous (rusqlite, postgres); a handler hands
//! it a closure and awaits the answer, so the async runtime's threads never wait on
//! the database.

use std::sync::{Arc, Mutex};

use gongkai_store::{Store, StoreError};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Connections to one database.
pub struct Db {
    target: String,
    idle: Mutex<Vec<Store>>,
    permits: Semaphore,
}

impl Db {
    /// Opens (creating and migrating) the database and keeps up to `size` connections,
    /// all opened now: the first requests after a start (a burst, when a team logs in at
    /// nine) must not each wait for a connection to be opened.
    pub fn open(target: &str, size: usize) -> Result<Arc<Db>, StoreError> {
        let size = size.max(1);
        let mut idle = Vec::with_capacity(size);
        for _ in 0..size {
            idle.push(Store::open(target)?);
        }
        Ok(Arc::new(Db {
            target: target.to_string(),
            idle: Mutex::new(idle),
            permits: Semaphore::new(size),
        }))
    }

    /// Where the database is (a path or a URL), for messages.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, AppError> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let db = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut store = match db.take() {
                Some(store) => store,
                None => Store::open(&db.target)?,
            };
            let answer = f(&mut store);
            // A connection that failed as a connection is dropped, not reused.
            let broken = matches!(&answer, Err(AppError::Store(e)) if e.is_connection());
            if !broken {
                db.give_back(store);
            }
            answer
        })
        .await
        .map_err(|e| AppError::Internal(format!("数据库任务中断：{e}")))?
    }

    /// A connection for a long job on its own thread (not counted in the pool).
    pub fn connect(&self) -> Result<Store, StoreError> {
        Store::open(&self.target)
    }

    fn take(&self) -> Option<Store> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    fn give_back(&self, store: Store) {
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(store);
    }
}
