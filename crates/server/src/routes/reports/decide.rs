//! Confirming or dismissing a finding: `POST /reports/{id}/findings/{key}/decision`
//! (a form) and `POST /api/reports/{id}/decisions` (JSON), one function. Only a role
//! the policy lets decide, on a report in their scope; the decision is recorded under
//! the report's agency and year and the finding's key, with its audit entry, by the
//! store.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use gongkai_model::access::Verdict;
use gongkai_store::{NewDecision, ReportRow};
use serde::Deserialize;

use super::view::{authorized_row, DecisionView};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::Action;
use crate::decisions::FindingKey;
use crate::error::{AppError, PageError};
use crate::routes::admin::{form_body, json_body};
use crate::state::AppState;

/// The longest comment kept (characters).
pub const MAX_COMMENT: usize = 2000;

/// A decision as a script sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionRequest {
    /// The finding's key (`findings[].key` of `GET /api/reports/{id}`).
    pub finding_key: String,
    /// confirmed | dismissed.
    pub verdict: String,
    /// Why; required to dismiss.
    #[serde(default)]
    pub comment: String,
}

/// The form's fields (the CSRF token is checked before the handler).
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub verdict: String,
    #[serde(default)]
    pub comment: String,
}

/// Records `verdict` on the finding `key` of the report `row`, which the policy has
/// let `auth`'s user decide on ([`authorized_row`] with [`Action::Decide`]).
///
/// The routes ask the policy before they read the request's body, so a user who may
/// not decide here is refused (403) whatever they sent, never told their body is wrong.
async fn decide(
    state: &AppState,
    auth: &Auth,
    row: ReportRow,
    key: &str,
    verdict: &str,
    comment: &str,
) -> Result<DecisionView, AppError> {
    let id = row.id;
    let key = FindingKey::parse(key).ok_or_else(|| AppError::BadRequest("问题标识无效".into()))?;
    let verdict = Verdict::from_key(verdict.trim()).ok_or_else(|| {
        AppError::BadRequest("审核结论无效：可选 confirmed（确认）或 dismissed（驳回）".into())
    })?;
    let comment = comment.trim().to_string();
    if comment.chars().count() > MAX_COMMENT {
        return Err(AppError::BadRequest(format!(
            "审核意见过长：最多 {MAX_COMMENT} 字"
        )));
    }
    if verdict == Verdict::Dismissed && comment.is_empty() {
        return Err(AppError::BadRequest("驳回须写明理由".into()));
    }
    let (Some(agency_id), Some(year)) = (row.agency_id, row.year) else {
        return Err(AppError::BadRequest(
            "该报告的机关或年度未能确定，无法记录审核结论；请先在机关映射中确定机关与年度".into(),
        ));
    };
    let actor = auth.actor();
    state
        .db
        .run(move |store| {
            let findings = store.findings(Some(&[id]))?;
            let finding = findings
                .iter()
                .find(|f| FindingKey::of(&f.finding) == key)
                .ok_or_else(|| {
                    AppError::NotFound(
                        "该报告没有这条问题（可能已随重新检查而改变），请刷新页面".into(),
                    )
                })?;
            let new = NewDecision {
                agency_id,
                year,
                finding_key: key.0.clone(),
                rule: finding.finding.code.clone(),
                report_id: id,
                verdict,
                comment,
            };
            let decision_id = store.record_decision(&new, &actor)?;
            let decided = store
                .decisions(agency_id, year)?
                .into_iter()
                .find(|d| d.id == decision_id)
                .ok_or_else(|| AppError::Internal("审核结论写入后读不到".into()))?;
            Ok(DecisionView::of(&decided))
        })
        .await
}

/// Confirms or dismisses a finding of the report.
#[utoipa::path(post, path = "/api/reports/{id}/decisions", tag = "reports",
    params(("id" = i64, Path, description = "报告编号")),
    request_body = DecisionRequest,
    responses((status = 201, body = DecisionView), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_decide(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let row = authorized_row(&state, &auth, id, Action::Decide).await?;
    let body: DecisionRequest = json_body(&body)?;
    let d = decide(
        &state,
        &auth,
        row,
        &body.finding_key,
        &body.verdict,
        &body.comment,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// The form: back to the finding on the report page.
pub async fn form(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, key)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Redirect, PageError> {
    let row = authorized_row(&state, &auth, id, Action::Decide).await?;
    let f: DecisionForm = form_body(&body)?;
    decide(&state, &auth, row, &key, &f.verdict, &f.comment).await?;
    Ok(Redirect::to(&format!("/reports/{id}#finding-{key}")))
}
