//! The ledger's pages and forms: each renders the view its API route serialises
//! (`super::*_view`), and each form asks the policy before it reads its body. A change a
//! person can correct (a date written wrong, a number taken, a change that would give
//! the ledger a problem) is shown on the page it came from, with what was wrong; a
//! change kept goes back to the page (303).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_deadline::{Channel, Event};
use gongkai_ledger::{ApplicantKind, Outcome, ReportText};
use gongkai_model::CellRef;
use maud::{html, Markup};
use serde::Deserialize;

use super::{
    agency_for, attachment, format_of, make_final, put_text, report_view, request_view, seg,
    tables_view, worklist_view, NewClosure, NewEvent, NewRequest, ReportView, RequestView,
    WorklistQuery, WorklistView,
};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Role, Scope};
use crate::error::{AppError, PageError};
use crate::routes::admin::{form_body, Flash};
use crate::state::AppState;
use crate::view::tables::{self, CellMarks};

fn page(title: &str, auth: &Auth, body: Markup) -> Markup {
    crate::layout::page(title, &auth.user, auth.csrf(), body)
}

fn base(id: i64) -> String {
    format!("/agencies/{id}/ledger")
}

fn csrf(auth: &Auth) -> Markup {
    html! { input type="hidden" name="_csrf" value=(auth.csrf()); }
}

/// A page answered with a correctable error shown on it, or the error page.
fn with_flash(e: AppError) -> Result<(StatusCode, Flash), PageError> {
    Flash::from_error(e).map_err(PageError)
}

// ---------------------------------------------------------------------------------
// The ledgers a user may open
// ---------------------------------------------------------------------------------

/// `/ledger`: agency staff go to their agency's ledger; others see the ledgers kept in
/// the database for agencies in their scope.
pub async fn index(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
) -> Result<Response, PageError> {
    if let (Role::AgencyStaff, Scope::Agency(id)) = (auth.user.role, &auth.user.scope) {
        return Ok(Redirect::to(&base(*id)).into_response());
    }
    auth.may(Action::ReadLedger, crate::authz::Target::Anything)?;
    let a = auth.clone();
    let rows = state
        .db
        .run(move |store| {
            let kept = store.ledger_agency_ids()?;
            let mut out = Vec::new();
            for (agency, name, n) in kept {
                let Some(place) = store.agency_place(agency)? else {
                    continue;
                };
                let target = crate::authz::Target::Report {
                    agency_id: Some(place.id),
                    region_code: place.region_code.as_deref(),
                };
                if a.allows(Action::ReadLedger, target) {
                    out.push((place.id, name, place.region, n));
                }
            }
            Ok(out)
        })
        .await?;
    Ok(page(
        "申请台账",
        &auth,
        html! {
            h1 { "申请台账" }
            @if rows.is_empty() {
                p { "您的范围内还没有机关建立台账。机关人员登录后即可在“台账”中登记申请，或用 "
                    code { "gongkai ledger import" } " 导入 Excel 台账。" }
            } @else {
                table.list {
                    tr { th { "机关" } th { "地区" } th { "申请数" } }
                    @for (id, name, region, n) in &rows {
                        tr {
                            td { a href=(base(*id)) { (name) } }
                            td { (region) }
                            td.num { (n) }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

// ---------------------------------------------------------------------------------
// The worklist
// ---------------------------------------------------------------------------------

pub async fn worklist(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    Query(q): Query<WorklistQuery>,
) -> Result<Markup, PageError> {
    let v = worklist_view(&state, &auth, id, &q).await?;
    Ok(worklist_page(&auth, &v, None, &NewRequest::default()))
}

fn options<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, selected: &str) -> Markup {
    html! {
        @for (value, label) in items {
            option value=(value) selected[value == selected] { (label) }
        }
    }
}

fn worklist_page(
    auth: &Auth,
    v: &WorklistView,
    flash: Option<&Flash>,
    form: &NewRequest,
) -> Markup {
    let b = base(v.agency.id);
    page(
        &format!("{} 申请台账", v.agency.name),
        auth,
        html! {
            h1 { (v.agency.name) " · 申请台账" }
            @if let Some(f) = flash { (f.render()) }
            p.nav {
                "截至 " (v.today) "（北京时间）。"
                @if v.all { a href=(b) { "只看未办结的" } } @else { a href={ (b) "?all=true" } { "含已办结的全部申请" } }
                @for y in &v.years {
                    " · " a href={ (b) "/tables/" (y) } { (y) "年统计表" }
                    " · " a href={ (b) "/report/" (y) } { (y) "年报告" }
                }
            }
            @if !v.problems.is_empty() {
                div.flash.error role="alert" {
                    p { "台账中有 " (v.problems.len()) " 处需要改正（改正前统计表可能不准）：" }
                    ul { @for p in &v.problems { li { (p) } } }
                }
            }
            @let urgent = v.requests.iter().filter(|r| r.urgent).count();
            p { "共 " (v.requests.len()) " 件；逾期或 " (super::DUE_SOON) " 个工作日内到期：" strong { (urgent) } " 件。" }
            table.list.ledger {
                tr {
                    th { "编号" } th { "申请人" } th { "类型" } th { "渠道" } th { "收到" }
                    th { "答复期限" } th { "状态" }
                }
                @for r in &v.requests {
                    tr class=(if r.urgent { "urgent" } else if r.closed { "closed" } else { "open" }) {
                        td { a href={ (b) "/requests/" (seg(&r.id)) } { (r.id) } }
                        td { (r.applicant) }
                        td { (r.applicant_kind) }
                        td { (r.channel) }
                        td { (r.received) }
                        td {
                            @if let Some(d) = r.due { (d) } @else { "待定" }
                            @if r.provisional { "（暂定）" }
                        }
                        td { (r.standing) }
                    }
                }
            }
            p {
                a.download href={ (b) "/export" } { "下载 Excel 台账" }
            }
            @if v.may_edit {
                h2 { "导入 Excel 台账" }
                form.ledger-form method="post" action={ (b) "/import" } enctype="multipart/form-data" data-files {
                    p { label { "台账文件（XLSX 或 XLS） " input type="file" name="file" accept=".xlsx,.xls" required; } }
                    p { label { "表头对照（可选，每行 本地表头=标准表头） " br; textarea name="mapping" rows="2" {} } }
                    p { label { input type="checkbox" name="partial" value="true"; " 只导入没有问题的行（默认：有一行有问题就全部不导入）" } }
                    p { button type="submit" { "导入" } }
                }
                h2 { "登记新申请" }
                form.ledger-form method="post" action={ (b) "/requests" } {
                    (csrf(auth))
                    p { label { "申请编号 " input type="text" name="id" value=(form.id) required; } }
                    p { label { "申请人 " input type="text" name="applicant" value=(form.applicant) required; } }
                    p { label { "申请人类型 "
                        select name="applicant_kind" {
                            (options(ApplicantKind::ALL.iter().map(|k| (k.code(), k.label())), &form.applicant_kind))
                        }
                    } }
                    p { label { "提交渠道 "
                        select name="channel" {
                            (options(Channel::ALL.iter().map(|c| (c.code(), c.label())), &form.channel))
                        }
                    } }
                    p { label { "收到日期（按渠道的收到规则） " input type="date" name="received" value=(form.received) required; } }
                    p { label { "申请内容 " textarea name="content" rows="3" { (form.content) } } }
                    p { button type="submit" { "登记" } }
                }
            }
        },
    )
}

pub async fn add_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let form: NewRequest = form_body(&body)?;
    match super::add(&state, &auth, &agency, form.clone()).await {
        Ok(rid) => {
            Ok(Redirect::to(&format!("{}/requests/{}", base(id), seg(&rid))).into_response())
        }
        Err(e) => {
            let (status, flash) = with_flash(e)?;
            let v = worklist_view(&state, &auth, id, &WorklistQuery::default()).await?;
            Ok((status, worklist_page(&auth, &v, Some(&flash), &form)).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------
// A request
// ---------------------------------------------------------------------------------

pub async fn request(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, rid)): Path<(i64, String)>,
) -> Result<Markup, PageError> {
    let v = request_view(&state, &auth, id, &rid).await?;
    Ok(request_page(&auth, &v, None))
}

fn request_page(auth: &Auth, v: &RequestView, flash: Option<&Flash>) -> Markup {
    let b = base(v.agency.id);
    let r = &v.request;
    let at = format!("{b}/requests/{}", seg(&r.id));
    page(
        &format!("申请 {}", r.id),
        auth,
        html! {
            p.nav { a href=(b) { "← " (v.agency.name) " 申请台账" } }
            h1 { "申请 " (r.id) }
            @if let Some(f) = flash { (f.render()) }
            p { (r.applicant.name) "（" (v.applicant_kind) "），" (v.channel) "，" (r.received) " 收到。" }
            @if !r.content.is_empty() { p.content { "内容：" (r.content) } }
            p { strong { (v.standing) } }
            h2 { "时间线" }
            ol.timeline {
                @for e in &v.timeline {
                    li data-kind=(e.kind) { time { (e.date) } " " (e.label) }
                }
            }
            h2 { "期限及其计算" }
            ul.explanation { @for line in &v.explanation { li { (line) } } }
            @if v.may_edit && v.outcome.is_none() && !r.split {
                h2 { "登记事件" }
                form.ledger-form method="post" action={ (at) "/events" } {
                    (csrf(auth))
                    label { "事件 "
                        select name="kind" {
                            @for k in Event::KINDS {
                                @let label = Event::of_kind(k, r.received).map_or("", |e| e.label());
                                option value=(k) { (label) }
                            }
                        }
                    }
                    " "
                    label { "日期 " input type="date" name="date" required; }
                    " "
                    button type="submit" { "登记" }
                }
                h2 { "办结" }
                form.ledger-form method="post" action={ (at) "/close" } {
                    (csrf(auth))
                    p { label { "办理结果（表三的一行） "
                        select name="outcome" {
                            @for o in Outcome::all() { option value=(o.code()) { (o.name()) } }
                        }
                    } }
                    p { label { "办结日期 " input type="date" name="date" required; } }
                    p { label { "法律依据（用“、”分隔） " input type="text" name="grounds"; } }
                    p { button type="submit" { "办结" } }
                }
            }
        },
    )
}

/// A form for a request, once the policy let it through: the change `act` makes, then
/// back to the request, or the request page with what was wrong.
async fn request_form(
    state: &AppState,
    auth: &Auth,
    id: i64,
    rid: &str,
    act: impl std::future::Future<Output = Result<(), AppError>>,
) -> Result<Response, PageError> {
    match act.await {
        Ok(()) => Ok(Redirect::to(&format!("{}/requests/{}", base(id), seg(rid))).into_response()),
        Err(e) => {
            let (status, flash) = with_flash(e)?;
            let v = request_view(state, auth, id, rid).await?;
            Ok((status, request_page(auth, &v, Some(&flash))).into_response())
        }
    }
}

pub async fn event_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, rid)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    // The policy first, then the body (a refused request is refused whatever it sent).
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let e: NewEvent = form_body(&body)?;
    let act = super::add_event(&state, &auth, &agency, rid.clone(), e);
    request_form(&state, &auth, id, &rid, act).await
}

pub async fn close_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, rid)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let c: NewClosure = form_body(&body)?;
    let act = super::close(&state, &auth, &agency, rid.clone(), c);
    request_form(&state, &auth, id, &rid, act).await
}

// ---------------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct CellParam {
    #[serde(default)]
    pub cell: Option<String>,
}

pub async fn tables(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<CellParam>,
) -> Result<Markup, PageError> {
    let v = tables_view(&state, &auth, id, year, q.cell.as_deref()).await?;
    let b = base(id);
    let t = v.computed.as_ref().expect("computed tables");
    let links = t.behind.iter().map(|(c, _)| (*c, drill_link(id, year, c)));
    let marks = CellMarks::linked(links);
    let report = &t.report;
    Ok(page(
        &format!("{} {year}年统计表", v.agency.name),
        &auth,
        html! {
            p.nav {
                a href=(b) { "← " (v.agency.name) " 申请台账" }
                " · " a href={ (b) "/report/" (year) } { (year) "年报告" }
            }
            h1 { (v.agency.name) " " (year) "年 由台账算出的统计表" }
            p { "点击数字查看其背后的申请、案件或文件。同一台账总是得出同一张表。" }
            @if let Some(d) = &v.cell {
                section #drill .drill {
                    h2 { (d.label) "：" (d.value) }
                    @if d.what.is_empty() {
                        p { "台账登记的年度数。" }
                    } @else if d.ids.is_empty() {
                        p { "没有" (d.what) "。" }
                    } @else {
                        p { (d.ids.len()) " 件" (d.what) "：" }
                        ul {
                            @for rid in &d.ids {
                                li {
                                    @if d.what == "申请" {
                                        a href={ (b) "/requests/" (seg(rid)) } { (rid) }
                                    } @else { (rid) }
                                }
                            }
                        }
                    }
                }
            }
            @if !v.unrecorded.is_empty() {
                div.flash.error role="alert" {
                    p { "台账没有登记以下年度数，表中留空（不当作 0），报告把关时会列出：" }
                    ul { @for u in &v.unrecorded { li { (u) } } }
                }
            }
            (tables::active(report, &marks))
            (tables::requests(report, &marks))
            (tables::review(report, &marks))
            p { "信息处理费：" (v.processing_fees) " 件，合计 " (v.processing_fees_total_yuan) " 元。" }
            (register(&auth, &v))
        },
    ))
}

/// What is registered behind tables 二 and 四, and (for those who may) the forms that
/// add to it.
fn register(auth: &Auth, v: &super::TablesView) -> Markup {
    let b = base(v.agency.id);
    let year = v.year;
    html! {
        section.register {
            h2 { "行政复议、行政诉讼案件（表四）" }
            @if v.cases.is_empty() { p { "台账中没有案件。" } } @else {
                table.list {
                    tr { th { "编号" } th { "类别" } th { "受理" } th { "结果" } th { "涉及申请" } }
                    @for c in &v.cases {
                        tr {
                            td { (c.id) } td { (c.kind) } td { (c.filed) }
                            td { @if c.decided.is_empty() { "尚未审结" } @else { (c.decided) } }
                            td { (c.request.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            h2 { "规章和行政规范性文件（表二）" }
            @if v.documents.is_empty() { p { "台账中没有文件。" } } @else {
                table.list {
                    tr { th { "文号" } th { "类别" } th { "标题" } th { "制发" } th { "废止" } }
                    @for d in &v.documents {
                        tr {
                            td { (d.id) } td { (d.kind) } td { (d.title) } td { (d.issued) }
                            td { @if let Some(r) = d.repealed { (r) } }
                        }
                    }
                }
            }
            @if v.may_edit {
                h2 { (year) "年登记的数量（表二）" }
                p { "许可、处罚、强制的决定数量和收费金额由台账登记（不登记就留空，报告把关时列出）；留空的项不变。" }
                form.ledger-form method="post" action={ (b) "/tables/" (year) "/register" } {
                    (csrf(auth))
                    label { "行政许可 " input type="text" inputmode="numeric" name="licensing" size="6"; } " "
                    label { "行政处罚 " input type="text" inputmode="numeric" name="penalty" size="6"; } " "
                    label { "行政强制 " input type="text" inputmode="numeric" name="coercion" size="6"; } " "
                    label { "行政事业性收费（万元） " input type="text" inputmode="decimal" name="fees_10k_yuan" size="8"; } " "
                    button type="submit" { "登记" }
                }
                h2 { "登记案件" }
                form.ledger-form method="post" action={ (b) "/cases" } {
                    (csrf(auth))
                    input type="hidden" name="back" value=(year);
                    p { label { "案件编号 " input type="text" name="id" required; } " "
                        label { "类别 " select name="kind" {
                            @for k in gongkai_ledger::CaseKind::ALL { option value=(k.code()) { (k.label()) } }
                        } } }
                    p { label { "受理日期 " input type="date" name="filed" required; } " "
                        label { "结果 " select name="result" {
                            option value="" { "尚未审结" }
                            @for r in gongkai_ledger::CaseResult::ALL { option value=(r.code()) { (r.label()) } }
                        } } " "
                        label { "审结日期 " input type="date" name="decided"; } }
                    p { label { "涉及的申请编号 " input type="text" name="request"; } }
                    p { button type="submit" { "登记" } }
                }
                h2 { "登记文件" }
                form.ledger-form method="post" action={ (b) "/documents" } {
                    (csrf(auth))
                    input type="hidden" name="back" value=(year);
                    p { label { "文号 " input type="text" name="id" required; } " "
                        label { "类别 " select name="kind" {
                            @for k in gongkai_ledger::DocKind::ALL { option value=(k.code()) { (k.label()) } }
                        } } }
                    p { label { "标题 " input type="text" name="title" size="40"; } }
                    p { label { "制发日期 " input type="date" name="issued" required; } " "
                        label { "废止日期 " input type="date" name="repealed"; } }
                    p { button type="submit" { "登记" } }
                }
            }
        }
    }
}

/// A register form: back to the year's tables, or the error page with what was wrong.
fn register_answer(
    id: i64,
    year: i32,
    result: Result<(), AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{}/tables/{year}", base(id))).into_response()),
        Err(e) => {
            let (status, flash) = with_flash(e)?;
            let back = format!("{}/tables/{year}", base(id));
            Ok((
                status,
                crate::layout::shell(
                    "未保存",
                    html! { main { (flash.render()) p { a href=(back) { "返回统计表" } } } },
                ),
            )
                .into_response())
        }
    }
}

pub async fn register_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, year)): Path<(i64, i32)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let r: super::YearRegister = form_body(&body)?;
    register_answer(
        id,
        year,
        super::register_year(&state, &auth, &agency, year, r).await,
    )
}

/// Where a register form came from: the year whose tables it was on.
#[derive(Debug, Default, Deserialize)]
struct Back {
    #[serde(default)]
    back: String,
}

fn back_year(body: &[u8]) -> i32 {
    serde_urlencoded::from_bytes::<Back>(body)
        .ok()
        .and_then(|b| b.back.parse().ok())
        .unwrap_or(2021)
}

pub async fn case_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let c: super::NewCase = form_body(&body)?;
    let year = back_year(&body);
    register_answer(id, year, super::put_case(&state, &auth, &agency, c).await)
}

pub async fn document_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let d: super::NewDocument = form_body(&body)?;
    let year = back_year(&body);
    register_answer(
        id,
        year,
        super::put_document(&state, &auth, &agency, d).await,
    )
}

// ---------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------

pub async fn report(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, year)): Path<(i64, i32)>,
) -> Result<Markup, PageError> {
    let v = report_view(&state, &auth, id, year).await?;
    Ok(report_page(&auth, &v, None))
}

fn report_page(auth: &Auth, v: &ReportView, flash: Option<&Flash>) -> Markup {
    let b = base(v.agency.id);
    let year = v.year;
    let at = format!("{b}/report/{year}");
    page(
        &format!("{} {year}年报告", v.agency.name),
        auth,
        html! {
            p.nav {
                a href=(b) { "← " (v.agency.name) " 申请台账" }
                " · " a href={ (b) "/tables/" (year) } { (year) "年统计表" }
            }
            h1 { (v.agency.name) " " (year) "年政府信息公开工作年度报告" }
            @if let Some(f) = flash { (f.render()) }
            section.gate {
                h2 { "把关" }
                @if v.passed {
                    p.flash role="status" { "把关通过：生成的报告经 gongkai 读回，每格与台账算出的相同，全部规则无任何问题。" }
                } @else {
                    div.flash.error role="alert" {
                        p { "把关未通过：" (v.findings.len()) " 条问题、" (v.mismatches.len()) " 处读回不一致。改正前不能定稿。" }
                        ul {
                            @for f in &v.findings { li { code { (f.code) } " " (f.severity) "：" (f.message) } }
                            @for m in &v.mismatches { li { "读回不一致：" (m.cell) " 应为 " (m.computed) "，读回 " (m.read_back) } }
                        }
                    }
                }
                p {
                    "下载草稿："
                    a href={ (at) "/draft/docx" } { "DOCX" } " · "
                    a href={ (at) "/draft/html" } { "HTML" } " · "
                    a href={ (at) "/draft/pdf" } { "PDF" }
                }
                @if v.may_edit {
                    form.inline method="post" action={ (at) "/final" } {
                        (csrf(auth))
                        select name="format" { option value="docx" { "DOCX" } option value="html" { "HTML" } option value="pdf" { "PDF" } }
                        " "
                        button type="submit" disabled[!v.passed] { "定稿并下载" }
                    }
                }
            }
            section.draft {
                h2 { "草稿" }
                @for (title, paragraphs) in &v.sections {
                    h3 { (title) }
                    @for p in paragraphs { p { (p) } }
                }
            }
            @if v.may_edit {
                section {
                    h2 { "本机关自己写的文字" }
                    p { "引用数字的句子由台账起草；以下文字由本机关撰写，空行分段。" }
                    form.ledger-form method="post" action={ (at) "/text" } {
                        (csrf(auth))
                        p { label { "一、总体情况" br; textarea name="overview" rows="8" { (ReportText::joined(&v.text.overview)) } } }
                        p { label { "五、存在的主要问题及改进情况" br; textarea name="problems" rows="6" { (ReportText::joined(&v.text.problems)) } } }
                        p { label { "六、其他需要报告的事项" br; textarea name="other" rows="4" { (ReportText::joined(&v.text.other)) } } }
                        p { button type="submit" { "保存" } }
                    }
                }
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct TextForm {
    #[serde(default)]
    pub overview: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub other: String,
}

pub async fn text_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, year)): Path<(i64, i32)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let f: TextForm = form_body(&body)?;
    let text = ReportText {
        overview: ReportText::paragraphs(&f.overview),
        problems: ReportText::paragraphs(&f.problems),
        other: ReportText::paragraphs(&f.other),
    };
    match put_text(&state, &auth, &agency, year, text).await {
        Ok(()) => Ok(Redirect::to(&format!("{}/report/{year}", base(id))).into_response()),
        Err(e) => {
            let (status, flash) = with_flash(e)?;
            let v = report_view(&state, &auth, id, year).await?;
            Ok((status, report_page(&auth, &v, Some(&flash))).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FinalForm {
    #[serde(default)]
    pub format: Option<String>,
}

/// Made final: the file, when the gate passes; the report page with the gate's
/// findings (409) when it does not.
pub async fn final_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, year)): Path<(i64, i32)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let f: FinalForm = form_body(&body)?;
    let format = format_of(f.format.as_deref())?;
    match make_final(&state, &auth, agency, year, format).await? {
        Ok((file, bytes)) => Ok(attachment(&file, format.content_type(), bytes)),
        Err(v) => {
            let flash = Flash::Failed("把关未通过，未定稿：请先改正下列问题。".into());
            Ok((StatusCode::CONFLICT, report_page(&auth, &v, Some(&flash))).into_response())
        }
    }
}

/// The draft as a file (not final: nothing is audited).
pub async fn draft_file(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, year, format)): Path<(i64, i32, String)>,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::ReadLedger).await?;
    let format = format_of(Some(&format))?;
    let ledger = super::ledger_of(&state, &agency).await?;
    let t = gongkai_ledger::compute(&ledger, &state.calendar, year)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let p = super::produced(&agency, &ledger, &t, year, format).await?;
    let file = format!(
        "{}{year}年政府信息公开工作年度报告（草稿）.{}",
        agency.name,
        format.extension()
    );
    Ok(attachment(&file, format.content_type(), p.bytes))
}

/// Where a cell's number links: the tables page with what is behind the cell.
pub fn drill_link(agency: i64, year: i32, cell: &CellRef) -> String {
    format!("{}/tables/{year}?cell={}#drill", base(agency), cell.key())
}

// ---------------------------------------------------------------------------------
// The Excel 台账
// ---------------------------------------------------------------------------------

pub async fn import_form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let input = super::import_input(multipart).await?;
    let v = super::import(&state, &auth, agency, input).await?;
    let b = base(id);
    let status = if v.applied || v.bad.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = page(
        &format!("{} 导入台账", v.agency.name),
        &auth,
        html! {
            p.nav { a href=(b) { "← " (v.agency.name) " 申请台账" } }
            h1 { "导入 Excel 台账" }
            @if v.applied {
                p.flash role="status" {
                    "已导入 " (v.good) " 件申请（新增 " (v.added) "，更新 " (v.updated) "）"
                    @if v.bad_rows > 0 { "；" (v.bad_rows) " 行有问题未导入" }
                    "。"
                }
            } @else if v.bad.is_empty() {
                p.flash role="status" { "台账文件中没有申请，未导入。" }
            } @else {
                div.flash.error role="alert" {
                    p { (v.bad_rows) " 行有问题，未导入任何一行。改正后重新导入，或勾选“只导入没有问题的行”（" (v.good) " 行）。" }
                }
            }
            @if !v.bad.is_empty() {
                table.list.bad-rows {
                    tr { th { "行" } th { "列" } th { "原因" } }
                    @for r in &v.bad {
                        tr { td.num { (r.row) } td { (r.column) } td { (r.reason) } }
                    }
                }
            }
            @for c in &v.ignored_columns {
                p.note { "未导入的列（不是台账的标准列，可用表头对照）：" (c) }
            }
        },
    );
    Ok((status, body).into_response())
}

pub async fn export_file(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(super::export(&state, &auth, id).await?)
}
