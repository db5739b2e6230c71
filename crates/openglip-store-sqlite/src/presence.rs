//! What people set of their presence by hand (`presence`, schema version 10).

use openglip_domain::presence::{PresenceSettings, PresenceStore, UserStatus};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::db::{Db, internal, is_fk_violation};

fn settings(c: &Connection, id: ExtensionId) -> Result<PresenceSettings> {
    c.prepare_cached(
        "SELECT user_status, dnd_status, message, modified FROM presence WHERE extension_id = ?1",
    )
    .db()?
    .query_row([id.0], |r| {
        let user_status: Option<String> = r.get(0)?;
        Ok(PresenceSettings {
            user_status: user_status.as_deref().and_then(UserStatus::parse),
            dnd_status: r.get(1)?,
            message: r.get(2)?,
            modified: Some(Timestamp(r.get(3)?)),
        })
    })
    .optional()
    .db()
    .map(Option::unwrap_or_default)
}

impl PresenceStore for SqliteStore {
    fn presence_settings(&self, id: ExtensionId) -> BoxFuture<'_, PresenceSettings> {
        Box::pin(self.read(move |c| settings(c, id)))
    }

    fn set_presence_settings(
        &self,
        id: ExtensionId,
        s: PresenceSettings,
    ) -> BoxFuture<'_, PresenceSettings> {
        Box::pin(self.write(move |c, now| {
            c.prepare_cached(
                "INSERT INTO presence (extension_id, user_status, dnd_status, message, modified)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (extension_id) DO UPDATE SET user_status = ?2, dnd_status = ?3,
                     message = ?4, modified = ?5",
            )
            .db()?
            .execute(params![
                id.0,
                s.user_status.map(UserStatus::as_str),
                s.dnd_status,
                s.message,
                now
            ])
            .map_err(|e| {
                if is_fk_violation(&e) {
                    Error::NotFound(Subject::Extension)
                } else {
                    internal(e)
                }
            })?;
            settings(c, id)
        }))
    }
}
