//! What a summary counts: the coverage matrix (agencies × years with a current report)
//! and the number of agencies, reports, failures and findings.

use crate::enums::FindingScope;
use crate::files::{still_failed_params, STILL_FAILED};
use crate::row::Row;
use crate::types::{Counts, Coverage};
use crate::{Store, StoreError};

/// Coverage rows from agency × year rows (`id, name, region, region_code, level, year`)
/// ordered by agency, then year.
pub(crate) fn coverage_of(rows: Vec<Row>) -> Result<Vec<Coverage>, StoreError> {
    let mut out: Vec<Coverage> = Vec::new();
    for mut r in rows {
        let id: i64 = r.get("id")?;
        let year: i32 = r.get("year")?;
        match out.last_mut() {
            Some(c) if c.agency_id == id => {
                if c.years.last() != Some(&year) {
                    c.years.push(year)
                }
            }
            _ => out.push(Coverage {
                agency_id: id,
                agency: r.take("name")?,
                region: r.take("region")?,
                region_code: r.take("region_code")?,
                level: r.get("level")?,
                years: vec![year],
            }),
        }
    }
    Ok(out)
}

impl Store {
    /// Agencies × years with a current report.
    pub fn coverage(&mut self) -> Result<Vec<Coverage>, StoreError> {
        let rows = self.conn.query(
            "SELECT a.id, a.name, a.region, a.level, r.year, a.region_code
             FROM agencies a JOIN reports r ON r.agency_id = a.id
             WHERE r.is_current AND r.year IS NOT NULL
             ORDER BY a.region, a.name, r.year",
            &[],
        )?;
        coverage_of(rows)
    }

    pub fn counts(&mut self) -> Result<Counts, StoreError> {
        let findings = "SELECT COUNT(*) AS n FROM findings WHERE scope = $1";
        Ok(Counts {
            agencies: self.count("SELECT COUNT(*) AS n FROM agencies", &[])?,
            reports: self.count("SELECT COUNT(*) AS n FROM reports", &[])?,
            current_reports: self
                .count("SELECT COUNT(*) AS n FROM reports WHERE is_current", &[])?,
            failed_files: self.count(
                &format!("SELECT COUNT(*) AS n FROM files f WHERE {STILL_FAILED}"),
                &still_failed_params(),
            )?,
            findings: self.count(findings, &[FindingScope::Report.into()])?,
            corpus_findings: self.count(findings, &[FindingScope::Corpus.into()])?,
        })
    }

    /// The `n` of a `SELECT COUNT(*) AS n`.
    fn count(&mut self, sql: &str, params: &[crate::Val]) -> Result<i64, StoreError> {
        self.conn.query_value(sql, params, "n")
    }
}
