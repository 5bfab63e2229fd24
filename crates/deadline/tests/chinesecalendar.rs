//! The calendar against the `chinesecalendar` package (PyPI, installed by `.ci/run`):
//! every date 2019-01-01 … 2026-12-31, working day or not, and every disagreement
//! listed. The package is an independent transcription of the same notices; a
//! disagreement is a mistake in one of the two, to be checked against the notice.
//! Missing Python or package is a failure, not a skip.

use std::process::Command;

use gongkai_deadline::Calendar;
use gongkai_model::date::Date;

const SCRIPT: &str = r#"
import datetime, chinese_calendar
d = datetime.date(2019, 1, 1)
while d <= datetime.date(2026, 12, 31):
    print(d.isoformat(), 1 if chinese_calendar.is_workday(d) else 0)
    d += datetime.timedelta(days=1)
"#;

#[test]
fn every_date_2019_to_2026_agrees_with_chinesecalendar() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .args(["-c", SCRIPT])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python} (needed for this test, `.ci/run` installs it): {e}")
        });
    assert!(
        out.status.success(),
        "{python} with chinesecalendar failed (`python3 -m pip install chinesecalendar`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cal = Calendar::official();
    let mut disagreements = Vec::new();
    let mut dates = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let (date, working) = line.split_once(' ').unwrap();
        let date = Date::parse(date).unwrap();
        let theirs = working == "1";
        let day = cal.day(date);
        if day.working != theirs {
            disagreements.push(format!(
                "{date}: gongkai {} ({}), chinesecalendar {}",
                if day.working {
                    "工作日"
                } else {
                    "休息日"
                },
                day.why.describe(),
                if theirs { "工作日" } else { "休息日" }
            ));
        }
        dates += 1;
    }
    assert_eq!(dates, 2922, "every date of 2019–2026");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
