//! The authorization server's rules: who the client is, the token endpoint's grants
//! (`grants`), the authorization endpoint's codes and consent (`codes`), revocation, and
//! resolving a bearer token to the [`Caller`] it acts as.
//!
//! Access and refresh tokens are 256-bit random strings, stored as SHA-256 hashes. Every token
//! belongs to a family (one sign-in and everything refreshed from it): a refresh token or an
//! authorization code presented a second time has leaked, and revokes its family.

mod codes;
mod grants;

pub use codes::{AuthorizationGrant, IssuedCode, Refusal, pkce_matches, valid_pkce_string};

use openglip_domain::audit::{AuditKind, AuditedChange, NewAuditEvent};
use openglip_domain::perm::GrantType;
use openglip_domain::*;

use crate::{Platform, secrets};

/// Access tokens live an hour unless the app says otherwise; refresh tokens a week.
pub const DEFAULT_ACCESS_TTL: i64 = 3600;
pub const DEFAULT_REFRESH_TTL: i64 = 604_800;
/// What RingCentral reports as the lifetime of permanent (bot) tokens.
pub const PERMANENT_TTL: i64 = 2_147_483_647;

/// How long an app's access tokens live, in seconds; `None` when they never expire (a bot's
/// permanent token, whose `expires_in` RingCentral spells as `PERMANENT_TTL`).
pub fn access_token_lifetime(app: &App) -> Option<i64> {
    (app.kind == AppKind::Rest && app.access_ttl_secs < PERMANENT_TTL)
        .then_some(app.access_ttl_secs)
}
/// Authorization codes work for a minute (RingCentral's lifetime).
pub const CODE_TTL_SECS: i64 = 60;

/// Who the client says it is: HTTP Basic, or `client_id` (+ `client_secret`) in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub secret: Option<String>,
}

/// The parameters of a token request, as sent (OAuth names in the comments).
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// `grant_type`
    pub grant_type: Option<String>,
    /// `username` (`number*extension` names the extension too), `password`, `extension`
    pub username: Option<String>,
    pub password: Option<String>,
    pub extension: Option<String>,
    /// `code`, `redirect_uri`, `code_verifier`
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    /// `refresh_token`
    pub refresh_token: Option<String>,
    /// `assertion` (the JWT bearer grant)
    pub assertion: Option<String>,
    /// `scope`, `access_token_ttl`, `refresh_token_ttl`, `endpoint_id`
    pub scope: Option<String>,
    pub access_token_ttl: Option<String>,
    pub refresh_token_ttl: Option<String>,
    pub endpoint_id: Option<String>,
    /// Not a parameter: the server's public URL, the `iss` of an ID token.
    pub issuer: String,
}

impl TokenRequest {
    /// A parameter that must be present and not empty.
    fn required<'a>(v: &'a Option<String>, name: &'static str) -> Result<&'a str> {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .ok_or(Error::OAuth(OAuthFailure::MissingParameter(name)))
    }

    /// A requested lifetime, capped by the app's; absent: the app's.
    fn ttl(v: &Option<String>, name: &'static str, max: i64) -> Result<i64> {
        match v.as_deref().filter(|v| !v.is_empty()) {
            None => Ok(max),
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if n > 0 => Ok(n.min(max)),
                _ => Err(Error::OAuth(OAuthFailure::InvalidParameter(name))),
            },
        }
    }

    /// The `endpoint_id` a client names, or a new one.
    fn endpoint_id(&self) -> String {
        self.endpoint_id
            .as_deref()
            .filter(|e| secrets::looks_like_token(e) || (8..=64).contains(&e.len()))
            .map(str::to_string)
            .unwrap_or_else(secrets::new_id)
    }

    /// The permissions asked for: within the app's; absent, all of them. OpenID Connect's
    /// scope values are read (`openid` needs the `OpenID` permission) but give no ID token
    /// outside the authorization code flow.
    fn scope(&self, app: &App) -> Result<PermissionSet> {
        crate::oidc::requested_scope(app, self.scope.as_deref()).map(|s| s.permissions)
    }
}

/// What the token endpoint issued.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedToken {
    pub access_token: String,
    /// Seconds.
    pub expires_in: i64,
    pub refresh_token: Option<String>,
    /// Seconds.
    pub refresh_token_expires_in: Option<i64>,
    pub scope: PermissionSet,
    pub owner: ExtensionId,
    /// The owner's company.
    pub account: AccountId,
    pub endpoint_id: String,
    /// The token family (RingCentral's `session_id`).
    pub family: String,
    /// OpenID Connect's ID token (an authorization code asked for with `openid`), and the
    /// OIDC scope values it was asked with (written after the permissions in `scope`).
    pub id_token: Option<String>,
    pub oidc_scopes: openglip_domain::oidc::OidcScopes,
}

/// Only enabled people get tokens.
fn check_status(ext: &Extension) -> Result<()> {
    let failure = match ext.status {
        ExtensionStatus::Enabled => return Ok(()),
        ExtensionStatus::Disabled => OAuthFailure::ExtensionDisabled,
        ExtensionStatus::NotActivated => OAuthFailure::ExtensionNotActivated,
        ExtensionStatus::Removed => OAuthFailure::ExtensionRemoved,
    };
    Err(Error::OAuth(failure))
}

impl Platform {
    /// Authenticates the client. A confidential client needs its secret; a public one is known
    /// by its id. `required`: whether a request that names no client is refused (else `None`).
    pub async fn authenticate_client(
        &self,
        credentials: Option<ClientCredentials>,
        required: bool,
    ) -> Result<Option<App>> {
        let Some(c) = credentials else {
            return if required {
                Err(Error::OAuth(OAuthFailure::ClientAuthenticationRequired))
            } else {
                Ok(None)
            };
        };
        let app = self
            .store
            .app_by_client_id(c.client_id)
            .await?
            .ok_or(Error::OAuth(OAuthFailure::UnknownClient))?;
        match (&app.client_secret_hash, c.secret.filter(|s| !s.is_empty())) {
            (Some(stored), Some(given)) if secrets::client_secret_matches(&given, stored) => {}
            (Some(_), _) => return Err(Error::OAuth(OAuthFailure::InvalidClientCredentials)),
            (None, _) => {} // a public client: identified by its id alone
        }
        Ok(Some(app))
    }

    /// `POST /restapi/oauth/token`: authenticates the client and runs the grant it asks for.
    /// `credentials` are the client's as read from the request (unreadable ones are an error,
    /// reported after the grant type is checked).
    pub async fn token(
        &self,
        credentials: Result<Option<ClientCredentials>>,
        req: &TokenRequest,
    ) -> Result<IssuedToken> {
        let grant_name = TokenRequest::required(&req.grant_type, "grant_type")?;
        let grant = GrantType::parse(grant_name).ok_or_else(|| {
            Error::OAuth(OAuthFailure::UnsupportedGrantType(grant_name.to_string()))
        })?;
        let app = self
            .authenticate_client(credentials?, true)
            .await?
            .ok_or(Error::OAuth(OAuthFailure::ClientAuthenticationRequired))?;
        if !app.grants.contains(grant) {
            return Err(Error::OAuth(OAuthFailure::GrantNotAllowed(
                grant_name.to_string(),
            )));
        }
        let issued = match grant {
            GrantType::Password => self.password_grant(&app, req).await,
            GrantType::RefreshToken => self.refresh_grant(&app, req).await,
            GrantType::AuthorizationCode => self.code_grant(&app, req).await,
            GrantType::JwtBearer => self.jwt_grant(&app, req).await,
        };
        // A grant records `TokenGranted` in the transaction that stores the pair
        // (`Platform::granted`).
        match &issued {
            Ok(_) => {}
            // A spent code or refresh token presented again: the store revoked its family.
            Err(Error::OAuth(f @ (OAuthFailure::CodeReused | OAuthFailure::RefreshReused))) => {
                let what = match f {
                    OAuthFailure::CodeReused => "an authorization code used twice",
                    _ => "a spent refresh token presented again",
                };
                self.audit(
                    NewAuditEvent::new(AuditKind::TokenRevoked, None)
                        .app(app.id)
                        .target(app.client_id.clone())
                        .detail(format!("token family revoked: {what}")),
                )
                .await?
            }
            Err(_) => {}
        }
        issued
    }

    /// `POST /restapi/oauth/revoke` (RFC 7009 §2.1): the client authenticates (HTTP Basic, or
    /// a public client's `client_id`), and may revoke only tokens issued to it; then the token
    /// pair of the access or refresh token is revoked. An unknown token is answered as revoked
    /// (RFC 7009 §2.2), so the answer does not tell whether it existed.
    pub async fn revoke(
        &self,
        credentials: Option<ClientCredentials>,
        token: Option<&str>,
    ) -> Result<()> {
        let app = self
            .authenticate_client(credentials, true)
            .await?
            .ok_or(Error::OAuth(OAuthFailure::ClientAuthenticationRequired))?;
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or(Error::OAuth(OAuthFailure::MissingParameter("token")))?;
        if !secrets::looks_like_token(token) {
            return Ok(());
        }
        let hash = secrets::hash_token(token);
        let grant = match self.store.token_by_access_hash(hash).await? {
            Some(g) => Some(g),
            None => self.store.token_by_refresh_hash(hash).await?,
        };
        let Some(grant) = grant else {
            return Ok(());
        };
        if grant.app.id != app.id {
            return Err(Error::OAuth(OAuthFailure::TokenOfAnotherClient));
        }
        let event = NewAuditEvent::new(AuditKind::TokenRevoked, Some(grant.extension.account_id))
            .actor(grant.extension.id)
            .app(app.id)
            .target(app.client_id.clone())
            .detail("revoked by the app");
        self.audited(AuditedChange::RevokeToken(hash), move |_| vec![event])
            .await
            .map(|_| ())
    }

    /// The party a bearer access token acts for: refused when unknown, revoked, expired, or
    /// its person disabled or removed (an uninstalled bot's token answers that its extension
    /// is gone, as RingCentral's do).
    pub async fn caller(&self, access_token: &str) -> Result<Caller> {
        let grant = self
            .store
            .token_by_access_hash(secrets::hash_token(access_token))
            .await?
            .ok_or(Error::Unauthenticated(AuthFailure::NotFound))?;
        if grant.extension.status == ExtensionStatus::Removed {
            return Err(Error::Unauthenticated(AuthFailure::ExtensionRemoved));
        }
        if grant.revoked {
            return Err(Error::Unauthenticated(AuthFailure::NotFound));
        }
        if let Some(exp) = grant.token.access_expires
            && exp <= self.now()
        {
            return Err(Error::Unauthenticated(AuthFailure::Expired));
        }
        if grant.extension.status == ExtensionStatus::Disabled {
            return Err(Error::Unauthenticated(AuthFailure::ExtensionDisabled));
        }
        Ok(Caller {
            account_id: grant.extension.account_id,
            extension_id: grant.extension.id,
            extension_type: grant.extension.kind,
            is_admin: grant.extension.is_admin,
            app_id: grant.app.id,
            client_id: grant.app.client_id.clone(),
            permissions: grant.token.scope.intersect(grant.app.permissions),
        })
    }

    /// A new token pair for `ext` in `family` (a refresh token only if the app may use the
    /// refresh grant), with the record of its hashes to store.
    fn pair(
        &self,
        app: &App,
        ext: &Extension,
        scope: PermissionSet,
        req: &TokenRequest,
        family: String,
        endpoint_id: String,
    ) -> Result<(IssuedToken, TokenRecord)> {
        let ttl = |v, name, max| TokenRequest::ttl(v, name, max);
        let access_ttl = ttl(
            &req.access_token_ttl,
            "access_token_ttl",
            app.access_ttl_secs,
        )?;
        let refresh_ttl = ttl(
            &req.refresh_token_ttl,
            "refresh_token_ttl",
            app.refresh_ttl_secs,
        )?;
        let access = secrets::new_token();
        let refresh = app
            .grants
            .contains(GrantType::RefreshToken)
            .then(secrets::new_token);
        let t = self.now();
        let record = TokenRecord {
            access_hash: secrets::hash_token(&access),
            refresh_hash: refresh.as_deref().map(secrets::hash_token),
            app_id: app.id,
            extension_id: ext.id,
            account_id: ext.account_id,
            scope,
            access_expires: Some(t.plus_seconds(access_ttl)),
            refresh_expires: refresh.as_ref().map(|_| t.plus_seconds(refresh_ttl)),
            family: family.clone(),
            endpoint_id: endpoint_id.clone(),
            created: t,
        };
        let issued = IssuedToken {
            access_token: access,
            expires_in: access_ttl,
            refresh_token_expires_in: refresh.as_ref().map(|_| refresh_ttl),
            refresh_token: refresh,
            scope,
            owner: ext.id,
            account: ext.account_id,
            endpoint_id,
            family,
            id_token: None,
            oidc_scopes: Default::default(),
        };
        Ok((issued, record))
    }

    /// Issues a new token pair (see [`Platform::pair`]) and stores its hashes.
    async fn issue(
        &self,
        app: &App,
        ext: &Extension,
        scope: PermissionSet,
        req: &TokenRequest,
        family: String,
        endpoint_id: String,
    ) -> Result<IssuedToken> {
        let (issued, record) = self.pair(app, ext, scope, req, family, endpoint_id)?;
        let event = Self::granted(app, ext, req);
        self.audited(AuditedChange::InsertToken(record), move |_| vec![event])
            .await?;
        Ok(issued)
    }

    /// The `TokenGranted` event of a pair issued to `app` for `ext` by the grant of `req`.
    pub(crate) fn granted(app: &App, ext: &Extension, req: &TokenRequest) -> NewAuditEvent {
        let grant = req.grant_type.as_deref().and_then(GrantType::parse);
        NewAuditEvent::new(AuditKind::TokenGranted, Some(ext.account_id))
            .actor(ext.id)
            .app(app.id)
            .target(app.client_id.clone())
            .detail(grant.map(GrantType::as_str).unwrap_or_default())
    }
}
