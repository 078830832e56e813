//! The desktop app: one state, one inbox. The frame draws from the state and turns what the user
//! asked for into actions; actions start background jobs; jobs report through the inbox, and only
//! results still meant for the open draft change it.

mod browse;
mod card_jobs;
mod demo;
mod exchange;
mod frame;
#[cfg(test)]
mod list_order_tests;
mod modal;
mod password;
mod pkcs11_jobs;
mod profile_actions;
mod rotate;
mod setup_entra;
mod store_actions;
mod test_run;
mod trust;

pub use password::Purpose;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::card::CardView;
use super::dialog::DialogState;
use super::files::FilePicker;
use super::inbox::{Inbox, JobKind, Reach, Ticket};
use super::modals::ModalState;
use super::prefs::{PREFS_KEY, UiPrefs};
use crate::core::draft::ProfileDraft;
use crate::core::profile::Profile;
use crate::core::retry::RetryTiming;
use crate::credential_store::{CredentialVault, StoredCertificate};
use crate::profile_store::{LoadedProfiles, ProfileStore};
use crate::report::RunView;
pub use frame::{LayoutRects, THREE_COLUMNS_MIN_WIDTH};

/// What the app is given: the runtime for background work, the profile store, file dialogs.
pub struct AppDeps {
    /// The tokio runtime's handle (the runtime itself lives as long as the app).
    pub runtime: tokio::runtime::Handle,
    /// Where profiles are saved.
    pub store: ProfileStore,
    /// File dialogs.
    pub picker: Arc<dyn FilePicker>,
    /// A profile to open as new and unsaved at start.
    pub initial: Option<Profile>,
    /// The sandbox demo's profile, already saved (`certconnect demo`), to open at start with the
    /// demo's hint.
    pub saved_demo: Option<Profile>,
    /// Retry waits (tests shorten them).
    pub timing: RetryTiming,
    /// The OS credential store and the certificates kept there, or why it is not reachable.
    pub vault: Result<Arc<CredentialVault>, String>,
}

/// A line under the dialog telling what just happened, for the draft as it was then.
struct Status {
    text: String,
    error: bool,
    /// The draft when the line was set: once the form changes, the line no longer applies.
    draft: ProfileDraft,
}

/// The app.
pub struct CertconnectApp {
    deps: AppDeps,
    inbox: Inbox,
    /// Jobs not yet finished, with whom they are for.
    running: BTreeMap<u64, (JobKind, Ticket)>,
    loaded: LoadedProfiles,
    /// The certificates kept in the credential store, as last listed.
    stored: Vec<StoredCertificate>,
    /// The Windows certificate store's listing (read when its section is shown).
    windows: crate::gui::dialog::WindowsStoreView,
    /// An Azure Key Vault's listing (read when asked).
    key_vault: crate::gui::dialog::KeyVaultView,
    /// PKCS#11 modules and tokens.
    pkcs11: crate::gui::dialog::Pkcs11View,
    /// Bumped whenever another draft is opened.
    generation: u64,
    /// The open draft is this saved profile's (by id); `None` for a new, unsaved one.
    saved_id: Option<String>,
    draft: ProfileDraft,
    /// The draft as saved (or as first opened, for a new one): the reference for "unsaved".
    baseline: ProfileDraft,
    /// The draft as it was when opened (saving does not move it): what differs from it was
    /// chosen in this window, not by whoever wrote an imported profile's file.
    opened_as: ProfileDraft,
    dialog: DialogState,
    card: CardView,
    run: Option<RunView>,
    test_cancel: Option<CancellationToken>,
    /// Cancels the open draft's rotation (until its upload starts).
    rotate_cancel: Option<CancellationToken>,
    search: String,
    ticked: BTreeSet<String>,
    modal: Option<ModalState>,
    status: Option<Status>,
    /// The profile to open once the list has been read (the last one used).
    open_when_loaded: Option<String>,
    /// When this frame's own work started, and how long the last frame's took.
    frame_started: Option<std::time::Instant>,
    last_frame: std::time::Duration,
    /// The bench's frame log (`CERTCONNECT_FRAME_LOG`), inert otherwise.
    frame_log: crate::gui::frame_log::FrameLog,
    /// Panel sizes, theme, the last profile: kept in eframe's storage.
    prefs: UiPrefs,
    /// Where the last frame put the list, the form and the test panel.
    layout: LayoutRects,
    /// The profile list has been read once.
    loaded_once: bool,
    /// The open unsaved draft was started on purpose (New, Duplicate, the demo), so a first run
    /// shows it rather than the welcome screen.
    started_draft: bool,
    /// The sandbox demo started from the welcome screen, running as long as the app.
    demo: Option<crate::sandbox::Demo>,
    /// The demo's profile (by name) that opens once the list is read: it opens with the demo's hint.
    demo_opening: Option<String>,
    /// Set up in Entra: the signed-in admin and what Cancel stops.
    setup: setup_entra::SetupJobs,
}

impl CertconnectApp {
    /// Builds the app; reads UI preferences (never profiles or secrets) from eframe's storage.
    /// The profile list and the credential store are read in the background.
    pub fn new(cc: &eframe::CreationContext<'_>, mut deps: AppDeps) -> Self {
        let prefs: UiPrefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, PREFS_KEY))
            .unwrap_or_default();
        cc.egui_ctx.set_theme(prefs.theme.preference());
        let inbox = Inbox::new(deps.runtime.clone(), cc.egui_ctx.clone());
        let initial = deps.initial.take();
        let saved_demo = deps.saved_demo.take();
        let mut app = Self {
            deps,
            inbox,
            running: BTreeMap::new(),
            loaded: LoadedProfiles::default(),
            stored: Vec::new(),
            windows: Default::default(),
            key_vault: Default::default(),
            pkcs11: Default::default(),
            generation: 0,
            saved_id: None,
            draft: ProfileDraft::default(),
            baseline: ProfileDraft::default(),
            opened_as: ProfileDraft::default(),
            dialog: DialogState::default(),
            card: CardView::default(),
            run: None,
            test_cancel: None,
            rotate_cancel: None,
            search: String::new(),
            ticked: BTreeSet::new(),
            modal: None,
            status: None,
            open_when_loaded: None,
            frame_started: None,
            last_frame: std::time::Duration::ZERO,
            frame_log: crate::gui::frame_log::FrameLog::from_env(),
            prefs: prefs.clone(),
            layout: LayoutRects::default(),
            loaded_once: false,
            started_draft: false,
            demo: None,
            demo_opening: None,
            setup: setup_entra::SetupJobs::default(),
        };
        match (initial, saved_demo) {
            (Some(profile), _) => app.open_new(ProfileDraft::from(&profile)),
            (None, demo) => {
                app.open_new(ProfileDraft::default());
                app.started_draft = false;
                match demo {
                    Some(demo) => app.open_demo_when_loaded(&demo),
                    None => app.open_when_loaded = prefs.last_profile,
                }
            }
        }
        app.reload();
        app.refresh_stored();
        app
    }

    /// Whether a test is running for the open draft.
    pub fn is_testing(&self) -> bool {
        self.is_running(JobKind::Test)
    }

    /// Whether any background job is running (for any profile).
    pub fn is_busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// The open profile has changes that are not saved (a header row that cannot be written yet
    /// is one).
    pub fn is_dirty(&self) -> bool {
        self.draft != self.baseline || self.dialog.headers.problem.is_some()
    }

    /// What is wrong with the form: the draft's field errors, and a header row that cannot be
    /// written (it holds the draft back, so the draft alone would look valid).
    fn field_errors(&self) -> Vec<crate::core::draft::FieldError> {
        let mut errors = self.draft.parse().err().unwrap_or_default();
        if let Some(problem) = &self.dialog.headers.problem {
            errors.retain(|e| e.field != crate::core::draft::Field::ExtraHeaders);
            errors.push(crate::core::draft::FieldError {
                field: crate::core::draft::Field::ExtraHeaders,
                message: problem.clone(),
            });
        }
        errors
    }

    /// Whether a test connection ran and ended for the open draft.
    pub fn has_verdict(&self) -> bool {
        !self.is_testing() && self.run.as_ref().is_some_and(|run| run.verdict.is_some())
    }

    /// Whether the finished run no longer matches the settings (and typed password).
    pub fn run_is_stale(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|run| run.is_stale(&self.draft, self.typed_password().as_ref()))
    }

    /// The status line's text, if any.
    pub fn status(&self) -> Option<&str> {
        self.status.as_ref().map(|s| s.text.as_str())
    }

    /// The draft being edited.
    pub fn draft(&self) -> &ProfileDraft {
        &self.draft
    }

    /// The saved profiles, as last read.
    pub fn profiles(&self) -> Vec<Profile> {
        self.loaded
            .profiles
            .iter()
            .map(|p| p.profile.clone())
            .collect()
    }

    /// The subject and SHA-1 thumbprint the certificate card shows, when it shows a loaded one.
    pub fn card_certificate(&self) -> Option<(String, String)> {
        self.card
            .report()
            .map(|r| (r.subject.clone(), r.thumbprint_sha1.clone()))
    }

    /// How long the app's own work (`logic` and `ui`) took in the last frame: what a blocking
    /// call on the UI thread would show up in.
    pub fn last_frame_time(&self) -> std::time::Duration {
        self.last_frame
    }

    /// Where the last frame put the profile list, the form and the test panel.
    pub fn layout(&self) -> LayoutRects {
        self.layout
    }

    /// Whether the welcome screen (no profiles yet) is shown instead of the form.
    pub fn shows_welcome(&self) -> bool {
        self.loaded_once
            && self.loaded.profiles.is_empty()
            && self.saved_id.is_none()
            && !self.started_draft
            && !self.is_dirty()
    }

    /// Whether any field error is on screen.
    pub fn shows_field_errors(&self) -> bool {
        crate::gui::dialog::Errors::from(&self.field_errors(), &self.dialog)
            .hold_back_steps(&self.draft, &self.dialog)
            .any_shown()
    }

    /// Whether a password prompt is open.
    pub fn is_asking_password(&self) -> bool {
        matches!(self.modal, Some(ModalState::Password(_)))
    }

    fn is_running(&self, kind: JobKind) -> bool {
        let ticket = self.ticket();
        self.running
            .values()
            .any(|(k, t)| *k == kind && *t == ticket)
    }

    fn ticket(&self) -> Ticket {
        Ticket {
            profile: self.draft.id.clone(),
            generation: self.generation,
        }
    }

    /// The saved profiles the open one may reach its vault with: all but itself (by its saved id
    /// and by the name in the form). Empty unless the form asks for one.
    fn vault_profile_choices(&self) -> Vec<String> {
        if !matches!(
            self.draft.vault_access,
            crate::core::key_vault::VaultAccess::Profile(_)
        ) || self.draft.cert_kind != crate::core::draft::CertKind::KeyVault
        {
            return Vec::new();
        }
        self.loaded
            .profiles
            .iter()
            .map(|p| &p.profile)
            .filter(|p| {
                Some(p.id()) != self.saved_id.as_deref() && p.name() != self.draft.name.trim()
            })
            .map(|p| p.name().to_owned())
            .collect()
    }

    fn find(&self, name: &str) -> Option<&Profile> {
        self.loaded
            .profiles
            .iter()
            .map(|p| &p.profile)
            .find(|p| p.name() == name)
    }

    fn find_id(&self, id: &str) -> Option<&Profile> {
        self.loaded
            .profiles
            .iter()
            .map(|p| &p.profile)
            .find(|p| p.id() == id)
    }

    /// Sets the status line. Open to `gui`: the inbox reports a job that stopped unexpectedly.
    pub(super) fn set_status(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Status {
            text: text.into(),
            error,
            draft: self.draft.clone(),
        });
    }

    /// Runs blocking work for the open draft and records it as running until its message arrives.
    fn spawn(
        &mut self,
        kind: JobKind,
        reach: Reach,
        work: impl FnOnce() -> super::inbox::Apply + Send + 'static,
    ) {
        let ticket = self.ticket();
        let job = self.inbox.blocking(ticket.clone(), reach, work);
        self.running.insert(job, (kind, ticket));
    }

    /// Reads the profile directory again, in the background.
    fn reload(&mut self) {
        let store = self.deps.store.clone();
        self.spawn(JobKind::Profiles, Reach::Anywhere, move || {
            let loaded = store.load_locked();
            Box::new(move |app: &mut Self, _| app.take_loaded(loaded))
        });
    }

    /// Shows a list of the saved profiles, unless the list shown was read after it: jobs finish
    /// in any order, and a list read before a write must not replace one read after it.
    fn take_loaded(&mut self, loaded: LoadedProfiles) {
        if self.loaded.is_newer_than(&loaded) {
            return;
        }
        if let Some(problem) = loaded.problems.first() {
            self.set_status(
                format!(
                    "{} could not be read, e.g. {}: {}",
                    crate::core::plural::count(
                        loaded.problems.len(),
                        "profile file",
                        "profile files"
                    ),
                    problem.path.display(),
                    problem.message
                ),
                true,
            );
        }
        self.loaded = loaded;
        self.loaded_once = true;
        self.ticked.retain(|name| {
            self.loaded
                .profiles
                .iter()
                .any(|p| p.profile.name() == name)
        });
        if let Some(name) = self.open_when_loaded.take()
            && self.saved_id.is_none()
            && !self.is_dirty()
            && self.find(&name).is_some()
        {
            self.open(&name);
            if self.demo_opening.take().as_deref() == Some(name.as_str()) {
                self.set_status(crate::gui::hints::demo_hint(&name), false);
            }
        }
    }

    /// Takes every message that arrived; drops those meant for a draft that is no longer open.
    fn drain_inbox(&mut self) {
        while let Some(message) = self.inbox.try_next() {
            if message.last {
                self.running.remove(&message.job);
            }
            let current = message.ticket == self.ticket();
            if current || message.reach == super::inbox::Reach::Anywhere {
                (message.apply)(self, current);
            }
        }
    }

    /// Clears a status line that was about another state of the form.
    fn expire_status(&mut self) {
        // The certificate's saved facts follow a load, not an edit: they do not expire a line.
        let info = self.draft.certificate_info.clone();
        let edited = |then: &mut ProfileDraft| {
            then.certificate_info.clone_from(&info);
            *then != self.draft
        };
        if self.status.as_mut().is_some_and(|s| edited(&mut s.draft)) {
            self.status = None;
        }
    }
}

impl eframe::App for CertconnectApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        let _ui_thread = crate::ui_thread_guard::UiThread::enter();
        self.frame_started = Some(std::time::Instant::now());
        self.frame_log.frame_started(frame.info().cpu_usage);
        self.drain_inbox();
        self.take_dropped_file(ctx);
        self.expire_status();
        self.refresh_card();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let _ui_thread = crate::ui_thread_guard::UiThread::enter();
        self.frame_ui(ui);
        // What the frame's widgets changed is reflected before the next frame draws.
        self.expire_status();
        self.refresh_card();
        if let Some(started) = self.frame_started.take() {
            self.last_frame = started.elapsed();
        }
        let busy = self.is_busy();
        self.frame_log.frame_ended(ui.ctx(), busy);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(
            storage,
            PREFS_KEY,
            &UiPrefs {
                last_profile: self.saved_id.as_ref().map(|_| self.baseline.name.clone()),
                ..self.prefs.clone()
            },
        );
    }
}
