//! The data model of gongkai: what a 政府信息公开工作年度报告 is, as plain data.
//!
//! Every layer of the pipeline (ingest → parse → check → outputs) passes these
//! types along. The crate does no I/O: it only defines the report, its three
//! statistical tables with the provenance of every cell, the findings a check
//! produces, and the canonical JSON of `spec/annual-report.md` §6.
//!
//! Two rules shape the types:
//! - **Blank is not zero.** Every cell is optional; a blank cell is `None`, never `0`.
//! - **Document errors and reading doubts are different things.** A [`Finding`] has a
//!   [`FindingKind`]: `Document` (the report as published is wrong) or `Extraction`
//!   (we are not sure we read it right). Inferred cells are marked [`Origin::Inferred`].

pub mod access;
pub mod agency;
mod canonical;
pub mod date;
pub mod document;
mod finding;
pub mod identity;
pub mod metrics;
mod report;
pub mod schema;
pub mod year_facts;

pub use canonical::{canonical_json, CanonicalError, CanonicalOptions, CanonicalTables};
pub use document::{Block, Document, Grid, GridCell, Piece, Span};
pub use finding::{CellRef, Finding, FindingKind, Label, Severity};
pub use report::*;
