//! Access and review in the workspace, as plain data: what a user is ([`Role`]), where
//! they may act ([`Scope`]), and what a reviewer decided about a finding
//! ([`Verdict`]). The policy that uses them is the server's (`gongkai_server::authz`);
//! the database stores them by their keys.

use serde::{Deserialize, Serialize};

/// What a user is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Reviewer,
    AgencyStaff,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Reviewer, Role::AgencyStaff, Role::Viewer];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::AgencyStaff => "agency_staff",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Chinese, as the pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Reviewer => "审核人员",
            Role::AgencyStaff => "机关人员",
            Role::Viewer => "只读用户",
        }
    }
}

/// Where a user may act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Scope {
    /// The whole corpus, unplaced agencies included.
    Everywhere,
    /// These gazetteer units and everything below them (codes: "4107" is 新乡市).
    Regions(Vec<String>),
    /// One agency (its corpus id).
    Agency(i64),
}

impl Scope {
    /// Whether a report of this agency, placed at this unit, is in scope.
    pub fn covers(&self, agency_id: Option<i64>, region_code: Option<&str>) -> bool {
        match self {
            Scope::Everywhere => true,
            Scope::Regions(roots) => region_code
                .is_some_and(|code| roots.iter().any(|root| code.starts_with(root.as_str()))),
            Scope::Agency(id) => agency_id == Some(*id),
        }
    }

    /// Whether a whole region (a coverage page, a consolidation) is in scope.
    pub fn covers_region(&self, code: &str) -> bool {
        match self {
            Scope::Everywhere => true,
            Scope::Regions(roots) => roots.iter().any(|root| code.starts_with(root.as_str())),
            Scope::Agency(_) => false,
        }
    }
}

impl Scope {
    /// The stored form: `everywhere`, `regions:4107,130534`, `agency:12`.
    pub fn to_stored(&self) -> String {
        match self {
            Scope::Everywhere => "everywhere".to_string(),
            Scope::Regions(codes) => format!("regions:{}", codes.join(",")),
            Scope::Agency(id) => format!("agency:{id}"),
        }
    }

    /// Reads the stored form; `None` for anything else (a region code that is not
    /// digits, an empty region list).
    pub fn from_stored(s: &str) -> Option<Scope> {
        if s == "everywhere" {
            return Some(Scope::Everywhere);
        }
        if let Some(list) = s.strip_prefix("regions:") {
            let codes: Vec<String> = list.split(',').map(str::to_string).collect();
            let valid = codes
                .iter()
                .all(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()));
            return valid.then_some(Scope::Regions(codes));
        }
        s.strip_prefix("agency:")?.parse().ok().map(Scope::Agency)
    }
}

/// What a reviewer decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The finding is right: the report must be corrected.
    Confirmed,
    /// The finding does not hold (explained in the comment).
    Dismissed,
}

impl Verdict {
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Dismissed => "dismissed",
        }
    }

    pub fn from_key(key: &str) -> Option<Verdict> {
        [Verdict::Confirmed, Verdict::Dismissed]
            .into_iter()
            .find(|v| v.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Confirmed => "确认",
            Verdict::Dismissed => "驳回",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        for s in [
            Scope::Everywhere,
            Scope::Regions(vec!["4107".into(), "130534".into()]),
            Scope::Agency(12),
        ] {
            assert_eq!(Scope::from_stored(&s.to_stored()), Some(s));
        }
        assert_eq!(Scope::from_stored("regions:"), None);
        assert_eq!(Scope::from_stored("regions:41,x"), None);
        assert_eq!(Scope::from_stored("agency:x"), None);
        for r in Role::ALL {
            assert_eq!(Role::from_key(r.key()), Some(r));
        }
        for v in [Verdict::Confirmed, Verdict::Dismissed] {
            assert_eq!(Verdict::from_key(v.key()), Some(v));
        }
    }
}
