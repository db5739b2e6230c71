//! An app's undeliverable WebHook notifications: those its subscriptions' receivers did not
//! accept within the retry budget (delivery moved on without them; `docs/API-COMPAT.md` states
//! the policy). The page lists each with when it was given up on, its subscription, its event
//! type, why, and the payload as it was posted (escaped, folded), and a **Redeliver** button that
//! posts it once more: forgotten when the receiver accepts it, kept (and the refusal said) when
//! not. The same operations as the console's JSON API (`/console/api/apps/{clientId}/
//! undeliverable`), through the platform and the server's WebHook sender.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use openglip_domain::events::UndeliverableEvent;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::html::{Button, Table, Tone, notice};
use openglip_webkit::{CsrfForm, Markup, html, see_other};
use serde_json::Value;

use super::dev::{Dev, OwnApp, app_page};
use crate::failure::{error_message, failure_page};
use crate::parts::{NoFields, heading};
use crate::words::when;

const COLUMNS: &[&str] = &["Given up on", "Subscription", "Event", "Why", ""];

/// The path of an app's page.
pub fn path_of(client_id: &str) -> String {
    format!("/console/apps/{client_id}/undeliverable")
}

/// What a notification is about, from its JSON: RingCentral's `body.eventType` (such as
/// `PostAdded`) and the `event` filter it matched. An encrypted notification says only that.
fn event_type(payload: &Value) -> (String, String) {
    if payload.get("encryptedBody").is_some() {
        return ("Encrypted".into(), String::new());
    }
    let kind = payload["body"]["eventType"]
        .as_str()
        .unwrap_or("Notification");
    let filter = payload["event"].as_str().unwrap_or("");
    (kind.to_string(), filter.to_string())
}

/// The payload as it was posted, indented when it is JSON.
fn payload_text(body: &str, payload: Option<&Value>) -> String {
    payload
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_else(|| body.to_string())
}

/// One row: the notification, its payload folded under it, and Redeliver.
fn row(d: &Dev, client_id: &str, e: &UndeliverableEvent) -> Markup {
    let payload = serde_json::from_str::<Value>(&e.body).ok();
    let (kind, filter) = payload.as_ref().map(event_type).unwrap_or_default();
    let action = format!("{}/{}/redeliver", path_of(client_id), e.id);
    html! {
        td { (when(e.failed_at)) }
        td { code { (e.subscription_id) } }
        td {
            strong.event-type { (kind) }
            @if !filter.is_empty() { br; code { (filter) } }
            details.payload {
                summary { "Payload" }
                pre { code { (payload_text(&e.body, payload.as_ref())) } }
            }
        }
        td { (e.reason) }
        td {
            form method="post" action=(action) {
                (d.csrf.field())
                (Button::primary("Redeliver").small())
            }
        }
    }
}

/// The page, with `message` above the list.
async fn view(st: &AppState, OwnApp { d, r }: &OwnApp, message: Markup) -> Response {
    let events = match st.platform().undeliverable_events(r).await {
        Ok(events) => events,
        Err(e) => return failure_page(&d.kit, e),
    };
    let client_id = &r.app.client_id;
    let rows = events.iter().map(|e| row(d, client_id, e));
    let sub = html! {
        "Notifications your WebHook did not accept after its retries. Delivery moved on without them; redeliver one once your receiver is fixed."
    };
    let main = html! {
        (heading("Undeliverable events", sub))
        (message)
        div.card {
            (Table::new(COLUMNS).caption("Undeliverable events").rows(rows)
                .empty(html! { "None: every notification was delivered." }))
        }
    };
    let current = path_of(client_id);
    app_page(d, r, &current, "Undeliverable events", main).into_response()
}

/// `GET /console/apps/{id}/undeliverable` (`?redelivered=1` after a redelivery).
pub async fn page(State(st): State<AppState>, app: OwnApp, q: Params) -> Response {
    let message = match q.get("redelivered") {
        Some(_) => notice(
            Tone::Ok,
            html! { "Delivered: your receiver accepted it, so it is no longer listed." },
        ),
        None => html! {},
    };
    view(&st, &app, message).await
}

/// `POST /console/apps/{id}/undeliverable/{event}/redeliver`: posts it to its WebHook now.
/// Accepted: back to the list, without it. Refused: the list again, saying why (with the
/// status the API answers, 502).
pub async fn redeliver(
    State(st): State<AppState>,
    d: Dev,
    Path((id, event)): Path<(String, String)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    let r = match d.app(&st, &id).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    let found = match st.platform().undeliverable_event(&r, &event).await {
        Ok(found) => found,
        Err(e) => return failure_page(&d.kit, e),
    };
    let sent = openglip_server::realtime::webhook::redeliver(st.hub(), &found).await;
    let outcome = match sent {
        Ok(()) => st.platform().delivered_again(&found).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => see_other(&format!("{}?redelivered=1", path_of(&r.app.client_id))),
        Err(e @ openglip_domain::Error::WebhookDeliveryFailed(_)) => {
            let (status, _) = openglip_server::error::status_and_code(&e);
            let said = notice(
                Tone::Bad,
                html! { "Your receiver did not accept it: " (error_message(&e)) ". It stays listed." },
            );
            let app = OwnApp { d, r };
            let mut resp = view(&st, &app, said).await;
            if resp.status().is_success() {
                *resp.status_mut() = status;
            }
            resp
        }
        Err(e) => failure_page(&d.kit, e),
    }
}
