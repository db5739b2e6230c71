//! What people set of their presence by hand (`presence`, schema version 10).

use openglip_domain::presence::{PresenceSettings, PresenceStore, UserStatus};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;

use crate::PostgresStore;
use crate::db::{Conn, get, internal, is_fk_violation};

fn settings(c: &mut Conn, id: ExtensionId) -> Result<PresenceSettings> {
    let row = c.opt(
        "SELECT user_status, dnd_status, message, modified FROM presence WHERE extension_id = $1",
        &[&id.0],
    )?;
    Ok(match row {
        None => PresenceSettings::default(),
        Some(r) => {
            let user_status: Option<String> = get(&r, 0)?;
            PresenceSettings {
                user_status: user_status.as_deref().and_then(UserStatus::parse),
                dnd_status: get(&r, 1)?,
                message: get(&r, 2)?,
                modified: Some(Timestamp(get(&r, 3)?)),
            }
        }
    })
}

impl PresenceStore for PostgresStore {
    fn presence_settings(&self, id: ExtensionId) -> BoxFuture<'_, PresenceSettings> {
        Box::pin(self.read(move |c| settings(c, id)))
    }

    fn set_presence_settings(
        &self,
        id: ExtensionId,
        s: PresenceSettings,
    ) -> BoxFuture<'_, PresenceSettings> {
        Box::pin(self.write(move |c, now| {
            c.exec_raw(
                "INSERT INTO presence (extension_id, user_status, dnd_status, message, modified)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (extension_id) DO UPDATE SET user_status = $2, dnd_status = $3,
                     message = $4, modified = $5",
                &[
                    &id.0,
                    &s.user_status.map(UserStatus::as_str),
                    &s.dnd_status,
                    &s.message,
                    &now,
                ],
            )
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
