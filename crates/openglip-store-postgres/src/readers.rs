//! A small pool of reading connections, opened on demand. Reads run on tokio's blocking threads
//! and never go through the writer; each runs in a read-only `REPEATABLE READ` transaction (one
//! snapshot, like the SQLite store's read transactions).

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};

use openglip_domain::{Error, Result};
use postgres::Config;

use crate::db::{Conn, on_own_thread};

pub(crate) struct ReaderPool {
    config: Config,
    max: usize,
    state: Mutex<State>,
    returned: Condvar,
}

struct State {
    idle: Vec<Conn>,
    /// Connections in existence, idle or lent.
    open: usize,
}

impl ReaderPool {
    pub(crate) fn new(config: Config, max: usize) -> ReaderPool {
        ReaderPool {
            config,
            max: max.max(1),
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the pool consistent (push/pop are atomic), so
        // poisoning is ignored.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many connections exist and how many of them are lent (for metrics).
    pub(crate) fn usage(&self) -> (usize, usize) {
        let state = self.lock();
        (state.open, state.open - state.idle.len())
    }

    /// A connection: an idle one, a new one if fewer than `max` exist, or the next one returned.
    /// Blocks; call from a blocking thread.
    pub(crate) fn get(&self) -> Result<Reader<'_>> {
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Reader {
                    pool: self,
                    conn: Some(conn),
                    healthy: true,
                });
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return match Conn::open(&self.config) {
                    Ok(conn) => Ok(Reader {
                        pool: self,
                        conn: Some(conn),
                        healthy: true,
                    }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        // The database is down or unreachable: a passing failure (503).
                        tracing::warn!(error = ?e, "a store reader cannot reach PostgreSQL");
                        Err(Error::Unavailable)
                    }
                };
            }
            state = self.returned.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Drop for ReaderPool {
    fn drop(&mut self) {
        // The store may be dropped inside a runtime; the synchronous client closes on a thread
        // of its own.
        let idle = std::mem::take(&mut self.lock().idle);
        if !idle.is_empty() {
            let _ = on_own_thread("postgres-readers-close", move || drop(idle));
        }
    }
}

/// A lent connection; goes back to the pool when dropped, unless it is broken.
pub(crate) struct Reader<'a> {
    pool: &'a ReaderPool,
    conn: Option<Conn>,
    healthy: bool,
}

impl Reader<'_> {
    /// Marks the connection as not to be lent again (its transaction could not be ended).
    pub(crate) fn discard(&mut self) {
        self.healthy = false;
    }
}

impl Deref for Reader<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        // Only `drop` takes it out.
        self.conn
            .as_ref()
            .expect("reader connection present until dropped")
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("reader connection present until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut state = self.pool.lock();
            if self.healthy && !conn.is_closed() {
                state.idle.push(conn);
            } else {
                state.open -= 1;
                drop(state);
                // Readers are lent on blocking threads, where the client may close.
                drop(conn);
            }
            self.pool.returned.notify_one();
        }
    }
}
