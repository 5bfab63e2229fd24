//! Random ledgers for tests, benchmarks and demonstrations: requests over three years
//! (2022–2024) with every kind of event, outcome, applicant kind, multi-part splits and
//! fees, plus cases, documents, decision counts and fees collected. The same seed gives
//! the same ledger. Every ledger it makes is valid ([`Ledger::problems`] is empty).

use gongkai_deadline::clock::Event;
use gongkai_deadline::Channel;
use gongkai_model::date::Date;

use crate::model::{Closure, DecisionCount};
use crate::{
    Applicant, ApplicantKind, Case, CaseKind, CaseResult, DecisionKind, DocKind, FeeMethod, Ledger,
    Outcome, RegisterDoc, Request,
};

/// splitmix64: the ledger is a function of the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn day(&mut self, from: Date, span: i64) -> Date {
        Date::from_days_since_epoch(from.days_since_epoch() + self.below(span as u64) as i64)
            .unwrap()
    }
}

pub fn after(d: Date, days: i64) -> Date {
    Date::from_days_since_epoch(d.days_since_epoch() + days).unwrap()
}

/// A ledger of about `requests` requests (split parts count), from `seed`.
pub fn random_ledger(seed: u64, requests: usize) -> Ledger {
    let mut rng = Rng(seed);
    let start = Date::new(2022, 1, 1).unwrap();
    let applicants: Vec<Applicant> = (0..40)
        .map(|i| Applicant {
            name: format!("申请人{i}"),
            kind: ApplicantKind::ALL[(i * 7 + seed as usize) % 6],
        })
        .collect();
    let mut out = Ledger {
        agency: "某市某局".into(),
        ..Ledger::default()
    };
    let mut next_id = 0;
    let mut id = || {
        next_id += 1;
        format!("Q{next_id:05}")
    };
    while out.requests.len() < requests {
        let received = rng.day(start, 3 * 365);
        let mut t = received;
        let mut events = Vec::new();
        let step = |rng: &mut Rng, t: &mut Date, max: u64| {
            *t = after(*t, 1 + rng.below(max) as i64);
            *t
        };
        let mut outcome = None;
        if rng.chance(10) {
            events.push(Event::CorrectionRequested(step(&mut rng, &mut t, 6)));
            if rng.chance(70) {
                events.push(Event::CorrectionReceived(step(&mut rng, &mut t, 30)));
            } else {
                outcome = Some(Outcome::OTHER_NO_CORRECTION);
            }
        }
        if rng.chance(10) {
            events.push(Event::ThirdPartyStarted(step(&mut rng, &mut t, 10)));
            events.push(Event::ThirdPartyEnded(step(&mut rng, &mut t, 25)));
        }
        if rng.chance(8) {
            events.push(Event::ConsultationStarted(step(&mut rng, &mut t, 10)));
            events.push(Event::ConsultationEnded(step(&mut rng, &mut t, 20)));
        }
        if rng.chance(10) {
            events.push(Event::Extended(step(&mut rng, &mut t, 20)));
        }
        let fee = if rng.chance(8) {
            events.push(Event::FeeNoticeSent(step(&mut rng, &mut t, 10)));
            events.push(Event::FeeNoticeReceived(step(&mut rng, &mut t, 3)));
            if rng.chance(80) {
                events.push(Event::FeePaid(step(&mut rng, &mut t, 15)));
            } else {
                outcome = outcome.or(Some(Outcome::OTHER_FEE_UNPAID));
            }
            Some(if rng.chance(50) {
                FeeMethod::PerRequest
            } else {
                FeeMethod::PerPage {
                    pages: rng.below(400) as u32,
                }
            })
        } else {
            None
        };
        // Most are concluded; some stay open (carried to the next year or beyond).
        let closure = rng.chance(88).then(|| {
            let date = step(&mut rng, &mut t, 60);
            events.push(Event::Answered(date));
            Closure {
                outcome: outcome.unwrap_or_else(|| {
                    let all: Vec<Outcome> = Outcome::all().collect();
                    all[rng.below(all.len() as u64) as usize]
                }),
                date,
                grounds: vec!["第三十六条".into()],
            }
        });
        let applicant = applicants[rng.below(applicants.len() as u64) as usize].clone();
        let channel = Channel::ALL[rng.below(6) as usize];
        // A few multi-part requests: the original is not counted, its parts are.
        if rng.chance(3) {
            let parent = id();
            let parts = 2 + rng.below(3) as usize;
            for _ in 0..parts {
                out.requests.push(Request {
                    id: id(),
                    applicant: applicant.clone(),
                    channel,
                    received,
                    content: "拆分后的一项".into(),
                    events: events.clone(),
                    closure: closure.clone(),
                    fee,
                    split_from: Some(parent.clone()),
                    split: false,
                });
            }
            out.requests.push(Request {
                id: parent,
                applicant,
                channel,
                received,
                content: "一份申请包含多项内容".into(),
                events: Vec::new(),
                closure: None,
                fee: None,
                split_from: None,
                split: true,
            });
            continue;
        }
        out.requests.push(Request {
            id: id(),
            applicant,
            channel,
            received,
            content: "申请公开某项信息".into(),
            events,
            closure,
            fee,
            split_from: None,
            split: false,
        });
    }
    for i in 0..(requests / 50) {
        let filed = rng.day(start, 3 * 365);
        out.cases.push(Case {
            id: format!("C{i:04}"),
            kind: [
                CaseKind::Review,
                CaseKind::LitigationDirect,
                CaseKind::LitigationAfterReview,
            ][rng.below(3) as usize],
            filed,
            decided: rng.chance(75).then(|| {
                (
                    [CaseResult::Upheld, CaseResult::Corrected, CaseResult::Other]
                        [rng.below(3) as usize],
                    after(filed, 1 + rng.below(200) as i64),
                )
            }),
            request: None,
        });
    }
    for i in 0..(requests / 20) {
        let issued = rng.day(Date::new(2018, 1, 1).unwrap(), 7 * 365);
        out.documents.push(RegisterDoc {
            id: format!("D{i:04}"),
            kind: if rng.chance(15) {
                DocKind::Regulation
            } else {
                DocKind::NormativeDocument
            },
            title: String::new(),
            issued,
            repealed: rng
                .chance(30)
                .then(|| after(issued, 1 + rng.below(1500) as i64)),
        });
    }
    for year in 2022..=2024 {
        for kind in [
            DecisionKind::Licensing,
            DecisionKind::Penalty,
            DecisionKind::Coercion,
        ] {
            out.decisions.push(DecisionCount {
                year,
                kind,
                count: rng.below(5000),
            });
        }
        out.fees_collected
            .insert(year, format!("{}.{:02}", rng.below(1000), rng.below(100)));
    }
    out
}
