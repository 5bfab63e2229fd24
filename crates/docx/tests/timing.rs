//! How long a ~200 KB DOCX takes to read (printed, not asserted; run with --release
//! and --nocapture for the real figure).

use std::time::Instant;

use gongkai_model::{Block, Grid, GridCell, Location, Piece};

/// A document of many paragraphs and tables of pseudo-random numbers, ~200 KB zipped.
fn big() -> Vec<u8> {
    let mut seed = 12345u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let loc = Location::Paragraph { index: 0 };
    let mut blocks = Vec::new();
    for t in 0..60 {
        for _ in 0..20 {
            let text: String = (0..40)
                .map(|_| char::from_u32(0x4E00 + next() % 2000).unwrap())
                .collect();
            blocks.push(Block::Line {
                pieces: vec![Piece {
                    text,
                    location: loc.clone(),
                }],
            });
        }
        let rows = (0..28)
            .map(|r| {
                (0..10)
                    .map(|c| GridCell {
                        text: if c < 3 {
                            format!("第{r}行标签{c}")
                        } else {
                            (next() % 10_000).to_string()
                        },
                        location: Location::Cell {
                            table: t,
                            row: r,
                            column: c,
                        },
                        covered: false,
                    })
                    .collect()
            })
            .collect();
        blocks.push(Block::Table {
            grid: Grid { rows },
        });
    }
    gongkai_docx::write(&blocks)
}

#[test]
fn timing_of_a_200kb_docx() {
    let bytes = big();
    if let Some(out) = std::env::var_os("GONGKAI_DOCX_TIMING_OUT") {
        std::fs::write(out, &bytes).unwrap();
    }
    let n = 10;
    let t = Instant::now();
    let mut blocks = 0;
    for _ in 0..n {
        blocks = gongkai_docx::read(&bytes).unwrap().blocks.len();
    }
    let per = t.elapsed() / n;
    println!(
        "read {} KB DOCX ({} blocks) in {per:?} per call ({} build)",
        bytes.len() / 1024,
        blocks,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    assert_eq!(blocks, 60 * 21);
}
