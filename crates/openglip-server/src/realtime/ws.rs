//! The WebSocket transport, spoken as RingCentral's WebSocket gateway ("WSG") speaks it, so that
//! `@rc-ex/ws` (behind `@ringcentral/subscriptions`) and the Python SDK's `WebSocketClient` work
//! unchanged.
//!
//! The protocol: `POST /restapi/oauth/wstoken` gives a short-lived, single-use token and the
//! gateway's `uri`; the client opens `{uri}?access_token=…[&wsc=…]`. Every text frame is a JSON
//! array `[meta, body?]`. The server speaks first (`ConnectionDetails`, carrying the session
//! token `wsc.token`); the client tunnels REST calls as `ClientRequest` frames (a subscription
//! with `deliveryMode.transportType: "WebSocket"` binds to the connection's session) and sends
//! `Heartbeat`s; the server pushes `ServerNotification`s and answers every frame it can.
//!
//! The design: a [`session::Session`] outlives its connections. It owns the subscription bound to
//! it (one at a time) and an ordered queue of frames to write; a notification leaves the queue
//! only once it was written to a socket. When a connection ends, the session keeps the unwritten
//! notifications (and keeps receiving, up to `recovery_buffer`) for `recovery_timeout`; a new
//! connection naming the session's token (`&wsc=`) takes it over and gets them replayed
//! (`recoveryState: "Successful"`), otherwise the session ends and its subscription is removed.
//! Each connection ([`conn`]) runs a reader (frames in, timers) and a writer (queue out, pings);
//! a client that does not read is disconnected when its queue passes `send_queue`.

mod conn;
mod frame;
mod session;
mod tunnel;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use openglip_domain::{Caller, Error};
use openglip_wire as w;
use tokio::time::Instant;

/// A UUID (version 4) for a frame's `messageId` or `RCRequestId`. These only tell frames apart
/// (they guard nothing), and every notification frame needs two: rather than two reads of the
/// operating system's random source per frame, a counter is mixed with a random key drawn once
/// per process (each half through a bijection, so no two frames of a process share an id, and
/// two processes' ids differ by their keys).
pub(crate) fn new_uuid() -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static KEY: OnceLock<[u64; 2]> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    /// SplitMix64's finaliser: a bijection of `u64` that mixes every bit into every other.
    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    let key = KEY.get_or_init(|| {
        let b = secrets::random_bytes::<16>();
        let half = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        [half(0), half(8)]
    });
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&mix(n ^ key[0]).to_le_bytes());
    bytes[8..].copy_from_slice(&mix(n.wrapping_add(key[1])).to_le_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::secrets;

pub use session::Session;

/// Settings of the WebSocket gateway. The numbers a client should know are announced in the
/// `ConnectionDetails` frame.
#[derive(Debug, Clone)]
pub struct WsConfig {
    /// Lifetime of a `wstoken` (RingCentral's documentation shows 30 s, `@rc-ex/ws` expects up
    /// to 600 s).
    pub token_ttl: Duration,
    /// Notifications kept for a disconnected session (`recoveryBufferSize`).
    pub recovery_buffer: usize,
    /// How long a disconnected session can be recovered (`recoveryTimeout`).
    pub recovery_timeout: Duration,
    /// A connection over which the client sends nothing for this long is closed with
    /// `WSG-902` (`idleTimeout`).
    pub idle_timeout: Duration,
    /// Every connection is closed with `WSG-903` after this long (`absoluteTimeout`).
    pub absolute_timeout: Duration,
    /// WebSocket pings sent this often; a pong must come back within `pong_timeout`.
    pub ping_interval: Duration,
    pub pong_timeout: Duration,
    /// Frames waiting to be written before the client counts as too slow and is disconnected.
    pub send_queue: usize,
    /// A single write taking longer than this also disconnects the client.
    pub send_timeout: Duration,
    /// Tunnelled requests run at once per connection (`maxActiveRequests`); more wait.
    pub max_active_requests: usize,
    /// Announced as `maxConnectionsPerSession` (not enforced: a session has one connection at a
    /// time, a newer one taking over).
    pub max_connections_per_session: u32,
    /// Pause after a frame a client must act on before it can take notifications: the answer
    /// naming a new subscription, and the details of a recovered session (ahead of the replay).
    /// `@rc-ex/ws` learns the subscription id, and re-attaches its listener after a recovery, only
    /// once it has handled that frame; notifications read in the same network chunk would be
    /// dropped (or, before the id is known, crash its listener).
    pub settle: Duration,
}

impl Default for WsConfig {
    fn default() -> Self {
        WsConfig {
            token_ttl: Duration::from_secs(60),
            recovery_buffer: 100,
            recovery_timeout: Duration::from_secs(180),
            idle_timeout: Duration::from_secs(1800),
            absolute_timeout: Duration::from_secs(86_400),
            ping_interval: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(20),
            send_queue: 2048,
            send_timeout: Duration::from_secs(30),
            max_active_requests: 10,
            max_connections_per_session: 50,
            settle: Duration::from_millis(100),
        }
    }
}

/// A `wstoken`, kept as its hash only.
struct TokenEntry {
    caller: Caller,
    expires: Instant,
    /// The session the token opened (hash of its `wsc` token). A used token is refused, except to
    /// recover that same session within the token's lifetime: `@rc-ex/ws` reconnects with its
    /// cached token (for 80 % of `expires_in`) when recovering.
    opened: Option<[u8; 32]>,
}

#[derive(Default)]
struct Tables {
    tokens: HashMap<[u8; 32], TokenEntry>,
    /// Token table size that triggers the next sweep of expired tokens.
    sweep_at: usize,
    /// Live and recoverable sessions by the hash of their `wsc` token.
    sessions: HashMap<[u8; 32], Arc<Session>>,
}

/// The gateway's state: outstanding `wstoken`s and sessions. Memory only: sessions do not survive
/// a restart (their subscriptions are deleted when the hub starts).
#[derive(Default)]
pub struct Registry {
    tables: Mutex<Tables>,
}

/// Why a connection is refused: sent as an `Error` frame, then the socket is closed.
#[derive(Debug, Clone)]
pub struct WsgError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl WsgError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        WsgError {
            status,
            code,
            message: message.into(),
        }
    }
}

/// How a connection asking to recover a session (`&wsc=`) fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    Successful,
    /// With the `recoveryErrorCode`: `WSG-1005` nothing to recover (unknown or ended session, no
    /// subscription, or more notifications missed than the buffer holds), `WSG-1003` the
    /// session belongs to someone else (both codes as RingCentral's gateway answers).
    Failed(&'static str),
}

/// The outcome of [`Registry::open`].
pub(crate) struct Opened {
    pub session: Arc<Session>,
    pub conn: session::ConnHandle,
    pub recovery: Option<Recovery>,
    /// A session that could not be recovered and must be ended (its subscription removed).
    pub ended: Option<Arc<Session>>,
}

fn same_party(a: &Caller, b: &Caller) -> bool {
    a.account_id == b.account_id && a.extension_id == b.extension_id && a.app_id == b.app_id
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Issues a `wstoken` for `caller`.
    pub fn issue(&self, caller: Caller, ttl: Duration) -> String {
        let token = secrets::new_token();
        let now = Instant::now();
        let mut t = self.lock();
        if t.tokens.len() >= t.sweep_at {
            t.tokens.retain(|_, e| e.expires > now);
            t.sweep_at = (t.tokens.len() * 2).max(64);
        }
        t.tokens.insert(
            secrets::hash_token(&token),
            TokenEntry {
                caller,
                expires: now + ttl,
                opened: None,
            },
        );
        token
    }

    /// Forgets the unused `wstoken`s of a person through an app, and returns their sessions
    /// (live or waiting for recovery), for the caller to end: signing out of the web client.
    pub fn sessions_of(
        &self,
        extension: openglip_domain::ExtensionId,
        app: openglip_domain::AppId,
    ) -> Vec<Arc<Session>> {
        let mut t = self.lock();
        t.tokens
            .retain(|_, e| !(e.caller.extension_id == extension && e.caller.app_id == app));
        t.sessions
            .values()
            .filter(|s| s.caller.extension_id == extension && s.caller.app_id == app)
            .cloned()
            .collect()
    }

    /// Whether `token` is a `wstoken` this node knows.
    pub(crate) fn knows_token(&self, token: &str) -> bool {
        self.lock().tokens.contains_key(&secrets::hash_token(token))
    }

    /// Adopts a `wstoken` another node of the cluster issued (and the session it opened).
    pub(crate) fn adopt_token(
        &self,
        token: &str,
        caller: Caller,
        ttl: Duration,
        opened: Option<[u8; 32]>,
    ) {
        let mut t = self.lock();
        t.tokens
            .entry(secrets::hash_token(token))
            .or_insert(TokenEntry {
                caller,
                expires: Instant::now() + ttl,
                opened,
            });
    }

    /// The session `token` opened, if it was redeemed here.
    pub(crate) fn opened_by(&self, token: &str) -> Option<[u8; 32]> {
        self.lock()
            .tokens
            .get(&secrets::hash_token(token))
            .and_then(|e| e.opened)
    }

    /// Adopts a session taken over from another node (unless one with its key is here).
    pub(crate) fn adopt_session(&self, session: Arc<Session>) {
        self.lock().sessions.entry(session.key).or_insert(session);
    }

    /// The session here bound to subscription `id`, if any.
    pub fn session_of_subscription(&self, id: &str) -> Option<Arc<Session>> {
        self.lock()
            .sessions
            .values()
            .find(|s| s.subscription().as_deref() == Some(id))
            .cloned()
    }

    /// Every session (live or waiting for recovery).
    pub fn sessions(&self) -> Vec<Arc<Session>> {
        self.lock().sessions.values().cloned().collect()
    }

    /// Whether the person has a live connection of the web client (its first-party app) now:
    /// what makes them present (`presenceStatus`).
    pub fn web_client_online(&self, extension: openglip_domain::ExtensionId) -> bool {
        let sessions: Vec<Arc<Session>> = self
            .lock()
            .sessions
            .values()
            .filter(|s| {
                s.caller.extension_id == extension
                    && s.caller.client_id
                        == openglip_platform::web_client::web_client_id(s.caller.account_id)
            })
            .cloned()
            .collect();
        sessions.iter().any(|s| s.is_live())
    }

    /// The apps through which the person has WebSocket sessions here (to end them all).
    pub fn apps_of(&self, extension: openglip_domain::ExtensionId) -> Vec<openglip_domain::AppId> {
        let mut apps: Vec<openglip_domain::AppId> = self
            .lock()
            .sessions
            .values()
            .filter(|s| s.caller.extension_id == extension)
            .map(|s| s.caller.app_id)
            .collect();
        apps.sort_unstable();
        apps.dedup();
        apps
    }

    /// Number of sessions (live or waiting for recovery).
    pub fn session_count(&self) -> usize {
        self.lock().sessions.len()
    }

    /// The session whose `wsc` token is `token`, if it is live or recoverable.
    pub fn session(&self, token: &str) -> Option<Arc<Session>> {
        self.lock()
            .sessions
            .get(&secrets::hash_token(token))
            .cloned()
    }

    /// Redeems a `wstoken` for a connection: a new session, or the recovered one named by `wsc`,
    /// with the connection attached to it.
    pub(crate) fn open(
        &self,
        config: &WsConfig,
        access_token: Option<&str>,
        wsc: Option<&str>,
    ) -> Result<Opened, WsgError> {
        let access_token = access_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| WsgError::new(400, "WSG-400", "Parameter [access_token] is required"))?;
        let invalid = || WsgError::new(401, "WSG-401", "Invalid or expired WebSocket access token");
        if !secrets::looks_like_token(access_token) {
            return Err(invalid());
        }
        let wsc = wsc.filter(|t| !t.is_empty());
        if wsc.is_some_and(|t| !secrets::looks_like_token(t)) {
            return Err(WsgError::new(
                400,
                "WSG-400",
                "Malformed WebSocket session context token",
            ));
        }
        let wsc_key = wsc.map(secrets::hash_token);
        let now = Instant::now();
        let mut t = self.lock();
        let key = secrets::hash_token(access_token);
        let entry = t
            .tokens
            .get(&key)
            .filter(|e| e.expires > now)
            .ok_or_else(invalid)?;
        if let Some(opened) = entry.opened
            && wsc_key != Some(opened)
        {
            return Err(WsgError::new(
                401,
                "WSG-401",
                "The WebSocket access token was already used",
            ));
        }
        let caller = entry.caller.clone();

        let mut recovery = None;
        let mut ended = None;
        let mut session = None;
        if let Some(k) = wsc_key {
            match t.sessions.get(&k).cloned() {
                None => recovery = Some(Recovery::Failed("WSG-1005")),
                Some(s) if !same_party(&s.caller, &caller) => {
                    recovery = Some(Recovery::Failed("WSG-1003"))
                }
                Some(s) => {
                    if let Some(conn) = s.attach_recovered() {
                        recovery = Some(Recovery::Successful);
                        session = Some((s, conn));
                    } else {
                        t.sessions.remove(&k);
                        recovery = Some(Recovery::Failed("WSG-1005"));
                        ended = Some(s);
                    }
                }
            }
        }
        let (session, conn) = match session {
            Some(x) => x,
            None => {
                let s = Arc::new(Session::new(caller, config.clone()));
                let conn = s.attach_new();
                t.sessions.insert(s.key, s.clone());
                (s, conn)
            }
        };
        if let Some(e) = t.tokens.get_mut(&key) {
            e.opened = Some(session.key);
        }
        Ok(Opened {
            session,
            conn,
            recovery,
            ended,
        })
    }

    /// Runs `f` with the registry locked, and forgets `session` if it returns `Some` (so that no
    /// connection can recover the session between the decision and its removal).
    fn remove_if<T>(&self, session: &Arc<Session>, f: impl FnOnce() -> Option<T>) -> Option<T> {
        let mut t = self.lock();
        let out = f()?;
        if t.sessions
            .get(&session.key)
            .is_some_and(|s| Arc::ptr_eq(s, session))
        {
            t.sessions.remove(&session.key);
        }
        Some(out)
    }

    /// Forgets `session` (when it ends).
    fn remove(&self, session: &Arc<Session>) {
        let mut t = self.lock();
        if t.sessions
            .get(&session.key)
            .is_some_and(|s| Arc::ptr_eq(s, session))
        {
            t.sessions.remove(&session.key);
        }
    }
}

/// The router tunnelled `ClientRequest`s run through (the application without this extension,
/// so a tunnelled request cannot open another WebSocket).
#[derive(Clone)]
pub struct Tunnel(pub Router);

/// The gateway address for a public base URL: `http`→`ws`, `https`→`wss`, path `/ws`.
pub fn gateway_uri(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}/ws")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}/ws")
    } else {
        format!("{base}/ws")
    }
}

/// `POST /restapi/oauth/wstoken`: a token for one WebSocket connection, remembering who asked.
pub async fn wstoken(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ttl = st.hub().config.ws.token_ttl;
    let token = st.hub().ws.issue(c.clone(), ttl);
    if let Some(cluster) = st.hub().cluster() {
        // Good on every node: the proxy may send the connection elsewhere.
        cluster.share_wstoken(st.hub(), &token, &c).await;
    }
    let body = w::WsToken {
        ws_access_token: token,
        uri: gateway_uri(&crate::api::base_url(&st, &headers)),
        expires_in: ttl.as_secs().max(1) as i64,
    };
    let mut resp = Json(body).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// Bytes of frames a connection collects before writing them to its socket (the writer flushes
/// the rest at the end of each batch).
const WRITE_BUFFER: usize = 16 * 1024;

/// `GET /ws?access_token=…[&wsc=…]`: the WebSocket gateway.
pub async fn upgrade(
    State(st): State<AppState>,
    tunnel: Option<Extension<Tunnel>>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    params: Params,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let Some(Extension(Tunnel(router))) = tunnel else {
        // A `ClientRequest` naming `/ws`.
        return ApiError(Error::InvalidUri).into_response();
    };
    let ws = match ws {
        Ok(ws) => ws,
        Err(_) => {
            return ApiError(Error::invalid_because(
                "Upgrade",
                "This is the WebSocket gateway: connect with a WebSocket client to {uri}?access_token=<ws_access_token> (POST /restapi/oauth/wstoken)",
            ))
            .into_response();
        }
    };
    let origin = tunnel::Origin {
        host: headers.get(header::HOST).cloned(),
        proto: headers.get("x-forwarded-proto").cloned(),
        peer: connect.map(|c| (c.0).0),
    };
    let access_token = params.get("access_token").map(str::to_string);
    let wsc = params.get("wsc").map(str::to_string);
    let limit = crate::BODY_LIMIT + 64 * 1024;
    // Small buffers: most sessions are idle, and 10,000 of them must fit in memory (the buffers
    // grow on demand for a large frame and shrink back). Frames written in one batch
    // (`conn::writer`) collect in the write buffer up to `WRITE_BUFFER`, then go out in one
    // system call; an idle session's buffer stays empty.
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade(move |socket| async move {
            // Counted as open until the connection ends.
            let _open = crate::metrics::WebSocketOpen::new();
            let hub = st.hub().clone();
            // In a cluster, the token and the session may be another node's.
            let resumed = match hub.cluster() {
                Some(c) => {
                    c.prepare_ws(&hub, access_token.as_deref(), wsc.as_deref())
                        .await
                }
                None => None,
            };
            let opened = hub
                .ws
                .open(&hub.config.ws, access_token.as_deref(), wsc.as_deref());
            match opened {
                Err(e) => conn::refuse(socket, &e).await,
                Ok(o) => {
                    if let Some(old) = &o.ended {
                        old.end(&hub).await;
                    }
                    if let Some(c) = hub.cluster() {
                        c.opened_ws(&hub, access_token.as_deref(), resumed.as_ref(), &o.session)
                            .await;
                    }
                    conn::run(socket, st, router, origin, o).await
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ids_are_distinct_version_4_uuids() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_uuid()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(10) {
            let u = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(u.get_version_num(), 4);
        }
    }

    #[test]
    fn gateway_uri_follows_the_scheme() {
        assert_eq!(gateway_uri("http://h:1"), "ws://h:1/ws");
        assert_eq!(gateway_uri("https://h/x/"), "wss://h/x/ws");
    }
}
