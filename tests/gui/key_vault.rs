//! The Certificate tab's Azure Key Vault source: choose it, type the vault's URL, pick how the
//! vault is reached, list its certificates in the background and pick one; the profile then keeps
//! the certificate's identifier and the way in.

use crate::gui_harness;
use crate::support;

use certconnect::core::draft::CertKind;
use certconnect::core::key_vault::VaultAccess;
use certconnect::core::profile::CertificateSource;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::gui;
use support::key_vault_env::{APP_CERT, CURRENT_VERSION, EC_CERT, with_vault};
use support::probe_env::Env;

/// Saves "Vaulter", the profile whose own certificate reaches the vault, where the app reads.
fn save_vaulter(env: &Env) {
    support::key_vault_env::save_vaulter(
        env,
        &certconnect::profile_store::ProfileStore::at(env.ws.path("profiles")),
    );
}

/// The app opened on the sandbox's profile, its Certificate tab showing the Key Vault source.
fn key_vault_source(env: &Env) -> gui_harness::Gui<'static> {
    let mut g = gui(env, Some(env.profile()));
    g.click("Certificate");
    g.settle();
    g.h.get_by_role_and_label(Role::RadioButton, "Azure Key Vault")
        .click();
    g.h.run_ok();
    g
}

/// Chooses `name` in the list of saved profiles that may reach the vault.
fn choose_vault_profile(g: &mut gui_harness::Gui<'_>, name: &str) {
    g.h.get_by_role_and_label(Role::ComboBox, "Profile reaching the vault")
        .click();
    g.h.run_ok();
    // The profile list on the left names the profile too: the list's entry is the one drawn last.
    g.h.query_all_by_label(name).last().unwrap().click();
    g.h.run_ok();
}

/// Saves a profile named "Vaulted" whose certificate is the vault's, reached through "Vaulter",
/// and opens its Certificate tab.
fn vaulted_certificate_tab(env: &Env) -> gui_harness::Gui<'static> {
    save_vaulter(env);
    let mut draft = env.draft();
    draft.name = "Vaulted".into();
    draft.cert_kind = CertKind::KeyVault;
    draft.key_vault_url = format!("{}/certificates/{APP_CERT}", env.sandbox.vault_url());
    draft.vault_access = VaultAccess::Profile("Vaulter".into());
    draft.object_id = "00000000-0000-4000-8000-0000000000aa".into();
    certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"))
        .save(&draft.parse().unwrap())
        .unwrap();
    let mut g = gui(env, None);
    g.click("Vaulted");
    g.settle();
    g.click("Certificate");
    g.settle();
    g
}

#[test]
fn a_saved_vault_profile_offers_rotation_and_reloads_from_the_vault() {
    let env = Env::with(with_vault);
    let mut g = vaulted_certificate_tab(&env);
    g.h.get_by_role_and_label(Role::Button, "Copy thumbprint");
    // Reload names the vault, not a file.
    g.h.get_by_role_and_label(Role::Button, "Reload certificate")
        .hover();
    for _ in 0..8 {
        g.h.step();
    }
    g.h.get_by_label("Read the certificate from the vault again");
    assert!(g.h.query_by_label("Read the file again").is_none());
    // The profile reaching the vault is chosen from the saved ones, this one left out (the
    // profile list on the left names each once).
    assert_eq!(g.h.query_all_by_label("Vaulted").count(), 1);
    g.h.get_by_role_and_label(Role::ComboBox, "Profile reaching the vault")
        .click();
    g.h.run_ok();
    assert_eq!(g.h.query_all_by_label("Vaulted").count(), 1);
    assert_eq!(g.h.query_all_by_label("Vaulter").count(), 2);
    g.h.query_all_by_label("Vaulter").last().unwrap().click();
    g.h.run_ok();
    assert_eq!(
        g.h.state().draft().vault_access,
        VaultAccess::Profile("Vaulter".into())
    );
    // Rotation is offered, in its vault mode.
    let rotate =
        g.h.get_by_role_and_label(Role::Button, "Rotate certificate…");
    assert!(!rotate.accesskit_node().is_disabled());
    g.button("Rotate certificate…");
    g.h.get_by_role_and_label(Role::Dialog, "Rotate certificate");
    g.h.get_by_label_contains("Key Vault makes the certificate's next version");
}

#[test]
fn the_vault_url_alone_is_a_step_toward_picking_until_save() {
    let env = Env::with(with_vault);
    let mut g = key_vault_source(&env);
    // The List button's reason names the field to type the vault in.
    let why =
        g.h.get_by_role_and_label(Role::Button, "List certificates")
            .accesskit_node()
            .description()
            .unwrap_or_default();
    assert!(why.contains("in Key Vault certificate"), "{why}");
    g.field("Key Vault certificate", env.sandbox.vault_url());
    // Leave the field: the vault alone is a hint toward listing, not an error.
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    g.h.get_by_label_contains("That is the vault: press List certificates");
    assert!(
        g.h.query_by_label_contains("certificates/CERT").is_none(),
        "no error for the vault's URL before Save"
    );
    assert!(
        !g.h.state().shows_field_errors(),
        "no tab is marked in error either"
    );
    assert!(
        !g.h.get_by_role_and_label(Role::Button, "List certificates")
            .accesskit_node()
            .is_disabled()
    );
    // Save insists: now the missing certificate is an error.
    g.button("Save");
    assert!(g.h.state().shows_field_errors());
    assert!(
        g.h.query_all_by_label_contains("certificates/CERT")
            .next()
            .is_some()
    );
}

#[test]
fn a_vault_failure_s_fix_names_the_window_s_controls() {
    let env = Env::with(with_vault);
    save_vaulter(&env);
    let mut g = key_vault_source(&env);
    g.click("Another profile");
    choose_vault_profile(&mut g, "Vaulter");
    g.field(
        "Key Vault certificate",
        &format!("{}/certificates/no-such-cert", env.sandbox.vault_url()),
    );
    g.settle();
    g.h.get_by_label_contains("Not loaded");
    // The shared fix names a command; the app names its own button.
    assert!(
        g.h.query_by_label_contains("cert list --key-vault")
            .is_none(),
        "no command line in the window's fix"
    );
    g.h.get_by_label_contains("press List certificates and pick one");
}

#[test]
fn a_vault_certificate_is_listed_in_the_background_and_picked() {
    let env = Env::with(with_vault);
    save_vaulter(&env);

    let mut g = key_vault_source(&env);
    assert_eq!(g.h.state().draft().cert_kind, CertKind::KeyVault);
    // Nothing to list before a vault is named.
    assert!(
        g.h.get_by_role_and_label(Role::Button, "List certificates")
            .accesskit_node()
            .is_disabled()
    );
    g.field("Key Vault certificate", env.sandbox.vault_url());
    g.click("Another profile");
    choose_vault_profile(&mut g, "Vaulter");
    g.button("List certificates");
    g.settle();
    // Only RSA certificates are offered.
    assert!(g.h.query_by_label_contains(EC_CERT).is_none());
    g.h.get_by_label_contains(&format!("{APP_CERT} (CN=Connector in Key Vault)"))
        .click();
    g.h.run_ok();
    // The pick follows the vault's current version, as its words say: no version is pinned.
    let url = format!("{}/certificates/{APP_CERT}", env.sandbox.vault_url());
    assert_eq!(g.h.state().draft().key_vault_url, url);
    assert!(!g.h.state().draft().key_vault_url.contains(CURRENT_VERSION));
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
    // The card and a test run reach the vault through 'Vaulter' from the app's own store (the
    // one it shows), not a default directory where no such profile is.
    g.settle();
    assert!(
        g.h.query_by_label_contains("Not loaded").is_none(),
        "the card found the profile reaching the vault"
    );
    g.h.get_by_role_and_label(Role::Button, "Copy thumbprint");
    g.test_connection();
    g.h.get_by_label("Connected");
    assert!(
        env.sandbox
            .requests()
            .iter()
            .any(|r| r.path.contains("/keys/") && r.path.contains("/sign")),
        "the assertion was signed in the vault"
    );
}

/// The person's sign-in is the process's (one app, one session): the tests that sign in take
/// turns.
static SIGN_IN: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn a_signed_in_admin_lists_the_vault_after_a_device_code_shown_in_the_section() {
    let _turn = SIGN_IN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let env = Env::with(|config| {
        with_vault(config);
        config.admin.device_code_interval_secs = 0;
        // A bound only so a broken test ends soon instead of polling for 15 minutes.
        config.admin.device_code_lifetime = std::time::Duration::from_secs(20);
        let admin = config.admin.admin.object_id.clone();
        config
            .key_vault
            .grants
            .push(certconnect::sandbox::VaultGrant {
                identity: admin,
                permissions: certconnect::sandbox::VaultPermission::CONNECTOR.to_vec(),
            });
    });
    let mut g = key_vault_source(&env);
    g.field(
        "Key Vault certificate",
        &format!("{}/certificates/{APP_CERT}", env.sandbox.vault_url()),
    );
    g.click("Signed-in admin (browser or device code)");
    assert_eq!(g.h.state().draft().vault_access, VaultAccess::SignIn);
    g.h.get_by_label_contains("Not signed in");
    g.settle();
    // The card waits for the person to sign in instead of saying nobody can.
    g.h.get_by_label_contains("sign in for the vault with one of the buttons");
    assert!(g.h.query_by_label_contains("needs a person").is_none());
    g.button("Sign in with a device code");
    // The code to type shows in the section while the sign-in waits; the sandbox's hook approves.
    let mut prompt = None;
    for _ in 0..1000 {
        g.h.step();
        if let Some(node) = g.h.query_by_label_contains("enter the code") {
            let node = node.accesskit_node();
            prompt = node.label().or_else(|| node.value());
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let prompt = prompt.expect("the device code is shown");
    let code = prompt
        .split_whitespace()
        .skip_while(|w| *w != "code")
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(env.sandbox.approve_device_code(&code), "{prompt}");
    g.settle();
    g.h.get_by_label_contains("Signed in as admin@sandbox.onmicrosoft.com");
    // The card that waited for the sign-in has loaded with the session's token.
    g.h.get_by_role_and_label(Role::Button, "Copy thumbprint");
    g.h.get_by_label_contains(&format!("{APP_CERT} (CN=Connector in Key Vault)"))
        .click();
    g.h.run_ok();
    match g.h.state().draft().certificate_source().unwrap() {
        CertificateSource::KeyVault { access, .. } => assert_eq!(access, VaultAccess::SignIn),
        other => panic!("{other:?}"),
    }
    // The card and a test run take the session's token: no second sign-in.
    g.settle();
    g.test_connection();
    g.h.get_by_label("Connected");
    let sign_ins = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/devicecode"))
        .count();
    assert_eq!(sign_ins, 1);
    certconnect::net::register_vault_sign_in(None);
}

#[test]
fn a_sign_in_waiting_for_its_device_code_can_be_cancelled() {
    let _turn = SIGN_IN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let env = Env::with(|config| {
        with_vault(config);
        config.admin.device_code_interval_secs = 0;
        // A bound only so a broken test ends soon instead of polling for 15 minutes.
        config.admin.device_code_lifetime = std::time::Duration::from_secs(20);
    });
    let mut g = key_vault_source(&env);
    g.field("Key Vault certificate", env.sandbox.vault_url());
    g.click("Signed-in admin (browser or device code)");
    g.button("Sign in with a device code");
    for _ in 0..1000 {
        g.h.step();
        if g.h.query_by_label_contains("enter the code").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    g.button("Cancel sign-in");
    g.settle();
    g.h.get_by_label_contains("the sign-in was cancelled");
    assert!(g.h.query_by_label_contains("enter the code").is_none());
    g.h.get_by_label_contains("Not signed in");
}

#[test]
fn a_vault_chosen_in_the_window_is_not_laid_at_the_imported_file_s_door() {
    use certconnect::core::profile::Origin;
    let env = Env::with(with_vault);
    let store = certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"));
    // The file's author chose a Graph host outside Microsoft's clouds: that still asks.
    let mut draft = env.draft();
    draft.name = "Shared".into();
    draft.graph_url = "https://graph.attacker.invalid/v1.0".into();
    draft.scope = env.sandbox.scope();
    let profile = draft.parse().unwrap().with_origin(Origin::Imported {
        brought_entries: Vec::new(),
    });
    store.save(&profile).unwrap();
    let mut g = gui(&env, None);
    g.click("Shared");
    g.settle();
    g.click("Certificate");
    g.settle();
    // The admin chooses the vault and the way in here.
    g.h.get_by_role_and_label(Role::RadioButton, "Azure Key Vault")
        .click();
    g.h.run_ok();
    g.field(
        "Key Vault certificate",
        &format!("{}/certificates/{APP_CERT}", env.sandbox.vault_url()),
    );
    g.click("Managed identity");
    g.button("Test connection");
    g.h.get_by_role_and_label(Role::Dialog, "Imported profile");
    g.h.get_by_label_contains("graph.attacker.invalid");
    assert!(
        g.h.query_by_label_contains("reached through").is_none(),
        "the vault typed here is not the file author's choice"
    );
    g.button("Cancel");
    assert!(!g.h.state().is_testing());
}
