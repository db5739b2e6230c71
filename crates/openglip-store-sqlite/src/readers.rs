//! A small pool of read-only connections, opened on demand. Reads run on tokio's blocking
//! threads and never go through the writer; in WAL mode they do not wait for it either.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};

use openglip_domain::Result;
use rusqlite::Connection;

use crate::db::open_reader;

pub(crate) struct ReaderPool {
    path: PathBuf,
    max: usize,
    state: Mutex<State>,
    returned: Condvar,
}

struct State {
    idle: Vec<Connection>,
    /// Connections in existence, idle or lent.
    open: usize,
}

impl ReaderPool {
    pub(crate) fn new(path: PathBuf, max: usize) -> ReaderPool {
        ReaderPool {
            path,
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
                });
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return match open_reader(&self.path) {
                    Ok(conn) => Ok(Reader {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            state = self.returned.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A lent connection; goes back to the pool when dropped.
pub(crate) struct Reader<'a> {
    pool: &'a ReaderPool,
    conn: Option<Connection>,
}

impl Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Only `drop` takes it out.
        self.conn
            .as_ref()
            .expect("reader connection present until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut state = self.pool.lock();
            if conn.is_autocommit() {
                state.idle.push(conn);
            } else {
                // A read left a transaction open: do not lend it again.
                state.open -= 1;
            }
            drop(state);
            self.pool.returned.notify_one();
        }
    }
}
