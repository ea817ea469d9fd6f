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
            work(&app).map_err(ipc_error)
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

    /// The settings the UI shows: the data folder's environment and imported certificates
    /// (from the database) and the language. If the data folder is not open, the demo with no
    /// certificates (every command then answers with the opening error anyway).
    pub fn settings(&self) -> ipc::Settings {
        let language = self.language.lock().map(|l| *l).unwrap_or_default();
        let mut settings = ipc::Settings {
            environment: ipc::Environment::Demo,
            language,
            certificates: Vec::new(),
            data_kind: None,
            environment_chosen: None,
        };
        let Ok(app) = &self.app else {
            return settings;
        };
        // A short read; the lock is the same one every use case takes.
        let Ok(app) = app.lock() else {
            return settings;
        };
        match settings_of(&app, chrono::Utc::now()) {
            Ok((environment, chosen, data_kind, certificates)) => {
                settings.environment = environment;
                settings.environment_chosen = Some(chosen);
                settings.data_kind = Some(data_kind);
                settings.certificates = certificates;
            }
            Err(e) => {
                tracing::warn!(code = %ipc_error(e).code, "settings not read");
            }
        }
        settings
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

/// The app's errors as the UI receives them. The app crate's own `{code, message}` covers
/// [`assistid_app::AppError`]; the register's deletion rules, the certificate import and the
/// environment choice have error types of their own with stable codes the UI branches on
/// (`confirmation_needed`, `delete_blocked`, `wrong_certificate_password`, `demo_data_folder`, …).
pub fn ipc_error(e: anyhow::Error) -> IpcError {
    use assistid_app::certificates::CertificateError;
    use assistid_app::deletion::DeletionError;
    use assistid_app::environments::EnvironmentError;
    let coded = |code: &str, message: String| IpcError {
        code: code.to_owned(),
        message,
    };
    if let Some(d) = e.downcast_ref::<DeletionError>() {
        return coded(d.code(), d.to_string());
    }
    if let Some(c) = e.downcast_ref::<CertificateError>() {
        return coded(c.code(), c.to_string());
    }
    if let Some(v) = e.downcast_ref::<EnvironmentError>() {
        return coded(v.code(), v.to_string());
    }
    IpcError::from(e)
}

/// The environment as the UI names it.
pub fn ipc_environment(environment: assistid_app::submit::Environment) -> ipc::Environment {
    use assistid_app::submit::Environment;
    match environment {
        Environment::Prod => ipc::Environment::Prod,
        Environment::Test => ipc::Environment::Test,
        _ => ipc::Environment::Demo,
    }
}

/// The environment the UI chose, as the app names it.
pub fn app_environment(environment: ipc::Environment) -> assistid_app::submit::Environment {
    use assistid_app::submit::Environment;
    match environment {
        ipc::Environment::Demo => Environment::Demo,
        ipc::Environment::Test => Environment::Test,
        ipc::Environment::Prod => Environment::Prod,
    }
}

/// The certificate purpose the UI chose, as the app names it.
pub fn app_purpose(
    purpose: ipc::CertificatePurpose,
) -> assistid_app::certificates::CertificatePurpose {
    use assistid_app::certificates::CertificatePurpose;
    match purpose {
        ipc::CertificatePurpose::FkClient => CertificatePurpose::FkClient,
        ipc::CertificatePurpose::BankidRp => CertificatePurpose::BankIdRp,
    }
}

type SettingsFacts = (ipc::Environment, bool, String, Vec<ipc::CertificateInfo>);

/// The data folder's part of the settings at `now`: environment (and whether it was chosen),
/// the kind of data, the imported certificates with their expiry state.
pub fn settings_of(app: &App, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<SettingsFacts> {
    use assistid_app::certificates::CertificatePurpose;
    let env = app.environment_settings()?;
    let chosen = env.environment.is_some();
    let environment = env
        .environment
        .map_or(ipc::Environment::Test, ipc_environment);
    let certificates = app
        .certificates(now)?
        .into_iter()
        .map(|c| ipc::CertificateInfo {
            purpose: match c.purpose {
                CertificatePurpose::BankIdRp => ipc::CertificatePurpose::BankidRp,
                _ => ipc::CertificatePurpose::FkClient,
            },
            subject: c.subject,
            issuer: c.issuer,
            not_after: c.not_after.to_rfc3339(),
            password_in_keychain: c.password_in_keychain,
            status: serde_json::to_value(c.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
            message: Some(c.message),
        })
        .collect();
    Ok((
        environment,
        chosen,
        env.data_kind.code().to_owned(),
        certificates,
    ))
}

/// The bytes of a certificate file chosen in the webview (base64 from the UI).
pub fn certificate_bytes(file: Option<&ipc::ImportFile>) -> Result<(String, Vec<u8>), IpcError> {
    use base64::Engine as _;
    let file = file.ok_or_else(|| IpcError {
        code: "file_missing".to_owned(),
        message: "Välj certifikatfilen (.p12 eller .pfx) först.".to_owned(),
    })?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.content_base64.as_bytes())
        .map_err(|_| {
            IpcError::invalid("certifikatfil", "filen kom inte fram hel; välj den igen")
        })?;
    Ok((file.file_name.clone(), bytes))
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
