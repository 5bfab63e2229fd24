//! Parts of a report the text shows but the parser did not read.
//!
//! When a section or table is not recognised, the report must not be accused of lacking
//! it if the text shows signs of it: its title words standing as a title (not in a list
//! of the six parts), or the words of the table's fixed headers. Such a part is recorded
//! as unread, with the place it probably is.

use std::ops::Range;

use gongkai_model::schema::{Edition, SectionKind};
use gongkai_model::{Report, ReportPart, TableKind};

use crate::segment::{core_view, find_core};
use crate::similarity::{core, core_string};

/// Header words of each table that prose rarely uses.
fn table_markers(t: TableKind) -> &'static [&'static str] {
    match t {
        TableKind::Active => &[
            "第二十条第",
            "本年制发件数",
            "现行有效件数",
            "本年新制作数量",
            "对外公开总数量",
            "本年处理决定数量",
        ],
        TableKind::Requests => &[
            "本年新收政府信息公开申请",
            "上年结转政府信息公开申请",
            "结转下年度继续办理",
            "本列数据的勾稽关系",
        ],
        TableKind::Review => &["未经复议直接起诉", "复议后起诉"],
    }
}

/// A part that shows in the text, with where and the words that show it.
pub struct Sign {
    pub part: ReportPart,
    /// Where it shows, when a place in the text can be named.
    pub span: Option<Range<usize>>,
    pub words: String,
}

/// The parts of `report` not read although the text shows them.
pub fn find(text: &str, report: &Report) -> Vec<Sign> {
    let mut out = Vec::new();
    let all_read = SectionKind::ALL
        .iter()
        .all(|&k| report.section(k).is_some())
        && report.active.is_some()
        && report.requests.is_some()
        && report.review.is_some();
    if report.edition == Some(Edition::Legacy) || all_read {
        return out;
    }
    let (chars, offsets) = core_view(text);
    for kind in SectionKind::ALL {
        if report.section(kind).is_some() {
            continue;
        }
        // The section's table was read: the section is there, its title was not read.
        if let Some(span) = table_span(text, report, kind) {
            out.push(Sign {
                part: ReportPart::Section(kind),
                words: "（本部分的统计表已读出，标题未识别）".to_string(),
                span,
            });
            continue;
        }
        let hit = kind.titles().iter().find_map(|t| {
            let c = core(t);
            find_core(&chars, &c)
                .into_iter()
                .map(|(a, b)| offsets[a]..end_of(text, offsets[b - 1]))
                .find(|r| !in_a_list(text, r.clone()))
        });
        if let Some(span) = hit {
            out.push(Sign {
                part: ReportPart::Section(kind),
                words: text[span.clone()].to_string(),
                span: Some(span),
            });
        }
    }
    let found = |t: TableKind| match t {
        TableKind::Active => report.active.is_some(),
        TableKind::Requests => report.requests.is_some(),
        TableKind::Review => report.review.is_some(),
    };
    for t in TableKind::ALL {
        if found(t) {
            continue;
        }
        let hit = table_markers(t).iter().find_map(|m| {
            let c = core(m);
            find_core(&chars, &c)
                .first()
                .map(|&(a, b)| offsets[a]..end_of(text, offsets[b - 1]))
        });
        if let Some(span) = hit {
            out.push(Sign {
                part: ReportPart::Table(t),
                words: text[span.clone()].to_string(),
                span: Some(span),
            });
        }
    }
    out
}

/// Where the table of section `kind` was read (its first row label), in the normalised
/// text, when it was.
fn table_span(text: &str, report: &Report, kind: SectionKind) -> Option<Option<Range<usize>>> {
    let label = match kind {
        SectionKind::ActiveDisclosure => report
            .active
            .as_ref()?
            .rows
            .iter()
            .find_map(|r| r.label.as_ref())?
            .value
            .clone(),
        SectionKind::Requests => report
            .requests
            .as_ref()?
            .rows
            .iter()
            .find_map(|r| r.label.as_ref())?
            .value
            .clone(),
        // Table 四 is one row of values without a label of its own.
        SectionKind::ReviewLitigation => {
            report.review.as_ref()?;
            return Some(None);
        }
        _ => return None,
    };
    let at = text.find(label.trim());
    Some(at.map(|at| at..at + label.trim().len()))
}

/// A text that stops in mid-sentence or mid-row, before its report ends — a download or
/// crawl cut short. Everything from the last part it reached on is unread: the part it
/// stops in (its table too) and every part after it. `None` for a text that ends as a
/// report ends (terminal punctuation, a date, a short signature line, section 六 read).
/// `own_line`: the last line stands on a line of its own in the text, not a piece of a
/// longer line cut where a part or a table row starts (a one-line crawled text).
pub fn cut_short(
    text: &str,
    last_line: &str,
    own_line: bool,
    report: &Report,
) -> Option<Vec<ReportPart>> {
    if report.edition == Some(Edition::Legacy) {
        return None;
    }
    let t = text.trim_end();
    let last = t.chars().next_back()?;
    let ends_sentence = matches!(
        last,
        '。' | '！'
            | '？'
            | '.'
            | '!'
            | '?'
            | '；'
            | ';'
            | '：'
            | ':'
            | ')'
            | '）'
            | '”'
            | '"'
            | '」'
            | '』'
            | '】'
            | '》'
            | '…'
            | '|'
    ) || dated(t);
    let line = last_line.trim();
    // A signature: a short line naming the agency ("某某县人民政府办公室").
    let numbered = line.chars().next().is_some_and(|c| {
        c.is_ascii_digit() || matches!(c, '（' | '(' | '一' | '二' | '三' | '四' | '五' | '六')
    });
    // A name is no sentence: no punctuation, no digits; and it is the report's agency
    // when that is known ("县政府" cut from "县政府把政务公开…" is not a signature).
    let bare = !line.contains(|c: char| {
        c.is_ascii_digit() || matches!(c, '，' | ',' | '。' | '；' | '：' | '、' | '|' | '\t')
    });
    let agency = report.agency.as_ref().map(|a| core_string(&a.value));
    let names_agency = match &agency {
        Some(a) => {
            let l = core_string(line);
            l.chars().count() >= 4 && (a.contains(&l) || l.contains(a.as_str()))
        }
        None => line.chars().count() >= 4,
    };
    // A signature stands on a line of its own: a piece of a one-line text cut at a table
    // row ("第二十条第（六）项信息内容本年处理决定数量行政处") is no name.
    let signature = own_line
        && line.chars().count() <= 30
        && !numbered
        && bare
        && names_agency
        && matches!(
            last,
            '府' | '局'
                | '室'
                | '会'
                | '委'
                | '厅'
                | '院'
                | '处'
                | '心'
                | '办'
                | '所'
                | '站'
                | '队'
                | '部'
                | '署'
                | '司'
                | '团'
        );
    // A date written with separators ("2024.1.10", "2024-01-10", "2024年1月10"); a run
    // of digits alone ("…总计4020600000") is a table cut in its cells, not a date.
    let tail: Vec<char> = line.chars().rev().take(10).collect();
    let date = tail
        .iter()
        .all(|&c| c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | '年' | '月'))
        && tail
            .iter()
            .any(|&c| matches!(c, '.' | '-' | '/' | '年' | '月'))
        && line.chars().filter(char::is_ascii_digit).count() >= 6;
    // A last line that says there is nothing ("无", "暂无", "无其他事项"): printed so. Not
    // a numbered one: "（四）无" is a label cut short ("（四）无法提供").
    let nothing = line.trim_end_matches(['。', '.', '！']);
    let word = !numbered
        && (nothing.chars().count() <= 6 && nothing.contains('无')
            || nothing.chars().count() <= 24
                && (nothing.starts_with(['无', '没'])
                    || nothing.starts_with("暂无")
                    || nothing.contains("无其他")));
    if ends_sentence || signature || date || word {
        return None;
    }
    // Where it stops: in the last section of the text (or before any).
    let last = report.sections.last();
    let words = last.map_or(0, |s| s.body.chars().filter(|c| !c.is_whitespace()).count());
    if let Some(s) = last.filter(|s| s.kind == SectionKind::Other) {
        // Section 六 reached: nothing after it to lose. Its whole title and nothing after
        // it is printed so (S004 says it is empty); a title or words cut off mid-way
        // ("六、其他需要报告的事", "本年度我局办…") leave it unread.
        let whole_title =
            core_string(&s.heading).ends_with(&core_string(SectionKind::Other.title()));
        return (words > 0 || !whole_title).then(|| vec![ReportPart::Section(SectionKind::Other)]);
    }
    // Any other section's whole title with nothing after it is printed so (S004 says it
    // is empty); a title cut off mid-way ("三、收到和处理政府信息公开申请") is where the
    // text stops (the loop below marks it and what follows).
    if let Some(s) = last.filter(|_| words == 0) {
        let heading = core_string(&s.heading);
        if s.kind
            .titles()
            .iter()
            .any(|t| heading.ends_with(&core_string(t)))
        {
            return None;
        }
    }
    // The section it stops in, and every section not reached, with their tables.
    let mut parts = Vec::new();
    for kind in SectionKind::ALL {
        let reached = report.section(kind).is_some();
        if reached && last.is_some_and(|s| s.kind != kind) {
            continue;
        }
        parts.push(ReportPart::Section(kind));
        for t in TableKind::ALL {
            if t.section() == kind {
                parts.push(ReportPart::Table(t));
            }
        }
    }
    Some(parts)
}

/// Whether the text ends with a date ("2024年1月10日", "二〇二五年一月二十日") or a
/// document number ("〔2024〕3号"): the day or number stands right before 日/号.
fn dated(t: &str) -> bool {
    let mut rev = t.chars().rev();
    let last = rev.next();
    let numeral = |c: char| c.is_ascii_digit() || "〇零一二三四五六七八九十".contains(c);
    match last {
        Some('日') => {
            let before: Vec<char> = rev.take(4).collect();
            before.first().is_some_and(|&c| numeral(c)) && before.contains(&'月')
        }
        Some('号') => rev.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// The end of the char starting at byte `at`.
fn end_of(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(0, char::len_utf8)
}

/// A title named in a list ("本报告共分6个部分：总体情况、主动公开政府信息情况、…"), not
/// standing as a title.
fn in_a_list(text: &str, r: Range<usize>) -> bool {
    let before = text[..r.start].trim_end().chars().next_back();
    let after = text[r.end..].trim_start().chars().next();
    let sep = |c: Option<char>| {
        c.is_some_and(|c| matches!(c, '、' | ',' | '，' | ':' | '：' | ';' | '；'))
    };
    sep(before) || after.is_some_and(|c| matches!(c, '、' | ',' | '，' | '和' | '及'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_title_is_not_a_sign() {
        let t =
            "本报告共分6个部分：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况。";
        let r = Report::default();
        let parts: Vec<ReportPart> = find(t, &r).into_iter().map(|s| s.part).collect();
        assert!(parts.is_empty(), "{parts:?}");
    }

    #[test]
    fn a_title_that_stands_is_a_sign() {
        let t = "总体情况\n本年度……\n二 主动公开政府信息情况表格如下\n本年新收政府信息公开申请数量 1 0 0 0 0 0 1";
        let r = Report::default();
        let parts: Vec<ReportPart> = find(t, &r).into_iter().map(|s| s.part).collect();
        assert!(parts.contains(&ReportPart::Section(SectionKind::Overview)));
        assert!(parts.contains(&ReportPart::Section(SectionKind::ActiveDisclosure)));
        assert!(parts.contains(&ReportPart::Table(TableKind::Requests)));
        assert!(!parts.contains(&ReportPart::Table(TableKind::Review)));
    }
}
