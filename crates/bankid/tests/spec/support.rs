//! Shared set-up: a fake BankID and a client that trusts only its root.

use std::time::Duration;

use assistid_bankid::{Client, Environment, RetryPolicy};
use assistid_core::secret::Sensitive;
use assistid_fakes::bankid::{FakeBankId, FakeBankIdConfig};

pub const PASSWORD: &str = "qwerty123";

pub async fn fake_and_client(config: FakeBankIdConfig) -> (FakeBankId, Client) {
    let fake = FakeBankId::start(config)
        .await
        .expect("the fake BankID starts");
    let p12 = fake
        .client_pkcs12(PASSWORD)
        .expect("the fake issues an RP certificate");
    let client = Client::builder(Environment::Custom(fake.ssl_root_pem().to_owned()))
        .base_url(fake.base_url())
        .identity_pkcs12(&p12, &Sensitive::new(PASSWORD.to_owned()))
        .expect("the PKCS#12 opens with its password")
        .retry_policy(RetryPolicy {
            max_retries: 2,
            delay: Duration::from_millis(10),
        })
        .build()
        .expect("the client builds");
    (fake, client)
}

pub fn fast() -> FakeBankIdConfig {
    FakeBankIdConfig::default()
}
