//! What is known about a report from outside its text: the publishing agency, the year
//! and the URL, as a crawler records them or as the user gives them.
//!
//! Crawled reports often lack their title (the page's heading was left out, or only the
//! body was kept), and a report's own title may name a parent body or an abbreviation.
//! [`Metadata`] supplies what the text lacks; where the text has its own agency or year
//! and the metadata says otherwise, the metadata wins (it names the publisher) and the
//! disagreement is kept as a reading doubt. [`apply`] is the one place this is done.
//!
//! A [`Manifest`] is the crawl's CSV, `file,agency,year,url` with a header, matched to
//! files by file name. Every bad row is reported with its line number, and a bad
//! manifest is refused as a whole ([`ManifestError`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gongkai_model::{Doubt, DoubtKind, Located, ReadingStatus, Report};

/// The columns of a manifest, in the order of its usual header.
pub const MANIFEST_COLUMNS: [&str; 4] = ["file", "agency", "year", "url"];

/// An optional fifth column: the date the site shows the report was published.
pub const MANIFEST_PUBLISHED: &str = "published";

/// The manifest `eval DIR` reads when the folder has one.
pub const MANIFEST_FILE_NAME: &str = "manifest.csv";

/// Years a manifest may give.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// A report's agency, year and source URL as known from outside its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub url: Option<String>,
    /// When the report was published, `YYYY-MM-DD` (checked).
    pub published: Option<String>,
}

impl Metadata {
    pub fn is_empty(&self) -> bool {
        self.agency.is_none()
            && self.year.is_none()
            && self.url.is_none()
            && self.published.is_none()
    }

    /// Each field of `self` where it is set, else `fallback`'s.
    pub fn or(&self, fallback: &Metadata) -> Metadata {
        Metadata {
            agency: self.agency.clone().or_else(|| fallback.agency.clone()),
            year: self.year.or(fallback.year),
            url: self.url.clone().or_else(|| fallback.url.clone()),
            published: self
                .published
                .clone()
                .or_else(|| fallback.published.clone()),
        }
    }
}

/// Give a parsed report what the metadata knows: the URL; the agency and year where the
/// text has none (with no location: they were not read from the text); and where the
/// text has its own that differs (agencies compared by their canonical names), the
/// metadata's value with a [`DoubtKind::Metadata`] doubt that names both, placed where
/// the text's value was read. The reading status is brought up to date.
pub fn apply(report: &mut Report, meta: &Metadata) {
    if meta.is_empty() {
        return;
    }
    if let Some(url) = &meta.url {
        report.url = Some(url.clone());
    }
    if let Some(date) = &meta.published {
        report.published = Some(date.clone());
    }
    if let Some(given) = &meta.agency {
        match report.agency.take() {
            Some(read)
                if gongkai_model::agency::canonical(&read.value)
                    != gongkai_model::agency::canonical(given) =>
            {
                report.doubts.push(Doubt {
                    kind: DoubtKind::Metadata,
                    message: format!(
                        "正文中的机关为“{}”，元数据给出的是“{given}”，采用元数据的“{given}”",
                        read.value
                    ),
                    location: read.location,
                    cells: Vec::new(),
                    notes: vec![
                        "元数据（--agency 或清单）指明发布机关；正文中的名称可能是简称、上级机关或识别有误"
                            .into(),
                    ],
                });
                report.agency = Some(Located::new(given.clone(), None));
            }
            Some(read) => report.agency = Some(read),
            None => report.agency = Some(Located::new(given.clone(), None)),
        }
    }
    if let Some(given) = meta.year {
        match report.year.take() {
            Some(read) if read.value != given => {
                report.doubts.push(Doubt {
                    kind: DoubtKind::Metadata,
                    message: format!(
                        "正文中的年度为{}年，元数据给出的是{given}年，采用元数据的{given}年",
                        read.value
                    ),
                    location: read.location,
                    cells: Vec::new(),
                    notes: vec!["元数据（--year 或清单）指明报告年度".into()],
                });
                report.year = Some(Located::new(given, None));
            }
            Some(read) => report.year = Some(read),
            None => report.year = Some(Located::new(given, None)),
        }
    }
    report.reading = ReadingStatus::of(report);
}

/// A crawl's manifest: metadata per file name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    rows: BTreeMap<String, Metadata>,
}

/// Why a manifest was refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{}: 无法读取清单：{source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Every bad row, in file order.
    #[error("{}: 清单有 {} 处错误，未读取任何报告：{}", path.display(), problems.len(), list(problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<ManifestProblem>,
    },
}

fn list(problems: &[ManifestProblem]) -> String {
    problems.iter().map(|p| format!("\n  {p}")).collect()
}

/// One bad row (or the header) of a manifest.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行：{problem}")]
pub struct ManifestProblem {
    /// 1-based line of the file.
    pub line: u64,
    pub problem: Problem,
}

/// What is wrong with a row.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("不是 UTF-8 文字（清单须以 UTF-8 保存，可带 BOM）")]
    NotUtf8,
    #[error("清单是空的：第一行应是表头 file,agency,year,url")]
    Empty,
    #[error("表头缺少 {0} 列（表头应为 file,agency,year,url）")]
    MissingColumn(&'static str),
    #[error("表头中 {0} 列出现了不止一次")]
    DuplicateColumn(&'static str),
    #[error("有 {found} 个字段，表头有 {expected} 个")]
    FieldCount { expected: usize, found: usize },
    #[error("file 列为空")]
    NoFile,
    #[error("文件名“{name}”在第{first}行已经出现")]
    DuplicateFile { name: String, first: u64 },
    #[error("年度“{0}”不是 1990 到 2100 之间的整数")]
    BadYear(String),
    #[error("网址“{0}”不是以 http:// 或 https:// 开头、不含空白的网址")]
    BadUrl(String),
    #[error("发布日期“{0}”不是有效的日期（应为 YYYY-MM-DD）")]
    BadDate(String),
    #[error("CSV 格式错误：{0}")]
    Csv(String),
}

impl Manifest {
    /// Read and check a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let bytes = std::fs::read(path).map_err(|source| ManifestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse(&bytes).map_err(|problems| ManifestError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// Check a manifest's bytes: UTF-8 (a BOM is skipped), a header naming the four
    /// columns in any order (other columns are ignored), then one row per file. All the
    /// bad rows are returned, not only the first.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Vec<ManifestProblem>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
                + 1;
            vec![ManifestProblem {
                line,
                problem: Problem::NotUtf8,
            }]
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let line_of = |pos: Option<&csv::Position>| pos.map_or(0, |p| line_at(text, p.byte()));
        let problem = |line: u64, problem: Problem| ManifestProblem { line, problem };
        let header = match records.next() {
            None => return Err(vec![problem(1, Problem::Empty)]),
            Some(Err(e)) => {
                let line = line_of(e.position());
                return Err(vec![problem(line, Problem::Csv(e.to_string()))]);
            }
            Some(Ok(h)) => h,
        };
        let header_line = line_of(header.position());
        let mut at = [None; 4];
        let mut published_at = None;
        let mut problems = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.to_ascii_lowercase();
            if name == MANIFEST_PUBLISHED && published_at.replace(i).is_some() {
                problems.push(problem(
                    header_line,
                    Problem::DuplicateColumn(MANIFEST_PUBLISHED),
                ));
            }
            if let Some(k) = MANIFEST_COLUMNS.iter().position(|c| *c == name) {
                if at[k].replace(i).is_some() {
                    problems.push(problem(
                        header_line,
                        Problem::DuplicateColumn(MANIFEST_COLUMNS[k]),
                    ));
                }
            }
        }
        for (k, col) in MANIFEST_COLUMNS.iter().enumerate() {
            if at[k].is_none() {
                problems.push(problem(header_line, Problem::MissingColumn(col)));
            }
        }
        if !problems.is_empty() {
            // The rows cannot be read without their columns.
            return Err(problems);
        }
        let [file_at, agency_at, year_at, url_at] = at.map(|i| i.unwrap_or_default());
        let mut rows = BTreeMap::new();
        let mut first_line: BTreeMap<String, u64> = BTreeMap::new();
        for record in records {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(problem(line_of(e.position()), Problem::Csv(e.to_string())));
                    continue;
                }
            };
            let line = line_of(record.position());
            if record.len() != header.len() {
                problems.push(problem(
                    line,
                    Problem::FieldCount {
                        expected: header.len(),
                        found: record.len(),
                    },
                ));
                continue;
            }
            let field = |i: usize| Some(record.get(i).unwrap_or("")).filter(|s| !s.is_empty());
            let before = problems.len();
            let name = match field(file_at) {
                None => {
                    problems.push(problem(line, Problem::NoFile));
                    None
                }
                Some(f) => {
                    let name = base_name(f).to_string();
                    match first_line.get(&name) {
                        Some(&first) => {
                            problems.push(problem(line, Problem::DuplicateFile { name, first }));
                            None
                        }
                        None => Some(name),
                    }
                }
            };
            let year = field(year_at).and_then(|y| match parse_year(y) {
                Some(y) => Some(y),
                None => {
                    problems.push(problem(line, Problem::BadYear(y.to_string())));
                    None
                }
            });
            let url = field(url_at).and_then(|u| {
                if is_url(u) {
                    Some(u.to_string())
                } else {
                    problems.push(problem(line, Problem::BadUrl(u.to_string())));
                    None
                }
            });
            let published = published_at.and_then(field).and_then(|d| {
                match gongkai_model::date::Date::parse(d) {
                    Some(date) => Some(date.to_string()),
                    None => {
                        problems.push(problem(line, Problem::BadDate(d.to_string())));
                        None
                    }
                }
            });
            if problems.len() > before {
                continue;
            }
            if let Some(name) = name {
                first_line.insert(name.clone(), line);
                rows.insert(
                    name,
                    Metadata {
                        agency: field(agency_at).map(str::to_string),
                        year,
                        url,
                        published,
                    },
                );
            }
        }
        if problems.is_empty() {
            Ok(Manifest { rows })
        } else {
            Err(problems)
        }
    }

    /// The row for a file, matched by file name (the folders are not compared).
    pub fn get(&self, file: &Path) -> Option<&Metadata> {
        let name = file.file_name()?.to_string_lossy();
        self.rows.get(name.as_ref())
    }

    /// Rows, by file name.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The 1-based line of the record at byte `at` (the reader may place a record on the
/// blank lines before it).
fn line_at(text: &str, at: u64) -> u64 {
    let at = (at as usize).min(text.len());
    let rest = text.get(at..).unwrap_or("");
    let start = at + rest.len() - rest.trim_start_matches(['\r', '\n']).len();
    text.as_bytes()[..start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// The last part of a path written with `/` or `\`.
fn base_name(f: &str) -> &str {
    f.rsplit(['/', '\\']).next().unwrap_or(f)
}

/// "2024", or "2024年".
fn parse_year(s: &str) -> Option<i32> {
    let digits = s.strip_suffix('年').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|y| YEARS.contains(y))
}

fn is_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty()) && !s.chars().any(char::is_whitespace)
}

/// Where each file's metadata comes from: what was given explicitly (`--agency`,
/// `--year`), which wins, then the manifest's row for the file.
#[derive(Clone, Debug, Default)]
pub struct MetadataSource {
    pub given: Metadata,
    pub manifest: Option<Manifest>,
}

impl MetadataSource {
    /// The metadata of one file.
    pub fn for_file(&self, path: &Path) -> Metadata {
        let row = self.manifest.as_ref().and_then(|m| m.get(path));
        match row {
            Some(row) => self.given.or(row),
            None => self.given.clone(),
        }
    }
}

/// What the user says about reports from outside their text: values for every file
/// (`--agency`, `--year`) and the manifest named (`--manifest`), not yet read.
#[derive(Clone, Debug, Default)]
pub struct MetadataOptions {
    pub given: Metadata,
    pub manifest: Option<PathBuf>,
}

impl MetadataOptions {
    /// Where each file's metadata comes from: the given values, then the manifest
    /// named, or else `default_manifest` when that file exists. The manifest is checked
    /// whole here, so a bad one stops a command before any report is read.
    pub fn load(&self, default_manifest: Option<&Path>) -> Result<MetadataSource, ManifestError> {
        let path = self.manifest.clone().or_else(|| {
            default_manifest
                .filter(|p| p.is_file())
                .map(Path::to_path_buf)
        });
        let manifest = path.map(|p| Manifest::load(&p)).transpose()?;
        Ok(MetadataSource {
            given: self.given.clone(),
            manifest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        Manifest::parse(text.as_bytes())
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reads_rows_by_file_name() {
        let m = Manifest::parse(
            "\u{FEFF}file,agency,year,url\r\n\
             web/a.txt,某县人民政府,2024,http://www.example.gov.cn/a.html\r\n\
             \r\n\
             \"b,c.html\", ,2023年,\n\
             d.pdf,某市财政局,,HTTPS://example.gov.cn/d\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(
            m.get(Path::new("/tmp/x/a.txt")),
            Some(&Metadata {
                agency: Some("某县人民政府".into()),
                year: Some(2024),
                url: Some("http://www.example.gov.cn/a.html".into()),
                published: None,
            })
        );
        assert_eq!(
            m.get(Path::new("b,c.html")),
            Some(&Metadata {
                agency: None,
                year: Some(2023),
                url: None,
                published: None,
            })
        );
        assert_eq!(m.get(Path::new("d.pdf")).unwrap().year, None);
        assert_eq!(m.get(Path::new("e.pdf")), None);
        // Columns in any order; extra columns ignored.
        let m =
            Manifest::parse(b"URL,year,title,file,agency\nhttp://x.cn/1,2021,t,1.txt,A\n").unwrap();
        assert_eq!(
            m.get(Path::new("1.txt")),
            Some(&Metadata {
                agency: Some("A".into()),
                year: Some(2021),
                url: Some("http://x.cn/1".into()),
                published: None,
            })
        );
    }

    #[test]
    fn every_bad_row_with_its_line() {
        assert_eq!(
            problems(
                "file,agency,year,url\n\
                 a.txt,甲,2024,http://a.cn/\n\
                 ,乙,2024,\n\
                 b.txt,丙,二〇二四,ftp://b.cn/\n\
                 \n\
                 sub/a.txt,丁,2023,\n\
                 c.txt,戊\n\
                 d.txt,己,1890,http:// x\n"
            ),
            [
                "第3行：file 列为空",
                "第4行：年度“二〇二四”不是 1990 到 2100 之间的整数",
                "第4行：网址“ftp://b.cn/”不是以 http:// 或 https:// 开头、不含空白的网址",
                "第6行：文件名“a.txt”在第2行已经出现",
                "第7行：有 2 个字段，表头有 4 个",
                "第8行：年度“1890”不是 1990 到 2100 之间的整数",
                "第8行：网址“http:// x”不是以 http:// 或 https:// 开头、不含空白的网址",
            ]
        );
    }

    #[test]
    fn header_encoding_and_empty_files() {
        assert_eq!(
            problems("a.txt,甲,2024,http://a.cn/\n"),
            [
                "第1行：表头缺少 file 列（表头应为 file,agency,year,url）",
                "第1行：表头缺少 agency 列（表头应为 file,agency,year,url）",
                "第1行：表头缺少 year 列（表头应为 file,agency,year,url）",
                "第1行：表头缺少 url 列（表头应为 file,agency,year,url）",
            ]
        );
        assert_eq!(
            problems("file,agency,year,url,File\n"),
            ["第1行：表头中 file 列出现了不止一次"]
        );
        assert_eq!(
            problems(""),
            ["第1行：清单是空的：第一行应是表头 file,agency,year,url"]
        );
        // "某县" in GBK.
        let mut bytes = b"file,agency,year,url\na.txt,".to_vec();
        bytes.extend([0xC4, 0xB3, 0xCF, 0xD8]);
        bytes.extend(b",2024,\n");
        assert_eq!(
            Manifest::parse(&bytes)
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["第2行：不是 UTF-8 文字（清单须以 UTF-8 保存，可带 BOM）"]
        );
        // A header alone is a manifest with no rows.
        assert!(Manifest::parse(b"file,agency,year,url\n")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn the_error_names_the_file_and_lists_the_rows() {
        let dir = std::env::temp_dir().join(format!("gongkai-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.csv");
        std::fs::write(&path, "file,agency,year,url\n,甲,,\nb.txt,乙,20,\n").unwrap();
        let e = Manifest::load(&path).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: 清单有 2 处错误，未读取任何报告：\n  第2行：file 列为空\n  第3行：年度“20”不是 1990 到 2100 之间的整数",
                path.display()
            )
        );
        let e = Manifest::load(&dir.join("none.csv")).unwrap_err();
        assert!(matches!(e, ManifestError::Io { .. }), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn report(agency: Option<&str>, year: Option<i32>) -> Report {
        let at = |line| {
            Some(gongkai_model::Location::Text {
                start: 0,
                end: 3,
                line,
                column: 1,
                end_column: 4,
            })
        };
        Report {
            agency: agency.map(|a| Located::new(a.to_string(), at(1))),
            year: year.map(|y| Located::new(y, at(1))),
            ..Report::default()
        }
    }

    #[test]
    fn metadata_fills_what_the_text_lacks() {
        let mut r = report(None, None);
        assert_eq!(ReadingStatus::of(&r), ReadingStatus::WithDoubts);
        apply(
            &mut r,
            &Metadata {
                agency: Some("平潭综合实验区（管委会）".into()),
                year: Some(2024),
                url: Some("http://www.pingtan.gov.cn/".into()),
                published: None,
            },
        );
        assert_eq!(
            r.agency,
            Some(Located::new("平潭综合实验区（管委会）".to_string(), None))
        );
        assert_eq!(r.year, Some(Located::new(2024, None)));
        assert_eq!(r.url.as_deref(), Some("http://www.pingtan.gov.cn/"));
        assert!(r.doubts.is_empty());
        assert_eq!(r.reading, ReadingStatus::Whole);
    }

    #[test]
    fn metadata_that_differs_wins_with_a_doubt() {
        let mut r = report(Some("平潭综合实验区管委会"), Some(2023));
        let read_at = r.year.as_ref().unwrap().location.clone();
        apply(
            &mut r,
            &Metadata {
                // The same agency, written otherwise: no doubt.
                agency: Some("平潭综合实验区（管委会）".into()),
                year: Some(2024),
                url: None,
                published: None,
            },
        );
        assert_eq!(r.agency(), Some("平潭综合实验区管委会"));
        assert!(r.agency.as_ref().unwrap().location.is_some());
        assert_eq!(r.year, Some(Located::new(2024, None)));
        assert_eq!(r.url, None);
        assert_eq!(r.doubts.len(), 1);
        assert_eq!(r.doubts[0].kind, DoubtKind::Metadata);
        assert_eq!(
            r.doubts[0].message,
            "正文中的年度为2023年，元数据给出的是2024年，采用元数据的2024年"
        );
        assert_eq!(r.doubts[0].location, read_at);
        assert_eq!(r.reading, ReadingStatus::WithDoubts);

        let mut r = report(Some("某市财政局"), Some(2024));
        apply(
            &mut r,
            &Metadata {
                agency: Some("某市人民政府".into()),
                year: Some(2024),
                url: None,
                published: None,
            },
        );
        assert_eq!(
            r.agency,
            Some(Located::new("某市人民政府".to_string(), None))
        );
        assert_eq!(r.year.as_ref().unwrap().value, 2024);
        assert_eq!(
            r.doubts.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            ["正文中的机关为“某市财政局”，元数据给出的是“某市人民政府”，采用元数据的“某市人民政府”"]
        );
    }

    #[test]
    fn given_values_override_the_manifest_row() {
        let manifest =
            Manifest::parse(b"file,agency,year,url\na.txt,A,2020,http://a.cn/\n").unwrap();
        let source = MetadataSource {
            given: Metadata {
                agency: None,
                year: Some(2021),
                url: None,
                published: None,
            },
            manifest: Some(manifest),
        };
        assert_eq!(
            source.for_file(Path::new("dir/a.txt")),
            Metadata {
                agency: Some("A".into()),
                year: Some(2021),
                url: Some("http://a.cn/".into()),
                published: None,
            }
        );
        assert_eq!(
            source.for_file(Path::new("b.txt")),
            Metadata {
                agency: None,
                year: Some(2021),
                url: None,
                published: None,
            }
        );
    }
}
