//! The generator itself: deterministic, fast, and each layout has the shape of the
//! real files it imitates.

use std::time::Instant;

use gongkai_model::schema::RequestRowKey;
use gongkai_synth::{generate, tables_json, write, Injection, Layout, Options, Synthetic};

fn gen(seed: u64, layout: Layout) -> Synthetic {
    generate(
        seed,
        &Options {
            layout,
            ..Options::default()
        },
    )
}

/// The lines of table 三: from its section heading to table 四's, without the page
/// numbers PDF layouts may print in between.
fn table3_lines(text: &str) -> Vec<&str> {
    let start = text.find("三、收到和处理政府信息公开申请情况").unwrap();
    let end = text.find("四、政府信息公开行政复议").unwrap();
    text[start..end]
        .lines()
        .skip(1)
        .filter(|l| !gongkai_text::is_page_number_line(l))
        .collect()
}

#[test]
fn same_seed_same_report() {
    for layout in Layout::EVERY {
        let opts = Options {
            layout,
            kangxi: true,
            lose_zero_cells: true,
            errors: vec![Injection::OutcomeCell, Injection::EmptyOther],
            error_rate: 0.5,
        };
        for seed in [0, 1, 42, u64::MAX] {
            assert_eq!(generate(seed, &opts), generate(seed, &opts));
        }
        assert_ne!(generate(1, &opts).text, generate(2, &opts).text);
    }
}

#[test]
fn same_seed_same_document_in_every_layout() {
    let base = gen(7, Layout::Spaces);
    for layout in Layout::EVERY {
        let s = gen(7, layout);
        assert_eq!(
            (&s.agency, s.year, &s.tables),
            (&base.agency, base.year, &base.tables)
        );
        assert_eq!(tables_json(&s), tables_json(&base));
    }
}

#[test]
fn title_line_names_agency_and_year() {
    for seed in 0..50 {
        let s = gen(seed, Layout::Spaces);
        let title = format!("{}年政府信息公开工作年度报告", s.year);
        let t = format!("{}年度政府信息公开工作年度报告", s.year);
        assert!(s.text.contains(&s.agency), "{}", s.agency);
        assert!(s.text.contains(&title) || s.text.contains(&t));
    }
}

#[test]
fn spaces_rows_are_label_then_seven_numbers() {
    let s = gen(3, Layout::Spaces);
    let lines = table3_lines(&s.text);
    let row = lines
        .iter()
        .find(|l| l.starts_with("一、本年新收政府信息公开申请数量 "))
        .expect("row 一 on one line");
    let nums: Vec<i64> = row.split(' ').skip(1).map(|w| w.parse().unwrap()).collect();
    assert_eq!(nums.len(), 7);
    assert_eq!(
        nums.iter().map(|&n| Some(n)).collect::<Vec<_>>(),
        s.tables.row(RequestRowKey::NewReceived).unwrap().to_vec()
    );
    // Group labels stand on their own lines before the first sub-row (maybe split).
    let denied = lines
        .iter()
        .position(|l| l.starts_with("1.属于国家秘密"))
        .unwrap();
    assert!(lines[..denied]
        .iter()
        .rev()
        .take(4)
        .any(|l| l.starts_with("（三）不予")));
    assert!(!s.text.contains('\t'));
}

#[test]
fn tabs_rows_keep_merged_label_cells() {
    for seed in 0..20 {
        let s = gen(seed, Layout::Tabs);
        let lines = table3_lines(&s.text);
        // Sub-rows start with the empty cells of the merged group column.
        let sub = lines
            .iter()
            .find(|l| l.contains("4.保护第三方合法权益"))
            .unwrap();
        assert!(sub.starts_with("\t\t4.保护第三方合法权益\t\t"), "{sub:?}");
        let first = lines.iter().find(|l| l.contains("1.属于国家秘密")).unwrap();
        assert!(first.starts_with('\t') && first.contains("不予公开\t1.属于国家秘密\t\t"));
        // 一 and 二: label, empty merged cell, 7 values, trailing tab.
        let one = lines
            .iter()
            .find(|l| l.starts_with("一、本年新收"))
            .unwrap();
        assert_eq!(one.split('\t').count(), 1 + 1 + 7 + 1);
        assert!(one.ends_with('\t'));
    }
}

#[test]
fn cell_per_line_cells_are_tab_indented() {
    let s = generate(
        5,
        &Options {
            layout: Layout::CellPerLine,
            errors: vec![Injection::BlankCell],
            ..Options::default()
        },
    );
    let lines = table3_lines(&s.text);
    let (mut indented, mut other) = (0, 0);
    for l in lines.iter().filter(|l| !l.is_empty()) {
        if l.starts_with('\t') {
            indented += 1;
        } else {
            // Only seed 003's unindented group label is allowed.
            assert!(l.starts_with('（'), "{l:?}");
            other += 1;
        }
    }
    assert!(indented > 25 * 8 && other <= 4);
    // Blank cells are "\t " or "\t\u{a0}" lines.
    assert!(lines.iter().any(|l| *l == "\t " || *l == "\t\u{a0}"));
}

#[test]
fn wrapped_labels_put_numbers_on_the_next_line() {
    for seed in 0..20 {
        let s = gen(seed, Layout::WrappedLabels);
        let lines = table3_lines(&s.text);
        // （六）1. never fits a cell: its numbers stand alone on the line after it.
        let end = lines
            .iter()
            .position(|l| l.ends_with("申请") && !l.contains(' '))
            .unwrap();
        let nums: Vec<&str> = lines[end + 1].split(' ').collect();
        assert_eq!(nums.len(), 7, "{:?}", &lines[end..end + 2]);
        assert!(nums.iter().all(|w| w.parse::<i64>().is_ok()));
        assert!(!lines
            .iter()
            .any(|l| l
                .starts_with("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")));
    }
}

#[test]
fn kangxi_radicals_normalise_back() {
    for layout in Layout::ALL {
        for seed in 0..10 {
            let plain = gen(seed, layout);
            let pdf = generate(
                seed,
                &Options {
                    layout,
                    kangxi: true,
                    ..Options::default()
                },
            );
            assert!(pdf
                .text
                .chars()
                .any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)));
            assert_eq!(
                gongkai_text::Normalized::new(&pdf.text).text,
                gongkai_text::Normalized::new(&plain.text).text
            );
        }
    }
}

#[test]
fn lost_cells_are_missing_from_the_text() {
    let s = generate(
        9,
        &Options {
            layout: Layout::Tabs,
            lose_zero_cells: true,
            ..Options::default()
        },
    );
    assert!(!s.lost.is_empty());
    let lines = table3_lines(&s.text);
    for (key, _) in &s.lost {
        let label = key.def().label;
        let line = lines.iter().find(|l| l.contains(label)).unwrap();
        let values = line
            .split('\t')
            .filter(|c| c.parse::<i64>().is_ok())
            .count();
        assert_eq!(values, 6, "{line:?}");
    }
    // Cell-per-line exports do not lose cells.
    let s = generate(
        9,
        &Options {
            layout: Layout::CellPerLine,
            lose_zero_cells: true,
            ..Options::default()
        },
    );
    assert!(s.lost.is_empty());
}

#[test]
fn names_round_trip() {
    for l in Layout::EVERY {
        assert_eq!(Layout::from_name(l.name()), Some(l));
    }
    // The default corpus mix and the messy shapes, each layout once.
    let mut every: Vec<Layout> = Layout::ALL.into_iter().chain(Layout::MESSY).collect();
    every.sort_by_key(|l| l.name());
    let mut want = Layout::EVERY.to_vec();
    want.sort_by_key(|l| l.name());
    assert_eq!(every, want);
    for e in Injection::ALL {
        assert_eq!(Injection::from_name(e.name()), Some(e));
    }
}

#[test]
fn injections_that_do_not_fit_are_skipped() {
    let s = generate(
        1,
        &Options {
            layout: Layout::Spaces,
            errors: vec![Injection::BlankCell, Injection::ReviewTotal],
            ..Options::default()
        },
    );
    assert_eq!(s.injected, vec![Injection::ReviewTotal]);
    assert_eq!(s.expected, vec!["table4-group-total"]);
}

#[test]
fn error_rate_plants_errors_in_that_share_of_reports() {
    let opts = Options {
        error_rate: 0.3,
        ..Options::default()
    };
    let faulty = (0..1000)
        .filter(|&seed| !generate(seed, &opts).injected.is_empty())
        .count();
    assert!((220..380).contains(&faulty), "{faulty}");
}

#[test]
fn write_puts_report_and_truth_side_by_side() {
    let dir = std::env::temp_dir().join(format!("gongkai-synth-{}", std::process::id()));
    let s = generate(
        3,
        &Options {
            errors: vec![Injection::ProseCount],
            ..Options::default()
        },
    );
    let path = write(&dir, "synth_0003", &s).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), s.text);
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth/synth_0003.json")).unwrap())
            .unwrap();
    assert_eq!(truth["source"], "synth_0003.txt");
    assert_eq!(
        truth["expected_findings"],
        serde_json::json!(["prose-table-mismatch"])
    );
    assert_eq!(truth["requests"], tables_json(&s)["requests"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// ≥ 10,000 reports per second (release builds; debug builds are ~10× slower).
#[test]
#[cfg_attr(debug_assertions, ignore = "timing: run with --release")]
fn ten_thousand_reports_per_second() {
    let opts: Vec<Options> = Layout::ALL
        .into_iter()
        .map(|layout| Options {
            layout,
            kangxi: true,
            lose_zero_cells: true,
            error_rate: 0.3,
            ..Options::default()
        })
        .collect();
    let start = Instant::now();
    let mut bytes = 0;
    for seed in 0..10_000u64 {
        bytes += generate(seed, &opts[seed as usize % 4]).text.len();
    }
    let elapsed = start.elapsed();
    eprintln!("10000 reports, {} MB, in {elapsed:?}", bytes / 1_000_000);
    assert!(elapsed.as_secs_f64() < 1.0, "{elapsed:?}");
}

/// The messy layouts have the shapes of `../shared/corpus-web`'s files.
#[test]
fn messy_layouts_have_their_shapes() {
    let (mut chrome, mut stray, mut escaped) = (0, 0, 0);
    for seed in 0..60 {
        let flat = gen(seed, Layout::FlatText).text;
        assert!(!flat.contains(['\n', '\r', '\t']), "seed {seed}: one line");
        assert!(flat.contains("一、本年新收政府信息公开申请数量"));
        // The new-received row's seven cells run together right after the label.
        let after = flat
            .split("一、本年新收政府信息公开申请数量")
            .nth(1)
            .unwrap();
        assert!(after.starts_with(|c: char| c.is_ascii_digit() || c.is_whitespace()));
        chrome += usize::from(flat.contains("版权所有："));
        stray += usize::from(after.chars().take(30).any(|c| c == '\u{a0}' || c == ' '));

        let pipes = gen(seed, Layout::Pipes).text;
        let rows: Vec<&str> = pipes.lines().filter(|l| l.starts_with("| ")).collect();
        assert!(rows.iter().all(|r| r.ends_with(" |")));
        let cells = |label: &str| {
            rows.iter()
                .find(|r| r.starts_with(&format!("| {label}")))
                .map(|r| r.matches(" | ").count() + 1)
        };
        // Merged cells printed once: rows of one table have different cell counts.
        assert_eq!(cells("一、本年新收政府信息公开申请数量"), Some(8));
        assert_eq!(cells("三、本"), Some(9));
        assert_eq!(cells("2.其他法律行政法规禁止公开"), Some(8));

        let script = gen(seed, Layout::ScriptHtml).text;
        assert!(script.starts_with("var articleContent = \""));
        assert_eq!(script.lines().count(), 2);
        assert!(script.contains("rowspan=\\\""));
        escaped += usize::from(script.contains("\\u"));

        let s = gen(seed, Layout::BodyOnly);
        assert!(
            !s.text.contains("政府信息公开工作年度报告"),
            "seed {seed}: a title"
        );
        assert!(s.text.contains("主动公开政府信息情况"));
    }
    // Each variant occurs.
    assert!((10..50).contains(&chrome), "{chrome} of 60 with chrome");
    assert!(
        stray > 0 && escaped > 0,
        "{stray} with stray spaces, {escaped} escaped"
    );
}

/// Garbled text is the wrapped-label text with ideographs in other forms, each of which
/// the normaliser folds back.
#[test]
fn garbled_folds_back_to_wrapped_labels() {
    let fold = |t: &str| -> String { t.chars().filter_map(gongkai_text::normalize_char).collect() };
    for seed in 0..30 {
        let g = gen(seed, Layout::Garbled).text;
        let w = gen(seed, Layout::WrappedLabels).text;
        assert_ne!(g, w);
        assert!(g.chars().any(|c| ('\u{F900}'..='\u{FAFF}').contains(&c)));
        assert_eq!(fold(&g), fold(&w), "seed {seed}");
    }
}
