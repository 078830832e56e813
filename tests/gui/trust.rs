//! The desktop app can be trusted: results land on the draft they were started for, the card shows
//! the certificate a test signs with, passwords are asked for in the app, typing stays in its field,
//! nothing stale stays on screen, nothing is lost, and the UI thread never waits on slow stores.

use crate::gui_harness;
use crate::support;

use std::time::Duration;

use certconnect::core::draft::ProfileDraft;
use certconnect::core::profile::{CertificateSource, PasswordSource};
use certconnect::credential_store::password_entry;
use certconnect::gui::CertconnectApp;
use certconnect::profile_store::ProfileStore;
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use certconnect::secret::Secret;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, MemoryStorage, gui, saved};
use support::probe_env::{CLIENT_ID, Env, PASSWORD, pem_draft};
use support::s;

/// Saves a profile for the sandbox under `name`, made from `draft`.
fn save_draft(store: &ProfileStore, mut draft: ProfileDraft, name: &str) -> String {
    draft.name = name.into();
    store.save(&draft.parse().unwrap()).unwrap().id().to_owned()
}

/// A profile using a PEM key without a password (no prompt gets in the way).
fn pem_profile(env: &Env) -> ProfileDraft {
    let key = env.ws.rsa_key("plain.key", 2048);
    let cert = env.ws.self_signed("plain.pem", &key, "/CN=Plain", 365);
    let mut draft = env.draft();
    pem_draft(&mut draft, &cert, &key);
    draft.password = PasswordSource::None;
    draft
}

/// A saved profile whose password is remembered in the credential store; returns its id.
fn saved_remembering_password(env: &Env, store: &ProfileStore, name: &str) -> String {
    let id = save_draft(store, env.draft(), name);
    let secrets = env.vault.store();
    certconnect::ops::remember_password(store, secrets.as_ref(), &id, &Secret::new(PASSWORD))
        .unwrap();
    id
}

fn no_run_shown(g: &Gui<'_>) {
    assert!(!g.h.state().has_verdict());
    assert!(g.h.query_by_label_contains("Failed at").is_none());
    assert!(g.h.query_by_label("Connected").is_none());
    g.h.get_by_label_contains("Press Test connection");
}

#[test]
fn a_slow_test_of_one_profile_never_shows_under_another() {
    let env = Env::new();
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Slow(Duration::from_secs(3)),
    });
    let store = ProfileStore::at(env.ws.path("profiles"));
    save_draft(&store, pem_profile(&env), "Alpha");
    save_draft(&store, pem_profile(&env), "Beta");
    let mut g = gui(&env, None);
    g.click("Alpha");
    g.settle();
    g.button("Test connection");
    g.wait_until(CertconnectApp::is_testing);
    g.click("Beta");
    assert_eq!(g.h.state().draft().name, "Beta");
    // Alpha's run ends (cancelled by the switch); nothing of it may appear under Beta.
    g.settle();
    no_run_shown(&g);
    g.click("Alpha");
    g.settle();
    no_run_shown(&g);
}

#[test]
fn a_certificate_made_for_one_draft_does_not_rewrite_another() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    save_draft(&store, env.draft(), "Beta");
    let mut g = gui(&env, None);
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        "Made-in-the-app1",
    );
    g.click("New certificate");
    g.h.get_by_label("Key size").click();
    g.h.run_ok();
    g.click("RSA 4096");
    let pfx = env.ws.path("slow.pfx");
    g.button("Create certificate…");
    g.field("File", s(&pfx));
    g.button("Create");
    g.click("Beta");
    g.settle();
    assert_eq!(g.h.state().draft().name, "Beta");
    assert_eq!(g.h.state().draft().pfx_path, s(&env.pfx));
    assert!(pfx.exists(), "the certificate itself is made and kept");
}

#[test]
fn changing_the_file_clears_the_card_and_the_test_signs_with_what_it_shows() {
    let env = Env::new();
    let key = env.ws.rsa_key("other.key", 2048);
    let cert = env.ws.self_signed("other.pem", &key, "/CN=Other", 365);
    let other = env.ws.pfx("other.pfx", &key, &cert, PASSWORD, &[]);
    let other_sha1 = env.ws.openssl_sha1(&cert);
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    assert_eq!(g.h.state().card_certificate().unwrap().0, "CN=Connector");

    g.h.get_by_role_and_label(Role::TextInput, "PFX file")
        .focus();
    g.h.run_ok();
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    g.h.get_by_role_and_label(Role::TextInput, "PFX file")
        .type_text(s(&other));
    for _ in 0..3 {
        g.h.step();
        let shown = g.h.state().card_certificate().map(|c| c.0);
        assert_ne!(
            shown.as_deref(),
            Some("CN=Connector"),
            "the old certificate is gone at once"
        );
        assert!(g.h.query_by_label("CN=Connector").is_none());
    }
    g.settle();
    // The password typed for the old file went with it: the new file asks for its own.
    g.h.get_by_label_contains("Not loaded:");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    assert_eq!(
        g.h.state().card_certificate().unwrap(),
        ("CN=Other".to_owned(), other_sha1.clone())
    );
    g.test_connection();
    // The card and the certificate step show the same thumbprint.
    let shown = g.h.get_all_by_label_contains(&other_sha1).count();
    assert!(shown >= 2, "card and test step both show {other_sha1}");
    assert!(g.h.get_all_by_label_contains("AADSTS700027").count() > 0);
}

#[test]
fn a_saved_profile_shows_its_last_facts_and_is_not_reported_missing() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let mut draft = env.draft();
    draft.certificate_info = Some(certconnect::core::profile::CertificateInfo {
        subject: "CN=Connector".into(),
        thumbprint_sha1: env.ws.openssl_sha1(&env.ws.path("app.pem")),
        not_after: certconnect::probe::system_now() + 300 * 86_400,
    });
    save_draft(&store, draft, "Asked");
    let mut g = gui(&env, None);
    g.click("Asked");
    g.settle();
    g.click("Certificate");
    g.h.get_by_label("From the last load (not loaded now)");
    g.h.get_by_label("CN=Connector");
    assert!(
        g.h.query_by_label_contains("Choose a certificate file")
            .is_none()
    );
    g.h.get_by_role_and_label(Role::Button, "Enter password…");
}

#[test]
fn an_ask_profile_prompts_for_the_password_then_connects_and_remembers_it() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let id = save_draft(&store, env.draft(), "Asker");
    let mut g = gui(&env, None);
    g.click("Asker");
    g.settle();
    g.button("Test connection");
    assert!(g.h.state().is_asking_password());
    // The field has the focus: typing goes straight into it; Enter submits.
    g.h.get_by_role_and_label(Role::PasswordInput, "Password")
        .type_text("not the password");
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    // Enter submitted the prompt: the refusal comes back (possibly within the same few frames)
    // as a prompt that says why it asks again.
    g.wait_until(|app| app.is_asking_password() && !app.is_busy());
    assert!(
        g.h.get_all_by_label("the password does not open this file")
            .count()
            > 0,
        "the prompt says why it asks again"
    );
    g.h.get_by_role_and_label(Role::PasswordInput, "Password")
        .type_text(PASSWORD);
    g.click("Remember in the credential store (once it works)");
    g.h.get_by_role_and_label(Role::PasswordInput, "Password")
        .focus();
    g.h.run_ok();
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    g.wait_until(|app| app.has_verdict() && !app.is_busy());
    g.h.get_by_label("Connected");
    assert!(g.h.query_by_label_contains("--password").is_none());

    let entry = password_entry(&id);
    assert_eq!(
        env.vault.store().get(&entry).unwrap().unwrap(),
        PASSWORD.as_bytes()
    );
    let profile = store.get("Asker").unwrap();
    assert_eq!(
        profile.profile.certificate().password(),
        &PasswordSource::CredentialStore { entry }
    );
    // The typed password is in no profile file and not in the app's own storage.
    for file in std::fs::read_dir(store.dir()).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains(PASSWORD));
    }
    let mut storage = MemoryStorage::default();
    eframe::App::save(g.h.state_mut(), &mut storage);
    assert!(!storage.0.values().any(|v| v.contains(PASSWORD)));
}

#[test]
fn esc_closes_the_password_prompt_without_running_anything() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    save_draft(&store, env.draft(), "Asker");
    let mut g = gui(&env, None);
    g.click("Asker");
    g.settle();
    g.button("Test connection");
    assert!(g.h.state().is_asking_password());
    g.h.key_press(egui::Key::Escape);
    g.h.run_ok();
    assert!(!g.h.state().is_asking_password());
    assert!(!g.h.state().is_busy());
    no_run_shown(&g);
}

/// Every text field of every tab, with the tab it is on.
const FIELDS: [(&str, &str); 17] = [
    ("General", "Name"),
    ("General", "Tenant"),
    ("General", "Token URL"),
    ("General", "Client ID"),
    ("Certificate", "PFX file"),
    ("Certificate", "Keystore alias"),
    ("Certificate", "Portal thumbprint"),
    ("Graph", "Graph URL"),
    ("Graph", "Default Site Id"),
    ("Graph", "Default Drive Id"),
    ("Retry & headers", "RetryStatusCodeList"),
    ("Retry & headers", "RetryCountMax"),
    ("Retry & headers", "Header 1 name"),
    ("Advanced", "Scope"),
    ("Advanced", "Assertion lifetime (s)"),
    ("Advanced", "Timeout (s)"),
    ("Advanced", "CA file"),
];

fn values(g: &mut Gui<'_>) -> Vec<String> {
    let mut open = "";
    FIELDS
        .iter()
        .map(|(tab, label)| {
            if *tab != open {
                g.click(tab);
                open = tab;
            }
            g.h.get_by_role_and_label(Role::TextInput, label)
                .value()
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn typing_in_a_field_changes_that_field_only() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.apply_preset(certconnect::core::authority::Preset::SingleTenant);
    draft.tenant = "contoso.onmicrosoft.com".into();
    draft.refresh_token_url();
    draft.extra_headers = "X-Trace:1".into();
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    for (index, (tab, label)) in FIELDS.iter().enumerate() {
        let before = values(&mut g);
        g.click(tab);
        g.h.get_by_role_and_label(Role::TextInput, label).focus();
        g.h.run_ok();
        g.h.key_press(egui::Key::End);
        // Two keys in two frames: the first may change the layout (Token URL makes the preset
        // Custom); the second must still land in the same field.
        for key in ["Q", "Z"] {
            g.h.get_by_role_and_label(Role::TextInput, label)
                .type_text(key);
            g.h.run_ok();
        }
        g.settle();
        let after = values(&mut g);
        assert_eq!(after[index], format!("{}QZ", before[index]), "{label}");
        for (other, (_, other_label)) in FIELDS.iter().enumerate() {
            // Derived on purpose: the tenant fills the token URL, the Graph URL the scope.
            let derived = matches!(
                (*label, *other_label),
                ("Tenant", "Token URL") | ("Graph URL", "Scope")
            );
            if other != index && !derived {
                assert_eq!(
                    after[other], before[other],
                    "typing in {label} changed {other_label}"
                );
            }
        }
    }
}

#[test]
fn the_tenant_row_stays_in_place_when_the_url_is_typed_by_hand() {
    let env = Env::new();
    let mut g = gui(&env, None);
    g.button("New connection");
    g.field("Tenant", "contoso.onmicrosoft.com");
    let tenant_y =
        g.h.get_by_role_and_label(Role::TextInput, "Tenant")
            .rect()
            .top();
    g.h.get_by_role_and_label(Role::TextInput, "Token URL")
        .focus();
    g.h.run_ok();
    g.h.key_press(egui::Key::End);
    for key in ["a", "b", "c"] {
        g.h.get_by_role_and_label(Role::TextInput, "Token URL")
            .type_text(key);
        g.h.run_ok();
    }
    let draft = g.h.state().draft();
    assert!(
        draft.token_url.ends_with("/tokenabc"),
        "{}",
        draft.token_url
    );
    assert_eq!(draft.client_id, "");
    let tenant = g.h.get_by_role_and_label(Role::TextInput, "Tenant");
    assert!(
        tenant.accesskit_node().is_disabled(),
        "Custom has no tenant"
    );
    assert_eq!(tenant.rect().top(), tenant_y);
}

#[test]
fn a_run_is_marked_once_the_settings_change() {
    let env = Env::new();
    let mut g = gui(&env, Some(pem_profile(&env).parse().unwrap()));
    g.test_connection();
    assert!(
        g.h.query_by_label_contains("Settings changed since this run")
            .is_none()
    );
    g.field("Client ID", "11111111-2222-3333-4444-555555555555");
    g.h.get_by_label_contains("Settings changed since this run");
    g.field("Client ID", CLIENT_ID);
    assert!(
        g.h.query_by_label_contains("Settings changed since this run")
            .is_none()
    );
    g.field("Name", "Renamed only");
    assert!(
        g.h.query_by_label_contains("Settings changed since this run")
            .is_none(),
        "the name is not part of what was tested"
    );
}

#[test]
fn status_lines_never_contradict_the_form() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Alpha", "Beta"]);
    let mut g = gui(&env, None);
    g.click("Alpha");
    g.settle();
    g.click("Graph");
    g.field("Default Site Id", "contoso.sharepoint.com:/sites/hr");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    g.h.get_by_label("Saved 'Alpha'");
    g.field("Default Drive Id", "b!abc");
    g.h.get_by_label("• unsaved changes");
    assert!(g.h.query_by_label("Saved 'Alpha'").is_none());

    g.click("General");
    g.field("Name", "Beta");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.h.get_by_label_contains("Not saved: a profile named 'Beta' exists already");
    g.click("Beta");
    g.button("Discard changes");
    g.settle();
    assert!(g.h.state().status().is_none(), "{:?}", g.h.state().status());
}

#[test]
fn remembering_under_a_taken_name_leaves_the_other_profile_s_password_alone() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let id = saved_remembering_password(&env, &store, "Prod");
    let mut g = gui(&env, Some(env.profile()));
    g.field("Name", "Prod");
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        "another password",
    );
    g.click("Remember the password in the memory (on Save)");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    g.h.get_by_label_contains("Not saved: a profile named 'Prod' exists already");
    assert_eq!(
        env.vault
            .store()
            .get(&password_entry(&id))
            .unwrap()
            .unwrap(),
        PASSWORD.as_bytes()
    );
    assert_eq!(store.load_all().profiles.len(), 1);
}

#[test]
fn rename_keeps_the_remembered_password_and_unsaved_edits() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved_remembering_password(&env, &store, "Prod");
    let mut g = gui(&env, None);
    g.click("Prod");
    g.settle();
    g.click("Retry & headers");
    g.button("Add header");
    g.field("Header 1 name", "X-Edit");
    g.button("Rename");
    g.set_text(Role::TextInput, "New name", "Production");
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    g.settle();
    assert_eq!(g.h.state().draft().name, "Production");
    assert_eq!(g.h.state().draft().extra_headers, "X-Edit:");
    assert!(g.h.state().is_dirty(), "the header edit is still unsaved");
    assert!(!store.contains("Prod") && store.contains("Production"));
    g.test_connection();
    g.h.get_by_label("Connected");
}

#[test]
fn removing_a_stored_certificate_asks_and_names_its_profiles() {
    let env = Env::new();
    let password = Secret::new(PASSWORD);
    let options = certconnect::cert::LoadOptions {
        key_path: None,
        password: Some(&password),
        alias: None,
    };
    let credential = certconnect::cert::load_file(&env.pfx, options).unwrap();
    env.vault.import("shared", &credential).unwrap();
    let store = ProfileStore::at(env.ws.path("profiles"));
    for name in ["First", "Second"] {
        let mut draft = env.draft();
        draft.cert_kind = certconnect::core::draft::CertKind::CredentialStore;
        draft.store_entry = "shared".into();
        save_draft(&store, draft, name);
    }
    let mut g = gui(&env, None);
    g.click("First");
    g.settle();
    g.click("Certificate");
    g.button("Remove from credential store");
    g.h.get_by_label_contains("Used by 'First', 'Second'");
    g.button("Keep");
    g.settle();
    assert_eq!(env.vault.list().len(), 1);
    g.button("Remove from credential store");
    g.button("Remove anyway");
    g.settle();
    assert!(env.vault.list().is_empty());
    assert!(matches!(
        store.get("First").unwrap().profile.certificate(),
        CertificateSource::CredentialStore { .. }
    ));
}

#[test]
fn a_new_certificate_never_replaces_a_file() {
    let env = Env::new();
    let cer = env.ws.path("x.cer");
    std::fs::write(&cer, "keep me").unwrap();
    let mut g = gui(&env, None);
    g.button("New connection");
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        "Made-in-the-app1",
    );
    g.click("New certificate");
    g.button("Create certificate…");
    g.field("File", s(&env.ws.path("x.pfx")));
    g.button("Create");
    g.settle();
    g.h.get_by_label_contains("exists");
    assert_eq!(std::fs::read_to_string(&cer).unwrap(), "keep me");
    assert!(!env.ws.path("x.pfx").exists());

    // "y.pem" as the PFX name would put the key and the PEM certificate on one path.
    g.button("Create certificate…");
    g.field("File", s(&env.ws.path("y.pem")));
    g.button("Create");
    g.settle();
    g.h.get_by_label_contains("The certificate was not made");
    assert!(!env.ws.path("y.pem").exists() && !env.ws.path("y.cer").exists());
}
