//! Renewal reminders: the notifications RingCentral sends before a subscription expires, to
//! subscriptions whose filters ask for them (`FilterKind::Renewal`).

use std::sync::Arc;

use openglip_domain::Timestamp;
use openglip_domain::events::FilterKind;

use super::{Delivery, Entry, crypto, render};

/// Renewal reminders: from `threshold` seconds before expiry, every `interval` seconds.
pub(super) fn reminders(e: &mut Entry, t: Timestamp) {
    let Some(sink) = e.sink.clone() else { return };
    for (i, f) in e.sub.filters.iter().enumerate() {
        let FilterKind::Renewal {
            threshold_secs,
            interval_secs,
        } = f.kind
        else {
            continue;
        };
        if !e.sub.is_live(t) || e.sub.expires_in(t) > threshold_secs {
            continue;
        }
        if e.last_reminder
            .is_some_and(|last| t.millis() - last.millis() < interval_secs * 1000)
        {
            continue;
        }
        e.last_reminder = Some(t);
        let body = render::reminder(&e.sub, t);
        let uuid = render::uuid(&e.sub.id, -t.millis(), i);
        let env = render::envelope(
            uuid,
            &f.text,
            &t.to_rfc3339(),
            &e.sub.id,
            &e.sub.owner.to_string(),
            &body,
        );
        let text: Arc<str> = match &e.sub.encryption_key {
            Some(k) => crypto::encrypt(k, env.as_bytes()).into(),
            None => env.into(),
        };
        sink.deliver(Delivery {
            seq: None,
            text,
            committed: None,
            last_of_event: true,
        });
    }
}
