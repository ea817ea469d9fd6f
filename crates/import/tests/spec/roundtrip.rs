//! Property: any valid shift, written to CSV the way a scheduling system might (any delimiter,
//! any accepted time spelling, the occurrence only where the autumn hour needs it), reads back as
//! the same `Shift`.

use assistid_core::ids::{IdentityNumber, Personnummer};
use assistid_core::model::TimeKind;
use assistid_core::shift::Shift;
use assistid_core::time::{Occurrence, ShiftTime};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;

use crate::support::*;

fn local(date: NaiveDate, minutes: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("minutes < 1440"))
}

/// Writes a time in one of the accepted spellings, with the occurrence when it is ambiguous.
fn write_time(t: &ShiftTime, midnight_as_24: bool, spelling: u8, occurrence_form: u8) -> String {
    let l = t.local();
    let (h, m) = (l.format("%H").to_string(), l.format("%M").to_string());
    let h = if midnight_as_24 { "24".to_owned() } else { h };
    let mut s = match spelling % 3 {
        0 => format!("{h}:{m}"),
        1 => format!("{h}.{m}"),
        _ => format!("{h}{m}"),
    };
    if let Some(o) = t.occurrence() {
        s.push_str(match (occurrence_form % 3, o) {
            (0, Occurrence::First) => "+02:00",
            (0, Occurrence::Second) => "+01:00",
            (1, Occurrence::First) => " (1)",
            (1, Occurrence::Second) => " (2)",
            (_, Occurrence::First) => " S",
            (_, Occurrence::Second) => " V",
        });
    }
    s
}

fn quote(field: &str) -> String {
    format!("\"{}\"", field.replace('"', "\"\""))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_written_shift_reads_back_the_same(
        assistant in prop::sample::select(vec![ASSISTANT, ASSISTANT_2]),
        person in prop::sample::select(vec![PERSON, PERSON_2]),
        // Days of 2026, weighted towards the two DST nights.
        day in prop_oneof![0u32..365, Just(86), Just(87), Just(296), Just(297)],
        start_minute in prop_oneof![0u32..1440, 120u32..180],
        clock_length in 1u32..1440,
        start_second_occurrence: bool,
        end_second_occurrence: bool,
        kind in prop::sample::select(TimeKind::ALL.to_vec()),
        note in prop::option::of("[a-zA-Z åäöÅÄÖ;,\"]{0,12}[a-zåäö]"),
        delimiter in prop::sample::select(vec![';', ',', '\t']),
        spelling: u8,
        occurrence_form: u8,
        midnight_as_24: bool,
    ) {
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("real") + Duration::days(i64::from(day));
        let end_clock = (start_minute + clock_length) % 1440;
        let end_date = if end_clock < start_minute { date + Duration::days(1) } else { date };
        let occ = |second: bool| Some(if second { Occurrence::Second } else { Occurrence::First });
        let start = ShiftTime::resolve(local(date, start_minute), occ(start_second_occurrence));
        let end = ShiftTime::resolve(local(end_date, end_clock), occ(end_second_occurrence));
        // Times in the skipped spring hour are not valid shifts; neither is an end before the start.
        let (Ok(start), Ok(end)) = (start, end) else { return Ok(()) };
        prop_assume!(end.utc_minutes() > start.utc_minutes());
        let expected = Shift {
            assistant: IdentityNumber::from_digits(assistant).expect("valid"),
            person: Personnummer::from_digits(person).expect("valid"),
            start,
            end,
            kind,
            note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        };
        let end_text = write_time(&end, midnight_as_24 && end_clock == 0, spelling, occurrence_form);
        let fields = [
            assistant.to_owned(),
            person.to_owned(),
            date.format("%Y-%m-%d").to_string(),
            write_time(&start, false, spelling / 3, occurrence_form / 3),
            end_text,
            kind.label_sv().to_owned(),
            expected.note.as_deref().map(quote).unwrap_or_default(),
        ];
        let d = delimiter.to_string();
        let text = format!("{}\r\n{}\r\n", HEADER.replace(';', &d), fields.join(&d));
        let (preview, shifts) = import_csv(&text);
        prop_assert_eq!(shifts.len(), 1, "{:#?}\n{}", preview.problems, text);
        prop_assert_eq!(&shifts[0].shift, &expected, "{}", text);
    }
}
