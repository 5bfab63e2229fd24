//! Property: a report without planted errors reads back exactly and draws no finding.
//!
//! For every layout, with and without Kangxi radicals: the parser returns exactly the
//! generated tables (canonical JSON: agency, year, edition, the three tables) and the
//! checker reports nothing at all — neither document errors nor doubts about the reading.

mod support;

use gongkai_synth::{generate, tables_json, Layout, Options};
use proptest::prelude::*;
use support::{explain, read, reading_json};

fn clean(seed: u64, layout: Layout, kangxi: bool) -> Result<(), TestCaseError> {
    let s = generate(
        seed,
        &Options {
            layout,
            kangxi,
            ..Options::default()
        },
    );
    let r = read(&s);
    prop_assert!(
        reading_json(&r.report) == tables_json(&s) && r.findings.is_empty(),
        "{}",
        explain(&s, &r)
    );
    Ok(())
}

macro_rules! clean_layout {
    ($name:ident, $layout:expr, $kangxi:expr) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: support::cases(256), ..ProptestConfig::default() })]
            #[test]
            fn $name(seed in any::<u64>()) {
                clean(seed, $layout, $kangxi)?;
            }
        }
    };
}

clean_layout!(spaces, Layout::Spaces, false);
clean_layout!(spaces_kangxi, Layout::Spaces, true);
clean_layout!(tabs, Layout::Tabs, false);
clean_layout!(tabs_kangxi, Layout::Tabs, true);
clean_layout!(cell_per_line, Layout::CellPerLine, false);
clean_layout!(cell_per_line_kangxi, Layout::CellPerLine, true);
clean_layout!(wrapped_labels, Layout::WrappedLabels, false);
clean_layout!(wrapped_labels_kangxi, Layout::WrappedLabels, true);
