//! A bounded load test of `gongkai serve` on loopback: readers browsing report views
//! and lists, uploaders sending files, for a fixed time; prints p50/p99 latency and
//! errors per kind of request, and fails when any request failed or the report view's
//! p99 is over the limit.
//!
//! ```text
//! cargo run --release -p gongkai-server --example load -- \
//!     --bin target/release/gongkai --database corpus.db --uploads more-reports/ \
//!     [--readers 50] [--uploaders 5] [--seconds 60] [--max-p99-ms 100]
//! ```
//!
//! The server is started as its own process (`gongkai serve --listen 127.0.0.1:0`) on a
//! database with no users yet, so that it creates the administrator and prints the
//! password, which this tool logs in with.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;

struct Args {
    bin: PathBuf,
    database: String,
    uploads: Option<PathBuf>,
    readers: usize,
    uploaders: usize,
    seconds: u64,
    max_p99_ms: f64,
    /// The administrator's password, for a database that has users already.
    password: Option<String>,
    /// Pause between one reader's requests, milliseconds (a reader reads the page).
    think_ms: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        bin: PathBuf::from("target/release/gongkai"),
        database: String::new(),
        uploads: None,
        readers: 50,
        uploaders: 5,
        seconds: 60,
        max_p99_ms: 100.0,
        password: None,
        think_ms: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--bin" => a.bin = PathBuf::from(value()?),
            "--database" => a.database = value()?,
            "--uploads" => a.uploads = Some(PathBuf::from(value()?)),
            "--readers" => a.readers = value()?.parse().map_err(|e| format!("{e}"))?,
            "--uploaders" => a.uploaders = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            "--max-p99-ms" => a.max_p99_ms = value()?.parse().map_err(|e| format!("{e}"))?,
            "--password" => a.password = Some(value()?),
            "--think-ms" => a.think_ms = value()?.parse().map_err(|e| format!("{e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.database.is_empty() {
        return Err("--database is required".into());
    }
    Ok(a)
}

/// The server process; killed when dropped.
struct Server {
    child: Child,
    url: String,
    password: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(a: &Args, data_dir: &std::path::Path) -> Result<Server, String> {
    let mut child = Command::new(&a.bin)
        .args([
            "serve",
            "--database",
            &a.database,
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", a.bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut url = None;
    let mut password = a.password.clone();
    loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            return Err(
                "the server stopped before printing its address and the administrator's \
                 password (the database must have no users yet)"
                    .into(),
            );
        };
        if let Some(u) = line.strip_prefix("审核工作台：") {
            url = Some(u.trim_end_matches('/').to_string());
        }
        if line.contains("初始密码") {
            password = line.rsplit('：').next().map(str::to_string);
        }
        if line.starts_with("按 Ctrl-C") {
            break;
        }
    }
    if url.is_none() || password.is_none() {
        let _ = child.kill();
        return Err(
            "the database has users already: give the administrator's password with --password"
                .into(),
        );
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok(Server {
        child,
        url: url.unwrap_or_default(),
        password: password.unwrap_or_default(),
    })
}

#[derive(Default)]
struct Samples {
    millis: Vec<f64>,
    /// One per answered request: when it was sent (seconds from the start), what, the
    /// time the client saw, and the server's own time (`Server-Timing`).
    answered: Vec<Answered>,
    errors: Vec<String>,
}

struct Answered {
    at: f64,
    path: String,
    client_ms: f64,
    server_ms: Option<f64>,
}

/// The server's own time from its `Server-Timing: app;dur=<ms>` header.
fn server_ms(r: &reqwest::Response) -> Option<f64> {
    let v = r.headers().get("server-timing")?.to_str().ok()?;
    v.split(';')
        .find_map(|p| p.trim().strip_prefix("dur="))
        .and_then(|d| d.parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        Err(e) => {
            eprintln!("load: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, String> {
    let a = args()?;
    let mut uploads: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &a.uploads {
        for entry in walk(dir) {
            uploads.push(entry);
        }
        uploads.sort();
    }
    let data_dir = std::env::temp_dir().join(format!("gongkai-load-{}", std::process::id()));
    let server = start_server(&a, &data_dir)?;
    // The reports to browse, straight from the database (which the server has
    // brought up to date).
    // The store is synchronous (the PostgreSQL client runs its own runtime): read on a
    // blocking thread.
    let database = a.database.clone();
    let (ids, years) = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let mut store =
            gongkai_store::Store::open_read_only(&database).map_err(|e| e.to_string())?;
        let rows = store
            .reports(&gongkai_store::Filter::default())
            .map_err(|e| e.to_string())?;
        let mut years: Vec<i32> = rows.iter().filter_map(|r| r.year).collect();
        years.sort_unstable();
        years.dedup();
        Ok((rows.iter().map(|r| r.id).collect::<Vec<i64>>(), years))
    })
    .await
    .map_err(|e| e.to_string())??;
    if ids.is_empty() {
        return Err("the database has no reports".into());
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.readers + a.uploaders)
        .build()
        .map_err(|e| e.to_string())?;
    let login = client
        .post(format!("{}/api/session", server.url))
        .json(&serde_json::json!({"name": "admin", "password": server.password}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !login.status().is_success() {
        return Err(format!("login failed: {}", login.status()));
    }
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no session cookie")?
        .to_string();
    let csrf = login
        .json::<serde_json::Value>()
        .await
        .map_err(|e| e.to_string())?["csrf"]
        .as_str()
        .ok_or("no csrf token")?
        .to_string();

    let started = Instant::now();
    let deadline = started + Duration::from_secs(a.seconds);
    let views = Arc::new(Mutex::new(Samples::default()));
    let lists = Arc::new(Mutex::new(Samples::default()));
    let sent = Arc::new(Mutex::new(Samples::default()));
    let ids = Arc::new(ids);
    let years = Arc::new(years);
    let mut tasks = Vec::new();
    for reader in 0..a.readers {
        let (client, url, cookie) = (client.clone(), server.url.clone(), cookie.clone());
        let (views, lists, ids, years) = (views.clone(), lists.clone(), ids.clone(), years.clone());
        let think_ms = a.think_ms;
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(reader as u64);
            // Readers arrive as people do, spread over the first pause, not all in the
            // same millisecond.
            if think_ms > 0 {
                let first = rng.gen_range(0..=2 * think_ms);
                tokio::time::sleep(Duration::from_millis(first)).await;
            }
            while Instant::now() < deadline {
                // Seven report views for every three lists: a reviewer opens what a
                // list shows.
                let (path, into) = if rng.gen_range(0..10) < 7 {
                    let id = ids[rng.gen_range(0..ids.len())];
                    (format!("/reports/{id}"), &views)
                } else {
                    let mut q = format!("/reports?page={}", rng.gen_range(1..=20));
                    if !years.is_empty() && rng.gen_bool(0.5) {
                        q.push_str(&format!("&year={}", years[rng.gen_range(0..years.len())]));
                    }
                    (q, &lists)
                };
                let t = Instant::now();
                let r = client
                    .get(format!("{url}{path}"))
                    .header("cookie", &cookie)
                    .send()
                    .await;
                let outcome = match r {
                    Ok(r) if r.status().is_success() => {
                        let server = server_ms(&r);
                        r.bytes().await.map(|_| server).map_err(|e| e.to_string())
                    }
                    Ok(r) => Err(format!("{path}: HTTP {}", r.status())),
                    Err(e) => Err(format!("{path}: {e}")),
                };
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                {
                    let mut s = into.lock().await;
                    match outcome {
                        Ok(server_ms) => {
                            s.millis.push(ms);
                            s.answered.push(Answered {
                                at: (t - started).as_secs_f64(),
                                path,
                                client_ms: ms,
                                server_ms,
                            });
                        }
                        Err(e) => s.errors.push(e),
                    }
                }
                if think_ms > 0 {
                    let pause = rng.gen_range(0..=2 * think_ms);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
        }));
    }
    let uploads = Arc::new(Mutex::new(uploads.into_iter()));
    for _ in 0..a.uploaders {
        let (client, url, cookie, csrf) = (
            client.clone(),
            server.url.clone(),
            cookie.clone(),
            csrf.clone(),
        );
        let (sent, uploads) = (sent.clone(), uploads.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let Some(path) = uploads.lock().await.next() else {
                    break;
                };
                let Ok(bytes) = tokio::fs::read(&path).await else {
                    continue;
                };
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let form = reqwest::multipart::Form::new().part(
                    "files",
                    reqwest::multipart::Part::bytes(bytes).file_name(name),
                );
                let t = Instant::now();
                let r = client
                    .post(format!("{url}/api/uploads"))
                    .header("cookie", &cookie)
                    .header("x-csrf-token", &csrf)
                    .multipart(form)
                    .send()
                    .await;
                let outcome = match r {
                    Ok(r) if r.status().is_success() => Ok(()),
                    Ok(r) => Err(format!(
                        "upload: HTTP {} {}",
                        r.status(),
                        r.text().await.unwrap_or_default()
                    )),
                    Err(e) => Err(format!("upload: {e}")),
                };
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                let mut s = sent.lock().await;
                match outcome {
                    Ok(()) => s.millis.push(ms),
                    Err(e) => s.errors.push(e),
                }
                // An uploader sends about one file a second, as a person dropping
                // files would, not as fast as the socket allows.
                tokio::time::sleep(Duration::from_millis(1000)).await;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);

    println!(
        "load: {} readers (pause between pages {} ms on average), {} uploaders, {} s, {} reports",
        a.readers,
        a.think_ms,
        a.uploaders,
        a.seconds,
        ids.len()
    );
    println!("| requests | count | p50 ms | p99 ms | max ms | server p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut ok = true;
    for (name, samples) in [
        ("report view", &views),
        ("report list", &lists),
        ("upload", &sent),
    ] {
        let s = samples.lock().await;
        let mut ms = s.millis.clone();
        ms.sort_by(f64::total_cmp);
        let mut server: Vec<f64> = s.answered.iter().filter_map(|a| a.server_ms).collect();
        server.sort_by(f64::total_cmp);
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            ms.len(),
            percentile(&ms, 50.0),
            percentile(&ms, 99.0),
            ms.last().copied().unwrap_or(f64::NAN),
            percentile(&server, 99.0),
            s.errors.len()
        );
        for e in s.errors.iter().take(5) {
            eprintln!("  {name} error: {e}");
        }
        ok &= s.errors.is_empty();
        if name == "report view"
            && percentile(&ms, 99.0).partial_cmp(&a.max_p99_ms) != Some(std::cmp::Ordering::Less)
        {
            eprintln!("report view p99 over {} ms", a.max_p99_ms);
            // What was slow, and when: a stall of the whole machine shows as many
            // requests at one moment whose server time is short.
            let mut slow: Vec<&Answered> = s.answered.iter().collect();
            slow.sort_by(|x, y| y.client_ms.total_cmp(&x.client_ms));
            eprintln!("  the slowest report views (sent at s, client ms, server ms):");
            for x in slow.iter().take(15) {
                eprintln!(
                    "  {:7.2} s  {:7.1}  {:>7}  {}",
                    x.at,
                    x.client_ms,
                    x.server_ms.map_or("-".into(), |m| format!("{m:.1}")),
                    x.path
                );
            }
            ok = false;
        }
    }
    Ok(ok)
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| {
                ["txt", "pdf", "docx", "html"].contains(&x.to_string_lossy().as_ref())
            }) {
                out.push(p);
            }
        }
    }
    out
}
