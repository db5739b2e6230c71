//! What only the PostgreSQL store has to show.

use openglip_domain::store::*;
use openglip_domain::*;
use openglip_store_conformance::{Backend, count, fixture, person, text_post};
use openglip_store_postgres::PostgresStore;
use openglip_store_postgres::scratch::ScratchDatabase;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_opening_at_once_apply_each_migration_once() {
    let db = ScratchDatabase::create_empty().await.unwrap();
    let mut opening = Vec::new();
    for _ in 0..4 {
        let url = db.url().to_string();
        opening.push(tokio::spawn(async move { PostgresStore::open(&url) }));
    }
    let mut stores = Vec::new();
    for o in opening {
        stores.push(o.await.unwrap().unwrap());
    }
    assert_eq!(
        count(&stores[0], "SELECT max(version) FROM schema_migrations").await,
        openglip_store_postgres::SCHEMA_VERSION,
        "the newest version of this build applied (versions are unique: applied once)"
    );
    assert!(stores[0].ready().await.unwrap());
    // And once more, later: nothing to do.
    let again = PostgresStore::open(db.url()).unwrap();
    assert_eq!(
        count(&again, "SELECT max(version) FROM schema_migrations").await,
        openglip_store_postgres::SCHEMA_VERSION,
        "the newest version of this build applied (versions are unique: applied once)"
    );
    drop(stores);
    drop(again);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_database_keep_the_outbox_in_commit_order() {
    // Two processes (nodes, or `openglip admin` beside the server) write at once; every event
    // is seen by a reader that follows `seq`, none skipped by a later-committing smaller seq.
    let f = fixture::<PostgresStore>().await;
    let other = PostgresStore::open(f.place.url()).unwrap();
    let team = f.team(f.admin.id, "Both", &[]).await;
    let start = f.store.last_event_seq().await.unwrap();
    let mut writers = Vec::new();
    for (n, store) in [f.store.clone(), other.clone()].into_iter().enumerate() {
        let admin = f.admin.id;
        writers.push(tokio::spawn(async move {
            for i in 0..100 {
                store
                    .create_post(text_post(team.id, admin, &format!("{n}/{i}")))
                    .await
                    .unwrap();
            }
        }));
    }
    // A reader following the outbox while they write.
    let reader = {
        let store = f.store.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut cursor = start;
            while seen.len() < 200 {
                for e in store.events_after(cursor, 50).await.unwrap() {
                    cursor = e.seq;
                    seen.push(e.seq);
                }
                tokio::task::yield_now().await;
            }
            seen
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    let seen = reader.await.unwrap();
    assert_eq!(seen.len(), 200);
    let all = f.store.events_after(start, 1000).await.unwrap();
    assert_eq!(
        seen,
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        "the follower saw every event, in order"
    );
    drop(other);
}

#[tokio::test]
async fn a_wrong_url_is_refused_with_a_clear_message() {
    let not_a_url = PostgresStore::open("postgres://nobody@127.0.0.1:1/nothing").unwrap_err();
    assert!(
        not_a_url.0.contains("cannot connect to PostgreSQL"),
        "{not_a_url}"
    );
    assert!(not_a_url.0.contains("127.0.0.1:1"), "{not_a_url}");
    let missing = ScratchDatabase::create().await.unwrap();
    let url = format!("{}_missing", missing.url());
    let e = PostgresStore::open(&url).unwrap_err();
    assert!(e.0.contains("does not exist"), "{e}");
    let secret = PostgresStore::open("postgres://u:hunter2@127.0.0.1:1/db").unwrap_err();
    assert!(!secret.0.contains("hunter2"), "{secret}");
    let garbage = PostgresStore::open("postgres://[::1").unwrap_err();
    assert!(garbage.0.contains("not a PostgreSQL URL"), "{garbage}");
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let place = <PostgresStore as Backend>::place().await;
    let store = PostgresStore::open(place.url()).unwrap();
    let (account, _) = store
        .create_account("Acme".into(), person("Ada", "Admin", None))
        .await
        .unwrap();
    assert!(account.id.0 > 0);
    drop(store);
    // A newer build migrated this database: this one must not run on it.
    let url = place.url().to_string();
    tokio::task::spawn_blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)",
        )
        .unwrap();
    })
    .await
    .unwrap();
    let e = PostgresStore::open(place.url()).unwrap_err();
    assert!(e.0.contains("newer than this build knows"), "{e}");
}

#[tokio::test]
async fn readiness_follows_the_schema_and_the_database() {
    let place = <PostgresStore as Backend>::place().await;
    let store = PostgresStore::open(place.url()).unwrap();
    assert!(store.ready().await.unwrap());
    // Another node, newer, migrated the database meanwhile: this one is not ready for it.
    let url = place.url().to_string();
    tokio::task::spawn_blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9998, '9998_next', 0)",
        )
        .unwrap();
    })
    .await
    .unwrap();
    assert!(!store.ready().await.unwrap());
    // The database goes away: an error (503), not "not found".
    let name = place.name().to_string();
    drop(place);
    let e = store.ready().await.unwrap_err();
    assert!(
        matches!(e, Error::Unavailable | Error::Internal(_)),
        "{name}: {e:?}"
    );
}

#[tokio::test]
async fn store_errors_are_errors_not_empty_answers() {
    // A read of a table that a broken database lacks is an error, never "nothing found".
    let f = fixture::<PostgresStore>().await;
    let url = f.place.url().to_string();
    tokio::task::spawn_blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("DROP TABLE favorites").unwrap();
    })
    .await
    .unwrap();
    let e = f.store.favorite_chats(f.admin.id, 10).await.unwrap_err();
    assert!(matches!(e, Error::Internal(_)), "{e:?}");
    // Writes that do not touch it still work.
    assert!(f.store.extension(f.admin.id).await.unwrap().is_some());
}
