//! The Certificate tab's Azure Key Vault source: choose it, type the vault's URL, pick how the
//! vault is reached, list its certificates in the background and pick one; the profile then keeps
//! the certificate's identifier and the way in.

use crate::gui_harness;
use crate::support;

use certconnect::core::draft::CertKind;
use certconnect::core::key_vault::VaultAccess;
use certconnect::core::profile::{CertificateSource, PasswordSource};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::gui;
use support::key_vault_env::{APP_CERT, CURRENT_VERSION, EC_CERT, with_vault};
use support::probe_env::Env;

#[test]
fn a_vault_certificate_is_listed_in_the_background_and_picked() {
    let env = Env::with(with_vault);
    // The saved profile whose own certificate reaches the vault.
    let pfx = env.ws.pfx(
        "vaulter.pfx",
        &env.ws.path("app.key"),
        &env.ws.path("app.pem"),
        "",
        &[],
    );
    let mut vaulter = env.draft();
    vaulter.name = "Vaulter".into();
    vaulter.pfx_path = support::s(&pfx).to_owned();
    vaulter.password = PasswordSource::None;
    certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"))
        .save(&vaulter.parse().unwrap())
        .unwrap();

    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.settle();
    g.h.get_by_role_and_label(Role::RadioButton, "Azure Key Vault")
        .click();
    g.h.run_ok();
    assert_eq!(g.h.state().draft().cert_kind, CertKind::KeyVault);
    // Nothing to list before a vault is named.
    assert!(
        g.h.get_by_role_and_label(Role::Button, "List certificates")
            .accesskit_node()
            .is_disabled()
    );
    g.field("Key Vault certificate", env.sandbox.vault_url());
    g.click("Another profile");
    g.field("Profile reaching the vault", "Vaulter");
    g.button("List certificates");
    g.settle();
    // Only RSA certificates are offered.
    assert!(g.h.query_by_label_contains(EC_CERT).is_none());
    g.h.get_by_label_contains(&format!("{APP_CERT} (CN=Connector in Key Vault)"))
        .click();
    g.h.run_ok();
    let url = format!(
        "{}/certificates/{APP_CERT}/{CURRENT_VERSION}",
        env.sandbox.vault_url()
    );
    assert_eq!(g.h.state().draft().key_vault_url, url);
    match g.h.state().draft().certificate_source().unwrap() {
        CertificateSource::KeyVault { url: kept, access } => {
            assert_eq!(kept, url);
            assert_eq!(access, VaultAccess::Profile("Vaulter".into()));
        }
        other => panic!("{other:?}"),
    }
    let vault_calls = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/certificates"))
        .count();
    assert!(
        vault_calls >= 2,
        "the list and each certificate were read: {vault_calls}"
    );
}
