//! What the workspace's corpus pages ask (coverage by region, an agency's page, metrics
//! of a year): each one query that returns only identities, years, counts and metric
//! columns — never a stored report's JSON — and is narrowed in SQL to what a reader's
//! scope can hold. The narrowing is only a prefilter: the server still asks its access
//! policy about every row it shows.

use gongkai_gazetteer::{BodyKind, PlaceStatus};
use gongkai_model::access::Scope;
use gongkai_model::agency::Level;
use gongkai_model::Severity;

use crate::conn::Val;
use crate::enums::FindingScope;
use crate::metrics::metric_select_columns;
use crate::row::FromRow;
use crate::types::{Coverage, MetricRow};
use crate::{id_list, Store, StoreError};

/// An agency as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyPlace {
    pub id: i64,
    pub name: String,
    /// The unit's path as one name (河南省新乡市辉县市), or what a mapping gave.
    pub region: String,
    pub level: Level,
    pub region_code: Option<String>,
    /// `None` for an agency stored before places were kept and not yet placed.
    pub body: Option<BodyKind>,
    pub status: Option<PlaceStatus>,
}

/// A report's metrics with its agency's id (for the access check of each row).
#[derive(Clone, Debug, PartialEq)]
pub struct AgencyMetrics {
    pub agency_id: Option<i64>,
    pub metrics: MetricRow,
}

/// Where a report is, for the access check of a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportPlace {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub region_code: Option<String>,
}

/// How many findings of one scope and severity a report has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingCount {
    pub report_id: i64,
    /// Found by the cross-report rules.
    pub corpus: bool,
    pub severity: Severity,
    pub n: i64,
}

/// The condition (over `agencies a`) that keeps the agencies `scope` may hold, and
/// `region`'s subtree when given. An agency without a place is in no region: only the
/// whole-corpus scope keeps it (and then only without a region).
fn within(scope: &Scope, region: Option<&str>, params: &mut Vec<Val>) -> String {
    let like = |code: &str, params: &mut Vec<Val>| {
        crate::regional::region_condition(code, |v| {
            params.push(v);
            format!("${}", params.len())
        })
    };
    let mut parts = Vec::new();
    match scope {
        Scope::Everywhere => {}
        Scope::Regions(roots) if roots.is_empty() => parts.push("1 = 0".to_string()),
        Scope::Regions(roots) => {
            let any: Vec<String> = roots.iter().map(|r| like(r, params)).collect();
            parts.push(format!("({})", any.join(" OR ")));
        }
        Scope::Agency(id) => {
            params.push((*id).into());
            parts.push(format!("a.id = ${}", params.len()));
        }
    }
    if let Some(code) = region {
        parts.push(like(code, params));
    }
    if parts.is_empty() {
        "1 = 1".to_string()
    } else {
        parts.join(" AND ")
    }
}

impl Store {
    /// Agencies × years with a current report, for the agencies `scope` may hold in
    /// `region` (a unit code; everything below it), ordered by unit code and name
    /// (agencies without a place last).
    pub fn coverage_in(
        &mut self,
        scope: &Scope,
        region: Option<&str>,
    ) -> Result<Vec<Coverage>, StoreError> {
        let mut params = Vec::new();
        let cond = within(scope, region, &mut params);
        let rows = self.conn.query(
            &format!(
                "SELECT a.id, a.name, a.region, a.level, a.region_code, r.year
                 FROM agencies a JOIN reports r ON r.agency_id = a.id
                 WHERE r.is_current AND r.year IS NOT NULL AND {cond}
                 ORDER BY CASE WHEN a.region_code IS NULL THEN 1 ELSE 0 END, a.region_code,
                   a.name, a.id, r.year"
            ),
            &params,
        )?;
        crate::summary::coverage_of(rows)
    }

    /// One agency with its place.
    pub fn agency_place(&mut self, id: i64) -> Result<Option<AgencyPlace>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, name, region, level, region_code, body_kind, place_status
             FROM agencies WHERE id = $1",
            &[id.into()],
        )?;
        rows.into_iter()
            .next()
            .map(|mut r| {
                Ok(AgencyPlace {
                    id: r.get("id")?,
                    name: r.take("name")?,
                    region: r.take("region")?,
                    level: r.get("level")?,
                    region_code: r.take("region_code")?,
                    body: r.get("body_kind")?,
                    status: r.get("place_status")?,
                })
            })
            .transpose()
    }

    /// The number of findings of each report by scope and severity (counted by the
    /// database; no finding is decoded).
    pub fn finding_counts(&mut self, ids: &[i64]) -> Result<Vec<FindingCount>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.conn.query(
            &format!(
                "SELECT report_id, scope, severity, COUNT(*) AS n FROM findings
                 WHERE report_id IN ({}) GROUP BY report_id, scope, severity
                 ORDER BY report_id, scope, severity",
                id_list(ids)
            ),
            &[],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(FindingCount {
                    report_id: r.get("report_id")?,
                    corpus: r.get::<FindingScope>("scope")? == FindingScope::Corpus,
                    severity: r.get("severity")?,
                    n: r.get("n")?,
                })
            })
            .collect()
    }

    /// The current reports `scope` may hold in `region`, of `year` and `level` when
    /// given: their ids and places only (the columns before a report's stored reading,
    /// so no row's reading is read), for counting what an export will hold.
    pub fn report_places(
        &mut self,
        scope: &Scope,
        region: Option<&str>,
        year: Option<i32>,
        level: Option<Level>,
    ) -> Result<Vec<ReportPlace>, StoreError> {
        let mut params = Vec::new();
        let mut cond = within(scope, region, &mut params);
        if let Some(year) = year {
            params.push(year.into());
            cond.push_str(&format!(" AND r.year = ${}", params.len()));
        }
        if let Some(level) = level {
            params.push(level.into());
            cond.push_str(&format!(" AND a.level = ${}", params.len()));
        }
        let rows = self.conn.query(
            &format!(
                "SELECT r.id, r.agency_id, a.region_code
                 FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id
                 WHERE r.is_current AND {cond} ORDER BY r.id"
            ),
            &params,
        )?;
        rows.into_iter()
            .map(|mut r| {
                Ok(ReportPlace {
                    id: r.get("id")?,
                    agency_id: r.get("agency_id")?,
                    region_code: r.take("region_code")?,
                })
            })
            .collect()
    }

    /// The years with a current report among the agencies `scope` may hold in
    /// `region`, oldest first. Reports without an agency count only for the whole
    /// corpus (the `LEFT JOIN` keeps them, and only an empty condition lets them by).
    pub fn years_in(
        &mut self,
        scope: &Scope,
        region: Option<&str>,
    ) -> Result<Vec<i32>, StoreError> {
        let mut params = Vec::new();
        let cond = within(scope, region, &mut params);
        let rows = self.conn.query(
            &format!(
                "SELECT DISTINCT r.year FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id
                 WHERE r.is_current AND r.year IS NOT NULL AND {cond}
                 ORDER BY r.year"
            ),
            &params,
        )?;
        rows.iter().map(|r| r.get("year")).collect()
    }

    /// The metrics of the current reports of `year` whose agencies `scope` may hold in
    /// `region`, ordered by agency: one query over reports, agencies and metrics.
    pub fn metrics_in(
        &mut self,
        scope: &Scope,
        region: Option<&str>,
        year: i32,
    ) -> Result<Vec<AgencyMetrics>, StoreError> {
        let mut params: Vec<Val> = vec![year.into()];
        let cond = within(scope, region, &mut params);
        let columns = metric_select_columns();
        let rows = self.conn.query(
            &format!(
                "SELECT r.id, r.agency_id, a.name AS agency, a.region, a.region_code, a.level, r.year, {columns}
                 FROM reports r JOIN metrics m ON m.report_id = r.id
                   LEFT JOIN agencies a ON a.id = r.agency_id
                 WHERE r.is_current AND r.year = $1 AND {cond}
                 ORDER BY a.name, r.id"
            ),
            &params,
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(AgencyMetrics {
                    agency_id: r.get("agency_id")?,
                    metrics: MetricRow::from_row(r)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_become_conditions() {
        let mut p = Vec::new();
        assert_eq!(within(&Scope::Everywhere, None, &mut p), "1 = 1");
        assert!(p.is_empty());
        let s = Scope::Regions(vec!["4107".into(), "4103".into()]);
        assert_eq!(
            within(&s, Some("410782"), &mut p),
            "((a.region_code >= $1 AND a.region_code < $2) OR (a.region_code >= $3 AND a.region_code < $4)) \
             AND (a.region_code >= $5 AND a.region_code < $6)"
        );
        assert_eq!(
            p,
            ["4107", "4108", "4103", "4104", "410782", "410783"]
                .map(Val::from)
                .to_vec()
        );
        let mut p = vec![Val::Int(2021)];
        assert_eq!(within(&Scope::Agency(9), None, &mut p), "a.id = $2");
        assert_eq!(
            within(&Scope::Regions(Vec::new()), None, &mut Vec::new()),
            "1 = 0"
        );
    }
}
