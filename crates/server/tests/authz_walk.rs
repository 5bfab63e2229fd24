//! The authorisation walk: every route × every role × in and out of scope, each answer
//! checked against the one policy (`authz::authorize`).
//!
//! Two tables name every route: [`API`] (each operation of the OpenAPI document, and
//! nothing else — a new API route that is not added here fails
//! `every_api_operation_is_walked`) and [`PAGES`] (every `.route(` of the server's
//! source, read from the files — a new page fails `every_page_route_is_walked`). Each
//! entry says what the route needs (an action of the policy on what its parameters
//! name, being logged in, nothing, or owning the job or token it names) and what its
//! parameters refer to; the walk fills them with a target in the user's scope and one
//! out of it, sends the request as each user and as nobody, and expects:
//!
//! - nobody: 401 `unauthenticated` on the API, 303 to /login on pages (public routes
//!   excepted);
//! - what the policy refuses: exactly 403, with `forbidden_role` or `forbidden_scope`
//!   as the policy says (the API's code; a page's message), and nothing changed — no
//!   audit entry, the object acted on as it was. A refused request carries an empty
//!   body (`{}` or an empty form): the answer must not depend on what was sent, so a
//!   handler that reads the body before asking the policy is caught (400 for 403);
//! - someone else's job or token: 404, as if it did not exist;
//! - what the policy allows: the route's own answer (its status in the table), with a
//!   valid minimal body; destructive operations act on objects made for the case.
//!
//! State-changing requests carry the session's CSRF token, so a 403 is the policy's.

mod common;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method};
use common::{examples, Answer, Session, TestApp, PASSWORD};
use gongkai_model::access::{Role, Scope};
use gongkai_model::Located;
use gongkai_server::authz::{authorize, Action, Denied, Principal, Target};
use gongkai_store::{Actor, Filter, Ingested, JobStatus, Store};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------------

/// A request received online on Monday 2 March 2026, still open.
fn walk_request(id: &str) -> gongkai_ledger::Request {
    use gongkai_ledger::{Applicant, ApplicantKind, Request};
    Request {
        id: id.to_string(),
        applicant: Applicant {
            name: "走查申请人".into(),
            kind: ApplicantKind::ALL[0],
        },
        channel: gongkai_deadline::Channel::Online,
        received: gongkai_model::date::Date::parse("2026-03-02").unwrap(),
        content: String::new(),
        events: Vec::new(),
        closure: None,
        fee: None,
        split_from: None,
        split: false,
    }
}

/// What a route's policy check is about.
#[derive(Clone, Copy, Debug)]
enum On {
    /// Nothing in particular (a list filtered afterwards, administration).
    Anything,
    /// What the route's parameters name ([`Subject`]).
    Subject,
    /// The second thing they name (the second report compared).
    SubjectB,
}

/// What a route needs.
#[derive(Clone, Copy, Debug)]
enum Needs {
    /// Nothing: anyone, logged in or not.
    Public,
    /// Being logged in (acts on the user's own account only).
    LoggedIn,
    /// The policy allowing each action on its target, in order (the first refusal is
    /// the answer).
    Policy(&'static [(Action, On)]),
    /// Upload; then the job must be the user's own, or the user may read the audit log;
    /// else 404.
    OwnJob,
    /// Upload; the user's own jobs, or everyone's (`all=true`) with ReadAudit.
    Jobs,
    /// The token must be the user's own; else 404.
    OwnToken,
}

const READ: Needs = Needs::Policy(&[(Action::Read, On::Anything)]);
const READ_IT: Needs = Needs::Policy(&[(Action::Read, On::Subject)]);
const READ_BOTH: Needs =
    Needs::Policy(&[(Action::Read, On::Subject), (Action::Read, On::SubjectB)]);
const EXPORT: Needs = Needs::Policy(&[(Action::Export, On::Anything)]);
const EXPORT_IT: Needs = Needs::Policy(&[(Action::Export, On::Subject)]);
const DECIDE_IT: Needs = Needs::Policy(&[(Action::Decide, On::Subject)]);
const UPLOAD: Needs = Needs::Policy(&[(Action::Upload, On::Anything)]);
const REGION_IT: Needs = Needs::Policy(&[(Action::ReadRegion, On::Subject)]);
const USERS: Needs = Needs::Policy(&[(Action::ManageUsers, On::Anything)]);
const MAPPING: Needs = Needs::Policy(&[(Action::ManageMapping, On::Anything)]);
const AUDIT: Needs = Needs::Policy(&[(Action::ReadAudit, On::Anything)]);
const LEDGERS: Needs = Needs::Policy(&[(Action::ReadLedger, On::Anything)]);
const READ_LEDGER: Needs = Needs::Policy(&[(Action::ReadLedger, On::Subject)]);
const EDIT_LEDGER: Needs = Needs::Policy(&[(Action::EditLedger, On::Subject)]);

/// What a route's parameters refer to, in scope and out of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject {
    /// Nothing: one case per user.
    Nothing,
    /// A list filtered by `?region=`: 新乡市 (4107) / 洛阳市 (4103).
    ListRegion,
    /// `{id}`: 辉县市人民政府 2021 / 瀍河回族区人民政府办公室 2021.
    Report,
    /// `{id}` as [`Subject::Report`], `{n}` = 1.
    ReportPage,
    /// `{id}` (and `{key}`, a finding of it): a report made for decisions, of
    /// 辉县市人民政府 / of 洛阳市老城区.
    Decision,
    /// `{id}`: the agency 辉县市人民政府 / 瀍河回族区人民政府办公室.
    Agency,
    /// `?region=`: 4107 / 4103.
    Region,
    /// `?region=&year=2021` (and `{format}` = xlsx): 4107 / 4103.
    RegionYear,
    /// `?a=&b=`: a is the in-scope report, b the in-scope / the out-of-scope one.
    Pair,
    /// `{id}`: the user's own upload job / another user's.
    Job,
    /// In: the user's own jobs; out: everyone's (`?all=true`).
    JobList,
    /// `{id}`: an API token of the user's, made for the case / another user's.
    Token,
    /// `{id}`: an existing user (read only).
    User,
    /// `{id}`: a user made for the case.
    FreshUser,
    /// `{id}`, `{token_id}`: a user and a token of theirs, made for the case.
    FreshUserToken,
    /// `{id}`: an agency made for the case.
    FreshAgency,
    /// A mapping file placing an agency made for the case.
    FreshMapping,
    /// The request is sent with a session made for the case (logging out).
    FreshSession,
    /// Logging in: the body holds the user's name (nobody: a user made for it).
    Login,
    /// `{id}` (and `{year}` = 2026, `{format}` = docx): the ledger of 辉县市人民政府 /
    /// of 瀍河回族区人民政府办公室.
    Ledger,
    /// As [`Subject::Ledger`], `{rid}`: a request made for the case in that ledger.
    LedgerRequest,
}

impl Subject {
    fn scopes(self) -> &'static [Scoped] {
        match self {
            Subject::ListRegion
            | Subject::Report
            | Subject::ReportPage
            | Subject::Decision
            | Subject::Agency
            | Subject::Region
            | Subject::RegionYear
            | Subject::Pair
            | Subject::Job
            | Subject::JobList
            | Subject::Token
            | Subject::Ledger
            | Subject::LedgerRequest => &[Scoped::In, Scoped::Out],
            _ => &[Scoped::Na],
        }
    }
}

/// The body a state-changing request carries when it is expected to be allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Carry {
    Nothing,
    /// An empty form (the CSRF token goes in the header).
    EmptyForm,
    DecisionJson,
    DecisionForm,
    Upload,
    PasswordJson,
    PasswordForm,
    TokenJson,
    TokenForm,
    NewUserJson,
    NewUserForm,
    UserChangeJson,
    UserChangeForm,
    ResetJson,
    ResetForm,
    PlaceJson,
    PlaceForm,
    MappingCsv,
    LoginJson,
    LoginForm,
    NewRequestJson,
    NewRequestForm,
    EventJson,
    EventForm,
    CloseJson,
    CloseForm,
    TextJson,
    TextForm,
    /// An Excel 台账 of one new request (`file`), multipart.
    Workbook,
    RegisterJson,
    RegisterForm,
    CaseJson,
    CaseForm,
    DocumentJson,
    DocumentForm,
}

struct Route {
    method: &'static str,
    /// As the OpenAPI document and the router write it.
    path: &'static str,
    needs: Needs,
    subject: Subject,
    /// The statuses an allowed request may answer.
    ok: &'static [u16],
    send: Carry,
}

const fn r(
    method: &'static str,
    path: &'static str,
    needs: Needs,
    subject: Subject,
    ok: &'static [u16],
    send: Carry,
) -> Route {
    Route {
        method,
        path,
        needs,
        subject,
        ok,
        send,
    }
}

use Carry as B;
use Subject as S;

/// Every operation of the OpenAPI document.
#[rustfmt::skip]
static API: &[Route] = &[
    r("GET", "/api/reports", READ, S::ListRegion, &[200], B::Nothing),
    r("GET", "/api/reports/{id}", READ_IT, S::Report, &[200], B::Nothing),
    r("GET", "/api/reports/{id}/source", READ_IT, S::Report, &[200], B::Nothing),
    // The examples are text: a page of a PDF is a clear 400 ("not a PDF").
    r("GET", "/api/reports/{id}/source/page/{n}", READ_IT, S::ReportPage, &[400], B::Nothing),
    r("POST", "/api/reports/{id}/decisions", DECIDE_IT, S::Decision, &[201], B::DecisionJson),
    r("GET", "/api/findings", READ, S::ListRegion, &[200], B::Nothing),
    r("GET", "/api/findings.csv", EXPORT, S::ListRegion, &[200], B::Nothing),
    r("POST", "/api/uploads", UPLOAD, S::Nothing, &[202], B::Upload),
    r("GET", "/api/jobs", Needs::Jobs, S::JobList, &[200], B::Nothing),
    r("GET", "/api/jobs/{id}", Needs::OwnJob, S::Job, &[200], B::Nothing),
    r("GET", "/api/jobs/{id}/events", Needs::OwnJob, S::Job, &[200], B::Nothing),
    r("GET", "/api/coverage", REGION_IT, S::Region, &[200], B::Nothing),
    r("GET", "/api/agencies/{id}", READ_IT, S::Agency, &[200], B::Nothing),
    r("GET", "/api/compare", READ_BOTH, S::Pair, &[200], B::Nothing),
    r("GET", "/api/consolidate", REGION_IT, S::RegionYear, &[200], B::Nothing),
    r("GET", "/api/metrics", READ_IT, S::Region, &[200], B::Nothing),
    r("GET", "/api/rules", READ, S::Nothing, &[200], B::Nothing),
    r("GET", "/api/exports/{format}", EXPORT_IT, S::RegionYear, &[200], B::Nothing),
    r("GET", "/api/account", Needs::LoggedIn, S::Nothing, &[200], B::Nothing),
    r("POST", "/api/account/password", Needs::LoggedIn, S::Nothing, &[200], B::PasswordJson),
    r("GET", "/api/tokens", Needs::LoggedIn, S::Nothing, &[200], B::Nothing),
    r("POST", "/api/tokens", Needs::LoggedIn, S::Nothing, &[200], B::TokenJson),
    r("DELETE", "/api/tokens/{id}", Needs::OwnToken, S::Token, &[200], B::Nothing),
    r("GET", "/api/users", USERS, S::Nothing, &[200], B::Nothing),
    r("POST", "/api/users", USERS, S::Nothing, &[200], B::NewUserJson),
    r("GET", "/api/users/{id}", USERS, S::User, &[200], B::Nothing),
    r("PATCH", "/api/users/{id}", USERS, S::FreshUser, &[200], B::UserChangeJson),
    r("POST", "/api/users/{id}/password", USERS, S::FreshUser, &[200], B::ResetJson),
    r("DELETE", "/api/users/{id}/tokens/{token_id}", USERS, S::FreshUserToken, &[200], B::Nothing),
    r("GET", "/api/audit", AUDIT, S::Nothing, &[200], B::Nothing),
    r("GET", "/api/audit/export", AUDIT, S::Nothing, &[200], B::Nothing),
    r("GET", "/api/agencies/places", MAPPING, S::Nothing, &[200], B::Nothing),
    r("PATCH", "/api/agencies/{id}", MAPPING, S::FreshAgency, &[200], B::PlaceJson),
    r("POST", "/api/agencies/mapping", MAPPING, S::FreshMapping, &[200], B::MappingCsv),
    r("GET", "/api/agencies/{id}/ledger", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("POST", "/api/agencies/{id}/ledger/requests", EDIT_LEDGER, S::Ledger, &[201], B::NewRequestJson),
    r("GET", "/api/agencies/{id}/ledger/requests/{rid}", READ_LEDGER, S::LedgerRequest, &[200], B::Nothing),
    r("POST", "/api/agencies/{id}/ledger/requests/{rid}/events", EDIT_LEDGER, S::LedgerRequest, &[200], B::EventJson),
    r("POST", "/api/agencies/{id}/ledger/requests/{rid}/close", EDIT_LEDGER, S::LedgerRequest, &[200], B::CloseJson),
    r("GET", "/api/agencies/{id}/ledger/tables/{year}", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("GET", "/api/agencies/{id}/ledger/report/{year}", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("PUT", "/api/agencies/{id}/ledger/report/{year}/text", EDIT_LEDGER, S::Ledger, &[200], B::TextJson),
    // The walk's ledgers record no 许可/处罚/强制 counts: the gate does not pass (409).
    r("POST", "/api/agencies/{id}/ledger/report/{year}/final", EDIT_LEDGER, S::Ledger, &[409], B::Nothing),
    r("POST", "/api/agencies/{id}/ledger/import", EDIT_LEDGER, S::Ledger, &[200], B::Workbook),
    r("GET", "/api/agencies/{id}/ledger/export", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("POST", "/api/agencies/{id}/ledger/register/{year}", EDIT_LEDGER, S::Ledger, &[200], B::RegisterJson),
    r("POST", "/api/agencies/{id}/ledger/cases", EDIT_LEDGER, S::Ledger, &[200], B::CaseJson),
    r("POST", "/api/agencies/{id}/ledger/documents", EDIT_LEDGER, S::Ledger, &[200], B::DocumentJson),
];

/// Every other route of the router: pages, forms, logging in and out, static files.
#[rustfmt::skip]
static PAGES: &[Route] = &[
    r("GET", "/", Needs::Public, S::Nothing, &[303], B::Nothing),
    // Logged in: to /reports; nobody: the form.
    r("GET", "/login", Needs::Public, S::Nothing, &[200, 303], B::Nothing),
    r("POST", "/login", Needs::Public, S::Login, &[303], B::LoginForm),
    r("POST", "/logout", Needs::LoggedIn, S::FreshSession, &[303], B::EmptyForm),
    r("POST", "/api/session", Needs::Public, S::Login, &[200], B::LoginJson),
    r("GET", "/api/openapi.json", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/app.css", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/app.js", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/reports.css", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/reports.js", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/corpus.css", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/corpus.js", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/admin.css", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/admin.js", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/upload.css", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/static/upload.js", Needs::Public, S::Nothing, &[200], B::Nothing),
    r("GET", "/reports", READ, S::ListRegion, &[200], B::Nothing),
    r("GET", "/reports/{id}", READ_IT, S::Report, &[200], B::Nothing),
    r("GET", "/reports/{id}/source", READ_IT, S::Report, &[200], B::Nothing),
    r("GET", "/reports/{id}/source/page/{n}", READ_IT, S::ReportPage, &[400], B::Nothing),
    r("POST", "/reports/{id}/findings/{key}/decision", DECIDE_IT, S::Decision, &[303], B::DecisionForm),
    r("GET", "/findings", READ, S::ListRegion, &[200], B::Nothing),
    r("GET", "/findings.csv", EXPORT, S::ListRegion, &[200], B::Nothing),
    r("GET", "/coverage", REGION_IT, S::Region, &[200], B::Nothing),
    r("GET", "/agencies/{id}", READ_IT, S::Agency, &[200], B::Nothing),
    r("GET", "/compare", READ_BOTH, S::Pair, &[200], B::Nothing),
    r("GET", "/consolidate", REGION_IT, S::RegionYear, &[200], B::Nothing),
    r("GET", "/metrics", READ_IT, S::Region, &[200], B::Nothing),
    r("GET", "/rules", READ, S::Nothing, &[200], B::Nothing),
    r("GET", "/exports", EXPORT_IT, S::RegionYear, &[200], B::Nothing),
    r("GET", "/account", Needs::LoggedIn, S::Nothing, &[200], B::Nothing),
    r("POST", "/account/password", Needs::LoggedIn, S::Nothing, &[200], B::PasswordForm),
    r("POST", "/account/tokens", Needs::LoggedIn, S::Nothing, &[200], B::TokenForm),
    r("POST", "/account/tokens/{id}/revoke", Needs::OwnToken, S::Token, &[200], B::EmptyForm),
    r("GET", "/admin/users", USERS, S::Nothing, &[200], B::Nothing),
    r("POST", "/admin/users", USERS, S::Nothing, &[200], B::NewUserForm),
    r("GET", "/admin/users/{id}", USERS, S::User, &[200], B::Nothing),
    r("POST", "/admin/users/{id}", USERS, S::FreshUser, &[200], B::UserChangeForm),
    r("POST", "/admin/users/{id}/password", USERS, S::FreshUser, &[200], B::ResetForm),
    r("POST", "/admin/users/{id}/tokens/{token_id}/revoke", USERS, S::FreshUserToken, &[200], B::EmptyForm),
    r("GET", "/admin/audit", AUDIT, S::Nothing, &[200], B::Nothing),
    r("GET", "/admin/audit.csv", AUDIT, S::Nothing, &[200], B::Nothing),
    r("GET", "/admin/audit.jsonl", AUDIT, S::Nothing, &[200], B::Nothing),
    r("GET", "/admin/agencies", MAPPING, S::Nothing, &[200], B::Nothing),
    r("POST", "/admin/agencies/{id}", MAPPING, S::FreshAgency, &[200], B::PlaceForm),
    r("GET", "/upload", UPLOAD, S::Nothing, &[200], B::Nothing),
    r("GET", "/upload/jobs/{id}", Needs::OwnJob, S::Job, &[200], B::Nothing),
    // Agency staff are sent to their own agency's ledger.
    r("GET", "/ledger", LEDGERS, S::Nothing, &[200, 303], B::Nothing),
    r("GET", "/agencies/{id}/ledger", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("POST", "/agencies/{id}/ledger/requests", EDIT_LEDGER, S::Ledger, &[303], B::NewRequestForm),
    r("GET", "/agencies/{id}/ledger/requests/{rid}", READ_LEDGER, S::LedgerRequest, &[200], B::Nothing),
    r("POST", "/agencies/{id}/ledger/requests/{rid}/events", EDIT_LEDGER, S::LedgerRequest, &[303], B::EventForm),
    r("POST", "/agencies/{id}/ledger/requests/{rid}/close", EDIT_LEDGER, S::LedgerRequest, &[303], B::CloseForm),
    r("GET", "/agencies/{id}/ledger/tables/{year}", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("GET", "/agencies/{id}/ledger/report/{year}", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("POST", "/agencies/{id}/ledger/report/{year}/text", EDIT_LEDGER, S::Ledger, &[303], B::TextForm),
    r("POST", "/agencies/{id}/ledger/report/{year}/final", EDIT_LEDGER, S::Ledger, &[409], B::EmptyForm),
    r("GET", "/agencies/{id}/ledger/report/{year}/draft/{format}", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("POST", "/agencies/{id}/ledger/import", EDIT_LEDGER, S::Ledger, &[200], B::Workbook),
    r("GET", "/agencies/{id}/ledger/export", READ_LEDGER, S::Ledger, &[200], B::Nothing),
    r("POST", "/agencies/{id}/ledger/tables/{year}/register", EDIT_LEDGER, S::Ledger, &[303], B::RegisterForm),
    r("POST", "/agencies/{id}/ledger/cases", EDIT_LEDGER, S::Ledger, &[303], B::CaseForm),
    r("POST", "/agencies/{id}/ledger/documents", EDIT_LEDGER, S::Ledger, &[303], B::DocumentForm),
];

/// Cases walked: (API routes + pages) × users (4 and nobody) × scopes (1 or 2).
const CASES: usize = 860;

// ---------------------------------------------------------------------------------
// Every route is in a table
// ---------------------------------------------------------------------------------

fn table_keys(table: &[Route]) -> BTreeSet<(String, String)> {
    let keys: BTreeSet<(String, String)> = table
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(keys.len(), table.len(), "a route is in the table twice");
    keys
}

/// `(method, path)` of every operation of the OpenAPI document.
fn openapi_operations() -> BTreeSet<(String, String)> {
    let (_, doc) = gongkai_server::routes::api();
    let mut ops = BTreeSet::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
            ("HEAD", item.head.is_some()),
            ("OPTIONS", item.options.is_some()),
            ("TRACE", item.trace.is_some()),
        ];
        for (m, present) in methods {
            if present {
                ops.insert((m.to_string(), path.clone()));
            }
        }
    }
    ops
}

#[test]
fn every_api_operation_is_walked() {
    let ops = openapi_operations();
    let table = table_keys(API);
    let unwalked: Vec<_> = ops.difference(&table).collect();
    let absent: Vec<_> = table.difference(&ops).collect();
    assert!(
        unwalked.is_empty() && absent.is_empty(),
        "operations of the OpenAPI document missing from API: {unwalked:?}\n\
         API entries that are not operations of the document: {absent:?}"
    );
    assert_eq!(ops.len(), 48);
}

/// The end of the parenthesised text that starts at `open` (just after `(`), skipping
/// string literals.
fn closing(text: &[u8], open: usize) -> usize {
    let mut depth = 1;
    let mut i = open;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while text[i] != b'"' {
                    if text[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced .route(")
}

/// The `(method, path)` of a `.route(` call's arguments: the path literal, then the
/// method routers chained at the top level (`get(a).post(b)`, `stylesheet(CSS)`).
fn route_call(args: &str) -> Vec<(String, String)> {
    let b = args.as_bytes();
    let q0 = args.find('"').expect("a path literal");
    let q1 = q0 + 1 + args[q0 + 1..].find('"').unwrap();
    let path = args[q0 + 1..q1].to_string();
    let mut out = Vec::new();
    let mut i = q1 + 1;
    let mut depth = 0;
    let mut word = String::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                i += 1;
                while b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' | b'{' | b'[' => {
                if depth == 0 && !word.is_empty() {
                    // `stylesheet(…)` and `script(…)` (routes/mod.rs) are `GET` of an
                    // embedded asset.
                    let m = match word.as_str() {
                        "stylesheet" | "script" => "GET".to_string(),
                        _ => word.to_ascii_uppercase(),
                    };
                    assert!(
                        ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&m.as_str()),
                        "{path}: not a method router: {word}"
                    );
                    out.push((m, path.clone()));
                }
                depth += 1;
                word.clear();
            }
            b')' | b'}' | b']' => depth -= 1,
            c if depth == 0 && (c.is_ascii_alphanumeric() || c == b'_') => word.push(c as char),
            _ => word.clear(),
        }
        i += 1;
    }
    assert!(!out.is_empty(), "{path}: no method");
    out
}

/// Every `.route(` of the server's source: `(method, path)`.
fn routes_in_source() -> BTreeSet<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut found = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut from = 0;
        while let Some(at) = text[from..].find(".route(") {
            let open = from + at + ".route(".len();
            let close = closing(text.as_bytes(), open);
            for key in route_call(&text[open..close]) {
                assert!(found.insert(key.clone()), "{key:?} routed twice");
            }
            from = close;
        }
    }
    found
}

#[test]
fn every_page_route_is_walked() {
    let source = routes_in_source();
    let table = table_keys(PAGES);
    let unwalked: Vec<_> = source.difference(&table).collect();
    let absent: Vec<_> = table.difference(&source).collect();
    assert!(
        unwalked.is_empty() && absent.is_empty(),
        "routes of the source missing from PAGES: {unwalked:?}\n\
         PAGES entries the source does not route: {absent:?}"
    );
    let api = openapi_operations();
    assert!(
        source.is_disjoint(&api),
        "a route is both a page and an API operation"
    );
    assert_eq!(source.len(), 63);
}

// ---------------------------------------------------------------------------------
// The fixture: the examples, users of each role, objects to act on
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Admin,
    Reviewer,
    Staff,
    Viewer,
    Nobody,
}

const EVERYONE: [Who; 5] = [
    Who::Admin,
    Who::Reviewer,
    Who::Staff,
    Who::Viewer,
    Who::Nobody,
];

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Who::Admin => "admin",
            Who::Reviewer => "reviewer",
            Who::Staff => "staff",
            Who::Viewer => "viewer",
            Who::Nobody => "nobody",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scoped {
    In,
    Out,
    /// The route names nothing to be in or out of scope.
    Na,
}

impl fmt::Display for Scoped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scoped::In => "in",
            Scoped::Out => "out",
            Scoped::Na => "-",
        })
    }
}

/// A report as the policy sees it.
#[derive(Clone, Debug)]
struct Rep {
    id: i64,
    agency_id: Option<i64>,
    region_code: Option<String>,
    /// A finding's key (reports made for decisions).
    key: Option<String>,
}

#[derive(Clone, Debug)]
enum Owned {
    Report {
        agency_id: Option<i64>,
        region_code: Option<String>,
    },
    Region(String),
}

impl Owned {
    fn of(r: &Rep) -> Owned {
        Owned::Report {
            agency_id: r.agency_id,
            region_code: r.region_code.clone(),
        }
    }

    fn target(&self) -> Target<'_> {
        match self {
            Owned::Report {
                agency_id,
                region_code,
            } => Target::Report {
                agency_id: *agency_id,
                region_code: region_code.as_deref(),
            },
            Owned::Region(code) => Target::Region(code),
        }
    }
}

struct Member {
    principal: Principal,
    session: Session,
    /// A finished upload job of theirs.
    job: i64,
}

struct Fixture {
    t: TestApp,
    members: Vec<(Who, Member)>,
    /// The hash of [`PASSWORD`], for users made for cases (argon2 once).
    hash: String,
    report_in: Rep,
    report_out: Rep,
    decide_in: Rep,
    decide_out: Rep,
    agency_in: (i64, String),
    agency_out: (i64, String),
    /// Seed 000, parsed, for agencies made for cases.
    seed: gongkai_model::Report,
    made: std::cell::Cell<u32>,
}

const REGION_IN: &str = "4107";
const REGION_OUT: &str = "4103";
const YEAR: i32 = 2021;

/// Seed 002 as another agency's report (`title` replaces its agency and year) whose
/// 本年新收 总计 is 3 where its one applicant makes it 1: a report with a finding to
/// decide on.
fn wrong_total(title: &str) -> String {
    let s = std::fs::read_to_string(examples().join("seeds/002_d134efd7659efa26.txt")).unwrap();
    let s = s.replacen("西⼯区城市改造办公室2021年", title, 1);
    let from = "⼀、本年新收政府信息公开申请数量 1 0 0 0 0 0 1";
    assert!(s.contains(from));
    s.replacen(from, "⼀、本年新收政府信息公开申请数量 1 0 0 0 0 0 3", 1)
}

fn session_of(store: &mut Store, user_id: i64) -> Session {
    use gongkai_server::auth::token;
    let secret = token::new_token().unwrap();
    let csrf = token::new_token().unwrap();
    store
        .create_session(
            &token::digest(&secret),
            user_id,
            &csrf,
            gongkai_server::now() + 3600,
        )
        .unwrap();
    Session {
        cookie: format!("gongkai_session={secret}"),
        csrf,
    }
}

fn actor_of(p: &Principal) -> Actor {
    Actor {
        user_id: Some(p.user_id),
        name: p.name.clone(),
    }
}

impl Fixture {
    fn new() -> Fixture {
        let t = TestApp::new();
        let walk = t.dir.path().join("walk");
        std::fs::create_dir_all(&walk).unwrap();
        std::fs::write(walk.join("in.txt"), wrong_total("辉县市人民政府2019年")).unwrap();
        std::fs::write(
            walk.join("out.txt"),
            wrong_total("洛阳市老城区人民政府办公室2021年"),
        )
        .unwrap();
        t.ingest(&[examples(), walk]);
        let mut store = t.state.db.connect().unwrap();

        let rows = store
            .reports(&Filter {
                all_versions: true,
                ..Filter::default()
            })
            .unwrap();
        let rep = |store: &mut Store, agency: &str, year: i32, with_key: bool| -> Rep {
            let row = rows
                .iter()
                .find(|r| r.agency.as_deref() == Some(agency) && r.year == Some(year))
                .unwrap_or_else(|| panic!("no report of {agency} {year}"));
            let key = with_key.then(|| {
                let f = store.findings(Some(&[row.id])).unwrap();
                let f = f
                    .iter()
                    .find(|f| !f.corpus)
                    .unwrap_or_else(|| panic!("{agency} {year} has no finding"));
                gongkai_store::finding_key(&f.finding)
            });
            Rep {
                id: row.id,
                agency_id: row.agency_id,
                region_code: row.region_code.clone(),
                key,
            }
        };
        let report_in = rep(&mut store, "辉县市人民政府", 2021, false);
        let report_out = rep(&mut store, "瀍河回族区人民政府办公室", 2021, false);
        let decide_in = rep(&mut store, "辉县市人民政府", 2019, true);
        let decide_out = rep(&mut store, "洛阳市老城区人民政府办公室", 2021, true);
        assert_eq!(decide_in.agency_id, report_in.agency_id);
        assert_eq!(report_in.region_code.as_deref(), Some("410782"));
        assert_eq!(report_out.region_code.as_deref(), Some("410304"));
        assert_eq!(decide_out.region_code.as_deref(), Some("410302"));
        let agencies = store.agencies().unwrap();
        let agency = |name: &str| -> (i64, String) {
            let a = agencies
                .iter()
                .find(|a| a.info.name == name)
                .unwrap_or_else(|| panic!("no agency {name}"));
            (a.id, a.info.place.code.clone().expect("placed"))
        };
        let agency_in = agency("辉县市人民政府");
        let agency_out = agency("瀍河回族区人民政府办公室");

        let hash = gongkai_server::auth::password::hash(PASSWORD).unwrap();
        let people = [
            (Who::Admin, "走查管理员", Role::Admin, Scope::Everywhere),
            (
                Who::Reviewer,
                "走查审核员",
                Role::Reviewer,
                Scope::Regions(vec![REGION_IN.into()]),
            ),
            (
                Who::Staff,
                "走查辉县机关人员",
                Role::AgencyStaff,
                Scope::Agency(agency_in.0),
            ),
            (
                Who::Viewer,
                "走查只读用户",
                Role::Viewer,
                Scope::Regions(vec![REGION_IN.into()]),
            ),
        ];
        let mut members = Vec::new();
        for (who, name, role, scope) in people {
            let u = store
                .create_user(name, &hash, role, &scope, &Actor::system())
                .unwrap();
            let principal = Principal::from(u);
            let session = session_of(&mut store, principal.user_id);
            // A finished job: its event stream ends at once.
            let job = store
                .create_job("authz-walk", &json!({}), 0, "upload", &actor_of(&principal))
                .unwrap()
                .id;
            let claimed = store.claim_job("authz-walk").unwrap().unwrap();
            assert_eq!(claimed.job.id, job);
            assert!(store
                .finish_job(job, JobStatus::Done, 0, "走查", &json!({}))
                .unwrap());
            members.push((
                who,
                Member {
                    principal,
                    session,
                    job,
                },
            ));
        }
        let text =
            std::fs::read_to_string(examples().join("seeds/000_bdef848fa1eb37a7.txt")).unwrap();
        let seed = gongkai_parse::parse_text("000.txt", text).unwrap().report;
        drop(store);
        Fixture {
            t,
            members,
            hash,
            report_in,
            report_out,
            decide_in,
            decide_out,
            agency_in,
            agency_out,
            seed,
            made: std::cell::Cell::new(0),
        }
    }

    fn member(&self, who: Who) -> Option<&Member> {
        self.members.iter().find(|(w, _)| *w == who).map(|(_, m)| m)
    }

    /// Someone else than `who` (the administrator, or for them the reviewer).
    fn other(&self, who: Who) -> &Member {
        self.member(if who == Who::Admin {
            Who::Reviewer
        } else {
            Who::Admin
        })
        .unwrap()
    }

    fn store(&self) -> Store {
        self.t.state.db.connect().unwrap()
    }

    fn next(&self) -> u32 {
        let n = self.made.get() + 1;
        self.made.set(n);
        n
    }

    fn fresh_user(&self) -> i64 {
        let n = self.next();
        self.store()
            .create_user(
                &format!("走查临时用户{n}"),
                &self.hash,
                Role::Viewer,
                &Scope::Everywhere,
                &Actor::system(),
            )
            .unwrap()
            .id
    }

    fn fresh_token(&self, user_id: i64) -> i64 {
        use gongkai_server::auth::token;
        let n = self.next();
        let digest = token::digest(&token::new_token().unwrap());
        self.store()
            .create_api_token(user_id, &format!("走查令牌{n}"), &digest, &Actor::system())
            .unwrap()
            .id
    }

    /// An agency no place name in it: stored with one report, unplaced.
    fn fresh_agency(&self) -> (i64, String) {
        let n = self.next();
        let name = format!("走查临时机关{n}");
        let mut report = self.seed.clone();
        report.agency = Some(Located::new(name.clone(), None));
        report.year = Some(Located::new(2020, None));
        let opts = gongkai_corpus::IngestOptions::default();
        let mut store = self.store();
        store
            .write(vec![Ingested {
                path: format!("walk/agency-{n}.txt"),
                hash: format!("walk-agency-{n}"),
                size: 1,
                outcome: Ok(gongkai_corpus::ingest::new_report(
                    report,
                    Vec::new(),
                    &opts,
                )),
            }])
            .unwrap();
        let id = store
            .agencies()
            .unwrap()
            .into_iter()
            .find(|a| a.info.name == name)
            .unwrap_or_else(|| panic!("no agency {name}"))
            .id;
        (id, name)
    }

    fn agency_name(&self, id: i64) -> String {
        self.store().agency_by_id(id).unwrap().unwrap().info.name
    }

    /// A request made for a case in the ledger of `agency`: its number.
    fn fresh_request(&self, agency: &str) -> String {
        use gongkai_ledger::LedgerChange;
        let n = self.next();
        let rid = format!("走查-{n}");
        let r = walk_request(&rid);
        self.store()
            .change_ledger(&Actor::system(), agency, &[LedgerChange::PutRequest(r)])
            .unwrap();
        rid
    }

    /// The newest audit entry's id: a refused request writes none.
    fn last_audit(&self) -> i64 {
        self.store()
            .audit_log(None, 1)
            .unwrap()
            .first()
            .map_or(0, |e| e.id)
    }
}

// ---------------------------------------------------------------------------------
// One case
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allowed,
    Denied(Denied),
    Unauthenticated,
    /// Someone else's job or token: as if it did not exist.
    NotFound,
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expect::Allowed => "allowed",
            Expect::Denied(Denied::Role) => "forbidden_role",
            Expect::Denied(Denied::Scope) => "forbidden_scope",
            Expect::Unauthenticated => "unauthenticated",
            Expect::NotFound => "not_found",
        })
    }
}

fn code_of(d: Denied) -> &'static str {
    match d {
        Denied::Role => "forbidden_role",
        Denied::Scope => "forbidden_scope",
    }
}

/// Something a case acts on, looked at before and after a refused request.
enum Watch {
    User(i64),
    Tokens(i64),
    Agency(i64),
    Ledger(String),
}

impl Watch {
    fn look(&self, store: &mut Store) -> String {
        match self {
            Watch::User(id) => format!("{:?}", store.user(*id).unwrap()),
            Watch::Tokens(id) => format!("{:?}", store.api_tokens(*id).unwrap()),
            Watch::Agency(id) => format!("{:?}", store.agency_by_id(*id).unwrap()),
            Watch::Ledger(name) => format!("{:?}", store.ledger(name).unwrap()),
        }
    }
}

/// A request ready to send, with what it acts on.
struct Prepared {
    path: String,
    query: String,
    session: Option<Session>,
    targets: Vec<Owned>,
    /// For the policy's "own" routes: whether the job or token is the user's.
    own: bool,
    watch: Vec<Watch>,
    key: String,
    agency_name: String,
    login: String,
    /// A number for a new ledger request.
    new_rid: String,
}

fn prepare(fx: &Fixture, route: &Route, who: Who, scoped: Scoped) -> Prepared {
    let me = fx.member(who);
    let mut p = Prepared {
        path: route.path.to_string(),
        query: String::new(),
        session: me.map(|m| m.session.clone()),
        targets: Vec::new(),
        own: true,
        watch: Vec::new(),
        key: String::new(),
        agency_name: String::new(),
        login: String::new(),
        new_rid: String::new(),
    };
    let inside = scoped != Scoped::Out;
    let region = if inside { REGION_IN } else { REGION_OUT };
    let set = |p: &mut Prepared, name: &str, value: String| {
        assert!(p.path.contains(name), "{}: no {name}", route.path);
        p.path = p.path.replace(name, &value);
    };
    match route.subject {
        S::Nothing => {}
        S::ListRegion => p.query = format!("region={region}"),
        S::Report | S::ReportPage => {
            let rep = if inside {
                &fx.report_in
            } else {
                &fx.report_out
            };
            set(&mut p, "{id}", rep.id.to_string());
            if route.subject == S::ReportPage {
                set(&mut p, "{n}", "1".into());
            }
            p.targets.push(Owned::of(rep));
        }
        S::Decision => {
            let rep = if inside {
                &fx.decide_in
            } else {
                &fx.decide_out
            };
            set(&mut p, "{id}", rep.id.to_string());
            p.key = rep.key.clone().unwrap();
            if p.path.contains("{key}") {
                let key = p.key.clone();
                set(&mut p, "{key}", key);
            }
            p.targets.push(Owned::of(rep));
        }
        S::Agency => {
            let (id, code) = if inside {
                &fx.agency_in
            } else {
                &fx.agency_out
            };
            set(&mut p, "{id}", id.to_string());
            p.targets.push(Owned::Report {
                agency_id: Some(*id),
                region_code: Some(code.clone()),
            });
        }
        S::Region | S::RegionYear => {
            p.query = format!("region={region}");
            if route.subject == S::RegionYear {
                p.query.push_str(&format!("&year={YEAR}"));
            }
            if p.path.contains("{format}") {
                set(&mut p, "{format}", "xlsx".into());
            }
            p.targets.push(Owned::Region(region.to_string()));
        }
        S::Pair => {
            let b = if inside {
                &fx.report_in
            } else {
                &fx.report_out
            };
            p.query = format!("a={}&b={}", fx.report_in.id, b.id);
            p.targets.push(Owned::of(&fx.report_in));
            p.targets.push(Owned::of(b));
        }
        S::Job => {
            let owner = match me {
                Some(m) if inside => m,
                _ => fx.other(who),
            };
            p.own = inside && me.is_some();
            set(&mut p, "{id}", owner.job.to_string());
        }
        S::JobList => {
            p.own = inside;
            if !inside {
                p.query = "all=true".into();
            }
        }
        S::Token => {
            let owner = match me {
                Some(m) if inside => m,
                _ => fx.other(who),
            };
            p.own = inside && me.is_some();
            let id = fx.fresh_token(owner.principal.user_id);
            set(&mut p, "{id}", id.to_string());
            p.watch.push(Watch::Tokens(owner.principal.user_id));
        }
        S::User => {
            let id = fx.member(Who::Reviewer).unwrap().principal.user_id;
            set(&mut p, "{id}", id.to_string());
        }
        S::FreshUser | S::FreshUserToken => {
            let id = fx.fresh_user();
            set(&mut p, "{id}", id.to_string());
            p.watch.push(Watch::User(id));
            if route.subject == S::FreshUserToken {
                let token = fx.fresh_token(id);
                set(&mut p, "{token_id}", token.to_string());
                p.watch.push(Watch::Tokens(id));
            }
        }
        S::FreshAgency | S::FreshMapping => {
            let (id, name) = fx.fresh_agency();
            if route.subject == S::FreshAgency {
                set(&mut p, "{id}", id.to_string());
            }
            p.agency_name = name;
            p.watch.push(Watch::Agency(id));
        }
        S::Ledger | S::LedgerRequest => {
            let (id, code) = if inside {
                &fx.agency_in
            } else {
                &fx.agency_out
            };
            let name = fx.agency_name(*id);
            set(&mut p, "{id}", id.to_string());
            if p.path.contains("{year}") {
                set(&mut p, "{year}", "2026".into());
            }
            if p.path.contains("{format}") {
                set(&mut p, "{format}", "docx".into());
            }
            if route.subject == S::LedgerRequest {
                let rid = fx.fresh_request(&name);
                set(&mut p, "{rid}", rid);
            }
            p.new_rid = format!("走查新件{}", fx.next());
            p.targets.push(Owned::Report {
                agency_id: Some(*id),
                region_code: Some(code.clone()),
            });
            p.watch.push(Watch::Ledger(name));
        }
        S::FreshSession => {
            p.session = me.map(|m| session_of(&mut fx.store(), m.principal.user_id));
        }
        S::Login => {
            p.login = match me {
                Some(m) => m.principal.name.clone(),
                None => {
                    let id = fx.fresh_user();
                    fx.store().user(id).unwrap().unwrap().name
                }
            };
        }
    }
    assert!(!p.path.contains('{'), "{}: unfilled {}", route.path, p.path);
    p
}

/// What the policy (and the route's table entry) says the answer is.
fn expected(fx: &Fixture, route: &Route, who: Who, p: &Prepared) -> Expect {
    let Some(me) = fx.member(who) else {
        return match route.needs {
            Needs::Public => Expect::Allowed,
            _ => Expect::Unauthenticated,
        };
    };
    let user = &me.principal;
    let ask = |action: Action, target: Target<'_>| authorize(user, action, target);
    let verdict = match route.needs {
        Needs::Public | Needs::LoggedIn => Ok(true),
        Needs::Policy(checks) => checks
            .iter()
            .try_for_each(|(action, on)| {
                let target = match on {
                    On::Anything => Target::Anything,
                    On::Subject => p.targets[0].target(),
                    On::SubjectB => p.targets[1].target(),
                };
                ask(*action, target)
            })
            .map(|()| true),
        Needs::OwnJob => ask(Action::Upload, Target::Anything)
            .map(|()| p.own || ask(Action::ReadAudit, Target::Anything).is_ok()),
        Needs::Jobs => ask(Action::Upload, Target::Anything).and_then(|()| {
            if p.own {
                Ok(true)
            } else {
                ask(Action::ReadAudit, Target::Anything).map(|()| true)
            }
        }),
        Needs::OwnToken => Ok(p.own),
    };
    match verdict {
        Ok(true) => Expect::Allowed,
        Ok(false) => Expect::NotFound,
        Err(d) => Expect::Denied(d),
    }
}

const BOUNDARY: &str = "authz-walk-boundary-2f9c";

/// The body: valid when the request is expected through, else empty (`{}`, an empty
/// form): a refusal must not depend on it.
fn body(send: Carry, p: &Prepared, valid: bool) -> Option<(String, Vec<u8>)> {
    let json = |v: Value| {
        let v = if valid { v } else { json!({}) };
        Some(("application/json".to_string(), v.to_string().into_bytes()))
    };
    let form = |fields: &[(&str, &str)]| {
        let fields = if valid { fields } else { &[] };
        Some((
            "application/x-www-form-urlencoded".to_string(),
            serde_urlencoded::to_string(fields).unwrap().into_bytes(),
        ))
    };
    let n = gongkai_server::now();
    match send {
        B::Nothing => None,
        B::EmptyForm => form(&[]),
        B::DecisionJson => json(json!({"finding_key": p.key, "verdict": "confirmed"})),
        B::DecisionForm => form(&[("verdict", "confirmed")]),
        B::Upload => {
            let mut bytes = Vec::new();
            if valid {
                bytes.extend_from_slice(
                    format!(
                        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; \
                         filename=\"走查.txt\"\r\nContent-Type: text/plain\r\n\r\n走查上传 {n}\r\n--{BOUNDARY}--\r\n"
                    )
                    .as_bytes(),
                );
            }
            Some((format!("multipart/form-data; boundary={BOUNDARY}"), bytes))
        }
        B::PasswordJson => json(json!({"current": PASSWORD, "new": PASSWORD})),
        B::PasswordForm => form(&[
            ("current", PASSWORD),
            ("new", PASSWORD),
            ("confirm", PASSWORD),
        ]),
        B::TokenJson => json(json!({"label": "走查"})),
        B::TokenForm => form(&[("label", "走查")]),
        B::NewUserJson => json(json!({
            "name": format!("走查新用户J{n}"),
            "role": "viewer",
            "scope": {"kind": "regions", "regions": ["4107"]},
            "password": PASSWORD,
        })),
        B::NewUserForm => form(&[
            ("name", &format!("走查新用户F{n}")),
            ("role", "viewer"),
            ("scope_kind", "regions"),
            ("regions", "新乡市"),
            ("password", PASSWORD),
        ]),
        B::UserChangeJson => json(json!({"active": false})),
        // The checkbox `active` absent: deactivated.
        B::UserChangeForm => form(&[("role", "viewer"), ("scope_kind", "everywhere")]),
        B::ResetJson => json(json!({})),
        B::ResetForm => form(&[("password", "")]),
        B::PlaceJson => json(json!({"region": "410782"})),
        B::PlaceForm => form(&[("region", "410782"), ("level", "")]),
        B::MappingCsv => Some((
            "text/csv".to_string(),
            if valid {
                format!("名称,地区\n{},410782\n", p.agency_name).into_bytes()
            } else {
                Vec::new()
            },
        )),
        B::LoginJson => json(json!({"name": p.login, "password": PASSWORD})),
        B::LoginForm => form(&[("name", &p.login), ("password", PASSWORD)]),
        B::NewRequestJson => json(json!({
            "id": p.new_rid, "applicant": "走查申请人", "applicant_kind": "natural_person",
            "channel": "online", "received": "2026-03-02",
        })),
        B::NewRequestForm => form(&[
            ("id", &p.new_rid),
            ("applicant", "走查申请人"),
            ("applicant_kind", "natural_person"),
            ("channel", "online"),
            ("received", "2026-03-02"),
            ("content", ""),
        ]),
        B::EventJson => json(json!({"kind": "extended", "date": "2026-03-20"})),
        B::EventForm => form(&[("kind", "extended"), ("date", "2026-03-20")]),
        B::CloseJson => json(json!({"outcome": "granted", "date": "2026-03-10"})),
        B::CloseForm => form(&[
            ("outcome", "granted"),
            ("date", "2026-03-10"),
            ("grounds", ""),
        ]),
        B::TextJson => json(json!({"problems": ["走查：存在的问题。"]})),
        B::TextForm => form(&[
            ("overview", ""),
            ("problems", "走查：存在的问题。"),
            ("other", ""),
        ]),
        B::Workbook => {
            let mut bytes = Vec::new();
            if valid {
                let ledger = gongkai_ledger::Ledger {
                    agency: "走查".into(),
                    requests: vec![walk_request(&p.new_rid)],
                    ..Default::default()
                };
                let xlsx = gongkai_ledger_sheet::export(&ledger).unwrap();
                bytes.extend_from_slice(
                    format!(
                        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                         filename=\"台账.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                bytes.extend_from_slice(&xlsx);
                bytes.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
            }
            Some((format!("multipart/form-data; boundary={BOUNDARY}"), bytes))
        }
        B::RegisterJson => json(json!({"licensing": "3", "fees_10k_yuan": "0"})),
        B::RegisterForm => form(&[("licensing", "3"), ("penalty", ""), ("coercion", "1")]),
        B::CaseJson => json(json!({"id": p.new_rid, "kind": "review", "filed": "2026-04-01"})),
        B::CaseForm => form(&[
            ("id", &p.new_rid),
            ("kind", "review"),
            ("filed", "2026-04-01"),
            ("result", "upheld"),
            ("decided", "2026-05-20"),
            ("back", "2026"),
        ]),
        B::DocumentJson => {
            json(json!({"id": p.new_rid, "kind": "regulation", "issued": "2026-02-10"}))
        }
        B::DocumentForm => form(&[
            ("id", &p.new_rid),
            ("kind", "normative_document"),
            ("title", "走查文件"),
            ("issued", "2026-02-10"),
            ("repealed", ""),
            ("back", "2026"),
        ]),
    }
}

/// What came back, briefly: the status and the error code, the redirect or the
/// refusal's message.
fn got(a: &Answer) -> String {
    let status = a.status.as_u16();
    if let Some(loc) = a.headers.get(header::LOCATION) {
        return format!("{status} → {}", loc.to_str().unwrap_or("?"));
    }
    let json = a
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().unwrap_or("").starts_with("application/json"));
    if json && status >= 400 {
        let v: Value = serde_json::from_slice(&a.body).unwrap_or(Value::Null);
        return format!("{status} {}", v["error"]["code"].as_str().unwrap_or("?"));
    }
    if status >= 400 {
        let text = a.text();
        for d in [Denied::Role, Denied::Scope] {
            if text.contains(&d.to_string()) {
                return format!("{status} «{}»", code_of(d));
            }
        }
        if text.contains("CSRF") {
            return format!("{status} «csrf»");
        }
    }
    status.to_string()
}

/// Whether the answer is the expected one.
fn answers(route: &Route, api: bool, expect: Expect, a: &Answer) -> bool {
    let status = a.status.as_u16();
    let code = || -> String {
        serde_json::from_slice::<Value>(&a.body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
            .unwrap_or_default()
    };
    match expect {
        Expect::Allowed => route.ok.contains(&status),
        Expect::Unauthenticated if api => status == 401 && code() == "unauthenticated",
        Expect::Unauthenticated => {
            status == 303
                && a.headers
                    .get(header::LOCATION)
                    .is_some_and(|l| l == "/login")
        }
        Expect::Denied(d) if api => status == 403 && code() == code_of(d),
        Expect::Denied(d) => {
            let text = a.text();
            status == 403 && text.contains(&d.to_string()) && !text.contains("CSRF")
        }
        Expect::NotFound if api => status == 404 && code() == "not_found",
        Expect::NotFound => status == 404,
    }
}

struct Row {
    route: String,
    who: Who,
    scoped: Scoped,
    expect: Expect,
    got: String,
    pass: bool,
    note: String,
}

async fn walk_case(fx: &Fixture, route: &Route, api: bool, who: Who, scoped: Scoped) -> Row {
    let p = prepare(fx, route, who, scoped);
    let expect = expected(fx, route, who, &p);
    let refused = expect != Expect::Allowed;
    let before = refused.then(|| {
        let mut store = fx.store();
        let looks: Vec<String> = p.watch.iter().map(|w| w.look(&mut store)).collect();
        (fx.last_audit(), looks)
    });
    let uri = if p.query.is_empty() {
        p.path.clone()
    } else {
        format!("{}?{}", p.path, p.query)
    };
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    let mut req = TestApp::request(method, &uri, p.session.as_ref());
    let body = match body(route.send, &p, !refused) {
        Some((content_type, bytes)) => {
            req = req.header(header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let a = tokio::time::timeout(Duration::from_secs(20), fx.t.send(req.body(body).unwrap()))
        .await
        .unwrap_or_else(|_| panic!("{} {uri} as {who}: no answer in 20 s", route.method));
    let mut pass = answers(route, api, expect, &a);
    let mut note = String::new();
    if let Some((audit, looks)) = before {
        let mut store = fx.store();
        let now: Vec<String> = p.watch.iter().map(|w| w.look(&mut store)).collect();
        if fx.last_audit() != audit {
            pass = false;
            note.push_str(" audit log written");
        }
        if now != looks {
            pass = false;
            note.push_str(" object changed");
        }
    }
    if !pass && a.status.is_server_error() {
        note.push_str(&format!(
            " {}",
            a.text().chars().take(200).collect::<String>()
        ));
    }
    Row {
        route: format!("{} {}", route.method, route.path),
        who,
        scoped,
        expect,
        got: got(&a),
        pass,
        note,
    }
}

/// One letter per answer in the summary.
fn letter(e: Expect) -> char {
    match e {
        Expect::Allowed => 'A',
        Expect::Denied(Denied::Role) => 'R',
        Expect::Denied(Denied::Scope) => 'S',
        Expect::Unauthenticated => 'U',
        Expect::NotFound => 'N',
    }
}

fn matrix(rows: &[Row]) -> String {
    let mut out = String::from(
        "expected per user (admin reviewer staff viewer nobody; in/out where the route names a target):\n\
         A allowed, R forbidden_role, S forbidden_scope, U unauthenticated, N not found; ! wrong answer\n",
    );
    let mut i = 0;
    while i < rows.len() {
        let route = &rows[i].route;
        let mut line = String::new();
        let mut who = None;
        while i < rows.len() && &rows[i].route == route {
            if who != Some(rows[i].who) {
                line.push(' ');
                who = Some(rows[i].who);
            }
            line.push(letter(rows[i].expect));
            if !rows[i].pass {
                line.push('!');
            }
            i += 1;
        }
        out.push_str(&format!("{line:<24} {route}\n"));
    }
    let failed: Vec<&Row> = rows.iter().filter(|r| !r.pass).collect();
    if !failed.is_empty() {
        out.push_str(&format!(
            "\n{} wrong answers (route, user, scope, expected, got):\n",
            failed.len()
        ));
        for r in failed {
            out.push_str(&format!(
                "{:<52} {:<8} {:<3} {:<16} {}{}\n",
                r.route, r.who, r.scoped, r.expect, r.got, r.note
            ));
        }
    }
    out
}

#[tokio::test]
async fn every_route_every_role_in_and_out_of_scope() {
    let started = std::time::Instant::now();
    let fx = Fixture::new();
    let mut rows = Vec::new();
    for (table, api) in [(API, true), (PAGES, false)] {
        for route in table {
            for who in EVERYONE {
                for &scoped in route.subject.scopes() {
                    rows.push(walk_case(&fx, route, api, who, scoped).await);
                }
            }
        }
    }
    let summary = matrix(&rows);
    println!("{summary}");
    println!("{} cases in {:.1?}", rows.len(), started.elapsed());
    assert!(rows.iter().all(|r| r.pass), "{summary}");
    // Each page answers an administrator (with valid parameters), so no path is a typo.
    let lost: Vec<&Row> = rows
        .iter()
        .filter(|r| r.who == Who::Admin && r.scoped != Scoped::Out && r.got.starts_with("404"))
        .collect();
    assert!(
        lost.is_empty(),
        "{:?}",
        lost.iter().map(|r| &r.route).collect::<Vec<_>>()
    );
    assert_eq!(rows.len(), CASES, "{summary}");
    // Every kind of answer occurs, so none of the checks is idle.
    for e in [
        Expect::Allowed,
        Expect::Denied(Denied::Role),
        Expect::Denied(Denied::Scope),
        Expect::Unauthenticated,
        Expect::NotFound,
    ] {
        assert!(rows.iter().any(|r| r.expect == e), "no case expects {e}");
    }
}
