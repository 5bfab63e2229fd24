//! Sum a set of reports (every department of a county for one year, say) into one set
//! of tables, saying which inputs could not be summed as they are.
//!
//! Blank is not zero here too: a cell of the sum is blank only when every input left it
//! blank; when some did and others did not, the sum is of the printed values and the
//! cell is listed in [`Consolidated::partial`] with how many inputs were blank. Inputs of
//! another edition contribute only the rows both editions share, and are flagged.

use std::collections::BTreeMap;

use gongkai_model::schema::{request_rows, Edition, RequestRowKey};
use gongkai_model::{
    ActiveTable, Cell, Finding, Located, Report, RequestRow, RequestTable, ReviewTable, Value,
};
use serde::Serialize;

/// One report to sum.
pub struct Input<'a> {
    pub label: String,
    pub report: &'a Report,
    /// Its single-report findings, to flag inputs that are themselves inconsistent.
    pub findings: &'a [Finding],
}

/// How one input went into the sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputStatus {
    pub label: String,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub edition: Option<String>,
    /// Why a reviewer should look at this input before trusting the sum.
    pub flags: Vec<String>,
}

/// A cell of the sum that some inputs left blank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartialCell {
    pub table: &'static str,
    pub row: &'static str,
    pub column: &'static str,
    pub blank_inputs: usize,
    pub summed_inputs: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Consolidated {
    /// The summed tables, as a report (no sections, no provenance).
    #[serde(skip)]
    pub report: Report,
    pub edition: Edition,
    pub inputs: Vec<InputStatus>,
    pub partial: Vec<PartialCell>,
    /// The single-report rules run on the sum.
    pub findings: Vec<Finding>,
}

#[derive(Default)]
struct Acc {
    count: Option<i64>,
    /// Amounts in 万元 (or 元), summed in ten-thousandths to stay exact.
    amount: Option<i128>,
    amount_suffix: Option<String>,
    blank: usize,
    summed: usize,
    invalid: bool,
}

impl Acc {
    fn add(&mut self, cell: &Cell) {
        match &cell.value {
            None => self.blank += 1,
            Some(Value::Count(n)) => {
                self.count = Some(self.count.unwrap_or(0) + n);
                self.summed += 1;
            }
            Some(Value::Amount(s)) => match parse_amount(s) {
                Some((v, suffix)) => {
                    self.amount = Some(self.amount.unwrap_or(0) + v);
                    self.amount_suffix.get_or_insert(suffix);
                    self.summed += 1;
                }
                None => self.invalid = true,
            },
            Some(Value::Invalid(_)) => self.invalid = true,
        }
    }
    fn cell(&self) -> Cell {
        let value = match (self.count, self.amount) {
            (Some(c), None) => Some(Value::Count(c)),
            (None, Some(a)) => Some(Value::Amount(format_amount(
                a,
                self.amount_suffix.as_deref().unwrap_or(""),
            ))),
            (Some(c), Some(a)) => Some(Value::Amount(format_amount(
                a + i128::from(c) * 10_000,
                self.amount_suffix.as_deref().unwrap_or(""),
            ))),
            (None, None) => None,
        };
        Cell {
            value,
            ..Cell::default()
        }
    }
}

/// "12.5万元" → (125000, "万元"): ten-thousandths and the unit printed.
fn parse_amount(s: &str) -> Option<(i128, String)> {
    let number = s.trim_end_matches(|c: char| !c.is_ascii_digit());
    let suffix = s[number.len()..].to_string();
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if frac.len() > 4 || int.is_empty() {
        return None;
    }
    let int: i128 = int.parse().ok()?;
    let frac: i128 = format!("{frac:0<4}").parse().ok()?;
    Some((int * 10_000 + frac, suffix))
}

fn format_amount(v: i128, suffix: &str) -> String {
    let (int, frac) = (v / 10_000, v % 10_000);
    let frac = format!("{frac:04}");
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{int}{suffix}")
    } else {
        format!("{int}.{frac}{suffix}")
    }
}

fn most_common<T: Ord + Copy>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for i in items {
        *counts.entry(i).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t)
}

/// Sums `inputs` into one report named `name`.
pub fn consolidate(name: &str, inputs: &[Input<'_>]) -> Consolidated {
    let edition = most_common(
        inputs
            .iter()
            .filter_map(|i| i.report.edition)
            .filter(|e| *e != Edition::Legacy),
    )
    .unwrap_or(Edition::E2021);
    let year = most_common(inputs.iter().filter_map(|i| i.report.year()));
    let split = edition == Edition::E2021;

    let mut active: BTreeMap<(usize, usize), Acc> = BTreeMap::new();
    let mut requests: BTreeMap<(RequestRowKey, usize), Acc> = BTreeMap::new();
    let mut review: BTreeMap<(usize, usize), Acc> = BTreeMap::new();
    let mut statuses = Vec::new();
    let mut agencies: BTreeMap<String, usize> = BTreeMap::new();
    for i in inputs {
        if let Some(a) = i.report.agency() {
            *agencies.entry(a.to_string()).or_default() += 1;
        }
    }
    let template = ActiveTable::empty(edition);
    for input in inputs {
        let r = input.report;
        let mut flags = Vec::new();
        let arithmetic: Vec<&str> = input
            .findings
            .iter()
            .filter(|f| f.code.starts_with('A'))
            .map(|f| f.code.as_str())
            .collect();
        if !arithmetic.is_empty() {
            let mut codes = arithmetic.clone();
            codes.dedup();
            flags.push(format!(
                "本身表格不平衡（{} 处：{}），合计值可能有误",
                arithmetic.len(),
                codes.join("、")
            ));
        }
        if r.year().is_some() && r.year() != year {
            flags.push(format!(
                "年度为 {}，与多数输入（{}）不同",
                r.year().unwrap_or_default(),
                year.unwrap_or_default()
            ));
        }
        if r.agency()
            .is_some_and(|a| agencies.get(a).copied().unwrap_or(0) > 1)
        {
            flags.push("同一机关有多份输入，可能重复计算".into());
        }
        match &r.active {
            Some(t) if t.edition == edition => {
                for (ri, row) in t.rows.iter().enumerate() {
                    if template.rows.get(ri).map(|x| x.key) != Some(row.key) {
                        continue;
                    }
                    for (ci, cell) in row.cells.iter().enumerate() {
                        active.entry((ri, ci)).or_default().add(cell);
                    }
                }
            }
            Some(t) => flags.push(format!(
                "表二为{}年版格式，与合计所用的{}年版不同，未计入表二",
                t.edition.as_str(),
                edition.as_str()
            )),
            None => flags.push("未读到表二".into()),
        }
        match &r.requests {
            Some(t) => {
                if t.splits_other_handling() != split {
                    flags.push(format!(
                        "表三为{}年版格式，“（六）其他处理”未计入合计的分项",
                        t.layout_edition().as_str()
                    ));
                }
                for row in &t.rows {
                    for (ci, cell) in row.cells.iter().enumerate() {
                        requests.entry((row.key, ci)).or_default().add(cell);
                    }
                }
            }
            None => flags.push("未读到表三".into()),
        }
        match &r.review {
            Some(t) => {
                for (gi, g) in t.cells.iter().enumerate() {
                    for (ci, cell) in g.iter().enumerate() {
                        review.entry((gi, ci)).or_default().add(cell);
                    }
                }
            }
            None => flags.push("未读到表四".into()),
        }
        statuses.push(InputStatus {
            label: input.label.clone(),
            agency: r.agency().map(str::to_string),
            year: r.year(),
            edition: r.edition.map(|e| e.as_str().to_string()),
            flags,
        });
    }

    let mut partial = Vec::new();
    let mut note_partial = |table, row, column, acc: &Acc| {
        if acc.blank > 0 && acc.summed > 0 {
            partial.push(PartialCell {
                table,
                row,
                column,
                blank_inputs: acc.blank,
                summed_inputs: acc.summed,
            });
        }
    };

    let mut active_table = template.clone();
    let defs = gongkai_model::schema::active_rows(edition);
    for (ri, row) in active_table.rows.iter_mut().enumerate() {
        for (ci, cell) in row.cells.iter_mut().enumerate() {
            if let Some(acc) = active.get(&(ri, ci)) {
                *cell = acc.cell();
                note_partial(
                    "active_disclosure",
                    row.key.key(),
                    defs[ri].columns[ci].key.key(),
                    acc,
                );
            }
        }
    }
    let request_table = RequestTable {
        rows: request_rows(split)
            .map(|def| RequestRow {
                key: def.key,
                label: Some(Located::new(def.label.to_string(), None)),
                cells: std::array::from_fn(|ci| match requests.get(&(def.key, ci)) {
                    Some(acc) => {
                        note_partial(
                            "requests",
                            def.key.key(),
                            gongkai_model::schema::REQUEST_COLUMN_KEYS[ci],
                            acc,
                        );
                        acc.cell()
                    }
                    None => Cell::not_found(),
                }),
            })
            .collect(),
    };
    let review_table = ReviewTable {
        cells: std::array::from_fn(|gi| {
            std::array::from_fn(|ci| match review.get(&(gi, ci)) {
                Some(acc) => {
                    note_partial(
                        "review_litigation",
                        gongkai_model::schema::ReviewGroup::ALL[gi].key(),
                        gongkai_model::schema::ReviewColumn::ALL[ci].key(),
                        acc,
                    );
                    acc.cell()
                }
                None => Cell::not_found(),
            })
        }),
    };
    let report = Report {
        source: format!("合计：{} 份报告", inputs.len()),
        agency: Some(Located::new(name.to_string(), None)),
        year: year.map(|y| Located::new(y, None)),
        edition: Some(edition),
        active: (!active.is_empty()).then_some(active_table),
        requests: (!requests.is_empty()).then_some(request_table),
        review: (!review.is_empty()).then_some(review_table),
        ..Report::default()
    };
    // The arithmetic and value rules only: the sum has no prose or sections.
    let selection = gongkai_check::Selection::new(&["A".into(), "V".into()], &[])
        .unwrap_or_else(|_| gongkai_check::Selection::all());
    let findings = gongkai_check::check(&report, None, &selection);
    Consolidated {
        report,
        edition,
        inputs: statuses,
        partial,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_sum_exactly() {
        assert_eq!(parse_amount("12.5万元"), Some((125_000, "万元".into())));
        assert_eq!(parse_amount("0.0506"), Some((506, String::new())));
        assert_eq!(parse_amount("1.23456"), None);
        assert_eq!(format_amount(125_000 + 506, "万元"), "12.5506万元");
        assert_eq!(format_amount(30_000, ""), "3");
    }
}
