//! Every `gongkai` command in the README's `sh` code blocks, run in the README's own
//! words, in order, in a fresh folder that holds the bundled `examples/` (and
//! `../shared` beside it when the repository has one): what the README tells a user to
//! type must work.
//!
//! `gongkai` is the binary under test, put first on PATH (the README installs it with
//! `cargo install --path crates/cli`); `cargo run --release -p gongkai -- ARGS` is run as
//! `gongkai ARGS`. Each line goes through `sh -c`, so globs, quotes and comments mean
//! what they mean to the user. A command passes when it exits 0 — `check` also with 1,
//! which means "the documents have errors", as the README says of the seeds. Commands
//! that read `../shared` fail, not skip, when it is missing.
//!
//! Not run: the measurement recipes (lines calling `target/release/gongkai`, which need
//! a release build and a 10,000-report corpus), and the other tools' commands (cargo,
//! hyperfine, apt-get, git, the PostgreSQL script), which are listed below so that a new
//! kind of command in the README is noticed rather than silently skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Commands of other tools that the README shows.
const OTHER_TOOLS: &[&str] = &[
    "cargo test",
    "cargo install --path crates/cli",
    "cargo build --release",
    "cargo bench",
    "cargo +nightly fuzz",
    "cd fuzz && cargo +nightly fuzz",
    "hyperfine",
    "apt-get install",
    "eval \"$(.ci/postgres.sh)\"",
    "scripts/scale-postgres.sh",
    "INSTA_UPDATE=always cargo test",
    "git diff",
    "f=",
    "curl",
];

#[derive(Debug, PartialEq)]
enum Line {
    /// A command to run, as `sh` will see it.
    Run(String),
    Measurement,
    OtherTool,
}

fn classify(line: &str) -> Line {
    const CARGO_RUN: &str = "cargo run --release -p gongkai -- ";
    if line.contains("target/release/gongkai") {
        Line::Measurement
    } else if let Some(rest) = line.strip_prefix(CARGO_RUN) {
        Line::Run(format!("gongkai {rest}"))
    } else if line.starts_with("gongkai ") || line.starts_with("printf ") {
        // `printf … > FILE` writes a file the next command reads.
        Line::Run(line.to_string())
    } else if OTHER_TOOLS.iter().any(|p| line.starts_with(p)) {
        Line::OtherTool
    } else {
        panic!("README 中有本测试不认识的命令（加入 OTHER_TOOLS 或让它可运行）：{line}")
    }
}

/// The lines of the README's `sh` blocks, in order.
fn sh_lines(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = None;
    for line in readme.lines() {
        if let Some(info) = line.strip_prefix("```") {
            in_sh = match in_sh {
                None => Some(info.trim() == "sh"),
                Some(_) => None,
            };
            continue;
        }
        let line = line.trim();
        if in_sh == Some(true) && !line.is_empty() && !line.starts_with('#') {
            out.push(line.to_string());
        }
    }
    out
}

#[test]
fn the_classifier_knows_the_readme_forms() {
    assert_eq!(
        classify("cargo run --release -p gongkai -- check examples/seeds/*.txt"),
        Line::Run("gongkai check examples/seeds/*.txt".into())
    );
    assert_eq!(
        classify("gongkai summary   # 覆盖情况"),
        Line::Run("gongkai summary   # 覆盖情况".into())
    );
    assert_eq!(
        classify("target/release/gongkai score /tmp/syn/answer-key.jsonl --strict"),
        Line::Measurement
    );
    assert_eq!(classify("cargo test --workspace"), Line::OtherTool);
    let lines =
        sh_lines("text\n```sh\ngongkai a # x\n\n# only a comment\n```\n```text\ngongkai b\n```\n");
    assert_eq!(lines, ["gongkai a # x"]);
}

fn symlink(from: &Path, to: &Path) {
    std::os::unix::fs::symlink(from, to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
}

/// Starts `gongkai serve` as the README writes it (on a free port instead of 8080),
/// waits for the lines it prints on start, and stops it.
fn serves(command: &str, work: &Path, path: &str) -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    let bare = command.split(" #").next().unwrap_or(command).trim();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("exec {bare} --listen 127.0.0.1:0"))
        .current_dir(work)
        .env("PATH", path)
        .env_remove("GONGKAI_DATABASE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut printed = Vec::new();
    let mut started = false;
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.map_err(|e| e.to_string())?;
        started = line.starts_with("按 Ctrl-C");
        printed.push(line);
        if started {
            break;
        }
    }
    let _ = child.kill();
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if started && printed[0].starts_with("审核工作台：http://127.0.0.1:") {
        Ok(())
    } else {
        Err(format!(
            "未能启动：{printed:?}\n  {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn every_readme_command_runs() {
    let root = root().canonicalize().unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let base = std::env::temp_dir().join(format!("gongkai-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (work, bin) = (base.join("work"), base.join("bin"));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    symlink(&root.join("examples"), &work.join("examples"));
    symlink(
        Path::new(env!("CARGO_BIN_EXE_gongkai")),
        &bin.join("gongkai"),
    );
    // ../shared as the repository sees it; missing, the commands that need it fail.
    let shared = root.join("../shared");
    if shared.exists() {
        symlink(&shared.canonicalize().unwrap(), &base.join("shared"));
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut ran = Vec::new();
    let mut failures = Vec::new();
    for line in sh_lines(&readme) {
        let Line::Run(command) = classify(&line) else {
            continue;
        };
        if command.starts_with("gongkai serve") {
            // The workspace runs until stopped: it must start, say where, and be stopped.
            match serves(&command, &work, &path) {
                Ok(()) => {}
                Err(e) => failures.push(format!("{command}\n  {e}")),
            }
            ran.push(command);
            continue;
        }
        let out = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(&work)
            .env("PATH", &path)
            .env_remove("GONGKAI_DATABASE")
            .output()
            .expect("run sh");
        let code = out.status.code();
        // `check` says 1 for findings, `coverage` for bodies missing or late.
        let findings =
            command.starts_with("gongkai check") || command.starts_with("gongkai coverage");
        let ok = code == Some(0) || (findings && code == Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !ok || stderr.contains("panicked") {
            failures.push(format!("{command}\n  退出码 {code:?}\n  {stderr}"));
        }
        ran.push(command);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The README's examples were found: the first command and the corpus walk-through.
    assert!(
        ran.contains(&"gongkai check examples/seeds/*.txt".to_string()),
        "{ran:#?}"
    );
    for cmd in [
        "ingest",
        "history",
        "compare",
        "consolidate",
        "summary",
        "export",
        "agencies",
        "coverage",
        "serve",
        "user",
    ] {
        assert!(
            ran.iter().any(|c| c.starts_with(&format!("gongkai {cmd} "))
                || *c == format!("gongkai {cmd}")
                || c.starts_with(&format!("gongkai {cmd}  "))),
            "no `gongkai {cmd}` in the README's sh blocks: {ran:#?}"
        );
    }
    // What the commands left: the default database and the exports the README names.
    assert!(work.join("gongkai.db").is_file());
    assert_eq!(&std::fs::read(work.join("年报.xlsx")).unwrap()[..2], b"PK");
    assert_eq!(
        &std::fs::read(work.join("辉县市2021.xlsx")).unwrap()[..2],
        b"PK"
    );
    assert!(std::fs::read_to_string(work.join("单元格.csv"))
        .unwrap()
        .starts_with("\u{feff}id,agency,region,"));
    let _ = std::fs::remove_dir_all(&base);
}
