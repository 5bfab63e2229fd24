//! `gongkai ingest --enqueue` and `gongkai ingest --worker`: the ingest as a job queue
//! in the database, shared by worker processes (`gongkai_corpus::workers`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use gongkai_corpus::workers::{self, Event, WorkerOptions, WorkerSummary};
use gongkai_store::{Actor, Backend, Store};
use serde_json::json;

use crate::corpus::{apply_mapping, redact, store_err, IngestArgs};
use crate::{print, ColorChoice, Format};

/// The queue's options of `gongkai ingest`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct QueueArgs {
    /// 只把文件排入数据库中的任务队列，由 `--worker` 进程读取 (queue the files as jobs for workers)
    #[arg(long, conflicts_with = "worker")]
    pub enqueue: bool,
    /// 每个任务最多的文件数 (files per job)
    #[arg(long, default_value_t = workers::DEFAULT_CHUNK, requires = "enqueue",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub chunk: usize,
    /// 作为工作进程：领取队列中的任务并入库，队列空后运行跨报告检查 (work as a worker)
    #[arg(long, conflicts_with = "paths")]
    pub worker: bool,
    /// 没有排队或进行中的任务时退出（默认继续等待新任务） (exit once the queue is empty)
    #[arg(long, requires = "worker")]
    pub until_empty: bool,
    /// 任务的租约（秒）：工作进程这么久没有消息，其任务由其他进程接手 (lease of a job, seconds)
    #[arg(long, requires = "worker", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub lease: u64,
    /// 每次提交的文件数 (files per transaction)
    #[arg(long, requires = "worker", default_value_t = 50,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub batch: usize,
}

/// `gongkai ingest --enqueue PATHS…`: queues the files found, prints how many files and
/// jobs. Exit 2 when a folder or entry could not be examined (recorded as a failure,
/// the rest queued all the same), as `ingest`.
pub fn enqueue(args: &IngestArgs) -> ExitCode {
    if args.reads_with_options() {
        errln!(
            "gongkai: --enqueue 只把文件排队，由 --worker 进程读取：读取选项（--mapping、--select、--ignore、\
--copied-threshold、--copied-min-chars、--agency、--year、--manifest）请给 --worker"
        );
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let found = gongkai_corpus::discover(&args.paths);
    let mut store = match args.db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let queued = match workers::enqueue(&mut store, &found, args.queue.chunk, &Actor::system()) {
        Ok(q) => q,
        Err(e) => return store_err(e),
    };
    let secs = started.elapsed().as_secs_f64();
    match args.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "database": redact(&args.db.database),
                "backend": store.backend().name(),
                "files": queued.files,
                "jobs": queued.jobs,
                "skipped": queued.skipped,
                "unreadable": found.unreadable.iter().map(|(p, e)| json!({"file": p, "error": e})).collect::<Vec<_>>(),
                "seconds": secs,
            }))
            .unwrap_or_default()
        ),
        Format::Human => {
            for (_, error) in &found.unreadable {
                errln!("无法读取：{error}");
            }
            let mut out = format!("已排队 {} 个文件，{} 个任务", queued.files, queued.jobs);
            if queued.jobs > 0 {
                out.push_str(&format!("（每个任务最多 {} 个文件）", args.queue.chunk));
            }
            if queued.skipped > 0 {
                out.push_str(&format!(
                    "；{} 个文件已在队列中或已读入且未改动，未重复排队",
                    queued.skipped
                ));
            }
            out.push_str(&format!(
                "；数据库 {}（{}）。用 `gongkai ingest --worker --database …` 启动工作进程读取\n",
                redact(&args.db.database),
                store.backend().name()
            ));
            print(&out, ColorChoice::Auto);
        }
    }
    if found.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// `gongkai ingest --worker`: claims jobs and reads their files until stopped (or, with
/// `--until-empty`, until nothing is queued or running). Exit 0; 2 when a file gave no
/// report, a job or the cross-report step failed, or the database failed.
pub fn worker(args: &IngestArgs) -> ExitCode {
    let started = Instant::now();
    let mut opts = match args.reading_options() {
        Ok(o) => o,
        Err(code) => return code,
    };
    opts.batch = args.queue.batch;
    let mut store = match args.db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Err(code) = apply_mapping(&mut store, &opts.mapping) {
        return code;
    }
    let backend = store.backend();
    let mut wopts = WorkerOptions::with_lease(Duration::from_secs(args.queue.lease));
    wopts.until_empty = args.queue.until_empty;
    let human = args.format == Format::Human;
    if human {
        let mut line = format!(
            "工作进程 {} 开始（{}，{}）",
            wopts.name,
            backend.name(),
            redact(&args.db.database)
        );
        if backend == Backend::Sqlite {
            line.push_str("；SQLite 同一时间只有一个写入者，另一个工作进程会等待写锁，多个工作进程请用 PostgreSQL");
        }
        print(&format!("{line}\n"), ColorChoice::Auto);
    }
    let mut failed_files = Vec::new();
    let mut tell = |e: Event<'_>| {
        if let Event::FileFailed { path, error } = &e {
            failed_files.push(json!({"file": path, "error": error}));
        }
        if let Some((line, is_error)) = event_line(&e) {
            // With --format json the files that failed are in the JSON, as with `ingest`.
            let listed = matches!(e, Event::FileFailed { .. }) && !human;
            if is_error && !listed {
                errln!("{line}");
            } else if human {
                print(&format!("{line}\n"), ColorChoice::Auto);
            }
        }
    };
    let database = args.db.database.clone();
    let connect = move || Store::open(&database);
    let ran = workers::work(&mut store, &connect, &opts, &wopts, &mut tell);
    let summary = match ran {
        Ok(s) => s,
        Err(e) => return store_err(format!("工作进程因数据库错误停止：{e}")),
    };
    let secs = started.elapsed().as_secs_f64();
    match args.format {
        Format::Json => outln!("{}", summary_json(&summary, &failed_files, secs)),
        Format::Human => print(&summary_line(&summary, secs), ColorChoice::Auto),
    }
    if summary.has_failures() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// A worker's event as a line, and whether it is an error (for stderr).
fn event_line(e: &Event<'_>) -> Option<(String, bool)> {
    Some(match e {
        Event::TakenOver { jobs } => (
            format!("接手 {jobs} 个中断的任务（其工作进程已超过租约时间没有消息）"),
            false,
        ),
        Event::Started {
            job,
            files,
            done_before,
            attempt,
        } if *attempt > 1 => (
            format!(
                "任务 #{job}：{files} 个文件，续做（第 {attempt} 次领取，已完成 {done_before} 个）"
            ),
            false,
        ),
        Event::Started { .. } => return None,
        Event::FileFailed { error, .. } => (format!("无法读取：{error}"), true),
        Event::Finished {
            job,
            counts,
            seconds,
        } => (
            format!("任务 #{job} 完成：{}（用时 {seconds:.1} 秒）", counts.line()),
            false,
        ),
        Event::JobFailed { job, error } => (format!("gongkai: 任务 #{job} 失败：{error}"), true),
        Event::Lost { job } => (
            format!("任务 #{job} 已由其他工作进程接手（本进程超过租约时间没有消息），由它完成；已入库的不会重复"),
            false,
        ),
        Event::CrossStarted { .. } => ("队列已空，运行跨报告检查…".to_string(), false),
        Event::CrossFinished { summary: c, seconds } => (
            format!(
                "跨报告检查：相邻年度 {} 对，结转不一致 {} 处，现行有效件数不连续 {} 处；比较 {} 个章节（候选 {} 对），内容雷同 {} 处（用时 {seconds:.1} 秒）",
                c.year_pairs, c.carry_over, c.stock, c.sections, c.candidates, c.copied
            ),
            false,
        ),
        Event::CrossFailed { error } => (format!("gongkai: {error}"), true),
        Event::Heartbeat { error } => (format!("gongkai: 无法记录任务进度：{error}"), true),
    })
}

fn summary_line(s: &WorkerSummary, secs: f64) -> String {
    let mut out = format!("本工作进程完成 {} 个任务：{}", s.jobs, s.counts.line());
    if s.taken_over > 0 {
        out.push_str(&format!("；接手中断的任务 {} 次", s.taken_over));
    }
    if s.lost_jobs > 0 {
        out.push_str(&format!("；{} 个任务由其他工作进程接手", s.lost_jobs));
    }
    if s.failed_jobs > 0 {
        out.push_str(&format!("；失败的任务 {} 个", s.failed_jobs));
    }
    out.push_str(&format!(
        "；运行跨报告检查 {} 次{}；共用时 {secs:.1} 秒\n",
        s.cross_runs,
        if s.cross_failed { "（失败）" } else { "" }
    ));
    out
}

fn summary_json(s: &WorkerSummary, failed: &[serde_json::Value], secs: f64) -> String {
    let cross = s.cross.as_ref().map(|c| {
        json!({
            "year_pairs": c.year_pairs, "carry_over_mismatch": c.carry_over,
            "stock_discontinuity": c.stock, "sections": c.sections,
            "candidates": c.candidates, "copied_text": c.copied,
            "texts": c.texts, "largest_cluster": c.largest_cluster,
            "limited": c.limited, "copied_text_clusters": c.clusters,
        })
    });
    serde_json::to_string_pretty(&json!({
        "jobs": s.jobs,
        "files": s.counts.files,
        "stored": s.counts.stored,
        "new_versions": s.counts.new_versions,
        "other_sources": s.counts.other_sources,
        "unchanged": s.counts.unchanged,
        "failed": failed,
        "failed_jobs": s.failed_jobs,
        "lost_jobs": s.lost_jobs,
        "taken_over": s.taken_over,
        "resumed": s.resumed,
        "cross_runs": s.cross_runs,
        "cross_failed": s.cross_failed,
        "cross": cross,
        "seconds": secs,
    }))
    .unwrap_or_default()
}
