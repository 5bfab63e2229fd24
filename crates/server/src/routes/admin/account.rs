//! One's own account, for every role: the password (the current one needed; every
//! other session of the user ends) and API tokens for scripts (created with a label
//! and shown once — only their SHA-256 is stored — listed, revoked).
//!
//! Being logged in is all these need: they act on the user's own account only (each
//! store call is given the user's own id), so no role or scope is involved and the
//! policy (`authz`) has no action for them.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gongkai_store::ApiToken;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::users::{hash, UserView};
use super::{form_body, json_body, path_id, time_text, Flash, ASSETS};
use crate::auth::session::{Auth, PageAuth, Via};
use crate::auth::{password, token};
use crate::error::{AppError, ErrorBody, PageError};
use crate::layout;
use crate::state::AppState;

/// Longest token label, in characters.
const MAX_LABEL_CHARS: usize = 100;

/// An API token as listed: never the token itself.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; absent while the token works.
    pub revoked_at: Option<i64>,
}

impl TokenView {
    pub(crate) fn of(t: &ApiToken) -> TokenView {
        TokenView {
            id: t.id,
            label: t.label.clone(),
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A token just created: `token` is given this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenView,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    /// What the token is for (a script's name).
    pub label: String,
}

/// The user's own account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub user: UserView,
    pub tokens: Vec<TokenView>,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// The new password.
    pub new: String,
}

// --- the operations -----------------------------------------------------------

pub async fn account(state: &AppState, auth: &Auth) -> Result<AccountView, AppError> {
    let id = auth.user.user_id;
    state
        .db
        .run(move |store| {
            let u = store
                .user(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的用户")))?;
            let tokens = store.api_tokens(id)?;
            Ok(AccountView {
                user: UserView::of(&u, store)?,
                tokens: tokens.iter().map(TokenView::of).collect(),
            })
        })
        .await
}

/// Changes the user's own password. A wrong current password counts as a failed login
/// of the account (the same limiter), so a stolen session cannot be used to guess it.
pub async fn change_password(
    state: &AppState,
    auth: &Auth,
    input: PasswordChange,
) -> Result<(), AppError> {
    let keys = vec![format!("user:{}", auth.user.name)];
    if let Err(wait) = state.limiter.check(&keys, Instant::now()) {
        return Err(AppError::TooManyAttempts(wait.as_secs().div_ceil(60)));
    }
    let id = auth.user.user_id;
    let current = input.current;
    let verified = state
        .db
        .run(move |store| {
            let u = store
                .user(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的用户")))?;
            Ok(password::verify(&current, &u.password_hash))
        })
        .await?;
    if !verified {
        state.limiter.failed(&keys, Instant::now());
        return Err(AppError::BadRequest("当前密码不正确".into()));
    }
    password::acceptable(&auth.user.name, &input.new)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let keep = match &auth.via {
        Via::Session { digest, .. } => Some(digest.clone()),
        Via::Token => None,
    };
    let actor = auth.actor();
    let new = input.new;
    state
        .db
        .run(move |store| {
            Ok(store.change_own_password(id, &hash(&new)?, keep.as_deref(), &actor)?)
        })
        .await
}

pub async fn tokens(state: &AppState, auth: &Auth) -> Result<Vec<TokenView>, AppError> {
    let id = auth.user.user_id;
    state
        .db
        .run(move |store| Ok(store.api_tokens(id)?.iter().map(TokenView::of).collect()))
        .await
}

pub async fn create_token(
    state: &AppState,
    auth: &Auth,
    input: NewToken,
) -> Result<CreatedToken, AppError> {
    let label = input.label.trim().to_string();
    if label.is_empty() {
        return Err(AppError::BadRequest(
            "请为令牌写一个标签（例如使用它的脚本名称）".into(),
        ));
    }
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(AppError::BadRequest(format!(
            "标签最长 {MAX_LABEL_CHARS} 个字符，且不能含控制字符"
        )));
    }
    let secret = token::new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let digest = token::digest(&secret);
    let id = auth.user.user_id;
    let actor = auth.actor();
    let created = state
        .db
        .run(move |store| Ok(store.create_api_token(id, &label, &digest, &actor)?))
        .await?;
    Ok(CreatedToken {
        token: secret,
        info: TokenView::of(&created),
    })
}

pub async fn revoke_token(state: &AppState, auth: &Auth, token_id: i64) -> Result<(), AppError> {
    let id = auth.user.user_id;
    let actor = auth.actor();
    state
        .db
        .run(move |store| Ok(store.revoke_api_token(id, token_id, &actor)?))
        .await
}

// --- API ----------------------------------------------------------------------

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_account))
        .routes(routes!(api_change_password))
        .routes(routes!(api_tokens, api_create_token))
        .routes(routes!(api_revoke_token))
}

/// The logged-in user and their API tokens.
#[utoipa::path(get, path = "/api/account", tag = "账户",
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody)))]
async fn api_account(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<AccountView>, AppError> {
    Ok(Json(account(&state, &auth).await?))
}

/// Changes one's own password; every other session of the user ends.
#[utoipa::path(post, path = "/api/account/password", tag = "账户", request_body = PasswordChange,
    responses((status = 200, body = inline(Object), description = "已修改"),
        (status = 400, body = ErrorBody, description = "当前密码不正确，或新密码不可用"),
        (status = 429, body = ErrorBody)))]
async fn api_change_password(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<serde_json::Value>, AppError> {
    change_password(&state, &auth, json_body(&body)?).await?;
    Ok(Json(serde_json::json!({"changed": true})))
}

/// One's own API tokens, newest first (never the tokens themselves).
#[utoipa::path(get, path = "/api/tokens", tag = "账户",
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = ErrorBody)))]
async fn api_tokens(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<TokenView>>, AppError> {
    Ok(Json(tokens(&state, &auth).await?))
}

/// Creates an API token; the token is answered this once.
#[utoipa::path(post, path = "/api/tokens", tag = "账户", request_body = NewToken,
    responses((status = 200, body = CreatedToken), (status = 400, body = ErrorBody)))]
async fn api_create_token(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<CreatedToken>, AppError> {
    Ok(Json(create_token(&state, &auth, json_body(&body)?).await?))
}

/// Revokes one of one's own API tokens.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "账户",
    params(("id" = i64, Path, description = "令牌编号")),
    responses((status = 200, body = inline(Object), description = "已撤销"), (status = 404, body = ErrorBody)))]
async fn api_revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    let id = path_id(&id, "令牌")?;
    revoke_token(&state, &auth, id).await?;
    Ok(Json(serde_json::json!({"revoked": id})))
}

// --- pages --------------------------------------------------------------------

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/account", get(page_account))
        .route("/account/password", post(page_change_password))
        .route("/account/tokens", post(page_create_token))
        .route("/account/tokens/{id}/revoke", post(page_revoke_token))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    label: String,
}

async fn page_account(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
) -> Result<Markup, PageError> {
    Ok(account_page(&state, &auth, None).await?)
}

async fn page_change_password(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    body: Bytes,
) -> Result<Response, PageError> {
    let form: PasswordForm = form_body(&body)?;
    let outcome = if form.new != form.confirm {
        Err(AppError::BadRequest("两次输入的新密码不一致".into()))
    } else {
        change_password(
            &state,
            &auth,
            PasswordChange {
                current: form.current,
                new: form.new,
            },
        )
        .await
    };
    let (status, flash) = match outcome {
        Ok(()) => (
            axum::http::StatusCode::OK,
            Flash::Done("密码已修改；您在其他地方的登录已结束".into()),
        ),
        Err(e) => Flash::from_error(e)?,
    };
    Ok((status, account_page(&state, &auth, Some(flash)).await?).into_response())
}

async fn page_create_token(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    body: Bytes,
) -> Result<Response, PageError> {
    let form: TokenForm = form_body(&body)?;
    let (status, flash) = match create_token(&state, &auth, NewToken { label: form.label }).await {
        Ok(created) => (
            axum::http::StatusCode::OK,
            Flash::Secret {
                message: format!("已创建令牌“{}”：", created.info.label),
                secret: created.token,
            },
        ),
        Err(e) => Flash::from_error(e)?,
    };
    Ok((status, account_page(&state, &auth, Some(flash)).await?).into_response())
}

async fn page_revoke_token(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let id = path_id(&id, "令牌")?;
    revoke_token(&state, &auth, id).await?;
    let flash = Flash::Done(format!("已撤销令牌 {id}"));
    Ok(account_page(&state, &auth, Some(flash)).await?)
}

async fn account_page(
    state: &AppState,
    auth: &Auth,
    flash: Option<Flash>,
) -> Result<Markup, AppError> {
    let a = account(state, auth).await?;
    let u = &a.user;
    let body = html! {
        h1 { "我的账户" }
        @if let Some(f) = &flash { (f.render()) }
        p { "用户名：" (u.name) "；角色：" (u.role_label) "；范围：" (u.scope.label) }
        h2 { "修改密码" }
        @if matches!(auth.via, Via::Session { .. }) {
            form method="post" action="/account/password" {
                input type="hidden" name="_csrf" value=(auth.csrf());
                p { label { "当前密码 " input type="password" name="current" autocomplete="current-password" required; } }
                p { label { "新密码 " input type="password" name="new" autocomplete="new-password" required minlength=(password::MIN_LENGTH); } }
                p { label { "再输入一次 " input type="password" name="confirm" autocomplete="new-password" required minlength=(password::MIN_LENGTH); } }
                p { small { "至少 " (password::MIN_LENGTH) " 个字符。修改后，您在其他浏览器或设备上的登录将结束。" } }
                p { button type="submit" { "修改密码" } }
            }
        }
        h2 { "API 令牌" }
        p {
            "脚本调用 " code { "/api/" } " 时，在请求头中写 " code { "Authorization: Bearer 令牌" } "，权限与您的账户相同。"
            "令牌只在创建时显示一次，服务器只保存其摘要；不再使用时请撤销。"
        }
        form method="post" action="/account/tokens" {
            input type="hidden" name="_csrf" value=(auth.csrf());
            label { "标签 " input type="text" name="label" required maxlength=(MAX_LABEL_CHARS) placeholder="例如：每日导出脚本"; }
            " "
            button type="submit" { "创建令牌" }
        }
        @if a.tokens.is_empty() {
            p { "还没有 API 令牌。" }
        } @else {
            table.list {
                thead { tr { th { "编号" } th { "标签" } th { "创建时间" } th { "状态" } th {} } }
                tbody {
                    @for t in &a.tokens {
                        tr {
                            td { (t.id) }
                            td { (t.label) }
                            td { (time_text(t.created_at)) }
                            td { @match t.revoked_at { Some(at) => { "已撤销（" (time_text(at)) "）" }, None => "有效" } }
                            td {
                                @if t.revoked_at.is_none() {
                                    form.inline method="post" action={ "/account/tokens/" (t.id) "/revoke" } data-confirm="撤销后使用该令牌的脚本将无法访问，确定吗？" {
                                        input type="hidden" name="_csrf" value=(auth.csrf());
                                        button type="submit" { "撤销" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page_with(
        "我的账户",
        &auth.user,
        auth.csrf(),
        &ASSETS,
        body,
    ))
}
