//! Secrets (database key, certificate passwords) wrapped so they cannot leak by accident:
//! `Debug` and `Display` print a placeholder, there is no `Serialize` implementation (a struct
//! holding a secret cannot derive `Serialize` at all, so it cannot end up in JSON, IPC or a
//! log by way of serde), and the memory is zeroed when the value is dropped.
//!
//! Serializing a secret does not compile:
//!
//! ```compile_fail
//! use assistid_core::secret::Sensitive;
//! let password = Sensitive::new(String::from("hunter2"));
//! let _ = serde_json::to_string(&password);
//! ```
//!
//! and neither does a struct that would carry one into JSON:
//!
//! ```compile_fail
//! use assistid_core::secret::Sensitive;
//! #[derive(serde::Serialize)]
//! struct Settings {
//!     password: Sensitive<String>,
//! }
//! ```

use std::fmt;

use zeroize::Zeroize;

/// A value that must never be logged or serialized. Read it with [`Sensitive::expose`] at the
/// one place that needs it.
///
/// ```
/// use assistid_core::secret::Sensitive;
/// let password = Sensitive::new(String::from("hunter2"));
/// assert_eq!(format!("{password:?}"), "Sensitive(<redacted>)");
/// assert_eq!(password.to_string(), "<redacted>");
/// assert_eq!(password.expose(), "hunter2");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Call this only where the value is used, never to print it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

impl<T: Zeroize> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
