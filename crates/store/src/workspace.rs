//! The reviewers' workspace: users, login sessions, decisions on findings and the
//! audit log (migration 0006).
//!
//! Every change here is written with its audit entry in one transaction: who (the
//! [`Actor`]), when, what, on what, and the state before and after as JSON. A password
//! hash or a token never goes into the log. Users are never deleted — the log names
//! them — only deactivated.

use gongkai_model::access::{Role, Scope, Verdict};
use serde_json::{json, Value as Json};

use crate::row::{column_error, ColumnProblem, FromRow, Row};
use crate::{now, Store, StoreError};

/// Who makes a change: a user, or the system (`user_id` None: the first
/// administrator created at start-up, a background job).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            name: "系统".to_string(),
        }
    }
}

/// A user as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    pub created_at: i64,
}

impl User {
    /// What the audit log records of a user: never the password hash.
    fn audited(&self) -> Json {
        json!({"name": self.name, "role": self.role.key(), "scope": self.scope.to_stored(), "active": self.active})
    }
}

fn scope_of(r: &Row) -> Result<Scope, StoreError> {
    let stored: String = r.get("scope")?;
    Scope::from_stored(&stored).ok_or_else(|| {
        column_error(
            "scope",
            ColumnProblem::Unknown {
                what: "用户范围",
                value: stored,
            },
        )
    })
}

impl FromRow for User {
    fn from_row(mut r: Row) -> Result<User, StoreError> {
        Ok(User {
            scope: scope_of(&r)?,
            id: r.get("id")?,
            name: r.take("name")?,
            password_hash: r.take("password_hash")?,
            role: r.get("role")?,
            active: r.get("active")?,
            created_at: r.get("created_at")?,
        })
    }
}

/// A decision as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub id: i64,
    pub agency_id: i64,
    pub year: i32,
    pub finding_key: String,
    pub rule: String,
    pub report_id: i64,
    pub verdict: Verdict,
    pub comment: String,
    pub user_id: i64,
    pub user_name: String,
    pub decided_at: i64,
}

impl FromRow for Decision {
    fn from_row(mut r: Row) -> Result<Decision, StoreError> {
        Ok(Decision {
            id: r.get("id")?,
            agency_id: r.get("agency_id")?,
            year: r.get("year")?,
            finding_key: r.take("finding_key")?,
            rule: r.take("rule")?,
            report_id: r.get("report_id")?,
            verdict: r.get("verdict")?,
            comment: r.take("comment")?,
            user_id: r.get("user_id")?,
            user_name: r.take("user_name")?,
            decided_at: r.get("decided_at")?,
        })
    }
}

/// A decision to record.
#[derive(Clone, Debug)]
pub struct NewDecision {
    pub agency_id: i64,
    pub year: i32,
    pub finding_key: String,
    pub rule: String,
    pub report_id: i64,
    pub verdict: Verdict,
    pub comment: String,
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action: String,
    pub target: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

impl FromRow for AuditEntry {
    fn from_row(mut r: Row) -> Result<AuditEntry, StoreError> {
        let json = |r: &mut Row, column: &str| -> Result<Option<Json>, StoreError> {
            let text: Option<String> = r.take(column)?;
            text.map(|t| {
                serde_json::from_str(&t).map_err(|e| {
                    column_error(
                        column,
                        ColumnProblem::Unknown {
                            what: "JSON",
                            value: e.to_string(),
                        },
                    )
                })
            })
            .transpose()
        };
        Ok(AuditEntry {
            id: r.get("id")?,
            at: r.get("at")?,
            user_id: r.get("user_id")?,
            user_name: r.take("user_name")?,
            action: r.take("action")?,
            target: r.take("target")?,
            before: json(&mut r, "before")?,
            after: json(&mut r, "after")?,
        })
    }
}

const USER_COLUMNS: &str = "id, name, password_hash, role, scope, active, created_at";

impl Store {
    /// Appends to the audit log (for changes made outside the store: an upload, a
    /// login). Inside a store method the entry is written in the change's transaction.
    pub fn record_audit(
        &mut self,
        actor: &Actor,
        action: &str,
        target: &str,
        before: Option<&Json>,
        after: Option<&Json>,
    ) -> Result<(), StoreError> {
        self.conn.exec(
            "INSERT INTO audit_log (at, user_id, user_name, action, target, before, after)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                now().into(),
                actor.user_id.into(),
                actor.name.as_str().into(),
                action.into(),
                target.into(),
                before.map(Json::to_string).into(),
                after.map(Json::to_string).into(),
            ],
        )?;
        Ok(())
    }

    /// The audit log, newest first: at most `limit` entries older than `before_id`
    /// (all when `None`).
    pub fn audit_log(
        &mut self,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.conn.query_as(
            "SELECT id, at, user_id, user_name, action, target, before, after FROM audit_log
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
            &[before_id.unwrap_or(i64::MAX).into(), limit.into()],
        )
    }

    pub fn user_count(&mut self) -> Result<i64, StoreError> {
        self.conn
            .query_value("SELECT COUNT(*) AS n FROM users", &[], "n")
    }

    /// Creates a user; a name already taken is [`StoreError::Conflict`].
    pub fn create_user(
        &mut self,
        name: &str,
        password_hash: &str,
        role: Role,
        scope: &Scope,
        actor: &Actor,
    ) -> Result<User, StoreError> {
        self.in_transaction(|store| {
            if store.user_by_name(name)?.is_some() {
                return Err(StoreError::Conflict(format!("用户名“{name}”已被使用")));
            }
            let id: i64 = store.conn.query_value(
                "INSERT INTO users (name, password_hash, role, scope, active, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    name.into(),
                    password_hash.into(),
                    role.into(),
                    scope.to_stored().into(),
                    true.into(),
                    now().into(),
                ],
                "id",
            )?;
            let user = store
                .user(id)?
                .ok_or_else(|| StoreError::Query("新用户写入后读不到".into()))?;
            store.record_audit(
                actor,
                "user.create",
                &format!("user:{id}"),
                None,
                Some(&user.audited()),
            )?;
            Ok(user)
        })
    }

    pub fn user(&mut self, id: i64) -> Result<Option<User>, StoreError> {
        Ok(self
            .conn
            .query_as(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
                &[id.into()],
            )?
            .pop())
    }

    pub fn user_by_name(&mut self, name: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .conn
            .query_as(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE name = $1"),
                &[name.into()],
            )?
            .pop())
    }

    pub fn users(&mut self) -> Result<Vec<User>, StoreError> {
        self.conn.query_as(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"),
            &[],
        )
    }

    /// Changes a user's role, scope and whether they may log in. Deactivating a user
    /// ends their sessions. The last active administrator can be neither demoted nor
    /// deactivated ([`StoreError::Conflict`]): no one could manage users after that.
    pub fn update_user(
        &mut self,
        id: i64,
        role: Role,
        scope: &Scope,
        active: bool,
        actor: &Actor,
    ) -> Result<User, StoreError> {
        self.in_transaction(|store| {
            let before = store
                .user(id)?
                .ok_or_else(|| StoreError::NotFound(format!("没有编号为 {id} 的用户")))?;
            let was_admin = before.active && before.role == Role::Admin;
            if was_admin && !(active && role == Role::Admin) {
                // Counted inside the write transaction, so two administrators demoting
                // each other at once cannot both succeed.
                let others: i64 = store.conn.query_value(
                    "SELECT COUNT(*) AS n FROM users WHERE role = $1 AND active AND id <> $2",
                    &[Role::Admin.into(), id.into()],
                    "n",
                )?;
                if others == 0 {
                    return Err(StoreError::Conflict(format!(
                        "“{}”是最后一位启用的管理员，不能停用或改为其他角色；请先让另一位用户成为管理员",
                        before.name
                    )));
                }
            }
            store.conn.exec(
                "UPDATE users SET role = $1, scope = $2, active = $3 WHERE id = $4",
                &[
                    role.into(),
                    scope.to_stored().into(),
                    active.into(),
                    id.into(),
                ],
            )?;
            if !active {
                store
                    .conn
                    .exec("DELETE FROM sessions WHERE user_id = $1", &[id.into()])?;
            }
            let after = store
                .user(id)?
                .ok_or_else(|| StoreError::NotFound(format!("没有编号为 {id} 的用户")))?;
            store.record_audit(
                actor,
                "user.update",
                &format!("user:{id}"),
                Some(&before.audited()),
                Some(&after.audited()),
            )?;
            Ok(after)
        })
    }

    /// Sets a user's password hash and ends their other sessions.
    pub fn set_password(
        &mut self,
        id: i64,
        password_hash: &str,
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
            store
                .conn
                .exec("DELETE FROM sessions WHERE user_id = $1", &[id.into()])?;
            store.record_audit(actor, "user.password", &format!("user:{id}"), None, None)
        })
    }

    /// Starts a session (the token's digest is stored, never the token).
    pub fn create_session(
        &mut self,
        token_digest: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.conn.exec(
            "INSERT INTO sessions (token_digest, user_id, csrf, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                token_digest.into(),
                user_id.into(),
                csrf.into(),
                now().into(),
                expires_at.into(),
            ],
        )?;
        Ok(())
    }

    /// The active user of an unexpired session, with the session's CSRF token.
    pub fn session(
        &mut self,
        token_digest: &str,
        at: i64,
    ) -> Result<Option<(User, String)>, StoreError> {
        let mut rows = self.conn.query(
            "SELECT u.id, u.name, u.password_hash, u.role, u.scope, u.active, u.created_at, s.csrf
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_digest = $1 AND s.expires_at > $2 AND u.active",
            &[token_digest.into(), at.into()],
        )?;
        let Some(mut row) = rows.pop() else {
            return Ok(None);
        };
        let csrf: String = row.take("csrf")?;
        Ok(Some((User::from_row(row)?, csrf)))
    }

    pub fn end_session(&mut self, token_digest: &str) -> Result<(), StoreError> {
        self.conn.exec(
            "DELETE FROM sessions WHERE token_digest = $1",
            &[token_digest.into()],
        )?;
        Ok(())
    }

    /// Records a decision (decisions are never changed: a new one supersedes).
    pub fn record_decision(&mut self, d: &NewDecision, actor: &Actor) -> Result<i64, StoreError> {
        let user_id = actor
            .user_id
            .ok_or_else(|| StoreError::Query("审核结论须由用户作出".into()))?;
        self.in_transaction(|store| {
            let id: i64 = store.conn.query_value(
                "INSERT INTO decisions (agency_id, year, finding_key, rule, report_id, verdict,
                   comment, user_id, decided_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    d.agency_id.into(),
                    d.year.into(),
                    d.finding_key.as_str().into(),
                    d.rule.as_str().into(),
                    d.report_id.into(),
                    d.verdict.into(),
                    d.comment.as_str().into(),
                    user_id.into(),
                    now().into(),
                ],
                "id",
            )?;
            store.record_audit(
                actor,
                "decision.record",
                &format!("report:{}", d.report_id),
                None,
                Some(&json!({
                    "agency_id": d.agency_id, "year": d.year, "rule": d.rule,
                    "finding_key": d.finding_key, "verdict": d.verdict.key(), "comment": d.comment,
                })),
            )?;
            Ok(id)
        })
    }

    /// Every decision on an agency's reports of a year, oldest first: the current one
    /// for a finding is the last with its key.
    pub fn decisions(&mut self, agency_id: i64, year: i32) -> Result<Vec<Decision>, StoreError> {
        self.conn.query_as(
            "SELECT d.id, d.agency_id, d.year, d.finding_key, d.rule, d.report_id, d.verdict,
                    d.comment, d.user_id, u.name AS user_name, d.decided_at
             FROM decisions d JOIN users u ON u.id = d.user_id
             WHERE d.agency_id = $1 AND d.year = $2 ORDER BY d.id",
            &[agency_id.into(), year.into()],
        )
    }
}

/// An API token as listed (never the token itself: only its digest is stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl FromRow for ApiToken {
    fn from_row(mut r: Row) -> Result<ApiToken, StoreError> {
        Ok(ApiToken {
            id: r.get("id")?,
            user_id: r.get("user_id")?,
            label: r.take("label")?,
            created_at: r.get("created_at")?,
            revoked_at: r.get("revoked_at")?,
        })
    }
}

impl Store {
    /// Records a new API token of `user_id` by its digest.
    pub fn create_api_token(
        &mut self,
        user_id: i64,
        label: &str,
        token_digest: &str,
        actor: &Actor,
    ) -> Result<ApiToken, StoreError> {
        self.in_transaction(|store| {
            let id: i64 = store.conn.query_value(
                "INSERT INTO api_tokens (token_digest, user_id, label, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[
                    token_digest.into(),
                    user_id.into(),
                    label.into(),
                    now().into(),
                ],
                "id",
            )?;
            store.record_audit(
                actor,
                "token.create",
                &format!("user:{user_id}"),
                None,
                Some(&json!({"token_id": id, "label": label})),
            )?;
            Ok(ApiToken {
                id,
                user_id,
                label: label.to_string(),
                created_at: now(),
                revoked_at: None,
            })
        })
    }

    /// The active user an unrevoked API token belongs to.
    pub fn api_token_user(&mut self, token_digest: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .conn
            .query_as(
                "SELECT u.id, u.name, u.password_hash, u.role, u.scope, u.active, u.created_at
                 FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_digest = $1 AND t.revoked_at IS NULL AND u.active",
                &[token_digest.into()],
            )?
            .pop())
    }

    /// A user's API tokens, newest first.
    pub fn api_tokens(&mut self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        self.conn.query_as(
            "SELECT id, user_id, label, created_at, revoked_at FROM api_tokens
             WHERE user_id = $1 ORDER BY id DESC",
            &[user_id.into()],
        )
    }

    /// Revokes a token of `user_id` (an administrator may pass the owner's id).
    pub fn revoke_api_token(
        &mut self,
        user_id: i64,
        token_id: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        self.in_transaction(|store| {
            let changed = store.conn.exec(
                "UPDATE api_tokens SET revoked_at = $1
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                &[now().into(), token_id.into(), user_id.into()],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!(
                    "没有编号为 {token_id} 的有效令牌"
                )));
            }
            store.record_audit(
                actor,
                "token.revoke",
                &format!("user:{user_id}"),
                Some(&json!({"token_id": token_id})),
                None,
            )
        })
    }

    /// Forgets expired sessions.
    pub fn end_expired_sessions(&mut self, at: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .exec("DELETE FROM sessions WHERE expires_at <= $1", &[at.into()])? as usize)
    }
}
