//! The workspace in a real browser: headless Chromium driven over WebDriver
//! (chromedriver), against the server on a loopback port. Screenshots of each page go
//! to `docs/screenshots/` (the README shows them).
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`, installed by `.ci/run`). Without them the test says so and
//! passes, unless `GONGKAI_REQUIRE_CHROMIUM=1` (set by CI), when it fails.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestApp, PASSWORD};
use fantoccini::{Client, ClientBuilder, Locator};
use gongkai_model::access::{Role, Scope};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// None when Chromium is not installed and CI does not require it.
async fn browser() -> Option<(Driver, Client)> {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        if std::env::var_os("GONGKAI_REQUIRE_CHROMIUM").is_some() {
            panic!("GONGKAI_REQUIRE_CHROMIUM is set but {CHROMIUM} or {CHROMEDRIVER} is missing");
        }
        eprintln!("e2e: Chromium not installed; skipped (CI installs it and requires it)");
        return None;
    }
    let port = free_port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = tempfile::tempdir().unwrap();
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000",
                format!("--user-data-dir={}", profile.keep().display()),
            ]
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(e) if Instant::now() > deadline => panic!("cannot reach chromedriver: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Serves `t` on a loopback port; the base URL.
async fn serve(t: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = t
        .app
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn screenshots() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&p).unwrap();
    p
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn login(c: &Client, base: &str, name: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=name]"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    shot(c, "01-login").await;
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Waits until `css` matches an element whose text contains `text`.
async fn wait_text(c: &Client, css: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(found) = c.find_all(Locator::Css(css)).await {
            for e in found {
                if let Ok(t) = e.text().await {
                    if t.contains(text) {
                        return t;
                    }
                }
            }
        }
        if Instant::now() > deadline {
            let page = c.source().await.unwrap_or_default();
            panic!("no {css} with “{text}” within 60 s; page:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Picks `files` in the upload page's file input and waits until every one has its
/// result; the results' texts.
async fn upload(c: &Client, base: &str, files: &[PathBuf], shot_name: &str) -> Vec<String> {
    c.goto(&format!("{base}/upload")).await.unwrap();
    let input = c.find(Locator::Css("#pick-files")).await.unwrap();
    // WebDriver takes several files as one value, one path per line.
    let paths: Vec<String> = files
        .iter()
        .map(|p| p.canonicalize().unwrap().display().to_string())
        .collect();
    input.send_keys(&paths.join("\n")).await.unwrap();
    wait_text(
        c,
        "#summary",
        &format!("完成 {}，失败或被拒绝 0", files.len()),
    )
    .await;
    shot(c, shot_name).await;
    let mut out = Vec::new();
    for li in c.find_all(Locator::Css("#queue li.file")).await.unwrap() {
        out.push(li.text().await.unwrap());
    }
    out
}

/// The report number a row of the upload results links to.
fn report_link(row: &str) -> i64 {
    let at = row
        .find("报告 #")
        .unwrap_or_else(|| panic!("no report link in {row}"));
    row[at + "报告 #".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// In the browser's session: (status, content type, size, first two bytes) of a GET.
async fn fetch(c: &Client, path: &str) -> (u64, String, u64, String) {
    let answer = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               fetch(arguments[0], {credentials: "same-origin"})
                 .then(r => r.arrayBuffer().then(b => done([r.status,
                    r.headers.get("content-type") || "", b.byteLength,
                    String.fromCharCode(...new Uint8Array(b.slice(0, 2)))])))
                 .catch(e => done([0, String(e), 0, ""]));"#,
            vec![serde_json::json!(path)],
        )
        .await
        .unwrap();
    (
        answer[0].as_u64().unwrap(),
        answer[1].as_str().unwrap().to_string(),
        answer[2].as_u64().unwrap(),
        answer[3].as_str().unwrap().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewers_day_in_the_browser() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let t = TestApp::new();
    t.add_user("审核员", Role::Reviewer, Scope::Everywhere);
    let _worker = gongkai_server::jobs::Worker::start(&t.state).unwrap();
    let base = serve(&t).await;

    // Log in.
    login(&c, &base, "审核员").await;
    wait_text(&c, "header.top", "退出").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/reports");

    // Upload a PDF, a DOCX and a text report; each gets its report.
    let corpus = common::shared().join("corpus");
    let text = common::examples().join("seeds/000_bdef848fa1eb37a7.txt");
    let files = vec![
        corpus.join("hongze_district_2023.pdf"),
        corpus.join("pingtan_zone_2024-docx.docx"),
        text.clone(),
    ];
    let rows = upload(&c, &base, &files, "02-upload").await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (row, agency) in rows.iter().zip([
        "淮安市洪泽区人民政府 2023 年",
        "平潭综合实验区",
        "瀍河回族区人民政府办公室 2021 年",
    ]) {
        assert!(row.contains("已入库") && row.contains(agency), "{row}");
    }
    let text_report = report_link(&rows[2]);

    // The list shows the three.
    c.goto(&format!("{base}/reports")).await.unwrap();
    wait_text(&c, "main", "瀍河回族区人民政府办公室").await;
    shot(&c, "03-reports").await;

    // The text report: its prose-table finding (B001) marks the table cells.
    c.goto(&format!("{base}/reports/{text_report}"))
        .await
        .unwrap();
    let b001 = c
        .find(Locator::XPath(
            "//li[contains(@class,'finding')][.//code[text()='B001']]",
        ))
        .await
        .unwrap();
    let cells = b001.attr("data-cells").await.unwrap().unwrap();
    assert!(!cells.is_empty());
    for cell in cells.split(' ') {
        let td = c
            .find(Locator::Css(&format!("td[data-cell='{cell}']")))
            .await
            .unwrap();
        let class = td.attr("class").await.unwrap().unwrap_or_default();
        assert!(class.contains("marked"), "{cell}: {class}");
    }
    // Clicking the finding selects its cells and shows the source line.
    b001.find(Locator::Css("p.message"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let place = wait_text(&c, "#source", "行").await;
    assert!(
        place.contains("本年度区政府办未收到依申请公开事项"),
        "{place}"
    );
    let selected = c.find_all(Locator::Css("td.cell.selected")).await.unwrap();
    assert_eq!(selected.len(), cells.split(' ').count());
    shot(&c, "04-report-finding").await;

    // The PDF's source is its page redrawn from the reader's glyphs, with the boxes of
    // the finding's five numbers highlighted.
    let pdf_report = report_link(&rows[0]);
    c.goto(&format!("{base}/reports/{pdf_report}"))
        .await
        .unwrap();
    c.find(Locator::XPath(
        "//li[contains(@class,'finding')][.//code[text()='A201']]//p[contains(@class,'message')]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#source svg rect.highlight"))
        .await
        .unwrap();
    let boxes = c
        .find_all(Locator::Css("#source svg rect.highlight"))
        .await
        .unwrap();
    assert_eq!(boxes.len(), 5);
    c.execute(
        "document.querySelector('#source svg').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "05-pdf-source").await;

    // Dismiss B001 with a comment.
    c.goto(&format!("{base}/reports/{text_report}"))
        .await
        .unwrap();
    let form = c
        .find(Locator::XPath(
            "//li[contains(@class,'finding')][.//code[text()='B001']]//form",
        ))
        .await
        .unwrap();
    form.find(Locator::Css("textarea[name=comment]"))
        .await
        .unwrap()
        .send_keys("正文所述为区政府办本级，表格含各部门，非错误")
        .await
        .unwrap();
    form.find(Locator::Css("button[value=dismissed]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let state = wait_text(&c, "li.finding p.decision-state", "驳回").await;
    assert!(state.contains("审核员"), "{state}");
    shot(&c, "06-decision").await;

    // A new version of the same report (one more line at its end): the decision stays.
    let dir = tempfile::tempdir().unwrap();
    let v2 = dir.path().join("000_bdef848fa1eb37a7-修订.txt");
    let mut bytes = std::fs::read(&text).unwrap();
    bytes.extend_from_slice("\n（本报告已于次年修订。）\n".as_bytes());
    std::fs::write(&v2, bytes).unwrap();
    let rows = upload(&c, &base, &[v2], "07-upload-new-version").await;
    assert!(rows[0].contains("新版本"), "{rows:?}");
    let v2_report = report_link(&rows[0]);
    assert_ne!(v2_report, text_report);
    c.goto(&format!("{base}/reports/{v2_report}"))
        .await
        .unwrap();
    let kept = c
        .find(Locator::XPath(
            "//li[contains(@class,'finding')][.//code[text()='B001']]//p[contains(@class,'decision-state')]",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        kept.contains("驳回") && kept.contains("正文所述为区政府办本级"),
        "{kept}"
    );
    shot(&c, "08-decision-kept").await;

    // Coverage: 瀍河回族区 reported for 2021 only, so 2022–2024 are missing.
    c.goto(&format!("{base}/coverage")).await.unwrap();
    wait_text(&c, "main", "覆盖").await;
    let row = c
        .find(Locator::XPath("//tr[.//a[contains(text(),'瀍河回族区')]]"))
        .await;
    let row = match row {
        Ok(r) => r,
        Err(_) => {
            // The tree starts at the provinces: open 河南省, then 洛阳市.
            for name in ["河南省", "洛阳市", "瀍河回族区"] {
                if let Ok(a) = c.find(Locator::LinkText(name)).await {
                    a.click().await.unwrap();
                }
            }
            c.find(Locator::XPath("//tr[.//a[contains(text(),'瀍河回族区')]]"))
                .await
                .unwrap()
        }
    };
    let missing = row.find_all(Locator::Css("td.year.missing")).await.unwrap();
    assert_eq!(missing.len(), 3);
    shot(&c, "09-coverage").await;

    // The XLSX download.
    c.goto(&format!("{base}/exports")).await.unwrap();
    let href = c
        .find(Locator::Css("a.download[href*=xlsx]"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    shot(&c, "10-exports").await;
    let (status, kind, size, magic) = fetch(&c, &href).await;
    assert_eq!(status, 200);
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(size > 5_000, "{size}");
    assert_eq!(magic, "PK");
    c.close().await.unwrap();
}

/// Sets a form field's value (date inputs take keys in the browser's locale; the value
/// is what the form sends).
async fn set_value(c: &Client, css: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1];",
        vec![serde_json::json!(css), serde_json::json!(value)],
    )
    .await
    .unwrap();
}

async fn submit(c: &Client, form_css: &str) {
    c.find(Locator::Css(&format!("{form_css} button[type=submit]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agencys_ledger_in_the_browser() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let t = TestApp::new();
    t.ingest(&[common::examples()]);
    let huixian = t.agency_id("辉县市人民政府");
    t.add_user("辉县台账员", Role::AgencyStaff, Scope::Agency(huixian));
    let base = serve(&t).await;
    login(&c, &base, "辉县台账员").await;
    wait_text(&c, "header.top", "台账").await;

    // The navigation's 台账 goes to the agency's own ledger.
    c.find(Locator::LinkText("台账"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(&c, "h1", "辉县市人民政府 · 申请台账").await;
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("/agencies/{huixian}/ledger")
    );

    // A request received on Monday 2 February 2026, by the form.
    let form = "form[action$='/ledger/requests']";
    c.find(Locator::Css(&format!("{form} input[name=id]")))
        .await
        .unwrap()
        .send_keys("2026-001")
        .await
        .unwrap();
    c.find(Locator::Css(&format!("{form} input[name=applicant]")))
        .await
        .unwrap()
        .send_keys("张三")
        .await
        .unwrap();
    set_value(&c, &format!("{form} input[name=received]"), "2026-02-02").await;
    c.find(Locator::Css(&format!("{form} textarea[name=content]")))
        .await
        .unwrap()
        .send_keys("某项目的批复文件")
        .await
        .unwrap();
    shot(&c, "11-ledger").await;
    submit(&c, form).await;

    // Its page: the timeline, the deadline across 春节 with every skipped day explained.
    wait_text(&c, "h1", "申请 2026-001").await;
    let explained = wait_text(&c, "ul.explanation", "春节").await;
    assert!(explained.contains("2026-03-06"), "{explained}");
    assert!(explained.contains("调休"), "{explained}");
    // Answered on 5 March: 予以公开.
    let close = "form[action$='/close']";
    set_value(&c, &format!("{close} input[name=date]"), "2026-03-05").await;
    shot(&c, "12-ledger-request").await;
    submit(&c, close).await;
    let timeline = wait_text(&c, "ol.timeline", "办结").await;
    assert!(timeline.contains("（一）予以公开"), "{timeline}");

    // The 2026 tables: the number of 予以公开 by natural persons lists the request.
    c.goto(&format!("{base}/agencies/{huixian}/ledger/tables/2026"))
        .await
        .unwrap();
    let cell = c
        .find(Locator::Css(
            "td[data-cell='request.granted.natural_person'] a",
        ))
        .await
        .unwrap();
    assert_eq!(cell.text().await.unwrap(), "1");
    cell.click().await.unwrap();
    let drill = wait_text(&c, "#drill", "1 件申请").await;
    assert!(drill.contains("2026-001"), "{drill}");
    shot(&c, "13-ledger-tables").await;

    // The report: the gate lists what blocks it (no text for 五 yet: S004).
    c.goto(&format!("{base}/agencies/{huixian}/ledger/report/2026"))
        .await
        .unwrap();
    let gate = wait_text(&c, "section.gate", "把关未通过").await;
    assert!(gate.contains("S004"), "{gate}");
    let final_button = c
        .find(Locator::Css("form[action$='/final'] button"))
        .await
        .unwrap();
    assert_eq!(
        final_button.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    // Writing 五 and saving: S004 is gone from the gate.
    c.find(Locator::Css("textarea[name=problems]"))
        .await
        .unwrap()
        .send_keys("政策解读形式较单一。")
        .await
        .unwrap();
    submit(&c, "form[action$='/text']").await;
    wait_text(&c, "textarea[name=problems]", "政策解读形式较单一。").await;
    let gate = c
        .find(Locator::Css("section.gate"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!gate.contains("S004"), "{gate}");
    shot(&c, "14-ledger-report").await;
    c.close().await.unwrap();
}
