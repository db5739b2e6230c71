//! Legacy message cards (`POST /restapi/v1.0/glip/cards?groupId=…`,
//! `GET|PUT|DELETE /restapi/v1.0/glip/cards/{cardId}`): a `Card`, `Event` or `Note` attachment
//! (`GlipMessageAttachmentInfoRequest`) posted on its own into a chat.
//!
//! Like an adaptive card (`crate::cards`), a message card lives in a post of its chat: the
//! post's only attachment, with empty text, and the card's id is the post's id. Creating one is
//! `PostAdded`, replacing it `PostChanged`, deleting it `PostRemoved`. Only members post and read
//! cards; only the creator replaces or deletes one; a card of a chat the caller cannot see, or a
//! post that carries no message card, is "not found".

use serde_json::Value;

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::{Service, validate_attachments};
use crate::store::NewPost;

/// The message card a post carries, with the post's id as its `id`: `None` when the post is not
/// a card post (it has text, or not exactly one `Card`, `Event` or `Note` attachment).
pub fn card_of(post: &Post) -> Option<Value> {
    if !post.text.is_empty() || post.attachments.len() != 1 {
        return None;
    }
    let mut card = post.attachments[0].as_object()?.clone();
    let kind = card.get("type").and_then(Value::as_str)?;
    if !matches!(kind, "Card" | "Event" | "Note") {
        return None;
    }
    card.insert("id".into(), Value::String(post.id.to_string()));
    Some(Value::Object(card))
}

/// Checks a card as a client sent it: a JSON object of type `Card` (the default), `Event` or
/// `Note`, at most 1.5 MB; `id` is the server's and dropped.
fn checked(card: Value) -> Result<Value> {
    let Value::Object(mut card) = card else {
        return Err(Error::invalid_because(
            "body",
            "Parameter [body] value is invalid: a card is a JSON object.",
        ));
    };
    card.remove("id");
    let mut checked = validate_attachments(vec![Value::Object(card)]).map_err(|e| match e {
        Error::InvalidParameter { .. } => Error::invalid_because(
            "type",
            "Parameter [type] value is invalid: it must be Card, Event or Note.",
        ),
        other => other,
    })?;
    Ok(checked.remove(0))
}

impl Service {
    /// Posts a message card into a chat the caller belongs to.
    pub async fn create_message_card(
        &self,
        caller: &Caller,
        chat: ChatId,
        card: Value,
    ) -> Result<Value> {
        let card = checked(card)?;
        let chat = self.member_chat(caller, chat).await?;
        let post = self
            .store()
            .create_post(NewPost {
                chat_id: chat.id,
                creator_id: caller.extension_id,
                kind: PostType::TextMessage,
                text: String::new(),
                parent_post_id: None,
                mentions: vec![],
                added_person_ids: vec![],
                removed_person_ids: vec![],
                attachments: vec![card],
                activity: None,
                title: None,
                icon_uri: None,
                icon_emoji: None,
            })
            .await?;
        card_of(&post).ok_or_else(|| Error::internal("a card post without its card"))
    }

    /// The post of a message card in a chat the caller belongs to.
    async fn message_card_post(&self, caller: &Caller, id: PostId) -> Result<Post> {
        let post = self
            .store()
            .post_by_id(id)
            .await?
            .filter(|p| card_of(p).is_some())
            .ok_or(Error::NotFound(Subject::Card))?;
        self.member_chat(caller, post.chat_id)
            .await
            .map_err(|e| match e {
                Error::NotFound(Subject::Chat) => Error::NotFound(Subject::Card),
                other => other,
            })?;
        Ok(post)
    }

    pub async fn message_card(&self, caller: &Caller, id: PostId) -> Result<Value> {
        let post = self.message_card_post(caller, id).await?;
        card_of(&post).ok_or(Error::NotFound(Subject::Card))
    }

    async fn own_message_card(&self, caller: &Caller, id: PostId, action: &str) -> Result<Post> {
        let post = self.message_card_post(caller, id).await?;
        if post.creator_id != caller.extension_id {
            return Err(Error::forbidden(format!(
                "Only the creator of a card may {action} it."
            )));
        }
        Ok(post)
    }

    /// Replaces a card (its creator only); its post changes.
    pub async fn update_message_card(
        &self,
        caller: &Caller,
        id: PostId,
        card: Value,
    ) -> Result<Value> {
        let card = checked(card)?;
        let post = self.own_message_card(caller, id, "update").await?;
        let post = self
            .store()
            .update_post_attachments(post.chat_id, post.id, vec![card])
            .await?;
        card_of(&post).ok_or_else(|| Error::internal("a card post without its card"))
    }

    /// Deletes a card and its post (its creator only).
    pub async fn delete_message_card(&self, caller: &Caller, id: PostId) -> Result<()> {
        let post = self.own_message_card(caller, id, "delete").await?;
        self.store().delete_post(post.chat_id, post.id).await
    }
}
