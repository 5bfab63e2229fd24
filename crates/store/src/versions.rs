//! The versions of a report and its sources: which group of versions a report belongs
//! to, which version is current, the order of the versions one run stored, and the
//! ranks (completeness, then format) these choices rest on.

use std::collections::{BTreeMap, HashSet};

use gongkai_model::{ReadingStatus, SourceFormat};

use crate::conn::Val;
use crate::reports::{decode_report, tables_digest};
use crate::types::NewReport;
use crate::{id_list, Store, StoreError};

/// A stored report with the same tables as a file being stored.
pub(crate) struct Sibling {
    pub id: i64,
    pub rank: (u8, u8),
}

/// Whether every part of a report was read, as a rank: a report with parts unread
/// ranks below one read whole. Doubts about single values (with doubts) do not lower
/// it: every part was read. A report whose status is not known (stored before it was
/// kept, and unreadable since) is not taken for a partial one.
fn reading_rank(reading: Option<ReadingStatus>) -> u8 {
    match reading {
        Some(ReadingStatus::Partial) => 0,
        Some(ReadingStatus::Whole | ReadingStatus::WithDoubts) | None => 1,
    }
}

/// Which format's reading a report prefers when it has several sources: the
/// published document (PDF, then Word) over the web page over a text copy over a
/// picture of a page (read by OCR).
pub fn format_rank(format: SourceFormat) -> u8 {
    match format {
        SourceFormat::Pdf => 5,
        SourceFormat::Docx => 4,
        SourceFormat::Html => 3,
        SourceFormat::Markdown => 2,
        SourceFormat::Text => 1,
        SourceFormat::Image => 0,
    }
}

/// How a report ranks as a version or a source: completeness, then format.
pub fn version_rank(reading: ReadingStatus, format: SourceFormat) -> (u8, u8) {
    stored_rank(Some(reading), format)
}

/// [`version_rank`] of a stored report, whose reading status may not be known.
fn stored_rank(reading: Option<ReadingStatus>, format: SourceFormat) -> (u8, u8) {
    (reading_rank(reading), format_rank(format))
}

impl Store {
    /// The versions of "the same report": same agency and year, or — when either is
    /// unknown — the same source path. A WHERE clause over `$1`, `$2` and its values.
    pub(crate) fn version_key(
        agency_id: Option<i64>,
        year: Option<i32>,
        path: &str,
    ) -> (&'static str, Vec<Val>) {
        match (agency_id, year) {
            (Some(a), Some(y)) => ("agency_id = $1 AND year = $2", vec![a.into(), y.into()]),
            _ => (
                "source = $1 AND (agency_id IS NULL OR year IS NULL)",
                vec![path.into()],
            ),
        }
    }

    /// A stored report of the same agency and year with the same tables, read from a
    /// file of another format.
    pub(crate) fn same_tables_in_another_format(
        &mut self,
        agency_id: Option<i64>,
        new: &NewReport,
        digest: &Option<String>,
    ) -> Result<Option<Sibling>, StoreError> {
        let (Some(agency_id), Some(year), Some(digest)) = (agency_id, new.report.year(), digest)
        else {
            return Ok(None);
        };
        let rows = self.conn.query(
            "SELECT id, reading, format FROM reports
             WHERE agency_id = $1 AND year = $2 AND tables_digest = $3 AND format <> $4
             ORDER BY id",
            &[
                agency_id.into(),
                year.into(),
                digest.as_str().into(),
                new.report.format.into(),
            ],
        )?;
        rows.first()
            .map(|r| {
                Ok(Sibling {
                    id: r.get("id")?,
                    rank: stored_rank(r.get("reading")?, r.get("format")?),
                })
            })
            .transpose()
    }

    /// Marks the current version of a group: among those with every part read (or,
    /// when none has, among all), the highest version.
    pub(crate) fn choose_current(&mut self, key_sql: &str, key: &[Val]) -> Result<(), StoreError> {
        let rows = self.conn.query(
            &format!("SELECT id, version, reading FROM reports WHERE {key_sql}"),
            key,
        )?;
        // The last of the best, as `Iterator::max_by_key` chooses.
        let mut best: Option<((u8, i64), i64)> = None;
        for r in &rows {
            let rank = (reading_rank(r.get("reading")?), r.get::<i64>("version")?);
            if best.is_none_or(|(b, _)| rank >= b) {
                best = Some((rank, r.get("id")?));
            }
        }
        let Some((_, best)) = best else {
            return Ok(());
        };
        self.conn.exec(
            &format!(
                "UPDATE reports SET is_current = (id = ${}) WHERE {key_sql}",
                key.len() + 1
            ),
            &[key, &[best.into()]].concat(),
        )?;
        Ok(())
    }

    /// Orders the versions that `ids` (the reports stored by one run) added to their
    /// groups: after the versions stored before, by completeness, then format
    /// preference, then content hash — not in the order parallel readers happened to
    /// finish — and chooses each group's current version again.
    pub fn settle_versions(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let new: HashSet<i64> = ids.iter().copied().collect();
        self.in_transaction(|store| {
            let rows = store.conn.query(
                &format!(
                    "SELECT agency_id, year FROM reports
                     WHERE id IN ({}) AND agency_id IS NOT NULL AND year IS NOT NULL",
                    id_list(ids)
                ),
                &[],
            )?;
            let mut added_per_group: BTreeMap<(i64, i64), usize> = BTreeMap::new();
            for r in rows {
                *added_per_group
                    .entry((r.get("agency_id")?, r.get("year")?))
                    .or_default() += 1;
            }
            // One version added to a group is already last and chosen as it was stored:
            // only two or more can have arrived in either order.
            for (&(agency, year), _) in added_per_group.iter().filter(|(_, &n)| n > 1) {
                let key: [Val; 2] = [agency.into(), year.into()];
                let mut kept = Vec::new();
                let mut added = Vec::new();
                for mut r in store.conn.query(
                    "SELECT id, version, reading, format, hash FROM reports
                     WHERE agency_id = $1 AND year = $2 ORDER BY version, id",
                    &key,
                )? {
                    let id: i64 = r.get("id")?;
                    if new.contains(&id) {
                        let rank = stored_rank(r.get("reading")?, r.get("format")?);
                        added.push((rank, r.take::<String>("hash")?, id));
                    } else {
                        kept.push(id);
                    }
                }
                added.sort();
                let order = kept
                    .into_iter()
                    .chain(added.into_iter().map(|(_, _, id)| id));
                for (i, id) in order.enumerate() {
                    store.conn.exec(
                        "UPDATE reports SET version = $1 WHERE id = $2",
                        &[(i as i64 + 1).into(), id.into()],
                    )?;
                }
                store.choose_current("agency_id = $1 AND year = $2", &key)?;
            }
            Ok(())
        })
    }

    /// Versions 1…n per (agency, year) in the order stored; the current one chosen as
    /// [`Store::choose_current`] does.
    pub(crate) fn renumber_versions(&mut self) -> Result<(), StoreError> {
        let rows = self.conn.query(
            "SELECT id, agency_id, year FROM reports
             WHERE agency_id IS NOT NULL AND year IS NOT NULL ORDER BY agency_id, year, id",
            &[],
        )?;
        let mut groups: BTreeMap<(i64, i64), Vec<i64>> = BTreeMap::new();
        for r in rows {
            groups
                .entry((r.get("agency_id")?, r.get("year")?))
                .or_default()
                .push(r.get("id")?);
        }
        for (&(agency, year), ids) in &groups {
            for (i, id) in ids.iter().enumerate() {
                self.conn.exec(
                    "UPDATE reports SET version = $1 WHERE id = $2",
                    &[(i as i64 + 1).into(), (*id).into()],
                )?;
            }
            self.choose_current(
                "agency_id = $1 AND year = $2",
                &[agency.into(), year.into()],
            )?;
        }
        Ok(())
    }

    /// Reading status and tables digest for reports stored before they were kept
    /// (migration 4): read once from the stored reports.
    pub(crate) fn fill_version_keys(&mut self) -> Result<(), StoreError> {
        let rows = self
            .conn
            .query("SELECT id, report FROM reports WHERE reading IS NULL", &[])?;
        if rows.is_empty() {
            return Ok(());
        }
        self.in_transaction(|store| {
            for mut r in rows {
                let id: i64 = r.get("id")?;
                // A report whose bytes do not read back is left as it is: reading it is
                // what says it is damaged (and names it), not opening the database.
                let Ok(bytes) = r.take::<Vec<u8>>("report") else {
                    continue;
                };
                let Ok(report) = decode_report(&bytes) else {
                    continue;
                };
                store.conn.exec(
                    "UPDATE reports SET reading = $1, tables_digest = $2 WHERE id = $3",
                    &[
                        report.reading.into(),
                        tables_digest(&report).into(),
                        id.into(),
                    ],
                )?;
            }
            Ok(())
        })
    }
}
