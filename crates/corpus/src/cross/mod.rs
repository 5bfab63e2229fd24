//! The cross-report rules over the corpus, kept up to date after every ingest.
//!
//! Y001/Y002 pair each current report with the same agency's current report of the year
//! before. Y003 finds candidate sections through a MinHash band index over the distinct
//! texts of the current reports' prose sections, then compares candidates exactly. Which
//! side a copied-text finding goes to:
//! - the same agency: the later report (copied from its own earlier report), against the
//!   most recent earlier report that matches;
//! - two agencies, the same year: each report whose section is largely found in the
//!   other's — usually both (no one can tell who copied whom);
//! - two agencies, different years: the later report.
//!
//! **Incremental.** A step takes in only the reports that changed since the last one
//! (new, no longer current, read again from another source, moved to another agency:
//! `reports.cross_seen`) and re-checks what they can affect: the same agency's adjacent
//! years, and for copied text the texts whose members, candidates or sources changed —
//! found through the stored band index and the stored "found in" edges, never by a pass
//! over the corpus. A full step ([`Mode::RecheckAll`], and whenever the changes are a
//! large part of the corpus) recomputes everything; both give the same findings (tested
//! on generated corpora with adds, new versions and removals in random order).
//!
//! **Stock phrases.** What counts as the genre's boilerplate (a phrase used by many
//! agencies) is a snapshot ([`stock`]): counted in a full step, kept in the database,
//! and used by every step until the number of agencies has moved by more than a tenth
//! since — then the step is full and refreshes it, and says how the copied-text findings
//! changed with it. Every copied-text finding names the snapshot it was judged against,
//! so a finding that appears or goes with a refresh is explained, never silently shifted.
//!
//! A step is one transaction holding the writers' lock: the stored state and findings are
//! whole or unchanged. The database marks the findings stale with every change to the
//! reports, and the step's transaction records that they are up to date with it, so a
//! crash in between is never a silent absence ([`gongkai_store::CrossState`]).

mod copied;
mod full;
mod incremental;
mod spill;
mod stock;
mod years;

use gongkai_check::Selection;
use gongkai_model::Finding;
use gongkai_store::{ReportRow, Store, StoreError};

pub use stock::stock_threshold;

/// What kind of step ran.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepMode {
    /// Nothing had changed.
    #[default]
    UpToDate,
    /// Only what the changed reports can affect was re-checked.
    Incremental,
    /// Everything was recomputed.
    Full,
}

/// Why a step was full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FullBecause {
    /// Asked for (`--recheck-all`).
    Asked,
    /// No state kept yet (a new corpus, or one stored by an older gongkai).
    NoState,
    /// The changed reports are a large part of the corpus: a full step is cheaper.
    ManyChanges,
    /// The agencies have moved by more than a tenth since the stock-phrase snapshot.
    StockDrift,
    /// Not every cross-report rule is selected: the kept state would not match.
    PartialSelection,
}

/// How the step asks to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Incremental unless a full step is needed ([`FullBecause`]).
    #[default]
    Auto,
    /// Recompute everything (`--recheck-all`); `refresh_stock` also takes a new
    /// stock-phrase snapshot.
    RecheckAll { refresh_stock: bool },
}

/// A refresh of the stock-phrase snapshot, and what it changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StockRefresh {
    /// Agencies counted by the snapshot replaced; `None` when there was none.
    pub before_agencies: Option<i64>,
    pub agencies: i64,
    pub threshold: i64,
    /// Copied-text findings before and after the step.
    pub copied_before: usize,
    pub copied_after: usize,
}

/// Counts of what the step did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrossSummary {
    pub mode: StepMode,
    pub full_because: Option<FullBecause>,
    /// Reports taken in (changed since the last step).
    pub taken_in: usize,
    /// Reports whose cross-report findings were recomputed.
    pub rechecked: usize,
    /// Report pairs of consecutive years of one agency compared.
    pub year_pairs: usize,
    pub carry_over: usize,
    pub stock: usize,
    /// Sections indexed for copied text (judged, in an incremental step).
    pub sections: usize,
    /// Distinct texts among them (identical sections are compared once).
    pub texts: usize,
    /// Reports printing the most common text.
    pub largest_cluster: usize,
    /// Text pairs the index proposed and that were checked exactly.
    pub candidates: usize,
    /// Sections whose candidates were limited ([`copied::CANDIDATES_PER_BUCKET`]):
    /// members of near-identical clusters.
    pub limited: usize,
    /// Copied-text findings made, of which `clusters` name a text shared by many reports.
    pub copied: usize,
    pub clusters: usize,
    /// The stock-phrase snapshot was taken anew in this step.
    pub stock_refresh: Option<StockRefresh>,
}

/// The codes of the rules this module runs.
pub const CROSS_RULES: [&str; 3] = ["Y001", "Y002", "Y003"];

/// Brings the cross-report findings up to date: incremental when it can be.
pub fn run(
    store: &mut Store,
    selection: &Selection,
    similarity: &gongkai_similar::Options,
) -> Result<CrossSummary, StoreError> {
    update(store, selection, similarity, Mode::Auto)
}

/// A step that takes in fewer changed reports than this is incremental (unless another
/// reason makes it full): beyond it, a full step costs less than re-checking each.
const INCREMENTAL_MAX: usize = 5000;

/// [`run`] with the mode given.
pub fn update(
    store: &mut Store,
    selection: &Selection,
    similarity: &gongkai_similar::Options,
    mode: Mode,
) -> Result<CrossSummary, StoreError> {
    let enabled = |code: &str| gongkai_check::rule(code).is_some_and(|r| selection.enabled(r));
    let all_selected = CROSS_RULES.iter().all(|c| enabled(c));
    store.cross_transaction(|store| {
        let step = store.cross_step_in_transaction()?;
        let pending = store.pending_reports()?;
        let header = store.stock_snapshot_header()?;
        let full_because = match mode {
            Mode::RecheckAll { .. } => Some(FullBecause::Asked),
            Mode::Auto if !all_selected => Some(FullBecause::PartialSelection),
            Mode::Auto if header.is_none() => Some(FullBecause::NoState),
            Mode::Auto => {
                let current = store.current_report_count()? as usize;
                if pending.len() > INCREMENTAL_MAX.max(current / 10) {
                    Some(FullBecause::ManyChanges)
                } else if !pending.is_empty() && stock::drifted(store, header)? {
                    Some(FullBecause::StockDrift)
                } else {
                    None
                }
            }
        };
        let summary = match full_because {
            Some(why) => {
                let refresh = match mode {
                    Mode::RecheckAll { refresh_stock } => refresh_stock,
                    Mode::Auto => why != FullBecause::PartialSelection,
                };
                let refresh = refresh || header.is_none() || stock::drifted(store, header)?;
                full::run(
                    store,
                    step,
                    &enabled,
                    similarity,
                    refresh,
                    why,
                    pending.len(),
                )?
            }
            None => incremental::run(store, step, similarity, &pending)?,
        };
        if std::env::var_os(ABORT_FOR_TESTS).is_some() {
            // As if killed here: no destructor, no rollback, nothing more written.
            std::process::abort();
        }
        Ok(summary)
    })
}

/// Set in tests only: [`run`] aborts the process once the findings are computed and
/// before they are committed, as a crash or `kill -9` there would, so that a test can
/// show what the next command does with a corpus left stale.
pub const ABORT_FOR_TESTS: &str = "GONGKAI_TEST_ABORT_IN_CROSS";

/// The rows of these reports (any version), by id.
fn rows_by_id(
    store: &mut Store,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, ReportRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(store
        .reports(&gongkai_store::Filter {
            all_versions: true,
            ids: Some(ids),
            ..gongkai_store::Filter::default()
        })?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
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
