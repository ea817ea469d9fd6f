//! Who may sign for the provider, and the demo's signatory.

use assistid_core::ids::Personnummer;
use assistid_store::{NewSignatory, StoredSignatory};
use chrono::{DateTime, Utc};

use crate::{App, AppError};

/// The demo provider's manager, Karin Lindqvist, who signs for the demo provider.
pub const DEMO_SIGNATORY: &str = "197205141232";

/// The demo data's signatory (see [`DEMO_SIGNATORY`]).
pub fn demo_signatory() -> Result<NewSignatory, AppError> {
    Ok(NewSignatory {
        personnummer: Personnummer::from_digits(DEMO_SIGNATORY)
            .map_err(|e| AppError::invalid_with("personnummer", e.text()))?,
        first_name: "Karin".to_owned(),
        last_name: "Lindqvist".to_owned(),
    })
}

impl App {
    /// Adds a person allowed to sign for the provider (personnummer in any common form).
    pub fn add_signatory(
        &self,
        personnummer: &str,
        first_name: &str,
        last_name: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<StoredSignatory> {
        let pnr = Personnummer::parse(personnummer, now.date_naive())
            .map_err(|e| AppError::invalid_with("personnummer", e.text()))?;
        let provider = self
            .store()
            .list_providers()
            .map_err(AppError::from)?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::missing_text(crate::error::templates::NO_PROVIDER.text()))?;
        self.store()
            .add_signatory(
                provider.id,
                &NewSignatory {
                    personnummer: pnr.clone(),
                    first_name: first_name.to_owned(),
                    last_name: last_name.to_owned(),
                },
                now,
            )
            .map_err(AppError::from)?;
        self.log_event(now, "signatory_added", None, serde_json::json!({}))?;
        self.signatories()?
            .into_iter()
            .find(|s| s.personnummer == pnr)
            .ok_or_else(|| {
                AppError::missing_text(crate::error::templates::SIGNATORY_NOT_SAVED.text()).into()
            })
    }

    /// The provider's signatories.
    pub fn signatories(&self) -> anyhow::Result<Vec<StoredSignatory>> {
        let Some(provider) = self
            .store()
            .list_providers()
            .map_err(AppError::from)?
            .into_iter()
            .next()
        else {
            return Ok(Vec::new());
        };
        Ok(self
            .store()
            .list_signatories(provider.id)
            .map_err(AppError::from)?)
    }
}
