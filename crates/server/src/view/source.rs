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

/// A scanned page as SVG: the page image (PNG) where it lies on the page, the boxes
/// OCR read the highlighted places from drawn over it. SVG's y runs down, PDF's up.
pub fn image_page(
    number: u32,
    page: (f32, f32),
    image_box: [f32; 4],
    png: &[u8],
    highlights: &[Highlight],
) -> Markup {
    let (w, h) = page;
    let [x0, y0, x1, y1] = image_box;
    let view = format!("0 0 {:.1} {:.1}", w, h);
    let href = format!("data:image/png;base64,{}", base64(png));
    html! {
        svg.page.scan xmlns="http://www.w3.org/2000/svg" viewBox=(view)
            data-page=(number) role="img" aria-label=(format!("第{number}页（扫描件）")) {
            rect x="0" y="0" width=(fmt(w)) height=(fmt(h)) fill="white" {}
            image x=(fmt(x0)) y=(fmt(h - y1)) width=(fmt(x1 - x0)) height=(fmt(y1 - y0))
                preserveAspectRatio="none" href=(href) {}
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

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
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
    fn base64_as_the_standard_says() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn a_scanned_page_is_its_image_with_the_boxes_over_it() {
        let svg = image_page(
            3,
            (100.0, 200.0),
            [0.0, 0.0, 100.0, 200.0],
            b"\x89PNG",
            &[Highlight {
                x0: 10.0,
                y0: 150.0,
                x1: 20.0,
                y1: 160.0,
                class: "warning",
                title: "识别为“7”<置信度40>".into(),
            }],
        )
        .into_string();
        assert!(
            svg.contains(r#"href="data:image/png;base64,iVBORw==""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<image x="0.0" y="0.0" width="100.0" height="200.0""#),
            "{svg}"
        );
        // Flipped: the box's top (160) is 40 from the top of a 200-high page, less 1.
        assert!(
            svg.contains(r#"class="highlight warning" x="9.0" y="39.0""#),
            "{svg}"
        );
        assert!(svg.contains("&lt;置信度40&gt;"), "escaped: {svg}");
    }

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
