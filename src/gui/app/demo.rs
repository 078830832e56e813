//! "Try the sandbox demo" on the welcome screen: the local sandbox starts in the background, with
//! a certificate made for it in a temporary directory, and its profile opens as a new draft. The
//! sandbox runs until the app closes.

use super::CertconnectApp;
use crate::core::draft::ProfileDraft;
use crate::gui::inbox::{JobKind, Reach};
use crate::sandbox::{SandboxConfig, start_demo};

impl CertconnectApp {
    pub(super) fn start_demo(&mut self) {
        if self.is_running(JobKind::Demo) {
            return;
        }
        if let Some((demo, _)) = &self.demo {
            let draft = ProfileDraft::from(&demo.profile);
            return self.open_new(draft);
        }
        self.set_status("Starting the sandbox…", false);
        self.spawn(JobKind::Demo, Reach::OpenDraft, move || {
            let started = tempfile::Builder::new()
                .prefix("certconnect-demo-")
                .tempdir()
                .map_err(|e| e.to_string())
                .and_then(|dir| {
                    let runtime = tokio::runtime::Handle::current();
                    runtime
                        .block_on(start_demo(dir.path(), SandboxConfig::default()))
                        .map(|demo| (demo, dir))
                });
            Box::new(move |app: &mut Self, _| match started {
                Ok((demo, dir)) => {
                    let draft = ProfileDraft::from(&demo.profile);
                    app.demo = Some((demo, dir));
                    app.open_new(draft);
                    app.set_status(
                        "The sandbox is running on this computer: press Test connection.",
                        false,
                    );
                }
                Err(e) => app.set_status(format!("The sandbox did not start: {e}"), true),
            })
        });
    }
}
