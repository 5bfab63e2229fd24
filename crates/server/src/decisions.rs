//! Reviewers' decisions on findings, and what makes a finding "the same" from one
//! check or version of a report to the next.
//!
//! A decision is about a finding of one agency's report for one year. It stays with
//! that finding across re-checks and new versions of the report as long as the finding
//! is the same: the same rule, on the same cells, saying the same (its message and its
//! labels' messages carry the values). Where it points in the source is left out —
//! a new version may put the same table on another page. When the finding changes, the
//! decision no longer applies and is shown as history.

use gongkai_model::{CellRef, Finding};
use serde::{Deserialize, Serialize};

pub use gongkai_model::access::Verdict;
use sha2::{Digest, Sha256};

/// The identity of a finding for decisions: a SHA-256 over the rule, the cells
/// (sorted) and the messages, hex.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingKey(pub String);

impl FindingKey {
    pub fn of(finding: &Finding) -> FindingKey {
        let mut cells: Vec<String> = finding
            .labels
            .iter()
            .filter_map(|l| l.cell.as_ref())
            .map(cell_key)
            .collect();
        cells.sort();
        cells.dedup();
        let mut labels: Vec<&str> = finding.labels.iter().map(|l| l.message.as_str()).collect();
        labels.sort_unstable();
        let mut h = Sha256::new();
        // Fields are length-prefixed so that no two different findings run together
        // into the same bytes.
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        field(&finding.code);
        field(&finding.message);
        field(&cells.len().to_string());
        for c in &cells {
            field(c);
        }
        field(&labels.len().to_string());
        for l in labels {
            field(l);
        }
        FindingKey(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

fn cell_key(c: &CellRef) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::schema::{RequestColumn, RequestRowKey};
    use gongkai_model::{FindingKind, Label, Location, Severity};

    fn finding(message: &str, page: u32) -> Finding {
        Finding {
            code: "T301".into(),
            name: "request-total".into(),
            kind: FindingKind::Document,
            severity: Severity::Error,
            message: message.into(),
            labels: vec![
                Label {
                    location: Some(Location::Pdf {
                        page,
                        x0: 10.0,
                        y0: 20.0,
                        x1: 30.0,
                        y1: 40.0,
                    }),
                    message: "合计 12".into(),
                    cell: Some(CellRef::Request {
                        row: RequestRowKey::NewReceived,
                        column: RequestColumn::Total,
                    }),
                },
                Label {
                    location: None,
                    message: "各列之和 10".into(),
                    cell: Some(CellRef::Request {
                        row: RequestRowKey::NewReceived,
                        column: RequestColumn::NaturalPerson,
                    }),
                },
            ],
            notes: vec![],
        }
    }

    #[test]
    fn the_same_finding_elsewhere_in_the_source_keeps_its_key() {
        let a = finding("收到申请数合计 12 与各列之和 10 不符", 3);
        let b = finding("收到申请数合计 12 与各列之和 10 不符", 5);
        assert_eq!(FindingKey::of(&a), FindingKey::of(&b));
        let mut reordered = a.clone();
        reordered.labels.reverse();
        assert_eq!(FindingKey::of(&a), FindingKey::of(&reordered));
    }

    #[test]
    fn other_values_or_cells_or_rules_are_another_finding() {
        let a = finding("收到申请数合计 12 与各列之和 10 不符", 3);
        let other_values = finding("收到申请数合计 13 与各列之和 10 不符", 3);
        assert_ne!(FindingKey::of(&a), FindingKey::of(&other_values));
        let mut other_rule = a.clone();
        other_rule.code = "T302".into();
        assert_ne!(FindingKey::of(&a), FindingKey::of(&other_rule));
        let mut other_cell = a.clone();
        other_cell.labels[1].cell = Some(CellRef::Request {
            row: RequestRowKey::NewReceived,
            column: RequestColumn::OtherOrg,
        });
        assert_ne!(FindingKey::of(&a), FindingKey::of(&other_cell));
        assert_eq!(FindingKey::of(&a).0.len(), 64);
    }
}
