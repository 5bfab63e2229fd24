//! Property: cells lost in conversion are completed only when the table's arithmetic
//! determines them (and then reported as inferred), otherwise the row is left unread
//! with an ambiguous-row doubt — never guessed, never read wrong.

mod support;

use gongkai_model::schema::RequestColumn;
use gongkai_model::{DoubtKind, FindingKind, Origin};
use gongkai_synth::{generate, Layout, Options, Synthetic};
use proptest::prelude::*;
use support::{explain, names, read, reading_json, Read};

/// How the lost rows were read: (completed, left unread).
fn lost_rows_read(s: &Synthetic, r: &Read) -> Result<(usize, usize), TestCaseError> {
    let t = r.report.requests.as_ref().expect("table 三 read");
    let (mut completed, mut unread) = (0, 0);
    for row in &s.tables.requests {
        let got = t.row(row.key);
        prop_assert!(
            got.is_some(),
            "row {:?} missing\n{}",
            row.key,
            explain(s, r)
        );
        let got = got.unwrap();
        let lost = s.lost.iter().any(|(k, _)| *k == row.key);
        let values: Vec<Option<i64>> = got.cells.iter().map(|c| c.int()).collect();
        if values.iter().zip(&row.cells).all(|(g, w)| g == w) {
            // Read right: a lost row has exactly one inferred cell, holding a zero.
            let inferred: Vec<usize> = (0..7)
                .filter(|&c| got.cells[c].origin == Origin::Inferred)
                .collect();
            if lost {
                prop_assert_eq!(inferred.len(), 1, "{:?}\n{}", row.key, explain(s, r));
                prop_assert_eq!(values[inferred[0]], Some(0));
                completed += 1;
            } else {
                prop_assert!(inferred.is_empty(), "{:?}\n{}", row.key, explain(s, r));
            }
            continue;
        }
        // Otherwise: a lost row, not read at all, with a doubt saying so.
        let not_found = got
            .cells
            .iter()
            .all(|c| c.value.is_none() && c.origin == Origin::NotFound);
        let doubted =
            r.report.doubts.iter().any(|d| {
                d.kind == DoubtKind::AmbiguousRow && d.message.contains(row.key.def().short)
            });
        prop_assert!(
            lost && not_found && doubted,
            "row {:?} read wrong: {:?}\n{}",
            row.key,
            values,
            explain(s, r)
        );
        unread += 1;
    }
    Ok((completed, unread))
}

fn check_lost(seed: u64, layout: Layout, kangxi: bool) -> Result<(usize, usize), TestCaseError> {
    let s = generate(
        seed,
        &Options {
            layout,
            kangxi,
            lose_zero_cells: true,
            ..Options::default()
        },
    );
    // Only zeros are lost, only organisation columns.
    for (k, c) in &s.lost {
        prop_assert!(*c != RequestColumn::NaturalPerson && *c != RequestColumn::Total);
        prop_assert_eq!(s.tables.row(*k).unwrap()[c.index()], Some(0));
    }
    let r = read(&s);
    let (completed, unread) = lost_rows_read(&s, &r)?;
    prop_assert_eq!(completed + unread, s.lost.len());

    // The other tables, agency, year: exact.
    let (mut want, mut got) = (gongkai_synth::tables_json(&s), reading_json(&r.report));
    for j in [&mut want, &mut got] {
        j.as_object_mut().unwrap().remove("requests");
    }
    prop_assert_eq!(want, got);

    // Findings: no document error; one doubt per unread row, and the completed rows'
    // inferred cells (one finding with a label per row when there are several).
    let doc = names(&r.findings, FindingKind::Document);
    prop_assert!(doc.is_empty(), "{}", explain(&s, &r));
    let mut doubts = vec!["ambiguous-row".to_string(); unread];
    doubts.extend(vec!["inferred-value".to_string(); completed.min(1)]);
    let labels: usize = r
        .findings
        .iter()
        .filter(|f| f.code == "X001")
        .map(|f| f.labels.len())
        .sum();
    prop_assert!(labels >= completed, "{labels} labels for {completed} rows");
    prop_assert_eq!(names(&r.findings, FindingKind::Extraction), doubts);
    Ok((completed, unread))
}

fn lossy_layouts() -> impl Strategy<Value = Layout> {
    prop::sample::select(
        Layout::ALL
            .into_iter()
            .filter(|l| l.loses_cells())
            .collect::<Vec<_>>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: support::cases(512), ..ProptestConfig::default() })]
    #[test]
    fn lost_cells_inferred_or_doubted(seed in any::<u64>(), layout in lossy_layouts(), kangxi in any::<bool>()) {
        check_lost(seed, layout, kangxi)?;
    }
}

/// Most lost cells are recoverable: the design loses zeros in runs of zeros, which the
/// arithmetic of a consistent table pins down.
#[test]
fn most_lost_rows_are_completed() {
    let (mut completed, mut total) = (0, 0);
    for seed in 0..300 {
        let layout = [Layout::Spaces, Layout::Tabs, Layout::WrappedLabels][seed as usize % 3];
        let (c, u) = check_lost(seed, layout, false).unwrap_or_else(|e| panic!("{e}"));
        completed += c;
        total += c + u;
    }
    assert!(total > 1000, "{total} lost rows");
    assert!(
        completed * 10 >= total * 8,
        "{completed} of {total} lost rows completed"
    );
    eprintln!("{completed} of {total} lost rows completed");
}
