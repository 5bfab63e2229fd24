//! The rule catalogue ([`gongkai_check::rules`], as `gongkai rules`): every rule's code,
//! name, kind, severity, scope, one-line summary, explanation and example. Findings on
//! other pages link here by `#CODE`. Cost: none (the catalogue is in the binary).

use axum::Json;
use gongkai_check::Scope as RuleScope;
use maud::{html, Markup};
use serde::Serialize;

use crate::auth::session::{Auth, PageAuth};
use crate::authz::{Action, Target};
use crate::error::{AppError, ErrorBody, PageError};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RuleView {
    /// Stable code, e.g. A101.
    pub code: String,
    /// Stable kebab-case name.
    pub name: String,
    /// 文档问题 (the report is wrong) or 识别存疑 (our reading is unsure).
    pub kind: String,
    /// 错误, 警告, 提示.
    pub severity: String,
    /// 单份报告 or 跨报告.
    pub scope: String,
    /// One line (the finding's message says the particulars).
    pub summary: String,
    /// What is checked, why, how to correct it (Chinese markdown paragraphs).
    pub explanation: String,
    /// Report text that triggers the rule.
    pub example: String,
}

fn catalogue(auth: &Auth) -> Result<Vec<RuleView>, AppError> {
    auth.may(Action::Read, Target::Anything)?;
    Ok(gongkai_check::rules()
        .iter()
        .map(|r| RuleView {
            code: r.code.to_string(),
            name: r.name.to_string(),
            kind: r.kind.display_zh().to_string(),
            severity: r.severity.display_zh().to_string(),
            scope: match r.scope {
                RuleScope::Report => "单份报告",
                RuleScope::Corpus => "跨报告",
            }
            .to_string(),
            summary: r.summary.to_string(),
            explanation: r.explanation.to_string(),
            example: r.example.to_string(),
        })
        .collect())
}

/// 规则目录：每条规则的代码、名称、类别、级别、范围、摘要、说明和示例。
#[utoipa::path(
    get,
    path = "/api/rules",
    responses(
        (status = 200, description = "全部规则，按代码排序", body = Vec<RuleView>),
        (status = 401, description = "未登录", body = ErrorBody),
    ),
    tag = "规则"
)]
pub async fn api(auth: Auth) -> Result<Json<Vec<RuleView>>, AppError> {
    Ok(Json(catalogue(&auth)?))
}

pub async fn page(PageAuth(auth): PageAuth) -> Result<Markup, PageError> {
    let rules = catalogue(&auth)?;
    Ok(super::page("规则", &auth, "/rules", render(&rules)))
}

fn render(rules: &[RuleView]) -> Markup {
    html! {
        h1 { "规则目录" }
        p {
            "共 " (rules.len()) " 条规则。“文档问题”指报告本身有错或不完整；“识别存疑”指我们对原文的读取没有把握，需要人工核对原文。"
        }
        p.no-print { label { "筛选 " input #rule-filter type="search" placeholder="代码、名称或关键词"; } }
        table.list.rules {
            thead { tr { th { "代码" } th { "名称" } th { "类别" } th { "级别" } th { "范围" } th { "摘要" } } }
            tbody {
                @for r in rules {
                    tr data-rule=(format!("{} {} {}", r.code, r.name, r.summary)) {
                        td { a href=(format!("#{}", r.code)) { (r.code) } }
                        td { code { (r.name) } }
                        td { (r.kind) }
                        td { (r.severity) }
                        td { (r.scope) }
                        td { (r.summary) }
                    }
                }
            }
        }
        @for r in rules {
            section.rule id=(r.code) data-rule=(format!("{} {} {}", r.code, r.name, r.summary)) {
                h2 { (r.code) " " code { (r.name) } }
                p.meta { (r.severity) " · " (r.kind) " · " (r.scope) }
                p.summary { (r.summary) }
                // The explanation is markdown written by the project: shown as its
                // paragraphs, as text (never as HTML).
                @for para in r.explanation.split("\n\n").filter(|p| !p.trim().is_empty()) {
                    p { (para.trim()) }
                }
                @if !r.example.is_empty() {
                    h3 { "示例" }
                    pre.example { (r.example) }
                }
            }
        }
    }
}
