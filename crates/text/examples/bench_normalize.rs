//! Rough timing of `Normalized::new` on a synthetic ~8 KB report.
//!
//! `cargo run --release -p gongkai-text --example bench_normalize`

use std::hint::black_box;
use std::time::Instant;

use gongkai_text::{LineIndex, Normalized};

fn main() {
    let mut report = String::new();
    let mut page = 1;
    while report.len() < 8 * 1024 {
        report.push_str("⼀、总体情况\r\n");
        report.push_str(
            "本机关2023年度主动公开政府信息１２３条，其中（一）主动公开规章0件。\u{3000}\r\n",
        );
        report.push_str("收到和处理政府信息公开申请情况如下表所示：[bookmark: _GoBack]\r\n");
        report.push_str("3\r\n0\r\n—\r\n12\r\n");
        report.push_str(&format!("- {page} -\r\n"));
        page += 1;
    }
    let plain: String = report.replace("⼀", "一").replace('\r', "");
    for (name, text) in [("messy", &report), ("plain", &plain)] {
        let iters = 20_000;
        let start = Instant::now();
        for _ in 0..iters {
            black_box(Normalized::new(black_box(text)));
        }
        let per = start.elapsed() / iters;
        println!("Normalized::new {name} {} bytes: {per:?}", text.len());
    }
    let n = Normalized::new(&report);
    let iters = 20_000;
    let start = Instant::now();
    for _ in 0..iters {
        black_box(LineIndex::new(black_box(&n.text)));
    }
    println!(
        "LineIndex::new {} bytes: {:?}",
        n.text.len(),
        start.elapsed() / iters
    );
}
