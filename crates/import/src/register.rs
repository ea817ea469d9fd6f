//! The register the import checks against: which assistants and persons exist. The app fills it
//! from the store; the importer only asks.

use std::collections::HashSet;

use assistid_core::ids::{IdentityNumber, Personnummer};

/// What the importer needs to know about the register: whether an assistant or a person with
/// assistance is known. Rows naming anyone else are refused (`unknown_assistant`,
/// `unknown_person`), because a shift for someone not in the register cannot become a report.
pub trait Register {
    /// True when the assistant is in the register.
    fn knows_assistant(&self, assistant: &IdentityNumber) -> bool;
    /// True when the person with assistance is in the register.
    fn knows_person(&self, person: &Personnummer) -> bool;
}

/// The simplest register: two sets of identity numbers.
///
/// ```
/// use assistid_core::ids::{IdentityNumber, Personnummer};
/// use assistid_import::{KnownPeople, Register};
///
/// let mut known = KnownPeople::default();
/// known.add_assistant(IdentityNumber::from_digits("199001012385").expect("valid test number"));
/// known.add_person(Personnummer::from_digits("195001012383").expect("valid test number"));
/// assert!(known.knows_person(&Personnummer::from_digits("195001012383").expect("valid")));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownPeople {
    assistants: HashSet<IdentityNumber>,
    persons: HashSet<Personnummer>,
}

impl KnownPeople {
    /// A register from the two sets.
    pub fn new(
        assistants: impl IntoIterator<Item = IdentityNumber>,
        persons: impl IntoIterator<Item = Personnummer>,
    ) -> Self {
        Self {
            assistants: assistants.into_iter().collect(),
            persons: persons.into_iter().collect(),
        }
    }

    /// Adds an assistant.
    pub fn add_assistant(&mut self, assistant: IdentityNumber) {
        self.assistants.insert(assistant);
    }

    /// Adds a person with assistance.
    pub fn add_person(&mut self, person: Personnummer) {
        self.persons.insert(person);
    }
}

impl Register for KnownPeople {
    fn knows_assistant(&self, assistant: &IdentityNumber) -> bool {
        self.assistants.contains(assistant)
    }

    fn knows_person(&self, person: &Personnummer) -> bool {
        self.persons.contains(person)
    }
}
