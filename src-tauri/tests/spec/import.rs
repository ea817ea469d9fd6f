//! The window's import is the app's import session (`assistid_app::import_session`, specified
//! in the app's spec `import_session.rs`); what the shell adds is the glue: the UI's shapes are
//! the session's own, and a refusal crosses as the one IPC error with its code and message in
//! the UI's language.

use assistid_app::import_session::{ImportSession, MAX_IMPORT_BYTES};
use assistid_desktop::ipc;
use assistid_desktop::shell::ipc_error_in;
use base64::Engine as _;

use crate::boundary::demo_app;

#[test]
fn a_refused_file_crosses_with_its_code_in_the_uis_language() {
    let (dir, _app) = demo_app();
    let session = ImportSession::default();
    // The UI's shape is the session's own type: no copy, no conversion.
    let big = ipc::ImportFile {
        file_name: "stor.csv".to_owned(),
        content_base64: base64::engine::general_purpose::STANDARD
            .encode(vec![b'a'; MAX_IMPORT_BYTES + 1]),
    };
    let refused = |language| {
        ipc_error_in(
            session
                .open(&dir.path().join("data"), &big)
                .expect_err("over 20 MB is refused")
                .into(),
            language,
        )
    };
    let sv = refused(ipc::Language::Sv);
    assert_eq!(
        (sv.code.as_str(), sv.message_code.as_str()),
        ("invalid_input", "import_file_too_large"),
        "the UI branches on the code; the message has its own: {sv:?}"
    );
    assert!(
        sv.message.contains("assistid import"),
        "the message says how to import a large file: {}",
        sv.message
    );
    let en = refused(ipc::Language::En);
    assert!(
        en.message.starts_with("The file stor.csv is"),
        "in English when the UI is: {}",
        en.message
    );
    assert_eq!(
        en.params.get("file").map(String::as_str),
        Some("stor.csv"),
        "the parameters cross, so the UI can render the message again"
    );
}
