//! The authorization endpoint's side: whether a person may authorize an app, consent, and the
//! authorization codes it issues (single use, a minute, bound to the client, the redirect URI
//! and the PKCE challenge; a public bot is installed first and its bot extension owns the code).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openglip_domain::audit::{AuditKind, NewAuditEvent};
use openglip_domain::platform::{AppRecord, AuthCode};
use openglip_domain::*;
use sha2::{Digest, Sha256};

use super::CODE_TTL_SECS;
use crate::{Platform, secrets};

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`.
pub fn valid_pkce_string(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether a verifier matches the challenge of a code (`plain` or `S256`), in constant time.
pub fn pkce_matches(verifier: &str, challenge: &str, method: &str) -> bool {
    let computed = match method {
        "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        _ => verifier.to_string(),
    };
    secrets::same(&computed, challenge)
}

/// Why a person may not authorize an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The app is in the sandbox and the person's account is a production one.
    SandboxApp,
    /// Only an administrator adds a bot to the company.
    BotNeedsAdmin,
}

/// A validated authorization request, approved by the person.
#[derive(Debug, Clone)]
pub struct AuthorizationGrant<'a> {
    pub record: &'a AppRecord,
    /// A redirect URI registered for the app (matched exactly).
    pub redirect_uri: &'a str,
    /// Whether the authorization request named the redirect URI; only then must the token
    /// request name it too (RFC 6749 §4.1.3).
    pub redirect_uri_given: bool,
    pub challenge: Option<&'a str>,
    /// `plain` or `S256`.
    pub method: Option<&'a str>,
    pub scope: PermissionSet,
    /// The OpenID part of the request (`openid` asked: an ID token with the code's tokens).
    pub oidc: Option<crate::oidc::OidcRequest>,
}

/// An issued authorization code.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedCode {
    pub code: String,
    /// A public bot: the bot extension that owns the code (installed now, or the company's
    /// bot of this app already).
    pub bot: Option<Extension>,
}

impl Platform {
    /// Why `person` may not authorize this app, if they may not.
    pub async fn refusal(&self, record: &AppRecord, person: &Extension) -> Result<Option<Refusal>> {
        match self.check_environment(&record.app, person.account_id).await {
            Ok(()) => {}
            Err(Error::OAuth(OAuthFailure::SandboxApp)) => return Ok(Some(Refusal::SandboxApp)),
            Err(e) => return Err(e),
        }
        if record.app.kind == AppKind::Bot && !person.is_admin {
            return Ok(Some(Refusal::BotNeedsAdmin));
        }
        Ok(None)
    }

    /// Whether the person consented to this app before, for at least `scope`.
    pub async fn consented(
        &self,
        app: &App,
        person: &Extension,
        scope: PermissionSet,
    ) -> Result<bool> {
        Ok(self
            .store
            .platform()
            .consent(app.id, person.id)
            .await?
            .is_some_and(|s| s.intersect(scope) == scope))
    }

    /// The person approved the request: records their consent and issues the code (installing
    /// a public bot first). `Forbidden` if [`Platform::refusal`] would refuse them.
    pub async fn authorize(
        &self,
        grant: AuthorizationGrant<'_>,
        person: &Extension,
    ) -> Result<IssuedCode> {
        if let Some(refusal) = self.refusal(grant.record, person).await? {
            return Err(match refusal {
                Refusal::SandboxApp => Error::OAuth(OAuthFailure::SandboxApp),
                Refusal::BotNeedsAdmin => {
                    Error::forbidden("Only an administrator can add a bot to the company.")
                }
            });
        }
        let app = &grant.record.app;
        let bot = if app.kind == AppKind::Bot {
            let installed = self
                .install_bot(grant.record, person.account_id, person, false)
                .await?;
            Some(installed.install.extension)
        } else {
            None
        };
        let code = secrets::new_token();
        let family = secrets::new_id();
        // Kept before the code exists, so that a code never goes without its nonce.
        self.keep_oidc_request(&family, grant.oidc.as_ref()).await?;
        let t = self.now();
        self.store
            .platform()
            .insert_code(AuthCode {
                code_hash: secrets::hash_token(&code),
                app_id: app.id,
                extension_id: bot.as_ref().map_or(person.id, |b| b.id),
                account_id: person.account_id,
                // Empty when the request named none: the token request need not either.
                redirect_uri: if grant.redirect_uri_given {
                    grant.redirect_uri.to_string()
                } else {
                    String::new()
                },
                code_challenge: grant.challenge.map(str::to_string),
                challenge_method: grant.method.map(str::to_string),
                scope: grant.scope,
                family,
                created: t,
                expires: t.plus_seconds(CODE_TTL_SECS),
            })
            .await?;
        self.store
            .platform()
            .grant_consent(app.id, person.id, grant.scope)
            .await?;
        // A bot's installation is its own event (`install_bot`).
        if app.kind != AppKind::Bot {
            self.audit(
                NewAuditEvent::new(AuditKind::IntegrationAdded, Some(person.account_id))
                    .actor(person.id)
                    .app(app.id)
                    .target(app.client_id.clone())
                    .detail(format!(
                        "authorized {} ({})",
                        app.name,
                        grant.scope.to_scope()
                    )),
            )
            .await?;
        }
        Ok(IssuedCode { code, bot })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_verifiers_match_their_challenges() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(valid_pkce_string(verifier));
        assert!(!valid_pkce_string("short"));
        assert!(!valid_pkce_string(&format!("{verifier}!")));
        // RFC 7636 appendix B.
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge, "S256"));
        assert!(!pkce_matches(verifier, challenge, "plain"));
        assert!(pkce_matches(verifier, verifier, "plain"));
    }
}
