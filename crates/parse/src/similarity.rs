//! Tolerant label matching.
//!
//! Printed labels carry typos (本年度止件数), garbling (其他法律行政止公开), wrapping and
//! different punctuation, so labels are compared on their "core": the text without
//! whitespace and punctuation, scored by the longest common subsequence.

/// The chars of `s` that matter for matching: no whitespace, no punctuation or brackets.
pub fn core(s: &str) -> Vec<char> {
    core_chars(s).collect()
}

/// The chars of `core(s)`, one by one (to join the cores of several pieces without a
/// vector for each).
pub fn core_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !is_noise(*c))
}

pub fn core_string(s: &str) -> String {
    s.chars().filter(|c| !is_noise(*c)).collect()
}

pub(crate) fn is_noise(c: char) -> bool {
    // Most chars of a report are ideographs, never noise: told before the lists below.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return false;
    }
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '、' | '。'
                | '，'
                | '；'
                | '：'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '「'
                | '」'
                | '『'
                | '』'
                | '《'
                | '》'
                | '（'
                | '）'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '—'
                | '–'
                | '·'
                | '…'
                | '|'
        )
}

/// Length of the longest common subsequence of `a` and `b`.
pub fn lcs(a: &[char], b: &[char]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    // Labels, titles and the text compared with them are short: one machine word holds
    // a row of the table.
    if b.len() <= 64 {
        return lcs_bits(a, b);
    }
    lcs_table(a, b)
}

/// `lcs` for `b` of at most 64 chars, a row of the table as the bits of one word
/// (Hyyrö, "Bit-parallel LCS-length computation revisited", 2004): bit `j` of `row` is
/// clear where the LCS of the prefix of `a` read so far and `b[..=j]` grows.
fn lcs_bits(a: &[char], b: &[char]) -> usize {
    debug_assert!(b.len() <= 64);
    let mut row = u64::MAX;
    for &ca in a {
        let matches = b
            .iter()
            .enumerate()
            .fold(0u64, |m, (j, &cb)| m | (u64::from(cb == ca) << j));
        let u = row & matches;
        row = row.wrapping_add(u) | (row - u);
    }
    let used = if b.len() == 64 {
        u64::MAX
    } else {
        (1u64 << b.len()) - 1
    };
    (!row & used).count_ones() as usize
}

/// `lcs` by the dynamic-programming table, two rows at a time (any length).
fn lcs_table(a: &[char], b: &[char]) -> usize {
    // Two rows of the DP table; labels are short, so they live on the stack.
    const STACK: usize = 128;
    let (mut prev_buf, mut cur_buf);
    let (mut heap_prev, mut heap_cur);
    let (mut prev, mut cur): (&mut [u16], &mut [u16]) = if b.len() < STACK {
        prev_buf = [0u16; STACK];
        cur_buf = [0u16; STACK];
        (&mut prev_buf[..=b.len()], &mut cur_buf[..=b.len()])
    } else {
        heap_prev = vec![0u16; b.len() + 1];
        heap_cur = vec![0u16; b.len() + 1];
        (&mut heap_prev[..], &mut heap_cur[..])
    };
    for &ca in a {
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = if ca == cb {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] as usize
}

/// How well the end of `text` reads as `label`: LCS of the label with the last
/// `label.len() + slack` chars of `text`, over the label's length (0..=1).
///
/// Matching the tail matters: pending text before a row's numbers carries group
/// labels and repeated headers in front of the row's own label.
pub fn tail_score(label: &[char], text: &[char]) -> f32 {
    if label.is_empty() {
        return 0.0;
    }
    let slack = (label.len() / 4).max(2);
    let take = (label.len() + slack).min(text.len());
    let tail = &text[text.len() - take..];
    let l = lcs(label, tail);
    // Penalise a tail that is much longer than what matched only a little: the
    // unmatched head of the tail is what the slack allowed.
    l as f32 / label.len() as f32
}

/// Similarity of two whole strings (0..=1): LCS over the longer length.
pub fn whole_score(a: &[char], b: &[char]) -> f32 {
    let n = a.len().max(b.len());
    if n == 0 {
        return 0.0;
    }
    lcs(a, b) as f32 / n as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_drops_punctuation() {
        assert_eq!(
            core_string("（二）部分公开（区分处理的，只计这一情形）"),
            "二部分公开区分处理的只计这一情形"
        );
        assert_eq!(core_string("3.危及“三安全一稳定”"), "3危及三安全一稳定");
    }

    #[test]
    fn garbled_labels_still_score_high() {
        let label = core("2.其他法律行政法规禁止公开");
        assert!(tail_score(&label, &core("2.其他法律行政止公开")) > 0.75);
        let label = core("本年废止件数");
        assert!(whole_score(&label, &core("本年度止件数")) > 0.8);
    }

    #[test]
    fn lcs_by_bits_is_lcs_by_table() {
        // Strings over a small alphabet (many matches), every length up to and past 64.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let (n, m) = ((next() % 80) as usize, (next() % 80) as usize);
            let alphabet = 1 + next() % 6;
            let mut s = |n: usize| -> Vec<char> {
                (0..n)
                    .map(|_| char::from_u32(0x4e00 + (next() % alphabet) as u32).unwrap())
                    .collect()
            };
            let (a, b) = (s(n), s(m));
            let want = if a.is_empty() || b.is_empty() {
                0
            } else {
                lcs_table(&a, &b)
            };
            assert_eq!(lcs(&a, &b), want, "{a:?} {b:?}");
        }
        let a: Vec<char> = "本年新收政府信息公开申请数量".chars().collect();
        let b: Vec<char> = "一本年新收政府信息公开申请数".chars().collect();
        assert_eq!(lcs(&a, &b), 13);
    }

    #[test]
    fn tail_ignores_group_prefix() {
        let label = core("1.属于国家秘密");
        let pending = core("（三）不予\n公开\n1.属于国家秘密");
        assert_eq!(tail_score(&label, &pending), 1.0);
    }
}
