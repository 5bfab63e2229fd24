//! Synthetic 政府信息公开工作年度报告 with an answer key.
//!
//! Real reports are few, messy and unlabelled; to test the parser and the checks at
//! scale we need documents whose every number and every error is known. [`generate`]
//! makes one from a seed: an agency, a year, a consistent set of the three statistical
//! tables, plausible prose for the six sections, and the text of the whole report in one
//! of the layouts real files come in ([`Layout`]: space-separated PDF text, tab-separated
//! Word export, one cell per line, wrapped labels), optionally with Kangxi radicals and
//! lost cells as PDF converters produce them — or in the messier shapes of spec §8
//! ([`Layout::MESSY`]: a crawled page's `textContent` on one line with its cells run
//! together, Markdown pipes, HTML inside a script, a body without its title, garbled PDF
//! text), rendered from the same tables so that their truth is known too.
//!
//! [`Injection`]s plant document errors (a wrong total, a blank cell, an empty section,
//! an old template …) and [`Synthetic::expected`] lists, by rule name, the findings a
//! correct checker must report for them — no more, no fewer.
//!
//! [`generate_corpus`] makes a corpus instead: agencies with reports of consecutive
//! years that continue each other (上年结转 = last year's 结转下年度, 现行有效件数 = last
//! year's + 制发 − 废止), prose that differs between reports as real prose does, and
//! [`CrossInjection`]s that break the continuity or copy section 五 — with an answer key
//! covering the cross-report rules (Y001–Y003) as well ([`write_corpus`] writes it).
//!
//! The generator is pure (no I/O; [`write()`] is a separate helper), deterministic (same
//! seed and options → same bytes, on every machine and forever: it carries its own
//! random number generator) and fast (tens of thousands of reports per second), so it
//! serves property tests, corpora (`gongkai synth N DIR`) and load benchmarks alike.
//!
//! ```
//! use gongkai_synth::{generate, tables_json, Layout, Options};
//!
//! let s = generate(42, &Options { layout: Layout::Tabs, ..Options::default() });
//! assert!(s.text.contains("年政府信息公开工作年度报告"));
//! assert!(s.expected.is_empty()); // no injections: a clean report
//! assert_eq!(tables_json(&s)["year"], s.year);
//! ```

mod corpus;
mod expect;
mod garble;
mod kangxi;
mod names;
mod phrases;
mod prose;
mod region;
mod render;
mod rng;
mod tables;
mod web;

use std::io;
use std::path::{Path, PathBuf};

use gongkai_model::schema::{
    active_row, ActiveRowKey, Edition, RequestColumn, RequestRowKey, ReviewColumn, ReviewGroup,
    SectionKind, REQUEST_COLUMN_KEYS,
};
use gongkai_model::Value;
use serde_json::{json, Map, Value as Json};

use rng::Rng;

pub use corpus::{
    answer_json, generate_corpus, write_corpus, CorpusOptions, CorpusReport, CorpusSummary,
    CrossInjection, CrossLink,
};
pub use region::{resolve_region, CorpusError, Region};

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

/// One row of table 二 as generated: cells aligned with the row's columns in the
/// schema (`gongkai_model::schema::active_row(edition, key).columns`).
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveRowValues {
    pub key: ActiveRowKey,
    /// `Value::Count` for counts, `Value::Amount` (exactly as printed) for money; `None` = blank.
    pub cells: Vec<Option<Value>>,
}

/// One row of table 三: the six applicant columns and 总计; `None` = printed blank.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestRowValues {
    pub key: RequestRowKey,
    pub cells: [Option<i64>; 7],
}

/// The three tables of a generated report, as printed in it (errors included).
#[derive(Clone, Debug, PartialEq)]
pub struct Tables {
    /// Edition of table 二: 2021, or 2019 when the report uses the superseded template.
    pub active_edition: Edition,
    /// Table 二 rows in the edition's printed order.
    pub active: Vec<ActiveRowValues>,
    /// Table 三 rows in printed order: 25 rows, or 23 when （六）其他处理 is one row.
    pub requests: Vec<RequestRowValues>,
    /// Table 四 as `[group][column]` (schema order); `None` when the report omits it.
    pub review: Option<[[Option<i64>; 5]; 3]>,
}

impl Tables {
    /// The cells of a table-三 row, if the row is printed.
    pub fn row(&self, key: RequestRowKey) -> Option<&[Option<i64>; 7]> {
        self.requests
            .iter()
            .find(|r| r.key == key)
            .map(|r| &r.cells)
    }

    fn row_mut(&mut self, key: RequestRowKey) -> Option<&mut [Option<i64>; 7]> {
        self.requests
            .iter_mut()
            .find(|r| r.key == key)
            .map(|r| &mut r.cells)
    }

    /// True when （六）其他处理 is printed as its three 2021 sub-rows.
    pub fn splits_other_handling(&self) -> bool {
        !self
            .requests
            .iter()
            .any(|r| r.key == RequestRowKey::OtherHandling)
    }

    /// The edition table 三's layout follows.
    pub fn requests_edition(&self) -> Edition {
        if self.splits_other_handling() {
            Edition::E2021
        } else {
            Edition::E2019
        }
    }
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// How the tables are flattened into text — each imitates real files (see the seeds
/// and `../shared/corpus-web`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Layout {
    /// PDF text: `label v1 … v7` on one line, group labels on their own lines before
    /// the first sub-row, blank lines between rows (seeds 000, 002, 004).
    #[default]
    Spaces,
    /// Word/HTML export with tab-separated cells, including the empty cells of merged
    /// label columns and trailing tabs (seed 001).
    Tabs,
    /// Word export with every cell on its own tab-indented line, rows separated by blank
    /// lines, blank cells as `"\t "` (seed 003).
    CellPerLine,
    /// PDF text where long labels wrap over several lines and the row's numbers follow
    /// on the next line (seed 000's （六） rows).
    WrappedLabels,
    /// A web page's `textContent` as crawlers store it (`corpus-web/*-flat.txt`): the
    /// whole report on one line, no line breaks, table cells run together with no
    /// separator ("21710000218"), headings mid-line followed directly by their body,
    /// wrapped cell text leaving runs of spaces or no-break spaces inside labels; with
    /// the site's chrome around it (menus, breadcrumb, footer) or without; in some
    /// documents stray spaces or no-break spaces at some cells' edges.
    FlatText,
    /// An HTML-to-Markdown converter's output (`corpus-web/*-pipes.md`): paragraphs as
    /// lines, each table row as `| a | b |` with the cells of merged (row- or
    /// column-spanning) cells printed once, so rows have different cell counts.
    Pipes,
    /// The report page's HTML inside a JavaScript string (`corpus-web/*-script.js`):
    /// `var articleContent = "…";` with `\"`, `\n`, `\t` and, in some documents,
    /// `\uXXXX` escapes; the tables are real HTML tables with rowspan/colspan. Read it
    /// through the ingest path (`gongkai_ingest::load_bytes`), not as plain text.
    ScriptHtml,
    /// The report body without its title (`corpus-web/*-body.txt`): agency and year are
    /// not in the text's title, only in the crawl's metadata ([`Synthetic::agency`],
    /// [`Synthetic::year`]). The body is the page's `textContent` on one line or a
    /// Markdown conversion, sometimes with the site's footer after it.
    BodyOnly,
    /// pdftotext-style garbling: [`Layout::WrappedLabels`] with ideographs printed as
    /// Kangxi radicals, CJK radicals-supplement characters or CJK compatibility
    /// ideographs — every form a PDF font may map a glyph to that Unicode folds back
    /// (each ideograph one form throughout the document, as a font maps it).
    Garbled,
}

impl Layout {
    /// The plain-text conversions the default corpus and the exact-reading tests
    /// (`clean`, `errors`, `lost_cells`) mix: each is read back exactly.
    pub const ALL: [Layout; 4] = [
        Layout::Spaces,
        Layout::Tabs,
        Layout::CellPerLine,
        Layout::WrappedLabels,
    ];

    /// The shapes crawled and copied web pages and garbled PDF text come in (spec §8):
    /// tested by their own properties (a cell is read exactly or left blank with a
    /// doubt), kept out of [`Layout::ALL`] so that the default corpus stays exact.
    pub const MESSY: [Layout; 5] = [
        Layout::FlatText,
        Layout::Pipes,
        Layout::ScriptHtml,
        Layout::BodyOnly,
        Layout::Garbled,
    ];

    /// Every layout.
    pub const EVERY: [Layout; 9] = [
        Layout::Spaces,
        Layout::Tabs,
        Layout::CellPerLine,
        Layout::WrappedLabels,
        Layout::FlatText,
        Layout::Pipes,
        Layout::ScriptHtml,
        Layout::BodyOnly,
        Layout::Garbled,
    ];

    /// Short name, for file names and messages.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Spaces => "spaces",
            Layout::Tabs => "tabs",
            Layout::CellPerLine => "cell-per-line",
            Layout::WrappedLabels => "wrapped-labels",
            Layout::FlatText => "flat-text",
            Layout::Pipes => "pipes",
            Layout::ScriptHtml => "script-html",
            Layout::BodyOnly => "body-only",
            Layout::Garbled => "garbled",
        }
    }

    /// The layout of a [`Layout::name`].
    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::EVERY.into_iter().find(|l| l.name() == name)
    }

    /// The file extension a reader recognises the layout's text by.
    pub fn extension(self) -> &'static str {
        match self {
            Layout::Pipes => "md",
            Layout::ScriptHtml => "js",
            _ => "txt",
        }
    }

    /// Can this layout print a blank cell so that a reader sees it as blank? In a
    /// space-separated line a blank cell is simply absent (indistinguishable from a lost
    /// one); tabs show it as an empty cell, one-cell-per-line as a `"\t "` line, pipes
    /// as `|  |`, HTML as an empty `<td>`. Run together, a blank leaves no trace.
    pub fn prints_blanks(self) -> bool {
        matches!(
            self,
            Layout::Tabs | Layout::CellPerLine | Layout::Pipes | Layout::ScriptHtml
        )
    }

    /// Does this layout lose cells in conversion (PDF text, Word tables copied as text)?
    /// The web layouts are taken from the page's own cells: nothing is lost.
    pub fn loses_cells(self) -> bool {
        matches!(
            self,
            Layout::Spaces | Layout::Tabs | Layout::WrappedLabels | Layout::Garbled
        )
    }

    /// Is the text one line (a page's `textContent`) or lines (a conversion)?
    pub fn is_web(self) -> bool {
        matches!(
            self,
            Layout::FlatText | Layout::Pipes | Layout::ScriptHtml | Layout::BodyOnly
        )
    }
}

/// A document error to plant. Targets (which row, column, amount) are drawn from the
/// seed; [`Injection::implies`] gives the findings each one implies on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Injection {
    /// One cell of an outcome row （一）…（六） increased: that row's total and its
    /// column's （七） no longer add up.
    OutcomeCell,
    /// One cell of 一、本年新收, 二、上年结转 or 四、结转下年度 increased: that row's
    /// total and its column's 勾稽关系 break.
    BalanceCell,
    /// One cell of （七）总计 increased: its row total, its column's 勾稽关系 and its
    /// column's outcome sum all break.
    TotalProcessedCell,
    /// One applicant cell of 一、本年新收 and its 总计 both increased (the row still adds
    /// up): the 勾稽关系 breaks in that column and in 总计.
    NewReceivedShift,
    /// A table-四 group total increased.
    ReviewTotal,
    /// A table-三 cell printed blank (only in layouts that print blanks).
    BlankCell,
    /// The template published half-filled, as in seed 003: table 三 blank except
    /// （七）总计 and the 总计 of 四 (only in [`Layout::CellPerLine`], whose blank cells
    /// keep their places; elsewhere a row of blanks and one number cannot be placed).
    BlankTemplate,
    /// Section 六 with a heading and no body.
    EmptyOther,
    /// Section 五 with a heading and no body.
    EmptyProblems,
    /// The heading of section 五 or 六 missing (its text runs on in the section before).
    MissingSection,
    /// Sections 五 and 六 printed in the wrong order.
    SectionsSwapped,
    /// "全年共受理政府信息公开申请N件" with N neither 新收总计 nor 新收 + 上年结转 — or,
    /// as in seed 000, "未收到政府信息公开申请" while table 三 shows requests.
    ProseCount,
    /// "全年未发生因政府信息公开引起的行政复议、行政诉讼" while table 四 shows review
    /// cases (seed 000); no lawsuits, so only the review count contradicts.
    ProseReview,
    /// The opening sentence of 总体情况 dated the previous year (copied from last year).
    OpeningYear,
    /// The superseded 2019 template: table 二 in the 2019 edition and （六）其他处理 as one row.
    Edition2019,
    /// Table 二 in the 2021 edition but table 三 with the single （六）其他处理 row of 2019.
    Table3Edition2019,
    /// Table 四 not printed (section 四 says in words that there were no cases).
    MissingReviewTable,
}

impl Injection {
    pub const ALL: [Injection; 17] = [
        Injection::OutcomeCell,
        Injection::BalanceCell,
        Injection::TotalProcessedCell,
        Injection::NewReceivedShift,
        Injection::ReviewTotal,
        Injection::BlankCell,
        Injection::BlankTemplate,
        Injection::EmptyOther,
        Injection::EmptyProblems,
        Injection::MissingSection,
        Injection::SectionsSwapped,
        Injection::ProseCount,
        Injection::ProseReview,
        Injection::OpeningYear,
        Injection::Edition2019,
        Injection::Table3Edition2019,
        Injection::MissingReviewTable,
    ];

    /// Stable kebab-case name, for command lines and file names.
    pub fn name(self) -> &'static str {
        match self {
            Injection::OutcomeCell => "outcome-cell",
            Injection::BalanceCell => "balance-cell",
            Injection::TotalProcessedCell => "total-processed-cell",
            Injection::NewReceivedShift => "new-received-shift",
            Injection::ReviewTotal => "review-total",
            Injection::BlankCell => "blank-cell",
            Injection::BlankTemplate => "blank-template",
            Injection::EmptyOther => "empty-other",
            Injection::EmptyProblems => "empty-problems",
            Injection::MissingSection => "missing-section",
            Injection::SectionsSwapped => "sections-swapped",
            Injection::ProseCount => "prose-count",
            Injection::ProseReview => "prose-review",
            Injection::OpeningYear => "opening-year",
            Injection::Edition2019 => "edition-2019",
            Injection::Table3Edition2019 => "table3-edition-2019",
            Injection::MissingReviewTable => "missing-review-table",
        }
    }

    /// The injection of an [`Injection::name`].
    pub fn from_name(name: &str) -> Option<Injection> {
        Injection::ALL.into_iter().find(|e| e.name() == name)
    }

    /// Can the injection be printed in `layout`?
    pub fn fits(self, layout: Layout) -> bool {
        match self {
            Injection::BlankCell => layout.prints_blanks(),
            Injection::BlankTemplate => layout == Layout::CellPerLine,
            _ => true,
        }
    }

    /// The rule names of the document findings this injection implies on its own, in a
    /// report that is otherwise clean. (With several injections, or when section 六 is
    /// emptied while table 二 shows fees, [`Synthetic::expected`] is the exact list.)
    pub fn implies(self) -> &'static [&'static str] {
        match self {
            // Row total of the changed row; （七） ≠ Σ outcomes in the changed column.
            Injection::OutcomeCell => &["table3-row-total", "table3-outcome-total"],
            // Row total of the changed row; 一 + 二 ≠ （七） + 四 in the changed column.
            Injection::BalanceCell => &["table3-row-total", "table3-column-balance"],
            // （七） is in the row total, the 勾稽关系 and the outcome sum of its column.
            Injection::TotalProcessedCell => &[
                "table3-row-total",
                "table3-column-balance",
                "table3-outcome-total",
            ],
            // Applicant column and 总计 column both off by the same amount.
            Injection::NewReceivedShift => &["table3-column-balance", "table3-column-balance"],
            Injection::ReviewTotal => &["table4-group-total"],
            // The arithmetic rules skip rows and columns with a blank.
            Injection::BlankCell => &["blank-cell"],
            // One per row with blanks: every row but （七）, 25 − 1 (23 − 1 with the
            // single （六） row); nothing adds up, so no arithmetic rule applies.
            Injection::BlankTemplate => &["blank-cell"; 24],
            Injection::EmptyOther | Injection::EmptyProblems => &["empty-section"],
            Injection::MissingSection => &["missing-section"],
            Injection::SectionsSwapped => &["section-order"],
            Injection::ProseCount | Injection::ProseReview => &["prose-table-mismatch"],
            Injection::OpeningYear => &["year-mismatch"],
            // One per table in the wrong edition.
            Injection::Edition2019 => &["edition-mismatch", "edition-mismatch"],
            Injection::Table3Edition2019 => &["edition-mismatch"],
            Injection::MissingReviewTable => &["missing-table"],
        }
    }
}

/// What to generate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub layout: Layout,
    /// Print some ideographs as Kangxi radicals / CJK radicals-supplement chars, as PDF
    /// text layers do (seed 002).
    pub kangxi: bool,
    /// Drop one zero organisation cell from some table-三 rows, as conversions do
    /// (seed 001). Only in layouts that lose cells ([`Layout::loses_cells`]); only zero
    /// cells in a run of at least two zero organisation cells, never a nonzero one.
    pub lose_zero_cells: bool,
    /// Errors to plant (each at most once; those that do not fit the layout are skipped).
    /// With several, one may undo or mask another (a blank cell silences the identities
    /// it is part of); [`Synthetic::expected`] is exact all the same.
    pub errors: Vec<Injection>,
    /// Probability of one more error, drawn from the seed among those that fit — for
    /// corpora with a realistic share of faulty reports.
    pub error_rate: f64,
}

/// A generated report with its answer key.
#[derive(Clone, Debug, PartialEq)]
pub struct Synthetic {
    pub seed: u64,
    pub layout: Layout,
    pub agency: String,
    /// The gazetteer code of the agency's unit (410782 for 辉县市教育局): the agency's
    /// name resolves to it (`gongkai_gazetteer::resolve_agency`).
    pub region_code: &'static str,
    pub year: i32,
    /// The tables as printed (errors included; lost cells are still here: they were
    /// printed in the original, the conversion lost them).
    pub tables: Tables,
    /// The report's text.
    pub text: String,
    /// Multiset (sorted) of rule names of the document findings the planted errors
    /// imply: exactly what a correct checker reports of kind "document".
    pub expected: Vec<&'static str>,
    /// The errors planted, in the order applied.
    pub injected: Vec<Injection>,
    /// Table-三 cells dropped from the text by `lose_zero_cells` (all zeros).
    pub lost: Vec<(RequestRowKey, RequestColumn)>,
}

// ---------------------------------------------------------------------------
// The document plan
// ---------------------------------------------------------------------------

/// A section as printed: whether its heading is there and whether it has a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SectionPlan {
    pub kind: SectionKind,
    pub heading: bool,
    pub empty: bool,
}

/// A count the prose states, which the checker compares with the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Claim {
    /// 共受理政府信息公开申请N件 → 新收总计 (or 新收 + 上年结转).
    Received(i64),
    /// 未收到政府信息公开申请 → 新收总计 = 0.
    NoneReceived,
    /// 行政复议N件 → table 四 行政复议 总计.
    Review(i64),
    /// 行政诉讼N件 → the two litigation totals.
    Litigation(i64),
    /// 上年结转…N件 → 二、上年结转 总计.
    CarriedOver(i64),
    /// 结转下年度继续办理N件 → 四 总计.
    CarriedForward(i64),
}

/// A block of a section body: a sub-heading line or a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    Heading(String),
    Para(String),
}

/// Everything decided about one report, before it is printed.
pub(crate) struct Doc {
    pub agency: String,
    /// The place whose government's portal publishes the report (web layouts' chrome).
    pub portal: String,
    pub year: i32,
    pub tables: Tables,
    pub sections: Vec<SectionPlan>,
    /// Text between the title and the first heading.
    pub preamble: Vec<Block>,
    pub overview: Vec<Block>,
    pub problems: Vec<Block>,
    pub other: Vec<Block>,
    /// Section 四's text when table 四 is not printed.
    pub review_note: String,
    /// Counts stated in section 一 (with the section's heading present, they are checked).
    pub claims: Vec<Claim>,
    /// The year of the opening "YYYY年，" of section 一, if it has one.
    pub opening_year: Option<i32>,
    /// The 一、总体情况 heading printed once more before the title (a PDF page-order artefact).
    pub heading_before_title: bool,
    /// Table-三 cells not printed (lost in conversion): row key, column index.
    pub lost: Vec<(RequestRowKey, usize)>,
}

impl Doc {
    /// Does the report show fees that section 六 must account for (table 二)?
    pub fn fees_shown(&self) -> bool {
        fees_shown(&self.tables)
    }

    /// Does section 六's own text say anything about fees (a 费 anywhere)?
    pub fn other_mentions_fee(&self) -> bool {
        self.other.iter().any(|b| match b {
            Block::Heading(s) | Block::Para(s) => s.contains('费'),
        })
    }
}

/// Table 二 shows fees: a positive 2021 amount, or 2019 items + change > 0 — what
/// obliges section 六 to say something about fees.
pub(crate) fn fees_shown(t: &Tables) -> bool {
    let Some(row) = t.active.iter().find(|r| r.key == ActiveRowKey::Fees) else {
        return false;
    };
    match t.active_edition {
        Edition::E2019 => {
            let v: i64 = row
                .cells
                .iter()
                .map(|c| match c {
                    Some(Value::Count(n)) => *n,
                    _ => 0,
                })
                .sum();
            v > 0
        }
        _ => row.cells.iter().any(|c| match c {
            Some(Value::Amount(s)) => {
                let t = s.trim_end_matches("万元").trim_end_matches('元');
                t.parse::<f64>().is_ok_and(|v| v > 0.0)
            }
            Some(Value::Count(n)) => *n > 0,
            _ => false,
        }),
    }
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/// Stream tags: the same seed draws the same tables and prose in every layout.
const S_AGENCY: u64 = 1;
const S_TABLES: u64 = 2;
const S_INJECT: u64 = 3;
const S_PROSE: u64 = 4;
const S_LAYOUT: u64 = 5;
const S_LOSS: u64 = 6;
/// The agency has a stream of its own, so that how agencies are drawn does not change
/// the year or the tables of a seed (the prose speaks of the agency, so it follows it).
const S_NAME: u64 = 7;

/// Generate one report from `seed`.
pub fn generate(seed: u64, opts: &Options) -> Synthetic {
    let mut r_agency = Rng::new(seed, S_AGENCY);
    let mut r_tables = Rng::new(seed, S_TABLES);
    let mut r_inject = Rng::new(seed, S_INJECT);

    let agency = names::agency(&mut Rng::new(seed, S_NAME));
    let year = r_agency.range(2021, 2025) as i32;
    let tables = tables::generate(&mut r_tables);

    // The errors to plant: the requested ones that fit, each once, plus maybe a random one.
    let mut errors: Vec<Injection> = Vec::new();
    for &e in &opts.errors {
        if e.fits(opts.layout) && !errors.contains(&e) {
            errors.push(e);
        }
    }
    if opts.error_rate > 0.0 && r_inject.chance(opts.error_rate) {
        let fitting: Vec<Injection> = Injection::ALL
            .into_iter()
            .filter(|e| e.fits(opts.layout) && !errors.contains(e))
            .collect();
        if !fitting.is_empty() {
            errors.push(r_inject.pick(&fitting));
        }
    }
    build(Plan {
        seed,
        opts,
        agency: &agency,
        year,
        tables,
        errors,
        r_inject,
        protected: &[],
        problems: None,
    })
    .synthetic
}

/// Everything [`build`] needs that a single report draws from its seed and a corpus
/// decides for it (the agency across years, tables continuing last year's, errors that
/// fit the report's part in cross-report errors, a copied section 五).
pub(crate) struct Plan<'a> {
    pub seed: u64,
    pub opts: &'a Options,
    pub agency: &'a names::Agency,
    pub year: i32,
    /// Consistent tables in the 2021 edition, before any injection.
    pub tables: Tables,
    /// Errors to plant (already filtered to fit the layout).
    pub errors: Vec<Injection>,
    /// The stream the injections draw their targets from.
    pub r_inject: Rng,
    /// Table-三 rows the cell injections must leave alone (a corpus keeps the rows that
    /// continue across years intact, so that a cross-report error is only where planted).
    pub protected: &'a [RequestRowKey],
    /// Section 五 to print instead of a fresh one (a copy of another report's).
    pub problems: Option<Vec<Block>>,
}

/// A built report, with what a corpus needs to continue or copy it.
pub(crate) struct Built {
    pub synthetic: Synthetic,
    /// Section 五 as planned (printed unless the section is emptied).
    pub problems: Vec<Block>,
}

/// Plant the errors, write the prose from the tables as printed, print the report.
pub(crate) fn build(plan: Plan<'_>) -> Built {
    let Plan {
        seed,
        opts,
        agency,
        year,
        mut tables,
        mut errors,
        mut r_inject,
        protected,
        problems,
    } = plan;
    let mut r_prose = Rng::new(seed, S_PROSE);
    let mut r_layout = Rng::new(seed, S_LAYOUT);
    let mut r_loss = Rng::new(seed, S_LOSS);

    if errors.contains(&Injection::Edition2019) {
        errors.retain(|e| *e != Injection::Table3Edition2019);
    }
    // One fixed order whatever the order asked for, so a set of errors always gives
    // the same report. (Table shapes are changed before any cell, below.)
    errors.sort();
    let has = |e: Injection| errors.contains(&e);

    if has(Injection::Edition2019) {
        tables::use_2019_active(&mut tables, &mut r_inject);
        tables::merge_other_handling(&mut tables);
    }
    if has(Injection::Table3Edition2019) {
        tables::merge_other_handling(&mut tables);
    }
    let mut touched: Vec<RequestRowKey> = protected.to_vec();
    for &e in &errors {
        inject_cells(
            e,
            &mut tables,
            opts.layout,
            &mut r_inject,
            &mut touched,
            protected,
        );
    }
    if has(Injection::MissingReviewTable) {
        tables.review = None;
    }

    // Prose, from the tables as printed: it agrees with them unless told otherwise.
    let opening_year = if has(Injection::OpeningYear) {
        Some(year - 1)
    } else if r_prose.chance(0.7) {
        Some(year)
    } else {
        None
    };
    let (overview, claims) = prose::overview(
        &mut r_prose,
        agency,
        year,
        &tables,
        opening_year,
        prose::Errors {
            count: has(Injection::ProseCount),
            review: has(Injection::ProseReview),
        },
    );
    let fees = fees_shown(&tables);
    let mut sections: Vec<SectionPlan> = SectionKind::ALL
        .iter()
        .map(|&kind| SectionPlan {
            kind,
            heading: true,
            empty: false,
        })
        .collect();
    if has(Injection::EmptyOther) {
        sections[5].empty = true;
    }
    if has(Injection::EmptyProblems) {
        sections[4].empty = true;
    }
    if has(Injection::MissingSection) {
        let i = if r_inject.chance(0.5) { 4 } else { 5 };
        sections[i].heading = false;
    }
    if has(Injection::SectionsSwapped) {
        sections.swap(4, 5);
    }

    let preamble = prose::preamble(&mut r_prose, agency, year);
    // A fresh section 五 is drawn either way, so that the rest of the prose stream (and
    // so the rest of the report) does not depend on whether 五 is a copy.
    let fresh = prose::problems(&mut r_prose, agency);
    let problems = problems.unwrap_or(fresh);
    let mut doc = Doc {
        agency: agency.name.clone(),
        portal: agency.portal.clone(),
        year,
        preamble,
        overview,
        problems,
        other: prose::other(&mut r_prose, agency, year, fees),
        review_note: prose::review_note(&mut r_prose),
        tables,
        sections,
        claims,
        opening_year,
        heading_before_title: matches!(
            opts.layout,
            Layout::Spaces | Layout::WrappedLabels | Layout::Garbled
        ) && opening_year != Some(year - 1)
            && r_layout.chance(0.15),
        lost: Vec::new(),
    };
    if opts.lose_zero_cells && opts.layout.loses_cells() {
        doc.lost = lose_cells(&doc.tables, &mut r_loss);
    }

    let mut text = render::render(&doc, opts.layout, &mut r_layout);
    if opts.layout == Layout::Garbled {
        text = garble::garble(&text, &mut r_layout);
    }
    if opts.kangxi {
        text = radicals(&text, &mut r_layout);
    }
    let expected = expect::expected(&doc);
    let synthetic = Synthetic {
        seed,
        layout: opts.layout,
        agency: doc.agency,
        region_code: agency.region_code,
        year,
        lost: doc
            .lost
            .iter()
            .map(|&(k, c)| (k, RequestColumn::ALL[c]))
            .collect(),
        tables: doc.tables,
        text,
        expected,
        injected: errors,
    };
    Built {
        synthetic,
        problems: doc.problems,
    }
}

/// A row not yet changed by another injection, so that each error stands on its own.
fn fresh_row(
    rng: &mut Rng,
    t: &Tables,
    candidates: &[RequestRowKey],
    touched: &mut Vec<RequestRowKey>,
) -> Option<RequestRowKey> {
    let free: Vec<RequestRowKey> = candidates
        .iter()
        .copied()
        .filter(|k| !touched.contains(k) && t.row(*k).is_some())
        .collect();
    if free.is_empty() {
        return None;
    }
    let k = rng.pick(&free);
    touched.push(k);
    Some(k)
}

fn bump(cell: &mut Option<i64>, d: i64) {
    if let Some(v) = cell {
        *v += d;
    }
}

/// Apply a cell-level injection to the tables.
fn inject_cells(
    e: Injection,
    t: &mut Tables,
    layout: Layout,
    rng: &mut Rng,
    touched: &mut Vec<RequestRowKey>,
    protected: &[RequestRowKey],
) {
    use RequestRowKey::*;
    let d = rng.range(1, 3);
    let outcome_rows: Vec<RequestRowKey> = t
        .requests
        .iter()
        .map(|r| r.key)
        .filter(|k| k.def().is_outcome)
        .collect();
    let one = |t: &mut Tables, k: Option<RequestRowKey>, col: usize| {
        if let Some(cells) = k.and_then(|k| t.row_mut(k)) {
            bump(&mut cells[col], d);
        }
    };
    match e {
        Injection::OutcomeCell => {
            let k = fresh_row(rng, t, &outcome_rows, touched);
            one(t, k, rng.below(7));
        }
        Injection::BalanceCell => {
            let k = fresh_row(rng, t, &[NewReceived, CarriedOver, CarriedForward], touched);
            one(t, k, rng.below(7));
        }
        Injection::TotalProcessedCell => {
            let k = fresh_row(rng, t, &[TotalProcessed], touched);
            one(t, k, rng.below(7));
        }
        Injection::NewReceivedShift => {
            let k = fresh_row(rng, t, &[NewReceived], touched);
            let col = rng.below(6);
            if let Some(cells) = k.and_then(|k| t.row_mut(k)) {
                bump(&mut cells[col], d);
                bump(&mut cells[6], d);
            }
        }
        Injection::ReviewTotal => {
            if let Some(review) = t.review.as_mut() {
                let g = rng.below(3);
                bump(&mut review[g][4], d);
            }
        }
        Injection::ProseReview => {
            // Review cases, no lawsuits: the prose will deny both.
            if let Some(review) = t.review.as_mut() {
                if review[0][4] == Some(0) {
                    review[0] = [Some(d), Some(0), Some(0), Some(0), Some(d)];
                }
                review[1] = [Some(0); 5];
                review[2] = [Some(0); 5];
            }
        }
        Injection::BlankTemplate => {
            for r in &mut t.requests {
                match r.key {
                    TotalProcessed => {}
                    CarriedForward => r.cells[..6].fill(None),
                    _ => r.cells = [None; 7],
                }
            }
        }
        Injection::BlankCell => {
            // Never the 总计 column (the prose quotes totals). With tabs, a blank
            // 自然人 cell would stand at the row's edge next to the merged label column's
            // empty cells, where no reader can tell it from layout: keep it inside.
            let keys: Vec<RequestRowKey> = t
                .requests
                .iter()
                .map(|r| r.key)
                .filter(|k| !protected.contains(k))
                .collect();
            let k = rng.pick(&keys);
            let first = if layout == Layout::Tabs { 1 } else { 0 };
            let col = rng.range(first, 5) as usize;
            if let Some(cells) = t.row_mut(k) {
                cells[col] = None;
            }
        }
        _ => {}
    }
}

/// Choose table-三 cells to lose: in some rows, one zero organisation cell inside a run
/// of at least two zero organisation cells (as in seed 001, where the converter dropped
/// one of the empty-looking zeros). Rows with a blank cell are left alone.
fn lose_cells(t: &Tables, rng: &mut Rng) -> Vec<(RequestRowKey, usize)> {
    let share = [0.3, 0.6, 1.0][rng.below(3)];
    let mut out = Vec::new();
    for r in &t.requests {
        if r.cells.iter().any(Option::is_none) || !rng.chance(share) {
            continue;
        }
        let zero = |c: usize| r.cells[c] == Some(0);
        let runs: Vec<usize> = (1..=5)
            .filter(|&c| zero(c) && ((c > 1 && zero(c - 1)) || (c < 5 && zero(c + 1))))
            .collect();
        if !runs.is_empty() {
            out.push((r.key, rng.pick(&runs)));
        }
    }
    out
}

/// Garble any text as [`Layout::Garbled`] does: ideographs printed as Kangxi radicals,
/// CJK radicals-supplement characters or CJK compatibility ideographs (each one form
/// throughout), as PDF text layers have them — every form one the text normaliser folds
/// back. Deterministic in `seed`; for damage tests on text from elsewhere.
pub fn garble(text: &str, seed: u64) -> String {
    garble::garble(text, &mut Rng::new(seed, S_LAYOUT))
}

/// Print some ideographs as radicals. A PDF font maps a glyph one way throughout, so
/// each character is either always replaced or never, decided per document.
fn radicals(text: &str, rng: &mut Rng) -> String {
    let share = [0.5, 0.8, 1.0][rng.below(3)];
    let on: Vec<bool> = kangxi::RADICALS.iter().map(|_| rng.chance(share)).collect();
    text.chars()
        .map(|c| match kangxi::position(c) {
            Some(i) if on[i] => kangxi::RADICALS[i].1,
            _ => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The answer key as JSON
// ---------------------------------------------------------------------------

fn cell_json(v: &Option<Value>) -> Json {
    match v {
        None => Json::Null,
        Some(Value::Count(n)) => json!(n),
        Some(Value::Amount(s)) | Some(Value::Invalid(s)) => json!(s),
    }
}

/// The canonical JSON (spec §6) of the generated tables: exactly what
/// `gongkai_model::canonical_json(&report, Default::default())` gives for a perfect
/// reading, without its `source` key. Includes `table3_edition` when table 三's layout
/// differs from table 二's edition, as the canonical form does.
pub fn tables_json(s: &Synthetic) -> Json {
    let t = &s.tables;
    let mut root = Map::new();
    root.insert("agency".into(), json!(s.agency));
    root.insert("year".into(), json!(s.year));
    root.insert("edition".into(), json!(t.active_edition.as_str()));

    let mut active = Map::new();
    active.insert("edition".into(), json!(t.active_edition.as_str()));
    for row in &t.active {
        let Some(def) = active_row(t.active_edition, row.key) else {
            continue;
        };
        let mut m = Map::new();
        for (col, v) in def.columns.iter().zip(&row.cells) {
            m.insert(col.key.key().into(), cell_json(v));
        }
        active.insert(row.key.key().into(), Json::Object(m));
    }
    root.insert("active_disclosure".into(), Json::Object(active));

    if t.requests_edition() != t.active_edition {
        root.insert(
            "table3_edition".into(),
            json!(t.requests_edition().as_str()),
        );
    }
    let mut rows = Map::new();
    for r in &t.requests {
        rows.insert(
            r.key.key().into(),
            Json::Array(
                r.cells
                    .iter()
                    .map(|c| c.map_or(Json::Null, |n| json!(n)))
                    .collect(),
            ),
        );
    }
    root.insert(
        "requests".into(),
        json!({ "columns": REQUEST_COLUMN_KEYS, "rows": rows }),
    );

    let review = t.review.map_or(Json::Null, |cells| {
        let mut m = Map::new();
        for g in ReviewGroup::ALL {
            let mut gm = Map::new();
            for c in ReviewColumn::ALL {
                let v = cells[g.index()][c.index()];
                gm.insert(c.key().into(), v.map_or(Json::Null, |n| json!(n)));
            }
            m.insert(g.key().into(), Json::Object(gm));
        }
        Json::Object(m)
    });
    root.insert("review_litigation".into(), review);
    Json::Object(root)
}

/// Write `DIR/STEM.txt` (the report; `.md` or `.js` as [`Layout::extension`] says) and `DIR/truth/STEM.json` (its tables in the
/// canonical form with `source` and `expected_findings`, like the seeds' truth files).
/// Returns the path of the report.
pub fn write(dir: &Path, stem: &str, s: &Synthetic) -> io::Result<PathBuf> {
    let truth_dir = dir.join("truth");
    std::fs::create_dir_all(&truth_dir)?;
    let file = format!("{stem}.{}", s.layout.extension());
    let path = dir.join(&file);
    std::fs::write(&path, &s.text)?;
    let mut truth = Map::new();
    truth.insert("source".into(), json!(file));
    if let Json::Object(m) = tables_json(s) {
        truth.extend(m);
    }
    truth.insert("expected_findings".into(), json!(s.expected));
    let body = serde_json::to_string_pretty(&Json::Object(truth)).map_err(io::Error::other)?;
    std::fs::write(truth_dir.join(format!("{stem}.json")), body + "\n")?;
    Ok(path)
}
