//! # assistid-e2e
//!
//! Drives the real Assistid desktop binary through WebDriver: `tauri-driver` in front of
//! WebKitGTK's `WebKitWebDriver`, under an X display (Xvfb in CI, see `scripts/e2e.sh`). Each
//! [`Desktop`] gets a fresh data folder and key file, so the app starts as on a first start:
//! with the demo month.
//!
//! Nothing is skipped: without a display, `WebKitWebDriver` or `tauri-driver`, [`Desktop::start`]
//! fails with what to install or run.
#![deny(missing_docs)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use fantoccini::{Client, ClientBuilder, Locator};

/// WebKitGTK's WebDriver (Debian package `webkit2gtk-driver`).
pub const NATIVE_DRIVER: &str = "/usr/bin/WebKitWebDriver";

/// How long a screen may take to show what a step waits for.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// The workspace root (`tests/e2e/../..`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Cargo target folder: `CARGO_TARGET_DIR` or `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds the desktop app (`cargo build -p assistid-desktop`, plus `--release` when asked) and
/// returns the binary's path. `ASSISTID_DESKTOP_BIN` names a prebuilt binary instead.
pub fn build_app(release: bool) -> anyhow::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("ASSISTID_DESKTOP_BIN").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(bin));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root())
        .args(["build", "-p", "assistid-desktop"]);
    if release {
        cmd.arg("--release");
    }
    let status = cmd
        .status()
        .context("could not run cargo to build the desktop app")?;
    if !status.success() {
        bail!("building the desktop app failed (is ui/dist built? `cd ui && npm run build`)");
    }
    let bin = target_dir()
        .join(if release { "release" } else { "debug" })
        .join("assistid-desktop");
    if !bin.exists() {
        bail!(
            "the desktop app was built but {} does not exist",
            bin.display()
        );
    }
    Ok(bin)
}

/// Checks what the WebDriver run needs and says what is missing.
pub fn check_environment() -> anyhow::Result<PathBuf> {
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        bail!(
            "no X display (DISPLAY is not set): the desktop e2e must run under a display server, \
             e.g. `xvfb-run -a -s \"-screen 0 1280x800x24\" …` — use scripts/e2e.sh"
        );
    }
    if !Path::new(NATIVE_DRIVER).exists() {
        bail!(
            "{NATIVE_DRIVER} is missing: apt-get install -y --no-install-recommends webkit2gtk-driver"
        );
    }
    find_tauri_driver()
}

fn find_tauri_driver() -> anyhow::Result<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("tauri-driver"))
                .collect()
        })
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo").into()))
    {
        candidates.push(Path::new(&home).join("bin/tauri-driver"));
    }
    candidates.into_iter().find(|p| p.is_file()).context(
        "tauri-driver is missing: cargo install tauri-driver --locked (scripts/e2e.sh does it)",
    )
}

/// Two distinct free ports: both listeners are held while the second is chosen, so the
/// system cannot hand out the same port twice.
fn two_free_ports() -> anyhow::Result<(u16, u16)> {
    let first = TcpListener::bind("127.0.0.1:0")?;
    let second = TcpListener::bind("127.0.0.1:0")?;
    Ok((first.local_addr()?.port(), second.local_addr()?.port()))
}

/// The running app behind a WebDriver session, with its own fresh data folder.
#[derive(Debug)]
pub struct Desktop {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    /// The temporary home of this run: data folder, key file, logs, window state.
    pub home: tempfile::TempDir,
    /// When the WebDriver session was requested (the app is spawned by the driver then).
    pub spawned_at: Instant,
}

impl Desktop {
    /// Starts `tauri-driver`, which starts the app, and opens a session.
    pub async fn start(app: &Path) -> anyhow::Result<Desktop> {
        let home = tempfile::tempdir().context("a temporary folder for the app's data")?;
        Self::start_in(app, home).await
    }

    /// Like [`Desktop::start`], in a home prepared beforehand: the data folder is
    /// `home/data` and its key file `home/db.key` (see [`Desktop::data_dir_in`]).
    pub async fn start_in(app: &Path, home: tempfile::TempDir) -> anyhow::Result<Desktop> {
        Self::start_with_env(app, home, &[]).await
    }

    /// Like [`Desktop::start_in`], with more environment variables for the app (e.g. the
    /// client certificate's password, `ASSISTID_CLIENT_CERT_PASSWORD`, where CI has no
    /// keychain).
    pub async fn start_in_with_env(
        app: &Path,
        home: tempfile::TempDir,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Desktop> {
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        Self::start_with_env(app, home, &env).await
    }

    /// Like [`Desktop::start_in`], with more environment variables for the app (e.g. the
    /// session bus of a [`SessionKeyring`]).
    pub async fn start_with_env(
        app: &Path,
        home: tempfile::TempDir,
        env: &[(&str, String)],
    ) -> anyhow::Result<Desktop> {
        let tauri_driver = check_environment()?;
        let (port, native_port) = two_free_ports()?;
        let log = std::fs::File::create(home.path().join("tauri-driver.log"))?;
        // The app inherits this environment from the driver: a fresh data folder and key file
        // (no keychain in CI), logs and the remembered window state inside the same folder.
        let mut command = Command::new(&tauri_driver);
        // Its own process group: ending the run ends WebKitWebDriver and the app with it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
                "--native-driver",
                NATIVE_DRIVER,
            ])
            .env("ASSISTID_DATA_DIR", Self::data_dir_in(home.path()).0)
            .env("ASSISTID_KEY_FILE", Self::data_dir_in(home.path()).1)
            .env("ASSISTID_LOG_DIR", home.path().join("logs"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("share"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .with_context(|| format!("could not start {}", tauri_driver.display()))?;
        let mut desktop_driver = DriverGuard(Some(driver));
        // tauri-driver listens at once but starts WebKitWebDriver beside it and does not wait
        // for it: a session asked for before the native driver listens fails with "webdriver
        // server did not respond" (seen on a loaded 2-core CI machine). Wait for both.
        wait_for_port(port, "tauri-driver").await?;
        wait_for_port(native_port, "WebKitWebDriver").await?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".to_owned(),
            serde_json::json!({ "application": app.display().to_string() }),
        );
        let spawned_at = Instant::now();
        // The driver listens on loopback over plain HTTP: no TLS stack is needed (or built).
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .with_context(|| {
                // The home (and the log in it) goes away with the error: quote the log's end.
                let log = std::fs::read_to_string(home.path().join("tauri-driver.log"))
                    .unwrap_or_default();
                let lines: Vec<&str> = log.lines().collect();
                format!(
                    "no WebDriver session with the app; tauri-driver's log ends:\n{}",
                    lines[lines.len().saturating_sub(20)..].join("\n")
                )
            })?;
        let driver = desktop_driver.0.take().context("the driver process")?;
        Ok(Desktop {
            client,
            driver,
            home,
            spawned_at,
        })
    }

    /// The data folder and key file the app uses inside `home`, for preparing data before
    /// [`Desktop::start_in`]. The folder is the app's root: a fresh start opens the demo in its
    /// `demo/` subfolder, while a database prepared here beforehand is opened as it is.
    pub fn data_dir_in(home: &Path) -> (PathBuf, PathBuf) {
        (home.join("data"), home.join("db.key"))
    }

    /// Waits until an element matching `css` exists and returns it.
    pub async fn find(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(STEP_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("nothing matched {css:?} within {STEP_TIMEOUT:?}"))
    }

    /// Waits until the visible text of `css` contains `needle`; returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> anyhow::Result<String> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css:?} did not show {needle:?} within {STEP_TIMEOUT:?}; last text: {last:?}")
    }

    /// Opens a screen through its hash route (`#/month`).
    pub async fn open_screen(&self, screen: &str) -> anyhow::Result<()> {
        self.find(&format!("nav a[href='#/{screen}']"))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Saves a PNG of the window; fails (rather than waits forever) when WebKit does not
    /// deliver one within [`STEP_TIMEOUT`].
    ///
    /// WebKitGTK 2.50's WebDriver never answers a screenshot of a page that does not scroll
    /// (document no taller than the window; found with the Sign, Submit and History screens,
    /// and reproduced by emptying the overview): once one is asked for, every later one hangs
    /// too. A page shorter than the window is therefore made one pixel taller than the window
    /// for the shot, and put back after it.
    pub async fn screenshot(&self, path: &Path) -> anyhow::Result<()> {
        let stretched = self
            .client
            .execute(
                "const root = document.scrollingElement || document.documentElement;
                 if (root.scrollHeight > window.innerHeight) return false;
                 document.body.dataset.shotMinHeight = document.body.style.minHeight;
                 document.body.style.minHeight = 'calc(100vh + 1px)';
                 return true;",
                vec![],
            )
            .await
            .context("measuring the page before the screenshot")?;
        let shot = tokio::time::timeout(STEP_TIMEOUT, self.client.screenshot()).await;
        if stretched.as_bool() == Some(true) {
            let _ = self
                .client
                .execute(
                    "document.body.style.minHeight = document.body.dataset.shotMinHeight || '';
                     delete document.body.dataset.shotMinHeight;",
                    vec![],
                )
                .await;
        }
        let png = shot
            .with_context(|| {
                format!(
                    "WebDriver gave no screenshot for {} within {STEP_TIMEOUT:?}",
                    path.display()
                )
            })?
            .context("WebDriver screenshot")?;
        std::fs::write(path, png).with_context(|| format!("could not write {}", path.display()))
    }

    /// Copies a screenshot, the driver's log and the app's logs to `<target>/e2e-artifacts`
    /// (the temporary home goes away with the run) and says where.
    pub async fn keep_artifacts(&self) -> String {
        let out = target_dir().join("e2e-artifacts");
        let _ = std::fs::create_dir_all(&out);
        let _ = self.screenshot(&out.join("failure.png")).await;
        let _ = std::fs::copy(
            self.home.path().join("tauri-driver.log"),
            out.join("tauri-driver.log"),
        );
        if let Ok(logs) = std::fs::read_dir(self.home.path().join("logs")) {
            for log in logs.flatten() {
                let _ = std::fs::copy(log.path(), out.join(log.file_name()));
            }
        }
        out.display().to_string()
    }

    /// The process id of the app (the child of WebKitWebDriver); for the memory figure.
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    /// Ends the session and the driver (which ends the app).
    pub async fn close(mut self) -> anyhow::Result<()> {
        let closed = tokio::time::timeout(STEP_TIMEOUT, self.client.clone().close())
            .await
            .context("the WebDriver session did not close in time")
            .and_then(|r| r.context("closing the WebDriver session"));
        end_driver(&mut self.driver);
        closed
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        end_driver(&mut self.driver);
    }
}

/// Kills the driver if starting the session fails half way.
struct DriverGuard(Option<Child>);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            end_driver(child);
        }
    }
}

/// Ends tauri-driver with its process group — WebKitWebDriver and the app it started, which
/// would otherwise outlive it (and, sharing library pages, lower the next memory reading).
fn end_driver(driver: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", driver.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

async fn wait_for_port(port: u16, what: &str) -> anyhow::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("{what} did not listen on port {port} within 30 s")
}

/// The user's keychain for a run: a private D-Bus session bus with GNOME Keyring's secret
/// service on it, unlocked, its files in the run's home (`home/share/keyrings`). The app keeps
/// certificate passwords in the OS keychain as on a user's computer; the live walk needs one.
/// Both processes end when this is dropped.
#[derive(Debug)]
pub struct SessionKeyring {
    bus: Child,
    daemon: Child,
    /// `DBUS_SESSION_BUS_ADDRESS` for the app.
    pub address: String,
}

impl SessionKeyring {
    /// Starts the bus and the keyring daemon; fails (never skips) with what to install.
    pub fn start(home: &Path) -> anyhow::Result<SessionKeyring> {
        use std::io::{BufRead as _, Write as _};
        for (tool, package) in [
            ("dbus-daemon", "dbus"),
            ("gnome-keyring-daemon", "gnome-keyring"),
            ("dbus-send", "dbus"),
        ] {
            if !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .any(|d| d.join(tool).is_file())
            {
                bail!(
                    "{tool} is missing: apt-get install -y --no-install-recommends {package} \
                     (scripts/setup.sh installs it)"
                );
            }
        }
        let mut command = Command::new("dbus-daemon");
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut bus = command
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start dbus-daemon")?;
        let mut address = String::new();
        let read = bus
            .stdout
            .take()
            .context("dbus-daemon's output")
            .and_then(|out| {
                std::io::BufReader::new(out)
                    .read_line(&mut address)
                    .context("dbus-daemon printed no address")
            });
        let address = address.trim().to_owned();
        if read.is_err() || address.is_empty() {
            end_driver(&mut bus);
            bail!("dbus-daemon printed no address");
        }
        let share = home.join("share");
        std::fs::create_dir_all(&share)?;
        let log = std::fs::File::create(home.join("gnome-keyring.log"))?;
        let mut command = Command::new("gnome-keyring-daemon");
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let daemon = command
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_DATA_HOME", &share)
            .stdin(Stdio::piped())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn();
        let mut daemon = match daemon {
            Ok(daemon) => daemon,
            Err(e) => {
                end_driver(&mut bus);
                return Err(e).context("could not start gnome-keyring-daemon");
            }
        };
        // The login keyring's password, on stdin; closing it lets the daemon go on.
        if let Some(mut stdin) = daemon.stdin.take() {
            let _ = stdin.write_all(b"assistid-e2e");
        }
        let keyring = SessionKeyring {
            bus,
            daemon,
            address,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let owned = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
                .output()
                .context("dbus-send")?;
            if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
                return Ok(keyring);
            }
            if Instant::now() > deadline {
                bail!(
                    "GNOME Keyring's secret service did not appear on the session bus within 15 s; \
                     see {}",
                    home.join("gnome-keyring.log").display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SessionKeyring {
    fn drop(&mut self) {
        end_driver(&mut self.daemon);
        end_driver(&mut self.bus);
    }
}

pub mod live;
pub mod walk;
