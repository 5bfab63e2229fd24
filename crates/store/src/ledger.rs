//! The request ledgers (migration 0010): each agency's requests and the records behind
//! tables 二 and 四. Changes are applied together in one transaction, each with its
//! audit entry (before and after), so that an import is all or nothing and every change
//! is in the audit log. Validation is the caller's (`gongkai_ledger::Ledger::problems`
//! on the ledger as it would be): the store keeps what it is given.

use gongkai_ledger::model::DecisionCount;
use gongkai_ledger::Ledger;
use serde_json::Value as Json;

use crate::workspace::Actor;
use crate::{now, Store, StoreError};

pub use gongkai_ledger::LedgerChange;

/// The audit action and the record's table key.
fn describe(change: &LedgerChange) -> (&'static str, &'static str, String) {
    match change {
        LedgerChange::PutRequest(r) => ("ledger.request.put", "request", r.id.clone()),
        LedgerChange::RemoveRequest { id } => ("ledger.request.remove", "request", id.clone()),
        LedgerChange::PutCase(c) => ("ledger.case.put", "case", c.id.clone()),
        LedgerChange::PutDocument(d) => ("ledger.document.put", "document", d.id.clone()),
        LedgerChange::PutDecision(d) => (
            "ledger.decision.put",
            "decision",
            format!("{}:{}", d.year, decision_code(d)),
        ),
        LedgerChange::PutFeesCollected { year, .. } => {
            ("ledger.fees.put", "fees", year.to_string())
        }
        LedgerChange::PutText { year, .. } => ("ledger.text.put", "text", year.to_string()),
    }
}

fn decision_code(d: &DecisionCount) -> &'static str {
    match d.kind {
        gongkai_ledger::DecisionKind::Licensing => "licensing",
        gongkai_ledger::DecisionKind::Penalty => "penalty",
        gongkai_ledger::DecisionKind::Coercion => "coercion",
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    Ok(serde_json::to_string(v)?)
}

impl Store {
    /// An agency's whole ledger (empty when it has none).
    pub fn ledger(&mut self, agency: &str) -> Result<Ledger, StoreError> {
        let mut out = Ledger {
            agency: agency.to_string(),
            ..Ledger::default()
        };
        for mut r in self.conn.query(
            "SELECT data FROM ledger_requests WHERE agency = $1 ORDER BY received, id",
            &[agency.into()],
        )? {
            let data: String = r.take("data")?;
            out.requests.push(serde_json::from_str(&data)?);
        }
        for mut r in self.conn.query(
            "SELECT kind, id, data FROM ledger_records WHERE agency = $1 ORDER BY kind, id",
            &[agency.into()],
        )? {
            let kind: String = r.take("kind")?;
            let data: String = r.take("data")?;
            match kind.as_str() {
                "case" => out.cases.push(serde_json::from_str(&data)?),
                "document" => out.documents.push(serde_json::from_str(&data)?),
                "decision" => out.decisions.push(serde_json::from_str(&data)?),
                "text" => {
                    let id: String = r.take("id")?;
                    let year: i32 = id.parse().map_err(|_| {
                        StoreError::Query(format!("台账报告文字的年份无法识别：{id}"))
                    })?;
                    out.texts.insert(year, serde_json::from_str(&data)?);
                }
                "fees" => {
                    let id: String = r.take("id")?;
                    let year: i32 = id.parse().map_err(|_| {
                        StoreError::Query(format!("台账收费记录的年份无法识别：{id}"))
                    })?;
                    out.fees_collected
                        .insert(year, serde_json::from_str(&data)?);
                }
                other => {
                    return Err(StoreError::Query(format!(
                        "台账中有未知的记录类型：{other}"
                    )))
                }
            }
        }
        Ok(out)
    }

    /// Agencies with a ledger, and their request counts.
    pub fn ledger_agencies(&mut self) -> Result<Vec<(String, i64)>, StoreError> {
        self.conn
            .query(
                "SELECT agency, COUNT(*) AS n FROM ledger_requests GROUP BY agency
                 UNION SELECT agency, 0 AS n FROM ledger_records
                   WHERE agency NOT IN (SELECT agency FROM ledger_requests)
                 ORDER BY agency",
                &[],
            )?
            .into_iter()
            .map(|r| Ok((r.get("agency")?, r.get("n")?)))
            .collect()
    }

    /// The corpus agencies (id, name) that keep a ledger, with their request counts: a
    /// ledger is kept under the agency's name, which `agencies.name` holds once.
    pub fn ledger_agency_ids(&mut self) -> Result<Vec<(i64, String, i64)>, StoreError> {
        self.conn
            .query(
                "SELECT a.id, a.name, COUNT(r.id) AS n
                 FROM agencies a
                 JOIN (SELECT agency FROM ledger_requests
                       UNION SELECT agency FROM ledger_records) k ON k.agency = a.name
                 LEFT JOIN ledger_requests r ON r.agency = a.name
                 GROUP BY a.id, a.name
                 ORDER BY a.name",
                &[],
            )?
            .into_iter()
            .map(|r| Ok((r.get("id")?, r.get("name")?, r.get("n")?)))
            .collect()
    }

    /// Applies changes to an agency's ledger in one transaction, each audited with the
    /// record before and after. Nothing is applied when one fails.
    pub fn change_ledger(
        &mut self,
        actor: &Actor,
        agency: &str,
        changes: &[LedgerChange],
    ) -> Result<(), StoreError> {
        self.in_transaction(|store| store.write_ledger_changes(actor, agency, changes))
    }

    /// Reads the agency's ledger and applies the changes `decide` makes from it, in one
    /// write transaction: two people changing one ledger at once are served one after
    /// the other, so each change is decided (validated) on the ledger as it is when it
    /// is written. `decide` refusing rolls back and is the answer.
    pub fn update_ledger<T, E: From<StoreError>>(
        &mut self,
        actor: &Actor,
        agency: &str,
        decide: impl FnOnce(&Ledger) -> Result<(Vec<LedgerChange>, T), E>,
    ) -> Result<T, E> {
        let mut refused: Option<E> = None;
        let written = self.in_transaction(|store| {
            let ledger = store.ledger(agency)?;
            match decide(&ledger) {
                Ok((changes, answer)) => {
                    store.write_ledger_changes(actor, agency, &changes)?;
                    Ok(Some(answer))
                }
                Err(e) => {
                    refused = Some(e);
                    // Any error rolls the transaction back; the refusal is returned.
                    Err(StoreError::Query("台账修改未通过检查".into()))
                }
            }
        });
        match (written, refused) {
            (_, Some(e)) => Err(e),
            (Ok(Some(answer)), None) => Ok(answer),
            (Ok(None), None) => Err(StoreError::Query("台账修改没有结果".into()).into()),
            (Err(e), None) => Err(e.into()),
        }
    }

    fn write_ledger_changes(
        &mut self,
        actor: &Actor,
        agency: &str,
        changes: &[LedgerChange],
    ) -> Result<(), StoreError> {
        {
            let store = self;
            let at = now();
            for change in changes {
                let (action, kind, id) = describe(change);
                let before = store.ledger_record(agency, kind, &id)?;
                let after: Option<Json> = match change {
                    LedgerChange::PutRequest(r) => {
                        store.conn.exec(
                            "DELETE FROM ledger_requests WHERE agency = $1 AND id = $2",
                            &[agency.into(), r.id.as_str().into()],
                        )?;
                        let closure = r.closure.as_ref();
                        store.conn.exec(
                            "INSERT INTO ledger_requests
                               (agency, id, received, closed, outcome, applicant_kind, data, updated_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            &[
                                agency.into(),
                                r.id.as_str().into(),
                                r.received.to_string().into(),
                                closure.map(|c| c.date.to_string()).into(),
                                closure.map(|c| c.outcome.code()).into(),
                                r.applicant.kind.code().into(),
                                to_json(r)?.into(),
                                at.into(),
                            ],
                        )?;
                        Some(serde_json::to_value(r)?)
                    }
                    LedgerChange::RemoveRequest { id } => {
                        if before.is_none() {
                            return Err(StoreError::NotFound(format!(
                                "台账中没有申请 {id}（{agency}）"
                            )));
                        }
                        store.conn.exec(
                            "DELETE FROM ledger_requests WHERE agency = $1 AND id = $2",
                            &[agency.into(), id.as_str().into()],
                        )?;
                        None
                    }
                    LedgerChange::PutCase(c) => Some(store.put_record(agency, kind, &id, c, at)?),
                    LedgerChange::PutDocument(d) => {
                        Some(store.put_record(agency, kind, &id, d, at)?)
                    }
                    LedgerChange::PutDecision(d) => {
                        Some(store.put_record(agency, kind, &id, d, at)?)
                    }
                    LedgerChange::PutFeesCollected {
                        amount_10k_yuan, ..
                    } => Some(store.put_record(agency, kind, &id, amount_10k_yuan, at)?),
                    LedgerChange::PutText { text, .. } => {
                        Some(store.put_record(agency, kind, &id, text, at)?)
                    }
                };
                store.record_audit(
                    actor,
                    action,
                    &format!("{agency}/{kind}/{id}"),
                    before.as_ref(),
                    after.as_ref(),
                )?;
            }
            Ok(())
        }
    }

    fn put_record<T: serde::Serialize>(
        &mut self,
        agency: &str,
        kind: &str,
        id: &str,
        value: &T,
        at: i64,
    ) -> Result<Json, StoreError> {
        self.conn.exec(
            "DELETE FROM ledger_records WHERE agency = $1 AND kind = $2 AND id = $3",
            &[agency.into(), kind.into(), id.into()],
        )?;
        self.conn.exec(
            "INSERT INTO ledger_records (agency, kind, id, data, updated_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                agency.into(),
                kind.into(),
                id.into(),
                to_json(value)?.into(),
                at.into(),
            ],
        )?;
        Ok(serde_json::to_value(value)?)
    }

    /// One record as stored (JSON), for the audit's "before".
    fn ledger_record(
        &mut self,
        agency: &str,
        kind: &str,
        id: &str,
    ) -> Result<Option<Json>, StoreError> {
        let rows = if kind == "request" {
            self.conn.query(
                "SELECT data FROM ledger_requests WHERE agency = $1 AND id = $2",
                &[agency.into(), id.into()],
            )?
        } else {
            self.conn.query(
                "SELECT data FROM ledger_records WHERE agency = $1 AND kind = $2 AND id = $3",
                &[agency.into(), kind.into(), id.into()],
            )?
        };
        match rows.into_iter().next() {
            Some(mut r) => {
                let data: String = r.take("data")?;
                Ok(Some(serde_json::from_str(&data)?))
            }
            None => Ok(None),
        }
    }
}
