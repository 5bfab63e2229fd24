//! Logging in and out, with the login limiter and the audit log.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use maud::Markup;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::session::{self, Auth, PageAuth, Via};
use crate::auth::{password, token};
use crate::error::{AppError, PageError};
use crate::layout;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

pub async fn form(auth: Option<Auth>) -> Response {
    if auth.is_some() {
        return Redirect::to("/reports").into_response();
    }
    layout::login(None).into_response()
}

/// A started session: the cookie's token (given to the browser only) and the CSRF
/// token of its forms.
pub struct Started {
    pub token: String,
    pub csrf: String,
}

/// Checks the credentials (limited per account and per address) and starts a
/// session. Logins, failed ones included, go into the audit log.
pub async fn start_session(
    state: &AppState,
    peer: SocketAddr,
    creds: Credentials,
) -> Result<Started, AppError> {
    let keys = vec![format!("user:{}", creds.name), format!("ip:{}", peer.ip())];
    if let Err(wait) = state.limiter.check(&keys, Instant::now()) {
        return Err(AppError::TooManyAttempts(wait.as_secs().div_ceil(60)));
    }
    let name = creds.name.clone();
    let user = state
        .db
        .run(move |store| Ok(store.user_by_name(&name)?))
        .await?;
    let pw = creds.password;
    // The hash is checked even for an unknown name, so the answer's time says nothing.
    let (user, ok) = tokio::task::spawn_blocking(move || {
        let stored = user
            .as_ref()
            .filter(|u| u.active)
            .map(|u| u.password_hash.clone());
        let ok = password::verify(&pw, stored.as_deref().unwrap_or(password::dummy_hash()))
            && stored.is_some();
        (user, ok)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let ip = peer.ip().to_string();
    let Some(user) = user.filter(|_| ok) else {
        state.limiter.failed(&keys, Instant::now());
        let name = creds.name.clone();
        state
            .db
            .run(move |store| {
                Ok(store.record_audit(
                    &gongkai_store::Actor::system(),
                    "session.login_failed",
                    &format!("user:{name}"),
                    None,
                    Some(&json!({"ip": ip})),
                )?)
            })
            .await?;
        return Err(AppError::BadCredentials);
    };
    state.limiter.succeeded(&keys[0]);
    let started = Started {
        token: token::new_token().map_err(|e| AppError::Internal(e.to_string()))?,
        csrf: token::new_token().map_err(|e| AppError::Internal(e.to_string()))?,
    };
    let digest = token::digest(&started.token);
    let csrf = started.csrf.clone();
    let expires = crate::now() + session::SESSION_SECONDS;
    state
        .db
        .run(move |store| {
            store.end_expired_sessions(crate::now())?;
            store.create_session(&digest, user.id, &csrf, expires)?;
            let actor = gongkai_store::Actor {
                user_id: Some(user.id),
                name: user.name.clone(),
            };
            Ok(store.record_audit(
                &actor,
                "session.login",
                &format!("user:{}", user.id),
                None,
                Some(&json!({"ip": ip})),
            )?)
        })
        .await?;
    Ok(started)
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(creds): Form<Credentials>,
) -> Response {
    match start_session(&state, peer, creds).await {
        Ok(started) => (
            [(
                header::SET_COOKIE,
                session::session_cookie(&started.token, state.secure_cookies),
            )],
            Redirect::to("/reports"),
        )
            .into_response(),
        Err(e @ (AppError::BadCredentials | AppError::TooManyAttempts(_))) => {
            (e.status(), layout::login(Some(&e.to_string()))).into_response()
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionStarted {
    /// Send as `X-CSRF-Token` with every state-changing request of this session.
    pub csrf: String,
}

/// `POST /api/session`: logs in for scripts that keep a cookie (API tokens need none).
pub async fn api_login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(creds): Json<Credentials>,
) -> Result<Response, AppError> {
    let started = start_session(&state, peer, creds).await?;
    Ok((
        [(
            header::SET_COOKIE,
            session::session_cookie(&started.token, state.secure_cookies),
        )],
        Json(SessionStarted { csrf: started.csrf }),
    )
        .into_response())
}

/// Ends the session (a state change: the CSRF check has passed).
pub async fn logout(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
) -> Result<Response, PageError> {
    let actor = auth.actor();
    if let Via::Session { digest, .. } = auth.via {
        state
            .db
            .run(move |store| {
                store.end_session(&digest)?;
                Ok(store.record_audit(
                    &actor,
                    "session.logout",
                    &format!("user:{}", actor.user_id.unwrap_or_default()),
                    None,
                    None,
                )?)
            })
            .await?;
    }
    Ok((
        [(header::SET_COOKIE, session::cleared_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

pub fn login_page(message: Option<&str>) -> Markup {
    layout::login(message)
}
