//! A WSG session: what survives a dropped connection. It owns the subscription bound to it and
//! the ordered queue of frames to write; notifications leave the queue only once written.
//!
//! Locking: the registry's lock may be taken before a session's, and the hub's routing lock
//! before a session's (the hub delivers into sessions); a session never calls the hub or the
//! registry while holding its own lock.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use openglip_domain::events::{Subscription, Transport};
use openglip_domain::{Caller, Timestamp};
use tokio::sync::Notify;

use super::WsConfig;
use super::frame::{Frame, Out};
use crate::auth::now;
use crate::realtime::{Delivery, Hub, Sink, WsBinder};
use crate::secrets;

/// Why a connection was told to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A newer connection recovered the session.
    Replaced,
    /// Its queue passed the limit: the client does not read.
    Slow,
}

/// What a connection holds of its attachment to a session.
#[derive(Clone)]
pub struct ConnHandle {
    pub id: u64,
    /// Signalled when there is something to write.
    pub wake: Arc<Notify>,
    /// Signalled when the connection must end (see [`Session::stop_reason`]).
    pub stop: Arc<Notify>,
}

struct Live {
    handle: ConnHandle,
    reason: Option<Stop>,
}

/// Notifications held back while the request that bound their subscription runs, so that its
/// answer (which tells the client the subscription id) is written before them.
struct Held {
    request: u64,
    notes: Vec<(Arc<str>, Option<i64>)>,
}

/// The frames waiting to be written, each numbered so that the writer removes exactly the one it
/// wrote even if the queue changed meanwhile.
#[derive(Default)]
struct Queue {
    items: VecDeque<(u64, Out)>,
    next: u64,
}

impl Queue {
    fn push(&mut self, out: Out) {
        self.next += 1;
        self.items.push_back((self.next, out));
    }
    fn retain(&mut self, mut keep: impl FnMut(&Out) -> bool) {
        self.items.retain(|(_, o)| keep(o));
    }
    fn clear(&mut self) {
        self.items.clear();
    }
    fn len(&self) -> usize {
        self.items.len()
    }
    /// Removes the front item if it is `id`.
    fn pop_if(&mut self, id: u64) -> Option<Out> {
        if self.items.front().is_some_and(|(i, _)| *i == id) {
            self.items.pop_front().map(|(_, o)| o)
        } else {
            None
        }
    }
}

struct State {
    live: Option<Live>,
    next_conn: u64,
    queue: Queue,
    /// Notifications in `queue`.
    notes: usize,
    held: Option<Held>,
    subscription: Option<String>,
    /// Incremented by every bind (see `SessionSink::generation`).
    bind_gen: u64,
    next_request: u64,
    /// More notifications were missed than a recovery can replay.
    overflowed: bool,
    /// The session ended.
    closed: bool,
    /// Incremented by every detach and attach: tells a recovery timer whether it is stale.
    epoch: u64,
    /// The subscription's outbox cursor as of the last notification written (None: none yet),
    /// from which another node can replay what the client missed (see `crate::cluster::wsc`).
    written: Option<i64>,
}

pub struct Session {
    /// Hash of `token`: the registry's key.
    pub(super) key: [u8; 32],
    /// The `wsc.token` that recovers this session.
    pub token: String,
    pub caller: Caller,
    pub created: Timestamp,
    config: WsConfig,
    state: Mutex<State>,
}

/// What the writer is to write next.
pub enum Peek {
    /// The connection is no longer the session's.
    Gone,
    Empty,
    /// The frames at the front of the queue, in order (at most the batch's limit, and none after
    /// one the writer pauses after): each with its number (for [`Session::written`]), written
    /// together with one flush.
    Items(Vec<(u64, Out)>),
}

impl Session {
    pub fn new(caller: Caller, config: WsConfig) -> Session {
        let token = secrets::new_token();
        Session {
            key: secrets::hash_token(&token),
            token,
            caller,
            created: now(),
            config,
            state: Mutex::new(State {
                live: None,
                next_conn: 1,
                queue: Queue::default(),
                notes: 0,
                held: None,
                subscription: None,
                bind_gen: 0,
                next_request: 1,
                overflowed: false,
                closed: false,
                epoch: 0,
                written: None,
            }),
        }
    }

    /// A session another node served, taken over for the connection that recovers it here (see
    /// `crate::cluster::wsc`): its `wsc` token, who it is, its subscription and the outbox cursor
    /// of the last notification written to the client.
    pub(crate) fn resumed(
        token: String,
        caller: Caller,
        config: WsConfig,
        subscription: String,
        written: Option<i64>,
    ) -> Session {
        let mut s = Session::new(caller, config);
        s.key = secrets::hash_token(&token);
        s.token = token;
        {
            let mut st = s.lock();
            st.subscription = Some(subscription);
            st.bind_gen = 1;
            st.written = written;
        }
        s
    }

    /// The hub's sink for the bound subscription (for a session taken over from another node,
    /// whose subscription was bound there).
    pub(crate) fn sink(self: &Arc<Self>) -> Option<Arc<dyn Sink>> {
        let st = self.lock();
        Some(Arc::new(SessionSink {
            session: self.clone(),
            sub: st.subscription.clone()?,
            generation: st.bind_gen,
        }))
    }

    /// The bound subscription and the cursor of the last notification written, for the other
    /// nodes of a cluster.
    pub fn progress(&self) -> Option<(String, Option<i64>)> {
        let st = self.lock();
        if st.closed {
            return None;
        }
        Some((st.subscription.clone()?, st.written))
    }

    /// The registry's key, in hex (how the cluster names the session).
    pub fn key_hex(&self) -> String {
        self.key.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Another node took the session over: forgotten here and unregistered from this node's hub,
    /// its subscription kept (the other node delivers it now).
    pub async fn hand_over(self: &Arc<Self>, hub: &Arc<Hub>) {
        hub.ws.remove(self);
        let sub = {
            let mut st = self.lock();
            st.closed = true;
            st.queue.clear();
            st.notes = 0;
            st.held = None;
            if let Some(l) = st.live.take() {
                l.handle.stop.notify_one();
            }
            st.subscription.take()
        };
        if let Some(id) = sub {
            hub.unregister(&id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn attach(st: &mut State) -> ConnHandle {
        if let Some(old) = st.live.take() {
            old.handle.stop.notify_one();
            // The older connection learns why through `stop_reason`, which no longer finds it.
        }
        // Answers and echoes belonged to the connection that asked; notifications stay.
        st.queue.retain(Out::is_note);
        let handle = ConnHandle {
            id: st.next_conn,
            wake: Arc::new(Notify::new()),
            stop: Arc::new(Notify::new()),
        };
        st.next_conn += 1;
        st.epoch += 1;
        st.live = Some(Live {
            handle: handle.clone(),
            reason: None,
        });
        handle
    }

    /// The first connection of a new session.
    pub(super) fn attach_new(&self) -> ConnHandle {
        Self::attach(&mut self.lock())
    }

    /// Attaches a recovering connection, taking over from a live one; None when there is nothing
    /// to recover (the session then has to end).
    pub(super) fn attach_recovered(&self) -> Option<ConnHandle> {
        let mut st = self.lock();
        if st.closed || st.overflowed || st.subscription.is_none() {
            st.closed = true;
            return None;
        }
        Some(Self::attach(&mut st))
    }

    /// Why connection `conn` must stop: `Some(Replaced)` once it is no longer attached.
    pub fn stop_reason(&self, conn: u64) -> Option<Stop> {
        match &self.lock().live {
            Some(l) if l.handle.id == conn => l.reason,
            _ => Some(Stop::Replaced),
        }
    }

    /// The subscription bound to the session.
    pub fn subscription(&self) -> Option<String> {
        self.lock().subscription.clone()
    }

    /// Frames waiting (for tests and metrics).
    pub fn queued(&self) -> usize {
        self.lock().queue.len()
    }

    /// More notifications were missed than a recovery could replay.
    pub fn missed_too_much(&self) -> bool {
        self.lock().overflowed
    }

    pub fn is_live(&self) -> bool {
        self.lock().live.is_some()
    }

    /// Kicks the live connection when its queue is over the limit.
    fn check_slow(&self, st: &mut State) {
        let limit = self.config.send_queue.max(1);
        if st.queue.len() > limit
            && let Some(l) = st.live.as_mut()
            && l.reason.is_none()
        {
            l.reason = Some(Stop::Slow);
            l.handle.stop.notify_one();
        }
    }

    fn wake(st: &State) {
        if let Some(l) = &st.live {
            l.handle.wake.notify_one();
        }
    }

    /// Queues a notification of subscription `sub` (from the hub, through the session's sink).
    fn push_note(&self, sub: &str, text: Arc<str>, cursor: Option<i64>) {
        let mut st = self.lock();
        if st.closed || st.overflowed || st.subscription.as_deref() != Some(sub) {
            return;
        }
        if let Some(h) = st.held.as_mut() {
            if h.notes.len() < self.config.send_queue.max(1) {
                h.notes.push((text, cursor));
                return;
            }
            // A burst larger than the queue while the subscription was being created.
            st.overflowed = true;
            st.held = None;
            if let Some(l) = st.live.as_mut() {
                l.reason = Some(Stop::Slow);
                l.handle.stop.notify_one();
            }
            return;
        }
        if st.live.is_some() {
            if st.queue.len() >= self.config.send_queue.max(1) * 2 {
                // Kicked for being slow and still not gone: stop buffering.
                st.overflowed = true;
                return;
            }
            st.queue.push(Out::Note(text, cursor));
            st.notes += 1;
            self.check_slow(&mut st);
            Self::wake(&st);
        } else {
            st.queue.push(Out::Note(text, cursor));
            st.notes += 1;
            if st.notes > self.config.recovery_buffer {
                // Recovery will fail; keep nothing.
                st.overflowed = true;
                st.queue.clear();
                st.notes = 0;
            }
        }
    }

    /// Queues a frame for connection `conn` (dropped if that connection is gone).
    pub fn push_frame(&self, conn: u64, frame: Frame) {
        let mut st = self.lock();
        if st.live.as_ref().is_none_or(|l| l.handle.id != conn) {
            return;
        }
        st.queue.push(Out::Frame(frame));
        self.check_slow(&mut st);
        Self::wake(&st);
    }

    /// Queues the answer to tunnelled request `request`, then the notifications held back while
    /// it ran.
    pub fn respond(&self, conn: u64, request: u64, frame: Frame) {
        let mut st = self.lock();
        let live = st.live.as_ref().is_some_and(|l| l.handle.id == conn);
        if live {
            st.queue.push(Out::Frame(frame));
        }
        if st.held.as_ref().is_some_and(|h| h.request == request) {
            let held = st.held.take().map(|h| h.notes).unwrap_or_default();
            for (n, c) in held {
                st.queue.push(Out::Note(n, c));
                st.notes += 1;
            }
            if !live && st.notes > self.config.recovery_buffer {
                st.overflowed = true;
                st.queue.clear();
                st.notes = 0;
            }
        }
        self.check_slow(&mut st);
        Self::wake(&st);
    }

    /// A number for a tunnelled request (see [`Held`]).
    pub fn next_request(&self) -> u64 {
        let mut st = self.lock();
        st.next_request += 1;
        st.next_request
    }

    /// The frames at the front of the queue for connection `conn`: up to `max`, ending after
    /// the first that settles (the writer pauses after it). Copied out (a notification is a
    /// shared text), so that rendering them into frames happens outside the session's lock.
    pub fn peek(&self, conn: u64, max: usize) -> Peek {
        let st = self.lock();
        if st.live.as_ref().is_none_or(|l| l.handle.id != conn) {
            return Peek::Gone;
        }
        if st.queue.items.is_empty() {
            return Peek::Empty;
        }
        let mut items = Vec::with_capacity(st.queue.len().min(max));
        for (id, out) in st.queue.items.iter().take(max.max(1)) {
            items.push((*id, out.clone()));
            if out.settles() {
                break;
            }
        }
        Peek::Items(items)
    }

    /// Frames `ids` (the front of the queue, in order) were written by connection `conn`.
    pub fn written(&self, conn: u64, ids: impl IntoIterator<Item = u64>) {
        let mut st = self.lock();
        if st.live.as_ref().is_none_or(|l| l.handle.id != conn) {
            // Taken over meanwhile: the frames stay and are written again (at least once).
            return;
        }
        for id in ids {
            if let Some(out) = st.queue.pop_if(id)
                && out.is_note()
            {
                st.notes -= 1;
                if let Out::Note(_, Some(c)) = out {
                    st.written = Some(c);
                }
            }
        }
    }

    fn bind(&self, sub: &str, request: u64) -> u64 {
        let mut st = self.lock();
        if st.subscription.as_deref() != Some(sub) {
            // Notifications of an earlier subscription that are not written yet are dropped:
            // the client no longer listens for them.
            st.queue.retain(|o| !o.is_note());
            st.notes = 0;
            st.overflowed = false;
            st.held = None;
            st.subscription = Some(sub.to_string());
        }
        st.bind_gen += 1;
        let notes = st.held.take().map(|h| h.notes).unwrap_or_default();
        st.held = Some(Held { request, notes });
        st.bind_gen
    }

    fn unbind(&self, generation: u64) {
        let mut st = self.lock();
        if st.bind_gen == generation {
            st.subscription = None;
            st.held = None;
            st.queue.retain(|o| !o.is_note());
            st.notes = 0;
        }
    }

    /// Connection `conn` ended. The session waits `recovery_timeout` for a recovering
    /// connection, then ends; at once if it has no subscription to keep.
    pub async fn detach(self: &Arc<Self>, conn: u64, hub: &Arc<Hub>) {
        let (epoch, keep) = {
            let mut st = self.lock();
            if st.live.as_ref().is_none_or(|l| l.handle.id != conn) {
                return;
            }
            st.live = None;
            st.epoch += 1;
            st.queue.retain(Out::is_note);
            st.notes = st.queue.len();
            if st.notes > self.config.recovery_buffer {
                st.overflowed = true;
                st.queue.clear();
                st.notes = 0;
            }
            (st.epoch, st.subscription.is_some() && !st.closed)
        };
        if !keep {
            self.end(hub).await;
            return;
        }
        // Its lifetime counts from now: a session can outlive a day through recoveries.
        self.renew_subscription(hub).await;
        let session = self.clone();
        let hub = hub.clone();
        let wait = self.config.recovery_timeout;
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            session.expire(epoch, &hub).await;
        });
    }

    /// Ends the session if it is still waiting since detach `epoch`. The check and the removal
    /// from the registry are one step, so a recovering connection either gets the session or
    /// finds it gone.
    async fn expire(self: &Arc<Self>, epoch: u64, hub: &Arc<Hub>) {
        let sub = hub.ws.remove_if(self, || {
            let mut st = self.lock();
            if st.live.is_some() || st.epoch != epoch || st.closed {
                return None;
            }
            st.closed = true;
            st.queue.clear();
            st.notes = 0;
            st.held = None;
            Some(st.subscription.take())
        });
        if let Some(Some(id)) = sub {
            hub.remove_subscription(id).await;
        }
    }

    /// Renews the session's subscription: a WebSocket subscription lives as long as its session,
    /// which recoveries can keep beyond the subscription's own lifetime (a day).
    pub async fn renew_subscription(&self, hub: &Arc<Hub>) {
        let Some(id) = self.subscription() else {
            return;
        };
        let Ok(Some(mut sub)) = hub.store().subscription(id).await else {
            return;
        };
        if sub.transport != Transport::WebSocket {
            return;
        }
        sub.expires = now().plus_seconds(sub.expires_in_secs);
        if let Ok(sub) = hub.store().update_subscription(sub).await {
            hub.update(sub);
        }
    }

    /// Ends the session: forgotten by the registry, its subscription unregistered and deleted.
    pub async fn end(self: &Arc<Self>, hub: &Arc<Hub>) {
        hub.ws.remove(self);
        let sub = {
            let mut st = self.lock();
            st.closed = true;
            st.queue.clear();
            st.notes = 0;
            st.held = None;
            if let Some(l) = st.live.take() {
                l.handle.stop.notify_one();
            }
            st.subscription.take()
        };
        if let Some(id) = sub {
            hub.remove_subscription(id).await;
        }
    }

    /// After a tunnelled request: a subscription bound to a session that ended meanwhile is
    /// removed.
    pub async fn reap_if_ended(self: &Arc<Self>, hub: &Arc<Hub>) {
        let sub = {
            let mut st = self.lock();
            if !st.closed {
                return;
            }
            st.subscription.take()
        };
        if let Some(id) = sub {
            hub.remove_subscription(id).await;
        }
    }
}

/// The hub's sink for the subscription bound to a session.
struct SessionSink {
    session: Arc<Session>,
    sub: String,
    /// The bind that made this sink: closing an older sink (replaced by a newer bind of the same
    /// subscription) leaves the session's subscription alone.
    generation: u64,
}

impl Sink for SessionSink {
    fn deliver(&self, item: Delivery) -> bool {
        // Never refused: a session that cannot keep up is disconnected and, beyond its
        // recovery buffer, loses its subscription; the hub need not know.
        let cursor = item.cursor_after();
        self.session.push_note(&self.sub, item.text, cursor);
        true
    }

    fn close(&self) {
        self.session.unbind(self.generation);
    }
}

/// What a tunnelled request offers the subscription endpoints (`WsSessionRef`).
pub struct RequestBinder {
    pub session: Arc<Session>,
    pub request: u64,
}

impl WsBinder for RequestBinder {
    fn bind(&self, sub: &Subscription) -> Arc<dyn Sink> {
        let generation = self.session.bind(&sub.id, self.request);
        Arc::new(SessionSink {
            session: self.session.clone(),
            sub: sub.id.clone(),
            generation,
        })
    }

    fn bound(&self) -> Option<String> {
        self.session.subscription()
    }
}
