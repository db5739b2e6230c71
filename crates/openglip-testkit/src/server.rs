//! The one in-process test server: the whole application on a loopback port with a fresh data
//! folder, in a runtime of its own so that it can be stopped like a crash and started again.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use openglip_domain::store::Store;
use openglip_server::realtime::RealtimeConfig;
use openglip_server::{AppState, RateLimitConfig, ServerConfig};
use openglip_store_postgres::PostgresStore;
use openglip_store_postgres::scratch::ScratchDatabase;
use openglip_store_sqlite::SqliteStore;
use tokio::net::TcpListener;

/// Real-time settings for tests: WebHooks to loopback addresses allowed (test receivers listen
/// there), and quick retries so that a failed delivery is retried within a test's patience.
pub fn test_realtime() -> RealtimeConfig {
    RealtimeConfig {
        allow_private_webhooks: true,
        retry_base: Duration::from_millis(50),
        retry_max: Duration::from_millis(400),
        ..Default::default()
    }
}

/// The default test configuration: no public URL (built from `Host`), rate limits off,
/// [`test_realtime`].
pub fn test_config() -> ServerConfig {
    ServerConfig {
        public_url: None,
        rate_limits: RateLimitConfig::off(),
        realtime: test_realtime(),
        ..Default::default()
    }
}

/// A free loopback port (bound, then released), for a test's own listener that must know its
/// address before it starts (a bot's public URL).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts the server with [`test_config`].
pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_config()).await
}

/// The variable that chooses the test servers' store: unset or `sqlite` for SQLite in the data
/// folder, `postgres` for a scratch PostgreSQL database per server (on the server
/// `OPENGLIP_POSTGRES` names; see `openglip_store_postgres::scratch`), so that every test that
/// starts a server runs on either store.
pub const TEST_DATABASE_VAR: &str = "OPENGLIP_TEST_DATABASE";

/// Whether the test servers keep their data in PostgreSQL ([`TEST_DATABASE_VAR`]).
pub fn on_postgres() -> bool {
    match std::env::var(TEST_DATABASE_VAR).as_deref().map(str::trim) {
        Err(_) | Ok("") | Ok("sqlite") => false,
        Ok("postgres") => true,
        Ok(other) => panic!("{TEST_DATABASE_VAR}={other:?}: expected `sqlite` or `postgres`"),
    }
}

/// Starts the server with `config` on `127.0.0.1:0` and a fresh data folder (and, with
/// `OPENGLIP_TEST_DATABASE=postgres`, a fresh PostgreSQL database).
pub async fn spawn_app_with(config: ServerConfig) -> TestApp {
    let database = if on_postgres() {
        Some(Arc::new(
            ScratchDatabase::create()
                .await
                .expect("a scratch PostgreSQL database (OPENGLIP_POSTGRES)"),
        ))
    } else {
        None
    };
    spawn_on(config, database).await
}

/// Starts a server with `config` on `database` (None: SQLite in a fresh data folder).
pub(crate) async fn spawn_on(
    config: ServerConfig,
    database: Option<Arc<ScratchDatabase>>,
) -> TestApp {
    let mut app = TestApp {
        base: String::new(),
        http: reqwest::Client::new(),
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        dir: tempfile::tempdir().expect("a temporary data folder"),
        database,
        config,
        running: None,
    };
    app.launch().await;
    app
}

/// The whole application, as the `openglip` binary builds and serves it: the store (SQLite on
/// `dir`, or PostgreSQL at `database`), the server's state, and the future that serves every
/// route (the server's API and gateway, the pages of `openglip-web`) on `listener`. The one
/// place that says what "the application" is.
fn whole_app(
    dir: &Path,
    database: Option<&ScratchDatabase>,
    config: ServerConfig,
    listener: TcpListener,
) -> (
    AppState,
    impl Future<Output = std::io::Result<()>> + Send + 'static,
) {
    let store: Arc<dyn Store> = match database {
        Some(db) => Arc::new(PostgresStore::open(db.url()).expect("open the PostgreSQL store")),
        None => Arc::new(SqliteStore::open(dir).expect("open the SQLite store")),
    };
    let mut config = config;
    if config.files.blobs.is_none() {
        // Files in the data folder, as the binary keeps them by default.
        config.files.blobs = Some(Arc::new(openglip_blobs::LocalBlobs::new(dir.join("files"))));
    }
    let state = AppState::new(store, config);
    let serving = openglip_server::serve(
        listener,
        state.clone(),
        openglip_web::pages(&state),
        std::future::pending(),
    );
    (state, serving)
}

/// A running server: its runtime (every task of the server lives there) and state.
struct Running {
    rt: tokio::runtime::Runtime,
    state: AppState,
}

/// The real server, started in-process for a test. It stops (hard) when dropped.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, the same after [`restart`](Self::restart).
    pub base: String,
    /// A plain HTTP client (redirects followed, no cookies).
    pub http: reqwest::Client,
    addr: SocketAddr,
    dir: tempfile::TempDir,
    /// The PostgreSQL database, when the tests run on PostgreSQL (shared by a cluster's nodes);
    /// dropped after the last server using it.
    database: Option<Arc<ScratchDatabase>>,
    config: ServerConfig,
    running: Option<Running>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

impl TestApp {
    /// Binds the address (the port of the previous run, which the OS may hold a moment longer),
    /// opens the store and serves the application in a new runtime.
    async fn launch(&mut self) {
        let mut tries = 0;
        let std_listener = loop {
            match std::net::TcpListener::bind(self.addr) {
                Ok(l) => break l,
                Err(e) if tries < 100 => {
                    tries += 1;
                    tracing::debug!(error = %e, "port busy; retrying");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("cannot bind {}: {e}", self.addr),
            }
        };
        std_listener.set_nonblocking(true).expect("non-blocking");
        self.addr = std_listener.local_addr().expect("a local address");
        self.base = format!("http://{}", self.addr);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("openglip-test-server")
            .enable_all()
            .build()
            .expect("a runtime");
        let (state, serving) = {
            // The listener registers with the runtime that serves it.
            let _in_rt = rt.enter();
            let listener = TcpListener::from_std(std_listener).expect("a listener");
            whole_app(
                self.dir.path(),
                self.database.as_deref(),
                self.config.clone(),
                listener,
            )
        };
        rt.spawn(async move {
            if let Err(e) = serving.await {
                tracing::error!(error = %e, "the test server failed");
            }
        });
        self.running = Some(Running { rt, state });
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's state, for provisioning and for looking into the store.
    pub fn state(&self) -> &AppState {
        &self.running.as_ref().expect("the server is running").state
    }

    /// The data folder (the SQLite database, unless on PostgreSQL), kept across restarts.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs SQL statements on the live database under the running server, whichever store it
    /// is (the SQLite file, or the PostgreSQL database): for tests that break the store on
    /// purpose. Panics if they fail.
    pub async fn execute_sql(&self, sql: &str) {
        match &self.database {
            Some(db) => db
                .execute(sql)
                .await
                .expect("SQL on the PostgreSQL database"),
            None => {
                rusqlite::Connection::open(self.dir.path().join(openglip_store_sqlite::DB_FILE))
                    .and_then(|c| c.execute_batch(sql))
                    .expect("SQL on the SQLite database")
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Stops the server at once: every task and connection is dropped (an outage, as a crash).
    pub fn stop(&mut self) {
        if let Some(Running { rt, state }) = self.running.take() {
            drop(state);
            rt.shutdown_background();
        }
    }

    /// Starts it again on the same port and data (folder or database).
    pub async fn restart(&mut self) {
        self.stop();
        // Let the old runtime's threads let go of the store.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.launch().await;
    }
}
