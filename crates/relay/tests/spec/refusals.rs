//! What the relay refuses before anything is queued under the vendor's certificate.

use assistid_fakes::fk::samples::sample_report;
use uuid::Uuid;

use crate::support::{ASSISTANT, PROVIDER, Setup, handover_signed, orgnr};

/// The sample's person with assistance.
const PERSON: &str = "201001012382";

/// The sample report with ELT's other employer choice: the person with assistance employs
/// the assistant (`anstalldAvPersonSomHarAssistans`), so no organisation is named; for
/// `person` as the person with assistance.
fn person_employed_report(id: Uuid, person: &str) -> Vec<u8> {
    let report = String::from_utf8(sample_report(id, "2026-11", ASSISTANT)).expect("UTF-8");
    let start = report
        .find("<assistansanordnare>")
        .expect("the sample names its provider");
    let end = report.find("</assistansanordnare>").expect("closed") + "</assistansanordnare>".len();
    let mut changed = report.clone();
    changed.replace_range(
        start..end,
        "<anstalldAvPersonSomHarAssistans>true</anstalldAvPersonSomHarAssistans>",
    );
    changed.replace(PERSON, person).into_bytes()
}

async fn stored(setup: &Setup) -> i64 {
    setup
        .pool()
        .get()
        .await
        .expect("a connection")
        .query_one("SELECT count(*) FROM submissions", &[])
        .await
        .expect("counted")
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_providers_report_a_broken_binding_a_bad_signature_and_a_wrong_signer_are_refused()
{
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let ours = setup.enrol(PROVIDER).await;
    let other_provider = setup.enrol(&orgnr("556677889")).await;

    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-11", ASSISTANT);
    let good = handover_signed(&report, &report, id, ASSISTANT);

    let (status, answer) = other_provider.submit(&url, &good).await;
    assert_eq!(
        status, 422,
        "another provider's report is refused: {answer}"
    );
    assert_eq!(answer["error"]["code"], "wrong_provider");
    assert_eq!(answer["error"]["part"], "report");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(PROVIDER) && message.contains("egna rapporter"),
        "the message names the report's provider and the rule: {message}"
    );

    // Signatures over another version of the report (one row changed).
    let other_version = String::from_utf8(report.clone())
        .expect("UTF-8")
        .replace("16.30", "16.00")
        .into_bytes();
    let broken = handover_signed(&report, &other_version, id, ASSISTANT);
    let (status, answer) = ours.submit(&url, &broken).await;
    assert_eq!(
        status, 422,
        "a signature over other bytes is refused: {answer}"
    );
    assert_eq!(answer["error"]["code"], "binding_mismatch");
    assert_eq!(answer["error"]["part"], "assistant_signature");

    let mut tampered = handover_signed(&report, &report, id, ASSISTANT);
    let xml = String::from_utf8(
        base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &tampered.provider_signature.signature,
        )
        .expect("base64"),
    )
    .expect("UTF-8");
    // One symbol of the RSA signature value changed.
    let at = xml.find("SignatureValue>").expect("a SignatureValue") + "SignatureValue>".len();
    let mut changed = xml.clone();
    let flipped = if xml[at..].starts_with('A') { "B" } else { "A" };
    changed.replace_range(at..at + 1, flipped);
    assert_ne!(changed, xml, "the signature value changed");
    tampered.provider_signature.signature =
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, changed);
    let (status, answer) = ours.submit(&url, &tampered).await;
    assert_eq!(status, 422, "a tampered signature is refused: {answer}");
    assert_eq!(answer["error"]["code"], "signature_invalid");
    assert_eq!(answer["error"]["part"], "provider_signature");

    let wrong_signer = handover_signed(&report, &report, id, "197001019871");
    let (status, answer) = ours.submit(&url, &wrong_signer).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["error"]["code"], "wrong_signer",
        "the assistant must sign as themself"
    );

    let (status, answer) = ours
        .submit(
            &url,
            &assistid_relay::api::SubmitBody {
                environment: "prod".to_owned(),
                ..handover_signed(&report, &report, id, ASSISTANT)
            },
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "environment_not_served");

    assert_eq!(stored(&setup).await, 0, "nothing refused is stored");
    assert_eq!(setup.fk.requests().len(), 0, "nothing refused reaches FK");
    let (status, answer) = ours.submit(&url, &good).await;
    assert_eq!(status, 202, "the correct handover is queued: {answer}");
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_whose_employer_is_the_person_is_sent_only_by_the_provider_that_reports_for_them()
{
    let setup = Setup::start(1, 30).await;
    let url = setup.url(0);
    let ours = setup.enrol(PROVIDER).await;
    let other_provider = setup.enrol(&orgnr("556677889")).await;
    let signed = |report: Vec<u8>, id: Uuid| handover_signed(&report, &report, id, ASSISTANT);

    // No organisation in the report: the first provider to send for the person is bound.
    let id = Uuid::new_v4();
    let (status, answer) = ours
        .submit(&url, &signed(person_employed_report(id, PERSON), id))
        .await;
    assert_eq!(
        status, 202,
        "a report whose employer is the person is queued for the provider sending for them: \
         {answer}"
    );
    let id = Uuid::new_v4();
    let (status, answer) = ours
        .submit(&url, &signed(person_employed_report(id, PERSON), id))
        .await;
    assert_eq!(status, 202, "and the next one too: {answer}");
    // The provider's ordinary reports are unaffected.
    let id = Uuid::new_v4();
    let report = sample_report(id, "2026-11", ASSISTANT);
    assert_eq!(ours.submit(&url, &signed(report, id)).await.0, 202);

    // Another provider cannot send under that person's name.
    let id = Uuid::new_v4();
    let (status, answer) = other_provider
        .submit(&url, &signed(person_employed_report(id, PERSON), id))
        .await;
    assert_eq!(
        status, 422,
        "another provider's installation is refused: {answer}"
    );
    assert_eq!(answer["error"]["code"], "wrong_provider");
    assert_eq!(answer["error"]["part"], "report");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("arbetsgivare") && message.contains("egna rapporter"),
        "the message says why and the rule: {message}"
    );
    assert!(
        !message.contains(PROVIDER),
        "the other provider is not named to a stranger: {message}"
    );
    // ... but may send for a person of its own.
    let id = Uuid::new_v4();
    let (status, answer) = other_provider
        .submit(
            &url,
            &signed(person_employed_report(id, "201001022381"), id),
        )
        .await;
    assert_eq!(status, 202, "its own person is its own: {answer}");

    // A report with neither employer choice is unreadable, as before.
    let id = Uuid::new_v4();
    let neither = String::from_utf8(person_employed_report(id, PERSON))
        .expect("UTF-8")
        .replace(
            "<anstalldAvPersonSomHarAssistans>true</anstalldAvPersonSomHarAssistans>",
            "",
        )
        .into_bytes();
    let (status, answer) = ours.submit(&url, &signed(neither, id)).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["code"], "report_unreadable");

    // The vendor releases the person (they changed provider): the new provider is bound.
    assert!(
        assistid_relay::queue::release_person(&setup.pool(), PERSON)
            .await
            .expect("the database answers"),
        "the person was bound"
    );
    let id = Uuid::new_v4();
    let (status, answer) = other_provider
        .submit(&url, &signed(person_employed_report(id, PERSON), id))
        .await;
    assert_eq!(
        status, 202,
        "after the release the new provider sends: {answer}"
    );
    let id = Uuid::new_v4();
    let (status, _) = ours
        .submit(&url, &signed(person_employed_report(id, PERSON), id))
        .await;
    assert_eq!(status, 422, "and the old one no longer does");
    assert_eq!(
        stored(&setup).await,
        5,
        "exactly the accepted handovers are stored"
    );
    setup.stop().await;
}
