//! Reading a PKCS#12 file (`.p12`/`.pfx`): every private key and every certificate in it,
//! with the bag attributes that name them, so that keys can be paired with certificates by
//! their public keys (see [`crate::client_key`]). `p12-keystore` drops key and certificate
//! bags without a `localKeyId`, which files from some exporters (older tools, Java keytool
//! variants) have.
//!
//! Supported, as real files use them: the MAC with HMAC over SHA-1 or SHA-2 (always verified
//! when present: a mismatch is the wrong password), PBES2 (PBKDF2 with HMAC-SHA-1/SHA-2 and
//! AES-CBC or 3DES, OpenSSL 3's default), and the legacy PKCS#12 schemes
//! pbeWithSHAAnd3-KeyTripleDES-CBC and pbeWithSHAAnd40BitRC2-CBC / 128BitRC2-CBC (OpenSSL 1.x
//! and Windows exports). The ciphers, the PKCS#12 and PBKDF2 derivations and the ASN.1 types
//! are RustCrypto's (`cbc`, `des`, `rc2`, `pkcs12`, `pkcs5`, `cms`, `der`); nothing here is
//! hand-written cryptography.
//!
//! Hostile files: the size is bounded ([`MAX_PKCS12_BYTES`]), every key derivation's
//! iteration count and their sum over the file are bounded, scrypt is refused (its memory
//! cost is the file's to choose), nesting is bounded; errors, never panics.

use assistid_core::secret::Sensitive;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipher, BlockDecrypt, BlockDecryptMut, BlockEncrypt, KeyInit, KeyIvInit};
use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use der::asn1::{Any, BmpString, ContextSpecific, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use hmac::digest::core_api::BlockSizeUser;
use hmac::digest::{Digest, FixedOutputReset};
use hmac::{Mac, SimpleHmac};
use pkcs12::cert_type::CertBag;
use pkcs12::kdf::{self, Pkcs12KeyType};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::pfx::Pfx;
use pkcs12::safe_bag::SafeBag;

/// The largest PKCS#12 file read (a client certificate file is a few kilobytes).
pub const MAX_PKCS12_BYTES: usize = 256 * 1024;

/// The most iterations one key derivation may ask for (OpenSSL uses 2048, Windows 2000,
/// newer tools 10 000 to a few hundred thousand).
pub const MAX_ITERATIONS: u64 = 1_000_000;

/// The most iterations all key derivations of one file may ask for together.
const MAX_TOTAL_ITERATIONS: u64 = 4 * MAX_ITERATIONS;

/// How deep safeContents bags may nest.
const MAX_NESTING: usize = 4;

const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const PBE_SHA1_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
const PBE_SHA1_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");
const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const SAFE_CONTENTS_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.6");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

use crate::Pkcs12Error;

type ReadError = Pkcs12Error;

/// A private key of the file with its bag attributes.
#[derive(Debug)]
pub struct FileKey {
    /// The key, PKCS#8 DER (decrypted: secret).
    pub pkcs8: Sensitive<Vec<u8>>,
    /// The bag's `localKeyId` attribute, if any.
    pub local_key_id: Option<Vec<u8>>,
    /// The bag's `friendlyName` attribute (the alias), if any.
    pub friendly_name: Option<String>,
}

/// An X.509 certificate of the file with its bag attributes.
#[derive(Debug, Clone)]
pub struct FileCertificate {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The bag's `localKeyId` attribute, if any.
    pub local_key_id: Option<Vec<u8>>,
    /// The bag's `friendlyName` attribute (the alias), if any.
    pub friendly_name: Option<String>,
}

/// Everything the file holds that matters for TLS, in file order.
#[derive(Debug)]
pub struct FileContents {
    /// The private keys (plain and shrouded key bags).
    pub keys: Vec<FileKey>,
    /// The X.509 certificates.
    pub certificates: Vec<FileCertificate>,
}

fn invalid(reason: &str) -> ReadError {
    Pkcs12Error::Unreadable {
        reason: reason.to_owned(),
    }
}

fn unreadable() -> ReadError {
    invalid("filen är ingen läsbar PKCS#12-fil")
}

/// Reads every key and certificate of a PKCS#12 file opened with `password`.
///
/// Errors: [`Pkcs12Error::WrongPassword`] when the MAC does not match (or, in a file without
/// a MAC, nothing decrypts to something readable), [`Pkcs12Error::Unreadable`] for everything
/// else (not PKCS#12, too large, too many iterations, an unsupported scheme). Never panics.
pub fn read(file: &[u8], password: &str) -> Result<FileContents, ReadError> {
    if file.len() > MAX_PKCS12_BYTES {
        return Err(invalid(
            "filen är för stor för att vara en certifikatfil (högst 256 kB)",
        ));
    }
    let pfx = Pfx::from_der(file).map_err(|_| unreadable())?;
    if pfx.auth_safe.content_type != DATA {
        return Err(invalid(
            "filen är skyddad med en offentlig nyckel i stället för ett lösenord, vilket inte \
             stöds",
        ));
    }
    let auth_safe = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(|_| unreadable())?;
    let mut reader = Reader {
        password,
        budget: MAX_TOTAL_ITERATIONS,
        mac_verified: false,
        contents: FileContents {
            keys: Vec::new(),
            certificates: Vec::new(),
        },
    };
    if let Some(mac) = &pfx.mac_data {
        reader.verify_mac(mac, auth_safe.as_bytes())?;
    }
    let safes = Vec::<ContentInfo>::from_der(auth_safe.as_bytes()).map_err(|_| unreadable())?;
    for safe in &safes {
        let bags = if safe.content_type == DATA {
            safe.content
                .decode_as::<OctetString>()
                .map(|data| Sensitive::new(data.into_bytes()))
                .map_err(|_| unreadable())?
        } else if safe.content_type == ENCRYPTED_DATA {
            let data = safe
                .content
                .decode_as::<EncryptedData>()
                .map_err(|_| unreadable())?;
            match &data.enc_content_info.encrypted_content {
                Some(content) => Sensitive::new(
                    reader.decrypt(&data.enc_content_info.content_enc_alg, content.as_bytes())?,
                ),
                None => continue,
            }
        } else {
            return Err(invalid(
                "en del av filen är krypterad till en mottagares nyckel i stället för med \
                 lösenordet, vilket inte stöds",
            ));
        };
        reader.bags(bags.expose(), 0)?;
    }
    Ok(reader.contents)
}

struct Reader<'p> {
    password: &'p str,
    /// Iterations left for the file's key derivations.
    budget: u64,
    /// The MAC was present and matched: a decryption that fails is a broken file, not the
    /// wrong password.
    mac_verified: bool,
    contents: FileContents,
}

impl Reader<'_> {
    fn spend(&mut self, iterations: u64) -> Result<(), ReadError> {
        if iterations == 0 {
            return Err(unreadable());
        }
        if iterations > MAX_ITERATIONS || iterations > self.budget {
            return Err(invalid(
                "filen kräver orimligt många iterationer för att öppnas (högst 1 000 000)",
            ));
        }
        self.budget -= iterations;
        Ok(())
    }

    fn verify_mac(
        &mut self,
        mac: &pkcs12::mac_data::MacData,
        data: &[u8],
    ) -> Result<(), ReadError> {
        let iterations = u64::try_from(mac.iterations).map_err(|_| unreadable())?;
        self.spend(iterations)?;
        let salt = mac.mac_salt.as_bytes();
        let expected = mac.mac.digest.as_bytes();
        let oid = mac.mac.algorithm.oid;
        let ok = if oid == SHA1 {
            mac_matches::<sha1::Sha1>(self.password, salt, mac.iterations, data, expected)
        } else if oid == SHA224 {
            mac_matches::<sha2::Sha224>(self.password, salt, mac.iterations, data, expected)
        } else if oid == SHA256 {
            mac_matches::<sha2::Sha256>(self.password, salt, mac.iterations, data, expected)
        } else if oid == SHA384 {
            mac_matches::<sha2::Sha384>(self.password, salt, mac.iterations, data, expected)
        } else if oid == SHA512 {
            mac_matches::<sha2::Sha512>(self.password, salt, mac.iterations, data, expected)
        } else {
            return Err(invalid(
                "filens integritetskontroll (MAC) använder en metod som inte stöds; exportera \
                 filen på nytt med SHA-256",
            ));
        }?;
        if !ok {
            return Err(Pkcs12Error::WrongPassword);
        }
        self.mac_verified = true;
        Ok(())
    }

    /// A decryption failed: without a verified MAC the password is the likely cause.
    fn failed_decryption(&self) -> ReadError {
        if self.mac_verified {
            invalid("en krypterad del av filen går inte att dekryptera; filen är skadad")
        } else {
            Pkcs12Error::WrongPassword
        }
    }

    fn decrypt(
        &mut self,
        algorithm: &cms::cert::x509::spki::AlgorithmIdentifierOwned,
        data: &[u8],
    ) -> Result<Vec<u8>, ReadError> {
        let params = algorithm
            .parameters
            .as_ref()
            .ok_or_else(unreadable)?
            .to_der()
            .map_err(|_| unreadable())?;
        if algorithm.oid == PBES2 {
            let params =
                pkcs5::pbes2::Parameters::from_der(&params).map_err(|_| unsupported_scheme())?;
            let pbkdf2 = params.kdf.pbkdf2().ok_or_else(|| {
                invalid(
                    "filen är krypterad med scrypt, vilket inte stöds; exportera filen på nytt \
                     med standardinställningarna (AES-256)",
                )
            })?;
            self.spend(u64::from(pbkdf2.iteration_count))?;
            return params
                .decrypt(self.password.as_bytes(), data)
                .map_err(|e| match e {
                    // pkcs5 0.7 reports a bad padding after decryption as `EncryptFailed`.
                    pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed => {
                        self.failed_decryption()
                    }
                    _ => unsupported_scheme(),
                });
        }
        let (key_len, cipher) = if algorithm.oid == PBE_SHA1_3DES {
            (24, LegacyCipher::TripleDes)
        } else if algorithm.oid == PBE_SHA1_RC2_128 {
            (16, LegacyCipher::Rc2)
        } else if algorithm.oid == PBE_SHA1_RC2_40 {
            (5, LegacyCipher::Rc2)
        } else {
            return Err(unsupported_scheme());
        };
        let params = Pkcs12PbeParams::from_der(&params).map_err(|_| unreadable())?;
        let iterations = u64::try_from(params.iterations).map_err(|_| unreadable())?;
        self.spend(iterations)?;
        let salt = params.salt.as_bytes();
        let derive = |kind: Pkcs12KeyType, len: usize| {
            kdf::derive_key_utf8::<sha1::Sha1>(self.password, salt, kind, params.iterations, len)
                .map(Sensitive::new)
                .map_err(|_| invalid("lösenordet innehåller tecken som filformatet inte medger"))
        };
        let key = derive(Pkcs12KeyType::EncryptionKey, key_len)?;
        let iv = derive(Pkcs12KeyType::Iv, 8)?;
        let plain = match cipher {
            LegacyCipher::TripleDes => {
                cbc_decrypt::<des::TdesEde3>(key.expose(), iv.expose(), data)
            }
            LegacyCipher::Rc2 => cbc_decrypt::<rc2::Rc2>(key.expose(), iv.expose(), data),
        };
        plain.ok_or_else(|| self.failed_decryption())
    }

    fn bags(&mut self, der: &[u8], depth: usize) -> Result<(), ReadError> {
        if depth > MAX_NESTING {
            return Err(unreadable());
        }
        let bags = Vec::<SafeBag>::from_der(der).map_err(|_| self.failed_decryption_or_broken())?;
        for bag in bags {
            let local_key_id = attribute(&bag, LOCAL_KEY_ID)
                .and_then(|v| v.decode_as::<OctetString>().ok())
                .map(OctetString::into_bytes);
            let friendly_name = attribute(&bag, FRIENDLY_NAME)
                .and_then(|v| v.decode_as::<BmpString>().ok())
                .map(|name| name.to_string());
            if bag.bag_id == SHROUDED_KEY_BAG {
                let shrouded = ContextSpecific::<EncryptedPrivateKeyInfo>::from_der(&bag.bag_value)
                    .map_err(|_| unreadable())?
                    .value;
                let pkcs8 = Sensitive::new(self.decrypt(
                    &shrouded.encryption_algorithm,
                    shrouded.encrypted_data.as_bytes(),
                )?);
                if !is_sequence(pkcs8.expose()) {
                    return Err(self.failed_decryption_or_broken());
                }
                self.contents.keys.push(FileKey {
                    pkcs8,
                    local_key_id,
                    friendly_name,
                });
            } else if bag.bag_id == KEY_BAG {
                let plain = ContextSpecific::<Any>::from_der(&bag.bag_value)
                    .map_err(|_| unreadable())?
                    .value;
                let pkcs8 = Sensitive::new(plain.to_der().map_err(|_| unreadable())?);
                if !is_sequence(pkcs8.expose()) {
                    return Err(unreadable());
                }
                self.contents.keys.push(FileKey {
                    pkcs8,
                    local_key_id,
                    friendly_name,
                });
            } else if bag.bag_id == CERT_BAG {
                let cert = ContextSpecific::<CertBag>::from_der(&bag.bag_value)
                    .map_err(|_| unreadable())?
                    .value;
                // Other certificate kinds (SDSI) are not X.509: nothing to present.
                if cert.cert_id == X509_CERTIFICATE {
                    self.contents.certificates.push(FileCertificate {
                        der: cert.cert_value.into_bytes(),
                        local_key_id,
                        friendly_name,
                    });
                }
            } else if bag.bag_id == SAFE_CONTENTS_BAG {
                let inner = ContextSpecific::<Any>::from_der(&bag.bag_value)
                    .map_err(|_| unreadable())?
                    .value
                    .to_der()
                    .map_err(|_| unreadable())?;
                self.bags(&inner, depth + 1)?;
            }
            // CRL and secret bags carry nothing a TLS client presents.
        }
        Ok(())
    }

    /// Decrypted bytes that do not parse: garbage from a wrong key when nothing verified the
    /// password, else a broken file.
    fn failed_decryption_or_broken(&self) -> ReadError {
        if self.mac_verified {
            unreadable()
        } else {
            Pkcs12Error::WrongPassword
        }
    }
}

enum LegacyCipher {
    TripleDes,
    Rc2,
}

fn unsupported_scheme() -> ReadError {
    invalid(
        "filen är krypterad med en metod som inte stöds; exportera den på nytt med AES-256 \
         (eller 3DES)",
    )
}

fn attribute(bag: &SafeBag, oid: ObjectIdentifier) -> Option<&Any> {
    bag.bag_attributes
        .as_ref()?
        .iter()
        .find(|a| a.oid == oid)?
        .values
        .iter()
        .next()
}

fn is_sequence(der: &[u8]) -> bool {
    Any::from_der(der).is_ok_and(|any| der::Tagged::tag(&any) == der::Tag::Sequence)
}

fn mac_matches<D>(
    password: &str,
    salt: &[u8],
    iterations: i32,
    data: &[u8],
    expected: &[u8],
) -> Result<bool, ReadError>
where
    D: Digest + FixedOutputReset + BlockSizeUser,
{
    let key = kdf::derive_key_utf8::<D>(
        password,
        salt,
        Pkcs12KeyType::Mac,
        iterations,
        <D as Digest>::output_size(),
    )
    .map(Sensitive::new)
    .map_err(|_| invalid("lösenordet innehåller tecken som filformatet inte medger"))?;
    let mut mac =
        <SimpleHmac<D> as KeyInit>::new_from_slice(key.expose()).map_err(|_| unreadable())?;
    mac.update(data);
    Ok(mac.verify_slice(expected).is_ok())
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>>
where
    C: BlockCipher + BlockDecrypt + BlockEncrypt + KeyInit,
{
    let cipher = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    cipher.decrypt_padded_vec_mut::<Pkcs7>(data).ok()
}
