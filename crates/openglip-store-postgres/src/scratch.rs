//! Scratch databases: a fresh, empty database on a PostgreSQL server, dropped when its handle
//! is. The store's tests and the test server (`openglip-testkit`) give each test one of its
//! own, so tests never see each other's data and can run in parallel.
//!
//! The server is the one `OPENGLIP_POSTGRES` names (a URL whose role may create databases),
//! by default `postgres://postgres@127.0.0.1:5432/postgres`.

use openglip_domain::{Error, Result};

use crate::db::{Conn, config, on_own_thread};

/// The server scratch databases are made on, unless `OPENGLIP_POSTGRES` says otherwise.
pub const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The URL of the server that holds scratch databases.
pub fn server_url() -> String {
    std::env::var("OPENGLIP_POSTGRES")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVER.to_string())
}

/// `url` with its database name replaced by `name` (query parameters kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// A database made for one test; dropped (connections and all) when this is dropped.
#[derive(Debug)]
pub struct ScratchDatabase {
    name: String,
    url: String,
    server: String,
}

impl ScratchDatabase {
    /// Creates `og_test_<random>` on the [`server_url`] server.
    pub async fn create() -> Result<ScratchDatabase> {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| Error::Internal(format!("no random source: {e}")))?;
        let name: String = std::iter::once("og_test_".to_string())
            .chain(random.iter().map(|b| format!("{b:02x}")))
            .collect();
        let server = server_url();
        let url = with_database(&server, &name);
        let (sql, admin) = (format!("CREATE DATABASE {name}"), server.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = Conn::open(&config(&admin)?)?;
            conn.batch(&sql)
        })
        .await
        .map_err(|e| Error::Internal(format!("creating a scratch database failed: {e}")))??;
        Ok(ScratchDatabase { name, url, server })
    }

    /// Its URL, for `PostgresStore::open` or `openglip serve --database`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let server = self.server.clone();
        // Destructors may run inside a runtime, where the synchronous client must not.
        let dropped = on_own_thread("scratch-database", move || {
            Conn::open(&config(&server)?)?.batch(&sql)
        });
        if let Err(e) | Ok(Err(e)) = dropped {
            tracing::warn!(database = %self.name, error = ?e, "could not drop a scratch database");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h:1/db?sslmode=disable", "x"),
            "postgres://u:p@h:1/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
