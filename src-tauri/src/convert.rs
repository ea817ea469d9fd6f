//! JSON shapes ↔ domain types, at the boundary and nowhere else.

use assistid_app::AppError;
use assistid_app::register::{AssistantInput, EmploymentChoice, PersonInput, ProviderInput};
use assistid_core::model::ReportMonth;
use assistid_core::time::{Occurrence, ShiftTime as CoreShiftTime};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::ipc;

/// Parses `YYYY-MM` from the UI.
pub fn month(text: &str) -> anyhow::Result<ReportMonth> {
    text.parse::<ReportMonth>().map_err(|e| {
        AppError::Invalid {
            field: "månad".to_owned(),
            message: format!("{text:?}: {e}"),
        }
        .into()
    })
}

/// A domain value → its IPC mirror, through the domain's own JSON (the shapes the CLI prints).
fn mirror<T: serde::de::DeserializeOwned>(value: &impl serde::Serialize) -> anyhow::Result<T> {
    let json = serde_json::to_value(value)?;
    Ok(serde_json::from_value(json)?)
}

/// The month review.
pub fn review(review: &assistid_core::review::MonthReview) -> anyhow::Result<ipc::MonthReview> {
    mirror(review)
}

/// [`review`] with every issue's message in `lang` (the domain's JSON has the Swedish one).
pub fn review_in(
    review: &assistid_core::review::MonthReview,
    lang: assistid_core::text::Lang,
) -> anyhow::Result<ipc::MonthReview> {
    let mut out: ipc::MonthReview = mirror(review)?;
    if lang != assistid_core::text::Lang::Sv {
        let render = |ours: &mut Vec<ipc::Issue>, domain: &[assistid_core::validation::Issue]| {
            for (o, d) in ours.iter_mut().zip(domain) {
                o.message = d.message_in(lang);
            }
        };
        render(&mut out.errors, review.errors());
        render(&mut out.warnings, review.warnings());
        for (o, d) in out.reports.iter_mut().zip(review.reports()) {
            render(&mut o.errors, d.errors());
            render(&mut o.warnings, d.warnings());
        }
    }
    Ok(out)
}

/// The month grid of one person, its cells filled with the report rows (the app does not list
/// stored shifts yet; a shift over midnight therefore shows as its two rows).
pub fn month_grid(
    review: &assistid_core::review::MonthReview,
    persons: &[assistid_core::model::PersonWithAssistance],
    person: &str,
) -> anyhow::Result<ipc::MonthGridData> {
    let review = self::review(review)?;
    let who = persons
        .iter()
        .find(|p| p.personnummer.digits() == person)
        .ok_or_else(|| AppError::Missing(format!("personen {person} finns inte i registret")))?;
    let month: ReportMonth = self::month(&review.month)?;
    let reports: Vec<ipc::ReportReview> = review
        .reports
        .into_iter()
        .filter(|r| r.person == person)
        .collect();
    let assistants = reports
        .iter()
        .map(|r| ipc::AssistantColumn {
            id: r.assistant.clone(),
            name: r.assistant_name.clone(),
        })
        .collect();
    let mut shifts = Vec::new();
    for report in &reports {
        for (i, row) in report.rows.iter().enumerate() {
            let Some(day) = month.first_day().with_day_checked(row.day) else {
                continue;
            };
            let start = row_time(day, &row.from, Occurrence::First);
            let end = row_time(day, &row.to, Occurrence::Second);
            let (Some(start), Some(end)) = (start, end) else {
                continue;
            };
            shifts.push(ipc::ShiftRecord {
                id: format!("{}-{}-{i}", report.assistant, report.month),
                person: report.person.clone(),
                assistant: report.assistant.clone(),
                start,
                end,
                kind: row.kind,
                note: None,
                clock_minutes: row.clock_minutes,
                real_minutes: row.real_minutes,
                dst_note: row.dst_note.clone(),
            });
        }
    }
    let concerns = |i: &ipc::Issue| i.person.as_deref().is_none_or(|p| p == person);
    Ok(ipc::MonthGridData {
        month: review.month,
        person: mirror(who)?,
        assistants,
        shifts,
        reports,
        errors: review.errors.into_iter().filter(concerns).collect(),
        warnings: review.warnings.into_iter().filter(concerns).collect(),
        team: Vec::new(),
        granted_hours: Vec::new(),
    })
}

trait WithDay {
    fn with_day_checked(self, day: u32) -> Option<NaiveDate>;
}

impl WithDay for NaiveDate {
    fn with_day_checked(self, day: u32) -> Option<NaiveDate> {
        chrono::Datelike::with_day(&self, day)
    }
}

/// `HH.MM` on `day` as a resolved wall-clock reading; `24.00` is the next midnight. Inside the
/// repeated autumn hour a row's start is the first and its end the second occurrence, which is
/// how FK's rows across the change read.
fn row_time(day: NaiveDate, hhmm: &str, inside_repeat: Occurrence) -> Option<ipc::ShiftTime> {
    let (h, m) = hhmm.split_once('.')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let local: NaiveDateTime = if h == 24 && m == 0 {
        day.succ_opt()?.and_time(NaiveTime::MIN)
    } else {
        day.and_time(NaiveTime::from_hms_opt(h, m, 0)?)
    };
    let resolved = CoreShiftTime::resolve(local, Some(inside_repeat)).ok()?;
    Some(ipc::ShiftTime {
        local: resolved.local().format("%Y-%m-%dT%H:%M:%S").to_string(),
        offset_minutes: resolved.offset_minutes(),
    })
}

/// The register for the Register screen.
pub fn register(
    provider: Option<assistid_core::model::Provider>,
    persons: &[assistid_core::model::PersonWithAssistance],
    assistants: &[assistid_core::model::Assistant],
) -> anyhow::Result<ipc::RegisterData> {
    Ok(ipc::RegisterData {
        provider: provider.as_ref().map(mirror).transpose()?,
        persons: persons.iter().map(mirror).collect::<anyhow::Result<_>>()?,
        assistants: assistants
            .iter()
            .map(mirror)
            .collect::<anyhow::Result<_>>()?,
    })
}

/// A provider typed in the form → the app's input.
pub fn provider_input(p: &ipc::Provider) -> ProviderInput {
    ProviderInput {
        name: p.name.clone(),
        org_number: p.org_number.clone(),
        contact: p.contact_person.clone().filter(|c| !c.trim().is_empty()),
        phone: p.phone.clone(),
    }
}

/// A person typed in the form → the app's input.
pub fn person_input(p: &ipc::PersonWithAssistance) -> PersonInput {
    PersonInput {
        personnummer: p.personnummer.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
    }
}

/// An assistant typed in the form → the app's input.
pub fn assistant_input(a: &ipc::Assistant) -> AssistantInput {
    let (employment, employer_org, employer_name) = match &a.employment {
        ipc::Employment::Provider => (EmploymentChoice::Provider, None, None),
        ipc::Employment::SelfEmployed => (EmploymentChoice::SelfEmployed, None, None),
        ipc::Employment::PersonWithAssistance => {
            (EmploymentChoice::PersonWithAssistance, None, None)
        }
        ipc::Employment::OtherEmployer { name, org_number } => (
            EmploymentChoice::OtherEmployer,
            Some(org_number.clone()),
            name.clone(),
        ),
    };
    let (period_start, period_length) = match &a.calculation_period {
        Some(p) => (
            Some(p.start.clone()),
            Some(match p.length {
                ipc::PeriodLength::Days(n) => format!("{n}d"),
                ipc::PeriodLength::Months(n) => format!("{n}m"),
            }),
        ),
        None => (None, None),
    };
    AssistantInput {
        personnummer: a.id.clone(),
        first_name: a.first_name.clone(),
        last_name: a.last_name.clone(),
        phone: a.phone.clone(),
        collective_agreement: a.collective_agreement,
        employment,
        employer_org,
        employer_name,
        period_start,
        period_length,
    }
}

/// The export index with the folder it was written to.
pub fn export(
    index: &assistid_app::reports::ExportIndex,
    folder: &std::path::Path,
) -> anyhow::Result<ipc::ExportResult> {
    Ok(ipc::ExportResult {
        folder: folder.display().to_string(),
        month: index.month.clone(),
        reports: index
            .reports
            .iter()
            .map(mirror)
            .collect::<anyhow::Result<_>>()?,
    })
}

/// A shift typed in the month grid → the app's input.
pub fn shift_input(s: &ipc::ShiftInput) -> assistid_app::shifts::ShiftInput {
    let occurrence = |o: Option<ipc::Occurrence>| {
        o.map(|o| match o {
            ipc::Occurrence::First => Occurrence::First,
            ipc::Occurrence::Second => Occurrence::Second,
        })
    };
    assistid_app::shifts::ShiftInput {
        assistant: s.assistant.clone(),
        person: s.person.clone(),
        start: s.start.clone(),
        start_occurrence: occurrence(s.start_occurrence),
        end: s.end.clone(),
        end_occurrence: occurrence(s.end_occurrence),
        kind: match s.kind {
            ipc::TimeKind::Aktiv => assistid_core::model::TimeKind::Aktiv,
            ipc::TimeKind::Vante => assistid_core::model::TimeKind::Vante,
            ipc::TimeKind::Beredskap => assistid_core::model::TimeKind::Beredskap,
        },
        note: s.note.clone(),
    }
}

/// A shift id from the UI (the store's row id as text).
pub fn shift_id(id: &str) -> anyhow::Result<assistid_app::shifts::ShiftId> {
    id.trim()
        .parse::<i64>()
        .map(assistid_app::shifts::ShiftId::new)
        .map_err(|_| {
            anyhow::Error::new(ipc::IpcError {
                code: "shift_not_found".to_owned(),
                message: format!(
                    "Passet {id:?} finns inte (okänt pass-id). Läs in månaden igen och försök \
                     på nytt."
                ),
                ..Default::default()
            })
        })
}

/// A stored shift as the grid shows it.
pub fn shift_record(view: &assistid_app::shifts::ShiftView) -> ipc::ShiftRecord {
    let time = |t: &CoreShiftTime| ipc::ShiftTime {
        local: t.local().format("%Y-%m-%dT%H:%M:%S").to_string(),
        offset_minutes: t.offset_minutes(),
    };
    ipc::ShiftRecord {
        id: view.id.get().to_string(),
        person: view.shift.person.digits().to_owned(),
        assistant: view.shift.assistant.digits().to_owned(),
        start: time(&view.shift.start),
        end: time(&view.shift.end),
        kind: match view.shift.kind {
            assistid_core::model::TimeKind::Aktiv => ipc::TimeKind::Aktiv,
            assistid_core::model::TimeKind::Vante => ipc::TimeKind::Vante,
            assistid_core::model::TimeKind::Beredskap => ipc::TimeKind::Beredskap,
        },
        note: view.shift.note.clone(),
        clock_minutes: view.clock_minutes,
        real_minutes: view.real_minutes,
        dst_note: view.dst_note.map(|n| n.sv().to_owned()),
    }
}

/// The answer of a shift use case: a refusal keeps its own code (`time_ambiguous`,
/// `overlap_same_person`, `report_already_sent`, …) so the UI can ask or point at the cell.
pub fn shift_answer<T>(result: anyhow::Result<T>) -> anyhow::Result<T> {
    // The refusal stays in the error as it is: `Shell::run` renders it in the UI's language.
    result
}

/// The month grid with the person's STORED shifts (with their ids, so the grid can change and
/// delete them) instead of the report rows, and a column for every registered assistant (those
/// working for the person this month first), so a shift can be typed for anyone.
pub fn month_grid_with_shifts(
    review: &assistid_core::review::MonthReview,
    persons: &[assistid_core::model::PersonWithAssistance],
    team: &[assistid_app::teams::TeamMemberView],
    person: &str,
    shifts: &[assistid_app::shifts::ShiftView],
) -> anyhow::Result<ipc::MonthGridData> {
    let mut grid = month_grid(review, persons, person)?;
    grid.shifts = shifts.iter().map(shift_record).collect();
    // The grid's cells come from the stored shifts; of the report rows it needs only the DST
    // notes (for the totals), and 40 assistants' rows would otherwise be a third of the answer.
    for report in &mut grid.reports {
        report.rows.retain(|row| row.dst_note.is_some());
    }
    // The columns: who worked this month (from the review), then the rest of the person's
    // team, so there is a column to type in for everyone who works for the person — and
    // nobody else's.
    for m in team {
        if !grid.assistants.iter().any(|c| c.id == m.identity) {
            grid.assistants.push(ipc::AssistantColumn {
                id: m.identity.clone(),
                name: m.name.clone(),
            });
        }
    }
    grid.team = team.iter().map(|m| m.identity.clone()).collect();
    Ok(grid)
}

/// A person's team and decisions.
pub fn person_details(
    app: &assistid_app::App,
    person: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<ipc::PersonDetails> {
    Ok(ipc::PersonDetails {
        person: person.to_owned(),
        team: app
            .team(person, now)?
            .into_iter()
            .map(|m| ipc::TeamMember {
                id: m.identity,
                name: m.name,
                since: m.since.map(|d| d.to_string()),
            })
            .collect(),
        grants: app
            .grants(person, now)?
            .iter()
            .map(|g| ipc::Grant::from_domain(person, g.id, &g.grant))
            .collect(),
    })
}
