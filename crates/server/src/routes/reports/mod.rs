//! Reports and findings: the reports list, the report view with its source places, the
//! decisions on findings, and 问题清单 across agencies — each a page and an API route
//! over one data function (the page renders it, the API serialises it).
//!
//! - [`list`]: `/reports`, `GET /api/reports`.
//! - [`view`]: `/reports/{id}`, `GET /api/reports/{id}`.
//! - [`source`]: `/reports/{id}/source`, `/reports/{id}/source/page/{n}` and their API.
//! - [`decide`]: `POST /reports/{id}/findings/{key}/decision`, `POST /api/reports/{id}/decisions`.
//! - [`findings`]: `/findings`, `/findings.csv`, `GET /api/findings`, `GET /api/findings.csv`.

pub mod decide;
pub mod findings;
pub mod list;
pub mod params;
pub mod source;
pub mod view;

use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::layout::Assets;
use crate::state::AppState;

/// The pages' own style sheet and script.
pub const CSS: &str = include_str!("../../../static/reports.css");
pub const JS: &str = include_str!("../../../static/reports.js");

pub fn assets() -> Assets<'static> {
    Assets {
        css: &["/static/reports.css"],
        js: &["/static/reports.js"],
    }
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list::page))
        .route("/reports/{id}", get(view::page))
        .route("/reports/{id}/source", get(source::fragment))
        .route("/reports/{id}/source/page/{n}", get(source::page))
        .route("/reports/{id}/findings/{key}/decision", post(decide::form))
        .route("/findings", get(findings::page))
        .route("/findings.csv", get(findings::csv_page))
        .route("/static/reports.css", super::stylesheet(CSS))
        .route("/static/reports.js", super::script(JS))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::api_list))
        .routes(routes!(view::api_view))
        .routes(routes!(source::api_places))
        .routes(routes!(source::api_page))
        .routes(routes!(decide::api_decide))
        .routes(routes!(findings::api_list))
        .routes(routes!(findings::api_csv))
}

/// Links to the other pages of a list, keeping its filters.
pub fn pager<P: Serialize>(path: &str, p: &P, page: i64, pages: i64) -> Markup {
    let link = |n: i64| -> String {
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&serde_urlencoded::to_string(p).unwrap_or_default())
                .unwrap_or_default();
        pairs.retain(|(k, v)| k != "page" && !v.is_empty());
        pairs.push(("page".into(), n.to_string()));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    html! {
        @if pages > 1 {
            nav.pager {
                @if page > 1 { a rel="prev" href=(link(page - 1)) { "上一页" } " " }
                "第 " (page) " / " (pages) " 页"
                @if page < pages { " " a rel="next" href=(link(page + 1)) { "下一页" } }
            }
        }
    }
}
