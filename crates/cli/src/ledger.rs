//! `gongkai ledger …`: the request ledger's commands. So far the deadline engine:
//! `ledger deadline` computes a request's statutory dates with their explanations,
//! `ledger calendar` lists a year's holidays and make-up working days with their notices.
//!
//! Exit status: 0 computed; 2 a date, event or override file that cannot be read, or a
//! clock that cannot be computed (said on standard error).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use gongkai_deadline::clock::{deadlines, Event};
use gongkai_deadline::{Calendar, Channel, RequestClock, Why};
use gongkai_model::date::Date;
use serde_json::json;

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
        #[arg(long, value_enum)]
        channel: Option<ChannelArg>,
        /// 计时事件 KIND=日期，可重复：correction-requested、correction-received、third-party-started、
        /// third-party-ended、consultation-started、consultation-ended、extended、fee-notice-sent、
        /// fee-notice-received、fee-paid、answered (an event on the clock, repeatable)
        #[arg(long = "event", value_name = "KIND=DATE")]
        events: Vec<String>,
        /// 本地放假/上班调整（CSV：日期,类型（休/班）,名称） (local closures and working days)
        #[arg(long, value_name = "FILE")]
        calendar: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// 列出某年的法定节假日和调休上班日及其通知 (a year's holidays and make-up days)
    Calendar {
        year: i32,
        /// 本地放假/上班调整（CSV：日期,类型（休/班）,名称） (local closures and working days)
        #[arg(long, value_name = "FILE")]
        calendar: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ChannelArg {
    InPerson,
    PostSigned,
    OrdinaryLetter,
    Online,
    Fax,
    Oral,
}

impl From<ChannelArg> for Channel {
    fn from(c: ChannelArg) -> Channel {
        match c {
            ChannelArg::InPerson => Channel::InPerson,
            ChannelArg::PostSigned => Channel::PostSigned,
            ChannelArg::OrdinaryLetter => Channel::OrdinaryLetter,
            ChannelArg::Online => Channel::Online,
            ChannelArg::Fax => Channel::Fax,
            ChannelArg::Oral => Channel::Oral,
        }
    }
}

pub fn ledger(command: LedgerCommand) -> ExitCode {
    let result = match command {
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
            calendar.as_deref(),
            format,
        ),
        LedgerCommand::Calendar {
            year,
            calendar,
            format,
        } => list_calendar(year, calendar.as_deref(), format),
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

fn calendar_with(overrides: Option<&Path>) -> Result<Calendar, String> {
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
    Ok(match kind.trim() {
        "correction-requested" => Event::CorrectionRequested(d),
        "correction-received" => Event::CorrectionReceived(d),
        "third-party-started" => Event::ThirdPartyStarted(d),
        "third-party-ended" => Event::ThirdPartyEnded(d),
        "consultation-started" => Event::ConsultationStarted(d),
        "consultation-ended" => Event::ConsultationEnded(d),
        "extended" => Event::Extended(d),
        "fee-notice-sent" => Event::FeeNoticeSent(d),
        "fee-notice-received" => Event::FeeNoticeReceived(d),
        "fee-paid" => Event::FeePaid(d),
        "answered" => Event::Answered(d),
        other => return Err(format!("没有这种事件：{other}")),
    })
}

fn deadline(
    received: &str,
    extended: bool,
    channel: Option<ChannelArg>,
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
        channel: channel.map(Channel::from),
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
