//! The Tauri commands. Each is a one-line delegation to [`assistid_app::App`] (run off the UI
//! thread by [`Shell::run`]), answering with the app's view types as they are; only the month
//! and shift ids the UI types are parsed here ([`crate::convert`]).

use chrono::Utc;
use tauri::{AppHandle, State};

use crate::convert;
use crate::desks::Desks;
use crate::events::progress;
use crate::ipc::{self, IpcError};
use crate::shell::Shell;

type Answer<T> = Result<T, IpcError>;

/// Every report of the month with the facts its state is derived from.
#[tauri::command]
pub async fn month_overview(shell: State<'_, Shell>, month: String) -> Answer<ipc::MonthOverview> {
    let lang = shell.language().into();
    shell
        .run(move |app| app.month_overview(convert::month(&month)?, lang, Utc::now()))
        .await
}

/// The month review (the same JSON as the CLI's `review --json`).
#[tauri::command]
pub async fn month_review(shell: State<'_, Shell>, month: String) -> Answer<ipc::MonthReview> {
    let lang = shell.language().into();
    shell
        .run(move |app| {
            Ok(ipc::MonthReview::from_domain(
                &app.month_review(convert::month(&month)?, Utc::now())?,
                lang,
            ))
        })
        .await
}

/// One person's month for the grid.
#[tauri::command]
pub async fn month_grid(
    shell: State<'_, Shell>,
    month: String,
    person: String,
) -> Answer<ipc::MonthGridData> {
    let lang = shell.language().into();
    shell
        .run(move |app| app.month_grid(convert::month(&month)?, &person, lang, Utc::now()))
        .await
}

/// A person's team and decisions from FK (the Register screen).
#[tauri::command]
pub async fn person_details(shell: State<'_, Shell>, person: String) -> Answer<ipc::PersonDetails> {
    shell
        .run(move |app| app.person_details(&person, Utc::now()))
        .await
}

/// Adds an assistant to a person's team (Register, or the month grid's "add to team").
#[tauri::command]
pub async fn add_team_member(
    shell: State<'_, Shell>,
    person: String,
    assistant: String,
) -> Answer<ipc::PersonDetails> {
    shell
        .run(move |app| {
            let now = Utc::now();
            app.add_to_team(&person, &assistant, None, now)?;
            app.person_details(&person, now)
        })
        .await
}

/// Removes an assistant from a person's team; shifts and reports stay.
#[tauri::command]
pub async fn remove_team_member(
    shell: State<'_, Shell>,
    person: String,
    assistant: String,
) -> Answer<ipc::PersonDetails> {
    shell
        .run(move |app| {
            let now = Utc::now();
            app.remove_from_team(&person, &assistant, now)?;
            app.person_details(&person, now)
        })
        .await
}

/// Records a decision from FK (granted hours) for a person.
#[tauri::command]
pub async fn add_grant(shell: State<'_, Shell>, grant: ipc::Grant) -> Answer<ipc::PersonDetails> {
    shell
        .run(move |app| {
            let now = Utc::now();
            app.add_grant(&grant.input(), now)?;
            app.person_details(&grant.person, now)
        })
        .await
}

/// Removes a mistyped decision.
#[tauri::command]
pub async fn remove_grant(
    shell: State<'_, Shell>,
    person: String,
    id: u32,
) -> Answer<ipc::PersonDetails> {
    shell
        .run(move |app| {
            let now = Utc::now();
            app.remove_grant(&person, i64::from(id), now)?;
            app.person_details(&person, now)
        })
        .await
}

/// Adds one shift typed in the month grid; refusals keep their code (`time_ambiguous`, …).
#[tauri::command]
pub async fn add_shift(
    shell: State<'_, Shell>,
    shift: ipc::ShiftInput,
) -> Answer<ipc::ShiftRecord> {
    shell
        .run(move |app| {
            app.add_shift(&shift.input(), Utc::now())
                .map(|saved| ipc::ShiftRecord::from(&saved.shift))
        })
        .await
}

/// Changes one stored shift.
#[tauri::command]
pub async fn update_shift(
    shell: State<'_, Shell>,
    id: String,
    shift: ipc::ShiftInput,
) -> Answer<ipc::ShiftRecord> {
    shell
        .run(move |app| {
            app.update_shift(convert::shift_id(&id)?, &shift.input(), Utc::now())
                .map(|saved| ipc::ShiftRecord::from(&saved.shift))
        })
        .await
}

/// Deletes one stored shift (deleting twice is harmless).
#[tauri::command]
pub async fn delete_shift(shell: State<'_, Shell>, id: String) -> Answer<()> {
    shell
        .run(move |app| {
            app.delete_shift(convert::shift_id(&id)?, Utc::now())
                .map(|_| ())
        })
        .await
}

/// The provider, persons and assistants.
#[tauri::command]
pub async fn register(shell: State<'_, Shell>) -> Answer<ipc::RegisterData> {
    shell.run(|app| app.register_data()).await
}

/// Registers or updates the provider.
#[tauri::command]
pub async fn save_provider(
    shell: State<'_, Shell>,
    provider: ipc::Provider,
) -> Answer<ipc::Provider> {
    shell
        .run(move |app| {
            app.save_provider(&provider.input(), Utc::now())
                .map(|_| provider)
        })
        .await
}

/// Registers or updates a person with assistance.
#[tauri::command]
pub async fn save_person(
    shell: State<'_, Shell>,
    person: ipc::PersonWithAssistance,
) -> Answer<ipc::PersonWithAssistance> {
    shell
        .run(move |app| app.save_person(&person.input(), Utc::now()).map(|_| person))
        .await
}

/// Registers or updates an assistant.
#[tauri::command]
pub async fn save_assistant(
    shell: State<'_, Shell>,
    assistant: ipc::Assistant,
) -> Answer<ipc::Assistant> {
    shell
        .run(move |app| {
            app.save_assistant(&assistant.input(), Utc::now())
                .map(|_| assistant)
        })
        .await
}

/// Loads the demo data into an empty data folder; true when it did.
#[tauri::command]
pub async fn load_demo(handle: AppHandle, shell: State<'_, Shell>) -> Answer<bool> {
    shell.load_demo(&handle).await
}

/// Writes the month's reports (exact bytes + `index.json`) to `<data folder>/export/<month>`.
#[tauri::command]
pub async fn export_reports(
    handle: AppHandle,
    shell: State<'_, Shell>,
    month: String,
) -> Answer<ipc::ExportResult> {
    progress(&handle, "export", 0, 1);
    let result = shell
        .run(move |app| {
            let folder = app.data_dir().join("export").join(&month);
            let index = app.export_reports(convert::month(&month)?, &folder, Utc::now())?;
            Ok(ipc::ExportResult::new(index, &folder))
        })
        .await;
    progress(&handle, "export", 1, 1);
    result
}

/// The Settings screen: the environment, the data folder in use, the certificates and the
/// language.
#[tauri::command]
pub async fn settings(shell: State<'_, Shell>) -> Answer<ipc::Settings> {
    Ok(shell.settings())
}

/// Changes the UI language (remembered for the next start).
#[tauri::command]
pub async fn set_language(
    shell: State<'_, Shell>,
    language: ipc::Language,
) -> Answer<ipc::Settings> {
    shell.set_language(language)
}

/// Chooses where reports go, switching between the demo folder and the folder for real data
/// when the choice needs the other one ([`Shell::set_environment`]); refused with `busy` while
/// a submission run or a signing order is in progress. Demo data never goes to a real FK, real
/// data never to the demo.
#[tauri::command]
pub async fn set_environment(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    environment: ipc::Environment,
) -> Answer<ipc::Settings> {
    shell.set_environment(desks.inner(), environment).await
}

/// Deletes a person with assistance: refused (`delete_blocked`) while signed or sent reports
/// depend on them; unsigned shifts go with them only when `confirmed` (else
/// `confirmation_needed` with the question to ask).
#[tauri::command]
pub async fn delete_person(
    shell: State<'_, Shell>,
    personnummer: String,
    confirmed: Option<bool>,
) -> Answer<()> {
    shell
        .run(move |app| {
            app.delete_person(&personnummer, confirmed.unwrap_or(false), Utc::now())
                .map(|_| ())
        })
        .await
}

/// Deletes an assistant; the same rules as [`delete_person`].
#[tauri::command]
pub async fn delete_assistant(
    shell: State<'_, Shell>,
    id: String,
    confirmed: Option<bool>,
) -> Answer<()> {
    shell
        .run(move |app| {
            app.delete_assistant(&id, confirmed.unwrap_or(false), Utc::now())
                .map(|_| ())
        })
        .await
}

/// Imports a PKCS#12 file chosen in the webview (FK's client certificate or BankID's RP
/// certificate): checked with `password` in memory, kept encrypted, the password in the OS
/// keychain. `key_choice`: which key (name or serial number) when the file holds several that
/// may log in (the refusal `several_client_keys` lists them).
#[tauri::command]
pub async fn import_certificate(
    shell: State<'_, Shell>,
    purpose: ipc::CertificatePurpose,
    file: Option<ipc::ImportFile>,
    password: String,
    key_choice: Option<String>,
) -> Answer<ipc::Settings> {
    let password = assistid_app::core_types::secret::Sensitive::new(password);
    let (name, bytes) = crate::shell::certificate_bytes(file.as_ref())?;
    let purpose = crate::shell::app_purpose(purpose);
    shell
        .run(move |app| {
            app.import_certificate_choosing_key(
                purpose,
                &name,
                &bytes,
                &password,
                key_choice.as_deref(),
                Utc::now(),
            )
        })
        .await?;
    Ok(shell.settings())
}

/// Replaces the address of FK's test or production service in a folder for real data;
/// without an address, FK's published one is used again.
#[tauri::command]
pub async fn set_fk_endpoint(
    shell: State<'_, Shell>,
    environment: ipc::Environment,
    endpoint: Option<String>,
) -> Answer<ipc::Settings> {
    shell.set_fk_endpoint(environment, endpoint).await
}

/// Chooses which server certificates are trusted for FK's test or production service: FK's
/// CA file chosen in the webview (checked, then kept in the database) or the computer's root
/// certificates.
#[tauri::command]
pub async fn set_fk_trust(
    shell: State<'_, Shell>,
    environment: ipc::Environment,
    choice: ipc::TrustChoice,
) -> Answer<ipc::Settings> {
    shell.set_fk_trust(environment, choice).await
}

/// Replaces the address of BankID's test service (a stand-in or a BankID test proxy); without
/// an address, BankID's own test address again. Refused in production (always BankID's own).
#[tauri::command]
pub async fn set_bankid_endpoint(
    shell: State<'_, Shell>,
    endpoint: Option<String>,
) -> Answer<ipc::Settings> {
    shell.set_bankid_endpoint(endpoint).await
}

/// Chooses the CA file the TLS certificate of BankID's test service must chain to; without a
/// file, BankID's own test root again. Refused in production.
#[tauri::command]
pub async fn set_bankid_server_ca(
    shell: State<'_, Shell>,
    file: Option<ipc::ImportFile>,
) -> Answer<ipc::Settings> {
    shell.set_bankid_server_ca(file).await
}

/// Chooses the extra root for user certificates trusted in BankID's test environment; without
/// a file, removes it. Refused in production.
#[tauri::command]
pub async fn set_bankid_user_root(
    shell: State<'_, Shell>,
    file: Option<ipc::ImportFile>,
) -> Answer<ipc::Settings> {
    shell.set_bankid_user_root(file).await
}

/// Settings → "Skicka via leverantören": how the folder sends and what it is enrolled as at
/// the vendor's relay.
#[tauri::command]
pub async fn relay_settings(shell: State<'_, Shell>) -> Answer<ipc::RelaySettings> {
    shell.run(crate::relay::status).await
}

/// "Anslut": enrols the folder with the vendor's relay (its address, the one-time code and,
/// if the vendor gave one, the relay's CA file); from then on reports go through the relay.
/// Refused with `busy` while a submission run or a signing order is in progress.
#[tauri::command]
pub async fn enrol_relay(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    address: String,
    code: String,
    ca_file: Option<ipc::ImportFile>,
) -> Answer<ipc::RelaySettings> {
    if let Some(busy) = relay_busy(&desks) {
        return Err(busy);
    }
    shell
        .run(move |app| crate::relay::enrol(app, &address, &code, ca_file.as_ref()))
        .await
}

/// "Sluta skicka via leverantören": back to sending directly with the folder's own FK
/// certificate (refused while a report handed to the relay still waits for its answer).
#[tauri::command]
pub async fn leave_relay(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
) -> Answer<ipc::RelaySettings> {
    if let Some(busy) = relay_busy(&desks) {
        return Err(busy);
    }
    shell.run(crate::relay::leave).await
}

/// `busy` while a submission run or a signing order works on the folder, in the words of
/// the relay block.
fn relay_busy(desks: &Desks) -> Option<IpcError> {
    desks.busy().map(|busy| IpcError {
        message: "Ett inskick eller en underskrift med BankID pågår. Vänta tills det är klart \
                  och ändra sedan hur rapporterna skickas."
            .to_owned(),
        ..busy
    })
}

/// Stages the file the user chose in the webview's file dialog (name and bytes).
#[tauri::command]
pub async fn open_import_file(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    file: ipc::ImportFile,
) -> Answer<ipc::ChosenFile> {
    desks
        .import
        .open(&shell.data_dir(), &file)
        .map_err(|e| IpcError::in_lang(e.into(), shell.language().into()))
}

/// Previews a staged file: every problem with its row, column and value.
#[tauri::command]
pub async fn preview_import(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    file: ipc::ChosenFile,
) -> Answer<ipc::ImportPreview> {
    let session = desks.import.clone();
    let lang = shell.language().into();
    shell
        .run(move |app| session.preview(app, &file.file_token, lang, Utc::now()))
        .await
}

/// Replaces one row's values (a fix typed in the preview) and previews again.
#[tauri::command]
pub async fn fix_import_row(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    file_token: String,
    row: u32,
    values: Vec<String>,
) -> Answer<ipc::ImportPreview> {
    let session = desks.import.clone();
    let lang = shell.language().into();
    shell
        .run(move |app| session.fix_row(app, &file_token, row, &values, lang, Utc::now()))
        .await
}

/// Stores the file's valid shifts, leaving out `skip_rows`; all or nothing.
#[tauri::command]
pub async fn commit_import(
    handle: AppHandle,
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    file_token: String,
    skip_rows: Vec<u32>,
) -> Answer<ipc::ImportResult> {
    let session = desks.import.clone();
    progress(&handle, "import", 0, 1);
    let result = shell
        .run(move |app| session.commit(app, &file_token, &skip_rows, Utc::now()))
        .await;
    progress(&handle, "import", 1, 1);
    result
}

/// Leaves an import without committing: the staged copy of the file is deleted.
#[tauri::command]
pub async fn cancel_import(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    file_token: String,
) -> Answer<()> {
    desks
        .import
        .cancel(&file_token)
        .map_err(|e| IpcError::in_lang(e.into(), shell.language().into()))
}

/// Starts a BankID order for one report, signed by its assistant or by the provider: with
/// the QR code (or the BankID app on this computer), or, given `call_initiator`, as a phone
/// order during a call with the signer.
#[tauri::command]
pub async fn start_signing(
    handle: AppHandle,
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    report_id: String,
    role: ipc::SignerRole,
    call_initiator: Option<ipc::CallInitiator>,
) -> Answer<ipc::SignOrder> {
    desks
        .signing
        .prepare_and_start(
            handle,
            &shell,
            crate::signing::options(call_initiator),
            move |app| crate::signing::prepare(app, &report_id, role),
        )
        .await
}

/// Starts the provider's signing of every report of the month ready for it: one order, or as
/// few as BankID's size limits allow, run back to back in one flow. `signatory` (a
/// personnummer) chooses who signs; without it the provider's only signatory does. Given
/// `call_initiator`, every order is a phone order during a call with the signatory.
#[tauri::command]
pub async fn start_provider_batch(
    handle: AppHandle,
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    month: String,
    signatory: Option<String>,
    call_initiator: Option<ipc::CallInitiator>,
) -> Answer<ipc::SignOrder> {
    desks
        .signing
        .prepare_and_start(
            handle,
            &shell,
            crate::signing::options(call_initiator),
            move |app| {
                crate::signing::provider_orders(
                    app,
                    convert::month(&month)?,
                    None,
                    signatory.as_deref(),
                )
            },
        )
        .await
}

/// The signing flow's latest status.
#[tauri::command]
pub async fn sign_status(desks: State<'_, Desks>, order_ref: String) -> Answer<ipc::SignStatus> {
    desks.signing.status(&order_ref)
}

/// The animated QR code for now, as an SVG document (empty when none is needed).
#[tauri::command]
pub async fn qr_frame(desks: State<'_, Desks>, order_ref: String) -> Answer<String> {
    desks.signing.qr_svg(&order_ref)
}

/// Cancels the order; nothing is stored.
#[tauri::command]
pub async fn cancel_signing(desks: State<'_, Desks>, order_ref: String) -> Answer<()> {
    desks.signing.cancel(&order_ref)
}

/// Opens the BankID app on this computer (same-device start) through the OS.
#[tauri::command]
pub async fn open_bankid_on_this_computer(
    handle: AppHandle,
    desks: State<'_, Desks>,
    order_ref: String,
) -> Answer<()> {
    let url = desks.signing.start_on_this_computer(&handle, &order_ref)?;
    assistid_app::signing::open_bankid_app(&url).map_err(|e| IpcError::from(anyhow::Error::new(e)))
}

/// Demo only: the simulated BankID app approves, cancels, lets the order expire, or (phone
/// orders) says that no call is going on.
#[tauri::command]
pub async fn simulate_bankid_app(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    order_ref: String,
    action: ipc::SimulatedBankIdAction,
) -> Answer<()> {
    desks.signing.simulate(&shell, &order_ref, action).await
}

/// Queues the month's ready reports and sends them at FK's pace in the background.
#[tauri::command]
pub async fn submit(
    handle: AppHandle,
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    month: String,
) -> Answer<ipc::SubmissionQueue> {
    desks.submission.submit(handle, &shell, month).await
}

/// Every submission with its state.
#[tauri::command]
pub async fn submission_queue(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
) -> Answer<ipc::SubmissionQueue> {
    desks.submission.queue(&shell).await
}

/// FK's raw answers for one submission.
#[tauri::command]
pub async fn raw_fk_answer(
    shell: State<'_, Shell>,
    submission_id: String,
) -> Answer<ipc::RawFkAnswer> {
    shell
        .run(move |app| crate::submission::raw_answer(app, &submission_id))
        .await
}

/// Every submission of every report version, newest first.
#[tauri::command]
pub async fn history(shell: State<'_, Shell>) -> Answer<Vec<ipc::HistoryEntry>> {
    let lang = shell.language().into();
    shell
        .run(move |app| crate::records::history(app, lang))
        .await
}

/// Writes the month's receipt (PDF and JSON) into the data folder's `exports`.
#[tauri::command]
pub async fn export_receipt(shell: State<'_, Shell>, month: String) -> Answer<ipc::WrittenFile> {
    let lang = shell.language().into();
    shell
        .run(move |app| {
            crate::records::export_receipt(app, app.data_dir(), convert::month(&month)?, lang)
        })
        .await
}

/// Writes one PDF per assistant with their reports as sent.
#[tauri::command]
pub async fn export_assistant_copies(
    shell: State<'_, Shell>,
    month: String,
) -> Answer<ipc::WrittenFile> {
    let lang = shell.language().into();
    shell
        .run(move |app| {
            crate::records::export_assistant_copies(
                app,
                app.data_dir(),
                convert::month(&month)?,
                lang,
            )
        })
        .await
}

/// Writes the invoice figures per person (PDF and CSV).
#[tauri::command]
pub async fn export_invoice(shell: State<'_, Shell>, month: String) -> Answer<ipc::WrittenFile> {
    let lang = shell.language().into();
    shell
        .run(move |app| {
            crate::records::export_invoice(app, app.data_dir(), convert::month(&month)?, lang)
        })
        .await
}

/// The month's deadline, what is missing and whom to remind.
#[tauri::command]
pub async fn reminders(shell: State<'_, Shell>, month: String) -> Answer<ipc::Reminders> {
    shell
        .run(move |app| crate::records::reminders(app, convert::month(&month)?))
        .await
}

/// Opens a file the shell exported, with the OS's own program.
#[tauri::command]
pub async fn open_export(shell: State<'_, Shell>, path: String) -> Answer<()> {
    crate::records::open_export(&shell.data_dir(), &path)
}

/// Backups: whether they are on, where they go, the last good and failed one, the overview's
/// warning, and whether a backup can be restored into the folder for real data.
#[tauri::command]
pub async fn backup_settings(shell: State<'_, Shell>) -> Answer<ipc::BackupSettings> {
    crate::backup::settings(&shell).await
}

/// Makes a new recovery key and returns it to be shown once; backups use it after
/// [`confirm_recovery_key`].
#[tauri::command]
pub async fn prepare_recovery_key(shell: State<'_, Shell>) -> Answer<ipc::RecoveryKeyShown> {
    shell
        .run(|app| {
            let key = app.prepare_recovery_key(Utc::now())?;
            Ok(ipc::RecoveryKeyShown {
                recovery_key: key.grouped().expose().clone(),
            })
        })
        .await
}

fn signatory_list(app: &assistid_app::App) -> anyhow::Result<Vec<ipc::Signatory>> {
    Ok(app
        .signatories()?
        .iter()
        .map(ipc::Signatory::from)
        .collect())
}

/// The people who sign for the provider (firmatecknare).
#[tauri::command]
pub async fn signatories(shell: State<'_, Shell>) -> Answer<Vec<ipc::Signatory>> {
    shell.run(signatory_list).await
}

/// Registers a person who signs for the provider; returns every signatory.
#[tauri::command]
pub async fn add_signatory(
    shell: State<'_, Shell>,
    personnummer: String,
    first_name: String,
    last_name: String,
) -> Answer<Vec<ipc::Signatory>> {
    shell
        .run(move |app| {
            app.add_signatory(&personnummer, &first_name, &last_name, chrono::Utc::now())?;
            signatory_list(app)
        })
        .await
}

/// The recovery key typed back: turns backups on when it is the one just shown.
#[tauri::command]
pub async fn confirm_recovery_key(
    shell: State<'_, Shell>,
    typed: String,
) -> Answer<ipc::BackupSettings> {
    shell
        .run(move |app| app.confirm_recovery_key(&typed, Utc::now()))
        .await?;
    crate::backup::settings(&shell).await
}

/// Chooses the folder for automatic backups (typed by the user: a network drive or a synced
/// folder) and how many are kept.
#[tauri::command]
pub async fn set_backup_folder(
    shell: State<'_, Shell>,
    folder: String,
    keep: u32,
) -> Answer<ipc::BackupSettings> {
    shell
        .run(move |app| app.set_backup_folder(std::path::Path::new(&folder), keep, Utc::now()))
        .await?;
    crate::backup::settings(&shell).await
}

/// Makes a backup into the chosen folder now.
#[tauri::command]
pub async fn backup_now(shell: State<'_, Shell>) -> Answer<ipc::BackupSettings> {
    crate::backup::backup_now(&shell).await?;
    crate::backup::settings(&shell).await
}

/// Restores a backup file chosen in the webview into the folder for real data (which must have
/// no database), with the recovery key typed by the user, and opens it.
#[tauri::command]
pub async fn restore_backup(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
    file: ipc::ImportFile,
    recovery_key: String,
) -> Answer<ipc::RestoreResult> {
    crate::backup::restore(&shell, desks.inner(), file, recovery_key).await
}

/// The going-live checklist for the open data folder (Settings).
#[tauri::command]
pub async fn going_live(shell: State<'_, Shell>) -> Answer<Vec<ipc::LiveStep>> {
    let lang: assistid_app::core_types::text::Lang = shell.language().into();
    shell
        .run(move |app| {
            Ok(app
                .going_live(chrono::Utc::now())?
                .into_iter()
                .map(|s| ipc::LiveStep::from_domain(&s, lang))
                .collect())
        })
        .await
}

fn check_outcome(
    c: assistid_app::going_live::CheckOutcome,
    lang: assistid_app::core_types::text::Lang,
) -> ipc::CheckOutcome {
    ipc::CheckOutcome::from_domain(c, lang)
}

/// "Testa anslutningen till Försäkringskassan": a TLS handshake with the folder's FK service
/// using the client certificate, against the chosen CA, and the certificate's expiry; for a
/// folder that sends through the vendor's relay, a call to the relay with the installation's
/// certificate ([`assistid_app::App::check_relay_connection`]).
#[tauri::command]
pub async fn check_fk_connection(shell: State<'_, Shell>) -> Answer<ipc::CheckOutcome> {
    // A folder that sends through the vendor's relay tests the relay (its address, its
    // server certificate and this installation's), not an FK certificate it does not have.
    let via_relay = shell
        .run(|app| {
            Ok(
                if app.sending_mode()? == assistid_app::submit::SendingMode::Relay {
                    // On a blocking thread (Shell::run): waiting for the call here is fine.
                    Some(tauri::async_runtime::block_on(app.check_relay_connection()))
                } else {
                    None
                },
            )
        })
        .await?;
    if let Some(outcome) = via_relay {
        return Ok(check_outcome(outcome, shell.language().into()));
    }
    let fk = shell
        .run(|app| {
            let environment = app.default_environment()?;
            crate::demo_fk::FkLink::connect(app, environment)
        })
        .await?;
    let outcome =
        assistid_app::going_live::check_fk_connection(fk.connection(), chrono::Utc::now()).await;
    // Stopping the demo's FK waits for its thread: not on the async runtime.
    let _stopped = tauri::async_runtime::spawn_blocking(move || drop(fk)).await;
    Ok(check_outcome(outcome, shell.language().into()))
}

/// "Testa BankID": an order started with the RP certificate at the folder's BankID and
/// cancelled at once.
#[tauri::command]
pub async fn check_bankid(
    shell: State<'_, Shell>,
    desks: State<'_, Desks>,
) -> Answer<ipc::CheckOutcome> {
    let lang = shell.language().into();
    desks
        .signing
        .check_bankid(&shell)
        .await
        .map(|c| check_outcome(c, lang))
}

/// One submission with the way out of its state: the request time to quote to FK, the audit
/// trail, FK's answer explained, and whether the coordinator may decide (uncertain).
#[tauri::command]
pub async fn submission_detail(
    shell: State<'_, Shell>,
    submission_id: String,
) -> Answer<crate::ways_out::SubmissionDetail> {
    let lang = shell.language().into();
    shell
        .run(move |app| crate::ways_out::detail(app, &submission_id, lang))
        .await
}

/// The coordinator's decision on an uncertain submission ("FK fick den" with the tx-id,
/// "Skicka igen", "Skicka inte"), as `assistid submissions resolve`.
#[tauri::command]
pub async fn resolve_submission(
    shell: State<'_, Shell>,
    submission_id: String,
    decision: crate::ways_out::ResolveDecision,
) -> Answer<crate::ways_out::SubmissionDetail> {
    let lang = shell.language().into();
    shell
        .run(move |app| crate::ways_out::resolve(app, &submission_id, &decision, lang))
        .await
}

/// "Skapa felrapport till leverantören": the diagnostics bundle (no personal data) written
/// under `exports`, for the user to attach.
#[tauri::command]
pub async fn write_diagnostics(
    shell: State<'_, Shell>,
    submission_id: String,
) -> Answer<ipc::WrittenFile> {
    let lang = shell.language().into();
    shell
        .run(move |app| {
            crate::ways_out::write_diagnostics(app, app.data_dir(), &submission_id, lang)
        })
        .await
}

/// The vendor's support contact (Settings → "Leverantörens support").
#[tauri::command]
pub async fn support_contact(shell: State<'_, Shell>) -> Answer<crate::ways_out::SupportContact> {
    let lang = shell.language().into();
    shell
        .run(move |app| crate::ways_out::support_contact(app, lang))
        .await
}

/// Saves the vendor's support contact; a mistyped field is refused with its name and value.
#[tauri::command]
pub async fn set_support_contact(
    shell: State<'_, Shell>,
    contact: crate::ways_out::SupportContact,
) -> Answer<crate::ways_out::SupportContact> {
    let lang = shell.language().into();
    shell
        .run(move |app| crate::ways_out::set_support_contact(app, &contact, lang))
        .await
}

/// "Kontrollera en fil": is the chosen report file exactly one that was sent from here?
#[tauri::command]
pub async fn check_report_file(
    shell: State<'_, Shell>,
    file: ipc::ImportFile,
) -> Answer<crate::ways_out::FileCheck> {
    shell
        .run(move |app| crate::ways_out::check_file(app, &file))
        .await
}

/// The change nights of a year (issue 19: the UI holds no DST rule of its own).
#[tauri::command]
pub async fn dst_changes(year: i32) -> Answer<assistid_app::calendar::DstYear> {
    crate::calendar::dst_year(year)
}

/// Whether a wall-clock reading (`YYYY-MM-DDTHH:MM`) exists once, never or twice.
#[tauri::command]
pub async fn classify_local(local: String) -> Answer<assistid_app::calendar::LocalTimeClass> {
    crate::calendar::local_class(&local)
}

/// FK's deadline for a month (or, without one, the month due next) on the UI's today.
#[tauri::command]
pub async fn deadline(
    month: Option<String>,
    today: String,
) -> Answer<assistid_app::calendar::Deadline> {
    crate::calendar::deadline_of(month.as_deref(), &today)
}

/// Registers every command, and lists their names for the generated bindings — one list, so
/// the bindings cannot name a command the shell does not have.
macro_rules! commands {
    ($($name:ident),* $(,)?) => {
        /// The names of every registered command, in registration order.
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        /// The invoke handler with every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

commands![
    month_overview,
    month_review,
    month_grid,
    person_details,
    add_team_member,
    remove_team_member,
    add_grant,
    remove_grant,
    register,
    save_provider,
    save_person,
    save_assistant,
    load_demo,
    export_reports,
    settings,
    set_language,
    set_environment,
    set_fk_endpoint,
    set_fk_trust,
    set_bankid_endpoint,
    set_bankid_server_ca,
    set_bankid_user_root,
    relay_settings,
    enrol_relay,
    leave_relay,
    going_live,
    signatories,
    add_signatory,
    check_fk_connection,
    check_bankid,
    open_import_file,
    preview_import,
    fix_import_row,
    commit_import,
    cancel_import,
    start_signing,
    start_provider_batch,
    sign_status,
    qr_frame,
    cancel_signing,
    open_bankid_on_this_computer,
    simulate_bankid_app,
    submit,
    submission_queue,
    raw_fk_answer,
    delete_person,
    delete_assistant,
    add_shift,
    update_shift,
    delete_shift,
    import_certificate,
    history,
    export_receipt,
    export_assistant_copies,
    export_invoice,
    reminders,
    open_export,
    backup_settings,
    prepare_recovery_key,
    confirm_recovery_key,
    set_backup_folder,
    backup_now,
    restore_backup,
    submission_detail,
    resolve_submission,
    write_diagnostics,
    check_report_file,
    support_contact,
    set_support_contact,
    dst_changes,
    classify_local,
    deadline,
];
