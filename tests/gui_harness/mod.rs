//! The real desktop app in egui_kittest against the in-process sandbox: building it, typing,
//! clicking and waiting for its background work. Shared by the GUI test crates.
#![allow(
    dead_code,
    reason = "each GUI test binary uses a different part of this module"
)]

use std::sync::Arc;
use std::time::Duration;

use certconnect::core::profile::Profile;
use certconnect::core::retry::RetryTiming;
use certconnect::gui::{AppDeps, CertconnectApp, QueuedPicker, SignInState};
use certconnect::profile_store::ProfileStore;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::support::probe_env::{Env, PASSWORD};

pub struct Gui<'a> {
    pub h: Harness<'a, CertconnectApp>,
    pub store: ProfileStore,
    pub picker: Arc<QueuedPicker>,
}

pub fn gui(env: &Env, initial: Option<Profile>) -> Gui<'static> {
    gui_with_vault(env, initial, Ok(env.vault.clone()))
}

pub fn gui_with_vault(
    env: &Env,
    initial: Option<Profile>,
    vault: Result<Arc<certconnect::credential_store::CredentialVault>, String>,
) -> Gui<'static> {
    gui_with(env, initial, vault, egui::vec2(1280.0, 860.0), None, None)
}

/// The app as `certconnect demo` starts it: the demo's profile already saved, opened at start.
pub fn gui_with_saved_demo(env: &Env, saved_demo: Profile) -> Gui<'static> {
    gui_with_saved_demo_sized(env, saved_demo, egui::vec2(1280.0, 860.0))
}

/// [`gui_with_saved_demo`] in a window of `size`.
pub fn gui_with_saved_demo_sized(env: &Env, saved_demo: Profile, size: egui::Vec2) -> Gui<'static> {
    let vault = Ok(env.vault.clone());
    gui_with(env, None, vault, size, None, Some(saved_demo))
}

/// The app in a window of `size`, started with what `storage` kept of an earlier run (leaked: it
/// lives as long as the harness).
pub fn gui_sized(
    env: &Env,
    initial: Option<Profile>,
    size: egui::Vec2,
    storage: Option<MemoryStorage>,
) -> Gui<'static> {
    gui_with(env, initial, Ok(env.vault.clone()), size, storage, None)
}

fn gui_with(
    env: &Env,
    initial: Option<Profile>,
    vault: Result<Arc<certconnect::credential_store::CredentialVault>, String>,
    size: egui::Vec2,
    storage: Option<MemoryStorage>,
    saved_demo: Option<Profile>,
) -> Gui<'static> {
    let store = ProfileStore::at(env.ws.path("profiles"));
    let picker = Arc::new(QueuedPicker::default());
    let deps = AppDeps {
        runtime: env.rt.handle().clone(),
        store: store.clone(),
        picker: picker.clone(),
        initial,
        saved_demo,
        timing: RetryTiming {
            base: Duration::from_millis(20),
            cap: Duration::from_secs(2),
        },
        vault,
    };
    let storage: Option<&'static MemoryStorage> = storage.map(|s| &*Box::leak(Box::new(s)));
    let mut h = Harness::builder().with_size(size).build_eframe(|cc| {
        if let Some(storage) = storage {
            cc.storage = Some(storage);
        }
        CertconnectApp::new(cc, deps)
    });
    h.run_ok();
    let mut g = Gui { h, store, picker };
    g.settle();
    g
}

impl Gui<'_> {
    /// Replaces the text of the field labelled `label`.
    pub fn set_text(&mut self, role: Role, label: &str, text: &str) {
        self.h.get_by_role_and_label(role, label).focus();
        self.h.run_ok();
        self.h
            .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        if text.is_empty() {
            self.h.key_press(egui::Key::Backspace);
        } else {
            self.h.get_by_role_and_label(role, label).type_text(text);
        }
        self.h.run_ok();
    }

    pub fn field(&mut self, label: &str, text: &str) {
        self.set_text(Role::TextInput, label, text);
    }

    pub fn click(&mut self, label: &str) {
        self.h.get_by_label(label).click();
        self.h.run_ok();
    }

    pub fn button(&mut self, label: &str) {
        self.h.get_by_role_and_label(Role::Button, label).click();
        self.h.run_ok();
    }

    /// Frames until `done` holds (the spinner keeps repainting, so `run` cannot be used meanwhile).
    /// One frame comes first: a key pressed just before is only read in a frame, and the job it
    /// starts must not be taken as already finished because it has not begun.
    pub fn wait_until(&mut self, done: impl Fn(&CertconnectApp) -> bool) {
        self.h.step();
        for _ in 0..1000 {
            if done(self.h.state()) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
            self.h.step();
        }
        assert!(done(self.h.state()), "timed out waiting for the app");
        self.h.run_ok();
    }

    /// Frames until no background job (list, card, save, store) is running.
    pub fn settle(&mut self) {
        self.wait_until(|app| !app.is_busy());
    }

    pub fn test_connection(&mut self) {
        self.button("Test connection");
        self.wait_until(CertconnectApp::has_verdict);
    }
}

pub fn saved(env: &Env, store: &ProfileStore, names: &[&str]) {
    for name in names {
        let mut draft = env.draft();
        draft.name = (*name).into();
        store.save(&draft.parse().unwrap()).unwrap();
    }
}

#[derive(Default)]
pub struct MemoryStorage(pub std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// The connection form of a new profile "Contoso" filled in for the sandbox with this client ID
/// (`""`: none) and PFX, back on the General tab.
pub fn fill_form(g: &mut Gui<'_>, env: &Env, client_id: &str, pfx: &std::path::Path) {
    g.button("New connection");
    g.field("Name", "Contoso");
    g.field("Token URL", &env.sandbox.token_url());
    g.field("Client ID", client_id);
    g.click("Graph");
    g.field("Graph URL", &env.sandbox.graph_url());
    g.click("Certificate");
    g.field("PFX file", &pfx.display().to_string());
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.click("General");
}

/// Whether Set up in Entra's administrator is signed in.
pub fn signed_in(app: &CertconnectApp) -> bool {
    matches!(
        app.setup_sign_in_state(),
        Some(SignInState::SignedIn { .. })
    )
}
