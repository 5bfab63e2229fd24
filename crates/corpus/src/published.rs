//! When a report was published, and whether that was late.
//!
//! Two dates are known at best: the date a crawl's manifest gives (`published`, when
//! the site showed one) and the date printed under the signature at the report's end.
//! A report cannot be published before it is signed, so a signature after the
//! deadline proves the report late even without the publication date; a signature
//! before it proves nothing.

use gongkai_gazetteer::BodyKind;
pub use gongkai_model::date::Date;
use gongkai_model::Report;

/// The statutory deadline for `year`'s report (spec "Annual report deadlines",
/// 条例第四十九条): departments by 31 January of the next year, governments by 31 March.
/// Township governments and zone committees report as governments do.
pub fn deadline(year: i32, body: BodyKind) -> Date {
    let government = matches!(
        body,
        BodyKind::Government
            | BodyKind::TownshipGovernment
            | BodyKind::ZoneCommittee
            | BodyKind::PlaceOnly
    );
    Date {
        year: year + 1,
        month: if government { 3 } else { 1 },
        day: 31,
    }
}

/// How many characters at the end of the report are searched for the signature date.
const SIGNATURE_TAIL: usize = 80;

/// The date printed at the end of the report (under the signature), as
/// `YYYY-MM-DD`: the last date in its final characters, written with Arabic,
/// full-width or Chinese numerals (二〇二四年一月二十日). Only a date in the report's
/// year or the two after counts: an earlier one is something the text quotes.
pub fn signed_date(report: &Report) -> Option<String> {
    let year = report.year()?;
    let body = &report.sections.last()?.body;
    let start = body
        .char_indices()
        .rev()
        .nth(SIGNATURE_TAIL - 1)
        .map_or(0, |(i, _)| i);
    let tail: Vec<char> = body[start..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut found = None;
    for (i, &c) in tail.iter().enumerate() {
        if c != '年' {
            continue;
        }
        let Some(date) = date_at(&tail, i) else {
            continue;
        };
        if (year..=year + 2).contains(&date.year) {
            found = Some(date);
        }
    }
    found.map(|d| d.to_string())
}

/// The date whose 年 is at `at`: four year digits before it, month and day after.
fn date_at(chars: &[char], at: usize) -> Option<Date> {
    let year_digits = chars.get(at.checked_sub(4)?..at)?;
    let mut year = 0i32;
    for &c in year_digits {
        year = year * 10 + digit(c)? as i32;
    }
    let (month, rest) = number_before(&chars[at + 1..], '月')?;
    let (day, _) = number_before(rest, '日').or_else(|| number_before(rest, '号'))?;
    Date::new(year, month, day)
}

/// A number of 1–2 Arabic digits or Chinese numerals up to 三十一, followed by `end`.
fn number_before(chars: &[char], end: char) -> Option<(u32, &[char])> {
    let stop = chars.iter().take(4).position(|&c| c == end)?;
    let digits = &chars[..stop];
    if digits.is_empty() {
        return None;
    }
    let value = if digits.iter().all(|&c| digit(c).is_some() && c != '十') {
        digits
            .iter()
            .try_fold(0u32, |n, &c| Some(n * 10 + digit(c)?))?
    } else {
        // 十, 十二, 二十, 二十五, 三十一
        match digits {
            ['十'] => 10,
            ['十', u] => 10 + digit(*u)?,
            [t, '十'] => digit(*t)? * 10,
            [t, '十', u] => digit(*t)? * 10 + digit(*u)?,
            _ => return None,
        }
    };
    Some((value, &chars[stop + 1..]))
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        '〇' | '○' | 'О' | '零' | 'Ｏ' => Some(0),
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        '十' => Some(10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::schema::SectionKind;
    use gongkai_model::{Located, Section};

    fn report_ending(year: i32, end: &str) -> Report {
        Report {
            year: Some(Located::new(year, None)),
            sections: vec![Section {
                kind: SectionKind::Other,
                heading: "六、其他需要报告的事项".into(),
                heading_location: None,
                body: format!("无。\n{end}"),
                body_offset: 0,
            }],
            ..Report::default()
        }
    }

    #[test]
    fn signature_dates() {
        let cases = [
            ("某某县人民政府\n2024年1月25日", Some("2024-01-25")),
            ("某某县人民政府\n二〇二四年一月二十五日", Some("2024-01-25")),
            ("某某县人民政府\n二○二四年三月三十一日", Some("2024-03-31")),
            ("某某县人民政府\n２０２４年２月２９日", Some("2024-02-29")),
            ("某某县人民政府\n2024年2月30日", None),
            ("依据2019年5月15日施行的条例。", None),
            ("某某县人民政府 2024 年 1 月 8 日", Some("2024-01-08")),
            ("无", None),
        ];
        for (end, want) in cases {
            assert_eq!(
                signed_date(&report_ending(2023, end)).as_deref(),
                want,
                "{end}"
            );
        }
    }

    #[test]
    fn deadlines() {
        assert_eq!(
            deadline(2023, BodyKind::Department).to_string(),
            "2024-01-31"
        );
        assert_eq!(
            deadline(2023, BodyKind::Government).to_string(),
            "2024-03-31"
        );
        assert_eq!(
            deadline(2023, BodyKind::TownshipGovernment).to_string(),
            "2024-03-31"
        );
        assert_eq!(
            deadline(2023, BodyKind::GovernmentOffice).to_string(),
            "2024-01-31"
        );
    }
}
