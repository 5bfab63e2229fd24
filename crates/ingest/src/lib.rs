//! Ingest: a file's bytes → text the parser can read.
//!
//! The format is recognised by content (magic bytes, markup), not only by the file
//! extension. Anything that cannot be read — a binary file, an unsupported format, a
//! file too large — is an [`IngestError`] that names the file and says what is wrong;
//! nothing here panics on any input.
//!
//! Only regular files are read, and never more than [`MAX_FILE_BYTES`] of them: the cap
//! counts the bytes actually read, not the size the file system reports, so a link to
//! `/dev/zero`, a FIFO or a file that grows while it is read cannot hold a run up.

mod decode;
mod ocr;

use std::io::Read;
use std::path::{Path, PathBuf};

use gongkai_model::{Document, SourceFormat};

pub use decode::{decode, decode_lossy, Decoded, Replaced, Undecodable};
pub use gongkai_ocr::{Gray, LabelByOrder, PageImage, Reading};
pub use ocr::{
    engine as ocr_engine, ocr_mode, page_image, recognise, recognise_with, set_ocr_mode, OcrMode,
    Recognised, RecognisedPage, MAX_OCR_PAGES, PAGE_TIME_LIMIT,
};

/// Largest file read at all (text reports are a few dozen KB; PDFs a few MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a file's content says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    Text,
    Markdown,
    Html,
    /// A script or JSON file (`var content = "<p>…"`, `{"content": "…"}`): the report
    /// is in its string literals.
    Script,
    Pdf,
    /// A ZIP container: DOCX, WPS (new), XLSX …
    Zip,
    /// An OLE2 compound file: DOC, old WPS, XLS …
    Ole,
    /// A picture: PNG, JPEG or TIFF (a photographed or scanned page).
    Image,
    Binary,
}

impl Detected {
    pub fn display_zh(self) -> &'static str {
        match self {
            Detected::Text => "纯文本",
            Detected::Markdown => "Markdown",
            Detected::Html => "网页（HTML）",
            Detected::Script => "脚本或 JSON（报告在字符串中）",
            Detected::Pdf => "PDF",
            Detected::Zip => "Word（DOCX/ZIP）",
            Detected::Ole => "旧版 Word/WPS（DOC/WPS）",
            Detected::Image => "图片（PNG/JPEG/TIFF）",
            Detected::Binary => "二进制文件",
        }
    }
}

/// What a file holds once read: plain text, or a structured document with the places
/// of its pieces (pages and boxes, tables and cells).
#[derive(Clone, Debug)]
pub enum Content {
    Text(String),
    Document(Document),
}

/// A file read.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub format: SourceFormat,
    pub content: Content,
    /// The encoding text was decoded from ("UTF-8", "GB18030", "UTF-16LE" …); empty for
    /// binary formats.
    pub encoding: &'static str,
    /// Bytes of a text file that were not valid in its encoding (or NUL), each replaced
    /// by U+FFFD in the text: reported as extraction doubts, never silently dropped.
    pub replaced: Vec<Replaced>,
    /// For a scan read by OCR: the engine, the pages and every number read with its
    /// confidence.
    pub recognised: Option<Recognised>,
}

/// What a path that is not a regular file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialFile {
    Directory,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

impl SpecialFile {
    fn of(kind: std::fs::FileType) -> SpecialFile {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                return SpecialFile::Fifo;
            }
            if kind.is_char_device() {
                return SpecialFile::CharDevice;
            }
            if kind.is_block_device() {
                return SpecialFile::BlockDevice;
            }
            if kind.is_socket() {
                return SpecialFile::Socket;
            }
        }
        if kind.is_dir() {
            SpecialFile::Directory
        } else {
            SpecialFile::Other
        }
    }

    pub fn display_zh(self) -> &'static str {
        match self {
            SpecialFile::Directory => "文件夹",
            SpecialFile::Fifo => "命名管道（FIFO）",
            SpecialFile::CharDevice => "字符设备",
            SpecialFile::BlockDevice => "块设备",
            SpecialFile::Socket => "套接字",
            SpecialFile::Other => "特殊文件",
        }
    }
}

/// Why a file could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: 无法读取文件：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// More than `limit` bytes: `size` is what the file system reports, or — when it
    /// reports less (a device, a growing file) — the bytes read before stopping.
    #[error("{path}: 文件过大（{size} 字节以上，上限 {limit} 字节）")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// A FIFO, a device, a socket or a folder: never read (a FIFO would block, a device
    /// never ends).
    #[error("{path}: 不是普通文件（{}），不读取", .kind.display_zh())]
    NotRegular { path: PathBuf, kind: SpecialFile },
    /// The file stops before its end (a download cut short): never a report. The
    /// format reader's message says "文件不完整" and what is missing.
    #[error("{path}: {message}")]
    Incomplete { path: PathBuf, message: String },
    #[error("{path}: 文件为空")]
    Empty { path: PathBuf },
    #[error("{path}: 不是文本文件（含有二进制数据），无法识别为年度报告")]
    Binary { path: PathBuf },
    /// A script or JSON file whose strings hold no report.
    #[error(
        "{path}: 不是报告：这是脚本或 JSON 文件，其字符串中没有政府信息公开工作年度报告的内容"
    )]
    ScriptWithoutReport { path: PathBuf },
    /// The format's reader refused the file (corrupt, encrypted, scanned, too large …).
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
}

impl IngestError {
    pub fn path(&self) -> &Path {
        match self {
            IngestError::Io { path, .. }
            | IngestError::TooLarge { path, .. }
            | IngestError::NotRegular { path, .. }
            | IngestError::Incomplete { path, .. }
            | IngestError::Empty { path }
            | IngestError::Binary { path }
            | IngestError::ScriptWithoutReport { path }
            | IngestError::Read { path, .. } => path,
        }
    }
}

/// Recognise a file's format from its first bytes (and, for text, its markup; for a
/// script or JSON file, its string literals).
pub fn detect(bytes: &[u8]) -> Detected {
    sniff(bytes).0
}

/// A script's text, decoded, and what its strings hold.
struct ScriptFile {
    report: gongkai_html::ScriptReport,
    encoding: &'static str,
    /// Where the file stops part-way (a string or tag cut off), when it does.
    cut: Option<&'static str>,
}

/// [`detect`], keeping what recognising a script took (its decoded strings).
fn sniff(bytes: &[u8]) -> (Detected, Option<ScriptFile>) {
    let head = &bytes[..bytes.len().min(1024)];
    let trimmed = trim_ascii_start(strip_bom(head));
    if memfind(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some() {
        return (Detected::Pdf, None);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return (Detected::Zip, None);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return (Detected::Ole, None);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
    {
        return (Detected::Image, None);
    }
    if looks_binary(bytes) {
        return (Detected::Binary, None);
    }
    let lower: Vec<u8> = trimmed
        .iter()
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<script")
        || (lower.starts_with(b"<") && memfind(&lower, b"<meta").is_some())
    {
        return (Detected::Html, None);
    }
    // Scripts and JSON start with code, never with markup or Chinese (which a text
    // report starts with): only those are scanned.
    if trimmed.first().is_some_and(|&b| b.is_ascii() && b != b'<') {
        if let Ok(Decoded { text, encoding, .. }) = decode_lossy(bytes) {
            if let Some(report) = gongkai_html::script_report(&text) {
                let cut = gongkai_html::script_cut_short(&text);
                return (
                    Detected::Script,
                    Some(ScriptFile {
                        report,
                        encoding,
                        cut,
                    }),
                );
            }
        }
    }
    if memfind(&lower, b"<html").is_some() {
        return (Detected::Html, None);
    }
    (Detected::Text, None)
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b)
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// More than a stray NUL, or many control characters, in the first 8 KB: not text.
/// (A NUL or two in a text is a stray byte, replaced and reported when decoding.)
/// UTF-16 text (which has NULs) is recognised by its BOM first.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 2 || nuls * 100 > head.len() {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    control * 20 > head.len().max(1)
}

/// Read a file as text. The format is recognised by content; `.md` files are Markdown.
pub fn load(path: &Path) -> Result<Loaded, IngestError> {
    let bytes = read_bounded(path)?;
    load_bytes(path, &bytes)
}

/// A file's bytes, if it is a regular file (symbolic links followed) of at most
/// [`MAX_FILE_BYTES`]. Opened without blocking (a FIFO swapped in after the check must
/// not hang the run) and checked again once open; the cap is on the bytes read.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, IngestError> {
    read_bounded_with(path, MAX_FILE_BYTES)
}

/// [`read_bounded`] with another cap (for tests).
pub fn read_bounded_with(path: &Path, limit: u64) -> Result<Vec<u8>, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let regular = |meta: &std::fs::Metadata| -> Result<(), IngestError> {
        if meta.file_type().is_file() {
            Ok(())
        } else {
            Err(IngestError::NotRegular {
                path: path.to_path_buf(),
                kind: SpecialFile::of(meta.file_type()),
            })
        }
    };
    regular(&std::fs::metadata(path).map_err(io)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    regular(&meta)?;
    let too_large = |size: u64| IngestError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Read bytes already in memory as the file `path`.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Result<Loaded, IngestError> {
    let p = || path.to_path_buf();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(IngestError::TooLarge {
            path: p(),
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty { path: p() });
    }
    let (detected, script) = sniff(bytes);
    let read_err = |message: String| IngestError::Read { path: p(), message };
    let incomplete = |message: String| IngestError::Incomplete { path: p(), message };
    let document = |format, doc: Document| Loaded {
        path: p(),
        format,
        content: Content::Document(doc),
        encoding: "",
        replaced: Vec::new(),
        recognised: None,
    };
    let recognised = |format, pages: Result<Vec<gongkai_ocr::PageImage>, String>, what: &str| {
        let pages = pages.map_err(|reason| read_err(format!("{what}，无法识别：{reason}")))?;
        let (doc, recognised) =
            ocr::recognise(pages).map_err(|e| read_err(format!("{what}，{e}")))?;
        Ok(Loaded {
            recognised: Some(recognised),
            ..document(format, doc)
        })
    };
    match detected {
        Detected::Pdf => {
            let doc = match gongkai_pdf::read(bytes) {
                Ok(doc) => doc,
                Err(gongkai_pdf::PdfError::Scanned) => {
                    let what = gongkai_pdf::PdfError::Scanned.to_string();
                    if let Some(refusal) = ocr_refusal(&what) {
                        return Err(read_err(refusal));
                    }
                    return recognised(SourceFormat::Image, ocr::pdf_pages(bytes), &what);
                }
                Err(e @ gongkai_pdf::PdfError::Truncated(_)) => {
                    return Err(incomplete(e.to_string()))
                }
                Err(e) => return Err(read_err(e.to_string())),
            };
            return Ok(document(SourceFormat::Pdf, doc));
        }
        Detected::Image => {
            let what = "图片文件（扫描或拍摄的页面）";
            if let Some(refusal) = ocr_refusal(what) {
                return Err(read_err(refusal));
            }
            let page = gongkai_ocr::decode_file(bytes)
                .map(|(image, dpi)| vec![gongkai_ocr::PageImage::whole(1, image, dpi)])
                .map_err(|e| e.to_string());
            return recognised(SourceFormat::Image, page, what);
        }
        Detected::Zip => {
            let doc = gongkai_docx::read(bytes).map_err(|e| match e {
                gongkai_docx::DocxError::Truncated(_) => incomplete(e.to_string()),
                e => read_err(e.to_string()),
            })?;
            return Ok(document(SourceFormat::Docx, doc));
        }
        Detected::Ole => {
            // An encrypted DOCX is an OLE file too: the DOCX reader says which it is.
            match gongkai_docx::read(bytes) {
                Err(gongkai_docx::DocxError::LegacyFormat) => {
                    let converted = gongkai_docx::convert_with_soffice(path)
                        .map_err(|e| read_err(e.to_string()))?;
                    let doc =
                        gongkai_docx::read(&converted).map_err(|e| read_err(e.to_string()))?;
                    return Ok(document(SourceFormat::Docx, doc));
                }
                Err(e) => return Err(read_err(e.to_string())),
                Ok(doc) => return Ok(document(SourceFormat::Docx, doc)),
            }
        }
        Detected::Html => {
            let doc = gongkai_html::read(bytes).map_err(|e| match e {
                gongkai_html::HtmlError::Incomplete(_) => incomplete(e.to_string()),
                e => read_err(e.to_string()),
            })?;
            return Ok(document(SourceFormat::Html, doc));
        }
        Detected::Script => {
            // A report in a script's strings is read exactly as the page or text it is.
            let Some(ScriptFile {
                report,
                encoding,
                cut,
            }) = script
            else {
                return Err(IngestError::ScriptWithoutReport { path: p() });
            };
            // A script cut off inside its strings is incomplete, like a cut-off page.
            if let (Some(where_), false) =
                (cut, matches!(report, gongkai_html::ScriptReport::NoReport))
            {
                return Err(incomplete(format!(
                    "脚本文件不完整（{where_}；可能下载未完成或被截断），无法读取"
                )));
            }
            return match report {
                gongkai_html::ScriptReport::Html(html) => {
                    let doc = gongkai_html::read_str(&html).map_err(|e| read_err(e.to_string()))?;
                    Ok(Loaded {
                        encoding,
                        ..document(SourceFormat::Html, doc)
                    })
                }
                gongkai_html::ScriptReport::Text(text) => Ok(Loaded {
                    path: p(),
                    format: SourceFormat::Text,
                    content: Content::Text(text),
                    encoding,
                    replaced: Vec::new(),
                    recognised: None,
                }),
                gongkai_html::ScriptReport::NoReport => {
                    Err(IngestError::ScriptWithoutReport { path: p() })
                }
            };
        }
        Detected::Binary => return Err(IngestError::Binary { path: p() }),
        Detected::Markdown | Detected::Text => {}
    }
    let is_md = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let format = if is_md {
        SourceFormat::Markdown
    } else {
        SourceFormat::Text
    };
    let Decoded {
        text,
        encoding,
        replaced,
    } = decode_lossy(bytes).map_err(|Undecodable| IngestError::Binary { path: p() })?;
    Ok(Loaded {
        path: p(),
        format,
        content: Content::Text(text),
        encoding,
        replaced,
        recognised: None,
    })
}

/// Why scanned input is not recognised, when it is not: OCR turned off, or the engine
/// not installed (with how to install it). `what` says what the input is.
fn ocr_refusal(what: &str) -> Option<String> {
    if ocr_mode() == OcrMode::Off {
        return Some(format!("{what}，已按 --no-ocr 跳过文字识别（OCR）"));
    }
    match ocr::engine() {
        Ok(_) => None,
        Err(e) => Some(format!("{what}，需要文字识别：{e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Detected::Pdf);
        assert_eq!(detect(b"PK\x03\x04rest"), Detected::Zip);
        assert_eq!(detect(b"<!DOCTYPE html><html>"), Detected::Html);
        assert_eq!(detect("一、总体情况\n".as_bytes()), Detected::Text);
        assert_eq!(detect(&[0u8, 1, 2, 3, 200, 201]), Detected::Binary);
    }

    #[test]
    fn decodes_gb18030_and_utf16() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("政府信息公开工作年度报告");
        assert_eq!(
            decode(&gbk).unwrap(),
            ("政府信息公开工作年度报告".to_string(), "GB18030")
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "年报".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap().0, "年报");
        match load_bytes(Path::new("x.txt"), &utf16).unwrap().content {
            Content::Text(t) => assert_eq!(t, "年报"),
            Content::Document(_) => panic!("text expected"),
        }
    }

    #[test]
    fn clear_errors() {
        let e = load_bytes(Path::new("a.pdf"), b"%PDF-1.4 ...").unwrap_err();
        assert!(e.to_string().starts_with("a.pdf: PDF文件"), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
        let e = load_bytes(Path::new("r.bin"), &[0, 159, 146, 150]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.bin: 不是文本文件（含有二进制数据），无法识别为年度报告"
        );
        let e = load_bytes(Path::new("e.txt"), b"  \n").unwrap_err();
        assert_eq!(e.to_string(), "e.txt: 文件为空");
    }
}
