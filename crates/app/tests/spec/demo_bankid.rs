//! The demo's BankID as the tests' edge starts it, like the CLI's and the desktop's demo
//! wiring: the fake BankID on loopback handed to the app as a stand-in, and the simulated
//! BankID app acting on each order as it starts — approving as the person meant to sign (whom
//! only the app can name, and only for a demo order), or cancelling, expiring, approving as
//! somebody else, failing with `certificateErr`.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use assistid_app::App;
use assistid_app::signing::{BankIdConnection, PreparedOrder, SigningEvent, StandInBankId};
use assistid_core::ids::Personnummer;
use assistid_core::secret::Sensitive;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};
use chrono::Utc;
use uuid::Uuid;

/// What the simulated BankID app does with an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    /// Approve as the person meant to sign.
    Approve,
    /// The user cancels in the app.
    Cancel,
    /// Nobody finishes in time.
    Expire,
    /// Somebody else approves (the app must refuse to store it).
    WrongPerson,
    /// The user's BankID is blocked.
    CertificateErr,
    /// Phone orders: the user says in the app that no call is going on (`userDeclinedCall`).
    DeclineCall,
    /// Nothing: the test acts itself, or nobody does.
    Manual,
}

/// The person a simulated app approves as.
#[derive(Debug, Clone)]
pub struct Signer {
    personnummer: Option<Personnummer>,
    name: String,
}

impl Signer {
    /// Nobody (the order is expected never to start).
    pub fn nobody() -> Self {
        Self {
            personnummer: None,
            name: String::new(),
        }
    }

    /// The signer of `order`, as the app names it for a demo order.
    pub fn of(order: &PreparedOrder, bankid: &DemoBankId) -> Self {
        let signer = order
            .simulated_signer(&bankid.connection)
            .expect("the app names the signer of a demo order to the simulated app");
        Self {
            personnummer: Some(signer.personnummer.clone()),
            name: signer.name.to_owned(),
        }
    }

    /// The assistant meant to sign report `id` (nobody when it cannot be signed now).
    pub fn assistant_of(app: &App, bankid: &DemoBankId, id: Uuid) -> Self {
        match app.prepare_assistant_signing(id, Utc::now()) {
            Ok(order) => Self::of(&order, bankid),
            Err(_) => Self::nobody(),
        }
    }

    /// A signatory by personnummer and name.
    pub fn named(personnummer: &Personnummer, name: &str) -> Self {
        Self {
            personnummer: Some(personnummer.clone()),
            name: name.to_owned(),
        }
    }
}

/// The demo's BankID started by the test, connected through the app.
pub struct DemoBankId {
    pub connection: BankIdConnection,
    pub fake: Arc<FakeBankId>,
    /// How long the simulated app waits before it acts.
    pub delay: Duration,
}

impl Deref for DemoBankId {
    type Target = BankIdConnection;
    fn deref(&self) -> &BankIdConnection {
        &self.connection
    }
}

/// What the app receives of a running fake BankID.
pub fn stand_in(fake: &FakeBankId) -> StandInBankId {
    StandInBankId {
        base_url: fake.base_url(),
        tls_root_pem: fake.ssl_root_pem().to_owned(),
        rp_identity_pem: Sensitive::new(
            fake.client_identity_pem()
                .expect("the fake's RP identity is PEM"),
        ),
        user_root_der: fake.user_root_der().to_vec(),
    }
}

impl DemoBankId {
    /// Starts the fake BankID and connects the demo folder's `app` to it.
    pub async fn start(app: &App, delay: Duration) -> Self {
        Self::start_with(app, FakeBankIdConfig::default(), delay).await
    }

    /// Like [`DemoBankId::start`] with the fake's settings.
    pub async fn start_with(app: &App, config: FakeBankIdConfig, delay: Duration) -> Self {
        let fake = FakeBankId::start(config)
            .await
            .expect("the fake BankID starts");
        let connection = app
            .connect_stand_in_bankid(stand_in(&fake))
            .expect("the demo folder accepts the demo's BankID");
        Self {
            connection,
            fake: Arc::new(fake),
            delay,
        }
    }

    /// An event sink that makes the simulated app of `signer` do `outcome` on every order as
    /// it starts, and passes every event on to `sink`.
    pub fn acting<'s>(
        &self,
        outcome: DemoOutcome,
        signer: Signer,
        mut sink: impl FnMut(SigningEvent) + Send + 's,
    ) -> impl FnMut(SigningEvent) + Send + 's {
        let fake = self.fake.clone();
        let delay = self.delay;
        move |event: SigningEvent| {
            if let SigningEvent::OrderStarted { order_ref, .. } = &event {
                act(
                    fake.clone(),
                    delay,
                    order_ref.clone(),
                    outcome,
                    signer.clone(),
                );
            }
            sink(event);
        }
    }
}

fn act(
    fake: Arc<FakeBankId>,
    delay: Duration,
    order_ref: String,
    outcome: DemoOutcome,
    signer: Signer,
) {
    if outcome == DemoOutcome::Manual {
        return;
    }
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let user = fake.user(&order_ref);
        // The order may already be over (cancelled): nothing to do then.
        let _ = match (outcome, &signer.personnummer) {
            (DemoOutcome::Approve, Some(pnr)) => user.approve_as(pnr.digits(), &signer.name),
            (DemoOutcome::WrongPerson, _) => user.approve_as("198001019879", "Demo Demosson"),
            (DemoOutcome::Cancel, _) => user.cancel(),
            (DemoOutcome::Expire, _) => user.expire(),
            (DemoOutcome::CertificateErr, _) => user.fail_certificate_err(),
            (DemoOutcome::DeclineCall, _) => user.decline_call(),
            (DemoOutcome::Approve | DemoOutcome::Manual, _) => Ok(()),
        };
    });
}
