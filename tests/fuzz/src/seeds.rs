//! Seeds made at fuzz and test time instead of committed: certificate files hold private keys,
//! and none is committed, not even a throwaway one. `scripts/fuzz.sh` writes them into a
//! temporary seed folder with the `fuzz_seeds` example, and the spec test makes the same ones
//! in a temporary folder before replaying, so both see the same variety of files.
//!
//! The `pkcs12` seeds are exported by the `openssl` program (the Debian package `openssl`,
//! which `scripts/setup.sh` installs) from fresh P-256 keys and self-signed certificates, with
//! the encryptions and layouts real certificate files have, at one iteration where the format
//! allows it (so the fuzzer spends its time in the reader, not in key derivation), all under
//! [`crate::PKCS12_SEED_PASSWORD`] so that mutations get past the MAC and the decryption.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The targets whose seeds are made here rather than committed under `fuzz/seeds/`.
pub const GENERATED: [&str; 1] = ["pkcs12"];

/// The `pkcs12` seeds: each file's name and the `openssl pkcs12 -export` options that make it
/// from the client key and certificate (`signing` instead: the signing-only pair; `two_certs`:
/// the signing certificate added as a second certificate).
struct Pkcs12Seed {
    name: &'static str,
    options: &'static [&'static str],
    signing: bool,
    two_certs: bool,
}

const PKCS12_SEEDS: [Pkcs12Seed; 6] = [
    // OpenSSL 3's default: PBES2 (PBKDF2-SHA-256, AES-256-CBC), SHA-256 MAC, 2048 iterations.
    Pkcs12Seed {
        name: "openssl3_default.p12",
        options: &[],
        signing: false,
        two_certs: false,
    },
    Pkcs12Seed {
        name: "pbes2_aes_sha256_mac.p12",
        options: &["-iter", "1", "-nomaciter"],
        signing: false,
        two_certs: false,
    },
    // Older exporters (and Windows): RC2-40 for the certificates, 3DES for the key, SHA-1 MAC.
    Pkcs12Seed {
        name: "legacy_3des_rc2.p12",
        options: &["-legacy", "-iter", "1", "-nomaciter"],
        signing: false,
        two_certs: false,
    },
    Pkcs12Seed {
        name: "3des_nomac.p12",
        options: &[
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "NONE",
            // After -iter, which would set the MAC's iterations again.
            "-iter",
            "1",
            "-nomac",
        ],
        signing: false,
        two_certs: false,
    },
    // A key whose certificate does not allow TLS client authentication.
    Pkcs12Seed {
        name: "signing_only.p12",
        options: &["-iter", "1", "-nomaciter"],
        signing: true,
        two_certs: false,
    },
    // Nothing encrypted, no MAC, a key bag and two certificates.
    Pkcs12Seed {
        name: "unencrypted_nomac_two_certs.p12",
        options: &["-keypbe", "NONE", "-certpbe", "NONE", "-nomac"],
        signing: false,
        two_certs: true,
    },
];

/// Writes `target`'s generated seeds into `dir` (created if missing) and returns their paths;
/// none for a target whose seeds are committed. `Err` says what failed (the `openssl`
/// program missing or refusing).
pub fn write(target: &str, dir: &Path) -> Result<Vec<PathBuf>, String> {
    match target {
        "pkcs12" => write_pkcs12(dir),
        _ => Ok(Vec::new()),
    }
}

fn openssl(args: &[&str]) -> Result<(), String> {
    let out = Command::new("openssl").args(args).output().map_err(|e| {
        format!("the openssl program could not be run (install the package openssl): {e}")
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "openssl {} failed: {}",
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn text(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}

/// A fresh P-256 key and a self-signed certificate for `subject` with `usage` (an
/// extendedKeyUsage value), written as `NAME-key.pem` and `NAME-cert.pem` in `dir`.
fn key_and_certificate(
    dir: &Path,
    name: &str,
    subject: &str,
    usage: &str,
    key_usage: &str,
) -> Result<(PathBuf, PathBuf), String> {
    let key = dir.join(format!("{name}-key.pem"));
    let cert = dir.join(format!("{name}-cert.pem"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "30",
        "-subj",
        subject,
        "-addext",
        &format!("extendedKeyUsage={usage}"),
        "-addext",
        &format!("keyUsage={key_usage}"),
        "-keyout",
        text(&key)?,
        "-out",
        text(&cert)?,
    ])?;
    Ok((key, cert))
}

fn write_pkcs12(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // The keys' PEM files live only while the seeds are exported.
    let work = dir.join(".keys");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let result = (|| {
        let client = key_and_certificate(
            &work,
            "client",
            "/CN=Fuzz Testcert",
            "clientAuth",
            "digitalSignature",
        )?;
        let signing = key_and_certificate(
            &work,
            "signing",
            "/CN=Fuzz Signing",
            "emailProtection",
            "nonRepudiation",
        )?;
        let password = format!("pass:{}", crate::PKCS12_SEED_PASSWORD);
        let mut written = Vec::new();
        for seed in &PKCS12_SEEDS {
            let (key, cert) = if seed.signing { &signing } else { &client };
            let out = dir.join(seed.name);
            let mut args = vec![
                "pkcs12",
                "-export",
                "-inkey",
                text(key)?,
                "-in",
                text(cert)?,
                "-passout",
                &password,
                "-out",
                text(&out)?,
            ];
            if seed.two_certs {
                args.extend(["-certfile", text(&signing.1)?]);
            }
            args.extend(seed.options);
            openssl(&args)?;
            written.push(out);
        }
        Ok(written)
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}
