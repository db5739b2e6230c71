//! Web sessions and signing in with a login and password.
//!
//! A session is a random token (the browser's cookie, or a JSON API's bearer) whose SHA-256
//! the store keeps, in a realm: the account's (the authorization pages, the admin portal and
//! the web client share it) or the developer console's. The password check goes through the
//! one brute-force throttle (`throttle`), counted per person and per client address.

use openglip_domain::audit::{AuditKind, NewAuditEvent};
use openglip_domain::platform::{SessionRealm, WebSession};
use openglip_domain::*;

use crate::throttle::PasswordAttempt;
use crate::{Platform, secrets};

/// How long a session lasts.
pub const SESSION_TTL_SECS: i64 = 12 * 3600;

impl Platform {
    /// Checks a login (an e-mail, `number*extension`, or a number with `extension`) and its
    /// password, from the client address `peer`. Fails with `Error::SignIn` (throttled, wrong,
    /// not activated, disabled) or, when the store fails, its error.
    pub async fn sign_in(
        &self,
        peer: &str,
        login: &str,
        extension: Option<&str>,
        password: &str,
    ) -> Result<Extension> {
        let login = login.trim();
        if login.is_empty() || password.is_empty() {
            return Err(Error::SignIn(SignInFailure::Missing));
        }
        let extension = extension
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string);
        let attempt = PasswordAttempt {
            login,
            extension,
            password: password.to_string(),
            peer: Some(peer),
        };
        let Some(ext) = self.check_password_throttled(attempt).await? else {
            return Err(Error::SignIn(SignInFailure::Invalid));
        };
        let (outcome, detail) = match ext.status {
            ExtensionStatus::Enabled => (Ok(()), "password"),
            ExtensionStatus::NotActivated => (
                Err(Error::SignIn(SignInFailure::NotActivated)),
                "not activated",
            ),
            ExtensionStatus::Disabled => (Err(Error::SignIn(SignInFailure::Disabled)), "disabled"),
            ExtensionStatus::Removed => (Err(Error::SignIn(SignInFailure::Invalid)), "deleted"),
        };
        let kind = match outcome {
            Ok(()) => AuditKind::SignIn,
            Err(_) => AuditKind::SignInFailed,
        };
        self.audit(
            NewAuditEvent::new(kind, Some(ext.account_id))
                .actor(ext.id)
                .target(ext.id.to_string())
                .address(Some(peer))
                .detail(detail),
        )
        .await?;
        outcome.map(|()| ext)
    }

    /// Starts a session of `ext` in `realm`; returns its token. The session the browser had in
    /// the realm (`replacing`) is ended: a new id at every sign-in, no session fixation.
    pub async fn start_session(
        &self,
        realm: SessionRealm,
        ext: &Extension,
        replacing: Option<&str>,
    ) -> Result<String> {
        if let Some(old) = replacing {
            self.end_session(old).await?;
        }
        let token = secrets::new_token();
        let expires = self.now().plus_seconds(SESSION_TTL_SECS);
        self.keep_session(realm, ext, secrets::hash_token(&token), expires)
            .await?;
        Ok(token)
    }

    /// Keeps a session of `ext` in `realm` whose token's SHA-256 is `id_hash` until `expires`
    /// (for a page kit that makes the token and hashes it itself; `start_session` otherwise).
    pub async fn keep_session(
        &self,
        realm: SessionRealm,
        ext: &Extension,
        id_hash: [u8; 32],
        expires: Timestamp,
    ) -> Result<()> {
        self.store
            .platform()
            .create_session(WebSession {
                id_hash,
                realm,
                extension_id: ext.id,
                created: self.now(),
                expires,
            })
            .await
    }

    /// The person signed in with this session token in this realm: a live session of an
    /// enabled person, else `None`.
    pub async fn session(&self, realm: SessionRealm, token: &str) -> Result<Option<Extension>> {
        if !secrets::looks_like_token(token) {
            return Ok(None);
        }
        self.session_by_hash(realm, secrets::hash_token(token))
            .await
    }

    /// The person of the live session whose token's SHA-256 is `id_hash` in `realm` (an enabled
    /// one), if any.
    pub async fn session_by_hash(
        &self,
        realm: SessionRealm,
        id_hash: [u8; 32],
    ) -> Result<Option<Extension>> {
        let found = self.store.platform().session(id_hash, self.now()).await?;
        Ok(found
            .filter(|(s, ext)| s.realm == realm && ext.status == ExtensionStatus::Enabled)
            .map(|(_, ext)| ext))
    }

    /// Ends a session (nothing happens for an unknown token).
    pub async fn end_session(&self, token: &str) -> Result<()> {
        if !secrets::looks_like_token(token) {
            return Ok(());
        }
        self.end_session_by_hash(secrets::hash_token(token)).await
    }

    /// Ends the session whose token's SHA-256 is `id_hash` (nothing happens for an unknown one).
    pub async fn end_session_by_hash(&self, id_hash: [u8; 32]) -> Result<()> {
        self.store.platform().delete_session(id_hash).await
    }

    /// Signs in for a JSON API and starts a session there: the console's for any person, the
    /// admin portal's (the account realm) for administrators only.
    pub async fn open_api_session(
        &self,
        realm: SessionRealm,
        peer: &str,
        login: &str,
        extension: Option<&str>,
        password: &str,
    ) -> Result<(String, Extension)> {
        let ext = self.sign_in(peer, login, extension, password).await?;
        if realm == SessionRealm::Account && !ext.is_admin {
            return Err(Error::forbidden(
                "Only administrators can use the admin API",
            ));
        }
        let token = self.start_session(realm, &ext, None).await?;
        Ok((token, ext))
    }
}
