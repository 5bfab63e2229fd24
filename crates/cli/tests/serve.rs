//! `gongkai serve` and `gongkai user` as a user runs them: the first start creates the
//! administrator and prints the password once; the workspace answers on the address
//! printed; a user added from the command line can log in.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn gongkai() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
}

/// A raw HTTP/1.1 request on loopback (no client library needed); the answer.
fn http(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_prints_the_first_password_once_and_users_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let db = db.to_str().unwrap();
    let start = || {
        let mut child = gongkai()
            .args(["serve", "--database", db, "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = Vec::new();
        loop {
            let line = lines.next().unwrap().unwrap();
            let done = line.starts_with("按 Ctrl-C");
            printed.push(line);
            if done {
                break;
            }
        }
        (child, printed)
    };
    let (mut child, printed) = start();
    let addr = printed[0]
        .strip_prefix("审核工作台：http://")
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let password = printed
        .iter()
        .find(|l| l.starts_with("已创建管理员 admin"))
        .and_then(|l| l.rsplit('：').next())
        .unwrap()
        .to_string();
    assert_eq!(password.chars().count(), 16, "{printed:?}");
    let page = http(
        &addr,
        &format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("审核工作台"));
    let body = format!("{{\"name\":\"admin\",\"password\":\"{password}\"}}");
    let login = http(
        &addr,
        &format!(
            "POST /api/session HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    child.kill().unwrap();
    child.wait().unwrap();

    // A second start on the same database creates no one and prints no password.
    let (mut child, printed) = start();
    assert!(!printed.iter().any(|l| l.contains("密码")), "{printed:?}");
    child.kill().unwrap();
    child.wait().unwrap();

    // A user added from the command line, password from standard input.
    let mut add = gongkai()
        .args([
            "user",
            "add",
            "李审核",
            "--role",
            "reviewer",
            "--region",
            "新乡市",
        ])
        .args(["--password-stdin", "--database", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all("足够长的密码-2026\n".as_bytes())
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "已创建用户 李审核（编号 2，审核人员）\n"
    );
    let list = gongkai()
        .args(["user", "list", "--database", db])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(list.stdout).unwrap(),
        "1\tadmin\t管理员\teverywhere\t启用\n2\t李审核\t审核人员\tregions:4107\t启用\n"
    );
    // A short password is refused with its reason.
    let out = gongkai()
        .args([
            "user",
            "add",
            "王",
            "--role",
            "viewer",
            "--password-stdin",
            "--database",
            db,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(b"short\n").unwrap();
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "错误：密码至少需要 10 个字符\n"
    );
}
