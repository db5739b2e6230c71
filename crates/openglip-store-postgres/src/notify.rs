//! People's notification levels of chats (`NotifyStore`, schema version 21): a row per level
//! that differs from the chat's default, none for the default.

use openglip_domain::notify::{NotificationLevel, NotifyStore};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;

use crate::PostgresStore;
use crate::db::get;

impl NotifyStore for PostgresStore {
    fn notification_levels(
        &self,
        person: ExtensionId,
    ) -> BoxFuture<'_, Vec<(ChatId, NotificationLevel)>> {
        Box::pin(self.read(move |c| {
            c.map(
                "SELECT chat_id, level FROM chat_notifications WHERE person_id = $1",
                &[&person.0],
                |r| {
                    let level: String = get(r, 1)?;
                    let level = NotificationLevel::parse("level", &level).map_err(|_| {
                        Error::Internal(format!("unknown notification level {level}"))
                    })?;
                    Ok((ChatId(get(r, 0)?), level))
                },
            )
        }))
    }

    fn set_notification_level(
        &self,
        person: ExtensionId,
        chat: ChatId,
        level: Option<NotificationLevel>,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| {
            match level {
                Some(l) => c.exec(
                    "INSERT INTO chat_notifications (person_id, chat_id, level) VALUES ($1, $2, $3)
                     ON CONFLICT (person_id, chat_id) DO UPDATE SET level = excluded.level",
                    &[&person.0, &chat.0, &l.as_str()],
                )?,
                None => c.exec(
                    "DELETE FROM chat_notifications WHERE person_id = $1 AND chat_id = $2",
                    &[&person.0, &chat.0],
                )?,
            };
            Ok(())
        }))
    }
}
