//! A region's reports of one year summed into one set of tables
//! ([`gongkai_corpus::consolidate`], as `gongkai consolidate --region R --year Y`):
//! blank is not zero (a cell is blank only when every input left it blank), inputs
//! that are themselves unbalanced, of another edition or duplicated are flagged, and
//! the sum is checked again.
//!
//! Cost: one list query, one findings query, and one stored report decoded per input —
//! so a consolidation is refused above [`MAX_INPUTS`] reports (a whole province: use the
//! command line, which has no time limit).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use gongkai_corpus::consolidate::{self, Consolidated};
use gongkai_model::agency::Level;
use gongkai_model::{Finding, Report};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::{gazetteer, region_param, year_param, RegionRef};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::state::AppState;
use crate::view::tables::{self, CellMarks};

/// The most reports one consolidation over the web reads.
pub const MAX_INPUTS: usize = 1000;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsolidateQuery {
    /// 地区：区划代码或地名（含其下全部单位）。
    pub region: Option<String>,
    /// 年度。
    pub year: Option<String>,
    /// 层级（省/市/县/区/乡镇/街道/部门），不给出时为全部。
    pub level: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConsolidateView {
    pub region: RegionRef,
    pub year: i32,
    pub level: Option<String>,
    /// The sum's name (地区 + 层级 + 合计).
    pub name: String,
    /// The reports summed, by number.
    pub report_ids: Vec<i64>,
    /// `gongkai consolidate --format json`'s `consolidation`: the inputs with their
    /// flags, the partly blank cells, the findings of the checks run on the sum.
    #[schema(value_type = Object)]
    pub consolidation: Consolidated,
    /// The summed tables in the canonical JSON (spec §6).
    #[schema(value_type = Object)]
    pub tables: serde_json::Value,
}

struct Params {
    region: gongkai_gazetteer::UnitId,
    year: i32,
    level: Option<Level>,
}

impl ConsolidateQuery {
    /// `None` when neither region nor year is given (the page shows its form).
    fn read(&self) -> Result<Option<Params>, AppError> {
        let region = region_param(self.region.as_deref())?;
        let year = year_param(self.year.as_deref())?;
        let level = super::level_param(self.level.as_deref())?;
        match (region, year) {
            (None, None) => Ok(None),
            (Some(region), Some(year)) => Ok(Some(Params {
                region,
                year,
                level,
            })),
            _ => Err(AppError::BadRequest("请同时给出地区和年度".into())),
        }
    }
}

fn consolidate_view(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    p: &Params,
) -> Result<(ConsolidateView, Report), AppError> {
    let g = gazetteer()?;
    let region = RegionRef::of(g, p.region);
    auth.may(Action::ReadRegion, Target::Region(&region.code))?;
    let mut rows = store.reports(&gongkai_store::Filter {
        region_code: Some(region.code.clone()),
        year: Some(p.year),
        level: p.level,
        ..Default::default()
    })?;
    rows.retain(|r| {
        auth.allows(
            Action::Read,
            Target::Report {
                agency_id: r.agency_id,
                region_code: r.region_code.as_deref(),
            },
        )
    });
    if rows.is_empty() {
        return Err(AppError::NotFound(format!(
            "{} {} 年度{}没有报告",
            region.path,
            p.year,
            p.level
                .map(|l| format!("{}级", l.as_zh()))
                .unwrap_or_default()
        )));
    }
    if rows.len() > MAX_INPUTS {
        return Err(AppError::BadRequest(format!(
            "{} {} 年度有 {} 份报告，网页一次最多合计 {MAX_INPUTS} 份：请选择下级地区或层级，或用命令 gongkai consolidate",
            region.path,
            p.year,
            rows.len()
        )));
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut findings: HashMap<i64, Vec<Finding>> = HashMap::new();
    for f in store
        .findings(Some(&ids))?
        .into_iter()
        .filter(|f| !f.corpus)
    {
        findings.entry(f.report_id).or_default().push(f.finding);
    }
    let mut reports = Vec::with_capacity(ids.len());
    for &id in &ids {
        reports.push(store.report(id)?);
    }
    let inputs: Vec<consolidate::Input<'_>> = ids
        .iter()
        .zip(&reports)
        .map(|(id, report)| consolidate::Input {
            label: format!("#{id}"),
            report,
            findings: findings.get(id).map(Vec::as_slice).unwrap_or(&[]),
        })
        .collect();
    let name = format!(
        "{}{}合计",
        region.path,
        p.level.map(Level::as_zh).unwrap_or("")
    );
    let c = consolidate::consolidate(&name, &inputs);
    let tables = gongkai_model::canonical_json(&c.report, Default::default());
    let sum = c.report.clone();
    Ok((
        ConsolidateView {
            region,
            year: p.year,
            level: p.level.map(|l| l.as_zh().to_string()),
            name,
            report_ids: ids,
            consolidation: c,
            tables,
        },
        sum,
    ))
}

async fn view(
    state: &AppState,
    auth: Auth,
    p: Params,
) -> Result<(ConsolidateView, Report), AppError> {
    state
        .db
        .run(move |store| consolidate_view(store, &auth, &p))
        .await
}

/// 合计一个地区一个年度的报告：逐格相加（空白不当 0），标出本身不平衡、版本不同或重复的输入，合计结果再做勾稽检查。
#[utoipa::path(
    get,
    path = "/api/consolidate",
    params(ConsolidateQuery),
    responses(
        (status = 200, description = "合计结果", body = ConsolidateView),
        (status = 400, description = "缺少地区或年度、地区有歧义、层级不对、报告过多", body = ErrorBody),
        (status = 403, description = "角色无权合计（forbidden_role）或地区不在范围内（forbidden_scope）", body = ErrorBody),
        (status = 404, description = "该地区该年度没有报告", body = ErrorBody),
    ),
    tag = "比较与合计"
)]
pub async fn api(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ConsolidateQuery>,
) -> Result<Json<ConsolidateView>, AppError> {
    let p = q
        .read()?
        .ok_or_else(|| AppError::BadRequest("请同时给出地区和年度".into()))?;
    Ok(Json(view(&state, auth, p).await?.0))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(q): Query<ConsolidateQuery>,
) -> Result<Markup, PageError> {
    let v = match q.read()? {
        Some(p) => Some(view(&state, auth.clone(), p).await?),
        None => None,
    };
    Ok(super::page(
        "合计",
        &auth,
        "/consolidate",
        render(&q, v.as_ref()),
    ))
}

fn render(q: &ConsolidateQuery, v: Option<&(ConsolidateView, Report)>) -> Markup {
    html! {
        h1 { "合计一个地区的报告" }
        form.filters method="get" action="/consolidate" {
            label { "地区 " input type="text" name="region" value=(q.region.as_deref().unwrap_or("")) placeholder="区划代码或地名" required; }
            label { "年度 " input type="number" name="year" value=(q.year.as_deref().unwrap_or("")) min="2000" max="2100" required; }
            label { "层级 "
                select name="level" {
                    option value="" { "全部" }
                    @for l in Level::ALL.iter().filter(|l| **l != Level::Unknown) {
                        option value=(l.as_zh()) selected[q.level.as_deref() == Some(l.as_zh())] { (l.as_zh()) }
                    }
                }
            }
            button type="submit" { "合计" }
        }
        @if let Some((v, sum)) = v {
            @let c = &v.consolidation;
            h2 { (v.name) "（" (v.year) " 年度，" (v.report_ids.len()) " 份报告）" }
            @let flagged: Vec<_> = c.inputs.iter().filter(|i| !i.flags.is_empty()).collect();
            p.summary {
                "按 " (c.edition.as_str()) " 年版表格合计。"
                @if flagged.is_empty() { "所有输入均可直接相加。" }
                @else { strong { (flagged.len()) } " 份输入需要先核对（见下表）。" }
                @if !c.partial.is_empty() { " " (c.partial.len()) " 个单元格部分输入为空白，合计只含填写了的报告。" }
            }
            @if !c.findings.is_empty() {
                h3 { "合计结果的勾稽检查" }
                ul.findings {
                    @for f in &c.findings {
                        li class=(format!("severity-{}", f.severity.as_str())) {
                            (f.severity.display_zh()) "［" a href=(format!("/rules#{}", f.code)) { (f.code) } "］" (f.message)
                        }
                    }
                }
            }
            @let marks = CellMarks::of(&c.findings);
            (tables::active(sum, &marks))
            (tables::requests(sum, &marks))
            (tables::review(sum, &marks))
            h3 { "输入" }
            table.list.inputs {
                thead { tr { th { "报告" } th { "机关" } th { "年度" } th { "版式" } th { "需核对" } } }
                tbody {
                    @for (id, i) in v.report_ids.iter().zip(&c.inputs) {
                        tr class=(if i.flags.is_empty() { "" } else { "flagged" }) {
                            td { a href=(format!("/reports/{id}")) { "#" (id) } }
                            td { (i.agency.as_deref().unwrap_or("")) }
                            td { @if let Some(y) = i.year { (y) } }
                            td { (i.edition.as_deref().unwrap_or("")) }
                            td { @for f in &i.flags { div { (f) } } }
                        }
                    }
                }
            }
            @if !c.partial.is_empty() {
                h3 { "部分输入为空白的单元格" }
                table.list.partial {
                    thead { tr { th { "表" } th { "行" } th { "列" } th.num { "空白" } th.num { "计入" } } }
                    tbody {
                        @for x in &c.partial {
                            tr {
                                td { (super::compare::table_title(x.table)) }
                                td { (x.row) }
                                td { (x.column) }
                                td.num { (x.blank_inputs) }
                                td.num { (x.summed_inputs) }
                            }
                        }
                    }
                }
            }
        }
    }
}
