//! The reports list, the report view with its source places, decisions and 问题清单,
//! on the bundled examples, a text report written here with a known wrong total, and a
//! PDF of the development corpus.

mod common;

use std::path::PathBuf;

use axum::http::StatusCode;
use common::{examples, shared, Session, TestApp};
use gongkai_model::access::{Role, Scope};
use serde_json::{json, Value};

/// Seed 002 as another agency's report (新乡市红旗区, 410702) whose 本年新收 总计 is
/// `total` where its one applicant makes it 1, with `tail` as its section 六 and a
/// script in it.
fn wrong_total(total: u32, tail: &str) -> String {
    let s = std::fs::read_to_string(examples().join("seeds/002_d134efd7659efa26.txt")).unwrap();
    let s = s.replacen(
        "西⼯区城市改造办公室2021年",
        "新乡市红旗区人民政府办公室2021年",
        1,
    );
    let s = s.replacen(
        "⼀、本年新收政府信息公开申请数量 1 0 0 0 0 0 1",
        &format!("⼀、本年新收政府信息公开申请数量 1 0 0 0 0 0 {total}"),
        1,
    );
    assert!(s.contains(&format!("申请数量 1 0 0 0 0 0 {total}")));
    s.replacen("⽆需要说明的其他事项。", tail, 1)
}

const TAIL: &str = "本年度无<script>alert(1)</script>需要说明的其他事项。";

fn write(t: &TestApp, name: &str, text: &str) -> PathBuf {
    let dir = t.dir.path().join("incoming");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The ids of the reports a list answer holds, by agency name.
fn agencies(list: &Value) -> Vec<String> {
    list["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["agency"].as_str().unwrap().to_string())
        .collect()
}

async fn list(t: &TestApp, s: &Session, query: &str) -> Value {
    let a = t.get(&format!("/api/reports?{query}"), Some(s)).await;
    assert_eq!(a.status, StatusCode::OK, "{query}: {}", a.text());
    a.json()
}

/// The id of the current report of an agency whose name contains `name`.
async fn report_id(t: &TestApp, s: &Session, name: &str) -> i64 {
    let l = list(
        t,
        s,
        &serde_urlencoded::to_string([("agency", name)]).unwrap(),
    )
    .await;
    assert_eq!(l["total"], 1, "{name}: {l}");
    l["reports"][0]["id"].as_i64().unwrap()
}

fn finding<'a>(view: &'a Value, code: &str) -> &'a Value {
    view["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {}", view["findings"]))
}

fn codes(view: &Value) -> Vec<&str> {
    view["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_list_filters_sorts_and_keeps_to_the_scope() {
    let t = TestApp::new();
    t.ingest(&[examples()]);
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    t.add_user(
        "新乡审核",
        Role::Reviewer,
        Scope::Regions(vec!["4107".into()]),
    );
    t.add_user(
        "江苏审核",
        Role::Reviewer,
        Scope::Regions(vec!["32".into()]),
    );
    let admin = t.login("管理员甲").await;

    let all = list(&t, &admin, "").await;
    assert_eq!(all["total"], 5);
    assert_eq!(all["page_size"], 50);
    assert_eq!(
        agencies(&all),
        [
            "涧西区人民政府办公室",
            "清河县人民政府办公室",
            "瀍河回族区人民政府办公室",
            "西工区城市改造办公室",
            "辉县市人民政府"
        ]
        .map(String::from)
        .to_vec(),
        "by agency name"
    );
    let qinghe = &all["reports"][1];
    assert_eq!(
        (
            &qinghe["errors"],
            &qinghe["warnings"],
            &qinghe["undecided"],
            &qinghe["region_code"],
            &qinghe["level"]
        ),
        (
            &json!(30),
            &json!(0),
            &json!(30),
            &json!("130534"),
            &json!("部门")
        )
    );
    assert_eq!(
        all["years"],
        json!([2021, 2022]),
        "the years stored, for the choice"
    );

    let cases: [(&str, &[&str]); 13] = [
        (
            "region=洛阳市",
            &[
                "涧西区人民政府办公室",
                "瀍河回族区人民政府办公室",
                "西工区城市改造办公室",
            ],
        ),
        ("region=410782", &["辉县市人民政府"]),
        ("level=县", &["辉县市人民政府"]),
        ("year=2022", &["涧西区人民政府办公室"]),
        ("reading=with_doubts", &["辉县市人民政府"]),
        ("format=image", &[]),
        (
            "format=text",
            &[
                "涧西区人民政府办公室",
                "清河县人民政府办公室",
                "瀍河回族区人民政府办公室",
                "西工区城市改造办公室",
                "辉县市人民政府",
            ],
        ),
        ("severity=warning", &["辉县市人民政府"]),
        ("severity=none", &["西工区城市改造办公室"]),
        ("agency=城市改造", &["西工区城市改造办公室"]),
        ("agency=%25", &[]),
        (
            "severity=error&region=河南省",
            &["涧西区人民政府办公室", "瀍河回族区人民政府办公室"],
        ),
        (
            "sort=errors",
            &[
                "清河县人民政府办公室",
                "涧西区人民政府办公室",
                "瀍河回族区人民政府办公室",
                "辉县市人民政府",
                "西工区城市改造办公室",
            ],
        ),
    ];
    for (query, expected) in cases {
        let q = query
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .collect::<Vec<_>>();
        let l = list(&t, &admin, &serde_urlencoded::to_string(&q).unwrap()).await;
        assert_eq!(
            agencies(&l),
            expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "{query}"
        );
        assert_eq!(l["total"], expected.len(), "{query}");
    }
    let resolved = list(&t, &admin, "region=4103").await;
    assert_eq!(
        resolved["region"],
        json!({"code": "4103", "name": "河南省洛阳市"})
    );

    // Nonsense is a clear error, not "any".
    for (query, message) in [
        ("year=去年", "年度“去年”无效：请写四位数年份，如 2023"),
        ("region=鼓楼区", "地区："),
        ("severity=fatal", "严重程度“fatal”无效"),
        ("sort=size", "排序“size”无效"),
        (
            "format=word",
            "格式“word”无效：可选 pdf（PDF）、docx（DOCX）",
        ),
    ] {
        let q: Vec<(&str, &str)> = vec![query.split_once('=').unwrap()];
        let a = t
            .get(
                &format!("/api/reports?{}", serde_urlencoded::to_string(&q).unwrap()),
                Some(&admin),
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(a.json()["error"]["code"], "bad_request");
        let m = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(m.starts_with(message), "{query}: {m}");
    }

    // Scope: a reviewer of 新乡市 sees its one report; one of 江苏 sees nothing, even
    // when asking for another region.
    let xinxiang = t.login("新乡审核").await;
    assert_eq!(agencies(&list(&t, &xinxiang, "").await), ["辉县市人民政府"]);
    assert_eq!(list(&t, &xinxiang, "region=洛阳市").await["total"], 0);
    let jiangsu = t.login("江苏审核").await;
    let none = list(&t, &jiangsu, "").await;
    assert_eq!((&none["total"], &none["reports"]), (&json!(0), &json!([])));

    // Agency staff: their agency only.
    let qinghe_id = qinghe["agency_id"].as_i64().unwrap();
    t.add_user("清河机关", Role::AgencyStaff, Scope::Agency(qinghe_id));
    let staff = t.login("清河机关").await;
    assert_eq!(
        agencies(&list(&t, &staff, "").await),
        ["清河县人民政府办公室"]
    );

    // The page shows the same rows, escaped, with the filters kept in the form.
    let page = t
        .get("/reports?region=洛阳市&sort=errors", Some(&admin))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("共 3 份报告（河南省洛阳市）"), "{html}");
    assert!(html.contains(r#"<option value="errors" selected>错误数</option>"#));
    assert!(html.contains(r#"<script src="/static/reports.js" defer>"#));
    let first = html.find("涧西区人民政府办公室").unwrap();
    assert!(first < html.find("西工区城市改造办公室").unwrap());
    // Not logged in: the page sends to the login, the API answers 401.
    let a = t.get("/reports", None).await;
    assert_eq!(
        (a.status, a.headers["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login")
    );
    assert_eq!(
        t.get("/api/reports", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The API describes every route of this part.
    let doc = t.get("/api/openapi.json", None).await.json();
    for path in [
        "/api/reports",
        "/api/reports/{id}",
        "/api/reports/{id}/source",
        "/api/reports/{id}/source/page/{n}",
        "/api/reports/{id}/decisions",
        "/api/findings",
        "/api/findings.csv",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["ReportView"].is_object());
}

#[tokio::test]
async fn a_report_out_of_scope_is_forbidden() {
    let t = TestApp::new();
    t.ingest(&[examples()]);
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    t.add_user(
        "新乡审核",
        Role::Reviewer,
        Scope::Regions(vec!["4107".into()]),
    );
    let admin = t.login("管理员甲").await;
    let qinghe = report_id(&t, &admin, "清河县").await;
    let huixian = report_id(&t, &admin, "辉县市").await;
    let reviewer = t.login("新乡审核").await;
    let a = t
        .get(&format!("/api/reports/{qinghe}"), Some(&reviewer))
        .await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden_scope"))
    );
    let a = t.get(&format!("/reports/{qinghe}"), Some(&reviewer)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.text().contains("不在您的负责范围内"));
    for path in [
        format!("/api/reports/{qinghe}/source"),
        format!("/reports/{qinghe}/source"),
    ] {
        assert_eq!(
            t.get(&path, Some(&reviewer)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        t.get(&format!("/api/reports/{huixian}"), Some(&reviewer))
            .await
            .status,
        StatusCode::OK
    );
    // Staff of 辉县市 may not read 清河县's report.
    let agency = list(&t, &admin, "agency=辉县市").await["reports"][0]["agency_id"]
        .as_i64()
        .unwrap();
    t.add_user("辉县机关", Role::AgencyStaff, Scope::Agency(agency));
    let staff = t.login("辉县机关").await;
    assert_eq!(
        t.get(&format!("/api/reports/{qinghe}"), Some(&staff))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let a = t.get("/api/reports/999999", Some(&admin)).await;
    assert_eq!(
        (a.status, a.json()["error"]["message"].as_str()),
        (StatusCode::NOT_FOUND, Some("没有编号为 999999 的报告"))
    );
}

#[tokio::test]
async fn the_view_marks_a_findings_cells_and_its_prose_and_escapes_the_text() {
    let t = TestApp::new();
    let v1 = write(&t, "红旗区2021.txt", &wrong_total(2, TAIL));
    t.ingest(&[v1]);
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    let admin = t.login("管理员甲").await;
    let id = report_id(&t, &admin, "红旗区").await;
    let a = t.get(&format!("/api/reports/{id}"), Some(&admin)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let view = a.json();
    assert_eq!(codes(&view), ["B001", "A102", "A101"]);
    let a102 = finding(&view, "A102");
    assert_eq!(
        a102["message"],
        "表三「一、本年新收」行的总计与各类申请人之和不符：六类申请人合计1，「总计」列为2"
    );
    let row: Vec<String> = [
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
        "total",
    ]
    .iter()
    .map(|c| format!("request.new_received.{c}"))
    .collect();
    assert_eq!(a102["cells"], json!(row));
    assert_eq!(
        finding(&view, "A101")["cells"],
        json!([
            "request.new_received.total",
            "request.carried_over.total",
            "request.total_processed.total",
            "request.carried_forward.total"
        ])
    );
    assert_eq!(a102["decision"], Value::Null);
    assert!(a102["rule"]["explanation"]
        .as_str()
        .unwrap()
        .contains("**检查什么**"));
    assert_eq!(view["meta"]["region_code"], "410702");
    assert_eq!(view["meta"]["file"], "红旗区2021.txt");
    assert_eq!(view["may_decide"], true);

    let html = t.get(&format!("/reports/{id}"), Some(&admin)).await.text();
    // Exactly the findings' cells are marked: A102's row, A101's column, B001's total.
    let mut marked: Vec<&str> = html
        .split("<td class=\"cell printed marked error\" data-cell=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    marked.sort_unstable();
    let mut expected: Vec<String> = row.clone();
    expected.extend(
        ["carried_over", "total_processed", "carried_forward"]
            .map(|r| format!("request.{r}.total")),
    );
    expected.sort();
    assert_eq!(marked, expected);
    assert!(html.contains(
        r#"<td class="cell printed marked error" data-cell="request.new_received.total" data-findings="B001 A102 A101" title="B001 A102 A101">2</td>"#
    ), "{html}");
    assert!(html.contains(
        r#"<td class="cell printed" data-cell="request.carried_over.natural_person" data-findings="" title="">0</td>"#
    ));
    // The finding names its cells for the script, and its rule is explained.
    assert!(html.contains(&format!(
        r#"data-key="{}" data-cells="{}""#,
        a102["key"].as_str().unwrap(),
        row.join(" ")
    )));
    assert!(html.contains("<strong>检查什么</strong>"));
    // The prose: B001's claim is marked, linked to its finding; the count inside it too.
    let b001 = finding(&view, "B001");
    let claim = format!(
        r#"<span class="claim error" data-finding="{}">"#,
        b001["key"].as_str().unwrap()
    );
    let at = html
        .find(&claim)
        .expect("B001's claim is marked in the prose");
    let claimed: String = html[at..]
        .split("</span>")
        .next()
        .unwrap()
        .replace(&claim, "");
    assert!(
        claimed.contains("截止2021年底共受理政府信息公开申请"),
        "{claimed}"
    );
    let overview = &view["sections"][0];
    let marked_text: String = overview["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["finding"] == b001["key"])
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(marked_text, "截止2021年底共受理政府信息公开申请1件");
    assert!(overview["segments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["text"] == "1件" && s["count"] == true && s["finding"] == b001["key"]));
    // The report's own text is shown, escaped: never as markup.
    assert!(html.contains("本年度无&lt;script&gt;alert(1)&lt;/script&gt;需要说明的其他事项。"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("onclick"));
}

#[tokio::test]
async fn a_text_findings_place_is_its_line_and_a_missing_file_says_so() {
    let t = TestApp::new();
    let v1 = write(&t, "红旗区2021.txt", &wrong_total(2, TAIL));
    t.ingest(std::slice::from_ref(&v1));
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    let admin = t.login("管理员甲").await;
    let id = report_id(&t, &admin, "红旗区").await;
    let view = t
        .get(&format!("/api/reports/{id}"), Some(&admin))
        .await
        .json();
    let key = finding(&view, "A102")["key"].as_str().unwrap().to_string();
    let a = t
        .get(
            &format!("/api/reports/{id}/source?finding={key}"),
            Some(&admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let places = a.json();
    assert_eq!(places["missing"], Value::Null);
    let first = &places["places"][0];
    let line = "⼀、本年新收政府信息公开申请数量 1 0 0 0 0 0 2";
    assert_eq!(
        (
            &first["kind"],
            &first["line"],
            &first["text"],
            &first["label"]
        ),
        (
            &json!("text"),
            &json!(86),
            &json!(line),
            &json!("表三「一、本年新收」行「自然人」列：自然人 1")
        )
    );
    let (s, e) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&line[s..e], "1");
    assert_eq!(places["places"].as_array().unwrap().len(), 7);
    // The fragment the page shows: the line with the number marked.
    let html = t
        .get(&format!("/reports/{id}/source?finding={key}"), Some(&admin))
        .await
        .text();
    assert!(html.contains(
        r#"<pre class="source-line"><span class="line-no">86</span>⼀、本年新收政府信息公开申请数量 <mark>1</mark> 0 0 0 0 0 2</pre>"#
    ), "{html}");
    // One cell's place.
    let a = t
        .get(
            &format!("/api/reports/{id}/source?cell=request.new_received.total"),
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(
        a["places"][0]["label"],
        "表三「一、本年新收」行「总计」列：2"
    );
    assert_eq!(a["places"][0]["line"], 86);
    // The file gone: said plainly, the places still described.
    std::fs::remove_file(&v1).unwrap();
    let a = t
        .get(
            &format!("/api/reports/{id}/source?finding={key}"),
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(
        a["missing"],
        format!("原文件已不在服务器上（{}）", v1.display())
    );
    assert_eq!(a["places"][0]["kind"], "unplaced");
    assert_eq!(a["places"][0]["place"], "第86行第18列");
    let html = t
        .get(&format!("/reports/{id}/source?finding={key}"), Some(&admin))
        .await
        .text();
    assert!(
        html.contains("无法显示原文位置：原文件已不在服务器上"),
        "{html}"
    );
    // A key that is no finding of this report.
    let a = t
        .get(
            &format!("/api/reports/{id}/source?finding={}", "0".repeat(64)),
            Some(&admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_pdf_page_is_drawn_with_the_findings_boxes() {
    let t = TestApp::new();
    t.ingest(&[shared().join("corpus/hongze_district_2023.pdf")]);
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    let admin = t.login("管理员甲").await;
    let id = report_id(&t, &admin, "洪泽区").await;
    let view = t
        .get(&format!("/api/reports/{id}"), Some(&admin))
        .await
        .json();
    let a201 = view["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "A201" && f["message"].as_str().unwrap().contains("「行政复议」"))
        .unwrap();
    let key = a201["key"].as_str().unwrap();
    let places = t
        .get(
            &format!("/api/reports/{id}/source?finding={key}"),
            Some(&admin),
        )
        .await
        .json();
    let boxes = places["places"].as_array().unwrap();
    assert_eq!(boxes.len(), 5);
    assert!(boxes.iter().all(|b| b["kind"] == "pdf" && b["page"] == 4));
    let a = t
        .get(
            &format!("/reports/{id}/source/page/4?finding={key}"),
            Some(&admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-type"], "image/svg+xml; charset=utf-8");
    let svg = a.text();
    assert!(svg.starts_with(r#"<svg class="page" xmlns="http://www.w3.org/2000/svg""#));
    assert!(svg.contains(r#"data-page="4""#));
    let view_box = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let height: f32 = view_box.split(['"', ' ']).nth(1).unwrap().parse().unwrap();
    assert_eq!(svg.matches(r#"<rect class="highlight error""#).count(), 5);
    // The box of 结果维持 10, where the reader found it (PDF y flipped).
    let f = |k: &str| boxes[0][k].as_f64().unwrap() as f32;
    let rect = format!(
        r#"<rect class="highlight error" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>表四「行政复议」「结果维持」：结果维持 10</title></rect>"#,
        f("x0") - 1.0,
        height - f("y1") - 1.0,
        f("x1") - f("x0") + 2.0,
        f("y1") - f("y0") + 2.0
    );
    assert!(svg.contains(&rect), "{rect}");
    // The page draws the glyphs the reader read there: the 10 is on it.
    assert!(svg.contains(">1</text>") && svg.contains(">0</text>"));
    // The fragment asks the page route for the page.
    let html = t
        .get(&format!("/reports/{id}/source?finding={key}"), Some(&admin))
        .await
        .text();
    assert!(
        html.contains(&format!(
            r#"data-page-src="/reports/{id}/source/page/4?finding={key}&amp;cell=""#
        )),
        "{html}"
    );
    // A page that does not exist, a text report's page.
    let a = t
        .get(&format!("/api/reports/{id}/source/page/99"), Some(&admin))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("无法绘制第99页"));
}

/// A reviewer of 新乡市 confirms A102; a new version with the same finding keeps the
/// decision; a version where the total changed shows it as history.
#[tokio::test]
async fn a_decision_stays_with_its_finding_across_versions() {
    let t = TestApp::new();
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    t.add_user(
        "新乡审核",
        Role::Reviewer,
        Scope::Regions(vec!["4107".into()]),
    );
    let v1 = write(&t, "v1.txt", &wrong_total(2, TAIL));
    t.ingest(&[v1]);
    let reviewer = t.login("新乡审核").await;
    let id1 = report_id(&t, &reviewer, "红旗区").await;
    let view = t
        .get(&format!("/api/reports/{id1}"), Some(&reviewer))
        .await
        .json();
    let key = finding(&view, "A102")["key"].as_str().unwrap().to_string();

    // The page's form: confirmed, back to the finding.
    let a = t
        .post_form(
            &format!("/reports/{id1}/findings/{key}/decision"),
            Some(&reviewer),
            &[("verdict", "confirmed"), ("comment", "总计多填了 1 件")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        a.headers["location"].to_str().unwrap(),
        format!("/reports/{id1}#finding-{key}")
    );
    // The API: B001 dismissed.
    let b001 = finding(&view, "B001")["key"].as_str().unwrap().to_string();
    let a = t
        .post_json(
            &format!("/api/reports/{id1}/decisions"),
            Some(&reviewer),
            json!({"finding_key": b001, "verdict": "dismissed", "comment": "正文口径为全区"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(
        (&a.json()["verdict_label"], &a.json()["user_name"]),
        (&json!("驳回"), &json!("新乡审核"))
    );

    let view = t
        .get(&format!("/api/reports/{id1}"), Some(&reviewer))
        .await
        .json();
    let d = &finding(&view, "A102")["decision"];
    assert_eq!(
        (&d["verdict"], &d["comment"], &d["report_id"]),
        (&json!("confirmed"), &json!("总计多填了 1 件"), &json!(id1))
    );
    assert_eq!(finding(&view, "A101")["decision"], Value::Null);
    assert_eq!(view["history"], json!([]));
    let html = t
        .get(&format!("/reports/{id1}"), Some(&reviewer))
        .await
        .text();
    assert!(
        html.contains(r#"<span class="verdict confirmed">确认</span> 新乡审核"#),
        "{html}"
    );
    // Lists see it: one report with a confirmed finding, one undecided finding left.
    let l = list(&t, &reviewer, "decision=confirmed").await;
    assert_eq!(
        (
            &l["total"],
            &l["reports"][0]["confirmed"],
            &l["reports"][0]["dismissed"],
            &l["reports"][0]["undecided"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(1))
    );
    assert_eq!(list(&t, &reviewer, "decision=undecided").await["total"], 1);
    assert_eq!(
        list(&t, &reviewer, "decision=all_decided").await["total"],
        0
    );
    let f = t
        .get("/api/findings?decision=confirmed", Some(&reviewer))
        .await
        .json();
    assert_eq!(f["total"], 1);
    assert_eq!(
        (&f["findings"][0]["code"], &f["findings"][0]["decided_by"]),
        (&json!("A102"), &json!("新乡审核"))
    );
    assert_eq!(
        t.get("/api/findings?decision=undecided", Some(&reviewer))
            .await
            .json()["total"],
        1
    );
    // The audit log has both decisions.
    let mut store = t.state.db.connect().unwrap();
    let log = store.audit_log(None, 100).unwrap();
    let decided: Vec<&str> = log
        .iter()
        .filter(|e| e.action == "decision.record")
        .map(|e| e.after.as_ref().unwrap()["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(decided, ["dismissed", "confirmed"]);
    drop(store);

    // Version 2: section 六 reworded, the tables as before — the decisions stay.
    let v2 = write(
        &t,
        "v2.txt",
        &wrong_total(2, "本年度无需要说明的其他事项。"),
    );
    t.ingest(&[v2]);
    let id2 = report_id(&t, &reviewer, "红旗区").await;
    assert_ne!(id2, id1);
    let view = t
        .get(&format!("/api/reports/{id2}"), Some(&reviewer))
        .await
        .json();
    assert_eq!(view["meta"]["version"], 2);
    assert_eq!(view["versions"].as_array().unwrap().len(), 2);
    let d = &finding(&view, "A102")["decision"];
    assert_eq!(
        (&d["verdict"], &d["report_id"]),
        (&json!("confirmed"), &json!(id1))
    );
    assert_eq!(finding(&view, "B001")["decision"]["verdict"], "dismissed");
    assert_eq!(view["history"], json!([]));

    // Version 3: the total now 3 — every finding says something else; the decisions
    // are history.
    let v3 = write(
        &t,
        "v3.txt",
        &wrong_total(3, "本年度无需要说明的其他事项。"),
    );
    t.ingest(&[v3]);
    let id3 = report_id(&t, &reviewer, "红旗区").await;
    let view = t
        .get(&format!("/api/reports/{id3}"), Some(&reviewer))
        .await
        .json();
    assert_eq!(
        finding(&view, "A102")["message"],
        "表三「一、本年新收」行的总计与各类申请人之和不符：六类申请人合计1，「总计」列为3"
    );
    assert!(view["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["decision"].is_null()));
    let history: Vec<(&str, &str)> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(history, [("B001", "dismissed"), ("A102", "confirmed")]);
    let html = t
        .get(&format!("/reports/{id3}"), Some(&reviewer))
        .await
        .text();
    assert!(html.contains("历史结论"));
    assert!(html.contains("以下结论针对的问题在本版本中已不存在或已改变"));
    // The old version still shows its decisions.
    let view = t
        .get(&format!("/api/reports/{id1}"), Some(&reviewer))
        .await
        .json();
    assert_eq!(finding(&view, "A102")["decision"]["verdict"], "confirmed");
    assert_eq!(view["meta"]["is_current"], false);
}

#[tokio::test]
async fn deciding_is_refused_to_those_the_policy_refuses() {
    let t = TestApp::new();
    let v1 = write(&t, "v1.txt", &wrong_total(2, TAIL));
    t.ingest(&[v1, examples()]);
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    let admin = t.login("管理员甲").await;
    let id = report_id(&t, &admin, "红旗区").await;
    let view = t
        .get(&format!("/api/reports/{id}"), Some(&admin))
        .await
        .json();
    let agency = view["meta"]["agency_id"].as_i64().unwrap();
    let key = finding(&view, "A102")["key"].as_str().unwrap().to_string();
    t.add_user("红旗区机关", Role::AgencyStaff, Scope::Agency(agency));
    t.add_user("只读", Role::Viewer, Scope::Everywhere);
    t.add_user(
        "洛阳审核",
        Role::Reviewer,
        Scope::Regions(vec!["4103".into()]),
    );
    t.add_user(
        "新乡审核",
        Role::Reviewer,
        Scope::Regions(vec!["4107".into()]),
    );
    let body = json!({"finding_key": key, "verdict": "confirmed", "comment": ""});
    for (user, code) in [
        ("红旗区机关", "forbidden_role"),
        ("只读", "forbidden_role"),
        ("洛阳审核", "forbidden_scope"),
    ] {
        let s = t.login(user).await;
        let a = t
            .post_json(
                &format!("/api/reports/{id}/decisions"),
                Some(&s),
                body.clone(),
            )
            .await;
        assert_eq!(
            (a.status, a.json()["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some(code)),
            "{user}"
        );
        let a = t
            .post_form(
                &format!("/reports/{id}/findings/{key}/decision"),
                Some(&s),
                &[("verdict", "confirmed")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{user}");
    }
    // Staff and viewers see the findings but no decision form.
    let staff = t.login("红旗区机关").await;
    let html = t.get(&format!("/reports/{id}"), Some(&staff)).await.text();
    assert!(html.contains("A102") && !html.contains("form class=\"decide\""));
    assert_eq!(
        t.get(&format!("/api/reports/{id}"), Some(&staff))
            .await
            .json()["may_decide"],
        false
    );
    // Without the session's CSRF token: refused before anything is read.
    let reviewer = t.login("新乡审核").await;
    let forged = Session {
        csrf: "0".repeat(64),
        ..reviewer.clone()
    };
    let a = t
        .post_form(
            &format!("/reports/{id}/findings/{key}/decision"),
            Some(&forged),
            &[("verdict", "confirmed")],
        )
        .await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf"))
    );
    let a = t
        .post_json(
            &format!("/api/reports/{id}/decisions"),
            Some(&forged),
            body.clone(),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // Bad decisions from one who may decide.
    for (body, status, message) in [
        (
            json!({"finding_key": key, "verdict": "dismissed", "comment": " "}),
            StatusCode::BAD_REQUEST,
            "驳回须写明理由",
        ),
        (
            json!({"finding_key": key, "verdict": "maybe"}),
            StatusCode::BAD_REQUEST,
            "审核结论无效：可选 confirmed（确认）或 dismissed（驳回）",
        ),
        (
            json!({"finding_key": "abc", "verdict": "confirmed"}),
            StatusCode::BAD_REQUEST,
            "问题标识无效",
        ),
        (
            json!({"finding_key": "f".repeat(64), "verdict": "confirmed"}),
            StatusCode::NOT_FOUND,
            "该报告没有这条问题（可能已随重新检查而改变），请刷新页面",
        ),
        (
            json!({"finding_key": key, "verdict": "confirmed", "comment": "长".repeat(2001)}),
            StatusCode::BAD_REQUEST,
            "审核意见过长：最多 2000 字",
        ),
    ] {
        let a = t
            .post_json(
                &format!("/api/reports/{id}/decisions"),
                Some(&reviewer),
                body,
            )
            .await;
        assert_eq!(
            (a.status, a.json()["error"]["message"].as_str()),
            (status, Some(message))
        );
    }
    // Nothing was recorded.
    let mut store = t.state.db.connect().unwrap();
    assert_eq!(store.decisions(agency, 2021).unwrap(), vec![]);
}

#[tokio::test]
async fn the_findings_list_filters_and_exports_csv() {
    let t = TestApp::new();
    t.ingest(&[examples()]);
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    t.add_user(
        "洛阳审核",
        Role::Reviewer,
        Scope::Regions(vec!["4103".into()]),
    );
    let admin = t.login("管理员甲").await;
    let all = t.get("/api/findings", Some(&admin)).await.json();
    assert_eq!(all["total"], 33);
    assert_eq!(all["findings"].as_array().unwrap().len(), 33);
    for (query, total) in [
        ("rule=V001", 28),
        ("rule=table2-blank-row", -1),
        ("severity=warning", 1),
        ("kind=extraction", 1),
        ("year=2022", 1),
        ("decision=undecided", 33),
        ("decision=confirmed", 0),
    ] {
        let a = t.get(&format!("/api/findings?{query}"), Some(&admin)).await;
        if total < 0 {
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{query}");
            continue;
        }
        assert_eq!(a.json()["total"], total, "{query}");
    }
    let luoyang = t
        .get(
            &format!(
                "/api/findings?{}",
                serde_urlencoded::to_string([("region", "洛阳市"), ("sort", "rule")]).unwrap()
            ),
            Some(&admin),
        )
        .await
        .json();
    let rows: Vec<(&str, &str)> = luoyang["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["agency"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("B001", "瀍河回族区人民政府办公室"),
            ("S004", "涧西区人民政府办公室")
        ]
    );
    // A reviewer of 洛阳市 sees the same two, whatever they ask.
    let reviewer = t.login("洛阳审核").await;
    assert_eq!(
        t.get("/api/findings", Some(&reviewer)).await.json()["total"],
        2
    );
    assert_eq!(
        t.get("/api/findings?rule=V001", Some(&reviewer))
            .await
            .json()["total"],
        0
    );

    // The CSV: UTF-8 with a BOM, a header, one line per finding.
    let a = t.get("/findings.csv?severity=warning", Some(&admin)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-type"], "text/csv; charset=utf-8");
    assert!(a.body.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(a.body[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "报告编号,机关,地区,区划代码,年度,规则,规则名称,严重程度,类别,问题,跨报告,审核结论,审核意见,审核人,审核时间,问题标识"
    );
    assert_eq!(lines.len(), 2);
    let huixian = report_id(&t, &admin, "辉县市").await;
    assert!(
        lines[1].starts_with(&format!(
            "{huixian},辉县市人民政府,河南省新乡市辉县市,410782,2021,X001,"
        )),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",警告,识别存疑,"));
    assert!(lines[1].contains(",否,未审核,,,,"));
    let all_csv = t.get("/api/findings.csv", Some(&admin)).await;
    assert_eq!(String::from_utf8_lossy(&all_csv.body).lines().count(), 34);
    // The page: the same rows, an export link keeping the filters.
    let html = t
        .get("/findings?severity=warning", Some(&admin))
        .await
        .text();
    assert!(html.contains("共 1 条问题"));
    assert!(
        html.contains(r#"href="/findings.csv?severity=warning""#),
        "{html}"
    );
    // Agency staff may read their findings but not export.
    let agency = list(&t, &admin, "agency=辉县市").await["reports"][0]["agency_id"]
        .as_i64()
        .unwrap();
    t.add_user("辉县机关", Role::AgencyStaff, Scope::Agency(agency));
    let staff = t.login("辉县机关").await;
    assert_eq!(
        t.get("/api/findings", Some(&staff)).await.json()["total"],
        1
    );
    let a = t.get("/api/findings.csv", Some(&staff)).await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden_role"))
    );
    assert!(!t
        .get("/findings", Some(&staff))
        .await
        .text()
        .contains("导出 CSV"));
}

/// Every answer says the server's own time over it (`Server-Timing: app;dur=<ms>`), as
/// the load test reads it; refused and anonymous requests too.
#[tokio::test]
async fn every_answer_carries_the_server_time() {
    let t = TestApp::new();
    t.ingest(&[examples()]);
    t.add_user("管理员乙", Role::Admin, Scope::Everywhere);
    let s = t.login("管理员乙").await;
    for (path, session, status) in [
        ("/api/reports", Some(&s), StatusCode::OK),
        ("/reports", Some(&s), StatusCode::OK),
        ("/api/reports", None, StatusCode::UNAUTHORIZED),
    ] {
        let a = t.get(path, session).await;
        assert_eq!(a.status, status, "{path}");
        let v = a
            .headers
            .get("server-timing")
            .unwrap_or_else(|| panic!("{path}: no Server-Timing"))
            .to_str()
            .unwrap();
        let ms: f64 = v
            .strip_prefix("app;dur=")
            .unwrap_or_else(|| panic!("{path}: {v}"))
            .parse()
            .unwrap();
        assert!(ms >= 0.0, "{path}: {v}");
    }
}

/// A scanned report (the corpus PDF made an image-only PDF, as the scanned test set
/// makes it): marked as a scan in the list and the view, and its page shown as the
/// scanned image with the boxes of a finding's numbers over it. Needs Tesseract with
/// `chi_sim` and `pdftoppm`; fails without them when `GONGKAI_REQUIRE_OCR` is set (CI).
#[tokio::test]
async fn a_scanned_page_is_shown_as_its_image_with_the_boxes() {
    let engine = gongkai_ingest::ocr_engine().is_ok();
    let poppler = std::process::Command::new("pdftoppm")
        .arg("-v")
        .output()
        .is_ok();
    if !(engine && poppler) {
        assert!(
            std::env::var_os("GONGKAI_REQUIRE_OCR").is_none(),
            "GONGKAI_REQUIRE_OCR is set but tesseract (chi_sim) or pdftoppm is missing"
        );
        eprintln!("skipped: tesseract with chi_sim and pdftoppm are needed");
        return;
    }
    let t = TestApp::new();
    let src = t.dir.path().join("src");
    std::fs::create_dir_all(src.join("truth")).unwrap();
    std::fs::copy(
        shared().join("corpus/hongze_district_2023.pdf"),
        src.join("hongze_district_2023.pdf"),
    )
    .unwrap();
    std::fs::copy(
        shared().join("corpus/truth/hongze_district_2023.json"),
        src.join("truth/hongze_district_2023.json"),
    )
    .unwrap();
    let set = t.dir.path().join("set");
    gongkai_ocr::scanset::scan_folder(
        &src,
        &set,
        150,
        "clean",
        &gongkai_ocr::scanset::Degradation::CLEAN,
    )
    .unwrap();
    t.ingest(&[set.join("hongze_district_2023-150dpi-clean.pdf")]);
    t.add_user("管理员甲", Role::Admin, Scope::Everywhere);
    let admin = t.login("管理员甲").await;
    let id = report_id(&t, &admin, "洪泽区").await;
    let view = t
        .get(&format!("/api/reports/{id}"), Some(&admin))
        .await
        .json();
    assert_eq!(view["meta"]["format"], "image");
    assert_eq!(view["meta"]["format_zh"], "扫描件（OCR识别）");
    let page = t.get(&format!("/reports/{id}"), Some(&admin)).await.text();
    assert!(
        page.contains("扫描件（OCR识别）"),
        "the view says it is a scan"
    );
    let listed = list(&t, &admin, "").await;
    let item = listed["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap();
    assert_eq!(item["format_zh"], "扫描件（OCR识别）");
    // Scans alone, and no scan among the PDFs.
    let scans = list(&t, &admin, "format=image").await;
    assert_eq!(scans["total"], 1);
    assert_eq!(scans["reports"][0]["id"], id);
    assert_eq!(list(&t, &admin, "format=pdf").await["total"], 0);
    let page = t.get("/reports?format=image", Some(&admin)).await.text();
    assert!(page.contains(r#"<option value="image" selected>扫描件（OCR识别）</option>"#));

    // Every finding's places, and the first page with boxes as the scan.
    let places = t
        .get(&format!("/api/reports/{id}/source"), Some(&admin))
        .await
        .json();
    let boxes: Vec<&Value> = places["places"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "pdf")
        .collect();
    assert!(!boxes.is_empty(), "{places}");
    let n = boxes[0]["page"].as_u64().unwrap();
    let on_page = boxes.iter().filter(|b| b["page"] == n).count();
    let a = t
        .get(&format!("/reports/{id}/source/page/{n}"), Some(&admin))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-type"], "image/svg+xml; charset=utf-8");
    let svg = a.text();
    assert!(
        svg.starts_with(r#"<svg class="page scan""#),
        "{}",
        &svg[..200]
    );
    assert!(svg.contains(r#"href="data:image/png;base64,iVBORw0KGgo"#));
    assert_eq!(svg.matches(r#"<rect class="highlight"#).count(), on_page);
    // No such page.
    let a = t
        .get(&format!("/api/reports/{id}/source/page/99"), Some(&admin))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("无法显示第99页"));
}
