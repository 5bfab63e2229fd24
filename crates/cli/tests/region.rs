//! `gongkai region`: the named examples, exit statuses and JSON keys.

use std::process::{Command, Output};

use serde_json::Value;

fn region(args: &[&str]) -> (i32, Output) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("region")
        .args(args)
        .output()
        .expect("run gongkai");
    (out.status.code().expect("exit code"), out)
}

fn region_json(query: &str) -> (i32, Value) {
    let (code, out) = region(&[query, "--format", "json"]);
    (code, serde_json::from_slice(&out.stdout).expect("json"))
}

fn path_names(v: &Value) -> Vec<&str> {
    v["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

#[test]
fn county_level_city_government() {
    let (code, v) = region_json("辉县市人民政府");
    assert_eq!(code, 0);
    assert_eq!(v["code"], "410782");
    assert_eq!(path_names(&v), ["河南省", "新乡市", "辉县市"]);
    assert_eq!(v["kind"], "人民政府");
    assert_eq!(v["unit_kind"], "县级市");
    assert_eq!(v["candidates"], Value::Array(vec![]));
    assert_eq!(
        v["evidence"][0],
        "“辉县市”：410782 河南省 › 新乡市 › 辉县市"
    );
    assert_eq!(v["children"][0]["code"], "410782001");
}

#[test]
fn ethnic_district_office() {
    let (code, v) = region_json("瀍河回族区人民政府办公室");
    assert_eq!(code, 0);
    assert_eq!(v["code"], "410304");
    assert_eq!(path_names(&v), ["河南省", "洛阳市", "瀍河回族区"]);
    assert_eq!(v["kind"], "政府办公室");
}

#[test]
fn same_district_name_is_ambiguous() {
    let (code, v) = region_json("鼓楼区人民政府");
    assert_eq!(code, 1);
    assert_eq!(v["code"], Value::Null);
    let codes: Vec<&str> = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["320106", "320302", "350102", "410204"]);
    let (code, v) = region_json("开封市鼓楼区人民政府");
    assert_eq!(code, 0);
    assert_eq!(v["code"], "410204");
}

#[test]
fn code_lookup_and_misses() {
    let (code, v) = region_json("11");
    assert_eq!(code, 0);
    assert_eq!(v["name"], "北京市");
    assert_eq!(v["children"][0]["name"], "东城区");
    assert_eq!(v["children"].as_array().unwrap().len(), 16);
    let (code, v) = region_json("410700");
    assert_eq!(code, 0);
    assert_eq!(v["name"], "新乡市");
    let (code, _) = region_json("999999");
    assert_eq!(code, 2);
    let (code, v) = region_json("教育局");
    assert_eq!(code, 2);
    assert_eq!(v["status"], "unresolved");
    assert_eq!(v["kind"], "部门");
}

#[test]
fn human_output_caps_children() {
    let (code, out) = region(&["河南省"]);
    assert_eq!(code, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  单位：41 河南省（省，省级）\n"), "{text}");
    // 17 prefectures and 济源市 directly under the province: 18 children, all shown.
    assert!(text.contains("  下级（18 个）：\n"), "{text}");
    assert!(!text.contains("另有"), "{text}");
    // 22 townships: 20 shown.
    let (_, out) = region(&["辉县市"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  下级（22 个）：\n"), "{text}");
    assert!(
        text.contains("    …另有 2 个，用 --format json 查看全部\n"),
        "{text}"
    );
    let (code, out) = region(&["  "]);
    assert_eq!(code, 2);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "请给出地名、机关名称或区划代码\n"
    );
}

#[test]
fn former_units() {
    let (code, v) = region_json("永年县人民政府");
    assert_eq!(code, 0);
    assert_eq!(v["code"], "130408");
    assert_eq!(
        v["evidence"][0],
        "“永年县”（旧称，130429 改设）：130408 河北省 › 邯郸市 › 永年区"
    );
    let (code, v) = region_json("130429");
    assert_eq!(code, 0);
    assert_eq!(v["name"], "永年区");
    let (code, v) = region_json("130421");
    assert_eq!(code, 2);
    assert_eq!(
        v["evidence"][0],
        "区划代码 130421 是已撤销的邯郸县，现行区划中没有确定的继承单位"
    );
}
