//! Findings: a report's own, stored with it, and the cross-report rules', replaced as a
//! whole after every ingest.

use gongkai_model::Finding;

use crate::conn::Val;
use crate::enums::FindingScope;
use crate::row::{FromRow, Row};
use crate::types::{CorpusFinding, CrossStep, StoredFinding};
use crate::{id_list, Store, StoreError};

/// The columns [`finding_row`] fills, in order.
pub(crate) const FINDING_COLUMNS: &[&str] = &[
    "report_id",
    "code",
    "name",
    "kind",
    "severity",
    "scope",
    "other_report_id",
    "message",
    "detail",
    "finding_key",
];

pub(crate) fn finding_row(
    id: i64,
    f: &Finding,
    corpus: bool,
    other: Option<i64>,
) -> Result<Vec<Val>, StoreError> {
    let scope = if corpus {
        FindingScope::Corpus
    } else {
        FindingScope::Report
    };
    Ok(vec![
        id.into(),
        f.code.as_str().into(),
        f.name.as_str().into(),
        f.kind.into(),
        f.severity.into(),
        scope.into(),
        other.into(),
        f.message.as_str().into(),
        Val::Text(serde_json::to_string(f)?),
        Val::Text(crate::review::finding_key(f)),
    ])
}

impl FromRow for StoredFinding {
    fn from_row(mut r: Row) -> Result<StoredFinding, StoreError> {
        Ok(StoredFinding {
            report_id: r.get("report_id")?,
            other_report_id: r.get("other_report_id")?,
            corpus: r.get::<FindingScope>("scope")? == FindingScope::Corpus,
            finding: serde_json::from_str(&r.take::<String>("detail")?)?,
        })
    }
}

impl Store {
    /// Findings of the given reports (all reports when `None`), single-report first.
    pub fn findings(
        &mut self,
        report_ids: Option<&[i64]>,
    ) -> Result<Vec<StoredFinding>, StoreError> {
        let mut sql =
            String::from("SELECT report_id, other_report_id, scope, detail FROM findings");
        if let Some(ids) = report_ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(" WHERE report_id IN ({})", id_list(ids)));
        }
        // 'report' sorts after 'corpus': descending puts a report's own findings first.
        sql.push_str(" ORDER BY report_id, scope DESC, id");
        self.conn.query_as(&sql, &[])
    }

    /// Forgets a report's own findings (its reading is being replaced).
    pub(crate) fn delete_report_findings(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn.exec(
            "DELETE FROM findings WHERE report_id = $1 AND scope = $2",
            &[id.into(), FindingScope::Report.into()],
        )?;
        Ok(())
    }

    /// Replaces every cross-report finding in a transaction of its own, for a step begun
    /// with [`Store::begin_cross`] outside one. Records, in the same transaction, that they
    /// are up to date with `step`'s start: still stale if the reports changed since. (The
    /// corpus's steps run whole inside [`Store::cross_transaction`] and call
    /// [`Store::replace_all_corpus_findings_in_step`].)
    pub fn replace_corpus_findings(
        &mut self,
        step: CrossStep,
        found: &[CorpusFinding],
    ) -> Result<(), StoreError> {
        self.in_transaction(|store| store.replace_all_corpus_findings_in_step(step, found))
    }
}
