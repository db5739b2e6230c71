//! Routing committed events to the subscriptions that hear them, in three steps so that no
//! notification is rendered or encrypted while the hub's routing lock is held:
//!
//! 1. [`plan`], under the lock: the membership bookkeeping (a join counts before its event is
//!    delivered, a leave after) and the live subscriptions in each event's audience. The hub's
//!    position moves to the last event planned, so a subscription that is catching up from the
//!    outbox (lagging, hence planned for nothing) takes these events from there.
//! 2. [`render`], without the lock: each planned subscription's notifications, the event's body
//!    serialised once per wire generation and only the envelope (ids, filter, encryption) per
//!    subscription.
//! 3. [`deliver`], under the lock again: handed to the sinks that are still the registered,
//!    live ones. A subscription replaced, removed or fallen behind meanwhile gets nothing here;
//!    it reads the outbox from its cursor, past the position set in step 1. Sinks only queue,
//!    so this step is short.
//!
//! The dispatcher routes one batch at a time, so notifications reach every sink in `seq` order.

use std::collections::HashMap;
use std::sync::Arc;

use openglip_domain::Timestamp;
use openglip_domain::events::{Generation, StoredEvent, Subscription};
use openglip_domain::membership_history::MembershipHistory;
use openglip_domain::*;
use serde_json::value::RawValue;

use super::{Delivery, Routing, Sink, crypto, render};

/// A subscription an event goes to: what it asked for (shared with the routing table, never
/// copied) and the sink it had when planned.
pub(super) type Target = (Arc<Subscription>, Arc<dyn Sink>);

/// Notifications ready for one subscription: its id, the sink they were rendered for, and
/// the texts.
pub(super) type Rendered = (Arc<Subscription>, Arc<dyn Sink>, Vec<Delivery>);

/// Step 1: the subscriptions `ev` goes to, keeping the membership current. Under the lock.
pub(super) fn plan(r: &mut Routing, ev: &StoredEvent, t: Timestamp) -> Vec<Target> {
    use openglip_domain::events::EventPayload as P;
    // Joins count before delivery (the joiner is told, and gets the chat's posts from now on).
    if let P::GroupJoined { chat, persons } = &ev.payload {
        for p in persons {
            if let Some(set) = r.chats_of.get_mut(p) {
                set.insert(chat.id);
                r.members_of.entry(chat.id).or_default().insert(*p);
            }
        }
    }
    let mut to = Vec::new();
    {
        let mut add = |owner: &ExtensionId| {
            for id in r.by_owner.get(owner).into_iter().flatten() {
                let Some(e) = r.subs.get(id) else { continue };
                if e.lagging || !e.sub.is_live(t) || ev.seq <= e.sub.cursor {
                    continue;
                }
                if let Some(sink) = &e.sink {
                    to.push((e.sub.clone(), sink.clone()));
                }
            }
        };
        match ev.payload.explicit_audience() {
            Some(persons) => persons.iter().for_each(&mut add),
            None => {
                if let Some(members) = ev.payload.chat_id().and_then(|c| r.members_of.get(&c)) {
                    members.iter().for_each(&mut add);
                }
            }
        }
    }
    // Leaves count after delivery (the leaver is told, and gets nothing of the chat afterwards).
    if let P::GroupLeft { chat, persons } = &ev.payload {
        for p in persons {
            if let Some(set) = r.chats_of.get_mut(p) {
                set.remove(&chat.id);
            }
            if let Some(m) = r.members_of.get_mut(&chat.id) {
                m.remove(p);
            }
        }
    }
    to
}

/// Step 2: the notifications of each planned event (`plans[i]` for `events[i]`). No lock.
pub(super) fn render(events: &[StoredEvent], plans: Vec<Vec<Target>>) -> Vec<Rendered> {
    let mut out = Vec::new();
    for (ev, targets) in events.iter().zip(plans) {
        let mut bodies = HashMap::new();
        for (sub, sink) in targets {
            let notes = deliveries_for(&sub, ev, &mut bodies);
            if !notes.is_empty() {
                out.push((sub, sink, notes));
            }
        }
    }
    out
}

/// Step 3: hands the notifications to their sinks, in order, where the sink is still the
/// subscription's and it is not behind; a sink that refuses puts its subscription behind (it
/// catches up from the outbox). Under the lock.
pub(super) fn deliver(r: &mut Routing, rendered: Vec<Rendered>) {
    for (sub, sink, notes) in rendered {
        let Some(e) = r.subs.get_mut(&sub.id) else {
            continue;
        };
        let current = e.sink.as_ref().is_some_and(|s| Arc::ptr_eq(s, &sink));
        if !current || e.lagging {
            continue;
        }
        for d in notes {
            if !sink.deliver(d) {
                e.lagging = true;
                break;
            }
        }
    }
}

/// Whether `owner` was in the audience of `ev` when it happened.
pub(super) fn audience_at(
    history: &MembershipHistory,
    ev: &StoredEvent,
    owner: ExtensionId,
) -> bool {
    match ev.payload.explicit_audience() {
        Some(persons) => persons.contains(&owner),
        None => ev
            .payload
            .chat_id()
            .is_some_and(|c| history.member_at(c, ev.seq)),
    }
}

/// The notifications one subscription gets for one event (one per matching filter), with the
/// event's bodies rendered at most once per generation into `bodies`.
pub(super) fn deliveries_for(
    sub: &Subscription,
    ev: &StoredEvent,
    bodies: &mut HashMap<Generation, Box<RawValue>>,
) -> Vec<Delivery> {
    if sub.account_id != ev.account_id {
        return Vec::new();
    }
    let ts = ev.created.to_rfc3339();
    let owner = sub.owner.to_string();
    let mut out = Vec::new();
    for (i, f) in sub.filters.iter().enumerate() {
        if !f.accepts(&ev.payload) {
            continue;
        }
        let g = f.generation();
        let body = bodies.entry(g).or_insert_with(|| render::body(ev, g));
        let env = render::envelope(
            render::uuid(&sub.id, ev.seq, i),
            &f.text,
            &ts,
            &sub.id,
            &owner,
            body,
        );
        let text: Arc<str> = match &sub.encryption_key {
            Some(k) => crypto::encrypt(k, env.as_bytes()).into(),
            None => env.into(),
        };
        out.push(Delivery {
            seq: Some(ev.seq),
            text,
            committed: Some(ev.created),
            last_of_event: false,
        });
    }
    if let Some(last) = out.last_mut() {
        last.last_of_event = true;
    }
    out
}
