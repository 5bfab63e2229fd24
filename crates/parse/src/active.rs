//! Table 二 — 主动公开政府信息情况.

use gongkai_model::schema::{active_rows, ActiveColumnKey, ActiveRowDef, Edition};
use gongkai_model::{ActiveTable, Cell, Doubt, DoubtKind, Located, Origin};

use crate::cells::{trim_empty, Ctx};
use crate::similarity::{core, core_string, whole_score};
use crate::tokens::{Tok, TokKind};

/// Markers of each edition in the header text of table 二.
const MARKERS_2021: &[&str] = &[
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年度止件数",
];
const MARKERS_2019: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "政府集中采购",
    "第二十条第(九)项",
    "其他对外管理服务事项",
    "采购项目数量",
];

/// The edition table 二 is printed in, from its headers; `None` when neither shows.
pub fn detect_edition(region_text: &str) -> Option<Edition> {
    let c = core_string(region_text);
    let count = |ms: &[&str]| ms.iter().filter(|m| c.contains(&core_string(m))).count();
    let (a, b) = (count(MARKERS_2021), count(MARKERS_2019));
    match (a, b) {
        (0, 0) => None,
        _ if a >= b => Some(Edition::E2021),
        _ => Some(Edition::E2019),
    }
}

fn label_score(def: &ActiveRowDef, tok_core: &[char]) -> f32 {
    std::iter::once(def.label)
        .chain(def.aliases.iter().copied())
        .map(|l| {
            let lc = core(l);
            if lc == tok_core {
                1.0
            } else if tok_core.ends_with(&lc) && tok_core.len() <= lc.len() + 6 {
                // "信息内容 规章" merged in one cell, or a block heading in front.
                0.95
            } else {
                whole_score(&lc, tok_core)
            }
        })
        .fold(0.0, f32::max)
}

/// Read table 二 from the tokens of its region.
pub fn read(ctx: &Ctx, toks: &[Tok], edition: Edition, doubts: &mut Vec<Doubt>) -> ActiveTable {
    let defs = active_rows(edition);
    let mut table = ActiveTable::empty(edition);
    // (row index in defs, label token, value tokens)
    let mut found: Vec<(usize, Tok, Vec<Tok>)> = Vec::new();
    let mut current: Option<(usize, Tok, Vec<Tok>)> = None;
    for tok in toks {
        match tok.kind {
            TokKind::Text => {
                if let Some(c) = current.take() {
                    found.push(c);
                }
                let tc = core(tok.text(ctx.text));
                let best = defs
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (i, label_score(d, &tc)))
                    .filter(|(_, s)| *s >= 0.8)
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((i, _)) = best {
                    if !found.iter().any(|(j, _, _)| *j == i) {
                        current = Some((i, tok.clone(), Vec::new()));
                    }
                }
            }
            _ => {
                if let Some((_, _, vals)) = current.as_mut() {
                    vals.push(tok.clone());
                }
            }
        }
    }
    if let Some(c) = current.take() {
        found.push(c);
    }

    let orphans = orphan_values(ctx, toks, &found);
    let mut short_rows: Vec<usize> = Vec::new();
    for (i, label, vals) in found {
        let def = &defs[i];
        let row = &mut table.rows[i];
        row.label = Some(Located::new(
            label.text(ctx.text).to_string(),
            Some(ctx.loc(&label)),
        ));
        let ncols = def.columns.len();
        // All cells empty (one cell per line, "\t" lines): printed blanks, with their places.
        let all_empty = !vals.is_empty() && vals.iter().all(|t| t.kind == TokKind::Empty);
        let vals = if all_empty && vals.len() >= ncols {
            &vals[..ncols]
        } else {
            trim_empty(&vals)
        };
        if vals.len() == ncols
            || (vals.len() > ncols && vals[ncols..].iter().all(|t| t.kind != TokKind::Num))
        {
            for (c, (col, tok)) in def.columns.iter().zip(vals).enumerate() {
                row.cells[c] = ctx.cell(tok, col.kind);
            }
        } else if vals.len() + 1 == ncols
            && vals.iter().all(|t| t.kind == TokKind::Num)
            && fill_from_orphan(ctx, def, &orphans, short_rows.len(), vals, row, doubts)
        {
            short_rows.push(i);
        } else if vals.is_empty() {
            // A label with nothing after it: printed blank.
            for c in row.cells.iter_mut() {
                *c = Cell::blank(None);
            }
        } else {
            let printed: Vec<&str> = vals.iter().map(|t| t.text(ctx.text)).collect();
            doubts.push(Doubt {
                kind: DoubtKind::AmbiguousRow,
                message: format!(
                    "表二「{}」行应有{}个数值，读到{}个，无法确定各自所属的列，未采用",
                    def.label,
                    ncols,
                    vals.len()
                ),
                location: Some(ctx.loc(&label)),
                cells: Vec::new(),
                notes: vec![format!("读到的数值：{}", printed.join(" "))],
            });
        }
    }
    for (def, row) in defs.iter().zip(&table.rows) {
        if row.cells.iter().all(|c| c.origin == Origin::NotFound) && row.label.is_none() {
            doubts.push(Doubt {
                kind: DoubtKind::RowNotFound,
                message: format!("表二未找到「{}」行", def.label),
                location: None,
                cells: Vec::new(),
                notes: Vec::new(),
            });
        }
    }
    table
}

/// A number printed on a line of its own inside the table-二 region but in no row,
/// with the note printed under it: a cell a PDF converter pushed out of its table
/// ("22" / "（其中修订 16 件）").
struct Orphan {
    tok: Tok,
    note: String,
}

fn orphan_values(ctx: &Ctx, toks: &[Tok], found: &[(usize, Tok, Vec<Tok>)]) -> Vec<Orphan> {
    let in_row = |t: &Tok| {
        found
            .iter()
            .any(|(_, _, v)| v.iter().any(|x| x.span == t.span))
    };
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        let alone = (k == 0 || toks[k - 1].line != t.line)
            && toks.get(k + 1).is_none_or(|n| n.line != t.line);
        if t.kind != TokKind::Num || !alone || in_row(t) {
            continue;
        }
        // The note: the next line, when it is a parenthesised remark.
        let next_line: Vec<&Tok> = toks[k + 1..]
            .iter()
            .take_while(|n| {
                n.line == t.line + 1 || toks.get(k + 1).is_some_and(|f| f.line == n.line)
            })
            .collect();
        let note: String = next_line
            .iter()
            .map(|n| n.text(ctx.text))
            .collect::<Vec<_>>()
            .join(" ");
        let note = if note.starts_with('(') || note.starts_with('（') {
            note
        } else {
            String::new()
        };
        out.push(Orphan {
            tok: t.clone(),
            note,
        });
    }
    out
}

/// Which column a pushed-out cell belongs to, from the words of its note.
fn column_of_note(note: &str) -> Option<ActiveColumnKey> {
    if ["废止", "失效", "修订", "修改"]
        .iter()
        .any(|w| note.contains(w))
    {
        Some(ActiveColumnKey::Repealed)
    } else if ["制发", "新制定", "新出台"]
        .iter()
        .any(|w| note.contains(w))
    {
        Some(ActiveColumnKey::Issued)
    } else if note.contains("现行有效") {
        Some(ActiveColumnKey::InForce)
    } else {
        None
    }
}

/// Complete a row that lost one column to an orphan value: the `k`-th short row takes
/// the `k`-th orphan when its note names the missing column. Reported as a doubt.
fn fill_from_orphan(
    ctx: &Ctx,
    def: &ActiveRowDef,
    orphans: &[Orphan],
    k: usize,
    vals: &[Tok],
    row: &mut gongkai_model::ActiveRow,
    doubts: &mut Vec<Doubt>,
) -> bool {
    let Some(orphan) = orphans.get(k) else {
        return false;
    };
    let Some(column) = column_of_note(&orphan.note) else {
        return false;
    };
    let Some(missing) = def.columns.iter().position(|c| c.key == column) else {
        return false;
    };
    let mut printed = vals.iter();
    for (c, col) in def.columns.iter().enumerate() {
        row.cells[c] = if c == missing {
            let mut cell = ctx.cell(&orphan.tok, col.kind);
            cell.printed = Some(format!("{}{}", orphan.tok.text(ctx.text), orphan.note));
            cell
        } else {
            match printed.next() {
                Some(t) => ctx.cell(t, col.kind),
                None => return false,
            }
        };
    }
    doubts.push(Doubt {
        kind: DoubtKind::PlacedByLayout,
        message: format!(
            "表二「{}」行只印出{}个数值；「{}」取自表格外单独印出的「{}{}」（按批注归入该列）",
            def.label,
            vals.len(),
            def.columns[missing].label,
            orphan.tok.text(ctx.text),
            orphan.note
        ),
        location: Some(ctx.loc(&orphan.tok)),
        cells: vec![gongkai_model::CellRef::Active {
            row: def.key,
            column,
        }],
        notes: Vec::new(),
    });
    true
}
