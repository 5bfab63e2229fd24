//! A number's readings weighed: which of the engine's readings of a cell stands, with
//! what confidence, and which other reading is kept beside it. Pure functions of the
//! readings, so every rule is tested without the engine.

use crate::{below_doubt_line, LOW_CONFIDENCE, NO_READING, SURE};

/// The units a cell prints after its number, longest first.
const UNITS: [&str; 2] = ["万元", "元"];

/// A number as decided from its two readings.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Decided {
    pub text: String,
    pub confidence: f32,
    pub alternative: Option<(String, f32)>,
}

/// Which reading of a number stands: the text reading (when it read a number) and the
/// digits-only reading. Agreeing, the higher confidence; disagreeing, the higher
/// confidence stands and the other is kept as the alternative; one reading only, that
/// one; neither, nothing (the ink is unread, which the caller reports).
pub(crate) fn decide(first: Option<(String, f32)>, second: (String, f32)) -> Decided {
    let (second, c2) = second;
    // The digits-only model scores what it could not read near zero: no reading.
    let (second, c2) = if c2 < NO_READING {
        (String::new(), 0.0)
    } else {
        (second, c2)
    };
    match first {
        Some((text, c1)) => {
            let digits = digits_of(&text);
            if digits == second {
                Decided {
                    text,
                    confidence: c1.max(c2),
                    alternative: None,
                }
            } else if second.is_empty() {
                // Read by one pass only: a digit lost under a seal or in noise reads
                // the same way, so this is never taken on trust.
                Decided {
                    text,
                    confidence: below_doubt_line(c1),
                    alternative: None,
                }
            } else if c1 >= c2 {
                Decided {
                    text,
                    confidence: c1,
                    alternative: Some((second, c2)),
                }
            } else {
                Decided {
                    text: replace_digits(&text, &second),
                    confidence: c2,
                    alternative: Some((text, c1)),
                }
            }
        }
        None => Decided {
            text: second,
            confidence: c2,
            alternative: None,
        },
    }
}

/// A decision revised by a third reading of the number. The third settles which of
/// two disagreeing readings stands when it agrees with one; it gives a reading to ink
/// the first two could not read; it replaces a reading made with little confidence
/// when it is sure. Whatever it decides stays in doubt: the other readings are kept
/// beside it, and a reading it gives alone is never taken on trust.
pub(crate) fn with_third(d: Decided, third: (String, f32)) -> Decided {
    let (text, confidence) = third;
    let digits = digits_of(&text);
    if confidence < NO_READING || digits.is_empty() || digits == digits_of(&d.text) {
        return d;
    }
    if d.text.is_empty() {
        return Decided {
            text,
            confidence: below_doubt_line(confidence),
            alternative: d.alternative,
        };
    }
    let agrees_with_alternative = d
        .alternative
        .as_ref()
        .is_some_and(|(alt, _)| digits_of(alt) == digits);
    if agrees_with_alternative || (d.confidence < LOW_CONFIDENCE && confidence >= SURE) {
        // Of two readings with the same digits, the one that saw the decimal point
        // (the digits-only pass cannot).
        let replaced = match d.alternative.clone() {
            Some((alternative, _))
                if agrees_with_alternative
                    && (alternative.contains('.') || !text.contains('.')) =>
            {
                alternative
            }
            _ => text,
        };
        return Decided {
            text: replaced,
            confidence: below_doubt_line(confidence),
            alternative: Some((d.text, d.confidence)),
        };
    }
    Decided {
        alternative: d.alternative.or(Some((text, confidence))),
        ..d
    }
}

/// A cell's number as the document prints it: digits, a decimal point between digits,
/// a leading minus, the unit printed with it (元, 万元) after them; nothing the engine
/// added around them. The engine sometimes reads the unit between the last digits
/// ("75394432.5元2"): it is put after them, where a cell prints it.
pub(crate) fn number_text(read: &str) -> String {
    let mut out = number_digits(read);
    if !out.is_empty() {
        if let Some(unit) = UNITS.iter().find(|u| read.contains(*u)) {
            out.push_str(unit);
        }
    }
    out
}

fn number_digits(read: &str) -> String {
    let chars: Vec<char> = read.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let digit_before = chars[..i].iter().any(char::is_ascii_digit);
        let digit_after = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        match c {
            '0'..='9' => out.push(c),
            '.' if digit_before && digit_after => out.push(c),
            '-' if out.is_empty() && digit_after => out.push(c),
            _ => {}
        }
    }
    out
}

pub(crate) fn digits_of(t: &str) -> String {
    t.chars().filter(char::is_ascii_digit).collect()
}

/// `text` with its digits replaced by `digits`: the other characters, such as a
/// decimal point or a unit, kept where they are when the counts match; else the digits
/// with the unit the text read, if any.
pub(crate) fn replace_digits(text: &str, digits: &str) -> String {
    let n = text.chars().filter(char::is_ascii_digit).count();
    if n == digits.chars().count() {
        let mut d = digits.chars();
        text.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    d.next().unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    } else {
        // The digits reading stands whole: the text reading's other characters are
        // where it went wrong ("33H" for 351, "了85" for 135). A unit it read is kept
        // after the digits, where a cell prints it.
        let mut out = digits.to_string();
        if let Some(unit) = UNITS.iter().find(|u| text.contains(*u)) {
            out.push_str(unit);
        }
        out
    }
}

/// A decision weighed against the number read by its glyphs' shapes (learned from the
/// page). Agreeing with the reading that stands, nothing changes; agreeing with the
/// other reading, that one stands instead; where the engine read nothing, the shapes'
/// reading stands. It stays a doubt whichever way: the shapes only choose between
/// readings, or give one where there was none.
pub(crate) fn with_shapes(d: Decided, shapes: (String, f32)) -> Decided {
    let (text, confidence) = shapes;
    let digits = digits_of(&text);
    if digits.is_empty() || digits == digits_of(&d.text) {
        return d;
    }
    if digits_of(&d.text).is_empty() {
        return Decided {
            text,
            confidence: below_doubt_line(confidence),
            alternative: d.alternative,
        };
    }
    match d.alternative {
        Some((alternative, alternative_confidence)) if digits_of(&alternative) == digits => {
            Decided {
                text: alternative,
                confidence: below_doubt_line(alternative_confidence),
                alternative: Some((d.text, d.confidence)),
            }
        }
        alternative => Decided { alternative, ..d },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decided(text: &str, confidence: f32, alternative: Option<(&str, f32)>) -> Decided {
        Decided {
            text: text.into(),
            confidence,
            alternative: alternative.map(|(t, c)| (t.into(), c)),
        }
    }

    #[test]
    fn agreeing_readings_stand_with_the_higher_confidence() {
        assert_eq!(
            decide(Some(("21".into(), 70.0)), ("21".into(), 95.0)),
            decided("21", 95.0, None)
        );
    }

    #[test]
    fn the_surer_digits_reading_stands_whole_with_the_words_beside_it() {
        // "33H" for 351, "了85" for 135: the text reading's characters are its errors.
        assert_eq!(
            decide(Some(("33H".into(), 0.0)), ("351".into(), 84.0)),
            decided("351", 84.0, Some(("33H", 0.0)))
        );
        assert_eq!(
            decide(Some(("了85".into(), 26.0)), ("135".into(), 83.7)),
            decided("135", 83.7, Some(("了85", 26.0)))
        );
        // Same count: the point and the unit stay where the text reading saw them.
        assert_eq!(
            decide(Some(("9617.6元".into(), 40.0)), ("96176".into(), 90.0)).text,
            "9617.6元"
        );
        // Another count: the unit is kept after the digits.
        assert_eq!(
            decide(Some(("7539元".into(), 40.0)), ("75394".into(), 90.0)).text,
            "75394元"
        );
    }

    #[test]
    fn one_reading_alone_is_never_sure() {
        let d = decide(Some(("7".into(), 93.0)), (String::new(), 0.0));
        assert_eq!(d.text, "7");
        assert!(d.confidence < LOW_CONFIDENCE);
        // The digits model's near-zero scores are no reading.
        assert_eq!(decide(None, ("5".into(), 10.0)).text, "");
    }

    #[test]
    fn a_sure_third_reading_replaces_one_below_the_doubt_line() {
        let d = with_third(
            decided("906171.06", 52.0, Some(("961716", 0.0))),
            ("96171.6".into(), 92.0),
        );
        assert_eq!(d.text, "96171.6");
        assert!(d.confidence < LOW_CONFIDENCE);
        assert_eq!(d.alternative, Some(("906171.06".into(), 52.0)));
        let d = with_third(decided("906171.06", 52.0, None), ("96171.6".into(), 92.0));
        assert_eq!(d.text, "96171.6");
        // Above the doubt line, the reading stands and the third is kept beside it.
        let d = with_third(decided("351", 84.0, None), ("331".into(), 95.0));
        assert_eq!(d.text, "351");
        assert_eq!(d.alternative, Some(("331".into(), 95.0)));
    }

    #[test]
    fn a_third_reading_gives_lost_ink_a_value_in_doubt() {
        let d = with_third(decided("", 0.0, None), ("7".into(), 90.0));
        assert_eq!(d.text, "7");
        assert!(d.confidence < LOW_CONFIDENCE);
        // A reading scored as none gives nothing.
        assert_eq!(
            with_third(decided("", 0.0, None), ("7".into(), 5.0)).text,
            ""
        );
    }

    #[test]
    fn the_shapes_choose_between_readings_and_never_overrule_both() {
        // "21" read "2" by two passes and "21" by the digits pass: the shapes say 21.
        let d = with_shapes(decided("2", 59.0, Some(("21", 95.0))), ("21".into(), 97.0));
        assert_eq!(d.text, "21");
        assert!(d.confidence < LOW_CONFIDENCE);
        assert_eq!(d.alternative, Some(("2".into(), 59.0)));
        // Agreeing with the reading that stands: nothing changes.
        let same = decided("21", 59.0, Some(("2", 45.0)));
        assert_eq!(with_shapes(same.clone(), ("21".into(), 97.0)), same);
        // Against both readings: the engine's stand.
        let both = decided("331", 59.0, Some(("351", 55.0)));
        assert_eq!(with_shapes(both.clone(), ("381".into(), 90.0)), both);
        // Where nothing was read, the shapes' reading stands, in doubt.
        let d = with_shapes(decided("", 0.0, Some(("了", 89.0))), ("7".into(), 97.0));
        assert_eq!(d.text, "7");
        assert!(d.confidence < LOW_CONFIDENCE);
        assert_eq!(d.alternative, Some(("了".into(), 89.0)));
    }
}
