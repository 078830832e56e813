//! "Try the sandbox demo" on the welcome screen (and `certconnect demo` at start): the local
//! sandbox starts in the background with a certificate kept beside the profiles, its profile is
//! saved as an ordinary profile (`ops::save_demo_profile`) and opened with the demo's hint. The
//! sandbox runs until the app closes.

use super::CertconnectApp;
use crate::core::profile::Profile;
use crate::gui::inbox::{JobKind, Reach};
use crate::ops::{demo_dir, save_demo_profile};
use crate::sandbox::{SandboxConfig, start_demo};

impl CertconnectApp {
    pub(super) fn start_demo(&mut self) {
        if self.is_running(JobKind::Demo) {
            return;
        }
        let store = self.deps.store.clone();
        // Already running (its profile was deleted since): save its profile again.
        if let Some(demo) = &self.demo {
            let profile = demo.profile.clone();
            self.spawn(JobKind::Demo, Reach::Anywhere, move || {
                let saved = save_demo_profile(&store, &profile).map_err(|e| e.to_string());
                Box::new(move |app: &mut Self, _| app.demo_saved(saved))
            });
            return;
        }
        self.set_status("Starting the sandbox…", false);
        self.spawn(JobKind::Demo, Reach::Anywhere, move || {
            let runtime = tokio::runtime::Handle::current();
            let started = runtime.block_on(start_demo(&demo_dir(&store), SandboxConfig::default()));
            let saved = started.and_then(|demo| {
                save_demo_profile(&store, &demo.profile)
                    .map(|saved| (demo, saved))
                    .map_err(|e| e.to_string())
            });
            Box::new(move |app: &mut Self, _| match saved {
                Ok((demo, saved)) => {
                    app.demo = Some(demo);
                    app.demo_saved(Ok(saved));
                }
                Err(e) => app.demo_saved(Err(e)),
            })
        });
    }

    /// Opens the demo's saved profile, with its hint, once the list has been read again.
    pub(super) fn open_demo_when_loaded(&mut self, saved: &Profile) {
        self.open_when_loaded = Some(saved.name().to_owned());
        self.demo_opening = Some(saved.name().to_owned());
    }

    fn demo_saved(&mut self, saved: Result<Profile, String>) {
        match saved {
            Ok(saved) => {
                self.open_demo_when_loaded(&saved);
                self.reload();
            }
            Err(e) => self.set_status(format!("The sandbox did not start: {e}"), true),
        }
    }
}
