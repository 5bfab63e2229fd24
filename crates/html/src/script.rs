//! Reports that a CMS writes from a script: `var content = "<p>…</p>";`,
//! `document.write('…')`, a JSON object with the article's HTML. The string literals of
//! a script are found, unescaped (`\"`, `\'`, `\n`, `\uXXXX`, `\/`, …) and joined.
//!
//! The same scanner reads a whole `.js`/`.json` file whose strings hold a report
//! ([`script_report`]): the report's markup is read as a page, its plain text as text.

use crate::extract::markup_markers;
use crate::signals::{is_space, looks_like_title, marker_bits};

/// A script's string literals: literals concatenated with `+` form one expression,
/// unescaped; `code` is what lies outside the literals and comments (the script's own
/// words: `var`, `=`, `(`, `document.write`, JSON's `{`, `:` …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    pub expressions: Vec<String>,
    pub code: String,
    /// The text ends inside a string literal (a file cut short): its last literal runs
    /// to the end of the text, or to a line end with nothing after it.
    pub unterminated: bool,
}

/// Scan a script (or JSON) for its string expressions. Never fails: an unterminated
/// literal ends at its line's end (a template literal at the end of the text).
pub fn scan(script: &str) -> Scanned {
    let mut out = Scanned::default();
    let mut group: Option<String> = None;
    let b = script.as_bytes();
    let mut i = 0;
    // Whether the last thing seen was a literal, and only `+`/whitespace followed it.
    let mut joinable = false;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                let (lit, next, closed) = literal(script, i + 1, q);
                out.unterminated = !closed && script[next.min(b.len())..].trim().is_empty();
                if !joinable {
                    out.expressions.extend(group.take());
                }
                group.get_or_insert_with(String::new).push_str(&lit);
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
                out.code.push(' ');
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
            c if c.is_ascii_whitespace() => out.code.push(c as char),
            c => {
                joinable = false;
                // Copy the whole (possibly multi-byte) character.
                let end = (i + utf8_len(c)).min(b.len());
                out.code.push_str(script.get(i..end).unwrap_or(""));
                i = end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    out.expressions.extend(group);
    out
}

/// The HTML a script's string literals carry, in order: literals concatenated with `+`
/// form one expression; expressions that hold markup are kept and joined.
/// Empty when the script writes no markup.
pub fn embedded_html(script: &str) -> String {
    markup_of(&scan(script).expressions)
}

/// The expressions that hold markup, each followed by a newline.
fn markup_of(expressions: &[String]) -> String {
    let mut out = String::new();
    for e in expressions.iter().filter(|e| is_markup(e)) {
        out.push_str(e);
        out.push('\n');
    }
    out
}

/// What a script or JSON file carries in its string literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptReport {
    /// A report as markup: read it as a web page.
    Html(String),
    /// A report as plain text (the strings that hold Chinese, one per line).
    Text(String),
    /// A script or JSON file whose strings hold no report.
    NoReport,
}

/// Whether `text` is a script or JSON file — its own words are code, its Chinese is in
/// string literals — and what its strings hold. `None` when the text is not one: a
/// report's text (Chinese outside quotes) is never taken for a script, nor is a text
/// that starts with anything but ASCII (scripts and JSON start with code).
pub fn script_report(text: &str) -> Option<ScriptReport> {
    let first = text.trim_start_matches(is_space).chars().next()?;
    if !first.is_ascii() || first == '<' {
        return None;
    }
    let scanned = scan(text);
    if !is_code(&scanned, text) {
        return None;
    }
    let mut html = markup_of(&scanned.expressions);
    if !html.contains('<') {
        html = unescape_entities(&html);
    }
    let plain: Vec<&str> = scanned
        .expressions
        .iter()
        .filter(|e| !is_markup(e) && e.chars().any(is_cjk))
        .map(|e| e.trim_matches(is_space))
        .collect();
    let text = plain.join("\n");
    let title = plain
        .iter()
        .find(|e| looks_like_title(e))
        .map(|t| t.to_string());
    let html_markers = markup_markers(&html);
    let text_markers = marker_bits(&text).count_ones();
    if html_markers >= 2 && html_markers >= text_markers {
        // A title kept in another field (JSON's "title") goes with the markup.
        return Some(ScriptReport::Html(match title {
            Some(t) if !html.contains(&t) => {
                format!(
                    "<meta name=\"ArticleTitle\" content=\"{}\">\n{html}",
                    escape_attr(&t)
                )
            }
            _ => html,
        }));
    }
    if text_markers >= 2 || title.is_some() {
        return Some(ScriptReport::Text(text));
    }
    Some(ScriptReport::NoReport)
}

/// Where a script or JSON file whose strings hold a report stops part-way, or `None`
/// when it may be whole: it ends inside a string literal, or the markup its strings
/// carry ends inside a tag or a comment. Such a file is incomplete, like a cut-off page.
pub fn cut_short(text: &str) -> Option<&'static str> {
    let scanned = scan(text);
    if scanned.unterminated {
        return Some("在字符串中间中断");
    }
    let last = scanned.expressions.iter().rev().find(|e| is_markup(e))?;
    match crate::complete::cut_short(last) {
        Some(w @ ("在注释中间中断" | "在标签中间中断")) => Some(w),
        _ => None,
    }
}

/// Code: string literals, and outside them ASCII with the punctuation of an assignment,
/// a call or an object (`=`, `(`, `:`). A file that is one JSON string counts too.
fn is_code(s: &Scanned, text: &str) -> bool {
    if s.expressions.is_empty() {
        return false;
    }
    let words: Vec<char> = s.code.chars().filter(|c| !is_space(*c)).collect();
    if words.is_empty() {
        return s.expressions.len() == 1 && text.trim_start_matches(is_space).starts_with('"');
    }
    let non_ascii = words.iter().filter(|c| !c.is_ascii()).count();
    non_ascii <= 8.max(words.len() / 20) && words.iter().any(|c| matches!(c, '=' | '(' | ':'))
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn is_markup(s: &str) -> bool {
    (s.contains('<') && s.contains('>')) || s.contains("&lt;")
}

/// A string literal starting at byte `start` (after the opening quote): its unescaped
/// value, the byte index after its closing quote, and whether the quote closed it.
fn literal(script: &str, start: usize, quote: u8) -> (String, usize, bool) {
    let b = script.as_bytes();
    let mut out = String::new();
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        if c == quote {
            return (out, i + 1, true);
        }
        if c == b'\n' && quote != b'`' {
            // An unterminated literal ends at the line's end.
            return (out, i + 1, false);
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
            return (out, b.len(), false);
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
    (out, b.len(), false)
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

    #[test]
    fn scan_keeps_code_apart() {
        let s = scan("var a = 'x' + \"y\"; // 注释\nf('z')");
        assert_eq!(s.expressions, ["xy", "z"]);
        assert_eq!(s.code, "var a =   ; \nf( )");
    }

    #[test]
    fn what_a_script_file_holds() {
        let two = "<p>一、总体情况</p><p>二、主动公开政府信息情况</p>";
        // Text that starts with Chinese or markup is not a script.
        assert_eq!(script_report("一、总体情况 var a = 'b';"), None);
        assert_eq!(script_report(two), None);
        assert_eq!(
            script_report(&format!("var a = '{two}';")),
            Some(ScriptReport::Html(format!("{two}\n")))
        );
        assert_eq!(
            script_report(&format!(
                "var c = '{}';",
                two.replace('<', "&lt;").replace('>', "&gt;")
            )),
            Some(ScriptReport::Html(format!("{two}\n")))
        );
        let text = "一、总体情况\n二、主动公开政府信息情况";
        assert_eq!(
            script_report(r#"{"t": "一、总体情况\n二、主动公开政府信息情况", "n": 1}"#),
            Some(ScriptReport::Text(text.into()))
        );
        // A file that is one JSON string.
        assert_eq!(
            script_report(r#" "一、总体情况\n二、主动公开政府信息情况" "#),
            Some(ScriptReport::Text(text.into()))
        );
        assert_eq!(
            script_report("var x = \"请求失败\";"),
            Some(ScriptReport::NoReport)
        );
        // Chinese outside the strings: a text that quotes, not a script.
        assert_eq!(
            script_report("2023年报告：本机关落实“放管服”和\"一网通办\"改革，一、总体情况 二、主动公开政府信息情况"),
            None
        );
    }

    #[test]
    fn a_script_cut_inside_its_string_or_tag_is_cut_short() {
        let cut = "var c = \"<p>一、总体情况</p><span style=\\\"font-family: 楷体_GB23";
        assert_eq!(super::cut_short(cut), Some("在字符串中间中断"));
        assert_eq!(
            super::cut_short(&format!("{cut}\n")),
            Some("在字符串中间中断")
        );
        assert_eq!(
            super::cut_short("var c = \"<p>一、总体情况</p><span sty\";"),
            Some("在标签中间中断")
        );
        assert_eq!(super::cut_short("var c = \"<p>一、总体情况</p>\";\n"), None);
        assert_eq!(super::cut_short("var a = 'x\nvar b = \"<p>y</p>\";"), None);
    }
}
