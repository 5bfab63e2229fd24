//! Snapshots of what `gongkai check` prints, human (`--color never`) and JSON, for the
//! five seed reports, every file of the development corpus (`../shared/corpus`) and every
//! crawled shape of `../shared/corpus-web` (read with its manifest). Both folders must be
//! there: these tests fail, not skip, without them.
//!
//! The snapshots are in `tests/snapshots/`. After an intended change of the output,
//! regenerate them and review the diff:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test -p gongkai --test snapshots
//! git diff crates/cli/tests/snapshots
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of a folder (relative to the workspace root, as given on the command line),
/// sorted; folders and the README left out. A missing folder fails the test.
fn files(dir: &str, extension: Option<&str>) -> Vec<String> {
    let abs = root().join(dir);
    let mut out: Vec<String> = std::fs::read_dir(&abs)
        .unwrap_or_else(|e| panic!("{}: {e} (these tests read it)", abs.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .filter(|p| extension.is_none_or(|x| p.extension().is_some_and(|e| e == x)))
        .map(|p| format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no files in {}", abs.display());
    out
}

fn seeds() -> Vec<String> {
    let seeds = files("examples/seeds", Some("txt"));
    assert_eq!(seeds.len(), 5);
    seeds
}

fn corpus() -> Vec<String> {
    files("../shared/corpus", None)
}

/// The crawled shapes; their manifest (agency, year, URL from the crawl) is not a report.
fn corpus_web() -> Vec<String> {
    files("../shared/corpus-web", None)
        .into_iter()
        .filter(|f| !f.ends_with(".csv"))
        .collect()
}

const WEB_MANIFEST: &str = "../shared/corpus-web/manifest.csv";

/// `gongkai check ARGS FILE` from the workspace root: the exit code, then stdout.
fn check(args: &[&str], file: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("check")
        .args(args)
        .arg(file)
        .current_dir(root())
        .output()
        .expect("run gongkai");
    assert!(
        out.stderr.is_empty(),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "exit: {}\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8")
    )
}

fn snapshot_name(kind: &str, file: &str) -> String {
    let name = Path::new(file).file_name().unwrap().to_string_lossy();
    format!("{kind}__{}", name.replace('.', "_"))
}

fn snapshots(kind: &str, args: &[&str], files: &[String]) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for file in files {
            insta::assert_snapshot!(snapshot_name(kind, file), check(args, file));
        }
    });
}

#[test]
fn seeds_human() {
    snapshots("human", &["--color", "never"], &seeds());
}

#[test]
fn seeds_json() {
    snapshots("json", &["--format", "json"], &seeds());
}

#[test]
fn corpus_human() {
    snapshots("human", &["--color", "never"], &corpus());
}

#[test]
fn corpus_json() {
    snapshots("json", &["--format", "json"], &corpus());
}

#[test]
fn corpus_web_human() {
    snapshots(
        "web_human",
        &["--color", "never", "--manifest", WEB_MANIFEST],
        &corpus_web(),
    );
}

#[test]
fn corpus_web_json() {
    snapshots(
        "web_json",
        &["--format", "json", "--manifest", WEB_MANIFEST],
        &corpus_web(),
    );
}
