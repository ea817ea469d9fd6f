//! The animated QR code matches BankID's published vectors and renders.

use assistid_bankid::qr::{qr_content, render_svg, render_terminal};
use assistid_core::secret::Sensitive;

const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";

fn secret() -> Sensitive<String> {
    Sensitive::new("d28db9a7-4cde-429e-a983-359be676944c".to_owned())
}

#[test]
fn qr_content_matches_bankids_published_vectors() {
    let vectors = [
        (
            0,
            "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
        ),
        (
            1,
            "949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2",
        ),
        (
            2,
            "a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3",
        ),
    ];
    for (time, code) in vectors {
        assert_eq!(
            qr_content(TOKEN, &secret(), time),
            format!("bankid.{TOKEN}.{time}.{code}"),
            "the QR content at second {time} must be BankID's published vector"
        );
    }
}

#[test]
fn qr_content_never_contains_the_secret() {
    let content = qr_content(TOKEN, &secret(), 7);
    assert!(
        !content.contains(secret().expose().as_str()),
        "the qrStartSecret must never be shown"
    );
}

#[test]
fn the_qr_code_renders_for_a_terminal_and_as_svg() {
    let content = qr_content(TOKEN, &secret(), 0);
    let text = render_terminal(&content).expect("BankID's QR content fits a QR code");
    assert!(
        text.contains('▀') || text.contains('▄') || text.contains('█'),
        "half blocks are used"
    );
    assert!(text.lines().count() > 10, "a QR code has many rows");
    let svg = render_svg(&content, 200).expect("BankID's QR content fits a QR code");
    assert!(svg.contains("<svg"), "an SVG document is produced");
}
