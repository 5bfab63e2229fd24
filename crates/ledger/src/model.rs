//! What the ledger holds. Requests carry their applicant's kind (table 三's column),
//! their channel and events (the clock, [`gongkai_deadline`]) and, once concluded,
//! exactly one outcome (table 三's row) with the legal grounds cited kept apart.

use std::collections::{BTreeMap, BTreeSet};

use gongkai_deadline::clock::{deadlines, Event};
use gongkai_deadline::{Calendar, Channel, RequestClock};
use gongkai_model::date::Date;
use gongkai_model::schema::{
    request_rows, RequestColumn, RequestRowKey, ReviewColumn, ReviewGroup,
};
use serde::{Deserialize, Serialize};

use crate::fees::FeeMethod;

/// Table 三's six applicant columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    NaturalPerson,
    CommercialEnterprise,
    ResearchInstitution,
    SocialWelfareOrg,
    LegalServiceOrg,
    OtherOrg,
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 6] = [
        ApplicantKind::NaturalPerson,
        ApplicantKind::CommercialEnterprise,
        ApplicantKind::ResearchInstitution,
        ApplicantKind::SocialWelfareOrg,
        ApplicantKind::LegalServiceOrg,
        ApplicantKind::OtherOrg,
    ];

    pub fn column(self) -> RequestColumn {
        RequestColumn::ALL[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.column().key()
    }

    /// Table 三's header for the column.
    pub fn label(self) -> &'static str {
        self.column().label()
    }

    /// A code or a label (法人或其他组织's 其他 also as 其他组织).
    pub fn parse(s: &str) -> Option<ApplicantKind> {
        let s = s.trim();
        if s == "其他组织" {
            return Some(ApplicantKind::OtherOrg);
        }
        ApplicantKind::ALL
            .into_iter()
            .find(|k| k.code() == s || k.label() == s)
    }
}

/// Who asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub kind: ApplicantKind,
}

/// How a request ended: one outcome row of table 三's 三、本年度办理结果, in the 2021
/// edition (the three sub-rows of （六）). The rows are table 三's own
/// ([`RequestRowKey`]); this type only keeps out the rows that are not outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Outcome(RequestRowKey);

impl Outcome {
    pub const GRANTED: Outcome = Outcome(RequestRowKey::Granted);
    pub const OTHER_NO_CORRECTION: Outcome = Outcome(RequestRowKey::OtherNoCorrection);
    pub const OTHER_FEE_UNPAID: Outcome = Outcome(RequestRowKey::OtherFeeUnpaid);

    /// Every outcome, in printed order.
    pub fn all() -> impl Iterator<Item = Outcome> {
        request_rows(true)
            .filter(|d| d.is_outcome)
            .map(|d| Outcome(d.key))
    }

    /// The outcome of a row, if the row is one (2021 edition).
    pub fn of_row(row: RequestRowKey) -> Option<Outcome> {
        Outcome::all().find(|o| o.0 == row)
    }

    /// Its row of table 三.
    pub fn row(self) -> RequestRowKey {
        self.0
    }

    /// The row key, e.g. `denied_state_secret`.
    pub fn code(self) -> &'static str {
        self.0.key()
    }

    /// The short name of its row, with its group, e.g. "（三）不予公开·1.属于国家秘密".
    pub fn name(self) -> &'static str {
        self.0.def().short
    }

    /// A code, or the printed label of the row: with its group ("（三）不予公开·1.属于国家
    /// 秘密"), as printed ("1.属于国家秘密"), or without its numbering ("属于国家秘密",
    /// "予以公开") as ledgers write it.
    pub fn parse(s: &str) -> Option<Outcome> {
        let s = s.trim();
        Outcome::all().find(|o| {
            let def = o.0.def();
            o.code() == s
                || def.short == s
                || def.label == s
                || def.aliases.contains(&s)
                || unnumbered(def.label) == s
        })
    }

    /// The articles an outcome usually rests on (条例; 办法 for fees): a hint, not the
    /// grounds the agency cites, which are kept on the request.
    pub fn usual_ground(self) -> &'static str {
        use RequestRowKey::*;
        match self.0 {
            Granted => "第三十六条第（一）（二）项",
            PartiallyGranted => "第三十七条",
            DeniedStateSecret | DeniedProhibitedByLaw | DeniedThreeSecuritiesOneStability => {
                "第十四条"
            }
            DeniedThirdPartyRights => "第十五条、第三十二条",
            DeniedInternalAffairs | DeniedProcessInformation | DeniedEnforcementFile => "第十六条",
            DeniedAdministrativeQuery => "第三十六条第（七）项",
            UnableNotHeld => "第三十六条第（四）（五）项",
            UnableNeedsCreation => "第三十八条",
            UnableStillUnclear | OtherNoCorrection => "第三十条",
            NotProcessedPetition | NotProcessedRepeated | NotProcessedPublication => {
                "第三十九条、第三十六条第（六）项"
            }
            NotProcessedExcessive => "第三十五条",
            NotProcessedConfirmation => "第三十九条",
            OtherFeeUnpaid => "《政府信息公开信息处理费管理办法》第七条",
            _ => "",
        }
    }
}

/// A row label without its numbering: "1.属于国家秘密" → "属于国家秘密", "（一）予以公开"
/// → "予以公开", "（二）部分公开（区分处理的…）" → "部分公开".
fn unnumbered(label: &str) -> &str {
    let l = label
        .split_once('）')
        .filter(|(head, _)| head.starts_with('（') && head.chars().count() <= 2)
        .map_or(label, |(_, rest)| rest);
    let l = l
        .split_once('.')
        .filter(|(head, _)| head.chars().all(|c| c.is_ascii_digit()))
        .map_or(l, |(_, rest)| rest);
    l.split('（').next().unwrap_or(l)
}

/// Written as its row key.
impl Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Outcome, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Outcome::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an outcome row: {s}")))
    }
}

/// How a request was concluded: its one outcome, the day, and the grounds cited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub outcome: Outcome,
    pub date: Date,
    #[serde(default)]
    pub grounds: Vec<String>,
}

/// One disclosure request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The agency's number for it (unique in the ledger).
    pub id: String,
    pub applicant: Applicant,
    pub channel: Channel,
    /// The day of receipt by the channel's rule (day 0).
    pub received: Date,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub closure: Option<Closure>,
    #[serde(default)]
    pub fee: Option<FeeMethod>,
    /// The multi-part request this is a part of (一事一申请, 办法 Art 4).
    #[serde(default)]
    pub split_from: Option<String>,
    /// Split into parts: the parts are counted, this one is not.
    #[serde(default)]
    pub split: bool,
}

impl Request {
    /// Every deadline of the request on its clock (receipt, channel, events).
    pub fn deadlines(
        &self,
        cal: &Calendar,
    ) -> Result<gongkai_deadline::Deadlines, gongkai_deadline::ClockError> {
        let clock = RequestClock {
            received: self.received,
            channel: Some(self.channel),
            events: self.events.clone(),
        };
        deadlines(cal, &clock)
    }

    /// Counted in table 三 (not a request that was split into parts).
    pub fn counted(&self) -> bool {
        !self.split
    }

    /// Open at the end of `day`: received by then and not concluded by then.
    pub fn open_at_end_of(&self, day: Date) -> bool {
        self.received <= day && self.closure.as_ref().is_none_or(|c| c.date > day)
    }
}

/// Table 四's three groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 行政复议.
    Review,
    /// 行政诉讼，未经复议直接起诉.
    LitigationDirect,
    /// 行政诉讼，复议后起诉.
    LitigationAfterReview,
}

impl CaseKind {
    pub fn group(self) -> ReviewGroup {
        ReviewGroup::ALL[self as usize]
    }
    pub fn code(self) -> &'static str {
        self.group().key()
    }
    pub const ALL: [CaseKind; 3] = [
        CaseKind::Review,
        CaseKind::LitigationDirect,
        CaseKind::LitigationAfterReview,
    ];

    pub fn label(self) -> &'static str {
        ["行政复议", "未经复议直接起诉", "复议后起诉"][self as usize]
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        let s = s.trim();
        CaseKind::ALL
            .into_iter()
            .find(|k| k.code() == s || s == k.label())
    }
}

/// A case's result once decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseResult {
    Upheld,
    Corrected,
    Other,
}

impl CaseResult {
    pub const ALL: [CaseResult; 3] = [CaseResult::Upheld, CaseResult::Corrected, CaseResult::Other];

    pub fn code(self) -> &'static str {
        self.column().key()
    }

    pub fn label(self) -> &'static str {
        self.column().label()
    }

    pub fn column(self) -> ReviewColumn {
        ReviewColumn::ALL[self as usize]
    }
    pub fn parse(s: &str) -> Option<CaseResult> {
        match s.trim() {
            "upheld" | "维持" | "结果维持" => Some(CaseResult::Upheld),
            "corrected" | "纠正" | "结果纠正" => Some(CaseResult::Corrected),
            "other" | "其他" | "其他结果" => Some(CaseResult::Other),
            _ => None,
        }
    }
}

/// A reconsideration or lawsuit about disclosure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub kind: CaseKind,
    /// The day it was filed (受理).
    pub filed: Date,
    #[serde(default)]
    pub decided: Option<(CaseResult, Date)>,
    /// The request it is about, when in the ledger.
    #[serde(default)]
    pub request: Option<String>,
}

/// Table 二's documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// 规章.
    Regulation,
    /// 行政规范性文件.
    NormativeDocument,
}

impl DocKind {
    pub const ALL: [DocKind; 2] = [DocKind::Regulation, DocKind::NormativeDocument];

    pub fn code(self) -> &'static str {
        ["regulation", "normative_document"][self as usize]
    }

    pub fn label(self) -> &'static str {
        ["规章", "行政规范性文件"][self as usize]
    }

    /// A code or the Chinese name.
    pub fn parse(s: &str) -> Option<DocKind> {
        let s = s.trim();
        DocKind::ALL
            .into_iter()
            .find(|k| k.code() == s || k.label() == s)
    }
}

/// A regulation or normative document the agency issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDoc {
    pub id: String,
    pub kind: DocKind,
    #[serde(default)]
    pub title: String,
    pub issued: Date,
    #[serde(default)]
    pub repealed: Option<Date>,
}

/// Table 二's decision rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Licensing,
    Penalty,
    Coercion,
}

/// A year's count of decisions of one kind (kept in the agency's own systems; the
/// ledger records the total).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionCount {
    pub year: i32,
    pub kind: DecisionKind,
    pub count: u64,
}

/// The whole ledger of one agency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub agency: String,
    #[serde(default)]
    pub requests: Vec<Request>,
    #[serde(default)]
    pub cases: Vec<Case>,
    #[serde(default)]
    pub documents: Vec<RegisterDoc>,
    #[serde(default)]
    pub decisions: Vec<DecisionCount>,
    /// 行政事业性收费 collected, per year, in 万元 as written (a decimal).
    #[serde(default)]
    pub fees_collected: BTreeMap<i32, String>,
    /// The agency's own text of each year's report.
    #[serde(default)]
    pub texts: BTreeMap<i32, ReportText>,
}

/// What the agency writes itself in a year's report; the sentences that quote numbers
/// are drafted from the ledger and added to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportText {
    /// 一、总体情况 (主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障): paragraphs.
    #[serde(default)]
    pub overview: Vec<String>,
    /// 五、存在的主要问题及改进情况.
    #[serde(default)]
    pub problems: Vec<String>,
    /// 六、其他需要报告的事项 (the fee sentence is added).
    #[serde(default)]
    pub other: Vec<String>,
}

impl ReportText {
    /// Paragraphs of a text: blank lines separate them, lines inside one are joined.
    pub fn paragraphs(text: &str) -> Vec<String> {
        text.replace("\r\n", "\n")
            .split("\n\n")
            .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(""))
            .filter(|p| !p.is_empty())
            .collect()
    }

    /// Paragraphs as a text box shows them: a blank line between two.
    pub fn joined(paragraphs: &[String]) -> String {
        paragraphs.join("\n\n")
    }
}

/// Something in the ledger that cannot be right: tables are not computed from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerProblem {
    /// The request, case or document it is about.
    pub subject: String,
    pub message: String,
}

impl std::fmt::Display for LedgerProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.subject, self.message)
    }
}

/// A decimal as table 二's fee column takes it: digits, at most one point.
pub fn is_decimal(s: &str) -> bool {
    let mut parts = s.split('.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    parts.next().is_none()
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

impl Ledger {
    /// Everything that cannot be right, in ledger order. Empty for a ledger tables can be
    /// computed from.
    pub fn problems(&self, cal: &Calendar) -> Vec<LedgerProblem> {
        let mut out = Vec::new();
        let mut push = |subject: &str, message: String| {
            out.push(LedgerProblem {
                subject: subject.to_string(),
                message,
            })
        };
        let mut ids = BTreeSet::new();
        for r in &self.requests {
            if !ids.insert(r.id.as_str()) {
                push(&r.id, "申请编号重复".into());
            }
        }
        let split: BTreeSet<&str> = self
            .requests
            .iter()
            .filter(|r| r.split)
            .map(|r| r.id.as_str())
            .collect();
        for r in &self.requests {
            if r.id.trim().is_empty() {
                push(&r.id, "申请编号为空".into());
            }
            if let Some(c) = &r.closure {
                if c.date < r.received {
                    push(
                        &r.id,
                        format!("办结日期 {} 早于收到申请之日 {}", c.date, r.received),
                    );
                }
                if r.split {
                    push(
                        &r.id,
                        "已拆分的申请不能有办理结果（办理结果记在拆分后的各件上）".into(),
                    );
                }
            }
            if let Some(parent) = &r.split_from {
                if !split.contains(parent.as_str()) {
                    push(
                        &r.id,
                        format!("拆分自 {parent}，但台账中没有标为已拆分的申请 {parent}"),
                    );
                }
            }
            if let Err(e) = r.deadlines(cal) {
                push(&r.id, e.to_string());
            }
        }
        let mut case_ids = BTreeSet::new();
        for c in &self.cases {
            if !case_ids.insert(c.id.as_str()) {
                push(&c.id, "案件编号重复".into());
            }
            if let Some((_, d)) = c.decided {
                if d < c.filed {
                    push(&c.id, format!("审结日期 {d} 早于受理日期 {}", c.filed));
                }
            }
            if let Some(req) = &c.request {
                if !ids.contains(req.as_str()) {
                    push(&c.id, format!("所涉申请 {req} 不在台账中"));
                }
            }
        }
        let mut doc_ids = BTreeSet::new();
        for d in &self.documents {
            if !doc_ids.insert(d.id.as_str()) {
                push(&d.id, "文件编号重复".into());
            }
            if let Some(r) = d.repealed {
                if r < d.issued {
                    push(&d.id, format!("废止日期 {r} 早于制发日期 {}", d.issued));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for d in &self.decisions {
            if !seen.insert((d.year, d.kind)) {
                push(
                    &format!("{} 年", d.year),
                    format!("{:?} 处理决定数量登记了两次", d.kind),
                );
            }
        }
        for (year, amount) in &self.fees_collected {
            if !is_decimal(amount) {
                push(
                    &format!("{year} 年"),
                    format!("行政事业性收费金额不是数字：{amount}"),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_as_ledgers_write_them() {
        for (text, code) in [
            ("granted", "granted"),
            ("予以公开", "granted"),
            ("（一）予以公开", "granted"),
            ("部分公开", "partially_granted"),
            ("属于国家秘密", "denied_state_secret"),
            ("1.属于国家秘密", "denied_state_secret"),
            ("（三）不予公开·1.属于国家秘密", "denied_state_secret"),
            ("本机关不掌握相关政府信息", "unable_not_held"),
            ("重复申请", "not_processed_repeated"),
            ("其他", "other_other"),
        ] {
            assert_eq!(
                Outcome::parse(text).map(Outcome::code),
                Some(code),
                "{text}"
            );
        }
        // Every outcome's unnumbered label names it alone.
        for o in Outcome::all() {
            assert_eq!(Outcome::parse(unnumbered(o.row().def().label)), Some(o));
        }
        assert_eq!(Outcome::parse("（三）不予公开"), None);
        assert_eq!(Outcome::parse("总计"), None);
    }
}
