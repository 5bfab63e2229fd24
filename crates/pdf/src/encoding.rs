//! Simple-font encodings: the standard base encodings and glyph names of `Differences`.
//!
//! Chinese reports are set in CID fonts with ToUnicode maps; simple fonts carry the
//! Latin digits and punctuation, usually WinAnsi. So the standard encodings are
//! complete for the printable ASCII/Latin-1 range, and glyph names cover the Adobe
//! names a Latin font uses plus the `uniXXXX`/`uXXXX` forms.

use std::sync::LazyLock;

/// A base encoding: one char (or none) per byte.
pub type Table = [Option<char>; 256];

fn from_encoding(enc: &'static encoding_rs::Encoding) -> Table {
    let mut t = [None; 256];
    for (b, slot) in t.iter_mut().enumerate().skip(0x20) {
        let byte = [b as u8];
        let (s, bad) = enc.decode_without_bom_handling(&byte);
        if !bad {
            *slot = s.chars().next().filter(|c| !c.is_control());
        }
    }
    t
}

pub static WIN_ANSI: LazyLock<Table> = LazyLock::new(|| from_encoding(encoding_rs::WINDOWS_1252));
pub static MAC_ROMAN: LazyLock<Table> = LazyLock::new(|| from_encoding(encoding_rs::MACINTOSH));

/// StandardEncoding: ASCII with curly quotes, and the common high positions.
pub static STANDARD: LazyLock<Table> = LazyLock::new(|| {
    let mut t = [None; 256];
    for (b, slot) in t.iter_mut().enumerate().take(0x7f).skip(0x20) {
        *slot = Some(b as u8 as char);
    }
    t[0x27] = Some('\u{2019}');
    t[0x60] = Some('\u{2018}');
    for (b, c) in [
        (0xa1, '¡'),
        (0xa2, '¢'),
        (0xa3, '£'),
        (0xa5, '¥'),
        (0xa7, '§'),
        (0xa9, '\''),
        (0xaa, '“'),
        (0xab, '«'),
        (0xb1, '–'),
        (0xb2, '†'),
        (0xb3, '‡'),
        (0xb4, '·'),
        (0xb6, '¶'),
        (0xb7, '•'),
        (0xba, '”'),
        (0xbb, '»'),
        (0xbc, '…'),
        (0xbd, '‰'),
        (0xbf, '¿'),
        (0xd0, '—'),
        (0xe1, 'Æ'),
        (0xf1, 'æ'),
        (0xfb, 'ß'),
    ] {
        t[b] = Some(c);
    }
    t
});

/// PDFDocEncoding is Latin-1 for the positions text uses.
pub static PDF_DOC: LazyLock<Table> = LazyLock::new(|| {
    let mut t = [None; 256];
    for (b, slot) in t.iter_mut().enumerate().skip(0x20) {
        if !(0x7f..0xa1).contains(&b) {
            *slot = char::from_u32(b as u32);
        }
    }
    t
});

/// The base encoding named `name`, if it is a standard one.
pub fn named(name: &[u8]) -> Option<&'static Table> {
    match name {
        b"WinAnsiEncoding" => Some(&WIN_ANSI),
        b"MacRomanEncoding" | b"MacExpertEncoding" => Some(&MAC_ROMAN),
        b"StandardEncoding" => Some(&STANDARD),
        b"PDFDocEncoding" => Some(&PDF_DOC),
        _ => None,
    }
}

/// Adobe glyph names a Latin text font uses, with their Unicode value.
const NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    ("quoteleft", '‘'),
    ("quoteright", '’'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("quotesinglbase", '‚'),
    ("quotedblbase", '„'),
    ("bullet", '•'),
    ("endash", '–'),
    ("emdash", '—'),
    ("ellipsis", '…'),
    ("periodcentered", '·'),
    ("middot", '·'),
    ("trademark", '™'),
    ("copyright", '©'),
    ("registered", '®'),
    ("degree", '°'),
    ("plusminus", '±'),
    ("multiply", '×'),
    ("divide", '÷'),
    ("minus", '−'),
    ("section", '§'),
    ("paragraph", '¶'),
    ("dagger", '†'),
    ("daggerdbl", '‡'),
    ("perthousand", '‰'),
    ("percent", '%'),
    ("yen", '¥'),
    ("sterling", '£'),
    ("cent", '¢'),
    ("Euro", '€'),
    ("exclamdown", '¡'),
    ("questiondown", '¿'),
    ("guillemotleft", '«'),
    ("guillemotright", '»'),
    ("nbspace", '\u{a0}'),
    ("nonbreakingspace", '\u{a0}'),
    ("sfthyphen", '\u{ad}'),
    ("fi", 'ﬁ'),
    ("fl", 'ﬂ'),
    ("germandbls", 'ß'),
    ("AE", 'Æ'),
    ("ae", 'æ'),
    ("Oslash", 'Ø'),
    ("oslash", 'ø'),
    ("eacute", 'é'),
    ("egrave", 'è'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("uacute", 'ú'),
    ("udieresis", 'ü'),
    ("odieresis", 'ö'),
    ("adieresis", 'ä'),
    ("ccedilla", 'ç'),
    ("ntilde", 'ñ'),
    ("iacute", 'í'),
    ("oacute", 'ó'),
];

/// The Unicode char a glyph name stands for: a letter's own name, a listed Adobe
/// name, or the `uniXXXX` / `uXXXX[XX]` forms.
pub fn glyph_name_to_char(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    // "a.sc", "one.oldstyle": the part before the first period names the glyph.
    let base = name.split('.').next().unwrap_or(name);
    if base.len() == 1 && base.as_bytes()[0].is_ascii_alphabetic() {
        return base.chars().next();
    }
    if let Some(&(_, c)) = NAMES.iter().find(|(n, _)| *n == base) {
        return Some(c);
    }
    let hex = |s: &str| u32::from_str_radix(s, 16).ok().and_then(char::from_u32);
    if let Some(h) = base.strip_prefix("uni") {
        if h.len() >= 4 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return hex(&h[..4]);
        }
    }
    if let Some(h) = base.strip_prefix('u') {
        if (4..=6).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return hex(h);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tables() {
        assert_eq!(glyph_name_to_char(b"zero"), Some('0'));
        assert_eq!(glyph_name_to_char(b"A"), Some('A'));
        assert_eq!(glyph_name_to_char(b"uni4E00"), Some('一'));
        assert_eq!(glyph_name_to_char(b"u1F600"), Some('😀'));
        assert_eq!(glyph_name_to_char(b"one.oldstyle"), Some('1'));
        assert_eq!(glyph_name_to_char(b"g123"), None);
        assert_eq!(WIN_ANSI[0x93], Some('“'));
        assert_eq!(WIN_ANSI[0x41], Some('A'));
        assert_eq!(STANDARD[0x27], Some('’'));
    }
}
