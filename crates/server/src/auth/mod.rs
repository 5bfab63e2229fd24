//! Credentials: password hashes, session and API tokens, CSRF tokens, and the limit
//! on login attempts. Nothing here touches the database or HTTP.

pub mod password;
pub mod ratelimit;
pub mod session;
pub mod token;
