//! The preview the import screen shows: the importer's report (counts, every problem with its
//! row, column and value) with the working copy's rows, so a bad row can be shown and fixed.

use std::collections::HashMap;

use assistid_core::text::Lang;

use super::views::{
    ImportCounts, ImportPreview, ImportProblem, ImportRow, ImportRowStatus, SourceInfo,
};
use super::working_copy::WorkingCsv;
use crate::import::ImportReport;
use crate::views::Severity;

/// Rows shown in the preview besides every row with a problem.
pub const ROWS_SHOWN: usize = 2_000;

/// The preview of the staged file `token` from the importer's `report`, with the rows of its
/// working copy (CSV; none for Excel) and the problems' messages in `lang`.
pub(super) fn preview_of(
    token: &str,
    file_name: &str,
    report: &ImportReport,
    csv: Option<&WorkingCsv>,
    lang: Lang,
) -> ImportPreview {
    let p = &report.preview;
    let problems: Vec<ImportProblem> = p
        .problems
        .iter()
        .chain(&report.validation_problems)
        .map(|problem| ImportProblem {
            row: problem.row,
            column: problem.column.clone(),
            value: problem.value.clone(),
            code: problem.code.as_str().to_owned(),
            severity: if problem.is_error() {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: problem.message_in(lang),
        })
        .collect();
    let mut status: HashMap<u64, ImportRowStatus> = HashMap::new();
    for problem in &problems {
        if let Some(row) = problem.row {
            let entry = status.entry(row).or_insert(ImportRowStatus::Warning);
            if problem.severity == Severity::Error {
                *entry = ImportRowStatus::Error;
            }
        }
    }
    let header_row = p.header_row.unwrap_or(1);
    let mut rows = Vec::new();
    let mut columns: Vec<String> = p.columns.iter().map(|c| c.header.clone()).collect();
    if let Some(csv) = csv {
        for (line, values) in csv.records() {
            if line == header_row {
                columns = values;
                continue;
            }
            if line < header_row || values.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            let row_status = status.get(&line).copied().unwrap_or(ImportRowStatus::Ok);
            if rows.len() < ROWS_SHOWN || row_status != ImportRowStatus::Ok {
                rows.push(ImportRow {
                    row: line,
                    values,
                    status: row_status,
                });
            }
        }
    }
    let source = &p.source;
    ImportPreview {
        file_token: token.to_owned(),
        file_name: file_name.to_owned(),
        source: SourceInfo {
            description: source.describe_sv(),
            sha256: source.sha256.clone(),
            bytes: source.bytes,
        },
        can_fix_rows: csv.is_some(),
        columns,
        rows,
        counts: ImportCounts {
            rows_read: p.counts.rows_read,
            rows_valid: p.counts.rows_valid,
            rows_with_errors: p.counts.rows_with_errors,
            rows_with_warnings: p.counts.rows_with_warnings,
            shifts: p.counts.shifts,
            new_shifts: report.new_shifts,
            already_present: report.already_present,
            errors: report.error_count(),
            warnings: p.counts.warnings,
        },
        problems_total: p.problems_total + report.validation_problems.len() as u64,
        problems,
    }
}
