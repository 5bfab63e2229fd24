//! Files: every path offered to the store with its bytes' hash, as a source of a report
//! or as a failure, so that a file seen before is skipped and a failure is listed until
//! the path is read as a report.

use std::collections::HashSet;

use crate::conn::Val;
use crate::enums::FileStatus;
use crate::row::{FromRow, Row};
use crate::types::{FailedFile, Failure};
use crate::{id_list, Store, StoreError};

/// A failed `files f` row whose path has not been stored as a report since; `$1` is
/// [`FileStatus::Failed`] and `$2` [`FileStatus::Stored`] ([`still_failed_params`]).
pub(crate) const STILL_FAILED: &str = "f.status = $1 AND NOT EXISTS (
    SELECT 1 FROM files g WHERE g.path = f.path AND g.status = $2
      AND g.ingested_at >= f.ingested_at)";

pub(crate) fn still_failed_params() -> [Val; 2] {
    [FileStatus::Failed.into(), FileStatus::Stored.into()]
}

impl FromRow for FailedFile {
    fn from_row(mut r: Row) -> Result<FailedFile, StoreError> {
        Ok(FailedFile {
            path: r.take("path")?,
            error: r.take("error")?,
            kind: r.get("failure")?,
            ingested_at: r.get("ingested_at")?,
        })
    }
}

impl Store {
    /// `(path, hash)` pairs already recorded: a file seen before with the same bytes is
    /// skipped before it is even parsed.
    pub fn seen_files(&mut self) -> Result<HashSet<(String, String)>, StoreError> {
        self.conn
            .query(
                "SELECT path, hash FROM files WHERE status = $1",
                &[FileStatus::Stored.into()],
            )?
            .into_iter()
            .map(|mut r| Ok((r.take("path")?, r.take("hash")?)))
            .collect()
    }

    /// Records what became of a file: a source of report `report_id`, or a failure.
    pub(crate) fn record_file(
        &mut self,
        path: String,
        hash: String,
        size: u64,
        failure: Option<Failure>,
        report_id: Option<i64>,
        now: i64,
    ) -> Result<(), StoreError> {
        let (status, error, kind) = match failure {
            Some(f) => (FileStatus::Failed, Some(f.message), Some(f.kind)),
            None => (FileStatus::Stored, None, None),
        };
        self.conn.exec(
            "INSERT INTO files (path, hash, size, status, error, report_id, ingested_at, failure)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (path, hash) DO UPDATE SET status = excluded.status,
               error = excluded.error, report_id = excluded.report_id,
               ingested_at = excluded.ingested_at, failure = excluded.failure",
            &[
                path.into(),
                hash.into(),
                (size as i64).into(),
                status.into(),
                error.into(),
                report_id.into(),
                now.into(),
                kind.into(),
            ],
        )?;
        Ok(())
    }

    /// Paths that gave no report, with their errors: files and folders, except those
    /// whose path has since been read as a report (a cut-off download replaced by the
    /// whole file).
    pub fn failures(&mut self) -> Result<Vec<FailedFile>, StoreError> {
        self.conn.query_as(
            &format!(
                "SELECT f.path, f.error, f.failure, f.ingested_at FROM files f
                 WHERE {STILL_FAILED} ORDER BY f.path, f.ingested_at"
            ),
            &still_failed_params(),
        )
    }

    /// Forgets the paths under `folders` (and the folders themselves) recorded as
    /// unreadable: the caller walks those folders again and records what is still
    /// unreadable, so a folder or link that has been fixed (or removed) is no longer
    /// listed. Returns how many were forgotten.
    pub fn forget_unreadable_under(&mut self, folders: &[String]) -> Result<usize, StoreError> {
        if folders.is_empty() {
            return Ok(0);
        }
        self.in_transaction(|store| {
            let mut n = 0;
            for folder in folders {
                let folder = folder.trim_end_matches('/');
                n += store.conn.exec(
                    "DELETE FROM files WHERE status = $1 AND hash LIKE 'unreadable:%'
                       AND (path = $2 OR substr(path, 1, length($2) + 1) = $2 || '/')",
                    &[FileStatus::Failed.into(), folder.into()],
                )? as usize;
            }
            Ok(n)
        })
    }

    /// The paths that are sources of the given reports: `(report id, path)`, the
    /// report's own source among them.
    pub fn sources(&mut self, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.conn
            .query(
                &format!(
                    "SELECT DISTINCT report_id, path FROM files
                     WHERE status = $1 AND report_id IN ({}) ORDER BY report_id, path",
                    id_list(ids)
                ),
                &[FileStatus::Stored.into()],
            )?
            .into_iter()
            .map(|mut r| Ok((r.get("report_id")?, r.take("path")?)))
            .collect()
    }
}
