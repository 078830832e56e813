//! The UI thread never waits on the credential store or the profile files: with a store that
//! takes 400 ms for every call, each frame of the app's own work stays under 50 ms while saves,
//! remembered passwords, imports and removals run. (Its own test binary, so no other test competes
//! for the two cores while frames are timed.)

#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod gui_harness;
mod support;

use std::sync::Arc;
use std::time::Duration;

use certconnect::secrets::{MemoryStore, SecretStore, Vault};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui_harness::{Gui, gui_with_vault};
use support::probe_env::{Env, PASSWORD};

/// A credential store that takes its time, like one waiting behind an unlock prompt.
struct SlowStore {
    inner: MemoryStore,
    delay: Duration,
}

impl SecretStore for SlowStore {
    fn name(&self) -> &str {
        "slow store"
    }
    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, String> {
        std::thread::sleep(self.delay);
        self.inner.get(entry)
    }
    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), String> {
        std::thread::sleep(self.delay);
        self.inner.set(entry, secret)
    }
    fn delete(&self, entry: &str) -> Result<(), String> {
        std::thread::sleep(self.delay);
        self.inner.delete(entry)
    }
}

/// Steps frames until the app is idle; returns the longest frame.
fn longest_frame_until_idle(g: &mut Gui<'_>) -> Duration {
    let mut longest = Duration::ZERO;
    for _ in 0..2000 {
        g.h.step();
        longest = longest.max(g.h.state().last_frame_time());
        if !g.h.state().is_busy() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!g.h.state().is_busy(), "timed out");
    g.h.run_ok();
    longest
}

#[test]
fn frames_stay_short_while_a_slow_credential_store_works() {
    let env = Env::new();
    let slow: Arc<dyn SecretStore> = Arc::new(SlowStore {
        inner: MemoryStore::default(),
        delay: Duration::from_millis(400),
    });
    let vault = Arc::new(Vault::at(env.ws.path("slow-vault"), slow));
    let mut g = gui_with_vault(&env, Some(env.profile()), Ok(vault.clone()));
    // One untimed run first: the first drawing of a text rasterises its glyphs, which is the
    // renderer's one-off work, not the app waiting on anything.
    g.field("Name", "Slow");
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.test_connection();
    let mut longest = Vec::new();
    // Save with "Remember": a profile write, then a credential-store write.
    g.click("Remember the password in the slow store (on Save)");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    longest.push(("save and remember", longest_frame_until_idle(&mut g)));
    // A test reading the remembered password (the typed one is cleared once it is remembered).
    g.h.get_by_role_and_label(Role::Button, "Test connection")
        .click();
    longest.push((
        "test with the remembered password",
        longest_frame_until_idle(&mut g),
    ));
    g.h.get_by_label("Connected");
    // Forget the password.
    g.h.get_by_role_and_label(Role::Button, "Forget password")
        .click();
    longest.push(("forget", longest_frame_until_idle(&mut g)));
    // Import into the store, then remove it (after confirming).
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.h.get_by_role_and_label(Role::Button, "Import into credential store")
        .click();
    longest.push(("import", longest_frame_until_idle(&mut g)));
    assert_eq!(vault.list().len(), 1, "{:?}", g.h.state().status());
    g.h.get_by_role_and_label(Role::Button, "Remove from credential store")
        .click();
    g.h.run_ok();
    g.h.get_by_role_and_label(Role::Button, "Remove anyway")
        .click();
    longest.push(("remove", longest_frame_until_idle(&mut g)));
    assert!(vault.list().is_empty());
    println!("longest frames: {longest:?}");
    for (what, frame) in longest {
        // Each store call sleeps 400 ms: a frame that waited on one would take that long.
        assert!(
            frame < Duration::from_millis(50),
            "{what}: a frame took {frame:?}"
        );
    }
}
