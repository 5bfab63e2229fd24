//! What a reader hands the parser, for debugging a reading:
//! `cargo run -p gongkai-ingest --example dump -- FILE`.
use gongkai_model::Block;

fn main() {
    let path = std::env::args().nth(1).expect("usage: dump FILE");
    let loaded = match gongkai_ingest::load(std::path::Path::new(&path)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match loaded.content {
        gongkai_ingest::Content::Text(t) => println!("{t}"),
        gongkai_ingest::Content::Document(d) => {
            for b in &d.blocks {
                match b {
                    Block::Line { pieces } => println!(
                        "{}",
                        pieces
                            .iter()
                            .map(|p| p.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" ⟂ ")
                    ),
                    Block::Table { grid } => {
                        println!("┌ table");
                        for row in grid.texts("←") {
                            println!("│ {}", row.join(" | ").replace('\n', "⏎"));
                        }
                        println!("└");
                    }
                    Block::PageBreak { page } => println!("──── page {page}"),
                }
            }
        }
    }
    if let Some(r) = loaded.recognised {
        eprintln!("engine {}", r.engine);
        for p in &r.pages {
            eprintln!("page {} dpi {} skew {:.2}", p.number, p.dpi, p.skew);
        }
        for n in r.numbers.iter().filter(|n| n.doubtful()) {
            eprintln!(
                "doubt p{} ({:.0},{:.0}) {:?} {:.0} alt {:?}",
                n.page, n.x0, n.y0, n.text, n.confidence, n.alternative
            );
        }
    }
}
