//! Encrypted backups of a data folder and their restore.
//!
//! # Keys
//!
//! - A **recovery key** is made once per data folder ([`Store::prepare_recovery_key`]): 26
//!   random symbols of Crockford's base-32 alphabet (130 bits) and 2 check symbols, shown as
//!   seven groups of four (`7K3M-…`) for the user to print or write down. It is never stored:
//!   [`Store::confirm_recovery_key`] takes it typed back and only then turns backups on.
//! - A random 256-bit **data key** encrypts the backups. It is kept in the encrypted database
//!   (setting `backup.key`), so backups need no typing, together with the data key **wrapped**
//!   by a key derived from the recovery key (Argon2id, 19 MiB, 2 passes — the recovery key's
//!   130 bits are what protect it; the KDF only slows guessing further) and ChaCha20-Poly1305.
//!   Every backup carries the wrapped key in its header, so the recovery key alone opens it.
//!
//! # The file (format 1)
//!
//! ```text
//! "ASSISTID-BACKUP\n"            16 bytes
//! header length                  u32, big-endian (at most 64 KiB)
//! header                         JSON (BackupHeader): format, date, program version, schema
//!                                version, provider name, the wrapped data key, a random salt
//! chunks                         u32 length + ChaCha20-Poly1305 ciphertext of ≤ 1 MiB
//! ```
//!
//! The chunk key is HKDF-SHA256(data key, salt from the header); the nonce is the chunk's
//! number and a flag marking the last chunk (the STREAM construction), and each chunk
//! authenticates SHA-256 of the magic and the header. A removed, added, reordered or altered
//! chunk, a changed header, a missing last chunk and bytes after it are all refused. The
//! plaintext is: the 32-byte key of a SQLCipher database, its length, the database file itself
//! (still SQLCipher-encrypted with that one-time key), and SHA-256 over all of that.
//!
//! # Consistency and plaintext
//!
//! The snapshot is `sqlcipher_export` into a temporary database keyed with a one-time random
//! key, inside one read transaction: it sees one committed state even while another connection
//! (a submission run) writes. No plaintext database ever lies on disk, neither while backing up
//! nor while restoring, and a half-written file is never under the final name: the backup is
//! written to `<name>.partial` and renamed when complete; the restored database is written to a
//! temporary file, checked, re-keyed with this computer's key, and only then renamed to
//! `assistid.db`.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use assistid_core::secret::Sensitive;
use assistid_core::text::Text;
use chrono::{DateTime, Utc};
use rand::{Rng as _, RngCore as _};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use thiserror::Error;

use crate::error::StoreError;
use crate::key::{DatabaseKey, KeySource};
use crate::schema;
use crate::store::{DATABASE_FILE_NAME, Store};

/// The newest backup format this program reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;
/// The usual file name ending of a backup.
pub const FILE_EXTENSION: &str = "assistid-backup";
/// The setting that holds the active backup keys (data key and wrapped data key, JSON).
pub const BACKUP_KEY_SETTING: &str = "backup.key";
/// The setting that holds keys made by [`Store::prepare_recovery_key`] until they are confirmed.
pub const PENDING_BACKUP_KEY_SETTING: &str = "backup.key.pending";

const MAGIC: &[u8; 16] = b"ASSISTID-BACKUP\n";
const MAX_HEADER: u32 = 64 * 1024;
const CHUNK: usize = 1 << 20;
const TAG: usize = 16;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_SYMBOLS: usize = 26;
const KEY_SYMBOLS: usize = RANDOM_SYMBOLS + 2;
const KDF_MEMORY_KIB: u32 = 19 * 1024;
const KDF_PASSES: u32 = 2;
const KDF_LANES: u32 = 1;
const WRAP_AAD: &[u8] = b"assistid backup data key v1";
const CHUNK_INFO: &[u8] = b"assistid backup v1 chunks";
const SNAPSHOT_SCHEMA: &str = "assistid_snapshot";

/// Why a backup could not be made, read or restored. Every message says what to do, and that
/// nothing was written where that is so.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BackupError {
    /// No recovery key has been set up and confirmed for this data folder.
    #[error(
        "säkerhetskopiering är inte påslagen för den här datamappen: skapa först en \
         återställningsnyckel (Inställningar → Säkerhetskopiering, eller `assistid backup setup`) \
         och bekräfta att du har skrivit ner den"
    )]
    NotSetUp,
    /// A recovery key was to be confirmed, but none is waiting.
    #[error(
        "det finns ingen ny återställningsnyckel att bekräfta: skapa en först (`assistid backup \
         setup`)"
    )]
    NothingToConfirm,
    /// The typed recovery key is not well formed (length, symbols or check symbols).
    #[error(
        "återställningsnyckeln är felskriven: den har 28 tecken i sju grupper om fyra \
         (t.ex. 7K3M-…); kontrollera varje tecken. Bokstaven O räknas som noll och I och L som \
         ett."
    )]
    RecoveryKeyMistyped,
    /// The recovery key is well formed but is not the one this backup (or the key waiting for
    /// confirmation) was made with.
    #[error(
        "återställningsnyckeln passar inte: {what} gjordes med en annan återställningsnyckel. \
         Inget har skrivits."
    )]
    WrongRecoveryKey {
        /// What it does not open (e.g. "säkerhetskopian /x/y"; [`texts`]).
        what: Text,
    },
    /// The file is not an Assistid backup.
    #[error("{path} är ingen säkerhetskopia från Assistid. Inget har skrivits.")]
    NotABackup {
        /// The file.
        path: PathBuf,
    },
    /// The file ends too early (an interrupted copy or a backup that was never finished).
    #[error(
        "säkerhetskopian {path} är ofullständig (filen tar slut för tidigt, t.ex. en avbruten \
         kopiering). Inget har skrivits; använd en annan säkerhetskopia."
    )]
    Truncated {
        /// The file.
        path: PathBuf,
    },
    /// The file has been changed or damaged after it was written.
    #[error(
        "säkerhetskopian {path} är ändrad eller skadad (kontrollen av innehållet stämmer inte). \
         Inget har skrivits; använd en annan säkerhetskopia."
    )]
    Damaged {
        /// The file.
        path: PathBuf,
    },
    /// The backup was made by a newer Assistid (newer file format or database schema).
    #[error(
        "säkerhetskopian {path} är gjord av en nyare version av Assistid ({what} {found}, det \
         här programmet kan läsa till och med {supported}). Uppdatera Assistid och försök igen. \
         Inget har skrivits."
    )]
    Newer {
        /// The file.
        path: PathBuf,
        /// What is newer ("filformat" or "databasversion"; [`texts`]).
        what: Text,
        /// The version in the file.
        found: u32,
        /// The newest version this program reads.
        supported: u32,
    },
    /// The folder to restore into already holds a database.
    #[error(
        "mappen {path} innehåller redan en Assistid-databas. En säkerhetskopia återställs bara \
         till en tom mapp och skriver aldrig över befintliga uppgifter: välj en annan mapp. \
         Inget har skrivits."
    )]
    FolderNotEmpty {
        /// The data folder.
        path: PathBuf,
    },
    /// The chosen backup file name is already taken.
    #[error(
        "filen {path} finns redan. En säkerhetskopia skriver aldrig över en annan fil: välj ett \
         annat namn."
    )]
    OutputExists {
        /// The file.
        path: PathBuf,
    },
    /// A file could not be read or written.
    #[error("{path} kunde inte {action}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done, in Swedish ("läsas", "skrivas", …).
        action: &'static str,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The database said no (locked, full disk, …); see the store's message.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for BackupError {
    fn from(source: rusqlite::Error) -> Self {
        BackupError::Store(source.into())
    }
}

impl BackupError {
    /// A stable machine code (snake_case) for the UI and JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::NotSetUp => "backup_not_set_up",
            BackupError::NothingToConfirm => "backup_nothing_to_confirm",
            BackupError::RecoveryKeyMistyped => "recovery_key_mistyped",
            BackupError::WrongRecoveryKey { .. } => "recovery_key_wrong",
            BackupError::NotABackup { .. } => "backup_not_a_backup",
            BackupError::Truncated { .. } => "backup_truncated",
            BackupError::Damaged { .. } => "backup_damaged",
            BackupError::Newer { .. } => "backup_newer",
            BackupError::FolderNotEmpty { .. } => "restore_folder_not_empty",
            BackupError::OutputExists { .. } => "backup_output_exists",
            BackupError::Io { .. } => "backup_io",
            BackupError::Store(e) => e.code(),
        }
    }
}

impl BackupError {
    /// The message as a [`Text`]: its stable code and parameters, in Swedish or English. Its
    /// Swedish rendering is the `Display` text, byte for byte.
    pub fn text(&self) -> Text {
        use texts::*;
        let shown = |p: &Path| p.display().to_string();
        match self {
            BackupError::NotSetUp => BACKUP_NOT_SET_UP.text(),
            BackupError::NothingToConfirm => BACKUP_NOTHING_TO_CONFIRM.text(),
            BackupError::RecoveryKeyMistyped => RECOVERY_KEY_MISTYPED.text(),
            BackupError::WrongRecoveryKey { what } => RECOVERY_KEY_WRONG.with("what", what.clone()),
            BackupError::NotABackup { path } => BACKUP_NOT_A_BACKUP.with("path", shown(path)),
            BackupError::Truncated { path } => BACKUP_TRUNCATED.with("path", shown(path)),
            BackupError::Damaged { path } => BACKUP_DAMAGED.with("path", shown(path)),
            BackupError::Newer {
                path,
                what,
                found,
                supported,
            } => BACKUP_NEWER
                .with("path", shown(path))
                .with("what", what.clone())
                .with("found", *found)
                .with("supported", *supported),
            BackupError::FolderNotEmpty { path } => {
                RESTORE_FOLDER_NOT_EMPTY.with("path", shown(path))
            }
            BackupError::OutputExists { path } => BACKUP_OUTPUT_EXISTS.with("path", shown(path)),
            BackupError::Io {
                path,
                action,
                source,
            } => BACKUP_IO
                .with("path", shown(path))
                .with("action", action_text(action))
                .with("error", source.to_string()),
            BackupError::Store(e) => e.text(),
        }
    }
}

/// What was being done with a file, as [`BackupError::Io`] names it.
fn action_text(action: &str) -> Text {
    use texts::*;
    match action {
        "läsas" => ACTION_READ.text(),
        "skrivas" => ACTION_WRITE.text(),
        "skapas" => ACTION_CREATE.text(),
        "öppnas" => ACTION_OPEN.text(),
        "tas bort" => ACTION_REMOVE.text(),
        other => Text::untranslated("backup_io_action", other),
    }
}

/// The backup's messages in Swedish and English (see [`assistid_core::text`]); the Swedish
/// wordings are the `Display` texts.
pub mod texts {
    use assistid_core::text::Template;

    macro_rules! templates {
        ($($(#[$doc:meta])* $name:ident = ($code:literal, $sv:literal, $en:literal);)*) => {
            $($(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en);)*
            /// Every template of the backup.
            pub static CATALOG: &[&Template] = &[$(&$name),*];
        };
    }

    templates! {
        /// [`super::BackupError::NotSetUp`].
        BACKUP_NOT_SET_UP = ("backup_not_set_up",
            "säkerhetskopiering är inte påslagen för den här datamappen: skapa först en återställningsnyckel (Inställningar → Säkerhetskopiering, eller `assistid backup setup`) och bekräfta att du har skrivit ner den",
            "backups are not turned on for this data folder: first create a recovery key (Settings → Backups, or `assistid backup setup`) and confirm that you have written it down");
        /// [`super::BackupError::NothingToConfirm`].
        BACKUP_NOTHING_TO_CONFIRM = ("backup_nothing_to_confirm",
            "det finns ingen ny återställningsnyckel att bekräfta: skapa en först (`assistid backup setup`)",
            "there is no new recovery key to confirm: create one first (`assistid backup setup`)");
        /// [`super::BackupError::RecoveryKeyMistyped`].
        RECOVERY_KEY_MISTYPED = ("recovery_key_mistyped",
            "återställningsnyckeln är felskriven: den har 28 tecken i sju grupper om fyra (t.ex. 7K3M-…); kontrollera varje tecken. Bokstaven O räknas som noll och I och L som ett.",
            "the recovery key is mistyped: it has 28 characters in seven groups of four (e.g. 7K3M-…); check every character. The letter O counts as zero, and I and L as one.");
        /// [`super::BackupError::WrongRecoveryKey`].
        RECOVERY_KEY_WRONG = ("recovery_key_wrong",
            "återställningsnyckeln passar inte: {what} gjordes med en annan återställningsnyckel. Inget har skrivits.",
            "the recovery key does not fit: {what} was made with another recovery key. Nothing has been written.");
        /// [`super::BackupError::NotABackup`].
        BACKUP_NOT_A_BACKUP = ("backup_not_a_backup",
            "{path} är ingen säkerhetskopia från Assistid. Inget har skrivits.",
            "{path} is not a backup from Assistid. Nothing has been written.");
        /// [`super::BackupError::Truncated`].
        BACKUP_TRUNCATED = ("backup_truncated",
            "säkerhetskopian {path} är ofullständig (filen tar slut för tidigt, t.ex. en avbruten kopiering). Inget har skrivits; använd en annan säkerhetskopia.",
            "the backup {path} is incomplete (the file ends too early, e.g. an interrupted copy). Nothing has been written; use another backup.");
        /// [`super::BackupError::Damaged`].
        BACKUP_DAMAGED = ("backup_damaged",
            "säkerhetskopian {path} är ändrad eller skadad (kontrollen av innehållet stämmer inte). Inget har skrivits; använd en annan säkerhetskopia.",
            "the backup {path} has been changed or damaged (the check of its contents does not match). Nothing has been written; use another backup.");
        /// [`super::BackupError::Newer`].
        BACKUP_NEWER = ("backup_newer",
            "säkerhetskopian {path} är gjord av en nyare version av Assistid ({what} {found}, det här programmet kan läsa till och med {supported}). Uppdatera Assistid och försök igen. Inget har skrivits.",
            "the backup {path} was made by a newer version of Assistid ({what} {found}, this program reads up to {supported}). Update Assistid and try again. Nothing has been written.");
        /// [`super::BackupError::FolderNotEmpty`].
        RESTORE_FOLDER_NOT_EMPTY = ("restore_folder_not_empty",
            "mappen {path} innehåller redan en Assistid-databas. En säkerhetskopia återställs bara till en tom mapp och skriver aldrig över befintliga uppgifter: välj en annan mapp. Inget har skrivits.",
            "the folder {path} already holds an Assistid database. A backup is only restored into an empty folder and never overwrites existing data: choose another folder. Nothing has been written.");
        /// [`super::BackupError::OutputExists`].
        BACKUP_OUTPUT_EXISTS = ("backup_output_exists",
            "filen {path} finns redan. En säkerhetskopia skriver aldrig över en annan fil: välj ett annat namn.",
            "the file {path} already exists. A backup never overwrites another file: choose another name.");
        /// [`super::BackupError::Io`] (the error is the operating system's).
        BACKUP_IO = ("backup_io", "{path} kunde inte {action}: {error}", "{path} could not {action}: {error}");
        /// Reading a file.
        ACTION_READ = ("action_read", "läsas", "be read");
        /// Writing a file.
        ACTION_WRITE = ("action_write", "skrivas", "be written");
        /// Creating a file or folder.
        ACTION_CREATE = ("action_create", "skapas", "be created");
        /// Opening a file.
        ACTION_OPEN = ("action_open", "öppnas", "be opened");
        /// Removing a file.
        ACTION_REMOVE = ("action_remove", "tas bort", "be removed");
        /// The key waiting to be confirmed.
        WHAT_PENDING_KEY = ("what_pending_key", "nyckeln som väntar på bekräftelse", "the key waiting for confirmation");
        /// A backup file.
        WHAT_BACKUP_FILE = ("what_backup_file", "säkerhetskopian {path}", "the backup {path}");
        /// The backup's file format.
        WHAT_FILE_FORMAT = ("what_file_format", "filformat", "file format");
        /// The backup's database version.
        WHAT_DATABASE_VERSION = ("what_database_version", "databasversion", "database version");
    }
}

type Result<T, E = BackupError> = std::result::Result<T, E>;

fn io_error<'a>(
    path: &'a Path,
    action: &'static str,
) -> impl FnOnce(io::Error) -> BackupError + 'a {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// A recovery key: 28 symbols of Crockford's base-32 alphabet, the last two a check. `Debug`
/// prints a placeholder; the text is zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(Sensitive<String>);

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

impl RecoveryKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let mut text = String::with_capacity(KEY_SYMBOLS);
        for _ in 0..RANDOM_SYMBOLS {
            text.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
        }
        let check = check_symbols(&text);
        text.push_str(&check);
        RecoveryKey(Sensitive::new(text))
    }

    /// Reads a typed key: case, spaces and dashes do not matter, `O` counts as zero and `I`/`L`
    /// as one. A wrong length, symbol or check is [`BackupError::RecoveryKeyMistyped`].
    pub fn parse(typed: &str) -> Result<Self> {
        let mut text = String::with_capacity(KEY_SYMBOLS);
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' | '\n' | '\r' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || text.len() == KEY_SYMBOLS {
                return Err(BackupError::RecoveryKeyMistyped);
            }
            text.push(c);
        }
        let text = Sensitive::new(text);
        let body = text.expose();
        if body.len() != KEY_SYMBOLS
            || check_symbols(&body[..RANDOM_SYMBOLS]) != body[RANDOM_SYMBOLS..]
        {
            return Err(BackupError::RecoveryKeyMistyped);
        }
        Ok(RecoveryKey(Sensitive::new(body.clone())))
    }

    /// The key as it is shown and written down: seven groups of four, joined by dashes.
    pub fn grouped(&self) -> Sensitive<String> {
        let symbols: Vec<char> = self.0.expose().chars().collect();
        let groups: Vec<String> = symbols
            .chunks(4)
            .map(|group| group.iter().collect())
            .collect();
        Sensitive::new(groups.join("-"))
    }

    fn derive(&self, kdf: &WrappedKey) -> Result<Sensitive<[u8; 32]>, ()> {
        if kdf.kdf != "argon2id"
            || kdf.memory_kib > 1024 * 1024
            || kdf.passes > 16
            || kdf.lanes > 16
        {
            return Err(());
        }
        let params =
            argon2::Params::new(kdf.memory_kib, kdf.passes, kdf.lanes, Some(32)).map_err(|_| ())?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let salt = hex::decode(&kdf.salt).map_err(|_| ())?;
        let mut derived = [0u8; 32];
        let result = argon.hash_password_into(self.0.expose().as_bytes(), &salt, &mut derived);
        let out = Sensitive::new(derived);
        zeroize::Zeroize::zeroize(&mut derived);
        result.map_err(|_| ())?;
        Ok(out)
    }
}

fn check_symbols(body: &str) -> String {
    let digest = Sha256::digest([b"assistid recovery key check\n", body.as_bytes()].concat());
    let bits = (u16::from(digest[0]) << 2) | (u16::from(digest[1]) >> 6);
    [bits >> 5, bits & 31]
        .iter()
        .map(|&i| char::from(ALPHABET[usize::from(i)]))
        .collect()
}

/// The data key sealed with a key derived from the recovery key, and how it was derived. Kept
/// in the database and in every backup's header; it is useless without the recovery key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// The key derivation function (`argon2id`).
    pub kdf: String,
    /// Argon2 memory in KiB.
    pub memory_kib: u32,
    /// Argon2 passes.
    pub passes: u32,
    /// Argon2 lanes.
    pub lanes: u32,
    /// The salt, hex.
    pub salt: String,
    /// The nonce and the sealed data key with its tag, hex.
    pub sealed: String,
    /// A short fingerprint of the data key (not secret): the same for every backup made with
    /// the same recovery key.
    pub key_id: String,
}

/// The active (or pending) keys of a data folder: the data key itself and its wrapped form.
#[derive(Clone)]
struct BackupKeys {
    data_key: Sensitive<[u8; 32]>,
    wrapped: WrappedKey,
}

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    data_key: String,
    wrapped: WrappedKey,
    created_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
}

fn key_id(data_key: &[u8; 32]) -> String {
    let digest = Sha256::digest([b"assistid backup key id\n".as_slice(), data_key].concat());
    hex::encode(&digest[..8])
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

impl BackupKeys {
    fn generate(recovery: &RecoveryKey) -> Result<Self> {
        let data_key = Sensitive::new(random::<32>());
        let mut wrapped = WrappedKey {
            kdf: "argon2id".to_owned(),
            memory_kib: KDF_MEMORY_KIB,
            passes: KDF_PASSES,
            lanes: KDF_LANES,
            salt: hex::encode(random::<16>()),
            sealed: String::new(),
            key_id: key_id(data_key.expose()),
        };
        let kek = recovery
            .derive(&wrapped)
            .map_err(|()| BackupError::RecoveryKeyMistyped)?;
        let nonce = random::<12>();
        let mut sealed = data_key.expose().to_vec();
        aead_key(kek.expose())
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(WRAP_AAD),
                &mut sealed,
            )
            .map_err(|_| BackupError::RecoveryKeyMistyped)?;
        wrapped.sealed = hex::encode([nonce.as_slice(), &sealed].concat());
        Ok(BackupKeys { data_key, wrapped })
    }

    /// Opens `wrapped` with `recovery`; `None` when it is not the right key.
    fn unwrap(wrapped: &WrappedKey, recovery: &RecoveryKey) -> Option<Self> {
        let kek = recovery.derive(wrapped).ok()?;
        let sealed = hex::decode(&wrapped.sealed).ok()?;
        if sealed.len() != 12 + 32 + TAG {
            return None;
        }
        let (nonce, rest) = sealed.split_at(12);
        let mut buf = rest.to_vec();
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let opened = aead_key(kek.expose())
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(WRAP_AAD),
                &mut buf,
            )
            .ok()?;
        let key: [u8; 32] = (&*opened).try_into().ok()?;
        zeroize::Zeroize::zeroize(&mut buf);
        let key = Sensitive::new(key);
        (key_id(key.expose()) == wrapped.key_id).then(|| BackupKeys {
            data_key: key,
            wrapped: wrapped.clone(),
        })
    }

    fn chunk_key(&self, salt: &[u8]) -> LessSafeKey {
        let prk =
            ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(self.data_key.expose());
        // Expanding 32 bytes for a 32-byte AEAD key cannot fail.
        match prk.expand(&[CHUNK_INFO], &CHACHA20_POLY1305) {
            Ok(okm) => LessSafeKey::new(UnboundKey::from(okm)),
            Err(_) => unreachable!("HKDF-SHA256 gives 32 bytes for ChaCha20-Poly1305"),
        }
    }
}

fn aead_key(key: &[u8; 32]) -> LessSafeKey {
    match UnboundKey::new(&CHACHA20_POLY1305, key) {
        Ok(key) => LessSafeKey::new(key),
        Err(_) => unreachable!("a 32-byte key is valid for ChaCha20-Poly1305"),
    }
}

/// What the backup keys of a data folder look like (nothing secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupKeyStatus {
    /// The fingerprint of the data key, also in every backup's header.
    pub key_id: String,
    /// When the recovery key was made.
    pub created_at: DateTime<Utc>,
    /// When the user typed it back.
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// The readable header of a backup: no personal data, and nothing secret (the data key in it
/// is sealed with the recovery key). It is authenticated by every chunk of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    /// The file format ([`FORMAT_VERSION`]).
    pub format: u32,
    /// When the snapshot was taken.
    pub created_at: DateTime<Utc>,
    /// The version of the Assistid program that made it.
    pub app_version: String,
    /// The database's schema version.
    pub schema_version: u32,
    /// The provider's name (not the organisationsnummer: a sole trader's is a personnummer).
    pub provider: Option<String>,
    /// The data key, sealed with the recovery key.
    pub key: WrappedKey,
    /// The per-file salt of the chunk key, hex.
    pub salt: String,
}

/// What to write into a backup's header besides what the store knows.
#[derive(Clone, Debug)]
pub struct BackupLabel {
    /// The version of the program making the backup.
    pub app_version: String,
    /// The provider's name, if one is registered.
    pub provider: Option<String>,
}

/// A backup written by [`Store::write_backup`].
#[derive(Clone, Debug)]
pub struct WrittenBackup {
    /// The finished file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its header.
    pub header: BackupHeader,
}

impl Store {
    /// Makes a new recovery key and data key for backups and keeps them **pending** (replacing
    /// an earlier pending pair) until [`Store::confirm_recovery_key`]. Show the returned key to
    /// the user once; it is not stored anywhere.
    pub fn prepare_recovery_key(&self, at: DateTime<Utc>) -> Result<RecoveryKey> {
        let recovery = RecoveryKey::generate();
        let keys = BackupKeys::generate(&recovery)?;
        self.save_keys(PENDING_BACKUP_KEY_SETTING, &keys, at, None)?;
        Ok(recovery)
    }

    /// Checks that the user wrote the pending recovery key down by having it typed back, then
    /// makes its keys the ones backups use. Backups made with an earlier recovery key still
    /// open with that earlier key only.
    pub fn confirm_recovery_key(&self, typed: &RecoveryKey, at: DateTime<Utc>) -> Result<()> {
        let stored = self
            .stored_keys(PENDING_BACKUP_KEY_SETTING)?
            .ok_or(BackupError::NothingToConfirm)?;
        let keys = BackupKeys::unwrap(&stored.wrapped, typed).ok_or_else(|| {
            BackupError::WrongRecoveryKey {
                what: texts::WHAT_PENDING_KEY.text(),
            }
        })?;
        self.transaction(|store| -> Result<()> {
            store.save_keys(BACKUP_KEY_SETTING, &keys, stored.created_at, Some(at))?;
            store.remove_setting(PENDING_BACKUP_KEY_SETTING)?;
            Ok(())
        })
    }

    /// The active backup keys' fingerprint and dates; `None` before a recovery key is confirmed.
    pub fn backup_key_status(&self) -> Result<Option<BackupKeyStatus>> {
        Ok(self
            .stored_keys(BACKUP_KEY_SETTING)?
            .map(|stored| BackupKeyStatus {
                key_id: stored.wrapped.key_id.clone(),
                created_at: stored.created_at,
                confirmed_at: stored.confirmed_at,
            }))
    }

    fn save_keys(
        &self,
        setting: &str,
        keys: &BackupKeys,
        created_at: DateTime<Utc>,
        confirmed_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let stored = StoredKeys {
            data_key: hex::encode(keys.data_key.expose()),
            wrapped: keys.wrapped.clone(),
            created_at,
            confirmed_at,
        };
        let json = Sensitive::new(
            serde_json::to_string(&stored).map_err(|_| StoreError::invalid("backup keys"))?,
        );
        let mut stored = stored;
        zeroize::Zeroize::zeroize(&mut stored.data_key);
        self.set_setting(setting, json.expose(), confirmed_at.unwrap_or(created_at))?;
        Ok(())
    }

    fn stored_keys(&self, setting: &str) -> Result<Option<StoredKeys>> {
        let Some(json) = self.setting(setting)? else {
            return Ok(None);
        };
        let json = Sensitive::new(json);
        serde_json::from_str(json.expose()).map(Some).map_err(|_| {
            StoreError::BadStoredValue {
                column: "settings.backup.key",
            }
            .into()
        })
    }

    fn active_keys(&self) -> Result<BackupKeys> {
        let stored = self
            .stored_keys(BACKUP_KEY_SETTING)?
            .ok_or(BackupError::NotSetUp)?;
        let mut data_key = [0u8; 32];
        let decoded = hex::decode_to_slice(&stored.data_key, &mut data_key);
        let data_key = Sensitive::new(data_key);
        let mut stored = stored;
        zeroize::Zeroize::zeroize(&mut stored.data_key);
        if decoded.is_err() || key_id(data_key.expose()) != stored.wrapped.key_id {
            return Err(StoreError::BadStoredValue {
                column: "settings.backup.key",
            }
            .into());
        }
        Ok(BackupKeys {
            data_key,
            wrapped: stored.wrapped,
        })
    }

    /// Writes a backup of the whole database to `out`, a file that must not exist yet.
    ///
    /// The snapshot is consistent even while another connection writes (one read
    /// transaction); the file is written as `<out>.partial` and renamed to `out` only when it
    /// is complete and synced, so an interrupted backup never looks like a finished one.
    /// Temporary files are made beside the database (owner-only) and removed afterwards.
    pub fn write_backup(
        &self,
        out: &Path,
        label: &BackupLabel,
        at: DateTime<Utc>,
    ) -> Result<WrittenBackup> {
        let keys = self.active_keys()?;
        if out.try_exists().map_err(io_error(out, "läsas"))? {
            return Err(BackupError::OutputExists {
                path: out.to_path_buf(),
            });
        }
        let folder = self
            .path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        remove_leftovers(&folder, ".backup-snapshot-");
        let snapshot = folder.join(format!(".backup-snapshot-{}.db", uuid::Uuid::new_v4()));
        let snapshot_key = DatabaseKey::generate();
        let result = (|| {
            let schema_version = self.snapshot_into(&snapshot, &snapshot_key)?;
            let header = BackupHeader {
                format: FORMAT_VERSION,
                created_at: at,
                app_version: label.app_version.clone(),
                schema_version,
                provider: label.provider.clone(),
                key: keys.wrapped.clone(),
                salt: hex::encode(random::<32>()),
            };
            let bytes = write_file(out, &header, &keys, &snapshot, &snapshot_key)?;
            Ok(WrittenBackup {
                path: out.to_path_buf(),
                bytes,
                header,
            })
        })();
        remove_snapshot(&snapshot);
        result
    }

    /// Exports the database into a new SQLCipher file keyed with `key`, in one read transaction;
    /// returns the schema version copied.
    fn snapshot_into(&self, snapshot: &Path, key: &DatabaseKey) -> Result<u32> {
        drop(crate::owner_only::create_file(snapshot).map_err(io_error(snapshot, "skapas"))?);
        let path = snapshot
            .to_str()
            .ok_or_else(|| StoreError::invalid("the data folder's path is not UTF-8"))?;
        self.conn.execute(
            &format!("ATTACH DATABASE ?1 AS {SNAPSHOT_SCHEMA} KEY ?2"),
            params![path, key.pragma_value().expose()],
        )?;
        let exported = (|| -> Result<u32> {
            self.conn.execute_batch("BEGIN")?;
            let copied = (|| -> Result<u32> {
                let version = schema::stored_version(&self.conn)?;
                self.conn
                    .query_row(
                        &format!("SELECT sqlcipher_export('{SNAPSHOT_SCHEMA}')"),
                        [],
                        |_| Ok(()),
                    )
                    .optional()?;
                self.conn
                    .pragma_update(Some(SNAPSHOT_SCHEMA), "user_version", version)?;
                Ok(version)
            })();
            match copied {
                Ok(version) => {
                    self.conn.execute_batch("COMMIT")?;
                    Ok(version)
                }
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        })();
        let detached = self
            .conn
            .execute(&format!("DETACH DATABASE {SNAPSHOT_SCHEMA}"), []);
        let version = exported?;
        detached?;
        Ok(version)
    }
}

/// Removes temporary files a crash may have left in `folder` (names starting with `prefix`).
/// They are encrypted with one-time keys that died with the process: unreadable, only clutter.
fn remove_leftovers(folder: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn remove_snapshot(snapshot: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut name = snapshot.as_os_str().to_owned();
        name.push(suffix);
        let _ = fs::remove_file(PathBuf::from(name));
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn header_aad(header_bytes: &[u8]) -> [u8; 32] {
    let len = u32::try_from(header_bytes.len()).unwrap_or(u32::MAX);
    Sha256::new()
        .chain_update(MAGIC)
        .chain_update(len.to_be_bytes())
        .chain_update(header_bytes)
        .finalize()
        .into()
}

fn nonce(counter: u64, last: bool) -> Nonce {
    let mut bytes = [0u8; 12];
    bytes[..8].copy_from_slice(&counter.to_be_bytes());
    bytes[11] = u8::from(last);
    Nonce::assume_unique_for_key(bytes)
}

/// Writes the whole backup file through `<out>.partial`; returns its size.
fn write_file(
    out: &Path,
    header: &BackupHeader,
    keys: &BackupKeys,
    snapshot: &Path,
    snapshot_key: &DatabaseKey,
) -> Result<u64> {
    let partial = partial_path(out);
    match fs::remove_file(&partial) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(&partial, "tas bort")(e)),
    }
    let written = (|| -> Result<u64> {
        let file =
            crate::owner_only::create_file(&partial).map_err(io_error(&partial, "skapas"))?;
        let mut sink = BufWriter::new(file);
        let header_bytes =
            serde_json::to_vec(header).map_err(|_| StoreError::invalid("backup header"))?;
        let header_len = u32::try_from(header_bytes.len())
            .ok()
            .filter(|&n| n <= MAX_HEADER)
            .ok_or_else(|| StoreError::invalid("the backup header is too long"))?;
        let write_err = io_error(&partial, "skrivas");
        sink.write_all(MAGIC).map_err(write_err)?;
        sink.write_all(&header_len.to_be_bytes())
            .map_err(io_error(&partial, "skrivas"))?;
        sink.write_all(&header_bytes)
            .map_err(io_error(&partial, "skrivas"))?;
        let salt = hex::decode(&header.salt).map_err(|_| StoreError::invalid("salt"))?;
        let mut enc = Encryptor {
            sink,
            key: keys.chunk_key(&salt),
            aad: header_aad(&header_bytes),
            counter: 0,
            buf: Vec::with_capacity(CHUNK + TAG),
            path: &partial,
        };
        let db_len = fs::metadata(snapshot)
            .map_err(io_error(snapshot, "läsas"))?
            .len();
        let mut hasher = Sha256::new();
        let key_bytes = Sensitive::new(key_bytes(snapshot_key));
        for part in [key_bytes.expose().as_slice(), &db_len.to_be_bytes()] {
            hasher.update(part);
            enc.write(part)?;
        }
        let mut db = BufReader::new(File::open(snapshot).map_err(io_error(snapshot, "läsas"))?);
        let mut block = vec![0u8; 64 * 1024];
        let mut copied = 0u64;
        loop {
            let n = db.read(&mut block).map_err(io_error(snapshot, "läsas"))?;
            if n == 0 {
                break;
            }
            copied += n as u64;
            hasher.update(&block[..n]);
            enc.write(&block[..n])?;
        }
        if copied != db_len {
            return Err(io_error(snapshot, "läsas")(io::Error::other(
                "the snapshot changed while it was read",
            )));
        }
        enc.write(&hasher.finalize())?;
        let file = enc.finish()?;
        file.sync_all().map_err(io_error(&partial, "skrivas"))?;
        let bytes = file.metadata().map_err(io_error(&partial, "läsas"))?.len();
        Ok(bytes)
    })();
    let bytes = match written {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
    };
    if out.try_exists().map_err(io_error(out, "läsas"))? {
        let _ = fs::remove_file(&partial);
        return Err(BackupError::OutputExists {
            path: out.to_path_buf(),
        });
    }
    if let Err(e) = fs::rename(&partial, out) {
        let _ = fs::remove_file(&partial);
        return Err(io_error(out, "skrivas")(e));
    }
    sync_parent(out);
    Ok(bytes)
}

fn key_bytes(key: &DatabaseKey) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    let hex = key.to_hex();
    // The hex form of a DatabaseKey is always 64 valid characters.
    let _ = hex::decode_to_slice(hex.expose(), &mut bytes);
    bytes
}

/// Makes a rename durable (Unix: sync the folder); best effort.
fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = File::open(parent)
    {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

struct Encryptor<'a> {
    sink: BufWriter<File>,
    key: LessSafeKey,
    aad: [u8; 32],
    counter: u64,
    buf: Vec<u8>,
    path: &'a Path,
}

impl Encryptor<'_> {
    fn write(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            if self.buf.len() == CHUNK {
                // More data follows, so this full chunk is not the last one.
                self.seal(false)?;
            }
            let take = (CHUNK - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(())
    }

    fn seal(&mut self, last: bool) -> Result<()> {
        self.key
            .seal_in_place_append_tag(
                nonce(self.counter, last),
                Aad::from(self.aad),
                &mut self.buf,
            )
            .map_err(|_| StoreError::invalid("sealing a backup chunk"))?;
        self.counter += 1;
        let len = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        self.sink
            .write_all(&len.to_be_bytes())
            .and_then(|()| self.sink.write_all(&self.buf))
            .map_err(io_error(self.path, "skrivas"))?;
        zeroize::Zeroize::zeroize(&mut self.buf);
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<File> {
        self.seal(true)?;
        let path = self.path;
        self.sink
            .into_inner()
            .map_err(|e| io_error(path, "skrivas")(e.into_error()))
    }
}

struct Decryptor<'a> {
    input: BufReader<File>,
    key: LessSafeKey,
    aad: [u8; 32],
    counter: u64,
    buf: Vec<u8>,
    pos: usize,
    finished: bool,
    path: &'a Path,
}

impl Decryptor<'_> {
    fn damaged(&self) -> BackupError {
        BackupError::Damaged {
            path: self.path.to_path_buf(),
        }
    }

    /// Reads and opens the next chunk; false when the last one has been read.
    fn next_chunk(&mut self) -> Result<bool> {
        if self.finished {
            return Ok(false);
        }
        let mut len = [0u8; 4];
        read_exact_or(&mut self.input, &mut len, self.path)?;
        let len = u32::from_be_bytes(len) as usize;
        if !(TAG..=CHUNK + TAG).contains(&len) {
            return Err(self.damaged());
        }
        self.buf.resize(len, 0);
        read_exact_or(&mut self.input, &mut self.buf, self.path)?;
        let mut copy = self.buf.clone();
        let plain_len = if let Ok(plain) = self.key.open_in_place(
            nonce(self.counter, false),
            Aad::from(self.aad),
            &mut self.buf,
        ) {
            plain.len()
        } else if let Ok(plain) =
            self.key
                .open_in_place(nonce(self.counter, true), Aad::from(self.aad), &mut copy)
        {
            let n = plain.len();
            self.buf = copy;
            self.finished = true;
            n
        } else {
            return Err(self.damaged());
        };
        self.buf.truncate(plain_len);
        self.pos = 0;
        self.counter += 1;
        if self.finished {
            // Nothing may follow the last chunk.
            let mut extra = [0u8; 1];
            match self.input.read(&mut extra) {
                Ok(0) => {}
                Ok(_) => return Err(self.damaged()),
                Err(e) => return Err(io_error(self.path, "läsas")(e)),
            }
        }
        Ok(true)
    }

    fn read_exact(&mut self, mut out: &mut [u8]) -> Result<()> {
        while !out.is_empty() {
            if self.pos == self.buf.len() && !self.next_chunk()? {
                return Err(self.damaged());
            }
            let n = (self.buf.len() - self.pos).min(out.len());
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            out = &mut out[n..];
        }
        Ok(())
    }

    fn copy_to(
        &mut self,
        mut n: u64,
        sink: &mut dyn Write,
        hasher: &mut Sha256,
        to: &Path,
    ) -> Result<()> {
        while n > 0 {
            if self.pos == self.buf.len() && !self.next_chunk()? {
                return Err(self.damaged());
            }
            let take = usize::try_from(n)
                .unwrap_or(usize::MAX)
                .min(self.buf.len() - self.pos);
            let part = &self.buf[self.pos..self.pos + take];
            hasher.update(part);
            sink.write_all(part).map_err(io_error(to, "skrivas"))?;
            self.pos += take;
            n -= take as u64;
        }
        Ok(())
    }

    /// Requires the end of the payload to be the end of the last chunk.
    fn finish(&mut self) -> Result<()> {
        if self.pos != self.buf.len() {
            return Err(self.damaged());
        }
        while self.next_chunk()? {
            if !self.buf.is_empty() {
                return Err(self.damaged());
            }
        }
        Ok(())
    }
}

fn read_exact_or(input: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<()> {
    input.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            BackupError::Truncated {
                path: path.to_path_buf(),
            }
        } else {
            io_error(path, "läsas")(e)
        }
    })
}

/// An opened backup file whose header has been read (nothing decrypted yet).
struct Opened {
    input: BufReader<File>,
    header: BackupHeader,
    header_bytes: Vec<u8>,
}

fn open_backup(path: &Path) -> Result<Opened> {
    // Only a regular file (a link to one is fine): opening a named pipe waits for a writer
    // that may never come, and a device never ends.
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
    {
        return Err(BackupError::NotABackup {
            path: path.to_path_buf(),
        });
    }
    let file = File::open(path).map_err(io_error(path, "öppnas"))?;
    let mut input = BufReader::new(file);
    let mut magic = [0u8; 16];
    match input.read_exact(&mut magic) {
        Ok(()) if &magic == MAGIC => {}
        Ok(()) => {
            return Err(BackupError::NotABackup {
                path: path.to_path_buf(),
            });
        }
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            return Err(BackupError::NotABackup {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(io_error(path, "läsas")(e)),
    }
    let mut len = [0u8; 4];
    read_exact_or(&mut input, &mut len, path)?;
    let len = u32::from_be_bytes(len);
    if len > MAX_HEADER {
        return Err(BackupError::Damaged {
            path: path.to_path_buf(),
        });
    }
    let mut header_bytes = vec![0u8; len as usize];
    read_exact_or(&mut input, &mut header_bytes, path)?;
    let header: BackupHeader = match serde_json::from_slice(&header_bytes) {
        Ok(header) => header,
        Err(_) => {
            // A newer format may have another header: say "newer" when it says so.
            let format = serde_json::from_slice::<serde_json::Value>(&header_bytes)
                .ok()
                .and_then(|v| v.get("format").and_then(serde_json::Value::as_u64));
            return Err(match format {
                Some(found) if found > u64::from(FORMAT_VERSION) => BackupError::Newer {
                    path: path.to_path_buf(),
                    what: texts::WHAT_FILE_FORMAT.text(),
                    found: u32::try_from(found).unwrap_or(u32::MAX),
                    supported: FORMAT_VERSION,
                },
                _ => BackupError::Damaged {
                    path: path.to_path_buf(),
                },
            });
        }
    };
    if header.format > FORMAT_VERSION {
        return Err(BackupError::Newer {
            path: path.to_path_buf(),
            what: texts::WHAT_FILE_FORMAT.text(),
            found: header.format,
            supported: FORMAT_VERSION,
        });
    }
    if header.schema_version > schema::CURRENT_VERSION {
        return Err(BackupError::Newer {
            path: path.to_path_buf(),
            what: texts::WHAT_DATABASE_VERSION.text(),
            found: header.schema_version,
            supported: schema::CURRENT_VERSION,
        });
    }
    Ok(Opened {
        input,
        header,
        header_bytes,
    })
}

/// Reads a backup's header without the recovery key: when it was made, by which version, for
/// which provider. A file from a newer Assistid is refused ([`BackupError::Newer`]).
pub fn read_header(path: &Path) -> Result<BackupHeader> {
    Ok(open_backup(path)?.header)
}

/// Decrypts the whole file and checks every chunk, the order, the end and the checksum,
/// writing the database part to `sink`; returns the one-time key of that database.
fn decrypt(
    path: &Path,
    recovery: &RecoveryKey,
    sink: &mut dyn Write,
    to: &Path,
) -> Result<(BackupHeader, DatabaseKey)> {
    let opened = open_backup(path)?;
    let keys = BackupKeys::unwrap(&opened.header.key, recovery).ok_or_else(|| {
        BackupError::WrongRecoveryKey {
            what: texts::WHAT_BACKUP_FILE.with("path", path.display().to_string()),
        }
    })?;
    let salt = hex::decode(&opened.header.salt).map_err(|_| BackupError::Damaged {
        path: path.to_path_buf(),
    })?;
    let mut dec = Decryptor {
        input: opened.input,
        key: keys.chunk_key(&salt),
        aad: header_aad(&opened.header_bytes),
        counter: 0,
        buf: Vec::with_capacity(CHUNK + TAG),
        pos: 0,
        finished: false,
        path,
    };
    let mut hasher = Sha256::new();
    let mut raw = [0u8; 32];
    dec.read_exact(&mut raw)?;
    hasher.update(raw);
    let key = Sensitive::new(raw);
    zeroize::Zeroize::zeroize(&mut raw);
    let mut len = [0u8; 8];
    dec.read_exact(&mut len)?;
    hasher.update(len);
    dec.copy_to(u64::from_be_bytes(len), sink, &mut hasher, to)?;
    let mut check = [0u8; 32];
    dec.read_exact(&mut check)?;
    dec.finish()?;
    if hasher.finalize().as_slice() != check {
        return Err(BackupError::Damaged {
            path: path.to_path_buf(),
        });
    }
    let db_key = DatabaseKey::from_hex(&hex::encode(key.expose())).ok_or(BackupError::Damaged {
        path: path.to_path_buf(),
    })?;
    Ok((opened.header, db_key))
}

/// Checks the whole backup with the recovery key without writing anything: the header, every
/// chunk's authentication, their order, the end of the file and the checksum.
pub fn verify(path: &Path, recovery: &RecoveryKey) -> Result<BackupHeader> {
    Ok(decrypt(path, recovery, &mut io::sink(), path)?.0)
}

/// Restores the backup `path` into the data folder `data_dir`, which must not hold a database.
///
/// 1. The whole file is verified first ([`verify`]); nothing is written before that succeeds.
/// 2. The database is written to a temporary file in `data_dir` (still encrypted with the
///    backup's one-time key), checked with `PRAGMA integrity_check`, re-keyed with the key from
///    `keys` (created there when missing) and only then renamed to `assistid.db`.
/// 3. The restored database is opened (and migrated if the backup was older).
///
/// An interruption at any point leaves no `assistid.db`, only a temporary file encrypted with a
/// key that is gone; it is removed by the next restore.
pub fn restore(
    path: &Path,
    recovery: &RecoveryKey,
    data_dir: &Path,
    keys: &KeySource,
) -> Result<(BackupHeader, Store)> {
    let target = data_dir.join(DATABASE_FILE_NAME);
    let occupied = |dir: &Path| -> Result<bool> {
        for name in [
            DATABASE_FILE_NAME.to_owned(),
            format!("{DATABASE_FILE_NAME}-wal"),
            format!("{DATABASE_FILE_NAME}-journal"),
        ] {
            if dir
                .join(&name)
                .try_exists()
                .map_err(io_error(dir, "läsas"))?
            {
                return Ok(true);
            }
        }
        Ok(false)
    };
    if occupied(data_dir)? {
        return Err(BackupError::FolderNotEmpty {
            path: data_dir.to_path_buf(),
        });
    }
    verify(path, recovery)?;
    crate::owner_only::tighten_dir(data_dir).map_err(|source| StoreError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    remove_leftovers(data_dir, ".restore-");
    let temporary = data_dir.join(format!(".restore-{}.db", uuid::Uuid::new_v4()));
    let result = (|| -> Result<BackupHeader> {
        let file =
            crate::owner_only::create_file(&temporary).map_err(io_error(&temporary, "skapas"))?;
        let mut sink = BufWriter::new(file);
        let (header, one_time_key) = decrypt(path, recovery, &mut sink, &temporary)?;
        let file = sink
            .into_inner()
            .map_err(|e| io_error(&temporary, "skrivas")(e.into_error()))?;
        file.sync_all().map_err(io_error(&temporary, "skrivas"))?;
        drop(file);
        let new_key = match keys.load()? {
            Some(key) => key,
            None => keys.create()?,
        };
        rekey(&temporary, &one_time_key, &new_key, path)?;
        refuse_occupied(data_dir)?;
        fs::rename(&temporary, &target).map_err(io_error(&target, "skrivas"))?;
        sync_parent(&target);
        Ok(header)
    })();
    let header = match result {
        Ok(header) => header,
        Err(e) => {
            remove_snapshot(&temporary);
            return Err(e);
        }
    };
    let store = Store::open(&target, keys)?;
    Ok((header, store))
}

/// Refuses ([`BackupError::FolderNotEmpty`]) a data folder that holds a database (or its
/// write-ahead log or journal): a restore never writes over existing data.
pub fn refuse_occupied(data_dir: &Path) -> Result<()> {
    for name in [
        DATABASE_FILE_NAME.to_owned(),
        format!("{DATABASE_FILE_NAME}-wal"),
        format!("{DATABASE_FILE_NAME}-journal"),
    ] {
        if data_dir
            .join(&name)
            .try_exists()
            .map_err(io_error(data_dir, "läsas"))?
        {
            return Err(BackupError::FolderNotEmpty {
                path: data_dir.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Opens the restored temporary database with its one-time key, checks it and re-keys it.
fn rekey(db: &Path, old: &DatabaseKey, new: &DatabaseKey, backup: &Path) -> Result<()> {
    let damaged = || BackupError::Damaged {
        path: backup.to_path_buf(),
    };
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(StoreError::from)?;
    let statement = Sensitive::new(format!("PRAGMA key = \"{}\"", old.pragma_value().expose()));
    conn.execute_batch(statement.expose())
        .map_err(StoreError::from)?;
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| damaged())?;
    if ok != "ok" {
        return Err(damaged());
    }
    let statement = Sensitive::new(format!(
        "PRAGMA rekey = \"{}\"",
        new.pragma_value().expose()
    ));
    conn.execute_batch(statement.expose())
        .map_err(StoreError::from)?;
    conn.close().map_err(|(_, e)| StoreError::from(e))?;
    Ok(())
}

/// What a restored (or any) database holds, for the summary shown after a restore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contents {
    /// The provider's name.
    pub provider: Option<String>,
    /// The months that have reports, oldest first (`YYYY-MM`).
    pub months: Vec<String>,
    /// Reports (assistant × person × month).
    pub reports: u64,
    /// Report versions, including drafts.
    pub report_versions: u64,
    /// Stored BankID signatures.
    pub signatures: u64,
    /// Submissions to FK (any state).
    pub submissions: u64,
    /// Submissions FK accepted.
    pub accepted: u64,
    /// When FK last accepted a report.
    pub last_accepted_at: Option<DateTime<Utc>>,
    /// Events in the audit log.
    pub events: u64,
}

impl Store {
    /// Counts what the database holds (see [`Contents`]).
    pub fn contents(&self) -> Result<Contents, StoreError> {
        let count = |sql: &str| -> Result<u64, StoreError> {
            let n: i64 = self.conn.query_row(sql, [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        let provider: Option<String> = self
            .conn
            .query_row("SELECT name FROM providers ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        let mut months = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT month FROM report_versions ORDER BY month")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            months.push(row.get::<_, String>(0)?);
        }
        let last: Option<String> = self.conn.query_row(
            "SELECT max(updated_at) FROM submissions WHERE state = 'accepted'",
            [],
            |r| r.get(0),
        )?;
        let last_accepted_at = last
            .map(|text| crate::convert::instant_from_sql(&text, "submissions.updated_at"))
            .transpose()?;
        Ok(Contents {
            provider,
            months,
            reports: count(
                "SELECT count(*) FROM (SELECT DISTINCT assistant_id, person_id, month
                   FROM report_versions)",
            )?,
            report_versions: count("SELECT count(*) FROM report_versions")?,
            signatures: count("SELECT count(*) FROM signatures")?,
            submissions: count("SELECT count(*) FROM submissions")?,
            accepted: count("SELECT count(*) FROM submissions WHERE state = 'accepted'")?,
            last_accepted_at,
            events: count("SELECT count(*) FROM events")?,
        })
    }
}
