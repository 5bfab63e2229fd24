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
/// Governments are levelled by the place they govern; every other body (a bureau, a
/// commission, a government's general office, a centre) is a 部门 of the place in its name.
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
}

impl Level {
    pub const ALL: [Level; 7] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::District,
        Level::Township,
        Level::Subdistrict,
        Level::Department,
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
        }
    }
}

/// Where an agency sits: the places in its name and its level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The chain of places the name starts with, e.g. "淮安市洪泽区"; empty when the name
    /// starts with no place (a vertical body such as "国家税务总局…" with the place later).
    pub region: String,
    pub level: Level,
}

/// Endings of place names, longest first so "自治区" wins over "区".
const PLACE_SUFFIXES: &[&str] = &[
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "街道",
    "新区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
];

/// Words that end in a place suffix but are not places ("社区" is a community, not a
/// district; "市场" is a market). They stop the place chain.
const NOT_PLACES: &[&str] = &["社区", "园区管理", "小区", "市场", "城区管理", "景区"];

/// The longest chain of place names at the start of `name`, each 1–8 characters before
/// its suffix, with the level the last one gives.
fn place_chain(name: &str) -> (String, Option<Level>) {
    let mut region = String::new();
    let mut last = None;
    let mut rest = name;
    'outer: loop {
        // The shortest segment that ends in a suffix: "淮安市洪泽区" is two places.
        let chars: Vec<(usize, char)> = rest.char_indices().collect();
        for (i, &(at, _)) in chars.iter().enumerate().skip(1).take(10) {
            let tail = &rest[at..];
            for suffix in PLACE_SUFFIXES {
                if !tail.starts_with(suffix) {
                    continue;
                }
                let end = at + suffix.len();
                let segment = &rest[..end];
                if NOT_PLACES
                    .iter()
                    .any(|w| rest[at..].starts_with(w) || segment.ends_with(w))
                {
                    break 'outer;
                }
                // "市人民政府" after a county: "辉县市" is one place, not "辉县" + "市".
                let next = &rest[end..];
                if (suffix == &"县" || suffix == &"区")
                    && next.starts_with('市')
                    && !next.starts_with("市场")
                {
                    continue;
                }
                if i > 8 || segment.contains(['局', '厅', '委', '部', '署', '院', '会']) {
                    break 'outer;
                }
                region.push_str(segment);
                last = Some(match *suffix {
                    "特别行政区" | "自治区" | "省" => Level::Province,
                    "市" | "自治州" | "州" | "盟" | "地区" => Level::City,
                    "县" | "自治县" | "旗" | "自治旗" => Level::County,
                    "区" | "新区" => Level::District,
                    "镇" | "乡" => Level::Township,
                    _ => Level::Subdistrict,
                });
                rest = next;
                continue 'outer;
            }
        }
        break;
    }
    (region, last)
}

/// Infers where an agency sits from its canonical name. A government (人民政府, a 街道办事处,
/// a zone's 管委会) takes the level of its place; every other body is a 部门 of that place.
/// A county-level city ("辉县市") cannot be told from a prefecture-level one by its name
/// alone and is levelled 市; a mapping file corrects such cases.
pub fn placement(canonical_name: &str) -> Placement {
    let name = canonical_name;
    if let Some(zone) = name.strip_suffix("（管委会）") {
        return Placement {
            region: zone.to_string(),
            level: Level::District,
        };
    }
    // Vertically managed bodies put their national parent first: "国家税务总局清河县税务局"
    // is a department in 清河县.
    let local = ["总局", "总署", "中国人民银行"]
        .iter()
        .filter_map(|p| name.find(p).map(|i| &name[i + p.len()..]))
        .next()
        .unwrap_or(name);
    let (region, place_level) = place_chain(local);
    let rest = &local[region.len()..];
    let government = matches!(
        rest,
        "人民政府" | "政府" | "办事处" | "街道办事处" | "人民政府办事处"
    ) || (rest.is_empty() && place_level.is_some());
    let level = match (government, place_level) {
        (true, Some(l)) => l,
        _ => Level::Department,
    };
    Placement { region, level }
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

    fn placed(name: &str) -> (String, &'static str) {
        let p = placement(name);
        (p.region, p.level.as_zh())
    }

    #[test]
    fn placements() {
        let cases = [
            ("辉县市人民政府", "辉县市", "市"),
            ("淮安市洪泽区人民政府", "淮安市洪泽区", "区"),
            ("上海市科学技术委员会", "上海市", "部门"),
            ("清河县市场监督管理局", "清河县", "部门"),
            ("清河县人民政府办公室", "清河县", "部门"),
            ("河南省人民政府", "河南省", "省"),
            ("广西壮族自治区人民政府", "广西壮族自治区", "省"),
            ("洪泽区高良涧街道办事处", "洪泽区高良涧街道", "街道"),
            ("新乡市辉县市孟庄镇人民政府", "新乡市辉县市孟庄镇", "乡镇"),
            ("平潭综合实验区（管委会）", "平潭综合实验区", "区"),
            ("上海市浦东新区人民政府", "上海市浦东新区", "区"),
            ("国家税务总局清河县税务局", "清河县", "部门"),
            ("延边朝鲜族自治州人民政府", "延边朝鲜族自治州", "市"),
            ("某某社区居民委员会", "", "部门"),
        ];
        for (name, region, level) in cases {
            assert_eq!(placed(name), (region.to_string(), level), "{name}");
        }
    }
}
