//! Printing a planned report as a government web page, and the page in the shapes
//! crawlers and converters leave it in (`../shared/corpus-web`).
//!
//! One page model per document — the site's chrome (menus, breadcrumb, article
//! information, footer), the article title, and the article: paragraphs, headings and
//! the three tables as HTML cells with their row and column spans and with the breaks
//! and source whitespace of narrow cells ("社会<br>公益\n &nbsp; &nbsp;…组织") — printed
//! four ways:
//! - [`Layout::FlatText`]: the page's `textContent` with line breaks removed, as crawlers
//!   store it: one line, cells run together ("21710000218"), headings mid-line, runs of
//!   spaces or no-break spaces where the source was indented; chrome around it or not;
//!   in some documents stray spaces at some cells' edges ("23 0 00  0 023");
//! - [`Layout::Pipes`]: an HTML-to-Markdown converter's output: block elements as lines,
//!   each table row as `| a | b |` with every cell printed once in the row it starts
//!   in (so rows of merged cells have fewer cells), whitespace collapsed;
//! - [`Layout::ScriptHtml`]: the page's HTML as a JavaScript string literal
//!   (`var articleContent = "…";`), escaped as JS serialisers do;
//! - [`Layout::BodyOnly`]: the article without its title (and without the chrome before
//!   it) as one line or as Markdown, sometimes with the footer.

use gongkai_model::schema::{active_row, RequestRowKey, SectionKind};

use crate::render::{active_value, places, wrap, Place, NOTE, RESULTS};
use crate::rng::Rng;
use crate::{Block, Doc, Layout};

/// A piece of a paragraph's or a cell's content.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    /// Whitespace of the page source: spaces, no-break spaces (`&nbsp;`), a newline and
    /// indentation. Kept by `textContent` (newlines aside), collapsed by converters.
    Space(String),
    /// A `<p>` boundary or `<br/>` inside a cell: nothing in `textContent`.
    Break,
}

/// A table cell as the page's HTML has it.
struct Cell {
    parts: Vec<Part>,
    colspan: usize,
    rowspan: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Body,
    /// A section heading (一、总体情况 …).
    Heading,
    /// A sub-heading inside a section (（一）主动公开 …).
    Sub,
}

enum Node {
    Para { parts: Vec<Part>, kind: Kind },
    Table(Vec<Vec<Cell>>),
}

/// A block of site chrome: a menu, a breadcrumb, a footer line.
struct Chrome {
    words: Vec<String>,
    /// Between the words in `textContent` (links side by side, or indented source).
    sep: String,
    /// Converters print each word on a line of its own (a list of links).
    lines: bool,
}

struct Page {
    /// The article title: "{agency}{year}年政府信息公开工作年度报告".
    title: String,
    /// The `<title>` of the page: "{title}_政府信息公开年报_{site}".
    head_title: String,
    /// Chrome before the article title (header, menus, breadcrumb).
    before: Vec<Chrome>,
    /// Between the title and the article (source, date, share buttons).
    meta: Vec<Chrome>,
    body: Vec<Node>,
    /// After the article (attachments, links, footer).
    after: Vec<Chrome>,
}

/// Per-document choices of the page's source.
struct Style {
    /// Whitespace after each piece of a narrow cell's text (none, spaces, or a newline
    /// and no-break spaces, as the editor indented it).
    gap: Option<String>,
    /// Header cells and the 三、本年度办理结果 cell printed narrow, broken into pieces.
    narrow: bool,
    /// Long sub-row labels break into pieces of this many chars.
    cut: usize,
    /// Share of number cells with a stray space or no-break space at an edge.
    stray: f64,
}

pub(crate) fn render(doc: &Doc, layout: Layout, rng: &mut Rng) -> String {
    let page = page(doc, rng);
    match layout {
        Layout::FlatText => {
            let chrome = rng.chance(0.5);
            flat(&page, chrome, true, chrome, rng)
        }
        Layout::Pipes => {
            let chrome = rng.chance(0.5);
            pipes(&page, chrome, true, chrome, rng)
        }
        Layout::ScriptHtml => script(&html(&page, rng), rng),
        _ => {
            // BodyOnly.
            let footer = rng.chance(0.5);
            if rng.chance(0.7) {
                flat(&page, false, false, footer, rng)
            } else {
                pipes(&page, false, false, footer, rng)
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

fn text(s: &str) -> Vec<Part> {
    vec![Part::Text(s.to_string())]
}

fn cell(parts: Vec<Part>, colspan: usize, rowspan: usize) -> Cell {
    Cell {
        parts,
        colspan,
        rowspan,
    }
}

/// A narrow cell's text: pieces separated by breaks, each but the first followed by the
/// style's gap — as the pages of `corpus-web` have them: "三、本年度办{gap}理结果{gap}",
/// "社会公益{gap}组织{gap}" (the editor's first paragraph of a cell carries no source
/// indentation, the others do).
fn pieces(ps: &[String], st: &Style) -> Vec<Part> {
    let mut out = Vec::new();
    for (i, p) in ps.iter().enumerate() {
        if i > 0 {
            out.push(Part::Break);
        }
        out.push(Part::Text(p.clone()));
        if let Some(g) = &st.gap {
            if i > 0 {
                out.push(Part::Space(g.clone()));
            }
        }
    }
    out
}

/// A header label printed in a narrow cell: two chars a piece ("社会|公益|组织").
fn narrow(label: &str, st: &Style) -> Vec<Part> {
    if !st.narrow || label.chars().count() < 4 {
        return text(label);
    }
    let chars: Vec<char> = label.chars().collect();
    let ps: Vec<String> = chars.chunks(2).map(|c| c.iter().collect()).collect();
    pieces(&ps, st)
}

/// A row label in a cell of the label column: long ones wrap at the cell width.
fn label(label: &str, st: &Style) -> Vec<Part> {
    if label.chars().count() <= st.cut {
        return text(label);
    }
    pieces(&wrap(label, st.cut), st)
}

/// A number cell, sometimes with a stray space at an edge; blank as an empty cell.
fn number(v: &str, st: &Style, rng: &mut Rng) -> Cell {
    let mut parts = Vec::new();
    if !v.is_empty() {
        parts.push(Part::Text(v.to_string()));
        if st.stray > 0.0 && rng.chance(st.stray) {
            let (front, s) = rng.pick(&[
                (true, " "),
                (false, " "),
                (false, "\u{a0}"),
                (true, "\u{a0}"),
                (true, "\u{3000}"),
                (false, "  "),
            ]);
            let s = Part::Space(s.to_string());
            if front {
                parts.insert(0, s);
            } else {
                parts.push(s);
            }
        }
    }
    cell(parts, 1, 1)
}

fn page(doc: &Doc, rng: &mut Rng) -> Page {
    let st = Style {
        gap: match rng.below(3) {
            0 => None,
            1 => Some(" ".repeat(16)),
            _ => Some(format!("\n{}", " \u{a0}".repeat(8))),
        },
        narrow: rng.chance(0.6),
        cut: rng.range(16, 26) as usize,
        stray: if rng.chance(0.6) {
            0.0
        } else {
            rng.pick(&[0.1, 0.3])
        },
    };
    let du = if rng.chance(0.5) { "度" } else { "" };
    let title = format!("{}{}年{du}政府信息公开工作年度报告", doc.agency, doc.year);
    let (site, before, meta, after) = chrome(doc, rng);
    let head_title = format!("{title}_政府信息公开年报_{site}");

    let mut body = Vec::new();
    blocks(&mut body, &doc.preamble);
    for s in &doc.sections {
        if s.heading {
            let t = match s.kind {
                SectionKind::Problems if rng.chance(0.3) => {
                    "政府信息公开工作存在的主要问题及改进情况"
                }
                k => k.title(),
            };
            let mut parts = text(&format!("{}、{t}", s.kind.numeral()));
            if rng.chance(0.4) {
                // <span>一、总体情况&nbsp;</span>
                parts.push(Part::Space("\u{a0}".into()));
            }
            body.push(Node::Para {
                parts,
                kind: Kind::Heading,
            });
        }
        if s.empty {
            continue;
        }
        match s.kind {
            SectionKind::Overview => blocks(&mut body, &doc.overview),
            SectionKind::ActiveDisclosure => body.push(table2(doc, &st, rng)),
            SectionKind::Requests => body.push(table3(doc, &st, rng)),
            SectionKind::ReviewLitigation => match &doc.tables.review {
                Some(cells) => body.push(table4(cells, &st, rng)),
                None => body.push(Node::Para {
                    parts: text(&doc.review_note),
                    kind: Kind::Body,
                }),
            },
            SectionKind::Problems => blocks(&mut body, &doc.problems),
            SectionKind::Other => blocks(&mut body, &doc.other),
        }
    }
    Page {
        title,
        head_title,
        before,
        meta,
        body,
        after,
    }
}

fn blocks(body: &mut Vec<Node>, bs: &[Block]) {
    for b in bs {
        body.push(match b {
            Block::Heading(h) => Node::Para {
                parts: text(h),
                kind: Kind::Sub,
            },
            Block::Para(p) => Node::Para {
                parts: text(p),
                kind: Kind::Body,
            },
        });
    }
}

/// Table 二 as one four-column table: a block row, a header row and the block's rows,
/// the last cell of a row spanning what its block leaves of the four columns.
fn table2(doc: &Doc, st: &Style, rng: &mut Rng) -> Node {
    let t = &doc.tables;
    let fee_label = rng.pick(&[
        "本年收费金额（单位：万元）",
        "本年收费金额（单位：万元，保留4位小数）",
    ]);
    let mut rows = Vec::new();
    let mut block = "";
    for row in &t.active {
        let Some(def) = active_row(t.active_edition, row.key) else {
            continue;
        };
        let n = def.columns.len();
        let span = |i: usize| if i + 1 == n { 4 - n } else { 1 };
        if def.block != block {
            block = def.block;
            rows.push(vec![cell(text(block), 4, 1)]);
            let mut header = vec![cell(text("信息内容"), 1, 1)];
            for (i, c) in def.columns.iter().enumerate() {
                let l = if c.key.key() == "amount_10k_yuan" {
                    fee_label
                } else {
                    c.label
                };
                header.push(cell(narrow(l, st), span(i), 1));
            }
            rows.push(header);
        }
        let mut r = vec![cell(text(def.label), 1, 1)];
        for (i, v) in row.cells.iter().enumerate() {
            let mut c = number(&active_value(v), st, rng);
            c.colspan = span(i);
            r.push(c);
        }
        rows.push(r);
    }
    Node::Table(rows)
}

/// Table 三 as the national template lays it out: a three-row header, label cells
/// spanning the label columns, 三、本年度办理结果 and the group labels spanning rows.
fn table3(doc: &Doc, st: &Style, rng: &mut Rng) -> Node {
    let mut rows = vec![
        vec![cell(text(NOTE), 3, 3), cell(text("申请人情况"), 7, 1)],
        vec![
            cell(text("自然人"), 1, 2),
            cell(text("法人或其他组织"), 5, 1),
            cell(text("总计"), 1, 2),
        ],
        [
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
        ]
        .iter()
        .map(|l| cell(narrow(l, st), 1, 1))
        .collect(),
    ];
    let t = &doc.tables.requests;
    let ps = places(t);
    let outcome_rows = t
        .iter()
        .filter(|r| r.key.def().is_outcome || r.key == RequestRowKey::TotalProcessed)
        .count();
    for (i, (r, place)) in t.iter().zip(&ps).enumerate() {
        let def = r.key.def();
        let mut row = Vec::new();
        match place {
            Place::Top => row.push(cell(text(def.label), 3, 1)),
            Place::FirstOutcome => {
                let result = if st.narrow {
                    let ps = ["三、本", "年度办", "理结果"].map(String::from);
                    pieces(&ps, st)
                } else {
                    text("三、本年度办理结果")
                };
                row.push(cell(result, 1, outcome_rows));
                row.push(cell(text(def.label), 2, 1));
            }
            Place::Single => row.push(cell(text(def.label), 2, 1)),
            Place::GroupFirst => {
                let k = t[i..]
                    .iter()
                    .take_while(|x| x.key.def().group == def.group)
                    .count();
                row.push(cell(text(def.group.label()), 1, k));
                row.push(cell(label(def.label, st), 1, 1));
            }
            Place::Sub => row.push(cell(label(def.label, st), 1, 1)),
            Place::Bottom => {
                let span = if r.key == RequestRowKey::TotalProcessed {
                    2
                } else {
                    3
                };
                row.push(cell(text(def.label), span, 1));
            }
        }
        for v in &r.cells {
            let s = v.map_or_else(String::new, |n| n.to_string());
            row.push(number(&s, st, rng));
        }
        rows.push(row);
    }
    Node::Table(rows)
}

/// Table 四: two header rows of groups, one of results, one row of fifteen numbers.
fn table4(cells: &[[Option<i64>; 5]; 3], st: &Style, rng: &mut Rng) -> Node {
    let result = |r: &str| {
        if st.narrow && r.chars().count() == 4 {
            let cs: Vec<char> = r.chars().collect();
            vec![
                Part::Text(cs[..2].iter().collect()),
                Part::Break,
                Part::Text(cs[2..].iter().collect()),
            ]
        } else {
            text(r)
        }
    };
    let mut first: Vec<Cell> = RESULTS.iter().map(|r| cell(result(r), 1, 2)).collect();
    first.push(cell(text("未经复议直接起诉"), 5, 1));
    first.push(cell(text("复议后起诉"), 5, 1));
    let rows = vec![
        vec![cell(text("行政复议"), 5, 1), cell(text("行政诉讼"), 10, 1)],
        first,
        RESULTS
            .iter()
            .chain(RESULTS.iter())
            .map(|r| cell(result(r), 1, 1))
            .collect(),
        cells
            .iter()
            .flatten()
            .map(|v| number(&v.map_or_else(String::new, |n| n.to_string()), st, rng))
            .collect(),
    ];
    Node::Table(rows)
}

// ---------------------------------------------------------------------------
// Site chrome
// ---------------------------------------------------------------------------

/// How a portal's "走进…" menu names its place: without its one-character suffix
/// (走进洛阳, 走进辉县), but an autonomous unit whole (走进长阳土家族自治县), as is a name
/// that would keep only one character (走进和县).
fn walk_name(portal: &str) -> &str {
    if ["自治州", "自治县", "自治旗"]
        .iter()
        .any(|s| portal.ends_with(s))
    {
        return portal;
    }
    match portal.strip_suffix(['市', '县', '区', '旗']) {
        Some(stem) if stem.chars().count() >= 2 => stem,
        _ => portal,
    }
}

fn words(ws: &[&str], sep: &str, lines: bool) -> Chrome {
    Chrome {
        words: ws.iter().map(|w| w.to_string()).collect(),
        sep: sep.to_string(),
        lines,
    }
}

fn spaces(rng: &mut Rng) -> String {
    " ".repeat(rng.range(4, 60) as usize)
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|i| {
            let lo = if i == 0 { 1 } else { 0 };
            char::from(b'0' + rng.range(lo, 9) as u8)
        })
        .collect()
}

/// The site's name and its chrome: (site, before the title, after it, after the article).
fn chrome(doc: &Doc, rng: &mut Rng) -> (String, Vec<Chrome>, Vec<Chrome>, Vec<Chrome>) {
    let gov = format!("{}人民政府", doc.portal);
    let site = if doc.agency.ends_with("人民政府") && rng.chance(0.5) {
        doc.agency.clone()
    } else {
        gov.clone()
    };
    let office = match rng.below(3) {
        0 => doc.agency.clone(),
        1 => format!("{gov}办公室"),
        _ => format!("{site}门户网站"),
    };
    let walk = format!("走进{}", walk_name(&doc.portal));
    let sp = spaces(rng);

    let mut before = vec![
        words(&["国务院", "省政府", "省人大", "省政协"], "", false),
        words(&["移动版"], "", false),
        words(&["登录", "注册", "你好，", "注销"], " ", false),
        words(
            &[
                "首页",
                "政务公开",
                "解读回应",
                "办事服务",
                "互动交流",
                &walk,
            ],
            "",
            true,
        ),
        words(
            &[
                "政府信息公开",
                "领导之窗",
                "政府机构",
                "要闻",
                "政府会议",
                "最新文件",
                "政策文件库",
                "政府工作报告",
                "公示公告",
                "规划信息",
                "人事信息",
                "统计信息",
                "数据开放",
                "重点领域信息公开",
                "专题专栏",
            ],
            &sp,
            false,
        ),
        words(&["历史搜索：", "热门搜索："], " ", false),
        words(&["长者模式", "退出长者模式", "无障碍浏览"], &sp, false),
        words(&["当前位置："], "", false),
    ];
    let crumb_sep = rng.pick(&["", " > ", "»"]);
    before.push(words(
        &["首页", "政务公开", "政府信息公开", "政府信息公开年报"],
        crumb_sep,
        true,
    ));
    if rng.chance(0.3) {
        before.remove(1);
    }

    let (m, d) = (rng.range(1, 3), rng.range(1, 28));
    let (h, min) = (rng.range(8, 18), rng.range(0, 59));
    let date = format!("{}-{m:02}-{d:02} {h:02}:{min:02}", doc.year + 1);
    let mut meta = vec![words(
        &[&format!("来源：{office}"), &format!("时间：{date}")],
        &spaces(rng),
        false,
    )];
    if rng.chance(0.4) {
        meta.push(words(
            &[&format!("浏览次数：{}", rng.range(10, 9999))],
            "",
            false,
        ));
    }
    if rng.chance(0.5) {
        meta.push(words(&["字号：", "大", "中", "小"], " ", false));
    }
    meta.push(words(&["微信", "微博", "QQ空间"], &spaces(rng), false));
    meta.push(words(&["全真版"], "", false));
    meta.push(words(&["文字版"], "", false));
    meta.push(words(&["文件下载"], "", false));
    meta.push(words(&["相关链接："], "", false));

    let abbr = rng.pick(&[
        "豫", "闽", "苏", "浙", "鲁", "冀", "晋", "陕", "川", "湘", "鄂", "赣",
    ]);
    let mut after = vec![
        words(&["附件下载"], "", false),
        words(&["扫一扫在手机上查看当前页面"], "", false),
        words(&["关闭"], "", false),
    ];
    if rng.chance(0.5) {
        after.push(words(&["【打印本页】", "【关闭窗口】"], " ", false));
    }
    after.push(words(
        &[
            "友情链接",
            "中国政府网",
            "省人民政府",
            &gov,
            "人民网",
            "新华网",
            "信用中国",
        ],
        "",
        true,
    ));
    after.push(words(
        &[
            "使用帮助",
            "|",
            "联系我们",
            "|",
            "隐私保护",
            "|",
            "关于我们",
            "|",
        ],
        "  ",
        false,
    ));
    after.push(words(
        &[
            &format!("网站标识码：{}", digits(rng, 10)),
            &format!("{abbr}公网安备 {}号", digits(rng, 14)),
            &format!("{abbr}ICP备{}号", digits(rng, 8)),
        ],
        " ",
        false,
    ));
    after.push(words(&[&format!("版权所有：{site}")], "", false));
    after.push(words(&[&format!("主办单位：{office}")], "", false));
    if rng.chance(0.5) {
        after.push(words(
            &["为确保最佳浏览效果，建议您使用以下浏览器版本：IE浏览器9.0版本及以上； Google Chrome浏览器 63版本及以上； 360浏览器9.1版本及以上。"],
            "",
            false,
        ));
    }
    (site, before, meta, after)
}

// ---------------------------------------------------------------------------
// textContent on one line
// ---------------------------------------------------------------------------

fn flat(page: &Page, before: bool, title: bool, after: bool, rng: &mut Rng) -> String {
    // Crawlers differ in what they make of no-break spaces and of the source's line
    // breaks inside the text (dropped, as the corpus-web files show).
    let nbsp_to_space = rng.chance(0.5);
    let node_gaps = rng.chance(0.3);
    let indent = if rng.chance(0.2) {
        "\u{3000}\u{3000}"
    } else {
        ""
    };
    let mut out = String::with_capacity(12000);
    let chrome = |out: &mut String, cs: &[Chrome], rng: &mut Rng| {
        for c in cs {
            out.push_str(&c.words.join(&c.sep));
            out.push_str(&spaces(rng));
        }
    };
    if before {
        out.push_str(&page.head_title);
        out.push_str(&spaces(rng));
        chrome(&mut out, &page.before, rng);
    }
    if title {
        out.push_str(&page.title);
        out.push_str(if before {
            "   "
        } else {
            rng.pick(&["", " ", "\u{3000}"])
        });
    }
    if before {
        chrome(&mut out, &page.meta, rng);
    }
    for n in &page.body {
        match n {
            Node::Para { parts, kind } => {
                if *kind == Kind::Body {
                    out.push_str(indent);
                }
                parts_text(&mut out, parts);
            }
            Node::Table(rows) => {
                for c in rows.iter().flatten() {
                    parts_text(&mut out, &c.parts);
                }
            }
        }
        if node_gaps {
            out.push_str(rng.pick(&["", "", "\u{3000}\u{3000}", " "]));
        }
    }
    if after {
        out.push_str(&spaces(rng));
        chrome(&mut out, &page.after, rng);
    }
    let out: String = out.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
    if nbsp_to_space {
        out.replace('\u{a0}', " ")
    } else {
        out
    }
}

fn parts_text(out: &mut String, parts: &[Part]) {
    for p in parts {
        match p {
            Part::Text(s) | Part::Space(s) => out.push_str(s),
            Part::Break => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Markdown pipes
// ---------------------------------------------------------------------------

/// Text with whitespace runs (no-break spaces included) collapsed to one space, trimmed.
fn collapsed(parts: &[Part]) -> String {
    let mut raw = String::new();
    parts_text(&mut raw, parts);
    raw.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn pipes(page: &Page, before: bool, title: bool, after: bool, rng: &mut Rng) -> String {
    let blank_lines = rng.chance(0.4);
    let separator = rng.chance(0.3);
    let mut lines: Vec<String> = Vec::new();
    let chrome = |lines: &mut Vec<String>, cs: &[Chrome]| {
        for c in cs {
            if c.lines {
                lines.extend(c.words.iter().cloned());
            } else {
                lines.push(c.words.join(" "));
            }
        }
    };
    if before {
        lines.push(page.head_title.clone());
        chrome(&mut lines, &page.before);
    }
    if title {
        lines.push(page.title.clone());
    }
    if before {
        chrome(&mut lines, &page.meta);
    }
    for n in &page.body {
        match n {
            Node::Para { parts, .. } => {
                let t = collapsed(parts);
                if !t.is_empty() {
                    lines.push(t);
                }
            }
            Node::Table(rows) => {
                for (i, r) in rows.iter().enumerate() {
                    let cells: Vec<String> = r.iter().map(|c| collapsed(&c.parts)).collect();
                    lines.push(format!("| {} |", cells.join(" | ")));
                    if i == 0 && separator {
                        lines.push(format!("|{}", "---|".repeat(cells.len())));
                    }
                }
            }
        }
        if blank_lines {
            lines.push(String::new());
        }
    }
    if after {
        chrome(&mut lines, &page.after);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------
// HTML in a script
// ---------------------------------------------------------------------------

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(c),
        }
    }
    out
}

fn html(page: &Page, rng: &mut Rng) -> String {
    let br = rng.chance(0.4);
    let cell_p = rng.chance(0.7);
    let nl = rng.pick(&["", "\n", "\n\t\t\t\t"]);
    let mut out = String::with_capacity(40000);
    let document = rng.chance(0.5);
    if document {
        out.push_str(&format!(
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n",
            escape_html(&page.head_title)
        ));
    }
    out.push_str(
        "<body>\n    <div class=\"warp\">\n      <!--头部开始-->\n      <div class=\"header\">",
    );
    let chrome = |out: &mut String, cs: &[Chrome]| {
        for c in cs {
            out.push_str(nl);
            out.push_str("<div class=\"row\">");
            for (i, w) in c.words.iter().enumerate() {
                if i > 0 {
                    out.push_str(&escape_html(&c.sep));
                }
                out.push_str(&format!(
                    "<a href=\"/\" target=\"_blank\" title=\"{0}\">{0}</a>",
                    escape_html(w)
                ));
            }
            out.push_str("</div>");
        }
    };
    chrome(&mut out, &page.before);
    out.push_str("</div>\n<div class=\"article\">");
    out.push_str(&format!(
        "{nl}<div class=\"article_title\"><h1>{}</h1></div>{nl}<div class=\"article_info\">",
        escape_html(&page.title)
    ));
    chrome(&mut out, &page.meta);
    out.push_str(&format!(
        "</div>{nl}<div class=\"article_content\" id=\"zoom\"><div class=TRS_Editor>"
    ));
    for n in &page.body {
        out.push_str(nl);
        match n {
            Node::Para { parts, kind } => {
                let (open, close) = match kind {
                    Kind::Body => ("", ""),
                    Kind::Heading => ("<span style=\"font-family: 黑体, SimHei;\">", "</span>"),
                    Kind::Sub => (
                        "<span style=\"font-family: 楷体, 楷体_GB2312, SimKai;\">",
                        "</span>",
                    ),
                };
                out.push_str("<p style=\"text-indent: 2em;\">");
                out.push_str(open);
                html_parts(&mut out, parts, br);
                out.push_str(close);
                out.push_str("</p>");
            }
            Node::Table(rows) => {
                out.push_str("<table style=\"border-collapse: collapse;\" cellspacing=\"0\" align=\"center\" border=\"1\"><tbody>");
                for r in rows {
                    out.push_str(nl);
                    out.push_str("<tr>");
                    for c in r {
                        out.push_str("<td");
                        if c.colspan > 1 {
                            out.push_str(&format!(" colspan=\"{}\"", c.colspan));
                        }
                        if c.rowspan > 1 {
                            out.push_str(&format!(" rowspan=\"{}\"", c.rowspan));
                        }
                        out.push_str(" valign=\"center\">");
                        if cell_p {
                            out.push_str("<p style=\"text-indent: 0em;\">");
                        }
                        html_parts(&mut out, &c.parts, br || !cell_p);
                        if cell_p {
                            out.push_str("</p>");
                        }
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</tbody></table>");
            }
        }
    }
    out.push_str("</div></div>\n</div>\n<div class=\"footer\">");
    chrome(&mut out, &page.after);
    out.push_str("</div>\n    </div>\n    <script type=\"text/javascript\">\n      var docid = \"");
    out.push_str(&digits(rng, 7));
    out.push_str("\";\n      $(function () {\n        $.ajax({ url: \"/fjdzapp/search\", type: \"post\", data: { docid: docid } });\n      });\n    </script>\n  </body>\n");
    if document {
        out.push_str("</html>");
    }
    out
}

/// A paragraph's or a cell's content; a break is `<br/>` or a new `<p>`.
fn html_parts(out: &mut String, parts: &[Part], br: bool) {
    for p in parts {
        match p {
            Part::Text(s) | Part::Space(s) => out.push_str(&escape_html(s)),
            Part::Break if br => out.push_str("<br/>"),
            Part::Break => out.push_str("</p><p style=\"text-indent: 0em;\">"),
        }
    }
}

/// The page as a JavaScript string literal assigned to a variable.
fn script(html: &str, rng: &mut Rng) -> String {
    // 0: non-ASCII as is; 1: every non-ASCII char as \uXXXX; 2: only no-break spaces.
    let unicode = rng.below(3);
    let slash = rng.chance(0.5);
    let mut lit = String::with_capacity(html.len() * 2);
    let mut prev = '\0';
    for c in html.chars() {
        match c {
            '"' => lit.push_str("\\\""),
            '\\' => lit.push_str("\\\\"),
            '\n' => lit.push_str("\\n"),
            '\r' => lit.push_str("\\r"),
            '\t' => lit.push_str("\\t"),
            '/' if slash && prev == '<' => lit.push_str("\\/"),
            c if !c.is_ascii() && (unicode == 1 || (unicode == 2 && c == '\u{a0}')) => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    lit.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => lit.push(c),
        }
        prev = c;
    }
    format!(
        "var articleContent = \"{lit}\";\ndocument.getElementById(\"zoom\").innerHTML = articleContent;\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_escapes() {
        let s = script("<p class=\"a\">公开\u{a0}</p>\n", &mut Rng::new(1, 0));
        assert!(s.starts_with("var articleContent = \"<p class=\\\"a\\\">"));
        assert!(s.contains("\\n\";\ndocument.getElementById"));
        assert!(!s.contains("\n\";"));
    }

    #[test]
    fn walk_names() {
        assert_eq!(walk_name("洛阳市"), "洛阳");
        assert_eq!(walk_name("获嘉县"), "获嘉");
        assert_eq!(walk_name("辉县市"), "辉县");
        assert_eq!(walk_name("长阳土家族自治县"), "长阳土家族自治县");
        assert_eq!(walk_name("沙市区"), "沙市");
        assert_eq!(walk_name("泽州县"), "泽州");
        assert_eq!(walk_name("吉州区"), "吉州");
        assert_eq!(walk_name("和县"), "和县");
    }

    #[test]
    fn collapsing() {
        let parts = vec![
            Part::Text("社会".into()),
            Part::Break,
            Part::Text("公益".into()),
            Part::Space("\n \u{a0} \u{a0}".into()),
            Part::Break,
            Part::Text("组织".into()),
        ];
        assert_eq!(collapsed(&parts), "社会公益 组织");
    }
}
