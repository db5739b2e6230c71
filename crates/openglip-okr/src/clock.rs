//! The app's clock, injected everywhere time matters (schedules, expected progress, check-in
//! times, the outbox), so tests can run a schedule due "in a minute" without waiting for it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};

/// Where the app reads the time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The system's clock moved by an adjustable offset: time flows as usual, from another point.
/// Tests use it to bring a slot close without waiting for it (also across processes, by
/// giving the offset to the child).
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    /// The system's clock `ms` milliseconds ahead (behind, when negative).
    pub fn from_millis(ms: i64) -> OffsetClock {
        OffsetClock::new(SignedDuration::from_millis(ms))
    }

    pub fn new(offset: SignedDuration) -> OffsetClock {
        OffsetClock {
            offset_ms: AtomicI64::new(offset.as_millis() as i64),
        }
    }

    /// Moves the clock so that it reads `t` now.
    pub fn set(&self, t: Timestamp) {
        let offset = t.as_millisecond() - Timestamp::now().as_millisecond();
        self.offset_ms.store(offset, Ordering::SeqCst);
    }

    pub fn offset(&self) -> SignedDuration {
        SignedDuration::from_millis(self.offset_ms.load(Ordering::SeqCst))
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        Timestamp::now() + self.offset()
    }
}

/// A clock that stands still until moved (unit tests).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    pub fn new(t: Timestamp) -> ManualClock {
        ManualClock { now: Mutex::new(t) }
    }
    pub fn set(&self, t: Timestamp) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }
    pub fn advance(&self, d: SignedDuration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += d;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        let t: Timestamp = "2026-07-06T06:59:58Z".parse().unwrap();
        let o = OffsetClock::default();
        o.set(t);
        let read = o.now();
        assert!(
            read.duration_since(t).abs() < SignedDuration::from_secs(1),
            "{read}"
        );
        let m = ManualClock::new(t);
        m.advance(SignedDuration::from_secs(2));
        assert_eq!(m.now(), "2026-07-06T07:00:00Z".parse().unwrap());
        assert!(
            SystemClock.now().duration_since(Timestamp::now()).abs() < SignedDuration::from_secs(1)
        );
    }
}
