//! Signing over the phone (issue 16): the coordinator is in a telephone call with the
//! assistant (or the provider's signatory) and starts a BankID phone order (`/phone/sign`);
//! the signer approves it in the BankID app on their own phone, which tells them they are
//! expected to be in a call with the provider and lets them say that they are not.
//!
//! Everything after the start is the same path as the other ways to sign — no copy of it: the
//! order is pinned to the signer's personnummer (BankID delivers it to that person's app only),
//! the signature is checked completely (the texts sent, the signer, XML-DSig, the chain to the
//! environment's BankID root, the OCSP answer present), bound to the report versions, and
//! storing it freezes the report. These functions only choose [`StartMode::Phone`] and the
//! `callInitiator`; a UI that prepares orders itself sets the same two fields with
//! [`SigningOptions::phone`] and calls [`App::prepare_assistant_signing`] and
//! [`PreparedOrder::sign`](super::PreparedOrder::sign).
//!
//! While a phone order runs, [`SigningEvent::OrderStarted`] has an empty `autostart_url` and no
//! [`SigningEvent::Qr`] comes; [`SigningEvent::Message`] carries BankID's state for the
//! coordinator to read out (e.g. "Bekräfta i BankID-appen att du är i ett samtal med oss."). A
//! signer who says no call is going on ends the order with
//! [`SigningError::OrderFailed`] (`hint` `userDeclinedCall`); nothing is stored.

use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;

use super::{
    AssistantSigned, BankIdConnection, CallInitiator, CancelSignal, ProviderSigned, SigningError,
    SigningEvent, SigningOptions, StartMode, Uuid,
};
use crate::App;

impl SigningOptions {
    /// These options for a phone order started while `call_initiator` is in a call with the
    /// signer: [`StartMode::Phone`] (no QR code, no autostart) and BankID's `callInitiator`.
    pub fn phone(self, call_initiator: CallInitiator) -> Self {
        Self {
            start_mode: StartMode::Phone,
            call_initiator,
            ..self
        }
    }
}

impl App {
    /// The assistant signs one report version by a BankID phone order, during a call with the
    /// coordinator: [`App::sign_as_assistant`] with [`SigningOptions::phone`]. The order goes to
    /// the assistant's personnummer only; the rest is as for every signature.
    pub async fn sign_as_assistant_by_phone(
        &self,
        report_id: Uuid,
        call_initiator: CallInitiator,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) -> Result<AssistantSigned, SigningError> {
        let options = options.clone().phone(call_initiator);
        self.sign_as_assistant(report_id, connection, &options, cancel, on_event)
            .await
    }

    /// The provider's signatory signs the month's assistant-signed reports by BankID phone
    /// orders (as few as BankID's limits allow, one after the other), during a call with the
    /// coordinator: [`App::sign_as_provider`] with [`SigningOptions::phone`].
    #[allow(clippy::too_many_arguments)]
    pub async fn sign_as_provider_by_phone(
        &self,
        month: ReportMonth,
        only: Option<&[Uuid]>,
        signatory: &Personnummer,
        call_initiator: CallInitiator,
        connection: &BankIdConnection,
        options: &SigningOptions,
        cancel: &CancelSignal,
        on_event: &mut (dyn FnMut(SigningEvent) + Send),
    ) -> Result<ProviderSigned, SigningError> {
        let options = options.clone().phone(call_initiator);
        self.sign_as_provider(
            month, only, signatory, connection, &options, cancel, on_event,
        )
        .await
    }
}
