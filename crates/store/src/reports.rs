//! Reports: storing a batch of files (each a new report, a new version, another source
//! of a stored report, unchanged bytes, or a failure) with their bulk rows, and reading
//! reports back: listed by a [`Filter`], an agency's history, one report whole.

use std::io::{Read, Write};

use gongkai_model::year_facts::YearFacts;
use gongkai_model::Report;
use sha2::{Digest, Sha256};

use crate::conn::Val;
use crate::findings::{finding_row, FINDING_COLUMNS};
use crate::metrics::{metric_values, METRIC_COLUMNS};
use crate::row::{FromRow, Row};
use crate::types::{Filter, Ingested, NewReport, ReportRow, Written};
use crate::versions::version_rank;
use crate::{id_list, now, Store, StoreError};

/// The columns of a [`ReportRow`], over `reports r LEFT JOIN agencies a`.
pub(crate) const REPORT_ROW_COLUMNS: &str =
    "r.id, r.agency_id, a.name AS agency, a.region, a.level, r.year,
    r.version, r.is_current, r.source, r.format, r.edition, r.hash, r.url, r.reading,
    a.region_code, r.published, r.signed";

impl FromRow for ReportRow {
    fn from_row(mut r: Row) -> Result<ReportRow, StoreError> {
        Ok(ReportRow {
            id: r.get("id")?,
            agency_id: r.get("agency_id")?,
            agency: r.take("agency")?,
            region: r.take("region")?,
            level: r.get("level")?,
            year: r.get("year")?,
            version: r.get("version")?,
            is_current: r.get("is_current")?,
            source: r.take("source")?,
            format: r.get("format")?,
            edition: r.get("edition")?,
            hash: r.take("hash")?,
            url: r.take("url")?,
            reading: r.get("reading")?,
            region_code: r.take("region_code")?,
            published: r.take("published")?,
            signed: r.take("signed")?,
        })
    }
}

/// The rows of the bulk tables for a batch, inserted at its end.
#[derive(Default)]
struct BulkRows {
    year_facts: Vec<Vec<Val>>,
    sections: Vec<Vec<Val>>,
    metrics: Vec<Vec<Val>>,
    findings: Vec<Vec<Val>>,
}

/// The columns of [`BulkRows::year_facts`] and [`BulkRows::sections`], in order.
const YEAR_FACT_COLUMNS: &[&str] = &["report_id", "facts"];
const SECTION_COLUMNS: &[&str] = &["report_id", "kind", "heading", "body", "signature"];

impl BulkRows {
    /// Forgets the rows of report `id` (its reading is being replaced in this batch).
    fn drop_report(&mut self, id: i64) {
        for rows in [
            &mut self.year_facts,
            &mut self.sections,
            &mut self.metrics,
            &mut self.findings,
        ] {
            rows.retain(|r| r.first() != Some(&Val::Int(id)));
        }
    }

    /// The rows of the bulk tables for report `id`.
    fn add(&mut self, id: i64, new: &NewReport) -> Result<(), StoreError> {
        if let Some(facts) = YearFacts::of(&new.report) {
            self.year_facts
                .push(vec![id.into(), serde_json::to_string(&facts)?.into()]);
        }
        for (i, s) in new.report.sections.iter().enumerate() {
            self.sections.push(vec![
                id.into(),
                s.kind.into(),
                s.heading.as_str().into(),
                s.body.as_str().into(),
                match new.signatures.get(i) {
                    Some(Some(sig)) => Val::Bytes(sig.clone()),
                    _ => Val::Null,
                },
            ]);
        }
        let mut metrics = vec![id.into()];
        metrics.extend(metric_values(&new.metrics));
        self.metrics.push(metrics);
        for f in &new.findings {
            self.findings.push(finding_row(id, f, false, None)?);
        }
        Ok(())
    }
}

impl Store {
    /// Stores a batch of files in one transaction.
    pub fn write(&mut self, files: Vec<Ingested>) -> Result<Vec<Written>, StoreError> {
        // Another connection (the workspace's mapping page, another process) may have
        // placed or merged agencies since the last batch: the cache is good for one batch.
        self.agencies.clear();
        self.in_transaction(|store| store.write_in_transaction(files))
    }

    fn write_in_transaction(&mut self, files: Vec<Ingested>) -> Result<Vec<Written>, StoreError> {
        let now = now();
        // In the same transaction as the reports: a database with these reports and the
        // old cross-report findings never exists unmarked.
        self.mark_cross_stale_in_transaction(now)?;
        let mut out = Vec::with_capacity(files.len());
        let mut bulk = BulkRows::default();
        for file in files {
            let existing = self.conn.query(
                "SELECT id FROM reports WHERE hash = $1",
                &[Val::from(file.hash.as_str())],
            )?;
            let (failure, report_id, written) = match (existing.first(), file.outcome) {
                (Some(row), _) => {
                    let id = row.get("id")?;
                    (None, Some(id), Written::Unchanged { report_id: id })
                }
                (None, Err(failure)) => (Some(failure), None, Written::Failed),
                (None, Ok(new)) => {
                    let (id, written) =
                        self.store_report(&file.path, &file.hash, &new, now, &mut bulk)?;
                    (None, Some(id), written)
                }
            };
            self.record_file(file.path, file.hash, file.size, failure, report_id, now)?;
            out.push(written);
        }
        self.conn
            .bulk_insert("year_facts", YEAR_FACT_COLUMNS, &bulk.year_facts)?;
        self.conn
            .bulk_insert("sections", SECTION_COLUMNS, &bulk.sections)?;
        let mut columns = vec!["report_id"];
        columns.extend(METRIC_COLUMNS.iter().map(|m| m.key()));
        self.conn.bulk_insert("metrics", &columns, &bulk.metrics)?;
        self.conn
            .bulk_insert("findings", FINDING_COLUMNS, &bulk.findings)?;
        Ok(out)
    }

    /// Stores a report with new bytes: another source of a stored report with the same
    /// tables in another format (its reading replaced when this one is preferred), or
    /// else the next version of its group. Returns the report's id and what was done.
    fn store_report(
        &mut self,
        path: &str,
        hash: &str,
        new: &NewReport,
        now: i64,
        bulk: &mut BulkRows,
    ) -> Result<(i64, Written), StoreError> {
        let agency_id = match &new.agency {
            Some(a) => Some(self.agency_id(a)?),
            None => None,
        };
        let digest = match &new.encoded {
            Some(e) => e.digest.clone(),
            None => tables_digest(&new.report),
        };
        let (key_sql, key) = Store::version_key(agency_id, new.report.year(), path);
        let latest = self
            .conn
            .query_value::<Option<i64>>(
                &format!("SELECT MAX(version) AS latest FROM reports WHERE {key_sql}"),
                &key,
                "latest",
            )?
            .unwrap_or(0);
        // The first of its group has nothing to be the same report as.
        let sibling = match latest {
            0 => None,
            _ => self.same_tables_in_another_format(agency_id, new, &digest)?,
        };
        if let Some(other) = sibling {
            let primary = version_rank(new.report.reading, new.report.format) > other.rank;
            if primary {
                bulk.drop_report(other.id);
                self.replace_report(other.id, path, hash, new, &digest)?;
                bulk.add(other.id, new)?;
            }
            return Ok((
                other.id,
                Written::OtherSource {
                    report_id: other.id,
                    primary,
                },
            ));
        }
        let version = latest + 1;
        let id = self.insert_report(path, hash, agency_id, version, new, &digest, now)?;
        if version > 1 {
            self.choose_current(key_sql, &key)?;
        }
        bulk.add(id, new)?;
        Ok((
            id,
            Written::Stored {
                report_id: id,
                version,
            },
        ))
    }

    /// Inserts the report row as `version` of its group, current when it is the first.
    /// Returns its id.
    #[allow(clippy::too_many_arguments)]
    fn insert_report(
        &mut self,
        path: &str,
        hash: &str,
        agency_id: Option<i64>,
        version: i64,
        new: &NewReport,
        digest: &Option<String>,
        now: i64,
    ) -> Result<i64, StoreError> {
        let r = &new.report;
        self.conn.query_value(
            "INSERT INTO reports (agency_id, year, version, is_current, hash, source, format,
               title, printed_agency, edition, ingested_at, report, url, reading, tables_digest,
               published, signed)
             VALUES ($1, $2, $3, $15, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $17)
             RETURNING id",
            &[
                agency_id.into(),
                r.year().into(),
                version.into(),
                hash.into(),
                path.into(),
                r.format.into(),
                r.title.as_ref().map(|t| t.value.clone()).into(),
                r.agency().map(str::to_string).into(),
                r.edition.into(),
                now.into(),
                Val::Bytes(match &new.encoded {
                    Some(e) => e.blob.clone(),
                    None => encode_report(r)?,
                }),
                r.url.clone().into(),
                r.reading.into(),
                digest.clone().into(),
                (version == 1).into(),
                r.published.clone().into(),
                new.signed.clone().into(),
            ],
            "id",
        )
    }

    /// Makes report `id` read from another source (preferred over the one it had):
    /// its row and bulk rows are replaced; its id, version and agency stay.
    fn replace_report(
        &mut self,
        id: i64,
        path: &str,
        hash: &str,
        new: &NewReport,
        digest: &Option<String>,
    ) -> Result<(), StoreError> {
        let r = &new.report;
        self.conn.exec(
            "UPDATE reports SET hash = $1, source = $2, format = $3, title = $4,
               printed_agency = $5, edition = $6, report = $7, url = $8, reading = $9,
               tables_digest = $10, published = $12, signed = $13
             WHERE id = $11",
            &[
                hash.into(),
                path.into(),
                r.format.into(),
                r.title.as_ref().map(|t| t.value.clone()).into(),
                r.agency().map(str::to_string).into(),
                r.edition.into(),
                Val::Bytes(match &new.encoded {
                    Some(e) => e.blob.clone(),
                    None => encode_report(r)?,
                }),
                r.url.clone().into(),
                r.reading.into(),
                digest.clone().into(),
                id.into(),
                r.published.clone().into(),
                new.signed.clone().into(),
            ],
        )?;
        // The report itself is taken in again by the next cross-report step.
        self.release_section_texts(id)?;
        self.conn.exec(
            "UPDATE reports SET cross_seen = NULL WHERE id = $1",
            &[id.into()],
        )?;
        for table in ["year_facts", "sections", "metrics"] {
            self.conn.exec(
                &format!("DELETE FROM {table} WHERE report_id = $1"),
                &[id.into()],
            )?;
        }
        self.delete_report_findings(id)?;
        let agency_id = self.conn.query_value(
            "SELECT agency_id FROM reports WHERE id = $1",
            &[id.into()],
            "agency_id",
        )?;
        let (key_sql, key) = Store::version_key(agency_id, r.year(), path);
        self.choose_current(key_sql, &key)
    }

    /// Reports matching `filter`, ordered by agency, year and version.
    pub fn reports(&mut self, filter: &Filter) -> Result<Vec<ReportRow>, StoreError> {
        let mut sql = format!(
            "SELECT {REPORT_ROW_COLUMNS}
             FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE 1 = 1"
        );
        let mut params: Vec<Val> = Vec::new();
        if !filter.all_versions {
            sql.push_str(" AND r.is_current");
        }
        if let Some(a) = &filter.agency {
            params.push(format!("%{a}%").into());
            sql.push_str(&format!(" AND a.name LIKE ${}", params.len()));
        }
        if let Some(code) = &filter.region_code {
            params.push(format!("{code}%").into());
            sql.push_str(&format!(" AND a.region_code LIKE ${}", params.len()));
        }
        if let Some(level) = filter.level {
            params.push(level.into());
            sql.push_str(&format!(" AND a.level = ${}", params.len()));
        }
        if let Some(year) = filter.year {
            params.push(year.into());
            sql.push_str(&format!(" AND r.year = ${}", params.len()));
        }
        if let Some(ids) = &filter.ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(" AND r.id IN ({})", id_list(ids)));
        }
        sql.push_str(" ORDER BY a.name, r.year, r.version, r.id");
        self.conn.query_as(&sql, &params)
    }

    /// Every version of an agency's reports (by exact canonical name), oldest first.
    pub fn history(&mut self, agency: &str) -> Result<Vec<ReportRow>, StoreError> {
        self.conn.query_as(
            &format!(
                "SELECT {REPORT_ROW_COLUMNS}
                 FROM reports r JOIN agencies a ON a.id = r.agency_id
                 WHERE a.name = $1 ORDER BY r.year, r.version"
            ),
            &[agency.into()],
        )
    }

    /// The full report as read (tables with provenance, sections, doubts).
    pub fn report(&mut self, id: i64) -> Result<Report, StoreError> {
        let mut rows = self.conn.query(
            "SELECT report, source FROM reports WHERE id = $1",
            &[id.into()],
        )?;
        let Some(mut row) = rows.pop() else {
            return Err(StoreError::Query(format!("没有编号为 {id} 的报告")));
        };
        let source_path: String = row.take("source")?;
        let damaged = |detail: String| StoreError::ReportDamaged {
            id,
            source_path: source_path.clone(),
            detail,
        };
        let bytes = match row.take::<Vec<u8>>("report") {
            Ok(bytes) => bytes,
            Err(e) => return Err(damaged(e.to_string())),
        };
        decode_report(&bytes).map_err(damaged)
    }
}

/// SHA-256 of the report's cells (table, row, column, value as read), or `None` when
/// no cell holds a value: reports without tables are never taken for one another.
pub fn tables_digest(report: &Report) -> Option<String> {
    let mut hasher = Sha256::new();
    let mut any = false;
    for k in report.keyed_cells() {
        any |= !k.cell.is_blank();
        let value = serde_json::to_string(&k.cell.value).unwrap_or_default();
        hasher.update(format!("{}\t{}\t{}\t{value}\n", k.table, k.row, k.column).as_bytes());
    }
    any.then(|| {
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// Reports are stored as deflated JSON: about a tenth of the plain size, and the
/// fastest level costs less than the bytes it saves writing.
pub(crate) fn encode_report(r: &Report) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_vec(r)?;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&json)?;
    Ok(enc.finish()?)
}

/// The report stored by [`encode_report`]; the error says which layer is damaged.
pub(crate) fn decode_report(bytes: &[u8]) -> Result<Report, String> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .read_to_end(&mut json)
        .map_err(|e| format!("解压失败：{e}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("JSON 无法解析：{e}"))
}
