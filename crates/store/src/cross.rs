//! What the cross-report rules work with: whether their stored findings are up to date
//! ([`CrossState`]), and what they read of the current reports — the copied-text
//! signatures and texts of sections, and the cells the cross-year rules compare.

use std::collections::HashMap;

use crate::row::{FromRow, Row};
use crate::types::{CrossState, CrossStep, SectionSignature, StoredCell};
use crate::{id_list, now, Store, StoreError};

/// The error for a database without its one `cross_state` row.
fn no_cross_state() -> StoreError {
    StoreError::Query("数据库缺少跨报告检查状态（cross_state）".into())
}

impl FromRow for SectionSignature {
    fn from_row(mut r: Row) -> Result<SectionSignature, StoreError> {
        Ok(SectionSignature {
            section_id: r.get("id")?,
            report_id: r.get("report_id")?,
            agency_id: r.get("agency_id")?,
            year: r.get("year")?,
            kind: r.get("kind")?,
            signature: r.take("signature")?,
        })
    }
}

impl Store {
    /// Whether the cross-report findings are up to date ([`CrossState`]).
    pub fn cross_state(&mut self) -> Result<CrossState, StoreError> {
        let rows = self.conn.query(
            "SELECT changes, computed, marked_at, computed_at FROM cross_state WHERE id = 1",
            &[],
        )?;
        let r = rows.first().ok_or_else(no_cross_state)?;
        Ok(CrossState {
            stale: r.get::<i64>("computed")? < r.get::<i64>("changes")?,
            marked_at: r.get("marked_at")?,
            computed_at: r.get("computed_at")?,
        })
    }

    /// Starts a cross-report step: marks the stored findings stale (committed before
    /// anything is computed, so a process that dies during the step leaves the mark) and
    /// returns what the step's findings will be up to date with.
    pub fn begin_cross(&mut self) -> Result<CrossStep, StoreError> {
        self.in_transaction(|store| {
            store.mark_cross_stale_in_transaction(now())?;
            let rows = store
                .conn
                .query("SELECT changes FROM cross_state WHERE id = 1", &[])?;
            let r = rows.first().ok_or_else(no_cross_state)?;
            Ok(CrossStep(r.get("changes")?))
        })
    }

    pub(crate) fn mark_cross_stale_in_transaction(&mut self, now: i64) -> Result<(), StoreError> {
        self.conn.exec(
            "UPDATE cross_state SET changes = changes + 1, marked_at = $1 WHERE id = 1",
            &[now.into()],
        )?;
        Ok(())
    }

    /// The copied-text signatures of the current reports' sections.
    pub fn section_signatures(&mut self) -> Result<Vec<SectionSignature>, StoreError> {
        self.conn.query_as(
            "SELECT s.id, s.report_id, r.agency_id, r.year, s.kind, s.signature
             FROM sections s JOIN reports r ON r.id = s.report_id
             WHERE r.is_current AND s.signature IS NOT NULL ORDER BY s.id",
            &[],
        )
    }

    /// Section headings and bodies by section id.
    pub fn section_texts(
        &mut self,
        ids: &[i64],
    ) -> Result<HashMap<i64, (String, String)>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = self.conn.query(
                &format!(
                    "SELECT id, heading, body FROM sections WHERE id IN ({})",
                    id_list(chunk)
                ),
                &[],
            )?;
            for mut r in rows {
                out.insert(r.get("id")?, (r.take("heading")?, r.take("body")?));
            }
        }
        Ok(out)
    }

    /// Cells of the current reports in the given (table, row) pairs: what the
    /// cross-year rules compare. Returns report id → (table, row, column) → cell value.
    pub fn current_cells(
        &mut self,
        rows: &[(&str, &str)],
    ) -> Result<HashMap<i64, Vec<StoredCell>>, StoreError> {
        let mut out: HashMap<i64, Vec<StoredCell>> = HashMap::new();
        for (table, row) in rows {
            let found = self.conn.query(
                "SELECT c.report_id, c.col_key, c.value, c.amount, c.printed, c.blank
                 FROM cells c JOIN reports r ON r.id = c.report_id
                 WHERE r.is_current AND c.tbl = $1 AND c.row_key = $2",
                &[(*table).into(), (*row).into()],
            )?;
            for mut r in found {
                let amount: Option<String> = r.take("amount")?;
                let text = match amount {
                    Some(amount) => Some(amount),
                    None => r.take("printed")?,
                };
                out.entry(r.get("report_id")?)
                    .or_default()
                    .push(StoredCell {
                        table: table.to_string(),
                        row: row.to_string(),
                        column: r.take("col_key")?,
                        value: r.get("value")?,
                        text,
                        blank: r.get("blank")?,
                    });
            }
        }
        Ok(out)
    }
}
