//! Reports named as users name them: `#编号`, `机关名称:年度` and files, against a corpus
//! of the seeds. On SQLite and (when `GONGKAI_TEST_POSTGRES` names a server) PostgreSQL.

use std::path::Path;

use gongkai_corpus::resolve::{ReportSpec, ResolveError};
use gongkai_corpus::{cross, IngestOptions};
use gongkai_store::testing::on_both_backends as on_both;
use gongkai_store::Filter;

fn seeds() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

fn load(spec: &str, store: &mut gongkai_store::Store) -> Result<(String, Option<String>), String> {
    let named = ReportSpec::parse(spec)
        .and_then(|s| s.load(Some(store)))
        .map_err(|e| e.to_string())?;
    Ok((named.label, named.report.agency().map(str::to_string)))
}

#[test]
fn ids_agencies_and_years_and_files() {
    on_both("resolve", |store| {
        let found = gongkai_corpus::discover(&[seeds()]);
        let opts = IngestOptions::default();
        gongkai_corpus::ingest(store, &found, &opts, &|_| {}).unwrap();
        cross::run(store, &opts.selection, &opts.similarity).unwrap();
        let rows = store.reports(&Filter::default()).unwrap();
        let huixian = rows
            .iter()
            .find(|r| r.agency.as_deref() == Some("辉县市人民政府"))
            .unwrap();
        let agency = Some("辉县市人民政府".to_string());
        let label = format!("#{}", huixian.id);
        assert_eq!(load(&label, store), Ok((label.clone(), agency.clone())));
        assert_eq!(
            load(&huixian.id.to_string(), store),
            Ok((label.clone(), agency.clone()))
        );
        assert_eq!(
            load("辉县市人民政府:2021", store),
            Ok((label.clone(), agency.clone()))
        );
        assert_eq!(load("辉县市：2021年", store), Ok((label, agency)));
        // Stored findings come along, the cross-report ones left out.
        let named = ReportSpec::parse("瀍河回族区:2021")
            .unwrap()
            .load(Some(store))
            .unwrap();
        assert!(!named.findings.is_empty());

        assert_eq!(
            load("辉县市人民政府:2020", store),
            Err("“辉县市人民政府:2020”：既不是文件，也不是语料库中的报告".to_string())
        );
        let spec = ReportSpec::parse("人民政府办公室:2021").unwrap();
        match spec.load(Some(store)) {
            Err(ResolveError::Ambiguous { spec, candidates }) => {
                assert_eq!(spec, "人民政府办公室:2021");
                let mut agencies: Vec<String> =
                    candidates.into_iter().filter_map(|(_, a)| a).collect();
                agencies.sort();
                assert_eq!(
                    agencies,
                    ["清河县人民政府办公室", "瀍河回族区人民政府办公室"]
                );
            }
            other => panic!("{:?}", other.map(|n| n.label)),
        }
        // A file is read, not looked up, and labelled as named.
        let file = seeds().join("002_d134efd7659efa26.txt");
        let file = file.to_str().unwrap();
        assert_eq!(
            load(file, store),
            Ok((file.to_string(), Some("西工区城市改造办公室".to_string())))
        );
    });
}
