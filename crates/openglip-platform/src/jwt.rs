//! JWT credentials: created in the console by a developer for themselves or for their sandbox's
//! administrator, presented to the token endpoint with the JWT bearer grant to sign that person
//! in. Shown once; only the SHA-256 of the JWT is kept.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openglip_domain::audit::{AuditKind, NewAuditEvent};
use openglip_domain::platform::JwtCredential;
use openglip_domain::*;

use crate::{Platform, secrets};

/// Whom a developer's JWT may sign in.
#[derive(Debug, Clone, PartialEq)]
pub enum JwtOwner {
    /// The developer.
    Own(Extension),
    /// The administrator of the developer's sandbox account.
    SandboxAdmin(Extension),
}

impl JwtOwner {
    pub fn extension(&self) -> &Extension {
        match self {
            JwtOwner::Own(e) | JwtOwner::SandboxAdmin(e) => e,
        }
    }
}

/// The Create JWT form.
#[derive(Debug, Clone, Default)]
pub struct JwtForm {
    pub label: String,
    /// Only these apps may use it; None: any app.
    pub client_ids: Option<Vec<String>>,
    /// None: it does not expire.
    pub expires_in_days: Option<i64>,
}

impl Platform {
    /// Whom the developer may create JWTs for: themselves, and their sandbox's administrator.
    pub async fn jwt_owners(&self, developer: &Extension) -> Result<Vec<JwtOwner>> {
        let mut out = vec![JwtOwner::Own(developer.clone())];
        if let Some(sandbox) = self.sandbox_of(developer).await?
            && let Some(admin) = self.account_admin(sandbox.id).await?
        {
            out.push(JwtOwner::SandboxAdmin(admin));
        }
        Ok(out)
    }

    /// One of [`Platform::jwt_owners`] by id; `None`: the developer. `NotFound(JwtOwner)` for
    /// anyone else.
    pub async fn jwt_owner(
        &self,
        developer: &Extension,
        owner: Option<ExtensionId>,
    ) -> Result<Extension> {
        let Some(id) = owner else {
            return Ok(developer.clone());
        };
        self.jwt_owners(developer)
            .await?
            .into_iter()
            .map(|o| o.extension().clone())
            .find(|e| e.id == id)
            .ok_or(Error::NotFound(Subject::JwtOwner))
    }

    /// The JWT credentials the developer made, with whom each signs in.
    pub async fn jwts_of_developer(
        &self,
        developer: &Extension,
    ) -> Result<Vec<(JwtOwner, JwtCredential)>> {
        let mut out = Vec::new();
        for owner in self.jwt_owners(developer).await? {
            for j in self.store.platform().jwts_of(owner.extension().id).await? {
                out.push((owner.clone(), j));
            }
        }
        Ok(out)
    }

    /// Revokes one of the developer's JWT credentials. `NotFound(Jwt)` if it is not theirs.
    pub async fn revoke_jwt(&self, developer: &Extension, id: i64) -> Result<()> {
        for owner in self.jwt_owners(developer).await? {
            if self
                .store
                .platform()
                .revoke_jwt(owner.extension().id, id)
                .await?
            {
                return self
                    .audit(
                        NewAuditEvent::new(AuditKind::JwtRevoked, Some(developer.account_id))
                            .actor(developer.id)
                            .target(format!("jwt {id} of {}", owner.extension().id)),
                    )
                    .await;
            }
        }
        Err(Error::NotFound(Subject::Jwt))
    }

    /// Creates a JWT credential for `owner`; returns it and the JWT (shown once). The JWT is a
    /// real JWS in shape (header, claims, signature) whose signature is 256 random bits: the
    /// server recognises it by its hash, so no signing key needs keeping. `issuer` is this
    /// server's URL.
    pub async fn create_jwt(
        &self,
        owner: &Extension,
        form: &JwtForm,
        issuer: &str,
    ) -> Result<(JwtCredential, String)> {
        let mut errors = FieldErrors::default();
        let label = form.label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            errors.add("label", "Enter a label (at most 100 characters).");
        }
        if let Some(d) = form.expires_in_days
            && !(1..=3650).contains(&d)
        {
            errors.add(
                "expiresInDays",
                "Enter a number of days from 1 to 3650, or leave it empty.",
            );
        }
        if let Some(ids) = &form.client_ids {
            if ids.is_empty() {
                errors.add("clientIds", "Name at least one app, or allow any app.");
            }
            for id in ids {
                if self.store.app_by_client_id(id.clone()).await?.is_none() {
                    errors.add("clientIds", format!("No app has the client id [{id}]."));
                }
            }
        }
        errors.check()?;
        let t = self.now();
        let expires = form.expires_in_days.map(|d| t.plus_seconds(d * 86_400));
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let mut claims = serde_json::json!({
            "aud": format!("{issuer}/restapi/oauth/token"),
            "iss": issuer,
            "sub": owner.id.to_string(),
            "iat": t.millis() / 1000,
            "jti": secrets::new_id(),
        });
        if let Some(e) = expires {
            claims["exp"] = serde_json::json!(e.millis() / 1000);
        }
        let body = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
        let jwt = format!("{header}.{body}.{}", secrets::new_token());
        let cred = self
            .store
            .platform()
            .create_jwt(JwtCredential {
                id: 0,
                owner: owner.id,
                label: label.to_string(),
                hash: secrets::hash_token(&jwt),
                client_ids: form.client_ids.clone(),
                created: t,
                expires,
                revoked: false,
            })
            .await?;
        self.audit(
            NewAuditEvent::new(AuditKind::JwtCreated, Some(owner.account_id))
                .actor(owner.id)
                .target(format!("jwt {} of {}", cred.id, owner.id))
                .detail(cred.label.clone()),
        )
        .await?;
        Ok((cred, jwt))
    }
}
