//! Which node delivers each WebHook subscription: the holder of its lease in the bucket
//! `{prefix}_webhooks` (key: the subscription id; value: the node's name). A lease is written
//! with compare-and-set on the key's revision, so two nodes never both take it; it expires
//! [`LEASE_TTL`] after its last renewal (the bucket's age), so a dead node's leases free
//! themselves and the survivors take them at their next round.
//!
//! Why NATS KV rather than a table: the leases are needed exactly when NATS is configured, their
//! expiry is the stream's own (no clock comparison between nodes, no sweeper), and renewing them
//! every two seconds costs no database writes. When NATS is unreachable no lease can be renewed:
//! a node stops delivering a subscription once its lease may have expired, so two nodes never
//! deliver one subscription at once for longer than a request already in flight.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use openglip_domain::events::{Subscription, SubscriptionStatus, Transport};
use serde_json::json;

use super::{Cluster, Held, LEASE_EVERY, LEASE_TTL};
use crate::auth::now;
use crate::realtime::{Hub, webhook};

/// The lease's value: who holds it.
fn value(c: &Cluster) -> Vec<u8> {
    json!({ "node": c.config.node }).to_string().into_bytes()
}

fn holder(v: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(v)
        .ok()?
        .get("node")?
        .as_str()
        .map(str::to_string)
}

impl Cluster {
    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the lease of subscription `id` if nobody holds it; true when this node now does.
    pub async fn acquire(&self, id: &str) -> Result<bool, String> {
        let expected = match self
            .js
            .kv_get(&self.bucket, id)
            .await
            .map_err(|e| e.to_string())?
        {
            None => 0,
            Some((rev, None)) => rev,
            Some((rev, Some(v))) if holder(&v).as_deref() == Some(&self.config.node) => rev,
            Some(_) => return Ok(false),
        };
        match self
            .js
            .kv_put_if(&self.bucket, id, value(self), expected)
            .await
            .map_err(|e| e.to_string())?
        {
            Some(rev) => {
                self.held().insert(
                    id.to_string(),
                    Held {
                        rev,
                        renewed: Instant::now(),
                    },
                );
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Gives a lease back (the subscription ended here).
    async fn release(&self, id: &str) {
        let held = self.held().remove(id);
        if let Some(h) = held
            && let Err(e) = self.js.kv_delete_if(&self.bucket, id, h.rev).await
        {
            tracing::debug!(subscription = %id, error = %e, "releasing a WebHook lease failed; it expires");
        }
    }

    /// Renews every held lease; the ids lost (taken, or possibly expired while NATS was away).
    async fn renew(&self) -> Vec<String> {
        let held: Vec<(String, u64, Instant)> = self
            .held()
            .iter()
            .map(|(k, h)| (k.clone(), h.rev, h.renewed))
            .collect();
        let mut lost = Vec::new();
        // A lease renewed longer ago than this may have expired: another node may hold it now.
        let unsafe_after = LEASE_TTL - LEASE_EVERY;
        for (id, rev, renewed) in held {
            match self.js.kv_put_if(&self.bucket, &id, value(self), rev).await {
                Ok(Some(rev)) => {
                    if let Some(h) = self.held().get_mut(&id) {
                        h.rev = rev;
                        h.renewed = Instant::now();
                    }
                }
                Ok(None) => lost.push(id),
                Err(_) if renewed.elapsed() >= unsafe_after => lost.push(id),
                Err(_) => {}
            }
        }
        for id in &lost {
            self.held().remove(id);
        }
        lost
    }
}

/// Whether a stored subscription changed in a way its worker's registration must follow.
fn changed(a: &Subscription, b: &Subscription) -> bool {
    a.expires != b.expires || a.filters != b.filters || a.status != b.status
}

/// Every [`LEASE_EVERY`]: renews this node's leases (stopping the workers of lost ones), follows
/// the store's changes to the subscriptions it delivers (renewed, deleted or blacklisted through
/// another node), and takes the live WebHook subscriptions nobody delivers.
pub(super) async fn lease_loop(c: Arc<Cluster>, hub: Arc<Hub>) {
    let mut tick = tokio::time::interval(LEASE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut known: HashMap<String, Subscription> = HashMap::new();
    loop {
        tick.tick().await;
        for id in c.renew().await {
            tracing::warn!(subscription = %id, node = %c.config.node, "lost the lease of a WebHook subscription; another node delivers it");
            hub.unregister(&id);
            known.remove(&id);
        }
        let subs = match hub.store().all_subscriptions().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "reading the subscriptions failed");
                continue;
            }
        };
        let t = now();
        // A dead node's WebSocket subscriptions, once expired (a node no longer deletes them at
        // start in a cluster: they may be another node's live sessions').
        for s in subs.iter().filter(|s| {
            matches!(s.transport, Transport::WebSocket)
                && s.expires <= t
                && hub.ws.session_of_subscription(&s.id).is_none()
        }) {
            if let Err(e) = hub.store().delete_subscription(s.id.clone()).await {
                tracing::debug!(error = %e, "deleting an expired WebSocket subscription failed");
            }
        }
        let live: HashMap<String, Subscription> = subs
            .into_iter()
            .filter(|s| {
                matches!(s.transport, Transport::WebHook { .. })
                    && s.status == SubscriptionStatus::Active
                    && s.is_live(t)
            })
            .map(|s| (s.id.clone(), s))
            .collect();
        let held: HashSet<String> = c.held().keys().cloned().collect();
        for id in &held {
            match live.get(id) {
                None => {
                    // Deleted, expired or blacklisted (possibly through another node).
                    hub.unregister(id);
                    known.remove(id);
                    c.release(id).await;
                }
                Some(s) => {
                    let before = known.insert(id.clone(), s.clone());
                    match before {
                        // A new address or key: a new worker (the lease stays).
                        Some(k)
                            if k.transport != s.transport
                                || k.encryption_key != s.encryption_key =>
                        {
                            start_worker(&hub, s.clone()).await;
                        }
                        Some(k) if changed(&k, s) => hub.update(s.clone()),
                        _ => {}
                    }
                }
            }
        }
        for (id, sub) in live {
            if held.contains(&id) {
                continue;
            }
            match c.acquire(&id).await {
                Ok(true) => {
                    tracing::info!(subscription = %id, node = %c.config.node, "took over the delivery of a WebHook subscription");
                    known.insert(id.clone(), sub.clone());
                    start_worker(&hub, sub).await;
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::debug!(error = %e, "taking a WebHook lease failed");
                    break;
                }
            }
        }
    }
}

/// Starts delivering `sub` on this node (its lease held): a worker resuming from its cursor.
pub(crate) async fn start_worker(hub: &Arc<Hub>, sub: Subscription) {
    let id = sub.id.clone();
    let sink = webhook::Worker::start(hub.clone(), sub.clone());
    if let Err(e) = hub.register(sub, Some(sink), true).await {
        tracing::warn!(subscription = %id, error = %e, "starting a WebHook worker failed; the lease is given back");
        hub.unregister(&id);
        if let Some(c) = hub.cluster() {
            c.release(&id).await;
        }
    }
}
