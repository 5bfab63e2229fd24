//! `cargo bench -p gongkai-similar`: fingerprint and compare of 1,000-char sections, and the
//! LSH candidate pass over 30,000 (and 60,000) synthetic sections.

use std::sync::OnceLock;

use divan::{black_box, Bencher};
use gongkai_similar::{compare, Fingerprint, LshIndex, Options};

fn main() {
    divan::main();
}

/// The 344 distinct chars of the realistic sections in `tests/quality.rs`: random text
/// over them looks like the genre to the shingle hash.
const CHARS: &str = "一三上下不与专业严中为主义习了予事二于产享人代以件任企众优会体作使例依保信做健先党入全公共关其兼内决况准出函切则到制力办\
    加务动化区医十升华南卫印厅原县参及双发受可台号各同名后员和品商善四回因围国在场均坚域培基境处备复外大头好委学安完定实审室\
    容密对导将小局层展山工已市布师常平年序应府度康建开引强录彻微心志快态思性总息情惠想成户扎托执批抽招拟持指按据排接推提收改\
    政效教文料断新方无时明易是更有服期未本机权材条构果查标栏校核格桥检次步民求没泄法注涉涵深源点焦照特率环现理生用由申疗疫登\
    的益监盖目直相省真督知石确社神种程突立站等答策算管篇类精紧约级纳组织经结绕络绩续网罚置署群考职聘聚育能色苗范营落行要规解\
    认训议记讼设诉请读谁负财责质贯费资车达过近进通逾部配重量金镇长门限院随障集青面革项预领食";

/// Stock phrases every report uses, mixed into the synthetic sections so that unrelated
/// sections share shingles as real ones do.
const STOCK: &[&str] = &[
    "政府信息公开",
    "进一步加强",
    "主动公开",
    "依申请公开",
    "中华人民共和国政府信息公开条例",
    "习近平新时代中国特色社会主义思想",
    "切实保障人民群众的知情权参与权和监督权",
    "在法定期限内依法答复",
];

/// xorshift64*: a tiny deterministic generator, so every run benches the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random section of about `len` chars in the genre: chars from [`CHARS`], a stock
/// phrase every 20 tokens or so, numbers and punctuation. Two such sections have shingle
/// Jaccard ≈ 0.03–0.08, like unrelated real sections (see `tests/quality.rs`).
fn section(rng: &mut Rng, len: usize) -> String {
    let chars: Vec<char> = CHARS.chars().collect();
    let mut s = String::new();
    let mut n = 0;
    while n < len {
        match rng.below(20) {
            0 => {
                let p = STOCK[rng.below(STOCK.len())];
                s.push_str(p);
                n += p.chars().count();
            }
            1 => {
                s.push_str(&rng.below(5000).to_string());
                n += 1;
            }
            2 => s.push('，'),
            3 => s.push('。'),
            _ => {
                s.push(chars[rng.below(chars.len())]);
                n += 1;
            }
        }
    }
    s
}

/// Random unrelated text: uniform over the 20,902 ideographs U+4E00..U+9FA5.
fn random_section(rng: &mut Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from_u32(0x4e00 + rng.below(20_902) as u32).unwrap_or('一'))
        .collect()
}

fn text_1000() -> &'static (String, String) {
    static T: OnceLock<(String, String)> = OnceLock::new();
    T.get_or_init(|| {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let a = section(&mut rng, 1000);
        // A copy of `a` with a new paragraph in the middle: the verification of a real
        // candidate, with long passages to find.
        let mid = a.char_indices().nth(500).map(|(i, _)| i).unwrap_or(0);
        let b = format!("{}{}{}", &a[..mid], section(&mut rng, 150), &a[mid..]);
        (a, b)
    })
}

/// Which synthetic corpus.
#[derive(Clone, Copy)]
enum Kind {
    Random,
    Genre,
}

/// Signatures of `n` synthetic 300-char sections: unrelated text, except that every 100th
/// section is a copy of the one before with 5 chars changed (so the pass has real pairs to
/// find).
fn signatures(kind: Kind, n: usize) -> Vec<Vec<u32>> {
    let opts = Options::default();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
    let mut prev = String::new();
    (0..n)
        .map(|i| {
            let text = if i % 100 == 99 {
                let mut t: Vec<char> = prev.chars().collect();
                for _ in 0..5 {
                    let k = rng.below(t.len());
                    t[k] = '改';
                }
                t.into_iter().collect()
            } else {
                match kind {
                    Kind::Random => random_section(&mut rng, 300),
                    Kind::Genre => section(&mut rng, 300),
                }
            };
            let fp = Fingerprint::new(&text, &opts).expect("300 chars");
            prev = text;
            fp.signature().to_vec()
        })
        .collect()
}

fn signatures_cached(kind: Kind, n: usize) -> &'static [Vec<u32>] {
    static CACHE: [OnceLock<Vec<Vec<u32>>>; 4] = [const { OnceLock::new() }; 4];
    let slot = match (kind, n) {
        (Kind::Random, 30_000) => 0,
        (Kind::Random, 60_000) => 1,
        (Kind::Genre, 30_000) => 2,
        (Kind::Genre, 60_000) => 3,
        _ => unreachable!("bench sizes are 30,000 and 60,000"),
    };
    CACHE[slot].get_or_init(|| signatures(kind, n))
}

/// The whole candidate pass of a Y003 run: build the index from stored signatures and list
/// every candidate pair.
fn candidate_pass(sigs: &[Vec<u32>]) -> Vec<(u64, u64)> {
    let mut index = LshIndex::new(&Options::default());
    index.reserve(sigs.len());
    for (id, s) in sigs.iter().enumerate() {
        index.insert(id as u64, s);
    }
    index.pairs()
}

#[divan::bench]
fn fingerprint_1000_chars(bencher: Bencher) {
    let (a, _) = text_1000();
    let opts = Options::default();
    bencher.bench(|| Fingerprint::new(black_box(a), &opts));
}

#[divan::bench]
fn compare_1000_chars(bencher: Bencher) {
    let (a, b) = text_1000();
    let opts = Options::default();
    bencher.bench(|| compare(black_box(b), black_box(a), &opts));
}

#[divan::bench]
fn compare_1000_chars_unrelated(bencher: Bencher) {
    let (a, _) = text_1000();
    let other = section(&mut Rng(42), 1000);
    let opts = Options::default();
    bencher.bench(|| compare(black_box(a), black_box(&other), &opts));
}

/// Candidate pass over random unrelated text (plus 1% planted copies).
#[divan::bench(args = [30_000, 60_000], sample_count = 10)]
fn lsh_pass_random(bencher: Bencher, n: usize) {
    let sigs = signatures_cached(Kind::Random, n);
    bencher.bench(|| candidate_pass(sigs));
}

/// Candidate pass over genre-like text (shared vocabulary and stock phrases, plus 1%
/// planted copies): more band collisions, so more pairs to list.
#[divan::bench(args = [30_000, 60_000], sample_count = 10)]
fn lsh_pass_genre(bencher: Bencher, n: usize) {
    let sigs = signatures_cached(Kind::Genre, n);
    bencher.bench(|| candidate_pass(sigs));
}

/// One `candidates()` query against a 30,000-section index of genre-like text.
#[divan::bench]
fn lsh_candidates_query(bencher: Bencher) {
    let sigs = signatures_cached(Kind::Genre, 30_000);
    let mut index = LshIndex::new(&Options::default());
    for (id, s) in sigs.iter().enumerate() {
        index.insert(id as u64, s);
    }
    let mut k = 0;
    bencher.bench_local(|| {
        k = (k + 7919) % sigs.len();
        index.candidates(&sigs[k])
    });
}
