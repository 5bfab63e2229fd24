//! Metrics and rankings of one year, over the reports in the user's scope (and a
//! region): every current report's metrics, and the rankings of the rates with the
//! sample-size guard `gongkai summary` uses ([`gongkai_corpus::summary::rankings`]):
//! an agency is ranked on a rate only when its denominator (requests answered, cases
//! concluded) is at least the minimum, and a ranking is shown only when enough
//! agencies qualify.
//!
//! Cost: the years query and one query over the year's current reports, agencies and
//! metrics columns (no report JSON); ranking and sorting in memory.

use axum::extract::{Query, State};
use axum::Json;
use gongkai_corpus::summary::{Ranking, RankingOptions};
use gongkai_model::metrics::{MetricKey, MetricKind};
use gongkai_store::MetricRow;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::{count, gazetteer, number_param, pager, percent, query, region_param, year_param};
use super::{Paging, RegionRef};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::state::AppState;

/// Reports in one page of the table.
pub const PER_PAGE: usize = 100;
/// Ranked agencies shown at each end of a ranking on the page (the API gives all).
pub const SHOWN_AT_EACH_END: usize = 10;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// 年度；默认为范围内最新的年度。
    pub year: Option<String>,
    /// 地区：区划代码或地名（含其下全部单位）。
    pub region: Option<String>,
    /// 参与排名的最小分母（办结申请数、审结案件数），默认 30。
    pub min_denominator: Option<String>,
    /// 合格机关少于此数时不排名，默认 5。
    pub min_agencies: Option<String>,
    /// 按此指标从高到低排列（指标键名，如 disclosure_rate）；默认按机关名称。
    pub sort: Option<String>,
    /// 页码（每页 100 份报告）。
    pub page: Option<String>,
}

/// A metric's definition.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MetricDef {
    pub key: String,
    pub label: String,
    pub rate: bool,
    pub definition: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MetricsRow {
    pub report_id: i64,
    pub agency: Option<String>,
    pub region: Option<String>,
    pub level: Option<String>,
    /// Metric key → value; `null` where it cannot be computed (blank is not zero).
    pub values: std::collections::BTreeMap<String, Option<f64>>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MetricsView {
    /// Years with a current report in scope.
    pub years: Vec<i32>,
    /// The year shown; `None` when there is no report in scope.
    pub year: Option<i32>,
    pub region: Option<RegionRef>,
    pub min_denominator: i64,
    pub min_agencies: usize,
    pub metrics: Vec<MetricDef>,
    /// One per rate ranked: `entries` highest first (every qualified agency), empty
    /// with a `note` when too few agencies qualify.
    #[schema(value_type = Vec<Object>)]
    pub rankings: Vec<Ranking>,
    pub sort: Option<String>,
    pub paging: Paging,
    /// The reports of this page.
    pub rows: Vec<MetricsRow>,
}

struct Params {
    year: Option<i32>,
    region: Option<gongkai_gazetteer::UnitId>,
    min_denominator: i64,
    min_agencies: usize,
    sort: Option<MetricKey>,
    page: Option<usize>,
}

impl MetricsQuery {
    fn read(&self) -> Result<Params, AppError> {
        let defaults = RankingOptions::default();
        let sort = match self
            .sort
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => Some(
                MetricKey::from_key(s)
                    .ok_or_else(|| AppError::BadRequest(format!("没有这个指标：“{s}”")))?,
            ),
        };
        Ok(Params {
            year: year_param(self.year.as_deref())?,
            region: region_param(self.region.as_deref())?,
            min_denominator: number_param::<u32>("最小分母", self.min_denominator.as_deref())?
                .map_or(defaults.min_denominator, i64::from),
            min_agencies: number_param::<u32>("最少机关数", self.min_agencies.as_deref())?
                .map_or(defaults.min_agencies, |n| n as usize),
            sort,
            page: number_param("页码", self.page.as_deref())?,
        })
    }
}

fn metrics_view(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    p: &Params,
) -> Result<MetricsView, AppError> {
    let g = gazetteer()?;
    let region = p.region.map(|id| RegionRef::of(g, id));
    match &region {
        Some(r) => auth.may(Action::Read, Target::Region(&r.code))?,
        None => auth.may(Action::Read, Target::Anything)?,
    }
    let code = region.as_ref().map(|r| r.code.as_str());
    let years = store.years_in(&auth.user.scope, code)?;
    let year = match p.year {
        Some(y) if years.contains(&y) => Some(y),
        Some(y) => {
            return Err(AppError::NotFound(format!(
                "范围内没有 {y} 年度的报告（现有年度：{}）",
                match (years.first(), years.last()) {
                    (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
                    (Some(a), _) => a.to_string(),
                    _ => "无".into(),
                }
            )))
        }
        None => years.last().copied(),
    };
    let opts = RankingOptions {
        min_denominator: p.min_denominator,
        min_agencies: p.min_agencies,
        year,
        region_code: code.map(str::to_string),
        ..RankingOptions::default()
    };
    let stored = match year {
        Some(y) => store.metrics_in(&auth.user.scope, code, y)?,
        None => Vec::new(),
    };
    let mut rows: Vec<MetricRow> = stored
        .into_iter()
        .filter(|m| {
            auth.allows(
                Action::Read,
                Target::Report {
                    agency_id: m.agency_id,
                    region_code: m.metrics.region_code.as_deref(),
                },
            )
        })
        .map(|m| m.metrics)
        .collect();
    let rankings = match year {
        Some(y) => gongkai_corpus::summary::rankings(&rows, y, &opts),
        None => Vec::new(),
    };
    if let Some(key) = p.sort {
        let v = |m: &MetricRow| m.values.get(key.key()).copied().flatten();
        rows.sort_by(|a, b| match (v(a), v(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x).then(a.agency.cmp(&b.agency)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.agency.cmp(&b.agency),
        });
    }
    let paging = Paging::new(p.page, PER_PAGE, rows.len());
    let rows = rows
        .drain(paging.range())
        .map(|m| MetricsRow {
            report_id: m.report_id,
            agency: m.agency,
            region: m.region,
            level: m.level.map(|l| l.as_zh().to_string()),
            values: m.values,
        })
        .collect();
    Ok(MetricsView {
        years,
        year,
        region,
        min_denominator: p.min_denominator,
        min_agencies: p.min_agencies,
        metrics: MetricKey::ALL
            .iter()
            .map(|m| MetricDef {
                key: m.key().to_string(),
                label: m.label().to_string(),
                rate: m.kind() == MetricKind::Rate,
                definition: m.definition().to_string(),
            })
            .collect(),
        rankings,
        sort: p.sort.map(|k| k.key().to_string()),
        paging,
        rows,
    })
}

async fn view(state: &AppState, auth: Auth, q: &MetricsQuery) -> Result<MetricsView, AppError> {
    let p = q.read()?;
    state
        .db
        .run(move |store| metrics_view(store, &auth, &p))
        .await
}

/// 指标和排名：某年度范围内各报告的指标，以及分母足够大时的排名（最小分母、最少机关数与 `gongkai summary` 相同）。
#[utoipa::path(
    get,
    path = "/api/metrics",
    params(MetricsQuery),
    responses(
        (status = 200, description = "指标和排名", body = MetricsView),
        (status = 400, description = "参数有误", body = ErrorBody),
        (status = 403, description = "地区不在您的范围内（forbidden_scope）", body = ErrorBody),
        (status = 404, description = "范围内没有该年度的报告", body = ErrorBody),
    ),
    tag = "指标"
)]
pub async fn api(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<MetricsQuery>,
) -> Result<Json<MetricsView>, AppError> {
    Ok(Json(view(&state, auth, &q).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(q): Query<MetricsQuery>,
) -> Result<Markup, PageError> {
    let v = view(&state, auth.clone(), &q).await?;
    Ok(super::page("指标和排名", &auth, "/metrics", render(&v)))
}

fn value(key: MetricKey, v: Option<f64>) -> String {
    match key.kind() {
        MetricKind::Rate => percent(v),
        MetricKind::Count => count(v),
    }
}

/// The metrics shown as columns of the table (the API gives all).
const COLUMNS: [MetricKey; 7] = [
    MetricKey::Received,
    MetricKey::Processed,
    MetricKey::DisclosureRate,
    MetricKey::RefusalRate,
    MetricKey::UnavailableRate,
    MetricKey::ReviewCorrectionRate,
    MetricKey::LitigationCorrectionRate,
];

fn ranking(r: &Ranking) -> Markup {
    let n = r.entries.len();
    html! {
        section.ranking {
            h3 { (r.label) " " (r.year) " 年度排名" }
            @match &r.note {
                Some(note) => p.note { (note) },
                None => {
                    p { (r.qualified) " 个机关参与" }
                    table.list {
                        thead { tr { th.num { "名次" } th { "机关" } th.num { (r.label) } th.num { "分母" } th { "" } } }
                        tbody {
                            @for (i, e) in r.entries.iter().enumerate() {
                                @if i < SHOWN_AT_EACH_END || i + SHOWN_AT_EACH_END >= n {
                                    tr {
                                        td.num { (i + 1) }
                                        td { (e.agency) }
                                        td.num { (percent(Some(e.value))) }
                                        td.num { (e.denominator) }
                                        td.bar {
                                            svg.bar xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 10" preserveAspectRatio="none" {
                                                rect x="0" y="0" height="10" width=(format!("{:.1}", (e.value * 100.0).clamp(0.0, 100.0))) {}
                                            }
                                        }
                                    }
                                } @else if i == SHOWN_AT_EACH_END {
                                    tr.gap { td colspan="5" { "……（中间 " (n - 2 * SHOWN_AT_EACH_END) " 个机关从略，API 给出全部）" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn render(v: &MetricsView) -> Markup {
    let region = v
        .region
        .as_ref()
        .map(|r| r.code.clone())
        .unwrap_or_default();
    let year = v.year.map(|y| y.to_string()).unwrap_or_default();
    let link = |sort: &str, page: usize| {
        format!(
            "/metrics?{}",
            query(&[
                ("year", year.clone()),
                ("region", region.clone()),
                ("min_denominator", v.min_denominator.to_string()),
                ("min_agencies", v.min_agencies.to_string()),
                ("sort", sort.to_string()),
                (
                    "page",
                    if page > 1 {
                        page.to_string()
                    } else {
                        String::new()
                    }
                ),
            ])
        )
    };
    let sort = v.sort.clone().unwrap_or_default();
    html! {
        h1 { "指标和排名" @if let Some(r) = &v.region { " · " (r.path) } }
        form.filters method="get" action="/metrics" {
            label { "年度 "
                select name="year" data-autosubmit {
                    @for y in v.years.iter().rev() { option value=(y) selected[v.year == Some(*y)] { (y) } }
                }
            }
            label { "地区 " input type="text" name="region" value=(region) placeholder="区划代码或地名"; }
            label { "最小分母 " input type="number" name="min_denominator" min="0" value=(v.min_denominator); }
            label { "最少机关数 " input type="number" name="min_agencies" min="0" value=(v.min_agencies); }
            input type="hidden" name="sort" value=(sort);
            button type="submit" { "查看" }
        }
        @match v.year {
            None => p { "范围内还没有报告。" },
            Some(_) => {
                p.summary {
                    "只有分母（办结申请数、审结案件数）不少于 " (v.min_denominator) " 的机关参与排名，合格机关不少于 "
                    (v.min_agencies) " 个才排名：几件申请算出的比率说明不了什么。比率的分母为 0 或所需单元格空白时无法计算，记作“—”，不当作 0。"
                }
                h2 { "排名" }
                @for r in &v.rankings { (ranking(r)) }
                h2 { "各报告指标（" (v.paging.total) " 份当前报告）" }
                table.list.metrics {
                    thead { tr {
                        th { "报告" } th { "机关" } th { "地区" }
                        @for m in COLUMNS {
                            th.num { a href=(link(m.key(), 1)) title=(m.definition()) { (m.label()) @if sort == m.key() { " ▼" } } }
                        }
                    } }
                    tbody {
                        @for r in &v.rows {
                            tr {
                                td { a href=(format!("/reports/{}", r.report_id)) { "#" (r.report_id) } }
                                td { (r.agency.as_deref().unwrap_or("（未识别机关）")) }
                                td { (r.region.as_deref().unwrap_or("")) }
                                @for m in COLUMNS { td.num { (value(m, r.values.get(m.key()).copied().flatten())) } }
                            }
                        }
                    }
                }
                (pager(&v.paging, |p| link(&sort, p)))
                details.definitions {
                    summary { "指标定义" }
                    dl { @for m in &v.metrics { dt { (m.label) " " code { (m.key) } } dd { (m.definition) } } }
                }
            }
        }
    }
}
