//! The order flow as BankID prescribes it: collect rides out a network outage while the order
//! lives, every error exit cancels the order at BankID, an `autoStartToken` must be a UUID
//! before it can reach a URL, and `endUserIp` is this computer's address towards BankID.

use std::net::SocketAddr;
use std::time::Duration;

use assistid_bankid::order::{self, CancelSignal, CollectRetry, DriveOptions, OrderOutcome};
use assistid_bankid::types::{SignData, SignRequest};
use assistid_bankid::{BankIdError, StartMode, client};
use assistid_fakes::bankid::FakeBankId;
use serde_json::json;

use crate::support::{fake_and_client, fast};

const ANNA: &str = "199001011239";

fn request() -> SignRequest {
    let data = SignData::new("Tidredovisning mars 2026", Some(b"r1,0123abcd")).expect("short");
    SignRequest::new("127.0.0.1", &data, Some(ANNA))
}

fn options() -> DriveOptions {
    DriveOptions {
        collect_interval: Duration::from_millis(20),
        qr_interval: Some(Duration::from_millis(10)),
        mode: StartMode::Qr,
    }
}

fn quick_retry(max_attempts: u32) -> CollectRetry {
    CollectRetry {
        max_attempts,
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_outage: Duration::from_secs(10),
    }
}

fn calls(fake: &FakeBankId, call: &str) -> usize {
    fake.requests().iter().filter(|(c, _)| c == call).count()
}

fn cancelled(fake: &FakeBankId, order_ref: &str) -> bool {
    fake.requests()
        .iter()
        .any(|(c, body)| c == "cancel" && body["orderRef"] == order_ref)
}

#[tokio::test]
async fn collect_rides_out_a_network_outage_while_the_order_lives() {
    let (fake, client) = fake_and_client(fast()).await;
    let started = order::start_sign(&client, &request())
        .await
        .expect("the fake accepts the order");
    fake.user(&started.order_ref)
        .approve_as(ANNA, "Anna Andersson")
        .expect("the order exists");
    fake.drop_next("collect", 3);
    let outcome = order::drive_with(
        &client,
        &started,
        options(),
        quick_retry(5),
        &CancelSignal::new(),
        |_| {},
    )
    .await
    .expect("three lost answers in a row must not end an order BankID still holds");
    assert!(
        matches!(outcome, OrderOutcome::Completed(_)),
        "the signed order is collected once the network is back: {outcome:?}"
    );
    assert_eq!(
        calls(&fake, "collect (dropped)"),
        3,
        "each lost collect was retried"
    );
    assert!(
        !cancelled(&fake, &started.order_ref),
        "an order that completed is not cancelled"
    );
}

#[tokio::test]
async fn an_outage_longer_than_the_bound_gives_up_and_cancels_the_order() {
    let (fake, client) = fake_and_client(fast()).await;
    let started = order::start_sign(&client, &request())
        .await
        .expect("the fake accepts the order");
    fake.drop_next("collect", 100);
    let result = order::drive_with(
        &client,
        &started,
        options(),
        quick_retry(3),
        &CancelSignal::new(),
        |_| {},
    )
    .await;
    assert!(
        matches!(result, Err(BankIdError::Transport(_))),
        "after the bounded retries the network error is reported: {result:?}"
    );
    assert_eq!(
        calls(&fake, "collect (dropped)"),
        3,
        "exactly max_attempts collects are tried"
    );
    assert!(
        cancelled(&fake, &started.order_ref),
        "leaving an order on an error cancels it at BankID, so the person can start a new one"
    );
}

#[tokio::test]
async fn an_error_answer_ends_the_drive_and_cancels_the_order() {
    let (fake, client) = fake_and_client(fast()).await;
    let started = order::start_sign(&client, &request())
        .await
        .expect("the fake accepts the order");
    fake.fail_next(
        500,
        json!({"errorCode": "internalError", "details": "x"}),
        &[],
    );
    let result = order::drive(&client, &started, options(), &CancelSignal::new(), |_| {}).await;
    assert!(
        matches!(result, Err(BankIdError::Api { status: 500, .. })),
        "BankID's internal error is shown (RFA5), not retried: {result:?}"
    );
    assert_eq!(
        calls(&fake, "collect"),
        1,
        "an error answer is not a network error: no retry"
    );
    assert!(
        cancelled(&fake, &started.order_ref),
        "the order is cancelled at BankID on the error exit"
    );
}

#[tokio::test]
async fn an_auto_start_token_that_is_not_a_uuid_never_reaches_a_url() {
    let (fake, client) = fake_and_client(fast()).await;
    fake.fail_next(
        200,
        json!({
            "orderRef": "e1b7a4a4-0000-4000-8000-000000000001",
            "autoStartToken": "x&redirect=https://example.invalid/",
            "qrStartToken": "67df3917-fa0d-44e5-b327-edcc928297f8",
            "qrStartSecret": "d28db9a7-4cde-429e-a983-359be676944c"
        }),
        &[],
    );
    let result = order::start_sign(&client, &request()).await;
    assert!(
        matches!(result, Err(BankIdError::BadResponse(_))),
        "a token that could add parameters to the bankid:// URL is refused: {result:?}"
    );
    assert!(
        cancelled(&fake, "e1b7a4a4-0000-4000-8000-000000000001"),
        "the order BankID opened is cancelled"
    );
    let good = order::start_sign(&client, &request())
        .await
        .expect("the fake's own tokens are UUIDs");
    assert!(
        order::is_uuid(&good.auto_start_token),
        "a started order only ever holds a UUID token"
    );
}

#[tokio::test]
async fn end_user_ip_is_the_local_address_of_the_route_to_bankid() {
    let (fake, client) = fake_and_client(fast()).await;
    let ip = client
        .end_user_ip()
        .await
        .expect("the route to the fake is known");
    assert!(
        ip.is_loopback(),
        "the fake BankID listens on loopback, so the route to it is loopback: {ip}"
    );
    let fake_addr: SocketAddr = fake
        .base_url()
        .trim_start_matches("https://")
        .split('/')
        .next()
        .expect("host and port")
        .parse()
        .expect("the fake's URL names an IP address");
    assert_eq!(
        client::local_address_towards(fake_addr).expect("routable"),
        ip,
        "end_user_ip is the address the operating system uses towards BankID's host"
    );
    assert!(
        !ip.is_unspecified(),
        "0.0.0.0 is no address BankID could compare with the device's"
    );
}
