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
