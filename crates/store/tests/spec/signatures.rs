//! Signatories and signatures: what BankID returned is kept exactly, a signature freezes its
//! report version, the provider signs only after the assistant, and nothing can be changed or
//! removed afterwards — not through the API, not with raw SQL.

use assistid_core::model::ReportMonth;
use assistid_store::{
    NewReportVersion, NewSignatory, NewSignature, ReportVersion, SignatureEnvironment, SignerRole,
    SigningState, Store, StoreError,
};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::support::{Fixture, instant, personnummer, register};

fn october() -> ReportMonth {
    ReportMonth::new(2026, 10).expect("a month")
}

fn document(n: u32) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Tidredovisning><rad nr="{n}"/></Tidredovisning>"#
    )
    .into_bytes()
}

/// Saves a new version of the fixture's report with document `n`.
fn save_version(store: &Store, n: u32) -> ReportVersion {
    let (p, a) = (crate::support::person(1), crate::support::assistant(2));
    store
        .save_report_version(&NewReportVersion {
            report_id: Uuid::new_v4(),
            assistant: &a.id,
            person: &p.personnummer,
            month: october(),
            document: &document(n),
            created_at: instant("2026-11-02T09:00:00Z"),
        })
        .expect("a report version is saved")
}

/// A second assistant's report for the same person, so batches cover several reports.
fn save_other_assistant_version(store: &Store, serial: u32) -> ReportVersion {
    let mut a = crate::support::assistant(serial);
    a.id = crate::support::identity("19880202", serial);
    store.add_assistant(&a).expect("another assistant");
    store
        .save_report_version(&NewReportVersion {
            report_id: Uuid::new_v4(),
            assistant: &a.id,
            person: &crate::support::person(1).personnummer,
            month: october(),
            document: &document(100 + serial),
            created_at: instant("2026-11-02T09:00:00Z"),
        })
        .expect("a report version is saved")
}

const COMPLETION: &str = r#"{"user":{"personalNumber":"x","name":"Åsa L"},"signature":"PD94","ocspResponse":"MIIB","bankIdIssueDate":"2026-01-01","futureField":{"a":1}}"#;

fn signature<'a>(role: SignerRole, reports: &'a [Uuid], order_ref: &'a str) -> NewSignature<'a> {
    static ASSISTANT: std::sync::OnceLock<assistid_core::ids::Personnummer> =
        std::sync::OnceLock::new();
    let signer = ASSISTANT.get_or_init(|| personnummer("19900101", 2));
    NewSignature {
        role,
        environment: SignatureEnvironment::Demo,
        report_ids: reports,
        order_ref,
        signer,
        signer_name: "Åsa Lindqvistberg",
        signed_on: NaiveDate::from_ymd_opt(2026, 11, 3).expect("a date"),
        signed_at: instant("2026-11-03T08:15:00Z"),
        user_visible_data: "VGlkcmVkb3Zpc25pbmc=",
        user_non_visible_data: "cjEsYWJj",
        signature_base64: "PD94bWwgdmVyc2lvbj0iMS4wIj8+",
        ocsp_response_base64: "MIIBoAoBAKCCAZkw",
        completion_data_json: COMPLETION,
    }
}

#[test]
fn an_assistant_signature_is_kept_exactly_and_freezes_the_version() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let v = save_version(&store, 1);
    assert_eq!(
        store
            .report_signing_state(v.report_id, SignatureEnvironment::Demo)
            .expect("known"),
        SigningState::Unsigned
    );
    let ids = [v.report_id];
    let id = store
        .save_signature(&signature(SignerRole::Assistant, &ids, "order-1"))
        .expect("a first assistant signature is stored");

    let back = store
        .report_version_by_id(v.report_id)
        .expect("readable")
        .expect("there");
    assert_eq!(
        back.frozen_at,
        Some(instant("2026-11-03T08:15:00Z")),
        "the signature froze the bytes at the moment of signing"
    );
    let stored = store.signatures_for_report(v.report_id).expect("readable");
    assert_eq!(stored.len(), 1);
    let s = &stored[0];
    assert_eq!(s.id, id);
    assert_eq!(s.role, SignerRole::Assistant);
    assert_eq!(
        s.completion_data_json, COMPLETION,
        "the completion data is kept byte for byte, unknown fields included"
    );
    assert_eq!(s.signature_base64, "PD94bWwgdmVyc2lvbj0iMS4wIj8+");
    assert_eq!(s.ocsp_response_base64, "MIIBoAoBAKCCAZkw");
    assert_eq!(
        s.signed_on,
        NaiveDate::from_ymd_opt(2026, 11, 3).expect("a date")
    );
    assert_eq!(s.signer, personnummer("19900101", 2));
    assert_eq!(s.covers, vec![v.report_id]);
    assert_eq!(
        store
            .report_signing_state(v.report_id, SignatureEnvironment::Demo)
            .expect("known"),
        SigningState::AssistantSigned
    );
    assert!(
        !format!("{s:?}").contains(s.signer.digits()),
        "Debug of a signature prints no personnummer"
    );
}

#[test]
fn one_provider_signature_covers_a_whole_batch() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let reports = [
        save_version(&store, 1),
        save_other_assistant_version(&store, 3),
        save_other_assistant_version(&store, 4),
    ];
    for (i, r) in reports.iter().enumerate() {
        store
            .save_signature(&signature(
                SignerRole::Assistant,
                &[r.report_id],
                &format!("a-{i}"),
            ))
            .expect("each assistant signs");
    }
    let ids: Vec<Uuid> = reports.iter().map(|r| r.report_id).collect();
    let provider = store
        .save_signature(&signature(SignerRole::Provider, &ids, "p-1"))
        .expect("the batch signature is stored once");
    let mut sorted = ids.clone();
    sorted.sort();
    for r in &reports {
        assert_eq!(
            store
                .report_signing_state(r.report_id, SignatureEnvironment::Demo)
                .expect("known"),
            SigningState::FullySigned,
            "every report of the batch is fully signed"
        );
        let sigs = store.signatures_for_report(r.report_id).expect("readable");
        assert_eq!(
            sigs.iter().map(|s| s.role).collect::<Vec<_>>(),
            vec![SignerRole::Assistant, SignerRole::Provider],
            "assistant first, then provider"
        );
        assert_eq!(sigs[1].id, provider, "the same signature on each report");
        assert_eq!(sigs[1].covers, sorted, "it lists every report it covers");
    }
}

#[test]
fn the_provider_cannot_sign_before_the_assistant_and_nothing_is_half_stored() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let signed = save_version(&store, 1);
    store
        .save_signature(&signature(
            SignerRole::Assistant,
            &[signed.report_id],
            "a-1",
        ))
        .expect("the assistant signs the first");
    let unsigned = save_other_assistant_version(&store, 3);
    let err = store
        .save_signature(&signature(
            SignerRole::Provider,
            &[signed.report_id, unsigned.report_id],
            "p-1",
        ))
        .expect_err("a batch with a report the assistant has not signed is refused");
    assert!(
        err.to_string()
            .contains("assistenten redan har skrivit under"),
        "the message says why, got: {err}"
    );
    assert_eq!(
        store
            .report_signing_state(signed.report_id, SignatureEnvironment::Demo)
            .expect("known"),
        SigningState::AssistantSigned,
        "the refused batch left no provider signature on the other report"
    );
    let unsigned_back = store
        .report_version_by_id(unsigned.report_id)
        .expect("readable")
        .expect("there");
    assert!(
        !unsigned_back.is_frozen(),
        "the refused batch did not freeze the unsigned report either"
    );
}

#[test]
fn one_signature_per_role_and_order_and_a_superseded_version_is_not_signed() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let v1 = save_version(&store, 1);
    store
        .save_signature(&signature(SignerRole::Assistant, &[v1.report_id], "a-1"))
        .expect("signed");
    let err = store
        .save_signature(&signature(SignerRole::Assistant, &[v1.report_id], "a-2"))
        .expect_err("a second assistant signature is refused");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );

    let v2 = save_version(&store, 2);
    let err = store
        .save_signature(&signature(SignerRole::Provider, &[v1.report_id], "p-1"))
        .expect_err("the old version was superseded by a data change");
    assert!(err.to_string().contains("ersatts"), "got: {err}");
    assert_eq!(
        store
            .report_signing_state(v2.report_id, SignatureEnvironment::Demo)
            .expect("known"),
        SigningState::Unsigned,
        "the new version starts unsigned"
    );
    assert_eq!(
        store
            .signatures_for_report(v1.report_id)
            .expect("readable")
            .len(),
        1,
        "the old signed version keeps its signature"
    );
    let err = store
        .save_signature(&signature(SignerRole::Assistant, &[v2.report_id], "a-1"))
        .expect_err("the same BankID order cannot be stored twice");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );
    let err = store
        .save_signature(&signature(
            SignerRole::Assistant,
            &[v1.report_id, v2.report_id],
            "a-9",
        ))
        .expect_err("an assistant signs one report per order");
    assert!(matches!(err, StoreError::Invalid { .. }), "got {err:?}");
}

#[test]
fn signatures_cannot_be_changed_or_removed_with_raw_sql() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let v = save_version(&store, 1);
    store
        .save_signature(&signature(SignerRole::Assistant, &[v.report_id], "a-1"))
        .expect("signed");
    drop(store);
    let raw = fx.raw();
    for (what, sql) in [
        ("the signature", "UPDATE signatures SET signature = 'AAAA'"),
        ("the signer", "UPDATE signatures SET signer_name = 'X'"),
        ("the signature row", "DELETE FROM signatures"),
        ("the attachment", "DELETE FROM signed_reports"),
        (
            "the attachment's report",
            "UPDATE signed_reports SET role = 'provider'",
        ),
        (
            "a second attachment",
            "INSERT OR REPLACE INTO signed_reports SELECT * FROM signed_reports",
        ),
        (
            "a provider signature without the assistant's (wrong role for the signature)",
            "INSERT INTO signed_reports SELECT signature_id, report_id, 'provider', environment
             FROM signed_reports",
        ),
    ] {
        let err = raw
            .execute(sql, [])
            .expect_err("the database's triggers refuse it");
        assert!(
            err.to_string().contains("signature_"),
            "changing {what} is refused by a trigger, got: {err}"
        );
    }
}

#[test]
fn signatories_are_listed_per_provider_and_unique() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let provider = store.list_providers().expect("readable")[0].id;
    let karin = NewSignatory {
        personnummer: personnummer("19700505", 7),
        first_name: "Karin".to_owned(),
        last_name: "Koordinator".to_owned(),
    };
    store
        .add_signatory(provider, &karin, instant("2026-11-01T08:00:00Z"))
        .expect("added");
    let err = store
        .add_signatory(provider, &karin, instant("2026-11-01T08:00:00Z"))
        .expect_err("the same person twice");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );
    let list = store.list_signatories(provider).expect("readable");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].personnummer, karin.personnummer);
    assert_eq!(list[0].full_name(), "Karin Koordinator");
}

#[test]
fn a_report_version_is_signed_once_per_role_in_each_environment() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let v = save_version(&store, 1);
    let in_env = |role, env, order_ref| NewSignature {
        environment: env,
        ..signature(role, std::slice::from_ref(&v.report_id), order_ref)
    };
    store
        .save_signature(&in_env(
            SignerRole::Assistant,
            SignatureEnvironment::Test,
            "test-a",
        ))
        .expect("the assistant signs with BankID's test service");
    store
        .save_signature(&in_env(
            SignerRole::Provider,
            SignatureEnvironment::Test,
            "test-p",
        ))
        .expect("the provider signs with BankID's test service");
    assert_eq!(
        store
            .report_signing_state(v.report_id, SignatureEnvironment::Test)
            .expect("known"),
        SigningState::FullySigned,
        "fully signed in test"
    );
    assert_eq!(
        store
            .report_signing_state(v.report_id, SignatureEnvironment::Prod)
            .expect("known"),
        SigningState::Unsigned,
        "signatures made in test do not count in production: still to sign there"
    );
    let err = store
        .save_signature(&in_env(
            SignerRole::Provider,
            SignatureEnvironment::Prod,
            "prod-p",
        ))
        .expect_err("in production the assistant signs first, whatever was done in test");
    assert!(
        err.to_string()
            .contains("assistenten redan har skrivit under"),
        "the message says why, got: {err}"
    );
    let err = store
        .save_signature(&in_env(
            SignerRole::Assistant,
            SignatureEnvironment::Test,
            "test-a2",
        ))
        .expect_err("one assistant signature per environment");
    assert!(
        matches!(err, StoreError::AlreadyExists { .. }),
        "got {err:?}"
    );
    store
        .save_signature(&in_env(
            SignerRole::Assistant,
            SignatureEnvironment::Prod,
            "prod-a",
        ))
        .expect("the same frozen version is signed again with BankID in production");
    assert_eq!(
        store
            .report_signing_state(v.report_id, SignatureEnvironment::Prod)
            .expect("known"),
        SigningState::AssistantSigned
    );
    let prod = store
        .signatures_for_report_in(v.report_id, SignatureEnvironment::Prod)
        .expect("readable");
    assert_eq!(
        prod.iter()
            .map(|s| (s.order_ref.as_str(), s.environment))
            .collect::<Vec<_>>(),
        [("prod-a", SignatureEnvironment::Prod)],
        "only production's signature is listed for production"
    );
    let all = store.signatures_for_report(v.report_id).expect("readable");
    assert_eq!(
        all.iter().map(|s| s.order_ref.as_str()).collect::<Vec<_>>(),
        ["test-a", "test-p", "prod-a"],
        "every environment's signatures are kept, test before production"
    );
}

#[test]
fn an_attachment_cannot_claim_another_environment_than_its_signature() {
    let fx = Fixture::new();
    let store = fx.open();
    register(&store);
    let v = save_version(&store, 1);
    store
        .save_signature(&NewSignature {
            environment: SignatureEnvironment::Test,
            ..signature(SignerRole::Assistant, &[v.report_id], "test-a")
        })
        .expect("signed in test");
    let raw = fx.raw();
    let err = raw
        .execute(
            "INSERT INTO signed_reports (signature_id, report_id, role, environment)
             SELECT signature_id, report_id, role, 'prod' FROM signed_reports",
            [],
        )
        .expect_err("a test signature attached as a production one is refused");
    assert!(
        err.to_string().contains("signature_role_mismatch"),
        "the database itself refuses it: {err}"
    );
}
