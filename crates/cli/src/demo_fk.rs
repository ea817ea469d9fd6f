//! The demo's FK for `assistid submit` in the demo folder: the fake FK started in this process
//! (on loopback, its own CA and client certificate) and handed to the app as a stand-in — an
//! address and trust anchors, nothing else. The app layer refuses it outside the demo folder;
//! nothing here runs for test or prod. The fake keeps its journal in the demo folder and checks
//! each signature against the demo BankID's roots saved there, both as the app says
//! ([`App::demo_fk_setup`]).

use anyhow::Context as _;
use assistid_app::App;
use assistid_app::core_types::secret::Sensitive;
use assistid_app::submit::{EltConnection, StandInFk};
use assistid_fakes::fk::{BackgroundFakeFk, FakeFk, FakeFkConfig};

/// The password of the demo's generated client certificate (it never leaves the process).
const DEMO_PASSWORD: &str = "assistid-demo";

/// The running demo FK (stopped when dropped): keep it as long as its connection is used.
pub struct DemoFk {
    fake: BackgroundFakeFk,
}

impl DemoFk {
    /// Starts the demo's FK for the demo folder `app` has open and connects the app to it.
    pub fn connect(app: &App) -> anyhow::Result<(EltConnection, Self)> {
        let setup = app.demo_fk_setup()?;
        let fake = FakeFk::start_background(FakeFkConfig {
            journal: Some(setup.journal),
            bankid_roots: Some(setup.bankid_roots),
            ..FakeFkConfig::default()
        })
        .context("demo-FK kunde inte startas")?;
        let stand_in = StandInFk {
            endpoint: fake.endpoint(),
            ca_pem: fake.ca_pem().to_owned(),
            client_identity_p12: fake
                .client_identity_p12(DEMO_PASSWORD)
                .context("demo-FK:s klientcertifikat kunde inte skapas")?,
            password: Sensitive::new(DEMO_PASSWORD.to_owned()),
        };
        let connection = app.connect_stand_in_fk(stand_in)?;
        Ok((connection, Self { fake }))
    }

    /// The requests the demo FK counted as too close together (0 when the pacing held).
    pub fn rate_violations(&self) -> usize {
        self.fake.rate_violations()
    }
}
