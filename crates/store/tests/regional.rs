//! A region's rows read by code range give exactly what the whole corpus's rows give
//! once filtered to the region (what `summary --region` and `coverage` did before they
//! read only the region), on both backends.

use std::collections::BTreeSet;

use gongkai_gazetteer::PlaceStatus;
use gongkai_store::testing::on_both_backends;
use gongkai_store::{AgencyInfo, Filter, Ingested, NewReport, Placement, Store};

fn seed(stem: &str) -> gongkai_model::Report {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seeds");
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(stem))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    gongkai_parse::parse_text(&path.display().to_string(), text)
        .unwrap()
        .report
}

/// A report of `seed` stored as `agency`'s (placed by its name alone).
fn ingested(stem: &str, agency: &str, hash: &str) -> Ingested {
    let g = gongkai_gazetteer::gazetteer().unwrap();
    let report = seed(stem);
    Ingested {
        path: format!("{hash}.txt"),
        hash: hash.into(),
        size: 1,
        outcome: Ok(NewReport {
            agency: Some(AgencyInfo {
                name: agency.into(),
                place: gongkai_gazetteer::place_agency(g, agency, &Default::default()),
                placement: Placement::Inferred,
            }),
            findings: Vec::new(),
            metrics: vec![("received".into(), Some(hash.len() as f64))],
            signatures: report.sections.iter().map(|_| None).collect(),
            signed: None,
            encoded: None,
            report,
        }),
    }
}

fn in_region(code: &Option<String>, region: &str) -> bool {
    code.as_deref().is_some_and(|c| c.starts_with(region))
}

#[test]
fn a_region_read_by_code_range_is_the_corpus_filtered() {
    on_both_backends("regional", |store: &mut Store| {
        store
            .write(vec![
                ingested("000", "辉县市人民政府", "a"),
                ingested("001", "辉县市人民政府办公室", "bb"),
                ingested("002", "洛阳市西工区人民政府", "ccc"),
                ingested("003", "新乡县人民政府", "dddd"),
                ingested("004", "清河县人民政府办公室", "eeeee"),
                // Ambiguous (four 鼓楼区) and unresolved: in no region, but a region's
                // coverage lists their reports as possibly its own.
                ingested("000", "鼓楼区人民政府", "ffffff"),
                ingested("001", "某某管理委员会", "ggggggg"),
            ])
            .unwrap();
        let agencies = store.agencies().unwrap();
        let unplaced: BTreeSet<i64> = agencies
            .iter()
            .filter(|a| a.info.place.status != PlaceStatus::Resolved)
            .map(|a| a.id)
            .collect();
        assert_eq!(unplaced.len(), 2);
        let all_coverage = store.coverage().unwrap();
        let all_metrics = store.metrics().unwrap();
        assert_eq!(store.region_coverage(None).unwrap(), all_coverage);
        assert_eq!(store.region_metrics(None).unwrap(), all_metrics);
        let mut seen_some = 0;
        let mut year_reports = 0;
        for region in ["41", "4107", "410782", "4103", "13", "44"] {
            let coverage = store.region_coverage(Some(region)).unwrap();
            let expected: Vec<_> = all_coverage
                .iter()
                .filter(|c| in_region(&c.region_code, region))
                .cloned()
                .collect();
            assert_eq!(coverage, expected, "{region}");
            seen_some += usize::from(!coverage.is_empty());

            let metrics = store.region_metrics(Some(region)).unwrap();
            let expected: Vec<_> = all_metrics
                .iter()
                .filter(|m| in_region(&m.region_code, region))
                .cloned()
                .collect();
            assert_eq!(metrics, expected, "{region}");

            let reports = store
                .reports(&Filter {
                    region_code: Some(region.into()),
                    ..Filter::default()
                })
                .unwrap();
            let counted: i64 = store
                .region_reading_counts(Some(region))
                .unwrap()
                .iter()
                .map(|(_, n)| n)
                .sum();
            assert_eq!(counted, reports.len() as i64, "{region}");

            // Coverage's agencies: placed here, or placed nowhere; by name.
            let ids: Vec<i64> = store
                .agencies_for_region(region)
                .unwrap()
                .iter()
                .map(|(id, _)| *id)
                .collect();
            let expected: Vec<i64> = agencies
                .iter()
                .filter(|a| in_region(&a.info.place.code, region) || unplaced.contains(&a.id))
                .map(|a| a.id)
                .collect();
            assert_eq!(ids, expected, "{region}");
            for year in [2020, 2021, 2022, 2023] {
                let got: Vec<i64> = store
                    .reports_for_region(region, year)
                    .unwrap()
                    .iter()
                    .map(|r| r.id)
                    .collect();
                let expected: Vec<i64> = store
                    .reports(&Filter {
                        year: Some(year),
                        ..Filter::default()
                    })
                    .unwrap()
                    .iter()
                    .filter(|r| r.agency_id.is_some_and(|a| ids.contains(&a)))
                    .map(|r| r.id)
                    .collect();
                assert_eq!(got, expected, "{region} {year}");
                year_reports += got.len();
            }
        }
        assert!(seen_some >= 4, "the regions hold reports");
        // Each region's years hold at least the two unplaced agencies' reports.
        assert!(year_reports >= 2 * 6, "{year_reports}");
        assert!(store.region_coverage(Some("44")).unwrap().is_empty());
    });
}
