//! The cross-report rules over the whole corpus, run after every ingest.
//!
//! Y001/Y002 pair each current report with the same agency's current report of the year
//! before. Y003 finds candidate sections with a MinHash LSH index over every current
//! report's prose sections, then compares candidates exactly. Which side a copied-text
//! finding goes to:
//! - the same agency: the later report (copied from its own earlier report), against the
//!   most recent earlier report that matches;
//! - two agencies, the same year: each report whose section is largely found in the
//!   other's — usually both (no one can tell who copied whom);
//! - two agencies, different years: the later report.
//!
//! All cross-report findings are recomputed and replaced together, so a report added,
//! replaced by a new version or corrected later raises or clears them.

use std::collections::{BTreeMap, HashMap};

use gongkai_check::cross::{self, CopiedFrom, StockRow, YearFacts};
use gongkai_check::Selection;
use gongkai_model::Finding;
use gongkai_similar::{Fingerprint, LshIndex, NormalizedText};
use gongkai_store::{CorpusFinding, Filter, ReportRow, Store, StoreError};

/// Counts of what the pass found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrossSummary {
    /// Report pairs of consecutive years of one agency.
    pub year_pairs: usize,
    pub carry_over: usize,
    pub stock: usize,
    /// Sections indexed for copied text.
    pub sections: usize,
    /// Section pairs the index proposed and that were compared exactly.
    pub candidates: usize,
    pub copied: usize,
}

/// How many other agencies' reports one section's copied-text finding may name.
const MAX_OTHER_AGENCIES: usize = 3;

pub fn run(
    store: &mut Store,
    selection: &Selection,
    similarity: &gongkai_similar::Options,
) -> Result<CrossSummary, StoreError> {
    let enabled = |code| gongkai_check::rule(code).is_some_and(|r| selection.enabled(r));
    let reports = store.reports(&Filter::default())?;
    let by_id: HashMap<i64, &ReportRow> = reports.iter().map(|r| (r.id, r)).collect();
    let mut summary = CrossSummary::default();
    let mut found: Vec<CorpusFinding> = Vec::new();

    // Y001 / Y002: consecutive years of one agency.
    if enabled("Y001") || enabled("Y002") {
        let facts = year_facts(store, &reports)?;
        let mut by_key: HashMap<(i64, i32), i64> = HashMap::new();
        for r in &reports {
            if let (Some(a), Some(y)) = (r.agency_id, r.year) {
                by_key.insert((a, y), r.id);
            }
        }
        for r in &reports {
            let (Some(a), Some(y)) = (r.agency_id, r.year) else {
                continue;
            };
            let Some(&prev_id) = by_key.get(&(a, y - 1)) else {
                continue;
            };
            let (Some(prev), Some(cur)) = (facts.get(&prev_id), facts.get(&r.id)) else {
                continue;
            };
            summary.year_pairs += 1;
            let mut push = |fs: Vec<Finding>, count: &mut usize| {
                for f in fs {
                    *count += 1;
                    found.push(CorpusFinding {
                        report_id: r.id,
                        other_report_id: Some(prev_id),
                        finding: with_other_note(f, by_id.get(&prev_id).copied()),
                    });
                }
            };
            if enabled("Y001") {
                push(
                    cross::carry_over_mismatch(prev, cur),
                    &mut summary.carry_over,
                );
            }
            if enabled("Y002") {
                push(cross::stock_discontinuity(prev, cur), &mut summary.stock);
            }
        }
    }

    // Y003: copied text.
    if enabled("Y003") {
        copied_text(store, similarity, &by_id, &mut summary, &mut found)?;
    }

    found.sort_by(|a, b| {
        (a.report_id, &a.finding.code, a.other_report_id).cmp(&(
            b.report_id,
            &b.finding.code,
            b.other_report_id,
        ))
    });
    store.replace_corpus_findings(&found)?;
    Ok(summary)
}

fn section_kind(key: &str) -> Option<gongkai_model::schema::SectionKind> {
    serde_json::from_value(serde_json::Value::String(key.to_string())).ok()
}

/// Says which report the finding compares with: a reviewer opens that one next.
fn with_other_note(mut f: Finding, other: Option<&ReportRow>) -> Finding {
    if let Some(o) = other {
        let agency = o.agency.as_deref().unwrap_or("（机关不明）");
        let year = o
            .year
            .map_or("年度不明".to_string(), |y| format!("{y}年度"));
        f.notes.push(format!(
            "对照报告：{agency}{year}（编号 {}，{}）",
            o.id, o.source
        ));
    }
    f
}

/// The cross-year facts of every current report, from the stored cells.
fn year_facts(
    store: &mut Store,
    reports: &[ReportRow],
) -> Result<HashMap<i64, YearFacts>, StoreError> {
    let cells = store.current_cells(&[
        ("requests", "carried_over"),
        ("requests", "carried_forward"),
        ("active_disclosure", "regulations"),
        ("active_disclosure", "normative_documents"),
    ])?;
    let mut out = HashMap::new();
    for r in reports {
        let Some(year) = r.year else { continue };
        let mut facts = YearFacts {
            year,
            ..YearFacts::default()
        };
        let mut stock = [StockRow::default(); 2];
        let mut has_stock = false;
        for c in cells.get(&r.id).map(Vec::as_slice).unwrap_or_default() {
            let col = gongkai_model::schema::REQUEST_COLUMN_KEYS
                .iter()
                .position(|k| *k == c.column);
            match (c.table.as_str(), c.row.as_str(), col) {
                ("requests", "carried_over", Some(i)) => facts.carried_over[i] = c.value,
                ("requests", "carried_forward", Some(i)) => facts.carried_forward[i] = c.value,
                ("active_disclosure", row, _) => {
                    let i = usize::from(row == "normative_documents");
                    match c.column.as_str() {
                        "issued" => stock[i].issued = c.value,
                        "repealed" => stock[i].repealed = c.value,
                        "in_force" => {
                            stock[i].in_force = c.value;
                            has_stock = true;
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        if has_stock && r.edition.as_deref() == Some("2021") {
            facts.stock = Some(stock);
        }
        out.insert(r.id, facts);
    }
    Ok(out)
}

/// Counts, per shingle, how many agencies use it — approximately, in fixed memory: a
/// count-min sketch (never under-counts; over-counts only by collisions, which at this
/// width and depth stay far below the stock-phrase threshold).
struct AgencyCounts {
    rows: Vec<Vec<u16>>,
    mask: u64,
}

impl AgencyCounts {
    const DEPTH: usize = 4;
    const WIDTH_BITS: u32 = 22;

    fn new() -> AgencyCounts {
        AgencyCounts {
            rows: vec![vec![0; 1 << Self::WIDTH_BITS]; Self::DEPTH],
            mask: (1 << Self::WIDTH_BITS) - 1,
        }
    }
    fn slot(&self, h: u64, row: usize) -> usize {
        // Independent-enough positions from one 64-bit hash: rotate and mix per row.
        let x = h
            .rotate_left(17 * row as u32 + 7)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        ((x >> 20) & self.mask) as usize
    }
    fn add(&mut self, h: u64) {
        for row in 0..Self::DEPTH {
            let i = self.slot(h, row);
            self.rows[row][i] = self.rows[row][i].saturating_add(1);
        }
    }
    fn estimate(&self, h: u64) -> u16 {
        (0..Self::DEPTH)
            .map(|row| self.rows[row][self.slot(h, row)])
            .min()
            .unwrap_or(0)
    }
}

/// A phrase used by at least this many agencies is a stock phrase of the genre, not a
/// sign of copying: 2 % of the agencies in the corpus, and never fewer than 5 — copying
/// between agencies is between two or three of them.
fn stock_threshold(agencies: usize) -> u16 {
    (agencies.div_ceil(50)).clamp(5, u16::MAX as usize) as u16
}

fn copied_text(
    store: &mut Store,
    similarity: &gongkai_similar::Options,
    by_id: &HashMap<i64, &ReportRow>,
    summary: &mut CrossSummary,
    found: &mut Vec<CorpusFinding>,
) -> Result<(), StoreError> {
    use rayon::prelude::*;

    let sections = store.section_signatures()?;
    summary.sections = sections.len();
    let mut index = LshIndex::new(similarity);
    index.reserve(sections.len());
    for (i, s) in sections.iter().enumerate() {
        if let Some(sig) = Fingerprint::signature_from_bytes(&s.signature) {
            if sig.len() == similarity.num_hashes {
                index.insert(i as u64, &sig);
            }
        }
    }
    let pairs: Vec<(usize, usize)> = index
        .pairs()
        .into_iter()
        .map(|(a, b)| (a as usize, b as usize))
        .filter(|&(a, b)| {
            let (x, y) = (&sections[a], &sections[b]);
            x.kind == y.kind && x.report_id != y.report_id
        })
        .collect();
    drop(index);
    summary.candidates = pairs.len();
    if pairs.is_empty() {
        return Ok(());
    }

    // Every section's shingles: the stock phrases are counted over the whole corpus.
    let ids: Vec<i64> = sections.iter().map(|s| s.section_id).collect();
    let mut texts = store.section_texts(&ids)?;
    // Normalised texts are large (a char and an offset per char): keep only the shingles,
    // and normalise again the few sections that turn out to be copies.
    let prepared: Vec<Option<(String, String, Vec<u64>)>> = sections
        .iter()
        .map(|s| texts.remove(&s.section_id))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|t| {
            t.map(|(heading, body)| {
                let sh = gongkai_similar::shingles(&NormalizedText::new(&body), similarity);
                (heading, body, sh)
            })
        })
        .collect();

    let mut counts = AgencyCounts::new();
    let mut by_agency: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, s) in sections.iter().enumerate() {
        // A report without an agency counts as an agency of its own.
        by_agency
            .entry(s.agency_id.unwrap_or(-s.report_id))
            .or_default()
            .push(i);
    }
    let mut own: Vec<u64> = Vec::new();
    for members in by_agency.values() {
        own.clear();
        for &i in members {
            if let Some((_, _, sh)) = &prepared[i] {
                own.extend_from_slice(sh);
            }
        }
        own.sort_unstable();
        own.dedup();
        for &h in &own {
            counts.add(h);
        }
    }
    let threshold = stock_threshold(by_agency.len());
    let common = |h: u64| counts.estimate(h) >= threshold;

    // Which side of a pair is judged against which (see the module doc), and the
    // cheap test first: the share of distinctive shingles in common.
    let judged: Vec<(usize, usize, CopiedFrom)> = pairs
        .par_iter()
        .flat_map_iter(|&(a, b)| [(a, b), (b, a)])
        .filter_map(|(judged, source)| {
            let (x, y) = (&sections[judged], &sections[source]);
            let ry = by_id.get(&y.report_id)?;
            let (yx, yy) = (x.year?, y.year?);
            let same_agency = x.agency_id.is_some() && x.agency_id == y.agency_id;
            let from = if same_agency {
                if yy >= yx {
                    return None;
                }
                CopiedFrom::OwnEarlier { year: yy }
            } else {
                if yy > yx {
                    return None;
                }
                CopiedFrom::Other {
                    agency: ry.agency.clone().unwrap_or_else(|| ry.source.clone()),
                    year: yy,
                }
            };
            let (_, _, sa) = prepared[judged].as_ref()?;
            let (_, _, sb) = prepared[source].as_ref()?;
            cross::is_copy(sa, sb, similarity.threshold, &common)?;
            Some((judged, source, from))
        })
        .collect();

    let mut own_best: BTreeMap<usize, (i32, Finding, i64)> = BTreeMap::new();
    let mut others: BTreeMap<usize, Vec<(f64, Finding, i64)>> = BTreeMap::new();
    for (judged, source, from) in judged {
        let (x, y) = (&sections[judged], &sections[source]);
        let (Some((heading, body, _)), Some((_, other, _))) =
            (&prepared[judged], &prepared[source])
        else {
            continue;
        };
        let (nx, ny) = (NormalizedText::new(body), NormalizedText::new(other));
        let Some(kind) = section_kind(&x.kind) else {
            continue;
        };
        let Some((f, sim)) = cross::copied_text_normalized(
            kind, heading, body, &nx, &ny, &from, similarity, &common,
        ) else {
            continue;
        };
        let f = with_other_note(f, by_id.get(&y.report_id).copied());
        match from {
            CopiedFrom::OwnEarlier { year } => {
                // The most recent earlier report that matches.
                if own_best.get(&judged).is_none_or(|(y, _, _)| year > *y) {
                    own_best.insert(judged, (year, f, y.report_id));
                }
            }
            CopiedFrom::Other { .. } => {
                others
                    .entry(judged)
                    .or_default()
                    .push((sim.containment_a, f, y.report_id));
            }
        }
    }
    for (judged, (_, f, other)) in own_best {
        summary.copied += 1;
        found.push(CorpusFinding {
            report_id: sections[judged].report_id,
            other_report_id: Some(other),
            finding: f,
        });
    }
    for (judged, mut list) in others {
        list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
        for (_, f, other) in list.into_iter().take(MAX_OTHER_AGENCIES) {
            summary.copied += 1;
            found.push(CorpusFinding {
                report_id: sections[judged].report_id,
                other_report_id: Some(other),
                finding: f,
            });
        }
    }
    Ok(())
}
