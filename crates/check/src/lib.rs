//! The rules (lints) of gongkai: what can be wrong in a 政府信息公开工作年度报告.
//!
//! Modelled on ruff: every check is a rule with a stable code (`A101`), a kebab-case
//! name (`table3-column-balance`), a kind (the document is wrong, or our reading of it
//! is uncertain), a severity, and a Chinese summary, explanation and example. Users
//! select and ignore rules by code, code prefix or name ([`Selection`]).
//!
//! [`check`] runs every enabled single-report rule on a parsed [`Report`] and returns
//! its findings sorted by where they point. Cross-report rules (`Y…`) are listed in the
//! catalogue with [`Scope::Corpus`] and run elsewhere.
//!
//! Rule families:
//! - `A` arithmetic of tables 三 and 四;
//! - `V` cell values (blank, invalid);
//! - `S` structure (sections, tables, edition);
//! - `B` body text against the tables;
//! - `X` doubts about the extraction, raised by the parser;
//! - `Y` across reports (catalogue only).

use std::sync::LazyLock;

use gongkai_model::{Finding, FindingKind, Locate, Location, Report, Severity};

pub mod cross;
mod ctx;
mod prose;
mod registry;
mod rules;

pub use ctx::Ctx;

/// Whether a rule looks at one report or needs several (the agency's previous report, other agencies').
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Runs on one report ([`check`]).
    Report,
    /// Needs other reports; implemented by the corpus tools, listed here for the catalogue.
    Corpus,
}

impl Scope {
    pub fn display_zh(self) -> &'static str {
        match self {
            Scope::Report => "单份报告",
            Scope::Corpus => "跨报告（需上一年度或其他机关的报告）",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Report => "report",
            Scope::Corpus => "corpus",
        }
    }
}

/// The description of one rule.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable code, e.g. "A101".
    pub code: &'static str,
    /// Stable kebab-case name, e.g. "table3-column-balance".
    pub name: &'static str,
    pub kind: FindingKind,
    pub severity: Severity,
    pub scope: Scope,
    /// One line, Chinese.
    pub summary: &'static str,
    /// Chinese markdown paragraphs: 检查什么 / 为什么 / 如何修改.
    pub explanation: &'static str,
    /// A short source excerpt (report text) that triggers the rule, Chinese.
    pub example: &'static str,
}

static CATALOGUE: LazyLock<Vec<&'static RuleInfo>> = LazyLock::new(|| {
    let mut v: Vec<&'static RuleInfo> = registry::REGISTRY.iter().map(|r| r.info).collect();
    v.sort_by_key(|r| r.code);
    v
});

/// The catalogue of all rules, sorted by code.
pub fn rules() -> &'static [&'static RuleInfo] {
    CATALOGUE.as_slice()
}

/// A rule by exact code (case-insensitive, "a101") or exact name ("table3-column-balance").
pub fn rule(name_or_code: &str) -> Option<&'static RuleInfo> {
    let q = name_or_code.trim();
    rules()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(q) || r.name.eq_ignore_ascii_case(q))
}

/// A selection string that matches no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知规则: {0}")]
pub struct UnknownRule(pub String);

/// Which rules are enabled. The default enables every rule.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Codes of the selected rules; `None` = all.
    select: Option<Vec<&'static str>>,
    /// Codes of the ignored rules (ignore wins over select).
    ignore: Vec<&'static str>,
}

impl Selection {
    /// `select`: empty = all rules. Entries are codes ("A101"), code prefixes ("A", "A1"),
    /// names ("table3-column-balance") or "ALL". `ignore` takes the same forms and wins over `select`.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Selection, UnknownRule> {
        let select = if select.is_empty() {
            None
        } else {
            let mut codes = Vec::new();
            for s in select {
                codes.extend(resolve(s)?);
            }
            codes.sort_unstable();
            codes.dedup();
            Some(codes)
        };
        let mut ignore_codes = Vec::new();
        for s in ignore {
            ignore_codes.extend(resolve(s)?);
        }
        ignore_codes.sort_unstable();
        ignore_codes.dedup();
        Ok(Selection {
            select,
            ignore: ignore_codes,
        })
    }

    /// Every rule.
    pub fn all() -> Selection {
        Selection::default()
    }

    pub fn enabled(&self, rule: &RuleInfo) -> bool {
        if self.ignore.contains(&rule.code) {
            return false;
        }
        match &self.select {
            None => true,
            Some(codes) => codes.contains(&rule.code),
        }
    }
}

/// The codes an entry of a selection stands for.
fn resolve(entry: &str) -> Result<Vec<&'static str>, UnknownRule> {
    let e = entry.trim();
    if e.is_empty() {
        return Err(UnknownRule(entry.to_string()));
    }
    if e.eq_ignore_ascii_case("ALL") {
        return Ok(rules().iter().map(|r| r.code).collect());
    }
    if let Some(r) = rule(e) {
        return Ok(vec![r.code]);
    }
    let prefixed: Vec<&'static str> = rules()
        .iter()
        .filter(|r| {
            r.code.len() >= e.len()
                && r.code.is_char_boundary(e.len())
                && r.code[..e.len()].eq_ignore_ascii_case(e)
        })
        .map(|r| r.code)
        .collect();
    if prefixed.is_empty() {
        Err(UnknownRule(e.to_string()))
    } else {
        Ok(prefixed)
    }
}

/// Run every enabled single-report rule on `report`.
///
/// `locate` maps byte ranges of the parser's normalised text (`Section::body_offset` +
/// offset in `Section::body`) to source locations, for findings about the prose; without
/// it those findings point at the table cells only.
///
/// Findings are sorted by primary location (findings without one first), then by code.
pub fn check(report: &Report, locate: Option<&dyn Locate>, selection: &Selection) -> Vec<Finding> {
    let ctx = Ctx::new(report, locate);
    let mut out = Vec::new();
    for entry in registry::REGISTRY {
        if entry.info.scope != Scope::Report || !selection.enabled(entry.info) {
            continue;
        }
        if let Some(run) = entry.check {
            run(report, &ctx, &mut out);
        }
    }
    not_on_a_misreading(report, &mut out);
    sort_findings(&mut out);
    out
}

/// Rules that say something is not in the document (a section, a table, a value).
const ABSENCE_RULES: [&str; 4] = ["S001", "S003", "S004", "V001"];

/// A document error that rests on a number OCR read with doubt is not said of the
/// document: the finding becomes a doubt about the reading (its rule code kept), with
/// the doubtful cells named — the scan may print the number right and the engine have
/// misread it.
fn not_on_a_misreading(report: &Report, findings: &mut [Finding]) {
    // What OCR did not read is not shown to be absent from the page: a section or table
    // "missing", a section or row "empty", from a scan, is a doubt about the reading.
    if report.recognition.is_some() {
        for f in findings
            .iter_mut()
            .filter(|f| f.kind == FindingKind::Document && ABSENCE_RULES.contains(&f.code.as_str()))
        {
            f.kind = FindingKind::Extraction;
            f.severity = Severity::Warning;
            f.message = format!("{}（扫描件经OCR识别，未识别到不等于原文没有）", f.message);
            f.notes.push(
                "请对照扫描件原件核对；有文字层的PDF、Word或网页版本时，请用它代替扫描件".into(),
            );
        }
    }
    let doubted: Vec<gongkai_model::CellRef> = report
        .doubts
        .iter()
        .filter(|d| d.kind == gongkai_model::DoubtKind::Recognised)
        .flat_map(|d| d.cells.iter().copied())
        .collect();
    if doubted.is_empty() {
        return;
    }
    for f in findings
        .iter_mut()
        .filter(|f| f.kind == FindingKind::Document)
    {
        let involved: Vec<String> = f
            .labels
            .iter()
            .filter_map(|l| l.cell)
            .filter(|c| doubted.contains(c))
            .map(|c| c.describe_zh())
            .collect();
        if involved.is_empty() {
            continue;
        }
        f.kind = FindingKind::Extraction;
        f.severity = Severity::Warning;
        f.message = format!(
            "{}（涉及OCR识别存疑的数字，可能是识别错误，不认定原文有误）",
            f.message
        );
        f.notes.push(format!(
            "OCR识别存疑：{}；请对照扫描件原件核对",
            involved.join("、")
        ));
    }
}

/// Sort key of a location: variant rank, then position in reading order.
fn location_key(loc: &Location) -> (u8, u64, i64, i64) {
    match *loc {
        Location::Text {
            start,
            line,
            column,
            ..
        } => (0, u64::from(line), i64::from(column), i64::from(start)),
        // PDF: page, then top to bottom (origin bottom-left), then left to right.
        Location::Pdf { page, y1, x0, .. } => (
            1,
            u64::from(page),
            -((f64::from(y1) * 100.0) as i64),
            (f64::from(x0) * 100.0) as i64,
        ),
        Location::Cell { table, row, column } => {
            (2, u64::from(table), i64::from(row), i64::from(column))
        }
        Location::Paragraph { index } => (3, u64::from(index), 0, 0),
    }
}

fn sort_findings(findings: &mut [Finding]) {
    // Stable: findings of one rule at one place keep the order the rule emitted them in.
    findings.sort_by(|a, b| {
        let ka = a.location().map(location_key);
        let kb = b.location().map(location_key);
        ka.cmp(&kb).then_with(|| a.code.cmp(&b.code))
    });
}

/// The rule catalogue as markdown (the content of `docs/rules.md`).
pub fn rules_markdown() -> String {
    let mut s = String::new();
    s.push_str("# 规则一览\n\n");
    s.push_str(
        "<!-- 本文件由 `gongkai_check::rules_markdown()` 生成，请勿手工编辑。\
         更新方法：`GONGKAI_UPDATE_DOCS=1 cargo test -p gongkai-check`。 -->\n\n",
    );
    s.push_str(
        "每条规则有稳定的代码和名称，可按代码、代码前缀（如 `A`、`B0`）或名称选择和忽略。\
         “文档问题”指报告本身有错或不完整；“识别存疑”指我们对报告的读取不确定，需要人工核对原文。\n\n",
    );
    s.push_str("| 代码 | 名称 | 类别 | 级别 | 范围 | 摘要 |\n|---|---|---|---|---|---|\n");
    for r in rules() {
        s.push_str(&format!(
            "| [{code}](#{anchor}) | `{name}` | {kind} | {sev} | {scope} | {summary} |\n",
            code = r.code,
            anchor = anchor(r),
            name = r.name,
            kind = r.kind.display_zh(),
            sev = r.severity.display_zh(),
            scope = match r.scope {
                Scope::Report => "单份报告",
                Scope::Corpus => "跨报告",
            },
            summary = r.summary,
        ));
    }
    for r in rules() {
        s.push_str(&format!("\n## {} {}\n\n", r.code, r.name));
        s.push_str(&format!("- 代码：`{}`\n", r.code));
        s.push_str(&format!("- 名称：`{}`\n", r.name));
        s.push_str(&format!(
            "- 类别：{}（`{}`）\n",
            r.kind.display_zh(),
            match r.kind {
                FindingKind::Document => "document",
                FindingKind::Extraction => "extraction",
            }
        ));
        s.push_str(&format!(
            "- 级别：{}（`{}`）\n",
            r.severity.display_zh(),
            r.severity.as_str()
        ));
        s.push_str(&format!(
            "- 范围：{}（`{}`）\n",
            r.scope.display_zh(),
            r.scope.as_str()
        ));
        s.push_str(&format!("- 摘要：{}\n\n", r.summary));
        s.push_str(r.explanation.trim());
        s.push_str("\n\n**示例**\n\n```text\n");
        s.push_str(r.example.trim_end());
        s.push_str("\n```\n");
    }
    s
}

/// GitHub-style anchor of a rule's heading ("## A101 table3-column-balance").
fn anchor(r: &RuleInfo) -> String {
    format!("{}-{}", r.code.to_ascii_lowercase(), r.name)
}
