//! Incoming webhooks: a URL bound to one chat, through which another service posts into it
//! without a token (`POST|GET …/groups/{groupId}/webhooks`, `GET|DELETE …/webhooks/{id}`,
//! `…/activate`, `…/suspend`, and the URL itself).
//!
//! A webhook has a public id (the API names it by that) and a secret: the URL carries both, the
//! store keeps only the secret's SHA-256, and a post through the URL is accepted only when the
//! hash of the secret it presents equals the stored one (compared in constant time). The secret
//! is made by the caller (the server: this crate has no entropy) and shown once, when the webhook
//! is made, like an app's client secret.
//!
//! Rules: the members of a chat see its webhooks and may make one; the webhook's creator, a
//! manager of its team and an account administrator may suspend, activate and delete it; a
//! webhook in a chat the caller is not in is "not found". A post through the URL appears as
//! the webhook's creator's, with the `activity`, `title` and icon the payload names, and raises
//! the usual `PostAdded`; a suspended webhook refuses posts.

use serde_json::Value;

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::{BoxFuture, NewPost};
use crate::time::Timestamp;
use crate::webhook_payload;

/// Whether a webhook accepts posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookStatus {
    Active,
    Suspended,
}

impl WebhookStatus {
    /// RingCentral's spelling (`status` of `TMWebhookInfo`).
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookStatus::Active => "Active",
            WebhookStatus::Suspended => "Suspended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Active" => Some(WebhookStatus::Active),
            "Suspended" => Some(WebhookStatus::Suspended),
            _ => None,
        }
    }
}

/// An incoming webhook, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Public id (a UUID), chosen by whoever makes it.
    pub id: String,
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    pub status: WebhookStatus,
    pub created: Timestamp,
    pub modified: Timestamp,
}

/// What the store keeps of a new webhook.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub id: String,
    /// SHA-256 of the secret part of its URL.
    pub secret_hash: [u8; 32],
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
}

/// The storage of incoming webhooks (`Store::webhooks`). Same contract as `Store`.
pub trait WebhookStore: Send + Sync {
    /// Stores a new webhook, `Active`. `NotFound(Chat)` if the chat is gone,
    /// `InvalidParameter("id")` if the id is taken.
    fn create_webhook(&self, new: NewWebhook) -> BoxFuture<'_, Webhook>;
    /// A webhook and the hash of its secret.
    fn webhook(&self, id: String) -> BoxFuture<'_, Option<(Webhook, [u8; 32])>>;
    /// The webhooks of a chat, oldest first.
    fn chat_webhooks(&self, chat: ChatId) -> BoxFuture<'_, Vec<Webhook>>;
    /// The webhooks of every chat `member` belongs to, oldest first.
    fn member_webhooks(&self, member: ExtensionId) -> BoxFuture<'_, Vec<Webhook>>;
    /// Sets the status (and `modified`). `NotFound(Webhook)` if there is no such webhook.
    fn set_webhook_status(&self, id: String, status: WebhookStatus) -> BoxFuture<'_, Webhook>;
    /// Returns whether it existed.
    fn delete_webhook(&self, id: String) -> BoxFuture<'_, bool>;
}

/// Equality of two hashes in time that does not depend on where they differ.
fn same_hash(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b.iter()) {
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

impl Service {
    /// Makes a webhook in a chat the caller belongs to; `secret_hash` is the SHA-256 of the
    /// secret its URL will carry.
    pub async fn create_webhook(
        &self,
        caller: &Caller,
        chat: ChatId,
        id: String,
        secret_hash: [u8; 32],
    ) -> Result<Webhook> {
        let chat = self.member_chat(caller, chat).await?;
        if chat.status == ChatStatus::Archived {
            return Err(Error::invalid_subject(
                Subject::Chat,
                "The team is archived: unarchive it to add a webhook.",
            ));
        }
        self.store()
            .webhooks()
            .create_webhook(NewWebhook {
                id,
                secret_hash,
                chat_id: chat.id,
                creator_id: caller.extension_id,
            })
            .await
    }

    /// The webhooks of a chat the caller belongs to.
    pub async fn chat_webhooks(&self, caller: &Caller, chat: ChatId) -> Result<Vec<Webhook>> {
        let chat = self.member_chat(caller, chat).await?;
        self.store().webhooks().chat_webhooks(chat.id).await
    }

    /// The webhooks of every chat the caller belongs to.
    pub async fn my_webhooks(&self, caller: &Caller) -> Result<Vec<Webhook>> {
        self.store()
            .webhooks()
            .member_webhooks(caller.extension_id)
            .await
    }

    /// A webhook of a chat the caller belongs to (any other is "not found"), with its chat.
    pub async fn webhook(&self, caller: &Caller, id: &str) -> Result<Webhook> {
        Ok(self.visible_webhook(caller, id).await?.0)
    }

    async fn visible_webhook(&self, caller: &Caller, id: &str) -> Result<(Webhook, Chat)> {
        let Some((hook, _)) = self.store().webhooks().webhook(id.to_string()).await? else {
            return Err(Error::NotFound(Subject::Webhook));
        };
        match self.store().chat(hook.chat_id).await? {
            Some(chat)
                if chat.account_id == caller.account_id && chat.is_member(caller.extension_id) =>
            {
                Ok((hook, chat))
            }
            _ => Err(Error::NotFound(Subject::Webhook)),
        }
    }

    /// A webhook the caller may change: theirs, one of a team they manage, or (an account
    /// administrator) any of their chats'.
    async fn managed_webhook(&self, caller: &Caller, id: &str) -> Result<Webhook> {
        let (hook, chat) = self.visible_webhook(caller, id).await?;
        if hook.creator_id != caller.extension_id
            && !caller.is_admin
            && !Service::can_manage(caller, &chat)
        {
            return Err(Error::forbidden(
                "Only the webhook's creator, a team administrator or an account administrator may change it.",
            ));
        }
        Ok(hook)
    }

    /// Suspends (`Suspended`) or activates (`Active`) a webhook.
    pub async fn set_webhook_status(
        &self,
        caller: &Caller,
        id: &str,
        status: WebhookStatus,
    ) -> Result<Webhook> {
        let hook = self.managed_webhook(caller, id).await?;
        self.store()
            .webhooks()
            .set_webhook_status(hook.id, status)
            .await
    }

    pub async fn delete_webhook(&self, caller: &Caller, id: &str) -> Result<()> {
        let hook = self.managed_webhook(caller, id).await?;
        if self.store().webhooks().delete_webhook(hook.id).await? {
            Ok(())
        } else {
            Err(Error::NotFound(Subject::Webhook))
        }
    }

    /// A post through a webhook's URL: `id` and the hash of the secret the URL presented, and
    /// the JSON payload in either format ([`webhook_payload::parse`]). An unknown id and a
    /// wrong secret are both "not found"; a suspended webhook refuses.
    pub async fn post_via_webhook(
        &self,
        id: &str,
        secret_hash: [u8; 32],
        payload: Value,
    ) -> Result<Post> {
        let Some((hook, stored)) = self.store().webhooks().webhook(id.to_string()).await? else {
            return Err(Error::NotFound(Subject::Webhook));
        };
        if !same_hash(&stored, &secret_hash) {
            return Err(Error::NotFound(Subject::Webhook));
        }
        if hook.status == WebhookStatus::Suspended {
            return Err(Error::forbidden(
                "The webhook is suspended: a member of its chat can activate it again.",
            ));
        }
        let message = webhook_payload::parse(payload)?;
        let new = NewPost {
            chat_id: hook.chat_id,
            creator_id: hook.creator_id,
            kind: PostType::TextMessage,
            mentions: crate::mentions::parse(&message.text),
            text: message.text,
            parent_post_id: None,
            added_person_ids: vec![],
            removed_person_ids: vec![],
            attachments: message.attachments,
            activity: message.activity,
            title: message.title,
            icon_uri: message.icon_uri,
            icon_emoji: message.icon_emoji,
        };
        match self.store().create_post(new).await {
            Err(Error::Forbidden(_)) => Err(Error::invalid_subject(
                Subject::Webhook,
                "The webhook's creator is no longer a member of its chat.",
            )),
            Err(Error::NotFound(Subject::Chat)) => Err(Error::NotFound(Subject::Webhook)),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_compare_whole() {
        let a = [7u8; 32];
        let mut b = a;
        assert!(same_hash(&a, &b));
        b[31] = 8;
        assert!(!same_hash(&a, &b));
        b = a;
        b[0] = 0;
        assert!(!same_hash(&a, &b));
    }

    #[test]
    fn statuses_round_trip() {
        for s in [WebhookStatus::Active, WebhookStatus::Suspended] {
            assert_eq!(WebhookStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(WebhookStatus::parse("Deleted"), None);
    }
}
