//! OAuth 2.0 as RingCentral serves it: the token a client holds, PKCE, and the grants
//! (password, authorization code, JWT bearer, refresh), revocation and renewal.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use openglip_wire::TokenInfo;

/// `urn:ietf:params:oauth:grant-type:jwt-bearer`.
pub const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Lifetimes this long (RingCentral reports 2147483647 s for bot tokens) never expire.
const PERMANENT_SECS: i64 = 10 * 365 * 86_400;

/// The app's credentials: its client id, and its secret unless it is a public client.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// A token pair with absolute expiry times (milliseconds since the Unix epoch), so it can be
/// saved and loaded again. `expires_at_ms: None` is a permanent token (a bot's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_at_ms: Option<i64>,
    #[serde(default)]
    pub refresh_expires_at_ms: Option<i64>,
    /// The extension the token acts as (`owner_id`).
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Token {
    /// A token given as is (a bot's permanent token, or one obtained elsewhere).
    pub fn bearer(access_token: impl Into<String>) -> Token {
        Token {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at_ms: None,
            refresh_expires_at_ms: None,
            owner_id: None,
            scope: None,
        }
    }

    /// From the token endpoint's answer, received now.
    pub fn from_info(info: &TokenInfo) -> Token {
        let now = now_ms();
        let at = |secs: i64| (secs < PERMANENT_SECS).then(|| now + secs.max(0) * 1000);
        Token {
            access_token: info.access_token.clone(),
            refresh_token: info.refresh_token.clone(),
            expires_at_ms: at(info.expires_in),
            refresh_expires_at_ms: info.refresh_token_expires_in.and_then(at),
            owner_id: Some(info.owner_id.clone()).filter(|o| !o.is_empty()),
            scope: Some(info.scope.clone()),
        }
    }

    /// Whether the access token expires within `margin` (never, for permanent tokens).
    pub fn expires_within(&self, margin: Duration) -> bool {
        self.expires_at_ms
            .is_some_and(|at| at - margin.as_millis() as i64 <= now_ms())
    }

    /// Whether a refresh can still renew this token.
    pub fn can_refresh(&self) -> bool {
        self.refresh_token.is_some() && self.refresh_expires_at_ms.is_none_or(|at| at > now_ms())
    }
}

/// A PKCE pair (RFC 7636, method `S256`): send `challenge` with the authorization request and
/// `verifier` with the code exchange.
#[derive(Debug, Clone)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub const METHOD: &'static str = "S256";

    /// A fresh verifier of 32 random bytes (43 characters) and its S256 challenge.
    pub fn new() -> Pkce {
        Pkce::from_verifier(random_token(32))
    }

    pub fn from_verifier(verifier: String) -> Pkce {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Pkce::new()
    }
}

/// `n` random bytes, base64url without padding (for PKCE verifiers, OAuth `state`, WebHook
/// verification tokens).
pub fn random_token(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("the system random source works");
    URL_SAFE_NO_PAD.encode(b)
}

/// The parameters of an authorization request (`GET /restapi/oauth/authorize`).
#[derive(Debug, Clone, Default)]
pub struct AuthorizeRequest {
    pub redirect_uri: String,
    pub state: Option<String>,
    /// With PKCE: the challenge (method S256).
    pub code_challenge: Option<String>,
    pub scope: Option<String>,
    pub extra: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(Pkce::new().verifier.len(), 43);
    }

    #[test]
    fn permanent_tokens_never_expire() {
        let info = TokenInfo {
            access_token: "a".into(),
            token_type: "bearer".into(),
            expires_in: 2_147_483_647,
            refresh_token: None,
            refresh_token_expires_in: None,
            scope: "TeamMessaging".into(),
            owner_id: "7".into(),
            endpoint_id: "e".into(),
            session_id: None,
            id_token: None,
        };
        let t = Token::from_info(&info);
        assert_eq!(t.expires_at_ms, None);
        assert!(!t.expires_within(Duration::from_secs(3600)));
        assert_eq!(t.owner_id.as_deref(), Some("7"));
    }
}
