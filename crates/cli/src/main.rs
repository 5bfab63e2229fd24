//! `gongkai`: read and check 政府信息公开工作年度报告.
//!
//! A thin binary over the library crates: argument parsing and printing. Reading,
//! parsing and checking a file is `gongkai_pipeline`'s; the corpus is `gongkai_corpus`'s.

/// mimalloc instead of the system allocator: reading a corpus allocates and frees many
/// small strings on several threads, where glibc's malloc spent 7–8 % of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[macro_use]
mod out;

mod corpus;
mod coverage;
mod eval;
mod export;
mod ledger;
mod meta;
mod region;
mod render;
mod serve;
mod workers;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use gongkai_check::Selection;
use gongkai_model::CanonicalOptions;
use gongkai_pipeline::output::{CheckOutput, ParseOutput, Tally};
use gongkai_pipeline::FILE_TIME_LIMIT;
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "读取并检查政府信息公开工作年度报告 (read and check government information disclosure annual reports)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 扫描件（没有文字层的PDF、图片）不做文字识别，按无法读取报告 (do not OCR scanned input)
    #[arg(long, global = true)]
    no_ocr: bool,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

/// `parse` writes the canonical JSON; the flag exists so scripts can say so explicitly.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum ParseFormat {
    Json,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// 检查报告：勾稽关系、完整性、版本、正文与表格是否一致 (check reports)
    Check {
        /// 报告文件或文件夹（递归读取，与 ingest 相同） (report files and folders, recursively)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// 只运行这些规则：代码、代码前缀或名称，逗号分隔 (only these rules)
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// 不运行这些规则 (skip these rules)
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
        #[command(flatten)]
        meta: meta::MetaArgs,
    },
    /// 解析报告，输出标准 JSON（含每个数字的出处） (parse to canonical JSON with provenance)
    Parse {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: ParseFormat,
        /// 不输出出处和章节正文，只输出标准字段 (canonical keys only)
        #[arg(long)]
        bare: bool,
        #[command(flatten)]
        meta: meta::MetaArgs,
    },
    /// 列出全部规则，或解释一条规则 (list rules, or explain one)
    Rules {
        /// 规则代码或名称 (a rule code or name)
        rule: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 用 truth/*.json 评测解析准确率；未给 --manifest 时读文件夹中的 manifest.csv
    /// (measure exact-cell accuracy against truth; DIR/manifest.csv is the default manifest)
    Eval {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// 列出每个错误单元格 (list every wrong cell)
        #[arg(long, short)]
        verbose: bool,
        /// 未达 100% 或有误报时以 1 退出 (exit 1 unless everything is exact)
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        meta: meta::MetaArgs,
    },
    /// 把报告文件或文件夹读入语料库数据库，并运行跨报告检查 (ingest into the corpus database)
    Ingest {
        /// 文件或文件夹（递归读取）；`--worker`、`--recheck-all` 不带路径 (files and folders, recursively)
        #[arg(required_unless_present_any = ["worker", "recheck_all"])]
        paths: Vec<PathBuf>,
        /// 全部重算跨报告检查（默认只复查受新增、更新、删除影响的报告） (recompute every cross-report finding)
        #[arg(long)]
        recheck_all: bool,
        /// 同时重新统计常用语（默认在机关数变化超过一成时自动重新统计） (also recount the stock phrases)
        #[arg(long, requires = "recheck_all")]
        refresh_stock: bool,
        #[command(flatten)]
        db: corpus::DbArgs,
        /// 机关名称、地区、层级对照表（CSV） (agency mapping file)
        #[arg(long)]
        mapping: Option<PathBuf>,
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// 内容雷同阈值：本部分内容见于对方的比例，默认 0.7 (copied-text threshold)
        #[arg(long)]
        copied_threshold: Option<f64>,
        /// 参与雷同比较的最短章节（字），默认 100 (shortest section compared)
        #[arg(long)]
        copied_min_chars: Option<usize>,
        /// 不显示进度条 (no progress bar)
        #[arg(long)]
        no_progress: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[command(flatten)]
        meta: meta::MetaArgs,
        #[command(flatten)]
        queue: workers::QueueArgs,
    },
    /// 从语料库中删除报告（按编号），并更新跨报告检查 (remove reports from the corpus)
    Remove {
        /// 报告编号（gongkai history 或导出中的 report_id） (report ids)
        #[arg(required = true)]
        ids: Vec<i64>,
        #[command(flatten)]
        db: corpus::DbArgs,
    },
    /// 列出未能读取的文件和文件夹及原因 (files and folders that gave no report, and why)
    Failures {
        #[command(flatten)]
        db: corpus::DbArgs,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 某机关历年报告、版本和跨年度问题 (an agency's reports across years)
    History {
        /// 机关名称（完整名称或唯一的部分名称） (agency name)
        agency: String,
        #[command(flatten)]
        db: corpus::DbArgs,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 对比两份报告：表格差异、相邻年度检查、各部分文字相似度 (compare two reports)
    Compare {
        /// 文件，或语料库中的 #编号 / 机关名称:年度 (a file or a stored report)
        a: String,
        b: String,
        #[command(flatten)]
        db: corpus::DbArgs,
        /// 列出全部单元格，而不只是不同的 (show every cell)
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 把一组报告的表格相加为一份（如某县全部部门某年） (sum reports into one set of tables)
    Consolidate {
        /// 文件或 #编号；也可用 --region/--level/--year/--agency 从语料库选择
        inputs: Vec<String>,
        #[command(flatten)]
        filter: corpus::FilterArgs,
        /// 合计的名称 (name of the total)
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        db: corpus::DbArgs,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 导出语料库：CSV（长表）、XLSX（Excel/WPS）、JSON Lines (export the corpus)
    Export {
        /// 输出文件；格式由 --format 或扩展名决定 (output file)
        #[arg(long, short)]
        output: PathBuf,
        #[arg(long, value_enum)]
        format: Option<export::ExportFormat>,
        /// CSV 表头用英文键名（默认中文），供脚本使用 (English CSV header keys, for scripts)
        #[arg(long)]
        english_headers: bool,
        #[command(flatten)]
        filter: corpus::FilterArgs,
        #[command(flatten)]
        db: corpus::DbArgs,
    },
    /// 语料库概况：覆盖情况（机关×年度）、指标、排名 (coverage, metrics, rankings)
    Summary {
        #[command(flatten)]
        db: corpus::DbArgs,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// 输出完整的覆盖矩阵 CSV (the whole coverage matrix as CSV)
        #[arg(long)]
        coverage_csv: bool,
        /// 参与排名的最小分母（办结申请数、审结案件数） (smallest denominator ranked)
        #[arg(long, default_value_t = 30)]
        min_denominator: i64,
        /// 少于此数的机关不排名 (fewest agencies for a ranking)
        #[arg(long, default_value_t = 5)]
        min_agencies: usize,
        /// 排名首尾各显示几名 (rows shown at each end)
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// 排名的年度（默认语料库中最新的年度） (the year ranked; default the latest)
        #[arg(long)]
        year: Option<i32>,
        /// 只统计此地区：地名或区划代码，含其下全部单位 (only this region: a place name or code)
        #[arg(long)]
        region: Option<String>,
    },
    /// 列出语料库中的机关，或按对照表更正 (list agencies, or apply a mapping file)
    Agencies {
        #[command(flatten)]
        db: corpus::DbArgs,
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// 只列出有歧义或未定位的机关及依据 (only agencies whose place is ambiguous or unresolved)
        #[arg(long)]
        unplaced: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 某地区某年度应发布年报的主体：已发布、逾期、未发现 (who must report in a region and year: present, late, missing)
    Coverage {
        /// 地区：地名或区划代码，含其下全部单位 (region: a place name or code)
        #[arg(long)]
        region: String,
        /// 年度 (year)
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "human")]
        format: coverage::CoverageFormat,
        /// 只列出未发现和逾期的 (only missing and late)
        #[arg(long)]
        gaps: bool,
        #[command(flatten)]
        db: corpus::DbArgs,
    },
    /// 用合成语料的答案（answer-key.jsonl）评测语料库中检查结果的精确率和召回率
    /// (score the corpus's findings against a synthetic answer key)
    Score {
        /// answer-key.jsonl（`gongkai synth` 生成）
        key: PathBuf,
        #[command(flatten)]
        db: corpus::DbArgs,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// 精确率或召回率未达 100% 时以 1 退出 (exit 1 unless perfect)
        #[arg(long)]
        strict: bool,
    },
    /// 测试辅助：生成 N 份合成报告（多年度、多机关，含答案） (testing aid: a synthetic corpus)
    Synth {
        /// 报告份数 (number of reports)
        n: usize,
        /// 输出文件夹 (output folder)
        dir: PathBuf,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// 每个机关的年度数 (years per agency)
        #[arg(long, default_value_t = 4)]
        years: usize,
        #[arg(long, default_value_t = 2021)]
        first_year: i32,
        /// 单报告错误的比例 (share of reports with a single-report error)
        #[arg(long, default_value_t = 0.2)]
        error_rate: f64,
        /// 跨报告错误的比例 (share of agency-years with a cross-report error)
        #[arg(long, default_value_t = 0.1)]
        cross_error_rate: f64,
        /// 只取该地区（区划代码或地名）及其下级的机关 (only agencies of this region: code or name)
        #[arg(long, value_name = "CODE_OR_NAME")]
        region: Option<String>,
    },
    /// 启动审核工作台（网页与 API） (serve the reviewers' web workspace)
    Serve {
        #[command(flatten)]
        db: corpus::DbArgs,
        /// 监听地址 (address to listen on)
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// 上传文件的存放文件夹（默认：SQLite 数据库旁的 <数据库>.files/） (where uploads are kept)
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// 只通过 HTTPS 发送会话 Cookie（部署在 TLS 之后时） (cookies over HTTPS only)
        #[arg(long)]
        secure_cookies: bool,
        #[command(flatten)]
        calendar: ledger::CalendarArg,
    },
    /// 工作台用户：新建、重设密码、列出 (workspace users)
    User {
        #[command(subcommand)]
        command: serve::UserCommand,
    },
    /// 依申请公开台账：登记与期限、统计表、年度报告与把关、Excel 导入导出 (the request ledger: deadlines, tables, the report, Excel)
    Ledger {
        #[command(subcommand)]
        command: ledger::LedgerCommand,
    },
    /// 查询区划：代码或名称的单位、路径、下级，机关名称的归属及依据
    /// (a division unit by code or name; an agency name's place, with evidence)
    Region {
        /// 区划代码、地名或机关名称 (code, place name or agency name)
        query: String,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.no_ocr {
        gongkai_ingest::set_ocr_mode(gongkai_ingest::OcrMode::Off);
    }
    match cli.command {
        Command::Check {
            files,
            format,
            select,
            ignore,
            color,
            meta,
        } => check(&files, format, &select, &ignore, color, &meta),
        Command::Parse {
            file,
            format: _,
            bare,
            meta,
        } => parse(&file, bare, &meta),
        Command::Rules { rule, format } => rules(rule.as_deref(), format),
        Command::Eval {
            dirs,
            format,
            verbose,
            strict,
            meta,
        } => eval_cmd(&dirs, format, verbose, strict, &meta),
        Command::Ingest {
            paths,
            recheck_all,
            refresh_stock,
            db,
            mapping,
            select,
            ignore,
            copied_threshold,
            copied_min_chars,
            no_progress,
            format,
            meta,
            queue,
        } => corpus::ingest(corpus::IngestArgs {
            paths,
            recheck_all,
            refresh_stock,
            db,
            mapping,
            select,
            ignore,
            copied_threshold,
            copied_min_chars,
            progress: !no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            format,
            meta,
            queue,
        }),
        Command::Remove { ids, db } => corpus::remove(&ids, &db),
        Command::Failures { db, format } => corpus::failures(&db, format),
        Command::History { agency, db, format } => corpus::history(&agency, &db, format),
        Command::Compare {
            a,
            b,
            db,
            all,
            format,
        } => corpus::compare(&a, &b, &db, all, format),
        Command::Consolidate {
            inputs,
            filter,
            name,
            db,
            format,
        } => corpus::consolidate(&inputs, &filter, name.as_deref(), &db, format),
        Command::Export {
            output,
            format,
            english_headers,
            filter,
            db,
        } => export::export(&output, format, english_headers, &filter, &db),
        Command::Summary {
            db,
            format,
            coverage_csv,
            min_denominator,
            min_agencies,
            top,
            year,
            region,
        } => {
            let region_code = match region.as_deref().map(region::region_code).transpose() {
                Ok(code) => code,
                Err(code) => return code,
            };
            corpus::summary(
                &db,
                &gongkai_corpus::summary::RankingOptions {
                    min_denominator,
                    min_agencies,
                    top,
                    year,
                    region_code,
                },
                format,
                coverage_csv,
            )
        }
        Command::Agencies {
            db,
            mapping,
            unplaced,
            format,
        } => corpus::agencies(&db, mapping.as_deref(), unplaced, format),
        Command::Coverage {
            region,
            year,
            format,
            gaps,
            db,
        } => coverage::coverage(&region, year, format, gaps, &db),
        Command::Score {
            key,
            db,
            format,
            strict,
        } => corpus::score(&key, &db, format, strict),
        Command::Synth {
            n,
            dir,
            seed,
            years,
            first_year,
            error_rate,
            cross_error_rate,
            region,
        } => corpus::synth(
            n,
            &dir,
            region.as_deref(),
            gongkai_synth::CorpusOptions {
                seed,
                years,
                first_year,
                error_rate,
                cross_error_rate,
                ..Default::default()
            },
        ),
        Command::Region { query, format } => region::region(&query, format),
        Command::Ledger { command } => ledger::ledger(command),
        Command::Serve {
            db,
            listen,
            data_dir,
            secure_cookies,
            calendar,
        } => serve::serve(
            &db,
            listen,
            data_dir,
            secure_cookies,
            calendar.path.as_deref(),
        ),
        Command::User { command } => serve::user(command),
    }
}

pub(crate) fn print(s: &str, color: ColorChoice) {
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    out::written(out.write_all(s.as_bytes()).and_then(|()| out.flush()));
}

fn check(
    files: &[PathBuf],
    format: Format,
    select: &[String],
    ignore: &[String],
    color: ColorChoice,
    meta: &meta::MetaArgs,
) -> ExitCode {
    let selection = match Selection::new(select, ignore) {
        Ok(s) => s,
        Err(e) => {
            errln!("gongkai: {e}（`gongkai rules` 列出全部规则）");
            return ExitCode::from(2);
        }
    };
    let metadata = match meta.source() {
        Ok(m) => m,
        Err(code) => return code,
    };
    let inputs = gongkai_corpus::check_inputs(files);
    let files = inputs.files.as_slice();
    let mut unreadable = inputs.unreadable.len();
    let mut document_error = false;
    let mut total = Tally::default();
    let mut json_out = Vec::new();
    for (folder, message) in &inputs.unreadable {
        match format {
            // An error, on stderr; the summary line counts it.
            Format::Human => errln!("无法读取：{message}"),
            Format::Json => json_out.push(CheckOutput::unreadable(
                &folder.display().to_string(),
                message,
            )),
        }
    }
    // The files are read together: each may be evidence for another (another copy of
    // the same report, the same agency's adjacent years).
    let with_meta: Vec<(PathBuf, gongkai_pipeline::Metadata)> = files
        .iter()
        .map(|p| (p.clone(), metadata.for_file(p)))
        .collect();
    let checked = gongkai_pipeline::read_all_and_check(&with_meta, &selection, FILE_TIME_LIMIT);
    for (path, checked) in files.iter().zip(checked) {
        let name = path.display().to_string();
        match checked {
            Err(e) => {
                unreadable += 1;
                match format {
                    // An error, on stderr; the summary line counts it.
                    Format::Human => errln!("无法读取：{e}"),
                    Format::Json => json_out.push(CheckOutput::unreadable(&name, e)),
                }
            }
            Ok(c) => {
                document_error |= c.has_document_error();
                let tally = Tally::of(&c.findings);
                total.add(tally);
                match format {
                    Format::Human => print(&render::checked(&name, &c, tally), color),
                    Format::Json => json_out.push(CheckOutput::checked(&name, &c)),
                }
            }
        }
    }
    match format {
        Format::Human if files.len() > 1 => print(
            &format!(
                "共 {} 个文件：{}{}\n",
                files.len(),
                render::tally_line(&total),
                if unreadable > 0 {
                    format!("；无法读取 {unreadable} 个")
                } else {
                    String::new()
                }
            ),
            color,
        ),
        Format::Human => {}
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&json_out).unwrap_or_default()
        ),
    }
    if unreadable > 0 {
        ExitCode::from(2)
    } else if document_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn parse(file: &Path, bare: bool, meta: &meta::MetaArgs) -> ExitCode {
    let metadata = match meta.source() {
        Ok(m) => m,
        Err(code) => return code,
    };
    match gongkai_pipeline::read(file, &metadata.for_file(file), FILE_TIME_LIMIT) {
        Err(e) => {
            errln!("gongkai: {e}");
            ExitCode::from(2)
        }
        Ok(p) => {
            let opts = CanonicalOptions {
                provenance: !bare,
                sections: !bare,
            };
            let v = ParseOutput::new(&p.report, opts);
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            ExitCode::SUCCESS
        }
    }
}

fn rules(rule: Option<&str>, format: Format) -> ExitCode {
    let list: Vec<&gongkai_check::RuleInfo> = match rule {
        None => gongkai_check::rules().to_vec(),
        Some(r) => match gongkai_check::rule(r) {
            Some(info) => vec![info],
            None => {
                errln!("gongkai: 未知规则：{r}（`gongkai rules` 列出全部规则）");
                return ExitCode::from(2);
            }
        },
    };
    if format == Format::Json {
        let v: Vec<serde_json::Value> = list
            .iter()
            .map(|r| {
                json!({"code": r.code, "name": r.name, "kind": r.kind, "severity": r.severity,
                       "summary": r.summary, "explanation": r.explanation, "example": r.example})
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let mut out = String::new();
    if rule.is_none() {
        for r in &list {
            out.push_str(&format!(
                "{}  {}  {}  {}  {}\n",
                r.code,
                render::pad(r.name, 24),
                render::pad(r.severity.display_zh(), 4),
                render::pad(r.kind.display_zh(), 8),
                r.summary
            ));
        }
        out.push_str("\n`gongkai rules <代码或名称>` 查看规则说明和示例；`check --select/--ignore` 按代码、前缀或名称选择规则。\n");
    } else {
        for r in &list {
            out.push_str(&format!(
                "{} {}\n级别：{}；类别：{}\n\n{}\n\n{}\n\n示例：\n{}\n",
                r.code,
                r.name,
                r.severity.display_zh(),
                r.kind.display_zh(),
                r.summary,
                r.explanation.trim(),
                r.example.trim_end()
            ));
        }
    }
    print(&out, ColorChoice::Auto);
    ExitCode::SUCCESS
}

fn eval_cmd(
    dirs: &[PathBuf],
    format: Format,
    verbose: bool,
    strict: bool,
    meta: &meta::MetaArgs,
) -> ExitCode {
    let r = match gongkai_eval::run(dirs, &meta.options()) {
        Ok(r) => r,
        Err(e) => {
            errln!("gongkai: {e}");
            return ExitCode::from(2);
        }
    };
    match format {
        Format::Human => print(&eval::human(&r, verbose), ColorChoice::Auto),
        Format::Json => outln!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
    }
    if strict && !r.is_perfect() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    /// Every command's arguments are well formed (clap checks names, ids and conflicts
    /// only when a command is built; a clash would otherwise show only when that
    /// command is run).
    #[test]
    fn every_commands_arguments_are_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
