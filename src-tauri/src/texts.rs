//! The desktop's own words about the files it writes (receipt, copies, invoice figures, the
//! problem report), as templates in Swedish and English (see `assistid_app::core_types::text`); rendered
//! in the UI's language, and listed in the UI's copy of the catalogs.

use assistid_app::core_types::text::Template;

macro_rules! templates {
    ($($(#[$doc:meta])* $name:ident = ($code:literal, $sv:expr, $en:expr);)*) => {
        $($(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en);)*
        /// Every template of this module.
        pub static CATALOG: &[&Template] = &[$(&$name),*];
    };
}

templates! {
    /// The month's receipt was written.
    WRITTEN_RECEIPT = ("written_receipt",
        "Kvitto för {month} (PDF, och samma innehåll som JSON bredvid)",
        "Receipt for {month} (PDF, and the same content as JSON beside it)");
    /// The assistants' copies were written.
    WRITTEN_ASSISTANT_COPIES = ("written_assistant_copies",
        "{count} kopior till assistenterna för {month}",
        "{count} copies for the assistants for {month}");
    /// The invoice figures were written.
    WRITTEN_INVOICE = ("written_invoice",
        "Underlag för räkningen (FK 3057 / E-RÄK) för {month}, {count} personer",
        "Figures for the invoice (FK 3057 / E-RÄK) for {month}, {count} persons");
    /// The problem report for the vendor was written.
    WRITTEN_DIAGNOSTICS = ("written_diagnostics",
        "Felrapport till leverantören (utan personuppgifter)",
        "Problem report for the vendor (without personal data)");
    /// A folder could not be made.
    FOLDER_NOT_MADE = ("folder_not_made",
        "Mappen {path} kunde inte skapas: {reason}",
        "The folder {path} could not be created: {reason}");
}
