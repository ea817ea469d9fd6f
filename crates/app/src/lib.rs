//! # assistid-app
//!
//! The use cases of Assistid — register, import, month review, report versions and export, the
//! demo — on top of the encrypted store. The command-line program and the desktop shell call
//! only this crate, and each of their commands is a thin delegation to one method of [`App`].
//!
//! Time is passed in (`now`), so every use case can be tested on any date.
//!
//! ```
//! use assistid_app::{App, KeySource};
//! let dir = tempfile::tempdir()?;
//! let now = chrono::Utc::now();
//! let app = App::open(dir.path(), KeySource::File(dir.path().join("key")), now)?;
//! assert!(app.load_demo_if_empty(now)?, "a fresh data folder gets the demo data");
//! let review = app.month_review("2026-10".parse()?, now)?;
//! assert!(!review.reports().is_empty());
//! # Ok::<(), anyhow::Error>(())
//! ```
#![deny(missing_docs)]

pub mod answers;
pub mod backup;
pub mod bankid_service;
pub mod calendar;
pub mod certificates;
pub mod deletion;
pub mod demo;
pub mod environments;
pub mod error;
pub mod going_live;
pub mod history;
pub mod import;
pub mod import_session;
pub mod invalid;
pub mod invoice;
pub mod order_plan;
pub mod overview;
pub mod privacy;
pub mod receipts;
pub mod register;
pub mod reports;
pub mod send_run;
pub mod shifts;
pub mod signing;
pub mod stored_text;
pub mod submit;
pub mod support;
pub mod support_contact;
pub mod teams;
pub mod verify;
pub mod views;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

pub use assistid_store::KeySource as StoreKeySource;
/// Owner-only files and folders, for every writer of exports, staged imports and logs (the CLI
/// and the desktop shell use these, not copies).
pub use assistid_store::owner_only;
pub use error::{AppError, IpcError};

/// The domain's types the front ends name — identity numbers, report months, shift times,
/// texts in two languages, secrets, shifts and month reviews — re-exported so the CLI and the
/// desktop shell reach the domain through this crate and depend on no other library.
pub mod core_types {
    pub use assistid_core::{ids, model, review, secret, shift, text, time, validation};
}

/// Every catalog of the app layer's messages (see [`assistid_core::text`]), by module: the
/// spec test checks each for both languages and the same parameters.
pub fn text_catalogs() -> Vec<(
    &'static str,
    &'static [&'static assistid_core::text::Template],
)> {
    vec![
        ("error", error::CATALOG),
        ("invalid", invalid::CATALOG),
        ("shifts", shifts::CATALOG),
        ("import", import::CATALOG),
        ("import_session", import_session::CATALOG),
        ("register", register::CATALOG),
        ("going_live", going_live::CATALOG),
        ("submit", submit::CATALOG),
        ("submit::not_ready", submit::NOT_READY_CATALOG),
        ("send_run", send_run::CATALOG),
        ("order_plan", order_plan::CATALOG),
        ("support_contact", support_contact::CATALOG),
        ("signing", signing::templates::CATALOG),
        ("submit::relay", submit::relay::templates::CATALOG),
    ]
}

/// Every catalog of every message the Rust side builds — the core's, the import's, the
/// store's and the app layer's — by crate and module: what the UI renders an error again from
/// (its code and parameters) when the language changes.
pub fn all_text_catalogs() -> Vec<(String, Vec<&'static assistid_core::text::Template>)> {
    let core: Vec<(&str, &'static [&'static assistid_core::text::Template])> = vec![
        ("validation", assistid_core::validation::CATALOG),
        ("limits", assistid_core::limits::CATALOG),
        ("ids", assistid_core::ids::CATALOG),
        ("model", assistid_core::model::CATALOG),
    ];
    let mut out: Vec<(String, Vec<&'static assistid_core::text::Template>)> = core
        .into_iter()
        .map(|(m, c)| (format!("core::{m}"), c.to_vec()))
        .collect();
    out.push((
        "import::messages".to_owned(),
        assistid_import::messages::CATALOG.to_vec(),
    ));
    out.extend(
        assistid_store::text_catalogs()
            .into_iter()
            .map(|(m, c)| (format!("store::{m}"), c.to_vec())),
    );
    out.extend(
        text_catalogs()
            .into_iter()
            .map(|(m, c)| (format!("app::{m}"), c.to_vec())),
    );
    out.push((
        "elt::texts".to_owned(),
        assistid_elt::texts::CATALOG.to_vec(),
    ));
    out.push((
        "bankid::messages".to_owned(),
        assistid_bankid::messages::CATALOG.to_vec(),
    ));
    out.push(("app::answers".to_owned(), answers::catalog()));
    out
}

/// Codes that two catalogs use for different wordings, each as `code: first and other word it
/// differently` (a code must mean one message wherever it is rendered again; the UI's copy
/// leaves these out, see [`ambiguous_text_codes`]); empty when every code is unambiguous.
pub fn text_code_conflicts() -> Vec<String> {
    let mut seen: std::collections::BTreeMap<&str, (String, &assistid_core::text::Template)> =
        std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for (module, catalog) in all_text_catalogs() {
        for template in catalog {
            match seen.get(template.code) {
                Some((first, other)) if other.sv != template.sv || other.en != template.en => {
                    out.push(format!(
                        "{}: {first} and {module} word it differently",
                        template.code
                    ));
                }
                Some(_) => {}
                None => {
                    seen.insert(template.code, (module.clone(), template));
                }
            }
        }
    }
    out
}

/// The codes of [`text_code_conflicts`].
pub fn ambiguous_text_codes() -> std::collections::BTreeSet<String> {
    text_code_conflicts()
        .into_iter()
        .filter_map(|c| c.split(':').next().map(str::to_owned))
        .collect()
}

use assistid_store::Store;

/// Where the database key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The operating system's keychain, one entry per data folder.
    Keychain,
    /// A key file (headless use; `ASSISTID_KEY_FILE`), created owner-only when missing.
    File(PathBuf),
}

/// An open Assistid data folder.
#[derive(Debug)]
pub struct App {
    store: Store,
    data_dir: PathBuf,
}

impl App {
    /// Opens (or creates) the data folder's database. A wrong or missing key is an error and
    /// never replaces an existing database.
    pub fn open(data_dir: &Path, keys: KeySource, now: DateTime<Utc>) -> anyhow::Result<App> {
        // Owner-only (0700 on Unix), tightened when an older version made it readable to others.
        assistid_store::owner_only::tighten_dir(data_dir).with_context(|| {
            format!(
                "kunde inte skapa datamappen {} eller skydda den så att bara ditt konto kan öppna \
                 den; kontrollera att mappen tillhör ditt konto",
                data_dir.display()
            )
        })?;
        let source = match keys {
            KeySource::Keychain => {
                StoreKeySource::keychain_for_folder(data_dir).map_err(AppError::from)?
            }
            KeySource::File(path) => StoreKeySource::File(path),
        };
        let store = Store::open_in_data_dir(data_dir, &source).map_err(AppError::from)?;
        let app = App {
            store,
            data_dir: data_dir.to_path_buf(),
        };
        // A submission left `sending` by a crash may have reached FK: make it `uncertain` —
        // but only when no live program holds the folder's sender lock (issue 15); rows
        // another program is sending are never touched by opening the folder.
        app.recover_if_no_sender(now)?;
        Ok(app)
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The underlying store (for the other use-case modules of this crate).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

/// Today's date in Sweden (Europe/Stockholm) at the instant `now`: what "today" means for the
/// user, e.g. when a 10-digit personnummer gets its century.
pub fn local_today(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}
