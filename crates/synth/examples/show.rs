//! Print one synthetic report to stdout and its answer key to stderr:
//! `cargo run -p gongkai-synth --example show -- SEED LAYOUT [kangxi] [lose] [ERROR…]`,
//! e.g. `-- 7 tabs kangxi blank-cell prose-count`.
use gongkai_synth::{generate, Injection, Layout, Options};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(1);
    let layout = args
        .get(1)
        .and_then(|a| Layout::from_name(a))
        .unwrap_or_default();
    let errors = args
        .iter()
        .filter_map(|a| Injection::from_name(a))
        .collect();
    let opts = Options {
        layout,
        kangxi: args.iter().any(|a| a == "kangxi"),
        lose_zero_cells: args.iter().any(|a| a == "lose"),
        errors,
        error_rate: 0.0,
    };
    let s = generate(seed, &opts);
    print!("{}", s.text);
    eprintln!(
        "expected: {:?}\ninjected: {:?}\nlost: {:?}",
        s.expected, s.injected, s.lost
    );
}
