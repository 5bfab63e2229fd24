//! From a parsed page to paragraphs and table grids: find the report's content root,
//! walk it in reading order, expand merged cells, and make sure the title comes first.

use std::collections::HashSet;

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use crate::signals::{is_space, looks_like_heading, looks_like_title, marker_bits, MARKERS};

type NRef<'a> = NodeRef<'a, Node>;

/// Limits that keep hostile input (huge spans, giant tables) bounded.
pub const MAX_ROWSPAN: usize = 1000;
pub const MAX_COLSPAN: usize = 100;
pub const MAX_ROWS: usize = 10_000;
pub const MAX_COLS: usize = 1000;
/// Grid positions of one table, and of all tables of a page together.
pub const MAX_TABLE_SLOTS: usize = 200_000;
pub const MAX_PAGE_SLOTS: usize = 2_000_000;

/// One block of output before locations are assigned.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// A paragraph, and the share of its characters that sit inside links.
    Para { text: String, link: f32 },
    /// Rows of (text, covered).
    Table(Vec<Vec<(String, bool)>>),
}

/// How an element takes part in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Not content: scripts, styles, form controls, navigation.
    Drop,
    /// Starts and ends a paragraph.
    Block,
    /// A line break inside a paragraph.
    Br,
    Link,
    Table,
    Inline,
}

fn kind(name: &str, analysis: bool) -> Kind {
    match name {
        "script" | "style" | "noscript" | "template" | "select" | "option" | "optgroup"
        | "datalist" | "button" | "textarea" | "iframe" | "frame" | "frameset" | "object"
        | "embed" | "svg" | "math" | "canvas" | "map" | "input" | "audio" | "video" | "head"
        | "title" | "meta" | "link" | "base" | "nav" | "aside" | "footer" | "dialog" => Kind::Drop,
        // A <header> inside the article may hold its title; around the article it is chrome.
        "header" if analysis => Kind::Drop,
        "br" => Kind::Br,
        "a" => Kind::Link,
        "table" => Kind::Table,
        "address" | "article" | "blockquote" | "body" | "center" | "dd" | "details" | "dir"
        | "div" | "dl" | "dt" | "fieldset" | "figcaption" | "figure" | "form" | "h1" | "h2"
        | "h3" | "h4" | "h5" | "h6" | "header" | "hgroup" | "hr" | "html" | "legend" | "li"
        | "main" | "menu" | "ol" | "p" | "pre" | "section" | "summary" | "ul" | "caption"
        | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th" | "listing" | "plaintext" | "xmp" => {
            Kind::Block
        }
        _ => Kind::Inline,
    }
}

/// Characters that take no space between them when a source line break separates them
/// (CSS Text: segment breaks between East Asian wide characters are removed).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// A paragraph being gathered: runs of ASCII whitespace collapse to one space (none at
/// the ends, none across a line break between two CJK characters); NBSP and U+3000
/// are text and kept as they are.
#[derive(Default)]
struct LineBuf {
    text: String,
    /// A whitespace run is waiting: `Some(true)` when it held a line break.
    pending: Option<bool>,
    last: Option<char>,
    chars: usize,
    link_chars: usize,
}

impl LineBuf {
    fn push(&mut self, s: &str, in_link: bool) {
        for c in s.chars() {
            if c.is_ascii_whitespace() || c == '\r' {
                if !self.text.is_empty() {
                    let nl = c == '\n' || c == '\r';
                    self.pending = Some(self.pending.unwrap_or(false) || nl);
                }
                continue;
            }
            if let Some(nl) = self.pending.take() {
                let joined = nl && self.last.is_some_and(is_wide) && is_wide(c);
                if !joined {
                    self.text.push(' ');
                }
            }
            self.text.push(c);
            self.last = Some(c);
            if !is_space(c) {
                self.chars += 1;
                if in_link {
                    self.link_chars += 1;
                }
            }
        }
    }

    /// The paragraph, unless it holds no visible character.
    fn take(&mut self) -> Option<(String, f32)> {
        let text = std::mem::take(&mut self.text);
        let (chars, link) = (self.chars, self.link_chars);
        *self = LineBuf::default();
        if chars == 0 {
            return None;
        }
        Some((text, link as f32 / chars as f32))
    }
}

/// What the first pass learns about a page.
pub struct Analysis {
    /// Per element (document order): its span in the compact text, the number of
    /// block elements inside it, the markers it contains.
    elems: Vec<Elem>,
    /// Tables that contain other tables: page layout, not data.
    nested: HashSet<NodeId>,
    body: Option<NodeId>,
}

struct Elem {
    id: NodeId,
    parent: Option<usize>,
    /// The innermost table the element is in (itself, for a table).
    table: Option<NodeId>,
    start: usize,
    end: usize,
    blocks: u32,
    bits: u32,
}

impl Analysis {
    pub fn new(html: &Html) -> Analysis {
        let mut flat = String::new();
        let mut elems: Vec<Elem> = Vec::new();
        let mut stack: Vec<(usize, u32)> = Vec::new();
        let mut tables: Vec<NodeId> = Vec::new();
        let mut nested = HashSet::new();
        let mut body = None;
        let mut blocks = 0u32;
        let mut skip: Option<NodeId> = None;
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(n) => {
                    if skip.is_some() {
                        continue;
                    }
                    match n.value() {
                        Node::Text(t) => flat.extend(t.chars().filter(|c| !is_space(*c))),
                        Node::Element(e) => {
                            let k = kind(e.name(), true);
                            if k == Kind::Drop {
                                skip = Some(n.id());
                                continue;
                            }
                            if matches!(k, Kind::Block | Kind::Br | Kind::Table) {
                                blocks = blocks.saturating_add(1);
                            }
                            if k == Kind::Table {
                                if let Some(top) = tables.last() {
                                    nested.insert(*top);
                                }
                                tables.push(n.id());
                            }
                            if e.name() == "body" && body.is_none() {
                                body = Some(n.id());
                            }
                            let parent = stack.last().map(|(i, _)| *i);
                            stack.push((elems.len(), blocks));
                            elems.push(Elem {
                                id: n.id(),
                                parent,
                                table: tables.last().copied(),
                                start: flat.len(),
                                end: flat.len(),
                                blocks: 0,
                                bits: 0,
                            });
                        }
                        _ => {}
                    }
                }
                Edge::Close(n) => {
                    if let Some(id) = skip {
                        if id == n.id() {
                            skip = None;
                        }
                        continue;
                    }
                    if let Node::Element(e) = n.value() {
                        if e.name() == "table" {
                            tables.pop();
                        }
                        if let Some((i, b)) = stack.pop() {
                            elems[i].end = flat.len();
                            elems[i].blocks = blocks - b;
                        }
                    }
                }
            }
        }
        // Which markers each element contains: the first occurrence at or after its start
        // must also end before its end.
        let occurrences: Vec<(usize, Vec<usize>)> = MARKERS
            .iter()
            .map(|m| (m.len(), flat.match_indices(m).map(|(p, _)| p).collect()))
            .collect();
        for e in &mut elems {
            for (bit, (len, occ)) in occurrences.iter().enumerate() {
                let i = occ.partition_point(|&p| p < e.start);
                if occ.get(i).is_some_and(|&p| p + len <= e.end) {
                    e.bits |= 1 << bit;
                }
            }
        }
        Analysis {
            elems,
            nested,
            body,
        }
    }

    /// Number of distinct report markers in the whole page.
    pub fn page_markers(&self) -> u32 {
        self.elems
            .iter()
            .fold(0u32, |acc, e| acc | e.bits)
            .count_ones()
    }

    /// The element holding the report: the smallest one that has (nearly) all the
    /// report markers the page has and some block structure. `None` when the page has
    /// too few markers to tell (then the whole body is read, chrome filtered).
    pub fn content_root(&self) -> Option<NodeId> {
        let m = self.page_markers();
        if m < 3 {
            return None;
        }
        let threshold = 3.max((m * 3).div_ceil(4));
        let (mut best, _) = self
            .elems
            .iter()
            .enumerate()
            .filter(|(_, e)| e.bits.count_ones() >= threshold && e.blocks >= 3)
            // A data table (or a part of one) is content, never the whole article.
            .filter(|(_, e)| e.table.is_none_or(|t| self.nested.contains(&t)))
            .min_by_key(|(i, e)| (e.end - e.start, std::cmp::Reverse(*i)))?;
        // A report split over sibling containers: take their parent when it adds
        // markers and little other text.
        loop {
            let e = &self.elems[best];
            let Some(parent) = self.parent_elem(best) else {
                break;
            };
            let p = &self.elems[parent];
            let added = (p.bits & !e.bits).count_ones();
            let len = e.end - e.start;
            if added >= 2 && (p.end - p.start) * 2 <= len * 3 {
                best = parent;
            } else {
                break;
            }
        }
        Some(self.elems[best].id)
    }

    fn parent_elem(&self, i: usize) -> Option<usize> {
        self.elems[i].parent
    }
}

/// Walks a subtree in reading order, turning blocks into paragraphs and data tables
/// into grids.
struct Walker<'a> {
    nested: &'a HashSet<NodeId>,
    /// Whether data tables become grids (false inside a table cell).
    tables: bool,
    /// Grid positions still allowed on this page.
    budget: &'a mut usize,
    outs: Vec<Out>,
    line: LineBuf,
    in_link: u32,
}

impl<'a> Walker<'a> {
    fn new(nested: &'a HashSet<NodeId>, tables: bool, budget: &'a mut usize) -> Walker<'a> {
        Walker {
            nested,
            tables,
            budget,
            outs: Vec::new(),
            line: LineBuf::default(),
            in_link: 0,
        }
    }

    fn flush(&mut self) {
        if let Some((text, link)) = self.line.take() {
            self.outs.push(Out::Para { text, link });
        }
    }

    fn run(mut self, root: NRef) -> Vec<Out> {
        let mut skip: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(n) => {
                    if skip.is_some() {
                        continue;
                    }
                    match n.value() {
                        Node::Text(t) => self.line.push(t, self.in_link > 0),
                        Node::Element(e) => match kind(e.name(), false) {
                            Kind::Drop => skip = Some(n.id()),
                            Kind::Br | Kind::Block => self.flush(),
                            Kind::Link => self.in_link += 1,
                            Kind::Table => {
                                self.flush();
                                if self.tables && !self.nested.contains(&n.id()) {
                                    if let Some(outs) = self.table(n) {
                                        self.outs.extend(outs);
                                        skip = Some(n.id());
                                    }
                                }
                            }
                            Kind::Inline => {}
                        },
                        _ => {}
                    }
                }
                Edge::Close(n) => {
                    if let Some(id) = skip {
                        if id == n.id() {
                            skip = None;
                        }
                        continue;
                    }
                    if let Node::Element(e) = n.value() {
                        match kind(e.name(), false) {
                            Kind::Block | Kind::Table => self.flush(),
                            Kind::Link => self.in_link = self.in_link.saturating_sub(1),
                            _ => {}
                        }
                    }
                }
            }
        }
        self.flush();
        self.outs
    }

    /// A data table as a caption paragraph (if any) and a grid; `None` when the table
    /// is really page layout (one real cell, or a cell holding a whole article).
    fn table(&mut self, table: NRef) -> Option<Vec<Out>> {
        let mut caption = None;
        let mut rows: Vec<NRef> = Vec::new();
        for child in table.children() {
            let Some(e) = child.value().as_element() else {
                continue;
            };
            match e.name() {
                "caption" => caption = Some(child),
                "tr" => rows.push(child),
                "thead" | "tbody" | "tfoot" => rows.extend(
                    child
                        .children()
                        .filter(|c| c.value().as_element().is_some_and(|e| e.name() == "tr")),
                ),
                _ => {}
            }
            if rows.len() >= MAX_ROWS {
                break;
            }
        }
        rows.truncate(MAX_ROWS);
        let nrows = rows.len();
        let initial = MAX_TABLE_SLOTS.min(*self.budget);
        let mut limit = initial;
        let mut grid: Vec<Vec<Slot>> = vec![Vec::new(); nrows];
        let mut real = 0usize;
        let mut seen = 0usize;
        let mut longest = 0usize;
        for (r, tr) in rows.iter().enumerate() {
            let mut c = 0usize;
            for cell in tr.children() {
                let Some(e) = cell.value().as_element() else {
                    continue;
                };
                if e.name() != "td" && e.name() != "th" {
                    continue;
                }
                while grid[r].get(c).is_some_and(|s| *s != Slot::Empty) {
                    c += 1;
                }
                if c >= MAX_COLS {
                    break;
                }
                let mut cs = span(e.attr("colspan"), MAX_COLSPAN).min(MAX_COLS - c);
                let mut rs = match span(e.attr("rowspan"), MAX_ROWSPAN) {
                    // rowspan="0": to the end of the table.
                    0 => nrows - r,
                    n => n,
                }
                .min(nrows - r);
                cs = cs.max(1);
                rs = rs.max(1);
                // The work of a cell: the positions it marks and the positions its rows
                // grow by. Past the table's budget spans shrink to one position, then
                // cells are dropped.
                let cost = |rs: usize, cs: usize| {
                    rs * cs
                        + grid[r..r + rs]
                            .iter()
                            .map(|row| (c + cs).saturating_sub(row.len()))
                            .sum::<usize>()
                };
                seen += 1;
                let mut work = cost(rs, cs);
                if work > limit {
                    rs = 1;
                    cs = 1;
                    work = cost(1, 1);
                }
                if work > limit {
                    break;
                }
                limit -= work;
                // Within the budget, spans stop short of positions another cell already covers (the HTML
                // table model lets such cells overlap; a grid position has one owner).
                let taken =
                    |row: &Vec<Slot>, col: usize| row.get(col).is_some_and(|s| *s != Slot::Empty);
                cs = (1..cs).find(|&dc| taken(&grid[r], c + dc)).unwrap_or(cs);
                rs = (1..rs)
                    .find(|&dr| (c..c + cs).any(|cc| taken(&grid[r + dr], cc)))
                    .unwrap_or(rs);
                let text = self.cell_text(cell);
                longest = longest.max(text.chars().count());
                real += 1;
                for (dr, row) in grid[r..r + rs].iter_mut().enumerate() {
                    if row.len() < c + cs {
                        row.resize(c + cs, Slot::Empty);
                    }
                    for (dc, slot) in row[c..c + cs].iter_mut().enumerate() {
                        if dr > 0 || dc > 0 {
                            *slot = Slot::Covered;
                        }
                    }
                }
                grid[r][c] = Slot::Text(text);
                c += cs;
            }
        }
        if seen <= 1 || real == 0 || longest > 2000 {
            return None;
        }
        *self.budget -= initial - limit;
        let rows: Vec<Vec<(String, bool)>> = grid
            .into_iter()
            .filter(|row| !row.is_empty())
            .map(|row| {
                row.into_iter()
                    .map(|s| match s {
                        Slot::Text(t) => (t, false),
                        Slot::Covered => (String::new(), true),
                        Slot::Empty => (String::new(), false),
                    })
                    .collect()
            })
            .collect();
        let mut outs = Vec::new();
        if let Some(cap) = caption {
            let mut budget = 0;
            outs.extend(Walker::new(self.nested, false, &mut budget).run(cap));
        }
        if !rows.is_empty() {
            outs.push(Out::Table(rows));
        }
        Some(outs)
    }

    /// A cell's paragraphs joined with newlines.
    fn cell_text(&mut self, cell: NRef) -> String {
        let mut budget = 0;
        let outs = Walker::new(self.nested, false, &mut budget).run(cell);
        let mut text = String::new();
        for o in outs {
            if let Out::Para { text: t, .. } = o {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&t);
            }
        }
        text
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Slot {
    Empty,
    Text(String),
    Covered,
}

/// A `rowspan`/`colspan` value: leading digits as HTML parses them, 1 when absent or
/// unreadable, clamped to `max`; 0 stays 0 (the caller decides what it means).
fn span(attr: Option<&str>, max: usize) -> usize {
    let Some(a) = attr else {
        return 1;
    };
    let digits: String = a
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(8)
        .collect();
    match digits.parse::<usize>() {
        Ok(n) => n.min(max),
        Err(_) => 1,
    }
}

/// The visible text of an element, on one line.
pub fn element_text(node: NRef) -> String {
    let mut line = LineBuf::default();
    let mut skip: Option<NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                match n.value() {
                    Node::Text(t) => line.push(t, false),
                    Node::Element(e) if kind(e.name(), false) == Kind::Drop && n != node => {
                        skip = Some(n.id())
                    }
                    Node::Element(e) if matches!(kind(e.name(), false), Kind::Block) => {
                        line.push(" ", false)
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if skip == Some(n.id()) {
                    skip = None;
                }
            }
        }
    }
    line.take().map(|(t, _)| t).unwrap_or_default()
}

/// The report's title as the page gives it outside the article: the CMS's
/// `<meta name="ArticleTitle">`, a visible heading (not in a list of links), or the
/// part of `<title>` that reads as a title.
pub fn page_title(html: &Html) -> Option<String> {
    let root = html.tree.root();
    let mut metas = Vec::new();
    let mut headings = Vec::new();
    let mut titles = Vec::new();
    for n in root.descendants() {
        let Some(e) = n.value().as_element() else {
            continue;
        };
        match e.name() {
            "meta" => {
                let name = e.attr("name").or_else(|| e.attr("property")).unwrap_or("");
                let name = name.to_ascii_lowercase();
                if matches!(
                    name.as_str(),
                    "articletitle" | "og:title" | "title" | "dc.title" | "contenttitle"
                ) {
                    if let Some(c) = e.attr("content") {
                        let c = collapse(c);
                        if looks_like_title(&c) {
                            metas.push(c);
                        }
                    }
                }
            }
            "title" => {
                let t = element_text(n);
                for part in t.split(['_', '|', '—', '–', '－', '-']) {
                    let part = part.trim();
                    if looks_like_title(part) {
                        titles.push(part.to_string());
                    }
                }
            }
            name => {
                let titled = matches!(name, "h1" | "h2" | "h3")
                    || e.attr("class")
                        .into_iter()
                        .chain(e.attr("id"))
                        .any(|v| v.to_ascii_lowercase().contains("title"));
                if titled && headings.is_empty() && !in_link_list(n) {
                    let t = element_text(n);
                    if looks_like_title(&t) {
                        headings.push(t);
                    }
                }
            }
        }
    }
    metas.into_iter().chain(headings).chain(titles).next()
}

/// Inside a list, a link or navigation: where pages list other reports.
fn in_link_list(n: NRef) -> bool {
    n.ancestors().any(|a| {
        a.value().as_element().is_some_and(|e| {
            matches!(
                e.name(),
                "a" | "li" | "ul" | "ol" | "nav" | "aside" | "footer" | "select" | "dl"
            )
        })
    })
}

fn collapse(s: &str) -> String {
    let mut line = LineBuf::default();
    line.push(s, false);
    line.take().map(|(t, _)| t).unwrap_or_default()
}

/// A report's paragraphs and tables from a parsed page.
pub fn extract(html: &Html, analysis: &Analysis) -> Vec<Out> {
    let root = analysis.content_root();
    let start = root
        .or(analysis.body)
        .and_then(|id| html.tree.get(id))
        .unwrap_or_else(|| html.tree.root());
    let mut budget = MAX_PAGE_SLOTS;
    let mut outs = Walker::new(&analysis.nested, true, &mut budget).run(start);
    // Lines that are (mostly) links: navigation when no report was located; inside the
    // article only links to other reports ("上一篇：…2018年…年度报告") are dropped.
    let whole_body = root.is_none();
    outs.retain(|o| match o {
        Out::Para { text, link } => {
            *link < 0.6
                || !(whole_body
                    || looks_like_title(text)
                    || text.starts_with("上一篇")
                    || text.starts_with("下一篇"))
        }
        Out::Table(_) => true,
    });
    outs
}

/// Make sure the report's title is the first paragraph: a title broken over two or
/// three short lines ("平潭综合实验区2019年" / "政府信息公开工作年度报告") is joined; a
/// title only outside the article is put in front.
pub fn ensure_title(outs: &mut Vec<Out>, page_title: impl FnOnce() -> Option<String>) {
    // The preamble: paragraphs before the first table or section heading.
    let mut preamble = Vec::new();
    for (i, o) in outs.iter().enumerate().take(15) {
        match o {
            Out::Para { text, .. } if !looks_like_heading(text) => preamble.push(i),
            _ => break,
        }
    }
    let text = |i: usize| match &outs[i] {
        Out::Para { text, .. } => text.as_str(),
        Out::Table(_) => "",
    };
    if preamble.iter().any(|&i| looks_like_title(text(i))) {
        return;
    }
    for start in 0..preamble.len() {
        for n in [2, 3] {
            if start + n > preamble.len() {
                continue;
            }
            let first = preamble[start];
            let parts: Vec<&str> = (first..first + n).map(text).collect();
            if parts.iter().any(|p| p.chars().count() > 40) {
                continue;
            }
            let joined = join_lines(&parts);
            if looks_like_title(&joined) {
                outs[first] = Out::Para {
                    text: joined,
                    link: 0.0,
                };
                outs.drain(first + 1..first + n);
                return;
            }
        }
    }
    if let Some(t) = page_title() {
        outs.insert(0, Out::Para { text: t, link: 0.0 });
    }
}

/// Lines of one title joined: no space between CJK characters, one between words.
fn join_lines(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.trim_matches(is_space);
        if let (Some(a), Some(b)) = (out.chars().last(), p.chars().next()) {
            if !(is_wide(a) || is_wide(b)) {
                out.push(' ');
            }
        }
        out.push_str(p);
    }
    out
}

/// The report markers of some markup, roughly (tags stripped, whitespace removed).
pub fn markup_markers(markup: &str) -> u32 {
    let mut text = String::with_capacity(markup.len());
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !is_space(c) => text.push(c),
            _ => {}
        }
    }
    marker_bits(&text).count_ones()
}
