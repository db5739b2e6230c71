//! Adaptive Cards (<https://adaptivecards.io>), posted by bots and people through
//! `…/chats/{chatId}/adaptive-cards` and read, replaced and deleted through
//! `…/adaptive-cards/{cardId}`.
//!
//! A card lives in a post of its chat: the post's only attachment is the card object
//! (`"type": "AdaptiveCard"`), and the card's id is the post's id. The card is stored without an
//! `id`; [`Post::client_attachments`] adds it when the post is shown, so that the card in a post
//! and the card of the cards API always agree. Creating a card is creating its post (`PostAdded`);
//! replacing it changes the post (`PostChanged`); deleting it deletes the post (`PostRemoved`).
//!
//! Rules: only members of a chat may post a card in it; only the card's creator may replace or
//! delete it; a card in a chat the caller cannot see is "not found", like the chat itself.

use serde_json::{Map, Value};

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::NewPost;
use crate::time::Timestamp;

/// The attachment type of an adaptive card.
pub const ADAPTIVE_CARD: &str = "AdaptiveCard";
/// The version a card gets when it names none (RingCentral's default).
pub const DEFAULT_VERSION: &str = "1.3";
/// The largest card, as compact JSON: the posts API's limit for all attachments of a post.
pub const MAX_CARD_BYTES: usize = 1_500_000;
/// The deepest nesting of objects and arrays in a card (the card object itself is level 1).
pub const MAX_CARD_DEPTH: usize = 32;

/// Properties the server fills in; a client that sends a card back as it read it does not have
/// them stored.
const SERVER_FILLED: [&str; 5] = [
    "id",
    "creator",
    "chatIds",
    "creationTime",
    "lastModifiedTime",
];

/// Top-level properties that must be strings when present.
const STRING_PROPERTIES: [&str; 6] = [
    "$schema",
    "fallbackText",
    "speak",
    "lang",
    "minHeight",
    "verticalContentAlignment",
];

/// An adaptive card: the card object of a post, with the post's identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The card's id: its post's id.
    pub id: PostId,
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// The card object as validated by [`validate_card`] (`type`, `version`, `body`, …), without
    /// the properties the server fills in.
    pub content: Map<String, Value>,
}

impl Card {
    /// The card a post carries, if it carries one.
    pub fn from_post(post: &Post) -> Option<Card> {
        let content = post.attachments.iter().find_map(|a| {
            a.as_object()
                .filter(|o| o.get("type").and_then(Value::as_str) == Some(ADAPTIVE_CARD))
        })?;
        let mut content = content.clone();
        content.remove("id");
        Some(Card {
            id: post.id,
            chat_id: post.chat_id,
            creator_id: post.creator_id,
            created: post.created,
            modified: post.modified,
            content,
        })
    }

    pub fn version(&self) -> &str {
        self.content
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or(DEFAULT_VERSION)
    }

    /// The `$schema` the card names, if any.
    pub fn schema(&self) -> Option<&str> {
        self.content.get("$schema").and_then(Value::as_str)
    }
}

impl Post {
    /// The attachments as clients see them: an adaptive card carries its id, its post's id.
    pub fn client_attachments(&self) -> Vec<Value> {
        self.attachments
            .iter()
            .map(|a| match a {
                Value::Object(o)
                    if o.get("type").and_then(Value::as_str) == Some(ADAPTIVE_CARD) =>
                {
                    let mut o = o.clone();
                    o.insert("id".into(), Value::String(self.id.to_string()));
                    Value::Object(o)
                }
                other => other.clone(),
            })
            .collect()
    }
}

fn invalid(param: &str, why: &str) -> Error {
    Error::invalid_because(
        param,
        format!("Parameter [{param}] value is invalid: {why}"),
    )
}

/// Checks a card as a client sent it and returns what is stored: the object without the
/// properties the server fills in (`id`, `creator`, `chatIds`, times), with `version` defaulted
/// to 1.3. The card must be an object of `type` `AdaptiveCard`; `version` a string like `1.3`;
/// `body` and `actions` arrays of elements that name their `type`; `selectAction` an object; the
/// documented text properties strings; at most [`MAX_CARD_BYTES`] of JSON nested at most
/// [`MAX_CARD_DEPTH`] levels. Other properties are kept as sent.
pub fn validate_card(card: Value) -> Result<Map<String, Value>> {
    let Value::Object(mut card) = card else {
        return Err(invalid("body", "an adaptive card is a JSON object."));
    };
    for p in SERVER_FILLED {
        card.remove(p);
    }
    match card.get("type") {
        None => return Err(Error::MissingParameter("type".into())),
        Some(Value::String(t)) if t == ADAPTIVE_CARD => {}
        Some(_) => return Err(invalid("type", "it must be \"AdaptiveCard\".")),
    }
    match card.get("version") {
        None | Some(Value::Null) => {
            card.insert("version".into(), Value::String(DEFAULT_VERSION.into()));
        }
        Some(Value::String(v)) if is_version(v) => {}
        Some(_) => {
            return Err(invalid(
                "version",
                "it must be a version string such as \"1.3\".",
            ));
        }
    }
    for p in STRING_PROPERTIES {
        if card.get(p).is_some_and(|v| !v.is_string()) {
            return Err(invalid(p, "it must be a string."));
        }
    }
    if card.get("selectAction").is_some_and(|v| !v.is_object()) {
        return Err(invalid("selectAction", "it must be an object."));
    }
    if card
        .get("backgroundImage")
        .is_some_and(|v| !(v.is_string() || v.is_object()))
    {
        return Err(invalid(
            "backgroundImage",
            "it must be a URL or a BackgroundImage object.",
        ));
    }
    for list in ["body", "actions"] {
        let Some(items) = card.get(list) else {
            continue;
        };
        let Some(items) = items.as_array() else {
            return Err(invalid(list, "it must be an array."));
        };
        for (i, item) in items.iter().enumerate() {
            let Some(item) = item.as_object() else {
                return Err(invalid(&format!("{list}[{i}]"), "it must be an object."));
            };
            match item.get("type") {
                Some(Value::String(t)) if !t.trim().is_empty() => {}
                None => return Err(Error::MissingParameter(format!("{list}[{i}].type"))),
                Some(_) => {
                    return Err(invalid(
                        &format!("{list}[{i}].type"),
                        "it must name the element's type.",
                    ));
                }
            }
        }
    }
    for (key, value) in &card {
        if depth_exceeds(value, 2) {
            return Err(invalid(
                key,
                &format!("an adaptive card may be nested at most {MAX_CARD_DEPTH} levels deep."),
            ));
        }
    }
    let size = serde_json::to_vec(&card).map_err(Error::internal)?.len();
    if size > MAX_CARD_BYTES {
        return Err(Error::TooLong {
            name: "body".into(),
            max: MAX_CARD_BYTES,
        });
    }
    Ok(card)
}

/// `1`, `1.3`, `1.5.2`: digits separated by dots.
fn is_version(v: &str) -> bool {
    v.len() <= 16
        && !v.is_empty()
        && v.split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `v`, found at nesting level `level`, has objects or arrays nested deeper than
/// [`MAX_CARD_DEPTH`]. Recursion stops at the limit.
fn depth_exceeds(v: &Value, level: usize) -> bool {
    let children: Box<dyn Iterator<Item = &Value>> = match v {
        Value::Array(a) => Box::new(a.iter()),
        Value::Object(o) => Box::new(o.values()),
        _ => return false,
    };
    if level > MAX_CARD_DEPTH {
        return true;
    }
    children.into_iter().any(|c| depth_exceeds(c, level + 1))
}

impl Service {
    /// Posts a card in a chat the caller belongs to. A chat the caller cannot see is "not found".
    pub async fn create_card(&self, caller: &Caller, chat_id: ChatId, card: Value) -> Result<Card> {
        let content = validate_card(card)?;
        let new = NewPost {
            chat_id,
            creator_id: caller.extension_id,
            kind: PostType::TextMessage,
            text: String::new(),
            parent_post_id: None,
            mentions: vec![],
            added_person_ids: vec![],
            removed_person_ids: vec![],
            attachments: vec![Value::Object(content)],
            activity: None,
            title: None,
            icon_uri: None,
            icon_emoji: None,
        };
        // The store checks the chat and membership in the same transaction as the insert.
        let post = match self.store().create_post(new).await {
            Ok(post) => post,
            Err(Error::Forbidden(msg)) => {
                // Say "not found" unless the caller may see the chat (a public team of theirs).
                self.visible_chat(caller, chat_id).await?;
                return Err(Error::Forbidden(msg));
            }
            Err(e) => return Err(e),
        };
        Card::from_post(&post).ok_or_else(|| Error::internal("a card post without its card"))
    }

    /// A card (the id of its post) in a chat the caller belongs to; a card in a chat the caller
    /// cannot see is not found, like the chat.
    pub async fn card(&self, caller: &Caller, id: PostId) -> Result<Card> {
        let post = self
            .store()
            .post_by_id(id)
            .await?
            .ok_or(Error::NotFound(Subject::Card))?;
        let card = Card::from_post(&post).ok_or(Error::NotFound(Subject::Card))?;
        self.member_chat(caller, card.chat_id)
            .await
            .map_err(|e| match e {
                Error::NotFound(Subject::Chat) => Error::NotFound(Subject::Card),
                other => other,
            })?;
        Ok(card)
    }

    /// A card the caller created.
    async fn own_card(&self, caller: &Caller, id: PostId, action: &str) -> Result<Card> {
        let card = self.card(caller, id).await?;
        if card.creator_id != caller.extension_id {
            return Err(Error::forbidden(format!(
                "Only the creator of an adaptive card may {action} it."
            )));
        }
        Ok(card)
    }

    /// Replaces a card (the creator only); its post changes (`PostChanged`).
    pub async fn update_card(&self, caller: &Caller, id: PostId, card: Value) -> Result<Card> {
        let old = self.own_card(caller, id, "update").await?;
        let content = validate_card(card)?;
        let post = self
            .store()
            .update_post_attachments(old.chat_id, old.id, vec![Value::Object(content)])
            .await
            .map_err(|e| match e {
                Error::NotFound(_) => Error::NotFound(Subject::Card),
                other => other,
            })?;
        Card::from_post(&post).ok_or_else(|| Error::internal("a card post without its card"))
    }

    /// Deletes a card and its post (the creator only).
    pub async fn delete_card(&self, caller: &Caller, id: PostId) -> Result<()> {
        let card = self.own_card(caller, id, "delete").await?;
        self.store()
            .delete_post(card.chat_id, card.id)
            .await
            .map_err(|e| match e {
                Error::NotFound(_) => Error::NotFound(Subject::Card),
                other => other,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param(e: &Error) -> Option<&str> {
        e.parameter_name()
    }

    #[test]
    fn a_card_is_kept_as_sent_without_server_fields() {
        let card = json!({
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.3",
            "id": "spoofed",
            "creator": {"id": "1"},
            "chatIds": ["2"],
            "body": [{"type": "TextBlock", "text": "hi"}, {"type": "Input.Text", "id": "name"}],
            "actions": [{"type": "Action.Submit", "title": "Go", "data": {"path": "x"}}],
            "msteams": {"width": "full"}
        });
        let out = validate_card(card).unwrap();
        assert!(!out.contains_key("id") && !out.contains_key("creator"));
        assert!(!out.contains_key("chatIds"));
        assert_eq!(out["msteams"], json!({"width": "full"}));
        assert_eq!(out["body"][1]["id"], "name");
    }

    #[test]
    fn version_defaults_to_1_3() {
        let out = validate_card(json!({"type": "AdaptiveCard"})).unwrap();
        assert_eq!(out["version"], "1.3");
    }

    #[test]
    fn bad_cards_name_the_parameter() {
        let cases = [
            (json!([1]), "body"),
            (json!({"version": "1.3"}), "type"),
            (json!({"type": "Card"}), "type"),
            (json!({"type": "AdaptiveCard", "version": 1.3}), "version"),
            (json!({"type": "AdaptiveCard", "version": "one"}), "version"),
            (json!({"type": "AdaptiveCard", "body": {}}), "body"),
            (json!({"type": "AdaptiveCard", "body": ["x"]}), "body[0]"),
            (
                json!({"type": "AdaptiveCard", "body": [{}]}),
                "body[0].type",
            ),
            (
                json!({"type": "AdaptiveCard", "actions": [{"type": 3}]}),
                "actions[0].type",
            ),
            (
                json!({"type": "AdaptiveCard", "fallbackText": 3}),
                "fallbackText",
            ),
            (
                json!({"type": "AdaptiveCard", "selectAction": "x"}),
                "selectAction",
            ),
        ];
        for (card, want) in cases {
            let e = validate_card(card.clone()).unwrap_err();
            assert_eq!(param(&e), Some(want), "{card}: {e:?}");
        }
    }

    #[test]
    fn depth_and_size_are_limited() {
        let nested = |levels: usize| {
            let mut v = json!({"type": "TextBlock", "text": "deep"});
            for _ in 0..levels {
                v = json!({"type": "Container", "items": [v]});
            }
            json!({"type": "AdaptiveCard", "body": [v]})
        };
        // card (1) > body (2) > n × (Container, items) > TextBlock.
        assert!(validate_card(nested(14)).is_ok());
        let e = validate_card(nested(15)).unwrap_err();
        assert_eq!(param(&e), Some("body"));

        let big = "x".repeat(MAX_CARD_BYTES);
        let e = validate_card(json!({"type": "AdaptiveCard", "fallbackText": big})).unwrap_err();
        assert!(matches!(e, Error::TooLong { .. }), "{e:?}");
    }

    #[test]
    fn posts_show_the_card_id() {
        let post = Post {
            id: PostId(7),
            chat_id: ChatId(3),
            creator_id: ExtensionId(5),
            kind: PostType::TextMessage,
            text: String::new(),
            parent_post_id: None,
            mentions: vec![],
            added_person_ids: vec![],
            removed_person_ids: vec![],
            attachments: vec![json!({"type": "AdaptiveCard", "version": "1.3"})],
            activity: None,
            title: None,
            icon_uri: None,
            icon_emoji: None,
            created: Timestamp(1),
            modified: Timestamp(2),
        };
        assert_eq!(post.client_attachments()[0]["id"], "7");
        let card = Card::from_post(&post).unwrap();
        assert_eq!(
            (card.id, card.chat_id, card.version()),
            (PostId(7), ChatId(3), "1.3")
        );
        assert!(!card.content.contains_key("id"));
    }
}
