//! The XML-DSig document in `completionData.signature`, as a compromised BankID endpoint could
//! send it: parsed, its references canonicalized and the whole signature checked.
#![no_main]

use assistid_bankid::signature::{
    Expected, canonicalize_element_by_id, canonicalize_signed_info, verify_signature,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(at) = chrono::DateTime::from_timestamp(1_790_000_000, 0) else {
        return;
    };
    let expected = Expected {
        user_visible_data: "VGlkcmVkb3Zpc25pbmc=",
        user_non_visible_data: Some("cjEsYWJj"),
        personal_number: assistid_fuzz::ASSISTANTS[0],
    };
    // No trusted root: every check before the chain runs, and the chain check never succeeds.
    let roots: Vec<Vec<u8>> = Vec::new();
    match verify_signature(data, &expected, assistid_fuzz::ASSISTANTS[0], &roots, at) {
        Ok(_) => panic!("no signature can chain to a root when none is trusted"),
        Err(e) => {
            let _ = e.code();
            let _ = e.to_string();
        }
    }
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = canonicalize_element_by_id(xml, "bidSignedData");
        let _ = canonicalize_element_by_id(xml, "bidKeyInfo");
        let _ = canonicalize_signed_info(xml);
    }
});
