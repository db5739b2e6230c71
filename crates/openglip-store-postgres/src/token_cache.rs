//! The store's cache of resolved access tokens (what `token_by_access_hash` answers), so that
//! a request does not read the database for its bearer token each time.

use openglip_domain::*;

/// A short-lived cache of `token_by_access_hash`. Emptied after every committed job that
/// changes what a token resolves through (revocation, rotation, an extension's or app's status
/// or rights: the store's `write_auth` calls); entries also expire after [`TOKEN_CACHE_TTL`],
/// which bounds staleness for changes made by another process (`openglip admin`, other nodes):
/// under a second, so that a token revoked through one node is refused by every node within one.
#[derive(Default)]
pub(crate) struct TokenCache {
    pub(crate) generation: std::sync::atomic::AtomicU64,
    map: std::sync::Mutex<
        std::collections::HashMap<[u8; 32], (TokenGrant, std::time::Instant, u64)>,
    >,
}

pub(crate) const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_millis(900);
pub(crate) const TOKEN_CACHE_MAX: usize = 50_000;

impl TokenCache {
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn get(&self, hash: &[u8; 32]) -> Option<TokenGrant> {
        let generation = self.generation();
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
