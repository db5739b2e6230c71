//! Scratch databases: a fresh, empty database on a PostgreSQL server, dropped when its handle
//! is. The store's tests and the test server (`openglip-testkit`) give each test one of its
//! own, so tests never see each other's data and can run in parallel.
//!
//! The server is the one `OPENGLIP_POSTGRES` names (a URL whose role may create databases),
//! by default `postgres://postgres@127.0.0.1:5432/postgres`.

use openglip_domain::{Error, Result};

use crate::db::{Conn, config, on_own_thread};
use crate::migrate;

/// The advisory lock (on the admin database of the server) held while the template is made.
const TEMPLATE_LOCK: i64 = 0x6f67_7465_6d70; // "ogtemp"

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
    /// Creates `og_test_<random>` on the [`server_url`] server with this build's schema (a copy
    /// of the migrated template, see `ScratchDatabase::template`: faster than migrating anew).
    pub async fn create() -> Result<ScratchDatabase> {
        ScratchDatabase::make(true).await
    }

    /// Creates an empty `og_test_<random>`, for tests of the migrations themselves.
    pub async fn create_empty() -> Result<ScratchDatabase> {
        ScratchDatabase::make(false).await
    }

    async fn make(migrated: bool) -> Result<ScratchDatabase> {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| Error::Internal(format!("no random source: {e}")))?;
        let name: String = std::iter::once("og_test_".to_string())
            .chain(random.iter().map(|b| format!("{b:02x}")))
            .collect();
        let server = server_url();
        let url = with_database(&server, &name);
        let (new, admin) = (name.clone(), server.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = Conn::open(&config(&admin)?)?;
            if migrated {
                let template = ScratchDatabase::template(&mut conn, &admin)?;
                conn.batch(&format!("CREATE DATABASE {new} TEMPLATE {template}"))
            } else {
                conn.batch(&format!("CREATE DATABASE {new}"))
            }
        })
        .await
        .map_err(|e| Error::Internal(format!("creating a scratch database failed: {e}")))??;
        Ok(ScratchDatabase { name, url, server })
    }

    /// The name of the template database that holds this build's schema,
    /// `og_template_<fingerprint of the migrations>`, made (migrated, then closed to
    /// connections) on first use by whichever test gets there first, under an advisory lock on
    /// the admin database; kept for later runs. A build with other migrations has its own.
    fn template(admin: &mut Conn, admin_url: &str) -> Result<String> {
        let template = format!("og_template_{:016x}", migrate::fingerprint());
        let building = format!("{template}_building");
        admin.exec("SELECT pg_advisory_lock($1)", &[&TEMPLATE_LOCK])?;
        let made = (|| {
            if admin.exists("SELECT 1 FROM pg_database WHERE datname = $1", &[&template])? {
                return Ok(());
            }
            // Left over by a test that died while building it.
            admin.batch(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))?;
            admin.batch(&format!("CREATE DATABASE {building}"))?;
            {
                let mut conn = Conn::open(&config(&with_database(admin_url, &building))?)?;
                migrate::migrate(&mut conn)?;
            }
            // The server lets go of the migrating session a moment after it closes.
            let rename = format!("ALTER DATABASE {building} RENAME TO {template}");
            let mut tries = 0;
            while let Err(e) = admin.batch(&rename) {
                tries += 1;
                if tries == 50 {
                    return Err(e);
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            admin.batch(&format!(
                "ALTER DATABASE {template} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true"
            ))
        })();
        admin.exec("SELECT pg_advisory_unlock($1)", &[&TEMPLATE_LOCK])?;
        made.map(|()| template)
    }

    /// Its URL, for `PostgresStore::open` or `openglip serve --database`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs statements on the database behind the store's back (tests that break a store on
    /// purpose, or look at it).
    pub async fn execute(&self, sql: &str) -> Result<()> {
        let (sql, url) = (sql.to_string(), self.url.clone());
        tokio::task::spawn_blocking(move || Conn::open(&config(&url)?)?.batch(&sql))
            .await
            .map_err(|e| {
                Error::Internal(format!("a statement on the scratch database failed: {e}"))
            })?
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
