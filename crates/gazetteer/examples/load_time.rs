//! Time the first use of the embedded gazetteer (parse + index) and one resolution:
//! `cargo run --release -p gongkai-gazetteer --example load_time`.

use std::time::Instant;

use gongkai_gazetteer::{gazetteer, resolve_agency};

fn main() {
    let start = Instant::now();
    let g = match gazetteer() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("无法读取区划数据：{e}");
            std::process::exit(2);
        }
    };
    let loaded = start.elapsed();
    let start = Instant::now();
    let r = resolve_agency(g, "河南省新乡市辉县市人民政府办公室");
    let resolved = start.elapsed();
    println!(
        "{} 个单位，首次载入 {:.1} ms，解析一个机关名称 {:.1} µs（{:?}）",
        g.len(),
        loaded.as_secs_f64() * 1e3,
        resolved.as_secs_f64() * 1e6,
        r.outcome
    );
}
