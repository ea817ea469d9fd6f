//! The signature document of BankID's shape: XML-DSig with `SignedInfo` (C14N 1.0, RSA-SHA256,
//! references `#bidSignedData` and `#bidKeyInfo` with SHA-256 digests of their canonical
//! forms), `SignatureValue`, `KeyInfo Id="bidKeyInfo"` and `Object` holding
//! `bankIdSignedData Id="bidSignedData"`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bergshamra_c14n::C14nMode;
use bergshamra_xml::NodeSet;
use sha2::{Digest, Sha256};

use super::FakeBankIdError;

const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const TYPES: &str = "http://www.bankid.com/signature/v1.0.0/types";
const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Canonical XML 1.0 of the element with `Id="id"` inside `xml`, as a document subset.
fn canonical_by_id(xml: &str, id: &str) -> Result<Vec<u8>, FakeBankIdError> {
    let doc =
        bergshamra_xml::uppsala::parse(xml).map_err(|e| FakeBankIdError::Xml(e.to_string()))?;
    let node = doc
        .descendants(doc.root())
        .into_iter()
        .find(|&n| doc.element(n).and_then(|e| e.get_attribute("Id")) == Some(id))
        .ok_or_else(|| FakeBankIdError::Xml(format!("no element with Id {id}")))?;
    canonical_node(&doc, node)
}

fn canonical_node(
    doc: &bergshamra_xml::uppsala::Document<'_>,
    node: bergshamra_xml::uppsala::NodeId,
) -> Result<Vec<u8>, FakeBankIdError> {
    let set = NodeSet::tree_without_comments(node, doc);
    bergshamra_c14n::canonicalize_doc(doc, C14nMode::Inclusive, Some(&set), &[] as &[&str])
        .map_err(|e| FakeBankIdError::Xml(e.to_string()))
}

/// What goes into `bankIdSignedData`.
pub(crate) struct SignedContent<'a> {
    pub(crate) user_visible_data: &'a str,
    pub(crate) user_non_visible_data: Option<&'a str>,
    pub(crate) nonce: &'a str,
    pub(crate) device_ip: &'a str,
    pub(crate) uhi: &'a str,
}

fn signed_info(data_digest: &str, key_digest: &str) -> String {
    format!(
        "<SignedInfo xmlns=\"{DSIG}\"><CanonicalizationMethod Algorithm=\"{C14N}\"></CanonicalizationMethod>\
<SignatureMethod Algorithm=\"{RSA_SHA256}\"></SignatureMethod>\
<Reference Type=\"{TYPES}\" URI=\"#bidSignedData\"><Transforms><Transform Algorithm=\"{C14N}\"></Transform></Transforms>\
<DigestMethod Algorithm=\"{SHA256}\"></DigestMethod><DigestValue>{data_digest}</DigestValue></Reference>\
<Reference URI=\"#bidKeyInfo\"><Transforms><Transform Algorithm=\"{C14N}\"></Transform></Transforms>\
<DigestMethod Algorithm=\"{SHA256}\"></DigestMethod><DigestValue>{key_digest}</DigestValue></Reference></SignedInfo>"
    )
}

fn document(signed_info: &str, signature_value: &str, key_info: &str, object: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><Signature xmlns=\"{DSIG}\">{signed_info}\
<SignatureValue>{signature_value}</SignatureValue>{key_info}{object}</Signature>"
    )
}

/// Builds and signs the document. `certificates_der` is the signer certificate first, then the
/// customer CA and the bank CA (no root), as BankID sends them. Returns the XML text.
pub(crate) fn signature_document(
    content: &SignedContent<'_>,
    certificates_der: &[&[u8]],
    signer_key_pkcs8: &[u8],
) -> Result<String, FakeBankIdError> {
    let certs: String = certificates_der
        .iter()
        .map(|der| format!("<X509Certificate>{}</X509Certificate>", BASE64.encode(der)))
        .collect();
    let key_info = format!(
        "<KeyInfo xmlns=\"{DSIG}\" Id=\"bidKeyInfo\"><X509Data>{certs}</X509Data></KeyInfo>"
    );
    let non_visible = content
        .user_non_visible_data
        .map(|d| format!("<usrNonVisibleData>{}</usrNonVisibleData>", escape(d)))
        .unwrap_or_default();
    let object = format!(
        "<Object><bankIdSignedData xmlns=\"{TYPES}\" Id=\"bidSignedData\">\
<usrVisibleData charset=\"UTF-8\" visible=\"wysiwys\">{visible}</usrVisibleData>{non_visible}\
<srvInfo><name>{rp_name}</name><nonce>{nonce}</nonce><displayName>{display}</displayName></srvInfo>\
<clientInfo><funcId>Signing</funcId><version>{version}</version><env><ai><type>{ty}</type>\
<deviceInfo>{device}</deviceInfo><uhi>{uhi}</uhi><fsib>0</fsib><utb>cs1</utb>\
<requirement><condition><type>CertificatePolicies</type><value>1.2.3.4.5</value></condition></requirement>\
<uauth>pw</uauth></ai></env></clientInfo></bankIdSignedData></Object>",
        visible = escape(content.user_visible_data),
        // srvInfo names the relying party from its RP certificate, base64, as BankID does.
        rp_name = BASE64.encode(
            "cn=Fake RP Testcert,name=Test av fake BankID,serialNumber=12345678,o=Fake Testbank A AB (publ),c=SE"
        ),
        display = BASE64.encode("Test av fake BankID"),
        nonce = escape(content.nonce),
        version = BASE64.encode(format!(
            "Personal=7.3.0.18&BankID_exe=7.3.0.18&BISP=7.3.0.18&platform=fake&os_version=1.0&uhi={}&best_before=1546851084&",
            content.uhi
        )),
        ty = BASE64.encode("IOS"),
        device = BASE64.encode(format!("Fake BankID app; ip={}", content.device_ip)),
        uhi = escape(content.uhi),
    );
    // Digests of the referenced elements in their final place (their canonical form does not
    // depend on SignedInfo or SignatureValue).
    let draft = document(&signed_info("", ""), "", &key_info, &object);
    let data_digest = BASE64.encode(Sha256::digest(canonical_by_id(&draft, "bidSignedData")?));
    let key_digest = BASE64.encode(Sha256::digest(canonical_by_id(&draft, "bidKeyInfo")?));
    let info = signed_info(&data_digest, &key_digest);
    let with_info = document(&info, "", &key_info, &object);
    let canonical_info = {
        let doc = bergshamra_xml::uppsala::parse(&with_info)
            .map_err(|e| FakeBankIdError::Xml(e.to_string()))?;
        let root = doc
            .document_element()
            .ok_or_else(|| FakeBankIdError::Xml("empty document".into()))?;
        let node = doc
            .children(root)
            .into_iter()
            .find(|&n| {
                doc.element(n)
                    .is_some_and(|e| e.name.local_name == "SignedInfo")
            })
            .ok_or_else(|| FakeBankIdError::Xml("no SignedInfo".into()))?;
        canonical_node(&doc, node)?
    };
    let key = ring::signature::RsaKeyPair::from_pkcs8(signer_key_pkcs8)
        .map_err(|e| FakeBankIdError::Pki(e.to_string()))?;
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        &canonical_info,
        &mut signature,
    )
    .map_err(|e| FakeBankIdError::Pki(e.to_string()))?;
    Ok(document(
        &info,
        &BASE64.encode(signature),
        &key_info,
        &object,
    ))
}
