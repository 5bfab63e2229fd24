//! The agency mapping file: corrections to the names, regions and levels the corpus
//! infers.
//!
//! A CSV file with a header row and up to four columns, in any order, named in Chinese
//! or English. Its encoding is detected: UTF-8 (with or without a BOM) or GBK/GB18030
//! (what Excel and WPS save as "CSV" on Chinese Windows).
//!
//! | 名称 / name | 规范名称 / canonical | 地区 / region | 层级 / level |
//! |---|---|---|---|
//! | 西工区城改办 | 西工区城市改造办公室 | 洛阳市西工区 | 部门 |
//! | 辉县市人民政府 | | 新乡市辉县市 | 县 |
//!
//! `名称` is the name as printed (or already canonical); `规范名称` merges it into another
//! agency; `地区` and `层级` (省 市 县 区 乡镇 街道 部门) override what the name suggests —
//! on a row with a `规范名称` they place that (new) name. Empty cells leave the inference
//! alone. Chains (A→B, B→C) are followed to their end; cycles (A→B, B→A) are refused.
//!
//! The file is checked whole before anything is applied: every bad row is reported with
//! its line and reason (unknown or repeated columns, a row with more or fewer cells than
//! the header, a missing name, an unknown level, a name given twice with different
//! corrections, a cycle), and one bad row means nothing is applied.

use std::collections::BTreeMap;
use std::path::Path;

use gongkai_gazetteer::{find_region, place_agency, resolve_agency, Context, Gazetteer, Place};
use gongkai_model::agency::{self, Level};
use gongkai_store::{AgencyInfo, Placement};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Entry {
    canonical: Option<String>,
    /// The unit's code, from the 地区 cell (a place name or a code).
    region: Option<String>,
    level: Option<Level>,
}

/// The embedded gazetteer. Its data is part of the program and checked by the
/// gazetteer's tests, so failing to load it is a build defect, not bad input.
pub fn gazetteer() -> &'static Gazetteer {
    gongkai_gazetteer::gazetteer().expect("the embedded gazetteer loads (tested in its crate)")
}

/// The user's corrections, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    entries: BTreeMap<String, Entry>,
}

/// Why a mapping file was not used: every problem found, each naming its line.
#[derive(Debug, thiserror::Error)]
#[error("对照表 {path} 有 {} 处错误，未应用任何更正：\n  {}", .problems.len(), .problems.join("\n  "))]
pub struct MappingError {
    pub path: String,
    pub problems: Vec<String>,
}

/// The header names each column may have.
const COLUMNS: [(Column, &[&str]); 4] = [
    (Column::Name, &["名称", "name", "机关", "agency"]),
    (Column::Canonical, &["规范名称", "canonical"]),
    (Column::Region, &["地区", "region"]),
    (Column::Level, &["层级", "level"]),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Name,
    Canonical,
    Region,
    Level,
}

/// The text of a mapping file: UTF-8 (a BOM allowed), else GBK/GB18030.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|e| {
            format!(
                "有 UTF-8 BOM，但第 {} 字节起不是 UTF-8",
                e.utf8_error().valid_up_to() + 4
            )
        });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or_else(|| "编码无法识别：既不是 UTF-8，也不是 GBK/GB18030".to_string())
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        let err = |problems: Vec<String>| MappingError {
            path: path.display().to_string(),
            problems,
        };
        let bytes = std::fs::read(path).map_err(|e| err(vec![format!("无法读取：{e}")]))?;
        let text = decode(&bytes).map_err(|e| err(vec![e]))?;
        Mapping::parse(&text).map_err(err)
    }

    /// Reads the CSV text; on error, every problem found, each naming its line.
    pub fn parse(text: &str) -> Result<Mapping, Vec<String>> {
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| vec![format!("表头无法读取：{e}")])?
            .clone();
        let mut problems = Vec::new();
        let mut columns: Vec<Column> = Vec::new();
        for h in headers.iter() {
            match COLUMNS.iter().find(|(_, names)| names.contains(&h)) {
                Some((c, _)) if columns.contains(c) => {
                    problems.push(format!("第 1 行：列“{h}”重复"));
                }
                Some((c, _)) => columns.push(*c),
                None => problems.push(format!(
                    "第 1 行：未知的列“{h}”（可用的列：名称/name、规范名称/canonical、地区/region、层级/level）"
                )),
            }
        }
        if !columns.contains(&Column::Name) {
            problems.push("缺少“名称”（name）列".to_string());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let position = |c: Column| {
            headers.iter().position(|h| {
                COLUMNS
                    .iter()
                    .any(|(k, names)| *k == c && names.contains(&h))
            })
        };
        let (name_col, canonical_col, region_col, level_col) = (
            position(Column::Name),
            position(Column::Canonical),
            position(Column::Region),
            position(Column::Level),
        );
        // Name → (line, entry) as given, before placements move to canonical names.
        let mut given: BTreeMap<String, (u64, Entry)> = BTreeMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    problems.push(format!("第 {line} 行无法读取：{e}"));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != headers.len() {
                problems.push(format!(
                    "第 {line} 行有 {} 列，表头有 {} 列",
                    record.len(),
                    headers.len()
                ));
                continue;
            }
            let get = |c: Option<usize>| {
                c.and_then(|c| record.get(c))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            let Some(name) = get(name_col) else {
                if record.iter().any(|f| !f.is_empty()) {
                    problems.push(format!("第 {line} 行：缺少名称"));
                }
                continue;
            };
            let level = match get(level_col) {
                None => None,
                Some(l) => match Level::from_zh(&l) {
                    Some(level) => Some(level),
                    None => {
                        problems.push(format!(
                            "第 {line} 行：层级“{l}”不是 省、市、县、区、乡镇、街道、部门 之一"
                        ));
                        continue;
                    }
                },
            };
            let region = match get(region_col) {
                None => None,
                Some(r) => match find_region(gazetteer(), &r) {
                    Ok(id) => Some(gazetteer().unit(id).code.to_string()),
                    Err(why) => {
                        problems.push(format!("第 {line} 行：地区“{r}”无法使用：{why}"));
                        continue;
                    }
                },
            };
            let name = agency::canonical(&name);
            let entry = Entry {
                canonical: get(canonical_col)
                    .map(|c| agency::canonical(&c))
                    .filter(|c| *c != name),
                region,
                level,
            };
            match given.get(&name) {
                Some((first, e)) if *e != entry => problems.push(format!(
                    "第 {line} 行：“{name}”已在第 {first} 行给出，两处的更正不同"
                )),
                Some(_) => {}
                None => {
                    given.insert(name, (line, entry));
                }
            }
        }
        // In file order, so that problems are listed as the user reads the file.
        let mut in_order: Vec<(&String, &(u64, Entry))> = given.iter().collect();
        in_order.sort_by_key(|(_, (line, _))| *line);
        // Chains are followed to their end; a name met twice on the way is a cycle.
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for &(name, (line, entry)) in &in_order {
            let mut path = vec![name.clone()];
            let mut next = entry.canonical.clone();
            while let Some(t) = next {
                if path.contains(&t) {
                    path.push(t);
                    problems.push(format!(
                        "第 {line} 行：规范名称形成循环：{}",
                        path.join(" → ")
                    ));
                    break;
                }
                next = given.get(&t).and_then(|(_, e)| e.canonical.clone());
                path.push(t);
            }
            let canonical = (path.len() > 1).then(|| path[path.len() - 1].clone());
            entries.entry(name.clone()).or_default().canonical = canonical;
        }
        // A placement on an alias's row places the name it is merged into; given twice
        // (on the alias and on the name's own row, or on two aliases) it must agree.
        let mut placed_at: BTreeMap<String, u64> = BTreeMap::new();
        for &(name, (line, entry)) in &in_order {
            if entry.region.is_none() && entry.level.is_none() {
                continue;
            }
            let target = entries
                .get(name)
                .and_then(|e| e.canonical.clone())
                .unwrap_or_else(|| name.clone());
            let slot = entries.entry(target.clone()).or_default();
            let conflict =
                |a: &Option<String>, b: &Option<String>| a.is_some() && b.is_some() && a != b;
            let level_conflict = matches!((slot.level, entry.level), (Some(a), Some(b)) if a != b);
            if conflict(&slot.region, &entry.region) || level_conflict {
                problems.push(format!(
                    "第 {line} 行：“{target}”的地区或层级与第 {} 行不同",
                    placed_at.get(&target).copied().unwrap_or_default()
                ));
                continue;
            }
            if entry.region.is_some() {
                slot.region = entry.region.clone();
            }
            if entry.level.is_some() {
                slot.level = entry.level;
            }
            placed_at.entry(target).or_insert(*line);
        }
        if problems.is_empty() {
            entries.retain(|_, e| e.canonical.is_some() || e.region.is_some() || e.level.is_some());
            Ok(Mapping { entries })
        } else {
            Err(problems)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The canonical name the mapping makes of a printed one.
    fn merged(&self, printed: &str) -> String {
        let name = agency::canonical(printed);
        match self.entries.get(&name).and_then(|e| e.canonical.clone()) {
            Some(canonical) => canonical,
            None => name,
        }
    }

    /// The agency a printed name stands for, placed by the mapping where it says, and
    /// otherwise by the gazetteer from the name and `context` (the report's text and
    /// folders). A name that context places where the name alone is ambiguous is
    /// qualified with the place that tells it apart (鼓楼区人民政府 → 南京市鼓楼区人民政府).
    pub fn agency(&self, printed: &str, context: &Context) -> AgencyInfo {
        let g = gazetteer();
        let mut name = self.merged(printed);
        if !self.places(&name) {
            let place = place_agency(g, &name, context);
            if let Some(qualified) = &place.qualified_name {
                let qualified = self.merged(qualified);
                if self.places(&qualified) {
                    return self.mapped(qualified, context);
                }
                name = qualified;
            }
            return AgencyInfo {
                name,
                place,
                placement: Placement::Inferred,
            };
        }
        self.mapped(name, context)
    }

    /// Whether the mapping places this (merged) name.
    fn places(&self, name: &str) -> bool {
        self.entries
            .get(name)
            .is_some_and(|e| e.region.is_some() || e.level.is_some())
    }

    /// A name the mapping places: its region (checked when the file was read) and
    /// level as given; a level alone corrects what the gazetteer says.
    fn mapped(&self, name: String, context: &Context) -> AgencyInfo {
        let g = gazetteer();
        let entry = self.entries.get(&name).cloned().unwrap_or_default();
        let place = match &entry.region {
            Some(code) => {
                let body = resolve_agency(g, &name).body;
                Place::given(g, code, entry.level, body)
                    .unwrap_or_else(|_| place_agency(g, &name, context))
            }
            None => {
                let mut place = place_agency(g, &name, context);
                if let Some(level) = entry.level {
                    place.level = level;
                    place
                        .evidence
                        .push(format!("对照表给出层级“{}”", level.as_zh()));
                }
                place
            }
        };
        AgencyInfo {
            name,
            place,
            placement: Placement::Mapping,
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
            .map(|(n, _)| self.agency(n, &Context::default()))
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
        let a = m.agency("西工区城改办", &Context::default());
        assert_eq!(a.name, "西工区城市改造办公室");
        assert_eq!(a.place.region, "河南省洛阳市西工区");
        assert_eq!(a.place.level, Level::Department);
        assert_eq!(a.placement, Placement::Mapping);
        let h = m.agency("辉县市人民政府", &Context::default());
        assert_eq!(
            (h.place.region.as_str(), h.place.level),
            ("河南省新乡市辉县市", Level::County)
        );
        // Not in the file: inferred.
        let q = m.agency("清河县人民政府", &Context::default());
        assert_eq!(
            (q.place.region.as_str(), q.place.level, q.placement),
            ("河北省邢台市清河县", Level::County, Placement::Inferred)
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
            ["第 2 行：层级“省级”不是 省、市、县、区、乡镇、街道、部门 之一"]
        );
        assert_eq!(
            Mapping::parse("地区\n洛阳市\n").unwrap_err(),
            ["缺少“名称”（name）列"]
        );
    }

    /// Every bad row is reported, not just the first, and a file with any is refused.
    #[test]
    fn every_bad_row_is_reported() {
        let problems = Mapping::parse(
            "名称,规范名称,地区,层级\n\
             甲局,,洛阳市,部门\n\
             乙局,,洛阳市\n\
             丙局,,洛阳市,部门,多余\n\
             ,丁局,,\n\
             戊局,,,省级\n\
             甲局,,开封市,部门\n\
             己局,,洛阳市,部门\n",
        )
        .unwrap_err();
        assert_eq!(
            problems,
            [
                "第 3 行有 3 列，表头有 4 列",
                "第 4 行有 5 列，表头有 4 列",
                "第 5 行：缺少名称",
                "第 6 行：层级“省级”不是 省、市、县、区、乡镇、街道、部门 之一",
                "第 7 行：“甲局”已在第 2 行给出，两处的更正不同",
            ]
        );
        // A region must name one unit of the gazetteer.
        assert_eq!(
            Mapping::parse("名称,地区\n甲局,鼓楼区\n乙局,火星市\n乙局,410782\n").unwrap_err(),
            [
                "第 2 行：地区“鼓楼区”无法使用：“鼓楼区”对应 4 个单位，请写明上级或用区划代码：\
320106 江苏省南京市鼓楼区；320302 江苏省徐州市鼓楼区；350102 福建省福州市鼓楼区；410204 河南省开封市鼓楼区",
                "第 3 行：地区“火星市”无法使用：“火星市”不是区划中的地名",
            ]
        );
        // A code is a region too, and says the same as the name.
        let by_code = Mapping::parse("名称,地区\n甲局,410782\n").unwrap();
        let by_name = Mapping::parse("名称,地区\n甲局,新乡市辉县市\n").unwrap();
        assert_eq!(
            by_code.agency("甲局", &Context::default()).place.code,
            by_name.agency("甲局", &Context::default()).place.code
        );
        // The same row twice is harmless.
        assert!(Mapping::parse("名称,地区\n甲局,洛阳市\n甲局,洛阳市\n").is_ok());
    }

    #[test]
    fn unknown_and_repeated_columns_are_refused() {
        assert_eq!(
            Mapping::parse("名称,备注,name\n甲局,x,甲局\n").unwrap_err(),
            [
                "第 1 行：未知的列“备注”（可用的列：名称/name、规范名称/canonical、地区/region、层级/level）",
                "第 1 行：列“name”重复",
            ]
        );
    }

    #[test]
    fn cycles_are_refused_and_chains_followed() {
        assert_eq!(
            Mapping::parse("名称,规范名称\n甲局,乙局\n乙局,甲局\n").unwrap_err(),
            [
                "第 2 行：规范名称形成循环：甲局 → 乙局 → 甲局",
                "第 3 行：规范名称形成循环：乙局 → 甲局 → 乙局",
            ]
        );
        let m = Mapping::parse("名称,规范名称\n甲局,乙局\n乙局,丙局\n").unwrap();
        assert_eq!(m.agency("甲局", &Context::default()).name, "丙局");
        assert_eq!(m.agency("乙局", &Context::default()).name, "丙局");
        assert_eq!(
            m.aliases(),
            [
                ("乙局".to_string(), "丙局".to_string()),
                ("甲局".to_string(), "丙局".to_string())
            ]
        );
        // A name mapped to itself is no alias.
        assert!(Mapping::parse("名称,规范名称\n甲局,甲局\n")
            .unwrap()
            .aliases()
            .is_empty());
    }

    /// 地区 and 层级 on an alias's row place the new name.
    #[test]
    fn placement_on_an_alias_row_places_the_new_name() {
        let m = Mapping::parse(
            "名称,规范名称,地区,层级\n西工区城改办,西工区城市改造办公室,洛阳市西工区,部门\n",
        )
        .unwrap();
        for printed in ["西工区城改办", "西工区城市改造办公室"] {
            let a = m.agency(printed, &Context::default());
            assert_eq!(
                (
                    a.name.as_str(),
                    a.place.region.as_str(),
                    a.place.level,
                    a.placement
                ),
                (
                    "西工区城市改造办公室",
                    "河南省洛阳市西工区",
                    Level::Department,
                    Placement::Mapping
                ),
                "{printed}"
            );
        }
        assert_eq!(m.overrides().len(), 1);
        assert_eq!(m.overrides()[0].name, "西工区城市改造办公室");
        // Given on the alias and on the name's own row, it must agree.
        assert_eq!(
            Mapping::parse("名称,规范名称,地区\n乙局,,洛阳市\n甲局,乙局,开封市\n").unwrap_err(),
            ["第 3 行：“乙局”的地区或层级与第 2 行不同"]
        );
    }

    #[test]
    fn gbk_and_utf8_files_read_alike() {
        let text = "名称,规范名称,地区,层级\n辉县市人民政府,,新乡市辉县市,县\n";
        let (gbk, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        assert!(std::str::from_utf8(&gbk).is_err(), "really GBK bytes");
        assert_eq!(decode(&gbk).unwrap(), text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap(), text);
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        // Neither: bytes that are not GB18030 either (0xFF never starts a character).
        assert_eq!(
            decode(b"\xff\xfe\x00").unwrap_err(),
            "编码无法识别：既不是 UTF-8，也不是 GBK/GB18030"
        );
        let dir = std::env::temp_dir().join(format!("gongkai-mapping-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("对照.csv");
        std::fs::write(&path, &gbk).unwrap();
        let m = Mapping::load(&path).unwrap();
        let h = m.agency("辉县市人民政府", &Context::default());
        assert_eq!(
            (h.place.region.as_str(), h.place.level),
            ("河南省新乡市辉县市", Level::County)
        );
        std::fs::write(&path, "名称,层级\n甲局,省级\n乙局,村\n").unwrap();
        assert_eq!(
            Mapping::load(&path).unwrap_err().to_string(),
            format!(
                "对照表 {} 有 2 处错误，未应用任何更正：\n  \
                 第 2 行：层级“省级”不是 省、市、县、区、乡镇、街道、部门 之一\n  \
                 第 3 行：层级“村”不是 省、市、县、区、乡镇、街道、部门 之一",
                path.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
