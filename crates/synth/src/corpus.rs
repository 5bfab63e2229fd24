//! A synthetic corpus: many agencies, each with its reports of consecutive years, and an
//! answer key that covers the rules across reports as well as those of one report.
//!
//! The cross-report rules (Y001 carry-over-mismatch, Y002 stock-discontinuity, Y003
//! copied-text) can only be measured on a corpus whose every cross-report fact is known.
//! So an agency's reports continue each other exactly — this year's 二、上年结转 is last
//! year's 四、结转下年度继续办理, this year's 现行有效件数 is last year's plus 制发 minus
//! 废止 — and the prose of different reports differs as real reports do, except where a
//! [`CrossInjection`] plants a break or a copy. The answer key then lists, per report,
//! every finding a correct checker must report, single-report and cross-report alike.
//!
//! Semantics the key follows (and a checker must implement):
//! - Reports are grouped by agency (its full name, unique in a corpus). Y001 and Y002
//!   compare a report only with the same agency's report of year − 1 exactly; after a
//!   gap (an unpublished year) there is nothing to compare with.
//! - Y001 `carry-over-mismatch`: some column where both last year's 结转下年度 and this
//!   year's 上年结转 hold a number and they differ; reported on the later report, once.
//! - Y002 `stock-discontinuity`: both reports' table 二 in the 2021 edition, and for
//!   规章 or 行政规范性文件 (all four cells numbers) 现行有效件数 ≠ last year's 现行有效件数
//!   + 本年制发件数 − 本年废止件数; on the later report, once.
//! - Y003 `copied-text`: section 五 copied from the same agency's year − 1 report (on the
//!   later report only), or from another agency's report of the same year (on both: who
//!   copied whom cannot be told; such copies may be in an agency's first year). Each
//!   report takes part in at most one copy, so similarity is never transitive: no pair
//!   of reports is alike unless it is a planted copy, whatever pairs a checker compares
//!   (any years, any agencies). Sections 一 and 五 of all other pairs differ (measured in
//!   `tests/corpus.rs`); section 六 is often a one-line formula ("无", "本年度未收取信息
//!   处理费。") shared verbatim by many reports, so a checker must not judge a 六 that
//!   short (or must discount stock phrases), as it must discount the format's fixed
//!   sentences in 一.
//! - Each cross-report rule name is listed at most once per report, even where a
//!   checker raises one finding per column or row: compare (report, rule) pairs as sets.
//!
//! Y001 and Y002 are computed from the tables as printed, by the rules' definitions, like
//! the single-report key; the generator keeps the rows that continue across years out
//! of the single-report injections, so that they are found exactly where planted.
//!
//! Generation streams: agencies are planned and generated a group of [`GROUP`] at a time
//! (copies between agencies happen inside a group), so memory stays bounded however many
//! reports are asked for.

use std::collections::{HashSet, VecDeque};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use gongkai_model::schema::{ActiveRowKey, Edition, RequestColumn, RequestRowKey};
use gongkai_model::Value;
use serde_json::json;

use crate::names::{self, Agency, Places, Pools};
use crate::region::CorpusError;
use crate::rng::Rng;
use crate::tables::{self, Previous, Profile};
use crate::{build, prose, Block, Injection, Layout, Options, Plan, Synthetic, Tables};

/// Agencies planned and generated together: copies between agencies stay inside a group.
pub const GROUP: usize = 8;

/// What corpus to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct CorpusOptions {
    /// Number of reports (the last agency may have fewer years to make the count).
    pub reports: usize,
    pub seed: u64,
    /// The first report year (2021 or later: the corpus uses the 2021 edition).
    pub first_year: i32,
    /// Years per agency: `first_year ..= first_year + years - 1`.
    pub years: usize,
    /// Probability that a report gets one single-report error ([`Injection`]).
    pub error_rate: f64,
    /// Probability that an agency-year (with a previous report, for the cross-year
    /// kinds) gets a cross-report error ([`CrossInjection`]).
    pub cross_error_rate: f64,
    /// Layouts to draw from, per report (empty: all).
    pub layouts: Vec<Layout>,
    /// Print some ideographs as radicals, as PDF text does ([`Options::kangxi`]).
    pub kangxi: bool,
    /// Lose zero cells in conversion ([`Options::lose_zero_cells`]). The key still
    /// lists what the document implies; a reader may be unable to read a row back.
    pub lose_zero_cells: bool,
    /// Probability that an agency does not publish a given year (a gap).
    pub gap_rate: f64,
    /// Draw every agency from this gazetteer unit (its code: "4107" 新乡市, "410782"
    /// 辉县市) and the units under it; `None`: from everywhere.
    /// [`resolve_region`](crate::resolve_region) reads a name or code as typed.
    pub region: Option<String>,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            reports: 100,
            seed: 0,
            first_year: 2021,
            years: 4,
            error_rate: 0.2,
            cross_error_rate: 0.1,
            layouts: Layout::ALL.to_vec(),
            kangxi: false,
            lose_zero_cells: false,
            gap_rate: 0.03,
            region: None,
        }
    }
}

impl CorpusOptions {
    /// Whether a corpus can be generated as asked: the years are those of the 2021
    /// edition, the region is a known code with agencies under it, and it has agencies
    /// enough for the reports (each agency publishes at most `years` of them).
    pub fn validate(&self) -> Result<(), CorpusError> {
        if self.first_year < 2021 {
            return Err(CorpusError::FirstYear(self.first_year));
        }
        if self.years == 0 {
            return Err(CorpusError::NoYears);
        }
        let (places, pools) = self.pools()?;
        let agencies = pools.capacity();
        if agencies * self.years < self.reports {
            let region = self.region.as_deref().unwrap_or_default();
            return Err(CorpusError::RegionTooSmall {
                region: crate::region::describe(places.g, region),
                agencies,
                years: self.years,
                reports: self.reports,
            });
        }
        Ok(())
    }

    /// The units agencies are drawn from.
    fn pools(&self) -> Result<(&'static Places, Pools), CorpusError> {
        let places = names::places().map_err(|e| CorpusError::Gazetteer(e.to_string()))?;
        let Some(code) = self.region.as_deref() else {
            return Ok((places, places.all.clone()));
        };
        let region = places
            .g
            .by_code(code)
            .ok_or_else(|| CorpusError::UnknownRegion(code.to_string()))?;
        let pools = places.all.under(places.g, region);
        if pools.capacity() == 0 {
            return Err(CorpusError::EmptyRegion(crate::region::describe(
                places.g, code,
            )));
        }
        Ok((places, pools))
    }
}

/// A document error across reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CrossInjection {
    /// This year's 二、上年结转 differs from last year's 四、结转下年度继续办理 in at
    /// least one column (this year's own identities hold).
    CarryOverMismatch,
    /// 现行有效件数 of 规章 or 行政规范性文件 is not last year's + 制发 − 废止.
    StockDiscontinuity,
    /// Section 五 copied from the same agency's previous report (verbatim or nearly).
    CopiedFromPreviousYear,
    /// Section 五 copied between two agencies' reports of the same year.
    CopiedFromOtherAgency,
}

impl CrossInjection {
    pub const ALL: [CrossInjection; 4] = [
        CrossInjection::CarryOverMismatch,
        CrossInjection::StockDiscontinuity,
        CrossInjection::CopiedFromPreviousYear,
        CrossInjection::CopiedFromOtherAgency,
    ];

    /// Stable kebab-case name. The first two are their rules' names; both copies are
    /// found by `copied-text` ([`CrossInjection::rule`]).
    pub fn name(self) -> &'static str {
        match self {
            CrossInjection::CarryOverMismatch => "carry-over-mismatch",
            CrossInjection::StockDiscontinuity => "stock-discontinuity",
            CrossInjection::CopiedFromPreviousYear => "copied-from-previous-year",
            CrossInjection::CopiedFromOtherAgency => "copied-from-other-agency",
        }
    }

    /// The injection of a [`CrossInjection::name`].
    pub fn from_name(name: &str) -> Option<CrossInjection> {
        CrossInjection::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The name of the rule that finds it.
    pub fn rule(self) -> &'static str {
        match self {
            CrossInjection::CarryOverMismatch => "carry-over-mismatch",
            CrossInjection::StockDiscontinuity => "stock-discontinuity",
            CrossInjection::CopiedFromPreviousYear | CrossInjection::CopiedFromOtherAgency => {
                "copied-text"
            }
        }
    }

    /// Needs the same agency's report of the year before.
    fn needs_previous(self) -> bool {
        !matches!(self, CrossInjection::CopiedFromOtherAgency)
    }
}

/// One cross-report error a report takes part in, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossLink {
    pub kind: CrossInjection,
    /// Stem of the other report: the same agency's previous one, or the other agency's.
    pub other: String,
    /// For [`CrossInjection::CopiedFromOtherAgency`]: this report is the one copied from
    /// (the other is the copy). A checker cannot tell; both are flagged.
    pub original: bool,
    /// Where: table-三 column keys that differ (carry-over), table-二 row keys (stock),
    /// `"problems"` (the section copied).
    pub places: Vec<&'static str>,
}

/// One report of a corpus with its complete answer key.
#[derive(Clone, Debug, PartialEq)]
pub struct CorpusReport {
    /// File stem: `<agency index, 5 digits>_<year>`, so files sort by agency, then year.
    pub stem: String,
    pub agency: String,
    /// The gazetteer code of the agency's unit ([`Synthetic::region_code`]).
    pub region_code: &'static str,
    pub year: i32,
    pub synthetic: Synthetic,
    /// The cross-report errors this report takes part in (the later report of a
    /// cross-year error; either report of a copy between agencies).
    pub cross: Vec<CrossInjection>,
    /// The same, with the other report and the places.
    pub links: Vec<CrossLink>,
    /// Sorted rule names of every document finding a correct checker reports for this
    /// report: the single-report ones ([`Synthetic::expected`]) and at most one each of
    /// `carry-over-mismatch`, `stock-discontinuity`, `copied-text`.
    pub expected: Vec<&'static str>,
}

/// Counts of a written corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    pub reports: usize,
    pub agencies: usize,
    /// Agency-years not published inside an agency's span of years.
    pub gaps: usize,
    /// Reports with no expected finding at all.
    pub clean: usize,
    /// Reports with at least one single-report injection.
    pub single_errors: usize,
    /// Reports per cross injection (by [`CrossInjection::name`]), in `CrossInjection::ALL` order.
    pub cross: Vec<(&'static str, usize)>,
    /// Expected findings per rule name, sorted by name.
    pub findings: Vec<(&'static str, usize)>,
    /// Bytes of report text written.
    pub bytes: u64,
}

/// The reports of a corpus, generated a group of agencies at a time.
///
/// # Panics
/// If the options cannot be met: see [`CorpusOptions::validate`] (which
/// [`write_corpus`] checks first).
pub fn generate_corpus(opts: &CorpusOptions) -> impl Iterator<Item = CorpusReport> {
    Corpus::new(opts)
}

/// Write `DIR/<stem>.txt` for every report (`.md`, `.js` for [`Layout::Pipes`],
/// [`Layout::ScriptHtml`]: [`Layout::extension`]) and `DIR/answer-key.jsonl`, one JSON
/// object per line and report, in generation order:
///
/// ```json
/// {"stem":"00003_2022","file":"00003_2022.txt","agency":"…","region_code":"410782",
///  "year":2022,"layout":"tabs",
///  "expected":["carry-over-mismatch","table3-row-total"],
///  "injected":["balance-cell"],
///  "cross":[{"kind":"carry-over-mismatch","rule":"carry-over-mismatch",
///            "other":"00003_2021","original":false,"places":["natural_person","total"]}]}
/// ```
///
/// Options that cannot be met ([`CorpusOptions::validate`]) are an
/// [`io::ErrorKind::InvalidInput`] error, before anything is written.
pub fn write_corpus(dir: &Path, opts: &CorpusOptions) -> io::Result<CorpusSummary> {
    opts.validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
    std::fs::create_dir_all(dir)?;
    let mut key = BufWriter::new(std::fs::File::create(dir.join("answer-key.jsonl"))?);
    let mut sum = CorpusSummary::default();
    let mut cross = [0usize; 4];
    let mut findings: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let mut last_agency: Option<String> = None;
    let mut corpus = Corpus::new(opts);
    for r in corpus.by_ref() {
        std::fs::write(
            dir.join(format!("{}.{}", r.stem, r.synthetic.layout.extension())),
            &r.synthetic.text,
        )?;
        sum.reports += 1;
        sum.bytes += r.synthetic.text.len() as u64;
        if last_agency.as_deref() != Some(r.agency.as_str()) {
            sum.agencies += 1;
            last_agency = Some(r.agency.clone());
        }
        if r.expected.is_empty() {
            sum.clean += 1;
        }
        if !r.synthetic.injected.is_empty() {
            sum.single_errors += 1;
        }
        for c in &r.cross {
            cross[CrossInjection::ALL.iter().position(|x| x == c).unwrap_or(0)] += 1;
        }
        for e in &r.expected {
            *findings.entry(e).or_default() += 1;
        }
        serde_json::to_writer(&mut key, &answer_json(&r)).map_err(io::Error::other)?;
        key.write_all(b"\n")?;
    }
    key.flush()?;
    sum.gaps = corpus.gaps;
    sum.cross = CrossInjection::ALL
        .iter()
        .zip(cross)
        .map(|(c, n)| (c.name(), n))
        .collect();
    sum.findings = findings.into_iter().collect();
    Ok(sum)
}

/// One line of the answer key.
pub fn answer_json(r: &CorpusReport) -> serde_json::Value {
    let cross: Vec<serde_json::Value> = r
        .links
        .iter()
        .map(|l| {
            json!({
                "kind": l.kind.name(),
                "rule": l.kind.rule(),
                "other": l.other,
                "original": l.original,
                "places": l.places,
            })
        })
        .collect();
    json!({
        "stem": r.stem,
        "file": format!("{}.{}", r.stem, r.synthetic.layout.extension()),
        "agency": r.agency,
        "region_code": r.region_code,
        "year": r.year,
        "layout": r.synthetic.layout.name(),
        "expected": r.expected,
        "injected": r.synthetic.injected.iter().map(|e| e.name()).collect::<Vec<_>>(),
        "cross": cross,
    })
}

// ---------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------

/// Stream tags of the corpus's own draws (report streams are those of `lib.rs`).
const S_AGENCY: u64 = 101;
const S_PLAN: u64 = 102;
const S_CROSS: u64 = 103;
const S_COPY: u64 = 104;
/// The agency: a stream of its own, so that how agencies are drawn does not change an
/// agency's profile or gaps.
const S_NAME: u64 = 105;

struct Corpus {
    opts: CorpusOptions,
    places: &'static Places,
    /// The units agencies are drawn from (those under the region, if one is given).
    pools: Pools,
    /// Reports planned so far (all groups).
    planned: usize,
    next_agency: usize,
    /// Agencies drawn so far, by unit code and body: each agency of a corpus is a
    /// different body, however its name is written.
    used: HashSet<(&'static str, &'static str)>,
    queue: VecDeque<CorpusReport>,
    gaps: usize,
}

impl Iterator for Corpus {
    type Item = CorpusReport;

    fn next(&mut self) -> Option<CorpusReport> {
        if self.queue.is_empty() && self.planned < self.opts.reports {
            self.group();
        }
        self.queue.pop_front()
    }
}

/// One agency of a group.
struct AgencyPlan {
    index: usize,
    agency: Agency,
    profile: Profile,
    seed: u64,
    /// Whether each year `first_year + i` is published.
    published: Vec<bool>,
}

/// One published report of a group, before generation.
#[derive(Clone, Default)]
struct ReportPlan {
    seed: u64,
    layout: Layout,
    /// The same agency published year − 1 / year + 1.
    predecessor: bool,
    successor: bool,
    cross: Vec<CrossInjection>,
    /// Copy of section 五 of (agency in group, year).
    copy_of: Option<(usize, i32)>,
    /// Section 五 copied by another agency's report (agency in group).
    copied_by: Option<usize>,
    /// Takes part in a copy (as copy or original, any kind).
    in_copy: bool,
    errors: Vec<Injection>,
}

/// What one agency's generation carries from year to year.
struct AgencyState {
    /// Last year's numbers (published or not) for this year's tables to continue.
    previous: Option<Previous>,
    /// The tables printed in the last published report, with its year.
    printed: Option<(i32, Tables)>,
    /// Section 五 of reports another report copies, by year.
    originals: Vec<(i32, Vec<Block>)>,
}

fn stem(index: usize, year: i32) -> String {
    format!("{index:05}_{year}")
}

impl Corpus {
    /// # Panics
    /// If the options cannot be met ([`CorpusOptions::validate`]).
    fn new(opts: &CorpusOptions) -> Corpus {
        if let Err(e) = opts.validate() {
            panic!("{e}");
        }
        let (places, pools) = opts.pools().expect("validated");
        Corpus {
            opts: opts.clone(),
            places,
            pools,
            planned: 0,
            next_agency: 0,
            used: HashSet::new(),
            queue: VecDeque::new(),
            gaps: 0,
        }
    }

    /// Plan and generate the next group of agencies; queue their reports agency by agency.
    fn group(&mut self) {
        let o = self.opts.clone();
        let first_index = self.next_agency;
        let mut agencies: Vec<AgencyPlan> = Vec::new();
        while agencies.len() < GROUP && self.planned < o.reports {
            let index = self.next_agency;
            self.next_agency += 1;
            let seed = Rng::new(o.seed, S_AGENCY ^ (index as u64).wrapping_mul(0x9E37)).next_u64();
            let mut r = Rng::new(seed, S_AGENCY);
            let agency = self.unique_agency(&mut Rng::new(seed, S_NAME));
            let profile = Profile::draw(&mut r);
            let mut published: Vec<bool> = (0..o.years).map(|_| !r.chance(o.gap_rate)).collect();
            if !published.iter().any(|&p| p) {
                let i = r.below(o.years);
                published[i] = true;
            }
            // A region has few agencies: gaps may not leave too few for the reports
            // still to plan. Publishing every year keeps `agencies left × years ≥
            // reports left`, which `validate` makes true at the start.
            let left_after = self.pools.capacity() - self.used.len();
            let planned_after = self.planned + published.iter().filter(|&&p| p).count();
            if left_after * o.years < o.reports.saturating_sub(planned_after) {
                published.fill(true);
            }
            // The last agency takes only the years still needed.
            let mut left = o.reports - self.planned;
            for p in published.iter_mut() {
                if *p {
                    if left == 0 {
                        *p = false;
                    } else {
                        left -= 1;
                    }
                }
            }
            let count = published.iter().filter(|&&p| p).count();
            let first = published.iter().position(|&p| p).unwrap_or(0);
            let last = published.iter().rposition(|&p| p).unwrap_or(0);
            self.gaps += (first..=last).filter(|&i| !published[i]).count();
            self.planned += count;
            agencies.push(AgencyPlan {
                index,
                agency,
                profile,
                seed,
                published,
            });
        }
        let plans = self.plan_reports(&agencies, first_index);
        let reports = self.generate_group(&agencies, plans);
        self.queue.extend(reports);
    }

    /// An agency that is no other agency of the corpus.
    fn unique_agency(&mut self, r: &mut Rng) -> Agency {
        self.places
            .draw_unused(&self.pools, &mut self.used, r)
            .expect("validate and the gap rule leave an agency for every report to plan")
    }

    /// Decide, for every published report of the group, its layout, its part in
    /// cross-report errors and its single-report errors.
    fn plan_reports(
        &self,
        agencies: &[AgencyPlan],
        first_index: usize,
    ) -> Vec<Vec<Option<ReportPlan>>> {
        let o = &self.opts;
        let layouts = if o.layouts.is_empty() {
            Layout::ALL.to_vec()
        } else {
            o.layouts.clone()
        };
        let mut plans: Vec<Vec<Option<ReportPlan>>> = agencies
            .iter()
            .map(|a| {
                (0..o.years)
                    .map(|i| {
                        a.published[i].then(|| {
                            let mut r = Rng::new(a.seed, S_PLAN + 16 * i as u64);
                            ReportPlan {
                                seed: r.next_u64(),
                                layout: r.pick(&layouts),
                                predecessor: i > 0 && a.published[i - 1],
                                successor: i + 1 < o.years && a.published[i + 1],
                                ..ReportPlan::default()
                            }
                        })
                    })
                    .collect()
            })
            .collect();

        // Cross-report errors, year by year: each report in at most one copy.
        let mut r = Rng::new(
            o.seed,
            S_CROSS ^ (first_index as u64).wrapping_mul(0x51_7CC1),
        );
        for yi in 0..o.years {
            for g in 0..agencies.len() {
                let Some((predecessor, in_copy)) =
                    plans[g][yi].as_ref().map(|p| (p.predecessor, p.in_copy))
                else {
                    continue;
                };
                if !r.chance(o.cross_error_rate) {
                    continue;
                }
                let prev_free =
                    yi > 0 && predecessor && plans[g][yi - 1].as_ref().is_some_and(|q| !q.in_copy);
                let partners: Vec<usize> = (0..agencies.len())
                    .filter(|&h| h != g && plans[h][yi].as_ref().is_some_and(|q| !q.in_copy))
                    .collect();
                let mut kinds: Vec<CrossInjection> = Vec::new();
                for k in CrossInjection::ALL {
                    let ok = match k {
                        CrossInjection::CarryOverMismatch | CrossInjection::StockDiscontinuity => {
                            predecessor
                        }
                        CrossInjection::CopiedFromPreviousYear => !in_copy && prev_free,
                        CrossInjection::CopiedFromOtherAgency => !in_copy && !partners.is_empty(),
                    };
                    if ok {
                        kinds.push(k);
                    }
                }
                if kinds.is_empty() {
                    continue;
                }
                let kind = r.pick(&kinds);
                let mut chosen = vec![kind];
                // Sometimes a second, table error with it.
                let tables: Vec<CrossInjection> = kinds
                    .iter()
                    .copied()
                    .filter(|k| {
                        *k != kind
                            && matches!(
                                k,
                                CrossInjection::CarryOverMismatch
                                    | CrossInjection::StockDiscontinuity
                            )
                    })
                    .collect();
                if !tables.is_empty() && r.chance(0.2) {
                    chosen.push(r.pick(&tables));
                }
                let year = o.first_year + yi as i32;
                for k in &chosen {
                    debug_assert!(!k.needs_previous() || predecessor);
                    match k {
                        CrossInjection::CopiedFromPreviousYear => {
                            if let Some(q) = plans[g][yi - 1].as_mut() {
                                q.in_copy = true;
                            }
                            let p = plans[g][yi].as_mut().expect("planned");
                            p.in_copy = true;
                            p.copy_of = Some((g, year - 1));
                        }
                        CrossInjection::CopiedFromOtherAgency => {
                            // Copies are likeliest between agencies of the same field.
                            let field = agencies[g].agency.field.name;
                            let same: Vec<usize> = partners
                                .iter()
                                .copied()
                                .filter(|&h| agencies[h].agency.field.name == field)
                                .collect();
                            let h = if same.is_empty() {
                                r.pick(&partners)
                            } else {
                                r.pick(&same)
                            };
                            let q = plans[h][yi].as_mut().expect("partner planned");
                            q.in_copy = true;
                            q.copied_by = Some(g);
                            q.cross.push(CrossInjection::CopiedFromOtherAgency);
                            let p = plans[g][yi].as_mut().expect("planned");
                            p.in_copy = true;
                            p.copy_of = Some((h, year));
                        }
                        _ => {}
                    }
                    plans[g][yi].as_mut().expect("planned").cross.push(*k);
                }
            }
        }

        // Single-report errors, compatible with each report's part in cross errors.
        for (g, a) in agencies.iter().enumerate() {
            for yi in 0..o.years {
                let next_carry = yi + 1 < o.years
                    && plans[g][yi + 1]
                        .as_ref()
                        .is_some_and(|q| q.cross.contains(&CrossInjection::CarryOverMismatch));
                let next_stock = yi + 1 < o.years
                    && plans[g][yi + 1]
                        .as_ref()
                        .is_some_and(|q| q.cross.contains(&CrossInjection::StockDiscontinuity));
                let Some(p) = plans[g][yi].as_mut() else {
                    continue;
                };
                let mut r = Rng::new(a.seed, S_PLAN + 16 * yi as u64 + 1);
                if !(o.error_rate > 0.0 && r.chance(o.error_rate)) {
                    continue;
                }
                let carry = p.cross.contains(&CrossInjection::CarryOverMismatch) || next_carry;
                let stock = p.cross.contains(&CrossInjection::StockDiscontinuity) || next_stock;
                let fitting: Vec<Injection> = Injection::ALL
                    .into_iter()
                    .filter(|e| e.fits(p.layout))
                    .filter(|e| match e {
                        // A copied section 五 must be there to be compared.
                        Injection::EmptyProblems | Injection::MissingSection => !p.in_copy,
                        // A blank 上年结转/结转下年度 would hide a planted mismatch.
                        Injection::BlankTemplate => !carry,
                        // Table 二 in the 2019 edition has no 现行有效件数 to compare.
                        Injection::Edition2019 => !stock,
                        _ => true,
                    })
                    .collect();
                if !fitting.is_empty() {
                    p.errors.push(r.pick(&fitting));
                }
            }
        }
        plans
    }

    /// Generate the planned reports: year by year (a copy needs its original, a table its
    /// predecessor), originals of a year before the copies of that year.
    // The plans are a grid indexed by (agency, year); walking it by index reads plainer.
    #[allow(clippy::needless_range_loop)]
    fn generate_group(
        &self,
        agencies: &[AgencyPlan],
        mut plans: Vec<Vec<Option<ReportPlan>>>,
    ) -> Vec<CorpusReport> {
        let o = &self.opts;
        let mut states: Vec<AgencyState> = agencies
            .iter()
            .map(|_| AgencyState {
                previous: None,
                printed: None,
                originals: Vec::new(),
            })
            .collect();
        let mut out: Vec<Vec<CorpusReport>> = agencies.iter().map(|_| Vec::new()).collect();
        for yi in 0..o.years {
            let year = o.first_year + yi as i32;
            // Unpublished years still happen: their tables carry on, unprinted.
            for (g, a) in agencies.iter().enumerate() {
                if plans[g][yi].is_none() {
                    let mut r = Rng::new(a.seed, S_PLAN + 16 * yi as u64 + 2);
                    let t = tables::continued(&mut r, &a.profile, states[g].previous.as_ref());
                    states[g].previous = Some(previous_of(&t, &t));
                }
            }
            let order: Vec<usize> = {
                let mut v: Vec<usize> = (0..agencies.len())
                    .filter(|&g| plans[g][yi].is_some())
                    .collect();
                v.sort_by_key(|&g| {
                    plans[g][yi]
                        .as_ref()
                        .is_some_and(|p| matches!(p.copy_of, Some((h, _)) if h != g))
                });
                v
            };
            for g in order {
                let p = plans[g][yi].take().expect("published");
                let r = self.generate_one(agencies, g, year, &p, &mut states);
                out[g].push(r);
            }
        }
        out.into_iter().flatten().collect()
    }

    fn generate_one(
        &self,
        agencies: &[AgencyPlan],
        g: usize,
        year: i32,
        p: &ReportPlan,
        states: &mut [AgencyState],
    ) -> CorpusReport {
        let o = &self.opts;
        let a = &agencies[g];
        let mut links: Vec<CrossLink> = Vec::new();
        let mut r_cross = Rng::new(p.seed, S_CROSS);
        let prev_stem = stem(a.index, year - 1);

        // The tables: last year's continued, or deliberately not.
        let mut previous = states[g].previous;
        let mut carry_places: Vec<&'static str> = Vec::new();
        if p.cross.contains(&CrossInjection::CarryOverMismatch) {
            if let Some(prev) = previous.as_mut() {
                let before = prev.carried_over;
                prev.carried_over = mismatch(&mut r_cross, &before);
                let total = |v: &[i64; 6]| v.iter().sum::<i64>();
                for (c, col) in RequestColumn::ALL.iter().enumerate().take(6) {
                    if before[c] != prev.carried_over[c] {
                        carry_places.push(col.key());
                    }
                }
                if total(&before) != total(&prev.carried_over) {
                    carry_places.push(RequestColumn::Total.key());
                }
            }
        }
        let mut r_tables = Rng::new(p.seed, crate::S_TABLES);
        let mut t = tables::continued(&mut r_tables, &a.profile, previous.as_ref());
        let true_tables = t.clone();
        let mut stock_places: Vec<&'static str> = Vec::new();
        if p.cross.contains(&CrossInjection::StockDiscontinuity) {
            stock_places.push(discontinue(&mut r_cross, &mut t, &a.profile));
        }
        states[g].previous = Some(previous_of(&true_tables, &t));

        // Section 五: a copy, or the report's own.
        let problems = p.copy_of.map(|(h, y)| {
            let original = states[h]
                .originals
                .iter()
                .find(|(oy, _)| *oy == y)
                .map(|(_, b)| b.clone())
                .expect("the original is generated before its copy");
            let mut r = Rng::new(p.seed, S_COPY);
            prose::copy_problems(&mut r, &original, &agencies[h].agency, &a.agency, h != g)
        });

        let protected: Vec<RequestRowKey> = [
            (p.predecessor, RequestRowKey::CarriedOver),
            (p.successor, RequestRowKey::CarriedForward),
        ]
        .into_iter()
        .filter_map(|(on, k)| on.then_some(k))
        .collect();
        let opts = Options {
            layout: p.layout,
            kangxi: o.kangxi,
            lose_zero_cells: o.lose_zero_cells,
            errors: p.errors.clone(),
            error_rate: 0.0,
        };
        let built = build(Plan {
            seed: p.seed,
            opts: &opts,
            agency: &a.agency,
            year,
            tables: t,
            errors: p.errors.clone(),
            r_inject: Rng::new(p.seed, crate::S_INJECT),
            protected: &protected,
            problems,
        });
        let s = built.synthetic;
        // An original (of a copy next year or by another agency) keeps its section 五.
        if p.in_copy && p.copy_of.is_none() {
            states[g].originals.push((year, built.problems));
        }

        // The key: cross-year rules from the printed tables, by their definitions.
        let mut expected = s.expected.clone();
        let prior = states[g]
            .printed
            .as_ref()
            .filter(|(y, _)| *y == year - 1)
            .map(|(_, t)| t);
        let mut cross = Vec::new();
        if let Some(prev) = prior {
            let cols = carry_over_mismatch(prev, &s.tables);
            if !cols.is_empty() {
                expected.push("carry-over-mismatch");
            }
            if p.cross.contains(&CrossInjection::CarryOverMismatch) {
                cross.push(CrossInjection::CarryOverMismatch);
                links.push(CrossLink {
                    kind: CrossInjection::CarryOverMismatch,
                    other: prev_stem.clone(),
                    original: false,
                    places: carry_places,
                });
            }
            if !stock_discontinuity(prev, &s.tables).is_empty() {
                expected.push("stock-discontinuity");
            }
            if p.cross.contains(&CrossInjection::StockDiscontinuity) {
                cross.push(CrossInjection::StockDiscontinuity);
                links.push(CrossLink {
                    kind: CrossInjection::StockDiscontinuity,
                    other: prev_stem.clone(),
                    original: false,
                    places: stock_places,
                });
            }
        }
        if let Some((h, y)) = p.copy_of {
            let kind = if h == g {
                CrossInjection::CopiedFromPreviousYear
            } else {
                CrossInjection::CopiedFromOtherAgency
            };
            cross.push(kind);
            links.push(CrossLink {
                kind,
                other: stem(agencies[h].index, y),
                original: false,
                places: vec!["problems"],
            });
        }
        if let Some(h) = p.copied_by {
            cross.push(CrossInjection::CopiedFromOtherAgency);
            links.push(CrossLink {
                kind: CrossInjection::CopiedFromOtherAgency,
                other: stem(agencies[h].index, year),
                original: true,
                places: vec!["problems"],
            });
        }
        if p.copy_of.is_some() || p.copied_by.is_some() {
            expected.push("copied-text");
        }
        expected.sort_unstable();
        cross.sort();
        states[g].printed = Some((year, s.tables.clone()));
        CorpusReport {
            stem: stem(a.index, year),
            agency: s.agency.clone(),
            region_code: s.region_code,
            year,
            synthetic: s,
            cross,
            links,
            expected,
        }
    }
}

/// What next year continues: this year's 结转下年度 (from the consistent tables) and the
/// 现行有效件数 as printed (a wrong stock is carried on, as in real reports).
fn previous_of(consistent: &Tables, printed: &Tables) -> Previous {
    let forward = consistent
        .row(RequestRowKey::CarriedForward)
        .map(|r| r.map(|c| c.unwrap_or(0)))
        .unwrap_or([0; 7]);
    let in_force = |k: ActiveRowKey| {
        printed
            .active
            .iter()
            .find(|r| r.key == k)
            .and_then(|r| match r.cells.get(2) {
                Some(Some(Value::Count(n))) => Some(*n),
                _ => None,
            })
            .unwrap_or(0)
    };
    Previous {
        carried_over: [
            forward[0], forward[1], forward[2], forward[3], forward[4], forward[5],
        ],
        in_force: [
            in_force(ActiveRowKey::Regulations),
            in_force(ActiveRowKey::NormativeDocuments),
        ],
    }
}

/// This year's 上年结转 made to differ from last year's 结转下年度, the ways real reports
/// get it wrong: a few more, a few fewer, none at all, or moved to another column.
fn mismatch(r: &mut Rng, forward: &[i64; 6]) -> [i64; 6] {
    let mut v = *forward;
    let nonzero: Vec<usize> = (0..6).filter(|&c| v[c] > 0).collect();
    let way = if nonzero.is_empty() { 0 } else { r.below(4) };
    match way {
        1 => {
            let c = r.pick(&nonzero);
            v[c] -= r.range(1, v[c].min(3));
        }
        2 => v = [0; 6],
        3 => {
            let c = r.pick(&nonzero);
            let to = (c + 1 + r.below(5)) % 6;
            let d = r.range(1, v[c].min(3));
            v[c] -= d;
            v[to] += d;
        }
        _ => {
            // Mostly natural persons, as in real tables.
            let c = if r.chance(0.7) { 0 } else { r.below(6) };
            v[c] += r.range(1, 3);
        }
    }
    debug_assert_ne!(&v, forward);
    v
}

/// A 现行有效件数 printed off the stock: last year's number left unchanged, only this
/// year's documents counted, or simply a different number. Returns the row's key.
fn discontinue(r: &mut Rng, t: &mut Tables, profile: &Profile) -> &'static str {
    let key = if profile.makes_regulations && r.chance(0.3) {
        ActiveRowKey::Regulations
    } else {
        ActiveRowKey::NormativeDocuments
    };
    let Some(row) = t.active.iter_mut().find(|r| r.key == key) else {
        return key.key();
    };
    let n = |c: &Option<Value>| match c {
        Some(Value::Count(n)) => *n,
        _ => 0,
    };
    let (issued, repealed, in_force) = (n(&row.cells[0]), n(&row.cells[1]), n(&row.cells[2]));
    let last = in_force - issued + repealed;
    let mut options: Vec<i64> = Vec::new();
    if last != in_force {
        options.push(last);
    }
    if issued != in_force {
        options.push(issued);
    }
    let d = r.range(1, 20);
    options.push(in_force + d);
    if in_force - d >= 0 {
        options.push(in_force - d);
    }
    let wrong = r.pick(&options);
    row.cells[2] = Some(Value::Count(wrong));
    key.key()
}

/// Y001 by its definition: the columns where last year's 结转下年度 and this year's
/// 上年结转 are both numbers and differ.
pub(crate) fn carry_over_mismatch(prev: &Tables, this: &Tables) -> Vec<usize> {
    let (Some(f), Some(o)) = (
        prev.row(RequestRowKey::CarriedForward),
        this.row(RequestRowKey::CarriedOver),
    ) else {
        return Vec::new();
    };
    (0..7)
        .filter(|&c| matches!((f[c], o[c]), (Some(a), Some(b)) if a != b))
        .collect()
}

/// Y002 by its definition: the rows of table 二 (both in the 2021 edition) whose
/// 现行有效件数 is not last year's + 本年制发 − 本年废止.
pub(crate) fn stock_discontinuity(prev: &Tables, this: &Tables) -> Vec<ActiveRowKey> {
    if prev.active_edition != Edition::E2021 || this.active_edition != Edition::E2021 {
        return Vec::new();
    }
    let count = |t: &Tables, k: ActiveRowKey, c: usize| {
        t.active
            .iter()
            .find(|r| r.key == k)
            .and_then(|r| match r.cells.get(c) {
                Some(Some(Value::Count(n))) => Some(*n),
                _ => None,
            })
    };
    [ActiveRowKey::Regulations, ActiveRowKey::NormativeDocuments]
        .into_iter()
        .filter(|&k| {
            match (
                count(prev, k, 2),
                count(this, k, 0),
                count(this, k, 1),
                count(this, k, 2),
            ) {
                (Some(last), Some(issued), Some(repealed), Some(now)) => {
                    now != last + issued - repealed
                }
                _ => false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A planted carry-over mismatch always differs, and never goes negative.
    #[test]
    fn mismatch_always_differs() {
        let mut r = Rng::new(1, 0);
        for _ in 0..5000 {
            let f = [0, 1, 2, 3, 4, 5].map(|_| if r.chance(0.5) { 0 } else { r.range(0, 6) });
            let v = mismatch(&mut r, &f);
            assert_ne!(v, f);
            assert!(v.iter().all(|&x| x >= 0), "{f:?} → {v:?}");
        }
    }

    /// A planted stock discontinuity always breaks the continuity it is tested on.
    #[test]
    fn discontinue_always_breaks() {
        for seed in 0..2000 {
            let mut r = Rng::new(seed, 0);
            let profile = Profile::draw(&mut r);
            let prev = Previous {
                carried_over: [0; 6],
                in_force: [
                    if profile.makes_regulations { 5 } else { 0 },
                    r.range(0, 50),
                ],
            };
            let before = tables::continued(&mut r, &profile, Some(&prev));
            let mut after = before.clone();
            let key = discontinue(&mut r, &mut after, &profile);
            // Last year's report printed `prev`'s stocks.
            let last = Tables {
                active: before
                    .active
                    .iter()
                    .map(|row| {
                        let mut row = row.clone();
                        let i = match row.key {
                            ActiveRowKey::Regulations => 0,
                            ActiveRowKey::NormativeDocuments => 1,
                            _ => return row,
                        };
                        row.cells[2] = Some(Value::Count(prev.in_force[i]));
                        row
                    })
                    .collect(),
                ..before.clone()
            };
            let rows = stock_discontinuity(&last, &after);
            assert_eq!(rows.len(), 1, "seed {seed}");
            assert_eq!(rows[0].key(), key);
            assert!(stock_discontinuity(&last, &before).is_empty());
        }
    }
}
