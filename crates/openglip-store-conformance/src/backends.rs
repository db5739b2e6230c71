//! The two stores as [`Backend`]s: SQLite in a temporary folder, PostgreSQL in a scratch
//! database of its own (`OPENGLIP_POSTGRES` names the server; see
//! `openglip_store_postgres::scratch`).

#[cfg(feature = "sqlite")]
mod sqlite {
    use openglip_store_sqlite::SqliteStore;

    use crate::{Backend, WriterCounts};

    impl Backend for SqliteStore {
        type Place = tempfile::TempDir;
        const SCHEMA_VERSION: i64 = openglip_store_sqlite::SCHEMA_VERSION;

        async fn place() -> tempfile::TempDir {
            tempfile::tempdir().expect("a temporary folder")
        }

        async fn open(place: &tempfile::TempDir) -> SqliteStore {
            SqliteStore::open(&place.path().join("data")).expect("open the SQLite store")
        }

        async fn count(&self, sql: &str) -> i64 {
            let conn = rusqlite::Connection::open(self.path()).expect("open the database file");
            conn.query_row(sql, [], |r| r.get(0)).expect("a number")
        }

        fn writer(&self) -> WriterCounts {
            let s = self.writer_stats();
            WriterCounts {
                batches: s.batches,
                jobs: s.jobs,
            }
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use openglip_store_postgres::PostgresStore;
    use openglip_store_postgres::scratch::ScratchDatabase;

    use crate::{Backend, WriterCounts};

    impl Backend for PostgresStore {
        type Place = ScratchDatabase;
        const SCHEMA_VERSION: i64 = openglip_store_postgres::SCHEMA_VERSION;

        async fn place() -> ScratchDatabase {
            ScratchDatabase::create()
                .await
                .expect("a scratch database (is PostgreSQL running? OPENGLIP_POSTGRES)")
        }

        async fn open(place: &ScratchDatabase) -> PostgresStore {
            PostgresStore::open(place.url()).expect("open the PostgreSQL store")
        }

        async fn count(&self, sql: &str) -> i64 {
            PostgresStore::count(self, sql).await.expect("a number")
        }

        fn writer(&self) -> WriterCounts {
            let s = self.writer_stats();
            WriterCounts {
                batches: s.batches,
                jobs: s.jobs,
            }
        }
    }
}
