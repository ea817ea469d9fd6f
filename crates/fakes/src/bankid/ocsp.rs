//! A DER OCSP response (RFC 6960 `OCSPResponse` with a `BasicOCSPResponse`, status good) for a
//! signer certificate, carrying a nonce extension as BankID's responses do. Written with a tiny
//! DER writer: the structure is small and fixed.

use chrono::{DateTime, Utc};
use ring::digest;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::FakeBankIdError;
use super::ca::{SharedKey, UserCertificateAuthority, shared_key_der};

fn len(out: &mut Vec<u8>, n: usize) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut chunk = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        chunk.reverse();
        body.extend_from_slice(&chunk);
    }
    tlv(0x06, &body)
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

fn generalized_time(t: DateTime<Utc>) -> Vec<u8> {
    tlv(0x18, t.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
}

fn null() -> Vec<u8> {
    vec![0x05, 0x00]
}

/// OID of the OCSP nonce extension (RFC 8954).
pub const NONCE_OID: &str = "1.3.6.1.5.5.7.48.1.2";

/// How a fake OCSP response is made. BankID's are [`OcspScript::Good`]; the others are what a
/// verifier must refuse or handle, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OcspScript {
    /// Status good, signed by the delegated responder (in `certs`), `responderID` by key.
    #[default]
    Good,
    /// As `Good` with the responder named by its subject (`responderID` by name).
    ResponderByName,
    /// Signed by the customer CA itself (no responder certificate in `certs`).
    SignedByIssuingCa,
    /// Status revoked.
    Revoked,
    /// Status unknown.
    Unknown,
    /// Signed by a certificate of the customer CA that lacks `id-kp-OCSPSigning`.
    ResponderWithoutOcspSigning,
}

/// Builds the OCSP response about `signer_der` (issued by `ca`'s customer CA), produced at
/// `produced_at`, with `nonce`, as `script` says.
pub(crate) fn ocsp_response(
    ca: &UserCertificateAuthority,
    signer_der: &[u8],
    produced_at: DateTime<Utc>,
    nonce: &[u8],
    script: OcspScript,
) -> Result<Vec<u8>, FakeBankIdError> {
    let pki = |e: String| FakeBankIdError::Pki(e);
    let (_, signer) = X509Certificate::from_der(signer_der).map_err(|e| pki(e.to_string()))?;
    let issuer_der = ca.issuing_der();
    let (_, issuer) = X509Certificate::from_der(issuer_der).map_err(|e| pki(e.to_string()))?;
    let (responder_der, responder_key) = match script {
        OcspScript::SignedByIssuingCa => (None, shared_key_der(SharedKey::CustomerCa)?),
        OcspScript::ResponderWithoutOcspSigning => (
            Some(ca.responder_without_ocsp_signing_der()),
            shared_key_der(SharedKey::OcspResponder)?,
        ),
        _ => (
            Some(ca.ocsp_responder_der()),
            shared_key_der(SharedKey::OcspResponder)?,
        ),
    };
    let (_, responder) = X509Certificate::from_der(responder_der.unwrap_or(issuer_der))
        .map_err(|e| pki(e.to_string()))?;

    let sha1 = |data: &[u8]| digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, data);
    let cert_id = seq(&[
        seq(&[oid(&[1, 3, 14, 3, 2, 26]), null()]),
        octets(sha1(issuer.subject().as_raw()).as_ref()),
        octets(sha1(&issuer.public_key().subject_public_key.data).as_ref()),
        tlv(0x02, signer.raw_serial()),
    ]);
    let status = match script {
        // revoked [1] IMPLICIT RevokedInfo { revocationTime }
        OcspScript::Revoked => tlv(0xa1, &generalized_time(produced_at)),
        // unknown [2] IMPLICIT NULL
        OcspScript::Unknown => vec![0x82, 0x00],
        // good [0] IMPLICIT NULL
        _ => vec![0x80, 0x00],
    };
    let single = seq(&[cert_id, status, generalized_time(produced_at)]);
    let nonce_ext = seq(&[
        oid(&[1, 3, 6, 1, 5, 5, 7, 48, 1, 2]),
        octets(&octets(nonce)),
    ]);
    let responder_id = if script == OcspScript::ResponderByName {
        tlv(0xa1, responder.subject().as_raw())
    } else {
        let key_hash = sha1(&responder.public_key().subject_public_key.data);
        tlv(0xa2, &octets(key_hash.as_ref()))
    };
    let tbs = seq(&[
        responder_id,
        generalized_time(produced_at),
        seq(&[single]),
        tlv(0xa1, &seq(&[nonce_ext])),
    ]);
    let key =
        ring::signature::RsaKeyPair::from_pkcs8(responder_key).map_err(|e| pki(e.to_string()))?;
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        &tbs,
        &mut signature,
    )
    .map_err(|e| pki(e.to_string()))?;
    let mut bit_string = vec![0u8];
    bit_string.extend_from_slice(&signature);
    let mut basic = vec![
        tbs,
        seq(&[oid(&[1, 2, 840, 113549, 1, 1, 11]), null()]),
        tlv(0x03, &bit_string),
    ];
    if let Some(der) = responder_der {
        basic.push(tlv(0xa0, &seq(&[der.to_vec()])));
    }
    Ok(seq(&[
        tlv(0x0a, &[0x00]), // successful
        tlv(
            0xa0,
            &seq(&[oid(&[1, 3, 6, 1, 5, 5, 7, 48, 1, 1]), octets(&seq(&basic))]),
        ),
    ]))
}
