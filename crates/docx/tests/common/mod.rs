//! Helpers for hand-made DOCX bytes.
#![allow(dead_code)]

use std::io::{Cursor, Write};

use gongkai_model::Document;

pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

pub const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A zip of (name, content) entries, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A DOCX whose body is `body` (WordprocessingML with the `w:` prefix and the usual
/// `mc`, `wps`, `v` prefixes declared).
pub fn docx(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", xml.as_bytes()),
    ])
}

pub fn read_body(body: &str) -> Document {
    gongkai_docx::read(&docx(body)).unwrap()
}

/// The text of every line block.
pub fn lines(doc: &Document) -> Vec<String> {
    doc.line_texts("\t")
}

/// Every table as rows of cell texts, covered positions as "~".
pub fn tables(doc: &Document) -> Vec<Vec<Vec<String>>> {
    doc.table_texts("~")
}

/// A paragraph with one run of text.
pub fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// A table cell: `props` goes into `w:tcPr`.
pub fn tc(props: &str, text: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text))
}

/// A zip built by hand from raw entries: (name, method, raw data, crc32, declared
/// uncompressed size). Lets a test lie in the headers.
pub fn raw_zip(entries: &[(&str, u16, &[u8], u32, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, method, data, crc, size) in entries {
        let offset = out.len() as u32;
        let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
        let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
        // Local file header.
        le32(&mut out, 0x0403_4b50);
        le16(&mut out, 20);
        le16(&mut out, 0);
        le16(&mut out, *method);
        le16(&mut out, 0);
        le16(&mut out, 0x21);
        le32(&mut out, *crc);
        le32(&mut out, data.len() as u32);
        le32(&mut out, *size);
        le16(&mut out, name.len() as u16);
        le16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Central directory header.
        le32(&mut central, 0x0201_4b50);
        le16(&mut central, 20);
        le16(&mut central, 20);
        le16(&mut central, 0);
        le16(&mut central, *method);
        le16(&mut central, 0);
        le16(&mut central, 0x21);
        le32(&mut central, *crc);
        le32(&mut central, data.len() as u32);
        le32(&mut central, *size);
        le16(&mut central, name.len() as u16);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le16(&mut central, 0);
        le32(&mut central, 0);
        le32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// A raw deflate stream of `mb` megabytes of `byte`, built from one compressed
/// megabyte repeated (full flushes make the pieces independent): a few hundred KB.
pub fn deflate_repeated(byte: u8, mb: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let input = vec![byte; 1 << 20];
    let mut c = Compress::new(Compression::best(), false);
    let mut piece = Vec::with_capacity(1 << 16);
    c.compress_vec(&input, &mut piece, FlushCompress::Full)
        .unwrap();
    assert_eq!(c.total_in(), input.len() as u64, "one call compresses all");
    let mut out = Vec::with_capacity(piece.len() * mb + 8);
    for _ in 0..mb {
        out.extend_from_slice(&piece);
    }
    // A final, empty stored block ends the stream.
    out.extend_from_slice(&[0x01, 0x00, 0x00, 0xFF, 0xFF]);
    out
}
