//! The shell's state: the open data folder (one [`App`] behind a mutex) and the UI settings.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use assistid_app::{App, KeySource};
use tauri::AppHandle;

use crate::ipc::{self, IpcError};

/// What the commands share. If the data folder could not be opened (a wrong key, a locked
/// keychain), the shell still starts and every command answers with that error, so the user
/// sees it in the window instead of a program that silently does not start.
#[derive(Debug)]
pub struct Shell {
    app: Result<Arc<Mutex<App>>, IpcError>,
    data_dir: PathBuf,
    keys: KeySource,
    language: Mutex<ipc::Language>,
}

/// The UI settings file (no personal data: only the language).
const UI_SETTINGS_FILE: &str = "desktop-settings.json";

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct UiSettings {
    language: ipc::Language,
}

/// Where the shell's data and logs live and where the database key comes from.
#[derive(Debug, Clone)]
pub struct Locations {
    /// The data folder (the encrypted database).
    pub data_dir: PathBuf,
    /// The database key.
    pub keys: KeySource,
}

impl Locations {
    /// The defaults: the OS data folder (the same as the CLI's), overridden by `ASSISTID_DATA_DIR`;
    /// the OS keychain, or the key file `ASSISTID_KEY_FILE` when set (headless runs and the e2e
    /// tests).
    pub fn from_env() -> anyhow::Result<Locations> {
        let data_dir = match std::env::var_os("ASSISTID_DATA_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => crate::default_data_dir()?,
        };
        let keys = match std::env::var_os("ASSISTID_KEY_FILE").filter(|v| !v.is_empty()) {
            Some(path) => KeySource::File(PathBuf::from(path)),
            None => KeySource::Keychain,
        };
        Ok(Locations { data_dir, keys })
    }
}

impl Shell {
    /// Opens the data folder and, when it is empty, loads the demo month (the first-start
    /// default). Runs before the window exists, so the first overview already has the demo.
    pub fn open(locations: &Locations) -> Shell {
        let now = chrono::Utc::now();
        let app = App::open(&locations.data_dir, locations.keys.clone(), now)
            .and_then(|app| {
                if app.load_demo_if_empty(now)? {
                    tracing::info!("first start: demo data loaded");
                }
                Ok(app)
            })
            .map(|app| Arc::new(Mutex::new(app)))
            .map_err(|e| {
                let err = IpcError::from(e);
                tracing::error!(code = %err.code, "data folder not opened");
                err
            });
        let language = read_ui_settings(&locations.data_dir).language;
        Shell {
            app,
            data_dir: locations.data_dir.clone(),
            keys: locations.keys.clone(),
            language: Mutex::new(language),
        }
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Where the database key comes from (a background task opens its own connection).
    pub fn keys(&self) -> KeySource {
        self.keys.clone()
    }

    /// The UI language now.
    pub fn language(&self) -> ipc::Language {
        self.language.lock().map(|l| *l).unwrap_or_default()
    }

    /// Runs a use case on a blocking thread (never the UI thread), one at a time.
    pub async fn run<T, F>(&self, work: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> anyhow::Result<T> + Send + 'static,
    {
        let app = self.app.clone()?;
        tauri::async_runtime::spawn_blocking(move || {
            let app = app
                .lock()
                .map_err(|_| internal("en tidigare åtgärd avbröts mitt i; starta om Assistid"))?;
            work(&app).map_err(IpcError::from)
        })
        .await
        .map_err(|e| internal(&format!("åtgärden avbröts ({e})")))?
    }

    /// Loads the demo data if the data folder is empty, reporting progress as events.
    pub async fn load_demo(&self, handle: &AppHandle) -> Result<bool, IpcError> {
        crate::commands::progress(handle, "demo_load", 0, 1);
        let loaded = self
            .run(|app| app.load_demo_if_empty(chrono::Utc::now()))
            .await;
        crate::commands::progress(handle, "demo_load", 1, 1);
        loaded
    }

    /// The settings the UI shows. This version only has the demo environment.
    pub fn settings(&self) -> ipc::Settings {
        let language = self.language.lock().map(|l| *l).unwrap_or_default();
        ipc::Settings {
            environment: ipc::Environment::Demo,
            language,
            certificates: Vec::new(),
        }
    }

    /// Changes the language and remembers it.
    pub fn set_language(&self, language: ipc::Language) -> Result<ipc::Settings, IpcError> {
        if let Ok(mut current) = self.language.lock() {
            *current = language;
        }
        write_ui_settings(&self.data_dir, &UiSettings { language })
            .map_err(|e| internal(&format!("kunde inte spara språkvalet: {e}")))?;
        Ok(self.settings())
    }
}

fn internal(message: &str) -> IpcError {
    IpcError {
        code: "internal".to_owned(),
        message: format!("Något gick fel: {message}"),
    }
}

fn read_ui_settings(dir: &Path) -> UiSettings {
    std::fs::read(dir.join(UI_SETTINGS_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn write_ui_settings(dir: &Path, settings: &UiSettings) -> std::io::Result<()> {
    let tmp = dir.join(format!("{UI_SETTINGS_FILE}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec_pretty(settings)?)?;
    std::fs::rename(tmp, dir.join(UI_SETTINGS_FILE))
}
