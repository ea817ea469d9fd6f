//! A PKCS#12 writer for test and demo certificate files ([`crate::pki::IssuedCert::to_pkcs12`])
//! and for tests that need full control over the bag attributes: files whose key and
//! certificate bags carry no `localKeyId` (as some exporters write them), or a misleading one,
//! which `openssl pkcs12 -export` cannot make. Built from the RustCrypto types the reader
//! (`assistid-pkcs12`) uses: certificates in a PBES2-encrypted safe (PBKDF2-SHA-256,
//! AES-256-CBC), keys in pkcs8ShroudedKeyBags with the same scheme, a SHA-256 MAC — OpenSSL 3's
//! layout. Salts and IVs are random.

use cms::cert::x509::attr::{Attribute, Attributes};
use cms::cert::x509::spki::AlgorithmIdentifierOwned;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use der::asn1::{Any, BmpString, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode};
use hmac::{Mac, SimpleHmac};
use pkcs12::cert_type::CertBag;
use pkcs12::digest_info::DigestInfo;
use pkcs12::kdf::{self, Pkcs12KeyType};
use pkcs12::mac_data::MacData;
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use pkcs12::pfx::{Pfx, Version};
use pkcs12::safe_bag::SafeBag;
use sha2::Sha256;

/// Why a file could not be written (a value DER cannot encode, such as a name outside the BMP).
#[derive(Debug, thiserror::Error)]
#[error("PKCS#12 file not written: {0}")]
pub struct WriteError(String);

fn failed<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> WriteError {
    move |e| WriteError(format!("{what}: {e}"))
}

const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// What a bag holds.
#[derive(Debug)]
pub enum Content {
    /// A private key, PKCS#8 DER.
    Key(Vec<u8>),
    /// A certificate, DER.
    Certificate(Vec<u8>),
}

/// One bag of the file, with the attributes to write (none when `None`).
#[derive(Debug)]
pub struct Bag {
    /// The key or certificate.
    pub content: Content,
    /// The `localKeyId` attribute.
    pub local_key_id: Option<Vec<u8>>,
    /// The `friendlyName` attribute (the alias).
    pub friendly_name: Option<String>,
}

impl Bag {
    /// A bag without attributes.
    pub fn bare(content: Content) -> Bag {
        Bag {
            content,
            local_key_id: None,
            friendly_name: None,
        }
    }
}

/// The file's key derivations.
#[derive(Debug, Clone, Copy)]
pub struct Iterations {
    /// Of the MAC's key.
    pub mac: i32,
    /// Of each PBES2 encryption (PBKDF2).
    pub encryption: u32,
}

impl Default for Iterations {
    fn default() -> Self {
        Iterations {
            mac: 2048,
            encryption: 2048,
        }
    }
}

/// The file with `bags` (certificates first, in their order, then keys in theirs), 2048
/// iterations each.
pub fn write(bags: &[Bag], password: &str) -> Result<Vec<u8>, WriteError> {
    write_with(bags, password, &Iterations::default())
}

/// Like [`write()`], with chosen iteration counts.
pub fn write_with(
    bags: &[Bag],
    password: &str,
    iterations: &Iterations,
) -> Result<Vec<u8>, WriteError> {
    let mut cert_bags = Vec::new();
    let mut key_bags = Vec::new();
    for bag in bags {
        let attributes = attributes(bag)?;
        match &bag.content {
            Content::Certificate(der) => cert_bags.push(SafeBag {
                bag_id: CERT_BAG,
                bag_value: CertBag {
                    cert_id: X509_CERTIFICATE,
                    cert_value: OctetString::new(der.clone())
                        .map_err(failed("certificate bytes"))?,
                }
                .to_der()
                .map_err(failed("certificate bag"))?,
                bag_attributes: attributes,
            }),
            Content::Key(pkcs8) => {
                let (algorithm, encrypted) = encrypt(pkcs8, password, iterations.encryption)?;
                key_bags.push(SafeBag {
                    bag_id: SHROUDED_KEY_BAG,
                    bag_value: EncryptedPrivateKeyInfo {
                        encryption_algorithm: algorithm,
                        encrypted_data: OctetString::new(encrypted)
                            .map_err(failed("encrypted key"))?,
                    }
                    .to_der()
                    .map_err(failed("shrouded key bag"))?,
                    bag_attributes: attributes,
                });
            }
        }
    }
    let cert_safe = cert_bags.to_der().map_err(failed("certificate safe"))?;
    let (algorithm, encrypted) = encrypt(&cert_safe, password, iterations.encryption)?;
    let encrypted_safe = EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: EncryptedContentInfo {
            content_type: DATA,
            content_enc_alg: algorithm,
            encrypted_content: Some(OctetString::new(encrypted).map_err(failed("encrypted safe"))?),
        },
        unprotected_attrs: None,
    };
    let key_safe = key_bags.to_der().map_err(failed("key safe"))?;
    let auth_safe = vec![
        ContentInfo {
            content_type: ENCRYPTED_DATA,
            content: Any::encode_from(&encrypted_safe).map_err(failed("encrypted data"))?,
        },
        ContentInfo {
            content_type: DATA,
            content: Any::encode_from(
                &OctetString::new(key_safe).map_err(failed("key safe bytes"))?,
            )
            .map_err(failed("data"))?,
        },
    ]
    .to_der()
    .map_err(failed("authenticated safe"))?;
    let salt: [u8; 16] = rand::random();
    let mac_key =
        kdf::derive_key_utf8::<Sha256>(password, &salt, Pkcs12KeyType::Mac, iterations.mac, 32)
            .map_err(failed("MAC key"))?;
    let mut mac =
        <SimpleHmac<Sha256> as Mac>::new_from_slice(&mac_key).map_err(failed("HMAC key"))?;
    mac.update(&auth_safe);
    let digest = mac.finalize().into_bytes().to_vec();
    Pfx {
        version: Version::V3,
        auth_safe: ContentInfo {
            content_type: DATA,
            content: Any::encode_from(
                &OctetString::new(auth_safe).map_err(failed("auth safe bytes"))?,
            )
            .map_err(failed("data"))?,
        },
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned {
                    oid: SHA256,
                    parameters: Some(Any::from_der(&[0x05, 0x00]).map_err(failed("NULL"))?),
                },
                digest: OctetString::new(digest).map_err(failed("digest"))?,
            },
            mac_salt: OctetString::new(salt.to_vec()).map_err(failed("salt"))?,
            iterations: iterations.mac,
        }),
    }
    .to_der()
    .map_err(failed("PFX"))
}

fn attributes(bag: &Bag) -> Result<Option<Attributes>, WriteError> {
    let mut attributes = Attributes::new();
    if let Some(name) = &bag.friendly_name {
        let value = Any::encode_from(&BmpString::from_utf8(name).map_err(failed("BMP name"))?)
            .map_err(failed("name"))?;
        attributes
            .insert(Attribute {
                oid: FRIENDLY_NAME,
                values: SetOfVec::try_from(vec![value]).map_err(failed("one value"))?,
            })
            .map_err(failed("friendly name"))?;
    }
    if let Some(id) = &bag.local_key_id {
        let value = Any::encode_from(&OctetString::new(id.clone()).map_err(failed("id"))?)
            .map_err(failed("id"))?;
        attributes
            .insert(Attribute {
                oid: LOCAL_KEY_ID,
                values: SetOfVec::try_from(vec![value]).map_err(failed("one value"))?,
            })
            .map_err(failed("local key id"))?;
    }
    Ok((!attributes.is_empty()).then_some(attributes))
}

fn encrypt(
    plain: &[u8],
    password: &str,
    iterations: u32,
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), WriteError> {
    let salt: [u8; 16] = rand::random();
    let iv: [u8; 16] = rand::random();
    let params = pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(iterations, &salt, &iv)
        .map_err(failed("PBES2 parameters"))?;
    let encrypted = params
        .encrypt(password.as_bytes(), plain)
        .map_err(failed("PBES2 encryption"))?;
    Ok((
        AlgorithmIdentifierOwned {
            oid: PBES2,
            parameters: Some(Any::encode_from(&params).map_err(failed("parameters"))?),
        },
        encrypted,
    ))
}
