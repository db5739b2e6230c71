//! Rate limits counted once for the whole cluster: each (group, app and user) key's
//! [`Window`] is an entry of the key–value bucket `{prefix}_ratelimits`, read and written back
//! with compare-and-set on its revision (a lost race reads again), so that the count is exact
//! however the proxy spreads requests over nodes. Entries expire after a window and a penalty
//! without requests (the bucket's age), which is what an absent count means anyway.
//!
//! It costs two NATS round trips per throttled request. When NATS cannot answer, the node counts
//! in its own memory ([`crate::ratelimit::RateLimiter`]) until it can: the limits hold per node
//! rather than refusing every request.

use sha2::{Digest, Sha256};

use super::Cluster;
use crate::ratelimit::{Decision, Group, RateLimitConfig, Window};

/// Attempts of the read–modify–write before giving up (to the node's own count).
const TRIES: usize = 8;

impl Cluster {
    /// Counts one request of `key` in `group` in the shared count. Ok(None) when limits are off
    /// or the group is not throttled; Err when NATS could not settle it.
    pub async fn rate_check(
        &self,
        config: &RateLimitConfig,
        key: &str,
        group: Group,
    ) -> Result<Option<Decision>, String> {
        if !config.enabled {
            return Ok(None);
        }
        let Some(limit) = config.limit(group) else {
            return Ok(None);
        };
        let bucket = format!("{}_ratelimits", self.config.prefix);
        self.limits_bucket
            .get_or_try_init(|| async {
                self.js
                    .ensure_bucket(&bucket, config.window + config.penalty)
                    .await
                    .map_err(|e| e.to_string())
            })
            .await?;
        let digest = Sha256::digest(format!("{}:{key}", group.as_str()).as_bytes());
        let k: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        for _ in 0..TRIES {
            let (rev, mut w) = match self
                .js
                .kv_get(&bucket, &k)
                .await
                .map_err(|e| e.to_string())?
            {
                None => (0, Window::default()),
                Some((rev, None)) => (rev, Window::default()),
                Some((rev, Some(v))) => (rev, serde_json::from_slice(&v).unwrap_or_default()),
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            let d = config.step(&mut w, group, limit, now);
            let v = serde_json::to_vec(&w).map_err(|e| e.to_string())?;
            if self
                .js
                .kv_put_if(&bucket, &k, v, rev)
                .await
                .map_err(|e| e.to_string())?
                .is_some()
            {
                return Ok(Some(d));
            }
        }
        Err("the shared rate-limit count is contended".into())
    }
}
