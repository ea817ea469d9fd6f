//! Demo data: a small provider with persons and assistants, and realistic shifts in March and
//! October 2026 — the months of both daylight-saving changes. Deterministic, so the demo and the
//! tests see the same month every time.
//!
//! What the demo deliberately contains, so a new user sees every kind of annotation:
//! - night shifts (22:00–07:00, väntetid) across both DST nights: one hour less in March, one more
//!   in October;
//! - a shift across a month end (31 March → 1 April, 30 September → 1 October);
//! - double assistance (two assistants for one person at the same time), which is fine;
//! - an assistant booked for two persons at once (a warning);
//! - one unusually long shift (a warning);
//! - an assistant employed by the person without collective agreement who works more than 52 h a
//!   week on average over the 28-day period (a working-time warning);
//! - an autumn-night shift that ends at 02:30 the *second* time (resolved, not guessed).

use assistid_core::ids::{IdentityNumber, OrgNumber, Personnummer};
use assistid_core::model::{
    Assistant, CalculationPeriod, Employment, PeriodLength, PersonWithAssistance, Phone, Provider,
    TimeKind,
};
use assistid_core::shift::Shift;
use assistid_core::time::{Occurrence, ShiftTime};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

/// Everything the demo creates.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// The provider.
    pub provider: Provider,
    /// Persons with assistance.
    pub persons: Vec<PersonWithAssistance>,
    /// Assistants.
    pub assistants: Vec<Assistant>,
    /// Shifts in March and October 2026 (and the spill-over days next to them).
    pub shifts: Vec<Shift>,
}

/// The months the demo fills.
pub const DEMO_MONTHS: [&str; 2] = ["2026-03", "2026-10"];

/// A valid 12-digit number from its first 11 digits (the fixed demo data is always 11 digits).
fn with_control_digit(first11: &str) -> String {
    assistid_core::ids::with_control_digit(first11).unwrap_or_else(|| first11.to_owned())
}

fn pnr(first11: &str) -> Result<Personnummer, DemoError> {
    Personnummer::from_digits(&with_control_digit(first11)).map_err(|e| DemoError(e.to_string()))
}

fn idn(first11: &str) -> Result<IdentityNumber, DemoError> {
    IdentityNumber::from_digits(&with_control_digit(first11)).map_err(|e| DemoError(e.to_string()))
}

fn org(first9: &str) -> Result<OrgNumber, DemoError> {
    // Organisation numbers use the same Luhn rule over all 10 digits.
    let full = with_control_digit(&format!("00{first9}"));
    OrgNumber::parse(&full[2..]).map_err(|e| DemoError(e.to_string()))
}

fn phone(s: &str) -> Result<Phone, DemoError> {
    Phone::parse(s).map_err(|e| DemoError(e.to_string()))
}

/// The demo data could not be built (a programming error in the fixed data; reported, not panicked).
#[derive(Debug, thiserror::Error)]
#[error("demodata kunde inte skapas: {0}")]
pub struct DemoError(String);

fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
}

fn time(local: NaiveDateTime, occurrence: Option<Occurrence>) -> Result<ShiftTime, DemoError> {
    ShiftTime::resolve(local, occurrence).map_err(|e| DemoError(e.to_string()))
}

/// Builds the demo data.
pub fn demo_data() -> Result<DemoData, DemoError> {
    let provider = Provider::new(
        "Omsorg i Norr AB",
        org("556703748")?,
        Some("Karin Lindqvist"),
        phone("090-12 34 56")?,
    )
    .map_err(|e| DemoError(e.to_string()))?;

    let mk_person = |p: &str, first: &str, last: &str| -> Result<PersonWithAssistance, DemoError> {
        PersonWithAssistance::new(pnr(p)?, first, last).map_err(|e| DemoError(e.to_string()))
    };
    let persons = vec![
        mk_person("19750323111", "Åsa", "Öberg-Lind")?,
        mk_person("19881204238", "Johan", "Åkesson")?,
        mk_person("20020715442", "Märta", "Ek & Söner")?,
    ];

    let period_jan = CalculationPeriod::new(
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        PeriodLength::Months(4),
    )
    .map_err(|e| DemoError(e.to_string()))?;
    let period_28 = CalculationPeriod::new(
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
        PeriodLength::Days(28),
    )
    .map_err(|e| DemoError(e.to_string()))?;

    let assistants = vec![
        Assistant {
            id: idn("19850312123")?,
            first_name: "Erik".into(),
            last_name: "Johansson".into(),
            phone: Some(phone("070-111 22 33")?),
            collective_agreement: true,
            employment: Employment::Provider,
            calculation_period: Some(period_jan),
        },
        Assistant {
            id: idn("19910607456")?,
            first_name: "Fatima".into(),
            last_name: "Hassan".into(),
            phone: Some(phone("073-444 55 66")?),
            collective_agreement: false,
            employment: Employment::Provider,
            calculation_period: Some(period_jan),
        },
        Assistant {
            id: idn("19790130789")?,
            first_name: "Lena".into(),
            last_name: "Ström".into(),
            phone: Some(phone("076-777 88 99")?),
            collective_agreement: false,
            employment: Employment::PersonWithAssistance,
            calculation_period: Some(period_28),
        },
        Assistant {
            id: idn("19960918024")?,
            first_name: "Jonas".into(),
            last_name: "Berg".into(),
            phone: None,
            collective_agreement: true,
            employment: Employment::OtherEmployer {
                name: Some("Assistanskooperativet Lyftet ek. för.".into()),
                org_number: org("769612345")?,
            },
            calculation_period: Some(period_jan),
        },
        Assistant {
            id: idn("19830505135")?,
            first_name: "Noor".into(),
            last_name: "Al-Sayed".into(),
            phone: Some(phone("072-135 79 11")?),
            collective_agreement: false,
            employment: Employment::SelfEmployed,
            calculation_period: None,
        },
    ];

    let mut shifts = Vec::new();
    for (year, month) in [(2026, 3), (2026, 10)] {
        month_shifts(year, month, &persons, &assistants, &mut shifts)?;
    }
    Ok(DemoData {
        provider,
        persons,
        assistants,
        shifts,
    })
}

#[allow(clippy::too_many_lines)]
fn month_shifts(
    year: i32,
    month: u32,
    persons: &[PersonWithAssistance],
    assistants: &[Assistant],
    out: &mut Vec<Shift>,
) -> Result<(), DemoError> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| DemoError("datum".into()))?;
    let days = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .map_or(30, |d| d.day());
    let mut push = |a: usize,
                    p: usize,
                    start: NaiveDateTime,
                    s_occ: Option<Occurrence>,
                    end: NaiveDateTime,
                    e_occ: Option<Occurrence>,
                    kind: TimeKind,
                    note: Option<&str>|
     -> Result<(), DemoError> {
        out.push(Shift {
            assistant: assistants[a].id.clone(),
            person: persons[p].personnummer.clone(),
            start: time(start, s_occ)?,
            end: time(end, e_occ)?,
            kind,
            note: note.map(str::to_owned),
        });
        Ok(())
    };

    for day in 1..=days {
        let d = first
            .with_day(day)
            .ok_or_else(|| DemoError("datum".into()))?;
        let next = d.succ_opt().ok_or_else(|| DemoError("datum".into()))?;
        let weekday = d.weekday().num_days_from_monday();

        // Person 0 (Åsa): day, evening and waking night around the clock, three assistants.
        push(
            0,
            0,
            at(d, 7, 0),
            None,
            at(d, 15, 0),
            None,
            TimeKind::Aktiv,
            None,
        )?;
        if month == 3 && day == 8 {
            // An all-day outing: one unusually long shift (a warning).
            push(
                1,
                0,
                at(d, 5, 0),
                None,
                at(d, 22, 0),
                None,
                TimeKind::Aktiv,
                Some("heldagsutflykt"),
            )?;
        } else {
            push(
                1,
                0,
                at(d, 15, 0),
                None,
                at(d, 22, 0),
                None,
                TimeKind::Aktiv,
                None,
            )?;
        }
        // Lena's nights: väntetid while Åsa sleeps; this crosses both DST nights.
        if day % 2 == 1 || (month == 10 && day == 24) || (month == 3 && day == 28) {
            push(
                2,
                0,
                at(d, 22, 0),
                None,
                at(next, 7, 0),
                None,
                TimeKind::Vante,
                None,
            )?;
        } else {
            push(
                3,
                0,
                at(d, 22, 0),
                None,
                at(next, 7, 0),
                None,
                TimeKind::Vante,
                None,
            )?;
        }
        // Double assistance on weekday mornings (shower and outings): two at once is fine.
        if weekday < 5 {
            push(
                3,
                0,
                at(d, 8, 0),
                None,
                at(d, 11, 30),
                None,
                TimeKind::Aktiv,
                Some("dubbelbemanning"),
            )?;
        }

        // Person 1 (Johan): Noor (self-employed) on weekdays 08–17, at weekends 09–16 and on
        // call at night.
        if weekday < 5 {
            push(
                4,
                1,
                at(d, 8, 0),
                None,
                at(d, 17, 0),
                None,
                TimeKind::Aktiv,
                None,
            )?;
        } else {
            push(
                4,
                1,
                at(d, 9, 0),
                None,
                at(d, 16, 0),
                None,
                TimeKind::Aktiv,
                None,
            )?;
            push(
                4,
                1,
                at(d, 23, 0),
                None,
                at(next, 7, 0),
                None,
                TimeKind::Beredskap,
                None,
            )?;
        }

        // Person 2 (Märta): afternoons with Erik, Lena helps on Sundays (her extra hours push her
        // past the 52-hour average of her 28-day period).
        push(
            0,
            2,
            at(d, 16, 0),
            None,
            at(d, 20, 0),
            None,
            TimeKind::Aktiv,
            None,
        )?;
        if weekday == 6 || weekday == 2 {
            push(
                2,
                2,
                at(d, 8, 0),
                None,
                at(d, 20, 0),
                None,
                TimeKind::Aktiv,
                None,
            )?;
        }
    }

    if month == 3 {
        // Across the month end: the April part belongs to April's report (Tuesday night).
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).ok_or_else(|| DemoError("datum".into()))?;
        let a = NaiveDate::from_ymd_opt(2026, 4, 1).ok_or_else(|| DemoError("datum".into()))?;
        push(
            4,
            1,
            at(d, 22, 0),
            None,
            at(a, 6, 0),
            None,
            TimeKind::Vante,
            Some("över månadsskiftet"),
        )?;
    } else {
        // Across the month start: the October part belongs to October's report.
        let s = NaiveDate::from_ymd_opt(2026, 9, 30).ok_or_else(|| DemoError("datum".into()))?;
        let o = NaiveDate::from_ymd_opt(2026, 10, 1).ok_or_else(|| DemoError("datum".into()))?;
        push(
            4,
            1,
            at(s, 22, 0),
            None,
            at(o, 6, 0),
            None,
            TimeKind::Vante,
            Some("över månadsskiftet"),
        )?;
        // Erik booked for Johan while he also works for Åsa (two persons at once: a warning).
        let w = NaiveDate::from_ymd_opt(2026, 10, 12).ok_or_else(|| DemoError("datum".into()))?;
        push(
            0,
            1,
            at(w, 13, 0),
            None,
            at(w, 16, 0),
            None,
            TimeKind::Aktiv,
            Some("läkarbesök"),
        )?;
        // The autumn night, ending in the repeated hour: 02:30 the second time (winter time).
        let n = NaiveDate::from_ymd_opt(2026, 10, 24).ok_or_else(|| DemoError("datum".into()))?;
        let n2 = NaiveDate::from_ymd_opt(2026, 10, 25).ok_or_else(|| DemoError("datum".into()))?;
        push(
            1,
            2,
            at(n, 22, 0),
            None,
            at(n2, 2, 30),
            Some(Occurrence::Second),
            TimeKind::Beredskap,
            Some("beredskap till 02:30 vintertid"),
        )?;
    }
    Ok(())
}

impl crate::App {
    /// Creates the demo data if the data folder holds no provider yet; returns whether it did.
    /// Everything is written in one transaction: a crash leaves either nothing or all of it.
    pub fn load_demo_if_empty(&self, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<bool> {
        use crate::AppError;
        let store = self.store();
        if !store.list_providers().map_err(AppError::from)?.is_empty() {
            return Ok(false);
        }
        let data = demo_data()?;
        store.transaction(|s| -> Result<(), AppError> {
            let provider = s.add_provider(&data.provider)?;
            for p in &data.persons {
                s.add_person(provider, p)?;
            }
            for a in &data.assistants {
                s.add_assistant(a)?;
            }
            s.insert_shifts(&data.shifts, Some("demo"), now)?;
            // The provider's manager signs for it (BankID signing, issue 4).
            s.add_signatory(provider, &crate::signing::demo_signatory()?, now)?;
            s.set_data_kind(assistid_store::DataKind::Demo, now)?;
            // The demo's vendor, so the ways out name a support to contact (issue 21).
            let vendor = crate::support_contact::demo_contact();
            for (key, value) in crate::support_contact::setting_pairs(&vendor) {
                if let Some(value) = value {
                    s.set_setting(key, value, now)?;
                }
            }
            s.append_event(&assistid_store::NewEvent {
                at: now,
                kind: "demo_loaded",
                report_id: None,
                details: &serde_json::json!({ "shifts": data.shifts.len() }),
            })?;
            Ok(())
        })?;
        Ok(true)
    }
}
