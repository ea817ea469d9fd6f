//! `/metrics` in Prometheus' text format: the queue per state (from PostgreSQL, so the same on
//! every instance), and this instance's FK requests, answers by outcome and FK's latency.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Latency buckets in seconds.
const BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0];
const OUTCOMES: [&str; 5] = [
    "accepted",
    "rejected",
    "transient",
    "uncertain",
    "configuration",
];

/// This instance's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    started: AtomicU64,
    connect_failures: AtomicU64,
    answers: [AtomicU64; 5],
    latency: Mutex<Histogram>,
    refused: AtomicU64,
    bankid_started: [AtomicU64; 3],
    bankid_ended: [AtomicU64; 3],
    bankid_errors: AtomicU64,
}

const BANKID_MODES: [&str; 3] = ["qr", "same_device", "phone"];
const BANKID_ENDS: [&str; 3] = ["complete", "failed", "cancelled"];

#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; 10],
    count: u64,
    sum: f64,
}

impl Metrics {
    /// A request left for FK.
    pub fn request_started(&self) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection to FK could not be opened.
    pub fn connect_failure(&self) {
        self.connect_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// A handover was refused by the checks.
    pub fn refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// A BankID order was started in `mode` (`qr`, `same_device`, `phone`).
    pub fn bankid_started(&self, mode: &str) {
        if let Some(i) = BANKID_MODES.iter().position(|m| *m == mode) {
            self.bankid_started[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A BankID order ended (`complete`, `failed`, `cancelled`).
    pub fn bankid_ended(&self, status: &str) {
        if let Some(i) = BANKID_ENDS.iter().position(|s| *s == status) {
            self.bankid_ended[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A call to BankID failed (BankID's error or no answer).
    pub fn bankid_error(&self) {
        self.bankid_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// An attempt ended with `outcome` after `latency`.
    pub fn answered(&self, outcome: &str, latency: Duration) {
        if let Some(i) = OUTCOMES.iter().position(|o| *o == outcome) {
            self.answers[i].fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut h) = self.latency.lock() {
            let secs = latency.as_secs_f64();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if secs <= *bound {
                    h.buckets[i] += 1;
                }
            }
            h.count += 1;
            h.sum += secs;
        }
    }

    /// The text for `/metrics`, with the queue counts `(environment, state, count)`.
    pub fn render(&self, queue: &[(String, String, i64)], instance: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP assistid_relay_queue Submissions per environment and state (all instances).\n\
             # TYPE assistid_relay_queue gauge"
        );
        for environment in ["test", "prod"] {
            for state in crate::queue::State::ALL {
                let n = queue
                    .iter()
                    .find(|(e, s, _)| e == environment && s == state.as_str())
                    .map_or(0, |(_, _, n)| *n);
                let _ = writeln!(
                    out,
                    "assistid_relay_queue{{environment=\"{environment}\",state=\"{}\"}} {n}",
                    state.as_str()
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP assistid_relay_fk_requests_total FK requests started by this instance (rate() of it is the send rate).\n\
             # TYPE assistid_relay_fk_requests_total counter\n\
             assistid_relay_fk_requests_total{{instance=\"{instance}\"}} {}",
            self.started.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP assistid_relay_fk_answers_total FK attempts by outcome.\n\
             # TYPE assistid_relay_fk_answers_total counter"
        );
        for (i, outcome) in OUTCOMES.iter().enumerate() {
            let _ = writeln!(
                out,
                "assistid_relay_fk_answers_total{{instance=\"{instance}\",outcome=\"{outcome}\"}} {}",
                self.answers[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP assistid_relay_fk_connect_failures_total Connections to FK that could not be opened.\n\
             # TYPE assistid_relay_fk_connect_failures_total counter\n\
             assistid_relay_fk_connect_failures_total{{instance=\"{instance}\"}} {}",
            self.connect_failures.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP assistid_relay_refused_total Handovers refused by the relay's checks.\n\
             # TYPE assistid_relay_refused_total counter\n\
             assistid_relay_refused_total{{instance=\"{instance}\"}} {}",
            self.refused.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP assistid_relay_bankid_orders_started_total BankID orders started by this instance, by start mode.\n\
             # TYPE assistid_relay_bankid_orders_started_total counter"
        );
        for (i, mode) in BANKID_MODES.iter().enumerate() {
            let _ = writeln!(
                out,
                "assistid_relay_bankid_orders_started_total{{instance=\"{instance}\",mode=\"{mode}\"}} {}",
                self.bankid_started[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP assistid_relay_bankid_orders_ended_total BankID orders ended as seen by this instance.\n\
             # TYPE assistid_relay_bankid_orders_ended_total counter"
        );
        for (i, status) in BANKID_ENDS.iter().enumerate() {
            let _ = writeln!(
                out,
                "assistid_relay_bankid_orders_ended_total{{instance=\"{instance}\",status=\"{status}\"}} {}",
                self.bankid_ended[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP assistid_relay_bankid_errors_total Calls to BankID that failed.\n\
             # TYPE assistid_relay_bankid_errors_total counter\n\
             assistid_relay_bankid_errors_total{{instance=\"{instance}\"}} {}",
            self.bankid_errors.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP assistid_relay_fk_latency_seconds From the request's send to FK's answer.\n\
             # TYPE assistid_relay_fk_latency_seconds histogram"
        );
        if let Ok(h) = self.latency.lock() {
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "assistid_relay_fk_latency_seconds_bucket{{instance=\"{instance}\",le=\"{bound}\"}} {}",
                    h.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "assistid_relay_fk_latency_seconds_bucket{{instance=\"{instance}\",le=\"+Inf\"}} {}\n\
                 assistid_relay_fk_latency_seconds_sum{{instance=\"{instance}\"}} {}\n\
                 assistid_relay_fk_latency_seconds_count{{instance=\"{instance}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        out
    }
}
