//! The audit log (administrators: [`Action::ReadAudit`]): newest first, a page at a
//! time, filtered by who, what, on what and when (Beijing dates), each change shown as
//! the fields it changed, before → after; exported whole (as filtered) as CSV (UTF-8
//! with a BOM, for Excel and WPS) or JSON Lines, streamed a thousand entries at a time.
//!
//! The store never logs a password hash or a token; what is shown is still filtered
//! ([`redacted`]) so that an entry written by any other part of the workspace cannot
//! show one either.

use std::collections::{BTreeSet, HashMap};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use gongkai_gazetteer::PlaceStatus;
use gongkai_model::access::Verdict;
use gongkai_store::{AuditEntry, AuditQuery};
use maud::html;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json_};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{day_start, time_text, RegionRef, ASSETS};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Role, Scope, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::layout;
use crate::state::AppState;

/// Entries on a page.
const PAGE: i64 = 50;
/// The most entries the API answers at once.
const MAX_LIMIT: i64 = 1000;
/// Entries read from the database per chunk of an export.
const EXPORT_CHUNK: i64 = 1000;

/// The filters, as the page's form and the API's query string give them.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Who acted: a user name exactly (`系统` for the system).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// An action (`user.update`), or its kind before the dot (`user`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// What was acted on, exactly (`user:12`, `agency:3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// From this day (Beijing time, `2025-01-31`), inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// To this day (Beijing time), inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Only entries older than this id (the `next_before` of the previous page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Entries per answer (API: default 100, at most 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Export format: `csv` or `jsonl` (export only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl AuditParams {
    fn parse(raw: Option<&str>) -> Result<AuditParams, AppError> {
        serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| AppError::BadRequest(format!("查询参数无法解析：{e}")))
    }

    /// The store's query; `limit` is the page size asked for.
    fn query(&self, limit: i64) -> Result<AuditQuery, AppError> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let day = |v: &Option<String>| -> Result<Option<i64>, AppError> {
            match text(v) {
                None => Ok(None),
                Some(d) => day_start(&d).map(Some).ok_or_else(|| {
                    AppError::BadRequest(format!("日期“{d}”无法识别，请写成 2025-01-31"))
                }),
            }
        };
        let before = match text(&self.before) {
            None => None,
            Some(b) => Some(
                b.parse()
                    .map_err(|_| AppError::BadRequest(format!("before“{b}”不是编号")))?,
            ),
        };
        Ok(AuditQuery {
            user: text(&self.user),
            action: text(&self.action),
            target: text(&self.target),
            from: day(&self.from)?,
            until: day(&self.to)?.map(|start| start + 86_400),
            before_id: before,
            limit,
        })
    }

    fn limit(&self, default: i64) -> Result<i64, AppError> {
        match self
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(default),
            Some(l) => match l.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(AppError::BadRequest(format!(
                    "limit 须为 1 到 {MAX_LIMIT} 之间的整数"
                ))),
            },
        }
    }

    /// The query string of these filters (without the page position), for links.
    fn filters_query(&self) -> String {
        let only = AuditParams {
            before: None,
            limit: None,
            format: None,
            ..self.clone()
        };
        serde_urlencoded::to_string(&only).unwrap_or_default()
    }
}

/// One field an entry changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// The key in `before`/`after`.
    pub field: String,
    /// The field in Chinese.
    pub label: String,
    /// The value before, readable; absent when the entry has none (a creation).
    pub before: Option<String>,
    /// The value after, readable; absent when the entry has none (a removal).
    pub after: Option<String>,
}

/// One entry of the log.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// Beijing time, `2025-01-15 10:23:45`.
    pub time: String,
    /// Absent for the system.
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action: String,
    /// The action in Chinese.
    pub action_label: String,
    pub target: String,
    /// What the target is called now (a user's or an agency's name), when it still
    /// exists; pages and the API only, not exports.
    pub target_name: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Json_>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Json_>,
    /// `before` → `after`, field by field, readable.
    pub changes: Vec<FieldChange>,
}

/// A page of the log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditView>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

/// Keys whose values are never shown, whoever wrote the entry.
const SECRET_KEYS: &[&str] = &[
    "password",
    "password_hash",
    "new_password",
    "token",
    "token_digest",
    "csrf",
    "secret",
];

/// `v` with the value of every secret-named key replaced.
pub(crate) fn redacted(v: Json_) -> Json_ {
    match v {
        Json_::Object(map) => Json_::Object(
            map.into_iter()
                .map(|(k, v)| {
                    if SECRET_KEYS.contains(&k.as_str()) {
                        (k, Json_::String("（已隐去）".into()))
                    } else {
                        (k, redacted(v))
                    }
                })
                .collect(),
        ),
        Json_::Array(items) => Json_::Array(items.into_iter().map(redacted).collect()),
        other => other,
    }
}

fn action_label(action: &str) -> String {
    match action {
        "user.create" => "新建用户",
        "user.update" => "修改用户",
        "user.password" => "设置密码",
        "token.create" => "新建 API 令牌",
        "token.revoke" => "撤销 API 令牌",
        "session.login" => "登录",
        "session.login_failed" => "登录失败",
        "session.logout" => "退出",
        "decision.record" => "审核结论",
        "agency.place" => "设置机关地区",
        "agency.mapping" => "按对照表更正机关",
        "agency.merge" => "合并机关",
        "upload" => "上传",
        other => other,
    }
    .to_string()
}

fn field_label(key: &str) -> String {
    match key {
        "name" => "名称",
        "role" => "角色",
        "scope" => "范围",
        "active" => "启用",
        "own" => "本人修改",
        "ip" => "地址",
        "label" => "标签",
        "token_id" => "令牌编号",
        "region" => "地区",
        "region_code" => "区划代码",
        "level" => "层级",
        "place_status" => "定位状态",
        "placement" => "定位来源",
        "merged_into" => "并入机关编号",
        "agency_id" => "机关编号",
        "year" => "年度",
        "rule" => "规则",
        "finding_key" => "问题标识",
        "verdict" => "结论",
        "comment" => "说明",
        other => other,
    }
    .to_string()
}

/// A value as people read it.
fn readable(key: &str, v: &Json_) -> String {
    let word = v.as_str();
    let known = match key {
        "role" => word.and_then(Role::from_key).map(|r| r.label().to_string()),
        "scope" => word.and_then(Scope::from_stored).map(|s| match s {
            Scope::Everywhere => "全部".to_string(),
            Scope::Regions(codes) => codes
                .iter()
                .map(|c| RegionRef::of(c).name)
                .collect::<Vec<_>>()
                .join("、"),
            Scope::Agency(id) => format!("机关（编号 {id}）"),
        }),
        "place_status" => word
            .and_then(PlaceStatus::from_key)
            .map(|p| p.label().to_string()),
        "placement" => match word {
            Some("mapping") => Some("对照表或人工指定".to_string()),
            Some("inferred") => Some("按区划推断".to_string()),
            _ => None,
        },
        "verdict" => word
            .and_then(Verdict::from_key)
            .map(|v| v.label().to_string()),
        _ => None,
    };
    if let Some(k) = known {
        return k;
    }
    match v {
        Json_::Null => "（空）".to_string(),
        Json_::Bool(true) => "是".to_string(),
        Json_::Bool(false) => "否".to_string(),
        Json_::String(s) => s.clone(),
        Json_::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The fields that differ between `before` and `after`, in the order the entry
/// lists them (all of them for a creation or a removal).
pub(crate) fn changes(before: Option<&Json_>, after: Option<&Json_>) -> Vec<FieldChange> {
    let empty = Map::new();
    let as_map = |v: Option<&Json_>| -> Option<Map<String, Json_>> {
        match v {
            None => None,
            Some(Json_::Object(m)) => Some(m.clone()),
            Some(other) => Some(Map::from_iter([("value".to_string(), other.clone())])),
        }
    };
    let (b, a) = (as_map(before), as_map(after));
    let (bm, am) = (b.as_ref().unwrap_or(&empty), a.as_ref().unwrap_or(&empty));
    let mut keys: Vec<&String> = am.keys().collect();
    keys.extend(bm.keys().filter(|k| !am.contains_key(*k)));
    keys.into_iter()
        .filter(|k| bm.get(*k) != am.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            label: field_label(k),
            before: bm.get(k).map(|v| readable(k, v)),
            after: am.get(k).map(|v| readable(k, v)),
        })
        .collect()
}

impl AuditView {
    fn of(e: AuditEntry) -> AuditView {
        let before = e.before.map(redacted);
        let after = e.after.map(redacted);
        AuditView {
            changes: changes(before.as_ref(), after.as_ref()),
            id: e.id,
            at: e.at,
            time: time_text(e.at),
            user_id: e.user_id,
            user_name: e.user_name,
            action_label: action_label(&e.action),
            action: e.action,
            target: e.target,
            target_name: None,
            before,
            after,
        }
    }
}

// --- the operations -----------------------------------------------------------

pub async fn page(
    state: &AppState,
    auth: &Auth,
    params: &AuditParams,
    default_limit: i64,
) -> Result<AuditPage, AppError> {
    auth.may(Action::ReadAudit, Target::Anything)?;
    let limit = params.limit(default_limit)?;
    // One more than shown tells whether there is an older page.
    let q = params.query(limit + 1)?;
    let (mut entries, names) = state
        .db
        .run(move |store| {
            let entries = store.audit_entries(&q)?;
            let shown = entries.len().min(limit as usize);
            let names = target_names(store, &entries[..shown])?;
            Ok((entries, names))
        })
        .await?;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let next_before = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(AuditPage {
        entries: entries
            .into_iter()
            .map(|e| {
                let mut v = AuditView::of(e);
                v.target_name = names.get(&v.target).cloned();
                v
            })
            .collect(),
        next_before,
    })
}

/// The names of the users and agencies a page of entries acts on (`user:3` → its
/// name), looked up once per page.
fn target_names(
    store: &mut gongkai_store::Store,
    entries: &[AuditEntry],
) -> Result<HashMap<String, String>, AppError> {
    let mut names = HashMap::new();
    let targets: BTreeSet<&str> = entries.iter().map(|e| e.target.as_str()).collect();
    if targets.iter().any(|t| t.starts_with("user:")) {
        for u in store.users()? {
            names.insert(format!("user:{}", u.id), u.name);
        }
    }
    for t in targets {
        if let Some(id) = t.strip_prefix("agency:").and_then(|i| i.parse().ok()) {
            if let Some(a) = store.agency_by_id(id)? {
                names.insert(t.to_string(), a.info.name);
            }
        }
    }
    Ok(names)
}

/// How an export is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl ExportFormat {
    fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Jsonl => "application/x-ndjson; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

/// UTF-8 byte order mark: Excel and WPS read a CSV without it as GBK.
const BOM: &str = "\u{feff}";

pub const CSV_HEADER: &str = "编号,时间,用户编号,用户,操作,操作说明,对象,变更,变更前,变更后\n";

/// One CSV field: quoted when it holds a separator, quote or line break; text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`,
/// since names and targets in the log can be typed by anyone (a failed login's name).
pub(crate) fn csv_field(text: &str, out: &mut String) {
    let guarded;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

fn csv_row(v: &AuditView, out: &mut String) {
    let json_text = |j: &Option<Json_>| j.as_ref().map(Json_::to_string).unwrap_or_default();
    let changes = v
        .changes
        .iter()
        .map(|c| {
            format!(
                "{}：{} → {}",
                c.label,
                c.before.as_deref().unwrap_or("—"),
                c.after.as_deref().unwrap_or("—")
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let fields = [
        v.id.to_string(),
        v.time.clone(),
        v.user_id.map(|i| i.to_string()).unwrap_or_default(),
        v.user_name.clone(),
        v.action.clone(),
        v.action_label.clone(),
        v.target.clone(),
        changes,
        json_text(&v.before),
        json_text(&v.after),
    ];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(f, out);
    }
    out.push('\n');
}

fn jsonl_row(v: &AuditView, out: &mut String) {
    let line = serde_json::json!({
        "id": v.id, "at": v.at, "time": v.time, "user_id": v.user_id, "user_name": v.user_name,
        "action": v.action, "target": v.target, "before": v.before, "after": v.after,
    });
    out.push_str(&line.to_string());
    out.push('\n');
}

/// The whole log as filtered, streamed: the database is read a chunk at a time while
/// the answer is sent, so a long log is never held in memory.
pub async fn export(
    state: &AppState,
    auth: &Auth,
    params: &AuditParams,
    format: ExportFormat,
) -> Result<Response, AppError> {
    auth.may(Action::ReadAudit, Target::Anything)?;
    let first = params.query(EXPORT_CHUNK)?;
    let db = state.db.clone();
    // (the next chunk's query, whether the header is written); None when done.
    let start = Some((first, false));
    let stream = futures_util::stream::unfold(start, move |at| {
        let db = db.clone();
        async move {
            let (q, started) = at?;
            let mut out = String::new();
            if !started && format == ExportFormat::Csv {
                out.push_str(BOM);
                out.push_str(CSV_HEADER);
            }
            let chunk = {
                let q = q.clone();
                db.run(move |store| Ok(store.audit_entries(&q)?)).await
            };
            let entries = match chunk {
                Ok(e) => e,
                // The status is sent already: the error ends the body, which the
                // client sees as a broken download, not as a complete file.
                Err(e) => return Some((Err(std::io::Error::other(e.to_string())), None)),
            };
            let next = (entries.len() as i64 == q.limit).then(|| AuditQuery {
                before_id: entries.last().map(|e| e.id),
                ..q.clone()
            });
            for e in entries {
                let v = AuditView::of(e);
                match format {
                    ExportFormat::Csv => csv_row(&v, &mut out),
                    ExportFormat::Jsonl => jsonl_row(&v, &mut out),
                }
            }
            Some((Ok(Bytes::from(out)), next.map(|q| (q, true))))
        }
    });
    let name = format!("gongkai-audit-{}.{}", crate::now(), format.extension());
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

// --- API ----------------------------------------------------------------------

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_page))
        .routes(routes!(api_export))
}

/// The audit log, newest first, a page at a time.
#[utoipa::path(get, path = "/api/audit", tag = "审计日志", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn api_page(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<AuditPage>, AppError> {
    auth.may(Action::ReadAudit, Target::Anything)?;
    let params = AuditParams::parse(raw.as_deref())?;
    Ok(Json(page(&state, &auth, &params, 100).await?))
}

/// The audit log as filtered, whole: `format=csv` (UTF-8 with BOM) or `format=jsonl`.
#[utoipa::path(get, path = "/api/audit/export", tag = "审计日志", params(AuditParams),
    responses((status = 200, content_type = "text/csv", body = String, description = "CSV 或 JSON Lines"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn api_export(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    auth.may(Action::ReadAudit, Target::Anything)?;
    let params = AuditParams::parse(raw.as_deref())?;
    let format = match params.format.as_deref() {
        Some("csv") | None => ExportFormat::Csv,
        Some("jsonl") => ExportFormat::Jsonl,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "format“{other}”不是 csv 或 jsonl"
            )))
        }
    };
    export(&state, &auth, &params, format).await
}

// --- pages --------------------------------------------------------------------

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(page_list))
        .route("/admin/audit.csv", get(page_csv))
        .route("/admin/audit.jsonl", get(page_jsonl))
}

async fn page_csv(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    auth.may(Action::ReadAudit, Target::Anything)?;
    let params = AuditParams::parse(raw.as_deref())?;
    Ok(export(&state, &auth, &params, ExportFormat::Csv).await?)
}

async fn page_jsonl(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    auth.may(Action::ReadAudit, Target::Anything)?;
    let params = AuditParams::parse(raw.as_deref())?;
    Ok(export(&state, &auth, &params, ExportFormat::Jsonl).await?)
}

/// Actions offered in the filter (any other can be typed).
const KNOWN_ACTIONS: &[&str] = &[
    "user",
    "user.create",
    "user.update",
    "user.password",
    "token",
    "session",
    "session.login_failed",
    "decision",
    "agency",
    "upload",
];

async fn page_list(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    auth.may(Action::ReadAudit, Target::Anything)?;
    let params = AuditParams::parse(raw.as_deref())?;
    let (status, listed) = match page(&state, &auth, &params, PAGE).await {
        Ok(p) => (StatusCode::OK, Ok(p)),
        Err(e @ AppError::BadRequest(_)) => (e.status(), Err(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let filters = params.filters_query();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let body = html! {
        h1 { "审计日志" }
        form.filters method="get" action="/admin/audit" {
            label { "用户 " input type="text" name="user" value=(value(&params.user)) size="12"; }
            label { "操作 " input type="text" name="action" value=(value(&params.action)) list="audit-actions" size="16" placeholder="如 user 或 user.update"; }
            datalist #audit-actions { @for a in KNOWN_ACTIONS { option value=(a) { (action_label(a)) } } }
            label { "对象 " input type="text" name="target" value=(value(&params.target)) size="10" placeholder="如 user:3"; }
            label { "从 " input type="date" name="from" value=(value(&params.from)); }
            label { "到 " input type="date" name="to" value=(value(&params.to)); }
            button type="submit" { "筛选" }
            " "
            a href="/admin/audit" { "清除" }
        }
        p.exports {
            "导出（按当前筛选，全部条目）："
            a href={ "/admin/audit.csv?" (filters) } { "CSV" }
            " · "
            a href={ "/admin/audit.jsonl?" (filters) } { "JSON Lines" }
        }
        @match &listed {
            Err(message) => p.flash.error { (message) },
            Ok(p) if p.entries.is_empty() => p { "没有符合条件的记录。" },
            Ok(p) => {
                table.list.audit {
                    thead { tr { th { "时间" } th { "用户" } th { "操作" } th { "对象" } th { "变更" } } }
                    tbody {
                        @for e in &p.entries {
                            tr {
                                td.time { (e.time) }
                                td { (e.user_name) }
                                td { (e.action_label) @if e.action_label != e.action { br; small.key { (e.action) } } }
                                td { (e.target) @if let Some(n) = &e.target_name { br; small { (n) } } }
                                td {
                                    @if !e.changes.is_empty() {
                                        table.diff {
                                            @for c in &e.changes {
                                                tr {
                                                    th { (c.label) }
                                                    td.before { @if let Some(b) = &c.before { del { (b) } } }
                                                    td.arrow { "→" }
                                                    td.after { @if let Some(a) = &c.after { ins { (a) } } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                nav.pager {
                    @if params.before.is_some() { a href={ "/admin/audit?" (filters) } { "← 最新" } " " }
                    @if let Some(next) = p.next_before {
                        a href={ "/admin/audit?" (filters) @if !filters.is_empty() { "&" } "before=" (next) } { "更早 →" }
                    }
                }
            }
        }
    };
    let html = layout::page_with("审计日志", &auth.user, auth.csrf(), &ASSETS, body);
    Ok((status, html).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_the_fields_that_differ_readably() {
        let before =
            json!({"name": "甲", "role": "reviewer", "scope": "regions:4107", "active": true});
        let after = json!({"name": "甲", "role": "viewer", "scope": "everywhere", "active": false});
        let c = changes(Some(&before), Some(&after));
        let shown: Vec<(String, Option<String>, Option<String>)> = c
            .into_iter()
            .map(|c| (c.label, c.before, c.after))
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            shown,
            [
                ("角色".into(), s("审核人员"), s("只读用户")),
                ("范围".into(), s("河南省新乡市"), s("全部")),
                ("启用".into(), s("是"), s("否")),
            ]
        );
        // A creation lists every field, with nothing before.
        let c = changes(None, Some(&json!({"token_id": 3, "label": "导出"})));
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].before.as_deref(), c[0].after.as_deref()),
            (None, Some("3"))
        );
        assert!(changes(None, None).is_empty());
    }

    #[test]
    fn secrets_are_never_shown() {
        let v = json!({"name": "甲", "password_hash": "$argon2id$x", "nested": [{"token": "abc"}], "token_id": 4});
        assert_eq!(
            redacted(v),
            json!({"name": "甲", "password_hash": "（已隐去）", "nested": [{"token": "（已隐去）"}], "token_id": 4})
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        for f in ["plain", "王\"五\",六", "=HYPERLINK(\"x\")", "两\n行", "-1"] {
            csv_field(f, &mut out);
            out.push('|');
        }
        assert_eq!(
            out,
            "plain|\"王\"\"五\"\",六\"|\"'=HYPERLINK(\"\"x\"\")\"|\"两\n行\"|'-1|"
        );
    }
}
