//! Passwords are stored as argon2id PHC strings (`$argon2id$v=19$…`), salted per user.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 10;

/// Why a password was refused or could not be hashed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要 {MIN_LENGTH} 个字符")]
    TooShort,
    #[error("密码不能与用户名相同")]
    SameAsName,
    #[error("无法计算密码散列：{0}")]
    Hash(String),
}

/// Whether a new password may be used.
pub fn acceptable(name: &str, password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if password == name {
        return Err(PasswordError::SameAsName);
    }
    Ok(())
}

/// The PHC string to store.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC string. A stored string that does not
/// parse matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A stored hash to verify against when the user does not exist, so that a login for
/// an unknown name takes as long as one with a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("gongkai-no-such-user").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterx", &a));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify("", ""));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(acceptable("审核员", "短密码"), Err(PasswordError::TooShort));
        assert_eq!(
            acceptable("reviewer01", "reviewer01"),
            Err(PasswordError::SameAsName)
        );
        assert_eq!(acceptable("审核员", "一二三四五六七八九十"), Ok(()));
    }
}
