//! The corpus as a whole: coverage by region (agency × year, the region tree, who must
//! report), an agency's history with charts, two reports compared, a region
//! consolidated, metrics and rankings, the rule catalogue and the downloads.
//!
//! Each part has one function that computes its data (a typed struct) for a user; its
//! page renders that struct and its API route serialises it, so the two can never
//! disagree. Every read asks the access policy: a report, agency or region out of the
//! user's scope is refused when named and left out of every list, ranking and export.

pub mod agency;
pub mod compare;
pub mod consolidate;
pub mod coverage;
pub mod exports;
pub mod metrics;
pub mod rules;

use axum::routing::get;
use axum::Router;
use gongkai_gazetteer::{Gazetteer, UnitId};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::layout::Assets;
use crate::state::AppState;

/// This part's stylesheet and script, embedded like the shared ones.
pub const CSS: &str = include_str!("../../../static/corpus.css");
pub const JS: &str = include_str!("../../../static/corpus.js");

/// The assets of every page of this part.
pub const ASSETS: Assets<'static> = Assets {
    css: &["/static/corpus.css"],
    js: &["/static/corpus.js"],
};

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/coverage", get(coverage::page))
        .route("/agencies/{id}", get(agency::page))
        .route("/compare", get(compare::page))
        .route("/consolidate", get(consolidate::page))
        .route("/metrics", get(metrics::page))
        .route("/rules", get(rules::page))
        .route("/exports", get(exports::page))
        .route("/static/corpus.css", super::stylesheet(CSS))
        .route("/static/corpus.js", super::script(JS))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(coverage::api))
        .routes(routes!(agency::api))
        .routes(routes!(compare::api))
        .routes(routes!(consolidate::api))
        .routes(routes!(metrics::api))
        .routes(routes!(rules::api))
        .routes(routes!(exports::api))
}

/// The links between this part's pages.
const SECTIONS: [(&str, &str); 6] = [
    ("/coverage", "覆盖情况"),
    ("/metrics", "指标和排名"),
    ("/compare", "比较"),
    ("/consolidate", "合计"),
    ("/rules", "规则"),
    ("/exports", "导出"),
];

/// A page of this part: the layout with this part's assets and links.
pub(crate) fn page(
    title: &str,
    auth: &crate::auth::session::Auth,
    at: &str,
    body: maud::Markup,
) -> maud::Markup {
    crate::layout::page_with(
        title,
        &auth.user,
        auth.csrf(),
        &ASSETS,
        maud::html! {
            nav.corpus.no-print {
                @for (href, label) in SECTIONS {
                    @if href == at { strong { (label) } } @else { a href=(href) { (label) } }
                }
            }
            (body)
        },
    )
}

/// The embedded gazetteer.
pub(crate) fn gazetteer() -> Result<&'static Gazetteer, AppError> {
    gongkai_gazetteer::gazetteer().map_err(|e| AppError::Internal(format!("无法读取区划数据：{e}")))
}

/// A division unit as pages and the API name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegionRef {
    /// Its statistical code (4107 is 新乡市).
    pub code: String,
    pub name: String,
    /// From the province down, as one name (河南省新乡市).
    pub path: String,
}

impl RegionRef {
    pub fn of(g: &Gazetteer, id: UnitId) -> RegionRef {
        RegionRef {
            code: g.unit(id).code.to_string(),
            name: g.unit(id).name.to_string(),
            path: gongkai_gazetteer::region_name(g, id),
        }
    }
}

/// The unit a `region` parameter names (a code, or a place name written whole); an
/// empty parameter is none.
pub(crate) fn region_param(region: Option<&str>) -> Result<Option<UnitId>, AppError> {
    let Some(q) = region.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    let g = gazetteer()?;
    gongkai_gazetteer::find_region(g, q)
        .map(Some)
        .map_err(|why| AppError::BadRequest(format!("地区：{why}")))
}

/// A whole-number parameter; empty is none, anything else not a number is an error
/// naming the parameter.
pub(crate) fn number_param<T: std::str::FromStr>(
    label: &str,
    value: Option<&str>,
) -> Result<Option<T>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .trim_start_matches('#')
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("{label}应为整数：“{v}”"))),
    }
}

/// A level parameter (省/市/县/区/乡镇/街道/部门); empty is none.
pub(crate) fn level_param(
    value: Option<&str>,
) -> Result<Option<gongkai_model::agency::Level>, AppError> {
    match value.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(None),
        Some(l) => gongkai_model::agency::Level::from_zh(l)
            .map(Some)
            .ok_or_else(|| {
                AppError::BadRequest(format!("层级应为 省/市/县/区/乡镇/街道/部门 之一：“{l}”"))
            }),
    }
}

/// A year parameter: a number between 2000 and 2100.
pub(crate) fn year_param(value: Option<&str>) -> Result<Option<i32>, AppError> {
    match number_param::<i32>("年度", value)? {
        Some(y) if !(2000..=2100).contains(&y) => Err(AppError::BadRequest(format!(
            "年度应在 2000 到 2100 之间：{y}"
        ))),
        y => Ok(y),
    }
}

/// One page of a long list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Paging {
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    /// Rows in the whole list.
    pub total: usize,
}

impl Paging {
    pub fn new(page: Option<usize>, per_page: usize, total: usize) -> Paging {
        let pages = total.div_ceil(per_page).max(1);
        Paging {
            page: page.unwrap_or(1).clamp(1, pages),
            per_page,
            total,
        }
    }

    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page).max(1)
    }

    /// The range of the list on this page.
    pub fn range(&self) -> std::ops::Range<usize> {
        let start = (self.page - 1) * self.per_page;
        start.min(self.total)..(start + self.per_page).min(self.total)
    }
}

/// Links to the other pages of a list: `href(page)` gives each page's address.
pub(crate) fn pager(p: &Paging, href: impl Fn(usize) -> String) -> maud::Markup {
    maud::html! {
        @if p.pages() > 1 {
            nav.pager {
                @if p.page > 1 { a href=(href(p.page - 1)) { "上一页" } }
                span { "第 " (p.page) " / " (p.pages()) " 页（共 " (p.total) " 条）" }
                @if p.page < p.pages() { a href=(href(p.page + 1)) { "下一页" } }
            }
        }
    }
}

/// A query string from its pairs, leaving out empty values.
pub(crate) fn query(pairs: &[(&str, String)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// A percentage as the pages write it; blank (no value) is a dash, never 0.
pub(crate) fn percent(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// A count as the pages write it; blank is a dash.
pub(crate) fn count(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{v:.0}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_clamps_and_slices() {
        let p = Paging::new(Some(9), 100, 250);
        assert_eq!((p.page, p.pages(), p.range()), (3, 3, 200..250));
        let p = Paging::new(None, 100, 0);
        assert_eq!((p.page, p.pages(), p.range()), (1, 1, 0..0));
    }

    #[test]
    fn parameters_say_what_is_wrong() {
        assert_eq!(year_param(Some(" 2021 ")).unwrap(), Some(2021));
        assert_eq!(year_param(Some("")).unwrap(), None);
        assert_eq!(
            year_param(Some("去年")).unwrap_err().to_string(),
            "年度应为整数：“去年”"
        );
        assert_eq!(
            year_param(Some("1999")).unwrap_err().to_string(),
            "年度应在 2000 到 2100 之间：1999"
        );
        assert_eq!(number_param::<i64>("报告", Some("#12")).unwrap(), Some(12));
        assert_eq!(
            query(&[("region", "4107".into()), ("year", String::new())]),
            "region=4107"
        );
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some(0.0)), "0.0%");
    }
}
