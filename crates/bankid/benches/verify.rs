//! How long checking one BankID signature takes (the provider's batch signature is checked once
//! per report it covers), and one QR frame.

use assistid_bankid::{Expected, verify_signature};
use assistid_core::secret::Sensitive;
use assistid_fakes::bankid::{SignInput, UserCertificateAuthority, sign_document};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let at = Utc
        .with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("a valid date");
    let ca = UserCertificateAuthority::new("Fake BankID Root CA v1 Test").expect("a CA");
    // A provider batch near the size limit: 2 000 report bindings of ~80 characters each.
    let binding: String = (0..2000)
        .map(|i| format!("report-{i:05},{}", "ab".repeat(32)))
        .collect::<Vec<_>>()
        .join(";");
    let binding_b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &binding);
    let visible = "VGlkcmVkb3Zpc25pbmc=";
    let signature = sign_document(
        &ca,
        &SignInput {
            user_visible_data: visible,
            user_non_visible_data: Some(&binding_b64),
            personal_number: "199001011239",
            name: "Anna Andersson",
            signed_at: at,
            certificate_validity: (
                at - chrono::Duration::days(1),
                at + chrono::Duration::days(1),
            ),
        },
    )
    .expect("the fake signs");
    let roots = vec![ca.root_der().to_vec()];
    let expected = Expected {
        user_visible_data: visible,
        user_non_visible_data: Some(&binding_b64),
        personal_number: "199001011239",
    };
    c.bench_function("verify_signature (2000-report binding)", |b| {
        b.iter(|| {
            verify_signature(
                signature.xml.as_bytes(),
                &expected,
                "199001011239",
                &roots,
                at,
            )
            .expect("verifies")
        })
    });
    let secret = Sensitive::new("d28db9a7-4cde-429e-a983-359be676944c".to_owned());
    c.bench_function("qr_content + render_terminal", |b| {
        b.iter(|| {
            let content = assistid_bankid::qr::qr_content(
                "67df3917-fa0d-44e5-b327-edcc928297f8",
                &secret,
                17,
            );
            assistid_bankid::qr::render_terminal(&content).expect("renders")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
