//! Reports inside scripts and JSON: recognised by content, the strings unescaped, and
//! read exactly as the page (or text) they hold.

use std::path::Path;

use gongkai_ingest::{detect, load_bytes, Content, Detected, Loaded};
use gongkai_model::{Document, SourceFormat};

/// A small report page: title, sections, a table with a row span.
const PAGE: &str = r#"<html><head><title>某县人民政府2023年政府信息公开工作年度报告</title></head>
<body><div class="article">
<h1>某县人民政府2023年政府信息公开工作年度报告</h1>
<p>一、总体情况</p>
<p>本年度某县人民政府认真贯彻"放管服"改革要求。</p>
<p>二、主动公开政府信息情况</p>
<table>
<tr><td rowspan="2">信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>1</td><td>2</td><td>3</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>5</td></tr>
</table>
<p>三、收到和处理政府信息公开申请情况</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>五、存在的主要问题及改进情况</p>
<p>六、其他需要报告的事项</p>
</div></body></html>"#;

fn page_document() -> Document {
    gongkai_html::read_str(PAGE).expect("the page reads")
}

fn document(loaded: &Loaded) -> &Document {
    match &loaded.content {
        Content::Document(d) => d,
        Content::Text(t) => panic!("a document expected, got text: {t}"),
    }
}

/// `s` as the body of a JavaScript string literal in `quote`s, escaped as CMSes do:
/// `\"` or `\'`, `\n`, `\t`, `\/`.
fn js_escape(s: &str, quote: char) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '/' => out.push_str("\\/"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// JSON as ASCII: every non-ASCII character and `<`, `>`, `&` as `\uXXXX` (surrogate
/// pairs beyond the BMP), as PHP's `json_encode` writes it.
fn json_ascii(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '/' => out.push_str("\\/"),
            c if !c.is_ascii() || matches!(c, '<' | '>' | '&') => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[test]
fn var_in_double_quotes_reads_as_the_page() {
    let js = format!(
        "// 文章内容\nvar articleContent = \"{}\";\ndocument.getElementById(\"zoom\").innerHTML = articleContent;\n",
        js_escape(PAGE, '"')
    );
    assert!(js.contains(r#"<td rowspan=\"2\">"#) && js.contains(r"<\/p>\n"));
    assert_eq!(detect(js.as_bytes()), Detected::Script);
    let loaded = load_bytes(Path::new("report.js"), js.as_bytes()).unwrap();
    assert_eq!(loaded.format, SourceFormat::Html);
    assert_eq!(loaded.encoding, "UTF-8");
    assert_eq!(document(&loaded), &page_document());
}

#[test]
fn single_quotes_concatenated_with_plus() {
    let parts: Vec<String> = PAGE
        .lines()
        .map(|l| format!("'{}\\n'", js_escape(l, '\'')))
        .collect();
    let js = format!(
        "(function () {{\n  document.write({});\n}})();\n",
        parts.join(" +\n    ")
    );
    assert_eq!(detect(js.as_bytes()), Detected::Script);
    let loaded = load_bytes(Path::new("x.txt"), js.as_bytes()).unwrap();
    assert_eq!(loaded.format, SourceFormat::Html);
    assert_eq!(document(&loaded), &page_document());
}

#[test]
fn json_with_unicode_escapes() {
    let json = format!(
        "{{\"code\":0,\"data\":{{\"id\":\"123\",\"content\":\"{}\"}}}}",
        json_ascii(PAGE)
    );
    assert!(json.is_ascii());
    assert!(json.contains(r"\u003cp\u003e\u4e00\u3001"));
    let loaded = load_bytes(Path::new("api.json"), json.as_bytes()).unwrap();
    assert_eq!(loaded.format, SourceFormat::Html);
    assert_eq!(document(&loaded), &page_document());
    // GB18030 bytes are decoded first.
    let mixed = json.replace(r"\u4e00\u3001", "一、");
    let (gbk, _, _) = encoding_rs::GB18030.encode(&mixed);
    let loaded = load_bytes(Path::new("api.json"), &gbk).unwrap();
    assert_eq!(loaded.encoding, "GB18030");
    assert_eq!(document(&loaded), &page_document());
}

#[test]
fn a_title_in_another_field_goes_first() {
    let body = PAGE.replace("<h1>某县人民政府2023年政府信息公开工作年度报告</h1>\n", "");
    let body = body.replace(
        "<title>某县人民政府2023年政府信息公开工作年度报告</title>",
        "",
    );
    let json = format!(
        "{{\"title\":\"{}\",\"content\":\"{}\"}}",
        json_ascii("某县人民政府2023年政府信息公开工作年度报告"),
        json_ascii(&body)
    );
    let loaded = load_bytes(Path::new("a.json"), json.as_bytes()).unwrap();
    let lines = document(&loaded).line_texts("");
    assert_eq!(lines[0], "某县人民政府2023年政府信息公开工作年度报告");
    assert_eq!(lines[1], "一、总体情况");
}

#[test]
fn plain_report_text_in_a_string_is_read_as_text() {
    let text = "某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度……\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况";
    let js = format!(
        "var title = 'x';\nvar reportText = '{}';\nalert(\"加载失败\");\n",
        js_escape(text, '\'')
    );
    assert_eq!(detect(js.as_bytes()), Detected::Script);
    let loaded = load_bytes(Path::new("report.js"), js.as_bytes()).unwrap();
    assert_eq!(loaded.format, SourceFormat::Text);
    match &loaded.content {
        // Strings with Chinese, one per line: the report, then the script's message.
        Content::Text(t) => assert_eq!(t, &format!("{text}\n加载失败")),
        Content::Document(_) => panic!("text expected"),
    }
    let parsed = gongkai_parse::parse_source(
        "report.js",
        loaded.format,
        match loaded.content {
            Content::Text(t) => gongkai_parse::SourceText::new(t),
            Content::Document(_) => unreachable!(),
        },
    )
    .unwrap();
    assert_eq!(parsed.report.year(), Some(2023));
    assert_eq!(parsed.report.sections.len(), 3);
}

#[test]
fn a_script_without_a_report_is_not_a_report() {
    let js = "function load(id) {\n  $.ajax({ url: '/api/doc?id=' + id, error: function () { alert(\"请求失败\"); } });\n}\nvar version = \"1.2\";\n";
    assert_eq!(detect(js.as_bytes()), Detected::Script);
    let e = load_bytes(Path::new("site.js"), js.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "site.js: 不是报告：这是脚本或 JSON 文件，其字符串中没有政府信息公开工作年度报告的内容"
    );
    // JSON data that is not a report, and a script with no strings at all.
    let e = load_bytes(Path::new("d.json"), br#"{"rows": [1, 2, 3], "name": "x"}"#).unwrap_err();
    assert!(e.to_string().contains("不是报告"), "{e}");
    assert_eq!(detect(b"var a = 1;\nvar b = a + 2;\n"), Detected::Text);
}

#[test]
fn text_reports_are_not_taken_for_scripts() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    let mut n = 0;
    for entry in std::fs::read_dir(seeds).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            assert_eq!(
                detect(&std::fs::read(&path).unwrap()),
                Detected::Text,
                "{path:?}"
            );
            n += 1;
        }
    }
    assert_eq!(n, 5);
    // ASCII first, quotes and code-like punctuation in the text: still a text report.
    let text = "2023年某县政府信息公开工作年度报告\n一、总体情况\n本机关落实\"放管服\"改革（见附件），\n公开率 = 100%：全部公开。\n二、主动公开政府信息情况\n";
    assert_eq!(detect(text.as_bytes()), Detected::Text);
    let md = "# 某县2023年政府信息公开工作年度报告\n\n`一、总体情况`\n\n本年度……\n\n## 二、主动公开政府信息情况\n";
    assert_eq!(detect(md.as_bytes()), Detected::Text);
}
