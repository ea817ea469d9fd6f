//! The shell's state: the open data folder (one [`App`] behind a mutex, swappable) and the UI
//! settings.
//!
//! **Two data folders.** Under the root folder (`ASSISTID_DATA_DIR`, else the OS data folder)
//! the desktop app keeps real data in the root itself (the CLI's default folder too, so both
//! share the real data) and the demo in `<root>/demo`. The first start opens the demo folder
//! and loads the demo month into it; choosing FK's test or production service in Settings
//! switches to the real folder, choosing the demo switches back. Demo data and real data never
//! share a folder: a demo folder never gets test/prod and the real folder never gets the demo
//! (the app crate checks the first; the shell never loads the demo outside `<root>/demo`). The
//! UI settings file in the root remembers which folder is in use.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use assistid_app::core_types::text::Lang;
use assistid_app::{App, KeySource};
use tauri::AppHandle;

use anyhow::Context as _;

use crate::ipc::{self, IpcError, Workspace};

/// The OS data folder, the same as the CLI's (`directories`, "se.Assistid.Assistid").
pub fn default_data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("se", "Assistid", "Assistid")
        .map(|d| d.data_dir().to_path_buf())
        .context("kunde inte hitta programdatamappen; ange ASSISTID_DATA_DIR")
}

/// Whoever works on the open data folder (the window's desks): asked before the folder is
/// switched, told once it has been left.
pub trait FolderUsers: Send + Sync {
    /// Why the folder cannot be switched now (`busy`), if it cannot.
    fn busy(&self) -> Option<IpcError>;
    /// The folder was left: what was kept for it (files staged for import) goes.
    fn folder_left(&self);
}

/// The open data folder behind its lock (or why it could not be opened).
type OpenApp = Result<Arc<Mutex<App>>, IpcError>;

/// What the commands share. If the data folder could not be opened (a wrong key, a locked
/// keychain), the shell still starts and every command answers with that error, so the user
/// sees it in the window instead of a program that silently does not start.
#[derive(Debug)]
pub struct Shell {
    open: RwLock<Opened>,
    root: PathBuf,
    keys: KeySource,
    language: Mutex<ipc::Language>,
    /// One switch of data folder at a time.
    switching: tokio::sync::Mutex<()>,
}

/// One opened data folder.
#[derive(Debug)]
struct Opened {
    app: OpenApp,
    data_dir: PathBuf,
    workspace: Workspace,
}

/// The UI settings file, in the root folder (no personal data: the language and which data
/// folder is in use).
const UI_SETTINGS_FILE: &str = "desktop-settings.json";

/// The demo folder's name inside the root folder.
pub const DEMO_FOLDER: &str = "demo";

/// The database file of a data folder (`assistid_store::DATABASE_FILE_NAME`): a root folder
/// that has one already holds data (a CLI user's, or an older installation's).
pub(crate) const DATABASE_FILE: &str = "assistid.db";

#[derive(serde::Serialize, serde::Deserialize, Default)]
#[serde(default)]
struct UiSettings {
    language: ipc::Language,
    /// Which data folder is in use; `None` until the first start chose one.
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace: Option<Workspace>,
}

/// Where the shell's data and logs live and where the database key comes from.
#[derive(Debug, Clone)]
pub struct Locations {
    /// The root data folder: real data (the encrypted database) here, the demo in
    /// `<data_dir>/demo`, the UI settings file here.
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
            None => default_data_dir()?,
        };
        let keys = match std::env::var_os("ASSISTID_KEY_FILE").filter(|v| !v.is_empty()) {
            Some(path) => KeySource::File(PathBuf::from(path)),
            None => KeySource::Keychain,
        };
        Ok(Locations { data_dir, keys })
    }
}

/// The data folder of `workspace` under `root`.
pub fn workspace_dir(root: &Path, workspace: Workspace) -> PathBuf {
    match workspace {
        Workspace::Demo => root.join(DEMO_FOLDER),
        Workspace::Real => root.to_path_buf(),
    }
}

/// Opens a workspace's data folder; the demo folder gets the demo month when it is empty, the
/// real folder never does.
fn open_workspace(root: &Path, keys: &KeySource, workspace: Workspace) -> anyhow::Result<App> {
    let now = chrono::Utc::now();
    let app = App::open(&workspace_dir(root, workspace), keys.clone(), now)?;
    if workspace == Workspace::Demo && app.load_demo_if_empty(now)? {
        tracing::info!("demo data loaded into the demo folder");
    }
    Ok(app)
}

fn opening_error(e: anyhow::Error) -> IpcError {
    let err = IpcError::in_lang(e, Lang::Sv);
    tracing::error!(code = %err.code, "data folder not opened");
    err
}

impl Shell {
    /// Opens the data folder in use and, on the first start, the demo folder with the demo
    /// month. Runs before the window exists, so the first overview already has the demo.
    ///
    /// Which folder: the one the UI settings remember; else, when the root folder already holds
    /// a database (a CLI user, an older installation), the root as it is; else the demo.
    pub fn open(locations: &Locations) -> Shell {
        let root = locations.data_dir.clone();
        let mut ui = read_ui_settings(&root);
        let workspace = match ui.workspace {
            Some(workspace) => workspace,
            None if root.join(DATABASE_FILE).exists() => Workspace::Real,
            None => Workspace::Demo,
        };
        let app = open_workspace(&root, &locations.keys, workspace)
            .map(|app| Arc::new(Mutex::new(app)))
            .map_err(opening_error);
        if app.is_ok() && ui.workspace.is_none() {
            ui.workspace = Some(workspace);
            if let Err(e) = write_ui_settings(&root, &ui) {
                tracing::warn!(error = %e, "the data folder choice was not remembered");
            }
        }
        Shell {
            open: RwLock::new(Opened {
                app,
                data_dir: workspace_dir(&root, workspace),
                workspace,
            }),
            root,
            keys: locations.keys.clone(),
            language: Mutex::new(ui.language),
            switching: tokio::sync::Mutex::new(()),
        }
    }

    fn opened<T>(&self, f: impl FnOnce(&Opened) -> T) -> T {
        match self.open.read() {
            Ok(opened) => f(&opened),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// The open data folder (`<root>/demo` for the demo, the root for real data).
    pub fn data_dir(&self) -> PathBuf {
        self.opened(|o| o.data_dir.clone())
    }

    /// The root data folder (`ASSISTID_DATA_DIR` or the OS data folder).
    pub fn root_dir(&self) -> &Path {
        &self.root
    }

    /// Which data folder is open.
    pub fn workspace(&self) -> Workspace {
        self.opened(|o| o.workspace)
    }

    /// Where the database key comes from (a background task opens its own connection).
    pub fn keys(&self) -> KeySource {
        self.keys.clone()
    }

    /// The UI language now.
    pub fn language(&self) -> ipc::Language {
        self.language.lock().map(|l| *l).unwrap_or_default()
    }

    /// The open data folder's app (or the error it could not be opened with). Work started on
    /// it stays on it even if the user switches folders meanwhile.
    pub fn current_app(&self) -> OpenApp {
        self.opened(|o| o.app.clone())
    }

    /// Runs a use case on a blocking thread (never the UI thread), one at a time.
    pub async fn run<T, F>(&self, work: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> anyhow::Result<T> + Send + 'static,
    {
        Self::run_on_in(self.current_app()?, self.language(), work).await
    }

    /// Like [`Shell::run`], on a given data folder's app (from [`Shell::current_app`]).
    pub async fn run_on<T, F>(app: Arc<Mutex<App>>, work: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> anyhow::Result<T> + Send + 'static,
    {
        Self::run_on_in(app, ipc::Language::Sv, work).await
    }

    /// Like [`Shell::run_on`], with the error's message in `language`.
    pub async fn run_on_in<T, F>(
        app: Arc<Mutex<App>>,
        language: ipc::Language,
        work: F,
    ) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> anyhow::Result<T> + Send + 'static,
    {
        tauri::async_runtime::spawn_blocking(move || {
            let app = app
                .lock()
                .map_err(|_| internal("en tidigare åtgärd avbröts mitt i; starta om Assistid"))?;
            work(&app).map_err(|e| IpcError::in_lang(e, language.into()))
        })
        .await
        .map_err(|e| internal(&format!("åtgärden avbröts ({e})")))?
    }

    /// Loads the demo data if the demo folder is empty, reporting progress as events. The
    /// folder for real data never gets the demo.
    pub async fn load_demo(&self, handle: &AppHandle) -> Result<bool, IpcError> {
        crate::events::progress(handle, "demo_load", 0, 1);
        let loaded = self.load_demo_here().await;
        crate::events::progress(handle, "demo_load", 1, 1);
        loaded
    }

    /// [`Shell::load_demo`] without the progress events.
    pub async fn load_demo_here(&self) -> Result<bool, IpcError> {
        let (app, workspace) = self.opened(|o| (o.app.clone(), o.workspace));
        if workspace == Workspace::Real {
            return Err(IpcError {
                code: "real_data_not_demo".to_owned(),
                message: "Det här är mappen för riktiga uppgifter, och demodata läggs aldrig där. \
                          Välj Demo under Inställningar för att prova Assistid med demodata."
                    .to_owned(),
                ..Default::default()
            });
        }
        Self::run_on(app?, |app| app.load_demo_if_empty(chrono::Utc::now())).await
    }

    /// The settings the UI shows: the data folder's environment and imported certificates
    /// (from the database), which folder is open, and the language. If the data folder is not
    /// open, the demo with no certificates (every command then answers with the opening error
    /// anyway).
    pub fn settings(&self) -> ipc::Settings {
        let language = self.language();
        let (app, data_dir, workspace) =
            self.opened(|o| (o.app.clone(), o.data_dir.clone(), o.workspace));
        let mut settings = ipc::Settings {
            environment: ipc::Environment::Demo,
            language,
            certificates: Vec::new(),
            data_kind: None,
            environment_chosen: None,
            workspace: Some(workspace),
            data_folder: Some(data_dir.display().to_string()),
            fk_services: None,
            bankid_test: None,
        };
        let Ok(app) = app else {
            return settings;
        };
        // A short read; the lock is the same one every use case takes.
        let Ok(app) = app.lock() else {
            return settings;
        };
        match settings_of(&app, chrono::Utc::now()) {
            Ok(facts) => {
                settings.environment = facts.environment;
                settings.environment_chosen = Some(facts.chosen);
                settings.data_kind = Some(facts.data_kind);
                settings.certificates = facts.certificates;
                settings.fk_services = facts.fk_services;
                settings.bankid_test = facts.bankid_test;
            }
            Err(e) => {
                tracing::warn!(code = %IpcError::in_lang(e, Lang::Sv).code, "settings not read");
            }
        }
        settings
    }

    /// Replaces the address of FK's test or production service (a folder for real data);
    /// `None` or an empty address goes back to FK's published one.
    pub async fn set_fk_endpoint(
        &self,
        environment: ipc::Environment,
        endpoint: Option<String>,
    ) -> Result<ipc::Settings, IpcError> {
        let environment = app_environment(environment);
        self.run(move |app| {
            app.set_fk_endpoint(environment, endpoint.as_deref(), chrono::Utc::now())
        })
        .await?;
        Ok(self.settings())
    }

    /// Chooses which server certificates are trusted for FK's test or production service:
    /// FK's CA file chosen in the webview or the computer's root certificates.
    pub async fn set_fk_trust(
        &self,
        environment: ipc::Environment,
        choice: ipc::TrustChoice,
    ) -> Result<ipc::Settings, IpcError> {
        let environment = app_environment(environment);
        let pem = match &choice {
            ipc::TrustChoice::SystemRoots => None,
            ipc::TrustChoice::CaFile { file } => Some(file.bytes().ok_or_else(|| {
                IpcError::invalid(
                    "CA-fil",
                    assistid_app::invalid::templates::FILE_INCOMPLETE_UPLOAD.text(),
                )
            })?),
        };
        self.run(move |app| {
            use assistid_app::environments::TrustChoice;
            let choice = pem
                .as_deref()
                .map_or(TrustChoice::SystemRoots, TrustChoice::CaPem);
            app.set_fk_trust(environment, choice, chrono::Utc::now())
        })
        .await?;
        Ok(self.settings())
    }

    /// Replaces the address of BankID's service for the folder's environment (test only: the
    /// app refuses production and the demo); `None` or empty goes back to BankID's own.
    pub async fn set_bankid_endpoint(
        &self,
        endpoint: Option<String>,
    ) -> Result<ipc::Settings, IpcError> {
        self.run(move |app| {
            app.set_bankid_endpoint(
                app.bankid_environment()?,
                endpoint.as_deref(),
                chrono::Utc::now(),
            )
        })
        .await?;
        Ok(self.settings())
    }

    /// Chooses the CA file (bytes from the webview) BankID's test service's TLS certificate
    /// must chain to, or (`None`) BankID's own test root again; test only.
    pub async fn set_bankid_server_ca(
        &self,
        file: Option<ipc::ImportFile>,
    ) -> Result<ipc::Settings, IpcError> {
        let bytes = file_bytes(file.as_ref(), "CA-fil")?;
        self.run(move |app| {
            app.set_bankid_server_ca(
                app.bankid_environment()?,
                bytes.as_deref(),
                chrono::Utc::now(),
            )
        })
        .await?;
        Ok(self.settings())
    }

    /// Chooses the extra user-certificate root (bytes from the webview) trusted in test, or
    /// (`None`) removes it; test only.
    pub async fn set_bankid_user_root(
        &self,
        file: Option<ipc::ImportFile>,
    ) -> Result<ipc::Settings, IpcError> {
        let bytes = file_bytes(file.as_ref(), "rotcertifikat")?;
        self.run(move |app| {
            app.set_bankid_user_root(
                app.bankid_environment()?,
                bytes.as_deref(),
                chrono::Utc::now(),
            )
        })
        .await?;
        Ok(self.settings())
    }

    /// Changes the language and remembers it.
    pub fn set_language(&self, language: ipc::Language) -> Result<ipc::Settings, IpcError> {
        if let Ok(mut current) = self.language.lock() {
            *current = language;
        }
        let mut ui = read_ui_settings(&self.root);
        ui.language = language;
        write_ui_settings(&self.root, &ui)
            .map_err(|e| internal(&format!("kunde inte spara språkvalet: {e}")))?;
        Ok(self.settings())
    }

    /// Chooses where reports go, switching data folders when the choice needs the other one:
    /// test or prod chosen in the demo folder opens the folder for real data (the root) and
    /// sets the environment there; the demo chosen in the real folder opens the demo folder
    /// (with the demo month if it is empty). The real folder keeps its own environment. The
    /// folder in use is remembered for the next start.
    ///
    /// A switch is refused (`busy`) while `desks` has a submission run or a signing order in
    /// progress; files staged for import in the folder left are dropped. The new folder is
    /// opened and checked before the old one is let go, so a refusal leaves everything as it
    /// was.
    pub async fn set_environment(
        &self,
        desks: &dyn FolderUsers,
        environment: ipc::Environment,
    ) -> Result<ipc::Settings, IpcError> {
        let _one_at_a_time = self.switching.lock().await;
        let chosen = app_environment(environment);
        let (current, workspace) = self.opened(|o| (o.app.clone(), o.workspace));
        // What the open folder holds decides whether the choice needs the other folder.
        let holds_demo = match &current {
            Ok(app) => Some(
                Self::run_on(app.clone(), |app| {
                    Ok(app.data_kind()? == assistid_app::submit::DataKind::Demo)
                })
                .await?,
            ),
            Err(_) => None,
        };
        let target = match (environment, holds_demo) {
            (ipc::Environment::Demo, Some(true)) => workspace,
            (ipc::Environment::Demo, _) => Workspace::Demo,
            (_, Some(false)) => workspace,
            (_, _) => Workspace::Real,
        };
        if target == workspace
            && let Ok(app) = current
        {
            Self::run_on(app, move |app| {
                app.set_environment(chosen, chrono::Utc::now())
            })
            .await
            .map_err(|e| self.explain_refusal(e, workspace))?;
            return Ok(self.settings());
        }
        if let Some(busy) = desks.busy() {
            return Err(busy);
        }
        let (root, keys) = (self.root.clone(), self.keys.clone());
        let opened = tauri::async_runtime::spawn_blocking(move || {
            let app = open_workspace(&root, &keys, target)?;
            app.set_environment(chosen, chrono::Utc::now())?;
            Ok::<_, anyhow::Error>(app)
        })
        .await
        .map_err(|e| internal(&format!("bytet av datamapp avbröts ({e})")))?
        .map_err(|e| self.explain_refusal(IpcError::in_lang(e, Lang::Sv), target))?;
        let left = {
            let mut open = self.open.write().unwrap_or_else(|p| p.into_inner());
            // Checked again with the folder locked: nothing may have started meanwhile.
            if let Some(busy) = desks.busy() {
                return Err(busy);
            }
            // Remembered for the next start before the switch, so both always agree.
            let mut ui = read_ui_settings(&self.root);
            ui.workspace = Some(target);
            write_ui_settings(&self.root, &ui)
                .map_err(|e| internal(&format!("kunde inte spara valet av datamapp: {e}")))?;
            let new = Opened {
                app: Ok(Arc::new(Mutex::new(opened))),
                data_dir: workspace_dir(&self.root, target),
                workspace: target,
            };
            std::mem::replace(&mut *open, new)
        };
        desks.folder_left();
        assistid_app::import_session::staging::clear_staging(&left.data_dir);
        tracing::info!(workspace = ?target, "data folder switched");
        Ok(self.settings())
    }

    /// Makes `app` — a folder for real data just restored from a backup — the open folder and
    /// remembers the choice; refused (`busy`) while a run or an order is in progress.
    pub(crate) fn open_restored(&self, desks: &dyn FolderUsers, app: App) -> Result<(), IpcError> {
        let mut open = self.open.write().unwrap_or_else(|p| p.into_inner());
        if let Some(busy) = desks.busy() {
            return Err(busy);
        }
        let mut ui = read_ui_settings(&self.root);
        ui.workspace = Some(Workspace::Real);
        write_ui_settings(&self.root, &ui)
            .map_err(|e| internal(&format!("kunde inte spara valet av datamapp: {e}")))?;
        let left = std::mem::replace(
            &mut *open,
            Opened {
                app: Ok(Arc::new(Mutex::new(app))),
                data_dir: workspace_dir(&self.root, Workspace::Real),
                workspace: Workspace::Real,
            },
        );
        drop(open);
        desks.folder_left();
        assistid_app::import_session::staging::clear_staging(&left.data_dir);
        tracing::info!("restored folder opened");
        Ok(())
    }

    /// The app's refusal to send a folder's data to the chosen environment, explained for the
    /// one case the Settings screen cannot solve by switching: the root folder itself holds
    /// demo data (loaded there by an older version of Assistid, or by the CLI's `demo`).
    fn explain_refusal(&self, e: IpcError, workspace: Workspace) -> IpcError {
        if e.code != "demo_data_folder" || workspace != Workspace::Real {
            return e;
        }
        IpcError {
            code: e.code,
            message: format!(
                "Mappen {} innehåller demodata (från en tidigare version av Assistid eller \
                 kommandot `assistid demo`), och riktiga uppgifter läggs aldrig i samma mapp som \
                 demodata. Stäng Assistid, flytta mappen eller byt namn på den och starta \
                 Assistid igen: då får demon och era riktiga uppgifter var sin mapp.",
                self.root.display()
            ),
            ..Default::default()
        }
    }
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

/// What [`settings_of`] reads from the data folder.
#[derive(Debug)]
pub struct SettingsFacts {
    /// The environment (FK's test service while none is chosen).
    pub environment: ipc::Environment,
    /// Whether an environment was chosen.
    pub chosen: bool,
    /// `demo` or `real`.
    pub data_kind: String,
    /// The imported certificates with their expiry state.
    pub certificates: Vec<ipc::CertificateInfo>,
    /// FK's test and production services (folders for real data only).
    pub fk_services: Option<Vec<ipc::FkService>>,
    /// BankID's test service (folders for real data only).
    pub bankid_test: Option<ipc::BankIdTestService>,
}

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
    let fk_services = (env.data_kind == assistid_app::submit::DataKind::Real).then(|| {
        env.fk
            .iter()
            .map(|service| ipc::FkService {
                environment: ipc_environment(service.environment),
                endpoint: service.endpoint.clone(),
                default_endpoint: service
                    .environment
                    .default_endpoint()
                    .unwrap_or_default()
                    .to_owned(),
                is_default: service.is_default,
                trust: fk_trust(&service.trust),
            })
            .collect()
    });
    let bankid_test = if env.data_kind == assistid_app::submit::DataKind::Real {
        let service = app.bankid_test_service()?;
        let ca = |c: &assistid_app::environments::CaCertificate| ipc::CaCertificate {
            subject: c.subject.clone(),
            not_after: c.not_after.to_rfc3339(),
        };
        Some(ipc::BankIdTestService {
            endpoint: service.endpoint.clone(),
            default_endpoint: assistid_app::bankid_service::BANKID_TEST_ENDPOINT.to_owned(),
            is_default: service.is_default,
            server_ca: service.server_ca.iter().map(ca).collect(),
            user_root: service.user_root.as_ref().map(ca),
        })
    } else {
        None
    };
    Ok(SettingsFacts {
        environment,
        chosen,
        data_kind: env.data_kind.code().to_owned(),
        certificates,
        fk_services,
        bankid_test,
    })
}

fn fk_trust(trust: &assistid_app::environments::TrustSetting) -> ipc::FkTrust {
    use assistid_app::environments::TrustSetting;
    let (kind, certificates, path) = match trust {
        TrustSetting::ImportedCa(certs) => (
            "imported_ca",
            certs
                .iter()
                .map(|c| ipc::CaCertificate {
                    subject: c.subject.clone(),
                    not_after: c.not_after.to_rfc3339(),
                })
                .collect(),
            None,
        ),
        TrustSetting::PinnedCa(path) => ("ca_file", Vec::new(), Some(path.clone())),
        TrustSetting::SystemRoots => ("system_roots", Vec::new(), None),
        _ => ("not_chosen", Vec::new(), None),
    };
    ipc::FkTrust {
        kind: kind.to_owned(),
        certificates,
        path,
    }
}

/// The bytes of a certificate file chosen in the webview (base64 from the UI).
pub fn certificate_bytes(file: Option<&ipc::ImportFile>) -> Result<(String, Vec<u8>), IpcError> {
    let file = file.ok_or_else(|| IpcError {
        code: "file_missing".to_owned(),
        message: "Välj certifikatfilen (.p12 eller .pfx) först.".to_owned(),
        ..Default::default()
    })?;
    let bytes = file.bytes().ok_or_else(|| {
        IpcError::invalid(
            "certifikatfil",
            assistid_app::invalid::templates::FILE_INCOMPLETE_UPLOAD.text(),
        )
    })?;
    Ok((file.file_name.clone(), bytes))
}

/// The bytes of a file chosen in the webview, if one was.
fn file_bytes(file: Option<&ipc::ImportFile>, what: &str) -> Result<Option<Vec<u8>>, IpcError> {
    file.map(|f| {
        f.bytes().ok_or_else(|| {
            IpcError::invalid(
                what,
                assistid_app::invalid::templates::FILE_INCOMPLETE_UPLOAD.text(),
            )
        })
    })
    .transpose()
}

fn internal(message: &str) -> IpcError {
    IpcError {
        code: "internal".to_owned(),
        message: format!("Något gick fel: {message}"),
        ..Default::default()
    }
}

fn read_ui_settings(dir: &Path) -> UiSettings {
    std::fs::read(dir.join(UI_SETTINGS_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn write_ui_settings(dir: &Path, settings: &UiSettings) -> std::io::Result<()> {
    // The root holds the real data folder's database: owner-only, like every data folder.
    assistid_app::owner_only::tighten_dir(dir)?;
    assistid_app::owner_only::write_file(
        &dir.join(UI_SETTINGS_FILE),
        &serde_json::to_vec_pretty(settings)?,
    )
}
