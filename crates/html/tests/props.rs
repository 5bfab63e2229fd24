//! Any bytes, any tag soup: `read` never panics, and what it returns is well formed.

use gongkai_model::{Block, Document, Location};
use proptest::prelude::*;

/// Locations are consistent: paragraphs numbered in order, cells at their grid place.
fn well_formed(doc: &Document) {
    let (mut para, mut table) = (0u32, 0u32);
    for b in &doc.blocks {
        match b {
            Block::Line { pieces } => {
                assert_eq!(pieces.len(), 1);
                assert_eq!(pieces[0].location, Location::Paragraph { index: para });
                assert!(!pieces[0].text.trim().is_empty());
                para += 1;
            }
            Block::Table { grid } => {
                assert!(!grid.rows.is_empty());
                for (r, row) in grid.rows.iter().enumerate() {
                    assert!(!row.is_empty());
                    for (c, cell) in row.iter().enumerate() {
                        assert_eq!(
                            cell.location,
                            Location::Cell {
                                table,
                                row: r as u32,
                                column: c as u32
                            }
                        );
                        assert!(!cell.covered || cell.text.is_empty());
                    }
                }
                table += 1;
            }
            Block::PageBreak { .. } => panic!("no page breaks in HTML"),
        }
    }
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=TRS_Editor>".to_string()),
        Just("</div>".to_string()),
        Just("<table>".to_string()),
        Just("</table>".to_string()),
        Just("<tr>".to_string()),
        Just("</tr>".to_string()),
        Just("<td>".to_string()),
        Just("</td>".to_string()),
        Just("<br>".to_string()),
        Just("<a href=x>".to_string()),
        Just("</a>".to_string()),
        Just("<script>var c = \"<p>".to_string()),
        Just("\";</script>".to_string()),
        Just("<meta charset=gbk>".to_string()),
        Just("<title>".to_string()),
        Just("<h1>".to_string()),
        Just("<li>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("&nbsp;".to_string()),
        Just("一、总体情况".to_string()),
        Just("二、主动公开政府信息情况".to_string()),
        Just("第二十条第（一）项".to_string()),
        Just("信息内容".to_string()),
        Just("本年新收".to_string()),
        Just("行政复议".to_string()),
        Just("某区2023年政府信息公开工作年度报告".to_string()),
        Just("2023年".to_string()),
        Just("政府信息公开工作年度报告".to_string()),
        (0u32..100_000).prop_map(|n| format!("<td rowspan={n}>")),
        (0u32..100_000).prop_map(|n| format!("<td colspan=\"{n}\">")),
        "[0-9 \\n]{0,5}",
        "\\PC{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
    ))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(doc) = gongkai_html::read(&bytes) {
            well_formed(&doc);
            let _ = gongkai_parse::parse_document("x.html", &doc);
        }
    }

    #[test]
    fn tag_soup_never_panics(pieces in proptest::collection::vec(piece(), 0..120)) {
        let page = pieces.concat();
        if let Ok(doc) = gongkai_html::read(page.as_bytes()) {
            well_formed(&doc);
            let _ = gongkai_parse::parse_document("x.html", &doc);
            // What was read writes back to a page that reads the same.
            let page = gongkai_html::write("x", &doc.blocks);
            let again = gongkai_html::read(page.as_bytes());
            prop_assert!(again.as_ref() == Ok(&doc), "write → read differs: {}", page);
        }
        // The same soup as GBK bytes.
        let gbk = encoding_rs::GBK.encode(&page).0.into_owned();
        let _ = gongkai_html::read(&gbk);
    }
}
