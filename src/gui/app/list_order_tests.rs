//! The profile list shown is never older than one already shown: jobs finish in any order.

use std::sync::Arc;

use egui_kittest::Harness;

use super::{AppDeps, CertconnectApp};
use crate::core::draft::ProfileDraft;
use crate::core::profile::Profile;
use crate::gui::QueuedPicker;
use crate::profile_store::{LoadedProfiles, ProfileStore};

fn profile(name: &str) -> Profile {
    ProfileDraft::example(name).parse().expect("valid profile")
}

/// Runs `job` on a thread of its own, as the app's background jobs run, and waits for it.
fn job<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name("job".into())
        .spawn(job)
        .expect("the job started")
        .join()
        .expect("the job ran")
}

fn names(app: &CertconnectApp) -> Vec<String> {
    app.profiles()
        .into_iter()
        .map(|p| p.name().to_owned())
        .collect()
}

#[test]
fn a_list_read_before_a_write_never_replaces_one_read_after_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = ProfileStore::at(dir.path().join("profiles"));
    store.save(&profile("Alpha")).expect("saved");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let deps = AppDeps {
        runtime: runtime.handle().clone(),
        store: store.clone(),
        picker: Arc::new(QueuedPicker::default()),
        initial: None,
        saved_demo: None,
        timing: Default::default(),
        vault: Err("no credential store in this test".into()),
    };
    let mut h = Harness::builder().build_eframe(|cc| CertconnectApp::new(cc, deps));
    for _ in 0..500 {
        if !h.state().is_busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    assert_eq!(names(h.state()), ["Alpha"]);

    // Two jobs, one after the other: the first reads the list (a reload), the second saves a
    // profile and reads the list (a save). Their results arrive the other way round.
    let reader = store.clone();
    let before: LoadedProfiles = job(move || reader.load_locked());
    let writer = store.clone();
    let after: LoadedProfiles = job(move || {
        writer.save(&profile("Beta")).expect("saved");
        writer.load_locked()
    });
    h.state_mut().take_loaded(after);
    assert_eq!(names(h.state()), ["Alpha", "Beta"]);
    h.state_mut().take_loaded(before);
    assert_eq!(
        names(h.state()),
        ["Alpha", "Beta"],
        "the list read before the save does not replace the one read after it"
    );

    // In order, every list is taken.
    let writer = store.clone();
    let latest = job(move || {
        writer.delete("Alpha").expect("deleted");
        writer.load_locked()
    });
    h.state_mut().take_loaded(latest);
    assert_eq!(names(h.state()), ["Beta"]);
}
