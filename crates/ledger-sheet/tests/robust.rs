//! Workbooks anyone may upload (the workspace takes them from agency staff): any
//! contents of any standard column, and damaged files, never panic. Every data row is
//! either imported or listed as bad, and planning it into a ledger never panics either.

use gongkai_deadline::Calendar;
use gongkai_ledger::Ledger;
use gongkai_ledger_sheet::{export, import, plan, Mapping, COLUMNS};
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;

/// A cell's content: text (any characters, or ones ledgers use), a number of any kind,
/// or nothing.
#[derive(Clone, Debug)]
enum Value {
    Text(String),
    Number(f64),
    Empty,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::Text),
        "[0-9０-９年月日/\\-.:；、 予以公开部分不自然人法人当面邮寄网上]{0,16}"
            .prop_map(Value::Text),
        any::<f64>().prop_map(Value::Number),
        (-1.0e6f64..1.0e6).prop_map(Value::Number),
        Just(Value::Empty),
    ]
}

fn workbook(columns: &[usize], rows: &[Vec<Value>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, &i) in columns.iter().enumerate() {
        ws.write_string(0, c as u16, COLUMNS[i].1).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate().take(columns.len()) {
            let (r, c) = (r as u32 + 1, c as u16);
            match v {
                // The writer refuses some strings (too long) and numbers (NaN, ∞):
                // those cells stay empty, as a person could not type them either.
                Value::Text(s) => {
                    let _ = ws.write_string(r, c, s);
                }
                Value::Number(n) => {
                    let _ = ws.write_number(r, c, *n);
                }
                Value::Empty => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_cells_in_the_standard_columns_read_or_are_listed(
        columns in proptest::sample::subsequence((0..COLUMNS.len()).collect::<Vec<_>>(), 1..=COLUMNS.len()),
        rows in proptest::collection::vec(proptest::collection::vec(value(), 20), 1..12),
    ) {
        let bytes = workbook(&columns, &rows);
        let Ok(sheet) = import(&bytes, &Mapping::default()) else {
            // A sheet without the columns a request needs is refused as a whole: fine.
            return Ok(());
        };
        let read: std::collections::BTreeSet<usize> = sheet
            .requests
            .iter()
            .map(|(n, _)| *n)
            .chain(sheet.bad.iter().map(|b| b.row))
            .collect();
        // Rows with any content are read or listed (Excel numbers them from 1; the
        // header is row 1).
        for (i, row) in rows.iter().enumerate() {
            let any = row.iter().take(columns.len()).any(|v| match v {
                Value::Text(s) => !s.trim().is_empty(),
                Value::Number(n) => n.is_finite(),
                Value::Empty => false,
            });
            prop_assert!(
                !any || read.contains(&(i + 2)),
                "row {} was neither imported nor listed: {:?}",
                i + 2,
                row
            );
        }
        let _ = plan(&Ledger::default(), &Calendar::official(), sheet);
    }

    #[test]
    fn damaged_workbooks_are_an_error_not_a_panic(
        seed in any::<u64>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..40),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = export(&gongkai_ledger::sample::random_ledger(seed, 20)).unwrap();
        for (at, b) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= b;
        }
        let _ = import(&bytes, &Mapping::default());
        let end = cut.index(bytes.len());
        let _ = import(&bytes[..end], &Mapping::default());
    }

    #[test]
    fn any_bytes_and_any_mapping_text_are_handled(bytes in proptest::collection::vec(any::<u8>(), 0..2048), text in any::<String>()) {
        let _ = import(&bytes, &Mapping::default());
        let _ = Mapping::parse(&text);
    }
}
