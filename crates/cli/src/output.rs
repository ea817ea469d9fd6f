//! What each command prints: plain Swedish text for people, or JSON with `--json`.

use std::fmt::Write as _;

use anyhow::Context as _;
use assistid_app::App;
use assistid_app::core_types::model::{ReportMonth, TimeKind};
use assistid_app::core_types::review::{MonthReview, ReportReview};
use assistid_app::core_types::text::Lang;
use assistid_app::register::{AssistantInput, EmploymentChoice, PersonInput, ProviderInput};
use chrono::{DateTime, Utc};

use assistid_app::teams::GrantInput;

use crate::args::{
    AssistantCmd, DemoArgs, EmploymentArg, GrantCmd, GrantPeriodArg, PersonCmd, ProviderCmd,
    ReportCmd, ReviewArgs, TeamCmd,
};
use crate::exit;
use crate::words::{self, say};

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("JSON")?);
    Ok(())
}

fn parse_month(text: &str) -> anyhow::Result<ReportMonth> {
    text.parse::<ReportMonth>().map_err(|e| {
        assistid_app::AppError::Invalid {
            field: "--month".into(),
            message: e.to_string(),
        }
        .into()
    })
}

/// Hours and minutes, `7 h 30 min`, `0 h`.
fn hm(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

pub fn demo(
    app: &App,
    created: bool,
    args: &DemoArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    let month = parse_month(args.month.as_deref().unwrap_or("2026-10"))?;
    let review = app.month_review(month, now)?;
    if json {
        print_json(&review)?;
        return Ok(0);
    }
    if created {
        println!(
            "Demodata skapades i {} (mars och oktober 2026).",
            app.data_dir().display()
        );
    } else {
        println!(
            "Datamappen {} har redan data; ingen demodata lades till.",
            app.data_dir().display()
        );
    }
    println!();
    print!("{}", render_review(&review, false));
    println!();
    println!(
        "Alla rader: assistid --data-dir {} review --month {month}",
        app.data_dir().display()
    );
    println!(
        "Vårens omställning: assistid --data-dir {} demo --month 2026-03",
        app.data_dir().display()
    );
    Ok(0)
}

pub fn review(app: &App, args: &ReviewArgs, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    let month = parse_month(&args.month)?;
    let review = app.month_review(month, now)?;
    if json {
        print_json(&review)?;
    } else {
        print!("{}", render_review(&review, true));
    }
    Ok(if review.has_errors() {
        exit::DATA_PROBLEMS
    } else {
        0
    })
}

fn kind_label(kind: TimeKind) -> &'static str {
    words::kind_label(crate::lang(), kind)
}

/// The review as text. `all_rows = false` shows only rows with a DST note (the demo's summary).
pub fn render_review(review: &MonthReview, all_rows: bool) -> String {
    let mut out = String::new();
    let lang = crate::lang();
    let month = review.month();
    let _ = writeln!(
        out,
        "{}",
        say(
            lang,
            &words::REVIEW_HEADLINE,
            &[
                ("month", month.to_string()),
                ("reports", review.reports().len().to_string()),
                ("deadline", month.deadline().to_string()),
            ]
        )
    );
    let (error, warning) = (
        words::ERROR_LABEL.wording(lang),
        words::WARNING_LABEL.wording(lang),
    );
    for issue in review.errors() {
        let _ = writeln!(out, "  {error}: {}", issue.message_in(lang));
    }
    for issue in review.warnings() {
        let _ = writeln!(out, "  {warning}: {}", issue.message_in(lang));
    }
    for report in review.reports() {
        render_report(&mut out, report, all_rows);
    }
    let errors: usize = review.errors().len()
        + review
            .reports()
            .iter()
            .map(|r| r.errors().len())
            .sum::<usize>();
    let warnings: usize = review.warnings().len()
        + review
            .reports()
            .iter()
            .map(|r| r.warnings().len())
            .sum::<usize>();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        say(
            lang,
            &words::REVIEW_TOTAL,
            &[
                ("errors", errors.to_string()),
                ("warnings", warnings.to_string()),
            ]
        )
    );
    out
}

fn render_report(out: &mut String, report: &ReportReview, all_rows: bool) {
    let lang = crate::lang();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        say(
            lang,
            &words::REPORT_HEADLINE,
            &[
                ("person", report.person_name().to_owned()),
                ("person_id", report.person().masked()),
                ("assistant", report.assistant_name().to_owned()),
                ("assistant_id", report.assistant().masked()),
            ]
        )
    );
    let state = if report.is_sendable() {
        &words::REPORT_SENDABLE
    } else {
        &words::REPORT_HAS_ERRORS
    };
    let _ = writeln!(
        out,
        "{}",
        say(
            lang,
            &words::REPORT_LINE,
            &[
                (
                    "id",
                    report
                        .id()
                        .unwrap_or(words::REPORT_NO_ID.wording(lang))
                        .to_owned()
                ),
                ("rows", report.rows().len().to_string()),
                ("state", state.wording(lang).to_owned()),
            ]
        )
    );
    let (day, clock, real) = (
        words::ROW_DAY.wording(lang),
        words::ROW_CLOCK.wording(lang),
        words::ROW_REAL.wording(lang),
    );
    let mut shown = 0;
    for (row, minutes) in report.rows_with_minutes() {
        let note = minutes.dst_note.map(|n| match lang {
            Lang::Sv => n.sv(),
            Lang::En => n.en(),
        });
        if !all_rows && note.is_none() {
            continue;
        }
        shown += 1;
        let _ = writeln!(
            out,
            "    {day} {:>2}  {}–{}  {:<10} {clock} {:>9}  {real} {:>9}{}",
            row.day,
            row.from,
            row.to,
            kind_label(row.kind),
            hm(u64::from(minutes.clock_minutes)),
            hm(u64::from(minutes.real_minutes)),
            note.map(|n| format!("  ← {n}")).unwrap_or_default()
        );
    }
    if !all_rows && shown == 0 {
        let _ = writeln!(out, "{}", words::NO_DST_ROW.wording(lang));
    }
    for kind in TimeKind::ALL {
        let t = report.totals().of(kind);
        if t.clock_minutes == 0 && t.real_minutes == 0 {
            continue;
        }
        let diff = if t.real_minutes == t.clock_minutes {
            String::new()
        } else {
            format!(
                "  {}",
                say(lang, &words::CLOCK_TIME, &[("hours", hm(t.clock_minutes))])
            )
        };
        let _ = writeln!(
            out,
            "  {} {:<10} {}{}",
            words::KIND_TOTAL.wording(lang),
            kind_label(kind),
            hm(t.real_minutes),
            diff
        );
    }
    for issue in report.errors() {
        let _ = writeln!(
            out,
            "  {} [{}]: {}",
            words::ERROR_LABEL.wording(lang),
            issue.code,
            issue.message_in(lang)
        );
    }
    for issue in report.warnings() {
        let _ = writeln!(
            out,
            "  {} [{}]: {}",
            words::WARNING_LABEL.wording(lang),
            issue.code,
            issue.message_in(lang)
        );
    }
}

pub fn provider(app: &App, cmd: ProviderCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        ProviderCmd::Add {
            name,
            org_number,
            contact,
            phone,
        } => {
            let saved = app.save_provider(
                &ProviderInput {
                    name,
                    org_number,
                    contact,
                    phone,
                },
                now,
            )?;
            report_saved(
                &saved,
                [&words::PROVIDER_CREATED, &words::PROVIDER_UPDATED],
                json,
            )
        }
        ProviderCmd::Signatory(cmd) => crate::sign::signatory(app, cmd, json, now),
        ProviderCmd::List => {
            let provider = app.provider()?;
            if json {
                print_json(&provider.into_iter().collect::<Vec<_>>())?;
            } else if let Some(p) = provider {
                println!(
                    "{}  org.nr {}  tel {}  kontakt {}",
                    p.name,
                    p.org_number,
                    p.phone.as_str(),
                    p.contact_person.as_deref().unwrap_or("–")
                );
            } else {
                println!("{}", words::NO_PROVIDER.wording(crate::lang()));
            }
            Ok(0)
        }
    }
}

/// `said`: what to say when it was created, and when it was updated.
fn report_saved(
    saved: &assistid_app::register::Saved,
    said: [&'static words::Template; 2],
    json: bool,
) -> anyhow::Result<u8> {
    if json {
        print_json(saved)?;
    } else {
        let lang = crate::lang();
        let [created, updated] = said;
        let line = if saved.action == "created" {
            created
        } else {
            updated
        };
        println!("{}", line.wording(lang));
        for w in &saved.warnings {
            println!(
                "{}",
                say(lang, &words::SAVED_WARNING, &[("warning", w.to_string())])
            );
        }
    }
    Ok(0)
}

pub fn person(app: &App, cmd: PersonCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        PersonCmd::Add {
            personnummer,
            first_name,
            last_name,
        } => {
            let saved = app.save_person(
                &PersonInput {
                    personnummer,
                    first_name,
                    last_name,
                },
                now,
            )?;
            report_saved(
                &saved,
                [&words::PERSON_CREATED, &words::PERSON_UPDATED],
                json,
            )
        }
        PersonCmd::List => {
            let persons = app.persons()?;
            if json {
                print_json(&persons)?;
            } else {
                for p in &persons {
                    println!(
                        "{}  {} {}",
                        p.personnummer.formatted(),
                        p.first_name,
                        p.last_name
                    );
                }
                if persons.is_empty() {
                    println!("{}", words::NO_PERSONS.wording(crate::lang()));
                }
            }
            Ok(0)
        }
        PersonCmd::Team(cmd) => team(app, cmd, json, now),
        PersonCmd::Grant(cmd) => grant(app, cmd, json, now),
        other @ (PersonCmd::Export { .. } | PersonCmd::Erase { .. }) => {
            crate::privacy::person(app, other, json, now)
        }
    }
}

fn team(app: &App, cmd: TeamCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        TeamCmd::Add {
            personnummer,
            assistant,
            since,
        } => {
            let added = app.add_to_team(&personnummer, &assistant, since.as_deref(), now)?;
            if json {
                print_json(&serde_json::json!({ "added": added }))?;
            } else if added {
                println!("Assistenten är nu med i personens team.");
            } else {
                println!("Assistenten var redan med i personens team.");
            }
            Ok(0)
        }
        TeamCmd::Remove {
            personnummer,
            assistant,
        } => {
            let removed = app.remove_from_team(&personnummer, &assistant, now)?;
            if json {
                print_json(&serde_json::json!({ "removed": removed }))?;
            } else if removed {
                println!(
                    "Assistenten är borttagen ur personens team. Passen och tidredovisningarna \
                     finns kvar."
                );
            } else {
                println!("Assistenten var inte med i personens team; inget har ändrats.");
            }
            Ok(0)
        }
        TeamCmd::List { personnummer } => {
            let team = app.team(&personnummer, now)?;
            if json {
                print_json(&team)?;
            } else {
                for m in &team {
                    let since = m.since.map(|d| format!("  från {d}")).unwrap_or_default();
                    let identity =
                        assistid_app::core_types::ids::IdentityNumber::from_digits(&m.identity)
                            .map(|i| i.formatted())
                            .unwrap_or_else(|_| m.identity.clone());
                    println!("{identity}  {}{since}", m.name);
                }
                if team.is_empty() {
                    println!(
                        "Ingen assistent är med i personens team ännu (assistid person team add)."
                    );
                }
            }
            Ok(0)
        }
    }
}

fn grant(app: &App, cmd: GrantCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        GrantCmd::Add {
            personnummer,
            hours,
            per,
            from,
            to,
        } => {
            let period = match per {
                GrantPeriodArg::Week => "week",
                GrantPeriodArg::Month => "month",
                GrantPeriodArg::Decision => "decision",
            };
            let saved = app.add_grant(
                &GrantInput {
                    personnummer,
                    hours,
                    period: period.to_owned(),
                    valid_from: from,
                    valid_to: to,
                },
                now,
            )?;
            if json {
                print_json(&saved)?;
            } else {
                println!("Beslutet är sparat (id {}): {}.", saved.id, saved.text);
            }
            Ok(0)
        }
        GrantCmd::List { personnummer } => {
            let grants = app.grants(&personnummer, now)?;
            if json {
                print_json(&grants)?;
            } else {
                for g in &grants {
                    println!("{:>4}  {}", g.id, g.text);
                }
                if grants.is_empty() {
                    println!(
                        "Inga beslut är registrerade för personen (assistid person grant add)."
                    );
                }
            }
            Ok(0)
        }
        GrantCmd::Remove { personnummer, id } => {
            let removed = app.remove_grant(&personnummer, id, now)?;
            if json {
                print_json(&serde_json::json!({ "removed": removed }))?;
                return Ok(0);
            }
            if removed {
                println!("Beslutet är borttaget.");
                Ok(0)
            } else {
                println!("Personen har inget beslut med id {id}; inget har ändrats.");
                Ok(1)
            }
        }
        GrantCmd::Usage {
            month,
            personnummer,
        } => {
            let month = parse_month(&month)?;
            let person = personnummer
                .map(|p| {
                    assistid_app::core_types::ids::Personnummer::parse(
                        &p,
                        assistid_app::local_today(now),
                    )
                })
                .transpose()
                .map_err(|e| anyhow::anyhow!("personnummer: {e}"))?;
            let usage = app.grant_usage(month, person.as_ref())?;
            if json {
                print_json(&usage)?;
                return Ok(0);
            }
            for p in &usage {
                println!("{}", p.name);
                for u in &p.usage {
                    println!("  {}", assistid_app::invoice::granted_line(u));
                }
                for w in &p.warnings {
                    println!("  VARNING: {w}");
                }
            }
            if usage.is_empty() {
                println!(
                    "Inga beslut om beviljade timmar gäller {month} (assistid person grant add)."
                );
            }
            Ok(0)
        }
    }
}

pub fn assistant(
    app: &App,
    cmd: AssistantCmd,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    match cmd {
        AssistantCmd::Add(a) => {
            let input = AssistantInput {
                personnummer: a.personnummer,
                first_name: a.first_name,
                last_name: a.last_name,
                phone: a.phone,
                collective_agreement: a.collective_agreement,
                employment: match a.employment {
                    EmploymentArg::Provider => EmploymentChoice::Provider,
                    EmploymentArg::Other => EmploymentChoice::OtherEmployer,
                    EmploymentArg::SelfEmployed => EmploymentChoice::SelfEmployed,
                    EmploymentArg::Person => EmploymentChoice::PersonWithAssistance,
                },
                employer_org: a.employer_org,
                employer_name: a.employer_name,
                period_start: a.period_start,
                period_length: a.period_length,
            };
            let saved = app.save_assistant(&input, now)?;
            report_saved(
                &saved,
                [&words::ASSISTANT_CREATED, &words::ASSISTANT_UPDATED],
                json,
            )
        }
        AssistantCmd::List => {
            let assistants = app.assistants()?;
            if json {
                print_json(&assistants)?;
            } else {
                for a in &assistants {
                    let flag = if a.cannot_sign_with_bankid() {
                        "  (samordningsnummer: kan inte signera med BankID)"
                    } else {
                        ""
                    };
                    println!("{}  {} {}{flag}", a.id, a.first_name, a.last_name);
                }
                if assistants.is_empty() {
                    println!("{}", words::NO_ASSISTANTS.wording(crate::lang()));
                }
            }
            Ok(0)
        }
    }
}

pub fn report(app: &App, cmd: ReportCmd, json: bool, now: DateTime<Utc>) -> anyhow::Result<u8> {
    match cmd {
        ReportCmd::Export { month, out } => {
            let month = parse_month(&month)?;
            let index = app.export_reports(month, &out, now)?;
            let blocked = index.reports.iter().filter(|r| !r.sendable).count();
            if json {
                print_json(&index)?;
            } else {
                println!(
                    "{} tidredovisningar skrevs till {} (index.json).",
                    index.reports.len(),
                    out.display()
                );
                if blocked > 0 {
                    println!(
                        "{blocked} av dem har fel och kan inte skrivas under ännu (se assistid review --month {month})."
                    );
                }
            }
            Ok(if blocked > 0 { exit::DATA_PROBLEMS } else { 0 })
        }
    }
}

pub fn import(
    app: &App,
    args: &crate::args::ImportArgs,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<u8> {
    use assistid_app::import::ImportOptions;
    let options = ImportOptions {
        sheet: args.sheet.clone(),
        skip_invalid: args.skip_invalid,
        previewed_sha256: args.sha256.clone(),
    };
    let result = if args.dry_run {
        app.import_preview(&args.file, &options, now)
    } else {
        app.import_commit(&args.file, &options, now)
    };
    let report = match result {
        Ok(report) => report,
        Err(err) => {
            // On refusal show the problems first, so the user sees what to fix.
            if err
                .downcast_ref::<assistid_app::AppError>()
                .is_some_and(|e| e.is_data_problem())
                && let Ok(preview) = app.import_preview(&args.file, &options, now)
            {
                if json {
                    print_json(&preview)?;
                } else {
                    print_import(&preview);
                }
            }
            return Err(err);
        }
    };
    if json {
        print_json(&report)?;
    } else {
        print_import(&report);
    }
    Ok(if report.error_count() > 0 && !report.committed {
        exit::DATA_PROBLEMS
    } else {
        0
    })
}

fn print_import(report: &assistid_app::import::ImportReport) {
    let lang = crate::lang();
    let p = &report.preview;
    println!(
        "{}",
        say(
            lang,
            &words::IMPORT_FILE,
            &[
                ("file", p.source.describe_sv()),
                ("sha256", p.source.sha256.to_string()),
            ]
        )
    );
    println!(
        "{}",
        say(
            lang,
            &words::IMPORT_COUNTS,
            &[
                ("read", p.counts.rows_read.to_string()),
                ("valid", p.counts.rows_valid.to_string()),
                ("errors", p.counts.rows_with_errors.to_string()),
                ("warnings", p.counts.rows_with_warnings.to_string()),
                ("shifts", p.counts.shifts.to_string()),
                ("present", report.already_present.to_string()),
                ("new", report.new_shifts.to_string()),
            ]
        )
    );
    let all = p.problems.iter().chain(report.validation_problems.iter());
    for problem in all {
        let level = if problem.is_error() {
            words::ERROR_LABEL.wording(lang)
        } else {
            words::WARNING_LABEL.wording(lang)
        };
        let row = problem
            .row
            .map(|r| say(lang, &words::IMPORT_ROW, &[("row", r.to_string())]))
            .unwrap_or_else(|| words::IMPORT_WHOLE_FILE.wording(lang).to_owned());
        let column = problem
            .column
            .as_deref()
            .map(|c| say(lang, &words::IMPORT_COLUMN, &[("column", c.to_owned())]))
            .unwrap_or_default();
        let value = problem
            .masked_value()
            .map(|v| say(lang, &words::IMPORT_VALUE, &[("value", format!("{v:?}"))]))
            .unwrap_or_default();
        println!(
            "  {level} {row}{column}{value}: {} [{}]",
            problem.message_in(lang),
            problem.code.as_str()
        );
    }
    if p.problems_truncated() {
        println!(
            "{}",
            say(
                lang,
                &words::IMPORT_MORE,
                &[(
                    "count",
                    (p.problems_total - p.problems.len() as u64).to_string()
                )]
            )
        );
    }
    if !report.whole_file_checked {
        println!("{}", words::IMPORT_BIG_FILE.wording(lang));
    }
    if report.committed {
        let skipped = if report.skipped_rows > 0 {
            say(
                lang,
                &words::IMPORT_SKIPPED,
                &[("count", report.skipped_rows.to_string())],
            )
        } else {
            String::new()
        };
        println!(
            "{}",
            say(
                lang,
                &words::IMPORTED,
                &[("new", report.new_shifts.to_string()), ("skipped", skipped)]
            )
        );
    } else if report.error_count() == 0 {
        println!("{}", words::IMPORT_PREVIEW_ONLY.wording(lang));
    }
}
