//! Administration and one's own account: users, roles and scopes, the last
//! administrator, passwords, API tokens, the audit log and its exports, agencies'
//! places — each refused to every role but the administrators', each change audited.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{Answer, Session, TestApp, PASSWORD};
use gongkai_model::access::{Role, Scope};
use gongkai_store::{AuditEntry, Filter};
use serde_json::{json, Value};

async fn send_json(t: &TestApp, method: Method, path: &str, s: &Session, body: Value) -> Answer {
    t.send(
        TestApp::request(method, path, Some(s))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn delete(t: &TestApp, path: &str, s: &Session) -> Answer {
    t.send(
        TestApp::request(Method::DELETE, path, Some(s))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A request with an API token (no cookie, no CSRF token).
async fn bearer(
    t: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    };
    t.send(req.unwrap()).await
}

/// Logs in through the API with a password other than the test one.
async fn login_with(t: &TestApp, name: &str, password: &str) -> Answer {
    t.send(
        Request::post("/api/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"name": name, "password": password}).to_string(),
            ))
            .unwrap(),
    )
    .await
}

fn log(t: &TestApp) -> Vec<AuditEntry> {
    t.state.db.connect().unwrap().audit_log(None, 1000).unwrap()
}

fn code(a: &Answer) -> String {
    a.json()["error"]["code"].as_str().unwrap_or("").to_string()
}

fn message(a: &Answer) -> String {
    a.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The secret shown once on a page (`<code class="secret-value">…</code>`).
fn secret_on_page(html: &str) -> String {
    let start = html
        .find("<code class=\"secret-value\">")
        .expect("a secret on the page")
        + "<code class=\"secret-value\">".len();
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn only_administrators_reach_administration() {
    let t = TestApp::new();
    let admin = t.add_user("管理员", Role::Admin, Scope::Everywhere);
    t.add_user(
        "审核员",
        Role::Reviewer,
        Scope::Regions(vec!["4107".into()]),
    );
    t.add_user("机关人员", Role::AgencyStaff, Scope::Agency(1));
    t.add_user("只读", Role::Viewer, Scope::Everywhere);
    let users_before = t.state.db.connect().unwrap().users().unwrap();
    let log_before = log(&t).len();

    let pages = [
        "/admin/users".to_string(),
        format!("/admin/users/{admin}"),
        "/admin/audit".into(),
        "/admin/audit.csv".into(),
        "/admin/audit.jsonl".into(),
        "/admin/agencies".into(),
    ];
    let api_gets = [
        "/api/users".to_string(),
        format!("/api/users/{admin}"),
        "/api/audit".into(),
        "/api/audit/export?format=csv".into(),
        "/api/agencies/places".into(),
    ];
    let forms = [
        "/admin/users".to_string(),
        format!("/admin/users/{admin}"),
        format!("/admin/users/{admin}/password"),
        format!("/admin/users/{admin}/tokens/1/revoke"),
        "/admin/agencies/1".into(),
    ];
    let fields = [
        ("name", "闯入者"),
        ("role", "admin"),
        ("scope_kind", "everywhere"),
        ("password", "闯入者的密码0123456"),
        ("region", "320106"),
    ];
    for name in ["审核员", "机关人员", "只读"] {
        let s = t.login(name).await;
        for path in &pages {
            let a = t.get(path, Some(&s)).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{name} GET {path}");
            assert!(a.text().contains("当前角色无权进行此操作"), "{name} {path}");
        }
        for path in &api_gets {
            let a = t.get(path, Some(&s)).await;
            assert_eq!(
                (a.status, code(&a)),
                (StatusCode::FORBIDDEN, "forbidden_role".into()),
                "{name} GET {path}"
            );
        }
        for path in &forms {
            let a = t.post_form(path, Some(&s), &fields).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{name} POST {path}");
            assert!(a.text().contains("当前角色无权进行此操作"), "{name} {path}");
        }
        let api_changes = [
            (
                Method::POST,
                "/api/users".to_string(),
                json!({"name": "闯入者", "role": "admin", "scope": {"kind": "everywhere"}}),
            ),
            (
                Method::PATCH,
                format!("/api/users/{admin}"),
                json!({"active": false}),
            ),
            (
                Method::POST,
                format!("/api/users/{admin}/password"),
                json!({}),
            ),
            (
                Method::DELETE,
                format!("/api/users/{admin}/tokens/1"),
                json!({}),
            ),
            (
                Method::PATCH,
                "/api/agencies/1".into(),
                json!({"region": "320106"}),
            ),
            (
                Method::POST,
                "/api/agencies/mapping".into(),
                json!("名称,地区\n某局,320106\n"),
            ),
        ];
        for (method, path, body) in api_changes {
            let a = send_json(&t, method.clone(), &path, &s, body).await;
            assert_eq!(
                (a.status, code(&a)),
                (StatusCode::FORBIDDEN, "forbidden_role".into()),
                "{name} {method} {path}"
            );
        }
        // Their own account is theirs.
        assert_eq!(t.get("/account", Some(&s)).await.status, StatusCode::OK);
        assert_eq!(
            t.get("/api/account", Some(&s)).await.json()["user"]["name"],
            name
        );
    }
    // Nothing changed: the users as they were, and the log holds only the logins.
    assert_eq!(t.state.db.connect().unwrap().users().unwrap(), users_before);
    let actions: Vec<String> = log(&t)[..log(&t).len() - log_before]
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(actions, ["session.login"; 3]);
    // Without a session: the pages send to the login page, the API answers 401.
    let a = t.get("/admin/users", None).await;
    assert_eq!(
        (a.status, a.headers["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login")
    );
    let a = t.get("/api/users", None).await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
}

#[tokio::test]
async fn changes_without_the_csrf_token_are_refused() {
    let t = TestApp::new();
    let admin = t.add_user("管理员", Role::Admin, Scope::Everywhere);
    let s = t.login("管理员").await;
    let form = |path: &str, body: &str| {
        Request::post(path)
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    for (path, body) in [
        ("/admin/users", "name=x&role=viewer&scope_kind=everywhere"),
        ("/account/tokens", "label=x"),
        ("/admin/agencies/1", "region=320106"),
    ] {
        let a = t.send(form(path, body)).await;
        assert_eq!(
            (a.status, code(&a)),
            (StatusCode::FORBIDDEN, "csrf".into()),
            "{path}"
        );
    }
    let a = t
        .send(
            Request::patch(format!("/api/users/{admin}"))
                .header(header::COOKIE, &s.cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"active": false}"#))
                .unwrap(),
        )
        .await;
    assert_eq!((a.status, code(&a)), (StatusCode::FORBIDDEN, "csrf".into()));
    let mut store = t.state.db.connect().unwrap();
    assert!(store.user_by_name("x").unwrap().is_none());
    assert!(store.user(admin).unwrap().unwrap().active);
    assert!(store.api_tokens(admin).unwrap().is_empty());
}

#[tokio::test]
async fn users_are_created_changed_and_deactivated() {
    let t = TestApp::new();
    t.add_user("管理员", Role::Admin, Scope::Everywhere);
    let s = t.login("管理员").await;
    let pw = "新乡审核的密码-2025";

    // Regions by name or code; a chosen password is not answered.
    let a = t
        .post_json(
            "/api/users",
            Some(&s),
            json!({"name": "新乡审核", "role": "reviewer", "password": pw,
                   "scope": {"kind": "regions", "regions": ["新乡市", "130534"]}}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let created = a.json();
    let id = created["user"]["id"].as_i64().unwrap();
    assert_eq!(created["password"], Value::Null);
    assert_eq!(
        created["user"]["scope"],
        json!({"kind": "regions", "agency_id": null, "agency_name": null,
               "regions": [{"code": "4107", "name": "河南省新乡市"}, {"code": "130534", "name": "河北省邢台市清河县"}],
               "label": "河南省新乡市、河北省邢台市清河县"})
    );
    assert_eq!(login_with(&t, "新乡审核", pw).await.status, StatusCode::OK);

    // Refused, each with its reason.
    let refused = [
        (json!({"name": "甲", "role": "reviewer", "scope": {"kind": "regions", "regions": ["鼓楼区"]}}),
         StatusCode::BAD_REQUEST,
         "地区“鼓楼区”无法使用：“鼓楼区”对应 4 个单位，请写明上级或用区划代码：320106 江苏省南京市鼓楼区；320302 江苏省徐州市鼓楼区；350102 福建省福州市鼓楼区；410204 河南省开封市鼓楼区"),
        (json!({"name": "甲", "role": "reviewer", "password": "短密码", "scope": {"kind": "everywhere"}}),
         StatusCode::BAD_REQUEST, "密码至少需要 10 个字符"),
        (json!({"name": "新乡审核", "role": "viewer", "scope": {"kind": "everywhere"}}),
         StatusCode::CONFLICT, "用户名“新乡审核”已被使用"),
        (json!({"name": "甲", "role": "admin", "scope": {"kind": "regions", "regions": ["4107"]}}),
         StatusCode::BAD_REQUEST, "管理员的范围只能是全部"),
        (json!({"name": "甲", "role": "agency_staff", "scope": {"kind": "agency", "agency_id": 999}}),
         StatusCode::BAD_REQUEST, "没有编号为 999 的机关（见“机关定位”页的全部机关）"),
        (json!({"name": "甲", "role": "viewer", "scope": {"kind": "agency", "agency_id": 1}}),
         StatusCode::BAD_REQUEST, "只有机关人员属于某个机关；审核人员和只读用户的范围是地区或全部"),
        (json!({"name": "  ", "role": "viewer", "scope": {"kind": "everywhere"}}),
         StatusCode::BAD_REQUEST, "请填写用户名"),
        (json!({"name": "甲", "role": "root", "scope": {"kind": "everywhere"}}),
         StatusCode::BAD_REQUEST, "请求内容不是所需的 JSON：unknown variant `root`, expected one of `admin`, `reviewer`, `agency_staff`, `viewer` at line 1 column 27"),
    ];
    for (body, status, expected) in refused {
        let a = t.post_json("/api/users", Some(&s), body.clone()).await;
        assert_eq!(
            (a.status, message(&a)),
            (status, expected.to_string()),
            "{body}"
        );
    }

    // By the form, with a generated password shown once.
    let a = t
        .post_form(
            "/admin/users",
            Some(&s),
            &[
                ("name", "只读甲"),
                ("role", "viewer"),
                ("scope_kind", "everywhere"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let html = a.text();
    assert!(html.contains("已创建用户“只读甲”。初始密码："), "{html}");
    let generated = secret_on_page(&html);
    assert_eq!(generated.chars().count(), 16);
    assert_eq!(
        login_with(&t, "只读甲", &generated).await.status,
        StatusCode::OK
    );
    // The list page shows it; the next visit shows no password.
    let html = t.get("/admin/users", Some(&s)).await.text();
    assert!(
        html.contains("<td>只读甲</td><td>只读用户</td><td>全部</td><td>启用</td>"),
        "{html}"
    );
    assert!(!html.contains(&generated));

    // Deactivated (and made a viewer): their session ends and they cannot log in.
    let theirs = {
        let a = login_with(&t, "新乡审核", pw).await;
        let cookie = a.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        Session {
            cookie,
            csrf: a.json()["csrf"].as_str().unwrap().to_string(),
        }
    };
    assert_eq!(
        t.get("/api/account", Some(&theirs)).await.status,
        StatusCode::OK
    );
    let a = send_json(
        &t,
        Method::PATCH,
        &format!("/api/users/{id}"),
        &s,
        json!({"role": "viewer", "active": false}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(
        (a.json()["role"].clone(), a.json()["active"].clone()),
        (json!("viewer"), json!(false))
    );
    assert_eq!(
        t.get("/api/account", Some(&theirs)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let a = login_with(&t, "新乡审核", pw).await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::UNAUTHORIZED, "bad_credentials".into())
    );
    let e = &log(&t)[0];
    assert_eq!(
        (e.user_name.as_str(), e.action.as_str(), e.target.clone()),
        ("系统", "session.login_failed", "user:新乡审核".to_string())
    );
    let e = log(&t)
        .into_iter()
        .find(|e| e.action == "user.update")
        .unwrap();
    assert_eq!(
        (e.user_name.as_str(), e.target.clone()),
        ("管理员", format!("user:{id}"))
    );
    assert_eq!(
        e.before,
        Some(
            json!({"name": "新乡审核", "role": "reviewer", "scope": "regions:4107,130534", "active": true})
        )
    );
    assert_eq!(
        e.after,
        Some(
            json!({"name": "新乡审核", "role": "viewer", "scope": "regions:4107,130534", "active": false})
        )
    );

    // Back, by the form: a reviewer of 新乡市 only, active.
    let a = t
        .post_form(
            &format!("/admin/users/{id}"),
            Some(&s),
            &[
                ("role", "reviewer"),
                ("scope_kind", "regions"),
                ("regions", "新乡市"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("已保存“新乡审核”的角色、范围和状态"));
    assert_eq!(login_with(&t, "新乡审核", pw).await.status, StatusCode::OK);
    let u = t.state.db.connect().unwrap().user(id).unwrap().unwrap();
    assert_eq!(
        (u.role, u.scope, u.active),
        (Role::Reviewer, Scope::Regions(vec!["4107".into()]), true)
    );
    // An ambiguous region on the form: shown on the page, nothing changed.
    let a = t
        .post_form(
            &format!("/admin/users/{id}"),
            Some(&s),
            &[
                ("role", "reviewer"),
                ("scope_kind", "regions"),
                ("regions", "鼓楼区"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("320106 江苏省南京市鼓楼区"));
    assert!(
        a.text().contains(r#"name="regions" value="鼓楼区""#),
        "kept as typed"
    );
    let u = t.state.db.connect().unwrap().user(id).unwrap().unwrap();
    assert_eq!(u.scope, Scope::Regions(vec!["4107".into()]));

    // A reset: a new generated password, the old one no longer works.
    let a = t
        .post_json(&format!("/api/users/{id}/password"), Some(&s), json!({}))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let new = a.json()["password"].as_str().unwrap().to_string();
    assert_eq!(
        login_with(&t, "新乡审核", &new).await.status,
        StatusCode::OK
    );
    assert_eq!(
        login_with(&t, "新乡审核", pw).await.status,
        StatusCode::UNAUTHORIZED
    );
    let e = log(&t)
        .into_iter()
        .find(|e| e.action == "user.password")
        .unwrap();
    assert_eq!(
        (e.target.clone(), e.before.clone(), e.after.clone()),
        (format!("user:{id}"), None, None)
    );
}

#[tokio::test]
async fn the_last_active_administrator_stays() {
    let t = TestApp::new();
    let me = t.add_user("管理员", Role::Admin, Scope::Everywhere);
    let s = t.login("管理员").await;
    // `admin`, the first administrator, is the other one: deactivate them.
    let first = t
        .state
        .db
        .connect()
        .unwrap()
        .user_by_name("admin")
        .unwrap()
        .unwrap()
        .id;
    let a = send_json(
        &t,
        Method::PATCH,
        &format!("/api/users/{first}"),
        &s,
        json!({"active": false}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    // Now the last: neither deactivated nor demoted, by the API or the form.
    let expected =
        "“管理员”是最后一位启用的管理员，不能停用或改为其他角色；请先让另一位用户成为管理员";
    for change in [
        json!({"active": false}),
        json!({"role": "reviewer", "scope": {"kind": "everywhere"}}),
    ] {
        let a = send_json(&t, Method::PATCH, &format!("/api/users/{me}"), &s, change).await;
        assert_eq!(
            (a.status, code(&a), message(&a)),
            (StatusCode::CONFLICT, "conflict".into(), expected.into())
        );
    }
    let a = t
        .post_form(
            &format!("/admin/users/{me}"),
            Some(&s),
            &[("role", "admin"), ("scope_kind", "everywhere")],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains(expected));
    let u = t.state.db.connect().unwrap().user(me).unwrap().unwrap();
    assert_eq!((u.role, u.active), (Role::Admin, true));
    assert!(log(&t)
        .iter()
        .all(|e| !(e.action == "user.update" && e.target == format!("user:{me}"))));
    // With another active administrator, they may step down.
    send_json(
        &t,
        Method::PATCH,
        &format!("/api/users/{first}"),
        &s,
        json!({"active": true}),
    )
    .await;
    let a = send_json(
        &t,
        Method::PATCH,
        &format!("/api/users/{me}"),
        &s,
        json!({"role": "viewer"}),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["role"].clone()),
        (StatusCode::OK, json!("viewer"))
    );
}

#[tokio::test]
async fn own_password_and_api_tokens() {
    let t = TestApp::new();
    let me = t.add_user(
        "审核员",
        Role::Reviewer,
        Scope::Regions(vec!["4107".into()]),
    );
    t.add_user("管理员", Role::Admin, Scope::Everywhere);
    let here = t.login("审核员").await;
    let elsewhere = t.login("审核员").await;
    let new = "新的密码-0123456789";

    let a = t
        .post_json(
            "/api/account/password",
            Some(&here),
            json!({"current": "不对的密码0123", "new": new}),
        )
        .await;
    assert_eq!(
        (a.status, message(&a)),
        (StatusCode::BAD_REQUEST, "当前密码不正确".into())
    );
    let a = t
        .post_json(
            "/api/account/password",
            Some(&here),
            json!({"current": PASSWORD, "new": "短"}),
        )
        .await;
    assert_eq!(
        (a.status, message(&a)),
        (StatusCode::BAD_REQUEST, "密码至少需要 10 个字符".into())
    );
    let a = t
        .post_form(
            "/account/password",
            Some(&here),
            &[
                ("current", PASSWORD),
                ("new", new),
                ("confirm", "另一个密码0123456"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("两次输入的新密码不一致"));
    let a = t
        .post_form(
            "/account/password",
            Some(&here),
            &[("current", PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("密码已修改；您在其他地方的登录已结束"));
    // This session goes on, the other has ended; the new password logs in.
    assert_eq!(
        t.get("/api/account", Some(&here)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get("/api/account", Some(&elsewhere)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(login_with(&t, "审核员", new).await.status, StatusCode::OK);
    let e = &log(&t)
        .into_iter()
        .find(|e| e.action == "user.password")
        .unwrap();
    assert_eq!(
        (e.target.clone(), e.after.clone()),
        (format!("user:{me}"), Some(json!({"own": true})))
    );

    // A token: shown once, stored as its SHA-256, works as Bearer without CSRF.
    let a = t
        .post_json("/api/tokens", Some(&here), json!({"label": "每日导出"}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let token = a.json()["token"].as_str().unwrap().to_string();
    let token_id = a.json()["id"].as_i64().unwrap();
    assert_eq!(token.len(), 64);
    let stored: Vec<String> = t
        .state
        .db
        .connect()
        .unwrap()
        .query("SELECT token_digest FROM api_tokens", &[])
        .unwrap()
        .iter()
        .map(|r| r.get("token_digest").unwrap())
        .collect();
    assert_eq!(stored, [gongkai_server::auth::token::digest(&token)]);
    let a = bearer(&t, Method::GET, "/api/tokens", &token, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let listed = a.json();
    assert_eq!(
        (listed[0]["label"].clone(), listed[0]["revoked_at"].clone()),
        (json!("每日导出"), Value::Null)
    );
    assert!(listed[0].get("token").is_none());
    let a = bearer(
        &t,
        Method::POST,
        "/api/tokens",
        &token,
        Some(json!({"label": "第二个"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let second = a.json()["token"].as_str().unwrap().to_string();
    // A token acts as its user: a reviewer's token is refused administration.
    let a = bearer(&t, Method::GET, "/api/users", &token, None).await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    // Someone else's token cannot be revoked through one's own account.
    let admin_session = t.login("管理员").await;
    let admins = t
        .post_json(
            "/api/tokens",
            Some(&admin_session),
            json!({"label": "管理"}),
        )
        .await
        .json();
    let a = delete(&t, &format!("/api/tokens/{}", admins["id"]), &here).await;
    assert_eq!(
        (a.status, message(&a)),
        (
            StatusCode::NOT_FOUND,
            format!("没有编号为 {} 的有效令牌", admins["id"])
        )
    );
    // Revoked: 401 from then on; the other token still works.
    let a = delete(&t, &format!("/api/tokens/{token_id}"), &here).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::OK, json!({"revoked": token_id}))
    );
    let a = bearer(&t, Method::GET, "/api/account", &token, None).await;
    assert_eq!(
        (a.status, code(&a)),
        (StatusCode::UNAUTHORIZED, "unauthenticated".into())
    );
    assert_eq!(
        bearer(&t, Method::GET, "/api/account", &second, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        delete(&t, &format!("/api/tokens/{token_id}"), &here)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // By the page: created (shown once) and revoked.
    let a = t
        .post_form("/account/tokens", Some(&here), &[("label", "页面上建的")])
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let third = secret_on_page(&a.text());
    assert_eq!(
        bearer(&t, Method::GET, "/api/account", &third, None)
            .await
            .status,
        StatusCode::OK
    );
    let id3 = t.state.db.connect().unwrap().api_tokens(me).unwrap()[0].id;
    let a = t
        .post_form(&format!("/account/tokens/{id3}/revoke"), Some(&here), &[])
        .await;
    assert!(a.text().contains(&format!("已撤销令牌 {id3}")));
    assert_eq!(
        bearer(&t, Method::GET, "/api/account", &third, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let a = t
        .post_form("/account/tokens", Some(&here), &[("label", " ")])
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // An administrator revokes the second; a deactivated user's tokens stop working.
    let a = delete(
        &t,
        &format!("/api/users/{me}/tokens/{}", token_id + 1),
        &admin_session,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        bearer(&t, Method::GET, "/api/account", &second, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let admin_token = admins["token"].as_str().unwrap();
    let a = bearer(
        &t,
        Method::PATCH,
        &format!("/api/users/{me}"),
        admin_token,
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    // The log names every token by id, never the token.
    let actions: Vec<(String, String)> = log(&t)
        .iter()
        .filter(|e| e.action.starts_with("token."))
        .map(|e| (e.action.clone(), e.target.clone()))
        .collect();
    assert_eq!(actions.len(), 7, "{actions:?}");
    let text = format!("{:?}", log(&t));
    for secret in [&token, &second, &third] {
        assert!(!text.contains(secret.as_str()));
    }
}

#[tokio::test]
async fn the_audit_log_filters_pages_exports_and_escapes() {
    let t = TestApp::new();
    t.add_user("管理员", Role::Admin, Scope::Everywhere);
    let s = t.login("管理员").await;
    let typed = "键入的密码-0123456789";
    for name in ["<script>alert(1)</script>", "王\"五\",六"] {
        let a = t
            .post_json("/api/users", Some(&s), json!({"name": name, "role": "viewer", "scope": {"kind": "everywhere"}, "password": typed}))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    }
    let token = t
        .post_json("/api/tokens", Some(&s), json!({"label": "导出"}))
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();

    // The page: names escaped, changes readable.
    let a = t.get("/admin/audit", Some(&s)).await;
    assert_eq!(a.status, StatusCode::OK);
    let html = a.text();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("<th>角色</th><td class=\"before\"></td><td class=\"arrow\">→</td><td class=\"after\"><ins>只读用户</ins></td>"), "{html}");

    // Filters: the kind of action, the user, the dates.
    let entries = |a: &Answer| {
        a.json()["entries"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", a.text()))
            .clone()
    };
    let a = t.get("/api/audit?action=user.create", Some(&s)).await;
    let names: Vec<String> = entries(&a)
        .iter()
        .map(|e| e["after"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "王\"五\",六",
            "<script>alert(1)</script>",
            "管理员",
            "admin"
        ]
    );
    assert_eq!(entries(&a)[0]["target_name"], "王\"五\",六");
    let a = t
        .get(
            "/api/audit?user=%E7%AE%A1%E7%90%86%E5%91%98&action=user",
            Some(&s),
        )
        .await;
    assert_eq!(entries(&a).len(), 2);
    let a = t.get("/api/audit?user=%E7%B3%BB%E7%BB%9F", Some(&s)).await;
    let system: Vec<String> = entries(&a)
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(system, ["user.create", "user.create"]);
    assert_eq!(
        entries(&t.get("/api/audit?from=2199-01-01", Some(&s)).await).len(),
        0
    );
    assert_eq!(
        entries(&t.get("/api/audit?to=2000-01-01", Some(&s)).await).len(),
        0
    );
    let all = entries(&t.get("/api/audit?from=2000-01-01", Some(&s)).await);
    assert_eq!(all.len(), 6); // 2 system creations, the login, 2 creations, the token
    let a = t.get("/api/audit?from=2024-02-30", Some(&s)).await;
    assert_eq!(
        (a.status, message(&a)),
        (
            StatusCode::BAD_REQUEST,
            "日期“2024-02-30”无法识别，请写成 2025-01-31".into()
        )
    );
    let a = t.get("/api/audit?limit=0", Some(&s)).await;
    assert_eq!(
        (a.status, message(&a)),
        (
            StatusCode::BAD_REQUEST,
            "limit 须为 1 到 1000 之间的整数".into()
        )
    );

    // Pages: newest first, `next_before` until the last.
    let mut seen = Vec::new();
    let mut before = String::new();
    loop {
        let a = t
            .get(&format!("/api/audit?limit=4{before}"), Some(&s))
            .await
            .json();
        seen.extend(
            a["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match a["next_before"].as_i64() {
            Some(id) => before = format!("&before={id}"),
            None => break,
        }
    }
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(seen, ids);

    // CSV: BOM, header, quoted fields; JSON Lines: one entry per line.
    let a = t.get("/admin/audit.csv?action=user.create", Some(&s)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let csv = a.text();
    assert!(
        csv.starts_with("\u{feff}编号,时间,用户编号,用户,操作,操作说明,对象,变更,变更前,变更后\n")
    );
    assert_eq!(csv.lines().count(), 5);
    let wang = csv.lines().nth(1).unwrap();
    let id = all[1]["id"].as_i64().unwrap();
    let uid = all[1]["after"].clone();
    assert_eq!(uid["name"], "王\"五\",六");
    let me = t
        .state
        .db
        .connect()
        .unwrap()
        .user_by_name("管理员")
        .unwrap()
        .unwrap()
        .id;
    let wang_id = t
        .state
        .db
        .connect()
        .unwrap()
        .user_by_name("王\"五\",六")
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        wang,
        format!(
            "{id},{},{me},管理员,user.create,新建用户,user:{wang_id},\"名称：— → 王\"\"五\"\",六；角色：— → 只读用户；范围：— → 全部；启用：— → 是\",,\"{{\"\"name\"\":\"\"王\\\"\"五\\\"\",六\"\",\"\"role\"\":\"\"viewer\"\",\"\"scope\"\":\"\"everywhere\"\",\"\"active\"\":true}}\"",
            all[1]["time"].as_str().unwrap()
        )
    );
    let a = t.get("/admin/audit.jsonl", Some(&s)).await;
    assert_eq!(
        a.headers[header::CONTENT_TYPE],
        "application/x-ndjson; charset=utf-8"
    );
    let lines: Vec<Value> = a
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[2]["after"]["name"], "<script>alert(1)</script>");
    // A script exports with its token.
    let a = bearer(
        &t,
        Method::GET,
        "/api/audit/export?format=jsonl&action=token",
        &token,
        None,
    )
    .await;
    assert_eq!((a.status, a.text().lines().count()), (StatusCode::OK, 1));
    let a = bearer(
        &t,
        Method::GET,
        "/api/audit/export?format=xml",
        &token,
        None,
    )
    .await;
    assert_eq!(
        (a.status, message(&a)),
        (
            StatusCode::BAD_REQUEST,
            "format“xml”不是 csv 或 jsonl".into()
        )
    );

    // No password, hash or token anywhere in the log's views.
    let id = t
        .state
        .db
        .connect()
        .unwrap()
        .user_by_name("<script>alert(1)</script>")
        .unwrap()
        .unwrap()
        .id;
    t.post_json(
        &format!("/api/users/{id}/password"),
        Some(&s),
        json!({"password": "重设的密码-0123456789"}),
    )
    .await;
    let hashes: Vec<String> = t
        .state
        .db
        .connect()
        .unwrap()
        .users()
        .unwrap()
        .into_iter()
        .map(|u| u.password_hash)
        .collect();
    let digest = gongkai_server::auth::token::digest(&token);
    for path in [
        "/admin/audit",
        "/api/audit",
        "/admin/audit.csv",
        "/admin/audit.jsonl",
    ] {
        let body = t.get(path, Some(&s)).await.text();
        for secret in [
            typed,
            "重设的密码-0123456789",
            PASSWORD,
            &token,
            &digest,
            "$argon2",
        ] {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
        for h in &hashes {
            assert!(!body.contains(h.as_str()), "{path}");
        }
    }
}

/// A copy of a seed report whose agency is 鼓楼区人民政府办公室: five units are
/// named 鼓楼区 and nothing in the text tells which.
fn ambiguous_report(dir: &std::path::Path) -> std::path::PathBuf {
    let seed =
        std::fs::read_to_string(common::examples().join("seeds/000_bdef848fa1eb37a7.txt")).unwrap();
    let text = seed
        .replace("瀍河回族区", "鼓楼区")
        .replace("瀍河区", "鼓楼区")
        .replace("瀍河", "鼓楼")
        .replace("河南省", "");
    let path = dir.join("report.txt");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn an_agency_placed_by_hand_or_by_a_mapping_file_is_audited_and_in_its_region() {
    let t = TestApp::new();
    t.add_user("管理员", Role::Admin, Scope::Everywhere);
    let s = t.login("管理员").await;
    let dir = tempfile::tempdir().unwrap();
    t.ingest(&[ambiguous_report(dir.path())]);

    let a = t.get("/api/agencies/places", Some(&s)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let listed = a.json();
    assert_eq!(listed["total"], 1);
    let agency = &listed["agencies"][0];
    let id = agency["id"].as_i64().unwrap();
    assert_eq!(
        (
            agency["name"].clone(),
            agency["status"].clone(),
            agency["region"].clone(),
            agency["years"].clone()
        ),
        (
            json!("鼓楼区人民政府办公室"),
            json!("ambiguous"),
            Value::Null,
            json!([2021])
        )
    );
    let candidates: Vec<&str> = agency["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(candidates, ["320106", "320302", "350102", "410204"]);
    let in_region = |prefix: &str| {
        t.state
            .db
            .connect()
            .unwrap()
            .reports(&Filter {
                region_code: Some(prefix.into()),
                ..Filter::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(in_region("32"), 0);

    // A name that is itself ambiguous is refused, with the candidates.
    let a = send_json(
        &t,
        Method::PATCH,
        &format!("/api/agencies/{id}"),
        &s,
        json!({"region": "鼓楼区"}),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        message(&a).starts_with("地区“鼓楼区”无法使用：“鼓楼区”对应 "),
        "{}",
        message(&a)
    );
    let a = send_json(
        &t,
        Method::PATCH,
        &format!("/api/agencies/{id}"),
        &s,
        json!({"region": "南京市鼓楼区"}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let placed = a.json();
    assert_eq!(
        (
            placed["status"].clone(),
            placed["region"].clone(),
            placed["placement"].clone(),
            placed["level"].clone()
        ),
        (
            json!("resolved"),
            json!({"code": "320106", "name": "江苏省南京市鼓楼区"}),
            json!("mapping"),
            json!("部门")
        )
    );
    assert_eq!(in_region("3201"), 1);
    let e = log(&t)
        .into_iter()
        .find(|e| e.action == "agency.place")
        .unwrap();
    assert_eq!(
        (e.user_name.as_str(), e.target.clone()),
        ("管理员", format!("agency:{id}"))
    );
    assert_eq!(
        (
            e.before.as_ref().unwrap()["place_status"].clone(),
            e.before.as_ref().unwrap()["region_code"].clone()
        ),
        (json!("ambiguous"), Value::Null)
    );
    assert_eq!(
        e.after,
        Some(
            json!({"name": "鼓楼区人民政府办公室", "region": "江苏省南京市鼓楼区", "region_code": "320106",
                    "level": "部门", "place_status": "resolved", "placement": "mapping"})
        )
    );
    let a = t.get("/api/audit?action=agency", Some(&s)).await.json();
    assert_eq!(a["entries"][0]["target_name"], "鼓楼区人民政府办公室");
    // No longer among the unplaced.
    assert_eq!(
        t.get("/api/agencies/places", Some(&s)).await.json()["total"],
        0
    );

    // A mapping file with a bad row changes nothing.
    let post_csv = |body: &'static str| {
        TestApp::request(Method::POST, "/api/agencies/mapping", Some(&s))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body))
            .unwrap()
    };
    let a = t
        .send(post_csv(
            "名称,地区\n鼓楼区人民政府办公室,福州市鼓楼区\n某局,不存在的地方\n",
        ))
        .await;
    assert_eq!(
        (a.status, message(&a)),
        (StatusCode::BAD_REQUEST, "对照表有 1 处错误，未应用任何更正：\n第 3 行：地区“不存在的地方”无法使用：“不存在的地方”不是区划中的地名".into())
    );
    assert_eq!(in_region("3201"), 1);
    let a = t
        .send(post_csv("名称,地区\n鼓楼区人民政府办公室,福州市鼓楼区\n"))
        .await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::OK, json!({"changed": 1}))
    );
    assert_eq!((in_region("3201"), in_region("350102")), (0, 1));
    let e = &log(&t)[0];
    assert_eq!(
        (e.action.as_str(), e.target.clone()),
        ("agency.mapping", format!("agency:{id}"))
    );
    assert_eq!(
        (
            e.before.as_ref().unwrap()["region_code"].clone(),
            e.after.as_ref().unwrap()["region_code"].clone()
        ),
        (json!("320106"), json!("350102"))
    );

    // The page, and its candidate buttons.
    let html = t.get("/admin/agencies?status=all", Some(&s)).await.text();
    assert!(html.contains("鼓楼区人民政府办公室"));
    let a = t
        .post_form(
            &format!("/admin/agencies/{id}"),
            Some(&s),
            &[("region", "320106"), ("back", "status=all")],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a
        .text()
        .contains("已将“鼓楼区人民政府办公室”定位到 320106 江苏省南京市鼓楼区"));
    assert_eq!(in_region("3201"), 1);
    // Agency staff of it, by its id.
    let a = t
        .post_json("/api/users", Some(&s), json!({"name": "鼓楼办", "role": "agency_staff", "scope": {"kind": "agency", "agency_id": id}}))
        .await;
    assert_eq!(
        a.json()["user"]["scope"]["label"],
        "机关：鼓楼区人民政府办公室"
    );
}

#[tokio::test]
async fn the_api_is_described() {
    let t = TestApp::new();
    let doc = t.get("/api/openapi.json", None).await.json();
    for path in [
        "/api/users",
        "/api/users/{id}",
        "/api/users/{id}/password",
        "/api/users/{id}/tokens/{token_id}",
        "/api/account",
        "/api/account/password",
        "/api/tokens",
        "/api/tokens/{id}",
        "/api/audit",
        "/api/audit/export",
        "/api/agencies/places",
        "/api/agencies/{id}",
        "/api/agencies/mapping",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    assert!(doc["paths"]["/api/users/{id}"].get("patch").is_some());
    assert!(doc["paths"]["/api/tokens/{id}"].get("delete").is_some());
}
