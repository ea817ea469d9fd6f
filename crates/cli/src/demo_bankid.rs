//! The demo's BankID for `assistid sign` in the demo folder: the fake BankID started in this
//! process and handed to the app as a stand-in (an address and trust anchors, nothing else),
//! and the "simulated BankID app" acting on each order as `--demo-outcome` says. The app
//! layer refuses both outside the demo folder; nothing here runs for test or prod.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use assistid_app::core_types::ids::Personnummer;
use assistid_app::core_types::secret::Sensitive;
use assistid_app::signing::StandInBankId;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};

use crate::args::DemoOutcomeArg;

/// How long the simulated user takes before acting (long enough to see the QR code once).
const DEMO_DELAY: Duration = Duration::from_millis(1500);

/// Somebody else's BankID for `--demo-outcome wrong-person` (a valid test personnummer).
const SOMEBODY_ELSE: (&str, &str) = ("198001019879", "Demo Demosson");

/// The running demo BankID (stopped when dropped).
pub struct DemoBankId {
    fake: Arc<FakeBankId>,
    outcome: DemoOutcomeArg,
}

impl DemoBankId {
    /// Starts the fake BankID with a new RP certificate and CAs.
    pub async fn start(outcome: DemoOutcomeArg) -> anyhow::Result<Self> {
        let fake = FakeBankId::start(FakeBankIdConfig::default())
            .await
            .context("demo-BankID kunde inte starta")?;
        Ok(Self {
            fake: Arc::new(fake),
            outcome,
        })
    }

    /// What the app receives: the address and trust anchors of the demo BankID.
    pub fn stand_in(&self) -> anyhow::Result<StandInBankId> {
        Ok(StandInBankId {
            base_url: self.fake.base_url(),
            tls_root_pem: self.fake.ssl_root_pem().to_owned(),
            rp_identity_pem: Sensitive::new(
                self.fake
                    .client_identity_pem()
                    .context("demo-BankID:s RP-certifikat")?,
            ),
            user_root_der: self.fake.user_root_der().to_vec(),
        })
    }

    /// The simulated app of the person meant to sign one order.
    pub fn user_for(&self, signer: &Personnummer, name: &str) -> SimulatedUser {
        SimulatedUser {
            fake: self.fake.clone(),
            outcome: self.outcome,
            signer: signer.clone(),
            name: name.to_owned(),
        }
    }
}

/// The simulated BankID app of one signer.
pub struct SimulatedUser {
    fake: Arc<FakeBankId>,
    outcome: DemoOutcomeArg,
    signer: Personnummer,
    name: String,
}

impl SimulatedUser {
    /// Acts on the started order `order_ref` after a short delay (on the running runtime).
    pub fn act_on(&self, order_ref: &str) {
        let (fake, outcome, order_ref) = (self.fake.clone(), self.outcome, order_ref.to_owned());
        let (signer, name) = (self.signer.clone(), self.name.clone());
        tokio::spawn(async move {
            tokio::time::sleep(DEMO_DELAY).await;
            let user = fake.user(&order_ref);
            // The order may already be over (cancelled with Ctrl-C): nothing to do then.
            let _ = match outcome {
                DemoOutcomeArg::Approve => user.approve_as(signer.digits(), &name),
                DemoOutcomeArg::WrongPerson => user.approve_as(SOMEBODY_ELSE.0, SOMEBODY_ELSE.1),
                DemoOutcomeArg::Cancel => user.cancel(),
                DemoOutcomeArg::Expire => user.expire(),
                DemoOutcomeArg::CertificateErr => user.fail_certificate_err(),
                DemoOutcomeArg::DeclineCall => user.decline_call(),
            };
        });
    }
}
