//! The full step: every cross-report finding recomputed, and the kept copied-text state
//! (texts, edges, band index; the stock snapshot when it is refreshed) rebuilt from the
//! current reports. Texts found again keep their ids, so that the candidate rule
//! ([`super::copied`]) gives what the incremental steps gave.

use std::collections::{BTreeMap, HashMap};

use gongkai_model::schema::SectionKind;
use gongkai_store::{CorpusFinding, CrossStep, Store, StoreError};

use super::copied::{self, Graph, Sec, TextNode};
use super::stock::{stock_threshold, AgencyCounts, Stock};
use super::years::{self, Enabled};
use super::{CrossSummary, FullBecause, StepMode, StockRefresh};

/// Sections whose texts are loaded, normalised and shingled at a time: memory holds one
/// chunk of texts, and the shingles of each distinct text once.
const LOAD_CHUNK: usize = 2000;

#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    store: &mut Store,
    step: CrossStep,
    enabled: &dyn Fn(&str) -> bool,
    similarity: &gongkai_similar::Options,
    refresh: bool,
    why: FullBecause,
    taken_in: usize,
) -> Result<CrossSummary, StoreError> {
    let mut summary = CrossSummary {
        mode: StepMode::Full,
        full_because: Some(why),
        taken_in,
        ..CrossSummary::default()
    };
    let mut found: Vec<CorpusFinding> = Vec::new();
    let mut phase = Phases::new();
    let on = Enabled {
        carry_over: enabled("Y001"),
        stock: enabled("Y002"),
    };
    if on.carry_over || on.stock {
        let mut counts = years::Counts::default();
        years::all(store, on, &mut counts, &mut found)?;
        summary.year_pairs = counts.pairs;
        summary.carry_over = counts.carry_over;
        summary.stock = counts.stock;
    }
    phase.done("years");
    if enabled("Y003") {
        copied_text(store, similarity, refresh, &mut summary, &mut found)?;
    } else {
        // Nothing kept that the next step could build on.
        store.clear_copied_state()?;
        store.clear_section_texts()?;
    }
    copied::sort_findings(&mut found);
    phase.done("copied text");
    store.replace_all_corpus_findings_in_step(step, &found)?;
    phase.done("findings stored");
    store.mark_all_taken_in()?;
    phase.done("reports marked");
    summary.rechecked = store.current_report_count()? as usize;
    Ok(summary)
}

/// Sections of one kind with the same shingle set.
struct Group {
    kind: SectionKind,
    content: u64,
    /// The shingles' top 32 bits, sorted and deduplicated: half the memory of the
    /// shingles, enough to rule pairs out (two texts share at least the short shingles
    /// they share in full, so a pair below the threshold here is below it in full); a
    /// pair that reaches it is checked again in full.
    short: Vec<u32>,
    /// How many shingles in full.
    len: usize,
    /// Member sections (indices into the signatures), in section order.
    members: Vec<usize>,
    /// The stored signature that stands for the group in the band index.
    signature: Option<Vec<u8>>,
}

/// A one-hash Bloom filter of a group's short shingles, 2,048 bits: a shingle whose bit
/// is clear is certainly not in the text, so counting clear bits rules most unrelated
/// pairs out without the merge of the two sets.
type Bloom = [u64; 32];

fn bloom_of(short: &[u32]) -> Bloom {
    let mut b = [0u64; 32];
    for &h in short {
        let bit = (h & 2047) as usize;
        b[bit / 64] |= 1 << (bit % 64);
    }
    b
}

/// The short form of sorted shingles ([`Group::short`]).
fn short_shingles(shingles: &[u64]) -> Vec<u32> {
    let mut out: Vec<u32> = shingles.iter().map(|&h| (h >> 32) as u32).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether text `a` (`len` shingles, short form and Bloom filter) can be a copy of
/// text `b`: the short shingles missing from `b` are at most the full ones missing (a
/// short shingle stands for every full one with its top bits), and a clear bit in `b`'s
/// filter is a short shingle certainly missing, so more misses than a copy allows rule
/// the pair out for certain. The filter first (cheap, stops early), then the merge.
fn may_copy(a: &Group, b: &Group, b_bloom: &Bloom, threshold: f64) -> bool {
    let Some(need) = gongkai_check::cross::shared_needed(a.len, threshold) else {
        return false;
    };
    let allowed = a.len - need;
    let mut missed = 0;
    for &h in &a.short {
        let bit = (h & 2047) as usize;
        missed += usize::from(b_bloom[bit / 64] & (1 << (bit % 64)) == 0);
        if missed > allowed {
            return false;
        }
    }
    let (mut j, mut missed) = (0, 0);
    for &h in &a.short {
        while j < b.short.len() && b.short[j] < h {
            j += 1;
        }
        if j >= b.short.len() || b.short[j] != h {
            missed += 1;
            if missed > allowed {
                return false;
            }
        }
    }
    true
}

/// Prints how long each phase took when `GONGKAI_TRACE_CROSS` is set (for whoever has
/// to make a step faster).
struct Phases(Option<std::time::Instant>);

impl Phases {
    fn new() -> Phases {
        Phases(std::env::var_os("GONGKAI_TRACE_CROSS").map(|_| std::time::Instant::now()))
    }
    fn done(&mut self, what: &str) {
        if let Some(t) = &mut self.0 {
            eprintln!("cross: {what} {:.2} s", t.elapsed().as_secs_f64());
            *t = std::time::Instant::now();
        }
    }
}

fn copied_text(
    store: &mut Store,
    similarity: &gongkai_similar::Options,
    refresh: bool,
    summary: &mut CrossSummary,
    found: &mut Vec<CorpusFinding>,
) -> Result<(), StoreError> {
    use rayon::prelude::*;

    let mut phase = Phases::new();
    let mut sections = store.section_signatures()?;
    summary.sections = sections.len();

    // Identical texts become one group, streaming: only one chunk of texts in memory,
    // and each distinct shingle set kept once (short).
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: Vec<Option<usize>> = vec![None; sections.len()];
    let mut by_content: HashMap<(SectionKind, u64), usize> = HashMap::new();
    // The next chunk's texts are read from the database while this one's are shingled.
    let chunks = sections.len().div_ceil(LOAD_CHUNK);
    let total = sections.len();
    let range_of = |c: usize| c * LOAD_CHUNK..((c + 1) * LOAD_CHUNK).min(total);
    let load = |store: &mut Store, chunk: &[gongkai_store::SectionSignature]| {
        let ids: Vec<i64> = chunk.iter().map(|s| s.section_id).collect();
        let mut texts = store.section_texts(&ids)?;
        Ok::<_, StoreError>(
            chunk
                .iter()
                .map(|s| texts.remove(&s.section_id).map(|(_, body)| body))
                .collect::<Vec<Option<String>>>(),
        )
    };
    let mut next = match chunks {
        0 => None,
        _ => Some(load(store, &sections[range_of(0)])?),
    };
    for chunk_no in 0..chunks {
        let range = range_of(chunk_no);
        let bodies = next.take().unwrap_or_default();
        let (shingled, loaded) = {
            let chunk = &sections[range.clone()];
            let following = (chunk_no + 1 < chunks).then(|| &sections[range_of(chunk_no + 1)]);
            let store = &mut *store;
            rayon::join(
                || {
                    bodies
                        .into_par_iter()
                        .zip(chunk.par_iter())
                        .map(|(body, s)| {
                            let sh = copied::shingles_of(&body?, similarity)?;
                            Some((
                                copied::content_hash(s.kind, &sh),
                                short_shingles(&sh),
                                sh.len(),
                            ))
                        })
                        .collect::<Vec<Option<(u64, Vec<u32>, usize)>>>()
                },
                || following.map(|f| load(store, f)).transpose(),
            )
        };
        next = loaded?;
        for (k, sh) in shingled.into_iter().enumerate() {
            let Some((content, short, len)) = sh else {
                continue;
            };
            let i = range.start + k;
            let kind = sections[i].kind;
            let g = *by_content.entry((kind, content)).or_insert_with(|| {
                groups.push(Group {
                    kind,
                    content,
                    short,
                    len,
                    members: Vec::new(),
                    signature: None,
                });
                groups.len() - 1
            });
            groups[g].members.push(i);
            group_of[i] = Some(g);
            if groups[g].signature.is_none()
                && copied::band_keys(&sections[i].signature, similarity).is_some()
            {
                groups[g].signature = Some(std::mem::take(&mut sections[i].signature));
            }
        }
    }
    drop(by_content);
    // Only the groups' signatures are needed from here.
    for s in &mut sections {
        s.signature = Vec::new();
    }
    summary.texts = groups.len();
    summary.largest_cluster = groups.iter().map(|g| g.members.len()).max().unwrap_or(0);

    phase.done("texts loaded and grouped");
    // The stock phrases: counted anew, or the snapshot kept.
    let before = store.stock_snapshot_header()?;
    // The kept snapshot is read only when it is kept (its sketch is 32 MB).
    let kept = if refresh { None } else { Stock::load(store)? };
    let stock = match kept {
        Some(stock) => stock,
        None => {
            let stock = count_stock(store, &sections, &groups, &group_of)?;
            stock.save(store)?;
            summary.stock_refresh = Some(StockRefresh {
                before_agencies: before.map(|b| b.0),
                agencies: stock.agencies,
                threshold: i64::from(stock.threshold),
                copied_before: store.count_corpus_findings("Y003")? as usize,
                copied_after: 0,
            });
            stock
        }
    };

    phase.done("stock");
    // Text ids: those found again keep theirs; new ones follow the highest ever given.
    let existing: HashMap<(SectionKind, u64), i64> = store
        .all_texts()?
        .into_iter()
        .map(|(id, kind, content)| ((kind, content), id))
        .collect();
    let mut next = store.max_text_id()?;
    let text_id: Vec<i64> = groups
        .iter()
        .map(|g| match existing.get(&(g.kind, g.content)) {
            Some(&id) => id,
            None => {
                next += 1;
                next
            }
        })
        .collect();
    drop(existing);

    // The band index: (key, text id), sorted; and each group's candidates, from one
    // pass over its buckets (a bucket of one gives none).
    let keys: Vec<Option<Vec<u64>>> = groups
        .par_iter()
        .map(|g| {
            g.signature
                .as_deref()
                .and_then(|s| copied::band_keys(s, similarity))
        })
        .collect();
    let index_of: HashMap<i64, usize> =
        text_id.iter().enumerate().map(|(g, &id)| (id, g)).collect();
    let mut entries: Vec<(u64, i64)> = Vec::new();
    for (g, k) in keys.iter().enumerate() {
        if let Some(k) = k {
            entries.extend(k.iter().map(|&key| (key, text_id[g])));
        }
    }
    drop(keys);
    entries.par_sort_unstable();
    entries.dedup();
    let mut candidates: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    let mut limited = vec![false; groups.len()];
    let mut start = 0;
    while start < entries.len() {
        let key = entries[start].0;
        let end = start + entries[start..].partition_point(|e| e.0 == key);
        if end - start > 1 {
            let bucket = &entries[start..end];
            for &(_, me) in bucket {
                let g = index_of[&me];
                let mut taken = Vec::new();
                limited[g] |= copied::take_candidates(bucket, me, &mut taken);
                candidates[g].extend(taken.into_iter().map(|id| index_of[&id] as u32));
            }
        }
        start = end;
    }
    drop(index_of);
    // The band pages are kept as they are: stored now, so that the index leaves memory
    // before the checks.
    store.clear_copied_state()?;
    store.insert_all_band_pages(&entries)?;
    drop(entries);
    // And the texts, whose signatures then leave memory too.
    let mut texts: Vec<(i64, SectionKind, u64, Option<Vec<u8>>)> = groups
        .iter_mut()
        .enumerate()
        .map(|(g, group)| {
            (
                text_id[g],
                group.kind,
                group.content,
                group.signature.take(),
            )
        })
        .collect();
    texts.sort_by_key(|t| t.0);
    for chunk in texts.chunks(5000) {
        store.insert_texts_with_ids(chunk)?;
    }
    drop(texts);

    phase.done("band index and candidates");
    // Candidates ruled out by their short shingles; those ruled in are checked in
    // full below.
    let blooms: Vec<Bloom> = groups.par_iter().map(|g| bloom_of(&g.short)).collect();
    let (ruled_in, proposed): (Vec<Vec<u32>>, Vec<usize>) = candidates
        .into_par_iter()
        .enumerate()
        .map(|(g, mut cands)| {
            cands.sort_unstable();
            cands.dedup();
            cands.retain(|&h| groups[h as usize].kind == groups[g].kind);
            let proposed = cands.len();
            cands.retain(|&h| {
                let h = h as usize;
                may_copy(&groups[g], &groups[h], &blooms[h], similarity.threshold)
            });
            (cands, proposed)
        })
        .unzip();
    summary.candidates = proposed.iter().sum();
    drop(proposed);
    summary.limited = limited
        .iter()
        .zip(&groups)
        .filter(|(l, _)| **l)
        .map(|(_, g)| g.members.len())
        .sum();
    drop(limited);

    // Only the groups' members, kinds and signatures are needed from here.
    drop(blooms);
    for g in &mut groups {
        g.short = Vec::new();
    }
    phase.done("short check");
    // The full check, with the texts' full shingles read again: the groups of the pairs
    // ruled in, and the groups printed more than once (a copy of themselves?).
    let mut need: Vec<usize> = Vec::new();
    for (g, cands) in ruled_in.iter().enumerate() {
        if !cands.is_empty() || groups[g].members.len() > 1 {
            need.push(g);
            need.extend(cands.iter().map(|&h| h as usize));
        }
    }
    need.sort_unstable();
    need.dedup();
    let mut full: HashMap<usize, Vec<u64>> = HashMap::with_capacity(need.len());
    for chunk in need.chunks(LOAD_CHUNK) {
        let ids: Vec<i64> = chunk
            .iter()
            .map(|&g| sections[groups[g].members[0]].section_id)
            .collect();
        let texts = store.section_texts(&ids)?;
        let shingled: Vec<(usize, Option<Vec<u64>>)> = chunk
            .par_iter()
            .zip(ids.par_iter())
            .map(|(&g, id)| {
                (
                    g,
                    texts
                        .get(id)
                        .and_then(|(_, body)| copied::shingles_of(body, similarity)),
                )
            })
            .collect();
        for (g, sh) in shingled {
            if let Some(sh) = sh {
                full.insert(g, sh);
            }
        }
    }
    let checked: Vec<Vec<(usize, f64)>> = ruled_in
        .par_iter()
        .enumerate()
        .map(|(g, cands)| {
            let Some(a) = full.get(&g) else {
                return Vec::new();
            };
            cands
                .iter()
                .filter_map(|&h| {
                    let b = full.get(&(h as usize))?;
                    copied::is_copy(a, b, &stock, similarity).map(|c| (h as usize, c))
                })
                .collect()
        })
        .collect();
    drop(ruled_in);
    let self_copy: Vec<bool> = (0..groups.len())
        .into_par_iter()
        .map(|g| {
            full.get(&g).is_some_and(|sh| {
                copied::self_copy(groups[g].members.len(), sh, &stock, similarity)
            })
        })
        .collect();
    drop(full);

    phase.done("full check");
    // Kept for the incremental steps (the band pages are stored already).
    let mut edges: Vec<(i64, i64, f64)> = Vec::new();
    for (g, c) in checked.iter().enumerate() {
        edges.extend(c.iter().map(|&(h, v)| (text_id[g], text_id[h], v)));
    }
    store.insert_all_edges(&edges)?;
    drop(edges);
    store.clear_section_texts()?;
    let pairs: Vec<(i64, i64)> = sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.section_id, text_id[group_of[i]?])))
        .collect();
    store.insert_all_section_texts(&pairs)?;
    drop(pairs);

    phase.done("state stored");
    // The judgement graph of every section.
    let mut graph = Graph {
        secs: sections
            .iter()
            .map(|s| Sec {
                section_id: s.section_id,
                report_id: s.report_id,
                agency_id: s.agency_id,
                year: s.year,
                kind: s.kind,
            })
            .collect(),
        texts: Vec::with_capacity(groups.len()),
        text_of: group_of,
    };
    drop(sections);
    for (g, group) in groups.into_iter().enumerate() {
        let mut members = group.members;
        members.sort_by_key(|&i| {
            let s = &graph.secs[i];
            (s.year.is_none(), s.year, s.report_id, s.section_id)
        });
        graph.texts.push(TextNode {
            id: text_id[g],
            members,
            self_copy: self_copy[g],
            sources: Vec::new(),
        });
    }
    for (g, mut sources) in checked.into_iter().enumerate() {
        graph.sort_sources(&mut sources);
        graph.texts[g].sources = sources.into_iter().map(|(h, _)| h).collect();
    }
    let targets: Vec<usize> = (0..graph.secs.len()).collect();
    let mut made = copied::Made::default();
    copied::findings(
        store, &graph, &targets, similarity, &stock, &mut made, found,
    )?;
    phase.done("judged and findings made");
    summary.copied = made.copied;
    summary.clusters = made.clusters;
    if let Some(r) = &mut summary.stock_refresh {
        r.copied_after = made.copied;
    }
    Ok(())
}

/// Counts the stock phrases of the current reports: per agency, each shingle once.
fn count_stock(
    store: &mut Store,
    sections: &[gongkai_store::SectionSignature],
    groups: &[Group],
    group_of: &[Option<usize>],
) -> Result<Stock, StoreError> {
    use rayon::prelude::*;

    let mut counts = AgencyCounts::new();
    let mut by_agency: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, s) in sections.iter().enumerate() {
        // A report without an agency counts as an agency of its own.
        by_agency
            .entry(s.agency_id.unwrap_or(-s.report_id))
            .or_default()
            .push(i);
    }
    let by_agency: Vec<Vec<usize>> = by_agency.into_values().collect();
    for chunk in by_agency.chunks(4096) {
        let sets: Vec<Vec<u64>> = chunk
            .par_iter()
            .map(|members| {
                let mut own: Vec<u64> = Vec::new();
                for &i in members {
                    if let Some(g) = group_of[i] {
                        own.extend(groups[g].short.iter().map(|&h| u64::from(h)));
                    }
                }
                own.sort_unstable();
                own.dedup();
                own
            })
            .collect();
        counts.add_agencies(&sets);
    }
    let agencies = store.counted_agencies()?;
    Ok(Stock {
        counts,
        threshold: stock_threshold(agencies.max(0) as usize),
        agencies,
        computed_at: gongkai_store::unix_now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The short check never rules out a pair the full check would take: whatever
        /// the sets, a pair whose full containment reaches the threshold passes it.
        #[test]
        fn the_short_check_never_loses_a_copy(
            a in proptest::collection::btree_set(proptest::prelude::any::<u64>(), 1..300),
            shared in 0.0f64..=1.0,
            extra in proptest::collection::btree_set(proptest::prelude::any::<u64>(), 0..300),
            threshold in 0.05f64..=1.0,
        ) {
            let a: Vec<u64> = a.into_iter().collect();
            let take = (a.len() as f64 * shared) as usize;
            let mut b: Vec<u64> = a[..take].to_vec();
            b.extend(extra);
            b.sort_unstable();
            b.dedup();
            let group = |sh: &[u64]| {
                let short = short_shingles(sh);
                Group {
                    kind: SectionKind::Overview,
                    content: 0,
                    short,
                    len: sh.len(),
                    members: Vec::new(),
                    signature: None,
                }
            };
            let exact = gongkai_check::cross::is_copy_lazy(&a, &b, threshold, &|_| false).is_some();
            if exact {
                let b = group(&b);
                proptest::prop_assert!(may_copy(&group(&a), &b, &bloom_of(&b.short), threshold));
            }
        }
    }
}
