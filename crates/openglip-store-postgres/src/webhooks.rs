//! Incoming webhooks (`webhooks`, schema version 9): the chat each posts into, its creator, its
//! status and the SHA-256 of its URL's secret.

use openglip_domain::store::BoxFuture;
use openglip_domain::webhooks::{NewWebhook, Webhook, WebhookStatus, WebhookStore};
use openglip_domain::*;
use postgres::Row;

use crate::PostgresStore;
use crate::db::{Conn, get, internal, is_fk_violation, is_unique_violation};

const COLS: &str = "w.id, w.chat_id, w.creator_id, w.status, w.created, w.modified, w.secret_hash";

fn row(r: &Row) -> Result<(Webhook, [u8; 32])> {
    let id: String = get(r, 0)?;
    let status: String = get(r, 3)?;
    let hash: Vec<u8> = get(r, 6)?;
    let hash: [u8; 32] = hash.try_into().map_err(|_| {
        Error::Internal(format!("webhook {id}: a secret hash that is not 32 bytes"))
    })?;
    Ok((
        Webhook {
            id,
            chat_id: ChatId(get(r, 1)?),
            creator_id: ExtensionId(get(r, 2)?),
            // Only this file writes the column, with `as_str`.
            status: WebhookStatus::parse(&status).unwrap_or(WebhookStatus::Suspended),
            created: Timestamp(get(r, 4)?),
            modified: Timestamp(get(r, 5)?),
        },
        hash,
    ))
}

fn one(c: &mut Conn, id: &str) -> Result<Option<(Webhook, [u8; 32])>> {
    c.map_opt(
        &format!("SELECT {COLS} FROM webhooks w WHERE w.id = $1"),
        &[&id],
        row,
    )
}

impl WebhookStore for PostgresStore {
    fn create_webhook(&self, new: NewWebhook) -> BoxFuture<'_, Webhook> {
        Box::pin(self.write(move |c, now| {
            c.exec_raw(
                "INSERT INTO webhooks (id, secret_hash, chat_id, creator_id, status, created, modified)
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
                &[
                    &new.id,
                    &new.secret_hash.as_slice(),
                    &new.chat_id.0,
                    &new.creator_id.0,
                    &WebhookStatus::Active.as_str(),
                    &now,
                ],
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::invalid("id")
                } else if is_fk_violation(&e) {
                    Error::NotFound(Subject::Chat)
                } else {
                    internal(e)
                }
            })?;
            Ok(Webhook {
                id: new.id,
                chat_id: new.chat_id,
                creator_id: new.creator_id,
                status: WebhookStatus::Active,
                created: Timestamp(now),
                modified: Timestamp(now),
            })
        }))
    }

    fn webhook(&self, id: String) -> BoxFuture<'_, Option<(Webhook, [u8; 32])>> {
        Box::pin(self.read(move |c| one(c, &id)))
    }

    fn chat_webhooks(&self, chat: ChatId) -> BoxFuture<'_, Vec<Webhook>> {
        Box::pin(self.read(move |c| {
            c.map(
                &format!(
                    "SELECT {COLS} FROM webhooks w WHERE w.chat_id = $1 ORDER BY w.created, w.id"
                ),
                &[&chat.0],
                |r| row(r).map(|(hook, _)| hook),
            )
        }))
    }

    fn member_webhooks(&self, member: ExtensionId) -> BoxFuture<'_, Vec<Webhook>> {
        Box::pin(self.read(move |c| {
            c.map(
                &format!(
                    "SELECT {COLS} FROM members m JOIN webhooks w ON w.chat_id = m.chat_id
                     WHERE m.person_id = $1 ORDER BY w.created, w.id"
                ),
                &[&member.0],
                |r| row(r).map(|(hook, _)| hook),
            )
        }))
    }

    fn set_webhook_status(&self, id: String, status: WebhookStatus) -> BoxFuture<'_, Webhook> {
        Box::pin(self.write(move |c, now| {
            let n = c.exec(
                "UPDATE webhooks SET status = $2, modified = $3 WHERE id = $1",
                &[&id, &status.as_str(), &now],
            )?;
            if n == 0 {
                return Err(Error::NotFound(Subject::Webhook));
            }
            one(c, &id)?
                .map(|(hook, _)| hook)
                .ok_or(Error::NotFound(Subject::Webhook))
        }))
    }

    fn delete_webhook(&self, id: String) -> BoxFuture<'_, bool> {
        Box::pin(
            self.write(move |c, _| Ok(c.exec("DELETE FROM webhooks WHERE id = $1", &[&id])? > 0)),
        )
    }
}
