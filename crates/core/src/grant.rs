//! Granted hours: a person's decision from FK (beviljade timmar) and how much of it a month's
//! shifts use.
//!
//! FK decides assistance as a number of hours per period, valid from a date (and often to a
//! date). A decision is kept here as minutes per [`GrantPeriod`] — per week (FK's usual form,
//! "timmar per vecka"), per calendar month, or for the whole decision period — with the dates it
//! is valid. [`month_usage`] says, for one report month, how many minutes the decision grants and
//! how many the shifts use, in **real** minutes (a night when the clock goes back counts one hour
//! more, as the invoice does), counting every kind of time (active, waiting, on call).
//!
//! - **Week**: the month's share is `minutes × days / 7` over the days of the month the decision
//!   is valid (rounded to the nearest minute).
//! - **Month**: the month's share is the minutes, in proportion to the days of the month the
//!   decision is valid.
//! - **Decision period**: the minutes cover the whole period from `valid_from` to `valid_to`;
//!   the usage counts every shift from `valid_from` to the end of the month (or of the period).
//!
//! Nothing here reads the clock.

use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::model::ReportMonth;
use crate::shift::Shift;
use crate::time::ShiftTime;

/// The share of the granted minutes at which a warning is given (90 %).
pub const NEAR_PERCENT: u64 = 90;

/// The most minutes a decision may grant per week (24 hours × 7 days).
const MAX_WEEK_MINUTES: u32 = 7 * 24 * 60;
/// The most minutes a decision may grant per month (31 days of 24 hours, plus the autumn hour).
const MAX_MONTH_MINUTES: u32 = 31 * 24 * 60 + 60;

/// What the granted hours are counted per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantPeriod {
    /// Hours per week (FK's usual form).
    Week,
    /// Hours per calendar month.
    Month,
    /// Hours for the whole decision period (from–to).
    Decision,
}

impl GrantPeriod {
    /// All periods, in the order forms list them.
    pub const ALL: [GrantPeriod; 3] =
        [GrantPeriod::Week, GrantPeriod::Month, GrantPeriod::Decision];

    /// The stable code: `week`, `month`, `decision`.
    pub fn code(self) -> &'static str {
        match self {
            GrantPeriod::Week => "week",
            GrantPeriod::Month => "month",
            GrantPeriod::Decision => "decision",
        }
    }

    /// The period from its code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Swedish words after "timmar": `per vecka`, `per månad`, `för hela beslutsperioden`.
    pub fn per_sv(self) -> &'static str {
        match self {
            GrantPeriod::Week => "per vecka",
            GrantPeriod::Month => "per månad",
            GrantPeriod::Decision => "för hela beslutsperioden",
        }
    }
}

/// Why a decision cannot be recorded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// No hours were given.
    #[error("ange hur många timmar FK har beviljat (mer än 0)")]
    NoHours,
    /// More hours than the period has.
    #[error(
        "{hours} timmar {per} är fler än perioden har timmar; kontrollera beslutet och att \
         rätt period är vald (vecka, månad eller hela beslutsperioden)"
    )]
    TooManyHours {
        /// The hours as given.
        hours: String,
        /// The period's words (`per vecka`, …).
        per: &'static str,
    },
    /// The end date lies before the start date.
    #[error("beslutet slutar ({to}) före det börjar ({from}); kontrollera datumen")]
    EndsBeforeStart {
        /// Valid from.
        from: NaiveDate,
        /// Valid to.
        to: NaiveDate,
    },
    /// A decision counted for the whole period needs its last day.
    #[error(
        "timmar för hela beslutsperioden behöver beslutets sista dag; ange den, eller välj \
         timmar per vecka eller per månad"
    )]
    DecisionPeriodNeedsEnd,
}

/// A person's decision from FK: granted minutes per period, valid from a date to an optional
/// last date (inclusive; `None` = until further notice).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// Granted minutes per [`Grant::period`].
    pub minutes: u32,
    /// What the minutes are counted per.
    pub period: GrantPeriod,
    /// The first day the decision applies.
    pub valid_from: NaiveDate,
    /// The last day the decision applies, if it has one.
    pub valid_to: Option<NaiveDate>,
}

impl Grant {
    /// A checked decision: some minutes, at most what the period has (a week's or a month's
    /// hours), an end not before the start, and an end when the minutes are for the whole
    /// decision period.
    pub fn new(
        minutes: u32,
        period: GrantPeriod,
        valid_from: NaiveDate,
        valid_to: Option<NaiveDate>,
    ) -> Result<Self, GrantError> {
        if minutes == 0 {
            return Err(GrantError::NoHours);
        }
        let cap = match period {
            GrantPeriod::Week => Some(MAX_WEEK_MINUTES),
            GrantPeriod::Month => Some(MAX_MONTH_MINUTES),
            GrantPeriod::Decision => None,
        };
        if cap.is_some_and(|cap| minutes > cap) {
            return Err(GrantError::TooManyHours {
                hours: hours_sv(u64::from(minutes)),
                per: period.per_sv(),
            });
        }
        if let Some(to) = valid_to {
            if to < valid_from {
                return Err(GrantError::EndsBeforeStart {
                    from: valid_from,
                    to,
                });
            }
            if period == GrantPeriod::Decision {
                let days = (to - valid_from).num_days() + 1;
                if i64::from(minutes) > days * 25 * 60 {
                    return Err(GrantError::TooManyHours {
                        hours: hours_sv(u64::from(minutes)),
                        per: period.per_sv(),
                    });
                }
            }
        } else if period == GrantPeriod::Decision {
            return Err(GrantError::DecisionPeriodNeedsEnd);
        }
        Ok(Self {
            minutes,
            period,
            valid_from,
            valid_to,
        })
    }

    /// Whether the decision applies on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.valid_from && self.valid_to.is_none_or(|to| date <= to)
    }

    /// Whether two decisions apply on a common day.
    pub fn overlaps(&self, other: &Grant) -> bool {
        let starts_before_other_ends = other.valid_to.is_none_or(|to| self.valid_from <= to);
        let other_starts_before_this_ends = self.valid_to.is_none_or(|to| other.valid_from <= to);
        starts_before_other_ends && other_starts_before_this_ends
    }

    /// The decision in Swedish words: `40 timmar per vecka från 2026-01-01 till 2026-06-30`.
    pub fn describe_sv(&self) -> String {
        let mut text = format!(
            "{} {} från {}",
            hours_sv(u64::from(self.minutes)),
            self.period.per_sv(),
            self.valid_from
        );
        match self.valid_to {
            Some(to) => text.push_str(&format!(" till {to}")),
            None => text.push_str(" tills vidare"),
        }
        text
    }
}

/// How close a month's use is to the granted hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageLevel {
    /// Below [`NEAR_PERCENT`] of the granted minutes.
    Within,
    /// At least [`NEAR_PERCENT`] used, none over.
    Near,
    /// More used than granted.
    Exceeded,
}

/// Granted against used for one decision over the days that count for one report month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantUsage {
    /// The decision.
    pub grant: Grant,
    /// The first day counted.
    pub from: NaiveDate,
    /// The last day counted.
    pub to: NaiveDate,
    /// Granted minutes for those days.
    pub granted_minutes: u64,
    /// Real minutes worked in those days (every kind of time).
    pub used_minutes: u64,
    /// How close `used` is to `granted`.
    pub level: UsageLevel,
}

impl GrantUsage {
    /// Minutes left (0 once exceeded).
    pub fn remaining_minutes(&self) -> u64 {
        self.granted_minutes.saturating_sub(self.used_minutes)
    }

    /// Minutes used beyond the grant (0 within it).
    pub fn over_minutes(&self) -> u64 {
        self.used_minutes.saturating_sub(self.granted_minutes)
    }

    /// Used as a whole percentage of granted (rounded down).
    pub fn percent_used(&self) -> u64 {
        if self.granted_minutes == 0 {
            return 0;
        }
        self.used_minutes * 100 / self.granted_minutes
    }

    /// The warning for a coordinator, in Swedish, when the use is near or over the grant;
    /// `None` within it. `person` is the person's name, `month` the report month.
    pub fn warning_sv(&self, person: &str, month: ReportMonth) -> Option<String> {
        let period = match self.grant.period {
            GrantPeriod::Decision => format!("beslutsperioden {} till {}", self.from, self.to),
            _ => month_sv(month),
        };
        match self.level {
            UsageLevel::Within => None,
            UsageLevel::Near => Some(format!(
                "{person} har använt {} % av de beviljade timmarna för {period}: {} av {}. \
                 {} återstår (beslut: {}).",
                self.percent_used(),
                hours_sv(self.used_minutes),
                hours_sv(self.granted_minutes),
                hours_sv(self.remaining_minutes()),
                self.grant.describe_sv()
            )),
            UsageLevel::Exceeded => Some(format!(
                "{person} har fått {} assistans för {period}, men FK har beviljat {}: {} mer \
                 än beslutet ({}). FK ersätter inte timmarna över beslutet; kontrollera passen \
                 eller ansök om fler timmar hos FK.",
                hours_sv(self.used_minutes),
                hours_sv(self.granted_minutes),
                hours_sv(self.over_minutes()),
                self.grant.describe_sv()
            )),
        }
    }
}

/// A month in Swedish words: `oktober 2026`.
pub fn month_sv(month: ReportMonth) -> String {
    const NAMES: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let name = NAMES
        .get(month.month().saturating_sub(1) as usize)
        .copied()
        .unwrap_or("?");
    format!("{name} {}", month.year())
}

/// Minutes as Swedish hours: `160 timmar`, `1 timme`, `7 timmar och 30 minuter`, `45 minuter`.
pub fn hours_sv(minutes: u64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let hours = if h == 1 {
        "1 timme".to_owned()
    } else {
        format!("{h} timmar")
    };
    match (h, m) {
        (0, m) => format!("{m} minuter"),
        (_, 0) => hours,
        (_, m) => format!("{hours} och {m} minuter"),
    }
}

/// The instant (UTC minutes) of local midnight at the start of `date`. Midnight always exists
/// once in Sweden (the clock changes at 02.00/03.00).
fn midnight_utc_minutes(date: NaiveDate) -> i64 {
    match ShiftTime::resolve(date.and_time(NaiveTime::MIN), None) {
        Ok(t) => t.utc_minutes(),
        // Unreachable for Europe/Stockholm; fall back to winter time rather than panic.
        Err(_) => {
            const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;
            (i64::from(chrono::Datelike::num_days_from_ce(&date)) - UNIX_EPOCH_DAYS_FROM_CE) * 1440
                - 60
        }
    }
}

/// Real minutes of `shifts` that lie between local midnight starting `from` and local midnight
/// after `to`; a shift crossing either edge counts only its part inside.
pub fn real_minutes_between(shifts: &[Shift], from: NaiveDate, to: NaiveDate) -> u64 {
    let start = midnight_utc_minutes(from);
    let end = midnight_utc_minutes(to + Duration::days(1));
    shifts
        .iter()
        .map(|s| {
            let a = s.start.utc_minutes().max(start);
            let b = s.end.utc_minutes().min(end);
            u64::try_from(b - a).unwrap_or(0)
        })
        .sum()
}

fn level(granted: u64, used: u64) -> UsageLevel {
    if used > granted {
        UsageLevel::Exceeded
    } else if used * 100 >= granted * NEAR_PERCENT {
        UsageLevel::Near
    } else {
        UsageLevel::Within
    }
}

/// Granted against used for `grant` in `month`, from the person's `shifts` (any months: only the
/// days that count are summed). `None` when the decision does not apply in the month.
pub fn month_usage(grant: &Grant, month: ReportMonth, shifts: &[Shift]) -> Option<GrantUsage> {
    let first = month.first_day().max(grant.valid_from);
    let last = match grant.valid_to {
        Some(to) => month.last_day().min(to),
        None => month.last_day(),
    };
    if last < first {
        return None;
    }
    let days = u64::try_from((last - first).num_days() + 1).unwrap_or(0);
    let minutes = u64::from(grant.minutes);
    let (from, to, granted) = match grant.period {
        GrantPeriod::Week => (first, last, (minutes * days * 2 + 7) / 14),
        GrantPeriod::Month => {
            let month_days = u64::from(month.days());
            (
                first,
                last,
                (minutes * days * 2 + month_days) / (2 * month_days),
            )
        }
        GrantPeriod::Decision => (grant.valid_from, last, minutes),
    };
    let used = real_minutes_between(shifts, from, to);
    Some(GrantUsage {
        grant: grant.clone(),
        from,
        to,
        granted_minutes: granted,
        used_minutes: used,
        level: level(granted, used),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_as_swedish_words() {
        assert_eq!(hours_sv(0), "0 minuter");
        assert_eq!(hours_sv(60), "1 timme");
        assert_eq!(hours_sv(9600), "160 timmar");
        assert_eq!(hours_sv(450), "7 timmar och 30 minuter");
    }
}
