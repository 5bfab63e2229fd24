//! The reviewers' web workspace: users with roles and scopes, decisions on findings,
//! an audit log, and the pages and REST API over the corpus database.
//!
//! - [`authz`]: the one access policy every route asks.
//! - [`auth`]: passwords, tokens, the login limiter.
//! - [`view`]: HTML of what the pages show (the official tables, cells marked).
//! - [`decisions`]: reviewers' verdicts and the identity of a finding across versions.

pub mod auth;
pub mod authz;
pub mod decisions;
pub mod error;
pub mod layout;
pub mod view;
