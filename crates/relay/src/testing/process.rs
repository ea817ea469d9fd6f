//! A real `assistid-relay serve` process on a [`Setup`]'s database and files: what the load
//! benchmark and the `kill -9` spec run two of.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::support::Setup;

/// A running `assistid-relay serve` process, killed (SIGKILL) and reaped when dropped.
#[derive(Debug)]
pub struct Serve {
    /// The process.
    pub child: Child,
    /// Its API's base URL (`https://127.0.0.1:PORT`).
    pub url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts `binary` (the caller's `env!("CARGO_BIN_EXE_assistid-relay")`) as `serve` with
/// `setup`'s configuration on a free port, its configuration file `NAME.toml` in the
/// set-up's folder, and waits (at most 30 s) until its `/readyz` answers 200. `log_level`
/// goes to `ASSISTID_RELAY_LOG`; the process's output is discarded.
pub async fn serve(setup: &Setup, binary: &Path, name: &str, log_level: &str) -> Serve {
    let port = free_port();
    let text = setup.config_text().replace(
        "listen = \"127.0.0.1:0\"",
        &format!("listen = \"127.0.0.1:{port}\""),
    );
    let path = setup.dir.path().join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("the instance's config");
    let child = Command::new(binary)
        .arg("--config")
        .arg(&path)
        .arg("serve")
        .env("ASSISTID_RELAY_LOG", log_level)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("assistid-relay serve starts");
    // From here on the process is killed if the wait below panics.
    let serve = Serve {
        child,
        url: format!("https://127.0.0.1:{port}"),
    };
    let client = setup.anonymous();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{}/readyz", serve.url)).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "{name} becomes ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    serve
}
