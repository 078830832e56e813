//! The app's words for a vault failure's fix: the shared fix names command-line flags where the
//! window has controls, so the app shows its own (chosen by the failure's code).

use crate::core::event::Failure;

/// Puts the app's wording in `failure`'s fix where the front ends differ.
pub fn in_app(failure: &mut Failure) {
    if let Some(fix) = crate::core::key_vault::fix_in_app(&failure.code) {
        fix.clone_into(&mut failure.hint);
    }
}
