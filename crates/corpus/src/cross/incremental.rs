//! The incremental step: takes in the reports that changed since the last step and
//! re-checks only what they can affect, from the kept state.
//!
//! Copied text, in order:
//! 1. the changed reports' sections leave their texts; the current ones join the text
//!    with their content, or make a new one (with a higher id than any before);
//! 2. texts left without a current section are removed from the band index, and in each
//!    of their buckets a member whose first [`CANDIDATES_PER_BUCKET`] lost one gains the
//!    next; new texts are filed in the index, and a member of their buckets gains the new
//!    text while the bucket is not full for it — the only ways a candidate set changes;
//! 3. the pairs that appeared are checked exactly (the edges);
//! 4. every report with a section whose text, members, or sources' members changed is
//!    judged again, from its texts' members and sources read from the database.

use std::collections::{BTreeSet, HashMap, HashSet};

use gongkai_model::schema::SectionKind;
use gongkai_store::{band_page, CrossStep, PendingReport, Store, StoreError, TextMember};

use super::copied::{self, Graph, Sec, TextNode, CANDIDATES_PER_BUCKET};
use super::stock::Stock;
use super::years::{self, Enabled};
use super::{CrossSummary, StepMode};

pub(crate) fn run(
    store: &mut Store,
    step: CrossStep,
    similarity: &gongkai_similar::Options,
    pending: &[PendingReport],
) -> Result<CrossSummary, StoreError> {
    let touched_outside = store.take_touched_texts()?;
    let mut summary = CrossSummary {
        mode: StepMode::Incremental,
        taken_in: pending.len(),
        ..CrossSummary::default()
    };
    if pending.is_empty() && touched_outside.is_empty() {
        summary.mode = StepMode::UpToDate;
        store.replace_corpus_findings_of(step, &[], &[], &[])?;
        return Ok(summary);
    }

    // Y001 / Y002.
    let mut year_found = Vec::new();
    let mut counts = years::Counts::default();
    let on = Enabled {
        carry_over: true,
        stock: true,
    };
    let year_targets = years::affected(store, pending, on, &mut counts, &mut year_found)?;
    summary.year_pairs = counts.pairs;
    summary.carry_over = counts.carry_over;
    summary.stock = counts.stock;
    store.replace_corpus_findings_of(step, &year_targets, &["Y001", "Y002"], &year_found)?;
    let gone: Vec<i64> = pending
        .iter()
        .filter(|p| !p.is_current)
        .map(|p| p.id)
        .collect();
    store.delete_corpus_findings_of(&gone)?;

    // Y003.
    let Some(stock) = Stock::load(store)? else {
        return Err(StoreError::Query(
            "没有常用语统计：跨报告检查需要完整重算（gongkai ingest --recheck-all）".into(),
        ));
    };
    let copied = copied_text(
        store,
        step,
        similarity,
        pending,
        touched_outside,
        &stock,
        &mut summary,
    )?;

    store.mark_taken_in(&pending.iter().map(|p| p.id).collect::<Vec<_>>())?;
    let mut rechecked: BTreeSet<i64> = year_targets.into_iter().collect();
    rechecked.extend(gone);
    rechecked.extend(copied);
    summary.rechecked = rechecked.len();
    Ok(summary)
}

/// A text's kind and shingles.
struct Shingled {
    kind: SectionKind,
    shingles: Vec<u64>,
}

/// Returns the reports whose copied-text findings were recomputed.
fn copied_text(
    store: &mut Store,
    step: CrossStep,
    similarity: &gongkai_similar::Options,
    pending: &[PendingReport],
    touched_outside: Vec<i64>,
    stock: &Stock,
    summary: &mut CrossSummary,
) -> Result<Vec<i64>, StoreError> {
    let pending_ids: Vec<i64> = pending.iter().map(|p| p.id).collect();
    let current: HashSet<i64> = pending
        .iter()
        .filter(|p| p.is_current)
        .map(|p| p.id)
        .collect();
    let sections = store.report_sections(&pending_ids)?;

    // 1. Leave, then join.
    let mut touched: BTreeSet<i64> = touched_outside.into_iter().collect();
    let leave: Vec<(i64, Option<i64>)> = sections
        .iter()
        .filter_map(|s| s.text_id.map(|t| (s.section_id, t)))
        .map(|(s, t)| {
            touched.insert(t);
            (s, None)
        })
        .collect();
    store.set_section_texts(&leave)?;
    let joining: Vec<&gongkai_store::SectionSignature> = sections
        .iter()
        .filter(|s| current.contains(&s.report_id))
        .collect();
    let bodies = store.section_texts(&joining.iter().map(|s| s.section_id).collect::<Vec<_>>())?;
    let mut shingled: HashMap<i64, Shingled> = HashMap::new();
    let mut created: HashMap<(SectionKind, u64), i64> = HashMap::new();
    let mut new_texts: Vec<(i64, Vec<u64>)> = Vec::new();
    let mut join: Vec<(i64, Option<i64>)> = Vec::new();
    for s in &joining {
        let Some(sh) = bodies
            .get(&s.section_id)
            .and_then(|(_, body)| copied::shingles_of(body, similarity))
        else {
            continue;
        };
        let content = copied::content_hash(s.kind, &sh);
        let found = match created.get(&(s.kind, content)) {
            Some(&id) => Some(id),
            None => store
                .texts_with_content(content)?
                .into_iter()
                .find(|(_, kind)| *kind == s.kind)
                .map(|(id, _)| id),
        };
        let id = match found {
            Some(id) => {
                touched.insert(id);
                id
            }
            None => {
                let keys = copied::band_keys(&s.signature, similarity);
                let id = store.insert_text(
                    s.kind,
                    content,
                    keys.as_ref().map(|_| s.signature.as_slice()),
                )?;
                created.insert((s.kind, content), id);
                if let Some(keys) = keys {
                    new_texts.push((id, keys));
                }
                id
            }
        };
        shingled.entry(id).or_insert(Shingled {
            kind: s.kind,
            shingles: sh,
        });
        join.push((s.section_id, Some(id)));
    }
    store.set_section_texts(&join)?;
    summary.sections = join.len();
    let new_ids: HashSet<i64> = created.values().copied().collect();

    // 2. The band index.
    let touched: Vec<i64> = touched
        .into_iter()
        .filter(|t| !new_ids.contains(t))
        .collect();
    let emptied = store.empty_texts(&touched)?;
    let emptied_set: HashSet<i64> = emptied.iter().copied().collect();
    let emptied_keys: Vec<(i64, Vec<u64>)> = store
        .text_signatures(&emptied)?
        .into_iter()
        .filter_map(|(id, sig)| Some((id, copied::band_keys(&sig, similarity)?)))
        .collect();
    let mut page_ids: Vec<i64> = emptied_keys
        .iter()
        .chain(new_texts.iter())
        .flat_map(|(_, keys)| keys.iter().map(|&k| band_page(k)))
        .collect();
    page_ids.sort_unstable();
    page_ids.dedup();
    let mut pages = store.band_pages(&page_ids)?;
    // Sources lost with the emptied texts.
    let mut affected: BTreeSet<i64> = store
        .edges_into(&emptied)?
        .into_iter()
        .map(|(t, _, _)| t)
        .filter(|t| !emptied_set.contains(t))
        .collect();
    // Pairs whose check is due: (text, candidate).
    let mut due: BTreeSet<(i64, i64)> = BTreeSet::new();
    for (e, keys) in &emptied_keys {
        for &key in keys {
            let page = pages.entry(band_page(key)).or_default();
            let b: Vec<i64> = copied::bucket(page, key).iter().map(|e| e.1).collect();
            for &x in &b {
                if x == *e {
                    continue;
                }
                let others: Vec<i64> = b.iter().copied().filter(|&o| o != x).collect();
                if let Some(pos) = others.iter().position(|o| o == e) {
                    if pos < CANDIDATES_PER_BUCKET && others.len() > CANDIDATES_PER_BUCKET {
                        due.insert((x, others[CANDIDATES_PER_BUCKET]));
                    }
                }
            }
            page.retain(|entry| *entry != (key, *e));
        }
    }
    store.delete_texts(&emptied)?;
    for (n, keys) in &new_texts {
        for &key in keys {
            let page = pages.entry(band_page(key)).or_default();
            let at = page.partition_point(|entry| *entry < (key, *n));
            if page.get(at) != Some(&(key, *n)) {
                page.insert(at, (key, *n));
            }
        }
    }
    let mut limited = 0;
    for (n, keys) in &new_texts {
        let mut cands = Vec::new();
        for &key in keys {
            let b = copied::bucket(&pages[&band_page(key)], key);
            if copied::take_candidates(b, *n, &mut cands) {
                limited += 1;
            }
            // Existing members whose first candidates take the new text in.
            for &(_, x) in b {
                if x == *n || new_ids.contains(&x) {
                    continue;
                }
                let rank = b.iter().filter(|e| e.1 != x && e.1 < *n).count();
                if rank < CANDIDATES_PER_BUCKET {
                    due.insert((x, *n));
                }
            }
        }
        for c in cands {
            due.insert((*n, c));
        }
    }
    summary.limited = limited;
    store.write_band_pages(&pages)?;
    drop(pages);
    due.retain(|(x, y)| !emptied_set.contains(x) && !emptied_set.contains(y));

    // 3. The checks due.
    let mut need: Vec<i64> = due
        .iter()
        .flat_map(|&(x, y)| [x, y])
        .filter(|t| !shingled.contains_key(t))
        .collect();
    need.sort_unstable();
    need.dedup();
    load_shingles(store, &need, similarity, &mut shingled)?;
    let mut edges = Vec::new();
    for &(x, y) in &due {
        let (Some(a), Some(b)) = (shingled.get(&x), shingled.get(&y)) else {
            continue;
        };
        if a.kind != b.kind {
            continue;
        }
        summary.candidates += 1;
        if let Some(c) = copied::is_copy(&a.shingles, &b.shingles, stock, similarity) {
            edges.push((x, y, c));
            affected.insert(x);
        }
    }
    store.insert_edges(&edges)?;

    // 4. What to judge again: texts whose members changed, the texts found in them, and
    // the texts with new or lost sources.
    let surviving: Vec<i64> = touched
        .iter()
        .copied()
        .filter(|t| !emptied_set.contains(t))
        .collect();
    affected.extend(surviving.iter().copied());
    affected.extend(new_ids.iter().copied());
    affected.extend(store.edges_into(&surviving)?.into_iter().map(|(t, _, _)| t));
    let affected: Vec<i64> = affected.into_iter().collect();
    let mut reports: BTreeSet<i64> = store
        .text_members(&affected)?
        .into_iter()
        .map(|m| m.report_id)
        .collect();
    reports.extend(current.iter().copied());
    let reports: Vec<i64> = reports.into_iter().collect();

    let graph = judgement_graph(store, &reports, similarity, stock, &mut shingled)?;
    summary.texts = graph.texts.len();
    let targets: Vec<usize> = graph
        .secs
        .iter()
        .enumerate()
        .filter(|(_, s)| reports.binary_search(&s.report_id).is_ok())
        .map(|(i, _)| i)
        .collect();
    let mut found = Vec::new();
    let mut made = copied::Made::default();
    copied::findings(
        store, &graph, &targets, similarity, stock, &mut made, &mut found,
    )?;
    summary.copied = made.copied;
    summary.clusters = made.clusters;
    copied::sort_findings(&mut found);
    store.replace_corpus_findings_of(step, &reports, &["Y003"], &found)?;
    Ok(reports)
}

/// Loads the shingles of texts (from one current member's body).
fn load_shingles(
    store: &mut Store,
    ids: &[i64],
    similarity: &gongkai_similar::Options,
    into: &mut HashMap<i64, Shingled>,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let members = store.text_members(ids)?;
    let mut first: HashMap<i64, &TextMember> = HashMap::new();
    for m in &members {
        first.entry(m.text_id).or_insert(m);
    }
    let section_ids: Vec<i64> = first.values().map(|m| m.section_id).collect();
    let bodies = store.section_texts(&section_ids)?;
    for (t, m) in first {
        let Some(sh) = bodies
            .get(&m.section_id)
            .and_then(|(_, body)| copied::shingles_of(body, similarity))
        else {
            continue;
        };
        into.insert(
            t,
            Shingled {
                kind: m.kind,
                shingles: sh,
            },
        );
    }
    Ok(())
}

/// The graph that judging the sections of `reports` reads: their texts with all their
/// members, and those texts' sources with theirs.
fn judgement_graph(
    store: &mut Store,
    reports: &[i64],
    similarity: &gongkai_similar::Options,
    stock: &Stock,
    shingled: &mut HashMap<i64, Shingled>,
) -> Result<Graph, StoreError> {
    let own: Vec<i64> = {
        let mut t: Vec<i64> = store
            .report_sections(reports)?
            .into_iter()
            .filter_map(|s| s.text_id)
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    let edges = store.edges_from(&own)?;
    let mut all: Vec<i64> = own.clone();
    all.extend(edges.iter().map(|e| e.1));
    all.sort_unstable();
    all.dedup();
    let members = store.text_members(&all)?;

    let mut g = Graph::default();
    let mut node_of: HashMap<i64, usize> = HashMap::new();
    let mut sec_of: HashMap<i64, usize> = HashMap::new();
    for m in &members {
        let node = *node_of.entry(m.text_id).or_insert_with(|| {
            g.texts.push(TextNode {
                id: m.text_id,
                ..TextNode::default()
            });
            g.texts.len() - 1
        });
        let i = *sec_of.entry(m.section_id).or_insert_with(|| {
            g.secs.push(Sec {
                section_id: m.section_id,
                report_id: m.report_id,
                agency_id: m.agency_id,
                year: m.year,
                kind: m.kind,
            });
            g.text_of.push(Some(node));
            g.secs.len() - 1
        });
        // `text_members` orders each text's members as judging reads them.
        g.texts[node].members.push(i);
    }
    // Whether each own text is a copy of itself needs its shingles.
    let need: Vec<i64> = own
        .iter()
        .copied()
        .filter(|t| {
            node_of
                .get(t)
                .is_some_and(|&n| g.texts[n].members.len() > 1)
                && !shingled.contains_key(t)
        })
        .collect();
    load_shingles(store, &need, similarity, shingled)?;
    for t in &own {
        let Some(&n) = node_of.get(t) else { continue };
        if let Some(s) = shingled.get(t) {
            g.texts[n].self_copy =
                copied::self_copy(g.texts[n].members.len(), &s.shingles, stock, similarity);
        }
        let mut sources: Vec<(usize, f64)> = edges
            .iter()
            .filter(|e| e.0 == *t)
            .filter_map(|e| node_of.get(&e.1).map(|&h| (h, e.2)))
            .collect();
        g.sort_sources(&mut sources);
        g.texts[n].sources = sources.into_iter().map(|(h, _)| h).collect();
    }
    Ok(g)
}
