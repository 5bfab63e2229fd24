//! Agencies' places (administrators: [`Action::ManageMapping`]): the agencies whose
//! place is ambiguous or unknown — in no region, so no reviewer of a region sees their
//! reports — with the candidates and the evidence tried, and two ways to say where they
//! are: one agency at a time (a place name or code), or a mapping file in the format
//! `gongkai agencies --mapping` takes. Both go through the same path as that command
//! ([`gongkai_corpus::mapping::Mapping`], then the store's mapping), so a place set
//! here is a mapping placement: an ingest never overwrites it. Every agency changed is
//! in the audit log with its place before and after.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gongkai_corpus::mapping::{self, Mapping};
use gongkai_gazetteer::PlaceStatus;
use gongkai_model::agency::Level;
use gongkai_store::{AgencyQuery, PlaceFilter, Placement, StoredAgency};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{form_body, json_body, path_id, region_code, Flash, RegionRef, ASSETS};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::layout;
use crate::state::AppState;

/// Agencies on a page.
const PAGE: i64 = 50;
/// The most agencies the API answers at once.
const MAX_LIMIT: i64 = 500;
/// The largest mapping file taken.
const MAX_MAPPING_BYTES: usize = 8 * 1024 * 1024;

/// An agency and its place.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyView {
    pub id: i64,
    pub name: String,
    /// `resolved`, `ambiguous` or `unresolved`.
    pub status: &'static str,
    /// The status in Chinese.
    pub status_label: &'static str,
    /// The unit when resolved.
    pub region: Option<RegionRef>,
    /// 省 市 县 区 乡镇 街道 部门 未定.
    pub level: &'static str,
    /// What kind of body the name says it is (人民政府, 部门 …).
    pub body: &'static str,
    /// `mapping` (given by a person or a mapping file) or `gazetteer` (inferred).
    pub placement: &'static str,
    /// When ambiguous: the units the name fits.
    pub candidates: Vec<RegionRef>,
    /// What was tried, in Chinese, in order.
    pub evidence: Vec<String>,
    /// Years with a current report.
    pub years: Vec<i32>,
}

impl AgencyView {
    fn of(a: &StoredAgency) -> AgencyView {
        let p = &a.info.place;
        AgencyView {
            id: a.id,
            name: a.info.name.clone(),
            status: p.status.key(),
            status_label: p.status.label(),
            region: p.code.as_deref().map(RegionRef::of),
            level: p.level.as_zh(),
            body: p.body.label(),
            placement: match a.info.placement {
                Placement::Mapping => "mapping",
                Placement::Inferred => "gazetteer",
            },
            candidates: p.candidates.iter().map(|c| RegionRef::of(c)).collect(),
            evidence: p.evidence.clone(),
            years: a.years.clone(),
        }
    }
}

/// A page of agencies.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyPage {
    pub agencies: Vec<AgencyView>,
    /// How many the filter selects in all.
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// The list's filters.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyParams {
    /// `unplaced` (ambiguous or unresolved, the default), `ambiguous`, `unresolved`,
    /// `resolved` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Names containing this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Agencies per page (API: default 50, at most 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl AgencyParams {
    fn parse(raw: Option<&str>) -> Result<AgencyParams, AppError> {
        serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| AppError::BadRequest(format!("查询参数无法解析：{e}")))
    }

    fn query(&self) -> Result<(AgencyQuery, i64), AppError> {
        let place = match self.status.as_deref().map(str::trim).unwrap_or("") {
            "" | "unplaced" => PlaceFilter::Unplaced,
            "all" => PlaceFilter::All,
            s => PlaceFilter::Only(PlaceStatus::from_key(s).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "status“{s}”不是 unplaced、ambiguous、unresolved、resolved、all 之一"
                ))
            })?),
        };
        let number = |v: &Option<String>, what: &str, max: i64, default: i64| match v
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(default),
            Some(t) => match t.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(AppError::BadRequest(format!(
                    "{what} 须为 1 到 {max} 之间的整数"
                ))),
            },
        };
        let limit = number(&self.limit, "limit", MAX_LIMIT, PAGE)?;
        let page = number(&self.page, "page", i64::MAX / MAX_LIMIT, 1)?;
        Ok((
            AgencyQuery {
                place,
                name: self
                    .q
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                offset: (page - 1) * limit,
                limit,
            },
            page,
        ))
    }
}

/// Where an agency is: a place name (at any level, e.g. 南京市鼓楼区) or a unit code,
/// and optionally its level (省 市 县 区 乡镇 街道 部门; absent: from the unit and the
/// kind of body).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PlaceInput {
    pub region: String,
    pub level: Option<String>,
}

/// What a mapping file did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MappingApplied {
    /// Agencies whose place or name changed (each in the audit log).
    pub changed: usize,
}

// --- the operations -----------------------------------------------------------

pub async fn list(
    state: &AppState,
    auth: &Auth,
    params: &AgencyParams,
) -> Result<AgencyPage, AppError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    let (q, page) = params.query()?;
    let per_page = q.limit;
    let (agencies, total) = state
        .db
        .run(move |store| Ok(store.agency_page(&q)?))
        .await?;
    Ok(AgencyPage {
        agencies: agencies.iter().map(AgencyView::of).collect(),
        total,
        page,
        per_page,
    })
}

/// A one-row mapping file placing `name`: the agency is placed exactly as a row of a
/// file given to `gongkai agencies --mapping` would place it.
fn one_row_mapping(name: &str, code: &str, level: Option<Level>) -> Result<Mapping, AppError> {
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let text = format!(
        "名称,地区,层级\n{},{},{}\n",
        quoted(name),
        quoted(code),
        quoted(level.map(Level::as_zh).unwrap_or(""))
    );
    Mapping::parse(&text).map_err(|problems| AppError::BadRequest(problems.join("\n")))
}

pub async fn set_place(
    state: &AppState,
    auth: &Auth,
    id: i64,
    input: PlaceInput,
) -> Result<AgencyView, AppError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    let code = region_code(&input.region)?;
    let level = match input
        .level
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        None => None,
        Some(l) => Some(Level::from_zh(l).ok_or_else(|| {
            AppError::BadRequest(format!(
                "层级“{l}”不是 省、市、县、区、乡镇、街道、部门 之一"
            ))
        })?),
    };
    let actor = auth.actor();
    state
        .db
        .run(move |store| {
            let agency = store
                .agency_by_id(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的机关")))?;
            let m = one_row_mapping(&agency.info.name, &code, level)?;
            store.apply_mapping_audited(&m.overrides(), &m.aliases(), "agency.place", &actor)?;
            let after = store
                .agency_by_id(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的机关")))?;
            if after.info.place.code.as_deref() != Some(code.as_str()) {
                // The mapping reads names as canonical; a stored name that is not
                // would be missed, and the change must not look done.
                return Err(AppError::Internal(format!(
                    "未能为“{}”设置地区（名称与对照表的规范名称不一致）",
                    after.info.name
                )));
            }
            Ok(AgencyView::of(&after))
        })
        .await
}

/// Applies a mapping file (its bytes: UTF-8, with or without BOM, or GBK). A file with
/// any bad row changes nothing; every problem is listed with its line.
pub async fn apply_mapping(
    state: &AppState,
    auth: &Auth,
    bytes: Bytes,
) -> Result<MappingApplied, AppError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    if bytes.len() > MAX_MAPPING_BYTES {
        return Err(AppError::TooLarge(format!(
            "对照表超过 {} MB",
            MAX_MAPPING_BYTES / 1024 / 1024
        )));
    }
    let actor = auth.actor();
    state
        .db
        .run(move |store| {
            let text = mapping::decode(&bytes).map_err(|e| AppError::BadRequest(format!("对照表无法读取：{e}")))?;
            let m = Mapping::parse(&text).map_err(|problems| {
                AppError::BadRequest(format!(
                    "对照表有 {} 处错误，未应用任何更正：\n{}",
                    problems.len(),
                    problems.join("\n")
                ))
            })?;
            if m.is_empty() {
                return Err(AppError::BadRequest(
                    "对照表中没有任何更正（需要“名称”列，以及“规范名称”“地区”“层级”中的至少一列有内容）".into(),
                ));
            }
            let changed =
                store.apply_mapping_audited(&m.overrides(), &m.aliases(), "agency.mapping", &actor)?;
            Ok(MappingApplied { changed })
        })
        .await
}

// --- API ----------------------------------------------------------------------

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_set_place))
        .routes(routes!(api_mapping))
}

/// Agencies by the state of their place (by default those in no region: ambiguous or
/// unresolved), with candidates and evidence.
#[utoipa::path(get, path = "/api/agencies/places", tag = "机关定位", params(AgencyParams),
    responses((status = 200, body = AgencyPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<AgencyPage>, AppError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    Ok(Json(
        list(&state, &auth, &AgencyParams::parse(raw.as_deref())?).await?,
    ))
}

/// Sets an agency's place (a mapping placement: kept over later inferences).
#[utoipa::path(patch, path = "/api/agencies/{id}", tag = "机关定位", request_body = PlaceInput,
    params(("id" = i64, Path, description = "机关编号")),
    responses((status = 200, body = AgencyView), (status = 400, body = ErrorBody, description = "地区无法使用（有歧义时列出候选）"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn api_set_place(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<AgencyView>, AppError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    let id = path_id(&id, "机关")?;
    Ok(Json(set_place(&state, &auth, id, json_body(&body)?).await?))
}

/// Applies a mapping file (the CSV `gongkai agencies --mapping` takes, sent as the
/// request body; UTF-8 or GBK). One bad row and nothing is applied.
#[utoipa::path(post, path = "/api/agencies/mapping", tag = "机关定位",
    request_body(content = String, content_type = "text/csv", description = "名称,规范名称,地区,层级"),
    responses((status = 200, body = MappingApplied), (status = 400, body = ErrorBody, description = "对照表的每处错误，各注明行号"),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn api_mapping(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<MappingApplied>, AppError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    Ok(Json(apply_mapping(&state, &auth, body).await?))
}

// --- pages --------------------------------------------------------------------

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/agencies", get(page_list))
        .route("/admin/agencies/{id}", post(page_set_place))
}

#[derive(Deserialize)]
struct PlaceForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    level: String,
    /// Where to come back to: the list's query string.
    #[serde(default)]
    back: String,
}

async fn page_list(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    let params = AgencyParams::parse(raw.as_deref())?;
    Ok(list_page(&state, &auth, &params, None).await?)
}

async fn page_set_place(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    auth.may(Action::ManageMapping, Target::Anything)?;
    let id = path_id(&id, "机关")?;
    let form: PlaceForm = form_body(&body)?;
    let input = PlaceInput {
        region: form.region,
        level: Some(form.level),
    };
    let flash = match set_place(&state, &auth, id, input).await {
        Ok(a) => (
            StatusCode::OK,
            Flash::Done(format!(
                "已将“{}”定位到 {}",
                a.name,
                a.region
                    .map(|r| format!("{} {}", r.code, r.name))
                    .unwrap_or_default()
            )),
        ),
        Err(e) => Flash::from_error(e)?,
    };
    // Back to the list as it was (its filters), with the outcome on top.
    let params = AgencyParams::parse(Some(&form.back)).unwrap_or_default();
    Ok(list_page(&state, &auth, &params, Some(flash)).await?)
}

fn status_options(selected: &str) -> Markup {
    let options = [
        ("unplaced", "有歧义或未定位"),
        ("ambiguous", "有歧义"),
        ("unresolved", "未定位"),
        ("resolved", "已定位"),
        ("all", "全部"),
    ];
    html! {
        @for (key, label) in options {
            option value=(key) selected[key == selected] { (label) }
        }
    }
}

fn level_options() -> Markup {
    html! {
        option value="" { "（按地区推定）" }
        @for l in ["省", "市", "县", "区", "乡镇", "街道", "部门"] { option value=(l) { (l) } }
    }
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    params: &AgencyParams,
    flash: Option<(StatusCode, Flash)>,
) -> Result<Response, AppError> {
    let (status, flash) = match flash {
        Some((s, f)) => (s, Some(f)),
        None => (StatusCode::OK, None),
    };
    let listed = list(state, auth, params).await?;
    let back = serde_urlencoded::to_string(params).unwrap_or_default();
    let status_key = params.status.clone().unwrap_or_else(|| "unplaced".into());
    let pages = (listed.total + listed.per_page - 1) / listed.per_page;
    let page_link = |page: i64| {
        let p = AgencyParams {
            page: Some(page.to_string()),
            ..params.clone()
        };
        format!(
            "/admin/agencies?{}",
            serde_urlencoded::to_string(&p).unwrap_or_default()
        )
    };
    let body = html! {
        h1 { "机关定位" }
        @if let Some(f) = &flash { (f.render()) }
        p {
            "有歧义（几个地方同名，如“鼓楼区”）或未定位的机关不属于任何地区：负责地区的审核人员看不到其报告，覆盖情况和汇总也不计入。"
            "在这里为它们指定地区（地名或区划代码）；指定的地区以后入库时不会被推断覆盖，每次更改都记入"
            a href="/admin/audit?action=agency" { "审计日志" } "。"
        }
        form.filters method="get" action="/admin/agencies" {
            label { "状态 " select name="status" { (status_options(&status_key)) } }
            label { "名称 " input type="text" name="q" value=(params.q.clone().unwrap_or_default()) size="16"; }
            button type="submit" { "筛选" }
        }
        p { "共 " (listed.total) " 个机关" @if pages > 1 { "，第 " (listed.page) " / " (pages) " 页" } }
        @if !listed.agencies.is_empty() {
            table.list.agencies {
                thead { tr { th { "编号" } th { "机关" } th { "状态" } th { "地区 / 候选" } th { "年度" } th { "指定地区" } } }
                tbody {
                    @for a in &listed.agencies {
                        tr {
                            td { (a.id) }
                            td {
                                (a.name)
                                br;
                                small { "机构：" (a.body) "；层级：" (a.level) @if a.placement == "mapping" { "；人工指定" } }
                                @if !a.evidence.is_empty() {
                                    details {
                                        summary { "依据" }
                                        ul { @for e in &a.evidence { li { (e) } } }
                                    }
                                }
                            }
                            td.status { (a.status_label) }
                            td {
                                @if let Some(r) = &a.region { (r.code) " " (r.name) }
                                @for c in &a.candidates {
                                    form.candidate method="post" action={ "/admin/agencies/" (a.id) } {
                                        input type="hidden" name="_csrf" value=(auth.csrf());
                                        input type="hidden" name="region" value=(c.code);
                                        input type="hidden" name="back" value=(back);
                                        button type="submit" title="设为此地" { (c.code) " " (c.name) }
                                    }
                                }
                            }
                            td { (a.years.iter().map(i32::to_string).collect::<Vec<_>>().join(" ")) }
                            td {
                                form.place method="post" action={ "/admin/agencies/" (a.id) } {
                                    input type="hidden" name="_csrf" value=(auth.csrf());
                                    input type="hidden" name="back" value=(back);
                                    input type="text" name="region" size="14" required placeholder="地名或区划代码" aria-label="地区";
                                    select name="level" aria-label="层级" { (level_options()) }
                                    button type="submit" { "保存" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pager {
                @if listed.page > 1 { a href=(page_link(listed.page - 1)) { "← 上一页" } " " }
                @if listed.page < pages { a href=(page_link(listed.page + 1)) { "下一页 →" } }
            }
        }
        h2 { "上传对照表" }
        p {
            "与 " code { "gongkai agencies --mapping" } " 相同的 CSV（UTF-8 或 GBK）："
            "列为 名称、规范名称、地区、层级（可只有其中几列，“名称”必须有）。"
            "“规范名称”把该名称并入另一机关；“地区”写地名或区划代码。有一行出错则全部不应用，并列出每处错误。"
        }
        pre.example { "名称,规范名称,地区,层级\n西工区城改办,西工区城市改造办公室,洛阳市西工区,部门\n鼓楼区人民政府,,南京市鼓楼区,区" }
        form #mapping-upload data-endpoint="/api/agencies/mapping" {
            input type="file" name="file" accept=".csv,text/csv" required aria-label="对照表文件";
            " "
            button type="submit" { "上传并应用" }
        }
        div #mapping-result aria-live="polite" {}
        noscript { p.flash.error { "上传对照表需要启用 JavaScript；也可用命令 gongkai agencies --mapping 文件.csv，或 API POST /api/agencies/mapping。" } }
    };
    let html = layout::page_with("机关定位", &auth.user, auth.csrf(), &ASSETS, body);
    Ok((status, html).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_mappings_quote_names() {
        let m = one_row_mapping("某\"局\",办", "320106", Some(Level::Department)).unwrap();
        let o = m.overrides();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].name, "某\"局\",办");
        assert_eq!(o[0].place.code.as_deref(), Some("320106"));
        assert_eq!(o[0].place.level, Level::Department);
        assert_eq!(o[0].placement, Placement::Mapping);
    }
}
