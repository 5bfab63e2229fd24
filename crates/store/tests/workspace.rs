//! The workspace tables on both backends: users, sessions, decisions, and the audit
//! entry every change writes with it.

use gongkai_model::access::{Role, Scope, Verdict};
use gongkai_store::testing::on_both_backends as on_both;
use gongkai_store::{Actor, NewDecision, StoreError};

#[test]
fn users_and_sessions() {
    on_both("ws_users", |store| {
        assert_eq!(store.user_count().unwrap(), 0);
        let admin = store
            .create_user(
                "管理员",
                "$argon2id$hash-a",
                Role::Admin,
                &Scope::Everywhere,
                &Actor::system(),
            )
            .unwrap();
        let by = Actor {
            user_id: Some(admin.id),
            name: admin.name.clone(),
        };
        let reviewer = store
            .create_user(
                "新乡审核",
                "$argon2id$hash-r",
                Role::Reviewer,
                &Scope::Regions(vec!["4107".into()]),
                &by,
            )
            .unwrap();
        assert_eq!(
            (reviewer.role, reviewer.scope.clone(), reviewer.active),
            (Role::Reviewer, Scope::Regions(vec!["4107".into()]), true)
        );
        // A name is one user.
        let e = store
            .create_user("新乡审核", "x", Role::Viewer, &Scope::Everywhere, &by)
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Conflict(m) if m == "用户名“新乡审核”已被使用"),
            "{e:?}"
        );
        assert_eq!(store.user_count().unwrap(), 2);

        // Sessions: found while unexpired and the user active.
        store
            .create_session("digest-1", reviewer.id, "csrf-1", 2_000)
            .unwrap();
        let (u, csrf) = store.session("digest-1", 1_000).unwrap().unwrap();
        assert_eq!((u.name.as_str(), csrf.as_str()), ("新乡审核", "csrf-1"));
        assert!(
            store.session("digest-1", 2_000).unwrap().is_none(),
            "expired"
        );
        assert!(store.session("digest-2", 1_000).unwrap().is_none());
        // Deactivating ends the sessions.
        let after = store
            .update_user(reviewer.id, Role::Viewer, &Scope::Everywhere, false, &by)
            .unwrap();
        assert!(!after.active);
        assert!(store.session("digest-1", 1_000).unwrap().is_none());

        // The log, newest first: who, what, before and after — never a hash.
        let log = store.audit_log(None, 10).unwrap();
        let actions: Vec<(&str, &str, &str)> = log
            .iter()
            .map(|e| (e.user_name.as_str(), e.action.as_str(), e.target.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (
                    "管理员",
                    "user.update",
                    format!("user:{}", reviewer.id).as_str()
                ),
                (
                    "管理员",
                    "user.create",
                    format!("user:{}", reviewer.id).as_str()
                ),
                ("系统", "user.create", format!("user:{}", admin.id).as_str()),
            ]
        );
        assert_eq!(log[0].before.as_ref().unwrap()["scope"], "regions:4107");
        assert_eq!(log[0].after.as_ref().unwrap()["active"], false);
        assert_eq!(log[2].user_id, None);
        for e in &log {
            let text = format!("{:?}{:?}", e.before, e.after);
            assert!(!text.contains("argon2"), "{text}");
        }
        // Paging.
        let older = store.audit_log(Some(log[0].id), 10).unwrap();
        assert_eq!(older.len(), 2);

        store
            .set_password(admin.id, "$argon2id$hash-b", &by)
            .unwrap();
        assert_eq!(
            store.user(admin.id).unwrap().unwrap().password_hash,
            "$argon2id$hash-b"
        );
        assert_eq!(store.audit_log(None, 1).unwrap()[0].action, "user.password");
        assert!(matches!(
            store.set_password(9_999, "x", &by),
            Err(StoreError::NotFound(_))
        ));
    });
}

#[test]
fn decisions_are_kept_as_history() {
    on_both("ws_decisions", |store| {
        // A decision needs an agency and a user.
        let admin = store
            .create_user("甲", "h", Role::Admin, &Scope::Everywhere, &Actor::system())
            .unwrap();
        store
            .query(
                "INSERT INTO agencies (name, region, level, placement) VALUES ('某局', '', '部门', 'inferred')",
                &[],
            )
            .unwrap();
        let agency_id: i64 = store
            .query("SELECT id FROM agencies WHERE name = '某局'", &[])
            .unwrap()[0]
            .get("id")
            .unwrap();
        let by = Actor {
            user_id: Some(admin.id),
            name: "甲".into(),
        };
        let d = |verdict, comment: &str, report_id| NewDecision {
            agency_id,
            year: 2023,
            finding_key: "k1".into(),
            rule: "T301".into(),
            report_id,
            verdict,
            comment: comment.into(),
        };
        store
            .record_decision(&d(Verdict::Confirmed, "合计不符", 1), &by)
            .unwrap();
        store
            .record_decision(&d(Verdict::Dismissed, "原文如此，已核实", 2), &by)
            .unwrap();
        let all = store.decisions(agency_id, 2023).unwrap();
        let seen: Vec<(Verdict, &str, i64, &str)> = all
            .iter()
            .map(|d| {
                (
                    d.verdict,
                    d.comment.as_str(),
                    d.report_id,
                    d.user_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (Verdict::Confirmed, "合计不符", 1, "甲"),
                (Verdict::Dismissed, "原文如此，已核实", 2, "甲"),
            ]
        );
        assert!(store.decisions(agency_id, 2022).unwrap().is_empty());
        // Only a user decides.
        assert!(store
            .record_decision(&d(Verdict::Confirmed, "x", 1), &Actor::system())
            .is_err());
        let log = store.audit_log(None, 1).unwrap();
        assert_eq!(log[0].action, "decision.record");
        assert_eq!(log[0].after.as_ref().unwrap()["verdict"], "dismissed");
    });
}
