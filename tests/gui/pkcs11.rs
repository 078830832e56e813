//! A hardware-token (PKCS#11) profile in the app against real SoftHSM2 tokens and the sandbox:
//! choosing the source, Refresh, picking a certificate, the PIN prompt, Test connection, rotation
//! with a key made on the token; and an imported profile's module (native code its author chose)
//! loaded only once it is confirmed.
//!
//! SoftHSM reads `SOFTHSM2_CONF` once per process, and the app loads a module once per process:
//! each test that loads SoftHSM makes its token in a fresh workspace, then drives the app in a
//! child process of this test binary that sees only that token (the same as the core and CLI
//! tests do). The app in the child is built as in every other GUI test.

use std::path::Path;

use crate::gui_harness;
use crate::support;

use certconnect::core::draft::{CertKind, ProfileDraft};
use certconnect::core::profile::{CertificateSource, Origin, PasswordSource, Profile};
use certconnect::gui::CertconnectApp;
use certconnect::profile_store::ProfileStore;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, MemoryStorage, gui};
use support::probe_env::{Env, OBJECT_ID, read_cert};
use support::softhsm::{MODULE, PIN, SoftHsm, run_in_child};
use support::{Workspace, s};

const CHILD: &str = "CERTCONNECT_TEST_PKCS11_DIR";

/// Makes the token "app-token" (an RSA key, id 01, label "app-key", sensitive and never
/// extractable, and its certificate "token.pem" in the workspace), then runs `checks` in a child
/// process of this binary that sees only that token. In the child, only `checks` runs, given the
/// workspace directory.
fn on_softhsm(test: &str, checks: fn(&Path)) {
    if let Some(dir) = std::env::var_os(CHILD) {
        checks(Path::new(&dir));
        return;
    }
    let ws = Workspace::new();
    let hsm = SoftHsm::new(&ws);
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("token.pem", &key, "/CN=Token Connector", 365);
    hsm.app_token(&ws, &key, &cert);
    std::fs::remove_file(key).unwrap();
    run_in_child(test, CHILD, &ws, &hsm);
}

/// A sandbox where the token's certificate is registered on the app.
fn env_for_token(dir: &Path) -> Env {
    let registered = read_cert(&dir.join("token.pem"));
    Env::with(move |config| {
        config.key_propagation = std::time::Duration::from_millis(300);
        config.apps[0].certificates.push(registered);
    })
}

/// A profile "Token" for the sandbox signing with the token's key through `module`; its PIN is
/// asked for.
fn token_draft(env: &Env, module: &str) -> ProfileDraft {
    let mut draft = env.draft();
    draft.name = "Token".into();
    draft.cert_kind = CertKind::Pkcs11;
    draft.pkcs11.uri = "pkcs11:token=app-token;object=app-key".into();
    draft.pkcs11.module = module.into();
    draft.password = PasswordSource::Ask;
    draft
}

/// The app with `profile` saved and chosen, on its Certificate tab.
fn certificate_tab(env: &Env, profile: &Profile) -> Gui<'static> {
    ProfileStore::at(env.ws.path("profiles"))
        .save(profile)
        .unwrap();
    let mut g = gui(env, None);
    g.click("Token");
    g.settle();
    g.click("Certificate");
    g
}

/// Whether the node is the radio button of the pick list's entry for the token's certificate.
fn is_token_entry(node: &egui_kittest::kittest::AccessKitNode<'_>) -> bool {
    node.role() == Role::RadioButton
        && node
            .label()
            .is_some_and(|label| label.contains("Token Connector"))
}

/// The label of the pick list's entry for the token's certificate.
fn token_entry_label(g: &Gui<'_>) -> String {
    g.h.get_by(is_token_entry)
        .accesskit_node()
        .label()
        .unwrap_or_default()
}

fn click_token_entry(g: &mut Gui<'_>) {
    g.h.get_by(is_token_entry).click();
    g.h.run_ok();
}

/// Every file under `dir`, as text.
fn files_text(dir: &Path) -> String {
    support::all_files(dir)
        .iter()
        .map(|(_, bytes)| String::from_utf8_lossy(bytes))
        .collect()
}

#[test]
fn a_token_is_chosen_listed_picked_and_connects_after_a_wrong_pin_then_the_right_one() {
    on_softhsm(
        "pkcs11::a_token_is_chosen_listed_picked_and_connects_after_a_wrong_pin_then_the_right_one",
        |dir| {
            let env = env_for_token(dir);
            // A saved profile for the sandbox (a PFX), switched to the token in the app.
            let mut draft = env.draft();
            draft.name = "Token".into();
            let mut g = certificate_tab(&env, &draft.parse().unwrap());
            g.click("Hardware token (PKCS#11)");
            g.settle();
            // The usual modules were looked for in the background; the module is typed here.
            g.field("PKCS#11 module", MODULE);
            g.button("Refresh");
            g.settle();
            g.h.get_by_label_contains("Listed without a PIN");
            let entry = token_entry_label(&g);
            // One entry per certificate: subject, SHA-1 as the portal shows it, expiry, key, what
            // the token signs, and the token.
            for part in [
                "CN=Token Connector",
                "SHA-1 ",
                "expires ",
                "RSA 2048",
                "RS256, PS256",
                "token \"app-token\"",
            ] {
                assert!(entry.contains(part), "{part} in {entry}");
            }
            click_token_entry(&mut g);
            let uri = g.h.state().draft().pkcs11.uri.clone();
            assert!(
                uri.starts_with("pkcs11:") && uri.contains("app-key"),
                "{uri}"
            );
            g.settle();
            g.button("Test connection");
            g.settle();
            g.h.get_by_role_and_label(Role::Dialog, "Token PIN");
            g.h.get_by_label("The hardware token of 'Token' needs its PIN.");
            let words: Vec<String> =
                g.h.query_all_by_label_contains("password")
                    .filter_map(|node| node.accesskit_node().label())
                    .collect();
            assert!(words.is_empty(), "{words:?}");
            // The field opens focused: the PIN is typed and Enter answers, no mouse needed.
            g.h.run_ok();
            assert!(
                g.h.get_by_role_and_label(Role::PasswordInput, "PIN")
                    .accesskit_node()
                    .is_focused()
            );
            g.h.get_by_role_and_label(Role::PasswordInput, "PIN")
                .type_text("00000000");
            g.h.run_ok();
            g.h.key_press(egui::Key::Enter);
            g.wait_until(|app| app.has_verdict() && !app.is_busy());
            g.settle();
            // Refused: asked again, saying so; nothing was sent to the token endpoint.
            g.h.get_by_role_and_label(Role::Dialog, "Token PIN");
            g.h.get_by_label_contains("The token refused the PIN given");
            assert_eq!(env.token_requests(), 0);
            g.set_text(Role::PasswordInput, "PIN", PIN);
            g.click("Remember in the credential store (once it works)");
            g.h.get_by_role_and_label(Role::PasswordInput, "PIN")
                .focus();
            g.h.run_ok();
            g.h.key_press(egui::Key::Enter);
            g.wait_until(|app| app.has_verdict() && !app.is_busy());
            g.settle();
            g.h.get_by_label("Connected");
            // The card says where the key is.
            g.h.get_by_label_contains(
                "The private key is on the token: PKCS#11 token \"app-token\"",
            );
            g.button("Save");
            g.settle();
            let saved = g.store.get("Token").unwrap().profile;
            assert!(matches!(
                saved.certificate(),
                CertificateSource::Pkcs11 { .. }
            ));
            // Remembered once it worked, in the credential store only.
            assert!(
                matches!(
                    saved.certificate().password(),
                    PasswordSource::CredentialStore { .. }
                ),
                "{:?}",
                saved.certificate().password()
            );
            let mut storage = MemoryStorage::default();
            eframe::App::save(g.h.state_mut(), &mut storage);
            let kept = format!("{:?}{}", storage.0, files_text(&env.ws.path("profiles")));
            assert!(!kept.contains(PIN), "the PIN is kept nowhere: {kept}");
        },
    );
}

#[test]
fn refresh_with_pin_logs_in_for_the_listing_only() {
    on_softhsm(
        "pkcs11::refresh_with_pin_logs_in_for_the_listing_only",
        |dir| {
            let env = env_for_token(dir);
            // A PFX marked as having no password, switched to the token: the PIN is asked for
            // and used all the same (the section has no "no password" box to untick).
            let mut draft = env.draft();
            draft.name = "Token".into();
            draft.password = PasswordSource::None;
            let mut g = certificate_tab(&env, &draft.parse().unwrap());
            g.click("Hardware token (PKCS#11)");
            g.field("PKCS#11 module", MODULE);
            g.button("Refresh with PIN…");
            g.h.get_by_role_and_label(Role::Dialog, "Token PIN");
            // For a listing the PIN is used once: it is not offered for remembering.
            assert!(
                g.h.query_by_label("Remember in the credential store (once it works)")
                    .is_none()
            );
            g.set_text(Role::PasswordInput, "PIN", PIN);
            g.button("OK");
            g.settle();
            assert!(
                g.h.query_by_label_contains("Listed without a PIN")
                    .is_none()
            );
            assert!(token_entry_label(&g).contains("CN=Token Connector"));
            // Not kept for the form: a test asks for it again.
            assert!(g.h.state().draft().pkcs11.uri.is_empty());
            click_token_entry(&mut g);
            g.settle();
            g.button("Test connection");
            g.settle();
            g.h.get_by_role_and_label(Role::Dialog, "Token PIN");
            g.set_text(Role::PasswordInput, "PIN", PIN);
            g.button("OK");
            g.wait_until(|app| app.has_verdict() && !app.is_busy());
            g.settle();
            g.h.get_by_label("Connected");
            assert!(
                !g.h.state().run_is_stale(),
                "the PIN typed is the one the form still holds"
            );
        },
    );
}

#[test]
fn rotation_makes_the_new_key_on_the_token_and_asks_for_no_pfx_password() {
    on_softhsm(
        "pkcs11::rotation_makes_the_new_key_on_the_token_and_asks_for_no_pfx_password",
        |dir| {
            let env = env_for_token(dir);
            let mut draft = token_draft(&env, MODULE);
            draft.object_id = OBJECT_ID.into();
            draft.site_id = "root".into();
            let mut g = certificate_tab(&env, &draft.parse().unwrap());
            g.settle();
            g.button("Rotate certificate…");
            g.h.get_by_role_and_label(Role::Dialog, "Rotate certificate");
            // The new key is made on the token; a new PFX file is shown beside it, off.
            let on_token =
                g.h.get_by_role_and_label(Role::RadioButton, "New key on the token");
            assert_eq!(
                on_token.accesskit_node().toggled(),
                Some(egui::accesskit::Toggled::True)
            );
            assert!(
                g.h.get_by_role_and_label(Role::RadioButton, "New PFX file")
                    .accesskit_node()
                    .is_disabled()
            );
            assert!(
                g.h.query_by_label("New PFX password").is_none(),
                "no new PFX password is asked for"
            );
            let keys_before = env.sandbox.key_credentials(OBJECT_ID).len();
            g.button("Start rotation");
            g.settle();
            // The current key signs the upload: its PIN first.
            g.h.get_by_role_and_label(Role::Dialog, "Token PIN");
            g.set_text(Role::PasswordInput, "PIN", PIN);
            g.h.key_press(egui::Key::Enter);
            g.wait_until(|app: &CertconnectApp| app.has_verdict() && !app.is_busy());
            g.settle();
            g.h.get_by_label("Rotated");
            // The profile names the new key, made on the same token; no PFX was written.
            let saved = g.store.get("Token").unwrap().profile;
            let CertificateSource::Pkcs11 { uri, .. } = saved.certificate() else {
                panic!("{:?}", saved.certificate());
            };
            assert!(uri.contains("app-token"), "{uri}");
            assert_ne!(uri, "pkcs11:token=app-token;object=app-key");
            assert_eq!(g.h.state().draft().pkcs11.uri, *uri);
            assert_eq!(
                env.sandbox.key_credentials(OBJECT_ID).len(),
                keys_before + 1
            );
            let pfx_written = std::fs::read_dir(env.ws.dir())
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| e.path() != env.pfx && e.path().extension().is_some_and(|x| x == "pfx"));
            assert!(!pfx_written, "no PFX file was made");
        },
    );
}

#[test]
fn an_imported_token_profile_loads_its_module_only_once_confirmed() {
    let env = Env::new();
    // Not a module: trying to load it fails with its own message, which shows when it is tried.
    let module = env.ws.write("vendor-pkcs11.so", b"not a module");
    let profile = token_draft(&env, s(&module))
        .parse()
        .unwrap()
        .with_origin(Origin::Imported {
            brought_entries: Vec::new(),
        });
    let mut g = certificate_tab(&env, &profile);
    g.settle();
    g.h.get_by_label_contains("Hardware token (PKCS#11)");
    assert_eq!(
        g.h.get_by_role_and_label(Role::TextInput, "Key URI")
            .accesskit_node()
            .value()
            .as_deref(),
        Some("pkcs11:token=app-token;object=app-key")
    );
    g.h.get_by_label_contains("loads the PKCS#11 module");
    assert!(
        g.h.query_by_label_contains("cannot be loaded").is_none(),
        "the module was not tried before the profile was confirmed"
    );
    g.button("Test connection");
    g.button("Trust and test");
    g.wait_until(|app| app.has_verdict() && !app.is_busy());
    g.settle();
    // Confirmed: the card and the test tried the module, and say it is not one.
    assert!(
        g.h.query_by_label_contains("loads the PKCS#11 module")
            .is_none()
    );
    assert_eq!(
        g.h.query_all_by_label_contains("cannot be loaded").count(),
        2,
        "the card and the verdict"
    );
    assert!(
        env.sandbox.requests().is_empty(),
        "nothing left the machine"
    );
}

#[test]
fn browse_fills_the_module_and_a_file_that_is_not_a_module_says_why() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.name = "Token".into();
    let not_a_module = env.ws.write("vendor-pkcs11.so", b"not a module");
    let mut g = certificate_tab(&env, &draft.parse().unwrap());
    g.click("Hardware token (PKCS#11)");
    g.settle();
    // Browse… runs the file dialog in the background and fills the field.
    g.picker.push(Some(not_a_module.clone()));
    g.button("Browse…");
    g.settle();
    assert_eq!(g.h.state().draft().pkcs11.module, s(&not_a_module));
    g.button("Refresh");
    g.settle();
    // The section says why the module cannot be used, naming it; nothing was listed or sent.
    g.h.get_by(|node| {
        node.value().is_some_and(|text| {
            text.starts_with("The PKCS#11 module")
                && text.contains("vendor-pkcs11.so cannot be loaded")
                && text.contains("Fix: ")
        })
    });
    assert!(
        g.h.query_by_label_contains("Listed without a PIN")
            .is_none()
    );
    assert!(env.sandbox.requests().is_empty());
}
