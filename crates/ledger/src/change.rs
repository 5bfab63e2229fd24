//! Changes to a ledger, as the CLI and the workspace make them and the store keeps
//! them: each is applied to the ledger as it would be and refused when it would give
//! the ledger a problem it did not have — one rule for every way in.

use gongkai_deadline::Calendar;
use serde::{Deserialize, Serialize};

use crate::model::{Case, DecisionCount, Ledger, LedgerProblem, RegisterDoc, ReportText, Request};

/// One change to an agency's ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum LedgerChange {
    PutRequest(Request),
    RemoveRequest {
        id: String,
    },
    PutCase(Case),
    PutDocument(RegisterDoc),
    PutDecision(DecisionCount),
    /// 行政事业性收费 of a year, 万元 as written.
    PutFeesCollected {
        year: i32,
        amount_10k_yuan: String,
    },
    /// The agency's own text of a year's report.
    PutText {
        year: i32,
        text: ReportText,
    },
}

impl Ledger {
    /// Applies one change in place (no validation: see [`Ledger::changed`]).
    pub fn apply(&mut self, change: &LedgerChange) {
        match change {
            LedgerChange::PutRequest(r) => {
                self.requests.retain(|x| x.id != r.id);
                self.requests.push(r.clone());
            }
            LedgerChange::RemoveRequest { id } => self.requests.retain(|x| &x.id != id),
            LedgerChange::PutCase(c) => {
                self.cases.retain(|x| x.id != c.id);
                self.cases.push(c.clone());
            }
            LedgerChange::PutDocument(d) => {
                self.documents.retain(|x| x.id != d.id);
                self.documents.push(d.clone());
            }
            LedgerChange::PutDecision(d) => {
                self.decisions
                    .retain(|x| (x.year, x.kind) != (d.year, d.kind));
                self.decisions.push(d.clone());
            }
            LedgerChange::PutFeesCollected {
                year,
                amount_10k_yuan,
            } => {
                self.fees_collected.insert(*year, amount_10k_yuan.clone());
            }
            LedgerChange::PutText { year, text } => {
                self.texts.insert(*year, text.clone());
            }
        }
    }

    /// The ledger with `changes` applied, or the problems they would add (those it did
    /// not have before); a ledger that already has problems may still be corrected.
    pub fn changed(
        &self,
        cal: &Calendar,
        changes: &[LedgerChange],
    ) -> Result<Ledger, Vec<LedgerProblem>> {
        let before = self.problems(cal);
        let mut after = self.clone();
        for c in changes {
            after.apply(c);
        }
        let new: Vec<LedgerProblem> = after
            .problems(cal)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        if new.is_empty() {
            Ok(after)
        } else {
            Err(new)
        }
    }
}
