//! People's notification levels of chats (`NotifyStore`, schema version 21): a row per level
//! that differs from the chat's default, none for the default.

use openglip_domain::notify::{NotificationLevel, NotifyStore};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use rusqlite::params;

use crate::SqliteStore;
use crate::db::Db;

impl NotifyStore for SqliteStore {
    fn notification_levels(
        &self,
        person: ExtensionId,
    ) -> BoxFuture<'_, Vec<(ChatId, NotificationLevel)>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT chat_id, level FROM chat_notifications WHERE person_id = ?1",
                )
                .db()?;
            let rows = stmt
                .query_map(params![person.0], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .db()?;
            let mut out = Vec::new();
            for row in rows {
                let (chat, level) = row.db()?;
                let level = NotificationLevel::parse("level", &level)
                    .map_err(|_| Error::Internal(format!("unknown notification level {level}")))?;
                out.push((ChatId(chat), level));
            }
            Ok(out)
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
                Some(l) => c
                    .prepare_cached(
                        "INSERT INTO chat_notifications (person_id, chat_id, level) VALUES (?1, ?2, ?3)
                         ON CONFLICT (person_id, chat_id) DO UPDATE SET level = excluded.level",
                    )
                    .db()?
                    .execute(params![person.0, chat.0, l.as_str()])
                    .db()?,
                None => c
                    .prepare_cached(
                        "DELETE FROM chat_notifications WHERE person_id = ?1 AND chat_id = ?2",
                    )
                    .db()?
                    .execute(params![person.0, chat.0])
                    .db()?,
            };
            Ok(())
        }))
    }
}
