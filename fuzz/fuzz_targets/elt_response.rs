//! FK's answer to a submission (or whatever a hostile network or a broken proxy sends instead):
//! the first two bytes choose the HTTP status, the rest is the body.
#![no_main]

use assistid_elt::error::EltError;
use assistid_elt::response::{RawAnswer, ResponseRecord, parse_answer};
use libfuzzer_sys::fuzz_target;

/// Statuses FK and the things in front of it really send, plus whatever the bytes say.
fn status(selector: u8, raw: u8) -> u16 {
    match selector % 6 {
        0 => 200,
        1 => 500,
        2 => 503,
        3 => 400,
        4 => 502,
        _ => 100 + u16::from(raw) * 2,
    }
}

fuzz_target!(|data: &[u8]| {
    let [selector, raw, body @ ..] = data else {
        return;
    };
    let answer = RawAnswer {
        status: status(*selector, *raw),
        body: body.to_vec(),
        retry_after_secs: (selector & 0x80 != 0).then_some(u64::from(*raw)),
    };
    let outcome = parse_answer(&answer);
    match &outcome {
        Ok(_) => assert_eq!(
            answer.status, 200,
            "a receipt is only a receipt with HTTP 200"
        ),
        Err(error) => {
            let _ = (error.code(), error.disposition(), error.fk_message());
            let shown = error.to_string();
            if matches!(error, EltError::UnexpectedAnswer { .. }) {
                // An answer we do not understand is described, never quoted.
                assistid_fuzz::assert_no_identity_number("an unexpected answer's message", &shown);
            }
        }
    }
    let Some(at) = chrono::DateTime::from_timestamp(1_790_000_000, 0) else {
        return;
    };
    let record = ResponseRecord::new(&answer, at, &outcome);
    assistid_fuzz::assert_no_identity_number("a response record's Debug", &format!("{record:?}"));
    assert_eq!(record.body, answer.body, "the raw answer is kept unchanged");
});
