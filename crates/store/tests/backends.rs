//! The store's behaviour, the same on both backends.
//!
//! SQLite runs everywhere. PostgreSQL runs when `GONGKAI_TEST_POSTGRES` names a server
//! (`.ci/run` starts one on loopback and sets it); each test works in a schema of its
//! own. With `GONGKAI_REQUIRE_POSTGRES=1` (set by CI) a missing server is a failure,
//! not a skip, so CI cannot pass without having tested PostgreSQL.

use gongkai_model::agency::Level;
use gongkai_model::{ReadingStatus, SourceFormat};
use gongkai_store::{
    AgencyInfo, ColumnProblem, CorpusFinding, Failure, FailureKind, Filter, Ingested, NewReport,
    Placement, StoreError, Written,
};

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

fn agency(name: &str) -> AgencyInfo {
    let g = gongkai_gazetteer::gazetteer().unwrap();
    AgencyInfo {
        name: name.to_string(),
        place: gongkai_gazetteer::place_agency(g, name, &Default::default()),
        placement: Placement::Inferred,
    }
}

fn new_report(report: gongkai_model::Report) -> NewReport {
    let name = report.agency().unwrap().to_string();
    NewReport {
        agency: Some(agency(&name)),
        findings: Vec::new(),
        metrics: vec![
            ("received".into(), Some(9.0)),
            ("disclosure_rate".into(), None),
        ],
        signatures: report
            .sections
            .iter()
            .map(|_| Some(vec![1, 2, 3]))
            .collect(),
        signed: None,
        encoded: None,
        report,
    }
}

fn file(path: &str, hash: &str, outcome: Result<NewReport, String>) -> Ingested {
    Ingested {
        path: path.into(),
        hash: hash.into(),
        size: 10,
        outcome: outcome.map_err(|message| Failure {
            kind: FailureKind::Unsupported,
            message,
        }),
    }
}

use gongkai_store::testing::on_both_backends as on_both;

#[test]
fn migrations_are_applied_once() {
    on_both("migrations", |store| {
        assert_eq!(store.schema_version().unwrap(), 10);
        let rows = store
            .query("SELECT COUNT(*) AS n FROM schema_migrations", &[])
            .unwrap();
        assert_eq!(rows[0].get::<i64>("n").unwrap(), 10);
    });
}

#[test]
fn cross_report_findings_are_stale_until_replaced() {
    on_both("cross_state", |store| {
        // A new database has nothing to be stale about.
        let fresh = store.cross_state().unwrap();
        assert_eq!(
            (fresh.stale, fresh.marked_at, fresh.computed_at),
            (false, None, None)
        );
        // Storing reports marks the findings stale in the same transaction.
        store
            .write(vec![file("000.txt", "h0", Ok(new_report(seed("000"))))])
            .unwrap();
        let written = store.cross_state().unwrap();
        assert!(written.stale);
        assert!(written.marked_at.is_some());
        assert_eq!(written.computed_at, None);
        // Findings computed from a step begun after the write are up to date.
        let step = store.begin_cross().unwrap();
        assert!(
            store.cross_state().unwrap().stale,
            "stale while the step runs"
        );
        store.replace_corpus_findings(step, &[]).unwrap();
        let done = store.cross_state().unwrap();
        assert!(!done.stale);
        assert!(done.computed_at.is_some());
        // Reports written (by another process) while a step runs: its findings do not
        // cover them, and the database still says so after they are stored.
        let step = store.begin_cross().unwrap();
        store
            .write(vec![file("001.txt", "h1", Ok(new_report(seed("001"))))])
            .unwrap();
        store.replace_corpus_findings(step, &[]).unwrap();
        assert!(store.cross_state().unwrap().stale);
        let step = store.begin_cross().unwrap();
        store.replace_corpus_findings(step, &[]).unwrap();
        assert!(!store.cross_state().unwrap().stale);
        // A file that gives no report is written in the same kind of transaction: marked
        // all the same (the step after it recomputes anyway).
        store
            .write(vec![file("bad.txt", "hb", Err("bad.txt: 无法读取".into()))])
            .unwrap();
        assert!(store.cross_state().unwrap().stale);
    });
}

#[test]
fn the_source_url_is_stored() {
    on_both("url", |store| {
        let mut with_url = seed("000");
        with_url.url = Some("http://www.example.gov.cn/2021.html".into());
        let without = seed("002");
        store
            .write(vec![
                file("a.txt", "h-url-1", Ok(new_report(with_url))),
                file("b.txt", "h-url-2", Ok(new_report(without))),
            ])
            .unwrap();
        let rows = store
            .query("SELECT source, url FROM reports ORDER BY source", &[])
            .unwrap();
        assert_eq!(
            rows[0].get::<Option<String>>("url").unwrap().as_deref(),
            Some("http://www.example.gov.cn/2021.html")
        );
        assert_eq!(rows[1].get::<Option<String>>("url").unwrap(), None);
        let listed = store.reports(&Filter::default()).unwrap();
        let a = listed.iter().find(|r| r.source == "a.txt").unwrap();
        assert_eq!(
            a.url.as_deref(),
            Some("http://www.example.gov.cn/2021.html")
        );
        assert_eq!(
            store.report(a.id).unwrap().url.as_deref(),
            Some("http://www.example.gov.cn/2021.html")
        );
        let b = listed.iter().find(|r| r.source == "b.txt").unwrap();
        assert_eq!(b.url, None);
        assert_eq!(store.report(b.id).unwrap().url, None);
    });
}

#[test]
fn versions_duplicates_and_failures() {
    on_both("versions", |store| {
        let written = store
            .write(vec![
                file("a/000.txt", "h0", Ok(new_report(seed("000")))),
                file("a/001.txt", "h1", Ok(new_report(seed("001")))),
                file("a/bad.pdf", "hb", Err("a/bad.pdf: 文件已加密".into())),
            ])
            .unwrap();
        let first = match written[0] {
            Written::Stored { report_id, version } => {
                assert_eq!(version, 1);
                report_id
            }
            ref w => panic!("{w:?}"),
        };
        assert!(matches!(written[1], Written::Stored { version: 1, .. }));
        assert_eq!(written[2], Written::Failed);

        // The same bytes again, under the same or another path: nothing new.
        let again = store
            .write(vec![
                file("a/000.txt", "h0", Ok(new_report(seed("000")))),
                file("b/copy-of-000.txt", "h0", Ok(new_report(seed("000")))),
            ])
            .unwrap();
        assert_eq!(
            again,
            vec![
                Written::Unchanged { report_id: first },
                Written::Unchanged { report_id: first }
            ]
        );
        // Changed bytes for the same agency and year: version 2, the only current one.
        let v2 = store
            .write(vec![file(
                "a/000.txt",
                "h0-edited",
                Ok(new_report(seed("000"))),
            )])
            .unwrap();
        let second = match v2[0] {
            Written::Stored {
                report_id,
                version: 2,
            } => report_id,
            ref w => panic!("{w:?}"),
        };
        let current = store.reports(&Filter::default()).unwrap();
        assert_eq!(current.len(), 2);
        let names: Vec<_> = current.iter().map(|r| r.agency.clone().unwrap()).collect();
        assert_eq!(names, ["瀍河回族区人民政府办公室", "辉县市人民政府"]);
        assert_eq!(current[0].id, second);
        assert_eq!(current[0].region.as_deref(), Some("河南省洛阳市瀍河回族区"));
        assert_eq!(current[0].region_code.as_deref(), Some("410304"));
        assert_eq!(current[0].level, Some(Level::Department));

        let history = store.history("瀍河回族区人民政府办公室").unwrap();
        let versions: Vec<_> = history
            .iter()
            .map(|r| (r.id, r.version, r.is_current, r.year))
            .collect();
        assert_eq!(
            versions,
            [(first, 1, false, Some(2021)), (second, 2, true, Some(2021))]
        );

        let failures = store.failures().unwrap();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].path, "a/bad.pdf");
        assert_eq!(failures[0].error, "a/bad.pdf: 文件已加密");
        assert_eq!(failures[0].kind, Some(FailureKind::Unsupported));

        let counts = store.counts().unwrap();
        assert_eq!(
            (
                counts.agencies,
                counts.reports,
                counts.current_reports,
                counts.failed_files
            ),
            (2, 3, 2, 1)
        );
    });
}

#[test]
fn reports_year_facts_and_metrics_round_trip() {
    on_both("roundtrip", |store| {
        let original = seed("001");
        let w = store
            .write(vec![file(
                "001.txt",
                "h1",
                Ok(new_report(original.clone())),
            )])
            .unwrap();
        let Written::Stored { report_id, .. } = w[0] else {
            panic!("{w:?}")
        };
        // Tables, provenance, sections and doubts come back exactly.
        assert_eq!(store.report(report_id).unwrap(), original);

        // What the cross-year rules read of it: one small record, not every cell.
        let facts = store.year_facts(&[report_id]).unwrap();
        let mine = &facts[&report_id];
        assert_eq!(mine.year, 2021);
        assert_eq!(
            mine.carried_forward,
            [
                Some(9),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(9)
            ]
        );
        assert_eq!(
            Some(mine),
            gongkai_model::year_facts::YearFacts::of(&original).as_ref()
        );

        let metrics = store.metrics().unwrap();
        assert_eq!(metrics.len(), 1);
        assert_eq!(metrics[0].values["received"], Some(9.0));
        assert_eq!(metrics[0].values["disclosure_rate"], None);
        assert_eq!(metrics[0].year, Some(2021));

        let sigs = store.copied_sections_page(i64::MIN, 100).unwrap();
        assert_eq!(sigs.len(), original.sections.len());
        // A page of one, then the next one after it.
        let first = store.copied_sections_page(i64::MIN, 1).unwrap();
        assert_eq!(first.len(), 1);
        let second = store.copied_sections_page(first[0].section_id, 1).unwrap();
        assert_eq!(second[0].section_id, sigs[1].section_id);
        let signed = store.section_bodies_signed(&[sigs[0].section_id]).unwrap();
        assert_eq!(signed[&sigs[0].section_id].1, vec![1, 2, 3]);
        assert_eq!(signed[&sigs[0].section_id].0, original.sections[0].body);
        let texts = store.section_texts(&[sigs[0].section_id]).unwrap();
        assert_eq!(texts[&sigs[0].section_id].1, original.sections[0].body);

        let coverage = store.coverage().unwrap();
        assert_eq!(coverage.len(), 1);
        assert_eq!(coverage[0].agency, "辉县市人民政府");
        assert_eq!(coverage[0].years, [2021]);
    });
}

#[test]
fn corpus_findings_are_replaced_and_mapping_merges_aliases() {
    on_both("mapping", |store| {
        let mut alias = seed("002");
        alias.agency.as_mut().unwrap().value = "西工区城改办".into();
        let mut later = seed("002");
        later.year.as_mut().unwrap().value = 2022;
        let w = store
            .write(vec![
                file("002.txt", "h2", Ok(new_report(seed("002")))),
                file("alias.txt", "h2-alias", Ok(new_report(alias))),
                file("later.txt", "h2-later", Ok(new_report(later))),
            ])
            .unwrap();
        let ids: Vec<i64> = w
            .iter()
            .map(|w| match w {
                Written::Stored { report_id, .. } => *report_id,
                w => panic!("{w:?}"),
            })
            .collect();
        let finding = |code: &str| gongkai_model::Finding {
            code: code.into(),
            name: "carry-over-mismatch".into(),
            kind: gongkai_model::FindingKind::Document,
            severity: gongkai_model::Severity::Error,
            message: "本年上年结转与上年结转下年度不一致".into(),
            labels: Vec::new(),
            notes: Vec::new(),
        };
        let one = CorpusFinding {
            report_id: ids[2],
            other_report_id: Some(ids[0]),
            finding: finding("Y001"),
        };
        let step = store.begin_cross().unwrap();
        store
            .replace_corpus_findings(step, &[one.clone(), one.clone()])
            .unwrap();
        store.replace_corpus_findings(step, &[one]).unwrap();
        let stored = store.findings(None).unwrap();
        assert_eq!(stored.len(), 1);
        assert!(stored[0].corpus);
        assert_eq!(stored[0].other_report_id, Some(ids[0]));
        assert_eq!(stored[0].finding, finding("Y001"));

        // The alias is another name of 西工区城市改造办公室; the mapping also corrects
        // the level. Its 2021 report becomes version 2 of the agency's 2021 report.
        let n = store
            .apply_mapping(
                &[AgencyInfo {
                    name: "西工区城市改造办公室".into(),
                    place: gongkai_gazetteer::Place::given(
                        gongkai_gazetteer::gazetteer().unwrap(),
                        "洛阳市西工区",
                        Some(Level::Department),
                        gongkai_gazetteer::BodyKind::Department,
                    )
                    .unwrap(),
                    placement: Placement::Mapping,
                }],
                &[("西工区城改办".into(), "西工区城市改造办公室".into())],
            )
            .unwrap();
        assert_eq!(n, 2);
        let coverage = store.coverage().unwrap();
        assert_eq!(coverage.len(), 1);
        assert_eq!(coverage[0].region, "河南省洛阳市西工区");
        assert_eq!(coverage[0].region_code.as_deref(), Some("410303"));
        assert_eq!(coverage[0].years, [2021, 2022]);
        let history = store.history("西工区城市改造办公室").unwrap();
        let versions: Vec<_> = history
            .iter()
            .map(|r| (r.id, r.year, r.version, r.is_current))
            .collect();
        assert_eq!(
            versions,
            [
                (ids[0], Some(2021), 1, false),
                (ids[1], Some(2021), 2, true),
                (ids[2], Some(2022), 1, true)
            ]
        );
    });
}

/// The seed report as if read from a file of `format`, with the given reading status.
fn as_format(stem: &str, format: SourceFormat, reading: ReadingStatus) -> NewReport {
    let mut r = seed(stem);
    r.format = format;
    r.reading = reading;
    new_report(r)
}

/// (source, format, version, current) of the agency's reports.
fn versions_of(
    store: &mut gongkai_store::Store,
    agency: &str,
) -> Vec<(String, SourceFormat, i64, bool)> {
    store
        .history(agency)
        .unwrap()
        .into_iter()
        .map(|r| (r.source, r.format, r.version, r.is_current))
        .collect()
}

/// The same tables as a web page and as a PDF: one report with two sources, read from
/// the PDF, whichever came first — in one batch or in two.
#[test]
fn the_same_tables_in_two_formats_are_one_report_in_either_order() {
    const AGENCY: &str = "瀍河回族区人民政府办公室";
    let html = || {
        file(
            "r.html",
            "h-html",
            Ok(as_format("000", SourceFormat::Html, ReadingStatus::Whole)),
        )
    };
    let pdf = || {
        file(
            "r.pdf",
            "h-pdf",
            Ok(as_format("000", SourceFormat::Pdf, ReadingStatus::Whole)),
        )
    };
    let orders: [(&str, Vec<Vec<Ingested>>); 4] = [
        ("html-then-pdf", vec![vec![html()], vec![pdf()]]),
        ("pdf-then-html", vec![vec![pdf()], vec![html()]]),
        ("one-batch-html-first", vec![vec![html(), pdf()]]),
        ("one-batch-pdf-first", vec![vec![pdf(), html()]]),
    ];
    for (name, batches) in orders {
        on_both(
            &format!("two_formats_{}", name.replace('-', "_")),
            |store| {
                let mut written = Vec::new();
                for b in batches.clone() {
                    written.extend(store.write(b).unwrap());
                }
                let id = match written[0] {
                    Written::Stored {
                        report_id,
                        version: 1,
                    } => report_id,
                    ref w => panic!("{name}: {w:?}"),
                };
                let pdf_first = name.contains("pdf-");
                assert_eq!(
                    written[1],
                    Written::OtherSource {
                        report_id: id,
                        primary: !pdf_first
                    },
                    "{name}"
                );
                assert_eq!(
                    versions_of(store, AGENCY),
                    [("r.pdf".to_string(), SourceFormat::Pdf, 1, true)],
                    "{name}"
                );
                assert_eq!(
                    store.sources(&[id]).unwrap(),
                    [(id, "r.html".to_string()), (id, "r.pdf".to_string())]
                );
                assert_eq!(store.report(id).unwrap().format, SourceFormat::Pdf);
                // The report's records once, not once per source.
                let facts = store
                    .query(
                        "SELECT COUNT(*) AS n FROM year_facts WHERE report_id = $1",
                        &[id.into()],
                    )
                    .unwrap();
                assert_eq!(facts[0].get::<i64>("n").unwrap(), 1, "{name}");
                let metrics = store
                    .query(
                        "SELECT COUNT(*) AS n FROM metrics WHERE report_id = $1",
                        &[id.into()],
                    )
                    .unwrap();
                assert_eq!(metrics[0].get::<i64>("n").unwrap(), 1, "{name}");
            },
        );
    }
}

/// The current version is the most completely read, then the newest: a partial
/// reading stored later does not displace a whole one, and a whole one stored after a
/// partial one replaces it.
#[test]
fn completeness_decides_the_current_version_before_recency() {
    const AGENCY: &str = "瀍河回族区人民政府办公室";
    on_both("completeness", |store| {
        let mut changed = seed("000");
        changed.format = SourceFormat::Text;
        changed.reading = ReadingStatus::Partial;
        store
            .write(vec![file(
                "whole.txt",
                "h-whole",
                Ok(as_format("000", SourceFormat::Text, ReadingStatus::Whole)),
            )])
            .unwrap();
        store
            .write(vec![file(
                "partial.txt",
                "h-partial",
                Ok(new_report(changed)),
            )])
            .unwrap();
        assert_eq!(
            versions_of(store, AGENCY),
            [
                ("whole.txt".to_string(), SourceFormat::Text, 1, true),
                ("partial.txt".to_string(), SourceFormat::Text, 2, false)
            ]
        );
        store
            .write(vec![file(
                "fixed.txt",
                "h-fixed",
                Ok(as_format("000", SourceFormat::Text, ReadingStatus::Whole)),
            )])
            .unwrap();
        let current: Vec<_> = versions_of(store, AGENCY)
            .into_iter()
            .filter(|v| v.3)
            .map(|v| v.0)
            .collect();
        assert_eq!(current, ["fixed.txt"]);
    });
}

/// Versions stored by one run are ordered by completeness, format and content, not by
/// the order they arrived in.
#[test]
fn versions_of_one_run_are_ordered_the_same_whatever_the_arrival_order() {
    const AGENCY: &str = "瀍河回族区人民政府办公室";
    let mut other_tables = seed("000");
    other_tables.format = SourceFormat::Markdown;
    // Different tables: another version, not another source.
    let cell = other_tables.requests.as_mut().unwrap().rows[0].cells[0]
        .value
        .replace(gongkai_model::Value::Count(99));
    assert!(cell.is_some());
    let a = || {
        file(
            "a.txt",
            "h-a",
            Ok(as_format("000", SourceFormat::Text, ReadingStatus::Whole)),
        )
    };
    let b = || file("b.md", "h-b", Ok(new_report(other_tables.clone())));
    let outcomes = std::cell::RefCell::new(Vec::new());
    for (name, batch) in [("ab", vec![a(), b()]), ("ba", vec![b(), a()])] {
        on_both(&format!("settle_{name}"), |store| {
            let ids: Vec<i64> = store
                .write(batch.clone())
                .unwrap()
                .into_iter()
                .filter_map(|w| match w {
                    Written::Stored { report_id, .. } => Some(report_id),
                    _ => None,
                })
                .collect();
            assert_eq!(ids.len(), 2);
            store.settle_versions(&ids).unwrap();
            outcomes.borrow_mut().push(versions_of(store, AGENCY));
        });
    }
    let expected = vec![
        ("a.txt".to_string(), SourceFormat::Text, 1, false),
        ("b.md".to_string(), SourceFormat::Markdown, 2, true),
    ];
    let outcomes = outcomes.into_inner();
    assert!(outcomes.len() >= 2);
    for o in &outcomes {
        assert_eq!(o, &expected);
    }
}

/// Reports stored before the version keys were kept get them when the store opens.
#[test]
fn version_keys_are_filled_for_reports_stored_before_them() {
    let dir = std::env::temp_dir().join(format!("gongkai-store-fill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("corpus.db").display().to_string();
    let expected_digest = gongkai_store::tables_digest(&seed("000"));
    assert_eq!(expected_digest.as_ref().map(String::len), Some(64));
    {
        let mut store = gongkai_store::Store::open(&path).unwrap();
        store
            .write(vec![file("a.txt", "h-fill", Ok(new_report(seed("000"))))])
            .unwrap();
        // As a database migrated from version 2 has them.
        store
            .query(
                "UPDATE reports SET reading = NULL, tables_digest = NULL",
                &[],
            )
            .unwrap();
    }
    let mut store = gongkai_store::Store::open(&path).unwrap();
    let rows = store
        .query("SELECT reading, tables_digest FROM reports", &[])
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].get::<ReadingStatus>("reading").unwrap(),
        seed("000").reading
    );
    assert_eq!(
        rows[0].get::<Option<String>>("tables_digest").unwrap(),
        expected_digest
    );
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Agencies stored before places were kept are placed when the store opens: by the
/// gazetteer from their name, or, for a mapping's correction, from its region as given.
#[test]
fn agency_places_are_filled_for_agencies_stored_before_them() {
    let dir = std::env::temp_dir().join(format!("gongkai-store-places-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("corpus.db").display().to_string();
    {
        let mut store = gongkai_store::Store::open(&path).unwrap();
        store
            .write(vec![
                file("a.txt", "h-a", Ok(new_report(seed("000")))),
                file("b.txt", "h-b", Ok(new_report(seed("004")))),
            ])
            .unwrap();
        // As a database migrated from version 4 has them: the region as the old
        // heuristics wrote it, a mapping's region as the user wrote it.
        store
            .query(
                "UPDATE agencies SET region_code = NULL, body_kind = NULL, place_status = NULL,
                   candidates = NULL, evidence = NULL, region = '西工区城市'",
                &[],
            )
            .unwrap();
        store
            .query(
                "UPDATE agencies SET placement = 'mapping', region = '洛阳市瀍河回族区', level = '部门'
                 WHERE name = '瀍河回族区人民政府办公室'",
                &[],
            )
            .unwrap();
    }
    let mut store = gongkai_store::Store::open(&path).unwrap();
    let placed: Vec<_> = store
        .agencies()
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                a.info.name,
                a.info.place.code,
                a.info.place.region,
                a.info.placement,
            )
        })
        .collect();
    assert_eq!(
        placed,
        [
            (
                "涧西区人民政府办公室".to_string(),
                Some("410305".to_string()),
                "河南省洛阳市涧西区".to_string(),
                Placement::Inferred
            ),
            (
                "瀍河回族区人民政府办公室".to_string(),
                Some("410304".to_string()),
                "河南省洛阳市瀍河回族区".to_string(),
                Placement::Mapping
            ),
        ]
    );
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A stored word that no enum value is stored as is an error naming the column and the
/// word, not a default: the database was written by something else, and says so.
#[test]
fn an_unknown_stored_word_is_an_error_naming_it() {
    on_both("unknown_word", |store| {
        store
            .write(vec![file("000.txt", "h-word", Ok(new_report(seed("000"))))])
            .unwrap();
        store
            .query("UPDATE reports SET format = 'odt'", &[])
            .unwrap();
        let e = store.reports(&Filter::default()).unwrap_err();
        assert!(
            matches!(
                &e,
                StoreError::Column {
                    column,
                    problem: ColumnProblem::Unknown { value, .. },
                } if column == "format" && value == "odt"
            ),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            "数据库列 format 无法读取：「odt」不是可识别的来源格式"
        );
    });
}
