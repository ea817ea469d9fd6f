//! A throwaway PostgreSQL cluster for the relay's spec tests: `initdb` and `pg_ctl start` in a
//! temporary folder, on a free port, with its unix socket in that folder; stopped and removed
//! when the [`Cluster`] is dropped — and, should the test process die first (a panic that
//! aborts, a kill), by a watchdog process that waits for the test process to end.
//!
//! Nothing here assumes a server is running or a role exists: the cluster is made new, its
//! superuser is `postgres` with `trust` authentication over the socket and 127.0.0.1 only.
//! PostgreSQL refuses to run as root, so when the tests run as root (CI and the developers'
//! machines do) the programs run as `nobody` through `setpriv`, and the folder is handed to
//! that user. The binaries are found with `pg_config --bindir`, else in the newest
//! `/usr/lib/postgresql/*/bin` (Debian's layout); `scripts/setup.sh` installs `postgresql`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One running cluster. Each test gets a database of its own with [`Cluster::new_database`].
#[derive(Debug)]
pub struct Cluster {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    port: u16,
    as_nobody: bool,
    databases: AtomicUsize,
    watchdog: Option<std::process::Child>,
}

/// The folder with `initdb`, `pg_ctl` and `postgres`.
fn find_bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() && dir.join("pg_ctl").exists() {
            return dir;
        }
    }
    let mut candidates: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    candidates.sort();
    candidates.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed: neither `pg_config --bindir` nor \
             /usr/lib/postgresql/*/bin has initdb. Run scripts/setup.sh (it installs the \
             Debian package `postgresql`)."
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port for PostgreSQL");
    listener.local_addr().expect("the port's address").port()
}

impl Cluster {
    /// Makes and starts a new cluster; panics with what went wrong (a test cannot go on
    /// without it, and must not skip).
    pub fn start() -> Self {
        let bindir = find_bindir();
        let as_nobody = is_root();
        let dir = tempfile::Builder::new()
            .prefix("assistid-relay-pg-")
            .tempdir()
            .expect("a temporary folder for the cluster");
        if as_nobody {
            let status = Command::new("chown")
                .args(["-R", "nobody:nogroup"])
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(
                status.success(),
                "the cluster's folder must be handed to nobody"
            );
        }
        let mut cluster = Self {
            dir,
            bindir,
            port: free_port(),
            as_nobody,
            databases: AtomicUsize::new(0),
            watchdog: None,
        };
        cluster.run_pg(
            "initdb",
            &[
                "-D",
                &cluster.data_dir().to_string_lossy(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        cluster.pg_ctl_start();
        cluster.watchdog = Some(cluster.spawn_watchdog());
        cluster
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The folder holding the cluster's unix socket.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The TCP port (127.0.0.1) and the socket's number.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        if self.as_nobody {
            let mut command = Command::new("setpriv");
            command
                .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
                .arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn run_pg(&self, program: &str, args: &[&str]) {
        let out = self
            .command(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{program} could not be started: {e}"));
        assert!(
            out.status.success(),
            "{program} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.socket_dir().display()
        );
        let log = self.dir.path().join("postgres.log");
        self.run_pg(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir().to_string_lossy(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stops the server at once (as a crash would) and starts it again on the same port and
    /// data: for tests of what survives a PostgreSQL restart.
    pub fn restart(&self) {
        self.stop();
        self.pg_ctl_start();
    }

    fn stop(&self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "stop"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// A process that stops the cluster and removes its folder once this test process has
    /// ended, however it ended (Drop does not run for a leaked static or an abort).
    fn spawn_watchdog(&self) -> std::process::Child {
        let pg_ctl = self.bindir.join("pg_ctl");
        let stop = if self.as_nobody {
            format!(
                "setpriv --reuid=nobody --regid=nogroup --clear-groups -- '{}'",
                pg_ctl.display()
            )
        } else {
            format!("'{}'", pg_ctl.display())
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             [ -d '{data}' ] && {stop} -D '{data}' -m immediate -w stop >/dev/null 2>&1; \
             rm -rf '{dir}'",
            pid = std::process::id(),
            data = self.data_dir().display(),
            dir = self.dir.path().display(),
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the cluster's watchdog starts")
    }

    /// The connection string of database `name` over the unix socket.
    pub fn url(&self, name: &str) -> String {
        format!(
            "host={} port={} user=postgres dbname={name}",
            self.socket_dir().display(),
            self.port
        )
    }

    /// A new empty database (`relay_1`, `relay_2`, …) and its connection string.
    pub async fn new_database(&self) -> String {
        let n = self.databases.fetch_add(1, Ordering::SeqCst) + 1;
        let name = format!("relay_{}_{n}", std::process::id());
        let client = self.connect("postgres").await;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("a test database is created");
        self.url(&name)
    }

    /// A plain connection to database `name`, its driver running on the current runtime.
    pub async fn connect(&self, name: &str) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url(name), tokio_postgres::NoTls)
            .await
            .expect("the test cluster accepts connections");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
        // Stopped here: the watchdog is no longer needed (the folder goes with `dir`).
        if let Some(mut child) = self.watchdog.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The cluster every test of this binary shares (each in a database of its own); the
/// watchdog stops and removes it when the binary ends.
pub fn shared() -> &'static Cluster {
    static CLUSTER: std::sync::OnceLock<Cluster> = std::sync::OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}
