//! A minimal DOCX writer: paragraphs and tables with merged cells.
//!
//! The package holds `[Content_Types].xml`, `_rels/.rels`, `word/document.xml` and
//! `word/_rels/document.xml.rels`; Word and LibreOffice open it. A table grid is written
//! back with its merges: a covered position to the right of a cell extends the cell's
//! `w:gridSpan`; covered positions below a cell (the whole span wide) become
//! `w:vMerge` continuation cells. Covered positions that belong to no cell (a row's
//! leading or trailing covered positions) become `w:gridBefore`/`w:gridAfter`; any
//! other such position is written as an empty cell.
//!
//! In cells, '\n' separates paragraphs and a tab is written as `w:tab` (read back as a
//! space, since a tab in a cell would split it for the parser). In paragraphs, '\n' is a
//! line break (`w:br`) and '\t' a tab. Characters XML 1.0 cannot hold are dropped.

use std::io::{Cursor, Write};

use gongkai_model::{Block, Grid, Span};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#;

/// Page width available to a table (A4 with 1.25" margins… close enough), in twips.
const TABLE_WIDTH: u32 = 9000;

/// A minimal DOCX holding the blocks (lines as paragraphs, tables with merges;
/// page breaks as page breaks).
pub fn write(blocks: &[Block]) -> Vec<u8> {
    write_with_spans(blocks, &[])
}

/// [`write`], with the merged cells of the document's tables given (`spans[i]` for
/// its `i`-th table): a table whose spans are given is drawn with exactly those merged
/// cells; one without (an empty list, or none) has them worked out from its covered
/// positions, which is ambiguous where a covered position could continue the cell
/// above or the one to its left.
pub fn write_with_spans(blocks: &[Block], spans: &[Vec<Span>]) -> Vec<u8> {
    let xml = document_xml(blocks, spans);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let parts: [(&str, &str); 4] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &xml),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
    ];
    for (name, data) in parts {
        // Writing into memory cannot fail.
        zip.start_file(name, opts).expect("zip entry in memory");
        zip.write_all(data.as_bytes()).expect("zip write in memory");
    }
    zip.finish().expect("zip finish in memory").into_inner()
}

/// Escape text for XML content, dropping characters XML 1.0 cannot hold.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// Runs of one paragraph's text: text pieces, tabs and breaks.
fn runs(out: &mut String, text: &str) {
    out.push_str("<w:r>");
    let mut buf = String::new();
    let flush = |out: &mut String, buf: &mut String| {
        if !buf.is_empty() {
            out.push_str("<w:t xml:space=\"preserve\">");
            escape_into(out, buf);
            out.push_str("</w:t>");
            buf.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\t' => {
                flush(out, &mut buf);
                out.push_str("<w:tab/>");
            }
            '\n' => {
                flush(out, &mut buf);
                out.push_str("<w:br/>");
            }
            '\r' => {}
            c => buf.push(c),
        }
    }
    flush(out, &mut buf);
    out.push_str("</w:r>");
}

fn paragraph(out: &mut String, text: &str) {
    out.push_str("<w:p>");
    if !text.is_empty() {
        runs(out, text);
    }
    out.push_str("</w:p>");
}

fn document_xml(blocks: &[Block], spans: &[Vec<Span>]) -> String {
    let mut tables = 0;
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str("<w:document xmlns:w=\"");
    out.push_str(W_NS);
    out.push_str("\"><w:body>");
    let mut last_was_table = false;
    for block in blocks {
        match block {
            Block::Line { pieces } => {
                let text: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
                paragraph(&mut out, &text.join("\t"));
                last_was_table = false;
            }
            Block::Table { grid } => {
                if grid.rows.is_empty() {
                    continue;
                }
                if last_was_table {
                    // Two adjacent tables would be joined into one by Word.
                    out.push_str("<w:p/>");
                }
                let given = spans.get(tables).map_or(&[][..], Vec::as_slice);
                table(&mut out, grid, given);
                tables += 1;
                last_was_table = true;
            }
            Block::PageBreak { .. } => {
                out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
                last_was_table = false;
            }
        }
    }
    if last_was_table {
        out.push_str("<w:p/>");
    }
    out.push_str(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" \
         w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr>",
    );
    out.push_str("</w:body></w:document>");
    out
}

/// How a position of the grid is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A cell starting here spanning `span` columns; `restart` when cells below continue it.
    Cell { span: usize, restart: bool },
    /// A vMerge continuation cell of `span` columns.
    Continue { span: usize },
    /// Part of a cell written at an earlier position.
    Taken,
    /// A covered position no cell claims.
    Orphan,
}

/// The slots of the given merged cells, when they tile the grid: each span starts at a
/// cell that is not covered and covers only covered positions inside the grid, and no
/// two overlap. `None` otherwise (the writer then works the merges out itself).
fn given_slots(grid: &Grid, ncols: usize, spans: &[Span]) -> Option<Vec<Vec<Slot>>> {
    let nrows = grid.rows.len();
    let covered = |r: usize, c: usize| grid.rows[r].get(c).is_none_or(|x| x.covered);
    let mut slots = vec![vec![Slot::Orphan; ncols]; nrows];
    let mut claimed = vec![vec![false; ncols]; nrows];
    for s in spans {
        let (end_r, end_c) = (s.row.checked_add(s.rows)?, s.column.checked_add(s.columns)?);
        if s.rows == 0 || s.columns == 0 || end_r > nrows || end_c > ncols {
            return None;
        }
        for y in s.row..end_r {
            for x in s.column..end_c {
                let origin = (y, x) == (s.row, s.column);
                if claimed[y][x] || covered(y, x) == origin {
                    return None;
                }
                claimed[y][x] = true;
                slots[y][x] = match (y == s.row, x == s.column) {
                    (true, true) => Slot::Cell {
                        span: s.columns,
                        restart: s.rows > 1,
                    },
                    (false, true) => Slot::Continue { span: s.columns },
                    _ => Slot::Taken,
                };
            }
        }
    }
    // Every other real cell is a cell of its own; a covered position no span claims
    // means the spans are not this grid's.
    for (r, row) in slots.iter_mut().enumerate() {
        for (c, slot) in row.iter_mut().enumerate() {
            let position_covered = grid.rows[r].get(c).is_some_and(|x| x.covered);
            if position_covered && !claimed[r][c] {
                return None;
            }
            if !claimed[r][c] && !covered(r, c) {
                *slot = Slot::Cell {
                    span: 1,
                    restart: false,
                };
            }
        }
    }
    Some(slots)
}

fn table(out: &mut String, grid: &Grid, spans: &[Span]) {
    let ncols = grid.rows.iter().map(Vec::len).max().unwrap_or(0);
    if ncols == 0 {
        return;
    }
    let nrows = grid.rows.len();
    let covered = |r: usize, c: usize| grid.rows[r].get(c).is_none_or(|x| x.covered);
    let given = (!spans.is_empty())
        .then(|| given_slots(grid, ncols, spans))
        .flatten();
    let mut slots = vec![vec![Slot::Orphan; ncols]; nrows];
    let mut claimed = vec![vec![false; ncols]; nrows];
    for r in 0..nrows {
        if given.is_some() {
            break;
        }
        for c in 0..ncols {
            if claimed[r][c] || covered(r, c) {
                continue;
            }
            // Span: covered, unclaimed positions to the right.
            let mut span = 1;
            while c + span < ncols && covered(r, c + span) && !claimed[r][c + span] {
                span += 1;
            }
            // Height: rows below whose positions under the whole span are covered and free.
            let mut height = 1;
            while r + height < nrows
                && (c..c + span).all(|x| covered(r + height, x) && !claimed[r + height][x])
            {
                height += 1;
            }
            slots[r][c] = Slot::Cell {
                span,
                restart: height > 1,
            };
            for x in c..c + span {
                claimed[r][x] = true;
                if x > c {
                    slots[r][x] = Slot::Taken;
                }
            }
            for y in r + 1..r + height {
                slots[y][c] = Slot::Continue { span };
                for x in c..c + span {
                    claimed[y][x] = true;
                    if x > c {
                        slots[y][x] = Slot::Taken;
                    }
                }
            }
        }
    }
    if let Some(g) = given {
        slots = g;
    }
    let widths = column_widths(grid, ncols);
    out.push_str(
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>\
         <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         </w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>",
    );
    for w in &widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    for (r, row) in slots.iter().enumerate() {
        // Orphans at the ends become gridBefore / gridAfter.
        let before = row.iter().take_while(|s| **s == Slot::Orphan).count();
        if before == ncols {
            // A row of nothing: one empty cell over the whole width keeps it a row.
            out.push_str(&format!(
                "<w:tr><w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/><w:gridSpan w:val=\"{ncols}\"/></w:tcPr><w:p/></w:tc></w:tr>",
                widths.iter().sum::<u32>()
            ));
            continue;
        }
        let after = row.iter().rev().take_while(|s| **s == Slot::Orphan).count();
        out.push_str("<w:tr>");
        if before > 0 || after > 0 {
            out.push_str("<w:trPr>");
            if before > 0 {
                out.push_str(&format!("<w:gridBefore w:val=\"{before}\"/>"));
            }
            if after > 0 {
                out.push_str(&format!("<w:gridAfter w:val=\"{after}\"/>"));
            }
            out.push_str("</w:trPr>");
        }
        for c in before..ncols - after {
            let (span, merge, text) = match row[c] {
                Slot::Cell { span, restart } => (
                    span,
                    if restart {
                        "<w:vMerge w:val=\"restart\"/>"
                    } else {
                        ""
                    },
                    grid.rows[r].get(c).map_or("", |x| x.text.as_str()),
                ),
                Slot::Continue { span } => (span, "<w:vMerge/>", ""),
                Slot::Orphan => (1, "", ""),
                Slot::Taken => continue,
            };
            out.push_str("<w:tc><w:tcPr>");
            out.push_str(&format!(
                "<w:tcW w:w=\"{}\" w:type=\"dxa\"/>",
                widths[c..c + span].iter().sum::<u32>()
            ));
            if span > 1 {
                out.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
            }
            out.push_str(merge);
            out.push_str("</w:tcPr>");
            for line in text.split('\n') {
                paragraph(out, line);
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// Column widths (twips) in proportion to the longest line of the column's one-column
/// cells (4 to 14 characters: never narrow enough for the reader to take a
/// column for a converter's sliver), filling [`TABLE_WIDTH`].
fn column_widths(grid: &Grid, ncols: usize) -> Vec<u32> {
    let mut weight = vec![4u32; ncols];
    for row in &grid.rows {
        for (c, cell) in row.iter().enumerate() {
            let single = row.get(c + 1).is_none_or(|n| !n.covered);
            if cell.covered || !single {
                continue;
            }
            let longest = cell.text.split('\n').map(|l| l.chars().count()).max();
            let w = longest.unwrap_or(0).clamp(4, 14) as u32;
            weight[c] = weight[c].max(w);
        }
    }
    let total: u32 = weight.iter().sum();
    weight
        .iter()
        .map(|w| (TABLE_WIDTH * w / total.max(1)).max(100))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_drops_control_characters() {
        let mut s = String::new();
        escape_into(&mut s, "a<b>&\"c\u{1}\u{3000}");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;c\u{3000}");
    }
}
