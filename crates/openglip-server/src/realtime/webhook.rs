//! The WebHook transport: address checks (no requests into private networks unless the operator
//! allows it), the `Validation-Token` handshake, and one delivery worker per subscription that
//! posts notifications in order, retries each with exponential backoff, persists its cursor and
//! survives restarts (it resumes from the cursor).
//!
//! A notification the receiver keeps refusing (a "poisoned" event: RingCentral's own bot
//! framework answers 500 to a body it cannot parse) is retried for `event_retry_for`, then given
//! up on: recorded as undeliverable with the body that was posted (the console lists it and can
//! deliver it again) while the cursor moves past it, and the next notification goes out. Only a
//! receiver that refuses everything for `blacklist_after` (the failure record is cleared by a
//! delivery, nothing else) gets its subscription blacklisted.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use openglip_domain::events::{Subscription, UndeliverableEvent};
use openglip_domain::{Error, Result};
use reqwest::Url;
use tokio::sync::{Notify, mpsc, watch};

use super::{Delivery, Hub, RealtimeConfig, Sink};
use crate::auth::now;

/// The user agent of deliveries.
pub const USER_AGENT: &str = concat!("openglip-webhook/", env!("CARGO_PKG_VERSION"));

/// Addresses a WebHook may not reach unless private targets are allowed.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Why a private address is refused, naming the setting that allows it.
const PRIVATE_REFUSED: &str = "addresses in private networks are not allowed (the server's operator allows them with --webhook-allow-private, OPENGLIP_WEBHOOK_ALLOW_PRIVATE; a server listening on loopback allows them by default)";

/// Checks a WebHook address: an absolute `https://` URL (or `http://` when private targets are
/// allowed), no credentials, and not an address in a private network unless allowed. Host names
/// are checked again when resolved, on every connection.
pub fn check_address(address: &str, allow_private: bool) -> Result<Url> {
    let bad = |why: &str| {
        Error::invalid_because(
            "deliveryMode.address",
            format!("Parameter [deliveryMode.address] value is invalid: {why}"),
        )
    };
    if address.len() > 2048 {
        return Err(bad("too long"));
    }
    let url = Url::parse(address).map_err(|_| bad("not an absolute URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => {
            return Err(bad(
                "plain http:// is not allowed; use https:// (or the server's operator allows it with --webhook-allow-private, OPENGLIP_WEBHOOK_ALLOW_PRIVATE)",
            ));
        }
        _ => return Err(bad("the scheme must be https")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials in the URL are not allowed"));
    }
    let host = url.host_str().ok_or_else(|| bad("no host"))?;
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok();
    if !allow_private {
        if let Some(ip) = literal
            && is_private(ip)
        {
            return Err(bad(PRIVATE_REFUSED));
        }
        if host.eq_ignore_ascii_case("localhost") || host.ends_with(".localhost") {
            return Err(bad(PRIVATE_REFUSED));
        }
    }
    Ok(url)
}

/// A DNS resolver that drops private addresses, so that a public name pointing inside cannot be
/// used to reach internal services.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !is_private(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let it: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(it)
        })
    }
}

/// The HTTP client of WebHook requests.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    config: RealtimeConfig,
}

impl Client {
    pub fn new(config: &RealtimeConfig) -> Client {
        let mut b = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(4);
        if !config.allow_private_webhooks {
            b = b.dns_resolver(Arc::new(PublicOnly));
        }
        Client {
            http: b.build().expect("the WebHook HTTP client builds"),
            config: config.clone(),
        }
    }

    /// The creation handshake: a POST with `Validation-Token` that the receiver must answer with
    /// 200 within the validation timeout, echoing the token, in at most 1024 bytes.
    pub async fn validate(&self, url: &Url) -> Result<()> {
        let token = crate::secrets::new_id();
        let fail = |why: String| Error::WebhookValidationFailed(why);
        let resp = self
            .http
            .post(url.clone())
            .header("Validation-Token", &token)
            .header("Content-Type", "application/json; charset=UTF-8")
            .timeout(self.config.validation_timeout)
            .send()
            .await
            .map_err(|e| fail(format!("the request failed: {}", short(&e))))?;
        if resp.status() != reqwest::StatusCode::OK {
            return Err(fail(format!(
                "the receiver answered {}",
                resp.status().as_u16()
            )));
        }
        let echoed = resp
            .headers()
            .get("validation-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let header_bytes: usize = resp
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum();
        let body = resp
            .bytes()
            .await
            .map_err(|e| fail(format!("reading the answer failed: {}", short(&e))))?;
        if header_bytes + body.len() > 1024 {
            return Err(fail("the answer is larger than 1024 bytes".into()));
        }
        if echoed.as_deref() != Some(token.as_str()) {
            return Err(fail(
                "the answer does not echo the Validation-Token header".into(),
            ));
        }
        Ok(())
    }

    async fn post(
        &self,
        url: &str,
        verification_token: Option<&str>,
        text: &str,
    ) -> std::result::Result<(), String> {
        let json = text.starts_with('{');
        let mut req = self
            .http
            .post(url)
            .timeout(self.config.delivery_timeout)
            .header(
                "Content-Type",
                if json {
                    "application/json; charset=UTF-8"
                } else {
                    "text/plain; charset=UTF-8"
                },
            )
            .header("Accept", "application/json")
            .body(text.to_string());
        if let Some(t) = verification_token {
            req = req.header("Verification-Token", t);
        }
        let started = std::time::Instant::now();
        let answer = req
            .send()
            .await
            .map_err(|e| format!("I/O operation is failed. Details: [{}]", short(&e)))
            .and_then(|resp| {
                if resp.status().is_success() {
                    Ok(())
                } else {
                    Err(format!(
                        "The receiver answered HTTP {}",
                        resp.status().as_u16()
                    ))
                }
            });
        let m = &*crate::metrics::DELIVERY;
        m.webhook_latency
            .observe(started.elapsed().as_micros() as u64);
        match answer {
            Ok(()) => &m.webhook_ok,
            Err(_) => &m.webhook_failed,
        }
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        answer
    }
}

impl Client {
    /// Posts a signed card submission (interactive messages) to an app's outbound URL: JSON,
    /// with `X-Glip-Signature`; `Ok` when the app answered 2xx within the delivery timeout.
    /// The address rules are the WebHooks' (private targets only when allowed, checked again
    /// when the name is resolved).
    pub async fn post_signed(
        &self,
        url: &str,
        signature: &str,
        body: String,
    ) -> std::result::Result<(), String> {
        let url = check_address(url, self.config.allow_private_webhooks)
            .map_err(|e| crate::error::message(&e))?;
        let resp = self
            .http
            .post(url)
            .timeout(self.config.delivery_timeout)
            .header("Content-Type", "application/json; charset=UTF-8")
            .header(openglip_wire::interactive::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("the app's URL did not answer: {}", short(&e)))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(format!(
                "the app's URL answered HTTP {}",
                resp.status().as_u16()
            ))
        }
    }
}

fn short(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s = format!("{s}: {inner}");
        src = inner.source();
    }
    s
}

/// The handle the hub pushes to.
pub struct Worker {
    tx: mpsc::Sender<Delivery>,
    lagging: AtomicBool,
    closed: AtomicBool,
    wake: Notify,
    /// `true` once the worker has ended, its cursor stored.
    done: watch::Sender<bool>,
}

impl Sink for Worker {
    fn deliver(&self, item: Delivery) -> bool {
        if self.tx.try_send(item).is_ok() {
            true
        } else {
            self.lagging.store(true, Ordering::SeqCst);
            self.wake.notify_one();
            false
        }
    }

    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    fn stopped(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        let mut done = self.done.subscribe();
        Box::pin(async move {
            let _ = done.wait_for(|d| *d).await;
        })
    }
}

/// How many notifications may wait in memory per subscription before the worker switches to
/// reading the outbox.
const QUEUE: usize = 4096;
/// How often the cursor is written while deliveries flow (a crash re-sends at most this much).
const CURSOR_EVERY: Duration = Duration::from_millis(200);

impl Worker {
    /// Starts the worker for `sub`. It begins by catching up from `sub.cursor` (register it as
    /// lagging).
    pub fn start(hub: Arc<Hub>, sub: Subscription) -> Arc<dyn Sink> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let w = Arc::new(Worker {
            tx,
            lagging: AtomicBool::new(true),
            closed: AtomicBool::new(false),
            wake: Notify::new(),
            done: watch::channel(false).0,
        });
        let handle: Arc<dyn Sink> = w.clone();
        tokio::spawn(async move {
            run(hub, sub, w.clone(), rx).await;
            w.done.send_replace(true);
        });
        handle
    }
}

enum Outcome {
    Delivered,
    /// Given up on: recorded as undeliverable, the cursor stored past it.
    GaveUp,
    Stop,
}

/// Where the worker is: the cursor in memory, the one stored, and the failing streak.
struct Progress {
    cursor: i64,
    saved: i64,
    last_save: Instant,
    /// Failed attempts since the last delivery (0: not failing). While failing, the cursor is
    /// not saved by the worker (a save clears the subscription's failure record).
    attempt: u32,
}

impl Progress {
    /// Moves past `d` as `outcome` says; false when the worker must stop.
    fn after(&mut self, d: &Delivery, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Delivered => {
                if let Some(c) = d.cursor_after() {
                    self.cursor = self.cursor.max(c);
                }
                true
            }
            Outcome::GaveUp => {
                if let Some(c) = d.cursor_after() {
                    self.cursor = self.cursor.max(c);
                    self.saved = self.saved.max(c);
                }
                true
            }
            Outcome::Stop => false,
        }
    }

    /// Whether the cursor should be written now.
    fn should_save(&self, every: Duration) -> bool {
        self.cursor != self.saved && self.attempt == 0 && self.last_save.elapsed() >= every
    }
}

async fn run(hub: Arc<Hub>, sub: Subscription, w: Arc<Worker>, mut rx: mpsc::Receiver<Delivery>) {
    let openglip_domain::events::Transport::WebHook {
        address,
        verification_token,
    } = sub.transport.clone()
    else {
        return;
    };
    let me: Arc<dyn Sink> = w.clone();
    let mut p = Progress {
        cursor: sub.cursor,
        saved: sub.cursor,
        last_save: Instant::now(),
        attempt: 0,
    };
    let token = verification_token.as_deref();
    loop {
        if w.closed.load(Ordering::SeqCst) {
            break;
        }
        // Items already queued come first: they are older than anything the outbox could add.
        let item = match rx.try_recv() {
            Ok(d) => Some(d),
            Err(_) if w.lagging.load(Ordering::SeqCst) => {
                match hub.catch_up(&sub.id, &me, p.cursor, 256).await {
                    Ok((items, new_cursor, caught_up)) => {
                        let progressed = !items.is_empty() || new_cursor > p.cursor;
                        for d in items {
                            let outcome =
                                send(&hub, &sub.id, &address, token, &d, &w, &mut p.attempt).await;
                            if !p.after(&d, outcome) {
                                return;
                            }
                        }
                        p.cursor = p.cursor.max(new_cursor);
                        if caught_up {
                            w.lagging.store(false, Ordering::SeqCst);
                        } else if !progressed {
                            // Not registered with the hub yet: look again shortly.
                            tokio::select! {
                                _ = tokio::time::sleep(Duration::from_millis(20)) => {}
                                _ = w.wake.notified() => {}
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!(subscription = %sub.id, error = %e, "webhook catch-up failed");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
                None
            }
            Err(_) => {
                if p.cursor != p.saved && p.attempt == 0 {
                    save(&hub, &sub.id, p.cursor).await;
                    p.saved = p.cursor;
                    p.last_save = Instant::now();
                }
                tokio::select! {
                    d = rx.recv() => match d {
                        Some(d) => Some(d),
                        None => break,
                    },
                    _ = w.wake.notified() => None,
                }
            }
        };
        if let Some(d) = item {
            let outcome = send(&hub, &sub.id, &address, token, &d, &w, &mut p.attempt).await;
            if !p.after(&d, outcome) {
                return;
            }
        }
        if p.should_save(CURSOR_EVERY) {
            save(&hub, &sub.id, p.cursor).await;
            p.saved = p.cursor;
            p.last_save = Instant::now();
        }
    }
    if p.cursor != p.saved && p.attempt == 0 {
        save(&hub, &sub.id, p.cursor).await;
    }
}

async fn save(hub: &Hub, id: &str, cursor: i64) {
    if let Err(e) = hub.store().advance_cursor(id.to_string(), cursor).await {
        tracing::warn!(subscription = %id, error = %e, "saving the webhook cursor failed");
    }
}

/// Delivers one notification, retrying with exponential backoff until it is accepted, the
/// subscription is closed, the notification has been refused for `event_retry_for` (given up
/// on), or the receiver has refused everything for `blacklist_after` (blacklisted).
async fn send(
    hub: &Arc<Hub>,
    id: &str,
    address: &str,
    token: Option<&str>,
    d: &Delivery,
    w: &Worker,
    attempt: &mut u32,
) -> Outcome {
    let first_try = Instant::now();
    loop {
        if w.closed.load(Ordering::SeqCst) {
            return Outcome::Stop;
        }
        match hub.http.post(address, token, &d.text).await {
            Ok(()) => {
                if let Some(c) = d.committed {
                    let ms = (now().millis() - c.millis()).max(0) as u64;
                    crate::metrics::DELIVERY.event_latency.observe(ms * 1000);
                }
                if *attempt > 0 {
                    // A cursor save clears the failure record; make it immediate (also for a
                    // renewal reminder, which moves no cursor: otherwise the next failure, however
                    // much later, would count as the same outage).
                    save(hub, id, d.cursor_after().unwrap_or(0)).await;
                }
                *attempt = 0;
                return Outcome::Delivered;
            }
            Err(reason) => {
                let t = now();
                let since = match hub.store().mark_failing(id.to_string(), t).await {
                    Ok(since) => since.unwrap_or(t),
                    Err(e) => {
                        tracing::warn!(subscription = %id, error = %e, "recording the webhook failure failed");
                        t
                    }
                };
                let failing_for =
                    Duration::from_millis((t.millis() - since.millis()).max(0) as u64);
                tracing::warn!(subscription = %id, attempt = *attempt, error = %reason, "webhook delivery failed");
                if failing_for >= hub.config.blacklist_after {
                    tracing::warn!(subscription = %id, "webhook blacklisted after sustained failure");
                    if let Err(e) = hub
                        .store()
                        .blacklist_subscription(id.to_string(), t, reason)
                        .await
                    {
                        tracing::warn!(subscription = %id, error = %e, "blacklisting failed");
                    }
                    hub.unregister(id);
                    return Outcome::Stop;
                }
                if first_try.elapsed() >= hub.config.event_retry_for {
                    let given_up = UndeliverableEvent {
                        id: 0,
                        subscription_id: id.to_string(),
                        seq: d.seq,
                        body: d.text.to_string(),
                        reason: reason.clone(),
                        failed_at: t,
                    };
                    match hub.store().give_up_event(given_up, d.cursor_after()).await {
                        Ok(e) => {
                            tracing::warn!(subscription = %id, undeliverable = e.id, seq = ?d.seq, "webhook notification given up on; delivery moves on");
                            *attempt += 1;
                            return Outcome::GaveUp;
                        }
                        Err(e) => {
                            tracing::warn!(subscription = %id, error = %e, "recording an undeliverable notification failed; retrying it");
                        }
                    }
                }
                let base = hub.config.retry_base.as_millis() as u64;
                let delay = base
                    .saturating_mul(1u64 << (*attempt).min(20))
                    .min(hub.config.retry_max.as_millis() as u64);
                *attempt += 1;
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(delay)) => {}
                    _ = w.wake.notified() => {}
                }
            }
        }
    }
}

/// Posts a notification given up on once more, now, to its subscription's WebHook (the
/// console's "redeliver"): `Ok` once the receiver accepted it.
pub async fn redeliver(hub: &Hub, event: &UndeliverableEvent) -> Result<()> {
    let sub = hub
        .store()
        .subscription(event.subscription_id.clone())
        .await?
        .ok_or(Error::NotFound(openglip_domain::Subject::Subscription))?;
    let openglip_domain::events::Transport::WebHook {
        address,
        verification_token,
    } = sub.transport
    else {
        return Err(Error::NotFound(openglip_domain::Subject::Subscription));
    };
    check_address(&address, hub.config.allow_private_webhooks)?;
    hub.http
        .post(&address, verification_token.as_deref(), &event.body)
        .await
        .map_err(Error::WebhookDeliveryFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        for a in [
            "http://example.com/hook",
            "https://127.0.0.1/x",
            "https://10.1.2.3/x",
            "https://[::1]/x",
            "https://localhost/x",
            "https://169.254.169.254/latest",
            "ftp://example.com",
            "https://u:p@example.com/",
        ] {
            assert!(check_address(a, false).is_err(), "{a}");
        }
        assert!(check_address("https://hooks.example.com/x", false).is_ok());
        assert!(check_address("http://127.0.0.1:9/x", true).is_ok());
        assert!(is_private("192.168.1.1".parse().unwrap()));
        assert!(is_private("::ffff:10.0.0.1".parse().unwrap()));
        assert!(!is_private("8.8.8.8".parse().unwrap()));
    }
}
