//! Administration, and every user's own account.
//!
//! - [`users`]: `/admin/users` — accounts, roles, scopes, password resets
//!   (administrators: [`Action::ManageUsers`](crate::authz::Action::ManageUsers)).
//! - [`account`]: `/account` — one's own password and API tokens (every role).
//! - [`audit`]: `/admin/audit` — the audit log, filtered, paged and exported
//!   ([`Action::ReadAudit`](crate::authz::Action::ReadAudit)).
//! - [`agencies`]: `/admin/agencies` — agencies whose place is ambiguous or unknown,
//!   placed by hand or by a mapping file
//!   ([`Action::ManageMapping`](crate::authz::Action::ManageMapping)).
//!
//! Each operation is one function returning typed data; the page renders it and the
//! API (`/api/users`, `/api/tokens`, `/api/account`, `/api/audit`, `/api/agencies`)
//! serialises it. Request bodies are read as bytes and decoded after the policy has
//! been asked, so a role that may not act gets 403 whatever it sent, and a malformed
//! body gets the API's JSON error rather than the framework's plain text.

pub mod account;
pub mod agencies;
pub mod audit;
pub mod users;

use axum::Router;
use maud::{html, Markup};
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;

use crate::error::AppError;
use crate::layout::Assets;
use crate::state::AppState;

const CSS: &str = include_str!("../../../static/admin.css");
const JS: &str = include_str!("../../../static/admin.js");

/// The stylesheet and script of every page here.
pub(crate) const ASSETS: Assets<'static> = Assets {
    css: &["/static/admin.css"],
    js: &["/static/admin.js"],
};

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/static/admin.css", super::stylesheet(CSS))
        .route("/static/admin.js", super::script(JS))
        .merge(users::pages())
        .merge(account::pages())
        .merge(audit::pages())
        .merge(agencies::pages())
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(users::api())
        .merge(account::api())
        .merge(audit::api())
        .merge(agencies::api())
}

/// A JSON request body.
pub(crate) fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("请求内容不是所需的 JSON：{e}")))
}

/// A form body (`application/x-www-form-urlencoded`); the `_csrf` field is ignored.
pub(crate) fn form_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_urlencoded::from_bytes(bytes)
        .map_err(|e| AppError::BadRequest(format!("表单无法解析：{e}")))
}

/// An id in a path; anything else is a page that does not exist.
pub(crate) fn path_id(text: &str, what: &str) -> Result<i64, AppError> {
    text.parse()
        .map_err(|_| AppError::NotFound(format!("没有编号为“{text}”的{what}")))
}

/// What a page shows above its content after an action.
pub(crate) enum Flash {
    Done(String),
    Failed(String),
    /// A password or token shown this once and never again.
    Secret {
        message: String,
        secret: String,
    },
}

impl Flash {
    /// Errors a person can correct (bad input, a name taken, the last administrator)
    /// are shown on the page they came from; any other error is the error page.
    pub(crate) fn from_error(e: AppError) -> Result<(axum::http::StatusCode, Flash), AppError> {
        use gongkai_store::StoreError;
        match e {
            AppError::BadRequest(_)
            | AppError::Conflict(_)
            | AppError::Store(StoreError::Conflict(_)) => {
                Ok((e.status(), Flash::Failed(e.to_string())))
            }
            e => Err(e),
        }
    }

    pub(crate) fn render(&self) -> Markup {
        html! {
            @match self {
                Flash::Done(m) => p.flash role="status" { (m) },
                Flash::Failed(m) => div.flash.error role="alert" {
                    @for line in m.lines() { p { (line) } }
                },
                Flash::Secret { message, secret } => div.flash.secret role="status" {
                    p { (message) }
                    p {
                        code.secret-value { (secret) }
                        " "
                        button.copy type="button" data-copy=(secret) { "复制" }
                    }
                    p.note { "离开本页后无法再次查看，请现在妥善保存。" }
                },
            }
        }
    }
}

pub(crate) use crate::view::time::{day_start, time_text};

/// A gazetteer unit, by code and full name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegionRef {
    /// The unit's statistical code (`4107`).
    pub code: String,
    /// The unit's path as one name (`河南省新乡市`); the code again if the gazetteer
    /// does not know it.
    pub name: String,
}

impl RegionRef {
    pub(crate) fn of(code: &str) -> RegionRef {
        let name = gongkai_gazetteer::gazetteer()
            .ok()
            .and_then(|g| {
                g.by_code(code)
                    .map(|id| gongkai_gazetteer::region_name(g, id))
            })
            .unwrap_or_else(|| code.to_string());
        RegionRef {
            code: code.to_string(),
            name,
        }
    }
}

/// The code of the unit a region is written as (a place name at any level, or a
/// code); a name that fits several units is refused with the candidates.
pub(crate) fn region_code(text: &str) -> Result<String, AppError> {
    let g = gongkai_gazetteer::gazetteer()
        .map_err(|e| AppError::Internal(format!("无法读取区划数据：{e}")))?;
    gongkai_gazetteer::find_region(g, text)
        .map(|id| g.unit(id).code.to_string())
        .map_err(|why| AppError::BadRequest(format!("地区“{}”无法使用：{why}", text.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_by_name_or_code_and_ambiguity_named() {
        assert_eq!(region_code("新乡市").unwrap(), "4107");
        assert_eq!(region_code("130534").unwrap(), "130534");
        let e = region_code("鼓楼区").unwrap_err().to_string();
        assert!(e.starts_with("地区“鼓楼区”无法使用：“鼓楼区”对应 "), "{e}");
        assert!(e.contains("320106 江苏省南京市鼓楼区"), "{e}");
        assert_eq!(RegionRef::of("4107").name, "河南省新乡市");
    }
}
