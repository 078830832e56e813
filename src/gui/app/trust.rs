//! Confirming an imported profile (see `core::trust`): the app shows what the profile would do,
//! and only the admin's confirmation — saved with the profile, so it is asked once — lets a test
//! go ahead. An imported profile with nothing to question is confirmed by starting its first test.
//! Saving the confirmation is `ops::trust_profile`, as `certconnect profile trust` does.

use super::CertconnectApp;
use crate::core::profile::Origin;
use crate::core::trust::GivenHere;
use crate::gui::inbox::{JobKind, Reach};

impl CertconnectApp {
    /// The values the admin chose in this window since the profile was opened (the certificate
    /// and the way into its vault, the hosts, the password's source, the CA file): given here, as
    /// a command-line flag is, so an imported profile's confirmation does not lay them at the
    /// file's author's door.
    pub(super) fn given_here(&self) -> GivenHere {
        let (now, opened) = (&self.draft, &self.opened_as);
        GivenHere {
            token_url: now.token_url.trim() != opened.token_url.trim(),
            graph_url: now.graph_url.trim() != opened.graph_url.trim(),
            certificate: now.certificate_source().ok() != opened.certificate_source().ok(),
            password: now.password != opened.password,
            ca_file: now.ca_file.trim() != opened.ca_file.trim(),
        }
    }

    /// The admin confirmed the open (imported) profile: it is saved as confirmed, then tested.
    pub(super) fn trust_and_test(&mut self) {
        self.confirm_open_profile();
        self.start_test();
    }

    /// The open profile becomes this machine's own (its "imported" mark goes): the draft and its
    /// baseline at once, the saved profile through `ops::trust_profile`.
    pub(super) fn confirm_open_profile(&mut self) {
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
    }
}
