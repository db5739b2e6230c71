//! Secrets: random tokens (256 bits), their SHA-256 hashes (the only form stored), random ids
//! and UUIDs, and Argon2id password/secret hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

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

pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
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
    fn passwords_verify() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a phc string"));
    }
}
