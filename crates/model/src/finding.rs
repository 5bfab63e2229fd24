//! Findings: what a check says about a report.

use serde::{Deserialize, Serialize};

use crate::report::Location;
use crate::schema::{
    ActiveColumnKey, ActiveRowKey, RequestColumn, RequestRowKey, ReviewColumn, ReviewGroup,
};

/// Whose fault a finding is. These two must never be confused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The report as published is wrong or incomplete.
    Document,
    /// We are not sure we read the report right.
    Extraction,
}

impl FindingKind {
    pub fn display_zh(self) -> &'static str {
        match self {
            FindingKind::Document => "文档问题",
            FindingKind::Extraction => "识别存疑",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn display_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A reference to one cell of the standard tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "table", rename_all = "snake_case")]
pub enum CellRef {
    /// Table 二.
    Active {
        row: ActiveRowKey,
        column: ActiveColumnKey,
    },
    /// Table 三.
    Request {
        row: RequestRowKey,
        column: RequestColumn,
    },
    /// Table 四.
    Review {
        group: ReviewGroup,
        column: ReviewColumn,
    },
}

impl CellRef {
    /// Chinese name of the cell, e.g. "表三「一、本年新收」行「总计」列".
    pub fn describe_zh(&self) -> String {
        match self {
            CellRef::Active { row, column } => {
                let label = crate::schema::ACTIVE_2021
                    .iter()
                    .chain(crate::schema::ACTIVE_2019)
                    .find(|r| r.key == *row)
                    .map(|r| r.label)
                    .unwrap_or("");
                let col = crate::schema::ACTIVE_2021
                    .iter()
                    .chain(crate::schema::ACTIVE_2019)
                    .flat_map(|r| r.columns.iter())
                    .find(|c| c.key == *column)
                    .map(|c| c.label)
                    .unwrap_or("");
                format!("表二「{label}」「{col}」")
            }
            CellRef::Request { row, column } => {
                format!("表三「{}」行「{}」列", row.def().short, column.label())
            }
            CellRef::Review { group, column } => {
                format!("表四「{}」「{}」", group.label(), column.label())
            }
        }
    }

    /// The cell as `row:column` of the canonical JSON keys (`granted:natural_person`,
    /// `administrative_review:maintained`, `regulations:issued`): how commands and
    /// links name a cell. [`CellRef::from_key`] reads it back.
    pub fn key(&self) -> String {
        match self {
            CellRef::Active { row, column } => format!("{}:{}", row.key(), column.key()),
            CellRef::Request { row, column } => format!("{}:{}", row.key(), column.key()),
            CellRef::Review { group, column } => format!("{}:{}", group.key(), column.key()),
        }
    }

    /// The cell a `row:column` key names, in any of the three tables.
    pub fn from_key(s: &str) -> Option<CellRef> {
        let (row, column) = s.split_once(':')?;
        if let (Some(row), Some(column)) = (
            RequestRowKey::from_key(row),
            RequestColumn::ALL.into_iter().find(|c| c.key() == column),
        ) {
            return Some(CellRef::Request { row, column });
        }
        if let (Some(group), Some(column)) = (
            ReviewGroup::ALL.into_iter().find(|g| g.key() == row),
            ReviewColumn::ALL.into_iter().find(|c| c.key() == column),
        ) {
            return Some(CellRef::Review { group, column });
        }
        let row = serde_json::from_value::<ActiveRowKey>(serde_json::Value::from(row)).ok()?;
        let column =
            serde_json::from_value::<ActiveColumnKey>(serde_json::Value::from(column)).ok()?;
        Some(CellRef::Active { row, column })
    }
}

/// A place in the source that a finding points at, with what is there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Label {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Short Chinese text shown under the underline, e.g. "总计 9".
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<CellRef>,
}

/// One diagnostic about one report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule code, e.g. "A101".
    pub code: String,
    /// Stable kebab-case rule name, e.g. "table3-column-balance".
    pub name: String,
    pub kind: FindingKind,
    pub severity: Severity,
    /// One line of Chinese for the reviewer, specific to this occurrence.
    pub message: String,
    /// Places in the source; the first is the primary one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Supporting lines, e.g. the arithmetic spelled out: "7 + 0 ≠ 6 + 0".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Finding {
    /// The primary location, if any.
    pub fn location(&self) -> Option<&Location> {
        self.labels.iter().find_map(|l| l.location.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_key_reads_back_as_the_cell() {
        use crate::schema::ACTIVE_2021;
        let mut cells = Vec::new();
        for row in crate::schema::REQUEST_ROWS {
            for column in RequestColumn::ALL {
                cells.push(CellRef::Request {
                    row: row.key,
                    column,
                });
            }
        }
        for group in ReviewGroup::ALL {
            for column in ReviewColumn::ALL {
                cells.push(CellRef::Review { group, column });
            }
        }
        for r in ACTIVE_2021 {
            for c in r.columns {
                cells.push(CellRef::Active {
                    row: r.key,
                    column: c.key,
                });
            }
        }
        let n = cells.len();
        assert_eq!(n, crate::schema::REQUEST_ROWS.len() * 7 + 15 + 10);
        for c in cells {
            assert_eq!(CellRef::from_key(&c.key()), Some(c), "{}", c.key());
        }
        assert_eq!(
            CellRef::from_key("granted:natural_person"),
            Some(CellRef::Request {
                row: RequestRowKey::Granted,
                column: RequestColumn::NaturalPerson
            })
        );
        for bad in [
            "",
            "granted",
            "granted:",
            ":total",
            "total:granted",
            "regulations:x",
        ] {
            assert_eq!(CellRef::from_key(bad), None, "{bad}");
        }
    }
}
