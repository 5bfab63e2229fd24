//! The ledger an agency keeps all year — its disclosure requests, the reconsideration
//! and litigation cases about them, the register of the documents and decisions table
//! 二 counts — and the annual report's three tables computed from it. Each table cell
//! keeps the requests (or cases, documents) behind it, so that a reviewer can drill
//! down; a request is in exactly one outcome row, and the same ledger always gives the
//! same tables.
//!
//! No I/O: the corpus database stores a ledger, the CLI and the workspace edit it.

pub mod change;
pub mod fees;
pub mod model;
pub mod sample;
pub mod tables;
pub mod worklist;

pub use change::LedgerChange;
pub use fees::{page_fee, request_fee, FeeComputation, FeeMethod};
pub use model::{
    Applicant, ApplicantKind, Case, CaseKind, CaseResult, Closure, DecisionCount, DecisionKind,
    DocKind, Ledger, LedgerProblem, Outcome, RegisterDoc, ReportText, Request,
};
pub use tables::{compute, Behind, YearTables};
pub use worklist::{worklist, Standing, WorkItem};
