//! The text a report was read from: original for display, normalised for matching,
//! and the map between them.

use std::ops::Range;

use gongkai_model::{Locate, Location};
use gongkai_text::{LineIndex, Normalized};

/// A text source after normalisation, able to locate any normalised range in the original.
pub struct SourceText {
    original: String,
    normalized: Normalized,
    index: LineIndex,
}

impl SourceText {
    pub fn new(original: String) -> SourceText {
        let normalized = Normalized::new(&original);
        let index = LineIndex::new(&original);
        SourceText {
            original,
            normalized,
            index,
        }
    }
    /// The text as the file had it.
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
    /// The source location of a normalised byte range.
    pub fn location(&self, range: Range<usize>) -> Location {
        let orig = self.normalized.original_range(range);
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
