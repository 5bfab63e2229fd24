//! The catalogue, rule lookup, selection and the generated docs.

use std::collections::HashSet;
use std::path::PathBuf;

use gongkai_check::{rule, rules, rules_markdown, Scope, Selection, UnknownRule};
use gongkai_model::{FindingKind, Severity};

use crate::support::*;

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn catalogue_codes_names_and_texts() {
    let all = rules();
    let codes: Vec<&str> = all.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        vec![
            "A101", "A102", "A103", "A201", "B001", "B002", "B003", "S001", "S002", "S003", "S004",
            "S005", "S006", "V001", "V002", "X001", "X002", "X003", "X004", "X005", "X006", "X007",
            "X008", "X009", "X010", "Y001", "Y002", "Y003"
        ]
    );
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), codes.len());
    let names: HashSet<&str> = all.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), all.len());
    for r in all {
        assert!(is_kebab(r.name), "{}", r.name);
        assert!(r.code.len() == 4 && r.code.is_ascii(), "{}", r.code);
        for (what, text) in [
            ("summary", r.summary),
            ("explanation", r.explanation),
            ("example", r.example),
        ] {
            assert!(!text.trim().is_empty(), "{} {what}", r.code);
            assert!(has_cjk(text), "{} {what}", r.code);
        }
        assert!(!r.summary.contains('\n'), "{} summary is one line", r.code);
        for part in ["**检查什么**", "**为什么**", "**如何修改**"] {
            assert!(r.explanation.contains(part), "{} lacks {part}", r.code);
        }
        // Extraction rules are exactly the X family.
        assert_eq!(
            r.kind == FindingKind::Extraction,
            r.code.starts_with('X'),
            "{}",
            r.code
        );
        assert_eq!(
            r.scope == Scope::Corpus,
            r.code.starts_with('Y'),
            "{}",
            r.code
        );
    }
}

#[test]
fn catalogue_names_and_severities() {
    let expect = [
        ("A101", "table3-column-balance", Severity::Error),
        ("A102", "table3-row-total", Severity::Error),
        ("A103", "table3-outcome-total", Severity::Error),
        ("A201", "table4-group-total", Severity::Error),
        ("V001", "blank-cell", Severity::Error),
        ("V002", "invalid-number", Severity::Error),
        ("S001", "missing-section", Severity::Error),
        ("S002", "section-order", Severity::Warning),
        ("S003", "missing-table", Severity::Error),
        ("S004", "empty-section", Severity::Error),
        ("S005", "edition-mismatch", Severity::Error),
        ("S006", "legacy-format", Severity::Info),
        ("B001", "prose-table-mismatch", Severity::Error),
        ("B002", "fee-not-reported", Severity::Warning),
        ("B003", "year-mismatch", Severity::Warning),
        ("X001", "inferred-value", Severity::Warning),
        ("X002", "unrecognised-row", Severity::Warning),
        ("X003", "ambiguous-row", Severity::Warning),
        ("X004", "row-not-found", Severity::Warning),
        ("Y001", "carry-over-mismatch", Severity::Error),
        ("Y002", "stock-discontinuity", Severity::Warning),
        ("Y003", "copied-text", Severity::Warning),
    ];
    for (code, name, sev) in expect {
        let Some(r) = rule(code) else {
            panic!("no rule {code}");
        };
        assert_eq!(r.name, name);
        assert_eq!(r.severity, sev, "{code}");
        // Lookup by lower-case code and by name.
        assert!(std::ptr::eq(rule(&code.to_lowercase()).expect("code"), r));
        assert!(std::ptr::eq(rule(name).expect("name"), r));
    }
    assert!(rule("A1").is_none());
    assert!(rule("no-such-rule").is_none());
}

#[test]
fn selection_by_prefix_code_and_name() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    let a = Selection::new(&s(&["A"]), &[]).expect("valid");
    let enabled: Vec<&str> = rules()
        .iter()
        .filter(|r| a.enabled(r))
        .map(|r| r.code)
        .collect();
    assert_eq!(enabled, vec!["A101", "A102", "A103", "A201"]);

    let sel = Selection::new(&s(&["A"]), &s(&["table3-row-total"])).expect("valid");
    let enabled: Vec<&str> = rules()
        .iter()
        .filter(|r| sel.enabled(r))
        .map(|r| r.code)
        .collect();
    assert_eq!(enabled, vec!["A101", "A103", "A201"]);

    // Ignore wins over select; empty select = all; codes are case-insensitive.
    let sel = Selection::new(&s(&["b001"]), &s(&["B"])).expect("valid");
    assert!(rules().iter().all(|r| !sel.enabled(r)));
    let sel = Selection::new(&[], &s(&["S00"])).expect("valid");
    assert_eq!(rules().iter().filter(|r| sel.enabled(r)).count(), 28 - 6);
    let all = Selection::all();
    assert!(rules().iter().all(|r| all.enabled(r)));
    assert!(rules().iter().all(|r| Selection::default().enabled(r)));
    let sel = Selection::new(&s(&["ALL"]), &s(&["Y"])).expect("valid");
    assert_eq!(rules().iter().filter(|r| sel.enabled(r)).count(), 25);
}

#[test]
fn selection_unknown_rule() {
    let err = Selection::new(&["Z999".to_string()], &[]).expect_err("unknown");
    assert_eq!(err.0, "Z999");
    assert_eq!(err.to_string(), "未知规则: Z999");
    let err: UnknownRule = Selection::new(&[], &["no-such-rule".to_string()]).expect_err("unknown");
    assert_eq!(err.to_string(), "未知规则: no-such-rule");
}

#[test]
fn selection_applies_to_check() {
    // A report with an A201 error and a B001 contradiction.
    let mut doc = Builder::default()
        .overview("本年度因政府信息公开发生行政复议案件5件。")
        .build();
    set4(
        &mut doc.report,
        gongkai_model::schema::ReviewGroup::Review,
        gongkai_model::schema::ReviewColumn::Upheld,
        Some(2),
    );
    assert_eq!(codes(&run(&doc)), vec!["B001", "A201"]);
    assert_eq!(codes(&run_only(&doc, &["A"])), vec!["A201"]);
    assert_eq!(
        codes(&run_only(&doc, &["prose-table-mismatch"])),
        vec!["B001"]
    );
}

#[test]
fn docs_rules_md_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let expected = rules_markdown();
    if std::env::var("GONGKAI_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is out of date: run `GONGKAI_UPDATE_DOCS=1 cargo test -p gongkai-check`"
    );
}

#[test]
fn markdown_has_a_section_per_rule() {
    let md = rules_markdown();
    for r in rules() {
        assert!(
            md.contains(&format!("\n## {} {}\n", r.code, r.name)),
            "{}",
            r.code
        );
        assert!(md.contains(r.explanation.trim()));
    }
}
