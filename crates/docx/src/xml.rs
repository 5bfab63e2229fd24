//! `word/document.xml` → a small tree of paragraphs and tables, in document order.
//!
//! One pass over the quick-xml events with a stack of open structures (paragraph, table,
//! row, cell, text box). Elements are matched by namespace URI and local name, so any
//! prefix works, and both the transitional and the strict WordprocessingML namespaces do.
//!
//! What is read: `w:t` (inside runs), `w:tab`/`w:ptab` (a tab in body paragraphs, a space
//! in table cells, where a tab would split the cell for the parser), `w:br`/`w:cr` (a
//! newline), `w:noBreakHyphen`. Containers are walked through: `w:ins`, `w:moveTo`,
//! `w:hyperlink`, `w:smartTag`, `w:sdt`/`w:sdtContent`, `w:customXml`, `w:fldSimple`,
//! complex-field results (their codes are `w:instrText`, never read).
//!
//! What is skipped: deleted and moved-away text (`w:del`, `w:moveFrom`), runs marked
//! hidden (`w:vanish`), ruby annotations (`w:rt`), table property blocks, tracked
//! property changes (old `w:gridSpan`s live in `w:tcPrChange`!), and `mc:Fallback` (the
//! same text box is stored twice, as DrawingML in `mc:Choice` and as VML in the
//! fallback). From paragraph properties only the style and list numbering are kept
//! (see [`crate::numbering`]).

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::limits::{MAX_NESTING, MAX_SPAN};
use crate::DocxError;

const W_TRANSITIONAL: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// A paragraph or a table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    Para(Para),
    Table(Table),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Para {
    pub text: String,
    /// `w:pPr/w:numPr`: list numbering (`w:numId`, `w:ilvl`), and `w:pStyle`.
    pub num_id: Option<u32>,
    pub ilvl: Option<u8>,
    pub style: Option<String>,
    /// Content of text boxes anchored in the paragraph, in order.
    pub boxes: Vec<Item>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Table {
    /// `w:tblGrid/w:gridCol/@w:w` in twips (0 when absent or unreadable).
    pub widths: Vec<u32>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Row {
    /// `w:gridBefore` / `w:gridAfter`: grid columns with no cell before/after the row's cells.
    pub before: u32,
    pub after: u32,
    pub cells: Vec<TCell>,
    /// The row is a tracked deletion (`w:trPr/w:del`).
    pub deleted: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Merge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TCell {
    pub span: u32,
    pub vmerge: Merge,
    /// Legacy horizontal merge (`w:hMerge`).
    pub hmerge: Merge,
    pub items: Vec<Item>,
}

impl Default for TCell {
    fn default() -> Self {
        TCell {
            span: 1,
            vmerge: Merge::None,
            hmerge: Merge::None,
            items: Vec::new(),
        }
    }
}

/// Element names whose parent matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    R,
    RPr,
    TcPr,
    TrPr,
    TblGrid,
    PPr,
    NumPr,
    Other,
}

enum Frame {
    /// The body, or a text box's content.
    Container(Vec<Item>),
    Para(Para),
    Table(Table),
    Row(Row),
    Cell(TCell),
}

struct Open {
    /// Element depth of the element that opened the frame (0: the document).
    depth: usize,
    frame: Frame,
}

struct State {
    frames: Vec<Open>,
    /// Names of the open elements (only the ones whose parent matters are told apart).
    tags: Vec<Tag>,
    /// Hidden flag of the open runs.
    runs: Vec<bool>,
    /// Depth of the open `w:t`, if any.
    in_text: Option<usize>,
    /// Depth of the element being skipped, if any.
    skip: Option<usize>,
}

/// The namespaces that matter here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    W,
    Mc,
    Other,
}

fn ns_of_uri(uri: &str) -> Ns {
    match uri {
        W_TRANSITIONAL | W_STRICT => Ns::W,
        MC => Ns::Mc,
        _ => Ns::Other,
    }
}

/// Prefix bindings in scope, innermost last: (prefix, namespace, depth of the element
/// that declared it). Resolving by hand is cheaper than a general namespace resolver;
/// only the W and MC namespaces are told apart.
struct Prefixes {
    bindings: Vec<(String, Ns, usize)>,
}

impl Prefixes {
    fn resolve(&self, prefix: &str) -> Ns {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _, _)| p == prefix)
            .map_or(Ns::Other, |b| b.1)
    }

    /// Record the `xmlns` / `xmlns:p` declarations of an element at `depth`.
    fn declare(&mut self, e: &BytesStart, depth: usize) {
        if !e.attributes_raw().contains("xmlns") {
            return;
        }
        for a in e.attributes().with_checks(false).flatten() {
            let key: &str = a.key.as_ref();
            let prefix = if key == "xmlns" {
                ""
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            let uri = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap_or_default();
            self.bindings
                .push((prefix.to_string(), ns_of_uri(&uri), depth));
        }
    }

    /// Drop the bindings declared by the element at `depth` (it ended).
    fn end(&mut self, depth: usize) {
        while self.bindings.last().is_some_and(|b| b.2 >= depth) {
            self.bindings.pop();
        }
    }
}

/// Split a qualified name into prefix and local name.
fn split_name(qname: &str) -> (&str, &str) {
    qname.split_once(':').unwrap_or(("", qname))
}

/// The value of the attribute with this local name (`w:val`, `w:w`).
pub(crate) fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A leading unsigned number ("1771", "1771.5", " 3 "); `None` when there is none.
fn leading_u32(s: &str) -> Option<u32> {
    let s = s.trim();
    let digits: String = s.chars().take_while(char::is_ascii_digit).take(9).collect();
    digits.parse().ok()
}

fn on_off(e: &BytesStart) -> bool {
    !matches!(
        attr(e, "val").as_deref(),
        Some("0") | Some("false") | Some("off")
    )
}

fn merge_value(e: &BytesStart) -> Merge {
    match attr(e, "val").as_deref() {
        Some("restart") => Merge::Restart,
        _ => Merge::Continue,
    }
}

/// Elements whose whole subtree is skipped.
fn skipped(local: &str) -> bool {
    matches!(
        local,
        "del"
            | "moveFrom"
            | "delText"
            | "instrText"
            | "delInstrText"
            | "rt"
            | "tblPr"
            | "tblPrEx"
            | "sectPr"
            | "sdtPr"
            | "sdtEndPr"
            | "rPrChange"
            | "pPrChange"
            | "tblPrChange"
            | "trPrChange"
            | "tcPrChange"
            | "tblGridChange"
            | "tblPrExChange"
            | "sectPrChange"
            | "numberingChange"
            | "cellDel"
    )
}

impl State {
    fn new() -> State {
        State {
            frames: vec![Open {
                depth: 0,
                frame: Frame::Container(Vec::new()),
            }],
            tags: Vec::new(),
            runs: Vec::new(),
            in_text: None,
            skip: None,
        }
    }

    fn push(&mut self, depth: usize, frame: Frame) -> Result<(), DocxError> {
        if self.frames.len() > MAX_NESTING {
            return Err(DocxError::TooLarge(format!(
                "表格、文本框嵌套超过 {MAX_NESTING} 层"
            )));
        }
        self.frames.push(Open { depth, frame });
        Ok(())
    }

    fn in_cell(&self) -> bool {
        self.frames
            .iter()
            .any(|f| matches!(f.frame, Frame::Cell(_)))
    }

    fn hidden(&self) -> bool {
        self.runs.last().copied().unwrap_or(false)
    }

    /// The paragraph text being built; opens an implicit paragraph when text comes
    /// outside one (malformed input), closed with its container.
    fn text_mut(&mut self) -> &mut String {
        let top_is_para = matches!(self.frames.last().map(|f| &f.frame), Some(Frame::Para(_)));
        if !top_is_para {
            let depth = self.frames.last().map_or(0, |f| f.depth);
            self.frames.push(Open {
                depth,
                frame: Frame::Para(Para::default()),
            });
        }
        match self.frames.last_mut().map(|f| &mut f.frame) {
            Some(Frame::Para(p)) => &mut p.text,
            _ => unreachable!("a paragraph frame was just ensured"),
        }
    }

    fn push_text(&mut self, s: &str) {
        if !self.hidden() {
            self.text_mut().push_str(s);
        }
    }

    fn push_char(&mut self, c: char) {
        if !self.hidden() {
            self.text_mut().push(c);
        }
    }

    /// Attach a finished item to the nearest structure that holds items.
    fn attach(&mut self, item: Item) {
        for open in self.frames.iter_mut().rev() {
            match &mut open.frame {
                Frame::Container(items) => return items.push(item),
                Frame::Cell(c) => return c.items.push(item),
                Frame::Para(p) => return p.boxes.push(item),
                Frame::Table(_) | Frame::Row(_) => {}
            }
        }
    }

    fn table_mut(&mut self) -> Option<&mut Table> {
        match self.frames.last_mut().map(|f| &mut f.frame) {
            Some(Frame::Table(t)) => Some(t),
            _ => None,
        }
    }
    fn row_mut(&mut self) -> Option<&mut Row> {
        match self.frames.last_mut().map(|f| &mut f.frame) {
            Some(Frame::Row(r)) => Some(r),
            _ => None,
        }
    }
    fn para_mut(&mut self) -> Option<&mut Para> {
        match self.frames.last_mut().map(|f| &mut f.frame) {
            Some(Frame::Para(p)) => Some(p),
            _ => None,
        }
    }
    fn cell_mut(&mut self) -> Option<&mut TCell> {
        match self.frames.last_mut().map(|f| &mut f.frame) {
            Some(Frame::Cell(c)) => Some(c),
            _ => None,
        }
    }

    /// Close the frames opened at `depth` or deeper.
    fn close(&mut self, depth: usize) {
        while self.frames.len() > 1 && self.frames.last().is_some_and(|f| f.depth >= depth) {
            let Some(open) = self.frames.pop() else { break };
            self.finish(open.frame);
        }
    }

    fn finish(&mut self, frame: Frame) {
        match frame {
            Frame::Para(p) => self.attach(Item::Para(p)),
            Frame::Container(items) => {
                for i in items {
                    self.attach(i);
                }
            }
            Frame::Table(t) => self.attach(Item::Table(t)),
            Frame::Row(r) => match self.table_mut() {
                Some(t) => t.rows.push(r),
                None => {
                    for c in r.cells {
                        for i in c.items {
                            self.attach(i);
                        }
                    }
                }
            },
            Frame::Cell(c) => match self.row_mut() {
                Some(r) => r.cells.push(c),
                None => {
                    for i in c.items {
                        self.attach(i);
                    }
                }
            },
        }
    }

    /// A start (or empty) element of the W namespace.
    fn start_w(
        &mut self,
        local: &str,
        e: &BytesStart,
        depth: usize,
        empty: bool,
    ) -> Result<(), DocxError> {
        let parent = self.tags.last().copied().unwrap_or(Tag::Other);
        match (local, parent) {
            ("gridBefore", Tag::TrPr) | ("gridAfter", Tag::TrPr) => {
                let n = attr(e, "val")
                    .and_then(|v| leading_u32(&v))
                    .unwrap_or(0)
                    .min(MAX_SPAN);
                if let Some(r) = self.row_mut() {
                    if local == "gridBefore" {
                        r.before = n;
                    } else {
                        r.after = n;
                    }
                }
                return Ok(());
            }
            ("del", Tag::TrPr) => {
                if let Some(r) = self.row_mut() {
                    r.deleted = true;
                }
                return Ok(());
            }
            ("gridSpan", Tag::TcPr) => {
                let n = attr(e, "val")
                    .and_then(|v| leading_u32(&v))
                    .unwrap_or(1)
                    .clamp(1, MAX_SPAN);
                if let Some(c) = self.cell_mut() {
                    c.span = n;
                }
                return Ok(());
            }
            ("vMerge", Tag::TcPr) => {
                let m = merge_value(e);
                if let Some(c) = self.cell_mut() {
                    c.vmerge = m;
                }
                return Ok(());
            }
            ("hMerge", Tag::TcPr) => {
                let m = merge_value(e);
                if let Some(c) = self.cell_mut() {
                    c.hmerge = m;
                }
                return Ok(());
            }
            ("gridCol", Tag::TblGrid) => {
                let w = attr(e, "w").and_then(|v| leading_u32(&v)).unwrap_or(0);
                if let Some(t) = self.table_mut() {
                    t.widths.push(w);
                }
                return Ok(());
            }
            ("vanish", Tag::RPr) => {
                let in_run = self.tags.len() >= 2 && self.tags[self.tags.len() - 2] == Tag::R;
                if in_run && on_off(e) {
                    if let Some(h) = self.runs.last_mut() {
                        *h = true;
                    }
                }
                return Ok(());
            }
            ("tab", Tag::R) | ("ptab", Tag::R) => {
                let c = if self.in_cell() { ' ' } else { '\t' };
                self.push_char(c);
                return Ok(());
            }
            ("br", Tag::R) | ("cr", Tag::R) => {
                self.push_char('\n');
                return Ok(());
            }
            ("pStyle", Tag::PPr) => {
                let v = attr(e, "val");
                if let Some(p) = self.para_mut() {
                    p.style = v;
                }
                return Ok(());
            }
            ("numId", Tag::NumPr) | ("ilvl", Tag::NumPr) => {
                let v = attr(e, "val").and_then(|v| leading_u32(&v));
                if let Some(p) = self.para_mut() {
                    if local == "numId" {
                        p.num_id = v;
                    } else {
                        p.ilvl = v.map(|l| l.min(8) as u8);
                    }
                }
                return Ok(());
            }
            ("noBreakHyphen", Tag::R) => {
                self.push_char('-');
                return Ok(());
            }
            _ => {}
        }
        if skipped(local) {
            if !empty {
                self.skip = Some(depth);
            }
            return Ok(());
        }
        match local {
            "p" => {
                self.push(depth, Frame::Para(Para::default()))?;
            }
            "tbl" => self.push(depth, Frame::Table(Table::default()))?,
            "tr" => self.push(depth, Frame::Row(Row::default()))?,
            "tc" => self.push(depth, Frame::Cell(TCell::default()))?,
            "txbxContent" => self.push(depth, Frame::Container(Vec::new()))?,
            "t" if !empty => self.in_text = Some(depth),
            _ => {}
        }
        if empty {
            // An empty structural element (`<w:p/>`, `<w:tc/>`) opens and closes at once.
            self.close(depth);
        }
        Ok(())
    }
}

fn tag_of(w: bool, local: &str) -> Tag {
    if !w {
        return Tag::Other;
    }
    match local {
        "r" => Tag::R,
        "rPr" => Tag::RPr,
        "tcPr" => Tag::TcPr,
        "trPr" => Tag::TrPr,
        "tblGrid" => Tag::TblGrid,
        "pPr" => Tag::PPr,
        "numPr" => Tag::NumPr,
        _ => Tag::Other,
    }
}

fn xml_error(e: quick_xml::Error, pos: u64) -> DocxError {
    DocxError::Xml(format!("{e}（位置 {pos}）"))
}

/// Parse the document part into items (paragraphs and tables) in order.
pub(crate) fn parse(xml: &str) -> Result<Vec<Item>, DocxError> {
    let mut reader = Reader::from_str(xml);
    let mut st = State::new();
    let mut prefixes = Prefixes {
        bindings: Vec::new(),
    };
    let mut depth = 0usize;
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| xml_error(e, pos))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let at = depth + 1;
                prefixes.declare(e, at);
                let qname = e.name();
                let (prefix, local) = split_name(qname.as_ref());
                let ns = prefixes.resolve(prefix);
                let w = ns == Ns::W;
                if empty {
                    prefixes.end(at);
                } else {
                    depth = at;
                    st.tags.push(tag_of(w, local));
                    if w && local == "r" {
                        st.runs.push(false);
                    }
                }
                if st.skip.is_some() {
                    continue;
                }
                if ns == Ns::Mc && local == "Fallback" {
                    if !empty {
                        st.skip = Some(depth);
                    }
                } else if w {
                    st.start_w(local, e, at, empty)?;
                }
            }
            Event::End(_) => {
                let tag = st.tags.pop();
                if tag == Some(Tag::R) {
                    st.runs.pop();
                }
                match st.skip {
                    Some(d) if d == depth => st.skip = None,
                    Some(_) => {}
                    None => {
                        if st.in_text == Some(depth) {
                            st.in_text = None;
                        }
                        st.close(depth);
                    }
                }
                prefixes.end(depth);
                depth = depth.saturating_sub(1);
            }
            Event::Text(ref t) if st.in_text.is_some() && st.skip.is_none() => {
                let s = t.xml10_content();
                st.push_text(&s);
            }
            Event::CData(ref t) if st.in_text.is_some() && st.skip.is_none() => {
                let s = t.as_ref().to_string();
                st.push_text(&s);
            }
            Event::GeneralRef(ref r) if st.in_text.is_some() && st.skip.is_none() => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    },
                    Err(_) => None,
                };
                if let Some(c) = c {
                    st.push_char(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Whatever is still open (unclosed elements, an implicit paragraph) is finished.
    while st.frames.len() > 1 {
        if let Some(open) = st.frames.pop() {
            st.finish(open.frame);
        }
    }
    match st.frames.pop().map(|f| f.frame) {
        Some(Frame::Container(items)) => Ok(items),
        _ => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn texts(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Para(p) => p.text.clone(),
                Item::Table(_) => "<table>".into(),
            })
            .collect()
    }

    #[test]
    fn text_outside_a_paragraph_is_kept() {
        let xml = format!(
            r#"<w:document {NS}><w:body><w:r><w:t>散</w:t></w:r><w:p><w:r><w:t>段</w:t></w:r></w:p></w:body></w:document>"#
        );
        let items = parse(&xml).unwrap();
        let all: Vec<String> = items
            .iter()
            .flat_map(|i| match i {
                Item::Para(p) => {
                    let mut v = vec![p.text.clone()];
                    v.extend(texts(&p.boxes));
                    v
                }
                Item::Table(_) => vec![],
            })
            .collect();
        assert_eq!(all, vec!["散", "段"]);
    }

    #[test]
    fn default_namespace_and_unclosed_document() {
        let xml = r#"<document xmlns="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><body><p><r><t>默认</t></r></p>"#;
        // quick-xml reports the unclosed elements at the end, or not: either way no panic,
        // and when it reads, the text is there.
        if let Ok(items) = parse(xml) {
            assert_eq!(texts(&items), vec!["默认"]);
        }
    }

    #[test]
    fn numbering_properties_are_kept_and_tab_stops_ignored() {
        let xml = format!(
            r#"<w:document {NS}><w:body><w:p><w:pPr><w:pStyle w:val="H1"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr><w:tabs><w:tab w:val="left" w:pos="100"/></w:tabs><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>可见</w:t></w:r></w:p></w:body></w:document>"#
        );
        let items = parse(&xml).unwrap();
        let Item::Para(p) = &items[0] else { panic!() };
        assert_eq!(p.text, "可见");
        assert_eq!(
            (p.num_id, p.ilvl, p.style.as_deref()),
            (Some(7), Some(1), Some("H1"))
        );
    }
}
