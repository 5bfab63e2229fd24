//! Make a scanned set from a folder of text PDFs with truth:
//! `cargo run --release -p gongkai-ocr --example scanset -- SOURCE OUT DPI [clean|scanned]`.
use std::path::Path;

use gongkai_ocr::scanset::{scan_folder, Degradation};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: scanset SOURCE OUT DPI [clean|scanned]");
        std::process::exit(2);
    }
    let dpi: u32 = args[3].parse().unwrap_or(200);
    let variant = args.get(4).map(String::as_str).unwrap_or("scanned");
    let d = match variant {
        "clean" => Degradation::CLEAN,
        _ => Degradation::SCANNED,
    };
    match scan_folder(Path::new(&args[1]), Path::new(&args[2]), dpi, variant, &d) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
