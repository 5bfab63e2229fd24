//! Bounding the nesting of a page before the HTML parser sees it.
//!
//! The HTML tree-building algorithm checks element scopes by walking the stack of open
//! elements, so a page nested N deep costs O(N²) (200 000 nested `<div>`s take minutes).
//! Browsers cap the depth; we do the same before parsing: a quick scan keeps a stack of
//! open elements (approximately: void and self-closing-by-sibling elements are not
//! counted) and drops start tags beyond [`MAX_DEPTH`] together with their end tags.
//! Real pages never come near the limit and pass through unchanged; what is dropped in
//! hostile ones is only markup, never text.

use std::borrow::Cow;

/// Open elements beyond this depth lose their tags.
pub const MAX_DEPTH: usize = 512;

/// Formatting elements (`<b>`, `<font>`, …) left open at once: the parser re-opens every
/// one of them in each new paragraph, so many distinct open ones cost O(N²) too.
pub const MAX_OPEN_FORMATTING: usize = 16;

/// How many entries from the top of the stack an end tag may close.
const END_TAG_REACH: usize = 64;

/// Elements that never nest (void) or that a sibling closes implicitly: not counted.
fn uncounted(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"basefont"
            | b"bgsound"
            | b"frame"
            | b"keygen"
            | b"image"
            | b"p"
            | b"li"
            | b"dt"
            | b"dd"
            | b"td"
            | b"th"
            | b"tr"
            | b"option"
            | b"optgroup"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"rtc"
            | b"tbody"
            | b"thead"
            | b"tfoot"
            | b"colgroup"
            | b"caption"
            | b"html"
            | b"head"
            | b"body"
    )
}

fn formatting(name: &[u8]) -> bool {
    matches!(
        name,
        b"a" | b"b"
            | b"big"
            | b"code"
            | b"em"
            | b"font"
            | b"i"
            | b"nobr"
            | b"s"
            | b"small"
            | b"strike"
            | b"strong"
            | b"tt"
            | b"u"
    )
}

/// Elements whose content is raw text up to their end tag.
fn raw_text(name: &[u8]) -> bool {
    matches!(
        name,
        b"script"
            | b"style"
            | b"textarea"
            | b"title"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
            | b"noscript"
    )
}

/// The page with start tags nested deeper than [`MAX_DEPTH`] (and their end tags)
/// removed; borrowed unchanged when nothing is that deep.
pub fn bound_nesting(page: &str) -> Cow<'_, str> {
    let b = page.as_bytes();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    // Names of dropped start tags still waiting for their end tags, with counts.
    let mut dropped: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut cut: Vec<(usize, usize)> = Vec::new();
    // Formatting elements opened and not yet closed, per name.
    let mut formatting_open: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut formatting_total = 0usize;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        let lt = i + off;
        i = lt + 1;
        let Some(&next) = b.get(i) else { break };
        if b[i..].starts_with(b"!--") {
            i = find(b, b"-->", i + 3).map_or(b.len(), |p| p + 3);
            continue;
        }
        if next == b'!' || next == b'?' {
            i = memchr(b'>', &b[i..]).map_or(b.len(), |p| i + p + 1);
            continue;
        }
        let end_tag = next == b'/';
        let name_start = if end_tag { i + 1 } else { i };
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let mut j = name_start;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        let name: Vec<u8> = b[name_start..j].to_ascii_lowercase();
        let close = tag_end(b, j);
        i = close;
        if end_tag {
            if let Some(d) = dropped.iter_mut().find(|(n, c)| *n == name && *c > 0) {
                d.1 -= 1;
                cut.push((lt, close));
                continue;
            }
            if formatting(&name) {
                if let Some(f) = formatting_open
                    .iter_mut()
                    .find(|(n, c)| *n == name && *c > 0)
                {
                    f.1 -= 1;
                    formatting_total -= 1;
                }
            }
            let reach = stack.len().saturating_sub(END_TAG_REACH);
            if let Some(k) = stack[reach..].iter().rposition(|n| *n == name) {
                stack.truncate(reach + k);
            }
            continue;
        }
        if name == b"plaintext" {
            break;
        }
        if raw_text(&name) {
            // Skip the element's raw content (its end tag is found case-insensitively).
            let mut k = close;
            loop {
                let Some(p) = memchr(b'<', &b[k.min(b.len())..]) else {
                    k = b.len();
                    break;
                };
                let at = k + p;
                let after = at + 2;
                if b.get(at + 1) == Some(&b'/')
                    && b.len() >= after + name.len()
                    && b[after..after + name.len()].eq_ignore_ascii_case(&name)
                {
                    k = at;
                    break;
                }
                k = at + 1;
            }
            i = k;
            continue;
        }
        let self_closing = close >= 2 && b[close - 2] == b'/';
        // `<x/>` opens an HTML element all the same, but not inside SVG or MathML.
        let foreign = || {
            stack
                .iter()
                .rev()
                .take(END_TAG_REACH)
                .any(|n| n == b"svg" || n == b"math")
        };
        if uncounted(&name) || (self_closing && foreign()) {
            continue;
        }
        let is_formatting = formatting(&name);
        if stack.len() >= MAX_DEPTH || (is_formatting && formatting_total >= MAX_OPEN_FORMATTING) {
            match dropped.iter_mut().find(|(n, _)| *n == name) {
                Some(d) => d.1 += 1,
                None => dropped.push((name, 1)),
            }
            cut.push((lt, close));
            continue;
        }
        if is_formatting {
            formatting_total += 1;
            match formatting_open.iter_mut().find(|(n, _)| *n == name) {
                Some(f) => f.1 += 1,
                None => formatting_open.push((name.clone(), 1)),
            }
        }
        stack.push(name);
    }
    if cut.is_empty() {
        return Cow::Borrowed(page);
    }
    let mut out = String::with_capacity(page.len());
    let mut from = 0;
    for (s, e) in cut {
        out.push_str(&page[from..s]);
        from = e;
    }
    out.push_str(&page[from..]);
    Cow::Owned(out)
}

/// The index after the `>` closing a tag whose attributes start at `j` (quoted
/// attribute values may hold `>`).
fn tag_end(b: &[u8], mut j: usize) -> usize {
    let mut after_eq = false;
    while j < b.len() {
        match b[j] {
            b'>' => return j + 1,
            b'=' => after_eq = true,
            q @ (b'"' | b'\'') if after_eq => {
                j = memchr(q, &b[j + 1..]).map_or(b.len(), |p| j + 1 + p);
                after_eq = false;
            }
            c if c.is_ascii_whitespace() => {}
            _ => after_eq = false,
        }
        j += 1;
    }
    b.len()
}

fn memchr(c: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&x| x == c)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_pages_pass_unchanged() {
        let page = "<!DOCTYPE html><html><head><title>a<b</title><script>if (a<b) x('<div>')</script></head>\
            <body><div class=\"a>b\"><p>x<p>y<br/><img src=x><ul><li>1<li>2</ul></div><!-- <div> --></body></html>";
        assert!(matches!(bound_nesting(page), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut() {
        let n = MAX_DEPTH * 3;
        let page = format!("{}text{}", "<div>".repeat(n), "</div>".repeat(n));
        let out = bound_nesting(&page);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("text"));
        let page = "<b><i>".repeat(n) + "x";
        assert_eq!(
            bound_nesting(&page).matches('<').count(),
            MAX_OPEN_FORMATTING
        );
        let page = "<font color=red>x<p>".repeat(1000);
        assert_eq!(
            bound_nesting(&page).matches("<font").count(),
            MAX_OPEN_FORMATTING
        );
        let page = "<b>x</b>".repeat(1000);
        assert!(matches!(bound_nesting(&page), Cow::Borrowed(_)));
    }
}
