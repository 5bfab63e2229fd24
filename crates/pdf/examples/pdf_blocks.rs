//! List a PDF's blocks briefly (debugging aid).
fn main() {
    let path = std::env::args().nth(1).expect("file");
    let doc = gongkai_pdf::read(&std::fs::read(&path).expect("read")).expect("pdf");
    for b in &doc.blocks {
        match b {
            gongkai_model::Block::Line { pieces } => {
                let t: Vec<String> = pieces
                    .iter()
                    .map(|p| format!("{} @{:?}", p.text, p.location))
                    .collect();
                println!("LINE {}", t.join(" | "));
            }
            gongkai_model::Block::Table { grid } => {
                println!(
                    "TABLE {} rows; first {:?}",
                    grid.rows.len(),
                    grid.rows
                        .first()
                        .map(|r| r.first().map(|c| (&c.text, &c.location)))
                );
            }
            gongkai_model::Block::PageBreak { page } => println!("BREAK {page}"),
        }
    }
}
