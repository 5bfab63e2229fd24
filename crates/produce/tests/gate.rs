//! The report produced from random ledgers, written as DOCX, as HTML and as PDF and
//! read back by gongkai's own readers: every cell is read back as computed and no rule
//! finds anything (the done-when). And the gate does block: a report whose
//! section 五 is empty, or whose table has a blank the ledger did not record, does not
//! pass.
//!
//! The PDF needs a Chinese font: without one the PDF part is skipped with a note,
//! unless `GONGKAI_REQUIRE_CJK_FONT` is set (as CI sets it), where it fails.

use std::io::Write;
use std::sync::LazyLock;

use gongkai_deadline::Calendar;
use gongkai_ledger::sample::random_ledger;
use gongkai_ledger::tables::compute;
use gongkai_produce::{docx, draft, gate, html, pdf, system_cjk_font, AgencyText, PdfFont};
use proptest::prelude::*;

/// The system's Chinese font, looked up once.
static FONT: LazyLock<Option<PdfFont>> = LazyLock::new(|| {
    let font = system_cjk_font();
    if font.is_none() {
        assert!(
            std::env::var_os("GONGKAI_REQUIRE_CJK_FONT").is_none(),
            "GONGKAI_REQUIRE_CJK_FONT is set but no CJK font was found \
             (install fonts-wqy-microhei or set GONGKAI_CJK_FONT)"
        );
        // Straight to stderr: the test harness would swallow eprintln!'s note.
        let _ = writeln!(
            std::io::stderr(),
            "note: no CJK font found, the PDF report is not tested"
        );
    }
    font
});

fn text() -> AgencyText {
    AgencyText {
        overview: AgencyText::paragraphs(
            "本机关坚持以公开为常态、不公开为例外，全面推进政府信息公开工作。\n\n\
             （一）主动公开。通过门户网站及时发布政策文件和工作动态。\n\n\
             （二）依申请公开。严格按照法定程序和时限办理。",
        ),
        problems: AgencyText::paragraphs(
            "政策解读的形式还比较单一。下一步将丰富解读形式，提升公开质量。",
        ),
        other: AgencyText::paragraphs("无其他需要报告的事项。"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]
    #[test]
    fn a_report_from_any_ledger_reads_back_exactly_and_passes_the_gate(seed in any::<u64>(), n in 1000usize..3000) {
        let cal = Calendar::official();
        let ledger = random_ledger(seed, n);
        for year in 2022..=2024 {
            let t = compute(&ledger, &cal, year).unwrap();
            let d = draft("某市某局", &t, &text());
            let word = gate("report.docx", &docx(&d), &t.report).unwrap();
            prop_assert!(word.passed(), "{year} DOCX: {:?} {:?}",
                word.findings.iter().map(|f| format!("{} {}", f.code, f.message)).collect::<Vec<_>>(),
                word.mismatches);
            let page = gate("report.html", html(&d).as_bytes(), &t.report).unwrap();
            prop_assert!(page.passed(), "{year} HTML: {:?} {:?}",
                page.findings.iter().map(|f| format!("{} {}", f.code, f.message)).collect::<Vec<_>>(),
                page.mismatches);
            if let Some(font) = FONT.as_ref() {
                let bytes = pdf(&d, font).unwrap();
                let paper = gate("report.pdf", &bytes, &t.report).unwrap();
                prop_assert!(paper.passed(), "{year} PDF: {:?} {:?}",
                    paper.findings.iter().map(|f| format!("{} {}", f.code, f.message)).collect::<Vec<_>>(),
                    paper.mismatches);
            }
        }
    }
}

#[test]
fn the_gate_blocks_an_empty_section_and_an_unrecorded_count() {
    let cal = Calendar::official();
    let mut ledger = random_ledger(5, 300);
    let t = compute(&ledger, &cal, 2023).unwrap();
    let mut no_problems = text();
    no_problems.problems.clear();
    let d = draft("某市某局", &t, &no_problems);
    let result = gate("r.docx", &docx(&d), &t.report).unwrap();
    assert!(!result.passed());
    let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["S004"]);
    assert!(result.mismatches.is_empty());

    ledger.decisions.retain(|d| d.year != 2023);
    let t = compute(&ledger, &cal, 2023).unwrap();
    assert_eq!(t.unrecorded.len(), 3);
    let d = draft("某市某局", &t, &text());
    let result = gate("r.html", html(&d).as_bytes(), &t.report).unwrap();
    let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["V001", "V001", "V001"]);
    // The PDF prints the blanks as empty cells: the same findings.
    if let Some(font) = FONT.as_ref() {
        let result = gate("r.pdf", &pdf(&d, font).unwrap(), &t.report).unwrap();
        let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["V001", "V001", "V001"]);
    }
}

#[test]
fn a_number_written_other_than_computed_is_caught() {
    use gongkai_model::schema::RequestRowKey;
    use gongkai_model::Cell;
    let cal = Calendar::official();
    let t = compute(&random_ledger(9, 400), &cal, 2023).unwrap();
    let mut d = draft("某市某局", &t, &text());
    // What is written differs from the ledger in one cell.
    let row = &mut d.tables.requests.as_mut().unwrap().rows[0];
    assert_eq!(row.key, RequestRowKey::NewReceived);
    let n = row.cells[0].int().unwrap();
    row.cells[0] = Cell::count(n + 1, None);
    let mut results = vec![gate("r.docx", &docx(&d), &t.report).unwrap()];
    if let Some(font) = FONT.as_ref() {
        results.push(gate("r.pdf", &pdf(&d, font).unwrap(), &t.report).unwrap());
    }
    for result in results {
        caught(&result, n);
    }
}

/// The one cell written as `n + 1` where `n` was computed is read back and reported.
fn caught(result: &gongkai_produce::GateResult, n: i64) {
    use gongkai_model::schema::{RequestColumn, RequestRowKey};
    use gongkai_model::CellRef;
    assert!(!result.passed());
    assert_eq!(result.mismatches.len(), 1);
    let m = &result.mismatches[0];
    assert_eq!(
        m.cell,
        CellRef::Request {
            row: RequestRowKey::NewReceived,
            column: RequestColumn::NaturalPerson
        }
    );
    assert_eq!(
        (m.computed.clone(), m.read_back.clone()),
        (n.to_string(), (n + 1).to_string())
    );
    // And the report itself no longer adds up.
    let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(
        codes.contains(&"A101") && codes.contains(&"A102"),
        "{codes:?}"
    );
}
