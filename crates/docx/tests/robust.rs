//! Random bytes and random damage to a valid DOCX never panic the reader.

mod common;

use proptest::prelude::*;

/// A small but complete DOCX: paragraphs, a merged table, a text box, tracked changes.
fn valid() -> Vec<u8> {
    use common::{p, tc};
    common::docx(&format!(
        "{}<w:tbl><w:tblGrid><w:gridCol w:w=\"900\"/><w:gridCol w:w=\"900\"/><w:gridCol w:w=\"20\"/></w:tblGrid><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>{}<w:p><w:del><w:r><w:delText>x</w:delText></w:r></w:del><w:r><w:tab/><w:t>尾</w:t></w:r></w:p>",
        p("二、主动公开政府信息情况"),
        tc(r#"<w:vMerge w:val="restart"/>"#, "信息内容"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "本年制发件数"),
        tc("<w:vMerge/>", ""),
        tc("", "3"),
        tc("", ""),
        tc("", "规章"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "0"),
        tc(r#"<w:gridSpan w:val="5"/>"#, "越界"),
        p("三、收到和处理政府信息公开申请情况"),
    ))
}

/// The layout text is computed too: the parser must accept whatever the reader makes.
/// Invariants: covered cells are empty, locations are the grid's own coordinates, and
/// what the reader made can be written and read again.
fn exercise(bytes: &[u8]) {
    let Ok(doc) = gongkai_docx::read(bytes) else {
        return;
    };
    let mut table = 0u32;
    for block in &doc.blocks {
        if let gongkai_model::Block::Table { grid } = block {
            for (r, row) in grid.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    assert!(!cell.covered || cell.text.is_empty());
                    assert_eq!(
                        cell.location,
                        gongkai_model::Location::Cell {
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
    assert!(gongkai_docx::read(&gongkai_docx::write(&doc.blocks)).is_ok());
    let _ = gongkai_parse::SourceText::from_document(&doc);
    let _ = gongkai_parse::parse_document("fuzz.docx", &doc);
}

#[test]
fn the_valid_sample_reads() {
    let doc = gongkai_docx::read(&valid()).unwrap();
    assert_eq!(
        common::tables(&doc),
        vec![vec![
            vec!["信息内容", "本年制发件数", "~"],
            vec!["~", "3", "~"],
            vec!["规章", "0", "越界"],
        ]]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
        // With a zip signature in front, the zip reader is reached too.
        let mut pk = b"PK\x03\x04".to_vec();
        pk.extend_from_slice(&bytes);
        exercise(&pk);
    }

    #[test]
    fn damaged_docx_never_panics(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = valid();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        if truncate {
            let n = cut.index(bytes.len());
            bytes.truncate(n);
        }
        exercise(&bytes);
    }

    #[test]
    fn damaged_document_xml_never_panics(
        cut in any::<prop::sample::Index>(),
        junk in "[<>/a-z:=\" &;#0-9]{0,40}",
    ) {
        // Damage inside the XML (the zip stays valid): splice junk in at a random place.
        let xml = String::from_utf8(
            {
                let z = valid();
                let mut a = zip::ZipArchive::new(std::io::Cursor::new(z)).unwrap();
                let mut s = Vec::new();
                std::io::Read::read_to_end(&mut a.by_name("word/document.xml").unwrap(), &mut s).unwrap();
                s
            },
        )
        .unwrap();
        let mut at = cut.index(xml.len());
        while !xml.is_char_boundary(at) {
            at -= 1;
        }
        let damaged = format!("{}{}{}", &xml[..at], junk, &xml[at..]);
        let bytes = common::zip(&[
            ("_rels/.rels", common::RELS.as_bytes()),
            ("word/document.xml", damaged.as_bytes()),
        ]);
        exercise(&bytes);
    }
}
