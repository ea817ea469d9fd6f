//! The database key: 32 random bytes, kept in the OS keychain or, for headless use, in a key file
//! readable only by its owner.
//!
//! Which source to use is the caller's choice (the CLI reads `ASSISTID_KEY_FILE`; the library
//! never reads the environment). The key never appears in `Debug` output or logs.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assistid_core::secret::Sensitive;
use rand::RngCore;

use crate::error::{Result, StoreError};

/// The keychain service name under which Assistid keeps its database keys.
pub const KEYCHAIN_SERVICE: &str = "se.assistid.app";

/// A 256-bit SQLCipher key. `Debug` prints a placeholder; the bytes are zeroed on drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseKey(Sensitive<[u8; 32]>);

impl DatabaseKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(Sensitive::new(bytes))
    }

    /// Parses the 64-character hex form (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(Sensitive::new(bytes)))
    }

    /// The 64-character lowercase hex form, as kept in the keychain and key file.
    pub fn to_hex(&self) -> Sensitive<String> {
        Sensitive::new(hex::encode(self.0.expose()))
    }

    /// The `PRAGMA key` value for a raw key: `"x'…'"`, so SQLCipher skips key derivation.
    pub(crate) fn pragma_value(&self) -> Sensitive<String> {
        Sensitive::new(format!("x'{}'", self.to_hex().expose()))
    }
}

/// Where the database key is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux),
    /// entry `service` / `user`. Use [`KeySource::keychain_for_data_dir`] to get one entry per
    /// data folder.
    Keychain {
        /// The keychain service ([`KEYCHAIN_SERVICE`]).
        service: String,
        /// The account name, derived from the data folder.
        user: String,
    },
    /// A file holding the key as 64 hex characters, readable only by its owner (headless use:
    /// automation and CI, named by `ASSISTID_KEY_FILE`).
    File(PathBuf),
}

impl KeySource {
    /// The keychain entry for the database in `data_dir`: separate data folders get separate
    /// keys. The account name is the folder's absolute path, made absolute without resolving
    /// symbolic links, so it is the same before and after the folder is created. This is how
    /// Assistid found keys before folders had an identity; programs use
    /// [`KeySource::keychain_for_folder`], which still opens (and migrates) these entries.
    pub fn keychain_for_data_dir(data_dir: &Path) -> Self {
        let absolute = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        KeySource::Keychain {
            service: KEYCHAIN_SERVICE.to_owned(),
            user: format!("database-key:{}", absolute.display()),
        }
    }

    /// The keychain entry for the database in `data_dir`, found by the **identity stored in the
    /// folder** (the file [`FOLDER_ID_FILE`], a random UUID; not secret) rather than by its path,
    /// so moving or renaming the folder keeps finding the key:
    ///
    /// - the folder's identity is read, or made and saved (owner-only, written atomically) when
    ///   the folder has none yet — a new folder, or one made by an older Assistid;
    /// - the entry is `database-key:folder:<uuid>`;
    /// - when that entry is empty but the older entry named by the folder's path
    ///   ([`KeySource::keychain_for_data_dir`]) has a key, the key is copied to the new entry
    ///   and read back (the migration), when the folder holds a database; the old entry is
    ///   left as it was, so an older Assistid still opens the folder where it is.
    pub fn keychain_for_folder(data_dir: &Path) -> Result<Self> {
        let id = folder_id(data_dir)?;
        let user = format!("database-key:folder:{id}");
        let entry = keychain_entry(KEYCHAIN_SERVICE, &user)?;
        let by_id = KeySource::Keychain {
            service: KEYCHAIN_SERVICE.to_owned(),
            user,
        };
        if read_keychain(&entry)?.is_some() {
            return Ok(by_id);
        }
        // Only a folder that has a database can have an old entry worth taking over: a new
        // folder where an old one used to be gets a new key.
        let has_database = data_dir
            .join(crate::store::DATABASE_FILE_NAME)
            .try_exists()
            .unwrap_or(true);
        if !has_database {
            return Ok(by_id);
        }
        if let Some(old) = KeySource::keychain_for_data_dir(data_dir).load()? {
            entry
                .set_password(old.to_hex().expose())
                .map_err(keychain_error)?;
            match read_keychain(&entry)? {
                Some(read) if read == old => {}
                _ => {
                    return Err(StoreError::Keychain {
                        reason: "nyckeln kunde inte flyttas till mappens identitet".to_owned(),
                    });
                }
            }
        }
        Ok(by_id)
    }

    /// Where the key is looked for, in Swedish, for messages.
    pub(crate) fn location(&self) -> assistid_core::text::Text {
        use crate::error::texts::{KEY_IN_FILE, KEY_IN_KEYCHAIN};
        match self {
            KeySource::Keychain { .. } => KEY_IN_KEYCHAIN.text(),
            KeySource::File(path) => KEY_IN_FILE.with("path", path.display().to_string()),
        }
    }

    /// Reads the key; `Ok(None)` when there is none yet (no keychain entry, no key file).
    pub fn load(&self) -> Result<Option<DatabaseKey>> {
        match self {
            KeySource::Keychain { service, user } => {
                let entry = keychain_entry(service, user)?;
                read_keychain(&entry)
            }
            KeySource::File(path) => read_key_file(path),
        }
    }

    /// Creates a new random key, saves it and reads it back to make sure it was really kept.
    /// Refuses to overwrite an existing key.
    pub fn create(&self) -> Result<DatabaseKey> {
        let key = DatabaseKey::generate();
        match self {
            KeySource::Keychain { service, user } => {
                // One entry object for write and read-back: some backends (the test mock) keep
                // the secret per entry object only.
                let entry = keychain_entry(service, user)?;
                if read_keychain(&entry)?.is_some() {
                    return Err(StoreError::Keychain {
                        reason: "det finns redan en nyckel för den här datamappen".to_owned(),
                    });
                }
                entry
                    .set_password(key.to_hex().expose())
                    .map_err(keychain_error)?;
                match read_keychain(&entry)? {
                    Some(read) if read == key => Ok(key),
                    _ => Err(StoreError::Keychain {
                        reason: "nyckeln sparades inte".to_owned(),
                    }),
                }
            }
            KeySource::File(path) => {
                write_new_key_file(path, &key)?;
                match read_key_file(path)? {
                    Some(read) if read == key => Ok(key),
                    _ => Err(StoreError::KeyFileInvalid { path: path.clone() }),
                }
            }
        }
    }
}

/// The file in a data folder that holds the folder's identity (a UUID), by which its keychain
/// entry is found ([`KeySource::keychain_for_folder`]).
pub const FOLDER_ID_FILE: &str = "assistid-folder-id";

/// The identity stored in `data_dir` ([`FOLDER_ID_FILE`]), made and saved when the folder has
/// none: what keychain entries of the folder are named by, so they follow the folder when it is
/// moved or renamed.
pub fn folder_identity(data_dir: &Path) -> Result<uuid::Uuid> {
    folder_id(data_dir)
}

/// The folder's identity, made and saved when it has none.
fn folder_id(data_dir: &Path) -> Result<uuid::Uuid> {
    let path = data_dir.join(FOLDER_ID_FILE);
    let io_err = |source| StoreError::DataDir {
        path: path.clone(),
        source,
    };
    match fs::read_to_string(&path) {
        Ok(text) => uuid::Uuid::parse_str(text.trim()).map_err(|_| StoreError::BadStoredValue {
            column: "assistid-folder-id",
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::owner_only::tighten_dir(data_dir).map_err(io_err)?;
            let id = uuid::Uuid::new_v4();
            crate::owner_only::write_file(&path, format!("{id}\n").as_bytes()).map_err(io_err)?;
            Ok(id)
        }
        Err(e) => Err(io_err(e)),
    }
}

fn keychain_entry(service: &str, user: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(service, user).map_err(keychain_error)
}

fn read_keychain(entry: &keyring::Entry) -> Result<Option<DatabaseKey>> {
    match entry.get_password() {
        Ok(text) => {
            let text = Sensitive::new(text);
            DatabaseKey::from_hex(text.expose())
                .map(Some)
                .ok_or_else(|| StoreError::Keychain {
                    reason: "nyckeln i nyckelringen har fel format".to_owned(),
                })
        }
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain_error(e)),
    }
}

fn keychain_error(e: keyring::Error) -> StoreError {
    // keyring's messages name the failure (no platform service, access denied); they never
    // contain the secret.
    StoreError::Keychain {
        reason: e.to_string(),
    }
}

fn read_key_file(path: &Path) -> Result<Option<DatabaseKey>> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::KeyFileIo {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    check_owner_only(path, &meta)?;
    let text = fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::InvalidData => StoreError::KeyFileInvalid {
            path: path.to_path_buf(),
        },
        _ => StoreError::KeyFileIo {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let text = Sensitive::new(text);
    DatabaseKey::from_hex(text.expose())
        .map(Some)
        .ok_or_else(|| StoreError::KeyFileInvalid {
            path: path.to_path_buf(),
        })
}

#[cfg(unix)]
fn check_owner_only(path: &Path, meta: &fs::Metadata) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(StoreError::KeyFilePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

/// On Windows, files in the user's profile are private by default ACLs; there are no mode
/// bits to check.
#[cfg(not(unix))]
fn check_owner_only(_path: &Path, _meta: &fs::Metadata) -> Result<()> {
    Ok(())
}

fn write_new_key_file(path: &Path, key: &DatabaseKey) -> Result<()> {
    let io_err = |source| StoreError::KeyFileIo {
        path: path.to_path_buf(),
        source,
    };
    // Owner-only from the start, and never replacing a key file that appeared meanwhile.
    let mut file = crate::owner_only::create_file(path).map_err(io_err)?;
    let mut text = key.to_hex().expose().clone();
    text.push('\n');
    let text = Sensitive::new(text);
    file.write_all(text.expose().as_bytes()).map_err(io_err)?;
    file.sync_all().map_err(io_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_debug_redacts() {
        let key = DatabaseKey::generate();
        let hex = key.to_hex();
        assert_eq!(hex.expose().len(), 64, "a 32-byte key is 64 hex characters");
        assert_eq!(
            DatabaseKey::from_hex(hex.expose()),
            Some(key.clone()),
            "the hex form must parse back to the same key"
        );
        assert!(
            !format!("{key:?}").contains(hex.expose().as_str()),
            "Debug must never print the key"
        );
    }

    #[test]
    fn wrong_hex_is_refused() {
        assert_eq!(DatabaseKey::from_hex("abc"), None, "too short");
        assert_eq!(DatabaseKey::from_hex(&"zz".repeat(32)), None, "not hex");
    }
}
