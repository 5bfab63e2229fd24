//! An agency placed: its unit, level and body, using the name first and then what
//! else is known — the report's own text, folders it was found in, the reports
//! beside it — to narrow a name that several units carry.
//!
//! Narrowing never guesses. A piece of context counts only when it points at exactly
//! one of the candidates; when it points at several, or at none, the name stays
//! ambiguous and the evidence says what was tried.

use gongkai_model::agency::Level;
use serde::Serialize;

use crate::resolve::{read_chain, resolve_agency, AgencyResolution, BodyKind, Outcome};
use crate::{Gazetteer, UnitId, UnitKind};

/// A unit the agency is known to lie in (or be), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub unit: UnitId,
    /// Chinese, e.g. "文件所在文件夹“南京市”".
    pub why: String,
}

/// What is known about an agency besides its name.
#[derive(Clone, Debug, Default)]
pub struct Context<'a> {
    /// The report's own text: title and body.
    pub text: Option<&'a str>,
    /// Units the agency lies in, from outside the report.
    pub hints: Vec<Hint>,
}

/// Whether the agency's unit is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceStatus {
    /// One unit.
    Resolved,
    /// Several units carry the name and nothing narrowed them.
    Ambiguous,
    /// No unit found.
    Unresolved,
}

impl PlaceStatus {
    pub fn key(self) -> &'static str {
        match self {
            PlaceStatus::Resolved => "resolved",
            PlaceStatus::Ambiguous => "ambiguous",
            PlaceStatus::Unresolved => "unresolved",
        }
    }

    pub fn from_key(s: &str) -> Option<PlaceStatus> {
        [
            PlaceStatus::Resolved,
            PlaceStatus::Ambiguous,
            PlaceStatus::Unresolved,
        ]
        .into_iter()
        .find(|p| p.key() == s)
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            PlaceStatus::Resolved => "已定位",
            PlaceStatus::Ambiguous => "有歧义",
            PlaceStatus::Unresolved => "未定位",
        }
    }
}

/// Where an agency is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub status: PlaceStatus,
    /// The unit's code, when resolved.
    pub code: Option<String>,
    /// The unit's path as one name (河南省新乡市辉县市), when resolved; empty otherwise.
    pub region: String,
    pub level: Level,
    pub body: BodyKind,
    /// The candidates' codes, when ambiguous.
    pub candidates: Vec<String>,
    /// Chinese, in order.
    pub evidence: Vec<String>,
    /// When context resolved a name that alone was ambiguous: the name with the
    /// place that tells it apart (鼓楼区人民政府 → 南京市鼓楼区人民政府), so that two
    /// agencies of one name in different cities stay two agencies.
    pub qualified_name: Option<String>,
}

impl Place {
    /// A place given by the user (a mapping file's 地区), resolved as a place name
    /// or code. `Err` says why the given region names no single unit.
    pub fn given(
        g: &Gazetteer,
        region: &str,
        level: Option<Level>,
        body: BodyKind,
    ) -> Result<Place, String> {
        let id = find_region(g, region)?;
        let unit_level = level_of_unit(g, id);
        Ok(Place {
            status: PlaceStatus::Resolved,
            code: Some(g.unit(id).code.to_string()),
            region: region_name(g, id),
            level: level.unwrap_or(match body {
                BodyKind::Government | BodyKind::TownshipGovernment | BodyKind::PlaceOnly => {
                    unit_level
                }
                BodyKind::ZoneCommittee => Level::District,
                _ => Level::Department,
            }),
            body,
            candidates: Vec::new(),
            evidence: vec![format!(
                "对照表给出地区“{region}”：{} {}",
                g.unit(id).code,
                g.path_names(id)
            )],
            qualified_name: None,
        })
    }
}

/// Place an agency by its (canonical) name and the context.
pub fn place_agency(g: &Gazetteer, name: &str, ctx: &Context) -> Place {
    let AgencyResolution {
        outcome,
        body,
        body_text,
        mut evidence,
        chain_start,
    } = resolve_agency(g, name);
    let mut qualified_name = None;
    let outcome = match outcome {
        Outcome::Ambiguous(candidates) => match narrow(g, &candidates, ctx) {
            Narrowed::To(id, why) => {
                evidence.push(why);
                qualified_name = qualify(g, name, chain_start, id);
                Outcome::Resolved(id)
            }
            Narrowed::Not(why) => {
                evidence.extend(why);
                Outcome::Ambiguous(candidates)
            }
        },
        other => other,
    };
    let units: Vec<UnitId> = match &outcome {
        Outcome::Resolved(id) => vec![*id],
        Outcome::Ambiguous(c) => c.clone(),
        Outcome::Unresolved => Vec::new(),
    };
    let level = match body {
        BodyKind::Government | BodyKind::TownshipGovernment | BodyKind::PlaceOnly => {
            let mut levels = units.iter().map(|&id| level_of_unit(g, id));
            match levels.next() {
                // All candidates of one level (every 鼓楼区 is a 市辖区): the level is
                // known even where the unit is not.
                Some(first) if levels.all(|l| l == first) => first,
                Some(_) => Level::Unknown,
                None if body_text.ends_with("街道办事处") => Level::Subdistrict,
                None if body_text.ends_with("镇人民政府") || body_text.ends_with("乡人民政府") => {
                    Level::Township
                }
                None => Level::Unknown,
            }
        }
        BodyKind::ZoneCommittee => Level::District,
        BodyKind::GovernmentOffice | BodyKind::Department | BodyKind::Vertical => Level::Department,
    };
    match outcome {
        Outcome::Resolved(id) => Place {
            status: PlaceStatus::Resolved,
            code: Some(g.unit(id).code.to_string()),
            region: region_name(g, id),
            level,
            body,
            candidates: Vec::new(),
            evidence,
            qualified_name,
        },
        Outcome::Ambiguous(c) => Place {
            status: PlaceStatus::Ambiguous,
            code: None,
            region: String::new(),
            level,
            body,
            candidates: c.iter().map(|&id| g.unit(id).code.to_string()).collect(),
            evidence,
            qualified_name: None,
        },
        Outcome::Unresolved => Place {
            status: PlaceStatus::Unresolved,
            code: None,
            region: String::new(),
            level,
            body,
            candidates: Vec::new(),
            evidence,
            qualified_name: None,
        },
    }
}

/// The unit a region query names: a code (current or former), or a place name
/// written whole (河南省新乡市, 辉县市, 新乡). `Err` says why not one unit, in Chinese,
/// listing candidates when there are several.
pub fn find_region(g: &Gazetteer, query: &str) -> Result<UnitId, String> {
    let query = query.trim();
    if query.is_empty() {
        return Err("地区为空".to_string());
    }
    if query.bytes().all(|b| b.is_ascii_digit()) {
        if let Some(id) = g.by_code(query) {
            return Ok(id);
        }
        return match g.former_by_code(query) {
            Some(f) => match f.successor {
                Some(id) => Ok(id),
                None => Err(format!(
                    "区划代码 {query}（{}）已撤销，现行区划中没有确定的继承单位",
                    f.name
                )),
            },
            None => Err(format!("区划代码 {query} 不存在")),
        };
    }
    let text: String = query
        .chars()
        .filter(|&c| !c.is_whitespace() && !crate::is_bracket(c))
        .collect();
    let mut evidence = Vec::new();
    let (candidates, consumed) = read_chain(g, &text, &mut evidence);
    if consumed > 0 && consumed < text.len() {
        return Err(format!(
            "“{query}”不是区划中的地名（“{}”之后无法识别）",
            &text[..consumed]
        ));
    }
    match candidates.as_slice() {
        [] => Err(format!("“{query}”不是区划中的地名")),
        [one] => Ok(*one),
        many => Err(format!(
            "“{query}”对应 {} 个单位，请写明上级或用区划代码：{}",
            many.len(),
            many.iter()
                .map(|&id| format!(
                    "{} {}",
                    g.unit(id).code,
                    g.path_names(id).replace(" › ", "")
                ))
                .collect::<Vec<_>>()
                .join("；")
        )),
    }
}

/// Hints from the folders a file was found in: each folder name that reads whole as
/// one place (南京市, 江苏省南京市鼓楼区, 320106) is a unit the file's agency lies in.
pub fn folder_hints<'a>(g: &Gazetteer, folders: impl IntoIterator<Item = &'a str>) -> Vec<Hint> {
    folders
        .into_iter()
        .filter_map(|f| {
            let id = find_region(g, f).ok()?;
            Some(Hint {
                unit: id,
                why: format!(
                    "文件所在文件夹“{f}”：{} {}",
                    g.unit(id).code,
                    g.unit(id).name
                ),
            })
        })
        .collect()
}

/// The administrative level an agency that is this unit's government has.
pub fn level_of_unit(g: &Gazetteer, id: UnitId) -> Level {
    let unit = g.unit(id);
    match unit.level {
        crate::Level::Province => Level::Province,
        crate::Level::Prefecture => Level::City,
        crate::Level::County => match unit.kind {
            UnitKind::District | UnitKind::DevelopmentZone | UnitKind::SpecialDistrict => {
                Level::District
            }
            _ => Level::County,
        },
        crate::Level::Township => match unit.kind {
            UnitKind::Subdistrict => Level::Subdistrict,
            _ => Level::Township,
        },
    }
}

/// A unit's path as one name: 河南省新乡市辉县市.
pub fn region_name(g: &Gazetteer, id: UnitId) -> String {
    g.path(id).into_iter().map(|u| g.unit(u).name).collect()
}

enum Narrowed {
    To(UnitId, String),
    Not(Vec<String>),
}

/// Narrow ambiguous candidates by the context, strongest evidence first: hints from
/// outside the report, the place written whole in the text (南京市鼓楼区), the
/// candidates' parents named in the text, then the candidates' own townships.
fn narrow(g: &Gazetteer, candidates: &[UnitId], ctx: &Context) -> Narrowed {
    let mut tried = Vec::new();
    // Hints: a candidate that is, or lies under, a hinted unit.
    let mut hinted: Vec<(UnitId, &str)> = Vec::new();
    for h in &ctx.hints {
        for &c in candidates {
            if (c == h.unit || g.is_ancestor(h.unit, c)) && !hinted.iter().any(|&(x, _)| x == c) {
                hinted.push((c, &h.why));
            }
        }
    }
    match hinted.as_slice() {
        [(one, why)] => {
            return Narrowed::To(
                *one,
                format!(
                    "{why}：候选中只有 {} {} 在其中",
                    g.unit(*one).code,
                    g.path_names(*one)
                ),
            )
        }
        [] => {}
        many => tried.push(format!("外部线索指向 {} 个候选，仍不能确定", many.len())),
    }
    let Some(text) = ctx.text else {
        return Narrowed::Not(tried);
    };
    type Terms = fn(&Gazetteer, UnitId) -> Vec<String>;
    let tiers: [(&str, Terms, usize); 3] = [
        (
            "正文写出完整地名",
            |g, c| {
                let unit = g.unit(c);
                g.path(c)
                    .into_iter()
                    .filter(|&a| a != c)
                    .map(|a| format!("{}{}", g.unit(a).name, unit.name))
                    .collect()
            },
            1,
        ),
        (
            "正文提到上级",
            |g, c| {
                g.path(c)
                    .into_iter()
                    .filter(|&a| a != c)
                    .map(|a| g.unit(a).name.to_string())
                    .collect()
            },
            1,
        ),
        (
            "正文提到下辖乡镇街道",
            |g, c| {
                g.children(c)
                    .iter()
                    .map(|&t| g.unit(t).name)
                    .filter(|n| n.chars().count() >= 3)
                    .map(str::to_string)
                    .collect()
            },
            2,
        ),
    ];
    for (what, terms, needed) in tiers {
        let per: Vec<Vec<String>> = candidates.iter().map(|&c| terms(g, c)).collect();
        // Only terms that belong to one candidate tell them apart.
        let distinct = |i: usize, t: &String| {
            per.iter()
                .enumerate()
                .all(|(j, other)| j == i || !other.contains(t))
        };
        let hits: Vec<(UnitId, Vec<&String>)> = per
            .iter()
            .enumerate()
            .map(|(i, ts)| {
                let mut found: Vec<&String> = ts
                    .iter()
                    .filter(|t| distinct(i, t) && text.contains(t.as_str()))
                    .collect();
                found.dedup();
                (candidates[i], found)
            })
            .filter(|(_, found)| found.len() >= needed)
            .collect();
        match hits.as_slice() {
            [(one, found)] => {
                let shown: Vec<&str> = found.iter().take(3).map(|s| s.as_str()).collect();
                return Narrowed::To(
                    *one,
                    format!(
                        "{what}“{}”：候选中只有 {} {} 相符",
                        shown.join("”“"),
                        g.unit(*one).code,
                        g.path_names(*one)
                    ),
                );
            }
            [] => {}
            many => {
                tried.push(format!(
                    "{what}，但指向 {} 个候选（{}），不作猜测",
                    many.len(),
                    many.iter()
                        .map(|(id, _)| g.unit(*id).code)
                        .collect::<Vec<_>>()
                        .join("、")
                ));
                return Narrowed::Not(tried);
            }
        }
    }
    tried.push("报告正文中没有能区分候选的地名".to_string());
    Narrowed::Not(tried)
}

/// The name with the resolved unit's parent written before the place it starts
/// with: 鼓楼区人民政府 → 南京市鼓楼区人民政府.
fn qualify(g: &Gazetteer, name: &str, chain_start: usize, id: UnitId) -> Option<String> {
    let parent = g.unit(id).parent?;
    let text: String = name
        .chars()
        .filter(|&c| !c.is_whitespace() && !crate::is_bracket(c))
        .collect();
    if chain_start > text.len() || !text.is_char_boundary(chain_start) {
        return None;
    }
    Some(format!(
        "{}{}{}",
        &text[..chain_start],
        g.unit(parent).name,
        &text[chain_start..]
    ))
}
