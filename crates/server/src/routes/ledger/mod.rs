//! An agency's request ledger in the workspace: the worklist (overdue and due-soon
//! first), a request's timeline with every deadline explained, the year's tables with
//! each cell's requests, cases or documents behind it, and the year's report drafted,
//! read back and checked (the gate) before it is made final.
//!
//! Everything here is one agency's, named by its id in the corpus (`agencies`); the
//! ledger is kept under the agency's name ([`gongkai_store::Store::ledger`]), as the
//! CLI's `--agency` names it. The policy: [`Action::ReadLedger`] to look (the agency's
//! own staff, reviewers in whose regions it is, administrators), [`Action::EditLedger`]
//! to change anything (its own staff and administrators only). A change is validated
//! by the ledger library ([`gongkai_ledger::Ledger::changed`], the CLI's rule: nothing
//! that gives the ledger a new problem is kept) and written with its audit entry, before
//! and after, by the store.
//!
//! Each view has one function that computes it (a typed struct) for a user; the page
//! renders it and the API route serialises it.

pub mod pages;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gongkai_deadline::clock::Deadlines;
use gongkai_deadline::Event;
use gongkai_ledger::{
    compute, Applicant, ApplicantKind, Behind, Closure, Ledger, LedgerChange, Outcome, ReportText,
    Request, Standing, YearTables,
};
use gongkai_model::date::Date;
use gongkai_model::CellRef;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::session::Auth;
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody};
use crate::routes::admin::json_body;
use crate::state::AppState;

/// A request due within this many working days is shown with the overdue ones.
pub const DUE_SOON: i64 = 5;
/// The longest text a field takes (characters): a request's content, a paragraph.
const MAX_TEXT: usize = 20_000;

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/ledger", get(pages::index))
        .route("/agencies/{id}/ledger", get(pages::worklist))
        .route("/agencies/{id}/ledger/requests", post(pages::add_form))
        .route("/agencies/{id}/ledger/requests/{rid}", get(pages::request))
        .route(
            "/agencies/{id}/ledger/requests/{rid}/events",
            post(pages::event_form),
        )
        .route(
            "/agencies/{id}/ledger/requests/{rid}/close",
            post(pages::close_form),
        )
        .route("/agencies/{id}/ledger/tables/{year}", get(pages::tables))
        .route("/agencies/{id}/ledger/report/{year}", get(pages::report))
        .route(
            "/agencies/{id}/ledger/report/{year}/text",
            post(pages::text_form),
        )
        .route(
            "/agencies/{id}/ledger/report/{year}/final",
            post(pages::final_form),
        )
        .route(
            "/agencies/{id}/ledger/report/{year}/draft/{format}",
            get(pages::draft_file),
        )
        .route("/agencies/{id}/ledger/export", get(pages::export_file))
        .route(
            "/agencies/{id}/ledger/tables/{year}/register",
            post(pages::register_form),
        )
        .route("/agencies/{id}/ledger/cases", post(pages::case_form))
        .route(
            "/agencies/{id}/ledger/documents",
            post(pages::document_form),
        )
        .merge(
            Router::new()
                .route("/agencies/{id}/ledger/import", post(pages::import_form))
                .layer(axum::extract::DefaultBodyLimit::max(
                    MAX_WORKBOOK + 64 * 1024,
                )),
        )
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_worklist))
        .routes(routes!(api_add))
        .routes(routes!(api_request))
        .routes(routes!(api_event))
        .routes(routes!(api_close))
        .routes(routes!(api_tables))
        .routes(routes!(api_report))
        .routes(routes!(api_text))
        .routes(routes!(api_final))
        .merge(OpenApiRouter::new().routes(routes!(api_import)).layer(
            axum::extract::DefaultBodyLimit::max(MAX_WORKBOOK + 64 * 1024),
        ))
        .routes(routes!(api_export))
        .routes(routes!(api_register))
        .routes(routes!(api_case))
        .routes(routes!(api_document))
}

// ---------------------------------------------------------------------------------
// The agency and its ledger, for a user
// ---------------------------------------------------------------------------------

/// The agency a ledger is kept for.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AgencyRef {
    pub id: i64,
    pub name: String,
    pub region_code: Option<String>,
}

/// The agency `id`, when the policy lets `auth` do `action` on it.
pub(crate) async fn agency_for(
    state: &AppState,
    auth: &Auth,
    id: i64,
    action: Action,
) -> Result<AgencyRef, AppError> {
    let auth = auth.clone();
    state
        .db
        .run(move |store| {
            let a = store
                .agency_place(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的机关")))?;
            auth.may(
                action,
                Target::Report {
                    agency_id: Some(a.id),
                    region_code: a.region_code.as_deref(),
                },
            )?;
            Ok(AgencyRef {
                id: a.id,
                name: a.name,
                region_code: a.region_code,
            })
        })
        .await
}

/// Whether `auth`'s user may change the agency's ledger (pages show the forms).
fn may_edit(auth: &Auth, agency: &AgencyRef) -> bool {
    auth.allows(
        Action::EditLedger,
        Target::Report {
            agency_id: Some(agency.id),
            region_code: agency.region_code.as_deref(),
        },
    )
}

/// The agency's ledger (the policy asked already: [`agency_for`]).
async fn ledger_of(state: &AppState, agency: &AgencyRef) -> Result<Ledger, AppError> {
    let name = agency.name.clone();
    state.db.run(move |store| Ok(store.ledger(&name)?)).await
}

/// Applies `make`'s changes to the agency's ledger as `auth`'s user, when they give the
/// ledger no new problem; the problems otherwise (400, nothing written). Reading,
/// deciding and writing are one transaction ([`gongkai_store::Store::update_ledger`]).
async fn change(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    make: impl FnOnce(&Ledger) -> Result<Vec<LedgerChange>, AppError> + Send + 'static,
) -> Result<(), AppError> {
    let name = agency.name.clone();
    let actor = auth.actor();
    let cal = state.calendar.clone();
    state
        .db
        .run(move |store| {
            store.update_ledger(&actor, &name, |ledger| {
                let changes = make(ledger)?;
                ledger.changed(&cal, &changes).map_err(|problems| {
                    let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                    AppError::BadRequest(format!("未保存：{}", lines.join("；")))
                })?;
                Ok((changes, ()))
            })
        })
        .await
}

/// Applies changes that do not depend on the ledger as it is ([`change`]).
async fn put(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    changes: Vec<LedgerChange>,
) -> Result<(), AppError> {
    change(state, auth, agency, move |_| Ok(changes)).await
}

/// Today in Beijing, or the `today` a query gives (to see the worklist as on a day).
fn today(given: Option<&str>) -> Result<Date, AppError> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date(s, "today"),
        None => Date::beijing_at(crate::now())
            .ok_or_else(|| AppError::Internal("系统日期超出范围".into())),
    }
}

fn parse_date(s: &str, what: &str) -> Result<Date, AppError> {
    Date::parse(s.trim())
        .ok_or_else(|| AppError::BadRequest(format!("{what}：日期应写成 YYYY-MM-DD，收到“{s}”")))
}

fn bounded(s: &str, what: &str) -> Result<String, AppError> {
    let s = s.trim();
    if s.chars().count() > MAX_TEXT {
        return Err(AppError::BadRequest(format!(
            "{what}过长：最多 {MAX_TEXT} 字"
        )));
    }
    Ok(s.to_string())
}

/// What a path segment keeps as it is: letters, digits and RFC 3986's other unreserved
/// characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A request id (or a file name) as a path segment.
pub(crate) fn seg(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, SEGMENT).to_string()
}

// ---------------------------------------------------------------------------------
// The worklist
// ---------------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WorkRow {
    pub id: String,
    pub applicant: String,
    /// Table 三's column (自然人, 商业企业 …).
    pub applicant_kind: String,
    pub channel: String,
    #[schema(value_type = String)]
    pub received: Date,
    /// The answer's due date; `null` while no clock runs.
    #[schema(value_type = Option<String>)]
    pub due: Option<Date>,
    /// Rests on a year without a holiday notice.
    pub provisional: bool,
    /// Where it stands, as a reviewer reads it (逾期 3 个工作日, 还有 2 个工作日 …).
    pub standing: String,
    /// Working days left (negative: overdue); `null` when no clock runs or closed.
    pub working_days_left: Option<i64>,
    /// Overdue or due within [`DUE_SOON`] working days.
    pub urgent: bool,
    pub closed: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WorklistView {
    pub agency: AgencyRef,
    #[schema(value_type = String)]
    pub today: Date,
    pub all: bool,
    pub requests: Vec<WorkRow>,
    /// Years with a request received or concluded, for the tables and the report.
    pub years: Vec<i32>,
    pub may_edit: bool,
    /// What is wrong in the ledger as kept (tables are computed anyway where they can
    /// be; a change that would add to this list is refused).
    pub problems: Vec<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct WorklistQuery {
    /// Concluded requests too.
    #[serde(default)]
    pub all: Option<bool>,
    /// The day to count from (YYYY-MM-DD); today in Beijing by default.
    #[serde(default)]
    pub today: Option<String>,
}

pub(crate) async fn worklist_view(
    state: &AppState,
    auth: &Auth,
    id: i64,
    q: &WorklistQuery,
) -> Result<WorklistView, AppError> {
    let agency = agency_for(state, auth, id, Action::ReadLedger).await?;
    let ledger = ledger_of(state, &agency).await?;
    let today = today(q.today.as_deref())?;
    let all = q.all.unwrap_or(false);
    let cal = &state.calendar;
    let items = gongkai_ledger::worklist(&ledger, cal, today, all)
        .map_err(|(rid, e)| AppError::BadRequest(format!("申请 {rid} 的期限无法计算：{e}")))?;
    let requests = items
        .iter()
        .map(|w| WorkRow {
            id: w.id.to_string(),
            applicant: w.request.applicant.name.clone(),
            applicant_kind: w.request.applicant.kind.label().to_string(),
            channel: w.request.channel.label().to_string(),
            received: w.request.received,
            due: w.due,
            provisional: w.provisional,
            standing: w.standing.label_zh(),
            working_days_left: w.standing.working_days_left(),
            urgent: w.standing.is_urgent(DUE_SOON),
            closed: matches!(w.standing, Standing::Closed { .. }),
        })
        .collect();
    let mut years: Vec<i32> = ledger
        .requests
        .iter()
        .flat_map(|r| {
            std::iter::once(r.received.year).chain(r.closure.as_ref().map(|c| c.date.year))
        })
        .collect();
    years.sort_unstable();
    years.dedup();
    years.retain(|y| *y >= 2021);
    Ok(WorklistView {
        may_edit: may_edit(auth, &agency),
        problems: ledger.problems(cal).iter().map(|p| p.to_string()).collect(),
        agency,
        today,
        all,
        requests,
        years,
    })
}

/// 机关的申请台账：逾期和即将到期的在前。
#[utoipa::path(get, path = "/api/agencies/{id}/ledger", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), WorklistQuery),
    responses((status = 200, body = WorklistView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn api_worklist(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<WorklistQuery>,
) -> Result<Json<WorklistView>, AppError> {
    Ok(Json(worklist_view(&state, &auth, id, &q).await?))
}

// ---------------------------------------------------------------------------------
// A new request
// ---------------------------------------------------------------------------------

/// A new request, as a form or a script sends it.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewRequest {
    /// The agency's number for it (unique in its ledger).
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub applicant: String,
    /// Table 三's column: natural_person, commercial_enterprise, research_institution,
    /// social_welfare_org, legal_service_org, other (or the Chinese label).
    #[serde(default)]
    pub applicant_kind: String,
    /// in_person, post_signed, ordinary_letter, online, fax (or the Chinese label).
    #[serde(default)]
    pub channel: String,
    /// The day of receipt by the channel's rule (YYYY-MM-DD).
    #[serde(default)]
    pub received: String,
    #[serde(default)]
    pub content: String,
}

impl NewRequest {
    fn request(&self) -> Result<Request, AppError> {
        let id = self.id.trim();
        if id.is_empty() || id.chars().count() > 100 {
            return Err(AppError::BadRequest("申请编号不能为空，最多 100 字".into()));
        }
        let name = bounded(&self.applicant, "申请人")?;
        if name.is_empty() {
            return Err(AppError::BadRequest("申请人不能为空".into()));
        }
        let kind = ApplicantKind::parse(&self.applicant_kind).ok_or_else(|| {
            AppError::BadRequest(format!("申请人类型无法识别：“{}”", self.applicant_kind))
        })?;
        let channel = gongkai_deadline::Channel::parse(&self.channel)
            .ok_or_else(|| AppError::BadRequest(format!("提交渠道无法识别：“{}”", self.channel)))?;
        Ok(Request {
            id: id.to_string(),
            applicant: Applicant { name, kind },
            channel,
            received: parse_date(&self.received, "收到日期")?,
            content: bounded(&self.content, "申请内容")?,
            events: Vec::new(),
            closure: None,
            fee: None,
            split_from: None,
            split: false,
        })
    }
}

async fn add(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    new: NewRequest,
) -> Result<String, AppError> {
    let request = new.request()?;
    let rid = request.id.clone();
    change(state, auth, agency, move |ledger| {
        if ledger.requests.iter().any(|r| r.id == request.id) {
            return Err(AppError::Conflict(format!(
                "申请编号 {} 已经登记",
                request.id
            )));
        }
        Ok(vec![LedgerChange::PutRequest(request)])
    })
    .await?;
    Ok(rid)
}

/// 登记一件新申请。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/requests", tag = "台账",
    params(("id" = i64, Path, description = "机关编号")),
    request_body = NewRequest,
    responses((status = 201, body = RequestView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_add(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let new: NewRequest = json_body(&body)?;
    let rid = add(&state, &auth, &agency, new).await?;
    let view = request_view(&state, &auth, id, &rid).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

// ---------------------------------------------------------------------------------
// A request: its timeline and deadlines
// ---------------------------------------------------------------------------------

/// One line of a request's timeline.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    #[schema(value_type = String)]
    pub date: Date,
    /// The event's kind (`received`, `correction-requested` …, `closed`).
    pub kind: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub agency: AgencyRef,
    /// The request as kept (gongkai_ledger's record).
    #[schema(value_type = Object)]
    pub request: Request,
    pub applicant_kind: String,
    pub channel: String,
    pub timeline: Vec<TimelineEntry>,
    /// Every deadline, computed.
    #[schema(value_type = Object)]
    pub deadlines: Deadlines,
    /// The deadlines explained: each day skipped and why, the make-up days counted.
    pub explanation: Vec<String>,
    pub standing: String,
    pub outcome: Option<String>,
    pub may_edit: bool,
}

pub(crate) async fn request_view(
    state: &AppState,
    auth: &Auth,
    id: i64,
    rid: &str,
) -> Result<RequestView, AppError> {
    let agency = agency_for(state, auth, id, Action::ReadLedger).await?;
    let ledger = ledger_of(state, &agency).await?;
    let r = ledger
        .requests
        .iter()
        .find(|r| r.id == rid)
        .ok_or_else(|| AppError::NotFound(format!("{} 的台账中没有申请 {rid}", agency.name)))?
        .clone();
    let d = r
        .deadlines(&state.calendar)
        .map_err(|e| AppError::BadRequest(format!("申请 {rid} 的期限无法计算：{e}")))?;
    let mut timeline = vec![TimelineEntry {
        date: r.received,
        kind: "received".into(),
        label: format!("收到申请（{}）", r.channel.label()),
    }];
    let mut events = r.events.clone();
    events.sort_by_key(|e| e.date());
    timeline.extend(events.iter().map(|e| TimelineEntry {
        date: e.date(),
        kind: e.kind().to_string(),
        label: e.label().to_string(),
    }));
    if let Some(c) = &r.closure {
        timeline.push(TimelineEntry {
            date: c.date,
            kind: "closed".into(),
            label: format!(
                "办结：{}{}",
                c.outcome.name(),
                if c.grounds.is_empty() {
                    String::new()
                } else {
                    format!("（依据：{}）", c.grounds.join("、"))
                }
            ),
        });
    }
    let standing = if r.counted() {
        Standing::of(&r, &d, &state.calendar, today(None)?).label_zh()
    } else {
        "已拆分（不计数，办理结果记在拆分后的各件上）".to_string()
    };
    Ok(RequestView {
        may_edit: may_edit(auth, &agency),
        applicant_kind: r.applicant.kind.label().to_string(),
        channel: r.channel.label().to_string(),
        explanation: d.explain(),
        outcome: r.closure.as_ref().map(|c| c.outcome.name().to_string()),
        agency,
        request: r,
        timeline,
        deadlines: d,
        standing,
    })
}

/// 一件申请：时间线，各项期限及其计算说明。
#[utoipa::path(get, path = "/api/agencies/{id}/ledger/requests/{rid}", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("rid" = String, Path, description = "申请编号")),
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn api_request(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, rid)): Path<(i64, String)>,
) -> Result<Json<RequestView>, AppError> {
    Ok(Json(request_view(&state, &auth, id, &rid).await?))
}

/// An event on a request's clock.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewEvent {
    /// correction-requested, correction-received, third-party-started,
    /// third-party-ended, consultation-started, consultation-ended, extended,
    /// fee-notice-sent, fee-notice-received, fee-paid, answered.
    #[serde(default)]
    pub kind: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub date: String,
}

impl NewEvent {
    fn event(&self) -> Result<Event, AppError> {
        let date = parse_date(&self.date, "事件日期")?;
        Event::of_kind(&self.kind, date)
            .ok_or_else(|| AppError::BadRequest(format!("没有这种事件：“{}”", self.kind)))
    }
}

/// Changes the request `rid` of the agency's ledger by `f` ([`change`]).
async fn change_request(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    rid: String,
    f: impl FnOnce(&mut Request) -> Result<(), AppError> + Send + 'static,
) -> Result<(), AppError> {
    change(state, auth, agency, move |ledger| {
        let mut r = ledger
            .requests
            .iter()
            .find(|r| r.id == rid)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("台账中没有申请 {rid}")))?;
        f(&mut r)?;
        Ok(vec![LedgerChange::PutRequest(r)])
    })
    .await
}

async fn add_event(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    rid: String,
    e: NewEvent,
) -> Result<(), AppError> {
    let event = e.event()?;
    change_request(state, auth, agency, rid, move |r| {
        if r.events.contains(&event) {
            return Err(AppError::Conflict(format!(
                "{} {} 已经登记",
                event.date(),
                event.label()
            )));
        }
        r.events.push(event);
        Ok(())
    })
    .await
}

/// 登记申请的一个事件（补正、征求意见、延期、收费、答复）。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/requests/{rid}/events", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("rid" = String, Path, description = "申请编号")),
    request_body = NewEvent,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_event(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, rid)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Json<RequestView>, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let e: NewEvent = json_body(&body)?;
    add_event(&state, &auth, &agency, rid.clone(), e).await?;
    Ok(Json(request_view(&state, &auth, id, &rid).await?))
}

/// How a request ended.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewClosure {
    /// Table 三's outcome row: its key (`granted`, `denied_state_secret` …), code or
    /// label.
    #[serde(default)]
    pub outcome: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub date: String,
    /// Legal grounds, separated by 、 or new lines.
    #[serde(default)]
    pub grounds: String,
}

async fn close(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    rid: String,
    c: NewClosure,
) -> Result<(), AppError> {
    let outcome = Outcome::parse(&c.outcome)
        .ok_or_else(|| AppError::BadRequest(format!("办理结果无法识别：“{}”", c.outcome)))?;
    let date = parse_date(&c.date, "办结日期")?;
    let grounds: Vec<String> = bounded(&c.grounds, "依据")?
        .split(['、', '\n'])
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    change_request(state, auth, agency, rid, move |r| {
        if r.split {
            return Err(AppError::BadRequest(
                "已拆分的申请不记办理结果：请在拆分后的各件上办结".into(),
            ));
        }
        r.closure = Some(Closure {
            outcome,
            date,
            grounds,
        });
        Ok(())
    })
    .await
}

/// 办结一件申请：表三的一个办理结果（每件只在一行），另列法律依据。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/requests/{rid}/close", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("rid" = String, Path, description = "申请编号")),
    request_body = NewClosure,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_close(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, rid)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Json<RequestView>, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let c: NewClosure = json_body(&body)?;
    close(&state, &auth, &agency, rid.clone(), c).await?;
    Ok(Json(request_view(&state, &auth, id, &rid).await?))
}

// ---------------------------------------------------------------------------------
// The year's tables, with what is behind a cell
// ---------------------------------------------------------------------------------

/// What is behind one cell.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Drill {
    /// `row:column` (`granted:natural_person`).
    pub cell: String,
    pub label: String,
    /// The value computed.
    pub value: String,
    /// 申请, 案件, 文件; empty for a count the register records for the year.
    pub what: String,
    pub ids: Vec<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TablesView {
    pub agency: AgencyRef,
    pub year: i32,
    /// The three tables, canonical JSON (as `gongkai parse` writes them).
    #[schema(value_type = Object)]
    pub tables: serde_json::Value,
    /// Counts the register has not recorded (left blank, not 0).
    pub unrecorded: Vec<String>,
    pub processing_fees: usize,
    pub processing_fees_total_yuan: String,
    pub cell: Option<Drill>,
    pub may_edit: bool,
    /// The cases in the ledger (every year's: table 四 counts those filed this year).
    pub cases: Vec<CaseRow>,
    /// The documents in the ledger (the stock counts every year's).
    pub documents: Vec<DocumentRow>,
    #[serde(skip)]
    pub computed: Option<YearTables>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseRow {
    pub id: String,
    pub kind: String,
    #[schema(value_type = String)]
    pub filed: Date,
    /// 结果维持 (2026-05-01) …; empty while pending.
    pub decided: String,
    pub request: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    #[schema(value_type = String)]
    pub issued: Date,
    #[schema(value_type = Option<String>)]
    pub repealed: Option<Date>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct CellQuery {
    /// A cell to drill into: `row:column`.
    #[serde(default)]
    pub cell: Option<String>,
}

async fn computed(
    state: &AppState,
    auth: &Auth,
    id: i64,
    year: i32,
) -> Result<(AgencyRef, Ledger, YearTables), AppError> {
    let agency = agency_for(state, auth, id, Action::ReadLedger).await?;
    let ledger = ledger_of(state, &agency).await?;
    let t =
        compute(&ledger, &state.calendar, year).map_err(|e| AppError::BadRequest(e.to_string()))?;
    Ok((agency, ledger, t))
}

pub(crate) async fn tables_view(
    state: &AppState,
    auth: &Auth,
    id: i64,
    year: i32,
    cell: Option<&str>,
) -> Result<TablesView, AppError> {
    let (agency, ledger, t) = computed(state, auth, id, year).await?;
    let cases = ledger
        .cases
        .iter()
        .map(|c| CaseRow {
            id: c.id.clone(),
            kind: c.kind.label().to_string(),
            filed: c.filed,
            decided: c
                .decided
                .map_or(String::new(), |(r, d)| format!("{}（{d}）", r.label())),
            request: c.request.clone(),
        })
        .collect();
    let documents = ledger
        .documents
        .iter()
        .map(|d| DocumentRow {
            id: d.id.clone(),
            kind: d.kind.label().to_string(),
            title: d.title.clone(),
            issued: d.issued,
            repealed: d.repealed,
        })
        .collect();
    let cell = match cell.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(key) => {
            let at = CellRef::from_key(key)
                .ok_or_else(|| AppError::BadRequest(format!("没有这个单元格：{key}")))?;
            let behind = t.behind(&at).ok_or_else(|| {
                AppError::BadRequest(format!("{} 不是台账计算的单元格", at.describe_zh()))
            })?;
            let (what, ids) = match behind {
                Behind::Requests(ids) => ("申请", ids.clone()),
                Behind::Cases(ids) => ("案件", ids.clone()),
                Behind::Documents(ids) => ("文件", ids.clone()),
                Behind::Recorded => ("", Vec::new()),
            };
            Some(Drill {
                cell: at.key(),
                label: at.describe_zh(),
                value: t.report.cell(&at).map_or(String::new(), |c| c.display()),
                what: what.to_string(),
                ids,
            })
        }
    };
    Ok(TablesView {
        tables: gongkai_model::canonical_json(&t.report, Default::default()),
        unrecorded: t.unrecorded.iter().map(|c| c.describe_zh()).collect(),
        processing_fees: t.processing_fees.len(),
        processing_fees_total_yuan: t.processing_fees_total().to_string(),
        may_edit: may_edit(auth, &agency),
        cases,
        documents,
        agency,
        year,
        cell,
        computed: Some(t),
    })
}

/// 某年度由台账算出的三张统计表；`cell` 给出某格背后的申请、案件或文件。
#[utoipa::path(get, path = "/api/agencies/{id}/ledger/tables/{year}", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("year" = i32, Path, description = "年度"), CellQuery),
    responses((status = 200, body = TablesView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_tables(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<CellQuery>,
) -> Result<Json<TablesView>, AppError> {
    Ok(Json(
        tables_view(&state, &auth, id, year, q.cell.as_deref()).await?,
    ))
}

// ---------------------------------------------------------------------------------
// The report: drafted, read back and checked (the gate), made final
// ---------------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GateFinding {
    pub code: String,
    pub severity: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GateMismatch {
    pub cell: String,
    pub computed: String,
    pub read_back: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub agency: AgencyRef,
    pub year: i32,
    /// The agency's own text kept for the year.
    #[schema(value_type = Object)]
    pub text: ReportText,
    /// Each section's paragraphs as drafted (the tables go after 二, 三 and 四).
    pub sections: Vec<(String, Vec<String>)>,
    /// The gate: no finding and every cell read back as computed.
    pub passed: bool,
    pub findings: Vec<GateFinding>,
    pub mismatches: Vec<GateMismatch>,
    pub may_edit: bool,
}

/// Writes the report in `format` and gates it.
async fn produced(
    agency: &AgencyRef,
    ledger: &Ledger,
    t: &YearTables,
    year: i32,
    format: gongkai_produce::Format,
) -> Result<gongkai_produce::Produced, AppError> {
    let text = ledger.texts.get(&year).cloned().unwrap_or_default();
    let (name, t) = (agency.name.clone(), t.clone());
    // Writing and reading back is CPU work: off the async threads.
    tokio::task::spawn_blocking(move || gongkai_produce::produce(&name, &t, &text, format))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub(crate) async fn report_view(
    state: &AppState,
    auth: &Auth,
    id: i64,
    year: i32,
) -> Result<ReportView, AppError> {
    let (agency, ledger, t) = computed(state, auth, id, year).await?;
    let text = ledger.texts.get(&year).cloned().unwrap_or_default();
    let p = produced(&agency, &ledger, &t, year, gongkai_produce::Format::Docx).await?;
    Ok(ReportView {
        may_edit: may_edit(auth, &agency),
        sections: p
            .draft
            .sections
            .iter()
            .map(|(k, ps)| (format!("{}、{}", k.numeral(), k.title()), ps.clone()))
            .collect(),
        passed: p.gate.passed(),
        findings: p
            .gate
            .findings
            .iter()
            .map(|f| GateFinding {
                code: f.code.clone(),
                severity: f.severity.display_zh().to_string(),
                message: f.message.clone(),
            })
            .collect(),
        mismatches: p
            .gate
            .mismatches
            .iter()
            .map(|m| GateMismatch {
                cell: m.cell.describe_zh(),
                computed: m.computed.clone(),
                read_back: m.read_back.clone(),
            })
            .collect(),
        agency,
        year,
        text,
    })
}

/// 某年度报告的草稿与把关结果（生成的 DOCX 读回检查）。
#[utoipa::path(get, path = "/api/agencies/{id}/ledger/report/{year}", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("year" = i32, Path, description = "年度")),
    responses((status = 200, body = ReportView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_report(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, year)): Path<(i64, i32)>,
) -> Result<Json<ReportView>, AppError> {
    Ok(Json(report_view(&state, &auth, id, year).await?))
}

async fn put_text(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    year: i32,
    text: ReportText,
) -> Result<(), AppError> {
    for p in text
        .overview
        .iter()
        .chain(&text.problems)
        .chain(&text.other)
    {
        bounded(p, "一段文字")?;
    }
    if !(2000..=2100).contains(&year) {
        return Err(AppError::BadRequest(format!("年度无效：{year}")));
    }
    put(
        state,
        auth,
        agency,
        vec![LedgerChange::PutText { year, text }],
    )
    .await
}

/// 保存某年度报告中本机关自己写的文字（总体情况、存在的主要问题及改进情况、其他需要报告的事项）。
#[utoipa::path(put, path = "/api/agencies/{id}/ledger/report/{year}/text", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("year" = i32, Path, description = "年度")),
    request_body(content = Object, description = "{\"overview\": [段落…], \"problems\": […], \"other\": […]}"),
    responses((status = 200, body = ReportView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn api_text(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, year)): Path<(i64, i32)>,
    body: Bytes,
) -> Result<Json<ReportView>, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let text: ReportText = json_body(&body)?;
    put_text(&state, &auth, &agency, year, text).await?;
    Ok(Json(report_view(&state, &auth, id, year).await?))
}

/// The report made final: written, gated, and when the gate passes audited (file,
/// SHA-256) and given back; `Err` with the gate's view when it does not pass.
pub(crate) async fn make_final(
    state: &AppState,
    auth: &Auth,
    agency: AgencyRef,
    year: i32,
    format: gongkai_produce::Format,
) -> Result<Result<(String, Vec<u8>), ReportView>, AppError> {
    let ledger = ledger_of(state, &agency).await?;
    let t =
        compute(&ledger, &state.calendar, year).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let p = produced(&agency, &ledger, &t, year, format).await?;
    if !p.gate.passed() {
        return Ok(Err(report_view(state, auth, agency.id, year).await?));
    }
    let file = format!(
        "{}{year}年政府信息公开工作年度报告.{}",
        agency.name,
        format.extension()
    );
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&p.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let actor = auth.actor();
    let target = format!("{}/{year}", agency.name);
    let after = serde_json::json!({"file": file, "sha256": digest, "bytes": p.bytes.len()});
    state
        .db
        .run(move |store| {
            Ok(store.record_audit(&actor, "ledger.report.final", &target, None, Some(&after))?)
        })
        .await?;
    Ok(Ok((file, p.bytes)))
}

/// A file to download.
pub(crate) fn attachment(file: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let encoded = seg(file);
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct FinalQuery {
    /// docx (default), html or pdf.
    #[serde(default)]
    pub format: Option<String>,
}

pub(crate) fn format_of(s: Option<&str>) -> Result<gongkai_produce::Format, AppError> {
    match s.map(str::trim).unwrap_or("docx") {
        "docx" | "" => Ok(gongkai_produce::Format::Docx),
        "html" => Ok(gongkai_produce::Format::Html),
        "pdf" => Ok(gongkai_produce::Format::Pdf),
        other => Err(AppError::NotFound(format!(
            "没有这种格式：{other}（可选 docx、html、pdf）"
        ))),
    }
}

/// 定稿：生成报告并读回检查，把关通过才返回文件并记入审计日志；不通过时返回 409 和把关结果。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/report/{year}/final", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("year" = i32, Path, description = "年度"), FinalQuery),
    responses((status = 200, description = "定稿文件（DOCX、HTML 或 PDF）"),
        (status = 409, description = "把关未通过", body = ReportView),
        (status = 403, body = ErrorBody)))]
pub async fn api_final(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<FinalQuery>,
) -> Result<Response, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let format = format_of(q.format.as_deref())?;
    match make_final(&state, &auth, agency, year, format).await? {
        Ok((file, bytes)) => Ok(attachment(&file, format.content_type(), bytes)),
        Err(view) => Ok((StatusCode::CONFLICT, Json(view)).into_response()),
    }
}

// ---------------------------------------------------------------------------------
// The Excel 台账: import and export
// ---------------------------------------------------------------------------------

/// The largest workbook taken (bytes).
pub const MAX_WORKBOOK: usize = 32 * 1024 * 1024;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BadRowView {
    /// The sheet's row number, as Excel shows it.
    pub row: usize,
    /// The column's header, when the problem is one cell's.
    pub column: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportView {
    pub agency: AgencyRef,
    /// Whether anything was written: all good rows, or with `partial` the good ones;
    /// nothing when a row is bad and `partial` was not asked.
    pub applied: bool,
    pub partial: bool,
    /// Rows read without a problem (kept when applied).
    pub good: usize,
    pub added: usize,
    pub updated: usize,
    pub bad_rows: usize,
    pub bad: Vec<BadRowView>,
    /// Columns of the sheet that are no field of the ledger (left out).
    pub ignored_columns: Vec<String>,
}

/// What an import form or request brings.
pub(crate) struct ImportInput {
    pub workbook: Vec<u8>,
    pub mapping: String,
    pub partial: bool,
}

/// Reads `multipart`'s fields: `file` (the workbook), `mapping` (本地表头=标准表头 lines),
/// `partial` (any value but empty or "false").
pub(crate) async fn import_input(
    mut multipart: axum::extract::Multipart,
) -> Result<ImportInput, AppError> {
    let mut input = ImportInput {
        workbook: Vec::new(),
        mapping: String::new(),
        partial: false,
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("上传内容无法读取：{e}"))
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                let bytes = field.bytes().await.map_err(bad)?;
                if bytes.len() > MAX_WORKBOOK {
                    return Err(AppError::TooLarge(format!(
                        "台账文件超过 {} MB",
                        MAX_WORKBOOK / 1024 / 1024
                    )));
                }
                input.workbook = bytes.to_vec();
            }
            "mapping" => input.mapping = field.text().await.map_err(bad)?,
            "partial" => {
                let v = field.text().await.map_err(bad)?;
                input.partial = !v.trim().is_empty() && v.trim() != "false";
            }
            _ => {}
        }
    }
    if input.workbook.is_empty() {
        return Err(AppError::BadRequest("请选择台账文件（XLSX 或 XLS）".into()));
    }
    Ok(input)
}

/// Imports a workbook into the agency's ledger by the CLI's rule
/// ([`gongkai_ledger_sheet::plan`]): all or nothing unless `partial`.
pub(crate) async fn import(
    state: &AppState,
    auth: &Auth,
    agency: AgencyRef,
    input: ImportInput,
) -> Result<ImportView, AppError> {
    let mapping = gongkai_ledger_sheet::Mapping::parse(&input.mapping)
        .map_err(|e| AppError::BadRequest(format!("表头对照：{e}")))?;
    let name = agency.name.clone();
    let actor = auth.actor();
    let cal = state.calendar.clone();
    let partial = input.partial;
    state
        .db
        .run(move |store| {
            let sheet = gongkai_ledger_sheet::import(&input.workbook, &mapping)
                .map_err(|e| AppError::BadRequest(format!("台账文件无法读取：{e}")))?;
            let (plan, applied) = store.update_ledger(&actor, &name, |ledger| {
                let plan = gongkai_ledger_sheet::plan(ledger, &cal, sheet)
                    .map_err(|p| AppError::BadRequest(format!("导入后台账有问题：{p}")))?;
                let applied = (plan.bad.is_empty() || partial) && !plan.good.is_empty();
                let changes = if applied { plan.changes() } else { Vec::new() };
                Ok::<_, AppError>((changes, (plan, applied)))
            })?;
            Ok(ImportView {
                applied,
                partial,
                good: plan.good.len(),
                added: plan.good.len() - plan.updated,
                updated: plan.updated,
                bad_rows: plan.bad_rows(),
                bad: plan
                    .bad
                    .iter()
                    .map(|b| BadRowView {
                        row: b.row,
                        column: b.column.clone(),
                        reason: b.reason.clone(),
                    })
                    .collect(),
                ignored_columns: plan.ignored_columns.clone(),
                agency,
            })
        })
        .await
}

/// 导入 Excel 台账（multipart：`file` 台账文件，`mapping` 表头对照，`partial` 只导入没有问题的行）。
/// 有问题的行逐一列出（行、列、原因）；默认全部或全不导入（此时 422）。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/import", tag = "台账",
    params(("id" = i64, Path, description = "机关编号")),
    request_body(content_type = "multipart/form-data", content = Object,
        description = "file：XLSX 或 XLS；mapping：每行 本地表头=标准表头；partial：true 时只导入没有问题的行"),
    responses((status = 200, body = ImportView), (status = 422, description = "有问题的行，未导入", body = ImportView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn api_import(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let input = import_input(multipart).await?;
    let v = import(&state, &auth, agency, input).await?;
    let status = if v.applied || v.bad.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(v)).into_response())
}

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The agency's ledger as the standard Excel 台账.
pub(crate) async fn export(state: &AppState, auth: &Auth, id: i64) -> Result<Response, AppError> {
    let agency = agency_for(state, auth, id, Action::ReadLedger).await?;
    let ledger = ledger_of(state, &agency).await?;
    let bytes = tokio::task::spawn_blocking(move || gongkai_ledger_sheet::export(&ledger))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        &format!("{}申请台账.xlsx", agency.name),
        XLSX,
        bytes,
    ))
}

/// 下载机关的台账（标准 Excel 台账，可再导入）。
#[utoipa::path(get, path = "/api/agencies/{id}/ledger/export", tag = "台账",
    params(("id" = i64, Path, description = "机关编号")),
    responses((status = 200, description = "XLSX"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn api_export(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    export(&state, &auth, id).await
}

// ---------------------------------------------------------------------------------
// The register behind tables 二 and 四: a year's counts, cases, documents
// ---------------------------------------------------------------------------------

/// A year's counts for table 二, as text (a form's fields); a field left empty is
/// left as it is.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct YearRegister {
    /// 行政许可 本年处理决定数量.
    #[serde(default)]
    pub licensing: String,
    /// 行政处罚.
    #[serde(default)]
    pub penalty: String,
    /// 行政强制.
    #[serde(default)]
    pub coercion: String,
    /// 行政事业性收费 本年收费金额（万元）, a decimal.
    #[serde(default)]
    pub fees_10k_yuan: String,
}

impl YearRegister {
    fn changes(&self, year: i32) -> Result<Vec<LedgerChange>, AppError> {
        use gongkai_ledger::{DecisionCount, DecisionKind};
        let mut changes = Vec::new();
        for (kind, text, what) in [
            (DecisionKind::Licensing, &self.licensing, "行政许可"),
            (DecisionKind::Penalty, &self.penalty, "行政处罚"),
            (DecisionKind::Coercion, &self.coercion, "行政强制"),
        ] {
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            let count: u64 = t.parse().map_err(|_| {
                AppError::BadRequest(format!("{what}的决定数量应为非负整数：“{t}”"))
            })?;
            changes.push(LedgerChange::PutDecision(DecisionCount {
                year,
                kind,
                count,
            }));
        }
        let fees = self.fees_10k_yuan.trim();
        if !fees.is_empty() {
            if !gongkai_ledger::model::is_decimal(fees) {
                return Err(AppError::BadRequest(format!(
                    "收费金额应为万元数（如 0 或 1.25）：“{fees}”"
                )));
            }
            changes.push(LedgerChange::PutFeesCollected {
                year,
                amount_10k_yuan: fees.to_string(),
            });
        }
        if changes.is_empty() {
            return Err(AppError::BadRequest(
                "没有填写要登记的数量（许可、处罚、强制的决定数量，收费金额）".into(),
            ));
        }
        Ok(changes)
    }
}

pub(crate) async fn register_year(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    year: i32,
    r: YearRegister,
) -> Result<(), AppError> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::BadRequest(format!("年度无效：{year}")));
    }
    put(state, auth, agency, r.changes(year)?).await
}

/// 登记某年度表二的数量：许可、处罚、强制的决定数量和收费金额（万元）；留空的项不变。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/register/{year}", tag = "台账",
    params(("id" = i64, Path, description = "机关编号"), ("year" = i32, Path, description = "年度")),
    request_body = YearRegister,
    responses((status = 200, body = TablesView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn api_register(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, year)): Path<(i64, i32)>,
    body: Bytes,
) -> Result<Json<TablesView>, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let r: YearRegister = json_body(&body)?;
    register_year(&state, &auth, &agency, year, r).await?;
    Ok(Json(tables_view(&state, &auth, id, year, None).await?))
}

/// A 行政复议 or 行政诉讼 case (table 四).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewCase {
    /// The case's number (unique in the ledger; the same number replaces it).
    #[serde(default)]
    pub id: String,
    /// review (行政复议), litigation_direct, litigation_after_review (or the
    /// Chinese name).
    #[serde(default)]
    pub kind: String,
    /// The day it was filed (受理), YYYY-MM-DD.
    #[serde(default)]
    pub filed: String,
    /// upheld, corrected, other — empty while pending.
    #[serde(default)]
    pub result: String,
    /// The day it was decided, with `result`.
    #[serde(default)]
    pub decided: String,
    /// The request it is about.
    #[serde(default)]
    pub request: String,
}

impl NewCase {
    fn case(&self) -> Result<gongkai_ledger::Case, AppError> {
        let id = self.id.trim();
        if id.is_empty() || id.chars().count() > 100 {
            return Err(AppError::BadRequest("案件编号不能为空，最多 100 字".into()));
        }
        let kind = gongkai_ledger::CaseKind::parse(&self.kind)
            .ok_or_else(|| AppError::BadRequest(format!("没有这种案件类别：“{}”", self.kind)))?;
        let decided = match (self.result.trim(), self.decided.trim()) {
            ("", "") => None,
            ("", _) | (_, "") => {
                return Err(AppError::BadRequest(
                    "审结的案件须同时填写结果和审结日期；未审结的两项都留空".into(),
                ))
            }
            (r, d) => Some((
                gongkai_ledger::CaseResult::parse(r)
                    .ok_or_else(|| AppError::BadRequest(format!("没有这种结果：“{r}”")))?,
                parse_date(d, "审结日期")?,
            )),
        };
        let request = self.request.trim();
        Ok(gongkai_ledger::Case {
            id: id.to_string(),
            kind,
            filed: parse_date(&self.filed, "受理日期")?,
            decided,
            request: (!request.is_empty()).then(|| request.to_string()),
        })
    }
}

pub(crate) async fn put_case(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    c: NewCase,
) -> Result<(), AppError> {
    put(state, auth, agency, vec![LedgerChange::PutCase(c.case()?)]).await
}

/// 登记或更新一件行政复议、行政诉讼案件（表四）。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/cases", tag = "台账",
    params(("id" = i64, Path, description = "机关编号")),
    request_body = NewCase,
    responses((status = 200, body = WorklistView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn api_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<WorklistView>, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let c: NewCase = json_body(&body)?;
    put_case(&state, &auth, &agency, c).await?;
    Ok(Json(
        worklist_view(&state, &auth, id, &WorklistQuery::default()).await?,
    ))
}

/// A regulation or normative document (table 二's stock).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewDocument {
    /// Its number (文号; unique in the ledger; the same number replaces it).
    #[serde(default)]
    pub id: String,
    /// regulation or normative_document (规章, 行政规范性文件).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub issued: String,
    /// YYYY-MM-DD, empty while in force.
    #[serde(default)]
    pub repealed: String,
}

impl NewDocument {
    fn document(&self) -> Result<gongkai_ledger::RegisterDoc, AppError> {
        let id = self.id.trim();
        if id.is_empty() || id.chars().count() > 100 {
            return Err(AppError::BadRequest("文件编号不能为空，最多 100 字".into()));
        }
        let kind = gongkai_ledger::DocKind::parse(&self.kind).ok_or_else(|| {
            AppError::BadRequest(format!(
                "文件类别应为 规章 或 行政规范性文件：“{}”",
                self.kind
            ))
        })?;
        let repealed = self.repealed.trim();
        Ok(gongkai_ledger::RegisterDoc {
            id: id.to_string(),
            kind,
            title: bounded(&self.title, "文件标题")?,
            issued: parse_date(&self.issued, "制发日期")?,
            repealed: if repealed.is_empty() {
                None
            } else {
                Some(parse_date(repealed, "废止日期")?)
            },
        })
    }
}

pub(crate) async fn put_document(
    state: &AppState,
    auth: &Auth,
    agency: &AgencyRef,
    d: NewDocument,
) -> Result<(), AppError> {
    put(
        state,
        auth,
        agency,
        vec![LedgerChange::PutDocument(d.document()?)],
    )
    .await
}

/// 登记或更新一件规章或行政规范性文件（表二的制发、废止和现行有效件数）。
#[utoipa::path(post, path = "/api/agencies/{id}/ledger/documents", tag = "台账",
    params(("id" = i64, Path, description = "机关编号")),
    request_body = NewDocument,
    responses((status = 200, body = WorklistView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn api_document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<WorklistView>, AppError> {
    let agency = agency_for(&state, &auth, id, Action::EditLedger).await?;
    let d: NewDocument = json_body(&body)?;
    put_document(&state, &auth, &agency, d).await?;
    Ok(Json(
        worklist_view(&state, &auth, id, &WorklistQuery::default()).await?,
    ))
}
