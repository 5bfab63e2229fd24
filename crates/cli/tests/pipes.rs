//! Output that pipes: every command writing to a standard output whose reader has gone
//! (`gongkai check … | head -n 1`) exits quietly — no panic, no "Broken pipe" — with
//! status 0 or its usual one.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Run `gongkai args` with standard output a pipe whose reading end is already closed
/// (so the first write fails with EPIPE, whatever the timing): (exit code, stderr).
fn closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .current_dir(root())
        .env_remove("GONGKAI_DATABASE")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run gongkai");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let seeds = [
        "examples/seeds/000_bdef848fa1eb37a7.txt",
        "examples/seeds/001_80982073e3dd5082.txt",
        "examples/seeds/003_bdcd87e779cdd68c.txt",
    ];
    let mut commands: Vec<Vec<&str>> = vec![
        ["check", "--color", "never"]
            .iter()
            .chain(&seeds)
            .copied()
            .collect(),
        ["check", "--color", "always"]
            .iter()
            .chain(&seeds)
            .copied()
            .collect(),
        ["check", "--format", "json"]
            .iter()
            .chain(&seeds)
            .copied()
            .collect(),
        vec!["parse", seeds[0]],
        vec!["parse", "--bare", seeds[1]],
        vec!["rules"],
        vec!["rules", "B001"],
        vec!["rules", "--format", "json"],
        vec!["eval", "examples/seeds"],
        vec!["eval", "--format", "json", "examples/seeds"],
        vec!["--help"],
        vec!["check", "--help"],
        vec!["--version"],
    ];
    // The corpus commands, on a small corpus.
    let dir = std::env::temp_dir().join(format!("gongkai-pipes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("c.db").display().to_string();
    let ingest = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "ingest",
            "--no-progress",
            "--database",
            &db,
            "examples/seeds",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(ingest.status.success(), "{ingest:?}");
    let corpus: Vec<Vec<&str>> = vec![
        vec!["ingest", "--database", &db, "examples/seeds"],
        vec!["summary", "--database", &db],
        vec!["summary", "--database", &db, "--coverage-csv"],
        vec!["summary", "--database", &db, "--format", "json"],
        vec!["agencies", "--database", &db],
        vec!["history", "--database", &db, "辉县市人民政府"],
        vec!["compare", "--database", &db, seeds[0], seeds[1]],
        vec!["consolidate", "--database", &db, seeds[0], seeds[1]],
    ];
    commands.extend(corpus);
    for args in &commands {
        let (code, stderr) = closed_stdout(args);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe") && stderr.is_empty(),
            "{args:?}: {stderr}"
        );
        assert!(matches!(code, Some(0..=2)), "{args:?}: exit {code:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The same with a reader that takes one line and goes, as `head -n 1` does.
#[test]
fn head_n_1() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["check", "--color", "never"])
        .args(
            // The reports only: an error about the truth folder would go to stderr.
            std::fs::read_dir(root().join("examples/seeds"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(matches!(out.status.code(), Some(0..=2)), "{:?}", out.status);
}
