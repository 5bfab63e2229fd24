//! Uploads: files through `POST /api/uploads`, the background job that reads them into
//! the corpus, its progress (JSON and Server-Sent Events) and per-file results; the
//! limits, names that are never paths, who may upload what, and a job resumed after a
//! restart.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{Answer, Session, TestApp};
use gongkai_model::access::{Role, Scope};
use gongkai_server::jobs::Worker;
use gongkai_server::Limits;
use gongkai_store::{Actor, JobStatus};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const BOUNDARY: &str = "gongkai-test-boundary-7MA4YWxkTrZu0gW";

fn seed(n: usize) -> PathBuf {
    let dir = common::examples().join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files[n].clone()
}

fn corpus(name: &str) -> PathBuf {
    common::shared().join("corpus").join(name)
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A multipart body of `(file name, bytes)`.
fn multipart(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_request(files: &[(&str, Vec<u8>)]) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri("/api/uploads")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::CONTENT_LENGTH, multipart(files).len())
}

async fn upload(t: &TestApp, s: &Session, files: &[(&str, Vec<u8>)]) -> Answer {
    t.send(
        TestApp::request(Method::POST, "/api/uploads", Some(s))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(multipart(files)))
            .unwrap(),
    )
    .await
}

fn file(path: &Path) -> (String, Vec<u8>) {
    (
        path.file_name().unwrap().to_string_lossy().into_owned(),
        std::fs::read(path).unwrap(),
    )
}

/// Waits for the job's end through its event stream (which closes then); the events.
async fn events_until_done(t: &TestApp, s: &Session, id: i64) -> String {
    let a = tokio::time::timeout(
        Duration::from_secs(120),
        t.get(&format!("/api/jobs/{id}/events"), Some(s)),
    )
    .await
    .expect("the job ends within two minutes");
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.headers[header::CONTENT_TYPE], "text/event-stream");
    a.text()
}

/// `(name, status, agency, year, reason)` of a file of a job.
type Result5 = (String, String, Option<String>, Option<i64>, Option<String>);

/// Each file of a job.
fn results(job: &Value) -> Vec<Result5> {
    job["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let r = &f["result"];
            (
                f["name"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap_or("none").to_string(),
                r["agency"].as_str().map(String::from),
                r["year"].as_i64(),
                r["reason"].as_str().map(String::from),
            )
        })
        .collect()
}

/// Every file under `dir`, relative.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_pdf_a_docx_and_a_text_report_are_read_stored_and_reported() {
    let t = TestApp::new();
    let uid = t.add_user("审核员甲", Role::Reviewer, Scope::Everywhere);
    let s = t.login("审核员甲").await;
    let _worker = Worker::start(&t.state).unwrap();
    let pdf = file(&corpus("hongze_district_2023.pdf"));
    let docx = file(&corpus("pingtan_zone_2024-docx.docx"));
    let text = file(&seed(1));
    let sent = [
        (pdf.0.as_str(), pdf.1.clone()),
        (docx.0.as_str(), docx.1.clone()),
        (text.0.as_str(), text.1.clone()),
    ];
    let a = upload(&t, &s, &sent).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text());
    let job = a.json();
    let id = job["id"].as_i64().unwrap();
    assert_eq!(
        (
            job["kind"].as_str(),
            job["total"].as_i64(),
            job["uploader"].as_str()
        ),
        (Some("ingest"), Some(3), Some("审核员甲"))
    );
    let events = events_until_done(&t, &s, id).await;
    // The last event is the whole job, then the stream closed.
    let last = events.trim_end().rsplit("\n\n").next().unwrap().to_string();
    assert!(last.starts_with("event: job\ndata: "), "{events}");
    let pushed: Value =
        serde_json::from_str(last.trim_start_matches("event: job\ndata: ")).unwrap();
    assert_eq!(pushed["status"], "done");

    let a = t.get(&format!("/api/jobs/{id}"), Some(&s)).await;
    assert_eq!(a.status, StatusCode::OK);
    let job = a.json();
    assert_eq!(job, pushed);
    assert_eq!(
        (job["status"].as_str(), job["done"].as_i64(), job["message"].as_str()),
        (
            Some("done"),
            Some(3),
            Some("3 个文件：新增 3 份报告，新版本 0 份，另一来源 0 个，未变 0 个，失败 0 个，被拒绝 0 个")
        )
    );
    assert_eq!(
        results(&job),
        vec![
            (
                "hongze_district_2023.pdf".into(),
                "stored".into(),
                Some("淮安市洪泽区人民政府".into()),
                Some(2023),
                None
            ),
            (
                "pingtan_zone_2024-docx.docx".into(),
                "stored".into(),
                Some("平潭综合实验区（管委会）".into()),
                Some(2024),
                None
            ),
            (
                "001_80982073e3dd5082.txt".into(),
                "stored".into(),
                Some("辉县市人民政府".into()),
                Some(2021),
                None
            ),
        ]
    );
    // Each report is stored under the name it was given, with its bytes' hash, and the
    // bytes are kept under that hash.
    let mut store = t.state.db.connect().unwrap();
    for (i, (name, bytes)) in sent.iter().enumerate() {
        let report_id = job["files"][i]["result"]["report_id"].as_i64().unwrap();
        let r = store
            .reports(&gongkai_store::Filter {
                ids: Some(vec![report_id]),
                ..Default::default()
            })
            .unwrap()
            .remove(0);
        assert_eq!(
            (r.source.as_str(), r.hash.as_str()),
            (
                format!("upload/{uid}/{name}").as_str(),
                sha256(bytes).as_str()
            )
        );
        let kept = gongkai_server::sources::upload_path(&t.state.data_dir, &sha256(bytes)).unwrap();
        assert_eq!(&std::fs::read(kept).unwrap(), bytes);
        // The report's page links from the result.
        assert_eq!(job["files"][i]["hash"], sha256(bytes));
    }
    // One audit entry: who, and each file's name, hash and size.
    let audit = store.audit_log(None, 50).unwrap();
    let uploads: Vec<_> = audit.iter().filter(|e| e.action == "upload").collect();
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        (uploads[0].user_id, uploads[0].target.as_str()),
        (Some(uid), format!("job:{id}").as_str())
    );
    let after = uploads[0].after.as_ref().unwrap();
    assert_eq!(
        after["files"],
        json!([
            {"name": "hongze_district_2023.pdf", "hash": sha256(&sent[0].1), "size": sent[0].1.len()},
            {"name": "pingtan_zone_2024-docx.docx", "hash": sha256(&sent[1].1), "size": sent[1].1.len()},
            {"name": "001_80982073e3dd5082.txt", "hash": sha256(&sent[2].1), "size": sent[2].1.len()},
        ])
    );
    assert_eq!(
        after["uploader"],
        json!({"user_id": uid, "name": "审核员甲"})
    );
    // The upload page lists the job; the job's page shows every file's result.
    let page = t.get("/upload", Some(&s)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains(&format!("href=\"/upload/jobs/{id}\"")),
        "{html}"
    );
    assert!(html.contains(r#"<script src="/static/upload.js" defer></script>"#));
    assert!(html.contains("webkitdirectory"));
    let page = t.get(&format!("/upload/jobs/{id}"), Some(&s)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert_eq!(html.matches("已入库").count(), 3, "{html}");
    assert!(html.contains("淮安市洪泽区人民政府 2023 年"));
    // Uploading the same files again changes nothing.
    let a = upload(&t, &s, &sent[2..]).await;
    let again = a.json()["id"].as_i64().unwrap();
    events_until_done(&t, &s, again).await;
    let job = t.get(&format!("/api/jobs/{again}"), Some(&s)).await.json();
    assert_eq!(results(&job)[0].1, "unchanged");
    assert_eq!(
        job["files"][0]["result"]["report_id"],
        pushed["files"][2]["result"]["report_id"]
    );
}

#[tokio::test]
async fn an_unreadable_file_is_listed_with_its_reason_and_the_rest_are_stored() {
    let t = TestApp::new();
    t.add_user("审核员乙", Role::Reviewer, Scope::Everywhere);
    let s = t.login("审核员乙").await;
    let _worker = Worker::start(&t.state).unwrap();
    let good = file(&seed(0));
    let truncated = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/bad-input/truncated.pdf"),
    )
    .unwrap();
    let a = upload(
        &t,
        &s,
        &[
            ("截断的.pdf", truncated),
            ("空白.txt", b"   \n".to_vec()),
            (good.0.as_str(), good.1.clone()),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text());
    let id = a.json()["id"].as_i64().unwrap();
    events_until_done(&t, &s, id).await;
    let job = t.get(&format!("/api/jobs/{id}"), Some(&s)).await.json();
    assert_eq!(job["status"], "done");
    assert_eq!(
        results(&job),
        vec![
            (
                "截断的.pdf".into(),
                "failed".into(),
                None,
                None,
                Some("截断的.pdf: PDF文件不完整（缺少文件结束标记%%EOF；可能下载未完成或被截断），无法读取".into())
            ),
            (
                "空白.txt".into(),
                "failed".into(),
                None,
                None,
                Some("空白.txt: 文件为空".into())
            ),
            (
                "000_bdef848fa1eb37a7.txt".into(),
                "stored".into(),
                Some("瀍河回族区人民政府办公室".into()),
                Some(2021),
                None
            ),
        ]
    );
    assert_eq!(job["files"][0]["result"]["failure"], "incomplete");
    let page = t.get(&format!("/upload/jobs/{id}"), Some(&s)).await.text();
    assert!(page.contains("2 个文件未能入库，原因见下表。"), "{page}");
}

#[tokio::test]
async fn uploads_over_the_limits_are_refused_whole() {
    let mut t = TestApp::new();
    t.state.limits = Limits {
        upload_bytes: 1000,
        upload_files: 2,
        file_bytes: 600,
    };
    t.app = gongkai_server::app(t.state.clone());
    t.add_user("审核员丙", Role::Reviewer, Scope::Everywhere);
    let s = t.login("审核员丙").await;
    let small = vec![b'x'; 100];
    let cases = [
        (
            vec![
                ("a.txt", small.clone()),
                ("b.txt", small.clone()),
                ("c.txt", small.clone()),
            ],
            "上传内容过大：一次最多上传 2 个文件，请分批上传",
        ),
        (
            vec![("大.pdf", vec![b'x'; 601])],
            "上传内容过大：文件“大.pdf”超过单个文件 600 字节 上限",
        ),
        (
            vec![("a.txt", vec![b'x'; 600]), ("b.txt", vec![b'x'; 500])],
            "上传内容过大：本次上传的文件合计超过 1000 字节 上限，请分批上传",
        ),
    ];
    for (files, message) in cases {
        let a = upload(&t, &s, &files).await;
        assert_eq!(
            (a.status, a.json()["error"]["message"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some(message))
        );
    }
    // A Content-Length over the limit is refused before the body is read.
    let big = vec![("a.txt", vec![b'x'; 200_000])];
    let a = t
        .send(
            upload_request(&big)
                .header(header::COOKIE, &s.cookie)
                .header("x-csrf-token", &s.csrf)
                .body(Body::from(multipart(&big)))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Nothing was kept: no file, no temporary file, no job.
    assert_eq!(files_under(&t.state.data_dir), Vec::<String>::new());
    let mut store = t.state.db.connect().unwrap();
    assert_eq!(store.jobs(None, 10).unwrap(), vec![]);
    // Within the limits, the same request is accepted.
    let a = upload(&t, &s, &[("a.txt", small.clone()), ("b.txt", small)]).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text());
    // Not a multipart body at all.
    let a = t.post_json("/api/uploads", Some(&s), json!({})).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_file_name_is_never_a_path() {
    let t = TestApp::new();
    let uid = t.add_user("审核员丁", Role::Reviewer, Scope::Everywhere);
    let s = t.login("审核员丁").await;
    let bytes = std::fs::read(seed(2)).unwrap();
    let a = upload(
        &t,
        &s,
        &[
            ("../../etc/passwd", bytes.clone()),
            ("<img src=x onerror=alert(1)>.txt", b"not a report".to_vec()),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text());
    let job = a.json();
    let id = job["id"].as_i64().unwrap();
    assert_eq!(job["files"][0]["name"], "passwd");
    assert_eq!(job["files"][1]["name"], "<img src=x onerror=alert(1)>.txt");
    // Only the files folder, and in it only the two hashes.
    let hash = sha256(&bytes);
    let other = sha256(b"not a report");
    let mut expected = vec![
        format!("files/{}/{hash}", &hash[..2]),
        format!("files/{}/{other}", &other[..2]),
    ];
    expected.sort();
    assert_eq!(files_under(&t.state.data_dir), expected);
    assert!(!t.dir.path().join("etc").exists());
    let mut top: Vec<String> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("corpus.db"))
        .collect();
    top.sort();
    assert_eq!(top, vec!["files"]);
    let worker = Worker::start(&t.state).unwrap();
    events_until_done(&t, &s, id).await;
    worker.stop();
    let job = t.get(&format!("/api/jobs/{id}"), Some(&s)).await.json();
    let report_id = job["files"][0]["result"]["report_id"].as_i64().unwrap();
    let mut store = t.state.db.connect().unwrap();
    assert_eq!(
        store.report(report_id).unwrap().source,
        format!("upload/{uid}/passwd")
    );
    // The name is shown escaped.
    let page = t.get(&format!("/upload/jobs/{id}"), Some(&s)).await.text();
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;.txt"),
        "{page}"
    );
    assert!(!page.contains("<img src=x"));
}

#[tokio::test]
async fn only_those_who_may_upload_can_and_a_session_needs_its_csrf_token() {
    let t = TestApp::new();
    t.add_user("只读", Role::Viewer, Scope::Everywhere);
    let uploader = t.add_user("审核员戊", Role::Reviewer, Scope::Everywhere);
    t.add_user("审核员己", Role::Reviewer, Scope::Everywhere);
    t.add_user("管理员", Role::Admin, Scope::Everywhere);
    let files = [("a.txt", std::fs::read(seed(0)).unwrap())];
    let viewer = t.login("只读").await;
    let a = upload(&t, &viewer, &files).await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden_role"))
    );
    assert_eq!(
        t.get("/upload", Some(&viewer)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get("/api/jobs", Some(&viewer)).await.status,
        StatusCode::FORBIDDEN
    );
    // Not logged in.
    let a = t
        .send(
            upload_request(&files)
                .body(Body::from(multipart(&files)))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // A session without its CSRF token, or with a wrong one.
    let s = t.login("审核员戊").await;
    let a = t
        .send(
            upload_request(&files)
                .header(header::COOKIE, &s.cookie)
                .body(Body::from(multipart(&files)))
                .unwrap(),
        )
        .await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf"))
    );
    let wrong = Session {
        csrf: "0".repeat(64),
        ..s.clone()
    };
    assert_eq!(
        upload(&t, &wrong, &files).await.status,
        StatusCode::FORBIDDEN
    );
    let mut store = t.state.db.connect().unwrap();
    assert_eq!(store.jobs(None, 10).unwrap(), vec![]);
    // An API token needs none.
    let token = gongkai_server::auth::token::new_token().unwrap();
    store
        .create_api_token(
            uploader,
            "脚本",
            &gongkai_server::auth::token::digest(&token),
            &Actor::system(),
        )
        .unwrap();
    let a = t
        .send(
            upload_request(&files)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(multipart(&files)))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text());
    let id = a.json()["id"].as_i64().unwrap();
    // The job is its uploader's: another reviewer does not see it, an administrator does.
    let a = t.get(&format!("/api/jobs/{id}"), Some(&s)).await;
    assert_eq!(a.status, StatusCode::OK);
    let other = t.login("审核员己").await;
    let a = t.get(&format!("/api/jobs/{id}"), Some(&other)).await;
    assert_eq!(
        (a.status, a.json()["error"]["message"].as_str()),
        (
            StatusCode::NOT_FOUND,
            Some(format!("没有编号为 {id} 的上传任务").as_str())
        )
    );
    assert_eq!(
        t.get(&format!("/api/jobs/{id}/events"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get("/api/jobs", Some(&other)).await.json(), json!([]));
    assert_eq!(
        t.get("/api/jobs?all=true", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = t.login("管理员").await;
    assert_eq!(
        t.get(&format!("/api/jobs/{id}"), Some(&admin)).await.status,
        StatusCode::OK
    );
    let all = t.get("/api/jobs?all=true", Some(&admin)).await.json();
    assert_eq!(all[0]["id"].as_i64(), Some(id));
    let mine = t.get("/api/jobs", Some(&s)).await.json();
    assert_eq!(
        (mine[0]["id"].as_i64(), mine[0]["status"].as_str()),
        (Some(id), Some("queued"))
    );
}

#[tokio::test]
async fn a_job_left_running_is_resumed_when_the_worker_starts() {
    let t = TestApp::new();
    let uid = t.add_user("审核员庚", Role::Reviewer, Scope::Everywhere);
    let s = t.login("审核员庚").await;
    let first = std::fs::read(seed(3)).unwrap();
    let second = std::fs::read(seed(4)).unwrap();
    let a = upload(&t, &s, &[("三.txt", first.clone()), ("四.txt", second)]).await;
    let id = a.json()["id"].as_i64().unwrap();
    // A worker took it and stored the first file, then its server stopped: the job is
    // left running, its heart stopped a minute ago.
    let mut store = t.state.db.connect().unwrap();
    assert_eq!(store.claim_job("ingest").unwrap().unwrap().job.id, id);
    let kept = gongkai_server::sources::upload_path(&t.state.data_dir, &sha256(&first)).unwrap();
    let (_, before) = gongkai_corpus::ingest::ingest_named(
        &mut store,
        &[gongkai_corpus::ingest::NamedFile {
            read_from: kept,
            name: format!("upload/{uid}/三.txt"),
        }],
        &gongkai_corpus::IngestOptions::default(),
        &|_| Ok(()),
        &|_| {},
        &mut |_| {},
    )
    .unwrap();
    let gongkai_corpus::ingest::FileOutcome::Stored { report_id, .. } = before[0] else {
        panic!("{before:?}")
    };
    store
        .query(
            "UPDATE jobs SET updated_at = updated_at - 60 WHERE id = $1",
            &[id.into()],
        )
        .unwrap();
    assert_eq!(
        store.job(id).unwrap().unwrap().job.status,
        JobStatus::Running
    );
    let _worker = Worker::start(&t.state).unwrap();
    events_until_done(&t, &s, id).await;
    let job = t.get(&format!("/api/jobs/{id}"), Some(&s)).await.json();
    assert_eq!(
        results(&job)
            .into_iter()
            .map(|r| (r.0, r.1))
            .collect::<Vec<_>>(),
        vec![
            ("三.txt".to_string(), "unchanged".to_string()),
            ("四.txt".to_string(), "stored".to_string())
        ]
    );
    // The file stored before the restart is the report it became then, not read again.
    assert_eq!(
        job["files"][0]["result"]["report_id"].as_i64(),
        Some(report_id)
    );
    assert_eq!(store.reports(&Default::default()).unwrap().len(), 2);
}

#[tokio::test]
async fn agency_staff_may_store_only_their_own_agencys_reports() {
    let t = TestApp::new();
    let own = seed(0);
    t.ingest(std::slice::from_ref(&own));
    let mut store = t.state.db.connect().unwrap();
    let agency = store
        .agencies()
        .unwrap()
        .into_iter()
        .find(|a| a.info.name == "瀍河回族区人民政府办公室")
        .unwrap()
        .id;
    let reports_before = store.reports(&Default::default()).unwrap().len();
    t.add_user("机关人员", Role::AgencyStaff, Scope::Agency(agency));
    let s = t.login("机关人员").await;
    let page = t.get("/upload", Some(&s)).await.text();
    assert!(page.contains("机关人员只能上传本机关的报告"));
    let _worker = Worker::start(&t.state).unwrap();
    let a = upload(
        &t,
        &s,
        &[
            ("本机关.txt", std::fs::read(&own).unwrap()),
            ("别的机关.txt", std::fs::read(seed(1)).unwrap()),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text());
    let id = a.json()["id"].as_i64().unwrap();
    events_until_done(&t, &s, id).await;
    let job = t.get(&format!("/api/jobs/{id}"), Some(&s)).await.json();
    assert_eq!(
        results(&job),
        vec![
            (
                "本机关.txt".into(),
                "unchanged".into(),
                Some("瀍河回族区人民政府办公室".into()),
                Some(2021),
                None
            ),
            (
                "别的机关.txt".into(),
                "refused".into(),
                None,
                None,
                Some("报告的机关为“辉县市人民政府”，不在您的负责范围内：机关人员只能上传本机关的报告，未入库".into())
            ),
        ]
    );
    // The refused report is nowhere in the corpus, not even as a failed file.
    assert_eq!(
        store.reports(&Default::default()).unwrap().len(),
        reports_before
    );
    assert_eq!(store.failures().unwrap(), vec![]);
    let paths: Vec<String> = store
        .query("SELECT path FROM files WHERE path LIKE 'upload/%'", &[])
        .unwrap()
        .into_iter()
        .map(|r| r.get("path").unwrap())
        .collect();
    let staff = store.user_by_name("机关人员").unwrap().unwrap().id;
    assert_eq!(paths, vec![format!("upload/{staff}/本机关.txt")]);
    assert!(store
        .agencies()
        .unwrap()
        .iter()
        .all(|a| a.info.name != "辉县市人民政府"));
}

#[tokio::test]
async fn the_cross_report_rules_run_once_after_the_last_queued_upload() {
    let t = TestApp::new();
    t.add_user("审核员辛", Role::Reviewer, Scope::Everywhere);
    let s = t.login("审核员辛").await;
    // Two uploads queued before any worker runs.
    let first = upload(&t, &s, &[("一.txt", std::fs::read(seed(0)).unwrap())]).await;
    let second = upload(&t, &s, &[("二.txt", std::fs::read(seed(1)).unwrap())]).await;
    let (first, second) = (
        first.json()["id"].as_i64().unwrap(),
        second.json()["id"].as_i64().unwrap(),
    );
    let _worker = Worker::start(&t.state).unwrap();
    events_until_done(&t, &s, first).await;
    events_until_done(&t, &s, second).await;
    let message = |id: i64| {
        let mut store = t.state.db.connect().unwrap();
        store.job(id).unwrap().unwrap().job.message
    };
    assert_eq!(
        message(first),
        "1 个文件：新增 1 份报告，新版本 0 份，另一来源 0 个，未变 0 个，失败 0 个，被拒绝 0 个；跨报告规则将在排队的其余上传完成后运行"
    );
    assert_eq!(
        message(second),
        "1 个文件：新增 1 份报告，新版本 0 份，另一来源 0 个，未变 0 个，失败 0 个，被拒绝 0 个"
    );
    // After the last, the cross-report findings are up to date with both reports.
    let mut store = t.state.db.connect().unwrap();
    assert!(!store.cross_state().unwrap().stale);
}

#[tokio::test]
async fn an_upload_right_after_another_leaves_the_cross_report_rules_to_the_idle_worker() {
    let t = TestApp::new();
    t.add_user("审核员壬", Role::Reviewer, Scope::Everywhere);
    let s = t.login("审核员壬").await;
    let _worker = Worker::start(&t.state).unwrap();
    let first = upload(&t, &s, &[("一.txt", std::fs::read(seed(0)).unwrap())]).await;
    let first = first.json()["id"].as_i64().unwrap();
    events_until_done(&t, &s, first).await;
    let second = upload(&t, &s, &[("二.txt", std::fs::read(seed(1)).unwrap())]).await;
    let second = second.json()["id"].as_i64().unwrap();
    events_until_done(&t, &s, second).await;
    let mut store = t.state.db.connect().unwrap();
    assert_eq!(
        store.job(first).unwrap().unwrap().job.message,
        "1 个文件：新增 1 份报告，新版本 0 份，另一来源 0 个，未变 0 个，失败 0 个，被拒绝 0 个"
    );
    assert_eq!(
        store.job(second).unwrap().unwrap().job.message,
        "1 个文件：新增 1 份报告，新版本 0 份，另一来源 0 个，未变 0 个，失败 0 个，被拒绝 0 个；跨报告规则刚运行过，将在 1 分钟内再次运行"
    );
    // Until the interval has passed the corpus says its cross-report findings are stale.
    assert!(store.cross_state().unwrap().stale);
    assert_eq!(
        gongkai_server::jobs::CROSS_MIN_INTERVAL,
        std::time::Duration::from_secs(60)
    );
}
