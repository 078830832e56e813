//! The desktop app: profile list, connection dialog, Test connection panel.

mod background;
mod profile_actions;

use std::collections::BTreeSet;
use std::sync::Arc;

use super::dialog::{CardView, DialogAction, DialogState, Errors, StoreView, Tab, dialog_ui};
use super::files::FilePicker;
use super::job::{Background, NewCertRequest, TestJob, TestMessage, load_card, make_certificate};
use super::modals::{ModalState, Pending};
use super::prefs::{PREFS_KEY, UiPrefs};
use super::profile_list::{ListAction, ListView, profile_list_ui};
use super::run_view::RunView;
use super::test_panel::test_panel_ui;
use super::widgets::{ERROR, OK};
use crate::cert::CertReport;
use crate::core::draft::{CertKind, ProfileDraft};
use crate::core::profile::{CertificateInfo, PasswordSource, Profile};
use crate::core::retry::RetryTiming;
use crate::probe::{ProbeJob, system_now};
use crate::secret::Secret;
use crate::secrets::{Vault, password_entry};
use crate::store::{LoadedProfiles, ProfileStore};

/// What the app is given: the runtime for background work, the profile store, file dialogs.
pub struct AppDeps {
    /// The tokio runtime's handle (the runtime itself lives as long as the app).
    pub runtime: tokio::runtime::Handle,
    /// Where profiles are saved.
    pub store: ProfileStore,
    /// File dialogs.
    pub picker: Arc<dyn FilePicker>,
    /// A profile to open as new and unsaved at start (the sandbox demo).
    pub initial: Option<Profile>,
    /// Retry waits (tests shorten them).
    pub timing: RetryTiming,
    /// The OS credential store and the certificates kept there, or why it is not reachable.
    pub vault: Result<Arc<Vault>, String>,
}

/// A line under the dialog telling what just happened.
struct Status {
    text: String,
    error: bool,
}

/// The app.
pub struct CertconnectApp {
    deps: AppDeps,
    loaded: LoadedProfiles,
    open_name: Option<String>,
    pub(super) draft: ProfileDraft,
    baseline: ProfileDraft,
    pub(super) dialog: DialogState,
    card: CardView,
    card_job: Option<Background<CertReport>>,
    compare_job: Option<Background<CertReport>>,
    new_cert_job: Option<Background<std::path::PathBuf>>,
    import_job: Option<Background<crate::secrets::StoredCertificate>>,
    bundle_job: Option<Background<String>>,
    run: Option<RunView>,
    test_job: Option<TestJob>,
    search: String,
    ticked: BTreeSet<String>,
    pub(super) modal: Option<ModalState>,
    status: Option<Status>,
    ctx: egui::Context,
}

impl CertconnectApp {
    /// Builds the app; reads UI preferences (never profiles or secrets) from eframe's storage.
    pub fn new(cc: &eframe::CreationContext<'_>, deps: AppDeps) -> Self {
        let prefs: UiPrefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, PREFS_KEY))
            .unwrap_or_default();
        let mut app = Self {
            loaded: deps.store.load_all(),
            deps,
            open_name: None,
            draft: ProfileDraft::default(),
            baseline: ProfileDraft::default(),
            dialog: DialogState::default(),
            card: CardView::default(),
            card_job: None,
            compare_job: None,
            new_cert_job: None,
            import_job: None,
            bundle_job: None,
            run: None,
            test_job: None,
            search: String::new(),
            ticked: BTreeSet::new(),
            modal: None,
            status: None,
            ctx: cc.egui_ctx.clone(),
        };
        if let Some(problem) = app.loaded.problems.first() {
            app.set_status(
                format!(
                    "{} profile file(s) could not be read, e.g. {}: {}",
                    app.loaded.problems.len(),
                    problem.path.display(),
                    problem.message
                ),
                true,
            );
        }
        if let Some(profile) = app.deps.initial.take() {
            app.open_new(ProfileDraft::from(&profile));
        } else if let Some(name) = prefs.last_profile.filter(|n| app.find(n).is_some()) {
            app.open(&name);
        }
        app
    }

    /// Whether a test is running.
    pub fn is_testing(&self) -> bool {
        self.test_job.is_some()
    }

    /// Whether any background job (test, certificate load, new certificate) is running.
    pub fn is_busy(&self) -> bool {
        self.test_job.is_some()
            || self.card_job.is_some()
            || self.compare_job.is_some()
            || self.new_cert_job.is_some()
    }

    /// The open profile has changes that are not saved.
    pub fn is_dirty(&self) -> bool {
        self.draft != self.baseline
            || self.open_name.is_none() && self.draft != ProfileDraft::default()
    }

    /// Whether a test connection ran and ended.
    pub fn has_verdict(&self) -> bool {
        self.test_job.is_none() && self.run.as_ref().is_some_and(|run| run.verdict.is_some())
    }

    /// The status line's text, if any.
    pub fn status(&self) -> Option<&str> {
        self.status.as_ref().map(|s| s.text.as_str())
    }

    /// The draft being edited.
    pub fn draft(&self) -> &ProfileDraft {
        &self.draft
    }

    /// The saved profiles.
    pub fn profiles(&self) -> Vec<Profile> {
        self.loaded
            .profiles
            .iter()
            .map(|p| p.profile.clone())
            .collect()
    }

    fn find(&self, name: &str) -> Option<&Profile> {
        self.loaded
            .profiles
            .iter()
            .map(|p| &p.profile)
            .find(|p| p.name == name)
    }

    fn set_status(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Status {
            text: text.into(),
            error,
        });
    }

    fn reload(&mut self) {
        self.loaded = self.deps.store.load_all();
        self.ticked
            .retain(|name| self.loaded.profiles.iter().any(|p| &p.profile.name == name));
    }
}

impl eframe::App for CertconnectApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_jobs();
        self.drain_workshop_jobs();
        self.drain_import_job();
        self.drain_bundle_job();
        self.take_dropped_file(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let errors = match self.draft.parse() {
            Ok(_) => Errors::from(&[]),
            Err(errors) => Errors::from(&errors),
        };
        let testing = self.test_job.is_some();
        let can_test = errors.is_empty() && !testing;
        if self.modal.is_none() {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::S)) {
                self.save();
            }
            if can_test
                && ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter))
            {
                self.start_test();
            }
        }

        let view = ListView {
            profiles: &self.loaded.profiles,
            selected: self.open_name.as_deref(),
            dirty: self.is_dirty(),
            now: system_now(),
        };
        let mut search = std::mem::take(&mut self.search);
        let mut ticked = std::mem::take(&mut self.ticked);
        let list_action = egui::Panel::left("profiles")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| {
                profile_list_ui(ui, &view, &mut search, &mut ticked)
            })
            .inner;
        self.search = search;
        self.ticked = ticked;
        self.handle_list(list_action);

        let footer = egui::Panel::bottom("footer")
            .show(ui, |ui| self.footer_ui(ui, can_test, testing))
            .inner;
        match footer {
            Footer::Save => {
                self.save();
            }
            Footer::Test => self.start_test(),
            Footer::Cancel => {
                if let Some(job) = &self.test_job {
                    job.cancel();
                }
            }
            Footer::None => {}
        }

        egui::Panel::right("test").resizable(true).default_size(440.0).min_size(340.0).show(ui, |ui| {
            ui.heading("Test connection");
            egui::ScrollArea::vertical().id_salt("run").show(ui, |ui| match &self.run {
                Some(run) => test_panel_ui(ui, run),
                None => {
                    ui.label("Press Test connection (Ctrl+Enter) to load the certificate, sign an assertion, get a token and read the site and drive.");
                }
            });
        });

        let picker = Arc::clone(&self.deps.picker);
        let store = match &self.deps.vault {
            Ok(vault) => Ok(StoreView {
                name: vault.store().name().to_owned(),
                certificates: vault.list(),
            }),
            Err(reason) => Err(reason.clone()),
        };
        let action = egui::CentralPanel::default()
            .show(ui, |ui| {
                dialog_ui(
                    ui,
                    &mut self.draft,
                    &mut self.dialog,
                    &errors,
                    &self.card,
                    picker.as_ref(),
                    &store,
                )
            })
            .inner;
        match action {
            DialogAction::None => {}
            DialogAction::LoadCertificate => self.load_card(),
            DialogAction::CreateCertificate => self.create_certificate(),
            DialogAction::ForgetPassword => self.forget_password(),
            DialogAction::ImportIntoStore => self.import_into_store(),
            DialogAction::RemoveStored => self.remove_stored(),
            DialogAction::PickCompareFile => {
                if let Some(path) = self.deps.picker.pick_certificate() {
                    let now = system_now();
                    self.compare_job = Some(Background::spawn(
                        &self.deps.runtime,
                        self.ctx.clone(),
                        move || load_card(&path, None, None, None, now),
                    ));
                }
            }
        }
        super::modals::show(self, &ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(
            storage,
            PREFS_KEY,
            &UiPrefs {
                last_profile: self.open_name.clone(),
            },
        );
    }
}

/// What the footer asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Footer {
    None,
    Save,
    Test,
    Cancel,
}

impl CertconnectApp {
    fn footer_ui(&self, ui: &mut egui::Ui, can_test: bool, testing: bool) -> Footer {
        let mut footer = Footer::None;
        ui.horizontal(|ui| {
            if ui.button("Save").on_hover_text("Ctrl+S").clicked() {
                footer = Footer::Save;
            }
            if ui
                .add_enabled(can_test, egui::Button::new("Test connection"))
                .on_hover_text("Ctrl+Enter")
                .clicked()
            {
                footer = Footer::Test;
            }
            if testing && ui.button("Cancel").clicked() {
                footer = Footer::Cancel;
            }
            if self.is_dirty() {
                ui.label("• unsaved changes");
            }
            if let Some(status) = &self.status {
                ui.label(egui::RichText::new(&status.text).color(if status.error {
                    ERROR
                } else {
                    OK
                }));
            }
        });
        footer
    }
}
