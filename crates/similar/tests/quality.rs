//! Quality on fixed, realistic sections: copies of every kind score over the threshold,
//! unrelated sections of the same genre (sharing its stock phrases) well under it.

use gongkai_similar::{
    compare, estimate_jaccard, Fingerprint, LshIndex, NormalizedText, Options, Similarity,
};

/// 青山区人民政府办公室, 2023 report, 一、总体情况 (the original).
const A_2023: &str = "2023年，青山区人民政府办公室坚持以习近平新时代中国特色社会主义思想为指导，\
全面贯彻党的二十大精神，认真落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，\
紧紧围绕区委、区政府中心工作，不断提升政府信息公开工作质量。全年通过青山区人民政府门户网站主动公开\
政府信息1286条，其中政策文件42件、政策解读36篇、人事信息58条、财政资金信息113条。聚焦财政预决算、\
重大建设项目、公共资源配置、社会公益事业建设等重点领域，按照“谁制作、谁公开”的原则，及时准确发布相关\
信息。全年共受理政府信息公开申请27件，均在法定期限内依法答复，答复率100%。青山区人民政府办公室严格\
落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件，切实保障了\
人民群众的知情权、参与权和监督权。";

/// The 2024 report: the same text with every number updated (and re-wrapped, with
/// different punctuation in places, as a re-typed copy has).
const A_2024_NUMBERS: &str = "2024年，青山区人民政府办公室坚持以习近平新时代中国特色社会主义思想为指导，\
全面贯彻党的二十大精神,认真落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，\n\
紧紧围绕区委、区政府中心工作，不断提升政府信息公开工作质量。全年通过青山区人民政府门户网站主动公开\
政府信息1,391条，其中政策文件39件、政策解读41篇、人事信息63条、财政资金信息127条。聚焦财政预决算、\
重大建设项目、公共资源配置、社会公益事业建设等重点领域，按照\"谁制作、谁公开\"的原则，及时准确发布相关\
信息。全年共受理政府信息公开申请31件，均在法定期限内依法答复，答复率100%。青山区人民政府办公室严格\
落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件，切实保障了\
人民群众的知情权、参与权和监督权。";

/// The 2024 report: numbers updated and one sentence added.
const A_2024_ADDED: &str = "2024年，青山区人民政府办公室坚持以习近平新时代中国特色社会主义思想为指导，\
全面贯彻党的二十大精神，认真落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，\
紧紧围绕区委、区政府中心工作，不断提升政府信息公开工作质量。全年通过青山区人民政府门户网站主动公开\
政府信息1391条，其中政策文件39件、政策解读41篇、人事信息63条、财政资金信息127条。围绕优化营商环境，\
开设“惠企政策直通车”专栏，集中发布涉企政策文件及解读材料64件，推动惠企政策直达快享。聚焦财政预决算、\
重大建设项目、公共资源配置、社会公益事业建设等重点领域，按照“谁制作、谁公开”的原则，及时准确发布相关\
信息。全年共受理政府信息公开申请31件，均在法定期限内依法答复，答复率100%。青山区人民政府办公室严格\
落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件，切实保障了\
人民群众的知情权、参与权和监督权。";

/// The 2024 report: numbers updated and one sentence (重点领域) removed.
const A_2024_REMOVED: &str = "2024年，青山区人民政府办公室坚持以习近平新时代中国特色社会主义思想为指导，\
全面贯彻党的二十大精神，认真落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，\
紧紧围绕区委、区政府中心工作，不断提升政府信息公开工作质量。全年通过青山区人民政府门户网站主动公开\
政府信息1391条，其中政策文件39件、政策解读41篇、人事信息63条、财政资金信息127条。\
全年共受理政府信息公开申请31件，均在法定期限内依法答复，答复率100%。青山区人民政府办公室严格\
落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件，切实保障了\
人民群众的知情权、参与权和监督权。";

/// Another agency (a town) copying the district's report with its own name put in.
const B_RENAMED: &str = "2023年，石桥镇人民政府坚持以习近平新时代中国特色社会主义思想为指导，\
全面贯彻党的二十大精神，认真落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，\
紧紧围绕镇党委、镇政府中心工作，不断提升政府信息公开工作质量。全年通过石桥镇人民政府门户网站主动公开\
政府信息1286条，其中政策文件42件、政策解读36篇、人事信息58条、财政资金信息113条。聚焦财政预决算、\
重大建设项目、公共资源配置、社会公益事业建设等重点领域，按照“谁制作、谁公开”的原则，及时准确发布相关\
信息。全年共受理政府信息公开申请27件，均在法定期限内依法答复，答复率100%。石桥镇人民政府严格\
落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件，切实保障了\
人民群众的知情权、参与权和监督权。";

/// The 2024 report: numbers updated and lightly reworded — a word changed in nearly every
/// sentence (坚持→始终坚持, 认真落实→切实落实, 通过→依托, 切实保障→有效保障 …).
const A_2024_REWORDED: &str = "2024年，青山区人民政府办公室始终坚持以习近平新时代中国特色社会主义思想为指导，\
深入贯彻党的二十大精神，切实落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，\
紧紧围绕区委、区政府中心工作，持续提升政府信息公开工作质量。全年依托青山区人民政府门户网站主动公开\
政府信息1391条，其中政策文件39件、政策解读41篇、人事信息63条、财政资金信息127条。聚焦财政预决算、\
重大建设项目、公共资源配置、社会公益事业建设等重点领域，按照“谁制作、谁公开”的原则，及时全面发布相关\
信息。全年共受理政府信息公开申请31件，均在法定期限内予以答复，答复率100%。青山区人民政府办公室严格\
执行政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件，有效保障了\
人民群众的知情权、参与权和监督权。";

/// Unrelated: a county market-regulation bureau, same genre, same stock phrases.
const C_MARKET: &str = "2023年，县市场监督管理局在县委、县政府的坚强领导下，以习近平新时代中国特色社会主义思想为指导，\
深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，进一步加强政府信息公开工作。\
一是强化组织领导，成立由局主要负责同志任组长的政务公开工作领导小组，明确办公室为信息公开工作机构，配备\
专兼职工作人员3名。二是突出重点领域公开，及时公开食品安全抽检结果、双随机抽查结果、行政处罚决定等信息，\
全年主动公开行政处罚信息156条、抽检信息48批次。三是规范依申请公开办理，严格按照受理、登记、审核、答复等\
程序办理，全年收到政府信息公开申请5件，均按时予以答复，无行政复议和行政诉讼情况。四是加强监督保障，将\
政务公开工作纳入年度目标考核，开展业务培训2次，不断提升工作人员的业务能力。";

/// Unrelated: a city education bureau.
const D_EDUCATION: &str = "本年度，市教育局认真贯彻落实国务院办公厅、省政府办公厅关于全面推进政务公开工作\
的部署，围绕教育改革发展重点任务，扎实做好政府信息公开工作。主动公开方面，依托市教育局门户网站、“教育发布”\
微信公众号等平台，全年发布各类信息2130条，重点公开义务教育招生入学政策、学校收费标准、教育经费使用、教师\
招聘等群众关注的信息，及时回应社会关切。依申请公开方面，全年共收到政府信息公开申请19件，其中网络申请14件、\
信函申请5件，已全部办结，未出现逾期答复情况。政府信息管理方面，建立健全政府信息公开源头认定机制，对拟公开\
的信息严格进行保密审查，动态更新政府信息公开指南和目录。平台建设方面，持续推进门户网站集约化建设，优化栏目\
设置，提升网站可用性和易用性。";

/// Unrelated, but closest to A in wording: a district health commission using many of
/// the same stock sentences (保密审查, 先审查后公开, 知情权、参与权和监督权).
const E_HEALTH: &str = "2023年，区卫生健康委员会坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实\
《中华人民共和国政府信息公开条例》，按照区政府关于政务公开工作的安排，进一步加强主动公开、依申请公开和政府\
信息管理工作。全年通过区政府门户网站卫生健康专栏主动公开信息342条，涵盖医疗机构执业登记、公共卫生服务项目、\
疫苗接种、基层医疗卫生机构绩效考核等内容。全年受理依申请公开事项8件，均在法定期限内依法答复，未发生因政府\
信息公开引发的行政复议、行政诉讼。同时，进一步完善政府信息公开保密审查机制，坚持“先审查、后公开”，全年未\
发生泄密事件，切实保障了人民群众的知情权、参与权和监督权。";

const ALL: &[(&str, &str)] = &[
    ("A_2023", A_2023),
    ("A_2024_NUMBERS", A_2024_NUMBERS),
    ("A_2024_ADDED", A_2024_ADDED),
    ("A_2024_REMOVED", A_2024_REMOVED),
    ("A_2024_REWORDED", A_2024_REWORDED),
    ("B_RENAMED", B_RENAMED),
    ("C_MARKET", C_MARKET),
    ("D_EDUCATION", D_EDUCATION),
    ("E_HEALTH", E_HEALTH),
];

fn sim(a: &str, b: &str) -> Similarity {
    compare(a, b, &Options::default()).expect("long enough")
}

/// (shingles_a, shingles_b, shared), containment_a, containment_b, jaccard (4 decimals).
fn scores(s: &Similarity) -> ((usize, usize, usize), [String; 3]) {
    (
        (s.shingles_a, s.shingles_b, s.shared),
        [
            format!("{:.4}", s.containment_a),
            format!("{:.4}", s.containment_b),
            format!("{:.4}", s.jaccard),
        ],
    )
}

fn s4(a: &str, b: &str, c: &str) -> [String; 3] {
    [a.to_string(), b.to_string(), c.to_string()]
}

#[test]
fn normalized_lengths() {
    let lens: Vec<usize> = ALL
        .iter()
        .map(|(_, t)| NormalizedText::new(t).len())
        .collect();
    assert_eq!(lens, [313, 313, 359, 260, 315, 308, 311, 288, 255]);
}

#[test]
fn copy_with_numbers_changed_is_identical() {
    let s = sim(A_2024_NUMBERS, A_2023);
    assert_eq!(
        scores(&s),
        ((294, 294, 294), s4("1.0000", "1.0000", "1.0000"))
    );
    assert!(s.copied(Options::default().threshold));
    // One passage: everything from the first digit to the last word (the final 。 is
    // punctuation, not compared).
    assert_eq!(s.passages.len(), 1);
    let p = &s.passages[0];
    assert_eq!((p.a.clone(), p.b.clone(), p.chars), (0..1039, 0..1043, 313));
    assert_eq!(&A_2024_NUMBERS[p.a.end..], "。");
    assert_eq!(&A_2023[p.b.end..], "。");
}

#[test]
fn copy_with_a_sentence_added() {
    let s = sim(A_2024_ADDED, A_2023);
    assert_eq!(
        scores(&s),
        ((339, 294, 290), s4("0.8555", "0.9864", "0.8455"))
    );
    assert!(s.copied(0.7));
    let spans: Vec<_> = s
        .passages
        .iter()
        .map(|p| (p.a.clone(), p.b.clone(), p.chars))
        .collect();
    assert_eq!(
        spans,
        vec![(0..518, 0..518, 160), (676..1198, 521..1043, 153)]
    );
    // What lies between the passages is exactly the new sentence.
    assert_eq!(
        &A_2024_ADDED[spans[0].0.end..spans[1].0.start],
        "。围绕优化营商环境，开设“惠企政策直通车”专栏，集中发布涉企政策文件及解读材料64件，推动惠企政策直达快享。"
    );
    assert_eq!(s.passage_chars(), 313);
}

#[test]
fn copy_with_a_sentence_removed() {
    let s = sim(A_2024_REMOVED, A_2023);
    assert_eq!(
        scores(&s),
        ((241, 294, 237), s4("0.9834", "0.8061", "0.7953"))
    );
    assert!(s.copied(0.7));
    let spans: Vec<_> = s
        .passages
        .iter()
        .map(|p| (p.a.clone(), p.b.clone()))
        .collect();
    assert_eq!(spans, vec![(0..518, 0..518), (521..857, 707..1043)]);
    // In b, the gap is the sentence the copy dropped.
    assert!(A_2023[518..707].starts_with("。聚焦财政预决算"));
}

#[test]
fn copy_with_agency_name_replaced() {
    let s = sim(B_RENAMED, A_2023);
    assert_eq!(
        scores(&s),
        ((292, 294, 263), s4("0.9007", "0.8946", "0.8142"))
    );
    assert!(s.copied(0.7));
    let chars: Vec<usize> = s.passages.iter().map(|p| p.chars).collect();
    assert_eq!(chars, [72, 24, 129, 60]);
    // The gaps in `a` are the new name.
    let gaps: Vec<&str> = s
        .passages
        .windows(2)
        .map(|w| &B_RENAMED[w[0].a.end..w[1].a.start])
        .collect();
    assert_eq!(gaps, ["镇党委、镇", "石桥镇", "%。石桥镇人民政府"]);
    assert_eq!(
        &B_RENAMED[..s.passages[0].a.start],
        "2023年，石桥镇人民政府"
    );
}

#[test]
fn reworded_copy_and_the_shingle_length() {
    let s = sim(A_2024_REWORDED, A_2023);
    assert_eq!(
        scores(&s),
        ((296, 294, 242), s4("0.8176", "0.8231", "0.6954"))
    );
    assert!(s.copied(0.7));
    // Why 5 chars: every changed word costs about `shingle` shingles, so longer shingles
    // bring a lightly reworded copy down toward 0.7 (0.73 at 8; a little more rewording
    // and it is lost), and shorter ones bring unrelated sections of the genre up (0.44 at
    // 3). The gap between the two is about the same from 5 to 8; 5 keeps the copy
    // furthest over the threshold.
    let at = |k: usize, a: &str, b: &str| {
        let o = Options {
            shingle: k,
            ..Options::default()
        };
        format!("{:.2}", compare(a, b, &o).unwrap().containment_a)
    };
    let reworded: Vec<String> = [3, 4, 5, 6, 8]
        .iter()
        .map(|&k| at(k, A_2024_REWORDED, A_2023))
        .collect();
    let unrelated: Vec<String> = [3, 4, 5, 6, 8]
        .iter()
        .map(|&k| at(k, E_HEALTH, A_2023))
        .collect();
    assert_eq!(reworded, ["0.87", "0.84", "0.82", "0.79", "0.73"]);
    assert_eq!(unrelated, ["0.44", "0.37", "0.33", "0.29", "0.24"]);
}

#[test]
fn unrelated_sections_of_the_same_genre_are_well_under() {
    let opts = Options::default();
    let others = [A_2023, C_MARKET, D_EDUCATION, E_HEALTH];
    for (i, a) in others.iter().enumerate() {
        for (j, b) in others.iter().enumerate() {
            if i == j {
                continue;
            }
            let s = sim(a, b);
            assert!(!s.copied(opts.threshold), "{i} vs {j}: {s:?}");
            assert!(s.containment_a.max(s.containment_b) < 0.34, "{i} vs {j}");
        }
    }
    // The closest: a health commission using the same stock sentences as A.
    let s = sim(E_HEALTH, A_2023);
    assert_eq!(
        scores(&s),
        ((246, 294, 80), s4("0.3252", "0.2721", "0.1739"))
    );
    let common: Vec<&str> = s.passages.iter().map(|p| &E_HEALTH[p.a.clone()]).collect();
    assert_eq!(
        common,
        [
            "坚持以习近平新时代中国特色社会主义思想为指导",
            "全年未发生泄密事件，切实保障了人民群众的知情权、参与权和监督权"
        ]
    );
    let s = sim(C_MARKET, A_2023);
    assert_eq!(
        scores(&s),
        ((299, 294, 38), s4("0.1271", "0.1293", "0.0685"))
    );
    let s = sim(D_EDUCATION, A_2023);
    assert_eq!(
        scores(&s),
        ((278, 294, 13), s4("0.0468", "0.0442", "0.0233"))
    );
    assert!(s.passages.is_empty());
}

#[test]
fn containment_is_one_sided() {
    // The later section holds all of the earlier one plus a sentence: mostly copied
    // either way. But the shorter section inside the longer is "more copied".
    let s = sim(A_2024_REMOVED, A_2024_ADDED);
    assert_eq!(
        scores(&s),
        ((241, 339, 237), s4("0.9834", "0.6991", "0.6910"))
    );
    assert!(s.copied(0.7));
    let r = sim(A_2024_ADDED, A_2024_REMOVED);
    assert!(!r.copied(0.7));
    assert_eq!(r.containment_b, s.containment_a);
}

#[test]
fn passage_ranges_slice_to_equal_normalized_text() {
    let opts = Options::default();
    for (na, a) in ALL {
        for (nb, b) in ALL {
            let s = sim(a, b);
            let mut last_end = 0;
            for p in &s.passages {
                // Slicing would panic off a char boundary.
                let (ta, tb) = (&a[p.a.clone()], &b[p.b.clone()]);
                let (na_, nb_) = (NormalizedText::new(ta), NormalizedText::new(tb));
                assert_eq!(na_.to_string(), nb_.to_string(), "{na} vs {nb}");
                assert_eq!(na_.len(), p.chars);
                assert!(p.chars >= opts.min_passage);
                // Ordered and non-overlapping in `a`.
                assert!(p.a.start >= last_end);
                last_end = p.a.end;
            }
        }
    }
}

#[test]
fn fingerprints_agree_with_compare() {
    let opts = Options::default();
    let fps: Vec<Fingerprint> = ALL
        .iter()
        .map(|(_, t)| Fingerprint::new(t, &opts).unwrap())
        .collect();
    for (i, (_, a)) in ALL.iter().enumerate() {
        for (j, (_, b)) in ALL.iter().enumerate() {
            let s = sim(a, b);
            assert_eq!(fps[i].shingle_count(), s.shingles_a);
            assert_eq!(fps[i].shared(&fps[j]), s.shared);
            assert_eq!(fps[i].containment_in(&fps[j]), s.containment_a);
            assert_eq!(fps[i].jaccard(&fps[j]), s.jaccard);
            // MinHash estimate within 3 standard errors (0.044 at worst for 128 hashes).
            let est = estimate_jaccard(fps[i].signature(), fps[j].signature());
            assert!(
                (est - s.jaccard).abs() <= 0.13,
                "{i} {j}: {est} vs {}",
                s.jaccard
            );
        }
    }
}

#[test]
fn lsh_finds_the_copies_and_nothing_else() {
    let opts = Options::default();
    let mut index = LshIndex::new(&opts);
    for (id, (_, t)) in ALL.iter().enumerate() {
        index.insert(id as u64, Fingerprint::new(t, &opts).unwrap().signature());
    }
    // The six versions of A's text (ids 0–5) pair up; C, D, E pair with nothing.
    let expected: Vec<(u64, u64)> = (0..6)
        .flat_map(|a| (a + 1..6).map(move |b| (a, b)))
        .collect();
    assert_eq!(index.pairs(), expected);
    let e = Fingerprint::new(E_HEALTH, &opts).unwrap();
    assert_eq!(index.candidates(e.signature()), vec![8]);
}

#[test]
fn short_sections_are_never_compared() {
    let opts = Options::default();
    let fee = "依据《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）\
        规定的按件、按量收费标准，本年度没有产生信息公开处理费。";
    assert!(NormalizedText::new(fee).len() < opts.min_chars);
    assert_eq!(compare(fee, fee, &opts), None);
    assert_eq!(compare(A_2023, "无", &opts), None);
    assert_eq!(Fingerprint::new(fee, &opts), None);
}
