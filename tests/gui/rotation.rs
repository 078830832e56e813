//! Rotate certificate in the desktop app (egui_kittest) against the in-process sandbox: offered
//! only when it can run, the options asked, the ladder drawn step by step, and the saved profile
//! switched only once the new certificate connects.

use crate::gui_harness;
use crate::support;

use certconnect::core::profile::{CertificateSource, PasswordSource};
use certconnect::gui::CertconnectApp;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::gui;
use support::probe_env::{Env, OBJECT_ID, PASSWORD};

fn save(
    env: &Env,
    g_store: &certconnect::profile_store::ProfileStore,
    object_id: &str,
    site: &str,
) {
    let mut draft = env.draft();
    draft.name = "Connector".into();
    draft.object_id = object_id.into();
    draft.site_id = site.into();
    g_store.save(&draft.parse().unwrap()).unwrap();
}

/// What a screen reader reads after the button's name.
fn rotate_button_description(g: &gui_harness::Gui<'_>) -> Option<String> {
    g.h.get_by_role_and_label(Role::Button, "Rotate certificate…")
        .accesskit_node()
        .description()
}

fn rotate_button_disabled(g: &gui_harness::Gui<'_>) -> bool {
    g.h.get_by_role_and_label(Role::Button, "Rotate certificate…")
        .accesskit_node()
        .is_disabled()
}

fn open_connector(env: &Env, object_id: &str, site: &str) -> gui_harness::Gui<'static> {
    let store = certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"));
    save(env, &store, object_id, site);
    let mut g = gui(env, None);
    g.click("Connector");
    g.settle();
    g.click("Certificate");
    g
}

/// "Connector" (with an object ID, site "root") open with its password typed: ready to rotate.
fn open_unlocked(env: &Env) -> gui_harness::Gui<'static> {
    let mut g = open_connector(env, OBJECT_ID, "root");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    g
}

/// "Connector" being rotated, past its upload, with a second saved profile "Other" to open. The
/// upload (a Graph call) is quick, the test with the new certificate slow: there is time to open
/// another profile after the upload.
fn rotating_with_another_profile(env: &Env) -> gui_harness::Gui<'static> {
    let mut other = env.draft();
    other.name = "Other".into();
    certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"))
        .save(&other.parse().unwrap())
        .unwrap();
    let mut g = open_connector(env, OBJECT_ID, "root");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    for delay in [100, 2000] {
        env.sandbox.push_fault(certconnect::sandbox::Fault {
            target: certconnect::sandbox::FaultTarget::Graph,
            kind: certconnect::sandbox::FaultKind::Slow(std::time::Duration::from_millis(delay)),
        });
    }
    g.button("Rotate certificate…");
    g.button("Start rotation");
    g.wait_until(|_| env.sandbox.key_credentials(OBJECT_ID).len() == 2);
    g
}

#[test]
fn rotating_in_the_app_switches_the_saved_profile_after_the_new_certificate_connects() {
    let env = Env::with(|config| config.key_propagation = std::time::Duration::from_millis(300));
    let mut g = open_unlocked(&env);
    assert!(!rotate_button_disabled(&g));
    g.button("Rotate certificate…");
    g.h.get_by_role_and_label(Role::Dialog, "Rotate certificate");
    g.h.get_by_label_contains(OBJECT_ID);
    // The field's grey hint is read out too: leaving it empty keeps the current password.
    assert_eq!(
        g.h.get_by_role_and_label(Role::PasswordInput, "New PFX password")
            .accesskit_node()
            .description()
            .as_deref(),
        Some("Empty: the current certificate's password")
    );
    g.button("Start rotation");
    g.wait_until(CertconnectApp::has_verdict);
    g.settle();
    g.h.get_by_label("Rotated");
    for step in [
        "Make new certificate",
        "Upload to the app registration",
        "Wait for Entra to accept it",
        "Test with the new certificate",
        "Switch profile to the new certificate",
    ] {
        g.h.get_by_label_contains(step);
    }
    assert!(g.h.query_by_label_contains("Remove the old key").is_none());
    // Saved and shown: the new PFX, same password (still asked for); the card loads it.
    let saved = g.store.get("Connector").unwrap().profile;
    let CertificateSource::PfxFile { path, password, .. } = saved.certificate() else {
        panic!("{:?}", saved.certificate());
    };
    assert_ne!(path, &env.pfx);
    assert_eq!(password, &PasswordSource::Ask);
    assert_eq!(g.h.state().draft().pfx_path, path.display().to_string());
    assert!(!g.h.state().is_dirty());
    let (_, thumbprint) = g.h.state().card_certificate().unwrap();
    let new_key = env
        .sandbox
        .key_credentials(OBJECT_ID)
        .into_iter()
        .map(|k| {
            hex_upper(
                &k.certificate
                    .digest(openssl::hash::MessageDigest::sha1())
                    .unwrap(),
            )
        })
        .any(|t| t == thumbprint);
    assert!(
        new_key,
        "the card shows the certificate registered by the rotation"
    );
    // And it connects.
    g.test_connection();
    g.h.get_by_label("Connected");
}

#[test]
fn rotation_is_offered_only_when_it_can_run_and_says_why_not() {
    let env = Env::new();
    let mut g = open_connector(&env, "", "root");
    assert!(rotate_button_disabled(&g));
    // The reason is read out with the button, not only shown on mouse hover.
    assert!(
        rotate_button_description(&g)
            .is_some_and(|d| d.starts_with("Enter the Application object ID")),
        "{:?}",
        rotate_button_description(&g)
    );
    g.h.get_by_role_and_label(Role::Button, "Rotate certificate…")
        .hover();
    for _ in 0..8 {
        g.h.step();
    }
    g.h.get_by_label_contains("Enter the Application object ID");
    g.click("General");
    g.set_text(Role::TextInput, "Application object ID", OBJECT_ID);
    g.button("Save");
    g.settle();
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    assert!(
        !rotate_button_disabled(&g),
        "{:?}",
        rotate_button_description(&g)
    );
    // Enabled, it is described by what it does.
    assert!(
        rotate_button_description(&g).is_some_and(|d| d.starts_with("Make a new certificate")),
        "{:?}",
        rotate_button_description(&g)
    );
}

#[test]
fn a_failed_test_with_the_new_certificate_keeps_the_profile_and_says_the_key_is_registered() {
    let env = Env::new();
    let mut g = open_connector(&env, OBJECT_ID, "contoso.sharepoint.com:/sites/missing");
    let before = g.store.get("Connector").unwrap().profile;
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    g.button("Rotate certificate…");
    g.button("Start rotation");
    g.wait_until(CertconnectApp::has_verdict);
    g.settle();
    g.h.get_by_label_contains("Failed at 'Test with the new certificate'");
    g.h.get_by_label_contains("stays registered on the app");
    // (The card saves the loaded certificate's facts with the profile; the source is what counts.)
    assert_eq!(
        g.store.get("Connector").unwrap().profile.certificate(),
        before.certificate()
    );
    assert_eq!(g.h.state().draft().pfx_path, env.pfx.display().to_string());
}

#[test]
fn a_certificate_about_to_expire_wears_a_badge_that_offers_the_rotation() {
    let env = Env::new();
    let key = env.ws.rsa_key("soon.key", 2048);
    let cert = env.ws.self_signed("soon.pem", &key, "/CN=Connector", 10);
    let pfx = env.ws.pfx("soon.pfx", &key, &cert, PASSWORD, &[]);
    let store = certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"));
    let mut draft = env.draft();
    draft.name = "Connector".into();
    draft.object_id = OBJECT_ID.into();
    draft.pfx_path = pfx.display().to_string();
    store.save(&draft.parse().unwrap()).unwrap();
    let mut g = gui(&env, None);
    g.click("Connector");
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    g.h.get_by_label_contains("Expires soon:");
    g.button("Rotate now…");
    g.h.get_by_role_and_label(Role::Dialog, "Rotate certificate");
}

#[test]
fn a_rotation_can_be_cancelled_before_the_upload_and_nothing_is_registered() {
    let env = Env::new();
    let mut g = open_unlocked(&env);
    // The token request (before the upload) hangs long enough to press Cancel.
    env.sandbox.push_fault(certconnect::sandbox::Fault {
        target: certconnect::sandbox::FaultTarget::Token,
        kind: certconnect::sandbox::FaultKind::Slow(std::time::Duration::from_secs(5)),
    });
    g.button("Rotate certificate…");
    g.button("Start rotation");
    g.wait_until(|_| env.token_requests() > 0);
    g.button("Cancel");
    g.wait_until(CertconnectApp::has_verdict);
    g.settle();
    g.h.get_by_label_contains("Failed at 'Request access token'");
    g.h.get_by_label_contains(
        "the rotation was cancelled before the upload: nothing was registered",
    );
    assert_eq!(env.sandbox.key_credentials(OBJECT_ID).len(), 1);
    // The new certificate was made before the cancel; registered nowhere, its files are deleted.
    let folder = env.pfx.parent().unwrap();
    let mut left: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".pfx") || name.contains(".cer"))
        .collect();
    left.sort();
    let current = env.pfx.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        left.iter()
            .all(|name| !name.contains(&format!("{}-", current.trim_end_matches(".pfx")))),
        "{left:?}"
    );
    let saved = g.store.get("Connector").unwrap().profile;
    assert!(
        matches!(saved.certificate(), CertificateSource::PfxFile { path, .. } if path == &env.pfx)
    );
}

#[test]
fn opening_another_profile_mid_rotation_lets_it_finish_and_reports_it_as_a_status_line() {
    let env = Env::new();
    let mut g = rotating_with_another_profile(&env);
    g.click("Other");
    assert_eq!(g.h.state().draft().name, "Other");
    assert!(g.h.state().is_rotating(), "the rotation goes on");
    assert!(
        g.h.query_by_label_contains("Upload to the app registration")
            .is_none()
    );
    // Out of sight, not out of mind: the footer says it runs.
    g.h.get_by_label_contains("A certificate rotation runs in the background");
    g.wait_until(|app| !app.is_rotating());
    g.settle();
    g.h.get_by_label_contains("'Connector': Rotated: the profile uses");
    assert!(
        g.h.query_by_label_contains("A certificate rotation runs in the background")
            .is_none()
    );
    assert_eq!(g.h.state().draft().name, "Other");
    let saved = g.store.get("Connector").unwrap().profile;
    let CertificateSource::PfxFile { path, .. } = saved.certificate() else {
        panic!("{:?}", saved.certificate());
    };
    assert_ne!(path, &env.pfx);
    // The saved facts (the list's expiry badge) are the new certificate's, not the old one's.
    let info = saved.certificate_info().expect("certificate facts saved");
    let new_cer = std::fs::read(path.with_extension("cer")).unwrap();
    let digest = openssl::hash::hash(openssl::hash::MessageDigest::sha1(), &new_cer).unwrap();
    assert_eq!(info.thumbprint_sha1, hex_upper(&digest));
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn a_profile_reopened_mid_rotation_shows_the_new_certificate_once_it_is_switched() {
    let env = Env::new();
    let mut g = rotating_with_another_profile(&env);
    // Away and back: the form is read again from the saved profile, still the old certificate.
    g.click("Other");
    g.click("Connector");
    assert!(g.h.state().is_rotating());
    assert_eq!(g.h.state().draft().pfx_path, env.pfx.display().to_string());
    g.wait_until(|app| !app.is_rotating());
    g.settle();
    let saved = g.store.get("Connector").unwrap().profile;
    let CertificateSource::PfxFile { path, .. } = saved.certificate() else {
        panic!("{:?}", saved.certificate());
    };
    assert_ne!(path, &env.pfx);
    // The open form follows the saved profile: a Save now cannot write the old PFX back.
    assert_eq!(g.h.state().draft().pfx_path, path.display().to_string());
    assert!(!g.h.state().is_dirty());
}

#[test]
fn a_failed_removal_after_the_switch_is_a_rotation_with_a_loose_end_not_a_failure() {
    let env = Env::new();
    let mut g = open_unlocked(&env);
    g.button("Rotate certificate…");
    g.click("Remove the old certificate from the app registration afterwards");
    let wrong_key_id = "00000000-1111-4222-8333-444444444444";
    g.field("Old key ID", wrong_key_id);
    g.button("Start rotation");
    g.wait_until(CertconnectApp::has_verdict);
    g.settle();
    // The headline says what matters: the profile is on the new certificate; then the loose end,
    // with the command that ties it up.
    g.h.get_by_label("Rotated; the old key was not removed");
    let command = format!("certconnect cert remove-key 'Connector' --key-id {wrong_key_id}");
    assert!(g.h.query_all_by_label_contains(&command).count() > 0);
    assert!(g.h.query_by_label_contains("Failed at").is_none());
    assert_eq!(env.sandbox.key_credentials(OBJECT_ID).len(), 2);
    let saved = g.store.get("Connector").unwrap().profile;
    assert!(
        matches!(saved.certificate(), CertificateSource::PfxFile { path, .. } if path != &env.pfx)
    );
}
