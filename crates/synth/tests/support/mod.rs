//! Shared by the integration tests: parse and check a synthetic report.

#![allow(dead_code)]

use gongkai_check::{check, Selection};
use gongkai_model::{canonical_json, CanonicalOptions, Finding, FindingKind, Report};
use gongkai_synth::{tables_json, Synthetic};
use serde_json::Value as Json;

/// The parsed report and its findings.
pub struct Read {
    pub report: Report,
    pub findings: Vec<Finding>,
}

pub fn read(s: &Synthetic) -> Read {
    let parsed = gongkai_parse::parse_text("synthetic.txt", s.text.clone())
        .unwrap_or_else(|e| panic!("seed {} {:?}: not parsed: {e}", s.seed, s.layout));
    let findings = check(&parsed.report, Some(&parsed.source), &Selection::all());
    Read {
        report: parsed.report,
        findings,
    }
}

/// The canonical JSON of the reading without `source`: comparable with `tables_json`.
pub fn reading_json(r: &Report) -> Json {
    let mut j = canonical_json(r, CanonicalOptions::default());
    if let Some(m) = j.as_object_mut() {
        m.remove("source");
    }
    j
}

/// Sorted rule names of the findings of `kind`.
pub fn names(fs: &[Finding], kind: FindingKind) -> Vec<String> {
    let mut v: Vec<String> = fs
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.name.clone())
        .collect();
    v.sort();
    v
}

/// A readable account of a mismatch, for assertion messages.
pub fn explain(s: &Synthetic, r: &Read) -> String {
    let want = tables_json(s);
    let got = reading_json(&r.report);
    let mut diffs = Vec::new();
    diff("", &want, &got, &mut diffs);
    let fs: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("{} [{:?}] {}", f.name, f.kind, f.message))
        .collect();
    format!(
        "seed {} layout {:?} injected {:?} lost {:?}\nexpected {:?}\ntable diffs:\n  {}\nfindings:\n  {}\ndoubts: {:#?}",
        s.seed,
        s.layout,
        s.injected,
        s.lost,
        s.expected,
        diffs.join("\n  "),
        fs.join("\n  "),
        r.report.doubts
    )
}

fn diff(path: &str, a: &Json, b: &Json, out: &mut Vec<String>) {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                diff(
                    &format!("{path}.{k}"),
                    x.get(k).unwrap_or(&Json::Null),
                    y.get(k).unwrap_or(&Json::Null),
                    out,
                );
            }
        }
        _ if a != b => out.push(format!("{path}: want {a} got {b}")),
        _ => {}
    }
}

/// Cases per property: `n`, or `PROPTEST_CASES` from the environment for a longer run
/// (`PROPTEST_CASES=20000 cargo test --release -p gongkai-synth`).
pub fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(n)
}
