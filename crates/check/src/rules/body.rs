//! B0xx — the body text: counts quoted in the prose against the tables, fees, the year.
//!
//! Prose is searched in the whitespace-free view of each prose section (see `prose.rs`),
//! clause by clause. Every pattern is deliberately narrow: a claim is taken only when the
//! clause clearly states a count of this report's year; anything qualified (其中, 纠正,
//! 同比, 累计, another year …) is left alone. A missed contradiction costs less than a false one.

use std::ops::Range;
use std::sync::LazyLock;

use gongkai_model::schema::{
    ActiveColumnKey, ActiveRowKey, Edition, RequestColumn, RequestRowKey, ReviewColumn,
    ReviewGroup, SectionKind,
};
use gongkai_model::{CellRef, Finding, FindingKind, Label, Report, Severity, Value};
use regex::Regex;

use crate::ctx::{cell_label, finding, place_label};
use crate::prose::{contains_any, names_other_year, Clause, Prose};
use crate::{Ctx, RuleInfo, Scope};

pub(crate) static B001: RuleInfo = RuleInfo {
    code: "B001",
    name: "prose-table-mismatch",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "正文中写明的件数与统计表不一致",
    explanation: "\
**检查什么**：在“总体情况”等文字部分中查找明确写出的件数，与统计表核对：\
“受理/收到/新收政府信息公开申请N件”对表三“一、本年新收”总计（也接受等于新收加上年结转）；\
“未收到……申请”对新收总计应为0；“行政复议N件”“行政诉讼N件”以及“未发生/未引起行政复议、行政诉讼”\
对表四行政复议总计和两组行政诉讼总计之和；“结转下年度……N件”“上年结转N件”对表三相应行的总计。\
只采信明确陈述本年度总数的句子：带“其中”的分项、按渠道的分项（当面、网络申请等）、\
带“纠正”“维持”“败诉”等限定的案件数、提到其他年份或“累计”“同比”的句子都不核对。\
每一处矛盾报告一次，同时指出正文位置和表格单元格。

**为什么**：正文和统计表是同一份报告对同一事实的两种表述，必须一致。\
不一致时读者无从判断哪一个是真的；常见原因是正文沿用了往年的文字、正文统计的是全辖区\
而表格只统计本机关，或表格填错。

**如何修改**：核实实际件数，改正正文或表格中错误的一方；正文与表格统计范围不同的\
（例如正文说的是全区、表格是区政府本级），应在正文中写明口径。",
    example: "\
本年度区政府办未收到依申请公开事项。
……
一、本年新收政府信息公开申请数量 7 2 0 0 0 0 9",
};

pub(crate) static B002: RuleInfo = RuleInfo {
    code: "B002",
    name: "fee-not-reported",
    kind: FindingKind::Document,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "报告显示有收费，但“其他需要报告的事项”未说明收费情况",
    explanation: "\
**检查什么**：以下任一情况出现，而第六部分“其他需要报告的事项”的正文中没有任何关于收费的内容（不含“费”字）：\
表二（2021年版）“行政事业性收费”本年收费金额大于0；表二（2019年版）“行政事业性收费”\
上一年项目数量与本年增/减之和大于0；正文其他部分提到收取了信息处理费（前面没有“未”“不”“没有”“无”“免”等否定）。\
报告没有第六部分时不检查（由S001报告）。

**为什么**：2021年版格式要求在第六部分报告本机关收取信息处理费的情况\
（依据《政府信息公开信息处理费管理办法》）。报告其他地方出现收费信息而第六部分只字未提，\
读者无法知道是否向申请人收取了信息处理费、收了多少。没有收取的，也宜写明“未收取信息处理费”。

**如何修改**：在第六部分写明本年度收取信息处理费的情况，例如“本年度未收取信息处理费”\
或“全年收取信息处理费N元”。",
    example: "\
行政事业性收费 12372.0506
……
六、其他需要报告的事项
无",
};

pub(crate) static B003: RuleInfo = RuleInfo {
    code: "B003",
    name: "year-mismatch",
    kind: FindingKind::Document,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "正文中陈述报告期的年份与报告年度不符",
    explanation: "\
**检查什么**：只检查明确陈述报告期的表述：正文中重复的报告标题（“××2020年政府信息公开工作年度报告”）\
与报告年度不符；“现将××YYYY年度政府信息公开工作报告如下”“面向社会公布YYYY年度……报告”中的年份不是报告年度；\
“本报告所列数据的统计期限自YYYY年1月1日至YYYY年12月31日”中的年份不是报告年度；\
“总体情况”开头一句“YYYY年，……”不是报告年度；“截至YYYY年底”既不是报告年度也不是上一年度\
（写明计划、目标的除外）；正文提到的“YYYY年政府信息公开工作年度报告”与报告年度相差一年以上。\
正文中正常提到的其他年份（如“2022年政务公开工作要点”“2023年度部门决算”）不检查。

**为什么**：年份写错最常见的原因是照搬上一年度的报告只改了部分内容，\
这往往意味着文中的数字、情况也没有更新。

**如何修改**：把陈述报告期的年份改为报告年度，并复核同一段落中的其他内容是否也沿用了往年的文字。",
    example: "\
××区人民政府办公室2021年政府信息公开工作年度报告
……
现将我办2020年度政府信息公开工作报告如下：",
};

// ---------------------------------------------------------------------------
// Claims: counts stated in the prose
// ---------------------------------------------------------------------------

/// What a prose claim is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// 受理…申请N件 → 表三 一、本年新收 总计 (or 新收 + 上年结转).
    Received,
    /// 未收到…申请 → 表三 一、本年新收 总计 = 0.
    NoneReceived,
    /// 行政复议N件 → 表四 行政复议 总计.
    Review,
    /// 行政诉讼N件 → 表四 两组行政诉讼总计之和.
    Litigation,
    /// 上年结转N件 → 表三 二、上年结转 总计.
    CarriedOver,
    /// 结转下年度…N件 → 表三 四、结转下年度继续办理 总计.
    CarriedForward,
}

#[derive(Clone, Debug)]
pub(crate) struct Claim {
    pub target: Target,
    pub value: i64,
    /// Byte range in the compact text of the clause that states it.
    pub span: Range<usize>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).expect("valid regex")
}

static NUM: LazyLock<Regex> = LazyLock::new(|| re(r"[0-9]+"));
static RECEIVED: LazyLock<Regex> = LazyLock::new(|| re(r"受理|收到|新收|接收|接到"));
static NONE_RECEIVED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:未|没有|没)(?:收到|受理|接到|接收)|无(?:依申请公开|政府信息公开申请|信息公开申请)")
});
static REVIEW_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"行政复议|行政诉讼"));
static REVIEW_DIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"行政复议(?:案件)?(?:和|及|与|、|或)行政诉讼(?:案件)?(?:数量|数)?(?:各|均)(?:为)?([0-9]+)(?:件|起|宗)",
    )
});
static REVIEW_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"有([0-9]+)(?:件|起|宗)([^0-9]{0,20}?)(行政复议|行政诉讼)"));
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"未(?:发生|引起|出现|产生|涉及|因|被|有)|没有(?:发生|引起|出现|产生|因)?|无")
});
static REVIEW_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"(?:行政)?(?:复议|诉讼)"));
static FORWARD_AFTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:结转|转入|转至|转到|转|顺延)(?:至|到)?下一?年度?"));
static FORWARD_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"([0-9]+)件(?:申请)?[^0-9]{0,8}?(?:结转|转入|转至|转到|顺延)(?:至|到)?下一?年度?")
});
static CARRIED_OVER: LazyLock<Regex> = LazyLock::new(|| re(r"上一?年度?结转"));

/// Words that make a received-count clause something else.
#[rustfmt::skip]
const RECEIVED_BAD: &[&str] = &[
    "其中", "复议", "诉讼", "答复", "办结", "办理", "结转", "同比", "较",
    "累计", "以来", "上年", "去年", "上一年", "咨询", "转办", "来信", "来电",
    "留言", "信访", "投诉", "举报", "建议", "提案",
];
/// Words that narrow "未收到…申请" to a kind of application.
#[rustfmt::skip]
const NONE_RECEIVED_QUALIFIERS: &[&str] = &[
    "涉及", "关于", "方式", "通过", "类", "需", "要求", "属于", "收费",
    "费用", "以", "当面", "网络", "网上", "信函", "传真", "电子邮件",
];
/// Sub-channels of applications: a count governed by one of these is a part, not the total.
#[rustfmt::skip]
const CHANNELS: &[&str] = &[
    "当面", "网络", "网上", "信函", "传真", "电子邮件", "邮寄", "现场", "线上",
    "线下", "来访",
];
/// Qualifiers that make a review/litigation count a part or something else.
#[rustfmt::skip]
const REVIEW_BAD: &[&str] = &[
    "纠正", "纠错", "维持", "败诉", "胜诉", "撤销", "确认违法", "驳回", "审结",
    "结案", "其中", "代理", "应诉", "出庭", "办理", "受理", "审理", "办结",
    "收到", "接收", "答复", "上年", "去年", "同比", "较上", "累计", "历年",
    "以来", "结转", "复议机关", "各类", "全市", "全省",
];
/// Sentences about the agency's general legal work, not disclosure.
const REVIEW_OFF_TOPIC: &[&str] = &["依法行政", "法治政府", "行政执法", "复议委员会"];
/// Words that tie a review count to this agency being the respondent.
const REVIEW_CONTEXT: &[&str] = &["发生", "引起", "涉及", "被申请", "被提起", "提起", "被诉"];
/// Words that make a count cumulative or not this year's.
const PERIOD_BAD: &[&str] = &["累计", "历年", "以来", "同比", "上年同期"];

/// The first count after a keyword: the text between (the gap), the number, and the byte
/// range of "N件" relative to `after`. `None` unless a number with one of `units` follows
/// within `max_gap` characters.
fn first_count<'t>(
    after: &'t str,
    max_gap: usize,
    units: &[&str],
) -> Option<(&'t str, i64, Range<usize>)> {
    let m = NUM.find(after)?;
    let gap = &after[..m.start()];
    if gap.chars().count() > max_gap || gap.ends_with('.') || gap.ends_with('第') {
        return None;
    }
    let rest = &after[m.end()..];
    let unit = units.iter().find(|u| rest.starts_with(*u))?;
    let n: i64 = m.as_str().parse().ok()?;
    Some((gap, n, m.start()..m.end() + unit.len()))
}

/// All claims of one prose section.
pub(crate) fn claims(p: &Prose<'_>, year: Option<i32>) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    let mut found: Vec<(Target, i64)> = Vec::new();
    for c in &p.clauses {
        let text = p.clause_text(c);
        let has_number = text.bytes().any(|b| b.is_ascii_digit());
        let has_negation = text.contains('未') || text.contains('没') || text.contains('无');
        if !has_number && !has_negation {
            continue;
        }
        if contains_any(text, PERIOD_BAD) {
            continue;
        }
        found.clear();
        if has_number {
            if let Some(n) = received_claim(text) {
                found.push((Target::Received, n));
            }
        }
        if has_negation && found.is_empty() && none_received_claim(text) {
            found.push((Target::NoneReceived, 0));
        }
        if text.contains("复议") || text.contains("诉讼") {
            found.extend(review_claims(p, c));
        }
        if has_number && (text.contains('下') || text.contains("顺延")) {
            if let Some(n) = carried_forward_claim(text) {
                found.push((Target::CarriedForward, n));
            }
        }
        if has_number && text.contains("结转") {
            if let Some(n) = carried_over_claim(text) {
                found.push((Target::CarriedOver, n));
            }
        }
        if found.is_empty() {
            continue;
        }
        // The sentence up to this clause must not speak of another year.
        if names_other_year(&p.text[c.sentence_start..c.range.end], year) {
            continue;
        }
        for &(target, value) in &found {
            if !out.iter().any(|x| x.span == c.range && x.target == target) {
                out.push(Claim {
                    target,
                    value,
                    span: c.range.clone(),
                });
            }
        }
    }
    out
}

fn received_claim(text: &str) -> Option<i64> {
    for m in RECEIVED.find_iter(text) {
        let before = &text[..m.start()];
        if ["未", "没有", "没", "不予", "无", "不"]
            .iter()
            .any(|neg| before.ends_with(neg))
        {
            continue;
        }
        let Some((gap, n, _)) = first_count(&text[m.end()..], 30, &["件", "条"]) else {
            continue;
        };
        if !gap.contains("申请") || !gap.contains("公开") || contains_any(gap, RECEIVED_BAD) {
            continue;
        }
        if contains_any(before, &["其中", "累计", "历年", "以来", "复议", "诉讼"]) {
            continue;
        }
        if (contains_any(gap, CHANNELS) || contains_any(before, CHANNELS))
            && !contains_any(before, &["共", "总", "合计"])
        {
            continue;
        }
        return Some(n);
    }
    None
}

fn none_received_claim(text: &str) -> bool {
    let Some(m) = NONE_RECEIVED.find(text) else {
        return false;
    };
    let after = &text[m.end()..];
    if contains_any(&text[..m.start()], &["其中"]) || NUM.is_match(after) {
        return false;
    }
    if m.as_str().contains("申请") {
        return true;
    }
    // "未收到 … 申请": the application must follow closely, unqualified
    // (not 未收到涉及国家秘密的申请, 未收到申请人的补正材料, 未收到行政复议申请 …).
    let Some(i) = after.find("申请") else {
        return false;
    };
    let gap = &after[..i];
    gap.chars().count() <= 12
        && !after[i..].starts_with("申请人")
        && (gap.contains("公开") || after[i..].contains("公开"))
        && !contains_any(gap, NONE_RECEIVED_QUALIFIERS)
        && !contains_any(after, &["复议", "诉讼", "异议", "补正", "投诉"])
}

fn review_target(key: &str) -> Target {
    if key.contains("复议") {
        Target::Review
    } else {
        Target::Litigation
    }
}

fn review_claims(p: &Prose<'_>, c: &Clause) -> Vec<(Target, i64)> {
    let text = p.clause_text(c);
    if !text.contains("复议") && !text.contains("诉讼") {
        return Vec::new();
    }
    if contains_any(text, REVIEW_BAD) {
        return Vec::new();
    }
    let sentence = &p.text[c.sentence_start..c.sentence_end];
    if contains_any(sentence, REVIEW_OFF_TOPIC) {
        return Vec::new();
    }
    // 行政复议和行政诉讼各N件.
    if let Some(cap) = REVIEW_DIST.captures(text) {
        return match cap.get(1).and_then(|m| m.as_str().parse().ok()) {
            Some(n) => vec![(Target::Review, n), (Target::Litigation, n)],
            None => Vec::new(),
        };
    }
    // 未发生/未引起 … 行政复议、行政诉讼.
    for m in NEGATION.find_iter(text) {
        let after = &text[m.end()..];
        let Some(k) = REVIEW_WORD.find(after) else {
            continue;
        };
        let gap = &after[..k.start()];
        if (m.as_str() == "无" && !gap.is_empty()) || gap.chars().count() > 25 {
            continue;
        }
        if NUM.is_match(after) || contains_any(gap, &["申请人", "收到"]) {
            continue;
        }
        let mut v = Vec::new();
        if after.contains("复议") {
            v.push((Target::Review, 0));
        }
        if after.contains("诉讼") {
            v.push((Target::Litigation, 0));
        }
        return v;
    }
    // Positive counts need a context tying them to this agency's disclosure work.
    let in_context = sentence.contains("公开") || contains_any(sentence, REVIEW_CONTEXT);
    if !in_context {
        return Vec::new();
    }
    let mut v: Vec<(Target, i64)> = Vec::new();
    for k in REVIEW_KEY.find_iter(text) {
        let t = review_target(k.as_str());
        if v.iter().any(|x| x.0 == t) {
            continue;
        }
        let Some((gap, n, _)) = first_count(&text[k.end()..], 12, &["件", "起", "宗"]) else {
            continue;
        };
        if contains_any(
            gap,
            &["复议", "诉讼", "各", "均", "和", "及", "与", "、", "或"],
        ) {
            continue;
        }
        v.push((t, n));
    }
    for cap in REVIEW_BEFORE.captures_iter(text) {
        let (Some(n), Some(gap), Some(k)) = (cap.get(1), cap.get(2), cap.get(3)) else {
            continue;
        };
        let t = review_target(k.as_str());
        if v.iter().any(|x| x.0 == t) || contains_any(gap.as_str(), &["复议", "诉讼"]) {
            continue;
        }
        if let Ok(n) = n.as_str().parse() {
            v.push((t, n));
        }
    }
    v
}

fn carried_forward_claim(text: &str) -> Option<i64> {
    for m in FORWARD_AFTER.find_iter(text) {
        if let Some((_, n, _)) = first_count(&text[m.end()..], 15, &["件"]) {
            return Some(n);
        }
    }
    let cap = FORWARD_BEFORE.captures(text)?;
    cap.get(1)?.as_str().parse().ok()
}

fn carried_over_claim(text: &str) -> Option<i64> {
    for m in CARRIED_OVER.find_iter(text) {
        if let Some((_, n, _)) = first_count(&text[m.end()..], 15, &["件"]) {
            return Some(n);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// B001
// ---------------------------------------------------------------------------

/// The text quoted in a message: the clause, shortened when long.
fn quote(p: &Prose<'_>, span: &Range<usize>) -> String {
    let s = &p.text[span.clone()];
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let mut q: String = s.chars().take(58).collect();
        q.push('…');
        q
    }
}

fn total_ref(row: RequestRowKey) -> CellRef {
    CellRef::Request {
        row,
        column: RequestColumn::Total,
    }
}

fn review_ref(group: ReviewGroup) -> CellRef {
    CellRef::Review {
        group,
        column: ReviewColumn::Total,
    }
}

/// A valid count of a table cell with its label.
fn counted(report: &Report, r: CellRef, name: &str) -> Option<(i64, Label)> {
    let cell = report.cell(&r)?;
    let n = cell.int()?;
    Some((n, cell_label(r, cell, format!("{name} {n}"))))
}

/// B001: counts quoted in the prose against the tables.
pub(crate) fn prose_table_mismatch(report: &Report, ctx: &Ctx, out: &mut Vec<Finding>) {
    // Prose against a table that was not read whole says nothing about the document.
    if [
        gongkai_model::TableKind::Requests,
        gongkai_model::TableKind::Review,
    ]
    .iter()
    .any(|&t| report.is_unread(gongkai_model::ReportPart::Table(t)))
    {
        return;
    }
    if report.requests.is_none() && report.review.is_none() {
        return;
    }
    let year = report.year();
    let mut seen: Vec<(Target, i64)> = Vec::new();
    for p in ctx.prose() {
        for claim in claims(p, year) {
            if seen.contains(&(claim.target, claim.value)) {
                continue;
            }
            if let Some(f) = contradiction(report, ctx, p, &claim) {
                seen.push((claim.target, claim.value));
                out.push(f);
            }
        }
    }
}

fn contradiction(report: &Report, ctx: &Ctx, p: &Prose<'_>, claim: &Claim) -> Option<Finding> {
    let q = quote(p, &claim.span);
    let n = claim.value;
    let (message, prose_label, mut labels, mut notes) = match claim.target {
        Target::Received | Target::NoneReceived => {
            let (a, la) = counted(
                report,
                total_ref(RequestRowKey::NewReceived),
                "一、本年新收 总计",
            )?;
            let carried = counted(
                report,
                total_ref(RequestRowKey::CarriedOver),
                "二、上年结转 总计",
            );
            if claim.target == Target::Received {
                if a == n
                    || carried
                        .as_ref()
                        .is_some_and(|(c, _)| i128::from(a) + i128::from(*c) == i128::from(n))
                {
                    return None;
                }
                // 受理 may include the carry-over; when that cell is unread or blank the
                // claim cannot be judged, so it is not called a contradiction.
                if carried.is_none() && n > a {
                    return None;
                }
                let mut message = format!("正文称“{q}”，但表三「一、本年新收」总计为{a}");
                let mut labels = vec![la];
                let mut notes = vec![
                    format!("正文：{n}件"),
                    format!("表三「一、本年新收」总计：{a}"),
                ];
                match &carried {
                    Some((c, lc)) if *c != 0 => {
                        let sum = i128::from(a) + i128::from(*c);
                        message.push_str(&format!("（加上年结转{c}件为{sum}）"));
                        labels.push(lc.clone());
                        notes.push(format!("{n} ≠ {a}，{n} ≠ {a} + {c}"));
                    }
                    _ => notes.push(format!("{n} ≠ {a}")),
                }
                (message, format!("正文 {n}件"), labels, notes)
            } else {
                if a == 0 {
                    return None;
                }
                let message = format!("正文称“{q}”，但表三「一、本年新收」总计为{a}");
                let mut notes = vec![
                    "正文：未收到申请（0件）".to_string(),
                    format!("表三「一、本年新收」总计：{a}"),
                    format!("0 ≠ {a}"),
                ];
                let r = report
                    .review
                    .as_ref()
                    .and_then(|t| t.value(ReviewGroup::Review, ReviewColumn::Total));
                let l = litigation_total(report).map(|x| x.0);
                if r.unwrap_or(0) != 0 || l.unwrap_or(0) != 0 {
                    notes.push(format!(
                        "表四显示行政复议{}件、行政诉讼{}件",
                        r.map_or("?".to_string(), |v| v.to_string()),
                        l.map_or("?".to_string(), |v| v.to_string())
                    ));
                }
                (message, "正文 未收到申请".to_string(), vec![la], notes)
            }
        }
        Target::Review => {
            let (r, lr) = counted(report, review_ref(ReviewGroup::Review), "行政复议 总计")?;
            if r == n {
                return None;
            }
            (
                format!("正文称“{q}”，但表四「行政复议」总计为{r}"),
                format!("正文 行政复议{n}件"),
                vec![lr],
                vec![
                    format!("正文：行政复议{n}件"),
                    format!("表四「行政复议」总计：{r}"),
                    format!("{n} ≠ {r}"),
                ],
            )
        }
        Target::Litigation => {
            let (l, d, a, labels) = litigation_total(report)?;
            if l == i128::from(n) {
                return None;
            }
            (
                format!(
                    "正文称“{q}”，但表四行政诉讼总计为{l}（未经复议直接起诉{d}件、复议后起诉{a}件）"
                ),
                format!("正文 行政诉讼{n}件"),
                labels,
                vec![
                    format!("正文：行政诉讼{n}件"),
                    format!("表四行政诉讼总计：{d} + {a} = {l}"),
                    format!("{n} ≠ {l}"),
                ],
            )
        }
        Target::CarriedOver | Target::CarriedForward => {
            let (row, name) = if claim.target == Target::CarriedOver {
                (RequestRowKey::CarriedOver, "二、上年结转")
            } else {
                (RequestRowKey::CarriedForward, "四、结转下年度继续办理")
            };
            let (x, lx) = counted(report, total_ref(row), &format!("{name} 总计"))?;
            if x == n {
                return None;
            }
            (
                format!("正文称“{q}”，但表三「{name}」总计为{x}"),
                format!("正文 {n}件"),
                vec![lx],
                vec![
                    format!("正文：{n}件"),
                    format!("表三「{name}」总计：{x}"),
                    format!("{n} ≠ {x}"),
                ],
            )
        }
    };
    let mut f = finding(&B001, message);
    let loc = ctx.locate_body(p.section, p.body_range(claim.span.clone()));
    f.labels.push(place_label(loc, prose_label));
    f.labels.append(&mut labels);
    f.notes.append(&mut notes);
    Some(f)
}

/// Total lawsuits of table 四 (direct + after review), with both parts and their labels.
fn litigation_total(report: &Report) -> Option<(i128, i64, i64, Vec<Label>)> {
    let (d, ld) = counted(
        report,
        review_ref(ReviewGroup::LitigationDirect),
        "未经复议直接起诉 总计",
    )?;
    let (a, la) = counted(
        report,
        review_ref(ReviewGroup::LitigationAfterReview),
        "复议后起诉 总计",
    )?;
    Some((i128::from(d) + i128::from(a), d, a, vec![ld, la]))
}

// ---------------------------------------------------------------------------
// B002
// ---------------------------------------------------------------------------

static FEE_CHARGED: LazyLock<Regex> = LazyLock::new(|| re(r"收取[^，,。；;]{0,12}?信息处理费"));
static ZERO_AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[^0-9]{0,6}?(?:0+(?:\.0+)?(?:万元|元)|零元)"));

/// A positive money amount ("12372.0506", "3940元", "0.5万元").
fn positive_amount(s: &str) -> bool {
    let t = s.trim();
    let t = t
        .strip_suffix("万元")
        .or_else(|| t.strip_suffix('元'))
        .unwrap_or(t);
    t.parse::<f64>().is_ok_and(|v| v.is_finite() && v > 0.0)
}

/// B002: fees appear in the report but section 六 says nothing about fees.
pub(crate) fn fee_not_reported(report: &Report, ctx: &Ctx, out: &mut Vec<Finding>) {
    if report.is_unread(gongkai_model::ReportPart::Section(
        gongkai_model::schema::SectionKind::Other,
    )) {
        return;
    }
    let Some(other) = report.section(SectionKind::Other) else {
        return;
    };
    if other.body.contains('费') {
        return;
    }
    let mut reasons: Vec<String> = Vec::new();
    let mut labels: Vec<Label> = Vec::new();

    if let Some(t) = &report.active {
        match t.edition {
            Edition::E2021 => {
                let r = CellRef::Active {
                    row: ActiveRowKey::Fees,
                    column: ActiveColumnKey::Amount10kYuan,
                };
                if let Some(cell) = report.cell(&r) {
                    let positive = match &cell.value {
                        Some(Value::Amount(s)) => positive_amount(s),
                        Some(Value::Count(n)) => *n > 0,
                        _ => false,
                    };
                    if positive {
                        let shown = cell.display();
                        reasons.push(format!("表二「行政事业性收费」本年收费金额为{shown}万元"));
                        labels.push(cell_label(r, cell, format!("本年收费金额 {shown}")));
                    }
                }
            }
            Edition::E2019 => {
                let items = CellRef::Active {
                    row: ActiveRowKey::Fees,
                    column: ActiveColumnKey::PreviousItems,
                };
                let change = CellRef::Active {
                    row: ActiveRowKey::Fees,
                    column: ActiveColumnKey::Change,
                };
                let a = report.cell(&items).and_then(|c| c.int());
                let b = report.cell(&change).and_then(|c| c.int());
                if a.is_some() || b.is_some() {
                    let sum = i128::from(a.unwrap_or(0)) + i128::from(b.unwrap_or(0));
                    if sum > 0 {
                        reasons.push(format!(
                            "表二「行政事业性收费」上一年项目数量与本年增/减合计为{sum}项"
                        ));
                        for r in [items, change] {
                            if let Some(cell) = report.cell(&r) {
                                let name = match r {
                                    CellRef::Active {
                                        column: ActiveColumnKey::Change,
                                        ..
                                    } => "本年增/减",
                                    _ => "上一年项目数量",
                                };
                                labels.push(cell_label(
                                    r,
                                    cell,
                                    format!("{name} {}", cell.display()),
                                ));
                            }
                        }
                    }
                }
            }
            Edition::Legacy => {}
        }
    }

    for p in ctx.prose() {
        if p.section.kind == SectionKind::Other {
            continue;
        }
        if !p.text.contains("信息处理费") {
            continue;
        }
        for c in &p.clauses {
            let text = p.clause_text(c);
            let Some(m) = FEE_CHARGED.find(text) else {
                continue;
            };
            let before = &text[..m.start()];
            if contains_any(before, &["未", "不", "没有", "无", "免", "否", "拒"])
                || contains_any(m.as_str(), &["未", "不", "没有", "任何"])
                || ZERO_AMOUNT.is_match(&text[m.end()..])
            {
                continue;
            }
            let q = quote(p, &c.range);
            reasons.push(format!("正文提到“{q}”"));
            let loc = ctx.locate_body(p.section, p.body_range(c.range.clone()));
            labels.push(place_label(loc, "收取信息处理费".into()));
            break;
        }
    }

    if reasons.is_empty() {
        return;
    }
    let mut f = finding(
        &B002,
        format!("「六、其他需要报告的事项」未说明收费情况，但{}", reasons[0]),
    );
    f.labels.push(place_label(
        other.heading_location.clone(),
        "此部分未提及收费".into(),
    ));
    f.labels.append(&mut labels);
    f.notes.extend(reasons.iter().skip(1).cloned());
    f.notes
        .push("格式要求在第六部分报告收取信息处理费的情况；未收取的也宜写明".into());
    out.push(f);
}

// ---------------------------------------------------------------------------
// B003
// ---------------------------------------------------------------------------

const Y: &str = r"((?:19|20)[0-9]{2})";

static TITLE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^.{{0,40}}?{Y}年度?政府信息公开(?:工作)?年度?报告$"
    ))
});
static PRESENTING: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?:现将|现予公布|现公布|特公布|面向社会公布)[^。；;，,]{{0,30}}?{Y}年度?[^。；;，,]{{0,20}}?(?:政府信息公开|政务公开)[^。；;，,]{{0,12}}?报告"
    ))
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"统计(?:期限|周期|时限|区间|时间)[^。；;]{{0,8}}?{Y}年0?1月0?1日[^。；;0-9]{{0,4}}?至(?:{Y}年)?12月31日"
    ))
});
static REPORT_MENTION: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"{Y}年度?政府信息公开(?:工作)?年度?报告")));
static AS_OF: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?:截至|截止){Y}年(?:底|末|年底|12月31日|年终)")));
static OPENING_TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"^[^，。,；;]{0,60}?年度?报告"));
static OPENING: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"^({Y}年度?(?:以来)?)[，,]")));
const PLAN_WORDS: &[&str] = &["计划", "力争", "预计", "争取", "将", "目标", "确保", "前"];

struct YearHit {
    /// Byte range in the compact text.
    span: Range<usize>,
    found: i32,
    /// What the phrase is, for the message.
    what: &'static str,
}

fn year_hits(p: &Prose<'_>, year: i32) -> Vec<YearHit> {
    let mut hits: Vec<YearHit> = Vec::new();
    let mut add = |span: Range<usize>, found: i32, what: &'static str| {
        if !hits
            .iter()
            .any(|h| h.span.start < span.end && span.start < h.span.end)
        {
            hits.push(YearHit { span, found, what });
        }
    };
    let t = p.text.as_str();
    let num = |m: Option<regex::Match<'_>>| m.and_then(|m| m.as_str().parse::<i32>().ok());

    // The title repeated as a line of the body.
    let mut offset = 0;
    for line in p.section.body.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        if !line.contains("报告") {
            continue;
        }
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let Some(y) = TITLE_LINE
            .captures(&compact)
            .and_then(|cap| num(cap.get(1)))
        else {
            continue;
        };
        if y == year {
            continue;
        }
        // The line's place in the compact text.
        if let Some(start) = p.compact_offset(line_start) {
            let end = p.compact_offset(offset).unwrap_or(t.len());
            if end > start {
                add(start..end, y, "正文中重复的报告标题");
            }
        }
    }
    // 现将…YYYY年度…报告.
    let presenting = t.contains('现') || t.contains("公布");
    for cap in PRESENTING.captures_iter(if presenting { t } else { "" }) {
        if let (Some(m), Some(y)) = (cap.get(0), num(cap.get(1))) {
            if y != year {
                add(m.range(), y, "报告的开场白");
            }
        }
    }
    // 统计期限自YYYY年1月1日至YYYY年12月31日.
    for cap in PERIOD.captures_iter(if t.contains("统计") { t } else { "" }) {
        let Some(m) = cap.get(0) else { continue };
        for y in [num(cap.get(1)), num(cap.get(2))].into_iter().flatten() {
            if y != year {
                add(m.range(), y, "统计期限");
                break;
            }
        }
    }
    // The first sentence of 总体情况: "YYYY年，…".
    if p.section.kind == SectionKind::Overview {
        let skip = OPENING_TITLE.find(t).map_or(0, |m| m.end());
        if let Some(cap) = OPENING.captures(&t[skip..]) {
            if let (Some(m), Some(y)) = (cap.get(1), num(cap.get(2))) {
                if y != year {
                    add(skip + m.start()..skip + m.end(), y, "总体情况的开头");
                }
            }
        }
    }
    // 截至YYYY年底.
    for cap in AS_OF.captures_iter(if t.contains('截') { t } else { "" }) {
        let (Some(m), Some(y)) = (cap.get(0), num(cap.get(1))) else {
            continue;
        };
        if y == year || y == year - 1 {
            continue;
        }
        let clause = p
            .clauses
            .iter()
            .find(|c| c.range.start <= m.start() && m.end() <= c.range.end);
        let plan = clause.is_some_and(|c| contains_any(p.clause_text(c), PLAN_WORDS));
        if !plan {
            add(m.range(), y, "“截至”的时点");
        }
    }
    // Another year's annual report mentioned, more than a year away.
    for cap in REPORT_MENTION.captures_iter(if t.contains("报告") { t } else { "" }) {
        if let (Some(m), Some(y)) = (cap.get(0), num(cap.get(1))) {
            if (y - year).abs() > 1 {
                add(m.range(), y, "提到的年度报告");
            }
        }
    }
    hits.sort_by_key(|h| h.span.start);
    hits
}

/// B003: the report's year contradicted by a phrase stating the report period.
pub(crate) fn year_mismatch(report: &Report, ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(year) = report.year() else { return };
    for p in ctx.prose() {
        for h in year_hits(p, year) {
            let q = quote(p, &h.span);
            let mut f = finding(
                &B003,
                format!("{}“{q}”写的是{}年，与报告年度{year}年不符", h.what, h.found),
            );
            let loc = ctx.locate_body(p.section, p.body_range(h.span.clone()));
            f.labels.push(place_label(loc, format!("年份 {}", h.found)));
            if let Some(t) = &report.title {
                if t.location.is_some() {
                    f.labels.push(place_label(
                        t.location.clone(),
                        format!("标题：{}", t.value),
                    ));
                }
            }
            f.notes.push(format!("{} ≠ {year}", h.found));
            f.notes.push(format!("报告年度：{year}"));
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::Section;

    fn prose_claims(body: &str, year: i32) -> Vec<(Target, i64)> {
        let s = Section {
            kind: SectionKind::Overview,
            heading: "一、总体情况".into(),
            heading_location: None,
            body: body.into(),
            body_offset: 0,
        };
        let p = Prose::new(&s);
        claims(&p, Some(year))
            .into_iter()
            .map(|c| (c.target, c.value))
            .collect()
    }

    #[test]
    fn received_sentences() {
        use Target::*;
        assert_eq!(
            prose_claims(
                "全年共受理依申请公开75件，均在法定期限内予以答复，未向申请人收取任何费用。",
                2021
            ),
            vec![(Received, 75)]
        );
        assert_eq!(
            prose_claims("共受理政府信息公开申请1件。", 2021),
            vec![(Received, 1)]
        );
        assert_eq!(
            prose_claims("受理政府信息公开申请17件。", 2021),
            vec![(Received, 17)]
        );
        assert_eq!(
            prose_claims(
                "2023年全区受理政府信息公开申请21件，均在法定期限答复。",
                2023
            ),
            vec![(Received, 21)]
        );
        assert_eq!(
            prose_claims("截止2021年底共受理政府信息公开申请1件，其中当面申请0件，传真申请0件，网络申请1件，信函申请0件。", 2021),
            vec![(Received, 1)]
        );
        assert_eq!(
            prose_claims(
                "2024 年,区政府办代表区政府受理政府\n信息公开申请 17 件,均已在法定期限内予以答复。",
                2024
            ),
            vec![(Received, 17)]
        );
        // Another year, sub-channels, cumulative counts: no claim.
        assert!(prose_claims("2020年共受理政府信息公开申请5件。", 2021).is_empty());
        assert!(prose_claims("通过网络受理政府信息公开申请3件。", 2021).is_empty());
        assert!(prose_claims("累计受理政府信息公开申请300件。", 2021).is_empty());
        assert!(prose_claims("政务服务中心受理各类申请3000件。", 2021).is_empty());
    }

    #[test]
    fn none_received_sentences() {
        use Target::*;
        assert_eq!(
            prose_claims("本年度区政府办未收到依申请公开事项。", 2021),
            vec![(NoneReceived, 0)]
        );
        assert_eq!(
            prose_claims(
                "2022年，我办未收到群众依申请公开申请，未引起行政复议和行政诉讼。",
                2022
            ),
            vec![(NoneReceived, 0), (Review, 0), (Litigation, 0)]
        );
        assert!(prose_claims("未收到有关政府信息公开行政复议申请。", 2021)
            .iter()
            .all(|c| c.0 != NoneReceived));
        assert_eq!(
            prose_claims("2012年全区未收到有关政府信息公开的申请。", 2012),
            vec![(NoneReceived, 0)]
        );
        assert_eq!(
            prose_claims("全年无政府信息公开申请。", 2021),
            vec![(NoneReceived, 0)]
        );
        for not_all in [
            "本年度未收到涉及国家秘密的政府信息公开申请。",
            "未收到申请人对政府信息公开答复的异议。",
            "未收到以信函方式提交的政府信息公开申请。",
        ] {
            assert!(prose_claims(not_all, 2021).is_empty(), "{not_all}");
        }
    }

    #[test]
    fn review_sentences() {
        use Target::*;
        assert_eq!(
            prose_claims("本年度发生行政复议案件3件、行政诉讼2件。", 2021),
            vec![(Review, 3), (Litigation, 2)]
        );
        assert_eq!(
            prose_claims("因政府信息公开发生行政复议案件3件，行政诉讼2件。", 2021),
            vec![(Review, 3), (Litigation, 2)]
        );
        assert_eq!(
            prose_claims("全年未发生因政府信息公开引起的行政复议、行政诉讼。", 2021),
            vec![(Review, 0), (Litigation, 0)]
        );
        assert_eq!(
            prose_claims("政府信息公开行政复议 351 件,其中结果维持 72 件;政府信息公开行政诉讼 46 件,其中结果维持 25件。", 2024),
            vec![(Review, 351), (Litigation, 46)]
        );
        assert_eq!(
            prose_claims("2024 年市科委有 1 件涉及政府信息公开工作的行政复议，该行政复议件未被复议审查机关纠错。涉及的行政诉讼数为0 件。", 2024),
            vec![(Review, 1), (Litigation, 0)]
        );
        assert!(prose_claims(
            "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。",
            2024
        )
        .is_empty());
        assert!(prose_claims("行政复议被纠错1件。", 2021).is_empty());
        assert!(prose_claims("全年共办理行政复议案件85件。", 2021).is_empty());
    }

    #[test]
    fn carry_sentences() {
        use Target::*;
        assert_eq!(
            prose_claims("市政府共受理政府信息公开申请 1295 件，办结 1191 件（含\n上年结转 189 件），均在法定期限内答复。", 2024),
            vec![(Received, 1295), (CarriedOver, 189)]
        );
        assert_eq!(
            prose_claims("全年收到政府信息公开申请 34 件，上年结转政府信息公开申请 2 件，所有申请均已按要求办理完成。转下一年度办理答复的有 1 件。", 2024),
            vec![(Received, 34), (CarriedOver, 2), (CarriedForward, 1)]
        );
        assert_eq!(
            prose_claims("全市共受理政府信息公开申请 3119 件,答复 3050 件(含上年度结转申请 34 件,另有 103 件顺延到下年度答复),均在法定期限内予以答复。", 2024),
            vec![(Received, 3119), (CarriedOver, 34), (CarriedForward, 103)]
        );
        assert_eq!(
            prose_claims("结转下年度继续办理2件。", 2021),
            vec![(CarriedForward, 2)]
        );
    }

    #[test]
    fn amounts() {
        assert!(positive_amount("12372.0506"));
        assert!(positive_amount("3940元"));
        assert!(!positive_amount("0"));
        assert!(!positive_amount("0.0000"));
        assert!(!positive_amount("若干"));
    }
}
