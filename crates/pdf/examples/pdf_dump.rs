//! Print how a PDF is laid out as text for the parser, and what the parser reads.
//! `cargo run -p gongkai-pdf --example pdf_dump -- FILE.pdf [--json]`
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: pdf_dump FILE.pdf [--json]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).expect("read file");
    let t = std::time::Instant::now();
    let doc = match gongkai_pdf::read(&bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    eprintln!("read in {:?}", t.elapsed());
    let src = gongkai_parse::SourceText::from_document(&doc);
    println!("{}", src.original());
    if args.iter().any(|a| a == "--json") {
        match gongkai_parse::parse_document(path, &doc) {
            Ok(p) => println!(
                "{}",
                serde_json::to_string_pretty(&gongkai_model::canonical_json(
                    &p.report,
                    Default::default()
                ))
                .unwrap_or_default()
            ),
            Err(e) => println!("parse error: {e}"),
        }
    }
}
