//! Downloads of the exports ([`gongkai_corpus::export`], the writer `gongkai export`
//! uses): the long CSV (UTF-8 with a BOM, as Excel and WPS open it), the workbook
//! (with the coverage sheet when a region and a year are given) and JSON Lines — only
//! of the reports in the user's scope.
//!
//! The file is streamed as it is written, one report at a time, on a connection of its
//! own (a long download does not hold one of the pages' connections); a failure half
//! way aborts the download rather than sending a cut file as if whole. The name is
//! ASCII, built from the region's code and the year only.
//!
//! Cost: the list query (report rows, no JSON) before the first byte; then one stored
//! report decoded per report exported. The page counts the reports from their ids and
//! places alone.

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gongkai_corpus::export::{write_reports, ExportFormat};
use gongkai_export::CsvHeaders;
use gongkai_model::agency::Level;
use gongkai_store::{Filter, ReportRow};
use maud::{html, Markup};
use serde::Deserialize;
use tokio::sync::mpsc;

use super::{gazetteer, query, region_param, year_param, RegionRef};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody, PageError};
use crate::state::AppState;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// 地区：区划代码或地名（含其下全部单位）。与年度同时给出时，XLSX 另加“覆盖情况”表。
    pub region: Option<String>,
    /// 年度。
    pub year: Option<String>,
    /// 层级（省/市/县/区/乡镇/街道/部门）。
    pub level: Option<String>,
    /// `en`：CSV 表头用英文键名（供脚本使用）；默认中文。
    pub headers: Option<String>,
}

struct Params {
    region: Option<gongkai_gazetteer::UnitId>,
    year: Option<i32>,
    level: Option<Level>,
    english: bool,
}

impl ExportQuery {
    fn read(&self) -> Result<Params, AppError> {
        let level = super::level_param(self.level.as_deref())?;
        Ok(Params {
            region: region_param(self.region.as_deref())?,
            year: year_param(self.year.as_deref())?,
            level,
            english: self.headers.as_deref() == Some("en"),
        })
    }
}

/// What one export writes.
pub struct ExportPlan {
    pub region: Option<RegionRef>,
    /// The reports in the user's scope matching the filters.
    pub rows: Vec<ReportRow>,
    /// Who must report in the region for the year (the workbook's coverage sheet).
    pub coverage: Option<gongkai_corpus::coverage::Coverage>,
}

fn plan(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    p: &Params,
    with_coverage: bool,
) -> Result<ExportPlan, AppError> {
    let g = gazetteer()?;
    let region = p.region.map(|id| RegionRef::of(g, id));
    match &region {
        Some(r) => auth.may(Action::Export, Target::Region(&r.code))?,
        None => auth.may(Action::Export, Target::Anything)?,
    }
    let mut rows = store.reports(&Filter {
        region_code: region.as_ref().map(|r| r.code.clone()),
        year: p.year,
        level: p.level,
        ..Filter::default()
    })?;
    rows.retain(|r| {
        auth.allows(
            Action::Export,
            Target::Report {
                agency_id: r.agency_id,
                region_code: r.region_code.as_deref(),
            },
        )
    });
    let coverage = match (p.region, p.year, &region) {
        (Some(id), Some(year), Some(r))
            if with_coverage && auth.allows(Action::ReadRegion, Target::Region(&r.code)) =>
        {
            let mut c = gongkai_corpus::coverage::coverage(store, g, id, year)?;
            // The sheet lists the bodies only; unplaced reports are not written.
            c.unplaced.clear();
            Some(c)
        }
        _ => None,
    };
    Ok(ExportPlan {
        region,
        rows,
        coverage,
    })
}

/// How many reports an export with these parameters holds: the same reports as
/// [`plan`], counted from their places alone (a page needs no more).
fn exportable(
    store: &mut gongkai_store::Store,
    auth: &Auth,
    p: &Params,
) -> Result<usize, AppError> {
    let g = gazetteer()?;
    let code = p.region.map(|id| g.unit(id).code);
    match code {
        Some(code) => auth.may(Action::Export, Target::Region(code))?,
        None => auth.may(Action::Export, Target::Anything)?,
    }
    Ok(store
        .report_places(&auth.user.scope, code, p.year, p.level)?
        .iter()
        .filter(|r| {
            auth.allows(
                Action::Export,
                Target::Report {
                    agency_id: r.agency_id,
                    region_code: r.region_code.as_deref(),
                },
            )
        })
        .count())
}

/// `gongkai-4107-2021.xlsx`: digits and ASCII only, whatever the region's name.
fn file_name(p: &Params, region: Option<&RegionRef>, format: ExportFormat) -> String {
    let mut name = String::from("gongkai");
    if let Some(r) = region {
        name.push('-');
        name.extend(r.code.chars().filter(char::is_ascii_digit));
    }
    if let Some(y) = p.year {
        name.push_str(&format!("-{y}"));
    }
    if let Some(l) = p.level {
        name.push('-');
        name.push_str(l.key());
    }
    format!("{name}.{}", format.extension())
}

fn content_type(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ExportFormat::Jsonl => "application/x-ndjson; charset=utf-8",
    }
}

/// The response body: chunks sent by the writer's thread.
struct Chunks(mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|r| r.map(http_body::Frame::data)))
    }
}

/// A writer that sends what it is given to the response in chunks of this size.
const CHUNK_BYTES: usize = 64 * 1024;

struct ChunkWriter {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        // The receiver is gone when the client went away: stop writing.
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "下载已被中断"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// 下载导出文件：`xlsx`（工作簿）、`csv`（长表，带 BOM）或 `jsonl`；只含您范围内的报告。
#[utoipa::path(
    get,
    path = "/api/exports/{format}",
    params(("format" = String, Path, description = "xlsx、csv 或 jsonl"), ExportQuery),
    responses(
        (status = 200, description = "导出文件（Content-Disposition: attachment）", content_type = "application/octet-stream"),
        (status = 400, description = "参数有误", body = ErrorBody),
        (status = 403, description = "角色无权导出（forbidden_role）或地区不在范围内（forbidden_scope）", body = ErrorBody),
        (status = 404, description = "不支持的格式", body = ErrorBody),
    ),
    tag = "导出"
)]
pub async fn api(
    State(state): State<AppState>,
    auth: Auth,
    Path(format): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let format = ExportFormat::from_extension(&format)
        .filter(|f| f.extension() == format.to_ascii_lowercase())
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "不支持的导出格式“{format}”：请用 xlsx、csv 或 jsonl"
            ))
        })?;
    let p = q.read()?;
    let (plan, p) = state
        .db
        .run(move |store| {
            let plan = plan(store, &auth, &p, format == ExportFormat::Xlsx)?;
            Ok((plan, p))
        })
        .await?;
    let name = file_name(&p, plan.region.as_ref(), format);
    let headers = if p.english {
        CsvHeaders::English
    } else {
        CsvHeaders::Chinese
    };
    let (tx, rx) = mpsc::channel(4);
    let db = state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK_BYTES),
        };
        let written = db
            .connect()
            .map_err(|e| e.to_string())
            .and_then(|mut store| {
                write_reports(
                    &mut store,
                    plan.rows,
                    format,
                    headers,
                    plan.coverage.as_ref(),
                    &mut out,
                )
                .map_err(|e| e.to_string())
            });
        match written {
            // A report whose stored content cannot be read is left out, as the command
            // line does; the download is still whole for the others.
            Ok(_) => {}
            Err(e) => {
                let _ = tx.blocking_send(Err(std::io::Error::other(e)));
            }
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, content_type(format).to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::new(Chunks(rx)),
    )
        .into_response())
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(q): Query<ExportQuery>,
) -> Result<Markup, PageError> {
    let p = q.read()?;
    let user = auth.clone();
    let reports = state
        .db
        .run(move |store| exportable(store, &user, &p))
        .await?;
    Ok(super::page("导出", &auth, "/exports", render(&q, reports)))
}

fn render(q: &ExportQuery, reports: usize) -> Markup {
    let pairs = |format: &str| {
        let mut pairs = vec![
            ("region", q.region.clone().unwrap_or_default()),
            ("year", q.year.clone().unwrap_or_default()),
            ("level", q.level.clone().unwrap_or_default()),
        ];
        if format == "csv" {
            pairs.push(("headers", q.headers.clone().unwrap_or_default()));
        }
        format!("/api/exports/{format}?{}", query(&pairs))
    };
    html! {
        h1 { "导出" }
        p { "导出您范围内的当前报告，与命令 " code { "gongkai export" } " 的文件相同。空白单元格留空，不写作 0。" }
        form.filters method="get" action="/exports" {
            label { "地区 " input type="text" name="region" value=(q.region.as_deref().unwrap_or("")) placeholder="区划代码或地名"; }
            label { "年度 " input type="number" name="year" min="2000" max="2100" value=(q.year.as_deref().unwrap_or("")); }
            label { "层级 "
                select name="level" {
                    option value="" { "全部" }
                    @for l in Level::ALL.iter().filter(|l| **l != Level::Unknown) {
                        option value=(l.as_zh()) selected[q.level.as_deref() == Some(l.as_zh())] { (l.as_zh()) }
                    }
                }
            }
            label { input type="checkbox" name="headers" value="en" checked[q.headers.as_deref() == Some("en")]; " CSV 用英文表头" }
            button type="submit" { "更新" }
        }
        p.summary { "按当前条件将导出 " strong #export-count { (reports) } " 份报告。" }
        ul.downloads {
            li { a.download href=(pairs("xlsx")) { "Excel 工作簿（.xlsx）" } "：报告、表二/三/四、问题、指标、说明；同时给出地区和年度时另加“覆盖情况”表。Excel 和 WPS 均可打开。" }
            li { a.download href=(pairs("csv")) { "CSV 长表（.csv）" } "：每个单元格一行，UTF-8 带 BOM，Excel/WPS 直接打开。" }
            li { a.download href=(pairs("jsonl")) { "JSON Lines（.jsonl）" } "：每份报告一行，供程序使用。" }
        }
    }
}
