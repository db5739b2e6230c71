//! OpenID Connect on the OAuth server: what an authorization request's `scope` asks for beyond
//! app permissions (the OIDC scope values `openid`, `profile`, `email`), what the server keeps
//! of an OpenID sign-in (`OidcGrant`: the scopes, the `nonce` echoed into the ID token, when the
//! person authorized), and the RSA keys ID tokens are signed with (`SigningKey`).
//!
//! Both live in the store behind the `OidcStore` sub-port (`Store::oidc()`), so that every node
//! and every restart signs with the same key and publishes the same key set. An `OidcGrant` is
//! keyed by the token family of its authorization code: the code's exchange finds the nonce
//! there, and `userinfo` finds the scopes of any access token of the family (refreshed ones
//! too).
//!
//! Scope words: `openid` (exactly, as OIDC spells it) asks for an ID token and also names the
//! `OpenID` app permission; `profile` and `email` ask for those claims; every other word is an
//! app permission (`Permission::parse`). The rules (an app without the `OpenID` permission may
//! not ask for `openid`; the ID token's claims; signing) are the platform's.

use crate::perm::{Permission, PermissionSet};
use crate::store::BoxFuture;
use crate::time::Timestamp;

/// The OIDC scope values of a request, as a small bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct OidcScopes(u8);

impl OidcScopes {
    pub const OPENID: OidcScopes = OidcScopes(1);
    pub const PROFILE: OidcScopes = OidcScopes(2);
    pub const EMAIL: OidcScopes = OidcScopes(4);
    /// Each value with its scope word, in the order they are written.
    const WORDS: [(OidcScopes, &'static str); 3] = [
        (OidcScopes::OPENID, "openid"),
        (OidcScopes::PROFILE, "profile"),
        (OidcScopes::EMAIL, "email"),
    ];

    pub fn empty() -> Self {
        OidcScopes(0)
    }
    pub fn from_bits(bits: i64) -> Self {
        OidcScopes((bits & 7) as u8)
    }
    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }
    pub fn contains(self, other: OidcScopes) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn insert(&mut self, other: OidcScopes) {
        self.0 |= other.0;
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The scope word of a value, if the word is one.
    fn word(w: &str) -> Option<OidcScopes> {
        Self::WORDS.iter().find(|(_, s)| *s == w).map(|(v, _)| *v)
    }
    /// The scope words, space-separated (`openid profile email`).
    pub fn to_scope(self) -> String {
        Self::WORDS
            .iter()
            .filter(|(v, _)| self.contains(*v))
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A `scope` parameter read: the app permissions it names and the OIDC values it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    /// The permissions named (`openid` names `OpenID`); empty when only `profile`/`email` were.
    pub permissions: PermissionSet,
    pub oidc: OidcScopes,
}

impl Scope {
    /// Reads a space- or comma-separated scope; an unknown word is an error carrying it.
    pub fn parse(s: &str) -> Result<Scope, String> {
        let mut scope = Scope::default();
        for word in s.split([' ', ',']).filter(|w| !w.is_empty()) {
            if let Some(v) = OidcScopes::word(word) {
                scope.oidc.insert(v);
                if v == OidcScopes::OPENID {
                    scope.permissions.insert(Permission::OpenId);
                }
            } else {
                let p = Permission::parse(word).ok_or_else(|| word.to_string())?;
                scope.permissions.insert(p);
            }
        }
        Ok(scope)
    }

    /// Written back: the permissions' API names, then the OIDC words (`… OpenID openid email`).
    pub fn to_scope(self) -> String {
        [self.permissions.to_scope(), self.oidc.to_scope()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The OpenID part of an authorization: kept from the authorization request to the token
/// request and for the tokens of its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcGrant {
    /// The token family of the authorization code (`AuthCode::family`).
    pub family: String,
    pub scopes: OidcScopes,
    /// The authorization request's `nonce`, echoed into the ID token.
    pub nonce: Option<String>,
    /// When the person authorized (the ID token's `auth_time`).
    pub auth_time: Timestamp,
}

/// An RSA key pair ID tokens are signed with (RS256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// The JWK `kid`: random, unique.
    pub kid: String,
    /// The private key, PKCS#8 DER.
    pub private_pkcs8: Vec<u8>,
    /// The public modulus and exponent, big-endian without leading zeros (the JWK's `n`, `e`).
    pub modulus: Vec<u8>,
    pub exponent: Vec<u8>,
    pub created: Timestamp,
    /// `None` while it signs; set when a newer key replaced it (it stays published).
    pub retired: Option<Timestamp>,
}

/// The storage of OpenID Connect, reached by `Store::oidc()`.
pub trait OidcStore: Send + Sync {
    /// The keys kept: the signing one (`retired: None`, at most one) and the previous one,
    /// newest first.
    fn signing_keys(&self) -> BoxFuture<'_, Vec<SigningKey>>;
    /// Keeps `key` as the signing key unless there is one already; answers the signing key
    /// (the one kept before, when two nodes make one at the same time).
    fn add_first_signing_key(&self, key: SigningKey) -> BoxFuture<'_, SigningKey>;
    /// Makes `key` the signing key: the current one is retired at `key.created` and stays
    /// published; keys retired before it are deleted. Answers the keys kept, newest first.
    fn rotate_signing_key(&self, key: SigningKey) -> BoxFuture<'_, Vec<SigningKey>>;
    /// Keeps the OpenID part of an authorization (replacing one of the same family).
    fn put_oidc_grant(&self, grant: OidcGrant) -> BoxFuture<'_, ()>;
    /// The OpenID part of a token family's authorization, if it had one.
    fn oidc_grant(&self, family: String) -> BoxFuture<'_, Option<OidcGrant>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_words_split_into_permissions_and_oidc_values() {
        let s = Scope::parse("openid TeamMessaging email").unwrap();
        assert!(s.oidc.contains(OidcScopes::OPENID));
        assert!(s.oidc.contains(OidcScopes::EMAIL));
        assert!(!s.oidc.contains(OidcScopes::PROFILE));
        assert!(s.permissions.contains(Permission::OpenId));
        assert!(s.permissions.contains(Permission::TeamMessaging));
        assert_eq!(s.to_scope(), "TeamMessaging OpenID openid email");
        // The permission's own name names the permission only.
        let p = Scope::parse("OpenID").unwrap();
        assert!(p.permissions.contains(Permission::OpenId));
        assert!(p.oidc.is_empty());
        assert_eq!(Scope::parse("openid nope"), Err("nope".to_string()));
        let bits = Scope::parse("profile email").unwrap().oidc.bits();
        assert_eq!(OidcScopes::from_bits(bits).to_scope(), "profile email");
    }
}
