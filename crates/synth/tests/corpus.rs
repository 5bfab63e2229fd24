//! The corpus generator: every report reads back exactly, the single-report key is what
//! the checker finds, the cross-report facts the key states are in the parsed tables,
//! reports that are not copies do not look alike, and the output is deterministic.

mod support;

use std::collections::{HashMap, HashSet};

use gongkai_model::schema::{ActiveColumnKey, ActiveRowKey, Edition, RequestRowKey, SectionKind};
use gongkai_model::{FindingKind, Report};
use gongkai_synth::{
    generate_corpus, tables_json, write_corpus, CorpusOptions, CorpusReport, CrossInjection, Layout,
};
use support::{explain, names, read, reading_json};

const CROSS_RULES: [&str; 3] = ["carry-over-mismatch", "stock-discontinuity", "copied-text"];

fn opts(reports: usize, seed: u64) -> CorpusOptions {
    CorpusOptions {
        reports,
        seed,
        first_year: 2021,
        years: 4,
        error_rate: 0.3,
        cross_error_rate: 0.3,
        layouts: Layout::ALL.to_vec(),
        kangxi: true,
        gap_rate: 0.05,
        ..CorpusOptions::default()
    }
}

// ---------------------------------------------------------------------------
// Cross-year facts on parsed tables
// ---------------------------------------------------------------------------

fn row(r: &Report, k: RequestRowKey) -> Option<[Option<i64>; 7]> {
    let t = r.requests.as_ref()?.row(k)?;
    let mut out = [None; 7];
    for (o, c) in out.iter_mut().zip(&t.cells) {
        *o = c.int();
    }
    Some(out)
}

/// Columns where last year's 结转下年度 and this year's 上年结转 are numbers and differ.
fn carry_mismatch(prev: &Report, this: &Report) -> Vec<usize> {
    let (Some(f), Some(o)) = (
        row(prev, RequestRowKey::CarriedForward),
        row(this, RequestRowKey::CarriedOver),
    ) else {
        return Vec::new();
    };
    (0..7)
        .filter(|&c| matches!((f[c], o[c]), (Some(a), Some(b)) if a != b))
        .collect()
}

fn stock_cell(r: &Report, k: ActiveRowKey, c: ActiveColumnKey) -> Option<i64> {
    let t = r.active.as_ref()?;
    if t.edition != Edition::E2021 {
        return None;
    }
    t.cell(k, c)?.int()
}

/// Rows of table 二 whose 现行有效件数 is not last year's + 制发 − 废止.
fn stock_breaks(prev: &Report, this: &Report) -> Vec<ActiveRowKey> {
    [ActiveRowKey::Regulations, ActiveRowKey::NormativeDocuments]
        .into_iter()
        .filter(|&k| {
            match (
                stock_cell(prev, k, ActiveColumnKey::InForce),
                stock_cell(this, k, ActiveColumnKey::Issued),
                stock_cell(this, k, ActiveColumnKey::Repealed),
                stock_cell(this, k, ActiveColumnKey::InForce),
            ) {
                (Some(last), Some(i), Some(r), Some(now)) => now != last + i - r,
                _ => false,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Similarity: character 5-shingle containment
// ---------------------------------------------------------------------------

/// Letters only (whitespace and punctuation dropped), every number one `#`.
fn normalize(s: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len() / 3);
    let mut in_number = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
                in_number = true;
            }
        } else if c.is_alphanumeric() {
            out.push(c);
            in_number = false;
        }
    }
    out
}

fn shingles(s: &str) -> HashSet<[char; 5]> {
    normalize(s)
        .windows(5)
        .map(|w| [w[0], w[1], w[2], w[3], w[4]])
        .collect()
}

/// |A ∩ B| / |A|: how much of `a` is found in `b`.
fn contained_in(a: &HashSet<[char; 5]>, b: &HashSet<[char; 5]>) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    a.iter().filter(|s| b.contains(*s)).count() as f64 / a.len() as f64
}

/// |A ∩ B| / min(|A|, |B|): how much of the shorter text is found in the longer — the
/// larger of the two directions, so the strictest measure of likeness.
fn containment(a: &HashSet<[char; 5]>, b: &HashSet<[char; 5]>) -> f64 {
    if a.len() <= b.len() {
        contained_in(a, b)
    } else {
        contained_in(b, a)
    }
}

/// The smaller of the two directions: how much of either text is in the other — the
/// weakest sign of a copy, which must still be strong.
fn mutual(a: &HashSet<[char; 5]>, b: &HashSet<[char; 5]>) -> f64 {
    contained_in(a, b).min(contained_in(b, a))
}

fn section(r: &Report, kind: SectionKind) -> String {
    r.section(kind).map(|s| s.body.clone()).unwrap_or_default()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn describe(name: &str, mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let max = v.last().copied().unwrap_or(0.0);
    let buckets = [0.1, 0.2, 0.3, 0.35, 0.5, 0.8, 1.01];
    let mut lo = 0.0;
    let mut hist = Vec::new();
    for b in buckets {
        let n = v.iter().filter(|&&x| x >= lo && x < b).count();
        hist.push(format!("[{lo:.2},{:.2}):{n}", b.min(1.0)));
        lo = b;
    }
    eprintln!(
        "{name}: {} pairs, mean {:.3}, p50 {:.3}, p99 {:.3}, p99.9 {:.3}, max {max:.3}; {}",
        v.len(),
        v.iter().sum::<f64>() / v.len().max(1) as f64,
        percentile(&v, 0.5),
        percentile(&v, 0.99),
        percentile(&v, 0.999),
        hist.join(" ")
    );
    max
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// ~200 reports over 4 years: each parses to exactly its tables, the checker's
/// single-report findings are exactly the key's, and the key's cross-report findings
/// are exactly what the parsed tables (and the copies) show. For a longer run:
/// `CORPUS_REPORTS=5000 CORPUS_SEED=3 cargo test --release -p gongkai-synth --test corpus`.
#[test]
fn corpus_reads_back_and_key_is_exact() {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let n = env("CORPUS_REPORTS").unwrap_or(200) as usize;
    let reports: Vec<CorpusReport> =
        generate_corpus(&opts(n, env("CORPUS_SEED").unwrap_or(7))).collect();
    assert_eq!(reports.len(), n);
    let mut parsed: HashMap<(String, i32), Report> = HashMap::new();
    let by_stem: HashMap<&str, &CorpusReport> =
        reports.iter().map(|r| (r.stem.as_str(), r)).collect();
    let mut seen = [0usize; 4];
    let mut texts: HashMap<String, String> = HashMap::new();

    for r in &reports {
        let s = &r.synthetic;
        assert_eq!((s.agency.as_str(), s.year), (r.agency.as_str(), r.year));
        let read = read(s);
        // (a) tables exactly; (b) single-report findings exactly, no doubts.
        let doc = names(&read.findings, FindingKind::Document);
        let single: Vec<String> = r
            .expected
            .iter()
            .filter(|n| !CROSS_RULES.contains(n))
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            single,
            s.expected.iter().map(|n| n.to_string()).collect::<Vec<_>>()
        );
        assert!(
            reading_json(&read.report) == tables_json(s)
                && doc == single
                && names(&read.findings, FindingKind::Extraction).is_empty(),
            "{} {}",
            r.stem,
            explain(s, &read)
        );
        texts.insert(r.stem.clone(), section(&read.report, SectionKind::Problems));
        parsed.insert((r.agency.clone(), r.year), read.report);
    }

    // (c) continuity where nothing is planted, (d) the planted errors in the tables.
    for r in &reports {
        for c in &r.cross {
            seen[CrossInjection::ALL.iter().position(|x| x == c).unwrap()] += 1;
        }
        let this = &parsed[&(r.agency.clone(), r.year)];
        let prev = parsed.get(&(r.agency.clone(), r.year - 1));
        let carry = prev.map(|p| carry_mismatch(p, this)).unwrap_or_default();
        let stock = prev.map(|p| stock_breaks(p, this)).unwrap_or_default();
        let planted = |k: CrossInjection| r.cross.contains(&k);
        assert_eq!(
            !carry.is_empty(),
            planted(CrossInjection::CarryOverMismatch),
            "{}: carry-over columns {carry:?}, cross {:?}",
            r.stem,
            r.cross
        );
        assert_eq!(
            !stock.is_empty(),
            planted(CrossInjection::StockDiscontinuity),
            "{}: stock rows {stock:?}, cross {:?}",
            r.stem,
            r.cross
        );
        assert_eq!(
            r.expected.contains(&"carry-over-mismatch"),
            !carry.is_empty(),
            "{}",
            r.stem
        );
        assert_eq!(
            r.expected.contains(&"stock-discontinuity"),
            !stock.is_empty(),
            "{}",
            r.stem
        );
        // Cross-year errors only where there is a report of year − 1.
        if planted(CrossInjection::CarryOverMismatch)
            || planted(CrossInjection::StockDiscontinuity)
            || planted(CrossInjection::CopiedFromPreviousYear)
        {
            assert!(prev.is_some(), "{}", r.stem);
        }
        // Each report in at most one copy, and the copy is really there.
        let copies: Vec<_> = r
            .links
            .iter()
            .filter(|l| l.places == ["problems"])
            .collect();
        assert!(copies.len() <= 1, "{}", r.stem);
        assert_eq!(r.expected.contains(&"copied-text"), !copies.is_empty());
        for l in copies {
            let other = by_stem[l.other.as_str()];
            let c = mutual(&shingles(&texts[&r.stem]), &shingles(&texts[&other.stem]));
            assert!(c >= 0.8, "{} copies {}: {c}", r.stem, other.stem);
            match l.kind {
                CrossInjection::CopiedFromPreviousYear => {
                    assert_eq!(
                        (other.agency.as_str(), other.year),
                        (r.agency.as_str(), r.year - 1)
                    );
                    assert!(!other.expected.contains(&"copied-text") || !other.links.is_empty());
                }
                _ => {
                    assert_ne!(other.agency, r.agency);
                    assert_eq!(other.year, r.year);
                    assert!(other.expected.contains(&"copied-text"));
                    assert!(other
                        .links
                        .iter()
                        .any(|m| m.other == r.stem && m.original != l.original));
                }
            }
        }
        // The expected list is sorted, and each cross rule is in it at most once.
        assert!(r.expected.windows(2).all(|w| w[0] <= w[1]));
        for rule in CROSS_RULES {
            assert!(r.expected.iter().filter(|e| **e == rule).count() <= 1);
        }
    }
    eprintln!("cross injections planted: {seen:?}");
    assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
}

/// Section 五 of reports that are not copies of each other shares little (character
/// 5-shingle containment < 0.35 for every pair, in the direction of the shorter text),
/// copies share nearly all (≥ 0.8 in both directions).
/// Sections 一 and 六 are measured and printed too (`--nocapture`).
#[test]
fn only_copies_look_alike() {
    let o = CorpusOptions {
        error_rate: 0.0,
        cross_error_rate: 0.1,
        ..opts(300, 11)
    };
    let reports: Vec<CorpusReport> = generate_corpus(&o).collect();
    let mut five = Vec::new();
    let mut one = Vec::new();
    let mut six = Vec::new();
    let mut lengths = (Vec::new(), Vec::new());
    for r in &reports {
        let rep = read(&r.synthetic).report;
        let p = section(&rep, SectionKind::Problems);
        let ov = section(&rep, SectionKind::Overview);
        lengths.0.push(normalize(&p).len());
        lengths.1.push(normalize(&ov).len());
        five.push(shingles(&p));
        one.push(shingles(&ov));
        six.push(shingles(&section(&rep, SectionKind::Other)));
    }
    let copy: HashSet<(usize, usize)> = {
        let index: HashMap<&str, usize> = reports
            .iter()
            .enumerate()
            .map(|(i, r)| (r.stem.as_str(), i))
            .collect();
        reports
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                let index = &index;
                r.links
                    .iter()
                    .filter(|l| l.places == ["problems"])
                    .map(move |l| {
                        let j = index[l.other.as_str()];
                        (i.min(j), i.max(j))
                    })
            })
            .collect()
    };
    assert!(copy.len() >= 5, "{}", copy.len());
    let (mut c5, mut c1, mut c6, mut copies) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..reports.len() {
        for j in i + 1..reports.len() {
            if copy.contains(&(i, j)) {
                copies.push(mutual(&five[i], &five[j]));
                continue;
            }
            let c = containment(&five[i], &five[j]);
            c5.push(c);
            c1.push(containment(&one[i], &one[j]));
            // Section 六 is often a one-line formula ("无", "本年度未收取信息处理费。"):
            // only longer ones are comparable.
            if six[i].len() >= 60 && six[j].len() >= 60 {
                c6.push(containment(&six[i], &six[j]));
            }
        }
    }
    let (p_len, o_len) = lengths;
    eprintln!(
        "section 五 length (letters): min {} max {}; section 一: min {} max {}",
        p_len.iter().min().unwrap(),
        p_len.iter().max().unwrap(),
        o_len.iter().min().unwrap(),
        o_len.iter().max().unwrap()
    );
    let max5 = describe("五 not copied", c5);
    let max1 = describe("一 (never copied)", c1);
    describe("六 (both ≥ 60 shingles, never copied)", c6);
    copies.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "五 copies: {} pairs, each direction ≥ {:.3}, median {:.3}",
        copies.len(),
        copies[0],
        percentile(&copies, 0.5)
    );
    assert!(max5 < 0.35, "{max5}");
    assert!(max1 < 0.5, "{max1}");
    assert!(copies[0] >= 0.8, "{copies:?}");
}

/// Same options, same bytes — reports and answer key alike.
#[test]
fn same_options_same_corpus() {
    let o = opts(60, 3);
    let a: Vec<CorpusReport> = generate_corpus(&o).collect();
    let b: Vec<CorpusReport> = generate_corpus(&o).collect();
    assert_eq!(a, b);
    let other: Vec<CorpusReport> = generate_corpus(&opts(60, 4)).collect();
    assert_ne!(a[0].synthetic.text, other[0].synthetic.text);

    let base = std::env::temp_dir().join(format!("gongkai-corpus-det-{}", std::process::id()));
    let (d1, d2) = (base.join("a"), base.join("b"));
    let s1 = write_corpus(&d1, &o).unwrap();
    let s2 = write_corpus(&d2, &o).unwrap();
    assert_eq!(s1, s2);
    let mut files: Vec<_> = std::fs::read_dir(&d1)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert_eq!(files.len(), 61);
    for f in &files {
        assert_eq!(
            std::fs::read(d1.join(f)).unwrap(),
            std::fs::read(d2.join(f)).unwrap(),
            "{f:?}"
        );
    }
    std::fs::remove_dir_all(&base).unwrap();
}

/// The answer key: one JSON object per line, in the documented shape, agreeing with
/// the iterator; the summary counts what was written.
#[test]
fn answer_key_lines() {
    let o = opts(50, 5);
    let dir = std::env::temp_dir().join(format!("gongkai-corpus-key-{}", std::process::id()));
    let sum = write_corpus(&dir, &o).unwrap();
    let reports: Vec<CorpusReport> = generate_corpus(&o).collect();
    let key = std::fs::read_to_string(dir.join("answer-key.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = key
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 50);
    assert_eq!(sum.reports, 50);
    assert_eq!(
        sum.agencies,
        reports
            .iter()
            .map(|r| &r.agency)
            .collect::<HashSet<_>>()
            .len()
    );
    for (l, r) in lines.iter().zip(&reports) {
        assert_eq!(l["stem"], r.stem.as_str());
        assert_eq!(l["file"], format!("{}.txt", r.stem));
        assert_eq!(l["agency"], r.agency.as_str());
        assert_eq!(l["region_code"], r.region_code);
        assert_eq!(l["year"], r.year);
        assert_eq!(l["layout"], r.synthetic.layout.name());
        assert_eq!(l["expected"], serde_json::json!(r.expected));
        assert_eq!(l["cross"].as_array().unwrap().len(), r.links.len());
        for c in l["cross"].as_array().unwrap() {
            let kind = CrossInjection::from_name(c["kind"].as_str().unwrap()).unwrap();
            assert_eq!(c["rule"], kind.rule());
            assert!(c["other"].is_string() && c["original"].is_boolean());
        }
        assert_eq!(
            std::fs::read_to_string(dir.join(format!("{}.txt", r.stem))).unwrap(),
            r.synthetic.text
        );
    }
    let total: usize = sum.findings.iter().map(|(_, n)| n).sum();
    assert_eq!(
        total,
        reports.iter().map(|r| r.expected.len()).sum::<usize>()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Agencies have consecutive years, unique names, and a gap cuts the chain: the report
/// after a gap has no cross-year error.
#[test]
fn agencies_years_and_gaps() {
    let o = CorpusOptions {
        gap_rate: 0.25,
        cross_error_rate: 0.6,
        ..opts(400, 9)
    };
    let reports: Vec<CorpusReport> = generate_corpus(&o).collect();
    assert_eq!(reports.len(), 400);
    let mut years: HashMap<&str, Vec<i32>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for r in &reports {
        if order.last() != Some(&r.agency.as_str()) {
            assert!(!order.contains(&r.agency.as_str()), "agency not grouped");
            order.push(&r.agency);
        }
        years.entry(&r.agency).or_default().push(r.year);
    }
    let mut after_gap = 0;
    for r in &reports {
        let ys = &years[r.agency.as_str()];
        assert!(ys.windows(2).all(|w| w[0] < w[1]));
        assert!((2021..2025).contains(&r.year));
        if !ys.contains(&(r.year - 1)) {
            after_gap += 1;
            assert!(
                r.cross
                    .iter()
                    .all(|c| *c == CrossInjection::CopiedFromOtherAgency),
                "{}: {:?}",
                r.stem,
                r.cross
            );
        }
    }
    assert!(after_gap > order.len(), "{after_gap}");
}

#[test]
fn cross_injection_names_round_trip() {
    for c in CrossInjection::ALL {
        assert_eq!(CrossInjection::from_name(c.name()), Some(c));
    }
    assert_eq!(
        CrossInjection::CopiedFromOtherAgency.rule(),
        CrossInjection::CopiedFromPreviousYear.rule()
    );
    assert_eq!(
        CrossInjection::CarryOverMismatch.rule(),
        "carry-over-mismatch"
    );
    assert_eq!(
        CrossInjection::StockDiscontinuity.rule(),
        "stock-discontinuity"
    );
}
