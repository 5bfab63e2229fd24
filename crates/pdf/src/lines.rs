//! From glyphs to lines: glyphs on one baseline form a line, read left to right; a
//! wide gap splits a line into pieces (the columns of a table drawn without rules).
//! Vertical glyphs (Identity-V) form top-to-bottom lines of their own.

use crate::interp::Glyph;

/// A box in page space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub const EMPTY: Rect = Rect {
        x0: f32::MAX,
        y0: f32::MAX,
        x1: f32::MIN,
        y1: f32::MIN,
    };
    pub fn add(&mut self, g: &Glyph) {
        self.x0 = self.x0.min(g.x0);
        self.y0 = self.y0.min(g.y0);
        self.x1 = self.x1.max(g.x1);
        self.y1 = self.y1.max(g.y1);
    }
    pub fn union(&mut self, r: &Rect) {
        self.x0 = self.x0.min(r.x0);
        self.y0 = self.y0.min(r.y0);
        self.x1 = self.x1.max(r.x1);
        self.y1 = self.y1.max(r.y1);
    }
}

/// A run of text on a line and its box.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub text: String,
    pub rect: Rect,
}

/// A line of text: its pieces left to right.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub rect: Rect,
}

impl Line {
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, r) in self.runs.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&r.text);
        }
        s
    }
}

/// A gap wider than this many ems starts a new piece.
pub const PIECE_GAP: f32 = 1.2;
/// A gap wider than this many ems is a space inside a piece.
const SPACE_GAP: f32 = 0.25;
/// Glyphs whose centres differ by less than this many ems vertically share a line.
const SAME_LINE: f32 = 0.45;

/// Group glyphs into lines, top to bottom. With `split`, wide gaps make pieces;
/// without, a line is one piece (inside a table cell).
pub fn lines(glyphs: &[&Glyph], split: bool) -> Vec<Line> {
    let (vertical, mut horizontal): (Vec<&Glyph>, Vec<&Glyph>) =
        glyphs.iter().copied().partition(|g| g.vertical);
    let mut out = Vec::new();

    horizontal.sort_by(|a, b| b.cy().total_cmp(&a.cy()).then(a.x0.total_cmp(&b.x0)));
    let mut i = 0;
    while i < horizontal.len() {
        let first = horizontal[i];
        let mut sum = first.cy();
        let mut n = 1usize;
        let mut j = i + 1;
        while j < horizontal.len() {
            let g = horizontal[j];
            let mean = sum / n as f32;
            let tol = SAME_LINE * g.size.max(first.size).max(1.0);
            if mean - g.cy() > tol {
                break;
            }
            sum += g.cy();
            n += 1;
            j += 1;
        }
        let mut line: Vec<&Glyph> = horizontal[i..j].to_vec();
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        out.push(build(&line, split));
        i = j;
    }

    if !vertical.is_empty() {
        out.extend(vertical_lines(vertical));
        out.sort_by(|a, b| {
            b.rect
                .y1
                .total_cmp(&a.rect.y1)
                .then(a.rect.x0.total_cmp(&b.rect.x0))
        });
    }
    out
}

fn build(line: &[&Glyph], split: bool) -> Line {
    let mut runs: Vec<Run> = Vec::new();
    let mut rect = Rect::EMPTY;
    let mut prev: Option<&Glyph> = None;
    for &g in line {
        if let Some(p) = prev {
            let em = p.size.max(g.size).max(1.0);
            // The same glyph drawn twice, slightly offset (fake bold): keep one.
            if g.c == p.c && (g.x0 - p.x0).abs() < 0.3 * em {
                continue;
            }
            let gap = g.x0 - p.x1;
            let run = runs.last_mut().expect("a run exists after the first glyph");
            if split && gap > PIECE_GAP * em {
                runs.push(Run {
                    text: String::new(),
                    rect: Rect::EMPTY,
                });
            } else if gap > SPACE_GAP * em && !run.text.ends_with(' ') {
                run.text.push(' ');
            }
        } else {
            runs.push(Run {
                text: String::new(),
                rect: Rect::EMPTY,
            });
        }
        let run = runs.last_mut().expect("a run was just pushed");
        run.text.push(g.c);
        run.rect.add(g);
        rect.add(g);
        prev = Some(g);
    }
    Line { runs, rect }
}

/// Vertical glyphs: columns by x, each read top to bottom, split where a gap opens.
fn vertical_lines(mut v: Vec<&Glyph>) -> Vec<Line> {
    v.sort_by(|a, b| a.cx().total_cmp(&b.cx()).then(b.cy().total_cmp(&a.cy())));
    let mut cols: Vec<Vec<&Glyph>> = Vec::new();
    for g in v {
        // Sorted by x: a glyph joins the last column or starts the next one.
        match cols
            .last_mut()
            .filter(|c| (c[0].cx() - g.cx()).abs() < 0.4 * g.size.max(1.0))
        {
            Some(c) => c.push(g),
            None => cols.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut col in cols {
        col.sort_by(|a, b| b.cy().total_cmp(&a.cy()));
        let mut run = Run {
            text: String::new(),
            rect: Rect::EMPTY,
        };
        let mut prev: Option<&Glyph> = None;
        for g in col {
            if let Some(p) = prev {
                if p.y0 - g.y1 > PIECE_GAP * g.size.max(1.0) {
                    let rect = run.rect;
                    out.push(Line {
                        runs: vec![std::mem::replace(
                            &mut run,
                            Run {
                                text: String::new(),
                                rect: Rect::EMPTY,
                            },
                        )],
                        rect,
                    });
                }
            }
            run.text.push(g.c);
            run.rect.add(g);
            prev = Some(g);
        }
        let rect = run.rect;
        out.push(Line {
            runs: vec![run],
            rect,
        });
    }
    out
}

/// The text of a table cell: its lines joined by newlines, except a stack of single
/// characters (a header set one character per line), which reads as one word.
pub fn cell_text(glyphs: &[&Glyph]) -> String {
    let ls = lines(glyphs, false);
    let texts: Vec<String> = ls.iter().map(Line::text).collect();
    let stacked = texts.len() >= 2 && texts.iter().all(|t| t.trim().chars().count() <= 1);
    if stacked {
        texts.iter().map(|t| t.trim()).collect()
    } else {
        texts.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(c: char, x: f32, y: f32) -> Glyph {
        Glyph {
            c,
            x0: x,
            y0: y - 2.0,
            x1: x + 10.0,
            y1: y + 8.0,
            size: 10.0,
            vertical: false,
        }
    }

    #[test]
    fn pieces_split_at_wide_gaps() {
        let gs = [
            g('规', 0.0, 100.0),
            g('章', 10.0, 100.5),
            g('1', 60.0, 100.0),
            g('2', 70.0, 100.0),
            g('下', 0.0, 80.0),
        ];
        let refs: Vec<&Glyph> = gs.iter().collect();
        let ls = lines(&refs, true);
        assert_eq!(ls.len(), 2);
        let texts: Vec<&str> = ls[0].runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["规章", "12"]);
        assert_eq!(ls[1].text(), "下");
    }

    #[test]
    fn stacked_characters_read_as_a_word() {
        let gs = [g('三', 0.0, 100.0), g('、', 0.0, 88.0), g('本', 0.0, 76.0)];
        let refs: Vec<&Glyph> = gs.iter().collect();
        assert_eq!(cell_text(&refs), "三、本");
        let gs = [
            g('部', 0.0, 100.0),
            g('分', 10.0, 100.0),
            g('公', 0.0, 88.0),
        ];
        let refs: Vec<&Glyph> = gs.iter().collect();
        assert_eq!(cell_text(&refs), "部分\n公");
    }
}
