//! Verification of the XML-DSig document BankID returns in `completionData.signature`.
//!
//! What is checked, in order: the document has BankID's shape; each `Reference`
//! (`#bidSignedData`, `#bidKeyInfo`) has the SHA-256 digest of the Canonical XML 1.0 form of the
//! element it points at; `SignatureValue` is RSA-SHA256 (PKCS#1 v1.5) over the canonical
//! `SignedInfo` with the signer certificate's key; the certificates chain from the signer through
//! the included intermediates to one of the configured user-certificate roots, each valid at the
//! given time; then the content: the visible and non-visible data are exactly what was sent, and
//! the signer certificate's personnummer is both `completionData.user.personalNumber` and the
//! person who was meant to sign. The data and certificates are read from the very elements the
//! references point at, so a second, unsigned copy elsewhere in the document cannot be smuggled in.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bergshamra_c14n::C14nMode;
use bergshamra_xml::NodeSet;
use bergshamra_xml::uppsala::{self, Document, NodeId};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;

/// The XML-DSig namespace.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// BankID's namespace of `bankIdSignedData`.
pub const BANKID_TYPES_NS: &str = "http://www.bankid.com/signature/v1.0.0/types";
/// Canonical XML 1.0 (inclusive, without comments).
pub const C14N_10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// RSA-SHA256 signature method.
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// SHA-256 digest method.
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// What the order asked to be signed, and by whom.
#[derive(Clone, Copy)]
pub struct Expected<'a> {
    /// `userVisibleData` exactly as sent (base64).
    pub user_visible_data: &'a str,
    /// `userNonVisibleData` exactly as sent (base64), if any.
    pub user_non_visible_data: Option<&'a str>,
    /// The 12-digit personnummer of the person who was meant to sign.
    pub personal_number: &'a str,
}

impl std::fmt::Debug for Expected<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expected").finish_non_exhaustive()
    }
}

/// Which signed part of the document a digest check failed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedPart {
    /// `#bidSignedData`: the signed texts.
    SignedData,
    /// `#bidKeyInfo`: the certificates.
    KeyInfo,
}

impl std::fmt::Display for SignedPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::SignedData => "den undertecknade texten",
            Self::KeyInfo => "certifikaten",
        })
    }
}

/// Why a BankID signature was not accepted. Each message says, for a coordinator, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature is not base64, not UTF-8 or not well-formed XML.
    #[error("Underskriften från BankID går inte att läsa ({0}).")]
    Unreadable(String),
    /// The XML does not have the shape of a BankID signature.
    #[error("Underskriften från BankID har inte BankID:s form: {0}.")]
    UnexpectedShape(String),
    /// Two elements carry the same `Id` (a sign of a manipulated document).
    #[error("Underskriften innehåller två delar med samma Id \"{0}\" och godtas inte.")]
    DuplicateId(String),
    /// The signature uses an algorithm other than BankID's.
    #[error("Underskriften använder en metod som inte godtas ({0}).")]
    UnsupportedAlgorithm(String),
    /// A referenced part was changed after signing.
    #[error("Underskriften har ändrats efter att den skrevs under ({0} stämmer inte).")]
    DigestMismatch(SignedPart),
    /// `SignatureValue` does not verify with the signer's key.
    #[error(
        "Underskriftens kryptografiska värde stämmer inte: den är inte gjord med undertecknarens BankID, eller så har den ändrats."
    )]
    SignatureValueInvalid,
    /// A certificate in the signature could not be read.
    #[error("Ett certifikat i underskriften går inte att läsa ({0}).")]
    CertificateUnreadable(String),
    /// The chain from the signer's certificate to BankID's root is broken.
    #[error("Undertecknarens certifikat är inte korrekt utfärdat av BankID ({0}).")]
    ChainBroken(String),
    /// The chain does not end at the configured BankID root of this environment.
    #[error(
        "Undertecknarens certifikat är inte utfärdat under den BankID-rot som gäller för den här miljön."
    )]
    UntrustedRoot,
    /// A certificate was not valid at the time of the check.
    #[error("Undertecknarens BankID var inte giltigt {at} ({which}).")]
    CertificateNotValid {
        /// Which certificate.
        which: String,
        /// The time checked (UTC date and time).
        at: String,
    },
    /// The signer's certificate has no personnummer.
    #[error("Undertecknarens certifikat saknar personnummer.")]
    NoPersonalNumber,
    /// The certificate's personnummer differs from BankID's answer.
    #[error(
        "Personnumret i underskriftens certifikat stämmer inte med BankID:s svar om vem som skrev under."
    )]
    CompletionUserMismatch,
    /// Someone other than the intended person signed.
    #[error("Underskriften är gjord av en annan person än den som skulle skriva under.")]
    WrongSigner,
    /// The visible text in the signature differs from what was sent.
    #[error("Texten i underskriften är inte den text som skickades för underskrift.")]
    VisibleDataDiffers,
    /// The hidden binding differs: the signature belongs to other report bytes.
    #[error("Underskriften gäller en annan version av tidredovisningen.")]
    NonVisibleDataDiffers,
    /// The OCSP response beside the signature was not accepted
    /// ([`crate::ocsp::verify_ocsp`]).
    #[error(transparent)]
    Ocsp(#[from] crate::ocsp::OcspError),
}

impl SignatureError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable(_) => "signature_unreadable",
            Self::UnexpectedShape(_) => "signature_unexpected_shape",
            Self::DuplicateId(_) => "signature_duplicate_id",
            Self::UnsupportedAlgorithm(_) => "signature_unsupported_algorithm",
            Self::DigestMismatch(_) => "signature_digest_mismatch",
            Self::SignatureValueInvalid => "signature_value_invalid",
            Self::CertificateUnreadable(_) => "signature_certificate_unreadable",
            Self::ChainBroken(_) => "signature_chain_broken",
            Self::UntrustedRoot => "signature_untrusted_root",
            Self::CertificateNotValid { .. } => "signature_certificate_not_valid",
            Self::NoPersonalNumber => "signature_no_personal_number",
            Self::CompletionUserMismatch => "signature_completion_user_mismatch",
            Self::WrongSigner => "signature_wrong_signer",
            Self::VisibleDataDiffers => "signature_visible_data_differs",
            Self::NonVisibleDataDiffers => "signature_non_visible_data_differs",
            Self::Ocsp(inner) => inner.code(),
        }
    }
}

/// A signature that passed every check.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The signer's personnummer (12 digits) from the certificate's `serialNumber`.
    pub personal_number: String,
    /// The signer's name (certificate CN).
    pub name: String,
    /// Given name, if the certificate has one.
    pub given_name: Option<String>,
    /// Surname, if the certificate has one.
    pub surname: Option<String>,
    /// The signer certificate (DER).
    pub signer_certificate_der: Vec<u8>,
    /// The CA certificates BankID sent after it in `KeyInfo` (DER), signer's issuer first:
    /// what [`crate::ocsp::verify_ocsp`] needs to find the issuer and the responder's chain.
    pub issuer_certificates_der: Vec<Vec<u8>>,
    /// The signer certificate's validity start.
    pub certificate_not_before: DateTime<Utc>,
    /// The signer certificate's validity end.
    pub certificate_not_after: DateTime<Utc>,
}

impl std::fmt::Debug for VerifiedSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedSignature")
            .field("certificate_not_before", &self.certificate_not_before)
            .finish_non_exhaustive()
    }
}

/// A BankID signature document whose XML-DSig and certificate chain verified, before anything
/// is compared with the order: what [`verify_document`] returns.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedDocument {
    /// `usrVisibleData` as it stands in the signed data (base64).
    pub user_visible_data: String,
    /// `usrNonVisibleData` as it stands in the signed data (base64), if any.
    pub user_non_visible_data: Option<String>,
    /// The signer's personnummer from the certificate's `serialNumber`, if it has one.
    pub personal_number: Option<String>,
    /// The signer's name (certificate CN).
    pub name: String,
    /// Given name, if the certificate has one.
    pub given_name: Option<String>,
    /// Surname, if the certificate has one.
    pub surname: Option<String>,
    /// The certificates of the signed `KeyInfo` (DER), signer first, then its issuing CAs in
    /// order (BankID sends three: signer, customer CA, bank CA; the root is not included).
    pub certificates_der: Vec<Vec<u8>>,
    /// The signer certificate's validity start.
    pub certificate_not_before: DateTime<Utc>,
    /// The signer certificate's validity end.
    pub certificate_not_after: DateTime<Utc>,
}

impl std::fmt::Debug for SignedDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedDocument")
            .field("certificates", &self.certificates_der.len())
            .field("certificate_not_before", &self.certificate_not_before)
            .finish_non_exhaustive()
    }
}

fn shape(msg: impl Into<String>) -> SignatureError {
    SignatureError::UnexpectedShape(msg.into())
}

/// Parses the signature document; refuses DTDs (entity expansion has no place in a signature).
fn parse(xml: &str) -> Result<Document<'_>, SignatureError> {
    if xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY") {
        return Err(shape("dokumentet innehåller en DTD"));
    }
    uppsala::parse(xml).map_err(|e| SignatureError::Unreadable(e.to_string()))
}

fn is_element(doc: &Document<'_>, node: NodeId, ns: &str, local: &str) -> bool {
    doc.element(node)
        .is_some_and(|e| e.matches_name_ns(ns, local))
}

fn child_elements<'d>(
    doc: &'d Document<'_>,
    parent: NodeId,
    ns: &'d str,
    local: &'d str,
) -> impl Iterator<Item = NodeId> + 'd {
    doc.children(parent)
        .into_iter()
        .filter(move |&c| is_element(doc, c, ns, local))
}

fn one_child(
    doc: &Document<'_>,
    parent: NodeId,
    ns: &str,
    local: &str,
) -> Result<NodeId, SignatureError> {
    let mut found = child_elements(doc, parent, ns, local);
    match (found.next(), found.next()) {
        (Some(node), None) => Ok(node),
        (None, _) => Err(shape(format!("{local} saknas"))),
        (Some(_), Some(_)) => Err(shape(format!("{local} finns flera gånger"))),
    }
}

fn text_of(doc: &Document<'_>, node: NodeId) -> String {
    doc.text_content_deep(node)
}

fn algorithm<'d>(doc: &'d Document<'_>, node: NodeId) -> &'d str {
    doc.get_attribute(node, "Algorithm").unwrap_or("")
}

/// Every element with an `Id` attribute, refusing duplicates.
fn ids(doc: &Document<'_>) -> Result<HashMap<String, NodeId>, SignatureError> {
    let mut map = HashMap::new();
    for node in doc.descendants(doc.root()) {
        if let Some(id) = doc.element(node).and_then(|e| e.get_attribute("Id"))
            && map.insert(id.to_owned(), node).is_some()
        {
            return Err(SignatureError::DuplicateId(id.to_owned()));
        }
    }
    Ok(map)
}

/// Canonical XML 1.0 (inclusive, without comments) of the subtree at `node`, as a document
/// subset: in-scope namespace declarations of ancestors are included.
fn canonical_subtree(doc: &Document<'_>, node: NodeId) -> Result<Vec<u8>, SignatureError> {
    let set = NodeSet::tree_without_comments(node, doc);
    bergshamra_c14n::canonicalize_doc(doc, C14nMode::Inclusive, Some(&set), &[] as &[&str])
        .map_err(|e| SignatureError::Unreadable(format!("C14N: {e}")))
}

/// Canonical XML 1.0 form of the element with attribute `Id="id"` in `xml` (what a
/// `Reference URI="#id"` digests). Public so the fake BankID and tests compute the same bytes.
pub fn canonicalize_element_by_id(xml: &str, id: &str) -> Result<Vec<u8>, SignatureError> {
    let doc = parse(xml)?;
    let node = *ids(&doc)?
        .get(id)
        .ok_or_else(|| shape(format!("inget element med Id {id}")))?;
    canonical_subtree(&doc, node)
}

/// Canonical XML 1.0 form of the `SignedInfo` element of a signature document (what
/// `SignatureValue` signs).
pub fn canonicalize_signed_info(xml: &str) -> Result<Vec<u8>, SignatureError> {
    let doc = parse(xml)?;
    let root = doc
        .document_element()
        .ok_or_else(|| shape("dokumentet är tomt"))?;
    let signed_info = one_child(&doc, root, DSIG_NS, "SignedInfo")?;
    canonical_subtree(&doc, signed_info)
}

fn decode_b64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64.decode(compact.as_bytes())
}

/// Checks a BankID signature completely (see the module documentation).
///
/// `signature_xml` is the decoded `completionData.signature`; `user_cert_roots_der` are the
/// BankID user-certificate roots of the environment (DER); `at_time` is when the signature was
/// received (the clock is the caller's).
pub fn verify_signature(
    signature_xml: &[u8],
    expected: &Expected<'_>,
    completion_personal_number: &str,
    user_cert_roots_der: &[Vec<u8>],
    at_time: DateTime<Utc>,
) -> Result<VerifiedSignature, SignatureError> {
    let document = verify_document(signature_xml, user_cert_roots_der, at_time)?;

    // Content: exactly what was sent.
    if document.user_visible_data != expected.user_visible_data {
        return Err(SignatureError::VisibleDataDiffers);
    }
    if document.user_non_visible_data.as_deref() != expected.user_non_visible_data {
        return Err(SignatureError::NonVisibleDataDiffers);
    }

    // Who signed.
    let personal_number = document
        .personal_number
        .ok_or(SignatureError::NoPersonalNumber)?;
    if personal_number != completion_personal_number {
        return Err(SignatureError::CompletionUserMismatch);
    }
    if personal_number != expected.personal_number {
        return Err(SignatureError::WrongSigner);
    }
    let mut certificates = document.certificates_der;
    let issuers = certificates.split_off(1.min(certificates.len()));
    Ok(VerifiedSignature {
        personal_number,
        name: document.name,
        given_name: document.given_name,
        surname: document.surname,
        signer_certificate_der: certificates.pop().unwrap_or_default(),
        issuer_certificates_der: issuers,
        certificate_not_before: document.certificate_not_before,
        certificate_not_after: document.certificate_not_after,
    })
}

/// Checks the XML-DSig of a BankID signature document and the chain of its certificates to
/// one of `user_cert_roots_der`, each certificate valid at `at_time`, and returns what it
/// says. It does not compare the content with an order: [`verify_signature`] does that. Used
/// on its own for documents whose content is not ours (BankID's published test signatures)
/// and by a receiver (the fake FK) that checks what it was sent.
pub fn verify_document(
    signature_xml: &[u8],
    user_cert_roots_der: &[Vec<u8>],
    at_time: DateTime<Utc>,
) -> Result<SignedDocument, SignatureError> {
    let xml = std::str::from_utf8(signature_xml)
        .map_err(|_| SignatureError::Unreadable("inte UTF-8".into()))?;
    let doc = parse(xml)?;
    let root = doc
        .document_element()
        .ok_or_else(|| shape("dokumentet är tomt"))?;
    if !is_element(&doc, root, DSIG_NS, "Signature") {
        return Err(shape("rotelementet är inte ds:Signature"));
    }
    let ids = ids(&doc)?;

    // SignedInfo: BankID's algorithms only.
    let signed_info = one_child(&doc, root, DSIG_NS, "SignedInfo")?;
    let c14n = one_child(&doc, signed_info, DSIG_NS, "CanonicalizationMethod")?;
    if algorithm(&doc, c14n) != C14N_10 {
        return Err(SignatureError::UnsupportedAlgorithm(
            algorithm(&doc, c14n).to_owned(),
        ));
    }
    let method = one_child(&doc, signed_info, DSIG_NS, "SignatureMethod")?;
    if algorithm(&doc, method) != RSA_SHA256 {
        return Err(SignatureError::UnsupportedAlgorithm(
            algorithm(&doc, method).to_owned(),
        ));
    }

    // References: exactly #bidSignedData and #bidKeyInfo, each digest over the canonical form.
    let mut signed_data = None;
    let mut key_info = None;
    for reference in child_elements(&doc, signed_info, DSIG_NS, "Reference") {
        let uri = doc.get_attribute(reference, "URI").unwrap_or("");
        let (part, slot) = match uri {
            "#bidSignedData" => (SignedPart::SignedData, &mut signed_data),
            "#bidKeyInfo" => (SignedPart::KeyInfo, &mut key_info),
            other => return Err(shape(format!("okänd referens \"{other}\""))),
        };
        if slot.is_some() {
            return Err(shape(format!("referensen {uri} finns flera gånger")));
        }
        if let Some(transforms) = child_elements(&doc, reference, DSIG_NS, "Transforms").next() {
            for t in child_elements(&doc, transforms, DSIG_NS, "Transform") {
                if algorithm(&doc, t) != C14N_10 {
                    return Err(SignatureError::UnsupportedAlgorithm(
                        algorithm(&doc, t).to_owned(),
                    ));
                }
            }
        }
        let digest_method = one_child(&doc, reference, DSIG_NS, "DigestMethod")?;
        if algorithm(&doc, digest_method) != SHA256 {
            return Err(SignatureError::UnsupportedAlgorithm(
                algorithm(&doc, digest_method).to_owned(),
            ));
        }
        let digest_value = one_child(&doc, reference, DSIG_NS, "DigestValue")?;
        let expected_digest = decode_b64(&text_of(&doc, digest_value))
            .map_err(|_| shape("DigestValue är inte base64"))?;
        let target = *ids
            .get(&uri[1..])
            .ok_or_else(|| shape(format!("{uri} pekar inte på något element")))?;
        let actual = Sha256::digest(canonical_subtree(&doc, target)?);
        if actual.as_slice() != expected_digest.as_slice() {
            return Err(SignatureError::DigestMismatch(part));
        }
        *slot = Some(target);
    }
    let signed_data = signed_data.ok_or_else(|| shape("referensen #bidSignedData saknas"))?;
    let key_info = key_info.ok_or_else(|| shape("referensen #bidKeyInfo saknas"))?;
    // The referenced elements must be the ones BankID places there, not look-alikes elsewhere.
    if !is_element(&doc, key_info, DSIG_NS, "KeyInfo") || doc.parent(key_info) != Some(root) {
        return Err(shape("#bidKeyInfo är inte Signaturens KeyInfo"));
    }
    if !is_element(&doc, signed_data, BANKID_TYPES_NS, "bankIdSignedData")
        || doc.parent(signed_data).is_none_or(|object| {
            !is_element(&doc, object, DSIG_NS, "Object") || doc.parent(object) != Some(root)
        })
    {
        return Err(shape(
            "#bidSignedData är inte bankIdSignedData i Signaturens Object",
        ));
    }

    // Certificates from the signed KeyInfo, signer first.
    let x509_data = one_child(&doc, key_info, DSIG_NS, "X509Data")?;
    let cert_ders = child_elements(&doc, x509_data, DSIG_NS, "X509Certificate")
        .map(|c| {
            decode_b64(&text_of(&doc, c))
                .map_err(|_| SignatureError::CertificateUnreadable("inte base64".into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if cert_ders.is_empty() {
        return Err(shape("KeyInfo saknar certifikat"));
    }
    let certs = cert_ders
        .iter()
        .map(|der| {
            X509Certificate::from_der(der)
                .map(|(_, c)| c)
                .map_err(|e| SignatureError::CertificateUnreadable(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let signer = &certs[0];

    // SignatureValue over the canonical SignedInfo with the signer's RSA key.
    let signature_value = one_child(&doc, root, DSIG_NS, "SignatureValue")?;
    let signature_bytes = decode_b64(&text_of(&doc, signature_value))
        .map_err(|_| shape("SignatureValue är inte base64"))?;
    let canonical_signed_info = canonical_subtree(&doc, signed_info)?;
    let spki = signer.public_key();
    if spki.algorithm.algorithm.to_id_string() != "1.2.840.113549.1.1.1" {
        return Err(SignatureError::UnsupportedAlgorithm(
            "undertecknarens nyckel är inte RSA".into(),
        ));
    }
    ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        &spki.subject_public_key.data,
    )
    .verify(&canonical_signed_info, &signature_bytes)
    .map_err(|_| SignatureError::SignatureValueInvalid)?;

    verify_chain(&certs, user_cert_roots_der, at_time)?;

    // Content as signed.
    let visible = one_child(&doc, signed_data, BANKID_TYPES_NS, "usrVisibleData")?;
    let mut non_visible = child_elements(&doc, signed_data, BANKID_TYPES_NS, "usrNonVisibleData");
    let user_non_visible_data = match (non_visible.next(), non_visible.next()) {
        (None, _) => None,
        (Some(n), None) => Some(text_of(&doc, n)),
        (Some(_), Some(_)) => return Err(shape("usrNonVisibleData finns flera gånger")),
    };
    Ok(SignedDocument {
        user_visible_data: text_of(&doc, visible),
        user_non_visible_data,
        personal_number: subject_attribute(signer, "2.5.4.5"),
        name: subject_attribute(signer, "2.5.4.3").unwrap_or_default(),
        given_name: subject_attribute(signer, "2.5.4.42"),
        surname: subject_attribute(signer, "2.5.4.4"),
        certificate_not_before: asn1_to_chrono(signer.validity().not_before),
        certificate_not_after: asn1_to_chrono(signer.validity().not_after),
        certificates_der: cert_ders.clone(),
    })
}

pub(crate) fn subject_attribute(cert: &X509Certificate<'_>, oid: &str) -> Option<String> {
    cert.subject()
        .iter_attributes()
        .find(|a| a.attr_type().to_id_string() == oid)
        .and_then(|a| a.as_str().ok())
        .map(str::to_owned)
}

fn asn1_to_chrono(t: ASN1Time) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or_default()
}

fn describe(cert: &X509Certificate<'_>) -> String {
    // Issuer names carry no personal data; subjects of signer certificates do, so name CAs
    // by subject and the signer only as "undertecknarens certifikat".
    if cert.is_ca() {
        subject_attribute(cert, "2.5.4.3").unwrap_or_else(|| "okänd CA".into())
    } else {
        "undertecknarens certifikat".into()
    }
}

pub(crate) fn verify_chain(
    certs: &[X509Certificate<'_>],
    roots_der: &[Vec<u8>],
    at_time: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let at = ASN1Time::from_timestamp(at_time.timestamp())
        .map_err(|_| SignatureError::ChainBroken("ogiltig tidpunkt".into()))?;
    let at_text = at_time.format("%Y-%m-%d %H:%M UTC").to_string();
    let roots = roots_der
        .iter()
        .map(|der| {
            X509Certificate::from_der(der)
                .map(|(_, c)| c)
                .map_err(|e| SignatureError::CertificateUnreadable(format!("roten: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (index, cert) in certs.iter().enumerate() {
        if !cert.validity().is_valid_at(at) {
            return Err(SignatureError::CertificateNotValid {
                which: describe(cert),
                at: at_text,
            });
        }
        if index > 0 && !cert.is_ca() {
            return Err(SignatureError::ChainBroken(format!(
                "{} är ingen CA",
                describe(cert)
            )));
        }
        // A root among the included certificates ends the chain if it is a configured root.
        if roots.iter().any(|r| r.as_ref() == cert.as_ref()) {
            return Ok(());
        }
        match certs.get(index + 1) {
            Some(issuer) => {
                if cert.issuer() != issuer.subject() {
                    return Err(SignatureError::ChainBroken(format!(
                        "{} är inte utfärdat av {}",
                        describe(cert),
                        describe(issuer)
                    )));
                }
                cert.verify_signature(Some(issuer.public_key()))
                    .map_err(|_| {
                        SignatureError::ChainBroken(format!(
                            "signaturen på {} stämmer inte",
                            describe(cert)
                        ))
                    })?;
            }
            None => {
                // Several configured roots may share a name (a renewed root, or the demo's
                // roots from earlier runs): the issuer is the one whose key verifies the
                // certificate, not merely the first with a matching name.
                let root = roots
                    .iter()
                    .filter(|r| r.subject() == cert.issuer())
                    .find(|r| cert.verify_signature(Some(r.public_key())).is_ok())
                    .ok_or(SignatureError::UntrustedRoot)?;
                if !root.validity().is_valid_at(at) {
                    return Err(SignatureError::CertificateNotValid {
                        which: describe(root),
                        at: at_text,
                    });
                }
                return Ok(());
            }
        }
    }
    Err(SignatureError::UntrustedRoot)
}

/// One DER element: (tag, content, rest).
fn der_next(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// `producedAt` of a DER OCSP response (`completionData.ocspResponse`, decoded): when BankID
/// confirmed the signer's certificate, the best available signing time (FK's
/// `datumForSignatur`). `None` if the response cannot be read. This reads the time only; it
/// does not verify the OCSP response: [`crate::ocsp::verify_ocsp`] does, and returns the same
/// time once it is proven.
pub fn ocsp_produced_at(ocsp_der: &[u8]) -> Option<DateTime<Utc>> {
    let (_, response, _) = der_next(ocsp_der).filter(|(t, _, _)| *t == 0x30)?;
    let (_, _status, rest) = der_next(response).filter(|(t, _, _)| *t == 0x0a)?;
    let (_, bytes_explicit, _) = der_next(rest).filter(|(t, _, _)| *t == 0xa0)?;
    let (_, bytes_seq, _) = der_next(bytes_explicit).filter(|(t, _, _)| *t == 0x30)?;
    let (_, _oid, rest) = der_next(bytes_seq).filter(|(t, _, _)| *t == 0x06)?;
    let (_, basic_octets, _) = der_next(rest).filter(|(t, _, _)| *t == 0x04)?;
    let (_, basic, _) = der_next(basic_octets).filter(|(t, _, _)| *t == 0x30)?;
    let (_, tbs, _) = der_next(basic).filter(|(t, _, _)| *t == 0x30)?;
    let mut rest = tbs;
    loop {
        let (tag, content, next) = der_next(rest)?;
        match tag {
            // version [0] and responderID [1]/[2] come first.
            0xa0..=0xa2 => rest = next,
            0x18 => {
                let text = std::str::from_utf8(content).ok()?;
                let naive = chrono::NaiveDateTime::parse_from_str(
                    text.trim_end_matches('Z'),
                    "%Y%m%d%H%M%S",
                )
                .ok()?;
                return Some(naive.and_utc());
            }
            _ => return None,
        }
    }
}
