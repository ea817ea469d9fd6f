//! What every crash scenario shares: the real `assistid` program (built by cargo with the same
//! target directory), running it with a kill switch, a seeded random source, data folders
//! with a signed month, and the checks that must hold after every kill.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use assistid_app::import::ImportOptions;
use assistid_app::{App, KeySource};
use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer, with_control_digit};
use assistid_core::model::{Assistant, Employment, PersonWithAssistance, Phone, Provider};
use assistid_fakes::bankid::UserCertificateAuthority;
use assistid_store::{DataKind, EventId, KeySource as StoreKeys, Store};
use assistid_test_kit::Signing;
use chrono::Utc;
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use uuid::Uuid;

/// The month every scenario works on.
pub const MONTH: &str = "2026-10";
/// The provider's signatory (a valid personnummer).
pub const PROVIDER_SIGNER: &str = "197001019871";

/// The `assistid` program under test: `ASSISTID_BIN` when set, else built now with the cargo
/// that runs the tests (same target directory, so it is the current source, usually already
/// built).
pub fn assistid_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("ASSISTID_BIN").filter(|p| !p.is_empty()) {
            return PathBuf::from(path);
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
        let mut command = Command::new(cargo);
        // Cargo gives the test process the variables of the test's own package; build scripts
        // (ring's, for one) watch some of them, so passing them on would rebuild the tree.
        for (name, _) in std::env::vars_os() {
            let Some(name) = name.to_str() else { continue };
            let package_specific = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
                .iter()
                .any(|p| name.starts_with(p))
                || matches!(
                    name,
                    "CARGO_CRATE_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "OUT_DIR"
                );
            if package_specific {
                command.env_remove(name);
            }
        }
        let output = command
            .args([
                "build",
                "-p",
                "assistid-cli",
                "--bin",
                "assistid",
                "--message-format=json-render-diagnostics",
                "--manifest-path",
            ])
            .arg(&manifest)
            .stderr(Stdio::inherit())
            .output()
            .expect("cargo must run to build the assistid program under test");
        assert!(
            output.status.success(),
            "the assistid program must build before it can be crash-tested"
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "assistid")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo's build messages must name the assistid executable")
    })
}

/// Runs the scenarios one after the other: each loads the machine (the program, its fake
/// servers, the checks), and the FK pacing under test should see a machine as busy as a
/// user's, not three crash scenarios at once.
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A scenario that failed (panicked) leaves the lock poisoned; the others still run.
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The random source of a run: `ASSISTID_CRASH_SEED` when set (to replay a failure), else a
/// fresh seed. The seed is printed so any run can be repeated.
pub fn seeded(scenario: &str) -> StdRng {
    let seed = std::env::var("ASSISTID_CRASH_SEED")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(rand::random);
    println!("{scenario}: seed {seed} (repeat with ASSISTID_CRASH_SEED={seed})");
    StdRng::seed_from_u64(seed)
}

/// A data folder with its key file.
pub struct Folder {
    /// The temporary folder (removed at the end).
    pub dir: tempfile::TempDir,
}

impl Folder {
    /// An empty data folder.
    pub fn new() -> Folder {
        Folder {
            dir: tempfile::tempdir().expect("a temporary data folder"),
        }
    }

    /// The data folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The key file (the CLI gets it through `ASSISTID_KEY_FILE`).
    pub fn key(&self) -> PathBuf {
        self.dir.path().join("crash.key")
    }

    /// The store, opened beside any program (no recovery is run: the state is read as the
    /// killed program left it).
    pub fn store(&self) -> Store {
        Store::open_in_data_dir(self.path(), &StoreKeys::File(self.key()))
            .expect("the data folder must open with its key after every kill")
    }

    /// The app (runs the start-up recovery, as the program does).
    pub fn app(&self) -> App {
        App::open(self.path(), KeySource::File(self.key()), Utc::now())
            .expect("the data folder must open with its key")
    }

    /// A command running `assistid --data-dir DIR ARGS…` with this folder's key.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(assistid_binary());
        command
            .arg("--data-dir")
            .arg(self.path())
            .args(args)
            .env("ASSISTID_KEY_FILE", self.key())
            .env_remove("ASSISTID_LOG")
            .stdin(Stdio::null());
        command
    }

    /// Runs the program to its end and returns its exit status and standard output.
    pub fn run(&self, args: &[&str]) -> (ExitStatus, String) {
        let output = self
            .command(args)
            .stderr(Stdio::inherit())
            .output()
            .expect("the assistid program must start");
        (
            output.status,
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    }
}

/// A running program whose standard output lines are read as they come.
pub struct Running {
    child: Child,
    lines: Receiver<String>,
    started: Instant,
}

/// How a run of the program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It was killed with SIGKILL by the harness.
    Killed,
    /// It finished by itself with this exit code (`None`: killed by a signal).
    Exited(Option<i32>),
}

impl Running {
    /// Starts the command with its standard output piped.
    pub fn start(mut command: Command) -> Running {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the assistid program must start");
        let stdout = child
            .stdout
            .take()
            .expect("standard output was piped just above");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines: rx,
            started: Instant::now(),
        }
    }

    /// Waits until `lines_wanted` output lines for which `counts` holds have been seen, then
    /// `extra` more; kills the program then (SIGKILL), unless it ended by itself before.
    pub fn kill_after(
        mut self,
        lines_wanted: usize,
        counts: impl Fn(&str) -> bool,
        extra: Duration,
    ) -> Ended {
        let mut seen = 0;
        let mut deadline: Option<Instant> = (lines_wanted == 0).then(|| Instant::now() + extra);
        loop {
            let wait = deadline.map_or(Duration::from_millis(50), |d| {
                d.saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(50))
            });
            match self.lines.recv_timeout(wait) {
                Ok(line) => {
                    if counts(&line) {
                        seen += 1;
                        if seen == lines_wanted && deadline.is_none() {
                            deadline = Some(Instant::now() + extra);
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                // Output closed: the program is ending by itself.
                Err(RecvTimeoutError::Disconnected) => return self.wait(),
            }
            if let Some(status) = self
                .child
                .try_wait()
                .expect("the program's state must be readable")
            {
                return Ended::Exited(status.code());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return self.kill();
            }
        }
    }

    /// Kills the program `after` its start (or returns how it ended if sooner).
    pub fn kill_at(self, after: Duration) -> Ended {
        let remaining = after.saturating_sub(self.started.elapsed());
        self.kill_after(0, |_| false, remaining)
    }

    /// Lets the program finish.
    pub fn wait(mut self) -> Ended {
        let status = self.child.wait().expect("the program must be waited for");
        Ended::Exited(status.code())
    }

    fn kill(mut self) -> Ended {
        // std's kill is SIGKILL on Unix: no destructor, no flush, no chance to clean up.
        match self.child.kill() {
            Ok(()) => {
                let _ = self.child.wait();
                Ended::Killed
            }
            // It ended between the check and the kill.
            Err(_) => self.wait(),
        }
    }
}

/// `YYYYMMDD` + a 3-digit serial + the Luhn digit.
fn identity_digits(yyyymmdd: &str, serial: u32) -> String {
    with_control_digit(&format!("{yyyymmdd}{serial:03}"))
        .expect("8 date digits and a 3-digit serial are 11 digits")
}

/// The people of a generated month: `persons` × `assistants`, one report per pair.
pub struct People {
    /// Persons with assistance (12 digits).
    pub persons: Vec<String>,
    /// Assistants (12 digits).
    pub assistants: Vec<String>,
}

/// Registers a provider, `persons` persons and `assistants` assistants straight in the store
/// (as the register screens would), marks the folder as demo data (so the demo FK and BankID
/// take it), and returns their numbers.
pub fn register_people(folder: &Folder, persons: u32, assistants: u32) -> People {
    let store = folder.store();
    let provider = store
        .add_provider(
            &Provider::new(
                "Krasch Omsorg AB",
                OrgNumber::parse("556677-8899").expect("a valid organisation number"),
                Some("Karin Krasch"),
                Phone::parse("08-123 456 78").expect("a valid phone number"),
            )
            .expect("a valid provider"),
        )
        .expect("the provider is stored");
    store
        .set_data_kind(DataKind::Demo, Utc::now())
        .expect("the folder is marked as demo data");
    let mut people = People {
        persons: Vec::new(),
        assistants: Vec::new(),
    };
    for i in 0..persons {
        let digits = identity_digits("19500101", i + 1);
        let pnr = Personnummer::from_digits(&digits).expect("generated personnummer are valid");
        store
            .add_person(
                provider,
                &PersonWithAssistance::new(pnr, "Person", &format!("Krasch {i}"))
                    .expect("a valid person"),
            )
            .expect("the person is stored");
        people.persons.push(digits);
    }
    for i in 0..assistants {
        let digits = identity_digits("19800101", i + 1);
        store
            .add_assistant(&Assistant {
                id: IdentityNumber::from_digits(&digits).expect("generated numbers are valid"),
                first_name: "Assistent".into(),
                last_name: format!("Krasch {i}"),
                phone: None,
                collective_agreement: true,
                employment: Employment::Provider,
                calculation_period: None,
            })
            .expect("the assistant is stored");
        people.assistants.push(digits);
    }
    people
}

/// A CSV of shifts in `month`'s days: assistant `a` works for person `p` on day
/// `(p + a) % 28 + 1`, 08:00–14:00, so nobody is booked twice at once. One shift per pair.
pub fn month_csv(people: &People) -> String {
    let mut csv = String::from("assistent;person;datum;start;slut;typ\n");
    for (a, assistant) in people.assistants.iter().enumerate() {
        for (p, person) in people.persons.iter().enumerate() {
            let day = (p + a) % 28 + 1;
            csv.push_str(&format!(
                "{assistant};{person};{MONTH}-{day:02};08:00;14:00;aktiv\n"
            ));
        }
    }
    csv
}

/// A month of `persons × assistants` reports, every one signed by its assistant and the
/// provider (one batch) with the fake BankID's signing code, whose root the folder trusts the
/// way the demo's does. Returns the report ids.
pub fn signed_month(folder: &Folder, persons: u32, assistants: u32) -> Vec<Uuid> {
    let people = register_people(folder, persons, assistants);
    let csv = folder.path().join("month.csv");
    std::fs::write(&csv, month_csv(&people)).expect("the month's shift file is written");
    let app = folder.app();
    let now = Utc::now();
    app.import_commit(&csv, &ImportOptions::default(), now)
        .expect("the generated month imports without problems");
    let month = MONTH.parse().expect("a valid month");
    app.month_review(month, now)
        .expect("the review saves the report versions");
    drop(app);

    let store = folder.store();
    let bankid = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("BankID CA");
    assistid_test_kit::trust_in_demo(folder.path(), "crash", bankid.root_der())
        .expect("the test root is saved where the demo keeps its roots");
    let how = Signing {
        provider_signer: PROVIDER_SIGNER,
        provider_name: "Karin Krasch",
        assistant_name: "Krasch Krasch",
        ..Signing::demo(&bankid, now)
    };
    let ids = assistid_test_kit::sign_month(&store, month, &how, |_, binding| binding)
        .expect("the fake BankID signs the month and the signatures are stored");
    assert_eq!(
        ids.len(),
        (persons * assistants) as usize,
        "one report per assistant and person"
    );
    ids
}

/// Every event of the audit log, oldest first.
pub fn all_events(store: &Store) -> Vec<assistid_store::Event> {
    let mut out: Vec<assistid_store::Event> = Vec::new();
    loop {
        let after: Option<EventId> = out.last().map(|e| e.id);
        let page = store
            .events_after(after, 1000)
            .expect("the audit log must be readable");
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// The checks every data folder must pass after any kill: the file is sound (SQLite's and
/// SQLCipher's integrity checks) and the audit log is a gap-free sequence.
pub fn check_database(store: &Store, when: &str) -> Vec<assistid_store::Event> {
    let problems = store
        .integrity_problems()
        .expect("the integrity checks must run");
    assert!(
        problems.is_empty(),
        "{when}: the database must pass PRAGMA integrity_check and cipher_integrity_check \
         after a kill, found {problems:?}"
    );
    let events = all_events(store);
    for (i, event) in events.iter().enumerate() {
        assert_eq!(
            event.id.get(),
            i as i64 + 1,
            "{when}: audit log ids must run 1, 2, 3, … without a gap (event {} at place {})",
            event.id.get(),
            i + 1
        );
    }
    events
}

/// Counts of audit events by kind and submission (`details.submission`, `details.attempt`).
pub fn submission_events(
    events: &[assistid_store::Event],
) -> BTreeMap<(String, i64, Option<i64>), usize> {
    let mut map = BTreeMap::new();
    for event in events {
        let Some(submission) = event.details["submission"].as_i64() else {
            continue;
        };
        let attempt = event.details["attempt"].as_i64();
        *map.entry((event.kind.clone(), submission, attempt))
            .or_insert(0) += 1;
    }
    map
}
