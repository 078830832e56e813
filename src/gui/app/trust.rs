//! Confirming an imported profile (see `core::trust`): the app shows what the profile would do,
//! and only the admin's confirmation — saved with the profile, so it is asked once — lets a test
//! go ahead.

use super::CertconnectApp;
use crate::core::profile::Origin;
use crate::gui::inbox::JobKind;

impl CertconnectApp {
    /// The admin confirmed the open (imported) profile: it is saved as confirmed, then tested.
    pub(super) fn trust_and_test(&mut self) {
        self.draft.origin = Origin::Local;
        self.baseline.origin = Origin::Local;
        if let Some(id) = self.saved_id.clone() {
            let store = self.deps.store.clone();
            self.spawn_profile_write(JobKind::Profile, move || {
                let result = store
                    .get_by_id(&id)
                    .map_err(|e| e.to_string())
                    .and_then(|stored| {
                        store
                            .save(&stored.profile.with_origin(Origin::Local))
                            .map_err(|e| e.to_string())
                    });
                let loaded = store.load_all();
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
