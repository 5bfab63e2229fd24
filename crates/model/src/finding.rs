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
