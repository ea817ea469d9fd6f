//! After sending: `receipt`, `history`, `invoice` and `reminders` — thin calls into the app.

use std::path::{Path, PathBuf};

use assistid_app::core_types::model::{ReportMonth, TimeKind};
use assistid_app::history::{History, HistoryFilter};
use assistid_app::invoice::{InvoiceFigures, InvoiceFormat, MonthReminders};
use assistid_app::receipts::{Outcome, ReceiptRequest, SubmissionReceipt, WrittenFile, hours};
use assistid_app::{App, AppError};
use chrono::{DateTime, Utc};

use crate::args::{HistoryArgs, InvoiceArgs, ReceiptArgs, RemindersArgs};
use crate::words::{self, say};

fn parse_month(text: &str) -> anyhow::Result<ReportMonth> {
    text.parse::<ReportMonth>().map_err(|e| {
        AppError::Invalid {
            field: "--month".into(),
            message: e.to_string(),
        }
        .into()
    })
}

fn invalid(field: &str, message: impl Into<String>) -> anyhow::Error {
    AppError::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
    .into()
}

/// `12-20,25` → [12, …, 20, 25].
fn parse_ids(text: &str) -> anyhow::Result<Vec<i64>> {
    let bad = || {
        invalid(
            "--submissions",
            format!("{text:?} är ingen lista av inskickningar (t.ex. 12-20 eller 12,13,14)"),
        )
    };
    let mut ids = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once(['-', '–']) {
            Some((a, b)) => {
                let a: i64 = a.trim().parse().map_err(|_| bad())?;
                let b: i64 = b.trim().parse().map_err(|_| bad())?;
                if b < a || b - a > 100_000 {
                    return Err(bad());
                }
                ids.extend(a..=b);
            }
            None => ids.push(part.parse().map_err(|_| bad())?),
        }
    }
    if ids.is_empty() {
        return Err(bad());
    }
    Ok(ids)
}

fn is_json_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn count(receipt: &SubmissionReceipt, f: fn(&Outcome) -> bool) -> usize {
    receipt.reports.iter().filter(|r| f(&r.outcome)).count()
}

pub fn receipt(
    app: &App,
    args: &ReceiptArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    let request = match (&args.submissions, &args.month) {
        (Some(ids), _) => ReceiptRequest::Submissions {
            ids: parse_ids(ids)?,
        },
        (None, Some(month)) => {
            let month = parse_month(month)?;
            match &args.person {
                Some(p) => ReceiptRequest::PersonMonth {
                    month,
                    personnummer: p.clone(),
                },
                None => ReceiptRequest::Month { month },
            }
        }
        (None, None) => return Err(invalid("--month", "ange månaden (YYYY-MM)")),
    };
    if args.out.is_none() && args.assistant_copies.is_none() && !json {
        return Err(invalid(
            "--out",
            "ange --out FIL.pdf (eller FIL.json), --assistant-copies MAPP eller --json",
        ));
    }
    // `--out X.json` writes the JSON receipt; `--out X.pdf` the PDF, and with `--json` the JSON
    // receipt beside it (`X.json`) as well as on stdout.
    let (pdf, json_file): (Option<PathBuf>, Option<PathBuf>) = match &args.out {
        Some(out) if is_json_file(out) => (None, Some(out.clone())),
        Some(out) => (Some(out.clone()), json.then(|| out.with_extension("json"))),
        None => (None, None),
    };
    let (receipt, mut written) =
        app.export_receipt(&request, pdf.as_deref(), json_file.as_deref(), now)?;
    if let Some(dir) = &args.assistant_copies {
        let month = receipt.month;
        let person = match &request {
            ReceiptRequest::PersonMonth { personnummer, .. } => Some(personnummer.as_str()),
            _ => None,
        };
        written.extend(app.export_assistant_copies(month, person, dir, now)?);
    }
    if json {
        println!("{}", assistid_app::receipts::receipt_json_text(&receipt)?);
        return Ok(0);
    }
    let accepted = count(&receipt, |o| matches!(o, Outcome::Accepted { .. }));
    println!(
        "Kvitto för {}: {} tidredovisningar, {} mottagna av FK, {} avvisade, {} oklara, {} inte skickade.",
        receipt.month,
        receipt.reports.len(),
        accepted,
        count(&receipt, |o| matches!(o, Outcome::Rejected { .. })),
        count(&receipt, |o| matches!(o, Outcome::Uncertain { .. })),
        count(&receipt, |o| matches!(o, Outcome::NotSent)),
    );
    print_written(&written);
    Ok(0)
}

fn print_written(written: &[WrittenFile]) {
    for file in written {
        let what = match file.kind {
            "receipt_pdf" => "kvitto (PDF)",
            "receipt_json" => "kvitto (JSON)",
            "assistant_copies_pdf" => "assistentkopior (PDF)",
            "invoice_pdf" => "räkningsunderlag (PDF)",
            "invoice_csv" => "räkningsunderlag (CSV)",
            other => other,
        };
        println!("  Skrev {what}: {}", file.path.display());
    }
}

pub fn history(
    app: &App,
    args: &HistoryArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    let filter = HistoryFilter {
        month: args.month.as_deref().map(parse_month).transpose()?,
        person: args.person.clone(),
        assistant: args.assistant.clone(),
        tx_id: args.tx_id.clone(),
        include_raw: args.raw,
    };
    // JSON keeps the Swedish reference text (docs/CLI.md); the listing follows --lang.
    let lang = if json {
        assistid_app::core_types::text::Lang::Sv
    } else {
        crate::lang()
    };
    let history = app.history_in(&filter, now, lang)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&history)?);
        return Ok(0);
    }
    print_history(&history);
    Ok(0)
}

fn local(at: DateTime<Utc>) -> String {
    assistid_app::receipts::local_time(at)
}

fn print_history(history: &History) {
    let lang = crate::lang();
    if history.reports.is_empty() {
        println!("{}", words::NO_HISTORY.wording(lang));
        return;
    }
    for r in &history.reports {
        println!(
            "{}{}",
            say(
                lang,
                &words::HISTORY_REPORT,
                &[
                    ("month", r.month.to_string()),
                    ("person", r.person.name.clone()),
                    ("assistant", r.assistant.name.clone()),
                    ("id", r.report_id.to_string()),
                    ("version", r.version.to_string()),
                ]
            ),
            match &r.superseded_by {
                Some(next) => say(
                    lang,
                    &words::HISTORY_SUPERSEDED,
                    &[("next", next.to_string())]
                ),
                None => String::new(),
            }
        );
        println!(
            "{}",
            say(
                lang,
                &words::HISTORY_CREATED,
                &[("at", local(r.created_at))]
            )
        );
        println!(
            "{}",
            say(
                lang,
                &words::HISTORY_HASH,
                &[("hash", r.canonical_sha256.clone())]
            )
        );
        if r.signatures.is_empty() {
            println!("{}", words::HISTORY_UNSIGNED.wording(lang));
        }
        for s in &r.signatures {
            let role = if s.role == "assistant" {
                &words::ROLE_ASSISTANT
            } else {
                &words::ROLE_PROVIDER
            };
            println!(
                "{}",
                say(
                    lang,
                    &words::HISTORY_SIGNED,
                    &[
                        ("role", role.wording(lang).to_owned()),
                        ("name", s.signer_name.clone()),
                        ("signer", s.signer.to_string()),
                        ("on", s.signed_on.to_string()),
                    ]
                )
            );
        }
        if r.submissions.is_empty() {
            println!("{}", words::HISTORY_UNSENT.wording(lang));
        }
        for s in &r.submissions {
            let answer = match (&s.tx_id, &s.fk_message) {
                (Some(tx), _) => say(lang, &words::HISTORY_TX, &[("tx", tx.clone())]),
                (None, Some(msg)) => say(
                    lang,
                    &words::HISTORY_FK_MESSAGE,
                    &[("message", msg.clone())],
                ),
                _ => String::new(),
            };
            println!(
                "{}{answer}",
                say(
                    lang,
                    &words::HISTORY_SUBMISSION,
                    &[
                        ("id", s.id.to_string()),
                        ("environment", s.environment.to_string()),
                        ("state", s.state_label.to_string()),
                    ]
                )
            );
            for a in &s.attempts {
                println!(
                    "{}{}{}",
                    say(
                        lang,
                        &words::HISTORY_ATTEMPT,
                        &[
                            ("attempt", a.attempt.to_string()),
                            ("at", local(a.started_at)),
                            ("outcome", a.outcome.to_string()),
                        ]
                    ),
                    a.http_status
                        .map(|h| format!(", HTTP {h}"))
                        .unwrap_or_default(),
                    a.error_code
                        .as_deref()
                        .map(|c| format!(", {c}"))
                        .unwrap_or_default()
                );
                if let Some(answer) = &a.answer {
                    println!("{}", words::HISTORY_RAW.wording(lang));
                    for line in answer.lines() {
                        println!("        {line}");
                    }
                }
            }
        }
    }
}

fn kind_hours(figures: &InvoiceFigures, kind: TimeKind) -> String {
    let t = figures.totals.of(kind);
    if t.clock_minutes == t.real_minutes {
        format!("{} h", hours(t.real_minutes))
    } else {
        format!(
            "{} h (klocktid {} h)",
            hours(t.real_minutes),
            hours(t.clock_minutes)
        )
    }
}

pub fn invoice(
    app: &App,
    args: &InvoiceArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    let month = parse_month(&args.month)?;
    let person = args.person.as_deref();
    let (figures, written) = match &args.out {
        None => (app.invoice_figures(month, person, now)?, Vec::new()),
        Some(out) => {
            let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase());
            match ext.as_deref() {
                Some("pdf") => {
                    let (f, w) = app.export_invoice(month, person, out, InvoiceFormat::Pdf, now)?;
                    (f, vec![w])
                }
                Some("csv") => {
                    let (f, w) = app.export_invoice(month, person, out, InvoiceFormat::Csv, now)?;
                    (f, vec![w])
                }
                _ => app.export_invoice_files(month, person, out, now)?,
            }
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
        return Ok(0);
    }
    println!(
        "Underlag för räkning (FK 3057 / E-RÄK) {month} — sista dag för räkningen {}",
        month.deadline()
    );
    for f in &figures {
        println!();
        println!("{}", f.person.name);
        if f.missing.is_empty() {
            println!("  Saknas: inga — alla tidredovisningar är mottagna av FK.");
        } else {
            println!(
                "  SAKNAS ({}): FK betalar inte månaden förrän alla är mottagna.",
                f.missing.len()
            );
            for m in &f.missing {
                println!("    • {}: {}", m.assistant.name, m.reason.sv());
            }
        }
        println!("  Aktiv tid: {}", kind_hours(f, TimeKind::Aktiv));
        println!("  Väntetid:  {}", kind_hours(f, TimeKind::Vante));
        println!("  Beredskap: {}", kind_hours(f, TimeKind::Beredskap));
        for a in &f.per_assistant {
            println!(
                "    {}: aktiv {} h, vänte {} h, beredskap {} h",
                a.assistant.name,
                hours(a.totals.aktiv.real_minutes),
                hours(a.totals.vante.real_minutes),
                hours(a.totals.beredskap.real_minutes)
            );
        }
        for g in &f.granted {
            println!(
                "  Beviljade timmar: {}",
                assistid_app::invoice::granted_line(g)
            );
        }
        for w in &f.warnings {
            println!("  Varning: {}", w.message);
        }
    }
    print_written(&written);
    Ok(0)
}

pub fn reminders(
    app: &App,
    args: &RemindersArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    let month = parse_month(&args.month)?;
    let r: MonthReminders = app.reminders(month, now)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(0);
    }
    let left = match r.days_left {
        d if d < 0 => format!("passerades för {} dagar sedan", -d),
        0 => "är i dag".to_owned(),
        1 => "är i morgon".to_owned(),
        d => format!("om {d} dagar"),
    };
    println!(
        "Sista dag för räkningen för {month}: {} ({left}).",
        r.deadline
    );
    println!(
        "{} av {} tidredovisningar är mottagna av FK.",
        r.accepted, r.reports
    );
    if !r.missing.is_empty() {
        println!();
        println!("Saknas:");
        for m in &r.missing {
            println!("  • {} – {}: {}", m.person, m.assistant, m.reason);
        }
    }
    if !r.assistants_to_remind.is_empty() {
        println!();
        println!("Påminn (har inte skrivit under):");
        for a in &r.assistants_to_remind {
            println!(
                "  {}: {} — {}",
                a.name,
                a.phone
                    .as_deref()
                    .unwrap_or("inget telefonnummer registrerat"),
                a.persons.join(", ")
            );
        }
    }
    Ok(0)
}
