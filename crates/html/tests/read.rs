//! Reading pages: encodings, merged cells, site chrome, script-embedded reports,
//! malformed and hostile markup.

use gongkai_html::{read, HtmlError, MAX_COLSPAN};
use gongkai_model::{Block, Document, Location};

/// Paragraph texts of a document, in order.
fn lines(doc: &Document) -> Vec<String> {
    doc.line_texts("\t")
}

/// Tables of a document as rows of (text, covered).
fn tables(doc: &Document) -> Vec<Vec<Vec<(String, bool)>>> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table { grid } => Some(
                grid.rows
                    .iter()
                    .map(|r| r.iter().map(|c| (c.text.clone(), c.covered)).collect())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

fn c(t: &str) -> (String, bool) {
    (t.to_string(), false)
}
fn cov() -> (String, bool) {
    (String::new(), true)
}

#[test]
fn gbk_page_with_meta_charset() {
    let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\">\
        </head><body><p>某县人民政府2021年政府信息公开工作年度报告</p><p>一、总体情况</p></body></html>";
    let bytes = encoding_rs::GBK.encode(page).0.into_owned();
    assert!(std::str::from_utf8(&bytes).is_err());
    let doc = read(&bytes).unwrap();
    assert_eq!(
        lines(&doc),
        ["某县人民政府2021年政府信息公开工作年度报告", "一、总体情况"]
    );
}

#[test]
fn utf8_without_meta_and_bom() {
    let page = "<p>某县人民政府2021年政府信息公开工作年度报告</p><p>一、总体情况</p>";
    let doc = read(page.as_bytes()).unwrap();
    assert_eq!(lines(&doc).len(), 2);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(page.as_bytes());
    assert_eq!(read(&bom).unwrap(), doc);
    // GB18030 without any declaration.
    let bytes = encoding_rs::GB18030.encode(page).0.into_owned();
    assert_eq!(read(&bytes).unwrap(), doc);
}

#[test]
fn paragraphs_whitespace_and_breaks() {
    let page = "<div><p>  一、总体\n  情况 </p><p>第一行<br>第二行<br/><br/>  \u{a0}a   b\u{3000}c </p>\
        <div>直接文字<span>与</span>行内<p>段落</p>尾巴</div><h2>标题</h2><ul><li>甲</li><li>乙</li></ul>\
        <p>&nbsp;</p><p>   </p></div>";
    let doc = read(page.as_bytes()).unwrap();
    assert_eq!(
        lines(&doc),
        [
            "一、总体情况",
            "第一行",
            "第二行",
            "\u{a0}a b\u{3000}c",
            "直接文字与行内",
            "段落",
            "尾巴",
            "标题",
            "甲",
            "乙"
        ]
    );
    // Locations count the paragraphs emitted.
    let locs: Vec<Location> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Line { pieces } => Some(pieces[0].location.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(locs[0], Location::Paragraph { index: 0 });
    assert_eq!(locs[9], Location::Paragraph { index: 9 });
    assert!(doc.format == gongkai_model::SourceFormat::Html);
}

#[test]
fn rowspan_colspan_expand_into_a_rectangular_grid() {
    let page = "<p>表</p><table>\
        <tr><th rowspan=2>A</th><th colspan=\"2\">B</th></tr>\
        <tr><td>C</td><td>D<br>d</td></tr>\
        <tr><td>E</td><td colspan=2 rowspan=1>F</td></tr>\
        <tr><td></td><td>&nbsp;</td><td rowspan=\"5\">G</td></tr>\
        <tr><td>H</td></tr>\
        </table><table><tr><td>x</td><td>y</td></tr></table>";
    let doc = read(page.as_bytes()).unwrap();
    let t = tables(&doc);
    assert_eq!(
        t[0],
        vec![
            vec![c("A"), c("B"), cov()],
            vec![cov(), c("C"), c("D\nd")],
            vec![c("E"), c("F"), cov()],
            vec![c(""), c(""), c("G")],
            // The rowspan is cut at the table's end; the row keeps its covered position.
            vec![c("H"), c(""), cov()],
        ]
    );
    // Cell locations are grid coordinates; the second table is table 1.
    let Block::Table { grid } = &doc.blocks[1] else {
        panic!("not a table")
    };
    assert_eq!(
        grid.rows[1][2].location,
        Location::Cell {
            table: 0,
            row: 1,
            column: 2
        }
    );
    let Block::Table { grid } = &doc.blocks[2] else {
        panic!("not a table")
    };
    assert_eq!(
        grid.rows[0][1].location,
        Location::Cell {
            table: 1,
            row: 0,
            column: 1
        }
    );
}

#[test]
fn hostile_spans_are_clamped() {
    let page = "<table><tr><td rowspan=\"100000\" colspan=\"100000\">A</td><td>B</td></tr>\
        <tr><td rowspan=99999999999999999999>C</td></tr><tr><td colspan=-3>D</td><td colspan=x>E</td></tr></table>";
    let doc = read(page.as_bytes()).unwrap();
    let t = tables(&doc);
    assert_eq!(t[0].len(), 3);
    assert_eq!(t[0][0].len(), MAX_COLSPAN + 1);
    assert_eq!(t[0][0][MAX_COLSPAN], c("B"));
    assert!(t[0][1][..MAX_COLSPAN].iter().all(|x| x.1));
    assert_eq!(t[0][1][MAX_COLSPAN], c("C"));
    assert_eq!(t[0][2][MAX_COLSPAN + 1], c("D"));
    assert_eq!(t[0][2][MAX_COLSPAN + 2], c("E"));
    // Many rows with huge spans stay bounded.
    let mut page = String::from("<table>");
    for _ in 0..2000 {
        page.push_str("<tr><td rowspan=65534 colspan=1000>x</td><td rowspan=0>y</td></tr>");
    }
    page.push_str("</table>");
    let start = std::time::Instant::now();
    let doc = read(page.as_bytes()).unwrap();
    let cells: usize = tables(&doc)
        .iter()
        .map(|t| t.iter().map(Vec::len).sum::<usize>())
        .sum();
    assert!(
        cells > 0 && cells <= 2 * gongkai_html::MAX_TABLE_SLOTS,
        "{cells}"
    );
    println!(
        "2000 hostile rows: {cells} positions in {:?}",
        start.elapsed()
    );
}

#[test]
fn malformed_html_is_still_read() {
    let page = "<html><body><div class=content><p>某市人民政府2022年政府信息公开工作年度报告\
        <p>一、总体情况<p>文字<b>加粗<i>斜体</b>继续\
        <table><tr><td>规章<td>0<td>1<tr><td>行政规范性文件<td>2<td>3</table>\
        <p>六、其他需要报告的事项<div>无</span></font>";
    let doc = read(page.as_bytes()).unwrap();
    assert_eq!(
        lines(&doc),
        [
            "某市人民政府2022年政府信息公开工作年度报告",
            "一、总体情况",
            "文字加粗斜体继续",
            "六、其他需要报告的事项",
            "无"
        ]
    );
    assert_eq!(
        tables(&doc)[0],
        vec![
            vec![c("规章"), c("0"), c("1")],
            vec![c("行政规范性文件"), c("2"), c("3")]
        ]
    );
}

/// A report page as government sites publish it: navigation, breadcrumbs, a list of
/// other years' reports before the article, the title outside the content div, a footer.
fn chrome_page(content: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>某区2023年政府信息公开工作年度报告_年报_某区人民政府</title>\
        <script>var s = \"<p>一、总体情况</p>\";</script><style>p {{ color: red }}</style></head><body>\
        <div class=header><ul class=menu><li><a href=/>首页</a></li><li><a href=/zwgk>政务公开</a></li>\
        <li><a href=/ysq>依申请公开</a></li></ul></div>\
        <div class=breadcrumb>当前位置：<a>首页</a> &gt; <a>政府信息公开年报</a></div>\
        <div class=left><h3>年报列表</h3><ul>\
        <li><a href=1>某区2022年政府信息公开工作年度报告</a></li>\
        <li><a href=2>某区2021年政府信息公开工作年度报告</a></li>\
        <li><a href=3>某区2020年政府信息公开工作年度报告</a></li></ul></div>\
        <div class=article><h1 class=article-title>某区2023年政府信息公开工作年度报告</h1>\
        <div class=info>来源：某区人民政府办公室 时间：2024-01-20</div>\
        <div class=TRS_Editor>{content}</div>\
        <div class=pages>上一篇：<a href=4>某区2022年政府信息公开工作年度报告</a></div></div>\
        <div class=footer><p>主办单位：某区人民政府办公室</p><p>网站标识码：1234567890</p></div>\
        </body></html>"
    )
}

const REPORT_BODY: &str = "<p>本报告根据《中华人民共和国政府信息公开条例》编制。</p>\
    <p>一、总体情况</p><p>2023年，我区扎实推进政务公开。</p>\
    <p>二、主动公开政府信息情况</p><table>\
    <tr><td colspan=4>第二十条第（一）项</td></tr>\
    <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>\
    <tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr></table>\
    <p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>\
    <p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>";

#[test]
fn site_chrome_is_dropped_and_the_title_comes_from_the_page() {
    let page = chrome_page(REPORT_BODY);
    let doc = read(page.as_bytes()).unwrap();
    let ls = lines(&doc);
    assert_eq!(ls[0], "某区2023年政府信息公开工作年度报告");
    assert_eq!(ls[1], "本报告根据《中华人民共和国政府信息公开条例》编制。");
    assert_eq!(ls.last().unwrap(), "本年度未收取信息处理费。");
    let all = ls.join("\n");
    for chrome in [
        "首页",
        "2022年",
        "2021年",
        "来源",
        "上一篇",
        "主办单位",
        "color",
    ] {
        assert!(!all.contains(chrome), "{chrome} leaked: {all}");
    }
    let parsed = gongkai_parse::parse_document("page.html", &doc).unwrap();
    let agency = parsed.report.agency.as_ref().map(|a| a.value.as_str());
    assert_eq!(agency, Some("某区"));
    assert_eq!(parsed.report.year.as_ref().map(|y| y.value), Some(2023));
}

#[test]
fn title_from_meta_and_from_title_element() {
    // No visible heading: the CMS's ArticleTitle meta.
    let page = chrome_page(REPORT_BODY)
        .replace(
            "<h1 class=article-title>某区2023年政府信息公开工作年度报告</h1>",
            "",
        )
        .replace(
            "<meta charset=utf-8>",
            "<meta charset=utf-8><meta name=\"ArticleTitle\" content=\"某区2023年度政府信息公开工作年度报告\">",
        );
    let doc = read(page.as_bytes()).unwrap();
    assert_eq!(lines(&doc)[0], "某区2023年度政府信息公开工作年度报告");
    // Only <title>: its part that reads as a title.
    let page = chrome_page(REPORT_BODY).replace(
        "<h1 class=article-title>某区2023年政府信息公开工作年度报告</h1>",
        "",
    );
    let doc = read(page.as_bytes()).unwrap();
    assert_eq!(lines(&doc)[0], "某区2023年政府信息公开工作年度报告");
}

#[test]
fn title_broken_over_two_lines_is_joined() {
    let body = format!(
        "<p><br/></p><p style=\"text-align:center\">某区人民政府2023年</p>\
        <p style=\"text-align:center\">政府信息公开工作年度报告</p><p>&nbsp;</p>{REPORT_BODY}"
    );
    let page = chrome_page(&body).replace(
        "<h1 class=article-title>某区2023年政府信息公开工作年度报告</h1>",
        "",
    );
    let doc = read(page.as_bytes()).unwrap();
    let ls = lines(&doc);
    assert_eq!(ls[0], "某区人民政府2023年政府信息公开工作年度报告");
    assert_eq!(ls[1], "本报告根据《中华人民共和国政府信息公开条例》编制。");
}

#[test]
fn layout_tables_do_not_swallow_data_tables() {
    let page = format!(
        "<table width=100%><tr><td class=nav><a href=/>首页</a></td></tr>\
        <tr><td><table><tr><td>\
        <p>某县2021年政府信息公开工作年度报告</p>{REPORT_BODY}</td></tr></table></td></tr></table>"
    );
    let doc = read(page.as_bytes()).unwrap();
    let ls = lines(&doc);
    assert_eq!(ls[0], "某县2021年政府信息公开工作年度报告");
    assert!(ls.contains(&"一、总体情况".to_string()));
    let t = tables(&doc);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0][0], vec![c("第二十条第（一）项"), cov(), cov(), cov()]);
    assert_eq!(t[0][2], vec![c("规章"), c("0"), c("0"), c("0")]);
}

/// JavaScript string literal of a text: quotes, backslashes, line breaks, `</` and every
/// non-ASCII character escaped (as a CMS's JSON encoder does).
fn js_string(s: &str, quote: char) -> String {
    let mut out = String::new();
    out.push(quote);
    let mut prev = ' ';
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '/' if prev == '<' => out.push_str("\\/"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii() => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
        prev = ch;
    }
    out.push(quote);
    out
}

#[test]
fn report_embedded_in_a_script_string() {
    let inner = format!("<p>某区2023年政府信息公开工作年度报告</p>{REPORT_BODY}");
    let page = format!(
        "<html><head><title>年报</title></head><body><div class=nav><a>首页</a></div>\
        <div id=content></div><script type=\"text/javascript\">\
        var config = {{ site: 'x', n: 1 }}; // don't\n\
        var content = {};\n$('#content').html(content);</script></body></html>",
        js_string(&inner, '"')
    );
    let doc = read(page.as_bytes()).unwrap();
    let ls = lines(&doc);
    assert_eq!(ls[0], "某区2023年政府信息公开工作年度报告");
    assert_eq!(ls.last().unwrap(), "本年度未收取信息处理费。");
    assert!(!ls.iter().any(|l| l.contains("首页")));
    assert_eq!(tables(&doc)[0][2], vec![c("规章"), c("0"), c("0"), c("0")]);

    // document.write of concatenated single-quoted pieces.
    let mut script = String::from("<script>\n");
    for piece in inner.split("</p>") {
        script.push_str(&format!(
            "document.write({} + '</p>');\n",
            js_string(piece, '\'')
        ));
    }
    script.push_str("</script>");
    let page =
        format!("<html><body><h1>某区2023年政府信息公开工作年度报告</h1>{script}</body></html>");
    let doc2 = read(page.as_bytes()).unwrap();
    assert_eq!(lines(&doc2), ls);
    assert_eq!(tables(&doc2), tables(&doc));
}

#[test]
fn corpus_page_embedded_in_a_script() {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    let Ok(page) = std::fs::read_to_string(dir.join("pingtan_zone_2024.html")) else {
        println!("note: corpus absent; script-embedded corpus test skipped");
        return;
    };
    // The article's HTML, as the CMS would write it from a script instead.
    let html = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse("div.TRS_Editor").unwrap();
    let content = html.select(&sel).next().unwrap().html();
    let start = page.find("<div class=TRS_Editor>").unwrap();
    let direct = gongkai_html::read(page.as_bytes()).unwrap();
    let last = page.find("2024年，无收取信息处理费情况").unwrap();
    let end = last + page[last..].find("</div>").unwrap() + "</div>".len();
    let shell = format!(
        "{}<div class=TRS_Editor id=c></div><script>var content = {};\ndocument.getElementById('c').innerHTML = content;</script>{}",
        &page[..start],
        js_string(&content, '"'),
        &page[end..]
    );
    assert!(!shell[start..end.min(shell.len())].contains("总体情况"));
    let doc = read(shell.as_bytes()).unwrap();
    assert_eq!(lines(&doc), lines(&direct));
    assert_eq!(tables(&doc), tables(&direct));
}

#[test]
fn errors() {
    assert_eq!(read(b""), Err(HtmlError::NoContent));
    assert_eq!(
        read(b"<html><head><title></title></head><body> <script>x</script></body></html>"),
        Err(HtmlError::NoContent)
    );
    let binary: Vec<u8> = (0..1000u32).map(|i| (i % 9) as u8).collect();
    assert!(matches!(read(&binary), Err(HtmlError::Undecodable { .. })));
    let big = vec![b' '; gongkai_html::MAX_BYTES + 1];
    let e = read(&big).unwrap_err();
    assert!(matches!(e, HtmlError::TooLarge { .. }));
    assert!(e.to_string().contains("64 MB"));
}

#[test]
fn report_split_over_sibling_containers_is_read_whole() {
    let (first, second) = REPORT_BODY.split_at(REPORT_BODY.find("<p>三、").unwrap());
    let page = chrome_page("").replace(
        "<div class=TRS_Editor></div>",
        &format!("<div class=part1>{first}</div><div class=part2>{second}</div>"),
    );
    let doc = read(page.as_bytes()).unwrap();
    let ls = lines(&doc);
    assert_eq!(ls[0], "某区2023年政府信息公开工作年度报告");
    assert!(ls.contains(&"一、总体情况".to_string()));
    assert_eq!(ls.last().unwrap(), "本年度未收取信息处理费。");
    assert!(!ls
        .iter()
        .any(|l| l.contains("首页") || l.contains("2022年")));
}

#[test]
fn page_with_few_report_words_drops_link_lists() {
    // A legacy report: almost none of the national format's words.
    let page =
        "<html><body><ul class=nav><li><a href=1>某县2011年政府信息公开工作年度报告</a></li>\
        <li><a href=2>某县2010年政府信息公开工作年度报告</a></li></ul>\
        <h1>某县2012年政府信息公开工作年度报告</h1><p>一、概述</p><p>2012年，我县……</p>\
        <p>联系邮箱：<a href=mailto:x@y>x@y</a>，欢迎来信。</p></body></html>";
    let doc = read(page.as_bytes()).unwrap();
    assert_eq!(
        lines(&doc),
        [
            "某县2012年政府信息公开工作年度报告",
            "一、概述",
            "2012年，我县……",
            "联系邮箱：x@y，欢迎来信。"
        ]
    );
}
