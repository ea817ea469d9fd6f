//! Core's shift validation (overlaps, long shifts, daylight-saving row issues) applied to the
//! shifts of a file, with each finding pointed at its row.
//!
//! The importer's own pass streams and knows only identity numbers; core's checks need all the
//! shifts together and the full register (names for the messages), so the app runs this step on
//! the shifts of [`crate::preview_with_shifts`] (a month's file), or leaves overlaps of huge
//! files to the month review.

use assistid_core::model::Register as FullRegister;
use assistid_core::shift::Shift;
use assistid_core::validation::{self, Severity as CoreSeverity, codes};

use crate::preview::ImportedShift;
use crate::problem::{ImportProblem, ProblemCode, Severity};

/// Runs [`assistid_core::validation::validate_shifts`] over the file's shifts and returns its
/// findings as problems on the rows they concern (an overlap is reported on the later row and
/// names the other). Findings the importer has already reported per row (unknown people, end
/// not after start) are left out. Add the errors to the preview's before deciding to commit.
pub fn validate_imported(
    shifts: &[ImportedShift],
    register: &FullRegister<'_>,
) -> Vec<ImportProblem> {
    let plain: Vec<_> = shifts.iter().map(|s| s.shift.clone()).collect();
    let rows: Vec<u64> = shifts.iter().map(|s| s.row).collect();
    validate_imported_rows(&plain, &rows, register)
}

/// [`validate_imported`] for shifts and their rows held apart (`rows[i]` is the row of
/// `shifts[i]`), as the app keeps a whole file's shifts: checks them without copying them.
/// A shift without a row (a shorter `rows`) gets its problems without a row.
pub fn validate_imported_rows(
    shifts: &[Shift],
    rows: &[u64],
    register: &FullRegister<'_>,
) -> Vec<ImportProblem> {
    let mut problems: Vec<ImportProblem> = validation::validate_shifts(shifts, register)
        .into_iter()
        .filter(|issue| {
            ![
                codes::UNKNOWN_ASSISTANT,
                codes::UNKNOWN_PERSON,
                codes::END_NOT_AFTER_START,
            ]
            .contains(&issue.code)
        })
        .map(|issue| {
            let row = issue.shift.and_then(|i| rows.get(i)).copied();
            let other = issue.other_shift.and_then(|i| rows.get(i)).copied();
            let text = match other {
                Some(other) => crate::messages::SEE_ROW
                    .with("message", issue.text)
                    .with("row", other),
                None => issue.text,
            };
            ImportProblem::found(
                row,
                None,
                None,
                ProblemCode::Validation(issue.code),
                match issue.severity {
                    CoreSeverity::Error => Severity::Error,
                    _ => Severity::Warning,
                },
                text,
            )
        })
        .collect();
    problems.sort_by_key(|p| p.row);
    problems
}
