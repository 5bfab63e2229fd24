//! The ingest queue: files to read kept as jobs in the database (the `jobs` table of
//! migration 0006, [`crate::jobs`]), so that several `gongkai ingest --worker`
//! processes — on one machine or on many, against one PostgreSQL — share a corpus's
//! ingest, and a worker that dies leaves nothing lost.
//!
//! Two kinds of job, apart from the web server's uploads (kind `ingest`, never taken by
//! these workers nor these by the server):
//!
//! - [`KIND_INGEST_FILES`]: a chunk of files, by path ([`FilesPayload`]). The payload
//!   also keeps, batch by batch as each is committed, what became of each file, so that
//!   a job taken over after its worker died resumes after what was committed.
//! - [`KIND_INGEST_CROSS`]: the cross-report step, queued once the files are done
//!   ([`Store::queue_cross_step`]) so that exactly one worker runs it.
//!
//! Claiming, progress, heartbeat and finishing are [`Store::claim_job`],
//! [`Store::job_progress`] and [`Store::finish_job`]; what is here is what the queue
//! adds: queuing many files at once without queuing a path twice, counting what is
//! left, and taking over only these kinds' jobs whose worker is gone.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::jobs::JobStatus;
use crate::workspace::Actor;
use crate::{now, Store, StoreError};

/// The kind of a job of files to ingest.
pub const KIND_INGEST_FILES: &str = "ingest-files";
/// The kind of the cross-report step run after them.
pub const KIND_INGEST_CROSS: &str = "ingest-cross";

/// A file as queued: its path (absolute, so that any worker finds it whatever its
/// working directory) and its size and modification time when it was queued, which
/// tell whether a file queued before has changed since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedFile {
    pub path: String,
    pub size: u64,
    /// Nanoseconds since the Unix epoch (0 when the file system does not say).
    pub modified: i64,
}

/// What became of one file of a job, once its batch was committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileResult {
    /// A new report.
    Stored,
    /// A new version of a report in the corpus.
    NewVersion,
    /// The same tables as a stored report in another format.
    OtherSource,
    /// These bytes were stored before.
    Unchanged,
    /// Not read as a report (recorded in the corpus's failures).
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDone {
    pub result: FileResult,
    /// The report it is (a source of).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<i64>,
}

/// The payload of a [`KIND_INGEST_FILES`] job.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilesPayload {
    pub files: Vec<QueuedFile>,
    /// One per file, `Some` once the batch it was in is committed.
    #[serde(default)]
    pub results: Vec<Option<FileDone>>,
    /// How many times a worker has taken the job (more than once: taken over).
    #[serde(default)]
    pub attempts: u32,
    /// The worker on it now, or last (`host:pid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
}

impl FilesPayload {
    /// Files whose result is kept.
    pub fn done(&self) -> usize {
        self.results.iter().flatten().count()
    }
}

/// What [`Store::enqueue_files`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Enqueued {
    /// Files queued, in `jobs` jobs.
    pub files: usize,
    pub jobs: usize,
    /// Files not queued: queued already and not yet read, or read already (stored, or
    /// another source or copy of a stored report) and unchanged since.
    pub skipped: usize,
    /// The ids of the jobs made.
    pub job_ids: Vec<i64>,
}

/// Jobs of one kind waiting and being worked on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

impl QueueCounts {
    /// Queued or running: work not finished.
    pub fn pending(&self) -> i64 {
        self.queued + self.running
    }
}

impl Store {
    /// Queues `files` as jobs of at most `chunk` files each (in the order given), in one
    /// transaction with its audit entry (`ingest-enqueue` by `actor`). A path is not
    /// queued again while a job holding it is queued or running, nor when a finished
    /// job read it (as anything but a failure) and its size and modification time are
    /// unchanged since; a path whose job failed, whose reading failed, or which changed
    /// is queued again.
    pub fn enqueue_files(
        &mut self,
        files: Vec<QueuedFile>,
        chunk: usize,
        actor: &Actor,
    ) -> Result<Enqueued, StoreError> {
        let chunk = chunk.max(1);
        self.in_transaction(|store| {
            let (pending, read) = store.queued_paths()?;
            let given = files.len();
            let mut seen_now = HashSet::new();
            let fresh: Vec<QueuedFile> = files
                .into_iter()
                .filter(|f| {
                    !pending.contains(&f.path)
                        && read.get(&f.path) != Some(&(f.size, f.modified))
                        && seen_now.insert(f.path.clone())
                })
                .collect();
            let mut out = Enqueued {
                files: fresh.len(),
                skipped: given - fresh.len(),
                ..Enqueued::default()
            };
            let at = now();
            for part in fresh.chunks(chunk) {
                let payload = FilesPayload {
                    files: part.to_vec(),
                    ..FilesPayload::default()
                };
                let text = serde_json::to_string(&payload)
                    .map_err(|e| StoreError::Query(format!("任务内容无法写出：{e}")))?;
                let id = store.insert_queued_job(
                    KIND_INGEST_FILES,
                    text,
                    part.len() as i64,
                    actor,
                    at,
                )?;
                out.job_ids.push(id);
            }
            out.jobs = out.job_ids.len();
            if out.jobs > 0 {
                let first = out.job_ids[0];
                let last = out.job_ids[out.jobs - 1];
                store.record_audit(
                    actor,
                    "ingest-enqueue",
                    &format!("job:{first}-{last}"),
                    None,
                    Some(&json!({"files": out.files, "jobs": out.jobs, "skipped": out.skipped})),
                )?;
            }
            Ok(out)
        })
    }

    /// Paths held by queued or running file jobs, and the size and modification time
    /// of the paths finished jobs read (not as a failure).
    #[allow(clippy::type_complexity)]
    fn queued_paths(
        &mut self,
    ) -> Result<(HashSet<String>, HashMap<String, (u64, i64)>), StoreError> {
        let rows = self.conn.query(
            "SELECT status, payload FROM jobs WHERE kind = $1 AND status IN ($2, $3, $4)",
            &[
                KIND_INGEST_FILES.into(),
                JobStatus::Queued.into(),
                JobStatus::Running.into(),
                JobStatus::Done.into(),
            ],
        )?;
        let mut pending = HashSet::new();
        let mut read = HashMap::new();
        for mut r in rows {
            let status: JobStatus = r.get("status")?;
            let text: String = r.take("payload")?;
            let payload: FilesPayload = serde_json::from_str(&text)
                .map_err(|e| StoreError::Query(format!("排队任务的内容无法读取：{e}")))?;
            for (i, f) in payload.files.into_iter().enumerate() {
                if status != JobStatus::Done {
                    pending.insert(f.path);
                } else if payload
                    .results
                    .get(i)
                    .and_then(Option::as_ref)
                    .is_some_and(|d| d.result != FileResult::Failed)
                {
                    read.insert(f.path, (f.size, f.modified));
                }
            }
        }
        Ok((pending, read))
    }

    /// How many jobs of `kind` are queued, running, done and failed.
    pub fn queue_counts(&mut self, kind: &str) -> Result<QueueCounts, StoreError> {
        let mut counts = QueueCounts::default();
        for r in self.conn.query(
            "SELECT status, COUNT(*) AS n FROM jobs WHERE kind = $1 GROUP BY status",
            &[kind.into()],
        )? {
            let n: i64 = r.get("n")?;
            match r.get::<JobStatus>("status")? {
                JobStatus::Queued => counts.queued = n,
                JobStatus::Running => counts.running = n,
                JobStatus::Done => counts.done = n,
                JobStatus::Failed => counts.failed = n,
            }
        }
        Ok(counts)
    }

    /// Queues the cross-report step ([`KIND_INGEST_CROSS`]) unless it is queued or
    /// running already: checked and queued in one write transaction, so two workers
    /// that finish at once queue it once. True when it was queued now.
    pub fn queue_cross_step(&mut self) -> Result<bool, StoreError> {
        self.in_transaction(|store| {
            let pending: i64 = store.conn.query_value(
                "SELECT COUNT(*) AS n FROM jobs WHERE kind = $1 AND status IN ($2, $3)",
                &[
                    KIND_INGEST_CROSS.into(),
                    JobStatus::Queued.into(),
                    JobStatus::Running.into(),
                ],
                "n",
            )?;
            if pending > 0 {
                return Ok(false);
            }
            store.insert_queued_job(KIND_INGEST_CROSS, "{}".into(), 1, &Actor::system(), now())?;
            Ok(true)
        })
    }

    /// Queues again the running jobs of these kinds whose heart last beat before
    /// `before` (Unix seconds): their worker is gone. Unlike
    /// [`Store::requeue_stale_jobs`], jobs of other kinds (the web server's uploads,
    /// with a lease of their own) are left alone. The number queued again.
    pub fn requeue_stale_jobs_of(
        &mut self,
        kinds: &[&str],
        before: i64,
    ) -> Result<usize, StoreError> {
        let mut n = 0;
        for kind in kinds {
            n += self.conn.exec(
                "UPDATE jobs SET status = $1, updated_at = $2
                 WHERE status = $3 AND kind = $4 AND updated_at < $5",
                &[
                    JobStatus::Queued.into(),
                    now().into(),
                    JobStatus::Running.into(),
                    (*kind).into(),
                    before.into(),
                ],
            )? as usize;
        }
        Ok(n)
    }

    /// The `(path, hash)` pairs stored as reports' sources among these paths: what
    /// [`Store::seen_files`] gives, for the files about to be read only (a job of 200
    /// files need not load a million-file corpus's list).
    pub fn seen_files_among(
        &mut self,
        paths: &[&str],
    ) -> Result<HashSet<(String, String)>, StoreError> {
        let mut out = HashSet::new();
        for part in paths.chunks(500) {
            let marks: Vec<String> = (0..part.len()).map(|i| format!("${}", i + 2)).collect();
            let mut params = vec![crate::enums::FileStatus::Stored.into()];
            params.extend(part.iter().map(|p| (*p).into()));
            for mut r in self.conn.query(
                &format!(
                    "SELECT path, hash FROM files WHERE status = $1 AND path IN ({})",
                    marks.join(", ")
                ),
                &params,
            )? {
                out.insert((r.take("path")?, r.take("hash")?));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::on_both_backends;

    fn file(path: &str, size: u64) -> QueuedFile {
        QueuedFile {
            path: path.into(),
            size,
            modified: 7,
        }
    }

    #[test]
    fn files_are_queued_in_chunks_and_a_path_once() {
        on_both_backends("queue_enqueue", |store| {
            let actor = Actor::system();
            let files: Vec<QueuedFile> = (0..5).map(|i| file(&format!("/c/{i}.txt"), 1)).collect();
            let q = store.enqueue_files(files.clone(), 2, &actor).unwrap();
            assert_eq!((q.files, q.jobs, q.skipped), (5, 3, 0));
            // Queued already: nothing new; a path given twice is queued once.
            let mut again = files.clone();
            again.push(file("/c/new.txt", 1));
            again.push(file("/c/new.txt", 1));
            let q = store.enqueue_files(again, 2, &actor).unwrap();
            assert_eq!((q.files, q.jobs, q.skipped), (1, 1, 6));
            let counts = store.queue_counts(KIND_INGEST_FILES).unwrap();
            assert_eq!((counts.queued, counts.pending()), (4, 4));

            // The first job done: /c/0 stored, /c/1 failed to read.
            let job = store.claim_job(KIND_INGEST_FILES).unwrap().unwrap();
            let mut p: FilesPayload = serde_json::from_value(job.payload).unwrap();
            assert_eq!(p.files, files[..2].to_vec());
            p.results = vec![
                Some(FileDone {
                    result: FileResult::Stored,
                    report_id: Some(1),
                }),
                Some(FileDone {
                    result: FileResult::Failed,
                    report_id: None,
                }),
            ];
            let json = serde_json::to_value(&p).unwrap();
            assert!(store
                .finish_job(job.job.id, JobStatus::Done, 2, "完成", &json)
                .unwrap());
            // The stored file unchanged is not queued again; the failed one is, and so
            // is the stored one once it has changed.
            let q = store
                .enqueue_files(vec![file("/c/0.txt", 1), file("/c/1.txt", 1)], 2, &actor)
                .unwrap();
            assert_eq!((q.files, q.skipped), (1, 1));
            let q = store
                .enqueue_files(vec![file("/c/0.txt", 2)], 2, &actor)
                .unwrap();
            assert_eq!((q.files, q.skipped), (1, 0));
            let audit = store.audit_log(None, 10).unwrap();
            assert_eq!(audit.len(), 4);
            assert!(audit.iter().all(|a| a.action == "ingest-enqueue"));
        });
    }

    #[test]
    fn the_cross_step_is_queued_once_and_only_these_kinds_are_taken_over() {
        on_both_backends("queue_cross", |store| {
            assert!(store.queue_cross_step().unwrap());
            assert!(!store.queue_cross_step().unwrap());
            let cross = store.claim_job(KIND_INGEST_CROSS).unwrap().unwrap();
            assert!(!store.queue_cross_step().unwrap(), "running counts too");
            // An upload job of the web server, left running as long ago.
            let upload = store
                .create_job("ingest", &json!({}), 1, "upload", &Actor::system())
                .unwrap();
            store.claim_job("ingest").unwrap().unwrap();
            store
                .query("UPDATE jobs SET updated_at = $1", &[(now() - 3600).into()])
                .unwrap();
            let n = store
                .requeue_stale_jobs_of(&[KIND_INGEST_FILES, KIND_INGEST_CROSS], now() - 60)
                .unwrap();
            assert_eq!(n, 1);
            assert_eq!(
                store.job_state(cross.job.id).unwrap().unwrap().status,
                JobStatus::Queued
            );
            assert_eq!(
                store.job_state(upload.id).unwrap().unwrap().status,
                JobStatus::Running
            );
            let counts = store.queue_counts(KIND_INGEST_CROSS).unwrap();
            assert_eq!((counts.queued, counts.running), (1, 0));
        });
    }
}
