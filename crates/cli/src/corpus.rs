//! The corpus commands: ingest, history, compare, consolidate, summary, agencies, synth
//! (and export, in `export.rs`). Each opens the database named by `--database` or
//! `GONGKAI_DATABASE` (default `gongkai.db`, SQLite).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use gongkai_check::Selection;
use gongkai_corpus::compare::Comparison;
use gongkai_corpus::consolidate::{self, Consolidated};
use gongkai_corpus::resolve::{NamedReport, ReportSpec};
use gongkai_corpus::summary::{self, RankingOptions, Summary};
use gongkai_corpus::{cross, IngestOptions, Mapping, Progress};
use gongkai_gazetteer::PlaceStatus;
use gongkai_model::agency::Level;
use gongkai_store::{Filter, Store};
use serde_json::json;

use crate::render::pad;
use crate::{print, ColorChoice, Format};

/// The database options every corpus command takes.
#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// 语料库数据库：SQLite 文件路径，或 postgres://… 连接串 (corpus database)
    #[arg(long, env = gongkai_store::DATABASE_ENV, default_value = gongkai_store::DEFAULT_DATABASE)]
    pub database: String,
}

impl DbArgs {
    /// For the commands that write: creates and migrates the database as needed.
    pub fn open(&self) -> Result<Store, ExitCode> {
        Store::open(&self.database).map_err(|e| self.failed(e))
    }

    /// For the commands that only read: an existing database, opened read-only.
    pub fn open_read_only(&self) -> Result<Store, ExitCode> {
        Store::open_read_only(&self.database).map_err(|e| self.failed(e))
    }

    /// [`DbArgs::open_read_only`], choosing whether SQLite's pages are checked first.
    pub fn open_read_only_with(
        &self,
        integrity: gongkai_store::Integrity,
    ) -> Result<Store, ExitCode> {
        Store::open_read_only_with(&self.database, integrity).map_err(|e| self.failed(e))
    }

    fn failed(&self, e: gongkai_store::StoreError) -> ExitCode {
        errln!("gongkai: 无法打开数据库 {}：{e}", redact(&self.database));
        ExitCode::from(2)
    }
}

/// A connection string without its password, for messages.
pub(crate) fn redact(target: &str) -> String {
    match (target.find("://"), target.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &target[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &target[..s + 3], &target[at..]),
                None => target.to_string(),
            }
        }
        _ => target.to_string(),
    }
}

/// Which stored reports a command works on.
#[derive(clap::Args, Clone, Default)]
pub struct FilterArgs {
    /// 机关名称包含此文字 (agency name contains)
    #[arg(long)]
    pub agency: Option<String>,
    /// 地区：地名或区划代码，含其下全部单位，如“新乡市”“4107”“辉县市” (region: a place name or code, everything below it)
    #[arg(long)]
    pub region: Option<String>,
    /// 层级：省 市 县 区 乡镇 街道 部门 (level)
    #[arg(long, value_parser = parse_level)]
    pub level: Option<Level>,
    /// 年度 (year)
    #[arg(long)]
    pub year: Option<i32>,
    /// 包括旧版本（默认只用每份报告的最新版本） (include superseded versions)
    #[arg(long)]
    pub all_versions: bool,
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::from_zh(s).ok_or_else(|| format!("“{s}”不是 省、市、县、区、乡镇、街道、部门 之一"))
}

impl FilterArgs {
    /// The store's filter; a region that names no single unit is reported (with the
    /// candidates) and gives exit code 2.
    pub fn filter(&self) -> Result<Filter, ExitCode> {
        let region_code = self
            .region
            .as_deref()
            .map(crate::region::region_code)
            .transpose()?;
        Ok(Filter {
            all_versions: self.all_versions,
            agency: self.agency.clone(),
            region_code,
            level: self.level,
            year: self.year,
            ids: None,
        })
    }
}

/// A stored metric as JSON: counts as integers (the store keeps every metric as a
/// float), rates as numbers, `null` when not computable.
fn metric_json(key: &str, value: Option<f64>) -> serde_json::Value {
    use gongkai_model::metrics::{MetricKey, MetricKind};
    let count = MetricKey::from_key(key).is_some_and(|k| k.kind() == MetricKind::Count);
    match value {
        None => serde_json::Value::Null,
        // Counts come from integer cells; one that is not a whole number in range is
        // shown as stored rather than rounded.
        Some(v) if count && v.fract() == 0.0 && v.abs() < 9.0e15 => json!(v as i64),
        Some(v) => json!(v),
    }
}

fn metrics_json(values: &std::collections::BTreeMap<String, Option<f64>>) -> serde_json::Value {
    serde_json::Value::Object(
        values
            .iter()
            .map(|(k, v)| (k.clone(), metric_json(k, *v)))
            .collect(),
    )
}

pub(crate) fn store_err(e: impl std::fmt::Display) -> ExitCode {
    errln!("gongkai: {e}");
    ExitCode::from(2)
}

/// What to tell the user when the stored cross-report findings are stale (the last
/// cross-report step did not finish: killed, or failed after the reports were stored).
/// Never silent: a command that shows cross-report findings says that they may be
/// missing, and how to recompute them.
pub fn stale_cross_findings(store: &mut Store) -> Result<Option<String>, ExitCode> {
    let state = store.cross_state().map_err(store_err)?;
    Ok(state.stale.then(|| {
        "跨报告检查结果已过期（上次的跨报告检查没有完成，可能被中断），跨报告问题可能缺失或过时；\
再次运行 `gongkai ingest <文件或文件夹>` 即可重新计算（已读入的文件不会重复读取）"
            .to_string()
    }))
}

/// Warns on stderr when the cross-report findings are stale; `Err` only if the database
/// cannot say.
fn warn_if_cross_stale(store: &mut Store) -> Result<(), ExitCode> {
    if let Some(message) = stale_cross_findings(store)? {
        errln!("gongkai: 注意：{message}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// ingest
// ---------------------------------------------------------------------------

pub struct IngestArgs {
    pub paths: Vec<PathBuf>,
    /// Recompute every cross-report finding.
    pub recheck_all: bool,
    /// With `recheck_all`: recount the stock phrases too.
    pub refresh_stock: bool,
    pub db: DbArgs,
    pub mapping: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub copied_threshold: Option<f64>,
    pub copied_min_chars: Option<usize>,
    pub progress: bool,
    pub format: Format,
    pub meta: crate::meta::MetaArgs,
    /// `--enqueue` / `--worker` and their options (`crate::workers`).
    pub queue: crate::workers::QueueArgs,
}

impl IngestArgs {
    /// How files are read and checked: rules, copied-text thresholds, agency mapping,
    /// metadata. A bad option is reported and gives exit code 2.
    pub fn reading_options(&self) -> Result<IngestOptions, ExitCode> {
        let selection = match Selection::new(&self.select, &self.ignore) {
            Ok(s) => s,
            Err(e) => {
                errln!("gongkai: {e}（`gongkai rules` 列出全部规则）");
                return Err(ExitCode::from(2));
            }
        };
        let metadata = self.meta.source()?;
        let mapping = match &self.mapping {
            Some(p) => Mapping::load(p).map_err(store_err)?,
            None => Mapping::default(),
        };
        let mut similarity = gongkai_similar::Options::default();
        if let Some(t) = self.copied_threshold {
            if !(0.0..=1.0).contains(&t) {
                errln!("gongkai: --copied-threshold 应在 0 到 1 之间");
                return Err(ExitCode::from(2));
            }
            similarity.threshold = t;
        }
        if let Some(n) = self.copied_min_chars {
            similarity.min_chars = n;
        }
        Ok(IngestOptions {
            selection,
            similarity,
            mapping,
            metadata,
            ..IngestOptions::default()
        })
    }

    /// Whether any option about reading was given (`--enqueue` takes none: the workers
    /// read).
    pub fn reads_with_options(&self) -> bool {
        self.mapping.is_some()
            || !self.select.is_empty()
            || !self.ignore.is_empty()
            || self.copied_threshold.is_some()
            || self.copied_min_chars.is_some()
            || self.meta.agency.is_some()
            || self.meta.year.is_some()
            || self.meta.manifest.is_some()
    }
}

/// Applies `--mapping` to the agencies already stored (as `ingest` does before reading).
pub fn apply_mapping(store: &mut Store, mapping: &Mapping) -> Result<(), ExitCode> {
    if !mapping.is_empty() {
        store
            .apply_mapping(&mapping.overrides(), &mapping.aliases())
            .map_err(store_err)?;
    }
    Ok(())
}

pub fn ingest(args: IngestArgs) -> ExitCode {
    if args.queue.enqueue {
        return crate::workers::enqueue(&args);
    }
    if args.queue.worker {
        return crate::workers::worker(&args);
    }
    let started = Instant::now();
    let opts = match args.reading_options() {
        Ok(o) => o,
        Err(code) => return code,
    };
    let files = gongkai_corpus::discover(&args.paths);
    let mut store = match args.db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Said in the output: the step below recomputes what a crash left stale.
    let was_stale = match store.cross_state() {
        Ok(s) => s.stale,
        Err(e) => return store_err(e),
    };
    if let Err(code) = apply_mapping(&mut store, &opts.mapping) {
        return code;
    }
    let bar = if args.progress {
        let bar = indicatif::ProgressBar::new(files.files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} 读取 {pos}/{len} 个文件 [{bar:40}] {rate} 预计还需 {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            // Whole files per second: indicatif's {per_sec} prints "2,168.2674/s".
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}", files_per_second(state.per_sec()));
                },
            )
            .progress_chars("=> "),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = |p: Progress| bar.set_position(p.done as u64);
    let summary = match gongkai_corpus::ingest(&mut store, &files, &opts, &report) {
        Ok(s) => s,
        Err(e) => {
            bar.abandon();
            return store_err(e);
        }
    };
    bar.finish_and_clear();
    let read_secs = started.elapsed().as_secs_f64();
    let mode = if args.recheck_all {
        cross::Mode::RecheckAll {
            refresh_stock: args.refresh_stock,
        }
    } else {
        cross::Mode::Auto
    };
    let cross = match cross::update(&mut store, &opts.selection, &opts.similarity, mode) {
        Ok(c) => c,
        Err(e) => return store_err(e),
    };
    let counts = match store.counts() {
        Ok(c) => c,
        Err(e) => return store_err(e),
    };
    let secs = started.elapsed().as_secs_f64();
    match args.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "database": redact(&args.db.database),
                "backend": store.backend().name(),
                "files": summary.files,
                "stored": summary.stored,
                "new_versions": summary.new_versions,
                "other_sources": summary.other_sources,
                "unchanged": summary.unchanged,
                "table2_rows_decided_by_corpus": summary.decided,
                "agencies_placed_by_folder": summary.placed_by_folder,
                "failed": summary.failed.iter().map(|(p, e)| json!({"file": p, "error": e})).collect::<Vec<_>>(),
                "cross": {
                    "year_pairs": cross.year_pairs, "carry_over_mismatch": cross.carry_over,
                    "stock_discontinuity": cross.stock, "sections": cross.sections,
                    "candidates": cross.candidates, "copied_text": cross.copied,
                    "texts": cross.texts, "largest_cluster": cross.largest_cluster,
                    "limited": cross.limited, "copied_text_clusters": cross.clusters,
                    "recomputed_stale": was_stale,
                    "mode": match cross.mode {
                        cross::StepMode::UpToDate => "up_to_date",
                        cross::StepMode::Incremental => "incremental",
                        cross::StepMode::Full => "full",
                    },
                    "taken_in": cross.taken_in, "rechecked_reports": cross.rechecked,
                    "stock_refresh": cross.stock_refresh.as_ref().map(|r| json!({
                        "agencies_before": r.before_agencies, "agencies": r.agencies,
                        "threshold": r.threshold, "copied_text_before": r.copied_before,
                        "copied_text_after": r.copied_after,
                    })),
                },
                "corpus": {
                    "agencies": counts.agencies, "reports": counts.reports,
                    "current_reports": counts.current_reports, "findings": counts.findings,
                    "corpus_findings": counts.corpus_findings, "failed_files": counts.failed_files,
                },
                "seconds": secs,
            }))
            .unwrap_or_default()
        ),
        Format::Human => {
            // Errors go where errors go; the summary (on stdout) counts them.
            for (_, error) in &summary.failed {
                errln!("无法读取：{error}");
            }
            let mut out = String::new();
            out.push_str(&format!(
                "{} 个文件：新增 {} 份报告，新版本 {} 份，同一报告的另一来源 {} 个，未变 {} 个，失败 {} 个（读取用时 {:.1} 秒）\n",
                summary.files,
                summary.stored,
                summary.new_versions,
                summary.other_sources,
                summary.unchanged,
                summary.failed.len(),
                read_secs
            ));
            if summary.decided > 0 {
                out.push_str(&format!(
                    "表二中数字连写、正文无法确定拆法的 {} 行，由语料库中同一报告的另一份或同一机关相邻年度的现行有效件数确定（X006 写明依据）\n",
                    summary.decided
                ));
            }
            if summary.placed_by_folder > 0 {
                out.push_str(&format!(
                    "{} 个同名地区的机关由同一文件夹中其他报告的地区确定（gongkai agencies 查看依据）\n",
                    summary.placed_by_folder
                ));
            }
            if was_stale {
                out.push_str("上次的跨报告检查没有完成（可能被中断），本次已全部重新计算\n");
            }
            out.push_str(&cross_step_lines(&cross));
            out.push_str(&format!(
                "语料库（{}，{}）：{} 个机关，{} 份报告（当前 {} 份），单报告问题 {} 条，跨报告问题 {} 条；共用时 {:.1} 秒\n",
                store.backend().name(),
                redact(&args.db.database),
                counts.agencies,
                counts.reports,
                counts.current_reports,
                counts.findings,
                counts.corpus_findings,
                secs
            ));
            print(&out, ColorChoice::Auto);
        }
    }
    if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// What a cross-report step did, for people.
fn cross_step_lines(c: &cross::CrossSummary) -> String {
    let mut out = String::new();
    match c.mode {
        cross::StepMode::UpToDate => {
            out.push_str("跨报告检查：没有变化的报告，结果已是最新\n");
            return out;
        }
        cross::StepMode::Incremental => out.push_str(&format!(
            "跨报告检查（增量）：新增或变化的报告 {} 份，复查受影响的报告 {} 份：\
相邻年度 {} 对，结转不一致 {} 处，现行有效件数不连续 {} 处；\
章节 {} 个，比对 {} 对，内容雷同 {} 处（其中 {} 处为多份报告文字相同）\n",
            c.taken_in,
            c.rechecked,
            c.year_pairs,
            c.carry_over,
            c.stock,
            c.sections,
            c.candidates,
            c.copied,
            c.clusters
        )),
        cross::StepMode::Full => {
            let why = match c.full_because {
                Some(cross::FullBecause::Asked) => "按 --recheck-all 全部重算",
                Some(cross::FullBecause::NoState) => "首次计算",
                Some(cross::FullBecause::ManyChanges) => "变化的报告较多，全部重算",
                Some(cross::FullBecause::StockDrift) => {
                    "机关数变化超过一成，重新统计常用语并全部重算"
                }
                Some(cross::FullBecause::PartialSelection) => "只选了部分跨报告规则，全部重算",
                None => "全部重算",
            };
            out.push_str(&format!(
                "跨报告检查（{why}）：相邻年度 {} 对，结转不一致 {} 处，现行有效件数不连续 {} 处；\
比较 {} 个章节（{} 种不同文字，同一文字最多出现 {} 次；候选 {} 对），内容雷同 {} 处（其中 {} 处为多份报告文字相同）\n",
                c.year_pairs, c.carry_over, c.stock, c.sections, c.texts, c.largest_cluster,
                c.candidates, c.copied, c.clusters
            ));
        }
    }
    if let Some(r) = &c.stock_refresh {
        match r.before_agencies {
            Some(before) => out.push_str(&format!(
                "常用语已重新统计（{before} 个机关 → {} 个，至少 {} 个机关使用的短语视为常用语）：内容雷同由 {} 处变为 {} 处，每处问题注明所依据的统计\n",
                r.agencies, r.threshold, r.copied_before, r.copied_after
            )),
            None => out.push_str(&format!(
                "常用语已统计（{} 个机关，至少 {} 个机关使用的短语视为常用语）\n",
                r.agencies, r.threshold
            )),
        }
    }
    out
}

/// The reading rate as the progress bar shows it: "2168 个/秒", "0.4 个/秒" when slow.
fn files_per_second(rate: f64) -> String {
    if !rate.is_finite() || rate <= 0.0 {
        "— 个/秒".into()
    } else if rate < 10.0 {
        format!("{rate:.1} 个/秒")
    } else {
        format!("{rate:.0} 个/秒")
    }
}

// ---------------------------------------------------------------------------
// failures
// ---------------------------------------------------------------------------

/// Removes reports by id, then brings the cross-report findings up to date (the
/// reports the removed ones were compared with are re-checked).
pub fn remove(ids: &[i64], db: &DbArgs) -> ExitCode {
    let mut store = match db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut missing = 0;
    for &id in ids {
        match store.remove_report(id) {
            Ok(Some(r)) => outln!(
                "已删除报告 {id}：{}{}（{}）",
                r.agency.as_deref().unwrap_or("（机关不明）"),
                r.year
                    .map_or("年度不明".to_string(), |y| format!("{y}年度")),
                r.source
            ),
            Ok(None) => {
                errln!("gongkai: 没有编号为 {id} 的报告");
                missing += 1;
            }
            Err(e) => return store_err(e),
        }
    }
    let similarity = gongkai_similar::Options::default();
    match cross::run(&mut store, &Selection::all(), &similarity) {
        Ok(c) => print(&cross_step_lines(&c), ColorChoice::Auto),
        Err(e) => return store_err(e),
    }
    if missing > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files and folders that gave no report (and have not been read as one since).
pub fn failures(db: &DbArgs, format: Format) -> ExitCode {
    let mut store = match db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let failed = match store.failures() {
        Ok(f) => f,
        Err(e) => return store_err(e),
    };
    let kind = |k: Option<gongkai_store::FailureKind>| k.map_or("未分类", |k| k.display_zh());
    match format {
        Format::Json => {
            let v: Vec<_> = failed
                .iter()
                .map(|f| {
                    json!({"path": f.path, "kind": f.kind.map(|k| k.as_str()),
                           "error": f.error, "ingested_at": f.ingested_at})
                })
                .collect();
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => {
            let mut out = String::new();
            for f in &failed {
                out.push_str(&format!("{}  {}\n", pad(kind(f.kind), 12), f.error));
            }
            let mut by_kind: std::collections::BTreeMap<&str, usize> = Default::default();
            for f in &failed {
                *by_kind.entry(kind(f.kind)).or_default() += 1;
            }
            let parts: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n} 个")).collect();
            out.push_str(&format!(
                "共 {} 个未能读取的文件或文件夹{}\n",
                failed.len(),
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("：{}", parts.join("，"))
                }
            ));
            print(&out, ColorChoice::Auto);
        }
    }
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------
// history
// ---------------------------------------------------------------------------

pub fn history(agency: &str, db: &DbArgs, format: Format) -> ExitCode {
    let mut store = match db.open_read_only() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut rows = match store.history(agency) {
        Ok(r) => r,
        Err(e) => return store_err(e),
    };
    if rows.is_empty() {
        // Not the exact canonical name: accept a unique partial match.
        let candidates = match store.reports(&Filter {
            agency: Some(agency.to_string()),
            ..Filter::default()
        }) {
            Ok(r) => r,
            Err(e) => return store_err(e),
        };
        let mut names: Vec<String> = candidates.into_iter().filter_map(|r| r.agency).collect();
        names.sort();
        names.dedup();
        match names.as_slice() {
            [one] => match store.history(one) {
                Ok(r) => rows = r,
                Err(e) => return store_err(e),
            },
            [] => {
                errln!("gongkai: 语料库中没有机关“{agency}”");
                return ExitCode::from(2);
            }
            many => {
                errln!("gongkai: “{agency}”对应多个机关：{}", many.join("、"));
                return ExitCode::from(2);
            }
        }
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if let Err(code) = warn_if_cross_stale(&mut store) {
        return code;
    }
    let findings = match store.findings(Some(&ids)) {
        Ok(f) => f,
        Err(e) => return store_err(e),
    };
    let metrics = match store.metrics_of(Some(&ids)) {
        Ok(m) => m,
        Err(e) => return store_err(e),
    };
    let sources = match store.sources(&ids) {
        Ok(s) => s,
        Err(e) => return store_err(e),
    };
    // Other files with the same tables (another format of the same report).
    let other_sources = |r: &gongkai_store::ReportRow| -> Vec<&str> {
        sources
            .iter()
            .filter(|(id, p)| *id == r.id && *p != r.source)
            .map(|(_, p)| p.as_str())
            .collect()
    };
    // Why a version is not current: the current one is read more completely, or newer.
    let not_current = |r: &gongkai_store::ReportRow| -> String {
        let rank = |x: &gongkai_store::ReportRow| match x.reading {
            Some(gongkai_model::ReadingStatus::Partial) => 0,
            _ => 1,
        };
        match rows.iter().find(|c| c.is_current && c.year == r.year) {
            Some(c) if rank(c) > rank(r) => format!(
                "（非当前版本：v{} {}，本版本{}）",
                c.version,
                c.reading.map_or("", |x| x.display_zh()),
                r.reading.map_or("", |x| x.display_zh())
            ),
            _ => "（已被新版本取代）".to_string(),
        }
    };
    let count = |id: i64, corpus: bool| {
        findings
            .iter()
            .filter(|f| f.report_id == id && f.corpus == corpus)
            .count()
    };
    let metric = |id: i64, key: &str| {
        metrics
            .iter()
            .find(|m| m.report_id == id)
            .and_then(|m| m.values.get(key).copied().flatten())
    };
    match format {
        Format::Json => {
            let v: Vec<_> = rows
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id, "agency": r.agency, "region": r.region,
                        "level": r.level.map(Level::as_zh), "year": r.year,
                        "version": r.version, "current": r.is_current, "source": r.source,
                        "format": r.format, "reading": r.reading.map(|x| x.as_str()),
                        "other_sources": other_sources(r),
                        "edition": r.edition, "findings": count(r.id, false),
                        "corpus_findings": count(r.id, true),
                        "received": metric_json("received", metric(r.id, "received")),
                        "disclosure_rate": metric_json("disclosure_rate", metric(r.id, "disclosure_rate")),
                        "cross": findings.iter().filter(|f| f.report_id == r.id && f.corpus)
                            .map(|f| json!({"code": f.finding.code, "message": f.finding.message, "other_report_id": f.other_report_id}))
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => {
            let first = &rows[0];
            let mut out = format!(
                "{}（{}，{}）\n",
                first.agency.as_deref().unwrap_or(""),
                first.region.as_deref().unwrap_or(""),
                first.level.map(Level::as_zh).unwrap_or("")
            );
            out.push_str(
                "编号    年度  版本  单报告问题  跨报告问题  本年新收  实质公开率  来源\n",
            );
            for r in &rows {
                out.push_str(&format!(
                    "{}  {}  {}  {}  {}  {}  {}  {}{}\n",
                    pad(&r.id.to_string(), 6),
                    pad(&r.year.map_or("?".into(), |y| y.to_string()), 4),
                    pad(&format!("v{}", r.version), 4),
                    pad(&count(r.id, false).to_string(), 10),
                    pad(&count(r.id, true).to_string(), 10),
                    pad(
                        &metric(r.id, "received").map_or("—".into(), |v| format!("{v:.0}")),
                        8
                    ),
                    pad(
                        &metric(r.id, "disclosure_rate")
                            .map_or("—".into(), |v| format!("{:.1}%", v * 100.0)),
                        10
                    ),
                    r.source,
                    if r.is_current {
                        String::new()
                    } else {
                        not_current(r)
                    }
                ));
                for p in other_sources(r) {
                    out.push_str(&format!("        同一报告的另一来源（表格相同）：{p}\n"));
                }
                for f in findings.iter().filter(|f| f.report_id == r.id && f.corpus) {
                    out.push_str(&format!(
                        "        {} {}：{}\n",
                        f.finding.code, f.finding.name, f.finding.message
                    ));
                }
            }
            print(&out, ColorChoice::Auto);
        }
    }
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------

/// A report named on the command line ([`ReportSpec`]); the database is opened, read
/// only, the first time a stored report is named.
fn load_report(spec: &str, db: &DbArgs, store: &mut Option<Store>) -> Result<NamedReport, String> {
    let spec = ReportSpec::parse(spec).map_err(|e| e.to_string())?;
    if spec.needs_store() && store.is_none() {
        *store = Some(
            Store::open_read_only(&db.database)
                .map_err(|e| format!("无法打开数据库 {}：{e}", redact(&db.database)))?,
        );
    }
    spec.load(store.as_mut()).map_err(|e| e.to_string())
}

pub fn compare(a: &str, b: &str, db: &DbArgs, all: bool, format: Format) -> ExitCode {
    let mut store = None;
    let mut load = |spec: &str| load_report(spec, db, &mut store);
    let a = match load(a) {
        Ok(x) => x,
        Err(e) => return store_err(e),
    };
    let b = match load(b) {
        Ok(x) => x,
        Err(e) => return store_err(e),
    };
    let c = gongkai_corpus::compare::compare(
        &a.label,
        &a.report,
        &b.label,
        &b.report,
        &gongkai_similar::Options::default(),
    );
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&c).unwrap_or_default()),
        Format::Human => print(&human_comparison(&c, all), ColorChoice::Auto),
    }
    ExitCode::SUCCESS
}

/// The printed title of a table, by its canonical key.
fn table_title(table: &str) -> &'static str {
    match table {
        "active_disclosure" => "表二 主动公开政府信息情况",
        "requests" => "表三 收到和处理政府信息公开申请情况",
        _ => "表四 政府信息公开行政复议、行政诉讼情况",
    }
}

fn side_line(s: &gongkai_corpus::compare::Side) -> String {
    format!(
        "{}：{} {}{}",
        s.label,
        s.agency.as_deref().unwrap_or("（未识别机关）"),
        s.year.map_or(String::new(), |y| format!("{y}年")),
        s.edition
            .as_deref()
            .map_or(String::new(), |e| format!("（{e}年版）"))
    )
}

fn human_comparison(c: &Comparison, all: bool) -> String {
    let mut out = format!("A  {}\nB  {}\n\n", side_line(&c.a), side_line(&c.b));
    let differing = c.differing().count();
    out.push_str(&format!(
        "表格：{} 个单元格，其中 {} 个不同\n",
        c.cells.len(),
        differing
    ));
    let mut table = "";
    for cell in c.cells.iter().filter(|x| all || x.differs()) {
        if cell.table != table {
            table = cell.table;
            out.push_str(&format!("  {}\n", table_title(table)));
        }
        let mark = if cell.differs() { "≠" } else { " " };
        out.push_str(&format!(
            "    {} {}  A {}  B {}\n",
            mark,
            pad(&format!("{}·{}", cell.row_label, cell.column_label), 44),
            pad(cell.a.as_deref().unwrap_or("（无）"), 8),
            cell.b.as_deref().unwrap_or("（无）")
        ));
    }
    if !c.cross_year.is_empty() {
        out.push_str("\n相邻年度检查：\n");
        for f in &c.cross_year {
            out.push_str(&format!(
                "  {}[{}] {}\n",
                f.severity.display_zh(),
                f.code,
                f.message
            ));
        }
    }
    out.push_str("\n文字相似度（A 的内容见于 B / B 的内容见于 A）：\n");
    for s in &c.sections {
        match (s.a_in_b, s.b_in_a) {
            (Some(x), Some(y)) => {
                out.push_str(&format!(
                    "  {}  {:.0}% / {:.0}%\n",
                    pad(s.title, 20),
                    x * 100.0,
                    y * 100.0
                ));
                for p in &s.passages {
                    let short: String = p.chars().take(60).collect();
                    out.push_str(&format!(
                        "      相同段落：“{short}{}”\n",
                        if p.chars().count() > 60 { "……" } else { "" }
                    ));
                }
            }
            _ => out.push_str(&format!("  {}  （缺少或过短，不比较）\n", pad(s.title, 20))),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// consolidate
// ---------------------------------------------------------------------------

pub fn consolidate(
    inputs: &[String],
    filter: &FilterArgs,
    name: Option<&str>,
    db: &DbArgs,
    format: Format,
) -> ExitCode {
    let mut store = None;
    let mut loaded = Vec::new();
    for spec in inputs {
        match load_report(spec, db, &mut store) {
            Ok(x) => loaded.push(x),
            Err(e) => return store_err(e),
        }
    }
    let filtering = filter.agency.is_some()
        || filter.region.is_some()
        || filter.level.is_some()
        || filter.year.is_some();
    if filtering {
        if store.is_none() {
            match db.open_read_only() {
                Ok(s) => store = Some(s),
                Err(code) => return code,
            }
        }
        let Some(s) = store.as_mut() else {
            return ExitCode::from(2);
        };
        let filter = match filter.filter() {
            Ok(f) => f,
            Err(code) => return code,
        };
        let rows = match s.reports(&filter) {
            Ok(r) => r,
            Err(e) => return store_err(e),
        };
        for r in rows {
            match load_report(&format!("#{}", r.id), db, &mut store) {
                Ok(x) => loaded.push(x),
                Err(e) => return store_err(e),
            }
        }
    }
    if loaded.is_empty() {
        errln!("gongkai: 没有要合计的报告（给出文件、#编号，或 --region/--level/--year/--agency 从语料库选择）");
        return ExitCode::from(2);
    }
    let default_name = filter
        .region
        .as_deref()
        .map(|r| format!("{r}{}合计", filter.level.map(Level::as_zh).unwrap_or("")))
        .unwrap_or_else(|| "合计".into());
    let name = name.map(str::to_string).unwrap_or(default_name);
    let inputs: Vec<consolidate::Input<'_>> = loaded
        .iter()
        .map(|named| consolidate::Input {
            label: named.label.clone(),
            report: &named.report,
            findings: &named.findings,
        })
        .collect();
    let c = consolidate::consolidate(&name, &inputs);
    match format {
        Format::Json => {
            let mut v = gongkai_model::canonical_json(
                &c.report,
                gongkai_model::CanonicalOptions::default(),
            );
            v["consolidation"] = serde_json::to_value(&c).unwrap_or_default();
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => print(&human_consolidated(&c), ColorChoice::Auto),
    }
    ExitCode::SUCCESS
}

fn human_consolidated(c: &Consolidated) -> String {
    let r = &c.report;
    let mut out = format!(
        "{} {}年 合计（{} 份报告，{}年版表格）\n\n输入：\n",
        r.agency().unwrap_or(""),
        r.year().map_or("?".into(), |y| y.to_string()),
        c.inputs.len(),
        c.edition.as_str()
    );
    for i in &c.inputs {
        out.push_str(&format!(
            "  {}  {} {}{}\n",
            i.label,
            i.agency.as_deref().unwrap_or("（未识别机关）"),
            i.year.map_or(String::new(), |y| format!("{y}年")),
            if i.flags.is_empty() {
                String::new()
            } else {
                format!("  ⚠ {}", i.flags.join("；"))
            }
        ));
    }
    let mut table = "";
    out.push('\n');
    for k in r.keyed_cells() {
        if k.table != table {
            table = k.table;
            out.push_str(&format!("{}\n", table_title(table)));
        }
        let partial = c
            .partial
            .iter()
            .find(|p| p.table == k.table && p.row == k.row && p.column == k.column);
        out.push_str(&format!(
            "  {}  {}{}\n",
            pad(&format!("{}·{}", k.row_label, k.column_label), 44),
            k.cell.display(),
            partial.map_or(String::new(), |p| format!(
                "（{} 份空白未计）",
                p.blank_inputs
            ))
        ));
    }
    if c.findings.is_empty() {
        out.push_str("\n合计表格的勾稽关系全部成立。\n");
    } else {
        out.push_str("\n合计表格的问题：\n");
        for f in &c.findings {
            out.push_str(&format!(
                "  {}[{}] {}\n",
                f.severity.display_zh(),
                f.code,
                f.message
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// summary
// ---------------------------------------------------------------------------

pub fn summary(db: &DbArgs, opts: &RankingOptions, format: Format, csv: bool) -> ExitCode {
    let mut store = match db.open_read_only() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let s = match summary::summary(&mut store, opts) {
        Ok(s) => s,
        Err(e) => return store_err(e),
    };
    if csv {
        out!("{}", coverage_csv(&s));
        return ExitCode::SUCCESS;
    }
    match format {
        Format::Json => {
            let metrics: Vec<_> = s
                .metrics
                .iter()
                .map(|m| {
                    json!({"report_id": m.report_id, "agency": m.agency, "region": m.region,
                    "level": m.level.map(Level::as_zh), "year": m.year, "metrics": metrics_json(&m.values)})
                })
                .collect();
            let mut v = serde_json::to_value(&s).unwrap_or_default();
            v["metrics"] = json!(metrics);
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => print(&human_summary(&s, opts), ColorChoice::Auto),
    }
    ExitCode::SUCCESS
}

fn coverage_csv(s: &Summary) -> String {
    let mut out = String::from("\u{feff}机关,地区,层级");
    for y in &s.years {
        out.push_str(&format!(",{y}"));
    }
    out.push('\n');
    for r in &s.coverage {
        out.push_str(&format!("{},{},{}", r.agency, r.region, r.level));
        for p in &r.present {
            out.push_str(if *p { ",有" } else { ",缺" });
        }
        out.push('\n');
    }
    out
}

fn human_summary(s: &Summary, opts: &RankingOptions) -> String {
    let mut out = format!(
        "覆盖情况：{} 个机关 × {} 个年度（{}），{} 个机关有缺年\n",
        s.coverage.len(),
        s.years.len(),
        match (s.years.first(), s.years.last()) {
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => "无".into(),
        },
        s.missing
    );
    let r = &s.reading;
    out.push_str(&format!(
        "读取情况（当前版本）：完整读取 {}，读取存疑 {}，部分未能读取 {}{}；统计只计读出的单元格\n",
        r.whole,
        r.with_doubts,
        r.partial,
        if r.unknown > 0 {
            format!("，未记录 {}", r.unknown)
        } else {
            String::new()
        }
    ));
    let shown = s
        .coverage
        .iter()
        .filter(|r| r.present.iter().any(|p| !p))
        .take(40);
    let mut header = format!("  {}", pad("机关", 36));
    for y in &s.years {
        header.push_str(&format!("  {y}"));
    }
    out.push_str(&header);
    out.push('\n');
    for r in shown {
        let mut line = format!("  {}", pad(&r.agency, 36));
        for p in &r.present {
            line.push_str(if *p { "    ✓ " } else { "    ✗ " });
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if s.missing > 40 {
        out.push_str(&format!(
            "  ……另有 {} 个机关有缺年（`summary --coverage-csv` 输出全表）\n",
            s.missing - 40
        ));
    }
    if s.missing == 0 && !s.coverage.is_empty() {
        out.push_str("  所有机关各年度报告齐全\n");
    }
    let count = |key: &str| {
        s.metrics
            .iter()
            .filter(|m| m.values.get(key).copied().flatten().is_some())
            .count()
    };
    out.push_str(&format!(
        "\n指标：{} 份当前报告；实质公开率可计算 {} 份，复议纠错率可计算 {} 份（`export` 输出全部指标）\n",
        s.metrics.len(),
        count("disclosure_rate"),
        count("review_correction_rate")
    ));
    for r in &s.rankings {
        out.push_str(&format!(
            "\n{} {}年排名（分母不少于 {}）：",
            r.label, r.year, opts.min_denominator
        ));
        match &r.note {
            Some(n) => out.push_str(&format!("{n}\n")),
            None => {
                out.push_str(&format!("{} 个机关参与\n", r.qualified));
                let n = r.entries.len();
                for (i, e) in r.entries.iter().enumerate() {
                    if i < opts.top || i + opts.top >= n {
                        out.push_str(&format!(
                            "  {:>4}. {}  {:.1}%（分母 {}）\n",
                            i + 1,
                            pad(&e.agency, 36),
                            e.value * 100.0,
                            e.denominator
                        ));
                    } else if i == opts.top {
                        out.push_str("        ……\n");
                    }
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// agencies
// ---------------------------------------------------------------------------

pub fn agencies(db: &DbArgs, mapping: Option<&Path>, unplaced: bool, format: Format) -> ExitCode {
    let opened = match mapping {
        Some(_) => db.open(),
        None => db.open_read_only(),
    };
    let mut store = match opened {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(path) = mapping {
        let m = match Mapping::load(path) {
            Ok(m) => m,
            Err(e) => return store_err(e),
        };
        match store.apply_mapping(&m.overrides(), &m.aliases()) {
            Ok(n) => errln!("已按 {} 更新 {n} 处机关信息", path.display()),
            Err(e) => return store_err(e),
        }
    }
    let mut agencies = match store.agencies() {
        Ok(a) => a,
        Err(e) => return store_err(e),
    };
    if unplaced {
        agencies.retain(|a| a.info.place.status != PlaceStatus::Resolved);
    }
    match format {
        Format::Json => {
            let v: Vec<_> = agencies
                .iter()
                .map(|a| {
                    let p = &a.info.place;
                    json!({
                        "id": a.id, "agency": a.info.name, "region": p.region,
                        "code": p.code, "level": p.level.as_zh(), "kind": p.body.label(),
                        "status": p.status.key(), "candidates": p.candidates,
                        "evidence": p.evidence,
                        "placement": match a.info.placement {
                            gongkai_store::Placement::Mapping => "mapping",
                            gongkai_store::Placement::Inferred => "gazetteer",
                        },
                        "years": a.years,
                    })
                })
                .collect();
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Human => {
            let mut out = String::new();
            let mut counts = [0usize; 3];
            for a in &agencies {
                let p = &a.info.place;
                counts[p.status as usize] += 1;
                let place = match p.status {
                    PlaceStatus::Resolved => {
                        format!("{} {}", p.code.as_deref().unwrap_or(""), p.region)
                    }
                    PlaceStatus::Ambiguous => {
                        format!("有歧义：{}", p.candidates.join("、"))
                    }
                    PlaceStatus::Unresolved => "未定位".to_string(),
                };
                out.push_str(&format!(
                    "{}  {}  {}  {}  {}\n",
                    pad(&a.info.name, 36),
                    pad(&place, 30),
                    pad(p.level.as_zh(), 4),
                    pad(p.body.label(), 10),
                    a.years
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
                if unplaced {
                    for e in &p.evidence {
                        out.push_str(&format!("    - {e}\n"));
                    }
                }
            }
            out.push_str(&format!(
                "共 {} 个机关：已定位 {}，有歧义 {}，未定位 {}\n",
                agencies.len(),
                counts[0],
                counts[1],
                counts[2]
            ));
            if !unplaced && counts[1] + counts[2] > 0 {
                out.push_str("有歧义或未定位的机关不计入任何地区；--unplaced 列出它们及依据，对照表（--mapping）可给出地区\n");
            }
            print(&out, ColorChoice::Auto);
        }
    }
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------
// score

pub fn score(key: &Path, db: &DbArgs, format: Format, strict: bool) -> ExitCode {
    let mut store = match db.open_read_only() {
        Ok(s) => s,
        Err(code) => return code,
    };
    // A score of stale cross-report findings would count what is missing as missed.
    match stale_cross_findings(&mut store) {
        Ok(None) => {}
        Ok(Some(message)) => {
            errln!("gongkai: 无法评分：{message}");
            return ExitCode::from(2);
        }
        Err(code) => return code,
    }
    let s = match gongkai_corpus::answers::score(&mut store, key) {
        Ok(s) => s,
        Err(e) => return store_err(e),
    };
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&s).unwrap_or_default()),
        Format::Human => {
            let mut out = format!(
                "{} 份报告（语料库中缺 {} 份）：精确率 {:.2}%，召回率 {:.2}%（命中 {}，误报 {}，漏报 {}）\n",
                s.reports,
                s.not_in_corpus.len(),
                s.total.precision() * 100.0,
                s.total.recall() * 100.0,
                s.total.true_positives,
                s.total.false_positives,
                s.total.false_negatives
            );
            for (rule, r) in &s.rules {
                out.push_str(&format!(
                    "  {}  命中 {:>5}  误报 {:>4}  漏报 {:>4}\n",
                    pad(rule, 28),
                    r.true_positives,
                    r.false_positives,
                    r.false_negatives
                ));
            }
            for m in s.mismatches.iter().take(20) {
                out.push_str(&format!(
                    "  {}：漏报 {:?}，误报 {:?}\n",
                    m.stem, m.missing, m.unexpected
                ));
            }
            for stem in s.not_in_corpus.iter().take(20) {
                out.push_str(&format!("  {stem}：不在语料库中\n"));
            }
            print(&out, ColorChoice::Auto);
        }
    }
    if strict && !s.is_perfect() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

// ---------------------------------------------------------------------------
// synth
// ---------------------------------------------------------------------------

/// `gongkai synth N DIR [--region CODE_OR_NAME]`. A region that is unknown, ambiguous or
/// too small for N reports is an error (exit 2) before anything is written.
pub fn synth(
    n: usize,
    dir: &Path,
    region: Option<&str>,
    opts: gongkai_synth::CorpusOptions,
) -> ExitCode {
    let started = Instant::now();
    let region = match region.map(gongkai_synth::resolve_region).transpose() {
        Ok(r) => r,
        Err(e) => return store_err(e),
    };
    let opts = gongkai_synth::CorpusOptions {
        reports: n,
        region: region.as_ref().map(|r| r.code.to_string()),
        ..opts
    };
    if let Err(e) = opts.validate() {
        return store_err(e);
    }
    let scope = region
        .map(|r| format!("，地区 {} {}", r.code, r.path))
        .unwrap_or_default();
    match gongkai_synth::write_corpus(dir, &opts) {
        Ok(s) => {
            outln!(
                "已生成 {} 份合成报告{scope}（{} 个机关，缺年 {} 处；无错误 {} 份，单报告错误 {} 份；跨报告错误 {}）于 {}，用时 {:.1} 秒\n答案：{}",
                s.reports,
                s.agencies,
                s.gaps,
                s.clean,
                s.single_errors,
                s.cross.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join("、"),
                dir.display(),
                started.elapsed().as_secs_f64(),
                dir.join("answer-key.jsonl").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => store_err(format!("{}: {e}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_rate_is_whole_files_per_second() {
        assert_eq!(files_per_second(2168.2674), "2168 个/秒");
        assert_eq!(files_per_second(0.44), "0.4 个/秒");
        assert_eq!(files_per_second(0.0), "— 个/秒");
        assert_eq!(files_per_second(f64::INFINITY), "— 个/秒");
    }

    #[test]
    fn count_metrics_are_integers_in_json() {
        assert_eq!(metric_json("received", Some(23.0)).to_string(), "23");
        assert_eq!(metric_json("disclosure_rate", Some(0.5)).to_string(), "0.5");
        assert_eq!(metric_json("received", None), serde_json::Value::Null);
    }

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://u:secret@host:5432/db"),
            "postgres://u:***@host:5432/db"
        );
        assert_eq!(redact("postgres://u@host/db"), "postgres://u@host/db");
        assert_eq!(redact("gongkai.db"), "gongkai.db");
    }
}
