//! Print a DOCX as the parser sees it, optionally rewrite it, and time the reading.
//!
//! `cargo run --release -p gongkai-docx --example docx_dump -- FILE.docx [--write OUT.docx] [--time]`

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: docx_dump FILE.docx [--write OUT.docx] [--time]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).expect("read file");
    let doc = match gongkai_docx::read(&bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    if args.iter().any(|a| a == "--time") {
        let n = 200;
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(gongkai_docx::read(&bytes).unwrap());
        }
        let per = t.elapsed() / n;
        eprintln!(
            "{path}: {} bytes read in {per:?} per call ({n} calls)",
            bytes.len()
        );
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let out = args.get(i + 1).expect("--write OUT");
        std::fs::write(out, gongkai_docx::write(&doc.blocks)).expect("write");
    }
    print!(
        "{}",
        gongkai_parse::SourceText::from_document(&doc).original()
    );
}
