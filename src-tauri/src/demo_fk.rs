//! The FK of the data folder's environment, for the window's sending run and its connection
//! check. In the demo folder the demo's fake FK is started here, at the edge, and handed to
//! the app as a stand-in (an address and trust anchors, nothing else; the app refuses it in a
//! folder with real data); it runs as long as the [`FkLink`] that owns it. In test and prod the
//! app connects to FK's service from the folder's settings ([`App::connect`]).

use anyhow::Context as _;
use assistid_app::App;
use assistid_app::core_types::secret::Sensitive;
use assistid_app::submit::{ConnectOptions, EltConnection, Environment, StandInFk};
use assistid_fakes::fk::{BackgroundFakeFk, FakeFk, FakeFkConfig};

/// The password of the demo's generated client certificate (it never leaves the process).
const DEMO_PASSWORD: &str = "assistid-demo";

/// A connection to FK's service of one environment; in the demo also the demo's running FK,
/// stopped when this is dropped.
#[derive(Debug)]
pub struct FkLink {
    connection: EltConnection,
    demo: Option<BackgroundFakeFk>,
}

impl FkLink {
    /// Connects `app`'s data folder to FK's service of `environment`: the demo's FK started
    /// here for the demo, FK's test or production service from the settings otherwise.
    pub fn connect(app: &App, environment: Environment) -> anyhow::Result<Self> {
        if environment != Environment::Demo {
            return Ok(Self {
                connection: app.connect(&ConnectOptions::new(environment))?,
                demo: None,
            });
        }
        // Real data is refused before anything starts.
        app.check_environment(environment)?;
        let setup = app.demo_fk_setup()?;
        let fake = FakeFk::start_background(FakeFkConfig {
            journal: Some(setup.journal),
            bankid_roots: Some(setup.bankid_roots),
            ..FakeFkConfig::default()
        })
        .context("demons Försäkringskassa (demo-FK) kunde inte starta")?;
        let stand_in = StandInFk {
            endpoint: fake.endpoint(),
            ca_pem: fake.ca_pem().to_owned(),
            client_identity_p12: fake
                .client_identity_p12(DEMO_PASSWORD)
                .context("demo-FK:s klientcertifikat kunde inte skapas")?,
            password: Sensitive::new(DEMO_PASSWORD.to_owned()),
        };
        Ok(Self {
            connection: app.connect_stand_in_fk(stand_in)?,
            demo: Some(fake),
        })
    }

    /// The connection.
    pub fn connection(&self) -> &EltConnection {
        &self.connection
    }
}

impl AsRef<EltConnection> for FkLink {
    fn as_ref(&self) -> &EltConnection {
        &self.connection
    }
}

impl FkLink {
    /// In the demo: the requests the demo's FK counted as too close together (0 expected).
    pub fn demo_rate_violations(&self) -> Option<usize> {
        self.demo.as_ref().map(|fake| fake.rate_violations())
    }
}
