//! Agency name → place and body kind.
//!
//! The name is read from the left as a chain of place names (河南省新乡市辉县市),
//! each link taking the longest indexed name that lies under the links before it;
//! what follows the chain is the body (人民政府, 教育局, 街道办事处…). A chain that
//! ends with several candidates is ambiguous and says so.

use serde::Serialize;

use crate::{Gazetteer, Level, NameForm, UnitId};

/// What kind of body an agency is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub enum BodyKind {
    /// 人民政府 of a province, prefecture or county.
    Government,
    /// 人民政府办公室 / 办公厅.
    GovernmentOffice,
    /// A government department (发展和改革局, 教育局, 城市改造办公室).
    Department,
    /// 乡/镇人民政府, 街道办事处.
    TownshipGovernment,
    /// 开发区/高新区/实验区 管理委员会.
    ZoneCommittee,
    /// A vertically managed body (税务局, 海关, 气象局…).
    Vertical,
    /// Only a place name, no body.
    PlaceOnly,
}

impl BodyKind {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            BodyKind::Government => "人民政府",
            BodyKind::GovernmentOffice => "政府办公室",
            BodyKind::Department => "部门",
            BodyKind::TownshipGovernment => "乡镇/街道",
            BodyKind::ZoneCommittee => "开发区管委会",
            BodyKind::Vertical => "垂直管理机构",
            BodyKind::PlaceOnly => "地名",
        }
    }

    /// The key stored in the corpus database.
    pub fn key(self) -> &'static str {
        match self {
            BodyKind::Government => "government",
            BodyKind::GovernmentOffice => "government_office",
            BodyKind::Department => "department",
            BodyKind::TownshipGovernment => "township_government",
            BodyKind::ZoneCommittee => "zone_committee",
            BodyKind::Vertical => "vertical",
            BodyKind::PlaceOnly => "place_only",
        }
    }

    pub const ALL: [BodyKind; 7] = [
        BodyKind::Government,
        BodyKind::GovernmentOffice,
        BodyKind::Department,
        BodyKind::TownshipGovernment,
        BodyKind::ZoneCommittee,
        BodyKind::Vertical,
        BodyKind::PlaceOnly,
    ];

    pub fn from_key(key: &str) -> Option<BodyKind> {
        BodyKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The label as the test fixture writes it (same as [`BodyKind::label`]).
    pub fn from_label(label: &str) -> Option<BodyKind> {
        BodyKind::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// Where the agency sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exactly one unit.
    Resolved(UnitId),
    /// Several units carry the name and nothing in it narrows them.
    Ambiguous(Vec<UnitId>),
    /// No place name found.
    Unresolved,
}

/// The resolution of one agency name, with the steps that led to it.
#[derive(Clone, Debug)]
pub struct AgencyResolution {
    pub outcome: Outcome,
    pub body: BodyKind,
    /// The text after the place chain (教育局), if any.
    pub body_text: String,
    /// Human-readable steps (Chinese), in order.
    pub evidence: Vec<String>,
    /// Where the place chain starts in the name without spaces and brackets (after a
    /// vertical body's national prefix such as 国家税务总局), in bytes.
    pub chain_start: usize,
}

/// Prefixes of vertically managed bodies, written before the place.
const VERTICAL_PREFIXES: &[&str] = &["国家税务总局", "国家金融监督管理总局", "中国人民银行"];
/// Body texts that mark a vertically managed body.
const VERTICAL_MARKERS: &[&str] = &[
    "税务局",
    "海关",
    "气象局",
    "调查队",
    "烟草专卖局",
    "邮政管理局",
    "通信管理局",
    "监管分局",
    "监管局",
    "中心支行",
    "消防救援",
];

/// Resolve an agency name against the gazetteer.
pub fn resolve_agency(g: &Gazetteer, name: &str) -> AgencyResolution {
    let mut evidence = Vec::new();
    // Brackets and spaces carry no place information: 平潭综合实验区（管委会）.
    let mut text: String = name
        .chars()
        .filter(|&c| !c.is_whitespace() && !crate::is_bracket(c))
        .collect();
    let mut vertical = false;
    let mut chain_start = 0;
    for prefix in VERTICAL_PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix) {
            evidence.push(format!("“{prefix}”开头：垂直管理机构"));
            text = rest.to_string();
            vertical = true;
            chain_start = prefix.len();
            break;
        }
    }

    let (candidates, consumed) = read_chain(g, &text, &mut evidence);
    let body_text = text[consumed..].to_string();
    // An abolished unit's name where the chain stopped: say so rather than only
    // "no place".
    for f in g.former.iter().filter(|f| f.successor.is_none()) {
        if body_text.starts_with(f.name) && f.name.chars().count() >= 2 {
            evidence.push(format!(
                "“{}”是已撤销的单位（旧代码 {}），现行区划中没有确定的继承单位",
                f.name, f.code
            ));
        }
    }
    let mut body = body_kind(&body_text, vertical);

    // The chain stopped at a county-level (or higher) place that is not under what
    // came before it (驻马店市龙亭区: 龙亭区 is in 开封市): the name contradicts itself,
    // and neither place is taken.
    let stray = (!candidates.is_empty())
        .then(|| stray_place(g, &body_text, &candidates))
        .flatten();
    let outcome = match candidates.as_slice() {
        _ if stray.is_some() => {
            let (name, elsewhere) = stray.unwrap_or_default();
            evidence.push(format!(
                "“{name}”不在前面的地名之下（区划中的“{name}”：{}），名称自相矛盾，不作猜测",
                elsewhere.join("；")
            ));
            Outcome::Unresolved
        }
        [] => {
            evidence.push("未找到地名".to_string());
            Outcome::Unresolved
        }
        [one] => Outcome::Resolved(*one),
        many => {
            evidence.push(format!(
                "地名对应 {} 个单位，名称中没有可区分的上级，不作猜测",
                many.len()
            ));
            Outcome::Ambiguous(many.to_vec())
        }
    };
    // A 乡/镇/街道 unit's 人民政府 or 办事处 is a township body.
    if !candidates.is_empty()
        && candidates
            .iter()
            .all(|&id| g.unit(id).level == Level::Township)
        && body == BodyKind::Government
    {
        body = BodyKind::TownshipGovernment;
    }
    if let Outcome::Resolved(id) = outcome {
        let unit = g.unit(id);
        if body == BodyKind::ZoneCommittee && unit.kind != crate::UnitKind::DevelopmentZone {
            evidence.push(format!(
                "“{body_text}”不是区划单位，归入所在的{}",
                unit.name
            ));
        }
    }
    if !body_text.is_empty() {
        evidence.push(format!("机构部分“{body_text}”：{}", body.label()));
    }
    AgencyResolution {
        outcome,
        body,
        body_text,
        evidence,
        chain_start,
    }
}

/// Read the place chain from the start of `text`. Returns the candidates of the
/// last link and the number of bytes read.
pub(crate) fn read_chain(
    g: &Gazetteer,
    text: &str,
    evidence: &mut Vec<String>,
) -> (Vec<UnitId>, usize) {
    let mut current: Vec<UnitId> = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &text[pos..];
        // Byte offsets of the char boundaries, longest prefix first.
        let ends: Vec<usize> = rest
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .take(g.longest_name)
            .collect();
        let mut found = None;
        for &end in ends.iter().rev() {
            let prefix = &rest[..end];
            let entries = g.by_name(prefix);
            if entries.is_empty() {
                continue;
            }
            // A short form followed by a unit suffix names something else: 邯郸县 is
            // not 邯郸(市) + 县人民政府.
            let next_is_suffix = rest[end..]
                .chars()
                .next()
                .is_some_and(|c| "省市县区州盟旗镇乡".contains(c));
            let under: Vec<(UnitId, NameForm)> = entries
                .iter()
                .copied()
                .filter(|&(_, form)| !(form == NameForm::Short && next_is_suffix))
                .filter(|&(id, _)| {
                    !is_institution(g, id)
                        && (current.is_empty() || current.iter().any(|&p| g.is_ancestor(p, id)))
                })
                .collect();
            if !under.is_empty() {
                found = Some((prefix, end, under));
                break;
            }
        }
        let Some((prefix, end, under)) = found else {
            break;
        };
        let short = under.iter().any(|&(_, form)| form == NameForm::Short);
        let former = under.iter().any(|&(_, form)| form == NameForm::Former);
        let mut ids: Vec<UnitId> = under.into_iter().map(|(id, _)| id).collect();
        ids.dedup();
        // A township-level unit that shares a county-level name (获嘉县's 西工区, a
        // township-level zone, beside 洛阳市西工区) is not what an agency named
        // after the county means; drop it and say so.
        let top = ids.iter().map(|&id| g.unit(id).level).min();
        if top.is_some_and(|l| l < Level::Township) {
            let dropped = ids
                .iter()
                .filter(|&&id| g.unit(id).level == Level::Township)
                .count();
            if dropped > 0 {
                ids.retain(|&id| g.unit(id).level < Level::Township);
                evidence.push(format!(
                    "“{prefix}”另有 {dropped} 个同名乡级单位，取县级以上单位"
                ));
            }
        }
        // A unit and a unit below it with the same name (嘉峪关市 and the county-level
        // 嘉峪关市 that is its only child) have one government: the name means the
        // upper one.
        if let Some(&top) = ids.iter().find(|&&a| {
            ids.iter()
                .all(|&b| b == a || (g.is_ancestor(a, b) && g.unit(b).name == g.unit(a).name))
        }) {
            if ids.len() > 1 {
                evidence.push(format!(
                    "“{prefix}”既是 {} 也是其下级的同名单位，取上级",
                    g.unit(top).code
                ));
                ids = vec![top];
            }
        }
        let names: Vec<String> = ids
            .iter()
            .map(|&id| format!("{} {}", g.unit(id).code, g.path_names(id)))
            .collect();
        let note = match (short, former) {
            (_, true) => {
                let old: Vec<String> = g
                    .former_by_name(prefix)
                    .filter(|f| f.successor.is_some_and(|s| ids.contains(&s)))
                    .map(|f| format!("{} {}", f.code, f.change.label()))
                    .collect();
                format!("（旧称，{}）", old.join("、"))
            }
            (true, false) => "（简称）".to_string(),
            (false, false) => String::new(),
        };
        evidence.push(format!("“{prefix}”{note}：{}", names.join("；")));
        current = ids;
        pos += end;
    }
    (current, pos)
}

/// A full unit name of at least three characters, county level or above, that
/// `body` starts with although it is neither above nor under any of `under`: with
/// the places of its own path.
fn stray_place(g: &Gazetteer, body: &str, under: &[UnitId]) -> Option<(String, Vec<String>)> {
    let ends: Vec<usize> = body
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .skip(2)
        .take(g.longest_name)
        .collect();
    for &end in ends.iter().rev() {
        let prefix = &body[..end];
        let elsewhere: Vec<String> = g
            .by_name(prefix)
            .iter()
            .filter(|&&(id, form)| {
                form == NameForm::Full
                    && g.unit(id).level <= Level::County
                    // Repeating a place of the chain (克东县黑龙江省…) contradicts nothing.
                    && !under
                        .iter()
                        .any(|&u| u == id || g.is_ancestor(u, id) || g.is_ancestor(id, u))
            })
            .map(|&(id, _)| format!("{} {}", g.unit(id).code, g.path_names(id)))
            .collect();
        if !elsewhere.is_empty() {
            return Some((prefix.to_string(), elsewhere));
        }
    }
    None
}

/// Township-level units that are institutions rather than places (鸡东县's unit
/// named 林业局, 开发区管理委员会, 社会救助安置中心): their names are also body
/// names, so reading them as places would take 鸡东县林业局 for the unit instead of
/// the county's forestry bureau. They are not read as places; their codes still work.
fn is_institution(g: &Gazetteer, id: UnitId) -> bool {
    const SUFFIXES: &[&str] = &["局", "会", "处", "所", "公司", "中心"];
    let unit = g.unit(id);
    unit.level == Level::Township
        && unit.kind == crate::UnitKind::Other
        && SUFFIXES.iter().any(|s| unit.name.ends_with(s))
}

fn body_kind(body: &str, vertical: bool) -> BodyKind {
    if vertical || VERTICAL_MARKERS.iter().any(|m| body.contains(m)) {
        return BodyKind::Vertical;
    }
    // By suffix, so that an unresolved name (莱芜市人民政府) still says what it is.
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| body.ends_with(s));
    if body.is_empty() {
        BodyKind::PlaceOnly
    } else if ends(&["政府办公室", "政府办公厅", "政府办"]) {
        BodyKind::GovernmentOffice
    } else if ends(&["人民政府"]) || body == "政府" {
        BodyKind::Government
    } else if ends(&["办事处", "街道办"]) {
        BodyKind::TownshipGovernment
    } else if ends(&["管理委员会", "管委会"]) {
        BodyKind::ZoneCommittee
    } else {
        BodyKind::Department
    }
}
