//! Write a synthetic corpus with its answer key:
//! `cargo run --release -p gongkai-synth --example corpus -- DIR [REPORTS] [SEED]`,
//! e.g. `-- /tmp/corpus 10000 1` (4 years per agency, 20 % single-report errors,
//! 10 % cross-report errors, all layouts).
use std::time::Instant;

use gongkai_synth::{write_corpus, CorpusOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: corpus DIR [REPORTS] [SEED]");
        std::process::exit(2);
    };
    let opts = CorpusOptions {
        reports: args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000),
        seed: args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0),
        ..CorpusOptions::default()
    };
    let start = Instant::now();
    match write_corpus(std::path::Path::new(dir), &opts) {
        Ok(sum) => eprintln!("{sum:#?}\nwritten in {:?}", start.elapsed()),
        Err(e) => {
            eprintln!("{dir}: {e}");
            std::process::exit(1);
        }
    }
}
