//! The full step: every cross-report finding recomputed, and the kept copied-text state
//! (texts, edges, band index; the stock snapshot when it is refreshed) rebuilt from the
//! current reports. Texts found again keep their ids, so that the candidate rule
//! ([`super::copied`]) gives what the incremental steps gave.

use std::collections::{BTreeMap, HashMap};

use gongkai_model::schema::SectionKind;
use gongkai_store::{CorpusFinding, CrossStep, Store, StoreError};

use super::copied::{self, Graph, Sec, TextNode};
use super::spill::{SpillFile, SpillWriter};
use super::stock::{stock_threshold, AgencyCounts, Stock};
use super::years::{self, Enabled};
use super::{CrossSummary, FullBecause, StepMode, StockRefresh};

/// Sections whose texts are loaded, normalised and shingled at a time.
const LOAD_CHUNK: usize = if cfg!(debug_assertions) { 40 } else { 2000 };

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

/// A distinct text: sections of one kind with the same shingle set. What stays in
/// memory for each; its short shingles and filter are in the record file.
struct Group {
    kind: SectionKind,
    /// The text's id (kept from the last step when the text is found again).
    id: i64,
    /// How many shingles in full.
    len: usize,
    /// Where its record starts in the record file, and how many short shingles it has.
    record: u64,
    short_len: u32,
    /// How many sections print it, and the first of them (an index into the sections).
    members: u32,
    first: u32,
}

/// No group (a section with no shingles).
const NO_GROUP: u32 = u32::MAX;

/// A one-hash Bloom filter of a group's short shingles, 2,048 bits: a shingle whose bit
/// is clear is certainly not in the text, so counting clear bits rules most unrelated
/// pairs out without the merge of the two sets.
type Bloom = [u64; 32];
const BLOOM_BYTES: usize = 32 * 8;

fn bloom_of(short: &[u32]) -> Bloom {
    let mut b = [0u64; 32];
    for &h in short {
        let bit = (h & 2047) as usize;
        b[bit / 64] |= 1 << (bit % 64);
    }
    b
}

/// The short form of sorted shingles: their top 32 bits, sorted and deduplicated. Half
/// the size of the shingles, and enough to rule pairs out (two texts share at least the
/// short shingles they share in full, so a pair below the threshold here is below it in
/// full); a pair that reaches it is checked again in full.
fn short_shingles(shingles: &[u64]) -> Vec<u32> {
    let mut out: Vec<u32> = shingles.iter().map(|&h| (h >> 32) as u32).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether text `a` (`a_len` shingles in full, `a_short` short) can be a copy of a text
/// with the filter `b_bloom`: a clear bit is a short shingle certainly missing from it,
/// and the short shingles missing are at most the full ones missing (a short shingle
/// stands for every full one with its top bits), so more misses than a copy allows rule
/// the pair out for certain.
fn bloom_allows(a_len: usize, a_short: &[u32], b_bloom: &Bloom, threshold: f64) -> bool {
    let Some(need) = gongkai_check::cross::shared_needed(a_len, threshold) else {
        return false;
    };
    let allowed = a_len - need;
    let mut missed = 0;
    for &h in a_short {
        let bit = (h & 2047) as usize;
        missed += usize::from(b_bloom[bit / 64] & (1 << (bit % 64)) == 0);
        if missed > allowed {
            return false;
        }
    }
    true
}

/// The same with `b`'s short shingles themselves (a merge of the two sorted sets).
fn merge_allows(a_len: usize, a_short: &[u32], b_short: &[u32], threshold: f64) -> bool {
    let Some(need) = gongkai_check::cross::shared_needed(a_len, threshold) else {
        return false;
    };
    let allowed = a_len - need;
    let (mut j, mut missed) = (0, 0);
    for &h in a_short {
        while j < b_short.len() && b_short[j] < h {
            j += 1;
        }
        if j >= b_short.len() || b_short[j] != h {
            missed += 1;
            if missed > allowed {
                return false;
            }
        }
    }
    true
}

/// The records of the distinct texts: each text's Bloom filter, then its short
/// shingles, little-endian.
struct Records(SpillFile);

impl Records {
    fn encode(short: &[u32], out: &mut Vec<u8>) {
        out.clear();
        for w in bloom_of(short) {
            out.extend_from_slice(&w.to_le_bytes());
        }
        for h in short {
            out.extend_from_slice(&h.to_le_bytes());
        }
    }

    fn bloom(&self, g: &Group) -> std::io::Result<Bloom> {
        let mut buf = [0u8; BLOOM_BYTES];
        self.0.read_at(g.record, &mut buf)?;
        let mut b = [0u64; 32];
        for (w, bytes) in b.iter_mut().zip(buf.chunks_exact(8)) {
            *w = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        }
        Ok(b)
    }

    fn short(&self, g: &Group) -> std::io::Result<Vec<u32>> {
        let mut buf = vec![0u8; g.short_len as usize * 4];
        self.0.read_at(g.record + BLOOM_BYTES as u64, &mut buf)?;
        Ok(buf
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect())
    }
}

/// Band partitions: a band key's top bits choose its file, so that each file's entries
/// are a sixteenth of the index and whole band pages ([`gongkai_store::band_page`]).
const BAND_PARTITIONS: usize = 16;

fn band_partition(key: u64) -> usize {
    (key >> 60) as usize
}

// The sizes below are small in debug builds (`cargo test`), so that the tests' corpora
// of a few hundred reports cross every page, block and chunk boundary; the findings
// must not depend on them.

/// Candidate pairs are written in blocks of this many texts (by the text that may be
/// the copy), each block checked on its own.
const PAIR_BLOCK: usize = if cfg!(debug_assertions) { 50 } else { 1 << 17 };

/// Sections whose metadata is read at a time.
const SECTIONS_PAGE: i64 = if cfg!(debug_assertions) { 70 } else { 100_000 };

/// Texts stored at a time.
const TEXTS_INSERT: usize = if cfg!(debug_assertions) { 30 } else { 5000 };

/// Texts checked in full at a time (their full shingles are in memory together).
const FULL_CHUNK: usize = if cfg!(debug_assertions) { 7 } else { 1000 };

/// Prints how long each phase took when `GONGKAI_TRACE_CROSS` is set (for whoever has
/// to make a step faster), with the memory the process holds.
struct Phases(Option<std::time::Instant>);

impl Phases {
    fn new() -> Phases {
        Phases(std::env::var_os("GONGKAI_TRACE_CROSS").map(|_| std::time::Instant::now()))
    }
    /// A line of the trace that is not a phase.
    fn note(&self, what: &str) {
        if self.0.is_some() {
            eprintln!("cross: {what}");
        }
    }
    fn done(&mut self, what: &str) {
        if let Some(t) = &mut self.0 {
            eprintln!(
                "cross: {what} {:.2} s ({})",
                t.elapsed().as_secs_f64(),
                memory_now()
            );
            *t = std::time::Instant::now();
        }
    }
}

/// The process's resident and peak memory, from `/proc/self/status` (Linux; empty
/// elsewhere), for the phase trace.
fn memory_now() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    format!("resident {}, peak {}", field("VmRSS:"), field("VmHWM:"))
}

/// The current reports' sections with a signature, in section-id order (read a page
/// at a time: the query's rows never hold the whole corpus).
fn copied_sections(store: &mut Store) -> Result<Vec<Sec>, StoreError> {
    let mut secs = Vec::new();
    let mut after = i64::MIN;
    loop {
        let page = store.copied_sections_page(after, SECTIONS_PAGE)?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.section_id;
        secs.extend(page.into_iter().map(|s| Sec {
            section_id: s.section_id,
            report_id: s.report_id,
            agency_id: s.agency_id,
            year: s.year,
            kind: s.kind,
        }));
    }
    Ok(secs)
}

/// One section as shingled: its content hash, short shingles, full count and band keys
/// (when its signature gives them).
type Shingled = (u64, Vec<u32>, usize, Option<Vec<u64>>);

/// What grouping leaves: the distinct texts, each section's text, the records, the band
/// partitions.
struct Grouped {
    groups: Vec<Group>,
    group_of: Vec<u32>,
    records: Records,
    bands: Vec<SpillFile>,
}

/// Reads every section's text once (a chunk at a time, the next chunk read while this
/// one is shingled), puts identical texts together, stores the texts with their ids
/// and signatures, and writes each text's record and band entries to the files.
fn group_texts(
    store: &mut Store,
    secs: &[Sec],
    similarity: &gongkai_similar::Options,
) -> Result<Grouped, StoreError> {
    use rayon::prelude::*;

    // Text ids: those found again keep theirs; new ones follow the highest ever given.
    let existing: HashMap<(SectionKind, u64), i64> = store
        .all_texts()?
        .into_iter()
        .map(|(id, kind, content)| ((kind, content), id))
        .collect();
    let mut next_id = store.max_text_id()?;
    store.clear_copied_state()?;

    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: Vec<u32> = vec![NO_GROUP; secs.len()];
    let mut by_content: HashMap<(SectionKind, u64), u32> = HashMap::new();
    let mut records = SpillWriter::new()?;
    let mut bands: Vec<SpillWriter> = (0..BAND_PARTITIONS)
        .map(|_| SpillWriter::new())
        .collect::<Result<_, _>>()?;
    // Texts waiting to be stored, and texts whose sections so far had no usable
    // signature (stored at the end, with one a later member has, if any).
    let mut to_store: Vec<(i64, SectionKind, u64, Option<Vec<u8>>)> = Vec::new();
    let mut unsigned: BTreeMap<u32, (SectionKind, u64)> = BTreeMap::new();
    let mut record = Vec::new();
    let mut entry = [0u8; 16];

    let chunks = secs.len().div_ceil(LOAD_CHUNK);
    let total = secs.len();
    let range_of = |c: usize| c * LOAD_CHUNK..((c + 1) * LOAD_CHUNK).min(total);
    let load = |store: &mut Store, chunk: &[Sec]| {
        let ids: Vec<i64> = chunk.iter().map(|s| s.section_id).collect();
        let mut texts = store.section_bodies_signed(&ids)?;
        Ok::<_, StoreError>(
            chunk
                .iter()
                .map(|s| texts.remove(&s.section_id))
                .collect::<Vec<Option<(String, Vec<u8>)>>>(),
        )
    };
    let mut next = match chunks {
        0 => None,
        _ => Some(load(store, &secs[range_of(0)])?),
    };
    for chunk_no in 0..chunks {
        let range = range_of(chunk_no);
        let bodies = next.take().unwrap_or_default();
        let (shingled, loaded) = {
            let chunk = &secs[range.clone()];
            let following = (chunk_no + 1 < chunks).then(|| &secs[range_of(chunk_no + 1)]);
            let store = &mut *store;
            rayon::join(
                || {
                    bodies
                        .into_par_iter()
                        .zip(chunk.par_iter())
                        .map(|(read, s)| {
                            let (body, signature) = read?;
                            let sh = copied::shingles_of(&body, similarity)?;
                            let keys = copied::band_keys(&signature, similarity);
                            Some((
                                (
                                    copied::content_hash(s.kind, &sh),
                                    short_shingles(&sh),
                                    sh.len(),
                                    keys,
                                ),
                                signature,
                            ))
                        })
                        .collect::<Vec<Option<(Shingled, Vec<u8>)>>>()
                },
                || following.map(|f| load(store, f)).transpose(),
            )
        };
        next = loaded?;
        for (k, one) in shingled.into_iter().enumerate() {
            let Some(((content, short, len, keys), signature)) = one else {
                continue;
            };
            let i = range.start + k;
            let kind = secs[i].kind;
            let known = by_content.get(&(kind, content)).copied();
            let g = match known {
                Some(g) => g,
                None => {
                    let id = match existing.get(&(kind, content)) {
                        Some(&id) => id,
                        None => {
                            next_id += 1;
                            next_id
                        }
                    };
                    Records::encode(&short, &mut record);
                    let at = records.append(&record)?;
                    let g = u32::try_from(groups.len())
                        .ok()
                        .filter(|&g| g != NO_GROUP)
                        .ok_or_else(|| StoreError::Query("不同文字超过 40 亿种".into()))?;
                    groups.push(Group {
                        kind,
                        id,
                        len,
                        record: at,
                        short_len: short.len() as u32,
                        members: 0,
                        first: i as u32,
                    });
                    by_content.insert((kind, content), g);
                    if keys.is_none() {
                        unsigned.insert(g, (kind, content));
                    }
                    g
                }
            };
            groups[g as usize].members += 1;
            group_of[i] = g;
            // The text's signature: its first member's that gives band keys.
            let Some(keys) = keys else {
                continue;
            };
            if known.is_some() && unsigned.remove(&g).is_none() {
                continue;
            }
            let id = groups[g as usize].id;
            for key in keys {
                entry[..8].copy_from_slice(&key.to_le_bytes());
                entry[8..].copy_from_slice(&id.to_le_bytes());
                bands[band_partition(key)].append(&entry)?;
            }
            to_store.push((id, kind, content, Some(signature)));
            if to_store.len() == TEXTS_INSERT {
                store.insert_texts_with_ids(&to_store)?;
                to_store.clear();
            }
        }
    }
    to_store.extend(
        unsigned
            .into_iter()
            .map(|(g, (kind, content))| (groups[g as usize].id, kind, content, None)),
    );
    for chunk in to_store.chunks(TEXTS_INSERT) {
        store.insert_texts_with_ids(chunk)?;
    }
    Ok(Grouped {
        groups,
        group_of,
        records: Records(records.finish()?),
        bands: bands
            .into_iter()
            .map(SpillWriter::finish)
            .collect::<Result<_, _>>()?,
    })
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
    let secs = copied_sections(store)?;
    summary.sections = secs.len();
    let Grouped {
        groups,
        group_of,
        records,
        bands,
    } = group_texts(store, &secs, similarity)?;
    summary.texts = groups.len();
    summary.largest_cluster = groups.iter().map(|g| g.members as usize).max().unwrap_or(0);
    phase.note(&format!(
        "temporary files: records {} MB, band entries {} MB",
        records.0.len() >> 20,
        bands.iter().map(SpillFile::len).sum::<u64>() >> 20
    ));
    phase.done("texts loaded, grouped and stored");

    // The stock phrases: counted anew, or the snapshot kept.
    let before = store.stock_snapshot_header()?;
    // The kept snapshot is read only when it is kept (its sketch is 32 MB).
    let kept = if refresh { None } else { Stock::load(store)? };
    let stock = match kept {
        Some(stock) => stock,
        None => {
            let stock = count_stock(store, &secs, &groups, &group_of, &records)?;
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

    // The band index, a partition at a time: its pages stored, and each text's
    // candidates from its buckets (a bucket of one gives none) written to its block.
    let index_of: HashMap<i64, u32> = groups
        .iter()
        .enumerate()
        .map(|(g, group)| (group.id, g as u32))
        .collect();
    let blocks = groups.len().div_ceil(PAIR_BLOCK);
    let mut pair_files: Vec<SpillWriter> = (0..blocks)
        .map(|_| SpillWriter::new())
        .collect::<Result<_, _>>()?;
    let mut limited = vec![false; groups.len()];
    let mut taken = Vec::new();
    let mut pair = [0u8; 8];
    for part in bands {
        let bytes = part.read_all()?;
        drop(part);
        let mut entries: Vec<(u64, i64)> = bytes
            .chunks_exact(16)
            .map(|e| {
                (
                    u64::from_le_bytes(e[..8].try_into().expect("8 bytes")),
                    i64::from_le_bytes(e[8..].try_into().expect("8 bytes")),
                )
            })
            .collect();
        drop(bytes);
        entries.par_sort_unstable();
        entries.dedup();
        let mut start = 0;
        while start < entries.len() {
            let key = entries[start].0;
            let end = start + entries[start..].partition_point(|e| e.0 == key);
            if end - start > 1 {
                let bucket = &entries[start..end];
                for &(_, me) in bucket {
                    let g = index_of[&me];
                    taken.clear();
                    limited[g as usize] |= copied::take_candidates(bucket, me, &mut taken);
                    for id in &taken {
                        let h = index_of[id];
                        if groups[h as usize].kind == groups[g as usize].kind {
                            pair[..4].copy_from_slice(&g.to_le_bytes());
                            pair[4..].copy_from_slice(&h.to_le_bytes());
                            pair_files[g as usize / PAIR_BLOCK].append(&pair)?;
                        }
                    }
                }
            }
            start = end;
        }
        store.insert_all_band_pages(&entries)?;
    }
    drop(index_of);
    summary.limited = limited
        .iter()
        .zip(&groups)
        .filter(|(l, _)| **l)
        .map(|(_, g)| g.members as usize)
        .sum();
    drop(limited);
    phase.done("band index and candidates");

    // Candidates ruled out by their short shingles, a block at a time; those ruled in
    // are checked in full below.
    let threshold = similarity.threshold;
    let mut ruled_in: Vec<(u32, u32)> = Vec::new();
    let pair_files: Vec<SpillFile> = pair_files
        .into_iter()
        .map(SpillWriter::finish)
        .collect::<Result<_, _>>()?;
    phase.note(&format!(
        "temporary files: candidate pairs {} MB",
        pair_files.iter().map(SpillFile::len).sum::<u64>() >> 20
    ));
    for block in pair_files {
        let bytes = block.read_all()?;
        let mut pairs: Vec<(u32, u32)> = bytes
            .chunks_exact(8)
            .map(|p| {
                (
                    u32::from_le_bytes(p[..4].try_into().expect("4 bytes")),
                    u32::from_le_bytes(p[4..].try_into().expect("4 bytes")),
                )
            })
            .collect();
        drop(bytes);
        pairs.par_sort_unstable();
        pairs.dedup();
        summary.candidates += pairs.len();
        let mut by_text: Vec<&[(u32, u32)]> = Vec::new();
        let mut start = 0;
        while start < pairs.len() {
            let g = pairs[start].0;
            let end = start + pairs[start..].partition_point(|p| p.0 == g);
            by_text.push(&pairs[start..end]);
            start = end;
        }
        let kept: Vec<Vec<(u32, u32)>> = by_text
            .into_par_iter()
            .map(|cands| -> std::io::Result<Vec<(u32, u32)>> {
                let a = &groups[cands[0].0 as usize];
                let a_short = records.short(a)?;
                let mut out = Vec::new();
                for &(g, h) in cands {
                    let b = &groups[h as usize];
                    if bloom_allows(a.len, &a_short, &records.bloom(b)?, threshold)
                        && merge_allows(a.len, &a_short, &records.short(b)?, threshold)
                    {
                        out.push((g, h));
                    }
                }
                Ok(out)
            })
            .collect::<Result<_, _>>()?;
        ruled_in.extend(kept.into_iter().flatten());
    }
    drop(records);
    phase.done("short check");

    // The full check, with the texts' full shingles read again, a chunk of texts at a
    // time: the pairs ruled in, and the texts printed more than once (a copy of
    // themselves?).
    let mut checking: Vec<u32> = ruled_in.iter().map(|p| p.0).collect();
    checking.extend(
        groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.members > 1)
            .map(|(g, _)| g as u32),
    );
    checking.sort_unstable();
    checking.dedup();
    let mut checked: Vec<(u32, u32, f64)> = Vec::new();
    let mut self_copy: Vec<u32> = Vec::new();
    for chunk in checking.chunks(FULL_CHUNK) {
        let (lo, hi) = (chunk[0], chunk[chunk.len() - 1]);
        let from = ruled_in.partition_point(|p| p.0 < lo);
        let to = ruled_in.partition_point(|p| p.0 <= hi);
        let pairs = &ruled_in[from..to];
        let mut need: Vec<u32> = chunk.to_vec();
        need.extend(pairs.iter().map(|p| p.1));
        need.sort_unstable();
        need.dedup();
        let full = full_shingles(store, &secs, &groups, &need, similarity)?;
        checked.extend(
            pairs
                .par_iter()
                .filter_map(|&(g, h)| {
                    let (a, b) = (full.get(&g)?, full.get(&h)?);
                    copied::is_copy(a, b, &stock, similarity).map(|c| (g, h, c))
                })
                .collect::<Vec<_>>(),
        );
        self_copy.extend(
            chunk
                .par_iter()
                .filter(|&&g| {
                    full.get(&g).is_some_and(|sh| {
                        copied::self_copy(
                            groups[g as usize].members as usize,
                            sh,
                            &stock,
                            similarity,
                        )
                    })
                })
                .copied()
                .collect::<Vec<_>>(),
        );
    }
    drop(ruled_in);
    phase.done("full check");

    // Kept for the incremental steps (the texts and band pages are stored already).
    let edges: Vec<(i64, i64, f64)> = checked
        .iter()
        .map(|&(g, h, c)| (groups[g as usize].id, groups[h as usize].id, c))
        .collect();
    store.insert_all_edges(&edges)?;
    drop(edges);
    store.clear_section_texts()?;
    let mut pairs: Vec<(i64, i64)> = Vec::with_capacity(TEXTS_INSERT * 10);
    for (s, &g) in secs.iter().zip(&group_of) {
        if g != NO_GROUP {
            pairs.push((s.section_id, groups[g as usize].id));
            if pairs.len() == pairs.capacity() {
                store.insert_all_section_texts(&pairs)?;
                pairs.clear();
            }
        }
    }
    store.insert_all_section_texts(&pairs)?;
    drop(pairs);
    phase.done("state stored");

    // The judgement graph: only the texts a finding can come from (with a source,
    // printed more than once, or a copy of itself) and their sources; a section of any
    // other text has nothing to be judged on.
    let mut node_of: HashMap<u32, usize> = HashMap::new();
    let mut graph = Graph::default();
    let mut add_node = |graph: &mut Graph, g: u32| {
        *node_of.entry(g).or_insert_with(|| {
            graph.texts.push(TextNode {
                id: groups[g as usize].id,
                ..TextNode::default()
            });
            graph.texts.len() - 1
        })
    };
    for &(g, h, _) in &checked {
        add_node(&mut graph, g);
        add_node(&mut graph, h);
    }
    for &g in &self_copy {
        let t = add_node(&mut graph, g);
        graph.texts[t].self_copy = true;
    }
    for (g, group) in groups.iter().enumerate() {
        if group.members > 1 {
            add_node(&mut graph, g as u32);
        }
    }
    for (s, &g) in secs.iter().zip(&group_of) {
        let t = match node_of.get(&g) {
            Some(&t) if g != NO_GROUP => t,
            _ => continue,
        };
        graph.text_of.push(Some(t));
        graph.texts[t].members.push(graph.secs.len());
        graph.secs.push(s.clone());
    }
    drop(secs);
    drop(group_of);
    for t in 0..graph.texts.len() {
        let mut members = std::mem::take(&mut graph.texts[t].members);
        members.sort_by_key(|&i| {
            let s = &graph.secs[i];
            (s.year.is_none(), s.year, s.report_id, s.section_id)
        });
        graph.texts[t].members = members;
    }
    let mut sources: HashMap<usize, Vec<(usize, f64)>> = HashMap::new();
    for &(g, h, c) in &checked {
        sources
            .entry(node_of[&g])
            .or_default()
            .push((node_of[&h], c));
    }
    drop(checked);
    for (t, mut s) in sources {
        graph.sort_sources(&mut s);
        graph.texts[t].sources = s.into_iter().map(|(h, _)| h).collect();
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

/// The full shingles of these texts, read again from a member section each.
fn full_shingles(
    store: &mut Store,
    secs: &[Sec],
    groups: &[Group],
    need: &[u32],
    similarity: &gongkai_similar::Options,
) -> Result<HashMap<u32, Vec<u64>>, StoreError> {
    use rayon::prelude::*;

    let ids: Vec<i64> = need
        .iter()
        .map(|&g| secs[groups[g as usize].first as usize].section_id)
        .collect();
    let texts = store.section_texts(&ids)?;
    Ok(need
        .par_iter()
        .zip(ids.par_iter())
        .filter_map(|(&g, id)| {
            let (_, body) = texts.get(id)?;
            Some((g, copied::shingles_of(body, similarity)?))
        })
        .collect())
}

/// Counts the stock phrases of the current reports: per agency, each shingle once.
fn count_stock(
    store: &mut Store,
    secs: &[Sec],
    groups: &[Group],
    group_of: &[u32],
    records: &Records,
) -> Result<Stock, StoreError> {
    use rayon::prelude::*;

    let mut counts = AgencyCounts::new();
    let mut by_agency: BTreeMap<i64, Vec<u32>> = BTreeMap::new();
    for (i, s) in secs.iter().enumerate() {
        // A report without an agency counts as an agency of its own.
        by_agency
            .entry(s.agency_id.unwrap_or(-s.report_id))
            .or_default()
            .push(i as u32);
    }
    let by_agency: Vec<Vec<u32>> = by_agency.into_values().collect();
    for chunk in by_agency.chunks(1024) {
        let sets: Vec<Vec<u64>> = chunk
            .par_iter()
            .map(|members| -> std::io::Result<Vec<u64>> {
                let mut own: Vec<u64> = Vec::new();
                for &i in members {
                    let g = group_of[i as usize];
                    if g != NO_GROUP {
                        own.extend(
                            records
                                .short(&groups[g as usize])?
                                .into_iter()
                                .map(u64::from),
                        );
                    }
                }
                own.sort_unstable();
                own.dedup();
                Ok(own)
            })
            .collect::<Result<_, _>>()?;
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
            let exact = gongkai_check::cross::is_copy_lazy(&a, &b, threshold, &|_| false).is_some();
            if exact {
                let (a_short, b_short) = (short_shingles(&a), short_shingles(&b));
                proptest::prop_assert!(bloom_allows(a.len(), &a_short, &bloom_of(&b_short), threshold));
                proptest::prop_assert!(merge_allows(a.len(), &a_short, &b_short, threshold));
            }
        }
    }
}
