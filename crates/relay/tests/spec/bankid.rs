//! BankID orders through the relay: started with the vendor's RP certificate at the fake
//! BankID, the text naming the enrolled provider, the QR code computed by the relay (its
//! secret stays there), orders kept to the installation that started them, and a limit on
//! how many one installation runs at once.

use std::time::Duration;

use assistid_relay::bankid::{CollectJson, StartedOrderJson};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{ASSISTANT, Installation, PROVIDER, Setup};

/// A binding of one (made-up) report version, as the app sends it.
fn binding() -> String {
    format!("{},{}", Uuid::new_v4().hyphenated(), "ab".repeat(32))
}

fn qr_order(pnr: &str) -> Value {
    json!({
        "environment": "test",
        "mode": "qr",
        "personal_number": pnr,
        "text": "Tidredovisning november 2026",
        "binding": binding(),
    })
}

/// BankID orders as an installation makes them (the test kit's `Installation` knows only
/// submissions).
trait Orders {
    async fn start_order(&self, url: &str, body: &Value) -> StartedOrderJson;
    async fn collect(&self, url: &str, id: Uuid) -> (u16, Value, String);
    async fn collect_until_done(&self, url: &str, id: Uuid) -> CollectJson;
}

impl Orders for Installation {
    async fn start_order(&self, url: &str, body: &Value) -> StartedOrderJson {
        let (status, answer, _) = self.post(url, "/v1/bankid/orders", body).await;
        assert_eq!(status, 201, "the order starts: {answer}");
        serde_json::from_value(answer).expect("a started order")
    }

    async fn collect(&self, url: &str, id: Uuid) -> (u16, Value, String) {
        self.post(url, &format!("/v1/bankid/orders/{id}/collect"), &json!({}))
            .await
    }

    /// Collects until the order is no longer pending.
    async fn collect_until_done(&self, url: &str, id: Uuid) -> CollectJson {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let (status, answer, _) = self.collect(url, id).await;
            assert_eq!(status, 200, "collect answers: {answer}");
            let now: CollectJson = serde_json::from_value(answer).expect("a collect answer");
            if now.status != "pending" {
                return now;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the order should end within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
    }
}

async fn secret_of(setup: &Setup, id: Uuid) -> Option<String> {
    setup
        .pool()
        .get()
        .await
        .expect("the database")
        .query_one(
            "SELECT qr_start_secret FROM bankid_orders WHERE id = $1",
            &[&id],
        )
        .await
        .expect("the order is kept")
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qr_order_runs_with_the_vendors_certificate_and_names_the_enrolled_provider() {
    let setup = Setup::start(2, 30).await;
    let installation = setup.enrol(PROVIDER).await;
    let order = installation
        .start_order(&setup.url(0), &qr_order(ASSISTANT))
        .await;
    assert_eq!(
        order.user_visible_data,
        "Assistansanordnare: organisationsnummer 556036-0793\n\nTidredovisning november 2026",
        "the relay puts the enrolled provider on the first line, then the installation's text"
    );
    let first_qr = order.qr_data.clone().expect("a QR order has a QR code");
    assert!(
        first_qr.starts_with("bankid.") && first_qr.ends_with(&first_qr[first_qr.len() - 64..]),
        "the QR content has BankID's shape: {first_qr}"
    );
    assert!(
        order.auto_start_token.is_some(),
        "same-device start works too"
    );

    // What BankID got: the composed text, the binding, the signer, the installation's address.
    let requests = setup.bankid.requests();
    let (path, sign) = requests.last().expect("the relay called BankID");
    assert_eq!(path, "sign", "a /sign order");
    let visible = STANDARD
        .decode(sign["userVisibleData"].as_str().expect("text"))
        .expect("base64");
    assert_eq!(visible, order.user_visible_data.as_bytes());
    assert_eq!(sign["requirement"]["personalNumber"], ASSISTANT);
    assert_eq!(
        sign["endUserIp"], "127.0.0.1",
        "endUserIp is the installation's address as the relay sees it"
    );

    // The secret stays in the relay: no answer carries it, every collect draws a new code.
    let secret = secret_of(&setup, order.id)
        .await
        .expect("kept while the order runs");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Another instance answers as well: the order lives in the shared database.
    let (status, pending, body) = installation.collect(&setup.url(1), order.id).await;
    assert_eq!(status, 200, "{pending}");
    assert!(
        !body.contains(&secret),
        "the QR secret never leaves the relay"
    );
    assert_eq!(pending["status"], "pending");
    let later_qr = pending["qr_data"].as_str().expect("a fresh QR code");
    assert_ne!(later_qr, first_qr, "the QR code turns with the seconds");
    assert!(later_qr.starts_with(&first_qr[..first_qr.len() - 66]));

    setup
        .bankid
        .user(&order.order_ref)
        .approve_as(ASSISTANT, "Anna Andersson")
        .expect("the signer approves in the app");
    let done = installation
        .collect_until_done(&setup.url(0), order.id)
        .await;
    assert_eq!(done.status, "complete", "{done:?}");
    let completion = done.completion_data.expect("the completion is passed on");
    assert_eq!(completion["user"]["personalNumber"], ASSISTANT);
    assert!(
        completion["signature"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
            && completion["ocspResponse"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
        "signature and OCSP answer reach the installation"
    );
    assert_eq!(
        secret_of(&setup, order.id).await,
        None,
        "the QR secret is erased when the order ends"
    );
    let metrics = setup
        .anonymous()
        .get(format!("{}/metrics", setup.url(0)))
        .send()
        .await
        .expect("metrics answer")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("assistid_relay_bankid_orders_started_total{instance=")
            && metrics.contains("mode=\"qr\"} 1"),
        "the started order is counted: {metrics}"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_order_goes_to_the_signers_app_with_who_called_whom() {
    let setup = Setup::start(1, 30).await;
    let installation = setup.enrol(PROVIDER).await;
    let mut body = qr_order(ASSISTANT);
    body["mode"] = json!("phone");
    let (status, refused, _) = installation
        .post(&setup.url(0), "/v1/bankid/orders", &body)
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        refused["error"]["code"], "call_initiator_required",
        "a phone order must say who called"
    );
    body["call_initiator"] = json!("RP");
    let order = installation.start_order(&setup.url(0), &body).await;
    assert!(
        order.qr_data.is_none() && order.auto_start_token.is_none(),
        "a phone order has no QR code or autostart"
    );
    let requests = setup.bankid.requests();
    let (path, sign) = requests.last().expect("BankID was called");
    assert_eq!(path, "phone/sign", "a phone order");
    assert_eq!(sign["callInitiator"], "RP");
    assert_eq!(sign["personalNumber"], ASSISTANT);
    let user = setup.bankid.user(&order.order_ref);
    user.approve_as(ASSISTANT, "Anna Andersson")
        .expect("the signer's own app approves");
    let done = installation
        .collect_until_done(&setup.url(0), order.id)
        .await;
    assert_eq!(done.status, "complete", "{done:?}");
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_belong_to_their_installation_and_each_has_a_limit() {
    let setup = Setup::start(1, 30).await;
    let ours = setup.enrol(PROVIDER).await;
    let theirs = setup.enrol(&crate::support::orgnr("559000123")).await;
    let order = ours.start_order(&setup.url(0), &qr_order(ASSISTANT)).await;

    let (status, answer, _) = theirs.collect(&setup.url(0), order.id).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (404, Some("not_found")),
        "another installation cannot see the order"
    );
    let (status, _, _) = theirs
        .post(
            &setup.url(0),
            &format!("/v1/bankid/orders/{}/cancel", order.id),
            &json!({}),
        )
        .await;
    assert_eq!(status, 404, "nor cancel it");
    assert!(
        setup.bankid.pending_orders().contains(&order.order_ref),
        "the order still runs at BankID"
    );

    // The limit in the specs' configuration is two running orders per installation.
    ours.start_order(&setup.url(0), &qr_order("197001019871"))
        .await;
    let (status, refused, _) = ours
        .post(
            &setup.url(0),
            "/v1/bankid/orders",
            &qr_order("198112289874"),
        )
        .await;
    assert_eq!(status, 429, "{refused}");
    assert_eq!(refused["error"]["code"], "bankid_orders_limit");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("2 BankID-underskrifter")),
        "the message says the limit and what to do: {refused}"
    );
    // The other installation has its own places.
    theirs
        .start_order(&setup.url(0), &qr_order("198112289874"))
        .await;

    // Cancelling frees a place and ends the order at BankID.
    let (status, cancelled, _) = ours
        .post(
            &setup.url(0),
            &format!("/v1/bankid/orders/{}/cancel", order.id),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (200, Some("cancelled"))
    );
    assert!(
        !setup.bankid.pending_orders().contains(&order.order_ref),
        "the order was cancelled at BankID"
    );
    // BankID's own refusal comes through with BankID's code and message: the other
    // installation's order for the same person still runs.
    let (status, busy, _) = ours
        .post(
            &setup.url(0),
            "/v1/bankid/orders",
            &qr_order("198112289874"),
        )
        .await;
    assert_eq!(status, 409, "{busy}");
    assert_eq!(busy["error"]["code"], "bankid_already_in_progress");
    assert_eq!(busy["error"]["rfa"], "RFA4", "BankID's recommended message");
    ours.start_order(&setup.url(0), &qr_order(ASSISTANT)).await;
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_signs_nothing_but_a_report_binding_and_only_where_it_serves() {
    let setup = Setup::start(1, 30).await;
    let installation = setup.enrol(PROVIDER).await;
    let cases = [
        (
            "binding",
            json!("any text the vendor would sign"),
            "bad_binding",
        ),
        ("environment", json!("prod"), "environment_not_served"),
        (
            "personal_number",
            json!("198001019805"),
            "bad_personal_number",
        ),
        ("mode", json!("sms"), "unknown_mode"),
    ];
    for (field, value, code) in cases {
        let mut body = qr_order(ASSISTANT);
        body[field] = value;
        let (status, answer, _) = installation
            .post(&setup.url(0), "/v1/bankid/orders", &body)
            .await;
        assert_eq!(status, 400, "{field}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{field}: {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "a Swedish message says what to do"
        );
    }
    let (status, answer, _) = {
        let response = setup
            .anonymous()
            .post(format!("{}/v1/bankid/orders", setup.url(0)))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&qr_order(ASSISTANT)).expect("JSON"))
            .send()
            .await
            .expect("the relay answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str::<Value>(&text).expect("JSON"),
            text,
        )
    };
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("client_certificate_required")),
        "no order without the installation's certificate"
    );
    assert!(
        setup.bankid.requests().is_empty(),
        "nothing refused reached BankID"
    );
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_line_names_the_provider_sent_at_enrolment_escaped_and_the_admin_corrects_it() {
    let setup = Setup::start(1, 30).await;
    let code = setup.code(PROVIDER).await;
    let (status, refused) = setup
        .enrol_named(&code, Some(PROVIDER), Some(&"A".repeat(500)))
        .await
        .expect_err("a name longer than the first line takes is refused");
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], "provider_name_invalid");
    // A name that tries to format the text: a heading, bold, a line of its own.
    let installation = setup
        .enrol_named(&code, Some(PROVIDER), Some("# Falsk AB\n*Fet* [länk]"))
        .await
        .unwrap_or_else(|e| panic!("the same code still enrols with a usable name: {e:?}"));
    let order = installation
        .start_order(&setup.url(0), &qr_order(ASSISTANT))
        .await;
    assert_eq!(
        order.user_visible_data,
        "Assistansanordnare: \\# Falsk AB \\*Fet\\* \\[länk\\], organisationsnummer 556036-0793\
         \n\nTidredovisning november 2026",
        "the name is on one line and escaped: it cannot start a heading or make text bold"
    );
    assert_eq!(
        order.provider_name.as_deref(),
        Some("# Falsk AB *Fet* [länk]"),
        "the answer names the provider as the relay knows it, for the installation to recompose"
    );
    let (_, sign) = setup
        .bankid
        .requests()
        .last()
        .cloned()
        .expect("BankID was called");
    let shown = STANDARD
        .decode(sign["userVisibleData"].as_str().expect("a text"))
        .expect("base64");
    assert_eq!(
        String::from_utf8(shown).expect("UTF-8"),
        order.user_visible_data,
        "BankID got exactly the composed text"
    );
    let (status, _, _) = installation
        .post(
            &setup.url(0),
            &format!("/v1/bankid/orders/{}/cancel", order.id),
            &json!({}),
        )
        .await;
    assert_eq!(
        status, 200,
        "the first order is cancelled before the next one"
    );

    // A second installation of the same provider cannot rename it; the vendor's admin can.
    let second = setup
        .enrol_named(
            &setup.code(PROVIDER).await,
            Some(PROVIDER),
            Some("Annat Namn AB"),
        )
        .await
        .expect("a second installation enrols");
    let orgnr = assistid_core::ids::OrgNumber::parse(PROVIDER).expect("the provider");
    assert_eq!(
        assistid_relay::queue::provider_name(&setup.pool(), &orgnr)
            .await
            .expect("the database answers"),
        Some((
            "# Falsk AB *Fet* [länk]".to_owned(),
            "installation".to_owned()
        )),
        "the first installation's name stays until the admin corrects it"
    );
    assistid_relay::queue::set_provider_name(&setup.pool(), &orgnr, "Omsorg & Assistans AB")
        .await
        .expect("the admin corrects the name");
    let order = second
        .start_order(&setup.url(0), &qr_order(ASSISTANT))
        .await;
    assert!(
        order.user_visible_data.starts_with(
            "Assistansanordnare: Omsorg & Assistans AB, organisationsnummer 556036-0793\n\n"
        ),
        "the corrected name is used from the next order on: {}",
        order.user_visible_data
    );
    setup.stop().await;
}

async fn states(setup: &Setup) -> Vec<(Uuid, String)> {
    setup
        .pool()
        .get()
        .await
        .expect("the database")
        .query(
            "SELECT id, state FROM bankid_orders ORDER BY reserved_at",
            &[],
        )
        .await
        .expect("the orders")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

async fn database_now(setup: &Setup) -> chrono::DateTime<chrono::Utc> {
    setup
        .pool()
        .get()
        .await
        .expect("the database")
        .query_one("SELECT clock_timestamp()", &[])
        .await
        .expect("PostgreSQL's clock")
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_stuck_past_bankids_lifetime_expire_and_ended_ones_are_deleted_after_a_day() {
    use assistid_relay::bankid::{CleanedUp, ENDED_ORDER_RETENTION, ORDER_LIFETIME, clean_up};
    let setup = Setup::start(1, 30).await;
    let installation = setup.enrol(PROVIDER).await;
    let url = setup.url(0);
    // One order the installation stopped collecting, one it cancelled.
    let stuck = installation.start_order(&url, &qr_order(ASSISTANT)).await;
    let cancelled = installation
        .start_order(&url, &qr_order("197001019871"))
        .await;
    let (status, _, _) = installation
        .post(
            &url,
            &format!("/v1/bankid/orders/{}/cancel", cancelled.id),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "the second order is cancelled");
    let now = database_now(&setup).await;
    let pool = setup.pool();

    let done = clean_up(&pool, Some(now), ORDER_LIFETIME, ENDED_ORDER_RETENTION)
        .await
        .expect("the database answers");
    assert_eq!(
        done,
        CleanedUp::default(),
        "a running order within BankID's lifetime and a fresh cancelled one are kept"
    );

    let later = now + chrono::Duration::seconds(301);
    let done = clean_up(&pool, Some(later), ORDER_LIFETIME, ENDED_ORDER_RETENTION)
        .await
        .expect("the database answers");
    assert_eq!(
        done,
        CleanedUp {
            expired: 1,
            deleted: 0
        },
        "the pending order past BankID's lifetime is marked expired, nothing deleted yet"
    );
    assert_eq!(
        states(&setup).await,
        vec![
            (stuck.id, "expired".to_owned()),
            (cancelled.id, "cancelled".to_owned())
        ]
    );
    assert_eq!(
        secret_of(&setup, stuck.id).await,
        None,
        "an expired order's QR secret is erased"
    );
    let (status, answer, _) = installation.collect(&url, stuck.id).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        (answer["status"].as_str(), answer["hint_code"].as_str()),
        (Some("failed"), Some("expiredTransaction")),
        "the installation hears the order ended as BankID says it: {answer}"
    );

    let within_a_day = now + chrono::Duration::hours(23);
    let done = clean_up(
        &pool,
        Some(within_a_day),
        ORDER_LIFETIME,
        ENDED_ORDER_RETENTION,
    )
    .await
    .expect("the database answers");
    assert_eq!(done.deleted, 0, "ended orders are kept for a day");
    let after_a_day = now + chrono::Duration::hours(25);
    let done = clean_up(
        &pool,
        Some(after_a_day),
        ORDER_LIFETIME,
        ENDED_ORDER_RETENTION,
    )
    .await
    .expect("the database answers");
    assert_eq!(
        done,
        CleanedUp {
            expired: 0,
            deleted: 2
        },
        "both ended orders are deleted after the retention"
    );
    assert!(states(&setup).await.is_empty(), "no order is left");
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_cleans_up_old_orders_when_it_starts() {
    let mut setup = Setup::start(0, 30).await;
    let enrolled = setup.enrol_without_relay(PROVIDER).await;
    assistid_relay::db::migrate(&setup.pool())
        .await
        .expect("the schema");
    let client = setup.pool().get().await.expect("the database");
    let old = Uuid::new_v4();
    let stuck = Uuid::new_v4();
    let fresh = Uuid::new_v4();
    for (id, state, age_hours) in [
        (old, "complete", 48.0),
        (stuck, "pending", 1.0),
        (fresh, "failed", 1.0),
    ] {
        client
            .execute(
                "INSERT INTO bankid_orders (id, installation_id, environment, mode, state, \
                 reserved_at, finished_at) VALUES ($1, $2, 'test', 'qr', $3, \
                 clock_timestamp() - make_interval(secs => $4), \
                 CASE WHEN $3 = 'pending' THEN NULL \
                 ELSE clock_timestamp() - make_interval(secs => $4) END)",
                &[&id, &enrolled.id, &state, &(age_hours * 3600.0)],
            )
            .await
            .expect("an order row");
    }
    drop(client);
    setup.start_instance().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = states(&setup).await;
        if now == vec![(stuck, "expired".to_owned()), (fresh, "failed".to_owned())] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "a starting instance expires the stuck order and deletes the two-day-old one, \
             keeping the fresh one: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    setup.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_test_starts_an_order_with_the_vendors_certificate_and_cancels_it_at_once() {
    let setup = Setup::start(1, 30).await;
    let installation = setup.enrol(PROVIDER).await;
    let url = setup.url(0);
    let (status, answer, _) = installation
        .post(&url, "/v1/bankid/check", &json!({"environment": "prod"}))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        answer["error"]["code"], "environment_not_served",
        "an environment without the vendor's BankID is refused before BankID is called"
    );
    assert!(setup.bankid.requests().is_empty(), "BankID was not called");

    let (status, answer, _) = installation
        .post(&url, "/v1/bankid/check", &json!({"environment": "test"}))
        .await;
    assert_eq!(status, 200, "BankID accepted the test: {answer}");
    assert_eq!(answer["status"], "cancelled");
    let requests = setup.bankid.requests();
    let paths: Vec<&str> = requests.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["sign", "cancel"], "started and cancelled at once");
    let (_, sign) = &requests[0];
    let shown = STANDARD
        .decode(sign["userVisibleData"].as_str().expect("a text"))
        .expect("base64");
    assert_eq!(
        String::from_utf8(shown).expect("UTF-8"),
        format!(
            "Assistansanordnare: organisationsnummer 556036-0793\n\n{}",
            assistid_relay::bankid::CHECK_TEXT
        ),
        "the test order names the provider and says nothing is signed"
    );
    assert!(
        sign.get("userNonVisibleData").is_none(),
        "nothing hidden is signed: {sign}"
    );
    assert_eq!(
        states(&setup)
            .await
            .into_iter()
            .map(|(_, s)| s)
            .collect::<Vec<_>>(),
        ["cancelled"],
        "the test order is kept as cancelled (and cleaned up as any order)"
    );
    setup.stop().await;
}
