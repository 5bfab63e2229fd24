//! Metadata from outside the text (`--agency`, `--year`, `--manifest`, `DIR/manifest.csv`)
//! through `check`, `parse`, `eval`, `ingest` and `export`. The web corpus in
//! `../shared/corpus-web` is read; a missing `../shared` fails these tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn web(file: &str) -> PathBuf {
    let p = root().join("../shared/corpus-web").join(file);
    assert!(
        p.exists(),
        "{} is missing (these tests read ../shared)",
        p.display()
    );
    p
}

fn seed(stem: &str) -> PathBuf {
    root().join("examples/seeds").join(format!("{stem}.txt"))
}

fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_DATABASE")
        .output()
        .expect("run gongkai")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gongkai-meta-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn check_json(args: &[&str]) -> Json {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let out = gongkai(&all);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Json = serde_json::from_slice(&out.stdout).expect("json");
    v[0].clone()
}

fn metadata_findings(v: &Json) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "uncertain-metadata")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

const PINGTAN: &str = "平潭综合实验区（管委会）";
const PINGTAN_URL: &str = "http://www.pingtan.gov.cn/";

#[test]
fn a_manifest_supplies_agency_year_and_url() {
    let body = web("pingtan_zone_2024-body.txt");
    let manifest = web("manifest.csv");
    let bare = check_json(&[s(&body)]);
    assert_eq!(bare["agency"], Json::Null);
    assert_eq!(bare["year"], Json::Null);
    assert_eq!(bare["url"], Json::Null);

    let v = check_json(&["--manifest", s(&manifest), s(&body)]);
    assert_eq!(v["agency"], PINGTAN);
    assert_eq!(v["year"], 2024);
    assert_eq!(v["url"], PINGTAN_URL);
    assert_eq!(metadata_findings(&v), Vec::<String>::new());

    // The human header names the URL.
    let out = gongkai(&[
        "check",
        "--color",
        "never",
        "--manifest",
        s(&manifest),
        s(&body),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "pingtan_zone_2024-body.txt：{PINGTAN} 2024年，2021年版格式（国办公开办函〔2021〕30号），部分未读\n  网址：{PINGTAN_URL}\n"
        )),
        "{text}"
    );

    // `parse`: the URL follows `source`; agency and year as given.
    let out = gongkai(&["parse", "--manifest", s(&manifest), s(&body)]);
    assert!(out.status.success());
    let p: Json = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = p
        .as_object()
        .unwrap()
        .keys()
        .take(4)
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["source", "url", "agency", "year"]);
    assert_eq!(p["url"], PINGTAN_URL);
    assert_eq!(p["agency"], PINGTAN);
    assert_eq!(p["year"], 2024);
}

#[test]
fn given_values_override_the_manifest() {
    let v = check_json(&[
        "--manifest",
        s(&web("manifest.csv")),
        "--agency",
        "平潭综合实验区党工委",
        "--year",
        "2023",
        s(&web("pingtan_zone_2024-body.txt")),
    ]);
    assert_eq!(v["agency"], "平潭综合实验区党工委");
    assert_eq!(v["year"], 2023);
    assert_eq!(v["url"], PINGTAN_URL);
}

#[test]
fn metadata_that_differs_from_the_text_wins_with_a_doubt() {
    let v = check_json(&[
        "--agency",
        "洛阳市瀍河回族区人民政府",
        "--year",
        "2022",
        s(&seed("000_bdef848fa1eb37a7")),
    ]);
    assert_eq!(v["agency"], "洛阳市瀍河回族区人民政府");
    assert_eq!(v["year"], 2022);
    assert_eq!(
        metadata_findings(&v),
        [
            "正文中的机关为“瀍河回族区人民政府办公室”，元数据给出的是“洛阳市瀍河回族区人民政府”，采用元数据的“洛阳市瀍河回族区人民政府”",
            "正文中的年度为2021年，元数据给出的是2022年，采用元数据的2022年",
        ]
    );
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "uncertain-metadata")
        .unwrap();
    assert_eq!(f["kind"], "extraction");
    // Placed where the text's own title was read (line 3 of the seed).
    assert_eq!(f["location"]["line"], 3);
    // The same values as the text's: nothing to doubt.
    let v = check_json(&[
        "--agency",
        "瀍河回族区人民政府办公室",
        "--year",
        "2021",
        s(&seed("000_bdef848fa1eb37a7")),
    ]);
    assert_eq!(metadata_findings(&v), Vec::<String>::new());
}

/// A bad manifest: every bad row with its line, exit 2, nothing read or written.
#[test]
fn a_bad_manifest_stops_every_command_before_reading() {
    let dir = temp("bad");
    let manifest = dir.join("m.csv");
    std::fs::write(
        &manifest,
        "\u{FEFF}file,agency,year,url\n000_bdef848fa1eb37a7.txt,甲,2021,\n,乙,2024,\nb.txt,丙,来年,www.b.cn\n",
    )
    .unwrap();
    let expected = format!(
        "gongkai: {}: 清单有 3 处错误，未读取任何报告：\n  第3行：file 列为空\n  第4行：年度“来年”不是 1990 到 2100 之间的整数\n  第4行：网址“www.b.cn”不是以 http:// 或 https:// 开头、不含空白的网址\n",
        manifest.display()
    );
    let db = dir.join("c.db");
    let seed = seed("000_bdef848fa1eb37a7");
    for args in [
        vec!["check", "--manifest", s(&manifest), s(&seed)],
        vec!["parse", "--manifest", s(&manifest), s(&seed)],
        vec![
            "eval",
            "--manifest",
            s(&manifest),
            s(&root().join("examples/seeds")),
        ],
        vec![
            "ingest",
            "--manifest",
            s(&manifest),
            "--database",
            s(&db),
            s(&seed),
        ],
    ] {
        let out = gongkai(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(!db.exists(), "ingest opened no database");
    let out = gongkai(&["check", "--manifest", s(&dir.join("none.csv")), s(&seed)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("none.csv: 无法读取清单"),
        "{out:?}"
    );
    // `--year` is a year.
    let out = gongkai(&["check", "--year", "20x4", s(&seed)]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// `eval DIR` reads `DIR/manifest.csv`: the body without a title gets its agency and year.
#[test]
fn eval_reads_the_folders_manifest() {
    let out = gongkai(&["eval", "--format", "json", s(&web(""))]);
    assert!(out.status.success(), "{out:?}");
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let docs = v["documents"].as_array().unwrap();
    let body = docs
        .iter()
        .find(|d| {
            d["file"]
                .as_str()
                .unwrap()
                .ends_with("pingtan_zone_2024-body.txt")
        })
        .unwrap();
    assert_eq!(body["score"]["agency_ok"], true);
    assert_eq!(body["score"]["year_ok"], true);
    // Every document of the folder has the right agency and year.
    assert_eq!(docs.len(), 5);
    for d in docs {
        assert_eq!(d["score"]["agency_ok"], true, "{}", d["file"]);
        assert_eq!(d["score"]["year_ok"], true, "{}", d["file"]);
    }
    // A bad manifest.csv in the folder stops the evaluation.
    let dir = temp("evaldir");
    std::fs::create_dir_all(dir.join("truth")).unwrap();
    std::fs::copy(web("pingtan_zone_2024-body.txt"), dir.join("a.txt")).unwrap();
    std::fs::copy(
        web("truth/pingtan_zone_2024-body.json"),
        dir.join("truth/a.json"),
    )
    .unwrap();
    std::fs::write(dir.join("manifest.csv"), "file,agency\na.txt,甲\n").unwrap();
    let out = gongkai(&["eval", s(&dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "gongkai: {}: 清单有 2 处错误，未读取任何报告：\n  第1行：表头缺少 year 列（表头应为 file,agency,year,url）\n  第1行：表头缺少 url 列（表头应为 file,agency,year,url）\n",
            dir.join("manifest.csv").display()
        )
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `ingest --manifest` stores the URL; the exports carry it.
#[test]
fn ingest_stores_the_url_and_exports_write_it() {
    let dir = temp("ingest");
    let db = dir.join("c.db");
    let out = gongkai(&[
        "ingest",
        "--manifest",
        s(&web("manifest.csv")),
        "--database",
        s(&db),
        "--format",
        "json",
        s(&web("pingtan_zone_2024-body.txt")),
        s(&web("pingtan_zone_2019-script.js")),
    ]);
    assert!(out.status.success(), "{out:?}");
    let jsonl = dir.join("out.jsonl");
    let out = gongkai(&["export", "--database", s(&db), "-o", s(&jsonl)]);
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<Json> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let body = lines
        .iter()
        .find(|l| l["year"] == 2024)
        .expect("the body, its year from the manifest");
    assert_eq!(body["url"], PINGTAN_URL);
    assert_eq!(body["agency"], PINGTAN);
    let script = lines.iter().find(|l| l["year"] == 2019).unwrap();
    assert_eq!(script["url"], Json::Null);
    let csv = dir.join("out.csv");
    let out = gongkai(&[
        "export",
        "--database",
        s(&db),
        "-o",
        s(&csv),
        "--english-headers",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rows = text.lines();
    assert_eq!(
        rows.next().unwrap(),
        "\u{FEFF}id,agency,region,level,year,version,source,url,table,row,row_label,column,column_label,value,blank,origin,reading"
    );
    assert!(
        rows.any(|r| r.contains(&format!("pingtan_zone_2024-body.txt,{PINGTAN_URL},"))),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
