//! The property of the messy layouts (spec §8): every cell read exactly or left blank
//! with a doubt, the agency and year right, no document finding on a clean report.

use std::cell::RefCell;

use gongkai_model::FindingKind;
use gongkai_synth::{generate, Layout, Options, Synthetic};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::{exact_or_doubted, explain, names, Read, Tally};

/// Reads a generated report (as text, or through the ingest path).
pub type Reader = fn(&Synthetic) -> Read;

/// Why a report failed the property: a short class (for the survey) and the details.
pub struct Failure {
    pub class: String,
    pub detail: String,
}

pub fn check(seed: u64, layout: Layout, reader: Reader) -> Result<Tally, Failure> {
    let s = generate(
        seed,
        &Options {
            layout,
            ..Options::default()
        },
    );
    let r = reader(&s);
    let fail = |class: String, what: String| Failure {
        class,
        detail: format!("{what}\n{}", explain(&s, &r)),
    };
    let tally = exact_or_doubted(&s, &r.report).map_err(|e| {
        let class = if e.contains("no doubt explains it") {
            "not found, no doubt explains it"
        } else if e.contains("printed blank") {
            "a printed value read as a blank"
        } else {
            "wrong value"
        };
        fail(class.into(), e)
    })?;
    let agency = r.report.agency.as_ref().map(|a| a.value.as_str());
    let year = r.report.year();
    // Without a title, agency and year are in the crawl's metadata only: read right or
    // not at all. With one, read right.
    let metadata_ok = if layout == Layout::BodyOnly {
        agency.is_none_or(|a| a == s.agency) && year.is_none_or(|y| y == s.year)
    } else {
        agency == Some(s.agency.as_str()) && year == Some(s.year)
    };
    if !metadata_ok {
        return Err(fail(
            "agency or year".into(),
            format!("title read as {agency:?} {year:?}"),
        ));
    }
    let doc = names(&r.findings, FindingKind::Document);
    if !doc.is_empty() {
        return Err(fail(
            format!("document findings {doc:?}"),
            format!("document findings {doc:?} on a clean report"),
        ));
    }
    Ok(tally)
}

/// Run `cases` seeds of `layout` (proptest, shrinking to the smallest failing seed) and
/// report how the cells were read.
pub fn run(layout: Layout, cases: u32, reader: Reader, file: &'static str) {
    let cases = super::cases(cases);
    let mut runner = TestRunner::new(Config {
        cases,
        source_file: Some(file),
        ..Config::default()
    });
    let tally = RefCell::new(Tally::default());
    let result = runner.run(&any::<u64>(), |seed| {
        let t = check(seed, layout, reader).map_err(|f| TestCaseError::fail(f.detail))?;
        *tally.borrow_mut() += t;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{}: {e}", layout.name());
    }
    let t = tally.into_inner();
    eprintln!(
        "{}: {cases} reports, {} cells exact, {} left blank with a doubt",
        layout.name(),
        t.exact,
        t.unread
    );
}

/// How far the reading is from the property: per kind of failure, how many of seeds
/// `0..n` fail that way, and the first of them.
pub fn survey(layout: Layout, n: u64, reader: Reader) {
    let mut classes: std::collections::BTreeMap<String, (usize, u64)> = Default::default();
    let mut passed = 0;
    for seed in 0..n {
        match check(seed, layout, reader) {
            Ok(_) => passed += 1,
            Err(f) => classes.entry(f.class).or_insert((0, seed)).0 += 1,
        }
    }
    eprintln!("{}: {passed}/{n} pass", layout.name());
    for (class, (count, first)) in classes {
        eprintln!("  {count:4}  {class}  (first: seed {first})");
    }
}

/// One report's failure in full.
pub fn show(seed: u64, layout: Layout, reader: Reader) {
    match check(seed, layout, reader) {
        Ok(t) => eprintln!("ok: {t:?}"),
        Err(f) => eprintln!("{}\n{}", f.class, f.detail),
    }
}

/// `SEED` and `LAYOUT` from the environment, for [`show`].
pub fn seed_and_layout(default: Layout) -> (u64, Layout) {
    let seed = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let layout = std::env::var("LAYOUT")
        .ok()
        .and_then(|n| Layout::from_name(&n))
        .unwrap_or(default);
    (seed, layout)
}

/// `SURVEY_SEEDS` from the environment, for [`survey`].
pub fn survey_seeds() -> u64 {
    std::env::var("SURVEY_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}
