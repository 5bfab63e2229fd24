//! The region a synthetic corpus is drawn from: a gazetteer unit, given by its code or
//! its name (`gongkai synth N DIR --region 新乡市`), and why a corpus cannot be made.

use std::fmt;

use gongkai_gazetteer::{resolve_agency, Gazetteer, Outcome, UnitId};

use crate::names;

/// Why a corpus cannot be generated as asked. The messages are Chinese, for the CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorpusError {
    /// The embedded gazetteer did not load (only a broken build causes this).
    Gazetteer(String),
    /// The region was given empty.
    NoRegion,
    /// No unit has this code or name.
    UnknownRegion(String),
    /// Several units have this name; each candidate as "code path".
    AmbiguousRegion {
        query: String,
        candidates: Vec<String>,
    },
    /// The name goes on past a place ("新乡市教育局"): a body, not a region.
    NotAPlace {
        query: String,
        place: String,
        body: String,
    },
    /// No agency is drawn under the unit (a 开发区, a unit of farms or zones).
    EmptyRegion(String),
    /// The region has fewer agencies than the reports need.
    RegionTooSmall {
        region: String,
        agencies: usize,
        years: usize,
        reports: usize,
    },
    /// A corpus uses the 2021 edition of the format.
    FirstYear(i32),
    NoYears,
}

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CorpusError::Gazetteer(e) => write!(f, "区划数据无法读取：{e}"),
            CorpusError::NoRegion => {
                write!(f, "请给出地区的区划代码或地名（如 4107 或 新乡市）")
            }
            CorpusError::UnknownRegion(q) => write!(
                f,
                "未找到地区“{q}”：不是现行的区划代码或地名（可用 `gongkai region {q}` 查询）"
            ),
            CorpusError::AmbiguousRegion { query, candidates } => write!(
                f,
                "地区“{query}”有歧义，{} 个单位同名：{}；请写出上级地名或用区划代码",
                candidates.len(),
                candidates.join("；")
            ),
            CorpusError::NotAPlace { query, place, body } => write!(
                f,
                "“{query}”不是地名：“{place}”之后还有“{body}”；请只写地名或区划代码"
            ),
            CorpusError::EmptyRegion(region) => write!(
                f,
                "地区 {region} 下没有可生成的机关（合成语料只取市、区、县、乡镇和街道）"
            ),
            CorpusError::RegionTooSmall {
                region,
                agencies,
                years,
                reports,
            } => write!(
                f,
                "地区 {region} 只有 {agencies} 个机关，每个机关最多 {years} 个年度，最多生成 {} 份报告，不够 {reports} 份",
                agencies * years
            ),
            CorpusError::FirstYear(y) => write!(
                f,
                "起始年度 {y} 早于 2021 年（合成语料使用 2021 年版格式）"
            ),
            CorpusError::NoYears => write!(f, "每个机关至少要有 1 个年度"),
        }
    }
}

impl std::error::Error for CorpusError {}

/// A region as resolved: its code and its path from the province down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// The gazetteer code, for [`crate::CorpusOptions::region`].
    pub code: &'static str,
    /// "河南省 › 新乡市".
    pub path: String,
}

/// Read a region as typed: a code (4107, 410700, 410782; a former code is read as its
/// successor) or a place name (新乡市, 新乡, 辉县市, 南京市鼓楼区). A name that several
/// units carry (鼓楼区) is an error listing them, never a guess.
pub fn resolve_region(query: &str) -> Result<Region, CorpusError> {
    let places = names::places().map_err(|e| CorpusError::Gazetteer(e.to_string()))?;
    let g = places.g;
    let query = query.trim();
    if query.is_empty() {
        return Err(CorpusError::NoRegion);
    }
    let region = |id: UnitId| Region {
        code: g.unit(id).code,
        path: g.path_names(id),
    };
    if query.bytes().all(|b| b.is_ascii_digit()) {
        return g
            .by_code(query)
            .or_else(|| g.former_by_code(query).and_then(|f| f.successor))
            .map(region)
            .ok_or_else(|| CorpusError::UnknownRegion(query.to_string()));
    }
    let resolution = resolve_agency(g, query);
    match resolution.outcome {
        Outcome::Resolved(id) if resolution.body_text.is_empty() => Ok(region(id)),
        Outcome::Resolved(_) => Err(CorpusError::NotAPlace {
            query: query.to_string(),
            place: query
                .strip_suffix(resolution.body_text.as_str())
                .unwrap_or(query)
                .to_string(),
            body: resolution.body_text,
        }),
        Outcome::Ambiguous(ids) => Err(CorpusError::AmbiguousRegion {
            query: query.to_string(),
            candidates: ids
                .iter()
                .map(|&id| format!("{} {}", g.unit(id).code, g.path_names(id)))
                .collect(),
        }),
        Outcome::Unresolved => Err(CorpusError::UnknownRegion(query.to_string())),
    }
}

/// A region code for messages: "4107 河南省 › 新乡市"; without one, 全国.
pub(crate) fn describe(g: &Gazetteer, code: &str) -> String {
    if code.is_empty() {
        return "全国".to_string();
    }
    match g.by_code(code) {
        Some(id) => format!("{code} {}", g.path_names(id)),
        None => code.to_string(),
    }
}
