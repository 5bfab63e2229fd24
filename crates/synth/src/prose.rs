//! Plausible prose for the six sections.
//!
//! The wording follows real reports. What matters for the answer key is what the prose
//! *claims*: the only counts it states are the ones listed in [`Claim`] — the number of
//! requests received, carried over and forward, review and litigation cases — and they
//! agree with the tables as printed unless the [`crate::Injection::ProseCount`] error is
//! planted. Everything else is written so that no checker could read a count, a fee or
//! another year into it: no 受理/收到 near a number outside the claim sentences, no
//! 复议/诉讼 outside the review sentence, no 收取…信息处理费, no year but the report's.
//!
//! Sections 一, 五 and 六 are composed from the pools of `phrases.rs` — several sentences,
//! drawn and ordered at random, with the agency's self-reference and the topics of its
//! field — so that reports of different agencies, and of one agency in different years,
//! differ the way real ones do (see `tests/corpus.rs` for the measured similarity).

use gongkai_model::schema::RequestRowKey;

use crate::names::Agency;
use crate::phrases::{self as ph, Field};
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

/// Fills the placeholders of a pool phrase: `{a}` the agency's self-reference, `{f}` its
/// field, `{t}` a topic of its field (each occurrence drawn anew).
struct Words<'a> {
    a: &'a str,
    field: &'static Field,
}

impl<'a> Words<'a> {
    fn new(agency: &'a Agency) -> Words<'a> {
        Words {
            a: agency.short.as_str(),
            field: agency.field,
        }
    }

    /// A phrase of `pool`, filled.
    fn pick(&self, rng: &mut Rng, pool: &[&'static str]) -> String {
        let phrase = rng.pick(pool);
        self.fill(rng, phrase)
    }

    fn fill(&self, rng: &mut Rng, phrase: &str) -> String {
        let mut out = String::with_capacity(phrase.len() + 32);
        let mut rest = phrase;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i..];
            let (word, len): (&str, usize) = if after.starts_with("{a}") {
                (self.a, 3)
            } else if after.starts_with("{f}") {
                (self.field.name, 3)
            } else if after.starts_with("{t}") {
                (rng.pick(self.field.topics), 3)
            } else {
                // A number placeholder: left for `numbers`.
                ("{", 1)
            };
            out.push_str(word);
            rest = &after[len..];
        }
        out.push_str(rest);
        out
    }
}

/// Replaces `{n}`, `{m}`, `{k}` by the given numbers.
fn numbers(s: &str, n: i64, m: i64, k: i64) -> String {
    s.replace("{n}", &n.to_string())
        .replace("{m}", &m.to_string())
        .replace("{k}", &k.to_string())
}

/// `k` distinct entries of `pool`, in random order.
fn distinct(rng: &mut Rng, pool: &[&'static str], k: usize) -> Vec<&'static str> {
    let mut idx: Vec<usize> = (0..pool.len()).collect();
    let k = k.min(pool.len());
    for i in 0..k {
        let j = i + rng.below(pool.len() - i);
        idx.swap(i, j);
    }
    idx[..k].iter().map(|&i| pool[i]).collect()
}

fn shuffle<T>(rng: &mut Rng, xs: &mut [T]) {
    for i in (1..xs.len()).rev() {
        let j = rng.below(i + 1);
        xs.swap(i, j);
    }
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
    let w = Words::new(agency);
    let mut blocks = Vec::new();
    let mut claims = Vec::new();
    if let Some(oy) = opening_year {
        let subject = w.pick(rng, ph::OPENING_SUBJECTS);
        let action = w.pick(rng, ph::OPENING_ACTIONS);
        let result = w.pick(rng, ph::OPENING_RESULTS);
        blocks.push(para(format!("{oy}年，{subject}，{action}，{result}。")));
    }
    let style = rng.pick(&[SubStyle::Bracketed, SubStyle::Numeral, SubStyle::Inline]);
    for (i, title) in SUBS.iter().enumerate() {
        let body = match i {
            0 => active_para(rng, &w),
            1 => requests_para(rng, &w, year, t, errors.count, &mut claims),
            2 => pairs(rng, &w, ph::MANAGEMENT_A, ph::MANAGEMENT_B, 2, 3),
            3 => platform_para(rng, &w),
            _ => supervision_para(rng, &w, t, errors.review, &mut claims),
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

/// `lo..=hi` sentences "A，B。", each A distinct, B drawn independently: two reports
/// rarely share a whole sentence.
fn pairs(
    rng: &mut Rng,
    w: &Words<'_>,
    first: &[&'static str],
    second: &[&'static str],
    lo: usize,
    hi: usize,
) -> String {
    let n = lo + rng.below(hi - lo + 1);
    let k = rng.range(2, 12);
    let seconds = distinct(rng, second, n);
    let mut out = String::new();
    for (a, b) in distinct(rng, first, n).into_iter().zip(seconds) {
        let a = w.fill(rng, a);
        let b = w.fill(rng, b);
        out.push_str(&format!("{a}，{b}。").replace("{k}", &k.to_string()));
    }
    out
}

/// A sentence of 主动公开 composed of a lead, an action and a purpose.
fn active_sentence(rng: &mut Rng, w: &Words<'_>) -> String {
    let lead = w.pick(rng, ph::ACTIVE_LEADS);
    let act = w.pick(rng, ph::ACTIVE_ACTS);
    let goal = rng.pick(ph::ACTIVE_GOALS);
    match rng.below(4) {
        0 => format!("{lead}，{act}。"),
        1 => format!("{act}，{goal}。"),
        _ => format!("{lead}，{act}，{goal}。"),
    }
}

fn active_para(rng: &mut Rng, w: &Words<'_>) -> String {
    let n = rng.range(60, 6000);
    let m = rng.range(1, n / 4 + 1);
    let k = rng.range(1, 60);
    let mut parts = vec![active_sentence(rng, w), active_sentence(rng, w)];
    if rng.chance(0.5) {
        parts.push(active_sentence(rng, w));
    }
    if rng.chance(0.8) {
        let channel = w.pick(rng, ph::COUNT_CHANNELS);
        let object = w.pick(rng, ph::COUNT_OBJECTS);
        parts.push(numbers(&format!("{channel}{object}。"), n, m, k));
    }
    if rng.chance(0.7) {
        parts.push(pairs(
            rng,
            w,
            ph::INTERPRETATION_A,
            ph::INTERPRETATION_B,
            1,
            1,
        ));
    }
    shuffle(rng, &mut parts);
    parts.concat()
}

fn platform_para(rng: &mut Rng, w: &Words<'_>) -> String {
    let n = 2 + rng.below(2);
    let platforms = distinct(rng, ph::PLATFORMS, n);
    let mut s = String::new();
    for p in platforms {
        let verb = rng.pick(ph::PLATFORM_VERBS);
        let aspect = rng.pick(ph::PLATFORM_ASPECTS);
        let goal = rng.pick(ph::PLATFORM_GOALS);
        let lead = if rng.chance(0.3) {
            w.fill(rng, "结合{t}工作需要，")
        } else {
            String::new()
        };
        s.push_str(&format!("{lead}{verb}{p}{aspect}，{goal}。"));
    }
    s
}

fn total(t: &Tables, k: RequestRowKey) -> Option<i64> {
    t.row(k).and_then(|r| r[6])
}

/// 依申请公开: the sentence with the number of requests received (the claim every
/// report makes), and sometimes the carried-over and carried-forward counts, among
/// sentences about how requests are handled.
fn requests_para(
    rng: &mut Rng,
    w: &Words<'_>,
    year: i32,
    t: &Tables,
    wrong_count: bool,
    claims: &mut Vec<Claim>,
) -> String {
    let a = w.a;
    // Sentences on handling requests: most before the count, sometimes one after.
    let handling = pairs(rng, w, ph::REQUEST_A, ph::REQUEST_B, 1, 3);
    let mut sentences: Vec<&str> = handling.split_inclusive('。').collect();
    let after = if sentences.len() > 1 && rng.chance(0.4) {
        sentences.pop().unwrap_or_default()
    } else {
        ""
    };
    let mut s = sentences.concat();
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
        s.push_str(&match rng.below(5) {
            0 => format!("全年共受理政府信息公开申请{n}件，均在法定期限内予以答复。"),
            1 => format!("{year}年，{a}共受理政府信息公开申请{n}件，已全部按期答复。"),
            2 => format!("全年收到政府信息公开申请{n}件，均在规定时限内办理完毕。"),
            3 => format!("{a}全年共受理政府信息公开申请{n}件。"),
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
        s.push_str(rng.pick(&[
            "办理过程中未向申请人收取任何费用。",
            "依申请公开办理中未向申请人收取任何费用。",
        ]));
    }
    s.push_str(after);
    s
}

/// 监督保障, sometimes with the sentence about review and litigation cases — always,
/// denying any, when that contradiction is planted.
fn supervision_para(
    rng: &mut Rng,
    w: &Words<'_>,
    t: &Tables,
    deny: bool,
    claims: &mut Vec<Claim>,
) -> String {
    let mut s = pairs(rng, w, ph::SUPERVISION_A, ph::SUPERVISION_B, 2, 3);
    if let Some(review) = t.review {
        if deny || rng.chance(0.5) {
            let r = review[0][4];
            let l = review[1][4].zip(review[2][4]).map(|(d, f)| d + f);
            let (r, l) = if deny { (Some(0), Some(0)) } else { (r, l) };
            match (r, l) {
                (Some(0), Some(0)) => {
                    s.push_str(rng.pick(&[
                        "全年未发生因政府信息公开引起的行政复议、行政诉讼。",
                        "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。",
                    ]));
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

/// How section 五 enumerates its items (at most six).
fn enumerate(rng: &mut Rng, items: &[String]) -> String {
    const ORDINALS: [&str; 6] = ["一是", "二是", "三是", "四是", "五是", "六是"];
    const MIDDLE: [&str; 4] = ["其次，", "再次，", "同时，", "此外，"];
    let marked: Vec<String> = match rng.below(4) {
        0 | 1 => items
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}{s}", ORDINALS[i.min(5)]))
            .collect(),
        2 => items
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mark = if i == 0 {
                    "首先，"
                } else if i + 1 == items.len() && i > 1 {
                    "最后，"
                } else {
                    MIDDLE[(i - 1).min(3)]
                };
                format!("{mark}{s}")
            })
            .collect(),
        _ => items.to_vec(),
    };
    marked.join("；")
}

/// The problems of section 五: a subject of the agency's work, what is wrong with it,
/// and sometimes how it shows.
fn problem_items(rng: &mut Rng, w: &Words<'_>) -> Vec<String> {
    let n = 3 + rng.weighted(&[5, 3, 1]);
    let predicates = distinct(rng, ph::PROBLEM_PREDICATES, n);
    let details = distinct(rng, ph::PROBLEM_DETAILS, n);
    distinct(rng, ph::PROBLEM_SUBJECTS, n)
        .into_iter()
        .zip(predicates)
        .zip(details)
        .map(|((subject, predicate), detail)| {
            let subject = w.fill(rng, subject);
            if rng.chance(0.6) {
                let detail = w.fill(rng, detail);
                format!("{subject}{predicate}，{detail}")
            } else {
                format!("{subject}{predicate}")
            }
        })
        .collect()
}

/// The improvements of section 五: a verb and an object, maybe how and what for;
/// sometimes one with a number (a planned number of trainings …), which a copy may
/// update.
fn remedy_items(rng: &mut Rng, w: &Words<'_>) -> Vec<String> {
    let n = 3 + rng.weighted(&[4, 3, 1]);
    let verbs = distinct(rng, ph::REMEDY_VERBS, n);
    let hows = distinct(rng, ph::REMEDY_HOWS, n);
    let purposes = distinct(rng, ph::REMEDY_PURPOSES, n);
    let mut items: Vec<String> = distinct(rng, ph::REMEDY_OBJECTS, n)
        .into_iter()
        .zip(verbs)
        .zip(hows.into_iter().zip(purposes))
        .map(|((object, verb), (how, purpose))| {
            let object = w.fill(rng, object);
            let mut s = format!("{verb}{object}");
            if rng.chance(0.45) {
                s.push('，');
                s.push_str(&w.fill(rng, how));
            }
            if rng.chance(0.5) {
                s.push('，');
                s.push_str(purpose);
            }
            s
        })
        .collect();
    if rng.chance(0.5) {
        let at = rng.below(items.len());
        let s = w.pick(rng, ph::REMEDY_COUNTS);
        items[at] = numbers(&s, rng.range(2, 12), 0, 0);
    }
    items
}

/// Section 五: problems and improvements (150–500 chars), in one of the shapes real
/// reports use; governments add 工作考核、社会评议和责任追究.
pub(crate) fn problems(rng: &mut Rng, agency: &Agency) -> Vec<Block> {
    let w = Words::new(agency);
    let a = w.a;
    let lead = w.pick(rng, ph::PROBLEM_LEADS);
    let admission = format!(
        "{}{}",
        rng.pick(ph::PROBLEM_TOPICS),
        rng.pick(ph::PROBLEM_ADMISSIONS)
    );
    let problems = problem_items(rng, &w);
    let problems = enumerate(rng, &problems);
    let remedy_lead = rng.pick(ph::REMEDY_LEADS);
    let promise = rng.pick(ph::REMEDY_PROMISES);
    let remedies = remedy_items(rng, &w);
    let remedies = enumerate(rng, &remedies);
    let first = format!("{lead}{a}{admission}：{problems}。");
    let mut second = format!("{remedy_lead}{a}{promise}：{remedies}。");
    // A closing sentence in half the reports, and in every one still short of the
    // 150 characters real sections have at least.
    if rng.chance(0.5) || first.chars().count() + second.chars().count() < 150 {
        let aim = w.pick(rng, ph::CLOSING_AIMS);
        let result = w.pick(rng, ph::CLOSING_RESULTS);
        second.push_str(&format!("{a}将{aim}，{result}。"));
    }
    let mut out = match rng.below(10) {
        0..=3 => vec![
            Block::Heading(format!(
                "（一）{}",
                rng.pick(&["存在的主要问题", "存在的不足", "主要问题", "存在问题"])
            )),
            para(first),
            Block::Heading(format!(
                "（二）{}",
                rng.pick(&["改进情况", "改进措施", "下一步工作打算", "整改措施"])
            )),
            para(second),
        ],
        4..=6 => vec![para(format!("{first}{second}"))],
        _ => vec![para(first), para(second)],
    };
    if agency.government && rng.chance(0.4) {
        out.push(Block::Heading(
            rng.pick(&[
                "（三）工作考核、社会评议和责任追究结果情况",
                "（三）工作考核、社会评议和责任追究情况",
                "（三）考核评议和责任追究情况",
            ])
            .into(),
        ));
        let how = w.pick(rng, ph::ASSESSMENT_HOW);
        let n = 1 + rng.below(2);
        let views = distinct(rng, ph::ASSESSMENT_VIEWS, n).join("，");
        let liability = rng.pick(ph::ASSESSMENT_LIABILITY);
        out.push(para(format!("{how}，{views}，{liability}。")));
    }
    out
}

/// Section 五 copied from another report (内容雷同): verbatim, or with the small edits
/// copiers make — the numbers updated, a sentence added, or, copying from another
/// agency, its self-reference replaced by one's own where it first appears (the rest
/// overlooked, as in real copies). At most two edits, so that the bulk of the text stays
/// what was copied: that is what a checker for copied text must see.
pub(crate) fn copy_problems(
    rng: &mut Rng,
    blocks: &[Block],
    from: &Agency,
    to: &Agency,
    other_agency: bool,
) -> Vec<Block> {
    let mut out = blocks.to_vec();
    let mut rename = other_agency && from.short != to.short && rng.chance(0.6);
    let renumber = rng.chance(0.5);
    let mut add = rng.chance(0.4);
    if rename && renumber && add {
        if rng.chance(0.5) {
            rename = false;
        } else {
            add = false;
        }
    }
    let mut renamed = 0;
    for b in &mut out {
        if let Block::Para(s) = b {
            if rename && renamed < 2 && s.contains(from.short.as_str()) {
                *s = s.replacen(from.short.as_str(), to.short.as_str(), 1);
                renamed += 1;
            }
            if renumber {
                *s = new_numbers(rng, s);
            }
        }
    }
    if add {
        // At the end of the problems and improvements, before any （三） on assessment.
        let end = out
            .iter()
            .position(|b| matches!(b, Block::Heading(h) if h.starts_with("（三）")))
            .unwrap_or(out.len());
        // A short one: a copier adds a line, not a paragraph.
        let w = Words::new(to);
        let result = w.pick(rng, ph::CLOSING_RESULTS);
        let sentence = format!("{}将{result}。", to.short);
        if let Some(Block::Para(s)) = out[..end]
            .iter_mut()
            .rev()
            .find(|b| matches!(b, Block::Para(_)))
        {
            s.push_str(&sentence);
        }
    }
    out
}

/// Every number of `s` replaced by a slightly different one (this year's figures).
fn new_numbers(rng: &mut Rng, s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String, rng: &mut Rng| {
        if !digits.is_empty() {
            let n: i64 = digits.parse().unwrap_or(0);
            out.push_str(&(n + rng.range(1, 5)).to_string());
            digits.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out, rng);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out, rng);
    out
}

/// Section 六. When table 二 shows fees, it must say something about fees (B002), and
/// does; otherwise "无" is as good as any. Sometimes other matters are reported too.
pub(crate) fn other(rng: &mut Rng, agency: &Agency, year: i32, fees: bool) -> Vec<Block> {
    let w = Words::new(agency);
    let fee = fees || rng.chance(0.5);
    let extras = if rng.chance(0.35) {
        1 + rng.below(2)
    } else {
        0
    };
    let mut sentences: Vec<String> = Vec::new();
    if extras > 0 {
        let s = pairs(rng, &w, ph::OTHER_A, ph::OTHER_B, extras, extras);
        let n = rng.range(2, 40);
        sentences.extend(s.split_inclusive('。').map(|x| numbers(x, n, 0, n % 5 + 1)));
    }
    if fee {
        let who = w.pick(rng, ph::FEE_WHO);
        let what = rng.pick(ph::FEE_WHAT);
        let note = format!("{who}{what}。").replace("{y}", &year.to_string());
        let at = if rng.chance(0.5) { 0 } else { sentences.len() };
        sentences.insert(at, note);
    }
    if sentences.is_empty() {
        return vec![para(rng.pick(&["无", "无。"]).to_string())];
    }
    if rng.chance(0.5) {
        vec![para(sentences.concat())]
    } else {
        sentences.into_iter().map(para).collect()
    }
}

/// Section 四's words when table 四 is not printed.
pub(crate) fn review_note(rng: &mut Rng) -> String {
    rng.pick(&[
        "本年度未发生政府信息公开行政复议、行政诉讼案件。",
        "本年度无政府信息公开行政复议、行政诉讼情况。",
    ])
    .to_string()
}
