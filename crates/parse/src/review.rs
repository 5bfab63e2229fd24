//! Table 四 — 政府信息公开行政复议、行政诉讼情况: one row of 15 values.

use gongkai_model::schema::{ReviewColumn, ReviewGroup, ValueKind};
use gongkai_model::{Cell, CellRef, Doubt, DoubtKind, Origin, ReviewTable, Value};

use crate::cells::{trim_empty, Ctx};
use crate::tokens::{Tok, TokKind};

/// Read table 四: the first run of 15 values (numbers or blanks) between text.
/// A run of 14 numbers lost one value; it is completed only when the group totals
/// determine it.
pub fn read(ctx: &Ctx, toks: &[Tok], doubts: &mut Vec<Doubt>) -> Option<ReviewTable> {
    let mut runs: Vec<&[Tok]> = Vec::new();
    let mut start = None;
    for (i, t) in toks.iter().enumerate() {
        match (t.kind == TokKind::Text, start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                runs.push(&toks[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(&toks[s..]);
    }
    let runs: Vec<&[Tok]> = runs.into_iter().map(trim_empty).collect();

    if let Some(run) = runs
        .iter()
        .find(|r| r.len() == 15 || (r.len() > 15 && r[15..].iter().all(|t| t.kind != TokKind::Num)))
    {
        let mut table = ReviewTable::default();
        for (i, tok) in run.iter().take(15).enumerate() {
            table.cells[i / 5][i % 5] = ctx.cell(tok, ValueKind::Count);
        }
        return Some(table);
    }
    if let Some(run) = runs
        .iter()
        .find(|r| r.len() == 14 && r.iter().all(|t| t.kind == TokKind::Num))
    {
        return complete(ctx, run, doubts);
    }
    if let Some(run) = runs.iter().max_by_key(|r| r.len()).filter(|r| r.len() >= 5) {
        let printed: Vec<&str> = run.iter().map(|t| t.text(ctx.text)).collect();
        doubts.push(Doubt {
            kind: DoubtKind::AmbiguousRow,
            message: format!(
                "表四应有15个数值，读到{}个，无法确定各自所属的列，未采用",
                run.len()
            ),
            location: run.first().map(|t| ctx.loc(t)),
            cells: Vec::new(),
            notes: vec![format!("读到的数值：{}", printed.join(" "))],
        });
        let mut table = ReviewTable::default();
        for g in table.cells.iter_mut() {
            for c in g.iter_mut() {
                *c = Cell::not_found();
            }
        }
        return Some(table);
    }
    None
}

fn complete(ctx: &Ctx, run: &[Tok], doubts: &mut Vec<Doubt>) -> Option<ReviewTable> {
    let nums: Vec<i64> = run
        .iter()
        .map(|t| ctx.cell(t, ValueKind::Count).int())
        .collect::<Option<Vec<_>>>()?;
    let mut sols: Vec<([i64; 15], Vec<usize>)> = Vec::new();
    for p in 0..15 {
        let mut v = [0i64; 15];
        let mut k = 0;
        for (i, slot) in v.iter_mut().enumerate() {
            if i != p {
                *slot = nums[k];
                k += 1;
            }
        }
        let g = p / 5;
        let base = g * 5;
        let parts: i64 = v[base..base + 4].iter().sum();
        v[p] = if p % 5 == 4 {
            parts
        } else {
            v[base + 4] - (parts - v[p])
        };
        if v[p] < 0 {
            continue;
        }
        let ok = (0..3).all(|g| v[g * 5..g * 5 + 4].iter().sum::<i64>() == v[g * 5 + 4]);
        if !ok {
            continue;
        }
        match sols.iter_mut().find(|(s, _)| *s == v) {
            Some((_, ps)) => ps.push(p),
            None => sols.push((v, vec![p])),
        }
    }
    let printed: Vec<String> = nums.iter().map(i64::to_string).collect();
    if sols.len() != 1 {
        doubts.push(Doubt {
            kind: DoubtKind::AmbiguousRow,
            message: "表四只有14个数值，缺失的一格无法由各组合计唯一确定，未采用".to_string(),
            location: run.first().map(|t| ctx.loc(t)),
            cells: Vec::new(),
            notes: vec![format!("读到的数值：{}", printed.join(" "))],
        });
        return None;
    }
    let (v, ps) = &sols[0];
    let p = ps[0];
    let mut table = ReviewTable::default();
    let mut k = 0;
    for (i, &value) in v.iter().enumerate() {
        table.cells[i / 5][i % 5] = if i == p {
            Cell {
                value: Some(Value::Count(value)),
                origin: Origin::Inferred,
                ..Cell::default()
            }
        } else {
            let c = ctx.cell(&run[k], ValueKind::Count);
            k += 1;
            c
        };
    }
    let (g, c) = (ReviewGroup::ALL[p / 5], ReviewColumn::ALL[p % 5]);
    doubts.push(Doubt {
        kind: DoubtKind::InferredValue,
        message: format!(
            "表四只有14个数值，「{}」「{}」未印出，由该组合计推定为{}",
            g.label(),
            c.label(),
            v[p]
        ),
        location: run.first().map(|t| ctx.loc(t)),
        cells: vec![CellRef::Review {
            group: g,
            column: c,
        }],
        notes: vec![format!("读到的数值：{}", printed.join(" "))],
    });
    Some(table)
}
