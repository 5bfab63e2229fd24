//! `gongkai coverage --region R --year Y`: every body in the region that must publish
//! its annual report for the year, and whether the corpus holds it — present, late or
//! missing — with the reports whose agency could not be placed listed apart.
//!
//! Exit status: 0 when nothing is missing or late, 1 when something is, 2 on an error
//! (an unknown or ambiguous region, a database that cannot be read).

use std::process::ExitCode;

use gongkai_corpus::coverage::{self, Coverage, Status};
use gongkai_corpus::export::sheet_row;
use gongkai_gazetteer::PlaceStatus;
use serde_json::json;

use crate::corpus::DbArgs;
use crate::render::pad;

#[derive(Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum CoverageFormat {
    Human,
    Json,
    /// UTF-8 CSV with a BOM, as Excel and WPS open it.
    Csv,
}

/// Unplaced reports listed in human output before "另有 N 份".
const HUMAN_UNPLACED: usize = 10;

pub fn coverage(
    region: &str,
    year: i32,
    format: CoverageFormat,
    gaps: bool,
    db: &DbArgs,
) -> ExitCode {
    let code = match crate::region::region_code(region) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let c = match compute(&code, year, db) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let shown: Vec<&coverage::Expected> = c
        .expected
        .iter()
        .filter(|e| !gaps || e.status != Status::Present)
        .collect();
    match format {
        CoverageFormat::Json => {
            let v = json!({
                "code": c.code,
                "region": c.region,
                "year": c.year,
                "counts": {
                    "expected": c.expected.len(),
                    "present": c.count(Status::Present),
                    "late": c.count(Status::Late),
                    "missing": c.count(Status::Missing),
                },
                "bodies": shown.iter().map(|e| json!({
                    "name": e.name, "code": e.code, "region": e.region,
                    "kind": e.body.label(), "basis": e.basis, "status": e.status,
                    "report_id": e.report_id, "agency": e.agency,
                    "published": e.published, "signed": e.signed,
                    "deadline": e.deadline, "note": e.note,
                })).collect::<Vec<_>>(),
                "unplaced": c.unplaced,
            });
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        CoverageFormat::Csv => {
            let mut out = String::from(
                "\u{feff}名称,区划代码,地区,机构类别,应报依据,状态,报告编号,语料库中的机关,发布日期,落款日期,期限,说明\n",
            );
            for r in shown.iter().map(|e| sheet_row(e)) {
                let fields = [
                    r.name,
                    r.code,
                    r.region,
                    r.body,
                    r.basis,
                    r.status,
                    r.report_id.map(|i| i.to_string()).unwrap_or_default(),
                    r.agency,
                    r.published,
                    r.signed,
                    r.deadline,
                    r.note,
                ];
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
            out!("{out}");
        }
        CoverageFormat::Human => out!("{}", human(&c, &shown)),
    }
    if c.count(Status::Missing) + c.count(Status::Late) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Coverage of the unit with `code`, from the database.
pub fn compute(code: &str, year: i32, db: &DbArgs) -> Result<Coverage, ExitCode> {
    let g = gongkai_corpus::mapping::gazetteer();
    let Some(root) = g.by_code(code) else {
        errln!("gongkai: 区划代码 {code} 不存在");
        return Err(ExitCode::from(2));
    };
    let mut store = db.open_read_only()?;
    coverage::coverage(&mut store, g, root, year).map_err(|e| {
        errln!("gongkai: {e}");
        ExitCode::from(2)
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn human(c: &Coverage, shown: &[&coverage::Expected]) -> String {
    let mut s = format!(
        "{} {} {} 年度：应发布 {} 个主体，已发布 {}，逾期 {}，未发现 {}\n",
        c.code,
        c.region,
        c.year,
        c.expected.len(),
        c.count(Status::Present),
        c.count(Status::Late),
        c.count(Status::Missing)
    );
    for e in shown {
        let report = e.report_id.map(|id| format!("#{id} ")).unwrap_or_default();
        s += &format!(
            "  {}  {}  {}  {}{}\n",
            pad(e.status.label(), 8),
            pad(&e.code, 12),
            pad(&e.name, 34),
            report,
            e.note
        );
    }
    if !c.unplaced.is_empty() {
        let ambiguous = c
            .unplaced
            .iter()
            .filter(|u| u.status == PlaceStatus::Ambiguous)
            .count();
        s += &format!(
            "另有 {} 份本年度报告的机关无法定位（{} 份同名地区有候选在本地区，{} 份未找到地名），\
未计入上表；上面“未发现”的主体可能在其中：\n",
            c.unplaced.len(),
            ambiguous,
            c.unplaced.len() - ambiguous
        );
        for u in c.unplaced.iter().take(HUMAN_UNPLACED) {
            let here = if u.candidates_here.is_empty() {
                String::new()
            } else {
                format!("（本地区候选 {}）", u.candidates_here.join("、"))
            };
            s += &format!("  #{} {}{here}\n", u.report_id, u.agency);
        }
        if c.unplaced.len() > HUMAN_UNPLACED {
            s += &format!(
                "  …另有 {} 份，用 --format json 查看全部；对照表（gongkai agencies --mapping）可给出地区\n",
                c.unplaced.len() - HUMAN_UNPLACED
            );
        }
    }
    s
}
