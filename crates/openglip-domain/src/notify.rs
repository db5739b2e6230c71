//! How much of a chat a person wants to be told about: its notification level, per person and
//! chat, set from the web client (an openglip extension; RingCentral's API has none). The level
//! decides the client's desktop notifications and how its rail shows the chat; it hides
//! nothing: posts, unread counts and events are the same at every level.
//!
//! A chat without a stored level has its kind's default: direct messages and the personal chat
//! tell about every message, group chats and teams only about @mentions of the person (what the
//! client did before levels existed). [`NotifyStore`] keeps the levels that differ from it.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::ids::*;
use crate::model::{Caller, ChatType};
use crate::service::Service;
use crate::store::BoxFuture;

/// A person's notification level for one chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationLevel {
    /// Every message of someone else.
    All,
    /// Only messages that @mention the person.
    Mentions,
    /// Nothing: the chat is muted.
    Muted,
}

impl NotificationLevel {
    pub const ALL: [NotificationLevel; 3] = [
        NotificationLevel::All,
        NotificationLevel::Mentions,
        NotificationLevel::Muted,
    ];

    /// The level's name in forms, the client's `data-notify` and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationLevel::All => "all",
            NotificationLevel::Mentions => "mentions",
            NotificationLevel::Muted => "muted",
        }
    }

    /// Reads a level named as [`NotificationLevel::as_str`] names it; `param` names the field of
    /// a refusal.
    pub fn parse(param: &str, raw: &str) -> Result<NotificationLevel> {
        NotificationLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == raw.trim())
            .ok_or_else(|| {
                Error::invalid_because(
                    param,
                    format!("Parameter [{param}] value is invalid: all, mentions or muted"),
                )
                .for_people("Choose all messages, only @mentions, or nothing.")
            })
    }

    /// The level of a chat of `kind` that nobody set.
    pub fn default_for(kind: ChatType) -> NotificationLevel {
        match kind {
            ChatType::Direct | ChatType::Personal => NotificationLevel::All,
            _ => NotificationLevel::Mentions,
        }
    }
}

/// The storage of the levels that differ from their chat's default (`Store::notify()`).
pub trait NotifyStore: Send + Sync {
    /// The levels `person` set, by chat.
    fn notification_levels(
        &self,
        person: ExtensionId,
    ) -> BoxFuture<'_, Vec<(ChatId, NotificationLevel)>>;
    /// Sets `person`'s level for `chat`; `None` forgets it (the default again).
    fn set_notification_level(
        &self,
        person: ExtensionId,
        chat: ChatId,
        level: Option<NotificationLevel>,
    ) -> BoxFuture<'_, ()>;
}

impl Service {
    /// Sets the caller's notification level for a chat they are a member of (its default is
    /// not stored).
    pub async fn set_notification_level(
        &self,
        caller: &Caller,
        chat: ChatId,
        level: NotificationLevel,
    ) -> Result<NotificationLevel> {
        let chat = self.member_chat(caller, chat).await?;
        let stored = (level != NotificationLevel::default_for(chat.kind)).then_some(level);
        self.store()
            .notify()
            .set_notification_level(caller.extension_id, chat.id, stored)
            .await?;
        Ok(level)
    }

    /// The levels the caller set, by chat (others have their kind's default).
    pub async fn notification_levels(
        &self,
        caller: &Caller,
    ) -> Result<HashMap<ChatId, NotificationLevel>> {
        Ok(self
            .store()
            .notify()
            .notification_levels(caller.extension_id)
            .await?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_named_and_defaults_follow_the_kind_of_chat() {
        for l in NotificationLevel::ALL {
            assert_eq!(NotificationLevel::parse("level", l.as_str()).unwrap(), l);
        }
        let e = NotificationLevel::parse("level", "loud").unwrap_err();
        assert_eq!(
            e.fields().unwrap()[0].message,
            "Choose all messages, only @mentions, or nothing."
        );
        assert_eq!(
            NotificationLevel::default_for(ChatType::Direct),
            NotificationLevel::All
        );
        assert_eq!(
            NotificationLevel::default_for(ChatType::Team),
            NotificationLevel::Mentions
        );
    }
}
