//! Reviewers' decisions on findings, and what makes a finding "the same" from one
//! check or version of a report to the next.
//!
//! A decision is about a finding of one agency's report for one year. It stays with
//! that finding across re-checks and new versions of the report as long as the finding
//! is the same: the same rule, on the same cells, saying the same (its message and its
//! labels' messages carry the values). Where it points in the source is left out —
//! a new version may put the same table on another page. When the finding changes, the
//! decision no longer applies and is shown as history.

use std::collections::BTreeMap;

use gongkai_model::Finding;
use gongkai_store::Decision;
use serde::{Deserialize, Serialize};

pub use gongkai_model::access::Verdict;

/// The identity of a finding for decisions: a SHA-256 over the rule, the cells (sorted)
/// and the messages, hex ([`gongkai_store::finding_key`], which the store also keeps
/// with every finding so that lists can join findings to their decisions).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingKey(pub String);

impl FindingKey {
    pub fn of(finding: &Finding) -> FindingKey {
        FindingKey(gongkai_store::finding_key(finding))
    }

    /// A key as a request names it: 64 lower-case hex digits, else `None`.
    pub fn parse(text: &str) -> Option<FindingKey> {
        (text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| FindingKey(text.to_string()))
    }
}

/// The decisions on one report's findings: for each finding the decision in force (the
/// newest with its key) and the earlier ones, and the history — decisions whose key no
/// finding of this report has any more (the finding changed or went away).
#[derive(Debug, Default)]
pub struct Ledger {
    by_key: BTreeMap<String, Vec<Decision>>,
}

impl Ledger {
    /// From every decision on the agency's reports of the year, oldest first (as
    /// [`gongkai_store::Store::decisions`] gives them).
    pub fn new(decisions: Vec<Decision>) -> Ledger {
        let mut by_key: BTreeMap<String, Vec<Decision>> = BTreeMap::new();
        for d in decisions {
            by_key.entry(d.finding_key.clone()).or_default().push(d);
        }
        Ledger { by_key }
    }

    /// The decision in force on the finding with `key`, and the ones it superseded
    /// (newest first).
    pub fn of(&self, key: &FindingKey) -> (Option<&Decision>, Vec<&Decision>) {
        match self.by_key.get(&key.0) {
            Some(ds) => {
                let mut newest_first: Vec<&Decision> = ds.iter().rev().collect();
                let current = newest_first.remove(0);
                (Some(current), newest_first)
            }
            None => (None, Vec::new()),
        }
    }

    /// Decisions on findings that are not among `current` (newest first): history.
    pub fn history(&self, current: &[FindingKey]) -> Vec<&Decision> {
        let mut out: Vec<&Decision> = self
            .by_key
            .iter()
            .filter(|(k, _)| !current.iter().any(|c| &c.0 == *k))
            .flat_map(|(_, ds)| ds.iter())
            .collect();
        out.sort_by_key(|d| std::cmp::Reverse(d.id));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::schema::{RequestColumn, RequestRowKey};
    use gongkai_model::{CellRef, FindingKind, Label, Location, Severity};

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

    fn decision(id: i64, key: &str, verdict: Verdict) -> Decision {
        Decision {
            id,
            agency_id: 1,
            year: 2021,
            finding_key: key.into(),
            rule: "A101".into(),
            report_id: 7,
            verdict,
            comment: String::new(),
            user_id: 1,
            user_name: "审核".into(),
            decided_at: 0,
        }
    }

    #[test]
    fn the_newest_decision_is_in_force_and_lapsed_ones_are_history() {
        let ledger = Ledger::new(vec![
            decision(1, "a", Verdict::Confirmed),
            decision(2, "b", Verdict::Dismissed),
            decision(3, "a", Verdict::Dismissed),
            decision(4, "c", Verdict::Confirmed),
        ]);
        let (now, earlier) = ledger.of(&FindingKey("a".into()));
        assert_eq!(now.map(|d| d.id), Some(3));
        assert_eq!(earlier.iter().map(|d| d.id).collect::<Vec<_>>(), [1]);
        assert_eq!(ledger.of(&FindingKey("z".into())).0, None);
        let current = [FindingKey("a".into())];
        let history: Vec<i64> = ledger.history(&current).iter().map(|d| d.id).collect();
        assert_eq!(history, [4, 2]);
        assert_eq!(
            FindingKey::parse(&"a".repeat(64)),
            Some(FindingKey("a".repeat(64)))
        );
        assert_eq!(FindingKey::parse(&"A".repeat(64)), None);
        assert_eq!(FindingKey::parse("../x"), None);
    }
}
