//! No input makes `check` panic: random prose, random cell values.

use gongkai_check::{check, Selection};
use gongkai_model::schema::{ReviewColumn, ReviewGroup};
use gongkai_model::Value;
use proptest::prelude::*;

use crate::support::*;

/// Characters the prose rules look at, and some that break things (wide digits, spaces).
const ALPHABET: &str = "[受理收到新收未没有无其中申请公开依件条起宗0-9０-９，,。；;：:（）()“”行政复议诉讼纠正结转下一年度上顺延现将报告工作统计期限自至截止截至底月日信息处理费收取元万共累计 \n\u{3000}a2]{0,160}";

fn value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        (-3i64..40).prop_map(|n| Some(Value::Count(n))),
        Just(Some(Value::Count(i64::MAX))),
        Just(Some(Value::Count(i64::MIN))),
        Just(Some(Value::Invalid("若干".into()))),
        Just(Some(Value::Amount("1.5".into()))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn prose_never_panics(a in ALPHABET, b in ALPHABET, year in 2000i32..2030) {
        let doc = Builder::for_year(year).overview(&a).problems(&b).other(&a).build();
        let first = run(&doc);
        prop_assert_eq!(first, run(&doc));
        let _ = check(&doc.report, None, &Selection::all());
    }

    #[test]
    fn tables_never_panic(values in proptest::collection::vec(value(), 25 * 7 + 15)) {
        let mut doc = consistent();
        let mut it = values.into_iter();
        if let Some(t) = doc.report.requests.as_mut() {
            for row in &mut t.rows {
                for c in &mut row.cells {
                    c.value = it.next().flatten();
                }
            }
        }
        for g in ReviewGroup::ALL {
            for c in ReviewColumn::ALL {
                rev_cell(&mut doc.report, g, c).value = it.next().flatten();
            }
        }
        let _ = run(&doc);
    }
}
