//! The RSA keys ID tokens are signed with, and the signing itself (JWS compact form, RS256).
//!
//! Two crates share the work. `ring`, already built for TLS, signs and verifies PKCS#1 v1.5
//! with SHA-256 in constant time; it cannot make RSA keys, so the pure-Rust `rsa` crate makes
//! them (2048 bits, on a blocking thread: it takes a while) and hands `ring` the PKCS#8 DER.
//!
//! The keys live in the store (`OidcStore`): the first one is made on first need and kept
//! once even when several nodes make one at the same time; each node keeps the key it signs
//! with in memory for a minute, so a rotation on another node reaches it within that minute —
//! meanwhile it signs with the previous key, which stays published at the jwks URL.

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openglip_domain::oidc::SigningKey;
use openglip_domain::*;
use ring::rand::SystemRandom;
use ring::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents,
};
use serde_json::{Value, json};

use crate::{Platform, secrets};

/// RSA key size, bits.
const KEY_BITS: usize = 2048;
/// How long a node signs with the key it read before reading again, milliseconds.
const CACHE_MS: i64 = 60_000;

/// A key ready to sign with.
pub(crate) struct Loaded {
    kid: String,
    pair: RsaKeyPair,
}

/// The key this node signs with, and when it read it.
#[derive(Default)]
pub(crate) struct KeyCache(Mutex<Option<(Arc<Loaded>, Timestamp)>>);

/// A published public key, as the JWK Set lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    pub kid: String,
    /// The modulus and exponent, base64url without padding (JWK `n`, `e`).
    pub n: String,
    pub e: String,
}

fn internal(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("{what}: {e}"))
}

/// Makes a new key (slow: run it on a blocking thread).
fn generate(now: Timestamp) -> Result<SigningKey> {
    use rsa::pkcs8::EncodePrivateKey;
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, KEY_BITS)
        .map_err(|e| internal("making an RSA key", e))?;
    let der = private
        .to_pkcs8_der()
        .map_err(|e| internal("encoding an RSA key", e))?;
    let pair =
        RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|e| internal("reading a new RSA key", e))?;
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
    Ok(SigningKey {
        kid: secrets::new_id(),
        private_pkcs8: der.as_bytes().to_vec(),
        modulus: public.n,
        exponent: public.e,
        created: now,
        retired: None,
    })
}

fn load(key: &SigningKey) -> Result<Loaded> {
    let pair = RsaKeyPair::from_pkcs8(&key.private_pkcs8)
        .map_err(|e| internal("reading the signing key", e))?;
    Ok(Loaded {
        kid: key.kid.clone(),
        pair,
    })
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `claims` as a JWT (`header.payload.signature`, RS256, the key's `kid` in the header).
fn sign(key: &Loaded, claims: &Value) -> Result<String> {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": key.kid});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let mut sig = vec![0; key.pair.public().modulus_len()];
    key.pair
        .sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input.as_bytes(),
            &mut sig,
        )
        .map_err(|e| internal("signing an ID token", e))?;
    Ok(format!("{input}.{}", b64(&sig)))
}

/// Why a JWT was not accepted by [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    Malformed,
    /// No published key has its `kid`.
    UnknownKey,
    BadSignature,
    /// `exp` is not after `now`.
    Expired,
}

/// Checks a JWT signed by this server against published keys, as a relying party would:
/// RS256 only, the header's `kid` among `keys`, the signature, `exp` after `now` (seconds).
/// Answers the claims.
pub fn verify(jwt: &str, keys: &[PublicJwk], now_secs: i64) -> Result<Value, Rejected> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, payload, sig] = parts[..] else {
        return Err(Rejected::Malformed);
    };
    let json = |part: &str| -> Result<Value, Rejected> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| Rejected::Malformed)?;
        serde_json::from_slice(&bytes).map_err(|_| Rejected::Malformed)
    };
    let h = json(header)?;
    if h["alg"] != "RS256" {
        return Err(Rejected::Malformed);
    }
    let key = keys
        .iter()
        .find(|k| h["kid"] == k.kid.as_str())
        .ok_or(Rejected::UnknownKey)?;
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).map_err(|_| Rejected::Malformed);
    let public = RsaPublicKeyComponents {
        n: decode(&key.n)?,
        e: decode(&key.e)?,
    };
    let signed = &jwt[..header.len() + 1 + payload.len()];
    public
        .verify(
            &RSA_PKCS1_2048_8192_SHA256,
            signed.as_bytes(),
            &decode(sig)?,
        )
        .map_err(|_| Rejected::BadSignature)?;
    let claims = json(payload)?;
    match claims["exp"].as_i64() {
        Some(exp) if exp > now_secs => Ok(claims),
        _ => Err(Rejected::Expired),
    }
}

impl Platform {
    /// The key this node signs with: the one in memory if read within the minute, else the
    /// store's signing key, made now if there is none.
    async fn signing_key(&self) -> Result<Arc<Loaded>> {
        let now = self.now();
        if let Some((key, read)) = self
            .oidc_keys
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            && now.0 - read.0 < CACHE_MS
        {
            return Ok(key.clone());
        }
        let current = self
            .store
            .oidc()
            .signing_keys()
            .await?
            .into_iter()
            .find(|k| k.retired.is_none());
        let key = match current {
            Some(k) => k,
            None => {
                let made = tokio::task::spawn_blocking(move || generate(now))
                    .await
                    .map_err(|e| internal("making an RSA key", e))??;
                self.store.oidc().add_first_signing_key(made).await?
            }
        };
        self.remember(load(&key)?)
    }

    fn remember(&self, loaded: Loaded) -> Result<Arc<Loaded>> {
        let loaded = Arc::new(loaded);
        *self.oidc_keys.0.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((loaded.clone(), self.now()));
        Ok(loaded)
    }

    /// Signs `claims` with the signing key (see [`sign`]).
    pub(super) async fn sign_jwt(&self, claims: &Value) -> Result<String> {
        let key = self.signing_key().await?;
        sign(&key, claims)
    }

    /// The published keys (`GET /restapi/oauth/jwks`): the signing key, made now if there is
    /// none, and the previous one.
    pub async fn jwks(&self) -> Result<Vec<PublicJwk>> {
        let mut keys = self.store.oidc().signing_keys().await?;
        if keys.is_empty() {
            self.signing_key().await?;
            keys = self.store.oidc().signing_keys().await?;
        }
        Ok(keys
            .iter()
            .map(|k| PublicJwk {
                kid: k.kid.clone(),
                n: b64(&k.modulus),
                e: b64(&k.exponent),
            })
            .collect())
    }

    /// Replaces the signing key with a new one (the operator's `openglip admin
    /// rotate-signing-key`); the previous key stays published, older ones are dropped. Answers the new
    /// key's `kid`.
    pub async fn rotate_signing_key(&self) -> Result<String> {
        let now = self.now();
        let made = tokio::task::spawn_blocking(move || generate(now))
            .await
            .map_err(|e| internal("making an RSA key", e))??;
        let kid = made.kid.clone();
        let loaded = load(&made)?;
        self.store.oidc().rotate_signing_key(made).await?;
        self.remember(loaded)?;
        Ok(kid)
    }
}
