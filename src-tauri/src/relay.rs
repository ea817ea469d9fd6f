//! Settings → "Skicka via leverantören" (issue 17): the data folder enrols with the vendor's
//! relay (its address, the one-time code the vendor gave and, when the vendor gave one, the
//! relay's CA file), shows what it is enrolled as, and goes back to sending directly. Each
//! function is a delegation to the app crate (`assistid_app::submit::relay`), with the
//! window's file converted at the boundary; the relay's certificate and key stay inside the
//! encrypted database and never cross the IPC boundary.

use assistid_app::App;
use assistid_app::core_types::ids::OrgNumber;
use assistid_app::submit::{RelayStatus, SendingMode};
use chrono::Utc;

use crate::ipc::{self, IpcError};

/// The folder's relay connection as Settings shows it.
pub fn status(app: &App) -> anyhow::Result<ipc::RelaySettings> {
    let available = app.data_kind()? == assistid_app::submit::DataKind::Real;
    Ok(settings(&app.relay_status()?, available))
}

fn settings(status: &RelayStatus, available: bool) -> ipc::RelaySettings {
    ipc::RelaySettings {
        mode: match status.mode {
            SendingMode::Direct => ipc::SendingMode::Direct,
            SendingMode::Relay => ipc::SendingMode::Relay,
        },
        available,
        address: status.address.clone(),
        installation_id: status.installation_id.clone(),
        // Shown as the coordinator writes it (NNNNNN-NNNN).
        provider: status.provider.as_deref().map(|digits| {
            OrgNumber::parse(digits)
                .map(|o| o.formatted())
                .unwrap_or_else(|_| digits.to_owned())
        }),
        enrolled_at: status.enrolled_at.map(|t| t.to_rfc3339()),
        pinned_ca: status.pinned_ca,
    }
}

/// Enrols the folder with the relay at `address` with the vendor's one-time `code`, trusting
/// the relay's CA file `ca_file` when one was chosen (else the computer's root
/// certificates); from then on the folder sends through the relay.
pub fn enrol(
    app: &App,
    address: &str,
    code: &str,
    ca_file: Option<&ipc::ImportFile>,
) -> anyhow::Result<ipc::RelaySettings> {
    let ca_pem = match ca_file {
        None => None,
        Some(file) => {
            let bytes = file.bytes().ok_or_else(|| {
                IpcError::invalid(
                    "relayns CA-fil",
                    assistid_app::invalid::templates::FILE_INCOMPLETE_UPLOAD.text(),
                )
            })?;
            Some(String::from_utf8(bytes).map_err(|_| {
                IpcError::invalid(
                    "relayns CA-fil",
                    assistid_app::invalid::templates::RELAY_CA_FILE_NOT_PEM
                        .with("file", &file.file_name),
                )
            })?)
        }
    };
    tauri::async_runtime::block_on(app.enrol_with_relay(
        address,
        code,
        ca_pem.as_deref(),
        Utc::now(),
    ))?;
    status(app)
}

/// Goes back to sending directly with the folder's own FK certificate (refused while a
/// report handed to the relay still waits for its answer there).
pub fn leave(app: &App) -> anyhow::Result<ipc::RelaySettings> {
    app.leave_relay(Utc::now())?;
    status(app)
}
