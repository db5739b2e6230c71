//! Sessions of the pages: who signed in, until when, and their platform tokens (renewed tokens
//! are written back, so a session outlives its access token and the app's restarts).

use jiff::Timestamp;
use openglip_sdk::Token;
use rusqlite::{OptionalExtension, params};

use super::{Store, ms, ts};
use crate::error::Result;

/// A live session as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    pub account_id: String,
    pub person_id: String,
    pub token: Token,
    pub expires_at: Timestamp,
}

impl Store {
    /// Keeps a new session under the hash of its cookie's token (and forgets expired ones).
    pub async fn save_session(
        &self,
        id_hash: &str,
        s: StoredSession,
        now: Timestamp,
    ) -> Result<()> {
        let h = id_hash.to_string();
        self.write(move |tx| {
            tx.execute("DELETE FROM sessions WHERE expires_at < ?1", [ms(now)])?;
            tx.execute(
                "INSERT INTO sessions (id_hash, account_id, person_id, access_token, refresh_token,
                   access_expires_at, refresh_expires_at, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    h,
                    s.account_id,
                    s.person_id,
                    s.token.access_token,
                    s.token.refresh_token,
                    s.token.expires_at_ms,
                    s.token.refresh_expires_at_ms,
                    ms(s.expires_at),
                    ms(now)
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The session of a hash, unless it expired at `now`.
    pub async fn session(&self, id_hash: &str, now: Timestamp) -> Result<Option<StoredSession>> {
        let h = id_hash.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT account_id, person_id, access_token, refresh_token, access_expires_at,
                   refresh_expires_at, expires_at FROM sessions WHERE id_hash = ?1 AND expires_at >= ?2",
                params![h, ms(now)],
                |r| {
                    Ok(StoredSession {
                        account_id: r.get(0)?,
                        person_id: r.get(1)?,
                        token: Token {
                            access_token: r.get(2)?,
                            refresh_token: r.get(3)?,
                            expires_at_ms: r.get(4)?,
                            refresh_expires_at_ms: r.get(5)?,
                            owner_id: Some(r.get(1)?),
                            scope: None,
                        },
                        expires_at: ts(r.get(6)?),
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    /// Writes a session's renewed platform tokens.
    pub async fn renew_session(&self, id_hash: &str, token: Token) -> Result<()> {
        let h = id_hash.to_string();
        self.write(move |tx| {
            tx.execute(
                "UPDATE sessions SET access_token = ?2, refresh_token = COALESCE(?3, refresh_token),
                   access_expires_at = ?4, refresh_expires_at = COALESCE(?5, refresh_expires_at)
                 WHERE id_hash = ?1",
                params![
                    h,
                    token.access_token,
                    token.refresh_token,
                    token.expires_at_ms,
                    token.refresh_expires_at_ms
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// Ends a session (nothing happens if there is none).
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let h = id_hash.to_string();
        self.write(move |tx| {
            tx.execute("DELETE FROM sessions WHERE id_hash = ?1", [h])?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sessions_keep_renewed_tokens_until_they_expire() {
        let s = Store::in_memory().unwrap();
        let t0: Timestamp = "2026-07-06T08:00:00Z".parse().unwrap();
        s.upsert_tenant("1", "Acme", t0).await.unwrap();
        let token = Token {
            access_token: "a1".into(),
            refresh_token: Some("r1".into()),
            expires_at_ms: Some(1),
            refresh_expires_at_ms: Some(2),
            owner_id: None,
            scope: None,
        };
        let until = t0 + jiff::SignedDuration::from_hours(12);
        let kept = StoredSession {
            account_id: "1".into(),
            person_id: "7".into(),
            token,
            expires_at: until,
        };
        s.save_session("h", kept.clone(), t0).await.unwrap();
        let got = s.session("h", t0).await.unwrap().unwrap();
        assert_eq!(
            (got.person_id.as_str(), got.token.access_token.as_str()),
            ("7", "a1")
        );
        s.renew_session(
            "h",
            Token {
                access_token: "a2".into(),
                refresh_token: Some("r2".into()),
                ..kept.token.clone()
            },
        )
        .await
        .unwrap();
        let got = s.session("h", t0).await.unwrap().unwrap();
        assert_eq!(got.token.refresh_token.as_deref(), Some("r2"));
        assert!(
            s.session("h", until + jiff::SignedDuration::from_secs(1))
                .await
                .unwrap()
                .is_none()
        );
        assert!(s.session("other", t0).await.unwrap().is_none());
        s.delete_session("h").await.unwrap();
        assert!(s.session("h", t0).await.unwrap().is_none());
    }
}
