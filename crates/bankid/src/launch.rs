//! The same-device start: BankID's start link ([`autostart_url`](crate::order::autostart_url))
//! handed to the operating system's URL handler, which starts the BankID app installed on this
//! computer. For the programs at the edge (the CLI and the desktop shell); the use cases never
//! start a process.

/// Why the BankID app could not be started. The QR code is then the way.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The link is not BankID's start link (`bankid:///?autostarttoken=…`): nothing else is
    /// handed to the operating system.
    #[error("inte en BankID-startlänk")]
    NotAStartLink,
    /// The operating system's URL handler could not be run, or it failed.
    #[error("BankID-appen kunde inte startas på den här datorn")]
    NotStarted(#[source] Option<std::io::Error>),
}

/// Opens BankID's same-device start link (`bankid:///?autostarttoken=…&redirect=null`) with
/// the operating system's URL handler, which starts the BankID app installed on this computer.
/// An error means no handler could be started (then the QR code is the way).
pub fn open_bankid_app(autostart_url: &str) -> Result<(), LaunchError> {
    if !autostart_url.starts_with("bankid:///?autostarttoken=") {
        return Err(LaunchError::NotAStartLink);
    }
    let status = opener(autostart_url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| LaunchError::NotStarted(Some(e)))?;
    if !status.success() {
        return Err(LaunchError::NotStarted(None));
    }
    Ok(())
}

/// The OS command that opens a URL: `open` (macOS), the URL protocol handler (Windows — not
/// `cmd /c start`, whose parsing would break the link at `&`), `xdg-open` elsewhere.
fn opener(url: &str) -> std::process::Command {
    if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("rundll32");
        c.args(["url.dll,FileProtocolHandler", url]);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_bankid_start_links_are_handed_to_the_os() {
        let err = super::open_bankid_app("https://example.invalid/?x=1")
            .expect_err("anything but a BankID start link is refused before any program runs");
        assert!(err.to_string().contains("BankID"), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_start_link_is_one_argument_to_the_url_handler() {
        let url = "bankid:///?autostarttoken=7c40b5c9-fa74-49cf-b98c-bfe651f9a7c6&redirect=null";
        let command = super::opener(url);
        assert_eq!(
            command.get_program(),
            "xdg-open",
            "Linux opens links with xdg-open"
        );
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, [url], "the whole link, '&' included, is one argument");
    }
}
