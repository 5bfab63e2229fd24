//! Without LibreOffice on PATH the conversion says how to convert by hand.
//! (Its own test binary: it empties PATH for the whole process.)

#[test]
fn without_soffice_the_error_says_how_to_convert() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("old.doc");
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(2048, 0);
    std::fs::write(&path, b).unwrap();
    std::env::set_var("PATH", tmp.path());
    assert!(gongkai_docx::find_soffice().is_none());
    let e = gongkai_docx::convert_with_soffice(&path).unwrap_err();
    assert_eq!(e, gongkai_docx::DocxError::SofficeMissing);
    let msg = e.to_string();
    assert!(
        msg.contains("LibreOffice") && msg.contains("另存为"),
        "{msg}"
    );
}
