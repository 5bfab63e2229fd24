//! `gongkai ledger deadline` and `ledger calendar`: the spec's golden dates through the
//! binary, the JSON keys the issue names, local closures, and clear errors (exit 2).

use std::process::{Command, Output};

use serde_json::Value;

fn ledger(args: &[&str]) -> (i32, Output) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("ledger")
        .args(args)
        .output()
        .expect("run gongkai");
    (out.status.code().expect("exit code"), out)
}

/// `gongkai ledger SUBCOMMAND --database DB --agency AGENCY REST…`: exit status, standard
/// output and standard error.
fn on_ledger(db: &str, agency: &str, args: &[&str]) -> (i32, String, String) {
    let mut all = vec![args[0]];
    all.extend(["--database", db, "--agency", agency]);
    all.extend(&args[1..]);
    let (code, out) = ledger(&all);
    (
        code,
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, out) = ledger(&all);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn the_golden_dates_with_the_keys_the_issue_names() {
    for (received, due, extended) in [
        ("2026-02-10", "2026-03-16", "2026-04-14"),
        ("2026-09-15", "2026-10-19", "2026-11-16"),
    ] {
        let v = json(&["deadline", "--received", received]);
        assert_eq!(v["due"], due);
        assert_eq!(v["provisional"], false);
        assert!(v["explanation"].as_str().unwrap().starts_with(&format!(
            "{received} 为第 0 日，自次日起算 20 个工作日，至 {due} 止。"
        )));
        let v = json(&["deadline", "--received", received, "--extended"]);
        assert_eq!(v["due"], extended);
    }
    let v = json(&["deadline", "--received", "2024-12-25"]);
    assert_eq!(v["due"], "2025-01-23");
    let v = json(&["deadline", "--received", "2021-01-29"]);
    assert_eq!(v["due"], "2021-03-03");
    assert_eq!(v["correction_notice_due"], "2021-02-08");
}

#[test]
fn events_a_channel_and_the_human_form() {
    let v = json(&[
        "deadline",
        "--received",
        "2026-03-02",
        "--channel",
        "post-signed",
        "--event",
        "correction-requested=2026-03-05",
        "--event",
        "correction-received=2026-03-20",
    ]);
    assert_eq!(v["due"], "2026-04-20");
    assert_eq!(v["deadlines"]["day_zero"], "2026-03-20");
    assert_eq!(
        v["deadlines"]["receipt_rule"],
        "以邮寄等需要签收方式提交的，以签收之日为收到申请之日"
    );
    // Waiting for the correction: no due date yet, said so.
    let v = json(&[
        "deadline",
        "--received",
        "2026-03-02",
        "--event",
        "correction-requested=2026-03-05",
    ]);
    assert_eq!(v["due"], Value::Null);
    let (code, out) = ledger(&["deadline", "--received", "2026-12-15"]);
    assert_eq!(code, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("答复期限：2027-01-12（暂定）\n"), "{text}");
    assert!(text.contains("【暂定】日历中没有 2027 年的国务院办公厅节假日安排通知"));
}

#[test]
fn a_local_closure_file_moves_the_date() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("本地.csv");
    std::fs::write(&file, "日期,类型,名称\n2026-03-16,休,防汛停工\n").unwrap();
    let v = json(&[
        "deadline",
        "--received",
        "2026-02-10",
        "--calendar",
        file.to_str().unwrap(),
    ]);
    assert_eq!(v["due"], "2026-03-17");
    assert!(v["explanation"]
        .as_str()
        .unwrap()
        .contains("2026-03-16 防汛停工（本地放假"));
}

#[test]
fn the_calendar_of_a_year_names_its_notices() {
    let v = json(&["calendar", "2020"]);
    assert_eq!(v["provisional"], false);
    assert_eq!(v["notices"].as_array().unwrap().len(), 2);
    let days = v["days"].as_array().unwrap();
    let feb1 = days.iter().find(|d| d["date"] == "2020-02-01").unwrap();
    assert_eq!(feb1["working"], false);
    assert_eq!(feb1["why"]["notice"]["number"], "国办发明电〔2020〕1号");
    let v = json(&["calendar", "2027"]);
    assert_eq!(v["provisional"], true);
    assert_eq!(v["days"].as_array().unwrap().len(), 0);
}

#[test]
fn bad_input_is_a_clear_error() {
    for (args, message) in [
        (
            vec!["deadline", "--received", "2026-02-30"],
            "--received 不是有效日期：2026-02-30",
        ),
        (
            vec![
                "deadline",
                "--received",
                "2026-03-02",
                "--event",
                "answered=2026-03-01",
            ],
            "答复（2026-03-01）早于收到申请之日（2026-03-02）",
        ),
        (
            vec![
                "deadline",
                "--received",
                "2026-03-02",
                "--event",
                "paid=2026-03-04",
            ],
            "没有这种事件：paid",
        ),
        (
            vec![
                "deadline",
                "--received",
                "2026-03-02",
                "--calendar",
                "/nonexistent/x.csv",
            ],
            "无法读取本地日历 /nonexistent/x.csv",
        ),
    ] {
        let (code, out) = ledger(&args);
        assert_eq!(code, 2, "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

/// `ledger …` on a database: one agency's requests through their life, the list of
/// what is due, the year's tables with drill-down, and a change refused whole.
#[test]
fn a_ledger_in_the_database_from_requests_to_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let db = db.to_str().unwrap();
    let run = |args: &[&str]| on_ledger(db, "某市教育局", args);
    let ok = |args: &[&str]| {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    ok(&[
        "add",
        "--id",
        "2026-001",
        "--applicant",
        "张三",
        "--kind",
        "自然人",
        "--channel",
        "online",
        "--received",
        "2026-02-10",
    ]);
    ok(&[
        "add",
        "--id",
        "2026-002",
        "--applicant",
        "某律所",
        "--kind",
        "legal_service_org",
        "--channel",
        "post-signed",
        "--received",
        "2026-09-15",
    ]);
    ok(&[
        "add",
        "--id",
        "2025-090",
        "--applicant",
        "李四",
        "--kind",
        "natural_person",
        "--channel",
        "in-person",
        "--received",
        "2025-12-20",
    ]);
    ok(&[
        "add",
        "--id",
        "2026-003",
        "--applicant",
        "王五",
        "--kind",
        "商业企业",
        "--channel",
        "fax",
        "--received",
        "2026-11-20",
    ]);
    ok(&[
        "add",
        "--id",
        "2026-004",
        "--applicant",
        "赵六",
        "--kind",
        "自然人",
        "--channel",
        "online",
        "--received",
        "2026-10-20",
    ]);
    ok(&["event", "2026-002", "third-party-started=2026-09-18"]);
    ok(&[
        "close",
        "2026-001",
        "--outcome",
        "granted",
        "--date",
        "2026-03-10",
        "--ground",
        "第三十六条第（二）项",
    ]);
    ok(&[
        "close",
        "2025-090",
        "--outcome",
        "unable_not_held",
        "--date",
        "2026-01-15",
    ]);
    ok(&["split", "2026-004", "2026-004-1", "2026-004-2"]);
    ok(&[
        "close",
        "2026-004-1",
        "--outcome",
        "（三）不予公开·1.属于国家秘密",
        "--date",
        "2026-11-02",
    ]);
    ok(&[
        "case",
        "FY-1",
        "--kind",
        "review",
        "--filed",
        "2026-04-01",
        "--result",
        "upheld",
        "--decided",
        "2026-06-01",
        "--request",
        "2026-001",
    ]);
    ok(&[
        "document",
        "GF-1",
        "--kind",
        "normative_document",
        "--issued",
        "2024-05-01",
    ]);
    ok(&[
        "year",
        "2026",
        "--licensing",
        "120",
        "--penalty",
        "30",
        "--coercion",
        "0",
        "--fees",
        "1.25",
    ]);

    // What is open, overdue first: 2026-004-2 (received 10-20, due 11-17) is overdue on
    // 12-04; 2026-003 is due 12-18; 2026-002's clock stands (third party).
    let out = ok(&["list", "--today", "2026-12-04", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let rows: Vec<(&str, &str)> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2026-004-2", "逾期 13 个工作日"),
            ("2026-003", "还有 10 个工作日"),
            ("2026-002", "计时停止：征求第三方意见"),
        ]
    );

    let out = ok(&["tables", "--year", "2026", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let rows = &v["tables"]["requests"]["rows"];
    assert_eq!(
        rows["new_received"],
        serde_json::json!([3, 1, 0, 0, 1, 0, 5])
    );
    assert_eq!(
        rows["carried_over"],
        serde_json::json!([1, 0, 0, 0, 0, 0, 1])
    );
    assert_eq!(rows["granted"], serde_json::json!([1, 0, 0, 0, 0, 0, 1]));
    assert_eq!(
        rows["denied_state_secret"],
        serde_json::json!([1, 0, 0, 0, 0, 0, 1])
    );
    assert_eq!(
        rows["unable_not_held"],
        serde_json::json!([1, 0, 0, 0, 0, 0, 1])
    );
    assert_eq!(
        rows["total_processed"],
        serde_json::json!([3, 0, 0, 0, 0, 0, 3])
    );
    assert_eq!(
        rows["carried_forward"],
        serde_json::json!([1, 1, 0, 0, 1, 0, 3])
    );
    assert_eq!(v["tables"]["review_litigation"]["review"]["upheld"], 1);
    assert_eq!(
        v["tables"]["active_disclosure"]["normative_documents"]["in_force"],
        1
    );
    assert_eq!(
        v["tables"]["active_disclosure"]["fees"]["amount_10k_yuan"],
        "1.25"
    );

    let out = ok(&[
        "tables",
        "--year",
        "2026",
        "--cell",
        "new_received:natural_person",
    ]);
    assert_eq!(
        out,
        "表三「一、本年新收」行「自然人」列：3 件申请\n  2026-001\n  2026-004-1\n  2026-004-2\n"
    );

    // A change that would make the ledger wrong is refused whole, and says why.
    let (code, _, err) = run(&[
        "close",
        "2026-003",
        "--outcome",
        "granted",
        "--date",
        "2026-11-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("未保存：2026-003：办结日期 2026-11-01 早于收到申请之日 2026-11-20"),
        "{err}"
    );
    let out = ok(&["show", "2026-003", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["request"]["closure"], Value::Null);
    let (code, _, err) = run(&[
        "add",
        "--id",
        "2026-001",
        "--applicant",
        "x",
        "--kind",
        "自然人",
        "--channel",
        "online",
        "--received",
        "2026-02-10",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("申请编号 2026-001 已经登记"), "{err}");

    // The whole report: without the agency's text for 五 the gate does not pass (S004);
    // a draft is written, a final one is not.
    let docx = dir.path().join("报告.docx");
    let docx_s = docx.to_str().unwrap();
    let (code, out, err) = run(&["report", "--year", "2026", "-o", docx_s]);
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("已生成草稿："), "{out}");
    assert!(err.contains("S004 错误"), "{err}");
    let html_final = dir.path().join("报告.html");
    let html_s = html_final.to_str().unwrap();
    let (code, _, err) = run(&["report", "--year", "2026", "-o", html_s, "--final"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("把关未通过：1 条问题、0 处读回不一致，未定稿，未写出文件"),
        "{err}"
    );
    assert!(!html_final.exists());
    let problems = dir.path().join("problems.txt");
    std::fs::write(
        &problems,
        "政策解读形式较单一。\n\n下一步将丰富解读形式。\n",
    )
    .unwrap();
    let (code, out, err) = run(&[
        "report",
        "--year",
        "2026",
        "-o",
        html_s,
        "--final",
        "--problems",
        problems.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("已定稿："), "{out}");
    assert!(err.is_empty(), "{err}");
    // What was written is a report gongkai reads back as the ledger's tables.
    let checked = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["parse", html_s, "--bare"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&checked.stdout).unwrap();
    assert_eq!(v["agency"], "某市教育局");
    assert_eq!(
        v["requests"]["rows"]["carried_forward"],
        serde_json::json!([1, 1, 0, 0, 1, 0, 3])
    );
    let page = std::fs::read_to_string(&html_final).unwrap();
    assert!(
        page.contains("2026年，本机关新收政府信息公开申请5件，上年结转1件；办结3件"),
        "{page}"
    );
    assert!(page.contains("2026年，本机关未收取信息处理费。"));

    // Every change is in the audit log, and so is the final report with its digest.
    let mut store = gongkai_store::Store::open(db).unwrap();
    let log = store.audit_log(None, 1000).unwrap();
    let last = &log[0];
    assert_eq!(last.action, "ledger.report.final");
    assert_eq!(last.target, "某市教育局/2026");
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(page.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(last.after.as_ref().unwrap()["sha256"], digest.as_str());
    let puts = log
        .iter()
        .filter(|e| e.action == "ledger.request.put")
        .count();
    // 5 added, 1 event, 3 closed, the split (the original and its 2 parts).
    assert_eq!(puts, 5 + 1 + 3 + 3);
    assert!(log.iter().all(|e| e.user_name == "命令行"));
    // The text kept in the ledger (`ledger text`) is used when no file is given.
    let (code, out, err) = run(&[
        "text",
        "--year",
        "2026",
        "--problems",
        problems.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "已保存 某市教育局 2026 年度报告的文字\n");
    // PDF, in the installed Chinese font, read back through the PDF reader.
    let pdf = dir.path().join("报告.pdf");
    let (code, out, err) = run(&[
        "report",
        "--year",
        "2026",
        "-o",
        pdf.to_str().unwrap(),
        "--final",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("已定稿："), "{out}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let kept = dir.path().join("kept.docx");
    let (code, out, err) = run(&[
        "report",
        "--year",
        "2026",
        "-o",
        kept.to_str().unwrap(),
        "--final",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("已定稿："), "{out}");
    let mut store = gongkai_store::Store::open(db).unwrap();
    let texts = store.ledger("某市教育局").unwrap().texts;
    assert_eq!(
        texts[&2026].problems,
        ["政策解读形式较单一。", "下一步将丰富解读形式。"]
    );
}

/// `ledger import` / `ledger export`: a sheet with planted bad rows changes nothing and
/// lists exactly those rows; `--partial` takes the good ones; an export imports back.
#[test]
fn an_excel_ledger_in_and_out() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let db = db.to_str().unwrap();
    let run = |args: &[&str]| on_ledger(db, "某区民政局", args);
    let sheet = dir.path().join("台账.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [[&str; 8]; 5] = [
        [
            "编号",
            "申请人",
            "申请人类别",
            "来件方式",
            "收到日期",
            "办理结果",
            "办结日期",
            "备注",
        ],
        [
            "M-1",
            "张三",
            "自然人",
            "网上",
            "2026-03-02",
            "予以公开",
            "2026-03-20",
            "",
        ],
        [
            "M-2",
            "某基金会",
            "社会公益组织",
            "当面",
            "2026-03-03",
            "",
            "",
            "电话沟通",
        ],
        [
            "M-3",
            "李四",
            "自然人",
            "网上",
            "2026-03-10",
            "重复申请",
            "2026-03-09",
            "",
        ],
        ["M-4", "王五", "个人", "网上", "2026-03-11", "", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(&sheet).unwrap();
    let mapping = dir.path().join("对照.txt");
    std::fs::write(&mapping, "来件方式=提交方式\n").unwrap();
    let (s, m) = (sheet.to_str().unwrap(), mapping.to_str().unwrap());

    let (code, out, err) = run(&["import", s, "--mapping", m]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        err,
        "第 4 行：办结日期 2026-03-09 早于收到申请之日 2026-03-10\n\
         第 4 行：答复（2026-03-09）早于收到申请之日（2026-03-10）\n\
         第 5 行「申请人类别」列：没有这种申请人类别：个人\n\
         未导入的列（不是台账的标准列，可用 --mapping 对照）：备注\n\
         2 行有问题，未导入任何一行（改正后重新导入，或用 --partial 只导入没有问题的 2 行）\n"
    );
    let (_, out, _) = run(&["list", "--all", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["requests"].as_array().unwrap().len(),
        0,
        "nothing imported"
    );

    let (code, out, _) = run(&["import", s, "--mapping", m, "--partial"]);
    assert_eq!(code, 1);
    assert_eq!(out, "已导入 2 件申请（新增 2，更新 0）；2 行有问题未导入\n");

    // Exported, and imported again: the same two, updated.
    let exported = dir.path().join("导出.xlsx");
    let (code, out, _) = run(&["export", "-o", exported.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.starts_with("已导出 2 件申请"));
    let (code, out, err) = run(&["import", exported.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "已导入 2 件申请（新增 0，更新 2）\n");
    let (_, out, _) = run(&["show", "M-1", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["request"]["closure"]["outcome"], "granted");
    assert_eq!(v["request"]["channel"], "online");
}
