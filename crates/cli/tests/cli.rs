//! The `gongkai` binary end to end, on the bundled seed reports and on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed(stem: &str) -> PathBuf {
    root().join("examples/seeds").join(format!("{stem}.txt"))
}

fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .expect("run gongkai")
}

fn check_json(path: &Path) -> (i32, Json) {
    let out = gongkai(&["check", "--format", "json", path.to_str().unwrap()]);
    let v: Json = serde_json::from_slice(&out.stdout).expect("json");
    (out.status.code().unwrap(), v[0].clone())
}

/// (name, kind, severity) of every finding.
fn findings(v: &Json) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["kind"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn errors(v: &Json) -> Vec<String> {
    findings(v)
        .into_iter()
        .filter(|f| f.2 == "error")
        .map(|f| f.0)
        .collect()
}

#[test]
fn seed_000_prose_contradicts_tables() {
    let (code, v) = check_json(&seed("000_bdef848fa1eb37a7"));
    assert_eq!(code, 1);
    assert_eq!(errors(&v), vec!["prose-table-mismatch"]);
    let f = &v["findings"].as_array().unwrap()[0];
    assert_eq!(f["code"], "B001");
    assert_eq!(f["kind"], "document");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("未收到") && msg.contains('9'), "{msg}");
    let notes = f["notes"].to_string();
    assert!(
        notes.contains("行政复议2件") && notes.contains("行政诉讼2件"),
        "{notes}"
    );
    // The primary location is the prose sentence, line 16 of the file.
    assert_eq!(f["location"]["line"], 16);
}

#[test]
fn seed_001_inferred_values_are_doubts_not_errors() {
    let (code, v) = check_json(&seed("001_80982073e3dd5082"));
    assert_eq!(code, 0);
    let fs = findings(&v);
    // The 23 rows that each lost one cell are one finding, a label per row.
    assert_eq!(fs.len(), 1);
    assert_eq!(v["findings"][0]["labels"].as_array().unwrap().len(), 23);
    assert!(fs.iter().all(|f| f
        == &(
            "inferred-value".to_string(),
            "extraction".into(),
            "warning".into()
        )));
}

#[test]
fn seed_002_is_clean() {
    let (code, v) = check_json(&seed("002_d134efd7659efa26"));
    assert_eq!(code, 0);
    assert_eq!(findings(&v), vec![]);
}

#[test]
fn seed_003_edition_mismatch_and_blank_cells() {
    let (code, v) = check_json(&seed("003_bdcd87e779cdd68c"));
    assert_eq!(code, 1);
    let names: std::collections::BTreeSet<String> = errors(&v).into_iter().collect();
    assert_eq!(
        names,
        ["blank-cell", "edition-mismatch"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    // Both tables in the 2019 layout: table 二 and table 三's single （六） row.
    assert_eq!(
        errors(&v)
            .iter()
            .filter(|n| *n == "edition-mismatch")
            .count(),
        2
    );
}

#[test]
fn seed_004_empty_section_six() {
    let (code, v) = check_json(&seed("004_5f1b2c2b9a4fad93"));
    assert_eq!(code, 1);
    assert_eq!(
        findings(&v),
        vec![("empty-section".into(), "document".into(), "error".into())]
    );
    assert!(v["findings"][0]["message"].as_str().unwrap().contains("六"));
}

#[test]
fn human_output_underlines_numbers() {
    let out = gongkai(&[
        "check",
        "--color",
        "never",
        seed("000_bdef848fa1eb37a7").to_str().unwrap(),
    ]);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("错误[B001]"), "{s}");
    assert!(s.contains("-->"), "{s}");
    assert!(s.contains('^'), "{s}");
    assert!(s.contains("1 个错误"), "{s}");
}

#[test]
fn bad_input_is_a_clear_error_and_the_batch_goes_on() {
    let dir = std::env::temp_dir().join(format!("gongkai-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let random = dir.join("random.bin");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&random, bytes).unwrap();
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let pdf = dir.join("fake.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n1 0 obj\n").unwrap();
    let prose = dir.join("novel.txt");
    std::fs::write(&prose, "从前有座山，山里有座庙。\n庙里有个老和尚。\n").unwrap();
    let good = seed("002_d134efd7659efa26");
    let out = gongkai(&[
        "check",
        "--color",
        "never",
        random.to_str().unwrap(),
        empty.to_str().unwrap(),
        pdf.to_str().unwrap(),
        prose.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    // Errors on stderr, one line each; the report and the summary on stdout.
    let e = String::from_utf8(out.stderr).unwrap();
    assert_eq!(e.lines().count(), 4, "{e}");
    assert!(e.contains("random.bin: 不是文本文件"), "{e}");
    assert!(e.contains("empty.txt: 文件为空"), "{e}");
    assert!(
        e.contains("fake.pdf: PDF文件不完整（缺少文件结束标记%%EOF；"),
        "{e}"
    );
    assert!(e.contains("novel.txt: 不是政府信息公开工作年度报告"), "{e}");
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(!s.contains("无法读取："), "{s}");
    // The good file was still checked, and the summary counts the four unread.
    assert!(s.contains("西工区城市改造办公室"), "{s}");
    assert!(
        s.ends_with(
            "共 5 个文件：0 个错误，0 个警告，0 个提示（文档问题 0，识别存疑 0）；无法读取 4 个\n"
        ),
        "{s}"
    );
    let missing = gongkai(&["check", dir.join("nope.txt").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.txt: 无法读取文件"));
    std::fs::remove_dir_all(&dir).ok();
}

/// Real bad files (made once: an image-only PDF, a PDF with a user password via qpdf,
/// a PDF cut short, a DOCX whose document.xml inflates to 300 MB) and a 200 MB file:
/// each a one-line error with exit code 2, and the batch still checks the good file.
#[test]
fn scanned_encrypted_truncated_zip_bomb_and_huge_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input");
    let huge_dir = std::env::temp_dir().join(format!("gongkai-huge-{}", std::process::id()));
    std::fs::create_dir_all(&huge_dir).unwrap();
    let huge = huge_dir.join("huge.pdf");
    // Sparse: 200 MB on paper, nothing written.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    let files: Vec<String> = [
        "scanned.pdf",
        "encrypted.pdf",
        "truncated.pdf",
        "zipbomb.docx",
    ]
    .iter()
    .map(|f| dir.join(f).display().to_string())
    .chain([
        huge.display().to_string(),
        seed("002_d134efd7659efa26").display().to_string(),
    ])
    .collect();
    let mut args = vec!["check", "--color", "never"];
    args.extend(files.iter().map(String::as_str));
    let started = std::time::Instant::now();
    // As on a machine without the OCR engine: the scan is refused with how to install it.
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(&args)
        .env("GONGKAI_TESSERACT", "/nonexistent/tesseract")
        .output()
        .expect("run gongkai");
    assert_eq!(out.status.code(), Some(2));
    let s = String::from_utf8(out.stdout).unwrap();
    let e = String::from_utf8(out.stderr).unwrap();
    let errors: Vec<&str> = e.lines().filter(|l| l.starts_with("无法读取：")).collect();
    assert_eq!(errors.len(), 5, "{e}");
    assert!(
        errors[0].ends_with(
            "scanned.pdf: PDF是扫描件，没有文字层，需要文字识别：未安装OCR引擎：\
             找不到 tesseract 程序或其简体中文语言包 chi_sim\
             （Debian/Ubuntu：apt-get install tesseract-ocr tesseract-ocr-chi-sim）"
        ),
        "{e}"
    );
    assert!(
        errors[1].contains("encrypted.pdf: PDF文件设有打开密码"),
        "{e}"
    );
    assert!(errors[2].contains("truncated.pdf: PDF文件不完整"), "{e}");
    assert!(
        errors[3].contains("zipbomb.docx: 文件过大或疑似压缩炸弹"),
        "{e}"
    );
    assert!(errors[4].contains("huge.pdf: 文件过大"), "{e}");
    assert!(s.ends_with("；无法读取 5 个\n"), "{s}");
    assert!(s.contains("西工区城市改造办公室"), "{s}");
    // Not a timing assertion on speed: only that no input hangs the batch.
    assert!(started.elapsed().as_secs() < 60);
    std::fs::remove_dir_all(&huge_dir).ok();
}

/// `--no-ocr`: a scan is refused as unread, whether or not the engine is installed.
#[test]
fn no_ocr_refuses_a_scan_in_one_line() {
    let scan = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input/scanned.pdf");
    let out = gongkai(&[
        "check",
        "--no-ocr",
        "--color",
        "never",
        scan.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        e,
        format!(
            "无法读取：{}: PDF是扫描件，没有文字层，已按 --no-ocr 跳过文字识别（OCR）\n",
            scan.display()
        )
    );
}

#[test]
fn parse_emits_canonical_json_with_provenance() {
    let out = gongkai(&["parse", seed("000_bdef848fa1eb37a7").to_str().unwrap()]);
    assert!(out.status.success());
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["agency"], "瀍河回族区人民政府办公室");
    assert_eq!(v["year"], 2021);
    assert_eq!(v["edition"], "2021");
    assert_eq!(
        v["requests"]["rows"]["new_received"],
        serde_json::json!([7, 2, 0, 0, 0, 0, 9])
    );
    let loc = &v["provenance"]["requests"]["new_received"][6]["location"];
    assert_eq!(loc["type"], "text");
    assert_eq!(loc["line"], 85);
    assert_eq!(loc["column"], 30);
    assert_eq!(v["sections"].as_array().unwrap().len(), 6);
}

#[test]
fn rules_catalogue_and_one_rule() {
    let out = gongkai(&["rules"]);
    let s = String::from_utf8(out.stdout).unwrap();
    for name in [
        "table3-column-balance",
        "table3-row-total",
        "table3-outcome-total",
        "table4-group-total",
        "blank-cell",
        "invalid-number",
        "missing-section",
        "section-order",
        "missing-table",
        "edition-mismatch",
        "legacy-format",
        "prose-table-mismatch",
        "empty-section",
        "fee-not-reported",
        "year-mismatch",
        "inferred-value",
        "unrecognised-row",
    ] {
        assert!(s.contains(name), "missing {name}");
    }
    let one = gongkai(&["rules", "A101"]);
    let s = String::from_utf8(one.stdout).unwrap();
    assert!(s.starts_with("A101 table3-column-balance"), "{s}");
    assert!(s.contains("示例"), "{s}");
    assert_eq!(gongkai(&["rules", "no-such-rule"]).status.code(), Some(2));
}

#[test]
fn select_and_ignore() {
    let p = seed("000_bdef848fa1eb37a7");
    let out = gongkai(&[
        "check",
        "--format",
        "json",
        "--ignore",
        "B001",
        p.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = gongkai(&[
        "check",
        "--format",
        "json",
        "--select",
        "A",
        p.to_str().unwrap(),
    ]);
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(
        gongkai(&["check", "--select", "Z999", p.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn eval_seeds_is_exact() {
    let out = gongkai(&[
        "eval",
        "--strict",
        "--format",
        "json",
        root().join("examples/seeds").to_str().unwrap(),
    ]);
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["cells"]["correct"], v["cells"]["total"]);
    // 5 documents: 4 × (10 + 175 + 15) + seed 003 (2019 table 二: 22 cells, table 三 23 rows: 161, 15).
    assert_eq!(v["cells"]["total"], 4 * 200 + 22 + 161 + 15);
    assert_eq!(v["documents_exact"], 5);
    assert_eq!(v["expected_found"], v["expected_total"]);
    assert_eq!(v["false_alarms"], 0);
    assert_eq!(v["silent_errors"], 0);
}

/// A report crawled onto one line: each finding shows its line around the numbers only,
/// not the whole report, and the carets stay under what they mark.
#[test]
fn a_one_line_report_is_shown_around_its_findings() {
    let text = std::fs::read_to_string(seed("001_80982073e3dd5082"))
        .unwrap()
        .replace(['\n', '\r'], "")
        .replace('\t', " ");
    let dir = std::env::temp_dir().join(format!("gongkai-one-line-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("flat.txt");
    std::fs::write(&path, &text).unwrap();
    let out = gongkai(&["check", path.to_str().unwrap()]);
    let shown = String::from_utf8(out.stdout).unwrap();
    let source_lines: Vec<&str> = shown.lines().filter(|l| l.starts_with("1 | ")).collect();
    assert!(!source_lines.is_empty(), "{shown}");
    for l in &source_lines {
        assert!(l.chars().count() <= 4 + 3 + 2 * 40 + 80 + 3, "{l}");
        assert!(l.starts_with("1 | ..."), "{l}");
    }
    // The first X001's carets stand under the label of its row, "(一) 予以公开".
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("1 | ")).unwrap();
    let (src, marks) = (lines[at], lines[at + 1]);
    let caret = marks.find('^').unwrap();
    let width = |s: &str| -> usize {
        s.chars()
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum()
    };
    // Display column of the caret = display width of the source line before the label.
    let col = width(&marks[..caret]);
    let mut w = 0;
    let mut under = String::new();
    for c in src.chars() {
        if w >= col {
            under.push(c);
        }
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if under.chars().count() >= 4 {
            break;
        }
    }
    assert_eq!(under, "予以公开", "{src}\n{marks}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A FIFO, a link to /dev/zero and PDFs cut off at several points: each refused at
/// once with its reason (exit 2), never read as a report with missing sections.
#[test]
fn fifos_devices_and_cut_off_files_are_refused() {
    let dir = std::env::temp_dir().join(format!("gongkai-cli-cut-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("pipe.txt");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let zero = dir.join("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let pdf =
        std::fs::read(root().join("crates/pdf/tests/data/pingtan_zone_2024-docx.lo.pdf")).unwrap();
    let mut args: Vec<String> = vec![
        "check".into(),
        fifo.display().to_string(),
        zero.display().to_string(),
    ];
    for cut in [100_000, 200_000, pdf.len() - 10] {
        let p = dir.join(format!("cut-{cut}.pdf"));
        std::fs::write(&p, &pdf[..cut]).unwrap();
        args.push(p.display().to_string());
    }
    let started = std::time::Instant::now();
    let out = gongkai(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    let expected: Vec<String> = [
        format!(
            "{}: 不是普通文件（命名管道（FIFO）），不读取",
            fifo.display()
        ),
        format!("{}: 不是普通文件（字符设备），不读取", zero.display()),
    ]
    .into_iter()
    .chain([100_000, 200_000, pdf.len() - 10].map(|cut| {
        format!(
            "{}: PDF文件不完整（缺少文件结束标记%%EOF；可能下载未完成或被截断），无法读取",
            dir.join(format!("cut-{cut}.pdf")).display()
        )
    }))
    .map(|m| format!("无法读取：{m}"))
    .collect();
    assert_eq!(e.lines().collect::<Vec<_>>(), expected);
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        s,
        "共 5 个文件：0 个错误，0 个警告，0 个提示（文档问题 0，识别存疑 0）；无法读取 5 个\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}
