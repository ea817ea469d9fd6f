//! Messages the outbox keeps as a code and parameters ([`StoredText`]), rendered again in the
//! UI's language from the catalogs of the Rust side ([`crate::all_text_catalogs`]).
//!
//! A failed send stores its Swedish text (what the receipt and old rows show) and beside it the
//! message's code and parameters; the queue, the history and the uncertain card render the
//! latter in the language asked for. A row stored before codes were kept, or a code no
//! catalog knows, shows its stored Swedish text.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use assistid_core::text::{Lang, Template, Text};
use assistid_store::StoredText;

/// `text` as the outbox keeps it: its code and its parameters as rendered in Swedish (a
/// parameter that is a message of its own also with its code and parameters, see
/// [`Text::params_flat`]).
pub fn stored(text: &Text) -> StoredText {
    StoredText {
        code: text.code().to_owned(),
        params: text.params_flat(Lang::Sv),
    }
}

fn templates() -> &'static HashMap<&'static str, &'static Template> {
    static MAP: OnceLock<HashMap<&'static str, &'static Template>> = OnceLock::new();
    MAP.get_or_init(|| {
        let ambiguous = crate::ambiguous_text_codes();
        let mut map = HashMap::new();
        for (_, catalog) in crate::all_text_catalogs() {
            for t in catalog {
                if !ambiguous.contains(t.code) {
                    map.entry(t.code).or_insert(t);
                }
            }
        }
        map
    })
}

/// A stored message in `lang`; `None` when its code (or a nested one) is in no catalog or a
/// parameter is missing, so the caller shows the stored Swedish text instead.
pub fn render_stored(text: &StoredText, lang: Lang) -> Option<String> {
    render(&text.code, &text.params, "", lang)
}

fn render(
    code: &str,
    params: &BTreeMap<String, String>,
    prefix: &str,
    lang: Lang,
) -> Option<String> {
    let template = templates().get(code)?;
    let wording = template.wording(lang);
    let mut out = String::with_capacity(wording.len() + 32);
    let mut rest = wording;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            let key = format!("{prefix}{}", &after[..len]);
            let value = match params.get(&format!("{key}@code")) {
                Some(nested) => render(nested, params, &format!("{key}@"), lang)?,
                None => params.get(&key)?.clone(),
            };
            out.push_str(&value);
            rest = &after[len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// A stored failure's message in `lang`: the rendering of its code and parameters when there
/// is one (and `lang` is not Swedish), else the stored Swedish `message`.
pub fn message_in(message: Option<&str>, text: Option<&StoredText>, lang: Lang) -> Option<String> {
    if lang != Lang::Sv
        && let Some(rendered) = text.and_then(|t| render_stored(t, lang))
    {
        return Some(rendered);
    }
    message.map(str::to_owned)
}
