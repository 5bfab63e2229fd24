//! The eval runner over the bundled seeds (every cell exact, every expected finding
//! found), and its refusals.

use std::path::{Path, PathBuf};

use gongkai_eval::EvalError;
use gongkai_pipeline::MetadataOptions;

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

#[test]
fn the_seeds_read_exactly() {
    let r = gongkai_eval::run(&[seeds()], &MetadataOptions::default()).unwrap();
    assert_eq!(r.documents.len(), 5);
    assert_eq!(r.documents_exact, 5);
    assert!(r.is_perfect(), "{:?}", r.cells);
    assert!(r.documents.iter().all(|d| d.error.is_none()));
    // The JSON `eval --format json` prints.
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["documents_exact"], 5);
    assert!(v["documents"][0].get("truth_notes").is_none());
}

#[test]
fn a_folder_without_truth_or_a_bad_manifest_is_refused() {
    let dir = std::env::temp_dir().join(format!("gongkai-eval-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let e = gongkai_eval::run(std::slice::from_ref(&dir), &MetadataOptions::default()).unwrap_err();
    assert!(matches!(e, EvalError::NoDocuments(_)), "{e}");
    assert_eq!(
        e.to_string(),
        format!("{}: 没有带 truth/<文件名>.json 的文档", dir.display())
    );
    let e = gongkai_eval::run(&[dir.join("none")], &MetadataOptions::default()).unwrap_err();
    assert!(matches!(e, EvalError::Folder { .. }), "{e}");

    let manifest = dir.join("manifest.csv");
    std::fs::write(&manifest, "file,agency,year\n").unwrap();
    let options = MetadataOptions {
        manifest: Some(manifest),
        ..MetadataOptions::default()
    };
    let e = gongkai_eval::run(&[seeds()], &options).unwrap_err();
    assert!(matches!(e, EvalError::Manifest(_)), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
