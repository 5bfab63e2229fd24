//! What holds for every period: the due day is a counted working day; between day 0 and
//! it every day is either counted or skipped with a reason, and exactly `n` are
//! counted; a longer period never ends earlier; a pause never makes a period shorter.

use gongkai_deadline::{count_working_days, Calendar, Pause, PauseKind};
use gongkai_model::date::Date;
use proptest::prelude::*;

fn day(n: i64) -> Date {
    Date::from_days_since_epoch(n).unwrap()
}

fn arb_day() -> impl Strategy<Value = i64> {
    // 2019-01-01 … 2026-12-31
    Date::new(2019, 1, 1).unwrap().days_since_epoch()
        ..=Date::new(2026, 12, 31).unwrap().days_since_epoch()
}

proptest! {
    #[test]
    fn every_day_is_counted_or_skipped_and_exactly_n_are_counted(
        start in arb_day(),
        n in 0u32..70,
        pause in proptest::option::of((0i64..60, 0i64..40)),
    ) {
        let cal = Calendar::official();
        let d0 = day(start);
        let pauses: Vec<Pause> = pause
            .map(|(off, len)| Pause {
                kind: PauseKind::Consultation,
                from: day(start + off),
                to: Some(day(start + off + len)),
            })
            .into_iter()
            .collect();
        let p = count_working_days(&cal, d0, n, &pauses).unwrap();
        let due = p.due.unwrap();
        prop_assert_eq!(p.counted, n);
        let span = due.days_since_epoch() - start;
        prop_assert_eq!(span, i64::from(n) + p.skipped.len() as i64);
        if n > 0 {
            prop_assert!(cal.is_working(due));
            prop_assert!(!pauses.iter().any(|q| q.from <= due && q.to.is_some_and(|t| due <= t)));
        } else {
            prop_assert_eq!(due, d0);
        }
        for s in &p.skipped {
            prop_assert!(s.date > d0 && s.date < due);
            let paused = pauses.iter().any(|q| q.from <= s.date && q.to.is_some_and(|t| s.date <= t));
            prop_assert!(!cal.is_working(s.date) || paused);
        }
        for m in &p.make_up_days {
            prop_assert!(m.is_weekend() && cal.is_working(*m));
        }
        let longer = count_working_days(&cal, d0, n + 1, &pauses).unwrap().due.unwrap();
        prop_assert!(longer > due);
        let unpaused = count_working_days(&cal, d0, n, &[]).unwrap().due.unwrap();
        prop_assert!(unpaused <= due);
        prop_assert_eq!(p.provisional, due.year > 2026);
    }
}
