//! The enums the database keeps in text columns, each with the one word it is stored as
//! ([`StoredEnum`]). Values are written through [`StoredEnum::as_str`] (an enum is a
//! parameter like any other: `Val::from(format)`) and read back through
//! [`StoredEnum::parse`]: a stored word that no variant has is an error naming it
//! ([`crate::ColumnProblem::Unknown`]).
//!
//! Where the enum's crate already names its variants (`ReadingStatus::as_str`,
//! `Level::as_zh`, `BodyKind::key` …) those names are the stored words; the others'
//! words are defined here, once, and are their serde names (a test holds them to it),
//! which is what databases written before these enums hold.

use gongkai_gazetteer::{BodyKind, PlaceStatus};
use gongkai_model::agency::Level;
use gongkai_model::schema::{Edition, SectionKind};
use gongkai_model::{FindingKind, Origin, ReadingStatus, Severity, SourceFormat};

use crate::conn::Val;

/// An enum kept in a text column: one fixed word per variant.
pub trait StoredEnum: Copy + 'static {
    /// What the values are, named in the error for a word that is none of them.
    const WHAT: &'static str;
    /// The word stored for this value.
    fn as_str(self) -> &'static str;
    /// The value stored as `word`; `None` for a word no variant is stored as.
    fn parse(word: &str) -> Option<Self>;
}

impl<T: StoredEnum> From<T> for Val {
    fn from(v: T) -> Val {
        Val::Text(v.as_str().to_string())
    }
}

/// Implements [`StoredEnum`] from one list of variants and words: `as_str` is a match
/// over every variant, so a variant added to the enum without a word does not compile.
macro_rules! stored_words {
    ($ty:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl StoredEnum for $ty {
            const WHAT: &'static str = $what;
            fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $word,)+
                }
            }
            fn parse(word: &str) -> Option<$ty> {
                match word {
                    $($word => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

stored_words!(SourceFormat, "来源格式", {
    Text => "text",
    Markdown => "markdown",
    Pdf => "pdf",
    Docx => "docx",
    Html => "html",
    Image => "image",
});

stored_words!(SectionKind, "章节类别", {
    Overview => "overview",
    ActiveDisclosure => "active_disclosure",
    Requests => "requests",
    ReviewLitigation => "review_litigation",
    Problems => "problems",
    Other => "other",
});

stored_words!(Origin, "单元格来源", {
    Printed => "printed",
    Inferred => "inferred",
    NotFound => "not_found",
});

stored_words!(FindingKind, "问题类别", {
    Document => "document",
    Extraction => "extraction",
});

/// The variants of an enum whose words its own crate defines, for [`StoredEnum::parse`].
fn find<T: StoredEnum>(all: &[T], word: &str) -> Option<T> {
    all.iter().copied().find(|v| v.as_str() == word)
}

impl StoredEnum for ReadingStatus {
    const WHAT: &'static str = "读取状态";
    fn as_str(self) -> &'static str {
        ReadingStatus::as_str(self)
    }
    fn parse(word: &str) -> Option<ReadingStatus> {
        find(
            &[
                ReadingStatus::Whole,
                ReadingStatus::WithDoubts,
                ReadingStatus::Partial,
            ],
            word,
        )
    }
}

impl StoredEnum for Edition {
    const WHAT: &'static str = "表格版本";
    fn as_str(self) -> &'static str {
        Edition::as_str(self)
    }
    fn parse(word: &str) -> Option<Edition> {
        Edition::parse(word)
    }
}

impl StoredEnum for Severity {
    const WHAT: &'static str = "严重程度";
    fn as_str(self) -> &'static str {
        Severity::as_str(self)
    }
    fn parse(word: &str) -> Option<Severity> {
        find(&[Severity::Info, Severity::Warning, Severity::Error], word)
    }
}

/// Stored in Chinese (省, 市 …), as mapping files give it.
impl StoredEnum for Level {
    const WHAT: &'static str = "级别";
    fn as_str(self) -> &'static str {
        self.as_zh()
    }
    fn parse(word: &str) -> Option<Level> {
        Level::from_zh(word)
    }
}

impl StoredEnum for BodyKind {
    const WHAT: &'static str = "机关类别";
    fn as_str(self) -> &'static str {
        self.key()
    }
    fn parse(word: &str) -> Option<BodyKind> {
        BodyKind::from_key(word)
    }
}

impl StoredEnum for PlaceStatus {
    const WHAT: &'static str = "定位状态";
    fn as_str(self) -> &'static str {
        self.key()
    }
    fn parse(word: &str) -> Option<PlaceStatus> {
        PlaceStatus::from_key(word)
    }
}

/// Where an agency's place came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// From the gazetteer: the name, and the report's text or folders where the name
    /// alone was ambiguous ([`gongkai_gazetteer::place_agency`]).
    Inferred,
    /// Given by the user's mapping file; never overwritten by an inference.
    Mapping,
}

stored_words!(Placement, "定位来源", {
    Inferred => "inferred",
    Mapping => "mapping",
});

/// Which findings a finding is among: those of one report, or those of the cross-report
/// rules (recomputed over the whole corpus after every ingest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FindingScope {
    Report,
    Corpus,
}

stored_words!(FindingScope, "问题范围", {
    Report => "report",
    Corpus => "corpus",
});

/// What became of a file: stored as (a source of) a report, or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileStatus {
    Stored,
    Failed,
}

stored_words!(FileStatus, "文件状态", {
    Stored => "stored",
    Failed => "failed",
});

/// Why a file (or a folder) gave no report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureKind {
    /// The path could not be opened or listed (permission, a broken link, a loop).
    Unreadable,
    /// A FIFO, a device, a socket: never read.
    NotRegularFile,
    TooLarge,
    /// Cut off before its end (a PDF without its trailer, a zip without its directory,
    /// a page that stops mid-table): never a report, never a version.
    Incomplete,
    /// Read but not as a report: encrypted, scanned, damaged, an old format.
    Unsupported,
    /// Reading took longer than the limit per file (or its reader failed inside).
    TimedOut,
    /// Binary, empty, or text that is not an annual report.
    NotAReport,
}

stored_words!(FailureKind, "失败类别", {
    Unreadable => "unreadable",
    NotRegularFile => "not_regular_file",
    TooLarge => "too_large",
    Incomplete => "incomplete",
    Unsupported => "unsupported",
    TimedOut => "timed_out",
    NotAReport => "not_a_report",
});

impl FailureKind {
    pub const ALL: [FailureKind; 7] = [
        FailureKind::Unreadable,
        FailureKind::NotRegularFile,
        FailureKind::TooLarge,
        FailureKind::Incomplete,
        FailureKind::Unsupported,
        FailureKind::TimedOut,
        FailureKind::NotAReport,
    ];
    /// The stored word, also the kind's name in JSON output.
    pub fn as_str(self) -> &'static str {
        StoredEnum::as_str(self)
    }
    pub fn parse(word: &str) -> Option<FailureKind> {
        StoredEnum::parse(word)
    }
    pub fn display_zh(self) -> &'static str {
        match self {
            FailureKind::Unreadable => "无法读取",
            FailureKind::NotRegularFile => "不是普通文件",
            FailureKind::TooLarge => "文件过大",
            FailureKind::Incomplete => "文件不完整",
            FailureKind::Unsupported => "无法解析",
            FailureKind::TimedOut => "读取超时",
            FailureKind::NotAReport => "不是报告",
        }
    }
}

impl StoredEnum for gongkai_model::access::Role {
    const WHAT: &'static str = "用户角色";
    fn as_str(self) -> &'static str {
        self.key()
    }
    fn parse(word: &str) -> Option<Self> {
        Self::from_key(word)
    }
}

impl StoredEnum for gongkai_model::access::Verdict {
    const WHAT: &'static str = "审核结论";
    fn as_str(self) -> &'static str {
        self.key()
    }
    fn parse(word: &str) -> Option<Self> {
        Self::from_key(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: StoredEnum + PartialEq + std::fmt::Debug>(all: &[T]) {
        for &v in all {
            assert_eq!(T::parse(v.as_str()), Some(v));
        }
        assert_eq!(T::parse("no-such-word"), None);
    }

    /// The words are the serde names: what databases written before these enums hold.
    fn serde_names<T: StoredEnum + serde::Serialize>(all: &[T]) {
        for v in all {
            assert_eq!(
                serde_json::to_value(v).unwrap(),
                serde_json::Value::String(v.as_str().to_string())
            );
        }
    }

    #[test]
    fn every_word_reads_back_as_its_value() {
        use SourceFormat::*;
        let formats = [Text, Markdown, Pdf, Docx, Html];
        round_trip(&formats);
        serde_names(&formats);
        round_trip(&SectionKind::ALL);
        serde_names(&SectionKind::ALL);
        let origins = [Origin::Printed, Origin::Inferred, Origin::NotFound];
        round_trip(&origins);
        serde_names(&origins);
        let kinds = [FindingKind::Document, FindingKind::Extraction];
        round_trip(&kinds);
        serde_names(&kinds);
        let readings = [
            ReadingStatus::Whole,
            ReadingStatus::WithDoubts,
            ReadingStatus::Partial,
        ];
        round_trip(&readings);
        serde_names(&readings);
        let editions = [Edition::E2021, Edition::E2019, Edition::Legacy];
        round_trip(&editions);
        serde_names(&editions);
        let severities = [Severity::Info, Severity::Warning, Severity::Error];
        round_trip(&severities);
        serde_names(&severities);
        round_trip(&Level::ALL);
        round_trip(&BodyKind::ALL);
        round_trip(&[
            PlaceStatus::Resolved,
            PlaceStatus::Ambiguous,
            PlaceStatus::Unresolved,
        ]);
        round_trip(&[Placement::Inferred, Placement::Mapping]);
        round_trip(&[FindingScope::Report, FindingScope::Corpus]);
        round_trip(&[FileStatus::Stored, FileStatus::Failed]);
        round_trip(&FailureKind::ALL);
    }
}
