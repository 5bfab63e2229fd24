//! A whitespace-free view of a section's body, for searching the prose.
//!
//! Real bodies wrap lines in the middle of words and numbers ("受理政府信息公\n开申请 17 件"),
//! so patterns run on the body with every whitespace character removed; each byte of the
//! compact text remembers the byte range of the body character it came from, so a match
//! maps back to the body (and, through `Section::body_offset` and `Locate`, to the source).

use std::ops::Range;
use std::sync::LazyLock;

use gongkai_model::Section;
use regex::Regex;

/// A clause: a stretch of a sentence between commas or colons (or sentence ends).
#[derive(Clone, Debug)]
pub(crate) struct Clause {
    /// Byte range in the compact text (trimmed of brackets and quotes at the ends).
    pub range: Range<usize>,
    /// Byte offset in the compact text where the clause's sentence starts.
    pub sentence_start: usize,
    /// Byte offset in the compact text where the clause's sentence ends.
    pub sentence_end: usize,
}

pub(crate) struct Prose<'a> {
    pub section: &'a Section,
    /// The body without whitespace, full-width digits made ASCII.
    pub text: String,
    /// One entry per char of `text`: its byte offset in `text` and the body byte range
    /// of the character it came from (sorted on both).
    map: Vec<(u32, u32, u32)>,
    pub clauses: Vec<Clause>,
}

fn is_clause_end(c: char) -> bool {
    matches!(c, '，' | ',' | '：' | ':') || is_sentence_end(c)
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '！' | '!' | '？' | '?')
}
const TRIM: &[char] = &[
    '（', '）', '(', ')', '“', '”', '"', '‘', '’', '《', '》', '、', '：', ':', '【', '】', '[',
    ']',
];

impl<'a> Prose<'a> {
    pub fn new(section: &'a Section) -> Prose<'a> {
        let body = section.body.as_str();
        let mut text = String::with_capacity(body.len());
        let mut map = Vec::with_capacity(body.len() / 2);
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Most of a body is runs of CJK ideographs (U+4000–U+9FFF: lead bytes E4–E9),
            // which are neither whitespace nor digits: copied as they stand, a run at a
            // time, without decoding.
            if is_ideograph_lead(bytes[i]) {
                let run = i;
                while i < bytes.len() && is_ideograph_lead(bytes[i]) {
                    map.push(((text.len() + i - run) as u32, i as u32, (i + 3) as u32));
                    i += 3;
                }
                text.push_str(&body[run..i]);
                continue;
            }
            let Some(c) = body[i..].chars().next() else {
                break;
            };
            let start = i;
            i += c.len_utf8();
            if if c.is_ascii() {
                c.is_ascii_whitespace()
            } else {
                c.is_whitespace()
            } {
                continue;
            }
            let c = match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                _ => c,
            };
            map.push((text.len() as u32, start as u32, i as u32));
            text.push(c);
        }
        let clauses = split_clauses(&text);
        Prose {
            section,
            text,
            map,
            clauses,
        }
    }

    /// The body byte range of a compact byte range.
    pub fn body_range(&self, r: Range<usize>) -> Range<usize> {
        if self.map.is_empty() {
            return 0..0;
        }
        let at = |b: usize| {
            self.map
                .partition_point(|e| e.0 as usize <= b)
                .saturating_sub(1)
        };
        let first = at(r.start);
        let last = at(r.end.max(r.start + 1) - 1).max(first);
        self.map[first].1 as usize..self.map[last].2 as usize
    }

    /// The compact offset of the first non-whitespace character at or after body byte `body`.
    pub fn compact_offset(&self, body: usize) -> Option<usize> {
        let i = self.map.partition_point(|e| (e.1 as usize) < body);
        self.map.get(i).map(|e| e.0 as usize)
    }

    pub fn clause_text(&self, c: &Clause) -> &str {
        &self.text[c.range.clone()]
    }
}

/// The lead byte of a char in U+4000–U+9FFF (CJK ideographs): a 3-byte char that is
/// neither whitespace, a digit nor punctuation.
fn is_ideograph_lead(b: u8) -> bool {
    (0xE4..=0xE9).contains(&b)
}

fn split_clauses(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut sentence_start = 0;
    let mut clause_start = 0;
    let mut pending: Vec<Range<usize>> = Vec::new();
    let mut flush = |pending: &mut Vec<Range<usize>>, s_start: usize, s_end: usize| {
        for r in pending.drain(..) {
            out.push(Clause {
                range: r,
                sentence_start: s_start,
                sentence_end: s_end,
            });
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Ideographs end no clause: skipped undecoded.
        if is_ideograph_lead(bytes[i]) {
            i += 3;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let at = i;
        i += c.len_utf8();
        if is_clause_end(c) {
            if let Some(r) = trimmed(text, clause_start..at) {
                pending.push(r);
            }
            clause_start = i;
            if is_sentence_end(c) {
                flush(&mut pending, sentence_start, at);
                sentence_start = clause_start;
            }
        }
    }
    if let Some(r) = trimmed(text, clause_start..text.len()) {
        pending.push(r);
    }
    flush(&mut pending, sentence_start, text.len());
    out
}

fn trimmed(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let t = s.trim_start_matches(TRIM);
    let start = r.start + (s.len() - t.len());
    let t2 = t.trim_end_matches(TRIM);
    let end = start + t2.len();
    (end > start).then_some(start..end)
}

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])((?:19|20)[0-9]{2})年").expect("valid regex"));

/// The years ("2021年") written in `text`.
pub(crate) fn years(text: &str) -> impl Iterator<Item = (i32, Range<usize>)> + '_ {
    YEAR.captures_iter(text).filter_map(|c| {
        let m = c.get(1)?;
        Some((m.as_str().parse().ok()?, m.start()..m.end() + "年".len()))
    })
}

/// True when `text` names a year other than `year` (always false when `year` is unknown).
pub(crate) fn names_other_year(text: &str, year: Option<i32>) -> bool {
    match year {
        Some(y) => years(text).any(|(n, _)| n != y),
        None => false,
    }
}

/// True when `text` contains any of `words`.
pub(crate) fn contains_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::schema::SectionKind;

    fn section(body: &str) -> Section {
        Section {
            kind: SectionKind::Overview,
            heading: "一、总体情况".into(),
            heading_location: None,
            body: body.into(),
            body_offset: 100,
        }
    }

    #[test]
    fn compact_maps_back_to_body() {
        let s = section("受理政府信息公\n开申请 １7 件，其中当面申请0件。");
        let p = Prose::new(&s);
        assert_eq!(p.text, "受理政府信息公开申请17件，其中当面申请0件。");
        let i = p.text.find("17件").expect("found");
        let r = p.body_range(i..i + "17件".len());
        assert_eq!(&s.body[r], "１7 件");
    }

    #[test]
    fn every_whitespace_is_left_out() {
        // Ideographic and no-break spaces, a tab; CJK extension A (lead byte E4) is kept.
        let s = section("本年\u{3000}受理\u{a0}申请\t㐀 3件");
        let p = Prose::new(&s);
        assert_eq!(p.text, "本年受理申请㐀3件");
        let i = p.text.find("㐀").expect("found");
        assert_eq!(&s.body[p.body_range(i..i + 3)], "㐀");
        assert_eq!(
            p.compact_offset(s.body.find('3').expect("3")),
            p.text.find('3')
        );
    }

    #[test]
    fn clauses_and_sentences() {
        let s = section("2022年，我办未收到申请，未引起行政复议。（二）其他；无");
        let p = Prose::new(&s);
        let texts: Vec<&str> = p.clauses.iter().map(|c| p.clause_text(c)).collect();
        assert_eq!(
            texts,
            vec![
                "2022年",
                "我办未收到申请",
                "未引起行政复议",
                "二）其他",
                "无"
            ]
        );
        let c = &p.clauses[1];
        assert_eq!(
            &p.text[c.sentence_start..c.sentence_end],
            "2022年，我办未收到申请，未引起行政复议"
        );
    }

    #[test]
    fn years_found() {
        let ys: Vec<i32> = years("2021年和2020年度，12345年不算")
            .map(|y| y.0)
            .collect();
        assert_eq!(ys, vec![2021, 2020]);
        assert!(names_other_year("截至2020年底", Some(2021)));
        assert!(!names_other_year("截至2021年底", Some(2021)));
    }
}

#[cfg(test)]
mod bench {
    use super::*;
    use gongkai_model::schema::SectionKind;

    /// Timing of the prose view and the claim search on a real report:
    /// `cargo test --release -p gongkai-check --lib bench_prose -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_prose() {
        // shared/ sits beside the repository.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/seeds/001_80982073e3dd5082.txt"
        );
        let Ok(body) = std::fs::read_to_string(path) else {
            return;
        };
        let s = Section {
            kind: SectionKind::Overview,
            heading: String::new(),
            heading_location: None,
            body,
            body_offset: 0,
        };
        let n = 2000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(Prose::new(&s));
        }
        eprintln!("Prose::new {:?} ({} bytes)", t.elapsed() / n, s.body.len());
        let p = Prose::new(&s);
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(crate::rules::body::claims(&p, Some(2021)));
        }
        eprintln!("claims {:?} ({} clauses)", t.elapsed() / n, p.clauses.len());
    }
}
