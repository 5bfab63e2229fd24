//! Text normalisation for government-information-disclosure annual reports.
//!
//! Text extracted from real reports (PDF, Word, HTML) is full of look-alike
//! characters that break exact matching: Kangxi radicals in place of
//! ideographs (`⼀、总体情况`), full-width digits and brackets, exotic spaces,
//! zero-width characters, Word bookmark artefacts and page-number lines.
//! [`Normalized`] folds all of that away for the matchers while keeping a map
//! back to the original bytes, so that a diagnostic can still point at (and
//! underline) exactly what the user's file contains. [`LineIndex`] turns those
//! original byte offsets into line/column positions.
//!
//! ```
//! use gongkai_text::{LineIndex, Normalized};
//!
//! let original = "⼀、总体情况\r\n- 1 -\r\n本年收到申请１２件（含）";
//! let n = Normalized::new(original);
//! assert_eq!(n.text, "一、总体情况\n本年收到申请12件(含)");
//!
//! // A matcher found "12" in the normalised text ...
//! let at = n.text.find("12").unwrap();
//! // ... and the diagnostic shows what the file really says, and where.
//! let r = n.original_range(at..at + 2);
//! assert_eq!(&original[r.clone()], "１２");
//! assert_eq!(LineIndex::new(original).line_col(r.start), (3, 7));
//! ```

mod chars;
mod compat_table;
mod line_index;
mod normalized;
mod page;
mod radicals_table;

pub use chars::normalize_char;
pub use line_index::LineIndex;
pub use normalized::Normalized;
pub use page::{inline_page_marks, is_page_number_line, trailing_page_mark};

#[cfg(test)]
mod table_tests;
