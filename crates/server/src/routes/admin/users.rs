//! Users (administrators only): the list, a new user with a role and a scope, changes
//! of role, scope and whether they may log in, password resets, and their API tokens.
//!
//! A scope is given as regions (place names at any level or codes, resolved by the
//! gazetteer; a name that fits several units is refused with the candidates), an
//! agency by id (agency staff only), or everywhere. An administrator's scope is
//! everywhere: the policy lets administrators do everything, and a region would only
//! pretend otherwise. The last active administrator can be neither demoted nor
//! deactivated (409, checked by the store in the change's transaction).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gongkai_store::{Store, User};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::account::TokenView;
use super::{form_body, json_body, path_id, region_code, time_text, Flash, RegionRef, ASSETS};
use crate::auth::session::{Auth, PageAuth};
use crate::auth::{password, token};
use crate::authz::{Action, Role, Scope, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::layout;
use crate::state::AppState;

/// Longest user name, in characters.
const MAX_NAME_CHARS: usize = 64;

/// A user as the pages and the API show them (never the password hash).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    /// `admin`, `reviewer`, `agency_staff` or `viewer`.
    #[schema(value_type = String, example = "reviewer")]
    pub role: Role,
    /// The role in Chinese.
    pub role_label: &'static str,
    pub scope: ScopeView,
    /// Whether they may log in (and their API tokens work).
    pub active: bool,
    /// Unix seconds.
    pub created_at: i64,
}

/// Where a user may act.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ScopeView {
    /// `everywhere`, `regions` or `agency`.
    pub kind: &'static str,
    /// For `regions`: the units, each with everything below it.
    pub regions: Vec<RegionRef>,
    /// For `agency`: the agency's id.
    pub agency_id: Option<i64>,
    /// For `agency`: its name (absent if the agency is no longer in the corpus).
    pub agency_name: Option<String>,
    /// In Chinese, for people.
    pub label: String,
}

impl ScopeView {
    fn of(scope: &Scope, store: &mut Store) -> Result<ScopeView, AppError> {
        Ok(match scope {
            Scope::Everywhere => ScopeView {
                kind: "everywhere",
                regions: Vec::new(),
                agency_id: None,
                agency_name: None,
                label: "全部".to_string(),
            },
            Scope::Regions(codes) => {
                let regions: Vec<RegionRef> = codes.iter().map(|c| RegionRef::of(c)).collect();
                let label = regions
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、");
                ScopeView {
                    kind: "regions",
                    regions,
                    agency_id: None,
                    agency_name: None,
                    label,
                }
            }
            Scope::Agency(id) => {
                let name = store.agency_by_id(*id)?.map(|a| a.info.name);
                let label = match &name {
                    Some(n) => format!("机关：{n}"),
                    None => format!("机关：编号 {id}（语料库中已没有）"),
                };
                ScopeView {
                    kind: "agency",
                    regions: Vec::new(),
                    agency_id: Some(*id),
                    agency_name: name,
                    label,
                }
            }
        })
    }
}

impl UserView {
    pub(crate) fn of(u: &User, store: &mut Store) -> Result<UserView, AppError> {
        Ok(UserView {
            id: u.id,
            name: u.name.clone(),
            role: u.role,
            role_label: u.role.label(),
            scope: ScopeView::of(&u.scope, store)?,
            active: u.active,
            created_at: u.created_at,
        })
    }
}

/// A scope as given: `{"kind": "regions", "regions": ["新乡市", "130534"]}`,
/// `{"kind": "agency", "agency_id": 12}`, `{"kind": "everywhere"}`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ScopeInput {
    /// `everywhere`, `regions` or `agency`.
    pub kind: String,
    /// Place names (at any level) or codes.
    #[serde(default)]
    pub regions: Vec<String>,
    pub agency_id: Option<i64>,
}

/// A new user.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub name: String,
    #[schema(value_type = String, example = "reviewer")]
    pub role: Role,
    pub scope: ScopeInput,
    /// The initial password; absent or empty: one is generated and answered once.
    pub password: Option<String>,
}

/// A change of a user; what is absent stays as it is.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct UserChange {
    #[schema(value_type = Option<String>, example = "viewer")]
    pub role: Option<Role>,
    pub scope: Option<ScopeInput>,
    pub active: Option<bool>,
}

/// A password reset: the new password, or absent to have one generated.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PasswordReset {
    pub password: Option<String>,
}

/// A user just created.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// The generated password, given this once; absent when one was chosen.
    pub password: Option<String>,
}

/// A password just reset.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasswordWasReset {
    pub user_id: i64,
    /// The generated password, given this once; absent when one was chosen.
    pub password: Option<String>,
}

/// A user with their API tokens.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserDetail {
    pub user: UserView,
    pub tokens: Vec<TokenView>,
}

/// The scope a role may have, from what was given.
fn resolve_scope(store: &mut Store, role: Role, input: &ScopeInput) -> Result<Scope, AppError> {
    let scope = match input.kind.trim() {
        "everywhere" | "" => Scope::Everywhere,
        "regions" => {
            let mut codes: Vec<String> = Vec::new();
            let mut problems = Vec::new();
            for r in input
                .regions
                .iter()
                .map(|r| r.trim())
                .filter(|r| !r.is_empty())
            {
                match region_code(r) {
                    Ok(code) if !codes.contains(&code) => codes.push(code),
                    Ok(_) => {}
                    Err(e) => problems.push(e.to_string()),
                }
            }
            if !problems.is_empty() {
                return Err(AppError::BadRequest(problems.join("\n")));
            }
            if codes.is_empty() {
                return Err(AppError::BadRequest(
                    "请给出至少一个地区（地名或区划代码）".into(),
                ));
            }
            Scope::Regions(codes)
        }
        "agency" => {
            let id = input
                .agency_id
                .ok_or_else(|| AppError::BadRequest("请给出所属机关的编号".into()))?;
            // The role first: an agency that exists does not make a reviewer staff.
            check_scope(role, &Scope::Agency(id))?;
            if store.agency_by_id(id)?.is_none() {
                return Err(AppError::BadRequest(format!(
                    "没有编号为 {id} 的机关（见“机关定位”页的全部机关）"
                )));
            }
            Scope::Agency(id)
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "范围“{other}”不是 everywhere、regions、agency 之一"
            )))
        }
    };
    check_scope(role, &scope)?;
    Ok(scope)
}

/// Which scopes go with which role.
fn check_scope(role: Role, scope: &Scope) -> Result<(), AppError> {
    match (role, scope) {
        (Role::Admin, Scope::Everywhere) => Ok(()),
        (Role::Admin, _) => Err(AppError::BadRequest("管理员的范围只能是全部".into())),
        (Role::AgencyStaff, Scope::Agency(_)) => Ok(()),
        (Role::AgencyStaff, _) => Err(AppError::BadRequest(
            "机关人员须指定所属机关（范围选“所属机关”并给出机关编号）".into(),
        )),
        (_, Scope::Agency(_)) => Err(AppError::BadRequest(
            "只有机关人员属于某个机关；审核人员和只读用户的范围是地区或全部".into(),
        )),
        _ => Ok(()),
    }
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("请填写用户名".into()));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::BadRequest(format!(
            "用户名最长 {MAX_NAME_CHARS} 个字符"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::BadRequest("用户名不能含控制字符".into()));
    }
    Ok(name.to_string())
}

/// The password to set and whether it was generated (to be shown once): the one
/// given if acceptable, else a new one.
pub(crate) fn chosen_password(name: &str, given: Option<&str>) -> Result<(String, bool), AppError> {
    match given.filter(|p| !p.is_empty()) {
        Some(p) => {
            password::acceptable(name, p).map_err(|e| AppError::BadRequest(e.to_string()))?;
            Ok((p.to_string(), false))
        }
        None => token::new_password()
            .map(|p| (p, true))
            .map_err(|e| AppError::Internal(e.to_string())),
    }
}

pub(crate) fn hash(pw: &str) -> Result<String, AppError> {
    password::hash(pw).map_err(|e| AppError::Internal(e.to_string()))
}

// --- the operations, shared by pages and API ---------------------------------

pub async fn list(state: &AppState, auth: &Auth) -> Result<Vec<UserView>, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    state
        .db
        .run(|store| {
            let users = store.users()?;
            users.iter().map(|u| UserView::of(u, store)).collect()
        })
        .await
}

pub async fn detail(state: &AppState, auth: &Auth, id: i64) -> Result<UserDetail, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    state
        .db
        .run(move |store| {
            let u = store
                .user(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的用户")))?;
            let tokens = store.api_tokens(id)?;
            Ok(UserDetail {
                user: UserView::of(&u, store)?,
                tokens: tokens.iter().map(TokenView::of).collect(),
            })
        })
        .await
}

pub async fn create(
    state: &AppState,
    auth: &Auth,
    input: NewUser,
) -> Result<CreatedUser, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let name = check_name(&input.name)?;
    let (pw, generated) = chosen_password(&name, input.password.as_deref())?;
    let actor = auth.actor();
    state
        .db
        .run(move |store| {
            let scope = resolve_scope(store, input.role, &input.scope)?;
            let user = store.create_user(&name, &hash(&pw)?, input.role, &scope, &actor)?;
            Ok(CreatedUser {
                user: UserView::of(&user, store)?,
                password: generated.then_some(pw),
            })
        })
        .await
}

pub async fn update(
    state: &AppState,
    auth: &Auth,
    id: i64,
    change: UserChange,
) -> Result<UserView, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let actor = auth.actor();
    state
        .db
        .run(move |store| {
            let user = store
                .user(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的用户")))?;
            let role = change.role.unwrap_or(user.role);
            let scope = match &change.scope {
                Some(s) => resolve_scope(store, role, s)?,
                None => {
                    check_scope(role, &user.scope)?;
                    user.scope.clone()
                }
            };
            let active = change.active.unwrap_or(user.active);
            let after = store.update_user(id, role, &scope, active, &actor)?;
            UserView::of(&after, store)
        })
        .await
}

pub async fn reset_password(
    state: &AppState,
    auth: &Auth,
    id: i64,
    input: PasswordReset,
) -> Result<PasswordWasReset, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let actor = auth.actor();
    state
        .db
        .run(move |store| {
            let user = store
                .user(id)?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的用户")))?;
            let (pw, generated) = chosen_password(&user.name, input.password.as_deref())?;
            store.set_password(id, &hash(&pw)?, &actor)?;
            Ok(PasswordWasReset {
                user_id: id,
                password: generated.then_some(pw),
            })
        })
        .await
}

/// Revokes another user's API token.
pub async fn revoke_token(
    state: &AppState,
    auth: &Auth,
    user_id: i64,
    token_id: i64,
) -> Result<(), AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let actor = auth.actor();
    state
        .db
        .run(move |store| Ok(store.revoke_api_token(user_id, token_id, &actor)?))
        .await
}

// --- API ----------------------------------------------------------------------

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_detail, api_update))
        .routes(routes!(api_reset_password))
        .routes(routes!(api_revoke_token))
}

const FORBIDDEN: &str = "当前角色无权管理用户（forbidden_role）";

/// Every user.
#[utoipa::path(get, path = "/api/users", tag = "用户",
    responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody, description = FORBIDDEN)))]
async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<UserView>>, AppError> {
    Ok(Json(list(&state, &auth).await?))
}

/// Creates a user; a generated password is answered once.
#[utoipa::path(post, path = "/api/users", tag = "用户", request_body = NewUser,
    responses((status = 200, body = CreatedUser), (status = 400, body = ErrorBody, description = "用户名、密码或范围不可用（有歧义的地名列出候选）"),
        (status = 403, body = ErrorBody, description = FORBIDDEN), (status = 409, body = ErrorBody, description = "用户名已被使用")))]
async fn api_create(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<CreatedUser>, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    Ok(Json(create(&state, &auth, json_body(&body)?).await?))
}

/// A user and their API tokens.
#[utoipa::path(get, path = "/api/users/{id}", tag = "用户", params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = UserDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn api_detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<UserDetail>, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    Ok(Json(detail(&state, &auth, path_id(&id, "用户")?).await?))
}

/// Changes a user's role, scope or whether they may log in (deactivating ends their
/// sessions).
#[utoipa::path(patch, path = "/api/users/{id}", tag = "用户", request_body = UserChange,
    params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "最后一位启用的管理员不能停用或降级")))]
async fn api_update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<UserView>, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let id = path_id(&id, "用户")?;
    Ok(Json(update(&state, &auth, id, json_body(&body)?).await?))
}

/// Resets a user's password (ending their sessions); a generated one is answered once.
#[utoipa::path(post, path = "/api/users/{id}/password", tag = "用户", request_body = PasswordReset,
    params(("id" = i64, Path, description = "用户编号")),
    responses((status = 200, body = PasswordWasReset), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn api_reset_password(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<PasswordWasReset>, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let id = path_id(&id, "用户")?;
    let input = if body.is_empty() {
        PasswordReset::default()
    } else {
        json_body(&body)?
    };
    Ok(Json(reset_password(&state, &auth, id, input).await?))
}

/// Revokes one of a user's API tokens.
#[utoipa::path(delete, path = "/api/users/{id}/tokens/{token_id}", tag = "用户",
    params(("id" = i64, Path, description = "用户编号"), ("token_id" = i64, Path, description = "令牌编号")),
    responses((status = 200, body = inline(Object), description = "已撤销"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn api_revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, token_id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, AppError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let (id, token_id) = (path_id(&id, "用户")?, path_id(&token_id, "令牌")?);
    revoke_token(&state, &auth, id, token_id).await?;
    Ok(Json(serde_json::json!({"revoked": token_id})))
}

// --- pages --------------------------------------------------------------------

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(page_list).post(page_create))
        .route("/admin/users/{id}", get(page_detail).post(page_update))
        .route("/admin/users/{id}/password", post(page_reset_password))
        .route(
            "/admin/users/{id}/tokens/{token_id}/revoke",
            post(page_revoke_token),
        )
}

/// The fields of the user forms.
#[derive(Clone, Debug, Default, Deserialize)]
struct UserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope_kind: String,
    #[serde(default)]
    regions: String,
    #[serde(default)]
    agency_id: String,
    #[serde(default)]
    password: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
}

impl UserForm {
    /// The new-user form: a reviewer, the role most users have.
    fn blank() -> UserForm {
        UserForm {
            role: Role::Reviewer.key().to_string(),
            ..UserForm::default()
        }
    }

    fn role(&self) -> Result<Role, AppError> {
        Role::from_key(self.role.trim()).ok_or_else(|| AppError::BadRequest("请选择角色".into()))
    }

    fn scope(&self) -> Result<ScopeInput, AppError> {
        let agency_id = match self.agency_id.trim() {
            "" => None,
            t => Some(
                t.parse()
                    .map_err(|_| AppError::BadRequest(format!("机关编号“{t}”不是数字")))?,
            ),
        };
        Ok(ScopeInput {
            kind: self.scope_kind.clone(),
            // Written as people write lists: commas (either width), 、, spaces, lines.
            regions: self
                .regions
                .split([',', '，', '、', ';', '；', '\n', ' ', '\u{3000}'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            agency_id,
        })
    }

    fn new_user(&self) -> Result<NewUser, AppError> {
        Ok(NewUser {
            name: self.name.clone(),
            role: self.role()?,
            scope: self.scope()?,
            password: Some(self.password.clone()),
        })
    }

    fn change(&self) -> Result<UserChange, AppError> {
        Ok(UserChange {
            role: Some(self.role()?),
            scope: Some(self.scope()?),
            active: Some(self.active.is_some()),
        })
    }
}

async fn page_list(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
) -> Result<Markup, PageError> {
    Ok(list_page(&state, &auth, None, &UserForm::blank()).await?)
}

async fn page_create(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    body: Bytes,
) -> Result<Response, PageError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let form: UserForm = form_body(&body)?;
    let outcome = match form.new_user() {
        Ok(input) => create(&state, &auth, input).await,
        Err(e) => Err(e),
    };
    let (status, flash, kept) = match outcome {
        Ok(created) => {
            let flash = match created.password {
                Some(pw) => Flash::Secret {
                    message: format!("已创建用户“{}”。初始密码：", created.user.name),
                    secret: pw,
                },
                None => Flash::Done(format!("已创建用户“{}”", created.user.name)),
            };
            (axum::http::StatusCode::OK, flash, UserForm::blank())
        }
        Err(e) => {
            let (status, flash) = Flash::from_error(e)?;
            // The form comes back filled in, without the password.
            (
                status,
                flash,
                UserForm {
                    password: String::new(),
                    ..form
                },
            )
        }
    };
    Ok((status, list_page(&state, &auth, Some(flash), &kept).await?).into_response())
}

async fn page_detail(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    Ok(detail_page(&state, &auth, path_id(&id, "用户")?, None, None).await?)
}

async fn page_update(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let id = path_id(&id, "用户")?;
    let form: UserForm = form_body(&body)?;
    let outcome = match form.change() {
        Ok(change) => update(&state, &auth, id, change).await,
        Err(e) => Err(e),
    };
    let (status, flash, typed) = match outcome {
        Ok(u) => (
            axum::http::StatusCode::OK,
            Flash::Done(format!("已保存“{}”的角色、范围和状态", u.name)),
            None,
        ),
        Err(e) => {
            let (status, flash) = Flash::from_error(e)?;
            // The form comes back as typed, so the mistake can be corrected.
            (status, flash, Some(form))
        }
    };
    let page = detail_page(&state, &auth, id, Some(flash), typed.as_ref()).await?;
    Ok((status, page).into_response())
}

async fn page_reset_password(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let id = path_id(&id, "用户")?;
    let form: UserForm = form_body(&body)?;
    let input = PasswordReset {
        password: Some(form.password),
    };
    let (status, flash) = match reset_password(&state, &auth, id, input).await {
        Ok(PasswordWasReset {
            password: Some(pw), ..
        }) => (
            axum::http::StatusCode::OK,
            Flash::Secret {
                message: "已重设密码，其所有会话已结束。新密码：".into(),
                secret: pw,
            },
        ),
        Ok(_) => (
            axum::http::StatusCode::OK,
            Flash::Done("已重设密码，其所有会话已结束".into()),
        ),
        Err(e) => Flash::from_error(e)?,
    };
    Ok((
        status,
        detail_page(&state, &auth, id, Some(flash), None).await?,
    )
        .into_response())
}

async fn page_revoke_token(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, token_id)): Path<(String, String)>,
) -> Result<Markup, PageError> {
    auth.may(Action::ManageUsers, Target::Anything)?;
    let (id, token_id) = (path_id(&id, "用户")?, path_id(&token_id, "令牌")?);
    revoke_token(&state, &auth, id, token_id).await?;
    let flash = Flash::Done(format!("已撤销令牌 {token_id}"));
    Ok(detail_page(&state, &auth, id, Some(flash), None).await?)
}

fn role_options(selected: &str) -> Markup {
    html! {
        @for r in Role::ALL {
            option value=(r.key()) selected[r.key() == selected] { (r.label()) }
        }
    }
}

/// The role and scope fields, filled with `form`.
fn scope_fields(form: &UserForm) -> Markup {
    let kind = if form.scope_kind.is_empty() {
        "everywhere"
    } else {
        form.scope_kind.as_str()
    };
    html! {
        p { label { "角色 " select name="role" data-role-select { (role_options(&form.role)) } } }
        fieldset.scope {
            legend { "范围" }
            p {
                label { input type="radio" name="scope_kind" value="everywhere" checked[kind == "everywhere"]; " 全部" }
                " "
                label { input type="radio" name="scope_kind" value="regions" checked[kind == "regions"]; " 指定地区" }
                " "
                label { input type="radio" name="scope_kind" value="agency" checked[kind == "agency"]; " 所属机关（机关人员）" }
            }
            p data-scope="regions" {
                label { "地区 " input type="text" name="regions" value=(form.regions) size="40"
                    placeholder="地名或区划代码，多个用逗号分隔，如：新乡市, 130534"; }
                br;
                small { "包括其下所有地区。同名的地方（如“鼓楼区”）请写明上级（南京市鼓楼区）或用区划代码。" }
            }
            p data-scope="agency" {
                label { "机关编号 " input type="text" inputmode="numeric" name="agency_id" value=(form.agency_id) size="8"; }
                " "
                small { a href="/admin/agencies?status=all" { "查找机关编号" } }
            }
        }
    }
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    flash: Option<Flash>,
    form: &UserForm,
) -> Result<Markup, AppError> {
    let users = list(state, auth).await?;
    let body = html! {
        h1 { "用户" }
        @if let Some(f) = &flash { (f.render()) }
        table.list {
            thead { tr { th { "用户名" } th { "角色" } th { "范围" } th { "状态" } th { "创建时间" } th {} } }
            tbody {
                @for u in &users {
                    tr.inactive[!u.active] {
                        td { (u.name) }
                        td { (u.role_label) }
                        td { (u.scope.label) }
                        td { @if u.active { "启用" } @else { "已停用" } }
                        td { (time_text(u.created_at)) }
                        td { a href={ "/admin/users/" (u.id) } { "修改" } }
                    }
                }
            }
        }
        h2 { "新建用户" }
        form.user method="post" action="/admin/users" {
            input type="hidden" name="_csrf" value=(auth.csrf());
            p { label { "用户名 " input type="text" name="name" value=(form.name) required maxlength=(MAX_NAME_CHARS) autocomplete="off"; } }
            (scope_fields(form))
            p {
                label { "初始密码 " input type="password" name="password" autocomplete="new-password"; }
                " " small { "留空则自动生成（只显示一次）；自定义密码至少 " (password::MIN_LENGTH) " 个字符" }
            }
            p { button type="submit" { "创建" } }
        }
        p { a href="/admin/audit?action=user" { "查看用户变更记录" } }
    };
    Ok(layout::page_with(
        "用户",
        &auth.user,
        auth.csrf(),
        &ASSETS,
        body,
    ))
}

async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    flash: Option<Flash>,
    typed: Option<&UserForm>,
) -> Result<Markup, AppError> {
    let d = detail(state, auth, id).await?;
    let u = &d.user;
    let stored = UserForm {
        role: u.role.key().to_string(),
        scope_kind: u.scope.kind.to_string(),
        regions: u
            .scope
            .regions
            .iter()
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        agency_id: u.scope.agency_id.map(|i| i.to_string()).unwrap_or_default(),
        active: u.active.then(|| "on".to_string()),
        ..UserForm::default()
    };
    let form = typed.unwrap_or(&stored);
    let is_self = u.id == auth.user.user_id;
    let body = html! {
        p { a href="/admin/users" { "← 全部用户" } }
        h1 { "用户：" (u.name) }
        @if let Some(f) = &flash { (f.render()) }
        p {
            (u.role_label) "；范围：" (u.scope.label) "；"
            @if u.active { "启用" } @else { "已停用" }
            "；创建于 " (time_text(u.created_at))
        }
        h2 { "角色、范围和状态" }
        form.user method="post" action={ "/admin/users/" (u.id) } {
            input type="hidden" name="_csrf" value=(auth.csrf());
            (scope_fields(form))
            p {
                label { input type="checkbox" name="active" value="on" checked[form.active.is_some()]; " 启用（停用后不能登录，其会话立即结束，API 令牌失效）" }
            }
            @if is_self { p.note { "这是您自己的账户。最后一位启用的管理员不能停用自己或改为其他角色。" } }
            p { button type="submit" { "保存" } }
        }
        h2 { "重设密码" }
        form method="post" action={ "/admin/users/" (u.id) "/password" } data-confirm="重设密码会结束该用户的所有会话，确定吗？" {
            input type="hidden" name="_csrf" value=(auth.csrf());
            p {
                label { "新密码 " input type="password" name="password" autocomplete="new-password"; }
                " " small { "留空则自动生成（只显示一次）" }
            }
            p { button type="submit" { "重设密码" } }
        }
        h2 { "API 令牌" }
        @if d.tokens.is_empty() {
            p { "没有 API 令牌。" }
        } @else {
            table.list {
                thead { tr { th { "编号" } th { "标签" } th { "创建时间" } th { "状态" } th {} } }
                tbody {
                    @for t in &d.tokens {
                        tr {
                            td { (t.id) }
                            td { (t.label) }
                            td { (time_text(t.created_at)) }
                            td { @match t.revoked_at { Some(at) => { "已撤销（" (time_text(at)) "）" }, None => "有效" } }
                            td {
                                @if t.revoked_at.is_none() {
                                    form.inline method="post" action={ "/admin/users/" (u.id) "/tokens/" (t.id) "/revoke" } data-confirm="撤销后使用该令牌的脚本将无法访问，确定吗？" {
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
        p {
            a href={ "/admin/audit?target=user:" (u.id) } { "对该用户的变更记录" }
            " · "
            a href={ "/admin/audit?user=" (urlencode(&u.name)) } { "该用户的操作记录" }
        }
    };
    Ok(layout::page_with(
        &format!("用户：{}", u.name),
        &auth.user,
        auth.csrf(),
        &ASSETS,
        body,
    ))
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q[1..].to_string())
        .unwrap_or_default()
}
