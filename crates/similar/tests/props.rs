//! Properties: edited copies stay copied, independent texts do not, and every byte range
//! maps back to text that normalises to what was matched.

use gongkai_similar::{compare, Fingerprint, LshIndex, NormalizedText, Options, DIGITS};
use proptest::prelude::*;

/// Chars of administrative prose (each once), for random text in the genre's alphabet.
const CHARS: &str = "政府信息公开工作年度报告主动依申请进一步加强规范完善制度建设平台网站新媒体解读回应\
    关切重点领域财政预决算重大项目公共资源配置社会益事业行复议诉讼答办理受期限法定监督保障考核评培训\
    务人员队伍责任追究情况问题改下将持续推深化落实要求提升质量水全年共区县市局委镇街道门户栏目";

/// Stock phrases that unrelated reports share.
const STOCK: &[&str] = &[
    "政府信息公开",
    "进一步加强",
    "主动公开",
    "依申请公开",
    "中华人民共和国政府信息公开条例",
    "以习近平新时代中国特色社会主义思想为指导",
    "切实保障人民群众的知情权参与权和监督权",
    "在法定期限内依法答复",
    "政务公开工作",
    "重点领域信息公开",
    "回应社会关切",
    "政府门户网站",
];

fn cjk() -> impl Strategy<Value = char> {
    let chars: Vec<char> = CHARS.chars().collect();
    prop::sample::select(chars)
}

/// One piece of prose: mostly single chars, sometimes a stock phrase, a number or
/// punctuation.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        14 => cjk().prop_map(String::from),
        2 => prop::sample::select(STOCK).prop_map(String::from),
        1 => (0u32..100_000).prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec!["，", "。", "、", "；", "“", "”", "\n", " "]).prop_map(String::from),
    ]
}

/// A random section of 300–600 tokens (roughly 350–900 normalised chars).
fn prose() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 300..600).prop_map(|t| t.concat())
}

#[derive(Clone, Debug)]
enum Edit {
    Insert(prop::sample::Index, char),
    Delete(prop::sample::Index),
    Replace(prop::sample::Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), cjk()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<prop::sample::Index>().prop_map(Edit::Delete),
        (any::<prop::sample::Index>(), cjk()).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(i, c) => {
                let at = i.index(chars.len() + 1);
                chars.insert(at, *c);
            }
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i.index(chars.len()));
            }
            Edit::Replace(i, c) if !chars.is_empty() => {
                let at = i.index(chars.len());
                chars[at] = *c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Every passage slices both originals to text that normalises equal, of `chars` chars,
/// ordered and disjoint in `a`.
fn check_passages(a: &str, b: &str, opts: &Options) {
    let Some(s) = compare(a, b, opts) else {
        return;
    };
    let mut last = 0;
    for p in &s.passages {
        let na = NormalizedText::new(&a[p.a.clone()]);
        let nb = NormalizedText::new(&b[p.b.clone()]);
        assert_eq!(na.chars(), nb.chars());
        assert_eq!(na.len(), p.chars);
        assert!(p.chars >= opts.min_passage.max(1));
        assert!(p.a.start >= last, "passages overlap in a");
        last = p.a.end;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Up to 10 random edits (each touches at most 6 normalised shingles of 5 chars) to a
    /// section of 350+ chars leave it well over the threshold.
    #[test]
    fn edited_copy_stays_copied(text in prose(), edits in prop::collection::vec(edit(), 0..=10)) {
        let opts = Options::default();
        let copy = apply(&text, &edits);
        let s = compare(&copy, &text, &opts).expect("long enough");
        let n = s.shingles_a as f64;
        prop_assert!(s.copied(opts.threshold), "{s:?}");
        // The bound behind it: only shingles overlapping an edit can be lost.
        prop_assert!(s.containment_a >= 1.0 - 6.0 * edits.len() as f64 / n);
        check_passages(&copy, &text, &opts);
        // And LSH proposes the pair (certain, up to 5e-8, from J = 0.8).
        if s.jaccard < 0.8 {
            return Ok(());
        }
        let mut index = LshIndex::new(&opts);
        index.insert(1, Fingerprint::new(&text, &opts).unwrap().signature());
        index.insert(2, Fingerprint::new(&copy, &opts).unwrap().signature());
        prop_assert_eq!(index.pairs(), vec![(1, 2)]);
    }

    /// Two sections written independently (same alphabet, same stock phrases) are not.
    #[test]
    fn independent_texts_are_not_copied(a in prose(), b in prose()) {
        let opts = Options::default();
        let s = compare(&a, &b, &opts).expect("long enough");
        prop_assert!(!s.copied(opts.threshold), "{s:?}");
        prop_assert!(s.containment_a.max(s.containment_b) < 0.35, "{s:?}");
        check_passages(&a, &b, &opts);
    }

    /// compare(b, a) is compare(a, b) with the sides swapped.
    #[test]
    fn compare_is_symmetric_in_counts(a in prose(), edits in prop::collection::vec(edit(), 0..40)) {
        let opts = Options::default();
        let b = apply(&a, &edits);
        let x = compare(&a, &b, &opts).unwrap();
        let y = compare(&b, &a, &opts).unwrap();
        prop_assert_eq!(x.shared, y.shared);
        prop_assert_eq!(x.containment_a, y.containment_b);
        prop_assert_eq!(x.jaccard, y.jaccard);
    }

    /// Passage byte ranges are right for any text at all, including digits next to
    /// punctuation, full-width forms and chars outside the BMP.
    #[test]
    fn passages_map_to_original_bytes(
        a in "[一-龥０-９0-9，。、 .,a-zA-Zａ-ｚＡ-Ｚ①𠀀-𠀅\n]{0,120}",
        edits in prop::collection::vec(edit(), 0..6),
    ) {
        let b = apply(&a, &edits);
        let opts = Options { min_chars: 0, min_passage: 3, ..Options::default() };
        check_passages(&a, &b, &opts);
        check_passages(&b, &a, &opts);
    }

    /// Each normalised char maps to a byte range that normalises to exactly that char.
    #[test]
    fn each_char_maps_back(text in any::<String>()) {
        let n = NormalizedText::new(&text);
        for i in 0..n.len() {
            let r = n.original_range(i..i + 1);
            let back = NormalizedText::new(&text[r]);
            prop_assert_eq!(back.chars(), &n.chars()[i..i + 1]);
        }
        // No two numbers in a row: digits separated only by dropped chars are one number.
        prop_assert!(!n.chars().windows(2).any(|w| w == [DIGITS, DIGITS]));
    }

    /// pairs() is exactly the set of pairs sharing a band, checked by brute force on
    /// signatures over a tiny alphabet (so that collisions happen).
    #[test]
    fn lsh_pairs_are_band_collisions(sigs in prop::collection::vec(prop::collection::vec(0u32..3, 8), 0..30)) {
        let opts = Options { num_hashes: 8, bands: 4, ..Options::default() };
        let mut index = LshIndex::new(&opts);
        for (id, s) in sigs.iter().enumerate() {
            index.insert(id as u64 * 10, s);
        }
        let mut expected = Vec::new();
        for i in 0..sigs.len() {
            for j in i + 1..sigs.len() {
                if (0..4).any(|band| sigs[i][band * 2..band * 2 + 2] == sigs[j][band * 2..band * 2 + 2]) {
                    expected.push((i as u64 * 10, j as u64 * 10));
                }
            }
        }
        prop_assert_eq!(index.pairs(), expected);
        for (id, s) in sigs.iter().enumerate() {
            prop_assert!(index.candidates(s).contains(&(id as u64 * 10)));
        }
    }

    /// Signature bytes round-trip.
    #[test]
    fn signature_bytes_round_trip(text in prose()) {
        let fp = Fingerprint::new(&text, &Options::default()).unwrap();
        let back = Fingerprint::signature_from_bytes(&fp.signature_bytes()).unwrap();
        prop_assert_eq!(back.as_slice(), fp.signature());
    }
}
