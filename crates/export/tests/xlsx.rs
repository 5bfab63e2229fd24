//! The workbook of the seed reports, read back with calamine and opened as a zip.

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};
use common::{export_reports, legacy_report, seeds};
use gongkai_export::{workbook_bytes, write_xlsx, write_xlsx_path, ExportReport, SHEET_NAMES};
use gongkai_model::metrics::METRICS;
use gongkai_model::schema::{ActiveRowKey, Edition};
use gongkai_model::{ActiveTable, Cell, Origin, Report, Severity, Value};

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).expect("calamine opens the workbook")
}

fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name).unwrap()
}

/// The cell at an absolute (row, column), `Empty` when nothing is there.
fn at(r: &Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn s(text: &str) -> Data {
    Data::String(text.to_string())
}

fn n(x: f64) -> Data {
    Data::Float(x)
}

#[test]
fn sheets_headers_and_exact_cells() {
    let seeds = seeds();
    let reports = export_reports(&seeds);
    let mut wb = open(workbook_bytes(&reports).unwrap());
    assert_eq!(wb.sheet_names(), SHEET_NAMES.map(String::from).to_vec());
    assert_eq!(
        SHEET_NAMES,
        [
            "报告",
            "表二 主动公开",
            "表三 依申请",
            "表四 复议诉讼",
            "问题",
            "指标",
            "说明"
        ]
    );

    // 报告: one row per report.
    let r = sheet(&mut wb, "报告");
    let header: Vec<Data> = (0..16).map(|c| at(&r, 0, c)).collect();
    let labels = [
        "编号",
        "机关",
        "年度",
        "原文机关名称",
        "地区",
        "层级",
        "版本号",
        "表格格式",
        "来源",
        "网址",
        "错误",
        "警告",
        "提示",
        "文档问题",
        "识别存疑",
        "读取状态",
    ];
    assert_eq!(header, labels.map(s).to_vec());
    assert_eq!(r.end(), Some((5, 15)));
    // How much was read: seed 001 lost cells that the arithmetic completed.
    assert_eq!(at(&r, 1, 15), s("完整读取"));
    assert_eq!(at(&r, 2, 15), s("读取存疑"));
    assert_eq!(at(&r, 1, 0), n(1.0));
    assert_eq!(at(&r, 1, 1), s("瀍河回族区人民政府办公室"));
    assert_eq!(at(&r, 1, 2), n(2021.0));
    assert_eq!(at(&r, 1, 4), s("洛阳市"));
    assert_eq!(at(&r, 1, 5), s("区"));
    assert_eq!(at(&r, 1, 6), n(1.0));
    assert_eq!(at(&r, 1, 7), s("2021年版"));
    assert_eq!(at(&r, 1, 8), s("examples/seeds/000_bdef848fa1eb37a7.txt"));
    assert_eq!(at(&r, 1, 9), Data::Empty, "no URL");
    // Seed 000: one document error (B001); seed 001: one extraction warning (X001 for its
    // 23 rows that each lost a cell).
    assert_eq!(
        (10..15).map(|c| at(&r, 1, c)).collect::<Vec<_>>(),
        [1.0, 0.0, 0.0, 1.0, 0.0].map(n).to_vec()
    );
    assert_eq!(
        (10..15).map(|c| at(&r, 2, c)).collect::<Vec<_>>(),
        [0.0, 1.0, 0.0, 0.0, 1.0].map(n).to_vec()
    );
    assert_eq!(at(&r, 4, 7), s("2019年版"));
    let errors_003 = seeds[3]
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    assert_eq!(at(&r, 4, 10), n(errors_003 as f64));
    assert_eq!(at(&r, 5, 2), n(2022.0));

    // 表二: one row per report; two-row header.
    let t2 = sheet(&mut wb, "表二 主动公开");
    assert_eq!(at(&t2, 0, 0), s("编号"));
    assert_eq!(at(&t2, 0, 3), s("表格格式"));
    assert_eq!(at(&t2, 0, 4), s("规章"));
    assert_eq!(at(&t2, 1, 4), s("本年制发件数"));
    assert_eq!(at(&t2, 0, 7), s("行政规范性文件"));
    assert_eq!(at(&t2, 1, 13), s("本年收费金额（单位：万元）"));
    assert_eq!(at(&t2, 0, 14), s("规章（2019年版）"));
    assert_eq!(at(&t2, 1, 14), s("本年新制作数量"));
    assert_eq!(t2.end(), Some((6, 4 + 29 - 1)));
    assert_eq!(at(&t2, 1, 32), s("采购总金额"));
    // Seed 000 (row 2): 行政规范性文件 1 / 1 / 7.
    assert_eq!(
        (7..10).map(|c| at(&t2, 2, c)).collect::<Vec<_>>(),
        [1.0, 1.0, 7.0].map(n).to_vec()
    );
    // Seed 001 (row 3): the fee, a number with the printed decimals.
    assert_eq!(at(&t2, 3, 10), n(5297.0));
    assert_eq!(at(&t2, 3, 13), n(12372.0506));
    // A 2021 report has nothing in the 2019-only columns …
    assert_eq!(at(&t2, 3, 14), Data::Empty);
    // … and seed 003 (2019 tables, row 5) nothing in the 2021-only ones; its printed
    // blank 处理决定数量 stays empty, its 0s are 0.
    assert_eq!(at(&t2, 5, 3), s("2019年版"));
    assert_eq!(at(&t2, 5, 4), Data::Empty);
    assert_eq!(at(&t2, 5, 10), Data::Empty);
    assert_eq!(at(&t2, 5, 14), n(0.0));
    assert_eq!(at(&t2, 5, 32), Data::Empty);

    // 表三: one row per report × table row.
    let t3 = sheet(&mut wb, "表三 依申请");
    assert_eq!(at(&t3, 0, 3), s("项目"));
    assert_eq!(at(&t3, 0, 4), s("自然人"));
    assert_eq!(at(&t3, 0, 5), s("法人或其他组织"));
    let subs: Vec<Data> = (5..10).map(|c| at(&t3, 1, c)).collect();
    assert_eq!(
        subs,
        [
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他"
        ]
        .map(s)
        .to_vec()
    );
    assert_eq!(at(&t3, 0, 10), s("总计"));
    assert_eq!(at(&t3, 0, 11), s("行代码"));
    // 4 × 25 rows of the 2021 layout + 23 of seed 003's 2019 layout, after 2 header rows.
    assert_eq!(t3.end(), Some((2 + 4 * 25 + 23 - 1, 11)));
    let row = |r: u32| -> Vec<Data> { (0..12).map(|c| at(&t3, r, c)).collect() };
    let mut expected = vec![
        n(1.0),
        s("瀍河回族区人民政府办公室"),
        n(2021.0),
        s("一、本年新收"),
    ];
    expected.extend([7.0, 2.0, 0.0, 0.0, 0.0, 0.0, 9.0].map(n));
    expected.push(s("new_received"));
    assert_eq!(row(2), expected);
    // Seed 001's 予以公开 (row 27 + 2): 18 … 18, with an inferred 0.
    assert_eq!(at(&t3, 29, 3), s("（一）予以公开"));
    assert_eq!(at(&t3, 29, 4), n(18.0));
    assert_eq!(at(&t3, 29, 5), n(0.0));
    assert_eq!(at(&t3, 29, 10), n(18.0));
    // Seed 003 starts at row 77: blank cells stay empty, never 0.
    assert_eq!(at(&t3, 77, 0), n(4.0));
    assert_eq!(at(&t3, 77, 3), s("一、本年新收"));
    for c in 4..=10 {
        assert_eq!(at(&t3, 77, c), Data::Empty, "column {c}");
    }
    assert_eq!(at(&t3, 97, 3), s("（六）其他处理"));
    assert_eq!(at(&t3, 97, 11), s("other_handling"));
    assert_eq!(at(&t3, 98, 3), s("（七）总计"));
    assert_eq!(at(&t3, 98, 4), n(0.0));
    assert_eq!(at(&t3, 99, 3), s("四、结转下年度继续办理"));
    assert_eq!(at(&t3, 99, 4), Data::Empty);
    assert_eq!(at(&t3, 99, 10), n(0.0));
    assert_eq!(at(&t3, 100, 0), n(5.0));

    // 表四: one row per report, 3 groups × 5.
    let t4 = sheet(&mut wb, "表四 复议诉讼");
    assert_eq!(at(&t4, 0, 3), s("行政复议"));
    assert_eq!(at(&t4, 0, 8), s("行政诉讼·未经复议直接起诉"));
    assert_eq!(at(&t4, 0, 13), s("行政诉讼·复议后起诉"));
    assert_eq!(
        (3..8).map(|c| at(&t4, 1, c)).collect::<Vec<_>>(),
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            .map(s)
            .to_vec()
    );
    assert_eq!(t4.end(), Some((6, 17)));
    assert_eq!(
        (3..18).map(|c| at(&t4, 2, c)).collect::<Vec<_>>(),
        [0., 2., 0., 0., 2., 0., 1., 1., 0., 2., 0., 0., 0., 0., 0.]
            .map(n)
            .to_vec()
    );

    // 问题: one row per finding.
    let q = sheet(&mut wb, "问题");
    let total: usize = seeds.iter().map(|s| s.findings.len()).sum();
    assert_eq!(q.end(), Some((total as u32, 8)));
    assert_eq!(
        (0..9).map(|c| at(&q, 0, c)).collect::<Vec<_>>(),
        [
            "编号",
            "机关",
            "年度",
            "代码",
            "名称",
            "类别",
            "严重程度",
            "位置",
            "说明"
        ]
        .map(s)
        .to_vec()
    );
    assert_eq!(
        (0..9).map(|c| at(&q, 1, c)).collect::<Vec<_>>(),
        vec![
            n(1.0),
            s("瀍河回族区人民政府办公室"),
            n(2021.0),
            s("B001"),
            s("prose-table-mismatch"),
            s("文档问题"),
            s("错误"),
            s("第16行第30列"),
            s("正文称“本年度区政府办未收到依申请公开事项”，但表三「一、本年新收」总计为9"),
        ]
    );
    assert_eq!(at(&q, 2, 5), s("识别存疑"));
    assert_eq!(at(&q, 2, 6), s("警告"));

    // 指标: rates as fractions (formatted as %), blanks empty.
    let m = sheet(&mut wb, "指标");
    assert_eq!(at(&m, 0, 3), s("地区"));
    assert_eq!(at(&m, 0, 5), s("本年新收申请数"));
    assert_eq!(at(&m, 0, 9), s("实质公开率"));
    assert_eq!(at(&m, 0, 19), s("诉讼纠错率"));
    assert_eq!(m.end(), Some((5, 19)));
    assert_eq!(at(&m, 1, 5), n(9.0));
    assert_eq!(at(&m, 1, 9), n(4.0 / 9.0));
    assert_eq!(at(&m, 1, 15), n(1.0));
    assert_eq!(at(&m, 2, 9), n(30.0 / 66.0));
    assert_eq!(at(&m, 2, 15), Data::Empty, "0 ÷ 0 is not a rate");
    assert_eq!(at(&m, 4, 5), Data::Empty, "seed 003: 本年新收 is blank");
    assert_eq!(at(&m, 4, 8), n(0.0));
    assert_eq!(at(&m, 4, 9), Data::Empty);

    // 说明: every metric's key, name and definition.
    let d = sheet(&mut wb, "说明");
    assert_eq!(at(&d, 0, 2), s("定义"));
    for (i, def) in METRICS.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(at(&d, r, 0), s(def.id));
        assert!(matches!(at(&d, r, 1), Data::String(x) if x.starts_with(def.label)));
        assert_eq!(at(&d, r, 2), s(def.definition));
    }
}

#[test]
fn merged_header_cells() {
    let seeds = seeds();
    let mut wb = open(workbook_bytes(&export_reports(&seeds)).unwrap());
    let merged = |wb: &mut Xlsx<_>, name: &str| -> Vec<((u32, u32), (u32, u32))> {
        let mut v: Vec<_> = wb
            .merge_cells_by_sheet_name(name)
            .unwrap()
            .into_iter()
            .map(|d| (d.start, d.end))
            .collect();
        v.sort();
        v
    };
    let t3 = merged(&mut wb, "表三 依申请");
    assert!(
        t3.contains(&((0, 5), (0, 9))),
        "法人或其他组织 over five columns"
    );
    assert!(
        t3.contains(&((0, 4), (1, 4))),
        "自然人 over both header rows"
    );
    assert!(t3.contains(&((0, 0), (1, 0))), "编号 over both header rows");
    let t4 = merged(&mut wb, "表四 复议诉讼");
    assert!(t4.contains(&((0, 3), (0, 7))));
    assert!(t4.contains(&((0, 13), (0, 17))));
    let t2 = merged(&mut wb, "表二 主动公开");
    assert!(
        t2.contains(&((0, 4), (0, 6))),
        "规章 over its three columns"
    );
    // 行政许可 has one column in 2021: no merge, just the label over it.
    assert!(!t2.iter().any(|(a, _)| *a == (0, 10)));
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the xlsx"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn xlsx_has_the_parts_excel_expects() {
    let seeds = seeds();
    let bytes = workbook_bytes(&export_reports(&seeds)).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = z.file_names().map(|n| n.unwrap().into_owned()).collect();
    let mut required = vec![
        "[Content_Types].xml".to_string(),
        "_rels/.rels".into(),
        "docProps/app.xml".into(),
        "docProps/core.xml".into(),
        "xl/workbook.xml".into(),
        "xl/_rels/workbook.xml.rels".into(),
        "xl/styles.xml".into(),
        "xl/theme/theme1.xml".into(),
        "xl/sharedStrings.xml".into(),
    ];
    required.extend((1..=7).map(|i| format!("xl/worksheets/sheet{i}.xml")));
    for part in &required {
        assert!(names.contains(part), "missing {part} in {names:?}");
    }

    let types = zip_entry(&bytes, "[Content_Types].xml");
    assert!(types
        .contains("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"));
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    for name in SHEET_NAMES {
        assert!(workbook.contains(&format!("name=\"{name}\"")), "{name}");
    }
    // Autofilters and print titles are defined names of the workbook.
    assert_eq!(workbook.matches("_xlnm._FilterDatabase").count(), 7);
    assert_eq!(workbook.matches("_xlnm.Print_Titles").count(), 7);
    for i in 1..=7 {
        let ws = zip_entry(&bytes, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(ws.contains("<autoFilter ref="), "sheet{i} autofilter");
        assert!(ws.contains("state=\"frozen\""), "sheet{i} frozen panes");
        assert!(ws.contains("<cols>"), "sheet{i} column widths");
    }
    let t3 = zip_entry(&bytes, "xl/worksheets/sheet3.xml");
    assert!(
        t3.contains("<autoFilter ref=\"A2:L125\""),
        "filter on the second header row: {}",
        &t3[t3.find("<autoFilter").unwrap()..][..40]
    );
    assert!(
        t3.contains("topLeftCell=\"E3\""),
        "frozen below the header, right of 项目"
    );
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.0%\""));
    assert!(
        styles.contains("formatCode=\"0.0000\""),
        "the fee's four decimals"
    );
    // The creation time is fixed: the same data give the same file.
    let core = zip_entry(&bytes, "docProps/core.xml");
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");
}

#[test]
fn xlsx_is_deterministic() {
    let seeds = seeds();
    let reports = export_reports(&seeds);
    let a = workbook_bytes(&reports).unwrap();
    let b = workbook_bytes(&reports).unwrap();
    assert_eq!(a, b);
    let mut out = Vec::new();
    write_xlsx(&mut out, &reports).unwrap();
    assert_eq!(out, a);

    let path = std::env::temp_dir().join(format!("gongkai-export-{}.xlsx", std::process::id()));
    write_xlsx_path(&path, &reports).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), a);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn empty_export_has_headers_only() {
    let mut wb = open(workbook_bytes(&[]).unwrap());
    assert_eq!(wb.sheet_names().len(), 7);
    for name in &SHEET_NAMES[..6] {
        let r = sheet(&mut wb, name);
        assert_eq!(at(&r, 0, 0), s("编号"), "{name}");
        let header_rows = if name.starts_with('表') { 2 } else { 1 };
        assert_eq!(r.end().unwrap().0, header_rows - 1, "{name}: no data rows");
    }
    assert_eq!(
        sheet(&mut wb, "说明").end().unwrap().0 as usize,
        METRICS.len() + 9
    );
}

/// Amounts with units and invalid values are text; inferred and not-found cells keep their
/// value (or emptiness); a legacy report has no table rows but is listed.
#[test]
fn text_amounts_invalid_values_and_legacy_reports() {
    let mut active = ActiveTable::empty(Edition::E2021);
    active.row_mut(ActiveRowKey::Fees).unwrap().cells[0] = Cell {
        value: Some(Value::Amount("12.5万元".into())),
        ..Cell::default()
    };
    active.row_mut(ActiveRowKey::Licensing).unwrap().cells[0] = Cell {
        value: Some(Value::Invalid("若干".into())),
        ..Cell::default()
    };
    active.row_mut(ActiveRowKey::Penalty).unwrap().cells[0] = Cell {
        value: Some(Value::Count(4)),
        origin: Origin::Inferred,
        ..Cell::default()
    };
    let hand = Report {
        source: "hand.txt".into(),
        url: Some("https://www.example.gov.cn/2023.html".into()),
        edition: Some(Edition::E2021),
        active: Some(active),
        ..Report::default()
    };
    let legacy = legacy_report();
    let reports = [
        ExportReport {
            id: 10,
            agency: "某局",
            region: "某市",
            level: "部门",
            year: Some(2023),
            version: 1,
            source: "hand.txt",
            report: &hand,
            findings: &[],
        },
        ExportReport {
            id: 11,
            agency: "某县人民政府",
            region: "某县",
            level: "县",
            year: None,
            version: 2,
            source: "legacy.txt",
            report: &legacy,
            findings: &[],
        },
    ];
    let mut wb = open(workbook_bytes(&reports).unwrap());
    let t2 = sheet(&mut wb, "表二 主动公开");
    assert_eq!(at(&t2, 2, 4), Data::Empty, "not found: empty");
    assert_eq!(at(&t2, 2, 10), s("若干"));
    assert_eq!(at(&t2, 2, 11), n(4.0));
    assert_eq!(at(&t2, 2, 13), s("12.5万元"));
    assert_eq!(at(&t2, 3, 0), n(11.0));
    assert_eq!(at(&t2, 3, 2), Data::Empty, "no year");
    assert_eq!(at(&t2, 3, 3), Data::Empty, "no table 二");
    assert_eq!(at(&t2, 3, 4), Data::Empty);
    let r = sheet(&mut wb, "报告");
    assert_eq!(at(&r, 2, 7), s("旧格式"));
    assert_eq!(at(&r, 2, 3), Data::Empty, "no printed agency");
    assert_eq!(at(&r, 1, 9), s("https://www.example.gov.cn/2023.html"));
    assert_eq!(at(&r, 2, 9), Data::Empty, "no URL");
    // Neither report has a table 三.
    assert_eq!(sheet(&mut wb, "表三 依申请").end().unwrap().0, 1);
    let t4 = sheet(&mut wb, "表四 复议诉讼");
    assert_eq!(t4.end().unwrap().0, 3);
    assert_eq!(at(&t4, 2, 3), Data::Empty);
    let m = sheet(&mut wb, "指标");
    for c in 5..20 {
        assert_eq!(at(&m, 2, c), Data::Empty);
    }
}
