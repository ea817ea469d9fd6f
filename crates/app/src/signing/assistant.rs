//! The assistant's order: one report version, checked and signed.

use assistid_bankid::CancelSignal;
use assistid_core::ids::Personnummer;
use assistid_store::SignerRole;
use assistid_store::SigningState;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::App;

use super::connection::BankIdConnection;
use super::{PreparedOrder, SigningError, SigningEvent, SigningOptions, store_err, text};

/// A stored assistant signature.
#[derive(Debug, Clone, Serialize)]
pub struct AssistantSigned {
    /// The report version signed (now frozen).
    pub report_id: Uuid,
    /// The stored signature.
    pub signature_id: i64,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
    /// The signer's name as BankID gave it.
    pub signer_name: String,
}

impl App {
    /// The assistant signs one report version with BankID (see the module documentation).
    /// The version must be the report's latest, without review errors and unsigned.
    ///
    /// This is [`App::prepare_assistant_signing`], [`PreparedOrder::sign`] and
    /// [`App::store_signature`] in a row.
    pub async fn sign_as_assistant(
        &self,
        report_id: Uuid,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) -> Result<AssistantSigned, SigningError> {
        let order = self.prepare_assistant_signing(report_id, (options.clock)())?;
        let signed = order.sign(connection, options, cancel, on_event).await?;
        let stored = self.store_signature(&signed)?;
        Ok(AssistantSigned {
            report_id,
            signature_id: stored.signature_id,
            signed_on: stored.signed_on,
            signer_name: signed.completion.completion.user.name.clone(),
        })
    }

    /// Checks that the assistant can sign the report version now and builds the order: the
    /// version is the latest, unsigned, without review errors, and the assistant has a
    /// personnummer.
    pub fn prepare_assistant_signing(
        &self,
        report_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<PreparedOrder, SigningError> {
        let environment = self.bankid_environment()?;
        let version = self.version(report_id)?;
        if let Some(newer) = version.superseded_by {
            return Err(SigningError::not_signable(
                "not_current_version",
                super::error::templates::SUPERSEDED
                    .with("report_id", report_id.to_string())
                    .with("newer", newer.to_string()),
            ));
        }
        if self
            .store()
            .report_signing_state(report_id, environment.stored())
            .map_err(store_err)?
            != SigningState::Unsigned
        {
            return Err(SigningError::not_signable(
                "already_signed",
                super::error::templates::ALREADY_SIGNED.with("report_id", report_id.to_string()),
            ));
        }
        let review = self.month_review(version.month, now)?;
        let report = Self::current_report(&review, report_id).ok_or_else(|| {
            SigningError::not_signable(
                "not_current_version",
                super::error::templates::DATA_CHANGED.with("report_id", report_id.to_string()),
            )
        })?;
        let assistant = Personnummer::try_from(version.assistant.clone()).map_err(|_| {
            SigningError::not_signable(
                "assistant_has_samordningsnummer",
                super::error::templates::SAMORDNINGSNUMMER_CANNOT_SIGN
                    .with("name", report.assistant_name()),
            )
        })?;
        if !report.is_sendable() {
            let errors: Vec<String> = report.errors().iter().map(|e| e.message.clone()).collect();
            return Err(SigningError::not_signable(
                "report_not_sendable",
                super::error::templates::REPORT_NOT_SENDABLE
                    .with("report_id", report_id.to_string())
                    .with("assistant", report.assistant_name())
                    .with("person", report.person_name())
                    .with("errors", errors.join("; ")),
            ));
        }
        let provider = self.provider()?.ok_or_else(|| {
            SigningError::not_signable(
                "no_provider",
                super::error::templates::NO_PROVIDER_REGISTERED.text(),
            )
        })?;
        Ok(PreparedOrder {
            role: SignerRole::Assistant,
            environment,
            report_ids: vec![report_id],
            visible_text: text::assistant_rows_text(
                &provider,
                version.month,
                &text::AssistantReport::from_review(report, version.version),
                assistid_bankid::types::USER_VISIBLE_DATA_MAX,
            )
            .map_err(|e| {
                SigningError::not_signable(
                    "visible_text_too_long",
                    super::error::templates::VISIBLE_TEXT_TOO_LONG.with("reason", e.to_string()),
                )
            })?
            .0,
            binding: version.binding.clone(),
            signer: assistant,
            signer_name: report.assistant_name().to_owned(),
            order: 1,
            orders: 1,
        })
    }
}
