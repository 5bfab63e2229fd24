//! 覆盖情况: which agencies published which years, region by region.
//!
//! - The region tree: the gazetteer's units from the province down; each level lists
//!   its children (and the region's own agencies) with how many agencies, current
//!   reports and agencies with a missing year the corpus holds there.
//! - The matrix: agency × year, a year missing after the agency's first report marked
//!   red (a year before it is not counted as missing: the agency may not have had to
//!   report yet), up to the latest year of the user's scope, so that every level of the
//!   tree counts an agency's missing years alike.
//! - Who must report: for a region and a year, every body that must publish
//!   ([`gongkai_corpus::coverage`], as `gongkai coverage`), present, late or missing.
//!
//! Cost: one query over agencies × current reports of the region (identities and
//! years only, no report JSON) and one for the scope's latest year; the expected view adds the library's two queries
//! (agencies, the year's current reports) and walks the region's gazetteer subtree.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use gongkai_corpus::coverage::Status;
use gongkai_gazetteer::UnitId;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::{gazetteer, pager, query, region_param, year_param, Paging, RegionRef};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Scope, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::state::AppState;

/// Agencies in one page of the matrix.
pub const MATRIX_PER_PAGE: usize = 100;
/// Bodies in one page of the expected list.
pub const EXPECTED_PER_PAGE: usize = 200;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// 地区：区划代码或地名（含其下全部单位）；不给出时为用户的全部范围。
    pub region: Option<String>,
    /// 年度：与地区同时给出时，另列该地区该年度应发布年报的主体（已发布、逾期、未发现）。
    pub year: Option<String>,
    /// 非空时只列有缺年的机关，以及未发现和逾期的主体。
    pub gaps: Option<String>,
    /// 机关矩阵的页码（每页 100 个机关）。
    pub page: Option<String>,
    /// 应发布主体列表的页码（每页 200 个；API 总是返回全部）。
    pub epage: Option<String>,
}

/// The parameters, read.
struct Params {
    region: Option<UnitId>,
    year: Option<i32>,
    gaps: bool,
    page: Option<usize>,
}

impl CoverageQuery {
    fn read(&self) -> Result<Params, AppError> {
        Ok(Params {
            region: region_param(self.region.as_deref())?,
            year: year_param(self.year.as_deref())?,
            gaps: self.gaps.as_deref().is_some_and(|g| !g.is_empty()),
            page: super::number_param("页码", self.page.as_deref())?,
        })
    }
}

/// One unit above the region, for the trail back up.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TrailStep {
    pub region: RegionRef,
    /// Whether the user may open it (it is in their scope).
    pub open: bool,
}

/// What a row of the tree counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub agencies: usize,
    /// Current reports (one per agency and year).
    pub reports: usize,
    /// Agencies with a year missing after their first report.
    pub with_gaps: usize,
}

impl Counts {
    fn add(&mut self, row: &MatrixRow) {
        self.agencies += 1;
        self.reports += row.marks.iter().filter(|m| **m == Mark::Present).count();
        self.with_gaps += usize::from(row.has_gap());
    }
}

/// What a row of the tree is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChildKind {
    /// A unit below (or, at the top, a unit of the user's scope).
    Unit,
    /// The region's own agencies (placed on the region itself, not below it).
    Own,
    /// Agencies whose place could not be determined (only for the whole corpus).
    Unplaced,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Child {
    pub kind: ChildKind,
    /// The unit, for [`ChildKind::Unit`].
    pub region: Option<RegionRef>,
    pub counts: Counts,
}

/// A year of an agency in the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// A current report for the year.
    Present,
    /// No report, in or after the agency's first year: missing.
    Missing,
    /// No report, before the agency's first: not counted as missing.
    Before,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MatrixRow {
    pub agency_id: i64,
    pub agency: String,
    pub region: String,
    pub region_code: Option<String>,
    pub level: String,
    /// Aligned with [`CoverageView::years`].
    pub marks: Vec<Mark>,
}

impl MatrixRow {
    pub fn has_gap(&self) -> bool {
        self.marks.contains(&Mark::Missing)
    }
}

/// Who must report in the region for the year.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ExpectedView {
    pub expected: usize,
    pub present: usize,
    pub late: usize,
    pub missing: usize,
    /// `gongkai coverage --format json`'s data: every body with its status, and the
    /// year's reports whose agency could not be placed (only for users whose scope is
    /// the whole corpus: such reports are in no region).
    #[schema(value_type = Object)]
    pub coverage: gongkai_corpus::coverage::Coverage,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CoverageView {
    /// The region shown; `None` is the user's whole scope.
    pub region: Option<RegionRef>,
    /// The region's ancestors, province first.
    pub trail: Vec<TrailStep>,
    /// The matrix's years: from the first year any agency shown has to the latest year
    /// of the user's whole scope.
    pub years: Vec<i32>,
    pub totals: Counts,
    /// The next level down, with counts.
    pub children: Vec<Child>,
    /// Only agencies with a missing year are listed.
    pub gaps_only: bool,
    pub paging: Paging,
    /// The agencies of this page.
    pub matrix: Vec<MatrixRow>,
    /// With a region and a year.
    pub expected: Option<ExpectedView>,
}

/// The coverage a user may see, for the parameters.
fn coverage_view(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    p: &Params,
) -> Result<CoverageView, AppError> {
    let g = gazetteer()?;
    let code = p.region.map(|id| g.unit(id).code);
    match code {
        Some(code) => auth.may(Action::ReadRegion, Target::Region(code))?,
        None => auth.may(Action::ReadRegion, Target::Anything)?,
    }
    let mut stored = store.coverage_in(&auth.user.scope, code)?;
    stored.retain(|c| {
        auth.allows(
            Action::Read,
            Target::Report {
                agency_id: Some(c.agency_id),
                region_code: c.region_code.as_deref(),
            },
        )
    });
    // The years run to the latest of the user's whole scope, not of this region alone:
    // an agency counts as missing a year at every level of the tree alike.
    let latest = store.years_in(&auth.user.scope, None)?.last().copied();
    let years: Vec<i32> = match (
        stored.iter().filter_map(|c| c.years.first()).min(),
        stored.iter().filter_map(|c| c.years.last()).max(),
    ) {
        (Some(&a), Some(&b)) => (a..=b.max(latest.unwrap_or(b))).collect(),
        _ => Vec::new(),
    };
    let rows: Vec<MatrixRow> = stored
        .into_iter()
        .map(|c| {
            let first = c.years.first().copied().unwrap_or(i32::MAX);
            MatrixRow {
                marks: years
                    .iter()
                    .map(|y| match () {
                        _ if c.years.contains(y) => Mark::Present,
                        _ if *y < first => Mark::Before,
                        _ => Mark::Missing,
                    })
                    .collect(),
                agency_id: c.agency_id,
                agency: c.agency,
                region: c.region,
                region_code: c.region_code,
                level: c.level.as_zh().to_string(),
            }
        })
        .collect();

    // The next level down: the region's children and its own agencies; at the top,
    // the provinces (or the scope's units) and, for the whole corpus, the unplaced.
    let units: Vec<UnitId> = match (p.region, &auth.user.scope) {
        (Some(id), _) => g.children(id).to_vec(),
        (None, Scope::Everywhere) => (10..100)
            .filter_map(|n| g.by_code(&n.to_string()))
            .collect(),
        (None, Scope::Regions(codes)) => codes.iter().filter_map(|c| g.by_code(c)).collect(),
        (None, Scope::Agency(_)) => Vec::new(),
    };
    let mut children: Vec<Child> = units
        .iter()
        .map(|&id| Child {
            kind: ChildKind::Unit,
            region: Some(RegionRef::of(g, id)),
            counts: Counts::default(),
        })
        .collect();
    let index: HashMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(i, &id)| (g.unit(id).code, i))
        .collect();
    let mut lengths: Vec<usize> = index.keys().map(|c| c.len()).collect();
    lengths.sort_unstable();
    lengths.dedup();
    let mut own = Counts::default();
    let mut unplaced = Counts::default();
    let mut totals = Counts::default();
    for row in &rows {
        totals.add(row);
        let child = row.region_code.as_deref().and_then(|code| {
            lengths
                .iter()
                .filter(|&&n| n <= code.len())
                .find_map(|&n| index.get(&code[..n]).copied())
        });
        match (child, &row.region_code) {
            (Some(i), _) => children[i].counts.add(row),
            (None, Some(_)) => own.add(row),
            (None, None) => unplaced.add(row),
        }
    }
    if p.region.is_some() || own.agencies > 0 {
        children.insert(
            0,
            Child {
                kind: ChildKind::Own,
                region: None,
                counts: own,
            },
        );
    }
    if unplaced.agencies > 0 {
        children.push(Child {
            kind: ChildKind::Unplaced,
            region: None,
            counts: unplaced,
        });
    }

    let trail = match p.region {
        Some(id) => g
            .path(id)
            .into_iter()
            .map(|u| TrailStep {
                region: RegionRef::of(g, u),
                open: auth.allows(Action::ReadRegion, Target::Region(g.unit(u).code)),
            })
            .collect(),
        None => Vec::new(),
    };

    let listed: Vec<MatrixRow> = rows
        .into_iter()
        .filter(|r| !p.gaps || r.has_gap())
        .collect();
    let paging = Paging::new(p.page, MATRIX_PER_PAGE, listed.len());
    let matrix = listed[paging.range()].to_vec();

    let expected = match (p.region, p.year) {
        (Some(id), Some(year)) => {
            let mut c = gongkai_corpus::coverage::coverage(store, g, id, year)?;
            // A report whose agency could not be placed is in no region: only a user
            // whose scope is the whole corpus may see it.
            if !auth.allows(
                Action::Read,
                Target::Report {
                    agency_id: None,
                    region_code: None,
                },
            ) {
                c.unplaced.clear();
            }
            Some(ExpectedView {
                expected: c.expected.len(),
                present: c.count(Status::Present),
                late: c.count(Status::Late),
                missing: c.count(Status::Missing),
                coverage: c,
            })
        }
        _ => None,
    };

    Ok(CoverageView {
        region: p.region.map(|id| RegionRef::of(g, id)),
        trail,
        years,
        totals,
        children,
        gaps_only: p.gaps,
        paging,
        matrix,
        expected,
    })
}

async fn view(state: &AppState, auth: Auth, q: &CoverageQuery) -> Result<CoverageView, AppError> {
    let p = q.read()?;
    state
        .db
        .run(move |store| coverage_view(store, &auth, &p))
        .await
}

/// 覆盖情况：机关×年度矩阵、地区树（各下级的机关数、报告数、有缺年的机关数）、
/// 给出地区和年度时另列应发布年报的主体。
#[utoipa::path(
    get,
    path = "/api/coverage",
    params(CoverageQuery),
    responses(
        (status = 200, description = "覆盖情况", body = CoverageView),
        (status = 400, description = "参数有误（地区不存在或有歧义、年度不是数字）", body = ErrorBody),
        (status = 403, description = "角色无权查看覆盖情况（forbidden_role），或地区不在范围内（forbidden_scope）", body = ErrorBody),
    ),
    tag = "覆盖情况"
)]
pub async fn api(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<CoverageQuery>,
) -> Result<Json<CoverageView>, AppError> {
    Ok(Json(view(&state, auth, &q).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(q): Query<CoverageQuery>,
) -> Result<Markup, PageError> {
    let v = view(&state, auth.clone(), &q).await?;
    let epage = super::number_param::<usize>("页码", q.epage.as_deref())?;
    let title = match &v.region {
        Some(r) => format!("覆盖情况 · {}", r.path),
        None => "覆盖情况".to_string(),
    };
    Ok(super::page(
        &title,
        &auth,
        "/coverage",
        render(&v, &q, epage),
    ))
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Present => "present",
        Status::Late => "late",
        Status::Missing => "missing",
    }
}

fn render(v: &CoverageView, q: &CoverageQuery, epage: Option<usize>) -> Markup {
    let region_code = v
        .region
        .as_ref()
        .map(|r| r.code.clone())
        .unwrap_or_default();
    let year = q.year.clone().unwrap_or_default();
    let gaps = if v.gaps_only { "1" } else { "" }.to_string();
    let here = |page: usize, epage: usize| {
        format!(
            "/coverage?{}",
            query(&[
                ("region", region_code.clone()),
                ("year", year.clone()),
                ("gaps", gaps.clone()),
                (
                    "page",
                    if page > 1 {
                        page.to_string()
                    } else {
                        String::new()
                    }
                ),
                (
                    "epage",
                    if epage > 1 {
                        epage.to_string()
                    } else {
                        String::new()
                    }
                ),
            ])
        )
    };
    let down = |code: &str| {
        format!(
            "/coverage?{}",
            query(&[
                ("region", code.to_string()),
                ("year", year.clone()),
                ("gaps", gaps.clone())
            ])
        )
    };
    html! {
        h1 { "覆盖情况" @if let Some(r) = &v.region { " · " (r.path) } }
        nav.trail {
            a href="/coverage" { "我的全部范围" }
            @for step in &v.trail {
                " › "
                @if step.open { a href=(down(&step.region.code)) { (step.region.name) } }
                @else { span.closed title="不在您的范围内" { (step.region.name) } }
            }
        }
        form.filters method="get" action="/coverage" {
            label { "地区 " input type="text" name="region" value=(region_code) placeholder="区划代码或地名，如 4107 或 新乡市"; }
            label { "年度 "
                select name="year" data-autosubmit {
                    option value="" { "（不列应发布主体）" }
                    @for y in v.years.iter().rev() {
                        option value=(y) selected[year == y.to_string()] { (y) }
                    }
                }
            }
            label { input type="checkbox" name="gaps" value="1" checked[v.gaps_only]; " 只看有缺漏的" }
            button type="submit" { "查看" }
        }
        p.summary {
            (v.totals.agencies) " 个机关，" (v.totals.reports) " 份当前报告"
            @if let (Some(a), Some(b)) = (v.years.first(), v.years.last()) { "（" (a) "–" (b) " 年度）" }
            "，其中 " strong.missing-count { (v.totals.with_gaps) } " 个机关有缺年。"
            "红色“缺”为机关首份报告之后缺少的年度；首份报告之前的年度不计为缺。"
        }
        @if !v.children.is_empty() {
            h2 { @if v.region.is_some() { "下级地区" } @else { "地区" } }
            table.list.tree {
                thead { tr { th { "地区" } th { "区划代码" } th.num { "机关" } th.num { "当前报告" } th.num { "有缺年的机关" } } }
                tbody {
                    @for c in &v.children {
                        tr class=(if c.counts.agencies == 0 { "empty" } else { "" }) {
                            td {
                                @match (&c.kind, &c.region) {
                                    (ChildKind::Unit, Some(r)) => { a href=(down(&r.code)) { (r.name) } }
                                    (ChildKind::Own, _) => { "本级机关" }
                                    _ => { "所在地未能确定的机关" }
                                }
                            }
                            td { @if let Some(r) = &c.region { (r.code) } }
                            td.num { (c.counts.agencies) }
                            td.num { (c.counts.reports) }
                            td.num { @if c.counts.with_gaps > 0 { span.missing-count { (c.counts.with_gaps) } } @else { "0" } }
                        }
                    }
                }
            }
        }
        @if let Some(e) = &v.expected { (expected(e, epage, v.gaps_only, |p| here(1, p))) }
        @else if let (Some(r), Some(last)) = (&v.region, v.years.last()) {
            p.hint { "选择年度，查看" (r.name) "该年度应发布年报的全部主体（已发布、逾期、未发现）：" a href=(format!("/coverage?{}", query(&[("region", r.code.clone()), ("year", last.to_string())]))) { (last) " 年度" } }
        }
        h2 { "机关 × 年度" }
        @if v.matrix.is_empty() {
            p { @if v.gaps_only { "没有缺年的机关。" } @else { "范围内没有机关的报告。" } }
        } @else {
            table.list.matrix {
                thead { tr {
                    th { "机关" } th { "地区" } th { "层级" }
                    @for y in &v.years { th.year { (y) } }
                } }
                tbody {
                    @for r in &v.matrix {
                        tr {
                            td { a href=(format!("/agencies/{}", r.agency_id)) { (r.agency) } }
                            td { (r.region) }
                            td { (r.level) }
                            @for (y, m) in v.years.iter().zip(&r.marks) {
                                @match m {
                                    Mark::Present => td.year.present title=(format!("{y} 年度有报告")) { "✓" },
                                    Mark::Missing => td.year.missing title=(format!("{y} 年度缺报告")) { "缺" },
                                    Mark::Before => td.year.before title=(format!("{y} 年度在首份报告之前")) { "" },
                                }
                            }
                        }
                    }
                }
            }
            (pager(&v.paging, |p| here(p, 1)))
        }
    }
}

fn expected(
    e: &ExpectedView,
    epage: Option<usize>,
    gaps: bool,
    href: impl Fn(usize) -> String,
) -> Markup {
    let c = &e.coverage;
    let shown: Vec<&gongkai_corpus::coverage::Expected> = c
        .expected
        .iter()
        .filter(|x| !gaps || x.status != Status::Present)
        .collect();
    let paging = Paging::new(epage, EXPECTED_PER_PAGE, shown.len());
    html! {
        section.expected {
            h2 { (c.region) " " (c.year) " 年度应发布年报的主体" }
            p.summary {
                "应发布 " (e.expected) " 个，已发布 " (e.present) "，"
                span.late-count { "逾期 " (e.late) } "，"
                span.missing-count { "未发现 " (e.missing) } "。"
                "期限按《政府信息公开条例》第四十九条：部门（含政府办公室）为次年 1 月 31 日，各级人民政府为次年 3 月 31 日。"
            }
            table.list.bodies {
                thead { tr { th { "状态" } th { "名称" } th { "区划代码" } th { "机构类别" } th { "应报依据" } th { "报告" } th { "发布日期" } th { "落款日期" } th { "期限" } th { "说明" } } }
                tbody {
                    @for x in &shown[paging.range()] {
                        tr class=(status_class(x.status)) {
                            td.status { (x.status.label()) }
                            td { (x.name) }
                            td { (x.code) }
                            td { (x.body.label()) }
                            td { (x.basis.label()) }
                            td { @if let Some(id) = x.report_id { a href=(format!("/reports/{id}")) { "#" (id) } } }
                            td { (x.published.as_deref().unwrap_or("")) }
                            td { (x.signed.as_deref().unwrap_or("")) }
                            td { (x.deadline) }
                            td { (x.note) }
                        }
                    }
                }
            }
            (pager(&paging, href))
            @if !c.unplaced.is_empty() {
                h3 { "所在地未能确定的本年度报告（" (c.unplaced.len()) " 份）" }
                p { "这些报告未计入上表；上面“未发现”的主体可能在其中。机关对照表可给出它们的地区。" }
                ul.unplaced {
                    @for u in &c.unplaced {
                        li {
                            a href=(format!("/reports/{}", u.report_id)) { "#" (u.report_id) } " " (u.agency)
                            @if !u.candidates_here.is_empty() { "（本地区候选 " (u.candidates_here.join("、")) "）" }
                        }
                    }
                }
            }
        }
    }
}
