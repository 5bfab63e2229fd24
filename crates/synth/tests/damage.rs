//! Property: damage to how a report was *read* never accuses the *document*.
//!
//! A clean generated report, in every layout ([`Layout::EVERY`]), is damaged the way
//! conversions, crawlers and copy-paste damage text, then parsed and checked. The checker
//! must not report any document finding (FindingKind::Document) that the undamaged report
//! does not also draw — what the damage made unreadable is a doubt about the reading
//! (X003, X007 …), never an error of the document.
//!
//! **Reading damages** — the report as published is unchanged; only the text it was read
//! from differs (each must draw no new document finding):
//! - `join-line`: one line break deleted (two lines run together);
//! - `one-line`: every line break deleted (a crawler's `textContent`);
//! - `run-together`: every line break deleted and the spaces and tabs between two digits
//!   too (cells run together: "3 0 0" → "300");
//! - `merge-cells`: the separator between two adjacent numbers of a table row deleted
//!   ("24 0" → "240", "| 3 | 0 |" → "| 30 |");
//! - `cut-midway`: the text cut off inside a word (both neighbours of the cut are
//!   ideographs or digits), as truncated downloads end — never at a boundary a complete
//!   document could end at;
//! - `break-line`: a line break inserted between two ideographs (a label or heading
//!   wrapped by a narrow cell or page);
//! - `page-number`: a page-number line ("- 3 -", "第3页") inserted at a line break;
//! - `garble`: ideographs printed as radicals or compatibility ideographs
//!   ([`gongkai_synth::garble`]);
//! - `odd-spaces`: some spaces printed as no-break or ideographic spaces.
//!
//! **Document changes** — the text now says something else; each may draw only the
//! findings it implies, listed with it (tested by `document_changes_draw_only_what_they_imply`):
//! - `drop-heading`: a section heading deleted → missing-section (and fee-not-reported when
//!   六's fee sentence now runs on in 五);
//! - `swap-labels`: two table-三 rows' labels exchanged (the values now stand in other
//!   rows) → table3-column-balance, table3-outcome-total, prose-table-mismatch;
//! - `delete-row-values`: a table-三 row's numbers deleted, its label kept → blank-cell.
//!
//! Reading damages: 1,400 reports (seeds 0‥1399, the nine layouts in turn) each take every
//! damage that applies to them — 10,525 damaged documents, seeded and reproducible
//! (`DAMAGE_DOCS` changes the number of reports). Document changes: 400 reports, about
//! 1,070 changed documents. A ScriptHtml file (a script whose string holds the page) is
//! read through the ingest path as files are, and takes only the damages that happen to
//! such files (one line, a cut, an escaped line break inside the page, garbling, and the
//! document changes). Failures are grouped by damage and rule, with the first example's
//! text around the damage and around the finding. Debug build, two cores: about 30 s and
//! 10 s.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use gongkai_check::{check, Selection};
use gongkai_model::{Finding, FindingKind, Location};
use gongkai_synth::{generate, Layout, Options, Synthetic};

// ---------------------------------------------------------------------------
// Damages
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Damage {
    JoinLine,
    OneLine,
    RunTogether,
    MergeCells,
    CutMidway,
    BreakLine,
    PageNumber,
    Garble,
    OddSpaces,
    DropHeading,
    SwapLabels,
    DeleteRowValues,
}

use Damage::*;

const READING: [Damage; 9] = [
    JoinLine,
    OneLine,
    RunTogether,
    MergeCells,
    CutMidway,
    BreakLine,
    PageNumber,
    Garble,
    OddSpaces,
];

const DOCUMENT: [Damage; 3] = [DropHeading, SwapLabels, DeleteRowValues];

impl Damage {
    fn name(self) -> &'static str {
        match self {
            JoinLine => "join-line",
            OneLine => "one-line",
            RunTogether => "run-together",
            MergeCells => "merge-cells",
            CutMidway => "cut-midway",
            BreakLine => "break-line",
            PageNumber => "page-number",
            Garble => "garble",
            OddSpaces => "odd-spaces",
            DropHeading => "drop-heading",
            SwapLabels => "swap-labels",
            DeleteRowValues => "delete-row-values",
        }
    }

    /// The document findings a document change may add (reading damages: none).
    fn implies(self) -> &'static [&'static str] {
        match self {
            DropHeading => &["missing-section", "fee-not-reported"],
            SwapLabels => &[
                "table3-column-balance",
                "table3-outcome-total",
                "prose-table-mismatch",
            ],
            DeleteRowValues => &["blank-cell"],
            _ => &[],
        }
    }
}

/// splitmix64: the damages' own random numbers, so that a failure is reproducible from
/// (seed, damage) alone.
struct Mix(u64);

impl Mix {
    fn new(seed: u64, damage: Damage) -> Mix {
        Mix(seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(damage as u64 + 1))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> Option<T> {
        (!xs.is_empty()).then(|| xs[self.below(xs.len())])
    }
}

/// A damaged text and where the damage is (a byte offset in it), for the report.
struct Damaged {
    text: String,
    at: usize,
    what: String,
}

fn is_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Byte offsets of `needle` in `text`.
fn find_all(text: &str, needle: &str) -> Vec<usize> {
    text.match_indices(needle).map(|(i, _)| i).collect()
}

/// The table region: from table 二's first block to section 五's heading (or the end).
fn table_region(text: &str) -> std::ops::Range<usize> {
    let start = text.find("第二十条").unwrap_or(0);
    let end = text[start..]
        .find("存在的主要问题")
        .map_or(text.len(), |i| start + i);
    start..end
}

/// After a table-三 label at `end`: the range holding the row's numbers and the
/// separators between them (stops before the next label, also one numbered "2.…").
fn values_after(text: &str, end: usize) -> std::ops::Range<usize> {
    let rest = &text[end..];
    let chars: Vec<(usize, char)> = rest.char_indices().collect();
    let mut stop = rest.len();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if c.is_ascii_digit() {
            // A digit run followed by '.' numbers the next label.
            let mut j = i;
            while j < chars.len() && chars[j].1.is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && chars[j].1 == '.' {
                stop = b;
                break;
            }
            i = j;
            continue;
        }
        if !matches!(c, ' ' | '\t' | '\n' | '\u{a0}' | '\u{3000}' | '|') {
            stop = b;
            break;
        }
        i += 1;
    }
    end..end + stop
}

/// Does the damage make sense for the layout's file? A script's two lines hold the page
/// in a string literal: spaces of its code, a raw line break inside the literal or a page
/// number between its lines are no damage any conversion does (a line break in the page
/// is an escaped `\n` there), and the separators between numbers are tags.
fn applies(layout: Layout, d: Damage) -> bool {
    layout != Layout::ScriptHtml
        || matches!(
            d,
            OneLine | CutMidway | BreakLine | Garble | DropHeading | SwapLabels
        )
}

fn damage(s: &Synthetic, d: Damage) -> Option<Damaged> {
    if !applies(s.layout, d) {
        return None;
    }
    let text = &s.text;
    let mut rng = Mix::new(s.seed, d);
    let out = match d {
        JoinLine => {
            let at = rng.pick(&find_all(text, "\n"))?;
            Damaged {
                text: format!("{}{}", &text[..at], &text[at + 1..]),
                at,
                what: "one line break deleted".into(),
            }
        }
        OneLine => Damaged {
            text: text.replace(['\n', '\r'], ""),
            at: 0,
            what: "every line break deleted".into(),
        },
        RunTogether => {
            let one: String = text.replace(['\n', '\r'], "").replace('\t', " ");
            let chars: Vec<char> = one.chars().collect();
            let mut out = String::with_capacity(one.len());
            for (i, &c) in chars.iter().enumerate() {
                if c == ' ' {
                    let prev = chars[..i].iter().rev().find(|c| **c != ' ');
                    let next = chars[i + 1..].iter().find(|c| **c != ' ');
                    if prev.is_some_and(char::is_ascii_digit)
                        && next.is_some_and(char::is_ascii_digit)
                    {
                        continue;
                    }
                }
                out.push(c);
            }
            Damaged {
                text: out,
                at: 0,
                what: "every line break and every space between digits deleted".into(),
            }
        }
        MergeCells => {
            let region = table_region(text);
            let bytes = text.as_bytes();
            let mut seps: Vec<(usize, usize)> = Vec::new();
            let mut i = region.start;
            while i < region.end {
                if bytes[i].is_ascii_digit() {
                    for sep in [" | ", "\t", " ", "\n\t"] {
                        let j = i + 1;
                        if text[j..].starts_with(sep)
                            && bytes.get(j + sep.len()).is_some_and(u8::is_ascii_digit)
                            && bytes.get(j + sep.len() + 1).is_none_or(|b| *b != b'.')
                        {
                            seps.push((j, sep.len()));
                            break;
                        }
                    }
                }
                i += 1;
            }
            let (at, len) = rng.pick(&seps)?;
            Damaged {
                text: format!("{}{}", &text[..at], &text[at + len..]),
                at,
                what: format!(
                    "separator {:?} between two numbers deleted",
                    &text[at..at + len]
                ),
            }
        }
        CutMidway => {
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let inside = |c: char| is_ideograph(c) || c.is_ascii_digit();
            let cuts: Vec<usize> = (chars.len() / 10..chars.len())
                .filter(|&i| inside(chars[i - 1].1) && inside(chars[i].1))
                .map(|i| chars[i].0)
                .collect();
            let at = rng.pick(&cuts)?;
            Damaged {
                text: text[..at].to_string(),
                at,
                what: format!("cut at byte {at} of {}", text.len()),
            }
        }
        BreakLine => {
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let places: Vec<usize> = (1..chars.len())
                .filter(|&i| is_ideograph(chars[i - 1].1) && is_ideograph(chars[i].1))
                .map(|i| chars[i].0)
                .collect();
            let at = rng.pick(&places)?;
            let br = if s.layout == Layout::ScriptHtml {
                "\\n"
            } else {
                "\n"
            };
            Damaged {
                text: format!("{}{br}{}", &text[..at], &text[at..]),
                at,
                what: "line break inserted between two ideographs".into(),
            }
        }
        PageNumber => {
            let at = rng.pick(&find_all(text, "\n"))?;
            let n = 1 + rng.below(9);
            let page = match rng.below(3) {
                0 => format!("- {n} -"),
                1 => format!("—{n}—"),
                _ => format!("第{n}页"),
            };
            Damaged {
                text: format!("{}\n{page}{}", &text[..at], &text[at..]),
                at,
                what: format!("page number {page:?} inserted"),
            }
        }
        Garble => Damaged {
            text: gongkai_synth::garble(text, s.seed),
            at: 0,
            what: "ideographs garbled".into(),
        },
        OddSpaces => {
            let out: String = text
                .chars()
                .map(|c| match c {
                    ' ' if rng.below(3) == 0 => {
                        if rng.below(2) == 0 {
                            '\u{a0}'
                        } else {
                            '\u{3000}'
                        }
                    }
                    c => c,
                })
                .collect();
            Damaged {
                text: out,
                at: 0,
                what: "some spaces made no-break or ideographic".into(),
            }
        }
        DropHeading => {
            let mut found = Vec::new();
            for k in gongkai_model::schema::SectionKind::ALL {
                let titles = [
                    k.title(),
                    if k == gongkai_model::schema::SectionKind::Problems {
                        "政府信息公开工作存在的主要问题及改进情况"
                    } else {
                        k.title()
                    },
                ];
                for t in titles {
                    let h = format!("{}、{t}", k.numeral());
                    if let Some(i) = text.rfind(&h) {
                        found.push((i, h.len()));
                        break;
                    }
                }
            }
            let (at, len) = rng.pick(&found)?;
            Damaged {
                text: format!("{}{}", &text[..at], &text[at + len..]),
                at,
                what: format!("heading {:?} deleted", &text[at..at + len]),
            }
        }
        SwapLabels => {
            let labels: Vec<(usize, &str)> = s
                .tables
                .requests
                .iter()
                .map(|r| r.key.def().label)
                .filter_map(|l| {
                    let at = find_all(text, l);
                    (at.len() == 1).then(|| (at[0], l))
                })
                .collect();
            if labels.len() < 2 {
                return None;
            }
            let a = rng.below(labels.len());
            let mut b = rng.below(labels.len() - 1);
            if b >= a {
                b += 1;
            }
            let (mut x, mut y) = (labels[a], labels[b]);
            if x.0 > y.0 {
                std::mem::swap(&mut x, &mut y);
            }
            let t = format!(
                "{}{}{}{}{}",
                &text[..x.0],
                y.1,
                &text[x.0 + x.1.len()..y.0],
                x.1,
                &text[y.0 + y.1.len()..]
            );
            Damaged {
                text: t,
                at: x.0,
                what: format!("labels {:?} and {:?} swapped", x.1, y.1),
            }
        }
        DeleteRowValues => {
            let rows: Vec<(usize, &str)> = s
                .tables
                .requests
                .iter()
                .map(|r| r.key.def().label)
                .filter_map(|l| {
                    let at = find_all(text, l);
                    (at.len() == 1).then(|| (at[0], l))
                })
                .collect();
            let (at, label) = rng.pick(&rows)?;
            let r = values_after(text, at + label.len());
            let region = &text[r.clone()];
            if !region.chars().any(|c| c.is_ascii_digit()) {
                return None;
            }
            let kept: String = region.chars().filter(|c| !c.is_ascii_digit()).collect();
            Damaged {
                text: format!("{}{kept}{}", &text[..r.start], &text[r.end..]),
                at,
                what: format!("numbers of {label:?} deleted ({:?})", region.trim()),
            }
        }
    };
    (out.text != *text).then_some(out)
}

// ---------------------------------------------------------------------------
// Reading and comparing
// ---------------------------------------------------------------------------

/// Document findings of a text read as the layout's file is: `None` when the text is not
/// a report any more (nothing is claimed about it), `Err` on a panic.
fn document_findings(layout: Layout, text: &str) -> Result<Option<Vec<Finding>>, String> {
    let name = format!("synthetic.{}", layout.extension());
    catch_unwind(AssertUnwindSafe(|| {
        let parsed = if layout == Layout::ScriptHtml {
            let loaded = match gongkai_ingest::load_bytes(Path::new(&name), text.as_bytes()) {
                Ok(l) => l,
                Err(_) => return None,
            };
            gongkai_corpus::parse_loaded(&name, loaded).ok()?
        } else {
            gongkai_parse::parse_text(&name, text.to_string()).ok()?
        };
        let fs = check(&parsed.report, Some(&parsed.source), &Selection::all());
        Some(
            fs.into_iter()
                .filter(|f| f.kind == FindingKind::Document)
                .collect(),
        )
    }))
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// Findings of the damaged reading beyond the clean one's (as a multiset of rule names).
fn new_findings<'a>(clean: &[Finding], damaged: &'a [Finding]) -> Vec<&'a Finding> {
    let mut left: BTreeMap<&str, usize> = BTreeMap::new();
    for f in clean {
        *left.entry(f.name.as_str()).or_default() += 1;
    }
    damaged
        .iter()
        .filter(|f| {
            let n = left.entry(f.name.as_str()).or_default();
            if *n > 0 {
                *n -= 1;
                false
            } else {
                true
            }
        })
        .collect()
}

/// The damaged text around the damage, on one line.
fn snippet(text: &str, at: usize) -> String {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before: Vec<char> = text[..at].chars().rev().take(50).collect();
    let after: String = text[at..].chars().take(70).collect();
    let before: String = before.into_iter().rev().collect();
    format!("{before}⟦here⟧{after}")
        .replace('\n', "⏎")
        .replace('\t', "⇥")
}

#[derive(Default)]
struct Outcome {
    /// Damaged documents read and checked, per damage.
    applied: BTreeMap<Damage, usize>,
    /// Damaged documents with at least one new finding, per damage.
    accused: BTreeMap<Damage, usize>,
    /// Time spent reading the damaged documents, per damage (and `None`: the clean ones).
    time: BTreeMap<Option<Damage>, std::time::Duration>,
    /// Reports whose undamaged text did not parse (nothing to compare with).
    baseline_unread: usize,
    /// (damage, rule or "panic") → (count, first example).
    failures: BTreeMap<(Damage, String), (usize, String)>,
}

fn run_docs(docs: std::ops::Range<u64>, damages: &[Damage]) -> Outcome {
    let mut o = Outcome::default();
    for seed in docs {
        let layout = Layout::EVERY[seed as usize % Layout::EVERY.len()];
        let s = generate(
            seed,
            &Options {
                layout,
                ..Options::default()
            },
        );
        let t0 = std::time::Instant::now();
        let clean = document_findings(layout, &s.text);
        *o.time.entry(None).or_default() += t0.elapsed();
        let clean = match clean {
            Ok(Some(fs)) => fs,
            _ => {
                o.baseline_unread += 1;
                continue;
            }
        };
        for &d in damages {
            let Some(dmg) = damage(&s, d) else {
                continue;
            };
            *o.applied.entry(d).or_default() += 1;
            let t0 = std::time::Instant::now();
            let found = document_findings(layout, &dmg.text);
            *o.time.entry(Some(d)).or_default() += t0.elapsed();
            let found = match found {
                Ok(Some(fs)) => fs,
                Ok(None) => continue,
                Err(panic) => {
                    let e = o
                        .failures
                        .entry((d, "panic".into()))
                        .or_insert((0, String::new()));
                    e.0 += 1;
                    if e.1.is_empty() {
                        e.1 = format!(
                            "seed {seed} layout {} — {}: {panic}\n      {}",
                            layout.name(),
                            dmg.what,
                            snippet(&dmg.text, dmg.at)
                        );
                    }
                    continue;
                }
            };
            let wrong: Vec<&Finding> = new_findings(&clean, &found)
                .into_iter()
                .filter(|f| !d.implies().contains(&f.name.as_str()))
                .collect();
            if !wrong.is_empty() {
                *o.accused.entry(d).or_default() += 1;
                // DAMAGE_DUMP=DIR keeps every accused document and its new findings, to
                // be read with `gongkai check` while working on the reader.
                if let Ok(dir) = std::env::var("DAMAGE_DUMP") {
                    let stem = format!("{dir}/{}-{seed}-{}", d.name(), layout.name());
                    let _ = std::fs::create_dir_all(&dir);
                    let _ = std::fs::write(format!("{stem}.{}", layout.extension()), &dmg.text);
                    let list: String = wrong
                        .iter()
                        .map(|f| format!("{} {}\n", f.code, f.message))
                        .collect();
                    let _ = std::fs::write(format!("{stem}.findings"), list);
                }
            }
            for f in wrong {
                let key = (d, format!("{} {}", f.code, f.name));
                let e = o.failures.entry(key).or_insert((0, String::new()));
                e.0 += 1;
                if e.1.is_empty() {
                    let mut ex = format!(
                        "seed {seed} layout {} — {}\n      finding: {}",
                        layout.name(),
                        dmg.what,
                        f.message
                    );
                    // The damage's site, unless it is everywhere; and the finding's.
                    if dmg.at > 0 {
                        let _ = write!(ex, "\n      damage at: {}", snippet(&dmg.text, dmg.at));
                    }
                    if let Some(Location::Text { start, .. }) = f.location() {
                        let _ = write!(
                            ex,
                            "\n      finding at: {}",
                            snippet(&dmg.text, *start as usize)
                        );
                    }
                    e.1 = ex;
                }
            }
        }
    }
    o
}

/// The documents, split over the available cores (each thread its own seeds).
fn run(damages: &[Damage], docs: u64) -> Outcome {
    let docs: u64 = std::env::var("DAMAGE_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(docs);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8) as u64;
    let per = docs.div_ceil(threads);
    let parts: Vec<Outcome> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let r = (t * per).min(docs)..((t + 1) * per).min(docs);
                sc.spawn(move || run_docs(r, damages))
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("worker")).collect()
    });
    // Merge in seed order, so that each failure's example is its smallest seed.
    let mut o = Outcome::default();
    for p in parts {
        o.baseline_unread += p.baseline_unread;
        for (d, t) in p.time {
            *o.time.entry(d).or_default() += t;
        }
        for (d, n) in p.applied {
            *o.applied.entry(d).or_default() += n;
        }
        for (d, n) in p.accused {
            *o.accused.entry(d).or_default() += n;
        }
        for (k, (n, ex)) in p.failures {
            let e = o.failures.entry(k).or_insert((0, ex));
            e.0 += n;
        }
    }
    o
}

fn report(o: &Outcome) -> String {
    let mut out = String::new();
    let total: usize = o.applied.values().sum();
    let _ = writeln!(
        out,
        "{total} damaged documents ({} reports whose clean text did not parse skipped)",
        o.baseline_unread
    );
    for (d, n) in &o.applied {
        let accused = o.accused.get(d).copied().unwrap_or(0);
        let findings: usize = o
            .failures
            .iter()
            .filter(|((fd, _), _)| fd == d)
            .map(|(_, (c, _))| c)
            .sum();
        let _ = writeln!(
            out,
            "  {:18} {n:6} documents, {accused} with new findings ({findings} findings)",
            d.name()
        );
    }
    for (d, t) in &o.time {
        let _ = writeln!(
            out,
            "  time {:18} {:.1} s",
            d.map_or("(clean)", Damage::name),
            t.as_secs_f64()
        );
    }
    for ((d, rule), (n, ex)) in &o.failures {
        let _ = writeln!(out, "\n{} → {rule}: {n}×\n    {ex}", d.name());
    }
    out
}

#[test]
fn damage_never_accuses() {
    let o = run(&READING, 1400);
    let text = report(&o);
    eprintln!("{text}");
    let total: usize = o.applied.values().sum();
    let want = if std::env::var("DAMAGE_DOCS").is_ok() {
        0
    } else {
        10_000
    };
    assert!(total >= want, "only {total} damaged documents");
    // None: not one damaged reading may draw a document finding, nor panic.
    assert!(
        !o.failures.keys().any(|(_, rule)| rule == "panic"),
        "a damaged document made the pipeline panic:\n{text}"
    );
    assert!(
        o.accused.is_empty(),
        "reading damages drew document findings:\n{text}"
    );
}

#[test]
fn document_changes_draw_only_what_they_imply() {
    let o = run(&DOCUMENT, 400);
    let text = report(&o);
    eprintln!("{text}");
    assert!(
        o.accused.is_empty(),
        "document changes drew findings they do not imply:\n{text}"
    );
}
