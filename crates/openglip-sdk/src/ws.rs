//! WebSocket subscriptions over RingCentral's WebSocket gateway (WSG) protocol, as
//! `@rc-ex/ws` and the Python SDK speak it:
//!
//! 1. `POST /restapi/oauth/wstoken` → `{ws_access_token, uri, expires_in}`;
//! 2. connect `{uri}?access_token=…` (and `&wsc=…` to recover a session);
//! 3. the first frame is `[{"type":"ConnectionDetails","wsc":{token,sequence},…}, {recoveryTimeout,…,recoveryState?}]`;
//! 4. the subscription is created by tunnelling REST: `[{"type":"ClientRequest","messageId","method":"POST","path":"/restapi/v1.0/subscription"}, {eventFilters, deliveryMode:{transportType:"WebSocket"}}]`,
//!    answered by a `ClientRequest` frame with the same `messageId` and a `status`;
//! 5. notifications arrive as `[{"type":"ServerNotification","wsc":{…}}, envelope]`;
//! 6. after a minute without traffic the client sends `[{"type":"Heartbeat","messageId"}]`, which
//!    the server echoes.
//!
//! When the connection drops, the client reconnects (backing off 2 s, 4 s, … up to 8 s). Within
//! the session's `recoveryTimeout` it asks to recover with `&wsc=`; if the server answers
//! `recoveryState: "Successful"` the subscription lives on and missed notifications are replayed
//! ([`Incoming::Recovered`]); otherwise the subscription is renewed on the new connection (`PUT`,
//! or `POST` when it is gone) and the stream yields [`Incoming::Gap`], since notifications may
//! have been lost meanwhile.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use openglip_wire::wsg::{self, ConnectionDetails, MessageType, Meta, RecoveryState};
use openglip_wire::{DeliveryModeRequest, SubscriptionRequest};
use serde::Deserialize;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use openglip_wire::SubscriptionInfo;

use crate::auth::random_token;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::events::{EventStream, Incoming, Notification};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Settings of a WebSocket subscription.
#[derive(Debug, Clone)]
pub struct WsOptions {
    pub event_filters: Vec<String>,
    /// Send a `Heartbeat` after this long without any incoming frame (RingCentral's SDK: 60 s).
    pub heartbeat_after: Duration,
    /// The connection is considered dead when nothing arrives this long after a heartbeat.
    pub heartbeat_timeout: Duration,
    /// How long to wait for `ConnectionDetails` and for answers to `ClientRequest`s.
    pub request_timeout: Duration,
    /// The longest wait between reconnection attempts.
    pub max_backoff: Duration,
    /// Items buffered for a slow consumer before the connection stops being read.
    pub capacity: usize,
}

impl WsOptions {
    pub fn new(event_filters: Vec<String>) -> WsOptions {
        WsOptions {
            event_filters,
            heartbeat_after: Duration::from_secs(60),
            heartbeat_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            max_backoff: Duration::from_secs(8),
            capacity: 1024,
        }
    }
}

/// `wsc` of WSG frames: the session token and the sequence of the last frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Wsc {
    pub token: String,
    pub sequence: i64,
}

#[derive(Default)]
struct Shared {
    info: Option<SubscriptionInfo>,
    details: Option<Value>,
    wsc: Option<Wsc>,
    connected: bool,
    connections: u64,
    last_error: Option<String>,
}

/// A live WebSocket subscription. Its notifications arrive on the [`EventStream`] returned with
/// it. Dropping this handle does not end the subscription; [`WsSubscription::close`] does, and
/// so does dropping the stream.
pub struct WsSubscription {
    shared: Arc<Mutex<Shared>>,
    close: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl WsSubscription {
    /// The subscription as the server last described it.
    pub fn info(&self) -> Option<SubscriptionInfo> {
        self.lock().info.clone()
    }
    /// The body of the last `ConnectionDetails` frame.
    pub fn connection_details(&self) -> Option<Value> {
        self.lock().details.clone()
    }
    pub fn wsc(&self) -> Option<Wsc> {
        self.lock().wsc.clone()
    }
    pub fn is_connected(&self) -> bool {
        self.lock().connected
    }
    /// How many connections were opened so far (1 until the first reconnection).
    pub fn connections(&self) -> u64 {
        self.lock().connections
    }
    pub fn last_error(&self) -> Option<String> {
        self.lock().last_error.clone()
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Cancels the subscription (a `DELETE` over the connection) and closes the connection.
    pub async fn close(self) {
        let _ = self.close.send(true);
        let _ = self.task.await;
    }
}

/// A frame as read: its meta (`openglip_wire::wsg::Meta`) and body.
struct Frame {
    meta: Meta,
    body: Option<Value>,
}

impl Frame {
    fn parse(text: &str) -> Option<Frame> {
        let (meta, body) = wsg::parse(text).ok()?;
        Some(Frame { meta, body })
    }
    fn kind(&self) -> MessageType {
        self.meta.kind
    }
    fn message_id(&self) -> Option<&str> {
        self.meta.message_id_str()
    }
    fn wsc(&self) -> Option<Wsc> {
        let w = self.meta.wsc.as_ref()?;
        Some(Wsc {
            token: w.token.clone(),
            sequence: w.sequence as i64,
        })
    }
}

/// A client frame's text: `[meta]` or `[meta, body]`.
fn client_frame(meta: &Meta, body: Option<&Value>) -> String {
    wsg::frame(meta, body.map(Value::to_string).as_deref())
}

fn new_message_id() -> String {
    random_token(16)
}

/// One open connection and what the session loop needs.
struct Conn {
    ws: Ws,
    last_in: Instant,
}

struct Session {
    client: Client,
    opts: WsOptions,
    shared: Arc<Mutex<Shared>>,
    tx: mpsc::Sender<Incoming>,
    /// Recently seen notification uuids (replays after recovery may repeat some).
    seen: VecDeque<String>,
    seen_set: HashSet<String>,
}

impl Session {
    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn track_wsc(&self, f: &Frame) {
        let Some(w) = f.wsc() else { return };
        let mut s = self.lock();
        let take = match &s.wsc {
            None => true,
            Some(_) if f.kind() == MessageType::ConnectionDetails => true,
            Some(cur) => cur.sequence < w.sequence || cur.token != w.token,
        };
        if take {
            s.wsc = Some(w);
        }
    }

    /// Opens a connection (recovering `wsc` when given) and waits for `ConnectionDetails`.
    async fn connect(&mut self, recover: Option<&Wsc>) -> Result<(Conn, Value)> {
        let token = self.client.ws_token().await?;
        let sep = if token.uri.contains('?') { '&' } else { '?' };
        let mut url = format!(
            "{}{sep}access_token={}",
            token.uri,
            encode(&token.ws_access_token)
        );
        if let Some(w) = recover {
            url.push_str(&format!("&wsc={}", encode(&w.token)));
        }
        let (ws, _) = tokio::time::timeout(
            self.opts.request_timeout,
            tokio_tungstenite::connect_async(url.as_str()),
        )
        .await
        .map_err(|_| Error::Timeout("WebSocket connect".into()))?
        .map_err(|e| Error::WebSocket(format!("connect: {e}")))?;
        let mut conn = Conn {
            ws,
            last_in: Instant::now(),
        };
        let deadline = Instant::now() + self.opts.request_timeout;
        loop {
            let f = self.read_frame(&mut conn, deadline).await?;
            match f.kind() {
                MessageType::ConnectionDetails => {
                    self.track_wsc(&f);
                    let details = f.body.unwrap_or(Value::Null);
                    let mut s = self.lock();
                    s.details = Some(details.clone());
                    s.connected = true;
                    s.connections += 1;
                    drop(s);
                    return Ok((conn, details));
                }
                MessageType::Error => {
                    let body = f.body.unwrap_or(Value::Null);
                    return Err(Error::WebSocket(format!("connection refused: {body}")));
                }
                _ => {}
            }
        }
    }

    /// Reads the next text frame (answering pings, skipping others) before `deadline`.
    async fn read_frame(&self, conn: &mut Conn, deadline: Instant) -> Result<Frame> {
        loop {
            let msg = tokio::time::timeout_at(deadline.into(), conn.ws.next())
                .await
                .map_err(|_| Error::Timeout("waiting for the WebSocket server".into()))?;
            let msg = match msg {
                None => return Err(Error::WebSocket("connection closed".into())),
                Some(Err(e)) => return Err(Error::WebSocket(e.to_string())),
                Some(Ok(m)) => m,
            };
            conn.last_in = Instant::now();
            match msg {
                Message::Text(t) => {
                    if let Some(f) = Frame::parse(t.as_str()) {
                        return Ok(f);
                    }
                    tracing::debug!(frame = %t.as_str(), "ignoring a frame that is not WSG JSON");
                }
                Message::Close(_) => return Err(Error::WebSocket("closed by the server".into())),
                _ => {}
            }
        }
    }

    /// Handles a frame that is not an answer being waited for. Returns false when the consumer
    /// has gone.
    async fn dispatch(&mut self, f: Frame) -> bool {
        self.track_wsc(&f);
        match f.kind() {
            MessageType::ServerNotification => {
                let Some(body) = f.body else { return true };
                let Some(n) = Notification::from_json(body) else {
                    return true;
                };
                let current = self.lock().info.as_ref().map(|i| i.id.clone());
                if current.as_deref().is_some_and(|c| c != n.subscription_id) {
                    return true;
                }
                if !n.uuid.is_empty() {
                    if self.seen_set.contains(&n.uuid) {
                        return true;
                    }
                    self.seen_set.insert(n.uuid.clone());
                    self.seen.push_back(n.uuid.clone());
                    if self.seen.len() > 1024
                        && let Some(old) = self.seen.pop_front()
                    {
                        self.seen_set.remove(&old);
                    }
                }
                self.tx
                    .send(Incoming::Notification(Box::new(n)))
                    .await
                    .is_ok()
            }
            MessageType::Error => {
                tracing::warn!(frame = ?f.body, "WSG error frame");
                true
            }
            _ => true,
        }
    }

    /// Tunnels a REST request (`ClientRequest`) and waits for its answer, dispatching
    /// notifications that arrive meanwhile.
    async fn request(
        &mut self,
        conn: &mut Conn,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value)> {
        let id = new_message_id();
        let mut headers = serde_json::Map::new();
        headers.insert(
            "X-User-Agent".into(),
            format!("openglip-sdk/{} ws", env!("CARGO_PKG_VERSION")).into(),
        );
        let meta = Meta {
            message_id: Some(id.clone().into()),
            method: Some(method.to_string()),
            path: Some(path.to_string()),
            headers: Some(headers),
            ..Meta::new(MessageType::ClientRequest)
        };
        conn.ws
            .send(Message::text(client_frame(&meta, body.as_ref())))
            .await
            .map_err(|e| Error::WebSocket(e.to_string()))?;
        let deadline = Instant::now() + self.opts.request_timeout;
        loop {
            let f = self.read_frame(conn, deadline).await?;
            if f.message_id() == Some(id.as_str())
                && matches!(
                    f.kind(),
                    MessageType::ClientRequest | MessageType::ClientResponse | MessageType::Error
                )
            {
                self.track_wsc(&f);
                let status = f.meta.status.unwrap_or(0);
                return Ok((status, f.body.unwrap_or(Value::Null)));
            }
            if !self.dispatch(f).await {
                return Err(Error::WebSocket("the event stream was dropped".into()));
            }
        }
    }

    /// Creates the subscription on this connection, or moves the existing one to it.
    async fn subscribe(&mut self, conn: &mut Conn) -> Result<SubscriptionInfo> {
        let body = serde_json::to_value(SubscriptionRequest {
            event_filters: Some(self.opts.event_filters.clone()),
            delivery_mode: Some(DeliveryModeRequest {
                transport_type: Some("WebSocket".into()),
                ..Default::default()
            }),
            expires_in: None,
        })
        .map_err(|e| Error::Decode(e.to_string()))?;
        let existing = self.lock().info.as_ref().map(|i| i.id.clone());
        if let Some(id) = existing {
            let path = format!("/restapi/v1.0/subscription/{}", crate::api::seg(&id));
            let (status, b) = self.request(conn, "PUT", &path, Some(body.clone())).await?;
            if (200..300).contains(&status)
                && let Ok(info) = serde_json::from_value::<SubscriptionInfo>(b)
            {
                self.lock().info = Some(info.clone());
                return Ok(info);
            }
        }
        let (status, b) = self
            .request(conn, "POST", "/restapi/v1.0/subscription", Some(body))
            .await?;
        if !(200..300).contains(&status) {
            return Err(Error::from_response(status, &b.to_string(), None));
        }
        let info: SubscriptionInfo =
            serde_json::from_value(b).map_err(|e| Error::Decode(e.to_string()))?;
        self.lock().info = Some(info.clone());
        Ok(info)
    }

    /// Reads the connection until it fails or the subscription is closed. Returns true when it
    /// should end for good.
    async fn run(&mut self, conn: &mut Conn, close: &mut watch::Receiver<bool>) -> bool {
        let mut heartbeat_sent: Option<Instant> = None;
        loop {
            let deadline = match heartbeat_sent {
                Some(t) => t + self.opts.heartbeat_timeout,
                None => conn.last_in + self.opts.heartbeat_after,
            };
            tokio::select! {
                _ = close.changed() => {
                    self.cancel(conn).await;
                    return true;
                }
                _ = self.tx.closed() => {
                    self.cancel(conn).await;
                    return true;
                }
                _ = tokio::time::sleep_until(deadline.into()) => {
                    if heartbeat_sent.is_some() {
                        tracing::info!("no answer to the heartbeat: reconnecting");
                        return false;
                    }
                    let hb = Meta {
                        message_id: Some(new_message_id().into()),
                        ..Meta::new(MessageType::Heartbeat)
                    };
                    if conn.ws.send(Message::text(client_frame(&hb, None))).await.is_err() {
                        return false;
                    }
                    heartbeat_sent = Some(Instant::now());
                }
                msg = conn.ws.next() => {
                    let msg = match msg {
                        None | Some(Err(_)) => return false,
                        Some(Ok(m)) => m,
                    };
                    conn.last_in = Instant::now();
                    heartbeat_sent = None;
                    match msg {
                        Message::Text(t) => {
                            if let Some(f) = Frame::parse(t.as_str())
                                && !self.dispatch(f).await
                            {
                                return true;
                            }
                        }
                        Message::Close(_) => return false,
                        _ => {}
                    }
                }
            }
        }
    }

    async fn cancel(&mut self, conn: &mut Conn) {
        let id = self.lock().info.as_ref().map(|i| i.id.clone());
        if let Some(id) = id {
            let path = format!("/restapi/v1.0/subscription/{}", crate::api::seg(&id));
            let req = self.request(conn, "DELETE", &path, None);
            let _ = tokio::time::timeout(Duration::from_secs(5), req).await;
        }
        let _ = conn.ws.close(None).await;
        let mut s = self.lock();
        s.connected = false;
        s.info = None;
    }

    /// Reconnects until it succeeds (or the subscription is closed / access is lost), then
    /// recovers or renews the subscription. Returns None when it should end.
    async fn reconnect(
        &mut self,
        lost_at: Instant,
        close: &mut watch::Receiver<bool>,
    ) -> Option<Conn> {
        let mut attempt: u32 = 0;
        loop {
            let wait = Duration::from_secs(2 + 2 * attempt as u64).min(self.opts.max_backoff);
            tokio::select! {
                _ = close.changed() => return None,
                _ = self.tx.closed() => return None,
                _ = tokio::time::sleep(wait) => {}
            }
            attempt += 1;
            let (wsc, recovery_timeout) = {
                let s = self.lock();
                let t = s
                    .details
                    .as_ref()
                    .and_then(details)
                    .map_or(180, |d| d.recovery_timeout);
                (s.wsc.clone(), Duration::from_secs(t))
            };
            let recover = wsc.filter(|_| lost_at.elapsed() < recovery_timeout);
            match self.connect(recover.as_ref()).await {
                Ok((mut conn, body)) => {
                    let recovered = recover.is_some()
                        && details(&body).and_then(|d| d.recovery_state)
                            == Some(RecoveryState::Successful);
                    if recovered {
                        tracing::info!("WebSocket session recovered");
                        if self.tx.send(Incoming::Recovered).await.is_err() {
                            return None;
                        }
                        return Some(conn);
                    }
                    match self.subscribe(&mut conn).await {
                        Ok(_) => {
                            tracing::info!("WebSocket reconnected; subscription renewed");
                            if self.tx.send(Incoming::Gap).await.is_err() {
                                return None;
                            }
                            return Some(conn);
                        }
                        Err(e) => self.failed(&e),
                    }
                }
                Err(e) => {
                    self.failed(&e);
                    if fatal(&e) {
                        return None;
                    }
                }
            }
        }
    }

    fn failed(&self, e: &Error) {
        tracing::debug!(error = %e, "WebSocket (re)connection failed");
        let mut s = self.lock();
        s.connected = false;
        s.last_error = Some(e.to_string());
    }
}

/// The body of a `ConnectionDetails` frame, typed.
fn details(body: &Value) -> Option<ConnectionDetails> {
    ConnectionDetails::deserialize(body).ok()
}

/// Errors after which reconnecting cannot help: the token or the app lost access.
fn fatal(e: &Error) -> bool {
    matches!(e.status(), Some(401 | 403)) || matches!(e, Error::NotLoggedIn)
}

fn encode(s: &str) -> String {
    crate::api::seg(s)
}

impl Client {
    /// Subscribes over a WebSocket. Connects and creates the subscription before returning
    /// (errors such as a missing `WebSocket` permission come back here), then keeps the
    /// connection alive, reconnecting and recovering as needed.
    pub async fn subscribe_ws(&self, opts: WsOptions) -> Result<(WsSubscription, EventStream)> {
        let (tx, stream) = EventStream::channel(opts.capacity);
        let shared = Arc::new(Mutex::new(Shared::default()));
        let mut session = Session {
            client: self.clone(),
            opts,
            shared: shared.clone(),
            tx,
            seen: VecDeque::new(),
            seen_set: HashSet::new(),
        };
        let (mut conn, _) = session.connect(None).await?;
        session.subscribe(&mut conn).await?;
        let (close_tx, mut close_rx) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                if session.run(&mut conn, &mut close_rx).await {
                    return;
                }
                session.lock().connected = false;
                let lost_at = Instant::now();
                tracing::info!("WebSocket connection lost: reconnecting");
                match session.reconnect(lost_at, &mut close_rx).await {
                    Some(c) => conn = c,
                    None => return,
                }
            }
        });
        Ok((
            WsSubscription {
                shared,
                close: close_tx,
                task,
            },
            stream,
        ))
    }
}
