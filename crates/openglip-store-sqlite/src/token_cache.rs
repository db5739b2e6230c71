//! The store's cache of resolved access tokens (what `token_by_access_hash` answers), so that
//! a request does not read the database for its bearer token each time.

use openglip_domain::*;

/// A short-lived cache of `token_by_access_hash`. The writer empties it (bumps its generation)
/// after every batch that changed a row of the tables a token resolves through (`TOKEN_TABLES`:
/// revocation, rotation, an extension's or app's status or rights), whatever job did it; entries
/// also expire after [`TOKEN_CACHE_TTL`], which bounds staleness for changes made by another
/// process (`openglip admin`).
#[derive(Default)]
pub(crate) struct TokenCache {
    pub(crate) generation: std::sync::atomic::AtomicU64,
    map: std::sync::Mutex<
        std::collections::HashMap<[u8; 32], (TokenGrant, std::time::Instant, u64)>,
    >,
}

/// What `token_by_access_hash` reads.
pub(crate) const TOKEN_TABLES: &[&str] = &["tokens", "extensions", "apps"];
pub(crate) const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);
pub(crate) const TOKEN_CACHE_MAX: usize = 50_000;

impl TokenCache {
    pub(crate) fn get(&self, hash: &[u8; 32]) -> Option<TokenGrant> {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(hash) {
            Some((grant, at, g)) if *g == generation && at.elapsed() < TOKEN_CACHE_TTL => {
                Some(grant.clone())
            }
            _ => None,
        }
    }

    pub(crate) fn put(&self, hash: [u8; 32], grant: &TokenGrant, generation: u64) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= TOKEN_CACHE_MAX {
            map.clear();
        }
        map.insert(hash, (grant.clone(), std::time::Instant::now(), generation));
    }

    pub(crate) fn invalidate(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.map.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
