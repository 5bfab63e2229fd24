//! The corpus pages and their API: coverage (matrix, region tree, who must report),
//! agency history, compare, consolidate, metrics, rules and the exports — on the
//! bundled examples and a few reports placed in 辉县市, each answer checked against
//! the library's own, and every read refused or filtered out of scope.

mod common;

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use common::{examples, Session, TestApp};
use gongkai_corpus::ingest::new_report;
use gongkai_corpus::IngestOptions;
use gongkai_model::access::{Role, Scope};
use gongkai_model::{Located, Report};
use gongkai_store::{Filter, Ingested};
use serde_json::{json, Value};

/// Seed 000's tables under another agency and year.
fn seeded(agency: &str, year: i32, published: Option<&str>) -> Report {
    let path = examples().join("seeds/000_bdef848fa1eb37a7.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut r = gongkai_parse::parse_text("000.txt", text).unwrap().report;
    r.agency = Some(Located::new(agency.to_string(), None));
    r.year = Some(Located::new(year, None));
    r.published = published.map(str::to_string);
    r
}

/// The examples (5 agencies: 清河县 2021, 瀍河回族区 2021, 西工区 2021, 涧西区 2022,
/// 辉县市人民政府 2021) and, placed in 辉县市: its government for 2023 (2022 missing),
/// its office for 2023 published late, its education bureau for 2022 only.
struct Corpus {
    t: TestApp,
    admin: Session,
    /// A reviewer scoped to 新乡市 (4107).
    xinxiang: Session,
    viewer: Session,
    /// Agency staff of 辉县市人民政府.
    staff: Session,
}

impl Corpus {
    async fn new() -> Corpus {
        let t = TestApp::new();
        t.ingest(&[examples()]);
        let opts = IngestOptions::default();
        let placed = [
            ("辉县市人民政府", 2023, None),
            ("辉县市人民政府办公室", 2023, Some("2024-02-15")),
            ("辉县市教育局", 2022, None),
        ];
        let files = placed
            .iter()
            .enumerate()
            .map(|(i, (agency, year, published))| Ingested {
                path: format!("placed/{i}.txt"),
                hash: format!("placed-{i}"),
                size: 1,
                outcome: Ok(new_report(
                    seeded(agency, *year, *published),
                    Vec::new(),
                    &opts,
                )),
            })
            .collect();
        t.state.db.connect().unwrap().write(files).unwrap();
        t.add_user("管理员", Role::Admin, Scope::Everywhere);
        t.add_user(
            "新乡审核员",
            Role::Reviewer,
            Scope::Regions(vec!["4107".into()]),
        );
        t.add_user("查看员", Role::Viewer, Scope::Everywhere);
        let huixian = Corpus::agency_id_in(&t, "辉县市人民政府");
        t.add_user("辉县机关人员", Role::AgencyStaff, Scope::Agency(huixian));
        Corpus {
            admin: t.login("管理员").await,
            xinxiang: t.login("新乡审核员").await,
            viewer: t.login("查看员").await,
            staff: t.login("辉县机关人员").await,
            t,
        }
    }

    fn agency_id_in(t: &TestApp, name: &str) -> i64 {
        t.agency_id(name)
    }

    fn agency_id(&self, name: &str) -> i64 {
        Corpus::agency_id_in(&self.t, name)
    }

    fn report_id(&self, agency: &str, year: i32) -> i64 {
        let mut store = self.t.state.db.connect().unwrap();
        let rows = store
            .reports(&Filter {
                year: Some(year),
                ..Filter::default()
            })
            .unwrap();
        rows.into_iter()
            .find(|r| r.agency.as_deref() == Some(agency))
            .unwrap_or_else(|| panic!("no report of {agency} {year}"))
            .id
    }

    async fn json(&self, path: &str, s: &Session) -> Value {
        let a = self.t.get(path, Some(s)).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text());
        a.json()
    }

    /// The status and error code of a refused request.
    async fn refused(&self, path: &str, s: &Session) -> (u16, String) {
        let a = self.t.get(path, Some(s)).await;
        let code = if a.status.is_success() {
            String::new()
        } else {
            a.json()["error"]["code"].as_str().unwrap_or("").to_string()
        };
        (a.status.as_u16(), code)
    }
}

/// `value` as the API writes it: serialised, then read back as the test reads the
/// answer (serde_json reads some floats one unit in the last place off; both sides
/// go through the same text).
fn as_json(value: &impl serde::Serialize) -> Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

/// A child of the tree by its unit code: (agencies, reports, with_gaps).
fn child(v: &Value, code: &str) -> (u64, u64, u64) {
    let c = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region"]["code"] == code)
        .unwrap_or_else(|| panic!("no child {code}"));
    counts(&c["counts"])
}

fn counts(c: &Value) -> (u64, u64, u64) {
    (
        c["agencies"].as_u64().unwrap(),
        c["reports"].as_u64().unwrap(),
        c["with_gaps"].as_u64().unwrap(),
    )
}

/// The matrix as (agency, marks).
fn matrix(v: &Value) -> Vec<(String, Vec<String>)> {
    v["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["agency"].as_str().unwrap().to_string(),
                r["marks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn coverage_matrix_tree_and_scope() {
    let c = Corpus::new().await;
    // The whole corpus: 7 agencies, 8 current reports, 2021–2023; six have a year
    // missing after their first report (辉县市人民政府办公室, first in 2023, has none).
    let v = c.json("/api/coverage", &c.admin).await;
    assert_eq!(v["years"], json!([2021, 2022, 2023]));
    assert_eq!(counts(&v["totals"]), (7, 8, 6));
    // The top of the tree is the provinces: 河北 holds 清河县, 河南 the rest.
    assert_eq!(child(&v, "13"), (1, 1, 1));
    assert_eq!(child(&v, "41"), (6, 7, 5));
    let others: u64 = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["region"]["code"] != "13" && c["region"]["code"] != "41")
        .map(|c| c["counts"]["agencies"].as_u64().unwrap())
        .sum();
    assert_eq!(others, 0);
    let rows = matrix(&v);
    let marks = |agency: &str| {
        rows.iter()
            .find(|(a, _)| a == agency)
            .map(|(_, m)| m.join(" "))
            .unwrap()
    };
    assert_eq!(marks("辉县市人民政府"), "present missing present");
    assert_eq!(marks("涧西区人民政府办公室"), "before present missing");
    assert_eq!(marks("辉县市人民政府办公室"), "before before present");
    assert_eq!(marks("清河县人民政府办公室"), "present missing missing");

    // 河南 → 洛阳 (three districts' offices) and 新乡 (all in 辉县市).
    let v = c.json("/api/coverage?region=41", &c.admin).await;
    assert_eq!(child(&v, "4103"), (3, 3, 3));
    assert_eq!(child(&v, "4107"), (3, 4, 2));
    assert_eq!(v["children"][0]["kind"], "own");
    assert_eq!(counts(&v["children"][0]["counts"]), (0, 0, 0));
    let v = c.json("/api/coverage?region=洛阳市", &c.admin).await;
    assert_eq!(v["region"]["code"], "4103");
    assert_eq!(child(&v, "410303"), (1, 1, 1));
    assert_eq!(child(&v, "410304"), (1, 1, 1));
    assert_eq!(child(&v, "410305"), (1, 1, 1));
    let trail: Vec<&str> = v["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["region"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(trail, ["河南省", "洛阳市"]);

    // The reviewer of 新乡市 sees 新乡市 only: at the top, its one unit.
    let v = c.json("/api/coverage", &c.xinxiang).await;
    assert_eq!(v["children"].as_array().unwrap().len(), 1);
    assert_eq!(child(&v, "4107"), (3, 4, 2));
    assert_eq!(counts(&v["totals"]), (3, 4, 2));
    assert_eq!(
        matrix(&v),
        vec![
            (
                "辉县市人民政府".to_string(),
                vec!["present".into(), "missing".into(), "present".into()]
            ),
            (
                "辉县市人民政府办公室".to_string(),
                vec!["before".into(), "before".into(), "present".into()]
            ),
            (
                "辉县市教育局".to_string(),
                vec!["before".into(), "present".into(), "missing".into()]
            ),
        ]
    );
    // Only agencies with a missing year.
    let v = c.json("/api/coverage?gaps=1", &c.xinxiang).await;
    assert_eq!(v["paging"]["total"], 2);
    // Above its scope, or another province: refused; its own county: shown, with the
    // trail up to 河南省 closed.
    assert_eq!(
        c.refused("/api/coverage?region=41", &c.xinxiang).await,
        (403, "forbidden_scope".into())
    );
    assert_eq!(
        c.refused("/api/coverage?region=130534", &c.xinxiang).await,
        (403, "forbidden_scope".into())
    );
    let v = c.json("/api/coverage?region=410782", &c.xinxiang).await;
    let open: Vec<bool> = v["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["open"].as_bool().unwrap())
        .collect();
    assert_eq!(open, [false, true, true]);
    // Agency staff never see coverage.
    assert_eq!(
        c.refused("/api/coverage", &c.staff).await,
        (403, "forbidden_role".into())
    );
    // Bad input: a Chinese message, not a panic.
    let a = c.t.get("/api/coverage?region=鼓楼区", Some(&c.admin)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("地区：“鼓楼区”对应 4 个单位"),
        "{}",
        a.text()
    );
    let a =
        c.t.get("/api/coverage?region=4107&year=前年", Some(&c.admin))
            .await;
    assert_eq!(a.json()["error"]["message"], "年度应为整数：“前年”");

    // The page: the missing years in red (辉县市人民政府 2022, 辉县市教育局 2023).
    let a = c.t.get("/coverage?region=4107", Some(&c.xinxiang)).await;
    assert_eq!(a.status, StatusCode::OK);
    let html = a.text();
    assert_eq!(html.matches(r#"class="year missing""#).count(), 2, "{html}");
    assert!(html.contains(r#"<td class="year missing" title="2022 年度缺报告">缺</td>"#));
    assert!(html.contains(r#"<a href="/coverage?region=410782">辉县市</a>"#));
    let a = c.t.get("/coverage?region=41", Some(&c.xinxiang)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.text().contains("不在您的负责范围内"));
}

#[tokio::test]
async fn who_must_report_is_the_library_s_answer() {
    let c = Corpus::new().await;
    let v = c
        .json("/api/coverage?region=410782&year=2023", &c.xinxiang)
        .await;
    let e = &v["expected"];
    // 辉县市: its government and office, 22 townships, and the education bureau the
    // corpus has seen.
    assert_eq!(
        (&e["expected"], &e["present"], &e["late"], &e["missing"]),
        (&json!(25), &json!(1), &json!(1), &json!(23))
    );
    let mut store = c.t.state.db.connect().unwrap();
    let g = gongkai_gazetteer::gazetteer().unwrap();
    let lib = gongkai_corpus::coverage::coverage(&mut store, g, g.by_code("410782").unwrap(), 2023)
        .unwrap();
    assert_eq!(e["coverage"], as_json(&lib));
    let office = e["coverage"]["expected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "辉县市人民政府办公室")
        .unwrap();
    assert_eq!(office["status"], "late");
    assert_eq!(office["note"], "发布日期 2024-02-15 晚于期限 2024-01-31");
    assert_eq!(
        office["report_id"],
        c.report_id("辉县市人民政府办公室", 2023)
    );
    let bureau = e["coverage"]["expected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "辉县市教育局")
        .unwrap();
    assert_eq!(
        (&bureau["status"], &bureau["basis"]),
        (&json!("missing"), &json!("corpus"))
    );

    // The page lists them, the late one and the missing ones marked.
    let a =
        c.t.get(
            "/coverage?region=410782&year=2023&gaps=1",
            Some(&c.xinxiang),
        )
        .await;
    let html = a.text();
    assert_eq!(html.matches(r#"<tr class="missing">"#).count(), 23);
    assert_eq!(html.matches(r#"<tr class="late">"#).count(), 1);
    assert!(html.contains("发布日期 2024-02-15 晚于期限 2024-01-31"));
}

#[tokio::test]
async fn agency_history_with_charts() {
    let c = Corpus::new().await;
    let id = c.agency_id("辉县市人民政府");
    let v = c.json(&format!("/api/agencies/{id}"), &c.xinxiang).await;
    assert_eq!(v["agency"]["region_code"], "410782");
    assert_eq!(v["years"], json!([2021, 2022, 2023]));
    let (r2021, r2023) = (
        c.report_id("辉县市人民政府", 2021),
        c.report_id("辉县市人民政府", 2023),
    );
    let ids: Vec<i64> = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["report_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [r2021, r2023]);
    // 2023's previous year (2022) has no report: nothing to compare with.
    assert_eq!(v["reports"][1]["previous"], Value::Null);
    // Figures over the years: the stored metrics, and no value (not 0) for 2022.
    let mut store = c.t.state.db.connect().unwrap();
    let stored = store.metrics_of(Some(&[r2021, r2023])).unwrap();
    let received = |id: i64| stored.iter().find(|m| m.report_id == id).unwrap().values["received"];
    let figure = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "received")
        .unwrap();
    assert_eq!(
        figure["values"],
        json!([received(r2021), Value::Null, received(r2023)])
    );
    // Findings counted per report as stored.
    let mut own = |id: i64| {
        store
            .findings(Some(&[id]))
            .unwrap()
            .iter()
            .filter(|f| !f.corpus)
            .count() as i64
    };
    assert_eq!(v["findings_by_year"][0]["report"], own(r2021));
    assert_eq!(v["findings_by_year"][1]["report"], Value::Null);
    assert_eq!(v["findings_by_year"][2]["report"], own(r2023));
    let tally = &v["reports"][0]["findings"];
    assert_eq!(
        tally["error"].as_i64().unwrap()
            + tally["warning"].as_i64().unwrap()
            + tally["info"].as_i64().unwrap(),
        own(r2021)
    );

    // The page: four charts drawn by the server, 2022 said to have no data, links to
    // each report.
    let html =
        c.t.get(&format!("/agencies/{id}"), Some(&c.staff))
            .await
            .text();
    assert_eq!(html.matches("<svg class=\"chart").count(), 4, "{html}");
    assert!(html.contains("无数据"));
    assert!(html.contains(&format!(r#"<a href="/reports/{r2021}">#{r2021}</a>"#)));

    // Out of scope: 清河县 for the 新乡 reviewer, the education bureau for the
    // government's staff; an unknown agency is 404.
    let qinghe = c.agency_id("清河县人民政府办公室");
    assert_eq!(
        c.refused(&format!("/api/agencies/{qinghe}"), &c.xinxiang)
            .await,
        (403, "forbidden_scope".into())
    );
    let bureau = c.agency_id("辉县市教育局");
    assert_eq!(
        c.refused(&format!("/api/agencies/{bureau}"), &c.staff)
            .await,
        (403, "forbidden_scope".into())
    );
    assert_eq!(
        c.refused("/api/agencies/999999", &c.admin).await,
        (404, "not_found".into())
    );
    let a = c.t.get("/agencies/abc", Some(&c.admin)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("机关编号应为整数"));
}

#[tokio::test]
async fn compare_and_consolidate_are_the_library_s_numbers() {
    let c = Corpus::new().await;
    let (a, b) = (
        c.report_id("辉县市人民政府", 2021),
        c.report_id("辉县市人民政府", 2023),
    );
    let v = c
        .json(&format!("/api/compare?a={a}&b=%23{b}"), &c.xinxiang)
        .await;
    let mut store = c.t.state.db.connect().unwrap();
    let lib = gongkai_corpus::compare::compare(
        &format!("#{a}"),
        &store.report(a).unwrap(),
        &format!("#{b}"),
        &store.report(b).unwrap(),
        &gongkai_similar::Options::default(),
    );
    assert_eq!(v["comparison"], as_json(&lib));
    assert_eq!(v["differing"], lib.differing().count());
    assert!(lib.differing().count() > 0);
    // The page lists the differing cells only, unless asked for all.
    let html =
        c.t.get(&format!("/compare?a={a}&b={b}"), Some(&c.xinxiang))
            .await
            .text();
    assert_eq!(
        html.matches(r#"<tr class="differs">"#).count(),
        lib.differing().count()
    );
    // Out of scope, unknown, not a number.
    let qinghe = c.report_id("清河县人民政府办公室", 2021);
    assert_eq!(
        c.refused(&format!("/api/compare?a={a}&b={qinghe}"), &c.xinxiang)
            .await,
        (403, "forbidden_scope".into())
    );
    assert_eq!(
        c.refused(&format!("/api/compare?a={a}&b=999999"), &c.admin)
            .await,
        (404, "not_found".into())
    );
    let r = c.t.get("/api/compare?a=abc&b=1", Some(&c.admin)).await;
    assert_eq!(r.json()["error"]["message"], "报告 A 的编号应为整数：“abc”");

    // 洛阳市 2021: 瀍河回族区 and 西工区 (涧西区's report is 2022).
    let v = c
        .json("/api/consolidate?region=4103&year=2021", &c.viewer)
        .await;
    let ids = [
        c.report_id("瀍河回族区人民政府办公室", 2021),
        c.report_id("西工区城市改造办公室", 2021),
    ];
    assert_eq!(v["report_ids"], json!(ids));
    assert_eq!(v["name"], "河南省洛阳市合计");
    let reports: Vec<Report> = ids.iter().map(|id| store.report(*id).unwrap()).collect();
    let findings: Vec<Vec<gongkai_model::Finding>> = ids
        .iter()
        .map(|id| {
            store
                .findings(Some(&[*id]))
                .unwrap()
                .into_iter()
                .filter(|f| !f.corpus)
                .map(|f| f.finding)
                .collect()
        })
        .collect();
    let inputs: Vec<gongkai_corpus::consolidate::Input<'_>> = ids
        .iter()
        .zip(&reports)
        .zip(&findings)
        .map(
            |((id, report), findings)| gongkai_corpus::consolidate::Input {
                label: format!("#{id}"),
                report,
                findings,
            },
        )
        .collect();
    let lib = gongkai_corpus::consolidate::consolidate("河南省洛阳市合计", &inputs);
    assert_eq!(v["consolidation"], as_json(&lib));
    assert_eq!(
        v["tables"],
        as_json(&gongkai_model::canonical_json(
            &lib.report,
            Default::default()
        ))
    );
    // The sum's 本年新收 total is the inputs' added.
    let received = |r: &Value| r["requests"]["rows"]["new_received"][6].as_i64();
    let sum: i64 = reports
        .iter()
        .map(|r| received(&gongkai_model::canonical_json(r, Default::default())).unwrap_or(0))
        .sum();
    assert_eq!(received(&v["tables"]), Some(sum));
    // Scope and role.
    assert_eq!(
        c.refused("/api/consolidate?region=4103&year=2021", &c.xinxiang)
            .await,
        (403, "forbidden_scope".into())
    );
    assert_eq!(
        c.refused("/api/consolidate?region=410782&year=2021", &c.staff)
            .await,
        (403, "forbidden_role".into())
    );
    assert_eq!(
        c.refused("/api/consolidate?region=4103&year=2020", &c.admin)
            .await,
        (404, "not_found".into())
    );
    // The page draws the summed tables.
    let html =
        c.t.get("/consolidate?region=4103&year=2021", Some(&c.viewer))
            .await
            .text();
    assert!(html.contains("三、收到和处理政府信息公开申请情况"));
    assert!(html.contains("河南省洛阳市合计（2021 年度，2 份报告）"));
}

#[tokio::test]
async fn metrics_rank_only_with_enough_agencies() {
    let c = Corpus::new().await;
    let mut store = c.t.state.db.connect().unwrap();
    let mut rows = store.metrics().unwrap();
    rows.retain(|m| m.year == Some(2021));
    // With the CLI's guard (30, 5): nothing ranked, and said why.
    let v = c.json("/api/metrics?year=2021", &c.admin).await;
    let opts = gongkai_corpus::summary::RankingOptions {
        year: Some(2021),
        ..Default::default()
    };
    let lib = gongkai_corpus::summary::rankings(&rows, 2021, &opts);
    assert_eq!(v["rankings"], as_json(&lib));
    assert!(lib.iter().all(|r| r.entries.is_empty() && r.note.is_some()));
    assert_eq!(
        (&v["min_denominator"], &v["min_agencies"]),
        (&json!(30), &json!(5))
    );
    assert_eq!(v["paging"]["total"], 4);
    // Lowered: the library's ranking, entry for entry.
    let v = c
        .json(
            "/api/metrics?year=2021&min_denominator=1&min_agencies=1",
            &c.admin,
        )
        .await;
    let opts = gongkai_corpus::summary::RankingOptions {
        min_denominator: 1,
        min_agencies: 1,
        year: Some(2021),
        ..Default::default()
    };
    let lib = gongkai_corpus::summary::rankings(&rows, 2021, &opts);
    assert_eq!(v["rankings"], as_json(&lib));
    assert!(lib.iter().any(|r| !r.entries.is_empty()));
    // The 新乡 reviewer: 辉县市人民政府's 2021 report only; latest year by default.
    let v = c.json("/api/metrics?year=2021", &c.xinxiang).await;
    assert_eq!(v["paging"]["total"], 1);
    assert_eq!(v["rows"][0]["agency"], "辉县市人民政府");
    let v = c.json("/api/metrics", &c.xinxiang).await;
    assert_eq!(
        (&v["year"], &v["years"]),
        (&json!(2023), &json!([2021, 2022, 2023]))
    );
    assert_eq!(
        c.refused("/api/metrics?region=41", &c.xinxiang).await,
        (403, "forbidden_scope".into())
    );
    let a = c.t.get("/api/metrics?year=2019", Some(&c.admin)).await;
    assert_eq!(
        (a.status, a.json()["error"]["message"].as_str().unwrap()),
        (
            StatusCode::NOT_FOUND,
            "范围内没有 2019 年度的报告（现有年度：2021–2023）"
        )
    );
    let html = c.t.get("/metrics?year=2021", Some(&c.admin)).await.text();
    assert!(html.contains("分母不少于 30 的机关只有"));
}

#[tokio::test]
async fn the_rule_catalogue_is_whole() {
    let c = Corpus::new().await;
    let v = c.json("/api/rules", &c.staff).await;
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = gongkai_check::rules().iter().map(|r| r.code).collect();
    assert_eq!(codes, expected);
    let y003 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "Y003")
        .unwrap();
    assert_eq!(y003["name"], "copied-text");
    assert_eq!(y003["scope"], "跨报告");
    let html = c.t.get("/rules", Some(&c.staff)).await.text();
    for code in expected {
        assert!(
            html.contains(&format!(r#"<section class="rule" id="{code}""#)),
            "{code}"
        );
    }
    assert_eq!(
        c.t.get("/api/rules", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// The ids in the 报告 sheet of a workbook, and its sheet names.
fn workbook(bytes: &[u8]) -> (Vec<String>, Vec<i64>, usize) {
    assert_eq!(&bytes[..4], b"PK\x03\x04", "not a zip");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names().to_vec();
    let reports = book.worksheet_range("报告").unwrap();
    let ids = reports
        .rows()
        .skip(1)
        .map(|r| match &r[0] {
            Data::Float(f) => *f as i64,
            Data::Int(n) => *n,
            other => panic!("id cell {other:?}"),
        })
        .collect();
    let coverage_rows = book
        .worksheet_range("覆盖情况")
        .map(|r| r.rows().count().saturating_sub(1))
        .unwrap_or(0);
    (names, ids, coverage_rows)
}

#[tokio::test]
async fn exports_hold_only_what_the_user_may_read() {
    let c = Corpus::new().await;
    let sheets: Vec<String> = gongkai_export::SHEET_NAMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Everything, for the administrator.
    let a = c.t.get("/api/exports/xlsx", Some(&c.admin)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        a.headers["content-disposition"],
        r#"attachment; filename="gongkai.xlsx""#
    );
    let (names, ids, _) = workbook(&a.body);
    assert_eq!(names, sheets);
    assert_eq!(ids.len(), 8);

    // The 新乡 reviewer: 辉县市's four reports only.
    let mut xinxiang = vec![
        c.report_id("辉县市人民政府", 2021),
        c.report_id("辉县市人民政府", 2023),
        c.report_id("辉县市人民政府办公室", 2023),
        c.report_id("辉县市教育局", 2022),
    ];
    xinxiang.sort();
    let a = c.t.get("/api/exports/xlsx", Some(&c.xinxiang)).await;
    let (names, mut ids, _) = workbook(&a.body);
    ids.sort();
    assert_eq!((names, ids), (sheets.clone(), xinxiang.clone()));
    // With a region and a year: the coverage sheet, as `gongkai export` adds it.
    let a =
        c.t.get(
            "/api/exports/xlsx?region=新乡市&year=2023",
            Some(&c.xinxiang),
        )
        .await;
    assert_eq!(
        a.headers["content-disposition"],
        r#"attachment; filename="gongkai-4107-2023.xlsx""#
    );
    let (names, mut ids, coverage_rows) = workbook(&a.body);
    ids.sort();
    assert_eq!(names.last().map(String::as_str), Some("覆盖情况"));
    assert_eq!(
        ids,
        [
            c.report_id("辉县市人民政府", 2023),
            c.report_id("辉县市人民政府办公室", 2023)
        ]
    );
    let mut store = c.t.state.db.connect().unwrap();
    let g = gongkai_gazetteer::gazetteer().unwrap();
    let lib = gongkai_corpus::coverage::coverage(&mut store, g, g.by_code("4107").unwrap(), 2023)
        .unwrap();
    assert_eq!(coverage_rows, lib.expected.len());

    // CSV: a BOM, the Chinese header, one row per cell of in-scope reports only.
    let a = c.t.get("/api/exports/csv", Some(&c.xinxiang)).await;
    assert_eq!(a.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(&a.body[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(a.body[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        gongkai_export::CSV_LONG_HEADER_ZH.join(",")
    );
    let mut seen: Vec<i64> = lines
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    seen.dedup();
    seen.sort();
    seen.dedup();
    assert_eq!(seen, xinxiang);
    let a =
        c.t.get("/api/exports/csv?headers=en", Some(&c.xinxiang))
            .await;
    assert!(String::from_utf8_lossy(&a.body[3..]).starts_with("id,agency,"));
    // JSON Lines: one line per report.
    let a =
        c.t.get("/api/exports/jsonl?year=2023", Some(&c.xinxiang))
            .await;
    assert_eq!(
        a.headers["content-type"],
        "application/x-ndjson; charset=utf-8"
    );
    assert_eq!(String::from_utf8_lossy(&a.body).lines().count(), 2);

    // Refused: agency staff (no export), another province, a format that is none.
    assert_eq!(
        c.refused("/api/exports/xlsx", &c.staff).await,
        (403, "forbidden_role".into())
    );
    assert_eq!(
        c.refused("/api/exports/csv?region=41", &c.xinxiang).await,
        (403, "forbidden_scope".into())
    );
    assert_eq!(
        c.refused("/api/exports/pdf", &c.admin).await,
        (404, "not_found".into())
    );
    // The page says how many reports the links will give.
    let html =
        c.t.get("/exports?year=2023", Some(&c.xinxiang))
            .await
            .text();
    assert!(
        html.contains(r#"<strong id="export-count">2</strong>"#),
        "{html}"
    );
    assert!(html.contains(r#"href="/api/exports/xlsx?year=2023""#));
    let html = c.t.get("/exports", Some(&c.admin)).await.text();
    assert!(html.contains(r#"<strong id="export-count">8</strong>"#));
    assert_eq!(
        c.t.get("/exports", Some(&c.staff)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_api_document_describes_every_corpus_route() {
    let t = TestApp::new();
    let doc = t.get("/api/openapi.json", None).await.json();
    for path in [
        "/api/coverage",
        "/api/agencies/{id}",
        "/api/compare",
        "/api/consolidate",
        "/api/metrics",
        "/api/rules",
        "/api/exports/{format}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    let params: Vec<&str> = doc["paths"]["/api/coverage"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["region", "year", "gaps", "page", "epage"]);
}
