//! The ledger in the database, on SQLite and PostgreSQL: a random ledger stored change
//! by change reads back equal, a failing change in a batch leaves nothing behind, and
//! every change is in the audit log with the record before and after.

use gongkai_ledger::sample::random_ledger;
use gongkai_ledger::Ledger;
use gongkai_store::testing::{on_both_backends, on_both_backends_opening};
use gongkai_store::{Actor, LedgerChange, Store};

fn changes_of(l: &Ledger) -> Vec<LedgerChange> {
    let mut out: Vec<LedgerChange> = l
        .requests
        .iter()
        .cloned()
        .map(LedgerChange::PutRequest)
        .collect();
    out.extend(l.cases.iter().cloned().map(LedgerChange::PutCase));
    out.extend(l.documents.iter().cloned().map(LedgerChange::PutDocument));
    out.extend(l.decisions.iter().cloned().map(LedgerChange::PutDecision));
    out.extend(
        l.fees_collected
            .iter()
            .map(|(y, a)| LedgerChange::PutFeesCollected {
                year: *y,
                amount_10k_yuan: a.clone(),
            }),
    );
    out
}

/// The ledger in a canonical order (the store reads requests by receipt, records by id).
fn sorted(mut l: Ledger) -> Ledger {
    l.requests
        .sort_by(|a, b| (a.received, &a.id).cmp(&(b.received, &b.id)));
    l.cases.sort_by(|a, b| a.id.cmp(&b.id));
    l.documents.sort_by(|a, b| a.id.cmp(&b.id));
    l.decisions.sort_by_key(|d| (d.year, d.kind));
    l
}

#[test]
fn a_ledger_reads_back_as_stored_and_every_change_is_audited() {
    on_both_backends("ledger", |store: &mut Store| {
        let actor = Actor {
            user_id: None,
            name: "测试".into(),
        };
        let mut ledger = random_ledger(3, 300);
        ledger.agency = "某县财政局".into();
        let changes = changes_of(&ledger);
        store
            .change_ledger(&actor, &ledger.agency, &changes)
            .unwrap();
        let back = store.ledger(&ledger.agency).unwrap();
        assert_eq!(sorted(back), sorted(ledger.clone()));
        assert_eq!(store.ledger("另一个机关").unwrap().requests.len(), 0);
        assert_eq!(
            store.ledger_agencies().unwrap(),
            vec![(ledger.agency.clone(), ledger.requests.len() as i64)]
        );
        let log = store.audit_log(None, 100_000).unwrap();
        assert_eq!(log.len(), changes.len());

        // A change of one request: audited with before and after.
        let mut r = ledger.requests[0].clone();
        r.content = "改过的内容".into();
        store
            .change_ledger(
                &actor,
                &ledger.agency,
                &[LedgerChange::PutRequest(r.clone())],
            )
            .unwrap();
        let last = &store.audit_log(None, 1).unwrap()[0];
        assert_eq!(last.action, "ledger.request.put");
        assert_eq!(last.target, format!("{}/request/{}", ledger.agency, r.id));
        assert_eq!(last.user_name, "测试");
        assert_eq!(last.after.as_ref().unwrap()["content"], "改过的内容");
        assert_ne!(last.before.as_ref().unwrap()["content"], "改过的内容");

        // A batch whose last change fails (removing a request that is not there):
        // nothing of it is kept, not even the first change.
        let mut r2 = r.clone();
        r2.content = "不该保存".into();
        let err = store
            .change_ledger(
                &actor,
                &ledger.agency,
                &[
                    LedgerChange::PutRequest(r2),
                    LedgerChange::RemoveRequest {
                        id: "不存在".into(),
                    },
                ],
            )
            .unwrap_err();
        assert!(err.to_string().contains("台账中没有申请 不存在"), "{err}");
        let now = store.ledger(&ledger.agency).unwrap();
        let kept = now.requests.iter().find(|x| x.id == r.id).unwrap();
        assert_eq!(kept.content, "改过的内容");
        assert_eq!(
            store.audit_log(None, 100_000).unwrap().len(),
            changes.len() + 1
        );

        // Removal.
        store
            .change_ledger(
                &actor,
                &ledger.agency,
                &[LedgerChange::RemoveRequest { id: r.id.clone() }],
            )
            .unwrap();
        assert_eq!(
            store.ledger(&ledger.agency).unwrap().requests.len(),
            ledger.requests.len() - 1
        );
        let last = &store.audit_log(None, 1).unwrap()[0];
        assert_eq!(last.action, "ledger.request.remove");
        assert!(last.after.is_none());
    });
}

/// Two connections adding the same request number at once: the second is decided on
/// the ledger as the first left it (the read and the write are one transaction), so
/// exactly one is kept and the other refused.
#[test]
fn concurrent_changes_to_one_ledger_are_decided_one_after_the_other() {
    use std::time::Duration;
    on_both_backends_opening("ledger_race", |_, open| {
        let request = random_ledger(1, 1).requests.remove(0);
        let attempt = |mut store: Store, wait_before: u64, hold: u64| {
            let request = request.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(wait_before));
                let actor = Actor {
                    user_id: None,
                    name: "并发测试".into(),
                };
                store.update_ledger(&actor, "某县财政局", |ledger| {
                    if ledger.requests.iter().any(|r| r.id == request.id) {
                        return Err(gongkai_store::StoreError::Conflict("已经登记".into()));
                    }
                    // Hold the transaction while the other one tries.
                    std::thread::sleep(Duration::from_millis(hold));
                    Ok((vec![LedgerChange::PutRequest(request.clone())], ()))
                })
            })
        };
        let first = attempt(open(), 0, 400);
        let second = attempt(open(), 100, 0);
        let (a, b) = (first.join().unwrap(), second.join().unwrap());
        assert!(a.is_ok(), "{a:?}");
        assert!(
            matches!(&b, Err(gongkai_store::StoreError::Conflict(m)) if m == "已经登记"),
            "{b:?}"
        );
        let mut store = open();
        assert_eq!(store.ledger("某县财政局").unwrap().requests.len(), 1);
    });
}
