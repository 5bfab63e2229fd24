//! What the administrators' pages ask of the store: the audit log filtered by who,
//! what and when; the agencies whose place is not known, a page at a time; a mapping
//! applied with an audit entry per agency it changed; and a user's own password change
//! that keeps the session it was made from.

use std::collections::BTreeMap;

use gongkai_gazetteer::PlaceStatus;
use serde_json::{json, Value as Json};

use crate::agencies::{place_of, AGENCY_PLACE_COLUMNS};
use crate::conn::Val;
use crate::enums::{Placement, StoredEnum};
use crate::row::Row;
use crate::types::{AgencyInfo, StoredAgency};
use crate::workspace::{Actor, AuditEntry};
use crate::{id_list, Store, StoreError};

/// Which audit entries to list: newest first, at most `limit`, older than `before_id`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// The acting user's name exactly as logged (`系统` for the system).
    pub user: Option<String>,
    /// An action (`user.update`), or the part before its dot for all of a kind
    /// (`user`: `user.create`, `user.update`, …).
    pub action: Option<String>,
    /// What was acted on, exactly as logged (`user:12`, `agency:3`).
    pub target: Option<String>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Which agencies to list by the state of their place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlaceFilter {
    /// Ambiguous or unresolved: in no region until someone says where they are.
    #[default]
    Unplaced,
    Only(PlaceStatus),
    All,
}

/// A page of agencies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgencyQuery {
    pub place: PlaceFilter,
    /// Names containing this text.
    pub name: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// `text` as a LIKE pattern that matches it literally (`\` is the escape).
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What the audit log records of an agency's place.
fn agency_audited(a: &AgencyInfo) -> Json {
    json!({
        "name": a.name,
        "region": a.place.region,
        "region_code": a.place.code,
        "level": a.place.level.as_zh(),
        "place_status": a.place.status.key(),
        "placement": a.placement.as_str(),
    })
}

impl Store {
    /// The audit log as [`AuditQuery`] selects it, newest first. Every filter is in the
    /// SQL: a log of millions of entries is never read whole.
    pub fn audit_entries(&mut self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let mut conditions = vec!["id < $1".to_string()];
        let mut params: Vec<Val> = vec![q.before_id.unwrap_or(i64::MAX).into()];
        if let Some(user) = &q.user {
            params.push(user.as_str().into());
            conditions.push(format!("user_name = ${}", params.len()));
        }
        if let Some(action) = &q.action {
            params.push(action.as_str().into());
            params.push(format!("{}.%", like_literal(action)).into());
            conditions.push(format!(
                "(action = ${} OR action LIKE ${} ESCAPE '\\')",
                params.len() - 1,
                params.len()
            ));
        }
        if let Some(target) = &q.target {
            params.push(target.as_str().into());
            conditions.push(format!("target = ${}", params.len()));
        }
        if let Some(from) = q.from {
            params.push(from.into());
            conditions.push(format!("at >= ${}", params.len()));
        }
        if let Some(until) = q.until {
            params.push(until.into());
            conditions.push(format!("at < ${}", params.len()));
        }
        params.push(q.limit.max(0).into());
        let sql = format!(
            "SELECT id, at, user_id, user_name, action, target, before, after FROM audit_log
             WHERE {} ORDER BY id DESC LIMIT ${}",
            conditions.join(" AND "),
            params.len()
        );
        self.conn.query_as(&sql, &params)
    }

    /// A page of agencies with their places, ordered by name, and how many the filter
    /// selects in all.
    pub fn agency_page(&mut self, q: &AgencyQuery) -> Result<(Vec<StoredAgency>, i64), StoreError> {
        let mut conditions = Vec::new();
        let mut params: Vec<Val> = Vec::new();
        match q.place {
            PlaceFilter::Unplaced => {
                params.push(PlaceStatus::Resolved.into());
                // NULL: stored before places were kept and not placed yet.
                conditions.push("(place_status IS NULL OR place_status <> $1)".to_string());
            }
            PlaceFilter::Only(PlaceStatus::Unresolved) => {
                params.push(PlaceStatus::Unresolved.into());
                conditions.push("(place_status IS NULL OR place_status = $1)".to_string());
            }
            PlaceFilter::Only(status) => {
                params.push(status.into());
                conditions.push("place_status = $1".to_string());
            }
            PlaceFilter::All => {}
        }
        if let Some(name) = q.name.as_deref().filter(|n| !n.is_empty()) {
            params.push(format!("%{}%", like_literal(name)).into());
            conditions.push(format!("name LIKE ${} ESCAPE '\\'", params.len()));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let total: i64 = self.conn.query_value(
            &format!("SELECT COUNT(*) AS n FROM agencies {filter}"),
            &params,
            "n",
        )?;
        params.push(q.limit.max(0).into());
        params.push(q.offset.max(0).into());
        let rows = self.conn.query(
            &format!(
                "SELECT id, name, placement, {AGENCY_PLACE_COLUMNS} FROM agencies {filter}
                 ORDER BY name, id LIMIT ${} OFFSET ${}",
                params.len() - 1,
                params.len()
            ),
            &params,
        )?;
        let mut agencies = rows
            .into_iter()
            .map(stored_agency)
            .collect::<Result<Vec<_>, _>>()?;
        self.fill_years(&mut agencies)?;
        Ok((agencies, total))
    }

    /// One agency with its place and years.
    pub fn agency_by_id(&mut self, id: i64) -> Result<Option<StoredAgency>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT id, name, placement, {AGENCY_PLACE_COLUMNS} FROM agencies WHERE id = $1"
            ),
            &[id.into()],
        )?;
        let mut agencies = rows
            .into_iter()
            .map(stored_agency)
            .collect::<Result<Vec<_>, _>>()?;
        self.fill_years(&mut agencies)?;
        Ok(agencies.pop())
    }

    /// The years each agency has a current report for.
    fn fill_years(&mut self, agencies: &mut [StoredAgency]) -> Result<(), StoreError> {
        if agencies.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = agencies.iter().map(|a| a.id).collect();
        let rows = self.conn.query(
            &format!(
                "SELECT DISTINCT agency_id, year FROM reports
                 WHERE is_current AND year IS NOT NULL AND agency_id IN ({})
                 ORDER BY agency_id, year",
                id_list(&ids)
            ),
            &[],
        )?;
        let mut years: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
        for r in rows {
            years
                .entry(r.get("agency_id")?)
                .or_default()
                .push(r.get("year")?);
        }
        for a in agencies {
            a.years = years.remove(&a.id).unwrap_or_default();
        }
        Ok(())
    }

    /// [`Store::apply_mapping`], with an audit entry for every agency it changed, in
    /// the same transaction: `update_action` (e.g. `agency.place` for one agency set
    /// by hand, `agency.mapping` for a mapping file) with the place before and after,
    /// or `agency.merge` for an agency merged into another by an alias. Returns how
    /// many agencies changed.
    pub fn apply_mapping_audited(
        &mut self,
        entries: &[AgencyInfo],
        aliases: &[(String, String)],
        update_action: &str,
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        self.agencies.clear();
        self.in_transaction(|store| {
            let mut names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
            for (alias, canonical) in aliases {
                names.push(alias);
                names.push(canonical);
            }
            let before = store.agencies_named(&names)?;
            store.apply_mapping_in_transaction(entries, aliases)?;
            let ids: Vec<i64> = before.keys().copied().collect();
            let after = store.agencies_by_ids(&ids)?;
            let mut changed = 0;
            for (id, was) in &before {
                let target = format!("agency:{id}");
                match after.get(id) {
                    Some(now) if now != was => {
                        store.record_audit(
                            actor,
                            update_action,
                            &target,
                            Some(&agency_audited(was)),
                            Some(&agency_audited(now)),
                        )?;
                        changed += 1;
                    }
                    Some(_) => {}
                    None => {
                        // Merged away: name the agency it became part of.
                        let canonical = aliases
                            .iter()
                            .find(|(alias, _)| *alias == was.name)
                            .map(|(_, c)| c.as_str())
                            .unwrap_or_default();
                        let into = store.agencies_named(&[canonical])?.into_iter().next();
                        store.record_audit(
                            actor,
                            "agency.merge",
                            &target,
                            Some(&agency_audited(was)),
                            Some(&json!({
                                "merged_into": into.as_ref().map(|(id, _)| *id),
                                "name": canonical,
                            })),
                        )?;
                        changed += 1;
                    }
                }
            }
            Ok(changed)
        })
    }

    fn agencies_named(&mut self, names: &[&str]) -> Result<BTreeMap<i64, AgencyInfo>, StoreError> {
        let mut out = BTreeMap::new();
        for name in names {
            let rows = self.conn.query(
                &format!(
                    "SELECT id, name, placement, {AGENCY_PLACE_COLUMNS} FROM agencies WHERE name = $1"
                ),
                &[(*name).into()],
            )?;
            for mut r in rows {
                out.insert(r.get("id")?, agency_info(&mut r)?);
            }
        }
        Ok(out)
    }

    fn agencies_by_ids(&mut self, ids: &[i64]) -> Result<BTreeMap<i64, AgencyInfo>, StoreError> {
        let mut out = BTreeMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows = self.conn.query(
            &format!(
                "SELECT id, name, placement, {AGENCY_PLACE_COLUMNS} FROM agencies WHERE id IN ({})",
                id_list(ids)
            ),
            &[],
        )?;
        for mut r in rows {
            out.insert(r.get("id")?, agency_info(&mut r)?);
        }
        Ok(out)
    }

    /// A user's change of their own password: the new hash, every other session of
    /// theirs ended (`keep_session`, the digest of the session the change was made
    /// from, stays), audited as `user.password` with `{"own": true}`.
    pub fn change_own_password(
        &mut self,
        id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        self.in_transaction(|store| {
            let changed = store.conn.exec(
                "UPDATE users SET password_hash = $1 WHERE id = $2",
                &[password_hash.into(), id.into()],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("没有编号为 {id} 的用户")));
            }
            store.conn.exec(
                "DELETE FROM sessions WHERE user_id = $1 AND token_digest <> $2",
                &[id.into(), keep_session.unwrap_or("").into()],
            )?;
            store.record_audit(
                actor,
                "user.password",
                &format!("user:{id}"),
                None,
                Some(&json!({"own": true})),
            )
        })
    }
}

fn agency_info(r: &mut Row) -> Result<AgencyInfo, StoreError> {
    Ok(AgencyInfo {
        name: r.take("name")?,
        placement: r.get::<Placement>("placement")?,
        place: place_of(r)?,
    })
}

/// An agency from a row of `id, name, placement` and the place columns; its years are
/// filled in afterwards.
fn stored_agency(mut r: Row) -> Result<StoredAgency, StoreError> {
    Ok(StoredAgency {
        id: r.get("id")?,
        info: agency_info(&mut r)?,
        years: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use gongkai_gazetteer::{gazetteer, place_agency};
    use gongkai_model::access::{Role, Scope};

    use super::*;
    use crate::testing::on_both_backends;

    #[test]
    fn like_patterns_match_literally() {
        assert_eq!(like_literal("user"), "user");
        assert_eq!(like_literal("50%_a\\b"), "50\\%\\_a\\\\b");
    }

    fn entry(store: &mut Store, at: i64, user: Option<(i64, &str)>, action: &str, target: &str) {
        store
            .conn
            .exec(
                "INSERT INTO audit_log (at, user_id, user_name, action, target) VALUES ($1, $2, $3, $4, $5)",
                &[
                    at.into(),
                    user.map(|u| u.0).into(),
                    user.map_or("系统", |u| u.1).into(),
                    action.into(),
                    target.into(),
                ],
            )
            .unwrap();
    }

    #[test]
    fn the_audit_log_is_filtered_in_sql() {
        on_both_backends("admin_audit", |store| {
            entry(store, 100, None, "user.create", "user:1");
            entry(store, 200, Some((1, "甲")), "user.update", "user:2");
            entry(store, 300, Some((1, "甲")), "userx.other", "user:2");
            entry(store, 400, Some((2, "乙")), "user_update", "user:1");
            entry(store, 500, Some((2, "乙")), "decision.record", "report:7");
            let ids = |store: &mut Store, q: AuditQuery| -> Vec<String> {
                store
                    .audit_entries(&AuditQuery { limit: 10, ..q })
                    .unwrap()
                    .into_iter()
                    .map(|e| format!("{}@{}", e.action, e.at))
                    .collect()
            };
            assert_eq!(
                ids(
                    store,
                    AuditQuery {
                        action: Some("user".into()),
                        ..Default::default()
                    }
                ),
                ["user.update@200", "user.create@100"],
                "a kind is the part before the dot; _ and % are not wildcards"
            );
            assert_eq!(
                ids(
                    store,
                    AuditQuery {
                        action: Some("user_update".into()),
                        ..Default::default()
                    }
                ),
                ["user_update@400"]
            );
            assert_eq!(
                ids(
                    store,
                    AuditQuery {
                        user: Some("乙".into()),
                        from: Some(400),
                        until: Some(500),
                        ..Default::default()
                    }
                ),
                ["user_update@400"]
            );
            assert_eq!(
                ids(
                    store,
                    AuditQuery {
                        target: Some("user:2".into()),
                        ..Default::default()
                    }
                ),
                ["userx.other@300", "user.update@200"]
            );
            let newest = store
                .audit_entries(&AuditQuery {
                    limit: 2,
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(newest.len(), 2);
            assert_eq!(
                ids(
                    store,
                    AuditQuery {
                        before_id: Some(newest[1].id),
                        ..Default::default()
                    }
                ),
                ["userx.other@300", "user.update@200", "user.create@100"]
            );
        });
    }

    fn add_agency(store: &mut Store, name: &str) -> i64 {
        let p = place_agency(gazetteer().unwrap(), name, &Default::default());
        store
            .conn
            .query_value(
                "INSERT INTO agencies (name, placement, region, level, region_code, body_kind,
                   place_status, candidates, evidence)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    name.into(),
                    Placement::Inferred.into(),
                    p.region.as_str().into(),
                    p.level.into(),
                    p.code.clone().into(),
                    p.body.into(),
                    p.status.into(),
                    p.candidates.join(" ").into(),
                    p.evidence.join("\n").into(),
                ],
                "id",
            )
            .unwrap()
    }

    #[test]
    fn agencies_by_place_a_page_at_a_time_and_mappings_audited() {
        on_both_backends("admin_agencies", |store| {
            let gulou = add_agency(store, "鼓楼区人民政府办公室");
            let huixian = add_agency(store, "辉县市人民政府");
            let odd = add_agency(store, "某某100%局");
            let page = |store: &mut Store, place: PlaceFilter, name: Option<&str>, offset: i64| {
                let (agencies, total) = store
                    .agency_page(&AgencyQuery {
                        place,
                        name: name.map(str::to_string),
                        offset,
                        limit: 1,
                    })
                    .unwrap();
                (
                    agencies.into_iter().map(|a| a.id).collect::<Vec<_>>(),
                    total,
                )
            };
            // Ordered by name: 某某100%局 (U+67D0) before 鼓楼区… (U+9F13).
            assert_eq!(page(store, PlaceFilter::Unplaced, None, 0), (vec![odd], 2));
            assert_eq!(
                page(store, PlaceFilter::Unplaced, None, 1),
                (vec![gulou], 2)
            );
            assert_eq!(
                page(store, PlaceFilter::Only(PlaceStatus::Ambiguous), None, 0),
                (vec![gulou], 1)
            );
            assert_eq!(
                page(store, PlaceFilter::Only(PlaceStatus::Resolved), None, 0),
                (vec![huixian], 1)
            );
            assert_eq!(page(store, PlaceFilter::All, Some("0%"), 0), (vec![odd], 1));
            assert_eq!(page(store, PlaceFilter::All, Some("0_"), 0), (vec![], 0));
            let a = store.agency_by_id(gulou).unwrap().unwrap();
            assert_eq!(
                a.info.place.candidates,
                ["320106", "320302", "350102", "410204"]
            );
            assert!(store.agency_by_id(9_999).unwrap().is_none());

            // One agency placed by a mapping entry, another merged by an alias: one
            // entry each, before and after; the merged agency's staff follow it.
            let by = Actor {
                user_id: Some(1),
                name: "管理员".into(),
            };
            let staff = store
                .create_user("某局人员", "h", Role::AgencyStaff, &Scope::Agency(odd), &by)
                .unwrap();
            let g = gazetteer().unwrap();
            let placed = AgencyInfo {
                name: "鼓楼区人民政府办公室".into(),
                place: gongkai_gazetteer::Place::given(g, "320106", None, a.info.place.body)
                    .unwrap(),
                placement: Placement::Mapping,
            };
            let n = store
                .apply_mapping_audited(
                    &[placed],
                    &[("某某100%局".into(), "辉县市人民政府".into())],
                    "agency.mapping",
                    &by,
                )
                .unwrap();
            assert_eq!(n, 2);
            assert_eq!(
                store
                    .agency_by_id(gulou)
                    .unwrap()
                    .unwrap()
                    .info
                    .place
                    .code
                    .as_deref(),
                Some("320106")
            );
            assert!(store.agency_by_id(odd).unwrap().is_none());
            assert_eq!(
                store.user(staff.id).unwrap().unwrap().scope,
                Scope::Agency(huixian)
            );
            let log = store.audit_log(None, 2).unwrap();
            let merge = log.iter().find(|e| e.action == "agency.merge").unwrap();
            assert_eq!(merge.target, format!("agency:{odd}"));
            assert_eq!(
                merge.after,
                Some(json!({"merged_into": huixian, "name": "辉县市人民政府"}))
            );
            let place = log.iter().find(|e| e.action == "agency.mapping").unwrap();
            assert_eq!(place.target, format!("agency:{gulou}"));
            assert_eq!(place.before.as_ref().unwrap()["place_status"], "ambiguous");
            assert_eq!(
                place.after,
                Some(
                    json!({"name": "鼓楼区人民政府办公室", "region": "江苏省南京市鼓楼区",
                    "region_code": "320106", "level": "部门", "place_status": "resolved", "placement": "mapping"})
                )
            );
            // The same again changes nothing and logs nothing.
            let placed = store.agency_by_id(gulou).unwrap().unwrap().info;
            let last = store.audit_log(None, 1).unwrap()[0].id;
            assert_eq!(
                store
                    .apply_mapping_audited(&[placed], &[], "agency.place", &by)
                    .unwrap(),
                0
            );
            assert_eq!(store.audit_log(None, 1).unwrap()[0].id, last);
        });
    }

    #[test]
    fn the_last_administrator_and_own_password_changes() {
        on_both_backends("admin_users", |store| {
            let by = Actor::system();
            let a = store
                .create_user("甲", "h", Role::Admin, &Scope::Everywhere, &by)
                .unwrap();
            let b = store
                .create_user("乙", "h", Role::Admin, &Scope::Everywhere, &by)
                .unwrap();
            store
                .update_user(b.id, Role::Admin, &Scope::Everywhere, false, &by)
                .unwrap();
            for (role, active) in [(Role::Admin, false), (Role::Viewer, true)] {
                let e = store
                    .update_user(a.id, role, &Scope::Everywhere, active, &by)
                    .unwrap_err();
                assert!(
                    matches!(&e, StoreError::Conflict(m) if m.starts_with("“甲”是最后一位启用的管理员")),
                    "{e:?}"
                );
            }
            // An inactive administrator may be changed; then 甲 may step down.
            store
                .update_user(b.id, Role::Admin, &Scope::Everywhere, true, &by)
                .unwrap();
            store
                .update_user(a.id, Role::Viewer, &Scope::Everywhere, true, &by)
                .unwrap();

            store.create_session("here", a.id, "c1", i64::MAX).unwrap();
            store.create_session("there", a.id, "c2", i64::MAX).unwrap();
            store
                .create_session("theirs", b.id, "c3", i64::MAX)
                .unwrap();
            store
                .change_own_password(a.id, "h2", Some("here"), &by)
                .unwrap();
            assert!(store.session("here", 0).unwrap().is_some());
            assert!(store.session("there", 0).unwrap().is_none());
            assert!(store.session("theirs", 0).unwrap().is_some());
            assert_eq!(store.user(a.id).unwrap().unwrap().password_hash, "h2");
            let e = &store.audit_log(None, 1).unwrap()[0];
            assert_eq!(
                (e.action.as_str(), e.after.clone()),
                ("user.password", Some(json!({"own": true})))
            );
            assert!(matches!(
                store.change_own_password(9_999, "x", None, &by),
                Err(StoreError::NotFound(_))
            ));
        });
    }
}
