//! Copied text (Y003), what the full and the incremental step share: the identity of a
//! distinct text, the candidate rule of the band index, the judgement of a section from
//! its text's members and sources, and the findings.
//!
//! A **text** is the set of sections of one kind with the same shingle set (identified
//! by a 64-bit hash of the kind and the set: two different sets colliding is a 2⁻⁶⁴
//! event per pair). It is indexed and compared once, however many reports print it.
//!
//! **Candidates** of a text are, in each of its bands' buckets, the
//! [`CANDIDATES_PER_BUCKET`] texts with the lowest ids other than itself. Buckets of
//! unrelated text hold one or two texts; only near-identical text (a template with each
//! agency's name filled in) fills one beyond this, and its members are copies of the
//! few taken as of any other. The rule depends only on the bucket, so a text added later
//! (whose id is higher) changes the candidates of a bucket's members only while the
//! bucket is not full — which is what keeps adding one report bounded.
//!
//! A text's **sources** are its candidates it is largely found in (containment at least
//! the threshold, with enough distinctive — not stock — shingles shared): the stored
//! edges.

use gongkai_check::cross::{self, ClusterMember, CopiedFrom, SharedText};
use gongkai_model::schema::SectionKind;
use gongkai_similar::{NormalizedText, Options};
use gongkai_store::{CorpusFinding, Store, StoreError};

use super::stock::Stock;
use super::{rows_by_id, with_other_note};

/// Most texts one band's bucket gives a text as candidates.
pub(crate) const CANDIDATES_PER_BUCKET: usize = 16;

/// How many other agencies' reports one section's copied-text finding may name.
const MAX_OTHER_AGENCIES: usize = 3;

/// How many members of a cluster its finding names.
const CLUSTER_EXAMPLES: usize = 3;

/// Judged sections whose findings (with their passage search) are made at a time.
const JUDGE_CHUNK: usize = 1000;

/// The identity of a text: a hash of its kind and shingle set, the same in every process.
pub(crate) fn content_hash(kind: SectionKind, shingles: &[u64]) -> u64 {
    let mut h = mix(0x6b69_6e64_0000_0000 ^ kind as u64);
    for &s in shingles {
        h = mix(h ^ s);
    }
    mix(h ^ shingles.len() as u64)
}

/// SplitMix64's finaliser.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The shingles of a section body; `None` when it has none.
pub(crate) fn shingles_of(body: &str, opts: &Options) -> Option<Vec<u64>> {
    let n = NormalizedText::prefix(body, opts.max_chars);
    let sh = gongkai_similar::shingles(&n, opts);
    (!sh.is_empty()).then_some(sh)
}

/// Whether text `a` is largely found in text `b` ([`cross::is_copy_lazy`] against the
/// stock snapshot): its containment when it is.
pub(crate) fn is_copy(a: &[u64], b: &[u64], stock: &Stock, o: &Options) -> Option<f64> {
    cross::is_copy_lazy(a, b, o.threshold, &|h| stock.is_common(h))
}

/// The band keys of a stored signature; `None` unless it has the options' length.
pub(crate) fn band_keys(signature: &[u8], opts: &Options) -> Option<Vec<u64>> {
    let sig = gongkai_similar::Fingerprint::signature_from_bytes(signature)?;
    (sig.len() == opts.num_hashes).then(|| gongkai_similar::signature_band_keys(opts, &sig))
}

/// The entries of `key` in entries sorted by (key, text id).
pub(crate) fn bucket(entries: &[(u64, i64)], key: u64) -> &[(u64, i64)] {
    let start = entries.partition_point(|e| e.0 < key);
    let end = start + entries[start..].partition_point(|e| e.0 == key);
    &entries[start..end]
}

/// Adds to `out` the candidates a bucket gives text `me`: its lowest ids other than
/// `me`. Returns whether the bucket held more.
pub(crate) fn take_candidates(bucket: &[(u64, i64)], me: i64, out: &mut Vec<i64>) -> bool {
    let mut taken = 0;
    for &(_, id) in bucket {
        if id == me {
            continue;
        }
        if taken == CANDIDATES_PER_BUCKET {
            return true;
        }
        out.push(id);
        taken += 1;
    }
    false
}

/// A section as judged.
#[derive(Clone, Debug)]
pub(crate) struct Sec {
    pub section_id: i64,
    pub report_id: i64,
    pub agency_id: Option<i64>,
    pub year: Option<i32>,
    pub kind: SectionKind,
}

/// A text as judged: its members, whether it is a copy of itself (said something of
/// its own, and printed more than once), and its sources.
#[derive(Clone, Debug, Default)]
pub(crate) struct TextNode {
    pub id: i64,
    /// Indices into [`Graph::secs`], by year (none last), then report, then section.
    pub members: Vec<usize>,
    pub self_copy: bool,
    /// Indices into [`Graph::texts`], highest containment first, then by text id.
    pub sources: Vec<usize>,
}

/// The part of the copied-text graph a judgement reads.
#[derive(Default)]
pub(crate) struct Graph {
    pub secs: Vec<Sec>,
    pub texts: Vec<TextNode>,
    /// The text of each section of `secs` (index into `texts`).
    pub text_of: Vec<Option<usize>>,
}

impl Graph {
    /// Orders sources: highest containment first, then by text id.
    pub(crate) fn sort_sources(&self, sources: &mut [(usize, f64)]) {
        sources.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(self.texts[a.0].id.cmp(&self.texts[b.0].id))
        });
    }
}

/// Whether a text identical to itself is a copy: more than one member, and it says
/// something of its own.
pub(crate) fn self_copy(members: usize, shingles: &[u64], stock: &Stock, o: &Options) -> bool {
    members > 1 && is_copy(shingles, shingles, stock, o).is_some()
}

/// What a section is reported for: pairwise findings (the most recent earlier report
/// of the same agency; up to [`MAX_OTHER_AGENCIES`] other agencies' reports), or, for a
/// text shared identically with many other agencies, one finding for the cluster.
#[derive(Default)]
struct Judgement {
    /// `(section judged against, its year, same agency)`.
    pairs: Vec<(usize, i32, bool)>,
    /// `(examples, reports, agencies)`.
    cluster: Option<(Vec<usize>, usize, usize)>,
}

fn judge(g: &Graph, i: usize) -> Option<Judgement> {
    let t = g.text_of[i]?;
    let x = &g.secs[i];
    let year = x.year?;
    let text = &g.texts[t];
    let mut sources: Vec<usize> = Vec::with_capacity(text.sources.len() + 1);
    if text.self_copy {
        sources.push(t);
    }
    sources.extend(text.sources.iter().copied());

    let mut out = Judgement::default();
    // The same agency: its most recent earlier report that this copies.
    let own_here = match x.agency_id {
        Some(a) => {
            let mut best: Option<(i32, usize)> = None;
            for &h in &sources {
                for &j in &g.texts[h].members {
                    if g.secs[j].agency_id != Some(a) {
                        continue;
                    }
                    let Some(y) = g.secs[j].year.filter(|&y| y < year) else {
                        continue;
                    };
                    if best.is_none_or(|(b, _)| y > b) {
                        best = Some((y, j));
                    }
                }
            }
            if let Some((y, j)) = best {
                out.pairs.push((j, y, true));
            }
            text.members
                .iter()
                .filter(|&&j| g.secs[j].agency_id == Some(a))
                .count()
        }
        None => text
            .members
            .iter()
            .filter(|&&j| g.secs[j].report_id == x.report_id)
            .count(),
    };
    // Another report, of another agency (or of none).
    let other_agency = |j: usize| {
        let y = &g.secs[j];
        y.report_id != x.report_id && !(x.agency_id.is_some() && y.agency_id == x.agency_id)
    };

    // Many other agencies print this very text: one finding for the cluster, if one of
    // them is of this year or earlier.
    if text.members.len() - own_here > MAX_OTHER_AGENCIES {
        let earlier_or_same = text
            .members
            .iter()
            .copied()
            .find(|&j| other_agency(j))
            .and_then(|j| g.secs[j].year)
            .is_some_and(|y| y <= year);
        if earlier_or_same {
            let examples: Vec<usize> = text
                .members
                .iter()
                .copied()
                .filter(|&j| g.secs[j].report_id != x.report_id && g.secs[j].year.is_some())
                .take(CLUSTER_EXAMPLES)
                .collect();
            let mut reports: Vec<i64> = text.members.iter().map(|&j| g.secs[j].report_id).collect();
            let mut agencies: Vec<i64> = text
                .members
                .iter()
                .map(|&j| g.secs[j].agency_id.unwrap_or(-g.secs[j].report_id))
                .collect();
            reports.sort_unstable();
            reports.dedup();
            agencies.sort_unstable();
            agencies.dedup();
            out.cluster = Some((examples, reports.len(), agencies.len()));
        }
        return Some(out);
    }

    // Other agencies, earlier or the same year: the closest few, the earliest first
    // within one text.
    let mut taken = 0;
    'texts: for &h in &sources {
        for &j in &g.texts[h].members {
            if taken == MAX_OTHER_AGENCIES {
                break 'texts;
            }
            let Some(y) = g.secs[j].year.filter(|&y| y <= year) else {
                break;
            };
            if !other_agency(j) {
                continue;
            }
            out.pairs.push((j, y, false));
            taken += 1;
        }
    }
    Some(out)
}

/// Counts of the findings made.
#[derive(Default)]
pub(crate) struct Made {
    pub copied: usize,
    pub clusters: usize,
}

/// The copied-text findings of sections `targets` of the graph.
pub(crate) fn findings(
    store: &mut Store,
    g: &Graph,
    targets: &[usize],
    opts: &Options,
    stock: &Stock,
    made: &mut Made,
    found: &mut Vec<CorpusFinding>,
) -> Result<(), StoreError> {
    use rayon::prelude::*;

    let common = |h: u64| stock.is_common(h);
    let stock_note = stock.note();
    for chunk in targets.chunks(JUDGE_CHUNK) {
        let judgements: Vec<(usize, Judgement)> = chunk
            .par_iter()
            .filter_map(|&i| judge(g, i).map(|j| (i, j)))
            .filter(|(_, j)| !j.pairs.is_empty() || j.cluster.is_some())
            .collect();
        if judgements.is_empty() {
            continue;
        }
        let mut need: Vec<i64> = Vec::new();
        let mut reports: Vec<i64> = Vec::new();
        for (i, j) in &judgements {
            need.push(g.secs[*i].section_id);
            need.extend(j.pairs.iter().map(|(s, _, _)| g.secs[*s].section_id));
            reports.extend(j.pairs.iter().map(|(s, _, _)| g.secs[*s].report_id));
            if let Some((examples, _, _)) = &j.cluster {
                reports.extend(examples.iter().map(|&s| g.secs[s].report_id));
            }
        }
        need.sort_unstable();
        need.dedup();
        reports.sort_unstable();
        reports.dedup();
        let texts = store.section_texts(&need)?;
        let rows = rows_by_id(store, reports)?;
        let name_of = |j: usize| -> String {
            rows.get(&g.secs[j].report_id)
                .map(|r| r.agency.clone().unwrap_or_else(|| r.source.clone()))
                .unwrap_or_default()
        };
        let out: Vec<Vec<(CorpusFinding, bool)>> = judgements
            .into_par_iter()
            .map(|(i, judgement)| {
                let x = &g.secs[i];
                let Some((heading, body)) = texts.get(&x.section_id) else {
                    return Vec::new();
                };
                let mut out = Vec::new();
                if !judgement.pairs.is_empty() {
                    let nx = NormalizedText::prefix(body, opts.max_chars);
                    for (j, y, own) in judgement.pairs {
                        let other = &g.secs[j];
                        let Some((_, other_body)) = texts.get(&other.section_id) else {
                            continue;
                        };
                        let from = if own {
                            CopiedFrom::OwnEarlier { year: y }
                        } else {
                            CopiedFrom::Other {
                                agency: name_of(j),
                                year: y,
                            }
                        };
                        let ny = NormalizedText::prefix(other_body, opts.max_chars);
                        let Some((mut f, _)) = cross::copied_text_normalized(
                            x.kind, heading, body, &nx, &ny, &from, opts, &common,
                        ) else {
                            continue;
                        };
                        f.notes.push(stock_note.clone());
                        let f = with_other_note(f, rows.get(&other.report_id));
                        out.push((
                            CorpusFinding {
                                report_id: x.report_id,
                                other_report_id: Some(other.report_id),
                                finding: f,
                            },
                            false,
                        ));
                    }
                }
                if let Some((examples, reports, agencies)) = judgement.cluster {
                    let shared = SharedText {
                        reports,
                        agencies,
                        examples: examples
                            .iter()
                            .filter_map(|&j| {
                                Some(ClusterMember {
                                    agency: name_of(j),
                                    year: g.secs[j].year?,
                                    report_id: g.secs[j].report_id,
                                })
                            })
                            .collect(),
                    };
                    let other = shared.examples.first().map(|m| m.report_id);
                    let mut f = cross::copied_text_cluster(x.kind, heading, &shared);
                    f.notes.push(stock_note.clone());
                    out.push((
                        CorpusFinding {
                            report_id: x.report_id,
                            other_report_id: other,
                            finding: f,
                        },
                        true,
                    ));
                }
                out
            })
            .collect();
        for (f, cluster) in out.into_iter().flatten() {
            made.copied += 1;
            made.clusters += usize::from(cluster);
            found.push(f);
        }
    }
    Ok(())
}

/// Sorts findings as every step stores them.
pub(crate) fn sort_findings(found: &mut [CorpusFinding]) {
    found.sort_by(|a, b| {
        (
            a.report_id,
            &a.finding.code,
            a.other_report_id,
            &a.finding.message,
        )
            .cmp(&(
                b.report_id,
                &b.finding.code,
                b.other_report_id,
                &b.finding.message,
            ))
    });
}
