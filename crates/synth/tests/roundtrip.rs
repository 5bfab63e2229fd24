//! Round trip through the published formats: a generated report with random numbers is
//! laid out as a Word/HTML document (its tables as real grids), written as DOCX and HTML
//! by the readers' own writers — and as PDF through LibreOffice when it is installed —
//! read back, parsed, and must give exactly the generated tables.

use gongkai_model::{
    canonical_json, Block, CanonicalOptions, Document, Grid, GridCell, Location, Piece,
    SourceFormat,
};
use gongkai_synth::{generate, tables_json, Layout, Options, Synthetic};
use proptest::prelude::*;

/// The generated report as a document: tab-separated lines become table rows (a run of
/// them one table), other lines paragraphs. Empty cells are printed blanks, as in Word.
fn document(s: &Synthetic) -> Document {
    let mut doc = Document {
        format: SourceFormat::Docx,
        blocks: Vec::new(),
    };
    let mut rows: Vec<Vec<GridCell>> = Vec::new();
    let (mut table, mut para) = (0u32, 0u32);
    let flush = |rows: &mut Vec<Vec<GridCell>>, doc: &mut Document, table: &mut u32| {
        if !rows.is_empty() {
            let width = rows.iter().map(Vec::len).max().unwrap_or(0);
            for (r, row) in rows.iter_mut().enumerate() {
                while row.len() < width {
                    let column = row.len() as u32;
                    row.push(GridCell {
                        text: String::new(),
                        location: Location::Cell {
                            table: *table,
                            row: r as u32,
                            column,
                        },
                        covered: false,
                    });
                }
            }
            doc.blocks.push(Block::Table {
                grid: Grid {
                    rows: std::mem::take(rows),
                },
            });
            *table += 1;
        }
    };
    for line in s.text.lines() {
        if line.contains('\t') {
            let r = rows.len() as u32;
            rows.push(
                line.split('\t')
                    .enumerate()
                    .map(|(c, text)| GridCell {
                        text: text.trim().to_string(),
                        location: Location::Cell {
                            table,
                            row: r,
                            column: c as u32,
                        },
                        covered: false,
                    })
                    .collect(),
            );
        } else {
            flush(&mut rows, &mut doc, &mut table);
            if !line.trim().is_empty() {
                doc.blocks.push(Block::Line {
                    pieces: vec![Piece {
                        text: line.trim().to_string(),
                        location: Location::Paragraph { index: para },
                    }],
                });
                para += 1;
            }
        }
    }
    flush(&mut rows, &mut doc, &mut table);
    doc
}

fn tables(report: &gongkai_model::Report) -> serde_json::Value {
    let mut got = canonical_json(report, CanonicalOptions::default());
    got.as_object_mut().unwrap().remove("source");
    got
}

fn tabs(seed: u64) -> Synthetic {
    generate(
        seed,
        &Options {
            layout: Layout::Tabs,
            ..Options::default()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn docx_round_trip(seed in any::<u64>()) {
        let s = tabs(seed);
        let bytes = gongkai_docx::write(&document(&s).blocks);
        let doc = gongkai_docx::read(&bytes).expect("read back");
        let parsed = gongkai_parse::parse_document("r.docx", &doc).expect("parse");
        prop_assert_eq!(tables(&parsed.report), tables_json(&s));
    }

    #[test]
    fn html_round_trip(seed in any::<u64>()) {
        let s = tabs(seed);
        let page = gongkai_html::write(&s.agency, &document(&s).blocks);
        let doc = gongkai_html::read(page.as_bytes()).expect("read back");
        let parsed = gongkai_parse::parse_document("r.html", &doc).expect("parse");
        prop_assert_eq!(tables(&parsed.report), tables_json(&s));
    }
}

/// DOCX → PDF by LibreOffice → the PDF reader. Slow (seconds per file): a few seeds,
/// and only where `soffice` is installed.
#[test]
fn pdf_round_trip_through_libreoffice() {
    let Some(soffice) = gongkai_docx::find_soffice() else {
        eprintln!("note: soffice not installed; PDF round trip skipped");
        return;
    };
    let dir = std::env::temp_dir().join(format!("gongkai-pdf-rt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for seed in [1u64, 2, 3] {
        let s = tabs(seed);
        let docx = dir.join(format!("r{seed}.docx"));
        std::fs::write(&docx, gongkai_docx::write(&document(&s).blocks)).unwrap();
        let status = std::process::Command::new(&soffice)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(&docx)
            .output()
            .expect("run soffice");
        assert!(status.status.success(), "{status:?}");
        let pdf = std::fs::read(dir.join(format!("r{seed}.pdf"))).unwrap();
        let doc = gongkai_pdf::read(&pdf).expect("read pdf");
        let parsed = gongkai_parse::parse_document("r.pdf", &doc).expect("parse");
        assert_eq!(tables(&parsed.report), tables_json(&s), "seed {seed}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
