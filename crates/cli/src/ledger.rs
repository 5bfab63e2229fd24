//! `gongkai ledger …`: the request ledger's commands. `deadline` and `calendar` need no
//! database: a request's statutory dates with their explanations, a year's holidays and
//! make-up working days with their notices. The others work on one agency's ledger in
//! the corpus database: record requests, events, outcomes, fees, cases, documents and
//! yearly counts (each change validated against the whole ledger and audited), list
//! what is due, show a request, and compute a year's tables with drill-down.
//!
//! Exit status: 0 computed; 2 a date, event or override file that cannot be read, or a
//! clock that cannot be computed (said on standard error).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gongkai_deadline::clock::{deadlines, Event};
use gongkai_deadline::{Calendar, Channel, RequestClock, Why};
use gongkai_ledger::model::{Closure, DecisionCount};
use gongkai_ledger::tables::compute;
use gongkai_ledger::{
    Applicant, ApplicantKind, Behind, Case, CaseKind, CaseResult, DecisionKind, DocKind, FeeMethod,
    Ledger, Outcome, RegisterDoc, ReportText, Request,
};
use gongkai_model::date::Date;
use gongkai_model::schema::{ReviewColumn, ReviewGroup};
use gongkai_model::CellRef;
use gongkai_store::{Actor, LedgerChange, Store};
use serde_json::json;

use crate::corpus::DbArgs;
use crate::Format;

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// 计算依申请公开的法定期限并逐日说明：答复（20 个工作日，延长后 40 个）、告知补正（7 个）、
    /// 第三方答复（15 个）、缴费（20 个） (a request's statutory dates, explained)
    Deadline {
        /// 收到申请之日（第 0 日） (day of receipt, day 0)
        #[arg(long)]
        received: String,
        /// 已延长答复期限（加 20 个工作日） (the answer period was extended)
        #[arg(long)]
        extended: bool,
        /// 提交方式，决定哪一天算收到：in-person、post-signed、ordinary-letter、online、fax、oral
        /// (how it arrived)
        #[arg(long, value_parser = parse_channel)]
        channel: Option<Channel>,
        /// 计时事件 KIND=日期，可重复：correction-requested、correction-received、third-party-started、
        /// third-party-ended、consultation-started、consultation-ended、extended、fee-notice-sent、
        /// fee-notice-received、fee-paid、answered (an event on the clock, repeatable)
        #[arg(long = "event", value_name = "KIND=DATE")]
        events: Vec<String>,
        #[command(flatten)]
        calendar: CalendarArg,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 登记一件申请 (record a request)
    Add {
        #[command(flatten)]
        at: LedgerArgs,
        /// 申请编号（本机关内唯一） (the request's number)
        #[arg(long)]
        id: String,
        /// 申请人名称 (applicant)
        #[arg(long)]
        applicant: String,
        /// 申请人类别：natural_person、commercial_enterprise、research_institution、social_welfare_org、
        /// legal_service_org、other_org（或中文：自然人、商业企业……） (applicant kind: table 三's column)
        #[arg(long)]
        kind: String,
        /// 提交方式：in-person、post-signed、ordinary-letter、online、fax、oral（或中文名称） (how it arrived)
        #[arg(long, value_parser = parse_channel)]
        channel: Channel,
        /// 收到申请之日（按提交方式确定） (day of receipt)
        #[arg(long)]
        received: String,
        /// 申请内容 (what was asked for)
        #[arg(long, default_value = "")]
        content: String,
    },
    /// 按“一事一申请”拆分：原申请不再计数，拆出的各件分别登记 (split a multi-part request)
    Split {
        #[command(flatten)]
        at: LedgerArgs,
        /// 原申请编号 (the request split)
        id: String,
        /// 拆分后各件的编号 (the parts' numbers)
        #[arg(required = true)]
        parts: Vec<String>,
    },
    /// 登记计时事件 KIND=日期（见 `ledger deadline --help`） (record clock events)
    Event {
        #[command(flatten)]
        at: LedgerArgs,
        id: String,
        #[arg(required = true, value_name = "KIND=DATE")]
        events: Vec<String>,
    },
    /// 办结：办理结果（表三的一行）、日期、引用的法律依据 (conclude a request)
    Close {
        #[command(flatten)]
        at: LedgerArgs,
        id: String,
        /// 办理结果：表三行代码（如 granted、denied_state_secret）或行名 (the outcome)
        #[arg(long)]
        outcome: String,
        /// 办结（答复）日期 (the day)
        #[arg(long)]
        date: String,
        /// 引用的法律依据，可重复 (a ground cited, repeatable)
        #[arg(long = "ground")]
        grounds: Vec<String>,
    },
    /// 信息处理费：per-request（按件）或 pages=N（按量） (the fee method)
    Fee {
        #[command(flatten)]
        at: LedgerArgs,
        id: String,
        method: String,
    },
    /// 列出未办结的申请，逾期和临近期限的在前 (open requests, overdue and due soon first)
    List {
        #[command(flatten)]
        at: LedgerArgs,
        /// 包括已办结的 (closed ones too)
        #[arg(long)]
        all: bool,
        /// 以这一天为“今天”（默认今天） (the day to count from)
        #[arg(long)]
        today: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 一件申请的全部记录和各项期限的说明 (one request: its record and deadlines)
    Show {
        #[command(flatten)]
        at: LedgerArgs,
        id: String,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 由台账生成某年度的表二、表三、表四；--cell 列出某格背后的申请、案件或文件
    /// (a year's tables from the ledger; --cell drills down)
    Tables {
        #[command(flatten)]
        at: LedgerArgs,
        #[arg(long)]
        year: i32,
        /// 单元格：表三 行:列（如 new_received:natural_person）、表四 组:列（review:upheld）、
        /// 表二 行:列（normative_documents:in_force） (a cell: row:column)
        #[arg(long)]
        cell: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 由台账生成年度报告全文（DOCX、HTML 或 PDF，按输出文件的扩展名；PDF 需要中文字体），读回检查（把关）；
    /// --final 时只有把关通过才定稿并记入审计日志 (the whole report, read back and checked)
    Report {
        #[command(flatten)]
        at: LedgerArgs,
        #[arg(long)]
        year: i32,
        /// 输出文件：.docx、.html 或 .pdf (the file written)
        #[arg(long, short)]
        output: PathBuf,
        #[command(flatten)]
        texts: TextFiles,
        /// 把关通过才定稿：写入文件并记入审计日志；不通过时不写文件，退出码 1
        /// (final: written and audited only when the gate passes)
        #[arg(long = "final")]
        finalize: bool,
    },
    /// 保存某年度报告中本机关自己写的文字（空行分段），生成报告时使用
    /// (keep the agency's own text of a year's report in the ledger)
    Text {
        #[command(flatten)]
        at: LedgerArgs,
        #[arg(long)]
        year: i32,
        #[command(flatten)]
        texts: TextFiles,
    },
    /// 导入 Excel 台账（XLSX/XLS）：有问题的行逐一列出（行、列、原因）；默认全部或全不导入
    /// (import an Excel ledger: bad rows listed; all or nothing unless --partial)
    Import {
        #[command(flatten)]
        at: LedgerArgs,
        /// 台账文件 (the workbook)
        file: PathBuf,
        /// 表头对照文件：每行 本地表头=标准表头 (local headers mapped to the standard ones)
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// 只导入没有问题的行 (import the good rows only)
        #[arg(long)]
        partial: bool,
    },
    /// 导出 Excel 台账（标准表头，可再导入） (export the ledger's requests as XLSX)
    Export {
        #[command(flatten)]
        at: LedgerArgs,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// 登记行政复议或行政诉讼案件（表四） (a review or lawsuit: table 四)
    Case {
        #[command(flatten)]
        at: LedgerArgs,
        id: String,
        /// review（行政复议）、litigation_direct（未经复议直接起诉）、litigation_after_review（复议后起诉）
        #[arg(long)]
        kind: String,
        /// 受理日期 (filed)
        #[arg(long)]
        filed: String,
        /// 结果：upheld（维持）、corrected（纠正）、other（其他）；未审结时不给 (the result)
        #[arg(long, requires = "decided")]
        result: Option<String>,
        /// 审结日期 (decided)
        #[arg(long, requires = "result")]
        decided: Option<String>,
        /// 所涉申请编号 (the request it is about)
        #[arg(long)]
        request: Option<String>,
    },
    /// 登记制发的规章或行政规范性文件（表二） (a regulation or normative document: table 二)
    Document {
        #[command(flatten)]
        at: LedgerArgs,
        id: String,
        /// regulation（规章）或 normative_document（行政规范性文件）
        #[arg(long)]
        kind: String,
        #[arg(long)]
        issued: String,
        #[arg(long)]
        repealed: Option<String>,
        #[arg(long, default_value = "")]
        title: String,
    },
    /// 登记某年的行政许可、处罚、强制处理决定数量和行政事业性收费金额（表二）
    /// (a year's decision counts and fees collected: table 二)
    Year {
        #[command(flatten)]
        at: LedgerArgs,
        year: i32,
        #[arg(long)]
        licensing: Option<u64>,
        #[arg(long)]
        penalty: Option<u64>,
        #[arg(long)]
        coercion: Option<u64>,
        /// 行政事业性收费金额（万元） (fees collected, 10k yuan)
        #[arg(long)]
        fees: Option<String>,
    },
    /// 列出某年的法定节假日和调休上班日及其通知 (a year's holidays and make-up days)
    Calendar {
        year: i32,
        #[command(flatten)]
        calendar: CalendarArg,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

/// Which ledger: the database and the agency.
#[derive(Args)]
pub struct LedgerArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 机关名称（台账按机关分开） (the agency whose ledger)
    #[arg(long)]
    pub agency: String,
    #[command(flatten)]
    pub calendar: CalendarArg,
}

/// `--channel`: a channel's code or Chinese name.
fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| {
        let codes: Vec<&str> = Channel::ALL.iter().map(|c| c.code()).collect();
        format!("没有这种提交方式：{s}（可用：{}）", codes.join("、"))
    })
}

/// `--calendar FILE`: local closures and working days.
/// The agency's own text of a year's report, from files (plain text, a blank line
/// between paragraphs); a part without a file keeps the text kept in the ledger.
#[derive(Args, Debug, Clone, Default)]
pub struct TextFiles {
    /// “总体情况”中本机关自己写的文字（空行分段） (the agency's text for 一)
    #[arg(long, value_name = "FILE")]
    pub overview: Option<PathBuf>,
    /// “存在的主要问题及改进情况”的文字 (the text for 五)
    #[arg(long, value_name = "FILE")]
    pub problems: Option<PathBuf>,
    /// “其他需要报告的事项”的文字（收费情况由台账自动写入） (the text for 六)
    #[arg(long, value_name = "FILE")]
    pub other: Option<PathBuf>,
}

#[derive(Args)]
pub struct CalendarArg {
    /// 本地放假/上班调整（CSV：日期,类型（休/班）,名称） (local closures and working days)
    #[arg(long = "calendar", id = "calendar", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

pub fn ledger(command: LedgerCommand) -> ExitCode {
    let result: Result<(), String> = match command {
        LedgerCommand::Deadline {
            received,
            extended,
            channel,
            events,
            calendar,
            format,
        } => deadline(
            &received,
            extended,
            channel,
            &events,
            calendar.path.as_deref(),
            format,
        ),
        LedgerCommand::Calendar {
            year,
            calendar,
            format,
        } => list_calendar(year, calendar.path.as_deref(), format),
        LedgerCommand::Add {
            at,
            id,
            applicant,
            kind,
            channel,
            received,
            content,
        } => with_ledger(&at, |cx| {
            let kind =
                ApplicantKind::parse(&kind).ok_or_else(|| format!("没有这种申请人类别：{kind}"))?;
            if cx.ledger.requests.iter().any(|r| r.id == id) {
                return Err(format!("申请编号 {id} 已经登记"));
            }
            let request = Request {
                id: id.clone(),
                applicant: Applicant {
                    name: applicant,
                    kind,
                },
                channel,
                received: date(&received, "--received ")?,
                content,
                events: Vec::new(),
                closure: None,
                fee: None,
                split_from: None,
                split: false,
            };
            cx.apply(vec![LedgerChange::PutRequest(request)])?;
            outln!("已登记申请 {id}");
            Ok(())
        }),
        LedgerCommand::Split { at, id, parts } => with_ledger(&at, |cx| {
            let mut original = cx.request(&id)?.clone();
            if original.closure.is_some() {
                return Err(format!("申请 {id} 已办结，不能再拆分"));
            }
            original.split = true;
            let mut changes = Vec::new();
            for part in &parts {
                if cx.ledger.requests.iter().any(|r| &r.id == part) {
                    return Err(format!("申请编号 {part} 已经登记"));
                }
                changes.push(LedgerChange::PutRequest(Request {
                    id: part.clone(),
                    split_from: Some(id.clone()),
                    split: false,
                    ..original.clone()
                }));
            }
            original.events.clear();
            changes.insert(0, LedgerChange::PutRequest(original));
            cx.apply(changes)?;
            outln!(
                "申请 {id} 已拆分为 {} 件：{}",
                parts.len(),
                parts.join("、")
            );
            Ok(())
        }),
        LedgerCommand::Event { at, id, events } => with_ledger(&at, |cx| {
            let mut r = cx.request(&id)?.clone();
            for e in &events {
                r.events.push(parse_event(e)?);
            }
            cx.apply(vec![LedgerChange::PutRequest(r)])?;
            outln!("申请 {id} 已登记 {} 个事件", events.len());
            Ok(())
        }),
        LedgerCommand::Close {
            at,
            id,
            outcome,
            date: when,
            grounds,
        } => with_ledger(&at, |cx| {
            let outcome =
                Outcome::parse(&outcome).ok_or_else(|| format!("没有这种办理结果：{outcome}"))?;
            let when = date(&when, "--date ")?;
            let mut r = cx.request(&id)?.clone();
            if r.split {
                return Err(format!("申请 {id} 已拆分，办理结果记在拆分后的各件上"));
            }
            if !r.events.iter().any(|e| matches!(e, Event::Answered(_))) {
                r.events.push(Event::Answered(when));
            }
            r.closure = Some(Closure {
                outcome,
                date: when,
                grounds,
            });
            cx.apply(vec![LedgerChange::PutRequest(r)])?;
            outln!("申请 {id} 已办结：{}（{when}）", outcome.name());
            Ok(())
        }),
        LedgerCommand::Fee { at, id, method } => with_ledger(&at, |cx| {
            let method = match method.trim() {
                "per-request" | "按件" => FeeMethod::PerRequest,
                m => match m.strip_prefix("pages=").and_then(|n| n.parse().ok()) {
                    Some(pages) => FeeMethod::PerPage { pages },
                    None => return Err(format!("收费方式应为 per-request 或 pages=页数：{m}")),
                },
            };
            let mut r = cx.request(&id)?.clone();
            r.fee = Some(method);
            cx.apply(vec![LedgerChange::PutRequest(r)])?;
            outln!("申请 {id} 已登记收费方式");
            Ok(())
        }),
        LedgerCommand::List {
            at,
            all,
            today,
            format,
        } => with_ledger(&at, |cx| list(cx, all, today.as_deref(), format)),
        LedgerCommand::Show { at, id, format } => with_ledger(&at, |cx| show(cx, &id, format)),
        LedgerCommand::Tables {
            at,
            year,
            cell,
            format,
        } => with_ledger(&at, |cx| tables(cx, year, cell.as_deref(), format)),
        LedgerCommand::Report {
            at,
            year,
            output,
            texts,
            finalize,
        } => {
            return match with_ledger(&at, |cx| report(cx, year, &output, &texts, finalize)) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(message) => {
                    errln!("gongkai: {message}");
                    ExitCode::from(2)
                }
            };
        }
        LedgerCommand::Text { at, year, texts } => with_ledger(&at, |cx| {
            let mut text = cx.ledger.texts.get(&year).cloned().unwrap_or_default();
            read_texts(&texts, &mut text)?;
            cx.apply(vec![LedgerChange::PutText { year, text }])?;
            outln!("已保存 {} {year} 年度报告的文字", cx.agency);
            Ok(())
        }),
        LedgerCommand::Import {
            at,
            file,
            mapping,
            partial,
        } => {
            return match with_ledger(&at, |cx| import(cx, &file, mapping.as_deref(), partial)) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(message) => {
                    errln!("gongkai: {message}");
                    ExitCode::from(2)
                }
            };
        }
        LedgerCommand::Export { at, output } => with_ledger(&at, |cx| {
            let bytes = gongkai_ledger_sheet::export(&cx.ledger).map_err(|e| e.to_string())?;
            let part = output.with_extension("xlsx.part");
            std::fs::write(&part, &bytes)
                .and_then(|()| std::fs::rename(&part, &output))
                .map_err(|e| format!("无法写出 {}：{e}", output.display()))?;
            outln!(
                "已导出 {} 件申请：{}",
                cx.ledger.requests.len(),
                output.display()
            );
            Ok(())
        }),
        LedgerCommand::Case {
            at,
            id,
            kind,
            filed,
            result,
            decided,
            request,
        } => with_ledger(&at, |cx| {
            let kind = CaseKind::parse(&kind).ok_or_else(|| format!("没有这种案件类别：{kind}"))?;
            let decided = match (result, decided) {
                (Some(r), Some(d)) => Some((
                    CaseResult::parse(&r).ok_or_else(|| format!("没有这种结果：{r}"))?,
                    date(&d, "--decided ")?,
                )),
                _ => None,
            };
            let case = Case {
                id: id.clone(),
                kind,
                filed: date(&filed, "--filed ")?,
                decided,
                request,
            };
            cx.apply(vec![LedgerChange::PutCase(case)])?;
            outln!("已登记案件 {id}");
            Ok(())
        }),
        LedgerCommand::Document {
            at,
            id,
            kind,
            issued,
            repealed,
            title,
        } => with_ledger(&at, |cx| {
            let kind = DocKind::parse(&kind).ok_or_else(|| {
                format!(
                    "文件类别应为 regulation 或 normative_document：{}",
                    kind.trim()
                )
            })?;
            let doc = RegisterDoc {
                id: id.clone(),
                kind,
                title,
                issued: date(&issued, "--issued ")?,
                repealed: repealed.map(|r| date(&r, "--repealed ")).transpose()?,
            };
            cx.apply(vec![LedgerChange::PutDocument(doc)])?;
            outln!("已登记文件 {id}");
            Ok(())
        }),
        LedgerCommand::Year {
            at,
            year,
            licensing,
            penalty,
            coercion,
            fees,
        } => with_ledger(&at, |cx| {
            let mut changes = Vec::new();
            for (kind, n) in [
                (DecisionKind::Licensing, licensing),
                (DecisionKind::Penalty, penalty),
                (DecisionKind::Coercion, coercion),
            ] {
                if let Some(count) = n {
                    changes.push(LedgerChange::PutDecision(DecisionCount {
                        year,
                        kind,
                        count,
                    }));
                }
            }
            if let Some(amount) = fees {
                changes.push(LedgerChange::PutFeesCollected {
                    year,
                    amount_10k_yuan: amount,
                });
            }
            if changes.is_empty() {
                return Err(
                    "没有给出要登记的数量（--licensing、--penalty、--coercion、--fees）".into(),
                );
            }
            let n = changes.len();
            cx.apply(changes)?;
            outln!("已登记 {year} 年的 {n} 项");
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            errln!("gongkai: {message}");
            ExitCode::from(2)
        }
    }
}

fn date(s: &str, what: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("{what}不是有效日期：{s}（应为 YYYY-MM-DD）"))
}

pub(crate) fn calendar_with(overrides: Option<&Path>) -> Result<Calendar, String> {
    let mut cal = Calendar::official();
    if let Some(path) = overrides {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("无法读取本地日历 {}：{e}", path.display()))?;
        cal.add_overrides(&text, &path.display().to_string())
            .map_err(|e| e.to_string())?;
    }
    Ok(cal)
}

fn parse_event(s: &str) -> Result<Event, String> {
    let (kind, when) = s
        .split_once('=')
        .ok_or_else(|| format!("事件应写成 KIND=日期：{s}"))?;
    let d = date(when, &format!("事件 {kind} 的日期"))?;
    Event::of_kind(kind, d).ok_or_else(|| format!("没有这种事件：{}", kind.trim()))
}

fn deadline(
    received: &str,
    extended: bool,
    channel: Option<Channel>,
    events: &[String],
    overrides: Option<&Path>,
    format: Format,
) -> Result<(), String> {
    let received = date(received, "--received ")?;
    let cal = calendar_with(overrides)?;
    let mut events: Vec<Event> = events
        .iter()
        .map(|e| parse_event(e))
        .collect::<Result<_, _>>()?;
    if extended && !events.iter().any(|e| matches!(e, Event::Extended(_))) {
        events.push(Event::Extended(received));
    }
    let clock = RequestClock {
        received,
        channel,
        events,
    };
    let d = deadlines(&cal, &clock).map_err(|e| e.to_string())?;
    let due = d.answer.as_ref().and_then(|a| a.due);
    let provisional = d.correction_notice.provisional
        || d.answer.as_ref().is_some_and(|a| a.provisional)
        || d.third_party_reply.iter().any(|p| p.provisional)
        || d.fee_payment.as_ref().is_some_and(|p| p.provisional);
    match format {
        Format::Json => {
            let explanation = match &d.answer {
                Some(a) => a.explain(),
                None => "等待申请人补正，收到补正后的申请之日起重新计算".to_string(),
            };
            let value = json!({
                "received": received,
                "due": due,
                "provisional": provisional,
                "explanation": explanation,
                "extended": d.extended,
                "correction_notice_due": d.correction_notice.due,
                "deadlines": d,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).expect("plain data")
            );
        }
        Format::Human => {
            match due {
                Some(due) => outln!(
                    "答复期限：{due}{}",
                    if provisional { "（暂定）" } else { "" }
                ),
                None => outln!("答复期限：待定（计时已停止）"),
            }
            for line in d.explain() {
                outln!("  {line}");
            }
        }
    }
    Ok(())
}

fn list_calendar(year: i32, overrides: Option<&Path>, format: Format) -> Result<(), String> {
    let cal = calendar_with(overrides)?;
    let first = Date::new(year, 1, 1).ok_or_else(|| format!("年份超出范围：{year}"))?;
    let mut days = Vec::new();
    let mut d = Some(first);
    while let Some(day) = d.filter(|x| x.year == year) {
        let info = cal.day(day);
        if !matches!(info.why, Why::Weekday | Why::Weekend) {
            days.push(info);
        }
        d = day.succ();
    }
    let covered = cal.covers(year);
    match format {
        Format::Json => {
            let value = json!({
                "year": year,
                "provisional": !covered,
                "notices": cal.notices().iter().filter(|n| n.year == year).collect::<Vec<_>>(),
                "days": days,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).expect("plain data")
            );
        }
        Format::Human => {
            if !covered {
                outln!(
                    "【暂定】日历中没有 {year} 年的国务院办公厅节假日安排通知：该年只按周末计算。"
                );
            }
            for n in cal.notices().iter().filter(|n| n.year == year) {
                outln!(
                    "{}{}",
                    n.cite(),
                    n.note
                        .as_deref()
                        .map(|x| format!("：{x}"))
                        .unwrap_or_default()
                );
            }
            for day in &days {
                outln!(
                    "{} 周{} {} {}",
                    day.date,
                    ["一", "二", "三", "四", "五", "六", "日"][day.date.iso_weekday() as usize - 1],
                    if day.working { "上班" } else { "放假" },
                    day.why.describe()
                );
            }
        }
    }
    Ok(())
}

/// An agency's ledger, open for a command.
struct Cx {
    store: Store,
    agency: String,
    cal: Calendar,
    ledger: Ledger,
}

impl Cx {
    fn request(&self, id: &str) -> Result<&Request, String> {
        self.ledger
            .requests
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| format!("{} 的台账中没有申请 {id}", self.agency))
    }

    /// Applies changes when the ledger stays without problems (none that it did not
    /// have before: [`Ledger::changed`]); nothing is written otherwise.
    /// The ledger is read again inside the write transaction
    /// ([`Store::update_ledger`]), so a change made meanwhile (the workspace, another
    /// command) is validated against too.
    fn apply(&mut self, changes: Vec<LedgerChange>) -> Result<(), String> {
        let actor = Actor {
            user_id: None,
            name: "命令行".into(),
        };
        let cal = &self.cal;
        let after = self
            .store
            .update_ledger(&actor, &self.agency, |ledger| {
                let after = ledger.changed(cal, &changes).map_err(|new| {
                    let new: Vec<String> = new.iter().map(|p| p.to_string()).collect();
                    gongkai_store::StoreError::Conflict(format!("未保存：{}", new.join("；")))
                })?;
                Ok::<_, gongkai_store::StoreError>((changes.clone(), after))
            })
            .map_err(|e| e.to_string())?;
        self.ledger = after;
        Ok(())
    }
}

/// Opens the database and the agency's ledger, runs `f`, and turns its error into
/// exit status 2.
fn with_ledger<T>(
    at: &LedgerArgs,
    f: impl FnOnce(&mut Cx) -> Result<T, String>,
) -> Result<T, String> {
    let cal = calendar_with(at.calendar.path.as_deref())?;
    let mut store = Store::open(&at.db.database).map_err(|e| e.to_string())?;
    let agency = at.agency.trim().to_string();
    if agency.is_empty() {
        return Err("--agency 不能为空".into());
    }
    let ledger = store.ledger(&agency).map_err(|e| e.to_string())?;
    let mut cx = Cx {
        store,
        agency,
        cal,
        ledger,
    };
    f(&mut cx)
}

fn today_or(s: Option<&str>) -> Result<Date, String> {
    match s {
        Some(s) => date(s, "--today "),
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_secs() as i64;
            Date::beijing_at(secs).ok_or_else(|| "系统日期超出范围".to_string())
        }
    }
}

fn list(cx: &mut Cx, all: bool, today: Option<&str>, format: Format) -> Result<(), String> {
    let today = today_or(today)?;
    let items = gongkai_ledger::worklist(&cx.ledger, &cx.cal, today, all)
        .map_err(|(id, e)| format!("{id}：{e}"))?;
    match format {
        Format::Json => {
            let v: Vec<_> = items
                .iter()
                .map(|w| {
                    let r = w.request;
                    let left = w.standing.working_days_left();
                    json!({
                        "id": r.id, "applicant": r.applicant.name, "kind": r.applicant.kind.code(),
                        "received": r.received, "due": w.due, "working_days_left": left,
                        "provisional": w.provisional, "state": w.standing.label_zh(),
                        "outcome": r.closure.as_ref().map(|c| c.outcome.code()),
                    })
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"agency": cx.agency, "today": today, "requests": v})
                )
                .expect("plain data")
            );
        }
        Format::Human => {
            if items.is_empty() {
                outln!(
                    "{}：没有{}申请",
                    cx.agency,
                    if all { "" } else { "未办结的" }
                );
            }
            for w in &items {
                let r = w.request;
                outln!(
                    "{}  收到 {}  期限 {}{}  {}  {}（{}）",
                    r.id,
                    r.received,
                    w.due.map_or("待定".to_string(), |d| d.to_string()),
                    if w.provisional { "（暂定）" } else { "" },
                    w.standing.label_zh(),
                    r.applicant.name,
                    r.applicant.kind.label()
                );
            }
        }
    }
    Ok(())
}

fn show(cx: &mut Cx, id: &str, format: Format) -> Result<(), String> {
    let r = cx.request(id)?;
    let d = r.deadlines(&cx.cal).map_err(|e| e.to_string())?;
    match format {
        Format::Json => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&json!({"request": r, "deadlines": d}))
                    .expect("plain data")
            );
        }
        Format::Human => {
            outln!(
                "申请 {}：{}（{}），{}，{} 收到",
                r.id,
                r.applicant.name,
                r.applicant.kind.label(),
                r.channel.label(),
                r.received
            );
            if !r.content.is_empty() {
                outln!("  内容：{}", r.content);
            }
            if let Some(p) = &r.split_from {
                outln!("  拆分自：{p}");
            }
            if r.split {
                outln!("  已拆分（不计数，办理结果记在拆分后的各件上）");
            }
            let mut events = r.events.clone();
            events.sort_by_key(|e| e.date());
            for e in events {
                outln!("  {} {}", e.date(), e.label());
            }
            if let Some(c) = &r.closure {
                outln!(
                    "  办结：{}（{}）{}",
                    c.outcome.name(),
                    c.date,
                    if c.grounds.is_empty() {
                        String::new()
                    } else {
                        format!("，依据：{}", c.grounds.join("、"))
                    }
                );
            }
            for line in d.explain() {
                outln!("  {line}");
            }
        }
    }
    Ok(())
}

/// A cell named `row:column` in any of the three tables.
fn parse_cell(s: &str) -> Result<CellRef, String> {
    if !s.contains(':') {
        return Err(format!("单元格应写成 行:列：{s}"));
    }
    CellRef::from_key(s).ok_or_else(|| format!("没有这个单元格：{s}"))
}

fn tables(cx: &mut Cx, year: i32, cell: Option<&str>, format: Format) -> Result<(), String> {
    let t = compute(&cx.ledger, &cx.cal, year).map_err(|e| e.to_string())?;
    if let Some(cell) = cell {
        let at = parse_cell(cell)?;
        let behind = t
            .behind(&at)
            .ok_or_else(|| format!("{} 不是台账计算的单元格", at.describe_zh()))?;
        match format {
            Format::Json => outln!(
                "{}",
                serde_json::to_string_pretty(&json!({"cell": at, "behind": behind}))
                    .expect("plain data")
            ),
            Format::Human => {
                let (what, ids) = match behind {
                    Behind::Requests(ids) => ("申请", ids.clone()),
                    Behind::Cases(ids) => ("案件", ids.clone()),
                    Behind::Documents(ids) => ("文件", ids.clone()),
                    Behind::Recorded => ("", Vec::new()),
                };
                if what.is_empty() {
                    outln!("{}：台账登记的年度数", at.describe_zh());
                } else {
                    outln!("{}：{} 件{what}", at.describe_zh(), ids.len());
                    for id in ids {
                        outln!("  {id}");
                    }
                }
            }
        }
        return Ok(());
    }
    match format {
        Format::Json => {
            let json_report = gongkai_model::canonical_json(&t.report, Default::default());
            outln!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "agency": cx.agency,
                    "year": year,
                    "tables": json_report,
                    "unrecorded": t.unrecorded,
                    "processing_fees": t.processing_fees,
                    "processing_fees_total_yuan": t.processing_fees_total(),
                }))
                .expect("plain data")
            );
        }
        Format::Human => {
            let req = t.report.requests.as_ref().expect("computed");
            outln!(
                "{} {} 年 表三 收到和处理政府信息公开申请情况",
                cx.agency,
                year
            );
            outln!("  行 \\ 列：自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计");
            for row in &req.rows {
                let cells: Vec<String> = row.cells.iter().map(|c| c.display()).collect();
                outln!("  {}：{}", row.key.def().short, cells.join(" "));
            }
            let review = t.report.review.as_ref().expect("computed");
            outln!("表四 行政复议、行政诉讼（维持 纠正 其他 尚未审结 总计）");
            for g in ReviewGroup::ALL {
                let cells: Vec<String> = ReviewColumn::ALL
                    .iter()
                    .map(|c| review.cell(g, *c).display())
                    .collect();
                outln!("  {}：{}", g.label(), cells.join(" "));
            }
            outln!("表二 主动公开");
            let active = t.report.active.as_ref().expect("computed");
            for (cell_ref, _, cell) in active.cells() {
                outln!(
                    "  {}：{}",
                    cell_ref.describe_zh(),
                    if cell.is_blank() {
                        "（未登记）".to_string()
                    } else {
                        cell.display()
                    }
                );
            }
            outln!(
                "信息处理费：{} 件，合计 {} 元",
                t.processing_fees.len(),
                t.processing_fees_total()
            );
        }
    }
    Ok(())
}

/// Reads the files given for the report's three parts of the agency's own text into
/// `text` (a part without a file is left as it is).
fn read_texts(files: &TextFiles, text: &mut ReportText) -> Result<(), String> {
    let parts = [&mut text.overview, &mut text.problems, &mut text.other];
    let files = [&files.overview, &files.problems, &files.other];
    for (file, part) in files.into_iter().zip(parts) {
        if let Some(p) = file {
            let t =
                std::fs::read_to_string(p).map_err(|e| format!("无法读取 {}：{e}", p.display()))?;
            *part = ReportText::paragraphs(&t);
        }
    }
    Ok(())
}

/// Writes the year's report, gates it, and with `finalize` keeps it only when the gate
/// passes (and records that in the audit log). `Ok(false)`: the gate did not pass.
fn report(
    cx: &mut Cx,
    year: i32,
    output: &Path,
    texts: &TextFiles,
    finalize: bool,
) -> Result<bool, String> {
    // The text kept in the ledger, each part replaced by a file given for it.
    let mut text = cx.ledger.texts.get(&year).cloned().unwrap_or_default();
    read_texts(texts, &mut text)?;
    let t = compute(&cx.ledger, &cx.cal, year).map_err(|e| e.to_string())?;
    let name = output.display().to_string();
    let format = gongkai_produce::Format::of_name(&name)
        .ok_or_else(|| format!("输出文件的扩展名应为 .docx、.html 或 .pdf：{name}"))?;
    let produced =
        gongkai_produce::produce(&cx.agency, &t, &text, format).map_err(|e| e.to_string())?;
    let (bytes, result) = (produced.bytes, produced.gate);
    for f in &result.findings {
        errln!("{} {}：{}", f.code, f.severity.display_zh(), f.message);
    }
    for m in &result.mismatches {
        errln!(
            "读回不一致：{} 应为 {}，读回 {}",
            m.cell.describe_zh(),
            m.computed,
            m.read_back
        );
    }
    let passed = result.passed();
    if finalize && !passed {
        errln!(
            "把关未通过：{} 条问题、{} 处读回不一致，未定稿，未写出文件",
            result.findings.len(),
            result.mismatches.len()
        );
        return Ok(false);
    }
    let part = output.with_extension(format!("{}.part", format.extension()));
    std::fs::write(&part, &bytes)
        .and_then(|()| std::fs::rename(&part, output))
        .map_err(|e| format!("无法写出 {}：{e}", output.display()))?;
    if finalize {
        let digest: String = {
            use sha2::Digest;
            sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let actor = Actor {
            user_id: None,
            name: "命令行".into(),
        };
        cx.store
            .record_audit(
                &actor,
                "ledger.report.final",
                &format!("{}/{year}", cx.agency),
                None,
                Some(&json!({"file": name, "sha256": digest, "bytes": bytes.len()})),
            )
            .map_err(|e| e.to_string())?;
        outln!("已定稿：{}（把关通过，已记入审计日志）", output.display());
    } else if passed {
        outln!("已生成：{}（把关通过）", output.display());
    } else {
        outln!(
            "已生成草稿：{}（把关未通过：{} 条问题、{} 处读回不一致）",
            output.display(),
            result.findings.len(),
            result.mismatches.len()
        );
    }
    Ok(passed)
}

/// Imports a workbook's requests. `Ok(false)`: rows were bad (listed on standard error)
/// and, without `partial`, nothing was imported.
fn import(cx: &mut Cx, file: &Path, mapping: Option<&Path>, partial: bool) -> Result<bool, String> {
    let mapping = match mapping {
        Some(p) => gongkai_ledger_sheet::Mapping::parse(
            &std::fs::read_to_string(p).map_err(|e| format!("无法读取 {}：{e}", p.display()))?,
        )
        .map_err(|e| e.to_string())?,
        None => gongkai_ledger_sheet::Mapping::default(),
    };
    let bytes = std::fs::read(file).map_err(|e| format!("无法读取 {}：{e}", file.display()))?;
    let sheet = gongkai_ledger_sheet::import(&bytes, &mapping)
        .map_err(|e| format!("{}：{e}", file.display()))?;
    let plan = gongkai_ledger_sheet::plan(&cx.ledger, &cx.cal, sheet)
        .map_err(|p| format!("导入后台账有问题：{p}"))?;
    let bad_rows = plan.bad_rows();
    for b in &plan.bad {
        errln!("{b}");
    }
    for c in &plan.ignored_columns {
        errln!("未导入的列（不是台账的标准列，可用 --mapping 对照）：{c}");
    }
    if !plan.bad.is_empty() && !partial {
        errln!(
            "{bad_rows} 行有问题，未导入任何一行（改正后重新导入，或用 --partial 只导入没有问题的 {} 行）",
            plan.good.len()
        );
        return Ok(false);
    }
    let n = plan.good.len();
    cx.apply(plan.changes())?;
    outln!(
        "已导入 {n} 件申请（新增 {}，更新 {}）{}",
        n - plan.updated,
        plan.updated,
        if plan.bad.is_empty() {
            String::new()
        } else {
            format!("；{bad_rows} 行有问题未导入")
        }
    );
    Ok(plan.bad.is_empty())
}
