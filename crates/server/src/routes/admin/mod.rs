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

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
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
        .route("/static/admin.css", get(static_css))
        .route("/static/admin.js", get(static_js))
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

async fn static_css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS)
}

async fn static_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
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

/// Unix seconds as Beijing time (UTC+8, the workspace's users' clock):
/// `2025-01-15 10:23:45`.
pub(crate) fn time_text(ts: i64) -> String {
    let local = ts + BEIJING_OFFSET;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

const BEIJING_OFFSET: i64 = 8 * 3600;

/// The Unix second a Beijing calendar day starts; `None` for text that is not a date.
pub(crate) fn day_start(text: &str) -> Option<i64> {
    let d = gongkai_model::date::Date::parse(text)?;
    Some(days_from_civil(d.year as i64, d.month, d.day) * 86_400 - BEIJING_OFFSET)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

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
    fn beijing_time_and_days() {
        // 2025-01-15 02:23:45 UTC is 10:23:45 in Beijing.
        assert_eq!(time_text(1_736_907_825), "2025-01-15 10:23:45");
        assert_eq!(time_text(0), "1970-01-01 08:00:00");
        // Beijing midnight of 2024-02-29 is 16:00 UTC the day before.
        assert_eq!(day_start("2024-02-29"), Some(1_709_136_000));
        assert_eq!(time_text(1_709_136_000), "2024-02-29 00:00:00");
        assert_eq!(day_start("2024-02-30"), None);
        for days in [-1000, 0, 59, 11_016, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

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
