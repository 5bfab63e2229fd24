//! A document rendered back to a plain, valid web page (for round-trip tests and for
//! making HTML test inputs): paragraphs as `<p>`, tables as `<table>` with merged cells
//! written as `colspan`/`rowspan` where the covered positions allow it.

use gongkai_model::{Block, GridCell, Span};

/// Render `blocks` as a UTF-8 HTML page titled `doc_title` (the title goes only into
/// `<title>`; put it in the blocks too to have it in the body).
///
/// What [`crate::read`] makes of the page is the same document (paragraph texts with
/// ASCII whitespace collapsed, as HTML does). A grid whose covered positions cannot be
/// tiled by rectangles — only from a malformed source — or, rarely, an ambiguous one the
/// bounded search gives up on, writes an untileable covered position as an empty cell.
pub fn write(doc_title: &str, blocks: &[Block]) -> String {
    write_with_spans(doc_title, blocks, &[])
}

/// [`write`], with the merged cells of the document's tables given (`spans[i]` for
/// its `i`-th table): a table whose spans are given (and tile its covered positions)
/// is drawn with exactly those merged cells; the others have them worked out.
pub fn write_with_spans(doc_title: &str, blocks: &[Block], spans: &[Vec<Span>]) -> String {
    let mut out = String::new();
    let mut tables = 0;
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
    );
    escape_into(&mut out, doc_title);
    out.push_str("</title>\n</head>\n<body>\n<div class=\"content\">\n");
    for block in blocks {
        match block {
            Block::Line { pieces } => {
                out.push_str("<p>");
                for (i, p) in pieces.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    text_into(&mut out, &p.text);
                }
                out.push_str("</p>\n");
            }
            Block::Table { grid } => {
                let given = spans.get(tables).map_or(&[][..], Vec::as_slice);
                table_into(&mut out, &grid.rows, given);
                tables += 1;
            }
            Block::PageBreak { .. } => {}
        }
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

fn table_into(out: &mut String, rows: &[Vec<GridCell>], given: &[Span]) {
    let spans = given_spans(rows, given).unwrap_or_else(|| spans(rows));
    out.push_str("<table border=\"1\">\n<tbody>\n");
    for (r, row) in rows.iter().enumerate() {
        out.push_str("<tr>");
        for (c, cell) in row.iter().enumerate() {
            let Some((rs, cs)) = spans[r][c] else {
                continue;
            };
            out.push_str("<td");
            if rs > 1 {
                out.push_str(&format!(" rowspan=\"{rs}\""));
            }
            if cs > 1 {
                out.push_str(&format!(" colspan=\"{cs}\""));
            }
            out.push('>');
            if !cell.covered {
                text_into(out, &cell.text);
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

type Spans = Vec<Vec<Option<(usize, usize)>>>;

/// The given merged cells as [`Spans`], when they tile the grid exactly: each starts
/// at a real cell and covers only covered positions, none overlap, and every covered
/// position is in one. `None` for no spans or spans that are not this grid's.
fn given_spans(rows: &[Vec<GridCell>], given: &[Span]) -> Option<Spans> {
    if given.is_empty() {
        return None;
    }
    let mut out: Spans = rows
        .iter()
        .map(|row| row.iter().map(|c| (!c.covered).then_some((1, 1))).collect())
        .collect();
    let mut claimed: Vec<Vec<bool>> = rows.iter().map(|row| vec![false; row.len()]).collect();
    for s in given {
        if s.rows == 0 || s.columns == 0 {
            return None;
        }
        for y in s.row..s.row.checked_add(s.rows)? {
            for x in s.column..s.column.checked_add(s.columns)? {
                let cell = rows.get(y)?.get(x)?;
                let origin = (y, x) == (s.row, s.column);
                if claimed[y][x] || cell.covered == origin {
                    return None;
                }
                claimed[y][x] = true;
                out[y][x] = origin.then_some((s.rows, s.columns));
            }
        }
    }
    let all_claimed = rows
        .iter()
        .zip(&claimed)
        .all(|(row, cl)| row.iter().zip(cl).all(|(c, &k)| !c.covered || k));
    all_claimed.then_some(out)
}

/// For every grid position: `Some((rowspan, colspan))` where a `<td>` starts, `None`
/// where a merged cell covers it.
///
/// The grid does not say which merged cell a covered position belongs to; any choice
/// that covers every covered position exactly once reads back the same, but not every
/// choice looks the same. A greedy choice in reading order (each real cell takes the
/// covered positions after it in its row, then the rows below — the DOCX writer's
/// choice, which draws the official template's headers as the template does: 总计 two
/// rows high beside 其他) almost always works; when it leaves a covered position
/// unclaimed, a bounded search finds a tiling, and failing that the better of two greedy
/// choices is taken (an unclaimed position — only in a malformed grid — becomes an
/// empty cell).
fn spans(rows: &[Vec<GridCell>]) -> Spans {
    let (a, orphans_a) = assign(rows, false);
    if orphans_a == 0 {
        return a;
    }
    if let Some(exact) = search(rows, SEARCH_STEPS) {
        return exact;
    }
    let (b, orphans_b) = assign(rows, true);
    if orphans_b < orphans_a {
        b
    } else {
        a
    }
}

/// Candidate placements tried by [`search`] before it gives up.
const SEARCH_STEPS: usize = 20_000;
/// Candidate spans considered per cell.
const SEARCH_CANDIDATES: usize = 64;

/// A tiling of the covered positions by rectangles whose top-left positions are the real
/// cells, found by backtracking over the real cells in reading order. A rectangle only
/// covers positions after its cell, so a covered position left unclaimed once the next
/// real cell is reached can never be claimed: that prunes the search.
fn search(rows: &[Vec<GridCell>], mut budget: usize) -> Option<Spans> {
    if rows.is_empty() {
        return Some(Vec::new());
    }
    let origins: Vec<(usize, usize)> = rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, cell)| !cell.covered)
                .map(move |(c, _)| (r, c))
        })
        .collect();
    let mut claimed: Vec<Vec<bool>> = rows.iter().map(|r| vec![false; r.len()]).collect();
    let free = |claimed: &Vec<Vec<bool>>, r: usize, c: usize| {
        rows.get(r)
            .and_then(|row| row.get(c))
            .is_some_and(|cell| cell.covered && !claimed[r][c])
    };
    // Covered positions strictly between two places in reading order, all claimed?
    let settled = |claimed: &Vec<Vec<bool>>, from: (usize, usize), to: Option<(usize, usize)>| {
        let last_row = to.map_or(rows.len().saturating_sub(1), |t| t.0);
        (from.0..=last_row.min(rows.len().saturating_sub(1))).all(|r| {
            let start = if r == from.0 { from.1 } else { 0 };
            let end = match to {
                Some(t) if t.0 == r => t.1,
                _ => rows[r].len(),
            };
            (start..end).all(|c| !rows[r][c].covered || claimed[r][c])
        })
    };
    // Nothing can claim a covered position before the first real cell.
    let first = origins.first().copied();
    if !settled(&claimed, (0, 0), first) {
        return None;
    }
    let set = |claimed: &mut Vec<Vec<bool>>,
               (r, c): (usize, usize),
               (rs, cs): (usize, usize),
               v: bool| {
        for row in &mut claimed[r..r + rs] {
            row[c..c + cs].fill(v);
        }
    };
    struct Frame {
        candidates: Vec<(usize, usize)>,
        next: usize,
        placed: Option<(usize, usize)>,
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    loop {
        if i == origins.len() {
            let mut out: Spans = rows.iter().map(|r| vec![None; r.len()]).collect();
            for (&(r, c), f) in origins.iter().zip(&stack) {
                out[r][c] = f.placed;
            }
            return Some(out);
        }
        let (r, c) = origins[i];
        if stack.len() == i {
            let mut candidates = Vec::new();
            let mut width = 1;
            while width < crate::MAX_COLSPAN && free(&claimed, r, c + width) {
                width += 1;
            }
            'spans: for cs in (1..=width).rev() {
                let mut height = 1;
                while height < crate::MAX_ROWSPAN
                    && (c..c + cs).all(|cc| free(&claimed, r + height, cc))
                {
                    height += 1;
                }
                for rs in (1..=height).rev() {
                    candidates.push((rs, cs));
                    if candidates.len() >= SEARCH_CANDIDATES {
                        break 'spans;
                    }
                }
            }
            stack.push(Frame {
                candidates,
                next: 0,
                placed: None,
            });
        }
        let frame = stack.last_mut()?;
        if let Some(span) = frame.placed.take() {
            set(&mut claimed, (r, c), span, false);
        }
        if frame.next >= frame.candidates.len() || budget == 0 {
            if budget == 0 {
                return None;
            }
            stack.pop();
            i = i.checked_sub(1)?;
            continue;
        }
        budget -= 1;
        let span = frame.candidates[frame.next];
        frame.next += 1;
        set(&mut claimed, (r, c), span, true);
        frame.placed = Some(span);
        if settled(&claimed, (r, c + 1), origins.get(i + 1).copied()) {
            i += 1;
        }
    }
}

fn assign(rows: &[Vec<GridCell>], colspans_first: bool) -> (Spans, usize) {
    let mut claimed: Vec<Vec<bool>> = rows.iter().map(|r| vec![false; r.len()]).collect();
    let mut out: Spans = rows.iter().map(|r| vec![None; r.len()]).collect();
    let free = |claimed: &Vec<Vec<bool>>, r: usize, c: usize| {
        rows.get(r)
            .and_then(|row| row.get(c))
            .is_some_and(|cell| cell.covered && !claimed[r][c])
    };
    // Never wider or taller than the reader accepts.
    let colspan = |claimed: &mut Vec<Vec<bool>>, r: usize, c: usize| {
        claimed[r][c] = true;
        let mut cs = 1;
        while cs < crate::MAX_COLSPAN && free(claimed, r, c + cs) {
            claimed[r][c + cs] = true;
            cs += 1;
        }
        cs
    };
    let rowspan = |claimed: &mut Vec<Vec<bool>>, r: usize, c: usize, cs: usize| {
        let mut rs = 1;
        while rs < crate::MAX_ROWSPAN && (c..c + cs).all(|cc| free(claimed, r + rs, cc)) {
            claimed[r + rs][c..c + cs].fill(true);
            rs += 1;
        }
        rs
    };
    if colspans_first {
        for (r, row) in rows.iter().enumerate() {
            for c in 0..row.len() {
                if !row[c].covered {
                    out[r][c] = Some((1, colspan(&mut claimed, r, c)));
                }
            }
        }
        for (r, row) in out.iter_mut().enumerate() {
            for (c, span) in row.iter_mut().enumerate() {
                if let Some((_, cs)) = *span {
                    *span = Some((rowspan(&mut claimed, r, c, cs), cs));
                }
            }
        }
    } else {
        for (r, row) in rows.iter().enumerate() {
            for c in 0..row.len() {
                if !row[c].covered {
                    let cs = colspan(&mut claimed, r, c);
                    out[r][c] = Some((rowspan(&mut claimed, r, c, cs), cs));
                }
            }
        }
    }
    let mut orphans = 0;
    for (r, row) in claimed.iter().enumerate() {
        for (c, taken) in row.iter().enumerate() {
            if !taken {
                out[r][c] = Some((1, 1));
                orphans += 1;
            }
        }
    }
    (out, orphans)
}

/// Text with newlines as `<br>`.
fn text_into(out: &mut String, text: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        escape_into(out, line);
    }
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '\r' => {}
            c => out.push(c),
        }
    }
}
