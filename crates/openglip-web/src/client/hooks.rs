//! A chat's incoming webhooks, on its details page: the list (status, who made it, when), the
//! "Add webhook" form for its members, the new webhook's URL shown once with a Copy button (the
//! URL holds the webhook's secret, which is kept only hashed), and Suspend, Activate and Delete
//! for those who may change a webhook (its creator, the team's managers, administrators). The
//! form posts are `actions`'.

use std::collections::HashMap;

use maud::{Markup, html};
use openglip_domain::service::Service;
use openglip_domain::webhooks::{Webhook, WebhookStatus};
use openglip_domain::*;

use super::visit::Viewer;
use crate::when;
use openglip_server::AppState;

/// A webhook just made: its URL is shown this once.
pub struct Fresh {
    pub id: String,
    pub uri: String,
}

/// The webhooks section of a chat's details page (for its members).
pub async fn section(
    st: &AppState,
    v: &Viewer,
    chat: &Chat,
    names: &HashMap<ExtensionId, Extension>,
    fresh: Option<&Fresh>,
) -> Result<Markup> {
    let hooks = st.service().chat_webhooks(&v.caller, chat.id).await?;
    let active = chat.status == ChatStatus::Active;
    Ok(html! {
        section #webhooks aria-labelledby="webhooks-h" {
            h2 #webhooks-h { "Incoming webhooks (" (hooks.len()) ")" }
            p.muted {
                "Other services post into this conversation through a webhook's URL, without signing in."
            }
            @if let Some(f) = fresh {
                div.card.stack #new-webhook role="status" {
                    label for="new-webhook-url" { "The new webhook's URL" }
                    div.row {
                        input #new-webhook-url name="webhook-url" type="text" readonly value=(f.uri) data-id=(f.id);
                        button.btn.primary type="button" data-copy="new-webhook-url" { "Copy" }
                    }
                    span.hint { "Copy it now: it is shown only once. Anyone with it can post here." }
                }
            }
            @if !hooks.is_empty() {
                ul.members.webhooks {
                    @for h in &hooks { (row(v, chat, names, h)) }
                }
            }
            @if active {
                form.inline method="post" action={ "/c/" (chat.id) "/webhooks" } {
                    (v.csrf.field())
                    button.btn type="submit" { "Add webhook" }
                }
            }
        }
    })
}

fn row(v: &Viewer, chat: &Chat, names: &HashMap<ExtensionId, Extension>, h: &Webhook) -> Markup {
    let creator = names
        .get(&h.creator_id)
        .map(Extension::full_name)
        .unwrap_or_else(|| format!("User {}", h.creator_id));
    let may_change =
        h.creator_id == v.ext.id || v.caller.is_admin || Service::can_manage(&v.caller, chat);
    let action = |what: &str| format!("/c/{}/webhooks/{}/{what}", chat.id, h.id);
    let suspended = h.status == WebhookStatus::Suspended;
    html! {
        li data-webhook=(h.id) {
            span.nm { "Webhook " code { (h.id.get(..8).unwrap_or(&h.id)) } }
            span.pill.suspended[suspended] { (h.status.as_str()) }
            span.muted { "by " (creator) ", " (when(h.created)) }
            @if may_change {
                form.inline method="post" action=(action(if suspended { "activate" } else { "suspend" })) {
                    (v.csrf.field())
                    button.linkbtn type="submit" { (if suspended { "Activate" } else { "Suspend" }) }
                }
                form.inline method="post" action=(action("delete"))
                    data-confirm="Delete this webhook? Services posting to its URL will be refused." {
                    (v.csrf.field())
                    button.linkbtn.danger type="submit" { "Delete" }
                }
            }
        }
    }
}
