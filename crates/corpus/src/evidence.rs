//! Evidence from the corpus for the undecided table-二 rows of reports about to be
//! stored: the same agency's stored reports of that year and the years either side, and
//! the other reports of the batch ([`gongkai_pipeline::evidence`] decides).

use gongkai_model::Report;
pub use gongkai_pipeline::evidence::decide_undecided;

/// Decide the undecided table-二 rows of a batch about to be stored, from the corpus: the
/// same agency's current reports of that year (another copy) and of the years either side
/// (the stock in force), and the other reports of the batch. Agencies are matched by their
/// canonical name (the mapping's aliases included). A report with rows decided is checked
/// again; its findings about the prose then point at the tables only, since its text is no
/// longer at hand. Returns how many rows were decided.
pub fn decide_in_batch(
    store: &mut gongkai_store::Store,
    batch: &mut [gongkai_store::Ingested],
    opts: &crate::IngestOptions,
) -> Result<usize, gongkai_store::StoreError> {
    use std::collections::HashSet;
    let canonical = |i: &gongkai_store::Ingested| -> Option<(String, i32)> {
        let nr = i.outcome.as_ref().ok()?;
        Some((nr.agency.as_ref()?.name.clone(), nr.report.year()?))
    };
    let targets: Vec<usize> = (0..batch.len())
        .filter(|&i| {
            batch[i]
                .outcome
                .as_ref()
                .is_ok_and(|nr| !nr.report.undecided.is_empty())
                && canonical(&batch[i]).is_some()
        })
        .collect();
    if targets.is_empty() {
        return Ok(0);
    }
    // Every report of the context goes by its canonical agency name.
    let named = |mut r: Report, name: &str| {
        if let Some(a) = r.agency.as_mut() {
            a.value = name.to_string();
        }
        r
    };
    let mut context: Vec<Report> = Vec::new();
    let mut wanted: HashSet<(String, i32)> = HashSet::new();
    for &i in &targets {
        let (name, year) = canonical(&batch[i]).unwrap_or_default();
        if let Ok(nr) = &batch[i].outcome {
            context.push(named(nr.report.clone(), &name));
        }
        for y in year - 1..=year + 1 {
            wanted.insert((name.clone(), y));
        }
    }
    for (i, item) in batch.iter().enumerate() {
        if targets.contains(&i) {
            continue;
        }
        if let (Some(key), Ok(nr)) = (canonical(item), &item.outcome) {
            if wanted.contains(&key) {
                context.push(named(nr.report.clone(), &key.0));
            }
        }
    }
    let names: HashSet<&String> = wanted.iter().map(|(n, _)| n).collect();
    for name in names {
        let rows = store.reports(&gongkai_store::Filter {
            agency: Some(name.clone()),
            ..Default::default()
        })?;
        for row in rows {
            let key = (
                row.agency.clone().unwrap_or_default(),
                row.year.unwrap_or(0),
            );
            if row.agency.as_deref() == Some(name.as_str()) && wanted.contains(&key) {
                // A report that does not read back is no evidence (export names it).
                if let Ok(r) = store.report(row.id) {
                    context.push(named(r, name));
                }
            }
        }
    }
    let decided = decide_undecided(&mut context);
    if decided == 0 {
        return Ok(0);
    }
    for (k, &i) in targets.iter().enumerate() {
        let Ok(nr) = &mut batch[i].outcome else {
            continue;
        };
        let after = &context[k];
        if after.undecided.len() == nr.report.undecided.len() {
            continue;
        }
        let mut report = std::mem::take(&mut nr.report);
        report.active = after.active.clone();
        report.doubts = after.doubts.clone();
        report.undecided = after.undecided.clone();
        report.reading = after.reading;
        let findings = gongkai_check::check(&report, None, &opts.selection);
        *nr = crate::ingest::new_report(report, findings, opts);
    }
    Ok(decided)
}
