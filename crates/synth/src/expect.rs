//! The answer key: which document findings a report implies.
//!
//! Derived from the format's own rules (spec §7), evaluated on the plan of the report
//! — the tables as printed, which sections have headings and bodies, what the prose
//! claims — not from any checker's code. Arithmetic follows the convention every
//! table check shares: an identity is checked only when every cell it adds up holds a
//! number, so a blank cell silences the identities it takes part in and is reported
//! once per row as a blank cell.
//!
//! Findings of kind "extraction" (inferred values, ambiguous rows) are not listed: they
//! depend on the reading, not on the document.

use gongkai_model::schema::{request_rows, Edition, RequestRowKey, SectionKind};

use crate::{Claim, Doc, SectionPlan, Tables};

/// Sorted rule names of the document findings of `doc`.
pub(crate) fn expected(doc: &Doc) -> Vec<&'static str> {
    let mut out = Vec::new();
    arithmetic(&doc.tables, &mut out);
    blanks(&doc.tables, &mut out);
    structure(doc, &mut out);
    prose(doc, &mut out);
    out.sort_unstable();
    out
}

fn row(t: &Tables, k: RequestRowKey) -> Option<[Option<i64>; 7]> {
    t.row(k).copied()
}

/// table3-column-balance, table3-row-total, table3-outcome-total, table4-group-total.
fn arithmetic(t: &Tables, out: &mut Vec<&'static str>) {
    use RequestRowKey::*;
    // 一 + 二 = （七） + 四, per column.
    let bal = [NewReceived, CarriedOver, TotalProcessed, CarriedForward].map(|k| row(t, k));
    for c in 0..7 {
        let v: Option<Vec<i64>> = bal.iter().map(|r| r.and_then(|r| r[c])).collect();
        if let Some(v) = v {
            if v[0] + v[1] != v[2] + v[3] {
                out.push("table3-column-balance");
            }
        }
    }
    // 总计 = Σ applicants, per row.
    for r in &t.requests {
        if let Some(v) = r.cells.iter().copied().collect::<Option<Vec<i64>>>() {
            if v[..6].iter().sum::<i64>() != v[6] {
                out.push("table3-row-total");
            }
        }
    }
    // （七） = Σ outcome rows of the printed layout, per column.
    let outcomes: Vec<Option<[Option<i64>; 7]>> = request_rows(t.splits_other_handling())
        .filter(|d| d.is_outcome)
        .map(|d| row(t, d.key))
        .collect();
    if let (Some(total), true) = (row(t, TotalProcessed), outcomes.iter().all(Option::is_some)) {
        for c in 0..7 {
            let parts: Option<i64> = outcomes.iter().map(|r| r.and_then(|r| r[c])).sum();
            if let (Some(sum), Some(tc)) = (parts, total[c]) {
                if sum != tc {
                    out.push("table3-outcome-total");
                }
            }
        }
    }
    // Table 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结, per group.
    if let Some(review) = &t.review {
        for g in review {
            if let Some(v) = g.iter().copied().collect::<Option<Vec<i64>>>() {
                if v[..4].iter().sum::<i64>() != v[4] {
                    out.push("table4-group-total");
                }
            }
        }
    }
}

/// blank-cell: one per table-三 row with a blank (the generator prints no other blanks).
fn blanks(t: &Tables, out: &mut Vec<&'static str>) {
    let rows_with_blank = t
        .requests
        .iter()
        .filter(|r| r.cells.iter().any(Option::is_none))
        .count();
    let all_blank = t
        .requests
        .iter()
        .all(|r| r.cells.iter().all(Option::is_none));
    if all_blank {
        out.push("blank-cell");
    } else {
        out.extend(std::iter::repeat_n("blank-cell", rows_with_blank));
    }
}

/// The body a reader finds under a section's heading: its own, plus the bodies of the
/// sections after it whose headings are missing (their text runs on).
fn effective_empty(sections: &[SectionPlan], i: usize) -> bool {
    let mut empty = sections[i].empty;
    for s in &sections[i + 1..] {
        if s.heading {
            break;
        }
        empty &= s.empty;
    }
    empty
}

/// missing-section, section-order, missing-table, empty-section, edition-mismatch,
/// fee-not-reported.
fn structure(doc: &Doc, out: &mut Vec<&'static str>) {
    let s = &doc.sections;
    let present: Vec<SectionKind> = s.iter().filter(|p| p.heading).map(|p| p.kind).collect();
    for kind in SectionKind::ALL {
        if !present.contains(&kind) {
            out.push("missing-section");
        }
    }
    if present.windows(2).any(|w| w[1] < w[0]) {
        out.push("section-order");
    }
    if doc.tables.review.is_none() {
        out.push("missing-table");
    }
    for (i, p) in s.iter().enumerate() {
        if p.heading
            && matches!(p.kind, SectionKind::Problems | SectionKind::Other)
            && effective_empty(s, i)
        {
            out.push("empty-section");
        }
    }
    let expected = Edition::expected_for_year(doc.year);
    if doc.tables.active_edition != expected {
        out.push("edition-mismatch");
    }
    if doc.tables.requests_edition() != expected {
        out.push("edition-mismatch");
    }
    // Section 六 must speak of fees when table 二 shows some. Its body says 费 unless
    // it is empty (the text of a section whose heading is missing runs on into it, but
    // only 五's prose could, and it never mentions fees).
    if let Some(i) = s
        .iter()
        .position(|p| p.kind == SectionKind::Other && p.heading)
    {
        let says_fee = !s[i].empty && doc.other_mentions_fee();
        if !says_fee && doc.fees_shown() {
            out.push("fee-not-reported");
        }
    }
}

/// prose-table-mismatch, year-mismatch: claims of section 一 (read only when its
/// heading is there; text before the first heading belongs to no section).
fn prose(doc: &Doc, out: &mut Vec<&'static str>) {
    let overview = doc
        .sections
        .iter()
        .any(|p| p.kind == SectionKind::Overview && p.heading && !p.empty);
    if !overview {
        return;
    }
    let t = &doc.tables;
    let total = |k: RequestRowKey| t.row(k).and_then(|r| r[6]);
    let new = total(RequestRowKey::NewReceived);
    let over = total(RequestRowKey::CarriedOver);
    let review = t
        .review
        .map(|g| (g[0][4], g[1][4].zip(g[2][4]).map(|(a, b)| a + b)));
    let mut seen: Vec<Claim> = Vec::new();
    for &claim in &doc.claims {
        let wrong = match claim {
            Claim::Received(n) => new.is_some_and(|a| a != n && over.is_none_or(|c| a + c != n)),
            Claim::NoneReceived => new.is_some_and(|a| a != 0),
            Claim::Review(n) => review.and_then(|r| r.0).is_some_and(|r| r != n),
            Claim::Litigation(n) => review.and_then(|r| r.1).is_some_and(|l| l != n),
            Claim::CarriedOver(n) => over.is_some_and(|c| c != n),
            Claim::CarriedForward(n) => {
                total(RequestRowKey::CarriedForward).is_some_and(|f| f != n)
            }
        };
        if wrong && !seen.contains(&claim) {
            seen.push(claim);
            out.push("prose-table-mismatch");
        }
    }
    if doc.opening_year.is_some_and(|y| y != doc.year) {
        out.push("year-mismatch");
    }
}
