//! Turning the bytes of a web page into text: byte-order mark, the page's own
//! `<meta charset>` declaration, else UTF-8 when the bytes are valid UTF-8, else GB18030
//! (a superset of GBK and GB2312, the encodings Chinese government sites use).

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

use crate::HtmlError;

/// How far into the page a `<meta charset>` declaration is looked for.
const SNIFF_LEN: usize = 2048;

/// Share of control characters above which a decoding is not text (binary data has
/// about one in ten; text has none but tabs and line breaks).
const MAX_CONTROL_RATIO: f64 = 0.02;
/// Share of U+FFFD replacement characters above which a decoding is not text.
const MAX_REPLACEMENT_RATIO: f64 = 0.3;

/// The page decoded, and the encoding that was used.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// Decode a page's bytes (see the module documentation for the order of evidence).
pub fn decode(bytes: &[u8]) -> Result<Decoded, HtmlError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return checked(text.into_owned(), enc);
    }
    if let Some(declared) = declared_encoding(bytes) {
        let declared = usable(declared);
        let (text, had_errors) = declared.decode_without_bom_handling(bytes);
        let gb_family = declared == GBK || declared == GB18030 || declared.name() == "GB2312";
        // A page saved as UTF-8 but still declaring GBK (a common mistake after a site
        // migration): real GBK text of any length is almost never valid UTF-8.
        if gb_family && looks_like_utf8_text(bytes) {
            return checked(String::from_utf8_lossy(bytes).into_owned(), UTF_8);
        }
        if !had_errors {
            return checked(text.into_owned(), declared);
        }
        // The declaration is wrong: fall through to the evidence of the bytes.
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return checked(s.to_owned(), UTF_8);
    }
    // UTF-8 with a few damaged bytes (a truncated download, a bad copy) is still UTF-8:
    // GBK text is almost never valid UTF-8 for more than a character or two.
    let (valid, invalid) = utf8_evidence(bytes);
    if valid >= 8 && invalid * 4 <= valid {
        return checked(String::from_utf8_lossy(bytes).into_owned(), UTF_8);
    }
    let (text, _) = GB18030.decode_without_bom_handling(bytes);
    checked(text.into_owned(), GB18030)
}

/// Refuse a decoding that is mostly replacement characters or control bytes: the file
/// is not text in any encoding we know.
fn checked(text: String, encoding: &'static Encoding) -> Result<Decoded, HtmlError> {
    let (mut total, mut control, mut replaced) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        total += 1;
        if c == '\u{FFFD}' {
            replaced += 1;
        } else if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c') {
            control += 1;
        }
    }
    let share = |n: usize| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    if share(control) > MAX_CONTROL_RATIO || share(replaced) > MAX_REPLACEMENT_RATIO {
        return Err(HtmlError::Undecodable {
            encoding: encoding.name(),
        });
    }
    Ok(Decoded { text, encoding })
}

/// HTML never decodes a page as UTF-16 from a `<meta>` (the declaration itself would not
/// be readable); `x-user-defined` and `replacement` are not text encodings for us either.
fn usable(enc: &'static Encoding) -> &'static Encoding {
    let name = enc.name();
    if name.starts_with("UTF-16") || name == "replacement" {
        UTF_8
    } else if name == "x-user-defined" {
        encoding_rs::WINDOWS_1252
    } else {
        enc
    }
}

/// Multi-byte UTF-8 characters and invalid sequences in the bytes.
fn utf8_evidence(bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (valid, invalid)
}

/// Valid UTF-8 with at least a few multi-byte characters.
fn looks_like_utf8_text(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().filter(|c| !c.is_ascii()).take(4).count() >= 4,
        Err(_) => false,
    }
}

/// The encoding a page declares in its first bytes: `<meta charset=…>`,
/// `<meta http-equiv="Content-Type" content="text/html; charset=gbk">`, or an XML
/// declaration's `encoding="…"`.
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<?xml") {
        if let Some(end) = find(&lower, b"?>", 0) {
            if let Some(enc) = attribute_label(&lower[..end], b"encoding") {
                return Some(enc);
            }
        }
    }
    let mut from = 0;
    while let Some(start) = find(&lower, b"<meta", from) {
        let end = find(&lower, b">", start).unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(enc) = attribute_label(tag, b"charset") {
            return Some(enc);
        }
        from = end.max(start + 1);
    }
    None
}

/// The encoding named after `name` (`charset=gbk`, `charset="utf-8"`, `encoding='gb2312'`)
/// anywhere in a tag's text.
fn attribute_label(tag: &[u8], name: &[u8]) -> Option<&'static Encoding> {
    let mut from = 0;
    while let Some(at) = find(tag, name, from) {
        from = at + name.len();
        let mut i = from;
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        if tag.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < tag.len() && (tag[i].is_ascii_whitespace() || tag[i] == b'"' || tag[i] == b'\'') {
            i += 1;
        }
        let start = i;
        while i < tag.len() && (tag[i].is_ascii_alphanumeric() || b"-_:.".contains(&tag[i])) {
            i += 1;
        }
        if let Some(enc) = Encoding::for_label(&tag[start..i]) {
            return Some(enc);
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
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

    fn gbk(s: &str) -> Vec<u8> {
        GBK.encode(s).0.into_owned()
    }

    #[test]
    fn gbk_page_with_meta_charset() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>一、总体情况</p></body></html>";
        let d = decode(&gbk(page)).unwrap();
        assert_eq!(d.encoding, GBK);
        assert!(d.text.contains("一、总体情况"));
        let page = "<meta charset='GBK'><p>二、主动公开政府信息情况</p>";
        let d = decode(&gbk(page)).unwrap();
        assert!(d.text.contains("二、主动公开政府信息情况"));
    }

    #[test]
    fn utf8_without_meta() {
        let page = "<p>三、收到和处理政府信息公开申请情况</p>";
        let d = decode(page.as_bytes()).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text, page);
    }

    #[test]
    fn gbk_without_meta_falls_back_to_gb18030() {
        let page = "<p>四、政府信息公开行政复议、行政诉讼情况</p>";
        let d = decode(&gbk(page)).unwrap();
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.text, page);
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<meta charset=gbk><p>六、其他需要报告的事项</p>".as_bytes());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.starts_with("<meta"));
        assert!(d.text.contains("六、其他需要报告的事项"));
        // UTF-16LE with its BOM.
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<p>五、存在的主要问题</p>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "<p>五、存在的主要问题</p>");
    }

    #[test]
    fn utf8_page_declaring_gbk_is_read_as_utf8() {
        let page = "<meta charset=gbk><p>平潭综合实验区2019年政府信息公开工作年度报告</p>";
        let d = decode(page.as_bytes()).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text, page);
    }

    #[test]
    fn gbk_page_declaring_utf8_is_read_as_gb18030() {
        let page = "<meta charset=\"utf-8\"><p>一、总体情况</p>";
        let d = decode(&gbk(page)).unwrap();
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.text, page);
    }

    #[test]
    fn damaged_utf8_stays_utf8() {
        let page = "<meta charset=utf-8><p>平潭综合实验区2019年政府信息公开工作年度报告</p>";
        let mut bytes = page.as_bytes().to_vec();
        bytes[30] = 0xFF;
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("政府信息公开工作年度报告"));
        bytes.truncate(bytes.len() - 5);
        assert_eq!(decode(&bytes).unwrap().encoding, UTF_8);
    }

    #[test]
    fn xml_declaration() {
        let page = "<?xml version=\"1.0\" encoding=\"gb2312\"?><html><p>总体情况</p></html>";
        let d = decode(&gbk(page)).unwrap();
        assert_eq!(d.encoding, GBK);
        assert!(d.text.contains("总体情况"));
    }

    #[test]
    fn binary_is_undecodable() {
        let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 32) as u8).collect();
        assert!(matches!(decode(&bytes), Err(HtmlError::Undecodable { .. })));
    }
}
