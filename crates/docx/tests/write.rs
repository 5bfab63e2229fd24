//! The writer: Document → DOCX → read → the same text and covered flags.

mod common;

use common::{lines, tables};
use gongkai_model::{Block, Document, Grid, GridCell, Location, Piece, SourceFormat};

fn cell(text: &str) -> GridCell {
    GridCell {
        text: text.into(),
        location: Location::Cell {
            table: 0,
            row: 0,
            column: 0,
        },
        covered: false,
    }
}
fn covered() -> GridCell {
    GridCell {
        covered: true,
        ..cell("")
    }
}

fn line(text: &str) -> Block {
    Block::Line {
        pieces: vec![Piece {
            text: text.into(),
            location: Location::Paragraph { index: 0 },
        }],
    }
}

/// A table-三-like grid: a 3-column label block, vertical merges, spans, blanks.
fn request_grid() -> Grid {
    let mut rows = vec![
        vec![
            cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
            covered(),
            covered(),
            cell("申请人情况"),
            covered(),
            covered(),
            covered(),
        ],
        vec![
            covered(),
            covered(),
            covered(),
            cell("自然人"),
            cell("法人或其他组织"),
            covered(),
            cell("总计"),
        ],
        vec![
            covered(),
            covered(),
            covered(),
            covered(),
            cell("商业\n企业"),
            cell("其他"),
            covered(),
        ],
        vec![
            cell("一、本年新收政府信息公开申请数量"),
            covered(),
            covered(),
            cell("217"),
            cell("1"),
            cell(""),
            cell("218"),
        ],
        vec![
            cell("三、本年度办理结果"),
            cell("（三）不予公开"),
            cell("1.属于国家秘密"),
            cell("4"),
            cell("\u{3000}"),
            cell("0"),
            cell("4"),
        ],
        vec![
            covered(),
            covered(),
            cell("2.其他法律行政法规禁止公开"),
            cell("0"),
            cell("0 & <1>"),
            cell("0"),
            cell("0"),
        ],
        vec![
            covered(),
            cell("（七）总计"),
            covered(),
            cell("217"),
            cell("1"),
            cell("0"),
            cell("218"),
        ],
    ];
    for (r, row) in rows.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            cell.location = Location::Cell {
                table: 0,
                row: r as u32,
                column: c as u32,
            };
        }
    }
    Grid { rows }
}

fn sample() -> Document {
    Document {
        format: SourceFormat::Docx,
        blocks: vec![
            line("平潭综合实验区2024年度政府信息公开工作年度报告"),
            line("三、收到和处理政府信息公开申请情况"),
            Block::Table {
                grid: request_grid(),
            },
            Block::Table {
                grid: Grid {
                    rows: vec![vec![cell("行政复议"), cell("2")]],
                },
            },
            line("带\t制表符和\n换行的段落 & <符号>"),
        ],
    }
}

#[test]
fn round_trip_keeps_text_and_covered_flags() {
    let doc = sample();
    let bytes = gongkai_docx::write(&doc.blocks);
    let back = gongkai_docx::read(&bytes).unwrap();
    assert_eq!(lines(&back), lines(&doc));
    assert_eq!(tables(&back), tables(&doc));
    // Locations are the grid's own coordinates, table index by order.
    let grids: Vec<&Grid> = back
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table { grid } => Some(grid),
            _ => None,
        })
        .collect();
    assert_eq!(grids.len(), 2);
    assert_eq!(grids[0], &request_grid());
    assert_eq!(
        grids[1].rows[0][1].location,
        Location::Cell {
            table: 1,
            row: 0,
            column: 1
        }
    );
}

#[test]
fn written_docx_is_parsed_like_the_original_layout() {
    let doc = sample();
    let back = gongkai_docx::read(&gongkai_docx::write(&doc.blocks)).unwrap();
    assert_eq!(
        gongkai_parse::SourceText::from_document(&back).original(),
        gongkai_parse::SourceText::from_document(&doc).original()
    );
}

#[test]
fn corpus_documents_round_trip() {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    if !dir.is_dir() {
        eprintln!("note: corpus absent; corpus round trip skipped");
        return;
    }
    for f in ["pingtan_zone_2024-docx.docx", "tmpl_blank_2021ed.docx"] {
        let doc = gongkai_docx::read(&std::fs::read(dir.join(f)).unwrap()).unwrap();
        let back = gongkai_docx::read(&gongkai_docx::write(&doc.blocks)).unwrap();
        assert_eq!(lines(&back), lines(&doc), "{f}");
        assert_eq!(tables(&back), tables(&doc), "{f}");
    }
}

#[test]
fn written_package_has_the_required_parts() {
    let bytes = gongkai_docx::write(&sample().blocks);
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut names: Vec<String> = z.file_names().map(|n| n.unwrap().to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "[Content_Types].xml",
            "_rels/.rels",
            "word/_rels/document.xml.rels",
            "word/document.xml"
        ]
    );
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains(r#"<w:gridSpan w:val="3"/>"#));
    assert!(xml.contains(r#"<w:vMerge w:val="restart"/>"#));
    assert!(xml.contains("<w:vMerge/>"));
    assert!(xml.contains("0 &amp; &lt;1&gt;"));
}

/// Proof that Word-compatible software opens the output: LibreOffice converts it to PDF
/// (only where LibreOffice is installed).
#[test]
fn libreoffice_opens_the_written_docx() {
    let Some(soffice) = gongkai_docx::find_soffice() else {
        eprintln!("note: LibreOffice (soffice) not installed; open-in-LibreOffice test skipped");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("written.docx");
    std::fs::write(&input, gongkai_docx::write(&sample().blocks)).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        tmp.path().display()
    );
    let status = std::process::Command::new(soffice)
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(tmp.path())
        .arg(&input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let pdf = std::fs::read(tmp.path().join("written.pdf")).expect("LibreOffice made a PDF");
    assert!(pdf.starts_with(b"%PDF"));
    assert!(pdf.len() > 1000);
}

/// Given merged cells: `[A, X] / [B, ~]` drawn with B two columns wide instead of X two
/// rows high; spans that are not the grid's are ignored.
#[test]
fn given_spans_decide_an_ambiguous_grid() {
    use gongkai_model::Span;
    let blocks = vec![Block::Table {
        grid: Grid {
            rows: vec![vec![cell("A"), cell("X")], vec![cell("B"), covered()]],
        },
    }];
    let xml = |bytes: Vec<u8>| -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut s)
            .unwrap();
        s
    };
    let guessed = xml(gongkai_docx::write(&blocks));
    assert!(guessed.contains("vMerge"), "{guessed}");
    let b_wide = vec![Span {
        row: 1,
        column: 0,
        rows: 1,
        columns: 2,
    }];
    let given = xml(gongkai_docx::write_with_spans(&blocks, &[b_wide]));
    assert!(!given.contains("vMerge"), "{given}");
    assert!(given.contains(r#"<w:gridSpan w:val="2"/>"#), "{given}");
    let wrong = vec![Span {
        row: 0,
        column: 0,
        rows: 1,
        columns: 2,
    }];
    assert_eq!(
        xml(gongkai_docx::write_with_spans(&blocks, &[wrong])),
        guessed
    );
}
