//! BankID's JSON answers parse, including fields and codes this client does not know.

use assistid_bankid::types::{
    CollectResponse, ErrorBody, ErrorCode, HintCode, OrderResponse, RequestError, SignData,
    SignRequest, Status,
};

#[test]
fn sign_answer_parses_and_hides_the_secret() {
    let json = r#"{"orderRef":"131daac9-16c6-4618-beb0-365768f37288","autoStartToken":"7c40b5c9-fa74-49cf-b98c-bfe651f9a7c6","qrStartToken":"67df3917-fa0d-44e5-b327-edcc928297f8","qrStartSecret":"d28db9a7-4cde-429e-a983-359be676944c","somethingNew":1}"#;
    let answer: OrderResponse =
        serde_json::from_str(json).expect("a documented sign answer parses");
    assert_eq!(answer.order_ref, "131daac9-16c6-4618-beb0-365768f37288");
    assert!(
        !format!("{answer:?}").contains("d28db9a7"),
        "Debug output must not show the qrStartSecret"
    );
}

#[test]
fn pending_and_failed_answers_keep_unknown_hint_codes() {
    for (json, status, hint) in [
        (
            r#"{"orderRef":"a","status":"pending","hintCode":"outstandingTransaction"}"#,
            Status::Pending,
            HintCode::OutstandingTransaction,
        ),
        (
            r#"{"orderRef":"a","status":"pending","hintCode":"userSign"}"#,
            Status::Pending,
            HintCode::UserSign,
        ),
        (
            r#"{"orderRef":"a","status":"pending","hintCode":"userMrtd"}"#,
            Status::Pending,
            HintCode::UserMrtd,
        ),
        (
            r#"{"orderRef":"a","status":"pending","hintCode":"newHint","extra":{"x":1}}"#,
            Status::Pending,
            HintCode::Unknown("newHint".into()),
        ),
        (
            r#"{"orderRef":"a","status":"failed","hintCode":"startFailed"}"#,
            Status::Failed,
            HintCode::StartFailed,
        ),
        (
            r#"{"orderRef":"a","status":"failed","hintCode":"transactionRiskBlocked"}"#,
            Status::Failed,
            HintCode::TransactionRiskBlocked,
        ),
        (
            r#"{"orderRef":"a","status":"failed","hintCode":"brandNew"}"#,
            Status::Failed,
            HintCode::Unknown("brandNew".into()),
        ),
    ] {
        let answer: CollectResponse =
            serde_json::from_str(json).expect("collect answers never fail to parse on new codes");
        assert_eq!(answer.status, status, "{json}");
        assert_eq!(answer.hint_code, Some(hint), "{json}");
    }
}

#[test]
fn complete_answer_keeps_the_whole_completion_data() {
    let json = r#"{"orderRef":"a","status":"complete","completionData":{
        "user":{"personalNumber":"190000000000","name":"Karl Karlsson","givenName":"Karl","surname":"Karlsson"},
        "device":{"ipAddress":"192.168.0.1","uhi":"OZvYM9VvyiAmG7NA5jU5zRGcAmS="},
        "bankIdIssueDate":"2020-02-01",
        "stepUp":{"mrtd":false},
        "signature":"PHhtbD48L3htbD4=",
        "ocspResponse":"MIIHfgoBAKCCB3cw",
        "risk":"low",
        "futureField":{"nested":true}}}"#;
    let answer: CollectResponse =
        serde_json::from_str(json).expect("a documented complete answer parses");
    let data = answer
        .completion_data
        .expect("complete carries completionData");
    assert_eq!(data.user.personal_number, "190000000000");
    assert_eq!(
        data.step_up.as_ref().map(|s| s.mrtd),
        Some(false),
        "stepUp is an object"
    );
    assert_eq!(data.signature_xml().expect("base64"), b"<xml></xml>");
    assert_eq!(
        data.raw["futureField"]["nested"], true,
        "unknown fields are kept for the audit log"
    );
    assert!(
        !format!("{:?}", data.user).contains("190000000000"),
        "Debug hides the personnummer"
    );
}

#[test]
fn error_bodies_keep_unknown_codes() {
    let body: ErrorBody =
        serde_json::from_str(r#"{"errorCode":"alreadyInProgress","details":"x"}"#).expect("parses");
    assert_eq!(body.error_code, ErrorCode::AlreadyInProgress);
    let body: ErrorBody =
        serde_json::from_str(r#"{"errorCode":"somethingNew","details":"x","more":1}"#)
            .expect("parses");
    assert_eq!(body.error_code, ErrorCode::Unknown("somethingNew".into()));
}

#[test]
fn sign_request_is_v6_shaped() {
    let data = SignData::new("Hej **världen**", Some(b"r1,abc")).expect("short data is fine");
    let request = SignRequest::new("127.0.0.1", &data, Some("199001011239"));
    let json = serde_json::to_value(&request).expect("serializes");
    assert_eq!(json["userVisibleDataFormat"], "simpleMarkdownV1");
    assert_eq!(
        json["requirement"]["personalNumber"], "199001011239",
        "v6 puts the personnummer in requirement"
    );
    assert!(
        json.get("personalNumber").is_none(),
        "never at top level in v6"
    );
    assert_eq!(json["userNonVisibleData"], "cjEsYWJj");
    assert!(
        !format!("{request:?}").contains("199001011239"),
        "Debug hides the personnummer"
    );
}

#[test]
fn sign_data_limits_are_checked_before_sending() {
    assert_eq!(SignData::new("", None), Err(RequestError::VisibleDataEmpty));
    assert!(
        SignData::new(&"a".repeat(30_000), None).is_ok(),
        "30 000 bytes encode to 40 000 chars"
    );
    assert_eq!(
        SignData::new(&"a".repeat(30_001), None),
        Err(RequestError::VisibleDataTooLong {
            encoded_len: 40_004
        })
    );
    assert_eq!(
        SignData::new("x", Some(b"")),
        Err(RequestError::NonVisibleDataEmpty)
    );
    assert!(
        SignData::new("x", Some(&[b'a'; 150_000])).is_ok(),
        "150 000 bytes encode to 200 000 chars"
    );
    assert_eq!(
        SignData::new("x", Some(&[b'a'; 150_001])),
        Err(RequestError::NonVisibleDataTooLong {
            encoded_len: 200_004
        })
    );
}
