//! Outbox → stream (every node publishes what it finds in the outbox that the stream does not
//! have yet) and stream → hub (every node consumes the stream from its tail).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use openglip_domain::events::{EventPayload, StoredEvent};
use openglip_domain::{AccountId, Timestamp};
use serde::{Deserialize, Serialize};

use super::Cluster;
use super::jetstream::delivered_stream_seq;
use crate::realtime::{Fed, Hub};

/// `JSStreamWrongLastMsgIDErrF` and `JSStreamWrongLastSequenceErrF`: another node published
/// first; read the stream's tail again.
const WRONG_LAST: [i64; 2] = [10070, 10071];

/// An event as it travels on the stream (internal, like the outbox's payload).
#[derive(Serialize, Deserialize)]
struct EventMsg {
    seq: i64,
    account: AccountId,
    created: i64,
    payload: EventPayload,
}

impl EventMsg {
    fn of(ev: &StoredEvent) -> EventMsg {
        EventMsg {
            seq: ev.seq,
            account: ev.account_id,
            created: ev.created.millis(),
            payload: ev.payload.clone(),
        }
    }
    fn into_event(self) -> StoredEvent {
        StoredEvent {
            seq: self.seq,
            account_id: self.account,
            created: Timestamp::from_millis(self.created),
            payload: self.payload,
        }
    }
}

/// The outbox `seq` of the stream's last event (0 for an empty stream).
async fn stream_tail(c: &Cluster) -> Result<i64, String> {
    let last =
        c.js.last_msg(&c.stream, &c.subject)
            .await
            .map_err(|e| e.to_string())?;
    Ok(last
        .and_then(|m| {
            m.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Nats-Msg-Id"))
                .and_then(|(_, v)| v.parse().ok())
        })
        .unwrap_or(0))
}

/// Where the stream ends, as last read.
#[derive(Clone, Copy)]
enum Tail {
    /// Nothing published yet: relaying starts at the outbox's end as it was then (a node that
    /// starts reads the outbox itself up to there).
    Empty { from: i64 },
    /// The outbox `seq` of the stream's last event.
    At(i64),
}

async fn read_tail(c: &Cluster, hub: &Hub) -> Result<Tail, String> {
    match stream_tail(c).await? {
        0 => Ok(Tail::Empty {
            from: hub
                .store()
                .last_event_seq()
                .await
                .map_err(|e| e.to_string())?,
        }),
        t => Ok(Tail::At(t)),
    }
}

/// Publishes the outbox's events the stream lacks, in order, waking on this node's commits and
/// polling every second for the others' (a node that died between its commit and its publication
/// is covered by the survivors).
pub(super) async fn publish_loop(c: Arc<Cluster>, hub: Arc<Hub>) {
    let store = hub.store().clone();
    let mut tail: Option<Tail> = None;
    loop {
        let from = match tail {
            Some(Tail::At(s)) | Some(Tail::Empty { from: s }) => s,
            None => 0,
        };
        let from = from.max(c.published.load(Ordering::SeqCst));
        tokio::select! {
            _ = store.wait_for_events(from) => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        if !c.js.nats.is_connected() {
            tail = None;
            continue;
        }
        let t = match tail {
            Some(t) => t,
            None => match read_tail(&c, &hub).await {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the events stream's tail failed");
                    continue;
                }
            },
        };
        tail = publish_from(&c, &hub, t).await.ok();
    }
}

/// Publishes the events after the tail `t` until the outbox has no more: the new tail, or Err
/// when the tail must be read again (another node published first, or NATS failed).
async fn publish_from(c: &Cluster, hub: &Hub, t: Tail) -> Result<Tail, ()> {
    let (mut prev, mut after) = match t {
        Tail::Empty { from } => (None, from),
        Tail::At(s) => (Some(s), s),
    };
    // Other nodes may have published further (this node's consumer saw it): start there.
    let seen = c.published.load(Ordering::SeqCst);
    if seen > after {
        prev = Some(seen);
        after = seen;
    }
    loop {
        let batch = match hub.store().events_after(after, 256).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "reading the outbox to relay it failed");
                return Err(());
            }
        };
        for ev in &batch {
            let mut headers = vec![("Nats-Msg-Id".to_string(), ev.seq.to_string())];
            match prev {
                Some(p) => headers.push(("Nats-Expected-Last-Msg-Id".into(), p.to_string())),
                None => headers.push(("Nats-Expected-Last-Sequence".into(), "0".into())),
            }
            let body = serde_json::to_vec(&EventMsg::of(ev)).map_err(|_| ())?;
            match c.js.publish(&c.subject, headers, body).await {
                Ok(Ok(_)) => {
                    c.note_published(ev.seq);
                    prev = Some(ev.seq);
                }
                Ok(Err((code, _))) if WRONG_LAST.contains(&code) => return Err(()),
                Ok(Err((code, why))) => {
                    tracing::warn!(code, error = %why, "the events stream refused an event");
                    return Err(());
                }
                Err(e) => {
                    tracing::warn!(error = %e, "publishing an event to NATS failed");
                    return Err(());
                }
            }
        }
        match batch.last() {
            Some(l) if batch.len() == 256 => after = l.seq,
            _ => {
                return Ok(match prev {
                    Some(p) => Tail::At(p),
                    None => t,
                });
            }
        }
    }
}

/// Consumes the stream from its tail and hands each event to the hub, made again after every
/// reconnection (the hub is told, so that it checks the outbox for what it may have missed).
pub(super) async fn consume_loop(c: Arc<Cluster>, hub: Arc<Hub>) {
    let nats = c.js.nats.clone();
    let mut generation = nats.generation();
    loop {
        generation.borrow_and_update();
        let inbox = nats.new_inbox();
        let mut sub = nats.subscribe(&inbox);
        let made = async {
            let start = c.js.last_seq(&c.stream).await? + 1;
            c.js.push_consumer(&c.stream, &inbox, start).await
        };
        if let Err(e) = made.await {
            if nats.is_connected() {
                tracing::warn!(error = %e, "consuming the events stream failed; retrying");
            }
            drop(sub);
            tokio::select! {
                _ = generation.changed() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
            continue;
        }
        hub.feed(Fed::Reset);
        loop {
            tokio::select! {
                m = sub.next() => {
                    let Some(m) = m else { break };
                    let Some(sseq) = m.reply.as_deref().and_then(delivered_stream_seq) else {
                        continue; // a heartbeat or flow control, not an event
                    };
                    match serde_json::from_slice::<EventMsg>(&m.payload) {
                        Ok(msg) => {
                            c.note_published(msg.seq);
                            c.consumed.fetch_add(1, Ordering::Relaxed);
                            hub.feed(Fed::Event { stream_seq: sseq, event: Box::new(msg.into_event()) });
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "an unreadable event on the stream; reading the outbox");
                            hub.feed(Fed::Reset);
                        }
                    }
                }
                _ = generation.changed() => break,
            }
        }
        hub.feed(Fed::Reset);
    }
}
