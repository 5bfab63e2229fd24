//! `gongkai eval` for people: the runner's result ([`gongkai_eval::run`]) as a table of
//! documents, the wrong cells and the totals.

use std::fmt::Write as _;
use std::path::Path;

use gongkai_eval::{EvalResult, Score};

use crate::render::pad;

fn cell(s: Option<&Score>) -> String {
    match s {
        Some(s) => format!("{}/{}", s.correct, s.total),
        None => "-".into(),
    }
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

pub fn human(r: &EvalResult, verbose: bool) -> String {
    let mut out = String::new();
    let name_w = r
        .documents
        .iter()
        .map(|d| file_name(&d.file).chars().count())
        .max()
        .unwrap_or(4)
        .max(4)
        + 2;
    let _ = writeln!(
        out,
        "{}{}{}{}{}机关/年份/版本  预期发现",
        pad("文档", name_w),
        pad("表二", 10),
        pad("表三", 10),
        pad("表四", 10),
        pad("全部单元格", 18),
    );
    for d in &r.documents {
        let all = d.score.cells();
        let exp: Vec<String> = d
            .expected
            .iter()
            .map(|(n, ok)| format!("{n} {}", mark(*ok)))
            .collect();
        let _ = writeln!(
            out,
            "{}{}{}{}{}{}  {}",
            pad(file_name(&d.file), name_w),
            pad(&cell(d.score.tables.get("active_disclosure")), 10),
            pad(&cell(d.score.tables.get("requests")), 10),
            pad(&cell(d.score.tables.get("review_litigation")), 10),
            pad(&format!("{} {:.1}%", cell(Some(&all)), all.percent()), 18),
            pad(
                &format!(
                    "{} {} {}",
                    mark(d.score.agency_ok),
                    mark(d.score.year_ok),
                    mark(d.score.edition_ok)
                ),
                14
            ),
            if exp.is_empty() {
                "（无）".to_string()
            } else {
                exp.join("，")
            }
        );
        if let Some(e) = &d.error {
            let _ = writeln!(out, "    读取失败：{e}");
        }
        if let Some(fa) = &d.false_alarms {
            for f in fa {
                let _ = writeln!(out, "    误报：{f}");
            }
        }
        for e in &d.silent {
            let _ = writeln!(out, "    未标存疑的错误单元格：{e}");
        }
        if verbose {
            for m in &d.score.mismatches {
                let _ = writeln!(
                    out,
                    "    错误单元格 {}：应为 {}，读为 {}",
                    m.path,
                    gongkai_eval::show_value(&m.expected),
                    gongkai_eval::show_value(&m.got)
                );
            }
            for n in &d.truth_notes {
                let _ = writeln!(out, "    · {n}");
            }
        }
    }
    let _ = writeln!(
        out,
        "\n合计：{} 个文档，{} 个完全正确；单元格 {}/{}（{:.2}%）；表二 {}，表三 {}，表四 {}",
        r.documents.len(),
        r.documents_exact,
        r.cells.correct,
        r.cells.total,
        r.cells.percent(),
        cell(r.tables.get("active_disclosure")),
        cell(r.tables.get("requests")),
        cell(r.tables.get("review_litigation")),
    );
    let _ = writeln!(
        out,
        "预期发现：{}/{} 已发现；误报（未预期的文档错误）：{}；未标存疑的错误单元格：{}",
        r.expected_found, r.expected_total, r.false_alarms, r.silent_errors
    );
    out
}

fn file_name(p: &str) -> &str {
    Path::new(p)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(p)
}
