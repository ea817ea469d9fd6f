//! Ready-made request parts for tests and the demo: a small report that follows FK's schema,
//! and signature documents with BankID's shape.
//!
//! [`binding_only_signature`] is a stand-in until the fake BankID's XML-DSig generator
//! (`crate::bankid`) is used: it has BankID's structure (`bankIdSignedData` with
//! `usrNonVisibleData`, `KeyInfo/X509Data` with a real signer certificate from a [`TestCa`](crate::pki::TestCa)), but
//! its `SignatureValue` is an ECDSA signature over the `bankIdSignedData` text only, not a
//! canonicalized XML-DSig. The fake FK checks the binding and the signer, not the XML-DSig.

use assistid_core::c14n::report_hash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

use crate::pki::{IssuedCert, PkiError};

/// FK's report namespace.
pub const REPORT_NS: &str =
    "http://schema.forsakringskassan.se/integration/isassistansersattning/tidredovisning/1";

/// A small valid report (two rows) for `month` (`YYYY-MM`) and the assistant's personnummer.
pub fn sample_report(id: Uuid, month: &str, assistant_personnummer: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Tidredovisning xmlns=\"{REPORT_NS}\">\
         <id>{id}</id><redovisningsmanad>{month}</redovisningsmanad>\
         <personSomHarAssistans><personnummer>201001012382</personnummer>\
         <fornamn>Åsa</fornamn><efternamn>Öberg-Lind</efternamn></personSomHarAssistans>\
         <assistent><personnummer>{assistant_personnummer}</personnummer><fornamn>Anna</fornamn>\
         <efternamn>Andersson</efternamn><kollektivavtal>true</kollektivavtal></assistent>\
         <assistansanordnare><anordnareNamn>Omsorg &amp; Co AB</anordnareNamn>\
         <organisationsnummer>5560360793</organisationsnummer>\
         <assistentAnstalldAvAnordnare>true</assistentAnstalldAvAnordnare></assistansanordnare>\
         <tidrapport>\
         <rapportRad><dag>1</dag><fromTid>08.00</fromTid><tomTid>16.30</tomTid><aktivTid>true</aktivTid></rapportRad>\
         <rapportRad><dag>2</dag><fromTid>22.00</fromTid><tomTid>24.00</tomTid><vanteTid>true</vanteTid></rapportRad>\
         </tidrapport><telefonnummerAnordnare>08-123 45 67</telefonnummerAnordnare>\
         </Tidredovisning>\n",
        id = id.hyphenated()
    )
    .into_bytes()
}

/// The binding entry `<id>,<sha256 of canonical form>` for a report, as BankID's
/// `userNonVisibleData` must contain it.
pub fn binding_entry(
    report_id: Uuid,
    report: &[u8],
) -> Result<String, assistid_core::c14n::C14nError> {
    Ok(format!(
        "{},{}",
        report_id.hyphenated(),
        report_hash(report)?
    ))
}

/// A signature document with BankID's shape, signed by `signer` (see the module docs for what
/// it is not). `non_visible_data` is the text BankID would return base64-encoded in
/// `usrNonVisibleData` (binding entries joined with `;`).
pub fn binding_only_signature(
    signer: &IssuedCert,
    visible_text: &str,
    non_visible_data: &str,
) -> Result<Vec<u8>, PkiError> {
    let signed_data = format!(
        "<bankIdSignedData xmlns=\"http://www.bankid.com/signature/v1.0.0/types\" \
         Id=\"bidSignedData\"><usrVisibleData charset=\"UTF-8\" visible=\"wysiwys\">{}\
         </usrVisibleData><usrNonVisibleData>{}</usrNonVisibleData><srvInfo><nonce>{}</nonce>\
         </srvInfo></bankIdSignedData>",
        STANDARD.encode(visible_text.as_bytes()),
        STANDARD.encode(non_visible_data.as_bytes()),
        STANDARD.encode(Uuid::new_v4().as_bytes()),
    );
    let signature_value = STANDARD.encode(signer.sign(signed_data.as_bytes())?);
    let ca_cert = STANDARD.encode(signer.chain_der().get(1).cloned().unwrap_or_default());
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\
         <Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>\
         <CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>\
         <SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>\
         </SignedInfo><SignatureValue>{signature_value}</SignatureValue><KeyInfo><X509Data>\
         <X509Certificate>{}</X509Certificate><X509Certificate>{ca_cert}</X509Certificate>\
         </X509Data></KeyInfo><Object>{signed_data}</Object></Signature>",
        STANDARD.encode(signer.cert_der()),
    )
    .into_bytes())
}

/// A minimal DER `OCSPResponse` with status `successful` and no response bytes: well-formed
/// ASN.1 of the right type, not a real OCSP answer.
pub fn minimal_ocsp_response() -> Vec<u8> {
    vec![0x30, 0x03, 0x0a, 0x01, 0x00]
}
