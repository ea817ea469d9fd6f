//! The live walk (issue 14 item 10): going live through Settings, as a user would, against
//! stand-ins posing as FK's and BankID's test services.
//!
//! The harness starts a fake FK and a fake BankID as two separate HTTPS services with mutual
//! TLS on loopback (crate `assistid-fakes`; FK validates every report against its schema with
//! xmllint and checks every signature's chain and OCSP against the stand-in BankID's
//! user-certificate root, as FK's test service checks against BankID's test root), and writes the files a provider receives into the run's home: FK's client
//! certificate (.p12) and FK's CA file, the BankID RP certificate (.p12), the CA file of the
//! BankID service and its user-certificate root. Everything else happens in the window: the
//! folder for real data is switched to the test environment; the provider, a person and an
//! assistant are registered; Settings get the addresses, the certificate files through the file
//! inputs and the passwords; the two going-live checks pass; a small month is imported; the
//! assistant and the provider sign in test (the stand-in BankID's app approves each order as
//! the person BankID asks for, as the BankID test app on a phone would after scanning the QR
//! code); the month is sent to FK's test service; the TEST label shows on every screen and on
//! the receipt with FK's tx-id; then the folder moves to production, where the same report is
//! still to sign and send.
//!
//! The app keeps certificate passwords in the OS keychain, so the run has one of its own
//! ([`crate::SessionKeyring`]).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
use assistid_fakes::fk::{FakeFk, FakeFkConfig, FakeFkHandle};
use chrono::Datelike as _;
use fantoccini::Locator;

use crate::Desktop;
use crate::walk::{choose_environment, click_button, row_with};

/// A step of the live walk: the running app and the stand-ins.
pub type LiveStep =
    for<'a> fn(&'a Desktop, &'a StandIns) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + 'a>>;

/// Someone in the register: identity number (12 digits) and name.
#[derive(Debug, Clone)]
pub struct Someone {
    /// 12 digits.
    pub number: String,
    /// First name.
    pub first: String,
    /// Last name.
    pub last: String,
}

impl Someone {
    fn new(first11: &str, first: &str, last: &str) -> anyhow::Result<Self> {
        Ok(Someone {
            number: assistid_core::ids::with_control_digit(first11)
                .context("a valid personnummer")?,
            first: first.to_owned(),
            last: last.to_owned(),
        })
    }

    /// "First Last".
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

/// The files a provider receives, written into the run's home.
#[derive(Debug, Clone)]
pub struct Files {
    /// FK's client certificate (PKCS#12), as from Expisoft.
    pub fk_client_p12: PathBuf,
    /// Its password.
    pub fk_client_password: String,
    /// The CA that issued FK's server certificate (PEM).
    pub fk_ca: PathBuf,
    /// The BankID RP certificate (PKCS#12), as from the bank.
    pub bankid_rp_p12: PathBuf,
    /// Its password.
    pub bankid_rp_password: String,
    /// The CA that issued the BankID service's TLS certificate (PEM).
    pub bankid_ca: PathBuf,
    /// The root of the BankID service's user certificates (PEM).
    pub bankid_user_root: PathBuf,
    /// The month's shifts (CSV).
    pub shifts_csv: PathBuf,
}

/// The stand-ins, the files and the people of the walk.
pub struct StandIns {
    /// The stand-in for FK's test service.
    pub fk: FakeFkHandle,
    /// The stand-in for BankID's test service.
    pub bankid: FakeBankId,
    /// The files written for the user to choose.
    pub files: Files,
    /// `YYYY-MM`: the month the app opens on (the one due next) and the shifts are in.
    pub month: String,
    /// The provider: name, organisationsnummer, phone.
    pub provider: (String, String, String),
    /// The person with assistance.
    pub person: Someone,
    /// The assistant.
    pub assistant: Someone,
    /// Who signs for the provider.
    pub signatory: Someone,
}

impl std::fmt::Debug for StandIns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIns")
            .field("fk", &self.fk.endpoint())
            .field("bankid", &self.bankid.base_url())
            .field("month", &self.month)
            .finish_non_exhaustive()
    }
}

/// The month the app opens on for `today` (app's `calendar::month_due_next`, asked by the UI through the `deadline` command): the
/// previous month from the 6th, the one before until the 5th.
pub fn month_due_next(today: chrono::NaiveDate) -> String {
    let back = if today.day() <= 5 { 2 } else { 1 };
    let first = today.with_day(1).unwrap_or(today);
    let month = first
        .checked_sub_months(chrono::Months::new(back))
        .unwrap_or(first);
    month.format("%Y-%m").to_string()
}

impl StandIns {
    /// Starts both stand-ins in this runtime and writes the files into `home`.
    pub async fn start(home: &std::path::Path) -> anyhow::Result<StandIns> {
        let bankid = FakeBankId::start(FakeBankIdConfig::default())
            .await
            .context("the stand-in BankID starts")?;
        // FK's report schema, beside the repository (../shared/fk), checked with xmllint as FK
        // validates every report.
        let schema = crate::workspace_root().join("../shared/fk/tidredovisning_extern_v1.xsd");
        if !schema.is_file() {
            bail!(
                "FK's report schema is missing at {}: the shared FK files belong beside the \
                 repository (../shared/fk)",
                schema.display()
            );
        }
        let fk = FakeFk::start(FakeFkConfig {
            bankid_roots: Some(vec![bankid.user_root_der().to_vec()]),
            report_schema: Some(schema),
            ..FakeFkConfig::default()
        })
        .await
        .context("the stand-in FK starts")?;
        let dir = home.join("från-leverantören");
        std::fs::create_dir_all(&dir)?;
        let write = |name: &str, bytes: &[u8]| -> anyhow::Result<PathBuf> {
            let path = dir.join(name);
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            Ok(path)
        };
        let fk_client_password = "fk-lösen 2026".to_owned();
        let bankid_rp_password = "qwerty123".to_owned();
        let month = month_due_next(chrono::Local::now().date_naive());
        let person = Someone::new("19451212121", "Greta", "Holm")?;
        let assistant = Someone::new("19900214567", "Nils", "Öst")?;
        let signatory = Someone::new("19720603456", "Maria", "Berg")?;
        let csv = format!(
            "assistent;person;datum;start;slut;typ;anteckning\n\
             {a};{p};{month}-10;09:00;12:00;aktiv;\n\
             {a};{p};{month}-12;13:00;16:30;aktiv;\n",
            a = assistant.number,
            p = person.number,
        );
        let files = Files {
            fk_client_p12: write(
                "fk-klientcertifikat.p12",
                &fk.client_identity_p12(&fk_client_password)
                    .context("FK's client certificate")?,
            )?,
            fk_client_password,
            fk_ca: write("fk-test-ca.pem", fk.ca_pem().as_bytes())?,
            bankid_rp_p12: write(
                "bankid-rp.p12",
                &bankid
                    .client_pkcs12(&bankid_rp_password)
                    .context("BankID's RP certificate")?,
            )?,
            bankid_rp_password,
            bankid_ca: write("bankid-test-ca.pem", bankid.ssl_root_pem().as_bytes())?,
            bankid_user_root: write("bankid-test-rot.pem", bankid.user_root_pem().as_bytes())?,
            shifts_csv: write(&format!("pass-{month}.csv"), csv.as_bytes())?,
        };
        Ok(StandIns {
            fk,
            bankid,
            files,
            month,
            provider: (
                "Assistans Live AB".to_owned(),
                "556703-7485".to_owned(),
                "08-123 45 67".to_owned(),
            ),
            person,
            assistant,
            signatory,
        })
    }
}

type Out<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + 'a>>;

/// First start: the demo. Settings → FK's test service (answering the question) opens the
/// empty folder for real data, working in the test environment under the TEST banner.
pub fn the_folder_for_real_data_works_in_test<'a>(d: &'a Desktop, _: &'a StandIns) -> Out<'a> {
    Box::pin(async move {
        d.wait_for_text(".demo-banner", "DEMO").await?;
        d.open_screen("settings").await?;
        choose_environment(d, "test").await?;
        d.wait_for_text("main .folder", "riktiga")
            .await
            .context("the folder for real data is open")?;
        d.wait_for_text("[data-testid=test-banner]", "TEST")
            .await
            .context("the TEST banner")?;
        Ok(())
    })
}

/// Types `value` into the `index`th text input of `form` (a CSS selector).
async fn type_into(d: &Desktop, form: &str, index: usize, value: &str) -> anyhow::Result<()> {
    d.find(form).await?;
    let inputs = d
        .client
        .find_all(Locator::Css(&format!("{form} input:not([type=checkbox])")))
        .await?;
    let input = inputs
        .get(index)
        .with_context(|| format!("{form} has no input number {}", index + 1))?;
    input.clear().await?;
    input.send_keys(value).await?;
    Ok(())
}

async fn save_register_form(d: &Desktop, section: &str) -> anyhow::Result<()> {
    d.find(&format!("{section} form button.primary[type=submit]"))
        .await?
        .click()
        .await?;
    d.wait_for_text(&format!("{section} .notice.ok"), "Sparat")
        .await
        .with_context(|| format!("{section}: saved"))?;
    Ok(())
}

/// The Register: the provider, the person with assistance and the assistant, typed in.
pub fn the_provider_person_and_assistant_are_registered<'a>(
    d: &'a Desktop,
    s: &'a StandIns,
) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("register").await?;
        let provider = "section[aria-labelledby=reg-provider]";
        let (name, org, phone) = &s.provider;
        type_into(d, &format!("{provider} form"), 0, name).await?;
        type_into(d, &format!("{provider} form"), 1, org).await?;
        type_into(d, &format!("{provider} form"), 3, phone).await?;
        save_register_form(d, provider).await?;
        let persons = "section[aria-labelledby=reg-persons]";
        type_into(d, &format!("{persons} form"), 0, &s.person.number).await?;
        type_into(d, &format!("{persons} form"), 1, &s.person.first).await?;
        type_into(d, &format!("{persons} form"), 2, &s.person.last).await?;
        save_register_form(d, persons).await?;
        let assistants = "section[aria-labelledby=reg-assistants]";
        type_into(d, &format!("{assistants} form"), 0, &s.assistant.number).await?;
        type_into(d, &format!("{assistants} form"), 1, &s.assistant.first).await?;
        type_into(d, &format!("{assistants} form"), 2, &s.assistant.last).await?;
        type_into(d, &format!("{assistants} form"), 3, "070-123 45 67").await?;
        save_register_form(d, assistants).await?;
        row_with(d, "main", &[&s.assistant.last]).await?;
        Ok(())
    })
}

async fn choose_file(d: &Desktop, input: &str, path: &std::path::Path) -> anyhow::Result<()> {
    d.find(input)
        .await?
        .send_keys(&path.display().to_string())
        .await
        .with_context(|| format!("choosing {} in {input}", path.display()))?;
    Ok(())
}

/// Settings, FK's test service: its address and FK's CA file; the client certificate with its
/// password.
pub fn fks_test_service_is_set_up_in_settings<'a>(d: &'a Desktop, s: &'a StandIns) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("settings").await?;
        let service = "main [data-fk=test]";
        let address = d.find(&format!("{service} input[type=url]")).await?;
        address.clear().await?;
        address.send_keys(&s.fk.endpoint()).await?;
        click_button(d, service, "Spara adressen").await?;
        d.wait_for_text(service, "Adressen är sparad").await?;
        choose_file(d, &format!("{service} input[type=file]"), &s.files.fk_ca).await?;
        click_button(d, service, "Använd CA-filen").await?;
        d.wait_for_text(service, "Fake FK server CA")
            .await
            .context("FK's CA file is loaded and named")?;

        let cert = "main [data-cert=fk_client]";
        choose_file(
            d,
            &format!("{cert} input[type=file]"),
            &s.files.fk_client_p12,
        )
        .await?;
        d.find(&format!("{cert} input[type=password]"))
            .await?
            .send_keys(&s.files.fk_client_password)
            .await?;
        click_button(d, cert, "Läs in certifikatfil").await?;
        d.wait_for_text(cert, "Certifikatet är inläst")
            .await
            .context("FK's client certificate is imported")?;
        Ok(())
    })
}

/// Settings, BankID: the RP certificate with its password, and the test service's address,
/// the CA file it identifies itself with and its user-certificate root.
pub fn bankids_test_service_is_set_up_in_settings<'a>(d: &'a Desktop, s: &'a StandIns) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("settings").await?;
        let cert = "main [data-cert=bankid_rp]";
        choose_file(
            d,
            &format!("{cert} input[type=file]"),
            &s.files.bankid_rp_p12,
        )
        .await?;
        d.find(&format!("{cert} input[type=password]"))
            .await?
            .send_keys(&s.files.bankid_rp_password)
            .await?;
        click_button(d, cert, "Läs in certifikatfil").await?;
        d.wait_for_text(cert, "Certifikatet är inläst")
            .await
            .context("the RP certificate is imported")?;

        let section = "main [data-testid=bankid-test]";
        let address = d
            .find(&format!("{section} input[name=bankid-address]"))
            .await?;
        let shown = address.prop("value").await?.unwrap_or_default();
        if shown != "https://appapi2.test.bankid.com/rp/v6.0" {
            bail!(
                "until another is chosen the address is BankID's own test address, not {shown:?}"
            );
        }
        address.clear().await?;
        address.send_keys(&s.bankid.base_url()).await?;
        click_button(d, &format!("{section} form[data-bankid=address]"), "Spara").await?;
        d.wait_for_text(section, "BankID:s egen testadress")
            .await
            .context("the address is saved, BankID's own shown beside it")?;
        choose_file(
            d,
            &format!("{section} form[data-bankid=server_ca] input[type=file]"),
            &s.files.bankid_ca,
        )
        .await?;
        click_button(
            d,
            &format!("{section} form[data-bankid=server_ca]"),
            "Använd CA-filen",
        )
        .await?;
        d.find(&format!("{section} [data-bankid-trust=ca_file]"))
            .await
            .context("the service's CA file is loaded")?;
        choose_file(
            d,
            &format!("{section} form[data-bankid=user_root] input[type=file]"),
            &s.files.bankid_user_root,
        )
        .await?;
        click_button(
            d,
            &format!("{section} form[data-bankid=user_root]"),
            "Använd rotcertifikatet",
        )
        .await?;
        d.find(&format!("{section} [data-bankid-root=chosen]"))
            .await
            .context("the user-certificate root is loaded")?;
        Ok(())
    })
}

/// "Testa anslutningen till Försäkringskassan" and "Testa BankID" both pass.
pub fn the_going_live_checks_pass<'a>(d: &'a Desktop, _: &'a StandIns) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("settings").await?;
        d.find("[data-testid=check-fk]").await?.click().await?;
        d.wait_for_text(
            "[data-testid=check-fk-result]",
            "fungerar: servern har ett betrott certifikat",
        )
        .await
        .context("the TLS handshake with FK's test service and the client certificate")?;
        d.find("[data-testid=check-bankid]").await?.click().await?;
        d.wait_for_text(
            "[data-testid=check-bankid-result]",
            "godtog RP-certifikatet",
        )
        .await
        .context("an order started and cancelled at BankID's test service")?;
        Ok(())
    })
}

/// Import: the month's two shifts, no problems, saved.
pub fn a_small_month_is_imported<'a>(d: &'a Desktop, s: &'a StandIns) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("import").await?;
        choose_file(d, "input[data-testid=import-file]", &s.files.shifts_csv).await?;
        d.wait_for_text("main", "0 med fel")
            .await
            .context("the preview finds no problem")?;
        click_button(d, "main", "Spara 2 pass").await?;
        d.wait_for_text("main .notice.ok", "Sparade 2 pass").await?;
        Ok(())
    })
}

/// The BankID test app on the signer's phone: scans the QR code of the open dialog and
/// approves as `who`. Then the dialog says who signed and is closed.
async fn approve_on_the_phone(d: &Desktop, s: &StandIns, who: &Someone) -> anyhow::Result<()> {
    d.find("dialog[open] .qr svg")
        .await
        .context("the dialog shows the QR code while BankID waits")?;
    if !d
        .client
        .find_all(Locator::Css("dialog[open] .simulate"))
        .await?
        .is_empty()
    {
        bail!("outside the demo there is no simulated BankID app");
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let order = loop {
        if let Some(order) = s.bankid.pending_orders().into_iter().next() {
            break order;
        }
        if Instant::now() > deadline {
            bail!("no order reached the stand-in BankID within 20 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    s.bankid
        .user(&order)
        .approve_as(&who.number, &who.name())
        .context("the BankID app approves")?;
    d.wait_for_text("dialog[open] .message.complete", &who.name())
        .await
        .context("the dialog says who signed")?;
    click_button(d, "dialog[open]", "Stäng").await?;
    Ok(())
}

/// Sign: the signatory is added; the assistant signs, then the provider, with BankID's test
/// service (the stand-in).
pub fn the_assistant_and_the_provider_sign_in_test<'a>(d: &'a Desktop, s: &'a StandIns) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("sign").await?;
        d.find("[data-testid=signatories] details summary")
            .await?
            .click()
            .await?;
        let form = "[data-testid=signatories] details form";
        type_into(d, form, 0, &s.signatory.number).await?;
        type_into(d, form, 1, &s.signatory.first).await?;
        type_into(d, form, 2, &s.signatory.last).await?;
        click_button(d, form, "Spara firmatecknare").await?;
        let deadline = Instant::now() + Duration::from_secs(20);
        'listed: loop {
            for option in d
                .client
                .find_all(Locator::Css("[data-testid=signatory-choice] option"))
                .await?
            {
                if option
                    .text()
                    .await
                    .unwrap_or_default()
                    .contains(&s.signatory.last)
                {
                    break 'listed;
                }
            }
            if Instant::now() > deadline {
                bail!("the signatory is not offered as the one who signs");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let (assistant, person) = (s.assistant.name(), s.person.name());
        let row = row_with(d, "main table.data tbody", &[&assistant, &person]).await?;
        row.find(Locator::XPath(".//button[contains(., 'assistent')]"))
            .await
            .context("the imported report is ready for the assistant's signature")?
            .click()
            .await?;
        approve_on_the_phone(d, s, &s.assistant).await?;
        let row = row_with(d, "main table.data tbody", &[&assistant, &person]).await?;
        row.find(Locator::XPath(".//button[contains(., 'anordnare')]"))
            .await
            .context("after the assistant, the report waits for the provider")?
            .click()
            .await?;
        approve_on_the_phone(d, s, &s.signatory).await?;
        row_with(
            d,
            "main table.data tbody",
            &[&assistant, "Signerad av anordnare"],
        )
        .await
        .context("the report is signed by the provider")?;
        Ok(())
    })
}

/// Submit in test: FK's test service (the stand-in) answers with a tx-id; the TEST banner is
/// there; History shows the report received; the receipt says TEST and carries the tx-id.
pub fn the_month_is_sent_in_test_and_labelled_test<'a>(d: &'a Desktop, s: &'a StandIns) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("submit").await?;
        d.wait_for_text("[data-testid=test-banner]", "TEST").await?;
        click_button(d, "main", "Skicka").await?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut seen = Vec::new();
            for item in d.client.find_all(Locator::Css("main ul.queue li")).await? {
                seen.push(item.text().await.unwrap_or_default());
            }
            if seen
                .iter()
                .any(|t| t.contains(&s.assistant.first) && t.contains("Transaktions-id"))
            {
                break;
            }
            if Instant::now() > deadline {
                bail!("no tx-id from FK's test service within 60 s; the queue shows {seen:?}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let received = s.fk.requests();
        if received.len() != 1 {
            bail!(
                "FK's test service should have received exactly one request, it got {}",
                received.len()
            );
        }

        d.open_screen("history").await?;
        let row = row_with(
            d,
            "main table.data tbody",
            &[&s.assistant.first, "Mottagen"],
        )
        .await?;
        let mut tx_id = None;
        for cell in row.find_all(Locator::Css("td.mono")).await? {
            let text = cell.text().await.unwrap_or_default();
            if text.len() == 36 && text.matches('-').count() == 4 {
                tx_id = Some(text);
            }
        }
        let tx_id = tx_id.context("the history shows FK's tx-id")?;
        d.wait_for_text("[data-testid=test-banner]", "TEST").await?;
        click_button(d, "main", "Exportera kvitto").await?;
        let file = format!("kvitto-{}.pdf", s.month);
        let notice = d.wait_for_text("main .written", &file).await?;
        let path = notice
            .split_whitespace()
            .find(|w| w.ends_with(&file))
            .context("the notice names the receipt file")?;
        let out = std::process::Command::new("pdftotext")
            .args([path, "-"])
            .output()
            .context("pdftotext (poppler-utils) reads the receipt")?;
        let receipt = String::from_utf8_lossy(&out.stdout);
        if !receipt.contains(&tx_id) {
            bail!("the receipt {path} does not show the tx-id {tx_id}");
        }
        if !receipt.contains("TEST") {
            bail!("the receipt {path} of FK's test service is not labelled TEST");
        }
        d.open_screen("settings").await?;
        d.find("li[data-step=first_test_report][data-state=done]")
            .await
            .context("the going-live checklist counts the first report in FK's test service")?;
        Ok(())
    })
}

/// Settings → production (answering its question): no TEST banner; the same report is still
/// to sign (the assistant first) and nothing is sent or waiting to be sent there.
pub fn in_production_the_report_is_still_to_sign_and_send<'a>(
    d: &'a Desktop,
    s: &'a StandIns,
) -> Out<'a> {
    Box::pin(async move {
        d.open_screen("settings").await?;
        choose_environment(d, "prod").await?;
        d.find("main input[name=env][value=prod]:checked")
            .await
            .context("production is chosen")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !d
            .client
            .find_all(Locator::Css("[data-testid=test-banner]"))
            .await?
            .is_empty()
        {
            if Instant::now() > deadline {
                bail!("the TEST banner is still shown in production");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        d.open_screen("sign").await?;
        let row = row_with(
            d,
            "main table.data tbody",
            &[&s.assistant.name(), &s.person.name()],
        )
        .await?;
        row.find(Locator::XPath(
            ".//button[contains(., 'Signera som assistent')]",
        ))
        .await
        .context("in production the report waits for the assistant's signature again")?;
        d.open_screen("submit").await?;
        d.wait_for_text("main", "Inga rapporter väntar på att skickas")
            .await
            .context("nothing signed in production, so nothing to send yet")?;
        d.open_screen("history").await?;
        d.wait_for_text("main", "Ingenting har skickats ännu")
            .await
            .context("the test submission does not count in production")?;
        Ok(())
    })
}

/// Every step of the live walk, in order.
pub const LIVE_STEPS: &[(&str, LiveStep)] = &[
    (
        "the folder for real data is switched to the test environment",
        the_folder_for_real_data_works_in_test,
    ),
    (
        "the provider, a person and an assistant are registered",
        the_provider_person_and_assistant_are_registered,
    ),
    (
        "FK's test service: address, CA file and client certificate in Settings",
        fks_test_service_is_set_up_in_settings,
    ),
    (
        "BankID's test service: RP certificate, address, CA file and root in Settings",
        bankids_test_service_is_set_up_in_settings,
    ),
    (
        "the going-live checks pass against the stand-ins",
        the_going_live_checks_pass,
    ),
    ("a small month is imported", a_small_month_is_imported),
    (
        "the assistant and the provider sign with BankID's test service",
        the_assistant_and_the_provider_sign_in_test,
    ),
    (
        "the month is sent to FK's test service and labelled TEST",
        the_month_is_sent_in_test_and_labelled_test,
    ),
    (
        "in production the same report is still to sign and send",
        in_production_the_report_is_still_to_sign_and_send,
    ),
];

#[cfg(test)]
mod tests {
    use super::month_due_next;
    use chrono::NaiveDate;

    #[test]
    fn the_month_due_next_is_the_one_the_app_opens_on() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert_eq!(month_due_next(day(2026, 12, 5)), "2026-10");
        assert_eq!(month_due_next(day(2026, 12, 6)), "2026-11");
        assert_eq!(month_due_next(day(2027, 1, 20)), "2026-12");
        assert_eq!(month_due_next(day(2027, 2, 1)), "2026-12");
    }
}
