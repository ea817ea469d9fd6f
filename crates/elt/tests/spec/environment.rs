//! Environments: FK's addresses as editable defaults, and demo data never mixed with real FK.

use assistid_core::secret::Sensitive;
use assistid_elt::environment::{FK_PROD_ENDPOINT, FK_TEST_ENDPOINT};
use assistid_elt::{
    EltClient, EltError, Environment, EnvironmentConfig, TrustAnchor,
    check_data_matches_environment,
};

#[test]
fn defaults_are_fks_addresses_from_elt_md() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/docs/ELT.md"),
    )
    .expect("ELT.md is readable");
    assert!(docs.contains(FK_PROD_ENDPOINT) && docs.contains(FK_TEST_ENDPOINT));
    let prod = EnvironmentConfig::fk_default(Environment::Prod, TrustAnchor::SystemRoots)
        .expect("prod has a default");
    assert_eq!(prod.endpoint, FK_PROD_ENDPOINT);
    assert!(
        EnvironmentConfig::fk_default(Environment::Demo, TrustAnchor::SystemRoots).is_none(),
        "the demo address is the running fake's"
    );
    assert_eq!("test".parse::<Environment>(), Ok(Environment::Test));
    assert!("produktion".parse::<Environment>().is_err());
}

#[test]
fn demo_data_only_to_the_fake_and_real_data_only_to_fk() {
    for (env, demo, allowed) in [
        (Environment::Demo, true, true),
        (Environment::Demo, false, false),
        (Environment::Test, true, false),
        (Environment::Test, false, true),
        (Environment::Prod, true, false),
        (Environment::Prod, false, true),
    ] {
        let result = check_data_matches_environment(env, demo);
        assert_eq!(result.is_ok(), allowed, "{env} with demo data = {demo}");
        if let Err(e) = result {
            assert!(matches!(e, EltError::EnvironmentMismatch { .. }));
            assert!(e.is_configuration());
        }
    }
}

#[test]
fn only_https_endpoints_are_accepted() {
    let error = EltClient::builder()
        .endpoint("http://shsext.forsakringskassan.se:8020/shs2/FK.ASE.Tidredovisning.ext")
        .identity(Vec::new(), Sensitive::new(String::new()))
        .trust(TrustAnchor::SystemRoots)
        .build()
        .expect_err("plain HTTP must be refused");
    assert!(
        matches!(error, EltError::InvalidEndpoint { .. }),
        "{error:?}"
    );
}
