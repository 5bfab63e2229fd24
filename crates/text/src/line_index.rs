//! Byte offset <-> line/column conversion.

use std::ops::Range;

/// Line/column index over a text: byte offset -> (1-based line, 1-based
/// column counted in chars).
///
/// Diagnostics carry byte offsets (cheap, exact) but people read `line:col`;
/// columns are counted in chars, not bytes, because a report line is mostly
/// 3-byte ideographs and a byte column would be meaningless to the reader.
///
/// Only `'\n'` ends a line (run [`crate::Normalized`] first if the text may
/// use lone `'\r'`). A text ending in `'\n'` has a final empty line, so
/// `"a\n"` has 2 lines and the empty text has 1. The index keeps its own copy
/// of the text so it is self-contained.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    text: Box<str>,
    /// Byte offset where each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text: text.into(),
            starts,
        }
    }

    /// 1-based line and 1-based char column of byte offset `byte`.
    ///
    /// An offset inside a multi-byte char counts as that char; an offset past
    /// the end is treated as the end of the text. The `'\n'` ending a line is
    /// the last column of that line.
    pub fn line_col(&self, byte: usize) -> (u32, u32) {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= byte) - 1;
        let start = self.starts[line];
        let col = self.text[start..byte].chars().count() + 1;
        (to_u32(line + 1), to_u32(col))
    }

    /// Byte range of 1-based `line`, without its `'\n'` and without a
    /// trailing `'\r'`.
    ///
    /// Line 0 and lines past the end give an empty range at the end of the
    /// text, so callers can slice with the result unconditionally.
    pub fn line_range(&self, line: u32) -> Range<usize> {
        let len = self.text.len();
        let Some(k) = (line as usize).checked_sub(1) else {
            return len..len;
        };
        let Some(&start) = self.starts.get(k) else {
            return len..len;
        };
        let mut end = self.starts.get(k + 1).map_or(len, |&next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// Number of lines (at least 1).
    pub fn line_count(&self) -> u32 {
        to_u32(self.starts.len())
    }

    /// The indexed text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let t = "一、总体\n(一)ab\r\n\nxyz";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_count(), 4);
        assert_eq!(ix.line_col(0), (1, 1));
        assert_eq!(ix.line_col(3), (1, 2));
        assert_eq!(ix.line_col(4), (1, 2)); // inside '、'
        assert_eq!(ix.line_col(t.find('\n').unwrap()), (1, 5));
        let l2 = t.find('(').unwrap();
        assert_eq!(ix.line_col(l2), (2, 1));
        assert_eq!(ix.line_col(t.find('a').unwrap()), (2, 4));
        assert_eq!(ix.line_col(t.find('x').unwrap()), (4, 1));
        assert_eq!(ix.line_col(t.len()), (4, 4));
        assert_eq!(ix.line_col(usize::MAX), (4, 4));
    }

    #[test]
    fn ranges() {
        let t = "一、总体\n(一)ab\r\n\nxyz";
        let ix = LineIndex::new(t);
        assert_eq!(&t[ix.line_range(1)], "一、总体");
        assert_eq!(&t[ix.line_range(2)], "(一)ab");
        assert_eq!(&t[ix.line_range(3)], "");
        assert_eq!(&t[ix.line_range(4)], "xyz");
        assert_eq!(ix.line_range(0), t.len()..t.len());
        assert_eq!(ix.line_range(5), t.len()..t.len());
    }

    #[test]
    fn edge_texts() {
        let ix = LineIndex::new("");
        assert_eq!(ix.line_count(), 1);
        assert_eq!(ix.line_col(0), (1, 1));
        assert_eq!(ix.line_range(1), 0..0);

        let ix = LineIndex::new("a\n");
        assert_eq!(ix.line_count(), 2);
        assert_eq!(ix.line_col(2), (2, 1));
        assert_eq!(ix.line_range(1), 0..1);
        assert_eq!(ix.line_range(2), 2..2);

        let ix = LineIndex::new("\r");
        assert_eq!(ix.line_range(1), 0..0);
    }
}
