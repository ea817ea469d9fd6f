//! A verified signature stored on every report of its order, in one transaction with its events.

use assistid_store::SignatureId;
use assistid_store::SignerRole;
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::{App, AppError};

use super::connection::wrong_environment;
use super::{SignedOrder, SigningError};

/// One order that was signed and stored (an assistant's, or one of a provider's batch).
#[derive(Debug, Clone, Serialize)]
pub struct OrderSigned {
    /// The stored signature (attached to every report below).
    pub signature_id: i64,
    /// The reports it covers.
    pub reports: Vec<Uuid>,
    /// FK's `datumForSignatur`.
    pub signed_on: NaiveDate,
}

impl App {
    /// Stores a signed order's verified signature on every report it covers and logs
    /// `assistant_signed` / `provider_signed` per report, all in one transaction; the first
    /// signature freezes the report version.
    ///
    /// A signature is stored only in the data folder of its own environment: a demo signature
    /// in a folder with real data, or one made in BankID's test service after the folder moved
    /// to production (or the reverse), is refused (`signature_other_environment`).
    pub fn store_signature(&self, signed: &SignedOrder) -> Result<OrderSigned, SigningError> {
        let order = &signed.order;
        let completion = &signed.completion;
        let folder = self.bankid_environment()?;
        if completion.environment != folder || order.environment != folder {
            return Err(SigningError::Other(
                wrong_environment(
                    "signature_other_environment",
                    crate::error::templates::SIGNATURE_OTHER_ENVIRONMENT
                        .with("signed", completion.environment.text())
                        .with("folder", folder.text()),
                )
                .into(),
            ));
        }
        let new = completion.new_signature(order.role, &order.report_ids);
        let kind = match order.role {
            SignerRole::Assistant => "assistant_signed",
            SignerRole::Provider => "provider_signed",
        };
        let signature_id = self
            .store()
            .transaction(|s| -> Result<SignatureId, anyhow::Error> {
                let id = s.save_signature(&new).map_err(AppError::from)?;
                for &report_id in &order.report_ids {
                    s.append_event(&assistid_store::NewEvent {
                        at: completion.completed_at,
                        kind,
                        report_id: Some(report_id),
                        details: &serde_json::json!({
                            "signature_id": id.get(),
                            "reports_in_order": order.report_ids.len(),
                        }),
                    })
                    .map_err(AppError::from)?;
                }
                Ok(id)
            })?;
        Ok(OrderSigned {
            signature_id: signature_id.get(),
            reports: order.report_ids.clone(),
            signed_on: completion.signed_on(),
        })
    }
}
