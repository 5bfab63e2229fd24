//! Hostile and damaged input: random bytes, truncations and mutations of a real PDF
//! never panic and finish quickly.

mod common;

use std::time::{Duration, Instant};

use gongkai_model::{Block, Location};
use proptest::prelude::*;

/// A real PDF when the corpus is present, else one made here.
fn sample() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/hongze_district_2024.pdf"
    );
    if let Ok(b) = std::fs::read(path) {
        return b;
    }
    println!("note: corpus absent, mutating a generated PDF");
    let f = common::CidFont::new("一、总体情况规章");
    let mut page = common::grid(&[50.0, 200.0, 300.0], &[700.0, 670.0, 640.0], &[], &[]);
    page += &common::text(&f, 55.0, 680.0, 12.0, "一、总体情况");
    page += &common::text(&f, 55.0, 650.0, 12.0, "规章");
    page += &common::latin(210.0, 650.0, 12.0, "12");
    common::save(common::build(&f, &[common::PageSpec::text(page)]))
}

fn valid(l: &Location) {
    if let Location::Pdf {
        page,
        x0,
        y0,
        x1,
        y1,
    } = l
    {
        assert!(*page >= 1 && *page as usize <= gongkai_pdf::MAX_PAGES);
        assert!([x0, y0, x1, y1].iter().all(|v| v.is_finite()), "{l:?}");
        assert!(x0 <= x1 && y0 <= y1, "{l:?}");
    }
}

fn quick(bytes: &[u8]) {
    let start = Instant::now();
    let result = gongkai_pdf::read(bytes);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "read took {took:?}");
    if let Ok(doc) = result {
        for b in &doc.blocks {
            match b {
                Block::Line { pieces } => pieces.iter().for_each(|p| valid(&p.location)),
                Block::Table { grid } => {
                    grid.rows.iter().flatten().for_each(|c| valid(&c.location))
                }
                Block::PageBreak { .. } => {}
            }
        }
        // The parser must cope with whatever the reader makes of damaged files.
        let _ = gongkai_parse::parse_document("x.pdf", &doc);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096), header in any::<bool>()) {
        let mut input = if header { b"%PDF-1.7\n".to_vec() } else { Vec::new() };
        input.extend(bytes);
        quick(&input);
    }

    #[test]
    fn random_content_streams(ops in proptest::collection::vec(
        prop_oneof![
            Just("BT".to_string()), Just("ET".to_string()), Just("q".to_string()), Just("Q".to_string()),
            Just("/F1 12 Tf".to_string()), Just("/F2 9 Tf".to_string()), Just("[<0001> -500 <0002>] TJ".to_string()),
            Just("<00010002> Tj".to_string()), Just("(12) '".to_string()), Just("T*".to_string()),
            Just("0 0 m 100 0 l S".to_string()), Just("10 10 300 0.5 re f".to_string()),
            Just("/Im1 Do".to_string()), Just("BI /W 1 ID x EI".to_string()), Just("[[[[".to_string()),
            (-1e6f32..1e6, -1e6f32..1e6).prop_map(|(a, b)| format!("{a} {b} Td")),
            (-10f32..10.0, -10f32..10.0).prop_map(|(a, b)| format!("{a} 0 0 {b} 5 5 cm")),
        ],
        0..200,
    )) {
        let f = common::CidFont::new("一、");
        let content = ops.join("\n");
        let bytes = common::save(common::build(&f, &[common::PageSpec::text(content)]));
        quick(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn truncations_and_mutations_of_a_real_pdf(
        cut in 0.0f64..1.0,
        flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..24),
    ) {
        let mut bytes = sample();
        for (at, b) in flips {
            let i = ((bytes.len() - 1) as f64 * at) as usize;
            bytes[i] = b;
        }
        let keep = ((bytes.len() as f64) * cut) as usize;
        quick(&bytes[..keep.max(1)]);
        quick(&bytes);
    }
}

/// Thousands of rules and glyphs on one page: bounded time, no panic.
#[test]
fn pathological_page_is_bounded() {
    let f = common::CidFont::new("一二");
    let mut content = String::from("0.5 w\n");
    for i in 0..6000u32 {
        let a = (i.wrapping_mul(7919) % 800) as f32;
        let b = (i.wrapping_mul(104_729) % 800) as f32;
        content.push_str(&format!(
            "{a} {b} m {a} {} l S {b} {a} m {} {a} l S\n",
            b + 30.0,
            b + 40.0
        ));
    }
    content.push_str("BT /F1 3 Tf\n");
    for i in 0..20000u32 {
        let x = (i.wrapping_mul(31) % 590) as f32;
        let y = (i.wrapping_mul(17) % 840) as f32;
        content.push_str(&format!("1 0 0 1 {x} {y} Tm <00010002> Tj\n"));
    }
    content.push_str("ET\nBT /F2 5 Tf\n");
    for i in 0..5000u32 {
        content.push_str(&format!("1 0 0 1 {} 800 Tm <0001> Tj\n", i % 590));
    }
    content.push_str("ET\n");
    let bytes = common::save(common::build(&f, &[common::PageSpec::text(content)]));
    let start = Instant::now();
    let _ = gongkai_pdf::read(&bytes);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    println!("pathological page: {:?}", start.elapsed());
}

/// Found by `cargo fuzz run pdf`: a mutated page produced inverted glyph boxes.
#[test]
fn boxes_are_ordered_and_finite_on_a_fuzzed_file() {
    let bytes = include_bytes!("data/fuzz-inverted-box.pdf");
    let Ok(doc) = gongkai_pdf::read(bytes) else {
        return;
    };
    let mut boxes = 0;
    for l in doc.locations() {
        if let gongkai_model::Location::Pdf { x0, y0, x1, y1, .. } = *l {
            assert!([x0, y0, x1, y1].iter().all(|v| v.is_finite()));
            assert!(x0 <= x1 && y0 <= y1, "{l:?}");
            boxes += 1;
        }
    }
    assert!(boxes > 0);
}
