//! Recognition of page-number lines left behind by PDF/Word text extraction.

/// Whether a whole line is nothing but a page number (`- 3 -`, `— 4 —`,
/// `第3页`, `第3页/共10页`, `3/10`, ...).
///
/// Page numbers interrupt tables and sentences that straddle a page break, so
/// they must vanish before matching. The patterns are deliberately narrow:
/// a bare number (`3`, `0`) or a bare dash (`-`, `—`) is a table cell or a
/// blank-cell placeholder, not a page number, and is never matched; `N/M`
/// only counts when `1 <= N <= M`.
///
/// Works on raw and on normalised lines alike (full-width digits, dashes and
/// spaces are accepted). Leading/trailing spaces, tabs and form feeds are
/// ignored. The line must not contain its line terminator.
pub fn is_page_number_line(line: &str) -> bool {
    let t = line.trim_matches(is_blank);
    if t.is_empty() || t.len() > 64 {
        return false;
    }
    dashed(t) || di_ye(t) || slash(t)
}

/// Where a dashed page number (`—2—`, `-12-`) glued to the end of a word starts, when
/// the text lost its line breaks ("0000101—2—（三）不予公开…"). `Some(0)` when the whole
/// word is one. Only the dashed form: it cannot be a cell's value or a label.
pub fn trailing_page_mark(word: &str) -> Option<usize> {
    word.char_indices()
        .filter(|(_, c)| is_dash(*c))
        .map(|(i, _)| i)
        .find(|&i| {
            let rest = &word[i..];
            rest.chars().any(|c| c.is_ascii_digit()) && dashed(rest)
        })
}

/// The page numbers standing inside a line, as byte ranges of `line`: what a page-number
/// line becomes when the text lost its line breaks ("…行政许可 0- 1 -第二十条…",
/// "（三）不予- 2 -公开"). Only the dashed form, and only where it cannot be anything
/// else:
/// - `- 3 -` with blanks inside must touch the text on at least one side: a row whose
///   blank cells are printed as dashes ("0 - 3 - 0") has blanks all round;
/// - `—3—` without blanks must not have a digit on both sides when its dashes are
///   hyphens: "2024-3-5" is a date;
/// - the number has 1 to 3 digits and no leading zero; no further dash on either side.
///
/// A line that is only a page number, or holds nothing of substance beside its marks
/// (a bookmark artefact, spaces), has none: it is a page-number line, dropped whole.
pub fn inline_page_marks(line: &str) -> Vec<std::ops::Range<usize>> {
    if is_page_number_line(line) {
        return Vec::new();
    }
    let marks = marks_in(line);
    let solid = |gap: &str| {
        gap.chars()
            .any(|c| c.is_ascii_digit() || !c.is_ascii() && !c.is_whitespace())
    };
    let mut rest = 0;
    let mut substance = false;
    for m in &marks {
        substance |= solid(&line[rest..m.start]);
        rest = m.end;
    }
    if substance || solid(&line[rest..]) {
        marks
    } else {
        Vec::new()
    }
}

fn marks_in(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Only at a dash, 第 or 共 (their UTF-8 bytes, without decoding the line).
        let found = match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'-', _, _) => mark_at(line, i),
            (0xE2, Some(0x80), Some(0x90..=0x95))
            | (0xE2, Some(0x88), Some(0x92))
            | (0xEF, Some(0xB9), Some(0x98 | 0xA3))
            | (0xEF, Some(0xBC), Some(0x8D)) => mark_at(line, i),
            (0xE7, Some(0xAC), Some(0xAC)) | (0xE5, Some(0x85), Some(0xB1)) => page_of_at(line, i),
            _ => {
                i += 1;
                continue;
            }
        };
        match found {
            Some(end) => {
                out.push(i..end);
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// The end of `第3页`, `第3页共10页`, `共10页第3页` starting at byte `start`: the
/// number has 1 to 3 digits and no leading zero. ("第3页" is no count a report states.)
fn page_of_at(line: &str, start: usize) -> Option<usize> {
    let mut c = Cur {
        rest: &line[start..],
    };
    let page = |c: &mut Cur<'_>| {
        c.blanks();
        let at = c.rest;
        let n = c.number()?;
        let digits = at.len() - c.rest.len();
        if n == 0 || n > 999 || digits > 9 || at.starts_with(['0', '０']) {
            return None;
        }
        c.blanks();
        c.eat_char('页').then_some(())
    };
    if c.eat_char('第') {
        page(&mut c)?;
        let end = line.len() - c.rest.len();
        let mut more = Cur { rest: c.rest };
        more.blanks();
        more.eat(is_separator);
        more.blanks();
        if more.eat_char('共') && page(&mut more).is_some() {
            return Some(line.len() - more.rest.len());
        }
        Some(end)
    } else {
        c.eat_char('共');
        page(&mut c)?;
        c.blanks();
        c.eat(is_separator);
        c.blanks();
        if !c.eat_char('第') {
            return None;
        }
        page(&mut c)?;
        Some(line.len() - c.rest.len())
    }
}

/// The end of an inline page mark starting at byte `start` (see [`inline_page_marks`]).
fn mark_at(line: &str, start: usize) -> Option<usize> {
    let before = line[..start].chars().next_back();
    if before.is_some_and(is_dash) {
        return None;
    }
    let mut c = Cur {
        rest: &line[start..],
    };
    let first = c.rest.chars().next()?;
    if !c.dashes() {
        return None;
    }
    let len0 = c.rest.len();
    c.blanks();
    let blank_before = c.rest.len() != len0;
    let digits_at = c.rest;
    let n = c.number()?;
    let digits = digits_at.len() - c.rest.len();
    let len1 = c.rest.len();
    c.blanks();
    let blank_after = c.rest.len() != len1;
    if !c.dashes() {
        return None;
    }
    let end = line.len() - c.rest.len();
    let after = line[end..].chars().next();
    if after.is_some_and(is_dash) || n == 0 || n > 999 || digits_at.starts_with(['0', '０']) {
        return None;
    }
    // At most three digits, ASCII or full-width (3 bytes each).
    if digits > 9 {
        return None;
    }
    let glued = |c: Option<char>| c.is_some_and(|c| !is_blank(c));
    let ok = match (blank_before, blank_after) {
        (true, true) => glued(before) || glued(after),
        (false, false) => {
            let hyphen = matches!(first, '-' | '\u{FF0D}');
            let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
            !(hyphen && digit(before) && digit(after))
        }
        _ => false,
    };
    ok.then_some(end)
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{c}' | '\u{a0}' | '\u{3000}')
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

struct Cur<'a> {
    rest: &'a str,
}

impl Cur<'_> {
    fn eat(&mut self, pred: impl Fn(char) -> bool) -> bool {
        match self.rest.chars().next() {
            Some(c) if pred(c) => {
                self.rest = &self.rest[c.len_utf8()..];
                true
            }
            _ => false,
        }
    }

    fn eat_char(&mut self, want: char) -> bool {
        self.eat(|c| c == want)
    }

    fn blanks(&mut self) {
        while self.eat(is_blank) {}
    }

    /// One or two dashes (`-`, `—`, `——`).
    fn dashes(&mut self) -> bool {
        if !self.eat(is_dash) {
            return false;
        }
        self.eat(is_dash);
        true
    }

    /// 1 to 5 ASCII or full-width digits.
    fn number(&mut self) -> Option<u32> {
        let mut n: u32 = 0;
        let mut len = 0;
        while let Some(c) = self.rest.chars().next() {
            let d = match c {
                '0'..='9' => c as u32 - '0' as u32,
                '\u{FF10}'..='\u{FF19}' => c as u32 - 0xFF10,
                _ => break,
            };
            if len == 5 {
                return None;
            }
            n = n * 10 + d;
            len += 1;
            self.rest = &self.rest[c.len_utf8()..];
        }
        (len > 0).then_some(n)
    }

    fn done(&self) -> bool {
        self.rest.is_empty()
    }
}

/// `-3-`, `- 3 -`, `— 4 —`, `——4——`, `－5－`, `– 12 –`.
fn dashed(t: &str) -> bool {
    let mut c = Cur { rest: t };
    c.dashes()
        && {
            c.blanks();
            c.number().is_some()
        }
        && {
            c.blanks();
            c.dashes()
        }
        && c.done()
}

/// `第3页`, `第 3 页`, `第3页 共10页`, `第3页/共10页`, `第3页，共10页`, and the
/// reversed `共10页 第3页`.
fn di_ye(t: &str) -> bool {
    let mut c = Cur { rest: t };
    if c.eat_char('第') {
        if !counted(&mut c, '页') {
            return false;
        }
        c.blanks();
        if c.done() {
            return true;
        }
        c.eat(is_separator);
        c.blanks();
        c.eat_char('共') && counted(&mut c, '页') && c.done()
    } else if c.eat_char('共') {
        counted(&mut c, '页')
            && {
                c.blanks();
                c.eat(is_separator);
                c.blanks();
                c.eat_char('第')
            }
            && counted(&mut c, '页')
            && c.done()
    } else {
        false
    }
}

/// After `第`/`共`: blanks, a number, blanks, `unit`, trailing blanks.
fn counted(c: &mut Cur<'_>, unit: char) -> bool {
    c.blanks();
    if c.number().is_none() {
        return false;
    }
    c.blanks();
    let ok = c.eat_char(unit);
    c.blanks();
    ok
}

fn is_separator(c: char) -> bool {
    matches!(c, '/' | ',' | ';' | '|' | '，' | '、' | '；' | '／' | '｜')
}

/// `3/10`, `3 / 10` with `1 <= 3 <= 10`.
fn slash(t: &str) -> bool {
    let mut c = Cur { rest: t };
    let Some(n) = c.number() else {
        return false;
    };
    c.blanks();
    if !c.eat(|ch| ch == '/' || ch == '／') {
        return false;
    }
    c.blanks();
    let Some(m) = c.number() else {
        return false;
    };
    c.done() && 1 <= n && n <= m
}

#[cfg(test)]
mod tests {
    use super::is_page_number_line as page;

    #[test]
    fn page_numbers() {
        for s in [
            "-3-",
            "- 3 -",
            "— 4 —",
            "—4—",
            "－5－",
            "– 12 –",
            "——12——",
            "  - 3 -  ",
            "\u{c}- 3 -",
            "\u{3000}－ ５ －",
            "第3页",
            "第 3 页",
            "第3页 共10页",
            "第3页/共10页",
            "第3页,共10页",
            "第 3 页，共 10 页",
            "第3页共10页",
            "共10页 第3页",
            "3/10",
            "3 / 10",
            "10/10",
            "1/1",
        ] {
            assert!(page(s), "{s:?} should be a page-number line");
        }
    }

    #[test]
    fn inline_marks() {
        use super::inline_page_marks as marks;
        let cut =
            |s: &str| -> Vec<String> { marks(s).into_iter().map(|r| s[r].to_string()).collect() };
        assert_eq!(cut("行政许可 0- 1 -第二十条"), ["- 1 -"]);
        assert_eq!(cut("（三）不予- 2 -公开1.属于"), ["- 2 -"]);
        assert_eq!(cut("0 0 0- 3 -2.申请人"), ["- 3 -"]);
        assert_eq!(cut("0000101—2—（三）不予公开"), ["—2—"]);
        assert_eq!(cut("结果维持 — 12 —结果纠正"), ["— 12 —"]);
        assert_eq!(cut("工作。——4——二、主动"), ["——4——"]);
        assert_eq!(cut("0000000第2页（三）不予公开"), ["第2页"]);
        assert_eq!(cut("收费通知第4页要求缴纳费用"), ["第4页"]);
        assert_eq!(
            cut("规章 0 第 12 页 共 30 页行政规范性文件"),
            ["第 12 页 共 30 页"]
        );
        assert_eq!(cut("结果维持共30页第12页结果纠正"), ["共30页第12页"]);
        // Not page marks: dash placeholders of blank cells, dates, ranges, long numbers.
        for s in [
            "0 - 3 - 0",
            "2024-3-5",
            "2024-03-15",
            "第1-3-5项",
            "—",
            "0 — 0",
            "- 1234 -",
            "- 0 -",
            "- 05 -",
            "---3---",
            "- 3 - 4",
            "第3条",
            "第0页",
            "第1000页",
            "共10页",
            "第三页",
        ] {
            assert!(cut(s).is_empty(), "{s:?}: {:?}", cut(s));
        }
    }

    #[test]
    fn not_page_numbers() {
        for s in [
            "",
            "   ",
            "3",
            "0",
            "12",
            "-",
            "—",
            "--",
            "——",
            "-3",
            "3-",
            "—3",
            "- 3 - 4",
            "第3",
            "第页",
            "第三页",
            "第3页 共",
            "第3页 共10",
            "3/",
            "/10",
            "0/10",
            "11/10",
            "2023/12",
            "3/10/2023",
            "一、总体情况",
            "第3条",
            "- 123456 -",
        ] {
            assert!(!page(s), "{s:?} should not be a page-number line");
        }
    }
}
