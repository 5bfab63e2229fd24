//! Printing a planned report in one of the layouts real files come in.
//!
//! Each layout copies what the seeds show, artefacts included:
//! - [`Layout::Spaces`] (seeds 000/002/004, PDF text): `label v1 … v7` lines with blank
//!   lines between, group labels (（三）不予公开 …) on their own lines — sometimes split
//!   like a narrow cell ("（三）不予\n\n公开") — header cells one per line, wrapped prose;
//! - [`Layout::Tabs`] (seed 001, Word/HTML export): tab-separated cells with the empty
//!   cells of the merged label columns (`\t\t1.属于国家秘密\t\t0\t0…`) and the trailing
//!   tabs each kind of row has there;
//! - [`Layout::CellPerLine`] (seed 003, Word export): every cell on its own
//!   tab-indented line, rows separated by blank lines, `"\t"` lines for merged cells,
//!   `"\t "` / `"\t\u{a0}"` for blank ones, stray no-break spaces around numbers;
//! - [`Layout::WrappedLabels`] (seed 000's （六） rows): like `Spaces`, but long labels
//!   wrap at a cell width with the row's numbers on the following line.

use gongkai_model::schema::{active_row, RequestGroup, RequestRowKey, SectionKind};
use gongkai_model::Value;

use crate::rng::Rng;
use crate::{Block, Doc, Layout, RequestRowValues};

/// Layout-wide choices drawn once per document.
struct Style {
    layout: Layout,
    /// Prose line width (PDF layouts), in chars.
    prose_width: usize,
    /// Label cell width for [`Layout::WrappedLabels`], in chars.
    cell_width: usize,
    /// Paragraph indentation (PDF layouts).
    indent: &'static str,
    /// Seed 001's forms of the table-三 labels: "(一) 予以公开", "2.其他法律法规禁止公开".
    seed001_labels: bool,
}

pub(crate) fn render(doc: &Doc, layout: Layout, rng: &mut Rng) -> String {
    // The web layouts print the report as a page; garbled text is wrapped-label PDF
    // text whose characters are changed afterwards.
    let layout = match layout {
        Layout::FlatText | Layout::Pipes | Layout::ScriptHtml | Layout::BodyOnly => {
            return crate::web::render(doc, layout, rng);
        }
        Layout::Garbled => Layout::WrappedLabels,
        l => l,
    };
    let st = Style {
        layout,
        prose_width: rng.range(34, 48) as usize,
        cell_width: rng.range(12, 30) as usize,
        indent: rng.pick(&["", "       ", "　　"]),
        seed001_labels: layout == Layout::Tabs && rng.chance(0.5),
    };
    let pdf = matches!(layout, Layout::Spaces | Layout::WrappedLabels);
    let mut out = String::with_capacity(9000);
    let lead = rng.pick(&["", "\n", "\n\n"]);
    out.push_str(lead);

    if doc.heading_before_title {
        out.push_str(" 一、总体情况\n\n");
    }
    title(&mut out, doc, rng);
    out.push_str(if pdf { "\n\n" } else { "\n" });
    if layout == Layout::CellPerLine && rng.chance(0.3) {
        // Seed 003: Word's cursor bookmark left in front of the first paragraph.
        out.push_str("[bookmark: _GoBack]");
    }
    blocks(&mut out, &doc.preamble, &st, rng);

    for s in &doc.sections {
        if s.heading {
            heading(&mut out, s.kind, &st, rng);
        }
        if s.empty {
            continue;
        }
        match s.kind {
            SectionKind::Overview => blocks(&mut out, &doc.overview, &st, rng),
            SectionKind::ActiveDisclosure => table2(&mut out, doc, &st, rng),
            SectionKind::Requests => table3(&mut out, doc, &st, rng),
            SectionKind::ReviewLitigation => match &doc.tables.review {
                Some(cells) => table4(&mut out, cells, &st, rng),
                None => {
                    out.push_str(&doc.review_note);
                    out.push('\n');
                }
            },
            SectionKind::Problems => blocks(&mut out, &doc.problems, &st, rng),
            SectionKind::Other => blocks(&mut out, &doc.other, &st, rng),
        }
        if pdf {
            out.push('\n');
        }
    }
    if pdf && rng.chance(0.5) {
        out = page_numbers(&out, rng);
    }
    out
}

/// PDF text keeps the page numbers of the printed pages ("- 3 -"), wherever the page
/// broke: between paragraphs, inside a table, between a wrapped label and its numbers.
fn page_numbers(text: &str, rng: &mut Rng) -> String {
    let form = rng.below(3);
    let page_len = rng.range(38, 56) as usize;
    let mut out = String::with_capacity(text.len() + 200);
    let mut page = 1;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if i > 0 && i % page_len == 0 && line.ends_with('\n') {
            let n = match form {
                0 => format!("- {page} -"),
                1 => format!("—{page}—"),
                _ => format!("第{page}页"),
            };
            out.push_str(&n);
            out.push('\n');
            page += 1;
        }
    }
    out
}

/// A label as seed 001 prints it: half-width brackets followed by a space, ", " for
/// "，" — "(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)".
fn seed001_form(label: &str) -> String {
    let mut out = String::with_capacity(label.len() + 8);
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '（' if !out.is_empty() => out.push_str(" ("),
            '（' => out.push('('),
            '）' if chars.peek().is_some() => out.push_str(") "),
            '）' => out.push(')'),
            '，' => out.push_str(", "),
            _ => out.push(c),
        }
    }
    out
}

fn title(out: &mut String, doc: &Doc, rng: &mut Rng) {
    let (agency, year) = (&doc.agency, doc.year);
    let du = if rng.chance(0.1) { "度" } else { "" };
    if rng.chance(0.2) {
        // The agency on a line of its own above "YYYY年政府信息公开工作年度报告".
        out.push_str(&format!("{agency}\n{year}年{du}政府信息公开工作年度报告"));
    } else {
        out.push_str(&format!("{agency}{year}年{du}政府信息公开工作年度报告"));
    }
}

fn heading(out: &mut String, kind: SectionKind, st: &Style, rng: &mut Rng) {
    let title = match kind {
        SectionKind::Problems if rng.chance(0.3) => "政府信息公开工作存在的主要问题及改进情况",
        _ => kind.title(),
    };
    let lead = match st.layout {
        Layout::CellPerLine => rng.pick(&["", "", "\u{a0}"]),
        Layout::Tabs => "",
        // Spaces, WrappedLabels.
        _ => rng.pick(&["", "", " "]),
    };
    out.push_str(&format!("{lead}{}、{title}\n", kind.numeral()));
    if matches!(
        st.layout,
        Layout::Spaces | Layout::WrappedLabels | Layout::Tabs
    ) {
        out.push('\n');
    }
}

/// Prose: PDF layouts wrap paragraphs at a line width; Word layouts keep one line each.
fn blocks(out: &mut String, bs: &[Block], st: &Style, rng: &mut Rng) {
    for b in bs {
        match b {
            Block::Heading(h) => {
                out.push_str(h);
                out.push('\n');
            }
            Block::Para(p) => match st.layout {
                Layout::Spaces | Layout::WrappedLabels => {
                    let chars: Vec<char> = p.chars().collect();
                    let mut first = true;
                    for line in chars.chunks(st.prose_width) {
                        if first {
                            out.push_str(st.indent);
                            first = false;
                        }
                        out.extend(line);
                        out.push('\n');
                    }
                }
                _ => {
                    out.push_str(p);
                    out.push('\n');
                }
            },
        }
        if !matches!(st.layout, Layout::CellPerLine) && rng.chance(0.5) {
            out.push('\n');
        }
    }
}

// ---------------------------------------------------------------------------
// Table 二
// ---------------------------------------------------------------------------

pub(crate) fn active_value(v: &Option<Value>) -> String {
    match v {
        Some(Value::Count(n)) => n.to_string(),
        Some(Value::Amount(s)) | Some(Value::Invalid(s)) => s.clone(),
        None => String::new(),
    }
}

fn table2(out: &mut String, doc: &Doc, st: &Style, rng: &mut Rng) {
    let t = &doc.tables;
    let fee_label = rng.pick(&[
        "本年收费金额（单位：万元）",
        "本年收费金额（单位：万元，保留4位小数）",
    ]);
    let mut block = "";
    for row in &t.active {
        let Some(def) = active_row(t.active_edition, row.key) else {
            continue;
        };
        let mut header: Vec<&str> = def
            .columns
            .iter()
            .map(|c| {
                if c.key.key() == "amount_10k_yuan" {
                    fee_label
                } else if st.seed001_labels && !c.aliases.is_empty() {
                    // Seed 001's header typo 本年度止件数 and the like.
                    c.aliases[0]
                } else {
                    c.label
                }
            })
            .collect();
        header.insert(0, "信息内容");
        let vals: Vec<String> = row.cells.iter().map(active_value).collect();
        let new_block = def.block != block;
        block = def.block;
        match st.layout {
            Layout::Tabs => {
                // Four cells per line, padded with empty ones (merged cells).
                let pad = |cells: Vec<String>| -> String {
                    let mut c = cells;
                    c.resize(4, String::new());
                    c.join("\t")
                };
                if new_block {
                    out.push_str(&format!("{block}\t\t\t\n"));
                    out.push_str(&pad(header.iter().map(|s| s.to_string()).collect()));
                    out.push('\n');
                }
                let mut cells = vec![def.label.to_string()];
                cells.extend(vals);
                out.push_str(&pad(cells));
                out.push('\n');
            }
            Layout::CellPerLine => {
                if new_block {
                    out.push_str(&format!("\t{block}\n\n"));
                    for h in &header {
                        let chars: Vec<char> = h.chars().collect();
                        if chars.len() >= 6 && rng.chance(0.3) {
                            // A narrow header cell: its text wraps without the indent.
                            let (a, b) = chars.split_at(3);
                            out.push('\t');
                            out.extend(a);
                            out.push('\n');
                            out.extend(b);
                            out.push('\n');
                        } else {
                            out.push_str(&format!("\t{h}\n"));
                        }
                    }
                    out.push('\n');
                }
                out.push_str(&format!("\t{}\n", def.label));
                for v in &vals {
                    out.push_str(&format!("\t{v}\n"));
                }
                out.push('\n');
            }
            // Spaces, WrappedLabels.
            _ => {
                if new_block {
                    out.push_str(&format!("{block}\n\n{}\n\n", header.join(" ")));
                }
                out.push_str(&format!("{} {}\n\n", def.label, vals.join(" ")));
            }
        }
    }
    if st.layout == Layout::CellPerLine {
        out.push_str("\n\n");
    } else if st.layout == Layout::Tabs {
        out.push('\n');
    }
}

// ---------------------------------------------------------------------------
// Table 三
// ---------------------------------------------------------------------------

pub(crate) const NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// Where a row sits in the printed table.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// 一、本年新收 / 二、上年结转: label in the merged first two columns.
    Top,
    /// （一）予以公开: printed after "三、本年度办理结果".
    FirstOutcome,
    /// （二）部分公开, or the single （六）其他处理 of the 2019 layout.
    Single,
    /// The first sub-row of a group: the group label comes first.
    GroupFirst,
    Sub,
    /// （七）总计 / 四、结转下年度继续办理.
    Bottom,
}

pub(crate) fn places(rows: &[RequestRowValues]) -> Vec<Place> {
    let mut out = Vec::with_capacity(rows.len());
    let mut prev_group = RequestGroup::None;
    for r in rows {
        let def = r.key.def();
        let grouped = matches!(
            def.group,
            RequestGroup::Denied | RequestGroup::Unable | RequestGroup::NotProcessed
        ) || (def.group == RequestGroup::OtherHandling
            && r.key != RequestRowKey::OtherHandling);
        let p = match r.key {
            RequestRowKey::NewReceived | RequestRowKey::CarriedOver => Place::Top,
            RequestRowKey::Granted => Place::FirstOutcome,
            RequestRowKey::TotalProcessed | RequestRowKey::CarriedForward => Place::Bottom,
            _ if grouped && def.group != prev_group => Place::GroupFirst,
            _ if grouped => Place::Sub,
            _ => Place::Single,
        };
        prev_group = def.group;
        out.push(p);
    }
    out
}

/// The printed values of a row: lost cells left out, blanks as `blank`.
fn row_values(doc: &Doc, r: &RequestRowValues, blank: &str) -> Vec<String> {
    r.cells
        .iter()
        .enumerate()
        .filter(|(c, _)| !doc.lost.contains(&(r.key, *c)))
        .map(|(_, v)| v.map_or_else(|| blank.to_string(), |n| n.to_string()))
        .collect()
}

/// A label broken at a cell width, no piece shorter than two chars.
pub(crate) fn wrap(label: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    let mut pieces: Vec<String> = chars.chunks(width).map(|c| c.iter().collect()).collect();
    if pieces.len() > 1 && pieces.last().is_some_and(|p| p.chars().count() < 2) {
        let last = pieces.pop().unwrap_or_default();
        if let Some(p) = pieces.last_mut() {
            p.push_str(&last);
        }
    }
    pieces
}

/// A group label as a narrow PDF cell prints it: "（三）不予\n\n公开".
fn split_group(label: &str) -> (String, String) {
    let chars: Vec<char> = label.chars().collect();
    let cut = chars.len() - 2;
    (chars[..cut].iter().collect(), chars[cut..].iter().collect())
}

fn table3(out: &mut String, doc: &Doc, st: &Style, rng: &mut Rng) {
    match st.layout {
        Layout::Tabs => table3_tabs(out, doc, st, rng),
        Layout::CellPerLine => table3_cells(out, doc, rng),
        // Spaces, WrappedLabels.
        _ => table3_spaces(out, doc, st, rng),
    }
}

fn table3_spaces(out: &mut String, doc: &Doc, st: &Style, rng: &mut Rng) {
    if rng.chance(0.5) {
        // Seed 000.
        out.push_str(&format!(
            "{NOTE}\n\n申请人情况\n\n自然人\n\n法人或其他组织\n\n总计\n商业企业 科研机构\n\n社会公益\n\n组织\n\n法律服务\n\n机构\n其他\n\n"
        ));
    } else {
        // Seed 002.
        out.push_str(&format!(
            " {NOTE} 申请人情况\n\n自然人\n\n法人或其他组织\n\n总计\n\n商业企业 科研机构\n社会公益\n\n组织\n\n法律服务\n\n机构\n其他\n\n"
        ));
    }
    let split_groups = rng.chance(0.5);
    let rows = &doc.tables.requests;
    for (r, place) in rows.iter().zip(places(rows)) {
        let def = r.key.def();
        match place {
            Place::FirstOutcome => {
                let label = rng.pick(&[
                    "三、本年度办理结果\n\n",
                    " 三、本年度办理\n\n结果\n\n",
                    "三、本年度办理\n\n结果\n\n",
                ]);
                out.push_str(label);
            }
            Place::GroupFirst => {
                if split_groups {
                    let (a, b) = split_group(def.group.label());
                    out.push_str(&format!("{a}\n\n{b}\n\n"));
                } else {
                    out.push_str(&format!("{}\n\n", def.group.label()));
                }
            }
            _ => {}
        }
        let vals = row_values(doc, r, "").join(" ");
        let always = matches!(
            r.key,
            RequestRowKey::OtherNoCorrection | RequestRowKey::OtherFeeUnpaid
        );
        let pieces = wrap(def.label, st.cell_width);
        if st.layout == Layout::WrappedLabels && (pieces.len() > 1 || always) {
            // Seed 000: "…其政府信息\n\n公开申请\n1 0 0 0 0 0 1".
            let pieces = if pieces.len() > 1 {
                pieces
            } else {
                wrap(def.label, def.label.chars().count() - 4)
            };
            out.push_str(&pieces.join("\n\n"));
            out.push_str(&format!("\n{vals}\n\n"));
        } else {
            out.push_str(&format!("{} {vals}\n\n", def.label));
        }
    }
}

fn table3_tabs(out: &mut String, doc: &Doc, st: &Style, rng: &mut Rng) {
    out.push_str(&format!("{NOTE}\t申请人情况\n"));
    if rng.chance(0.5) {
        out.push_str("------------------------------------\t-------\n");
    }
    out.push_str("\n\t\t自然人\t法人或其他组织\t\t\t\t\t总计\t\n");
    out.push_str("\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t\n");
    let rows = &doc.tables.requests;
    for (r, place) in rows.iter().zip(places(rows)) {
        let def = r.key.def();
        let vals = row_values(doc, r, "").join("\t");
        let (label, group) = if st.seed001_labels {
            let label = def.aliases.first().copied().unwrap_or(def.label);
            (seed001_form(label), seed001_form(def.group.label()))
        } else {
            (def.label.to_string(), def.group.label().to_string())
        };
        let line = match place {
            Place::Top => format!("{label}\t\t{vals}\t"),
            Place::FirstOutcome => format!("三、本年度办理结果\t{label}\t\t{vals}\t"),
            Place::Single => format!("\t{label}\t\t{vals}\t"),
            Place::GroupFirst => format!("\t{group}\t{label}\t\t{vals}"),
            Place::Sub => format!("\t\t{label}\t\t{vals}"),
            Place::Bottom => format!("{label}\t\t{vals}\t\t"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
}

fn table3_cells(out: &mut String, doc: &Doc, rng: &mut Rng) {
    out.push_str(&format!("\t{NOTE}\n\t申请人情况\n\n"));
    out.push_str("\t\n\t自然人\n\t法人或其他组织\n\t总计\n\n");
    out.push_str("\t\n\t\n\t商业企业\n\t科研机构\n\t社会公益组织\n\t法律服务机构\n\t其他\n\t\n\n");
    let rows = &doc.tables.requests;
    for (r, place) in rows.iter().zip(places(rows)) {
        let def = r.key.def();
        let label = def.label;
        match place {
            Place::Top => out.push_str(&format!("\t{label}\n")),
            Place::Bottom if r.key == RequestRowKey::CarriedForward => {
                out.push_str(&format!("\t{label}\n"));
            }
            Place::FirstOutcome => out.push_str(&format!("\t三、本年度办理结果\n\t{label}\n")),
            Place::Single | Place::Bottom => out.push_str(&format!("\t\n\t{label}\n")),
            Place::GroupFirst => {
                // Seed 003 prints one group label without its indent.
                let tab = if rng.chance(0.2) { "" } else { "\t" };
                out.push_str(&format!("\t\n{tab}{}\n\t{label}\n", def.group.label()));
            }
            Place::Sub => out.push_str(&format!("\t\n\t\n\t{label}\n")),
        }
        for (c, v) in r.cells.iter().enumerate() {
            if doc.lost.contains(&(r.key, c)) {
                continue;
            }
            let s = match v {
                None => rng.pick(&[" ", "\u{a0}"]).to_string(),
                Some(n) => match rng.below(8) {
                    0 => format!("\u{a0}{n}"),
                    1 => format!("{n}\u{a0}"),
                    2 => format!("{n} "),
                    _ => n.to_string(),
                },
            };
            out.push_str(&format!("\t{s}\n"));
        }
        out.push('\n');
    }
    out.push_str("\n\n");
}

// ---------------------------------------------------------------------------
// Table 四
// ---------------------------------------------------------------------------

pub(crate) const RESULTS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

fn table4(out: &mut String, cells: &[[Option<i64>; 5]; 3], st: &Style, rng: &mut Rng) {
    let vals: Vec<String> = cells
        .iter()
        .flatten()
        .map(|v| v.map_or_else(String::new, |n| n.to_string()))
        .collect();
    let five = RESULTS.join(" ");
    match st.layout {
        Layout::Tabs => {
            let five = RESULTS.join("\t");
            out.push_str("行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t\n");
            out.push_str(&format!(
                "{five}\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n"
            ));
            out.push_str(&format!("\t\t\t\t\t{five}\t{five}\n"));
            out.push_str(&vals.join("\t"));
            out.push_str("\n\n");
        }
        Layout::CellPerLine => {
            out.push_str("\n\t行政复议\n\t行政诉讼\n\n");
            for r in RESULTS {
                out.push_str(&format!("\t{r}\n"));
            }
            out.push_str("\t未经复议直接起诉\n\t复议后起诉\n\n");
            out.push_str(&"\t\n".repeat(5));
            for _ in 0..2 {
                for r in RESULTS {
                    out.push_str(&format!("\t{r}\n"));
                }
            }
            out.push('\n');
            for v in &vals {
                let v = if rng.chance(0.1) {
                    format!("{v}\u{a0}")
                } else {
                    v.clone()
                };
                out.push_str(&format!("\t{v}\n"));
            }
            out.push_str("\n\n\n");
        }
        // Spaces, WrappedLabels.
        _ => {
            out.push_str(&format!(
                "行政复议 行政诉讼\n\n{five}\n未经复议直接起诉 复议后起诉\n\n{five} {five}\n\n{}\n\n",
                vals.join(" ")
            ));
        }
    }
}
