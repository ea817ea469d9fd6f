//! The animated QR code: its content for each second, and renderers for a terminal and for SVG.

use assistid_core::secret::Sensitive;
use hmac::{Hmac, Mac};
use qrcode::QrCode;
use qrcode::render::{svg, unicode};
use sha2::Sha256;

/// Why a QR code could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The content does not fit in a QR code (cannot happen with BankID's tokens).
    #[error("QR-koden kunde inte ritas: {0}")]
    Encode(String),
}

/// The QR content for second `seconds_since_start` after the `/sign` answer arrived:
/// `bankid.<qrStartToken>.<seconds>.<hex HMAC-SHA256(secret, seconds)>`.
///
/// The caller passes the elapsed seconds; this function reads no clock. Redraw every second.
///
/// ```
/// use assistid_bankid::qr::qr_content;
/// use assistid_core::secret::Sensitive;
/// let secret = Sensitive::new("d28db9a7-4cde-429e-a983-359be676944c".to_owned());
/// assert_eq!(
///     qr_content("67df3917-fa0d-44e5-b327-edcc928297f8", &secret, 0),
///     "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.\
///      dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
/// );
/// ```
pub fn qr_content(
    qr_start_token: &str,
    qr_start_secret: &Sensitive<String>,
    seconds_since_start: u64,
) -> String {
    let time = seconds_since_start.to_string();
    format!(
        "bankid.{qr_start_token}.{time}.{}",
        qr_auth_code(qr_start_secret, &time)
    )
}

fn qr_auth_code(secret: &Sensitive<String>, time: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty code rather
    // than panic if the hmac crate ever changed that.
    match Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()) {
        Ok(mut mac) => {
            mac.update(time.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

fn encode(content: &str) -> Result<QrCode, QrError> {
    QrCode::new(content.as_bytes()).map_err(|e| QrError::Encode(e.to_string()))
}

/// The QR code as text for a terminal, two modules per character (Unicode half blocks), dark
/// modules on a light background with a quiet zone.
pub fn render_terminal(content: &str) -> Result<String, QrError> {
    Ok(encode(content)?
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// The QR code as an SVG document, at least `min_size` pixels wide.
pub fn render_svg(content: &str, min_size: u32) -> Result<String, QrError> {
    Ok(encode(content)?
        .render::<svg::Color<'_>>()
        .min_dimensions(min_size, min_size)
        .quiet_zone(true)
        .build())
}
