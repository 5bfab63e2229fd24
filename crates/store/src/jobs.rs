//! Background jobs (the `jobs` table of migration 0006): work the server queues (an
//! upload's ingest), a worker claims and runs, with its progress kept in the database so
//! that any server process can show it and a restart resumes it.
//!
//! A job goes queued → running → done | failed. Claiming is one statement that moves a
//! queued job to running and returns it ([`Store::claim_job`]), so two workers — two
//! server processes on one PostgreSQL, or on one SQLite file — never get the same job.
//! A running job's `updated_at` is its heartbeat: the worker touches it while the job
//! runs, and a running job not touched for a while was left by a worker that is gone (a
//! crash, a restart) and is queued again ([`Store::requeue_stale_jobs`]).

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::enums::StoredEnum;
use crate::row::{column_error, ColumnProblem, FromRow, Row};
use crate::workspace::Actor;
use crate::{now, Backend, Store, StoreError};

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl StoredEnum for JobStatus {
    const WHAT: &'static str = "任务状态";
    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }
    fn parse(word: &str) -> Option<JobStatus> {
        [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Done,
            JobStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }
}

impl JobStatus {
    /// The stored word, also the status in JSON.
    pub fn key(self) -> &'static str {
        StoredEnum::as_str(self)
    }

    /// Done or failed: nothing more will happen to it.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed)
    }

    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Queued => "排队中",
            JobStatus::Running => "进行中",
            JobStatus::Done => "已完成",
            JobStatus::Failed => "失败",
        }
    }
}

/// A job as stored, without its payload (lists need none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub status: JobStatus,
    /// Who asked for it (`None`: the system).
    pub user_id: Option<i64>,
    /// Units of work done, of `total`.
    pub done: i64,
    pub total: i64,
    /// What it is doing, or how it ended (Chinese).
    pub message: String,
    pub created_at: i64,
    /// Its last change or heartbeat (Unix seconds).
    pub updated_at: i64,
}

impl FromRow for Job {
    fn from_row(mut r: Row) -> Result<Job, StoreError> {
        Ok(Job {
            id: r.get("id")?,
            kind: r.take("kind")?,
            status: r.get("status")?,
            user_id: r.get("user_id")?,
            done: r.get("done")?,
            total: r.get("total")?,
            message: r.take("message")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        })
    }
}

/// A job with its payload.
#[derive(Clone, Debug, PartialEq)]
pub struct JobWithPayload {
    pub job: Job,
    pub payload: Json,
}

impl FromRow for JobWithPayload {
    fn from_row(mut r: Row) -> Result<JobWithPayload, StoreError> {
        let text: String = r.take("payload")?;
        let payload = serde_json::from_str(&text).map_err(|e| {
            column_error(
                "payload",
                ColumnProblem::Unknown {
                    what: "JSON",
                    value: e.to_string(),
                },
            )
        })?;
        Ok(JobWithPayload {
            job: Job::from_row(r)?,
            payload,
        })
    }
}

const JOB_COLUMNS: &str = "id, kind, status, user_id, done, total, message, created_at, updated_at";

impl Store {
    /// Queues a job, with its audit entry (`action` on `job:<id>`, the payload as what
    /// was done) in the same transaction.
    pub fn create_job(
        &mut self,
        kind: &str,
        payload: &Json,
        total: i64,
        action: &str,
        actor: &Actor,
    ) -> Result<Job, StoreError> {
        self.in_transaction(|store| {
            let id = store.insert_queued_job(kind, payload.to_string(), total, actor, now())?;
            store.record_audit(actor, action, &format!("job:{id}"), None, Some(payload))?;
            store
                .job(id)?
                .map(|j| j.job)
                .ok_or_else(|| StoreError::Query("新任务写入后读不到".into()))
        })
    }

    /// Inserts a queued job (within the caller's transaction); returns its id.
    pub(crate) fn insert_queued_job(
        &mut self,
        kind: &str,
        payload: String,
        total: i64,
        actor: &Actor,
        at: i64,
    ) -> Result<i64, StoreError> {
        self.conn.query_value(
            "INSERT INTO jobs (kind, status, user_id, payload, done, total, message,
               created_at, updated_at)
             VALUES ($1, $2, $3, $4, 0, $5, '', $6, $6) RETURNING id",
            &[
                kind.into(),
                JobStatus::Queued.into(),
                actor.user_id.into(),
                payload.into(),
                total.into(),
                at.into(),
            ],
            "id",
        )
    }

    pub fn job(&mut self, id: i64) -> Result<Option<JobWithPayload>, StoreError> {
        Ok(self
            .conn
            .query_as(
                &format!("SELECT {JOB_COLUMNS}, payload FROM jobs WHERE id = $1"),
                &[id.into()],
            )?
            .pop())
    }

    /// A job without its payload (to follow its progress cheaply).
    pub fn job_state(&mut self, id: i64) -> Result<Option<Job>, StoreError> {
        Ok(self
            .conn
            .query_as(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"),
                &[id.into()],
            )?
            .pop())
    }

    /// The newest jobs first: of one user, or everyone's (`None`); at most `limit`.
    pub fn jobs(&mut self, user_id: Option<i64>, limit: i64) -> Result<Vec<Job>, StoreError> {
        match user_id {
            Some(u) => self.conn.query_as(
                &format!(
                    "SELECT {JOB_COLUMNS} FROM jobs WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
                ),
                &[u.into(), limit.into()],
            ),
            None => self.conn.query_as(
                &format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY id DESC LIMIT $1"),
                &[limit.into()],
            ),
        }
    }

    /// How many jobs of `kind` wait to be claimed.
    pub fn queued_jobs(&mut self, kind: &str) -> Result<i64, StoreError> {
        self.conn.query_value(
            "SELECT COUNT(*) AS n FROM jobs WHERE status = $1 AND kind = $2",
            &[JobStatus::Queued.into(), kind.into()],
            "n",
        )
    }

    /// Takes the oldest queued job of `kind`: it is running from now, and no other
    /// worker gets it. One statement: on PostgreSQL the row is chosen `FOR UPDATE SKIP
    /// LOCKED`, so concurrent claims take different jobs and none waits; SQLite runs
    /// writes one at a time.
    pub fn claim_job(&mut self, kind: &str) -> Result<Option<JobWithPayload>, StoreError> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        Ok(self
            .conn
            .query_as(
                &format!(
                    "UPDATE jobs SET status = $1, updated_at = $2
                     WHERE status = $3 AND id = (
                       SELECT id FROM jobs WHERE status = $3 AND kind = $4
                       ORDER BY id LIMIT 1{lock})
                     RETURNING {JOB_COLUMNS}, payload"
                ),
                &[
                    JobStatus::Running.into(),
                    now().into(),
                    JobStatus::Queued.into(),
                    kind.into(),
                ],
            )?
            .pop())
    }

    /// Records a running job's progress (and its payload, when given) and beats its
    /// heart. False when the job is no longer running as this worker's (finished, or
    /// queued again after its heart stopped): the worker should stop reporting.
    pub fn job_progress(
        &mut self,
        id: i64,
        done: i64,
        total: i64,
        message: &str,
        payload: Option<&Json>,
    ) -> Result<bool, StoreError> {
        let changed = match payload {
            Some(p) => self.conn.exec(
                "UPDATE jobs SET done = $1, total = $2, message = $3, payload = $4,
                   updated_at = $5
                 WHERE id = $6 AND status = $7",
                &[
                    done.into(),
                    total.into(),
                    message.into(),
                    p.to_string().into(),
                    now().into(),
                    id.into(),
                    JobStatus::Running.into(),
                ],
            )?,
            None => self.conn.exec(
                "UPDATE jobs SET done = $1, total = $2, message = $3, updated_at = $4
                 WHERE id = $5 AND status = $6",
                &[
                    done.into(),
                    total.into(),
                    message.into(),
                    now().into(),
                    id.into(),
                    JobStatus::Running.into(),
                ],
            )?,
        };
        Ok(changed == 1)
    }

    /// Ends a running job as done or failed, with the units done and its final payload.
    /// False when it was not running (another worker took it over).
    pub fn finish_job(
        &mut self,
        id: i64,
        status: JobStatus,
        done: i64,
        message: &str,
        payload: &Json,
    ) -> Result<bool, StoreError> {
        if !status.is_finished() {
            return Err(StoreError::Query(format!(
                "任务只能以完成或失败结束，不能是“{}”",
                status.label()
            )));
        }
        let changed = self.conn.exec(
            "UPDATE jobs SET status = $1, done = $2, message = $3, payload = $4, updated_at = $5
             WHERE id = $6 AND status = $7",
            &[
                status.into(),
                done.into(),
                message.into(),
                payload.to_string().into(),
                now().into(),
                id.into(),
                JobStatus::Running.into(),
            ],
        )?;
        Ok(changed == 1)
    }

    /// Queues again every running job whose heart last beat before `before` (Unix
    /// seconds): its worker is gone. The number queued again.
    pub fn requeue_stale_jobs(&mut self, before: i64) -> Result<usize, StoreError> {
        Ok(self.conn.exec(
            "UPDATE jobs SET status = $1, updated_at = $2 WHERE status = $3 AND updated_at < $4",
            &[
                JobStatus::Queued.into(),
                now().into(),
                JobStatus::Running.into(),
                before.into(),
            ],
        )? as usize)
    }

    /// The report a file stored under `path` with these bytes became.
    pub fn file_report(&mut self, path: &str, hash: &str) -> Result<Option<i64>, StoreError> {
        let rows = self.conn.query(
            "SELECT report_id FROM files WHERE path = $1 AND hash = $2",
            &[path.into(), hash.into()],
        )?;
        match rows.first() {
            Some(r) => r.get("report_id"),
            None => Ok(None),
        }
    }

    /// Every agency's id and unit code (when placed), by name: what an uploaded report's
    /// agency is checked against before it is stored.
    pub fn agency_regions(&mut self) -> Result<HashMap<String, (i64, Option<String>)>, StoreError> {
        self.conn
            .query("SELECT id, name, region_code FROM agencies", &[])?
            .into_iter()
            .map(|mut r| Ok((r.take("name")?, (r.get("id")?, r.take("region_code")?))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::on_both_backends;

    #[test]
    fn a_job_is_claimed_once_and_finished_once() {
        on_both_backends("jobs_claim", |store| {
            let actor = Actor::system();
            let a = store
                .create_job("ingest", &json!({"files": [1]}), 1, "upload", &actor)
                .unwrap();
            let b = store
                .create_job("ingest", &json!({"files": [2]}), 2, "upload", &actor)
                .unwrap();
            assert_eq!((a.status, a.done, a.total), (JobStatus::Queued, 0, 1));
            // Oldest first, each once; another kind is not taken.
            assert_eq!(store.claim_job("export").unwrap(), None);
            let first = store.claim_job("ingest").unwrap().unwrap();
            assert_eq!(
                (first.job.id, first.job.status, first.payload),
                (a.id, JobStatus::Running, json!({"files": [1]}))
            );
            assert_eq!(store.claim_job("ingest").unwrap().unwrap().job.id, b.id);
            assert_eq!(store.claim_job("ingest").unwrap(), None);
            assert!(store
                .job_progress(a.id, 1, 1, "读取 1/1", Some(&json!({"r": 1})))
                .unwrap());
            assert!(store
                .finish_job(a.id, JobStatus::Done, 1, "完成", &json!({"r": 2}))
                .unwrap());
            // Finished: no more progress, no second ending, not queued again.
            assert!(!store.job_progress(a.id, 0, 1, "", None).unwrap());
            assert!(!store
                .finish_job(a.id, JobStatus::Failed, 0, "x", &json!({}))
                .unwrap());
            assert_eq!(store.requeue_stale_jobs(i64::MAX).unwrap(), 1);
            let done = store.job(a.id).unwrap().unwrap();
            assert_eq!(
                (
                    done.job.status,
                    done.job.done,
                    done.job.message.as_str(),
                    done.payload
                ),
                (JobStatus::Done, 1, "完成", json!({"r": 2}))
            );
            assert_eq!(
                store.job(b.id).unwrap().unwrap().job.status,
                JobStatus::Queued
            );
            assert_eq!(
                store
                    .jobs(None, 10)
                    .unwrap()
                    .iter()
                    .map(|j| j.id)
                    .collect::<Vec<_>>(),
                vec![b.id, a.id]
            );
            assert!(store
                .finish_job(b.id, JobStatus::Running, 0, "", &json!({}))
                .is_err());
            let audit = store.audit_log(None, 10).unwrap();
            assert_eq!(
                audit
                    .iter()
                    .map(|e| (e.action.as_str(), e.target.clone()))
                    .collect::<Vec<_>>(),
                vec![
                    ("upload", format!("job:{}", b.id)),
                    ("upload", format!("job:{}", a.id))
                ]
            );
        });
    }

    #[test]
    fn only_a_stale_running_job_is_queued_again() {
        on_both_backends("jobs_stale", |store| {
            let actor = Actor::system();
            let a = store
                .create_job("ingest", &json!({}), 1, "upload", &actor)
                .unwrap();
            store.claim_job("ingest").unwrap().unwrap();
            // Its heart beat just now: another worker is on it.
            assert_eq!(store.requeue_stale_jobs(now() - 60).unwrap(), 0);
            store
                .query(
                    "UPDATE jobs SET updated_at = $1 WHERE id = $2",
                    &[(now() - 3600).into(), a.id.into()],
                )
                .unwrap();
            assert_eq!(store.requeue_stale_jobs(now() - 60).unwrap(), 1);
            assert_eq!(store.claim_job("ingest").unwrap().unwrap().job.id, a.id);
        });
    }

    /// Two workers claiming at once from their own connections: every job is taken by
    /// exactly one of them.
    #[test]
    fn concurrent_claims_take_each_job_once() {
        fn race(open: &(dyn Fn() -> Store + Sync)) {
            let mut store = open();
            let actor = Actor::system();
            let ids: Vec<i64> = (0..40)
                .map(|i| {
                    store
                        .create_job("ingest", &json!({"n": i}), 1, "upload", &actor)
                        .unwrap()
                        .id
                })
                .collect();
            let claimed: Vec<Vec<i64>> = std::thread::scope(|s| {
                let workers: Vec<_> = (0..2)
                    .map(|_| {
                        s.spawn(|| {
                            let mut mine = open();
                            let mut got = Vec::new();
                            while let Some(j) = mine.claim_job("ingest").unwrap() {
                                got.push(j.job.id);
                            }
                            got
                        })
                    })
                    .collect();
                workers.into_iter().map(|w| w.join().unwrap()).collect()
            });
            let mut all: Vec<i64> = claimed.concat();
            all.sort();
            assert_eq!(all, ids);
        }
        let dir = std::env::temp_dir().join(format!("gongkai-jobs-race-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("corpus.db").display().to_string();
        race(&|| Store::open(&path).unwrap());
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(url) = std::env::var("GONGKAI_TEST_POSTGRES") {
            let schema = format!("t_{}_jobs_race", std::process::id());
            let first = Store::open_postgres(&url, Some(&schema)).unwrap();
            race(&|| Store::open_postgres(&url, Some(&schema)).unwrap());
            let mut first = first;
            first
                .query(&format!("DROP SCHEMA {schema} CASCADE"), &[])
                .unwrap();
        }
    }
}
