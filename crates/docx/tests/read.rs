//! Reading hand-made DOCX files: structure, text rules, and every error.

mod common;

use std::time::{Duration, Instant};

use common::*;
use gongkai_docx::{read, DocxError};
use gongkai_model::{Block, Location, SourceFormat};

#[test]
fn paragraphs_have_indexes_and_skip_blank_ones() {
    let doc = read_body(&format!(
        "{}<w:p/>{}<w:p><w:r><w:t>  </w:t></w:r></w:p>{}",
        p("一、总体情况"),
        p("正文"),
        p("二、主动公开政府信息情况")
    ));
    assert_eq!(doc.format, SourceFormat::Docx);
    assert_eq!(
        lines(&doc),
        vec!["一、总体情况", "正文", "二、主动公开政府信息情况"]
    );
    let locs: Vec<Location> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Line { pieces } => pieces[0].location.clone(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        locs,
        (0..3)
            .map(|index| Location::Paragraph { index })
            .collect::<Vec<_>>()
    );
}

#[test]
fn grid_span_and_vmerge_expand_exactly() {
    // A table-三-like corner: a 2×2 label block, a header spanning 2, vertical merges.
    let body = format!(
        r#"<w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="1000"/><w:gridCol w:w="800"/><w:gridCol w:w="800"/><w:gridCol w:w="800"/></w:tblGrid>
        <w:tr>{}{}{}</w:tr>
        <w:tr>{}{}{}{}</w:tr>
        <w:tr>{}{}{}{}{}</w:tr>
        <w:tr>{}{}{}{}{}</w:tr>
        </w:tbl>"#,
        tc(
            r#"<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>"#,
            "标签"
        ),
        tc(r#"<w:gridSpan w:val="2"/>"#, "法人"),
        tc(r#"<w:vMerge w:val="restart"/>"#, "总计"),
        tc(r#"<w:gridSpan w:val="2"/><w:vMerge/>"#, ""),
        tc("", "商业"),
        tc("", "科研"),
        tc(r#"<w:vMerge/>"#, ""),
        tc(r#"<w:vMerge w:val="restart"/>"#, "三、结果"),
        tc("", "（一）予以公开"),
        tc("", "1"),
        tc("", "2"),
        tc("", "3"),
        tc(r#"<w:vMerge w:val="continue"/>"#, ""),
        tc("", "（二）部分公开"),
        tc("", "0"),
        tc("", ""),
        tc("", "0"),
    );
    let doc = read_body(&body);
    assert_eq!(
        tables(&doc),
        vec![vec![
            vec!["标签", "~", "法人", "~", "总计"],
            vec!["~", "~", "商业", "科研", "~"],
            vec!["三、结果", "（一）予以公开", "1", "2", "3"],
            vec!["~", "（二）部分公开", "0", "", "0"],
        ]]
    );
    let Block::Table { grid } = &doc.blocks[0] else {
        panic!()
    };
    assert_eq!(
        grid.rows[3][3].location,
        Location::Cell {
            table: 0,
            row: 3,
            column: 3
        }
    );
    assert!(!grid.rows[3][3].covered && grid.rows[3][0].covered);
}

#[test]
fn split_header_columns_are_merged_for_the_parser() {
    // LibreOffice-style: the header cell spans 2 grid columns, the data cells 1 + 1
    // (the second empty), and a 20-twip sliver column at the end.
    let grid = r#"<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="900"/><w:gridCol w:w="900"/><w:gridCol w:w="900"/><w:gridCol w:w="20"/></w:tblGrid>"#;
    let body = format!(
        "<w:tbl>{grid}<w:tr>{}{}{}</w:tr><w:tr>{}{}{}{}{}</w:tr><w:tr>{}{}{}{}{}</w:tr></w:tbl>",
        tc("", "信息内容"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "本年制发件数"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "现行有效件数"),
        tc("", "规章"),
        tc("", "3"),
        tc("", ""),
        tc("", "7"),
        tc("", ""),
        tc("", "行政规范性文件"),
        tc("", "\u{3000}"),
        tc("", ""),
        tc("", "12"),
        tc("", " "),
    );
    let doc = read_body(&body);
    assert_eq!(
        tables(&doc),
        vec![vec![
            vec!["信息内容", "本年制发件数", "现行有效件数"],
            vec!["规章", "3", "7"],
            vec!["行政规范性文件", "\u{3000}", "12"],
        ]]
    );
    let text = gongkai_parse::SourceText::from_document(&doc);
    assert!(
        text.original().contains("规章\t3\t7\n"),
        "{}",
        text.original()
    );
}

#[test]
fn deleted_hidden_and_field_code_text_is_skipped() {
    let body = r#"<w:p>
        <w:r><w:t>共</w:t></w:r>
        <w:del w:id="1" w:author="x"><w:r><w:delText>12</w:delText></w:r></w:del>
        <w:ins w:id="2" w:author="x"><w:r><w:t>15</w:t></w:r></w:ins>
        <w:moveFrom w:id="3" w:author="x"><w:r><w:t>旧</w:t></w:r></w:moveFrom>
        <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>
        <w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>件</w:t></w:r>
        <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>，第3页</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
        <w:hyperlink r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:r><w:t>，链接</w:t></w:r></w:hyperlink>
        <w:smartTag w:uri="u" w:element="e"><w:r><w:t>，标记</w:t></w:r></w:smartTag>
        <w:sdt><w:sdtPr><w:alias w:val="别名"/><w:placeholder><w:docPart w:val="X"/></w:placeholder></w:sdtPr><w:sdtContent><w:r><w:t>，控件</w:t></w:r></w:sdtContent></w:sdt>
        <w:fldSimple w:instr="DATE"><w:r><w:t>，日期</w:t></w:r></w:fldSimple>
        <w:r><w:t>&amp;&#x41;&#66;</w:t></w:r>
    </w:p>"#;
    assert_eq!(
        lines(&read_body(body)),
        vec!["共15件，第3页，链接，标记，控件，日期&AB"]
    );
}

#[test]
fn deleted_table_rows_are_skipped() {
    let body = format!(
        "<w:tbl><w:tblGrid><w:gridCol w:w=\"900\"/><w:gridCol w:w=\"900\"/></w:tblGrid><w:tr>{}{}</w:tr><w:tr><w:trPr><w:del w:id=\"1\" w:author=\"x\"/></w:trPr>{}{}</w:tr></w:tbl>",
        tc("", "a"),
        tc("", "b"),
        tc("", "c"),
        tc("", "d")
    );
    assert_eq!(tables(&read_body(&body)), vec![vec![vec!["a", "b"]]]);
}

#[test]
fn tabs_and_breaks() {
    // Paragraph tab stops (w:pPr/w:tabs/w:tab) are not tabs.
    let body = format!(
        r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2000"/></w:tabs></w:pPr><w:r><w:t>规章</w:t><w:tab/><w:t>0</w:t><w:br/><w:t>下一行</w:t><w:cr/><w:t>末</w:t></w:r></w:p>
        <w:tbl><w:tblGrid><w:gridCol w:w="900"/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>社会</w:t><w:tab/><w:t>公益</w:t><w:br/><w:t>组织</w:t></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r></w:p></w:tc></w:tr></w:tbl>{}"#,
        p("after")
    );
    let doc = read_body(&body);
    assert_eq!(lines(&doc), vec!["规章\t0\n下一行\n末", "after"]);
    // In a cell a tab is a space (a tab would split the cell); paragraphs join with '\n'.
    assert_eq!(tables(&doc), vec![vec![vec!["社会 公益\n组织\n第二段"]]]);
}

fn text_box(inner: &str) -> String {
    // DrawingML in mc:Choice and the same box as VML in mc:Fallback: read once.
    format!(
        r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#
    )
}

#[test]
fn text_boxes_are_read_once_in_order() {
    let body = format!(
        r#"<w:p><w:r><w:t>锚点段</w:t></w:r>{}</w:p>{}
        <w:tbl><w:tblGrid><w:gridCol w:w="900"/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r>{}</w:p></w:tc></w:tr></w:tbl>"#,
        text_box(&format!("{}{}", p("框内第一段"), p("框内第二段"))),
        p("后一段"),
        text_box(&p("格内框"))
    );
    let doc = read_body(&body);
    assert_eq!(
        lines(&doc),
        vec!["锚点段", "框内第一段", "框内第二段", "后一段"]
    );
    assert_eq!(tables(&doc), vec![vec![vec!["格\n格内框"]]]);
}

#[test]
fn a_vml_only_text_box_is_read() {
    let body = format!(
        r#"<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"#,
        p("旧式文本框")
    );
    assert_eq!(lines(&read_body(&body)), vec!["旧式文本框"]);
}

#[test]
fn a_layout_table_holding_a_table_is_unwrapped() {
    let inner = format!(
        "<w:tbl><w:tblGrid><w:gridCol w:w=\"900\"/><w:gridCol w:w=\"900\"/></w:tblGrid><w:tr>{}{}</w:tr></w:tbl>",
        tc("", "规章"),
        tc("", "5")
    );
    let body = format!(
        "{}<w:tbl><w:tblGrid><w:gridCol w:w=\"9000\"/></w:tblGrid><w:tr><w:tc>{}{inner}{}</w:tc></w:tr></w:tbl>{}",
        p("前"),
        p("标题"),
        p("表后"),
        p("后")
    );
    let doc = read_body(&body);
    assert_eq!(lines(&doc), vec!["前", "标题", "表后", "后"]);
    assert_eq!(tables(&doc), vec![vec![vec!["规章", "5"]]]);
    // Order: 前, 标题, table, 表后, 后.
    assert!(matches!(doc.blocks[2], Block::Table { .. }));
    let Block::Table { grid } = &doc.blocks[2] else {
        panic!()
    };
    assert_eq!(
        grid.rows[0][1].location,
        Location::Cell {
            table: 0,
            row: 0,
            column: 1
        }
    );
}

#[test]
fn any_prefix_and_the_strict_namespace_work() {
    let xml = r#"<?xml version="1.0"?><x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body><x:p><x:r><x:t>严格格式</x:t></x:r></x:p></x:body></x:document>"#;
    let bytes = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", xml.as_bytes()),
    ]);
    assert_eq!(lines(&read(&bytes).unwrap()), vec!["严格格式"]);
}

#[test]
fn the_main_part_is_found_through_the_relationships() {
    let rels = RELS.replace("word/document.xml", "/word/document2.xml");
    let xml = format!(
        r#"<w:document xmlns:w="{W}"><w:body>{}</w:body></w:document>"#,
        p("另一个正文")
    );
    let bytes = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document2.xml", xml.as_bytes()),
    ]);
    assert_eq!(lines(&read(&bytes).unwrap()), vec!["另一个正文"]);
}

#[test]
fn not_a_zip() {
    for bytes in [
        &b""[..],
        b"hello world",
        b"%PDF-1.4 ...",
        b"<!DOCTYPE html><html>",
    ] {
        let e = read(bytes).unwrap_err();
        assert!(matches!(e, DocxError::NotZip(_)), "{e:?}");
        assert!(e.to_string().starts_with("不是有效的 DOCX 文件"), "{e}");
    }
}

#[test]
fn missing_document_xml() {
    let bytes = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    let e = read(&bytes).unwrap_err();
    assert_eq!(e, DocxError::NoDocument);
    assert!(e.to_string().contains("word/document.xml"));
}

/// A minimal OLE2 header followed by a directory holding `stream` (UTF-16LE).
fn ole_with(stream: &str) -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(512, 0);
    for u in "Root Entry"
        .encode_utf16()
        .chain(std::iter::repeat_n(0, 22))
    {
        b.extend_from_slice(&u.to_le_bytes());
    }
    for u in stream.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b.resize(2048, 0);
    b
}

#[test]
fn encrypted_office_file_says_password() {
    let e = read(&ole_with("EncryptedPackage")).unwrap_err();
    assert_eq!(e, DocxError::Encrypted);
    assert!(e.to_string().contains("密码"), "{e}");
}

#[test]
fn doc_and_wps_files_say_how_to_convert() {
    let e = read(&ole_with("WordDocument")).unwrap_err();
    assert_eq!(e, DocxError::LegacyFormat);
    assert!(e.to_string().contains("另存为"), "{e}");
    assert!(gongkai_docx::is_ole(&ole_with("WordDocument")));
}

#[test]
fn truncated_zip_is_incomplete() {
    let full = docx(&p("内容").repeat(200));
    assert!(read(&full).is_ok());
    let cases = [
        (40, "缺少压缩包目录"),
        (full.len() / 2, "缺少压缩包目录"),
        (full.len() - 10, "压缩包目录的结束记录不完整"),
    ];
    for (cut, missing) in cases {
        let e = read(&full[..cut]).unwrap_err();
        assert_eq!(e, DocxError::Truncated(missing.into()), "cut {cut}");
        assert_eq!(
            e.to_string(),
            format!("DOCX 文件不完整（{missing}；可能下载未完成或被截断），无法读取")
        );
    }
    // The directory's end record whole but the directory it points at cut away.
    let mut moved = full.clone();
    let at = moved.len() - 22;
    moved[at + 16..at + 20].copy_from_slice(&u32::MAX.wrapping_sub(1).to_le_bytes());
    assert_eq!(
        read(&moved).unwrap_err(),
        DocxError::Truncated("压缩包目录的位置超出文件范围".into())
    );
}

#[test]
fn a_damaged_deflate_stream_is_corrupt_not_a_panic() {
    let xml = format!(
        r#"<w:document xmlns:w="{W}"><w:body>{}</w:body></w:document>"#,
        p("数据").repeat(100)
    );
    let mut raw = {
        use flate2::{Compress, Compression, FlushCompress};
        let mut c = Compress::new(Compression::default(), false);
        let mut out = Vec::with_capacity(xml.len() + 64);
        c.compress_vec(xml.as_bytes(), &mut out, FlushCompress::Finish)
            .unwrap();
        out
    };
    let n = raw.len();
    raw.truncate(n / 2);
    let mut crc = flate2::Crc::new();
    crc.update(xml.as_bytes());
    let bytes = raw_zip(&[(
        "word/document.xml",
        8,
        &raw[..],
        crc.sum(),
        xml.len() as u32,
    )]);
    let e = read(&bytes).unwrap_err();
    assert!(matches!(e, DocxError::Corrupt(_)), "{e:?}");
}

#[test]
fn a_wrong_checksum_is_corrupt() {
    let xml = format!(
        r#"<w:document xmlns:w="{W}"><w:body>{}</w:body></w:document>"#,
        p("数据")
    );
    let bytes = raw_zip(&[(
        "word/document.xml",
        0,
        xml.as_bytes(),
        0x1234_5678,
        xml.len() as u32,
    )]);
    let e = read(&bytes).unwrap_err();
    assert!(
        matches!(e, DocxError::Corrupt(ref m) if m.contains("校验")),
        "{e:?}"
    );
}

#[test]
fn malformed_xml() {
    let bytes = zip(&[
        ("_rels/.rels", RELS.as_bytes()),
        (
            "word/document.xml",
            format!(r#"<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>x</w:r></w:p></w:body></w:document>"#).as_bytes(),
        ),
    ]);
    let e = read(&bytes).unwrap_err();
    assert!(matches!(e, DocxError::Xml(_)), "{e:?}");
    assert!(e.to_string().starts_with("正文 XML 格式错误"), "{e}");
}

#[test]
fn zip_bomb_is_stopped_quickly() {
    // 400 MB of zeros as document.xml, honest header; then the same with a header that
    // claims 1 KB. Both must stop after a few MB, fast.
    let bomb = deflate_repeated(b'0', 400);
    assert!(bomb.len() < 2 << 20, "bomb is {} bytes", bomb.len());
    for declared in [400u32 << 20, 1024] {
        let bytes = raw_zip(&[("word/document.xml", 8, &bomb[..], 0, declared)]);
        let t = Instant::now();
        let e = read(&bytes).unwrap_err();
        let took = t.elapsed();
        assert!(matches!(e, DocxError::TooLarge(_)), "{e:?}");
        assert!(e.to_string().contains("压缩炸弹"), "{e}");
        assert!(took < Duration::from_secs(5), "took {took:?}");
        println!("bomb (declared {declared} bytes) refused in {took:?}: {e}");
    }
}

#[test]
fn too_many_entries() {
    let names: Vec<String> = (0..10_001).map(|i| format!("f{i}")).collect();
    let entries: Vec<(&str, u16, &[u8], u32, u32)> = names
        .iter()
        .map(|n| (n.as_str(), 0, &b""[..], 0, 0))
        .collect();
    let e = read(&raw_zip(&entries)).unwrap_err();
    assert!(
        matches!(e, DocxError::TooLarge(ref m) if m.contains("10000")),
        "{e:?}"
    );
}

#[test]
fn huge_grids_are_refused() {
    // 1,000 rows × 1,000 columns (one cell spanning them all per row) + a few more rows.
    let row = r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p/></w:tc></w:tr>"#;
    let body = format!("<w:tbl>{}</w:tbl>", row.repeat(1001));
    let e = gongkai_docx::read(&docx(&body)).unwrap_err();
    assert!(matches!(e, DocxError::TooLarge(_)), "{e:?}");
}

#[test]
fn deep_nesting_is_refused() {
    let open = "<w:tbl><w:tr><w:tc>".repeat(300);
    let close = "</w:tc></w:tr></w:tbl>".repeat(300);
    let e = gongkai_docx::read(&docx(&format!("{open}<w:p/>{close}"))).unwrap_err();
    assert!(matches!(e, DocxError::TooLarge(_)), "{e:?}");
}

#[test]
fn automatic_list_numbers_are_rendered() {
    let numbering = format!(
        r#"<w:numbering xmlns:w="{W}">
        <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>
        <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>
        <w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl></w:abstractNum>
        <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
        <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
        <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
        </w:numbering>"#
    );
    let styles = format!(
        r#"<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Heading1"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#
    );
    let numbered = |num: &str, text: &str| {
        format!(r#"<w:p><w:pPr>{num}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#)
    };
    let heading = |text: &str| numbered(r#"<w:pStyle w:val="Heading1"/>"#, text);
    let item = |text: &str| {
        numbered(
            r#"<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>"#,
            text,
        )
    };
    let body = format!(
        "{}{}{}<w:tbl><w:tblGrid><w:gridCol w:w=\"2000\"/><w:gridCol w:w=\"900\"/></w:tblGrid><w:tr><w:tc>{}</w:tc>{}</w:tr><w:tr><w:tc>{}</w:tc>{}</w:tr></w:tbl>{}",
        heading("总体情况"),
        numbered(r#"<w:numPr><w:numId w:val="3"/></w:numPr>"#, "要点"),
        heading("主动公开政府信息情况"),
        item("属于国家秘密"),
        tc("", "0"),
        item("其他法律行政法规禁止公开"),
        tc("", "0"),
        heading("收到和处理政府信息公开申请情况"),
    );
    let xml = format!(r#"<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#);
    let bytes = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", xml.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
    ]);
    let doc = read(&bytes).unwrap();
    assert_eq!(
        lines(&doc),
        vec![
            "一、总体情况",
            "要点",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况"
        ]
    );
    assert_eq!(
        tables(&doc),
        vec![vec![
            vec!["1.属于国家秘密", "0"],
            vec!["2.其他法律行政法规禁止公开", "0"]
        ]]
    );
}
