//! The one writer: a dedicated OS thread owns the read-write connection and commits jobs in
//! groups, as the SQLite store's writer does.
//!
//! The thread takes the first queued job, then drains up to [`MAX_BATCH`] - 1 more that are
//! already waiting, and runs them all in ONE transaction, each inside its own `SAVEPOINT`: a job
//! that fails rolls back only itself. It commits once (`synchronous_commit = on`: the commit is
//! on disk, one WAL flush for the whole batch) and only then answers every job.
//!
//! Every batch first takes the store's advisory lock ([`WRITE_LOCK`], per database) and holds
//! it until it commits, so writers of several processes (`openglip admin`, other nodes) commit
//! one after another and events become visible in `seq` order: a reader of the outbox that has
//! seen `seq` n never later finds a smaller one appear.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::{self, JoinHandle};

use openglip_domain::{Error, Result};
use postgres::Config;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error, warn};

use crate::db::{Conn, now_ms};

/// The most jobs one transaction takes.
pub(crate) const MAX_BATCH: usize = 256;
/// Jobs that may wait in the queue before senders wait (back-pressure).
const QUEUE: usize = 4096;
/// The advisory lock every write transaction holds until it commits.
pub(crate) const WRITE_LOCK: i64 = 0x6f67_7772_6974; // "ogwrit"

/// Counters of the writer, for metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions committed (or attempted).
    pub batches: u64,
    /// Jobs run.
    pub jobs: u64,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    jobs: AtomicU64,
}

/// A unit of work for the writer, with its reply.
trait Job: Send {
    /// Runs the work inside the open transaction (and the job's savepoint). Returns whether it
    /// succeeded, i.e. whether its changes are kept.
    fn run(&mut self, conn: &mut Conn, now: i64) -> bool;
    /// Answers the caller once the batch's fate (`committed`) is known.
    fn finish(self: Box<Self>, committed: &Result<()>);
}

struct Typed<T, F> {
    work: Option<F>,
    result: Option<Result<T>>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T, F> Job for Typed<T, F>
where
    T: Send,
    F: FnOnce(&mut Conn, i64) -> Result<T> + Send,
{
    fn run(&mut self, conn: &mut Conn, now: i64) -> bool {
        let result = match self.work.take() {
            Some(work) => catch_unwind(AssertUnwindSafe(|| work(conn, now)))
                .unwrap_or_else(|_| Err(Error::Internal("a store job panicked".into()))),
            None => Err(Error::Internal("a store job ran twice".into())),
        };
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, committed: &Result<()>) {
        let answer = match (committed, self.result) {
            // The job's own failure stands whatever happened to the batch.
            (_, Some(Err(e))) => Err(e),
            (Ok(()), Some(Ok(v))) => Ok(v),
            (Err(e), _) => Err(e.clone()),
            (Ok(()), None) => Err(Error::Internal("a store job did not run".into())),
        };
        // The caller may have gone away; its job is done (or not) all the same.
        let _ = self.reply.send(answer);
    }
}

pub(crate) struct Writer {
    queue: Option<mpsc::Sender<Box<dyn Job>>>,
    thread: Option<JoinHandle<()>>,
    counters: Arc<Counters>,
}

fn stopped() -> Error {
    Error::Internal("the store's writer has stopped".into())
}

impl Writer {
    /// Starts the writer thread, which owns `conn` from now on and connects again with `config`
    /// when the connection is lost.
    pub(crate) fn start(conn: Conn, config: Config) -> Result<Writer> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let thread = thread::Builder::new()
            .name("openglip-postgres-writer".into())
            .spawn(move || writer_loop(conn, &config, rx, &c))
            .map_err(|e| Error::Internal(format!("cannot start the store's writer thread: {e}")))?;
        Ok(Writer {
            queue: Some(tx),
            thread: Some(thread),
            counters,
        })
    }

    /// Runs `work` in the writer's transaction and returns its result once committed. `work`
    /// gets the connection (inside a savepoint of an open transaction) and the commit time in
    /// milliseconds (never smaller than any time given before by this writer).
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, i64) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Job> = Box::new(Typed {
            work: Some(work),
            result: None,
            reply,
        });
        let queue = self.queue.as_ref().ok_or_else(stopped)?;
        queue.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    pub(crate) fn stats(&self) -> WriterStats {
        WriterStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            jobs: self.counters.jobs.load(Ordering::Relaxed),
        }
    }

    #[cfg(test)]
    fn queued(&self) -> usize {
        self.queue.as_ref().map_or(0, |q| QUEUE - q.capacity())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the queue lets the thread finish what is queued and exit, closing the
        // connection on its own thread.
        self.queue.take();
        if let Some(t) = self.thread.take()
            && t.thread().id() != thread::current().id()
        {
            let _ = t.join();
        }
    }
}

/// Times handed to jobs only go forwards, one millisecond at least per job, so `created` follows
/// id order and two changes never share an instant.
struct Clock {
    last: i64,
}

impl Clock {
    fn tick(&mut self) -> i64 {
        self.last = now_ms().max(self.last.saturating_add(1));
        self.last
    }
}

fn writer_loop(
    conn: Conn,
    config: &Config,
    mut rx: mpsc::Receiver<Box<dyn Job>>,
    counters: &Counters,
) {
    let mut conn = Some(conn);
    let mut clock = Clock { last: 0 };
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = match connected(&mut conn, config) {
            Some(c) => run_batch(c, &mut batch, &mut clock),
            None => Err(Error::Unavailable),
        };
        counters.batches.fetch_add(1, Ordering::Relaxed);
        counters
            .jobs
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        match &outcome {
            Ok(()) => debug!(jobs = batch.len(), "committed"),
            Err(e) => error!(jobs = batch.len(), error = ?e, "store batch failed"),
        }
        for job in batch.drain(..) {
            job.finish(&outcome);
        }
    }
    debug!("store writer stopping");
}

/// The writer's connection, connecting again if it was lost (once per batch: a database that
/// is down fails the batch with `Unavailable` rather than holding it).
fn connected<'a>(conn: &'a mut Option<Conn>, config: &Config) -> Option<&'a mut Conn> {
    if conn.as_ref().is_none_or(Conn::is_closed) {
        *conn = None;
        match Conn::open(config).and_then(|mut c| {
            prepare_session(&mut c)?;
            Ok(c)
        }) {
            Ok(c) => {
                warn!("the store's writer connected to PostgreSQL again");
                *conn = Some(c);
            }
            Err(e) => error!(error = ?e, "the store's writer cannot reach PostgreSQL"),
        }
    }
    conn.as_mut()
}

/// Settings of the writer's session: commits wait for the WAL flush whatever the server's
/// default is.
pub(crate) fn prepare_session(conn: &mut Conn) -> Result<()> {
    conn.batch("SET synchronous_commit = on")
}

/// Runs the batch in one transaction. On `Err` nothing of the batch was committed. Transaction
/// control travels with its neighbours (`BEGIN`, the lock and the first `SAVEPOINT` in one round
/// trip; each job's end with the next one's start; the last one's end with `COMMIT`), so a job
/// costs one round trip besides its own statements.
fn run_batch(conn: &mut Conn, batch: &mut [Box<dyn Job>], clock: &mut Clock) -> Result<()> {
    let result = conn
        .batch(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}); SAVEPOINT job"
        ))
        .and_then(|()| run_jobs(conn, batch, clock));
    if result.is_err()
        && !conn.is_closed()
        && let Err(e) = conn.batch("ROLLBACK")
    {
        error!(error = ?e, "rollback failed");
    }
    result
}

/// Runs each job in the savepoint opened before it, ends the savepoint (kept or rolled back)
/// and opens the next job's, or commits after the last.
fn run_jobs(conn: &mut Conn, batch: &mut [Box<dyn Job>], clock: &mut Clock) -> Result<()> {
    let last = batch.len().saturating_sub(1);
    for (i, job) in batch.iter_mut().enumerate() {
        let ok = job.run(conn, clock.tick());
        // After a failed job its savepoint is rolled back, which also clears an error state the
        // job left the transaction in. A job that swallowed an error and claimed success would
        // leave the transaction failed: RELEASE then fails, and so does the batch.
        let end = if ok {
            "RELEASE SAVEPOINT job"
        } else {
            "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"
        };
        let next = if i == last { "COMMIT" } else { "SAVEPOINT job" };
        conn.batch(&format!("{end}; {next}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The writer against a real database (a fresh one per test; see `scratch`).
    use super::*;
    use crate::scratch::ScratchDatabase;

    fn writer(db: &ScratchDatabase) -> Writer {
        let config = crate::db::config(db.url()).unwrap();
        let c = config.clone();
        crate::db::on_own_thread("test-setup", move || {
            let mut conn = Conn::open(&c).unwrap();
            conn.batch(
                "CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY, v BIGINT NOT NULL UNIQUE)",
            )
            .unwrap();
            Writer::start(conn, c).unwrap()
        })
        .unwrap()
    }

    fn insert(v: i64) -> impl FnOnce(&mut Conn, i64) -> Result<i64> + Send + 'static {
        move |c: &mut Conn, _now: i64| {
            let row = c.one("INSERT INTO t (v) VALUES ($1) RETURNING id", &[&v])?;
            crate::db::get(&row, 0)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_jobs_share_one_commit_and_failures_stay_isolated() {
        let db = ScratchDatabase::create().await.unwrap();
        let w = Arc::new(writer(&db));
        // Hold the writer inside a job until 100 more are queued.
        let (started_tx, started) = oneshot::channel::<()>();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let gate = {
            let w = w.clone();
            tokio::spawn(async move {
                w.run(move |_c: &mut Conn, _| {
                    let _ = started_tx.send(());
                    wait.recv().ok();
                    Ok(())
                })
                .await
            })
        };
        started.await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..100 {
            let w = w.clone();
            // Every 10th job violates the UNIQUE constraint (v = 0 again).
            let v = if i % 10 == 0 { 0 } else { i };
            tasks.push(tokio::spawn(async move { w.run(insert(v)).await }));
        }
        while w.queued() < 100 {
            tokio::task::yield_now().await;
        }
        let before = w.stats();
        release.send(()).unwrap();
        gate.await.unwrap().unwrap();
        let mut ok = 0;
        let mut failed = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(Error::Internal(_)) => failed += 1,
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        // v = 0 succeeds once; the other nine duplicates fail alone.
        assert_eq!(ok, 91);
        assert_eq!(failed, 9);
        let after = w.stats();
        assert!(
            after.batches - before.batches <= 2,
            "{before:?} -> {after:?}"
        );
        let n: i64 = w
            .run(|c: &mut Conn, _| crate::db::get(&c.one("SELECT count(*) FROM t", &[])?, 0))
            .await
            .unwrap();
        assert_eq!(n, 91);
        drop(w);
    }

    #[tokio::test]
    async fn a_panicking_job_does_not_kill_the_writer() {
        let db = ScratchDatabase::create().await.unwrap();
        let w = writer(&db);
        let r: Result<()> = w
            .run(|c: &mut Conn, _| {
                c.exec("INSERT INTO t (v) VALUES (1)", &[])?;
                panic!("boom")
            })
            .await;
        assert!(matches!(r, Err(Error::Internal(_))));
        // The panicking job's insert was rolled back with its savepoint.
        assert!(w.run(insert(1)).await.is_ok());
        drop(w);
    }

    #[tokio::test]
    async fn a_job_that_swallows_a_database_error_fails_its_batch() {
        let db = ScratchDatabase::create().await.unwrap();
        let w = writer(&db);
        w.run(insert(5)).await.unwrap();
        let r: Result<()> = w
            .run(|c: &mut Conn, _| {
                // The duplicate puts the transaction in a failed state; claiming success anyway
                // must not commit anything.
                let _ = c.exec_raw("INSERT INTO t (v) VALUES (5)", &[]);
                Ok(())
            })
            .await;
        assert!(r.is_err(), "{r:?}");
        assert!(w.run(insert(6)).await.is_ok());
        drop(w);
    }
}
