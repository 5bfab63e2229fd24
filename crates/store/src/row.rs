//! Query results read by column name. A row knows the names of its result's columns,
//! and a value is read as the type the store expects of it ([`FromVal`]): a column the
//! query did not select, a NULL where a value is required, a value of another type or a
//! word that no variant of an enum is stored as is an error naming the column
//! ([`StoreError::Column`]), never a silent default.
//!
//! The names are the ones the backends report: a column's own name (`r.year` is
//! `year`) or its alias. PostgreSQL lowers unquoted names and SQLite keeps them as
//! written, so every computed column (`COUNT(*)`, `MAX(version)`) is given a
//! lower-case alias.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use crate::conn::{Conn, Val};
use crate::enums::StoredEnum;
use crate::StoreError;

/// One row of a query's result.
#[derive(Debug)]
pub struct Row {
    /// The result's column names, shared by all its rows.
    columns: Arc<[String]>,
    values: Vec<Val>,
    /// The column after the last one read, compared first: rows are read in the order
    /// their columns were selected, so it is almost always the one asked for, where a
    /// search from the first column would compare half a wide row's names for every
    /// value read.
    next: Cell<usize>,
}

impl Row {
    pub(crate) fn new(columns: Arc<[String]>, values: Vec<Val>) -> Row {
        debug_assert_eq!(columns.len(), values.len());
        Row {
            columns,
            values,
            next: Cell::new(0),
        }
    }

    /// The value of `column`, read as a `T`.
    pub fn get<T: FromVal>(&self, column: &str) -> Result<T, StoreError> {
        let i = self.index(column)?;
        T::from_val(&self.values[i]).map_err(|problem| column_error(column, problem))
    }

    /// The value of `column` moved out of the row (which then holds NULL there): text
    /// and bytes without a copy.
    pub fn take<T: FromVal>(&mut self, column: &str) -> Result<T, StoreError> {
        let i = self.index(column)?;
        let v = std::mem::replace(&mut self.values[i], Val::Null);
        T::from_owned(v).map_err(|problem| column_error(column, problem))
    }

    fn index(&self, column: &str) -> Result<usize, StoreError> {
        let next = self.next.get();
        let found = if self.columns.get(next).is_some_and(|c| c == column) {
            Some(next)
        } else {
            self.columns.iter().position(|c| c == column)
        };
        match found {
            Some(i) => {
                self.next.set(i + 1);
                Ok(i)
            }
            None => Err(column_error(column, ColumnProblem::Missing)),
        }
    }
}

pub(crate) fn column_error(column: &str, problem: ColumnProblem) -> StoreError {
    StoreError::Column {
        column: column.to_string(),
        problem,
    }
}

/// Why a column's value cannot be read as what the store expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnProblem {
    /// The query selected no column of that name.
    Missing,
    /// NULL where a value is required.
    Null { expected: &'static str },
    /// A value of another type.
    Type {
        expected: &'static str,
        found: &'static str,
    },
    /// An integer outside the range of the type it is read as.
    OutOfRange { expected: &'static str, value: i64 },
    /// A word that no variant of the enum is stored as.
    Unknown { what: &'static str, value: String },
    /// The query returned no row to read the column from.
    NoRow,
}

impl fmt::Display for ColumnProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnProblem::Missing => write!(f, "查询结果中没有这一列"),
            ColumnProblem::Null { expected } => write!(f, "值为空（NULL），应为{expected}"),
            ColumnProblem::Type { expected, found } => write!(f, "应为{expected}，实为{found}"),
            ColumnProblem::OutOfRange { expected, value } => {
                write!(f, "{value} 超出{expected}的范围")
            }
            ColumnProblem::Unknown { what, value } => {
                write!(f, "「{value}」不是可识别的{what}")
            }
            ColumnProblem::NoRow => write!(f, "查询没有返回任何行"),
        }
    }
}

/// A type a column's value can be read as.
pub trait FromVal: Sized {
    /// What the value should be, named in errors ("整数", "来源格式").
    const EXPECTED: &'static str;

    fn from_val(v: &Val) -> Result<Self, ColumnProblem>;

    /// Reads a value the row gives up: text and bytes are moved, not copied.
    fn from_owned(v: Val) -> Result<Self, ColumnProblem> {
        Self::from_val(&v)
    }
}

/// The problem with `v`, which is not a `T`.
fn mismatch<T: FromVal>(v: &Val) -> ColumnProblem {
    match v {
        Val::Null => ColumnProblem::Null {
            expected: T::EXPECTED,
        },
        other => ColumnProblem::Type {
            expected: T::EXPECTED,
            found: other.type_name(),
        },
    }
}

impl FromVal for i64 {
    const EXPECTED: &'static str = "整数";
    fn from_val(v: &Val) -> Result<i64, ColumnProblem> {
        match v {
            Val::Int(n) => Ok(*n),
            other => Err(mismatch::<i64>(other)),
        }
    }
}

impl FromVal for i32 {
    const EXPECTED: &'static str = "32 位整数";
    fn from_val(v: &Val) -> Result<i32, ColumnProblem> {
        match v {
            Val::Int(n) => i32::try_from(*n).map_err(|_| ColumnProblem::OutOfRange {
                expected: Self::EXPECTED,
                value: *n,
            }),
            other => Err(mismatch::<i32>(other)),
        }
    }
}

impl FromVal for f64 {
    const EXPECTED: &'static str = "数值";
    fn from_val(v: &Val) -> Result<f64, ColumnProblem> {
        match v {
            Val::Real(f) => Ok(*f),
            // An integer is a number too: an expression over integers gives one.
            Val::Int(n) => Ok(*n as f64),
            other => Err(mismatch::<f64>(other)),
        }
    }
}

impl FromVal for bool {
    const EXPECTED: &'static str = "布尔值";
    fn from_val(v: &Val) -> Result<bool, ColumnProblem> {
        match v {
            Val::Bool(b) => Ok(*b),
            // SQLite has no boolean type: it stores TRUE and FALSE as 1 and 0.
            Val::Int(0) => Ok(false),
            Val::Int(1) => Ok(true),
            other => Err(mismatch::<bool>(other)),
        }
    }
}

impl FromVal for String {
    const EXPECTED: &'static str = "文本";
    fn from_val(v: &Val) -> Result<String, ColumnProblem> {
        match v {
            Val::Text(s) => Ok(s.clone()),
            other => Err(mismatch::<String>(other)),
        }
    }
    fn from_owned(v: Val) -> Result<String, ColumnProblem> {
        match v {
            Val::Text(s) => Ok(s),
            other => Err(mismatch::<String>(&other)),
        }
    }
}

impl FromVal for Vec<u8> {
    const EXPECTED: &'static str = "二进制数据";
    fn from_val(v: &Val) -> Result<Vec<u8>, ColumnProblem> {
        match v {
            Val::Bytes(b) => Ok(b.clone()),
            other => Err(mismatch::<Vec<u8>>(other)),
        }
    }
    fn from_owned(v: Val) -> Result<Vec<u8>, ColumnProblem> {
        match v {
            Val::Bytes(b) => Ok(b),
            other => Err(mismatch::<Vec<u8>>(&other)),
        }
    }
}

/// The value as the backend gave it, whatever its type.
impl FromVal for Val {
    const EXPECTED: &'static str = "任意值";
    fn from_val(v: &Val) -> Result<Val, ColumnProblem> {
        Ok(v.clone())
    }
    fn from_owned(v: Val) -> Result<Val, ColumnProblem> {
        Ok(v)
    }
}

/// NULL is `None`; any other value must be a `T`.
impl<T: FromVal> FromVal for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_val(v: &Val) -> Result<Option<T>, ColumnProblem> {
        match v {
            Val::Null => Ok(None),
            other => T::from_val(other).map(Some),
        }
    }
    fn from_owned(v: Val) -> Result<Option<T>, ColumnProblem> {
        match v {
            Val::Null => Ok(None),
            other => T::from_owned(other).map(Some),
        }
    }
}

impl<T: StoredEnum> FromVal for T {
    const EXPECTED: &'static str = T::WHAT;
    fn from_val(v: &Val) -> Result<T, ColumnProblem> {
        match v {
            Val::Text(s) => T::parse(s).ok_or_else(|| ColumnProblem::Unknown {
                what: T::WHAT,
                value: s.clone(),
            }),
            other => Err(mismatch::<T>(other)),
        }
    }
}

/// A type a whole row is read as.
pub(crate) trait FromRow: Sized {
    fn from_row(row: Row) -> Result<Self, StoreError>;
}

impl dyn Conn + '_ {
    /// The rows `sql` returns, each read as a `T`.
    pub(crate) fn query_as<T: FromRow>(
        &mut self,
        sql: &str,
        params: &[Val],
    ) -> Result<Vec<T>, StoreError> {
        self.query(sql, params)?
            .into_iter()
            .map(T::from_row)
            .collect()
    }

    /// The value of `column` in the first row `sql` returns (an aggregate, an id
    /// `RETURNING` from an insert); an error when it returns no row.
    pub(crate) fn query_value<T: FromVal>(
        &mut self,
        sql: &str,
        params: &[Val],
        column: &str,
    ) -> Result<T, StoreError> {
        match self.query(sql, params)?.first() {
            Some(row) => row.get(column),
            None => Err(column_error(column, ColumnProblem::NoRow)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::SourceFormat;

    fn row(pairs: &[(&str, Val)]) -> Row {
        Row::new(
            pairs.iter().map(|(c, _)| c.to_string()).collect(),
            pairs.iter().map(|(_, v)| v.clone()).collect(),
        )
    }

    #[test]
    fn values_are_read_by_name_and_type() {
        let mut r = row(&[
            ("id", Val::Int(7)),
            ("year", Val::Null),
            ("format", Val::from("pdf")),
            ("body", Val::from("正文")),
            ("is_current", Val::Int(1)),
        ]);
        assert_eq!(r.get::<i64>("id").unwrap(), 7);
        assert_eq!(r.get::<Option<i32>>("year").unwrap(), None);
        assert_eq!(r.get::<SourceFormat>("format").unwrap(), SourceFormat::Pdf);
        assert!(r.get::<bool>("is_current").unwrap());
        assert_eq!(r.take::<String>("body").unwrap(), "正文");
        assert_eq!(r.get::<Val>("body").unwrap(), Val::Null, "taken");
    }

    #[test]
    fn a_wrong_column_or_value_is_an_error_naming_it() {
        let r = row(&[
            ("id", Val::from("seven")),
            ("year", Val::Null),
            ("format", Val::from("pdf2")),
            ("version", Val::Int(1 << 40)),
        ]);
        let problem = |e: StoreError| match e {
            StoreError::Column { column, problem } => (column, problem),
            other => panic!("{other}"),
        };
        assert_eq!(
            problem(r.get::<i64>("agency_id").unwrap_err()),
            ("agency_id".into(), ColumnProblem::Missing)
        );
        assert_eq!(
            problem(r.get::<i64>("id").unwrap_err()),
            (
                "id".into(),
                ColumnProblem::Type {
                    expected: "整数",
                    found: "文本"
                }
            )
        );
        assert_eq!(
            problem(r.get::<i32>("year").unwrap_err()),
            (
                "year".into(),
                ColumnProblem::Null {
                    expected: "32 位整数"
                }
            )
        );
        assert_eq!(
            problem(r.get::<i32>("version").unwrap_err()).1,
            ColumnProblem::OutOfRange {
                expected: "32 位整数",
                value: 1 << 40
            }
        );
        let e = r.get::<Option<SourceFormat>>("format").unwrap_err();
        assert_eq!(
            e.to_string(),
            "数据库列 format 无法读取：「pdf2」不是可识别的来源格式"
        );
    }
}
