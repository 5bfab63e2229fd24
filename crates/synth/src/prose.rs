//! Plausible prose for the six sections.
//!
//! The wording follows real reports. What matters for the answer key is what the prose
//! *claims*: the only counts it states are the ones listed in [`Claim`] — the number of
//! requests received, carried over and forward, review and litigation cases — and they
//! agree with the tables as printed unless the [`crate::Injection::ProseCount`] error is
//! planted. Everything else is written so that no checker could read a count, a fee or
//! another year into it: no 受理/收到 near a number outside the claim sentences, no
//! 复议/诉讼 outside the review sentence, no 收取…信息处理费, no year but the report's.

use gongkai_model::schema::RequestRowKey;

use crate::names::Agency;
use crate::rng::Rng;
use crate::{Block, Claim, Tables};

fn para(s: String) -> Block {
    Block::Para(s)
}

/// How section 一 numbers its five sub-headings.
#[derive(Clone, Copy)]
enum SubStyle {
    /// "（一）主动公开" on its own line.
    Bracketed,
    /// "一、主动公开情况" on its own line (seed 004: the report's own numerals reused).
    Numeral,
    /// "（一）主动公开。" opening the paragraph (seed 001).
    Inline,
}

const SUBS: [&str; 5] = [
    "主动公开",
    "依申请公开",
    "政府信息管理",
    "政府信息公开平台建设",
    "监督保障",
];
const BRACKETS: [&str; 5] = ["（一）", "（二）", "（三）", "（四）", "（五）"];
const NUMERALS: [&str; 5] = ["一、", "二、", "三、", "四、", "五、"];

/// Text between the title and section 一 (about half the reports have some).
pub(crate) fn preamble(rng: &mut Rng, agency: &Agency, year: i32) -> Vec<Block> {
    let name = &agency.name;
    match rng.below(4) {
        0 => vec![para(format!(
            "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现将{name}{year}年度政府信息公开工作情况报告如下。"
        ))],
        1 => vec![para(format!(
            "本报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据的统计期限自{year}年1月1日至{year}年12月31日。"
        ))],
        _ => Vec::new(),
    }
}

/// Planted contradictions between the prose and the tables.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Errors {
    /// The number of requests received is wrong.
    pub count: bool,
    /// Review and litigation are denied (table 四 shows review cases).
    pub review: bool,
}

/// Section 一: the opening sentence, five sub-sections, and the claims they state.
pub(crate) fn overview(
    rng: &mut Rng,
    agency: &Agency,
    year: i32,
    t: &Tables,
    opening_year: Option<i32>,
    errors: Errors,
) -> (Vec<Block>, Vec<Claim>) {
    let a = agency.short.as_str();
    let mut blocks = Vec::new();
    let mut claims = Vec::new();
    if let Some(oy) = opening_year {
        let s = match rng.below(3) {
            0 => format!("{oy}年，{a}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，持续深化政务公开，不断提升政府信息公开工作质量。"),
            1 => format!("{oy}年，{a}认真贯彻落实党中央、国务院关于全面推进政务公开的决策部署，严格执行《中华人民共和国政府信息公开条例》，扎实推进决策、执行、管理、服务、结果公开，政府信息公开工作取得新成效。"),
            _ => format!("{oy}年，在上级政务公开主管部门的指导下，{a}紧紧围绕中心工作，以公开促落实、以公开强监管、以公开优服务，较好地完成了全年政府信息公开各项工作任务。"),
        };
        blocks.push(para(s));
    }
    let style = rng.pick(&[SubStyle::Bracketed, SubStyle::Numeral, SubStyle::Inline]);
    for (i, title) in SUBS.iter().enumerate() {
        let body = match i {
            0 => active_para(rng, a),
            1 => requests_para(rng, a, year, t, errors.count, &mut claims),
            2 => rng
                .pick(&[
                    "严格落实政府信息公开保密审查机制，坚持“先审查、后公开”和“一事一审”原则，确保公开信息内容准确、规范。",
                    "加强政策文件管理，对现行有效的规范性文件进行全面梳理，及时公开清理结果，动态更新政府信息公开目录。",
                    "规范信息发布审核流程，明确信息发布的责任主体和审核程序，严防泄密和不当公开。",
                ])
                .to_string(),
            3 => rng
                .pick(&[
                    "持续加强政府门户网站建设，优化栏目设置，完善检索功能，全年网站平稳运行。",
                    "加强政务新媒体规范管理，及时发布政务信息，推动政务新媒体与门户网站协同联动。",
                    "按照上级要求完成网站集约化建设，规范政府信息公开专栏，方便公众查阅。",
                ])
                .to_string(),
            _ => supervision_para(rng, a, t, errors.review, &mut claims),
        };
        match style {
            SubStyle::Bracketed => {
                blocks.push(Block::Heading(format!("{}{title}", BRACKETS[i])));
                blocks.push(para(body));
            }
            SubStyle::Numeral => {
                blocks.push(Block::Heading(format!("{}{title}情况", NUMERALS[i])));
                blocks.push(para(body));
            }
            SubStyle::Inline => blocks.push(para(format!("{}{title}。{body}", BRACKETS[i]))),
        }
    }
    (blocks, claims)
}

fn active_para(rng: &mut Rng, a: &str) -> String {
    let n1 = rng.range(60, 6000);
    let n2 = rng.range(1, n1 / 4 + 1);
    let n3 = rng.range(1, n1 / 2 + 1);
    let n4 = rng.range(1, 60);
    match rng.below(3) {
        0 => format!("{a}严格落实“五公开”要求，通过政府门户网站、政务新媒体等渠道主动公开各类政府信息{n1}条，其中政策文件{n2}条、工作动态{n3}条。"),
        1 => format!("聚焦重点领域信息公开，及时公开财政预决算、重大建设项目、公共资源配置、社会公益事业等信息，全年主动公开政府信息{n1}条，发布政策解读{n4}篇。"),
        _ => format!("坚持以公开为常态、不公开为例外，及时更新政府信息公开指南和主动公开目录，全年通过门户网站发布各类信息{n1}条，回应社会关切{n4}次。"),
    }
}

fn total(t: &Tables, k: RequestRowKey) -> Option<i64> {
    t.row(k).and_then(|r| r[6])
}

/// 依申请公开: the sentence with the number of requests received (the claim every
/// report makes), and sometimes the carried-over and carried-forward counts.
fn requests_para(
    rng: &mut Rng,
    a: &str,
    year: i32,
    t: &Tables,
    wrong_count: bool,
    claims: &mut Vec<Claim>,
) -> String {
    let mut s = rng
        .pick(&[
            "{a}严格按照《中华人民共和国政府信息公开条例》规定，规范依申请公开办理流程，做到依法依规答复。",
            "进一步健全依申请公开登记、审核、答复、归档等工作机制，切实保障公众依法获取政府信息的权利。",
        ])
        .replace("{a}", a);
    let new = total(t, RequestRowKey::NewReceived).unwrap_or(0);
    let over = total(t, RequestRowKey::CarriedOver).unwrap_or(0);
    let forward = total(t, RequestRowKey::CarriedForward).unwrap_or(0);
    // The count the prose states: the table's, or — planted error — neither 新收 nor
    // 新收 + 上年结转.
    let n = if wrong_count {
        new + over + rng.range(1, 6)
    } else if over > 0 && rng.chance(0.3) {
        new + over
    } else {
        new
    };
    if (n == 0 && rng.chance(0.5)) || (wrong_count && new > 0 && rng.chance(0.3)) {
        // Seed 000: "本年度区政府办未收到依申请公开事项" over a table with 9 requests.
        s.push_str(&format!("本年度{a}未收到政府信息公开申请。"));
        claims.push(Claim::NoneReceived);
    } else {
        s.push_str(&match rng.below(3) {
            0 => format!("全年共受理政府信息公开申请{n}件，均在法定期限内予以答复。"),
            1 => format!("{year}年，{a}共受理政府信息公开申请{n}件，已全部按期答复。"),
            _ => format!("本年度{a}收到政府信息公开申请{n}件。"),
        });
        claims.push(Claim::Received(n));
    }
    if over > 0 && rng.chance(0.4) {
        s.push_str(&format!("上年结转政府信息公开申请{over}件。"));
        claims.push(Claim::CarriedOver(over));
    }
    if forward > 0 && rng.chance(0.4) {
        s.push_str(&format!("结转下年度继续办理{forward}件。"));
        claims.push(Claim::CarriedForward(forward));
    }
    if rng.chance(0.5) {
        s.push_str("办理过程中未向申请人收取任何费用。");
    }
    s
}

/// 监督保障, sometimes with the sentence about review and litigation cases — always,
/// denying any, when that contradiction is planted.
fn supervision_para(
    rng: &mut Rng,
    a: &str,
    t: &Tables,
    deny: bool,
    claims: &mut Vec<Claim>,
) -> String {
    let k = rng.range(1, 6);
    let mut s = match rng.below(3) {
        0 => format!("{a}成立由主要负责同志任组长的政务公开工作领导小组，明确专人负责政府信息公开工作，将政务公开纳入年度目标考核。"),
        1 => format!("组织开展政务公开业务培训{k}次，提升工作人员业务能力，确保各项工作落到实处。"),
        _ => "主动接受社会监督，畅通意见反馈渠道，及时回应群众关切。".to_string(),
    };
    if let Some(review) = t.review {
        if deny || rng.chance(0.5) {
            let r = review[0][4];
            let l = review[1][4].zip(review[2][4]).map(|(d, f)| d + f);
            let (r, l) = if deny { (Some(0), Some(0)) } else { (r, l) };
            match (r, l) {
                (Some(0), Some(0)) => {
                    s.push_str("全年未发生因政府信息公开引起的行政复议、行政诉讼。");
                    claims.push(Claim::Review(0));
                    claims.push(Claim::Litigation(0));
                }
                (Some(r), Some(l)) => {
                    s.push_str(&format!(
                        "因政府信息公开发生行政复议案件{r}件，行政诉讼{l}件。"
                    ));
                    claims.push(Claim::Review(r));
                    claims.push(Claim::Litigation(l));
                }
                _ => {}
            }
        }
    }
    s
}

const PROBLEMS: &[&str] = &[
    "政策解读的形式还不够丰富，解读质量有待提升",
    "基层政务公开标准化规范化水平有待进一步提高",
    "政务公开工作人员业务能力有待加强",
    "信息发布的及时性和规范性仍需提高",
    "政务新媒体内容更新不够及时",
    "主动公开的深度和广度还需拓展",
];
const REMEDIES: &[&str] = &[
    "加强业务培训，提升政务公开队伍专业化水平",
    "丰富政策解读形式，多运用图表图解、视频等方式开展解读",
    "严格落实信息发布审核制度，确保公开信息准确规范",
    "持续推进基层政务公开标准化规范化建设",
    "加强政务新媒体管理，及时更新发布内容",
    "围绕群众关切拓展公开内容，提升公开实效",
];

fn two(rng: &mut Rng, xs: &[&'static str]) -> (&'static str, &'static str) {
    let i = rng.below(xs.len());
    let j = (i + 1 + rng.below(xs.len() - 1)) % xs.len();
    (xs[i], xs[j])
}

/// Section 五: problems and remedies; governments add 工作考核、社会评议和责任追究.
pub(crate) fn problems(rng: &mut Rng, agency: &Agency) -> Vec<Block> {
    let a = agency.short.as_str();
    let (p1, p2) = two(rng, PROBLEMS);
    let (r1, r2) = two(rng, REMEDIES);
    let mut out = if rng.chance(0.5) {
        vec![
            Block::Heading("（一）存在的主要问题".into()),
            para(format!(
                "{a}政务公开工作取得一定成效，但仍存在一些不足：一是{p1}；二是{p2}。"
            )),
            Block::Heading("（二）改进情况".into()),
            para(format!(
                "下一步，{a}将重点做好以下工作：一是{r1}；二是{r2}。"
            )),
        ]
    } else {
        vec![para(format!(
            "主要问题：一是{p1}；二是{p2}。改进情况：一是{r1}；二是{r2}。"
        ))]
    };
    if agency.government && rng.chance(0.5) {
        out.push(Block::Heading(
            "（三）工作考核、社会评议和责任追究结果情况".into(),
        ));
        out.push(para(format!(
            "{a}将政务公开工作纳入年度绩效考核，广泛听取社会各界意见，本年度未发生政府信息公开工作责任追究情况。"
        )));
    }
    out
}

/// Section 六. When table 二 shows fees, it must say something about fees (B002), and
/// does; otherwise "无" is as good as any.
pub(crate) fn other(rng: &mut Rng, agency: &Agency, year: i32, fees: bool) -> Vec<Block> {
    let a = agency.short.as_str();
    let with_fee = [
        "本年度未收取信息处理费。".to_string(),
        format!("{a}本年度未收取政府信息公开信息处理费。"),
        format!("依据《政府信息公开信息处理费管理办法》，{a}{year}年度未收取信息处理费。"),
    ];
    let s = if fees || rng.chance(0.5) {
        with_fee[rng.below(with_fee.len())].clone()
    } else {
        rng.pick(&["无", "无。"]).to_string()
    };
    vec![para(s)]
}

/// Section 四's words when table 四 is not printed.
pub(crate) fn review_note(rng: &mut Rng) -> String {
    rng.pick(&[
        "本年度未发生政府信息公开行政复议、行政诉讼案件。",
        "本年度无政府信息公开行政复议、行政诉讼情况。",
    ])
    .to_string()
}
