//! Removing a report from the corpus (withdrawn, uploaded by mistake, not a report): its
//! rows go, the agency-year's previous version becomes current again, and the reports
//! its absence can change are left for the next cross-report step to take in.

use crate::types::ReportRow;
use crate::{Filter, Store, StoreError};

impl Store {
    /// Removes report `id` (every version's row is its own report: the others stay).
    /// Returns what it was, or `None` if there is no such report.
    pub fn remove_report(&mut self, id: i64) -> Result<Option<ReportRow>, StoreError> {
        let Some(row) = self
            .reports(&Filter {
                all_versions: true,
                ids: Some(vec![id]),
                ..Filter::default()
            })?
            .pop()
        else {
            return Ok(None);
        };
        self.in_transaction(|store| {
            store.mark_cross_stale_in_transaction(crate::now())?;
            // The reports compared with it, and its agency's year and the year after:
            // the next cross-report step takes them in again.
            store.conn.exec(
                "UPDATE reports SET cross_seen = NULL WHERE id IN (
                   SELECT report_id FROM findings WHERE other_report_id = $1)",
                &[id.into()],
            )?;
            if let (Some(a), Some(y)) = (row.agency_id, row.year) {
                store.conn.exec(
                    "UPDATE reports SET cross_seen = NULL
                     WHERE agency_id = $1 AND (year = $2 OR year = $3)",
                    &[a.into(), y.into(), (y + 1).into()],
                )?;
            }
            store.release_section_texts(id)?;
            store.conn.exec(
                "UPDATE findings SET other_report_id = NULL WHERE other_report_id = $1",
                &[id.into()],
            )?;
            for table in ["findings", "year_facts", "sections", "metrics", "files"] {
                store.conn.exec(
                    &format!("DELETE FROM {table} WHERE report_id = $1"),
                    &[id.into()],
                )?;
            }
            store
                .conn
                .exec("DELETE FROM reports WHERE id = $1", &[id.into()])?;
            let (key_sql, key) = Store::version_key(row.agency_id, row.year, &row.source);
            store.choose_current(key_sql, &key)?;
            Ok(())
        })?;
        Ok(Some(row))
    }
}
