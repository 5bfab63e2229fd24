//! Uploads: the page where files and folders are dropped, `POST /api/uploads` that
//! receives them, and the upload jobs' progress (JSON, and pushed as Server-Sent
//! Events) and per-file results.
//!
//! A request's files are streamed to the data folder while their SHA-256 is computed,
//! each into a temporary file there, and moved under its hash
//! ([`crate::sources::upload_path`]) only once the whole request is within the limits:
//! a name given by the client is never part of a path, only shown ([`display_name`]).
//! The upload queues one job (in the same transaction as its audit entry: who, each
//! file's name, hash and size), which the [`crate::jobs::Worker`] runs.
//!
//! Jobs are their uploader's: a user sees their own, and those who may read the audit
//! log (the administrators) see everyone's — a job is a record of who uploaded what,
//! as the audit log is. Another user's job is answered as not found.

use std::convert::Infallible;
use std::io::Write;
use std::path::{Path as FsPath, PathBuf};
use std::time::Duration;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::Stream;
use gongkai_model::access::Scope;
use gongkai_store::{Job, JobStatus};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, PageError};
use crate::jobs::{
    display_name, FileResult, ResultStatus, UploadPayload, UploadedFile, Uploader, KIND_INGEST,
};
use crate::layout::{self, Assets};
use crate::state::{AppState, Limits};

const CSS: &str = include_str!("../../static/upload.css");
const JS: &str = include_str!("../../static/upload.js");

/// How many of a user's jobs the upload page lists.
const RECENT: i64 = 20;
/// How often the event stream looks at the job.
const EVENTS_POLL: Duration = Duration::from_millis(400);
/// Bytes gathered before they are written to disk (off the async threads).
const WRITE_CHUNK: usize = 1 << 20;

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/upload", get(page))
        .route("/upload/jobs/{id}", get(job_page))
        .route("/static/upload.css", super::stylesheet(CSS))
        .route("/static/upload.js", super::script(JS))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // The limits are the state's, counted as the body streams in (axum's default
        // 2 MB limit would refuse every real upload).
        .merge(
            OpenApiRouter::new()
                .routes(routes!(api_upload))
                .layer(DefaultBodyLimit::disable()),
        )
        .routes(routes!(api_jobs))
        .routes(routes!(api_job))
        .routes(routes!(api_job_events))
}

// ---------------------------------------------------------------------------
// What the pages and the API show
// ---------------------------------------------------------------------------

/// A job without its files.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobSummary {
    pub id: i64,
    pub kind: String,
    /// queued | running | done | failed
    pub status: String,
    pub status_label: String,
    /// Done or failed: nothing more will change.
    pub finished: bool,
    pub done: i64,
    pub total: i64,
    pub message: String,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub user_id: Option<i64>,
}

impl From<&Job> for JobSummary {
    fn from(j: &Job) -> JobSummary {
        JobSummary {
            id: j.id,
            kind: j.kind.clone(),
            status: j.status.key().to_string(),
            status_label: j.status.label().to_string(),
            finished: j.status.is_finished(),
            done: j.done,
            total: j.total,
            message: j.message.clone(),
            created_at: j.created_at,
            updated_at: j.updated_at,
            user_id: j.user_id,
        }
    }
}

/// A job with its files and what became of each.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    #[serde(flatten)]
    pub job: JobSummary,
    /// Who uploaded.
    pub uploader: Option<String>,
    pub files: Vec<JobFile>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobFile {
    pub name: String,
    pub hash: String,
    pub size: u64,
    /// Known once the file has been read (all once the job is done).
    pub result: Option<FileResult>,
}

/// A user's own job, or anyone's for those who may read the audit log.
fn may_see(auth: &Auth, job: &Job) -> Result<(), AppError> {
    auth.may(Action::Upload, Target::Anything)?;
    if job.user_id == Some(auth.user.user_id) || auth.allows(Action::ReadAudit, Target::Anything) {
        Ok(())
    } else {
        Err(not_found(job.id))
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("没有编号为 {id} 的上传任务"))
}

/// The job `id` as `auth` may see it.
pub async fn job_view(state: &AppState, auth: &Auth, id: i64) -> Result<JobView, AppError> {
    let found = state.db.run(move |store| Ok(store.job(id)?)).await?;
    let found = found.ok_or_else(|| not_found(id))?;
    may_see(auth, &found.job)?;
    // Another kind of job has no files.
    let payload: Option<UploadPayload> = serde_json::from_value(found.payload).ok();
    let (uploader, files) = match payload {
        Some(p) => {
            let files = p
                .files
                .into_iter()
                .enumerate()
                .map(|(i, f)| JobFile {
                    name: f.name,
                    hash: f.hash,
                    size: f.size,
                    result: p.results.get(i).cloned().flatten(),
                })
                .collect();
            (Some(p.uploader.name), files)
        }
        None => (None, Vec::new()),
    };
    Ok(JobView {
        job: JobSummary::from(&found.job),
        uploader,
        files,
    })
}

/// The newest jobs: the user's own, or everyone's (`all`, for those who may read the
/// audit log).
pub async fn recent_jobs(
    state: &AppState,
    auth: &Auth,
    all: bool,
) -> Result<Vec<JobSummary>, AppError> {
    auth.may(Action::Upload, Target::Anything)?;
    if all {
        auth.may(Action::ReadAudit, Target::Anything)?;
    }
    let user = (!all).then_some(auth.user.user_id);
    let jobs = state
        .db
        .run(move |store| Ok(store.jobs(user, RECENT)?))
        .await?;
    Ok(jobs.iter().map(JobSummary::from).collect())
}

// ---------------------------------------------------------------------------
// Receiving files
// ---------------------------------------------------------------------------

/// The files of one request while they arrive: temporary files in the data folder,
/// removed unless the whole request is accepted.
struct Incoming {
    files_dir: PathBuf,
    parts: Vec<(PathBuf, UploadedFile)>,
    /// A file being written.
    writing: Option<PathBuf>,
}

impl Drop for Incoming {
    fn drop(&mut self) {
        for (tmp, _) in &self.parts {
            let _ = std::fs::remove_file(tmp);
        }
        if let Some(tmp) = &self.writing {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// How a temporary upload file is named: `.upload-<random>.part` (swept by the worker
/// when a day old).
pub(crate) const TEMPORARY: (&str, &str) = (".upload-", ".part");

/// A temporary file's path in `dir` (beside the hash folders, so the final move is a
/// rename on one file system).
fn temporary(dir: &FsPath) -> Result<PathBuf, AppError> {
    let token = crate::auth::token::new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(dir.join(format!("{}{}{}", TEMPORARY.0, &token[..32], TEMPORARY.1)))
}

fn io_error(e: std::io::Error) -> AppError {
    AppError::Internal(format!("无法保存上传的文件：{e}"))
}

/// Writes `bytes` to `file` on a blocking thread.
async fn write_out(
    file: std::fs::File,
    bytes: Vec<u8>,
) -> Result<(std::fs::File, Vec<u8>), AppError> {
    tokio::task::spawn_blocking(move || {
        let mut file = file;
        file.write_all(&bytes).map(|_| (file, bytes))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(io_error)
}

/// Streams the request's files into temporary files, within `limits`.
async fn receive(
    mut multipart: Multipart,
    limits: &Limits,
    files_dir: PathBuf,
) -> Result<Incoming, AppError> {
    let mut incoming = Incoming {
        files_dir,
        parts: Vec::new(),
        writing: None,
    };
    let too_many = || {
        AppError::TooLarge(format!(
            "一次最多上传 {} 个文件，请分批上传",
            limits.upload_files
        ))
    };
    let too_much = || {
        AppError::TooLarge(format!(
            "本次上传的文件合计超过 {} 上限，请分批上传",
            megabytes(limits.upload_bytes)
        ))
    };
    let mut request_bytes = 0usize;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("上传内容无法解析：{}", e.body_text()))
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let Some(given) = field.file_name().map(str::to_string) else {
            // Not a file (a stray form field): read and counted, not kept.
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                request_bytes += chunk.len();
                if request_bytes > limits.upload_bytes {
                    return Err(too_much());
                }
            }
            continue;
        };
        if incoming.parts.len() >= limits.upload_files {
            return Err(too_many());
        }
        let name = display_name(&given);
        let tmp = temporary(&incoming.files_dir)?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io_error)?;
        incoming.writing = Some(tmp.clone());
        let mut hasher = Sha256::new();
        let mut size = 0usize;
        let mut buf: Vec<u8> = Vec::with_capacity(WRITE_CHUNK);
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            size += chunk.len();
            request_bytes += chunk.len();
            if size > limits.file_bytes {
                return Err(AppError::TooLarge(format!(
                    "文件“{name}”超过单个文件 {} 上限",
                    megabytes(limits.file_bytes)
                )));
            }
            if request_bytes > limits.upload_bytes {
                return Err(too_much());
            }
            hasher.update(&chunk);
            buf.extend_from_slice(&chunk);
            if buf.len() >= WRITE_CHUNK {
                let (f, mut b) = write_out(file, buf).await?;
                b.clear();
                (file, buf) = (f, b);
            }
        }
        let (file, _) = write_out(file, buf).await?;
        tokio::task::spawn_blocking(move || file.sync_all())
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(io_error)?;
        incoming.writing = None;
        incoming.parts.push((
            tmp,
            UploadedFile {
                name,
                hash: crate::sources::hex(&hasher.finalize()),
                size: size as u64,
            },
        ));
    }
    if incoming.parts.is_empty() {
        return Err(AppError::BadRequest(
            "没有收到文件：请以 multipart/form-data 上传，每个文件一个带文件名的字段".into(),
        ));
    }
    Ok(incoming)
}

/// Moves the accepted files under their hashes (a file already there has these very
/// bytes: its copy is dropped).
fn place(mut incoming: Incoming, data_dir: &FsPath) -> Result<Vec<UploadedFile>, AppError> {
    let mut placed = Vec::new();
    // Taken one by one: on an error, those not yet moved are removed with `incoming`.
    incoming.parts.reverse();
    while let Some((tmp, file)) = incoming.parts.pop() {
        let Some(target) = crate::sources::upload_path(data_dir, &file.hash) else {
            let _ = std::fs::remove_file(&tmp);
            return Err(AppError::Internal("文件摘要无效".into()));
        };
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(io_error)?;
        }
        if target.exists() {
            let _ = std::fs::remove_file(&tmp);
        } else {
            std::fs::rename(&tmp, &target).map_err(io_error)?;
        }
        placed.push(file);
    }
    Ok(placed)
}

/// Receives an upload and queues its job.
pub async fn upload(
    state: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<JobView, AppError> {
    auth.may(Action::Upload, Target::Anything)?;
    let limits = state.limits.clone();
    // An honest Content-Length over the limit is refused before a byte is read (the
    // multipart framing adds a little to the files' bytes).
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let framing = 64 * 1024 + limits.upload_files.saturating_mul(1024);
    if declared.is_some_and(|n| n > limits.upload_bytes.saturating_add(framing)) {
        return Err(AppError::TooLarge(format!(
            "本次上传的文件合计超过 {} 上限，请分批上传",
            megabytes(limits.upload_bytes)
        )));
    }
    let multipart = multipart.map_err(|e| {
        AppError::BadRequest(format!("上传须为 multipart/form-data：{}", e.body_text()))
    })?;
    let files_dir = state.data_dir.join("files");
    std::fs::create_dir_all(&files_dir).map_err(io_error)?;
    let incoming = receive(multipart, &limits, files_dir).await?;
    let data_dir = state.data_dir.clone();
    let files = tokio::task::spawn_blocking(move || place(incoming, &data_dir))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let payload = UploadPayload {
        uploader: Uploader {
            user_id: auth.user.user_id,
            name: auth.user.name.clone(),
        },
        results: Vec::new(),
        files,
    };
    let json = serde_json::to_value(&payload).map_err(|e| AppError::Internal(e.to_string()))?;
    let total = payload.files.len() as i64;
    let actor = auth.actor();
    let job = state
        .db
        .run(move |store| Ok(store.create_job(KIND_INGEST, &json, total, "upload", &actor)?))
        .await?;
    crate::jobs::wake();
    job_view(state, auth, job.id).await
}

// ---------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------

/// The body of an upload: any number of file fields (each with its file name).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The files (the field name is free; each must carry a file name).
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Upload report files: they are read into the corpus by a background job.
#[utoipa::path(
    post,
    path = "/api/uploads",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "已接收，入库任务已排队", body = JobView),
        (status = 400, description = "没有文件或内容无法解析", body = crate::error::ErrorBody),
        (status = 403, description = "无权上传", body = crate::error::ErrorBody),
        (status = 413, description = "文件数量、单个文件或合计大小超过上限", body = crate::error::ErrorBody),
    ),
    tag = "上传"
)]
async fn api_upload(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<JobView>), AppError> {
    let view = upload(&state, &auth, &headers, multipart).await?;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct JobsQuery {
    /// Everyone's jobs (administrators).
    #[serde(default)]
    all: bool,
}

/// The newest upload jobs: one's own, or everyone's with `all=true` (administrators).
#[utoipa::path(
    get,
    path = "/api/jobs",
    params(JobsQuery),
    responses(
        (status = 200, body = Vec<JobSummary>),
        (status = 403, body = crate::error::ErrorBody),
    ),
    tag = "上传"
)]
async fn api_jobs(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<JobsQuery>,
) -> Result<Json<Vec<JobSummary>>, AppError> {
    Ok(Json(recent_jobs(&state, &auth, q.all).await?))
}

/// An upload job: its progress, and each file's result as it is known.
#[utoipa::path(
    get,
    path = "/api/jobs/{id}",
    params(("id" = i64, Path, description = "任务编号")),
    responses(
        (status = 200, body = JobView),
        (status = 404, description = "没有这个任务，或不是您的", body = crate::error::ErrorBody),
    ),
    tag = "上传"
)]
async fn api_job(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Json<JobView>, AppError> {
    Ok(Json(job_view(&state, &auth, id).await?))
}

/// Where a job's event stream is.
struct Watch {
    state: AppState,
    auth: Auth,
    id: i64,
    last: Option<(JobStatus, i64, i64, String)>,
    over: bool,
}

/// The job's progress as Server-Sent Events: a `progress` event (a [`JobSummary`]) on
/// each change, then one `job` event (the whole [`JobView`], every file's result) when
/// it has ended, and the stream closes.
#[utoipa::path(
    get,
    path = "/api/jobs/{id}/events",
    params(("id" = i64, Path, description = "任务编号")),
    responses(
        (status = 200, description = "text/event-stream：progress 事件（JobSummary），结束时一个 job 事件（JobView）", content_type = "text/event-stream", body = String),
        (status = 404, body = crate::error::ErrorBody),
    ),
    tag = "上传"
)]
async fn api_job_events(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    // Who may watch is decided once: a job's owner never changes.
    job_view(&state, &auth, id).await?;
    let watch = Watch {
        state,
        auth,
        id,
        last: None,
        over: false,
    };
    let stream = futures_util::stream::unfold(watch, |mut w| async move {
        if w.over {
            return None;
        }
        loop {
            let id = w.id;
            let job = match w.state.db.run(move |store| Ok(store.job_state(id)?)).await {
                Ok(Some(j)) => j,
                Ok(None) => {
                    w.over = true;
                    let e = Event::default()
                        .event("error")
                        .data(not_found(id).to_string());
                    return Some((Ok(e), w));
                }
                Err(e) => {
                    w.over = true;
                    let e = Event::default().event("error").data(e.to_string());
                    return Some((Ok(e), w));
                }
            };
            if job.status.is_finished() {
                w.over = true;
                let event = match job_view(&w.state, &w.auth, id).await {
                    Ok(view) => json_event("job", &view),
                    Err(e) => Event::default().event("error").data(e.to_string()),
                };
                return Some((Ok(event), w));
            }
            let key = (job.status, job.done, job.total, job.message.clone());
            if w.last.as_ref() != Some(&key) {
                w.last = Some(key);
                return Some((Ok(json_event("progress", &JobSummary::from(&job))), w));
            }
            tokio::time::sleep(EVENTS_POLL).await;
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn json_event<T: Serialize>(name: &str, value: &T) -> Event {
    let data = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    Event::default().event(name).data(data)
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

const ASSETS: Assets<'static> = Assets {
    css: &["/static/upload.css"],
    js: &["/static/upload.js"],
};

fn when(unix: i64) -> String {
    crate::view::time::beijing_time(unix)
}

/// A size as people read it: "512 MB", "1.5 MB", "2 KB", "600 字节".
fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        if bytes.is_multiple_of(MB) {
            format!("{} MB", bytes / MB)
        } else {
            format!("{:.1} MB", bytes as f64 / MB as f64)
        }
    } else if bytes >= 1024 {
        format!("{:.0} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} 字节")
    }
}

fn megabytes(bytes: usize) -> String {
    size_text(bytes as u64)
}

fn status_class(status: &str) -> &'static str {
    match status {
        "done" => "job-done",
        "failed" => "job-failed",
        "running" => "job-running",
        _ => "job-queued",
    }
}

fn jobs_table(jobs: &[JobSummary]) -> Markup {
    html! {
        @if jobs.is_empty() {
            p.empty { "还没有上传过文件。" }
        } @else {
            table.list.jobs {
                thead { tr { th { "任务" } th { "提交时间" } th { "状态" } th { "进度" } th { "说明" } } }
                tbody {
                    @for j in jobs {
                        tr {
                            td { a href={ "/upload/jobs/" (j.id) } { "#" (j.id) } }
                            td { (when(j.created_at)) }
                            td { span class=(status_class(&j.status)) { (j.status_label) } }
                            td { (j.done) " / " (j.total) }
                            td { (j.message) }
                        }
                    }
                }
            }
        }
    }
}

async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
) -> Result<Markup, PageError> {
    let jobs = recent_jobs(&state, &auth, false).await?;
    let l = &state.limits;
    let body = html! {
        h1 { "上传报告" }
        section #uploader.uploader
            data-max-files=(l.upload_files)
            data-max-bytes=(l.upload_bytes)
            data-file-bytes=(l.file_bytes)
            data-extensions=(gongkai_corpus::ingest::REPORT_EXTENSIONS.join(","))
        {
            div #drop.dropzone tabindex="0" {
                p.big { "把报告文件或整个文件夹拖到这里" }
                p {
                    label.pick { "选择文件…" input #pick-files type="file" multiple; }
                    " "
                    label.pick { "选择文件夹…" input #pick-folder type="file" webkitdirectory multiple; }
                }
                p.hint {
                    "支持 PDF、DOCX、DOC、WPS、HTML、TXT、Markdown。一次最多 " (l.upload_files) " 个文件、合计 "
                    (megabytes(l.upload_bytes)) "，单个文件不超过 " (megabytes(l.file_bytes))
                    "；更多的文件会自动分批上传。文件夹中只上传报告格式的文件。"
                }
                @if let Scope::Agency(_) = auth.user.scope {
                    p.hint.warn { "机关人员只能上传本机关的报告：读取后发现属于其他机关的报告不会入库，并在结果中说明原因。" }
                }
                noscript { p.flash.error { "上传需要启用浏览器的 JavaScript。也可以用 API：POST /api/uploads。" } }
            }
            p #summary.summary aria-live="polite" {}
            ul #queue.queue {}
        }
        h2 { "最近的上传任务" }
        (jobs_table(&jobs))
    };
    Ok(layout::page_with(
        "上传报告",
        &auth.user,
        auth.csrf(),
        &ASSETS,
        body,
    ))
}

fn result_cell(r: &Option<FileResult>) -> Markup {
    html! {
        @match r {
            None => { span.pending { "等待读取" } }
            Some(r) => {
                span class={ "result " (if r.status.is_failure() { "bad" } else { "good" }) } { (r.status.label()) }
                @if let Some(id) = r.report_id {
                    " "
                    a href={ "/reports/" (id) } {
                        "报告 #" (id)
                        @if let Some(a) = &r.agency { "（" (a) @if let Some(y) = r.year { " " (y) " 年" } "）" }
                    }
                    @if r.status == ResultStatus::NewVersion { @if let Some(v) = r.version { " 第 " (v) " 版" } }
                }
                @if let Some(reason) = &r.reason { div.reason { (reason) } }
            }
        }
    }
}

async fn job_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let view = job_view(&state, &auth, id).await?;
    let j = &view.job;
    let failures = view
        .files
        .iter()
        .filter(|f| f.result.as_ref().is_some_and(|r| r.status.is_failure()))
        .count();
    let body = html! {
        p { a href="/upload" { "← 上传" } }
        h1 { "上传任务 #" (j.id) }
        section #job.job data-job-id=(j.id) data-finished=(if j.finished { "1" } else { "0" }) {
            p {
                span class=(status_class(&j.status)) #job-status { (j.status_label) }
                " · " span #job-progress { (j.done) " / " (j.total) }
                " · " span #job-message { (j.message) }
            }
            p.hint {
                "提交于 " (when(j.created_at))
                @if let Some(u) = &view.uploader { "，上传者：" (u) }
                @if !j.finished { "。页面会在任务结束后自动刷新。" }
            }
            @if failures > 0 { p.flash.error { (failures) " 个文件未能入库，原因见下表。" } }
            table.list.files {
                thead { tr { th { "文件" } th { "大小" } th { "结果" } } }
                tbody {
                    @for f in &view.files {
                        tr {
                            td { (f.name) div.hash { "SHA-256 " (f.hash) } }
                            td { (size_text(f.size)) }
                            td { (result_cell(&f.result)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page_with(
        &format!("上传任务 #{}", j.id),
        &auth.user,
        auth.csrf(),
        &ASSETS,
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_beijing_time() {
        assert_eq!(when(0), "1970-01-01 08:00");
        // 2024-02-29 23:59:59 UTC+8
        assert_eq!(when(1_709_222_399), "2024-02-29 23:59");
        assert_eq!(megabytes(512 * 1024 * 1024), "512 MB");
        assert_eq!(megabytes(1536 * 1024), "1.5 MB");
        assert_eq!(size_text(2048), "2 KB");
        assert_eq!(size_text(600), "600 字节");
    }
}
