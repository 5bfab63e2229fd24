//! What a file must be to be read at all: a regular file (not a FIFO, a device or a
//! folder), no larger than the cap counted in bytes read, and whole — a PDF, DOCX or
//! web page cut off part-way is "文件不完整", never a report. Text with a stray byte
//! is read, the byte replaced and reported.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use gongkai_ingest::{load, load_bytes, read_bounded_with, Content, IngestError, SpecialFile};
use gongkai_model::{Block, Document};

/// A fresh, empty folder under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("inputs-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `load`, failing the test instead of hanging when it blocks.
fn load_within(path: &Path, secs: u64) -> Result<gongkai_ingest::Loaded, IngestError> {
    let (tx, rx) = mpsc::channel();
    let p = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(load(&p));
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("{} blocked for {secs} s", path.display()))
}

#[test]
fn a_fifo_is_refused_at_once() {
    let dir = scratch("fifo");
    let fifo = dir.join("report.txt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let e = load_within(&fifo, 10).unwrap_err();
    assert!(
        matches!(
            e,
            IngestError::NotRegular {
                kind: SpecialFile::Fifo,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{}: 不是普通文件（命名管道（FIFO）），不读取",
            fifo.display()
        )
    );
}

#[test]
fn a_link_to_dev_zero_is_refused() {
    let dir = scratch("zero");
    let link = dir.join("zero.pdf");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let e = load_within(&link, 10).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: 不是普通文件（字符设备），不读取", link.display())
    );
    let e = load_within(&dir, 10).unwrap_err();
    assert!(
        matches!(
            e,
            IngestError::NotRegular {
                kind: SpecialFile::Directory,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn the_cap_counts_bytes_read_not_the_size_reported() {
    // /proc files report a size of 0 and still have content: only reading tells.
    let status = Path::new("/proc/self/status");
    assert_eq!(std::fs::metadata(status).unwrap().len(), 0);
    let e = read_bounded_with(status, 10).unwrap_err();
    assert!(
        matches!(
            e,
            IngestError::TooLarge {
                size: 11,
                limit: 10,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "/proc/self/status: 文件过大（11 字节以上，上限 10 字节）"
    );
    let dir = scratch("cap");
    let file = dir.join("big.txt");
    std::fs::write(&file, [b'a'; 11]).unwrap();
    assert!(matches!(
        read_bounded_with(&file, 10),
        Err(IngestError::TooLarge { size: 11, .. })
    ));
    assert_eq!(read_bounded_with(&file, 11).unwrap().len(), 11);
}

/// A whole report as a document (read from the LibreOffice PDF of a real DOCX).
fn report_document() -> (Vec<u8>, Document) {
    let pdf = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pdf/tests/data/pingtan_zone_2024-docx.lo.pdf"
    ))
    .unwrap();
    let doc = gongkai_pdf::read(&pdf).unwrap();
    (pdf, doc)
}

fn incomplete_message(name: &str, bytes: &[u8]) -> String {
    match load_bytes(Path::new(name), bytes) {
        Err(e @ IngestError::Incomplete { .. }) => e.to_string(),
        Err(e) => panic!("{name}: not incomplete: {e}"),
        Ok(_) => panic!("{name} ({} bytes) read as a report", bytes.len()),
    }
}

#[test]
fn a_pdf_cut_anywhere_is_incomplete() {
    let (pdf, _) = report_document();
    assert!(load_bytes(Path::new("r.pdf"), &pdf).is_ok());
    let n = pdf.len();
    let eof =
        |what: &str| format!("r.pdf: PDF文件不完整（{what}；可能下载未完成或被截断），无法读取");
    for cut in [n / 10, n / 4, n / 2, n * 3 / 4, n - 40, n - 3] {
        assert_eq!(
            incomplete_message("r.pdf", &pdf[..cut]),
            eof("缺少文件结束标记%%EOF"),
            "cut at {cut}"
        );
    }
    // Another revision appended and cut before its end.
    let mut appended = pdf.clone();
    appended.extend_from_slice(b"\n9 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 1\n");
    assert_eq!(
        incomplete_message("r.pdf", &appended),
        eof("最后一次修订缺少文件结束标记%%EOF")
    );
    // startxref pointing past the file: its cross-reference table is gone.
    let tail = String::from_utf8_lossy(&pdf[n - 40..]).into_owned();
    let at = tail.find("startxref").unwrap() + 10;
    let mut moved = pdf[..n - 40 + at].to_vec();
    moved.extend_from_slice(format!("{}\n%%EOF\n", n * 2).as_bytes());
    assert_eq!(
        incomplete_message("r.pdf", &moved),
        eof("交叉引用表的位置超出文件范围")
    );
}

#[test]
fn a_docx_cut_anywhere_is_incomplete() {
    let (_, doc) = report_document();
    let docx = gongkai_docx::write(&doc.blocks);
    assert!(load_bytes(Path::new("r.docx"), &docx).is_ok());
    let n = docx.len();
    for cut in [n / 10, n / 2, n - 100, n - 5] {
        let m = incomplete_message("r.docx", &docx[..cut]);
        assert!(
            m.starts_with("r.docx: DOCX 文件不完整（") && m.ends_with("），无法读取"),
            "cut at {cut}: {m}"
        );
    }
}

/// A page with the report's title and blocks.
fn page(doc: &Document) -> String {
    let title: String = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Line { pieces, .. } => {
                Some(pieces.iter().map(|p| p.text.as_str()).collect::<String>())
            }
            _ => None,
        })
        .unwrap_or_default();
    gongkai_html::write(&title, &doc.blocks)
}

#[test]
fn a_page_cut_mid_table_or_mid_tag_is_incomplete() {
    let (_, doc) = report_document();
    let html = page(&doc);
    assert!(load_bytes(Path::new("r.html"), html.as_bytes()).is_ok());
    let tables: Vec<usize> = html.match_indices("<table").map(|(i, _)| i).collect();
    assert_eq!(tables.len(), 3, "the report's three tables");
    let message =
        |what: &str| format!("r.html: 网页文件不完整（{what}；可能下载未完成或被截断），无法读取");
    for &t in &tables {
        // Inside each table, after one of its cells, and inside a tag.
        let in_table = t + html[t..].find("</td>").unwrap() + 5;
        assert_eq!(
            incomplete_message("r.html", &html.as_bytes()[..in_table]),
            message("在表格中间中断")
        );
        let mid_tag = t + html[t..].find("<td").unwrap() + 2;
        assert_eq!(
            incomplete_message("r.html", &html.as_bytes()[..mid_tag]),
            message("在标签中间中断")
        );
    }
}

#[test]
fn a_stray_byte_in_a_text_report_is_replaced_not_fatal() {
    let text = "某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度共收到申请3件。\n";
    let mut bytes = text.as_bytes().to_vec();
    let at = text.find("请3件").unwrap();
    bytes.insert(at, 0xFF);
    let loaded = load_bytes(Path::new("r.txt"), &bytes).unwrap();
    assert_eq!(loaded.encoding, "UTF-8");
    let Content::Text(t) = &loaded.content else {
        panic!("text expected");
    };
    assert_eq!(
        t,
        "某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度共收到申\u{FFFD}请3件。\n"
    );
    let spots: Vec<(usize, String)> = loaded
        .replaced
        .iter()
        .map(|r| (r.offset, r.bytes_escaped()))
        .collect();
    assert_eq!(spots, vec![(at, "\\xFF".to_string())]);
    // Real binary is still refused.
    let e = load_bytes(Path::new("x.txt"), &[0u8; 64]).unwrap_err();
    assert!(matches!(e, IngestError::Binary { .. }), "{e:?}");
}
