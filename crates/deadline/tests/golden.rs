//! The spec's golden deadlines (`../shared/spec/request-handling.md`) and the issue's
//! three more: a 补正, a third-party pause across 春节, a request received on a
//! make-up Saturday; then fees, an extension, a provisional year and bad clocks. The
//! expected dates were counted independently (with the `chinesecalendar` package).

use gongkai_deadline::clock::{deadlines, Event};
use gongkai_deadline::{
    count_working_days, Calendar, Channel, ClockError, PauseKind, RequestClock,
};
use gongkai_model::date::Date;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn due(received: &str, days: u32) -> Date {
    count_working_days(&Calendar::official(), d(received), days, &[])
        .unwrap()
        .due
        .unwrap()
}

fn clock(received: &str, events: Vec<Event>) -> gongkai_deadline::Deadlines {
    deadlines(
        &Calendar::official(),
        &RequestClock {
            received: d(received),
            channel: Some(Channel::Online),
            events,
        },
    )
    .unwrap()
}

#[test]
fn the_specs_golden_examples() {
    assert_eq!(due("2026-02-10", 20), d("2026-03-16"));
    assert_eq!(due("2026-02-10", 40), d("2026-04-14"));
    assert_eq!(due("2026-09-15", 20), d("2026-10-19"));
    assert_eq!(due("2026-09-15", 40), d("2026-11-16"));
    assert_eq!(due("2024-12-25", 20), d("2025-01-23"));
    assert_eq!(due("2021-01-29", 20), d("2021-03-03"));
    // 补正 notice within 7 working days.
    assert_eq!(due("2026-02-10", 7), d("2026-02-26"));
    let c = clock("2026-02-10", vec![]);
    assert_eq!(c.correction_notice.due, Some(d("2026-02-26")));
    assert_eq!(c.answer.as_ref().unwrap().due, Some(d("2026-03-16")));
    let c = clock("2026-02-10", vec![Event::Extended(d("2026-03-10"))]);
    assert!(c.extended);
    assert_eq!(c.answer.as_ref().unwrap().due, Some(d("2026-04-14")));
}

#[test]
fn the_explanation_names_every_day_skipped_and_every_make_up_day() {
    let p = count_working_days(&Calendar::official(), d("2026-02-10"), 20, &[]).unwrap();
    assert_eq!(p.make_up_days, vec![d("2026-02-14"), d("2026-02-28")]);
    assert_eq!(p.skipped.len(), 14);
    assert!(!p.provisional);
    let notice = "《国务院办公厅关于2026年部分节假日安排的通知》";
    assert_eq!(
        p.explain(),
        format!(
            "2026-02-10 为第 0 日，自次日起算 20 个工作日，至 2026-03-16 止。其间不计 14 天：\
             2026-02-15 至 2026-02-23 春节假期（{notice}），9 天；\
             2026-03-01 周末；2026-03-07 至 2026-03-08 周末，2 天；2026-03-14 至 2026-03-15 周末，2 天。\
             调休上班的周末计入工作日：2026-02-14、2026-02-28。"
        )
    );
}

#[test]
fn a_correction_restarts_the_clock_from_the_corrected_request() {
    let waiting = clock(
        "2026-03-02",
        vec![Event::CorrectionRequested(d("2026-03-05"))],
    );
    assert_eq!(waiting.correction_notice.due, Some(d("2026-03-11")));
    assert!(!waiting.correction_notice_late);
    assert!(waiting.awaiting_correction);
    assert_eq!(waiting.answer, None);
    let c = clock(
        "2026-03-02",
        vec![
            Event::CorrectionRequested(d("2026-03-05")),
            Event::CorrectionReceived(d("2026-03-20")),
        ],
    );
    assert_eq!(c.day_zero, d("2026-03-20"));
    assert_eq!(c.answer.as_ref().unwrap().due, Some(d("2026-04-20")));
    // Asked for after the seventh working day: said, the clock still restarts.
    let late = clock(
        "2026-03-02",
        vec![
            Event::CorrectionRequested(d("2026-03-12")),
            Event::CorrectionReceived(d("2026-03-20")),
        ],
    );
    assert!(late.correction_notice_late);
    assert!(late
        .explain()
        .iter()
        .any(|l| l.contains("【告知补正晚于法定期限】")));
}

#[test]
fn a_third_party_pause_across_the_spring_festival() {
    let c = clock(
        "2026-02-02",
        vec![
            Event::ThirdPartyStarted(d("2026-02-09")),
            Event::ThirdPartyEnded(d("2026-03-06")),
        ],
    );
    let answer = c.answer.as_ref().unwrap();
    assert_eq!(answer.due, Some(d("2026-03-30")));
    // The working days inside the pause are skipped as paused, the festival as a holiday.
    let paused = answer
        .skipped
        .iter()
        .filter(|s| s.paused == Some(PauseKind::ThirdParty))
        .count();
    assert_eq!(paused, 16);
    assert!(answer
        .skipped
        .iter()
        .any(|s| s.date == d("2026-02-17") && s.why.starts_with("春节假期")));
    assert_eq!(c.third_party_reply.len(), 1);
    assert_eq!(c.third_party_reply[0].due, Some(d("2026-03-06")));
    // While the third party has not answered, the clock stands.
    let open = clock(
        "2026-02-02",
        vec![Event::ThirdPartyStarted(d("2026-02-09"))],
    );
    let answer = open.answer.as_ref().unwrap();
    assert_eq!(answer.due, None);
    assert_eq!(answer.stopped_by, Some(PauseKind::ThirdParty));
    assert_eq!(answer.counted, 4);
}

#[test]
fn received_on_a_make_up_saturday() {
    // 2026-02-14 is a Saturday worked for 春节: it is day 0, counting starts on the 15th.
    assert_eq!(d("2026-02-14").iso_weekday(), 6);
    assert_eq!(due("2026-02-14", 20), d("2026-03-20"));
}

#[test]
fn a_fee_notice_pauses_the_clock_and_gives_twenty_days_to_pay() {
    let c = clock(
        "2026-06-01",
        vec![
            Event::FeeNoticeSent(d("2026-06-10")),
            Event::FeeNoticeReceived(d("2026-06-12")),
            Event::FeePaid(d("2026-06-30")),
            Event::Answered(d("2026-07-21")),
        ],
    );
    assert_eq!(c.fee_payment.as_ref().unwrap().due, Some(d("2026-07-13")));
    assert_eq!(c.answer.as_ref().unwrap().due, Some(d("2026-07-20")));
    assert!(c.answered_late);
}

#[test]
fn a_year_without_a_notice_is_provisional_and_says_so() {
    let p = count_working_days(&Calendar::official(), d("2026-12-15"), 20, &[]).unwrap();
    assert!(p.provisional);
    assert_eq!(p.provisional_years, vec![2027]);
    // Weekends only in 2027, nothing assumed: even 1 January counts. 12-16 … 12-31 give
    // 12 days, then 1 and 4–8 and 11–12 January.
    assert_eq!(p.due, Some(d("2027-01-12")));
    assert!(p
        .explain()
        .contains("【暂定】日历中没有 2027 年的国务院办公厅节假日安排通知"));
    assert!(
        !count_working_days(&Calendar::official(), d("2026-11-02"), 20, &[])
            .unwrap()
            .provisional
    );
}

#[test]
fn a_local_closure_moves_the_date_and_is_explained() {
    let mut cal = Calendar::official();
    cal.add_overrides("日期,类型,名称\n2026-03-16,休,防汛停工\n", "本地.csv")
        .unwrap();
    let p = count_working_days(&cal, d("2026-02-10"), 20, &[]).unwrap();
    assert_eq!(p.due, Some(d("2026-03-17")));
    assert!(p
        .explain()
        .contains("2026-03-16 防汛停工（本地放假，本地.csv）"));
}

#[test]
fn bad_clocks_are_errors_not_dates() {
    let cal = Calendar::official();
    let run = |events: Vec<Event>| {
        deadlines(
            &cal,
            &RequestClock {
                received: d("2026-03-02"),
                channel: None,
                events,
            },
        )
    };
    assert!(matches!(
        run(vec![Event::Answered(d("2026-03-01"))]),
        Err(ClockError::BeforeReceipt { .. })
    ));
    assert!(matches!(
        run(vec![Event::ThirdPartyEnded(d("2026-03-05"))]),
        Err(ClockError::EndWithoutStart { .. })
    ));
    assert!(matches!(
        run(vec![Event::CorrectionReceived(d("2026-03-05"))]),
        Err(ClockError::EndWithoutStart { .. })
    ));
    assert!(matches!(
        run(vec![
            Event::Extended(d("2026-03-05")),
            Event::Extended(d("2026-03-06"))
        ]),
        Err(ClockError::ExtendedTwice { .. })
    ));
    let mut closed = Calendar::official();
    let mut text = String::from("日期,类型,名称\n");
    let mut day = d("2026-03-03");
    for _ in 0..1200 {
        text.push_str(&format!("{day},休,封闭\n"));
        day = day.succ().unwrap();
    }
    closed.add_overrides(&text, "x.csv").unwrap();
    assert!(matches!(
        count_working_days(&closed, d("2026-03-02"), 20, &[]),
        Err(ClockError::NoWorkingDays { .. })
    ));
}
