//! The desktop app (egui/eframe). Network and crypto run on a tokio runtime beside the UI thread;
//! jobs report over channels and wake the UI, which is idle otherwise.

pub mod app;
mod card;
mod certificate_row;
mod dialog;
pub mod files;
pub mod frame_log;
mod hints;
pub mod icon;
mod inbox;
mod modals;
mod prefs;
mod profile_list;
pub mod renderer;
mod rotate_prompt;
mod test_panel;
mod vault_fixes;
mod welcome;
mod widgets;

use std::sync::Arc;

pub use app::{AppDeps, CertconnectApp};
pub use files::{FilePicker, QueuedPicker, RfdPicker};
pub use modals::SignInState;

use crate::core::retry::RetryTiming;
use crate::profile_store::ProfileStore;
use crate::sandbox::{SandboxConfig, start_demo};

/// How the app starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// With the saved profiles.
    Normal,
    /// With a local sandbox started in-process and a profile pointed at it.
    Demo {
        /// Faults the sandbox injects (`token:slow=3000`…), to see a slow or failing server.
        faults: Vec<crate::sandbox::Fault>,
    },
}

impl Start {
    /// `demo [--fault SPEC]...` as given to `certconnect-gui`; anything else opens the app as usual.
    pub fn from_args(args: &[String]) -> Result<Self, String> {
        let Some((first, rest)) = args.split_first() else {
            return Ok(Self::Normal);
        };
        if first != "demo" {
            return Ok(Self::Normal);
        }
        let mut specs = Vec::new();
        let mut rest = rest.iter();
        while let Some(arg) = rest.next() {
            match (arg.as_str(), rest.next()) {
                ("--fault", Some(spec)) => specs.push(spec),
                _ => {
                    return Err(format!(
                        "unexpected argument '{arg}' (demo [--fault SPEC]...)"
                    ));
                }
            }
        }
        let faults = crate::sandbox::parse_faults(&specs)?;
        Ok(Self::Demo { faults })
    }
}

/// Opens the window and runs until it is closed.
pub fn run(start: Start) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("certconnect-worker")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
    // The demo's certificate is kept beside the profiles and its profile saved as an ordinary
    // one; the sandbox runs until the window closes.
    let demo = match start {
        Start::Normal => None,
        Start::Demo { faults } => {
            let config = SandboxConfig {
                faults,
                ..SandboxConfig::default()
            };
            let demo = runtime.block_on(start_demo(&crate::ops::demo_dir(&store), config))?;
            let saved =
                crate::ops::save_demo_profile(&store, &demo.profile).map_err(|e| e.to_string())?;
            Some((demo, saved))
        }
    };
    let deps = AppDeps {
        runtime: runtime.handle().clone(),
        store,
        picker: Arc::new(RfdPicker),
        initial: None,
        saved_demo: demo.as_ref().map(|(_, saved)| saved.clone()),
        timing: RetryTiming::default(),
        // Only shown (why remembering and stored certificates are off), never matched.
        vault: crate::credential_store::open_os_vault()
            .map(Arc::new)
            .map_err(|e| e.to_string()),
    };
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("certconnect")
        .with_inner_size([1180.0, 760.0])
        .with_min_inner_size([860.0, 520.0])
        .with_drag_and_drop(true);
    if let Some(icon) = icon::app_icon() {
        viewport = viewport.with_icon(icon);
    }
    let renderers = renderer::from_env()?;
    let result = open_window(viewport, &renderers, deps);
    drop(demo);
    // The window is closed: hardware-token modules nothing uses any more are finalised.
    crate::cert::pkcs11::finalize_all();
    result
}

/// Where eframe keeps the window's state (sizes, theme, last profile): beside the stored
/// certificates when `CERTCONNECT_DATA_DIR` moves them, so a run with its own data directory (a
/// second instance, a test, a demo) neither reads nor overwrites the usual one; eframe's default
/// place otherwise.
fn window_state_dir() -> Option<std::path::PathBuf> {
    state_dir_from(std::env::var_os(crate::credential_store::DATA_DIR_ENV))
}

/// The window's state directory for this value of `CERTCONNECT_DATA_DIR` (unset or empty: eframe's).
fn state_dir_from(data_dir: Option<std::ffi::OsString>) -> Option<std::path::PathBuf> {
    data_dir
        .filter(|dir| !dir.is_empty())
        .map(std::path::PathBuf::from)
}

#[cfg(test)]
mod state_dir_tests {
    use super::state_dir_from;

    #[test]
    fn a_data_dir_of_its_own_keeps_the_window_state_too() {
        assert_eq!(
            state_dir_from(Some("/tmp/run-1/data".into())),
            Some(std::path::PathBuf::from("/tmp/run-1/data"))
        );
        assert_eq!(state_dir_from(Some("".into())), None);
        assert_eq!(state_dir_from(None), None);
    }
}

/// Opens the window with the first renderer that starts. A renderer that fails before the app
/// was created is reported on stderr and the next one is tried; a failure after that ends the run.
fn open_window(
    viewport: egui::ViewportBuilder,
    renderers: &[renderer::Renderer],
    deps: AppDeps,
) -> Result<(), String> {
    let deps = std::rc::Rc::new(std::cell::RefCell::new(Some(deps)));
    let mut failures = Vec::new();
    for &renderer in renderers {
        let options = eframe::NativeOptions {
            viewport: viewport.clone(),
            renderer: renderer.to_eframe(),
            persistence_path: window_state_dir(),
            ..Default::default()
        };
        let slot = std::rc::Rc::clone(&deps);
        let result = eframe::run_native(
            "certconnect",
            options,
            Box::new(move |cc| {
                let deps = slot
                    .borrow_mut()
                    .take()
                    .ok_or("the app was already started")?;
                Ok(Box::new(CertconnectApp::new(cc, deps)))
            }),
        );
        let Err(error) = result else {
            return Ok(());
        };
        failures.push(format!("{}: {error}", renderer.describe()));
        if deps.borrow().is_none() {
            // The app had started: this is not a renderer that failed to start.
            break;
        }
        if renderers.last() != Some(&renderer) {
            eprintln!(
                "certconnect: {}; trying the next renderer",
                failures.last().map_or("", String::as_str)
            );
        }
    }
    Err(format!(
        "the window could not be opened ({})",
        failures.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::Start;

    fn start(args: &[&str]) -> Result<Start, String> {
        Start::from_args(&args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn the_gui_binary_reads_demo_and_its_faults() {
        assert_eq!(start(&[]), Ok(Start::Normal));
        assert_eq!(start(&["demo"]), Ok(Start::Demo { faults: vec![] }));
        let Ok(Start::Demo { faults }) =
            start(&["demo", "--fault", "token:slow=3000", "--fault", "graph:503"])
        else {
            panic!("demo with faults");
        };
        assert_eq!(faults.len(), 2);
        assert!(start(&["demo", "--fault"]).is_err());
        assert!(
            start(&["demo", "--fault", "nowhere:1"])
                .unwrap_err()
                .contains("--fault nowhere:1")
        );
        assert!(start(&["demo", "--other"]).is_err());
    }
}
