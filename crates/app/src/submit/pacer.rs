//! Pacing: across the whole program at most one request to FK *starts* per interval (FK asks
//! system vendors for about one call per second), with a small limit on requests in flight so
//! slow answers do not halve the throughput.
//!
//! One [`Pacer`] per process, passed in (no global): the same type can sit in front of one
//! shared client in a relay service that submits for many installations.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// FK's guidance: about one call per second.
pub const FK_MIN_INTERVAL: Duration = Duration::from_secs(1);
/// The safety margin added to the interval towards FK: arrivals at FK follow our starts after
/// a TCP and TLS handshake and the network, whose durations vary by tens of milliseconds on a
/// busy computer or line. 50 ms keeps FK's view at or below one call per second (we start at
/// most about 0.95 per second).
pub const FK_MARGIN: Duration = Duration::from_millis(50);
/// Requests in flight at once by default. With FK's answers taking a second or two, three in
/// flight keep one start per second going.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 3;

/// The pacing settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacingConfig {
    interval: Duration,
    max_in_flight: usize,
    margin: Duration,
}

/// A pacing setting that would send faster than FK allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PacingError {
    /// The interval is shorter than FK's one second.
    #[error(
        "intervallet mellan anrop till Försäkringskassan får inte vara kortare än 1 sekund \
         (angivet: {0:?})"
    )]
    TooFast(Duration),
    /// No request could ever be in flight.
    #[error("minst ett anrop måste få vara på väg samtidigt")]
    NoneInFlight,
}

impl Default for PacingConfig {
    /// One start per second ([`FK_MIN_INTERVAL`]), [`DEFAULT_MAX_IN_FLIGHT`] in flight.
    fn default() -> Self {
        Self {
            interval: FK_MIN_INTERVAL,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            margin: FK_MARGIN,
        }
    }
}

impl PacingConfig {
    /// A production setting: the interval may be longer than FK's second (a lower rate), never
    /// shorter; the margin is [`FK_MARGIN`].
    pub fn new(interval: Duration, max_in_flight: usize) -> Result<Self, PacingError> {
        if interval < FK_MIN_INTERVAL {
            return Err(PacingError::TooFast(interval));
        }
        Ok(Self::for_tests_and_benchmarks(interval, max_in_flight)?.with_margin(FK_MARGIN))
    }

    /// Any interval, for tests and benchmarks against the fake FK only (which counts rate
    /// violations against the interval it is given), with a margin of 2 % of the interval.
    /// Never use it towards FK.
    pub fn for_tests_and_benchmarks(
        interval: Duration,
        max_in_flight: usize,
    ) -> Result<Self, PacingError> {
        if max_in_flight == 0 {
            return Err(PacingError::NoneInFlight);
        }
        Ok(Self {
            interval,
            max_in_flight,
            margin: interval / 50,
        })
    }

    /// Another safety margin; see [`PacingConfig::spacing`].
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The shortest time between two request starts.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// How many requests may be in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// The spacing actually kept between starts: the interval plus a safety margin
    /// ([`FK_MARGIN`] in production). The server measures arrivals, which follow our starts
    /// after a TCP and TLS handshake (and, towards FK, network delays) whose duration varies;
    /// the margin keeps that jitter from turning into a too-early arrival.
    pub fn spacing(&self) -> Duration {
        self.interval + self.margin
    }
}

/// Hands out the right to start a request: one start per spacing, at most `max_in_flight` at
/// once. Cheap to share (`Arc`); `acquire` is cancel-safe (a cancelled wait uses no slot).
#[derive(Debug)]
pub struct Pacer {
    config: PacingConfig,
    in_flight: Arc<Semaphore>,
    last_start: Mutex<Option<Instant>>,
}

/// The right to start one request now; hold it until the request has finished (it counts
/// towards the in-flight limit until dropped).
#[derive(Debug)]
pub struct PacerPermit {
    _slot: OwnedSemaphorePermit,
    started: Instant,
}

impl PacerPermit {
    /// When the start was granted.
    pub fn started(&self) -> Instant {
        self.started
    }
}

impl Pacer {
    /// A pacer with these settings.
    pub fn new(config: PacingConfig) -> Self {
        Self {
            config,
            in_flight: Arc::new(Semaphore::new(config.max_in_flight)),
            last_start: Mutex::new(None),
        }
    }

    /// The settings.
    pub fn config(&self) -> PacingConfig {
        self.config
    }

    /// Carries the pacing over from an earlier run of the program (or one that crashed): the
    /// next start is granted no sooner than one spacing after `previous_start`, the wall-clock
    /// time by which the data folder's last request had certainly reached FK (from the
    /// outbox), given the wall clock `now`. A start of this pacer later than that is kept.
    pub async fn resume_after(&self, previous_start: DateTime<Utc>, now: DateTime<Utc>) {
        // A previous start "in the future" (the clock was set back) counts as just now: wait
        // a whole spacing rather than none.
        let elapsed = (now - previous_start).to_std().unwrap_or(Duration::ZERO);
        if elapsed >= self.config.spacing() {
            return;
        }
        let here = Instant::now();
        let previous = here.checked_sub(elapsed).unwrap_or(here);
        let mut last = self.last_start.lock().await;
        if last.is_none_or(|mine| mine < previous) {
            *last = Some(previous);
        }
    }

    /// Records that the request granted last actually leaves now — after the slow local work
    /// between the grant and the send (the durable `sending` commit, whose `fsync` can take
    /// tens of milliseconds on a busy computer) — so the next start is a whole spacing after
    /// the request left, not after the grant. Without this, a slow commit followed by a fast
    /// one brings two arrivals at FK closer than the interval.
    pub async fn mark_sent_now(&self) {
        let now = Instant::now();
        let mut last = self.last_start.lock().await;
        if last.is_none_or(|previous| previous < now) {
            *last = Some(now);
        }
    }

    /// Waits for a free in-flight slot, then for the next start time, and grants one start.
    pub async fn acquire(&self) -> PacerPermit {
        // The semaphore is never closed, so acquiring only fails if it were; wait forever then
        // rather than start without a slot.
        let slot = match self.in_flight.clone().acquire_owned().await {
            Ok(slot) => slot,
            Err(_) => std::future::pending().await,
        };
        // Holding the lock while sleeping queues the waiters in order (tokio's mutex is fair).
        let mut last = self.last_start.lock().await;
        if let Some(previous) = *last {
            tokio::time::sleep_until(previous + self.config.spacing()).await;
        }
        let started = Instant::now();
        *last = Some(started);
        PacerPermit {
            _slot: slot,
            started,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_fks_one_call_per_second() {
        let config = PacingConfig::default();
        assert_eq!(
            config.interval(),
            Duration::from_secs(1),
            "FK's guidance is one call per second"
        );
        assert_eq!(config.spacing(), Duration::from_millis(1050));
        assert_eq!(config.max_in_flight(), DEFAULT_MAX_IN_FLIGHT);
    }

    #[test]
    fn production_settings_may_only_be_slower_than_fk_allows() {
        assert_eq!(
            PacingConfig::new(Duration::from_millis(999), 3),
            Err(PacingError::TooFast(Duration::from_millis(999))),
            "a rate above one per second must be refused"
        );
        assert!(PacingConfig::new(Duration::from_secs(2), 3).is_ok());
        assert_eq!(
            PacingConfig::new(Duration::from_secs(1), 0),
            Err(PacingError::NoneInFlight)
        );
    }
}
