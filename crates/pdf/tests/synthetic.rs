//! The reader on small PDFs made here: fonts, tables from rules, vertical headers,
//! tables over page breaks, encryption, scans and broken files.

mod common;

use common::{build, grid, latin, save, text, CidFont, PageSpec};
use gongkai_model::{Block, Document, Location};
use gongkai_pdf::{read, PdfError};

fn lines(doc: &Document) -> Vec<String> {
    doc.line_texts("|")
}

fn tables(doc: &Document) -> Vec<Vec<Vec<String>>> {
    doc.table_texts("^")
}

const CHARS: &str =
    "一、总体情况二主动公开政府信息规章行政许可三本年度办理结果予以部分（）收到和处理申请第页";

#[test]
fn cid_font_with_to_unicode_gives_text_and_boxes() {
    let f = CidFont::new(CHARS);
    let page = text(&f, 72.0, 700.0, 16.0, "一、总体情况") + &latin(72.0, 650.0, 12.0, "2023");
    let doc = read(&save(build(&f, &[PageSpec::text(page)]))).unwrap();
    assert_eq!(lines(&doc), vec!["一、总体情况", "2023"]);
    let Block::Line { pieces } = &doc.blocks[0] else {
        panic!("line expected")
    };
    let Location::Pdf {
        page,
        x0,
        y0,
        x1,
        y1,
    } = pieces[0].location
    else {
        panic!("pdf location expected")
    };
    assert_eq!(page, 1);
    // Six full-width glyphs of 16 pt from x = 72.
    assert!(
        (x0 - 72.0).abs() < 0.1 && (x1 - 168.0).abs() < 0.1,
        "{x0} {x1}"
    );
    assert!(y0 < 700.0 && y1 > 710.0, "{y0} {y1}");
}

#[test]
fn wide_gaps_split_pieces_and_kerning_moves_glyphs() {
    let f = CidFont::new(CHARS);
    // 规章, then a TJ kern of -4000 (4 em at 12 pt) before 行政.
    let page = format!(
        "BT /F1 12 Tf 72 700 Td [{} -4000 {}] TJ ET\n",
        f.hex("规章"),
        f.hex("行政")
    );
    let doc = read(&save(build(&f, &[PageSpec::text(page)]))).unwrap();
    assert_eq!(lines(&doc), vec!["规章|行政"]);
}

#[test]
fn table_from_rules_with_merged_cells_and_wrapped_label() {
    let f = CidFont::new(CHARS);
    // 3 columns x 3 rows; the top row is one merged cell; the label of row 2 wraps.
    let xs = [50.0, 200.0, 300.0, 400.0];
    let ys = [700.0, 670.0, 620.0, 590.0];
    let mut page = grid(&xs, &ys, &[], &[(1, 0), (2, 0)]);
    page += &text(&f, 60.0, 680.0, 12.0, "主动公开政府信息");
    page += &text(&f, 55.0, 650.0, 12.0, "行政许");
    page += &text(&f, 55.0, 630.0, 12.0, "可");
    page += &latin(210.0, 640.0, 12.0, "12");
    page += &latin(310.0, 640.0, 12.0, "3");
    page += &text(&f, 55.0, 600.0, 12.0, "规章");
    page += &latin(310.0, 600.0, 12.0, "0");
    let doc = read(&save(build(&f, &[PageSpec::text(page)]))).unwrap();
    assert_eq!(
        tables(&doc),
        vec![vec![
            vec!["主动公开政府信息", "^", "^"],
            vec!["行政许\n可", "12", "3"],
            vec!["规章", "", "0"],
        ]]
    );
    // The laid-out text for the parser: the wrapped label is one cell.
    let src = gongkai_parse::SourceText::from_document(&doc);
    assert!(
        src.original().contains("行政许 可\t12\t3\n规章\t \t0"),
        "{}",
        src.original()
    );
}

#[test]
fn vertical_row_header_is_one_tall_cell() {
    let f = CidFont::new(CHARS);
    // Column 0 is one cell over three rows, its header set vertically (Identity-V).
    let xs = [50.0, 100.0, 300.0, 400.0];
    let ys = [700.0, 660.0, 620.0, 580.0];
    let mut page = grid(&xs, &ys, &[(1, 0), (2, 0)], &[]);
    page += &format!(
        "BT /F2 10 Tf 1 0 0 1 75 695 Tm {} Tj ET\n",
        f.hex("三、本年度办理结果")
    );
    page += &text(&f, 110.0, 680.0, 10.0, "予以公开");
    page += &latin(350.0, 680.0, 10.0, "5");
    page += &text(&f, 110.0, 640.0, 10.0, "部分公开");
    page += &latin(350.0, 640.0, 10.0, "6");
    page += &text(&f, 110.0, 600.0, 10.0, "收到");
    page += &latin(350.0, 600.0, 10.0, "7");
    let doc = read(&save(build(&f, &[PageSpec::text(page)]))).unwrap();
    assert_eq!(
        tables(&doc),
        vec![vec![
            vec!["三、本年度办理结果", "予以公开", "5"],
            vec!["^", "部分公开", "6"],
            vec!["^", "收到", "7"],
        ]]
    );
}

#[test]
fn horizontal_characters_stacked_one_per_line_read_as_a_word() {
    let f = CidFont::new(CHARS);
    let xs = [50.0, 80.0, 300.0];
    let ys = [700.0, 600.0];
    let mut page = grid(&xs, &ys, &[], &[]);
    for (i, c) in ["三", "本", "年"].iter().enumerate() {
        page += &text(&f, 60.0, 680.0 - 14.0 * i as f32, 10.0, c);
    }
    page += &latin(100.0, 650.0, 10.0, "1");
    let doc = read(&save(build(&f, &[PageSpec::text(page)]))).unwrap();
    assert_eq!(tables(&doc), vec![vec![vec!["三本年", "1"]]]);
}

#[test]
fn table_continued_over_a_page_break_is_one_table() {
    let f = CidFont::new(CHARS);
    let xs = [50.0, 200.0, 300.0];
    // Page 1: header and one row, no closing rule at the bottom (the table goes on).
    let mut p1 = grid(&xs, &[700.0, 670.0, 640.0], &[], &[]);
    p1 += "50 640 m 50 600 l S 200 640 m 200 600 l S 300 640 m 300 600 l S\n";
    p1 += &text(&f, 55.0, 680.0, 12.0, "主动公开");
    p1 += &text(&f, 55.0, 650.0, 12.0, "规章");
    p1 += &latin(210.0, 650.0, 12.0, "1");
    p1 += &text(&f, 55.0, 615.0, 12.0, "行政许");
    p1 += &latin(210.0, 615.0, 12.0, "2");
    p1 += &latin(290.0, 40.0, 10.0, "-1-");
    // Page 2: the header again, the rest of the split label, then one more row.
    let mut p2 = grid(&xs, &[800.0, 770.0, 750.0, 720.0], &[], &[]);
    p2 += &text(&f, 55.0, 780.0, 12.0, "主动公开");
    p2 += &text(&f, 55.0, 755.0, 12.0, "可");
    p2 += &text(&f, 55.0, 730.0, 12.0, "行政");
    p2 += &latin(210.0, 730.0, 12.0, "3");
    p2 += &text(&f, 100.0, 600.0, 12.0, "收到和处理申请");
    let doc = read(&save(build(&f, &[PageSpec::text(p1), PageSpec::text(p2)]))).unwrap();
    assert_eq!(
        tables(&doc),
        vec![vec![
            vec!["主动公开", ""],
            vec!["规章", "1"],
            vec!["行政许\n可", "2"],
            vec!["行政", "3"],
        ]]
    );
    assert_eq!(lines(&doc), vec!["收到和处理申请"], "page number dropped");
    let kinds: Vec<&str> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Line { .. } => "line",
            Block::Table { .. } => "table",
            Block::PageBreak { .. } => "break",
        })
        .collect();
    assert_eq!(kinds, vec!["table", "break", "line"]);
}

#[test]
fn empty_user_password_is_decrypted_and_read() {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let f = CidFont::new(CHARS);
    let page = text(&f, 72.0, 700.0, 16.0, "一、总体情况");
    let encrypt = |user: &str| {
        let mut doc = build(&f, &[PageSpec::text(page.clone())]);
        let version = EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner-secret",
            user_password: user,
            key_length: 128,
            permissions: Permissions::default(),
        };
        let state = EncryptionState::try_from(version).expect("encryption state");
        doc.encrypt(&state).expect("encrypt");
        save(doc)
    };
    let open = encrypt("");
    let doc = read(&open).unwrap();
    assert_eq!(lines(&doc), vec!["一、总体情况"]);
    let locked = encrypt("user-secret");
    let err = read(&locked).unwrap_err();
    assert_eq!(err, PdfError::Encrypted);
    assert!(err.to_string().contains("密码"), "{err}");
}

#[test]
fn image_only_pages_are_a_scan() {
    let f = CidFont::new(CHARS);
    let pages = [
        PageSpec {
            content: String::new(),
            image: true,
        },
        PageSpec {
            content: String::new(),
            image: true,
        },
    ];
    let err = read(&save(build(&f, &pages))).unwrap_err();
    assert_eq!(err, PdfError::Scanned);
    assert_eq!(err.to_string(), "PDF是扫描件，没有文字层");
}

#[test]
fn broken_inputs_are_errors() {
    assert!(matches!(read(b"hello world"), Err(PdfError::NotPdf(_))));
    assert!(matches!(read(b""), Err(PdfError::NotPdf(_))));
    let f = CidFont::new(CHARS);
    let bytes = save(build(
        &f,
        &[PageSpec::text(text(&f, 72.0, 700.0, 16.0, "一、总体情况"))],
    ));
    // Cut before the objects: nothing to recover.
    let err = read(&bytes[..40]).unwrap_err();
    assert!(
        matches!(err, PdfError::Truncated(_) | PdfError::Corrupt(_)),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("PDF文件"), "{err}");
    // Garbage after a PDF header.
    let mut junk = b"%PDF-1.7\n".to_vec();
    junk.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert!(read(&junk).is_err());
}

#[test]
fn text_in_form_xobjects_and_simple_font_differences() {
    use lopdf::{dictionary, Object, Stream};
    let f = CidFont::new(CHARS);
    let mut doc = build(&f, &[PageSpec::text("q 1 0 0 1 100 0 cm /Fm1 Do Q\n")]);
    // A Type1 font whose Differences put 'A' at code 1 and 'one' at code 2.
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Foo",
        "Encoding" => dictionary! {
            "Type" => "Encoding",
            "Differences" => vec![Object::Integer(1), Object::Name(b"A".to_vec()), Object::Name(b"one".to_vec())],
        },
        "FirstChar" => 1, "Widths" => vec![Object::Integer(600), Object::Integer(600)],
    });
    let form = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F9" => Object::Reference(font) } },
        },
        b"BT /F9 12 Tf 10 500 Td <0102> Tj ET".to_vec(),
    ));
    let page_id = doc.page_iter().next().unwrap();
    let page = doc.get_dictionary_mut(page_id).unwrap();
    let mut res = page.get(b"Resources").unwrap().as_dict().unwrap().clone();
    res.set("XObject", dictionary! { "Fm1" => Object::Reference(form) });
    page.set("Resources", res);
    let out = read(&save(doc)).unwrap();
    assert_eq!(lines(&out), vec!["A1"]);
    let Block::Line { pieces } = &out.blocks[0] else {
        panic!()
    };
    let Location::Pdf { x0, .. } = pieces[0].location else {
        panic!()
    };
    assert!(
        (x0 - 110.0).abs() < 0.1,
        "form placed by the page's cm: {x0}"
    );
}

#[test]
fn borders_drawn_as_thin_filled_rectangles() {
    let f = CidFont::new(CHARS);
    let xs = [50.0, 200.0, 300.0];
    let ys = [700.0, 670.0, 640.0];
    let mut page = common::filled_grid(&xs, &ys);
    page += &text(&f, 55.0, 680.0, 12.0, "规章");
    page += &latin(210.0, 680.0, 12.0, "22");
    page += &text(&f, 55.0, 650.0, 12.0, "行政许可");
    page += &latin(210.0, 650.0, 12.0, "5");
    let doc = read(&save(build(&f, &[PageSpec::text(page)]))).unwrap();
    assert_eq!(
        tables(&doc),
        vec![vec![vec!["规章", "22"], vec!["行政许可", "5"]]]
    );
}

#[test]
fn rotated_page_reads_upright() {
    let f = CidFont::new(CHARS);
    let mut doc = build(
        &f,
        &[PageSpec::text(
            "q 0 1 -1 0 595 0 cm ".to_string() + &text(&f, 72.0, 500.0, 16.0, "一、总体情况") + "Q",
        )],
    );
    let page_id = doc.page_iter().next().unwrap();
    doc.get_dictionary_mut(page_id)
        .unwrap()
        .set("Rotate", lopdf::Object::Integer(90));
    let out = read(&save(doc)).unwrap();
    assert_eq!(lines(&out), vec!["一、总体情况"]);
}
