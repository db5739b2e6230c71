//! OpenID Connect on the OAuth server (OIDC Core 1.0, the authorization code flow).
//!
//! An app with the `OpenID` permission may put `openid` in an authorization request's `scope`
//! (with `profile` and `email` for those claims, and a `nonce`). The authorization keeps the
//! OpenID part (`OidcGrant`) under the code's token family; the code's exchange then answers an
//! `id_token` beside the access token: a JWT signed RS256 with the server's key (`keys`), its
//! claims `iss` (the server's public URL), `sub` (the extension id), `aud` (the client id),
//! `exp`, `iat`, `auth_time`, `jti`, `account_id`, the `nonce` as sent, and the profile and
//! e-mail claims the scopes asked for. `userinfo` answers the same claims for an access token
//! of such a family. An app without the permission asking for `openid` is refused with
//! `invalid_scope`.
//!
//! `auth_time` is when the person approved the authorization (signing in, or the Access
//! Request page; with `prompt=none`, the silent approval), since a web session does not keep
//! when it signed in. `email_verified` is false: openglip sends no e-mail, so nothing has
//! verified an address.

pub mod keys;

use openglip_domain::oidc::{OidcGrant, OidcScopes, Scope};
use openglip_domain::*;
use serde_json::{Map, Value, json};

pub use keys::{PublicJwk, Rejected, verify};

use crate::{Platform, secrets};

/// The longest `nonce` kept.
pub const MAX_NONCE: usize = 512;

/// The scope values, claims and methods the discovery document lists.
pub const SCOPES_SUPPORTED: [&str; 3] = ["openid", "profile", "email"];
pub const CLAIMS_SUPPORTED: [&str; 14] = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "jti",
    "nonce",
    "account_id",
    "name",
    "given_name",
    "family_name",
    "email",
    "email_verified",
];

/// The OpenID part of an authorization request, as the person approved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcRequest {
    pub scopes: OidcScopes,
    pub nonce: Option<String>,
}

/// An authorization request's `scope` for `app`: the permissions it names (none named: all
/// the app's) and the OIDC values. Unknown words are `UnknownScope`; permissions the app lacks,
/// or `openid` without the `OpenID` permission, `ScopeNotAllowed`.
pub fn requested_scope(app: &App, scope: Option<&str>) -> Result<Scope> {
    let mut asked = match scope.filter(|s| !s.trim().is_empty()) {
        None => Scope::default(),
        Some(s) => Scope::parse(s).map_err(|w| Error::OAuth(OAuthFailure::UnknownScope(w)))?,
    };
    if asked.permissions.intersect(app.permissions) != asked.permissions {
        return Err(Error::OAuth(OAuthFailure::ScopeNotAllowed));
    }
    let only_openid: PermissionSet = [Permission::OpenId].into_iter().collect();
    if asked.permissions.is_empty() || asked.permissions == only_openid {
        let mut all = app.permissions;
        if !asked.oidc.contains(OidcScopes::OPENID) {
            // The OpenID permission goes into a token only through the `openid` scope.
            all = all.iter().filter(|p| *p != Permission::OpenId).collect();
        }
        asked.permissions = all;
    }
    Ok(asked)
}

/// What `userinfo` and the ID token say of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// The extension id.
    pub sub: String,
    pub account_id: String,
    /// With `profile`.
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// With `email`, when the person has one; then `email_verified` is said (false).
    pub email: Option<String>,
    pub email_verified: Option<bool>,
}

impl UserInfo {
    fn of(ext: &Extension, scopes: OidcScopes) -> UserInfo {
        let profile = scopes.contains(OidcScopes::PROFILE);
        let email = ext
            .email
            .clone()
            .filter(|_| scopes.contains(OidcScopes::EMAIL));
        UserInfo {
            sub: ext.id.to_string(),
            account_id: ext.account_id.to_string(),
            name: profile.then(|| ext.full_name()),
            given_name: profile.then(|| ext.first_name.clone()),
            family_name: profile.then(|| ext.last_name.clone()),
            email_verified: email.as_ref().map(|_| false),
            email,
        }
    }

    /// The claims, as JSON members (absent ones left out).
    fn claims(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("sub".into(), json!(self.sub));
        m.insert("account_id".into(), json!(self.account_id));
        let optional = [
            ("name", self.name.as_ref().map(|v| json!(v))),
            ("given_name", self.given_name.as_ref().map(|v| json!(v))),
            ("family_name", self.family_name.as_ref().map(|v| json!(v))),
            ("email", self.email.as_ref().map(|v| json!(v))),
            ("email_verified", self.email_verified.map(|v| json!(v))),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        }
        m
    }
}

impl Platform {
    /// Keeps the OpenID part of an authorization (only when it asked for `openid`), under the
    /// token family its code will give.
    pub(crate) async fn keep_oidc_request(
        &self,
        family: &str,
        request: Option<&OidcRequest>,
    ) -> Result<()> {
        let Some(r) = request.filter(|r| r.scopes.contains(OidcScopes::OPENID)) else {
            return Ok(());
        };
        self.store
            .oidc()
            .put_oidc_grant(OidcGrant {
                family: family.to_string(),
                scopes: r.scopes,
                nonce: r.nonce.clone(),
                auth_time: self.now(),
            })
            .await
    }

    /// The ID token of a code's exchange, if the authorization asked for `openid`, with the
    /// OIDC scopes it asked for: valid as long as the access token (`lifetime`, seconds).
    /// `ScopeNotAllowed` if the app lost the `OpenID` permission since.
    pub(crate) async fn id_token(
        &self,
        app: &App,
        ext: &Extension,
        family: &str,
        issuer: &str,
        lifetime: i64,
    ) -> Result<Option<(String, OidcScopes)>> {
        let Some(grant) = self.store.oidc().oidc_grant(family.to_string()).await? else {
            return Ok(None);
        };
        if !app.permissions.contains(Permission::OpenId) {
            return Err(Error::OAuth(OAuthFailure::ScopeNotAllowed));
        }
        let now = self.now().millis() / 1000;
        let mut claims = UserInfo::of(ext, grant.scopes).claims();
        let more = [
            ("iss", json!(issuer)),
            ("aud", json!(app.client_id)),
            ("iat", json!(now)),
            ("exp", json!(now + lifetime)),
            ("auth_time", json!(grant.auth_time.millis() / 1000)),
            ("jti", json!(secrets::new_id())),
        ];
        claims.extend(more.into_iter().map(|(k, v)| (k.to_string(), v)));
        if let Some(nonce) = grant.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        let jwt = self.sign_jwt(&Value::Object(claims)).await?;
        Ok(Some((jwt, grant.scopes)))
    }

    /// `GET /restapi/oauth/userinfo`: the claims of the access token's person, as the scopes
    /// of its authorization allow. A token is refused (as `caller` refuses it), and so is one
    /// whose authorization did not ask for `openid` (403).
    pub async fn userinfo(&self, access_token: &str) -> Result<UserInfo> {
        self.caller(access_token).await?;
        let grant = self
            .store
            .token_by_access_hash(secrets::hash_token(access_token))
            .await?
            .ok_or(Error::Unauthenticated(AuthFailure::NotFound))?;
        let scopes = self
            .store
            .oidc()
            .oidc_grant(grant.token.family.clone())
            .await?
            .map(|g| g.scopes)
            .filter(|s| s.contains(OidcScopes::OPENID))
            .ok_or_else(|| {
                Error::forbidden("The access token was not issued for the openid scope.")
            })?;
        Ok(UserInfo::of(&grant.extension, scopes))
    }
}
