//! Unix seconds as Beijing time (UTC+8), as the reports' readers keep time — no
//! time-zone database needed — and back.

/// `2024-01-31 09:05`: when a decision was made or a job ran.
pub fn beijing_time(unix: i64) -> String {
    let mut s = time_text(unix);
    s.truncate(s.len() - 3);
    s
}

/// Unix seconds as Beijing time (UTC+8, the workspace's users' clock):
/// `2025-01-15 10:23:45`.
pub fn time_text(ts: i64) -> String {
    let local = ts + BEIJING_OFFSET;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

const BEIJING_OFFSET: i64 = 8 * 3600;

/// The Unix second a Beijing calendar day starts; `None` for text that is not a date.
pub fn day_start(text: &str) -> Option<i64> {
    let d = gongkai_model::date::Date::parse(text)?;
    Some(days_from_civil(d.year as i64, d.month, d.day) * 86_400 - BEIJING_OFFSET)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_and_days() {
        // 2025-01-15 02:23:45 UTC is 10:23:45 in Beijing.
        assert_eq!(time_text(1_736_907_825), "2025-01-15 10:23:45");
        assert_eq!(time_text(0), "1970-01-01 08:00:00");
        // Beijing midnight of 2024-02-29 is 16:00 UTC the day before.
        assert_eq!(day_start("2024-02-29"), Some(1_709_136_000));
        assert_eq!(time_text(1_709_136_000), "2024-02-29 00:00:00");
        assert_eq!(day_start("2024-02-30"), None);
        for days in [-1000, 0, 59, 11_016, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn beijing_time_is_to_the_minute() {
        assert_eq!(beijing_time(0), "1970-01-01 08:00");
        assert_eq!(beijing_time(1_709_249_400), "2024-03-01 07:30");
    }
}
