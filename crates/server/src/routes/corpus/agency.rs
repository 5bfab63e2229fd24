//! An agency's history: its reports by year (every version, the current one marked),
//! their findings counted, and its key figures over the years as charts drawn by the
//! server (SVG, so they print), with links to each report and to the comparison of
//! consecutive years.
//!
//! Cost: the agency row, its reports' rows (`history`), their metrics and finding
//! counts — four indexed queries over one agency's reports; no report JSON is read.

use std::collections::BTreeMap;
use std::path::Path as FsPath;

use axum::extract::{Path, State};
use axum::Json;
use gongkai_model::metrics::{MetricKey, MetricKind};
use gongkai_model::{ReadingStatus, Severity};
use maud::{html, Markup};
use serde::Serialize;

use super::{count, percent};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::state::AppState;
use crate::view::chart::{bar_chart, line_chart, Scale, Series};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyHead {
    pub id: i64,
    pub name: String,
    pub region: String,
    pub level: String,
    pub region_code: Option<String>,
    /// 人民政府, 政府办公室, 部门 …; `None` when not yet placed.
    pub body: Option<String>,
    /// 已定位, 有歧义, 未定位.
    pub place_status: Option<String>,
}

/// Findings of a report by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Tally {
    pub error: i64,
    pub warning: i64,
    pub info: i64,
}

impl Tally {
    fn add(&mut self, s: Severity, n: i64) {
        match s {
            Severity::Error => self.error += n,
            Severity::Warning => self.warning += n,
            Severity::Info => self.info += n,
        }
    }

    pub fn total(&self) -> i64 {
        self.error + self.warning + self.info
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryRow {
    pub report_id: i64,
    pub year: Option<i32>,
    pub version: i64,
    /// The version checks, summaries and exports use.
    pub current: bool,
    /// Why a version is not current.
    pub not_current: Option<String>,
    pub format: String,
    /// 完整读取, 读取存疑, 部分未读.
    pub reading: Option<String>,
    /// The file's name (not its path on the server).
    pub file: String,
    pub published: Option<String>,
    pub signed: Option<String>,
    /// The report's own findings.
    pub findings: Tally,
    /// The cross-report rules' findings about it.
    pub corpus_findings: Tally,
    /// Metric key → value; `null` where it cannot be computed (blank is not zero).
    pub metrics: BTreeMap<String, Option<f64>>,
    /// The current report of the year before, to compare with.
    pub previous: Option<i64>,
}

/// One key figure over the agency's years.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Figure {
    pub key: String,
    pub label: String,
    /// A count, or a rate (a fraction: 0.25 is 25 %).
    pub rate: bool,
    /// Aligned with [`AgencyView::years`]; `null` for a year without a report or value.
    pub values: Vec<Option<f64>>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyView {
    pub agency: AgencyHead,
    /// Every version of every year, oldest first.
    pub reports: Vec<HistoryRow>,
    /// From the first to the last year with a current report.
    pub years: Vec<i32>,
    /// Every metric of the current reports over [`years`](AgencyView::years).
    pub figures: Vec<Figure>,
    /// Findings of the current report of each year, aligned with `years`.
    pub findings_by_year: Vec<YearFindings>,
}

/// The findings of a year's current report; `null` for a year without one.
#[derive(Clone, Copy, Debug, Serialize, utoipa::ToSchema)]
pub struct YearFindings {
    pub year: i32,
    /// Its own findings.
    pub report: Option<i64>,
    /// The cross-report rules'.
    pub corpus: Option<i64>,
}

fn agency_view(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    id: i64,
) -> Result<AgencyView, AppError> {
    let a = store
        .agency_place(id)?
        .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的机关")))?;
    auth.may(
        Action::Read,
        Target::Report {
            agency_id: Some(a.id),
            region_code: a.region_code.as_deref(),
        },
    )?;
    let rows = store.history(&a.name)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tallies: BTreeMap<(i64, bool), Tally> = BTreeMap::new();
    for c in store.finding_counts(&ids)? {
        tallies
            .entry((c.report_id, c.corpus))
            .or_default()
            .add(c.severity, c.n);
    }
    let mut metrics: BTreeMap<i64, BTreeMap<String, Option<f64>>> = store
        .metrics_of(Some(&ids))?
        .into_iter()
        .map(|m| (m.report_id, m.values))
        .collect();
    let current: BTreeMap<i32, &gongkai_store::ReportRow> = rows
        .iter()
        .filter(|r| r.is_current)
        .filter_map(|r| Some((r.year?, r)))
        .collect();
    let years: Vec<i32> = match (current.keys().next(), current.keys().next_back()) {
        (Some(&a), Some(&b)) => (a..=b).collect(),
        _ => Vec::new(),
    };
    // Why a version is not current: the current one was read more completely, or newer.
    let partial = |r: &gongkai_store::ReportRow| r.reading == Some(ReadingStatus::Partial);
    let reports: Vec<HistoryRow> = rows
        .iter()
        .map(|r| HistoryRow {
            report_id: r.id,
            year: r.year,
            version: r.version,
            current: r.is_current,
            not_current: (!r.is_current).then(|| match r.year.and_then(|y| current.get(&y)) {
                Some(c) if partial(r) && !partial(c) => {
                    format!("v{} 读取更完整，本版本部分未读", c.version)
                }
                _ => "已被新版本取代".to_string(),
            }),
            format: r.format.display_zh().to_string(),
            reading: r.reading.map(|x| x.display_zh().to_string()),
            file: FsPath::new(&r.source)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            published: r.published.clone(),
            signed: r.signed.clone(),
            findings: tallies.get(&(r.id, false)).copied().unwrap_or_default(),
            corpus_findings: tallies.get(&(r.id, true)).copied().unwrap_or_default(),
            metrics: metrics.remove(&r.id).unwrap_or_default(),
            previous: r
                .year
                .and_then(|y| current.get(&(y - 1)))
                .map(|p| p.id)
                .filter(|_| r.is_current),
        })
        .collect();
    let current_row = |year: i32| reports.iter().find(|h| h.current && h.year == Some(year));
    let figures = MetricKey::ALL
        .iter()
        .map(|&m| Figure {
            key: m.key().to_string(),
            label: m.label().to_string(),
            rate: m.kind() == MetricKind::Rate,
            values: years
                .iter()
                .map(|&y| current_row(y).and_then(|h| h.metrics.get(m.key()).copied().flatten()))
                .collect(),
        })
        .collect();
    let findings_by_year = years
        .iter()
        .map(|&y| {
            let h = current_row(y);
            YearFindings {
                year: y,
                report: h.map(|h| h.findings.total()),
                corpus: h.map(|h| h.corpus_findings.total()),
            }
        })
        .collect();
    Ok(AgencyView {
        agency: AgencyHead {
            id: a.id,
            name: a.name,
            region: a.region,
            level: a.level.as_zh().to_string(),
            region_code: a.region_code,
            body: a.body.map(|b| b.label().to_string()),
            place_status: a.status.map(|s| s.label().to_string()),
        },
        reports,
        years,
        figures,
        findings_by_year,
    })
}

async fn view(state: &AppState, auth: Auth, id: i64) -> Result<AgencyView, AppError> {
    state
        .db
        .run(move |store| agency_view(store, &auth, id))
        .await
}

/// 机关历年报告：各年度各版本、问题数、主要指标历年数值。
#[utoipa::path(
    get,
    path = "/api/agencies/{id}",
    params(("id" = i64, Path, description = "机关编号")),
    responses(
        (status = 200, description = "机关历年报告", body = AgencyView),
        (status = 403, description = "机关不在您的范围内（forbidden_scope）", body = ErrorBody),
        (status = 404, description = "没有这个机关", body = ErrorBody),
    ),
    tag = "机关"
)]
pub async fn api(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Json<AgencyView>, AppError> {
    Ok(Json(view(&state, auth, id).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let id = super::number_param::<i64>("机关编号", Some(&id))?
        .ok_or_else(|| AppError::BadRequest("缺少机关编号".into()))?;
    let v = view(&state, auth.clone(), id).await?;
    Ok(super::page(&v.agency.name, &auth, "", render(&v)))
}

/// The series of the figures named, for a chart.
fn series(v: &AgencyView, keys: &[MetricKey]) -> Vec<Series> {
    keys.iter()
        .filter_map(|m| v.figures.iter().find(|f| f.key == m.key()))
        .map(|f| Series {
            label: f.label.clone(),
            points: v
                .years
                .iter()
                .copied()
                .zip(f.values.iter().copied())
                .collect(),
        })
        .collect()
}

/// The charts of an agency's key figures.
pub fn charts(v: &AgencyView) -> Markup {
    let findings = [
        Series {
            label: "本报告问题".into(),
            points: v
                .findings_by_year
                .iter()
                .map(|f| (f.year, f.report.map(|n| n as f64)))
                .collect(),
        },
        Series {
            label: "跨报告问题".into(),
            points: v
                .findings_by_year
                .iter()
                .map(|f| (f.year, f.corpus.map(|n| n as f64)))
                .collect(),
        },
    ];
    html! {
        div.charts {
            (line_chart("政府信息公开申请（件）", &series(v, &[MetricKey::Received, MetricKey::Processed, MetricKey::CarriedForward]), Scale::Count))
            (line_chart("办理结果占比", &series(v, &[MetricKey::DisclosureRate, MetricKey::RefusalRate, MetricKey::UnavailableRate]), Scale::Percent))
            (bar_chart("行政复议、行政诉讼（件）", &series(v, &[MetricKey::ReviewTotal, MetricKey::LitigationTotal]), Scale::Count))
            (bar_chart("检查发现的问题（条）", &findings, Scale::Count))
        }
    }
}

fn tally(t: &Tally) -> Markup {
    html! {
        @if t.total() == 0 { "0" }
        @else {
            @if t.error > 0 { span.severity-error { "错误 " (t.error) } " " }
            @if t.warning > 0 { span.severity-warning { "警告 " (t.warning) } " " }
            @if t.info > 0 { span.severity-info { "提示 " (t.info) } }
        }
    }
}

fn render(v: &AgencyView) -> Markup {
    let a = &v.agency;
    let metric = |r: &HistoryRow, m: MetricKey| {
        let value = r.metrics.get(m.key()).copied().flatten();
        match m.kind() {
            MetricKind::Rate => percent(value),
            MetricKind::Count => count(value),
        }
    };
    html! {
        h1 { (a.name) }
        p.place {
            (a.region) "（" (a.level) "）"
            @if let Some(code) = &a.region_code {
                " 区划代码 " a href=(format!("/coverage?region={code}")) { (code) }
            }
            @if let Some(b) = &a.body { " · " (b) }
            @if let Some(s) = &a.place_status { " · " (s) }
        }
        @if v.reports.is_empty() {
            p { "语料库中没有该机关的报告。" }
        } @else {
            @if !v.years.is_empty() { (charts(v)) }
            h2 { "历年报告" }
            table.list.history {
                thead { tr {
                    th { "编号" } th { "年度" } th { "版本" } th { "格式" } th { "读取" } th { "文件" }
                    th { "本报告问题" } th { "跨报告问题" }
                    th.num { "本年新收" } th.num { "本年办结" } th.num { "实质公开率" } th { "比较" }
                } }
                tbody {
                    @for r in &v.reports {
                        tr class=(if r.current { "current" } else { "superseded" }) {
                            td { a href=(format!("/reports/{}", r.report_id)) { "#" (r.report_id) } }
                            td { @if let Some(y) = r.year { (y) } @else { "?" } }
                            td {
                                "v" (r.version)
                                @if let Some(why) = &r.not_current { br; small.note { "非当前版本：" (why) } }
                            }
                            td { (r.format) }
                            td { (r.reading.as_deref().unwrap_or("")) }
                            td.file { (r.file) }
                            td { (tally(&r.findings)) }
                            td { (tally(&r.corpus_findings)) }
                            td.num { (metric(r, MetricKey::Received)) }
                            td.num { (metric(r, MetricKey::Processed)) }
                            td.num { (metric(r, MetricKey::DisclosureRate)) }
                            td {
                                @if let Some(p) = r.previous {
                                    a href=(format!("/compare?a={p}&b={}", r.report_id)) { "与上年比较" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
