//! A report named by the user: a file, a stored report by `#编号` (or the bare number),
//! or `机关名称:年度` (`：` and a trailing `年` also do).

use std::path::{Path, PathBuf};

use gongkai_check::Selection;
use gongkai_model::{Finding, Report};
use gongkai_pipeline::{FileError, Metadata, FILE_TIME_LIMIT};
use gongkai_store::{Filter, Store, StoreError};

/// A report as named, before it is loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSpec {
    /// As the user wrote it: the label of a file, and what errors quote.
    written: String,
    target: Target,
}

/// What a [`ReportSpec`] names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A file that exists, read and checked as `check` reads it.
    File(PathBuf),
    /// A stored report by its number.
    Id(i64),
    /// The one current stored report of the year whose agency's name contains
    /// `agency`.
    AgencyYear { agency: String, year: i32 },
}

/// A report loaded by a [`ReportSpec`], with its findings about itself (never the
/// cross-report ones).
pub struct NamedReport {
    /// The file as named, or `#编号`.
    pub label: String,
    pub report: Report,
    pub findings: Vec<Finding>,
}

/// Why a named report could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("“{0}”：文件不存在；语料库中的报告请写 #编号 或 机关名称:年度")]
    Unrecognised(String),
    #[error("“{0}”：年度应为数字")]
    BadYear(String),
    #[error("“{0}”：既不是文件，也不是语料库中的报告")]
    NotFound(String),
    #[error("“{spec}”对应多份报告：{}", list(candidates))]
    Ambiguous {
        spec: String,
        /// `(编号, 机关)` of each stored report that matches.
        candidates: Vec<(i64, Option<String>)>,
    },
    /// A stored report was named but no database was given.
    #[error("“{0}”是语料库中的报告，但没有打开数据库")]
    NoStore(String),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(candidates: &[(i64, Option<String>)]) -> String {
    candidates
        .iter()
        .map(|(id, agency)| format!("#{id} {}", agency.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("、")
}

impl ReportSpec {
    /// What `spec` names: an existing file first (a file may be called `2021` or `a:b`),
    /// then a number, then `机关:年度`.
    pub fn parse(spec: &str) -> Result<ReportSpec, ResolveError> {
        let path = Path::new(spec);
        let target = if path.exists() {
            Target::File(path.to_path_buf())
        } else if let Ok(id) = spec.trim_start_matches('#').parse::<i64>() {
            Target::Id(id)
        } else if let Some((agency, year)) = spec.rsplit_once([':', '：']) {
            let year = year
                .trim_end_matches('年')
                .parse()
                .map_err(|_| ResolveError::BadYear(spec.to_string()))?;
            Target::AgencyYear {
                agency: agency.to_string(),
                year,
            }
        } else {
            return Err(ResolveError::Unrecognised(spec.to_string()));
        };
        Ok(ReportSpec {
            written: spec.to_string(),
            target,
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Whether loading needs the corpus database.
    pub fn needs_store(&self) -> bool {
        !matches!(self.target, Target::File(_))
    }

    /// The report: a file read and checked with every rule (no metadata), or the stored
    /// report from `store` with its stored single-report findings.
    pub fn load(&self, store: Option<&mut Store>) -> Result<NamedReport, ResolveError> {
        let needed = || ResolveError::NoStore(self.written.clone());
        match &self.target {
            Target::File(path) => {
                let checked = gongkai_pipeline::read_and_check(
                    path,
                    &Metadata::default(),
                    &Selection::all(),
                    FILE_TIME_LIMIT,
                )?;
                Ok(NamedReport {
                    label: self.written.clone(),
                    report: checked.parsed.report,
                    findings: checked.findings,
                })
            }
            Target::Id(id) => stored(store.ok_or_else(needed)?, *id),
            Target::AgencyYear { agency, year } => {
                let store = store.ok_or_else(needed)?;
                let found = store.reports(&Filter {
                    agency: Some(agency.clone()),
                    year: Some(*year),
                    ..Filter::default()
                })?;
                match found.as_slice() {
                    [one] => stored(store, one.id),
                    [] => Err(ResolveError::NotFound(self.written.clone())),
                    many => Err(ResolveError::Ambiguous {
                        spec: self.written.clone(),
                        candidates: many.iter().map(|r| (r.id, r.agency.clone())).collect(),
                    }),
                }
            }
        }
    }
}

/// A stored report with its findings about itself.
fn stored(store: &mut Store, id: i64) -> Result<NamedReport, ResolveError> {
    let report = store.report(id)?;
    let findings = store
        .findings(Some(&[id]))?
        .into_iter()
        .filter(|f| !f.corpus)
        .map(|f| f.finding)
        .collect();
    Ok(NamedReport {
        label: format!("#{id}"),
        report,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_files_numbers_or_agency_and_year() {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        assert_eq!(
            ReportSpec::parse(file).unwrap().target(),
            &Target::File(PathBuf::from(file))
        );
        assert_eq!(ReportSpec::parse("#12").unwrap().target(), &Target::Id(12));
        assert_eq!(ReportSpec::parse("12").unwrap().target(), &Target::Id(12));
        for spec in ["某县人民政府:2021", "某县人民政府：2021年"] {
            assert_eq!(
                ReportSpec::parse(spec).unwrap().target(),
                &Target::AgencyYear {
                    agency: "某县人民政府".into(),
                    year: 2021
                }
            );
        }
        assert!(!ReportSpec::parse(file).unwrap().needs_store());
        assert!(ReportSpec::parse("#1").unwrap().needs_store());
        assert_eq!(
            ReportSpec::parse("某县人民政府:前年")
                .unwrap_err()
                .to_string(),
            "“某县人民政府:前年”：年度应为数字"
        );
        assert_eq!(
            ReportSpec::parse("#abc").unwrap_err().to_string(),
            "“#abc”：文件不存在；语料库中的报告请写 #编号 或 机关名称:年度"
        );
        assert_eq!(
            ReportSpec::parse("#3")
                .unwrap()
                .load(None)
                .err()
                .map(|e| e.to_string()),
            Some("“#3”是语料库中的报告，但没有打开数据库".to_string())
        );
    }
}
