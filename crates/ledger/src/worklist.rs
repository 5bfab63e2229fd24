//! The ledger as a worklist: each counted request with its due date and where it
//! stands on a given day — overdue first, then by working days left, then those whose
//! clock waits, then the concluded ones. The CLI's `ledger list` and the workspace's
//! ledger page both show this.

use gongkai_deadline::clock::{Deadlines, PauseKind};
use gongkai_deadline::{Calendar, ClockError};
use gongkai_model::date::Date;
use serde::Serialize;

use crate::model::{Ledger, Request};

/// Where a request stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// Answered (or otherwise concluded) on `date`.
    Closed { outcome: String, date: Date },
    /// A 补正 was asked for and the corrected request has not come: no clock runs.
    AwaitingCorrection,
    /// A pause with no end stops the clock.
    Stopped { by: PauseKind },
    /// Past its due date by this many working days.
    Overdue { working_days: i64 },
    /// Due today.
    DueToday,
    /// Due in this many working days.
    Due { working_days: i64 },
}

impl Standing {
    /// As a reviewer reads it.
    pub fn label_zh(&self) -> String {
        match self {
            Standing::Closed { outcome, date } => format!("已办结：{outcome}（{date}）"),
            Standing::AwaitingCorrection => "等待补正".into(),
            Standing::Stopped { by } => format!("计时停止：{}", by.label()),
            Standing::Overdue { working_days } => format!("逾期 {working_days} 个工作日"),
            Standing::DueToday => "今天到期".into(),
            Standing::Due { working_days } => format!("还有 {working_days} 个工作日"),
        }
    }

    /// Where `request`, whose deadlines are `d`, stands on `today`.
    pub fn of(request: &Request, d: &Deadlines, cal: &Calendar, today: Date) -> Standing {
        let due = d.answer.as_ref().and_then(|a| a.due);
        match (&request.closure, &d.answer, due) {
            (Some(c), _, _) => Standing::Closed {
                outcome: c.outcome.name().to_string(),
                date: c.date,
            },
            (None, None, _) => Standing::AwaitingCorrection,
            (None, Some(a), None) => match a.stopped_by {
                Some(by) => Standing::Stopped { by },
                None => Standing::AwaitingCorrection,
            },
            (None, Some(_), Some(due)) => match cal.working_days_until(today, due) {
                n if n < 0 => Standing::Overdue { working_days: -n },
                0 => Standing::DueToday,
                n => Standing::Due { working_days: n },
            },
        }
    }

    /// Working days left (0 on the due date, negative when overdue); `None` when no
    /// clock runs or the request is concluded.
    pub fn working_days_left(&self) -> Option<i64> {
        match self {
            Standing::Overdue { working_days } => Some(-working_days),
            Standing::DueToday => Some(0),
            Standing::Due { working_days } => Some(*working_days),
            _ => None,
        }
    }

    /// Overdue, or due within `soon` working days.
    pub fn is_urgent(&self, soon: i64) -> bool {
        match self {
            Standing::Overdue { .. } | Standing::DueToday => true,
            Standing::Due { working_days } => *working_days <= soon,
            _ => false,
        }
    }
}

/// A request on the worklist.
#[derive(Clone, Debug, Serialize)]
pub struct WorkItem<'a> {
    #[serde(skip)]
    pub request: &'a Request,
    pub id: &'a str,
    /// The answer's due date; `None` while no clock runs.
    pub due: Option<Date>,
    /// The due date rests on a year without a holiday notice.
    pub provisional: bool,
    pub standing: Standing,
}

/// The counted requests (not the split originals) on `today`, open ones only unless
/// `all`, in the order a reviewer works them.
pub fn worklist<'a>(
    ledger: &'a Ledger,
    cal: &Calendar,
    today: Date,
    all: bool,
) -> Result<Vec<WorkItem<'a>>, (String, ClockError)> {
    let mut items = Vec::new();
    for r in ledger.requests.iter().filter(|r| r.counted()) {
        if !all && r.closure.is_some() {
            continue;
        }
        let d = r.deadlines(cal).map_err(|e| (r.id.clone(), e))?;
        let due = d.answer.as_ref().and_then(|a| a.due);
        let standing = Standing::of(r, &d, cal, today);
        items.push(WorkItem {
            request: r,
            id: &r.id,
            due,
            provisional: d.answer.as_ref().is_some_and(|a| a.provisional),
            standing,
        });
    }
    items.sort_by_key(|w| {
        let left = w.standing.working_days_left();
        (
            w.request.closure.is_some(),
            left.is_none(),
            left,
            w.due,
            w.id.to_string(),
        )
    });
    Ok(items)
}
