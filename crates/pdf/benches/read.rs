//! `read` over the corpus PDFs (release). Compare with `pdftotext -layout` on the same
//! files: `hyperfine -N 'pdftotext -layout FILE /dev/null'`.

use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ))
}

const FILES: &[&str] = &[
    "hongze_district_2023.pdf",
    "hongze_district_2024.pdf",
    "huaian_city_2024.pdf",
    "pingtan_zone_2019-pdf.pdf",
];

fn main() {
    divan::main();
}

#[divan::bench(args = FILES)]
fn read(bencher: divan::Bencher, file: &str) {
    let Ok(bytes) = std::fs::read(corpus().join(file)) else {
        eprintln!("corpus file {file} absent: skipped");
        return;
    };
    bencher.bench(|| gongkai_pdf::read(divan::black_box(&bytes)).map(|d| d.blocks.len()));
}

#[divan::bench(args = FILES)]
fn read_and_parse(bencher: divan::Bencher, file: &str) {
    let Ok(bytes) = std::fs::read(corpus().join(file)) else {
        return;
    };
    bencher.bench(|| {
        let doc = gongkai_pdf::read(divan::black_box(&bytes)).ok()?;
        gongkai_parse::parse_document(file, &doc)
            .ok()
            .map(|p| p.report.sections.len())
    });
}
