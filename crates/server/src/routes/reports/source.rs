//! Where a finding's numbers (or one cell) were printed, in the report's own file: for
//! a PDF the page redrawn from the reader's glyph boxes with the boxes highlighted, for
//! DOCX/HTML the source table with the cell marked (or the paragraph), for text the
//! line with the span marked. The file is the stored upload or the ingested path with
//! the same bytes; when it is gone or changed, the answer says so.
//!
//! - `GET /reports/{id}/source?finding=KEY` (or `cell=ID`): an HTML fragment the page's
//!   script puts beside the tables; `GET /api/reports/{id}/source`: the same places as
//!   JSON.
//! - `GET /reports/{id}/source/page/{n}` (and under `/api/`): page `n` as SVG.

use std::path::Path as FsPath;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gongkai_ingest::Content;
use gongkai_model::{Block, Document, Location, Report, Severity, SourceFormat};
use gongkai_store::{ReportRow, StoredFinding};
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::view::authorized_row;
use crate::auth::session::{Auth, PageAuth};
use crate::authz::Action;
use crate::decisions::FindingKey;
use crate::error::{AppError, PageError};
use crate::sources::source_bytes;
use crate::state::AppState;
use crate::view::source::{image_page, pdf_page, source_table, text_line, Highlight};
use crate::view::tables::cell_id;

/// Which places: a finding's (by key) or one cell's (by id); neither: every finding's.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SourceParams {
    /// A finding's key.
    pub finding: Option<String>,
    /// A cell's id, e.g. `request.new_received.total`.
    pub cell: Option<String>,
}

enum Which {
    Finding(FindingKey),
    Cell(String),
    All,
}

impl Which {
    fn of(p: &SourceParams) -> Result<Which, AppError> {
        if let Some(f) = super::params::given(&p.finding) {
            return FindingKey::parse(f)
                .map(Which::Finding)
                .ok_or_else(|| AppError::BadRequest("问题标识无效".into()));
        }
        if let Some(c) = super::params::given(&p.cell) {
            return Ok(Which::Cell(c.to_string()));
        }
        Ok(Which::All)
    }
}

/// A place to show, with what is there.
struct Spot {
    label: String,
    location: Option<Location>,
    severity: Severity,
}

/// One place in the source.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    /// A line of a text file; `start..end` are byte offsets in `text`.
    Text {
        label: String,
        line: u32,
        text: String,
        start: usize,
        end: usize,
    },
    /// A box on a PDF page (points, origin bottom-left); the page is drawn by
    /// `/reports/{id}/source/page/{page}`.
    Pdf {
        label: String,
        page: u32,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
    },
    /// A cell of a DOCX/HTML table (0-based), drawn in `tables`.
    Cell {
        label: String,
        table: u32,
        row: u32,
        column: u32,
    },
    /// A paragraph of a DOCX/HTML document.
    Paragraph {
        label: String,
        index: u32,
        text: Option<String>,
    },
    /// Not found in the source file (its place was not recorded, or the file is gone).
    Unplaced {
        label: String,
        place: Option<String>,
    },
}

/// A table of the source document, as read.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SourceTable {
    pub table: u32,
    /// Cell texts row by row; positions covered by a merged cell are `null`.
    pub rows: Vec<Vec<Option<String>>>,
}

/// The places asked for, in the report's source.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SourcePlaces {
    pub report_id: i64,
    pub format: String,
    /// Why the source file cannot be shown, when it cannot.
    pub missing: Option<String>,
    pub places: Vec<Place>,
    pub tables: Vec<SourceTable>,
}

/// The spots of `which` in a report.
fn spots(
    which: &Which,
    findings: &[StoredFinding],
    report: Option<&Report>,
) -> Result<Vec<Spot>, AppError> {
    fn of_finding(f: &StoredFinding) -> impl Iterator<Item = Spot> + '_ {
        f.finding.labels.iter().map(|l| Spot {
            label: match &l.cell {
                Some(c) => format!("{}：{}", c.describe_zh(), l.message),
                None => l.message.clone(),
            },
            location: l.location.clone(),
            severity: f.finding.severity,
        })
    }
    match which {
        Which::All => Ok(findings.iter().flat_map(of_finding).collect()),
        Which::Finding(key) => {
            let f = findings
                .iter()
                .find(|f| &FindingKey::of(&f.finding) == key)
                .ok_or_else(|| {
                    AppError::NotFound(
                        "该报告没有这条问题（可能已随重新检查而改变），请刷新页面".into(),
                    )
                })?;
            Ok(of_finding(f).collect())
        }
        Which::Cell(id) => {
            let report = report.ok_or_else(|| AppError::Internal("未读取报告".into()))?;
            let cells = report
                .active
                .iter()
                .flat_map(|t| t.cells().map(|(r, _, c)| (r, c)))
                .chain(report.requests.iter().flat_map(|t| t.cells()))
                .chain(report.review.iter().flat_map(|t| t.cells()));
            for (r, cell) in cells {
                if &cell_id(&r) == id {
                    return Ok(vec![Spot {
                        label: format!("{}：{}", r.describe_zh(), cell.display()),
                        location: cell.location.clone(),
                        severity: Severity::Info,
                    }]);
                }
            }
            Err(AppError::NotFound(format!("该报告的表格中没有单元格 {id}")))
        }
    }
}

/// What the request needs from the database.
async fn load(
    state: &AppState,
    row: &ReportRow,
    which: &Which,
) -> Result<(Vec<StoredFinding>, Option<Report>), AppError> {
    let id = row.id;
    let need_report = matches!(which, Which::Cell(_));
    state
        .db
        .run(move |store| {
            let findings = store.findings(Some(&[id]))?;
            let report = if need_report {
                Some(store.report(id)?)
            } else {
                None
            };
            Ok((findings, report))
        })
        .await
}

/// The source file's content, or why there is none.
fn source_content(bytes: &[u8], source: &str) -> Result<Content, String> {
    gongkai_ingest::load_bytes(FsPath::new(source), bytes)
        .map(|l| l.content)
        .map_err(|e| format!("原文件无法读取：{e}"))
}

/// The line of `text` holding byte `start`, with its number and the span in it.
fn line_at(text: &str, start: usize, end: usize) -> Option<(String, usize, usize)> {
    if start > text.len() {
        return None;
    }
    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let to = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text.get(from..to)?.trim_end_matches('\r');
    Some((line.to_string(), start - from, end.min(to) - from))
}

fn paragraph_text(doc: &Document, index: u32) -> Option<String> {
    doc.blocks.iter().find_map(|b| match b {
        Block::Line { pieces }
            if pieces
                .iter()
                .any(|p| p.location == Location::Paragraph { index }) =>
        {
            Some(pieces.iter().map(|p| p.text.as_str()).collect())
        }
        _ => None,
    })
}

/// The grid of the DOCX/HTML table that has a cell at `table`.
fn table_of(doc: &Document, table: u32) -> Option<&gongkai_model::Grid> {
    doc.blocks.iter().find_map(|b| match b {
        Block::Table { grid }
            if grid
                .rows
                .iter()
                .flatten()
                .any(|c| matches!(c.location, Location::Cell { table: t, .. } if t == table)) =>
        {
            Some(grid)
        }
        _ => None,
    })
}

/// The places of `spots` in the file (CPU and file work: call off the async threads).
fn places(
    row: &ReportRow,
    data_dir: &FsPath,
    spots: &[Spot],
) -> (Option<String>, Vec<Place>, Vec<SourceTable>) {
    let needs_file = spots.iter().any(|s| {
        matches!(
            s.location,
            Some(Location::Text { .. } | Location::Cell { .. } | Location::Paragraph { .. })
        )
    });
    let mut missing = None;
    let mut content = None;
    // A PDF's places are its boxes: the file is read only to draw the page, but whether
    // it is there is said now.
    match source_bytes(data_dir, &row.hash, &row.source) {
        Err(e) => missing = Some(e.to_string()),
        Ok(bytes) if needs_file && row.format != SourceFormat::Pdf => {
            match source_content(&bytes, &row.source) {
                Ok(c) => content = Some(c),
                Err(e) => missing = Some(e),
            }
        }
        Ok(_) => {}
    }
    let mut out = Vec::new();
    let mut tables: Vec<SourceTable> = Vec::new();
    for s in spots {
        let unplaced = || Place::Unplaced {
            label: s.label.clone(),
            place: s.location.as_ref().map(Location::describe_zh),
        };
        let place = match (&s.location, &content) {
            (
                Some(Location::Pdf {
                    page,
                    x0,
                    y0,
                    x1,
                    y1,
                }),
                _,
            ) if missing.is_none() => Place::Pdf {
                label: s.label.clone(),
                page: *page,
                x0: *x0,
                y0: *y0,
                x1: *x1,
                y1: *y1,
            },
            (
                Some(Location::Text {
                    start, end, line, ..
                }),
                Some(Content::Text(text)),
            ) => match line_at(text, *start as usize, *end as usize) {
                Some((line_text, a, b)) => Place::Text {
                    label: s.label.clone(),
                    line: *line,
                    text: line_text,
                    start: a,
                    end: b,
                },
                None => unplaced(),
            },
            (Some(Location::Cell { table, row, column }), Some(Content::Document(doc))) => {
                match table_of(doc, *table) {
                    Some(grid) => {
                        if !tables.iter().any(|t| t.table == *table) {
                            tables.push(SourceTable {
                                table: *table,
                                rows: grid
                                    .rows
                                    .iter()
                                    .map(|r| {
                                        r.iter()
                                            .map(|c| (!c.covered).then(|| c.text.clone()))
                                            .collect()
                                    })
                                    .collect(),
                            });
                        }
                        Place::Cell {
                            label: s.label.clone(),
                            table: *table,
                            row: *row,
                            column: *column,
                        }
                    }
                    None => unplaced(),
                }
            }
            (Some(Location::Paragraph { index }), Some(Content::Document(doc))) => {
                Place::Paragraph {
                    label: s.label.clone(),
                    index: *index,
                    text: paragraph_text(doc, *index),
                }
            }
            _ => unplaced(),
        };
        out.push(place);
    }
    (missing, out, tables)
}

/// The places of `p` in report `id`'s source, for `auth`'s user.
pub async fn source_places(
    state: &AppState,
    auth: &Auth,
    id: i64,
    p: &SourceParams,
) -> Result<SourcePlaces, AppError> {
    let row = authorized_row(state, auth, id, Action::Read).await?;
    let which = Which::of(p)?;
    let (findings, report) = load(state, &row, &which).await?;
    let spots = spots(&which, &findings, report.as_ref())?;
    let data_dir = state.data_dir.clone();
    let format = gongkai_store::StoredEnum::as_str(row.format).to_string();
    let (missing, places, tables) =
        tokio::task::spawn_blocking(move || places(&row, &data_dir, &spots))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(SourcePlaces {
        report_id: id,
        format,
        missing,
        places,
        tables,
    })
}

/// The places of a finding (or a cell, or every finding) in the report's source file.
#[utoipa::path(get, path = "/api/reports/{id}/source", tag = "reports",
    params(("id" = i64, Path, description = "报告编号"), SourceParams),
    responses((status = 200, body = SourcePlaces), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_places(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(p): Query<SourceParams>,
) -> Result<Json<SourcePlaces>, AppError> {
    Ok(Json(source_places(&state, &auth, id, &p).await?))
}

/// The HTML fragment of the places, for the report page's script.
pub async fn fragment(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    Query(p): Query<SourceParams>,
) -> Result<Markup, PageError> {
    let places = source_places(&state, &auth, id, &p).await?;
    let query = serde_urlencoded::to_string([
        ("finding", super::params::given(&p.finding).unwrap_or("")),
        ("cell", super::params::given(&p.cell).unwrap_or("")),
    ])
    .unwrap_or_default();
    Ok(render(&places, &query))
}

/// The places as HTML: text lines, source tables with their cells marked, paragraphs,
/// and each PDF page once, as an `<img>`-free inline SVG loaded by the script from the
/// page route (`data-page-src`).
pub fn render(s: &SourcePlaces, query: &str) -> Markup {
    let mut pages: Vec<u32> = s
        .places
        .iter()
        .filter_map(|p| match p {
            Place::Pdf { page, .. } => Some(*page),
            _ => None,
        })
        .collect();
    pages.sort_unstable();
    pages.dedup();
    html! {
        div.source-places {
            @if let Some(m) = &s.missing {
                p.flash.error.missing { "无法显示原文位置：" (m) }
            }
            ul.places {
                @for p in &s.places {
                    @match p {
                        Place::Text { label, line, text, start, end } => {
                            li { span.label { (label) } (text_line(*line, text, *start, *end)) }
                        }
                        Place::Pdf { label, page, .. } => {
                            li { span.label { (label) } " · 第" (page) "页" }
                        }
                        Place::Cell { label, table, row, column } => {
                            li { span.label { (label) } " · 表格" (table + 1) "第" (row + 1) "行第" (column + 1) "格" }
                        }
                        Place::Paragraph { label, index, text } => {
                            li { span.label { (label) } " · 第" (index + 1) "段"
                                @if let Some(t) = text { blockquote.paragraph { (t) } } }
                        }
                        Place::Unplaced { label, place } => {
                            li { span.label { (label) } " · "
                                @if let Some(p) = place { (p) } @else { "原文中未记录位置" } }
                        }
                    }
                }
            }
            @for t in &s.tables {
                @let marked: Vec<(u32, u32)> = s.places.iter().filter_map(|p| match p {
                    Place::Cell { table, row, column, .. } if *table == t.table => Some((*row, *column)),
                    _ => None,
                }).collect();
                (source_table(&grid_of(t), &marked))
            }
            @for n in &pages {
                div.pdf-page data-page-src=(format!("/reports/{}/source/page/{n}?{query}", s.report_id)) {
                    p.hint { "正在绘制第" (n) "页……" }
                }
            }
        }
    }
}

/// A [`SourceTable`] back as a grid for drawing (covered positions kept covered).
fn grid_of(t: &SourceTable) -> gongkai_model::Grid {
    gongkai_model::Grid {
        rows: t
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(|(c, text)| gongkai_model::GridCell {
                        text: text.clone().unwrap_or_default(),
                        location: Location::Cell {
                            table: t.table,
                            row: r as u32,
                            column: c as u32,
                        },
                        covered: text.is_none(),
                    })
                    .collect()
            })
            .collect(),
    }
}

/// Page `n` of the report's PDF as SVG, the boxes of `p` highlighted.
pub async fn page_svg(
    state: &AppState,
    auth: &Auth,
    id: i64,
    n: u32,
    p: &SourceParams,
) -> Result<String, AppError> {
    let row = authorized_row(state, auth, id, Action::Read).await?;
    if !matches!(row.format, SourceFormat::Pdf | SourceFormat::Image) {
        return Err(AppError::BadRequest(
            "该报告的原文不是 PDF 或扫描件，没有页面可画".into(),
        ));
    }
    let which = Which::of(p)?;
    let (findings, report) = load(state, &row, &which).await?;
    let spots = spots(&which, &findings, report.as_ref())?;
    let data_dir = state.data_dir.clone();
    tokio::task::spawn_blocking(move || {
        let bytes = source_bytes(&data_dir, &row.hash, &row.source)
            .map_err(|e| AppError::NotFound(format!("无法显示原文：{e}")))?;
        let highlights: Vec<Highlight> = spots
            .iter()
            .filter_map(|s| match s.location {
                Some(Location::Pdf {
                    page,
                    x0,
                    y0,
                    x1,
                    y1,
                }) if page == n => Some(Highlight {
                    x0,
                    y0,
                    x1,
                    y1,
                    class: s.severity.as_str(),
                    title: s.label.clone(),
                }),
                _ => None,
            })
            .collect();
        if row.format == SourceFormat::Image {
            // A scan is shown as scanned — the page image, not the text OCR made of
            // it — with the boxes of the numbers read drawn over it.
            let page = gongkai_ingest::page_image(&bytes, n)
                .map_err(|e| AppError::NotFound(format!("无法显示第{n}页：{e}")))?;
            let png = shown(&page.image).to_png();
            return Ok(image_page(
                n,
                (page.page_width, page.page_height),
                [page.x0, page.y0, page.x1, page.y1],
                &png,
                &highlights,
            )
            .into_string());
        }
        let page = gongkai_pdf::page_drawing(&bytes, n)
            .map_err(|e| AppError::NotFound(format!("无法绘制第{n}页：{e}")))?;
        Ok(pdf_page(&page, &highlights).into_string())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Widest a scanned page is sent to a browser (pixels): an A4 page at about 150 dpi,
/// enough to read a table's digits and a fifth of a 300 dpi scan's bytes.
const SHOWN_WIDTH: u32 = 1240;

fn shown(image: &gongkai_ingest::Gray) -> gongkai_ingest::Gray {
    if image.width > SHOWN_WIDTH {
        image.scaled(SHOWN_WIDTH as f32 / image.width as f32)
    } else {
        image.clone()
    }
}

fn svg(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A page of the report's PDF redrawn from the reader's glyph boxes, as SVG, with the
/// boxes of a finding (or a cell, or every finding) highlighted.
#[utoipa::path(get, path = "/api/reports/{id}/source/page/{n}", tag = "reports",
    params(("id" = i64, Path, description = "报告编号"), ("n" = u32, Path, description = "页码（从 1 起）"), SourceParams),
    responses((status = 200, content_type = "image/svg+xml", body = String),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_page(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, n)): Path<(i64, u32)>,
    Query(p): Query<SourceParams>,
) -> Result<Response, AppError> {
    Ok(svg(page_svg(&state, &auth, id, n, &p).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path((id, n)): Path<(i64, u32)>,
    Query(p): Query<SourceParams>,
) -> Result<Response, PageError> {
    Ok(svg(page_svg(&state, &auth, id, n, &p).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_of_a_span() {
        let text = "第一行\r\n收到申请12件\n末行";
        let start = text.find("12").unwrap();
        let (line, a, b) = line_at(text, start, start + 2).unwrap();
        assert_eq!((line.as_str(), &line[a..b]), ("收到申请12件", "12"));
        assert_eq!(line_at(text, 999, 1000), None);
    }
}
