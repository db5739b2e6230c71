//! A bot app's "Interactive Messages" page (`/console/apps/{id}/interactive`): whether the
//! answers people give to the bot's Adaptive Cards (`Action.Submit`) are delivered, the
//! outbound WebHook URL they are posted to, and the shared secret that signs them
//! (`X-Glip-Signature`), revealed on click, with Regenerate. The rules are the platform's
//! (`Platform::save_interactive`); a REST app has no such page (its dashboard instead).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use openglip_domain::AppKind;
use openglip_domain::interactive::InteractiveSettings;
use openglip_domain::platform::AppRecord;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::html::{Button, Field, FormErrors, Tone, notice, secret};
use openglip_webkit::{CsrfForm, html, see_other};

use super::dev::{Dev, OwnApp, app_page};
use crate::failure::{failure_page, in_form};
use crate::parts::{NoFields, correct_notice, danger_form, form_status, heading};

/// The form as posted.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct InteractiveFields {
    enabled: Option<String>,
    url: String,
}

fn path(r: &AppRecord) -> String {
    format!("/console/apps/{}/interactive", r.app.client_id)
}

/// The page, with what was entered (`enabled`, `url`), `errors` in place and a `notice`.
fn view(
    d: &Dev,
    r: &AppRecord,
    s: &InteractiveSettings,
    entered: (bool, &str),
    errors: &FormErrors,
    message: Option<&str>,
) -> Response {
    let (enabled, url) = entered;
    let action = path(r);
    let rotate = format!("{action}/secret");
    let main = html! {
        (heading("Interactive Messages", html! { (r.app.name) }))
        @if let Some(m) = message { (notice(Tone::Ok, html! { (m) })) }
        (correct_notice(errors))
        div.card {
            p {
                "When someone presses an " code { "Action.Submit" } " button of an Adaptive Card your bot posted, "
                "the server POSTs a " code { "button_submit" } " event (the card's inputs in " code { "data" }
                ", who pressed it, the conversation and the post) to this URL, signed with the shared secret: "
                code { "X-Glip-Signature" } " is the hex HMAC-SHA1 of the body. Answer 200; a failed delivery is retried for a while, then the person sees that it failed."
            }
            form method="post" action=(action) novalidate {
                (d.csrf.field())
                div.stack {
                    (Field::checkbox("enabled", "Deliver answers to the bot's cards").checked(enabled))
                    (Field::url("url", "Outbound WebHook URL").value(url)
                        .hint("https, or http on this machine while you develop.")
                        .error(errors.get("url")))
                }
                div.actions.mt { (Button::primary("Save")) }
            }
        }
        div.card {
            h2 { "Shared secret" }
            @if s.secret.is_empty() {
                p.hint { "A shared secret is made when the settings are first saved." }
            } @else {
                (secret("interactive-secret", &s.secret))
                p.hint { "Your bot checks X-Glip-Signature with it (openglip-bot: BOT_SUBMIT_SECRET)." }
                div.actions.mt {
                    (danger_form("rotate-interactive", &rotate, &d.csrf, "Regenerate", "Make a new shared secret? Deliveries are signed with the new one from now on."))
                }
            }
        }
    };
    app_page(d, r, &action, "Interactive Messages", main)
        .status(form_status(errors))
        .into_response()
}

/// A REST app has no interactive messages: back to its dashboard.
fn bots_only(r: &AppRecord) -> Option<Response> {
    (r.app.kind != AppKind::Bot).then(|| see_other(&format!("/console/apps/{}", r.app.client_id)))
}

/// `GET /console/apps/{id}/interactive`.
pub async fn page(State(st): State<AppState>, OwnApp { d, r }: OwnApp, p: Params) -> Response {
    if let Some(away) = bots_only(&r) {
        return away;
    }
    match st.platform().interactive_settings(&d.ext, &r).await {
        Ok(s) => {
            let message = if p.get("saved").is_some() {
                Some("Settings saved.")
            } else if p.get("rotated").is_some() {
                Some("A new shared secret was made: deliveries are signed with it from now on.")
            } else {
                None
            };
            view(&d, &r, &s, (s.enabled, &s.url), &FormErrors::new(), message)
        }
        Err(e) => failure_page(&d.kit, e),
    }
}

/// `POST /console/apps/{id}/interactive`.
pub async fn save(
    State(st): State<AppState>,
    OwnApp { d, r }: OwnApp,
    CsrfForm(f): CsrfForm<InteractiveFields>,
) -> Response {
    if let Some(away) = bots_only(&r) {
        return away;
    }
    let enabled = f.enabled.is_some();
    match st
        .platform()
        .save_interactive(&d.ext, &r, enabled, &f.url)
        .await
    {
        Ok(_) => see_other(&format!("{}?saved=1", path(&r))),
        Err(e) => {
            let current = match st.platform().interactive_settings(&d.ext, &r).await {
                Ok(s) => s,
                Err(e) => return failure_page(&d.kit, e),
            };
            in_form(&d.kit, e, |errors| {
                view(&d, &r, &current, (enabled, &f.url), errors, None)
            })
        }
    }
}

/// `POST /console/apps/{id}/interactive/secret`: Regenerate.
pub async fn rotate(
    State(st): State<AppState>,
    OwnApp { d, r }: OwnApp,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    if let Some(away) = bots_only(&r) {
        return away;
    }
    match st.platform().rotate_interactive_secret(&d.ext, &r).await {
        Ok(_) => see_other(&format!("{}?rotated=1", path(&r))),
        Err(e) => failure_page(&d.kit, e),
    }
}
