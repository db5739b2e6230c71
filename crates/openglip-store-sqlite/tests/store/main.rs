//! Tests of the SQLite store: the storage port's conformance suite (`openglip-store-conformance`,
//! the same behaviour PostgreSQL's store is held to), each test on a fresh database file, and
//! what only SQLite has (the data folder, WAL).

use openglip_domain::store::*;
use openglip_store_conformance::{Backend, count, person};
use openglip_store_sqlite::SqliteStore;

openglip_store_conformance::conformance_tests!(SqliteStore);

#[tokio::test]
async fn open_creates_the_folder_and_keeps_the_database_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("data");
    let id = {
        let store = SqliteStore::open(&data).unwrap();
        assert!(data.join("openglip.db").exists());
        let (account, _) = store
            .create_account("Acme".into(), person("Ada", "Admin", None))
            .await
            .unwrap();
        account.id
    };
    let store = SqliteStore::open(&data).unwrap();
    assert_eq!(store.account(id).await.unwrap().unwrap().name, "Acme");
    assert_eq!(
        count(&store, "SELECT max(version) FROM schema_migrations").await,
        openglip_store_sqlite::SCHEMA_VERSION,
        "the newest version of this build applied (versions are unique: applied once)"
    );
    let mode = rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // The conformance suite's writer counters are the store's own.
    assert_eq!(Backend::writer(&store).jobs, store.writer_stats().jobs);
}
