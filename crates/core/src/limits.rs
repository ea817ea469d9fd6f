//! Working-time limits FK applies per assistant and calculation period (berakningsperiod).
//!
//! FK withholds payment for hours above the limit, so the review warns before anything is sent.
//! Which rule applies:
//!
//! | employment | collective agreement | rule |
//! |---|---|---|
//! | by the person with assistance | no | at most **52 h/week** on average over a period of at most **28 days** (lag om arbetstid m.m. i husligt arbete / FK's rule) |
//! | by the provider or another employer | no | Working Hours Act: at most **48 h/week** on average over at most **4 months** |
//! | any employer | yes | the agreement's rule, passed in as [`LimitConfig::collective_agreement`] |
//! | self-employed | — | no statutory limit: a self-employed assistant is not an employee, so neither act applies and nothing is checked |
//!
//! What counts: aktiv tid and väntetid, in **real** minutes (the time actually worked, DST
//! corrected). Beredskap does not count: on-call time away from the workplace is not working time
//! under the Working Hours Act (it is "jourtid"/"beredskap" outside the employee's working time),
//! and FK assesses it separately.
//!
//! The period: the assistant's own calculation period; each of its periods that intersects the
//! report month is checked. Without one the calendar month is used (documented default; FK's
//! document then carries no `berakningsperiod`). The average is hours / (days / 7) over the whole
//! period, with the hours known from the shifts passed in: a period reaching into months not yet
//! entered can only be warned about once its known hours already exceed the limit for the whole
//! period. A period longer than the rule allows gets its own warning.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Assistant, CalculationPeriod, Employment, PeriodLength, ReportMonth};
use crate::text::{Param, Template, Text};
use crate::validation::{Issue, codes};

/// A working-time rule: the average limit and the longest allowed calculation period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingTimeRule {
    /// The most minutes per week on average (e.g. 52 × 60).
    pub max_average_minutes_per_week: u32,
    /// The longest calculation period the rule allows.
    pub max_period: PeriodLength,
}

impl WorkingTimeRule {
    /// Employed by the person with assistance, no collective agreement: 52 h/week over ≤ 28 days.
    pub const EMPLOYED_BY_PERSON: WorkingTimeRule = WorkingTimeRule {
        max_average_minutes_per_week: 52 * 60,
        max_period: PeriodLength::Days(28),
    };

    /// Working Hours Act: 48 h/week over ≤ 4 months.
    pub const WORKING_HOURS_ACT: WorkingTimeRule = WorkingTimeRule {
        max_average_minutes_per_week: 48 * 60,
        max_period: PeriodLength::Months(4),
    };

    /// The last day a period starting on `from` may have under this rule.
    pub fn latest_end(&self, from: NaiveDate) -> Option<NaiveDate> {
        match self.max_period {
            PeriodLength::Days(d) => from.checked_add_days(chrono::Days::new(u64::from(d)))?,
            PeriodLength::Months(m) => from.checked_add_months(chrono::Months::new(m))?,
        }
        .pred_opt()
    }
}

/// Settings for the limit check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitConfig {
    /// The rule for assistants with a collective agreement. The default is the Working Hours
    /// Act's own 48 h/week over at most 4 months, which the sector's agreements keep as their
    /// outer frame; set the provider's actual agreement values where they are stricter.
    pub collective_agreement: WorkingTimeRule,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            collective_agreement: WorkingTimeRule::WORKING_HOURS_ACT,
        }
    }
}

/// Which rule applies to an assistant, and its Swedish name; `None` for the self-employed.
pub fn rule_for(
    assistant: &Assistant,
    config: &LimitConfig,
) -> Option<(WorkingTimeRule, &'static str)> {
    match (&assistant.employment, assistant.collective_agreement) {
        (Employment::SelfEmployed, _) => None,
        (_, true) => Some((config.collective_agreement, "enligt kollektivavtalet")),
        (Employment::PersonWithAssistance, false) => Some((
            WorkingTimeRule::EMPLOYED_BY_PERSON,
            "för assistent anställd av brukaren utan kollektivavtal",
        )),
        (Employment::Provider | Employment::OtherEmployer { .. }, false) => {
            Some((WorkingTimeRule::WORKING_HOURS_ACT, "enligt arbetstidslagen"))
        }
    }
}

/// The periods to check for an assistant in a month: their calculation periods intersecting the
/// month, or the calendar month when they have none (`true` in the second place).
pub fn periods_to_check(
    period: Option<&CalculationPeriod>,
    month: ReportMonth,
) -> (Vec<(NaiveDate, NaiveDate)>, bool) {
    match period {
        Some(p) => (p.periods_intersecting(month), false),
        None => (vec![(month.first_day(), month.last_day())], true),
    }
}

/// The hours counted in one period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodHours {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Real minutes of aktiv tid and väntetid in the period.
    pub worked_minutes: u64,
    /// True when this is the calendar-month default, not the assistant's own period.
    pub is_default: bool,
}

impl PeriodHours {
    /// Days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// The templates of this module's messages (see [`crate::text`]).
pub mod templates {
    use crate::text::Template;

    /// A number with one decimal: `7,5` / `7.5`.
    pub static DECIMAL: Template = Template::new("decimal", "{whole},{tenth}", "{whole}.{tenth}");
    /// The collective agreement's rule.
    pub static RULE_AGREEMENT: Template = Template::new(
        "rule_collective_agreement",
        "enligt kollektivavtalet",
        "under the collective agreement",
    );
    /// The rule for an assistant employed by the person.
    pub static RULE_EMPLOYED_BY_PERSON: Template = Template::new(
        "rule_employed_by_person",
        "för assistent anställd av brukaren utan kollektivavtal",
        "for an assistant employed by the person with assistance without a collective agreement",
    );
    /// The Working Hours Act.
    pub static RULE_WORKING_HOURS_ACT: Template = Template::new(
        "rule_working_hours_act",
        "enligt arbetstidslagen",
        "under the Working Hours Act",
    );
    /// The note when the calendar month stands in for a calculation period.
    pub static DEFAULT_PERIOD_NOTE: Template = Template::new(
        "default_period_note",
        " Assistenten har ingen beräkningsperiod inlagd, så kalendermånaden används.",
        " The assistant has no calculation period entered, so the calendar month is used.",
    );
    /// `working_time_limit`.
    pub static WORKING_TIME_LIMIT: Template = Template::new(
        super::codes::WORKING_TIME_LIMIT,
        "{assistant} har arbetat {worked} timmar (aktiv tid och väntetid) under \
         beräkningsperioden {from}–{to} ({weeks} veckor), i genomsnitt {average} timmar per \
         vecka. Gränsen {rule} är {limit} timmar per vecka i genomsnitt. FK betalar inte ut \
         ersättning för timmar över gränsen.{default_note}",
        "{assistant} has worked {worked} hours (active and waiting time) in the calculation \
         period {from}–{to} ({weeks} weeks), on average {average} hours a week. The limit {rule} \
         is {limit} hours a week on average. FK pays no compensation for hours over the \
         limit.{default_note}",
    );
    /// `calculation_period_too_long`.
    pub static CALCULATION_PERIOD_TOO_LONG: Template = Template::new(
        super::codes::CALCULATION_PERIOD_TOO_LONG,
        "Beräkningsperioden {from}–{to} för {assistant} är {days} dagar, längre än de högst \
         {allowed} som gäller {rule}. Ändra assistentens beräkningsperiod.",
        "The calculation period {from}–{to} of {assistant} is {days} days, longer than the at \
         most {allowed} that apply {rule}. Change the assistant's calculation period.",
    );
    /// `{days} dagar`.
    pub static DAYS: Template = Template::new("days", "{days} dagar", "{days} days");
    /// `{months} månader`.
    pub static MONTHS: Template = Template::new("months", "{months} månader", "{months} months");
}

/// Every template of this module.
pub static CATALOG: &[&Template] = &[
    &templates::DECIMAL,
    &templates::RULE_AGREEMENT,
    &templates::RULE_EMPLOYED_BY_PERSON,
    &templates::RULE_WORKING_HOURS_ACT,
    &templates::DEFAULT_PERIOD_NOTE,
    &templates::WORKING_TIME_LIMIT,
    &templates::CALCULATION_PERIOD_TOO_LONG,
    &templates::DAYS,
    &templates::MONTHS,
];

fn decimal(value: f64) -> Text {
    let text = format!("{value:.1}");
    let (whole, tenth) = text.split_once('.').unwrap_or((&text, "0"));
    templates::DECIMAL.with("whole", whole).with("tenth", tenth)
}

/// A rule's name (as [`rule_for`] gives it) in every language; an unknown name as it is.
fn rule_param(rule_name: &str) -> Param {
    [
        &templates::RULE_AGREEMENT,
        &templates::RULE_EMPLOYED_BY_PERSON,
        &templates::RULE_WORKING_HOURS_ACT,
    ]
    .into_iter()
    .find(|t| t.sv == rule_name)
    .map_or_else(
        || Param::Plain(rule_name.to_owned()),
        |t| Param::Text(t.text()),
    )
}

/// The warnings for one period of an assistant: over the average, and a period too long for the
/// rule (only for the assistant's own periods).
pub fn check_period(
    assistant: &Assistant,
    rule: WorkingTimeRule,
    rule_name: &str,
    hours: &PeriodHours,
) -> Vec<Issue> {
    let mut out = Vec::new();
    let days = hours.days().max(1);
    let limit_minutes = i128::from(rule.max_average_minutes_per_week);
    // Exact comparison in integers: worked / (days / 7) > limit  ⇔  worked × 7 > limit × days.
    if i128::from(hours.worked_minutes) * 7 > limit_minutes * i128::from(days) {
        let worked_h = hours.worked_minutes as f64 / 60.0;
        let weeks = days as f64 / 7.0;
        let average = worked_h / weeks;
        let limit_h = f64::from(rule.max_average_minutes_per_week) / 60.0;
        let default_note = if hours.is_default {
            Param::Text(templates::DEFAULT_PERIOD_NOTE.text())
        } else {
            Param::Plain(String::new())
        };
        out.push(
            Issue::warning_text(
                templates::WORKING_TIME_LIMIT
                    .with("assistant", assistant.full_name())
                    .with("worked", decimal(worked_h))
                    .with("from", hours.from)
                    .with("to", hours.to)
                    .with("weeks", decimal(weeks))
                    .with("average", decimal(average))
                    .with("rule", rule_param(rule_name))
                    .with("limit", decimal(limit_h))
                    .with("default_note", default_note),
            )
            .on_date(hours.from)
            .for_assistant(&assistant.id),
        );
    }
    if !hours.is_default
        && rule
            .latest_end(hours.from)
            .is_some_and(|end| hours.to > end)
    {
        let allowed = match rule.max_period {
            PeriodLength::Days(d) => templates::DAYS.with("days", d.to_string()),
            PeriodLength::Months(m) => templates::MONTHS.with("months", m.to_string()),
        };
        out.push(
            Issue::warning_text(
                templates::CALCULATION_PERIOD_TOO_LONG
                    .with("from", hours.from)
                    .with("to", hours.to)
                    .with("assistant", assistant.full_name())
                    .with("days", hours.days().to_string())
                    .with("allowed", allowed)
                    .with("rule", rule_param(rule_name)),
            )
            .on_date(hours.from)
            .for_assistant(&assistant.id),
        );
    }
    out
}

/// Convenience for callers outside the review: the limit warnings for one assistant in
/// `month`, given that assistant's shifts (shifts of other assistants are ignored).
pub fn working_time_issues<'s>(
    month: ReportMonth,
    assistant: &Assistant,
    shifts: impl IntoIterator<Item = &'s crate::shift::Shift>,
    config: &LimitConfig,
) -> Vec<Issue> {
    let Some((rule, rule_name)) = rule_for(assistant, config) else {
        return Vec::new();
    };
    let (periods, is_default) = periods_to_check(assistant.calculation_period.as_ref(), month);
    let mut hours: Vec<PeriodHours> = periods
        .into_iter()
        .map(|(from, to)| PeriodHours {
            from,
            to,
            worked_minutes: 0,
            is_default,
        })
        .collect();
    for shift in shifts {
        if shift.assistant != assistant.id || shift.kind == crate::model::TimeKind::Beredskap {
            continue;
        }
        for (_, facts) in crate::split::shift_rows(shift) {
            add_row(&mut hours, facts.date, facts.minutes.real_minutes);
        }
    }
    hours
        .iter()
        .flat_map(|h| check_period(assistant, rule, rule_name, h))
        .collect()
}

/// Adds a row's real minutes to the period it falls in.
pub(crate) fn add_row(hours: &mut [PeriodHours], date: NaiveDate, real_minutes: u32) {
    if let Some(h) = hours.iter_mut().find(|h| h.from <= date && date <= h.to) {
        h.worked_minutes += u64::from(real_minutes);
    }
}
