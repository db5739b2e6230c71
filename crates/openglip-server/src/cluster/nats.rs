//! A small client of the NATS protocol over TCP: exactly what the cluster uses (publish with
//! headers, subscribe, request/reply through one inbox subscription, pings), with reconnection.
//!
//! The protocol is text lines (`INFO`, `CONNECT`, `PUB`/`HPUB`, `SUB`, `UNSUB`, `MSG`/`HMSG`,
//! `PING`/`PONG`, `+OK`, `-ERR`), each message's payload following its line with its byte
//! count, headers (`HPUB`/`HMSG`) as an HTTP-like block `NATS/1.0[ status]\r\nKey: Value\r\n\r\n`.
//! One task per client owns the connection: it writes the commands queued by [`Nats`] handles,
//! and a reader task per connection hands messages to subscriptions and pending requests. When
//! the connection is lost the task reconnects (backing off up to two seconds) and subscribes
//! again; requests made meanwhile fail at once with [`NatsError::Unavailable`], so callers fall
//! back or retry rather than wait.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot, watch};

/// How long connecting (TCP and the `CONNECT`/`PING` handshake) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// A `PING` is sent this often; two unanswered ones mean the connection is dead.
const PING_EVERY: Duration = Duration::from_secs(4);

/// A message received: on a subscription, or as the answer to a request.
#[derive(Debug, Clone, Default)]
pub struct Msg {
    pub subject: String,
    pub reply: Option<String>,
    pub headers: Vec<(String, String)>,
    /// The status of a header block's first line (`503`: no responders).
    pub status: Option<u16>,
    pub payload: Vec<u8>,
}

impl Msg {
    /// A header's value (names compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NatsError {
    /// Not connected (or the connection could not be made), with why.
    Unavailable(String),
    /// No answer in time.
    Timeout,
    /// Nobody listens on the subject (JetStream not enabled, or no such stream).
    NoResponders,
    /// The server said something this client does not understand, or refused.
    Protocol(String),
}

impl fmt::Display for NatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NatsError::Unavailable(why) => write!(f, "NATS is not reachable: {why}"),
            NatsError::Timeout => write!(f, "NATS did not answer in time"),
            NatsError::NoResponders => write!(
                f,
                "nobody answers on NATS (is JetStream enabled on the server? nats-server -js)"
            ),
            NatsError::Protocol(why) => write!(f, "NATS: {why}"),
        }
    }
}

impl std::error::Error for NatsError {}

enum Cmd {
    Pub {
        subject: String,
        reply: Option<String>,
        headers: Vec<(String, String)>,
        payload: Vec<u8>,
    },
    Sub(u64),
    Unsub(u64),
}

struct Shared {
    addr: String,
    subs: Mutex<HashMap<u64, (String, mpsc::UnboundedSender<Msg>)>>,
    pending: Mutex<HashMap<u64, oneshot::Sender<Msg>>>,
    next: AtomicU64,
    /// Replies come to `{inbox}.{n}`, one subscription (sid 0) for them all.
    inbox: String,
    connected: AtomicBool,
    /// Counts successful connections: a subscriber that must act after a reconnection (a
    /// JetStream consumer made again) watches it.
    generation: watch::Sender<u64>,
}

/// A handle on a NATS connection; clones share it. The connection task ends when the last
/// handle is dropped.
#[derive(Clone)]
pub struct Nats {
    shared: Arc<Shared>,
    tx: mpsc::UnboundedSender<Cmd>,
}

/// A subscription: its messages, in order. Dropping it unsubscribes.
pub struct Subscription {
    sid: u64,
    rx: mpsc::UnboundedReceiver<Msg>,
    tx: mpsc::UnboundedSender<Cmd>,
    shared: Arc<Shared>,
}

impl Subscription {
    pub async fn next(&mut self) -> Option<Msg> {
        self.rx.recv().await
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        lock(&self.shared.subs).remove(&self.sid);
        let _ = self.tx.send(Cmd::Unsub(self.sid));
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `nats://host[:port]` (or `host:port`) → `host:port`.
pub fn parse_url(url: &str) -> Result<String, String> {
    let rest = url.strip_prefix("nats://").unwrap_or(url);
    let rest = rest.trim_end_matches('/');
    if rest.is_empty()
        || rest.contains('/')
        || rest.contains('@')
        || url.contains("://") && !url.starts_with("nats://")
    {
        return Err(format!(
            "--nats takes a URL such as nats://127.0.0.1:4222 (no credentials, no TLS), not {url:?}"
        ));
    }
    Ok(
        if rest
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            rest.to_string()
        } else {
            format!("{rest}:4222")
        },
    )
}

impl Nats {
    /// Connects to the server at `url`; the first connection must succeed (a clear error
    /// otherwise), later losses are reconnected in the background.
    pub async fn connect(url: &str) -> Result<Nats, NatsError> {
        let addr = parse_url(url).map_err(NatsError::Protocol)?;
        let (r, w) = handshake(&addr).await?;
        let (generation, _) = watch::channel(1);
        let shared = Arc::new(Shared {
            addr,
            subs: Mutex::new(HashMap::new()),
            pending: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            inbox: format!(
                "_INBOX.{}",
                crate::secrets::new_token().replace(['-', '_'], "")
            ),
            connected: AtomicBool::new(true),
            generation,
        });
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(shared.clone(), rx, r, w));
        Ok(Nats { shared, tx })
    }

    /// Whether the connection is up now.
    pub fn is_connected(&self) -> bool {
        self.shared.connected.load(Ordering::SeqCst)
    }

    /// Bumped at every successful (re)connection.
    pub fn generation(&self) -> watch::Receiver<u64> {
        self.shared.generation.subscribe()
    }

    /// Publishes without waiting for anything (dropped if not connected).
    pub fn publish(&self, subject: &str, headers: Vec<(String, String)>, payload: Vec<u8>) {
        if self.is_connected() {
            let _ = self.tx.send(Cmd::Pub {
                subject: subject.to_string(),
                reply: None,
                headers,
                payload,
            });
        }
    }

    /// Publishes and waits for one answer on the inbox.
    pub async fn request(
        &self,
        subject: &str,
        headers: Vec<(String, String)>,
        payload: Vec<u8>,
        timeout: Duration,
    ) -> Result<Msg, NatsError> {
        if !self.is_connected() {
            return Err(NatsError::Unavailable(format!(
                "the connection to {} is down",
                self.shared.addr
            )));
        }
        let n = self.shared.next.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = oneshot::channel();
        lock(&self.shared.pending).insert(n, tx);
        let sent = self.tx.send(Cmd::Pub {
            subject: subject.to_string(),
            reply: Some(format!("{}.{n}", self.shared.inbox)),
            headers,
            payload,
        });
        if sent.is_err() {
            lock(&self.shared.pending).remove(&n);
            return Err(NatsError::Unavailable("the client is closed".into()));
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(m)) if m.status == Some(503) => Err(NatsError::NoResponders),
            Ok(Ok(m)) => Ok(m),
            Ok(Err(_)) => Err(NatsError::Unavailable("the connection was lost".into())),
            Err(_) => {
                lock(&self.shared.pending).remove(&n);
                Err(NatsError::Timeout)
            }
        }
    }

    /// Subscribes to `subject` (kept across reconnections).
    pub fn subscribe(&self, subject: &str) -> Subscription {
        let sid = self.shared.next.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.shared.subs).insert(sid, (subject.to_string(), tx));
        let _ = self.tx.send(Cmd::Sub(sid));
        Subscription {
            sid,
            rx,
            tx: self.tx.clone(),
            shared: self.shared.clone(),
        }
    }

    /// A fresh subject for a subscription of this client only (a JetStream push consumer's).
    pub fn new_inbox(&self) -> String {
        format!(
            "{}.s{}",
            self.shared.inbox,
            self.shared.next.fetch_add(1, Ordering::SeqCst)
        )
    }
}

type Reader = BufReader<OwnedReadHalf>;
type Writer = BufWriter<OwnedWriteHalf>;

async fn handshake(addr: &str) -> Result<(Reader, Writer), NatsError> {
    let unavailable = |e: String| NatsError::Unavailable(format!("{addr}: {e}"));
    let go = async {
        let s = TcpStream::connect(addr)
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        let _ = s.set_nodelay(true);
        let (r, w) = s.into_split();
        let mut r = BufReader::new(r);
        let mut w = BufWriter::new(w);
        let mut line = String::new();
        r.read_line(&mut line)
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        if !line.starts_with("INFO ") {
            return Err(NatsError::Protocol(format!(
                "{addr} does not speak NATS (it said {:?})",
                line.trim_end()
            )));
        }
        let connect = serde_json::json!({
            "verbose": false, "pedantic": false, "headers": true, "no_responders": true,
            "protocol": 1, "lang": "rust", "name": "openglip",
            "version": env!("CARGO_PKG_VERSION"),
        });
        w.write_all(format!("CONNECT {connect}\r\nPING\r\n").as_bytes())
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        w.flush().await.map_err(|e| unavailable(e.to_string()))?;
        loop {
            line.clear();
            let n = r
                .read_line(&mut line)
                .await
                .map_err(|e| unavailable(e.to_string()))?;
            let l = line.trim_end();
            if n == 0 {
                return Err(unavailable("closed during the handshake".into()));
            } else if l == "PONG" {
                return Ok((r, w));
            } else if let Some(err) = l.strip_prefix("-ERR") {
                return Err(NatsError::Protocol(format!(
                    "{addr} refused: {}",
                    err.trim()
                )));
            }
        }
    };
    tokio::time::timeout(CONNECT_TIMEOUT, go)
        .await
        .map_err(|_| unavailable("no answer within 3 s".into()))?
}

/// What a connection's reader tells its writer.
enum FromReader {
    Ping,
    Pong,
    Closed(String),
}

/// Owns the connection: writes commands, answers pings, reconnects.
async fn run(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Cmd>, r: Reader, w: Writer) {
    let mut conn = Some((r, w));
    let mut backoff = Duration::from_millis(100);
    loop {
        let (r, mut w) = match conn.take() {
            Some(c) => c,
            None => match handshake(&shared.addr).await {
                Ok(c) => {
                    backoff = Duration::from_millis(100);
                    tracing::info!(nats = %shared.addr, "reconnected to NATS");
                    shared.generation.send_modify(|g| *g += 1);
                    c
                }
                Err(e) => {
                    tracing::warn!(error = %e, "NATS reconnection failed; retrying");
                    if rx.is_closed() {
                        return;
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                    continue;
                }
            },
        };
        let (ftx, mut frx) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_loop(shared.clone(), r, ftx));
        let why = serve(&shared, &mut rx, &mut w, &mut frx).await;
        reader.abort();
        shared.connected.store(false, Ordering::SeqCst);
        // Requests waiting on this connection will not be answered.
        lock(&shared.pending).clear();
        match why {
            None => return,
            Some(why) => {
                tracing::warn!(nats = %shared.addr, error = %why, "NATS connection lost; reconnecting")
            }
        }
    }
}

/// Runs one connection until it fails (Some(why)) or every handle is gone (None).
async fn serve(
    shared: &Arc<Shared>,
    rx: &mut mpsc::UnboundedReceiver<Cmd>,
    w: &mut Writer,
    frx: &mut mpsc::UnboundedReceiver<FromReader>,
) -> Option<String> {
    let mut sent: HashSet<u64> = HashSet::new();
    let mut out = Vec::new();
    out.extend_from_slice(format!("SUB {}.* 0\r\n", shared.inbox).as_bytes());
    for (sid, (subject, _)) in lock(&shared.subs).iter() {
        out.extend_from_slice(format!("SUB {subject} {sid}\r\n").as_bytes());
        sent.insert(*sid);
    }
    if let Err(e) = write(w, &out).await {
        return Some(e);
    }
    shared.connected.store(true, Ordering::SeqCst);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut outstanding = 0u32;
    loop {
        out.clear();
        tokio::select! {
            cmd = rx.recv() => {
                let cmd = cmd?;
                encode(shared, cmd, &mut sent, &mut out);
                while let Ok(cmd) = rx.try_recv() {
                    encode(shared, cmd, &mut sent, &mut out);
                    if out.len() > 1 << 20 { break; }
                }
            }
            f = frx.recv() => match f {
                Some(FromReader::Ping) => out.extend_from_slice(b"PONG\r\n"),
                Some(FromReader::Pong) => outstanding = 0,
                Some(FromReader::Closed(why)) => return Some(why),
                None => return Some("reader ended".into()),
            },
            _ = ping.tick() => {
                if outstanding >= 2 {
                    return Some("the server stopped answering pings".into());
                }
                outstanding += 1;
                out.extend_from_slice(b"PING\r\n");
            }
        }
        if !out.is_empty()
            && let Err(e) = write(w, &out).await
        {
            return Some(e);
        }
    }
}

async fn write(w: &mut Writer, bytes: &[u8]) -> Result<(), String> {
    w.write_all(bytes).await.map_err(|e| e.to_string())?;
    w.flush().await.map_err(|e| e.to_string())
}

fn encode(shared: &Shared, cmd: Cmd, sent: &mut HashSet<u64>, out: &mut Vec<u8>) {
    match cmd {
        Cmd::Pub {
            subject,
            reply,
            headers,
            payload,
        } => {
            let reply = reply.map(|r| format!(" {r}")).unwrap_or_default();
            if headers.is_empty() {
                out.extend_from_slice(
                    format!("PUB {subject}{reply} {}\r\n", payload.len()).as_bytes(),
                );
            } else {
                let mut h = String::from("NATS/1.0\r\n");
                for (k, v) in &headers {
                    h.push_str(&format!("{k}: {v}\r\n"));
                }
                h.push_str("\r\n");
                out.extend_from_slice(
                    format!(
                        "HPUB {subject}{reply} {} {}\r\n",
                        h.len(),
                        h.len() + payload.len()
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(h.as_bytes());
            }
            out.extend_from_slice(&payload);
            out.extend_from_slice(b"\r\n");
        }
        Cmd::Sub(sid) => {
            if let Some((subject, _)) = lock(&shared.subs).get(&sid)
                && sent.insert(sid)
            {
                out.extend_from_slice(format!("SUB {subject} {sid}\r\n").as_bytes());
            }
        }
        Cmd::Unsub(sid) => {
            if sent.remove(&sid) {
                out.extend_from_slice(format!("UNSUB {sid}\r\n").as_bytes());
            }
        }
    }
}

async fn read_loop(shared: Arc<Shared>, mut r: Reader, tx: mpsc::UnboundedSender<FromReader>) {
    let why = match read_ops(&shared, &mut r, &tx).await {
        Ok(()) => "closed by the server".to_string(),
        Err(e) => e,
    };
    let _ = tx.send(FromReader::Closed(why));
}

async fn read_ops(
    shared: &Shared,
    r: &mut Reader,
    tx: &mpsc::UnboundedSender<FromReader>,
) -> Result<(), String> {
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await.map_err(|e| e.to_string())? == 0 {
            return Ok(());
        }
        let l = line.trim_end();
        let mut parts = l.split_ascii_whitespace();
        let op = parts.next().unwrap_or("");
        let args: Vec<&str> = parts.collect();
        match op {
            "MSG" | "HMSG" => {
                let headed = op == "HMSG";
                let (subject, sid, reply, hlen, total) = match (headed, args.as_slice()) {
                    (false, [s, id, n]) => (*s, *id, None, "0", *n),
                    (false, [s, id, rp, n]) => (*s, *id, Some(*rp), "0", *n),
                    (true, [s, id, h, n]) => (*s, *id, None, *h, *n),
                    (true, [s, id, rp, h, n]) => (*s, *id, Some(*rp), *h, *n),
                    _ => return Err(format!("malformed {op} line {l:?}")),
                };
                let bad = || format!("malformed {op} line {l:?}");
                let total: usize = total.parse().map_err(|_| bad())?;
                let hlen: usize = hlen.parse().map_err(|_| bad())?;
                let sid: u64 = sid.parse().map_err(|_| bad())?;
                if hlen > total {
                    return Err(bad());
                }
                let mut buf = vec![0u8; total + 2];
                r.read_exact(&mut buf).await.map_err(|e| e.to_string())?;
                buf.truncate(total);
                let payload = buf.split_off(hlen);
                let (status, headers) = parse_headers(&buf);
                let msg = Msg {
                    subject: subject.to_string(),
                    reply: reply.map(str::to_string),
                    headers,
                    status,
                    payload,
                };
                dispatch(shared, sid, msg);
            }
            "PING" => {
                let _ = tx.send(FromReader::Ping);
            }
            "PONG" => {
                let _ = tx.send(FromReader::Pong);
            }
            "-ERR" => {
                tracing::warn!(nats = %shared.addr, error = %l, "NATS reported an error");
            }
            _ => {} // +OK, INFO
        }
    }
}

fn dispatch(shared: &Shared, sid: u64, msg: Msg) {
    if sid == 0 {
        let n = msg
            .subject
            .rsplit('.')
            .next()
            .and_then(|t| t.parse::<u64>().ok());
        if let Some(n) = n
            && let Some(tx) = lock(&shared.pending).remove(&n)
        {
            let _ = tx.send(msg);
        }
        return;
    }
    if let Some((_, tx)) = lock(&shared.subs).get(&sid) {
        let _ = tx.send(msg);
    }
}

/// The header block: `NATS/1.0[ status[ description]]` then `Key: Value` lines.
fn parse_headers(block: &[u8]) -> (Option<u16>, Vec<(String, String)>) {
    if block.is_empty() {
        return (None, Vec::new());
    }
    let text = String::from_utf8_lossy(block);
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|first| first.split_ascii_whitespace().nth(1))
        .and_then(|s| s.parse().ok());
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    (status, headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("nats://127.0.0.1:4222").unwrap(),
            "127.0.0.1:4222"
        );
        assert_eq!(
            parse_url("nats://nats.internal").unwrap(),
            "nats.internal:4222"
        );
        assert_eq!(parse_url("h:5").unwrap(), "h:5");
        assert!(parse_url("http://h:4222").is_err());
        assert!(parse_url("nats://u:p@h:4222").is_err());
        assert!(parse_url("").is_err());
    }

    #[test]
    fn header_blocks() {
        let (s, h) = parse_headers(b"NATS/1.0 503\r\n\r\n");
        assert_eq!(s, Some(503));
        assert!(h.is_empty());
        let (s, h) = parse_headers(b"NATS/1.0\r\nNats-Msg-Id: 7\r\nA: b c\r\n\r\n");
        assert_eq!(s, None);
        assert_eq!(
            h,
            vec![
                ("Nats-Msg-Id".into(), "7".into()),
                ("A".into(), "b c".into())
            ]
        );
    }
}
