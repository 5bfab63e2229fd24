//! Turning tokens into model cells.

use gongkai_model::schema::ValueKind;
use gongkai_model::{Cell, Location, Origin, Value};

use crate::source::SourceText;
use crate::tokens::{parse_number, Number, Tok, TokKind};

/// Shared by the table readers: the normalised text and where it came from.
pub struct Ctx<'a> {
    pub text: &'a str,
    pub source: &'a SourceText,
}

impl Ctx<'_> {
    pub fn loc(&self, tok: &Tok) -> Location {
        self.source.location(tok.span.clone())
    }
    pub fn loc_range(&self, r: std::ops::Range<usize>) -> Location {
        self.source.location(r)
    }

    /// The cell a value token holds, for a column of `kind`.
    pub fn cell(&self, tok: &Tok, kind: ValueKind) -> Cell {
        let location = Some(self.loc(tok));
        let s = tok.text(self.text);
        match tok.kind {
            TokKind::Empty => Cell::blank(location),
            TokKind::Blank => Cell {
                printed: (!s.trim().is_empty()).then(|| s.trim().to_string()),
                ..Cell::blank(location)
            },
            TokKind::Text => Cell {
                value: Some(Value::Invalid(s.to_string())),
                printed: Some(s.to_string()),
                origin: Origin::Printed,
                location,
            },
            TokKind::Num => {
                // Most cells: a count printed plainly ("0", "17"), shown as its value is;
                // no string is built for it.
                if matches!(kind, ValueKind::Count | ValueKind::SignedCount) && is_plain_count(s) {
                    if let Some(Number::Int(n)) = parse_number(s) {
                        return Cell {
                            printed: None,
                            value: Some(Value::Count(n)),
                            origin: Origin::Printed,
                            location,
                        };
                    }
                }
                let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                let value = match (parse_number(s), kind) {
                    (Some(Number::Int(n)), ValueKind::Count | ValueKind::SignedCount) => {
                        Value::Count(n)
                    }
                    (Some(Number::Int(n)), ValueKind::Amount) => {
                        // Keep the amount as printed, minus a note after it.
                        let _ = n;
                        Value::Amount(amount_text(&compact))
                    }
                    (Some(Number::Decimal(d)), ValueKind::Amount) => Value::Amount(d),
                    (Some(Number::Decimal(_)), _) | (None, _) => Value::Invalid(compact.clone()),
                };
                let shown = match &value {
                    Value::Count(n) => n.to_string(),
                    Value::Amount(a) | Value::Invalid(a) => a.clone(),
                };
                Cell {
                    printed: (shown != compact).then_some(compact),
                    value: Some(value),
                    origin: Origin::Printed,
                    location,
                }
            }
        }
    }
}

/// Digits only, without a leading zero (but "0"): how `i64`'s `to_string` prints a count.
fn is_plain_count(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b.iter().all(u8::is_ascii_digit) && (b[0] != b'0' || b.len() == 1)
}

/// An integer amount as printed without a trailing note: "22(其中…)" → "22".
fn amount_text(s: &str) -> String {
    let end = s.find(['(', '（', '件', '个']).unwrap_or(s.len());
    s[..end].to_string()
}

/// Drop empty cells at both ends of a row's values: they are merged-column artefacts
/// of tab layouts, not data (an interior empty cell is a blank).
pub fn trim_empty(vals: &[Tok]) -> &[Tok] {
    let start = vals
        .iter()
        .position(|t| t.kind != TokKind::Empty)
        .unwrap_or(vals.len());
    let end = vals
        .iter()
        .rposition(|t| t.kind != TokKind::Empty)
        .map_or(start, |i| i + 1);
    &vals[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cell of the only token of `text`, for a column of `kind`.
    fn cell_of(text: &str, kind: ValueKind) -> (Option<Value>, Option<String>) {
        let source = SourceText::new(text.to_string());
        let ctx = Ctx {
            text: source.normalized(),
            source: &source,
        };
        let tok = Tok {
            kind: TokKind::Num,
            span: 0..text.len(),
            line: 0,
        };
        let cell = ctx.cell(&tok, kind);
        (cell.value, cell.printed)
    }

    #[test]
    fn counts_keep_what_the_value_does_not_show() {
        use ValueKind::Count;
        assert_eq!(cell_of("17", Count), (Some(Value::Count(17)), None));
        assert_eq!(cell_of("0", Count), (Some(Value::Count(0)), None));
        assert_eq!(
            cell_of("007", Count),
            (Some(Value::Count(7)), Some("007".into()))
        );
        assert_eq!(
            cell_of("1,234", Count),
            (Some(Value::Count(1234)), Some("1,234".into()))
        );
        assert_eq!(
            cell_of("22(其中修订16件)", Count),
            (Some(Value::Count(22)), Some("22(其中修订16件)".into()))
        );
        // Past i64: printed as it stands, not a count.
        assert_eq!(
            cell_of("99999999999999999999", Count),
            (Some(Value::Invalid("99999999999999999999".into())), None)
        );
        assert_eq!(
            cell_of("12", ValueKind::Amount),
            (Some(Value::Amount("12".into())), None)
        );
    }
}
