//! BankID's error table as behaviour: what is retried, what is shown, what is our bug.

use std::time::Duration;

use assistid_bankid::BankIdError;
use assistid_bankid::messages::Lang;
use assistid_bankid::types::{SignData, SignRequest};
use serde_json::json;

use crate::support::{fake_and_client, fast};

fn error_for(status: u16, code: &str) -> BankIdError {
    let body = json!({"errorCode": code, "details": "d"}).to_string();
    BankIdError::from_response(status, body.as_bytes(), None)
}

#[test]
fn every_status_of_the_table_behaves_as_documented() {
    // (status, code, retryable, our bug, message)
    let table = [
        (400, "alreadyInProgress", false, false, "RFA4"),
        (400, "invalidParameters", false, true, "RFA22"),
        (400, "someNewCode", false, false, "RFA22"),
        (401, "unauthorized", false, true, "RFA22"),
        (403, "unauthorized", false, true, "RFA22"),
        (404, "notFound", false, true, "RFA22"),
        (405, "methodNotAllowed", false, true, "RFA22"),
        (408, "requestTimeout", false, false, "RFA5"),
        (415, "unsupportedMediaType", false, true, "RFA22"),
        (500, "internalError", false, false, "RFA5"),
        (503, "maintenance", true, false, "RFA5"),
        (429, "tooManyRequests", true, false, "RFA5"),
    ];
    for (status, code, retryable, our_bug, rfa) in table {
        let error = error_for(status, code);
        assert_eq!(error.is_retryable(), retryable, "{status} {code}: retried?");
        assert_eq!(error.is_our_bug(), our_bug, "{status} {code}: our bug?");
        assert_eq!(
            error.user_message(Lang::Sv).id,
            rfa,
            "{status} {code}: message"
        );
    }
}

#[test]
fn a_body_that_is_not_json_still_gives_a_typed_error() {
    let error = BankIdError::from_response(415, b"<html>nope</html>", None);
    assert!(
        error.is_our_bug(),
        "415 means we sent the wrong content type"
    );
    assert_eq!(error.code(), "bankid_unsupported_media_type");
    let error = BankIdError::from_response(429, b"", Some("7"));
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(7)),
        "RateLimit-Reset is honoured"
    );
}

fn request() -> SignRequest {
    let data = SignData::new("Tidredovisning", Some(b"r1,abc")).expect("short");
    SignRequest::new("127.0.0.1", &data, Some("199001011239"))
}

#[tokio::test]
async fn maintenance_is_retried_quietly_and_then_succeeds() {
    let (fake, client) = fake_and_client(fast()).await;
    fake.fail_next(
        503,
        json!({"errorCode": "maintenance", "details": "x"}),
        &[],
    );
    fake.fail_next(
        429,
        json!({"errorCode": "tooManyRequests", "details": "x"}),
        &[("RateLimit-Reset", "0")],
    );
    let order = client
        .sign(&request())
        .await
        .expect("503 and 429 are retried before giving up");
    assert!(!order.order_ref.is_empty());
    assert_eq!(
        fake.requests().len(),
        3,
        "two refused attempts and one that worked"
    );
}

#[tokio::test]
async fn maintenance_that_persists_is_shown_as_rfa5() {
    let (fake, client) = fake_and_client(fast()).await;
    for _ in 0..3 {
        fake.fail_next(
            503,
            json!({"errorCode": "maintenance", "details": "x"}),
            &[],
        );
    }
    let error = client
        .sign(&request())
        .await
        .expect_err("three 503s exhaust two retries");
    assert_eq!(error.user_message(Lang::Sv).id, "RFA5");
    assert_eq!(fake.requests().len(), 3, "first try plus two retries");
}

#[tokio::test]
async fn errors_that_are_not_retryable_are_returned_at_once() {
    for (status, code) in [
        (400, "invalidParameters"),
        (401, "unauthorized"),
        (408, "requestTimeout"),
        (500, "internalError"),
        (400, "brandNew"),
    ] {
        let (fake, client) = fake_and_client(fast()).await;
        fake.fail_next(status, json!({"errorCode": code, "details": "x"}), &[]);
        let error = client
            .sign(&request())
            .await
            .expect_err("a scripted error is returned");
        assert_eq!(error.status(), Some(status), "{code}");
        assert_eq!(fake.requests().len(), 1, "{status} {code} is not retried");
    }
}

#[tokio::test]
async fn the_content_type_is_exactly_application_json() {
    // The fake answers 415 to anything else, like BankID; a successful call proves the header.
    let (_fake, client) = fake_and_client(fast()).await;
    client
        .sign(&request())
        .await
        .expect("the fake accepts our Content-Type");
}

#[test]
fn an_absurd_rate_limit_reset_waits_at_most_an_hour() {
    let hour = Duration::from_secs(3600);
    assert_eq!(
        assistid_bankid::error::MAX_RETRY_AFTER,
        hour,
        "the documented limit"
    );
    for (header, expected) in [
        ("7", Some(Duration::from_secs(7))),
        ("86400", Some(hour)),
        ("99999999999999999999999", Some(hour)),
        ("soon", None),
    ] {
        let error = BankIdError::from_response(429, b"", Some(header));
        assert_eq!(
            error.retry_after(),
            expected,
            "RateLimit-Reset {header:?} asks for at most an hour"
        );
    }
}

#[tokio::test]
async fn an_answer_over_one_mib_is_refused_unread() {
    let (fake, client) = fake_and_client(fast()).await;
    // A success answer of about 2 MiB: valid JSON, so only its size can stop it.
    let padding = "x".repeat(2 * 1024 * 1024);
    fake.fail_next(
        200,
        json!({"orderRef": "a", "autoStartToken": "b", "qrStartToken": "c",
               "qrStartSecret": "d", "padding": padding}),
        &[],
    );
    let error = client
        .sign(&request())
        .await
        .expect_err("an answer larger than any BankID answer is refused");
    match &error {
        BankIdError::AnswerTooLarge { read } => assert!(
            *read > assistid_bankid::client::MAX_ANSWER_BYTES
                && *read < assistid_bankid::client::MAX_ANSWER_BYTES + 1024 * 1024,
            "reading stopped just past the limit, not at the end ({read} bytes)"
        ),
        other => panic!("expected AnswerTooLarge, got {other:?}"),
    }
    assert_eq!(error.code(), "bankid_answer_too_large");
    assert!(!error.is_retryable(), "a huge answer is not retried");
    assert!(
        error.to_string().contains("1 MiB"),
        "the message says what was wrong: {error}"
    );
}
