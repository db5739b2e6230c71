//! What an incoming webhook's URL accepts: a JSON object in one of RingCentral's two formats,
//! read into the fields of a post.
//!
//! - The current one: `text`, `activity`, `title`, `iconUri`, `iconEmoji`, and `attachments`:
//!   Adaptive Cards (`"type": "AdaptiveCard"`, checked like the cards API's), message cards
//!   (`"type": "Card"`, the default), `Event` and `Note`.
//! - The legacy Glip one: `icon` (a URL), `activity`, `title`, `body` (the message), and
//!   `attachments`, whose cards may use the older, Slack-like names (`author_name`,
//!   `author_link`, `author_icon`, `title_link`, `image_url`, `thumb_url`, `footer`,
//!   `footer_icon`, `ts`, fields with `short`), renamed here to the current ones so that every
//!   stored card reads alike.
//!
//! A payload that is not an object, names a field with a value of the wrong kind, an unknown
//! attachment type, or carries neither text nor attachments is refused as a whole (nothing is
//! posted), naming the field.

use serde_json::{Map, Value};

use crate::cards::{ADAPTIVE_CARD, validate_card};
use crate::error::{Error, Result};
use crate::validate;

/// All attachments of one post, as compact JSON, at most (RingCentral's limit).
pub const MAX_ATTACHMENTS_BYTES: usize = 1_500_000;

/// A webhook payload read into a post's fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebhookMessage {
    pub text: String,
    pub activity: Option<String>,
    pub title: Option<String>,
    pub icon_uri: Option<String>,
    pub icon_emoji: Option<String>,
    pub attachments: Vec<Value>,
}

/// Reads a payload in either format.
pub fn parse(payload: Value) -> Result<WebhookMessage> {
    let Value::Object(mut o) = payload else {
        return Err(Error::invalid_because(
            "body",
            "A webhook message is a JSON object, such as {\"text\": \"Hello\"}.",
        ));
    };
    // `text` (current) or `body` (legacy); `iconUri` (current) or `icon` (legacy).
    let text = match string(&mut o, "text")? {
        Some(t) => Some(t),
        None => string(&mut o, "body")?,
    }
    .unwrap_or_default();
    let text = validate::text("text", &text, validate::MAX_POST_TEXT)?;
    let short = |o: &mut Map<String, Value>, name: &str| -> Result<Option<String>> {
        string(o, name)?
            .map(|s| validate::text(name, &s, validate::MAX_NAME))
            .transpose()
    };
    let icon_uri = match short(&mut o, "iconUri")? {
        Some(u) => Some(u),
        None => short(&mut o, "icon")?,
    };
    let activity = short(&mut o, "activity")?;
    let title = short(&mut o, "title")?;
    let icon_emoji = short(&mut o, "iconEmoji")?;
    let attachments = match o.remove("attachments") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => attachments(items)?,
        Some(_) => {
            return Err(Error::invalid_because(
                "attachments",
                "Parameter [attachments] value is invalid: it must be an array.",
            ));
        }
    };
    if text.trim().is_empty() && attachments.is_empty() {
        return Err(Error::MissingParameter("text".into()));
    }
    Ok(WebhookMessage {
        text,
        activity,
        title,
        icon_uri,
        icon_emoji,
        attachments,
    })
}

/// A string field, if present (`null` counts as absent).
fn string(o: &mut Map<String, Value>, name: &str) -> Result<Option<String>> {
    match o.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::invalid_because(
            name,
            format!("Parameter [{name}] value is invalid: it must be a string."),
        )),
    }
}

fn attachments(items: Vec<Value>) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    let mut total = 0usize;
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut a) = item else {
            return Err(Error::invalid_because(
                format!("attachments[{i}]"),
                format!("Parameter [attachments[{i}]] value is invalid: it must be an object."),
            ));
        };
        let kind = match a.get("type") {
            None | Some(Value::Null) => "Card".to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(Error::invalid(format!("attachments[{i}].type"))),
        };
        let attachment = match kind.as_str() {
            ADAPTIVE_CARD => Value::Object(validate_card(Value::Object(a))?),
            "Card" => {
                a.insert("type".into(), Value::String(kind));
                Value::Object(modern_card(a))
            }
            "Event" | "Note" => Value::Object(a),
            _ => {
                return Err(Error::invalid_because(
                    format!("attachments[{i}].type"),
                    format!(
                        "Parameter [attachments[{i}].type] value is invalid: it must be Card, AdaptiveCard, Event or Note."
                    ),
                ));
            }
        };
        total += attachment.to_string().len();
        if total > MAX_ATTACHMENTS_BYTES {
            return Err(Error::TooLong {
                name: "attachments".into(),
                max: MAX_ATTACHMENTS_BYTES,
            });
        }
        out.push(attachment);
    }
    Ok(out)
}

/// A card with the legacy, Slack-like names renamed to the current ones (a name already in
/// its current form wins).
fn modern_card(mut a: Map<String, Value>) -> Map<String, Value> {
    let mut author = match a.remove("author") {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    };
    for (old, new) in [
        ("author_name", "name"),
        ("author_link", "uri"),
        ("author_icon", "iconUri"),
    ] {
        if let Some(v) = a.remove(old) {
            author.entry(new).or_insert(v);
        }
    }
    if !author.is_empty() {
        a.insert("author".into(), Value::Object(author));
    }
    for (old, new) in [
        ("image_url", "imageUri"),
        ("thumb_url", "thumbnailUri"),
        ("title_link", "titleUri"),
    ] {
        if let Some(v) = a.remove(old) {
            a.entry(new).or_insert(v);
        }
    }
    // A legacy card's message may be `body`.
    if let Some(v) = a.remove("body") {
        a.entry("text").or_insert(v);
    }
    let mut footnote = match a.remove("footnote") {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    };
    for (old, new) in [
        ("footer", "text"),
        ("footer_icon", "iconUri"),
        ("ts", "time"),
    ] {
        if let Some(v) = a.remove(old) {
            footnote.entry(new).or_insert(v);
        }
    }
    if !footnote.is_empty() {
        a.insert("footnote".into(), Value::Object(footnote));
    }
    if let Some(Value::Array(fields)) = a.get_mut("fields") {
        for f in fields.iter_mut() {
            if let Value::Object(f) = f
                && let Some(short) = f.remove("short")
            {
                let style = if short.as_bool() == Some(true) {
                    "Short"
                } else {
                    "Long"
                };
                f.entry("style").or_insert(Value::String(style.into()));
            }
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn current_format() {
        let m = parse(json!({
            "text": "Hello **world**",
            "activity": "Build bot",
            "title": "Build 12",
            "iconUri": "https://example.com/i.png",
            "iconEmoji": ":rocket:",
            "attachments": [
                {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Hi"}]},
                {"title": "A card"}
            ]
        }))
        .unwrap();
        assert_eq!(m.text, "Hello **world**");
        assert_eq!(m.activity.as_deref(), Some("Build bot"));
        assert_eq!(m.icon_uri.as_deref(), Some("https://example.com/i.png"));
        assert_eq!(m.icon_emoji.as_deref(), Some(":rocket:"));
        assert_eq!(m.attachments[0]["version"], "1.3");
        assert_eq!(m.attachments[1]["type"], "Card");
    }

    #[test]
    fn legacy_format() {
        let m = parse(json!({
            "icon": "https://example.com/i.png",
            "activity": "Jira",
            "title": "Issue moved",
            "body": "PROJ-1 is **done**",
            "attachments": [{
                "author_name": "Ann", "author_link": "https://a.example", "image_url": "https://i.example/x.png",
                "footer": "jira", "ts": 123, "fields": [{"title": "Who", "value": "Ann", "short": true}]
            }]
        }))
        .unwrap();
        assert_eq!(m.text, "PROJ-1 is **done**");
        assert_eq!(m.icon_uri.as_deref(), Some("https://example.com/i.png"));
        let card = &m.attachments[0];
        assert_eq!(card["type"], "Card");
        assert_eq!(
            card["author"],
            json!({"name": "Ann", "uri": "https://a.example"})
        );
        assert_eq!(card["imageUri"], "https://i.example/x.png");
        assert_eq!(card["footnote"], json!({"text": "jira", "time": 123}));
        assert_eq!(
            card["fields"][0],
            json!({"title": "Who", "value": "Ann", "style": "Short"})
        );
    }

    #[test]
    fn malformed_payloads_name_their_field() {
        let name = |v: Value| parse(v).unwrap_err().parameter_name().map(str::to_string);
        assert_eq!(name(json!("hi")).as_deref(), Some("body"));
        assert_eq!(name(json!({})).as_deref(), Some("text"));
        assert_eq!(name(json!({"text": 5})).as_deref(), Some("text"));
        assert_eq!(
            name(json!({"text": "x", "attachments": {}})).as_deref(),
            Some("attachments")
        );
        assert_eq!(
            name(json!({"attachments": [{"type": "Video"}]})).as_deref(),
            Some("attachments[0].type")
        );
        assert_eq!(
            name(json!({"attachments": [7]})).as_deref(),
            Some("attachments[0]")
        );
        assert_eq!(
            name(json!({"attachments": [{"type": "AdaptiveCard", "version": 3}]})).as_deref(),
            Some("version")
        );
        assert_eq!(
            name(json!({"text": "x", "title": "t".repeat(300)})).as_deref(),
            Some("title")
        );
    }
}
