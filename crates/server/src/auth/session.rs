//! Who is asking: the session cookie or an API token, checked once per request by
//! [`authenticate`], which also refuses a state-changing request from a session that
//! does not carry the session's CSRF token. Handlers take [`Auth`] as an extractor; a
//! route without it is public.

use axum::body::Body;
use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongkai_store::User;

use crate::auth::token;
use crate::authz::{authorize, Action, Principal, Target};
use crate::error::AppError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "gongkai_session";
/// A session lasts a working day.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The header a script sends the CSRF token in; forms send it as the field `_csrf`.
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";
/// The largest form body the CSRF check reads to find the token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// How the request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A login session (a browser): state changes need the CSRF token.
    Session { digest: String, csrf: String },
    /// An API token in `Authorization: Bearer …` (a script): no cookie, so no CSRF.
    Token,
}

/// The authenticated user of a request.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user: Principal,
    pub via: Via,
}

impl Auth {
    /// The CSRF token pages put in their forms (empty for API tokens).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token => "",
        }
    }

    /// The policy's answer for this user ([`authorize`]).
    pub fn may(&self, action: Action, target: Target<'_>) -> Result<(), AppError> {
        authorize(&self.user, action, target).map_err(AppError::Forbidden)
    }

    /// Whether the policy allows, for lists that leave out what is not.
    pub fn allows(&self, action: Action, target: Target<'_>) -> bool {
        authorize(&self.user, action, target).is_ok()
    }

    pub fn actor(&self) -> gongkai_store::Actor {
        gongkai_store::Actor {
            user_id: Some(self.user.user_id),
            name: self.user.name.clone(),
        }
    }
}

impl From<User> for Principal {
    fn from(u: User) -> Principal {
        Principal {
            user_id: u.id,
            name: u.name,
            role: u.role,
            scope: u.scope,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Auth, AppError> {
        parts
            .extensions
            .get::<Auth>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Auth {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> Result<Option<Auth>, std::convert::Infallible> {
        Ok(parts.extensions.get::<Auth>().cloned())
    }
}

/// [`Auth`] for a page: an unauthenticated visitor is sent to the login page instead of
/// answered with JSON.
#[derive(Clone, Debug)]
pub struct PageAuth(pub Auth);

impl<S: Send + Sync> FromRequestParts<S> for PageAuth {
    type Rejection = crate::error::PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<PageAuth, crate::error::PageError> {
        <Auth as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(PageAuth)
            .map_err(crate::error::PageError)
    }
}

/// The session token in the request's cookies.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Finds the request's user (if any) and, for a state-changing request from a browser
/// session, checks the CSRF token. Runs before every route.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match authenticated(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn authenticated(state: &AppState, mut req: Request) -> Result<Request, AppError> {
    let auth = if let Some(t) = bearer(req.headers()) {
        let digest = token::digest(t);
        let user = state
            .db
            .run(move |store| Ok(store.api_token_user(&digest)?))
            .await?;
        // A wrong token is an error, not an anonymous request: a script must know.
        let user = user.ok_or(AppError::Unauthenticated)?;
        Some(Auth {
            user: user.into(),
            via: Via::Token,
        })
    } else if let Some(t) = session_token(req.headers()) {
        let digest = token::digest(t);
        let at = crate::now();
        let found = {
            let digest = digest.clone();
            state
                .db
                .run(move |store| Ok(store.session(&digest, at)?))
                .await?
        };
        found.map(|(user, csrf)| Auth {
            user: user.into(),
            via: Via::Session { digest, csrf },
        })
    } else {
        None
    };
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if let Some(Auth {
        via: Via::Session { csrf, .. },
        ..
    }) = &auth
    {
        if changes_state {
            req = check_csrf(req, csrf).await?;
        }
    }
    if let Some(auth) = auth {
        req.extensions_mut().insert(auth);
    }
    Ok(req)
}

/// The token from the header, or from a form body's `_csrf` field (the body is read
/// and put back).
async fn check_csrf(req: Request, expected: &str) -> Result<Request, AppError> {
    if let Some(sent) = req.headers().get(CSRF_HEADER) {
        let ok = sent.to_str().is_ok_and(|s| token::same(s, expected));
        return if ok { Ok(req) } else { Err(AppError::Csrf) };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::TooLarge("表单超过 1 MB".into()))?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| AppError::BadRequest(format!("表单无法解析：{e}")))?;
    let sent = fields.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v);
    match sent {
        Some(s) if token::same(s, expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(AppError::Csrf),
    }
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends the session in the browser.
pub fn cleared_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}
