//! The reports list: `/reports` (page) and `GET /api/reports` (JSON), one data
//! function. Filters, order and the page are the store's SQL ([`Store::report_page`]);
//! the user's scope is pushed into it, and every row is asked of the policy again.
//!
//! [`Store::report_page`]: gongkai_store::Store::report_page

use std::path::Path;

use axum::extract::{Query, State};
use axum::Json;
use gongkai_store::{DecisionFilter, ReportListRow, ReportQuery, ReportSort, SeverityFilter};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::params::{self, RegionRef, PAGE_SIZE};
use super::{assets, pager};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, PageError};
use crate::layout;
use crate::state::AppState;

/// The list's filters as a form or a script sends them; every field optional, an empty
/// field meaning "any".
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A place name at any level or a statistical code (everything below it included).
    pub region: Option<String>,
    /// 省 市 县 区 乡镇 街道 部门 未定.
    pub level: Option<String>,
    pub year: Option<String>,
    /// whole | with_doubts | partial.
    pub reading: Option<String>,
    /// pdf | docx | html | text | markdown | image (a scan, read by OCR).
    pub format: Option<String>,
    /// error | warning | info (has a finding of it) | none (no finding).
    pub severity: Option<String>,
    /// undecided | all_decided | confirmed.
    pub decision: Option<String>,
    /// Text in the agency's name.
    pub agency: Option<String>,
    /// 1: every version, not only the current one.
    pub versions: Option<String>,
    /// agency | year | region | errors | findings | ingested.
    pub sort: Option<String>,
    /// 1: reversed.
    pub desc: Option<String>,
    /// 1-based.
    pub page: Option<String>,
}

/// A page of the reports list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportList {
    /// Reports matching, on all pages.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub page_size: i64,
    /// The region filtered to, as resolved.
    pub region: Option<RegionRef>,
    pub reports: Vec<ReportItem>,
    /// Years of the stored reports (for the year choice).
    pub years: Vec<i32>,
}

/// One listed report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportItem {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    pub region: Option<String>,
    pub region_code: Option<String>,
    /// 省 市 县 …
    pub level: Option<String>,
    pub year: Option<i32>,
    pub version: i64,
    pub is_current: bool,
    /// text | markdown | pdf | docx | html.
    pub format: String,
    /// The format as a reviewer reads it (扫描件（OCR识别） for a scan).
    pub format_zh: String,
    /// whole | with_doubts | partial.
    pub reading: Option<String>,
    /// The file's name (not the server's path).
    pub file: String,
    pub errors: i64,
    pub warnings: i64,
    pub infos: i64,
    pub undecided: i64,
    pub confirmed: i64,
    pub dismissed: i64,
}

impl ReportItem {
    fn of(r: ReportListRow) -> ReportItem {
        let file = file_name(&r.report.source);
        let row = r.report;
        ReportItem {
            id: row.id,
            agency_id: row.agency_id,
            agency: row.agency,
            region: row.region,
            region_code: row.region_code,
            level: row.level.map(|l| l.as_zh().to_string()),
            year: row.year,
            version: row.version,
            is_current: row.is_current,
            format: gongkai_store::StoredEnum::as_str(row.format).to_string(),
            format_zh: row.format.display_zh().to_string(),
            reading: row.reading.map(|r| r.as_str().to_string()),
            file,
            errors: r.errors,
            warnings: r.warnings,
            infos: r.infos,
            undecided: r.undecided,
            confirmed: r.confirmed,
            dismissed: r.dismissed,
        }
    }
}

/// The last part of a stored source path: what a user recognises, without the server's
/// folders.
pub fn file_name(source: &str) -> String {
    Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string())
}

fn decision_filter(v: &Option<String>) -> Result<Option<DecisionFilter>, AppError> {
    match params::given(v) {
        None => Ok(None),
        Some("undecided") => Ok(Some(DecisionFilter::Undecided)),
        Some("all_decided") => Ok(Some(DecisionFilter::AllDecided)),
        Some("confirmed") => Ok(Some(DecisionFilter::HasConfirmed)),
        Some(s) => Err(AppError::BadRequest(format!(
            "审核状态“{s}”无效：可选 undecided（有未审核问题）、all_decided（已全部审核）、confirmed（有确认的问题）"
        ))),
    }
}

fn severity_filter(v: &Option<String>) -> Result<Option<SeverityFilter>, AppError> {
    if params::given(v) == Some("none") {
        return Ok(Some(SeverityFilter::Clean));
    }
    Ok(params::severity(v)?.map(SeverityFilter::Has))
}

fn sort(v: &Option<String>) -> Result<ReportSort, AppError> {
    Ok(match params::given(v) {
        None | Some("agency") => ReportSort::Agency,
        Some("year") => ReportSort::Year,
        Some("region") => ReportSort::Region,
        Some("errors") => ReportSort::Errors,
        Some("findings") => ReportSort::Findings,
        Some("ingested") => ReportSort::Ingested,
        Some(s) => {
            return Err(AppError::BadRequest(format!(
                "排序“{s}”无效：可选 agency、year、region、errors、findings、ingested"
            )))
        }
    })
}

/// The list for `auth`'s user: only reports in their scope.
pub async fn report_list(
    state: &AppState,
    auth: &Auth,
    p: &ListParams,
) -> Result<ReportList, AppError> {
    auth.may(Action::Read, Target::Anything)?;
    let region = params::region(&p.region)?;
    let (page, offset) = params::page(&p.page)?;
    let q = ReportQuery {
        scope: auth.user.scope.clone(),
        region_code: region.as_ref().map(|r| r.code.clone()),
        level: params::level(&p.level)?,
        year: params::year(&p.year)?,
        reading: params::reading(&p.reading)?,
        format: params::format(&p.format)?,
        severity: severity_filter(&p.severity)?,
        decision: decision_filter(&p.decision)?,
        agency: params::given(&p.agency).map(str::to_string),
        all_versions: params::flag(&p.versions)?,
        sort: sort(&p.sort)?,
        descending: params::flag(&p.desc)?,
        offset,
        limit: PAGE_SIZE,
    };
    let (found, years) = state
        .db
        .run(move |store| Ok((store.report_page(&q)?, store.report_years()?)))
        .await?;
    let reports = found
        .rows
        .into_iter()
        .filter(|r| {
            auth.allows(
                Action::Read,
                Target::Report {
                    agency_id: r.report.agency_id,
                    region_code: r.report.region_code.as_deref(),
                },
            )
        })
        .map(ReportItem::of)
        .collect();
    Ok(ReportList {
        total: found.total,
        page,
        pages: params::pages(found.total),
        page_size: PAGE_SIZE,
        region,
        reports,
        years,
    })
}

/// Reports in the caller's scope, filtered, sorted and paginated (50 a page).
#[utoipa::path(get, path = "/api/reports", params(ListParams), tag = "reports",
    responses((status = 200, body = ReportList), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
    Query(p): Query<ListParams>,
) -> Result<Json<ReportList>, AppError> {
    Ok(Json(report_list(&state, &auth, &p).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(p): Query<ListParams>,
) -> Result<Markup, PageError> {
    let list = report_list(&state, &auth, &p).await?;
    Ok(layout::page_with(
        "报告",
        &auth.user,
        auth.csrf(),
        &assets(),
        render(&list, &p),
    ))
}

fn selected(v: &Option<String>, option: &str) -> bool {
    params::given(v) == Some(option)
}

pub fn render(list: &ReportList, p: &ListParams) -> Markup {
    html! {
        h1 { "报告" }
        form.filters method="get" action="/reports" {
            label { "地区 " input type="text" name="region" value=[params::given(&p.region)] placeholder="地名或区划代码"; }
            label { "机关 " input type="text" name="agency" value=[params::given(&p.agency)] placeholder="名称中的文字"; }
            label { "层级 "
                select name="level" {
                    option value="" { "全部" }
                    @for l in gongkai_model::agency::Level::ALL {
                        option value=(l.as_zh()) selected[selected(&p.level, l.as_zh())] { (l.as_zh()) }
                    }
                }
            }
            label { "年度 "
                select name="year" {
                    option value="" { "全部" }
                    @for y in &list.years {
                        option value=(y) selected[selected(&p.year, &y.to_string())] { (y) }
                    }
                }
            }
            label { "读取状态 "
                select name="reading" {
                    option value="" { "全部" }
                    @for r in params::READINGS {
                        option value=(r.as_str()) selected[selected(&p.reading, r.as_str())] { (r.display_zh()) }
                    }
                }
            }
            label { "格式 "
                select name="format" {
                    option value="" { "全部" }
                    @for f in params::FORMATS {
                        @let value = gongkai_store::StoredEnum::as_str(f);
                        option value=(value) selected[selected(&p.format, value)] { (f.display_zh()) }
                    }
                }
            }
            label { "问题 "
                select name="severity" {
                    option value="" { "全部" }
                    option value="error" selected[selected(&p.severity, "error")] { "有错误" }
                    option value="warning" selected[selected(&p.severity, "warning")] { "有警告" }
                    option value="info" selected[selected(&p.severity, "info")] { "有提示" }
                    option value="none" selected[selected(&p.severity, "none")] { "无问题" }
                }
            }
            label { "审核 "
                select name="decision" {
                    option value="" { "全部" }
                    option value="undecided" selected[selected(&p.decision, "undecided")] { "有未审核的问题" }
                    option value="all_decided" selected[selected(&p.decision, "all_decided")] { "已全部审核" }
                    option value="confirmed" selected[selected(&p.decision, "confirmed")] { "有确认的问题" }
                }
            }
            label { "排序 "
                select name="sort" {
                    @for (key, label) in [("agency", "机关"), ("year", "年度"), ("region", "地区"), ("errors", "错误数"), ("findings", "问题数"), ("ingested", "入库时间")] {
                        option value=(key) selected[selected(&p.sort, key)] { (label) }
                    }
                }
            }
            label { input type="checkbox" name="desc" value="1" checked[selected(&p.desc, "1")]; "倒序" }
            label { input type="checkbox" name="versions" value="1" checked[selected(&p.versions, "1")]; "含历史版本" }
            button type="submit" { "筛选" }
        }
        p.summary {
            "共 " (list.total) " 份报告"
            @if let Some(r) = &list.region { "（" (r.name) "）" }
        }
        @if list.reports.is_empty() {
            p.empty { "没有符合条件的报告。" }
        } @else {
            table.list.reports {
                thead { tr {
                    th { "机关" } th { "地区" } th { "层级" } th { "年度" } th { "版本" }
                    th { "格式" } th { "读取" } th { "错误" } th { "警告" } th { "提示" } th { "未审核" } th { "已确认" }
                } }
                tbody {
                    @for r in &list.reports {
                        tr data-report=(r.id) {
                            td { a href=(format!("/reports/{}", r.id)) { (r.agency.as_deref().unwrap_or("（机关未识别）")) } }
                            td { (r.region.as_deref().unwrap_or("")) }
                            td { (r.level.as_deref().unwrap_or("")) }
                            td { @if let Some(y) = r.year { (y) } @else { "未识别" } }
                            td { (r.version) @if !r.is_current { "（旧）" } }
                            td { (r.format_zh) }
                            td { (r.reading.as_deref().and_then(|k| params::READINGS.into_iter().find(|x| x.as_str() == k)).map(|x| x.display_zh()).unwrap_or("")) }
                            td.num.severity-error { @if r.errors > 0 { (r.errors) } }
                            td.num.severity-warning { @if r.warnings > 0 { (r.warnings) } }
                            td.num.severity-info { @if r.infos > 0 { (r.infos) } }
                            td.num { @if r.undecided > 0 { (r.undecided) } }
                            td.num { @if r.confirmed > 0 { (r.confirmed) } }
                        }
                    }
                }
            }
        }
        (pager("/reports", p, list.page, list.pages))
    }
}
