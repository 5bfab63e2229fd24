//! The statutory periods of one disclosure request, from its receipt and the events on
//! its clock (条例 Art 30–33; 办法 Art 7). The day of receipt is day 0 and a period
//! starts the next day; the days of a third-party or inter-agency consultation and of a
//! fee notice awaiting payment are not counted; a 补正 restarts the clock from the
//! day the corrected request arrives.

use gongkai_model::date::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Day, Why};

/// Working days to answer (Art 33).
pub const ANSWER_DAYS: u32 = 20;
/// More working days an extension gives, at most (Art 33).
pub const EXTENSION_DAYS: u32 = 20;
/// Working days within which a 补正 must be asked for (Art 30).
pub const CORRECTION_NOTICE_DAYS: u32 = 7;
/// Working days the third party has to reply (Art 32).
pub const THIRD_PARTY_DAYS: u32 = 15;
/// Working days the applicant has to pay a fee, from the day after the notice (办法 Art 7).
pub const FEE_PAYMENT_DAYS: u32 = 20;

/// How far ahead a period is looked for before the calendar is declared to have no
/// working days (a local override closing years on end).
const SEARCH_LIMIT_DAYS: i64 = 3 * 366;

/// How a request arrived; decides which date is its day of receipt (Art 31).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    InPerson,
    PostSigned,
    OrdinaryLetter,
    Online,
    Fax,
    Oral,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::InPerson,
        Channel::PostSigned,
        Channel::OrdinaryLetter,
        Channel::Online,
        Channel::Fax,
        Channel::Oral,
    ];

    /// The name the CLI and the ledger's files use.
    pub fn code(self) -> &'static str {
        match self {
            Channel::InPerson => "in-person",
            Channel::PostSigned => "post-signed",
            Channel::OrdinaryLetter => "ordinary-letter",
            Channel::Online => "online",
            Channel::Fax => "fax",
            Channel::Oral => "oral",
        }
    }

    /// Reads a code or its Chinese name.
    pub fn parse(s: &str) -> Option<Channel> {
        let s = s.trim();
        Channel::ALL
            .into_iter()
            .find(|c| c.code() == s || c.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交",
            Channel::PostSigned => "邮寄（需签收）",
            Channel::OrdinaryLetter => "平常信函",
            Channel::Online => "互联网渠道",
            Channel::Fax => "传真",
            Channel::Oral => "口头提出",
        }
    }

    /// Which date is the day of receipt (Art 31).
    pub fn receipt_rule(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交的，以提交之日为收到申请之日",
            Channel::PostSigned => "以邮寄等需要签收方式提交的，以签收之日为收到申请之日",
            Channel::OrdinaryLetter => {
                "以平常信函等无需签收方式提交的，以与申请人确认之日为收到申请之日"
            }
            Channel::Online => "通过互联网渠道提交的，以双方确认之日为收到申请之日",
            Channel::Fax => "通过传真提交的，以双方确认之日为收到申请之日",
            Channel::Oral => "口头提出由工作人员代为填写的，以当场填写确认之日为收到申请之日",
        }
    }
}

/// Time on a request's clock that is not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    /// Consulting a third party (Art 32).
    ThirdParty,
    /// Consulting other agencies (Art 33).
    Consultation,
    /// From the fee notice's sending to the payment (办法 Art 7).
    Fee,
}

impl PauseKind {
    pub fn label(self) -> &'static str {
        match self {
            PauseKind::ThirdParty => "征求第三方意见",
            PauseKind::Consultation => "征求其他机关意见",
            PauseKind::Fee => "收费通知送出至缴费",
        }
    }
}

/// Days not counted: `from` through `to`, inclusive; `to` is `None` while it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub kind: PauseKind,
    pub from: Date,
    pub to: Option<Date>,
}

impl Pause {
    fn covers(&self, d: Date) -> bool {
        self.from <= d && self.to.is_none_or(|to| d <= to)
    }
}

/// A day passed over: not a working day, or a working day not counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub date: Date,
    /// Why, in words.
    pub why: String,
    /// The pause it fell in, for a working day not counted.
    pub paused: Option<PauseKind>,
}

/// A period of working days and how its end was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    /// Day 0: the period starts the next day.
    pub day_zero: Date,
    pub working_days: u32,
    /// The last day; `None` while the clock is stopped (a pause with no end).
    pub due: Option<Date>,
    /// The pause the clock stands in, if it does.
    pub stopped_by: Option<PauseKind>,
    /// Working days counted so far (all of them when `due` is known).
    pub counted: u32,
    /// A day of the period falls in a year with no holiday notice in the calendar:
    /// weekends only were taken there, and the date may move when the notice is out.
    pub provisional: bool,
    pub provisional_years: Vec<i32>,
    /// Weekend days that counted because a notice made them working days.
    pub make_up_days: Vec<Date>,
    /// Every day passed over, with why.
    pub skipped: Vec<Skipped>,
}

impl Period {
    /// The explanation in words: day 0, the count, the days skipped grouped by reason,
    /// the make-up days counted, and whether the date is provisional.
    pub fn explain(&self) -> String {
        let mut out = format!(
            "{} 为第 0 日，自次日起算 {} 个工作日",
            self.day_zero, self.working_days
        );
        match (self.due, self.stopped_by) {
            (Some(due), _) => out.push_str(&format!("，至 {due} 止")),
            (None, Some(kind)) => out.push_str(&format!(
                "；已计 {} 个工作日，{}期间停止计算，截止日待定",
                self.counted,
                kind.label()
            )),
            (None, None) => {}
        }
        out.push('。');
        if !self.skipped.is_empty() {
            out.push_str(&format!("其间不计 {} 天：", self.skipped.len()));
            let groups = group_runs(&self.skipped);
            out.push_str(&groups.join("；"));
            out.push('。');
        }
        if !self.make_up_days.is_empty() {
            let days: Vec<String> = self.make_up_days.iter().map(Date::to_string).collect();
            out.push_str(&format!("调休上班的周末计入工作日：{}。", days.join("、")));
        }
        if self.provisional {
            let years: Vec<String> = self.provisional_years.iter().map(i32::to_string).collect();
            out.push_str(&format!(
                "【暂定】日历中没有 {} 年的国务院办公厅节假日安排通知，该年只按周末计算，通知发布后日期可能变化。",
                years.join("、")
            ));
        }
        out
    }
}

/// Consecutive skipped days with the same reason, as "2026-02-15 至 2026-02-23 春节假期（…），9 天".
fn group_runs(skipped: &[Skipped]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < skipped.len() {
        let mut j = i + 1;
        while j < skipped.len()
            && skipped[j].why == skipped[i].why
            && skipped[j - 1].date.succ() == Some(skipped[j].date)
        {
            j += 1;
        }
        let (first, last) = (skipped[i].date, skipped[j - 1].date);
        out.push(if first == last {
            format!("{first} {}", skipped[i].why)
        } else {
            format!("{first} 至 {last} {}，{} 天", skipped[i].why, j - i)
        });
        i = j;
    }
    out
}

/// A clock that cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("{what}（{date}）早于收到申请之日（{received}）")]
    BeforeReceipt {
        what: &'static str,
        date: Date,
        received: Date,
    },
    #[error("{what}（{date}）之前没有对应的开始事件")]
    EndWithoutStart { what: &'static str, date: Date },
    #[error("{what}（{date}）早于其开始之日（{start}）")]
    EndBeforeStart {
        what: &'static str,
        date: Date,
        start: Date,
    },
    #[error("延长答复期限只能一次（最多 20 个工作日），{date} 又登记了延长")]
    ExtendedTwice { date: Date },
    #[error("自 {from} 起 {days} 天内找不到所需的工作日（本地放假设置是否有误？）")]
    NoWorkingDays { from: Date, days: i64 },
}

/// Counts `n` working days after `day_zero`, passing over non-working days and the
/// working days inside `pauses`.
pub fn count_working_days(
    cal: &Calendar,
    day_zero: Date,
    n: u32,
    pauses: &[Pause],
) -> Result<Period, ClockError> {
    let mut p = Period {
        day_zero,
        working_days: n,
        due: None,
        stopped_by: None,
        counted: 0,
        provisional: false,
        provisional_years: Vec::new(),
        make_up_days: Vec::new(),
        skipped: Vec::new(),
    };
    if n == 0 {
        p.due = Some(day_zero);
        return Ok(p);
    }
    let mut d = day_zero;
    for _ in 0..SEARCH_LIMIT_DAYS {
        // A pause with no end stops the clock on its first day.
        let next = match d.succ() {
            Some(next) => next,
            None => break,
        };
        d = next;
        if !cal.covers(d.year) && !p.provisional_years.contains(&d.year) {
            p.provisional = true;
            p.provisional_years.push(d.year);
        }
        let Day { working, why, .. } = cal.day(d);
        if let Some(open) = pauses.iter().find(|q| q.to.is_none() && q.from <= d) {
            p.stopped_by = Some(open.kind);
            return Ok(p);
        }
        if !working {
            p.skipped.push(Skipped {
                date: d,
                why: why.describe(),
                paused: None,
            });
            continue;
        }
        if let Some(pause) = pauses.iter().find(|q| q.covers(d)) {
            p.skipped.push(Skipped {
                date: d,
                why: format!("{}期间不计算", pause.kind.label()),
                paused: Some(pause.kind),
            });
            continue;
        }
        if matches!(why, Why::MakeUpWorkday { .. } | Why::LocalWorkday { .. }) && d.is_weekend() {
            p.make_up_days.push(d);
        }
        p.counted += 1;
        if p.counted == n {
            p.due = Some(d);
            return Ok(p);
        }
    }
    Err(ClockError::NoWorkingDays {
        from: day_zero,
        days: SEARCH_LIMIT_DAYS,
    })
}

/// Something that happened on a request's clock, with its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", content = "date", rename_all = "snake_case")]
pub enum Event {
    /// The agency asked the applicant to correct the request (补正, Art 30).
    CorrectionRequested(Date),
    /// The corrected request arrived: the clock restarts from this day.
    CorrectionReceived(Date),
    ThirdPartyStarted(Date),
    ThirdPartyEnded(Date),
    ConsultationStarted(Date),
    ConsultationEnded(Date),
    /// The answer period was extended by 20 working days (Art 33).
    Extended(Date),
    FeeNoticeSent(Date),
    /// The applicant received the fee notice: the payment period starts the next day.
    FeeNoticeReceived(Date),
    FeePaid(Date),
    Answered(Date),
}

impl Event {
    pub fn date(self) -> Date {
        match self {
            Event::CorrectionRequested(d)
            | Event::CorrectionReceived(d)
            | Event::ThirdPartyStarted(d)
            | Event::ThirdPartyEnded(d)
            | Event::ConsultationStarted(d)
            | Event::ConsultationEnded(d)
            | Event::Extended(d)
            | Event::FeeNoticeSent(d)
            | Event::FeeNoticeReceived(d)
            | Event::FeePaid(d)
            | Event::Answered(d) => d,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Event::CorrectionRequested(_) => "告知补正",
            Event::CorrectionReceived(_) => "收到补正后的申请",
            Event::ThirdPartyStarted(_) => "征求第三方意见",
            Event::ThirdPartyEnded(_) => "第三方意见收回",
            Event::ConsultationStarted(_) => "征求其他机关意见",
            Event::ConsultationEnded(_) => "其他机关意见收回",
            Event::Extended(_) => "延长答复期限",
            Event::FeeNoticeSent(_) => "送出收费通知",
            Event::FeeNoticeReceived(_) => "申请人收到收费通知",
            Event::FeePaid(_) => "申请人缴费",
            Event::Answered(_) => "答复",
        }
    }

    /// Every kind, by its code (`correction-requested` …), in the order they happen.
    pub const KINDS: [&'static str; 11] = [
        "correction-requested",
        "correction-received",
        "third-party-started",
        "third-party-ended",
        "consultation-started",
        "consultation-ended",
        "extended",
        "fee-notice-sent",
        "fee-notice-received",
        "fee-paid",
        "answered",
    ];

    /// The event of kind `code` ([`Event::KINDS`]) on `date`.
    pub fn of_kind(code: &str, date: Date) -> Option<Event> {
        Some(match code.trim() {
            "correction-requested" => Event::CorrectionRequested(date),
            "correction-received" => Event::CorrectionReceived(date),
            "third-party-started" => Event::ThirdPartyStarted(date),
            "third-party-ended" => Event::ThirdPartyEnded(date),
            "consultation-started" => Event::ConsultationStarted(date),
            "consultation-ended" => Event::ConsultationEnded(date),
            "extended" => Event::Extended(date),
            "fee-notice-sent" => Event::FeeNoticeSent(date),
            "fee-notice-received" => Event::FeeNoticeReceived(date),
            "fee-paid" => Event::FeePaid(date),
            "answered" => Event::Answered(date),
            _ => return None,
        })
    }

    /// The code of this event's kind.
    pub fn kind(self) -> &'static str {
        let i = match self {
            Event::CorrectionRequested(_) => 0,
            Event::CorrectionReceived(_) => 1,
            Event::ThirdPartyStarted(_) => 2,
            Event::ThirdPartyEnded(_) => 3,
            Event::ConsultationStarted(_) => 4,
            Event::ConsultationEnded(_) => 5,
            Event::Extended(_) => 6,
            Event::FeeNoticeSent(_) => 7,
            Event::FeeNoticeReceived(_) => 8,
            Event::FeePaid(_) => 9,
            Event::Answered(_) => 10,
        };
        Event::KINDS[i]
    }
}

/// A request's receipt and the events on its clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestClock {
    pub received: Date,
    pub channel: Option<Channel>,
    pub events: Vec<Event>,
}

/// Every deadline of a request, each explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    pub received: Date,
    /// Which date is the day of receipt, for the channel given.
    pub receipt_rule: Option<&'static str>,
    /// The last day a 补正 may be asked for: 7 working days from receipt.
    pub correction_notice: Period,
    /// A 补正 was asked for after that day.
    pub correction_notice_late: bool,
    /// A 补正 was asked for and the corrected request has not arrived: the answer
    /// period has not started.
    pub awaiting_correction: bool,
    /// Day 0 of the answer period: the receipt, or the corrected request's arrival.
    pub day_zero: Date,
    pub extended: bool,
    /// The answer period: 20 working days, 40 extended, pauses not counted.
    pub answer: Option<Period>,
    /// Each third-party consultation's 15 working days to reply.
    pub third_party_reply: Vec<Period>,
    /// The fee's 20 working days, from the day after the notice was received.
    pub fee_payment: Option<Period>,
    pub pauses: Vec<Pause>,
    pub answered: Option<Date>,
    /// Answered after the due date.
    pub answered_late: bool,
}

impl Deadlines {
    /// The explanation of every deadline, a line each.
    pub fn explain(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(rule) = self.receipt_rule {
            out.push(format!("收到申请：{}（{rule}）", self.received));
        }
        out.push(format!(
            "告知补正最迟：{}（{}）{}",
            opt(self.correction_notice.due),
            self.correction_notice.explain(),
            if self.correction_notice_late {
                "【告知补正晚于法定期限】"
            } else {
                ""
            }
        ));
        match &self.answer {
            Some(a) => out.push(format!(
                "答复期限{}：{}（{}）",
                if self.extended { "（已延长）" } else { "" },
                opt(a.due),
                a.explain()
            )),
            None => {
                out.push("答复期限：等待申请人补正，收到补正后的申请之日起重新计算".to_string())
            }
        }
        for p in &self.third_party_reply {
            out.push(format!("第三方答复期限：{}（{}）", opt(p.due), p.explain()));
        }
        if let Some(p) = &self.fee_payment {
            out.push(format!(
                "缴费期限：{}（{}；逾期未缴费的视为放弃申请）",
                opt(p.due),
                p.explain()
            ));
        }
        if let Some(d) = self.answered {
            out.push(format!(
                "已于 {d} 答复{}",
                if self.answered_late {
                    "【逾期】"
                } else {
                    ""
                }
            ));
        }
        out
    }
}

fn opt(d: Option<Date>) -> String {
    d.map_or_else(|| "待定".to_string(), |d| d.to_string())
}

/// Pairs start and end events of one kind into pauses, in date order.
fn pauses_of(
    events: &[Event],
    kind: PauseKind,
    start: fn(&Event) -> bool,
    end: fn(&Event) -> bool,
    end_label: &'static str,
) -> Result<Vec<Pause>, ClockError> {
    let mut out: Vec<Pause> = Vec::new();
    let mut open: Option<Date> = None;
    for e in events {
        if start(e) {
            // A second start while one is open changes nothing: the first counts.
            open.get_or_insert(e.date());
        } else if end(e) {
            let Some(from) = open.take() else {
                return Err(ClockError::EndWithoutStart {
                    what: end_label,
                    date: e.date(),
                });
            };
            if e.date() < from {
                return Err(ClockError::EndBeforeStart {
                    what: end_label,
                    date: e.date(),
                    start: from,
                });
            }
            out.push(Pause {
                kind,
                from,
                to: Some(e.date()),
            });
        }
    }
    if let Some(from) = open {
        out.push(Pause {
            kind,
            from,
            to: None,
        });
    }
    Ok(out)
}

/// Computes a request's deadlines from its receipt and events (in any order: they are
/// taken in date order, and in the order given on the same day).
pub fn deadlines(cal: &Calendar, clock: &RequestClock) -> Result<Deadlines, ClockError> {
    let mut events = clock.events.clone();
    events.sort_by_key(|e| e.date());
    for e in &events {
        if e.date() < clock.received {
            return Err(ClockError::BeforeReceipt {
                what: e.label(),
                date: e.date(),
                received: clock.received,
            });
        }
    }
    let correction_notice = count_working_days(cal, clock.received, CORRECTION_NOTICE_DAYS, &[])?;
    let requested = events.iter().find_map(|e| match e {
        Event::CorrectionRequested(d) => Some(*d),
        _ => None,
    });
    let corrected = events.iter().find_map(|e| match e {
        Event::CorrectionReceived(d) => Some(*d),
        _ => None,
    });
    if let Some(c) = corrected {
        match requested {
            None => {
                return Err(ClockError::EndWithoutStart {
                    what: "收到补正后的申请",
                    date: c,
                })
            }
            Some(r) if c < r => {
                return Err(ClockError::EndBeforeStart {
                    what: "收到补正后的申请",
                    date: c,
                    start: r,
                })
            }
            Some(_) => {}
        }
    }
    let correction_notice_late = match (requested, correction_notice.due) {
        (Some(r), Some(due)) => r > due,
        _ => false,
    };
    let awaiting_correction = requested.is_some() && corrected.is_none();
    let day_zero = corrected.unwrap_or(clock.received);

    let mut extended = false;
    for e in &events {
        if let Event::Extended(d) = e {
            if extended {
                return Err(ClockError::ExtendedTwice { date: *d });
            }
            extended = true;
        }
    }
    let mut pauses = pauses_of(
        &events,
        PauseKind::ThirdParty,
        |e| matches!(e, Event::ThirdPartyStarted(_)),
        |e| matches!(e, Event::ThirdPartyEnded(_)),
        "第三方意见收回",
    )?;
    let third_party_reply = pauses
        .iter()
        .map(|p| count_working_days(cal, p.from, THIRD_PARTY_DAYS, &[]))
        .collect::<Result<Vec<_>, _>>()?;
    pauses.extend(pauses_of(
        &events,
        PauseKind::Consultation,
        |e| matches!(e, Event::ConsultationStarted(_)),
        |e| matches!(e, Event::ConsultationEnded(_)),
        "其他机关意见收回",
    )?);
    pauses.extend(pauses_of(
        &events,
        PauseKind::Fee,
        |e| matches!(e, Event::FeeNoticeSent(_)),
        |e| matches!(e, Event::FeePaid(_)),
        "申请人缴费",
    )?);
    pauses.sort_by_key(|p| (p.from, p.kind as u8));
    let fee_notice = events.iter().find_map(|e| match e {
        Event::FeeNoticeReceived(d) => Some(*d),
        _ => None,
    });
    let fee_sent = events.iter().find_map(|e| match e {
        Event::FeeNoticeSent(d) => Some(*d),
        _ => None,
    });
    let fee_payment = match fee_notice.or(fee_sent) {
        Some(d) => Some(count_working_days(cal, d, FEE_PAYMENT_DAYS, &[])?),
        None => None,
    };
    let days = ANSWER_DAYS + if extended { EXTENSION_DAYS } else { 0 };
    let answer = if awaiting_correction {
        None
    } else {
        Some(count_working_days(cal, day_zero, days, &pauses)?)
    };
    let answered = events.iter().find_map(|e| match e {
        Event::Answered(d) => Some(*d),
        _ => None,
    });
    let answered_late = match (answered, answer.as_ref().and_then(|a| a.due)) {
        (Some(a), Some(due)) => a > due,
        _ => false,
    };
    Ok(Deadlines {
        received: clock.received,
        receipt_rule: clock.channel.map(Channel::receipt_rule),
        correction_notice,
        correction_notice_late,
        awaiting_correction,
        day_zero,
        extended,
        answer,
        third_party_reply,
        fee_payment,
        pauses,
        answered,
        answered_late,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_kind_reads_back() {
        let d = Date::parse("2026-03-02").unwrap();
        for code in Event::KINDS {
            let e = Event::of_kind(code, d).unwrap();
            assert_eq!(e.kind(), code);
            assert_eq!(e.date(), d);
        }
        assert_eq!(Event::of_kind("answer", d), None);
    }
}
