//! Two stored reports side by side ([`gongkai_corpus::compare`], as `gongkai compare`):
//! every table cell of both with the differences, the cross-year rules when they are
//! one agency's consecutive years, and how alike their prose sections are.
//!
//! Reports are named by number only: a name given over the web is never read as a
//! path on the server. Cost: two report rows and two stored reports decoded.

use axum::extract::{Query, State};
use axum::Json;
use gongkai_corpus::compare::Comparison;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::{number_param, percent};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::state::AppState;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// 报告 A 的编号（可写 #12）。
    pub a: Option<String>,
    /// 报告 B 的编号。
    pub b: Option<String>,
    /// 非空时页面列出全部单元格（默认只列不同的）；API 总是返回全部。
    pub all: Option<String>,
}

/// A report compared, as the corpus knows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportRef {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub version: i64,
    pub current: bool,
}

impl ReportRef {
    pub fn of(r: &gongkai_store::ReportRow) -> ReportRef {
        ReportRef {
            id: r.id,
            agency_id: r.agency_id,
            agency: r.agency.clone(),
            year: r.year,
            version: r.version,
            current: r.is_current,
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CompareView {
    pub a: ReportRef,
    pub b: ReportRef,
    /// Cells that differ.
    pub differing: usize,
    /// `gongkai compare --format json`'s data: `cells` (every cell of either, `a`/`b`
    /// as a reviewer reads them, `null` where the report has no such cell),
    /// `cross_year` (Y001/Y002), `sections` (text similarity).
    #[schema(value_type = Object)]
    pub comparison: Comparison,
}

/// The stored report `id`'s row, if the user may read it.
pub(crate) fn readable_row(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    id: i64,
) -> Result<gongkai_store::ReportRow, AppError> {
    let row = store
        .reports(&gongkai_store::Filter {
            all_versions: true,
            ids: Some(vec![id]),
            ..Default::default()
        })?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的报告")))?;
    auth.may(
        Action::Read,
        Target::Report {
            agency_id: row.agency_id,
            region_code: row.region_code.as_deref(),
        },
    )?;
    Ok(row)
}

fn compare_view(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    a: i64,
    b: i64,
) -> Result<CompareView, AppError> {
    let (ra, rb) = (readable_row(store, auth, a)?, readable_row(store, auth, b)?);
    let (report_a, report_b) = (store.report(a)?, store.report(b)?);
    let comparison = gongkai_corpus::compare::compare(
        &format!("#{a}"),
        &report_a,
        &format!("#{b}"),
        &report_b,
        &gongkai_similar::Options::default(),
    );
    Ok(CompareView {
        a: ReportRef::of(&ra),
        b: ReportRef::of(&rb),
        differing: comparison.differing().count(),
        comparison,
    })
}

/// The two numbers of a query, when both are given.
fn ids(q: &CompareQuery) -> Result<Option<(i64, i64)>, AppError> {
    let a = number_param::<i64>("报告 A 的编号", q.a.as_deref())?;
    let b = number_param::<i64>("报告 B 的编号", q.b.as_deref())?;
    Ok(a.zip(b))
}

async fn view(state: &AppState, auth: Auth, a: i64, b: i64) -> Result<CompareView, AppError> {
    state
        .db
        .run(move |store| compare_view(store, &auth, a, b))
        .await
}

/// 比较两份报告：逐格对照、相邻年度检查（Y001/Y002）、文字相似度。
#[utoipa::path(
    get,
    path = "/api/compare",
    params(CompareQuery),
    responses(
        (status = 200, description = "两份报告的比较", body = CompareView),
        (status = 400, description = "缺少或无法识别的报告编号", body = ErrorBody),
        (status = 403, description = "报告不在您的范围内（forbidden_scope）", body = ErrorBody),
        (status = 404, description = "没有这份报告", body = ErrorBody),
    ),
    tag = "比较与合计"
)]
pub async fn api(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<CompareQuery>,
) -> Result<Json<CompareView>, AppError> {
    let (a, b) =
        ids(&q)?.ok_or_else(|| AppError::BadRequest("请给出两份报告的编号：a 和 b".into()))?;
    Ok(Json(view(&state, auth, a, b).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(q): Query<CompareQuery>,
) -> Result<Markup, PageError> {
    let v = match ids(&q)? {
        Some((a, b)) => Some(view(&state, auth.clone(), a, b).await?),
        None => None,
    };
    let all = q.all.as_deref().is_some_and(|x| !x.is_empty());
    Ok(super::page(
        "比较两份报告",
        &auth,
        "/compare",
        render(&q, v.as_ref(), all),
    ))
}

/// The printed title of a table, by its canonical key.
pub(crate) fn table_title(table: &str) -> &'static str {
    match table {
        "active_disclosure" => "表二 主动公开政府信息情况",
        "requests" => "表三 收到和处理政府信息公开申请情况",
        _ => "表四 政府信息公开行政复议、行政诉讼情况",
    }
}

fn side(r: &ReportRef) -> Markup {
    html! {
        a href=(format!("/reports/{}", r.id)) { "#" (r.id) }
        " "
        @if let Some(id) = r.agency_id {
            a href=(format!("/agencies/{id}")) { (r.agency.as_deref().unwrap_or("")) }
        } @else { "（未识别机关）" }
        @if let Some(y) = r.year { " " (y) " 年度" }
        " v" (r.version)
        @if !r.current { "（非当前版本）" }
    }
}

fn render(q: &CompareQuery, v: Option<&CompareView>, all: bool) -> Markup {
    html! {
        h1 { "比较两份报告" }
        form.filters method="get" action="/compare" {
            label { "报告 A " input type="text" name="a" value=(q.a.as_deref().unwrap_or("")) placeholder="编号，如 12" required; }
            label { "报告 B " input type="text" name="b" value=(q.b.as_deref().unwrap_or("")) placeholder="编号" required; }
            label { input type="checkbox" name="all" value="1" checked[all]; " 列出全部单元格" }
            button type="submit" { "比较" }
        }
        @if let Some(v) = v {
            @let c = &v.comparison;
            dl.sides { dt { "A" } dd { (side(&v.a)) } dt { "B" } dd { (side(&v.b)) } }
            h2 { "表格" }
            p.summary { (c.cells.len()) " 个单元格，其中 " strong { (v.differing) } " 个不同。" "“—”表示该报告没有这一格（版式不同或缺表），空白格留空。" }
            @let shown: Vec<_> = c.cells.iter().filter(|x| all || x.differs()).collect();
            @if !shown.is_empty() {
                table.list.cells {
                    thead { tr { th { "表" } th { "行" } th { "列" } th.num { "A" } th.num { "B" } } }
                    tbody {
                        @for x in shown {
                            tr class=(if x.differs() { "differs" } else { "" }) {
                                td { (table_title(x.table)) }
                                td { (x.row_label) }
                                td { (x.column_label) }
                                td.num { (x.a.as_deref().unwrap_or("—")) }
                                td.num { (x.b.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
            @if !c.cross_year.is_empty() {
                h2 { "相邻年度检查" }
                ul.findings {
                    @for f in &c.cross_year {
                        li class=(format!("severity-{}", f.severity.as_str())) {
                            (f.severity.display_zh()) "［" a href=(format!("/rules#{}", f.code)) { (f.code) } "］" (f.message)
                        }
                    }
                }
            }
            h2 { "文字相似度" }
            table.list.sections {
                thead { tr { th { "部分" } th.num { "A 的内容见于 B" } th.num { "B 的内容见于 A" } th { "相同段落" } } }
                tbody {
                    @for s in &c.sections {
                        tr {
                            td { (s.title) }
                            @if s.a_in_b.is_some() {
                                td.num { (percent(s.a_in_b)) }
                                td.num { (percent(s.b_in_a)) }
                                td { @for p in &s.passages { blockquote { (p) } } }
                            } @else {
                                td colspan="3" { "缺少或过短，不比较" }
                            }
                        }
                    }
                }
            }
        }
    }
}
