//! Any bytes through the DOCX reader → parse → check → canonical JSON: must never panic.
//! The grid the reader produces must be well-formed: covered cells are empty, every
//! location is a cell of its own table within the grid.
#![no_main]

#[path = "common.rs"]
mod common;

use gongkai_model::{Block, Location};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = gongkai_docx::read(data) else {
        return;
    };
    let mut table = 0u32;
    for block in &doc.blocks {
        if let Block::Table { grid } = block {
            for (r, row) in grid.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    assert!(!cell.covered || cell.text.is_empty());
                    assert_eq!(
                        cell.location,
                        Location::Cell {
                            table,
                            row: r as u32,
                            column: c as u32
                        }
                    );
                }
            }
            table += 1;
        }
    }
    // The writer must round-trip whatever the reader made.
    let again = gongkai_docx::read(&gongkai_docx::write(&doc.blocks));
    assert!(again.is_ok());
    common::parse_check_and_write(gongkai_parse::parse_document("fuzz.docx", &doc));
});
