//! DOC → DOCX through LibreOffice, where it is installed.

mod common;

use std::process::{Command, Stdio};

#[test]
fn a_doc_file_is_converted_and_read() {
    let Some(soffice) = gongkai_docx::find_soffice() else {
        eprintln!("note: LibreOffice (soffice) not installed; DOC conversion test skipped");
        return;
    };
    // Make a .doc: our own DOCX saved by LibreOffice as Word 97.
    let tmp = tempfile::tempdir().unwrap();
    let blocks = vec![gongkai_model::Block::Line {
        pieces: vec![gongkai_model::Piece {
            text: "某县人民政府2023年政府信息公开工作年度报告".into(),
            location: gongkai_model::Location::Paragraph { index: 0 },
        }],
    }];
    let docx = tmp.path().join("src.docx");
    std::fs::write(&docx, gongkai_docx::write(&blocks)).unwrap();
    let status = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            tmp.path().display()
        ))
        .args(["--headless", "--convert-to", "doc:MS Word 97", "--outdir"])
        .arg(tmp.path())
        .arg(&docx)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // An awkward name: spaces, Chinese, no extension.
    let doc = tmp.path().join("年报 2023");
    std::fs::rename(tmp.path().join("src.doc"), &doc).unwrap();
    let bytes = std::fs::read(&doc).unwrap();
    assert!(gongkai_docx::is_ole(&bytes));
    assert_eq!(
        gongkai_docx::read(&bytes).unwrap_err(),
        gongkai_docx::DocxError::LegacyFormat
    );
    let converted = gongkai_docx::convert_with_soffice(&doc).expect("converted");
    let back = gongkai_docx::read(&converted).unwrap();
    assert_eq!(
        common::lines(&back),
        vec!["某县人民政府2023年政府信息公开工作年度报告"]
    );
}

#[test]
fn an_encrypted_file_is_refused_before_conversion() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("locked.docx");
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(1024, 0);
    for u in "EncryptedPackage".encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&path, b).unwrap();
    assert_eq!(
        gongkai_docx::convert_with_soffice(&path).unwrap_err(),
        gongkai_docx::DocxError::Encrypted
    );
}

#[test]
fn a_missing_input_file_is_an_io_error() {
    let e =
        gongkai_docx::convert_with_soffice(std::path::Path::new("/nonexistent/x.doc")).unwrap_err();
    assert!(matches!(e, gongkai_docx::DocxError::Io(_)), "{e:?}");
}
