//! The three statistical tables drawn as the official tables, each cell marked by
//! the findings on it.
//!
//! A cell is drawn as read: a number, an amount, the printed text of an invalid value;
//! a blank cell stays empty (blank is not zero) and a cell that was not found in the
//! document says so (未读出). A cell some finding points at carries the worst
//! severity's class and the findings' codes; `data-cell` names it for the page's
//! script, which links it to the finding and the source place.

use std::collections::BTreeMap;

use gongkai_model::schema::{
    active_rows, ActiveRowDef, RequestColumn, RequestGroup, ReviewColumn, ReviewGroup, REQUEST_ROWS,
};
use gongkai_model::{Cell, CellRef, Finding, Origin, Report, Severity};
use maud::{html, Markup};

/// The findings on each cell: the worst severity and the codes, in finding order.
#[derive(Default)]
pub struct CellMarks {
    marks: BTreeMap<String, (Severity, Vec<String>)>,
    /// A link on a cell's number (the ledger's drill-down), by [`cell_id`].
    links: BTreeMap<String, String>,
}

impl CellMarks {
    pub fn of(findings: &[Finding]) -> CellMarks {
        let mut marks: BTreeMap<String, (Severity, Vec<String>)> = BTreeMap::new();
        for f in findings {
            for cell in f.labels.iter().filter_map(|l| l.cell.as_ref()) {
                let e = marks
                    .entry(cell_id(cell))
                    .or_insert((f.severity, Vec::new()));
                e.0 = e.0.max(f.severity);
                if !e.1.contains(&f.code) {
                    e.1.push(f.code.clone());
                }
            }
        }
        CellMarks {
            marks,
            links: BTreeMap::new(),
        }
    }

    /// Cells whose numbers link somewhere: `(cell, href)`.
    pub fn linked(links: impl IntoIterator<Item = (CellRef, String)>) -> CellMarks {
        CellMarks {
            marks: BTreeMap::new(),
            links: links.into_iter().map(|(c, h)| (cell_id(&c), h)).collect(),
        }
    }

    fn get(&self, cell: &CellRef) -> Option<&(Severity, Vec<String>)> {
        self.marks.get(&cell_id(cell))
    }
}

/// A stable id for a cell: `active.regulations.issued`, `request.new_received.total`.
pub fn cell_id(cell: &CellRef) -> String {
    match cell {
        CellRef::Active { row, column } => format!("active.{}.{}", row.key(), column.key()),
        CellRef::Request { row, column } => format!("request.{}.{}", row.key(), column.key()),
        CellRef::Review { group, column } => format!("review.{}.{}", group.key(), column.key()),
    }
}

fn td(cell: Option<&Cell>, at: CellRef, marks: &CellMarks) -> Markup {
    let id = cell_id(&at);
    let (text, state) = match cell {
        None => (String::new(), "absent"),
        Some(c) if c.origin == Origin::NotFound => ("未读出".to_string(), "unread"),
        Some(c) if c.is_blank() => (String::new(), "blank"),
        Some(c) if c.origin == Origin::Inferred => (c.display(), "inferred"),
        Some(c) => (c.display(), "printed"),
    };
    let (severity, codes) = match marks.get(&at) {
        Some((s, codes)) => (Some(s.as_str()), codes.join(" ")),
        None => (None, String::new()),
    };
    let class = match severity {
        Some(s) => format!("cell {state} marked {s}"),
        None => format!("cell {state}"),
    };
    let link = marks.links.get(&id);
    html! {
        td class=(class) data-cell=(id) data-findings=(codes) title=(codes) {
            @if let Some(href) = link { a href=(href) { (text) } } @else { (text) }
        }
    }
}

/// Table 二, block by block as printed (each 第二十条 item with its own columns).
pub fn active(report: &Report, marks: &CellMarks) -> Markup {
    let Some(table) = &report.active else {
        return html! { p.unread { "未找到表二（主动公开政府信息情况），或未能读出。" } };
    };
    let defs = active_rows(table.edition);
    let mut blocks: Vec<(&str, Vec<&ActiveRowDef>)> = Vec::new();
    for def in defs {
        match blocks.last_mut() {
            Some((block, rows)) if *block == def.block => rows.push(def),
            _ => blocks.push((def.block, vec![def])),
        }
    }
    html! {
        table.official.active {
            caption { "二、主动公开政府信息情况" }
            @for (block, rows) in &blocks {
                tr.block { th colspan="4" { (block) } }
                tr {
                    th { "信息内容" }
                    @for col in rows[0].columns { th { (col.label) } }
                }
                @for def in rows {
                    tr {
                        th.row { (def.label) }
                        @for col in def.columns {
                            (td(
                                table.cell(def.key, col.key),
                                CellRef::Active { row: def.key, column: col.key },
                                marks,
                            ))
                        }
                    }
                }
            }
        }
    }
}

const NATURAL_AND_ORGS: [RequestColumn; 7] = [
    RequestColumn::NaturalPerson,
    RequestColumn::CommercialEnterprise,
    RequestColumn::ResearchInstitution,
    RequestColumn::SocialWelfareOrg,
    RequestColumn::LegalServiceOrg,
    RequestColumn::OtherOrg,
    RequestColumn::Total,
];

/// Table 三: the official two-row header, then each row as printed (rows of the
/// other edition are left out).
pub fn requests(report: &Report, marks: &CellMarks) -> Markup {
    let Some(table) = &report.requests else {
        return html! { p.unread { "未找到表三（收到和处理政府信息公开申请情况），或未能读出。" } };
    };
    html! {
        table.official.requests {
            caption { "三、收到和处理政府信息公开申请情况" }
            tr {
                th rowspan="2" colspan="2" { "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和" }
                th rowspan="2" { "自然人" }
                th colspan="5" { "法人或其他组织" }
                th rowspan="2" { "总计" }
            }
            tr {
                @for col in &NATURAL_AND_ORGS[1..6] { th { (col.label()) } }
            }
            @for def in REQUEST_ROWS.iter().filter(|d| table.row(d.key).is_some()) {
                tr {
                    @if def.group == RequestGroup::None {
                        th.row colspan="2" { (def.label) }
                    } @else {
                        th.group { (def.group.label()) }
                        th.row { (def.label) }
                    }
                    @for col in NATURAL_AND_ORGS {
                        (td(
                            table.cell(def.key, col),
                            CellRef::Request { row: def.key, column: col },
                            marks,
                        ))
                    }
                }
            }
        }
    }
}

/// Table 四: 行政复议 and the two kinds of 行政诉讼, five columns each.
pub fn review(report: &Report, marks: &CellMarks) -> Markup {
    let Some(table) = &report.review else {
        return html! { p.unread { "未找到表四（政府信息公开行政复议、行政诉讼情况），或未能读出。" } };
    };
    html! {
        table.official.review {
            caption { "四、政府信息公开行政复议、行政诉讼情况" }
            tr {
                th colspan="5" rowspan="2" { "行政复议" }
                th colspan="10" { "行政诉讼" }
            }
            tr {
                th colspan="5" { (ReviewGroup::LitigationDirect.label()) }
                th colspan="5" { (ReviewGroup::LitigationAfterReview.label()) }
            }
            tr {
                @for _ in ReviewGroup::ALL {
                    @for col in ReviewColumn::ALL { th { (col.label()) } }
                }
            }
            tr {
                @for group in ReviewGroup::ALL {
                    @for col in ReviewColumn::ALL {
                        (td(Some(table.cell(group, col)), CellRef::Review { group, column: col }, marks))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::{FindingKind, Label};

    fn seed() -> Report {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/seeds/000_bdef848fa1eb37a7.txt"
        );
        let text = std::fs::read_to_string(path).unwrap();
        gongkai_parse::parse_text("000.txt", text).unwrap().report
    }

    #[test]
    fn a_seed_draws_every_cell_it_has() {
        let r = seed();
        let marks = CellMarks::default();
        let count = |m: Markup| m.into_string().matches("<td ").count();
        let active_cells: usize = r
            .active
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .map(|row| row.cells.len())
            .sum();
        assert_eq!(count(active(&r, &marks)), active_cells);
        assert_eq!(
            count(requests(&r, &marks)),
            r.requests.as_ref().unwrap().rows.len() * 7
        );
        assert_eq!(count(review(&r, &marks)), 15);
    }

    #[test]
    fn a_missing_table_is_said_unread_not_drawn_empty() {
        let r = Report::default();
        let marks = CellMarks::default();
        assert!(active(&r, &marks).into_string().contains("未找到表二"));
        assert!(requests(&r, &marks).into_string().contains("未找到表三"));
        assert!(review(&r, &marks).into_string().contains("未找到表四"));
    }

    #[test]
    fn cells_carry_their_findings_and_text_is_escaped() {
        let mut r = Report::default();
        let mut t = gongkai_model::ReviewTable::default();
        t.cells[0][0].value = Some(gongkai_model::Value::Count(3));
        t.cells[0][1].value = Some(gongkai_model::Value::Invalid("<script>x</script>".into()));
        r.review = Some(t);
        let finding = Finding {
            code: "T401".into(),
            name: "review-total".into(),
            kind: FindingKind::Document,
            severity: Severity::Error,
            message: "m".into(),
            labels: vec![Label {
                location: None,
                message: "合计".into(),
                cell: Some(CellRef::Review {
                    group: ReviewGroup::Review,
                    column: ReviewColumn::Upheld,
                }),
            }],
            notes: vec![],
        };
        let html = review(&r, &CellMarks::of(&[finding])).into_string();
        assert!(html.contains(
            r#"<td class="cell printed marked error" data-cell="review.review.upheld" data-findings="T401" title="T401">3</td>"#
        ), "{html}");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!html.contains("<script>"));
        // Blank is drawn empty, not 0.
        assert!(html.contains(r#"<td class="cell blank" data-cell="review.review.other" data-findings="" title=""></td>"#), "{html}");
    }
}
