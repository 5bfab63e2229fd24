//! What the cross-year rules (Y001, Y002) need from one report: the carry-over row of
//! table 三 and table 二's stock of documents. Plain data, so that the corpus can keep it
//! per report (one small record instead of every cell) and the rules can take it from a
//! stored report or a parsed file alike.

use serde::{Deserialize, Serialize};

use crate::schema::{ActiveColumnKey, ActiveRowKey, Edition, RequestColumn, RequestRowKey};
use crate::Report;

/// One row of table 二's stock of documents (规章, 行政规范性文件).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRow {
    pub issued: Option<i64>,
    pub repealed: Option<i64>,
    pub in_force: Option<i64>,
}

/// What the cross-year rules need from one report. `None` is a blank, invalid or
/// missing cell: the rules skip what they cannot compare.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFacts {
    pub year: i32,
    /// Table 三 二、上年结转, seven columns.
    pub carried_over: [Option<i64>; 7],
    /// Table 三 四、结转下年度继续办理, seven columns.
    pub carried_forward: [Option<i64>; 7],
    /// Table 二 rows 规章 and 行政规范性文件 — only in the 2021 edition, which counts
    /// documents in force.
    pub stock: Option<[StockRow; 2]>,
}

/// The two stock rows of table 二, in [`YearFacts::stock`] order.
pub const STOCK_ROWS: [ActiveRowKey; 2] =
    [ActiveRowKey::Regulations, ActiveRowKey::NormativeDocuments];

impl YearFacts {
    /// The facts of a parsed report; `None` without a year.
    pub fn of(report: &Report) -> Option<YearFacts> {
        let mut facts = YearFacts {
            year: report.year()?,
            ..YearFacts::default()
        };
        if let Some(t) = &report.requests {
            for c in RequestColumn::ALL {
                facts.carried_over[c.index()] = t.value(RequestRowKey::CarriedOver, c);
                facts.carried_forward[c.index()] = t.value(RequestRowKey::CarriedForward, c);
            }
        }
        if let Some(t) = report
            .active
            .as_ref()
            .filter(|t| t.edition == Edition::E2021)
        {
            let row = |key| {
                let v = |col| t.cell(key, col).and_then(|c| c.int());
                StockRow {
                    issued: v(ActiveColumnKey::Issued),
                    repealed: v(ActiveColumnKey::Repealed),
                    in_force: v(ActiveColumnKey::InForce),
                }
            };
            facts.stock = Some([row(STOCK_ROWS[0]), row(STOCK_ROWS[1])]);
        }
        Some(facts)
    }
}
