//! 问题清单: the findings of current reports across the agencies in the user's scope,
//! with their latest decisions — `/findings` (page), `GET /api/findings` (JSON) and
//! `/findings.csv` (every matching row, UTF-8 with a BOM so that Excel and WPS read the
//! Chinese), one data function. Filters, order and pages are the store's SQL
//! ([`gongkai_store::Store::finding_page`]).

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongkai_store::{FindingDecisionFilter, FindingListRow, FindingQuery, FindingSort};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::params::{self, RegionRef, PAGE_SIZE};
use super::{assets, pager};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, PageError};
use crate::layout;
use crate::state::AppState;

/// The list's filters; every field optional, an empty field meaning "any".
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingParams {
    /// Rule code, e.g. A101.
    pub rule: Option<String>,
    /// error | warning | info.
    pub severity: Option<String>,
    /// document | extraction.
    pub kind: Option<String>,
    /// A place name at any level or a statistical code.
    pub region: Option<String>,
    pub year: Option<String>,
    /// Text in the agency's name.
    pub agency: Option<String>,
    /// undecided | decided | confirmed | dismissed.
    pub decision: Option<String>,
    /// agency | rule | severity | year | decided.
    pub sort: Option<String>,
    /// 1: reversed.
    pub desc: Option<String>,
    /// 1-based.
    pub page: Option<String>,
}

/// A page of the findings list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindingList {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub page_size: i64,
    pub region: Option<RegionRef>,
    pub findings: Vec<FindingItem>,
    /// Whether the user may export the list (`/findings.csv`).
    pub may_export: bool,
}

/// One listed finding with its latest decision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindingItem {
    pub report_id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    pub region: Option<String>,
    pub region_code: Option<String>,
    pub year: Option<i32>,
    pub code: String,
    pub name: String,
    /// document | extraction.
    pub kind: String,
    /// error | warning | info.
    pub severity: String,
    pub message: String,
    /// Found by the cross-report rules.
    pub corpus: bool,
    /// The finding's key (for `POST /api/reports/{id}/decisions`).
    pub key: String,
    /// confirmed | dismissed; `null`: undecided.
    pub verdict: Option<String>,
    pub comment: Option<String>,
    pub decided_by: Option<String>,
    /// Unix seconds.
    pub decided_at: Option<i64>,
}

impl FindingItem {
    fn of(r: FindingListRow) -> FindingItem {
        let d = r.decision;
        FindingItem {
            report_id: r.report_id,
            agency_id: r.agency_id,
            agency: r.agency,
            region: r.region,
            region_code: r.region_code,
            year: r.year,
            code: r.code,
            name: r.name,
            kind: match r.kind {
                gongkai_model::FindingKind::Document => "document".into(),
                gongkai_model::FindingKind::Extraction => "extraction".into(),
            },
            severity: r.severity.as_str().to_string(),
            message: r.message,
            corpus: r.corpus,
            key: r.finding_key,
            verdict: d.as_ref().map(|d| d.verdict.key().to_string()),
            comment: d.as_ref().map(|d| d.comment.clone()),
            decided_by: d.as_ref().map(|d| d.user_name.clone()),
            decided_at: d.as_ref().map(|d| d.decided_at),
        }
    }
}

fn decision(v: &Option<String>) -> Result<Option<FindingDecisionFilter>, AppError> {
    match params::given(v) {
        None => Ok(None),
        Some("undecided") => Ok(Some(FindingDecisionFilter::Undecided)),
        Some("decided") => Ok(Some(FindingDecisionFilter::Decided)),
        Some("confirmed") => Ok(Some(FindingDecisionFilter::Confirmed)),
        Some("dismissed") => Ok(Some(FindingDecisionFilter::Dismissed)),
        Some(s) => Err(AppError::BadRequest(format!(
            "审核状态“{s}”无效：可选 undecided、decided、confirmed、dismissed"
        ))),
    }
}

fn sort(v: &Option<String>) -> Result<FindingSort, AppError> {
    Ok(match params::given(v) {
        None | Some("agency") => FindingSort::Agency,
        Some("rule") => FindingSort::Rule,
        Some("severity") => FindingSort::Severity,
        Some("year") => FindingSort::Year,
        Some("decided") => FindingSort::Decided,
        Some(s) => {
            return Err(AppError::BadRequest(format!(
                "排序“{s}”无效：可选 agency、rule、severity、year、decided"
            )))
        }
    })
}

fn rule(v: &Option<String>) -> Result<Option<String>, AppError> {
    match params::given(v) {
        None => Ok(None),
        Some(s) => gongkai_check::rule(s)
            .map(|r| Some(r.code.to_string()))
            .ok_or_else(|| AppError::BadRequest(format!("没有规则“{s}”"))),
    }
}

/// The query of `p` for `auth`'s user; `limit` `None` for every row.
fn query(
    auth: &Auth,
    p: &FindingParams,
    region: &Option<RegionRef>,
    offset: i64,
    limit: Option<i64>,
) -> Result<FindingQuery, AppError> {
    Ok(FindingQuery {
        scope: auth.user.scope.clone(),
        rule: rule(&p.rule)?,
        severity: params::severity(&p.severity)?,
        kind: params::kind(&p.kind)?,
        region_code: region.as_ref().map(|r| r.code.clone()),
        year: params::year(&p.year)?,
        agency: params::given(&p.agency).map(str::to_string),
        decision: decision(&p.decision)?,
        sort: sort(&p.sort)?,
        descending: params::flag(&p.desc)?,
        offset,
        limit,
    })
}

fn allowed(auth: &Auth, r: &FindingListRow) -> bool {
    auth.allows(
        Action::Read,
        Target::Report {
            agency_id: r.agency_id,
            region_code: r.region_code.as_deref(),
        },
    )
}

/// A page of the findings for `auth`'s user.
pub async fn finding_list(
    state: &AppState,
    auth: &Auth,
    p: &FindingParams,
) -> Result<FindingList, AppError> {
    auth.may(Action::Read, Target::Anything)?;
    let region = params::region(&p.region)?;
    let (page, offset) = params::page(&p.page)?;
    let q = query(auth, p, &region, offset, Some(PAGE_SIZE))?;
    let found = state
        .db
        .run(move |store| Ok(store.finding_page(&q)?))
        .await?;
    Ok(FindingList {
        total: found.total,
        page,
        pages: params::pages(found.total),
        page_size: PAGE_SIZE,
        region,
        findings: found
            .rows
            .into_iter()
            .filter(|r| allowed(auth, r))
            .map(FindingItem::of)
            .collect(),
        may_export: auth.allows(Action::Export, Target::Anything),
    })
}

/// Findings of current reports in the caller's scope with their latest decisions.
#[utoipa::path(get, path = "/api/findings", params(FindingParams), tag = "findings",
    responses((status = 200, body = FindingList), (status = 400, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
    Query(p): Query<FindingParams>,
) -> Result<Json<FindingList>, AppError> {
    Ok(Json(finding_list(&state, &auth, &p).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(p): Query<FindingParams>,
) -> Result<Markup, PageError> {
    let list = finding_list(&state, &auth, &p).await?;
    Ok(layout::page_with(
        "问题清单",
        &auth.user,
        auth.csrf(),
        &assets(),
        render(&list, &p),
    ))
}

/// Headers of the CSV export.
pub const CSV_HEADER: [&str; 16] = [
    "报告编号",
    "机关",
    "地区",
    "区划代码",
    "年度",
    "规则",
    "规则名称",
    "严重程度",
    "类别",
    "问题",
    "跨报告",
    "审核结论",
    "审核意见",
    "审核人",
    "审核时间",
    "问题标识",
];

/// A text field as a spreadsheet must not read it as a formula (a comment or a name
/// starting with `=`, `+`, `-`, `@`): prefixed with an apostrophe, as Excel does.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Every matching finding as CSV (UTF-8 with a BOM).
pub async fn csv_bytes(
    state: &AppState,
    auth: &Auth,
    p: &FindingParams,
) -> Result<Vec<u8>, AppError> {
    auth.may(Action::Export, Target::Anything)?;
    let region = params::region(&p.region)?;
    let q = query(auth, p, &region, 0, None)?;
    let found = state
        .db
        .run(move |store| Ok(store.finding_page(&q)?))
        .await?;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let csv_error = |e: csv::Error| AppError::Internal(format!("CSV 写入失败：{e}"));
    w.write_record(CSV_HEADER).map_err(csv_error)?;
    for r in found.rows.iter().filter(|r| allowed(auth, r)) {
        let d = r.decision.as_ref();
        w.write_record([
            r.report_id.to_string(),
            cell(r.agency.as_deref().unwrap_or("")),
            cell(r.region.as_deref().unwrap_or("")),
            r.region_code.clone().unwrap_or_default(),
            r.year.map(|y| y.to_string()).unwrap_or_default(),
            r.code.clone(),
            r.name.clone(),
            r.severity.display_zh().to_string(),
            r.kind.display_zh().to_string(),
            cell(&r.message),
            if r.corpus { "是" } else { "否" }.to_string(),
            d.map_or("未审核", |d| d.verdict.label()).to_string(),
            cell(d.map_or("", |d| d.comment.as_str())),
            cell(d.map_or("", |d| d.user_name.as_str())),
            d.map(|d| crate::view::beijing_time(d.decided_at))
                .unwrap_or_default(),
            r.finding_key.clone(),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(format!("CSV 写入失败：{e}")))
}

/// Every matching finding as CSV (UTF-8 with a BOM, for Excel and WPS).
#[utoipa::path(get, path = "/api/findings.csv", params(FindingParams), tag = "findings",
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_csv(
    State(state): State<AppState>,
    auth: Auth,
    Query(p): Query<FindingParams>,
) -> Result<Response, AppError> {
    Ok(csv_response(csv_bytes(&state, &auth, &p).await?))
}

pub async fn csv_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(p): Query<FindingParams>,
) -> Result<Response, PageError> {
    Ok(csv_response(csv_bytes(&state, &auth, &p).await?))
}

fn csv_response(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"findings.csv\"; filename*=UTF-8''%E9%97%AE%E9%A2%98%E6%B8%85%E5%8D%95.csv",
            ),
        ],
        bytes,
    )
        .into_response()
}

fn selected(v: &Option<String>, option: &str) -> bool {
    params::given(v) == Some(option)
}

pub fn render(list: &FindingList, p: &FindingParams) -> Markup {
    let export = format!(
        "/findings.csv?{}",
        serde_urlencoded::to_string(FindingParams {
            page: None,
            ..p.clone()
        })
        .unwrap_or_default()
    );
    html! {
        h1 { "问题清单" }
        form.filters method="get" action="/findings" {
            label { "规则 "
                select name="rule" {
                    option value="" { "全部" }
                    @for r in gongkai_check::rules() {
                        option value=(r.code) selected[params::given(&p.rule).is_some_and(|x| x.eq_ignore_ascii_case(r.code))] {
                            (r.code) " " (r.summary)
                        }
                    }
                }
            }
            label { "严重程度 "
                select name="severity" {
                    option value="" { "全部" }
                    @for s in params::SEVERITIES {
                        option value=(s.as_str()) selected[selected(&p.severity, s.as_str())] { (s.display_zh()) }
                    }
                }
            }
            label { "类别 "
                select name="kind" {
                    option value="" { "全部" }
                    option value="document" selected[selected(&p.kind, "document")] { "文档问题" }
                    option value="extraction" selected[selected(&p.kind, "extraction")] { "识别存疑" }
                }
            }
            label { "地区 " input type="text" name="region" value=[params::given(&p.region)] placeholder="地名或区划代码"; }
            label { "机关 " input type="text" name="agency" value=[params::given(&p.agency)]; }
            label { "年度 " input type="text" name="year" size="5" value=[params::given(&p.year)]; }
            label { "审核 "
                select name="decision" {
                    option value="" { "全部" }
                    option value="undecided" selected[selected(&p.decision, "undecided")] { "未审核" }
                    option value="decided" selected[selected(&p.decision, "decided")] { "已审核" }
                    option value="confirmed" selected[selected(&p.decision, "confirmed")] { "已确认" }
                    option value="dismissed" selected[selected(&p.decision, "dismissed")] { "已驳回" }
                }
            }
            label { "排序 "
                select name="sort" {
                    @for (key, label) in [("agency", "机关"), ("rule", "规则"), ("severity", "严重程度"), ("year", "年度"), ("decided", "审核时间")] {
                        option value=(key) selected[selected(&p.sort, key)] { (label) }
                    }
                }
            }
            label { input type="checkbox" name="desc" value="1" checked[selected(&p.desc, "1")]; "倒序" }
            button type="submit" { "筛选" }
            @if list.may_export { " " a.export href=(export) { "导出 CSV" } }
        }
        p.summary {
            "共 " (list.total) " 条问题"
            @if let Some(r) = &list.region { "（" (r.name) "）" }
        }
        @if list.findings.is_empty() {
            p.empty { "没有符合条件的问题。" }
        } @else {
            table.list.findings {
                thead { tr {
                    th { "机关" } th { "年度" } th { "规则" } th { "严重程度" } th { "问题" } th { "审核" }
                } }
                tbody {
                    @for f in &list.findings {
                        tr {
                            td { (f.agency.as_deref().unwrap_or("（机关未识别）")) }
                            td { @if let Some(y) = f.year { (y) } }
                            td { code { (f.code) } }
                            td class=(format!("severity-{}", f.severity)) {
                                (params::SEVERITIES.into_iter().find(|s| s.as_str() == f.severity).map_or("", |s| s.display_zh()))
                            }
                            td { a href=(format!("/reports/{}#finding-{}", f.report_id, f.key)) { (f.message) } }
                            td {
                                @match (&f.verdict, &f.decided_by) {
                                    (Some(v), by) => {
                                        (gongkai_model::access::Verdict::from_key(v).map_or("", |v| v.label()))
                                        @if let Some(by) = by { "（" (by) "）" }
                                    }
                                    (None, _) => { span.undecided { "未审核" } }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pager("/findings", p, list.page, list.pages))
    }
}
