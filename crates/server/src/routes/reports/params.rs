//! Query parameters as the list forms send them: every field a string (an empty field
//! is "any"), read here into typed filters, a value that means nothing being a clear
//! Chinese error rather than a silent "any".

use gongkai_gazetteer::gazetteer;
use gongkai_model::agency::Level;
use gongkai_model::{FindingKind, ReadingStatus, Severity, SourceFormat};
use gongkai_store::StoredEnum;
use serde::Serialize;

use crate::error::AppError;

/// Rows per page of every list.
pub const PAGE_SIZE: i64 = 50;

/// The trimmed value, `None` when absent or empty.
pub fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn year(v: &Option<String>) -> Result<Option<i32>, AppError> {
    match given(v) {
        None => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("年度“{s}”无效：请写四位数年份，如 2023"))),
    }
}

pub fn level(v: &Option<String>) -> Result<Option<Level>, AppError> {
    match given(v) {
        None => Ok(None),
        Some(s) => Level::from_zh(s).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!(
                "层级“{s}”无效：可选 {}",
                Level::ALL.map(Level::as_zh).join("、")
            ))
        }),
    }
}

pub const READINGS: [ReadingStatus; 3] = [
    ReadingStatus::Whole,
    ReadingStatus::WithDoubts,
    ReadingStatus::Partial,
];

pub fn reading(v: &Option<String>) -> Result<Option<ReadingStatus>, AppError> {
    match given(v) {
        None => Ok(None),
        Some(s) => READINGS
            .into_iter()
            .find(|r| r.as_str() == s)
            .map(Some)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "读取状态“{s}”无效：可选 whole（完整读取）、with_doubts（读取存疑）、partial（部分未读）"
                ))
            }),
    }
}

/// The formats a report is published in, as the list offers them.
pub const FORMATS: [SourceFormat; 6] = [
    SourceFormat::Pdf,
    SourceFormat::Docx,
    SourceFormat::Html,
    SourceFormat::Text,
    SourceFormat::Markdown,
    SourceFormat::Image,
];

pub fn format(v: &Option<String>) -> Result<Option<SourceFormat>, AppError> {
    match given(v) {
        None => Ok(None),
        Some(s) => SourceFormat::parse(s).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!(
                "格式“{s}”无效：可选 {}",
                FORMATS
                    .map(|f| format!("{}（{}）", f.as_str(), f.display_zh()))
                    .join("、")
            ))
        }),
    }
}

pub const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

pub fn severity(v: &Option<String>) -> Result<Option<Severity>, AppError> {
    match given(v) {
        None => Ok(None),
        Some(s) => SEVERITIES
            .into_iter()
            .find(|x| x.as_str() == s)
            .map(Some)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "严重程度“{s}”无效：可选 error（错误）、warning（警告）、info（提示）"
                ))
            }),
    }
}

pub fn kind(v: &Option<String>) -> Result<Option<FindingKind>, AppError> {
    match given(v) {
        None => Ok(None),
        Some("document") => Ok(Some(FindingKind::Document)),
        Some("extraction") => Ok(Some(FindingKind::Extraction)),
        Some(s) => Err(AppError::BadRequest(format!(
            "问题类别“{s}”无效：可选 document（文档问题）、extraction（识别存疑）"
        ))),
    }
}

/// `1`, `true` or `on` (a checkbox): yes; absent or empty: no.
pub fn flag(v: &Option<String>) -> Result<bool, AppError> {
    match given(v) {
        None | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") | Some("on") => Ok(true),
        Some(s) => Err(AppError::BadRequest(format!("“{s}”不是是否值（1 或 0）"))),
    }
}

/// The 1-based page number and the offset of its first row.
pub fn page(v: &Option<String>) -> Result<(i64, i64), AppError> {
    let page = match given(v) {
        None => 1,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .ok_or_else(|| AppError::BadRequest(format!("页码“{s}”无效")))?,
    };
    Ok((page, (page - 1) * PAGE_SIZE))
}

/// The number of pages `total` rows fill (at least one).
pub fn pages(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

/// A region a list is filtered to: the unit's code and its path of names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegionRef {
    /// Statistical code; everything below it is included.
    pub code: String,
    /// 河南省新乡市辉县市.
    pub name: String,
}

/// A region given by name (at any level) or code, as `--region` takes it.
pub fn region(v: &Option<String>) -> Result<Option<RegionRef>, AppError> {
    let Some(query) = given(v) else {
        return Ok(None);
    };
    let g = gazetteer().map_err(|e| AppError::Internal(format!("无法读取区划数据：{e}")))?;
    match gongkai_gazetteer::find_region(g, query) {
        Ok(id) => Ok(Some(RegionRef {
            code: g.unit(id).code.to_string(),
            name: gongkai_gazetteer::region_name(g, id),
        })),
        Err(why) => Err(AppError::BadRequest(format!("地区：{why}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_are_any_and_nonsense_is_an_error() {
        assert_eq!(year(&Some(" ".into())).unwrap(), None);
        assert_eq!(year(&Some("2023".into())).unwrap(), Some(2023));
        assert!(year(&Some("二〇二三".into()))
            .unwrap_err()
            .to_string()
            .contains("年度“二〇二三”无效"));
        assert_eq!(level(&Some("县".into())).unwrap(), Some(Level::County));
        assert_eq!(page(&None).unwrap(), (1, 0));
        assert_eq!(page(&Some("3".into())).unwrap(), (3, 100));
        assert!(page(&Some("0".into())).is_err());
        assert_eq!(pages(0), 1);
        assert_eq!(pages(50), 1);
        assert_eq!(pages(51), 2);
    }

    #[test]
    fn a_region_by_name_or_code() {
        let by_name = region(&Some("辉县市".into())).unwrap().unwrap();
        assert_eq!(by_name.code, "410782");
        assert_eq!(by_name.name, "河南省新乡市辉县市");
        let by_code = region(&Some("4107".into())).unwrap().unwrap();
        assert_eq!(by_code.name, "河南省新乡市");
        assert!(region(&Some("鼓楼区".into())).is_err());
    }
}
