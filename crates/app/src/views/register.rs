//! The register as the Register screen shows and edits it: the provider, the persons with
//! assistance, the assistants, a person's team and decisions. Each shape is also what the
//! screen sends back to save; [`crate::register`] checks it as the CLI's input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Grant;
use crate::App;
use crate::register::{AssistantInput, EmploymentChoice, PersonInput, ProviderInput};

/// The assistance provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Provider {
    /// Company name.
    pub name: String,
    /// Organisationsnummer.
    pub org_number: String,
    /// Contact person.
    pub contact_person: Option<String>,
    /// Phone.
    pub phone: String,
}

impl From<&assistid_core::model::Provider> for Provider {
    fn from(p: &assistid_core::model::Provider) -> Self {
        Provider {
            name: p.name.clone(),
            org_number: String::from(p.org_number.clone()),
            contact_person: p.contact_person.clone(),
            phone: String::from(p.phone.clone()),
        }
    }
}

impl Provider {
    /// The provider as typed in the form → the register's input (an empty contact is none).
    pub fn input(&self) -> ProviderInput {
        ProviderInput {
            name: self.name.clone(),
            org_number: self.org_number.clone(),
            contact: self.contact_person.clone().filter(|c| !c.trim().is_empty()),
            phone: self.phone.clone(),
        }
    }
}

/// A person with assistance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonWithAssistance {
    /// Personnummer.
    pub personnummer: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
}

impl From<&assistid_core::model::PersonWithAssistance> for PersonWithAssistance {
    fn from(p: &assistid_core::model::PersonWithAssistance) -> Self {
        PersonWithAssistance {
            personnummer: p.personnummer.digits().to_owned(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
        }
    }
}

impl PersonWithAssistance {
    /// The person as typed in the form → the register's input.
    pub fn input(&self) -> PersonInput {
        PersonInput {
            personnummer: self.personnummer.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
        }
    }
}

/// Who employs an assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Employment {
    /// The provider.
    Provider,
    /// Another employer.
    OtherEmployer {
        /// Its name.
        name: Option<String>,
        /// Its organisationsnummer.
        org_number: String,
    },
    /// Self-employed.
    SelfEmployed,
    /// The person with assistance.
    PersonWithAssistance,
}

impl From<&assistid_core::model::Employment> for Employment {
    fn from(e: &assistid_core::model::Employment) -> Self {
        use assistid_core::model::Employment as Core;
        match e {
            Core::Provider => Employment::Provider,
            Core::OtherEmployer { name, org_number } => Employment::OtherEmployer {
                name: name.clone(),
                org_number: String::from(org_number.clone()),
            },
            Core::SelfEmployed => Employment::SelfEmployed,
            Core::PersonWithAssistance => Employment::PersonWithAssistance,
        }
    }
}

/// A calculation period's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum PeriodLength {
    /// In days.
    Days(u32),
    /// In months.
    Months(u32),
}

/// A working-time calculation period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalculationPeriod {
    /// First day of the first period (`YYYY-MM-DD`).
    pub start: String,
    /// Length of each period.
    pub length: PeriodLength,
}

impl From<&assistid_core::model::CalculationPeriod> for CalculationPeriod {
    fn from(p: &assistid_core::model::CalculationPeriod) -> Self {
        use assistid_core::model::PeriodLength as Core;
        CalculationPeriod {
            start: p.start.to_string(),
            length: match p.length {
                Core::Days(n) => PeriodLength::Days(n),
                Core::Months(n) => PeriodLength::Months(n),
            },
        }
    }
}

/// An assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Assistant {
    /// Personnummer or samordningsnummer.
    pub id: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Covered by a collective agreement.
    pub collective_agreement: bool,
    /// Who employs the assistant.
    pub employment: Employment,
    /// The calculation period, if set.
    pub calculation_period: Option<CalculationPeriod>,
}

impl From<&assistid_core::model::Assistant> for Assistant {
    fn from(a: &assistid_core::model::Assistant) -> Self {
        Assistant {
            id: a.id.digits().to_owned(),
            first_name: a.first_name.clone(),
            last_name: a.last_name.clone(),
            phone: a.phone.clone().map(String::from),
            collective_agreement: a.collective_agreement,
            employment: (&a.employment).into(),
            calculation_period: a.calculation_period.as_ref().map(Into::into),
        }
    }
}

impl Assistant {
    /// The assistant as typed in the form → the register's input.
    pub fn input(&self) -> AssistantInput {
        let (employment, employer_org, employer_name) = match &self.employment {
            Employment::Provider => (EmploymentChoice::Provider, None, None),
            Employment::SelfEmployed => (EmploymentChoice::SelfEmployed, None, None),
            Employment::PersonWithAssistance => {
                (EmploymentChoice::PersonWithAssistance, None, None)
            }
            Employment::OtherEmployer { name, org_number } => (
                EmploymentChoice::OtherEmployer,
                Some(org_number.clone()),
                name.clone(),
            ),
        };
        let (period_start, period_length) = match &self.calculation_period {
            Some(p) => (
                Some(p.start.clone()),
                Some(match p.length {
                    PeriodLength::Days(n) => format!("{n}d"),
                    PeriodLength::Months(n) => format!("{n}m"),
                }),
            ),
            None => (None, None),
        };
        AssistantInput {
            personnummer: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: self.phone.clone(),
            collective_agreement: self.collective_agreement,
            employment,
            employer_org,
            employer_name,
            period_start,
            period_length,
        }
    }
}

/// The whole register, for the Register screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterData {
    /// The provider, once registered.
    pub provider: Option<Provider>,
    /// Persons with assistance.
    pub persons: Vec<PersonWithAssistance>,
    /// Assistants.
    pub assistants: Vec<Assistant>,
}

/// One assistant in a person's team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TeamMember {
    /// Identity number (12 digits).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The first day in the team (`YYYY-MM-DD`), when known.
    pub since: Option<String>,
}

impl From<crate::teams::TeamMemberView> for TeamMember {
    fn from(m: crate::teams::TeamMemberView) -> Self {
        TeamMember {
            id: m.identity,
            name: m.name,
            since: m.since.map(|d| d.to_string()),
        }
    }
}

/// A person's team and decisions, for the Register screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonDetails {
    /// The person's personnummer (12 digits).
    pub person: String,
    /// The assistants in the person's team.
    pub team: Vec<TeamMember>,
    /// The person's decisions, oldest first.
    pub grants: Vec<Grant>,
}

impl App {
    /// The whole register as the Register screen shows it.
    pub fn register_data(&self) -> anyhow::Result<RegisterData> {
        Ok(RegisterData {
            provider: self.provider()?.as_ref().map(Provider::from),
            persons: self.persons()?.iter().map(Into::into).collect(),
            assistants: self.assistants()?.iter().map(Into::into).collect(),
        })
    }

    /// A person's team and decisions as the Register screen shows them.
    pub fn person_details(
        &self,
        person: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<PersonDetails> {
        Ok(PersonDetails {
            person: person.to_owned(),
            team: self
                .team(person, now)?
                .into_iter()
                .map(TeamMember::from)
                .collect(),
            grants: self
                .grants(person, now)?
                .iter()
                .map(|g| Grant::from_domain(person, g.id, &g.grant))
                .collect(),
        })
    }
}
