//! Many reports at once: the corpus layer between the single-report pipeline and the
//! database.
//!
//! - [`ingest`]: files and folders → parsed, checked reports in the [`gongkai_store`]
//!   database, in parallel, skipping bytes already stored.
//! - [`cross`]: the rules across reports (Y001 carry-over, Y002 stock, Y003 copied text)
//!   over the whole corpus.
//! - [`compare`], [`consolidate`], [`summary`]: two reports side by side, a set of reports
//!   summed into one, and coverage, metrics and rankings.
//! - [`evidence`]: undecided table-二 rows decided by other copies of a report or its
//!   adjacent years.
//! - [`mapping`]: the user's corrections to agency names, regions and levels.
//! - [`resolve`]: a report named on the command line: a file, `#id`, `机关名称:年度`.
//! - [`published`]: signature dates and the statutory deadlines.
//! - [`coverage`]: who must report in a region and year, against what the corpus holds.
//! - [`export`]: stored reports written out as CSV, XLSX or JSON Lines.

pub mod answers;
pub mod compare;
pub mod consolidate;
pub mod coverage;
pub mod cross;
pub mod evidence;
pub mod export;
pub mod ingest;
pub mod mapping;
pub mod published;
pub mod resolve;
pub mod summary;
pub mod workers;

// Each file is read by the pipeline crate; its metadata types are the ingest options'.
pub use gongkai_pipeline::{parse_loaded, Manifest, ManifestError, Metadata, MetadataSource};
pub use ingest::{
    check_inputs, discover, ingest, ingest_named, CheckInputs, Discovered, FileOutcome,
    IngestOptions, IngestSummary, NamedFile, Progress,
};
pub use mapping::Mapping;
