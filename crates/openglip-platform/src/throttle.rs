//! The one brute-force throttle of every password check: the sign-in pages, the console's and
//! the admin portal's JSON sessions, and the token endpoint's `grant_type=password` (RFC 6749
//! §4.3.2 asks the endpoint to protect against guessing).
//!
//! Failures are counted per person (a login nobody has is counted under the login as typed, so
//! that both answer alike) and, where the client's address is known, per address, in a window
//! that starts at the first failure. Past the limit the password is not even checked until the
//! window is over: the right password is refused too, so a guesser learns nothing; the refusal
//! (`SignInFailure::Throttled`) says when to come back, answered as 429 `CMN-301` with
//! `Retry-After`. A right password clears the person's count. The counts live in the store, so
//! every process serving the same data shares them.

use openglip_domain::audit::{AuditKind, NewAuditEvent};
use openglip_domain::*;

use crate::{Platform, secrets};

/// Failures allowed per person (or unknown login), and per client address, in a window.
pub const MAX_FAILURES_PER_LOGIN: u32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u32 = 30;
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;

/// A login and password to check, and where the attempt came from.
pub(crate) struct PasswordAttempt<'a> {
    /// An e-mail address, or a phone number (then `extension` names the person).
    pub login: &'a str,
    pub extension: Option<String>,
    pub password: String,
    /// The client's address, when the caller knows it (the pages do).
    pub peer: Option<&'a str>,
}

impl Platform {
    /// The person whose password this is; `Ok(None)` for an unknown login or a wrong password
    /// (counted), `Error::SignIn(Throttled)` past the limit (the password unchecked), the
    /// store's error if it fails. Whether the person may sign in (status) is the caller's rule.
    pub(crate) async fn check_password_throttled(
        &self,
        attempt: PasswordAttempt<'_>,
    ) -> Result<Option<Extension>> {
        let login = attempt.login.trim();
        let creds = self
            .store
            .credentials(login.to_string(), attempt.extension.clone())
            .await?;
        let person_key = match &creds {
            Some(c) => format!("ext:{}", c.extension.id),
            None => match &attempt.extension {
                Some(e) => format!("login:{}*{}", login.to_lowercase(), e.trim()),
                None => format!("login:{}", login.to_lowercase()),
            },
        };
        let mut keys = vec![(person_key.clone(), MAX_FAILURES_PER_LOGIN)];
        if let Some(peer) = attempt.peer {
            keys.push((format!("addr:{peer}"), MAX_FAILURES_PER_ADDRESS));
        }
        let now = self.now();
        let counted = self
            .store
            .platform()
            .password_failures(keys.iter().map(|(k, _)| k.clone()).collect())
            .await?;
        let blocked_for = counted
            .iter()
            .filter_map(|f| {
                let max = keys.iter().find(|(k, _)| *k == f.key)?.1;
                let left_ms = f.since.plus_seconds(THROTTLE_WINDOW_SECS).millis() - now.millis();
                (f.count >= max && left_ms > 0).then_some((left_ms as u64).div_ceil(1000).max(1))
            })
            .max();
        // Who a failure is recorded against: the person, or the login as typed.
        let failed = |detail: &str| {
            let event = match &creds {
                Some(c) => {
                    NewAuditEvent::new(AuditKind::SignInFailed, Some(c.extension.account_id))
                        .actor(c.extension.id)
                        .target(c.extension.id.to_string())
                }
                None => NewAuditEvent::new(AuditKind::SignInFailed, None).target(login),
            };
            event.address(attempt.peer).detail(detail)
        };
        if let Some(secs) = blocked_for {
            self.audit(failed("throttled")).await?;
            return Err(Error::SignIn(SignInFailure::Throttled {
                retry_after_secs: secs,
            }));
        }
        let failed = failed(if creds.is_some() {
            "wrong password"
        } else {
            "unknown login"
        });
        let (hash, ext) = match creds {
            Some(c) => (c.password_hash, Some(c.extension)),
            None => (None, None),
        };
        let ok = secrets::check_password(attempt.password, hash).await;
        match ext.filter(|_| ok) {
            Some(ext) => {
                self.store
                    .platform()
                    .clear_password_failures(person_key)
                    .await?;
                Ok(Some(ext))
            }
            None => {
                self.audit(failed).await?;
                self.store
                    .platform()
                    .record_password_failure(
                        keys.into_iter().map(|(k, _)| k).collect(),
                        now,
                        now.plus_seconds(-THROTTLE_WINDOW_SECS),
                    )
                    .await?;
                Ok(None)
            }
        }
    }
}
