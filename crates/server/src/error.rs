//! Errors as answers: every failure a route can have, with its HTTP status, a stable
//! code for scripts and a Chinese message for people. The API answers JSON
//! (`{"error": {"code", "message"}}`); pages show the same message in the layout.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use gongkai_store::StoreError;

use crate::authz::Denied;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(Denied),
    #[error("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")]
    Csrf,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("上传内容过大：{0}")]
    TooLarge(String),
    #[error("尝试次数过多，请 {0} 分钟后再试")]
    TooManyAttempts(u64),
    #[error("服务器内部错误：{0}")]
    Internal(String),
    #[error("{0}")]
    Store(#[from] gongkai_store::StoreError),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            AppError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            AppError::Store(StoreError::Busy { .. }) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable, for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Forbidden(Denied::Role) => "forbidden_role",
            AppError::Forbidden(Denied::Scope) => "forbidden_scope",
            AppError::Csrf => "csrf",
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyAttempts(_) => "too_many_attempts",
            AppError::Internal(_) => "internal",
            AppError::Store(StoreError::NotFound(_)) => "not_found",
            AppError::Store(StoreError::Conflict(_)) => "conflict",
            AppError::Store(StoreError::Busy { .. }) => "busy",
            AppError::Store(_) => "database",
        }
    }
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> AppError {
        AppError::Forbidden(d)
    }
}

/// The JSON body of an error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        };
        (self.status(), axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes() {
        let cases = [
            (AppError::Unauthenticated, 401, "unauthenticated"),
            (AppError::Forbidden(Denied::Scope), 403, "forbidden_scope"),
            (AppError::Csrf, 403, "csrf"),
            (AppError::TooManyAttempts(15), 429, "too_many_attempts"),
            (
                AppError::NotFound("没有编号为 9 的报告".into()),
                404,
                "not_found",
            ),
        ];
        for (e, status, code) in cases {
            assert_eq!((e.status().as_u16(), e.code()), (status, code), "{e}");
        }
        assert_eq!(
            AppError::TooManyAttempts(15).to_string(),
            "尝试次数过多，请 15 分钟后再试"
        );
    }
}

/// An error on a page: the same error, shown in the page layout (an unauthenticated
/// visitor is sent to the login page instead).
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Unauthenticated) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let status = self.0.status();
        let body = crate::layout::shell(
            "出错了",
            maud::html! {
                main {
                    h1 { "出错了" }
                    p.flash.error { (self.0.to_string()) }
                    p { a href="/reports" { "返回报告列表" } }
                }
            },
        );
        (status, body).into_response()
    }
}
