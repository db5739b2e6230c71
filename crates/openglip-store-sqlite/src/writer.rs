//! The one writer: a dedicated OS thread owns the only read-write connection and commits jobs in
//! groups.
//!
//! The thread takes the first queued job, then drains up to [`MAX_BATCH`] - 1 more that are already
//! waiting, and runs them all in ONE transaction, each inside its own `SAVEPOINT`: a job that fails
//! rolls back only itself. It commits once and only then answers every job. Under load one fsync
//! covers many jobs; when idle, a job waits for exactly one commit.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};

use openglip_domain::{Error, Result};
use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error};

use crate::db::{internal, now_ms};

/// The most jobs one transaction takes.
pub(crate) const MAX_BATCH: usize = 256;
/// Jobs that may wait in the queue before senders wait (back-pressure).
const QUEUE: usize = 4096;

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
    fn run(&mut self, conn: &Connection, now: i64) -> bool;
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
    F: FnOnce(&Connection, i64) -> Result<T> + Send,
{
    fn run(&mut self, conn: &Connection, now: i64) -> bool {
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

/// Tables whose changes someone must hear about, and what to call once a batch that changed any
/// of them has committed (before its jobs are answered).
pub(crate) struct Watch {
    pub tables: &'static [&'static str],
    pub on_commit: Box<dyn Fn() + Send>,
}

impl Writer {
    /// Starts the writer thread, which owns `conn` from now on.
    pub(crate) fn start(mut conn: Connection, watch: Option<Watch>) -> Result<Writer> {
        // SQLite reports every changed row's table, so a job need not say what it touched.
        let watch = match watch {
            Some(w) => {
                let touched = Arc::new(AtomicBool::new(false));
                let (flag, tables) = (touched.clone(), w.tables);
                conn.update_hook(Some(
                    move |_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
                        if tables.contains(&table) {
                            flag.store(true, Ordering::Relaxed);
                        }
                    },
                ))
                .map_err(internal)?;
                Some((w, touched))
            }
            None => None,
        };
        let (tx, rx) = mpsc::channel(QUEUE);
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let thread = thread::Builder::new()
            .name("openglip-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx, &c, watch))
            .map_err(|e| Error::Internal(format!("cannot start the store's writer thread: {e}")))?;
        Ok(Writer {
            queue: Some(tx),
            thread: Some(thread),
            counters,
        })
    }

    /// Runs `work` in the writer's transaction and returns its result once committed. `work` gets
    /// the connection (inside a savepoint of an open transaction) and the commit time in
    /// milliseconds (never smaller than any time given before).
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, i64) -> Result<T> + Send + 'static,
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
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the queue lets the thread finish what is queued and exit, closing the connection.
        self.queue.take();
        if let Some(t) = self.thread.take()
            && t.thread().id() != thread::current().id()
        {
            let _ = t.join();
        }
    }
}

/// Times handed to jobs only go forwards, one millisecond at least per job, so `created` follows
/// id order and two changes never share an instant (recent chats are ordered by their latest
/// change: a tie would put them in the wrong order).
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
    conn: Connection,
    mut rx: mpsc::Receiver<Box<dyn Job>>,
    counters: &Counters,
    watch: Option<(Watch, Arc<AtomicBool>)>,
) {
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
        let outcome = run_batch(&conn, &mut batch, &mut clock);
        if let Some((w, touched)) = &watch
            && touched.swap(false, Ordering::Relaxed)
        {
            // Also after a rollback: a spurious notice costs little, a missed one a stale answer.
            (w.on_commit)();
        }
        counters.batches.fetch_add(1, Ordering::Relaxed);
        counters
            .jobs
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        match &outcome {
            Ok(()) => debug!(jobs = batch.len(), "committed"),
            Err(e) => error!(jobs = batch.len(), error = %e, "store batch failed"),
        }
        for job in batch.drain(..) {
            job.finish(&outcome);
        }
    }
    debug!("store writer stopping");
}

/// Runs the batch in one transaction. On `Err` nothing of the batch was committed.
fn run_batch(conn: &Connection, batch: &mut [Box<dyn Job>], clock: &mut Clock) -> Result<()> {
    run_cached(conn, "BEGIN IMMEDIATE")?;
    let result = run_jobs(conn, batch, clock).and_then(|()| run_cached(conn, "COMMIT"));
    if result.is_err()
        && !conn.is_autocommit()
        && let Err(e) = conn.execute_batch("ROLLBACK")
    {
        error!(error = %e, "rollback failed");
    }
    result
}

fn run_jobs(conn: &Connection, batch: &mut [Box<dyn Job>], clock: &mut Clock) -> Result<()> {
    for job in batch.iter_mut() {
        // Each job's savepoint and its release are prepared once and kept in the connection's
        // statement cache (`execute_batch` would parse them again for every job).
        run_cached(conn, "SAVEPOINT job")?;
        let ok = job.run(conn, clock.tick());
        if conn.is_autocommit() {
            // SQLite rolled the whole transaction back (I/O error, disk full, ...).
            return Err(Error::Internal(
                "the database rolled the transaction back".into(),
            ));
        }
        if !ok {
            run_cached(conn, "ROLLBACK TO job")?;
        }
        run_cached(conn, "RELEASE job")?;
    }
    Ok(())
}

/// Runs a statement that takes no parameters and returns no rows, from the statement cache.
fn run_cached(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute([]))
        .map(|_| ())
        .map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, open_writer};

    fn writer(dir: &std::path::Path) -> Writer {
        let conn = open_writer(&dir.join("w.db")).unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER NOT NULL UNIQUE)")
            .unwrap();
        Writer::start(conn, None).unwrap()
    }

    fn insert(v: i64) -> impl FnOnce(&Connection, i64) -> Result<i64> + Send + 'static {
        move |c: &Connection, _now: i64| {
            c.execute("INSERT INTO t (v) VALUES (?1)", [v]).db()?;
            Ok(c.last_insert_rowid())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_jobs_share_one_commit_and_failures_stay_isolated() {
        let dir = tempfile::tempdir().unwrap();
        let w = Arc::new(writer(dir.path()));
        // Hold the writer inside a job until 100 more are queued.
        let (started_tx, started) = oneshot::channel::<()>();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let gate = {
            let w = w.clone();
            tokio::spawn(async move {
                w.run(move |_c: &Connection, _| {
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
        // Wait until all 100 are queued.
        while w.queue.as_ref().unwrap().capacity() > QUEUE - 100 {
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
            .run(|c: &Connection, _| c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).db())
            .await
            .unwrap();
        assert_eq!(n, 91);
    }

    #[tokio::test]
    async fn a_panicking_job_does_not_kill_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let w = writer(dir.path());
        let r: Result<()> = w
            .run(|c: &Connection, _| {
                c.execute("INSERT INTO t (v) VALUES (1)", []).db()?;
                panic!("boom")
            })
            .await;
        assert!(matches!(r, Err(Error::Internal(_))));
        assert_eq!(w.run(insert(1)).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn times_never_go_backwards() {
        let dir = tempfile::tempdir().unwrap();
        let w = writer(dir.path());
        let mut last = 0;
        for _ in 0..50 {
            let now = w.run(|_c: &Connection, now| Ok(now)).await.unwrap();
            assert!(now >= last);
            last = now;
        }
    }
}
