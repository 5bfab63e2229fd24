//! Table 四 — 政府信息公开行政复议、行政诉讼情况: one row of 15 values.

use gongkai_model::schema::{ReviewColumn, ReviewGroup, ValueKind};
use gongkai_model::{identity, Cell, CellRef, Doubt, DoubtKind, Origin, ReviewTable, Value};

use crate::cells::{trim_empty, Ctx};
use crate::split;
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
    // Cells run together ("21317000001324019"): fewer tokens than cells, or a token
    // with a leading zero.
    if let Some(run) = runs.iter().find(|r| {
        r.iter().all(|t| t.kind == TokKind::Num)
            && r.iter()
                .map(|t| split::digit_count(ctx.text, t))
                .sum::<usize>()
                >= 15
            && (r.len() < 14 || r.iter().any(|t| split::has_leading_zero(ctx.text, t)))
    }) {
        return Some(split_run(ctx, run, doubts));
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
        return Some(unread_table());
    }
    None
}

/// Table 四 found but not read: every cell unread (never blank, never zero).
fn unread_table() -> ReviewTable {
    let mut table = ReviewTable::default();
    for c in table.cells.iter_mut().flatten() {
        *c = Cell::not_found();
    }
    table
}

/// Every group's total is the sum of its four results.
fn balanced(v: &[i64; 15]) -> bool {
    (0..3).all(|g| identity::review_group_balanced(&std::array::from_fn(|c| v[g * 5 + c])))
}

/// The values of a reading when every group's total is the sum of its four results.
fn group_values(ctx: &Ctx, r: &[Tok]) -> Option<[i64; 15]> {
    let v: Vec<i64> = r
        .iter()
        .map(|t| ctx.cell(t, ValueKind::Count).int())
        .collect::<Option<_>>()?;
    let all: [i64; 15] = std::array::from_fn(|i| v[i]);
    balanced(&all).then_some(all)
}

/// Table 四 printed as a run of digits: split by the group totals, taken only when one
/// reading remains.
fn split_run(ctx: &Ctx, run: &[Tok], doubts: &mut Vec<Doubt>) -> ReviewTable {
    let printed: Vec<&str> = run.iter().map(|t| t.text(ctx.text)).collect();
    let printed = printed.join(" ");
    let readings = split::readings(ctx.text, run, 15, |r| group_values(ctx, r).is_some());
    let location = run.first().map(|t| ctx.loc(t));
    let mut table = ReviewTable::default();
    match readings {
        Ok(rs) if rs.len() == 1 => {
            let r = &rs[0];
            for (i, tok) in r.iter().enumerate() {
                table.cells[i / 5][i % 5] = ctx.cell(tok, ValueKind::Count);
            }
            let shown: Vec<&str> = r.iter().map(|t| t.text(ctx.text)).collect();
            doubts.push(Doubt {
                kind: DoubtKind::SplitRun,
                message: "表四的数字连在一起印出，按各组合计（结果维持+结果纠正+其他结果+尚未审结 = 总计）唯一拆开".to_string(),
                location,
                cells: Vec::new(),
                notes: vec![format!("{printed} → {}", shown.join(" | "))],
            });
        }
        other => {
            let notes = match &other {
                Ok(rs) => rs
                    .iter()
                    .take(6)
                    .map(|r| {
                        let shown: Vec<&str> = r.iter().map(|t| t.text(ctx.text)).collect();
                        format!("可能的拆法：{}", shown.join(" | "))
                    })
                    .collect(),
                Err(_) => Vec::new(),
            };
            let why = match &other {
                Ok(rs) if rs.is_empty() => "没有一种拆法符合各组合计".to_string(),
                Ok(rs) => format!("有{}种拆法都符合各组合计，无法确定", rs.len()),
                Err(_) => "数字太长，拆法太多".to_string(),
            };
            doubts.push(Doubt {
                kind: DoubtKind::AmbiguousRow,
                message: format!("表四的数字连在一起印出（「{printed}」），{why}，未采用"),
                location,
                cells: Vec::new(),
                notes,
            });
            table = unread_table();
        }
    }
    table
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
        // The lost value is what the group total leaves (checked: v[p] is still 0 here).
        let parts = identity::sum(v[base..base + 4].iter().copied());
        let lost = if p % 5 == 4 {
            parts
        } else {
            i128::from(v[base + 4]) - parts
        };
        let Ok(lost) = i64::try_from(lost) else {
            continue;
        };
        v[p] = lost;
        if lost < 0 || !balanced(&v) {
            continue;
        }
        match sols.iter_mut().find(|(s, _)| *s == v) {
            Some((_, ps)) => ps.push(p),
            None => sols.push((v, vec![p])),
        }
    }
    let printed: Vec<String> = nums.iter().map(i64::to_string).collect();
    // Fourteen numbers are also fifteen with two run together ("3 1" printed "31"): the
    // group totals weigh both readings alike.
    let run_together: Vec<[i64; 15]> =
        match split::readings(ctx.text, run, 15, |r| group_values(ctx, r).is_some()) {
            Ok(rs) => rs.iter().filter_map(|r| group_values(ctx, r)).collect(),
            Err(_) => Vec::new(),
        };
    if sols.is_empty() && !run_together.is_empty() {
        return Some(split_run(ctx, run, doubts));
    }
    let distinct = {
        let mut all: Vec<[i64; 15]> = sols.iter().map(|(v, _)| *v).collect();
        for v in &run_together {
            if !all.contains(v) {
                all.push(*v);
            }
        }
        all
    };
    if sols.len() != 1 || distinct.len() != 1 {
        let mut notes = vec![format!("读到的数值：{}", printed.join(" "))];
        notes.extend(distinct.iter().take(6).map(|v| {
            let shown: Vec<String> = v.iter().map(i64::to_string).collect();
            format!("可能的读法：{}", shown.join(" | "))
        }));
        let why = if run_together.is_empty() {
            "缺失的一格无法由各组合计唯一确定"
        } else {
            "可能缺失一格，也可能有两格数字连在一起，各组合计无法确定是哪一种"
        };
        doubts.push(Doubt {
            kind: DoubtKind::AmbiguousRow,
            message: format!("表四只有14个数值，{why}，未采用"),
            location: run.first().map(|t| ctx.loc(t)),
            cells: Vec::new(),
            notes,
        });
        return Some(unread_table());
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
