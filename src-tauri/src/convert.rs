//! Text from the UI → the app's values, at the boundary and nowhere else. (The shapes the UI
//! is shown are the app's view types, `assistid_app::views`, handed over as they are.)

use assistid_app::AppError;
use assistid_app::core_types::model::ReportMonth;

/// Parses `YYYY-MM` from the UI.
pub fn month(text: &str) -> anyhow::Result<ReportMonth> {
    text.parse::<ReportMonth>().map_err(|e| {
        AppError::invalid_text(assistid_app::invalid::refusal(
            "månad",
            assistid_app::invalid::templates::VALUE_AND_REASON
                .with("value", format!("{text:?}"))
                .with("reason", e.text()),
        ))
        .into()
    })
}

/// A shift id from the UI (the store's row id as text); one that is not an id is refused as
/// the app refuses a shift that is not there (`shift_not_found`).
pub fn shift_id(id: &str) -> anyhow::Result<assistid_app::shifts::ShiftId> {
    id.trim()
        .parse::<i64>()
        .map(assistid_app::shifts::ShiftId::new)
        .map_err(|_| assistid_app::shifts::ShiftRefused::not_found().into())
}
