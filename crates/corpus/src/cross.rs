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
//! replaced by a new version or corrected later raises or clears them. The database
//! marks them stale before the step starts (and with every change to the reports), and
//! the transaction that replaces them records that they are up to date with the step's
//! start, so a crash in between is never a silent absence ([`gongkai_store::CrossState`]).
//!
//! Copied text is bounded however the corpus looks. Sections with identical text (by
//! shingle set) are one group, indexed and checked once; a group of more than
//! [`MAX_OTHER_AGENCIES`] other agencies (a template) gives each member one finding
//! naming the cluster, not one per pair. Near-identical texts (a template with each
//! agency's name filled in) are distinct groups, but each takes at most
//! [`CANDIDATES_PER_BUCKET`] candidates from any LSH bucket, and only the few closest
//! sources of each section are searched for passages.

use std::collections::{BTreeMap, HashMap};

use gongkai_check::cross::{self, ClusterMember, CopiedFrom, SharedText, StockRow, YearFacts};
use gongkai_check::Selection;
use gongkai_model::schema::{Edition, SectionKind};
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
    /// Distinct texts among them (identical sections are compared once).
    pub texts: usize,
    /// Reports printing the most common text.
    pub largest_cluster: usize,
    /// Text pairs the index proposed and that were checked exactly.
    pub candidates: usize,
    /// Sections whose candidates were limited ([`CANDIDATES_PER_BUCKET`]): members of
    /// near-identical clusters.
    pub limited: usize,
    /// Copied-text findings, of which `clusters` name a text shared by many reports.
    pub copied: usize,
    pub clusters: usize,
}

/// How many other agencies' reports one section's copied-text finding may name.
const MAX_OTHER_AGENCIES: usize = 3;

pub fn run(
    store: &mut Store,
    selection: &Selection,
    similarity: &gongkai_similar::Options,
) -> Result<CrossSummary, StoreError> {
    let enabled = |code| gongkai_check::rule(code).is_some_and(|r| selection.enabled(r));
    // Committed before anything is computed: a process killed during this step leaves
    // the mark, and the next command recomputes or says that it must.
    let step = store.begin_cross()?;
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
    if std::env::var_os(ABORT_FOR_TESTS).is_some() {
        // As if killed here: no destructor, no rollback, nothing more written.
        std::process::abort();
    }
    store.replace_corpus_findings(step, &found)?;
    Ok(summary)
}

/// Set in tests only: [`run`] aborts the process once the findings are computed and
/// before they are stored, as a crash or `kill -9` there would, so that a test can show
/// what the next command does with a corpus left stale.
pub const ABORT_FOR_TESTS: &str = "GONGKAI_TEST_ABORT_IN_CROSS";

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
        if has_stock && r.edition == Some(Edition::E2021) {
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

/// Most ids one band's bucket gives a section as candidates
/// ([`LshIndex::candidates_limited`]). Buckets of unrelated text hold one or two
/// sections; only near-identical text (a template with the agency's name filled in)
/// fills one beyond this, and its members are copies of the few taken as of any other.
const CANDIDATES_PER_BUCKET: usize = 16;

/// Sections whose texts are loaded, normalised and shingled at a time: memory holds one
/// chunk of texts, and the shingles of each distinct text once.
const LOAD_CHUNK: usize = 2000;

/// Judged sections whose findings (with their passage search) are made at a time.
const JUDGE_CHUNK: usize = 1000;

/// Sections of one kind with identical shingle sets: one text, however many reports
/// print it. Compared once, for all of them.
struct Group {
    kind: SectionKind,
    shingles: Vec<u64>,
    /// The shingles that are not stock phrases (filled once the stock is counted).
    distinctive: Vec<u64>,
    /// Member sections (indices into the signatures), by year then report id; sections
    /// without a year last.
    members: Vec<usize>,
    /// Index of the member whose stored signature stands for the group in the LSH index.
    signature_of: Option<usize>,
}

/// What a section is reported for: pairwise findings (the most recent earlier report
/// of the same agency; up to [`MAX_OTHER_AGENCIES`] other agencies' reports), or, for a
/// text shared identically with many other agencies, one finding for the cluster.
#[derive(Default)]
struct Judgement {
    pairs: Vec<(usize, CopiedFrom)>,
    cluster: Option<SharedText>,
}

/// One text's candidates, checked.
#[derive(Default)]
struct Checked {
    /// The texts it is a copy of, with its containment in each, highest first.
    sources: Vec<(usize, f64)>,
    /// Candidates checked exactly.
    compared: usize,
    /// Some LSH bucket gave it only part of its members.
    limited: bool,
}

/// How many members of a cluster its finding names.
const CLUSTER_EXAMPLES: usize = 3;

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
    if sections.is_empty() {
        return Ok(());
    }

    // Identical texts become one group, streaming: only one chunk of texts in memory,
    // and each distinct shingle set kept once.
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: Vec<Option<usize>> = vec![None; sections.len()];
    let mut by_content: HashMap<u64, Vec<usize>> = HashMap::new();
    let hasher = std::collections::hash_map::RandomState::new();
    for (chunk_no, chunk) in sections.chunks(LOAD_CHUNK).enumerate() {
        let ids: Vec<i64> = chunk.iter().map(|s| s.section_id).collect();
        let mut texts = store.section_texts(&ids)?;
        let bodies: Vec<Option<String>> = chunk
            .iter()
            .map(|s| texts.remove(&s.section_id).map(|(_, body)| body))
            .collect();
        drop(texts);
        let shingled: Vec<Option<Vec<u64>>> = bodies
            .into_par_iter()
            .map(|body| {
                let body = body?;
                let n = NormalizedText::prefix(&body, similarity.max_chars);
                let sh = gongkai_similar::shingles(&n, similarity);
                (!sh.is_empty()).then_some(sh)
            })
            .collect();
        for (k, sh) in shingled.into_iter().enumerate() {
            let Some(sh) = sh else { continue };
            let i = chunk_no * LOAD_CHUNK + k;
            let kind = &sections[i].kind;
            let key = std::hash::BuildHasher::hash_one(&hasher, (kind, &sh));
            let same = by_content.entry(key).or_default();
            let g = match same
                .iter()
                .copied()
                .find(|&g| groups[g].kind == *kind && groups[g].shingles == sh)
            {
                Some(g) => g,
                None => {
                    groups.push(Group {
                        kind: *kind,
                        shingles: sh,
                        distinctive: Vec::new(),
                        members: Vec::new(),
                        signature_of: None,
                    });
                    same.push(groups.len() - 1);
                    groups.len() - 1
                }
            };
            groups[g].members.push(i);
            group_of[i] = Some(g);
        }
    }
    drop(by_content);
    for g in &mut groups {
        g.members.sort_by_key(|&i| {
            let s = &sections[i];
            (s.year.is_none(), s.year, s.report_id)
        });
        g.signature_of = g.members.iter().copied().find(|&i| {
            Fingerprint::signature_from_bytes(&sections[i].signature)
                .is_some_and(|sig| sig.len() == similarity.num_hashes)
        });
    }
    summary.texts = groups.len();
    summary.largest_cluster = groups.iter().map(|g| g.members.len()).max().unwrap_or(0);

    // The genre's stock phrases: shingles used by many agencies.
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
            if let Some(g) = group_of[i] {
                own.extend_from_slice(&groups[g].shingles);
            }
        }
        own.sort_unstable();
        own.dedup();
        for &h in &own {
            counts.add(h);
        }
    }
    let threshold = stock_threshold(by_agency.len());
    drop(by_agency);
    let common = |h: u64| counts.estimate(h) >= threshold;
    groups.par_iter_mut().for_each(|g| {
        g.distinctive = g.shingles.iter().copied().filter(|&h| !common(h)).collect();
    });

    // Candidate texts: one LSH entry per distinct text, a bounded number of candidates
    // each. Every candidate is checked exactly (containment, distinctive shingles).
    let mut index = LshIndex::new(similarity);
    index.reserve(groups.len());
    let signature = |g: &Group| {
        g.signature_of
            .and_then(|i| Fingerprint::signature_from_bytes(&sections[i].signature))
    };
    for (g, group) in groups.iter().enumerate() {
        if let Some(sig) = signature(group) {
            index.insert(g as u64, &sig);
        }
    }
    let checked: Vec<Checked> = groups
        .par_iter()
        .enumerate()
        .map(|(g, group)| {
            let Some(sig) = signature(group) else {
                return Checked::default();
            };
            let found = index.candidates_limited(&sig, CANDIDATES_PER_BUCKET);
            let mut sources = Vec::new();
            let mut compared = 0;
            for h in found.ids.into_iter().map(|h| h as usize) {
                if h == g || groups[h].kind != group.kind {
                    continue;
                }
                compared += 1;
                if let Some(c) = cross::is_copy_given(
                    &group.shingles,
                    &group.distinctive,
                    &groups[h].shingles,
                    similarity.threshold,
                ) {
                    sources.push((h, c));
                }
            }
            sources.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            Checked {
                sources,
                compared,
                limited: found.truncated_buckets > 0,
            }
        })
        .collect();
    drop(index);
    summary.candidates = checked.iter().map(|c| c.compared).sum();
    summary.limited = checked
        .iter()
        .zip(&groups)
        .filter(|(c, _)| c.limited)
        .map(|(_, g)| g.members.len())
        .sum();
    // A text identical to itself is a copy when it says something of its own.
    let self_copy: Vec<bool> = groups
        .par_iter()
        .map(|g| {
            g.members.len() > 1
                && cross::is_copy_given(
                    &g.shingles,
                    &g.distinctive,
                    &g.shingles,
                    similarity.threshold,
                )
                .is_some()
        })
        .collect();
    let edges: Vec<Vec<(usize, f64)>> = checked.into_iter().map(|c| c.sources).collect();

    // Each group's members by agency, for "the same agency's earlier report".
    let mut of_agency: HashMap<(usize, i64), Vec<usize>> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        for &i in &group.members {
            if let Some(a) = sections[i].agency_id {
                of_agency.entry((g, a)).or_default().push(i);
            }
        }
    }

    // Distinct reports and agencies of each group big enough to be reported as a cluster.
    let cluster_size: Vec<(usize, usize)> = groups
        .iter()
        .map(|g| {
            if g.members.len() <= MAX_OTHER_AGENCIES + 1 {
                return (0, 0);
            }
            let mut reports: Vec<i64> = g.members.iter().map(|&j| sections[j].report_id).collect();
            let mut agencies: Vec<i64> = g
                .members
                .iter()
                .map(|&j| sections[j].agency_id.unwrap_or(-sections[j].report_id))
                .collect();
            reports.sort_unstable();
            reports.dedup();
            agencies.sort_unstable();
            agencies.dedup();
            (reports.len(), agencies.len())
        })
        .collect();

    let name_of = |i: usize| -> String {
        by_id
            .get(&sections[i].report_id)
            .map(|r| r.agency.clone().unwrap_or_else(|| r.source.clone()))
            .unwrap_or_default()
    };
    let judge = |i: usize| -> Option<Judgement> {
        let g = group_of[i]?;
        let x = &sections[i];
        let year = x.year?;
        let group = &groups[g];
        // Texts this one is found in, by containment: itself first.
        let mut sources: Vec<usize> = Vec::with_capacity(edges[g].len() + 1);
        if self_copy[g] {
            sources.push(g);
        }
        sources.extend(edges[g].iter().map(|&(h, _)| h));

        let mut out = Judgement::default();
        // The same agency: its most recent earlier report that this copies.
        let own_here = match x.agency_id {
            Some(a) => {
                let mut best: Option<(i32, usize)> = None;
                for &h in &sources {
                    let Some(list) = of_agency.get(&(h, a)) else {
                        continue;
                    };
                    for &j in list {
                        let Some(y) = sections[j].year.filter(|&y| y < year) else {
                            continue;
                        };
                        if best.is_none_or(|(b, _)| y > b) {
                            best = Some((y, j));
                        }
                    }
                }
                if let Some((y, j)) = best {
                    out.pairs.push((j, CopiedFrom::OwnEarlier { year: y }));
                }
                of_agency.get(&(g, a)).map_or(0, Vec::len)
            }
            None => group
                .members
                .iter()
                .filter(|&&j| sections[j].report_id == x.report_id)
                .count(),
        };
        // Another report, of another agency (or of none).
        let other_agency = |j: usize| {
            let y = &sections[j];
            y.report_id != x.report_id && !(x.agency_id.is_some() && y.agency_id == x.agency_id)
        };

        // Many other agencies print this very text: one finding for the cluster, if one
        // of them is of this year or earlier.
        if group.members.len() - own_here > MAX_OTHER_AGENCIES {
            let earlier_or_same = group
                .members
                .iter()
                .copied()
                .find(|&j| other_agency(j))
                .and_then(|j| sections[j].year)
                .is_some_and(|y| y <= year);
            if earlier_or_same {
                let examples = group
                    .members
                    .iter()
                    .copied()
                    .filter(|&j| sections[j].report_id != x.report_id)
                    .filter_map(|j| {
                        Some(ClusterMember {
                            agency: name_of(j),
                            year: sections[j].year?,
                            report_id: sections[j].report_id,
                        })
                    })
                    .take(CLUSTER_EXAMPLES)
                    .collect();
                let (reports, agencies) = cluster_size[g];
                out.cluster = Some(SharedText {
                    reports,
                    agencies,
                    examples,
                });
            }
            return Some(out);
        }

        // Other agencies, earlier or the same year: the closest few, the earliest first
        // within one text.
        let mut taken = 0;
        'texts: for &h in &sources {
            for &j in &groups[h].members {
                if taken == MAX_OTHER_AGENCIES {
                    break 'texts;
                }
                let Some(y) = sections[j].year.filter(|&y| y <= year) else {
                    break;
                };
                if !other_agency(j) {
                    continue;
                }
                let from = CopiedFrom::Other {
                    agency: name_of(j),
                    year: y,
                };
                out.pairs.push((j, from));
                taken += 1;
            }
        }
        Some(out)
    };

    // The findings, a chunk of judged sections at a time: the passage search needs the
    // texts again, and only those of the chunk and its sources are loaded.
    let judged: Vec<usize> = (0..sections.len()).collect();
    for chunk in judged.chunks(JUDGE_CHUNK) {
        let judgements: Vec<(usize, Judgement)> = chunk
            .par_iter()
            .filter_map(|&i| judge(i).map(|j| (i, j)))
            .filter(|(_, j)| !j.pairs.is_empty() || j.cluster.is_some())
            .collect();
        if judgements.is_empty() {
            continue;
        }
        let mut need: Vec<i64> = Vec::new();
        for (i, j) in &judgements {
            need.push(sections[*i].section_id);
            need.extend(j.pairs.iter().map(|(s, _)| sections[*s].section_id));
        }
        need.sort_unstable();
        need.dedup();
        let texts = store.section_texts(&need)?;
        let made: Vec<Vec<(CorpusFinding, bool)>> = judgements
            .into_par_iter()
            .map(|(i, judgement)| {
                let x = &sections[i];
                let kind = x.kind;
                let Some((heading, body)) = texts.get(&x.section_id) else {
                    return Vec::new();
                };
                let mut out = Vec::new();
                if !judgement.pairs.is_empty() {
                    let nx = NormalizedText::prefix(body, similarity.max_chars);
                    for (j, from) in judgement.pairs {
                        let y = &sections[j];
                        let Some((_, other)) = texts.get(&y.section_id) else {
                            continue;
                        };
                        let ny = NormalizedText::prefix(other, similarity.max_chars);
                        let Some((f, _)) = cross::copied_text_normalized(
                            kind, heading, body, &nx, &ny, &from, similarity, &common,
                        ) else {
                            continue;
                        };
                        let f = with_other_note(f, by_id.get(&y.report_id).copied());
                        out.push((
                            CorpusFinding {
                                report_id: x.report_id,
                                other_report_id: Some(y.report_id),
                                finding: f,
                            },
                            false,
                        ));
                    }
                }
                if let Some(shared) = judgement.cluster {
                    let other = shared.examples.first().map(|m| m.report_id);
                    out.push((
                        CorpusFinding {
                            report_id: x.report_id,
                            other_report_id: other,
                            finding: cross::copied_text_cluster(kind, heading, &shared),
                        },
                        true,
                    ));
                }
                out
            })
            .collect();
        for (f, cluster) in made.into_iter().flatten() {
            summary.copied += 1;
            summary.clusters += usize::from(cluster);
            found.push(f);
        }
    }
    Ok(())
}
