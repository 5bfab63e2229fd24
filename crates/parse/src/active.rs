//! Table 二 — 主动公开政府信息情况.

use std::sync::LazyLock;

use gongkai_model::schema::{
    active_rows, ActiveColumnKey, ActiveRowDef, ActiveRowKey, Edition, ValueKind,
};
use gongkai_model::{ActiveTable, Cell, CellRef, Doubt, DoubtKind, Located, Origin, UndecidedRow};

use crate::cells::{trim_empty, Ctx};
use crate::similarity::{core, core_string, whole_score};
use crate::split;
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

/// The cores of every row's label and aliases, per edition and indexed like
/// `active_rows(edition)`, computed once (each text token is scored against them all).
static LABEL_CORES: LazyLock<[Vec<Vec<Vec<char>>>; 2]> = LazyLock::new(|| {
    [Edition::E2021, Edition::E2019].map(|edition| {
        active_rows(edition)
            .iter()
            .map(|def| {
                std::iter::once(def.label)
                    .chain(def.aliases.iter().copied())
                    .map(core)
                    .collect()
            })
            .collect()
    })
});

/// The cores of the label and aliases of each row of `edition`'s table 二.
fn label_cores(edition: Edition) -> &'static [Vec<Vec<char>>] {
    match edition {
        Edition::E2021 => &LABEL_CORES[0],
        Edition::E2019 => &LABEL_CORES[1],
        Edition::Legacy => &[],
    }
}

/// How well a text token reads as a row whose label and aliases have the cores `labels`.
fn label_score(labels: &[Vec<char>], tok_core: &[char]) -> f32 {
    labels
        .iter()
        .map(|lc| {
            if lc == tok_core {
                1.0
            } else if tok_core.ends_with(lc) && tok_core.len() <= lc.len() + 6 {
                // "信息内容 规章" merged in one cell, or a block heading in front.
                0.95
            } else {
                whole_score(lc, tok_core)
            }
        })
        .fold(0.0, f32::max)
}

/// Read table 二 from the tokens of its region. Rows whose run-together cells have several
/// readings go to `undecided`.
pub fn read(
    ctx: &Ctx,
    toks: &[Tok],
    edition: Edition,
    doubts: &mut Vec<Doubt>,
    undecided: &mut Vec<UndecidedRow>,
) -> ActiveTable {
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
                let best = label_cores(edition)
                    .iter()
                    .enumerate()
                    .map(|(i, labels)| (i, label_score(labels, &tc)))
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
        } else if !vals.is_empty()
            && vals.len() < ncols
            && vals.iter().all(|t| t.kind == TokKind::Num)
            && vals
                .iter()
                .map(|t| split::digit_count(ctx.text, t))
                .sum::<usize>()
                >= ncols
        {
            if let Some(u) = split_row(ctx, def, &label, vals, row, doubts) {
                undecided.push(u);
            }
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

/// A row whose cells ran together ("6233440"). Table 二 has no arithmetic inside one
/// report, so a reading is taken only when it is the only one, or when counts the prose
/// quotes for this row ("制发规范性文件62件、废止1件") leave exactly one — the evidence is
/// named. Otherwise the row stays unread with the readings listed.
fn split_row(
    ctx: &Ctx,
    def: &ActiveRowDef,
    label: &Tok,
    vals: &[Tok],
    row: &mut gongkai_model::ActiveRow,
    doubts: &mut Vec<Doubt>,
) -> Option<UndecidedRow> {
    let cells_of = |r: &[Tok]| -> Vec<Cell> {
        def.columns
            .iter()
            .zip(r)
            .map(|(col, t)| ctx.cell(t, col.kind))
            .collect()
    };
    let valid = |r: &[Tok]| {
        cells_of(r)
            .iter()
            .zip(def.columns)
            .all(|(c, col)| match col.kind {
                ValueKind::Count | ValueKind::SignedCount => c.int().is_some(),
                ValueKind::Amount => matches!(c.value, Some(gongkai_model::Value::Amount(_))),
            })
    };
    let printed: Vec<&str> = vals.iter().map(|t| t.text(ctx.text)).collect();
    let printed = printed.join(" ");
    let location = Some(ctx.loc(label));
    let readings = match split::readings(ctx.text, vals, def.columns.len(), valid) {
        Ok(r) => r,
        Err(_) => {
            doubts.push(Doubt {
                kind: DoubtKind::AmbiguousRow,
                message: format!(
                    "表二「{}」行的数字连在一起印出（「{printed}」），数字太长，拆法太多，未采用",
                    def.label
                ),
                location,
                cells: Vec::new(),
                notes: Vec::new(),
            });
            return None;
        }
    };
    let shown = |r: &[Tok]| {
        r.iter()
            .map(|t| t.text(ctx.text))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    // Counts the prose quotes for this row's columns.
    let quoted: Vec<(usize, i64, String)> = prose_counts(ctx.text, def.key)
        .into_iter()
        .filter_map(|(col, n, quote)| {
            let c = def.columns.iter().position(|d| d.key == col)?;
            Some((c, n, quote))
        })
        .collect();
    let agrees = |r: &[Tok]| {
        let cells = cells_of(r);
        quoted.iter().all(|(c, n, _)| cells[*c].int() == Some(*n))
    };
    let supported: Vec<&Vec<Tok>> = readings.iter().filter(|r| agrees(r)).collect();
    let (chosen, evidence) = match (readings.len(), supported.len()) {
        (1, _) => (Some(&readings[0]), None),
        (_, 1) if !quoted.is_empty() => (Some(supported[0]), Some(&quoted)),
        _ => (None, None),
    };
    let Some(r) = chosen else {
        // The prose may have narrowed the readings without deciding them.
        let listed: Vec<&Vec<Tok>> = if supported.is_empty() {
            readings.iter().collect()
        } else {
            supported
        };
        let mut notes: Vec<String> = listed
            .iter()
            .take(6)
            .map(|r| format!("可能的拆法：{}", shown(r)))
            .collect();
        if listed.len() > 6 {
            notes.push(format!("……共{}种", listed.len()));
        }
        notes.extend(quoted.iter().map(|(_, _, q)| format!("正文：「{q}」")));
        doubts.push(Doubt {
            kind: DoubtKind::AmbiguousRow,
            message: format!(
                "表二「{}」行的数字连在一起印出（「{printed}」），{}，未采用",
                def.label,
                if listed.is_empty() {
                    "没有一种拆法能读成该行各列".to_string()
                } else {
                    format!("有{}种拆法，表二没有勾稽关系可以确定", listed.len())
                }
            ),
            location,
            cells: def
                .columns
                .iter()
                .map(|c| CellRef::Active {
                    row: def.key,
                    column: c.key,
                })
                .collect(),
            notes,
        });
        return (listed.len() > 1).then(|| UndecidedRow {
            row: def.key,
            printed,
            readings: listed.iter().map(|r| cells_of(r)).collect(),
        });
    };
    for (c, cell) in cells_of(r).into_iter().enumerate() {
        row.cells[c] = cell;
    }
    let mut notes = vec![format!("{printed} → {}", shown(r))];
    let message = match evidence {
        None => format!(
            "表二「{}」行的数字连在一起印出，只有一种拆法（数字除0外不以0开头）",
            def.label
        ),
        Some(q) => {
            notes.extend(q.iter().map(|(_, _, q)| format!("依据正文：「{q}」")));
            notes.push(format!("其他拆法共{}种，与正文不符", readings.len() - 1));
            format!(
                "表二「{}」行的数字连在一起印出，按正文中写明的件数拆开",
                def.label
            )
        }
    };
    doubts.push(Doubt {
        kind: DoubtKind::SplitRun,
        message,
        location,
        cells: Vec::new(),
        notes,
    });
    None
}

/// Counts the prose quotes for a row of table 二: "制发行政规范性文件62件",
/// "全年制发规范性文件2件、废止1件", "现行有效规章3件". Each with the column it speaks of and
/// the quoted words.
fn prose_counts(text: &str, row: ActiveRowKey) -> Vec<(ActiveColumnKey, i64, String)> {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(制发|出台|印发|制定|新制定|废止|宣布失效|现行有效)[^。；;，,\d]{0,12}?(规章|规范性文件)[^。；;，,\d]{0,4}?(\d+)\s*件((?:[，、,]\s*(?:其中)?(?:废止|宣布失效|现行有效)(?:的|为|共|计|达|文件)*\d+\s*件)*)",
        )
        .expect("prose count regex")
    });
    static MORE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(废止|宣布失效|现行有效)(?:的|为|共|计|达|文件)*(\d+)\s*件")
            .expect("prose count continuation regex")
    });
    let wanted = match row {
        ActiveRowKey::Regulations => "规章",
        ActiveRowKey::NormativeDocuments => "规范性文件",
        _ => return Vec::new(),
    };
    let column = |verb: &str| match verb {
        "废止" | "宣布失效" => ActiveColumnKey::Repealed,
        "现行有效" => ActiveColumnKey::InForce,
        _ => ActiveColumnKey::Issued,
    };
    let mut out = Vec::new();
    for c in RE.captures_iter(text) {
        if &c[2] != wanted {
            continue;
        }
        let quote = c[0].to_string();
        if let Ok(n) = c[3].parse::<i64>() {
            out.push((column(&c[1]), n, quote.clone()));
        }
        for m in MORE.captures_iter(c.get(4).map_or("", |m| m.as_str())) {
            if let Ok(n) = m[2].parse::<i64>() {
                out.push((column(&m[1]), n, quote.clone()));
            }
        }
    }
    // The same column quoted twice with different counts decides nothing.
    out.sort_by_key(|(c, n, _)| (*c, *n));
    out.dedup_by_key(|(c, n, _)| (*c, *n));
    let conflicting: Vec<ActiveColumnKey> = out
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| w[0].0)
        .collect();
    out.retain(|(c, _, _)| !conflicting.contains(c));
    out
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn prose_counts_name_their_columns() {
        let t = "全年制发规范性文件2件、废止1件。动态更新发布本年度制发行政规范性文件62件，现行有效规章3件。";
        let docs = prose_counts(t, ActiveRowKey::NormativeDocuments);
        let got: Vec<(ActiveColumnKey, i64)> = docs.iter().map(|(c, n, _)| (*c, *n)).collect();
        // 制发 is quoted as 2 and as 62: it decides nothing.
        assert_eq!(got, vec![(ActiveColumnKey::Repealed, 1)]);
        let regs: Vec<(ActiveColumnKey, i64)> = prose_counts(t, ActiveRowKey::Regulations)
            .iter()
            .map(|(c, n, _)| (*c, *n))
            .collect();
        assert_eq!(regs, vec![(ActiveColumnKey::InForce, 3)]);
    }

    #[test]
    fn a_run_decided_by_the_prose() {
        let t = "某局2024年政府信息公开工作年度报告\n一、总体情况\n全年制发规范性文件2件、废止1件。\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 2137\n";
        let p = crate::parse_text("x", t.to_string()).unwrap();
        let a = p.report.active.unwrap();
        let v = |c| {
            a.cell(ActiveRowKey::NormativeDocuments, c)
                .and_then(|c| c.int())
        };
        assert_eq!(v(ActiveColumnKey::Issued), Some(2));
        assert_eq!(v(ActiveColumnKey::Repealed), Some(1));
        assert_eq!(v(ActiveColumnKey::InForce), Some(37));
        assert!(p.report.doubts.iter().any(|d| d.kind == DoubtKind::SplitRun
            && d.notes.iter().any(|n| n.contains("制发规范性文件2件"))));
    }

    #[test]
    fn an_undecided_run_stays_blank() {
        let t = "某局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 000\n行政规范性文件 2137\n";
        let p = crate::parse_text("x", t.to_string()).unwrap();
        let a = p.report.active.unwrap();
        assert_eq!(
            a.cell(ActiveRowKey::Regulations, ActiveColumnKey::InForce)
                .and_then(|c| c.int()),
            Some(0)
        );
        assert!(a
            .cell(ActiveRowKey::NormativeDocuments, ActiveColumnKey::Issued)
            .unwrap()
            .value
            .is_none());
        let d = p
            .report
            .doubts
            .iter()
            .find(|d| d.kind == DoubtKind::AmbiguousRow)
            .unwrap();
        assert!(d.message.contains("2137"), "{}", d.message);
        assert_eq!(d.notes.len(), 3, "{:?}", d.notes);
    }
}
