//! `gongkai region NAME_OR_CODE`: a division unit by code or name, its path and
//! children, and for an agency name its resolution with the evidence.
//!
//! Exit status: 0 resolved to one unit, 1 ambiguous (the candidates are listed),
//! 2 nothing matches or the gazetteer could not be loaded.

use std::process::ExitCode;

use gongkai_gazetteer::{gazetteer, resolve_agency, Gazetteer, Outcome, UnitId};
use serde_json::{json, Value};

use crate::Format;

/// The code of the unit a `--region` value names (a place name at any level, or a
/// code). A value that names no single unit is reported, with the candidates, and
/// gives exit code 2.
pub fn region_code(query: &str) -> Result<String, ExitCode> {
    let g = gazetteer().map_err(|e| {
        errln!("gongkai: 无法读取区划数据：{e}");
        ExitCode::from(2)
    })?;
    match gongkai_gazetteer::find_region(g, query) {
        Ok(id) => Ok(g.unit(id).code.to_string()),
        Err(why) => {
            errln!("gongkai: --region：{why}");
            Err(ExitCode::from(2))
        }
    }
}

/// Children listed in human output before "另有 N 个".
const HUMAN_CHILDREN: usize = 20;

pub fn region(query: &str, format: Format) -> ExitCode {
    let g = match gazetteer() {
        Ok(g) => g,
        Err(e) => {
            errln!("无法读取区划数据：{e}");
            return ExitCode::from(2);
        }
    };
    let query = query.trim();
    if query.is_empty() {
        errln!("请给出地名、机关名称或区划代码");
        return ExitCode::from(2);
    }
    let (outcome, kind, body_text, evidence) = if query.bytes().all(|b| b.is_ascii_digit()) {
        match g.by_code(query) {
            Some(id) => (
                Outcome::Resolved(id),
                "地名",
                String::new(),
                vec![format!("区划代码 {query}")],
            ),
            None => match g.former_by_code(query) {
                Some(f) => match f.successor {
                    Some(id) => (
                        Outcome::Resolved(id),
                        "地名",
                        String::new(),
                        vec![format!(
                            "区划代码 {query} 是旧代码（{}，{}），现为 {} {}",
                            f.name,
                            f.change.label(),
                            g.unit(id).code,
                            g.unit(id).name
                        )],
                    ),
                    None => (
                        Outcome::Unresolved,
                        "地名",
                        String::new(),
                        vec![format!(
                            "区划代码 {query} 是已撤销的{}，现行区划中没有确定的继承单位",
                            f.name
                        )],
                    ),
                },
                None => (
                    Outcome::Unresolved,
                    "地名",
                    String::new(),
                    vec![format!("区划代码 {query} 不存在")],
                ),
            },
        }
    } else {
        let r = resolve_agency(g, query);
        (r.outcome, r.body.label(), r.body_text, r.evidence)
    };
    let status = match &outcome {
        Outcome::Resolved(_) => "resolved",
        Outcome::Ambiguous(_) => "ambiguous",
        Outcome::Unresolved => "unresolved",
    };
    let unit = match outcome {
        Outcome::Resolved(id) => Some(id),
        _ => None,
    };
    let candidates: &[UnitId] = match &outcome {
        Outcome::Ambiguous(c) => c,
        _ => &[],
    };
    match format {
        Format::Json => {
            let v = json!({
                "query": query,
                "status": status,
                "code": unit.map(|id| g.unit(id).code),
                "name": unit.map(|id| g.unit(id).name),
                "unit_kind": unit.map(|id| g.unit(id).kind.label()),
                "level": unit.map(|id| g.unit(id).level.label()),
                "path": unit.map(|id| path_json(g, id)).unwrap_or_default(),
                "children": unit.map(|id| children_json(g, id)).unwrap_or_default(),
                "kind": kind,
                "body": body_text,
                "candidates": candidates.iter().map(|&c| json!({
                    "code": g.unit(c).code,
                    "name": g.unit(c).name,
                    "unit_kind": g.unit(c).kind.label(),
                    "path": path_json(g, c),
                })).collect::<Vec<_>>(),
                "evidence": evidence,
                "source": g.source(),
            });
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => {
            let mut s = format!("{query}\n");
            match &outcome {
                Outcome::Resolved(id) => {
                    let u = g.unit(*id);
                    s += &format!(
                        "  单位：{} {}（{}，{}）\n",
                        u.code,
                        u.name,
                        u.kind.label(),
                        u.level.label()
                    );
                    s += &format!("  路径：{}\n", g.path_names(*id));
                }
                Outcome::Ambiguous(c) => {
                    s += &format!("  有歧义：{} 个同名单位，未作猜测\n", c.len());
                    for &id in c {
                        s += &format!("    {} {}\n", g.unit(id).code, g.path_names(id));
                    }
                }
                Outcome::Unresolved => s += "  未找到对应的区划单位\n",
            }
            if !body_text.is_empty() {
                s += &format!("  机构：{body_text}（{kind}）\n");
            }
            if let Some(id) = unit {
                let children = g.children(id);
                if !children.is_empty() {
                    s += &format!("  下级（{} 个）：\n", children.len());
                    for &c in children.iter().take(HUMAN_CHILDREN) {
                        let cu = g.unit(c);
                        s += &format!("    {} {}（{}）\n", cu.code, cu.name, cu.kind.label());
                    }
                    if children.len() > HUMAN_CHILDREN {
                        s += &format!(
                            "    …另有 {} 个，用 --format json 查看全部\n",
                            children.len() - HUMAN_CHILDREN
                        );
                    }
                }
            }
            s += "  依据：\n";
            for e in &evidence {
                s += &format!("    - {e}\n");
            }
            out!("{s}");
        }
    }
    match outcome {
        Outcome::Resolved(_) => ExitCode::SUCCESS,
        Outcome::Ambiguous(_) => ExitCode::from(1),
        Outcome::Unresolved => ExitCode::from(2),
    }
}

fn path_json(g: &Gazetteer, id: UnitId) -> Vec<Value> {
    g.path(id)
        .into_iter()
        .map(|p| json!({"code": g.unit(p).code, "name": g.unit(p).name, "kind": g.unit(p).kind.label()}))
        .collect()
}

fn children_json(g: &Gazetteer, id: UnitId) -> Vec<Value> {
    g.children(id)
        .iter()
        .map(|&c| json!({"code": g.unit(c).code, "name": g.unit(c).name, "kind": g.unit(c).kind.label()}))
        .collect()
}
