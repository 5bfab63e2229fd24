//! The rules across reports (Y0xx): a report against the same agency's previous year,
//! and its prose against other reports.
//!
//! They take plain facts, not a corpus: [`YearFacts`] for the cross-year arithmetic and
//! two section texts for copied text. The corpus layer decides which reports to pair
//! (year − 1 of the same agency; candidate sections from a MinHash index) and gives the
//! facts from its database or from parsed files alike — `gongkai compare` uses the same
//! functions on two files.

use gongkai_model::schema::{
    ActiveColumnKey, ActiveRowKey, RequestColumn, RequestRowKey, SectionKind,
};
use gongkai_model::{identity, CellRef, Finding, Label};
use gongkai_similar::{NormalizedText, Options as SimilarityOptions, Similarity};

use crate::ctx::finding;
use crate::rules::corpus::{Y001, Y002, Y003};

pub use gongkai_model::year_facts::{StockRow, YearFacts, STOCK_ROWS};

/// Y001: this year's 上年结转 against last year's 结转下年度, once per column that
/// differs. `prev` must be the same agency's report of `cur.year - 1`.
pub fn carry_over_mismatch(prev: &YearFacts, cur: &YearFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in RequestColumn::ALL {
        let (Some(now), Some(before)) =
            (cur.carried_over[c.index()], prev.carried_forward[c.index()])
        else {
            continue;
        };
        if identity::carry_over_continuous(before, now) {
            continue;
        }
        let mut f = finding(
            &Y001,
            format!(
                "表三“二、上年结转政府信息公开申请数量”（{}）为 {now}，但{}年度报告“四、结转下年度继续办理”为 {before}",
                c.label(),
                prev.year
            ),
        );
        f.labels.push(Label {
            location: None,
            message: format!("本年度上年结转 {now}，上一年度结转下年度 {before}"),
            cell: Some(CellRef::Request {
                row: RequestRowKey::CarriedOver,
                column: c,
            }),
        });
        out.push(f);
    }
    out
}

/// Y002: 现行有效件数 against last year's plus 本年制发 minus 本年废止, per stock row.
/// Both reports must use the 2021 edition of table 二.
pub fn stock_discontinuity(prev: &YearFacts, cur: &YearFacts) -> Vec<Finding> {
    let (Some(before), Some(now)) = (&prev.stock, &cur.stock) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, key) in STOCK_ROWS.iter().enumerate() {
        let (Some(was), Some(issued), Some(repealed), Some(is)) = (
            before[i].in_force,
            now[i].issued,
            now[i].repealed,
            now[i].in_force,
        ) else {
            continue;
        };
        let expected = identity::stock_expected(was, issued, repealed);
        if i128::from(is) == expected {
            continue;
        }
        let label = match key {
            ActiveRowKey::Regulations => "规章",
            _ => "行政规范性文件",
        };
        let mut f = finding(
            &Y002,
            format!(
                "表二“{label}”现行有效件数为 {is}，按{}年度的 {was} + 本年制发 {issued} − 本年废止 {repealed} 应为 {expected}",
                prev.year
            ),
        );
        f.labels.push(Label {
            location: None,
            message: format!("现行有效件数 {is}（应为 {expected}）"),
            cell: Some(CellRef::Active {
                row: *key,
                column: ActiveColumnKey::InForce,
            }),
        });
        f.notes.push(
            "文件因有效期届满自然失效、修订或清理口径调整时可能不相等，请在报告中说明".into(),
        );
        out.push(f);
    }
    out
}

/// Whose text a section resembles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopiedFrom {
    /// The same agency's report of an earlier year.
    OwnEarlier { year: i32 },
    /// Another agency's report.
    Other { agency: String, year: i32 },
}

/// The sections whose prose is compared for copied text: 一 总体情况 and 五 存在的主要问题
///及改进情况, where an agency reports its own year. The tables (二–四) carry the same
/// labels in every report, and 六 其他需要报告的事项 is mostly formula sentences (no fees
/// charged, proposals handled on time) that thousands of reports print word for word.
pub const COMPARED_SECTIONS: [SectionKind; 2] = [SectionKind::Overview, SectionKind::Problems];

/// Distinctive shingles (not stock phrases) two sections must share for a copy: the
/// shared text must say at least something that most agencies do not say.
pub const MIN_SHARED_DISTINCTIVE: usize = 5;

/// Shingles of sorted, deduplicated `a` also in `b`, and how many of those are not
/// `common` (stock phrases used by many agencies).
pub fn shared_shingles(a: &[u64], b: &[u64], common: &dyn Fn(u64) -> bool) -> (usize, usize) {
    let (mut j, mut shared, mut distinctive) = (0, 0, 0);
    for &h in a {
        while j < b.len() && b[j] < h {
            j += 1;
        }
        if j < b.len() && b[j] == h {
            shared += 1;
            if !common(h) {
                distinctive += 1;
            }
        }
    }
    (shared, distinctive)
}

/// Is `a` (sorted shingles of the judged section) a copy of `b`: at least `threshold` of
/// its shingles found in `b`, and at least [`MIN_SHARED_DISTINCTIVE`] of those not stock
/// phrases. Returns the containment when it is.
pub fn is_copy(a: &[u64], b: &[u64], threshold: f64, common: &dyn Fn(u64) -> bool) -> Option<f64> {
    let distinctive: Vec<u64> = a.iter().copied().filter(|&h| !common(h)).collect();
    is_copy_given(a, &distinctive, b, threshold)
}

/// The fewest of `len` shingles that, shared, reach `threshold` exactly as the
/// containment check divides (`shared / len >= threshold`); `None` when none do or
/// `len` is 0. A check that counts misses can stop once more than `len` minus this
/// are missing.
pub fn shared_needed(len: usize, threshold: f64) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let reaches = |s: usize| s as f64 / len as f64 >= threshold;
    let mut need = ((threshold * len as f64).ceil().max(0.0) as usize).min(len + 1);
    while need > 0 && reaches(need - 1) {
        need -= 1;
    }
    while need <= len && !reaches(need) {
        need += 1;
    }
    (need <= len).then_some(need)
}

/// [`is_copy`] for a corpus pass: the containment first, stopping as soon as the
/// threshold is out of reach, and only for a pair that reaches it, whether enough of the
/// shared shingles are not `common` (most candidate pairs are not copies, so most never
/// ask `common`, which is a lookup in a large table). The same answer as [`is_copy`].
pub fn is_copy_lazy(
    a: &[u64],
    b: &[u64],
    threshold: f64,
    common: &dyn Fn(u64) -> bool,
) -> Option<f64> {
    let len = a.len();
    if len == 0 {
        return None;
    }
    let allowed_misses = len - shared_needed(len, threshold)?;
    let (mut j, mut shared, mut missed) = (0, 0, 0);
    for &h in a {
        while j < b.len() && b[j] < h {
            j += 1;
        }
        if j < b.len() && b[j] == h {
            shared += 1;
        } else {
            missed += 1;
            if missed > allowed_misses {
                return None;
            }
        }
    }
    let containment = shared as f64 / len as f64;
    if containment < threshold {
        return None;
    }
    let distinctive = a
        .iter()
        .filter(|&&h| !common(h) && b.binary_search(&h).is_ok())
        .take(MIN_SHARED_DISTINCTIVE)
        .count();
    (distinctive >= MIN_SHARED_DISTINCTIVE).then_some(containment)
}

/// [`is_copy`] with the judged section's distinctive shingles (those of `a` not
/// `common`, sorted) computed once by the caller: a corpus pass checks one section
/// against many, and most of a template's shingles are common, so the second count is
/// short.
pub fn is_copy_given(a: &[u64], a_distinctive: &[u64], b: &[u64], threshold: f64) -> Option<f64> {
    if a.is_empty() {
        return None;
    }
    let (shared, _) = shared_shingles(a, b, &|_| false);
    let containment = shared as f64 / a.len() as f64;
    if containment < threshold {
        return None;
    }
    let distinctive = a_distinctive
        .iter()
        .filter(|h| b.binary_search(h).is_ok())
        .take(MIN_SHARED_DISTINCTIVE)
        .count();
    (distinctive >= MIN_SHARED_DISTINCTIVE).then_some(containment)
}

/// How many copied passages a finding quotes, and how much of each.
const QUOTED_PASSAGES: usize = 3;
const QUOTED_CHARS: usize = 60;

/// Y003: `text` (a section of the report judged) against `other` (the same section of
/// the report it resembles). `None` unless at least `opts.threshold` of `text` is found in
/// `other` (see [`Similarity::copied`]).
pub fn copied_text(
    kind: SectionKind,
    heading: &str,
    text: &str,
    other: &str,
    from: &CopiedFrom,
    opts: &SimilarityOptions,
) -> Option<(Finding, Similarity)> {
    copied_text_normalized(
        kind,
        heading,
        text,
        &NormalizedText::prefix(text, opts.max_chars),
        &NormalizedText::prefix(other, opts.max_chars),
        from,
        opts,
        &|_| false,
    )
}

/// [`copied_text`] with both texts normalised already (a corpus pass compares one
/// section with several others and normalises each once), and with the stock phrases
/// of the corpus: shingles for which `common` is true do not count towards the share
/// as the *only* thing shared — the national format makes every report say some
/// things the same way, and two sections sharing nothing else are not copies.
#[allow(clippy::too_many_arguments)]
pub fn copied_text_normalized(
    kind: SectionKind,
    heading: &str,
    text: &str,
    text_normalized: &NormalizedText,
    other_normalized: &NormalizedText,
    from: &CopiedFrom,
    opts: &SimilarityOptions,
    common: &dyn Fn(u64) -> bool,
) -> Option<(Finding, Similarity)> {
    let sim = gongkai_similar::compare_normalized(text_normalized, other_normalized, opts)?;
    let a = gongkai_similar::shingles(text_normalized, opts);
    let b = gongkai_similar::shingles(other_normalized, opts);
    is_copy(&a, &b, opts.threshold, common)?;
    let (_, distinctive) = shared_shingles(&a, &b, common);
    let whose = match from {
        CopiedFrom::OwnEarlier { year } => format!("本机关{year}年度报告"),
        CopiedFrom::Other { agency, year } => format!("{agency}{year}年度报告"),
    };
    let name = heading.trim();
    let name = if name.is_empty() { kind.title() } else { name };
    let mut f = finding(
        &Y003,
        format!(
            "“{name}”与{whose}的同一部分雷同：本部分 {:.0}% 的内容见于该报告",
            sim.containment_a * 100.0
        ),
    );
    for p in sim.passages.iter().take(QUOTED_PASSAGES) {
        let quoted: String = text[p.a.clone()].chars().take(QUOTED_CHARS).collect();
        let more = if p.chars > QUOTED_CHARS { "……" } else { "" };
        f.notes
            .push(format!("雷同段落（{} 字）：“{quoted}{more}”", p.chars));
    }
    if sim.passages.len() > QUOTED_PASSAGES {
        f.notes.push(format!(
            "另有 {} 处雷同段落",
            sim.passages.len() - QUOTED_PASSAGES
        ));
    }
    f.notes.push(format!(
        "相似度：本部分 {:.0}% 见于对方，对方 {:.0}% 见于本部分（Jaccard {:.2}）；相同内容中 {distinctive} 处非常见表述",
        sim.containment_a * 100.0,
        sim.containment_b * 100.0,
        sim.jaccard
    ));
    Some((f, sim))
}

/// One report of a [`SharedText`] cluster, as a finding names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterMember {
    /// The agency's name (or the file's, without one).
    pub agency: String,
    pub year: i32,
    /// The report's id in the corpus.
    pub report_id: i64,
}

/// A section text printed, identically, by many reports: a template or a stock text
/// shared across agencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedText {
    /// Reports printing it, this one included.
    pub reports: usize,
    /// Distinct agencies among them.
    pub agencies: usize,
    /// A few of the other reports, earliest first.
    pub examples: Vec<ClusterMember>,
}

/// Y003 for a section whose text is printed identically by many other agencies' reports:
/// one finding naming the cluster (its size and a few members) instead of one per report
/// it equals. Identical text needs no passage search: all of it is the same.
pub fn copied_text_cluster(kind: SectionKind, heading: &str, shared: &SharedText) -> Finding {
    let name = heading.trim();
    let name = if name.is_empty() { kind.title() } else { name };
    let others = shared.reports.saturating_sub(1);
    let mut f = finding(
        &Y003,
        format!(
            "“{name}”与其他 {others} 份报告的同一部分文字相同：同一文字见于 {} 个机关的 {} 份报告",
            shared.agencies, shared.reports
        ),
    );
    let listed: Vec<String> = shared
        .examples
        .iter()
        .map(|m| format!("{}{}年度（编号 {}）", m.agency, m.year, m.report_id))
        .collect();
    let more = if others > listed.len() {
        format!("等 {others} 份")
    } else {
        String::new()
    };
    f.notes
        .push(format!("文字相同的报告：{}{more}", listed.join("、")));
    f.notes.push(
        "多份报告使用同一文字，通常是套用模板或统一口径；请写明本机关本年度的实际情况".into(),
    );
    f
}

#[cfg(test)]
mod tests {

    proptest::proptest! {
        /// The corpus pass's early-stopping check answers as the plain one does.
        #[test]
        fn the_lazy_copy_check_is_the_plain_one(
            a in proptest::collection::btree_set(0u64..200, 0..120),
            b in proptest::collection::btree_set(0u64..200, 0..120),
            threshold in 0.0f64..=1.0,
            stock_below in 0u64..200,
        ) {
            let a: Vec<u64> = a.into_iter().collect();
            let b: Vec<u64> = b.into_iter().collect();
            let common = |h: u64| h < stock_below;
            proptest::prop_assert_eq!(
                is_copy_lazy(&a, &b, threshold, &common),
                is_copy(&a, &b, threshold, &common)
            );
        }
    }
    use super::*;

    fn facts(year: i32, over: i64, forward: i64) -> YearFacts {
        YearFacts {
            year,
            carried_over: [
                Some(over),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(over),
            ],
            carried_forward: [
                Some(forward),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(forward),
            ],
            stock: Some([
                StockRow {
                    issued: Some(1),
                    repealed: Some(0),
                    in_force: Some(10),
                },
                StockRow {
                    issued: Some(62),
                    repealed: Some(33),
                    in_force: Some(470),
                },
            ]),
        }
    }

    #[test]
    fn carry_over_per_column() {
        let prev = facts(2023, 0, 2);
        let cur = facts(2024, 0, 0);
        let found = carry_over_mismatch(&prev, &cur);
        let messages: Vec<_> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "表三“二、上年结转政府信息公开申请数量”（自然人）为 0，但2023年度报告“四、结转下年度继续办理”为 2",
                "表三“二、上年结转政府信息公开申请数量”（总计）为 0，但2023年度报告“四、结转下年度继续办理”为 2",
            ]
        );
        assert!(found.iter().all(|f| f.code == "Y001"));
        assert!(carry_over_mismatch(&prev, &facts(2024, 2, 5)).is_empty());
        // A blank on either side is not compared.
        let mut blank = facts(2024, 0, 0);
        blank.carried_over = [None; 7];
        assert!(carry_over_mismatch(&prev, &blank).is_empty());
    }

    #[test]
    fn stock_continuity() {
        let prev = facts(2023, 0, 0);
        let mut cur = facts(2024, 0, 0);
        cur.stock.as_mut().unwrap()[0].in_force = Some(11);
        cur.stock.as_mut().unwrap()[1].in_force = Some(440);
        let found = stock_discontinuity(&prev, &cur);
        let messages: Vec<_> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            ["表二“行政规范性文件”现行有效件数为 440，按2023年度的 470 + 本年制发 62 − 本年废止 33 应为 499"]
        );
        assert_eq!(found[0].code, "Y002");
        // A 2019-edition year has no stock to compare.
        cur.stock = None;
        assert!(stock_discontinuity(&prev, &cur).is_empty());
    }

    #[test]
    fn cluster_finding_names_its_size_and_members() {
        let member = |agency: &str, report_id| ClusterMember {
            agency: agency.into(),
            year: 2021,
            report_id,
        };
        let shared = SharedText {
            reports: 5000,
            agencies: 4998,
            examples: vec![member("甲乡人民政府", 1), member("乙乡人民政府", 2)],
        };
        let f = copied_text_cluster(SectionKind::Problems, "", &shared);
        assert_eq!(f.code, "Y003");
        assert_eq!(
            f.message,
            "“存在的主要问题及改进情况”与其他 4999 份报告的同一部分文字相同：同一文字见于 4998 个机关的 5000 份报告"
        );
        assert_eq!(
            f.notes[0],
            "文字相同的报告：甲乡人民政府2021年度（编号 1）、乙乡人民政府2021年度（编号 2）等 4999 份"
        );
        let small = SharedText {
            reports: 3,
            agencies: 3,
            examples: vec![member("甲乡人民政府", 1), member("乙乡人民政府", 2)],
        };
        let f = copied_text_cluster(SectionKind::Overview, " 一、总体情况 ", &small);
        assert!(
            f.message.starts_with("“一、总体情况”与其他 2 份报告"),
            "{}",
            f.message
        );
        assert_eq!(
            f.notes[0],
            "文字相同的报告：甲乡人民政府2021年度（编号 1）、乙乡人民政府2021年度（编号 2）"
        );
    }

    #[test]
    fn copied_section() {
        let last = "一是政策解读形式不够丰富，解读质量还有提升空间，部分解读材料与政策文件同步发布不够及时；\
二是政务公开队伍不够稳定，工作人员多为兼职，业务能力有待进一步提高；\
三是依申请公开答复的规范性有待加强，个别答复文书说理不够充分。\
下一步，我们将加强政策解读，丰富图表、音视频等解读形式，加强业务培训，规范答复文书。";
        let this = format!("{last}同时，我们将继续做好政府网站内容保障工作。");
        let opts = SimilarityOptions::default();
        let (f, sim) = copied_text(
            SectionKind::Problems,
            "五、存在的主要问题及改进情况",
            &this,
            last,
            &CopiedFrom::OwnEarlier { year: 2023 },
            &opts,
        )
        .unwrap();
        assert_eq!(f.code, "Y003");
        assert!(
            f.message.starts_with(
                "“五、存在的主要问题及改进情况”与本机关2023年度报告的同一部分雷同：本部分 "
            ),
            "{}",
            f.message
        );
        assert!(sim.containment_a > 0.8, "{}", sim.containment_a);
        assert!(f.notes[0].starts_with("雷同段落（"), "{:?}", f.notes);
        // Different text is not copied.
        let other = "本年度，我局围绕优化营商环境，集中清理了涉企收费目录，新建企业服务专区，\
全年组织政务开放日活动四次，邀请企业代表、人大代表和政协委员走进机关，听取对审批服务的意见建议，\
并对群众反映集中的证照办理时限问题逐项制定整改清单，明确责任科室和完成时限，按月通报整改进度。";
        assert!(copied_text(
            SectionKind::Problems,
            "",
            other,
            last,
            &CopiedFrom::Other {
                agency: "某某局".into(),
                year: 2024
            },
            &opts
        )
        .is_none());
    }
}
