//! The deadline engine of the request ledger: which days are working days (the State
//! Council's yearly holiday notices, compiled in, plus local closures), and the
//! statutory periods of a disclosure request — the answer in 20 working days (40 when
//! extended), the 补正 notice within 7, the third party's 15, the fee within 20 — with
//! the time that is not counted taken out and every date explained.
//!
//! No I/O: the calendar's data is part of the library; overrides are given as text.
//! The rules are `../shared/spec/request-handling.md` (条例 Art 29–33, 办法 Art 7).

pub mod calendar;
pub mod clock;

pub use calendar::{Calendar, CalendarError, Day, Notice, Why};
pub use clock::{
    count_working_days, Channel, ClockError, Deadlines, Event, Pause, PauseKind, Period,
    RequestClock, Skipped,
};
