//! The web client escapes what people and bots write, everywhere it shows it: markup put into
//! every user-controlled field (a person's name, a team's name and description, messages with
//! markdown links and mentions, replies, card and event and note fields, adaptive cards, what
//! is typed into a form or a URL) comes out as text on every page and fragment, and no link
//! goes to `javascript:`.
//!
//! The check is structural: every tag of every answer is read into its name and attributes
//! (values double-quoted, as the pages write them; any other shape fails), and none may be an
//! `<img>` (no image here has an allowed source) or carry an event handler or a `javascript:`
//! URL, and every `<script>` must be one of the server's files; then the escaped
//! text must be there, so the field was shown at all.

use serde_json::{Value, json};

use crate::client::signed_in;
use crate::helpers::*;
use crate::web::*;

/// Markup that runs script if it is ever written out unescaped…
const SCRIPT: &str = "<script>x</script>";
/// …or breaks out of an attribute.
const BREAKOUT: &str = "\"><img src=x onerror=1>";
/// How they read once escaped.
const SCRIPT_TEXT: &str = "&lt;script&gt;x&lt;/script&gt;";
const BREAKOUT_TEXT: &str = "&quot;&gt;&lt;img src=x onerror=1&gt;";

/// Every tag of an HTML answer: what lies between a `<` and the next `>`.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open..];
        let close = after.find('>').map_or(after.len(), |c| c + 1);
        out.push(&after[..close]);
        rest = &after[close..];
    }
    out
}

/// A tag's name and attributes (name, value), values double-quoted as the pages write them;
/// `None` when the tag is not of that shape (something broke out of an attribute).
fn parse_tag(tag: &str) -> Option<(String, Vec<(String, String)>)> {
    let inner = tag.strip_prefix('<')?.strip_suffix('>')?;
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let name_end = inner
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    let mut rest = inner[name_end..].trim_start();
    let mut attrs = Vec::new();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c == '=' || c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let attr = rest[..end].to_ascii_lowercase();
        if attr.is_empty() || !attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        rest = &rest[end..];
        let value = match rest.strip_prefix("=\"") {
            Some(v) => {
                let close = v.find('"')?;
                rest = &v[close + 1..];
                v[..close].to_string()
            }
            None => String::new(),
        };
        attrs.push((attr, value));
        rest = rest.trim_start();
    }
    Some((name, attrs))
}

/// No tag of `html` can run script.
fn assert_inert(what: &str, html: &str) {
    for tag in tags(html) {
        if tag.starts_with("</") || tag.starts_with("<!") {
            continue;
        }
        let Some((name, attrs)) = parse_tag(tag) else {
            panic!("{what}: a tag of an unexpected shape: {tag}");
        };
        assert!(
            !matches!(
                name.as_str(),
                "img" | "iframe" | "object" | "embed" | "svg" | "style"
            ),
            "{what}: {tag}"
        );
        for (attr, value) in &attrs {
            assert!(!attr.starts_with("on"), "{what}: a handler in {tag}");
            let url = value.trim_start().to_ascii_lowercase();
            if matches!(attr.as_str(), "href" | "src" | "action" | "formaction") {
                assert!(
                    !url.starts_with("javascript:"),
                    "{what}: a script URL in {tag}"
                );
            }
        }
        if name == "script" {
            let src = attrs
                .iter()
                .find(|(a, _)| a == "src")
                .map(|(_, v)| v.as_str());
            assert!(
                src.is_some_and(|s| s.starts_with("/assets/")),
                "{what}: a script that is not the client's: {tag}"
            );
        }
    }
    assert!(!html.contains(SCRIPT), "{what}: raw markup in {html}");
    assert!(!html.contains(BREAKOUT), "{what}: raw markup in {html}");
}

/// `html` is inert and shows each of `texts` (escaped).
fn assert_shows(what: &str, html: &str, texts: &[&str]) {
    assert_inert(what, html);
    for t in texts {
        assert!(html.contains(t), "{what}: {t} is not shown in {html}");
    }
}

async fn post(app: &TestApp, token: &str, chat: &str, body: Value) -> String {
    let (s, b) = app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            token,
            body,
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

/// The chat Alice's browser lands in after opening a direct message with `person`.
async fn direct_chat(b: &Browser, person: &str) -> String {
    let p = b.post("/new/dm", &[("person", person)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let to = p.location.unwrap();
    to.trim_start_matches("/c/").to_string()
}

#[tokio::test]
async fn markup_in_every_field_is_shown_as_text_on_every_page() {
    let w = World::new().await;
    // A person whose name is markup, in Alice's company.
    let mallory = w
        .app
        .user(&w.acme, SCRIPT, BREAKOUT, "mallory@acme.test")
        .await;
    let mallory = w.app.logged_in(&w.client, mallory).await;
    let mallory_name = format!("{SCRIPT_TEXT} {BREAKOUT_TEXT}");

    // A public team whose name and description are markup, with Mallory in it.
    let (s, b) = w
        .app
        .post(
            "/team-messaging/v1/teams",
            &w.alice.token,
            json!({"name": format!("Team {SCRIPT}"), "description": BREAKOUT, "public": true,
                   "members": [{"id": mallory.id()}, {"id": w.bob.id()}]}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let team = b["id"].as_str().unwrap().to_string();

    // Messages: markup, markdown links to script and with markup, a mention of Mallory (whose
    // name the mention carries), a reply quoting it.
    let hostile = format!(
        "Hi {SCRIPT} {BREAKOUT} [click](javascript:alert(1)) [{SCRIPT}](https://example.com/{BREAKOUT}) \
         **{SCRIPT}** `{BREAKOUT}` > {SCRIPT}\n* {BREAKOUT}\n![:Person]({})",
        mallory.id()
    );
    let first = post(&w.app, &mallory.token, &team, json!({ "text": hostile })).await;
    post(
        &w.app,
        &mallory.token,
        &team,
        json!({"text": SCRIPT, "parentPostId": first}),
    )
    .await;
    // Cards, events and notes, every text field markup, links to script.
    let attachments = json!([
        {"type": "Card", "intro": SCRIPT, "title": BREAKOUT, "text": SCRIPT, "fallback": SCRIPT,
         "author": {"name": SCRIPT, "uri": "javascript:alert(1)", "iconUri": "javascript:alert(1)"},
         "fields": [{"title": SCRIPT, "value": BREAKOUT, "style": "Short"}],
         "imageUri": "javascript:alert(1)",
         "footnote": {"text": BREAKOUT, "time": SCRIPT}},
        {"type": "Event", "title": SCRIPT, "location": BREAKOUT, "description": SCRIPT,
         "startTime": SCRIPT, "recurrence": BREAKOUT},
        {"type": "Note", "title": BREAKOUT, "body": format!("{SCRIPT}<p>{BREAKOUT}</p>")}
    ]);
    let card_post = post(
        &w.app,
        &mallory.token,
        &team,
        json!({"text": "report", "attachments": attachments}),
    )
    .await;
    let (s, b) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/adaptive-cards"),
            &mallory.token,
            json!({
                "type": "AdaptiveCard", "version": "1.3",
                "body": [
                    {"type": "TextBlock", "text": SCRIPT},
                    {"type": "FactSet", "facts": [{"title": BREAKOUT, "value": SCRIPT}]},
                    {"type": "Input.Text", "id": "a", "label": SCRIPT, "placeholder": BREAKOUT, "value": BREAKOUT},
                    {"type": "Image", "url": "javascript:alert(1)", "altText": BREAKOUT}
                ],
                "actions": [
                    {"type": "Action.OpenUrl", "title": SCRIPT, "url": "javascript:alert(1)"},
                    {"type": "Action.Submit", "title": BREAKOUT}
                ]
            }),
        )
        .await;
    assert_eq!(s, 201, "{b}");

    let alice = signed_in(&w.app, &w.alice.email).await;
    let dm = direct_chat(&alice, &mallory.id()).await;

    // The pages.
    let home = alice.get("/").await;
    assert_shows(
        "the rail",
        &home.body,
        &[&format!("Team {SCRIPT_TEXT}"), &mallory_name],
    );
    let conv = alice.get(&format!("/c/{team}")).await;
    assert_eq!(conv.status, 200);
    assert_shows(
        "the conversation",
        &conv.body,
        &[
            // The title, the composer's label and placeholder (an attribute).
            &format!("Team {SCRIPT_TEXT}"),
            &format!("placeholder=\"Message Team {SCRIPT_TEXT}\""),
            // Authors, messages, the mention, the reply's quote.
            &format!("@{mallory_name}"),
            &format!("<strong>{SCRIPT_TEXT}</strong>"),
            &format!("<code>{BREAKOUT_TEXT}</code>"),
            "[click](javascript:alert(1))",
            &format!("<b>{mallory_name}</b> Hi {SCRIPT_TEXT}"),
            // The attachments.
            &format!("<div class=\"att-title\">{BREAKOUT_TEXT}</div>"),
            &format!("<span class=\"att-author-name\">{SCRIPT_TEXT}</span>"),
            &format!("<div class=\"att-event-location\">{BREAKOUT_TEXT}</div>"),
            &format!("<div class=\"att-note-title\">{BREAKOUT_TEXT}</div>"),
            &format!("placeholder=\"{BREAKOUT_TEXT}\""),
            &format!("<dt>{BREAKOUT_TEXT}</dt>"),
        ],
    );
    let thread = alice.get(&format!("/c/{team}/t/{first}")).await;
    assert_eq!(thread.status, 200);
    assert_shows(
        "the thread",
        &thread.body,
        &[&format!("Thread in Team {SCRIPT_TEXT}"), &mallory_name],
    );
    let details = alice.get(&format!("/c/{team}/details")).await;
    assert_eq!(details.status, 200);
    assert_shows(
        "the details",
        &details.body,
        &[
            &format!("<p class=\"desc\">{BREAKOUT_TEXT}</p>"),
            &format!("data-confirm=\"Leave Team {SCRIPT_TEXT}?\""),
            &format!(" {mallory_name}</span>"),
        ],
    );
    let direct = alice.get(&format!("/c/{dm}")).await;
    assert_eq!(direct.status, 200);
    assert_shows(
        "a direct chat",
        &direct.body,
        &[&format!("<title>{mallory_name} · openglip</title>")],
    );
    let search = alice
        .get("/new/dm?q=%22%3E%3Cimg%20src%3Dx%20onerror%3D1%3E")
        .await;
    assert_shows(
        "the directory's search",
        &search.body,
        &[&format!("value=\"{BREAKOUT_TEXT}\"")],
    );
    // The message search: what was typed, the snippet, the author and the chat, as text.
    let messages = alice
        .get(&format!(
            "/app/search?q={}",
            "%22%3E%3Cimg%20src%3Dx%20onerror%3D1%3E"
        ))
        .await;
    assert_eq!(messages.status, 200);
    assert_shows(
        "the message search",
        &messages.body,
        &[
            &format!("value=\"{BREAKOUT_TEXT}\""),
            "&lt;<mark>img</mark> <mark>src</mark>=<mark>x</mark> <mark>onerror</mark>=<mark>1</mark>&gt;",
            &mallory_name,
            &format!("<b>Team {SCRIPT_TEXT}</b>"),
        ],
    );
    let found = alice.get("/new/dm?q=mallory&fragment=1").await;
    assert_shows("the directory's results", &found.body, &[&mallory_name]);

    // A public team as someone who is not in it.
    let carol = signed_in(&w.app, &w.carol.email).await;
    let teams = carol.get("/teams").await;
    assert_shows(
        "public teams",
        &teams.body,
        &[&format!("Team {SCRIPT_TEXT}"), BREAKOUT_TEXT],
    );

    // Mallory's own posts carry their text for editing, in an attribute.
    let own = signed_in(&w.app, "mallory@acme.test").await;
    let mine = own.get(&format!("/c/{team}")).await;
    assert_shows(
        "one's own posts",
        &mine.body,
        &[&format!("data-text=\"{SCRIPT_TEXT}\"")],
    );

    // The fragments the script inserts.
    let (rail, _) = alice.fetch_get(&format!("/app/rail?active={team}")).await;
    assert_shows("the rail's fragment", &rail.body, &[&mallory_name]);
    let (older, _) = alice
        .fetch_get(&format!("/c/{team}/posts?before=999999999999"))
        .await;
    assert_shows("older posts", &older.body, &[&format!("@{mallory_name}")]);
    for id in [&first, &card_post] {
        let (one, _) = alice.fetch_get(&format!("/c/{team}/posts/{id}")).await;
        assert_eq!(one.status, 200);
        assert_shows("a post's fragment", &one.body, &[&mallory_name]);
    }
    let sent = alice
        .fetch_post(&format!("/c/{team}/posts"), &[("text", &hostile)])
        .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert_shows(
        "a post just sent",
        &sent.body,
        &[&format!("@{mallory_name}")],
    );

    // A form sent back with its errors shows what was typed, as text.
    let members = format!("Carol, {SCRIPT}");
    let failed = alice
        .post(
            "/new/team",
            &[
                ("name", BREAKOUT),
                ("description", SCRIPT),
                ("members", &members),
            ],
        )
        .await;
    assert_eq!(failed.status, 400, "{}", failed.body);
    assert_shows(
        "the new team form",
        &failed.body,
        &[
            &format!("value=\"{BREAKOUT_TEXT}\""),
            &format!("value=\"{SCRIPT_TEXT}\""),
        ],
    );

    // Error pages and the sign-in form do not echo markup either.
    let bad = alice.get("/c/%3Cscript%3Ex%3C%2Fscript%3E").await;
    assert!(bad.status >= 400, "{}", bad.status);
    assert_inert("an error page", &bad.body);
    let anon = w.app.browser();
    let signin = anon
        .get("/new/dm?q=%22%3E%3Cimg%20src%3Dx%20onerror%3D1%3E")
        .await;
    assert!(signin.has("name=\"password\""), "{}", signin.body);
    assert_inert("the sign-in form", &signin.body);
}
