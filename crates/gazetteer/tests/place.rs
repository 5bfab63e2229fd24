//! Agencies placed with context: the report's text and folders narrow a name that
//! several units carry, and only when they point at exactly one candidate.

use gongkai_gazetteer::{
    find_region, folder_hints, gazetteer, place_agency, BodyKind, Context, Gazetteer, Hint,
    PlaceStatus,
};
use gongkai_model::agency::Level;

fn g() -> &'static Gazetteer {
    gazetteer().unwrap()
}

fn with_text(text: &str) -> Context<'_> {
    Context {
        text: Some(text),
        hints: Vec::new(),
    }
}

#[test]
fn name_alone_stays_ambiguous_with_its_level() {
    let p = place_agency(g(), "鼓楼区人民政府", &Context::default());
    assert_eq!(p.status, PlaceStatus::Ambiguous);
    assert_eq!(p.candidates, ["320106", "320302", "350102", "410204"]);
    assert_eq!(p.code, None);
    assert_eq!(p.region, "");
    // Every 鼓楼区 is a 市辖区: the level is known though the unit is not.
    assert_eq!(p.level, Level::District);
    assert_eq!(p.body, BodyKind::Government);
    assert_eq!(p.qualified_name, None);
}

#[test]
fn the_place_written_whole_in_the_text_narrows() {
    let p = place_agency(
        g(),
        "鼓楼区人民政府",
        &with_text(
            "南京市鼓楼区2023年政府信息公开工作年度报告\n本报告由南京市鼓楼区人民政府办公室编制。",
        ),
    );
    assert_eq!(p.status, PlaceStatus::Resolved);
    assert_eq!(p.code.as_deref(), Some("320106"));
    assert_eq!(p.region, "江苏省南京市鼓楼区");
    assert_eq!(p.qualified_name.as_deref(), Some("南京市鼓楼区人民政府"));
    assert_eq!(
        p.evidence.last().unwrap(),
        "正文写出完整地名“南京市鼓楼区”：候选中只有 320106 江苏省 › 南京市 › 鼓楼区 相符"
    );
}

#[test]
fn a_parent_named_in_the_text_narrows() {
    let p = place_agency(
        g(),
        "鼓楼区教育局",
        &with_text("按照福州市政务公开工作要点，我局……"),
    );
    assert_eq!(p.code.as_deref(), Some("350102"));
    assert_eq!(p.body, BodyKind::Department);
    assert_eq!(p.level, Level::Department);
    assert_eq!(p.qualified_name.as_deref(), Some("福州市鼓楼区教育局"));
}

#[test]
fn two_parents_in_the_text_are_no_answer() {
    let p = place_agency(
        g(),
        "鼓楼区人民政府",
        &with_text("赴南京市学习，接待徐州市考察团。"),
    );
    assert_eq!(p.status, PlaceStatus::Ambiguous);
    assert_eq!(p.candidates.len(), 4);
    assert_eq!(
        p.evidence.last().unwrap(),
        "正文提到上级，但指向 2 个候选（320106、320302），不作猜测"
    );
}

#[test]
fn a_province_shared_by_two_candidates_does_not_narrow() {
    // 江苏省 holds both 南京's and 徐州's 鼓楼区.
    let p = place_agency(g(), "鼓楼区人民政府", &with_text("江苏省政务公开工作会议"));
    assert_eq!(p.status, PlaceStatus::Ambiguous);
    assert_eq!(p.evidence.last().unwrap(), "报告正文中没有能区分候选的地名");
}

#[test]
fn two_of_its_streets_in_the_text_narrow() {
    let text = "指导相国寺街道、州桥街道做好基层政务公开标准化工作。";
    let p = place_agency(g(), "鼓楼区人民政府", &with_text(text));
    assert_eq!(p.code.as_deref(), Some("410204"));
    // One street is not enough: street names repeat across the country.
    let p = place_agency(g(), "鼓楼区人民政府", &with_text("指导相国寺街道工作。"));
    assert_eq!(p.status, PlaceStatus::Ambiguous);
}

#[test]
fn folders_narrow_and_say_so() {
    let hints = folder_hints(g(), ["reports", "2023", "福建省福州市", "区县"]);
    assert_eq!(hints.len(), 1);
    let p = place_agency(g(), "鼓楼区人民政府", &Context { text: None, hints });
    assert_eq!(p.code.as_deref(), Some("350102"));
    assert!(p
        .evidence
        .last()
        .unwrap()
        .starts_with("文件所在文件夹“福建省福州市”"));
    // A hint that holds two candidates decides nothing.
    let jiangsu = find_region(g(), "江苏省").unwrap();
    let p = place_agency(
        g(),
        "鼓楼区人民政府",
        &Context {
            text: None,
            hints: vec![Hint {
                unit: jiangsu,
                why: "测试".into(),
            }],
        },
    );
    assert_eq!(p.status, PlaceStatus::Ambiguous);
}

#[test]
fn a_name_that_resolves_alone_ignores_the_text() {
    let p = place_agency(g(), "辉县市人民政府", &with_text("福州市 南京市"));
    assert_eq!(p.code.as_deref(), Some("410782"));
    assert_eq!(p.level, Level::County);
    assert_eq!(p.qualified_name, None);
}

#[test]
fn levels_follow_the_unit() {
    let cases = [
        ("河南省人民政府", Level::Province),
        ("新乡市人民政府", Level::City),
        ("辉县市人民政府", Level::County),
        ("洛阳市西工区人民政府", Level::District),
        ("获嘉县亢村镇人民政府", Level::Township),
        ("辉县市城关街道办事处", Level::Subdistrict),
        ("辉县市人民政府办公室", Level::Department),
        ("新乡市发展和改革委员会", Level::Department),
        ("国家税务总局辉县市税务局", Level::Department),
        ("火星市人民政府", Level::Unknown),
    ];
    for (name, level) in cases {
        assert_eq!(
            place_agency(g(), name, &Context::default()).level,
            level,
            "{name}"
        );
    }
}

#[test]
fn region_queries() {
    let code = |q: &str| find_region(g(), q).map(|id| g().unit(id).code);
    assert_eq!(code("河南"), Ok("41"));
    assert_eq!(code("河南省新乡市"), Ok("4107"));
    assert_eq!(code("4107"), Ok("4107"));
    assert_eq!(code("410700"), Ok("4107"));
    assert_eq!(code("辉县市"), Ok("410782"));
    assert_eq!(code("开封市鼓楼区"), Ok("410204"));
    assert!(code("鼓楼区")
        .unwrap_err()
        .starts_with("“鼓楼区”对应 4 个单位"));
    assert_eq!(
        code("新乡市教育局"),
        Err("“新乡市教育局”不是区划中的地名（“新乡市”之后无法识别）".into())
    );
    assert_eq!(code("999999"), Err("区划代码 999999 不存在".into()));
}
