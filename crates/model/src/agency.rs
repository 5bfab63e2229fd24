//! Agency names: the same agency is printed in several ways ("上海市科委",
//! "上海市科学技术委员会"); reports and the corpus use one canonical form.

/// Common abbreviations of agency names and their official forms. Applied only after
/// a place name (省/市/区/县 …), so "科委" inside other words is left alone.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("科委", "科学技术委员会"),
    ("发改委", "发展和改革委员会"),
    ("经信委", "经济和信息化委员会"),
    ("卫健委", "卫生健康委员会"),
    ("住建委", "住房和城乡建设委员会"),
    ("国资委", "国有资产监督管理委员会"),
    ("教委", "教育委员会"),
    ("民宗委", "民族宗教事务委员会"),
    ("商务委", "商务委员会"),
    ("交通委", "交通委员会"),
    ("市府办", "市人民政府办公室"),
    ("县府办", "县人民政府办公室"),
    ("区府办", "区人民政府办公室"),
    ("市政府办", "市人民政府办公室"),
    ("县政府办", "县人民政府办公室"),
    ("区政府办", "区人民政府办公室"),
];

/// Suffixes of development zones: a zone is not itself an administrative body; its
/// management committee (管委会) is, which the canonical name says.
const ZONE_SUFFIXES: &[&str] = &[
    "综合实验区",
    "实验区",
    "试验区",
    "示范区",
    "开发区",
    "高新区",
    "保税区",
    "园区",
];

const PLACE_ENDS: &[char] = &['省', '市', '区', '县', '州', '盟', '旗'];

/// The canonical form of an agency name as printed.
pub fn canonical(printed: &str) -> String {
    let name: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
    let name = name.replace(['(', ')'], "").replace(['（', '）'], "");
    for (short, full) in ABBREVIATIONS {
        if let Some(prefix) = name.strip_suffix(short) {
            if prefix.ends_with(PLACE_ENDS) || short.starts_with(['市', '县', '区']) {
                return format!("{prefix}{full}");
            }
        }
    }
    if let Some(zone) = name.strip_suffix("管委会") {
        if ZONE_SUFFIXES.iter().any(|s| zone.ends_with(s)) {
            return format!("{zone}（管委会）");
        }
    }
    if ZONE_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return format!("{name}（管委会）");
    }
    name
}

/// The administrative level of a body that publishes a report.
///
/// Governments are levelled by the place they govern (a 县级市 is 县, a 市辖区 区); every
/// other body (a bureau, a commission, a government's general office, a centre) is a
/// 部门. `Unknown` is a government whose place could not be found, or whose candidate
/// places differ in level: said, not guessed. Set by the gazetteer
/// (`gongkai_gazetteer::place_agency`) or a mapping file.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    City,
    County,
    District,
    Township,
    Subdistrict,
    Department,
    Unknown,
}

impl Level {
    pub const ALL: [Level; 8] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::District,
        Level::Township,
        Level::Subdistrict,
        Level::Department,
        Level::Unknown,
    ];

    /// The Chinese name, as users write it (and as mapping files give it).
    pub fn as_zh(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县",
            Level::District => "区",
            Level::Township => "乡镇",
            Level::Subdistrict => "街道",
            Level::Department => "部门",
            Level::Unknown => "未定",
        }
    }

    /// Reads `省`, `市`, … (and the English keys).
    pub fn from_zh(s: &str) -> Option<Level> {
        let s = s.trim();
        Level::ALL.into_iter().find(|l| {
            l.as_zh() == s || l.key() == s || (s == "乡" || s == "镇") && *l == Level::Township
        })
    }

    pub fn key(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::District => "district",
            Level::Township => "township",
            Level::Subdistrict => "subdistrict",
            Level::Department => "department",
            Level::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names() {
        assert_eq!(canonical("上海市科委"), "上海市科学技术委员会");
        assert_eq!(canonical("上海市科学技术委员会"), "上海市科学技术委员会");
        assert_eq!(canonical("平潭综合实验区"), "平潭综合实验区（管委会）");
        assert_eq!(
            canonical("平潭综合实验区管委会"),
            "平潭综合实验区（管委会）"
        );
        assert_eq!(
            canonical("平潭综合实验区（管委会）"),
            "平潭综合实验区（管委会）"
        );
        assert_eq!(canonical("辉县市人民政府"), "辉县市人民政府");
        assert_eq!(canonical("浦东新区人民政府"), "浦东新区人民政府");
        assert_eq!(canonical("洛阳市发改委"), "洛阳市发展和改革委员会");
    }
}
