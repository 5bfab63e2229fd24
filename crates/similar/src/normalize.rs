//! Normalisation for comparison, with a map back to the original bytes.

use std::ops::Range;

/// What every run of digits becomes in normalised text.
///
/// Copying last year's section and updating the numbers is the commonest form of
/// 内容雷同, so numbers must not make two copies look different: `2023年…1286条` and
/// `2024年…1391条` both become `#年…#条`. `#` is ASCII punctuation, which is otherwise
/// dropped, so it cannot come from the text itself.
pub const DIGITS: char = '#';

/// Text reduced to what says something: letters (CJK ideographs, kana, Latin, …) and one
/// [`DIGITS`] placeholder per number; whitespace, punctuation and symbols are dropped.
///
/// Dropping punctuation makes `主动公开、依申请公开` equal `主动公开，依申请公开`, and a
/// line break in the middle of a sentence (PDF extraction) invisible. Digits are folded
/// together with anything dropped between them, so `1,286`, `12.5` and `1 286` are all one
/// number. Full-width ASCII (`Ａ１`) is folded to ASCII and ASCII letters are lower-cased.
///
/// Each normalised char remembers the byte range of the original text it came from (for a
/// number: from its first to its last digit), so that a passage found in normalised text
/// can be shown as a byte range of the original string, always on char boundaries.
///
/// This does not fold Kangxi radicals or CJK compatibility ideographs: the parser's section
/// text has already been through `gongkai_text`'s normalisation, which does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormalizedText {
    chars: Vec<char>,
    /// Original byte range of each normalised char.
    spans: Vec<(usize, usize)>,
}

/// How one original char takes part in comparison.
enum Class {
    Keep(char),
    Digit,
    Drop,
}

#[inline]
fn classify(c: char) -> Class {
    // Fast paths for nearly every char of a report (the Unicode property lookups below
    // are binary searches). Every code point of U+4E00..U+9FFF is an assigned ideograph;
    // U+2000..U+206F (spaces, dashes, “ ” …) and U+3000..U+3004, U+3008..U+3020 (、。
    // 《 》 【 】 〔 〕) hold no letters or digits.
    match c {
        '\u{4E00}'..='\u{9FFF}' => return Class::Keep(c),
        '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' => {
            return Class::Drop
        }
        _ => {}
    }
    // Full-width ASCII (U+FF01..U+FF5E) to ASCII: `１２` is a number, `Ｗｅｂ` a word.
    let c = if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
    } else {
        c
    };
    if c.is_ascii() {
        return if c.is_ascii_digit() {
            Class::Digit
        } else if c.is_ascii_alphabetic() {
            Class::Keep(c.to_ascii_lowercase())
        } else {
            Class::Drop
        };
    }
    // 〇 is a letter number (Nl) but is written as an ideograph (二〇二三年): keep it.
    if c == '〇' {
        return Class::Keep(c);
    }
    if c.is_numeric() {
        // ① ² Ⅳ and other digits: numbering, which a copy updates like any number.
        return Class::Digit;
    }
    if c.is_alphabetic() {
        return Class::Keep(c);
    }
    Class::Drop
}

impl NormalizedText {
    /// Normalise `text`.
    pub fn new(text: &str) -> NormalizedText {
        NormalizedText::prefix(text, usize::MAX)
    }

    /// Normalise the beginning of `text`, up to `max_chars` normalised chars (what
    /// [`crate::Options::max_chars`] asks): memory and time stay bounded however long the
    /// text is, because nothing after the limit is even looked at.
    pub fn prefix(text: &str, max_chars: usize) -> NormalizedText {
        // CJK text is 3 bytes a char in UTF-8; this avoids most re-allocation.
        let guess = (text.len() / 3 + 1).min(max_chars.saturating_add(1));
        let mut chars = Vec::with_capacity(guess);
        let mut spans = Vec::with_capacity(guess);
        // True while the last kept char is a number and only dropped chars followed it.
        let mut in_number = false;
        for (at, c) in text.char_indices() {
            let end = at + c.len_utf8();
            let class = classify(c);
            // At the limit, only the rest of a number already kept may follow (it adds no
            // char, and its span should cover all of it, as `1,286` does).
            let inside_number = in_number && !matches!(class, Class::Keep(_));
            if chars.len() >= max_chars && !inside_number {
                break;
            }
            match class {
                Class::Keep(k) => {
                    chars.push(k);
                    spans.push((at, end));
                    in_number = false;
                }
                Class::Digit => {
                    if in_number {
                        if let Some(last) = spans.last_mut() {
                            last.1 = end;
                        }
                    } else {
                        chars.push(DIGITS);
                        spans.push((at, end));
                        in_number = true;
                    }
                }
                Class::Drop => {}
            }
        }
        NormalizedText { chars, spans }
    }

    /// The normalised chars.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// The first `max` normalised chars (all of them if there are fewer).
    pub(crate) fn chars_upto(&self, max: usize) -> &[char] {
        &self.chars[..self.chars.len().min(max)]
    }

    /// Number of normalised chars (what `min_chars` and `min_passage` count).
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// True when nothing in the text takes part in comparison.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The byte range of the original text that normalised chars `r` came from: from the
    /// start of the first to the end of the last, including anything dropped in between.
    ///
    /// Panics if `r` is empty or out of bounds.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        assert!(
            r.start < r.end && r.end <= self.spans.len(),
            "normalised range {r:?} out of 0..{}",
            self.spans.len()
        );
        self.spans[r.start].0..self.spans[r.end - 1].1
    }
}

impl std::fmt::Display for NormalizedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        self.chars.iter().try_for_each(|&c| f.write_char(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        NormalizedText::new(s).to_string()
    }

    #[test]
    fn drops_whitespace_and_punctuation_of_both_widths() {
        assert_eq!(
            norm("一、总体情况\n（一）主动公开：“政府信息”《条例》… ！？；"),
            "一总体情况一主动公开政府信息条例"
        );
        assert_eq!(norm("a, b; c. (d) [e] {f} <g> \"h\" 'i' !?"), "abcdefghi");
        assert_eq!(norm("\u{3000}\u{a0}\t\r\n"), "");
    }

    #[test]
    fn numbers_become_one_placeholder() {
        assert_eq!(norm("2023年共1,286条，增长12.5%"), "#年共#条增长#");
        assert_eq!(norm("２０２４年１３９１条"), "#年#条");
        assert_eq!(norm("第1、2项"), "第#项");
        assert_eq!(norm("①主动公开②依申请公开"), "#主动公开#依申请公开");
        // Chinese numerals are words, not digits.
        assert_eq!(norm("二〇二三年三月"), "二〇二三年三月");
    }

    #[test]
    fn letters_are_folded() {
        assert_eq!(norm("APP和ｗｅｂ网站"), "app和web网站");
    }

    #[test]
    fn prefix_stops_at_the_limit() {
        let s = "政府信息，公开 1,286 条。其余不看";
        assert_eq!(NormalizedText::prefix(s, 4).to_string(), "政府信息");
        // The number that reaches the limit is kept whole.
        let n = NormalizedText::prefix(s, 7);
        assert_eq!(n.to_string(), "政府信息公开#");
        assert_eq!(&s[n.original_range(6..7)], "1,286");
        assert_eq!(NormalizedText::prefix(s, 0).len(), 0);
        assert_eq!(NormalizedText::prefix(s, 1000), NormalizedText::new(s));
        // A long text costs only its prefix.
        let long = "的".repeat(100_000);
        assert_eq!(NormalizedText::prefix(&long, 10).len(), 10);
    }

    #[test]
    fn original_range_maps_back() {
        let s = "共发布 1,286 条。其中Ａ类";
        let n = NormalizedText::new(s);
        assert_eq!(n.to_string(), "共发布#条其中a类");
        assert_eq!(&s[n.original_range(3..4)], "1,286");
        assert_eq!(&s[n.original_range(2..5)], "布 1,286 条");
        assert_eq!(&s[n.original_range(4..8)], "条。其中Ａ");
    }
}
