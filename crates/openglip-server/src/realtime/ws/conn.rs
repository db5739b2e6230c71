//! One WebSocket connection of a session: the reader (frames in, timers) and the writer (the
//! session's queue out, pings, the closing frames).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use openglip_wire::wsg::{self, FrameError, MessageType, Meta};
use serde_json::Value;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{Semaphore, mpsc};
use tokio::time::{Instant, MissedTickBehavior, sleep_until, timeout};

use super::frame::{self, Out};
use super::session::{ConnHandle, Peek, RequestBinder, Session, Stop};
use super::tunnel::{self, Origin};
use super::{Opened, WsgError};
use crate::AppState;
use crate::realtime::{Hub, WsSessionRef};

/// How long closing frames may take before the socket is just dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

fn close_frame(code: u16, reason: &str) -> Message {
    // A close reason is at most 123 bytes.
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code,
        reason: reason[..end].into(),
    }))
}

/// Refuses a connection: an `Error` frame, then a close (code 4000 + status, as RingCentral's
/// gateway closes with 4400 when the token is missing).
pub async fn refuse(mut socket: WebSocket, e: &WsgError) {
    let text = Out::Frame(frame::error(e, None)).render("", 0);
    let _ = timeout(CLOSE_GRACE, async {
        socket.send(Message::Text(text.into())).await?;
        socket.send(close_frame(4000 + e.status, &e.message)).await
    })
    .await;
}

/// What the reader asks of the writer.
enum Ctl {
    Ping,
    /// Write this frame (if any), then close with this code and reason.
    Close(Option<String>, u16, String),
}

/// Frames written together, with one flush (one system call for many small notifications, as
/// long as they fit the connection's write buffer, `super::WRITE_BUFFER`).
const BATCH: usize = 64;

/// Writes the session's queue to the socket, in order, as many frames as are waiting (up to
/// [`BATCH`]) at a time, flushed once; a notification leaves the queue only once written. Ends
/// when the socket fails, a batch takes longer than `send_timeout` to write, the connection is
/// no longer the session's, or it is told to close.
async fn writer(
    mut tx: SplitSink<WebSocket, Message>,
    session: Arc<Session>,
    conn: ConnHandle,
    mut ctl: mpsc::Receiver<Ctl>,
    send_timeout: Duration,
    pause: Duration,
    mut sequence: u64,
) {
    async fn control(
        tx: &mut SplitSink<WebSocket, Message>,
        c: Ctl,
        send_timeout: Duration,
    ) -> bool {
        match c {
            Ctl::Ping => matches!(
                timeout(send_timeout, tx.send(Message::Ping(Default::default()))).await,
                Ok(Ok(()))
            ),
            Ctl::Close(frame, code, reason) => {
                let _ = timeout(CLOSE_GRACE, async {
                    if let Some(f) = frame {
                        tx.send(Message::Text(f.into())).await?;
                    }
                    tx.send(close_frame(code, &reason)).await
                })
                .await;
                false
            }
        }
    }
    loop {
        match ctl.try_recv() {
            Ok(c) => {
                if !control(&mut tx, c, send_timeout).await {
                    return;
                }
                continue;
            }
            Err(TryRecvError::Disconnected) => return,
            Err(TryRecvError::Empty) => {}
        }
        match session.peek(conn.id, BATCH) {
            Peek::Gone => return,
            Peek::Empty => {
                tokio::select! {
                    _ = conn.wake.notified() => {}
                    c = ctl.recv() => match c {
                        Some(c) => {
                            if !control(&mut tx, c, send_timeout).await {
                                return;
                            }
                        }
                        None => return,
                    },
                }
            }
            Peek::Items(items) => {
                let settle = items.last().is_some_and(|(_, o)| o.settles());
                let mut next = sequence;
                let write = async {
                    for (_, out) in &items {
                        let text = out.render(&session.token, next + 1);
                        if out.has_wsc() {
                            next += 1;
                        }
                        tx.feed(Message::Text(text.into())).await?;
                    }
                    tx.flush().await
                };
                match timeout(send_timeout, write).await {
                    Ok(Ok(())) => {
                        sequence = next;
                        session.written(conn.id, items.iter().map(|(id, _)| *id));
                        if settle {
                            tokio::time::sleep(pause).await;
                        }
                    }
                    // The socket failed, or the client reads too slowly.
                    _ => return,
                }
            }
        }
    }
}

/// Why the reader stopped.
enum End {
    /// The client closed, the socket failed, or pongs stopped coming.
    Gone,
    /// Idle or absolute timeout: an `Error` frame, then close.
    Timeout(WsgError),
    /// Told to stop (see [`Session::stop_reason`]).
    Stopped,
    /// The writer ended (write failure or timeout).
    WriterDone,
}

/// What handling a client frame needs.
struct Ctx {
    session: Arc<Session>,
    conn: u64,
    hub: Arc<Hub>,
    router: Router,
    origin: Arc<Origin>,
    requests: Arc<Semaphore>,
}

impl Ctx {
    fn reject(&self, message_id: Option<&str>, message: String) {
        let e = WsgError::new(400, "WSG-400", message);
        self.session
            .push_frame(self.conn, frame::error(&e, message_id));
    }

    async fn handle(&self, text: &str) {
        let (meta, body) = match wsg::parse(text) {
            Ok(frame) => frame,
            Err(FrameError::NotAnArray) => {
                return self.reject(
                    None,
                    "Malformed message: expected a JSON array [meta, body?]".into(),
                );
            }
            Err(FrameError::NoMeta) => {
                return self.reject(
                    None,
                    "Malformed message: the first element must be an object".into(),
                );
            }
            Err(FrameError::Field { name, message_id }) => {
                return self.reject(
                    message_id.as_deref(),
                    format!("Malformed message: [{name}] has the wrong type"),
                );
            }
        };
        match meta.kind {
            MessageType::Heartbeat => self
                .session
                .push_frame(self.conn, frame::heartbeat(meta.message_id.as_ref())),
            MessageType::ClientRequest => self.client_request(meta, body).await,
            _ => {
                let what = text_type(text);
                self.reject(
                    meta.message_id_str(),
                    format!("Unsupported message type [{what}]"),
                )
            }
        }
    }

    async fn client_request(&self, meta: Meta, body: Option<Value>) {
        // At most `maxActiveRequests` at once; beyond that the reader waits (back-pressure).
        let Ok(permit) = self.requests.clone().acquire_owned().await else {
            return;
        };
        let session = self.session.clone();
        let conn = self.conn;
        let hub = self.hub.clone();
        let router = self.router.clone();
        let origin = self.origin.clone();
        let request = session.next_request();
        tokio::spawn(async move {
            let binder = WsSessionRef(Arc::new(RequestBinder {
                session: session.clone(),
                request,
            }));
            let answer = tunnel::call(
                router,
                session.caller.clone(),
                binder,
                &origin,
                &meta,
                body.as_ref(),
            )
            .await;
            session.respond(conn, request, answer);
            drop(permit);
            session.reap_if_ended(&hub).await;
        });
    }
}

/// The `type` a frame's meta names, as sent (for refusing types the gateway does not take).
fn text_type(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v[0]["type"].as_str().map(str::to_string))
        .unwrap_or_else(|| "(none)".into())
}

/// Serves one connection until it ends, then detaches it from its session (which then waits
/// for a recovering connection).
pub async fn run(socket: WebSocket, st: AppState, router: Router, origin: Origin, opened: Opened) {
    let Opened {
        session,
        conn,
        recovery,
        ..
    } = opened;
    let hub = st.hub().clone();
    let cfg = hub.config.ws.clone();
    let (mut tx, mut rx) = socket.split();

    // The first frame, before anything queued (a recovery's replay follows it).
    let details = Out::Frame(frame::connection_details(&cfg, session.created, recovery));
    let text = details.render(&session.token, 1);
    let sent = timeout(cfg.send_timeout, tx.send(Message::Text(text.into()))).await;
    if !matches!(sent, Ok(Ok(()))) {
        session.detach(conn.id, &hub).await;
        return;
    }
    if recovery == Some(super::Recovery::Successful) {
        session.renew_subscription(&hub).await;
    }
    if details.settles() {
        // `@rc-ex/ws` listens for notifications again only once it has handled the details.
        tokio::time::sleep(cfg.settle).await;
    }

    let (ctl, ctl_rx) = mpsc::channel::<Ctl>(4);
    let mut writer = tokio::spawn(writer(
        tx,
        session.clone(),
        conn.clone(),
        ctl_rx,
        cfg.send_timeout,
        cfg.settle,
        1,
    ));
    let ctx = Ctx {
        session: session.clone(),
        conn: conn.id,
        hub: hub.clone(),
        router,
        origin: Arc::new(origin),
        requests: Arc::new(Semaphore::new(cfg.max_active_requests.max(1))),
    };
    let started = Instant::now();
    let absolute = started + cfg.absolute_timeout;
    let mut last_in = started;
    let mut ping = tokio::time::interval_at(started + cfg.ping_interval, cfg.ping_interval);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut pong_due: Option<Instant> = None;

    let end = loop {
        let idle_at = last_in + cfg.idle_timeout;
        tokio::select! {
            m = rx.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    last_in = Instant::now();
                    ctx.handle(t.as_str()).await;
                }
                Some(Ok(Message::Binary(b))) => {
                    last_in = Instant::now();
                    match std::str::from_utf8(&b) {
                        Ok(t) => ctx.handle(t).await,
                        Err(_) => ctx.reject(None, "Binary messages are not supported".into()),
                    }
                }
                // Any pong shows the client is there (the WebSocket layer answers pings itself).
                Some(Ok(Message::Pong(_))) => pong_due = None,
                Some(Ok(Message::Ping(_))) => {}
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break End::Gone,
            },
            _ = ping.tick() => {
                if pong_due.is_none() && ctl.try_send(Ctl::Ping).is_ok() {
                    pong_due = Some(Instant::now() + cfg.pong_timeout);
                }
            }
            _ = sleep_until(pong_due.unwrap_or(absolute)), if pong_due.is_some() => break End::Gone,
            _ = sleep_until(idle_at) => {
                break End::Timeout(WsgError::new(408, "WSG-902", "Idle timeout expired"));
            }
            _ = sleep_until(absolute) => {
                break End::Timeout(WsgError::new(408, "WSG-903", "Absolute timeout expired"));
            }
            _ = conn.stop.notified() => break End::Stopped,
            _ = &mut writer => break End::WriterDone,
        }
    };

    let close = |frame: Option<String>, code: u16, reason: &str| {
        Ctl::Close(frame, code, reason.to_string())
    };
    let graceful = match end {
        End::Timeout(e) => {
            let text = Out::Frame(frame::error(&e, None)).render("", 0);
            Some(close(Some(text), 1000, &e.message))
        }
        End::Stopped => match session.stop_reason(conn.id) {
            Some(Stop::Replaced) => {
                Some(close(None, 1000, "Session recovered by another connection"))
            }
            // Not reading: nothing more can be written.
            Some(Stop::Slow) | None => None,
        },
        End::Gone | End::WriterDone => None,
    };
    let closed = match graceful {
        Some(c) if !writer.is_finished() => {
            ctl.send(c).await.is_ok() && timeout(CLOSE_GRACE * 2, &mut writer).await.is_ok()
        }
        _ => false,
    };
    if !closed {
        writer.abort();
    }
    drop(rx);
    session.detach(conn.id, &hub).await;
}
