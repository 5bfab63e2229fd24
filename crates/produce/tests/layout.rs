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
