//! The calendar commands: the UI asks Rust when the clocks change and when FK's deadline is,
//! instead of re-deriving those rules in TypeScript (issue 19). The commands (`dst_changes`,
//! `classify_local`, `deadline` in [`crate::commands`]) call these, each a delegation to
//! [`assistid_app::calendar`]; they need no data folder. "Today" comes from the UI, which is the
//! only place that reads the clock.

use assistid_app::AppError;
use assistid_app::calendar::{self, Deadline, DstYear, LocalTimeClass};
use chrono::{NaiveDate, NaiveDateTime};

use crate::convert;
use crate::ipc::IpcError;

type Answer<T> = Result<T, IpcError>;

/// An input the UI itself computed was refused (never typed by a user: Swedish is enough).
fn ipc_error(e: anyhow::Error) -> IpcError {
    IpcError::in_lang(e, assistid_app::core_types::text::Lang::Sv)
}

/// A typing mistake in one of the commands' inputs, as the app words it.
fn invalid(field: &str, value: &str, expected: &str) -> IpcError {
    ipc_error(
        AppError::Invalid {
            field: field.to_owned(),
            message: format!("{value:?} är inte {expected}"),
        }
        .into(),
    )
}

/// The change nights of `year` (the spring and autumn nights, and the times they skip or
/// repeat).
pub fn dst_year(year: i32) -> Answer<DstYear> {
    if !(1900..=9999).contains(&year) {
        return Err(invalid(
            "år",
            &year.to_string(),
            "ett årtal mellan 1900 och 9999",
        ));
    }
    Ok(calendar::dst_year(year))
}

/// Whether the wall-clock reading `local` (`YYYY-MM-DDTHH:MM`) exists once, never or twice.
pub fn local_class(local: &str) -> Answer<LocalTimeClass> {
    let parsed = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| invalid("tid", local, "en tidpunkt som ÅÅÅÅ-MM-DDTtt:mm"))?;
    Ok(calendar::classify_local(parsed))
}

/// FK's deadline for `month` seen on `today` (`YYYY-MM-DD`); without a month, for the month
/// whose deadline comes next.
pub fn deadline_of(month: Option<&str>, today: &str) -> Answer<Deadline> {
    let today = NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map_err(|_| invalid("dag", today, "ett datum som ÅÅÅÅ-MM-DD"))?;
    let month = match month {
        Some(text) => convert::month(text).map_err(ipc_error)?,
        None => calendar::month_due_next(today)
            .ok_or_else(|| invalid("dag", &today.to_string(), "ett datum mellan 1900 och 9999"))?,
    };
    Ok(calendar::deadline(month, today))
}
