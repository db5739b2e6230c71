//! Tests of the PostgreSQL store: the storage port's conformance suite
//! (`openglip-store-conformance`, the behaviour the SQLite store is held to), each test in a
//! scratch database of its own on the server `OPENGLIP_POSTGRES` names (dropped at the end),
//! and what only PostgreSQL has: migrations under a lock, several processes writing, a wrong URL.

mod postgres_only;

use openglip_store_postgres::PostgresStore;

openglip_store_conformance::conformance_tests!(PostgresStore);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark (100,000 posts): run with --run-ignored only --no-capture"]
async fn search_latency_on_100k_posts() {
    openglip_store_conformance::bench::search_latency_on_100k_posts::<PostgresStore>().await
}
