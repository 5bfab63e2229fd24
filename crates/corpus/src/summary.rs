//! What the corpus holds: who published which years (and who did not), the metrics per
//! agency and year, and rankings where the numbers are large enough to mean something.

use std::collections::BTreeSet;

use gongkai_model::metrics::MetricKey;
use gongkai_model::ReadingStatus;
use gongkai_store::{Coverage, MetricRow, Store, StoreError};
use serde::Serialize;

/// When a ranking is shown.
#[derive(Clone, Debug, Serialize)]
pub struct RankingOptions {
    /// The smallest denominator (requests answered, cases concluded) for an agency to be
    /// ranked on a rate: 2 of 3 is "67 %", and means nothing.
    pub min_denominator: i64,
    /// The fewest qualifying agencies for a ranking to be shown at all.
    pub min_agencies: usize,
    /// Rows shown at each end of a ranking.
    pub top: usize,
    /// The year ranked; the corpus's latest year when `None`.
    pub year: Option<i32>,
    /// Only agencies in this unit (a gazetteer code) and below it.
    pub region_code: Option<String>,
}

impl Default for RankingOptions {
    fn default() -> RankingOptions {
        RankingOptions {
            min_denominator: 30,
            min_agencies: 5,
            top: 10,
            year: None,
            region_code: None,
        }
    }
}

/// One ranked agency.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranked {
    pub agency: String,
    pub value: f64,
    pub denominator: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranking {
    pub metric: &'static str,
    pub label: &'static str,
    pub year: i32,
    /// Agencies that qualified (denominator large enough).
    pub qualified: usize,
    /// Highest first; empty when fewer than `min_agencies` qualified.
    pub entries: Vec<Ranked>,
    /// Why the ranking is empty, if it is.
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoverageRow {
    pub agency: String,
    pub region: String,
    pub level: &'static str,
    /// Aligned with [`Summary::years`].
    pub present: Vec<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub years: Vec<i32>,
    pub coverage: Vec<CoverageRow>,
    /// Agencies missing at least one year between their first and the corpus's last.
    pub missing: usize,
    #[serde(skip)]
    pub metrics: Vec<MetricRow>,
    pub rankings: Vec<Ranking>,
    /// Current reports by how much of them was read: statistics over the tables count
    /// only what was read (an unread cell is no value), and this says how much that is.
    pub reading: ReadingCounts,
}

/// Current reports by reading status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReadingCounts {
    pub whole: usize,
    pub with_doubts: usize,
    pub partial: usize,
    /// Stored before the status was kept and not yet filled in.
    pub unknown: usize,
}

/// The rate metrics ranked, each with the count it is a share of.
const RANKED: [(MetricKey, MetricKey); 3] = [
    (MetricKey::DisclosureRate, MetricKey::Processed),
    (MetricKey::ReviewCorrectionRate, MetricKey::ReviewConcluded),
    (
        MetricKey::LitigationCorrectionRate,
        MetricKey::LitigationConcluded,
    ),
];

pub fn coverage_rows(coverage: &[Coverage]) -> (Vec<i32>, Vec<CoverageRow>) {
    let years: BTreeSet<i32> = coverage
        .iter()
        .flat_map(|c| c.years.iter().copied())
        .collect();
    let years: Vec<i32> = match (years.first(), years.last()) {
        (Some(&a), Some(&b)) => (a..=b).collect(),
        _ => Vec::new(),
    };
    let rows = coverage
        .iter()
        .map(|c| CoverageRow {
            agency: c.agency.clone(),
            region: c.region.clone(),
            level: c.level.as_zh(),
            present: years.iter().map(|y| c.years.contains(y)).collect(),
        })
        .collect();
    (years, rows)
}

pub fn summary(store: &mut Store, opts: &RankingOptions) -> Result<Summary, StoreError> {
    // The region's rows only, from the agencies' unit-code index.
    let region = opts.region_code.as_deref();
    let stored = store.region_coverage(region)?;
    let (years, coverage) = coverage_rows(&stored);
    let missing = coverage
        .iter()
        .filter(|r| {
            let first = r.present.iter().position(|p| *p).unwrap_or(0);
            r.present[first..].iter().any(|p| !p)
        })
        .count();
    let metrics = store.region_metrics(region)?;
    let ranked_year = match opts.year {
        Some(year)
            if coverage
                .iter()
                .any(|r| r.present.get(index_of(&years, year)) == Some(&true)) =>
        {
            Some(year)
        }
        Some(year) => {
            return Err(StoreError::Query(format!(
                "语料库中没有 {year} 年度的报告（现有年度：{}）",
                match (years.first(), years.last()) {
                    (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
                    (Some(a), _) => a.to_string(),
                    _ => "无".into(),
                }
            )))
        }
        None => years.last().copied(),
    };
    let rankings = match ranked_year {
        Some(year) => rankings(&metrics, year, opts),
        None => Vec::new(),
    };
    let mut reading = ReadingCounts::default();
    for (status, n) in store.region_reading_counts(region)? {
        let n = n as usize;
        match status {
            Some(ReadingStatus::Whole) => reading.whole += n,
            Some(ReadingStatus::WithDoubts) => reading.with_doubts += n,
            Some(ReadingStatus::Partial) => reading.partial += n,
            None => reading.unknown += n,
        }
    }
    Ok(Summary {
        years,
        coverage,
        missing,
        metrics,
        rankings,
        reading,
    })
}

/// The position of `year` in the coverage's years (past the end when absent).
fn index_of(years: &[i32], year: i32) -> usize {
    years.iter().position(|y| *y == year).unwrap_or(usize::MAX)
}

/// Rankings of the rate metrics for `year`.
pub fn rankings(metrics: &[MetricRow], year: i32, opts: &RankingOptions) -> Vec<Ranking> {
    RANKED
        .iter()
        .map(|&(rate, base)| {
            let mut entries: Vec<Ranked> = metrics
                .iter()
                .filter(|m| m.year == Some(year))
                .filter_map(|m| {
                    let value = (*m.values.get(rate.key())?)?;
                    let denominator = (*m.values.get(base.key())?)? as i64;
                    (denominator >= opts.min_denominator).then(|| Ranked {
                        agency: m.agency.clone().unwrap_or_default(),
                        value,
                        denominator,
                    })
                })
                .collect();
            let qualified = entries.len();
            entries.sort_by(|a, b| {
                b.value
                    .total_cmp(&a.value)
                    .then(b.denominator.cmp(&a.denominator))
                    .then(a.agency.cmp(&b.agency))
            });
            let note = (qualified < opts.min_agencies).then(|| {
                format!(
                    "分母不少于 {} 的机关只有 {qualified} 个（少于 {} 个），不排名",
                    opts.min_denominator, opts.min_agencies
                )
            });
            if note.is_some() {
                entries.clear();
            }
            Ranking {
                metric: rate.key(),
                label: rate.label(),
                year,
                qualified,
                entries,
                note,
            }
        })
        .collect()
}
