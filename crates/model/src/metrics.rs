//! Derived indicators of one report (实质公开率, 复议纠错率 …), computed from its tables.
//!
//! Reviewers compare agencies by a handful of ratios rather than by 200 cells. The ratios
//! are only worth comparing if they are computed the same way everywhere, so the
//! definitions live here, next to the tables, with a stable key, a Chinese name and a
//! Chinese definition that exports print verbatim (see [`MetricKey`]).
//!
//! **Blank is not zero.** Every input cell must hold a valid, non-negative count; a blank,
//! invalid ("若干"), negative or missing cell makes the metric `None` — never a value
//! computed as if the cell were 0. A ratio whose denominator is 0 is `None` too (there is
//! nothing to divide), so "no requests at all" never reads as "0 % disclosed".
//! Inferred cells (completed from the table's arithmetic) are used like printed ones: the
//! arithmetic determines them exactly, and the doubt is reported separately as a finding.

use serde::{Deserialize, Serialize};

use crate::report::{Report, RequestTable, ReviewTable};
use crate::schema::{RequestColumn, RequestGroup, RequestRowKey, ReviewColumn, ReviewGroup};

/// The derived indicators of one report; `None` means "cannot be computed" (see module doc).
///
/// Rates are fractions (0.25 = 25 %), unrounded; exports format them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// 表三「一、本年新收」总计.
    pub received: Option<i64>,
    /// 表三「二、上年结转」总计.
    pub carried_over: Option<i64>,
    /// 表三「四、结转下年度继续办理」总计.
    pub carried_forward: Option<i64>,
    /// 表三「（七）总计」总计: requests answered this year.
    pub processed: Option<i64>,
    /// 实质公开率 = （（一）予以公开 + （二）部分公开）÷（七）总计, column 总计.
    pub disclosure_rate: Option<f64>,
    /// 不予公开率 = （三）不予公开 (sum of its 8 sub-rows) ÷（七）总计, column 总计.
    pub refusal_rate: Option<f64>,
    /// 无法提供率 = （四）无法提供 (sum of its 3 sub-rows) ÷（七）总计, column 总计.
    pub unavailable_rate: Option<f64>,
    /// 表四 行政复议 总计 (concluded and pending).
    pub review_total: Option<i64>,
    /// 表四 行政复议 结果纠正.
    pub review_corrected: Option<i64>,
    /// 表四 行政复议 concluded cases = 结果维持 + 结果纠正 + 其他结果.
    pub review_concluded: Option<i64>,
    /// 复议纠错率 = 结果纠正 ÷ concluded cases.
    pub review_correction_rate: Option<f64>,
    /// 表四 行政诉讼 总计, both groups (未经复议直接起诉 + 复议后起诉).
    pub litigation_total: Option<i64>,
    /// 表四 行政诉讼 结果纠正, both groups.
    pub litigation_corrected: Option<i64>,
    /// 表四 行政诉讼 concluded cases, both groups.
    pub litigation_concluded: Option<i64>,
    /// 诉讼纠错率 = 结果纠正 ÷ concluded cases, both groups combined.
    pub litigation_correction_rate: Option<f64>,
}

/// A metric's value: a count or a rate (a fraction, 0.25 = 25 %).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MetricValue {
    Count(i64),
    Rate(f64),
}

impl MetricValue {
    /// The value as a float (counts converted), for sorting or charts.
    pub fn as_f64(self) -> f64 {
        match self {
            MetricValue::Count(n) => n as f64,
            MetricValue::Rate(r) => r,
        }
    }
}

/// Whether a metric is a count or a rate; exports format rates as percentages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    Count,
    Rate,
}

/// The metrics, with stable keys (used as JSON keys and CSV/XLSX column ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKey {
    Received,
    CarriedOver,
    CarriedForward,
    Processed,
    DisclosureRate,
    RefusalRate,
    UnavailableRate,
    ReviewTotal,
    ReviewCorrected,
    ReviewConcluded,
    ReviewCorrectionRate,
    LitigationTotal,
    LitigationCorrected,
    LitigationConcluded,
    LitigationCorrectionRate,
}

/// Key, Chinese name and Chinese definition of one metric.
#[derive(Debug)]
pub struct MetricDef {
    pub key: MetricKey,
    pub kind: MetricKind,
    /// Stable snake_case key, e.g. "disclosure_rate".
    pub id: &'static str,
    /// Chinese name, e.g. "实质公开率".
    pub label: &'static str,
    /// Chinese definition, printed in exports and docs.
    pub definition: &'static str,
}

/// Every metric in export order; indexed by `MetricKey as usize`.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        key: MetricKey::Received,
        kind: MetricKind::Count,
        id: "received",
        label: "本年新收申请数",
        definition: "表三「一、本年新收政府信息公开申请数量」行「总计」列。",
    },
    MetricDef {
        key: MetricKey::CarriedOver,
        kind: MetricKind::Count,
        id: "carried_over",
        label: "上年结转申请数",
        definition: "表三「二、上年结转政府信息公开申请数量」行「总计」列。",
    },
    MetricDef {
        key: MetricKey::CarriedForward,
        kind: MetricKind::Count,
        id: "carried_forward",
        label: "结转下年度申请数",
        definition: "表三「四、结转下年度继续办理」行「总计」列。",
    },
    MetricDef {
        key: MetricKey::Processed,
        kind: MetricKind::Count,
        id: "processed",
        label: "本年办结申请数",
        definition: "表三「三、本年度办理结果（七）总计」行「总计」列。",
    },
    MetricDef {
        key: MetricKey::DisclosureRate,
        kind: MetricKind::Rate,
        id: "disclosure_rate",
        label: "实质公开率",
        definition:
            "（表三「（一）予以公开」+「（二）部分公开」）÷「（七）总计」，均取「总计」列。\
                     任一单元格空白或无效、或分母为0时不计算。",
    },
    MetricDef {
        key: MetricKey::RefusalRate,
        kind: MetricKind::Rate,
        id: "refusal_rate",
        label: "不予公开率",
        definition: "表三「（三）不予公开」1至8项之和 ÷「（七）总计」，均取「总计」列。\
                     任一单元格空白或无效、或分母为0时不计算。",
    },
    MetricDef {
        key: MetricKey::UnavailableRate,
        kind: MetricKind::Rate,
        id: "unavailable_rate",
        label: "无法提供率",
        definition: "表三「（四）无法提供」1至3项之和 ÷「（七）总计」，均取「总计」列。\
                     任一单元格空白或无效、或分母为0时不计算。",
    },
    MetricDef {
        key: MetricKey::ReviewTotal,
        kind: MetricKind::Count,
        id: "review_total",
        label: "行政复议总数",
        definition: "表四「行政复议」「总计」（含尚未审结）。",
    },
    MetricDef {
        key: MetricKey::ReviewCorrected,
        kind: MetricKind::Count,
        id: "review_corrected",
        label: "行政复议纠正数",
        definition: "表四「行政复议」「结果纠正」。",
    },
    MetricDef {
        key: MetricKey::ReviewConcluded,
        kind: MetricKind::Count,
        id: "review_concluded",
        label: "行政复议审结数",
        definition: "表四「行政复议」「结果维持」+「结果纠正」+「其他结果」，\
                     即已审结的案件（表格勾稽正确时等于「总计」−「尚未审结」）。",
    },
    MetricDef {
        key: MetricKey::ReviewCorrectionRate,
        kind: MetricKind::Rate,
        id: "review_correction_rate",
        label: "复议纠错率",
        definition: "表四「行政复议」「结果纠正」÷ 审结数（结果维持+结果纠正+其他结果）。\
                     尚未审结的案件不计入分母；任一单元格空白或无效、或审结数为0时不计算。",
    },
    MetricDef {
        key: MetricKey::LitigationTotal,
        kind: MetricKind::Count,
        id: "litigation_total",
        label: "行政诉讼总数",
        definition:
            "表四「行政诉讼」「未经复议直接起诉」与「复议后起诉」两组「总计」之和（含尚未审结）。",
    },
    MetricDef {
        key: MetricKey::LitigationCorrected,
        kind: MetricKind::Count,
        id: "litigation_corrected",
        label: "行政诉讼纠正数",
        definition: "表四「行政诉讼」两组「结果纠正」之和。",
    },
    MetricDef {
        key: MetricKey::LitigationConcluded,
        kind: MetricKind::Count,
        id: "litigation_concluded",
        label: "行政诉讼审结数",
        definition:
            "表四「行政诉讼」两组「结果维持」+「结果纠正」+「其他结果」之和，即已审结的案件。",
    },
    MetricDef {
        key: MetricKey::LitigationCorrectionRate,
        kind: MetricKind::Rate,
        id: "litigation_correction_rate",
        label: "诉讼纠错率",
        definition: "表四「行政诉讼」两组「结果纠正」之和 ÷ 两组审结数之和。\
                     尚未审结的案件不计入分母；任一单元格空白或无效、或审结数为0时不计算。",
    },
];

impl MetricKey {
    /// Every metric, in export order.
    pub const ALL: [MetricKey; 15] = [
        MetricKey::Received,
        MetricKey::CarriedOver,
        MetricKey::CarriedForward,
        MetricKey::Processed,
        MetricKey::DisclosureRate,
        MetricKey::RefusalRate,
        MetricKey::UnavailableRate,
        MetricKey::ReviewTotal,
        MetricKey::ReviewCorrected,
        MetricKey::ReviewConcluded,
        MetricKey::ReviewCorrectionRate,
        MetricKey::LitigationTotal,
        MetricKey::LitigationCorrected,
        MetricKey::LitigationConcluded,
        MetricKey::LitigationCorrectionRate,
    ];
    pub fn def(self) -> &'static MetricDef {
        // METRICS is declared in enum order (checked by a test).
        &METRICS[self as usize]
    }
    /// Stable snake_case key.
    pub fn key(self) -> &'static str {
        self.def().id
    }
    /// Chinese name.
    pub fn label(self) -> &'static str {
        self.def().label
    }
    /// Chinese definition.
    pub fn definition(self) -> &'static str {
        self.def().definition
    }
    pub fn kind(self) -> MetricKind {
        self.def().kind
    }
    pub fn from_key(key: &str) -> Option<MetricKey> {
        METRICS.iter().find(|m| m.id == key).map(|m| m.key)
    }
}

/// A valid count: a printed or inferred non-negative integer. Negative counts are
/// document errors (reported by the checks) and would make a rate meaningless.
fn count(v: Option<i64>) -> Option<i64> {
    v.filter(|n| *n >= 0)
}

fn request_total(t: &RequestTable, row: RequestRowKey) -> Option<i64> {
    count(t.value(row, RequestColumn::Total))
}

/// Sum of the 总计 column over the sub-rows of an outcome group. Every sub-row of the
/// group must be present with a valid count: a missing row is not a row of zeros.
///
/// The national format prints no subtotal row for （三）不予公开 or （四）无法提供 (in
/// either edition; the editions differ only in （六）其他处理), so the subtotal is the sum
/// of the sub-rows of the group in the layout the report printed.
fn group_total(t: &RequestTable, group: RequestGroup) -> Option<i64> {
    let split = t.splits_other_handling();
    let mut sum = 0i64;
    let mut rows = 0;
    for def in crate::schema::request_rows(split).filter(|d| d.group == group) {
        sum = sum.checked_add(request_total(t, def.key)?)?;
        rows += 1;
    }
    (rows > 0).then_some(sum)
}

fn ratio(num: Option<i64>, den: Option<i64>) -> Option<f64> {
    let (num, den) = (num?, den?);
    (den != 0).then(|| num as f64 / den as f64)
}

/// Sums of the table-四 columns over some groups, each `None` if any input is unusable.
struct ReviewSums {
    total: Option<i64>,
    corrected: Option<i64>,
    concluded: Option<i64>,
}

fn review_sums(t: &ReviewTable, groups: &[ReviewGroup]) -> ReviewSums {
    let sum = |cols: &[ReviewColumn]| -> Option<i64> {
        let mut s = 0i64;
        for &g in groups {
            for &c in cols {
                s = s.checked_add(count(t.value(g, c))?)?;
            }
        }
        Some(s)
    };
    ReviewSums {
        total: sum(&[ReviewColumn::Total]),
        corrected: sum(&[ReviewColumn::Corrected]),
        // The concluded cases are, by the columns' meaning, those with a result:
        // 维持 + 纠正 + 其他. We do not use 总计 − 尚未审结: it equals this sum only when the
        // group's arithmetic holds, and when it does not (a separate finding), the sum of
        // the outcomes is the denominator that keeps 纠正 ÷ 审结 within 0..=1.
        concluded: sum(&[
            ReviewColumn::Upheld,
            ReviewColumn::Corrected,
            ReviewColumn::Other,
        ]),
    }
}

impl Metrics {
    /// The metrics of a report. Tables not found (legacy layouts) give `None` everywhere.
    pub fn of(report: &Report) -> Metrics {
        let mut m = Metrics::default();
        if let Some(t) = &report.requests {
            m.received = request_total(t, RequestRowKey::NewReceived);
            m.carried_over = request_total(t, RequestRowKey::CarriedOver);
            m.carried_forward = request_total(t, RequestRowKey::CarriedForward);
            m.processed = request_total(t, RequestRowKey::TotalProcessed);
            let disclosed = request_total(t, RequestRowKey::Granted)
                .zip(request_total(t, RequestRowKey::PartiallyGranted))
                .and_then(|(a, b)| a.checked_add(b));
            m.disclosure_rate = ratio(disclosed, m.processed);
            m.refusal_rate = ratio(group_total(t, RequestGroup::Denied), m.processed);
            m.unavailable_rate = ratio(group_total(t, RequestGroup::Unable), m.processed);
        }
        if let Some(t) = &report.review {
            let review = review_sums(t, &[ReviewGroup::Review]);
            m.review_total = review.total;
            m.review_corrected = review.corrected;
            m.review_concluded = review.concluded;
            m.review_correction_rate = ratio(review.corrected, review.concluded);
            let lit = review_sums(
                t,
                &[
                    ReviewGroup::LitigationDirect,
                    ReviewGroup::LitigationAfterReview,
                ],
            );
            m.litigation_total = lit.total;
            m.litigation_corrected = lit.corrected;
            m.litigation_concluded = lit.concluded;
            m.litigation_correction_rate = ratio(lit.corrected, lit.concluded);
        }
        m
    }

    /// The value of one metric.
    pub fn value(&self, key: MetricKey) -> Option<MetricValue> {
        use MetricValue::{Count as C, Rate as R};
        match key {
            MetricKey::Received => self.received.map(C),
            MetricKey::CarriedOver => self.carried_over.map(C),
            MetricKey::CarriedForward => self.carried_forward.map(C),
            MetricKey::Processed => self.processed.map(C),
            MetricKey::DisclosureRate => self.disclosure_rate.map(R),
            MetricKey::RefusalRate => self.refusal_rate.map(R),
            MetricKey::UnavailableRate => self.unavailable_rate.map(R),
            MetricKey::ReviewTotal => self.review_total.map(C),
            MetricKey::ReviewCorrected => self.review_corrected.map(C),
            MetricKey::ReviewConcluded => self.review_concluded.map(C),
            MetricKey::ReviewCorrectionRate => self.review_correction_rate.map(R),
            MetricKey::LitigationTotal => self.litigation_total.map(C),
            MetricKey::LitigationCorrected => self.litigation_corrected.map(C),
            MetricKey::LitigationConcluded => self.litigation_concluded.map(C),
            MetricKey::LitigationCorrectionRate => self.litigation_correction_rate.map(R),
        }
    }

    /// Every metric with its value, in export order.
    pub fn values(&self) -> impl Iterator<Item = (MetricKey, Option<MetricValue>)> + '_ {
        MetricKey::ALL.into_iter().map(move |k| (k, self.value(k)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Cell, RequestRow, Value};
    use crate::schema::request_rows;

    /// A table 三 of the given layout with every cell 0, then `set` applied to 总计.
    fn requests(split: bool, set: &[(RequestRowKey, Cell)]) -> RequestTable {
        let mut t = RequestTable::default();
        for def in request_rows(split) {
            t.rows.push(RequestRow {
                key: def.key,
                label: None,
                cells: std::array::from_fn(|_| Cell::count(0, None)),
            });
        }
        for (key, cell) in set {
            let row = t.rows.iter_mut().find(|r| r.key == *key).unwrap();
            row.cells[RequestColumn::Total.index()] = cell.clone();
        }
        t
    }

    fn n(v: i64) -> Cell {
        Cell::count(v, None)
    }

    fn report(requests: Option<RequestTable>, review: Option<[[Option<i64>; 5]; 3]>) -> Report {
        Report {
            requests,
            review: review.map(|g| ReviewTable {
                cells: g.map(|cols| cols.map(|v| v.map_or_else(|| Cell::blank(None), n))),
            }),
            ..Report::default()
        }
    }

    #[test]
    fn metrics_table_is_in_enum_order() {
        assert_eq!(METRICS.len(), MetricKey::ALL.len());
        for (i, k) in MetricKey::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
            assert_eq!(METRICS[i].key, *k);
            assert_eq!(MetricKey::from_key(k.key()), Some(*k));
            // The serde name and the stable key agree.
            assert_eq!(serde_json::to_value(k).unwrap(), k.key());
        }
        assert_eq!(MetricKey::from_key("nope"), None);
    }

    #[test]
    fn request_metrics_exact() {
        use RequestRowKey::*;
        // Seed 001 (辉县市人民政府 2021): 18 + 12 of 66; 不予公开 1 + 2; 无法提供 26.
        let t = requests(
            true,
            &[
                (NewReceived, n(75)),
                (CarriedOver, n(0)),
                (Granted, n(18)),
                (PartiallyGranted, n(12)),
                (DeniedThirdPartyRights, n(1)),
                (DeniedInternalAffairs, n(2)),
                (UnableNotHeld, n(26)),
                (NotProcessedRepeated, n(2)),
                (OtherOther, n(5)),
                (TotalProcessed, n(66)),
                (CarriedForward, n(9)),
            ],
        );
        let m = Metrics::of(&report(Some(t), None));
        assert_eq!(m.received, Some(75));
        assert_eq!(m.carried_over, Some(0));
        assert_eq!(m.carried_forward, Some(9));
        assert_eq!(m.processed, Some(66));
        assert_eq!(m.disclosure_rate, Some(30.0 / 66.0));
        assert_eq!(m.refusal_rate, Some(3.0 / 66.0));
        assert_eq!(m.unavailable_rate, Some(26.0 / 66.0));
        assert_eq!(m.review_total, None);
        assert_eq!(m.review_correction_rate, None);
        assert_eq!(
            m.value(MetricKey::DisclosureRate),
            Some(MetricValue::Rate(30.0 / 66.0))
        );
        assert_eq!(m.value(MetricKey::Received), Some(MetricValue::Count(75)));
    }

    #[test]
    fn edition_2019_layout_is_handled() {
        use RequestRowKey::*;
        // （六）其他处理 as one row; （三）and（四）are the same sub-rows in both editions.
        let t = requests(
            false,
            &[
                (Granted, n(3)),
                (DeniedStateSecret, n(1)),
                (UnableNeedsCreation, n(2)),
                (UnableStillUnclear, n(1)),
                (OtherHandling, n(3)),
                (TotalProcessed, n(10)),
            ],
        );
        assert!(!t.splits_other_handling());
        let m = Metrics::of(&report(Some(t), None));
        assert_eq!(m.disclosure_rate, Some(0.3));
        assert_eq!(m.refusal_rate, Some(0.1));
        assert_eq!(m.unavailable_rate, Some(0.3));
    }

    #[test]
    fn blank_is_not_zero() {
        use RequestRowKey::*;
        // A blank sub-row of （三） makes the refusal rate unknown, not "as if 0".
        let t = requests(
            true,
            &[
                (Granted, n(4)),
                (DeniedStateSecret, Cell::blank(None)),
                (TotalProcessed, n(8)),
            ],
        );
        let m = Metrics::of(&report(Some(t), None));
        assert_eq!(m.disclosure_rate, Some(0.5));
        assert_eq!(m.refusal_rate, None);
        assert_eq!(m.unavailable_rate, Some(0.0));

        // A blank 部分公开 blanks the disclosure rate; an invalid or negative total blanks all.
        let t = requests(
            true,
            &[
                (PartiallyGranted, Cell::blank(None)),
                (TotalProcessed, n(8)),
            ],
        );
        assert_eq!(Metrics::of(&report(Some(t), None)).disclosure_rate, None);
        for bad in [
            Cell {
                value: Some(Value::Invalid("若干".into())),
                ..Cell::default()
            },
            n(-3),
            Cell::not_found(),
        ] {
            let t = requests(true, &[(TotalProcessed, bad)]);
            let m = Metrics::of(&report(Some(t), None));
            assert_eq!(m.processed, None);
            assert_eq!(m.disclosure_rate, None);
            assert_eq!(m.refusal_rate, None);
        }
    }

    #[test]
    fn missing_row_is_not_zero() {
        let mut t = requests(true, &[(RequestRowKey::TotalProcessed, n(5))]);
        t.rows
            .retain(|r| r.key != RequestRowKey::DeniedEnforcementFile);
        let m = Metrics::of(&report(Some(t), None));
        assert_eq!(m.refusal_rate, None);
        assert_eq!(m.disclosure_rate, Some(0.0));
    }

    #[test]
    fn zero_denominator_gives_none() {
        let t = requests(true, &[]);
        let m = Metrics::of(&report(Some(t), Some([[Some(0); 5]; 3])));
        assert_eq!(m.processed, Some(0));
        assert_eq!(m.disclosure_rate, None);
        assert_eq!(m.refusal_rate, None);
        assert_eq!(m.review_total, Some(0));
        assert_eq!(m.review_concluded, Some(0));
        assert_eq!(m.review_correction_rate, None);
        assert_eq!(m.litigation_correction_rate, None);
    }

    #[test]
    fn review_and_litigation_exact() {
        // Columns: 维持, 纠正, 其他, 尚未审结, 总计.
        let m = Metrics::of(&report(
            None,
            Some([
                [Some(3), Some(1), Some(0), Some(2), Some(6)],
                [Some(1), Some(1), Some(1), Some(1), Some(4)],
                [Some(2), Some(0), Some(3), Some(0), Some(5)],
            ]),
        ));
        assert_eq!(m.received, None);
        assert_eq!(m.review_total, Some(6));
        assert_eq!(m.review_corrected, Some(1));
        // Pending cases are not in the denominator: 1 ÷ (3 + 1 + 0).
        assert_eq!(m.review_concluded, Some(4));
        assert_eq!(m.review_correction_rate, Some(0.25));
        assert_eq!(m.litigation_total, Some(9));
        assert_eq!(m.litigation_corrected, Some(1));
        assert_eq!(m.litigation_concluded, Some(8));
        assert_eq!(m.litigation_correction_rate, Some(0.125));
    }

    #[test]
    fn review_blank_cells() {
        // A blank 其他结果 in the after-review group: concluded unknown, rate unknown,
        // but the totals that do not need it are still there.
        let m = Metrics::of(&report(
            None,
            Some([
                [Some(0), Some(2), Some(0), Some(0), Some(2)],
                [Some(0), Some(1), Some(1), Some(0), Some(2)],
                [Some(0), Some(0), None, Some(0), Some(0)],
            ]),
        ));
        assert_eq!(m.review_correction_rate, Some(1.0));
        assert_eq!(m.litigation_total, Some(2));
        assert_eq!(m.litigation_corrected, Some(1));
        assert_eq!(m.litigation_concluded, None);
        assert_eq!(m.litigation_correction_rate, None);
    }

    #[test]
    fn legacy_report_has_no_metrics() {
        let m = Metrics::of(&Report::default());
        assert_eq!(m, Metrics::default());
        assert!(m.values().all(|(_, v)| v.is_none()));
    }
}
