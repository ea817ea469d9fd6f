//! The text a signer reads in the BankID app (`userVisibleData`, simpleMarkdownV1): escaping
//! of names, the lines that name the provider, and BankID's size limit.
//!
//! Both sides of a BankID order compose with these functions, so they agree byte for byte:
//! the app for its own texts ([`provider_line`] in every text, [`escape_markdown`] for every
//! name from the register) and the vendor's relay, whose first line names the provider the
//! installation is enrolled for ([`relay_text`]); the installation recomposes the relay's text
//! and refuses an order whose text differs.
//!
//! ```
//! use assistid_core::ids::OrgNumber;
//! use assistid_core::signtext::{provider_line, relay_text};
//! let org = OrgNumber::parse("5560360793").expect("valid");
//! assert_eq!(provider_line("Omsorg *AB*", &org), "Anordnare: Omsorg \\*AB\\* (5560360793)");
//! assert_eq!(
//!     relay_text(&org, Some("Omsorg AB"), "Tidredovisning"),
//!     "Assistansanordnare: Omsorg AB, organisationsnummer 556036-0793\n\nTidredovisning"
//! );
//! ```

use crate::ids::OrgNumber;

/// BankID's limit on `userVisibleData`: 40 000 characters after base64.
pub const USER_VISIBLE_DATA_MAX: usize = 40_000;

/// The longest provider name the relay's first line carries, in characters (Bolagsverket's
/// longest registered names are well below this).
pub const PROVIDER_NAME_MAX: usize = 120;

/// Why a text or a provider's name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignTextError {
    /// The text is longer than BankID takes.
    #[error(
        "texten är {encoded_len} tecken efter base64, BankID tar högst {limit}: skriv under färre \
         rapporter åt gången"
    )]
    TooLong {
        /// Characters after base64 encoding.
        encoded_len: usize,
        /// The limit it was checked against.
        limit: usize,
    },
    /// The provider's name is empty (after trimming).
    #[error("anordnarens namn är tomt: ange namnet som det är registrerat hos Bolagsverket")]
    NameEmpty,
    /// The provider's name is longer than [`PROVIDER_NAME_MAX`].
    #[error("anordnarens namn har {chars} tecken, högst {max} går: korta namnet")]
    NameTooLong {
        /// The name's length in characters.
        chars: usize,
        /// [`PROVIDER_NAME_MAX`].
        max: usize,
    },
}

/// The length `len` bytes will have once base64-encoded (with padding).
pub fn base64_len(len: usize) -> usize {
    len.div_ceil(3) * 4
}

/// `Ok` when `text` fits BankID's `userVisibleData` limit after base64.
pub fn check_visible_len(text: &str) -> Result<(), SignTextError> {
    let encoded_len = base64_len(text.len());
    if encoded_len > USER_VISIBLE_DATA_MAX {
        return Err(SignTextError::TooLong {
            encoded_len,
            limit: USER_VISIBLE_DATA_MAX,
        });
    }
    Ok(())
}

/// Escapes text from the register (names) for BankID's simpleMarkdownV1: a backslash before
/// every character the format gives a meaning (`\ * _ # + - | ~ `` ` `` `[ ]`), and line
/// breaks and tabs turned into spaces, so a name can neither start a heading, a list or a
/// table row nor make text bold.
///
/// ```
/// use assistid_core::signtext::escape_markdown;
/// assert_eq!(escape_markdown("Anna-Karin *Berg*"), "Anna\\-Karin \\*Berg\\*");
/// assert_eq!(escape_markdown("# Rubrik\nrad"), "\\# Rubrik rad");
/// ```
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '#' | '+' | '-' | '|' | '~' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The line of the app's texts that names the provider: `Anordnare: <name> (<10 digits>)`,
/// the name escaped.
pub fn provider_line(name: &str, org: &OrgNumber) -> String {
    format!("Anordnare: {} ({})", escape_markdown(name), org.digits())
}

/// A provider's name as the relay keeps it: whitespace (line breaks included) collapsed to
/// single spaces, control characters dropped, trimmed, at most [`PROVIDER_NAME_MAX`]
/// characters. It is escaped only when written into a text ([`relay_header`]).
pub fn provider_name(input: &str) -> Result<String, SignTextError> {
    let name = input
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let chars = name.chars().count();
    if chars == 0 {
        return Err(SignTextError::NameEmpty);
    }
    if chars > PROVIDER_NAME_MAX {
        return Err(SignTextError::NameTooLong {
            chars,
            max: PROVIDER_NAME_MAX,
        });
    }
    Ok(name)
}

/// The relay's first line: `Assistansanordnare: <name>, organisationsnummer NNNNNN-NNNN`, the
/// name escaped; without a name, `Assistansanordnare: organisationsnummer NNNNNN-NNNN`. The
/// organisationsnummer is the one the installation is enrolled for: it is the authority, the
/// name is what the relay knows it by.
pub fn relay_header(org: &OrgNumber, name: Option<&str>) -> String {
    match name {
        Some(name) => format!(
            "Assistansanordnare: {}, organisationsnummer {}",
            escape_markdown(name),
            org.formatted()
        ),
        None => format!(
            "Assistansanordnare: organisationsnummer {}",
            org.formatted()
        ),
    }
}

/// The `userVisibleData` the relay sends: [`relay_header`], a blank line, then the
/// installation's `text` unchanged.
pub fn relay_text(org: &OrgNumber, name: Option<&str>, text: &str) -> String {
    format!("{}\n\n{text}", relay_header(org, name))
}

/// The most bytes [`relay_text`] adds before the installation's text, for any
/// organisationsnummer and any name [`provider_name`] accepts (each character of a name takes
/// at most 4 bytes, escaped or not): what an installation keeps free when it splits a batch.
pub fn relay_header_max_len() -> usize {
    "Assistansanordnare: , organisationsnummer 000000-0000\n\n".len() + 4 * PROVIDER_NAME_MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_name_stays_within_the_bound() {
        let org = OrgNumber::parse("5560360793").expect("valid");
        for c in ['a', 'å', '*', '😀', '\\'] {
            let name = provider_name(&c.to_string().repeat(PROVIDER_NAME_MAX)).expect("fits");
            let header = relay_text(&org, Some(&name), "");
            assert!(
                header.len() <= relay_header_max_len(),
                "a name of {c:?} makes a header of {} bytes, over the bound {}",
                header.len(),
                relay_header_max_len()
            );
        }
    }
}
