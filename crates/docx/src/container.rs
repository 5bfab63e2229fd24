//! The zip container: recognise what the bytes are, find the main document part, and
//! inflate it under limits.
//!
//! The document part is inflated by hand from its raw (compressed) bytes so that both
//! the output size and the output/input ratio are checked as the bytes come out: the
//! sizes in the zip headers are not trusted, and a bomb is stopped after a few MB.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use flate2::{Decompress, FlushDecompress, Status};
use zip::{CompressionMethod, ZipArchive};

use crate::limits::{MAX_ENTRIES, MAX_RATIO, MAX_XML_BYTES, RATIO_FLOOR};
use crate::DocxError;

/// OLE2 compound file magic (DOC, WPS, encrypted OOXML).
pub(crate) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The stream name of an encrypted OOXML package, as stored (UTF-16LE) in the OLE directory.
const ENCRYPTED_PACKAGE: &[u8] = b"E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";

/// Relationships part of the package root (small: capped at 1 MB).
const MAX_RELS_BYTES: u64 = 1 << 20;

/// Decide whether the bytes can be a DOCX, with a precise error when they cannot.
pub(crate) fn sniff(bytes: &[u8]) -> Result<(), DocxError> {
    if bytes.is_empty() {
        return Err(DocxError::NotZip("文件为空".into()));
    }
    if bytes.starts_with(&OLE_MAGIC) {
        if memchr::memmem::find(bytes, ENCRYPTED_PACKAGE).is_some() {
            return Err(DocxError::Encrypted);
        }
        return Err(DocxError::LegacyFormat);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(());
    }
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let what = if bytes.starts_with(b"%PDF") {
        "这是 PDF 文件"
    } else if t.starts_with("{\\rtf") {
        "这是 RTF 文件（可能是改了扩展名的文档），请另存为 DOCX"
    } else if t.contains("<html") || t.starts_with("<!doctype html") || t.contains("<meta") {
        "这是网页（HTML）文件，不是 Word 文档"
    } else if t.starts_with("<?xml") {
        "这是 XML 文件（可能是 Word 2003 XML 格式），请另存为 DOCX"
    } else if bytes.starts_with(b"PK") {
        "ZIP 文件头不完整"
    } else {
        "文件内容不是 ZIP 压缩包"
    };
    Err(DocxError::NotZip(what.into()))
}

fn corrupt(e: zip::result::ZipError) -> DocxError {
    use zip::result::ZipError as Z;
    match e {
        Z::UnsupportedArchive(m) if m.to_ascii_lowercase().contains("password") => {
            DocxError::Encrypted
        }
        Z::InvalidPassword => DocxError::Encrypted,
        Z::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            DocxError::Truncated("压缩包中的文件被截断".into())
        }
        other => DocxError::Corrupt(format!("无法读取压缩包（{other}）")),
    }
}

/// What a cut-off zip lacks, or `None` when it ends as a whole zip does: with its
/// end-of-central-directory record (in the last 64 KB, after which only a comment may
/// follow), whole, and pointing at a central directory inside the file. The zip is
/// read from that directory at its end, so a download cut short loses it first.
pub(crate) fn incomplete(bytes: &[u8]) -> Option<String> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    let from = bytes.len().saturating_sub(EOCD_LEN + 0xFFFF);
    let Some(at) = memchr::memmem::rfind(&bytes[from..], EOCD).map(|i| from + i) else {
        return Some("缺少压缩包目录".into());
    };
    let Some(record) = bytes.get(at..at + EOCD_LEN) else {
        return Some("压缩包目录的结束记录不完整".into());
    };
    let u32_at =
        |i: usize| u32::from_le_bytes([record[i], record[i + 1], record[i + 2], record[i + 3]]);
    let (size, offset) = (u32_at(12), u32_at(16));
    // ZIP64 keeps the real values elsewhere; the zip reader checks those.
    if size == u32::MAX || offset == u32::MAX {
        return None;
    }
    match (offset as usize).checked_add(size as usize) {
        Some(end) if end <= at => None,
        _ => Some("压缩包目录的位置超出文件范围".into()),
    }
}

/// The parts read from a package.
pub(crate) struct Package {
    /// The main document part (`word/document.xml` or wherever `_rels/.rels` points).
    pub document: String,
    /// `numbering.xml` and `styles.xml` beside it, when present and readable (they only
    /// serve list numbering: a problem with them is not an error).
    pub numbering: Option<String>,
    pub styles: Option<String>,
}

/// Cap for the auxiliary parts (numbering, styles).
const MAX_AUX_BYTES: u64 = 16 << 20;

/// Read the package: the main document part as text, and its numbering and styles.
pub(crate) fn read_package(bytes: &[u8]) -> Result<Package, DocxError> {
    sniff(bytes)?;
    if let Some(missing) = incomplete(bytes) {
        return Err(DocxError::Truncated(missing));
    }
    // Every central-directory entry starts with this signature: an upper bound on the
    // entries, counted before the zip reader allocates anything for them.
    let signatures = memchr::memmem::find_iter(bytes, b"PK\x01\x02").count();
    if signatures > MAX_ENTRIES {
        return Err(DocxError::TooLarge(format!(
            "压缩包内文件数超过 {MAX_ENTRIES} 个"
        )));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(DocxError::TooLarge(format!(
            "压缩包内文件数超过 {MAX_ENTRIES} 个"
        )));
    }
    let target = find_index(&archive, "_rels/.rels")
        .and_then(|i| extract(&mut archive, i, MAX_RELS_BYTES).ok())
        .and_then(|rels| office_document_target(&rels));
    let index = target
        .as_deref()
        .and_then(|t| find_index(&archive, t))
        .or_else(|| find_index(&archive, "word/document.xml"))
        .ok_or(DocxError::NoDocument)?;
    let data = extract(&mut archive, index, MAX_XML_BYTES)?;
    let document = decode_xml(data);
    let main_name = archive
        .name_for_index(index)
        .and_then(Result::ok)
        .map(|n| n.into_owned())
        .unwrap_or_default();
    let dir = match main_name.rfind('/') {
        Some(i) => &main_name[..=i],
        None => "",
    };
    let mut aux = |name: &str| {
        find_index(&archive, &format!("{dir}{name}"))
            .and_then(|i| extract(&mut archive, i, MAX_AUX_BYTES).ok())
            .map(decode_xml)
    };
    let numbering = aux("numbering.xml");
    let styles = if numbering.is_some() {
        aux("styles.xml")
    } else {
        None
    };
    Ok(Package {
        document,
        numbering,
        styles,
    })
}

/// Index of a part by name: exact, then ignoring ASCII case (OPC part names are
/// case-insensitive) and a leading slash.
fn find_index<R: Read + std::io::Seek>(archive: &ZipArchive<R>, name: &str) -> Option<usize> {
    let name = name.trim_start_matches('/');
    if let Some(i) = archive.index_for_name(name) {
        return Some(i);
    }
    archive
        .file_names()
        .position(|n| n.is_ok_and(|n| n.trim_start_matches('/').eq_ignore_ascii_case(name)))
}

/// The target of the officeDocument relationship in `_rels/.rels`.
fn office_document_target(rels: &[u8]) -> Option<String> {
    use quick_xml::events::Event;
    let text = String::from_utf8_lossy(rels);
    let mut reader = quick_xml::Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                if e.local_name().as_ref() != "Relationship" {
                    continue;
                }
                let mut ty = None;
                let mut target = None;
                for a in e.attributes().with_checks(false).flatten() {
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .ok()
                        .map(Cow::into_owned);
                    match a.key.local_name().as_ref() {
                        "Type" => ty = v,
                        "Target" => target = v,
                        _ => {}
                    }
                }
                if ty.is_some_and(|t| t.ends_with("/officeDocument")) {
                    let t = target?;
                    let t = t.trim_start_matches('/');
                    let t = t.strip_prefix("./").unwrap_or(t);
                    return Some(t.to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The bytes of one entry, inflated under `limit` and the ratio cap, CRC checked.
pub(crate) fn extract<R: Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    limit: u64,
) -> Result<Vec<u8>, DocxError> {
    let mut file = archive.by_index_raw(index).map_err(corrupt)?;
    if file.encrypted() {
        return Err(DocxError::Encrypted);
    }
    let method = file.compression();
    let crc = file.crc32();
    let compressed_size = file.compressed_size();
    // The raw bytes are a slice of the input (which is in memory already): bounded by it.
    // (The declared size is not trusted for the allocation either.)
    let mut raw = Vec::with_capacity(compressed_size.min(limit).min(1 << 20) as usize);
    file.read_to_end(&mut raw)
        .map_err(|_| DocxError::Corrupt("文件被截断（不完整）".into()))?;
    let data = match method {
        CompressionMethod::Stored => {
            if raw.len() as u64 > limit {
                return Err(too_large(limit));
            }
            raw
        }
        CompressionMethod::Deflated => inflate_limited(&raw, limit)?,
        other => {
            return Err(DocxError::Corrupt(format!(
                "不支持的压缩方式（{other:?}），Word 文档只用 Deflate"
            )))
        }
    };
    let mut c = flate2::Crc::new();
    c.update(&data);
    if c.sum() != crc {
        return Err(DocxError::Corrupt("文件校验和不符".into()));
    }
    Ok(data)
}

fn too_large(limit: u64) -> DocxError {
    DocxError::TooLarge(format!("正文部分解压后超过 {} MB", limit >> 20))
}

/// Inflate a raw deflate stream, stopping as soon as the output passes `limit` or the
/// output/input ratio passes [`MAX_RATIO`] (beyond [`RATIO_FLOOR`] bytes of output).
pub(crate) fn inflate_limited(input: &[u8], limit: u64) -> Result<Vec<u8>, DocxError> {
    let mut d = Decompress::new(false);
    let mut out: Vec<u8> = Vec::with_capacity((input.len() as u64 * 4).min(limit) as usize);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let (in0, out0) = (d.total_in(), d.total_out());
        let pos = (in0 as usize).min(input.len());
        let status = d
            .decompress(&input[pos..], &mut chunk, FlushDecompress::None)
            .map_err(|_| DocxError::Corrupt("压缩数据损坏".into()))?;
        let produced = (d.total_out() - out0) as usize;
        let total_out = d.total_out();
        if total_out > limit {
            return Err(too_large(limit));
        }
        if total_out > RATIO_FLOOR && total_out > d.total_in().max(1) * MAX_RATIO {
            return Err(DocxError::TooLarge(format!(
                "压缩比超过 {MAX_RATIO}:1（解压 {} MB 时仅读入 {} KB 压缩数据）",
                total_out >> 20,
                d.total_in() >> 10
            )));
        }
        out.extend_from_slice(&chunk[..produced]);
        match status {
            Status::StreamEnd => return Ok(out),
            Status::Ok | Status::BufError => {
                if d.total_in() == in0 && d.total_out() == out0 {
                    return Err(DocxError::Corrupt("压缩数据不完整（文件被截断）".into()));
                }
            }
        }
    }
}

/// The XML as text: UTF-16 when it has a UTF-16 byte-order mark, else UTF-8
/// (invalid sequences replaced rather than refused).
fn decode_xml(data: Vec<u8>) -> String {
    let utf16 = |bytes: &[u8], le: bool| -> String {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = data.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = data.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    let data = match data.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => rest.to_vec(),
        None => data,
    };
    match String::from_utf8(data) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert!(matches!(sniff(b""), Err(DocxError::NotZip(_))));
        assert!(matches!(sniff(b"%PDF-1.7"), Err(DocxError::NotZip(m)) if m.contains("PDF")));
        assert!(matches!(sniff(b"<html><body>"), Err(DocxError::NotZip(m)) if m.contains("HTML")));
        assert!(matches!(sniff(b"{\\rtf1"), Err(DocxError::NotZip(m)) if m.contains("RTF")));
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0; 100]);
        assert_eq!(sniff(&ole), Err(DocxError::LegacyFormat));
        ole.extend_from_slice(ENCRYPTED_PACKAGE);
        assert_eq!(sniff(&ole), Err(DocxError::Encrypted));
    }

    #[test]
    fn rels_target() {
        let rels = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        assert_eq!(
            office_document_target(rels).as_deref(),
            Some("word/document2.xml")
        );
    }

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut c = flate2::Compress::new(flate2::Compression::default(), false);
        let mut out = Vec::with_capacity(data.len() + 64);
        c.compress_vec(data, &mut out, flate2::FlushCompress::Finish)
            .unwrap();
        out
    }

    #[test]
    fn inflating_stops_at_the_size_limit() {
        // Varied text (low ratio): only the size limit can stop it.
        let data: Vec<u8> = (0..100_000u32)
            .flat_map(|i| format!("{} ", i.wrapping_mul(2_654_435_761) % 1000).into_bytes())
            .collect();
        let z = deflate(&data);
        assert_eq!(inflate_limited(&z, data.len() as u64).unwrap(), data);
        let e = inflate_limited(&z, 10_000).unwrap_err();
        assert!(
            matches!(e, DocxError::TooLarge(ref m) if m.contains("MB")),
            "{e:?}"
        );
    }

    #[test]
    fn inflating_stops_at_the_ratio_limit() {
        let zeros = vec![0u8; 8 << 20];
        let z = deflate(&zeros);
        let e = inflate_limited(&z, MAX_XML_BYTES).unwrap_err();
        assert!(
            matches!(e, DocxError::TooLarge(ref m) if m.contains("压缩比")),
            "{e:?}"
        );
        // Below the floor, a high ratio is fine.
        let small = vec![0u8; 1 << 20];
        assert_eq!(
            inflate_limited(&deflate(&small), MAX_XML_BYTES).unwrap(),
            small
        );
    }

    #[test]
    fn truncated_deflate_is_corrupt() {
        let data = b"hello hello hello world".repeat(50);
        let z = deflate(&data);
        let e = inflate_limited(&z[..z.len() / 2], MAX_XML_BYTES).unwrap_err();
        assert!(matches!(e, DocxError::Corrupt(_)), "{e:?}");
    }

    #[test]
    fn utf16_xml() {
        let s = "<a>表</a>";
        let mut b = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_xml(b), s);
    }
}
