//! The register: the provider, persons with assistance and assistants, entered as text the way
//! a user types it and checked with the domain's rules before anything is stored.

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{
    Assistant, CalculationPeriod, Employment, PeriodLength, PersonWithAssistance, Phone, Provider,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{App, AppError};

/// A provider as the user enters it.
#[derive(Debug, Clone, Default)]
pub struct ProviderInput {
    /// Company name.
    pub name: String,
    /// Organisationsnummer.
    pub org_number: String,
    /// Contact person.
    pub contact: Option<String>,
    /// Phone.
    pub phone: String,
}

/// A person with assistance as the user enters it.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    /// Personnummer in any common form.
    pub personnummer: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
}

/// Who employs an assistant, as chosen in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmploymentChoice {
    /// The provider.
    #[default]
    Provider,
    /// Another employer (needs its organisationsnummer).
    OtherEmployer,
    /// Self-employed.
    SelfEmployed,
    /// The person with assistance.
    PersonWithAssistance,
}

/// An assistant as the user enters it.
#[derive(Debug, Clone, Default)]
pub struct AssistantInput {
    /// Personnummer or samordningsnummer.
    pub personnummer: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Covered by a collective agreement.
    pub collective_agreement: bool,
    /// Who employs the assistant.
    pub employment: EmploymentChoice,
    /// Other employer's organisationsnummer.
    pub employer_org: Option<String>,
    /// Other employer's name.
    pub employer_name: Option<String>,
    /// First day of the calculation period (`YYYY-MM-DD`).
    pub period_start: Option<String>,
    /// Period length: `28d` or `4m`.
    pub period_length: Option<String>,
}

/// What a register change did, for the user.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    /// `created` or `updated`.
    pub action: &'static str,
    /// Warnings worth knowing (e.g. samordningsnummer cannot sign with BankID).
    pub warnings: Vec<String>,
}

/// The register's templates, Swedish and English side by side.
pub mod templates {
    use assistid_core::text::Template;

    /// A field and what is wrong with it (as `AppError::Invalid` shows it).
    pub static INVALID_FIELD: Template =
        Template::new("invalid_field", "{field}: {message}", "{field}: {message}");
    /// The personnummer field.
    pub static FIELD_PERSONNUMMER: Template = Template::new(
        "field_personnummer",
        "personnummer",
        "personal identity number",
    );
    /// The first name field.
    pub static FIELD_FIRST_NAME: Template =
        Template::new("field_first_name", "förnamn", "first name");
    /// The last name field.
    pub static FIELD_LAST_NAME: Template =
        Template::new("field_last_name", "efternamn", "last name");
    /// An empty required field.
    pub static MUST_NOT_BE_EMPTY: Template = Template::new(
        "must_not_be_empty",
        "får inte vara tomt",
        "must not be empty",
    );
}

/// Every template of the register.
pub static CATALOG: &[&assistid_core::text::Template] = &[
    &templates::INVALID_FIELD,
    &templates::FIELD_PERSONNUMMER,
    &templates::FIELD_FIRST_NAME,
    &templates::FIELD_LAST_NAME,
    &templates::MUST_NOT_BE_EMPTY,
];

/// `field: message`, told as a text (`invalid_input`).
fn invalid_text(
    field: &'static assistid_core::text::Template,
    message: assistid_core::text::Text,
) -> AppError {
    AppError::invalid_text(
        templates::INVALID_FIELD
            .with("field", field.text())
            .with("message", message),
    )
}

impl App {
    /// Registers the data folder's provider, or updates it. One data folder belongs to one
    /// provider: a different organisationsnummer is refused.
    pub fn save_provider(
        &self,
        input: &ProviderInput,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Saved> {
        let org = OrgNumber::parse(&input.org_number)
            .map_err(|e| AppError::invalid_with("organisationsnummer", e.text()))?;
        let phone =
            Phone::parse(&input.phone).map_err(|e| AppError::invalid_with("telefon", e.text()))?;
        let provider = Provider::new(&input.name, org.clone(), input.contact.as_deref(), phone)
            .map_err(|e| AppError::invalid_with("anordnare", e.text()))?;
        let store = self.store();
        let existing = store.list_providers().map_err(AppError::from)?;
        let action = match existing.first() {
            Some(p) if p.provider.org_number == org => {
                store
                    .update_provider(p.id, &provider)
                    .map_err(AppError::from)?;
                "updated"
            }
            Some(p) => {
                return Err(AppError::invalid_with(
                    "organisationsnummer",
                    crate::invalid::templates::FOLDER_OF_ANOTHER_PROVIDER
                        .with("name", &p.provider.name)
                        .with("org_number", p.provider.org_number.to_string()),
                )
                .into());
            }
            None => {
                store.add_provider(&provider).map_err(AppError::from)?;
                // A provider entered by hand makes this a real data folder (never sent to the
                // demo FK); the demo marks its own data.
                store
                    .set_data_kind(assistid_store::DataKind::Real, now)
                    .map_err(AppError::from)?;
                "created"
            }
        };
        self.log_event(
            now,
            "provider_saved",
            None,
            serde_json::json!({ "action": action }),
        )?;
        Ok(Saved {
            action,
            warnings: Vec::new(),
        })
    }

    /// The data folder's provider, if registered.
    pub fn provider(&self) -> anyhow::Result<Option<Provider>> {
        Ok(self
            .store()
            .list_providers()
            .map_err(AppError::from)?
            .into_iter()
            .next()
            .map(|p| p.provider))
    }

    /// Registers a person with assistance, or updates the names of one already registered.
    pub fn save_person(&self, input: &PersonInput, now: DateTime<Utc>) -> anyhow::Result<Saved> {
        let pnr = Personnummer::parse(&input.personnummer, now.date_naive())
            .map_err(|e| invalid_text(&templates::FIELD_PERSONNUMMER, e.text()))?;
        let person = PersonWithAssistance::new(pnr.clone(), &input.first_name, &input.last_name)
            .map_err(|e| AppError::invalid_with("namn", e.text()))?;
        let store = self.store();
        let provider = store
            .list_providers()
            .map_err(AppError::from)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                AppError::missing_text(crate::error::templates::PROVIDER_FIRST.text())
            })?;
        let action = match store.person_by_personnummer(&pnr).map_err(AppError::from)? {
            Some(existing) => {
                store
                    .update_person(existing.id, provider.id, &person)
                    .map_err(AppError::from)?;
                "updated"
            }
            None => {
                store
                    .add_person(provider.id, &person)
                    .map_err(AppError::from)?;
                "created"
            }
        };
        self.log_event(
            now,
            "person_saved",
            None,
            serde_json::json!({ "action": action }),
        )?;
        Ok(Saved {
            action,
            warnings: Vec::new(),
        })
    }

    /// Persons with assistance.
    pub fn persons(&self) -> anyhow::Result<Vec<PersonWithAssistance>> {
        Ok(self
            .store()
            .list_persons()
            .map_err(AppError::from)?
            .into_iter()
            .map(|p| p.person)
            .collect())
    }

    /// Registers an assistant, or updates one already registered (same identity number).
    pub fn save_assistant(
        &self,
        input: &AssistantInput,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Saved> {
        let assistant = parse_assistant(input, now.date_naive())?;
        let mut warnings = Vec::new();
        if assistant.cannot_sign_with_bankid() {
            warnings.push(
                "samordningsnummer: assistenten kan inte skriva under med BankID, så hens \
                 tidredovisningar kan inte skickas elektroniskt förrän hen har ett personnummer"
                    .to_owned(),
            );
        }
        let store = self.store();
        let action = match store
            .assistant_by_identity(&assistant.id)
            .map_err(AppError::from)?
        {
            Some(existing) => {
                store
                    .update_assistant(existing.id, &assistant)
                    .map_err(AppError::from)?;
                "updated"
            }
            None => {
                store.add_assistant(&assistant).map_err(AppError::from)?;
                "created"
            }
        };
        self.log_event(
            now,
            "assistant_saved",
            None,
            serde_json::json!({ "action": action }),
        )?;
        Ok(Saved { action, warnings })
    }

    /// Assistants.
    pub fn assistants(&self) -> anyhow::Result<Vec<Assistant>> {
        Ok(self
            .store()
            .list_assistants()
            .map_err(AppError::from)?
            .into_iter()
            .map(|a| a.assistant)
            .collect())
    }

    pub(crate) fn log_event(
        &self,
        at: DateTime<Utc>,
        kind: &str,
        report_id: Option<uuid::Uuid>,
        details: serde_json::Value,
    ) -> anyhow::Result<()> {
        self.store()
            .append_event(&assistid_store::NewEvent {
                at,
                kind,
                report_id,
                details: &details,
            })
            .map_err(AppError::from)?;
        Ok(())
    }
}

fn parse_assistant(input: &AssistantInput, today: NaiveDate) -> Result<Assistant, AppError> {
    let id = IdentityNumber::parse(&input.personnummer, today)
        .map_err(|e| invalid_text(&templates::FIELD_PERSONNUMMER, e.text()))?;
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(p) => Some(Phone::parse(p).map_err(|e| AppError::invalid_with("telefon", e.text()))?),
        None => None,
    };
    let employment = match input.employment {
        EmploymentChoice::Provider => Employment::Provider,
        EmploymentChoice::SelfEmployed => Employment::SelfEmployed,
        EmploymentChoice::PersonWithAssistance => Employment::PersonWithAssistance,
        EmploymentChoice::OtherEmployer => {
            let org = input.employer_org.as_deref().ok_or_else(|| {
                AppError::invalid_with(
                    "arbetsgivarens organisationsnummer",
                    crate::invalid::templates::EMPLOYER_ORG_REQUIRED.text(),
                )
            })?;
            Employment::OtherEmployer {
                name: input
                    .employer_name
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                org_number: OrgNumber::parse(org).map_err(|e| {
                    AppError::invalid_with("arbetsgivarens organisationsnummer", e.text())
                })?,
            }
        }
    };
    if input.employment != EmploymentChoice::OtherEmployer && input.employer_org.is_some() {
        return Err(AppError::invalid_with(
            "arbetsgivarens organisationsnummer",
            crate::invalid::templates::EMPLOYER_ORG_ONLY_FOR_OTHER.text(),
        ));
    }
    let calculation_period = match (
        input.period_start.as_deref(),
        input.period_length.as_deref(),
    ) {
        (None, None) => None,
        (Some(start), Some(length)) => {
            let start = NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d").map_err(|_| {
                AppError::invalid_with(
                    "beräkningsperiodens start",
                    crate::invalid::templates::NOT_A_DATE.with("value", format!("{start:?}")),
                )
            })?;
            Some(
                CalculationPeriod::new(start, parse_period_length(length)?)
                    .map_err(|e| AppError::invalid_with("beräkningsperiod", e.text()))?,
            )
        }
        _ => {
            return Err(AppError::invalid_with(
                "beräkningsperiod",
                crate::invalid::templates::PERIOD_START_AND_LENGTH.text(),
            ));
        }
    };
    let first_name = input.first_name.trim();
    let last_name = input.last_name.trim();
    if first_name.is_empty() {
        return Err(invalid_text(
            &templates::FIELD_FIRST_NAME,
            templates::MUST_NOT_BE_EMPTY.text(),
        ));
    }
    if last_name.is_empty() {
        return Err(invalid_text(
            &templates::FIELD_LAST_NAME,
            templates::MUST_NOT_BE_EMPTY.text(),
        ));
    }
    Ok(Assistant {
        id,
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        phone,
        collective_agreement: input.collective_agreement,
        employment,
        calculation_period,
    })
}

fn parse_period_length(text: &str) -> Result<PeriodLength, AppError> {
    let t = text.trim().to_lowercase();
    let bad = || {
        AppError::invalid_with(
            "beräkningsperiodens längd",
            crate::invalid::templates::NOT_A_PERIOD_LENGTH.with("value", format!("{text:?}")),
        )
    };
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: u32 = num.parse().map_err(|_| bad())?;
    match unit.trim() {
        "d" | "dag" | "dagar" | "days" => Ok(PeriodLength::Days(n)),
        "m" | "mån" | "månad" | "månader" | "months" => Ok(PeriodLength::Months(n)),
        _ => Err(bad()),
    }
}
