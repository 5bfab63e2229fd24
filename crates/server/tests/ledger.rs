//! The ledger in the workspace: agency staff keep their own agency's requests through
//! the pages (forms) and the API, see them overdue and due-soon first, a request's
//! timeline with its deadlines explained, the year's tables with what is behind a
//! cell, and the report's gate; reviewers read, only the agency's own staff change;
//! every change is in the audit log under its user.

mod common;

use axum::http::StatusCode;
use common::{examples, TestApp};
use gongkai_model::access::{Role, Scope};
use serde_json::{json, Value};

#[tokio::test]
async fn staff_keep_their_ledger_and_reviewers_read_it() {
    let t = TestApp::new();
    t.ingest(&[examples()]);
    let huixian = t.agency_id("辉县市人民政府");
    let other = t.agency_id("瀍河回族区人民政府办公室");
    t.add_user("辉县台账员", Role::AgencyStaff, Scope::Agency(huixian));
    t.add_user(
        "新乡审核员",
        Role::Reviewer,
        Scope::Regions(vec!["4107".into()]),
    );
    let staff = t.login("辉县台账员").await;
    let reviewer = t.login("新乡审核员").await;
    let base = format!("/agencies/{huixian}/ledger");

    // Two requests by form: one received before 春节 2026, one after.
    for (id, received) in [("2026-001", "2026-02-02"), ("2026-002", "2026-03-02")] {
        let a = t
            .post_form(
                &format!("{base}/requests"),
                Some(&staff),
                &[
                    ("id", id),
                    ("applicant", "张三"),
                    ("applicant_kind", "natural_person"),
                    ("channel", "online"),
                    ("received", received),
                    ("content", "某项目的批复"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
        assert_eq!(
            a.headers["location"],
            format!("{base}/requests/{id}").as_str()
        );
    }
    // The same number again: shown on the page, nothing written (409).
    let a = t
        .post_form(
            &format!("{base}/requests"),
            Some(&staff),
            &[
                ("id", "2026-001"),
                ("applicant", "李四"),
                ("applicant_kind", "natural_person"),
                ("channel", "online"),
                ("received", "2026-03-03"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.text().contains("申请编号 2026-001 已经登记"),
        "{}",
        a.text()
    );
    assert!(
        a.text().contains(r#"value="李四""#),
        "the form keeps what was typed"
    );

    // /ledger lists, for the reviewer, the agencies in scope that keep a ledger, with
    // their request counts.
    let index = t.get("/ledger", Some(&reviewer)).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(
        index.text().contains(&format!(
            r#"<a href="{base}">辉县市人民政府</a></td><td>河南省新乡市辉县市</td><td class="num">2</td>"#
        )),
        "{}",
        index.text()
    );

    // The worklist on 2026-03-27: the overdue one first, then the one due soon.
    let w = t
        .get(&format!("/api{base}?today=2026-03-27"), Some(&reviewer))
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.text());
    let w = w.json();
    let rows = w["requests"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // Received Monday 2 February: 20 working days across 春节 2026 (the make-up
    // Saturdays 14 and 28 February counted) end on 6 March.
    assert_eq!(rows[0]["id"], "2026-001");
    assert_eq!(rows[0]["due"], "2026-03-06");
    assert_eq!(rows[0]["standing"], "逾期 15 个工作日");
    assert_eq!(rows[1]["id"], "2026-002");
    assert_eq!(rows[1]["due"], "2026-03-30");
    assert_eq!(rows[1]["standing"], "还有 1 个工作日");
    assert_eq!(rows[1]["urgent"], true);
    assert_eq!(w["may_edit"], false, "a reviewer reads, does not edit");

    // The reviewer may not change it; the staff of another agency may not read it.
    let a = t
        .post_json(
            &format!("/api{base}/requests"),
            Some(&reviewer),
            json!({"id": "X", "applicant": "王五", "applicant_kind": "natural_person",
                   "channel": "online", "received": "2026-03-02"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    t.add_user("瀍河台账员", Role::AgencyStaff, Scope::Agency(other));
    let stranger = t.login("瀍河台账员").await;
    let a = t.get(&format!("/api{base}"), Some(&stranger)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // Staff opening /ledger go to their own ledger.
    let a = t.get("/ledger", Some(&stranger)).await;
    assert_eq!(
        a.headers["location"],
        format!("/agencies/{other}/ledger").as_str()
    );

    // An extension, then the answer, by form; the timeline and the explanation.
    let req = format!("{base}/requests/2026-002");
    let a = t
        .post_form(
            &format!("{req}/events"),
            Some(&staff),
            &[("kind", "extended"), ("date", "2026-03-20")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let a = t
        .post_form(
            &format!("{req}/close"),
            Some(&staff),
            &[
                ("outcome", "granted"),
                ("date", "2026-04-10"),
                ("grounds", ""),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let v = t.get(&format!("/api{req}"), Some(&reviewer)).await.json();
    let kinds: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "extended", "closed"]);
    assert_eq!(v["outcome"], "（一）予以公开");
    assert_eq!(v["deadlines"]["answer"]["due"], "2026-04-28");
    let page = t.get(&req, Some(&staff)).await.text();
    assert!(page.contains("期限及其计算"), "{page}");
    // A closing before the receipt gives the ledger a problem: refused, shown.
    let a = t
        .post_form(
            &format!("{base}/requests/2026-001/close"),
            Some(&staff),
            &[("outcome", "granted"), ("date", "2026-01-05")],
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("未保存："), "{}", a.text());

    // The tables: 2026-002 granted to a natural person, 2026-001 carried forward.
    let tables = t
        .get(
            &format!("/api{base}/tables/2026?cell=granted:natural_person"),
            Some(&reviewer),
        )
        .await
        .json();
    assert_eq!(tables["cell"]["ids"], json!(["2026-002"]));
    assert_eq!(tables["cell"]["value"], "1");
    assert_eq!(
        tables["tables"]["requests"]["rows"]["carried_forward"],
        json!([1, 0, 0, 0, 0, 0, 1])
    );
    let page = t.get(&format!("{base}/tables/2026"), Some(&staff)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(&format!(
        "{base}/tables/2026?cell=granted:natural_person#drill"
    )));

    // The report: the gate lists what blocks it; final is refused (409) and not audited.
    let r = t
        .get(&format!("/api{base}/report/2026"), Some(&staff))
        .await
        .json();
    assert_eq!(r["passed"], false);
    let codes: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"S004"), "{codes:?}");
    let a = t
        .post_form(&format!("{base}/report/2026/final"), Some(&staff), &[])
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("把关未通过"));
    // The agency's text for 五 is kept; the draft downloads.
    let a = t
        .post_form(
            &format!("{base}/report/2026/text"),
            Some(&staff),
            &[
                ("overview", ""),
                ("problems", "解读形式单一。\n\n将加以改进。"),
                ("other", ""),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let r: Value = t
        .get(&format!("/api{base}/report/2026"), Some(&staff))
        .await
        .json();
    assert_eq!(
        r["text"]["problems"],
        json!(["解读形式单一。", "将加以改进。"])
    );
    let d = t
        .get(&format!("{base}/report/2026/draft/docx"), Some(&reviewer))
        .await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.body.starts_with(b"PK"), "a DOCX is a zip");
    let d = t
        .get(&format!("{base}/report/2026/draft/pdf"), Some(&reviewer))
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text());
    assert_eq!(d.headers["content-type"], "application/pdf");
    assert!(d.body.starts_with(b"%PDF-"));

    // Table 二's counts registered for the year: the gate passes, and final gives the
    // file and audits it.
    let a = t
        .post_form(
            &format!("{base}/tables/2026/register"),
            Some(&staff),
            &[
                ("licensing", "12"),
                ("penalty", "0"),
                ("coercion", "0"),
                ("fees_10k_yuan", "0"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let bad = t
        .post_form(
            &format!("{base}/tables/2026/register"),
            Some(&staff),
            &[("penalty", "-1")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("行政处罚的决定数量应为非负整数"));
    let r: Value = t
        .get(&format!("/api{base}/report/2026"), Some(&staff))
        .await
        .json();
    assert_eq!(r["passed"], true, "{r}");
    let f = t
        .post_form(
            &format!("{base}/report/2026/final"),
            Some(&staff),
            &[("format", "html")],
        )
        .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text());
    let page = String::from_utf8(f.body.clone()).unwrap();
    assert!(page.contains("解读形式单一。"), "{page}");
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&f.body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };

    // Every change is in the audit log, under the staff member's name.
    let mut store = t.state.db.connect().unwrap();
    let log = store.audit_log(None, 100).unwrap();
    let mine: Vec<&str> = log
        .iter()
        .filter(|e| e.user_name == "辉县台账员")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        mine,
        [
            "ledger.report.final",
            "ledger.fees.put",
            "ledger.decision.put",
            "ledger.decision.put",
            "ledger.decision.put",
            "ledger.text.put",
            "ledger.request.put",
            "ledger.request.put",
            "ledger.request.put",
            "ledger.request.put",
            "session.login"
        ]
    );
    let fin = &log[0];
    assert_eq!(fin.action, "ledger.report.final");
    assert_eq!(fin.after.as_ref().unwrap()["sha256"], digest.as_str());
}

/// A multipart body with `workbook` as `file` and the other fields given.
fn multipart(workbook: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    const B: &str = "ledger-import-boundary-7c1e";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"台账.xlsx\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(workbook);
    for (name, value) in fields {
        body.extend_from_slice(
            format!("\r\n--{B}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={B}"), body)
}

#[tokio::test]
async fn an_excel_ledger_is_imported_all_or_nothing_and_exported() {
    use axum::body::Body;
    use axum::http::{header, Method};
    use gongkai_ledger::{Applicant, ApplicantKind, Closure, Ledger, Outcome, Request};
    use gongkai_model::date::Date;

    let t = TestApp::new();
    t.ingest(&[examples()]);
    let huixian = t.agency_id("辉县市人民政府");
    t.add_user("辉县台账员", Role::AgencyStaff, Scope::Agency(huixian));
    let staff = t.login("辉县台账员").await;
    let request = |id: &str, closed: Option<&str>| Request {
        id: id.into(),
        applicant: Applicant {
            name: "张三".into(),
            kind: ApplicantKind::ALL[0],
        },
        channel: gongkai_deadline::Channel::Online,
        received: Date::parse("2026-03-02").unwrap(),
        content: String::new(),
        events: Vec::new(),
        closure: closed.map(|d| Closure {
            outcome: Outcome::GRANTED,
            date: Date::parse(d).unwrap(),
            grounds: Vec::new(),
        }),
        fee: None,
        split_from: None,
        split: false,
    };
    // Row 3 is closed before it was received: the ledger's own rule makes it bad.
    let sheet = gongkai_ledger_sheet::export(&Ledger {
        agency: "辉县市人民政府".into(),
        requests: vec![
            request("2026-101", Some("2026-03-10")),
            request("2026-102", Some("2026-02-10")),
        ],
        ..Default::default()
    })
    .unwrap();
    let send = |fields: Vec<(&'static str, &'static str)>| {
        let (content_type, body) = multipart(&sheet, &fields);
        TestApp::request(
            Method::POST,
            &format!("/api/agencies/{huixian}/ledger/import"),
            Some(&staff),
        )
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
    };
    let a = t.send(send(vec![])).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    let v = a.json();
    assert_eq!(v["applied"], false);
    assert_eq!(v["bad_rows"], 1);
    assert_eq!(v["bad"][0]["row"], 3);
    let mut store = t.state.db.connect().unwrap();
    assert!(store.ledger("辉县市人民政府").unwrap().requests.is_empty());
    // With partial: the good row only.
    let a = t.send(send(vec![("partial", "true")])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["added"], 1);
    let kept: Vec<String> = store
        .ledger("辉县市人民政府")
        .unwrap()
        .requests
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(kept, ["2026-101"]);
    // The export reads back as the ledger.
    let x = t
        .get(&format!("/agencies/{huixian}/ledger/export"), Some(&staff))
        .await;
    assert_eq!(x.status, StatusCode::OK);
    let back = gongkai_ledger_sheet::import(&x.body, &Default::default()).unwrap();
    assert!(back.bad.is_empty(), "{:?}", back.bad);
    assert_eq!(back.requests.len(), 1);
    assert_eq!(
        back.requests[0].1,
        store.ledger("辉县市人民政府").unwrap().requests[0]
    );
}
