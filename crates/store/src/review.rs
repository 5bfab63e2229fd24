//! What reviewers list: reports with their findings counted by severity and their
//! decision state, and findings across agencies with their latest decision — filtered,
//! sorted and paginated in SQL, so that a list of a 10,000-report corpus answers from
//! indexes and a page's worth of rows, never by decoding every report.
//!
//! A decision is kept by `(agency_id, year, finding_key)`: the key of a finding
//! ([`finding_key`]) is stored with it (migration 0007), so that "undecided", "all
//! decided" and "has a confirmed finding" are joins, not a decoding of every finding.
//!
//! Scope: the user's [`Scope`] is pushed into the query with the same meaning as
//! [`Scope::covers`] (an unplaced agency is in no region; agency staff see one agency),
//! so pages and counts are of what the user may see. The server still asks its policy
//! of every row it shows.

use gongkai_model::access::{Scope, Verdict};
use gongkai_model::agency::Level;
use gongkai_model::{CellRef, Finding, FindingKind, ReadingStatus, Severity, SourceFormat};
use sha2::{Digest, Sha256};

use crate::conn::Val;
use crate::enums::FindingScope;
use crate::reports::REPORT_ROW_COLUMNS;
use crate::row::{FromRow, Row};
use crate::types::ReportRow;
use crate::{id_list, Store, StoreError};

/// The identity of a finding for decisions: SHA-256 (hex) over the rule, the cells it
/// points at (sorted) and the messages (its own and its labels', which carry the
/// values). Where it points in the source is left out — a new version may print the
/// same table on another page — so a decision stays with a finding across re-checks
/// and versions while the finding is the same, and lapses when it changes.
pub fn finding_key(finding: &Finding) -> String {
    let mut cells: Vec<String> = finding
        .labels
        .iter()
        .filter_map(|l| l.cell.as_ref())
        .map(cell_key)
        .collect();
    cells.sort();
    cells.dedup();
    let mut labels: Vec<&str> = finding.labels.iter().map(|l| l.message.as_str()).collect();
    labels.sort_unstable();
    let mut h = Sha256::new();
    // Fields are length-prefixed so that no two different findings run together into
    // the same bytes.
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(&finding.code);
    field(&finding.message);
    field(&cells.len().to_string());
    for c in &cells {
        field(c);
    }
    field(&labels.len().to_string());
    for l in labels {
        field(l);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn cell_key(c: &CellRef) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

/// Reports by the severity of their findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeverityFilter {
    /// At least one finding of this severity.
    Has(Severity),
    /// No finding at all.
    Clean,
}

/// Reports by the decisions on their findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionFilter {
    /// At least one finding without a decision.
    Undecided,
    /// Findings, every one decided.
    AllDecided,
    /// At least one finding whose latest decision confirms it.
    HasConfirmed,
}

/// How a report list is ordered (every order ends with the report id, so pages are
/// stable).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReportSort {
    /// Agency name, year, version.
    #[default]
    Agency,
    Year,
    /// Region code, then agency name.
    Region,
    /// Number of error findings.
    Errors,
    /// Number of findings.
    Findings,
    /// When it was stored.
    Ingested,
}

/// Which reports to list, in what order, which page.
#[derive(Clone, Debug)]
pub struct ReportQuery {
    /// The user's scope: only reports it covers.
    pub scope: Scope,
    /// Agencies in this unit or below (a code prefix).
    pub region_code: Option<String>,
    pub level: Option<Level>,
    pub year: Option<i32>,
    pub reading: Option<ReadingStatus>,
    /// How the report was published (`Image`: a scan, read by OCR).
    pub format: Option<SourceFormat>,
    pub severity: Option<SeverityFilter>,
    pub decision: Option<DecisionFilter>,
    /// Agency names containing this text.
    pub agency: Option<String>,
    /// Every version, not only the current one of each report.
    pub all_versions: bool,
    pub sort: ReportSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

impl ReportQuery {
    /// Everything in `scope`, first page of `limit`.
    pub fn new(scope: Scope, limit: i64) -> ReportQuery {
        ReportQuery {
            scope,
            region_code: None,
            level: None,
            year: None,
            reading: None,
            format: None,
            severity: None,
            decision: None,
            agency: None,
            all_versions: false,
            sort: ReportSort::Agency,
            descending: false,
            offset: 0,
            limit,
        }
    }
}

/// A listed report: its row, its findings counted by severity and by latest decision.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportListRow {
    pub report: ReportRow,
    pub errors: i64,
    pub warnings: i64,
    pub infos: i64,
    /// Findings without a decision.
    pub undecided: i64,
    /// Findings whose latest decision confirms them.
    pub confirmed: i64,
    pub dismissed: i64,
}

impl ReportListRow {
    pub fn findings(&self) -> i64 {
        self.errors + self.warnings + self.infos
    }
}

/// One page of a list, with the number of rows of all pages.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub total: i64,
    pub rows: Vec<T>,
}

/// Findings by their latest decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingDecisionFilter {
    Undecided,
    Decided,
    Confirmed,
    Dismissed,
}

/// How a findings list is ordered (ending with the finding's id).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FindingSort {
    /// Agency, year, rule.
    #[default]
    Agency,
    /// Rule code, agency.
    Rule,
    /// Errors first, then warnings, then notes.
    Severity,
    Year,
    /// When last decided (undecided last).
    Decided,
}

/// Which findings to list.
#[derive(Clone, Debug)]
pub struct FindingQuery {
    pub scope: Scope,
    /// Rule code.
    pub rule: Option<String>,
    pub severity: Option<Severity>,
    pub kind: Option<FindingKind>,
    pub region_code: Option<String>,
    pub year: Option<i32>,
    pub agency: Option<String>,
    pub decision: Option<FindingDecisionFilter>,
    pub sort: FindingSort,
    pub descending: bool,
    pub offset: i64,
    /// `None`: every row (an export).
    pub limit: Option<i64>,
}

impl FindingQuery {
    pub fn new(scope: Scope, limit: Option<i64>) -> FindingQuery {
        FindingQuery {
            scope,
            rule: None,
            severity: None,
            kind: None,
            region_code: None,
            year: None,
            agency: None,
            decision: None,
            sort: FindingSort::Agency,
            descending: false,
            offset: 0,
            limit,
        }
    }
}

/// The latest decision on a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestDecision {
    pub verdict: Verdict,
    pub comment: String,
    pub user_name: String,
    pub decided_at: i64,
    /// The report (version) it was made on.
    pub report_id: i64,
}

/// A finding of a current report, listed across agencies (no JSON decoded: labels and
/// notes are in the report view).
#[derive(Clone, Debug, PartialEq)]
pub struct FindingListRow {
    pub finding_id: i64,
    pub report_id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    pub region: Option<String>,
    pub region_code: Option<String>,
    pub year: Option<i32>,
    pub code: String,
    pub name: String,
    pub kind: FindingKind,
    pub severity: Severity,
    pub message: String,
    /// Found by the cross-report rules.
    pub corpus: bool,
    pub finding_key: String,
    pub decision: Option<LatestDecision>,
}

impl FromRow for FindingListRow {
    fn from_row(mut r: Row) -> Result<FindingListRow, StoreError> {
        let verdict: Option<Verdict> = r.get("verdict")?;
        let decision = match verdict {
            Some(verdict) => Some(LatestDecision {
                verdict,
                comment: r.take("comment")?,
                user_name: r.take::<Option<String>>("decided_by")?.unwrap_or_default(),
                decided_at: r.get("decided_at")?,
                report_id: r.get("decided_report_id")?,
            }),
            None => None,
        };
        Ok(FindingListRow {
            finding_id: r.get("finding_id")?,
            report_id: r.get("report_id")?,
            agency_id: r.get("agency_id")?,
            agency: r.take("agency")?,
            region: r.take("region")?,
            region_code: r.take("region_code")?,
            year: r.get("year")?,
            code: r.take("code")?,
            name: r.take("name")?,
            kind: r.get("kind")?,
            severity: r.get("severity")?,
            message: r.take("message")?,
            corpus: r.get::<FindingScope>("scope")? == FindingScope::Corpus,
            finding_key: r.take::<Option<String>>("finding_key")?.unwrap_or_default(),
            decision,
        })
    }
}

/// The latest decision's id on finding `f` of report `r`: decisions are append-only,
/// the newest with the finding's key is the one in force.
const LATEST_DECISION: &str = "(SELECT MAX(d2.id) FROM decisions d2
    WHERE d2.agency_id = r.agency_id AND d2.year = r.year AND d2.finding_key = f.finding_key)";

/// A query's WHERE clause under construction, with its parameters.
struct Where {
    sql: String,
    params: Vec<Val>,
}

impl Where {
    fn new(current_only: bool) -> Where {
        Where {
            sql: if current_only {
                " WHERE r.is_current".into()
            } else {
                " WHERE 1 = 1".into()
            },
            params: Vec::new(),
        }
    }

    /// The next parameter's placeholder, `v` bound to it.
    fn bind(&mut self, v: impl Into<Val>) -> String {
        self.params.push(v.into());
        format!("${}", self.params.len())
    }

    fn and(&mut self, clause: &str) {
        self.sql.push_str(" AND ");
        self.sql.push_str(clause);
    }

    /// The user's scope, as [`Scope::covers`] reads it.
    fn scope(&mut self, scope: &Scope) {
        match scope {
            Scope::Everywhere => {}
            Scope::Agency(id) => {
                let p = self.bind(*id);
                self.and(&format!("r.agency_id = {p}"));
            }
            Scope::Regions(roots) if roots.is_empty() => self.and("1 = 0"),
            Scope::Regions(roots) => {
                let parts: Vec<String> = roots
                    .iter()
                    .map(|root| crate::regional::region_condition(root, |v| self.bind(v)))
                    .collect();
                self.and(&format!("({})", parts.join(" OR ")));
            }
        }
    }

    fn region(&mut self, code: &Option<String>) {
        if let Some(code) = code {
            let condition = crate::regional::region_condition(code, |v| self.bind(v));
            self.and(&condition);
        }
    }

    fn agency(&mut self, text: &Option<String>) {
        if let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let p = self.bind(format!("%{}%", like_escape(text)));
            self.and(&format!("a.name LIKE {p} ESCAPE '\\'"));
        }
    }
}

/// `text` matched literally by LIKE: its `%`, `_` and `\` escaped with `\`.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `ORDER BY` terms with NULLs last on both backends (SQLite puts them first, PostgreSQL
/// last, when ascending).
fn nulls_last(expr: &str, descending: bool) -> String {
    let dir = if descending { "DESC" } else { "ASC" };
    format!("({expr} IS NULL), {expr} {dir}")
}

impl Store {
    /// A page of reports matching `q`, with the number of all that match.
    pub fn report_page(&mut self, q: &ReportQuery) -> Result<Page<ReportListRow>, StoreError> {
        let mut w = Where::new(!q.all_versions);
        w.scope(&q.scope);
        w.region(&q.region_code);
        w.agency(&q.agency);
        if let Some(level) = q.level {
            let p = w.bind(level);
            w.and(&format!("a.level = {p}"));
        }
        if let Some(year) = q.year {
            let p = w.bind(year);
            w.and(&format!("r.year = {p}"));
        }
        if let Some(reading) = q.reading {
            let p = w.bind(reading);
            w.and(&format!("r.reading = {p}"));
        }
        if let Some(format) = q.format {
            let p = w.bind(format);
            w.and(&format!("r.format = {p}"));
        }
        match q.severity {
            None => {}
            Some(SeverityFilter::Has(s)) => {
                let p = w.bind(s);
                w.and(&format!(
                    "EXISTS (SELECT 1 FROM findings f WHERE f.report_id = r.id AND f.severity = {p})"
                ));
            }
            Some(SeverityFilter::Clean) => {
                w.and("NOT EXISTS (SELECT 1 FROM findings f WHERE f.report_id = r.id)")
            }
        }
        match q.decision {
            None => {}
            Some(DecisionFilter::Undecided) => w.and(UNDECIDED_EXISTS),
            Some(DecisionFilter::AllDecided) => w.and(&format!(
                "EXISTS (SELECT 1 FROM findings f WHERE f.report_id = r.id) AND NOT {UNDECIDED_EXISTS}"
            )),
            Some(DecisionFilter::HasConfirmed) => {
                let p = w.bind(Verdict::Confirmed);
                w.and(&format!(
                    "EXISTS (SELECT 1 FROM findings f JOIN decisions d ON d.id = {LATEST_DECISION}
                     WHERE f.report_id = r.id AND d.verdict = {p})"
                ));
            }
        }
        let from = " FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id";
        let total: i64 = self.conn.query_value(
            &format!("SELECT COUNT(*) AS n{from}{}", w.sql),
            &w.params,
            "n",
        )?;
        let d = q.descending;
        let count = |severity: Option<Severity>| match severity {
            Some(s) => format!(
                "(SELECT COUNT(*) FROM findings f WHERE f.report_id = r.id AND f.severity = '{}')",
                s.as_str()
            ),
            None => "(SELECT COUNT(*) FROM findings f WHERE f.report_id = r.id)".into(),
        };
        let dir = if d { "DESC" } else { "ASC" };
        // Counts sort the most first unless reversed.
        let most = if d { "ASC" } else { "DESC" };
        let order = match q.sort {
            ReportSort::Agency => format!(
                "{}, {}, r.version {dir}",
                nulls_last("a.name", d),
                nulls_last("r.year", d)
            ),
            ReportSort::Year => format!("{}, {}", nulls_last("r.year", d), nulls_last("a.name", d)),
            ReportSort::Region => format!(
                "{}, {}, {}",
                nulls_last("a.region_code", d),
                nulls_last("a.name", d),
                nulls_last("r.year", d)
            ),
            ReportSort::Errors => format!(
                "{} {most}, {} {most}, {}",
                count(Some(Severity::Error)),
                count(None),
                nulls_last("a.name", false)
            ),
            ReportSort::Findings => {
                format!("{} {most}, {}", count(None), nulls_last("a.name", false))
            }
            ReportSort::Ingested => format!("r.ingested_at {dir}"),
        };
        // Two steps: the page's ids ordered from narrow columns (the indexes of
        // migration 0007 cover them), then those rows whole. Sorting whole rows would
        // read every report's columns, stored after its reading's large blob.
        let mut params = w.params.clone();
        params.push(q.limit.max(0).into());
        params.push(q.offset.max(0).into());
        let sql = format!(
            "SELECT r.id{from}{} ORDER BY {order}, r.id {dir} LIMIT ${} OFFSET ${}",
            w.sql,
            params.len() - 1,
            params.len()
        );
        let ids: Vec<i64> = self
            .conn
            .query(&sql, &params)?
            .iter()
            .map(|r| r.get("id"))
            .collect::<Result<_, _>>()?;
        let mut reports: Vec<ReportRow> = if ids.is_empty() {
            Vec::new()
        } else {
            self.conn.query_as(
                &format!(
                    "SELECT {REPORT_ROW_COLUMNS}{from} WHERE r.id IN ({})",
                    id_list(&ids)
                ),
                &[],
            )?
        };
        reports.sort_by_key(|r| ids.iter().position(|&id| id == r.id));
        let mut rows: Vec<ReportListRow> = reports
            .into_iter()
            .map(|report| ReportListRow {
                report,
                errors: 0,
                warnings: 0,
                infos: 0,
                undecided: 0,
                confirmed: 0,
                dismissed: 0,
            })
            .collect();
        if !ids.is_empty() {
            // The page's findings, one row each with its latest verdict: a few hundred
            // rows at most, counted here.
            let found = self.conn.query(
                &format!(
                    "SELECT f.report_id, f.severity, d.verdict
                     FROM findings f JOIN reports r ON r.id = f.report_id
                     LEFT JOIN decisions d ON d.id = {LATEST_DECISION}
                     WHERE f.report_id IN ({})",
                    id_list(&ids)
                ),
                &[],
            )?;
            for f in found {
                let id: i64 = f.get("report_id")?;
                let Some(row) = rows.iter_mut().find(|r| r.report.id == id) else {
                    continue;
                };
                match f.get::<Severity>("severity")? {
                    Severity::Error => row.errors += 1,
                    Severity::Warning => row.warnings += 1,
                    Severity::Info => row.infos += 1,
                }
                match f.get::<Option<Verdict>>("verdict")? {
                    None => row.undecided += 1,
                    Some(Verdict::Confirmed) => row.confirmed += 1,
                    Some(Verdict::Dismissed) => row.dismissed += 1,
                }
            }
        }
        Ok(Page { total, rows })
    }

    /// The years that current reports are of, ascending (for a list's year choice).
    pub fn report_years(&mut self) -> Result<Vec<i32>, StoreError> {
        self.conn
            .query(
                "SELECT DISTINCT year FROM reports WHERE is_current AND year IS NOT NULL ORDER BY year",
                &[],
            )?
            .iter()
            .map(|r| r.get("year"))
            .collect()
    }

    /// A page of the findings of current reports matching `q`, with their latest
    /// decisions, and the number of all that match.
    pub fn finding_page(&mut self, q: &FindingQuery) -> Result<Page<FindingListRow>, StoreError> {
        let mut w = Where::new(true);
        w.and("f.report_id = r.id");
        w.scope(&q.scope);
        w.region(&q.region_code);
        w.agency(&q.agency);
        if let Some(rule) = q.rule.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            let p = w.bind(rule);
            w.and(&format!("f.code = {p}"));
        }
        if let Some(s) = q.severity {
            let p = w.bind(s);
            w.and(&format!("f.severity = {p}"));
        }
        if let Some(k) = q.kind {
            let p = w.bind(k);
            w.and(&format!("f.kind = {p}"));
        }
        if let Some(year) = q.year {
            let p = w.bind(year);
            w.and(&format!("r.year = {p}"));
        }
        match q.decision {
            None => {}
            Some(FindingDecisionFilter::Undecided) => w.and("d.id IS NULL"),
            Some(FindingDecisionFilter::Decided) => w.and("d.id IS NOT NULL"),
            Some(FindingDecisionFilter::Confirmed) => {
                let p = w.bind(Verdict::Confirmed);
                w.and(&format!("d.verdict = {p}"));
            }
            Some(FindingDecisionFilter::Dismissed) => {
                let p = w.bind(Verdict::Dismissed);
                w.and(&format!("d.verdict = {p}"));
            }
        }
        // Current reports first, each one's findings by the covering index: SQLite's
        // planner, left to itself, scans the findings table (rows with their JSON). On
        // PostgreSQL a CROSS JOIN with the condition in WHERE is the same inner join.
        // The latest decision is joined only where a filter or the order needs it.
        let decided = format!(" LEFT JOIN decisions d ON d.id = {LATEST_DECISION}");
        let base =
            " FROM reports r CROSS JOIN findings f LEFT JOIN agencies a ON a.id = r.agency_id";
        let from = format!("{base}{decided}");
        let narrow = if q.decision.is_some() || q.sort == FindingSort::Decided {
            from.clone()
        } else {
            base.to_string()
        };
        let total: i64 = self.conn.query_value(
            &format!("SELECT COUNT(*) AS n{narrow}{}", w.sql),
            &w.params,
            "n",
        )?;
        let d = q.descending;
        let dir = if d { "DESC" } else { "ASC" };
        let severity_rank = "CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END";
        let order = match q.sort {
            FindingSort::Agency => format!(
                "{}, {}, f.code {dir}",
                nulls_last("a.name", d),
                nulls_last("r.year", d)
            ),
            FindingSort::Rule => format!("f.code {dir}, {}", nulls_last("a.name", d)),
            FindingSort::Severity => format!(
                "{severity_rank} {dir}, f.code {dir}, {}",
                nulls_last("a.name", d)
            ),
            FindingSort::Year => {
                format!("{}, {}", nulls_last("r.year", d), nulls_last("a.name", d))
            }
            // Most recent first unless reversed; undecided last either way.
            FindingSort::Decided => format!(
                "(d.decided_at IS NULL), d.decided_at {}",
                if d { "ASC" } else { "DESC" }
            ),
        };
        const COLUMNS: &str = "f.id AS finding_id, f.report_id, r.agency_id, a.name AS agency,
            a.region, a.region_code, r.year, f.code, f.name, f.kind, f.severity, f.message,
            f.scope, f.finding_key, d.verdict, d.comment, u.name AS decided_by, d.decided_at,
            d.report_id AS decided_report_id";
        let users = " LEFT JOIN users u ON u.id = d.user_id";
        let mut params = w.params.clone();
        let Some(limit) = q.limit else {
            // Every row (an export): one query.
            let sql = format!(
                "SELECT {COLUMNS}{from}{users}{} ORDER BY {order}, f.id {dir}",
                w.sql
            );
            let rows = self.conn.query_as(&sql, &params)?;
            return Ok(Page { total, rows });
        };
        // A page: its ids ordered from narrow columns, then those rows whole (a
        // finding's row carries its JSON; sorting whole rows would read them all).
        params.push(limit.max(0).into());
        params.push(q.offset.max(0).into());
        let sql = format!(
            "SELECT f.id{narrow}{} ORDER BY {order}, f.id {dir} LIMIT ${} OFFSET ${}",
            w.sql,
            params.len() - 1,
            params.len()
        );
        let ids: Vec<i64> = self
            .conn
            .query(&sql, &params)?
            .iter()
            .map(|r| r.get("id"))
            .collect::<Result<_, _>>()?;
        if ids.is_empty() {
            return Ok(Page {
                total,
                rows: Vec::new(),
            });
        }
        let mut rows: Vec<FindingListRow> = self.conn.query_as(
            &format!(
                "SELECT {COLUMNS} FROM findings f JOIN reports r ON r.id = f.report_id
                 LEFT JOIN agencies a ON a.id = r.agency_id{decided}{users}
                 WHERE f.id IN ({})",
                id_list(&ids)
            ),
            &[],
        )?;
        rows.sort_by_key(|r| ids.iter().position(|&id| id == r.finding_id));
        Ok(Page { total, rows })
    }

    /// Stores the key of every finding stored before keys were (migration 0007). A
    /// finding whose JSON does not read back is left without one: it is then simply
    /// never decided, and reading it is what reports the damage.
    pub(crate) fn fill_finding_keys(&mut self) -> Result<(), StoreError> {
        let rows = self.conn.query(
            "SELECT id, detail FROM findings WHERE finding_key IS NULL",
            &[],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        self.in_transaction(|store| {
            for mut r in rows {
                let id: i64 = r.get("id")?;
                let Ok(detail) = r.take::<String>("detail") else {
                    continue;
                };
                let Ok(finding) = serde_json::from_str::<Finding>(&detail) else {
                    continue;
                };
                store.conn.exec(
                    "UPDATE findings SET finding_key = $1 WHERE id = $2",
                    &[finding_key(&finding).into(), id.into()],
                )?;
            }
            Ok(())
        })
    }
}

/// A finding of report `r` with no decision under its key.
const UNDECIDED_EXISTS: &str = "EXISTS (SELECT 1 FROM findings f WHERE f.report_id = r.id
    AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.agency_id = r.agency_id
        AND d.year = r.year AND d.finding_key = f.finding_key))";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::on_both_backends;
    use crate::{AgencyInfo, Ingested, NewDecision, NewReport, Placement};
    use gongkai_model::{FindingKind, Label};

    fn seed(stem: &str) -> gongkai_model::Report {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seeds");
        let path = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(stem))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        gongkai_parse::parse_text(&path.display().to_string(), text)
            .unwrap()
            .report
    }

    fn finding(code: &str, severity: Severity, message: &str) -> Finding {
        Finding {
            code: code.into(),
            name: "x".into(),
            kind: FindingKind::Document,
            severity,
            message: message.into(),
            labels: vec![Label {
                location: None,
                message: message.into(),
                cell: None,
            }],
            notes: vec![],
        }
    }

    /// 瀍河 (410304): an error and a warning; 辉县市 (410782): a note; 涧西 (410305): none.
    fn store_three(store: &mut Store) -> Vec<i64> {
        let g = gongkai_gazetteer::gazetteer().unwrap();
        let files = [
            (
                "000",
                vec![
                    finding("A101", Severity::Error, "甲"),
                    finding("X001", Severity::Warning, "乙"),
                ],
            ),
            ("001", vec![finding("X002", Severity::Info, "丙")]),
            ("004", vec![]),
        ]
        .into_iter()
        .map(|(stem, findings)| {
            let report = seed(stem);
            let name = report.agency().unwrap().to_string();
            Ingested {
                path: format!("{stem}.txt"),
                hash: format!("{stem:0>64}"),
                size: 1,
                outcome: Ok(NewReport {
                    agency: Some(AgencyInfo {
                        place: gongkai_gazetteer::place_agency(g, &name, &Default::default()),
                        name,
                        placement: Placement::Inferred,
                    }),
                    findings,
                    metrics: vec![],
                    signatures: report.sections.iter().map(|_| None).collect(),
                    signed: None,
                    encoded: None,
                    report,
                }),
            }
        })
        .collect();
        store
            .write(files)
            .unwrap()
            .into_iter()
            .map(|w| match w {
                crate::Written::Stored { report_id, .. } => report_id,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn ids(page: &Page<ReportListRow>) -> Vec<i64> {
        page.rows.iter().map(|r| r.report.id).collect()
    }

    #[test]
    fn lists_filter_count_and_keep_to_the_scope() {
        on_both_backends("review_lists", |store| {
            let ids3 = store_three(store);
            let (chanhe, huixian, jianxi) = (ids3[0], ids3[1], ids3[2]);
            let q = |scope: Scope| ReportQuery::new(scope, 50);
            let all = store.report_page(&q(Scope::Everywhere)).unwrap();
            assert_eq!(all.total, 3);
            let row = all.rows.iter().find(|r| r.report.id == chanhe).unwrap();
            assert_eq!(
                (row.errors, row.warnings, row.infos, row.undecided),
                (1, 1, 0, 2)
            );
            // Scope: a region prefix, one agency.
            let luoyang = store
                .report_page(&q(Scope::Regions(vec!["4103".into()])))
                .unwrap();
            assert_eq!(ids(&luoyang), vec![jianxi, chanhe]);
            let agency = row.report.agency_id.unwrap();
            assert_eq!(
                ids(&store.report_page(&q(Scope::Agency(agency))).unwrap()),
                vec![chanhe]
            );
            assert_eq!(
                store
                    .report_page(&q(Scope::Regions(vec!["32".into()])))
                    .unwrap()
                    .total,
                0
            );
            let mut f = q(Scope::Everywhere);
            f.severity = Some(SeverityFilter::Clean);
            assert_eq!(ids(&store.report_page(&f).unwrap()), vec![jianxi]);
            f.severity = Some(SeverityFilter::Has(Severity::Info));
            assert_eq!(ids(&store.report_page(&f).unwrap()), vec![huixian]);
            f.severity = None;
            f.sort = ReportSort::Findings;
            assert_eq!(
                ids(&store.report_page(&f).unwrap()),
                vec![chanhe, huixian, jianxi]
            );
            f.limit = 1;
            f.offset = 1;
            let second = store.report_page(&f).unwrap();
            assert_eq!((second.total, ids(&second)), (3, vec![huixian]));
            let mut f = q(Scope::Everywhere);
            f.agency = Some("100%".into());
            assert_eq!(store.report_page(&f).unwrap().total, 0);

            // Decisions: 瀍河's error confirmed.
            let a101 = finding("A101", Severity::Error, "甲");
            let user_id = reviewer(store);
            store
                .record_decision(
                    &NewDecision {
                        agency_id: agency,
                        year: 2021,
                        finding_key: finding_key(&a101),
                        rule: "A101".into(),
                        report_id: chanhe,
                        verdict: Verdict::Confirmed,
                        comment: String::new(),
                    },
                    &crate::Actor {
                        user_id: Some(user_id),
                        name: "审核".into(),
                    },
                )
                .unwrap();
            let mut f = q(Scope::Everywhere);
            f.decision = Some(DecisionFilter::HasConfirmed);
            let confirmed = store.report_page(&f).unwrap();
            assert_eq!(ids(&confirmed), vec![chanhe]);
            assert_eq!(
                (confirmed.rows[0].confirmed, confirmed.rows[0].undecided),
                (1, 1)
            );
            f.decision = Some(DecisionFilter::Undecided);
            assert_eq!(ids(&store.report_page(&f).unwrap()), vec![chanhe, huixian]);
            f.decision = Some(DecisionFilter::AllDecided);
            assert_eq!(store.report_page(&f).unwrap().total, 0);

            // Findings across agencies, with the latest decision.
            let mut fq = FindingQuery::new(Scope::Everywhere, Some(50));
            fq.sort = FindingSort::Severity;
            let found = store.finding_page(&fq).unwrap();
            let codes: Vec<&str> = found.rows.iter().map(|r| r.code.as_str()).collect();
            assert_eq!(codes, ["A101", "X001", "X002"]);
            assert_eq!(
                found.rows[0].decision.as_ref().map(|d| d.verdict),
                Some(Verdict::Confirmed)
            );
            assert_eq!(found.rows[0].finding_key, finding_key(&a101));
            fq.decision = Some(FindingDecisionFilter::Undecided);
            assert_eq!(store.finding_page(&fq).unwrap().total, 2);
            fq.decision = None;
            fq.scope = Scope::Regions(vec!["4107".into()]);
            let mine = store.finding_page(&fq).unwrap();
            assert_eq!((mine.total, mine.rows[0].code.as_str()), (1, "X002"));
            fq.limit = None;
            fq.scope = Scope::Everywhere;
            fq.rule = Some("X001".into());
            assert_eq!(store.finding_page(&fq).unwrap().rows.len(), 1);
            assert_eq!(store.report_years().unwrap(), vec![2021, 2022]);

            // Keys of findings stored before migration 0007 are filled in on opening.
            store
                .query("UPDATE findings SET finding_key = NULL", &[])
                .unwrap();
            store.fill_finding_keys().unwrap();
            let rows = store
                .query("SELECT finding_key FROM findings WHERE code = 'A101'", &[])
                .unwrap();
            assert_eq!(
                rows[0].get::<String>("finding_key").unwrap(),
                finding_key(&a101)
            );
        });
    }

    fn reviewer(store: &mut Store) -> i64 {
        store
            .create_user(
                "审核",
                "hash",
                gongkai_model::access::Role::Reviewer,
                &Scope::Everywhere,
                &crate::Actor::system(),
            )
            .unwrap()
            .id
    }

    #[test]
    fn a_key_is_the_rule_cells_and_messages_only() {
        let a = finding("A101", Severity::Error, "甲");
        let mut moved = a.clone();
        moved.labels[0].location = Some(gongkai_model::Location::Paragraph { index: 3 });
        assert_eq!(finding_key(&a), finding_key(&moved));
        assert_ne!(
            finding_key(&a),
            finding_key(&finding("A101", Severity::Error, "乙"))
        );
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
