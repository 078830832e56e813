//! The real desktop app driven through its accessibility tree (egui_kittest), against the sandbox.

use crate::gui_harness;
use crate::support;

use std::sync::Arc;
use std::time::Duration;

use certconnect::core::draft::ProfileDraft;
use certconnect::core::profile::PasswordSource;
use certconnect::gui::CertconnectApp;
use certconnect::profile_store::ProfileStore;
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{MemoryStorage, gui, gui_with_vault, saved};
use support::probe_env::{CLIENT_ID, Env, PASSWORD, pem_draft};
use support::s;

#[test]
fn a_profile_filled_in_the_dialog_connects_to_the_sandbox() {
    let env = Env::new();
    let mut g = gui(&env, None);
    // No profile yet: the welcome screen leads to the form.
    g.button("New connection");
    g.field("Name", "Sandbox");
    g.field("Token URL", &env.sandbox.token_url());
    g.field("Client ID", CLIENT_ID);
    g.click("Graph");
    g.field("Graph URL", &env.sandbox.graph_url());
    g.click("Certificate");
    g.field("PFX file", s(&env.pfx));
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    assert_eq!(
        g.h.state().draft().scope,
        env.sandbox.scope(),
        "the scope follows the Graph URL"
    );
    g.test_connection();
    g.h.get_by_label("Connected");
    g.h.get_by_label_contains("site 'Sandbox Team Site', drive 'Documents'");
    assert!(g.h.query_by_label_contains("Failed at").is_none());
}

#[test]
fn a_bad_client_id_is_flagged_inline_and_disables_test() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    assert!(
        !g.h.get_by_role_and_label(Role::Button, "Test connection")
            .accesskit_node()
            .is_disabled()
    );
    g.field("Client ID", "not-a-guid");
    // While the field has the focus its error stays quiet; leaving it shows the error.
    assert!(g.h.query_by_label_contains("a GUID like").is_none());
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    g.h.get_by_label_contains("a GUID like");
    assert!(
        g.h.get_by_role_and_label(Role::Button, "Test connection")
            .accesskit_node()
            .is_disabled()
    );
    // A screen reader reads why with the button's name.
    let description =
        g.h.get_by_role_and_label(Role::Button, "Test connection")
            .accesskit_node()
            .description();
    assert!(
        description
            .as_deref()
            .is_some_and(|d| d.starts_with("Fix this first — Client ID:")),
        "{description:?}"
    );
    // Hovering the disabled button says why.
    g.h.get_by_role_and_label(Role::Button, "Test connection")
        .hover();
    for _ in 0..8 {
        g.h.step();
    }
    g.h.get_by_label_contains("Fix this first — Client ID:");
}

#[test]
fn a_refusal_shows_the_aadsts_code_and_the_fix() {
    let env = Env::new();
    let key = env.ws.rsa_key("other.key", 2048);
    let cert = env
        .ws
        .self_signed("other.pem", &key, "/CN=Not registered", 365);
    let mut draft = env.draft();
    pem_draft(&mut draft, &cert, &key);
    draft.password = PasswordSource::None;
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.test_connection();
    g.h.get_by_label("Failed at 'Request access token': AADSTS700027");
    g.h.get_by_label_contains("Fix: Compare the thumbprint");
    g.h.get_by_label_contains("Trace ID:");
}

#[test]
fn cancel_stops_a_slow_test() {
    let env = Env::new();
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Slow(Duration::from_secs(30)),
    });
    let mut draft = env.draft();
    draft.password = PasswordSource::None;
    let key = env.ws.rsa_key("k.key", 2048);
    let cert = env.ws.self_signed("k.pem", &key, "/CN=K", 365);
    pem_draft(&mut draft, &cert, &key);
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.button("Test connection");
    // Wait until the token request has reached the sandbox (on a busy machine the certificate
    // step can still be running when Cancel first shows), then press Cancel while it hangs.
    let token_requested = || env.sandbox.requests().iter().any(|r| r.method == "POST");
    for _ in 0..1000 {
        if token_requested()
            && g.h
                .query_by_role_and_label(Role::Button, "Cancel")
                .is_some()
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        g.h.step();
    }
    assert!(g.h.state().is_testing() && token_requested());
    g.h.get_by_role_and_label(Role::Button, "Cancel").click();
    g.wait_until(CertconnectApp::has_verdict);
    g.h.get_by_label("Failed at 'Request access token': cancelled");
}

#[test]
fn unsaved_edits_are_never_lost_without_asking() {
    let env = Env::new();
    saved(
        &env,
        &ProfileStore::at(env.ws.path("profiles")),
        &["Alpha", "Beta"],
    );
    let mut g = gui(&env, None);
    g.click("Alpha");
    g.click("Graph");
    g.field("Default Site Id", "contoso.sharepoint.com:/sites/hr");
    g.h.get_by_label("Alpha •");
    g.click("Beta");
    g.h.get_by_role_and_label(Role::Dialog, "Unsaved changes");
    g.button("Keep editing");
    assert_eq!(g.h.state().draft().name, "Alpha");
    assert_eq!(
        g.h.state().draft().site_id,
        "contoso.sharepoint.com:/sites/hr"
    );

    g.click("Beta");
    g.button("Discard changes");
    g.settle();
    assert_eq!(g.h.state().draft().name, "Beta");
    assert_eq!(g.store.get("Alpha").unwrap().profile.site_id(), "root");

    g.click("Alpha");
    g.click("Graph");
    g.field("Default Site Id", "contoso.sharepoint.com:/sites/hr");
    g.click("Beta");
    g.button("Save changes");
    g.settle();
    assert_eq!(g.h.state().draft().name, "Beta");
    assert_eq!(
        g.store.get("Alpha").unwrap().profile.site_id(),
        "contoso.sharepoint.com:/sites/hr"
    );
}

#[test]
fn ctrl_s_saves_and_the_list_shows_it() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.field("Name", "Saved with the keyboard");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    assert!(g.store.contains("Saved with the keyboard"));
    assert!(!g.h.state().is_dirty());
    g.h.get_by_label("Saved with the keyboard");
}

#[test]
fn export_then_import_gives_the_same_profile() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Prod"]);
    let mut g = gui(&env, None);
    g.click("Prod");
    let export = env.ws.path("export.ron");
    // The path comes from the native dialog (run in the background) …
    g.picker.push(Some(export.clone()));
    g.button("Export…");
    g.button("Browse…");
    g.settle();
    g.button("Export");
    g.settle();
    assert!(export.exists());
    // … or is typed, where no native dialog can open.
    g.button("Import…");
    g.field("File", s(&export));
    g.button("Import");
    g.settle();
    g.h.get_by_label_contains("Imported 1 profile ('Prod' as 'Prod (imported)')");
    let original = store.get("Prod").unwrap().profile;
    let imported = store.get("Prod (imported)").unwrap().profile;
    assert_ne!(
        imported.id(),
        original.id(),
        "an imported copy is a profile of its own"
    );
    assert_eq!(
        *imported.origin(),
        certconnect::core::profile::Origin::Imported {
            brought_entries: Vec::new()
        },
        "an imported profile is not trusted until confirmed here"
    );
    assert_eq!(
        imported
            .renamed("Prod")
            .unwrap()
            .with_id(original.id())
            .with_origin(original.origin().clone()),
        original
    );
    g.h.get_by_label("Prod (imported)");
}

/// Opens the FIFO for writing when dropped, so that code blocked opening it for reading
/// returns (and a failing test ends instead of hanging); with no reader there, nothing happens.
struct UnblockFifo(std::path::PathBuf);

impl Drop for UnblockFifo {
    fn drop(&mut self) {
        use std::os::unix::fs::OpenOptionsExt as _;
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.0)
            .ok();
    }
}

#[test]
fn a_fifo_chosen_for_import_is_refused_at_once_and_later_saves_go_through() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Prod"]);
    let mut g = gui(&env, None);
    g.click("Prod");
    let fifo = env.ws.path("pipe.ron");
    support::mkfifo(&fifo);
    let _unblock = UnblockFifo(fifo.clone());
    g.button("Import…");
    g.field("File", s(&fifo));
    g.button("Import");
    g.wait_until(|app| {
        app.status().is_some_and(|s| s.starts_with("Import failed")) && !app.is_busy()
    });
    g.h.get_by_label_contains("not a regular file (a named pipe (FIFO))");

    g.field("Name", "Prod renamed after the import");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    assert!(store.contains("Prod renamed after the import"));
    assert!(!g.h.state().is_dirty());
}

#[test]
fn an_export_with_certificates_is_never_written_into_the_profile_directory() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Prod"]);
    let mut g = gui(&env, None);
    g.click("Prod");
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    let inside = store.dir().join("bundle.ron");
    g.button("Export…");
    g.field("File", s(&inside));
    g.click("Include certificates, encrypted under a passphrase");
    g.set_text(
        Role::PasswordInput,
        "Bundle passphrase",
        "a long bundle passphrase",
    );
    g.button("Export");
    g.wait_until(|app| app.status().is_some() && !app.is_busy());
    g.h.get_by_label_contains("this is the profile directory; write the export somewhere else");
    assert!(g.h.state().status().unwrap().starts_with("Not exported"));
    assert!(!inside.exists(), "no bundle in the profile directory");
}

#[test]
fn the_assertion_preview_shows_what_will_be_signed() {
    let env = Env::new();
    let mut draft = ProfileDraft::from(&env.profile());
    draft.password = PasswordSource::None;
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.click("Advanced");
    let preview =
        g.h.get_by_role_and_label(Role::MultilineTextInput, "Assertion preview")
            .value()
            .unwrap_or_default();
    assert!(
        preview.contains("\"alg\": \"RS256\"") && preview.contains("\"x5t\""),
        "{preview}"
    );
    assert!(preview.contains(&env.sandbox.token_url()) && preview.contains(CLIENT_ID));
}

#[test]
fn eframe_storage_keeps_preferences_only() {
    let env = Env::new();
    saved(&env, &ProfileStore::at(env.ws.path("profiles")), &["Prod"]);
    let mut g = gui(&env, None);
    g.click("Prod");
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    let mut storage = MemoryStorage::default();
    eframe::App::save(g.h.state_mut(), &mut storage);
    let stored: String = storage.0.values().cloned().collect();
    assert!(
        stored.contains("Prod"),
        "the last profile is remembered: {stored}"
    );
    assert!(!stored.contains(PASSWORD));
    assert!(
        !stored.contains(CLIENT_ID),
        "profiles are not copied into eframe storage"
    );
}

#[test]
fn a_new_certificate_is_made_and_loaded_into_the_profile() {
    let env = Env::new();
    let mut g = gui(&env, None);
    // No profile yet: the welcome screen leads to the form.
    g.button("New connection");
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        "Made-in-the-app1",
    );
    g.click("New certificate");
    g.field("Subject", "CN=Made in the app, O=Contoso");
    let pfx = env.ws.path("made.pfx");
    g.button("Create certificate…");
    g.field("File", s(&pfx));
    g.button("Create");
    g.wait_until(|app| app.status().is_some_and(|s| s.starts_with("Created")) && !app.is_busy());
    assert!(
        pfx.exists() && pfx.with_extension("cer").exists() && pfx.with_extension("pem").exists()
    );
    assert_eq!(g.h.state().draft().pfx_path, s(&pfx));
    g.h.get_by_label("CN=Made in the app, O=Contoso");
    // The file the app wrote opens with the project's own loader and the password.
    let password = certconnect::secret::Secret::new("Made-in-the-app1");
    let options = certconnect::cert::LoadOptions {
        key_path: None,
        password: Some(&password),
        alias: None,
    };
    assert_eq!(
        certconnect::cert::load_file(&pfx, options)
            .unwrap()
            .key_matches,
        Some(true)
    );
}

#[test]
fn the_portal_thumbprint_is_compared_side_by_side() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.wait_until(|app| app.draft().certificate_info.is_some());
    let sha1 = env.ws.openssl_sha1(&env.ws.path("app.pem"));
    let pasted: String = sha1
        .to_lowercase()
        .as_bytes()
        .chunks(2)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect::<Vec<_>>()
        .join(":");
    g.field("Portal thumbprint", &pasted);
    g.h.get_by_label_contains("Match: this is the certificate");
    g.field(
        "Portal thumbprint",
        "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 00 11 22 33",
    );
    g.h.get_by_label_contains("Different certificates");
    g.h.get_by_label(&format!("This file: {sha1}"));
    g.h.get_by_label("Azure:     00112233445566778899AABBCCDDEEFF00112233");

    // Copy says that it worked.
    assert!(g.h.query_by_label("Copied").is_none());
    g.button("Copy thumbprint");
    g.h.get_by_label("Copied");
}

#[test]
fn the_list_shows_days_left_on_each_certificate() {
    use certconnect::core::profile::CertificateInfo;
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let now = certconnect::probe::system_now();
    for (name, not_after) in [
        ("Expired", now - 86_400),
        ("Soon", now + 10 * 86_400 + 3_600),
        ("Fine", now + 200 * 86_400 + 3_600),
    ] {
        let mut draft = env.draft();
        draft.name = name.into();
        draft.certificate_info = Some(CertificateInfo {
            subject: "CN=x".into(),
            thumbprint_sha1: "AB".repeat(20),
            not_after,
        });
        store.save(&draft.parse().unwrap()).unwrap();
    }
    let g = gui(&env, None);
    g.h.get_by_label("expired");
    g.h.get_by_label("10 d");
    g.h.get_by_label("200 d");
}

#[test]
fn a_remembered_password_goes_to_the_credential_store_not_the_profile() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.field("Name", "Remembered");
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.click("Remember the password in the memory (on Save)");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    let saved = g.store.get("Remembered").unwrap();
    let text = std::fs::read_to_string(&saved.path).unwrap();
    assert!(
        text.contains("CredentialStore") && !text.contains(PASSWORD),
        "{text}"
    );
    let entry = certconnect::credential_store::password_entry(saved.profile.id());
    assert_eq!(
        env.vault.store().get(&entry).unwrap().unwrap(),
        PASSWORD.as_bytes()
    );

    // A fresh window tests the profile without asking for the password.
    drop(g);
    let mut g = gui(&env, None);
    g.click("Remembered");
    g.test_connection();
    g.h.get_by_label("Connected");
    g.click("Certificate");
    g.button("Forget password");
    g.settle();
    assert_eq!(env.vault.store().get(&entry).unwrap(), None);
}

#[test]
fn a_pfx_is_imported_into_the_credential_store_and_used_from_there() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.field("Name", "Kept");
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.button("Import into credential store");
    g.wait_until(|app| app.status().is_some());
    assert_eq!(
        g.h.state().draft().store_entry,
        "Kept",
        "{:?}",
        g.h.state().status()
    );
    assert_eq!(env.vault.list()[0].name, "Kept");
    g.test_connection();
    g.h.get_by_label("Connected");
}

#[test]
fn a_bundle_carries_the_certificate_under_a_passphrase() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Prod"]);
    let mut g = gui(&env, None);
    g.click("Prod");
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    let bundle = env.ws.path("bundle.ron");
    g.button("Export…");
    g.field("File", s(&bundle));
    g.click("Include certificates, encrypted under a passphrase");
    g.set_text(
        Role::PasswordInput,
        "Bundle passphrase",
        "a long bundle passphrase",
    );
    g.button("Export");
    g.wait_until(|app| {
        app.status()
            .is_some_and(|s| s.contains("with their certificates"))
            && !app.is_busy()
    });
    let text = std::fs::read_to_string(&bundle).unwrap();
    assert!(certconnect::credential_store::is_bundle(&text) && !text.contains(PASSWORD));

    g.button("Import…");
    g.field("File", s(&bundle));
    g.button("Import");
    g.settle();
    assert!(
        g.h.get_by_role_and_label(Role::PasswordInput, "Bundle passphrase")
            .accesskit_node()
            .is_focused(),
        "the passphrase field has the focus as the dialog opens"
    );
    g.set_text(
        Role::PasswordInput,
        "Bundle passphrase",
        "a long bundle passphrase",
    );
    g.button("Import");
    g.wait_until(|app| app.status().is_some_and(|s| s.starts_with("Imported")) && !app.is_busy());
    let imported = store.get("Prod (imported)").unwrap().profile;
    assert!(matches!(
        imported.certificate(),
        certconnect::core::profile::CertificateSource::CredentialStore { .. }
    ));
    assert_eq!(env.vault.list().len(), 1);
}

#[test]
fn without_a_credential_store_the_app_says_so_and_works_with_files() {
    let env = Env::new();
    let mut g = gui_with_vault(
        &env,
        Some(env.profile()),
        Err("no Secret Service on this session bus".into()),
    );
    g.click("Certificate");
    g.h.get_by_label_contains(
        "the Secret Service is not reachable (no Secret Service on this session bus)",
    );
    assert!(g.h.query_by_label("Import into credential store").is_none());
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.test_connection();
    g.h.get_by_label("Connected");
}

#[test]
fn a_preset_chosen_from_the_list_fills_token_url_graph_and_scope() {
    let env = Env::new();
    let mut g = gui(&env, None);
    // No profile yet: the welcome screen leads to the form.
    g.button("New connection");
    g.field("Tenant", "contoso.onmicrosoft.us");
    g.h.get_by_label("Token URL preset").click();
    g.h.run_ok();
    g.click("US Government (DoD)");
    let draft = g.h.state().draft();
    assert_eq!(
        draft.token_url,
        "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token"
    );
    assert_eq!(draft.graph_url, "https://dod-graph.microsoft.us/v1.0");
    assert_eq!(draft.scope, "https://dod-graph.microsoft.us/.default");
}

/// A file dropped on the window, as the windowing integration hands it over.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_pfx_dropped_on_the_window_is_loaded() {
    let env = Env::new();
    let key = env.ws.rsa_key("drop.key", 2048);
    let cert = env.ws.self_signed("drop.pem", &key, "/CN=Dropped", 365);
    let pfx = env.ws.pfx("dropped.pfx", &key, &cert, "", &[]);
    let mut g = gui(&env, None);
    g.h.input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(pfx.clone())));
    g.h.step();
    g.wait_until(|app| app.draft().certificate_info.is_some());
    assert_eq!(g.h.state().draft().pfx_path, s(&pfx));
    g.h.get_by_label("CN=Dropped");
}
