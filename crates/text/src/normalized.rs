//! Whole-text normalisation with an offset map back to the original.

use std::ops::Range;

use crate::chars::normalize_char;
use crate::page::{inline_page_marks, is_page_number_line};

/// Normalised text plus a map from normalised byte offsets back to original
/// byte offsets.
///
/// Matchers work on [`Normalized::text`] so they need not care about radicals,
/// full-width forms, odd spaces, `\r\n`, Word bookmark artefacts or page-number
/// lines; diagnostics map their spans back with [`Normalized::original_range`]
/// so users see their own text underlined, not ours.
///
/// What [`Normalized::new`] does:
/// - every char goes through [`normalize_char`](crate::normalize_char)
///   (radicals, compatibility ideographs, full-width ASCII, spaces; zero-width
///   chars, BOM and soft hyphen are dropped);
/// - `"\r\n"` and a lone `'\r'` become `'\n'`;
/// - `[bookmark: NAME]` artefacts of Word-to-text conversion are removed;
/// - lines that are only a page number (see
///   [`is_page_number_line`](crate::is_page_number_line)) are removed together
///   with their line terminator, and a page number inside a line of at least
///   1,000 bytes (text that lost its line breaks; see
///   [`inline_page_marks`](crate::inline_page_marks)) becomes one space.
///
/// Everything else is kept char for char.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// Contiguous segments covering `text`, sorted by `norm`. Segment `k`
    /// covers `text[segs[k].norm..segs[k + 1].norm]` (the last one up to
    /// `text.len()`) and came from `original[orig..orig_end]`. When both
    /// lengths are equal the mapping is byte for byte; otherwise the segment
    /// is exactly one normalised char.
    segs: Vec<Seg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    norm: usize,
    orig: usize,
    orig_end: usize,
}

/// Lines at least this long (bytes) are searched for page numbers inside them.
const FLAT_LINE: usize = 1000;

/// Output under construction; see [`Normalized::segs`] for the invariant.
struct Builder<'a> {
    original: &'a str,
    out: String,
    segs: Vec<Seg>,
}

/// Enough state to undo everything emitted since (used to drop a line).
struct Mark {
    out_len: usize,
    segs_len: usize,
    last: Option<Seg>,
}

impl Builder<'_> {
    fn mark(&self) -> Mark {
        Mark {
            out_len: self.out.len(),
            segs_len: self.segs.len(),
            last: self.segs.last().copied(),
        }
    }

    fn rewind(&mut self, m: Mark) {
        self.out.truncate(m.out_len);
        self.segs.truncate(m.segs_len);
        if let (Some(slot), Some(last)) = (self.segs.last_mut(), m.last) {
            *slot = last;
        }
    }

    /// Whether the last segment maps byte for byte and ends at `orig`, so that
    /// verbatim text starting at `orig` can extend it.
    fn can_extend(&self, orig: usize) -> bool {
        self.segs
            .last()
            .is_some_and(|s| s.orig_end == orig && s.orig_end - s.orig == self.out.len() - s.norm)
    }

    /// Copy `original[start..end]` verbatim.
    fn copy(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        if self.can_extend(start) {
            if let Some(last) = self.segs.last_mut() {
                last.orig_end = end;
            }
        } else {
            self.segs.push(Seg {
                norm: self.out.len(),
                orig: start,
                orig_end: end,
            });
        }
        self.out.push_str(&self.original[start..end]);
    }

    /// Emit `c` in place of `original[start..end]`.
    fn replace(&mut self, start: usize, end: usize, c: char) {
        if c.len_utf8() == end - start && self.can_extend(start) {
            if let Some(last) = self.segs.last_mut() {
                last.orig_end = end;
            }
        } else {
            self.segs.push(Seg {
                norm: self.out.len(),
                orig: start,
                orig_end: end,
            });
        }
        self.out.push(c);
    }

    /// Normalise the content of one line, `original[start..end]`, which
    /// contains no `'\n'` or `'\r'`. A page number standing inside the line (the
    /// text lost the line breaks around it) becomes one space.
    fn line(&mut self, start: usize, end: usize) {
        // Only a line no layout prints (text that lost its line breaks) holds page numbers
        // inside it; in text that kept its lines they stand on their own.
        let may_hold_mark = end - start >= FLAT_LINE;
        let before = self.mark();
        self.span(start, end);
        if !may_hold_mark {
            return;
        }
        // Marks are found in the normalised line (full-width folded, bookmarks gone), so
        // that normalising twice finds what normalising once did.
        let line = &self.out[before.out_len..];
        let marks: Vec<Range<usize>> = inline_page_marks(line)
            .into_iter()
            .map(|m| {
                self.orig_start(before.out_len + m.start)..self.orig_end(before.out_len + m.end)
            })
            .collect();
        if marks.is_empty() {
            return;
        }
        self.rewind(before);
        let mut at = start;
        for m in marks {
            self.span(at, m.start);
            self.replace(m.start, m.end, ' ');
            at = m.end;
        }
        self.span(at, end);
    }

    /// The original offset of the output char starting at `p`.
    fn orig_start(&self, p: usize) -> usize {
        orig_of_char_at(&self.segs, self.out.len(), p)
    }

    /// The original offset just past the output char ending at `p` (> 0).
    fn orig_end(&self, p: usize) -> usize {
        orig_after_char_ending(&self.segs, self.out.len(), p)
    }

    /// Normalise `original[start..end]`, a part of one line.
    #[inline]
    fn span(&mut self, start: usize, end: usize) {
        let s = &self.original[start..end];
        let b = s.as_bytes();
        // `run` is the start of pending verbatim text, `i` the current char;
        // both are char boundaries of `s`.
        let mut run = 0;
        let mut i = 0;
        while i < b.len() {
            let byte = b[i];
            if byte < 0x80 {
                if byte == b'[' {
                    if let Some(n) = bookmark_len(&s[i..]) {
                        self.copy(start + run, start + i);
                        i += n;
                        run = i;
                        continue;
                    }
                }
                i += 1;
                continue;
            }
            // Lead byte of a multi-byte char. Lead bytes E4..=E9 start the
            // 3-byte chars U+4000..=U+9FFF (CJK Ext. A tail, hexagrams, all
            // common ideographs), none of which `normalize_char` changes
            // (asserted by `fast_path_range_is_untouched`): skip undecoded.
            if (0xE4..=0xE9).contains(&byte) {
                i += 3;
                continue;
            }
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            let len = c.len_utf8();
            if c == '［' {
                if let Some(n) = bookmark_len(&s[i..]) {
                    self.copy(start + run, start + i);
                    i += n;
                    run = i;
                    continue;
                }
            }
            match normalize_char(c) {
                Some(n) if n == c => {}
                folded => {
                    self.copy(start + run, start + i);
                    if let Some(n) = folded {
                        self.replace(start + i, start + i + len, n);
                    }
                    run = i + len;
                }
            }
            i += len;
        }
        self.copy(start + run, end);
    }
}

/// Length in bytes of a `[bookmark: NAME]` artefact at the start of `s`, if
/// any.
///
/// Word-to-text converters leave these where Word had bookmarks (most often
/// `[bookmark: _GoBack]`, Word's "last edit position"). Names are short and
/// never contain brackets or line breaks.
///
/// Matching is done on folded chars (see [`normalize_char`]) and skips nested
/// artefacts, so that normalising twice gives the same text as normalising
/// once (e.g. for `[bookmark: x］` or `[bookmark:[bookmark: x]]`), up to a
/// nesting depth of [`MAX_BOOKMARK_DEPTH`].
fn bookmark_len(s: &str) -> Option<usize> {
    bookmark_at(s, 0)
}

/// Deeper nesting is not an artefact any converter produces; the cap keeps
/// recursion (and time on inputs like `[[[[...`) bounded.
const MAX_BOOKMARK_DEPTH: u32 = 8;

fn bookmark_at(s: &str, depth: u32) -> Option<usize> {
    const KEYWORD: &str = "bookmark:";
    const MAX_NAME_CHARS: usize = 80;
    let first = s.chars().next()?;
    if normalize_char(first) != Some('[') {
        return None;
    }
    let mut keyword = KEYWORD.chars();
    let mut want = keyword.next();
    let mut name_chars = 0;
    let mut i = first.len_utf8();
    while let Some(c) = s[i..].chars().next() {
        let len = c.len_utf8();
        let Some(f) = normalize_char(c) else {
            i += len;
            continue;
        };
        if f == '[' {
            let nested = if depth < MAX_BOOKMARK_DEPTH {
                bookmark_at(&s[i..], depth + 1)
            } else {
                None
            };
            i += nested?;
            continue;
        }
        match want {
            Some(w) => {
                if !f.eq_ignore_ascii_case(&w) {
                    return None;
                }
                want = keyword.next();
            }
            None => match f {
                ']' => return Some(i + len),
                '\n' => return None,
                _ if name_chars == MAX_NAME_CHARS => return None,
                _ => name_chars += 1,
            },
        }
        i += len;
    }
    None
}

impl Normalized {
    /// Normalise `original` (see the type's documentation for what changes).
    ///
    /// Never panics; runs in one pass with a fast path for ASCII and common
    /// ideographs, copying unchanged stretches in bulk.
    pub fn new(original: &str) -> Normalized {
        let mut b = Builder {
            original,
            out: String::with_capacity(original.len()),
            segs: Vec::new(),
        };
        let bytes = original.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() {
            let line_end =
                memchr::memchr2(b'\n', b'\r', &bytes[pos..]).map_or(bytes.len(), |p| pos + p);
            let term = match bytes.get(line_end) {
                None => 0,
                Some(b'\r') if bytes.get(line_end + 1) == Some(&b'\n') => 2,
                Some(_) => 1,
            };
            let mark = b.mark();
            b.line(pos, line_end);
            if is_page_number_line(&b.out[mark.out_len..]) {
                b.rewind(mark);
            } else if term == 2 || bytes.get(line_end) == Some(&b'\r') {
                b.replace(line_end, line_end + term, '\n');
            } else if term == 1 {
                b.copy(line_end, line_end + 1);
            }
            pos = line_end + term;
        }
        b.out.shrink_to_fit();
        b.segs.shrink_to_fit();
        Normalized {
            text: b.out,
            segs: b.segs,
        }
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Original byte offset of the char starting at normalised byte offset `i`.
    ///
    /// `i == text.len()` maps to the end of the last original char that made
    /// it into the text (so an "at end of text" diagnostic lands right after
    /// the last real content, not after trailing dropped material). Offsets
    /// inside a char are rounded down to its start, offsets past the end are
    /// treated as `text.len()`; the result is always a char boundary of the
    /// original.
    pub fn original_offset(&self, i: usize) -> usize {
        let Some(last) = self.segs.last() else {
            return 0;
        };
        if i >= self.text.len() {
            return last.orig_end;
        }
        orig_of_char_at(&self.segs, self.text.len(), floor_boundary(&self.text, i))
    }

    /// Map a normalised byte range to the smallest original byte range
    /// covering it.
    ///
    /// Chars dropped at the edges of the range (zero-width chars, bookmark
    /// artefacts, page-number lines) are not included; those in the middle
    /// are. An empty range maps to an empty range at
    /// [`original_offset`](Self::original_offset). Out-of-range or reversed
    /// input is clamped rather than rejected.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.original_offset(r.start);
        if r.end <= r.start || r.start >= self.text.len() {
            return start..start;
        }
        let end = self.original_end(r.end).max(start);
        start..end
    }

    /// Original byte offset just past the original of the char ending at
    /// normalised offset `i` (rounded up to a char boundary).
    fn original_end(&self, i: usize) -> usize {
        let Some(first) = self.segs.first() else {
            return 0;
        };
        let i = ceil_boundary(&self.text, i.min(self.text.len()));
        if i == 0 {
            return first.orig;
        }
        orig_after_char_ending(&self.segs, self.text.len(), i)
    }
}

/// Whether segment `k` of `segs` (over a text of `len` bytes) maps byte for byte.
fn is_linear(segs: &[Seg], len: usize, k: usize) -> bool {
    let s = segs[k];
    let norm_end = segs.get(k + 1).map_or(len, |n| n.norm);
    s.orig_end - s.orig == norm_end - s.norm
}

/// Original offset of the normalised char starting at `p` (a char boundary below `len`;
/// `segs` not empty).
fn orig_of_char_at(segs: &[Seg], len: usize, p: usize) -> usize {
    let k = segs.partition_point(|s| s.norm <= p) - 1;
    let s = segs[k];
    if is_linear(segs, len, k) {
        s.orig + (p - s.norm)
    } else {
        s.orig
    }
}

/// Original offset just past the normalised char ending at `p` (a char boundary,
/// `0 < p <= len`; `segs` not empty).
fn orig_after_char_ending(segs: &[Seg], len: usize, p: usize) -> usize {
    let k = segs.partition_point(|s| s.norm < p) - 1;
    let s = segs[k];
    if is_linear(segs, len, k) {
        s.orig + (p - s.norm)
    } else {
        s.orig_end
    }
}

impl AsRef<str> for Normalized {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Normalized::new(s).text
    }

    #[test]
    fn radicals() {
        assert_eq!(norm("⼀、总体情况"), "一、总体情况");
        assert_eq!(norm("⼈⺠"), "人民");
        assert_eq!(norm("⻔⼾"), "门户");
        assert_eq!(norm("⻓"), "长");
        assert_eq!(norm("⻛"), "风");
        assert_eq!(norm("⼆、主动公开政府信息情况"), "二、主动公开政府信息情况");
        assert_eq!(norm("政府⽹站"), "政府网站");
    }

    #[test]
    fn full_width_and_spaces() {
        assert_eq!(norm("（一）"), "(一)");
        assert_eq!(norm("１２"), "12");
        assert_eq!(norm("：，"), ":,");
        assert_eq!(
            norm("收到申请\u{3000}１２３件\u{A0}，其中"),
            "收到申请 123件 ,其中"
        );
        assert_eq!(norm("a\u{2003}b\u{202F}c\u{205F}d"), "a b c d");
        assert_eq!(norm("、。“”《》"), "、。“”《》");
        assert_eq!(norm("ABC abc"), "ABC abc");
        assert_eq!(norm("\u{F900}"), "\u{8C48}");
    }

    #[test]
    fn invisibles_dropped() {
        assert_eq!(
            norm("\u{FEFF}一、总\u{200B}体\u{200C}\u{200D}情\u{2060}况\u{AD}"),
            "一、总体情况"
        );
    }

    #[test]
    fn line_endings() {
        assert_eq!(norm("a\r\nb\rc\n\td\n"), "a\nb\nc\n\td\n");
        assert_eq!(norm("\r\r\n\n"), "\n\n\n");
        assert_eq!(norm(""), "");
        assert_eq!(norm("\n"), "\n");
    }

    #[test]
    fn bookmarks() {
        assert_eq!(norm("[bookmark: _GoBack]一、总体情况"), "一、总体情况");
        assert_eq!(norm("总体情况[bookmark: _Toc123456]\n二"), "总体情况\n二");
        assert_eq!(norm("a[bookmark: x]b[Bookmark:y]c"), "abc");
        assert_eq!(norm("[bookmark: _GoBack]\n"), "\n");
        // Not artefacts.
        assert_eq!(
            norm("[bookmark: unterminated\n]"),
            "[bookmark: unterminated\n]"
        );
        assert_eq!(norm("[bookmark]"), "[bookmark]");
        // Folded forms are artefacts too, so normalising is idempotent.
        assert_eq!(norm("［ｂｏｏｋｍａｒｋ：x］y"), "y");
        assert_eq!(norm("[book\u{200B}mark: x］y"), "y");
        assert_eq!(norm("[bookmark:[bookmark: _GoBack]]y"), "y");
        assert_eq!(norm("[book[bookmark: a]mark: b]y"), "y");
        assert_eq!(norm("[bookmark: a[b]"), "[bookmark: a[b]");
        let deep = "[".repeat(10_000) + "]";
        assert_eq!(norm(&deep), deep);
        assert_eq!(norm("[注释]"), "[注释]");
    }

    #[test]
    fn page_number_lines() {
        let src = "上文\n-3-\n下文\n- 3 -\n— 4 —\n—4—\n－5－\n– 12 –\n第3页\n第 3 页\n第3页 共10页\n第3页/共10页\n3/10\n结束";
        assert_eq!(norm(src), "上文\n下文\n结束");
        // CRLF and indentation.
        assert_eq!(norm("a\r\n  - 7 -  \r\nb"), "a\nb");
        // Last line without terminator.
        assert_eq!(norm("a\n- 7 -"), "a\n");
        // Page number hidden behind a bookmark artefact.
        assert_eq!(norm("a\n[bookmark: _GoBack]- 7 -\nb"), "a\nb");
    }

    #[test]
    fn table_cells_kept() {
        let src = "3\n0\n-\n—\n12\n-3\n";
        assert_eq!(norm(src), src);
    }

    #[test]
    fn everything_else_kept() {
        let src = "一、总体情况\n\n（一）主动公开情况\n\t本年新制发规章 0 件，现行有效 12 件。\n";
        let expected = "一、总体情况\n\n(一)主动公开情况\n\t本年新制发规章 0 件,现行有效 12 件。\n";
        assert_eq!(norm(src), expected);
        assert_eq!(norm(src).lines().count(), src.lines().count());
    }

    #[test]
    fn map_identity() {
        let n = Normalized::new("一、总体情况");
        for i in 0..=n.text.len() {
            if n.text.is_char_boundary(i) {
                assert_eq!(n.original_offset(i), i);
            }
        }
        assert_eq!(n.original_range(0..6), 0..6);
        // Identity text needs a single segment.
        assert_eq!(n.segs.len(), 1);
    }

    #[test]
    fn map_radicals() {
        let src = "⼀、总体情况";
        let n = Normalized::new(src);
        assert_eq!(n.text, "一、总体情况");
        // "一、" -> "⼀、" (both 6 bytes).
        assert_eq!(n.original_range(0..6), 0..6);
        assert_eq!(&src[n.original_range(0..6)], "⼀、");
        assert_eq!(n.original_range(3..6), 3..6);
    }

    #[test]
    fn map_full_width() {
        let src = "共１２件（含）";
        let n = Normalized::new(src);
        assert_eq!(n.text, "共12件(含)");
        let digits = n.text.find("12").unwrap();
        let r = n.original_range(digits..digits + 2);
        assert_eq!(&src[r], "１２");
        let r = n.original_range(digits + 1..digits + 2);
        assert_eq!(&src[r], "２");
        let paren = n.text.find("(含)").unwrap();
        assert_eq!(&src[n.original_range(paren..n.text.len())], "（含）");
        assert_eq!(n.original_offset(n.text.len()), src.len());
        assert_eq!(n.original_offset(digits + 2), src.find('件').unwrap());
    }

    #[test]
    fn map_dropped_and_removed() {
        let src = "\u{FEFF}ab\u{200B}c\r\n- 3 -\r\n[bookmark: _GoBack]d";
        let n = Normalized::new(src);
        assert_eq!(n.text, "abc\nd");
        assert_eq!(&src[n.original_range(0..2)], "ab");
        assert_eq!(&src[n.original_range(0..3)], "ab\u{200B}c");
        assert_eq!(&src[n.original_range(2..3)], "c");
        assert_eq!(&src[n.original_range(3..4)], "\r\n");
        assert_eq!(&src[n.original_range(4..5)], "d");
        assert_eq!(n.original_offset(0), 3);
        assert_eq!(n.original_offset(4), src.len() - 1);
        assert_eq!(n.original_offset(5), src.len());
        // Empty range.
        assert_eq!(n.original_range(4..4), src.len() - 1..src.len() - 1);
        // Out of range input is clamped.
        assert_eq!(n.original_range(4..99), src.len() - 1..src.len());
        assert_eq!(n.original_offset(99), src.len());
        let reversed = std::ops::Range { start: 3, end: 1 };
        assert_eq!(
            n.original_range(reversed),
            n.original_offset(3)..n.original_offset(3)
        );
    }

    #[test]
    fn map_trailing_dropped() {
        let src = "ab\u{200B}\n-3-";
        let n = Normalized::new(src);
        assert_eq!(n.text, "ab\n");
        assert_eq!(n.original_offset(3), 6);
        assert_eq!(&src[n.original_range(0..2)], "ab");
        assert_eq!(&src[n.original_range(0..3)], "ab\u{200B}\n");
    }

    #[test]
    fn map_empty() {
        let n = Normalized::new("");
        assert_eq!(n.original_offset(0), 0);
        assert_eq!(n.original_range(0..0), 0..0);
        let n = Normalized::new("\u{200B}");
        assert_eq!(n.text, "");
        assert_eq!(n.original_offset(0), 0);
        assert_eq!(n.original_range(0..5), 0..0);
    }

    #[test]
    fn map_supplementary_target() {
        // A radical whose equivalent is outside the BMP: 3 bytes -> 4 bytes.
        let src = "a\u{2E87}b";
        let n = Normalized::new(src);
        assert_eq!(n.text, "a\u{20628}b");
        assert_eq!(n.original_range(1..5), 1..4);
        assert_eq!(n.original_offset(5), 4);
        // Inside the 4-byte char: rounded to the char.
        assert_eq!(n.original_offset(2), 1);
        assert_eq!(n.original_range(2..3), 1..4);
    }

    #[test]
    fn map_mid_char_of_identity_text() {
        let n = Normalized::new("总体");
        assert_eq!(n.original_offset(1), 0);
        assert_eq!(n.original_range(1..2), 0..3);
    }
}
