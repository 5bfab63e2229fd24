//! Agencies are real places: every generated name resolves through the gazetteer to the
//! unit the answer key records, a corpus restricted to a region holds only units under
//! it, and a region that is unknown, ambiguous or too small is a clear error.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use gongkai_gazetteer::{gazetteer, resolve_agency, Gazetteer, Outcome, UnitId};
use gongkai_synth::{
    generate, generate_corpus, resolve_region, write_corpus, CorpusError, CorpusOptions,
    CorpusReport, Layout, Options, Region,
};
use proptest::prelude::*;

fn g() -> &'static Gazetteer {
    gazetteer().expect("the embedded gazetteer loads")
}

fn unit(code: &str) -> UnitId {
    g().by_code(code).expect(code)
}

/// The unit a name resolves to, or a description of why it does not.
fn resolved(name: &str) -> Result<&'static str, String> {
    match resolve_agency(g(), name).outcome {
        Outcome::Resolved(id) => Ok(g().unit(id).code),
        other => Err(format!("{name}: {other:?}")),
    }
}

fn under(region: &str, code: &str) -> bool {
    let (r, u) = (unit(region), unit(code));
    r == u || g().is_ancestor(r, u)
}

/// A corpus quick to generate: one layout, no errors.
fn corpus(reports: usize, seed: u64, region: Option<&str>) -> Vec<CorpusReport> {
    generate_corpus(&CorpusOptions {
        reports,
        seed,
        layouts: vec![Layout::Tabs],
        error_rate: 0.0,
        cross_error_rate: 0.0,
        region: region.map(str::to_string),
        ..CorpusOptions::default()
    })
    .collect()
}

/// Regions of every shape: a province, a prefecture-level city, a 市辖区, a 县级市, an
/// 自治县, a city without counties (东莞市: towns and streets directly under it).
const REGIONS: [Option<&str>; 7] = [
    None,
    Some("41"),
    Some("4107"),
    Some("410303"),
    Some("410782"),
    Some("420528"),
    Some("4419"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: support::cases(128), ..ProptestConfig::default() })]

    /// Every agency of a corpus resolves, by its name alone, to the unit the answer key
    /// records, which lies under the corpus's region.
    #[test]
    fn corpus_names_resolve_to_their_units(
        seed in any::<u64>(),
        region in 0..REGIONS.len(),
        reports in 1usize..40,
    ) {
        let region = REGIONS[region];
        for r in corpus(reports, seed, region) {
            prop_assert_eq!(resolved(&r.agency), Ok(r.region_code));
            prop_assert_eq!(r.synthetic.region_code, r.region_code);
            if let Some(region) = region {
                prop_assert!(under(region, r.region_code), "{} {}", r.agency, r.region_code);
            }
        }
    }

    /// The same of a single report.
    #[test]
    fn report_names_resolve_to_their_units(seed in any::<u64>()) {
        let s = generate(seed, &Options { layout: Layout::Tabs, ..Options::default() });
        prop_assert_eq!(resolved(&s.agency), Ok(s.region_code));
    }
}

/// 获嘉县 has 40 agencies: the county government and its 28 departments (the general
/// office among them) and its 11 towns' governments. 160 reports over four years use
/// every one, each once, and nothing outside the county.
#[test]
fn a_county_corpus_uses_exactly_its_agencies() {
    let reports = corpus(160, 7, Some("410724"));
    assert_eq!(reports.len(), 160);
    let mut agencies: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &reports {
        assert!(under("410724", r.region_code), "{}", r.agency);
        assert!(
            r.agency.starts_with("获嘉县") || r.agency.starts_with("新乡市获嘉县"),
            "{}",
            r.agency
        );
        agencies.entry(r.region_code).or_default().insert(&r.agency);
    }
    let towns: Vec<&str> = agencies
        .keys()
        .copied()
        .filter(|&c| c != "410724")
        .collect();
    assert_eq!(
        towns,
        [
            "410724100",
            "410724101",
            "410724102",
            "410724103",
            "410724104",
            "410724105",
            "410724106",
            "410724107",
            "410724108",
            "410724200",
            "410724203"
        ]
    );
    assert_eq!(agencies["410724"].len(), 29);
    assert!(agencies["410724"]
        .iter()
        .any(|a| a.ends_with("获嘉县人民政府")));
    assert!(agencies["410724106"]
        .iter()
        .all(|a| a.ends_with("获嘉县亢村镇人民政府")));
    // Every agency has all four years: 40 × 4 = 160, no room for a gap.
    let mut years: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &reports {
        *years.entry(&r.agency).or_default() += 1;
    }
    assert_eq!(years.len(), 40);
    assert!(years.values().all(|&n| n == 4));
}

/// A prefecture-level city's corpus draws from the city, its districts, counties,
/// county-level cities, towns and streets — and from nowhere else.
#[test]
fn a_city_corpus_stays_in_the_city() {
    let reports = corpus(400, 2, Some("4107"));
    assert_eq!(reports.len(), 400);
    let levels: BTreeSet<usize> = reports
        .iter()
        .inspect(|r| assert!(under("4107", r.region_code), "{}", r.agency))
        .map(|r| r.region_code.len())
        .collect();
    assert_eq!(levels, BTreeSet::from([4, 6, 9]));
}

#[test]
fn same_region_same_corpus() {
    assert_eq!(corpus(50, 3, Some("420528")), corpus(50, 3, Some("420528")));
}

#[test]
fn regions_by_code_or_name() {
    let region = |code: &'static str, path: &str| {
        Ok(Region {
            code,
            path: path.to_string(),
        })
    };
    assert_eq!(resolve_region("新乡市"), region("4107", "河南省 › 新乡市"));
    assert_eq!(resolve_region(" 新乡 "), region("4107", "河南省 › 新乡市"));
    assert_eq!(resolve_region("410700"), region("4107", "河南省 › 新乡市"));
    assert_eq!(
        resolve_region("辉县市"),
        region("410782", "河南省 › 新乡市 › 辉县市")
    );
    assert_eq!(
        resolve_region("南京市鼓楼区"),
        region("320106", "江苏省 › 南京市 › 鼓楼区")
    );
    // A former code is read as its successor (永年县 → 永年区).
    assert_eq!(
        resolve_region("130429"),
        region("130408", "河北省 › 邯郸市 › 永年区")
    );
}

#[test]
fn region_errors_are_clear() {
    let Err(e @ CorpusError::AmbiguousRegion { .. }) = resolve_region("鼓楼区") else {
        panic!("鼓楼区 is ambiguous");
    };
    let CorpusError::AmbiguousRegion { candidates, .. } = &e else {
        unreachable!()
    };
    let codes: Vec<&str> = candidates
        .iter()
        .map(|c| c.split(' ').next().unwrap())
        .collect();
    assert_eq!(codes, ["320106", "320302", "350102", "410204"]);
    assert!(e
        .to_string()
        .starts_with("地区“鼓楼区”有歧义，4 个单位同名：320106 江苏省 › 南京市 › 鼓楼区；"));
    assert_eq!(
        resolve_region("火星").unwrap_err().to_string(),
        "未找到地区“火星”：不是现行的区划代码或地名（可用 `gongkai region 火星` 查询）"
    );
    assert_eq!(
        resolve_region("999999").unwrap_err(),
        CorpusError::UnknownRegion("999999".into())
    );
    assert_eq!(resolve_region("  ").unwrap_err(), CorpusError::NoRegion);
    assert_eq!(
        resolve_region("新乡市教育局").unwrap_err().to_string(),
        "“新乡市教育局”不是地名：“新乡市”之后还有“教育局”；请只写地名或区划代码"
    );
}

#[test]
fn a_region_too_small_or_empty_is_refused() {
    let o = |reports: usize, region: &str| CorpusOptions {
        reports,
        region: Some(region.to_string()),
        ..CorpusOptions::default()
    };
    assert_eq!(o(160, "410724").validate(), Ok(()));
    let e = o(161, "410724").validate().unwrap_err();
    assert_eq!(
        e,
        CorpusError::RegionTooSmall {
            region: "410724 河南省 › 新乡市 › 获嘉县".into(),
            agencies: 40,
            years: 4,
            reports: 161
        }
    );
    assert_eq!(
        e.to_string(),
        "地区 410724 河南省 › 新乡市 › 获嘉县 只有 40 个机关，每个机关最多 4 个年度，最多生成 160 份报告，不够 161 份"
    );
    // 原种场, a farm: no government of its own.
    assert_eq!(
        o(1, "410724400").validate(),
        Err(CorpusError::EmptyRegion(
            "410724400 河南省 › 新乡市 › 获嘉县 › 原种场".into()
        ))
    );
    assert_eq!(
        o(1, "12345").validate(),
        Err(CorpusError::UnknownRegion("12345".into()))
    );
    // Refused before anything is written.
    let dir = std::env::temp_dir().join(format!("gongkai-region-small-{}", std::process::id()));
    let err = write_corpus(&dir, &o(161, "410724")).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), e.to_string());
    assert!(!dir.exists());
}
