//! Notes: a small app on the page kit, as the OKR and agent apps are built. People sign in with
//! their openglip account ("Sign in with openglip"), write notes in a form that shows its errors
//! in place, see them in a table, delete one after a confirmation; the company's administrators
//! see who signed in (a role); `/api/notes` answers the same as JSON. Its storage is memory.
//!
//! The integration tests run this very file against the real platform (`tests/kit/notes.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use openglip_webkit::html::{
    Button, Choice, ConfirmForm, Field, FormErrors, Icon, NavLink, Shell, Table, Tone, auth_card,
    notice, pill,
};
use openglip_webkit::signin::{self, PlatformSignIn, SignInWithOpenglip, SignedIn};
use openglip_webkit::{
    Allowed, ApiSession, Csrf, CsrfForm, Kit, Markup, Page, Role, Session, SessionId, Sessions,
    StorageError, end_session, error_page, html, see_other, start_session,
};
use serde::{Deserialize, Serialize};

/// Someone signed in, as the platform described them.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub account_id: String,
    pub admin: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: u64,
    pub title: String,
    pub body: String,
    pub tag: String,
    pub pinned: bool,
    pub author: String,
}

#[derive(Default)]
struct Storage {
    sessions: HashMap<SessionId, (Person, SystemTime)>,
    notes: Vec<Note>,
    people: HashMap<i64, Person>,
    next_id: u64,
}

/// The app's state: its kit, its registration on the platform, its storage.
#[derive(Clone)]
pub struct Notes {
    kit: Kit,
    sign_in: PlatformSignIn,
    storage: Arc<Mutex<Storage>>,
}

impl Notes {
    pub fn new(kit: Kit, sign_in: PlatformSignIn) -> Notes {
        Notes {
            kit,
            sign_in,
            storage: Arc::default(),
        }
    }

    fn storage(&self) -> Result<std::sync::MutexGuard<'_, Storage>, StorageError> {
        self.storage.lock().map_err(StorageError::new)
    }
}

impl Sessions<Person> for Notes {
    const COOKIE: &'static str = "session";
    const SIGN_IN: &'static str = "/auth/signin";

    async fn load_session(
        &self,
        id: SessionId,
        now: SystemTime,
    ) -> Result<Option<Person>, StorageError> {
        let s = self.storage()?;
        Ok(s.sessions
            .get(&id)
            .filter(|(_, until)| *until > now)
            .map(|(p, _)| p.clone()))
    }

    async fn save_session(
        &self,
        id: SessionId,
        p: &Person,
        until: SystemTime,
    ) -> Result<(), StorageError> {
        self.storage()?.sessions.insert(id, (p.clone(), until));
        Ok(())
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StorageError> {
        self.storage()?.sessions.remove(&id);
        Ok(())
    }
}

impl SignInWithOpenglip for Notes {
    fn platform_sign_in(&self) -> &PlatformSignIn {
        &self.sign_in
    }

    async fn signed_in(&self, kit: &Kit, headers: &HeaderMap, who: SignedIn) -> Response {
        let person = Person {
            id: who.person.id,
            name: who.person.name.clone(),
            account_id: who.person.account.id.clone(),
            admin: who.person.permissions.admin.enabled,
        };
        if let Ok(mut s) = self.storage() {
            s.people.insert(person.id, person.clone());
        }
        match start_session(self, kit, headers, &person).await {
            Ok(cookie) => (cookie, see_other(&who.next)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "could not start a session");
                error_page(
                    kit,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Try again",
                    "Your session could not be started.",
                )
            }
        }
    }
}

/// An administrator of their company on the platform.
pub struct AccountAdmin(pub Person);

impl Role for AccountAdmin {
    type User = Person;
    const REFUSAL: &'static str = "Only your company's administrators can see who uses Notes.";
    fn admit(p: Person) -> Option<Self> {
        p.admin.then_some(AccountAdmin(p))
    }
}

pub fn router(app: Notes) -> Router {
    let routes = Router::new()
        .route("/", get(home))
        .route("/notes", post(add))
        .route("/notes/{id}/delete", post(delete))
        .route("/admin", get(admin))
        .route("/api/notes", get(api_notes))
        .route("/signout", post(sign_out))
        .route("/signed-out", get(signed_out))
        .route("/auth/signin", get(signin::start::<Notes>))
        .route("/auth/callback", get(signin::callback::<Notes>));
    app.kit.apply(routes).with_state(app)
}

const NAV: &[NavLink] = &[
    NavLink {
        href: "/",
        label: "Notes",
    },
    NavLink {
        href: "/admin",
        label: "People",
    },
];

fn page(
    app: &Notes,
    me: &Person,
    csrf: &Csrf,
    current: &'static str,
    title: &str,
    main: Markup,
) -> Page {
    let shell = Shell::new(&app.kit, "Notes", "/")
        .nav(NAV, current)
        .user(&me.name)
        .env("Example", Tone::Info)
        .sign_out("/signout", csrf);
    Page::new(shell.render(title, main))
}

const TAGS: &[Choice] = &[
    Choice {
        value: "idea",
        label: "Idea",
        hint: None,
    },
    Choice {
        value: "todo",
        label: "To do",
        hint: None,
    },
    Choice {
        value: "done",
        label: "Done",
        hint: None,
    },
];

#[derive(Debug, Default, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tag: String,
    pinned: Option<String>,
}

fn notes_page(
    app: &Notes,
    me: &Person,
    csrf: &Csrf,
    form: &NoteForm,
    errors: &FormErrors,
    added: bool,
) -> Result<Page, StorageError> {
    let notes = app.storage()?.notes.clone();
    let rows = notes.iter().map(|n| {
        let form_id = format!("delete-{}", n.id);
        let action = format!("/notes/{}/delete", n.id);
        let question = format!("Delete “{}”?", n.title);
        html! {
            td { strong { (n.title) } @if n.pinned { " " (pill(Tone::Info, "Pinned")) } br; span.hint { (n.body) } }
            td { (pill(Tone::Neutral, &n.tag)) }
            td { (n.author) }
            td { (ConfirmForm::new(&form_id, &action, csrf, Button::danger("Delete").small().icon(Icon::Trash))
                    .question(&question)
                    .detail(html! { p { "The note is gone for everyone." } })) }
        }
    });
    let main = html! {
        div.pagehead { div { h1 { "Notes" } p.sub { "Shared with everyone who signs in." } } }
        @if added { (notice(Tone::Ok, html! { "Your note was added." })) }
        div.card {
            h2 { "Add a note" }
            form.stack method="post" action="/notes" novalidate {
                (errors.summary())
                (csrf.field())
                (Field::text("title", "Title").value(&form.title).required().error(errors.get("title")))
                (Field::textarea("body", "Text").value(&form.body).hint("Plain text, as long as you like."))
                (Field::select("tag", "Tag", TAGS).value(&form.tag).error(errors.get("tag")))
                (Field::checkbox("pinned", "Pin it").checked(form.pinned.is_some()))
                div.actions { (Button::primary("Add note").icon(Icon::Plus)) }
            }
        }
        div.card {
            h2 { "All notes" }
            (Table::new(&["Note", "Tag", "Author", ""])
                .caption("All notes")
                .rows(rows)
                .empty(html! { "No notes yet: add the first one above." }))
        }
    };
    Ok(page(app, me, csrf, "/", "Notes", main))
}

#[derive(Deserialize)]
struct HomeQuery {
    added: Option<String>,
}

async fn home(
    State(app): State<Notes>,
    Session { user, .. }: Session<Person>,
    csrf: Csrf,
    Query(q): Query<HomeQuery>,
) -> Response {
    match notes_page(
        &app,
        &user,
        &csrf,
        &NoteForm::default(),
        &FormErrors::new(),
        q.added.is_some(),
    ) {
        Ok(p) => p.into_response(),
        Err(e) => unavailable(&app, e),
    }
}

async fn add(
    State(app): State<Notes>,
    Session { user, .. }: Session<Person>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Response {
    let mut errors = FormErrors::new();
    if form.title.trim().is_empty() {
        errors.add("title", "Give the note a title.");
    } else if form.title.chars().count() > 120 {
        errors.add("title", "A title has at most 120 characters.");
    }
    if !TAGS.iter().any(|t| t.value == form.tag) {
        errors.add("tag", "Choose one of the tags.");
    }
    if !errors.is_empty() {
        return match notes_page(&app, &user, &csrf, &form, &errors, false) {
            Ok(p) => p.status(StatusCode::BAD_REQUEST).into_response(),
            Err(e) => unavailable(&app, e),
        };
    }
    let saved = app.storage().map(|mut s| {
        s.next_id += 1;
        let id = s.next_id;
        s.notes.push(Note {
            id,
            title: form.title.trim().to_string(),
            body: form.body,
            tag: form.tag,
            pinned: form.pinned.is_some(),
            author: user.name.clone(),
        });
    });
    match saved {
        Ok(()) => see_other("/?added=1"),
        Err(e) => unavailable(&app, e),
    }
}

#[derive(Deserialize)]
struct Nothing {}

async fn delete(
    State(app): State<Notes>,
    _: Session<Person>,
    Path(id): Path<u64>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Response {
    match app.storage() {
        Ok(mut s) => {
            s.notes.retain(|n| n.id != id);
            see_other("/")
        }
        Err(e) => unavailable(&app, e),
    }
}

async fn admin(
    State(app): State<Notes>,
    Allowed(AccountAdmin(me)): Allowed<AccountAdmin>,
    csrf: Csrf,
) -> Response {
    let people: Vec<Person> = match app.storage() {
        Ok(s) => s
            .people
            .values()
            .filter(|p| p.account_id == me.account_id)
            .cloned()
            .collect(),
        Err(e) => return unavailable(&app, e),
    };
    let main = html! {
        h1 { "People" }
        div.card {
            (Table::new(&["Name", "Role"])
                .rows(people.iter().map(|p| html! {
                    td { (p.name) }
                    td { @if p.admin { (pill(Tone::Ok, "Administrator")) } @else { (pill(Tone::Neutral, "Member")) } }
                })))
        }
    };
    page(&app, &me, &csrf, "/admin", "People", main).into_response()
}

async fn api_notes(State(app): State<Notes>, _: ApiSession<Person>) -> Response {
    match app.storage() {
        Ok(s) => Json(serde_json::json!({ "records": s.notes })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "notes storage failed");
            openglip_webkit::Refusal::Unavailable.json(&app.kit)
        }
    }
}

async fn sign_out(
    State(app): State<Notes>,
    kit: Kit,
    headers: HeaderMap,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Response {
    match end_session::<Person, _>(&app, &kit, &headers).await {
        Ok(cleared) => (cleared, see_other("/signed-out")).into_response(),
        Err(e) => unavailable(&app, e),
    }
}

async fn signed_out(State(app): State<Notes>) -> Page {
    let doc = openglip_webkit::html::Document::new(&app.kit, "Signed out").render(auth_card(
        &app.kit,
        html! {
            h1 { "You are signed out" }
            p.mt { (Button::primary("Sign in with openglip").link("/auth/signin").wide()) }
        },
    ));
    Page::new(doc)
}

fn unavailable(app: &Notes, e: StorageError) -> Response {
    tracing::error!(error = %e, "notes storage failed");
    openglip_webkit::Refusal::Unavailable.page(&app.kit)
}
