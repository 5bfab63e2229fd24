//! One region's reports (a unit's statistical code and everything under it), read from
//! the agencies' unit-code index rather than by reading the whole corpus: what a
//! region's coverage and summary need, at a national corpus's size.
//!
//! A unit's code is a prefix of the codes under it (`4107` → `410782`), so a region is
//! a range of codes: `region_code >= '4107' AND region_code < '4108'`, which the index
//! `agencies_region_code` answers on both backends (`LIKE '4107%'` is answered by
//! scanning every agency under PostgreSQL's usual collations).

use gongkai_gazetteer::PlaceStatus;
use gongkai_model::ReadingStatus;

use crate::agencies::{place_of, AGENCY_PLACE_COLUMNS};
use crate::conn::Val;
use crate::metrics::metric_select_columns;
use crate::reports::REPORT_ROW_COLUMNS;
use crate::summary::coverage_of;
use crate::types::{AgencyInfo, Coverage, MetricRow, ReportRow};
use crate::{Store, StoreError};

/// The codes starting with `prefix`, as the bounds of a range: `[prefix, next)` where
/// `next` is `prefix` with its last character increased (codes are digits).
pub(crate) fn code_range(prefix: &str) -> (String, String) {
    let mut next: Vec<char> = prefix.chars().collect();
    if let Some(last) = next.pop() {
        next.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
    }
    (prefix.to_string(), next.into_iter().collect())
}

/// `(a.region_code >= low AND a.region_code < high)` for the codes starting with
/// `prefix`, the bounds bound by `bind` (which returns each one's placeholder): the
/// condition every region filter uses, answered by the index. An empty prefix is every
/// placed agency.
pub(crate) fn region_condition(prefix: &str, mut bind: impl FnMut(Val) -> String) -> String {
    if prefix.is_empty() {
        return "a.region_code IS NOT NULL".to_string();
    }
    let (low, high) = code_range(prefix);
    let low = bind(low.into());
    let high = bind(high.into());
    format!("(a.region_code >= {low} AND a.region_code < {high})")
}

/// ` AND a.region_code >= $n AND a.region_code < $n+1` for `region`, its bounds pushed
/// onto `params`; nothing for the whole corpus.
fn in_region(region: Option<&str>, params: &mut Vec<Val>) -> String {
    match region.filter(|r| !r.is_empty()) {
        None => String::new(),
        Some(prefix) => {
            let (low, high) = code_range(prefix);
            params.push(low.into());
            params.push(high.into());
            format!(
                " AND a.region_code >= ${} AND a.region_code < ${}",
                params.len() - 1,
                params.len()
            )
        }
    }
}

impl Store {
    /// [`Store::coverage`] of the agencies in `region` (all when `None`).
    pub fn region_coverage(&mut self, region: Option<&str>) -> Result<Vec<Coverage>, StoreError> {
        let mut params = Vec::new();
        let filter = in_region(region, &mut params);
        let rows = self.conn.query(
            &format!(
                "SELECT a.id, a.name, a.region, a.level, r.year, a.region_code
                 FROM agencies a JOIN reports r ON r.agency_id = a.id
                 WHERE r.is_current AND r.year IS NOT NULL{filter}
                 ORDER BY a.region, a.name, r.year"
            ),
            &params,
        )?;
        coverage_of(rows)
    }

    /// [`Store::metrics`] of the current reports of agencies in `region` (all when
    /// `None`), ordered by agency and year; one query.
    pub fn region_metrics(&mut self, region: Option<&str>) -> Result<Vec<MetricRow>, StoreError> {
        let mut params = Vec::new();
        let filter = in_region(region, &mut params);
        let columns = metric_select_columns();
        let join = if filter.is_empty() {
            "LEFT JOIN"
        } else {
            "JOIN"
        };
        self.conn.query_as(
            &format!(
                "SELECT r.id, a.name AS agency, a.region, a.region_code, a.level, r.year, {columns}
                 FROM metrics m JOIN reports r ON r.id = m.report_id
                 {join} agencies a ON a.id = r.agency_id
                 WHERE r.is_current{filter}
                 ORDER BY a.name, r.year, r.version, r.id"
            ),
            &params,
        )
    }

    /// Current reports by reading status (`None`: not yet known), of agencies in
    /// `region` (every current report when `None`).
    pub fn region_reading_counts(
        &mut self,
        region: Option<&str>,
    ) -> Result<Vec<(Option<ReadingStatus>, i64)>, StoreError> {
        let mut params = Vec::new();
        let filter = in_region(region, &mut params);
        let join = if filter.is_empty() {
            "LEFT JOIN"
        } else {
            "JOIN"
        };
        self.conn
            .query(
                &format!(
                    "SELECT r.reading, COUNT(*) AS n
                     FROM reports r {join} agencies a ON a.id = r.agency_id
                     WHERE r.is_current{filter} GROUP BY r.reading"
                ),
                &params,
            )?
            .into_iter()
            .map(|r| Ok((r.get("reading")?, r.get("n")?)))
            .collect()
    }

    /// The agencies a region's coverage looks at: those placed in `region`, and every
    /// agency whose place is not resolved to one unit (it may be in the region), with
    /// their ids.
    pub fn agencies_for_region(
        &mut self,
        region: &str,
    ) -> Result<Vec<(i64, AgencyInfo)>, StoreError> {
        let columns = prefixed(AGENCY_PLACE_COLUMNS);
        let mut placed = Vec::new();
        let filter = in_region(Some(region), &mut placed);
        let queries = [
            (
                format!("SELECT a.id, a.name, a.placement, {columns} FROM agencies a WHERE 1 = 1{filter}"),
                placed,
            ),
            (
                // The condition of the partial index `agencies_unplaced` (migration 9),
                // word for word, so that both backends use it.
                format!(
                    "SELECT a.id, a.name, a.placement, {columns} FROM agencies a
                     WHERE place_status IS NULL OR place_status <> '{}'",
                    PlaceStatus::Resolved.key()
                ),
                Vec::new(),
            ),
        ];
        let mut out = Vec::new();
        for (sql, params) in queries {
            for mut r in self.conn.query(&sql, &params)? {
                let id: i64 = r.get("id")?;
                out.push((
                    id,
                    AgencyInfo {
                        name: r.take("name")?,
                        placement: r.get("placement")?,
                        place: place_of(&mut r)?,
                    },
                ));
            }
        }
        // By name, as [`Store::agencies`] lists them; an agency in the region whose place
        // is not resolved (none should be) is in both lists.
        out.sort_by(|(a, x), (b, y)| (&x.name, a).cmp(&(&y.name, b)));
        out.dedup_by_key(|(id, _)| *id);
        Ok(out)
    }

    /// The current reports of `year` of the agencies [`Store::agencies_for_region`]
    /// gives, ordered by agency, year and version.
    pub fn reports_for_region(
        &mut self,
        region: &str,
        year: i32,
    ) -> Result<Vec<ReportRow>, StoreError> {
        let mut params: Vec<Val> = vec![year.into()];
        let filter = in_region(Some(region), &mut params);
        params.push(PlaceStatus::Resolved.into());
        let status = params.len();
        self.conn.query_as(
            &format!(
                "SELECT * FROM (
                   SELECT {REPORT_ROW_COLUMNS}
                   FROM reports r JOIN agencies a ON a.id = r.agency_id
                   WHERE r.is_current AND r.year = $1{filter}
                   UNION ALL
                   SELECT {REPORT_ROW_COLUMNS}
                   FROM reports r JOIN agencies a ON a.id = r.agency_id
                   WHERE r.is_current AND r.year = $1
                     AND (a.place_status IS NULL OR a.place_status <> ${status})
                     AND NOT (a.region_code IS NOT NULL{filter})
                 ) u ORDER BY u.agency, u.year, u.version, u.id"
            ),
            &params,
        )
    }
}

/// `a.x, a.y, …` of a column list.
fn prefixed(columns: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_a_range_of_codes() {
        assert_eq!(code_range("4107"), ("4107".into(), "4108".into()));
        assert_eq!(code_range("4109"), ("4109".into(), "410:".into()));
        let (low, high) = code_range("4109");
        for code in ["4109", "410900", "410999999"] {
            assert!(code >= low.as_str() && code < high.as_str(), "{code}");
        }
        for code in ["4108", "410899", "4110", "41"] {
            assert!(!(code >= low.as_str() && code < high.as_str()), "{code}");
        }
    }
}
