//! Every route: the pages (HTML, in Chinese) and the REST API under `/api/` (JSON,
//! described at `/api/openapi.json`). Each module keeps the pages and API of one part
//! of the workspace; the API handlers call the same functions as the pages.

pub mod admin;
pub mod corpus;
pub mod ledger;
pub mod login;
pub mod reports;
pub mod upload;

use axum::http::{header, HeaderValue};
use axum::response::Redirect;
use axum::routing::{get, post, MethodRouter};
use axum::{middleware, Json, Router};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::session::authenticate;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai 审核工作台 API",
        description = "政府信息公开工作年度报告的审核工作台：报告、问题、审核结论、覆盖情况、上传、用户与审计日志。\n\n认证：`Authorization: Bearer <API 令牌>`，或登录会话的 Cookie（此时每个修改请求须带 `X-CSRF-Token`）。错误统一为 `{\"error\": {\"code\", \"message\"}}`。"
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail))
)]
struct ApiDoc;

/// The API's routes and their OpenAPI description.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(reports::api())
        .merge(upload::api())
        .merge(corpus::api())
        .merge(admin::api())
        .merge(ledger::api())
        .split_for_parts()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
    let doc = std::sync::Arc::new(doc);
    Router::new()
        .route("/", get(|| async { Redirect::to("/reports") }))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/api/session", post(login::api_login))
        .route("/static/app.css", stylesheet(crate::layout::CSS))
        .route("/static/app.js", script(crate::layout::JS))
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json((*doc).clone()) }
            }),
        )
        .merge(api)
        .merge(reports::pages())
        .merge(upload::pages())
        .merge(corpus::pages())
        .merge(admin::pages())
        .merge(ledger::pages())
        .fallback(|| async {
            crate::error::PageError(crate::error::AppError::NotFound("没有这个页面".into()))
        })
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn(server_timing))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}

/// Says how long the server took over a request (`Server-Timing: app;dur=<ms>`), from
/// authentication to the response's head: a load test can then tell the server's time
/// from time lost outside it (the client, the machine).
async fn server_timing(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let mut response = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.1}")) {
        response.headers_mut().insert("server-timing", v);
    }
    response
}

/// `GET` of a stylesheet embedded in the binary.
pub(crate) fn stylesheet(body: &'static str) -> MethodRouter<AppState> {
    embedded("text/css; charset=utf-8", body)
}

/// `GET` of a script embedded in the binary.
pub(crate) fn script(body: &'static str) -> MethodRouter<AppState> {
    embedded("text/javascript; charset=utf-8", body)
}

fn embedded(content_type: &'static str, body: &'static str) -> MethodRouter<AppState> {
    get(move || async move { ([(header::CONTENT_TYPE, content_type)], body) })
}
