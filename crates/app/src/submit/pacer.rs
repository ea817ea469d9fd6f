//! Pacing: across the whole program at most one request to FK *starts* per interval (FK asks
//! system vendors for about one call per second), with a small limit on requests in flight so
//! slow answers do not halve the throughput.
//!
//! One [`Pacer`] per process, passed in (no global): the same type can sit in front of one
//! shared client in a relay service that submits for many installations.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// FK's guidance: about one call per second.
pub const FK_MIN_INTERVAL: Duration = Duration::from_secs(1);
/// The safety margin added to the interval towards FK: arrivals at FK follow our sends after
/// the network (and FK's own front ends), whose delays vary by tens of milliseconds on a busy
/// line. 50 ms keeps FK's view at or below one call per second (we start at most about 0.95
/// per second).
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
    /// ([`FK_MARGIN`] in production). The spacing counts from the moment the previous request
    /// was handed to the operating system (the TCP and TLS handshake is done before, see
    /// [`assistid_elt::EltClient::connect`]); the server measures arrivals, which follow after
    /// network delays and the server's own scheduling, and the margin keeps that jitter from
    /// turning into a too-early arrival.
    pub fn spacing(&self) -> Duration {
        self.interval + self.margin
    }

    /// How long before a start is due the sender commits its `sending` state and stops other
    /// database work: the commit (an `fsync`) must be done before the request leaves, and a
    /// commit that is late makes the start late. Half the spacing, at most 250 ms — a crash
    /// in that window leaves a `sending` row that was not sent (it becomes uncertain, which
    /// claims nothing false).
    pub fn commit_lead(&self) -> Duration {
        (self.spacing() / 2).min(Duration::from_millis(250))
    }
}

/// Hands out the right to start a request: one start per spacing, at most `max_in_flight` at
/// once. Cheap to share (`Clone`, or by reference); every wait is cancel-safe (a cancelled
/// wait uses no slot and no turn).
///
/// The spacing counts from the moment a request was actually handed to the operating system
/// ([`StartTurn::sent_now`]), not from when its start was granted: work between the grant and
/// the send (a commit, opening a connection) then cannot bring two requests closer together
/// at FK than the spacing.
#[derive(Debug, Clone)]
pub struct Pacer {
    config: PacingConfig,
    in_flight: Arc<Semaphore>,
    /// When the last request left. Whoever holds the lock has the turn to start next.
    last_start: Arc<Mutex<Option<Instant>>>,
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

/// The turn to start the next request (from [`Pacer::reserve`]). While it is held no other
/// request can start; it ends when the request was sent ([`StartTurn::sent_now`]) or when it
/// is dropped without sending (then the next request may start at the same due time).
#[derive(Debug)]
pub struct StartTurn {
    last_start: OwnedMutexGuard<Option<Instant>>,
    spacing: Duration,
}

/// A timer fires up to a millisecond late (tokio's timer wheel) plus the time the thread needs
/// to be scheduled; waiting the last stretch actively keeps starts on time, so the spacing's
/// margin is not eaten by timer rounding.
const ACTIVE_WAIT: Duration = Duration::from_millis(2);

impl StartTurn {
    /// The earliest moment the request may leave: one spacing after the previous one left.
    pub fn due(&self) -> Instant {
        match *self.last_start {
            Some(previous) => previous + self.spacing,
            None => Instant::now(),
        }
    }

    /// Waits until [`StartTurn::due`] (never earlier).
    pub async fn wait(&self) {
        let due = self.due();
        if let Some(early) = due.checked_sub(ACTIVE_WAIT) {
            tokio::time::sleep_until(early).await;
        }
        // At most ACTIVE_WAIT (plus a late timer) of spinning, once per request.
        while Instant::now() < due {
            std::hint::spin_loop();
        }
    }

    /// Keeps the start at least one spacing after `previous_start`, the wall-clock moment
    /// this data folder's last request left (read from the outbox: another program's, or an
    /// earlier run's), given the wall clock `now`. A later due time already set is kept. A
    /// previous start "in the future" (the clock was set back) counts as just now.
    pub fn not_before(&mut self, previous_start: DateTime<Utc>, now: DateTime<Utc>) {
        let elapsed = (now - previous_start).to_std().unwrap_or(Duration::ZERO);
        if elapsed >= self.spacing {
            return;
        }
        let here = Instant::now();
        let previous = here.checked_sub(elapsed).unwrap_or(here);
        if self.last_start.is_none_or(|mine| mine < previous) {
            *self.last_start = Some(previous);
        }
    }

    /// Records that the request left now and passes the turn on.
    pub fn sent_now(mut self) {
        let now = Instant::now();
        if self.last_start.is_none_or(|previous| previous < now) {
            *self.last_start = Some(now);
        }
    }
}

impl Pacer {
    /// A pacer with these settings.
    pub fn new(config: PacingConfig) -> Self {
        Self {
            config,
            in_flight: Arc::new(Semaphore::new(config.max_in_flight)),
            last_start: Arc::new(Mutex::new(None)),
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

    /// Waits for a free in-flight slot, then for the turn to start next. The caller opens its
    /// connection and commits its bookkeeping while holding the turn, waits for
    /// [`StartTurn::wait`], sends, and calls [`StartTurn::sent_now`] the moment the request
    /// left; the slot is held until the request has finished.
    pub async fn reserve(&self) -> (PacerPermit, StartTurn) {
        // The semaphore is never closed, so acquiring only fails if it were; wait forever then
        // rather than start without a slot.
        let slot = match self.in_flight.clone().acquire_owned().await {
            Ok(slot) => slot,
            Err(_) => std::future::pending().await,
        };
        // tokio's mutex is fair: turns are handed out in the order they were asked for.
        let last_start = self.last_start.clone().lock_owned().await;
        let turn = StartTurn {
            last_start,
            spacing: self.config.spacing(),
        };
        (
            PacerPermit {
                _slot: slot,
                started: turn.due(),
            },
            turn,
        )
    }

    /// Waits for a free in-flight slot, then for the next start time, and grants one start
    /// now (for callers whose request leaves right away).
    pub async fn acquire(&self) -> PacerPermit {
        let (mut permit, turn) = self.reserve().await;
        turn.wait().await;
        permit.started = Instant::now();
        turn.sent_now();
        permit
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

    #[tokio::test(flavor = "current_thread")]
    async fn a_turn_keeps_the_interval_after_another_programs_last_request() {
        let pacer = Pacer::new(PacingConfig::default());
        let spacing = pacer.config().spacing();
        let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("a time");
        let (_slot, mut turn) = pacer.reserve().await;
        let before = Instant::now();
        // Another program's request left 300 ms ago (read from the outbox).
        turn.not_before(now - chrono::Duration::milliseconds(300), now);
        let wait = turn.due().saturating_duration_since(before);
        assert!(
            wait + Duration::from_millis(300) >= spacing
                && wait <= spacing - Duration::from_millis(300) + Duration::from_millis(20),
            "the start waits the rest of one spacing after the other program's request: {wait:?}"
        );
        // Long ago: no wait; a start "in the future" (clock set back): a whole spacing.
        let (_slot2, mut fresh) = Pacer::new(PacingConfig::default()).reserve().await;
        fresh.not_before(now - chrono::Duration::seconds(10), now);
        assert!(
            fresh.due() <= Instant::now(),
            "a request long ago imposes no wait"
        );
        fresh.not_before(now + chrono::Duration::seconds(10), now);
        assert!(
            fresh.due().saturating_duration_since(Instant::now()) + Duration::from_millis(20)
                >= spacing,
            "a departure in the future counts as just now"
        );
    }
}
