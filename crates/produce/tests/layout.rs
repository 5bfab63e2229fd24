//! The tables as the official 2021 template draws them: the generated DOCX has the
//! template's three grids (`../shared/corpus/tmpl_blank_2021ed.docx`, the blank template
//! as published) — the same size, the same merged cells, the same labels — with the
//! numbers where the template is blank. The HTML draws the same merges. Missing
//! `../shared` is a failure, not a skip.

use std::path::Path;

use gongkai_deadline::Calendar;
use gongkai_ingest::{load_bytes, Content};
use gongkai_ledger::sample::random_ledger;
use gongkai_ledger::tables::compute;
use gongkai_model::{Block, Grid};
use gongkai_produce::{docx, draft, html, AgencyText};

fn grids(path: &str, bytes: &[u8]) -> Vec<Grid> {
    let loaded = load_bytes(Path::new(path), bytes).unwrap();
    let Content::Document(doc) = loaded.content else {
        panic!("{path} did not load as a document")
    };
    doc.blocks
        .into_iter()
        .filter_map(|b| match b {
            Block::Table { grid } => Some(grid),
            _ => None,
        })
        .collect()
}

fn shape(g: &Grid) -> Vec<Vec<(bool, String)>> {
    g.rows
        .iter()
        .map(|row| {
            row.iter()
                // Narrow cells break their labels over lines ("商业\n企业"): the words count.
                .map(|c| {
                    (
                        c.covered,
                        c.text.chars().filter(|ch| !ch.is_whitespace()).collect(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_generated_tables_are_the_official_templates() {
    let template =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/tmpl_blank_2021ed.docx");
    let bytes = std::fs::read(&template)
        .unwrap_or_else(|e| panic!("{} (the shared corpus is needed): {e}", template.display()));
    let official = grids("tmpl.docx", &bytes);
    assert_eq!(official.len(), 3);

    let cal = Calendar::official();
    let t = compute(&random_ledger(11, 500), &cal, 2023).unwrap();
    let d = draft("某市某局", &t, &AgencyText::default());
    let ours = grids("r.docx", &docx(&d));
    assert_eq!(ours.len(), 3);
    for (n, (theirs, mine)) in official.iter().zip(&ours).enumerate() {
        let (theirs, mine) = (shape(theirs), shape(mine));
        assert_eq!(theirs.len(), mine.len(), "table {n}: rows");
        for (r, (a, b)) in theirs.iter().zip(&mine).enumerate() {
            assert_eq!(a.len(), b.len(), "table {n} row {r}: width");
            for (c, (x, y)) in a.iter().zip(b).enumerate() {
                assert_eq!(x.0, y.0, "table {n} row {r} column {c}: merged or not");
                if !x.1.is_empty() {
                    assert_eq!(x.1, y.1, "table {n} row {r} column {c}: label");
                } else if !x.0 {
                    // Where the template is blank, a number.
                    assert!(
                        y.1.parse::<f64>().is_ok(),
                        "table {n} row {r} column {c}: {:?}",
                        y.1
                    );
                }
            }
        }
    }
    // The HTML has the same merges (read back as the same grids).
    let page = grids("r.html", html(&d).as_bytes());
    assert_eq!(
        page.iter().map(shape).collect::<Vec<_>>(),
        ours.iter().map(shape).collect::<Vec<_>>()
    );
    let text = html(&d);
    assert!(
        text.contains("<td rowspan=\"2\">总计</td>"),
        "总计 spans the two header rows"
    );
    assert!(text.contains("<td>其他</td>"));
}

/// The merged cells are the template's, not just the covered positions: where a covered
/// position could continue the cell above or the one to its left, the writers are given
/// the template's merges. In table 三, （七）总计 is one row two columns wide and
/// 四、结转下年度继续办理 one row three columns wide (read the other way, the grid would
/// draw （七）总计 two rows high beside a one-column 四); 三、本年度办理结果 spans its 22
/// rows and 总计 the two header rows.
#[test]
fn the_writers_draw_the_templates_merged_cells() {
    let cal = Calendar::official();
    let t = compute(&random_ledger(5, 200), &cal, 2023).unwrap();
    let d = draft("某市某局", &t, &AgencyText::default());
    let page = html(&d);
    for cell in [
        r#"<td colspan="2">（七）总计</td>"#,
        r#"<td colspan="3">四、结转下年度继续办理</td>"#,
        r#"<td rowspan="22">三、本年度办理结果</td>"#,
        r#"<td rowspan="2">总计</td>"#,
    ] {
        assert!(page.contains(cell), "{cell} not in the HTML");
    }
    // The DOCX: the same cells' properties in word/document.xml.
    let bytes = docx(&d);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    // The properties of the cell whose text is `label`.
    let props = |label: &str| -> String {
        let at = xml
            .find(&format!(">{label}<"))
            .unwrap_or_else(|| panic!("{label}"));
        let tc = xml[..at].rfind("<w:tc>").unwrap();
        let end = xml[tc..].find("</w:tcPr>").unwrap() + tc;
        xml[tc..end].to_string()
    };
    let seven = props("（七）总计");
    assert!(seven.contains(r#"<w:gridSpan w:val="2"/>"#), "{seven}");
    assert!(!seven.contains("vMerge"), "{seven}");
    let four = props("四、结转下年度继续办理");
    assert!(four.contains(r#"<w:gridSpan w:val="3"/>"#), "{four}");
    let three = props("三、本年度办理结果");
    assert!(three.contains(r#"<w:vMerge w:val="restart"/>"#), "{three}");
}
