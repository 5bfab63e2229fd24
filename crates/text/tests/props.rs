//! Property tests: `Normalized` never panics and its map is always sound.

use gongkai_text::{normalize_char, LineIndex, Normalized};
use proptest::prelude::*;

/// Strings biased towards the characters the normaliser treats specially.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("[bookmark: _GoBack]".to_string()),
        Just("[bookmark:".to_string()),
        Just("- 3 -".to_string()),
        Just("第3页".to_string()),
        Just("3/10".to_string()),
        Just(" ".to_string()),
        "[\u{2E80}-\u{2FDF}]",
        "[\u{F900}-\u{FAFF}]",
        "[\u{FF00}-\u{FF60}]",
        "[\u{2000}-\u{2060}\u{A0}\u{AD}\u{3000}\u{FEFF}]",
        "[\u{4E00}-\u{4E20}、。（）—-]",
        "[a-z0-9\\[\\]:/ \t]",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn check(original: &str) -> Result<(), TestCaseError> {
    let n = Normalized::new(original);
    let text = &n.text;
    prop_assert!(!text.contains('\r'));
    let mut prev = 0;
    for (i, c) in text.char_indices() {
        let o = n.original_offset(i);
        prop_assert!(o < original.len(), "offset {} out of bounds", o);
        prop_assert!(
            original.is_char_boundary(o),
            "offset {} not a char boundary",
            o
        );
        prop_assert!(o >= prev, "offsets decrease: {} after {}", o, prev);
        prev = o;
        // The original char there folds to the normalised char, or a page number
        // inside a line starts there and became one space.
        let oc = original[o..].chars().next().unwrap();
        if c == ' ' && normalize_char(oc) != Some(' ') {
            let r = n.original_range(i..i + 1);
            // Normalised alone, the range is a page-number line (dropped whole).
            prop_assert!(
                Normalized::new(&original[r.clone()]).text.is_empty(),
                "a space stands for {:?}, not a page number",
                &original[r]
            );
            continue;
        }
        prop_assert_eq!(normalize_char(oc), Some(c), "at norm {} orig {}", i, o);
        // A one-char range maps to exactly that original char (or \r\n).
        let r = n.original_range(i..i + c.len_utf8());
        prop_assert_eq!(r.start, o);
        let expected_len = if original[o..].starts_with("\r\n") {
            2
        } else {
            oc.len_utf8()
        };
        prop_assert_eq!(r.len(), expected_len);
    }
    let end = n.original_offset(text.len());
    prop_assert!(end >= prev && end <= original.len() && original.is_char_boundary(end));
    let r = n.original_range(0..text.len());
    prop_assert!(r.start <= r.end && r.end <= original.len());
    prop_assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
    // Arbitrary (even nonsensical) ranges never panic and stay in bounds.
    for (a, b) in [
        (0, 1),
        (1, 0),
        (text.len(), text.len() + 5),
        (usize::MAX, 0),
        (0, usize::MAX),
    ] {
        let r = n.original_range(a..b);
        prop_assert!(r.start <= r.end && r.end <= original.len());
    }
    // Normalising is idempotent.
    prop_assert_eq!(&Normalized::new(text).text, text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn map_is_sound_any(s in any::<String>()) {
        check(&s)?;
    }

    #[test]
    fn map_is_sound_tricky(s in tricky()) {
        check(&s)?;
    }

    #[test]
    fn line_index_never_panics(s in tricky(), b in any::<usize>(), l in any::<u32>()) {
        let ix = LineIndex::new(&s);
        let (line, col) = ix.line_col(b % (s.len() + 2));
        prop_assert!(line >= 1 && line <= ix.line_count() && col >= 1);
        let r = ix.line_range(l % (ix.line_count() + 2));
        prop_assert!(r.start <= r.end && r.end <= s.len());
        prop_assert!(!s[r].contains('\n'));
    }
}
