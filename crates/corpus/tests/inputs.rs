//! Ingest never stops for one path, never takes a cut-off file for a report, and
//! chooses the current version the same way whatever order files come in. On SQLite
//! and (when `GONGKAI_TEST_POSTGRES` names a server) PostgreSQL.

use std::path::{Path, PathBuf};

use gongkai_corpus::{cross, IngestOptions, IngestSummary};
use gongkai_model::{Block, SourceFormat};
use gongkai_store::testing::on_both_backends as on_both;
use gongkai_store::{FailureKind, Store};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-inputs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ingest(store: &mut Store, paths: &[PathBuf]) -> IngestSummary {
    let found = gongkai_corpus::discover(paths);
    let opts = IngestOptions::default();
    let summary = gongkai_corpus::ingest(store, &found, &opts, &|_| {}).unwrap();
    cross::run(store, &opts.selection, &opts.similarity).unwrap();
    summary
}

fn seed(stem: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(stem))
        .unwrap()
}

/// A whole report as a PDF (LibreOffice's, of a real DOCX) and the same document
/// written as a web page: the same tables in two formats.
fn report_pdf_and_page() -> (Vec<u8>, String) {
    let pdf = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pdf/tests/data/pingtan_zone_2024-docx.lo.pdf"
    ))
    .unwrap();
    let doc = gongkai_pdf::read(&pdf).unwrap();
    let title: String = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Line { pieces, .. } => {
                Some(pieces.iter().map(|p| p.text.as_str()).collect::<String>())
            }
            _ => None,
        })
        .unwrap();
    let page = gongkai_html::write(&title, &doc.blocks);
    (pdf, page)
}

/// A folder deeper than PATH_MAX: listing it fails (ENAMETOOLONG) for every user,
/// root included — where `chmod 000` would not stop root. Made one level at a time
/// relative to the level above (`mkdirat`/`openat`), which no path length limits.
fn too_deep_folder(parent: &Path) -> PathBuf {
    let name = std::ffi::CString::new("d".repeat(200)).unwrap();
    let top = std::ffi::CString::new(parent.to_str().unwrap()).unwrap();
    // SAFETY: valid NUL-terminated strings; every descriptor opened is closed.
    unsafe {
        let mut fd = libc::open(top.as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY);
        assert!(fd >= 0);
        for _ in 0..25 {
            assert_eq!(libc::mkdirat(fd, name.as_ptr(), 0o755), 0);
            let next = libc::openat(fd, name.as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY);
            libc::close(fd);
            assert!(next >= 0);
            fd = next;
        }
        libc::close(fd);
    }
    parent.join("d".repeat(200))
}

/// One unreadable folder, a link loop, a FIFO and a link to /dev/zero: each recorded
/// with its path and reason, and every report beside them stored.
#[test]
fn ingest_goes_on_past_every_unreadable_path() {
    on_both("unreadable", |store| {
        let dir = temp_dir("unreadable");
        std::fs::copy(seed("000"), dir.join("000.txt")).unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::fs::copy(seed("001"), dir.join("sub/001.txt")).unwrap();
        let deep = too_deep_folder(&dir.join("sub"));
        std::os::unix::fs::symlink("loop.txt", dir.join("loop.txt")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.pdf")).unwrap();
        let fifo = std::ffi::CString::new(dir.join("pipe.txt").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);

        let summary = ingest(store, std::slice::from_ref(&dir));
        assert_eq!((summary.files, summary.stored), (5, 2));
        let failures = store.failures().unwrap();
        let got: Vec<(String, Option<FailureKind>)> = failures
            .iter()
            .map(|f| {
                (
                    f.path
                        .strip_prefix(&format!("{}/", dir.display()))
                        .unwrap()
                        .to_string(),
                    f.kind,
                )
            })
            .collect();
        // The folder too deep to list is the innermost one the walk reached.
        let deep_rel = got
            .iter()
            .find(|(p, _)| p.starts_with("sub/ddd"))
            .map(|(p, _)| p.clone())
            .unwrap();
        assert!(deep_rel.len() > 4000, "{}", deep_rel.len());
        assert!(deep.starts_with(dir.join("sub")));
        assert_eq!(
            got,
            [
                ("loop.txt".to_string(), Some(FailureKind::Unreadable)),
                ("pipe.txt".to_string(), Some(FailureKind::NotRegularFile)),
                (deep_rel.clone(), Some(FailureKind::Unreadable)),
                ("zero.pdf".to_string(), Some(FailureKind::NotRegularFile)),
            ]
        );
        let error = |p: &str| {
            failures
                .iter()
                .find(|f| f.path.ends_with(p))
                .unwrap()
                .error
                .clone()
        };
        assert!(
            error("loop.txt").contains("loop.txt: 无法读取文件："),
            "{}",
            error("loop.txt")
        );
        assert!(
            error(&deep_rel).contains("无法读取："),
            "{}",
            error(&deep_rel)
        );
        assert!(error("pipe.txt").ends_with("pipe.txt: 不是普通文件（命名管道（FIFO）），不读取"));
        assert!(error("zero.pdf").ends_with("zero.pdf: 不是普通文件（字符设备），不读取"));
        assert_eq!(summary.failed.len(), 4);
        assert_eq!(store.counts().unwrap().failed_files, 4);

        // The folder removed and the loop mended: the next run lists only what is
        // still unreadable.
        std::fs::remove_dir_all(&deep).unwrap();
        std::fs::remove_file(dir.join("loop.txt")).unwrap();
        let again = ingest(store, std::slice::from_ref(&dir));
        assert_eq!((again.unchanged, again.failed.len()), (2, 2));
        let still: Vec<String> = store
            .failures()
            .unwrap()
            .into_iter()
            .map(|f| f.path.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(still, ["pipe.txt", "zero.pdf"]);
        let _ = std::fs::remove_dir_all(&dir);
    });
}

/// A PDF, DOCX or web page cut off part-way is recorded as incomplete and never
/// becomes a version; the whole file, ingested later, becomes the current version and
/// the failure is no longer listed.
#[test]
fn a_cut_off_file_is_never_a_version_and_the_whole_file_restores_it() {
    let (pdf, page) = report_pdf_and_page();
    let docx = {
        let doc = gongkai_pdf::read(&pdf).unwrap();
        gongkai_docx::write(&doc.blocks)
    };
    let table_cut = page.find("<table").unwrap()
        + page[page.find("<table").unwrap()..].find("</td>").unwrap()
        + 5;
    let cases: [(&str, &[u8], Vec<usize>); 3] = [
        (
            "r.pdf",
            &pdf,
            vec![pdf.len() / 3, pdf.len() * 2 / 3, pdf.len() - 8],
        ),
        ("r.docx", &docx, vec![docx.len() / 2, docx.len() - 10]),
        ("r.html", page.as_bytes(), vec![table_cut, page.len() / 2]),
    ];
    for (name, whole, cuts) in cases {
        on_both(&format!("cut_{}", name.replace('.', "_")), |store| {
            let dir = temp_dir(&format!("cut-{name}"));
            let path = dir.join(name);
            // The whole file stored first: a cut-off copy later does not replace it.
            std::fs::write(&path, whole).unwrap();
            let first = ingest(store, std::slice::from_ref(&path));
            assert_eq!(first.stored, 1, "{name}: {:?}", first.failed);
            let copy = dir.join(format!("copy-{name}"));
            for &cut in &cuts {
                std::fs::write(&copy, &whole[..cut]).unwrap();
                let s = ingest(store, std::slice::from_ref(&copy));
                assert_eq!(
                    (s.stored, s.new_versions, s.failed.len()),
                    (0, 0, 1),
                    "{name} cut {cut}"
                );
                assert!(s.failed[0].1.contains("文件不完整"), "{:?}", s.failed);
            }
            let current = store.reports(&gongkai_store::Filter::default()).unwrap();
            assert_eq!(current.len(), 1);
            assert_eq!(current[0].source, path.display().to_string());
            let failures = store.failures().unwrap();
            assert_eq!(failures.len(), cuts.len(), "{name}");
            assert!(failures
                .iter()
                .all(|f| f.kind == Some(FailureKind::Incomplete)));

            // Cut off first, in place of the whole file: no report at all; then the
            // download is finished: the whole file is the current version.
            let fresh = dir.join(format!("fresh-{name}"));
            std::fs::write(&fresh, &whole[..cuts[0]]).unwrap();
            ingest(store, std::slice::from_ref(&fresh));
            assert!(store
                .reports(&gongkai_store::Filter {
                    all_versions: true,
                    ..Default::default()
                })
                .unwrap()
                .iter()
                .all(|r| r.source != fresh.display().to_string()));
            assert!(store
                .failures()
                .unwrap()
                .iter()
                .any(|f| f.path == fresh.display().to_string()));
            std::fs::write(&fresh, whole).unwrap();
            let s = ingest(store, std::slice::from_ref(&fresh));
            assert!(s.failed.is_empty(), "{:?}", s.failed);
            assert!(!store
                .failures()
                .unwrap()
                .iter()
                .any(|f| f.path == fresh.display().to_string()));
            let _ = std::fs::remove_dir_all(&dir);
        });
    }
}

/// The same report as a web page and as its PDF: one report with two sources, read
/// from the PDF, whether the page or the PDF came first, in one run or two.
#[test]
fn a_page_and_its_pdf_are_one_report_in_either_order() {
    let (pdf, page) = report_pdf_and_page();
    let dir = temp_dir("two-formats");
    let (pdf_path, html_path) = (dir.join("report.pdf"), dir.join("report.html"));
    std::fs::write(&pdf_path, &pdf).unwrap();
    std::fs::write(&html_path, &page).unwrap();
    let runs: [(&str, Vec<Vec<PathBuf>>); 3] = [
        (
            "html-then-pdf",
            vec![vec![html_path.clone()], vec![pdf_path.clone()]],
        ),
        (
            "pdf-then-html",
            vec![vec![pdf_path.clone()], vec![html_path.clone()]],
        ),
        ("together", vec![vec![dir.clone()]]),
    ];
    for (name, order) in runs {
        on_both(
            &format!("two_formats_{}", name.replace('-', "_")),
            |store| {
                let mut other = 0;
                for paths in &order {
                    let s = ingest(store, paths);
                    assert!(s.failed.is_empty(), "{name}: {:?}", s.failed);
                    assert_eq!(s.new_versions, 0, "{name}");
                    other += s.other_sources;
                }
                assert_eq!(other, 1, "{name}");
                let all = store
                    .reports(&gongkai_store::Filter {
                        all_versions: true,
                        ..Default::default()
                    })
                    .unwrap();
                let got: Vec<_> = all
                    .iter()
                    .map(|r| (r.source.clone(), r.format, r.version, r.is_current))
                    .collect();
                assert_eq!(
                    got,
                    [(pdf_path.display().to_string(), SourceFormat::Pdf, 1, true)],
                    "{name}"
                );
                assert_eq!(
                    store.sources(&[all[0].id]).unwrap(),
                    [
                        (all[0].id, html_path.display().to_string()),
                        (all[0].id, pdf_path.display().to_string())
                    ]
                );
            },
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stray byte in a text report: stored, with an X009 doubt naming its offset.
#[test]
fn a_stray_byte_is_a_doubt_not_a_failure() {
    on_both("stray", |store| {
        let dir = temp_dir("stray");
        let mut bytes = std::fs::read(seed("001")).unwrap();
        let at = bytes.len() / 2;
        let at = at + bytes[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
        bytes.insert(at, 0xFF);
        std::fs::write(dir.join("001.txt"), &bytes).unwrap();
        let s = ingest(store, std::slice::from_ref(&dir));
        assert_eq!((s.stored, s.failed.len()), (1, 0));
        let id = store.reports(&gongkai_store::Filter::default()).unwrap()[0].id;
        let x009: Vec<String> = store
            .findings(Some(&[id]))
            .unwrap()
            .into_iter()
            .filter(|f| f.finding.code == "X009")
            .map(|f| f.finding.message)
            .collect();
        assert_eq!(
            x009,
            [format!(
                "文件第 {at} 字节处的无法按 UTF-8 解码的字节（\\xFF）已替换为“\u{FFFD}”"
            )]
        );
        let _ = std::fs::remove_dir_all(&dir);
    });
}

/// No file may hold a run up: past the time allowed one file it is recorded as timed
/// out and the run goes on (`gongkai_pipeline::within` is tested in its crate).
#[test]
fn a_file_past_the_time_limit_is_given_up_on() {
    use std::time::Duration;
    on_both("timeout", |store| {
        let dir = temp_dir("timeout");
        // A 2 MB text: reading it takes far longer than 5 ms.
        let seed_text = std::fs::read(seed("002")).unwrap();
        let big = dir.join("big.txt");
        std::fs::write(&big, seed_text.repeat(2_000_000 / seed_text.len())).unwrap();
        let found = gongkai_corpus::discover(std::slice::from_ref(&big));
        let opts = IngestOptions {
            time_limit: Duration::from_millis(5),
            ..IngestOptions::default()
        };
        let s = gongkai_corpus::ingest(store, &found, &opts, &|_| {}).unwrap();
        assert_eq!((s.stored, s.failed.len()), (0, 1));
        let failures = store.failures().unwrap();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].kind, Some(FailureKind::TimedOut));
        assert_eq!(
            failures[0].error,
            format!("{}: 读取超时（超过 0.005 秒），已放弃", big.display())
        );
        // With the default limit it is read, and no longer listed.
        let s = ingest(store, std::slice::from_ref(&big));
        assert_eq!((s.stored, s.failed.len()), (1, 0));
        assert!(store.failures().unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    });
}
