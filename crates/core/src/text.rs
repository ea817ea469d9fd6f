//! Messages for people as a stable code plus named parameters, rendered in Swedish or English.
//!
//! Every message a coordinator reads is a [`Text`]: a [`Template`] (a stable `code` and the
//! Swedish and English wordings side by side, `{name}` marking a parameter) plus the values of
//! its parameters. Each crate keeps its templates next to the code that uses them and lists
//! them in one `CATALOG` slice, which its spec test checks with [`check_catalog`]: both
//! renderings present, the same parameters in both. Swedish is the default and the reference:
//! the Swedish wording is what the program said before the English one existed, byte for byte.
//!
//! A parameter is plain text (a name, a date, a number) or itself a [`Text`] (a shift's
//! description, a kind of time), rendered in the same language as the message around it.
//!
//! ```
//! use assistid_core::text::{Lang, Template};
//! static HELLO: Template = Template::new("hello", "Hej {name}!", "Hello {name}!");
//! let text = HELLO.with("name", "Lena");
//! assert_eq!(text.render(Lang::Sv), "Hej Lena!");
//! assert_eq!(text.render(Lang::En), "Hello Lena!");
//! assert_eq!(text.code(), "hello");
//! assert!(text.missing_params().is_empty());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The language a message is rendered in. Swedish is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Svenska: the default and the reference wording.
    #[default]
    Sv,
    /// English.
    En,
}

impl Lang {
    /// `sv` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }
}

/// A language name that is neither `sv` nor `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("okänt språk \"{0}\": välj sv eller en")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// `sv`/`en` (any case; `sv-SE`, `en_GB` and the like by their first two letters).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.get(..2) {
            Some("sv") if lower.len() == 2 || lower[2..].starts_with(['-', '_', '.']) => {
                Ok(Lang::Sv)
            }
            Some("en") if lower.len() == 2 || lower[2..].starts_with(['-', '_', '.']) => {
                Ok(Lang::En)
            }
            _ => Err(UnknownLang(s.to_owned())),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message in both languages. `{name}` (lowercase letters, digits, `_`) marks a parameter;
/// both wordings must name the same parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The stable snake_case code (unique within its catalog).
    pub code: &'static str,
    /// The Swedish wording: the reference.
    pub sv: &'static str,
    /// The English wording.
    pub en: &'static str,
}

impl Template {
    /// A template; use it in a `static`.
    pub const fn new(code: &'static str, sv: &'static str, en: &'static str) -> Self {
        Self { code, sv, en }
    }

    /// This template without parameters (or to add them with [`Text::with`]).
    pub fn text(&'static self) -> Text {
        Text {
            source: Source::Catalog(self),
            params: Vec::new(),
        }
    }

    /// This template with its first parameter.
    pub fn with(&'static self, name: &'static str, value: impl Into<Param>) -> Text {
        self.text().with(name, value)
    }

    /// The wording in `lang`.
    pub fn wording(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Sv => self.sv,
            Lang::En => self.en,
        }
    }

    /// The parameters named in the wording in `lang`, in order of first use.
    pub fn placeholders(&self, lang: Lang) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for piece in pieces(self.wording(lang)) {
            if let Piece::Param(name) = piece
                && !out.contains(&name)
            {
                out.push(name);
            }
        }
        out
    }
}

/// A parameter's value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Param {
    /// Text that reads the same in every language: a name, a date, a number, an id.
    Plain(String),
    /// A message of its own, rendered in the language of the message around it.
    Text(Text),
}

impl Param {
    /// The value in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Param::Plain(s) => s.clone(),
            Param::Text(t) => t.render(lang),
        }
    }
}

impl From<String> for Param {
    fn from(value: String) -> Self {
        Param::Plain(value)
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Param::Plain(value.to_owned())
    }
}

impl From<&String> for Param {
    fn from(value: &String) -> Self {
        Param::Plain(value.clone())
    }
}

impl From<Text> for Param {
    fn from(value: Text) -> Self {
        Param::Text(value)
    }
}

macro_rules! plain_from_display {
    ($($t:ty),*) => {$(
        impl From<$t> for Param {
            fn from(value: $t) -> Self {
                Param::Plain(value.to_string())
            }
        }
    )*};
}
plain_from_display!(u8, u16, u32, u64, usize, i32, i64, chrono::NaiveDate);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Catalog(&'static Template),
    /// Swedish only, not yet in a catalog: English renders the Swedish text.
    Untranslated {
        code: String,
        sv: String,
    },
}

/// A message: a template and its parameters' values.
///
/// `Display` renders Swedish (the reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    source: Source,
    params: Vec<(&'static str, Param)>,
}

impl Text {
    /// A Swedish-only message that is not yet in a catalog; English shows the Swedish text.
    /// Only for messages on their way into a catalog (search for `untranslated`), never for new
    /// ones: [`Text::is_translated`] is false for it.
    pub fn untranslated(code: impl Into<String>, sv: impl Into<String>) -> Self {
        Self {
            source: Source::Untranslated {
                code: code.into(),
                sv: sv.into(),
            },
            params: Vec::new(),
        }
    }

    /// Adds (or replaces) the parameter `name`.
    pub fn with(mut self, name: &'static str, value: impl Into<Param>) -> Self {
        let value = value.into();
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
        self
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        match &self.source {
            Source::Catalog(t) => t.code,
            Source::Untranslated { code, .. } => code,
        }
    }

    /// The template, when the message is in a catalog.
    pub fn template(&self) -> Option<&'static Template> {
        match self.source {
            Source::Catalog(t) => Some(t),
            Source::Untranslated { .. } => None,
        }
    }

    /// False for a Swedish-only message ([`Text::untranslated`]), also when a parameter is one.
    pub fn is_translated(&self) -> bool {
        matches!(self.source, Source::Catalog(_))
            && self.params.iter().all(|(_, p)| match p {
                Param::Plain(_) => true,
                Param::Text(t) => t.is_translated(),
            })
    }

    /// The message in `lang`. A parameter the template names but the text lacks stays visible as
    /// `{name}` (and [`Text::missing_params`] names it).
    pub fn render(&self, lang: Lang) -> String {
        let wording = match &self.source {
            Source::Catalog(t) => t.wording(lang),
            Source::Untranslated { sv, .. } => return sv.clone(),
        };
        let mut out = String::with_capacity(wording.len() + 32);
        for piece in pieces(wording) {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Param(name) => match self.param(name) {
                    Some(value) => out.push_str(&value.render(lang)),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    /// The parameter `name`, if given.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, p)| p)
    }

    /// The parameters rendered in `lang`, by name (for the UI, which may re-render the message).
    pub fn params_in(&self, lang: Lang) -> BTreeMap<String, String> {
        self.params
            .iter()
            .map(|(n, p)| ((*n).to_owned(), p.render(lang)))
            .collect()
    }

    /// The parameters rendered in `lang` as [`Text::params_in`] gives them, and for every
    /// parameter that is a text of its own (say `what`) also its code as `what@code` and its
    /// parameters as `what@name` (nested the same way), so that the UI can render the whole
    /// message again in another language from its catalogs.
    pub fn params_flat(&self, lang: Lang) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        self.flatten_into("", lang, &mut out);
        out
    }

    fn flatten_into(&self, prefix: &str, lang: Lang, out: &mut BTreeMap<String, String>) {
        for (name, param) in &self.params {
            let key = format!("{prefix}{name}");
            out.insert(key.clone(), param.render(lang));
            if let Param::Text(nested) = param {
                out.insert(format!("{key}@code"), nested.code().to_owned());
                nested.flatten_into(&format!("{key}@"), lang, out);
            }
        }
    }

    /// The parameters either wording names that the text does not supply, also inside
    /// parameters that are texts themselves. Empty for every message the program builds.
    pub fn missing_params(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Source::Catalog(t) = self.source {
            for lang in [Lang::Sv, Lang::En] {
                for name in t.placeholders(lang) {
                    let label = format!("{}.{name}", t.code);
                    if self.param(name).is_none() && !out.contains(&label) {
                        out.push(label);
                    }
                }
            }
        }
        for (_, p) in &self.params {
            if let Param::Text(t) = p {
                out.extend(t.missing_params());
            }
        }
        out
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Sv))
    }
}

/// `{code, params}` with the parameters in Swedish.
impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Text", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("params", &self.params_in(Lang::Sv))?;
        s.end()
    }
}

/// What is wrong with a catalog: templates with an empty wording, with different parameters in
/// Swedish and English, with a malformed `{`, or codes used twice. Empty when the catalog is
/// whole.
pub fn check_catalog(catalog: &[&Template]) -> Vec<String> {
    let mut out = Vec::new();
    let mut codes = BTreeSet::new();
    for t in catalog {
        if !codes.insert(t.code) {
            out.push(format!("{}: the code is used twice", t.code));
        }
        if t.code.is_empty()
            || !t
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            out.push(format!("{:?}: the code is not snake_case", t.code));
        }
        for lang in [Lang::Sv, Lang::En] {
            let wording = t.wording(lang);
            if wording.trim().is_empty() {
                out.push(format!("{}: no {lang} wording", t.code));
            }
            let braces = wording.matches('{').count() + wording.matches('}').count();
            if braces != 2 * count_params(wording) {
                out.push(format!(
                    "{}: a {{ or }} in the {lang} wording that is not a parameter",
                    t.code
                ));
            }
        }
        let sv: BTreeSet<_> = t.placeholders(Lang::Sv).into_iter().collect();
        let en: BTreeSet<_> = t.placeholders(Lang::En).into_iter().collect();
        if sv != en {
            out.push(format!(
                "{}: Swedish names the parameters {sv:?}, English {en:?}",
                t.code
            ));
        }
    }
    out
}

fn count_params(wording: &str) -> usize {
    pieces(wording)
        .filter(|p| matches!(p, Piece::Param(_)))
        .count()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    Literal(&'a str),
    Param(&'a str),
}

/// The wording cut into literal text and `{name}` parameters. A `{` not followed by a name and
/// `}` is literal.
fn pieces<'a>(wording: &'a str) -> impl Iterator<Item = Piece<'a>> + 'a {
    let mut rest = wording;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if let Some(after) = rest.strip_prefix('{') {
            let len = after
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(after.len());
            if len > 0 && after[len..].starts_with('}') {
                let name = &after[..len];
                rest = &after[len + 1..];
                return Some(Piece::Param(name));
            }
            let (lit, tail) = rest.split_at(1);
            rest = tail;
            return Some(Piece::Literal(lit));
        }
        let end = rest.find('{').unwrap_or(rest.len());
        let (lit, tail) = rest.split_at(end);
        rest = tail;
        Some(Piece::Literal(lit))
    })
}
