//! The workspace in a test: an app on a temporary SQLite database (or a PostgreSQL
//! schema), users of each role, requests sent straight to the router.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use gongkai_model::access::{Role, Scope};
use gongkai_server::{AppState, ServeOptions};
use gongkai_store::Actor;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The password every test user has.
pub const PASSWORD: &str = "测试密码-0123456789";

pub struct TestApp {
    pub app: Router,
    pub state: AppState,
    pub dir: tempfile::TempDir,
}

/// A logged-in browser: its cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// The repository's `../shared` folder (tests fail, not skip, without it).
pub fn shared() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    assert!(p.is_dir(), "../shared is missing: {}", p.display());
    p
}

/// The bundled examples.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

impl TestApp {
    /// On a new SQLite database in a temporary folder.
    pub fn new() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("corpus.db").display().to_string();
        TestApp::on(&db, dir)
    }

    /// On `database` (an SQLite path or a PostgreSQL URL).
    pub fn on(database: &str, dir: tempfile::TempDir) -> TestApp {
        let opts = ServeOptions {
            database: database.to_string(),
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().join("files"),
            connections: 4,
            secure_cookies: false,
        };
        let (state, _first_admin) = gongkai_server::prepare(&opts).unwrap();
        TestApp {
            app: gongkai_server::app(state.clone()),
            state,
            dir,
        }
    }

    /// Adds a user (password [`PASSWORD`]); its id.
    pub fn add_user(&self, name: &str, role: Role, scope: Scope) -> i64 {
        let mut store = self.state.db.connect().unwrap();
        let hash = gongkai_server::auth::password::hash(PASSWORD).unwrap();
        store
            .create_user(name, &hash, role, &scope, &Actor::system())
            .unwrap()
            .id
    }

    /// The id of the agency named `name` in the corpus.
    pub fn agency_id(&self, name: &str) -> i64 {
        let mut store = self.state.db.connect().unwrap();
        store
            .agencies()
            .unwrap()
            .into_iter()
            .find(|a| a.info.name == name)
            .unwrap_or_else(|| panic!("no agency {name}"))
            .id
    }

    /// Reads, checks and stores files (with the cross-report rules), as `gongkai ingest`.
    pub fn ingest(&self, paths: &[PathBuf]) {
        let mut store = self.state.db.connect().unwrap();
        let found = gongkai_corpus::ingest::discover(paths);
        let opts = gongkai_corpus::ingest::IngestOptions::default();
        gongkai_corpus::ingest::ingest(&mut store, &found, &opts, &|_| {}).unwrap();
        gongkai_corpus::cross::run(&mut store, &opts.selection, &opts.similarity).unwrap();
    }

    /// Logs in through the API; the session.
    pub async fn login(&self, name: &str) -> Session {
        let body = serde_json::json!({"name": name, "password": PASSWORD}).to_string();
        let a = self
            .send(
                Request::post("/api/session")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        let cookie = a
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
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
    }

    pub async fn send(&self, mut req: Request<Body>) -> Answer {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// A request as `session` (anonymous when `None`); state-changing requests carry
    /// the CSRF token in its header.
    pub fn request(
        method: Method,
        path: &str,
        session: Option<&Session>,
    ) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method.clone()).uri(path);
        if let Some(s) = session {
            b = b.header(header::COOKIE, &s.cookie);
            if method != Method::GET {
                b = b.header("x-csrf-token", &s.csrf);
            }
        }
        b
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> Answer {
        self.send(
            TestApp::request(Method::GET, path, session)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn post_json(
        &self,
        path: &str,
        session: Option<&Session>,
        body: serde_json::Value,
    ) -> Answer {
        self.send(
            TestApp::request(Method::POST, path, session)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A form post as a browser sends it: the CSRF token as the `_csrf` field.
    pub async fn post_form(
        &self,
        path: &str,
        session: Option<&Session>,
        fields: &[(&str, &str)],
    ) -> Answer {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let mut b =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = session {
            b = b.header(header::COOKIE, &s.cookie);
            all.push(("_csrf", &s.csrf));
        }
        let body = serde_urlencoded::to_string(&all).unwrap();
        self.send(b.body(Body::from(body)).unwrap()).await
    }
}
