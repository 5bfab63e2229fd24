//! Y001 / Y002: each current report against the same agency's current report of the
//! year before. The finding goes to the later report.

use std::collections::HashMap;

use gongkai_check::cross;
use gongkai_model::year_facts::YearFacts;
use gongkai_store::{CorpusFinding, PendingReport, ReportRow, Store, StoreError};

use super::{rows_by_id, with_other_note};

/// Which of the two rules run.
#[derive(Clone, Copy)]
pub(crate) struct Enabled {
    pub carry_over: bool,
    pub stock: bool,
}

/// Counts of pairs and findings.
#[derive(Default)]
pub(crate) struct Counts {
    pub pairs: usize,
    pub carry_over: usize,
    pub stock: usize,
}

/// The findings of one pair `(later, earlier)`.
fn pair_findings(
    cur_id: i64,
    prev: &ReportRow,
    facts: &HashMap<i64, YearFacts>,
    on: Enabled,
    counts: &mut Counts,
    found: &mut Vec<CorpusFinding>,
) {
    let (Some(p), Some(c)) = (facts.get(&prev.id), facts.get(&cur_id)) else {
        return;
    };
    counts.pairs += 1;
    let mut push = |fs: Vec<gongkai_model::Finding>, n: &mut usize| {
        for f in fs {
            *n += 1;
            found.push(CorpusFinding {
                report_id: cur_id,
                other_report_id: Some(prev.id),
                finding: with_other_note(f, Some(prev)),
            });
        }
    };
    if on.carry_over {
        push(cross::carry_over_mismatch(p, c), &mut counts.carry_over);
    }
    if on.stock {
        push(cross::stock_discontinuity(p, c), &mut counts.stock);
    }
}

/// Agencies whose reports are read at a time in a full step.
const AGENCIES_PER_PAGE: i64 = 5000;

/// Every pair of the corpus, a page of agencies at a time.
pub(crate) fn all(
    store: &mut Store,
    on: Enabled,
    counts: &mut Counts,
    found: &mut Vec<CorpusFinding>,
) -> Result<(), StoreError> {
    let mut after = i64::MIN;
    loop {
        let page = store.current_agency_years(after, AGENCIES_PER_PAGE)?;
        let Some(&(_, last_agency, _)) = page.last() else {
            break;
        };
        after = last_agency;
        let ids: Vec<i64> = page.iter().map(|p| p.0).collect();
        let facts = store.year_facts(&ids)?;
        let by_key: HashMap<(i64, i32), i64> = page.iter().map(|&(r, a, y)| ((a, y), r)).collect();
        // Only the earlier reports of pairs need their rows (for the note).
        let prev_ids: Vec<i64> = page
            .iter()
            .filter_map(|&(_, a, y)| by_key.get(&(a, y - 1)).copied())
            .collect();
        let rows = rows_by_id(store, prev_ids)?;
        for &(r, a, y) in &page {
            if let Some(prev) = by_key.get(&(a, y - 1)).and_then(|p| rows.get(p)) {
                pair_findings(r, prev, &facts, on, counts, found);
            }
        }
    }
    Ok(())
}

/// The reports whose Y001/Y002 findings the pending reports can change: the current
/// reports of each pending report's agency-year and the year after, and the reports
/// whose findings name a pending report as their earlier year (it may have moved).
/// Returns them, with the findings recomputed.
pub(crate) fn affected(
    store: &mut Store,
    pending: &[PendingReport],
    on: Enabled,
    counts: &mut Counts,
    found: &mut Vec<CorpusFinding>,
) -> Result<Vec<i64>, StoreError> {
    let mut targets: Vec<i64> = Vec::new();
    for p in pending {
        let (Some(a), Some(y)) = (p.agency_id, p.year) else {
            continue;
        };
        for year in [y, y + 1] {
            if let Some(r) = store.current_report_of(a, year)? {
                targets.push(r);
            }
        }
    }
    let pending_ids: Vec<i64> = pending.iter().map(|p| p.id).collect();
    targets.extend(store.reports_naming(&pending_ids, &["Y001", "Y002"])?);
    targets.sort_unstable();
    targets.dedup();
    // Only current reports carry cross-report findings.
    let rows = rows_by_id(store, targets)?;
    let mut targets: Vec<i64> = rows
        .values()
        .filter(|r| r.is_current)
        .map(|r| r.id)
        .collect();
    targets.sort_unstable();
    let mut prevs: HashMap<i64, i64> = HashMap::new();
    for &t in &targets {
        let r = &rows[&t];
        if let (Some(a), Some(y)) = (r.agency_id, r.year) {
            if let Some(p) = store.current_report_of(a, y - 1)? {
                prevs.insert(t, p);
            }
        }
    }
    let mut ids: Vec<i64> = targets.clone();
    ids.extend(prevs.values().copied());
    let facts = store.year_facts(&ids)?;
    let prev_rows = rows_by_id(store, prevs.values().copied().collect())?;
    for &t in &targets {
        if let Some(prev) = prevs.get(&t).and_then(|p| prev_rows.get(p)) {
            pair_findings(t, prev, &facts, on, counts, found);
        }
    }
    // Reports no longer current lose theirs (with every other cross-report finding).
    Ok(targets)
}
