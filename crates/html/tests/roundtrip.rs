//! Document → HTML (`write`) → `read` → the same paragraphs and grids.

use gongkai_model::{
    canonical_json, Block, CanonicalOptions, Document, Grid, GridCell, Location, Piece,
    SourceFormat,
};

fn para(text: &str, index: u32) -> Block {
    Block::Line {
        pieces: vec![Piece {
            text: text.into(),
            location: Location::Paragraph { index },
        }],
    }
}

/// A grid from rows of cell texts, "^" for a covered position.
fn grid(table: u32, rows: &[&[&str]]) -> Block {
    Block::Table {
        grid: Grid {
            rows: rows
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    row.iter()
                        .enumerate()
                        .map(|(c, t)| GridCell {
                            text: if *t == "^" {
                                String::new()
                            } else {
                                t.to_string()
                            },
                            location: Location::Cell {
                                table,
                                row: r as u32,
                                column: c as u32,
                            },
                            covered: *t == "^",
                        })
                        .collect()
                })
                .collect(),
        },
    }
}

#[test]
fn paragraphs_and_merged_cells_survive_a_round_trip() {
    let blocks = vec![
        para("某县人民政府2021年政府信息公开工作年度报告", 0),
        para("一、总体情况", 1),
        para("文字 <b>不是标签</b> & \"引号\"\u{a0}\u{3000}。", 2),
        para("三、收到和处理政府信息公开申请情况", 3),
        grid(
            0,
            &[
                &[
                    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                    "^",
                    "^",
                    "申请人情况",
                    "^",
                    "^",
                    "^",
                ],
                &["^", "^", "^", "自然人", "法人或其他组织", "^", "总计"],
                &["^", "^", "^", "^", "商业企业", "其他", "^"],
                &[
                    "一、本年新收政府信息公开申请数量",
                    "^",
                    "^",
                    "3",
                    "",
                    "0",
                    "3",
                ],
                &[
                    "三、本年度办理结果",
                    "（一）予以公开",
                    "^",
                    "1",
                    "0",
                    "0",
                    "1",
                ],
                &["^", "（三）不予公开", "1.属于国家秘密", "0", "0", "0", "0"],
                &["^", "^", "2.其他法律行政法规禁止公开", "0", "0", "0", "0"],
                &["第一行\n第二行", "x"],
            ],
        ),
        para("四、政府信息公开行政复议、行政诉讼情况", 4),
        grid(1, &[&["行政复议", "^", "行政诉讼"], &["0", "1", "2"]]),
    ];
    let page = gongkai_html::write("某县人民政府2021年政府信息公开工作年度报告", &blocks);
    let doc = gongkai_html::read(page.as_bytes()).unwrap();
    let expected = Document {
        format: SourceFormat::Html,
        blocks,
    };
    assert_eq!(doc, expected, "{page}");
}

#[test]
fn corpus_pages_round_trip() {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    for stem in ["pingtan_zone_2019", "pingtan_zone_2024"] {
        let Ok(bytes) = std::fs::read(dir.join(format!("{stem}.html"))) else {
            println!("note: corpus absent; {stem} round trip skipped");
            continue;
        };
        let doc = gongkai_html::read(&bytes).unwrap();
        let page = gongkai_html::write(stem, &doc.blocks);
        let again = gongkai_html::read(page.as_bytes()).unwrap();
        assert_eq!(again, doc, "{stem}");
        let json = |d: &Document| {
            let p = gongkai_parse::parse_document(stem, d).unwrap();
            canonical_json(&p.report, CanonicalOptions::default())
        };
        assert_eq!(json(&again), json(&doc), "{stem}");
    }
}
