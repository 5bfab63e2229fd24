//! The rules, one module per family. Each module defines its rules' [`crate::RuleInfo`]
//! statics next to the functions that implement them; `registry.rs` lists them all.

pub(crate) mod arith;
pub(crate) mod body;
pub(crate) mod corpus;
pub(crate) mod doubts;
pub(crate) mod structure;
pub(crate) mod values;
