//! Keys, certificates and files for the specifications.

use std::path::Path;
use std::process::Command;

use assistid_core::secret::Sensitive;
use assistid_fakes::pki::{CertSubject, IssuedCert, TestCa};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose,
};

pub const PASSWORD: &str = "nyckelfil";

pub fn password() -> Sensitive<String> {
    Sensitive::new(PASSWORD.to_owned())
}

/// A client certificate (clientAuth) for "Omsorg AB" issued by a test CA, with its key and CA.
pub fn client_certificate() -> IssuedCert {
    TestCa::new("Fake Expisoft CA")
        .expect("the test CA is made")
        .issue_client_cert_valid_now(&CertSubject::new("Omsorg AB").with_organization("Omsorg AB"))
        .expect("the test CA issues a client certificate")
}

/// `openssl pkcs12 -export` of the certificate, its key and its CA, with `extra` options.
pub fn openssl_export(cert: &IssuedCert, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("PEM written");
        path
    };
    let key = write("key.pem", cert.key_pem());
    let leaf = write("cert.pem", cert.cert_pem());
    let ca = write("ca.pem", cert.ca_pem());
    let out = dir.path().join("out.p12");
    let arg = |p: &Path| p.to_str().expect("UTF-8 temporary path").to_owned();
    let output = Command::new("openssl")
        .args(["pkcs12", "-export", "-name", "Omsorg AB"])
        .args([
            "-inkey",
            &arg(&key),
            "-in",
            &arg(&leaf),
            "-certfile",
            &arg(&ca),
        ])
        .args(["-passout", &format!("pass:{PASSWORD}"), "-out", &arg(&out)])
        .args(extra)
        .output()
        .expect("the openssl command-line program is installed (Debian package openssl)");
    assert!(
        output.status.success(),
        "openssl pkcs12 -export {extra:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(out).expect("the exported file")
}

/// An ECDSA key and a self-signed certificate for signing only (no clientAuth).
pub fn signing_pair() -> (Vec<u8>, Vec<u8>) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Omsorg AB underskrift");
    params.distinguished_name = dn;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
    params.key_usages = vec![KeyUsagePurpose::ContentCommitment];
    let cert = params.self_signed(&key).expect("certificate");
    (key.serialize_der(), cert.der().to_vec())
}

/// An RSA key (as Expisoft's files have) and a self-signed client-authentication certificate
/// for it, made by the openssl program.
pub fn rsa_pair(common_name: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let key = dir.path().join("key.der");
    let cert = dir.path().join("cert.der");
    let arg = |p: &Path| p.to_str().expect("UTF-8 temporary path").to_owned();
    let output = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        ])
        .args(["-subj", &format!("/CN={common_name}")])
        .args(["-addext", "extendedKeyUsage=clientAuth"])
        .args(["-addext", "keyUsage=digitalSignature"])
        .args([
            "-keyout",
            &arg(&key),
            "-outform",
            "DER",
            "-out",
            &arg(&cert),
        ])
        .output()
        .expect("the openssl program runs");
    assert!(
        output.status.success(),
        "openssl req failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // -keyout writes PEM whatever -outform says: PKCS#8 PEM → DER.
    let pem = std::fs::read_to_string(&key).expect("key written");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let key_der = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("PEM body is base64")
    };
    (key_der, std::fs::read(cert).expect("certificate written"))
}
