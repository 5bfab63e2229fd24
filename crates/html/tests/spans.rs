//! Given merged cells: a covered position that could continue the cell above or the
//! cell to its left is drawn as the caller says; spans that are not the grid's are
//! ignored (the writer works the merges out, as without spans).

use gongkai_model::{Block, Grid, GridCell, Location, Span};

fn cell(text: &str, covered: bool) -> GridCell {
    GridCell {
        text: text.into(),
        location: Location::Cell {
            table: 0,
            row: 0,
            column: 0,
        },
        covered,
    }
}

/// `[A, X] / [B, ~]`: the covered position continues X (down) or B (right).
fn ambiguous() -> Vec<Block> {
    vec![Block::Table {
        grid: Grid {
            rows: vec![
                vec![cell("A", false), cell("X", false)],
                vec![cell("B", false), cell("", true)],
            ],
        },
    }]
}

#[test]
fn given_spans_decide_an_ambiguous_grid() {
    let blocks = ambiguous();
    let guessed = gongkai_html::write("t", &blocks);
    assert!(guessed.contains(r#"<td rowspan="2">X</td>"#), "{guessed}");
    let b_wide = [Span {
        row: 1,
        column: 0,
        rows: 1,
        columns: 2,
    }];
    let given = gongkai_html::write_with_spans("t", &blocks, &[b_wide.to_vec()]);
    assert!(given.contains(r#"<td colspan="2">B</td>"#), "{given}");
    assert!(given.contains("<td>X</td>"), "{given}");
    // Spans that are not this grid's: one over a real cell, one leaving the covered
    // position unclaimed, one outside the grid.
    for wrong in [
        Span {
            row: 0,
            column: 0,
            rows: 1,
            columns: 2,
        },
        Span {
            row: 0,
            column: 0,
            rows: 1,
            columns: 1,
        },
        Span {
            row: 1,
            column: 1,
            rows: 5,
            columns: 5,
        },
    ] {
        assert_eq!(
            gongkai_html::write_with_spans("t", &blocks, &[vec![wrong]]),
            guessed,
            "{wrong:?}"
        );
    }
}
