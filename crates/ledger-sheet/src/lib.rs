//! The Excel 台账 an agency keeps its requests in, read into the ledger and written from
//! it. One sheet, one request per row, the columns named by Chinese headers (the
//! standard ones below, or a local variant mapped to them: `本地表头=标准表头`). Dates
//! may be Excel dates or text (`2026-02-10`, `2026/2/10`, `2026年2月10日`); a cell with
//! several dates (two consultations) separates them with `；`.
//!
//! Reading never half-succeeds silently: every row that cannot be read is reported with
//! its row number, its column and why; the caller decides (all or nothing, or the good
//! rows only). Bytes in, bytes out: no I/O here.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{Data, Reader};
use gongkai_deadline::clock::Event;
use gongkai_deadline::Channel;
use gongkai_ledger::model::Closure;
use gongkai_ledger::{Applicant, ApplicantKind, FeeMethod, Ledger, Outcome, Request};
use gongkai_model::date::Date;

/// A field of a request and its standard header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Id,
    Applicant,
    Kind,
    Channel,
    Received,
    Content,
    Outcome,
    Closed,
    Grounds,
    FeeMethod,
    Pages,
    SplitFrom,
    Split,
    CorrectionRequested,
    CorrectionReceived,
    ThirdPartyStarted,
    ThirdPartyEnded,
    ConsultationStarted,
    ConsultationEnded,
    Extended,
    FeeNoticeSent,
    FeeNoticeReceived,
    FeePaid,
}

/// The standard columns, in the order they are written, with the other headers each
/// is known by.
pub const COLUMNS: &[(Field, &str, &[&str])] = &[
    (Field::Id, "编号", &["申请编号", "序号", "受理编号"]),
    (
        Field::Applicant,
        "申请人",
        &["申请人姓名或名称", "申请人名称"],
    ),
    (Field::Kind, "申请人类别", &["申请人类型", "类别"]),
    (Field::Channel, "提交方式", &["申请方式", "申请渠道"]),
    (
        Field::Received,
        "收到日期",
        &["收到申请日期", "受理日期", "申请日期"],
    ),
    (Field::Content, "申请内容", &["申请公开的内容", "申请事项"]),
    (Field::Outcome, "办理结果", &["答复结果", "处理结果"]),
    (Field::Closed, "办结日期", &["答复日期"]),
    (Field::Grounds, "法律依据", &["依据"]),
    (Field::FeeMethod, "收费方式", &[]),
    (Field::Pages, "收费页数", &["页数"]),
    (Field::SplitFrom, "拆分自", &[]),
    (Field::Split, "已拆分", &[]),
    (
        Field::CorrectionRequested,
        "告知补正日期",
        &["补正告知日期"],
    ),
    (Field::CorrectionReceived, "收到补正日期", &["补正日期"]),
    (Field::ThirdPartyStarted, "征求第三方意见日期", &[]),
    (Field::ThirdPartyEnded, "第三方意见收回日期", &[]),
    (Field::ConsultationStarted, "征求其他机关意见日期", &[]),
    (Field::ConsultationEnded, "其他机关意见收回日期", &[]),
    (Field::Extended, "延长答复期限日期", &["延期日期"]),
    (Field::FeeNoticeSent, "送出收费通知日期", &[]),
    (Field::FeeNoticeReceived, "收到收费通知日期", &[]),
    (Field::FeePaid, "缴费日期", &[]),
];

/// The clock's event columns: the event a date in the column records, and back.
/// The event columns: each field and its event's kind ([`Event::KINDS`]; 答复 is the
/// closing's date, not a column of its own).
const EVENT_COLUMNS: [(Field, &str); 10] = [
    (Field::CorrectionRequested, "correction-requested"),
    (Field::CorrectionReceived, "correction-received"),
    (Field::ThirdPartyStarted, "third-party-started"),
    (Field::ThirdPartyEnded, "third-party-ended"),
    (Field::ConsultationStarted, "consultation-started"),
    (Field::ConsultationEnded, "consultation-ended"),
    (Field::Extended, "extended"),
    (Field::FeeNoticeSent, "fee-notice-sent"),
    (Field::FeeNoticeReceived, "fee-notice-received"),
    (Field::FeePaid, "fee-paid"),
];

const REQUIRED: [Field; 5] = [
    Field::Id,
    Field::Applicant,
    Field::Kind,
    Field::Channel,
    Field::Received,
];

/// The sheet's name when written.
pub const SHEET: &str = "依申请公开台账";

fn header_of(field: Field) -> &'static str {
    COLUMNS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map_or("", |(_, h, _)| h)
}

/// Local headers mapped to standard ones (`本地表头=标准表头` lines, `#` comments).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping(BTreeMap<String, Field>);

impl Mapping {
    pub fn parse(text: &str) -> Result<Mapping, SheetError> {
        let mut map = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (local, standard) = line.split_once('=').ok_or_else(|| SheetError::Mapping {
                line: i + 1,
                reason: "应写成 本地表头=标准表头".into(),
            })?;
            let field = field_named(standard.trim(), &Mapping::default()).ok_or_else(|| {
                SheetError::Mapping {
                    line: i + 1,
                    reason: format!("没有这个标准表头：{}", standard.trim()),
                }
            })?;
            map.insert(normal_header(local), field);
        }
        Ok(Mapping(map))
    }
}

/// A header as compared: no spaces, no line breaks, no trailing colon or asterisk.
fn normal_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | ':' | '：'))
        .collect()
}

fn field_named(header: &str, mapping: &Mapping) -> Option<Field> {
    let h = normal_header(header);
    mapping.0.get(&h).copied().or_else(|| {
        COLUMNS
            .iter()
            .find(|(_, standard, aliases)| *standard == h || aliases.contains(&h.as_str()))
            .map(|(f, _, _)| *f)
    })
}

/// A workbook that cannot be read as a 台账 at all.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("无法读取电子表格（应为 XLSX 或 XLS）：{0}")]
    Workbook(String),
    #[error("电子表格中没有工作表")]
    NoSheet,
    #[error("第 {row} 行是表头，但缺少必需的列：{}", .missing.join("、"))]
    MissingColumns {
        row: usize,
        missing: Vec<&'static str>,
    },
    #[error("找不到表头行（前 20 行中没有“编号”“申请人”“收到日期”等列名）")]
    NoHeader,
    #[error("表头对照文件第 {line} 行：{reason}")]
    Mapping { line: usize, reason: String },
    #[error("无法写出电子表格：{0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
}

/// A row that cannot be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// The row as Excel numbers it (1 is the first).
    pub row: usize,
    /// The column's header as written in the file (empty for the row as a whole).
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "第 {} 行：{}", self.row, self.reason)
        } else {
            write!(
                f,
                "第 {} 行「{}」列：{}",
                self.row, self.column, self.reason
            )
        }
    }
}

/// What a sheet gave: the requests read (with their rows) and the rows that could not be.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    pub requests: Vec<(usize, Request)>,
    pub bad: Vec<BadRow>,
    /// Columns the sheet has that map to no field (kept out, named).
    pub ignored_columns: Vec<String>,
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial day (1900 system: day 1 is 1900-01-01, with its phantom 1900-02-29).
fn serial_date(x: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&x) {
        return None;
    }
    // Serial 25,569 is 1970-01-01 (serial 0 is 1899-12-30 for every date after
    // 1900-02-28).
    Date::from_days_since_epoch(x.floor() as i64 - 25_569)
}

/// The dates of a cell: an Excel date, a serial number, or text (several separated by ；).
fn dates(d: &Data) -> Result<Vec<Date>, String> {
    match d {
        Data::Empty => Ok(Vec::new()),
        Data::DateTime(dt) => serial_date(dt.as_f64())
            .map(|d| vec![d])
            .ok_or_else(|| "日期超出范围".to_string()),
        Data::Float(x) if (20_000.0..80_000.0).contains(x) => serial_date(*x)
            .map(|d| vec![d])
            .ok_or_else(|| "日期超出范围".to_string()),
        Data::DateTimeIso(s) => Date::parse(s.get(..10).unwrap_or(s))
            .map(|d| vec![d])
            .ok_or_else(|| format!("日期无法识别：{s}")),
        other => {
            let text = cell_text(other);
            text.split(['；', ';', '、'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| {
                    // "2026-02-10 09:30" and similar: the day counts.
                    let day = t.split_whitespace().next().unwrap_or(t);
                    Date::parse(day).ok_or_else(|| format!("日期无法识别：{t}"))
                })
                .collect()
        }
    }
}

fn one_date(d: &Data) -> Result<Option<Date>, String> {
    let mut ds = dates(d)?;
    match ds.len() {
        0 => Ok(None),
        1 => Ok(ds.pop()),
        _ => Err("只能有一个日期".into()),
    }
}

/// Channels as 台账 write them.
fn channel(s: &str) -> Option<Channel> {
    Channel::parse(s).or(match s.trim() {
        "当面" | "现场" | "现场申请" | "当面申请" => Some(Channel::InPerson),
        "邮寄" | "信函（需签收）" | "挂号信" | "EMS" => Some(Channel::PostSigned),
        "信函" | "平信" => Some(Channel::OrdinaryLetter),
        "网络" | "网上" | "在线" | "网上申请" | "互联网" | "电子邮件" | "政府网站" => {
            Some(Channel::Online)
        }
        "口头" => Some(Channel::Oral),
        _ => None,
    })
}

fn yes(s: &str) -> Option<bool> {
    match s.trim() {
        "" | "否" | "0" | "no" | "false" => Some(false),
        "是" | "1" | "yes" | "true" | "已拆分" => Some(true),
        _ => None,
    }
}

/// Reads the first sheet of a workbook (XLSX or XLS).
pub fn import(bytes: &[u8], mapping: &Mapping) -> Result<Imported, SheetError> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| SheetError::Workbook(e.to_string()))?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or(SheetError::NoSheet)?;
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| SheetError::Workbook(e.to_string()))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let rows: Vec<&[Data]> = range.rows().collect();
    // The header row: the first of the first 20 that names the identifying columns.
    let header_at = rows
        .iter()
        .take(20)
        .position(|r| {
            let fields: BTreeSet<Field> = r
                .iter()
                .filter_map(|c| field_named(&cell_text(c), mapping))
                .collect();
            fields.contains(&Field::Id) && fields.contains(&Field::Received)
        })
        .ok_or(SheetError::NoHeader)?;
    let excel_row = |i: usize| first_row as usize + i + 1;
    let mut columns: Vec<Option<Field>> = Vec::new();
    let mut headers: Vec<String> = Vec::new();
    let mut out = Imported::default();
    let mut seen = BTreeSet::new();
    for c in rows[header_at] {
        let h = cell_text(c);
        let field = field_named(&h, mapping).filter(|f| seen.insert(*f));
        if field.is_none() && !h.is_empty() {
            out.ignored_columns.push(h.clone());
        }
        columns.push(field);
        headers.push(h);
    }
    let missing: Vec<&'static str> = REQUIRED
        .iter()
        .filter(|f| !columns.contains(&Some(**f)))
        .map(|f| header_of(*f))
        .collect();
    if !missing.is_empty() {
        return Err(SheetError::MissingColumns {
            row: excel_row(header_at),
            missing,
        });
    }
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
        if row.iter().all(|c| cell_text(c).is_empty()) {
            continue;
        }
        let n = excel_row(i);
        match read_row(row, &columns, &headers) {
            Ok(r) => {
                if let Some(first) = ids.insert(r.id.clone(), n) {
                    out.bad.push(BadRow {
                        row: n,
                        column: header_column(&columns, &headers, Field::Id),
                        reason: format!("编号 {} 与第 {first} 行重复", r.id),
                    });
                } else {
                    out.requests.push((n, r));
                }
            }
            Err(bad) => out
                .bad
                .extend(bad.into_iter().map(|(column, reason)| BadRow {
                    row: n,
                    column,
                    reason,
                })),
        }
    }
    Ok(out)
}

fn header_column(columns: &[Option<Field>], headers: &[String], field: Field) -> String {
    columns
        .iter()
        .position(|c| *c == Some(field))
        .map(|i| headers[i].clone())
        .unwrap_or_default()
}

/// One row as a request, or every problem of the row (column header, reason).
fn read_row(
    row: &[Data],
    columns: &[Option<Field>],
    headers: &[String],
) -> Result<Request, Vec<(String, String)>> {
    let mut bad = Vec::new();
    let get = |field: Field| -> (&Data, String) {
        match columns.iter().position(|c| *c == Some(field)) {
            Some(i) => (row.get(i).unwrap_or(&Data::Empty), headers[i].clone()),
            None => (&Data::Empty, header_of(field).to_string()),
        }
    };
    let text = |field: Field| cell_text(get(field).0);
    let need = |field: Field, bad: &mut Vec<(String, String)>| -> String {
        let v = text(field);
        if v.is_empty() {
            bad.push((get(field).1, "不能为空".into()));
        }
        v
    };
    let id = need(Field::Id, &mut bad);
    let applicant = need(Field::Applicant, &mut bad);
    let kind_text = need(Field::Kind, &mut bad);
    let channel_text = need(Field::Channel, &mut bad);
    let kind = ApplicantKind::parse(&kind_text);
    if kind.is_none() && !kind_text.is_empty() {
        bad.push((
            get(Field::Kind).1,
            format!("没有这种申请人类别：{kind_text}"),
        ));
    }
    let chan = channel(&channel_text);
    if chan.is_none() && !channel_text.is_empty() {
        bad.push((
            get(Field::Channel).1,
            format!("没有这种提交方式：{channel_text}"),
        ));
    }
    let date_of = |field: Field, bad: &mut Vec<(String, String)>| -> Vec<Date> {
        let (d, header) = get(field);
        dates(d).unwrap_or_else(|e| {
            bad.push((header, e));
            Vec::new()
        })
    };
    let received = match one_date(get(Field::Received).0) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            bad.push((get(Field::Received).1, "不能为空".into()));
            None
        }
        Err(e) => {
            bad.push((get(Field::Received).1, e));
            None
        }
    };
    let mut events = Vec::new();
    for (field, kind) in EVENT_COLUMNS {
        events.extend(
            date_of(field, &mut bad)
                .into_iter()
                .filter_map(|d| Event::of_kind(kind, d)),
        );
    }
    let outcome_text = text(Field::Outcome);
    let outcome = Outcome::parse(&outcome_text);
    if outcome.is_none() && !outcome_text.is_empty() {
        bad.push((
            get(Field::Outcome).1,
            format!("没有这种办理结果：{outcome_text}"),
        ));
    }
    let closed = one_date(get(Field::Closed).0).unwrap_or_else(|e| {
        bad.push((get(Field::Closed).1, e));
        None
    });
    let closure = match (outcome, closed) {
        (Some(outcome), Some(date)) => {
            events.push(Event::Answered(date));
            Some(Closure {
                outcome,
                date,
                grounds: text(Field::Grounds)
                    .split(['；', ';'])
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        }
        (Some(_), None) if !outcome_text.is_empty() => {
            bad.push((get(Field::Closed).1, "有办理结果，但没有办结日期".into()));
            None
        }
        (None, Some(_)) if outcome_text.is_empty() => {
            bad.push((get(Field::Outcome).1, "有办结日期，但没有办理结果".into()));
            None
        }
        _ => None,
    };
    let fee = match text(Field::FeeMethod).as_str() {
        "" | "不收费" | "免费" => None,
        "按件" | "按件计收" => Some(FeeMethod::PerRequest),
        "按量" | "按量计收" => match text(Field::Pages).parse::<u32>() {
            Ok(pages) => Some(FeeMethod::PerPage { pages }),
            Err(_) => {
                bad.push((
                    get(Field::Pages).1,
                    format!("按量计收需要页数：{}", text(Field::Pages)),
                ));
                None
            }
        },
        other => {
            bad.push((
                get(Field::FeeMethod).1,
                format!("收费方式应为 按件 或 按量：{other}"),
            ));
            None
        }
    };
    let split = yes(&text(Field::Split)).unwrap_or_else(|| {
        bad.push((
            get(Field::Split).1,
            format!("应为 是 或 否：{}", text(Field::Split)),
        ));
        false
    });
    let split_from = Some(text(Field::SplitFrom)).filter(|s| !s.is_empty());
    if !bad.is_empty() {
        return Err(bad);
    }
    let (Some(kind), Some(channel), Some(received)) = (kind, chan, received) else {
        return Err(vec![(String::new(), "无法读取".into())]);
    };
    Ok(Request {
        id,
        applicant: Applicant {
            name: applicant,
            kind,
        },
        channel,
        received,
        content: text(Field::Content),
        events,
        closure,
        fee,
        split_from,
        split,
    })
}

/// The ledger's requests as a workbook, in the standard columns (which [`import`] reads
/// back as the same requests).
pub fn export(ledger: &Ledger) -> Result<Vec<u8>, SheetError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    for (c, (_, header, _)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *header, &bold)?;
        ws.set_column_width(c as u16, 14)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut requests: Vec<&Request> = ledger.requests.iter().collect();
    requests.sort_by(|a, b| (a.received, &a.id).cmp(&(b.received, &b.id)));
    for (i, r) in requests.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, (field, _, _)) in COLUMNS.iter().enumerate() {
            let value = field_text(r, *field);
            if !value.is_empty() {
                ws.write_string(row, c as u16, value)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

fn joined(ds: impl Iterator<Item = Date>) -> String {
    ds.map(|d| d.to_string()).collect::<Vec<_>>().join("；")
}

/// A request's field as the sheet writes it.
fn field_text(r: &Request, field: Field) -> String {
    let events = |kind: &str| {
        joined(
            r.events
                .iter()
                .filter(|e| e.kind() == kind)
                .map(|e| e.date()),
        )
    };
    match field {
        Field::Id => r.id.clone(),
        Field::Applicant => r.applicant.name.clone(),
        Field::Kind => r.applicant.kind.label().to_string(),
        Field::Channel => r.channel.label().to_string(),
        Field::Received => r.received.to_string(),
        Field::Content => r.content.clone(),
        Field::Outcome => r
            .closure
            .as_ref()
            .map_or(String::new(), |c| c.outcome.name().to_string()),
        Field::Closed => r
            .closure
            .as_ref()
            .map_or(String::new(), |c| c.date.to_string()),
        Field::Grounds => r
            .closure
            .as_ref()
            .map_or(String::new(), |c| c.grounds.join("；")),
        Field::FeeMethod => match r.fee {
            None => String::new(),
            Some(FeeMethod::PerRequest) => "按件".into(),
            Some(FeeMethod::PerPage { .. }) => "按量".into(),
        },
        Field::Pages => match r.fee {
            Some(FeeMethod::PerPage { pages }) => pages.to_string(),
            _ => String::new(),
        },
        Field::SplitFrom => r.split_from.clone().unwrap_or_default(),
        Field::Split => {
            if r.split {
                "是".into()
            } else {
                String::new()
            }
        }
        _ => EVENT_COLUMNS
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(String::new(), |(_, kind)| events(kind)),
    }
}

/// What an import would do to a ledger: the rows to keep, every bad row (the sheet's
/// own, and the rows that read but would give the ledger a problem, with the ledger's
/// reason), and how many kept rows replace requests already in the ledger.
#[derive(Clone, Debug)]
pub struct ImportPlan {
    pub good: Vec<(usize, Request)>,
    pub bad: Vec<BadRow>,
    pub ignored_columns: Vec<String>,
    /// Of `good`, the rows whose number is in the ledger already (updated, not added).
    pub updated: usize,
}

impl ImportPlan {
    /// How many rows are bad (a row may be bad for several reasons).
    pub fn bad_rows(&self) -> usize {
        self.bad
            .iter()
            .map(|b| b.row)
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The changes that keep the good rows.
    pub fn changes(&self) -> Vec<gongkai_ledger::LedgerChange> {
        self.good
            .iter()
            .map(|(_, r)| gongkai_ledger::LedgerChange::PutRequest(r.clone()))
            .collect()
    }
}

/// Plans the import of `sheet` into `ledger`: the one rule the CLI and the workspace
/// apply. A row that reads but would make the ledger wrong (a closure before the
/// receipt, a split whose original is not there …) is bad too; taking one out can
/// leave another wrong (its parts), so rows are taken out until none is. `Err` when
/// the ledger would have a problem that is about no imported row (not expected).
pub fn plan(
    ledger: &Ledger,
    cal: &gongkai_deadline::Calendar,
    sheet: Imported,
) -> Result<ImportPlan, gongkai_ledger::LedgerProblem> {
    let mut bad = sheet.bad;
    let mut good = sheet.requests;
    let before = ledger.problems(cal);
    loop {
        let mut after = ledger.clone();
        for (_, r) in &good {
            after.apply(&gongkai_ledger::LedgerChange::PutRequest(r.clone()));
        }
        let new: Vec<_> = after
            .problems(cal)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        let wrong: Vec<usize> = good
            .iter()
            .filter(|(_, r)| new.iter().any(|p| p.subject == r.id))
            .map(|(n, _)| *n)
            .collect();
        if wrong.is_empty() {
            if let Some(p) = new.into_iter().next() {
                return Err(p);
            }
            break;
        }
        for (n, r) in good.iter().filter(|(n, _)| wrong.contains(n)) {
            for p in new.iter().filter(|p| p.subject == r.id) {
                bad.push(BadRow {
                    row: *n,
                    column: String::new(),
                    reason: p.message.clone(),
                });
            }
        }
        good.retain(|(n, _)| !wrong.contains(n));
    }
    bad.sort_by_key(|b| b.row);
    let updated = good
        .iter()
        .filter(|(_, r)| ledger.requests.iter().any(|x| x.id == r.id))
        .count();
    Ok(ImportPlan {
        good,
        bad,
        ignored_columns: sheet.ignored_columns,
        updated,
    })
}
