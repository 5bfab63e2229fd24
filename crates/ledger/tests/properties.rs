//! Random ledgers — thousands of requests over three years with every kind of event,
//! outcome, applicant, split and fee, cases and documents — and what must hold for every
//! one: the A rules pass on each year's tables, next year's 上年结转 is this year's 结转下年度
//! per column (Y001) and the document stock continues (Y002), every request concluded in
//! a year is behind exactly one outcome cell, and the same ledger in another order gives
//! the same tables.

use std::collections::BTreeMap;

use gongkai_check::{check, cross, Selection};
use gongkai_deadline::Calendar;
use gongkai_ledger::model::Closure;
use gongkai_ledger::sample::{after, random_ledger as ledger};
use gongkai_ledger::{compute, Behind, Outcome};
use gongkai_model::schema::{RequestColumn, RequestRowKey};
use gongkai_model::year_facts::YearFacts;
use gongkai_model::CellRef;
use proptest::prelude::*;

fn tables_selection() -> Selection {
    Selection::new(&["A".into(), "V".into()], &[]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn every_ledger_gives_tables_that_add_up_and_carry_over(seed in any::<u64>(), n in 1500usize..3500) {
        let cal = Calendar::official();
        let ledger = ledger(seed, n);
        prop_assert_eq!(ledger.problems(&cal), vec![]);
        let years: Vec<_> = (2022..=2024).map(|y| compute(&ledger, &cal, y).unwrap()).collect();
        for t in &years {
            let findings = check(&t.report, None, &tables_selection());
            prop_assert!(findings.is_empty(), "{}: {:?}", t.year, findings.iter().map(|f| &f.message).collect::<Vec<_>>());
            prop_assert!(t.unrecorded.is_empty());
            // Every request concluded in the year is behind exactly one outcome cell.
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (cell, b) in &t.behind {
                if let (CellRef::Request { row, column }, Behind::Requests(ids)) = (cell, b) {
                    if row.def().is_outcome && *column != RequestColumn::Total {
                        for id in ids {
                            *seen.entry(id.clone()).or_default() += 1;
                        }
                    }
                }
            }
            let concluded: Vec<&str> = ledger
                .requests
                .iter()
                .filter(|r| r.counted() && r.closure.as_ref().is_some_and(|c| c.date.year == t.year))
                .map(|r| r.id.as_str())
                .collect();
            prop_assert_eq!(seen.len(), concluded.len());
            prop_assert!(seen.values().all(|&n| n == 1));
            let total = t.report.requests.as_ref().unwrap().value(RequestRowKey::TotalProcessed, RequestColumn::Total);
            prop_assert_eq!(total, Some(concluded.len() as i64));
        }
        for pair in years.windows(2) {
            let (prev, cur) = (YearFacts::of(&pair[0].report).unwrap(), YearFacts::of(&pair[1].report).unwrap());
            prop_assert_eq!(prev.carried_forward, cur.carried_over);
            prop_assert!(cross::carry_over_mismatch(&prev, &cur).is_empty());
            prop_assert!(cross::stock_discontinuity(&prev, &cur).is_empty());
        }
        // The same ledger in another order: the same tables, cell by cell and behind.
        let mut shuffled = ledger.clone();
        shuffled.requests.reverse();
        shuffled.cases.reverse();
        shuffled.documents.reverse();
        for t in &years {
            let again = compute(&shuffled, &cal, t.year).unwrap();
            prop_assert_eq!(&again.report, &t.report);
            prop_assert_eq!(&again.behind, &t.behind);
            prop_assert_eq!(&again.processing_fees, &t.processing_fees);
        }
    }
}

#[test]
fn a_ledger_with_problems_gives_no_tables() {
    let cal = Calendar::official();
    let mut l = ledger(7, 50);
    let r = &mut l.requests[0];
    r.closure = Some(Closure {
        outcome: Outcome::GRANTED,
        date: after(r.received, -3),
        grounds: vec![],
    });
    let err = compute(&l, &cal, 2023).unwrap_err().to_string();
    assert!(
        err.starts_with("台账有 1 处问题，改正后才能生成统计表："),
        "{err}"
    );
    assert!(err.contains("早于收到申请之日"), "{err}");
}

#[test]
fn a_per_request_fee_counts_the_applicants_requests_of_the_month() {
    use gongkai_deadline::Channel;
    use gongkai_ledger::{Applicant, ApplicantKind, FeeMethod, Ledger, Request};
    use gongkai_model::date::Date;
    let cal = Calendar::official();
    let who = Applicant {
        name: "张三".into(),
        kind: ApplicantKind::NaturalPerson,
    };
    let mut l = Ledger {
        agency: "某局".into(),
        ..Ledger::default()
    };
    for i in 1..=12u32 {
        // Two a day from 3 March; the eleventh and twelfth are charged.
        let received = Date::new(2023, 3, 3 + (i - 1) / 2).unwrap();
        l.requests.push(Request {
            id: format!("2023-{i:03}"),
            applicant: who.clone(),
            channel: Channel::Online,
            received,
            content: String::new(),
            events: vec![],
            closure: Some(Closure {
                outcome: Outcome::GRANTED,
                date: after(received, 5),
                grounds: vec![],
            }),
            fee: (i >= 10).then_some(FeeMethod::PerRequest),
            split_from: None,
            split: false,
        });
    }
    // Another applicant's requests and another month's do not count.
    let mut other = l.requests[0].clone();
    other.id = "2023-100".into();
    other.applicant.name = "李四".into();
    l.requests.push(other);
    let t = compute(&l, &cal, 2023).unwrap();
    let fees: Vec<(&str, u64)> = t
        .processing_fees
        .iter()
        .map(|(id, f)| (id.as_str(), f.yuan))
        .collect();
    assert_eq!(
        fees,
        vec![("2023-010", 0), ("2023-011", 100), ("2023-012", 100)]
    );
    assert_eq!(t.processing_fees_total(), 200);
    assert_eq!(
        t.processing_fees[1].1.explanation,
        "按件计收：本月同一申请人第 11 件申请，第 11–30 件每件 100 元，收费 100 元"
    );
}
