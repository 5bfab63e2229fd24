//! Checks of the generated tables, independent of the generator's code.

use crate::compat_table::COMPAT_IDEOGRAPHS;
use crate::normalize_char;
use crate::radicals_table::RADICALS;

const UCD: &str = "/usr/share/unicode";

/// The one deliberate deviation from EquivalentUnifiedIdeograph.txt.
const OVERRIDES: &[(char, char)] = &[('\u{2F3E}', '户')];

fn read_ucd(name: &str) -> Option<String> {
    let path = format!("{UCD}/{name}");
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(_) => {
            println!("note: {path} not found (apt-get install unicode-data); skipping");
            None
        }
    }
}

fn cp(s: &str) -> u32 {
    u32::from_str_radix(s.trim(), 16).expect("hex code point")
}

fn is_unified_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x323AF)
}

#[test]
fn tables_sorted_and_sane() {
    for table in [RADICALS, COMPAT_IDEOGRAPHS] {
        assert!(
            table.windows(2).all(|w| w[0].0 < w[1].0),
            "table not sorted/unique"
        );
        for &(_, to) in table {
            assert!(
                is_unified_ideograph(to),
                "target U+{:04X} not a unified ideograph",
                to as u32
            );
        }
    }
    for &(from, _) in RADICALS {
        assert!(matches!(from as u32, 0x2E80..=0x2EF3 | 0x2F00..=0x2FD5));
    }
    for &(from, _) in COMPAT_IDEOGRAPHS {
        assert!(matches!(from as u32, 0xF900..=0xFAFF));
    }
    // All 214 Kangxi radicals have an equivalent.
    let kangxi = RADICALS
        .iter()
        .filter(|(f, _)| ('\u{2F00}'..='\u{2FD5}').contains(f))
        .count();
    assert_eq!(kangxi, 214);
}

#[test]
fn radicals_table_matches_data_file() {
    let Some(text) = read_ucd("EquivalentUnifiedIdeograph.txt") else {
        return;
    };
    let mut expected: Vec<(char, char)> = Vec::new();
    for line in text.lines() {
        let data = line.split('#').next().unwrap_or("");
        let Some((src, dst)) = data.split_once(';') else {
            continue;
        };
        let (lo, hi) = src.split_once("..").unwrap_or((src, src));
        let dst = char::from_u32(cp(dst)).unwrap();
        for c in cp(lo)..=cp(hi) {
            // CJK Radicals Supplement and Kangxi Radicals are adjacent blocks.
            if (0x2E80..=0x2FDF).contains(&c) {
                let from = char::from_u32(c).unwrap();
                let to = OVERRIDES
                    .iter()
                    .find(|(f, _)| *f == from)
                    .map_or(dst, |&(_, t)| t);
                expected.push((from, to));
            }
        }
    }
    expected.sort_unstable();
    assert_eq!(
        RADICALS,
        expected.as_slice(),
        "regenerate with the gen_radicals example"
    );
}

#[test]
fn compat_table_matches_data_file() {
    let Some(text) = read_ucd("UnicodeData.txt") else {
        return;
    };
    let mut expected: Vec<(char, char)> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(';').collect();
        if f.len() < 6 || f[5].is_empty() || f[5].starts_with('<') {
            continue;
        }
        let c = cp(f[0]);
        if (0xF900..=0xFAFF).contains(&c) {
            expected.push((
                char::from_u32(c).unwrap(),
                char::from_u32(cp(f[5])).unwrap(),
            ));
        }
    }
    assert_eq!(
        COMPAT_IDEOGRAPHS,
        expected.as_slice(),
        "regenerate with the gen_radicals example"
    );
}

#[test]
fn door_radical_is_simplified() {
    assert_eq!(normalize_char('⼾'), Some('户'));
    assert_eq!(normalize_char('\u{2F3E}'), Some('\u{6237}'));
}

/// `Normalized` skips lead bytes E4..E9 (U+4000..U+9FFF) without decoding;
/// that is only correct while no char there is changed by `normalize_char`.
#[test]
fn fast_path_range_is_untouched() {
    for c in ('\u{4000}'..='\u{9FFF}').chain('\u{0}'..='\u{7F}') {
        let want = if c == '\r' { '\n' } else { c };
        assert_eq!(normalize_char(c), Some(want));
    }
}
