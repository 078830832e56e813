//! Confirming an imported profile (see `core::trust`): the app shows what the profile would do,
//! and only the admin's confirmation — saved with the profile, so it is asked once — lets a test
//! go ahead. Saving it is `ops::trust_profile`, as `certconnect profile trust` does.

use super::CertconnectApp;
use crate::core::profile::Origin;
use crate::gui::inbox::{JobKind, Reach};

impl CertconnectApp {
    /// The admin confirmed the open (imported) profile: it is saved as confirmed, then tested.
    pub(super) fn trust_and_test(&mut self) {
        self.draft.origin = Origin::Local;
        self.baseline.origin = Origin::Local;
        if let Some(id) = self.saved_id.clone() {
            let store = self.deps.store.clone();
            self.spawn(JobKind::Profile, Reach::Anywhere, move || {
                let result = crate::ops::trust_profile(&store, &id);
                let loaded = store.load_locked();
                Box::new(move |app: &mut Self, _| {
                    app.take_loaded(loaded);
                    if let Err(e) = result {
                        app.set_status(format!("The confirmation was not saved: {e}"), true);
                    }
                })
            });
        }
        self.start_test();
    }
}
