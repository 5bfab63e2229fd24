//! The 台账 as a workbook: any ledger written and read back gives the same requests; a
//! sheet with local headers and planted bad rows lists exactly those rows, each with
//! its column and reason.

use gongkai_ledger::sample::random_ledger;
use gongkai_ledger::Request;
use gongkai_ledger_sheet::{export, import, BadRow, Mapping};
use proptest::prelude::*;

fn sorted(mut rs: Vec<Request>) -> Vec<Request> {
    for r in &mut rs {
        r.events.sort_by_key(|e| (e.date(), e.label()));
    }
    rs.sort_by(|a, b| a.id.cmp(&b.id));
    rs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]
    #[test]
    fn a_ledger_written_and_read_back_is_the_same(seed in any::<u64>(), n in 1usize..400) {
        let ledger = random_ledger(seed, n);
        let bytes = export(&ledger).unwrap();
        let back = import(&bytes, &Mapping::default()).unwrap();
        prop_assert!(back.bad.is_empty(), "{:?}", back.bad);
        prop_assert!(back.ignored_columns.is_empty());
        let read: Vec<Request> = back.requests.into_iter().map(|(_, r)| r).collect();
        prop_assert_eq!(sorted(read), sorted(ledger.requests.clone()));
    }
}

/// A sheet as agencies make them: a title row above the header, local header names.
fn planted() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "某市教育局2026年政府信息公开申请登记台账")
        .unwrap();
    let headers = [
        "序号",
        "申请人姓名或名称",
        "申请人类型",
        "来件方式",
        "受理日期",
        "申请事项",
        "答复结果",
        "答复日期",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let rows: [[&str; 8]; 7] = [
        [
            "2026-001",
            "张三",
            "自然人",
            "网上",
            "2026-02-10",
            "招生计划",
            "予以公开",
            "2026-03-01",
        ],
        [
            "2026-002",
            "某公司",
            "企业",
            "网上",
            "2026-02-11",
            "",
            "",
            "",
        ],
        [
            "2026-003",
            "李四",
            "自然人",
            "网上",
            "2026-02-30",
            "",
            "",
            "",
        ],
        ["", "王五", "自然人", "当面", "2026-03-01", "", "", ""],
        [
            "2026-005",
            "赵六",
            "自然人",
            "传真",
            "2026-03-02",
            "",
            "（三）不予公开·1.属于国家秘密",
            "",
        ],
        [
            "2026-001",
            "钱七",
            "自然人",
            "邮寄",
            "2026-03-03",
            "",
            "",
            "",
        ],
        [
            "2026-007",
            "孙八",
            "法律服务机构",
            "飞鸽传书",
            "2026-03-04",
            "",
            "",
            "",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
            }
        }
    }
    // A good row whose date is an Excel date, not text.
    ws.write_string(9, 0, "2026-008").unwrap();
    ws.write_string(9, 1, "周九").unwrap();
    ws.write_string(9, 2, "科研机构").unwrap();
    ws.write_string(9, 3, "当面").unwrap();
    ws.write_datetime_with_format(9, 4, ExcelDateTime::from_ymd(2026, 3, 5).unwrap(), &date)
        .unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn planted_bad_rows_are_listed_exactly() {
    let mapping = Mapping::parse("# 本市台账的列名\n来件方式=提交方式\n").unwrap();
    let got = import(&planted(), &mapping).unwrap();
    let bad: Vec<String> = got.bad.iter().map(BadRow::to_string).collect();
    assert_eq!(
        bad,
        [
            "第 4 行「申请人类型」列：没有这种申请人类别：企业",
            "第 5 行「受理日期」列：日期无法识别：2026-02-30",
            "第 6 行「序号」列：不能为空",
            "第 7 行「答复日期」列：有办理结果，但没有办结日期",
            "第 8 行「序号」列：编号 2026-001 与第 3 行重复",
            "第 9 行「来件方式」列：没有这种提交方式：飞鸽传书",
        ]
    );
    let ids: Vec<(usize, &str)> = got
        .requests
        .iter()
        .map(|(n, r)| (*n, r.id.as_str()))
        .collect();
    assert_eq!(ids, [(3, "2026-001"), (10, "2026-008")]);
    assert_eq!(got.requests[1].1.received.to_string(), "2026-03-05");
    let first = &got.requests[0].1;
    assert_eq!(first.closure.as_ref().unwrap().outcome.code(), "granted");
    // Without the mapping the channel column is not known: the sheet is refused whole.
    let err = import(&planted(), &Mapping::default()).unwrap_err();
    assert_eq!(err.to_string(), "第 2 行是表头，但缺少必需的列：提交方式");
    assert!(Mapping::parse("来件方式=来件")
        .unwrap_err()
        .to_string()
        .contains("没有这个标准表头：来件"));
}
