//! Lines and cell tokens of the normalised text.
//!
//! Tables arrive flattened in many ways: space-separated on one line, tab-separated
//! (with empty cells from merged columns), one cell per line, Markdown pipes. The
//! tokenizer turns every layout into one stream of tokens — text pieces, numbers,
//! explicit blanks and empty cells — each with its byte range in the normalised text,
//! so that the table readers do not care which layout it was.

use std::ops::Range;

/// A line of the normalised text: byte range without the newline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
}

impl Line {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Split the normalised text into lines.
pub fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::with_capacity(text.len() / 40 + 1);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        out.push(Line { start, end: i });
        start = i + 1;
    }
    if start < text.len() {
        out.push(Line {
            start,
            end: text.len(),
        });
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    /// A piece of label or header text.
    Text,
    /// A number (maybe with a unit or a note: "22(其中修订16件)", "75394432.52元").
    Num,
    /// An explicit blank cell: whitespace only, or a placeholder such as "/" "-" "—".
    Blank,
    /// An empty cell between separators (tab or pipe): a blank cell, or a layout
    /// artefact of merged columns — the table readers decide by position.
    Empty,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tok {
    pub kind: TokKind,
    /// Byte range in the normalised text (trimmed; empty range for `Empty`).
    pub span: Range<usize>,
    /// Index of the line the token is on.
    pub line: usize,
}

impl Tok {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.span.clone()]
    }
}

/// What a numeric token means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Number {
    /// An integer, maybe with a count unit or a note after it.
    Int(i64),
    /// A decimal or a money amount with its unit: kept as printed (no spaces).
    Decimal(String),
}

/// Parse a numeric cell. `None` when the text is not a number.
pub fn parse_number(s: &str) -> Option<Number> {
    let s = s.trim();
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let (sign, rest) = match bytes[0] {
        b'-' | b'+' if bytes.len() > 1 => (&s[..1], &s[1..]),
        _ => ("", s),
    };
    let digits_end = rest
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b','))
        .unwrap_or(rest.len());
    if digits_end == 0 || !rest.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let int_part = &rest[..digits_end];
    if int_part.contains(',') && !valid_thousands(int_part) {
        return None;
    }
    let mut tail = &rest[digits_end..];
    let mut frac = "";
    if let Some(t) = tail.strip_prefix('.') {
        let n = t.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        frac = &t[..n];
        tail = &t[n..];
    }
    let tail_trim = tail.trim();
    let is_note = (tail_trim.starts_with('(') && tail_trim.ends_with(')'))
        || (tail_trim.starts_with('（') && tail_trim.ends_with('）'));
    let money_unit = matches!(tail_trim, "元" | "万元");
    let count_unit = matches!(tail_trim, "件" | "个" | "项" | "条" | "次" | "人次");
    if !(tail_trim.is_empty() || is_note || money_unit || count_unit) {
        return None;
    }
    // The integer part's digits, thousands separators left out.
    let mut int_digits = int_part.bytes().filter(|&b| b != b',');
    if frac.is_empty() && !money_unit {
        // Digit by digit (no string built: most cells are small counts); `None` past
        // i64, as `str::parse` would say.
        let n = int_digits.try_fold(0i64, |n, b| {
            n.checked_mul(10)?.checked_add(i64::from(b - b'0'))
        })?;
        return Some(Number::Int(if sign == "-" { -n } else { n }));
    }
    let mut d = String::with_capacity(s.len());
    if sign == "-" {
        d.push('-');
    }
    d.extend(int_digits.map(char::from));
    if !frac.is_empty() {
        d.push('.');
        d.push_str(frac);
    }
    if money_unit {
        d.push_str(tail_trim);
    }
    Some(Number::Decimal(d))
}

fn valid_thousands(s: &str) -> bool {
    let mut parts = s.split(',');
    let first = parts.next().unwrap_or("");
    !first.is_empty() && first.len() <= 3 && parts.all(|p| p.len() == 3)
}

fn is_placeholder(s: &str) -> bool {
    matches!(
        s,
        "/" | "-" | "—" | "——" | "－" | "\\" | "–" | "--" | "×" | "_" | "__"
    )
}

fn classify(s: &str) -> TokKind {
    if s.is_empty() {
        return TokKind::Empty;
    }
    let t = s.trim();
    if t.is_empty() || is_placeholder(t) {
        TokKind::Blank
    } else if parse_number(t).is_some() {
        TokKind::Num
    } else {
        TokKind::Text
    }
}

/// True for a Markdown table separator row such as `|---|:--:|`.
fn is_md_separator(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// Tokens of the lines with index in `line_range`.
pub fn tokenize(text: &str, lines: &[Line], line_range: Range<usize>) -> Vec<Tok> {
    let mut out = Vec::new();
    for li in line_range {
        let Some(line) = lines.get(li) else { break };
        tokenize_line(text, *line, li, &mut out);
    }
    out
}

fn tokenize_line(text: &str, line: Line, li: usize, out: &mut Vec<Tok>) {
    let s = line.text(text);
    let trimmed = s.trim_start();
    if trimmed.is_empty() && !s.contains('\t') {
        return;
    }
    if trimmed.starts_with('|') {
        if is_md_separator(s) {
            return;
        }
        // Markdown pipe row: cells between the outer pipes.
        let lead = s.len() - trimmed.len();
        let inner_start = line.start + lead + 1;
        let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        split_cells(text, inner_start, inner, '|', li, out);
        return;
    }
    // A pipe row cut out of a longer line (a Markdown table with its line breaks
    // removed): cells between pipes, as above.
    let pipe = s.as_bytes().contains(&b'|');
    if pipe && (s.contains(" | ") || s.contains("| ") && s.trim_end().ends_with('|')) {
        split_cells(text, line.start, s, '|', li, out);
        return;
    }
    if s.contains('\t') {
        // One leading tab is indentation (one cell per line): drop the empty piece before it.
        let (start, body) = match s.strip_prefix('\t') {
            Some(rest) => (line.start + 1, rest),
            None => (line.start, s),
        };
        split_cells(text, start, body, '\t', li, out);
        return;
    }
    split_words(text, line.start, s, li, out);
}

/// Cells separated by `sep`; a cell holding several numbers separated by spaces is
/// split into them, other cells are one token.
fn split_cells(text: &str, base: usize, s: &str, sep: char, li: usize, out: &mut Vec<Tok>) {
    let mut offset = 0;
    for piece in s.split(sep) {
        let start = base + offset;
        offset += piece.len() + sep.len_utf8();
        let trimmed_start = piece.trim_start();
        let trimmed = trimmed_start.trim_end();
        if trimmed.is_empty() {
            let kind = if piece.is_empty() {
                TokKind::Empty
            } else {
                TokKind::Blank
            };
            out.push(Tok {
                kind,
                span: start..start,
                line: li,
            });
            continue;
        }
        let tstart = start + (piece.len() - trimmed_start.len());
        let mut words = trimmed.split_whitespace();
        let several = words.clone().nth(1).is_some();
        if several && words.all(|w| parse_number(w).is_some()) {
            split_words(text, tstart, trimmed, li, out);
        } else {
            push_word(trimmed, tstart, li, out);
        }
    }
    debug_assert!(out.iter().all(|t| t.span.end <= text.len()));
}

/// Whitespace-separated words.
fn split_words(_text: &str, base: usize, s: &str, li: usize, out: &mut Vec<Tok>) {
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() {
        // Skip whitespace (ASCII only: the text is normalised; a line break stands inside
        // a flat line that a stray break had cut, see `segment::lines`).
        while i < s.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i >= s.len() {
            break;
        }
        let start = i;
        while i < s.len() && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        push_word(&s[start..i], base + start, li, out);
    }
}

/// One word or cell starting at byte `at`. A label with its values run together
/// ("1.属于国家秘密4000004", "行政事业性收费18651.06") is the label, then the number.
fn push_word(w: &str, at: usize, li: usize, out: &mut Vec<Tok>) {
    let kind = classify(w);
    // Text without a digit holds no number to split off (most label and prose words).
    let digits = kind == TokKind::Text && w.bytes().any(|b| b.is_ascii_digit());
    // A page number glued on when the text lost its line breaks ("0000101—2—"): not a cell.
    if digits {
        if let Some(k) = gongkai_text::trailing_page_mark(w) {
            if k > 0 {
                push_word(&w[..k], at, li, out);
            }
            return;
        }
        // A row's values run into the next row's label ("151000016（二）部分公开…"):
        // the number, then the rest.
        if let Some(k) = leading_number(w) {
            out.push(Tok {
                kind: TokKind::Num,
                span: at..at + k,
                line: li,
            });
            push_word(&w[k..], at + k, li, out);
            return;
        }
        if let Some(k) = trailing_number(w) {
            out.push(Tok {
                kind: TokKind::Text,
                span: at..at + k,
                line: li,
            });
            out.push(Tok {
                kind: TokKind::Num,
                span: at + k..at + w.len(),
                line: li,
            });
            return;
        }
    }
    out.push(Tok {
        kind,
        span: at..at + w.len(),
        line: li,
    });
}

/// Where the digits that start `w` end, when a label follows them (a CJK char or an
/// opening bracket that is not a unit: "151000016（二）部分公开", not "2024年", "3件",
/// "1.属于…").
fn leading_number(w: &str) -> Option<usize> {
    let k = w.bytes().take_while(u8::is_ascii_digit).count();
    if k == 0 {
        return None;
    }
    let next = w[k..].chars().next()?;
    let unit = matches!(
        next,
        '年' | '月'
            | '日'
            | '号'
            | '件'
            | '条'
            | '个'
            | '项'
            | '次'
            | '元'
            | '万'
            | '人'
            | '家'
            | '份'
            | '期'
            | '篇'
            | '场'
            | '批'
            | '余'
            | '多'
            | '名'
            | '户'
            | '天'
            | '类'
            | '部'
            | '页'
            | '亿'
            | '千'
            | '百'
            | '十'
            | '倍'
            | '周'
            | '所'
            | '座'
            | '台'
            | '起'
            | '宗'
    );
    let label = next == '(' || next == '（' || (!next.is_ascii() && !unit && !is_punct(next));
    label.then_some(k)
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '、' | '，' | '。' | '；' | '：' | '）' | '”' | '’' | '·' | '—' | '～' | '%' | '％'
    )
}

/// Where a number printed right after label text starts in the word `w`: the word ends
/// with digits (maybe a decimal part and a money unit) that follow a CJK char or CJK
/// punctuation (or a closing bracket or quote). `None` for words such as "2024年",
/// "附表1.", "A1".
fn trailing_number(w: &str) -> Option<usize> {
    let body = w
        .strip_suffix("万元")
        .or_else(|| w.strip_suffix('元'))
        .unwrap_or(w);
    let b = body.as_bytes();
    let mut k = b.len();
    while k > 0 && b[k - 1].is_ascii_digit() {
        k -= 1;
    }
    if k == b.len() {
        return None;
    }
    // A decimal part: "18651.06".
    if k > 1 && b[k - 1] == b'.' && b[k - 2].is_ascii_digit() {
        let mut j = k - 1;
        while j > 0 && b[j - 1].is_ascii_digit() {
            j -= 1;
        }
        k = j;
    }
    let before = body[..k].chars().next_back()?;
    // Normalisation folds full-width brackets and quotes to ASCII: "（…）290000029".
    let label_end = !before.is_ascii() || matches!(before, ')' | ']' | '"' | '\'');
    (label_end && parse_number(&w[k..]).is_some()).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokKind, String)> {
        let ls = lines(text);
        tokenize(text, &ls, 0..ls.len())
            .into_iter()
            .map(|t| (t.kind, t.text(text).to_string()))
            .collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0"), Some(Number::Int(0)));
        assert_eq!(parse_number("1,234"), Some(Number::Int(1234)));
        assert_eq!(parse_number("-3"), Some(Number::Int(-3)));
        assert_eq!(
            parse_number("12372.0506"),
            Some(Number::Decimal("12372.0506".into()))
        );
        assert_eq!(
            parse_number("75394432.52元"),
            Some(Number::Decimal("75394432.52元".into()))
        );
        assert_eq!(parse_number("22(其中修订16件)"), Some(Number::Int(22)));
        assert_eq!(parse_number("2021年"), None);
        assert_eq!(parse_number("1."), None);
        assert_eq!(parse_number("1.属于国家秘密"), None);
        assert_eq!(parse_number("12,34"), None);
        // Past i64: not a number (as `str::parse` says).
        assert_eq!(parse_number("9223372036854775808"), None);
        assert_eq!(
            parse_number("9,223,372,036,854,775,807"),
            Some(Number::Int(i64::MAX))
        );
        assert_eq!(parse_number("-0"), Some(Number::Int(0)));
        assert_eq!(
            parse_number("1,234.5元"),
            Some(Number::Decimal("1234.5元".into()))
        );
    }

    #[test]
    fn space_separated_row() {
        let k = kinds("3.其他 1 0 0 0 0 0 1\n");
        assert_eq!(k.len(), 8);
        assert_eq!(k[0], (TokKind::Text, "3.其他".into()));
        assert_eq!(k[7], (TokKind::Num, "1".into()));
    }

    #[test]
    fn tab_separated_row_keeps_empty_cells() {
        let k = kinds("\t\t1.属于国家秘密\t\t0\t0\n");
        let kinds: Vec<TokKind> = k.iter().map(|x| x.0).collect();
        use TokKind::*;
        assert_eq!(kinds, vec![Empty, Text, Empty, Num, Num]);
    }

    #[test]
    fn one_cell_per_line() {
        let k = kinds("\t行政许可\n\t\n\t \n\t0\n");
        let kinds: Vec<TokKind> = k.iter().map(|x| x.0).collect();
        use TokKind::*;
        assert_eq!(kinds, vec![Text, Empty, Blank, Num]);
    }

    #[test]
    fn label_and_run_together_values() {
        let k = kinds("1.属于国家秘密4000004 行政事业性收费18651.06 政府集中采购13575394432.52元 2024年 附表1.\n");
        let texts: Vec<&str> = k.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "1.属于国家秘密",
                "4000004",
                "行政事业性收费",
                "18651.06",
                "政府集中采购",
                "13575394432.52元",
                "2024年",
                "附表1."
            ]
        );
        assert_eq!(k[1].0, TokKind::Num);
        assert_eq!(k[6].0, TokKind::Text);
    }

    #[test]
    fn markdown_row() {
        let k = kinds("| 规章 | 22 | 235 |\n|---|---|---|\n");
        let kinds: Vec<TokKind> = k.iter().map(|x| x.0).collect();
        use TokKind::*;
        assert_eq!(kinds, vec![Text, Num, Num]);
        assert_eq!(k[2].1, "235");
    }
}
