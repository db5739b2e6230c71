//! Removing a person (`Store::removals()`): one transaction, as `openglip_domain::removal`
//! describes.

use openglip_domain::audit::NewAuditEvent;
use openglip_domain::events::EventPayload;
use openglip_domain::removal::RemovalStore;
use openglip_domain::store::BoxFuture;
use openglip_domain::*;

use crate::{PostgresStore, accounts, chats, events};

impl RemovalStore for PostgresStore {
    fn remove_person(
        &self,
        account: AccountId,
        extension: ExtensionId,
        audit: NewAuditEvent,
    ) -> BoxFuture<'_, Option<Extension>> {
        // `write_auth`: the tokens it revokes stop working at once on every node.
        Box::pin(self.write_auth(move |c, now| {
            let Some(ext) = accounts::extension(c, extension)?
                .filter(|e| e.account_id == account && e.status != ExtensionStatus::Removed)
            else {
                return Ok(None);
            };
            c.exec(
                "UPDATE extensions SET status = 'Removed', modified = $2 WHERE id = $1",
                &[&extension.0, &now],
            )?;
            c.exec(
                "UPDATE tokens SET state = 'revoked' WHERE extension_id = $1 AND state <> 'revoked'",
                &[&extension.0],
            )?;
            c.exec(
                "DELETE FROM web_sessions WHERE extension_id = $1",
                &[&extension.0],
            )?;
            events::append(
                c,
                now,
                Some(account),
                &EventPayload::ExtensionDeleted {
                    extension_id: extension,
                },
            )?;
            for chat_id in events::member_chat_ids(c, extension)? {
                c.exec(
                    "DELETE FROM members WHERE chat_id = $1 AND person_id = $2",
                    &[&chat_id.0, &extension.0],
                )?;
                if let Some(chat) = chats::chat(c, chat_id)? {
                    events::append(
                        c,
                        now,
                        Some(account),
                        &EventPayload::GroupLeft {
                            chat,
                            persons: vec![extension],
                        },
                    )?;
                }
            }
            crate::audit::insert(c, audit, now)?;
            Ok(Some(ext))
        }))
    }
}
