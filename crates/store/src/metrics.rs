//! Metrics: one row per report, one column per metric ([`MetricKey`]), read with the
//! report's identity for summaries and rankings.

use std::collections::{BTreeMap, HashMap};

use gongkai_model::metrics::MetricKey;

use crate::conn::Val;
use crate::row::{FromRow, Row};
use crate::types::{Filter, MetricRow};
use crate::{id_list, Store, StoreError};

/// The metrics stored, one column each, named by the metric's key.
pub(crate) const METRIC_COLUMNS: [MetricKey; 15] = MetricKey::ALL;

/// The values of `metrics` (key → value) in the order of [`METRIC_COLUMNS`]; NULL for
/// a metric not given or without a value.
pub(crate) fn metric_values(metrics: &[(String, Option<f64>)]) -> impl Iterator<Item = Val> + '_ {
    METRIC_COLUMNS.iter().map(|m| {
        metrics
            .iter()
            .find(|(k, _)| k == m.key())
            .and_then(|(_, v)| *v)
            .map_or(Val::Null, Val::Real)
    })
}

/// `m.received, m.carried_over, …`: every metric column of `metrics m`.
pub(crate) fn metric_select_columns() -> String {
    METRIC_COLUMNS
        .iter()
        .map(|m| format!("m.{}", m.key()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A report's metrics from a row with its identity (`id`, `agency`, `region`,
/// `region_code`, `level`, `year`) and [`metric_select_columns`].
impl FromRow for MetricRow {
    fn from_row(mut r: Row) -> Result<MetricRow, StoreError> {
        let mut row = MetricRow {
            report_id: r.get("id")?,
            agency: r.take("agency")?,
            region: r.take("region")?,
            region_code: r.take("region_code")?,
            level: r.get("level")?,
            year: r.get("year")?,
            values: BTreeMap::new(),
        };
        for m in METRIC_COLUMNS {
            row.values.insert(m.key().to_string(), r.get(m.key())?);
        }
        Ok(row)
    }
}

impl Store {
    /// The metrics of every current report, ordered by agency and year.
    pub fn metrics(&mut self) -> Result<Vec<MetricRow>, StoreError> {
        self.metrics_of(None)
    }

    /// The metrics of the given reports (every current report when `None`), ordered by
    /// agency and year. Two queries rather than one join: the report's identity once per
    /// report, not once per metric.
    pub fn metrics_of(&mut self, ids: Option<&[i64]>) -> Result<Vec<MetricRow>, StoreError> {
        let reports = self.reports(&Filter {
            all_versions: ids.is_some(),
            ids: ids.map(<[i64]>::to_vec),
            ..Filter::default()
        })?;
        let mut out: Vec<MetricRow> = Vec::with_capacity(reports.len());
        let mut index: HashMap<i64, usize> = HashMap::with_capacity(reports.len());
        for r in reports {
            index.insert(r.id, out.len());
            out.push(MetricRow {
                report_id: r.id,
                agency: r.agency,
                region: r.region,
                region_code: r.region_code,
                level: r.level,
                year: r.year,
                values: BTreeMap::new(),
            });
        }
        let columns = metric_select_columns();
        let sql = match ids {
            Some([]) => return Ok(Vec::new()),
            Some(ids) => format!(
                "SELECT m.report_id, {columns} FROM metrics m WHERE m.report_id IN ({})",
                id_list(ids)
            ),
            None => format!(
                "SELECT m.report_id, {columns} FROM metrics m
                 JOIN reports r ON r.id = m.report_id WHERE r.is_current"
            ),
        };
        for r in self.conn.query(&sql, &[])? {
            let Some(&i) = index.get(&r.get("report_id")?) else {
                continue;
            };
            for m in METRIC_COLUMNS {
                out[i].values.insert(m.key().to_string(), r.get(m.key())?);
            }
        }
        out.retain(|m| !m.values.is_empty());
        Ok(out)
    }
}
