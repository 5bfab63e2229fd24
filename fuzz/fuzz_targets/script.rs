//! Reports inside scripts and JSON: any bytes through script detection, the string
//! scanner and the reader they lead to (page or text) → parse → check → canonical JSON
//! must never panic. And any text, written as a JavaScript/JSON string literal, must
//! scan back to exactly itself.
#![no_main]

#[path = "common.rs"]
mod common;

use gongkai_html::ScriptReport;
use libfuzzer_sys::fuzz_target;

/// `s` as a double-quoted JSON string literal (ASCII only: `\uXXXX` for the rest).
fn json_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // What the scanner says the file holds, read as it says.
    match gongkai_html::script_report(&text) {
        Some(ScriptReport::Html(html)) => {
            if let Ok(doc) = gongkai_html::read_str(&html) {
                common::parse_check_and_write(gongkai_parse::parse_document("fuzz.js", &doc));
            }
        }
        Some(ScriptReport::Text(t)) => {
            common::parse_check_and_write(gongkai_parse::parse_text("fuzz.js", t))
        }
        Some(ScriptReport::NoReport) | None => {}
    }
    // The round trip: the text as a literal in a script scans back to itself.
    let script = format!(
        "var content = {} + {};",
        json_literal(&text),
        json_literal("。")
    );
    let scanned = gongkai_html::scan_script(&script);
    assert_eq!(scanned.expressions, [format!("{text}。")]);
    // The whole ingest path, bytes as a `.js` file.
    common::parse_check_and_write(gongkai_pipeline::parse_bytes(
        std::path::Path::new("fuzz.js"),
        data,
        &gongkai_pipeline::Metadata::default(),
    ));
});
