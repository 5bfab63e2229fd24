//! Cells printed without separators: the ways a row's value tokens can be read as `n`
//! cells.
//!
//! Crawled text runs a row's cells together ("21710000218" is 217 1 0 0 0 0 218). A
//! token that holds several cells can be cut anywhere between its digits, except that a
//! cell never starts with 0 unless it is 0, and a decimal part belongs to one cell.
//! Spaces that do appear are evidence: a token is never joined to its neighbour. Which
//! reading is right is for the table's arithmetic to say; this module only enumerates.

use crate::tokens::{Tok, TokKind};

/// Enumeration stops (and the row is left unread) past this many partial readings.
pub const NODE_LIMIT: usize = 200_000;

/// Why a row's tokens have no reading as `n` cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReading {
    /// More readings than can be weighed: the run is too long to split.
    TooMany,
}

/// Can this token hold several cells? Plain digit runs (maybe with a decimal part and a
/// money unit on the last cell) can; blanks, notes and units cannot.
fn splittable(text: &str, tok: &Tok) -> bool {
    if tok.kind != TokKind::Num {
        return false;
    }
    let s = tok.text(text);
    let body = s
        .strip_suffix("万元")
        .or_else(|| s.strip_suffix('元'))
        .unwrap_or(s);
    let int = body.split_once('.').map_or(body, |(i, _)| i);
    int.len() >= 2 && int.bytes().all(|b| b.is_ascii_digit())
}

/// Does the token, read as one cell, start with a superfluous zero ("00", "0218")? Such
/// a token must hold several cells.
pub fn has_leading_zero(text: &str, tok: &Tok) -> bool {
    let s = tok.text(text);
    let b = s.as_bytes();
    tok.kind == TokKind::Num && b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit()
}

/// Every reading of `toks` as exactly `n` cells that `accept` takes, each a list of `n`
/// tokens (sub-spans of the printed ones). `accept` sees each complete reading.
pub fn readings(
    text: &str,
    toks: &[Tok],
    n: usize,
    mut accept: impl FnMut(&[Tok]) -> bool,
) -> Result<Vec<Vec<Tok>>, NoReading> {
    let mut w = Walk {
        text,
        toks,
        n,
        // Cells the remaining tokens hold at least (one each) and at most (their digits).
        rest_min: (0..=toks.len()).map(|i| toks.len() - i).collect(),
        rest_max: (0..=toks.len())
            .map(|i| toks[i..].iter().map(|t| digit_count(text, t)).sum())
            .collect(),
        out: Vec::new(),
        nodes: 0,
        accept: &mut accept,
    };
    let mut cur: Vec<Tok> = Vec::with_capacity(n);
    w.walk(0, &mut cur)?;
    Ok(w.out)
}

/// The most cells a token can hold: its integer digits when it is a plain digit run,
/// else one.
pub fn digit_count(text: &str, tok: &Tok) -> usize {
    if splittable(text, tok) {
        digits(text, tok)
    } else {
        1
    }
}

/// Number of integer digits of a splittable token (the most cells it can hold).
fn digits(text: &str, tok: &Tok) -> usize {
    let s = tok.text(text);
    s.split_once('.')
        .map_or(s, |(i, _)| i)
        .bytes()
        .filter(u8::is_ascii_digit)
        .count()
}

/// The enumeration's state: the tokens, the bounds on what the rest can hold, the
/// readings found.
struct Walk<'a, F> {
    text: &'a str,
    toks: &'a [Tok],
    n: usize,
    rest_min: Vec<usize>,
    rest_max: Vec<usize>,
    out: Vec<Vec<Tok>>,
    nodes: usize,
    accept: &'a mut F,
}

impl<F: FnMut(&[Tok]) -> bool> Walk<'_, F> {
    /// Readings of the tokens from `i` on, after the cells in `cur`.
    fn walk(&mut self, i: usize, cur: &mut Vec<Tok>) -> Result<(), NoReading> {
        self.nodes += 1;
        if self.nodes > NODE_LIMIT {
            return Err(NoReading::TooMany);
        }
        let left = self.n - cur.len();
        if i == self.toks.len() {
            if left == 0 && (self.accept)(cur) {
                self.out.push(cur.clone());
            }
            return Ok(());
        }
        if left < self.rest_min[i] || left > self.rest_max[i] {
            return Ok(());
        }
        let (text, tok) = (self.text, &self.toks[i]);
        if !splittable(text, tok) {
            cur.push(tok.clone());
            self.walk(i + 1, cur)?;
            cur.pop();
            return Ok(());
        }
        // Cells this token holds: at least one, leaving at least one for each later token.
        let most = left - self.rest_min[i + 1];
        let mut pieces = Vec::new();
        for k in 1..=most.min(digits(text, tok)) {
            pieces.clear();
            cut(text, tok, tok.span.start, k, &mut pieces, &mut |ps| {
                let mark = cur.len();
                cur.extend(ps.iter().cloned());
                let r = self.walk(i + 1, cur);
                cur.truncate(mark);
                r
            })?;
        }
        Ok(())
    }
}

/// Every way to cut the rest of `tok` (from byte `from`) into `k` cells.
fn cut(
    text: &str,
    tok: &Tok,
    from: usize,
    k: usize,
    pieces: &mut Vec<Tok>,
    f: &mut impl FnMut(&[Tok]) -> Result<(), NoReading>,
) -> Result<(), NoReading> {
    let end = tok.span.end;
    let piece = |a: usize, b: usize| Tok {
        kind: TokKind::Num,
        span: a..b,
        line: tok.line,
    };
    if k == 1 {
        let s = &text[from..end];
        if s.is_empty() || !s.as_bytes()[0].is_ascii_digit() || leading_zero(s) {
            return Ok(());
        }
        pieces.push(piece(from, end));
        let r = f(pieces);
        pieces.pop();
        return r;
    }
    let s = &text[from..end];
    let bytes = s.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_digit() {
        return Ok(());
    }
    // A cell starting with 0 is 0; otherwise any length that leaves k-1 digits.
    let max_len = if bytes[0] == b'0' { 1 } else { bytes.len() };
    for len in 1..=max_len {
        if len >= bytes.len() || !bytes[len - 1].is_ascii_digit() || !bytes[len].is_ascii_digit() {
            break;
        }
        pieces.push(piece(from, from + len));
        cut(text, tok, from + len, k - 1, pieces, f)?;
        pieces.pop();
    }
    Ok(())
}

/// "0218", "00", "05.5": a leading zero that is not the whole integer part.
fn leading_zero(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut pos = 0;
        for w in text.split(' ') {
            out.push(Tok {
                kind: if w.is_empty() {
                    TokKind::Empty
                } else {
                    TokKind::Num
                },
                span: pos..pos + w.len(),
                line: 0,
            });
            pos += w.len() + 1;
        }
        out
    }

    fn values(text: &str, r: &[Tok]) -> Vec<String> {
        r.iter().map(|t| t.text(text).to_string()).collect()
    }

    fn row_total(text: &str) -> impl FnMut(&[Tok]) -> bool + '_ {
        move |r: &[Tok]| {
            let v: Vec<i64> = r.iter().map(|t| t.text(text).parse().unwrap()).collect();
            v[..6].iter().sum::<i64>() == v[6]
        }
    }

    #[test]
    fn a_row_run_together_splits_by_its_total() {
        let t = "21710000218";
        let r = readings(t, &toks(t), 7, row_total(t)).unwrap();
        let all: Vec<Vec<String>> = r.iter().map(|r| values(t, r)).collect();
        assert!(all.contains(&vec![
            "217".into(),
            "1".into(),
            "0".into(),
            "0".into(),
            "0".into(),
            "0".into(),
            "218".into()
        ]));
        // Every reading satisfies the total and has no leading zeros.
        for v in &all {
            assert!(v.iter().all(|c| c == "0" || !c.starts_with('0')));
        }
    }

    #[test]
    fn zeros_split_one_way() {
        let t = "0000000";
        let r = readings(t, &toks(t), 7, |_| true).unwrap();
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn spaces_are_kept() {
        // "230 000023": 230 cannot lend digits to the next token.
        let t = "230 000023";
        let r = readings(t, &toks(t), 7, row_total(t)).unwrap();
        let all: Vec<Vec<String>> = r.iter().map(|r| values(t, r)).collect();
        assert_eq!(
            all,
            vec![vec!["23", "0", "0", "0", "0", "0", "23"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()]
        );
    }

    #[test]
    fn decimals_stay_in_one_cell() {
        let t = "13575394432.52元";
        let r = readings(t, &toks(t), 2, |_| true).unwrap();
        let all: Vec<Vec<String>> = r.iter().map(|r| values(t, r)).collect();
        assert_eq!(all.len(), 10);
        assert!(all.contains(&vec!["135".to_string(), "75394432.52元".to_string()]));
    }

    #[test]
    fn too_long_a_run_is_refused() {
        let t = "1".repeat(60);
        assert_eq!(
            readings(&t, &toks(&t), 30, |_| true).err(),
            Some(NoReading::TooMany)
        );
    }
}
