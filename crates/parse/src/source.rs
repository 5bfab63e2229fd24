//! The text a report was read from: original for display, normalised for matching,
//! and the map between them.
//!
//! A text file is its own original. A structured document (PDF, DOCX, HTML) is laid out
//! as text — a line per paragraph, a line per table row with tab-separated cells — and
//! every piece remembers its place in the source (page and box, or table, row and cell).

use std::ops::Range;

use gongkai_model::{Block, Document, Locate, Location};
use gongkai_text::{LineIndex, Normalized};

/// A piece of the laid-out text and the place it was read.
#[derive(Clone, Debug)]
struct Placed {
    range: Range<usize>,
    location: Location,
}

/// A text source after normalisation, able to locate any normalised range in the source.
pub struct SourceText {
    original: String,
    normalized: Normalized,
    index: LineIndex,
    /// For laid-out documents: pieces sorted by start. Empty for text files.
    placed: Vec<Placed>,
}

impl SourceText {
    pub fn new(original: String) -> SourceText {
        let normalized = Normalized::new(&original);
        let index = LineIndex::new(&original);
        SourceText {
            original,
            normalized,
            index,
            placed: Vec::new(),
        }
    }

    /// Lay a structured document out as text.
    pub fn from_document(doc: &Document) -> SourceText {
        let mut text = String::new();
        let mut placed = Vec::new();
        let mut push = |text: &mut String, s: &str, location: &Location| {
            let start = text.len();
            // Newlines inside a cell or run would split its row: they become spaces.
            for c in s.chars() {
                text.push(if c == '\n' || c == '\r' { ' ' } else { c });
            }
            placed.push(Placed {
                range: start..text.len(),
                location: location.clone(),
            });
        };
        for block in &doc.blocks {
            match block {
                Block::Line { pieces } => {
                    for (i, p) in pieces.iter().enumerate() {
                        if i > 0 {
                            text.push('\t');
                        }
                        push(&mut text, &p.text, &p.location);
                    }
                    text.push('\n');
                }
                Block::Table { grid } => {
                    text.push('\n');
                    for row in &grid.rows {
                        for (i, cell) in row.iter().enumerate() {
                            if i > 0 {
                                text.push('\t');
                            }
                            if cell.covered {
                                continue;
                            }
                            // An empty real cell is a printed blank: a space makes it one.
                            let t = if cell.text.trim().is_empty() {
                                " "
                            } else {
                                cell.text.as_str()
                            };
                            push(&mut text, t, &cell.location);
                        }
                        text.push('\n');
                    }
                    text.push('\n');
                }
                Block::PageBreak { .. } => {}
            }
        }
        let mut s = SourceText::new(text);
        s.placed = placed;
        s
    }

    /// The text as the file had it (or as the document was laid out).
    pub fn original(&self) -> &str {
        &self.original
    }
    /// The text the parser matched against (radicals unified, full-width folded, artefacts gone).
    pub fn normalized(&self) -> &str {
        &self.normalized.text
    }
    /// Line index over the original text.
    pub fn line_index(&self) -> &LineIndex {
        &self.index
    }
    /// True when locations are pages/cells of a structured document.
    pub fn is_laid_out(&self) -> bool {
        !self.placed.is_empty()
    }

    /// The text position (line, column, end column) of an original byte range.
    fn text_location(&self, orig: Range<usize>) -> Location {
        let (line, column) = self.index.line_col(orig.start);
        // A span never crosses lines in diagnostics: clip at the end of the start line.
        let line_end = self.index.line_range(line).end.max(orig.start);
        let end = orig.end.min(line_end).max(orig.start);
        let end_column = column + self.original[orig.start..end].chars().count() as u32;
        Location::Text {
            start: orig.start as u32,
            end: end as u32,
            line,
            column,
            end_column,
        }
    }

    /// The source location of a normalised byte range.
    pub fn location(&self, range: Range<usize>) -> Location {
        let orig = self.normalized.original_range(range);
        if self.placed.is_empty() {
            return self.text_location(orig);
        }
        // The piece holding the start (or the next piece, for a separator).
        let i = self.placed.partition_point(|p| p.range.end <= orig.start);
        match self.placed.get(i).or_else(|| self.placed.last()) {
            Some(p) => p.location.clone(),
            None => self.text_location(orig),
        }
    }

    /// Where a location of a laid-out document sits in the laid-out text, for showing
    /// the line it is on. A text location is its own answer.
    pub fn text_span(&self, location: &Location) -> Option<Location> {
        if let Location::Text { .. } = location {
            return Some(location.clone());
        }
        let p = self.placed.iter().find(|p| &p.location == location)?;
        Some(self.text_location(p.range.clone()))
    }
}

impl Locate for SourceText {
    fn locate(&self, normalized: Range<usize>) -> Option<Location> {
        if normalized.start > self.normalized.text.len() {
            return None;
        }
        let end = normalized.end.min(self.normalized.text.len());
        Some(self.location(normalized.start..end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::{Grid, GridCell, Piece, SourceFormat};

    fn cell(text: &str, row: u32, column: u32) -> GridCell {
        GridCell {
            text: text.into(),
            location: Location::Cell {
                table: 0,
                row,
                column,
            },
            covered: false,
        }
    }

    #[test]
    fn laid_out_document_locates_cells() {
        let doc = Document {
            format: SourceFormat::Docx,
            blocks: vec![
                Block::Line {
                    pieces: vec![Piece {
                        text: "一、总体情况".into(),
                        location: Location::Cell {
                            table: 99,
                            row: 0,
                            column: 0,
                        },
                    }],
                },
                Block::Table {
                    grid: Grid {
                        rows: vec![vec![
                            cell("规章", 1, 0),
                            GridCell {
                                covered: true,
                                ..cell("", 1, 1)
                            },
                            cell("", 1, 2),
                            cell("７", 1, 3),
                        ]],
                    },
                },
            ],
        };
        let s = SourceText::from_document(&doc);
        assert_eq!(s.original(), "一、总体情况\n\n规章\t\t \t７\n\n");
        let seven = s.normalized().find('7').unwrap();
        assert_eq!(
            s.location(seven..seven + 1),
            Location::Cell {
                table: 0,
                row: 1,
                column: 3
            }
        );
        let span = s
            .text_span(&Location::Cell {
                table: 0,
                row: 1,
                column: 3,
            })
            .unwrap();
        assert!(
            matches!(
                span,
                Location::Text {
                    line: 3,
                    column: 7,
                    ..
                }
            ),
            "{span:?}"
        );
    }
}
