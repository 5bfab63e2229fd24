//! The canonical JSON of one report (spec §6), and a flat view of its table cells
//! used to compare a reading with the truth.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::report::{Cell, Origin, Report, Value};
use crate::schema::{
    active_row, Edition, RequestColumn, ReviewColumn, ReviewGroup, REQUEST_COLUMN_KEYS,
};

/// What to add to the canonical keys.
#[derive(Clone, Copy, Debug, Default)]
pub struct CanonicalOptions {
    /// Add `provenance`: where every cell was read, mirroring the tables' shape.
    pub provenance: bool,
    /// Add `sections`: headings and bodies.
    pub sections: bool,
}

fn cell_json(cell: &Cell) -> Json {
    match &cell.value {
        None => Json::Null,
        Some(Value::Count(n)) => json!(n),
        Some(Value::Amount(s)) | Some(Value::Invalid(s)) => json!(s),
    }
}

fn cell_provenance(cell: &Cell) -> Json {
    let mut m = Map::new();
    if let Some(loc) = &cell.location {
        m.insert(
            "location".into(),
            serde_json::to_value(loc).unwrap_or(Json::Null),
        );
    }
    if let Some(p) = &cell.printed {
        m.insert("printed".into(), json!(p));
    }
    match cell.origin {
        Origin::Printed => {}
        Origin::Inferred => {
            m.insert("origin".into(), json!("inferred"));
        }
        Origin::NotFound => {
            m.insert("origin".into(), json!("not_found"));
        }
    }
    Json::Object(m)
}

/// The canonical JSON of a report: exactly the keys of spec §6, plus `source`,
/// `table3_edition` when table 三's layout differs from table 二's edition, and the
/// extras asked for in `opts`.
pub fn canonical_json(report: &Report, opts: CanonicalOptions) -> Json {
    let mut root = Map::new();
    root.insert("source".into(), json!(report.source));
    root.insert(
        "agency".into(),
        report
            .agency
            .as_ref()
            .map_or(Json::Null, |a| json!(a.value)),
    );
    root.insert(
        "year".into(),
        report.year.as_ref().map_or(Json::Null, |y| json!(y.value)),
    );
    root.insert(
        "edition".into(),
        report.edition.map_or(Json::Null, |e| json!(e.as_str())),
    );
    let mut prov = Map::new();

    // Table 二
    let active = report.active.as_ref().map(|t| {
        let mut m = Map::new();
        let mut pm = Map::new();
        m.insert("edition".into(), json!(t.edition.as_str()));
        for row in &t.rows {
            let Some(def) = active_row(t.edition, row.key) else {
                continue;
            };
            let mut r = Map::new();
            let mut pr = Map::new();
            for (col, cell) in def.columns.iter().zip(&row.cells) {
                r.insert(col.key.key().into(), cell_json(cell));
                pr.insert(col.key.key().into(), cell_provenance(cell));
            }
            m.insert(row.key.key().into(), Json::Object(r));
            pm.insert(row.key.key().into(), Json::Object(pr));
        }
        prov.insert("active_disclosure".into(), Json::Object(pm));
        Json::Object(m)
    });
    root.insert("active_disclosure".into(), active.unwrap_or(Json::Null));

    // Table 三
    if let (Some(t), Some(ed)) = (&report.requests, report.edition) {
        if t.layout_edition() != ed && ed != Edition::Legacy {
            root.insert("table3_edition".into(), json!(t.layout_edition().as_str()));
        }
    }
    let requests = report.requests.as_ref().map(|t| {
        let mut rows = Map::new();
        let mut pr = Map::new();
        for row in &t.rows {
            rows.insert(
                row.key.key().into(),
                Json::Array(row.cells.iter().map(cell_json).collect()),
            );
            pr.insert(
                row.key.key().into(),
                Json::Array(row.cells.iter().map(cell_provenance).collect()),
            );
        }
        prov.insert("requests".into(), Json::Object(pr));
        json!({ "columns": REQUEST_COLUMN_KEYS, "rows": rows })
    });
    root.insert("requests".into(), requests.unwrap_or(Json::Null));

    // Table 四
    let review = report.review.as_ref().map(|t| {
        let mut m = Map::new();
        let mut pm = Map::new();
        for g in ReviewGroup::ALL {
            let mut gm = Map::new();
            let mut gp = Map::new();
            for c in ReviewColumn::ALL {
                gm.insert(c.key().into(), cell_json(t.cell(g, c)));
                gp.insert(c.key().into(), cell_provenance(t.cell(g, c)));
            }
            m.insert(g.key().into(), Json::Object(gm));
            pm.insert(g.key().into(), Json::Object(gp));
        }
        prov.insert("review_litigation".into(), Json::Object(pm));
        Json::Object(m)
    });
    root.insert("review_litigation".into(), review.unwrap_or(Json::Null));

    if opts.sections {
        let sections: Vec<Json> = report
            .sections
            .iter()
            .map(|s| {
                json!({
                    "number": s.kind.number(),
                    "kind": s.kind,
                    "heading": s.heading,
                    "heading_location": s.heading_location,
                    "body": s.body,
                })
            })
            .collect();
        root.insert("sections".into(), Json::Array(sections));
    }
    if opts.provenance {
        let mut p = Map::new();
        if let Some(t) = &report.title {
            p.insert(
                "title".into(),
                serde_json::to_value(t).unwrap_or(Json::Null),
            );
        }
        p.extend(prov);
        root.insert("provenance".into(), Json::Object(p));
        if !report.extra_rows.is_empty() {
            root.insert(
                "extra_rows".into(),
                serde_json::to_value(&report.extra_rows).unwrap_or(Json::Null),
            );
        }
        if !report.doubts.is_empty() {
            root.insert(
                "doubts".into(),
                serde_json::to_value(&report.doubts).unwrap_or(Json::Null),
            );
        }
        // How much was read, and what shows in the text but was not read.
        root.insert("reading".into(), json!(report.reading.as_str()));
        if !report.unread.is_empty() {
            root.insert(
                "unread".into(),
                serde_json::to_value(&report.unread).unwrap_or(Json::Null),
            );
        }
    }
    Json::Object(root)
}

/// Error reading a canonical JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalError(pub String);

impl std::fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for CanonicalError {}

/// The table cells of a canonical JSON document, flattened to paths such as
/// `requests.new_received.total` or `active_disclosure.fees.amount_10k_yuan`.
///
/// A table that is `null` in the document is one entry (`requests` → `None`), so that
/// a legacy report read as legacy is right and one forced into tables is wrong.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CanonicalTables {
    pub agency: Option<String>,
    pub year: Option<i64>,
    pub edition: Option<String>,
    /// table → (cell path → value); `None` values are blank cells.
    pub tables: BTreeMap<&'static str, BTreeMap<String, Option<Json>>>,
}

impl CanonicalTables {
    pub const TABLES: [&'static str; 3] = ["active_disclosure", "requests", "review_litigation"];

    pub fn from_json(doc: &Json) -> Result<CanonicalTables, CanonicalError> {
        let obj = doc
            .as_object()
            .ok_or_else(|| CanonicalError("not a JSON object".into()))?;
        let mut out = CanonicalTables {
            agency: obj.get("agency").and_then(Json::as_str).map(str::to_owned),
            year: obj.get("year").and_then(Json::as_i64),
            edition: obj.get("edition").and_then(Json::as_str).map(str::to_owned),
            tables: BTreeMap::new(),
        };
        for table in Self::TABLES {
            let mut cells = BTreeMap::new();
            match obj.get(table) {
                None | Some(Json::Null) => {
                    cells.insert(table.to_string(), None);
                }
                Some(Json::Object(rows)) if table == "requests" => {
                    let rows = rows
                        .get("rows")
                        .and_then(Json::as_object)
                        .ok_or_else(|| CanonicalError("requests.rows missing".into()))?;
                    for (row, values) in rows {
                        let values = values.as_array().ok_or_else(|| {
                            CanonicalError(format!("requests.rows.{row} is not an array"))
                        })?;
                        if values.len() != 7 {
                            return Err(CanonicalError(format!(
                                "requests.rows.{row} has {} values, not 7",
                                values.len()
                            )));
                        }
                        for (col, v) in RequestColumn::ALL.iter().zip(values) {
                            cells.insert(format!("{table}.{row}.{}", col.key()), non_null(v));
                        }
                    }
                }
                Some(Json::Object(rows)) => {
                    for (row, cols) in rows {
                        let Some(cols) = cols.as_object() else {
                            continue; // e.g. "edition": "2021"
                        };
                        for (col, v) in cols {
                            cells.insert(format!("{table}.{row}.{col}"), non_null(v));
                        }
                    }
                }
                Some(other) => {
                    return Err(CanonicalError(format!("{table} is {other}, not an object")))
                }
            }
            out.tables.insert(table, cells);
        }
        Ok(out)
    }
}

fn non_null(v: &Json) -> Option<Json> {
    if v.is_null() {
        None
    } else {
        Some(v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::*;
    use crate::schema::*;

    fn sample() -> Report {
        let mut active = ActiveTable::empty(Edition::E2021);
        active.row_mut(ActiveRowKey::Fees).unwrap().cells[0] = Cell {
            value: Some(Value::Amount("12372.0506".into())),
            ..Cell::default()
        };
        active.row_mut(ActiveRowKey::Licensing).unwrap().cells[0] = Cell::count(5297, None);
        let mut requests = RequestTable::default();
        for def in request_rows(true) {
            requests.rows.push(RequestRow {
                key: def.key,
                label: None,
                cells: std::array::from_fn(|i| Cell::count(i as i64, None)),
            });
        }
        requests.rows[0].cells[3] = Cell::blank(None);
        Report {
            source: "x.txt".into(),
            agency: Some(Located::new("辉县市人民政府".into(), None)),
            year: Some(Located::new(2021, None)),
            edition: Some(Edition::E2021),
            active: Some(active),
            requests: Some(requests),
            review: Some(ReviewTable::default()),
            ..Report::default()
        }
    }

    #[test]
    fn canonical_keys_and_values() {
        let j = canonical_json(&sample(), CanonicalOptions::default());
        assert_eq!(j["agency"], "辉县市人民政府");
        assert_eq!(j["year"], 2021);
        assert_eq!(j["edition"], "2021");
        assert_eq!(j["active_disclosure"]["edition"], "2021");
        assert_eq!(
            j["active_disclosure"]["fees"]["amount_10k_yuan"],
            "12372.0506"
        );
        assert_eq!(j["active_disclosure"]["licensing"]["decisions"], 5297);
        assert_eq!(j["active_disclosure"]["penalty"]["decisions"], Json::Null);
        assert_eq!(j["requests"]["columns"][6], "total");
        assert_eq!(
            j["requests"]["rows"]["new_received"],
            json!([0, 1, 2, null, 4, 5, 6])
        );
        assert_eq!(j["review_litigation"]["review"]["total"], Json::Null);
        assert!(j.get("table3_edition").is_none());
        assert!(j.get("provenance").is_none());
    }

    #[test]
    fn flatten_round_trip() {
        let j = canonical_json(&sample(), CanonicalOptions::default());
        let t = CanonicalTables::from_json(&j).unwrap();
        assert_eq!(t.tables["requests"].len(), 25 * 7);
        assert_eq!(
            t.tables["requests"]["requests.new_received.social_welfare_org"],
            None
        );
        assert_eq!(
            t.tables["requests"]["requests.new_received.total"],
            Some(json!(6))
        );
        assert_eq!(t.tables["review_litigation"].len(), 15);
        assert_eq!(t.tables["active_disclosure"].len(), 10);
    }

    #[test]
    fn legacy_tables_are_single_null_entries() {
        let j = json!({"agency": "a", "year": 2012, "edition": "legacy",
            "active_disclosure": null, "requests": null, "review_litigation": null});
        let t = CanonicalTables::from_json(&j).unwrap();
        assert_eq!(t.tables["requests"].len(), 1);
        assert_eq!(t.tables["requests"]["requests"], None);
    }
}
