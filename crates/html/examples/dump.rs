fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let t = std::time::Instant::now();
    let doc = gongkai_html::read(&bytes);
    let el = t.elapsed();
    match doc {
        Ok(doc) => {
            let s = gongkai_parse::SourceText::from_document(&doc);
            if std::env::var_os("QUIET").is_none() {
                println!("{}", s.original());
            }
            eprintln!("{} blocks in {el:?}", doc.blocks.len());
        }
        Err(e) => eprintln!("error: {e} in {el:?}"),
    }
}
