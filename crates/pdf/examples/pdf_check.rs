//! The whole pipeline on one PDF, as `gongkai check` will run it: read, parse, check,
//! print the findings as JSON. For timing against `pdftotext -layout` with hyperfine.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pdf_check FILE.pdf");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).expect("read file");
    let doc = match gongkai_pdf::read(&bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let parsed = match gongkai_parse::parse_document(&path, &doc) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let findings = gongkai_check::check(
        &parsed.report,
        Some(&parsed.source),
        &gongkai_check::Selection::all(),
    );
    let mut json = gongkai_model::canonical_json(&parsed.report, Default::default());
    json["findings"] = serde_json::to_value(&findings).unwrap_or_default();
    println!(
        "{}",
        serde_json::to_string_pretty(&json).unwrap_or_default()
    );
}
