//! Tidy long CSV: one row per table cell.

use std::io::Write;
use std::path::Path;

use crate::{cell_text, create_file, origin_key, ExportError, ExportReport};

/// Which header row the long CSV gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvHeaders {
    /// [`CSV_LONG_HEADER_ZH`]: for the people who open the file in Excel or WPS.
    Chinese,
    /// [`CSV_LONG_HEADER`]: the stable snake_case keys, for scripts.
    English,
}

impl CsvHeaders {
    pub fn names(self) -> &'static [&'static str; 17] {
        match self {
            CsvHeaders::Chinese => &CSV_LONG_HEADER_ZH,
            CsvHeaders::English => &CSV_LONG_HEADER,
        }
    }
}

/// The Chinese header of the long CSV, column for column the same as [`CSV_LONG_HEADER`].
pub const CSV_LONG_HEADER_ZH: [&str; 17] = [
    "编号",
    "机关",
    "地区",
    "层级",
    "年度",
    "版本号",
    "来源",
    "网址",
    "表",
    "行代码",
    "行",
    "列代码",
    "列",
    "值",
    "空白",
    "由来",
    "读取状态",
];

/// The English header of the long CSV, in column order.
///
/// Column names are the stable snake_case keys (like the JSON keys) so that scripts can
/// rely on them; the Chinese labels of each cell's row and column are in `row_label` and
/// `column_label`.
pub const CSV_LONG_HEADER: [&str; 17] = [
    "id",
    "agency",
    "region",
    "level",
    "year",
    "version",
    "source",
    "url",
    "table",
    "row",
    "row_label",
    "column",
    "column_label",
    "value",
    "blank",
    "origin",
    "reading",
];

/// UTF-8 byte order mark. Excel and WPS read a CSV without it in the system code page
/// (GBK on Chinese Windows) and garble every Chinese character; with it they read UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A streaming writer of the long CSV, for exports too large to hold in memory.
///
/// Writes the BOM and the header on creation, then one row per cell for every report given
/// to [`CsvLongWriter::write_report`]. Rows end with `\n`; fields are quoted only when needed.
pub struct CsvLongWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvLongWriter<W> {
    pub fn new(mut out: W, headers: CsvHeaders) -> Result<Self, ExportError> {
        out.write_all(BOM)?;
        let mut inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        inner.write_record(headers.names())?;
        Ok(CsvLongWriter { inner })
    }

    /// One row per cell of the report's three tables, in the order of the canonical JSON
    /// (table 二, 三, 四; rows as the report holds them; columns in the format's order).
    /// A table the report lacks (legacy layout) has no rows; rows a province added to the
    /// format are not part of the canonical tables and are not written.
    pub fn write_report(&mut self, r: &ExportReport<'_>) -> Result<(), ExportError> {
        let id = r.id.to_string();
        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        let version = r.version.to_string();
        for c in r.report.keyed_cells() {
            let value = cell_text(c.cell);
            self.inner.write_record([
                id.as_str(),
                r.agency,
                r.region,
                r.level,
                year.as_str(),
                version.as_str(),
                r.source,
                r.report.url.as_deref().unwrap_or(""),
                c.table,
                c.row,
                c.row_label,
                c.column,
                c.column_label,
                value.as_deref().unwrap_or(""),
                if value.is_none() { "true" } else { "false" },
                origin_key(c.cell.origin),
                r.report.reading.as_str(),
            ])?;
        }
        Ok(())
    }

    /// Flush and give back the underlying writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.inner
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))
    }
}

/// Write the tidy long CSV of `reports`: one row per table cell.
///
/// Encoding: UTF-8 **with a BOM**, so that Excel and WPS open the Chinese text correctly
/// (without it they assume GBK). Most CSV readers skip the BOM; in pandas use
/// `encoding="utf-8-sig"`, in R `readr::read_csv` handles it.
///
/// Columns: see [`CSV_LONG_HEADER`] (or, with [`CsvHeaders::Chinese`], the same columns
/// named as in [`CSV_LONG_HEADER_ZH`]; the values are the same either way). `url` is where the report was published (empty when
/// not known). `table` is `active_disclosure`, `requests` or
/// `review_litigation`; `row` and `column` are the canonical keys of spec §6 (for table 四,
/// `row` is the group: `review`, `litigation_direct`, `litigation_after_review`). `value` is
/// written as in the canonical JSON: the integer, or an amount exactly as printed
/// ("12372.0506", "12.5万元"); empty for a blank cell, which also has `blank` = `true` —
/// never `0`. `origin` is `printed`, `inferred` (completed from the table's arithmetic) or
/// `not_found` (the row or table was not found in the document).
pub fn write_csv_long(
    out: &mut dyn Write,
    reports: &[ExportReport<'_>],
    headers: CsvHeaders,
) -> Result<(), ExportError> {
    let mut w = CsvLongWriter::new(out, headers)?;
    for r in reports {
        w.write_report(r)?;
    }
    w.finish()?;
    Ok(())
}

/// [`write_csv_long`] to a file (created or truncated).
pub fn write_csv_long_path(
    path: &Path,
    reports: &[ExportReport<'_>],
    headers: CsvHeaders,
) -> Result<(), ExportError> {
    let mut f = create_file(path)?;
    write_csv_long(&mut f, reports, headers)?;
    f.flush().map_err(|source| ExportError::File {
        path: path.to_path_buf(),
        source,
    })
}
