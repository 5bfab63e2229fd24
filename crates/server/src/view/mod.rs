//! What the pages draw, as HTML built with maud (every interpolated text is escaped).

pub mod chart;
pub mod prose;
pub mod source;
pub mod tables;

/// Unix seconds as Beijing time (UTC+8), `2024-01-31 09:05`: when a decision was made.
pub fn beijing_time(unix: i64) -> String {
    let local = unix + 8 * 3600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn beijing_time_is_utc_plus_eight() {
        assert_eq!(super::beijing_time(0), "1970-01-01 08:00");
        // 2024-02-29 23:30 UTC is 1 March in Beijing.
        assert_eq!(super::beijing_time(1_709_249_400), "2024-03-01 07:30");
    }
}
