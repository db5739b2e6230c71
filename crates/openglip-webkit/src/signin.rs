//! "Sign in with openglip": how an app (the OKR app, the agent app) signs its people in with
//! their platform account, by OAuth 2.0 authorization code with PKCE (S256) and `state`, on
//! [`openglip_sdk`].
//!
//! 1. [`start`] (e.g. `GET /auth/signin?next=/teams`) makes a random seed, keeps it in a
//!    short-lived cookie scoped to the callback path (`{prefix}signin`, ten minutes), and sends
//!    the browser to the platform's `/restapi/oauth/authorize` with `state` and the PKCE
//!    challenge, both derived from the seed by SHA-256 (so the `state` seen in URLs reveals
//!    nothing of the verifier, and the cookie holds neither).
//! 2. The person signs in on the platform and allows the app (its Access Request page).
//! 3. [`callback`] (the app's registered redirect URI, e.g. `GET /auth/callback`) compares
//!    `state` with the cookie's in constant time, exchanges the code with the verifier, reads
//!    who signed in (`GET /restapi/v1.0/account/~/extension/~`, which needs the app permission
//!    ReadAccounts) and hands [`SignedIn`] (tokens, person, a client holding the token, where
//!    to go next) to [`SignInWithOpenglip::signed_in`], which starts the app's own session.
//!
//! Refused consent, a mismatched or expired `state`, a code the platform refuses and a platform
//! that cannot be reached are each a clear page with a way to try again.

use std::future::Future;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use openglip_sdk::auth::AuthorizeRequest;
use openglip_sdk::wire::ExtensionInfo;
use openglip_sdk::{Client, Pkce, Token};

use crate::Kit;
use crate::html::{Document, auth_card};
use crate::response::{Page, enc, local_path};
use crate::token::{b64, looks_like_token, new_token, same, sha256, unb64};

/// The cookie of a sign-in in progress, after the kit's prefix.
pub const SIGN_IN_COOKIE: &str = "signin";
/// How long a sign-in may take, from the start to the callback.
pub const SIGN_IN_TTL: Duration = Duration::from_secs(10 * 60);

/// The app's registration on the platform, for signing people in.
#[derive(Debug, Clone)]
pub struct PlatformSignIn {
    platform_url: String,
    client_id: String,
    client_secret: Option<String>,
    redirect_uri: String,
    callback_path: String,
    start_path: String,
    home: String,
    scope: Option<String>,
}

impl PlatformSignIn {
    /// The app registered on the platform at `platform_url` as `client_id` (with its secret,
    /// unless it is a client-side app), whose callback is `redirect_uri` (absolute, exactly as
    /// registered: `https://okr.example.com/auth/callback`).
    pub fn new(
        platform_url: &str,
        client_id: &str,
        client_secret: Option<String>,
        redirect_uri: &str,
    ) -> Result<PlatformSignIn, String> {
        let callback_path = redirect_uri
            .split_once("://")
            .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .map(|p| p.split(['?', '#']).next().unwrap_or("/").to_string())
            .ok_or_else(|| {
                format!(
                    "the redirect URI must be an absolute http(s) URL with a path: {redirect_uri}"
                )
            })?;
        Ok(PlatformSignIn {
            platform_url: platform_url.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
            client_secret,
            redirect_uri: redirect_uri.to_string(),
            callback_path,
            start_path: "/auth/signin".into(),
            home: "/".into(),
            scope: None,
        })
    }

    /// Where [`start`] is routed (default `/auth/signin`; "Try again" links there).
    pub fn start_path(mut self, path: &str) -> Self {
        self.start_path = path.to_string();
        self
    }

    /// Where people go after signing in when they came from nowhere in particular (default `/`).
    pub fn home(mut self, path: &str) -> Self {
        self.home = path.to_string();
        self
    }

    /// The permissions to ask for (default: the app's registered ones).
    pub fn scope(mut self, scope: &str) -> Self {
        self.scope = Some(scope.to_string());
        self
    }

    /// The path of the redirect URI, where [`callback`] is routed.
    pub fn callback_path(&self) -> &str {
        &self.callback_path
    }

    /// The platform's address.
    pub fn platform_url(&self) -> &str {
        &self.platform_url
    }

    /// A platform client with the app's credentials (and no token yet).
    pub fn client(&self) -> Result<Client, openglip_sdk::Error> {
        Client::builder(&self.platform_url)
            .app(&self.client_id, self.client_secret.clone())
            .build()
    }
}

/// Someone who just signed in on the platform.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Their access and refresh tokens for this app.
    pub token: Token,
    /// Who they are: id, name, email (`contact`), account (`account.id`, the tenant), admin.
    pub person: ExtensionInfo,
    /// A platform client acting as them (the token above, renewed when it nears expiry).
    pub client: Client,
    /// Where to go now: the local path the sign-in started from, or the home page.
    pub next: String,
}

/// Implemented by the app's state to use [`start`] and [`callback`].
pub trait SignInWithOpenglip: Clone + Send + Sync + 'static {
    fn platform_sign_in(&self) -> &PlatformSignIn;

    /// Someone signed in on the platform: find or create them, start the app's session
    /// ([`crate::start_session`]) and answer, usually `(cookie, see_other(&who.next))`.
    fn signed_in(
        &self,
        kit: &Kit,
        headers: &HeaderMap,
        who: SignedIn,
    ) -> impl Future<Output = Response> + Send;
}

/// The `state` and PKCE verifier of a seed, derived one-way and apart from each other.
fn derive(seed: &str) -> (String, Pkce) {
    let state = b64(&sha256(&[
        b"openglip-webkit sign-in state\0",
        seed.as_bytes(),
    ]));
    let verifier = b64(&sha256(&[
        b"openglip-webkit sign-in pkce\0",
        seed.as_bytes(),
    ]));
    (state, Pkce::from_verifier(verifier))
}

fn query_param(q: &Option<String>, name: &str) -> Option<String> {
    form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `GET` start: to the platform's authorization page, remembering `next` (a local path).
pub async fn start<S: SignInWithOpenglip>(
    State(st): State<S>,
    kit: Kit,
    RawQuery(q): RawQuery,
) -> Response {
    let cfg = st.platform_sign_in();
    let next = local_path(query_param(&q, "next").as_deref(), &cfg.home);
    let seed = new_token();
    let (state, pkce) = derive(&seed);
    let url = cfg.client().and_then(|c| {
        c.authorize_url(&AuthorizeRequest {
            redirect_uri: cfg.redirect_uri.clone(),
            state: Some(state),
            code_challenge: Some(pkce.challenge),
            scope: cfg.scope.clone(),
            extra: vec![],
        })
    });
    let url = match url {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "sign-in with openglip is misconfigured");
            return problem(
                &kit,
                cfg,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in is not set up",
                "This app's connection to openglip is misconfigured. Tell its administrator.",
                &next,
            );
        }
    };
    let cookie = kit
        .cookie(SIGN_IN_COOKIE, &format!("{seed}.{}", b64(next.as_bytes())))
        .path(&cfg.callback_path)
        .max_age(SIGN_IN_TTL);
    // A plain 303 to another origin: the kit's `see_other` would do, but the platform's URL is
    // not a local path, so it is spelled out here.
    let mut resp = (cookie, StatusCode::SEE_OTHER).into_response();
    match header::HeaderValue::from_str(&url) {
        Ok(v) => {
            resp.headers_mut().insert(header::LOCATION, v);
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    crate::response::harden(&mut resp, crate::DEFAULT_CSP);
    resp
}

/// `GET` callback: checks `state`, exchanges the code, reads who signed in, and hands them to
/// the app; or a page that says what went wrong.
pub async fn callback<S: SignInWithOpenglip>(
    State(st): State<S>,
    kit: Kit,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let cfg = st.platform_sign_in();
    let clear = kit
        .cookie(SIGN_IN_COOKIE, "")
        .path(&cfg.callback_path)
        .cleared();
    let answer = finish(&st, &kit, &headers, &q).await;
    (clear, answer).into_response()
}

async fn finish<S: SignInWithOpenglip>(
    st: &S,
    kit: &Kit,
    headers: &HeaderMap,
    q: &Option<String>,
) -> Response {
    let cfg = st.platform_sign_in();
    let kept = kit.read_cookie(headers, SIGN_IN_COOKIE).and_then(|v| {
        let (seed, next) = v.split_once('.')?;
        let next = String::from_utf8(unb64(next)?).ok()?;
        looks_like_token(seed).then(|| (seed.to_string(), local_path(Some(&next), &cfg.home)))
    });
    let Some((seed, next)) = kept else {
        return problem(
            kit,
            cfg,
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in took too long or was started in another browser. Start again.",
            &cfg.home,
        );
    };
    let (state, pkce) = derive(&seed);
    let state_ok = query_param(q, "state").is_some_and(|s| same(&state, &s));
    if !state_ok {
        return problem(
            kit,
            cfg,
            StatusCode::BAD_REQUEST,
            "Sign-in not recognised",
            "This answer from openglip does not belong to the sign-in started in this browser. Start again.",
            &next,
        );
    }
    if let Some(error) = query_param(q, "error") {
        return if error == "access_denied" {
            problem(
                kit,
                cfg,
                StatusCode::FORBIDDEN,
                "Access not allowed",
                &format!(
                    "You did not allow {} to use your openglip account, so you are not signed in.",
                    kit.product()
                ),
                &next,
            )
        } else {
            let detail = query_param(q, "error_description").unwrap_or(error);
            problem(
                kit,
                cfg,
                StatusCode::BAD_REQUEST,
                "Sign-in failed",
                &format!("openglip refused the sign-in: {detail}"),
                &next,
            )
        };
    }
    let Some(code) = query_param(q, "code").filter(|c| !c.is_empty()) else {
        return problem(
            kit,
            cfg,
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            "openglip sent no authorization code. Start again.",
            &next,
        );
    };
    let signed = async {
        let client = cfg.client()?;
        let token = client
            .exchange_code(&code, &cfg.redirect_uri, Some(&pkce.verifier))
            .await?;
        let person = client.me().await?;
        Ok::<_, openglip_sdk::Error>(SignedIn {
            token,
            person,
            client,
            next: next.clone(),
        })
    }
    .await;
    match signed {
        Ok(who) => st.signed_in(kit, headers, who).await,
        Err(e) => {
            tracing::warn!(error = %e, "sign-in with openglip failed");
            let unreachable =
                !matches!(&e, openglip_sdk::Error::Api { status, .. } if *status < 500);
            if unreachable {
                problem(
                    kit,
                    cfg,
                    StatusCode::BAD_GATEWAY,
                    "openglip is not answering",
                    "openglip could not be reached to finish signing you in. Try again in a moment.",
                    &next,
                )
            } else {
                let why = match &e {
                    openglip_sdk::Error::Api { body, .. } => body.message.clone(),
                    other => other.to_string(),
                };
                problem(
                    kit,
                    cfg,
                    StatusCode::BAD_REQUEST,
                    "Sign-in failed",
                    &format!("openglip did not accept the sign-in ({why}). Start again."),
                    &next,
                )
            }
        }
    }
}

/// A page saying what went wrong, with a button that starts again towards `next`.
fn problem(
    kit: &Kit,
    cfg: &PlatformSignIn,
    status: StatusCode,
    title: &str,
    message: &str,
    next: &str,
) -> Response {
    let again = format!("{}?next={}", cfg.start_path, enc(next));
    let doc = Document::new(kit, title).render(auth_card(
        kit,
        html! {
            h1 { (title) }
            p.sub { (message) }
            p.mt { a.btn.primary href=(again) { "Sign in with openglip" } }
        },
    ));
    Page::new(doc).status(status).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_and_verifier_are_derived_apart() {
        let (s1, p1) = derive("seed-one-seed-one-seed-one");
        let (s2, p2) = derive("seed-two-seed-two-seed-two");
        assert_ne!(s1, s2);
        assert_ne!(s1, p1.verifier);
        assert_eq!(p1.verifier.len(), 43, "RFC 7636: 43 to 128 characters");
        assert_eq!(derive("seed-one-seed-one-seed-one").0, s1, "reproducible");
        assert_ne!(p1.challenge, p2.challenge);
    }

    #[test]
    fn the_callback_path_comes_from_the_redirect_uri() {
        let c = PlatformSignIn::new(
            "http://p:8080/",
            "id",
            None,
            "https://okr.example/auth/callback?x=1",
        )
        .unwrap();
        assert_eq!(c.callback_path(), "/auth/callback");
        assert_eq!(c.platform_url(), "http://p:8080");
        assert!(PlatformSignIn::new("http://p", "id", None, "/auth/callback").is_err());
        assert!(PlatformSignIn::new("http://p", "id", None, "ftp://x/cb").is_err());
    }
}
