//! JSON Lines: one JSON object per report.

use std::io::Write;
use std::path::Path;

use gongkai_model::metrics::{MetricValue, Metrics};
use gongkai_model::{canonical_json, CanonicalOptions, Finding};
use serde_json::{json, Map, Value as Json};

use crate::{create_file, ExportError, ExportReport};

/// The JSON object of one report: the identity given by the caller, then the canonical JSON
/// of spec §6 (without provenance), then `findings` and `metrics`.
///
/// Keys, in order:
/// - `id`, `agency` (the caller's canonical name), `agency_printed` (as the report prints
///   it, or `null`), `region`, `level`, `year` (the caller's), `version`, `source`, `url`
///   (where the report was published, or `null`);
/// - `edition`, `table3_edition` (only when table 三's layout differs from table 二's
///   edition), `active_disclosure`, `requests`, `review_litigation` — exactly as
///   `gongkai_model::canonical_json` writes them (blank cells are `null`);
/// - `findings`: `[{code, name, kind, severity, message, location}]`, kind `document` or
///   `extraction`, severity `error`/`warning`/`info`, location a Chinese description or `null`;
/// - `metrics`: `{key: number or null}` for every `MetricKey`, rates as fractions.
pub fn jsonl_record(r: &ExportReport<'_>) -> Json {
    let canonical = canonical_json(r.report, CanonicalOptions::default());
    let mut out = Map::new();
    out.insert("id".into(), json!(r.id));
    out.insert("agency".into(), json!(r.agency));
    out.insert("agency_printed".into(), json!(r.report.agency()));
    out.insert("region".into(), json!(r.region));
    out.insert("level".into(), json!(r.level));
    out.insert("year".into(), json!(r.year));
    out.insert("version".into(), json!(r.version));
    out.insert("source".into(), json!(r.source));
    out.insert("url".into(), json!(r.report.url));
    out.insert("reading".into(), json!(r.report.reading.as_str()));
    if let Json::Object(canonical) = canonical {
        for (k, v) in canonical {
            // The caller's identity replaces the report's own (printed) one.
            if !out.contains_key(&k) {
                out.insert(k, v);
            }
        }
    }
    out.insert(
        "findings".into(),
        Json::Array(r.findings.iter().map(finding_json).collect()),
    );
    out.insert("metrics".into(), metrics_json(&Metrics::of(r.report)));
    Json::Object(out)
}

fn finding_json(f: &Finding) -> Json {
    json!({
        "code": f.code,
        "name": f.name,
        "kind": f.kind,
        "severity": f.severity.as_str(),
        "message": f.message,
        "location": f.location().map(|l| l.describe_zh()),
    })
}

fn metrics_json(m: &Metrics) -> Json {
    let mut out = Map::new();
    for (key, value) in m.values() {
        let v = match value {
            None => Json::Null,
            Some(MetricValue::Count(n)) => json!(n),
            Some(MetricValue::Rate(x)) => json!(x),
        };
        out.insert(key.key().into(), v);
    }
    Json::Object(out)
}

/// Write one line of JSON per report ([`jsonl_record`]), each ending with `\n`. UTF-8
/// without BOM (the JSON Lines convention); Chinese is written as is, not `\u` escaped.
pub fn write_jsonl(out: &mut dyn Write, reports: &[ExportReport<'_>]) -> Result<(), ExportError> {
    for r in reports {
        serde_json::to_writer(&mut *out, &jsonl_record(r))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// [`write_jsonl`] to a file (created or truncated).
pub fn write_jsonl_path(path: &Path, reports: &[ExportReport<'_>]) -> Result<(), ExportError> {
    let mut f = create_file(path)?;
    write_jsonl(&mut f, reports)?;
    f.flush().map_err(|source| ExportError::File {
        path: path.to_path_buf(),
        source,
    })
}
