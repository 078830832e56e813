//! The desktop app's UI thread must never wait on a file, the credential store or a slow crypto
//! call: a frame that waits freezes the window. The app marks the thread while it runs a frame,
//! and the adapters that block (profile files, the certificate vault, the OS credential store,
//! certificate loading) call [`forbid_on_ui_thread`] first. Debug builds (every test) panic there,
//! naming the call, so a regression fails the tests instead of stuttering for users; release builds
//! carry no check.

use std::cell::Cell;

thread_local! {
    static IN_UI_FRAME: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as running a UI frame until dropped.
#[must_use = "the mark lasts while the guard lives"]
pub struct UiThread {
    was: bool,
}

impl UiThread {
    /// Enters a UI frame.
    pub fn enter() -> Self {
        Self {
            was: IN_UI_FRAME.with(|f| f.replace(true)),
        }
    }
}

impl Drop for UiThread {
    fn drop(&mut self) {
        IN_UI_FRAME.with(|f| f.set(self.was));
    }
}

/// Whether the current thread is running a UI frame.
pub fn on_ui_thread() -> bool {
    IN_UI_FRAME.with(Cell::get)
}

/// Called by blocking adapters: in debug builds, panics when called during a UI frame.
#[track_caller]
pub fn forbid_on_ui_thread(what: &str) {
    if cfg!(debug_assertions) && on_ui_thread() {
        panic!("blocking call on the UI thread: {what}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_lasts_while_the_guard_lives() {
        assert!(!on_ui_thread());
        {
            let _frame = UiThread::enter();
            assert!(on_ui_thread());
            assert!(std::panic::catch_unwind(|| forbid_on_ui_thread("a file")).is_err());
        }
        assert!(!on_ui_thread());
        forbid_on_ui_thread("a file");
    }
}
