//! The five seed reports, parsed and checked as the CLI does, for the export tests.

#![allow(dead_code)] // each test file uses a different part

use std::path::PathBuf;

use gongkai_export::ExportReport;
use gongkai_model::{Finding, Report};

pub struct Seed {
    /// "examples/seeds/000_….txt", as the CLI names it when run from the workspace root.
    pub source: String,
    pub report: Report,
    pub findings: Vec<Finding>,
}

pub fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

/// Parse and check every seed, in file-name order (000 … 004).
pub fn seeds() -> Vec<Seed> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .expect("examples/seeds")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 5, "the five bundled seeds");
    paths
        .iter()
        .map(|p| {
            let source = format!(
                "examples/seeds/{}",
                p.file_name().unwrap().to_str().unwrap()
            );
            let text = std::fs::read_to_string(p).unwrap();
            let parsed = gongkai_parse::parse_text(&source, text).unwrap();
            let findings = gongkai_check::check(
                &parsed.report,
                Some(&parsed.source),
                &gongkai_check::Selection::all(),
            );
            Seed {
                source,
                report: parsed.report,
                findings,
            }
        })
        .collect()
}

/// The seeds as export input: ids 1…5, region 洛阳市 (辉县 is not, but it does not matter
/// here), level 区, version 1, agency and year as read.
pub fn export_reports(seeds: &[Seed]) -> Vec<ExportReport<'_>> {
    seeds
        .iter()
        .enumerate()
        .map(|(i, s)| ExportReport {
            id: i as i64 + 1,
            agency: s.report.agency().unwrap_or(""),
            region: "洛阳市",
            level: "区",
            year: s.report.year(),
            version: 1,
            source: &s.source,
            report: &s.report,
            findings: &s.findings,
        })
        .collect()
}

/// A report in no standard layout: the legacy (pre-2019) format, no tables.
pub fn legacy_report() -> Report {
    Report {
        source: "legacy.txt".into(),
        edition: Some(gongkai_model::schema::Edition::Legacy),
        ..Report::default()
    }
}
