//! `gongkai`: read and check 政府信息公开工作年度报告.
//!
//! A thin binary over the pipeline crates: ingest → parse → check → output.

mod eval;
mod pipeline;
mod render;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use gongkai_check::Selection;
use gongkai_model::{canonical_json, CanonicalOptions, FindingKind, Severity};
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
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// `parse` writes the canonical JSON; the flag exists so scripts can say so explicitly.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum ParseFormat {
    Json,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// 检查报告：勾稽关系、完整性、版本、正文与表格是否一致 (check reports)
    Check {
        /// 报告文件 (report files)
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
    },
    /// 解析报告，输出标准 JSON（含每个数字的出处） (parse to canonical JSON with provenance)
    Parse {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: ParseFormat,
        /// 不输出出处和章节正文，只输出标准字段 (canonical keys only)
        #[arg(long)]
        bare: bool,
    },
    /// 列出全部规则，或解释一条规则 (list rules, or explain one)
    Rules {
        /// 规则代码或名称 (a rule code or name)
        rule: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 用 truth/*.json 评测解析准确率 (measure exact-cell accuracy against truth)
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            files,
            format,
            select,
            ignore,
            color,
        } => check(&files, format, &select, &ignore, color),
        Command::Parse {
            file,
            format: _,
            bare,
        } => parse(&file, bare),
        Command::Rules { rule, format } => rules(rule.as_deref(), format),
        Command::Eval {
            dirs,
            format,
            verbose,
            strict,
        } => eval_cmd(&dirs, format, verbose, strict),
    }
}

fn print(s: &str, color: ColorChoice) {
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn check(
    files: &[PathBuf],
    format: Format,
    select: &[String],
    ignore: &[String],
    color: ColorChoice,
) -> ExitCode {
    let selection = match Selection::new(select, ignore) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gongkai: {e}（`gongkai rules` 列出全部规则）");
            return ExitCode::from(2);
        }
    };
    let mut unreadable = false;
    let mut document_error = false;
    let mut total = render::Tally::default();
    let mut json_out = Vec::new();
    for path in files {
        let name = path.display().to_string();
        match pipeline::read_and_check(path, &selection) {
            Err(e) => {
                unreadable = true;
                match format {
                    Format::Human => print(&format!("无法读取：{}\n\n", e.message), color),
                    Format::Json => json_out.push(json!({"file": name, "error": e.message})),
                }
            }
            Ok(c) => {
                document_error |= c
                    .findings
                    .iter()
                    .any(|f| f.kind == FindingKind::Document && f.severity == Severity::Error);
                let tally = render::Tally::of(&c.findings);
                total.add(tally);
                match format {
                    Format::Human => {
                        let mut out = String::new();
                        for f in &c.findings {
                            render::finding(&mut out, &name, &c.parsed.source, f);
                        }
                        let r = &c.parsed.report;
                        out.push_str(&format!(
                            "{name}：{}{}{}\n  {}\n\n",
                            r.agency().unwrap_or("（未识别机关）"),
                            r.year().map(|y| format!(" {y}年")).unwrap_or_default(),
                            r.edition
                                .map(|e| format!("，{}", e.display_zh()))
                                .unwrap_or_default(),
                            tally.line()
                        ));
                        print(&out, color);
                    }
                    Format::Json => {
                        let r = &c.parsed.report;
                        let findings: Vec<serde_json::Value> = c
                            .findings
                            .iter()
                            .map(|f| {
                                let mut v = serde_json::to_value(f).unwrap_or_default();
                                v["location"] =
                                    serde_json::to_value(f.location()).unwrap_or_default();
                                v
                            })
                            .collect();
                        json_out.push(json!({
                            "file": name,
                            "agency": r.agency(),
                            "year": r.year(),
                            "edition": r.edition.map(|e| e.as_str()),
                            "findings": findings,
                            "summary": {
                                "errors": tally.errors, "warnings": tally.warnings, "infos": tally.infos,
                                "document": tally.document, "extraction": tally.extraction,
                            },
                        }));
                    }
                }
            }
        }
    }
    match format {
        Format::Human if files.len() > 1 => print(
            &format!("共 {} 个文件：{}\n", files.len(), total.line()),
            color,
        ),
        Format::Human => {}
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json_out).unwrap_or_default()
        ),
    }
    if unreadable {
        ExitCode::from(2)
    } else if document_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn parse(file: &Path, bare: bool) -> ExitCode {
    match pipeline::read(file) {
        Err(e) => {
            eprintln!("gongkai: {}", e.message);
            ExitCode::from(2)
        }
        Ok(p) => {
            let opts = CanonicalOptions {
                provenance: !bare,
                sections: !bare,
            };
            let v = canonical_json(&p.report, opts);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
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
                eprintln!("gongkai: 未知规则：{r}（`gongkai rules` 列出全部规则）");
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
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
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

fn eval_cmd(dirs: &[PathBuf], format: Format, verbose: bool, strict: bool) -> ExitCode {
    let r = match eval::run(dirs) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai: {e}");
            return ExitCode::from(2);
        }
    };
    match format {
        Format::Human => print(&eval::human(&r, verbose), ColorChoice::Auto),
        Format::Json => println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
    }
    let perfect =
        r.cells.is_perfect() && r.expected_found == r.expected_total && r.false_alarms == 0;
    if strict && !perfect {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
