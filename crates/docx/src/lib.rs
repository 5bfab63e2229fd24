//! Read a 政府信息公开工作年度报告 published as DOCX into a [`gongkai_model::Document`].
//!
//! ```text
//! bytes ─ container (zip, limits, OLE sniffing) ─ word/document.xml
//!       ─ xml (quick-xml event walk → paragraphs, tables, text boxes as a small tree)
//!       ─ numbering (list numbers "一、" "1." rendered from numbering.xml/styles.xml)
//!       ─ layout (tree → Block::Line / Block::Table in reading order)
//!       ─ grid (gridSpan / vMerge expanded to a rectangle, split grid columns dropped)
//! ```
//!
//! * [`read`] turns DOCX bytes into a `Document`: one [`Block::Line`](gongkai_model::Block)
//!   per non-blank body paragraph (one piece at `Location::Paragraph{index}`), one
//!   [`Block::Table`](gongkai_model::Block) per table, its merged cells expanded into a
//!   rectangular grid whose covered positions are `covered: true` (see [`grid`] for how
//!   grid columns that converters split are dropped).
//! * [`write()`] produces a minimal DOCX from blocks (round-trip tests, report generation).
//! * [`convert_with_soffice`] turns a DOC or WPS file (OLE2 compound file) into DOCX bytes
//!   through LibreOffice, when it is installed.
//!
//! Every size that an attacker controls is capped (see [`limits`]): number of zip entries,
//! the uncompressed size of the document part (counted while inflating, never trusting the
//! header), its compression ratio, nesting depth, grid columns, spans and total grid cells.

mod container;
pub mod grid;
mod layout;
mod numbering;
mod soffice;
mod writer;
mod xml;

use gongkai_model::Document;

pub use soffice::{convert_with_soffice, find_soffice, is_ole};
pub use writer::{write, write_with_spans};

/// The caps applied while reading. Exceeding one is a [`DocxError::TooLarge`].
pub mod limits {
    /// Entries in the zip archive (a DOCX has a few dozen).
    pub const MAX_ENTRIES: usize = 10_000;
    /// Uncompressed size of `word/document.xml` (counted while inflating).
    pub const MAX_XML_BYTES: u64 = 64 << 20;
    /// Output/input ratio allowed while inflating, once past [`RATIO_FLOOR`] bytes.
    /// Real document parts compress 10–40×; a bomb of zeros compresses ~1000×.
    pub const MAX_RATIO: u64 = 200;
    /// Output below this size is never judged by ratio (tiny parts compress very well).
    pub const RATIO_FLOOR: u64 = 2 << 20;
    /// Total grid positions over all tables of the document.
    pub const MAX_GRID_CELLS: usize = 1_000_000;
    /// Grid columns of one table.
    pub const MAX_COLUMNS: usize = 4_096;
    /// A `w:gridSpan` or `w:gridBefore`/`w:gridAfter` value (larger values are clamped).
    pub const MAX_SPAN: u32 = 1_000;
    /// Nested structures (tables in cells, text boxes) open at once.
    pub const MAX_NESTING: usize = 256;
}

/// Why a file could not be read. Messages are for the user; the caller prefixes the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocxError {
    /// Not a zip archive at all (maybe another format under a .docx name).
    #[error("不是有效的 DOCX 文件：{0}")]
    NotZip(String),
    /// The file stops before a zip's end (a download cut short): what is missing is said.
    #[error("DOCX 文件不完整（{0}；可能下载未完成或被截断），无法读取")]
    Truncated(String),
    /// A zip archive that cannot be read (damaged, unsupported).
    #[error("DOCX 文件已损坏或不完整：{0}")]
    Corrupt(String),
    /// A zip archive without the main document part.
    #[error("DOCX 文件中没有正文部分（word/document.xml），不是 Word 文档或文件已损坏")]
    NoDocument,
    /// An encrypted (password-protected) Office file.
    #[error(
        "文件设置了密码保护（已加密），无法读取；请在 Word 或 WPS 中取消密码后另存为 DOCX 再检查"
    )]
    Encrypted,
    /// A DOC or WPS file (OLE2 compound file), not DOCX.
    #[error("这是旧版 Word（.doc）或 WPS 格式的文件，不是 DOCX；请用 Word 或 WPS 打开后“另存为” DOCX 格式，或安装 LibreOffice 以自动转换")]
    LegacyFormat,
    /// A limit was exceeded: too large, too many entries, or a zip bomb.
    #[error("文件过大或疑似压缩炸弹，已停止读取：{0}")]
    TooLarge(String),
    /// `word/document.xml` is not well-formed XML.
    #[error("正文 XML 格式错误：{0}")]
    Xml(String),
    /// LibreOffice is needed to convert a DOC/WPS file but is not installed.
    #[error("未安装 LibreOffice（soffice），无法自动转换 DOC/WPS 文件；请用 Word 或 WPS 打开后“另存为” DOCX 格式再检查，或安装 LibreOffice")]
    SofficeMissing,
    /// LibreOffice ran but did not produce a DOCX.
    #[error("LibreOffice 转换失败：{0}")]
    Convert(String),
    /// Reading the input file failed.
    #[error("读取文件失败：{0}")]
    Io(String),
}

/// Read DOCX bytes into a [`Document`] (format `Docx`).
///
/// Body paragraphs become `Block::Line`s (blank paragraphs are skipped; the paragraph
/// index counts the lines emitted outside tables); tables become `Block::Table`s whose
/// `Location::Cell{table, row, column}` are in the emitted grid's coordinates, `table`
/// counting emitted tables from 0. Deleted text (tracked changes) and hidden runs are
/// skipped; inserted text, field results, hyperlinks, smart tags and content controls
/// are read; text boxes are read in place (after the paragraph that anchors them, or
/// inside the cell that holds them). Automatic list numbers ("一、", "1.") are rendered
/// in front of their paragraphs, as Word shows them. A table that holds another table is
/// a layout table: its cells are read in order as paragraphs and tables of their own.
pub fn read(bytes: &[u8]) -> Result<Document, DocxError> {
    let package = container::read_package(bytes)?;
    let items = xml::parse(&package.document)?;
    let numbering =
        numbering::Numbering::new(package.numbering.as_deref(), package.styles.as_deref());
    drop(package);
    layout::build(items, numbering)
}
