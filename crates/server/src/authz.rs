//! Who may do what, where: one policy for every page and API route.
//!
//! A route names its [`Action`] and what it acts on ([`Target`]); [`authorize`] answers
//! from the user's [`Role`] and [`Scope`]. Nothing else in the server decides access,
//! so the authorisation test can walk every route × role × scope against this table.
//!
//! | 角色 role | 范围 scope | may |
//! |---|---|---|
//! | 管理员 admin | everywhere | everything |
//! | 审核人员 reviewer | regions (or everywhere) | read, upload, decide, export, coverage, read ledgers — in scope |
//! | 机关人员 agency staff | one agency | read its reports and findings, upload its reports, read and keep its ledger; no decisions |
//! | 只读用户 viewer | regions (or everywhere) | read and export, in scope; no ledgers (they name applicants) |
//!
//! A report whose agency could not be placed (no region code) is in no region: only
//! users whose scope is everywhere see it — scope is never guessed.

use serde::Serialize;

pub use gongkai_model::access::{Role, Scope};

/// The user a request acts for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

/// What a route does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Lists, report views, findings, history, compare, metrics.
    Read,
    /// Exports of reports (XLSX/CSV/JSONL).
    Export,
    /// Upload files to be read into the corpus.
    Upload,
    /// Confirm or dismiss a finding.
    Decide,
    /// Coverage and consolidation of a region.
    ReadRegion,
    /// Users, roles, scopes, API tokens of others.
    ManageUsers,
    /// The agency mapping (names, regions, levels) of the whole corpus.
    ManageMapping,
    /// The audit log.
    ReadAudit,
    /// An agency's request ledger, its tables and report draft (applicants' names: not
    /// for read-only users).
    ReadLedger,
    /// Change an agency's ledger, its report's text, and make the report final: the
    /// agency's own staff (and administrators) only.
    EditLedger,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Read,
        Action::Export,
        Action::Upload,
        Action::Decide,
        Action::ReadRegion,
        Action::ManageUsers,
        Action::ManageMapping,
        Action::ReadAudit,
        Action::ReadLedger,
        Action::EditLedger,
    ];
}

/// What an action is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// Nothing in particular (a list filtered to the scope afterwards, the user list).
    Anything,
    /// A report, by its agency and the agency's unit.
    Report {
        agency_id: Option<i64>,
        region_code: Option<&'a str>,
    },
    /// A region, by code.
    Region(&'a str),
}

/// Why not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Denied {
    /// The role never may (HTTP 403).
    #[error("当前角色无权进行此操作")]
    Role,
    /// The role may, but not here (HTTP 403; lists simply leave such items out).
    #[error("不在您的负责范围内")]
    Scope,
}

/// The policy.
pub fn authorize(user: &Principal, action: Action, target: Target<'_>) -> Result<(), Denied> {
    let role_may = match user.role {
        Role::Admin => true,
        Role::Reviewer => matches!(
            action,
            Action::Read
                | Action::Export
                | Action::Upload
                | Action::Decide
                | Action::ReadRegion
                | Action::ReadLedger
        ),
        Role::AgencyStaff => matches!(
            action,
            Action::Read | Action::Upload | Action::ReadLedger | Action::EditLedger
        ),
        Role::Viewer => matches!(action, Action::Read | Action::Export | Action::ReadRegion),
    };
    if !role_may {
        return Err(Denied::Role);
    }
    let in_scope = match target {
        Target::Anything => true,
        Target::Report {
            agency_id,
            region_code,
        } => user.scope.covers(agency_id, region_code),
        Target::Region(code) => user.scope.covers_region(code),
    };
    if in_scope {
        Ok(())
    } else {
        Err(Denied::Scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 1,
            name: "测试".into(),
            role,
            scope,
        }
    }

    const XINXIANG: Target<'static> = Target::Report {
        agency_id: Some(7),
        region_code: Some("410782"),
    };
    const LUOYANG: Target<'static> = Target::Report {
        agency_id: Some(8),
        region_code: Some("410304"),
    };
    const UNPLACED: Target<'static> = Target::Report {
        agency_id: Some(9),
        region_code: None,
    };

    /// The whole table: every role × action × target, written out.
    #[test]
    fn the_policy_table() {
        use Action::*;
        let admin = user(Role::Admin, Scope::Everywhere);
        let reviewer = user(Role::Reviewer, Scope::Regions(vec!["4107".into()]));
        let staff = user(Role::AgencyStaff, Scope::Agency(7));
        let viewer = user(Role::Viewer, Scope::Regions(vec!["41".into()]));
        // (user, action, target, expected)
        let cases: Vec<(&Principal, Action, Target, Result<(), Denied>)> = vec![
            (&admin, ManageUsers, Target::Anything, Ok(())),
            (&admin, Decide, UNPLACED, Ok(())),
            (&admin, ReadAudit, Target::Anything, Ok(())),
            (&reviewer, Read, XINXIANG, Ok(())),
            (&reviewer, Decide, XINXIANG, Ok(())),
            (&reviewer, Decide, LUOYANG, Err(Denied::Scope)),
            (&reviewer, Read, UNPLACED, Err(Denied::Scope)),
            (&reviewer, ReadRegion, Target::Region("4107"), Ok(())),
            (&reviewer, ReadRegion, Target::Region("410782"), Ok(())),
            (
                &reviewer,
                ReadRegion,
                Target::Region("41"),
                Err(Denied::Scope),
            ),
            (&reviewer, ManageUsers, Target::Anything, Err(Denied::Role)),
            (
                &reviewer,
                ManageMapping,
                Target::Anything,
                Err(Denied::Role),
            ),
            (&reviewer, ReadAudit, Target::Anything, Err(Denied::Role)),
            (&staff, Read, XINXIANG, Ok(())),
            (&staff, Read, LUOYANG, Err(Denied::Scope)),
            (&staff, Upload, Target::Anything, Ok(())),
            (&staff, Decide, XINXIANG, Err(Denied::Role)),
            (&staff, Export, XINXIANG, Err(Denied::Role)),
            (
                &staff,
                ReadRegion,
                Target::Region("4107"),
                Err(Denied::Role),
            ),
            (&viewer, Read, LUOYANG, Ok(())),
            (&viewer, Export, LUOYANG, Ok(())),
            (&viewer, Decide, LUOYANG, Err(Denied::Role)),
            (&viewer, Upload, Target::Anything, Err(Denied::Role)),
            (&viewer, Read, UNPLACED, Err(Denied::Scope)),
            (&admin, EditLedger, LUOYANG, Ok(())),
            (&reviewer, ReadLedger, XINXIANG, Ok(())),
            (&reviewer, ReadLedger, LUOYANG, Err(Denied::Scope)),
            (&reviewer, EditLedger, XINXIANG, Err(Denied::Role)),
            (&staff, ReadLedger, XINXIANG, Ok(())),
            (&staff, EditLedger, XINXIANG, Ok(())),
            (&staff, EditLedger, LUOYANG, Err(Denied::Scope)),
            (&viewer, ReadLedger, LUOYANG, Err(Denied::Role)),
        ];
        for (u, action, target, expected) in cases {
            assert_eq!(
                authorize(u, action, target),
                expected,
                "{:?} {action:?} {target:?}",
                u.role
            );
        }
    }

    /// Only administrators ever manage users, the mapping or read the audit log, in
    /// any scope.
    #[test]
    fn administration_is_the_administrators_alone() {
        for role in Role::ALL {
            for scope in [
                Scope::Everywhere,
                Scope::Regions(vec!["41".into()]),
                Scope::Agency(1),
            ] {
                let u = user(role, scope);
                for action in [
                    Action::ManageUsers,
                    Action::ManageMapping,
                    Action::ReadAudit,
                ] {
                    assert_eq!(
                        authorize(&u, action, Target::Anything).is_ok(),
                        role == Role::Admin,
                        "{role:?} {action:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn region_scope_is_a_code_prefix() {
        let s = Scope::Regions(vec!["4107".into(), "130534".into()]);
        assert!(s.covers(None, Some("410782101")));
        assert!(s.covers(None, Some("130534")));
        assert!(!s.covers(None, Some("4103")));
        assert!(!s.covers(Some(1), None));
        assert!(Scope::Everywhere.covers(None, None));
        assert!(!Scope::Agency(3).covers_region("41"));
    }
}
