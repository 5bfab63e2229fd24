//! Background jobs: the uploads' ingests, kept in the database (`jobs`) and run by a
//! [`Worker`] — a thread of its own with its own connection, so a long ingest never
//! holds a request's connection or the async runtime.
//!
//! An upload queues a job (kind `ingest`) whose payload names the uploader and the files
//! (their SHA-256 and the names they were given). The worker claims queued jobs one at a
//! time ([`Store::claim_job`]: safe with several server processes on one database),
//! reads the files through the corpus library exactly as `gongkai ingest` does
//! ([`gongkai_corpus::ingest::ingest_named`]: the bytes kept under their hash, stored
//! under `upload/<user id>/<name>`), runs the cross-report rules, and ends the job done
//! or failed. While it runs, a reporter thread (another connection) writes its progress
//! and each batch's per-file results, and beats its heart (`updated_at`): a job whose
//! heart has stopped for [`LEASE_SECONDS`] was left by a server that crashed or
//! restarted, and any worker queues it again and resumes it — files whose results were
//! kept are not read again, and files already stored are skipped by their hash.
//!
//! Who may store what is asked of the one policy after each file is read:
//! [`authorize`] with [`Action::Upload`] on the report's agency and unit. Agency staff
//! can therefore store only their own agency's reports (a report of another agency, or
//! whose agency could not be recognised, is refused with its reason as that file's
//! result, and is not recorded in the corpus); a reviewer, only reports in their
//! regions.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use gongkai_corpus::ingest::{ingest_named, FileOutcome, IngestOptions, NamedFile, Progress};
use gongkai_model::access::Scope;
use gongkai_store::{Filter, JobStatus, JobWithPayload, NewReport, Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::authz::{authorize, Action, Denied, Principal, Target};
use crate::db::Db;
use crate::state::AppState;

/// The kind of an upload's ingest job.
pub const KIND_INGEST: &str = "ingest";
/// A running job whose heart has not beaten for this long was left by a worker that is
/// gone, and is queued again.
pub const LEASE_SECONDS: i64 = 30;
/// How often a running job's heart beats.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// How often an idle worker looks for work it was not woken for (a job queued by
/// another server process).
const POLL: Duration = Duration::from_secs(1);
/// The fewest milliseconds between two progress writes of one job.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// What an upload job is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UploadPayload {
    pub uploader: Uploader,
    pub files: Vec<UploadedFile>,
    /// One per file, as each is known (all once the job is done).
    #[serde(default)]
    pub results: Vec<Option<FileResult>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Uploader {
    pub user_id: i64,
    pub name: String,
}

/// A file of an upload: kept under its SHA-256; the name is only shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UploadedFile {
    /// The name it was given, made safe to show ([`display_name`]).
    pub name: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub hash: String,
    pub size: u64,
}

/// What became of one uploaded file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultStatus {
    /// A new report.
    Stored,
    /// A new version of a report in the corpus.
    NewVersion,
    /// The same tables as a stored report in another format.
    OtherSource,
    /// These bytes were in the corpus already.
    Unchanged,
    /// Not read as a report.
    Failed,
    /// Read, but not the uploader's to store (outside their agency or regions).
    Refused,
}

impl ResultStatus {
    pub fn label(self) -> &'static str {
        match self {
            ResultStatus::Stored => "已入库",
            ResultStatus::NewVersion => "新版本",
            ResultStatus::OtherSource => "同一报告的另一来源",
            ResultStatus::Unchanged => "未变（此前已入库）",
            ResultStatus::Failed => "失败",
            ResultStatus::Refused => "被拒绝",
        }
    }

    pub fn is_failure(self) -> bool {
        matches!(self, ResultStatus::Failed | ResultStatus::Refused)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileResult {
    pub status: ResultStatus,
    /// The report it is (a source of), to link to.
    pub report_id: Option<i64>,
    /// Its version, for a new report or version.
    pub version: Option<i64>,
    /// The report's agency and year, as stored.
    pub agency: Option<String>,
    pub year: Option<i32>,
    /// Why it failed or was refused.
    pub reason: Option<String>,
    /// The kind of failure (`gongkai_store::FailureKind` word), for scripts.
    pub failure: Option<String>,
}

impl FileResult {
    fn of(outcome: &FileOutcome, uploader: i64) -> FileResult {
        let blank = FileResult {
            status: ResultStatus::Failed,
            report_id: None,
            version: None,
            agency: None,
            year: None,
            reason: None,
            failure: None,
        };
        match outcome {
            FileOutcome::Stored { report_id, version } => FileResult {
                status: if *version == 1 {
                    ResultStatus::Stored
                } else {
                    ResultStatus::NewVersion
                },
                report_id: Some(*report_id),
                version: Some(*version),
                ..blank
            },
            FileOutcome::OtherSource { report_id } => FileResult {
                status: ResultStatus::OtherSource,
                report_id: Some(*report_id),
                ..blank
            },
            FileOutcome::Unchanged { report_id } => FileResult {
                status: ResultStatus::Unchanged,
                report_id: *report_id,
                ..blank
            },
            FileOutcome::Failed { kind, message } => FileResult {
                // The reader names the file by its stored name; the user knows it by
                // the name they gave.
                reason: Some(message.replace(&stored_prefix(uploader), "")),
                failure: Some(kind.as_str().to_string()),
                ..blank
            },
            FileOutcome::Refused { message } => FileResult {
                status: ResultStatus::Refused,
                reason: Some(message.clone()),
                ..blank
            },
        }
    }

    fn failed(reason: String) -> FileResult {
        FileResult {
            status: ResultStatus::Failed,
            report_id: None,
            version: None,
            agency: None,
            year: None,
            reason: Some(reason),
            failure: None,
        }
    }
}

/// The longest name kept, in characters.
pub const NAME_CHARS: usize = 120;

/// A file name as given by a browser or a script, made safe to show and to store as a
/// name (never used as a path): the last component only (no `/` or `\`), no control
/// characters, no leading dots, at most [`NAME_CHARS`] characters (the extension kept).
pub fn display_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'))
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    if clean.is_empty() {
        return "未命名文件".to_string();
    }
    let chars: Vec<char> = clean.chars().collect();
    if chars.len() <= NAME_CHARS {
        return clean.to_string();
    }
    // Keep a short extension: the format is sniffed from the bytes, but people read it.
    let ext: Vec<char> = match clean.rfind('.') {
        Some(dot) if clean.len() - dot <= 10 => clean[dot..].chars().collect(),
        _ => Vec::new(),
    };
    let mut out: String = chars[..NAME_CHARS - ext.len() - 1].iter().collect();
    out.push('…');
    out.extend(ext);
    out
}

fn stored_prefix(user_id: i64) -> String {
    format!("upload/{user_id}/")
}

/// The name the corpus stores an uploaded file under.
pub fn stored_name(user_id: i64, display: &str) -> String {
    format!("{}{display}", stored_prefix(user_id))
}

// ---------------------------------------------------------------------------
// Waking the workers of this process when a job is queued
// ---------------------------------------------------------------------------

static QUEUED: Mutex<u64> = Mutex::new(0);
static WOKEN: Condvar = Condvar::new();

/// Tells this process's workers that a job was queued (others find it within [`POLL`]).
pub fn wake() {
    *QUEUED.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    WOKEN.notify_all();
}

/// Waits until woken or `timeout`.
fn sleep(timeout: Duration, seen: &mut u64) {
    let guard = QUEUED.lock().unwrap_or_else(|e| e.into_inner());
    let (guard, _) = WOKEN
        .wait_timeout_while(guard, timeout, |n| *n == *seen)
        .unwrap_or_else(|e| e.into_inner());
    *seen = *guard;
}

// ---------------------------------------------------------------------------
// The worker
// ---------------------------------------------------------------------------

/// The job worker's thread. Dropping it (or [`Worker::stop`]) asks it to stop and waits
/// for the job it is running, if any, to end.
pub struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts a worker on `state`'s database: jobs left running by a server that is gone
    /// are queued again at once, then queued jobs are run, oldest first.
    pub fn start(state: &AppState) -> Result<Worker, StoreError> {
        let mut store = state.db.connect()?;
        store.requeue_stale_jobs(crate::now() - LEASE_SECONDS)?;
        sweep_incoming(&state.data_dir.join("files"));
        let stop = Arc::new(AtomicBool::new(false));
        let ctx = Ctx {
            db: Arc::clone(&state.db),
            data_dir: state.data_dir.clone(),
            last_cross: std::sync::Mutex::new(None),
        };
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("gongkai-jobs".into())
            .spawn(move || {
                // Background work yields to the pages: the worker thread, and the rayon
                // threads that read its files (the process's global pool: the pages use
                // none), run at a lower scheduling priority, so that a burst of uploads
                // (reading, the cross-report rules) slows reviewers' requests as little as
                // the machine allows. Threads they start inherit it.
                lower_priority();
                let _ = rayon::ThreadPoolBuilder::new()
                    .start_handler(|_| lower_priority())
                    .build_global();
                work(store, &ctx, &flag)
            })
            .map_err(StoreError::Io)?;
        Ok(Worker {
            stop,
            thread: Some(thread),
        })
    }

    pub fn stop(mut self) {
        self.shut_down();
    }

    /// Asks the worker to stop and waits at most `wait` for it; a job still running
    /// then is left to be resumed by the next start (its heart stops with the process).
    pub fn stop_within(mut self, wait: Duration) {
        self.stop.store(true, Ordering::SeqCst);
        wake();
        let started = Instant::now();
        while started.elapsed() < wait {
            if self.thread.as_ref().is_none_or(|t| t.is_finished()) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if self.thread.as_ref().is_some_and(|t| t.is_finished()) {
            self.shut_down();
        } else {
            // Not joined: the thread ends with the process.
            self.thread.take();
        }
    }

    fn shut_down(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        wake();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Temporary files of uploads ([`crate::routes::upload::TEMPORARY`]) a day old: left
/// by a server stopped while receiving them. Younger ones may be arriving now.
fn sweep_incoming(files_dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(files_dir) else {
        return;
    };
    let day = Duration::from_secs(24 * 3600);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > day);
        let (prefix, suffix) = crate::routes::upload::TEMPORARY;
        if name.starts_with(prefix) && name.ends_with(suffix) && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

struct Ctx {
    db: Arc<Db>,
    data_dir: PathBuf,
    /// When this worker last ran the cross-report rules.
    last_cross: std::sync::Mutex<Option<Instant>>,
}

/// The cross-report rules read the whole corpus (seconds at 10,000 reports, with the
/// database busy meanwhile): while uploads keep arriving they run at most this often,
/// the rest of the time after each upload.
pub const CROSS_MIN_INTERVAL: Duration = Duration::from_secs(60);

impl Ctx {
    fn cross_ran_within(&self, interval: Duration) -> bool {
        self.last_cross
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|t| t.elapsed() < interval)
    }

    fn run_cross(&self, store: &mut Store) -> Result<(), StoreError> {
        let opts = IngestOptions::default();
        gongkai_corpus::cross::run(store, &opts.selection, &opts.similarity)?;
        *self.last_cross.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        Ok(())
    }
}

/// Lowers the calling thread's scheduling priority (nice 10). On Linux `setpriority`
/// with who = 0 applies to the calling thread only; elsewhere it is left as it is.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority takes plain integers and only changes this thread's nice value.
    unsafe {
        let _ = libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

fn work(mut store: Store, ctx: &Ctx, stop: &AtomicBool) {
    let mut seen = 0;
    let mut swept = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        if swept.elapsed() >= Duration::from_secs(LEASE_SECONDS as u64 / 3) {
            swept = Instant::now();
            if let Err(e) = store.requeue_stale_jobs(crate::now() - LEASE_SECONDS) {
                eprintln!("后台任务：无法检查中断的任务：{e}");
            }
        }
        match store.claim_job(KIND_INGEST) {
            Ok(Some(job)) => run_job(&mut store, ctx, job),
            Ok(None) => {
                // Idle: cross-report findings left stale by deferred runs (or by
                // another writer) are brought up to date once the interval has passed.
                if !ctx.cross_ran_within(CROSS_MIN_INTERVAL)
                    && store.cross_state().is_ok_and(|c| c.stale)
                {
                    if let Err(e) = ctx.run_cross(&mut store) {
                        eprintln!("后台任务：跨报告规则运行失败：{e}");
                    }
                }
                sleep(POLL, &mut seen)
            }
            Err(e) => {
                eprintln!("后台任务：无法领取任务：{e}");
                if e.is_connection() {
                    match ctx.db.connect() {
                        Ok(s) => store = s,
                        Err(e) => eprintln!("后台任务：无法重新连接数据库：{e}"),
                    }
                }
                sleep(POLL * 5, &mut seen);
            }
        }
    }
}

/// Runs one claimed job to its end.
fn run_job(store: &mut Store, ctx: &Ctx, job: JobWithPayload) {
    let id = job.job.id;
    // A job that cannot even start ends failed, its payload as it was.
    let mut fail = |message: String| {
        if let Err(e) = store.finish_job(id, JobStatus::Failed, 0, &message, &job.payload) {
            eprintln!("后台任务 {id}：无法记录结果：{e}");
        }
    };
    let mut payload: UploadPayload = match serde_json::from_value(job.payload.clone()) {
        Ok(p) => p,
        Err(e) => return fail(format!("任务内容无法读取：{e}")),
    };
    payload.results.resize(payload.files.len(), None);
    let reporter = match Reporter::start(&ctx.db, id, &payload) {
        Ok(r) => r,
        Err(e) => return fail(format!("无法记录任务进度：{e}")),
    };
    let ended = ingest_upload(store, ctx, &mut payload, &reporter);
    // What the reporter kept of this run's results, with the rest.
    reporter.stop();
    let (status, message) = match ended {
        Ok(message) => (JobStatus::Done, message),
        Err(message) => (JobStatus::Failed, message),
    };
    let done = payload.results.iter().flatten().count() as i64;
    let json = serde_json::to_value(&payload).unwrap_or(job.payload);
    if let Err(e) = store.finish_job(id, status, done, &message, &json) {
        eprintln!("后台任务 {id}：无法记录结果：{e}");
    }
}

/// Reads the upload's files into the corpus and runs the cross-report rules: the
/// summary line, or why the job failed.
fn ingest_upload(
    store: &mut Store,
    ctx: &Ctx,
    payload: &mut UploadPayload,
    reporter: &Reporter,
) -> Result<String, String> {
    let stored = |e: StoreError| format!("数据库错误：{e}");
    let uploader = payload.uploader.user_id;
    let user = store
        .user(uploader)
        .map_err(stored)?
        .filter(|u| u.active)
        .ok_or_else(|| "上传者的账户已不存在或已停用，文件未入库".to_string())?;
    let principal: Principal = Principal {
        user_id: user.id,
        name: user.name,
        role: user.role,
        scope: user.scope,
    };
    authorize(&principal, Action::Upload, Target::Anything)
        .map_err(|d| format!("上传者{d}，文件未入库"))?;
    // A scope that covers everything needs no agency looked up.
    let agencies = match principal.scope {
        Scope::Everywhere => HashMap::new(),
        _ => store.agency_regions().map_err(stored)?,
    };
    // Files whose result a run before a restart kept are not read again.
    let mut named = Vec::new();
    let mut index = Vec::new();
    for (i, f) in payload.files.iter().enumerate() {
        if payload.results[i].is_some() {
            continue;
        }
        match crate::sources::upload_path(&ctx.data_dir, &f.hash) {
            Some(path) => {
                named.push(NamedFile {
                    read_from: path,
                    name: stored_name(uploader, &f.name),
                });
                index.push(i);
            }
            None => payload.results[i] = Some(FileResult::failed("文件标识无效".into())),
        }
    }
    let before = payload.files.len() - named.len();
    let total = payload.files.len();
    reporter.progress(before, total, format!("读取文件 {before}/{total}"));
    let opts = IngestOptions {
        // Results are kept batch by batch: a restart loses little.
        batch: 50,
        ..IngestOptions::default()
    };
    let accept = |new: &NewReport| may_store(&principal, &agencies, new);
    let progress = |p: Progress| {
        let done = before + p.done;
        reporter.progress(done, total, format!("读取文件 {done}/{total}"));
    };
    let mut written = |told: &[(usize, FileOutcome)]| {
        reporter.results(
            told.iter()
                .map(|(j, o)| (index[*j], FileResult::of(o, uploader))),
        );
    };
    let (_, outcomes) = ingest_named(store, &named, &opts, &accept, &progress, &mut written)
        .map_err(|e| format!("入库失败：{e}"))?;
    for (j, o) in outcomes.iter().enumerate() {
        payload.results[index[j]] = Some(FileResult::of(o, uploader));
    }
    // The cross-report rules look at the whole corpus (seconds on 10,000 reports):
    // while more uploads wait, they run once after the last of them instead of after
    // each, and not again within CROSS_MIN_INTERVAL of the last run (the idle worker
    // runs them then). Until then the corpus says its cross-report findings are stale.
    let waiting = store.queued_jobs(KIND_INGEST).map_err(stored)?;
    let deferred = if waiting > 0 {
        Some("跨报告规则将在排队的其余上传完成后运行")
    } else if ctx.cross_ran_within(CROSS_MIN_INTERVAL) {
        Some("跨报告规则刚运行过，将在 1 分钟内再次运行")
    } else {
        None
    };
    if deferred.is_none() {
        reporter.progress(total, total, "运行跨报告规则…".into());
        ctx.run_cross(store)
            .map_err(|e| format!("跨报告规则运行失败：{e}"))?;
    }
    // The agency and year of each report, to show beside the file.
    let ids: Vec<i64> = payload
        .results
        .iter()
        .flatten()
        .filter_map(|r| r.report_id)
        .collect();
    if !ids.is_empty() {
        let rows = store
            .reports(&Filter {
                all_versions: true,
                ids: Some(ids),
                ..Filter::default()
            })
            .map_err(stored)?;
        let by_id: HashMap<i64, _> = rows.into_iter().map(|r| (r.id, r)).collect();
        for r in payload.results.iter_mut().flatten() {
            if let Some(row) = r.report_id.and_then(|id| by_id.get(&id)) {
                r.agency = row.agency.clone();
                r.year = row.year;
            }
        }
    }
    let line = summary_line(&payload.results);
    Ok(match deferred {
        Some(why) => format!("{line}；{why}"),
        None => line,
    })
}

/// Whether `user` may store this report: the policy's answer for uploading it, with the
/// reason when not. The agency as the corpus knows it (its id and unit) when it is
/// there; a new agency has no id, so it is no agency staff's own.
fn may_store(
    user: &Principal,
    agencies: &HashMap<String, (i64, Option<String>)>,
    new: &NewReport,
) -> Result<(), String> {
    let (name, agency_id, region_code) = match &new.agency {
        Some(a) => match agencies.get(&a.name) {
            Some((id, code)) => (Some(a.name.as_str()), Some(*id), code.clone()),
            None => (Some(a.name.as_str()), None, a.place.code.clone()),
        },
        None => (None, None, None),
    };
    let target = Target::Report {
        agency_id,
        region_code: region_code.as_deref(),
    };
    match authorize(user, Action::Upload, target) {
        Ok(()) => Ok(()),
        Err(Denied::Role) => Err(format!("{}，未入库", Denied::Role)),
        Err(Denied::Scope) => {
            let whose = match &user.scope {
                Scope::Agency(_) => "机关人员只能上传本机关的报告",
                _ => "只能上传负责地区内机关的报告",
            };
            Err(match name {
                Some(n) => format!("报告的机关为“{n}”，{}：{whose}，未入库", Denied::Scope),
                None => format!("未能识别报告的机关，无法确认它在您的负责范围内：{whose}，未入库"),
            })
        }
    }
}

/// "4 个文件：新增 2 份报告，…" of the results known.
pub fn summary_line(results: &[Option<FileResult>]) -> String {
    let count = |s: ResultStatus| results.iter().flatten().filter(|r| r.status == s).count();
    format!(
        "{} 个文件：新增 {} 份报告，新版本 {} 份，另一来源 {} 个，未变 {} 个，失败 {} 个，被拒绝 {} 个",
        results.len(),
        count(ResultStatus::Stored),
        count(ResultStatus::NewVersion),
        count(ResultStatus::OtherSource),
        count(ResultStatus::Unchanged),
        count(ResultStatus::Failed),
        count(ResultStatus::Refused),
    )
}

// ---------------------------------------------------------------------------
// Progress, results and heartbeat of a running job, written by a thread of its own
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Latest {
    done: usize,
    total: usize,
    message: String,
    /// Progress not yet written.
    changed: bool,
    /// Results not yet written.
    results_changed: bool,
    stop: bool,
}

struct Reporter {
    shared: Arc<(Mutex<(Latest, UploadPayload)>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Reporter {
    fn start(db: &Db, id: i64, payload: &UploadPayload) -> Result<Reporter, StoreError> {
        let mut store = db.connect()?;
        let shared = Arc::new((
            Mutex::new((Latest::default(), payload.clone())),
            Condvar::new(),
        ));
        let mine = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("gongkai-job-{id}"))
            .spawn(move || {
                let (lock, signal) = &*mine;
                let mut beat = Instant::now();
                loop {
                    let (done, total, message, payload, stop) = {
                        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
                        let (mut guard, _) = signal
                            .wait_timeout_while(guard, HEARTBEAT, |(l, _)| {
                                !(l.changed || l.results_changed || l.stop)
                            })
                            .unwrap_or_else(|e| e.into_inner());
                        let (latest, payload) = &mut *guard;
                        let due =
                            latest.changed || latest.results_changed || beat.elapsed() >= HEARTBEAT;
                        let payload = latest
                            .results_changed
                            .then(|| serde_json::to_value(&*payload).ok())
                            .flatten();
                        latest.changed = false;
                        latest.results_changed = false;
                        let out = (
                            latest.done,
                            latest.total,
                            latest.message.clone(),
                            payload,
                            latest.stop,
                        );
                        if !due && !out.4 {
                            continue;
                        }
                        out
                    };
                    if stop {
                        // The job's end is written by the worker.
                        return;
                    }
                    beat = Instant::now();
                    if let Err(e) = store.job_progress(
                        id,
                        done as i64,
                        total as i64,
                        &message,
                        payload.as_ref(),
                    ) {
                        eprintln!("后台任务 {id}：无法记录进度：{e}");
                    }
                    std::thread::sleep(PROGRESS_EVERY);
                }
            })
            .map_err(StoreError::Io)?;
        Ok(Reporter {
            shared,
            thread: Some(thread),
        })
    }

    fn progress(&self, done: usize, total: usize, message: String) {
        let (lock, signal) = &*self.shared;
        let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.done = done;
        guard.0.total = total;
        guard.0.message = message;
        guard.0.changed = true;
        signal.notify_all();
    }

    fn results(&self, results: impl Iterator<Item = (usize, FileResult)>) {
        let (lock, signal) = &*self.shared;
        let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (latest, payload) = &mut *guard;
        for (i, r) in results {
            if let Some(slot) = payload.results.get_mut(i) {
                *slot = Some(r);
            }
        }
        latest.results_changed = true;
        signal.notify_all();
    }

    fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        {
            let (lock, signal) = &*self.shared;
            lock.lock().unwrap_or_else(|e| e.into_inner()).0.stop = true;
            signal.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.shut_down();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_only_names() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\报告\\2023年报.pdf"), "2023年报.pdf");
        assert_eq!(display_name("a\u{0}b\nc\u{202e}fdp.exe"), "abcfdp.exe");
        assert_eq!(display_name(".."), "未命名文件");
        assert_eq!(display_name("/"), "未命名文件");
        assert_eq!(display_name(".bashrc"), "bashrc");
        let long = format!("{}.docx", "长".repeat(300));
        let short = display_name(&long);
        assert_eq!(short.chars().count(), NAME_CHARS);
        assert!(short.ends_with("….docx"), "{short}");
        assert_eq!(stored_name(3, "报告.pdf"), "upload/3/报告.pdf");
    }

    #[test]
    fn payloads_read_back_and_summarise() {
        let p = UploadPayload {
            uploader: Uploader {
                user_id: 2,
                name: "甲".into(),
            },
            files: vec![UploadedFile {
                name: "a.txt".into(),
                hash: "00".repeat(32),
                size: 3,
            }],
            results: vec![Some(FileResult::failed("坏".into()))],
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["results"][0]["status"], "failed");
        assert_eq!(serde_json::from_value::<UploadPayload>(json).unwrap(), p);
        assert_eq!(
            summary_line(&p.results),
            "1 个文件：新增 0 份报告，新版本 0 份，另一来源 0 个，未变 0 个，失败 1 个，被拒绝 0 个"
        );
    }
}
