//! The national format: rows, columns, canonical keys and official labels of the
//! three statistical tables, in both editions (国办公开办函〔2021〕30号 and 〔2019〕60号).
//!
//! Everything here is static data; parsers match printed labels against `label`
//! (and `aliases`), checkers iterate the rows, and the canonical JSON uses `key`.

use serde::{Deserialize, Serialize};

/// Edition of the national format. `Legacy` is the pre-2019 free layout (no standard tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Edition {
    #[serde(rename = "2021")]
    E2021,
    #[serde(rename = "2019")]
    E2019,
    #[serde(rename = "legacy")]
    Legacy,
}

impl Edition {
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::E2021 => "2021",
            Edition::E2019 => "2019",
            Edition::Legacy => "legacy",
        }
    }
    pub fn parse(s: &str) -> Option<Edition> {
        match s {
            "2021" => Some(Edition::E2021),
            "2019" => Some(Edition::E2019),
            "legacy" => Some(Edition::Legacy),
            _ => None,
        }
    }
    /// The edition a report for `year` must use.
    pub fn expected_for_year(year: i32) -> Edition {
        match year {
            y if y >= 2021 => Edition::E2021,
            2019 | 2020 => Edition::E2019,
            _ => Edition::Legacy,
        }
    }
    /// Chinese name shown to reviewers.
    pub fn display_zh(self) -> &'static str {
        match self {
            Edition::E2021 => "2021年版格式（国办公开办函〔2021〕30号）",
            Edition::E2019 => "2019年版格式（国办公开办函〔2019〕60号）",
            Edition::Legacy => "2019年以前的旧格式",
        }
    }
}

/// What a table cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A count of documents, decisions or requests: a non-negative integer.
    Count,
    /// An integer that may be negative (2019 table 二 本年增/减).
    SignedCount,
    /// A money amount, kept exactly as printed (decimal string, maybe with a unit).
    Amount,
}

/// The six sections of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Overview,
    ActiveDisclosure,
    Requests,
    ReviewLitigation,
    Problems,
    Other,
}

impl SectionKind {
    pub const ALL: [SectionKind; 6] = [
        SectionKind::Overview,
        SectionKind::ActiveDisclosure,
        SectionKind::Requests,
        SectionKind::ReviewLitigation,
        SectionKind::Problems,
        SectionKind::Other,
    ];
    /// 1-based position in the national format.
    pub fn number(self) -> usize {
        self as usize + 1
    }
    pub fn numeral(self) -> &'static str {
        ["一", "二", "三", "四", "五", "六"][self as usize]
    }
    /// Canonical heading.
    pub fn title(self) -> &'static str {
        SECTION_TITLES[self as usize][0]
    }
    /// Accepted heading texts (canonical first).
    pub fn titles(self) -> &'static [&'static str] {
        SECTION_TITLES[self as usize]
    }
}

const SECTION_TITLES: [&[&str]; 6] = [
    &["总体情况", "概述"],
    &["主动公开政府信息情况"],
    &["收到和处理政府信息公开申请情况"],
    &[
        "政府信息公开行政复议、行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
    ],
    &[
        "存在的主要问题及改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
    ],
    &["其他需要报告的事项"],
];

// ---------------------------------------------------------------------------
// Table 二
// ---------------------------------------------------------------------------

/// Rows of table 二 (both editions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActiveRowKey {
    Regulations,
    NormativeDocuments,
    Licensing,
    OtherServices,
    Penalty,
    Coercion,
    Fees,
    Procurement,
}

/// Columns of table 二 (both editions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActiveColumnKey {
    Issued,
    Repealed,
    InForce,
    Decisions,
    #[serde(rename = "amount_10k_yuan")]
    Amount10kYuan,
    NewMade,
    NewPublished,
    TotalPublished,
    PreviousItems,
    Change,
    Items,
    Amount,
}

impl ActiveColumnKey {
    pub fn key(self) -> &'static str {
        match self {
            ActiveColumnKey::Issued => "issued",
            ActiveColumnKey::Repealed => "repealed",
            ActiveColumnKey::InForce => "in_force",
            ActiveColumnKey::Decisions => "decisions",
            ActiveColumnKey::Amount10kYuan => "amount_10k_yuan",
            ActiveColumnKey::NewMade => "new_made",
            ActiveColumnKey::NewPublished => "new_published",
            ActiveColumnKey::TotalPublished => "total_published",
            ActiveColumnKey::PreviousItems => "previous_items",
            ActiveColumnKey::Change => "change",
            ActiveColumnKey::Items => "items",
            ActiveColumnKey::Amount => "amount",
        }
    }
}

impl ActiveRowKey {
    pub fn key(self) -> &'static str {
        match self {
            ActiveRowKey::Regulations => "regulations",
            ActiveRowKey::NormativeDocuments => "normative_documents",
            ActiveRowKey::Licensing => "licensing",
            ActiveRowKey::OtherServices => "other_services",
            ActiveRowKey::Penalty => "penalty",
            ActiveRowKey::Coercion => "coercion",
            ActiveRowKey::Fees => "fees",
            ActiveRowKey::Procurement => "procurement",
        }
    }
}

/// One column of a table-二 row.
#[derive(Debug)]
pub struct ActiveColumnDef {
    pub key: ActiveColumnKey,
    /// Official header label.
    pub label: &'static str,
    /// Other printed forms seen in real reports.
    pub aliases: &'static [&'static str],
    pub kind: ValueKind,
}

/// One row of table 二 with its block heading (第二十条第（x）项) and columns.
#[derive(Debug)]
pub struct ActiveRowDef {
    pub key: ActiveRowKey,
    /// Block heading this row sits under, e.g. "第二十条第（一）项".
    pub block: &'static str,
    pub label: &'static str,
    pub aliases: &'static [&'static str],
    pub columns: &'static [ActiveColumnDef],
}

const C2021_DOCS: &[ActiveColumnDef] = &[
    ActiveColumnDef {
        key: ActiveColumnKey::Issued,
        label: "本年制发件数",
        aliases: &["本年新制发件数"],
        kind: ValueKind::Count,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::Repealed,
        label: "本年废止件数",
        aliases: &["本年度止件数"],
        kind: ValueKind::Count,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::InForce,
        label: "现行有效件数",
        aliases: &[],
        kind: ValueKind::Count,
    },
];
const C2021_DECISIONS: &[ActiveColumnDef] = &[ActiveColumnDef {
    key: ActiveColumnKey::Decisions,
    label: "本年处理决定数量",
    aliases: &[],
    kind: ValueKind::Count,
}];
const C2021_FEES: &[ActiveColumnDef] = &[ActiveColumnDef {
    key: ActiveColumnKey::Amount10kYuan,
    label: "本年收费金额（单位：万元）",
    aliases: &["本年收费金额（单位：万元，保留4位小数）", "本年收费金额"],
    kind: ValueKind::Amount,
}];

/// Table 二, 2021 edition, in printed order.
pub const ACTIVE_2021: &[ActiveRowDef] = &[
    ActiveRowDef {
        key: ActiveRowKey::Regulations,
        block: "第二十条第（一）项",
        label: "规章",
        aliases: &[],
        columns: C2021_DOCS,
    },
    ActiveRowDef {
        key: ActiveRowKey::NormativeDocuments,
        block: "第二十条第（一）项",
        label: "行政规范性文件",
        aliases: &["规范性文件"],
        columns: C2021_DOCS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Licensing,
        block: "第二十条第（五）项",
        label: "行政许可",
        aliases: &[],
        columns: C2021_DECISIONS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Penalty,
        block: "第二十条第（六）项",
        label: "行政处罚",
        aliases: &[],
        columns: C2021_DECISIONS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Coercion,
        block: "第二十条第（六）项",
        label: "行政强制",
        aliases: &[],
        columns: C2021_DECISIONS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Fees,
        block: "第二十条第（八）项",
        label: "行政事业性收费",
        aliases: &[],
        columns: C2021_FEES,
    },
];

const C2019_DOCS: &[ActiveColumnDef] = &[
    ActiveColumnDef {
        key: ActiveColumnKey::NewMade,
        label: "本年新制作数量",
        aliases: &[],
        kind: ValueKind::Count,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::NewPublished,
        label: "本年新公开数量",
        aliases: &[],
        kind: ValueKind::Count,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::TotalPublished,
        label: "对外公开总数量",
        aliases: &[],
        kind: ValueKind::Count,
    },
];
const C2019_ITEMS: &[ActiveColumnDef] = &[
    ActiveColumnDef {
        key: ActiveColumnKey::PreviousItems,
        label: "上一年项目数量",
        aliases: &[],
        kind: ValueKind::Count,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::Change,
        label: "本年增/减",
        aliases: &["本年增减"],
        kind: ValueKind::SignedCount,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::Decisions,
        label: "处理决定数量",
        aliases: &["本年处理决定数量"],
        kind: ValueKind::Count,
    },
];
const C2019_FEES: &[ActiveColumnDef] = &[
    ActiveColumnDef {
        key: ActiveColumnKey::PreviousItems,
        label: "上一年项目数量",
        aliases: &[],
        kind: ValueKind::Count,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::Change,
        label: "本年增/减",
        aliases: &["本年增减"],
        kind: ValueKind::SignedCount,
    },
];
const C2019_PROCUREMENT: &[ActiveColumnDef] = &[
    ActiveColumnDef {
        key: ActiveColumnKey::Items,
        label: "采购项目数量",
        aliases: &[],
        kind: ValueKind::Count,
    },
    ActiveColumnDef {
        key: ActiveColumnKey::Amount,
        label: "采购总金额",
        aliases: &[],
        kind: ValueKind::Amount,
    },
];

/// Table 二, 2019 edition, in printed order.
pub const ACTIVE_2019: &[ActiveRowDef] = &[
    ActiveRowDef {
        key: ActiveRowKey::Regulations,
        block: "第二十条第（一）项",
        label: "规章",
        aliases: &[],
        columns: C2019_DOCS,
    },
    ActiveRowDef {
        key: ActiveRowKey::NormativeDocuments,
        block: "第二十条第（一）项",
        label: "规范性文件",
        aliases: &["行政规范性文件"],
        columns: C2019_DOCS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Licensing,
        block: "第二十条第（五）项",
        label: "行政许可",
        aliases: &[],
        columns: C2019_ITEMS,
    },
    ActiveRowDef {
        key: ActiveRowKey::OtherServices,
        block: "第二十条第（五）项",
        label: "其他对外管理服务事项",
        aliases: &[],
        columns: C2019_ITEMS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Penalty,
        block: "第二十条第（六）项",
        label: "行政处罚",
        aliases: &[],
        columns: C2019_ITEMS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Coercion,
        block: "第二十条第（六）项",
        label: "行政强制",
        aliases: &[],
        columns: C2019_ITEMS,
    },
    ActiveRowDef {
        key: ActiveRowKey::Fees,
        block: "第二十条第（八）项",
        label: "行政事业性收费",
        aliases: &[],
        columns: C2019_FEES,
    },
    ActiveRowDef {
        key: ActiveRowKey::Procurement,
        block: "第二十条第（九）项",
        label: "政府集中采购",
        aliases: &[],
        columns: C2019_PROCUREMENT,
    },
];

/// The rows of table 二 for an edition (empty for `Legacy`).
pub fn active_rows(edition: Edition) -> &'static [ActiveRowDef] {
    match edition {
        Edition::E2021 => ACTIVE_2021,
        Edition::E2019 => ACTIVE_2019,
        Edition::Legacy => &[],
    }
}

/// The definition of one table-二 row in an edition.
pub fn active_row(edition: Edition, key: ActiveRowKey) -> Option<&'static ActiveRowDef> {
    active_rows(edition).iter().find(|r| r.key == key)
}

// ---------------------------------------------------------------------------
// Table 三
// ---------------------------------------------------------------------------

/// Applicant columns of table 三.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestColumn {
    NaturalPerson,
    CommercialEnterprise,
    ResearchInstitution,
    SocialWelfareOrg,
    LegalServiceOrg,
    OtherOrg,
    Total,
}

impl RequestColumn {
    pub const ALL: [RequestColumn; 7] = [
        RequestColumn::NaturalPerson,
        RequestColumn::CommercialEnterprise,
        RequestColumn::ResearchInstitution,
        RequestColumn::SocialWelfareOrg,
        RequestColumn::LegalServiceOrg,
        RequestColumn::OtherOrg,
        RequestColumn::Total,
    ];
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn key(self) -> &'static str {
        REQUEST_COLUMN_KEYS[self as usize]
    }
    /// Printed header label.
    pub fn label(self) -> &'static str {
        [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        ][self as usize]
    }
}

/// Canonical JSON keys of the table-三 columns, in order.
pub const REQUEST_COLUMN_KEYS: [&str; 7] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
];

/// Rows of table 三. `OtherHandling` is the single （六） row of the 2019 edition;
/// `OtherNoCorrection`, `OtherFeeUnpaid` and `OtherOther` are its three 2021 sub-rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestRowKey {
    NewReceived,
    CarriedOver,
    Granted,
    PartiallyGranted,
    DeniedStateSecret,
    DeniedProhibitedByLaw,
    DeniedThreeSecuritiesOneStability,
    DeniedThirdPartyRights,
    DeniedInternalAffairs,
    DeniedProcessInformation,
    DeniedEnforcementFile,
    DeniedAdministrativeQuery,
    UnableNotHeld,
    UnableNeedsCreation,
    UnableStillUnclear,
    NotProcessedPetition,
    NotProcessedRepeated,
    NotProcessedPublication,
    NotProcessedExcessive,
    NotProcessedConfirmation,
    OtherNoCorrection,
    OtherFeeUnpaid,
    OtherOther,
    OtherHandling,
    TotalProcessed,
    CarriedForward,
}

/// Outcome groups of table 三 (三、本年度办理结果).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestGroup {
    /// 一、二、（七）、四: not an outcome.
    None,
    Granted,
    PartiallyGranted,
    Denied,
    Unable,
    NotProcessed,
    OtherHandling,
}

impl RequestGroup {
    /// Printed group label, e.g. "（三）不予公开".
    pub fn label(self) -> &'static str {
        match self {
            RequestGroup::None => "",
            RequestGroup::Granted => "（一）予以公开",
            RequestGroup::PartiallyGranted => "（二）部分公开",
            RequestGroup::Denied => "（三）不予公开",
            RequestGroup::Unable => "（四）无法提供",
            RequestGroup::NotProcessed => "（五）不予处理",
            RequestGroup::OtherHandling => "（六）其他处理",
        }
    }
}

/// Which editions print a table-三 row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowEdition {
    Both,
    Only2021,
    Only2019,
}

/// One row of table 三.
#[derive(Debug)]
pub struct RequestRowDef {
    pub key: RequestRowKey,
    /// The row's own label as printed in the official template (without its group).
    pub label: &'static str,
    /// Other printed forms seen in real reports.
    pub aliases: &'static [&'static str],
    /// Short Chinese name for messages, e.g. "（三）不予公开·1.属于国家秘密".
    pub short: &'static str,
    pub group: RequestGroup,
    /// True for the rows whose sum is （七）总计.
    pub is_outcome: bool,
    pub edition: RowEdition,
}

macro_rules! rrow {
    ($key:ident, $label:expr, $short:expr, $group:ident, $outcome:expr, $ed:ident) => {
        rrow!($key, $label, [], $short, $group, $outcome, $ed)
    };
    ($key:ident, $label:expr, [$($alias:expr),*], $short:expr, $group:ident, $outcome:expr, $ed:ident) => {
        RequestRowDef {
            key: RequestRowKey::$key,
            label: $label,
            aliases: &[$($alias),*],
            short: $short,
            group: RequestGroup::$group,
            is_outcome: $outcome,
            edition: RowEdition::$ed,
        }
    };
}

/// Table 三 rows in printed order (both editions; filter by `edition`).
pub const REQUEST_ROWS: &[RequestRowDef] = &[
    rrow!(
        NewReceived,
        "一、本年新收政府信息公开申请数量",
        "一、本年新收",
        None,
        false,
        Both
    ),
    rrow!(
        CarriedOver,
        "二、上年结转政府信息公开申请数量",
        "二、上年结转",
        None,
        false,
        Both
    ),
    rrow!(
        Granted,
        "（一）予以公开",
        "（一）予以公开",
        Granted,
        true,
        Both
    ),
    rrow!(
        PartiallyGranted,
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（二）部分公开",
        PartiallyGranted,
        true,
        Both
    ),
    rrow!(
        DeniedStateSecret,
        "1.属于国家秘密",
        "（三）不予公开·1.属于国家秘密",
        Denied,
        true,
        Both
    ),
    rrow!(
        DeniedProhibitedByLaw,
        "2.其他法律行政法规禁止公开",
        ["2.其他法律法规禁止公开"],
        "（三）不予公开·2.其他法律行政法规禁止公开",
        Denied,
        true,
        Both
    ),
    rrow!(
        DeniedThreeSecuritiesOneStability,
        "3.危及“三安全一稳定”",
        "（三）不予公开·3.危及“三安全一稳定”",
        Denied,
        true,
        Both
    ),
    rrow!(
        DeniedThirdPartyRights,
        "4.保护第三方合法权益",
        "（三）不予公开·4.保护第三方合法权益",
        Denied,
        true,
        Both
    ),
    rrow!(
        DeniedInternalAffairs,
        "5.属于三类内部事务信息",
        "（三）不予公开·5.属于三类内部事务信息",
        Denied,
        true,
        Both
    ),
    rrow!(
        DeniedProcessInformation,
        "6.属于四类过程性信息",
        "（三）不予公开·6.属于四类过程性信息",
        Denied,
        true,
        Both
    ),
    rrow!(
        DeniedEnforcementFile,
        "7.属于行政执法案卷",
        "（三）不予公开·7.属于行政执法案卷",
        Denied,
        true,
        Both
    ),
    rrow!(
        DeniedAdministrativeQuery,
        "8.属于行政查询事项",
        "（三）不予公开·8.属于行政查询事项",
        Denied,
        true,
        Both
    ),
    rrow!(
        UnableNotHeld,
        "1.本机关不掌握相关政府信息",
        "（四）无法提供·1.本机关不掌握相关政府信息",
        Unable,
        true,
        Both
    ),
    rrow!(
        UnableNeedsCreation,
        "2.没有现成信息需要另行制作",
        "（四）无法提供·2.没有现成信息需要另行制作",
        Unable,
        true,
        Both
    ),
    rrow!(
        UnableStillUnclear,
        "3.补正后申请内容仍不明确",
        "（四）无法提供·3.补正后申请内容仍不明确",
        Unable,
        true,
        Both
    ),
    rrow!(
        NotProcessedPetition,
        "1.信访举报投诉类申请",
        "（五）不予处理·1.信访举报投诉类申请",
        NotProcessed,
        true,
        Both
    ),
    rrow!(
        NotProcessedRepeated,
        "2.重复申请",
        "（五）不予处理·2.重复申请",
        NotProcessed,
        true,
        Both
    ),
    rrow!(
        NotProcessedPublication,
        "3.要求提供公开出版物",
        "（五）不予处理·3.要求提供公开出版物",
        NotProcessed,
        true,
        Both
    ),
    rrow!(
        NotProcessedExcessive,
        "4.无正当理由大量反复申请",
        "（五）不予处理·4.无正当理由大量反复申请",
        NotProcessed,
        true,
        Both
    ),
    rrow!(
        NotProcessedConfirmation,
        "5.要求行政机关确认或重新出具已获取信息",
        "（五）不予处理·5.要求行政机关确认或重新出具已获取信息",
        NotProcessed,
        true,
        Both
    ),
    rrow!(
        OtherNoCorrection,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理·1.申请人无正当理由逾期不补正",
        OtherHandling,
        true,
        Only2021
    ),
    rrow!(
        OtherFeeUnpaid,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理·2.申请人逾期未按收费通知要求缴纳费用",
        OtherHandling,
        true,
        Only2021
    ),
    rrow!(
        OtherOther,
        "3.其他",
        "（六）其他处理·3.其他",
        OtherHandling,
        true,
        Only2021
    ),
    rrow!(
        OtherHandling,
        "（六）其他处理",
        "（六）其他处理",
        OtherHandling,
        true,
        Only2019
    ),
    rrow!(
        TotalProcessed,
        "（七）总计",
        "（七）总计",
        None,
        false,
        Both
    ),
    rrow!(
        CarriedForward,
        "四、结转下年度继续办理",
        "四、结转下年度继续办理",
        None,
        false,
        Both
    ),
];

impl RequestRowKey {
    pub fn def(self) -> &'static RequestRowDef {
        // REQUEST_ROWS is declared in enum order.
        &REQUEST_ROWS[self as usize]
    }
    pub fn key(self) -> &'static str {
        match self {
            RequestRowKey::NewReceived => "new_received",
            RequestRowKey::CarriedOver => "carried_over",
            RequestRowKey::Granted => "granted",
            RequestRowKey::PartiallyGranted => "partially_granted",
            RequestRowKey::DeniedStateSecret => "denied_state_secret",
            RequestRowKey::DeniedProhibitedByLaw => "denied_prohibited_by_law",
            RequestRowKey::DeniedThreeSecuritiesOneStability => {
                "denied_three_securities_one_stability"
            }
            RequestRowKey::DeniedThirdPartyRights => "denied_third_party_rights",
            RequestRowKey::DeniedInternalAffairs => "denied_internal_affairs",
            RequestRowKey::DeniedProcessInformation => "denied_process_information",
            RequestRowKey::DeniedEnforcementFile => "denied_enforcement_file",
            RequestRowKey::DeniedAdministrativeQuery => "denied_administrative_query",
            RequestRowKey::UnableNotHeld => "unable_not_held",
            RequestRowKey::UnableNeedsCreation => "unable_needs_creation",
            RequestRowKey::UnableStillUnclear => "unable_still_unclear",
            RequestRowKey::NotProcessedPetition => "not_processed_petition",
            RequestRowKey::NotProcessedRepeated => "not_processed_repeated",
            RequestRowKey::NotProcessedPublication => "not_processed_publication",
            RequestRowKey::NotProcessedExcessive => "not_processed_excessive",
            RequestRowKey::NotProcessedConfirmation => "not_processed_confirmation",
            RequestRowKey::OtherNoCorrection => "other_no_correction",
            RequestRowKey::OtherFeeUnpaid => "other_fee_unpaid",
            RequestRowKey::OtherOther => "other_other",
            RequestRowKey::OtherHandling => "other_handling",
            RequestRowKey::TotalProcessed => "total_processed",
            RequestRowKey::CarriedForward => "carried_forward",
        }
    }
    pub fn from_key(key: &str) -> Option<RequestRowKey> {
        REQUEST_ROWS.iter().map(|r| r.key).find(|k| k.key() == key)
    }
}

/// The table-三 rows of one layout of （六）其他处理, in printed order.
pub fn request_rows(split_other_handling: bool) -> impl Iterator<Item = &'static RequestRowDef> {
    REQUEST_ROWS.iter().filter(move |r| match r.edition {
        RowEdition::Both => true,
        RowEdition::Only2021 => split_other_handling,
        RowEdition::Only2019 => !split_other_handling,
    })
}

// ---------------------------------------------------------------------------
// Table 四
// ---------------------------------------------------------------------------

/// The three groups of table 四.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewGroup {
    Review,
    LitigationDirect,
    LitigationAfterReview,
}

impl ReviewGroup {
    pub const ALL: [ReviewGroup; 3] = [
        ReviewGroup::Review,
        ReviewGroup::LitigationDirect,
        ReviewGroup::LitigationAfterReview,
    ];
    pub fn key(self) -> &'static str {
        ["review", "litigation_direct", "litigation_after_review"][self as usize]
    }
    pub fn label(self) -> &'static str {
        [
            "行政复议",
            "行政诉讼·未经复议直接起诉",
            "行政诉讼·复议后起诉",
        ][self as usize]
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The five columns of each table-四 group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewColumn {
    Upheld,
    Corrected,
    Other,
    Pending,
    Total,
}

impl ReviewColumn {
    pub const ALL: [ReviewColumn; 5] = [
        ReviewColumn::Upheld,
        ReviewColumn::Corrected,
        ReviewColumn::Other,
        ReviewColumn::Pending,
        ReviewColumn::Total,
    ];
    pub fn key(self) -> &'static str {
        ["upheld", "corrected", "other", "pending", "total"][self as usize]
    }
    pub fn label(self) -> &'static str {
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"][self as usize]
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_rows_are_in_enum_order() {
        for (i, r) in REQUEST_ROWS.iter().enumerate() {
            assert_eq!(r.key as usize, i, "{:?}", r.key);
            assert_eq!(RequestRowKey::from_key(r.key.key()), Some(r.key));
        }
    }

    #[test]
    fn row_counts_per_edition() {
        assert_eq!(request_rows(true).count(), 25);
        assert_eq!(request_rows(false).count(), 23);
        assert_eq!(request_rows(true).filter(|r| r.is_outcome).count(), 21);
        assert_eq!(ACTIVE_2021.len(), 6);
        assert_eq!(ACTIVE_2019.len(), 8);
    }

    #[test]
    fn edition_for_year() {
        assert_eq!(Edition::expected_for_year(2021), Edition::E2021);
        assert_eq!(Edition::expected_for_year(2020), Edition::E2019);
        assert_eq!(Edition::expected_for_year(2018), Edition::Legacy);
    }
}
