//! Login attempts are limited per account and per client address: after
//! [`MAX_FAILURES`] failures within [`WINDOW`], further attempts are refused until the
//! window has passed — whether or not the password would be right, so that guessing
//! gains nothing. Kept in memory: a restart clears it, which costs an attacker a
//! restart of the server per window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failures by key (`user:NAME`, `ip:ADDR`).
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// `Err(wait)` when any of `keys` is locked, with the time until it is not.
    pub fn check(&self, keys: &[String], now: Instant) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                times.retain(|&t| now.saturating_duration_since(t) < WINDOW);
                if times.len() >= MAX_FAILURES {
                    let oldest = times[times.len() - MAX_FAILURES];
                    wait = wait.max(WINDOW.saturating_sub(now.saturating_duration_since(oldest)));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait)
        }
    }

    pub fn failed(&self, keys: &[String], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded memory: forget keys whose failures are all outside the window.
        if failures.len() > 100_000 {
            failures.retain(|_, times| {
                times
                    .iter()
                    .any(|&t| now.saturating_duration_since(t) < WINDOW)
            });
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push(now);
        }
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn succeeded(&self, user_key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(user_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_for_the_window() {
        let l = LoginLimiter::default();
        let keys = vec!["user:甲".to_string(), "ip:10.0.0.1".to_string()];
        let t0 = Instant::now();
        for i in 0..MAX_FAILURES {
            assert!(l.check(&keys, t0 + Duration::from_secs(i as u64)).is_ok());
            l.failed(&keys, t0 + Duration::from_secs(i as u64));
        }
        let wait = l.check(&keys, t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, WINDOW - Duration::from_secs(10));
        // Another account from the same address is locked too; another address for
        // another account is not.
        assert!(l
            .check(
                &["user:乙".into(), "ip:10.0.0.1".into()],
                t0 + Duration::from_secs(10)
            )
            .is_err());
        assert!(l
            .check(
                &["user:乙".into(), "ip:10.0.0.2".into()],
                t0 + Duration::from_secs(10)
            )
            .is_ok());
        // After the window, free again.
        assert!(l.check(&keys, t0 + WINDOW + Duration::from_secs(5)).is_ok());
    }
}
