//! The documented column format (`schemas/import-shifts.md`): which header names mean which
//! column, matched case-insensitively, Swedish and English.

use std::fmt;

use serde::Serialize;

use crate::problem::{ImportProblem, ProblemCode};

/// A column the importer understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// The assistant's personnummer or samordningsnummer.
    Assistant,
    /// The personnummer of the person with assistance.
    Person,
    /// The date the shift starts.
    Date,
    /// The start time.
    Start,
    /// The end time (next day when earlier than or equal to the start; `24:00` is midnight).
    End,
    /// The kind of time: aktiv, vänte or beredskap.
    Kind,
    /// An optional free-text note.
    Note,
}

impl Column {
    /// Every column, in the documented order.
    pub const ALL: [Column; 7] = [
        Column::Assistant,
        Column::Person,
        Column::Date,
        Column::Start,
        Column::End,
        Column::Kind,
        Column::Note,
    ];

    /// The primary (documented) header name.
    pub fn primary_name(self) -> &'static str {
        match self {
            Column::Assistant => "assistent",
            Column::Person => "person",
            Column::Date => "datum",
            Column::Start => "start",
            Column::End => "slut",
            Column::Kind => "typ",
            Column::Note => "anteckning",
        }
    }

    /// Every accepted header name (normalised: lowercase, spaces and `-` as `_`).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Assistant => &[
                "assistent",
                "assistent_personnummer",
                "assistent_pnr",
                "assistentens_personnummer",
                "assistant",
                "assistant_personnummer",
                "assistant_id",
                "assistant_personal_number",
            ],
            Column::Person => &[
                "person",
                "person_personnummer",
                "person_pnr",
                "brukare",
                "brukare_personnummer",
                "brukarens_personnummer",
                "kund",
                "person_med_assistans",
                "person_with_assistance",
                "client",
            ],
            Column::Date => &["datum", "date", "dag", "startdatum", "start_date"],
            Column::Start => &[
                "start",
                "från",
                "fran",
                "starttid",
                "från_tid",
                "fromtid",
                "from",
                "start_time",
            ],
            Column::End => &[
                "slut", "till", "sluttid", "till_tid", "tomtid", "to", "end", "end_time",
            ],
            Column::Kind => &[
                "typ",
                "tidstyp",
                "tidtyp",
                "typ_av_tid",
                "kind",
                "type",
                "time_kind",
            ],
            Column::Note => &[
                "anteckning",
                "notering",
                "kommentar",
                "anmärkning",
                "note",
                "notes",
                "comment",
            ],
        }
    }

    /// True for the columns a file must have (all but the note).
    pub fn is_required(self) -> bool {
        self != Column::Note
    }

    /// Which column a header name means, if any.
    pub fn from_header(header: &str) -> Option<Column> {
        let norm = normalise_header(header);
        Column::ALL
            .into_iter()
            .find(|c| c.aliases().contains(&norm.as_str()))
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.primary_name())
    }
}

fn normalise_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .trim_end_matches('*')
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// How one header cell of the file was understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MappedColumn {
    /// The header as written in the file.
    pub header: String,
    /// The column it means; `None` for a column the importer ignores.
    pub column: Option<Column>,
}

/// The header row, resolved: for each known column, its index in the row and its header text.
#[derive(Clone, Debug)]
pub(crate) struct HeaderMap {
    pub(crate) mapped: Vec<MappedColumn>,
    index: [Option<usize>; 7],
}

impl HeaderMap {
    /// Reads the header row. Returns the map or the file-level problems that stop the import.
    pub(crate) fn resolve(headers: &[String], row: u64) -> Result<Self, Vec<ImportProblem>> {
        let mut index = [None; 7];
        let mut mapped = Vec::with_capacity(headers.len());
        let mut problems = Vec::new();
        for (i, header) in headers.iter().enumerate() {
            let column = Column::from_header(header);
            if let Some(c) = column {
                let slot = &mut index[c as usize];
                if let Some(first) = *slot {
                    let first_header: &String = &headers[first];
                    problems.push(ImportProblem::cell(
                        row,
                        header.trim(),
                        header.trim(),
                        ProblemCode::DuplicateColumn,
                        crate::messages::DUPLICATE_COLUMN
                            .with("column", header.trim())
                            .with("first", first_header.trim())
                            .with("name", c.primary_name()),
                    ));
                } else {
                    *slot = Some(i);
                }
            }
            mapped.push(MappedColumn {
                header: header.trim().trim_start_matches('\u{feff}').to_owned(),
                column,
            });
        }
        let missing: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|c| c.is_required() && index[*c as usize].is_none())
            .collect();
        if index.iter().all(Option::is_none) {
            problems.push(ImportProblem::row(
                row,
                ProblemCode::MissingHeader,
                crate::messages::MISSING_HEADER.with("columns", required_list()),
            ));
        } else if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|c| c.primary_name()).collect();
            problems.push(ImportProblem::row(
                row,
                ProblemCode::MissingColumns,
                crate::messages::MISSING_COLUMNS
                    .with("columns", names.join(", "))
                    .with(
                        "aliases",
                        missing
                            .iter()
                            .map(|c| format!("{} = {}", c.primary_name(), c.aliases().join("/")))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
            ));
        }
        if problems.is_empty() {
            Ok(Self { mapped, index })
        } else {
            Err(problems)
        }
    }

    /// The index of a column in each row.
    pub(crate) fn index(&self, column: Column) -> Option<usize> {
        self.index[column as usize]
    }

    /// The header text of a column as written in the file.
    pub(crate) fn header(&self, column: Column) -> &str {
        self.index(column)
            .and_then(|i| self.mapped.get(i))
            .map_or(column.primary_name(), |m| m.header.as_str())
    }
}

fn required_list() -> String {
    Column::ALL
        .iter()
        .filter(|c| c.is_required())
        .map(|c| c.primary_name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_case_insensitively_with_aliases() {
        assert_eq!(Column::from_header("Assistent"), Some(Column::Assistant));
        assert_eq!(Column::from_header(" BRUKARE "), Some(Column::Person));
        assert_eq!(Column::from_header("Från"), Some(Column::Start));
        assert_eq!(Column::from_header("FRÅN"), Some(Column::Start));
        assert_eq!(Column::from_header("Tidstyp"), Some(Column::Kind));
        assert_eq!(
            Column::from_header("Assistent personnummer"),
            Some(Column::Assistant)
        );
        assert_eq!(
            Column::from_header("\u{feff}assistent"),
            Some(Column::Assistant)
        );
        assert_eq!(Column::from_header("lön"), None);
    }
}
