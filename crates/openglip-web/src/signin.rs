//! The one sign-in form of the console, the admin portal and the web client (the authorization
//! pages carry their request beside it, see `authorize::pages`): a login, an extension when the
//! login is a company number, a password. One flow: the kit checked the CSRF token and `Origin`
//! before the handler ran; the platform checks the password (throttled per login and address);
//! the person may be turned away here (`refuse`); a new session of the realm is started (the
//! browser's old one ended) and the browser goes on to `next`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use openglip_domain::platform::SessionRealm;
use openglip_domain::{Error, Extension, SignInFailure};
use openglip_server::AppState;
use openglip_server::extract::Peer;
use openglip_webkit::html::{Button, Document, Field, Tone, auth_card, hidden, notice};
use openglip_webkit::{Cookie, Csrf, CsrfForm, Kit, Markup, Page, html, local_path, see_other};
use serde::Deserialize;

use crate::failure::failure_page;
use crate::parts::NoFields;
use crate::sessions::{AccountPerson, ConsolePerson};

/// What the sign-in form posts.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    pub login: String,
    pub extension: String,
    pub password: String,
    pub next: Option<String>,
}

/// What a login and password typed into a form are checked as: the fields, the client
/// address (for the throttle).
pub struct Attempt<'a> {
    pub peer: &'a str,
    pub login: &'a str,
    pub extension: &'a str,
    pub password: &'a str,
}

/// The fields of a sign-in form (login, extension, password), keeping what was typed.
pub fn credential_fields(login: &str, extension: &str, extension_hint: &str) -> Markup {
    html! {
        (Field::text("login", "Email or phone number").value(login).autocomplete("username").required())
        (Field::text("extension", "Extension").value(extension).hint(extension_hint))
        (Field::password("password", "Password").autocomplete("current-password").required())
    }
}

/// A sign-in failure in words for the form, and the status of the page that shows it (429
/// when throttled); `None` when the store failed rather than the person.
pub fn sign_in_failure(e: &Error) -> Option<(String, StatusCode)> {
    match e {
        Error::SignIn(f @ SignInFailure::Throttled { .. }) => {
            Some((f.to_string(), StatusCode::TOO_MANY_REQUESTS))
        }
        Error::SignIn(f) => Some((f.to_string(), StatusCode::BAD_REQUEST)),
        _ => None,
    }
}

/// Checks an attempt: the person, or the form's answer (the reason, with its status), or the
/// store's error.
pub async fn check(
    st: &AppState,
    a: Attempt<'_>,
) -> Result<Result<Extension, (String, StatusCode)>, Error> {
    match st
        .platform()
        .sign_in(a.peer, a.login, Some(a.extension), a.password)
        .await
    {
        Ok(ext) => Ok(Ok(ext)),
        Err(e) => match sign_in_failure(&e) {
            Some(why) => Ok(Err(why)),
            None => Err(e),
        },
    }
}

/// The session storage failed: logged here with its cause, answered 503 (try again).
fn unavailable(e: openglip_webkit::StorageError, what: &'static str) -> Error {
    tracing::error!(error = %e, "{what}");
    Error::Unavailable
}

/// Starts a session of `ext` in `realm` (the browser's old one there ended): the cookie to set.
pub async fn start(
    st: &AppState,
    kit: &Kit,
    headers: &HeaderMap,
    realm: SessionRealm,
    ext: Extension,
) -> Result<Cookie, Error> {
    let started = match realm {
        SessionRealm::Account => {
            openglip_webkit::start_session(st, kit, headers, &AccountPerson(ext)).await
        }
        SessionRealm::Console => {
            openglip_webkit::start_session(st, kit, headers, &ConsolePerson(ext)).await
        }
    };
    started.map_err(|e| unavailable(e, "starting a session failed"))
}

/// Ends the browser's session of `realm`: the cookie that clears it.
pub async fn end(
    st: &AppState,
    kit: &Kit,
    headers: &HeaderMap,
    realm: SessionRealm,
) -> Result<Cookie, Error> {
    let ended = match realm {
        SessionRealm::Account => {
            openglip_webkit::end_session::<AccountPerson, _>(st, kit, headers).await
        }
        SessionRealm::Console => {
            openglip_webkit::end_session::<ConsolePerson, _>(st, kit, headers).await
        }
    };
    ended.map_err(|e| unavailable(e, "ending a session failed"))
}

/// A sign-in page of the console, the admin portal or the web client, each with its words,
/// realm and who it turns away.
pub struct SignIn {
    pub title: &'static str,
    pub subtitle: &'static str,
    /// Where the form posts.
    pub action: &'static str,
    /// Where to go after signing in when the form names nowhere (or somewhere not local).
    pub home: &'static str,
    pub realm: SessionRealm,
    /// Who may not sign in here, with the reason shown (403).
    pub refuse: fn(&Extension) -> Option<&'static str>,
    /// Where "Forgot your password?" leads, if the form offers it.
    pub forgot: Option<&'static str>,
}

const EXTENSION_HINT: &str =
    "Only when you sign in with a company phone number, e.g. your sandbox's main number and 101";

impl SignIn {
    fn render(
        &self,
        kit: &Kit,
        csrf: &Csrf,
        next: &str,
        form: &SignInForm,
        error: Option<&str>,
    ) -> Markup {
        let card = auth_card(
            kit,
            html! {
                h1 { (self.title) }
                p.sub { (self.subtitle) }
                @if let Some(e) = error { (notice(Tone::Bad, html! { (e) })) }
                form.stack.mt method="post" action=(self.action) novalidate {
                    (csrf.field())
                    (hidden("next", next))
                    (credential_fields(&form.login, &form.extension, EXTENSION_HINT))
                    (Button::primary("Sign in").wide())
                }
                @if let Some(forgot) = self.forgot {
                    p.mt { a href=(forgot) { "Forgot your password?" } }
                }
            },
        );
        Document::new(kit, self.title).render(card)
    }

    /// The empty form, coming back to `next` afterwards.
    pub fn page(&self, kit: &Kit, csrf: &Csrf, next: Option<&str>) -> Page {
        let next = local_path(next, self.home);
        Page::new(self.render(kit, csrf, &next, &SignInForm::default(), None))
    }

    /// The form posted (its CSRF token already checked): signed in and on to `next`, or the
    /// form again with the reason.
    pub async fn post(
        &self,
        st: &AppState,
        kit: &Kit,
        csrf: &Csrf,
        headers: &HeaderMap,
        peer: &str,
        form: SignInForm,
    ) -> Response {
        let next = local_path(form.next.as_deref(), self.home);
        let fail = |why: &str, status: StatusCode| {
            Page::new(self.render(kit, csrf, &next, &form, Some(why)))
                .status(status)
                .into_response()
        };
        let attempt = Attempt {
            peer,
            login: &form.login,
            extension: &form.extension,
            password: &form.password,
        };
        let ext = match check(st, attempt).await {
            Ok(Ok(ext)) => ext,
            Ok(Err((why, status))) => return fail(&why, status),
            Err(e) => return failure_page(kit, e),
        };
        if let Some(why) = (self.refuse)(&ext) {
            return fail(why, StatusCode::FORBIDDEN);
        }
        match start(st, kit, headers, self.realm, ext).await {
            Ok(cookie) => (cookie, see_other(&next)).into_response(),
            Err(e) => failure_page(kit, e),
        }
    }
}

impl SignIn {
    /// `POST {action}`: the form posted (its CSRF token checked by the kit first).
    pub fn post_route(&'static self) -> MethodRouter<AppState> {
        post(
            move |State(st): State<AppState>,
                  kit: Kit,
                  csrf: Csrf,
                  Peer(peer): Peer,
                  headers: HeaderMap,
                  CsrfForm(form): CsrfForm<SignInForm>| async move {
                self.post(&st, &kit, &csrf, &headers, &peer, form).await
            },
        )
    }

    /// `POST` to sign out: ends the browser's session of the realm, then this sign-in page.
    pub fn sign_out_route(&'static self) -> MethodRouter<AppState> {
        post(
            move |State(st): State<AppState>,
                  kit: Kit,
                  headers: HeaderMap,
                  CsrfForm(NoFields {}): CsrfForm<NoFields>| async move {
                match end(&st, &kit, &headers, self.realm).await {
                    Ok(c) => (c, see_other(self.action)).into_response(),
                    Err(e) => failure_page(&kit, e),
                }
            },
        )
    }
}
