//! Shared fixtures: valid identity numbers, a register, shifts, and raw access to a database
//! file for checking what the triggers enforce.

use std::path::{Path, PathBuf};
use std::sync::Once;

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{
    Assistant, CalculationPeriod, Employment, PeriodLength, PersonWithAssistance, Phone, Provider,
    TimeKind,
};
use assistid_core::shift::Shift;
use assistid_core::time::{Occurrence, ShiftTime};
use assistid_store::{KeySource, Store};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use tempfile::TempDir;

/// A temporary data folder with a key file beside the database.
pub struct Fixture {
    pub dir: TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder is needed for the database"),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("assistid.db")
    }

    pub fn key_path(&self) -> PathBuf {
        self.dir.path().join("assistid.key")
    }

    pub fn keys(&self) -> KeySource {
        KeySource::File(self.key_path())
    }

    pub fn open(&self) -> Store {
        Store::open(&self.db_path(), &self.keys()).expect("the database must open with its key")
    }

    /// A plain rusqlite connection to the file, unlocked with the fixture's key: for checking
    /// what the database itself refuses, bypassing the store's API.
    pub fn raw(&self) -> rusqlite::Connection {
        let key = std::fs::read_to_string(self.key_path()).expect("the key file exists");
        let conn = rusqlite::Connection::open(self.db_path()).expect("the file opens");
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
            .expect("the key is accepted");
        conn
    }
}

/// Uses keyring's in-memory mock for every keychain access in this test binary, so no test
/// ever touches a real user keychain.
pub fn use_mock_keychain() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
    });
}

/// A valid 12-digit identity number for `yyyymmdd` and a 3-digit serial, with its Luhn digit.
pub fn valid_digits(yyyymmdd: &str, serial: u32) -> String {
    let ten = format!("{}{:03}", &yyyymmdd[2..], serial);
    let mut sum = 0;
    for (i, b) in ten.bytes().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    format!("{yyyymmdd}{:03}{}", serial, (10 - sum % 10) % 10)
}

pub fn personnummer(yyyymmdd: &str, serial: u32) -> Personnummer {
    Personnummer::from_digits(&valid_digits(yyyymmdd, serial))
        .expect("the fixture builds a valid personnummer")
}

pub fn identity(yyyymmdd: &str, serial: u32) -> IdentityNumber {
    IdentityNumber::from_digits(&valid_digits(yyyymmdd, serial))
        .expect("the fixture builds a valid identity number")
}

pub fn provider() -> Provider {
    Provider::new(
        "Omsorgsbolaget Trygg Assistans AB",
        OrgNumber::parse("556677-8899").expect("a valid organisationsnummer"),
        Some("Karin Koordinator"),
        Phone::parse("08-123 456 78").expect("a valid phone"),
    )
    .expect("a valid provider")
}

pub fn person(serial: u32) -> PersonWithAssistance {
    PersonWithAssistance::new(personnummer("19750315", serial), "Sigrid", "Ödmansson")
        .expect("a valid person")
}

pub fn assistant(serial: u32) -> Assistant {
    Assistant {
        id: identity("19900101", serial),
        first_name: "Åsa".to_owned(),
        last_name: "Lindqvistberg".to_owned(),
        phone: Some(Phone::parse("070-123 45 67").expect("a valid phone")),
        collective_agreement: true,
        employment: Employment::Provider,
        calculation_period: Some(
            CalculationPeriod::new(
                NaiveDate::from_ymd_opt(2026, 1, 1).expect("a real date"),
                PeriodLength::Days(28),
            )
            .expect("a valid period"),
        ),
    }
}

pub fn local(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("the fixture's time parses")
}

/// A resolved local time; `occurrence` only matters in the repeated autumn hour.
pub fn at(text: &str, occurrence: Option<Occurrence>) -> ShiftTime {
    ShiftTime::resolve(local(text), occurrence).expect("the fixture's time exists in Sweden")
}

pub fn shift(assistant: &Assistant, person: &PersonWithAssistance, from: &str, to: &str) -> Shift {
    Shift {
        assistant: assistant.id.clone(),
        person: person.personnummer.clone(),
        start: at(from, None),
        end: at(to, None),
        kind: TimeKind::Aktiv,
        note: None,
    }
}

pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("the fixture's instant parses")
        .with_timezone(&Utc)
}

/// A provider, one person and one assistant, registered.
pub fn register(store: &Store) -> (PersonWithAssistance, Assistant) {
    let provider_id = store
        .add_provider(&provider())
        .expect("a new provider is stored");
    let person = person(1);
    store
        .add_person(provider_id, &person)
        .expect("a new person is stored");
    let assistant = assistant(2);
    store
        .add_assistant(&assistant)
        .expect("a new assistant is stored");
    (person, assistant)
}

/// The file's bytes and modification time, to prove a failed open left it alone.
pub fn snapshot(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    let bytes = std::fs::read(path).expect("the database file is readable");
    let mtime = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("the file has a modification time");
    (bytes, mtime)
}

/// The names of the files in a folder, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder is readable")
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
