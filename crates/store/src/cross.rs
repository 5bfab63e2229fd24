//! What the cross-report rules work with: whether their stored findings are up to date
//! ([`CrossState`]), which reports a step must take in, what they read of the reports —
//! the cross-year facts, the copied-text signatures and texts of sections — and the state
//! the copied-text rule keeps between steps (distinct texts, their band index, which text
//! is found in which, the stock-phrase snapshot).
//!
//! The methods that write that state do not open transactions of their own: a step runs
//! them inside [`Store::cross_transaction`], so a step is stored whole or not at all.

use std::collections::HashMap;

use gongkai_model::schema::SectionKind;
use gongkai_model::year_facts::YearFacts;

use crate::conn::Val;
use crate::enums::FindingScope;
use crate::findings::{finding_row, FINDING_COLUMNS};
use crate::row::{FromRow, Row};
use crate::types::{
    CorpusFinding, CrossState, CrossStep, PendingReport, SectionSignature, StockSnapshot,
    TextMember,
};
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
            text_id: r.get("text_id")?,
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
        self.in_transaction(Store::cross_step_in_transaction)
    }

    pub(crate) fn mark_cross_stale_in_transaction(&mut self, now: i64) -> Result<(), StoreError> {
        self.conn.exec(
            "UPDATE cross_state SET changes = changes + 1, marked_at = $1 WHERE id = 1",
            &[now.into()],
        )?;
        Ok(())
    }

    /// The current reports' sections that have a copied-text signature, a page at a
    /// time in section-id order, without the signatures (`signature` is empty; they are
    /// read with the bodies, [`Store::section_bodies_signed`]): a full step of a large
    /// corpus never holds every signature.
    pub fn copied_sections_page(
        &mut self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<SectionSignature>, StoreError> {
        let rows = self.conn.query(
            "SELECT s.id, s.report_id, r.agency_id, r.year, s.kind, st.text_id
             FROM sections s JOIN reports r ON r.id = s.report_id
             LEFT JOIN section_texts st ON st.section_id = s.id
             WHERE r.is_current AND s.signature IS NOT NULL AND s.id > $1
             ORDER BY s.id LIMIT $2",
            &[after.into(), limit.into()],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(SectionSignature {
                    section_id: r.get("id")?,
                    report_id: r.get("report_id")?,
                    agency_id: r.get("agency_id")?,
                    year: r.get("year")?,
                    kind: r.get("kind")?,
                    signature: Vec::new(),
                    text_id: r.get("text_id")?,
                })
            })
            .collect()
    }

    /// Section bodies and copied-text signatures by section id.
    pub fn section_bodies_signed(
        &mut self,
        ids: &[i64],
    ) -> Result<HashMap<i64, (String, Vec<u8>)>, StoreError> {
        let rows = self.rows_for_ids(
            "SELECT id, body, signature FROM sections WHERE signature IS NOT NULL AND id IN ({ids})",
            ids,
        )?;
        rows.into_iter()
            .map(|mut r| Ok((r.get("id")?, (r.take("body")?, r.take("signature")?))))
            .collect()
    }

    /// The rows of `sql` for all of `ids`, given to it a chunk at a time where `sql` says
    /// `{ids}` (an `IN` list of a bounded length).
    pub(crate) fn rows_for_ids(&mut self, sql: &str, ids: &[i64]) -> Result<Vec<Row>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            out.extend(
                self.conn
                    .query(&sql.replace("{ids}", &id_list(chunk)), &[])?,
            );
        }
        Ok(out)
    }

    /// Section headings and bodies by section id.
    pub fn section_texts(
        &mut self,
        ids: &[i64],
    ) -> Result<HashMap<i64, (String, String)>, StoreError> {
        let rows = self.rows_for_ids(
            "SELECT id, heading, body FROM sections WHERE id IN ({ids})",
            ids,
        )?;
        rows.into_iter()
            .map(|mut r| Ok((r.get("id")?, (r.take("heading")?, r.take("body")?))))
            .collect()
    }
}

/// Band-index pages: a band key's top [`PAGE_BITS`] bits name its page.
pub const PAGE_BITS: u32 = 16;

/// The page of a band key.
pub fn band_page(key: u64) -> i64 {
    (key >> (64 - PAGE_BITS)) as i64
}

/// Bytes of one band-index entry: the key and the text id, little-endian.
const ENTRY_BYTES: usize = 16;

fn decode_entries(bytes: &[u8]) -> Vec<(u64, i64)> {
    bytes
        .chunks_exact(ENTRY_BYTES)
        .map(|e| {
            let mut k = [0; 8];
            let mut t = [0; 8];
            k.copy_from_slice(&e[..8]);
            t.copy_from_slice(&e[8..]);
            (u64::from_le_bytes(k), i64::from_le_bytes(t))
        })
        .collect()
}

fn encode_entries(entries: &[(u64, i64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * ENTRY_BYTES);
    for (k, t) in entries {
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&t.to_le_bytes());
    }
    out
}

impl FromRow for TextMember {
    fn from_row(r: Row) -> Result<TextMember, StoreError> {
        Ok(TextMember {
            section_id: r.get("id")?,
            report_id: r.get("report_id")?,
            agency_id: r.get("agency_id")?,
            year: r.get("year")?,
            kind: r.get("kind")?,
            text_id: r.get("text_id")?,
        })
    }
}

impl Store {
    /// Runs a cross-report step's reads and writes in one write transaction (holding the
    /// writers' lock): the state and findings it leaves are whole or unchanged.
    pub fn cross_transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.in_transaction(f)
    }

    /// What the stale mark of a step started now will be cleared with: the changes so
    /// far. Marks the findings stale (within the caller's transaction).
    pub fn cross_step_in_transaction(&mut self) -> Result<CrossStep, StoreError> {
        self.mark_cross_stale_in_transaction(now())?;
        let rows = self
            .conn
            .query("SELECT changes FROM cross_state WHERE id = 1", &[])?;
        let r = rows.first().ok_or_else(no_cross_state)?;
        Ok(CrossStep(r.get("changes")?))
    }

    /// Reports the cross-report state has not taken in as they are now.
    pub fn pending_reports(&mut self) -> Result<Vec<PendingReport>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, agency_id, year, is_current FROM reports
             WHERE cross_seen IS DISTINCT FROM is_current ORDER BY id",
            &[],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(PendingReport {
                    id: r.get("id")?,
                    agency_id: r.get("agency_id")?,
                    year: r.get("year")?,
                    is_current: r.get("is_current")?,
                })
            })
            .collect()
    }

    /// How many current reports there are.
    pub fn current_report_count(&mut self) -> Result<i64, StoreError> {
        self.conn.query_value(
            "SELECT COUNT(*) AS n FROM reports WHERE is_current",
            &[],
            "n",
        )
    }

    /// Records that the state has taken in every report as it is now.
    pub fn mark_all_taken_in(&mut self) -> Result<(), StoreError> {
        self.conn.exec(
            "UPDATE reports SET cross_seen = is_current WHERE cross_seen IS DISTINCT FROM is_current",
            &[],
        )?;
        Ok(())
    }

    /// Records that the state has taken in these reports as they are now.
    pub fn mark_taken_in(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            self.conn.exec(
                &format!(
                    "UPDATE reports SET cross_seen = is_current WHERE id IN ({})",
                    id_list(chunk)
                ),
                &[],
            )?;
        }
        Ok(())
    }

    /// The current report of an agency's year, if any.
    pub fn current_report_of(
        &mut self,
        agency_id: i64,
        year: i32,
    ) -> Result<Option<i64>, StoreError> {
        let rows = self.conn.query(
            "SELECT id FROM reports WHERE agency_id = $1 AND year = $2 AND is_current",
            &[agency_id.into(), year.into()],
        )?;
        rows.first().map(|r| r.get("id")).transpose()
    }

    /// `(report id, agency id, year)` of the current reports with an agency and a year,
    /// ordered by agency then year; `after` pages by agency id.
    pub fn current_agency_years(
        &mut self,
        after_agency: i64,
        limit: i64,
    ) -> Result<Vec<(i64, i64, i32)>, StoreError> {
        // A page ends at an agency boundary: the agencies of the page, then their reports.
        let rows = self.conn.query(
            "SELECT r.id, r.agency_id, r.year FROM reports r
             WHERE r.is_current AND r.year IS NOT NULL AND r.agency_id IN (
               SELECT DISTINCT agency_id FROM reports
               WHERE is_current AND agency_id > $1 ORDER BY agency_id LIMIT $2)
             ORDER BY r.agency_id, r.year",
            &[after_agency.into(), limit.into()],
        )?;
        rows.into_iter()
            .map(|r| Ok((r.get("id")?, r.get("agency_id")?, r.get("year")?)))
            .collect()
    }

    /// The cross-year facts of these reports (those without a year have none).
    pub fn year_facts(&mut self, ids: &[i64]) -> Result<HashMap<i64, YearFacts>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = self.conn.query(
                &format!(
                    "SELECT report_id, facts FROM year_facts WHERE report_id IN ({})",
                    id_list(chunk)
                ),
                &[],
            )?;
            for mut r in rows {
                let facts: String = r.take("facts")?;
                out.insert(r.get("report_id")?, serde_json::from_str(&facts)?);
            }
        }
        Ok(out)
    }

    /// Fills `year_facts` for reports stored before migration 0008, once (migration 0009
    /// leaves a `pending_fills` row for it when there were reports).
    pub(crate) fn fill_year_facts(&mut self) -> Result<(), StoreError> {
        let pending = self.conn.query(
            "SELECT what FROM pending_fills WHERE what = 'year_facts'",
            &[],
        )?;
        if pending.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = self
            .conn
            .query(
                "SELECT r.id FROM reports r WHERE r.year IS NOT NULL AND NOT EXISTS
                   (SELECT 1 FROM year_facts y WHERE y.report_id = r.id)",
                &[],
            )?
            .into_iter()
            .map(|r| r.get("id"))
            .collect::<Result<_, _>>()?;
        for chunk in ids.chunks(500) {
            let mut rows = Vec::new();
            for &id in chunk {
                // A damaged report keeps no facts; reading it says why.
                let Ok(report) = self.report(id) else {
                    continue;
                };
                if let Some(f) = YearFacts::of(&report) {
                    rows.push(vec![id.into(), serde_json::to_string(&f)?.into()]);
                }
            }
            self.in_transaction(|store| {
                store
                    .conn
                    .bulk_insert("year_facts", &["report_id", "facts"], &rows)
            })?;
        }
        self.conn
            .exec("DELETE FROM pending_fills WHERE what = 'year_facts'", &[])?;
        Ok(())
    }

    /// The sections of these reports that have a signature, with the text they were
    /// last put in.
    pub fn report_sections(&mut self, ids: &[i64]) -> Result<Vec<SectionSignature>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            out.extend(self.conn.query_as::<SectionSignature>(
                &format!(
                    "SELECT s.id, s.report_id, r.agency_id, r.year, s.kind, s.signature, st.text_id
                     FROM sections s JOIN reports r ON r.id = s.report_id
                     LEFT JOIN section_texts st ON st.section_id = s.id
                     WHERE s.report_id IN ({}) AND s.signature IS NOT NULL",
                    id_list(chunk)
                ),
                &[],
            )?);
        }
        out.sort_by_key(|s| s.section_id);
        Ok(out)
    }

    /// Sets (or clears) the text of sections.
    pub fn set_section_texts(&mut self, pairs: &[(i64, Option<i64>)]) -> Result<(), StoreError> {
        for (section, text) in pairs {
            match text {
                Some(t) => self.conn.exec(
                    "INSERT INTO section_texts (section_id, text_id) VALUES ($1, $2)
                     ON CONFLICT (section_id) DO UPDATE SET text_id = excluded.text_id",
                    &[(*section).into(), (*t).into()],
                )?,
                None => self.conn.exec(
                    "DELETE FROM section_texts WHERE section_id = $1",
                    &[(*section).into()],
                )?,
            };
        }
        Ok(())
    }

    /// Before a report's sections are deleted (its reading replaced, or the report
    /// removed): their texts lose members, which the next cross-report step takes in
    /// (`cross_touched`), and their links to the texts go with them.
    pub(crate) fn release_section_texts(&mut self, report_id: i64) -> Result<(), StoreError> {
        self.conn.exec(
            "INSERT INTO cross_touched (text_id)
             SELECT st.text_id FROM section_texts st JOIN sections s ON s.id = st.section_id
             WHERE s.report_id = $1",
            &[report_id.into()],
        )?;
        self.conn.exec(
            "DELETE FROM section_texts WHERE section_id IN
               (SELECT id FROM sections WHERE report_id = $1)",
            &[report_id.into()],
        )?;
        Ok(())
    }

    /// Clears the text of every section that has one.
    pub fn clear_section_texts(&mut self) -> Result<(), StoreError> {
        self.conn.exec("DELETE FROM section_texts", &[])?;
        Ok(())
    }

    /// Bulk-inserts `(section, text)` pairs into an empty `section_texts` (a full step).
    pub fn insert_all_section_texts(&mut self, pairs: &[(i64, i64)]) -> Result<(), StoreError> {
        for chunk in pairs.chunks(5000) {
            let rows: Vec<Vec<Val>> = chunk
                .iter()
                .map(|(s, t)| vec![(*s).into(), (*t).into()])
                .collect();
            self.conn
                .bulk_insert("section_texts", &["section_id", "text_id"], &rows)?;
        }
        Ok(())
    }

    /// Texts with this content hash: `(id, kind)`.
    pub fn texts_with_content(
        &mut self,
        content: u64,
    ) -> Result<Vec<(i64, SectionKind)>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, kind FROM cross_texts WHERE content = $1 ORDER BY id",
            &[(content as i64).into()],
        )?;
        rows.into_iter()
            .map(|r| Ok((r.get("id")?, r.get("kind")?)))
            .collect()
    }

    /// Every text: `(id, kind, content)`.
    pub fn all_texts(&mut self) -> Result<Vec<(i64, SectionKind, u64)>, StoreError> {
        let rows = self
            .conn
            .query("SELECT id, kind, content FROM cross_texts ORDER BY id", &[])?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    r.get("id")?,
                    r.get("kind")?,
                    r.get::<i64>("content")? as u64,
                ))
            })
            .collect()
    }

    /// Stores a new text; returns its id.
    pub fn insert_text(
        &mut self,
        kind: SectionKind,
        content: u64,
        signature: Option<&[u8]>,
    ) -> Result<i64, StoreError> {
        self.conn.query_value(
            "INSERT INTO cross_texts (kind, content, signature) VALUES ($1, $2, $3) RETURNING id",
            &[
                kind.into(),
                (content as i64).into(),
                signature.map_or(Val::Null, |s| Val::Bytes(s.to_vec())),
            ],
            "id",
        )
    }

    /// Forgets texts and every edge from or to them.
    pub fn delete_texts(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            let list = id_list(chunk);
            self.conn.exec(
                &format!("DELETE FROM cross_texts WHERE id IN ({list})"),
                &[],
            )?;
            self.conn.exec(
                &format!(
                    "DELETE FROM cross_edges WHERE text_id IN ({list}) OR source_id IN ({list})"
                ),
                &[],
            )?;
        }
        Ok(())
    }

    /// The signatures of texts that have one.
    pub fn text_signatures(&mut self, ids: &[i64]) -> Result<HashMap<i64, Vec<u8>>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = self.conn.query(
                &format!(
                    "SELECT id, signature FROM cross_texts WHERE id IN ({}) AND signature IS NOT NULL",
                    id_list(chunk)
                ),
                &[],
            )?;
            for mut r in rows {
                out.insert(r.get("id")?, r.take("signature")?);
            }
        }
        Ok(out)
    }

    /// The current sections of these texts, ordered by text, then as the copied-text
    /// rule reads a text's members: by year (none last), then report.
    pub fn text_members(&mut self, ids: &[i64]) -> Result<Vec<TextMember>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            out.extend(self.conn.query_as::<TextMember>(
                &format!(
                    "SELECT s.id, s.report_id, r.agency_id, r.year, s.kind, st.text_id
                     FROM section_texts st JOIN sections s ON s.id = st.section_id
                     JOIN reports r ON r.id = s.report_id
                     WHERE st.text_id IN ({}) AND r.is_current",
                    id_list(chunk)
                ),
                &[],
            )?);
        }
        out.sort_by_key(|m| {
            (
                m.text_id,
                m.year.is_none(),
                m.year,
                m.report_id,
                m.section_id,
            )
        });
        Ok(out)
    }

    /// Texts with no current section left.
    pub fn empty_texts(&mut self, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let rows = self.conn.query(
                &format!(
                    "SELECT t.id FROM cross_texts t WHERE t.id IN ({}) AND NOT EXISTS (
                       SELECT 1 FROM section_texts st JOIN sections s ON s.id = st.section_id
                       JOIN reports r ON r.id = s.report_id
                       WHERE st.text_id = t.id AND r.is_current)",
                    id_list(chunk)
                ),
                &[],
            )?;
            for r in rows {
                out.push(r.get("id")?);
            }
        }
        Ok(out)
    }

    /// Edges `(text, source, containment)` from these texts.
    pub fn edges_from(&mut self, ids: &[i64]) -> Result<Vec<(i64, i64, f64)>, StoreError> {
        self.edges("text_id", ids)
    }

    /// Edges `(text, source, containment)` into these texts.
    pub fn edges_into(&mut self, ids: &[i64]) -> Result<Vec<(i64, i64, f64)>, StoreError> {
        self.edges("source_id", ids)
    }

    fn edges(&mut self, column: &str, ids: &[i64]) -> Result<Vec<(i64, i64, f64)>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let rows = self.conn.query(
                &format!(
                    "SELECT text_id, source_id, containment FROM cross_edges WHERE {column} IN ({})",
                    id_list(chunk)
                ),
                &[],
            )?;
            for r in rows {
                out.push((
                    r.get("text_id")?,
                    r.get("source_id")?,
                    r.get("containment")?,
                ));
            }
        }
        out.sort_by_key(|e| (e.0, e.1));
        Ok(out)
    }

    /// Adds edges (an edge already there is kept).
    pub fn insert_edges(&mut self, edges: &[(i64, i64, f64)]) -> Result<(), StoreError> {
        for (t, s, c) in edges {
            self.conn.exec(
                "INSERT INTO cross_edges (text_id, source_id, containment) VALUES ($1, $2, $3)
                 ON CONFLICT (text_id, source_id) DO NOTHING",
                &[(*t).into(), (*s).into(), Val::Real(*c)],
            )?;
        }
        Ok(())
    }

    /// Replaces every text, edge and band page (a full step).
    pub fn clear_copied_state(&mut self) -> Result<(), StoreError> {
        for table in ["cross_texts", "cross_edges", "cross_bands", "cross_touched"] {
            self.conn.exec(&format!("DELETE FROM {table}"), &[])?;
        }
        Ok(())
    }

    /// Inserts texts with the ids given (a full step keeps the ids of texts it finds
    /// again): `(id, kind, content, signature)`.
    pub fn insert_texts_with_ids(
        &mut self,
        texts: &[(i64, SectionKind, u64, Option<Vec<u8>>)],
    ) -> Result<(), StoreError> {
        let rows: Vec<Vec<Val>> = texts
            .iter()
            .map(|(id, kind, content, sig)| {
                vec![
                    (*id).into(),
                    (*kind).into(),
                    (*content as i64).into(),
                    sig.clone().map_or(Val::Null, Val::Bytes),
                ]
            })
            .collect();
        self.conn.bulk_insert(
            "cross_texts",
            &["id", "kind", "content", "signature"],
            &rows,
        )?;
        if self.backend() == crate::Backend::Postgres {
            // Explicit ids leave the identity sequence behind.
            self.conn.exec(
                "SELECT setval(pg_get_serial_sequence('cross_texts', 'id'),
                   GREATEST((SELECT COALESCE(MAX(id), 0) FROM cross_texts), 1))",
                &[],
            )?;
        }
        Ok(())
    }

    /// The highest text id ever given (ids are never reused).
    pub fn max_text_id(&mut self) -> Result<i64, StoreError> {
        self.conn
            .query_value::<Option<i64>>("SELECT MAX(id) AS n FROM cross_texts", &[], "n")
            .map(|n| n.unwrap_or(0))
    }

    /// Bulk-inserts edges into an empty edge table.
    pub fn insert_all_edges(&mut self, edges: &[(i64, i64, f64)]) -> Result<(), StoreError> {
        let rows: Vec<Vec<Val>> = edges
            .iter()
            .map(|(t, s, c)| vec![(*t).into(), (*s).into(), Val::Real(*c)])
            .collect();
        self.conn.bulk_insert(
            "cross_edges",
            &["text_id", "source_id", "containment"],
            &rows,
        )
    }

    /// Band-index pages: page → its sorted `(key, text id)` entries.
    pub fn band_pages(
        &mut self,
        pages: &[i64],
    ) -> Result<HashMap<i64, Vec<(u64, i64)>>, StoreError> {
        let mut out = HashMap::new();
        for chunk in pages.chunks(500) {
            let rows = self.conn.query(
                &format!(
                    "SELECT page, entries FROM cross_bands WHERE page IN ({})",
                    id_list(chunk)
                ),
                &[],
            )?;
            for mut r in rows {
                let bytes: Vec<u8> = r.take("entries")?;
                out.insert(r.get("page")?, decode_entries(&bytes));
            }
        }
        Ok(out)
    }

    /// Writes band-index pages (an empty page is removed).
    pub fn write_band_pages(
        &mut self,
        pages: &HashMap<i64, Vec<(u64, i64)>>,
    ) -> Result<(), StoreError> {
        let mut keys: Vec<&i64> = pages.keys().collect();
        keys.sort();
        for page in keys {
            let entries = &pages[page];
            self.conn
                .exec("DELETE FROM cross_bands WHERE page = $1", &[(*page).into()])?;
            if !entries.is_empty() {
                self.conn.exec(
                    "INSERT INTO cross_bands (page, entries) VALUES ($1, $2)",
                    &[(*page).into(), Val::Bytes(encode_entries(entries))],
                )?;
            }
        }
        Ok(())
    }

    /// Bulk-writes all band pages into an empty table: entries sorted by key.
    pub fn insert_all_band_pages(&mut self, sorted: &[(u64, i64)]) -> Result<(), StoreError> {
        let mut rows: Vec<Vec<Val>> = Vec::new();
        let mut start = 0;
        while start < sorted.len() {
            let page = band_page(sorted[start].0);
            let mut end = start;
            while end < sorted.len() && band_page(sorted[end].0) == page {
                end += 1;
            }
            rows.push(vec![
                page.into(),
                Val::Bytes(encode_entries(&sorted[start..end])),
            ]);
            start = end;
            if rows.len() == 1000 {
                self.conn
                    .bulk_insert("cross_bands", &["page", "entries"], &rows)?;
                rows.clear();
            }
        }
        self.conn
            .bulk_insert("cross_bands", &["page", "entries"], &rows)
    }

    /// Texts whose members changed outside a step, forgotten once read.
    pub fn take_touched_texts(&mut self) -> Result<Vec<i64>, StoreError> {
        let mut out: Vec<i64> = self
            .conn
            .query("SELECT text_id FROM cross_touched", &[])?
            .into_iter()
            .map(|r| r.get("text_id"))
            .collect::<Result<_, _>>()?;
        self.conn.exec("DELETE FROM cross_touched", &[])?;
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The stock-phrase snapshot, if one was taken.
    pub fn stock_snapshot(&mut self) -> Result<Option<StockSnapshot>, StoreError> {
        let mut rows = self.conn.query(
            "SELECT agencies, threshold, computed_at, sketch FROM cross_stock WHERE id = 1",
            &[],
        )?;
        let Some(mut r) = rows.pop() else {
            return Ok(None);
        };
        Ok(Some(StockSnapshot {
            agencies: r.get("agencies")?,
            threshold: r.get("threshold")?,
            computed_at: r.get("computed_at")?,
            sketch: r.take("sketch")?,
        }))
    }

    /// The snapshot's size without its sketch: `(agencies, threshold, computed_at)`.
    pub fn stock_snapshot_header(&mut self) -> Result<Option<(i64, i64, i64)>, StoreError> {
        let rows = self.conn.query(
            "SELECT agencies, threshold, computed_at FROM cross_stock WHERE id = 1",
            &[],
        )?;
        rows.first()
            .map(|r| {
                Ok((
                    r.get("agencies")?,
                    r.get("threshold")?,
                    r.get("computed_at")?,
                ))
            })
            .transpose()
    }

    pub fn save_stock_snapshot(&mut self, s: &StockSnapshot) -> Result<(), StoreError> {
        self.conn.exec("DELETE FROM cross_stock", &[])?;
        self.conn.exec(
            "INSERT INTO cross_stock (id, agencies, threshold, computed_at, sketch)
             VALUES (1, $1, $2, $3, $4)",
            &[
                s.agencies.into(),
                s.threshold.into(),
                s.computed_at.into(),
                Val::Bytes(s.sketch.clone()),
            ],
        )?;
        Ok(())
    }

    /// Agencies as the stock-phrase statistics count them: each agency, and each current
    /// report without an agency.
    pub fn counted_agencies(&mut self) -> Result<i64, StoreError> {
        // Every agency stored (one whose reports were all removed still counts, until
        // the next full step: a slight over-count, and no pass over the reports).
        self.conn.query_value(
            "SELECT (SELECT COUNT(*) FROM agencies)
                  + (SELECT COUNT(*) FROM reports WHERE is_current AND agency_id IS NULL) AS n",
            &[],
            "n",
        )
    }

    /// Replaces the cross-report findings of these codes on these reports, within a
    /// step's transaction, and records that the findings are up to date with `step`.
    pub fn replace_corpus_findings_of(
        &mut self,
        step: CrossStep,
        reports: &[i64],
        codes: &[&str],
        found: &[CorpusFinding],
    ) -> Result<(), StoreError> {
        self.delete_corpus_findings_where(reports, |code| codes.contains(&code))?;
        self.store_corpus_findings(step, found)
    }

    /// Removes every cross-report finding of these reports (no longer current).
    pub fn delete_corpus_findings_of(&mut self, reports: &[i64]) -> Result<(), StoreError> {
        self.delete_corpus_findings_where(reports, |_| true)
    }

    /// Deletes the cross-report findings of these reports whose code `which` accepts.
    /// The rows are found by report alone, so that the index on it is the one used.
    fn delete_corpus_findings_where(
        &mut self,
        reports: &[i64],
        which: impl Fn(&str) -> bool,
    ) -> Result<(), StoreError> {
        for chunk in reports.chunks(500) {
            let rows = self.conn.query(
                &format!(
                    "SELECT id, scope, code FROM findings WHERE report_id IN ({})",
                    id_list(chunk)
                ),
                &[],
            )?;
            let mut ids = Vec::new();
            for mut r in rows {
                let scope: FindingScope = r.get("scope")?;
                let code: String = r.take("code")?;
                if scope == FindingScope::Corpus && which(&code) {
                    ids.push(r.get::<i64>("id")?);
                }
            }
            for ids in ids.chunks(500) {
                self.conn.exec(
                    &format!("DELETE FROM findings WHERE id IN ({})", id_list(ids)),
                    &[],
                )?;
            }
        }
        Ok(())
    }

    /// Reports with cross-report findings of these codes that name one of `others` as
    /// the report compared with.
    pub fn reports_naming(
        &mut self,
        others: &[i64],
        codes: &[&str],
    ) -> Result<Vec<i64>, StoreError> {
        // Only the other report's id in the condition, so that the index on it is the
        // one used; the rest is filtered here.
        let rows = self.rows_for_ids(
            "SELECT report_id, scope, code FROM findings
             WHERE other_report_id IS NOT NULL AND other_report_id IN ({ids})",
            others,
        )?;
        let mut out = Vec::new();
        for mut r in rows {
            let scope: FindingScope = r.get("scope")?;
            let code: String = r.take("code")?;
            if scope == FindingScope::Corpus && codes.contains(&code.as_str()) {
                out.push(r.get("report_id")?);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

impl Store {
    /// Replaces every cross-report finding, within a step's transaction, and records
    /// that they are up to date with `step`.
    pub fn replace_all_corpus_findings_in_step(
        &mut self,
        step: CrossStep,
        found: &[CorpusFinding],
    ) -> Result<(), StoreError> {
        self.conn.exec(
            "DELETE FROM findings WHERE scope = $1",
            &[FindingScope::Corpus.into()],
        )?;
        self.store_corpus_findings(step, found)
    }

    /// Inserts cross-report findings and records that they are up to date with `step`.
    fn store_corpus_findings(
        &mut self,
        step: CrossStep,
        found: &[CorpusFinding],
    ) -> Result<(), StoreError> {
        for chunk in found.chunks(5000) {
            let rows = chunk
                .iter()
                .map(|f| finding_row(f.report_id, &f.finding, true, f.other_report_id))
                .collect::<Result<Vec<_>, _>>()?;
            self.conn.bulk_insert("findings", FINDING_COLUMNS, &rows)?;
        }
        self.conn.exec(
            "UPDATE cross_state SET computed = $1, computed_at = $2 WHERE id = 1",
            &[step.0.into(), now().into()],
        )?;
        Ok(())
    }

    /// How many cross-report findings of a rule are stored.
    pub fn count_corpus_findings(&mut self, code: &str) -> Result<i64, StoreError> {
        self.conn.query_value(
            "SELECT COUNT(*) AS n FROM findings WHERE scope = $1 AND code = $2",
            &[FindingScope::Corpus.into(), code.into()],
            "n",
        )
    }
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    now()
}
