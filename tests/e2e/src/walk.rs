//! The walk through the demo, one step per function, shared by the e2e test and the
//! screenshot program. Add a step here and to the list in `tests/desktop.rs`.
//!
//! The path of issue 5: import a file with one bad row, fix it, sign as the assistant through
//! the simulated BankID app, sign as the provider, another assistant signs by phone (issue 16),
//! submit, see FK's tx-id, check the sent report's file under Verktyg (issue 21); then going
//! live:
//! the folder for real data and FK's CA file in Settings.

use std::future::Future;
use std::pin::Pin;

use anyhow::{Context as _, bail};
use fantoccini::Locator;

use crate::Desktop;

/// A step: borrows the running app, fails with what it did not see.
pub type Step = for<'a> fn(&'a Desktop) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + 'a>>;

/// The demo provider (crates/app/src/demo.rs).
pub const DEMO_PROVIDER: &str = "Omsorg i Norr AB";

/// A row of the overview's report tables: what "the overview is interactive" means.
pub const OVERVIEW_ROW: &str = "section.panel table.data tbody tr";

/// On first start the overview shows the demo month with its reports, under the demo banner.
pub fn overview_shows_the_demo_month(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        d.wait_for_text(
            ".demo-banner",
            "DEMO — ingenting skickas till Försäkringskassan",
        )
        .await?;
        d.find(OVERVIEW_ROW).await?;
        let rows = d.client.find_all(Locator::Css(OVERVIEW_ROW)).await?;
        if rows.len() < 2 {
            bail!(
                "the demo month should list several reports, the overview shows {}",
                rows.len()
            );
        }
        d.wait_for_text("main", "Åsa Öberg-Lind")
            .await
            .context("a demo person's name in the overview")?;
        Ok(())
    })
}

/// The Month screen: some person's grid shows a row with the DST note of the autumn change.
pub fn month_shows_a_dst_note(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        d.open_screen("month").await?;
        d.find("table.grid").await?;
        let select = d.find("main select[aria-label]").await?;
        let options = select.find_all(Locator::Css("option")).await?;
        let mut values = Vec::new();
        for option in options {
            if let Some(v) = option.attr("value").await? {
                values.push(v);
            }
        }
        for value in &values {
            d.find("main select[aria-label]")
                .await?
                .select_by_value(value)
                .await?;
            // The grid reloads for the chosen person; give it a moment, then look for the note.
            for _ in 0..30 {
                for note in d
                    .client
                    .find_all(Locator::Css("table.grid .dst-note"))
                    .await?
                {
                    if note.text().await.unwrap_or_default().contains("vintertid") {
                        return Ok(());
                    }
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
        bail!(
            "no person's month grid showed a row with a DST note (\"vintertid\"); persons tried: {}",
            values.len()
        )
    })
}

/// In the Month grid (the person left chosen by the previous step), typing `6-7` + Enter into
/// an empty cell stores the shift and shows it as `06–07`; Delete removes it again, so the
/// rest of the walk sees the demo's data.
pub fn a_shift_typed_into_the_grid_is_stored_and_deleted(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        d.find("table.grid").await?;
        let id = d
            .client
            .execute(
                "const td = [...document.querySelectorAll('table.grid td.cell')]
                   .find((c) => c.textContent === '' && !c.classList.contains('err'));
                 return td ? td.id : null;",
                vec![],
            )
            .await?;
        let Some(id) = id.as_str().map(str::to_owned) else {
            bail!("the month grid has no empty cell to type into");
        };
        let cell = format!("#{id}");
        d.find(&cell).await?.click().await?;
        d.find(&cell).await?.send_keys("\u{E007}").await?; // Enter opens the editor
        d.find("#cell-editor")
            .await
            .context("Enter on a cell opens its editor")?
            .send_keys("6-7\u{E007}")
            .await?;
        wait_for_cell_text(d, &cell, |t| t.starts_with("06–07"))
            .await
            .context("the typed shift is stored and shown in its cell")?;
        d.find(&cell).await?.click().await?;
        d.find(&cell).await?.send_keys("\u{E017}").await?; // Delete
        wait_for_cell_text(d, &cell, str::is_empty)
            .await
            .context("Delete on the cell removes the shift again")?;
        Ok(())
    })
}

async fn wait_for_cell_text(
    d: &Desktop,
    css: &str,
    wanted: impl Fn(&str) -> bool,
) -> anyhow::Result<()> {
    let mut seen = String::new();
    for _ in 0..100 {
        if let Ok(cell) = d.client.find(Locator::Css(css)).await {
            seen = cell.text().await.unwrap_or_default();
            if wanted(seen.trim()) {
                return Ok(());
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let error = match d.client.find(Locator::Css("#entry-error")).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    bail!("{css} shows {seen:?} after 10 s; the grid's message: {error:?}")
}

/// The Register screen shows the demo provider.
pub fn register_shows_the_demo_provider(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        d.open_screen("register").await?;
        // The provider is shown in its form, so the name is an input's value, not text.
        for _ in 0..100 {
            for input in d.client.find_all(Locator::Css("main input")).await? {
                if input.prop("value").await?.as_deref() == Some(DEMO_PROVIDER) {
                    return Ok(());
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        bail!("the Register's provider form does not show {DEMO_PROVIDER:?}")
    })
}

/// English is one click away, and Swedish one click back.
pub fn language_switches_to_english_and_back(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        d.open_screen("overview").await?;
        d.find("button.lang").await?.click().await?;
        d.wait_for_text("header nav", "Overview").await?;
        d.wait_for_text(
            ".demo-banner",
            "DEMO — nothing is sent to Försäkringskassan",
        )
        .await?;
        d.find("button.lang").await?.click().await?;
        d.wait_for_text("header nav", "Översikt").await?;
        d.wait_for_text(".demo-banner", "ingenting skickas").await?;
        Ok(())
    })
}

/// The imported shifts: an assistant and a person of the demo, in the demo's October.
#[derive(Debug, Clone)]
pub struct ImportCase {
    /// The CSV file written into the test's home.
    pub csv: String,
    /// The assistant's name as the screens show it.
    pub assistant: String,
    /// The person's name.
    pub person: String,
}

/// Two shifts for the demo's last assistant and first person in October 2026, one row with
/// a date that does not exist (row 3).
pub fn import_case() -> anyhow::Result<ImportCase> {
    let demo = assistid_app::demo::demo_data().context("the demo data")?;
    let assistant = demo.assistants.last().context("the demo has assistants")?;
    let person = demo.persons.first().context("the demo has persons")?;
    let (a, p) = (assistant.id.digits(), person.personnummer.digits());
    Ok(ImportCase {
        csv: format!(
            "assistent;person;datum;start;slut;typ;anteckning\n\
             {a};{p};2026-10-12;09:00;12:00;aktiv;\n\
             {a};{p};2026-10-32;09:00;12:00;aktiv;fel datum\n\
             {a};{p};2026-10-14;20:30;23:00;aktiv;\n"
        ),
        assistant: assistant.full_name(),
        person: person.full_name(),
    })
}

/// Clicks the first button under `scope` whose text contains `label`.
pub(crate) async fn click_button(d: &Desktop, scope: &str, label: &str) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        for button in d
            .client
            .find_all(Locator::Css(&format!("{scope} button")))
            .await?
        {
            if button.text().await.unwrap_or_default().contains(label)
                && button.is_enabled().await.unwrap_or(false)
            {
                button.click().await?;
                return Ok(());
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    bail!("no enabled button {label:?} in {scope:?}")
}

/// The table row (`tr`) under `scope` whose text contains every needle.
pub(crate) async fn row_with(
    d: &Desktop,
    scope: &str,
    needles: &[&str],
) -> anyhow::Result<fantoccini::elements::Element> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        for row in d
            .client
            .find_all(Locator::Css(&format!("{scope} tr")))
            .await?
        {
            let text = row.text().await.unwrap_or_default();
            if needles.iter().all(|n| text.contains(n)) {
                return Ok(row);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    bail!("no row in {scope:?} shows all of {needles:?}")
}

/// Import, the preview (docs/screenshots/app-import-errors.png): the file's bad row is flagged
/// with its row number, the value and the problem in words.
pub fn import_preview_flags_the_bad_row(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let case = import_case()?;
        let file = d.home.path().join("pass-oktober.csv");
        std::fs::write(&file, &case.csv).context("writing the import file")?;
        d.open_screen("import").await?;
        d.find("input[data-testid=import-file]")
            .await?
            .send_keys(&file.display().to_string())
            .await
            .context("choosing the file in the file input")?;
        let bad = row_with(d, "main table.data tbody", &["2026-10-32"]).await?;
        let text = bad.text().await?;
        if !text.contains("Fel") {
            bail!("row 3 should be marked as an error with its problem, shows {text:?}");
        }
        let row = bad.find(Locator::Css("th")).await?.text().await?;
        if row.trim() != "3" || !text.contains("finns inte i kalendern") {
            bail!(
                "the flagged row names its row (3, shows {row:?}) and says in words what is \
                 wrong with the value: {text:?}"
            );
        }
        Ok(())
    })
}

/// Import: the preview shows the bad row with its problem; the fix is typed in the row; the
/// file is saved.
pub fn import_with_a_bad_row_fixed(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        import_preview_flags_the_bad_row(d).await?;
        fix_the_bad_row_and_save(d).await
    })
}

/// Import, after [`import_preview_flags_the_bad_row`]: the fix is typed in the row; the file is
/// saved.
pub fn fix_the_bad_row_and_save(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let bad = row_with(d, "main table.data tbody", &["2026-10-32"]).await?;
        bad.find(Locator::XPath(".//button[contains(., 'Rätta')]"))
            .await
            .context("the bad row offers a fix")?
            .click()
            .await?;
        let mut fixed = false;
        for input in d
            .client
            .find_all(Locator::Css("main table.data tbody tr input"))
            .await?
        {
            if input.prop("value").await?.as_deref() == Some("2026-10-32") {
                input.clear().await?;
                input.send_keys("2026-10-13").await?;
                fixed = true;
            }
        }
        if !fixed {
            bail!("the fix row has no input with the bad date");
        }
        click_button(d, "main table.data", "Spara rättelsen").await?;
        d.wait_for_text("main", "0 med fel")
            .await
            .context("after the fix, no row has errors")?;
        click_button(d, "main", "Spara 3 pass").await?;
        d.wait_for_text("main .notice.ok", "Sparade 3 pass").await?;
        Ok(())
    })
}

/// The BankID dialog waits for the user (docs/screenshots/app-bankid.png): the animated QR
/// code is shown.
pub async fn bankid_dialog_waits_with_its_qr_code(d: &Desktop) -> anyhow::Result<()> {
    d.find("dialog[open] .simulate").await?;
    // The QR code is drawn while the order waits.
    d.find("dialog[open] .qr svg")
        .await
        .context("the animated QR code")?;
    Ok(())
}

/// Opens the BankID dialog for the imported report's assistant (the QR code waiting).
pub fn start_the_assistants_signature(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let case = import_case()?;
        d.open_screen("sign").await?;
        let row = row_with(d, "main table.data tbody", &[&case.assistant, &case.person]).await?;
        row.find(Locator::XPath(".//button[contains(., 'assistent')]"))
            .await
            .context("the report is ready for the assistant's signature")?
            .click()
            .await?;
        bankid_dialog_waits_with_its_qr_code(d).await
    })
}

/// Signs in the open BankID dialog through the simulated BankID app.
pub async fn approve_in_simulated_app(d: &Desktop, signer: &str) -> anyhow::Result<()> {
    bankid_dialog_waits_with_its_qr_code(d).await?;
    click_button(d, "dialog[open] .simulate", "Godkänn").await?;
    d.wait_for_text("dialog[open] .message", signer)
        .await
        .context("the dialog says who signed")?;
    click_button(d, "dialog[open]", "Stäng").await?;
    Ok(())
}

/// The assistant signs the imported report, then the provider.
pub fn sign_as_assistant_then_provider(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let case = import_case()?;
        start_the_assistants_signature(d).await?;
        approve_in_simulated_app(d, &case.assistant).await?;
        provider_signs(d).await
    })
}

/// After the assistant: the provider signs the imported report.
pub fn provider_signs(d: &Desktop) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let case = import_case()?;
        let row = row_with(d, "main table.data tbody", &[&case.assistant, &case.person]).await?;
        row.find(Locator::XPath(".//button[contains(., 'anordnare')]"))
            .await
            .context("after the assistant, the report waits for the provider")?
            .click()
            .await?;
        approve_in_simulated_app(d, "Karin Lindqvist").await?;
        Ok(())
    })
}

/// Issue 16: an assistant who is not at the computer signs by phone. The coordinator opens the
/// signing dialog, chooses "Signera via telefonsamtal", sees the assistant's number as a
/// `tel:` link, says the assistant called, starts the phone order, and reads BankID's status
/// live while the simulated BankID app (the assistant's phone) approves.
pub fn an_assistant_signs_by_phone(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        d.open_screen("sign").await?;
        let row = row_with(d, "main table.data tbody", &["Signera som assistent"])
            .await
            .context("another demo report waits for its assistant")?;
        // "Assistent: … · Person med assistans: …": the report, in the first cell.
        let report = row.find(Locator::Css("td")).await?.text().await?;
        let assistant = report
            .split(" · ")
            .next()
            .map(|who| who.trim().trim_start_matches("Assistent:").trim())
            .filter(|name| !name.is_empty())
            .context("the row names its assistant")?
            .to_owned();
        row.find(Locator::XPath(".//button[contains(., 'assistent')]"))
            .await?
            .click()
            .await?;
        d.find("dialog[open] [data-testid=phone-sign]")
            .await
            .context("the dialog offers signing over the phone next to the QR code")?
            .click()
            .await?;
        let panel = d
            .wait_for_text("dialog[open] [data-testid=phone-panel]", &assistant)
            .await
            .context("the phone panel names the assistant")?;
        if d.client
            .find_all(Locator::Css(
                "dialog[open] [data-testid=phone-panel] a[href^='tel:']",
            ))
            .await?
            .is_empty()
        {
            bail!("the assistant's number should be a tel: link, the panel shows {panel:?}");
        }
        d.find("dialog[open] input[name=call-initiator][value=user]")
            .await
            .context("the coordinator can say who called")?
            .click()
            .await?;
        d.find("dialog[open] [data-testid=phone-start]")
            .await?
            .click()
            .await?;
        d.wait_for_text("dialog[open] [data-testid=phone-call]", "ringde oss")
            .await
            .context("the phone order runs, started as the assistant's call")?;
        if !d
            .client
            .find_all(Locator::Css("dialog[open] .qr svg"))
            .await?
            .is_empty()
        {
            bail!("a phone order shows no QR code");
        }
        click_button(d, "dialog[open] .simulate", "Godkänn").await?;
        d.wait_for_text("dialog[open] .message", &assistant)
            .await
            .context("the dialog says the assistant signed")?;
        click_button(d, "dialog[open]", "Stäng").await?;
        let row = row_with(d, "main table.data tbody", &[report.trim()]).await?;
        if row.text().await?.contains("Signera som assistent") {
            bail!("after the phone signature the report should wait for the provider");
        }
        Ok(())
    })
}

/// Submission at FK's pace, until FK's tx-id shows.
pub fn submit_and_see_the_tx_id(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        start_sending_and_see_the_pace(d).await?;
        see_the_tx_id(d).await
    })
}

/// Sending (docs/screenshots/app-sending.png): "Skicka" starts the run, whose progress shows
/// how many of the batch are done, and FK's pace while reports are left.
pub fn start_sending_and_see_the_pace(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        d.open_screen("submit").await?;
        click_button(d, "main", "Skicka").await?;
        d.wait_for_text("main .progress", " av ")
            .await
            .context("the run shows its progress (done of all)")?;
        d.wait_for_text("main [data-testid=submit-pace]", "rapport per sekund")
            .await
            .context("the run shows FK's pace")?;
        Ok(())
    })
}

/// The submit screen, after [`start_sending_and_see_the_pace`]: FK's tx-id shows for the
/// imported report.
pub fn see_the_tx_id(d: &Desktop) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let case = import_case()?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            for item in d.client.find_all(Locator::Css("main ul.queue li")).await? {
                let text = item.text().await.unwrap_or_default();
                // The queue names people short ("Noor A."): match the first name.
                let first = case.assistant.split(' ').next().unwrap_or_default();
                if text.contains(first) && text.contains("Transaktions-id") {
                    return Ok(());
                }
            }
            if std::time::Instant::now() > deadline {
                bail!("no tx-id shown for {}'s report within 60 s", case.assistant);
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    })
}

/// History: the submission with its tx-id, and the month's receipt exported and readable.
pub fn history_shows_the_tx_id_and_the_receipt_reads_back(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let case = import_case()?;
        d.open_screen("history").await?;
        let first = case.assistant.split(' ').next().unwrap_or_default();
        let row = row_with(d, "main table.data tbody", &[first, "Mottagen"]).await?;
        let mut tx_id = None;
        for cell in row.find_all(Locator::Css("td.mono")).await? {
            let text = cell.text().await.unwrap_or_default();
            if text.len() == 36 && text.matches('-').count() == 4 {
                tx_id = Some(text);
            }
        }
        let tx_id = tx_id.with_context(|| {
            format!(
                "the accepted submission of {} shows FK's tx-id",
                case.assistant
            )
        })?;
        click_button(d, "main", "Exportera kvitto").await?;
        let notice = d
            .wait_for_text("main .written", "kvitto-2026-10.pdf")
            .await?;
        let path = notice
            .split_whitespace()
            .find(|w| w.ends_with("kvitto-2026-10.pdf"))
            .context("the notice names the receipt file")?;
        let out = std::process::Command::new("pdftotext")
            .args([path, "-"])
            .output()
            .context("pdftotext (poppler-utils) reads the receipt")?;
        let receipt = String::from_utf8_lossy(&out.stdout);
        if !receipt.contains(&tx_id) {
            bail!("the receipt {path} does not show the tx-id {tx_id} the History shows");
        }
        if !receipt.contains(first) {
            bail!("the receipt {path} does not name {}", case.assistant);
        }
        Ok(())
    })
}

/// Verktyg → Kontrollera en fil (issue 21): the report FK just accepted, exported from the
/// app's demo folder, is recognised as exactly the one sent, with FK's tx-id.
pub fn the_sent_report_file_is_recognised_in_tools(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        let (root, key) = Desktop::data_dir_in(d.home.path());
        let now = chrono::Utc::now();
        let app =
            assistid_app::App::open(&root.join("demo"), assistid_app::KeySource::File(key), now)
                .context("the app's demo folder opens beside the app")?;
        let month = "2026-10".parse().context("a month")?;
        let sent = app
            .submissions(Some(month))?
            .into_iter()
            .find(|s| s.state == assistid_app::views::SubmissionState::Accepted)
            .context("the walk has sent a report")?;
        let tx_id = sent
            .tx_id
            .clone()
            .context("an accepted report has its tx-id")?;
        let out = d.home.path().join("verify-export");
        app.export_reports(month, &out, now)?;
        drop(app);
        let file = out.join(format!("{}.xml", sent.report_id));
        d.open_screen("tools").await?;
        d.find("input[data-testid=verify-file]")
            .await?
            .send_keys(&file.display().to_string())
            .await?;
        let verdict = d
            .wait_for_text("[data-testid=verify-verdict]", "Ja: filen är exakt")
            .await?;
        if !verdict.contains("demoläget") {
            bail!("the check says where the report went (the demo): {verdict}");
        }
        d.wait_for_text("main", &tx_id)
            .await
            .context("the check shows FK's tx-id")?;
        Ok(())
    })
}

/// Going live from Settings: choosing FK's test service (after the question) opens the empty
/// folder for real data, where FK's service says nothing is trusted yet; a file that is not a
/// CA certificate is refused with a message, FK's CA file is loaded and shown; choosing the
/// demo again (after its question) brings the demo back. Last, as it leaves the demo's folder.
pub fn going_live_fks_ca_file_is_loaded_in_settings(
    d: &Desktop,
) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + '_>> {
    Box::pin(async move {
        go_live_and_load_fks_ca(d).await?;
        back_to_the_demo(d).await
    })
}

/// The first half of [`going_live_fks_ca_file_is_loaded_in_settings`]: ends in Settings of the
/// folder for real data with FK's test CA loaded.
pub async fn go_live_and_load_fks_ca(d: &Desktop) -> anyhow::Result<()> {
    d.open_screen("settings").await?;
    choose_environment(d, "test").await?;
    let service = "main [data-fk=test]";
    d.wait_for_text(service, "Inte valt än")
        .await
        .context("the real folder's test service starts with nothing trusted")?;
    let not_a_ca = d.home.path().join("inte-en-ca.pem");
    std::fs::write(&not_a_ca, "Det här är ingen CA.\n").context("writing a wrong file")?;
    let ca = assistid_fakes::pki::TestCa::new("Försäkringskassan Test CA")
        .context("a CA certificate")?;
    let ca_file = d.home.path().join("fk-test-ca.pem");
    std::fs::write(&ca_file, ca.cert_pem()).context("writing the CA file")?;

    for (file, expected) in [
        (
            &not_a_ca,
            "går inte att använda som Försäkringskassans certifikatutfärdare",
        ),
        (&ca_file, "Försäkringskassans CA-fil"),
    ] {
        d.find(&format!("{service} input[type=file]"))
            .await?
            .send_keys(&file.display().to_string())
            .await
            .context("choosing the CA file in the file input")?;
        click_button(d, service, "Använd CA-filen").await?;
        d.wait_for_text(service, expected).await?;
    }
    d.wait_for_text(service, "Försäkringskassan Test CA")
        .await
        .context("the loaded CA is named")?;
    Ok(())
}

/// Settings → Demo, answering its question: the demo folder is open again.
pub async fn back_to_the_demo(d: &Desktop) -> anyhow::Result<()> {
    d.open_screen("settings").await?;
    choose_environment(d, "demo").await?;
    d.wait_for_text(".demo-banner", "ingenting skickas").await?;
    Ok(())
}

/// Clicks the environment's radio button in Settings and answers its question with yes.
pub(crate) async fn choose_environment(d: &Desktop, env: &str) -> anyhow::Result<()> {
    let radio = format!("main input[name=env][value={env}]");
    d.find(&radio).await?.click().await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match d.client.accept_alert().await {
            Ok(()) => return Ok(()),
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => bail!("choosing {env} in Settings asked no question: {e}"),
        }
    }
}

/// Every step, in order.
pub const STEPS: &[(&str, Step)] = &[
    (
        "the overview shows the demo month",
        overview_shows_the_demo_month,
    ),
    (
        "the Month screen shows a row with a DST note",
        month_shows_a_dst_note,
    ),
    (
        "a shift typed into the month grid is stored, shown and deleted",
        a_shift_typed_into_the_grid_is_stored_and_deleted,
    ),
    (
        "the Register shows the demo provider",
        register_shows_the_demo_provider,
    ),
    (
        "the language switches to English and back",
        language_switches_to_english_and_back,
    ),
    (
        "an import with one bad row is fixed and saved",
        import_with_a_bad_row_fixed,
    ),
    (
        "the assistant and then the provider sign with the simulated BankID app",
        sign_as_assistant_then_provider,
    ),
    (
        "an assistant signs by phone with the simulated BankID app",
        an_assistant_signs_by_phone,
    ),
    (
        "the report is submitted and FK's tx-id shows",
        submit_and_see_the_tx_id,
    ),
    (
        "the history shows the tx-id and the exported receipt reads back",
        history_shows_the_tx_id_and_the_receipt_reads_back,
    ),
    (
        "Verktyg → Kontrollera en fil recognises the report FK accepted",
        the_sent_report_file_is_recognised_in_tools,
    ),
    (
        "going live: FK's CA file is loaded in Settings in the folder for real data",
        going_live_fks_ca_file_is_loaded_in_settings,
    ),
];
