//! For tests of the store and the layers above it: run one test against both backends.

use crate::Store;

/// Runs `test` on a fresh SQLite database and, when `GONGKAI_TEST_POSTGRES` names a
/// server, on a fresh PostgreSQL schema of its own (dropped afterwards). With
/// `GONGKAI_REQUIRE_POSTGRES` set (as `.ci/run` does) a missing server is a failure, not
/// a skip, so CI cannot pass without having tested PostgreSQL.
pub fn on_both_backends(name: &str, test: impl Fn(&mut Store)) {
    on_both_backends_opening(name, |store, _| test(store))
}

/// [`on_both_backends`], with a way to open more connections to the same database
/// (for tests of what two connections do at once).
pub fn on_both_backends_opening(name: &str, test: impl Fn(&mut Store, &dyn Fn() -> Store)) {
    let dir = std::env::temp_dir().join(format!("gongkai-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join("corpus.db");
    let target = path.to_string_lossy().into_owned();
    let mut sqlite = Store::open(&target).expect("open SQLite");
    test(&mut sqlite, &|| Store::open(&target).expect("open SQLite"));
    drop(sqlite);
    let _ = std::fs::remove_dir_all(&dir);

    match std::env::var("GONGKAI_TEST_POSTGRES") {
        Ok(url) => {
            let schema = format!("t_{}_{name}", std::process::id());
            let mut pg = Store::open_postgres(&url, Some(&schema)).expect("open PostgreSQL");
            test(&mut pg, &|| {
                Store::open_postgres(&url, Some(&schema)).expect("open PostgreSQL")
            });
            pg.query(&format!("DROP SCHEMA {schema} CASCADE"), &[])
                .expect("drop test schema");
        }
        Err(_) => assert!(
            std::env::var("GONGKAI_REQUIRE_POSTGRES").is_err(),
            "GONGKAI_REQUIRE_POSTGRES is set but GONGKAI_TEST_POSTGRES names no server"
        ),
    }
}
