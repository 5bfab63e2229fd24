//! (in progress)

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn pages() -> Router<AppState> {
    Router::new()
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
