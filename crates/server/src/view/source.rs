//! Where a number was read, shown in its source: a PDF page redrawn as SVG from the
//! reader's own glyph boxes with the cell's box highlighted; a line of text with the
//! span underlined.

use gongkai_model::Grid;
use gongkai_pdf::PageDrawing;
use maud::{html, Markup};

/// A box to highlight on a page, in PDF points (origin bottom-left), with a CSS class
/// (the finding's severity) and a title.
pub struct Highlight {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub class: &'static str,
    pub title: String,
}

/// The page as SVG: rules as lines, glyphs as text at their boxes, highlights as
/// rectangles drawn over them. SVG's y runs down, PDF's up: y is flipped.
pub fn pdf_page(page: &PageDrawing, highlights: &[Highlight]) -> Markup {
    let h = page.height;
    let view = format!("0 0 {:.1} {:.1}", page.width, page.height);
    html! {
        svg.page xmlns="http://www.w3.org/2000/svg" viewBox=(view)
            data-page=(page.number) role="img" aria-label=(format!("第{}页", page.number)) {
            rect x="0" y="0" width=(fmt(page.width)) height=(fmt(page.height)) fill="white" {}
            @for (y, x0, x1) in &page.hrules {
                line.rule x1=(fmt(*x0)) x2=(fmt(*x1)) y1=(fmt(h - y)) y2=(fmt(h - y)) {}
            }
            @for (x, y0, y1) in &page.vrules {
                line.rule x1=(fmt(*x)) x2=(fmt(*x)) y1=(fmt(h - y0)) y2=(fmt(h - y1)) {}
            }
            @for g in page.glyphs.iter().filter(|g| !g.c.is_whitespace()) {
                text x=(fmt(g.x0)) y=(fmt(h - g.y0 - (g.y1 - g.y0) * 0.12))
                    font-size=(fmt((g.y1 - g.y0).max(1.0))) { (g.c) }
            }
            @for b in highlights {
                rect class=(format!("highlight {}", b.class))
                    x=(fmt(b.x0 - 1.0)) y=(fmt(h - b.y1 - 1.0))
                    width=(fmt(b.x1 - b.x0 + 2.0)) height=(fmt(b.y1 - b.y0 + 2.0)) {
                    title { (b.title) }
                }
            }
        }
    }
}

/// A line of a text source with the byte range `start..end` (of the line) marked.
pub fn text_line(line_no: u32, line: &str, start: usize, end: usize) -> Markup {
    let (start, end) = (
        start.min(line.len()),
        end.min(line.len()).max(start.min(line.len())),
    );
    let cut = |i: usize| {
        (0..=i)
            .rev()
            .find(|&j| line.is_char_boundary(j))
            .unwrap_or(0)
    };
    let (start, end) = (cut(start), cut(end));
    html! {
        pre.source-line {
            span.line-no { (line_no) }
            (&line[..start]) mark { (&line[start..end]) } (&line[end..])
        }
    }
}

/// A table of a DOCX or HTML source as its reader gave it (merged positions left
/// out), with the cells at `marked` (row, column) marked.
pub fn source_table(grid: &Grid, marked: &[(u32, u32)]) -> Markup {
    html! {
        table.source-table {
            @for (r, row) in grid.rows.iter().enumerate() {
                tr {
                    @for (c, cell) in row.iter().enumerate().filter(|(_, c)| !c.covered) {
                        @if marked.contains(&(r as u32, c as u32)) {
                            td.marked { (cell.text) }
                        } @else {
                            td { (cell.text) }
                        }
                    }
                }
            }
        }
    }
}

fn fmt(v: f32) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_pdf::DrawnGlyph;

    #[test]
    fn the_page_is_flipped_and_glyphs_escaped() {
        let page = PageDrawing {
            number: 2,
            width: 100.0,
            height: 200.0,
            glyphs: vec![
                DrawnGlyph {
                    c: '<',
                    x0: 10.0,
                    y0: 150.0,
                    x1: 15.0,
                    y1: 160.0,
                    size: 10.0,
                },
                DrawnGlyph {
                    c: '7',
                    x0: 20.0,
                    y0: 150.0,
                    x1: 25.0,
                    y1: 160.0,
                    size: 10.0,
                },
            ],
            hrules: vec![(100.0, 0.0, 100.0)],
            vrules: vec![],
        };
        let svg = pdf_page(
            &page,
            &[Highlight {
                x0: 19.0,
                y0: 149.0,
                x1: 26.0,
                y1: 161.0,
                class: "error",
                title: "T301 <b>".into(),
            }],
        )
        .into_string();
        assert!(svg.contains(r#"viewBox="0 0 100.0 200.0""#));
        assert!(svg.contains("&lt;</text>"), "{svg}");
        assert!(svg.contains(r#"<line class="rule" x1="0.0" x2="100.0" y1="100.0" y2="100.0">"#));
        // The highlight's top is 200 − 161 − 1 = 38.
        assert!(svg.contains(r#"<rect class="highlight error" x="18.0" y="38.0" width="9.0" height="14.0"><title>T301 &lt;b&gt;</title></rect>"#), "{svg}");
    }

    #[test]
    fn a_source_table_marks_its_cell_and_escapes() {
        use gongkai_model::{GridCell, Location};
        let cell = |text: &str, covered| GridCell {
            text: text.into(),
            location: Location::Cell {
                table: 0,
                row: 0,
                column: 0,
            },
            covered,
        };
        let grid = Grid {
            rows: vec![vec![
                cell("<i>新收</i>", false),
                cell("", true),
                cell("9", false),
            ]],
        };
        let html = source_table(&grid, &[(0, 2)]).into_string();
        assert_eq!(
            html,
            r#"<table class="source-table"><tr><td>&lt;i&gt;新收&lt;/i&gt;</td><td class="marked">9</td></tr></table>"#
        );
    }

    #[test]
    fn a_text_line_marks_its_span_on_char_boundaries() {
        let html = text_line(12, "收到申请12件<b>", 12, 14).into_string();
        assert_eq!(
            html,
            r#"<pre class="source-line"><span class="line-no">12</span>收到申请<mark>12</mark>件&lt;b&gt;</pre>"#
        );
        // A range inside a character is moved to its start, not a panic.
        let html = text_line(1, "收到", 1, 4).into_string();
        assert!(html.contains("<mark>收</mark>"), "{html}");
    }
}
