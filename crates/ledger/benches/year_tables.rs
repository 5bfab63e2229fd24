//! A year's tables from a 10,000-request year (the figure: under 1 s), the
//! ledger's validation included, as `compute` always validates first.

use gongkai_deadline::Calendar;
use gongkai_ledger::sample::random_ledger;

fn main() {
    divan::main();
}

#[divan::bench(args = [10_000, 30_000])]
fn year_tables(bencher: divan::Bencher, requests_a_year: usize) {
    // Three years of requests: `requests_a_year` in each.
    let ledger = random_ledger(1, requests_a_year * 3);
    let cal = Calendar::official();
    bencher.bench(|| gongkai_ledger::compute(&ledger, &cal, 2023).unwrap());
}
