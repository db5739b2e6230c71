//! RingCentral's API usage plan: per (app, user) and per group, a number of requests per window;
//! going over blocks the pair for a penalty period, and every request during the penalty
//! restarts it. Responses carry `X-Rate-Limit-Group/-Limit/-Remaining/-Window`.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The throttling groups of the specs' `x-throttling-group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Light,
    Medium,
    Heavy,
    Auth,
    NoThrottling,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Light => "light",
            Group::Medium => "medium",
            Group::Heavy => "heavy",
            Group::Auth => "auth",
            Group::NoThrottling => "none",
        }
    }
    /// The spec's spelling (`Light`, …).
    pub fn spec_name(self) -> &'static str {
        match self {
            Group::Light => "Light",
            Group::Medium => "Medium",
            Group::Heavy => "Heavy",
            Group::Auth => "Auth",
            Group::NoThrottling => "NoThrottling",
        }
    }
}

/// Limits per window for each group. RingCentral's own are 50/40/10/5 per minute; ours default
/// to generous values for self-hosting.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitConfig {
    pub enabled: bool,
    pub light: u32,
    pub medium: u32,
    pub heavy: u32,
    pub auth: u32,
    /// Posts through one incoming webhook's URL per window (whoever sends them).
    pub webhook: u32,
    pub window: Duration,
    pub penalty: Duration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            enabled: true,
            light: 3000,
            medium: 2000,
            heavy: 500,
            auth: 300,
            webhook: 120,
            window: Duration::from_secs(60),
            penalty: Duration::from_secs(60),
        }
    }
}

impl RateLimitConfig {
    pub fn off() -> Self {
        RateLimitConfig {
            enabled: false,
            ..Default::default()
        }
    }

    /// Parses `off`, `on`, or a list like
    /// `light=50,medium=40,heavy=10,auth=5,webhook=120,window=60,penalty=60`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        match s.to_ascii_lowercase().as_str() {
            "off" | "false" | "0" | "no" => return Ok(Self::off()),
            "on" | "true" | "1" | "yes" | "" => return Ok(Self::default()),
            _ => {}
        }
        let mut c = Self::default();
        for part in s.split(',') {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("expected key=value, got {part:?}"))?;
            let n: u32 = v
                .trim()
                .parse()
                .map_err(|_| format!("not a number: {v:?}"))?;
            if n == 0 {
                return Err(format!("{k} must be at least 1"));
            }
            match k.trim() {
                "light" => c.light = n,
                "medium" => c.medium = n,
                "heavy" => c.heavy = n,
                "auth" => c.auth = n,
                "webhook" => c.webhook = n,
                "window" => c.window = Duration::from_secs(n.into()),
                "penalty" => c.penalty = Duration::from_secs(n.into()),
                other => return Err(format!("unknown rate-limit key {other:?}")),
            }
        }
        Ok(c)
    }

    pub fn limit(&self, g: Group) -> Option<u32> {
        match g {
            Group::Light => Some(self.light),
            Group::Medium => Some(self.medium),
            Group::Heavy => Some(self.heavy),
            Group::Auth => Some(self.auth),
            Group::NoThrottling => None,
        }
    }
}

/// One key's count: its window's start, the requests counted in it, and the end of a penalty,
/// in milliseconds of a clock (the limiter's own, or the wall clock when nodes share counts).
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Window {
    pub start: u64,
    pub count: u32,
    pub blocked_until: Option<u64>,
}

/// The outcome of one check, with what the headers should say.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub group: Group,
    pub limit: u32,
    pub remaining: u32,
    pub window_secs: u64,
    /// Some: refused; retry after this many seconds.
    pub retry_after: Option<u64>,
}

impl RateLimitConfig {
    /// Counts one request at `now` (ms) in `w`: the rule of the usage plan, the same whether the
    /// count lives in this process or is shared by several nodes.
    pub fn step(&self, w: &mut Window, group: Group, limit: u32, now: u64) -> Decision {
        let window = self.window.as_millis() as u64;
        let penalty = self.penalty.as_millis() as u64;
        let refused = Decision {
            group,
            limit,
            remaining: 0,
            window_secs: self.window.as_secs(),
            retry_after: Some(self.penalty.as_secs().max(1)),
        };
        if let Some(until) = w.blocked_until {
            if until > now {
                // Every request during the penalty restarts it.
                w.blocked_until = Some(now + penalty);
                return refused;
            }
            *w = Window {
                start: now,
                count: 0,
                blocked_until: None,
            };
        }
        if now.saturating_sub(w.start) >= window {
            w.start = now;
            w.count = 0;
        }
        if w.count >= limit {
            w.blocked_until = Some(now + penalty);
            return refused;
        }
        w.count += 1;
        Decision {
            remaining: limit - w.count,
            retry_after: None,
            ..refused
        }
    }
}

const SHARDS: usize = 16;

/// The counts of this process.
pub struct RateLimiter {
    config: RateLimitConfig,
    shards: Vec<Mutex<HashMap<String, Window>>>,
    /// The zero of the windows' clock.
    origin: Instant,
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            config,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            origin: Instant::now(),
        }
    }

    pub fn config(&self) -> &RateLimitConfig {
        &self.config
    }

    /// Counts one request of `key` (an app and user) in `group`. None when limits are off or the
    /// group is not throttled.
    pub fn check(&self, key: &str, group: Group) -> Option<Decision> {
        if !self.config.enabled {
            return None;
        }
        let limit = self.config.limit(group)?;
        self.check_at(key, group, limit, Instant::now())
    }

    /// Counts one post through the incoming webhook `id` against the `webhook` limit (a bucket
    /// per webhook, whoever posts). None when limits are off.
    pub fn check_webhook(&self, id: &str) -> Option<Decision> {
        if !self.config.enabled {
            return None;
        }
        self.check_at(
            &format!("webhook:{id}"),
            Group::Medium,
            self.config.webhook,
            Instant::now(),
        )
    }

    fn check_at(&self, key: &str, group: Group, limit: u32, now: Instant) -> Option<Decision> {
        let full_key = format!("{}:{key}", group.as_str());
        let mut h = std::collections::hash_map::DefaultHasher::new();
        full_key.hash(&mut h);
        let shard = &self.shards[(h.finish() as usize) % SHARDS];
        let now = now.saturating_duration_since(self.origin).as_millis() as u64;
        let mut map = shard.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 50_000 {
            let keep = (self.config.window + self.config.penalty).as_millis() as u64;
            map.retain(|_, w| {
                now.saturating_sub(w.start) < keep || w.blocked_until.is_some_and(|u| u > now)
            });
        }
        let w = map.entry(full_key).or_insert(Window {
            start: now,
            count: 0,
            blocked_until: None,
        });
        Some(self.config.step(w, group, limit, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_config() {
        assert!(!RateLimitConfig::parse("off").unwrap().enabled);
        let c = RateLimitConfig::parse("light=5, heavy=1,penalty=2").unwrap();
        assert_eq!(
            (c.light, c.heavy, c.penalty),
            (5, 1, Duration::from_secs(2))
        );
        assert!(RateLimitConfig::parse("light=0").is_err());
        assert!(RateLimitConfig::parse("bogus=1").is_err());
    }

    #[test]
    fn limits_then_penalises_then_recovers() {
        let cfg = RateLimitConfig {
            light: 2,
            window: Duration::from_secs(60),
            penalty: Duration::from_secs(10),
            ..Default::default()
        };
        let rl = RateLimiter::new(cfg);
        let t0 = Instant::now();
        assert_eq!(rl.check_at("a", Group::Light, 2, t0).unwrap().remaining, 1);
        assert_eq!(rl.check_at("a", Group::Light, 2, t0).unwrap().remaining, 0);
        assert!(
            rl.check_at("a", Group::Light, 2, t0)
                .unwrap()
                .retry_after
                .is_some()
        );
        // Another key is independent.
        assert!(
            rl.check_at("b", Group::Light, 2, t0)
                .unwrap()
                .retry_after
                .is_none()
        );
        // A request during the penalty restarts it.
        let t1 = t0 + Duration::from_secs(9);
        assert!(
            rl.check_at("a", Group::Light, 2, t1)
                .unwrap()
                .retry_after
                .is_some()
        );
        let t2 = t0 + Duration::from_secs(15);
        assert!(
            rl.check_at("a", Group::Light, 2, t2)
                .unwrap()
                .retry_after
                .is_some()
        );
        let t3 = t2 + Duration::from_secs(11);
        assert!(
            rl.check_at("a", Group::Light, 2, t3)
                .unwrap()
                .retry_after
                .is_none()
        );
    }
}
