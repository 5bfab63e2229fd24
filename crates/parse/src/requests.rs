//! Table 三 — 收到和处理政府信息公开申请情况.
//!
//! Rows are found by their labels, in template order, tolerating wrapped labels,
//! group labels in front, repeated headers and typos. A row that lost one value in
//! conversion (6 numbers for 7 columns) is completed only when the table's own
//! arithmetic determines the missing value; the completed cell is marked inferred
//! and reported as a doubt, never silently.

use std::sync::LazyLock;

use gongkai_model::schema::{
    request_rows, RequestColumn, RequestRowDef, RequestRowKey, RowEdition, ValueKind, REQUEST_ROWS,
};
use gongkai_model::{
    identity, Cell, CellRef, Doubt, DoubtKind, Located, Origin, RequestRow, RequestTable,
};

use crate::cells::{trim_empty, Ctx};
use crate::similarity::{core, core_chars, lcs, tail_score};
use crate::split;
use crate::tokens::{Tok, TokKind};

/// How far ahead of the last matched row a label may be matched.
const WINDOW: usize = 12;
const MIN_SCORE: f32 = 0.74;

struct RawRow {
    key: RequestRowKey,
    /// Span of the label text (last label token) for provenance.
    label: Option<Tok>,
    label_text: String,
    vals: Vec<Tok>,
}

impl RawRow {
    /// Row `i` of the template, its label printed without values (blank cells).
    fn printed_blank(i: usize) -> RawRow {
        RawRow {
            key: REQUEST_ROWS[i].key,
            label: None,
            label_text: REQUEST_ROWS[i].label.to_string(),
            vals: Vec::new(),
        }
    }
}

/// The cores of every row's label and aliases, indexed like `REQUEST_ROWS`, computed once.
static LABEL_CORES: LazyLock<Vec<Vec<Vec<char>>>> = LazyLock::new(|| {
    REQUEST_ROWS
        .iter()
        .map(|def| {
            std::iter::once(def.label)
                .chain(def.aliases.iter().copied())
                .map(core)
                .collect()
        })
        .collect()
});

fn label_cores(def: &RequestRowDef) -> &'static [Vec<char>] {
    &LABEL_CORES[def.key as usize]
}

fn score(def: &RequestRowDef, pending: &[char]) -> f32 {
    label_cores(def)
        .iter()
        .map(|l| tail_score(l, pending).max(fragment_score(l, pending)))
        .fold(0.0, f32::max)
}

/// A label cut short by a converter ("行政机关不再处理其政府信息公"): the pending text
/// is a fragment of the label. Scores just above the threshold when at least eight
/// chars of pending text all lie, in order, within the label.
fn fragment_score(label: &[char], pending: &[char]) -> f32 {
    let take = pending.len().min(label.len());
    if take < 8 {
        return 0.0;
    }
    let tail = &pending[pending.len() - take..];
    if lcs(label, tail) == take {
        MIN_SCORE + 0.05
    } else {
        0.0
    }
}

/// The best row for the pending label text, searching the rows after `last`.
fn match_row(pending: &[char], last: Option<usize>) -> Option<usize> {
    let from = last.map_or(0, |i| i + 1);
    // Fast path: the pending text ends with a label exactly. The first such row in the
    // window scores 1.0 with the fewest rows skipped, which the full search would pick too.
    let window_end = (from + WINDOW).min(REQUEST_ROWS.len());
    if let Some(i) = (from..window_end).find(|&i| {
        LABEL_CORES[i]
            .iter()
            .any(|l| !l.is_empty() && pending.ends_with(l))
    }) {
        return Some(i);
    }
    let pick = |range: std::ops::Range<usize>| -> Option<(usize, f32)> {
        range
            .filter(|i| *i < REQUEST_ROWS.len())
            .map(|i| {
                let skipped = i - range_start(from, i);
                (i, score(&REQUEST_ROWS[i], pending) - 0.01 * skipped as f32)
            })
            .filter(|(_, s)| *s >= MIN_SCORE)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    };
    fn range_start(from: usize, i: usize) -> usize {
        from.min(i)
    }
    pick(from..from + WINDOW)
        .or_else(|| pick(0..REQUEST_ROWS.len()))
        .map(|(i, _)| i)
}

/// Where the label of row `i` appears in the pending text, if it does: exactly, or
/// garbled (its first three chars in place and 80 % of it in order after them — PDF
/// converters interleave neighbouring cells' text into wrapped labels).
fn label_position(i: usize, pending: &[char]) -> Option<usize> {
    LABEL_CORES[i]
        .iter()
        .filter(|l| l.len() >= 4)
        .filter_map(|l| {
            let head = &l[..3];
            let p = pending.windows(3).position(|w| w == head)?;
            let take = (l.len() + l.len() / 3 + 2).min(pending.len() - p);
            (lcs(l, &pending[p..p + take]) * 5 >= l.len() * 4).then_some(p)
        })
        .min()
}

/// A stretch of value tokens between label text.
struct Run {
    toks: Vec<Tok>,
    /// No label text before it on its first line: the values stand on their own line.
    own_line: bool,
}

/// Items of a table region: label text, and runs of values.
enum Item {
    Text(Tok),
    Values(Run),
}

/// Split the tokens into label text and value runs. A line that starts with two or
/// more values begins a new run even without text between: it is a row of its own
/// (a label-less value row of a PDF-to-Markdown conversion).
fn items(toks: &[Tok]) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        if tok.kind == TokKind::Text {
            out.push(Item::Text(tok.clone()));
            i += 1;
            continue;
        }
        let line_start = i == 0 || toks[i - 1].line != tok.line;
        let starts_row_line = line_start && {
            let line = tok.line;
            let on_line: Vec<&Tok> = toks[i..].iter().take_while(|t| t.line == line).collect();
            on_line.iter().all(|t| t.kind != TokKind::Text)
                && on_line.iter().filter(|t| t.kind != TokKind::Empty).count() >= 2
        };
        // A run of one value per line (one cell per line) goes on through a line that holds
        // two: two cells' lines run together, not a new row.
        let cell_per_line = matches!(out.last(), Some(Item::Values(run))
            if run.toks.len() >= 2 && run.toks.windows(2).all(|w| w[0].line < w[1].line));
        let continue_run =
            matches!(out.last(), Some(Item::Values(_))) && (!starts_row_line || cell_per_line);
        if continue_run {
            if let Some(Item::Values(run)) = out.last_mut() {
                run.toks.push(tok.clone());
            }
        } else {
            // Own line: nothing but empty cells before it on its line.
            let own_line = toks[..i]
                .iter()
                .rev()
                .take_while(|t| t.line == tok.line)
                .all(|t| t.kind == TokKind::Empty);
            out.push(Item::Values(Run {
                toks: vec![tok.clone()],
                own_line,
            }));
        }
        i += 1;
    }
    out
}

/// Read table 三 from the tokens of its region. `None` when no row was found.
///
/// Values on the same line as a label belong to that label (matched on the tail of
/// the text before them). A row of values on a line of its own belongs to the oldest
/// label seen without values — converters print several labels together and then
/// their value rows. A value row with no label at all takes the next row of the
/// template, and is reported as a doubt.
pub fn read(ctx: &Ctx, toks: &[Tok], doubts: &mut Vec<Doubt>) -> Option<RequestTable> {
    let mut rows: Vec<RawRow> = Vec::new();
    let mut pending: Vec<Tok> = Vec::new();
    // Rows whose labels were seen without values, in template order.
    let mut queue: Vec<usize> = Vec::new();
    let mut last: Option<usize> = None;
    let filled = |rows: &[RawRow], i: usize| rows.iter().any(|r| r.key == REQUEST_ROWS[i].key);

    for item in items(toks) {
        let run = match item {
            Item::Text(t) => {
                pending.push(t);
                continue;
            }
            Item::Values(run) => run,
        };
        let pending_core: Vec<char> = pending
            .iter()
            .flat_map(|t| core_chars(t.text(ctx.text)))
            .collect();
        let pending_text: String = pending.iter().map(|t| t.text(ctx.text)).collect();
        let vals = trim_empty(&run.toks);
        let nums = vals.iter().filter(|t| t.kind == TokKind::Num).count();
        let non_empty = vals.iter().filter(|t| t.kind != TokKind::Empty).count();
        if non_empty == 0 && run.toks.len() < 7 {
            // Empty cells between header texts.
            continue;
        }
        // Fewer tokens than a row may still be a row whose cells ran together.
        let digit_count: usize = vals.iter().map(|t| split::digit_count(ctx.text, t)).sum();
        // Too few digits for a row, printed right after a row's label: the row's values,
        // unreadable (left unread below), not a stray number — and never "printed blank".
        let after_label = !run.own_line
            && !pending.is_empty()
            && vals.iter().all(|t| t.kind == TokKind::Num)
            && match_row(&pending_core, last).is_some();
        if (1..5).contains(&vals.len()) && digit_count < 7 && !after_label {
            // A stray number or two (a displaced cell, a header footnote): not a row.
            if nums > 0 {
                let printed: Vec<&str> = vals.iter().map(|t| t.text(ctx.text)).collect();
                doubts.push(Doubt {
                    kind: DoubtKind::UnrecognisedRow,
                    message: format!(
                        "表三中有孤立的数值「{}」，不属于任何一行，未采用",
                        printed.join(" ")
                    ),
                    location: vals.first().map(|t| ctx.loc(t)),
                    cells: Vec::new(),
                    notes: Vec::new(),
                });
            }
            // The text before it still labels what follows.
            continue;
        }

        // Labels in the pending text that are not rows yet join the queue.
        let from = last.map_or(0, |l| l + 1);
        let mut seen: Vec<(usize, usize)> = (from..(from + WINDOW).min(REQUEST_ROWS.len()))
            .filter(|&i| !filled(&rows, i) && !queue.contains(&i))
            .filter_map(|i| label_position(i, &pending_core).map(|p| (p, i)))
            .collect();
        // "（六）其他处理" in front of its own sub-rows is their group label, not the 2019 row.
        let other_handling = RequestRowKey::OtherHandling as usize;
        if seen
            .iter()
            .any(|&(_, i)| REQUEST_ROWS[i].edition == RowEdition::Only2021)
        {
            seen.retain(|&(_, i)| i != other_handling);
        }
        seen.sort_unstable();

        // Split a run of several rows' values (7 each).
        let chunks: Vec<Vec<Tok>> = if vals.len() > 7
            && vals.len().is_multiple_of(7)
            && vals.iter().all(|t| t.kind != TokKind::Text)
        {
            vals.chunks(7).map(<[Tok]>::to_vec).collect()
        } else {
            vec![vals.to_vec()]
        };
        for (j, chunk) in chunks.into_iter().enumerate() {
            let same_line_label = j == 0 && !run.own_line && !pending.is_empty();
            let target = if same_line_label {
                match_row(&pending_core, last).map(|i| (i, true))
            } else {
                None
            };
            let target = target.or_else(|| {
                // The oldest label waiting for values (queued before, or seen now).
                let mut waiting: Vec<usize> = queue.clone();
                waiting.extend(seen.iter().map(|&(_, i)| i));
                waiting.retain(|&i| !filled(&rows, i));
                waiting.first().map(|&i| (i, true))
            });
            let target = target.or_else(|| {
                if j == 0 && !pending.is_empty() {
                    match_row(&pending_core, last).map(|i| (i, true))
                } else {
                    // No label at all: the next row of the template.
                    next_expected(&rows, last).map(|i| (i, false))
                }
            });
            let Some((i, labelled)) = target else {
                if nums > 0 {
                    let shown: String = pending_text
                        .chars()
                        .rev()
                        .take(40)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect();
                    doubts.push(Doubt {
                        kind: DoubtKind::UnrecognisedRow,
                        message: format!(
                            "表三中有一行无法对应到标准格式的任何一行：「{}」",
                            shown.trim()
                        ),
                        location: pending
                            .last()
                            .map(|t| ctx.loc(t))
                            .or_else(|| chunk.first().map(|t| ctx.loc(t))),
                        cells: Vec::new(),
                        notes: Vec::new(),
                    });
                }
                continue;
            };
            queue.retain(|&q| q != i);
            if same_line_label {
                // A later row printed with its values beside its label: the labels still
                // waiting above it were printed without values (blank), not with value
                // rows to come — a value row below belongs to a label near it.
                let above: Vec<usize> = queue
                    .iter()
                    .copied()
                    .chain(seen.iter().map(|&(_, q)| q))
                    .filter(|&q| q < i)
                    .collect();
                for q in above {
                    if !filled(&rows, q) {
                        rows.push(RawRow::printed_blank(q));
                    }
                }
                queue.retain(|&q| q > i);
            }
            if filled(&rows, i) {
                if nums > 0 {
                    doubts.push(Doubt {
                        kind: DoubtKind::UnrecognisedRow,
                        message: format!(
                            "表三「{}」行重复出现，后一次未采用",
                            REQUEST_ROWS[i].short
                        ),
                        location: chunk.first().map(|t| ctx.loc(t)),
                        cells: Vec::new(),
                        notes: Vec::new(),
                    });
                }
                continue;
            }
            if !labelled {
                doubts.push(Doubt {
                    kind: DoubtKind::PlacedByLayout,
                    message: format!(
                        "表三有一行数值旁没有印出标签，按标准格式的行序归入「{}」",
                        REQUEST_ROWS[i].short
                    ),
                    location: chunk.first().map(|t| ctx.loc(t)),
                    cells: Vec::new(),
                    notes: Vec::new(),
                });
            }
            last = Some(last.map_or(i, |l| l.max(i)));
            rows.push(RawRow {
                key: REQUEST_ROWS[i].key,
                label: if labelled {
                    pending.last().cloned()
                } else {
                    None
                },
                label_text: if labelled {
                    pending_text.clone()
                } else {
                    String::new()
                },
                vals: chunk,
            });
        }
        // Labels seen now and not used wait for value rows on their own lines.
        for (_, i) in seen {
            if !filled(&rows, i) && !queue.contains(&i) {
                queue.push(i);
            }
        }
        queue.sort_unstable();
        pending.clear();
    }
    // Labels that never got values were printed with none (blank in a space layout).
    for i in queue {
        if !filled(&rows, i) {
            rows.push(RawRow::printed_blank(i));
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(build(ctx, rows, doubts))
}

/// The first row of the template after `last` not read yet (either layout of （六）).
fn next_expected(rows: &[RawRow], last: Option<usize>) -> Option<usize> {
    let from = last.map_or(0, |l| l + 1);
    // The single 2019 （六） row only once the table is known to use it; else the 2021 sub-rows.
    let single = rows.iter().any(|r| r.key == RequestRowKey::OtherHandling);
    (from..REQUEST_ROWS.len()).find(|&i| {
        let def = &REQUEST_ROWS[i];
        let in_layout = match def.edition {
            RowEdition::Both => true,
            RowEdition::Only2021 => !single,
            RowEdition::Only2019 => single,
        };
        in_layout && !rows.iter().any(|r| r.key == def.key)
    })
}

/// One cell per line, where a blank cell is only an empty line: the regular number of
/// lines each cell and each row takes, learned from the rows that printed all 7 values.
struct LineGrid {
    /// Lines from a row's label to its first value.
    first: usize,
    /// Lines from one value to the next.
    stride: usize,
    /// Lines from a row's label to the next row's label, when regular.
    span: Option<usize>,
}

/// Where a short row's values go.
enum Placement {
    /// The column of each printed value; the other columns are blank.
    Cells(Vec<usize>),
    /// Empty lines show the values are not in order of the columns: do not guess.
    Unplaceable,
}

impl LineGrid {
    /// The grid, when at least two full rows agree on it (each value on its own line).
    /// `label_lines`: the lines of the rows' labels, sorted.
    fn learn(raw: &[RawRow], label_lines: &[usize]) -> Option<LineGrid> {
        let mut seen: Vec<(usize, usize, Option<usize>)> = Vec::new();
        for r in raw {
            let (Some(label), vals) = (r.label.as_ref(), trim_empty(&r.vals)) else {
                continue;
            };
            if vals.len() != 7 || vals.iter().any(|t| t.kind != TokKind::Num) {
                continue;
            }
            let lines: Vec<usize> = vals.iter().map(|t| t.line).collect();
            if lines[0] <= label.line || lines.windows(2).any(|w| w[1] <= w[0]) {
                return None; // values share lines: not this layout
            }
            let stride = lines[1] - lines[0];
            if lines.windows(2).any(|w| w[1] - w[0] != stride) {
                continue;
            }
            let next = label_lines.iter().copied().find(|&l| l > label.line);
            seen.push((lines[0] - label.line, stride, next.map(|n| n - label.line)));
        }
        let (first, stride, _) = *seen.first()?;
        if seen.len() < 2 || seen.iter().any(|s| s.0 != first || s.1 != stride) {
            return None;
        }
        let spans: Vec<usize> = seen.iter().filter_map(|s| s.2).collect();
        let span = spans
            .first()
            .copied()
            .filter(|&sp| spans.iter().all(|&x| x == sp));
        Some(LineGrid {
            first,
            stride,
            span,
        })
    }

    /// Place the values of a row with 1 to 6 values, each on its own line, whose lines
    /// leave room for the missing cells. `None` when the row does not take this layout's
    /// evidence (values sharing lines, no empty line where a cell should be).
    fn place(&self, label: usize, next_label: Option<usize>, vals: &[Tok]) -> Option<Placement> {
        if vals.is_empty() || vals.len() >= 7 || vals.iter().any(|t| t.kind != TokKind::Num) {
            return None;
        }
        let lines: Vec<usize> = vals.iter().map(|t| t.line).collect();
        if lines[0] <= label || lines.windows(2).any(|w| w[1] <= w[0]) {
            return None;
        }
        let span = next_label.map(|n| n - label);
        // The row takes the full grid (to the next label) or has empty lines between its
        // values: blank cells are empty lines. Otherwise a cell may have been lost.
        let row_lines = self.first + 6 * self.stride;
        let gaps =
            lines.windows(2).any(|w| w[1] - w[0] != self.stride) || lines[0] - label != self.first;
        let full_span = span.is_some() && span == self.span;
        if !gaps && !full_span {
            // One line short of a full row: a cell was lost, not printed blank — the
            // table's arithmetic may complete it. Anything else is not known.
            let lost = matches!((span, self.span), (Some(a), Some(b)) if a + self.stride == b);
            return (!lost).then_some(Placement::Unplaceable);
        }
        let mut positions = Vec::with_capacity(vals.len());
        for &l in &lines {
            let off = l - label;
            if off < self.first
                || !(off - self.first).is_multiple_of(self.stride)
                || off > row_lines
            {
                return Some(Placement::Unplaceable);
            }
            positions.push((off - self.first) / self.stride);
        }
        // Blank cells after the last value are known only from where the next row starts.
        let trailing = positions.last().is_some_and(|&p| p < 6);
        if trailing && !full_span {
            return Some(Placement::Unplaceable);
        }
        Some(Placement::Cells(positions))
    }
}

/// A row's cells before the table is solved.
enum RowCells {
    Known(Box<[Cell; 7]>),
    /// The printed values do not fall one to a column: the readings the row's own total
    /// allows, for the table's arithmetic to choose from.
    Open(Open),
    Unknown,
}

/// Why a row's values do not fall one to a column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OpenWhy {
    /// Six numbers for seven columns: one value was lost in conversion.
    LostOne,
    /// Cells printed without separators ("21710000218").
    RunTogether,
    /// Six numbers: one cell lost, or two run together — each is possible.
    LostOrRunTogether,
}

struct Open {
    why: OpenWhy,
    /// The values as printed, for messages.
    printed: Vec<String>,
    cands: Vec<Candidate>,
}

/// One reading of an open row.
struct Candidate {
    values: [i64; 7],
    /// The printed token of each cell; `None` for the lost one (completed from the
    /// arithmetic). Cells are made only for the reading chosen.
    toks: [Option<Tok>; 7],
    /// For a lost value: the columns it may sit in (each gives this same row).
    positions: Vec<usize>,
}

/// The readings of a row whose printed values are not one per column: six numbers (one
/// lost), or fewer tokens than columns / a token with a leading zero (cells run together).
/// `None` when neither applies, or the run is too long to weigh.
fn open_row(ctx: &Ctx, vals: &[Tok]) -> Option<Open> {
    if vals.is_empty() || vals.len() > 7 || !vals.iter().all(|t| t.kind == TokKind::Num) {
        return None;
    }
    let printed: Vec<String> = vals.iter().map(|t| t.text(ctx.text).to_string()).collect();
    let leading_zero = vals.iter().any(|t| split::has_leading_zero(ctx.text, t));
    // Six numbers: one cell lost, or two cells run together into one number ("1 0" →
    // "10"); both are weighed when a number could hold two cells.
    let lost_one = vals.len() == 6 && !leading_zero;
    let run_together = !lost_one || vals.iter().any(|t| split::digit_count(ctx.text, t) >= 2);
    let mut cands: Vec<Candidate> = Vec::new();
    if lost_one {
        let nums: Vec<i64> = vals
            .iter()
            .map(|t| ctx.cell(t, ValueKind::Count).int())
            .collect::<Option<_>>()?;
        cands.extend(candidates(&nums).into_iter().map(|(values, positions)| {
            let p = positions[0];
            let mut printed = vals.iter();
            let toks = std::array::from_fn(|col| {
                if col == p {
                    None
                } else {
                    printed.next().cloned()
                }
            });
            Candidate {
                values,
                toks,
                positions,
            }
        }));
    }
    if run_together {
        let row_values = |r: &[Tok]| -> Option<[i64; 7]> {
            let v: Vec<i64> = r
                .iter()
                .map(|t| ctx.cell(t, ValueKind::Count).int())
                .collect::<Option<_>>()?;
            let row: [i64; 7] = std::array::from_fn(|i| v[i]);
            identity::request_row_balanced(&row).then_some(row)
        };
        let readings = split::readings(ctx.text, vals, 7, |r| row_values(r).is_some()).ok()?;
        for r in readings {
            let Some(values) = row_values(&r) else {
                continue;
            };
            // The same values either way: one reading.
            if cands.iter().any(|c| c.values == values) {
                continue;
            }
            cands.push(Candidate {
                values,
                toks: std::array::from_fn(|i| r.get(i).cloned()),
                positions: Vec::new(),
            });
        }
    }
    let why = match (lost_one, cands.iter().any(|c| c.positions.is_empty())) {
        (true, true) => OpenWhy::LostOrRunTogether,
        (true, false) => OpenWhy::LostOne,
        _ => OpenWhy::RunTogether,
    };
    Some(Open {
        why,
        printed,
        cands,
    })
}

fn build(ctx: &Ctx, raw: Vec<RawRow>, doubts: &mut Vec<Doubt>) -> RequestTable {
    let split = !raw.iter().any(|r| r.key == RequestRowKey::OtherHandling)
        || raw.iter().any(|r| {
            matches!(
                r.key,
                RequestRowKey::OtherNoCorrection | RequestRowKey::OtherFeeUnpaid
            )
        });
    let mut label_lines: Vec<usize> = raw
        .iter()
        .filter_map(|r| r.label.as_ref().map(|t| t.line))
        .collect();
    label_lines.sort_unstable();
    let grid = LineGrid::learn(&raw, &label_lines);
    let mut rows: Vec<(RawRow, RowCells)> = Vec::new();
    for r in raw {
        let def = r.key.def();
        let in_layout = match def.edition {
            RowEdition::Both => true,
            RowEdition::Only2021 => split,
            RowEdition::Only2019 => !split,
        };
        if !in_layout {
            doubts.push(Doubt {
                kind: DoubtKind::UnrecognisedRow,
                message: format!(
                    "表三「{}」行与本表（六）其他处理的格式不一致，未采用",
                    def.short
                ),
                location: r.label.as_ref().map(|t| ctx.loc(t)),
                cells: Vec::new(),
                notes: Vec::new(),
            });
            continue;
        }
        // All cells empty (one cell per line, "\t" lines): printed blanks, with their places.
        let all_empty = r.vals.len() >= 7 && r.vals.iter().all(|t| t.kind == TokKind::Empty);
        let mut vals = if all_empty {
            r.vals[..7].to_vec()
        } else {
            trim_empty(&r.vals).to_vec()
        };
        // A blank sub-label cell between the label and its 7 values ("（七）总计 | | 95 …").
        while vals.len() > 7 && vals[0].kind == TokKind::Blank {
            let numbers_after = vals[1..].iter().filter(|t| t.kind == TokKind::Num).count();
            if numbers_after < 7 && vals.len() - 1 > 7 {
                break;
            }
            vals.remove(0);
        }
        let mut unplaceable = false;
        let placed = grid.as_ref().and_then(|g| {
            let label = r.label.as_ref()?.line;
            let next = label_lines.iter().copied().find(|&l| l > label);
            g.place(label, next, &vals)
        });
        let cells = if let Some(placed) = placed {
            match placed {
                Placement::Cells(positions) => {
                    doubts.push(Doubt {
                        kind: DoubtKind::PlacedByLayout,
                        message: format!(
                            "表三「{}」行只印出{}个数值，其余单元格只是空行：按每格所占的行数归入各列，空行为空白单元格",
                            def.short,
                            vals.len()
                        ),
                        location: r.label.as_ref().map(|t| ctx.loc(t)),
                        cells: Vec::new(),
                        notes: vec![format!(
                            "空白的列：{}",
                            (0..7)
                                .filter(|c| !positions.contains(c))
                                .map(|c| RequestColumn::ALL[c].label())
                                .collect::<Vec<_>>()
                                .join("、")
                        )],
                    });
                    let mut cells: [Cell; 7] = std::array::from_fn(|_| Cell::blank(None));
                    for (tok, &p) in vals.iter().zip(&positions) {
                        cells[p] = ctx.cell(tok, ValueKind::Count);
                    }
                    RowCells::Known(Box::new(cells))
                }
                Placement::Unplaceable => {
                    unplaceable = true;
                    RowCells::Unknown
                }
            }
        } else if vals.is_empty() {
            RowCells::Known(Box::new(std::array::from_fn(|_| Cell::blank(None))))
        } else if vals.len() == 7
            || (vals.len() > 7 && vals[7..].iter().all(|t| t.kind != TokKind::Num))
        {
            RowCells::Known(Box::new(std::array::from_fn(|i| {
                ctx.cell(&vals[i], ValueKind::Count)
            })))
        } else if let Some(open) = open_row(ctx, &vals) {
            RowCells::Open(open)
        } else {
            RowCells::Unknown
        };
        if matches!(cells, RowCells::Unknown) {
            let printed: Vec<&str> = vals.iter().map(|t| t.text(ctx.text)).collect();
            doubts.push(Doubt {
                kind: DoubtKind::AmbiguousRow,
                message: if unplaceable {
                    format!(
                        "表三「{}」行只印出{}个数值，中间的空行与其他行每格所占的行数对不上，无法确定各自所属的列，未采用",
                        def.short,
                        vals.len()
                    )
                } else {
                    format!(
                        "表三「{}」行应有7个数值，读到{}个，无法确定各自所属的列，未采用",
                        def.short,
                        vals.len()
                    )
                },
                location: r.label.as_ref().map(|t| ctx.loc(t)),
                cells: Vec::new(),
                notes: vec![format!("读到的数值：{}", printed.join(" "))],
            });
        }
        rows.push((r, cells));
    }

    solve_open_rows(ctx, &mut rows, doubts);

    let mut table = RequestTable::default();
    for (r, cells) in rows {
        let cells = match cells {
            RowCells::Known(c) => *c,
            RowCells::Open(_) | RowCells::Unknown => std::array::from_fn(|_| Cell::not_found()),
        };
        table.rows.push(RequestRow {
            key: r.key,
            label: r
                .label
                .as_ref()
                .map(|t| Located::new(r.label_text.trim().to_string(), Some(ctx.loc(t)))),
            cells,
        });
    }
    // Rows of the layout never found.
    let order = |k: RequestRowKey| k as usize;
    table.rows.sort_by_key(|r| order(r.key));
    for def in request_rows(split) {
        if table.row(def.key).is_none() {
            doubts.push(Doubt {
                kind: DoubtKind::RowNotFound,
                message: format!("表三未找到「{}」行", def.short),
                location: None,
                cells: Vec::new(),
                notes: Vec::new(),
            });
        }
    }
    table
}

/// Candidate full rows for 6 printed numbers: the lost value inserted at each
/// position, its value fixed by the row total. Equal arrays are one candidate.
fn candidates(nums: &[i64]) -> Vec<([i64; 7], Vec<usize>)> {
    let mut out: Vec<([i64; 7], Vec<usize>)> = Vec::new();
    for p in 0..7 {
        let mut row = [0i64; 7];
        let mut k = 0;
        for (c, slot) in row.iter_mut().enumerate() {
            if c != p {
                *slot = nums[k];
                k += 1;
            }
        }
        // The lost value is what the row total leaves (checked: numbers come from documents).
        let parts = identity::sum(row[..6].iter().copied());
        let lost = if p == 6 {
            parts
        } else {
            i128::from(row[6]) - parts
        };
        let Ok(lost) = i64::try_from(lost) else {
            continue;
        };
        row[p] = lost;
        if lost < 0 || !identity::request_row_balanced(&row) {
            continue;
        }
        match out.iter_mut().find(|(r, _)| *r == row) {
            Some((_, ps)) => ps.push(p),
            None => out.push((row, vec![p])),
        }
    }
    out
}

/// Choose a reading for every open row using every identity of the table: row totals
/// (in the readings), 一+二 = （七）+四 and （七） = Σ outcome rows. A row is decided when
/// it has one reading, or when every solution of the whole table gives it the same one.
fn solve_open_rows(ctx: &Ctx, rows: &mut [(RawRow, RowCells)], doubts: &mut Vec<Doubt>) {
    let mut open: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| matches!(c, RowCells::Open(_)))
        .map(|(i, _)| i)
        .collect();
    // Decide 一, 二, （七） and 四 first: they bound every outcome row, so the search
    // prunes early.
    open.sort_by_key(|&i| (rows[i].0.key.def().is_outcome, rows[i].0.key as usize));
    if open.is_empty() {
        return;
    }
    let cands: Vec<Vec<[i64; 7]>> = open
        .iter()
        .map(|&i| match &rows[i].1 {
            RowCells::Open(o) => o.cands.iter().map(|c| c.values).collect(),
            _ => Vec::new(),
        })
        .collect();
    let keys: Vec<RequestRowKey> = open.iter().map(|&i| rows[i].0.key).collect();
    let all_keys: Vec<RequestRowKey> = rows.iter().map(|(r, _)| r.key).collect();
    let fixed: Vec<(RequestRowKey, [Option<i64>; 7])> = rows
        .iter()
        .filter_map(|(r, c)| match c {
            RowCells::Known(cells) => Some((r.key, std::array::from_fn(|i| cells[i].int()))),
            _ => None,
        })
        .collect();

    let mut solver = Solver {
        keys: &keys,
        cands: &cands,
        fixed: &fixed,
        choice: vec![0; keys.len()],
        solutions: Vec::new(),
        nodes: 0,
        complete: true,
        settled: false,
        outcome: all_keys
            .iter()
            .copied()
            .filter(|k| k.def().is_outcome)
            .collect(),
    };
    solver.search(0);
    let (solutions, complete) = (solver.solutions, solver.complete);

    let mut split_notes: Vec<String> = Vec::new();
    let mut split_location = None;
    for (n, &ri) in open.iter().enumerate() {
        let (raw, cells) = &mut rows[ri];
        let def = raw.key.def();
        let RowCells::Open(o) = cells else { continue };
        let agreed = complete
            && solutions
                .first()
                .is_some_and(|first| solutions.iter().all(|s| s[n] == first[n]));
        let chosen = if o.cands.len() == 1 {
            Some(0)
        } else if agreed {
            solutions.first().map(|s| s[n])
        } else {
            None
        };
        let location = raw.label.as_ref().map(|t| ctx.loc(t));
        let Some(c) = chosen else {
            doubts.push(undecided_doubt(def, o, &solutions, n, complete, location));
            *cells = RowCells::Unknown;
            continue;
        };
        let cand = o.cands.swap_remove(c);
        let by_table = o.cands.len() + 1 > 1;
        match cand.positions.is_empty() {
            false => doubts.push(lost_one_doubt(def, &cand, by_table, location)),
            true => {
                split_location = split_location.or(location);
                let shown: Vec<String> = cand.values.iter().map(i64::to_string).collect();
                split_notes.push(format!(
                    "「{}」{} → {}{}",
                    def.short,
                    o.printed.join(" "),
                    shown.join(" | "),
                    if by_table {
                        "（由各列勾稽关系确定）"
                    } else {
                        ""
                    }
                ));
            }
        }
        let made: [Cell; 7] = std::array::from_fn(|col| match &cand.toks[col] {
            Some(t) => ctx.cell(t, ValueKind::Count),
            None => Cell {
                value: Some(gongkai_model::Value::Count(cand.values[col])),
                printed: None,
                origin: Origin::Inferred,
                location: None,
            },
        });
        *cells = RowCells::Known(Box::new(made));
    }
    if !split_notes.is_empty() {
        doubts.push(Doubt {
            kind: DoubtKind::SplitRun,
            message: format!(
                "表三有{}行的数字连在一起印出，按行合计和各列勾稽关系唯一拆开",
                split_notes.len()
            ),
            location: split_location,
            cells: Vec::new(),
            notes: split_notes,
        });
    }
}

/// The doubt for a row no identity decides: its values stay unread.
fn undecided_doubt(
    def: &RequestRowDef,
    o: &Open,
    solutions: &[Vec<usize>],
    n: usize,
    complete: bool,
    location: Option<gongkai_model::Location>,
) -> Doubt {
    let printed = o.printed.join(" ");
    let shown = |v: &[i64; 7]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(" | ");
    let (message, notes) = match o.why {
        OpenWhy::LostOne => (
            format!(
                "表三「{}」行只有6个数值，缺失的一列无法由表内勾稽关系唯一确定，未采用",
                def.short
            ),
            vec![format!("读到的数值：{printed}")],
        ),
        OpenWhy::RunTogether if o.cands.is_empty() => (
            format!(
                "表三「{}」行的数字连在一起印出（「{printed}」），没有一种拆法符合该行合计，未采用",
                def.short
            ),
            Vec::new(),
        ),
        OpenWhy::RunTogether | OpenWhy::LostOrRunTogether => {
            // The readings the whole table still allows (all of the row's, when the table
            // has no solution or was not searched to the end).
            let mut possible: Vec<usize> = if complete && !solutions.is_empty() {
                solutions.iter().map(|s| s[n]).collect()
            } else {
                (0..o.cands.len()).collect()
            };
            possible.sort_unstable();
            possible.dedup();
            let mut notes: Vec<String> = possible
                .iter()
                .take(6)
                .map(|&c| format!("可能的拆法：{}", shown(&o.cands[c].values)))
                .collect();
            if possible.len() > 6 {
                notes.push(format!("……共{}种", possible.len()));
            }
            let what = if o.why == OpenWhy::LostOrRunTogether {
                "只有6个数值（可能缺失一格，也可能两格连在一起）"
            } else {
                "的数字连在一起印出"
            };
            (
                format!(
                    "表三「{}」行{what}（「{printed}」），有{}种读法都符合表内勾稽关系，无法确定，未采用",
                    def.short,
                    possible.len()
                ),
                notes,
            )
        }
    };
    Doubt {
        kind: DoubtKind::AmbiguousRow,
        message,
        location,
        cells: Vec::new(),
        notes,
    }
}

/// The doubt for a lost value completed from the arithmetic.
fn lost_one_doubt(
    def: &RequestRowDef,
    cand: &Candidate,
    by_table: bool,
    location: Option<gongkai_model::Location>,
) -> Doubt {
    let (values, positions) = (&cand.values, &cand.positions);
    let p = positions[0];
    let col = RequestColumn::ALL[p];
    let missing = if positions.len() > 1 {
        let first = RequestColumn::ALL[positions[0]].label();
        let last = RequestColumn::ALL[*positions.last().unwrap_or(&p)].label();
        format!("「{first}」至「{last}」中的一列")
    } else {
        format!("「{}」列", col.label())
    };
    let mut notes = vec![format!(
        "行合计：{} = {}",
        values[6],
        values[..6]
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    )];
    if positions.len() > 1 {
        let names: Vec<&str> = positions
            .iter()
            .map(|&q| RequestColumn::ALL[q].label())
            .collect();
        notes.push(format!(
            "缺失的单元格可能位于「{}」中任一列；这些列的值相同，读数不受影响",
            names.join("」「")
        ));
    } else if by_table {
        notes.push(
            "由各列勾稽关系（一+二 = （七）+四，（七）= 各办理结果之和）唯一确定".to_string(),
        );
    }
    Doubt {
        kind: DoubtKind::InferredValue,
        message: format!(
            "表三「{}」行只有6个数值，{}未印出，由表内勾稽关系推定为{}",
            def.short, missing, values[p]
        ),
        location,
        cells: vec![CellRef::Request {
            row: def.key,
            column: col,
        }],
        notes,
    }
}

const NODE_LIMIT: usize = 200_000;
/// Solutions of the whole table kept to see which rows they agree on.
const SOLUTION_LIMIT: usize = 64;

struct Solver<'a> {
    keys: &'a [RequestRowKey],
    cands: &'a [Vec<[i64; 7]>],
    fixed: &'a [(RequestRowKey, [Option<i64>; 7])],
    choice: Vec<usize>,
    solutions: Vec<Vec<usize>>,
    nodes: usize,
    /// False when the search stopped early (too many nodes or solutions).
    complete: bool,
    /// The outcome rows of the table, whose sum is （七）.
    outcome: Vec<RequestRowKey>,
    /// Every row with a choice is known to be undecidable: nothing more to learn.
    settled: bool,
}

impl Solver<'_> {
    fn value(&self, key: RequestRowKey, depth: usize) -> Option<[Option<i64>; 7]> {
        if let Some((_, v)) = self.fixed.iter().find(|(k, _)| *k == key) {
            return Some(*v);
        }
        let n = self.keys.iter().position(|k| *k == key)?;
        if n >= depth {
            return None; // not chosen yet
        }
        let row = self.cands[n][self.choice[n]];
        Some(row.map(Some))
    }

    /// Are the identities that can be evaluated so far satisfied (or possibly satisfiable)?
    fn consistent(&self, depth: usize) -> bool {
        use RequestRowKey::*;
        let get = |k| self.value(k, depth);
        let total = get(TotalProcessed);
        // 一 + 二 = （七） + 四, per column.
        if let (Some(a), Some(b), Some(t), Some(f)) = (
            get(NewReceived),
            get(CarriedOver),
            total,
            get(CarriedForward),
        ) {
            for c in 0..7 {
                if let (Some(a), Some(b), Some(t), Some(f)) = (a[c], b[c], t[c], f[c]) {
                    if !identity::request_column_balanced(a, b, t, f) {
                        return false;
                    }
                }
            }
        }
        // （七） = Σ outcome rows; partial sums may not exceed the total (values ≥ 0).
        if let Some(t) = total {
            // Each outcome row fetched once; a row not chosen yet is all unknown.
            let mut rows = [[None; 7]; 32];
            let n = self.outcome.len().min(rows.len());
            for (slot, k) in rows.iter_mut().zip(&self.outcome[..n]) {
                *slot = get(*k).unwrap_or([None; 7]);
            }
            for c in 0..7 {
                let Some(tc) = t[c] else { continue };
                let known = || rows[..n].iter().filter_map(move |r| r[c]);
                let complete = rows[..n].iter().all(|r| r[c].is_some());
                // Counts are not negative: a partial sum may not pass the total.
                if identity::sum(known()) > i128::from(tc)
                    || (complete && !identity::outcomes_balanced(known(), tc))
                {
                    return false;
                }
            }
        }
        true
    }

    fn search(&mut self, depth: usize) {
        if self.settled {
            return;
        }
        self.nodes += 1;
        if self.nodes > NODE_LIMIT || self.solutions.len() >= SOLUTION_LIMIT {
            self.complete = false;
            return;
        }
        if !self.consistent(depth) {
            return;
        }
        if depth == self.keys.len() {
            self.solutions.push(self.choice.clone());
            // Once every row with a choice has been given two different ones, no further
            // solution can decide anything: stop (the search counts as complete).
            let first = &self.solutions[0];
            self.settled = (0..self.keys.len()).all(|n| {
                self.cands[n].len() < 2 || self.solutions.iter().any(|s| s[n] != first[n])
            });
            return;
        }
        for c in 0..self.cands[depth].len() {
            self.choice[depth] = c;
            self.search(depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_matched_behind_the_last_one_does_not_panic() {
        // 四、结转 first, then a label of an earlier row: the fallback search goes back.
        let text = "三、收到和处理政府信息公开申请情况\n四、结转下年度继续办理 0 0 0 0 0 0 0\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n";
        let p = crate::parse_text("x", text.to_string()).unwrap();
        let t = p.report.requests.unwrap();
        assert_eq!(
            t.value(RequestRowKey::NewReceived, RequestColumn::Total),
            Some(1)
        );
        assert_eq!(
            t.value(RequestRowKey::CarriedForward, RequestColumn::Total),
            Some(0)
        );
    }

    #[test]
    fn blank_sub_label_cell_before_values_is_not_a_value() {
        // hongze 2024 as laid out from its PDF grid.
        let text = "三、收到和处理政府信息公开申请情况\n\n一、本年新收政府信息公开申请数量\t\t\t95\t0\t0\t0\t0\t0\t95\n\t（五）不予处理\t1.信访举报投诉类申请\t1\t0\t0\t0\t0\t0\t1\n\t（六）其他处理\t \t0\t0\t0\t0\t0\t0\t0\n\t（七）总计\t \t95\t0\t0\t0\t0\t0\t95\n四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0\n";
        let p = crate::parse_text("x", text.to_string()).unwrap();
        let t = p.report.requests.unwrap();
        assert_eq!(
            t.value(RequestRowKey::TotalProcessed, RequestColumn::NaturalPerson),
            Some(95)
        );
        assert_eq!(
            t.value(RequestRowKey::TotalProcessed, RequestColumn::Total),
            Some(95)
        );
        assert_eq!(
            t.value(RequestRowKey::OtherHandling, RequestColumn::Total),
            Some(0)
        );
        assert!(p
            .report
            .doubts
            .iter()
            .all(|d| d.kind != gongkai_model::DoubtKind::AmbiguousRow));
    }

    /// One cell per line with bare `\r` endings; a blank cell is only an empty line.
    fn cell_per_line(rows: &[(&str, [Option<i64>; 7])]) -> String {
        let mut out = String::from("三、收到和处理政府信息公开申请情况\r");
        for (label, vals) in rows {
            out.push_str(label);
            out.push('\r');
            for v in vals {
                if let Some(v) = v {
                    out.push_str(&v.to_string());
                }
                out.push('\r');
            }
        }
        out
    }

    #[test]
    fn blank_cells_that_are_only_empty_lines_stay_in_their_columns() {
        let text = cell_per_line(&[
            (
                "一、本年新收政府信息公开申请数量",
                [
                    Some(5),
                    Some(1),
                    Some(0),
                    Some(0),
                    Some(0),
                    Some(0),
                    Some(6),
                ],
            ),
            (
                "二、上年结转政府信息公开申请数量",
                [Some(0), None, Some(0), Some(0), Some(0), Some(0), Some(0)],
            ),
            (
                "（一）予以公开",
                [Some(3), Some(1), Some(0), Some(0), Some(0), Some(0), None],
            ),
            (
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                [
                    Some(2),
                    Some(0),
                    Some(0),
                    Some(0),
                    Some(0),
                    Some(0),
                    Some(2),
                ],
            ),
        ]);
        let p = crate::parse_text("x", text).unwrap();
        let t = p.report.requests.unwrap();
        use RequestRowKey::*;
        let row = |k| {
            t.row(k)
                .unwrap()
                .cells
                .iter()
                .map(Cell::int)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            row(NewReceived),
            vec![
                Some(5),
                Some(1),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(6)
            ]
        );
        // Never the next value shifted into the blank, never an inferred value.
        assert_eq!(
            row(CarriedOver),
            vec![Some(0), None, Some(0), Some(0), Some(0), Some(0), Some(0)]
        );
        assert_eq!(
            row(Granted),
            vec![Some(3), Some(1), Some(0), Some(0), Some(0), Some(0), None]
        );
        assert!(t.row(CarriedOver).unwrap().cells[1].origin == Origin::Printed);
        assert!(p
            .report
            .doubts
            .iter()
            .all(|d| d.kind != DoubtKind::InferredValue));
        assert_eq!(
            p.report
                .doubts
                .iter()
                .filter(|d| d.kind == DoubtKind::PlacedByLayout)
                .count(),
            2
        );
    }

    #[test]
    fn candidates_merge_equal_rows() {
        let c = candidates(&[18, 0, 0, 0, 0, 18]);
        let rows: Vec<[i64; 7]> = c.iter().map(|(r, _)| *r).collect();
        assert_eq!(
            rows,
            vec![
                [0, 18, 0, 0, 0, 0, 18],
                [18, 0, 0, 0, 0, 0, 18],
                [18, 0, 0, 0, 0, 18, 36]
            ]
        );
        assert_eq!(c[1].1, vec![1, 2, 3, 4, 5]);
        // All zeros: one candidate.
        assert_eq!(candidates(&[0; 6]).len(), 1);
    }
}
