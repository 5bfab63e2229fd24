//! Logging in and out; sessions, CSRF and API tokens.

mod common;

use axum::http::StatusCode;
use common::{TestApp, PASSWORD};
use gongkai_model::access::{Role, Scope};

#[tokio::test]
async fn login_logout_and_csrf() {
    let t = TestApp::new();
    t.add_user("审核员甲", Role::Reviewer, Scope::Everywhere);
    // Wrong password: 401 with the login form again.
    let a = t
        .post_form(
            "/login",
            None,
            &[("name", "审核员甲"), ("password", "错的密码错的密码")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.text().contains("用户名或密码错误"));
    // Right password: a session cookie, HttpOnly and SameSite.
    let a = t
        .post_form(
            "/login",
            None,
            &[("name", "审核员甲"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let cookie = a.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let s = t.login("审核员甲").await;
    // Logout without the CSRF token is refused and the session lives on.
    let no_csrf = common::Session {
        csrf: "0".repeat(64),
        ..s.clone()
    };
    let a = t.post_form("/logout", Some(&no_csrf), &[]).await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf"))
    );
    let a = t.post_form("/logout", Some(&s), &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    // The session is over.
    let a = t.post_form("/logout", Some(&s), &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers["location"], "/login");
}

#[tokio::test]
async fn the_sixth_wrong_password_is_refused_even_if_right() {
    let t = TestApp::new();
    t.add_user("审核员乙", Role::Reviewer, Scope::Everywhere);
    for _ in 0..5 {
        let a = t
            .post_form(
                "/login",
                None,
                &[("name", "审核员乙"), ("password", "猜一猜猜一猜猜一猜")],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = t
        .post_form(
            "/login",
            None,
            &[("name", "审核员乙"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        a.text().contains("尝试次数过多，请 15 分钟后再试"),
        "{}",
        a.text()
    );
    // Every attempt is in the audit log.
    let mut store = t.state.db.connect().unwrap();
    let log = store.audit_log(None, 100).unwrap();
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "session.login_failed")
            .count(),
        5
    );
}
