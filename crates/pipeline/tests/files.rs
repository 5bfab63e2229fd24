//! One file through the pipeline, as every caller reads it: what a good file gives, why
//! a bad one gives nothing (its kind and a message that names it), files read together
//! as evidence for one another, and the JSON `check` and `parse` print.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gongkai_check::Selection;
use gongkai_model::CanonicalOptions;
use gongkai_pipeline::output::{CheckOutput, ParseOutput, Tally};
use gongkai_pipeline::{FileError, FileErrorKind, Metadata, FILE_TIME_LIMIT};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-pipeline-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn seed(stem: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(stem))
        .unwrap()
}

fn read_and_check(path: &Path) -> gongkai_pipeline::Checked {
    gongkai_pipeline::read_and_check(
        path,
        &Metadata::default(),
        &Selection::all(),
        FILE_TIME_LIMIT,
    )
    .unwrap()
}

fn read_error(path: &Path) -> FileError {
    gongkai_pipeline::read(path, &Metadata::default(), FILE_TIME_LIMIT)
        .err()
        .expect("no report")
}

#[test]
fn a_report_is_read_checked_and_keeps_its_source() {
    let path = seed("000");
    let checked = read_and_check(&path);
    let report = &checked.parsed.report;
    assert!(report.agency().is_some() && report.year().is_some());
    assert_eq!(report.source, path.display().to_string());
    // Seed 000's prose contradicts its tables: a document error, placed in the source.
    assert!(checked.has_document_error());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(checked.parsed.source.original(), text);

    // The bytes read by the caller parse the same.
    let bytes = gongkai_pipeline::read_bytes(&path).unwrap();
    let again = gongkai_pipeline::parse_bytes(&path, &bytes, &Metadata::default()).unwrap();
    assert_eq!(&again.report, report);
}

#[test]
fn metadata_is_applied() {
    let metadata = Metadata {
        agency: None,
        year: None,
        url: Some("http://www.example.gov.cn/report.html".into()),
        published: Some("2024-01-20".into()),
    };
    let parsed = gongkai_pipeline::read(&seed("002"), &metadata, FILE_TIME_LIMIT).unwrap();
    assert_eq!(parsed.report.url, metadata.url);
    assert_eq!(parsed.report.published, metadata.published);
}

#[test]
fn a_file_that_gives_no_report_says_why_and_names_itself() {
    let dir = temp_dir("errors");
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "  \n").unwrap();
    let prose = dir.join("prose.txt");
    std::fs::write(&prose, "今天天气很好，我们去公园散步。\n").unwrap();
    let missing = dir.join("missing.txt");
    let cases = [
        (missing.clone(), FileErrorKind::Unreadable),
        (dir.clone(), FileErrorKind::NotRegularFile),
        (empty.clone(), FileErrorKind::NotAReport),
        (prose.clone(), FileErrorKind::NotAReport),
    ];
    for (path, kind) in cases {
        let e = read_error(&path);
        assert_eq!(e.kind(), kind, "{e}");
        assert!(
            e.to_string().starts_with(&path.display().to_string()),
            "{e}"
        );
    }
    assert!(matches!(read_error(&prose), FileError::NotAReport { .. }));
    // Past the time allowed: given up on, and said so.
    let e = gongkai_pipeline::read(&seed("002"), &Metadata::default(), Duration::ZERO)
        .err()
        .unwrap();
    assert_eq!(e.kind(), FileErrorKind::TimedOut);
    assert_eq!(
        e.to_string(),
        format!("{}: 读取超时（超过 0 秒），已放弃", seed("002").display())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const FLAT: &str = "某某局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 000\n行政规范性文件 6233440\n";

#[test]
fn files_read_together_are_evidence_for_one_another() {
    let dir = temp_dir("together");
    let flat = dir.join("flat.txt");
    std::fs::write(&flat, FLAT).unwrap();
    let copy = dir.join("page.txt");
    std::fs::write(&copy, FLAT.replace("6233440", "62 33 440")).unwrap();
    let missing = dir.join("missing.txt");
    // Alone, the run of digits splits more than one way.
    let alone = gongkai_pipeline::read(&flat, &Metadata::default(), FILE_TIME_LIMIT).unwrap();
    assert_eq!(alone.report.undecided.len(), 1);

    let files: Vec<(PathBuf, Metadata)> = [&flat, &missing, &copy]
        .into_iter()
        .map(|p| (p.clone(), Metadata::default()))
        .collect();
    let results = gongkai_pipeline::read_all_and_check(&files, &Selection::all(), FILE_TIME_LIMIT);
    assert_eq!(results.len(), 3);
    let first = results[0].as_ref().ok().unwrap();
    assert!(first.parsed.report.undecided.is_empty());
    assert_eq!(first.parsed.report.source, flat.display().to_string());
    assert_eq!(
        results[1].as_ref().err().map(FileError::kind),
        Some(FileErrorKind::Unreadable)
    );
    let third = results[2].as_ref().ok().unwrap();
    assert_eq!(third.parsed.report.source, copy.display().to_string());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_json_keeps_its_shape() {
    let path = seed("000");
    let checked = read_and_check(&path);
    let v = serde_json::to_value(CheckOutput::checked("000.txt", &checked)).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["file", "url", "agency", "year", "edition", "reading", "unread", "findings", "summary"]
    );
    let finding = &v["findings"][0];
    let keys: Vec<&str> = finding
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.first(), Some(&"code"));
    assert_eq!(keys.last(), Some(&"location"));
    assert_eq!(
        v["summary"],
        serde_json::to_value(Tally::of(&checked.findings)).unwrap()
    );
    assert_eq!(
        serde_json::to_string(&CheckOutput::unreadable("a.pdf", "a.pdf: 文件为空")).unwrap(),
        r#"{"file":"a.pdf","error":"a.pdf: 文件为空"}"#
    );
}

#[test]
fn pdf_coordinates_print_as_they_always_have() {
    let finding = gongkai_model::Finding {
        code: "X001".into(),
        name: "x".into(),
        kind: gongkai_model::FindingKind::Extraction,
        severity: gongkai_model::Severity::Info,
        message: "m".into(),
        labels: Vec::new(),
        notes: Vec::new(),
    };
    let location = gongkai_model::Location::Pdf {
        page: 4,
        x0: 103.45,
        y0: 615.46,
        x1: 309.85,
        y1: 634.91003,
    };
    let out = gongkai_pipeline::output::FindingOutput {
        finding,
        location: Some(location),
    };
    let json = serde_json::to_string(&out).unwrap();
    assert!(
        json.ends_with(r#""location":{"type":"pdf","page":4,"x0":103.44999694824219,"y0":615.4600219726562,"x1":309.8500061035156,"y1":634.9100341796875}}"#),
        "{json}"
    );
}

#[test]
fn parse_json_puts_the_url_after_the_source() {
    let metadata = Metadata {
        url: Some("http://www.example.gov.cn/r.html".into()),
        ..Metadata::default()
    };
    let parsed = gongkai_pipeline::read(&seed("002"), &metadata, FILE_TIME_LIMIT).unwrap();
    let v = serde_json::to_value(ParseOutput::new(
        &parsed.report,
        CanonicalOptions::default(),
    ))
    .unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(&keys[..2], ["source", "url"]);
    let plain =
        gongkai_pipeline::read(&seed("002"), &Metadata::default(), FILE_TIME_LIMIT).unwrap();
    let v =
        serde_json::to_value(ParseOutput::new(&plain.report, CanonicalOptions::default())).unwrap();
    assert!(v.get("url").is_none());
}
