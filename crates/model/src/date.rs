//! Calendar dates as reports and crawls write them: a manifest's publication date, the
//! date under a report's signature, a statutory deadline.

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The calendar day in Beijing (UTC+8, no daylight saving) at `unix_seconds`:
    /// deadlines are counted in Chinese calendar days, wherever the server runs.
    pub fn beijing_at(unix_seconds: i64) -> Option<Date> {
        Date::from_days_since_epoch(unix_seconds.checked_add(8 * 3600)?.div_euclid(86_400))
    }

    /// Reads `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYY.MM.DD` and `YYYY年M月D日`), checking
    /// that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let parts: Vec<&str> = s
            .split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        ((1900..=2200).contains(&year) && (1..=days).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }
}

impl Date {
    /// Days since 1970-01-01 (negative before), for arithmetic on dates.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil: March-based years, 400-year eras.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01; `None` outside the years [`Date::new`] takes.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month as u32, day as u32)
    }

    /// The next day (`None` past the last year [`Date::new`] takes).
    pub fn succ(self) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch() + 1)
    }

    /// Day of the week, 1 = Monday … 7 = Sunday (ISO 8601).
    pub fn iso_weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        ((self.days_since_epoch() + 3).rem_euclid(7) + 1) as u32
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        self.iso_weekday() >= 6
    }
}

/// Written as `YYYY-MM-DD`.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read as [`Date::parse`] reads.
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a date: {s}")))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_day_in_beijing_turns_at_16_utc() {
        // 2026-12-04T16:00:00Z is midnight of 5 December in Beijing.
        assert_eq!(
            Date::beijing_at(1_796_400_000 - 1).unwrap().to_string(),
            "2026-12-04"
        );
        assert_eq!(
            Date::beijing_at(1_796_400_000).unwrap().to_string(),
            "2026-12-05"
        );
        assert_eq!(Date::beijing_at(i64::MAX), None);
    }

    use super::*;

    #[test]
    fn written_forms_and_days_that_do_not_exist() {
        assert_eq!(Date::parse("2024/4/2"), Date::new(2024, 4, 2));
        assert_eq!(Date::parse("2024年4月2日"), Date::new(2024, 4, 2));
        assert_eq!(Date::parse("2024-02-30"), None);
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse("2023-02-29"), None);
    }

    #[test]
    fn day_numbers_round_trip_and_weekdays() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("1969-12-31").days_since_epoch(), -1);
        assert_eq!(d("2026-12-04").iso_weekday(), 5); // a Friday
        assert_eq!(d("2026-02-14").iso_weekday(), 6);
        assert!(d("2026-02-15").is_weekend());
        assert_eq!(d("2024-02-28").succ(), Some(d("2024-02-29")));
        assert_eq!(d("2023-12-31").succ(), Some(d("2024-01-01")));
        assert_eq!(d("2200-12-31").succ(), None);
        // Every day of 1900–2200 goes to its number and back, one day after the other.
        let mut day = d("1900-01-01");
        let mut n = day.days_since_epoch();
        while let Some(next) = day.succ() {
            n += 1;
            assert_eq!(next.days_since_epoch(), n);
            assert_eq!(Date::from_days_since_epoch(n), Some(next));
            day = next;
        }
        assert_eq!(day, d("2200-12-31"));
    }
}
