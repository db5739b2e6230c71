//! The agents: the list and **New agent** (blank, or the Travel Assistant template); an
//! agent's page with its dialog editor (errors at their lines, nothing saved while there are
//! any), **Publish**, the **Talk to agent** panel (the draft answers, no channel needed),
//! utterance testing (which task a message starts, every score, and why), and its transcripts,
//! each downloadable as a conversation test.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_webkit::html::{Button, Choice, Field, FormErrors, Table, Tone, notice, pill};
use openglip_webkit::{Csrf, CsrfForm, Session, html, see_other};
use serde::Deserialize;

use super::{Answer, Nothing, OrPage, fail, form_errors, page};
use crate::app::App;
use crate::dialog::DialogError;
use crate::error::Error;
use crate::rules::Template;
use crate::store::accounts::Account;
use crate::store::conversations::ConversationKey;
use crate::testing::{TestFile, from_transcript};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/agents", get(list).post(create))
        .route("/agents/{id}", get(show).post(save))
        .route("/agents/{id}/publish", post(publish))
        .route("/agents/{id}/talk", post(talk))
        .route("/agents/{id}/talk/reset", post(talk_reset))
        .route("/agents/{id}/transcripts/test", get(transcript_test))
}

const TEMPLATES: &[Choice] = &[
    Choice {
        value: "travel",
        label: "Travel Assistant (book a flight, check and cancel bookings)",
        hint: None,
    },
    Choice {
        value: "blank",
        label: "Blank",
        hint: None,
    },
];

#[derive(Deserialize, Default)]
struct NewAgent {
    #[serde(default)]
    name: String,
    #[serde(default)]
    template: String,
}

fn list_page(
    app: &App,
    me: &Account,
    csrf: &Csrf,
    agents: &[crate::store::agents::AgentRow],
    form: &NewAgent,
    errors: &FormErrors,
) -> Response {
    let rows = agents.iter().map(|a| {
        let href = format!("/agents/{}", a.id);
        html! {
            tr {
                td { a href=(href) { (a.name) } }
                td { @match a.published_version { Some(v) => (pill(Tone::Ok, &format!("Published v{v}"))), None => (pill(Tone::Neutral, "Not published")) } }
                td { code { (a.stream_id) } }
            }
        }
    });
    let main = html! {
        (Table::new(&["Agent", "State", "Stream id"]).caption("Agents").rows(rows).empty(html! { "No agents yet: make the first one below." }))
        h2 { "New agent" }
        form.stack method="post" action="/agents" novalidate {
            (errors.summary())
            (csrf.field())
            (Field::text("name", "Name").value(&form.name).required().error(errors.get("name")))
            (Field::select("template", "Start from", TEMPLATES).value(if form.template.is_empty() { "travel" } else { &form.template }))
            div.actions { (Button::primary("Create agent")) }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(app, me, csrf, "Agents", main)
        .status(status)
        .into_response()
}

async fn list(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
) -> Answer {
    let kit = app.kit().clone();
    let agents = app.store().agents().await.or_page(&kit)?;
    Ok(list_page(
        &app,
        &user,
        &csrf,
        &agents,
        &NewAgent::default(),
        &FormErrors::new(),
    ))
}

async fn create(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<NewAgent>,
) -> Answer {
    let kit = app.kit().clone();
    let template = if form.template == "blank" {
        Template::Blank
    } else {
        Template::TravelAssistant
    };
    match app.create_agent(&form.name, template).await {
        Ok(a) => Ok(see_other(&format!("/agents/{}", a.id))),
        Err(e) => match form_errors(&e) {
            Some(errors) => {
                let agents = app.store().agents().await.or_page(&kit)?;
                Ok(list_page(&app, &user, &csrf, &agents, &form, &errors))
            }
            None => Err(fail(&kit, e)),
        },
    }
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    utterance: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

/// The Talk to agent panel's conversation for this person.
fn panel_key(agent_id: i64, me: &Account) -> ConversationKey {
    ConversationKey {
        agent_id,
        channel: "talk".into(),
        chat_id: "panel".into(),
        person_id: me.id.to_string(),
    }
}

struct Editor<'a> {
    source: &'a str,
    errors: &'a [DialogError],
    notice: Option<&'a str>,
}

async fn agent_page(
    app: &App,
    me: &Account,
    csrf: &Csrf,
    id: i64,
    editor: Editor<'_>,
    utterance: Option<&str>,
) -> Answer {
    let kit = app.kit().clone();
    let row = app.store().agent(id).await.or_page(&kit)?;
    let talk = app
        .store()
        .transcript(&panel_key(id, me))
        .await
        .or_page(&kit)?;
    let conversations = app.store().conversations(id).await.or_page(&kit)?;
    let generative = app.store().generative(id).await.or_page(&kit)?;
    let report = match utterance.filter(|u| !u.trim().is_empty()) {
        None => None,
        Some(u) => Some((u, app.draft(id).await.map(|(_, a)| a.test_utterance(u)))),
    };
    let semantic = app.semantic_model().is_some()
        && crate::dialog::load(&row.draft).is_ok_and(|a| a.def.settings.semantic);
    let base = format!("/agents/{id}");
    let main = html! {
        p {
            @match row.published_version {
                Some(v) => (pill(Tone::Ok, &format!("Published v{v}"))),
                None => (pill(Tone::Warn, "Not published: the channel answers with the published version")),
            }
            " Stream id " code { (row.stream_id) }
        }
        p {
            a.btn.secondary href=(format!("{base}/channels/glip")) { "Channels > Digital > RingCentral Glip" }
            " "
            a.btn.secondary href=(format!("{base}/generative")) { "Generative answers" }
            " "
            @if generative.enabled { (pill(Tone::Ok, &format!("Generative answers on: {}", generative.model))) }
            @else { (pill(Tone::Neutral, "Generative answers off")) }
        }
        @if let Some(n) = editor.notice { (notice(Tone::Ok, html! { (n) })) }
        section aria-labelledby="dialog" {
            h2 #dialog { "Dialog tasks" }
            @if !editor.errors.is_empty() {
                (notice(Tone::Bad, html! {
                    p { "The dialog file has errors; nothing was saved." }
                    ul.dialog-errors { @for e in editor.errors { li { @if let Some(l) = e.line { strong { "Line " (l) ": " } } (e.message) } } }
                }))
            }
            form.stack method="post" action=(base) novalidate {
                (csrf.field())
                (Field::textarea("source", "Dialog file (YAML; see docs/agents.md)").value(editor.source).required())
                div.actions { (Button::primary("Save")) }
            }
            form method="post" action=(format!("{base}/publish")) {
                (csrf.field())
                (Button::secondary("Publish"))
            }
        }
        section aria-labelledby="talk" {
            h2 #talk { "Talk to agent" }
            p { "The saved draft answers here; no channel is needed." }
            ol.talk {
                @for t in &talk {
                    li { strong { "You: " } (t.said) }
                    @for line in t.answer.lines() { li.agent { strong { (row.name) ": " } (line) } }
                    @if let Some(g) = &t.generative { li.note { small { "Generative step: " (g) } } }
                }
            }
            form.stack method="post" action=(format!("{base}/talk")) {
                (csrf.field())
                (Field::text("message", "Message").required().autocomplete("off"))
                div.actions { (Button::primary("Send")) }
            }
            form method="post" action=(format!("{base}/talk/reset")) {
                (csrf.field())
                (Button::secondary("Start over"))
            }
        }
        section aria-labelledby="utterances" {
            h2 #utterances { "Utterance testing" }
            p {
                @if semantic { "Semantic matching is on: where the words do not decide, the meaning may (the Semantic column)." }
                @else if app.semantic_model().is_some() { "Semantic matching is off for this agent (" code { "semantic: false" } ")." }
                @else { "Matching by words only: the app has no sentence-embedding model (" code { "--model-dir" } ")." }
            }
            form.stack method="get" action=(base) {
                (Field::text("utterance", "Utterance").value(utterance.unwrap_or("")))
                div.actions { (Button::secondary("Test")) }
            }
            @if let Some((u, r)) = &report {
                @match r {
                    Err(e) => (notice(Tone::Bad, html! { (e.to_string()) })),
                    Ok(r) => {
                        p { "\"" (u) "\": " strong { (decision_words(&r.decision)) } " — " (r.reason) }
                        (Table::new(&["Task", "How", "Score", "By", "Semantic", "By meaning"]).caption("Scores").rows(r.candidates.iter().map(|c| html! {
                            tr {
                                td { (c.title) } td { (format!("{:?}", c.method).to_lowercase()) } td { (format!("{:.2}", c.score)) } td { (c.by) }
                                td { @match c.semantic { Some(s) => (format!("{s:.2}")), None => "—" } }
                                td { (c.semantic_by.as_deref().unwrap_or("")) }
                            }
                        })))
                    }
                }
            }
        }
        section aria-labelledby="transcripts" {
            h2 #transcripts { "Transcripts" }
            (Table::new(&["Channel", "Chat", "Person", "Turns", ""]).caption("Conversations").rows(conversations.iter().map(|c| {
                let href = format!("{base}/transcripts/test?channel={}&chat={}&person={}", openglip_webkit::enc(&c.channel), openglip_webkit::enc(&c.chat_id), openglip_webkit::enc(&c.person_id));
                html! { tr { td { (c.channel) } td { (c.chat_id) } td { (c.person_id) } td { (c.turns) } td { a href=(href) { "As a test" } } } }
            })).empty(html! { "No conversations yet." }))
        }
    };
    let status = if editor.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(page(app, me, csrf, &row.name, main)
        .status(status)
        .into_response())
}

fn decision_words(d: &crate::matching::Decision) -> String {
    match d {
        crate::matching::Decision::Matched { task } => format!("starts {task}"),
        crate::matching::Decision::Ambiguous { tasks } => {
            format!("ambiguous between {}", tasks.join(", "))
        }
        crate::matching::Decision::NoMatch => "no match (fallback)".into(),
    }
}

async fn show(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Answer {
    let kit = app.kit().clone();
    let row = app.store().agent(id).await.or_page(&kit)?;
    let notice = q.saved.as_deref().map(|s| match s {
        "published" => "Published: the channel answers with this version now.",
        _ => "Saved.",
    });
    agent_page(
        &app,
        &user,
        &csrf,
        id,
        Editor {
            source: &row.draft,
            errors: &[],
            notice,
        },
        q.utterance.as_deref(),
    )
    .await
}

#[derive(Deserialize)]
struct Source {
    #[serde(default)]
    source: String,
}

async fn save(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Source>,
) -> Answer {
    let kit = app.kit().clone();
    match app.save_draft(id, &form.source).await {
        Ok(_) => Ok(see_other(&format!("/agents/{id}?saved=draft"))),
        Err(Error::Dialog(errors)) => {
            agent_page(
                &app,
                &user,
                &csrf,
                id,
                Editor {
                    source: &form.source,
                    errors: &errors,
                    notice: None,
                },
                None,
            )
            .await
        }
        Err(e) => Err(fail(&kit, e)),
    }
}

async fn publish(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Answer {
    let kit = app.kit().clone();
    match app.publish(id, Some(user.id)).await {
        Ok(_) => Ok(see_other(&format!("/agents/{id}?saved=published"))),
        Err(Error::Dialog(errors)) => {
            let row = app.store().agent(id).await.or_page(&kit)?;
            agent_page(
                &app,
                &user,
                &csrf,
                id,
                Editor {
                    source: &row.draft,
                    errors: &errors,
                    notice: None,
                },
                None,
            )
            .await
        }
        Err(e) => Err(fail(&kit, e)),
    }
}

#[derive(Deserialize)]
struct Said {
    #[serde(default)]
    message: String,
}

async fn talk(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Said>,
) -> Answer {
    let kit = app.kit().clone();
    if !form.message.trim().is_empty() {
        let (_, agent) = app.draft(id).await.or_page(&kit)?;
        app.converse(
            &agent,
            None,
            &panel_key(id, &user),
            form.message.trim(),
            None,
        )
        .await
        .or_page(&kit)?;
    }
    Ok(see_other(&format!("/agents/{id}#talk")))
}

async fn talk_reset(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    Path(id): Path<i64>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Answer {
    let kit = app.kit().clone();
    app.store()
        .reset_session(&panel_key(id, &user))
        .await
        .or_page(&kit)?;
    Ok(see_other(&format!("/agents/{id}#talk")))
}

#[derive(Deserialize)]
struct TranscriptQuery {
    channel: String,
    chat: String,
    person: String,
}

/// A conversation's transcript as a conversation test file.
async fn transcript_test(
    State(app): State<App>,
    _: Session<Account>,
    Path(id): Path<i64>,
    Query(q): Query<TranscriptQuery>,
) -> Answer {
    let kit = app.kit().clone();
    let row = app.store().agent(id).await.or_page(&kit)?;
    let key = ConversationKey {
        agent_id: id,
        channel: q.channel,
        chat_id: q.chat,
        person_id: q.person,
    };
    let turns: Vec<(String, String)> = app
        .store()
        .transcript(&key)
        .await
        .or_page(&kit)?
        .into_iter()
        .map(|t| (t.said, t.answer))
        .collect();
    if turns.is_empty() {
        return Err(fail(&kit, Error::NotFound("This conversation".into())));
    }
    let file = TestFile {
        agent: row.name.clone(),
        tests: vec![from_transcript(
            &format!("{} conversation {}", key.channel, key.chat_id),
            &turns,
        )],
    };
    let yaml =
        serde_norway::to_string(&file).map_err(|e| fail(&kit, Error::Store(e.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/yaml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"conversation.tests.yaml\"",
            ),
        ],
        yaml,
    )
        .into_response())
}
