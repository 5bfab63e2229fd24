//! Working days. A working day is a Monday–Friday that is not an official holiday, plus
//! the weekend days a notice declares make-up working days (调休上班). The holidays and
//! make-up days come from `data/days.csv`, each naming its notice in
//! `data/notices.csv`; a year with no notice is not guessed at: dates in it are
//! counted as weekends-only and the result is marked provisional.

use std::collections::{BTreeMap, BTreeSet};

use gongkai_model::date::Date;
use serde::Serialize;

const NOTICES: &str = include_str!("../data/notices.csv");
const DAYS: &str = include_str!("../data/days.csv");

/// A notice of the State Council General Office arranging a year's holidays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub id: String,
    pub year: i32,
    pub title: String,
    /// Its document number (国办发明电〔…〕…号) where the data file records it.
    pub number: Option<String>,
    /// What it changed, for a notice that amended a year's arrangement.
    pub note: Option<String>,
}

impl Notice {
    /// 《title》（number）
    pub fn cite(&self) -> String {
        match &self.number {
            Some(n) => format!("《{}》（{}）", self.title, n),
            None => format!("《{}》", self.title),
        }
    }
}

/// Why a day is or is not a working day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// Monday–Friday, nothing declared.
    Weekday,
    /// Saturday or Sunday, nothing declared.
    Weekend,
    /// An official holiday (including the weekend days inside its span).
    Holiday { name: String, notice: Notice },
    /// A weekend day declared a working day.
    MakeUpWorkday { name: String, notice: Notice },
    /// A closure the user added (a local holiday).
    LocalClosure { name: String, source: String },
    /// A working day the user added.
    LocalWorkday { name: String, source: String },
}

impl Why {
    /// The reason in words, as an explanation prints it.
    pub fn describe(&self) -> String {
        match self {
            Why::Weekday => "工作日".into(),
            Why::Weekend => "周末".into(),
            Why::Holiday { name, notice } => format!("{name}假期（{}）", notice.cite()),
            Why::MakeUpWorkday { name, notice } => {
                format!("{name}调休上班（{}）", notice.cite())
            }
            Why::LocalClosure { name, source } => format!("{name}（本地放假，{source}）"),
            Why::LocalWorkday { name, source } => format!("{name}（本地上班，{source}）"),
        }
    }
}

/// One day of the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Day {
    pub date: Date,
    pub working: bool,
    pub why: Why,
}

/// A bad line in the calendar's data or in an override file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name} 第 {line} 行：{reason}")]
pub struct CalendarError {
    pub source_name: String,
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug)]
enum Entry {
    Official {
        working: bool,
        name: String,
        notice: usize,
    },
    Local {
        working: bool,
        name: String,
        source: String,
    },
}

/// The working-day calendar: the official notices and any local overrides.
#[derive(Clone, Debug)]
pub struct Calendar {
    notices: Vec<Notice>,
    entries: BTreeMap<Date, Entry>,
    covered: BTreeSet<i32>,
}

/// The CSV lines of a data text that are not comments or blank, with their numbers,
/// after the header line.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .skip(1)
        .map(|(n, l)| (n, l.split(',').map(str::trim).collect()))
}

impl Calendar {
    /// The official calendar as compiled in.
    pub fn official() -> Calendar {
        Calendar::from_data(NOTICES, DAYS)
            .expect("the calendar data compiled in is checked by the tests")
    }

    fn from_data(notices: &str, days: &str) -> Result<Calendar, CalendarError> {
        let bad = |source: &str, line: usize, reason: String| CalendarError {
            source_name: source.into(),
            line,
            reason,
        };
        let mut cal = Calendar {
            notices: Vec::new(),
            entries: BTreeMap::new(),
            covered: BTreeSet::new(),
        };
        for (line, f) in data_lines(notices) {
            let [id, year, title, number, note] = f.as_slice() else {
                return Err(bad("notices.csv", line, "应有 5 列".into()));
            };
            let year: i32 = year
                .parse()
                .map_err(|_| bad("notices.csv", line, format!("年份不是数字：{year}")))?;
            cal.covered.insert(year);
            cal.notices.push(Notice {
                id: id.to_string(),
                year,
                title: title.to_string(),
                number: (!number.is_empty()).then(|| number.to_string()),
                note: (!note.is_empty()).then(|| note.to_string()),
            });
        }
        for (line, f) in data_lines(days) {
            let [date, kind, name, notice] = f.as_slice() else {
                return Err(bad("days.csv", line, "应有 4 列".into()));
            };
            let date = Date::parse(date)
                .ok_or_else(|| bad("days.csv", line, format!("日期无法识别：{date}")))?;
            let working = parse_kind(kind)
                .ok_or_else(|| bad("days.csv", line, format!("类型应为 休 或 班：{kind}")))?;
            let notice = cal
                .notices
                .iter()
                .position(|n| n.id == *notice)
                .ok_or_else(|| bad("days.csv", line, format!("没有这个通知：{notice}")))?;
            let entry = Entry::Official {
                working,
                name: name.to_string(),
                notice,
            };
            if cal.entries.insert(date, entry).is_some() {
                return Err(bad("days.csv", line, format!("{date} 重复")));
            }
        }
        Ok(cal)
    }

    /// Adds local overrides: CSV lines `date,kind,name` (kind 休 for a closure, 班 for a
    /// working day), `#` comments, a header line first. `source` names the file in
    /// explanations. A local entry takes precedence over the official one.
    pub fn add_overrides(&mut self, text: &str, source: &str) -> Result<usize, CalendarError> {
        let bad = |line: usize, reason: String| CalendarError {
            source_name: source.into(),
            line,
            reason,
        };
        let mut added = Vec::new();
        for (line, f) in data_lines(text) {
            let [date, kind, name] = f.as_slice() else {
                return Err(bad(line, "应有 3 列：日期,类型（休/班）,名称".into()));
            };
            let date =
                Date::parse(date).ok_or_else(|| bad(line, format!("日期无法识别：{date}")))?;
            let working =
                parse_kind(kind).ok_or_else(|| bad(line, format!("类型应为 休 或 班：{kind}")))?;
            added.push((
                date,
                Entry::Local {
                    working,
                    name: name.to_string(),
                    source: source.to_string(),
                },
            ));
        }
        // All or nothing: the entries go in once every line is read.
        let n = added.len();
        self.entries.extend(added);
        Ok(n)
    }

    /// The notices, in file order.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Whether a notice arranges this year's holidays (else dates in it are provisional).
    pub fn covers(&self, year: i32) -> bool {
        self.covered.contains(&year)
    }

    /// The years the calendar has notices for.
    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.covered.iter().copied()
    }

    /// One day: working or not, and why.
    pub fn day(&self, date: Date) -> Day {
        let (working, why) = match self.entries.get(&date) {
            Some(Entry::Official {
                working,
                name,
                notice,
            }) => {
                let notice = self.notices[*notice].clone();
                let name = name.clone();
                let why = if *working {
                    Why::MakeUpWorkday { name, notice }
                } else {
                    Why::Holiday { name, notice }
                };
                (*working, why)
            }
            Some(Entry::Local {
                working,
                name,
                source,
            }) => {
                let (name, source) = (name.clone(), source.clone());
                let why = if *working {
                    Why::LocalWorkday { name, source }
                } else {
                    Why::LocalClosure { name, source }
                };
                (*working, why)
            }
            None if date.is_weekend() => (false, Why::Weekend),
            None => (true, Why::Weekday),
        };
        Day { date, working, why }
    }

    pub fn is_working(&self, date: Date) -> bool {
        self.day(date).working
    }

    /// Working days from `today` to `due`: how many are left (0 on the day itself), or,
    /// negative, how many have passed since — the days after `today` up to `due`
    /// (after `due` up to `today`) that are working days.
    pub fn working_days_until(&self, today: Date, due: Date) -> i64 {
        let (from, to, sign) = if due >= today {
            (today, due, 1)
        } else {
            (due, today, -1)
        };
        let mut n = 0;
        let mut d = from;
        while d < to {
            match d.succ() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working(d) {
                n += 1;
            }
        }
        sign * n
    }
}

fn parse_kind(kind: &str) -> Option<bool> {
    match kind {
        "休" => Some(false),
        "班" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn working_days_until_counts_forward_and_back() {
        let cal = Calendar::official();
        // Friday 2026-02-13 to Wednesday 2026-02-25: 14 Feb is a make-up Saturday, then
        // 春节 (15–23 Feb); 24 and 25 Feb are working days.
        assert_eq!(cal.working_days_until(d("2026-02-13"), d("2026-02-25")), 3);
        assert_eq!(cal.working_days_until(d("2026-02-25"), d("2026-02-13")), -3);
        assert_eq!(cal.working_days_until(d("2026-03-02"), d("2026-03-02")), 0);
        // A weekend ahead: Friday to Monday is one working day.
        assert_eq!(cal.working_days_until(d("2026-03-06"), d("2026-03-09")), 1);
    }

    #[test]
    fn the_compiled_data_reads_and_names_its_notices() {
        let cal = Calendar::official();
        assert_eq!(
            cal.covered_years().collect::<Vec<_>>(),
            (2019..=2026).collect::<Vec<_>>()
        );
        // 2026's make-up days, as the spec lists them.
        for s in [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ] {
            let day = cal.day(d(s));
            assert!(day.working, "{s}");
            assert!(matches!(day.why, Why::MakeUpWorkday { .. }), "{s}");
        }
        let spring = cal.day(d("2026-02-16"));
        assert!(!spring.working);
        assert_eq!(
            spring.why.describe(),
            "春节假期（《国务院办公厅关于2026年部分节假日安排的通知》）"
        );
        assert_eq!(cal.day(d("2026-03-07")).why, Why::Weekend);
        assert_eq!(cal.day(d("2026-03-09")).why, Why::Weekday);
        // The 2020 extension turned a make-up Saturday into a holiday.
        let feb1 = cal.day(d("2020-02-01"));
        assert!(!feb1.working);
        let Why::Holiday { notice, .. } = feb1.why else {
            panic!()
        };
        assert_eq!(notice.number.as_deref(), Some("国办发明电〔2020〕1号"));
        assert!(!cal.covers(2027));
    }

    #[test]
    fn overrides_take_precedence_and_a_bad_line_changes_nothing() {
        let mut cal = Calendar::official();
        let n = cal
            .add_overrides(
                "日期,类型,名称\n# 本地\n2026-03-09,休,抗洪停工\n2026-03-07,班,补班\n",
                "本地.csv",
            )
            .unwrap();
        assert_eq!(n, 2);
        assert!(!cal.is_working(d("2026-03-09")));
        assert!(cal.is_working(d("2026-03-07")));
        assert_eq!(
            cal.day(d("2026-03-09")).why.describe(),
            "抗洪停工（本地放假，本地.csv）"
        );
        let err = cal
            .add_overrides(
                "日期,类型,名称\n2026-03-10,休,甲\n2026-03-11,放,乙\n",
                "x.csv",
            )
            .unwrap_err();
        assert_eq!(err.to_string(), "x.csv 第 3 行：类型应为 休 或 班：放");
        assert!(
            cal.is_working(d("2026-03-10")),
            "nothing of a bad file is added"
        );
    }
}
