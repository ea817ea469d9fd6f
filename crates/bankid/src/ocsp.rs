//! Verification of the OCSP response BankID returns beside the signature
//! (`completionData.ocspResponse`, DER, RFC 6960).
//!
//! The response is what proves that the signer's certificate was good when the order was
//! signed, and its `producedAt` is the trustworthy signing time (FK's `datumForSignatur`), not
//! the computer's clock. [`verify_ocsp`] checks, in order:
//!
//! 1. it is a successful `BasicOCSPResponse` we can read (strict DER, definite lengths);
//! 2. the signer's issuing CA chains to one of the environment's user-certificate roots and
//!    issued the signer's certificate;
//! 3. the responder is the issuing CA itself or a certificate in the response's `certs` that the
//!    issuing CA issued for OCSP signing (`id-kp-OCSPSigning`), valid at `producedAt`, and it is
//!    the one the `responderID` names;
//! 4. the response's signature verifies with the responder's key (RSA PKCS#1 v1.5 with SHA-1,
//!    SHA-256, SHA-384 or SHA-512 — BankID's responders have signed with SHA-1 and SHA-256 —
//!    or ECDSA P-256/P-384);
//! 5. a single response is about the signer's certificate (`CertID`: hash of the issuer's name
//!    and key, the serial number) and says `good`;
//! 6. `producedAt` lies within the order, from its start to its completion, give or take
//!    [`ALLOWED_CLOCK_SKEW`] (the order's times are the caller's: this module reads no clock).

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use ring::digest;
use ring::signature::{self as ring_sig, UnparsedPublicKey};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;

use crate::signature::{SignatureError, subject_attribute, verify_chain};

/// How far `producedAt` may lie outside the order's start and completion as the computer saw
/// them: the computer's clock and BankID's are not the same clock.
pub const ALLOWED_CLOCK_SKEW: Duration = Duration::minutes(5);

const OID_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const OID_SHA1: &str = "1.3.14.3.2.26";
const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";

/// Why an OCSP response was not accepted. Each message says, for a coordinator, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcspError {
    /// The response is missing, not DER, or not shaped as RFC 6960 says.
    #[error(
        "BankID:s bekräftelse av undertecknarens certifikat (OCSP-svaret) går inte att läsa ({0}). Underskriften godtas inte; försök skriva under igen."
    )]
    Unreadable(String),
    /// `responseStatus` is not `successful` (the number is the status).
    #[error(
        "BankID kunde inte bekräfta undertecknarens certifikat (OCSP-status {0}). Försök skriva under igen om en stund."
    )]
    NotSuccessful(u8),
    /// An algorithm we do not accept (response type, hash or signature).
    #[error("BankID:s bekräftelse använder en metod som inte godtas ({0}).")]
    UnsupportedAlgorithm(String),
    /// The certificates of the signature do not include the signer's issuing CA.
    #[error("Underskriften saknar certifikatet för den bank som utfärdade undertecknarens BankID.")]
    IssuerMissing,
    /// The signer's issuing CA does not chain to the environment's root, or did not issue the
    /// signer's certificate.
    #[error("Bekräftelsen av undertecknarens certifikat kan inte knytas till BankID ({0}).")]
    IssuerUntrusted(String),
    /// No certificate matches the `responderID`.
    #[error("BankID:s bekräftelse är undertecknad av en okänd part.")]
    ResponderUnknown,
    /// The responder certificate is not authorised by the issuing CA to answer for it.
    #[error("BankID:s bekräftelse är undertecknad av en part som inte får göra det ({0}).")]
    ResponderNotAuthorized(String),
    /// The response's signature does not verify with the responder's key.
    #[error(
        "BankID:s bekräftelse av undertecknarens certifikat har ändrats eller är inte gjord av BankID."
    )]
    SignatureInvalid,
    /// No single response is about the signer's certificate.
    #[error("BankID:s bekräftelse gäller ett annat certifikat än undertecknarens.")]
    WrongCertificate,
    /// The signer's certificate is revoked.
    #[error(
        "BankID säger att undertecknarens BankID är spärrat. Underskriften godtas inte; personen behöver skriva under med ett giltigt BankID."
    )]
    Revoked,
    /// The responder does not know the signer's certificate.
    #[error(
        "BankID känner inte till undertecknarens certifikat. Underskriften godtas inte; försök skriva under igen."
    )]
    StatusUnknown,
    /// `producedAt` lies outside the order.
    #[error(
        "BankID:s bekräftelse gjordes {produced_at}, inte under den här underskriften. Kontrollera datorns klocka och skriv under igen."
    )]
    OutsideOrder {
        /// `producedAt` (UTC, to the second).
        produced_at: String,
    },
}

impl OcspError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable(_) => "ocsp_unreadable",
            Self::NotSuccessful(_) => "ocsp_not_successful",
            Self::UnsupportedAlgorithm(_) => "ocsp_unsupported_algorithm",
            Self::IssuerMissing => "ocsp_issuer_missing",
            Self::IssuerUntrusted(_) => "ocsp_issuer_untrusted",
            Self::ResponderUnknown => "ocsp_responder_unknown",
            Self::ResponderNotAuthorized(_) => "ocsp_responder_not_authorized",
            Self::SignatureInvalid => "ocsp_signature_invalid",
            Self::WrongCertificate => "ocsp_wrong_certificate",
            Self::Revoked => "ocsp_revoked",
            Self::StatusUnknown => "ocsp_status_unknown",
            Self::OutsideOrder { .. } => "ocsp_outside_order",
        }
    }
}

/// An OCSP response that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedOcsp {
    /// When BankID's responder produced the response: the signing time to use.
    pub produced_at: DateTime<Utc>,
    /// `thisUpdate` of the single response about the signer.
    pub this_update: DateTime<Utc>,
    /// The responder's name (CN of a CA or OCSP responder certificate; no personal data).
    pub responder: String,
}

/// The order an OCSP response must belong to, in the caller's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderWindow {
    /// When the order was started (the `/sign` call).
    pub started: DateTime<Utc>,
    /// When the completed collect answer arrived.
    pub completed: DateTime<Utc>,
}

fn unreadable(what: &str) -> OcspError {
    OcspError::Unreadable(what.to_owned())
}

/// One DER element.
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    /// The whole element, tag and length included.
    raw: &'a [u8],
}

/// Reads one DER element from the front of `input`: single-byte tags, definite lengths of at
/// most four bytes, the length within the input.
fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), OcspError> {
    let bad = || unreadable("trasig DER");
    let (&tag, rest) = input.split_first().ok_or_else(bad)?;
    if tag & 0x1f == 0x1f {
        return Err(bad());
    }
    let (&first, rest) = rest.split_first().ok_or_else(bad)?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(bad());
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(bad());
    }
    let header = input.len() - rest.len();
    Ok((
        Tlv {
            tag,
            content: &rest[..len],
            raw: &input[..header + len],
        },
        &rest[len..],
    ))
}

/// Reads an element that must have `tag`.
fn expect<'a>(input: &'a [u8], tag: u8, what: &str) -> Result<(Tlv<'a>, &'a [u8]), OcspError> {
    let (tlv, rest) = read(input)?;
    if tlv.tag != tag {
        return Err(unreadable(&format!("{what} saknas")));
    }
    Ok((tlv, rest))
}

/// Reads the whole of `input` as exactly one element with `tag`.
fn only<'a>(input: &'a [u8], tag: u8, what: &str) -> Result<Tlv<'a>, OcspError> {
    let (tlv, rest) = expect(input, tag, what)?;
    if !rest.is_empty() {
        return Err(unreadable(&format!("data efter {what}")));
    }
    Ok(tlv)
}

fn oid_text(content: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &b in content {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// The algorithm OID of an `AlgorithmIdentifier` (parameters ignored).
fn algorithm(identifier: Tlv<'_>) -> Result<String, OcspError> {
    let (oid, _) = expect(identifier.content, 0x06, "algoritm")?;
    Ok(oid_text(oid.content))
}

fn generalized_time(tlv: Tlv<'_>) -> Result<DateTime<Utc>, OcspError> {
    if tlv.tag != 0x18 {
        return Err(unreadable("tidpunkt saknas"));
    }
    let text = std::str::from_utf8(tlv.content).map_err(|_| unreadable("tidpunkt"))?;
    let text = text
        .strip_suffix('Z')
        .ok_or_else(|| unreadable("tidpunkt utan Z"))?;
    let format = if text.contains('.') {
        "%Y%m%d%H%M%S%.f"
    } else {
        "%Y%m%d%H%M%S"
    };
    NaiveDateTime::parse_from_str(text, format)
        .map(|t| t.and_utc())
        .map_err(|_| unreadable("tidpunkt"))
}

/// Strips the leading zero bytes a DER INTEGER may carry, so serials compare by value.
fn integer_magnitude(bytes: &[u8]) -> &[u8] {
    let skip = bytes
        .iter()
        .take_while(|&&b| b == 0)
        .count()
        .min(bytes.len().saturating_sub(1));
    &bytes[skip..]
}

fn hash(algorithm_oid: &str, data: &[u8]) -> Result<Vec<u8>, OcspError> {
    let algorithm = match algorithm_oid {
        OID_SHA1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        OID_SHA256 => &digest::SHA256,
        other => {
            return Err(OcspError::UnsupportedAlgorithm(format!(
                "CertID-hash {other}"
            )));
        }
    };
    Ok(digest::digest(algorithm, data).as_ref().to_vec())
}

fn parse_cert(der: &[u8]) -> Result<X509Certificate<'_>, OcspError> {
    X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| unreadable(&format!("certifikat: {e}")))
}

fn common_name(cert: &X509Certificate<'_>) -> String {
    subject_attribute(cert, "2.5.4.3").unwrap_or_else(|| "okänd".into())
}

/// The parts of a `BasicOCSPResponse` the checks need.
struct Basic<'a> {
    tbs_raw: &'a [u8],
    responder_id: Tlv<'a>,
    produced_at: DateTime<Utc>,
    responses: &'a [u8],
    signature_algorithm: String,
    signature: &'a [u8],
    certs: Vec<&'a [u8]>,
}

fn parse(ocsp_der: &[u8]) -> Result<Basic<'_>, OcspError> {
    if ocsp_der.is_empty() {
        return Err(unreadable("svaret är tomt"));
    }
    let response = only(ocsp_der, 0x30, "OCSPResponse")?;
    let (status, rest) = expect(response.content, 0x0a, "responseStatus")?;
    match status.content {
        [0] => {}
        [other] => return Err(OcspError::NotSuccessful(*other)),
        _ => return Err(unreadable("responseStatus")),
    }
    let bytes = only(rest, 0xa0, "responseBytes")?;
    let bytes = only(bytes.content, 0x30, "responseBytes")?;
    let (kind, rest) = expect(bytes.content, 0x06, "responseType")?;
    let kind = oid_text(kind.content);
    if kind != OID_OCSP_BASIC {
        return Err(OcspError::UnsupportedAlgorithm(format!("svarstyp {kind}")));
    }
    let octets = only(rest, 0x04, "response")?;
    let basic = only(octets.content, 0x30, "BasicOCSPResponse")?;

    let (tbs, rest) = expect(basic.content, 0x30, "tbsResponseData")?;
    let (signature_algorithm, rest) = expect(rest, 0x30, "signatureAlgorithm")?;
    let (signature, rest) = expect(rest, 0x03, "signature")?;
    let certs = if rest.is_empty() {
        Vec::new()
    } else {
        let wrapper = only(rest, 0xa0, "certs")?;
        let mut list = only(wrapper.content, 0x30, "certs")?.content;
        let mut certs = Vec::new();
        while !list.is_empty() {
            let (cert, next) = expect(list, 0x30, "certifikat")?;
            certs.push(cert.raw);
            list = next;
        }
        certs
    };
    let signature = match signature.content.split_first() {
        Some((0, bits)) => bits,
        _ => return Err(unreadable("signaturen har oanvända bitar")),
    };

    let mut fields = tbs.content;
    let (mut next, mut rest) = read(fields)?;
    if next.tag == 0xa0 {
        // version [0] EXPLICIT: only v1 (0) exists.
        if next.content != [0x02, 0x01, 0x00] {
            return Err(unreadable("okänd version"));
        }
        fields = rest;
        (next, rest) = read(fields)?;
    }
    if next.tag != 0xa1 && next.tag != 0xa2 {
        return Err(unreadable("responderID saknas"));
    }
    let responder_id = next;
    let (produced, rest) = read(rest)?;
    let produced_at = generalized_time(produced)?;
    let (responses, rest) = expect(rest, 0x30, "responses")?;
    if !rest.is_empty() {
        only(rest, 0xa1, "responseExtensions")?;
    }
    Ok(Basic {
        tbs_raw: tbs.raw,
        responder_id,
        produced_at,
        responses: responses.content,
        signature_algorithm: algorithm(signature_algorithm)?,
        signature,
        certs,
    })
}

fn verify_with(
    key: &X509Certificate<'_>,
    algorithm_oid: &str,
    message: &[u8],
    signature: &[u8],
) -> Result<(), OcspError> {
    let spki = key.public_key();
    let key_oid = spki.algorithm.algorithm.to_id_string();
    let scheme: &dyn ring_sig::VerificationAlgorithm = match (key_oid.as_str(), algorithm_oid) {
        ("1.2.840.113549.1.1.1", "1.2.840.113549.1.1.5") => {
            &ring_sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        ("1.2.840.113549.1.1.1", "1.2.840.113549.1.1.11") => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
        ("1.2.840.113549.1.1.1", "1.2.840.113549.1.1.12") => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
        ("1.2.840.113549.1.1.1", "1.2.840.113549.1.1.13") => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
        ("1.2.840.10045.2.1", "1.2.840.10045.4.3.2") => &ring_sig::ECDSA_P256_SHA256_ASN1,
        ("1.2.840.10045.2.1", "1.2.840.10045.4.3.3") => &ring_sig::ECDSA_P384_SHA384_ASN1,
        (key_oid, algorithm_oid) => {
            return Err(OcspError::UnsupportedAlgorithm(format!(
                "signatur {algorithm_oid} med nyckel {key_oid}"
            )));
        }
    };
    UnparsedPublicKey::new(scheme, &spki.subject_public_key.data)
        .verify(message, signature)
        .map_err(|_| OcspError::SignatureInvalid)
}

fn names_responder(responder_id: Tlv<'_>, cert: &X509Certificate<'_>) -> Result<bool, OcspError> {
    match responder_id.tag {
        // byName [1] EXPLICIT Name
        0xa1 => Ok(responder_id.content == cert.subject().as_raw()),
        // byKey [2] EXPLICIT KeyHash: SHA-1 of the subjectPublicKey bits
        _ => {
            let key_hash = only(responder_id.content, 0x04, "KeyHash")?;
            Ok(key_hash.content == hash(OID_SHA1, &cert.public_key().subject_public_key.data)?)
        }
    }
}

/// Checks `ocsp_der` (the decoded `completionData.ocspResponse`) for the signer whose
/// certificates are `signer_chain_der` (the signer's certificate first, then its issuing CAs as
/// in the signature's `KeyInfo`: [`crate::VerifiedSignature`] has both), against the
/// environment's user-certificate roots, for an order that ran during `order`. See the module
/// documentation for what is checked.
pub fn verify_ocsp(
    ocsp_der: &[u8],
    signer_chain_der: &[Vec<u8>],
    user_cert_roots_der: &[Vec<u8>],
    order: OrderWindow,
) -> Result<VerifiedOcsp, OcspError> {
    let basic = parse(ocsp_der)?;
    let produced_at = basic.produced_at;
    let (signer_der, chain_der) = signer_chain_der
        .split_first()
        .ok_or(OcspError::IssuerMissing)?;
    if chain_der.is_empty() {
        return Err(OcspError::IssuerMissing);
    }
    let signer = parse_cert(signer_der)?;
    let chain = chain_der
        .iter()
        .map(|der| parse_cert(der))
        .collect::<Result<Vec<_>, _>>()?;
    let issuer = &chain[0];
    if !issuer.is_ca() {
        return Err(OcspError::IssuerUntrusted(
            "certifikatet efter undertecknarens är ingen CA".into(),
        ));
    }

    // The issuing CA: chains to this environment's root, and issued the signer's certificate.
    verify_chain(&chain, user_cert_roots_der, produced_at).map_err(|e| match e {
        SignatureError::UntrustedRoot => {
            OcspError::IssuerUntrusted("inte under den här miljöns BankID-rot".into())
        }
        other => OcspError::IssuerUntrusted(other.to_string()),
    })?;
    if signer.issuer() != issuer.subject()
        || signer.verify_signature(Some(issuer.public_key())).is_err()
    {
        return Err(OcspError::IssuerUntrusted(
            "undertecknarens certifikat är inte utfärdat av banken i kedjan".into(),
        ));
    }

    // The responder: the issuing CA itself, or a certificate it issued for OCSP signing.
    let at =
        ASN1Time::from_timestamp(produced_at.timestamp()).map_err(|_| unreadable("producedAt"))?;
    let responder = if names_responder(basic.responder_id, issuer)? {
        None
    } else {
        let mut found = None;
        for der in &basic.certs {
            let cert = parse_cert(der)?;
            if names_responder(basic.responder_id, &cert)? {
                found = Some(cert);
                break;
            }
        }
        let cert = found.ok_or(OcspError::ResponderUnknown)?;
        let name = common_name(&cert);
        if cert.issuer() != issuer.subject()
            || cert.verify_signature(Some(issuer.public_key())).is_err()
        {
            return Err(OcspError::ResponderNotAuthorized(format!(
                "{name} är inte utfärdat av {}",
                common_name(issuer)
            )));
        }
        let ocsp_signing = cert
            .extended_key_usage()
            .ok()
            .flatten()
            .is_some_and(|eku| eku.value.ocsp_signing);
        if !ocsp_signing {
            return Err(OcspError::ResponderNotAuthorized(format!(
                "{name} saknar rätten att signera OCSP-svar"
            )));
        }
        if !cert.validity().is_valid_at(at) {
            return Err(OcspError::ResponderNotAuthorized(format!(
                "{name} var inte giltigt när svaret gjordes"
            )));
        }
        Some(cert)
    };
    let responder_cert = responder.as_ref().unwrap_or(issuer);
    verify_with(
        responder_cert,
        &basic.signature_algorithm,
        basic.tbs_raw,
        basic.signature,
    )?;

    // The single response about the signer's certificate.
    let issuer_name = issuer.subject().as_raw();
    let issuer_key = &issuer.public_key().subject_public_key.data;
    let serial = integer_magnitude(signer.raw_serial());
    let mut list = basic.responses;
    let mut about_signer = None;
    while !list.is_empty() {
        let (single, next) = expect(list, 0x30, "SingleResponse")?;
        list = next;
        let (cert_id, rest) = expect(single.content, 0x30, "CertID")?;
        let (hash_alg, id_rest) = expect(cert_id.content, 0x30, "hashAlgorithm")?;
        let (name_hash, id_rest) = expect(id_rest, 0x04, "issuerNameHash")?;
        let (key_hash, id_rest) = expect(id_rest, 0x04, "issuerKeyHash")?;
        let id_serial = only(id_rest, 0x02, "serialNumber")?;
        let hash_oid = algorithm(hash_alg)?;
        if name_hash.content == hash(&hash_oid, issuer_name)?
            && key_hash.content == hash(&hash_oid, issuer_key)?
            && integer_magnitude(id_serial.content) == serial
        {
            if about_signer.is_some() {
                return Err(unreadable("två svar om samma certifikat"));
            }
            about_signer = Some(rest);
        }
    }
    let rest = about_signer.ok_or(OcspError::WrongCertificate)?;
    let (status, rest) = read(rest)?;
    match status.tag {
        0x80 if status.content.is_empty() => {}
        0xa1 => return Err(OcspError::Revoked),
        0x82 => return Err(OcspError::StatusUnknown),
        _ => return Err(unreadable("certStatus")),
    }
    let (this_update, _) = read(rest)?;
    let this_update = generalized_time(this_update)?;

    // Produced during the order.
    if produced_at < order.started - ALLOWED_CLOCK_SKEW
        || produced_at > order.completed + ALLOWED_CLOCK_SKEW
    {
        return Err(OcspError::OutsideOrder {
            produced_at: produced_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        });
    }
    Ok(VerifiedOcsp {
        produced_at,
        this_update,
        responder: common_name(responder_cert),
    })
}

/// A signature and the OCSP answer beside it, both verified: what to store, with
/// [`VerifiedOcsp::produced_at`] as the signing time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenSignature {
    /// The verified signature (content, signer, certificates).
    pub signature: crate::signature::VerifiedSignature,
    /// The verified OCSP answer.
    pub ocsp: VerifiedOcsp,
}

/// Verifies a completed order's signature and its OCSP answer together, at the time BankID's
/// responder vouched for the certificate: [`crate::verify_signature`] at `producedAt` (not at
/// the computer's clock), then [`verify_ocsp`] with the signature's certificates, the same
/// roots and the order's window. One call for the app's check before storing and again before
/// sending.
pub fn verify_signature_with_ocsp(
    signature_xml: &[u8],
    ocsp_der: &[u8],
    expected: &crate::signature::Expected<'_>,
    completion_personal_number: &str,
    user_cert_roots_der: &[Vec<u8>],
    order: OrderWindow,
) -> Result<ProvenSignature, SignatureError> {
    let produced_at = parse(ocsp_der)?.produced_at;
    let signature = crate::signature::verify_signature(
        signature_xml,
        expected,
        completion_personal_number,
        user_cert_roots_der,
        produced_at,
    )?;
    let mut chain = Vec::with_capacity(1 + signature.issuer_certificates_der.len());
    chain.push(signature.signer_certificate_der.clone());
    chain.extend(signature.issuer_certificates_der.iter().cloned());
    let ocsp = verify_ocsp(ocsp_der, &chain, user_cert_roots_der, order)?;
    Ok(ProvenSignature { signature, ocsp })
}
