//! What a rule gets besides the report: the locator and shared, lazily built views.

use std::cell::OnceCell;
use std::ops::Range;

use gongkai_model::schema::SectionKind;
use gongkai_model::{Cell, CellRef, Finding, Label, Locate, Location, Report, Section};

use crate::prose::Prose;
use crate::RuleInfo;

/// Shared context of one [`crate::check`] run.
pub struct Ctx<'a> {
    report: &'a Report,
    locate: Option<&'a dyn Locate>,
    prose: OnceCell<Vec<Prose<'a>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(report: &'a Report, locate: Option<&'a dyn Locate>) -> Ctx<'a> {
        Ctx {
            report,
            locate,
            prose: OnceCell::new(),
        }
    }

    /// The prose sections (every section but the three table sections 二/三/四), each
    /// with its whitespace-free view, in document order.
    pub(crate) fn prose(&self) -> &[Prose<'a>] {
        self.prose.get_or_init(|| {
            self.report
                .sections
                .iter()
                .filter(|s| is_prose(s.kind))
                .map(Prose::new)
                .collect()
        })
    }

    /// The source location of a byte range of a section's body.
    pub(crate) fn locate_body(&self, section: &Section, body: Range<usize>) -> Option<Location> {
        let l = self.locate?;
        let start = section.body_offset.checked_add(body.start)?;
        let end = section.body_offset.checked_add(body.end)?;
        l.locate(start..end)
    }
}

/// Sections whose bodies are prose (not one of the three tables).
pub(crate) fn is_prose(kind: SectionKind) -> bool {
    !matches!(
        kind,
        SectionKind::ActiveDisclosure | SectionKind::Requests | SectionKind::ReviewLitigation
    )
}

/// A finding of `info` with `message`, no labels and no notes yet.
pub(crate) fn finding(info: &RuleInfo, message: String) -> Finding {
    Finding {
        code: info.code.to_string(),
        name: info.name.to_string(),
        kind: info.kind,
        severity: info.severity,
        message,
        labels: Vec::new(),
        notes: Vec::new(),
    }
}

/// A label on a table cell.
pub(crate) fn cell_label(r: CellRef, cell: &Cell, message: String) -> Label {
    Label {
        location: cell.location.clone(),
        message,
        cell: Some(r),
    }
}

/// A label on a place that is not a cell.
pub(crate) fn place_label(location: Option<Location>, message: String) -> Label {
    Label {
        location,
        message,
        cell: None,
    }
}
