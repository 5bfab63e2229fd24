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
