//! One app's pages: its credentials (the client secret revealed on click, rotation), API usage
//! and graduation to production, and adding a bot app to the developer's account.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use openglip_domain::perm::GrantType;
use openglip_domain::platform::*;
use openglip_domain::*;
use openglip_platform::oauth::access_token_lifetime;
use openglip_server::AppState;
use openglip_server::api::base_url;
use openglip_server::extract::Params;
use openglip_webkit::html::{Button, Table, Tone, copyable, notice, pill, secret};
use openglip_webkit::{CsrfForm, Markup, enc, html, see_other};

use super::dev::{Dev, OwnApp, app_page, kind_label};
use crate::failure::{error_message, failure_page};
use crate::parts::{NoFields, danger_form, env_pill, heading};
use crate::words::when;

/// The line under an app page's heading: its kind, or its stage.
fn app_sub(r: &AppRecord, with_kind: bool) -> Markup {
    html! {
        @if with_kind { (kind_label(r)) } @else { (r.app.name) }
        " · " (env_pill(r.details.stage))
    }
}

fn grant_name(g: GrantType) -> &'static str {
    match g {
        GrantType::AuthorizationCode => "Authorization code",
        GrantType::RefreshToken => "Refresh token",
        GrantType::Password => "Password (legacy)",
        GrantType::JwtBearer => "JWT",
    }
}

/// `GET /console/apps/{id}`: the app's credentials, auth and permissions.
pub async fn dashboard(
    State(st): State<AppState>,
    OwnApp { d, r }: OwnApp,
    headers: HeaderMap,
    p: Params,
) -> Response {
    let app = &r.app;
    let base = base_url(&st, &headers);
    // Shown again within its quarter of an hour, and recorded in the audit log as revealed.
    let fresh = if app.public_client {
        None
    } else {
        match st.platform().reveal_secret(&d.ext, app).await {
            Ok(fresh) => fresh,
            Err(e) => return failure_page(&d.kit, e),
        }
    };
    let rotate = format!("/console/apps/{}/secret", app.client_id);
    let settings = format!("/console/apps/{}/settings", app.client_id);
    let grants: Vec<&str> = app.grants.iter().map(grant_name).collect();
    let perms: Vec<&str> = app.permissions.iter().map(|p| p.display_name()).collect();
    let main = html! {
        (heading(&app.name, app_sub(&r, true)))
        @if p.get("created").is_some() {
            (notice(Tone::Ok, html! { strong { (app.name) } " was created in the sandbox. Copy its credentials below." }))
        } @else if p.get("rotated").is_some() {
            (notice(Tone::Ok, html! { "A new client secret was issued: the previous one no longer works." }))
        }
        div.card {
            h2 { "Application Credentials" }
            dl.kv {
                dt { "Client ID" } dd { (copyable("client-id", &app.client_id)) }
                dt { "Client Secret" }
                dd {
                    @if app.public_client {
                        p.hint { "Client-side apps have no client secret: they use PKCE." }
                    } @else if let Some(s) = &fresh {
                        (secret("client-secret", s))
                        p.hint { "Only a hash of the secret is kept: it can be shown for 15 minutes after it is issued. Copy it now." }
                    } @else {
                        p.hint { "The secret was shown when it was issued; only its hash is kept. Rotate it to get a new one." }
                    }
                }
                dt { "Server URL" } dd { (copyable("server-url", &base)) }
                dt { "Authorization URL" } dd { code { (base) "/restapi/oauth/authorize" } }
            }
            div.actions.mt {
                @if !app.public_client {
                    (danger_form("rotate", &rotate, &d.csrf, "Rotate secret", "Issue a new client secret? The current one stops working."))
                }
                (Button::secondary("JWT credentials").small().link("/console/credentials"))
            }
        }
        div.card {
            h2 { "Auth and permissions" }
            dl.kv {
                dt { "Grants" } dd { (grants.join(", ")) }
                dt { "OAuth redirect URIs" }
                dd {
                    @for (i, u) in app.redirect_uris.iter().enumerate() {
                        @if i > 0 { br; }
                        code { (u) }
                    }
                    @if app.redirect_uris.is_empty() { span.hint { "none" } }
                }
                dt { "Permissions" } dd { (perms.join(", ")) }
                dt { "Token lifetimes" }
                dd {
                    @if let Some(secs) = access_token_lifetime(app) {
                        "access " (secs) " s"
                    } @else {
                        "access token permanent (does not expire)"
                    }
                    @if app.grants.contains(GrantType::RefreshToken) { ", refresh " (app.refresh_ttl_secs) " s" }
                }
            }
            div.actions.mt { (Button::secondary("Edit settings").small().link(&settings)) }
        }
    };
    let current = format!("/console/apps/{}", app.client_id);
    app_page(&d, &r, &current, &app.name, main).into_response()
}

/// `POST /console/apps/{id}/secret`: a new client secret, shown on the dashboard.
pub async fn rotate(
    State(st): State<AppState>,
    OwnApp { d, r }: OwnApp,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    match st.platform().rotate_secret(&d.ext, &r).await {
        Ok(_) => see_other(&format!("/console/apps/{}?rotated=1", r.app.client_id)),
        Err(e) => failure_page(&d.kit, e),
    }
}

const USAGE_COLUMNS: &[&str] = &["API group", "Calls", "Errors", "Last call"];

/// The usage and production page (`applied`: after Apply for production).
async fn production_view(st: &AppState, d: &Dev, r: &AppRecord, applied: bool) -> Response {
    let (usage, reqs) = match st.platform().graduation(r).await {
        Ok(g) => (g.usage, g.requirements),
        Err(e) => return failure_page(&d.kit, e),
    };
    let rows = usage.iter().map(|u| {
        html! { td { (u.group) } td { (u.calls) } td { (u.errors) } td { (when(u.last_call)) } }
    });
    let apply = format!("/console/apps/{}/production", r.app.client_id);
    let main = html! {
        (heading("Usage & production", app_sub(r, false)))
        @match r.details.stage {
            Environment::Production => (notice(Tone::Ok, html! {
                "This app is admitted to production: production accounts can authorize it (sandbox accounts still can)."
            })),
            Environment::Sandbox if applied => (notice(Tone::Bad, html! {
                "Not yet: the app does not meet every requirement below. Keep testing in the sandbox and apply again."
            })),
            Environment::Sandbox => (notice(Tone::Info, html! {
                "This app is in the sandbox: only sandbox accounts can authorize it."
            })),
        }
        div.card {
            h2 { "Graduation requirements" }
            ul.perms {
                @for q in &reqs {
                    li.req {
                        @if q.met { (pill(Tone::Ok, "✓ Met")) } @else { (pill(Tone::Warn, "Not met yet")) }
                        span { (q.text) }
                    }
                }
            }
            @if r.details.stage == Environment::Sandbox {
                form method="post" action=(apply) {
                    (d.csrf.field())
                    (Button::primary("Apply for production"))
                }
            }
        }
        div.card {
            h2 { "API usage" }
            (Table::new(USAGE_COLUMNS).caption("API usage").rows(rows).empty(html! { "No API calls yet." }))
        }
    };
    let current = format!("/console/apps/{}/production", r.app.client_id);
    app_page(d, r, &current, "Usage & production", main).into_response()
}

/// `GET /console/apps/{id}/production`.
pub async fn production(State(st): State<AppState>, OwnApp { d, r }: OwnApp) -> Response {
    production_view(&st, &d, &r, false).await
}

/// `POST /console/apps/{id}/production`: Apply for production; the page says how it went.
pub async fn apply(
    State(st): State<AppState>,
    OwnApp { d, r }: OwnApp,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    if let Err(e) = st.platform().apply_for_production(&r).await {
        return failure_page(&d.kit, e);
    }
    match d.app(&st, &r.app.client_id).await {
        Ok(r) => production_view(&st, &d, &r, true).await,
        Err(resp) => resp,
    }
}

const INSTALL_COLUMNS: &[&str] = &["Bot user", "Extension id", "Added"];

/// The bot page: how the bot is added, and where it is installed; `message` above.
async fn bot_view(
    st: &AppState,
    d: &Dev,
    r: &AppRecord,
    message: Markup,
    status: StatusCode,
) -> Response {
    let found = async {
        Ok::<_, Error>(match st.platform().bot_target(&d.ext, r).await? {
            Some(acc) => (Some(acc), st.platform().bot_installs(acc).await?),
            None => (None, vec![]),
        })
    };
    let (target, installs) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(&d.kit, e),
    };
    let rows = installs.iter().filter(|i| i.app.id == r.app.id).map(|i| {
        html! { td { (i.extension.full_name()) } td { code { (i.extension.id) } } td { (when(i.created)) } }
    });
    let install = format!("/console/apps/{}/bot", r.app.client_id);
    let sandbox = format!("/console/sandbox?next={}", enc(&install));
    let main = html! {
        (heading("Bot", app_sub(r, false)))
        (message)
        div.card {
            h2 { "Add the bot" }
            @if r.details.public_bot {
                p {
                    "This is a public bot: an administrator of any company adds it with the link "
                    code { "/restapi/oauth/authorize?response_type=code&client_id=" (r.app.client_id) }
                    " (\"Add to Glip\"); your bot server then receives a " code { "code" }
                    " at its redirect URI and exchanges it for the bot's token."
                }
            } @else {
                p {
                    "This is a private bot: " em { "Add to RingCentral" }
                    " creates the bot user in your account and POSTs its permanent access token to the bot's OAuth redirect URI (form fields "
                    code { "access_token" } ", " code { "creator_extension_id" } ", " code { "creator_account_id" } ", " code { "client_id" } ")."
                }
            }
            @if target.is_some() {
                form method="post" action=(install) { (d.csrf.field()) (Button::primary("Add to RingCentral")) }
            } @else if r.details.stage == Environment::Sandbox {
                p { "Set up your " a href=(sandbox) { "sandbox account" } " first." }
            } @else {
                p.hint { "Only an administrator of your company can add the bot to it." }
            }
        }
        div.card {
            h2 { "Installed" }
            (Table::new(INSTALL_COLUMNS).caption("Installed").rows(rows).empty(html! { "Not installed in your account yet." }))
        }
    };
    let current = format!("/console/apps/{}/bot", r.app.client_id);
    app_page(d, r, &current, "Bot", main)
        .status(status)
        .into_response()
}

/// `GET /console/apps/{id}/bot` (a REST app has none: its dashboard).
pub async fn bot(State(st): State<AppState>, OwnApp { d, r }: OwnApp) -> Response {
    if r.app.kind == AppKind::Bot {
        bot_view(&st, &d, &r, html! {}, StatusCode::OK).await
    } else {
        see_other(&format!("/console/apps/{}", r.app.client_id))
    }
}

/// `POST /console/apps/{id}/bot`: Add to RingCentral; the page says whether the token reached
/// the bot.
pub async fn install(
    State(st): State<AppState>,
    OwnApp { d, r }: OwnApp,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    let bad = |text: String| notice(Tone::Bad, html! { (text) });
    match st.platform().bot_target(&d.ext, &r).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let msg = bad("There is no account to add the bot to.".into());
            return bot_view(&st, &d, &r, msg, StatusCode::BAD_REQUEST).await;
        }
        Err(e) => return failure_page(&d.kit, e),
    }
    match st.platform().install_for_developer(&d.ext, &r).await {
        Ok(done) => {
            let ext = done.install.extension.id;
            let msg = match done.delivery {
                Some(Ok(())) => notice(
                    Tone::Ok,
                    html! {
                        "The bot was added (extension " (ext) ") and its access token was delivered to its redirect URI."
                    },
                ),
                Some(Err(why)) => notice(
                    Tone::Warn,
                    html! {
                        "The bot was added (extension " (ext) "), but its token could not be delivered: " (why)
                        ". Remove it in the admin portal and try again once the bot server runs."
                    },
                ),
                None => notice(Tone::Ok, html! { "The bot was added." }),
            };
            bot_view(&st, &d, &r, msg, StatusCode::OK).await
        }
        // What the developer can act on (the bot is still in the sandbox…) is said on the page.
        Err(e) if e.fields().is_some() || matches!(e, Error::InvalidSubject { .. }) => {
            bot_view(&st, &d, &r, bad(error_message(&e)), StatusCode::BAD_REQUEST).await
        }
        Err(e) => failure_page(&d.kit, e),
    }
}
