//! The one table of rules: each rule's description next to the function that runs it.

use gongkai_model::{Finding, Report};

use crate::rules::{arith, body, corpus, doubts, structure, values};
use crate::{Ctx, RuleInfo};

/// A single-report rule: appends its findings for `report`.
pub(crate) type CheckFn = fn(&Report, &Ctx, &mut Vec<Finding>);

pub(crate) struct Rule {
    pub info: &'static RuleInfo,
    /// `None` for rules that run elsewhere (corpus scope).
    pub check: Option<CheckFn>,
}

/// Every rule, in code order.
#[rustfmt::skip]
pub(crate) static REGISTRY: &[Rule] = &[
    // Arithmetic of the tables.
    Rule { info: &arith::A101, check: Some(arith::table3_column_balance) },
    Rule { info: &arith::A102, check: Some(arith::table3_row_total) },
    Rule { info: &arith::A103, check: Some(arith::table3_outcome_total) },
    Rule { info: &arith::A201, check: Some(arith::table4_group_total) },
    // Body text.
    Rule { info: &body::B001, check: Some(body::prose_table_mismatch) },
    Rule { info: &body::B002, check: Some(body::fee_not_reported) },
    Rule { info: &body::B003, check: Some(body::year_mismatch) },
    // Structure.
    Rule { info: &structure::S001, check: Some(structure::missing_section) },
    Rule { info: &structure::S002, check: Some(structure::section_order) },
    Rule { info: &structure::S003, check: Some(structure::missing_table) },
    Rule { info: &structure::S004, check: Some(structure::empty_section) },
    Rule { info: &structure::S005, check: Some(structure::edition_mismatch) },
    Rule { info: &structure::S006, check: Some(structure::legacy_format) },
    // Values.
    Rule { info: &values::V001, check: Some(values::blank_cell) },
    Rule { info: &values::V002, check: Some(values::invalid_number) },
    // Extraction doubts raised by the parser.
    Rule { info: &doubts::X001, check: Some(doubts::inferred_value) },
    Rule { info: &doubts::X002, check: Some(doubts::unrecognised_row) },
    Rule { info: &doubts::X003, check: Some(doubts::ambiguous_row) },
    Rule { info: &doubts::X004, check: Some(doubts::row_not_found) },
    Rule { info: &doubts::X005, check: Some(doubts::placed_by_layout) },
    Rule { info: &doubts::X006, check: Some(doubts::run_together_cells) },
    Rule { info: &doubts::X007, check: Some(doubts::unread_part) },
    Rule { info: &doubts::X008, check: Some(doubts::uncertain_metadata) },
    Rule { info: &doubts::X009, check: Some(doubts::invalid_bytes) },
    Rule { info: &doubts::X010, check: Some(doubts::ocr_uncertain) },
    // Across reports (implemented by the corpus tools).
    Rule { info: &corpus::Y001, check: None },
    Rule { info: &corpus::Y002, check: None },
    Rule { info: &corpus::Y003, check: None },
];
