//! Speed of the corpus generator: `cargo bench -p gongkai-synth --bench corpus`.
//! (The whole-process figure for 10,000 reports is `gongkai synth 10000 DIR`, timed in
//! `.ci/run`.)

use gongkai_synth::{generate_corpus, CorpusOptions};

fn main() {
    divan::main();
}

/// 1,000 reports generated in memory (text, tables, answer key).
#[divan::bench(sample_count = 10)]
fn generate_1000() -> usize {
    let opts = CorpusOptions {
        reports: 1_000,
        seed: 1,
        ..CorpusOptions::default()
    };
    generate_corpus(divan::black_box(&opts))
        .map(|r| r.synthetic.text.len())
        .sum()
}
