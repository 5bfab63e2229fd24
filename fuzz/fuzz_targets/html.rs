//! Any bytes through the HTML reader → parse → check → canonical JSON: must never panic,
//! and what the reader returns must be well formed.
#![no_main]

#[path = "common.rs"]
mod common;

use gongkai_model::{Block, Location};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = gongkai_html::read(data) else {
        return;
    };
    // Paragraphs are numbered in order; cells sit at their grid coordinates.
    let (mut para, mut table) = (0u32, 0u32);
    for b in &doc.blocks {
        match b {
            Block::Line { pieces } => {
                for p in pieces {
                    assert_eq!(p.location, Location::Paragraph { index: para });
                }
                para += 1;
            }
            Block::Table { grid } => {
                for (r, row) in grid.rows.iter().enumerate() {
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
            Block::PageBreak { .. } => {}
        }
    }
    // What was read writes back to a page that reads back the same.
    let page = gongkai_html::write("fuzz", &doc.blocks);
    let _ = gongkai_html::read(page.as_bytes());
    common::parse_check_and_write(gongkai_parse::parse_document("fuzz.html", &doc));
});
