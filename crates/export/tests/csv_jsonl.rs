//! The long CSV and the JSON Lines of the seed reports, checked line by line.

mod common;

use common::{export_reports, legacy_report, seeds};
use gongkai_export::{
    jsonl_record, write_csv_long, write_csv_long_path, write_jsonl, write_jsonl_path, CsvHeaders,
    ExportError, ExportReport, CSV_LONG_HEADER, CSV_LONG_HEADER_ZH,
};
use gongkai_model::schema::{ActiveRowKey, Edition, RequestColumn};
use gongkai_model::{canonical_json, ActiveTable, CanonicalOptions, Cell, Report, Value};
use serde_json::{json, Value as Json};

const BOM: &str = "\u{feff}";
// The report columns, up to `url` (empty: the seeds have none).
const S000: &str =
    "1,瀍河回族区人民政府办公室,洛阳市,区,2021,1,examples/seeds/000_bdef848fa1eb37a7.txt,";
const S001: &str = "2,辉县市人民政府,洛阳市,区,2021,1,examples/seeds/001_80982073e3dd5082.txt,";
const S003: &str =
    "4,清河县人民政府办公室,洛阳市,区,2021,1,examples/seeds/003_bdcd87e779cdd68c.txt,";

/// The CSV as scripts read it (English keys).
fn csv_text(reports: &[ExportReport<'_>]) -> String {
    csv_text_with(reports, CsvHeaders::English)
}

fn csv_text_with(reports: &[ExportReport<'_>], headers: CsvHeaders) -> String {
    let mut out = Vec::new();
    write_csv_long(&mut out, reports, headers).unwrap();
    String::from_utf8(out).unwrap()
}

/// The Chinese header (the default of `gongkai export`) names the same columns; the rows
/// are the same bytes.
#[test]
fn chinese_header_same_rows() {
    let seeds = seeds();
    let reports = export_reports(&seeds);
    let zh = csv_text_with(&reports, CsvHeaders::Chinese);
    let en = csv_text(&reports);
    let (zh_head, zh_rows) = zh.split_once('\n').unwrap();
    let (en_head, en_rows) = en.split_once('\n').unwrap();
    assert_eq!(
        zh_head,
        "\u{feff}编号,机关,地区,层级,年度,版本号,来源,网址,表,行代码,行,列代码,列,值,空白,由来,读取状态"
    );
    assert_eq!(
        zh_head.trim_start_matches('\u{feff}'),
        CSV_LONG_HEADER_ZH.join(",")
    );
    assert_eq!(
        en_head.trim_start_matches('\u{feff}'),
        CSV_LONG_HEADER.join(",")
    );
    assert_eq!(zh_rows, en_rows);
}

#[test]
fn csv_has_bom_header_and_exact_lines() {
    let seeds = seeds();
    let text = csv_text(&export_reports(&seeds));
    let body = text.strip_prefix(BOM).expect("UTF-8 BOM for Excel/WPS");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "id,agency,region,level,year,version,source,url,table,row,row_label,column,column_label,value,blank,origin,reading"
    );
    assert_eq!(lines[0], CSV_LONG_HEADER.join(","));
    assert!(!body.contains('\r'), "rows end with \\n only");
    assert!(body.ends_with('\n'));
    // 4 reports in the 2021 edition (10 + 25×7 + 15 = 200 cells) and one in 2019
    // (22 + 23×7 + 15 = 198): the 998 cells of the seeds' truth files.
    assert_eq!(lines.len(), 1 + 998);

    let expect = [
        // The first cell of all: table 二, 规章, 本年制发件数 of seed 000.
        format!("{S000},active_disclosure,regulations,规章,issued,本年制发件数,0,false,printed,whole"),
        format!("{S000},requests,new_received,一、本年新收,natural_person,自然人,7,false,printed,whole"),
        format!("{S000},requests,new_received,一、本年新收,commercial_enterprise,商业企业,2,false,printed,whole"),
        format!("{S000},requests,new_received,一、本年新收,total,总计,9,false,printed,whole"),
        format!("{S000},review_litigation,review,行政复议,corrected,结果纠正,2,false,printed,whole"),
        format!(
            "{S000},review_litigation,litigation_direct,行政诉讼·未经复议直接起诉,other,其他结果,1,false,printed,whole"
        ),
        // An amount, exactly as printed.
        format!(
            "{S001},active_disclosure,fees,行政事业性收费,amount_10k_yuan,本年收费金额（单位：万元）,12372.0506,false,printed,with_doubts"
        ),
        // A cell lost in conversion and completed from the table's arithmetic.
        format!("{S001},requests,granted,（一）予以公开,commercial_enterprise,商业企业,0,false,inferred,with_doubts"),
        // Blank cells: empty value, blank = true — never 0.
        format!("{S003},requests,new_received,一、本年新收,natural_person,自然人,,true,printed,whole"),
        format!("{S003},active_disclosure,licensing,行政许可,decisions,处理决定数量,,true,printed,whole"),
        format!("{S003},active_disclosure,procurement,政府集中采购,amount,采购总金额,,true,printed,whole"),
        // The 2019 layout's single （六）其他处理 row keeps its own key.
        format!("{S003},requests,other_handling,（六）其他处理,total,总计,,true,printed,whole"),
        format!("{S003},requests,carried_forward,四、结转下年度继续办理,total,总计,0,false,printed,whole"),
    ];
    for line in &expect {
        assert!(lines.contains(&line.as_str()), "missing line:\n{line}");
    }
    assert_eq!(lines[1], expect[0]);
    // Cells come per report, in the canonical order: table 二, 三, 四.
    let first_requests = lines.iter().position(|l| l.contains(",requests,")).unwrap();
    assert_eq!(first_requests, 1 + 10);
    assert_eq!(lines[first_requests], expect[1]);
    assert_eq!(lines.iter().filter(|l| l.starts_with("4,")).count(), 198);
}

/// Every CSV value is the canonical JSON's value of the same cell: CSV and JSON agree.
#[test]
fn csv_values_equal_canonical_json() {
    let seeds = seeds();
    let reports = export_reports(&seeds);
    let text = csv_text(&reports);
    let mut rdr = csv::Reader::from_reader(text.strip_prefix(BOM).unwrap().as_bytes());
    assert_eq!(rdr.headers().unwrap(), CSV_LONG_HEADER.as_slice());
    let canon: Vec<Json> = seeds
        .iter()
        .map(|s| canonical_json(&s.report, CanonicalOptions::default()))
        .collect();
    let mut n = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let id: usize = rec[0].parse().unwrap();
        let (table, row, column, value, blank) = (&rec[8], &rec[9], &rec[11], &rec[13], &rec[14]);
        let j = &canon[id - 1][table];
        let expected = if table == "requests" {
            let i = RequestColumn::ALL
                .iter()
                .position(|c| c.key() == column)
                .unwrap();
            &j["rows"][row][i]
        } else {
            &j[row][column]
        };
        let expected_text = match expected {
            Json::Null => String::new(),
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(value, expected_text, "{id} {table}.{row}.{column}");
        assert_eq!(
            blank == "true",
            expected.is_null(),
            "{id} {table}.{row}.{column}"
        );
        n += 1;
    }
    assert_eq!(n, 998);
}

fn hand_built() -> Report {
    let mut active = ActiveTable::empty(Edition::E2021);
    active.row_mut(ActiveRowKey::Fees).unwrap().cells[0] = Cell {
        value: Some(Value::Amount("12.5万元".into())),
        ..Cell::default()
    };
    active.row_mut(ActiveRowKey::Licensing).unwrap().cells[0] = Cell {
        value: Some(Value::Invalid("若干".into())),
        ..Cell::default()
    };
    active.row_mut(ActiveRowKey::Penalty).unwrap().cells[0] = Cell::count(3, None);
    active.row_mut(ActiveRowKey::Coercion).unwrap().cells[0] = Cell::blank(None);
    Report {
        source: "hand.txt".into(),
        url: Some("http://www.example.gov.cn/a?id=1,2".into()),
        edition: Some(Edition::E2021),
        active: Some(active),
        ..Report::default()
    }
}

#[test]
fn csv_quotes_amounts_invalid_values_and_not_found() {
    let report = hand_built();
    let r = ExportReport {
        id: 7,
        agency: "某市\"测试\",局",
        region: "某省",
        level: "部门",
        year: None,
        version: 2,
        source: "a b.txt",
        report: &report,
        findings: &[],
    };
    let text = csv_text(&[r]);
    let lines: Vec<&str> = text.strip_prefix(BOM).unwrap().lines().collect();
    // Only table 二 exists: 10 cells.
    assert_eq!(lines.len(), 1 + 10);
    // The URL (with a comma) is quoted.
    let p = "7,\"某市\"\"测试\"\",局\",某省,部门,,2,a b.txt,\"http://www.example.gov.cn/a?id=1,2\",active_disclosure";
    assert_eq!(
        lines[1],
        format!("{p},regulations,规章,issued,本年制发件数,,true,not_found,whole")
    );
    for l in [
        format!("{p},fees,行政事业性收费,amount_10k_yuan,本年收费金额（单位：万元）,12.5万元,false,printed,whole"),
        format!("{p},licensing,行政许可,decisions,本年处理决定数量,若干,false,printed,whole"),
        format!("{p},penalty,行政处罚,decisions,本年处理决定数量,3,false,printed,whole"),
        format!("{p},coercion,行政强制,decisions,本年处理决定数量,,true,printed,whole"),
    ] {
        assert!(lines.contains(&l.as_str()), "missing line:\n{l}\nin\n{text}");
    }
}

#[test]
fn csv_of_nothing_and_of_a_legacy_report() {
    assert_eq!(
        csv_text(&[]),
        format!("{BOM}{}\n", CSV_LONG_HEADER.join(","))
    );
    let legacy = legacy_report();
    let r = ExportReport {
        id: 1,
        agency: "某县人民政府",
        region: "某县",
        level: "县",
        year: Some(2015),
        version: 1,
        source: "legacy.txt",
        report: &legacy,
        findings: &[],
    };
    // No standard tables: no cells.
    assert_eq!(csv_text(&[r]).lines().count(), 1);
}

fn jsonl_text(reports: &[ExportReport<'_>]) -> String {
    let mut out = Vec::new();
    write_jsonl(&mut out, reports).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.starts_with(BOM));
    assert!(text.is_empty() || text.ends_with('\n'));
    text
}

fn jsonl_lines(reports: &[ExportReport<'_>]) -> Vec<Json> {
    jsonl_text(reports)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect()
}

#[test]
fn jsonl_round_trips_line_by_line() {
    let seeds = seeds();
    let reports = export_reports(&seeds);
    let text = jsonl_text(&reports);
    let raw: Vec<&str> = text.lines().collect();
    let lines = jsonl_lines(&reports);
    assert_eq!(lines.len(), 5);

    let keys: Vec<&str> = lines[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "agency",
            "agency_printed",
            "region",
            "level",
            "year",
            "version",
            "source",
            "url",
            "reading",
            "edition",
            "active_disclosure",
            "requests",
            "review_litigation",
            "findings",
            "metrics"
        ]
    );

    let s0 = &lines[0];
    assert_eq!(s0["id"], 1);
    assert_eq!(s0["agency"], "瀍河回族区人民政府办公室");
    assert_eq!(s0["agency_printed"], "瀍河回族区人民政府办公室");
    assert_eq!(s0["region"], "洛阳市");
    assert_eq!(s0["level"], "区");
    assert_eq!(s0["year"], 2021);
    assert_eq!(s0["version"], 1);
    assert_eq!(s0["source"], "examples/seeds/000_bdef848fa1eb37a7.txt");
    assert_eq!(s0["url"], Json::Null);
    assert_eq!(s0["edition"], "2021");
    assert_eq!(
        s0["requests"]["rows"]["new_received"],
        json!([7, 2, 0, 0, 0, 0, 9])
    );
    assert_eq!(s0["review_litigation"]["review"]["corrected"], 2);
    assert_eq!(
        s0["findings"],
        json!([{
            "code": "B001",
            "name": "prose-table-mismatch",
            "kind": "document",
            "severity": "error",
            "message": "正文称“本年度区政府办未收到依申请公开事项”，但表三「一、本年新收」总计为9",
            "location": "第16行第30列"
        }])
    );
    assert_eq!(
        s0["metrics"],
        json!({
            "received": 9, "carried_over": 0, "carried_forward": 0, "processed": 9,
            "disclosure_rate": 4.0 / 9.0, "refusal_rate": 3.0 / 9.0, "unavailable_rate": 0.0,
            "review_total": 2, "review_corrected": 2, "review_concluded": 2,
            "review_correction_rate": 1.0,
            "litigation_total": 2, "litigation_corrected": 1, "litigation_concluded": 2,
            "litigation_correction_rate": 0.5
        })
    );

    let s1 = &lines[1];
    assert_eq!(
        s1["active_disclosure"]["fees"]["amount_10k_yuan"],
        "12372.0506"
    );
    // Rates are written with every digit of the f64 (serde_json's default reader may be
    // one ulp off when parsing, so the exact digits are checked in the text).
    assert!(raw[1].contains(&format!("\"disclosure_rate\":{}", 30.0_f64 / 66.0)));
    assert!(raw[1].contains("\"disclosure_rate\":0.45454545454545453,"));
    assert!((s1["metrics"]["disclosure_rate"].as_f64().unwrap() - 30.0 / 66.0).abs() < 1e-15);
    assert_eq!(s1["metrics"]["review_correction_rate"], Json::Null);
    assert_eq!(s1["findings"].as_array().unwrap().len(), 1); // 23 rows with an inferred cell: one X001
    assert_eq!(s1["findings"][0]["kind"], "extraction");

    // Seed 003: blank cells are null, and so are the metrics that need them.
    let s3 = &lines[3];
    assert_eq!(s3["edition"], "2019");
    assert_eq!(
        s3["requests"]["rows"]["new_received"],
        json!([null, null, null, null, null, null, null])
    );
    assert_eq!(
        s3["requests"]["rows"]["carried_forward"],
        json!([null, null, null, null, null, null, 0])
    );
    assert_eq!(s3["metrics"]["received"], Json::Null);
    assert_eq!(s3["metrics"]["processed"], 0);
    assert_eq!(s3["metrics"]["disclosure_rate"], Json::Null);

    assert_eq!(lines[4]["year"], 2022);

    // The tables are exactly the canonical JSON's.
    for (line, s) in lines.iter().zip(&seeds) {
        let canon = canonical_json(&s.report, CanonicalOptions::default());
        for k in [
            "edition",
            "active_disclosure",
            "requests",
            "review_litigation",
        ] {
            assert_eq!(line[k], canon[k], "{k}");
        }
        assert_eq!(line.get("table3_edition"), canon.get("table3_edition"));
        assert_eq!(line["findings"].as_array().unwrap().len(), s.findings.len());
    }
}

#[test]
fn jsonl_caller_identity_wins_and_legacy_is_null() {
    let legacy = legacy_report();
    let r = ExportReport {
        id: 42,
        agency: "某县人民政府",
        region: "某县",
        level: "县",
        year: Some(2015),
        version: 3,
        source: "https://example.invalid/2015.html",
        report: &legacy,
        findings: &[],
    };
    let j = jsonl_record(&r);
    assert_eq!(j["id"], 42);
    assert_eq!(j["agency"], "某县人民政府");
    assert_eq!(j["agency_printed"], Json::Null);
    assert_eq!(j["year"], 2015);
    assert_eq!(j["source"], "https://example.invalid/2015.html");
    assert_eq!(j["url"], Json::Null);
    assert_eq!(j["edition"], "legacy");
    assert_eq!(j["requests"], Json::Null);
    assert_eq!(j["findings"], json!([]));
    assert!(j["metrics"]
        .as_object()
        .unwrap()
        .values()
        .all(Json::is_null));
    assert_eq!(j["metrics"].as_object().unwrap().len(), 15);
    assert_eq!(jsonl_lines(&[r, r]).len(), 2);
    assert!(jsonl_lines(&[]).is_empty());
}

#[test]
fn path_writers_and_their_errors() {
    let seeds = seeds();
    let reports = export_reports(&seeds);
    let dir = std::env::temp_dir().join(format!("gongkai-export-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv_path = dir.join("cells.csv");
    let jsonl_path = dir.join("reports.jsonl");
    write_csv_long_path(&csv_path, &reports, CsvHeaders::English).unwrap();
    write_jsonl_path(&jsonl_path, &reports).unwrap();
    assert_eq!(
        std::fs::read_to_string(&csv_path).unwrap(),
        csv_text(&reports)
    );
    assert_eq!(
        std::fs::read_to_string(&jsonl_path)
            .unwrap()
            .lines()
            .count(),
        5
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let missing = dir.join("no-such-dir").join("x.csv");
    let err = write_csv_long_path(&missing, &reports, CsvHeaders::Chinese).unwrap_err();
    assert!(matches!(err, ExportError::File { .. }));
    assert!(err.to_string().starts_with("无法写入文件 "), "{err}");
}
