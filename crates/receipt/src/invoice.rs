//! The invoice figures (räkning, FK 3057 / E-RÄK) for one person and month, built from the month
//! review so they equal its totals by construction.

use assistid_core::grant::{GrantUsage, UsageLevel};
use assistid_core::model::{ReportMonth, TimeKind};
use assistid_core::review::{KindTotal, MonthReview, Totals};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ReceiptError;
use crate::format::{capitalized, hours, local_time};
use crate::layout::{Cell, Fonts, Pages, Weight, gap, highlighted, rule};
use crate::model::{AssistantRef, PersonRef, ProviderInfo};

/// Why a report is counted as missing for the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissingReason {
    /// The assistant has not signed.
    NotSignedByAssistant,
    /// The provider has not signed.
    NotSignedByProvider,
    /// Signed but not sent.
    NotSent,
    /// FK refused it.
    RejectedByFk,
    /// It is not known whether FK received it.
    Uncertain,
}

impl MissingReason {
    /// Swedish words for the documents.
    pub fn sv(self) -> &'static str {
        match self {
            MissingReason::NotSignedByAssistant => "assistenten har inte signerat",
            MissingReason::NotSignedByProvider => "anordnaren har inte signerat",
            MissingReason::NotSent => "inte skickad",
            MissingReason::RejectedByFk => "avvisad av FK",
            MissingReason::Uncertain => "oklart om FK tog emot den",
        }
    }
}

/// A report of the month that FK has not (yet) accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingReport {
    /// The assistant whose report is missing.
    pub assistant: AssistantRef,
    /// Why.
    pub reason: MissingReason,
}

/// Hours of one assistant for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssistantHours {
    /// The assistant.
    pub assistant: AssistantRef,
    /// The report id, once assigned.
    pub report_id: Option<String>,
    /// Clock and real minutes per kind.
    pub totals: Totals,
}

/// One warning from the review, for the person's reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WarningLine {
    /// Stable code (see `assistid_core::validation::codes`).
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The review's Swedish message.
    pub message: String,
}

/// The figures a person (or their representative) needs for the month's invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvoiceFigures {
    /// The month.
    pub month: ReportMonth,
    /// The person.
    pub person: PersonRef,
    /// Sums over all the person's reports in the review (real minutes are what the invoice
    /// uses).
    pub totals: Totals,
    /// Per assistant, in the review's order.
    pub per_assistant: Vec<AssistantHours>,
    /// The review's errors and warnings on the person's reports, without duplicates.
    pub warnings: Vec<WarningLine>,
    /// Reports FK has not accepted yet: the month is not paid until they are.
    pub missing: Vec<MissingReport>,
    /// The person's granted hours from FK against the hours used, one entry per decision that
    /// applies in the month (empty when no decision is recorded).
    pub granted: Vec<GrantUsage>,
}

/// One decision's granted against used hours in plain Swedish, with hours as the invoice writes
/// them: `beviljat 160,00 h, använt 152,00 h (95 %), kvar 8,00 h (2026-10-01–2026-10-31;
/// beslut: 40 timmar per vecka från 2026-01-01 tills vidare)`.
pub fn granted_line(u: &GrantUsage) -> String {
    let state = match u.level {
        UsageLevel::Exceeded => format!("{} h över beslutet", hours(u.over_minutes())),
        _ => format!("kvar {} h", hours(u.remaining_minutes())),
    };
    format!(
        "beviljat {} h, använt {} h ({} %), {state} ({}–{}; beslut: {})",
        hours(u.granted_minutes),
        hours(u.used_minutes),
        u.percent_used(),
        u.from,
        u.to,
        u.grant.describe_sv()
    )
}

fn add(a: KindTotal, b: KindTotal) -> KindTotal {
    KindTotal {
        clock_minutes: a.clock_minutes + b.clock_minutes,
        real_minutes: a.real_minutes + b.real_minutes,
    }
}

impl InvoiceFigures {
    /// The figures of `person` in `review`; `missing` says which assistants' reports FK has not
    /// accepted (the app knows that from the send history).
    pub fn from_review(
        review: &MonthReview,
        person: &PersonRef,
        missing: &[MissingReport],
    ) -> Self {
        let mut totals = Totals::default();
        let mut per_assistant = Vec::new();
        let mut warnings: Vec<WarningLine> = Vec::new();
        for report in review
            .reports()
            .iter()
            .filter(|r| r.person() == &person.personnummer)
        {
            let t = report.totals();
            totals = Totals {
                aktiv: add(totals.aktiv, t.aktiv),
                vante: add(totals.vante, t.vante),
                beredskap: add(totals.beredskap, t.beredskap),
            };
            per_assistant.push(AssistantHours {
                assistant: AssistantRef {
                    identity_number: report.assistant().clone(),
                    name: report.assistant_name().to_owned(),
                },
                report_id: report.id().map(str::to_owned),
                totals: *t,
            });
            for issue in report.errors().iter().chain(report.warnings()) {
                let line = WarningLine {
                    code: issue.code.to_owned(),
                    severity: match issue.severity {
                        assistid_core::validation::Severity::Error => "error".to_owned(),
                        _ => "warning".to_owned(),
                    },
                    message: issue.message.clone(),
                };
                if !warnings.contains(&line) {
                    warnings.push(line);
                }
            }
        }
        Self {
            month: review.month(),
            person: person.clone(),
            totals,
            per_assistant,
            warnings,
            missing: missing.to_vec(),
            granted: Vec::new(),
        }
    }

    /// The same figures with the person's granted hours against used (the app reads them from
    /// the register's decisions and the stored shifts).
    pub fn with_granted(mut self, granted: Vec<GrantUsage>) -> Self {
        self.granted = granted;
        self
    }

    /// The figures as CSV for Swedish Excel: UTF-8 with BOM, `;` between fields, decimal comma,
    /// CRLF line ends; columns as documented in `docs/receipts.md`.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = String::from("\u{feff}");
        let header = [
            "Månad",
            "Person",
            "Rad",
            "Assistent",
            "Rapport-id",
            "Aktiv tid (h)",
            "Väntetid (h)",
            "Beredskap (h)",
            "Aktiv tid klocktid (h)",
            "Väntetid klocktid (h)",
            "Beredskap klocktid (h)",
            "Kommentar",
        ];
        push_record(&mut out, header.iter().map(|s| s.to_string()));
        let month = self.month.to_string();
        let person = self.person.name.clone();
        let figures = |t: &Totals| -> Vec<String> {
            let real = TimeKind::ALL.map(|k| hours(t.of(k).real_minutes));
            let clock = TimeKind::ALL.map(|k| hours(t.of(k).clock_minutes));
            real.into_iter().chain(clock).collect()
        };
        let mut record = |kind: &str, assistant: &str, id: &str, nums: Vec<String>, note: &str| {
            let mut fields = vec![
                month.clone(),
                person.clone(),
                kind.to_owned(),
                assistant.to_owned(),
                id.to_owned(),
            ];
            fields.extend(nums);
            while fields.len() < 11 {
                fields.push(String::new());
            }
            fields.push(note.to_owned());
            push_record(&mut out, fields.into_iter());
        };
        record("Summa", "", "", figures(&self.totals), "");
        for a in &self.per_assistant {
            record(
                "Assistent",
                &a.assistant.name,
                a.report_id.as_deref().unwrap_or(""),
                figures(&a.totals),
                "",
            );
        }
        for m in &self.missing {
            record("Saknas", &m.assistant.name, "", Vec::new(), m.reason.sv());
        }
        for w in &self.warnings {
            record("Varning", "", "", Vec::new(), &w.message);
        }
        for g in &self.granted {
            record("Beviljat", "", "", Vec::new(), &granted_line(g));
        }
        out.into_bytes()
    }

    /// The figures as an A4 PDF, missing reports first.
    pub fn to_pdf(
        &self,
        provider: &ProviderInfo,
        generated_at: DateTime<Utc>,
    ) -> Result<Vec<u8>, ReceiptError> {
        let fonts = Fonts::load()?;
        let mut pages = Pages::new();
        let title = format!("Underlag för räkning (FK 3057 / E-RÄK) – {}", self.month);
        pages.flow(fonts.paragraph(0.0, &title, 14.0, Weight::Bold));
        pages.place(gap(2.0));
        let kv = |l: &str, v: String| fonts.key_values(l, &[v], 9.0, 125.0);
        pages.place(kv(
            "Person med assistans",
            format!(
                "{}, {}",
                self.person.name,
                self.person.personnummer.as_identity()
            ),
        ));
        pages.place(kv(
            "Anordnare",
            format!("{}, org.nr {}", provider.name, provider.org_number),
        ));
        pages.place(kv("Skapat", local_time(generated_at)));
        pages.place(kv(
            "Sista dag för räkningen",
            self.month.deadline().to_string(),
        ));
        pages.place(gap(6.0));
        if self.missing.is_empty() {
            pages.place(highlighted(
                &fonts,
                "Saknas: inga. Alla månadens tidredovisningar är mottagna av FK.",
                10.0,
                (214, 240, 214),
            ));
        } else {
            let list: Vec<String> = self
                .missing
                .iter()
                .map(|m| format!("{} ({})", m.assistant.name, m.reason.sv()))
                .collect();
            pages.place(highlighted(
                &fonts,
                &format!(
                    "Saknas: {}. FK betalar inte månaden förrän alla tidredovisningar är mottagna.",
                    list.join("; ")
                ),
                10.0,
                (255, 214, 204),
            ));
        }
        pages.place(gap(6.0));

        pages.flow(fonts.paragraph(
            0.0,
            "Tid för räkningen (verkliga timmar)",
            11.0,
            Weight::Bold,
        ));
        let columns = [0.0, 150.0, 260.0];
        let widths = [145.0, 100.0, 100.0];
        let mut lines: Vec<([String; 3], Weight)> = vec![(
            [
                "Slag".to_owned(),
                "Verkliga timmar".to_owned(),
                "Klocktimmar".to_owned(),
            ],
            Weight::Bold,
        )];
        for kind in TimeKind::ALL {
            let t = self.totals.of(kind);
            lines.push((
                [
                    capitalized(kind.label_sv()),
                    format!("{} h", hours(t.real_minutes)),
                    format!("{} h", hours(t.clock_minutes)),
                ],
                Weight::Regular,
            ));
        }
        for (texts, weight) in &lines {
            let cells: Vec<Cell<'_>> = (0..3)
                .map(|i| Cell {
                    x: columns[i],
                    width: widths[i],
                    text: &texts[i],
                    weight: *weight,
                    right: i > 0,
                })
                .collect();
            pages.place(fonts.row(&cells, 9.5));
        }
        pages.flow(fonts.paragraph(
            0.0,
            "Verkliga timmar är rättade för sommartid och vintertid; det är de som ska stå på \
             räkningen. Klocktimmar är tiderna som de står i tidredovisningarna.",
            8.0,
            Weight::Regular,
        ));
        pages.place(gap(8.0));

        if !self.granted.is_empty() {
            pages.flow(fonts.paragraph(
                0.0,
                "Beviljade timmar mot använda (verkliga timmar)",
                11.0,
                Weight::Bold,
            ));
            for g in &self.granted {
                let line = capitalized(&granted_line(g));
                let text = if g.level == UsageLevel::Exceeded {
                    format!("{line}. FK ersätter inte timmar över beslutet.")
                } else {
                    line
                };
                pages.keep_together(fonts.paragraph(8.0, &text, 9.0, Weight::Regular));
            }
            pages.place(gap(8.0));
        }

        pages.flow(fonts.paragraph(
            0.0,
            "Timmar per assistent (verkliga timmar)",
            11.0,
            Weight::Bold,
        ));
        let columns = [0.0, 200.0, 295.0, 390.0];
        let widths = [195.0, 90.0, 90.0, 90.0];
        let header = [
            "Assistent".to_owned(),
            "Aktiv tid".to_owned(),
            "Väntetid".to_owned(),
            "Beredskap".to_owned(),
        ];
        let mut table: Vec<([String; 4], Weight)> = vec![(header, Weight::Bold)];
        for a in &self.per_assistant {
            table.push((
                [
                    a.assistant.name.clone(),
                    format!("{} h", hours(a.totals.aktiv.real_minutes)),
                    format!("{} h", hours(a.totals.vante.real_minutes)),
                    format!("{} h", hours(a.totals.beredskap.real_minutes)),
                ],
                Weight::Regular,
            ));
        }
        for (texts, weight) in &table {
            let cells: Vec<Cell<'_>> = (0..4)
                .map(|i| Cell {
                    x: columns[i],
                    width: widths[i],
                    text: &texts[i],
                    weight: *weight,
                    right: i > 0,
                })
                .collect();
            pages.place(fonts.row(&cells, 9.0));
        }
        pages.place(rule(0.5));
        pages.place(gap(6.0));

        pages.flow(fonts.paragraph(0.0, "Varningar", 11.0, Weight::Bold));
        if self.warnings.is_empty() {
            pages.flow(fonts.paragraph(0.0, "Inga varningar.", 9.0, Weight::Regular));
        }
        for w in &self.warnings {
            pages.keep_together(fonts.paragraph(
                8.0,
                &format!("• {}", w.message),
                9.0,
                Weight::Regular,
            ));
        }
        pages.render(
            &fonts,
            &title,
            &format!("Räkningsunderlag {} – {}", self.month, self.person.name),
        )
    }
}

/// The first characters that make Excel (and LibreOffice) read a cell as a formula or as data to
/// interpret: `=`, `+`, `-`, `@`, tab and carriage return (OWASP, "CSV injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell Excel would read as a formula gets a single quote in front, so it shows as the text
/// it is (the OWASP recommendation). Names and messages come from the register, an import file
/// or the review, and the app opens this file in Excel.
fn neutralised(field: String) -> String {
    if field.starts_with(FORMULA_STARTS) {
        format!("'{field}")
    } else {
        field
    }
}

/// Appends one CSV record: a cell that starts like a formula is neutralised ([`neutralised`]);
/// fields with `;`, `"` or a line break are quoted, quotes doubled.
fn push_record(out: &mut String, fields: impl Iterator<Item = String>) {
    let mut first = true;
    for field in fields {
        if !first {
            out.push(';');
        }
        first = false;
        let field = neutralised(field);
        if field.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}
