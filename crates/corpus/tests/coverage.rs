//! Coverage of a province: every body that must report, matched to the reports the
//! corpus holds, with the missing ones named and coded and the late ones said why.

use std::collections::BTreeSet;

use gongkai_corpus::coverage::{coverage, Basis, Status};
use gongkai_corpus::ingest::new_report;
use gongkai_corpus::IngestOptions;
use gongkai_gazetteer::{find_region, gazetteer, place_agency, BodyKind, Context, PlaceStatus};
use gongkai_model::{Located, Report};
use gongkai_store::{Ingested, Store};

fn seed() -> Report {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seeds");
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("000"))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    gongkai_parse::parse_text("000.txt", text).unwrap().report
}

/// The seed's tables under another agency and year.
fn report_of(seed: &Report, agency: &str, year: i32, published: Option<&str>) -> Report {
    let mut r = seed.clone();
    r.agency = Some(Located::new(agency.to_string(), None));
    r.year = Some(Located::new(year, None));
    r.published = published.map(str::to_string);
    r
}

#[test]
fn a_province_s_missing_townships_are_named_and_coded() {
    let g = gazetteer().unwrap();
    let ningxia = find_region(g, "宁夏回族自治区").unwrap();
    let dir = std::env::temp_dir().join(format!("gongkai-coverage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut store = Store::open(&dir.join("corpus.db").to_string_lossy()).unwrap();
    let opts = IngestOptions::default();
    let seed = seed();

    // Who must report, before anything is stored.
    let before = coverage(&mut store, g, ningxia, 2023).unwrap();
    let townships: Vec<_> = before
        .expected
        .iter()
        .filter(|e| e.body == BodyKind::TownshipGovernment)
        .cloned()
        .collect();
    // 宁夏: 103 镇, 90 乡, 50 街道; its 开发区 and other township-level units are not
    // governments.
    assert_eq!(townships.len(), 243);
    // 1 autonomous region, 5 prefecture-level cities and 22 county-level units, each
    // with its 人民政府 and its 办公厅/办公室.
    assert_eq!(before.expected.len(), 243 + 2 * (1 + 5 + 22));
    assert!(before.expected.iter().all(|e| e.status == Status::Missing));
    assert_eq!(
        (townships[0].name.as_str(), townships[0].code.as_str()),
        ("兴庆区凤凰北街街道办事处", "640104001")
    );

    // Every name coverage expects is one the gazetteer places back on its unit: the
    // list and the placing agree.
    for e in &before.expected {
        let p = place_agency(g, &e.name, &Context::default());
        assert_eq!(
            (p.status, p.code.as_deref()),
            (PlaceStatus::Resolved, Some(e.code.as_str())),
            "{}",
            e.name
        );
    }

    // Published: every 人民政府 above township level, every other township, one
    // government late by its publication date and one by its signature; a department
    // seen only the year before; a report of an agency that cannot be placed.
    let governments: Vec<_> = before
        .expected
        .iter()
        .filter(|e| e.body == BodyKind::Government)
        .collect();
    let mut files = Vec::new();
    let mut add = |name: &str, year: i32, published: Option<&str>, signed: Option<&str>| {
        let n = files.len();
        let mut new = new_report(report_of(&seed, name, year, published), Vec::new(), &opts);
        new.signed = signed.map(str::to_string);
        files.push(Ingested {
            path: format!("ningxia/{n:04}.txt"),
            hash: format!("h{n}"),
            size: 1,
            outcome: Ok(new),
        });
    };
    for (i, e) in governments.iter().enumerate() {
        match i {
            1 => add(&e.name, 2023, Some("2024-04-02"), None),
            2 => add(&e.name, 2023, None, Some("2024-04-10")),
            3 => add(&e.name, 2023, Some("2024-03-31"), None),
            _ => add(&e.name, 2023, None, None),
        }
    }
    for t in townships.iter().step_by(2) {
        add(&t.name, 2023, None, None);
    }
    add("银川市教育局", 2022, None, None);
    add("某某管理局", 2023, None, None);
    store.write(files).unwrap();

    let c = coverage(&mut store, g, ningxia, 2023).unwrap();
    let missing: BTreeSet<(String, String)> = c
        .expected
        .iter()
        .filter(|e| e.status == Status::Missing && e.body == BodyKind::TownshipGovernment)
        .map(|e| (e.name.clone(), e.code.clone()))
        .collect();
    let unpublished: BTreeSet<(String, String)> = townships
        .iter()
        .skip(1)
        .step_by(2)
        .map(|e| (e.name.clone(), e.code.clone()))
        .collect();
    assert_eq!(missing.len(), 121);
    assert_eq!(missing, unpublished);

    assert_eq!(c.count(Status::Late), 2);
    assert_eq!(c.count(Status::Present), 28 - 2 + 122);
    // Missing: 121 townships, 28 offices, and the department seen in 2022.
    assert_eq!(c.count(Status::Missing), 121 + 28 + 1);
    let late: Vec<(&str, &str)> = c
        .expected
        .iter()
        .filter(|e| e.status == Status::Late)
        .map(|e| (e.name.as_str(), e.note.as_str()))
        .collect();
    assert_eq!(
        late,
        [
            ("银川市人民政府", "发布日期 2024-04-02 晚于期限 2024-03-31"),
            (
                "银川市兴庆区人民政府",
                "落款日期 2024-04-10 晚于期限 2024-03-31（发布不会早于落款）"
            ),
        ]
    );
    let on_the_day = c
        .expected
        .iter()
        .find(|e| e.report_id.is_some() && e.published.as_deref() == Some("2024-03-31"))
        .unwrap();
    assert_eq!(on_the_day.status, Status::Present);
    assert_eq!(on_the_day.note, "发布日期 2024-03-31，在期限内");

    let department = c
        .expected
        .iter()
        .find(|e| e.basis == Basis::Corpus)
        .unwrap();
    assert_eq!(
        (
            department.name.as_str(),
            department.code.as_str(),
            department.status,
            department.deadline.as_str()
        ),
        ("银川市教育局", "6401", Status::Missing, "2024-01-31")
    );
    assert_eq!(c.unplaced.len(), 1);
    assert_eq!(c.unplaced[0].agency, "某某管理局");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Across the whole country, every body coverage expects has a name the gazetteer
/// places back on its own unit: a report published under that name is counted.
#[test]
fn every_expected_name_in_the_country_places_back() {
    let g = gazetteer().unwrap();
    let dir = std::env::temp_dir().join(format!("gongkai-coverage-all-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut store = Store::open(&dir.join("corpus.db").to_string_lossy()).unwrap();
    let provinces: Vec<_> = (0..g.len() as u32)
        .filter(|&id| g.unit(id).parent.is_none())
        .collect();
    assert_eq!(provinces.len(), 31);
    let mut expected = 0;
    let mut wrong = Vec::new();
    for p in provinces {
        for e in coverage(&mut store, g, p, 2023).unwrap().expected {
            expected += 1;
            let placed = place_agency(g, &e.name, &Context::default());
            if placed.code.as_deref() != Some(e.code.as_str()) {
                wrong.push(format!(
                    "{} {} → {:?} {:?}",
                    e.code, e.name, placed.status, placed.code
                ));
            }
        }
    }
    eprintln!("{expected} bodies expected; {} misplaced", wrong.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}
