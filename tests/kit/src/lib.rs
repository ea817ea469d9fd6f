//! # assistid-test-kit
//!
//! The one place where tests, benchmarks and the crash harness store a month's signatures
//! without a BankID order: [`sign_month`] signs every current report version of a month as
//! BankID would — each assistant their own report, the provider all of them in one batch —
//! with the fake BankID's signing code ([`assistid_fakes::bankid::sign_document`]), and stores
//! the signatures through the store's API. [`trust_in_demo`] makes the signing CA's root one
//! the demo folder trusts, as a demo run's fake BankID does. [`block_on`] runs a future on a
//! runtime of its own.
//!
//! It is a dev-dependency only: no program depends on it (docs/ARCHITECTURE.md, "Layering").

use std::path::Path;

use assistid_core::ids::Personnummer;
use assistid_core::model::ReportMonth;
use assistid_fakes::bankid::{
    FakeBankIdError, FakeSignature, SignInput, UserCertificateAuthority, sign_document,
};
use assistid_fakes::pki::window_around;
use assistid_store::{
    NewSignature, ReportVersion, SignatureEnvironment, SignerRole, Store, StoreError,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The provider's signatory in the kit's months unless told otherwise (a valid personnummer).
pub const PROVIDER_SIGNER: &str = "197001019871";

/// Why a month could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KitError {
    /// The store refused a read or a write.
    #[error("the store: {0}")]
    Store(#[from] StoreError),
    /// The fake BankID's signing code refused the input.
    #[error("the fake BankID: {0}")]
    Sign(#[from] FakeBankIdError),
    /// A signer's number is not a personnummer (BankID signs with personnummer only).
    #[error("{0} is not a personnummer")]
    NotAPersonnummer(String),
}

/// Who signs a month, when, and in which BankID environment.
#[derive(Debug, Clone, Copy)]
pub struct Signing<'a> {
    /// The CA that issues the signers' user certificates (its root must be trusted by the
    /// folder: [`trust_in_demo`] for the demo).
    pub bankid: &'a UserCertificateAuthority,
    /// The BankID environment the signatures are recorded as made in.
    pub environment: SignatureEnvironment,
    /// The provider's signatory (personnummer digits).
    pub provider_signer: &'a str,
    /// The provider's signatory's name, as BankID would give it.
    pub provider_name: &'a str,
    /// Every assistant's name, as BankID would give it.
    pub assistant_name: &'a str,
    /// When the signatures were made (the certificates are valid around it).
    pub signed_at: DateTime<Utc>,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
}

impl<'a> Signing<'a> {
    /// Signatures in the demo, made at `signed_at`, by [`PROVIDER_SIGNER`] ("Karin Lindqvist")
    /// and assistants called "Test Testsson", dated 2 November 2026 (the kit's months are
    /// October 2026).
    pub fn demo(bankid: &'a UserCertificateAuthority, signed_at: DateTime<Utc>) -> Self {
        Self {
            bankid,
            environment: SignatureEnvironment::Demo,
            provider_signer: PROVIDER_SIGNER,
            provider_name: "Karin Lindqvist",
            assistant_name: "Test Testsson",
            signed_at,
            signed_on: NaiveDate::from_ymd_opt(2026, 11, 2).expect("2 November 2026 is a date"),
        }
    }

    fn sign(
        &self,
        signer: &str,
        name: &str,
        visible: &str,
        non_visible: &str,
    ) -> Result<FakeSignature, KitError> {
        Ok(sign_document(
            self.bankid,
            &SignInput {
                user_visible_data: visible,
                user_non_visible_data: Some(non_visible),
                personal_number: signer,
                name,
                signed_at: self.signed_at,
                certificate_validity: window_around(self.signed_at),
            },
        )?)
    }

    #[allow(clippy::too_many_arguments)]
    fn store(
        &self,
        store: &Store,
        role: SignerRole,
        reports: &[Uuid],
        signer: &str,
        name: &str,
        visible: &str,
        non_visible: &str,
    ) -> Result<(), KitError> {
        let signature = self.sign(signer, name, visible, non_visible)?;
        let personnummer = Personnummer::from_digits(signer)
            .map_err(|_| KitError::NotAPersonnummer(signer.to_owned()))?;
        store.save_signature(&NewSignature {
            role,
            environment: self.environment,
            report_ids: reports,
            order_ref: &Uuid::new_v4().to_string(),
            signer: &personnummer,
            signer_name: name,
            signed_on: self.signed_on,
            signed_at: self.signed_at,
            user_visible_data: visible,
            user_non_visible_data: non_visible,
            signature_base64: &signature.signature_base64(),
            ocsp_response_base64: &signature.ocsp_base64(),
            completion_data_json: &signature
                .completion_data(signer, name, self.signed_on)
                .to_string(),
        })?;
        Ok(())
    }
}

/// Signs every current report version of `month` as BankID would and stores the signatures:
/// each assistant signs their report (the binding text as `tamper` returns it, to prove a
/// wrong binding is refused; pass `|_, binding| binding` to leave it), then the provider
/// signs all of them in one batch. Returns the report ids, in the store's order.
pub fn sign_month(
    store: &Store,
    month: ReportMonth,
    how: &Signing<'_>,
    tamper: impl Fn(Uuid, String) -> String,
) -> Result<Vec<Uuid>, KitError> {
    let versions = store.latest_report_versions_in_month(month)?;
    sign_reports(store, &versions, how, tamper)
}

/// Like [`sign_month`], for the report versions given (all of one month; a test that leaves
/// some of the month unsigned chooses them).
pub fn sign_reports(
    store: &Store,
    versions: &[ReportVersion],
    how: &Signing<'_>,
    tamper: impl Fn(Uuid, String) -> String,
) -> Result<Vec<Uuid>, KitError> {
    if versions.is_empty() {
        return Ok(Vec::new());
    }
    sign_by_assistants(store, versions, how, tamper)?;
    sign_as_provider(store, versions, how)
}

/// The provider's half of [`sign_reports`]: the provider's signatory signs all of `versions`
/// (one month's) in one batch. Returns the report ids, in the order given.
pub fn sign_as_provider(
    store: &Store,
    versions: &[ReportVersion],
    how: &Signing<'_>,
) -> Result<Vec<Uuid>, KitError> {
    let Some(month) = versions.first().map(|v| v.month) else {
        return Ok(Vec::new());
    };
    let visible = STANDARD.encode(format!("Tidredovisning {month}"));
    let ids: Vec<Uuid> = versions.iter().map(|v| v.report_id).collect();
    let batch: Vec<&str> = versions.iter().map(|v| v.binding.as_str()).collect();
    let batch = STANDARD.encode(batch.join(";"));
    how.store(
        store,
        SignerRole::Provider,
        &ids,
        how.provider_signer,
        how.provider_name,
        &visible,
        &batch,
    )?;
    Ok(ids)
}

/// The assistants' half of [`sign_reports`]: each assistant signs their report (the binding
/// text as `tamper` returns it) and the provider does not, so the reports wait for the
/// provider's signature.
pub fn sign_by_assistants(
    store: &Store,
    versions: &[ReportVersion],
    how: &Signing<'_>,
    tamper: impl Fn(Uuid, String) -> String,
) -> Result<(), KitError> {
    for version in versions {
        let visible = STANDARD.encode(format!("Tidredovisning {}", version.month));
        let non_visible = STANDARD.encode(tamper(version.report_id, version.binding.clone()));
        how.store(
            store,
            SignerRole::Assistant,
            &[version.report_id],
            version.assistant.digits(),
            how.assistant_name,
            &visible,
            &non_visible,
        )?;
    }
    Ok(())
}

/// Makes `root_der` a BankID root the demo folder `data_dir` trusts, as a demo run's fake
/// BankID does: saved as `<data>/demo-pki/user-root-<name>.der`.
pub fn trust_in_demo(data_dir: &Path, name: &str, root_der: &[u8]) -> std::io::Result<()> {
    let dir = data_dir.join("demo-pki");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("user-root-{name}.der")), root_der)
}

/// Runs `future` to its end on a multi-threaded runtime of its own (what the CLI and the
/// desktop shell do with theirs).
pub fn block_on<F: std::future::Future>(future: F) -> std::io::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future))
}
