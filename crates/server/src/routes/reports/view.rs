//! One report: `/reports/{id}` (page) and `GET /api/reports/{id}` (JSON), one data
//! function. The three tables drawn as printed with every cell a finding points at
//! coloured, the findings with their rule's explanation and their decisions, the
//! decisions that no longer match a finding (history), and the prose with its counts
//! marked.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::Json;
use gongkai_model::{Finding, Location, Report, Severity};
use gongkai_store::{Decision, Filter, ReportRow, StoredFinding};
use maud::{html, Markup};
use serde::Serialize;

use super::list::file_name;
use super::{assets, params};
use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::decisions::{FindingKey, Ledger};
use crate::error::{AppError, PageError};
use crate::layout;
use crate::state::AppState;
use crate::view::prose::{self, SectionView};
use crate::view::tables::{self, cell_id, CellMarks};

/// What is known of a report without its reading.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportMeta {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    pub region: Option<String>,
    pub region_code: Option<String>,
    pub level: Option<String>,
    pub year: Option<i32>,
    pub version: i64,
    pub is_current: bool,
    /// text | markdown | pdf | docx | html.
    pub format: String,
    /// The format as a reviewer reads it (扫描件（OCR识别） for a scan).
    pub format_zh: String,
    /// whole | with_doubts | partial.
    pub reading: Option<String>,
    /// The file's name.
    pub file: String,
    pub url: Option<String>,
    pub published: Option<String>,
    pub signed: Option<String>,
}

impl ReportMeta {
    pub fn of(r: &ReportRow) -> ReportMeta {
        ReportMeta {
            id: r.id,
            agency_id: r.agency_id,
            agency: r.agency.clone(),
            region: r.region.clone(),
            region_code: r.region_code.clone(),
            level: r.level.map(|l| l.as_zh().to_string()),
            year: r.year,
            version: r.version,
            is_current: r.is_current,
            format: gongkai_store::StoredEnum::as_str(r.format).to_string(),
            format_zh: r.format.display_zh().to_string(),
            reading: r.reading.map(|x| x.as_str().to_string()),
            file: file_name(&r.source),
            url: r.url.clone(),
            published: r.published.clone(),
            signed: r.signed.clone(),
        }
    }
}

/// Another version of the same report (agency and year).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VersionRef {
    pub id: i64,
    pub version: i64,
    pub is_current: bool,
    pub file: String,
}

/// A rule's own words: what it checks, why, how to fix.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RuleDoc {
    pub summary: String,
    /// Chinese markdown paragraphs.
    pub explanation: String,
}

/// One place a finding points at.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LabelView {
    pub message: String,
    /// The cell's id in the drawn tables (`request.new_received.total`).
    pub cell: Option<String>,
    /// The cell in words: 表三「一、本年新收」行「总计」列.
    pub cell_name: Option<String>,
    /// The place in the source in words: 第12行第5列, 第3页 …
    pub place: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub location: Option<Location>,
}

/// A decision as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: i64,
    /// confirmed | dismissed.
    pub verdict: String,
    /// 确认 | 驳回.
    pub verdict_label: String,
    pub comment: String,
    pub user_name: String,
    /// Unix seconds.
    pub decided_at: i64,
    /// The report (version) it was made on.
    pub report_id: i64,
    pub rule: String,
    pub finding_key: String,
}

impl DecisionView {
    pub fn of(d: &Decision) -> DecisionView {
        DecisionView {
            id: d.id,
            verdict: d.verdict.key().to_string(),
            verdict_label: d.verdict.label().to_string(),
            comment: d.comment.clone(),
            user_name: d.user_name.clone(),
            decided_at: d.decided_at,
            report_id: d.report_id,
            rule: d.rule.clone(),
            finding_key: d.finding_key.clone(),
        }
    }
}

/// A finding as shown, with its decision state.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    /// Its identity for decisions ([`FindingKey`]).
    pub key: String,
    pub code: String,
    pub name: String,
    /// document | extraction.
    pub kind: String,
    /// error | warning | info.
    pub severity: String,
    pub message: String,
    pub notes: Vec<String>,
    /// Found by the cross-report rules.
    pub corpus: bool,
    /// The other report of a cross-report finding.
    pub other_report_id: Option<i64>,
    /// The ids of the cells it points at.
    pub cells: Vec<String>,
    pub labels: Vec<LabelView>,
    pub rule: Option<RuleDoc>,
    /// The decision in force.
    pub decision: Option<DecisionView>,
    /// Earlier decisions on the same finding, newest first.
    pub earlier: Vec<DecisionView>,
}

/// Everything the report view shows.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub meta: ReportMeta,
    /// Every version of the report (this one included), oldest first.
    pub versions: Vec<VersionRef>,
    pub findings: Vec<FindingView>,
    /// Decisions on findings this version no longer has, newest first.
    pub history: Vec<DecisionView>,
    /// Whether the user may confirm or dismiss its findings.
    pub may_decide: bool,
    /// The prose sections with their counts and claims marked.
    pub sections: Vec<SectionView>,
    /// The whole reading: tables with every cell's place, sections, doubts.
    #[schema(value_type = Object)]
    pub report: Report,
    /// The findings as stored (their cells mark the tables); in `findings` for scripts.
    #[serde(skip)]
    pub raw: Vec<Finding>,
}

/// The policy's target for a report.
pub fn target(r: &ReportRow) -> Target<'_> {
    Target::Report {
        agency_id: r.agency_id,
        region_code: r.region_code.as_deref(),
    }
}

/// A stored report's row (any version), 404 when there is none.
pub async fn report_row(state: &AppState, id: i64) -> Result<ReportRow, AppError> {
    state
        .db
        .run(move |store| {
            Ok(store
                .reports(&Filter {
                    all_versions: true,
                    ids: Some(vec![id]),
                    ..Filter::default()
                })?
                .pop())
        })
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的报告")))
}

/// The report's row after the policy allowed `action` on it.
pub async fn authorized_row(
    state: &AppState,
    auth: &Auth,
    id: i64,
    action: Action,
) -> Result<ReportRow, AppError> {
    auth.may(action, Target::Anything)?;
    let row = report_row(state, id).await?;
    auth.may(action, target(&row))?;
    Ok(row)
}

/// The rule doc of a code.
fn rule_doc(code: &str) -> Option<RuleDoc> {
    gongkai_check::rule(code).map(|r| RuleDoc {
        summary: r.summary.to_string(),
        explanation: r.explanation.to_string(),
    })
}

fn finding_view(s: &StoredFinding, ledger: &Ledger) -> FindingView {
    let f: &Finding = &s.finding;
    let key = FindingKey::of(f);
    let (decision, earlier) = ledger.of(&key);
    let mut cells: Vec<String> = Vec::new();
    for c in f.labels.iter().filter_map(|l| l.cell.as_ref()) {
        let id = cell_id(c);
        if !cells.contains(&id) {
            cells.push(id);
        }
    }
    FindingView {
        key: key.0,
        code: f.code.clone(),
        name: f.name.clone(),
        kind: match f.kind {
            gongkai_model::FindingKind::Document => "document".into(),
            gongkai_model::FindingKind::Extraction => "extraction".into(),
        },
        severity: f.severity.as_str().to_string(),
        message: f.message.clone(),
        notes: f.notes.clone(),
        corpus: s.corpus,
        other_report_id: s.other_report_id,
        cells,
        labels: f
            .labels
            .iter()
            .map(|l| LabelView {
                message: l.message.clone(),
                cell: l.cell.as_ref().map(cell_id),
                cell_name: l.cell.as_ref().map(|c| c.describe_zh()),
                place: l.location.as_ref().map(Location::describe_zh),
                location: l.location.clone(),
            })
            .collect(),
        rule: rule_doc(&f.code),
        decision: decision.map(DecisionView::of),
        earlier: earlier.into_iter().map(DecisionView::of).collect(),
    }
}

/// The report view for `auth`'s user (403 out of scope, 404 for no such report).
pub async fn report_view(state: &AppState, auth: &Auth, id: i64) -> Result<ReportView, AppError> {
    let row = authorized_row(state, auth, id, Action::Read).await?;
    let may_decide =
        auth.allows(Action::Decide, target(&row)) && row.agency_id.is_some() && row.year.is_some();
    let (agency_id, year, agency) = (row.agency_id, row.year, row.agency.clone());
    let (report, stored, decisions, versions) = state
        .db
        .run(move |store| {
            let report = store.report(id)?;
            let stored = store.findings(Some(&[id]))?;
            let (decisions, versions) = match (agency_id, year, agency) {
                (Some(a), Some(y), Some(name)) => (
                    store.decisions(a, y)?,
                    store
                        .history(&name)?
                        .into_iter()
                        .filter(|v| v.year == Some(y))
                        .collect(),
                ),
                _ => (Vec::new(), Vec::new()),
            };
            Ok((report, stored, decisions, versions))
        })
        .await?;
    let ledger = Ledger::new(decisions);
    let findings: Vec<FindingView> = stored.iter().map(|s| finding_view(s, &ledger)).collect();
    let keys: Vec<FindingKey> = findings.iter().map(|f| FindingKey(f.key.clone())).collect();
    let history = ledger
        .history(&keys)
        .into_iter()
        .map(DecisionView::of)
        .collect();
    let severities: BTreeMap<FindingKey, Severity> = stored
        .iter()
        .filter(|s| s.finding.code.starts_with('B'))
        .map(|s| (FindingKey::of(&s.finding), s.finding.severity))
        .collect();
    // Running the body rules again is CPU work: off the async threads.
    let (report, sections) = tokio::task::spawn_blocking(move || {
        let sections = prose::sections(&report, &severities);
        (report, sections)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(ReportView {
        meta: ReportMeta::of(&row),
        versions: versions
            .iter()
            .map(|v| VersionRef {
                id: v.id,
                version: v.version,
                is_current: v.is_current,
                file: file_name(&v.source),
            })
            .collect(),
        findings,
        history,
        may_decide,
        sections,
        report,
        raw: stored.into_iter().map(|s| s.finding).collect(),
    })
}

/// One report: its reading, findings with decisions, history, prose marks.
#[utoipa::path(get, path = "/api/reports/{id}", tag = "reports",
    params(("id" = i64, Path, description = "报告编号")),
    responses((status = 200, body = ReportView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_view(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Json<ReportView>, AppError> {
    Ok(Json(report_view(&state, &auth, id).await?))
}

pub async fn page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let v = report_view(&state, &auth, id).await?;
    let title = format!(
        "{} {}",
        v.meta.agency.as_deref().unwrap_or("报告"),
        v.meta.year.map(|y| format!("{y}年度")).unwrap_or_default()
    );
    Ok(layout::page_with(
        &title,
        &auth.user,
        auth.csrf(),
        &assets(),
        render(&v, auth.csrf()),
    ))
}

fn reading_label(key: Option<&str>) -> &'static str {
    key.and_then(|k| params::READINGS.into_iter().find(|r| r.as_str() == k))
        .map_or("未知", |r| r.display_zh())
}

fn severity_label(key: &str) -> &'static str {
    params::SEVERITIES
        .into_iter()
        .find(|s| s.as_str() == key)
        .map_or("", Severity::display_zh)
}

/// A rule's explanation: paragraphs, with its `**bold**` words bold; the text escaped.
fn explanation(text: &str) -> Markup {
    html! {
        @for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            p {
                @for (i, piece) in para.split("**").enumerate() {
                    @if i % 2 == 1 { strong { (piece) } } @else { (piece) }
                }
            }
        }
    }
}

fn decision_line(d: &DecisionView) -> Markup {
    html! {
        span class=(format!("verdict {}", d.verdict)) { (d.verdict_label) }
        " " (d.user_name) " · " (crate::view::beijing_time(d.decided_at))
        @if !d.comment.is_empty() { "：" span.comment { (d.comment) } }
    }
}

pub fn render(v: &ReportView, csrf: &str) -> Markup {
    let marks = CellMarks::of(&v.raw);
    let m = &v.meta;
    html! {
        div #report data-report=(m.id) data-format=(m.format) {
            h1 {
                (m.agency.as_deref().unwrap_or("（机关未识别）")) " "
                @if let Some(y) = m.year { (y) "年度" } @else { "（年度未识别）" }
                " 政府信息公开工作年度报告"
            }
            p.meta {
                @if let Some(r) = &m.region { (r) " · " }
                @if let Some(l) = &m.level { (l) "级 · " }
                "第 " (m.version) " 版" @if !m.is_current { "（非当前版本）" }
                " · " (m.file) " · " (m.format_zh) " · " (reading_label(m.reading.as_deref()))
                // Only a web address becomes a link (never `javascript:` from a manifest).
                @if let Some(u) = m.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                    " · " a href=(u) rel="noopener noreferrer" { "原文链接" }
                }
            }
            @if v.versions.len() > 1 {
                p.versions {
                    "各版本："
                    @for ver in &v.versions {
                        @if ver.id == m.id { strong { "第" (ver.version) "版" } }
                        @else { a href=(format!("/reports/{}", ver.id)) { "第" (ver.version) "版" } }
                        @if ver.is_current { "（当前）" }
                        " "
                    }
                }
            }
            div.layout {
                div.tables {
                    (tables::active(&v.report, &marks))
                    (tables::requests(&v.report, &marks))
                    (tables::review(&v.report, &marks))
                }
                aside.side {
                    h2 { "问题（" (v.findings.len()) "）" }
                    @if v.findings.is_empty() { p.empty { "未发现问题。" } }
                    ol.findings {
                        @for (i, f) in v.findings.iter().enumerate() {
                            li.finding id=(format!("finding-{}", f.key)) data-index=(i) data-key=(f.key) data-cells=(f.cells.join(" "))
                                class=(format!("finding {}", f.severity)) tabindex="0" {
                                div.head {
                                    span class=(format!("severity-{}", f.severity)) { (severity_label(&f.severity)) }
                                    " " code { (f.code) } " " span.rule-name { (f.name) }
                                    @if f.kind == "extraction" { " " span.kind { "识别存疑" } }
                                    @if f.corpus { " " span.kind { "跨报告" } }
                                }
                                p.message { (f.message) }
                                @if !f.notes.is_empty() {
                                    ul.notes { @for n in &f.notes { li { (n) } } }
                                }
                                ul.labels {
                                    @for l in &f.labels {
                                        li {
                                            (l.message)
                                            @if let Some(c) = &l.cell_name { " · " (c) }
                                            @if let Some(p) = &l.place { " · " span.place { (p) } }
                                        }
                                    }
                                }
                                @if let Some(other) = f.other_report_id {
                                    p { a href=(format!("/reports/{other}")) { "对照的报告" } }
                                }
                                p.decision-state {
                                    @match &f.decision {
                                        Some(d) => { "审核结论：" (decision_line(d)) }
                                        None => { span.undecided { "未审核" } }
                                    }
                                }
                                @if !f.earlier.is_empty() {
                                    details.earlier {
                                        summary { "此前的结论（" (f.earlier.len()) "）" }
                                        ul { @for d in &f.earlier { li { (decision_line(d)) } } }
                                    }
                                }
                                @if let Some(doc) = &f.rule {
                                    details.explain {
                                        summary { "规则说明：" (doc.summary) }
                                        (explanation(&doc.explanation))
                                    }
                                }
                                @if v.may_decide {
                                    form.decide method="post" action=(format!("/reports/{}/findings/{}/decision", m.id, f.key)) {
                                        input type="hidden" name="_csrf" value=(csrf);
                                        textarea name="comment" rows="2" maxlength="2000" placeholder="审核意见（驳回时必填）" {}
                                        button type="submit" name="verdict" value="confirmed" { "确认" }
                                        button type="submit" name="verdict" value="dismissed" { "驳回" }
                                    }
                                }
                            }
                        }
                    }
                    @if !v.history.is_empty() {
                        h2 { "历史结论" }
                        p.hint { "以下结论针对的问题在本版本中已不存在或已改变，仅作记录。" }
                        ul.history {
                            @for d in &v.history {
                                li { code { (d.rule) } " " (decision_line(d))
                                    " （" a href=(format!("/reports/{}", d.report_id)) { "作出结论的版本" } "）" }
                            }
                        }
                    }
                    div #source.source aria-live="polite" {
                        p.hint { "点击问题或标记的单元格，查看数字在原文中的位置。" }
                    }
                }
            }
            @if !v.sections.is_empty() {
                h2 { "正文" }
                (prose::render(&v.sections))
            }
        }
    }
}
