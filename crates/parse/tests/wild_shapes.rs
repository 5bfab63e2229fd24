//! Shapes of crawled and converted text met in the damage property test
//! (`crates/synth/tests/damage.rs`), each pinned on a real seed report: the reading is
//! the clean reading, or what was lost is said to be unread — never a document error.

use std::path::PathBuf;

use gongkai_check::{check, Selection};
use gongkai_model::schema::SectionKind;
use gongkai_model::{FindingKind, ReadingStatus, Report, ReportPart};
use gongkai_parse::parse_text;

fn seed(prefix: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    let p = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap();
    std::fs::read_to_string(p).unwrap()
}

fn read(text: &str) -> Report {
    parse_text("t.txt", text.to_string()).unwrap().report
}

/// The tables as canonical JSON (values only, no provenance).
fn tables(r: &Report) -> serde_json::Value {
    let mut v = gongkai_model::canonical_json(r, Default::default());
    for k in ["source", "reading", "unread"] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

fn document_findings(text: &str) -> Vec<String> {
    let p = parse_text("t.txt", text.to_string()).unwrap();
    check(&p.report, Some(&p.source), &Selection::all())
        .into_iter()
        .filter(|f| f.kind == FindingKind::Document)
        .map(|f| format!("{} {}", f.code, f.message))
        .collect()
}

/// The seed as one line, with the spaces and tabs between cells kept as one space.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], "").replace('\t', " ")
}

#[test]
fn page_numbers_inside_a_flat_line_are_not_read() {
    let clean = seed("001");
    let flat = one_line(&clean);
    // Page numbers where page breaks fell, glued to labels and values alike.
    let marked = flat
        .replacen("（三）不予公开", "（三）不予- 2 -公开", 1)
        .replacen("1.属于国家秘密", "第3页1.属于国家秘密", 1)
        .replacen("四、政府信息公开行政复议", "—4—四、政府信息公开行政复议", 1);
    assert_ne!(marked, flat);
    assert_eq!(tables(&read(&marked)), tables(&read(&flat)));
    assert_eq!(document_findings(&marked), document_findings(&flat));
}

#[test]
fn a_stray_line_break_in_a_flat_text_breaks_no_label() {
    let flat = one_line(&seed("001"));
    for (at, label) in [
        ("本机关不掌握", "本机关不掌握相关政府信息"),
        ("本年新收", "一、本年新收政府信息公开申请数量"),
        ("其他需要", "六、其他需要报告的事项"),
    ] {
        let i = flat.find(label).unwrap() + at.len();
        let broken = format!("{}\n{}", &flat[..i], &flat[i..]);
        assert_eq!(tables(&read(&broken)), tables(&read(&flat)), "{label}");
        assert_eq!(
            document_findings(&broken),
            document_findings(&flat),
            "{label}"
        );
    }
}

#[test]
fn a_title_wrapped_onto_two_lines_is_one_title() {
    let clean = seed("001");
    let wrapped = clean.replacen(
        "五、存在的主要问题及改进情况",
        "五、存在的主要问\n题及改进情况",
        1,
    );
    let r = read(&wrapped);
    let s = r.section(SectionKind::Problems).expect("section 五");
    assert_eq!(s.heading, "五、存在的主要问题及改进情况");
    assert_eq!(r.sections.len(), 6);
    assert_eq!(document_findings(&wrapped), document_findings(&clean));
    // Wrapped after one char of the title.
    let wrapped = clean.replacen("六、其他需要报告的事项", "六、其\n他需要报告的事项", 1);
    let r = read(&wrapped);
    assert_eq!(
        r.section(SectionKind::Other).unwrap().heading,
        "六、其他需要报告的事项"
    );
    assert_eq!(document_findings(&wrapped), document_findings(&clean));
}

#[test]
fn a_title_at_the_start_of_a_line_with_its_body_is_cut() {
    let clean = seed("001");
    // Section 一's title and the first words of its body on one line.
    let i = clean.find("一、总体情况").unwrap() + "一、总体情况".len();
    let j = i + clean[i..].find(|c: char| !c.is_whitespace()).unwrap();
    let joined = format!("{}{}", &clean[..i], &clean[j..]);
    let r = read(&joined);
    assert!(r.section(SectionKind::Overview).is_some());
    assert_eq!(document_findings(&joined), document_findings(&clean));
}

#[test]
fn a_text_cut_mid_sentence_is_unread_from_there() {
    let clean = seed("001");
    // Cut after "县政府"-like words inside a sentence of section 一: a signature-like
    // ending that is no signature.
    let at = clean.find("二、主动公开政府信息情况").unwrap();
    let body = &clean[..at];
    let cut = body.rfind('，').unwrap() + '，'.len_utf8();
    let text = format!("{}市政府", &clean[..cut]);
    let r = read(&text);
    assert_eq!(r.reading, ReadingStatus::Partial);
    assert!(r.unread.contains(&ReportPart::Section(SectionKind::Other)));
    assert_eq!(document_findings(&text), Vec::<String>::new());
    // Cut inside a word that ends with 日 ("…专栏的日"): no date.
    let text = format!("{}加强信息公开专栏的日", &clean[..cut]);
    assert_eq!(read(&text).reading, ReadingStatus::Partial);
    assert_eq!(document_findings(&text), Vec::<String>::new());
}

#[test]
fn a_final_nothing_to_report_is_printed_so() {
    let clean = seed("001");
    let at = clean.rfind("六、其他需要报告的事项").unwrap();
    for last in ["无其他需要报告的事项", "无", "暂无。"] {
        let text = format!("{}六、其他需要报告的事项\n{last}\n", &clean[..at]);
        let r = read(&text);
        assert!(r.unread.is_empty(), "{last}: {:?}", r.unread);
    }
    // A group label cut short is no "无".
    let at = clean.find("无法提供").unwrap() + "无".len();
    let r = read(&clean[..at]);
    assert_eq!(r.reading, ReadingStatus::Partial);
}

#[test]
fn a_flat_text_cut_in_a_run_of_digits_is_no_date() {
    let flat = one_line(&seed("001"));
    // Cut inside table 四's run-together digits: ten digits at the end look like
    // nothing a report ends with (a date has its 年/月 or separators).
    let at = flat.find("四、政府信息公开行政复议").unwrap();
    let table_four = &flat[at..];
    let digits = table_four
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .unwrap()
        .0;
    let text = format!("{}{}", &flat[..at + digits], "4020600000");
    let r = read(&text);
    assert_eq!(r.reading, ReadingStatus::Partial);
    assert!(r.unread.contains(&ReportPart::Section(SectionKind::Other)));
    assert_eq!(document_findings(&text), Vec::<String>::new());
    // A date with separators still ends a report.
    let dated = format!("{}\n某某局\n2024.1.10", seed("001").trim_end());
    assert!(read(&dated).unread.is_empty());
}

#[test]
fn a_title_run_into_its_first_sub_heading_is_read() {
    let seed = seed("001");
    // A short sub-heading under the title, on its own line and joined to the title
    // (the line break lost): the line is short, so only the title test can cut it.
    let title = "一、总体情况";
    let at = seed.find(title).unwrap() + title.len();
    let clean = format!("{}\n（一）主动公开情况\n{}", &seed[..at], &seed[at..]);
    let joined = format!("{}（一）主动公开情况\n{}", &seed[..at], &seed[at..]);
    assert_eq!(tables(&read(&joined)), tables(&read(&clean)));
    assert_eq!(document_findings(&joined), document_findings(&clean));
    assert!(read(&joined).section(SectionKind::Overview).is_some());
}
