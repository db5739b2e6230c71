//! The token endpoint's grants: `password`, `refresh_token` (rotation, reuse detection),
//! `authorization_code` (single use, bound to client, redirect URI and PKCE challenge) and the
//! JWT bearer grant. Each checks the person (enabled) and the environment (a sandbox app only
//! for sandbox accounts) before it issues anything.

use openglip_domain::audit::{AuditedChange, Changed};
use openglip_domain::platform::CodeRedemption;
use openglip_domain::*;

use super::{
    IssuedToken, PERMANENT_TTL, TokenRequest, check_status, pkce_matches, valid_pkce_string,
};
use crate::throttle::PasswordAttempt;
use crate::{Platform, secrets};

fn refused<T>(f: OAuthFailure) -> Result<T> {
    Err(Error::OAuth(f))
}

impl Platform {
    /// `grant_type=password`: `username` (an e-mail, or `number*extension`), `password`, and
    /// `extension` when the username is a number alone; checked through the brute-force
    /// throttle of every password check (past it: `SignInFailure::Throttled`, 429).
    pub(super) async fn password_grant(
        &self,
        app: &App,
        req: &TokenRequest,
    ) -> Result<IssuedToken> {
        let username = TokenRequest::required(&req.username, "username")?;
        let password = req
            .password
            .clone()
            .ok_or(Error::OAuth(OAuthFailure::MissingParameter("password")))?;
        let (login, ext) = match username.split_once('*') {
            Some((l, e)) => (l, Some(e.trim().to_string())),
            None => (
                username,
                req.extension
                    .as_deref()
                    .filter(|e| !e.is_empty())
                    .map(|e| e.trim().to_string()),
            ),
        };
        let attempt = PasswordAttempt {
            login,
            extension: ext,
            password,
            peer: None,
        };
        let Some(ext) = self.check_password_throttled(attempt).await? else {
            return refused(OAuthFailure::InvalidCredentials);
        };
        // A bot app's password grant is for its own company only.
        if ext.account_id != app.account_id && app.kind == AppKind::Bot {
            return refused(OAuthFailure::InvalidCredentials);
        }
        check_status(&ext)?;
        self.check_environment(app, ext.account_id).await?;
        let scope = req.scope(app)?;
        self.issue(app, &ext, scope, req, secrets::new_id(), req.endpoint_id())
            .await
    }

    /// `grant_type=authorization_code`: `code`, `redirect_uri` (as sent to the authorization
    /// endpoint, when it was sent there), `code_verifier` when the code was requested with a PKCE challenge. A code
    /// works once, for a minute, for the client it was issued to; presented again, it revokes
    /// what it gave. A public bot's code gives its bot extension a permanent token.
    pub(super) async fn code_grant(&self, app: &App, req: &TokenRequest) -> Result<IssuedToken> {
        let raw = TokenRequest::required(&req.code, "code")?;
        if !secrets::looks_like_token(raw) {
            return refused(OAuthFailure::CodeUnknown);
        }
        let code = match self
            .store
            .platform()
            .redeem_code(secrets::hash_token(raw))
            .await?
        {
            CodeRedemption::Redeemed(code) => code,
            CodeRedemption::Reused => return refused(OAuthFailure::CodeReused),
            CodeRedemption::Unknown => return refused(OAuthFailure::CodeUnknown),
        };
        if code.expires <= self.now() {
            return refused(OAuthFailure::CodeExpired);
        }
        if code.app_id != app.id {
            return refused(OAuthFailure::CodeOfAnotherClient);
        }
        // RFC 6749 §4.1.3: required, and the same, only when the authorization request had one.
        if !code.redirect_uri.is_empty()
            && req.redirect_uri.as_deref().unwrap_or("") != code.redirect_uri
        {
            return refused(OAuthFailure::RedirectUriMismatch);
        }
        let verifier = req.code_verifier.as_deref().filter(|v| !v.is_empty());
        let pkce_ok = match (&code.code_challenge, verifier) {
            (Some(ch), Some(v)) => {
                valid_pkce_string(v)
                    && pkce_matches(v, ch, code.challenge_method.as_deref().unwrap_or("plain"))
            }
            (Some(_), None) | (None, Some(_)) => false,
            (None, None) => true,
        };
        if !pkce_ok {
            return refused(OAuthFailure::PkceMismatch);
        }
        let ext = self
            .store
            .extension(code.extension_id)
            .await?
            .ok_or(Error::OAuth(OAuthFailure::CodeUnknown))?;
        check_status(&ext)?;
        self.check_environment(app, ext.account_id).await?;
        if app.kind == AppKind::Bot {
            let token = self.permanent_token(app, &ext, code.family.clone()).await?;
            return Ok(IssuedToken {
                access_token: token,
                expires_in: PERMANENT_TTL,
                refresh_token: None,
                refresh_token_expires_in: None,
                scope: app.permissions,
                owner: ext.id,
                account: ext.account_id,
                endpoint_id: req.endpoint_id(),
                family: code.family,
                id_token: None,
                oidc_scopes: Default::default(),
            });
        }
        let scope = code.scope.intersect(app.permissions);
        let mut issued = self
            .issue(
                app,
                &ext,
                scope,
                req,
                code.family.clone(),
                req.endpoint_id(),
            )
            .await?;
        if let Some((jwt, scopes)) = self
            .id_token(app, &ext, &code.family, &req.issuer, issued.expires_in)
            .await?
        {
            issued.id_token = Some(jwt);
            issued.oidc_scopes = scopes;
        }
        Ok(issued)
    }

    /// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`: `assertion` is a JWT
    /// credential its owner created in the developer console.
    pub(super) async fn jwt_grant(&self, app: &App, req: &TokenRequest) -> Result<IssuedToken> {
        let raw = TokenRequest::required(&req.assertion, "assertion")?;
        let invalid = |p: JwtProblem| Error::OAuth(OAuthFailure::InvalidJwt(p));
        if raw.len() > 4096 || raw.split('.').count() != 3 {
            return Err(invalid(JwtProblem::NotAJwt));
        }
        let cred = self
            .store
            .platform()
            .jwt_by_hash(secrets::hash_token(raw))
            .await?
            .filter(|c| !c.revoked)
            .ok_or(invalid(JwtProblem::UnknownOrRevoked))?;
        if cred.expires.is_some_and(|e| e <= self.now()) {
            return Err(invalid(JwtProblem::Expired));
        }
        if let Some(ids) = &cred.client_ids
            && !ids.contains(&app.client_id)
        {
            return Err(invalid(JwtProblem::NotForThisApp));
        }
        let ext = self
            .store
            .extension(cred.owner)
            .await?
            .ok_or(invalid(JwtProblem::OwnerGone))?;
        check_status(&ext)?;
        self.check_environment(app, ext.account_id).await?;
        let scope = req.scope(app)?;
        self.issue(app, &ext, scope, req, secrets::new_id(), req.endpoint_id())
            .await
    }

    /// `grant_type=refresh_token`: spends the refresh token and issues a new pair in its
    /// family. A spent refresh token presented again has leaked: the store revokes every token
    /// of its family (reuse detection, RFC 9700 §4.14.2).
    pub(super) async fn refresh_grant(&self, app: &App, req: &TokenRequest) -> Result<IssuedToken> {
        let raw = TokenRequest::required(&req.refresh_token, "refresh_token")?;
        if !secrets::looks_like_token(raw) {
            return refused(OAuthFailure::RefreshUnknown);
        }
        let old_hash = secrets::hash_token(raw);
        let now = self.now();
        let Some(grant) = self.store.token_by_refresh_hash(old_hash).await? else {
            // Not live: unknown, or spent or revoked already. Rotating it makes the store
            // revoke the family of a spent one; the record passed is never stored, since the
            // old token is not live.
            let unused = TokenRecord {
                access_hash: [0; 32],
                refresh_hash: None,
                app_id: app.id,
                extension_id: ExtensionId(0),
                account_id: app.account_id,
                scope: PermissionSet::empty(),
                access_expires: Some(now),
                refresh_expires: Some(now),
                family: String::new(),
                endpoint_id: String::new(),
                created: now,
            };
            self.store.rotate_refresh(old_hash, unused).await?;
            return refused(OAuthFailure::RefreshUnknown);
        };
        if grant.token.app_id != app.id {
            return refused(OAuthFailure::RefreshOfAnotherClient);
        }
        if grant.token.refresh_expires.is_some_and(|e| e <= now) {
            return refused(OAuthFailure::RefreshExpired);
        }
        if grant.extension.status != ExtensionStatus::Enabled {
            return refused(OAuthFailure::ExtensionDisabled);
        }
        let scope = grant.token.scope.intersect(app.permissions);
        let (issued, record) = self.pair(
            app,
            &grant.extension,
            scope,
            req,
            grant.token.family.clone(),
            grant.token.endpoint_id.clone(),
        )?;
        let event = Self::granted(app, &grant.extension, req);
        let change = AuditedChange::RotateRefresh {
            old: old_hash,
            new: record,
        };
        // A spent refresh token issues nothing, and records nothing here (`token` records the
        // family's revocation).
        self.audited(change, move |changed| match changed {
            Changed::Rotated(Some(_)) => vec![event],
            _ => Vec::new(),
        })
        .await?
        .into_rotated()?
        .ok_or(Error::OAuth(OAuthFailure::RefreshReused))?;
        Ok(issued)
    }
}
