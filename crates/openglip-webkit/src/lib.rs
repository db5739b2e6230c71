//! The page kit of openglip's products: the platform's pages, the OKR app and the agent app
//! build their web pages on it. It knows nothing of openglip's store, domain or server; an app
//! brings its own storage through two traits ([`Sessions`], [`SignInWithOpenglip`]).
//!
//! - **Templates that escape**: [maud](https://maud.lambda.xyz/)'s `html!` (re-exported), so
//!   every value is escaped unless wrapped in `PreEscaped`; the chrome and components in
//!   [`html`].
//! - **Assets**: one stylesheet and one script ([`assets`]), embedded, revalidated by `ETag`.
//! - **Responses** ([`response`]): hardened [`Page`]s with a content security policy,
//!   [`see_other`] after a form post, [`error_page`], JSON errors in the app's body type.
//! - **Extractors**: [`Csrf`] (the token to render), [`CsrfForm<T>`] (a verified form post),
//!   [`CsrfVerified`] (a verified `fetch`), [`Session<U>`] and [`ApiSession<U>`], and
//!   [`Allowed<R>`] / [`ApiAllowed<R>`] for the app's [`Role`]s. A refused request never reaches
//!   the handler: a page gets a redirect to sign in or an error page, a JSON API its error body.
//! - **"Sign in with openglip"** ([`signin`]): authorization code + PKCE against the platform.
//!
//! # A page request, through the kit
//!
//! [`Kit::apply`] wraps the app's router: each request carries the [`Kit`] (product name,
//! cookie prefix, public URL, JSON error body). A handler's extractors run first, in order:
//! [`Session<U>`] reads the `{prefix}session` cookie, hashes it into a [`SessionId`] and asks
//! the app's [`Sessions::load_session`]; a [`Role`] checks the user; [`CsrfForm<T>`] checks
//! `Origin` and the double-submit token, then reads the form into `T`. Only then does the
//! handler run: it renders with `html!` and the [`html`] components into a [`Page`] (hardened
//! headers, CSP) or answers a post with [`see_other`]. A CSRF token first issued during the
//! request is set as a cookie on the way out.
//!
//! # Building an app's pages
//!
//! A person type, sessions in the app's storage (here a map), a role, a page with a form that
//! shows its errors in place, and the router:
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::{Arc, Mutex};
//! use std::time::SystemTime;
//!
//! use axum::{Router, routing::get, extract::State, response::{IntoResponse, Response}};
//! use openglip_webkit::html::{Button, Field, FormErrors, NavLink, Shell};
//! use openglip_webkit::{
//!     Allowed, Csrf, CsrfForm, Kit, Page, Role, Session, SessionId, Sessions, StorageError,
//!     html, see_other,
//! };
//!
//! #[derive(Clone)]
//! struct Person { name: String, admin: bool }
//!
//! #[derive(Clone)]
//! struct App { kit: Kit, sessions: Arc<Mutex<HashMap<SessionId, (Person, SystemTime)>>> }
//!
//! // 1. Sessions live in the app's storage, found by the hash of the cookie.
//! impl Sessions<Person> for App {
//!     const COOKIE: &'static str = "session";
//!     const SIGN_IN: &'static str = "/auth/signin";
//!     async fn load_session(&self, id: SessionId, now: SystemTime) -> Result<Option<Person>, StorageError> {
//!         let map = self.sessions.lock().map_err(StorageError::new)?;
//!         Ok(map.get(&id).filter(|(_, until)| *until > now).map(|(p, _)| p.clone()))
//!     }
//!     async fn save_session(&self, id: SessionId, p: &Person, until: SystemTime) -> Result<(), StorageError> {
//!         self.sessions.lock().map_err(StorageError::new)?.insert(id, (p.clone(), until));
//!         Ok(())
//!     }
//!     async fn delete_session(&self, id: SessionId) -> Result<(), StorageError> {
//!         self.sessions.lock().map_err(StorageError::new)?.remove(&id);
//!         Ok(())
//!     }
//! }
//!
//! // 2. A role: some of the people, and what the others are told (403).
//! struct Admin(Person);
//! impl Role for Admin {
//!     type User = Person;
//!     const REFUSAL: &'static str = "Only administrators can rename the team.";
//!     fn admit(p: Person) -> Option<Self> { p.admin.then_some(Admin(p)) }
//! }
//!
//! // 3. A page with a form; the same page again with the errors in place.
//! const NAV: &[NavLink] = &[NavLink { href: "/", label: "Home" }, NavLink { href: "/team", label: "Team" }];
//!
//! fn team_page(kit: &Kit, me: &Person, csrf: &Csrf, name: &str, errors: &FormErrors) -> Page {
//!     let main = html! {
//!         h1 { "Team" }
//!         form.stack method="post" action="/team" novalidate {
//!             (errors.summary())
//!             (csrf.field())
//!             (Field::text("name", "Team name").value(name).required().error(errors.get("name")))
//!             div.actions { (Button::primary("Rename")) }
//!         }
//!     };
//!     let shell = Shell::new(kit, "Example", "/").nav(NAV, "/team").user(&me.name).sign_out("/signout", csrf);
//!     Page::new(shell.render("Team", main))
//! }
//!
//! async fn team(State(app): State<App>, Session { user, .. }: Session<Person>, csrf: Csrf) -> Page {
//!     team_page(&app.kit, &user, &csrf, "", &FormErrors::new())
//! }
//!
//! #[derive(serde::Deserialize)]
//! struct Rename { name: String }
//!
//! // The CSRF token and the role are checked before this runs.
//! async fn rename(State(app): State<App>, Allowed(Admin(me)): Allowed<Admin>, csrf: Csrf,
//!                 CsrfForm(form): CsrfForm<Rename>) -> Response {
//!     let mut errors = FormErrors::new();
//!     if form.name.trim().is_empty() {
//!         errors.add("name", "Enter a name.");
//!     }
//!     if !errors.is_empty() {
//!         let page = team_page(&app.kit, &me, &csrf, &form.name, &errors);
//!         return page.status(axum::http::StatusCode::BAD_REQUEST).into_response();
//!     }
//!     see_other("/team")
//! }
//!
//! let app = App { kit: Kit::new("Example", "ex_"), sessions: Default::default() };
//! let router: Router = app.kit.apply(Router::new().route("/team", get(team).post(rename))).with_state(app);
//! ```

pub mod assets;
pub mod cookies;
pub mod csrf;
pub mod html;
mod kit;
pub mod refusal;
pub mod response;
pub mod session;
pub mod signin;
mod token;

pub use cookies::Cookie;
pub use csrf::{Csrf, CsrfForm, CsrfVerified};
pub use kit::{Kit, KitMissing};
pub use maud::{Markup, PreEscaped, Render, html};
pub use openglip_sdk;
pub use refusal::{ErrorMessage, Refusal, is_fetch};
pub use response::{
    DEFAULT_CSP, JsonError, Page, enc, error_page, harden, json_error, local_path, see_other,
};
pub use session::{
    Allowed, ApiAllowed, ApiSession, Role, Session, SessionId, Sessions, StorageError, end_session,
    start_session,
};
pub use signin::{PlatformSignIn, SignInWithOpenglip, SignedIn};
