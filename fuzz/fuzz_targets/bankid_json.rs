//! BankID's JSON answers to `/sign` (`/auth`), `/collect` and errors, as a compromised BankID
//! endpoint or a broken proxy could send them; a complete collect answer's signature and OCSP
//! response are decoded and the signature is checked as the app would.
#![no_main]

use assistid_bankid::BankIdError;
use assistid_bankid::signature::{Expected, verify_signature};
use assistid_bankid::types::{CollectResponse, ErrorBody, OrderResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match serde_json::from_slice::<OrderResponse>(data) {
        Ok(order) => {
            let shown = format!("{order:?}");
            assert!(
                !shown.contains(order.qr_start_secret.expose().as_str())
                    || order.qr_start_secret.expose().len() < 4,
                "the QR secret never appears in Debug output: {shown}"
            );
        }
        Err(e) => {
            let error = BankIdError::bad_json(&e);
            assistid_fuzz::assert_no_identity_number("a BankID JSON error", &error.to_string());
        }
    }
    if let Ok(body) = serde_json::from_slice::<ErrorBody>(data) {
        let error = BankIdError::from_response(400, data, None);
        let _ = (body.error_code, error.code(), error.is_retryable());
    }
    let _ = BankIdError::from_response(503, data, Some("1"));
    match serde_json::from_slice::<CollectResponse>(data) {
        Ok(collect) => {
            assistid_fuzz::assert_no_identity_number(
                "a collect answer's Debug",
                &format!("{collect:?}"),
            );
            let Some(completion) = collect.completion_data else {
                return;
            };
            let _ = completion.ocsp_der();
            let Ok(xml) = completion.signature_xml() else {
                return;
            };
            let Some(at) = chrono::DateTime::from_timestamp(1_790_000_000, 0) else {
                return;
            };
            let expected = Expected {
                user_visible_data: "VGlkcmVkb3Zpc25pbmc=",
                user_non_visible_data: None,
                personal_number: assistid_fuzz::ASSISTANTS[0],
            };
            let _ = verify_signature(&xml, &expected, &completion.user.personal_number, &[], at);
        }
        Err(e) => {
            let error = BankIdError::bad_json(&e);
            assistid_fuzz::assert_no_identity_number("a BankID JSON error", &error.to_string());
        }
    }
});
