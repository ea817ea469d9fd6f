//! Health, readiness and metrics, and logs that carry ids and codes only: everything every
//! test of this binary logs at TRACE, through the relay's own filter, scanned for personal
//! data, SOAP and BankID bodies and the vendor's password.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::support::{ASSISTANT, PROVIDER, Setup, good_handover, orgnr};

fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        // `try_init` also routes the `log` crate's records (tokio-postgres, rustls) here.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(assistid_relay::log_filter("trace"))
            .with_ansi(false)
            .with_writer(move || SharedWriter(sink.clone()))
            .try_init();
        buffer
    })
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_the_queue_and_fk_and_logs_carry_no_personal_data() {
    let buffer = captured();
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let installation = setup.enrol(PROVIDER).await;
    let id = installation.submit_ok(&url, &good_handover().1).await;
    installation
        .wait_for(&url, id, "accepted", Duration::from_secs(30))
        .await;
    let stranger = setup.enrol(&orgnr("556677889")).await;
    let (status, _) = stranger.submit(&url, &good_handover().1).await;
    assert_eq!(
        status, 422,
        "another provider's report is refused (and logged by code)"
    );

    let metrics = setup
        .anonymous()
        .get(format!("{url}/metrics"))
        .send()
        .await
        .expect("the relay answers")
        .text()
        .await
        .expect("text");
    for line in [
        "assistid_relay_queue{environment=\"test\",state=\"accepted\"} 1",
        "assistid_relay_queue{environment=\"test\",state=\"uncertain\"} 0",
        "# TYPE assistid_relay_fk_latency_seconds histogram",
        "assistid_relay_fk_answers_total{",
    ] {
        assert!(metrics.contains(line), "/metrics has {line}:\n{metrics}");
    }
    let count = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(-1.0)
    };
    assert_eq!(
        count("assistid_relay_fk_requests_total"),
        1.0,
        "one FK request: {metrics}"
    );
    assert_eq!(count("assistid_relay_fk_latency_seconds_count"), 1.0);
    assert_eq!(count("assistid_relay_refused_total"), 1.0);
    setup.stop().await;

    let logs =
        String::from_utf8_lossy(&buffer.lock().map(|b| b.clone()).unwrap_or_default()).into_owned();
    assert!(
        logs.contains("code=\"fk_answer\"") || logs.contains("code=fk_answer"),
        "the relay's events are captured: {} bytes",
        logs.len()
    );
    // tokio-postgres logs each query's parameters at debug (the reports, as bytes): the
    // relay's filter holds it at info whatever ASSISTID_RELAY_LOG says.
    assert!(
        !logs.contains("with parameters"),
        "no query parameters are logged: they carry the reports"
    );
    let ten = &ASSISTANT[2..];
    for secret in [
        ASSISTANT,
        ten,
        "800101-9804",
        "197001019871",
        "201001012382",
        "Andersson",
        "Öberg",
        "<soap",
        "Envelope",
        "Tidredovisning>",
        "bankIdSignedData",
        "usrNonVisibleData",
        "vendor-pw",
        "CERTIFICATE REQUEST",
        "PRIVATE KEY",
    ] {
        assert!(
            !logs.contains(secret),
            "the logs must not contain {secret:?}"
        );
    }
}
