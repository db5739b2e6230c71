//! Secrets: random tokens (256 bits), their SHA-256 hashes (the only form stored), random ids
//! and UUIDs, client secrets, constant-time comparison, and Argon2id password hashing on a
//! thread of its own.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b
}

/// A new bearer or refresh token: 32 random bytes, base64url (43 characters).
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A new public identifier (client id, endpoint id): 16 random bytes, base64url (22 characters).
pub fn new_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>())
}

/// A new random UUID (version 4): subscription ids, WebSocket `messageId`s and `RCRequestId`s.
pub fn new_uuid() -> String {
    uuid::Builder::from_random_bytes(random_bytes::<16>())
        .into_uuid()
        .to_string()
}

/// Whether a presented string could be a token we issued (cheap check before any lookup).
pub fn looks_like_token(t: &str) -> bool {
    (20..=200).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The SHA-256 of a token: how tokens, codes, session ids, JWTs and activation links are kept.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Client secrets are 256-bit random strings, so a SHA-256 digest is a safe way to keep them
/// (`sha256:` and 64 hex digits).
pub fn hash_client_secret(secret: &str) -> String {
    let d = hash_token(secret);
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Whether a presented client secret is the one whose hash is stored, in constant time.
pub fn client_secret_matches(secret: &str, stored: &str) -> bool {
    same(&hash_client_secret(secret), stored)
}

/// Whether two secrets are equal, taking the same time wherever they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Argon2id with OWASP's 7 MiB / 5 passes / 1 lane profile: as strong as their 19 MiB / 2 passes
/// profile, with a third of the memory (hashing memory is held by the allocator afterwards).
fn argon2() -> Argon2<'static> {
    let params = argon2::Params::new(7 * 1024, 5, 1, None).expect("valid argon2 parameters");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// Argon2id PHC string. CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes is a valid salt");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with fixed parameters cannot fail")
        .to_string()
}

/// Constant-time verification against a PHC string (with the parameters recorded in it).
/// CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// All password work runs on one dedicated thread, in arrival order. Besides keeping argon2 off
/// the async runtime, this bounds the memory it holds: every blocking-pool thread that hashed
/// once would otherwise keep its own multi-MiB allocator arena for good.
fn hasher() -> &'static std::sync::mpsc::SyncSender<Job> {
    static TX: std::sync::OnceLock<std::sync::mpsc::SyncSender<Job>> = std::sync::OnceLock::new();
    TX.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(1024);
        std::thread::Builder::new()
            .name("openglip-passwords".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            })
            .expect("spawn the password thread");
        tx
    })
}

async fn on_hasher<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    let sender = hasher().clone();
    // The channel is bounded: wait for room off the runtime.
    tokio::task::spawn_blocking(move || sender.send(job))
        .await
        .ok()?
        .ok()?;
    rx.await.ok()
}

/// Runs [`hash_password`] on the password thread.
pub async fn hash_password_async(password: String) -> String {
    on_hasher(move || hash_password(&password))
        .await
        .expect("the password thread is gone")
}

/// Runs [`verify_password`] on the password thread.
pub async fn verify_password_async(password: String, phc: String) -> bool {
    on_hasher(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

/// A fixed Argon2 hash to verify against when there is nothing to verify against, so that unknown
/// logins and wrong passwords take the same time.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("openglip-timing-equaliser"));

/// Whether `password` is right for `phc`, on the password thread. Without a hash (an unknown
/// login, a person who has no password yet) it is never right, but takes as long to say so.
pub async fn check_password(password: String, phc: Option<String>) -> bool {
    let known = phc.is_some();
    let phc = phc.unwrap_or_else(|| DUMMY_HASH.clone());
    verify_password_async(password, phc).await && known
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_random_version_4() {
        let u = new_uuid();
        let parsed = uuid::Uuid::parse_str(&u).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(u, parsed.hyphenated().to_string());
        assert_ne!(new_uuid(), u);
    }

    #[test]
    fn tokens_are_long_random_and_hash_stably() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(looks_like_token(&a));
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token("has space in it and is long enough"));
        assert_eq!(hash_token(&a), hash_token(&a));
    }

    #[test]
    fn client_secrets_are_kept_as_hashes() {
        let s = new_token();
        let h = hash_client_secret(&s);
        assert!(h.starts_with("sha256:") && h.len() == 71);
        assert!(client_secret_matches(&s, &h));
        assert!(!client_secret_matches(&new_token(), &h));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a phc string"));
    }
}
