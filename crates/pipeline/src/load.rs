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
    mut loaded: gongkai_ingest::Loaded,
    metadata: &Metadata,
) -> Result<gongkai_parse::Parsed, gongkai_parse::ParseError> {
    let hints = gongkai_parse::Hints {
        year: metadata.year,
    };
    let recognised = loaded.recognised.take();
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
    if let Some(r) = recognised {
        recognition(&mut parsed.report, &r);
        parsed.report.reading = gongkai_model::ReadingStatus::of(&parsed.report);
    }
    crate::metadata::apply(&mut parsed.report, metadata);
    Ok(parsed)
}

/// What OCR read, on the report: the engine and its figures, and a doubt for every
/// number read with doubt — on the table cell it landed in, when it is one.
fn recognition(report: &mut gongkai_model::Report, r: &gongkai_ingest::Recognised) {
    use gongkai_model::{CellRef, Doubt, DoubtKind, Location};
    let cells: Vec<(CellRef, Location)> = report
        .active
        .iter()
        .flat_map(|t| t.cells().map(|(r, _, c)| (r, c)))
        .chain(report.requests.iter().flat_map(|t| t.cells()))
        .chain(report.review.iter().flat_map(|t| t.cells()))
        .filter_map(|(r, c)| c.location.clone().map(|l| (r, l)))
        .collect();
    let cell_of = |n: &gongkai_ingest::Reading| -> Option<CellRef> {
        let (cx, cy) = ((n.x0 + n.x1) / 2.0, (n.y0 + n.y1) / 2.0);
        cells.iter().find_map(|(r, l)| match *l {
            Location::Pdf {
                page,
                x0,
                y0,
                x1,
                y1,
            } if page == n.page
                && cx >= x0 - 2.0
                && cx <= x1 + 2.0
                && cy >= y0 - 2.0
                && cy <= y1 + 2.0 =>
            {
                Some(*r)
            }
            _ => None,
        })
    };
    let mut doubtful = 0u32;
    let mut lowest: Option<f32> = None;
    for n in &r.numbers {
        if !n.doubtful() {
            lowest = Some(lowest.map_or(n.confidence, |l: f32| l.min(n.confidence)));
            continue;
        }
        doubtful += 1;
        let cell = cell_of(n);
        let place = match cell {
            Some(c) => c.describe_zh(),
            None => "正文".to_string(),
        };
        let read = if n.text.is_empty() {
            "有笔迹但未能识别".to_string()
        } else {
            format!("识别为“{}”（置信度{:.0}）", n.text, n.confidence)
        };
        let other = match &n.alternative {
            Some((alt, c)) if !alt.is_empty() => format!("，另一读法“{alt}”（置信度{c:.0}）"),
            _ => String::new(),
        };
        report.doubts.push(Doubt {
            kind: DoubtKind::Recognised,
            message: format!("第{}页{place}{read}{other}", n.page),
            location: Some(Location::Pdf {
                page: n.page,
                x0: n.x0,
                y0: n.y0,
                x1: n.x1,
                y1: n.y1,
            }),
            cells: cell.into_iter().collect(),
            notes: Vec::new(),
        });
    }
    for l in &r.labels_by_order {
        let read = if l.read.is_empty() {
            "有笔迹但未能识别".to_string()
        } else {
            format!("识别为“{}”", l.read)
        };
        report.doubts.push(Doubt {
            kind: DoubtKind::PlacedByLayout,
            message: format!(
                "第{}页表三一行的标签{read}，对不上标准格式的任何一行，按上下两行的行序归入「{}」",
                l.page, l.label
            ),
            location: Some(Location::Pdf {
                page: l.page,
                x0: l.x0,
                y0: l.y0,
                x1: l.x1,
                y1: l.y1,
            }),
            cells: Vec::new(),
            notes: Vec::new(),
        });
    }
    report.recognition = Some(gongkai_model::Recognition {
        engine: r.engine.clone(),
        pages: r.pages.len() as u32,
        numbers: r.numbers.len() as u32,
        doubtful,
        lowest_confidence: lowest,
    });
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
