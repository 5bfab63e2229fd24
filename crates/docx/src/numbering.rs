//! Automatic paragraph numbering (`word/numbering.xml`), rendered into the text.
//!
//! Word stores "一、总体情况" or "1.属于国家秘密" typed as a numbered list as the bare text
//! ("总体情况") plus a reference to a list definition; the number is computed at display
//! time. The parser matches headings and row labels on what is printed, so the label is
//! computed here the way Word does for the common cases: a paragraph's `w:numPr` (or its
//! style's, following `w:basedOn`), counters per abstract list with restarts of deeper
//! levels, `w:startOverride`, `w:lvlText` with `%1`…`%9`, and the number formats used in
//! Chinese documents (decimal, full-width, enclosed, 一二三, 壹贰叁, 甲乙丙, letters,
//! roman). Bullets render nothing. Anything unreadable simply renders nothing.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::xml::attr;

#[derive(Clone, Debug, Default)]
struct Level {
    fmt: String,
    text: String,
    start: u32,
    /// `w:suff`: "tab" (default), "space" or "nothing".
    suffix: String,
}

#[derive(Clone, Debug, Default)]
struct Num {
    abstract_id: u32,
    /// Level → start override.
    starts: HashMap<u8, u32>,
}

/// The list definitions of a document and the running counters.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<u32, Vec<Level>>,
    nums: HashMap<u32, Num>,
    /// Paragraph style → (numId, ilvl), with `w:basedOn` resolved lazily.
    style_num: HashMap<String, (Option<u32>, Option<u8>)>,
    style_base: HashMap<String, String>,
    /// Abstract list → counters of its 9 levels (`None`: not started since a restart).
    counters: HashMap<u32, [Option<u32>; 9]>,
    /// (numId, level) whose start override was applied already.
    overridden: std::collections::HashSet<(u32, u8)>,
}

fn num_attr(e: &BytesStart, name: &str) -> Option<u32> {
    attr(e, name).and_then(|v| v.trim().parse().ok())
}

impl Numbering {
    /// Read `numbering.xml` and `styles.xml` (either may be absent or unreadable).
    pub(crate) fn new(numbering: Option<&str>, styles: Option<&str>) -> Numbering {
        let mut n = Numbering::default();
        if let Some(xml) = numbering {
            n.read_numbering(xml);
        }
        if let Some(xml) = styles {
            n.read_styles(xml);
        }
        n
    }

    fn read_numbering(&mut self, xml: &str) {
        let mut reader = Reader::from_str(xml);
        let mut abs: Option<(u32, Vec<Level>)> = None;
        let mut level: Option<usize> = None;
        let mut num: Option<(u32, Num)> = None;
        let mut override_level: Option<u8> = None;
        loop {
            let ev = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(ev, Event::Empty(_));
                    let name = e.local_name();
                    match name.as_ref() {
                        "abstractNum" if !empty => {
                            let id = num_attr(e, "abstractNumId").unwrap_or(u32::MAX);
                            abs = Some((id, vec![Level::default(); 9]));
                        }
                        "lvl" if !empty => {
                            level = num_attr(e, "ilvl").map(|l| l as usize).filter(|l| *l < 9);
                        }
                        "start" | "numFmt" | "lvlText" | "suff" => {
                            if let (Some((_, levels)), Some(l)) = (abs.as_mut(), level) {
                                let v = attr(e, "val").unwrap_or_default();
                                let lv = &mut levels[l];
                                match name.as_ref() {
                                    "start" => lv.start = v.trim().parse().unwrap_or(1),
                                    "numFmt" => lv.fmt = v,
                                    "lvlText" => lv.text = v,
                                    _ => lv.suffix = v,
                                }
                            }
                        }
                        "num" if !empty => {
                            let id = num_attr(e, "numId").unwrap_or(u32::MAX);
                            num = Some((id, Num::default()));
                        }
                        "abstractNumId" => {
                            if let Some((_, n)) = num.as_mut() {
                                n.abstract_id = num_attr(e, "val").unwrap_or(u32::MAX);
                            }
                        }
                        "lvlOverride" if !empty => {
                            override_level = num_attr(e, "ilvl").map(|l| l.min(8) as u8);
                        }
                        "startOverride" => {
                            if let (Some((_, n)), Some(l)) = (num.as_mut(), override_level) {
                                n.starts.insert(l, num_attr(e, "val").unwrap_or(1));
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(ref e) => match e.local_name().as_ref() {
                    "abstractNum" => {
                        if let Some((id, levels)) = abs.take() {
                            self.abstracts.insert(id, levels);
                        }
                    }
                    "lvl" => level = None,
                    "num" => {
                        if let Some((id, n)) = num.take() {
                            self.nums.insert(id, n);
                        }
                    }
                    "lvlOverride" => override_level = None,
                    _ => {}
                },
                _ => {}
            }
        }
    }

    fn read_styles(&mut self, xml: &str) {
        let mut reader = Reader::from_str(xml);
        let mut style: Option<String> = None;
        let mut in_numpr = false;
        loop {
            let ev = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(ev, Event::Empty(_));
                    match e.local_name().as_ref() {
                        "style" if !empty => {
                            style = attr(e, "styleId");
                        }
                        "basedOn" => {
                            if let (Some(s), Some(b)) = (style.as_ref(), attr(e, "val")) {
                                self.style_base.insert(s.clone(), b);
                            }
                        }
                        "numPr" if !empty => in_numpr = true,
                        "numId" | "ilvl" if in_numpr => {
                            if let Some(s) = style.as_ref() {
                                let entry = self.style_num.entry(s.clone()).or_default();
                                let v = num_attr(e, "val");
                                if e.local_name().as_ref() == "numId" {
                                    entry.0 = v;
                                } else {
                                    entry.1 = v.map(|l| l.min(8) as u8);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(ref e) => match e.local_name().as_ref() {
                    "style" => style = None,
                    "numPr" => in_numpr = false,
                    _ => {}
                },
                _ => {}
            }
        }
    }

    /// The numbering of a style, following `basedOn` (at most 16 steps).
    fn style_numbering(&self, style: &str) -> (Option<u32>, Option<u8>) {
        let mut s = style;
        let (mut id, mut lvl) = (None, None);
        for _ in 0..16 {
            if let Some((i, l)) = self.style_num.get(s) {
                id = id.or(*i);
                lvl = lvl.or(*l);
            }
            match self.style_base.get(s) {
                Some(b) if id.is_none() => s = b,
                _ => break,
            }
        }
        (id, lvl)
    }

    /// The label of the next paragraph with this numbering (direct `numPr` first, then
    /// the style's), advancing the counters. `None`: not numbered, or a bullet.
    pub(crate) fn label(
        &mut self,
        num_id: Option<u32>,
        ilvl: Option<u8>,
        style: Option<&str>,
    ) -> Option<String> {
        let (sid, slvl) = style.map_or((None, None), |s| self.style_numbering(s));
        let num_id = num_id.or(sid)?;
        if num_id == 0 {
            return None;
        }
        let ilvl = ilvl.or(slvl).unwrap_or(0).min(8);
        let num = self.nums.get(&num_id)?;
        let levels = self.abstracts.get(&num.abstract_id)?;
        let counters = self.counters.entry(num.abstract_id).or_insert([None; 9]);
        let l = ilvl as usize;
        if let Some(start) = num.starts.get(&ilvl) {
            if self.overridden.insert((num_id, ilvl)) {
                counters[l] = Some(start.saturating_sub(1));
            }
        }
        counters[l] = Some(match counters[l] {
            Some(n) => n.saturating_add(1),
            None => levels[l].start,
        });
        for c in counters.iter_mut().skip(l + 1) {
            *c = None;
        }
        let level = &levels[l];
        if matches!(level.fmt.as_str(), "bullet" | "none") || level.text.is_empty() {
            return None;
        }
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    chars.next();
                    let k = (d as usize).saturating_sub(1).min(8);
                    let n = counters[k].unwrap_or(levels[k].start);
                    out.push_str(&format_number(n, &levels[k].fmt));
                    continue;
                }
            }
            out.push(c);
        }
        if out.trim().is_empty() {
            return None;
        }
        let space = level.suffix == "space" || out.ends_with(|c: char| c.is_ascii_alphanumeric());
        if space && level.suffix != "nothing" {
            out.push(' ');
        }
        Some(out)
    }
}

const DIGITS_ZH: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (up to 9999; decimal beyond).
fn chinese(n: u32) -> String {
    if n == 0 {
        return "〇".into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let units = ["", "十", "百", "千"];
    let digits: Vec<u32> = (0..4).rev().map(|p| n / 10u32.pow(p) % 10).collect();
    let mut out = String::new();
    let mut zero = false;
    let first = digits.iter().position(|d| *d != 0).unwrap_or(3);
    for (i, d) in digits.iter().enumerate().skip(first) {
        let unit = units[3 - i];
        if *d == 0 {
            zero = true;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        // 十一, not 一十一, at the start.
        if !(*d == 1 && unit == "十" && out.is_empty()) {
            out.push_str(DIGITS_ZH[*d as usize]);
        }
        out.push_str(unit);
    }
    out
}

fn letters(n: u32, upper: bool) -> String {
    if n == 0 {
        return String::new();
    }
    let base = if upper { b'A' } else { b'a' };
    let c = (base + ((n - 1) % 26) as u8) as char;
    c.to_string().repeat(((n - 1) / 26 + 1).min(20) as usize)
}

fn roman(mut n: u32, upper: bool) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    if upper {
        out
    } else {
        out.to_ascii_lowercase()
    }
}

fn enclosed(n: u32, first: u32, count: u32) -> String {
    if (1..=count).contains(&n) {
        char::from_u32(first + n - 1).map_or_else(|| n.to_string(), String::from)
    } else {
        n.to_string()
    }
}

/// A counter value in a `w:numFmt`.
pub(crate) fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "decimalZero" if n < 10 => format!("0{n}"),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => enclosed(n, 0x2460, 20),
        "decimalEnclosedParen" => enclosed(n, 0x2474, 20),
        "decimalEnclosedFullstop" => enclosed(n, 0x2488, 20),
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "koreanCounting" => chinese(n),
        "chineseLegalSimplified" => chinese(n)
            .chars()
            .map(|c| match c {
                '一' => '壹',
                '二' => '贰',
                '三' => '叁',
                '四' => '肆',
                '五' => '伍',
                '六' => '陆',
                '七' => '柒',
                '八' => '捌',
                '九' => '玖',
                '十' => '拾',
                '百' => '佰',
                '千' => '仟',
                c => c,
            })
            .collect(),
        "ideographDigital" | "japaneseDigitalTenThousand" | "taiwaneseDigital" => n
            .to_string()
            .chars()
            .map(|c| DIGITS_ZH[c.to_digit(10).unwrap_or(0) as usize])
            .collect(),
        "ideographTraditional" => {
            let s = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
            s.get((n as usize).wrapping_sub(1))
                .map_or_else(|| n.to_string(), |c| c.to_string())
        }
        "ideographZodiac" => {
            let s = [
                "子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥",
            ];
            s.get((n as usize).wrapping_sub(1))
                .map_or_else(|| n.to_string(), |c| c.to_string())
        }
        "upperLetter" => letters(n, true),
        "lowerLetter" => letters(n, false),
        "upperRoman" => roman(n, true),
        "lowerRoman" => roman(n, false),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(chinese(1), "一");
        assert_eq!(chinese(10), "十");
        assert_eq!(chinese(11), "十一");
        assert_eq!(chinese(20), "二十");
        assert_eq!(chinese(105), "一百零五");
        assert_eq!(chinese(110), "一百一十");
        assert_eq!(chinese(2024), "二千零二十四");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(7, "chineseLegalSimplified"), "柒");
        assert_eq!(format_number(0, "ideographTraditional"), "0");
    }

    const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%3"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl></w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
    </w:numbering>"#;

    #[test]
    fn counters_restart_and_override() {
        let styles = r#"<w:styles xmlns:w="w"><w:style w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:styleId="H1b"><w:basedOn w:val="H1"/></w:style></w:styles>"#;
        let mut n = Numbering::new(Some(NUMBERING), Some(styles));
        assert_eq!(n.label(Some(1), Some(0), None).as_deref(), Some("一、"));
        assert_eq!(n.label(Some(1), Some(1), None).as_deref(), Some("（一）"));
        assert_eq!(n.label(Some(1), Some(1), None).as_deref(), Some("（二）"));
        assert_eq!(n.label(Some(1), Some(2), None).as_deref(), Some("一.1 "));
        // Through a style (and its basedOn).
        assert_eq!(n.label(None, None, Some("H1b")).as_deref(), Some("二、"));
        assert_eq!(n.label(Some(1), Some(1), None).as_deref(), Some("（一）"));
        assert_eq!(n.label(Some(2), None, None), None);
        assert_eq!(n.label(Some(0), None, Some("H1")), None);
        assert_eq!(n.label(Some(99), None, None), None);
        assert_eq!(n.label(Some(3), Some(0), None).as_deref(), Some("五、"));
        assert_eq!(n.label(Some(3), Some(0), None).as_deref(), Some("六、"));
    }
}
