//! The agency mapping file: corrections to the names, regions and levels the corpus
//! infers.
//!
//! A CSV file (UTF-8, a BOM allowed, as Excel/WPS save it) with a header row and up to four
//! columns, in any order, named in Chinese or English:
//!
//! | 名称 / name | 规范名称 / canonical | 地区 / region | 层级 / level |
//! |---|---|---|---|
//! | 西工区城改办 | 西工区城市改造办公室 | | |
//! | 辉县市人民政府 | | 新乡市辉县市 | 县 |
//!
//! `名称` is the name as printed (or already canonical); `规范名称` merges it into another
//! agency; `地区` and `层级` (省 市 县 区 乡镇 街道 部门) override what the name suggests.
//! Empty cells leave the inference alone.

use std::collections::BTreeMap;
use std::path::Path;

use gongkai_model::agency::{self, Level};
use gongkai_store::{AgencyInfo, Placement};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Entry {
    canonical: Option<String>,
    region: Option<String>,
    level: Option<Level>,
}

/// The user's corrections, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct MappingError {
    pub path: String,
    pub message: String,
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        let err = |message: String| MappingError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("无法读取：{e}")))?;
        Mapping::parse(&text).map_err(err)
    }

    /// Reads the CSV text; the error names the line.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("表头无法读取：{e}"))?
            .clone();
        let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h));
        let name_col = column(&["名称", "name", "机关", "agency"])
            .ok_or("缺少“名称”（name）列".to_string())?;
        let canonical_col = column(&["规范名称", "canonical"]);
        let region_col = column(&["地区", "region"]);
        let level_col = column(&["层级", "level"]);
        let mut entries = BTreeMap::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| format!("第 {line} 行无法读取：{e}"))?;
            let get = |c: Option<usize>| {
                c.and_then(|c| record.get(c))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            let Some(name) = get(Some(name_col)) else {
                continue;
            };
            let level = match get(level_col) {
                None => None,
                Some(l) => Some(Level::from_zh(&l).ok_or_else(|| {
                    format!("第 {line} 行：层级“{l}”不是 省、市、县、区、乡镇、街道、部门 之一")
                })?),
            };
            let entry = Entry {
                canonical: get(canonical_col).map(|c| agency::canonical(&c)),
                region: get(region_col),
                level,
            };
            entries.insert(agency::canonical(&name), entry);
        }
        Ok(Mapping { entries })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The agency a (canonical) printed name stands for, with its region and level.
    pub fn agency(&self, printed: &str) -> AgencyInfo {
        let mut name = agency::canonical(printed);
        if let Some(canonical) = self.entries.get(&name).and_then(|e| e.canonical.clone()) {
            name = canonical;
        }
        let inferred = agency::placement(&name);
        let entry = self.entries.get(&name);
        let region = entry.and_then(|e| e.region.clone());
        let level = entry.and_then(|e| e.level);
        let placement = if region.is_some() || level.is_some() {
            Placement::Mapping
        } else {
            Placement::Inferred
        };
        AgencyInfo {
            region: region.unwrap_or(inferred.region),
            level: level.unwrap_or(inferred.level),
            name,
            placement,
        }
    }

    /// `(alias, canonical)` pairs, for agencies already stored.
    pub fn aliases(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .filter_map(|(n, e)| Some((n.clone(), e.canonical.clone()?)))
            .filter(|(n, c)| n != c)
            .collect()
    }

    /// The placement overrides, for agencies already stored.
    pub fn overrides(&self) -> Vec<AgencyInfo> {
        self.entries
            .iter()
            .filter(|(_, e)| e.region.is_some() || e.level.is_some())
            .map(|(n, _)| self.agency(n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_renames_and_places() {
        let m = Mapping::parse(
            "\u{feff}名称,规范名称,地区,层级\n\
             西工区城改办,西工区城市改造办公室,,\n\
             辉县市人民政府,,新乡市辉县市,县\n\
             西工区城市改造办公室,,洛阳市西工区,\n",
        )
        .unwrap();
        let a = m.agency("西工区城改办");
        assert_eq!(a.name, "西工区城市改造办公室");
        assert_eq!(a.region, "洛阳市西工区");
        assert_eq!(a.level, Level::Department);
        assert_eq!(a.placement, Placement::Mapping);
        let h = m.agency("辉县市人民政府");
        assert_eq!(
            (h.region.as_str(), h.level),
            ("新乡市辉县市", Level::County)
        );
        // Not in the file: inferred.
        let q = m.agency("清河县人民政府");
        assert_eq!(
            (q.region.as_str(), q.level, q.placement),
            ("清河县", Level::County, Placement::Inferred)
        );
        assert_eq!(
            m.aliases(),
            [(
                "西工区城改办".to_string(),
                "西工区城市改造办公室".to_string()
            )]
        );
        assert_eq!(m.overrides().len(), 2);
    }

    #[test]
    fn mapping_errors_name_the_line() {
        assert_eq!(
            Mapping::parse("name,level\n某局,省级\n").unwrap_err(),
            "第 2 行：层级“省级”不是 省、市、县、区、乡镇、街道、部门 之一"
        );
        assert_eq!(
            Mapping::parse("地区\n洛阳市\n").unwrap_err(),
            "缺少“名称”（name）列"
        );
    }
}
