//! The authorization pages' templates: sign-in (the request carried as `q`), "Continue as …",
//! and the Access Request page.

use openglip_domain::AppKind;
use openglip_domain::*;
use openglip_webkit::html::{Button, Document, Tone, auth_card, hidden, notice};
use openglip_webkit::{Csrf, Kit, Markup, Page, html};

use super::request::{Authz, permission_text};
use crate::signin::credential_fields;
use crate::words::initials;

/// The Access Request page's security policy: as every page's, but its form may lead anywhere,
/// since Authorize answers with a redirect to the client's (registered) redirect URI, which
/// browsers check against `form-action` too.
pub const CONSENT_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; frame-ancestors 'none'; base-uri 'none'";

fn page(kit: &Kit, title: &str, inner: Markup) -> Page {
    Page::new(Document::new(kit, title).render(auth_card(kit, inner)))
}

/// "Sign in to continue to {app}".
fn heading(a: &Authz) -> Markup {
    html! {
        h1 { "Sign in" }
        p.sub { "to continue to " strong { (a.record.app.name) } }
    }
}

/// The app asking: its initials, name, and what it is.
fn app_header(a: &Authz) -> Markup {
    let app = &a.record.app;
    html! {
        div.account {
            span.applogo aria-hidden="true" { (initials(&app.name)) }
            div {
                strong { (app.name) } br;
                span.hint { @if app.kind == AppKind::Bot { "Bot" } @else { "wants to use your account" } }
            }
        }
    }
}

/// What the sign-in form of an authorization request keeps when shown again.
pub struct Typed<'a> {
    pub login: &'a str,
    pub extension: &'a str,
    pub error: Option<&'a str>,
}

/// Sign in to continue to the app; Cancel goes back to it with `access_denied`.
pub fn signin(kit: &Kit, csrf: &Csrf, a: &Authz, typed: &Typed<'_>) -> Page {
    let cancel = format!("/oauth/cancel?{}", a.q);
    page(
        kit,
        "Sign in",
        html! {
            (heading(a))
            @if let Some(e) = typed.error { (notice(Tone::Bad, html! { (e) })) }
            form.stack method="post" action="/oauth/signin" novalidate {
                (csrf.field())
                (hidden("q", &a.q))
                (credential_fields(typed.login, typed.extension, "Only when you sign in with a company phone number"))
                (Button::primary("Sign in").wide())
            }
            p.hint.mt {
                "Not you, or not now? "
                a href=(cancel) { "Cancel and return to " (a.record.app.name) }
            }
        },
    )
}

/// Someone is signed in: continue as them, or use another account.
pub fn continue_as(kit: &Kit, a: &Authz, ext: &Extension) -> Page {
    let first = if ext.first_name.is_empty() {
        &ext.extension_number
    } else {
        &ext.first_name
    };
    let who = ext
        .email
        .clone()
        .unwrap_or_else(|| format!("Extension {}", ext.extension_number));
    let consent = format!("/oauth/consent?{}", a.q);
    let another = format!("/restapi/oauth/authorize?{}&prompt=login", a.q);
    page(
        kit,
        "Sign in",
        html! {
            (heading(a))
            div.account {
                span.avatar aria-hidden="true" { (initials(&ext.full_name())) }
                div { strong { (ext.full_name()) } br; span.hint { (who) } }
            }
            div.stack.tight {
                (Button::primary(&format!("Continue as {first}")).wide().link(&consent))
                div.divider { "or" }
                (Button::secondary("Use another account").wide().link(&another))
            }
        },
    )
}

/// The Access Request page: what the app may do, who is signed in, Authorize or Cancel.
pub fn consent(kit: &Kit, csrf: &Csrf, a: &Authz, ext: &Extension, company: &str) -> Page {
    let app = &a.record.app;
    let another = format!("/restapi/oauth/authorize?{}&prompt=login", a.q);
    let contact = &a.record.details.contact_email;
    page(
        kit,
        "Access Request",
        html! {
            h1 { "Access Request" }
            (app_header(a))
            @if app.kind == AppKind::Bot {
                p {
                    strong { (app.name) } " will be added to " strong { (company) }
                    " as a bot: it joins the Everyone team, people can message it and add it to chats. It will be able to:"
                }
            } @else {
                p { strong { (app.name) } " is requesting access to your account. It will be able to:" }
            }
            ul.perms {
                @for p in a.scope.iter() {
                    li { strong { (p.display_name()) } span { (permission_text(p)) } }
                }
            }
            @if !contact.is_empty() { p.hint { "Published by " (contact) } }
            p.hint {
                "Signed in as " strong { (ext.full_name()) } " (" (company) "). "
                a href=(another) { "Use another account" }
            }
            form.actions.mt method="post" action="/oauth/consent" {
                (csrf.field())
                (hidden("q", &a.q))
                (Button::primary("Authorize").value("decision", "allow"))
                (Button::secondary("Cancel").value("decision", "deny"))
            }
        },
    )
    .csp(CONSENT_CSP)
}
