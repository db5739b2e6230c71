//! Connections and small helpers shared by every module: [`Conn`] (a client with its prepared
//! statements), error conversion, the clock.
//!
//! The synchronous `postgres` client runs each call on a small runtime of its own, so a `Conn`
//! is only ever used, opened and dropped on a thread that is not running async tasks: the
//! writer's thread, tokio's blocking threads, or a thread started for the purpose.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openglip_domain::{Error, Result};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Row, Statement};

/// Statements kept prepared per connection; past this many the cache starts over.
const STATEMENT_CACHE: usize = 256;
/// How long connecting may take before the store gives up (a wrong host must not hang `serve`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Parameters of a statement.
pub(crate) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Database errors become `Error::Internal`: they are what the database itself reports.
pub(crate) trait Db<T> {
    fn db(self) -> Result<T>;
}

impl<T> Db<T> for std::result::Result<T, postgres::Error> {
    fn db(self) -> Result<T> {
        self.map_err(internal)
    }
}

pub(crate) fn internal(e: postgres::Error) -> Error {
    // A lost connection is a passing failure (503), not a bug.
    if e.is_closed() {
        tracing::warn!(error = %describe(&e), "the connection to PostgreSQL is lost");
        return Error::Unavailable;
    }
    match e.as_db_error() {
        Some(d) => Error::Internal(format!("postgres: {} ({})", d.message(), d.code().code())),
        None => Error::Internal(format!("postgres: {e}")),
    }
}

/// Whether `e` is a violation of a UNIQUE (or PRIMARY KEY) constraint.
pub(crate) fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// Whether `e` is a violation of a FOREIGN KEY constraint.
pub(crate) fn is_fk_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION)
}

/// Milliseconds since the Unix epoch, UTC.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A `LIMIT` parameter.
pub(crate) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Reads column `idx` of a row; a value the domain cannot take is an error, never a panic.
pub(crate) fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, idx: usize) -> Result<T> {
    row.try_get(idx)
        .map_err(|e| Error::Internal(format!("postgres: column {idx}: {e}")))
}

/// Parses a `postgres://` URL (or key=value string) into a client configuration, with the
/// store's connect timeout unless the URL sets one. A bad URL is a message for the operator.
pub fn config(url: &str) -> Result<Config> {
    let mut config: Config = url
        .parse()
        .map_err(|e| Error::Internal(format!("not a PostgreSQL URL ({e})")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("openglip");
    }
    Ok(config)
}

/// A client and the statements it has prepared (PostgreSQL plans a prepared statement once per
/// connection, as SQLite's statement cache does).
pub(crate) struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl Conn {
    /// Connects (blocking; never call on a thread that runs async tasks).
    pub(crate) fn open(config: &Config) -> Result<Conn> {
        let client = config.connect(NoTls).map_err(|e| {
            Error::Internal(format!("cannot connect to PostgreSQL: {}", describe(&e)))
        })?;
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn statement(&mut self, sql: &str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Runs statements without parameters (transaction control, migrations).
    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).db()
    }

    /// Executes a statement and gives the database's own error back, for callers that turn
    /// some errors (a taken unique value) into domain errors.
    pub(crate) fn exec_raw(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> std::result::Result<u64, postgres::Error> {
        let s = self.statement(sql)?;
        self.client.execute(&s, params)
    }

    /// Like [`exec_raw`](Self::exec_raw), for an `INSERT … RETURNING` of one row.
    pub(crate) fn one_raw(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> std::result::Result<Row, postgres::Error> {
        let s = self.statement(sql)?;
        self.client.query_one(&s, params)
    }

    /// Executes a statement; returns how many rows it changed.
    pub(crate) fn exec(&mut self, sql: &str, params: Params<'_>) -> Result<u64> {
        self.exec_raw(sql, params).db()
    }

    pub(crate) fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>> {
        let s = self.statement(sql).db()?;
        self.client.query(&s, params).db()
    }

    /// The one row of a query that returns at most one.
    pub(crate) fn opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>> {
        let s = self.statement(sql).db()?;
        self.client.query_opt(&s, params).db()
    }

    /// The one row of a query that returns exactly one.
    pub(crate) fn one(&mut self, sql: &str, params: Params<'_>) -> Result<Row> {
        self.one_raw(sql, params).db()
    }

    /// Whether the query returns a row.
    pub(crate) fn exists(&mut self, sql: &str, params: Params<'_>) -> Result<bool> {
        Ok(self.opt(sql, params)?.is_some())
    }

    /// Maps every row of a query.
    pub(crate) fn map<T>(
        &mut self,
        sql: &str,
        params: Params<'_>,
        f: impl Fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.query(sql, params)?.iter().map(f).collect()
    }

    /// Maps the row of a query that returns at most one.
    pub(crate) fn map_opt<T>(
        &mut self,
        sql: &str,
        params: Params<'_>,
        f: impl Fn(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        self.opt(sql, params)?.as_ref().map(f).transpose()
    }
}

/// The cause of a connection failure in the operator's words (the client's own message names
/// only the outermost layer).
pub(crate) fn describe(e: &postgres::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Runs `work` on a thread of its own and waits for it: how async code (or a destructor that
/// may run inside a runtime) uses the synchronous client.
pub(crate) fn on_own_thread<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .map_err(|e| Error::Internal(format!("cannot start a thread: {e}")))?
        .join()
        .map_err(|_| Error::Internal(format!("the {name} thread panicked")))
}
