//! WebSocket sessions across nodes: a `wstoken` issued by one node is good on all, and a client
//! whose node died (or whose proxy sent it elsewhere) recovers its session on another node with
//! `&wsc=`, missing nothing.
//!
//! - **Tokens**: each `wstoken` is also an entry of `{prefix}_wstokens` (key: its SHA-256 in hex;
//!   value: who asked, and, once redeemed, the session it opened), expiring with the token. A node
//!   that does not know a token looks it up there.
//! - **Sessions**: every [`PROGRESS_EVERY`] each node writes, for each of its sessions whose
//!   subscription or written cursor changed (and every minute for the others), an entry of
//!   `{prefix}_wssessions` (key: the hash of its `wsc` token): who it is, its subscription, and
//!   the outbox cursor of the last notification written to the client. Entries expire a minute
//!   after the recovery window. A node asked to recover a session it does not have takes the entry:
//!   it makes the session here (bound to the same subscription), tells the others on
//!   `{prefix}.wsmoved` (a node that still has it hands it over), registers the subscription with
//!   its hub and replays the outbox after the cursor. The recovery buffer is therefore the outbox,
//!   not a node's memory; what was written in the last [`PROGRESS_EVERY`] before a crash may be
//!   sent again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use openglip_domain::{AccountId, AppId, Caller, ExtensionId, ExtensionType, PermissionSet};
use serde::{Deserialize, Serialize};

use super::Cluster;
use crate::realtime::Hub;
use crate::realtime::ws::Session;
use crate::secrets;

/// How often a node shares its sessions' progress.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// Unchanged sessions are written again this often (their entries expire otherwise).
const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// A `Caller` as the cluster keeps it.
#[derive(Serialize, Deserialize, Clone)]
struct SharedCaller {
    account: AccountId,
    extension: ExtensionId,
    kind: ExtensionType,
    admin: bool,
    app: AppId,
    client: String,
    permissions: u32,
}

impl SharedCaller {
    fn of(c: &Caller) -> SharedCaller {
        SharedCaller {
            account: c.account_id,
            extension: c.extension_id,
            kind: c.extension_type,
            admin: c.is_admin,
            app: c.app_id,
            client: c.client_id.clone(),
            permissions: c.permissions.bits(),
        }
    }
    fn caller(&self) -> Caller {
        Caller {
            account_id: self.account,
            extension_id: self.extension,
            extension_type: self.kind,
            is_admin: self.admin,
            app_id: self.app,
            client_id: self.client.clone(),
            permissions: PermissionSet::from_bits(self.permissions),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct TokenEntry {
    caller: SharedCaller,
    /// The session the token opened (hex of its key).
    opened: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct SessionEntry {
    caller: SharedCaller,
    subscription: String,
    cursor: Option<i64>,
    node: String,
}

/// A session taken over from another node, to put in service once its connection is attached.
pub struct Resumed {
    subscription: String,
    cursor: Option<i64>,
}

fn hex(b: &[u8; 32]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl Cluster {
    fn tokens_bucket(&self) -> String {
        format!("{}_wstokens", self.config.prefix)
    }
    fn sessions_bucket(&self) -> String {
        format!("{}_wssessions", self.config.prefix)
    }

    async fn ws_buckets(&self, hub: &Hub) -> bool {
        let cfg = &hub.config.ws;
        self.ws_buckets
            .get_or_try_init(|| async {
                self.js
                    .ensure_bucket(&self.tokens_bucket(), cfg.token_ttl)
                    .await?;
                self.js
                    .ensure_bucket(
                        &self.sessions_bucket(),
                        cfg.recovery_timeout + Duration::from_secs(60),
                    )
                    .await
            })
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "making the WebSocket buckets failed"))
            .is_ok()
    }

    /// Shares a `wstoken` just issued here.
    pub async fn share_wstoken(&self, hub: &Hub, token: &str, caller: &Caller) {
        if !self.ws_buckets(hub).await {
            return;
        }
        let entry = TokenEntry {
            caller: SharedCaller::of(caller),
            opened: None,
        };
        let key = hex(&secrets::hash_token(token));
        let body = serde_json::to_vec(&entry).unwrap_or_default();
        if let Err(e) = self.js.kv_put(&self.tokens_bucket(), &key, body).await {
            tracing::warn!(error = %e, "sharing a wstoken failed; it is good on this node only");
        }
    }

    /// Before a connection is opened: adopts its token and the session it recovers when they are
    /// another node's. Some when a session was taken over.
    pub async fn prepare_ws(
        &self,
        hub: &Arc<Hub>,
        access_token: Option<&str>,
        wsc: Option<&str>,
    ) -> Option<Resumed> {
        let token = access_token.filter(|t| secrets::looks_like_token(t))?;
        if !self.ws_buckets(hub).await {
            return None;
        }
        if !hub.ws.knows_token(token) {
            let key = hex(&secrets::hash_token(token));
            if let Ok(Some((_, Some(v)))) = self.js.kv_get(&self.tokens_bucket(), &key).await
                && let Ok(e) = serde_json::from_slice::<TokenEntry>(&v)
            {
                let opened = e.opened.as_deref().and_then(unhex);
                hub.ws
                    .adopt_token(token, e.caller.caller(), hub.config.ws.token_ttl, opened);
            }
        }
        let wsc = wsc.filter(|t| secrets::looks_like_token(t))?;
        if hub.ws.session(wsc).is_some() {
            return None;
        }
        let key = hex(&secrets::hash_token(wsc));
        let Ok(Some((_, Some(v)))) = self.js.kv_get(&self.sessions_bucket(), &key).await else {
            return None;
        };
        let e = serde_json::from_slice::<SessionEntry>(&v).ok()?;
        let session = Arc::new(Session::resumed(
            wsc.to_string(),
            e.caller.caller(),
            hub.config.ws.clone(),
            e.subscription.clone(),
            e.cursor,
        ));
        hub.ws.adopt_session(session);
        // A node that still has it (the client only changed nodes) hands it over.
        let moved = serde_json::json!({ "node": self.config.node, "session": key });
        self.js.nats.publish(
            &format!("{}.wsmoved", self.config.prefix),
            Vec::new(),
            moved.to_string().into_bytes(),
        );
        tracing::info!(node = %self.config.node, subscription = %e.subscription, from = %e.node, "taking over a WebSocket session");
        Some(Resumed {
            subscription: e.subscription,
            cursor: e.cursor,
        })
    }

    /// After a connection was opened: records what the token opened, and puts a session taken
    /// over in service (its subscription registered here, what the client missed replayed from
    /// the outbox).
    pub async fn opened_ws(
        &self,
        hub: &Arc<Hub>,
        access_token: Option<&str>,
        resumed: Option<&Resumed>,
        session: &Arc<Session>,
    ) {
        if let Some(token) = access_token
            && let Some(opened) = hub.ws.opened_by(token)
        {
            let entry = TokenEntry {
                caller: SharedCaller::of(&session.caller),
                opened: Some(hex(&opened)),
            };
            let key = hex(&secrets::hash_token(token));
            let body = serde_json::to_vec(&entry).unwrap_or_default();
            let _ = self.js.kv_put(&self.tokens_bucket(), &key, body).await;
        }
        let Some(r) = resumed else { return };
        if session.progress().map(|p| p.0).as_deref() != Some(r.subscription.as_str()) {
            return;
        }
        let sub = match hub.store().subscription(r.subscription.clone()).await {
            Ok(Some(sub)) => sub,
            Ok(None) => {
                session.end(hub).await;
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading a recovered session's subscription failed");
                return;
            }
        };
        let Some(sink) = session.sink() else { return };
        let from = r.cursor.unwrap_or(sub.cursor);
        let id = sub.id.clone();
        if let Err(e) = hub.register(sub, Some(sink), true).await {
            tracing::warn!(error = %e, "registering a recovered session's subscription failed");
            return;
        }
        let r = hub.catch_up_into(&id, from).await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "replaying a recovered session's notifications failed");
        }
    }

    /// Shares this node's sessions' progress, forgets the entries of sessions that ended, and
    /// hands over sessions other nodes took.
    pub(super) async fn sessions_loop(self: Arc<Self>, hub: Arc<Hub>) {
        let mut moved = self
            .js
            .nats
            .subscribe(&format!("{}.wsmoved", self.config.prefix));
        let mut tick = tokio::time::interval(PROGRESS_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // What each session's entry says: (subscription, cursor), its revision, when written.
        let mut shared: HashMap<String, (String, Option<i64>, u64, tokio::time::Instant)> =
            HashMap::new();
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                m = moved.next() => {
                    let Some(m) = m else { return };
                    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&m.payload) else {
                        continue;
                    };
                    if v["node"].as_str() == Some(self.config.node.as_str()) {
                        continue;
                    }
                    let key = v["session"].as_str().unwrap_or_default().to_string();
                    if let Some(s) = hub.ws.sessions().into_iter().find(|s| s.key_hex() == key) {
                        s.hand_over(&hub).await;
                        shared.remove(&key);
                    }
                    continue;
                }
            }
            if !self.js.nats.is_connected() || !self.ws_buckets(&hub).await {
                continue;
            }
            let now = tokio::time::Instant::now();
            let mut live = std::collections::HashSet::new();
            for s in hub.ws.sessions() {
                let Some((sub, cursor)) = s.progress() else {
                    continue;
                };
                let key = s.key_hex();
                live.insert(key.clone());
                let fresh = shared.get(&key).is_some_and(|(ps, pc, _, at)| {
                    *ps == sub && *pc == cursor && now.duration_since(*at) < REFRESH_EVERY
                });
                if fresh {
                    continue;
                }
                let entry = SessionEntry {
                    caller: SharedCaller::of(&s.caller),
                    subscription: sub.clone(),
                    cursor,
                    node: self.config.node.clone(),
                };
                let body = serde_json::to_vec(&entry).unwrap_or_default();
                match self.js.kv_put(&self.sessions_bucket(), &key, body).await {
                    Ok(rev) => {
                        shared.insert(key, (sub, cursor, rev, now));
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "sharing a WebSocket session failed");
                        break;
                    }
                }
            }
            let ended: Vec<(String, u64)> = shared
                .iter()
                .filter(|(k, _)| !live.contains(*k))
                .map(|(k, v)| (k.clone(), v.2))
                .collect();
            for (key, rev) in ended {
                shared.remove(&key);
                // Only if nobody wrote it since (another node that took it over).
                let _ = self
                    .js
                    .kv_delete_if(&self.sessions_bucket(), &key, rev)
                    .await;
            }
        }
    }
}
