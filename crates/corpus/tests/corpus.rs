//! The corpus layer end to end, on SQLite and (when `GONGKAI_TEST_POSTGRES` names a
//! server) PostgreSQL: ingest, versions, failures, the cross-report rules scored against
//! a synthetic corpus's answer key, comparison and consolidation.

use std::path::{Path, PathBuf};

use gongkai_check::Selection;
use gongkai_corpus::{answers, compare, consolidate, cross, IngestOptions};
use gongkai_store::{Filter, Store};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-corpus-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

use gongkai_store::testing::on_both_backends as on_both;

fn ingest_all(store: &mut Store, paths: &[PathBuf]) -> gongkai_corpus::IngestSummary {
    let files = gongkai_corpus::discover(paths);
    let opts = IngestOptions::default();
    let summary = gongkai_corpus::ingest(store, &files, &opts, &|_| {}).unwrap();
    cross::run(store, &opts.selection, &opts.similarity).unwrap();
    summary
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

/// Every planted error, single-report and cross-report, is found, and nothing else.
#[test]
fn synthetic_corpus_precision_and_recall_are_exact() {
    let dir = temp_dir("synth");
    let opts = gongkai_synth::CorpusOptions {
        reports: 320,
        seed: 11,
        years: 4,
        cross_error_rate: 0.3,
        ..Default::default()
    };
    let written = gongkai_synth::write_corpus(&dir, &opts).unwrap();
    assert_eq!(written.reports, 320);
    let key = dir.join("answer-key.jsonl");
    // What the key expects, counted independently of the scorer.
    let mut expected_pairs = 0;
    let mut expected_by_rule = std::collections::BTreeMap::<String, usize>::new();
    for line in std::fs::read_to_string(&key).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        // Rules once per report: the scorer counts (report, rule) pairs.
        let rules: std::collections::BTreeSet<&str> = v["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        for r in rules {
            expected_pairs += 1;
            *expected_by_rule.entry(r.to_string()).or_default() += 1;
        }
    }
    for rule in ["carry-over-mismatch", "stock-discontinuity", "copied-text"] {
        assert!(
            expected_by_rule.get(rule).copied().unwrap_or(0) >= 5,
            "{rule}: {expected_by_rule:?}"
        );
    }
    on_both("synth", |store| {
        let summary = ingest_all(store, std::slice::from_ref(&dir));
        assert_eq!((summary.stored, summary.failed.len()), (320, 0));
        let score = answers::score(store, &key).unwrap();
        assert!(
            score.mismatches.is_empty(),
            "{:?}",
            &score.mismatches[..score.mismatches.len().min(5)]
        );
        assert!(score.not_in_corpus.is_empty());
        assert_eq!(score.total.true_positives, expected_pairs);
        assert_eq!(
            (score.total.false_positives, score.total.false_negatives),
            (0, 0)
        );
        for (rule, n) in &expected_by_rule {
            assert_eq!(score.rules[rule].true_positives, *n, "{rule}");
        }
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reingest_versions_and_failures() {
    on_both("versions", |store| {
        let dir = temp_dir("versions");
        for entry in std::fs::read_dir(seeds()).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "txt") {
                std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
            }
        }
        // Not a report: garbage with a report's extension. Recorded, the batch goes on.
        std::fs::write(dir.join("broken.pdf"), b"%PDF-1.7\n\x00\x01garbage").unwrap();
        // Truth files beside reports are not reports and are not taken from a folder.
        std::fs::write(dir.join("truth.json"), b"{}").unwrap();

        let first = ingest_all(store, std::slice::from_ref(&dir));
        assert_eq!(first.files, 6);
        assert_eq!(
            (first.stored, first.new_versions, first.unchanged),
            (5, 0, 0)
        );
        assert_eq!(first.failed.len(), 1);
        assert!(
            first.failed[0].1.contains("broken.pdf"),
            "{:?}",
            first.failed
        );
        assert_eq!(store.failures().unwrap().len(), 1);

        // Nothing changed: nothing stored.
        let again = ingest_all(store, std::slice::from_ref(&dir));
        assert_eq!(
            (again.stored, again.new_versions, again.unchanged),
            (0, 0, 5)
        );

        // One report corrected and published again: a new version, the only current one.
        let seed = dir.join(
            std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .find(|n| n.to_string_lossy().starts_with("001_"))
                .unwrap(),
        );
        let mut text = std::fs::read_to_string(&seed).unwrap();
        text.push_str("\n（本报告于次年3月更正后重新发布。）\n");
        std::fs::write(&seed, text).unwrap();
        let third = ingest_all(store, std::slice::from_ref(&dir));
        assert_eq!(
            (third.stored, third.new_versions, third.unchanged),
            (0, 1, 4)
        );
        let history = store.history("辉县市人民政府").unwrap();
        let versions: Vec<_> = history.iter().map(|r| (r.version, r.is_current)).collect();
        assert_eq!(versions, [(1, false), (2, true)]);
        assert_eq!(store.reports(&Filter::default()).unwrap().len(), 5);
        assert_eq!(
            store
                .reports(&Filter {
                    all_versions: true,
                    ..Filter::default()
                })
                .unwrap()
                .len(),
            6
        );
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

fn parsed(path: &Path) -> (gongkai_model::Report, Vec<gongkai_model::Finding>) {
    let text = std::fs::read_to_string(path).unwrap();
    let p = gongkai_parse::parse_text(&path.display().to_string(), text).unwrap();
    let findings = gongkai_check::check(&p.report, Some(&p.source), &Selection::all());
    (p.report, findings)
}

#[test]
fn compare_consecutive_years_finds_the_carry_over_mismatch() {
    // The first agency-year pair with a planted carry-over mismatch.
    let reports: Vec<_> = gongkai_synth::generate_corpus(&gongkai_synth::CorpusOptions {
        reports: 200,
        seed: 5,
        cross_error_rate: 0.4,
        error_rate: 0.0,
        ..Default::default()
    })
    .collect();
    let cur = reports
        .iter()
        .find(|r| {
            r.cross
                .contains(&gongkai_synth::CrossInjection::CarryOverMismatch)
        })
        .unwrap();
    let prev = reports
        .iter()
        .find(|r| r.agency == cur.agency && r.year == cur.year - 1)
        .unwrap();
    let read = |text: &str| {
        gongkai_parse::parse_text("x.txt", text.to_string())
            .unwrap()
            .report
    };
    let (a, b) = (read(&prev.synthetic.text), read(&cur.synthetic.text));
    let c = compare::compare("A", &a, "B", &b, &gongkai_similar::Options::default());
    assert!(!c.cross_year.is_empty());
    assert!(c.cross_year.iter().all(|f| f.code == "Y001"));
    // Every differing carry-over column is one finding and one differing cell pair.
    let differing_carry = c
        .differing()
        .filter(|p| p.table == "requests" && p.row == "carried_over")
        .count();
    assert!(differing_carry >= c.cross_year.len());
    // Two years of one agency written independently: their prose is not copied.
    for s in &c.sections {
        if let Some(x) = s.a_in_b {
            assert!(x < 0.7, "{:?} {x}", s.kind);
        }
    }
}

#[test]
fn consolidation_sums_and_flags() {
    let dir = seeds();
    let find = |prefix: &str| {
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            .unwrap()
    };
    let (r0, f0) = parsed(&find("000_"));
    let (r1, f1) = parsed(&find("001_"));
    let (r3, f3) = parsed(&find("003_"));
    let inputs = vec![
        consolidate::Input {
            label: "000".into(),
            report: &r0,
            findings: &f0,
        },
        consolidate::Input {
            label: "001".into(),
            report: &r1,
            findings: &f1,
        },
        consolidate::Input {
            label: "003".into(),
            report: &r3,
            findings: &f3,
        },
    ];
    let c = consolidate::consolidate("测试合计", &inputs);
    let total = |row, col| c.report.requests.as_ref().unwrap().value(row, col);
    use gongkai_model::schema::{RequestColumn, RequestRowKey};
    // Seed 003 left 本年新收 blank: the sum is of 000 and 001 (9 + 75), and the cell is
    // listed as partly blank rather than read as 0.
    assert_eq!(
        total(RequestRowKey::NewReceived, RequestColumn::Total),
        Some(84)
    );
    let partial = c
        .partial
        .iter()
        .find(|p| p.table == "requests" && p.row == "new_received" && p.column == "total")
        .unwrap();
    assert_eq!((partial.blank_inputs, partial.summed_inputs), (1, 2));
    assert_eq!(c.inputs.len(), 3);
    // Seed 003 prints the 2019 edition in a 2021 report: flagged, not summed into 表二.
    let flags003 = &c.inputs[2].flags;
    assert!(
        flags003.iter().any(|f| f.starts_with("表二为2019年版格式")),
        "{flags003:?}"
    );
    assert!(c.inputs[0].flags.is_empty(), "{:?}", c.inputs[0].flags);
}

/// A table-二 run the text cannot split ("6233440": 62 | 33 | 440, or 623 | 3 | 440 …) is
/// decided at ingest by the same agency's report of the year before (440 = 411 + 62 − 33),
/// whether that report is already in the corpus or comes in the same batch; the decided
/// report is stored with the values and says where they came from.
#[test]
fn ingest_decides_run_together_rows_from_the_adjacent_year() {
    const FLAT: &str = "某某局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 000\n行政规范性文件 6233440\n";
    let last = FLAT.replace("2024", "2023").replace("6233440", "10 2 411");
    for same_batch in [false, true] {
        on_both("evidence", |store| {
            let dir = temp_dir(&format!("evidence-{same_batch}"));
            std::fs::write(dir.join("2023.txt"), &last).unwrap();
            std::fs::write(dir.join("2024.txt"), FLAT).unwrap();
            let summary = if same_batch {
                ingest_all(store, std::slice::from_ref(&dir))
            } else {
                ingest_all(store, &[dir.join("2023.txt")]);
                ingest_all(store, &[dir.join("2024.txt")])
            };
            assert_eq!(summary.decided, 1);
            let rows = store
                .reports(&Filter {
                    year: Some(2024),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(rows.len(), 1);
            let r = store.report(rows[0].id).unwrap();
            let t = r.active.as_ref().unwrap();
            let v = |c| {
                t.cell(gongkai_model::schema::ActiveRowKey::NormativeDocuments, c)
                    .and_then(gongkai_model::Cell::int)
            };
            use gongkai_model::schema::ActiveColumnKey as C;
            assert_eq!(
                (v(C::Issued), v(C::Repealed), v(C::InForce)),
                (Some(62), Some(33), Some(440))
            );
            assert!(r.undecided.is_empty());
            assert!(r
                .doubts
                .iter()
                .any(|d| d.notes.iter().any(|n| n.contains("2023.txt"))));
            // The stored findings are those of the decided report: no X003 for the row.
            let findings = store.findings(Some(&[rows[0].id])).unwrap();
            assert!(!findings.iter().any(|f| f.finding.code == "X003"));
            let _ = std::fs::remove_dir_all(&dir);
        });
    }
}
