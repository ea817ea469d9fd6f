//! A way out of every state (issue 21) on the command line: `assistid verify FILE.xml`,
//! `assistid submissions show ID` (the request time to quote to FK, the audit trail, FK's
//! answer explained) and `assistid submissions diagnostics ID --out FILE.json` (the bundle for
//! the vendor's support, without personal data). The same app functions as the desktop's
//! "Kontrollera en fil" screen and its submission card.

use std::io::Read as _;
use std::path::Path;

use anyhow::Context as _;
use assistid_app::answers::AnswerAdvice;
use assistid_app::submit::SubmissionId;
use assistid_app::support_contact::SupportContact;
use assistid_app::verify::{FileVerdict, MAX_REPORT_FILE_BYTES};
use assistid_app::{App, AppError};
use chrono::{DateTime, Utc};

use crate::exit;
use crate::words::{self, say};

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("JSON")?);
    Ok(())
}

/// `assistid verify FILE.xml`: exit 0 when the file is exactly a report FK (or its test
/// service, or the demo) accepted from this folder, 3 otherwise (the text says what it is).
pub fn verify(app: &App, file: &Path, json: bool) -> anyhow::Result<u8> {
    // Only a regular file (a link to one is fine): a named pipe would wait for a writer that
    // may never come.
    if let Ok(meta) = std::fs::metadata(file)
        && !meta.is_file()
    {
        return Err(AppError::Invalid {
            field: "fil".into(),
            message: format!(
                "{} är ingen vanlig fil (utan t.ex. en mapp, en enhet eller en namngiven pipe): \
                 ange själva XML-filen",
                file.display()
            ),
        }
        .into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| {
            f.take(u64::try_from(MAX_REPORT_FILE_BYTES).unwrap_or(u64::MAX) + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(|e| AppError::Invalid {
            field: "fil".into(),
            message: format!("{} kunde inte läsas: {e}", file.display()),
        })?;
    let check = app.check_report_file(&bytes)?;
    if json {
        print_json(&check)?;
    } else {
        println!("{}", check.headline);
        println!();
        println!("{}", check.meaning);
        println!();
        println!("SHA-256 (filens byte):    {}", check.file_sha256);
        if let Some(c) = &check.canonical_sha256 {
            println!("SHA-256 (kanonisk XML):   {c}");
        }
        if let (Some(id), Some(month)) = (&check.report_id, &check.month) {
            match check.version {
                Some(v) => println!("Tidredovisning:           {id}, version {v}, {month}"),
                None => println!("Tidredovisning:           {id}, {month}"),
            }
        }
        if let (Some(person), Some(assistant)) = (&check.person, &check.assistant) {
            println!("Person med assistans:     {person}");
            println!("Assistent:                {assistant}");
        }
        for s in &check.signers {
            println!(
                "Underskriven av:          {} ({}), {} [{}]",
                s.name,
                s.role_label,
                local(s.signed_at),
                s.environment
            );
        }
        for s in &check.sendings {
            println!(
                "Inskickning {}:           {} – {}{}{}",
                s.submission_id,
                s.environment_label,
                s.state_label,
                s.sent_at
                    .map(|t| format!(", skickad {}", local(t)))
                    .unwrap_or_default(),
                s.tx_id
                    .as_deref()
                    .map(|t| format!(", tx-id {t}"))
                    .unwrap_or_default()
            );
        }
        println!();
        println!("Tider i svensk tid.");
    }
    Ok(if check.verdict == FileVerdict::Sent {
        0
    } else {
        exit::DATA_PROBLEMS
    })
}

/// Prints an explanation: what happened, who fixes it, what to do, FK's own text.
pub fn print_advice(advice: &AnswerAdvice, indent: &str) {
    let lang = crate::lang();
    let e = &advice.explanation;
    println!("{indent}{}.", e.headline);
    println!("{indent}{}", e.meaning);
    if let Some(plain) = &advice.fk_text_plain {
        let line = say(lang, &words::ADVICE_PLAIN, &[("plain", plain.to_string())]);
        println!("{indent}{line}");
    }
    if let Some(fix) = &advice.fix_at {
        let value = fix
            .value
            .as_deref()
            .map(|v| say(lang, &words::ADVICE_NOW, &[("value", v.to_owned())]))
            .unwrap_or_default();
        let line = say(
            lang,
            &words::ADVICE_FIX,
            &[("field", fix.field.to_string()), ("value", value)],
        );
        println!("{indent}{line}");
    }
    let fixer = say(
        lang,
        &words::ADVICE_FIXER,
        &[("fixer", e.fixer.label(lang).to_string())],
    );
    println!("{indent}{fixer}");
    let todo = say(
        lang,
        &words::ADVICE_TODO,
        &[("todo", e.what_to_do.to_string())],
    );
    println!("{indent}{todo}");
    if let Some(text) = &advice.fk_text {
        let line = say(lang, &words::ADVICE_FK_TEXT, &[("text", text.to_string())]);
        println!("{indent}{line}");
    }
    if let Some(fk) = advice.fk_support {
        let line = say(lang, &words::ADVICE_ASK, &[("fk", fk.to_string())]);
        println!("{indent}{line}");
    }
    if let Some(vendor) = &advice.vendor_support {
        println!("{indent}{vendor}");
    }
}

/// `assistid submissions show ID`.
pub fn show(app: &App, id: i64, json: bool) -> anyhow::Result<u8> {
    let detail = app.submission_detail_in(SubmissionId::new(id), crate::lang())?;
    if json {
        print_json(&detail)?;
        return Ok(0);
    }
    let s = &detail.submission;
    println!(
        "Inskickning {} – assistent {}, person med assistans {}, {} (version {}): {}.",
        s.id, s.assistant, s.person, s.month, s.report_version, s.state_label
    );
    if let Some(tx) = &s.tx_id {
        println!("Tx-id: {tx}");
    }
    if let Some(at) = detail.request_at {
        println!(
            "Skickades till Försäkringskassan {} (svensk tid) — ange den tiden om du frågar FK.",
            local(at)
        );
    }
    println!("SHA-256 (skickade byte): {}", detail.document_sha256);
    if let Some(advice) = &detail.advice {
        println!();
        print_advice(advice, "");
    }
    if detail.can_resolve {
        println!();
        println!(
            "Välj: assistid submissions resolve {id} --accepted TXID (FK fick den), --resend \
             (skicka igen) eller --abandon (skicka inte)."
        );
    }
    if !detail.trail.is_empty() {
        println!();
        println!("Händelser:");
        for t in &detail.trail {
            println!("  {}  {}", local(t.at), t.text);
        }
    }
    Ok(0)
}

/// `assistid submissions diagnostics ID --out FILE.json`.
pub fn diagnostics(app: &App, id: i64, out: &Path, json: bool) -> anyhow::Result<u8> {
    let bundle = app.write_diagnostics(SubmissionId::new(id), out, Utc::now())?;
    if json {
        print_json(&bundle)?;
    } else {
        println!(
            "Felrapporten för inskickning {id} är sparad i {}. Den innehåller id, \
             fingeravtryck, felkoder och versioner — inga personnummer, namn eller tider.",
            out.display()
        );
        println!("{}", app.vendor_support(crate::lang())?);
    }
    Ok(0)
}

/// `assistid settings support [--name …] [--phone …] [--email …] [--web …] [--clear]`: shows the
/// vendor's support contact, after setting the fields given.
pub fn support_contact(
    app: &App,
    args: crate::args::SupportArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    let given =
        args.name.is_some() || args.phone.is_some() || args.email.is_some() || args.web.is_some();
    let contact = if args.clear {
        app.set_support_contact(&SupportContact::default(), now)?
    } else if given {
        let mut contact = app.support_contact()?;
        for (field, value) in [
            (&mut contact.name, args.name),
            (&mut contact.phone, args.phone),
            (&mut contact.email, args.email),
            (&mut contact.web, args.web),
        ] {
            if let Some(value) = value {
                *field = Some(value);
            }
        }
        app.set_support_contact(&contact, now)?
    } else {
        app.support_contact()?
    };
    if json {
        print_json(&contact)?;
    } else {
        println!("{}", contact.describe(crate::lang()));
    }
    Ok(0)
}
