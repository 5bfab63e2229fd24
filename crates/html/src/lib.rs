//! Read a 政府信息公开工作年度报告 published as a web page.
//!
//! `bytes → text (BOM, <meta charset>, UTF-8, else GB18030) → DOM (html5ever) → the
//! report's content root (site chrome left out) → paragraphs and table grids with
//! merged cells expanded → gongkai_model::Document`.
//!
//! Government sites wrap the report in navigation, breadcrumbs, lists of other years'
//! reports and footers; the content root is the smallest element that holds (nearly)
//! all the words of the national format the page has (section headings, table labels).
//! Some CMSes write the report from a script (`var content = "<p>…"`,
//! `document.write('…')`): when a script carries more of the report than the page's
//! DOM, its HTML is read instead; a whole `.js`/`.json` file whose string literals hold
//! a report is recognised by [`script_report`]. The report's title comes first even
//! when the page prints it outside the article (taken from `<meta name="ArticleTitle">`,
//! the visible heading or `<title>`).
//!
//! Work is bounded: pages over 64 MB are refused, nesting deeper than 512 elements is
//! flattened before parsing (the HTML tree builder is quadratic in depth), spans are
//! clamped (1000 rows, 100 columns) and grids have a budget of positions.
//!
//! [`write`] renders a document back to a plain page, for round-trip tests.

mod complete;
mod decode;
mod extract;
mod nesting;
mod script;
mod signals;
mod write;

use gongkai_model::{Block, Document, Grid, GridCell, Location, Piece, SourceFormat};
use scraper::{Html, Node};

pub use complete::cut_short;
pub use decode::{declared_encoding, decode, Decoded};
pub use extract::{MAX_COLS, MAX_COLSPAN, MAX_PAGE_SLOTS, MAX_ROWS, MAX_ROWSPAN, MAX_TABLE_SLOTS};
pub use script::{
    cut_short as script_cut_short, scan as scan_script, script_report, Scanned, ScriptReport,
};
pub use write::{write, write_with_spans};

/// Pages larger than this are refused (real reports are well under 1 MB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Why a page is not read. Messages are for users; the caller prefixes the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    #[error("网页文件过大：{size} 字节，超过 64 MB 的上限")]
    TooLarge { size: usize },
    #[error("网页文字无法解码（按 {encoding} 解码后含大量乱码或控制字符），可能不是网页文件")]
    Undecodable { encoding: &'static str },
    #[error("网页中没有找到报告正文（没有任何文字或表格）")]
    NoContent,
    /// The page stops where no whole page ends (see [`complete::cut_short`]).
    #[error("网页文件不完整（{0}；可能下载未完成或被截断），无法读取")]
    Incomplete(&'static str),
}

/// Read a web page (raw bytes, any encoding) into a document of paragraphs and tables.
pub fn read(bytes: &[u8]) -> Result<Document, HtmlError> {
    if bytes.len() > MAX_BYTES {
        return Err(HtmlError::TooLarge { size: bytes.len() });
    }
    let decoded = decode(bytes)?;
    if let Some(where_) = complete::cut_short(&decoded.text) {
        return Err(HtmlError::Incomplete(where_));
    }
    read_str(&decoded.text)
}

/// Read a page that is already text.
pub fn read_str(page: &str) -> Result<Document, HtmlError> {
    if page.len() > MAX_BYTES {
        return Err(HtmlError::TooLarge { size: page.len() });
    }
    let page = nesting::bound_nesting(page);
    let html = Html::parse_document(&page);
    let analysis = extract::Analysis::new(&html);
    let inner = embedded_report(&html, analysis.page_markers())
        .map(|h| Html::parse_document(&nesting::bound_nesting(&h)));
    let mut outs = match &inner {
        Some(inner) => extract::extract(inner, &extract::Analysis::new(inner)),
        None => extract::extract(&html, &analysis),
    };
    extract::ensure_title(&mut outs, || {
        extract::page_title(&html).or_else(|| inner.as_ref().and_then(extract::page_title))
    });
    let doc = assemble(outs);
    if doc.blocks.is_empty() {
        return Err(HtmlError::NoContent);
    }
    Ok(doc)
}

/// The report's HTML when a script (or a `<textarea>`/`<noscript>`) carries more of the
/// report than the page's own DOM does.
fn embedded_report(html: &Html, in_dom: u32) -> Option<String> {
    let mut best: Option<(u32, String)> = None;
    for n in html.tree.root().descendants() {
        let Some(e) = n.value().as_element() else {
            continue;
        };
        let raw: String = n
            .children()
            .filter_map(|c| match c.value() {
                Node::Text(t) => Some(&**t),
                _ => None,
            })
            .collect();
        let candidate = match e.name() {
            "script" => {
                let ty = e.attr("type").unwrap_or("").to_ascii_lowercase();
                if ty.contains("html") || ty.contains("template") {
                    raw
                } else {
                    script::embedded_html(&raw)
                }
            }
            "textarea" | "noscript" | "xmp" => raw,
            _ => continue,
        };
        if !candidate.contains('<') && !candidate.contains("&lt;") {
            continue;
        }
        let candidate = if !candidate.contains('<') {
            script::unescape_entities(&candidate)
        } else {
            candidate
        };
        let m = extract::markup_markers(&candidate);
        if m > in_dom && best.as_ref().is_none_or(|(b, _)| m > *b) {
            best = Some((m, candidate));
        }
    }
    best.map(|(_, h)| h)
}

/// Number paragraphs and tables, and give every piece and cell its location.
fn assemble(outs: Vec<extract::Out>) -> Document {
    let mut doc = Document {
        format: SourceFormat::Html,
        blocks: Vec::new(),
    };
    let (mut paragraphs, mut tables) = (0u32, 0u32);
    for o in outs {
        match o {
            extract::Out::Para { text, .. } => {
                doc.blocks.push(Block::Line {
                    pieces: vec![Piece {
                        text,
                        location: Location::Paragraph { index: paragraphs },
                    }],
                });
                paragraphs += 1;
            }
            extract::Out::Table(rows) => {
                let table = tables;
                tables += 1;
                let rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(r, row)| {
                        row.into_iter()
                            .enumerate()
                            .map(|(c, (text, covered))| GridCell {
                                text,
                                location: Location::Cell {
                                    table,
                                    row: r as u32,
                                    column: c as u32,
                                },
                                covered,
                            })
                            .collect()
                    })
                    .collect();
                doc.blocks.push(Block::Table {
                    grid: Grid { rows },
                });
            }
        }
    }
    doc
}
