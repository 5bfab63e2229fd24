//! Reports that a CMS writes from a script: `var content = "<p>…</p>";`,
//! `document.write('…')`, a JSON object with the article's HTML. The string literals of
//! a script are found, unescaped (`\"`, `\'`, `\n`, `\uXXXX`, `\/`, …) and joined.

/// The HTML a script's string literals carry, in order: literals concatenated with `+`
/// form one expression; expressions that hold markup (or CJK text) are kept and joined.
/// Empty when the script writes no markup.
pub fn embedded_html(script: &str) -> String {
    let mut out = String::new();
    let mut group = String::new();
    let mut group_is_markup = false;
    let flush = |group: &mut String, markup: &mut bool, out: &mut String| {
        if *markup {
            out.push_str(group);
            out.push('\n');
        }
        group.clear();
        *markup = false;
    };
    let b = script.as_bytes();
    let mut i = 0;
    // Whether the last thing seen was a literal, and only `+`/whitespace followed it.
    let mut joinable = false;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                let (lit, next) = literal(script, i + 1, q);
                if !joinable {
                    flush(&mut group, &mut group_is_markup, &mut out);
                }
                if is_markup(&lit) {
                    group_is_markup = true;
                }
                group.push_str(&lit);
                joinable = true;
                i = next;
                // Only `+` (and whitespace/newlines) may join this literal to the next.
                let mut j = i;
                let mut plus = false;
                while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'+') {
                    plus |= b[j] == b'+';
                    j += 1;
                }
                if !plus {
                    joinable = false;
                }
                i = j;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = match script[i + 2..].find("*/") {
                    Some(p) => i + 2 + p + 2,
                    None => b.len(),
                };
                continue;
            }
            c if c.is_ascii_whitespace() => {}
            _ => joinable = false,
        }
        i += 1;
    }
    flush(&mut group, &mut group_is_markup, &mut out);
    out
}

fn is_markup(s: &str) -> bool {
    (s.contains('<') && s.contains('>')) || s.contains("&lt;")
}

/// A string literal starting at byte `start` (after the opening quote): its unescaped
/// value and the byte index after its closing quote.
fn literal(script: &str, start: usize, quote: u8) -> (String, usize) {
    let b = script.as_bytes();
    let mut out = String::new();
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        if c == quote {
            return (out, i + 1);
        }
        if c == b'\n' && quote != b'`' {
            // An unterminated literal ends at the line's end.
            return (out, i + 1);
        }
        if c != b'\\' {
            // Copy the whole (possibly multi-byte) character.
            let ch_len = utf8_len(c);
            let end = (i + ch_len).min(b.len());
            out.push_str(script.get(i..end).unwrap_or(""));
            i = end.max(i + 1);
            continue;
        }
        // An escape.
        let Some(&e) = b.get(i + 1) else {
            return (out, b.len());
        };
        i += 2;
        match e {
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'b' | b'f' | b'v' => out.push(' '),
            b'0' => out.push('\0'),
            b'\n' => {}
            b'\r' => {
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'x' => match hex(b, i, 2) {
                Some(v) => {
                    out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
                    i += 2;
                }
                None => out.push('x'),
            },
            b'u' => {
                let (ch, next) = unicode_escape(b, i);
                out.push(ch);
                i = next;
            }
            _ => {
                // `\"`, `\'`, `\\`, `\/` and any other escaped character stand for themselves.
                let ch_len = utf8_len(e);
                let end = (i - 1 + ch_len).min(b.len());
                out.push_str(script.get(i - 1..end).unwrap_or(""));
                i = end.max(i);
            }
        }
    }
    (out, b.len())
}

/// `\uXXXX` (with a following low surrogate when it is a high one) or `\u{…}`, starting
/// after the `u`.
fn unicode_escape(b: &[u8], i: usize) -> (char, usize) {
    if b.get(i) == Some(&b'{') {
        if let Some(close) = b[i..].iter().take(10).position(|&c| c == b'}') {
            if let Some(v) = hex(b, i + 1, close - 1) {
                return (char::from_u32(v).unwrap_or('\u{FFFD}'), i + close + 1);
            }
        }
        return ('u', i);
    }
    let Some(hi) = hex(b, i, 4) else {
        return ('u', i);
    };
    if (0xD800..0xDC00).contains(&hi) && b.get(i + 4) == Some(&b'\\') && b.get(i + 5) == Some(&b'u')
    {
        if let Some(lo) = hex(b, i + 6, 4) {
            if (0xDC00..0xE000).contains(&lo) {
                let v = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return (char::from_u32(v).unwrap_or('\u{FFFD}'), i + 10);
            }
        }
    }
    (char::from_u32(hi).unwrap_or('\u{FFFD}'), i + 4)
}

fn hex(b: &[u8], at: usize, n: usize) -> Option<u32> {
    if n == 0 || n > 6 {
        return None;
    }
    let digits = b.get(at..at + n)?;
    let s = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(s, 16).ok()
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Undo the HTML escaping of markup stored as text (`&lt;p&gt;…`).
pub fn unescape_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#039;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_content() {
        let js = r#"var a = 1; var content = "<p class=\"t\">一、总体情况<\/p>\n<p>\u4e8c\u3001主动公开</p>"; var x = 'utf-8';"#;
        assert_eq!(
            embedded_html(js),
            "<p class=\"t\">一、总体情况</p>\n<p>二、主动公开</p>\n"
        );
    }

    #[test]
    fn concatenation_and_document_write() {
        let js = "document.write('<table>' +\n  '<tr><td>\\'规章\\'</td></tr>' + \"</table>\");\n// don't\ndocument.write('<p>六</p>');";
        assert_eq!(
            embedded_html(js),
            "<table><tr><td>'规章'</td></tr></table>\n<p>六</p>\n"
        );
    }

    #[test]
    fn surrogates_and_garbage() {
        assert_eq!(literal("\\ud83d\\ude00\"", 0, b'"').0, "😀");
        assert_eq!(literal("\\u12", 0, b'"').0, "u12");
        assert_eq!(literal("abc\\", 0, b'"').0, "abc");
        assert_eq!(embedded_html("\"<p>\\"), "<p>\n");
        let _ = embedded_html("'\\u{110000}' \"\\u{zz\" `\\x`");
    }
}
