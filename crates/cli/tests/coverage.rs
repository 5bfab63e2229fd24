//! `gongkai coverage` and `--region` by name or code, end to end on the bundled seeds:
//! 瀍河回族区人民政府办公室 and 西工区城市改造办公室 (洛阳市, 2021), 涧西区人民政府办公室
//! (洛阳市, 2022), 清河县人民政府办公室 (邢台市, 2021), 辉县市人民政府 (新乡市, 2021).

use std::path::PathBuf;
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};
use serde_json::Value as Json;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_DATABASE")
        .output()
        .expect("run gongkai")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gongkai-coverage-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A database of the five seeds.
fn seeded(dir: &std::path::Path) -> String {
    let db = dir.join("c.db").display().to_string();
    let seeds = root().join("examples/seeds");
    let out = run(&["ingest", seeds.to_str().unwrap(), "--database", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

fn body<'a>(v: &'a Json, name: &str) -> &'a Json {
    v["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed"))
}

#[test]
fn coverage_of_a_city_by_name_and_by_code() {
    let dir = temp("city");
    let db = seeded(&dir);
    let out = run(&[
        "coverage",
        "--region",
        "洛阳市",
        "--year",
        "2021",
        "--format",
        "json",
        "--database",
        &db,
    ]);
    // Something is missing: exit 1, with the report on stdout.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["code"].as_str(), v["region"].as_str()),
        (Some("4103"), Some("河南省洛阳市"))
    );
    let office = body(&v, "洛阳市瀍河回族区人民政府办公室");
    assert_eq!(
        (
            office["code"].as_str(),
            office["status"].as_str(),
            office["agency"].as_str(),
            office["deadline"].as_str(),
            office["basis"].as_str()
        ),
        (
            Some("410304"),
            Some("present"),
            Some("瀍河回族区人民政府办公室"),
            Some("2022-01-31"),
            Some("gazetteer")
        )
    );
    // A department is expected because the corpus has seen it.
    let department = body(&v, "西工区城市改造办公室");
    assert_eq!(
        (department["basis"].as_str(), department["status"].as_str()),
        (Some("corpus"), Some("present"))
    );
    // 涧西区's office published for 2022, not 2021.
    assert_eq!(
        body(&v, "洛阳市涧西区人民政府办公室")["status"].as_str(),
        Some("missing")
    );
    let counts = &v["counts"];
    assert_eq!(
        (counts["present"].as_u64(), counts["late"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(
        counts["expected"].as_u64().unwrap(),
        counts["present"].as_u64().unwrap() + counts["missing"].as_u64().unwrap()
    );

    // The same by code, and by a code padded to six digits.
    for region in ["4103", "410300"] {
        let out = run(&[
            "coverage",
            "--region",
            region,
            "--year",
            "2021",
            "--format",
            "json",
            "--database",
            &db,
        ]);
        let w: Json = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(w, v, "{region}");
    }

    // --gaps lists only what is missing or late; CSV opens in Excel (BOM, header).
    let out = run(&[
        "coverage",
        "--region",
        "洛阳市",
        "--year",
        "2021",
        "--format",
        "csv",
        "--gaps",
        "--database",
        &db,
    ]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("\u{feff}名称,区划代码,地区,机构类别,应报依据,状态,"));
    assert_eq!(
        csv.lines().count() as u64,
        1 + counts["missing"].as_u64().unwrap()
    );
    assert!(csv.contains(
        "\n洛阳市涧西区人民政府办公室,410305,河南省洛阳市涧西区,政府办公室,区划,未发现,"
    ));
    assert!(!csv.contains("瀍河回族区人民政府办公室,410304"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_ambiguous_or_unknown_region_is_refused_with_its_candidates() {
    let dir = temp("ambiguous");
    let db = seeded(&dir);
    let out = run(&[
        "coverage",
        "--region",
        "鼓楼区",
        "--year",
        "2021",
        "--database",
        &db,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "gongkai: --region：“鼓楼区”对应 4 个单位，请写明上级或用区划代码：\
320106 江苏省南京市鼓楼区；320302 江苏省徐州市鼓楼区；350102 福建省福州市鼓楼区；410204 河南省开封市鼓楼区\n"
    );
    let out = run(&["summary", "--region", "火星市", "--database", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "gongkai: --region：“火星市”不是区划中的地名\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn region_filters_take_names_and_codes_at_any_level() {
    let dir = temp("filters");
    let db = seeded(&dir);
    let agencies_in = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["summary", "--format", "json", "--database", &db];
        all.extend_from_slice(args);
        let out = run(&all);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: Json = serde_json::from_slice(&out.stdout).unwrap();
        v["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["agency"].as_str().unwrap().to_string())
            .collect()
    };
    let luoyang = [
        "涧西区人民政府办公室",
        "瀍河回族区人民政府办公室",
        "西工区城市改造办公室",
    ];
    assert_eq!(agencies_in(&["--region", "洛阳市"]), luoyang);
    assert_eq!(agencies_in(&["--region", "4103"]), luoyang);
    assert_eq!(agencies_in(&["--region", "河南"]).len(), 4);
    assert_eq!(
        agencies_in(&["--region", "西工区"]),
        ["西工区城市改造办公室"]
    );
    assert_eq!(
        agencies_in(&["--region", "130534"]),
        ["清河县人民政府办公室"]
    );
    assert_eq!(agencies_in(&[]).len(), 5);

    // consolidate: the region's reports of a year summed.
    let out = run(&[
        "consolidate",
        "--region",
        "洛阳市",
        "--year",
        "2021",
        "--format",
        "json",
        "--database",
        &db,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["consolidation"]["inputs"].as_array().unwrap().len(), 2);

    // export: the region's reports, and with a year the coverage sheet.
    let xlsx = dir.join("luoyang.xlsx");
    let out = run(&[
        "export",
        "-o",
        xlsx.to_str().unwrap(),
        "--region",
        "洛阳市",
        "--year",
        "2021",
        "--database",
        &db,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(
        book.sheet_names().last().map(String::as_str),
        Some("覆盖情况")
    );
    let sheet = book.worksheet_range("覆盖情况").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0][..6],
        ["名称", "区划代码", "地区", "机构类别", "应报依据", "状态"]
    );
    let office = rows
        .iter()
        .find(|r| r[0] == "洛阳市瀍河回族区人民政府办公室")
        .unwrap();
    assert_eq!(
        office[1..6],
        [
            "410304",
            "河南省洛阳市瀍河回族区",
            "政府办公室",
            "区划",
            "已发布"
        ]
    );
    let reports = book.worksheet_range("报告").unwrap();
    assert_eq!(
        reports.height(),
        1 + 2,
        "the header and 洛阳's two 2021 reports"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn agencies_say_where_each_is_and_why() {
    let dir = temp("agencies");
    let db = seeded(&dir);
    let out = run(&["agencies", "--format", "json", "--database", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let huixian = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == "辉县市人民政府")
        .unwrap();
    assert_eq!(
        (
            huixian["code"].as_str(),
            huixian["region"].as_str(),
            huixian["level"].as_str(),
            huixian["kind"].as_str(),
            huixian["status"].as_str(),
            huixian["placement"].as_str()
        ),
        (
            Some("410782"),
            Some("河南省新乡市辉县市"),
            Some("县"),
            Some("人民政府"),
            Some("resolved"),
            Some("gazetteer")
        )
    );
    assert!(!huixian["evidence"].as_array().unwrap().is_empty());
    // Nothing unplaced among the seeds.
    let out = run(&["agencies", "--unplaced", "--database", &db]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "共 0 个机关：已定位 0，有歧义 0，未定位 0\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A synthetic province: every township government that published is present, and
/// every other one is listed missing by name and code.
#[test]
fn coverage_of_a_synthetic_province_lists_every_missing_township() {
    let dir = temp("province");
    let corpus = dir.join("corpus");
    let db = dir.join("c.db").display().to_string();
    let c = corpus.to_str().unwrap();
    let out = run(&[
        "synth",
        "160",
        c,
        "--region",
        "宁夏回族自治区",
        "--seed",
        "5",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["ingest", c, "--database", &db, "--no-progress"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // What synth published, by unit code and year (the answer key records the unit).
    let key = std::fs::read_to_string(corpus.join("answer-key.jsonl")).unwrap();
    let published: Vec<(String, String, i64)> = key
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .map(|v| {
            (
                v["agency"].as_str().unwrap().to_string(),
                v["region_code"].as_str().unwrap().to_string(),
                v["year"].as_i64().unwrap(),
            )
        })
        .collect();
    let year = 2022;
    let out = run(&[
        "coverage",
        "--region",
        "宁夏回族自治区",
        "--year",
        "2022",
        "--format",
        "json",
        "--database",
        &db,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let townships: Vec<&Json> = v["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "乡镇/街道" && b["basis"] == "gazetteer")
        .collect();
    assert_eq!(townships.len(), 243, "宁夏's 乡, 镇 and 街道");
    let mut present = 0;
    for t in &townships {
        let code = t["code"].as_str().unwrap();
        // A township's own government published that year (its 人民政府 or 办事处).
        let published_here = published.iter().any(|(agency, c, y)| {
            c == code && *y == year && (agency.ends_with("人民政府") || agency.ends_with("办事处"))
        });
        let status = t["status"].as_str().unwrap();
        assert_eq!(
            status,
            if published_here { "present" } else { "missing" },
            "{} {code}",
            t["name"]
        );
        assert_eq!(code.len(), 9, "{}", t["name"]);
        assert!(!t["name"].as_str().unwrap().is_empty());
        present += usize::from(published_here);
    }
    assert!(present > 0, "the corpus has township reports for {year}");
    // Nothing is left unplaced: every synthetic agency is a real place.
    assert_eq!(v["unplaced"].as_array().unwrap().len(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
