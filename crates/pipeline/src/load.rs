//! A loaded file through the parser, with what is known about it from outside its text.

use gongkai_ingest::Content;
use gongkai_parse::SourceText;

use crate::metadata::Metadata;

/// A loaded file through the parser: text as text, a document (PDF, DOCX, HTML) laid out
/// with its places. Takes the file by value so the text is not copied. No metadata: see
/// [`parse_loaded_with`].
pub fn parse_loaded(
    name: &str,
    loaded: gongkai_ingest::Loaded,
) -> Result<gongkai_parse::Parsed, gongkai_parse::ParseError> {
    parse_loaded_with(name, loaded, &Metadata::default())
}

/// [`parse_loaded`], then the metadata known from outside the text applied
/// ([`crate::metadata::apply`]): the path of every report the CLI and the corpus read.
pub fn parse_loaded_with(
    name: &str,
    loaded: gongkai_ingest::Loaded,
    metadata: &Metadata,
) -> Result<gongkai_parse::Parsed, gongkai_parse::ParseError> {
    let hints = gongkai_parse::Hints {
        year: metadata.year,
    };
    let source = match loaded.content {
        Content::Text(text) => SourceText::new(text),
        Content::Document(doc) => SourceText::from_document(&doc),
    };
    let mut parsed = gongkai_parse::parse_source_with(name, loaded.format, source, hints)?;
    if !loaded.replaced.is_empty() {
        parsed
            .report
            .doubts
            .extend(invalid_bytes_doubts(&loaded.replaced, loaded.encoding));
        parsed.report.reading = gongkai_model::ReadingStatus::of(&parsed.report);
    }
    crate::metadata::apply(&mut parsed.report, metadata);
    Ok(parsed)
}

/// Doubts shown per file at most; the rest are counted in the last one's notes.
const MAX_INVALID_BYTE_DOUBTS: usize = 20;

/// One doubt per run of bytes replaced while decoding, with its offset in the file.
fn invalid_bytes_doubts(
    replaced: &[gongkai_ingest::Replaced],
    encoding: &str,
) -> Vec<gongkai_model::Doubt> {
    let mut out: Vec<gongkai_model::Doubt> = replaced
        .iter()
        .take(MAX_INVALID_BYTE_DOUBTS)
        .map(|r| {
            let what = if r.bytes == [0] {
                "空字符".to_string()
            } else {
                format!("无法按 {encoding} 解码的字节")
            };
            gongkai_model::Doubt {
                kind: gongkai_model::DoubtKind::InvalidBytes,
                message: format!(
                    "文件第 {} 字节处的{what}（{}）已替换为“\u{FFFD}”",
                    r.offset,
                    r.bytes_escaped()
                ),
                location: Some(r.location.clone()),
                cells: Vec::new(),
                notes: Vec::new(),
            }
        })
        .collect();
    if replaced.len() > MAX_INVALID_BYTE_DOUBTS {
        if let Some(last) = out.last_mut() {
            last.notes.push(format!(
                "另有 {} 处同样替换的字节未逐一列出",
                replaced.len() - MAX_INVALID_BYTE_DOUBTS
            ));
        }
    }
    out
}
