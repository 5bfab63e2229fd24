//! A corpus of template reports: one seed printed by 5,000 agencies, only the agency's
//! name changed (in its title and wherever the text names it). Copied-text candidates
//! were all pairs of them (999,000 for 1,000 reports, 738 MB; 8 GB asked for at 3,000);
//! now the identical sections are one cluster, and the whole ingest and cross-report
//! step must stay under 500 MB.
//!
//! The reports are made in memory from one parsed seed (parsing 5,000 files in a debug
//! build would take minutes and measures nothing here), stored through the same
//! [`Store::write`] an ingest uses, and the heap is measured by a counting allocator
//! over the whole test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gongkai_corpus::{cross, IngestOptions};
use gongkai_model::schema::SectionKind;
use gongkai_store::{Filter, Ingested, Store};
use rayon::prelude::*;

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = IN_USE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const REPORTS: usize = 5_000;
const MB: usize = 1024 * 1024;

fn seed() -> gongkai_model::Report {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/seeds/000_bdef848fa1eb37a7.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    gongkai_parse::parse_text(path, text).unwrap().report
}

/// Agency `n`'s name. In ideographs: numbers are all one placeholder to the comparison,
/// so `第1乡` and `第2乡` would make the texts identical.
fn name(n: usize) -> String {
    const CHARS: [char; 100] = [
        '安', '宝', '北', '滨', '昌', '成', '城', '川', '春', '大', '德', '东', '丰', '福', '富',
        '港', '高', '光', '广', '海', '和', '河', '红', '洪', '湖', '华', '怀', '黄', '吉', '嘉',
        '建', '江', '金', '锦', '京', '景', '静', '康', '兰', '乐', '丽', '连', '林', '临', '龙',
        '隆', '鲁', '马', '茂', '美', '明', '南', '宁', '平', '浦', '普', '齐', '庆', '泉', '仁',
        '荣', '瑞', '山', '上', '盛', '石', '寿', '顺', '松', '泰', '太', '桃', '天', '通', '万',
        '旺', '文', '西', '溪', '仙', '祥', '新', '兴', '秀', '阳', '永', '玉', '元', '源', '云',
        '长', '正', '中', '州', '竹', '紫', '鑫', '益', '远', '泽',
    ];
    format!("洛阳市{}{}乡人民政府", CHARS[n / 100 % 100], CHARS[n % 100])
}

/// The seed as agency `n`'s report: its name replaced everywhere it is printed.
fn from_template(seed: &gongkai_model::Report, old: &str, n: usize) -> gongkai_model::Report {
    let name = name(n);
    let mut r = seed.clone();
    if let Some(a) = r.agency.as_mut() {
        a.value = name.clone();
    }
    if let Some(t) = r.title.as_mut() {
        t.value = t.value.replace(old, &name);
    }
    for s in &mut r.sections {
        s.body = s.body.replace(old, &name);
    }
    // The tables take no part in copied text, and storing their cells is most of what
    // 5,000 reports cost a debug build.
    r.active = None;
    r.requests = None;
    r.review = None;
    r
}

#[test]
fn five_thousand_template_reports_are_one_cluster_in_bounded_memory() {
    let seed = seed();
    let old = seed.agency().unwrap().to_string();
    let overview = seed.section(SectionKind::Overview).unwrap();
    let problems = seed.section(SectionKind::Problems).unwrap();
    // The template: section 一 names the agency (so each report's differs a little),
    // section 五 does not (identical in all of them).
    assert!(overview.body.contains(&old));
    assert!(!problems.body.contains(&old));

    let dir = std::env::temp_dir().join(format!("gongkai-template-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut store = Store::open(&dir.join("corpus.db").to_string_lossy()).unwrap();
    let opts = IngestOptions::default();

    let started = std::time::Instant::now();
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    // Where a slow debug run spends its time, for whoever has to make it faster.
    let mut making = std::time::Duration::ZERO;
    for batch in (0..REPORTS).collect::<Vec<_>>().chunks(opts.batch) {
        let t = std::time::Instant::now();
        let files: Vec<Ingested> = batch
            .par_iter()
            .map(|&n| Ingested {
                path: format!("template/{n:04}.txt"),
                hash: format!("template-{n}"),
                size: 1,
                outcome: Ok(gongkai_corpus::ingest::new_report(
                    from_template(&seed, &old, n),
                    Vec::new(),
                    &opts,
                )),
            })
            .collect();
        making += t.elapsed();
        store.write(files).unwrap();
    }
    let stored = started.elapsed();
    let summary = cross::run(&mut store, &opts.selection, &opts.similarity).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    eprintln!(
        "reports made and stored in {stored:?} (made in {making:?}), cross-report step in {:?}, \
         peak heap {} MB: {summary:?}",
        started.elapsed() - stored,
        peak / MB
    );
    assert!(peak < 500 * MB, "peak heap {} MB", peak / MB);

    // Sections 一 and 五 of every report; 一 differs by the name, 五 is one text.
    assert_eq!(summary.sections, 2 * REPORTS);
    assert_eq!(summary.texts, REPORTS + 1);
    assert_eq!(summary.largest_cluster, REPORTS);
    // One finding per report, naming the cluster; none between the near-identical
    // sections 一, whose shared text is all the template's stock (used by every agency).
    assert_eq!((summary.copied, summary.clusters), (REPORTS, REPORTS));
    // Each section 一 took a bounded number of candidates, not one per other report.
    // About 20 texts checked per section 一 (at most 16 from each of 32 bands), where
    // every pair would be 4,999.
    assert_eq!(summary.candidates, 102_448);
    assert_eq!(summary.limited, REPORTS);

    let reports = store.reports(&Filter::default()).unwrap();
    assert_eq!(reports.len(), REPORTS);
    let stored = store.findings(None).unwrap();
    let copied: Vec<_> = stored
        .iter()
        .filter(|f| f.corpus && f.finding.code == "Y003")
        .collect();
    assert_eq!(copied.len(), REPORTS);
    let first = reports.iter().map(|r| r.id).min().unwrap();
    for f in &copied {
        assert_eq!(
            f.finding.message,
            format!(
                "“{}”与其他 4999 份报告的同一部分文字相同：同一文字见于 5000 个机关的 5000 份报告",
                problems.heading.trim()
            )
        );
        // It names the first few other members, earliest report first.
        let listed = &f.finding.notes[0];
        assert!(listed.starts_with("文字相同的报告："), "{listed}");
        assert!(listed.ends_with("等 4999 份"), "{listed}");
        let expected_other = if f.report_id == first {
            first + 1
        } else {
            first
        };
        assert_eq!(f.other_report_id, Some(expected_other));
    }
    let mut with_finding: Vec<i64> = copied.iter().map(|f| f.report_id).collect();
    with_finding.sort_unstable();
    with_finding.dedup();
    assert_eq!(with_finding.len(), REPORTS);
    assert!(!store.cross_state().unwrap().stale);

    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Below the cluster size, identical and near-identical sections are reported pair by
/// pair, with their passages; a report never copies itself, even one without an agency
/// that prints the same section twice.
#[test]
fn few_copies_are_pairs_and_a_report_never_copies_itself() {
    let seed = seed();
    let old = seed.agency().unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("gongkai-template-few-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut store = Store::open(&dir.join("corpus.db").to_string_lossy()).unwrap();
    let opts = IngestOptions::default();

    let mut files: Vec<Ingested> = (0..3)
        .map(|n| Ingested {
            path: format!("template/{n}.txt"),
            hash: format!("template-{n}"),
            size: 1,
            outcome: Ok(gongkai_corpus::ingest::new_report(
                from_template(&seed, &old, n),
                Vec::new(),
                &opts,
            )),
        })
        .collect();
    // Another text, no agency, its section 五 printed twice.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/seeds/001_80982073e3dd5082.txt"
    );
    let mut lone = gongkai_parse::parse_text(path, std::fs::read_to_string(path).unwrap())
        .unwrap()
        .report;
    lone.agency = None;
    let problems = lone.section(SectionKind::Problems).unwrap().clone();
    lone.sections.push(problems);
    files.push(Ingested {
        path: "lone.txt".into(),
        hash: "lone".into(),
        size: 1,
        outcome: Ok(gongkai_corpus::ingest::new_report(lone, Vec::new(), &opts)),
    });
    store.write(files).unwrap();
    let summary = cross::run(&mut store, &opts.selection, &opts.similarity).unwrap();
    // 3 × (一, 五) of the template, and the lone report's 一 and two 五.
    assert_eq!(summary.sections, 9);
    assert_eq!(summary.texts, 3 + 1 + 2);
    assert_eq!(summary.largest_cluster, 3);
    // Each template report: 一 and 五 against each of the two others.
    assert_eq!((summary.copied, summary.clusters), (12, 0));

    let reports = store.reports(&Filter::default()).unwrap();
    let lone_id = reports.iter().find(|r| r.agency.is_none()).unwrap().id;
    let stored = store.findings(None).unwrap();
    let copied: Vec<_> = stored.iter().filter(|f| f.corpus).collect();
    assert_eq!(copied.len(), 12);
    for f in &copied {
        assert_ne!(f.report_id, lone_id);
        assert_ne!(f.other_report_id, Some(f.report_id));
        assert!(
            f.finding
                .message
                .contains("2021年度报告的同一部分雷同：本部分 "),
            "{}",
            f.finding.message
        );
        assert!(
            f.finding.notes[0].starts_with("雷同段落（"),
            "{:?}",
            f.finding.notes
        );
    }
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}
