//! A PKCS#12 writer for the tests, with full control over the bag attributes: files whose key
//! and certificate bags carry no `localKeyId` (as some exporters write them), or a misleading
//! one, which neither `openssl pkcs12 -export` nor `p12-keystore` can make. Built from the same
//! RustCrypto types the reader uses: certificates in a PBES2-encrypted safe (PBKDF2-SHA-256,
//! AES-256-CBC), keys in pkcs8ShroudedKeyBags with the same scheme, a SHA-256 MAC — OpenSSL 3's
//! layout.

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
pub enum Content {
    /// A private key, PKCS#8 DER.
    Key(Vec<u8>),
    /// A certificate, DER.
    Certificate(Vec<u8>),
}

/// One bag of the file, with the attributes to write (none when `None`).
pub struct Bag {
    pub content: Content,
    pub local_key_id: Option<Vec<u8>>,
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
pub struct Iterations {
    pub mac: i32,
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

/// The file with `bags` (certificates first, in their order, then keys in theirs).
pub fn write(bags: &[Bag], password: &str) -> Vec<u8> {
    write_with(bags, password, &Iterations::default())
}

/// Like [`write`], with chosen iteration counts.
pub fn write_with(bags: &[Bag], password: &str, iterations: &Iterations) -> Vec<u8> {
    let mut cert_bags = Vec::new();
    let mut key_bags = Vec::new();
    for bag in bags {
        let attributes = attributes(bag);
        match &bag.content {
            Content::Certificate(der) => cert_bags.push(SafeBag {
                bag_id: CERT_BAG,
                bag_value: CertBag {
                    cert_id: X509_CERTIFICATE,
                    cert_value: OctetString::new(der.clone()).expect("certificate bytes"),
                }
                .to_der()
                .expect("certificate bag"),
                bag_attributes: attributes,
            }),
            Content::Key(pkcs8) => {
                let (algorithm, encrypted) = encrypt(pkcs8, password, iterations.encryption);
                key_bags.push(SafeBag {
                    bag_id: SHROUDED_KEY_BAG,
                    bag_value: EncryptedPrivateKeyInfo {
                        encryption_algorithm: algorithm,
                        encrypted_data: OctetString::new(encrypted).expect("encrypted key"),
                    }
                    .to_der()
                    .expect("shrouded key bag"),
                    bag_attributes: attributes,
                });
            }
        }
    }
    let cert_safe = cert_bags.to_der().expect("certificate safe");
    let (algorithm, encrypted) = encrypt(&cert_safe, password, iterations.encryption);
    let encrypted_safe = EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: EncryptedContentInfo {
            content_type: DATA,
            content_enc_alg: algorithm,
            encrypted_content: Some(OctetString::new(encrypted).expect("encrypted safe")),
        },
        unprotected_attrs: None,
    };
    let key_safe = key_bags.to_der().expect("key safe");
    let auth_safe = vec![
        ContentInfo {
            content_type: ENCRYPTED_DATA,
            content: Any::encode_from(&encrypted_safe).expect("encrypted data"),
        },
        ContentInfo {
            content_type: DATA,
            content: Any::encode_from(&OctetString::new(key_safe).expect("key safe bytes"))
                .expect("data"),
        },
    ]
    .to_der()
    .expect("authenticated safe");
    let salt = [7u8; 16];
    let mac_key =
        kdf::derive_key_utf8::<Sha256>(password, &salt, Pkcs12KeyType::Mac, iterations.mac, 32)
            .expect("MAC key");
    let mut mac = <SimpleHmac<Sha256> as Mac>::new_from_slice(&mac_key).expect("HMAC key");
    mac.update(&auth_safe);
    let digest = mac.finalize().into_bytes().to_vec();
    Pfx {
        version: Version::V3,
        auth_safe: ContentInfo {
            content_type: DATA,
            content: Any::encode_from(&OctetString::new(auth_safe).expect("auth safe bytes"))
                .expect("data"),
        },
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned {
                    oid: SHA256,
                    parameters: Some(Any::from_der(&[0x05, 0x00]).expect("NULL")),
                },
                digest: OctetString::new(digest).expect("digest"),
            },
            mac_salt: OctetString::new(salt.to_vec()).expect("salt"),
            iterations: iterations.mac,
        }),
    }
    .to_der()
    .expect("PFX")
}

fn attributes(bag: &Bag) -> Option<Attributes> {
    let mut attributes = Attributes::new();
    if let Some(name) = &bag.friendly_name {
        let value = Any::encode_from(&BmpString::from_utf8(name).expect("BMP name")).expect("name");
        attributes
            .insert(Attribute {
                oid: FRIENDLY_NAME,
                values: SetOfVec::try_from(vec![value]).expect("one value"),
            })
            .expect("friendly name");
    }
    if let Some(id) = &bag.local_key_id {
        let value = Any::encode_from(&OctetString::new(id.clone()).expect("id")).expect("id");
        attributes
            .insert(Attribute {
                oid: LOCAL_KEY_ID,
                values: SetOfVec::try_from(vec![value]).expect("one value"),
            })
            .expect("local key id");
    }
    (!attributes.is_empty()).then_some(attributes)
}

fn encrypt(plain: &[u8], password: &str, iterations: u32) -> (AlgorithmIdentifierOwned, Vec<u8>) {
    let salt = [3u8; 16];
    let iv = [5u8; 16];
    let params = pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(iterations, &salt, &iv)
        .expect("PBES2 parameters");
    let encrypted = params
        .encrypt(password.as_bytes(), plain)
        .expect("PBES2 encryption");
    (
        AlgorithmIdentifierOwned {
            oid: PBES2,
            parameters: Some(Any::encode_from(&params).expect("parameters")),
        },
        encrypted,
    )
}
