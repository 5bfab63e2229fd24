//! Per-character folding.

use crate::compat_table::COMPAT_IDEOGRAPHS;
use crate::radicals_table::RADICALS;

/// Normalise one char for matching; `None` means the char is to be dropped.
///
/// Matching code compares report text against fixed Chinese phrases, so every
/// character that merely *looks* like the expected one must become it:
///
/// - Kangxi radicals (U+2F00..U+2FD5) and CJK Radicals Supplement
///   (U+2E80..U+2EF3) become the equivalent unified ideograph (`⼀` -> `一`,
///   `⻔` -> `门`, `⼾` -> `户`). PDF producers emit these when a font maps one
///   glyph to both code points.
/// - CJK Compatibility Ideographs (U+F900..U+FAFF) become their canonical
///   (NFC) unified ideograph.
/// - Full-width ASCII (U+FF01..U+FF5E) becomes ASCII (`（` -> `(`, `１` -> `1`,
///   `：` -> `:`, `，` -> `,`), so numbers and brackets compare equal however
///   they were typed.
/// - Non-breaking, ideographic and typographic spaces become `' '`.
/// - Zero-width space/joiners, word joiner, BOM and soft hyphen are dropped:
///   they are invisible, so the reader never typed them.
/// - `'\r'` becomes `'\n'` (line structure is handled by [`crate::Normalized`],
///   which also folds `"\r\n"` to a single `'\n'`).
///
/// Everything else, including CJK punctuation such as `、 。 “ ” 《 》` and
/// letter case, is returned unchanged: those carry meaning for the parser.
#[inline]
pub fn normalize_char(c: char) -> Option<char> {
    let cp = c as u32;
    if cp < 0x80 {
        return Some(if c == '\r' { '\n' } else { c });
    }
    if (0x4E00..=0x9FFF).contains(&cp) {
        return Some(c);
    }
    match cp {
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => Some(' '),
        0x00AD | 0x200B..=0x200D | 0x2060 | 0xFEFF => None,
        0xFF01..=0xFF5E => Some(char::from_u32(cp - 0xFEE0).unwrap_or(c)),
        0x2E80..=0x2FDF => Some(lookup(RADICALS, c).unwrap_or(c)),
        0xF900..=0xFAFF => Some(lookup(COMPAT_IDEOGRAPHS, c).unwrap_or(c)),
        _ => Some(c),
    }
}

fn lookup(table: &[(char, char)], c: char) -> Option<char> {
    table
        .binary_search_by_key(&c, |&(from, _)| from)
        .ok()
        .map(|i| table[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        s.chars().filter_map(normalize_char).collect()
    }

    #[test]
    fn radicals() {
        assert_eq!(fold("⼀⼆⼈⼊⼋⼒⼗"), "一二人入八力十");
        assert_eq!(fold("⼾"), "户");
        assert_eq!(fold("⺠⻔⻓⻛⻅⻩"), "民门长风见黄");
        assert_eq!(normalize_char('\u{2FD5}'), Some('\u{9FA0}'));
        // Supplementary-plane targets.
        assert_eq!(normalize_char('\u{2E87}'), Some('\u{20628}'));
        // No equivalent: kept as is.
        assert_eq!(normalize_char('\u{2E80}'), Some('\u{2E80}'));
        // Unassigned gap in the block.
        assert_eq!(normalize_char('\u{2E9A}'), Some('\u{2E9A}'));
    }

    #[test]
    fn full_width() {
        assert_eq!(fold("（一）１２：，"), "(一)12:,");
        assert_eq!(fold("！～ＡＺａｚ"), "!~AZaz");
        assert_eq!(normalize_char('\u{FF00}'), Some('\u{FF00}'));
        assert_eq!(normalize_char('\u{FF5F}'), Some('\u{FF5F}'));
    }

    #[test]
    fn spaces_and_invisibles() {
        assert_eq!(
            fold("a\u{3000}b\u{A0}c\u{2002}d\u{202F}e\u{205F}f"),
            "a b c d e f"
        );
        assert_eq!(
            fold("\u{FEFF}a\u{200B}b\u{200C}\u{200D}c\u{2060}d\u{AD}e"),
            "abcde"
        );
        assert_eq!(fold("a\tb\nc"), "a\tb\nc");
        assert_eq!(normalize_char('\r'), Some('\n'));
    }

    #[test]
    fn untouched() {
        let s = "、。“”《》‘’【】—…·ABCabc戶";
        assert_eq!(fold(s), s);
    }

    #[test]
    fn compat_ideographs() {
        assert_eq!(normalize_char('\u{F900}'), Some('\u{8C48}'));
        assert_eq!(normalize_char('\u{FA2E}'), Some('\u{90DE}'));
        assert_eq!(normalize_char('\u{FAD0}'), Some('\u{22844}'));
        // FA0E is a unified ideograph that lives in the compatibility block.
        assert_eq!(normalize_char('\u{FA0E}'), Some('\u{FA0E}'));
    }
}
