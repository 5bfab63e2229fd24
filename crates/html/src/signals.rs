//! What report content looks like in a page's text: the words of the national format's
//! section headings and table labels, and the shape of a report's title.

/// Words that only a report's body (headings, table labels) prints. Site chrome rarely
/// has more than one or two of them; a report has most.
pub const MARKERS: &[&str] = &[
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请",
    "政府信息公开行政复议",
    "行政诉讼",
    "存在的主要问题",
    "其他需要报告的事项",
    "本年新收",
    "上年结转",
    "予以公开",
    "不予公开",
    "无法提供",
    "结转下年度",
    "第二十条第",
    "信息内容",
    "申请人情况",
    "行政复议",
    "尚未审结",
    "依申请公开",
    "概述",
];

/// Bit set of the markers a text contains.
pub fn marker_bits(text: &str) -> u32 {
    let mut bits = 0u32;
    for (i, m) in MARKERS.iter().enumerate() {
        if text.contains(m) {
            bits |= 1 << i;
        }
    }
    bits
}

/// Characters that are not content: ASCII whitespace, NBSP, ideographic space, BOM.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// True for a line that reads as a report title: "<机关><年份>年(度)…政府信息公开…报告".
pub fn looks_like_title(text: &str) -> bool {
    let compact: String = text
        .chars()
        .filter(|c| !is_space(*c))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    let n = compact.chars().count();
    if !(8..=80).contains(&n) {
        return false;
    }
    let Some(gk) = compact.find("政府信息公开") else {
        return false;
    };
    let tail = compact.trim_end_matches(|c: char| !c.is_alphanumeric());
    if !tail.ends_with("报告") {
        return false;
    }
    year_before(&compact[..gk])
}

/// A year (1990–2099) followed by 年 in `s`.
fn year_before(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(3)).any(|i| {
        let y = &b[i..i + 4];
        y.iter().all(u8::is_ascii_digit)
            && (y[0..2] == *b"19" || y[0..2] == *b"20")
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && s[i + 4..].starts_with('年')
    })
}

/// True for a section heading of the national format ("一、总体情况" …), used to know
/// where a report's preamble ends.
pub fn looks_like_heading(text: &str) -> bool {
    let t = text.trim_matches(is_space);
    t.chars().count() <= 40
        && [
            "总体情况",
            "主动公开政府信息情况",
            "概述",
            "收到和处理政府信息公开申请情况",
        ]
        .iter()
        .any(|h| t.ends_with(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert!(looks_like_title(
            "平潭综合实验区2019年度政府信息公开工作年度报告"
        ));
        assert!(looks_like_title("2023年政府信息公开工作年度报告"));
        assert!(looks_like_title(
            "关于 ２０２１ 年政府信息公开工作年度报告。"
        ));
        assert!(!looks_like_title("政府信息公开工作年度报告"));
        assert!(!looks_like_title("平潭综合实验区2019年"));
        assert!(!looks_like_title(
            "本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止"
        ));
        assert!(!looks_like_title("12019年政府信息公开报告"));
    }

    #[test]
    fn markers() {
        let bits = marker_bits("一、总体情况 二、主动公开政府信息情况");
        assert_eq!(bits.count_ones(), 2);
    }
}
