//! Parse + check one file many times, for profilers: `cargo run --release --example profile_parse -- FILE N`.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("FILE");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let text = std::fs::read_to_string(&path).expect("read");
    let selection = gongkai_check::Selection::all();
    let mut findings = 0;
    for _ in 0..n {
        let p = gongkai_parse::parse_text(&path, text.clone()).expect("parse");
        findings += gongkai_check::check(&p.report, Some(&p.source), &selection).len();
    }
    println!("{findings}");
}
