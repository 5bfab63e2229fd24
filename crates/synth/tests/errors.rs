//! Property: with one planted error, the reading is still exact and the checker reports
//! exactly the document findings the error implies — and no doubt about the reading.

mod support;

use gongkai_model::FindingKind;
use gongkai_synth::{generate, tables_json, Injection, Layout, Options};
use proptest::prelude::*;
use support::{explain, names, read, reading_json};

fn planted(seed: u64, layout: Layout, kangxi: bool, e: Injection) -> Result<(), TestCaseError> {
    let s = generate(
        seed,
        &Options {
            layout,
            kangxi,
            errors: vec![e],
            ..Options::default()
        },
    );
    prop_assert_eq!(&s.injected, &vec![e]);
    // On its own, an injection implies exactly its documented findings; emptying
    // section 六 also leaves table 二's fees unaccounted for when there are some.
    let mut implied: Vec<&str> = e.implies().to_vec();
    if e == Injection::EmptyOther && s.expected.contains(&"fee-not-reported") {
        implied.push("fee-not-reported");
    }
    implied.sort_unstable();
    prop_assert_eq!(&s.expected, &implied, "seed {} {:?}", seed, e);

    let r = read(&s);
    let doc = names(&r.findings, FindingKind::Document);
    let extraction = names(&r.findings, FindingKind::Extraction);
    let want: Vec<String> = s.expected.iter().map(|n| n.to_string()).collect();
    prop_assert!(
        reading_json(&r.report) == tables_json(&s) && doc == want && extraction.is_empty(),
        "{}",
        explain(&s, &r)
    );
    Ok(())
}

fn layouts() -> impl Strategy<Value = Layout> {
    prop::sample::select(Layout::ALL.to_vec())
}

fn injections() -> impl Strategy<Value = Injection> {
    prop::sample::select(Injection::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: support::cases(1024), ..ProptestConfig::default() })]

    /// Any layout, any injection that fits it.
    #[test]
    fn one_error(seed in any::<u64>(), layout in layouts(), kangxi in any::<bool>(), e in injections()) {
        prop_assume!(e.fits(layout));
        planted(seed, layout, kangxi, e)?;
    }
}

/// Every injection on its own, in every layout it fits, over a few seeds each — so
/// that each one is exercised even if the random mix above happens to skip it.
#[test]
fn each_error_in_each_layout() {
    for e in Injection::ALL {
        for layout in Layout::ALL {
            if !e.fits(layout) {
                continue;
            }
            for seed in 0..12 {
                planted(seed, layout, seed % 2 == 0, e).unwrap_or_else(|err| panic!("{err}"));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: support::cases(512), ..ProptestConfig::default() })]

    /// Several errors at once: they interact (a blank cell silences the identities it
    /// takes part in, two changes in one column may cancel, a missing heading makes an
    /// empty section non-empty …) and the answer key must still be exact.
    #[test]
    fn several_errors(
        seed in any::<u64>(),
        layout in layouts(),
        kangxi in any::<bool>(),
        errors in prop::collection::vec(injections(), 2..6),
    ) {
        let s = generate(seed, &Options { layout, kangxi, errors, ..Options::default() });
        let r = read(&s);
        let doc = names(&r.findings, FindingKind::Document);
        let want: Vec<String> = s.expected.iter().map(|n| n.to_string()).collect();
        prop_assert!(
            reading_json(&r.report) == tables_json(&s)
                && doc == want
                && names(&r.findings, FindingKind::Extraction).is_empty(),
            "{}",
            explain(&s, &r)
        );
    }
}
