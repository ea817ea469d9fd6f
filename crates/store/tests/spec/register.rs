//! The register: providers, persons and assistants round-trip exactly and stay unique.

use assistid_core::ids::OrgNumber;
use assistid_core::model::{CalculationPeriod, Employment, PeriodLength};
use assistid_store::{ProviderId, StoreError};
use chrono::NaiveDate;

use crate::support::{Fixture, assistant, person, provider};

#[test]
fn providers_can_be_added_listed_found_and_updated() {
    let fx = Fixture::new();
    let store = fx.open();
    let id = store.add_provider(&provider()).expect("a new provider");
    let mut changed = provider();
    changed.contact_person = None;
    changed.name = "Trygg & Säker Assistans <AB>".to_owned();
    store
        .update_provider(id, &changed)
        .expect("a provider can be updated");
    let listed = store.list_providers().expect("listing works");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].provider, changed, "the update is what is stored");
    assert_eq!(
        store
            .provider_by_org_number(&changed.org_number)
            .expect("lookup works")
            .map(|p| p.id),
        Some(id)
    );
    let err = store
        .add_provider(&provider())
        .expect_err("the same organisationsnummer twice is refused");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );
    let err = store
        .update_provider(ProviderId::new(999), &changed)
        .expect_err("there is no provider 999");
    assert!(matches!(err, StoreError::NotFound { .. }), "got {err:?}");
}

#[test]
fn several_providers_each_keep_their_persons() {
    let fx = Fixture::new();
    let store = fx.open();
    let first = store.add_provider(&provider()).expect("first provider");
    let mut other = provider();
    other.org_number = OrgNumber::parse("2021005489").expect("a valid organisationsnummer");
    let second = store.add_provider(&other).expect("second provider");
    store
        .add_person(first, &person(1))
        .expect("person of the first");
    store
        .add_person(second, &person(2))
        .expect("person of the second");
    let persons = store.list_persons().expect("listing works");
    let provider_of = |serial| {
        persons
            .iter()
            .find(|p| p.person == person(serial))
            .map(|p| p.provider_id)
    };
    assert_eq!(provider_of(1), Some(first));
    assert_eq!(provider_of(2), Some(second));
}

#[test]
fn a_person_is_unique_by_personnummer_and_needs_an_existing_provider() {
    let fx = Fixture::new();
    let store = fx.open();
    let provider_id = store.add_provider(&provider()).expect("a provider");
    let id = store
        .add_person(provider_id, &person(1))
        .expect("a new person");
    assert_eq!(
        store
            .person_by_personnummer(&person(1).personnummer)
            .expect("lookup works")
            .map(|p| p.id),
        Some(id)
    );
    let err = store
        .add_person(provider_id, &person(1))
        .expect_err("the same personnummer twice is refused");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );
    let err = store
        .add_person(ProviderId::new(999), &person(2))
        .expect_err("foreign keys are on: an unknown provider is refused");
    assert!(matches!(err, StoreError::NotFound { .. }), "got {err:?}");
}

#[test]
fn every_employment_variant_and_period_round_trips() {
    let fx = Fixture::new();
    let store = fx.open();
    let variants = [
        Employment::Provider,
        Employment::OtherEmployer {
            name: Some("Annan Arbetsgivare AB".to_owned()),
            org_number: OrgNumber::parse("556677-8899").expect("valid"),
        },
        Employment::OtherEmployer {
            name: None,
            org_number: OrgNumber::parse("2021005489").expect("valid"),
        },
        Employment::SelfEmployed,
        Employment::PersonWithAssistance,
    ];
    for (i, employment) in variants.into_iter().enumerate() {
        let serial = u32::try_from(i).expect("few variants") + 10;
        let mut a = assistant(serial);
        a.employment = employment;
        a.phone = None;
        a.collective_agreement = i % 2 == 0;
        a.calculation_period = (i % 2 == 1).then(|| {
            CalculationPeriod::new(
                NaiveDate::from_ymd_opt(2026, 2, 28).expect("a date"),
                PeriodLength::Months(4),
            )
            .expect("a valid period")
        });
        let id = store.add_assistant(&a).expect("the assistant is stored");
        assert_eq!(
            store.assistant(id).expect("readable").map(|s| s.assistant),
            Some(a.clone()),
            "assistant {i} comes back exactly as stored"
        );
    }
    let err = store
        .add_assistant(&assistant(10))
        .expect_err("the same identity number twice is refused");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );
}

#[test]
fn an_assistant_with_a_samordningsnummer_is_stored_and_found() {
    let fx = Fixture::new();
    let store = fx.open();
    let mut a = assistant(1);
    // Day 01 + 60: a samordningsnummer.
    a.id = crate::support::identity("19900161", 3);
    assert!(a.id.is_coordination(), "the fixture is a samordningsnummer");
    let id = store.add_assistant(&a).expect("stored");
    let found = store
        .assistant_by_identity(&a.id)
        .expect("lookup works")
        .expect("found");
    assert_eq!(found.id, id);
    assert!(
        found.assistant.cannot_sign_with_bankid(),
        "the flag survives the round trip"
    );
    let mut updated = a.clone();
    updated.last_name = "Nyman".to_owned();
    store.update_assistant(id, &updated).expect("updated");
    assert_eq!(
        store.list_assistants().expect("listed")[0].assistant,
        updated
    );
}
