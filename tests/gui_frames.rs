//! The UI thread never waits on the credential store: with a store that takes 400 ms for every call,
//! saves, remembered passwords, imports and removals run while no call reaches the store from the
//! thread that draws the frames. Whether that holds is decided by the thread each call comes from,
//! never by a clock, so a loaded machine cannot fail it; the frame times are measured and printed
//! beside it. (Its own test binary, so no other test competes for the cores while they are.)

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

mod gui_harness;
mod support;

use std::sync::Arc;
use std::time::Duration;

use certconnect::credential_store::{
    CredentialBackend, CredentialStoreError, CredentialVault, MemoryBackend,
};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui_harness::{Gui, gui_with_vault};
use support::probe_env::{Env, PASSWORD};

/// A credential store that takes its time, like one waiting behind an unlock prompt, and notes
/// every call made from the UI thread (the thread that steps the frames: the test's own).
struct SlowStore {
    inner: MemoryBackend,
    delay: Duration,
    ui_thread: std::thread::ThreadId,
    calls_on_ui_thread: std::sync::Mutex<Vec<&'static str>>,
}

impl SlowStore {
    fn wait(&self, call: &'static str) {
        if std::thread::current().id() == self.ui_thread {
            self.calls_on_ui_thread.lock().unwrap().push(call);
        }
        std::thread::sleep(self.delay);
    }
}

impl CredentialBackend for SlowStore {
    fn name(&self) -> &str {
        "slow store"
    }
    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, CredentialStoreError> {
        self.wait("get");
        self.inner.get(entry)
    }
    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), CredentialStoreError> {
        self.wait("set");
        self.inner.set(entry, secret)
    }
    fn delete(&self, entry: &str) -> Result<(), CredentialStoreError> {
        self.wait("delete");
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
fn a_slow_credential_store_is_never_called_on_the_ui_thread() {
    let env = Env::new();
    let slow = Arc::new(SlowStore {
        inner: MemoryBackend::default(),
        delay: Duration::from_millis(400),
        ui_thread: std::thread::current().id(),
        calls_on_ui_thread: std::sync::Mutex::default(),
    });
    let store: Arc<dyn CredentialBackend> = slow.clone();
    let vault = Arc::new(CredentialVault::at(env.ws.path("slow-vault"), store));
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
    // Measured, not asserted: each store call sleeps 400 ms, so a frame that waited on one would
    // show it here, but a busy machine can stretch a frame too.
    println!("longest frames: {longest:?}");
    let on_ui_thread = slow.calls_on_ui_thread.lock().unwrap().clone();
    assert!(
        on_ui_thread.is_empty(),
        "the credential store was called on the UI thread: {on_ui_thread:?}"
    );
}
