//! Ingest by several worker processes sharing one database: files are queued as jobs
//! ([`enqueue`]), and each worker ([`work`]) claims a job, reads its files through the
//! one library path ([`ingest_named`]), keeps each committed batch's results in the
//! job, and ends it. When no file job is left, one worker runs the cross-report step
//! ([`cross_step`], queued as a job of its own so that exactly one worker runs it).
//!
//! Nothing is read twice and nothing is lost:
//! - claiming is one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so two
//!   workers never take the same job;
//! - a worker's heart beats from a thread of its own (its own connection) every
//!   [`WorkerOptions::heartbeat`]; a running job whose heart has not beaten for
//!   [`WorkerOptions::lease`] was left by a worker that died (`kill -9`, a lost
//!   machine), and any worker queues it again; the worker that takes it over skips the
//!   files whose results were kept, and files already stored with the same bytes are
//!   skipped by their hash in any case — the store writes under one writer lock and
//!   never stores the same bytes twice;
//! - the cross-report findings stay marked stale (the store's `cross_state`) until the
//!   step has run over everything stored.
//!
//! SQLite has one writer at a time: a second worker on an SQLite file waits for the
//! lock. Several workers are for PostgreSQL.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use gongkai_store::{
    Actor, Enqueued, FileDone, FileResult, FilesPayload, JobStatus, JobWithPayload, QueuedFile,
    Store, StoreError, KIND_INGEST_CROSS, KIND_INGEST_FILES,
};
use serde_json::Value as Json;

use crate::cross::CrossSummary;
use crate::ingest::{ingest_named, Discovered, FileOutcome, IngestOptions, NamedFile, Progress};

/// Files per job when not said otherwise.
pub const DEFAULT_CHUNK: usize = 200;

/// Queues the files `found` as jobs of at most `chunk` files, by absolute path (any
/// worker finds them, whatever its working directory), skipping paths queued already
/// and not failed ([`Store::enqueue_files`]). The folders and entries that could not
/// be examined are recorded as failures at once, as `ingest` records them, and what
/// could not be read under the folders given before is forgotten (their files are
/// examined again).
pub fn enqueue(
    store: &mut Store,
    found: &Discovered,
    chunk: usize,
    actor: &Actor,
) -> Result<Enqueued, StoreError> {
    if found.unreadable.is_empty() {
        store.forget_unreadable_under(&found.roots)?;
    } else {
        let unreadable_only = Discovered {
            files: Vec::new(),
            unreadable: found.unreadable.clone(),
            roots: found.roots.clone(),
        };
        crate::ingest::ingest(store, &unreadable_only, &IngestOptions::default(), &|_| {})?;
    }
    let files = found.files.iter().map(|p| queued_file(p)).collect();
    store.enqueue_files(files, chunk, actor)
}

/// A file as queued: its absolute path, size and modification time (zeros when it
/// cannot be examined: reading it says why).
fn queued_file(path: &std::path::Path) -> QueuedFile {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let (size, modified) = match std::fs::metadata(path) {
        Ok(m) => (
            m.len(),
            m.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64),
        ),
        Err(_) => (0, 0),
    };
    QueuedFile {
        path: absolute.display().to_string(),
        size,
        modified,
    }
}

/// How a worker works.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Stop once no job is queued or running (and the cross-report findings are up to
    /// date); otherwise wait for more work.
    pub until_empty: bool,
    /// A running job whose heart has not beaten for this long is taken over.
    pub lease: Duration,
    /// How often the heart of a running job beats (at most a third of the lease).
    pub heartbeat: Duration,
    /// How often an idle worker looks for work.
    pub poll: Duration,
    /// Who this worker is (`host:pid`), kept in the jobs it takes.
    pub name: String,
}

/// The lease of the web server's workers too: a job unheard of for 30 s is taken over.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

impl Default for WorkerOptions {
    fn default() -> WorkerOptions {
        WorkerOptions::with_lease(DEFAULT_LEASE)
    }
}

impl WorkerOptions {
    /// The options for a lease, the heartbeat a sixth of it (at most 5 s).
    pub fn with_lease(lease: Duration) -> WorkerOptions {
        let lease = lease.max(Duration::from_secs(1));
        WorkerOptions {
            until_empty: false,
            lease,
            heartbeat: (lease / 6).clamp(Duration::from_millis(100), Duration::from_secs(5)),
            poll: Duration::from_secs(1).min(lease / 2),
            name: worker_name(),
        }
    }
}

/// `host:pid`.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{host}:{}", std::process::id())
}

/// What the files of one job became (of those whose result is kept).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub files: usize,
    pub stored: usize,
    pub new_versions: usize,
    pub other_sources: usize,
    pub unchanged: usize,
    pub failed: usize,
}

impl JobCounts {
    fn of(payload: &FilesPayload) -> JobCounts {
        let mut c = JobCounts {
            files: payload.files.len(),
            ..JobCounts::default()
        };
        for d in payload.results.iter().flatten() {
            match d.result {
                FileResult::Stored => c.stored += 1,
                FileResult::NewVersion => c.new_versions += 1,
                FileResult::OtherSource => c.other_sources += 1,
                FileResult::Unchanged => c.unchanged += 1,
                FileResult::Failed => c.failed += 1,
            }
        }
        c
    }

    fn add(&mut self, o: JobCounts) {
        self.files += o.files;
        self.stored += o.stored;
        self.new_versions += o.new_versions;
        self.other_sources += o.other_sources;
        self.unchanged += o.unchanged;
        self.failed += o.failed;
    }

    /// "200 个文件：新增 198 份报告，…", as a finished job's message.
    pub fn line(&self) -> String {
        format!(
            "{} 个文件：新增 {} 份报告，新版本 {} 份，同一报告的另一来源 {} 个，未变 {} 个，失败 {} 个",
            self.files,
            self.stored,
            self.new_versions,
            self.other_sources,
            self.unchanged,
            self.failed
        )
    }
}

/// What a worker tells as it works (the command prints it).
#[derive(Debug)]
pub enum Event<'a> {
    /// Running jobs whose worker was gone were queued again.
    TakenOver {
        jobs: usize,
    },
    /// A job of files claimed; `done_before` of them were done by an earlier worker.
    Started {
        job: i64,
        files: usize,
        done_before: usize,
        attempt: u32,
    },
    /// A file that gave no report.
    FileFailed {
        path: &'a str,
        error: &'a str,
    },
    /// A job of files finished.
    Finished {
        job: i64,
        counts: JobCounts,
        seconds: f64,
    },
    /// A job ended because of a database error.
    JobFailed {
        job: i64,
        error: &'a str,
    },
    /// This worker's job was taken over by another (its heart stopped for longer than
    /// the lease): the other finishes it; nothing is stored twice.
    Lost {
        job: i64,
    },
    CrossStarted {
        job: i64,
    },
    CrossFinished {
        summary: &'a CrossSummary,
        seconds: f64,
    },
    CrossFailed {
        error: &'a str,
    },
    /// The heart could not beat (the database did not answer).
    Heartbeat {
        error: &'a str,
    },
}

/// What a worker did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkerSummary {
    /// Jobs of files finished, and what their files became.
    pub jobs: usize,
    pub counts: JobCounts,
    /// Jobs ended failed (a database error), or lost to another worker.
    pub failed_jobs: usize,
    pub lost_jobs: usize,
    /// Jobs queued again because their worker was gone.
    pub taken_over: usize,
    /// Files of jobs taken over whose results an earlier worker kept: not read again.
    pub resumed: usize,
    /// The cross-report step, when this worker ran it (the last run's counts).
    pub cross_runs: usize,
    pub cross: Option<CrossSummary>,
    pub cross_failed: bool,
}

impl WorkerSummary {
    /// Something went wrong that the exit code should say: a file that gave no report,
    /// a failed job or cross-report step.
    pub fn has_failures(&self) -> bool {
        self.counts.failed > 0 || self.failed_jobs > 0 || self.cross_failed
    }
}

/// The cross-report step after the queue's files are in. The one place the workers run
/// it.
pub fn cross_step(store: &mut Store, opts: &IngestOptions) -> Result<CrossSummary, StoreError> {
    crate::cross::run(store, &opts.selection, &opts.similarity)
}

/// Works as a worker on `store`'s database: takes over jobs whose worker is gone, runs
/// queued jobs of files (oldest first), and once none is queued or running and the
/// cross-report findings are stale, queues and runs the cross-report step. With
/// [`WorkerOptions::until_empty`] it returns when nothing is left to do; otherwise it
/// waits for more. `connect` opens another connection to the same database, for the
/// heartbeat. A database error ends the worker (its job is taken over by another once
/// the lease has passed).
pub fn work(
    store: &mut Store,
    connect: &(dyn Fn() -> Result<Store, StoreError> + Sync),
    opts: &IngestOptions,
    wopts: &WorkerOptions,
    tell: &mut dyn FnMut(Event<'_>),
) -> Result<WorkerSummary, StoreError> {
    let beat = Beat::default();
    std::thread::scope(|scope| {
        let heart = scope.spawn(|| beat.run(connect, wopts.heartbeat));
        let ended = work_loop(store, &beat, opts, wopts, tell);
        beat.stop();
        let _ = heart.join();
        ended
    })
}

fn work_loop(
    store: &mut Store,
    beat: &Beat,
    opts: &IngestOptions,
    wopts: &WorkerOptions,
    tell: &mut dyn FnMut(Event<'_>),
) -> Result<WorkerSummary, StoreError> {
    let kinds = [KIND_INGEST_FILES, KIND_INGEST_CROSS];
    let mut summary = WorkerSummary::default();
    let mut swept: Option<Instant> = None;
    // A cross-report step that failed is not queued again by this worker until it has
    // stored more files (it would fail again).
    let mut cross_failed_here = false;
    loop {
        for error in beat.errors() {
            tell(Event::Heartbeat { error: &error });
        }
        if swept.is_none_or(|t| t.elapsed() >= wopts.lease / 3) {
            swept = Some(Instant::now());
            let before = unix_now() - wopts.lease.as_secs().max(1) as i64;
            let n = store.requeue_stale_jobs_of(&kinds, before)?;
            if n > 0 {
                summary.taken_over += n;
                tell(Event::TakenOver { jobs: n });
            }
        }
        if let Some(job) = store.claim_job(KIND_INGEST_FILES)? {
            match run_files(store, beat, job, opts, wopts, tell)? {
                Ran::Done(counts, resumed) => {
                    summary.jobs += 1;
                    summary.resumed += resumed;
                    summary.counts.add(counts);
                    cross_failed_here = false;
                }
                Ran::Failed => summary.failed_jobs += 1,
                Ran::Lost => summary.lost_jobs += 1,
            }
            continue;
        }
        if let Some(job) = store.claim_job(KIND_INGEST_CROSS)? {
            match run_cross(store, beat, job, opts, wopts, tell)? {
                Some(s) => {
                    summary.cross_runs += 1;
                    summary.cross = Some(s);
                    summary.cross_failed = false;
                }
                None => {
                    summary.cross_failed = true;
                    cross_failed_here = true;
                }
            }
            continue;
        }
        let files = store.queue_counts(KIND_INGEST_FILES)?;
        let cross = store.queue_counts(KIND_INGEST_CROSS)?;
        if files.pending() == 0 && cross.pending() == 0 {
            if store.cross_state()?.stale && !cross_failed_here {
                store.queue_cross_step()?;
                continue;
            }
            if wopts.until_empty {
                return Ok(summary);
            }
        }
        std::thread::sleep(wopts.poll);
    }
}

/// How a claimed job ended.
enum Ran {
    /// What the job's files became, and how many of them an earlier worker had done.
    Done(JobCounts, usize),
    Failed,
    Lost,
}

fn run_files(
    store: &mut Store,
    beat: &Beat,
    job: JobWithPayload,
    opts: &IngestOptions,
    wopts: &WorkerOptions,
    tell: &mut dyn FnMut(Event<'_>),
) -> Result<Ran, StoreError> {
    let started = Instant::now();
    let id = job.job.id;
    let mut payload: FilesPayload = match serde_json::from_value(job.payload.clone()) {
        Ok(p) => p,
        Err(e) => {
            let error = format!("任务内容无法读取：{e}");
            store.finish_job(id, JobStatus::Failed, 0, &error, &job.payload)?;
            tell(Event::JobFailed {
                job: id,
                error: &error,
            });
            return Ok(Ran::Failed);
        }
    };
    let total = payload.files.len();
    payload.results.resize(total, None);
    payload.attempts += 1;
    payload.worker = Some(wopts.name.clone());
    let attempt = payload.attempts;
    let before = payload.done();
    // Written at once: the job is this worker's from now on.
    beat.begin(id, before, total, to_json(&payload), false);
    tell(Event::Started {
        job: id,
        files: total,
        done_before: before,
        attempt,
    });
    // The files whose result an earlier worker kept are not read again.
    let (index, named): (Vec<usize>, Vec<NamedFile>) = payload
        .files
        .iter()
        .enumerate()
        .filter(|(i, _)| payload.results[*i].is_none())
        .map(|(i, f)| {
            (
                i,
                NamedFile {
                    read_from: PathBuf::from(&f.path),
                    name: f.path.clone(),
                },
            )
        })
        .unzip();
    let progress = |p: Progress| beat.progress(before + p.done, total);
    let accept = |_: &gongkai_store::NewReport| Ok(());
    let ingested = {
        let payload = &mut payload;
        // Each batch's results, kept in the job once the batch is committed: a worker
        // that takes the job over resumes after them.
        let mut written = |told: &[(usize, FileOutcome)]| {
            for (j, o) in told {
                payload.results[index[*j]] = Some(done_of(o));
            }
            beat.payload(payload.done(), to_json(payload));
        };
        ingest_named(store, &named, opts, &accept, &progress, &mut written)
    };
    let outcomes = match ingested {
        Ok((_, outcomes)) => outcomes,
        Err(e) => {
            beat.end();
            let error = format!("入库失败：{e}");
            tell(Event::JobFailed {
                job: id,
                error: &error,
            });
            // The connection may be gone; the job is then taken over after the lease.
            let _ = store.finish_job(
                id,
                JobStatus::Failed,
                payload.done() as i64,
                &error,
                &to_json(&payload),
            );
            return Err(e);
        }
    };
    for (j, o) in outcomes.iter().enumerate() {
        let i = index[j];
        payload.results[i] = Some(done_of(o));
        if let FileOutcome::Failed { message, .. } | FileOutcome::Refused { message } = o {
            tell(Event::FileFailed {
                path: &payload.files[i].path,
                error: message,
            });
        }
    }
    // Versions stored by an earlier worker on this job and by this one are ordered as
    // one run would have ordered them.
    if attempt > 1 {
        let stored: Vec<i64> = payload
            .results
            .iter()
            .flatten()
            .filter(|d| matches!(d.result, FileResult::Stored | FileResult::NewVersion))
            .filter_map(|d| d.report_id)
            .collect();
        store.settle_versions(&stored)?;
    }
    beat.end();
    let counts = JobCounts::of(&payload);
    if !still_mine(store, id, attempt)? {
        tell(Event::Lost { job: id });
        return Ok(Ran::Lost);
    }
    let finished = store.finish_job(
        id,
        JobStatus::Done,
        payload.done() as i64,
        &counts.line(),
        &to_json(&payload),
    )?;
    if !finished {
        tell(Event::Lost { job: id });
        return Ok(Ran::Lost);
    }
    tell(Event::Finished {
        job: id,
        counts,
        seconds: started.elapsed().as_secs_f64(),
    });
    Ok(Ran::Done(counts, before))
}

/// Whether the job is still this worker's: running, and not taken again since this
/// worker took it (its attempt is the last).
fn still_mine(store: &mut Store, id: i64, attempt: u32) -> Result<bool, StoreError> {
    let Some(job) = store.job(id)? else {
        return Ok(false);
    };
    let attempts = job
        .payload
        .get("attempts")
        .and_then(Json::as_u64)
        .unwrap_or(0);
    Ok(job.job.status == JobStatus::Running && attempts == u64::from(attempt))
}

fn run_cross(
    store: &mut Store,
    beat: &Beat,
    job: JobWithPayload,
    opts: &IngestOptions,
    wopts: &WorkerOptions,
    tell: &mut dyn FnMut(Event<'_>),
) -> Result<Option<CrossSummary>, StoreError> {
    let started = Instant::now();
    let id = job.job.id;
    let payload = serde_json::json!({ "worker": wopts.name });
    beat.begin(id, 0, 1, payload.clone(), true);
    tell(Event::CrossStarted { job: id });
    let ran = cross_step(store, opts);
    beat.end();
    match ran {
        Ok(s) => {
            let line = format!(
                "跨报告检查：相邻年度 {} 对，结转不一致 {} 处，现行有效件数不连续 {} 处，内容雷同 {} 处",
                s.year_pairs, s.carry_over, s.stock, s.copied
            );
            store.finish_job(id, JobStatus::Done, 1, &line, &payload)?;
            tell(Event::CrossFinished {
                summary: &s,
                seconds: started.elapsed().as_secs_f64(),
            });
            Ok(Some(s))
        }
        Err(e) => {
            let error = format!("跨报告检查失败：{e}");
            if e.is_connection() {
                return Err(e);
            }
            store.finish_job(id, JobStatus::Failed, 0, &error, &payload)?;
            tell(Event::CrossFailed { error: &error });
            Ok(None)
        }
    }
}

fn done_of(o: &FileOutcome) -> FileDone {
    let (result, report_id) = match o {
        FileOutcome::Stored {
            report_id,
            version: 1,
        } => (FileResult::Stored, Some(*report_id)),
        FileOutcome::Stored { report_id, .. } => (FileResult::NewVersion, Some(*report_id)),
        FileOutcome::OtherSource { report_id } => (FileResult::OtherSource, Some(*report_id)),
        FileOutcome::Unchanged { report_id } => (FileResult::Unchanged, *report_id),
        FileOutcome::Failed { .. } | FileOutcome::Refused { .. } => (FileResult::Failed, None),
    };
    FileDone { result, report_id }
}

fn to_json(payload: &impl serde::Serialize) -> Json {
    serde_json::to_value(payload).unwrap_or(Json::Null)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

// ---------------------------------------------------------------------------
// The heartbeat: a thread with its own connection writes the running job's progress
// (and, after each committed batch, its results) and so keeps its lease.
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Beat {
    state: Mutex<BeatState>,
    signal: Condvar,
}

#[derive(Default)]
struct BeatState {
    job: Option<i64>,
    done: usize,
    total: usize,
    /// The payload to write with the next beat (results changed).
    payload: Option<Json>,
    /// Something to write now rather than at the next beat.
    urgent: bool,
    /// The job is the cross-report step (its message says so).
    cross: bool,
    stop: bool,
    errors: Vec<String>,
}

impl Beat {
    fn lock(&self) -> std::sync::MutexGuard<'_, BeatState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn begin(&self, job: i64, done: usize, total: usize, payload: Json, cross: bool) {
        let mut s = self.lock();
        s.job = Some(job);
        s.cross = cross;
        s.done = done;
        s.total = total;
        s.payload = Some(payload);
        s.urgent = true;
        self.signal.notify_all();
    }

    fn progress(&self, done: usize, total: usize) {
        let mut s = self.lock();
        s.done = done;
        s.total = total;
    }

    fn payload(&self, done: usize, payload: Json) {
        let mut s = self.lock();
        s.done = s.done.max(done);
        s.payload = Some(payload);
        s.urgent = true;
        self.signal.notify_all();
    }

    fn end(&self) {
        let mut s = self.lock();
        s.job = None;
        s.payload = None;
        s.urgent = false;
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.signal.notify_all();
    }

    fn errors(&self) -> Vec<String> {
        std::mem::take(&mut self.lock().errors)
    }

    fn run(&self, connect: &(dyn Fn() -> Result<Store, StoreError> + Sync), every: Duration) {
        let mut store: Option<Store> = None;
        let mut last = Instant::now();
        loop {
            let (job, message, payload) = {
                let s = self.lock();
                let wait = every.saturating_sub(last.elapsed());
                let (mut s, _) = self
                    .signal
                    .wait_timeout_while(s, wait, |s| !s.urgent && !s.stop)
                    .unwrap_or_else(|e| e.into_inner());
                if s.stop {
                    return;
                }
                if !s.urgent && last.elapsed() < every {
                    continue;
                }
                s.urgent = false;
                let Some(job) = s.job else {
                    last = Instant::now();
                    continue;
                };
                let message = if s.cross {
                    "运行跨报告规则…".to_string()
                } else {
                    format!("读取文件 {}/{}", s.done, s.total)
                };
                (job, (s.done, s.total, message), s.payload.take())
            };
            let (done, total, message) = message;
            last = Instant::now();
            let written = match &mut store {
                Some(st) => Ok(st),
                None => connect().map(|st| store.insert(st)),
            }
            .and_then(|st| {
                st.job_progress(job, done as i64, total as i64, &message, payload.as_ref())
            });
            if let Err(e) = written {
                let mut s = self.lock();
                s.errors.push(e.to_string());
                // Written with the next beat, unless newer results came meanwhile.
                if s.job == Some(job) && s.payload.is_none() {
                    s.payload = payload;
                }
                if e.is_connection() {
                    store = None;
                }
            }
        }
    }
}
