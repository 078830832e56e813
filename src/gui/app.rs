//! The desktop app: profile list, connection dialog, Test connection panel.

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

    pub(super) fn open(&mut self, name: &str) {
        let Some(profile) = self.find(name).cloned() else {
            return;
        };
        self.draft = ProfileDraft::from(&profile);
        self.baseline = self.draft.clone();
        self.open_name = Some(profile.name);
        self.after_switch();
    }

    pub(super) fn open_new(&mut self, draft: ProfileDraft) {
        self.draft = draft;
        self.baseline = ProfileDraft::default();
        self.open_name = None;
        self.after_switch();
    }

    fn after_switch(&mut self) {
        self.dialog.reset_for(&self.draft);
        self.card = CardView::default();
        self.card_job = None;
        self.run = None;
        if self.draft.password == PasswordSource::None {
            self.load_card();
        }
    }

    /// Runs `pending` now, or asks first when there are unsaved edits.
    pub(super) fn guard(&mut self, pending: Pending) {
        if self.is_dirty() {
            self.modal = Some(ModalState::Unsaved(pending));
        } else {
            self.apply(pending);
        }
    }

    pub(super) fn apply(&mut self, pending: Pending) {
        match pending {
            Pending::Select(name) => self.open(&name),
            Pending::New => self.open_new(ProfileDraft::default()),
        }
    }

    /// Saves the open profile. Returns whether it was saved.
    pub(super) fn save(&mut self) -> bool {
        if let Err(message) = self.remember_password_if_asked() {
            self.set_status(format!("Not saved: {message}"), true);
            return false;
        }
        let profile = match self.draft.parse() {
            Ok(profile) => profile,
            Err(errors) => {
                self.set_status(format!("Not saved: {}", errors[0]), true);
                return false;
            }
        };
        let renamed = self
            .open_name
            .as_deref()
            .is_some_and(|old| old != profile.name);
        if (self.open_name.is_none() || renamed) && self.find(&profile.name).is_some() {
            self.set_status(
                format!(
                    "Not saved: a profile named '{}' exists already",
                    profile.name
                ),
                true,
            );
            return false;
        }
        if let (true, Some(old)) = (renamed, self.open_name.clone())
            && let Err(e) = self.deps.store.rename(&old, &profile.name)
        {
            self.set_status(format!("Not saved: {e}"), true);
            return false;
        }
        match self.deps.store.save(&profile) {
            Ok(_) => {
                self.set_status(format!("Saved '{}'", profile.name), false);
                self.open_name = Some(profile.name.clone());
                self.draft = ProfileDraft::from(&profile);
                self.baseline = self.draft.clone();
                self.reload();
                true
            }
            Err(e) => {
                self.set_status(format!("Not saved: {e}"), true);
                false
            }
        }
    }

    pub(super) fn delete_open(&mut self, name: &str) {
        match self.deps.store.delete(name) {
            Ok(()) => {
                self.set_status(format!("Deleted '{name}'"), false);
                self.reload();
                self.open_new(ProfileDraft::default());
            }
            Err(e) => self.set_status(format!("Not deleted: {e}"), true),
        }
    }

    pub(super) fn rename_open(&mut self, new_name: &str) -> Result<(), String> {
        let old = self.open_name.clone().ok_or("save the profile first")?;
        crate::core::draft::check_name(new_name.trim())?;
        self.deps
            .store
            .rename(&old, new_name.trim())
            .map_err(|e| e.to_string())?;
        self.reload();
        // Unsaved edits stay; only the name changes under them.
        let edits = self.draft.clone();
        self.open(new_name.trim());
        self.draft = ProfileDraft {
            name: new_name.trim().to_owned(),
            ..edits
        };
        self.set_status(format!("Renamed '{old}' to '{}'", new_name.trim()), false);
        Ok(())
    }

    fn duplicate(&mut self) {
        let mut copy = self.draft.clone();
        let base = format!("{} (copy)", copy.name.trim());
        copy.name = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base} {n}")
                }
            })
            .find(|n| self.find(n).is_none())
            .unwrap_or(base);
        self.open_new(copy);
    }

    fn export_names(&self) -> Vec<String> {
        if self.ticked.is_empty() {
            self.open_name.iter().cloned().collect()
        } else {
            self.ticked.iter().cloned().collect()
        }
    }

    /// Exports the ticked (or open) profiles; with a passphrase, as a bundle with their certificates.
    pub(super) fn export_now(&mut self, passphrase: Option<Secret>) {
        let names = self.export_names();
        let Some(path) = self.deps.picker.save_export() else {
            return;
        };
        let Some(passphrase) = passphrase else {
            return match crate::store::export_profiles(&self.deps.store, &names, &path) {
                Ok(count) => self.set_status(
                    format!(
                        "Exported {count} profile(s) to {} (no passwords or keys inside)",
                        path.display()
                    ),
                    false,
                ),
                Err(e) => self.set_status(format!("Export failed: {e}"), true),
            };
        };
        let profiles: Vec<Profile> = names.iter().filter_map(|n| self.find(n).cloned()).collect();
        let vault = self.deps.vault.as_ref().ok().cloned();
        // The typed password opens the open profile's file; the others need a remembered or no password.
        let typed = self.password();
        let open = self.open_name.clone();
        self.bundle_job = Some(Background::spawn(
            &self.deps.runtime,
            self.ctx.clone(),
            move || {
                let credentials = profiles
                    .iter()
                    .map(|p| {
                        let password = if open.as_deref() == Some(p.name.as_str()) {
                            typed.clone()
                        } else {
                            None
                        };
                        crate::probe::open_certificate(&p.certificate, password, vault.as_deref())
                            .map_err(|(f, _)| format!("'{}': {}", p.name, f.message))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                crate::secrets::export_bundle(&profiles, &credentials, &passphrase, &path).map(|count| format!("Exported {count} profile(s) with their certificates to {}, encrypted under the passphrase", path.display()))
            },
        ));
    }

    /// Imports a bundle with its passphrase: certificates into the credential store.
    pub(super) fn import_bundle_now(&mut self, path: std::path::PathBuf, passphrase: Secret) {
        let Ok(vault) = self.deps.vault.clone() else {
            return self.set_status(
                "A bundle's certificates go into the OS credential store, which is not reachable",
                true,
            );
        };
        let store = self.deps.store.clone();
        self.bundle_job = Some(Background::spawn(
            &self.deps.runtime,
            self.ctx.clone(),
            move || {
                let imported = crate::secrets::import_bundle(&path, &passphrase, &store, &vault)?;
                let names: Vec<String> = imported
                    .iter()
                    .map(|i| format!("'{}'", i.saved_as))
                    .collect();
                Ok(format!(
                    "Imported {} with their certificates into the {}",
                    names.join(", "),
                    vault.store().name()
                ))
            },
        ));
    }

    fn export(&mut self) {
        let names: Vec<String> = if self.ticked.is_empty() {
            self.open_name.iter().cloned().collect()
        } else {
            self.ticked.iter().cloned().collect()
        };
        if names.is_empty() {
            self.set_status(
                "Tick the profiles to export, or save the open one first",
                true,
            );
            return;
        }
        self.modal = Some(ModalState::Export {
            with_certificates: false,
            passphrase: String::new(),
        });
    }

    fn import(&mut self) {
        let Some(path) = self.deps.picker.pick_import() else {
            return;
        };
        if std::fs::read_to_string(&path).is_ok_and(|text| crate::secrets::is_bundle(&text)) {
            self.modal = Some(ModalState::ImportBundle {
                path,
                passphrase: String::new(),
            });
            return;
        }
        match crate::store::import_file(&self.deps.store, &path) {
            Ok(report) => {
                let renamed: Vec<String> = report
                    .imported
                    .iter()
                    .filter(|i| i.saved_as != i.original_name)
                    .map(|i| format!("'{}' as '{}'", i.original_name, i.saved_as))
                    .collect();
                let mut text = format!("Imported {} profile(s)", report.imported.len());
                if !renamed.is_empty() {
                    text.push_str(&format!(" ({})", renamed.join(", ")));
                }
                if !report.skipped.is_empty() {
                    text.push_str(&format!(
                        "; skipped {}: {}",
                        report.skipped.len(),
                        report.skipped[0].reason
                    ));
                }
                self.set_status(text, !report.skipped.is_empty());
                self.reload();
            }
            Err(e) => self.set_status(format!("Import failed: {e}"), true),
        }
    }

    /// With "Remember" ticked, moves the typed password into the credential store and points the
    /// profile at it; the profile file itself only ever names the entry.
    fn remember_password_if_asked(&mut self) -> Result<(), String> {
        if !self.dialog.remember
            || self.dialog.password.is_empty()
            || self.draft.cert_kind == CertKind::CredentialStore
        {
            return Ok(());
        }
        let vault = self.deps.vault.as_ref().map_err(Clone::clone)?;
        let entry = password_entry(self.draft.name.trim());
        vault.store().set(&entry, self.dialog.password.as_bytes())?;
        self.draft.password = PasswordSource::CredentialStore { entry };
        self.dialog.remember = false;
        Ok(())
    }

    /// Deletes the remembered password; the profile asks for it again.
    pub(super) fn forget_password(&mut self) {
        if let (PasswordSource::CredentialStore { entry }, Ok(vault)) =
            (&self.draft.password, &self.deps.vault)
            && let Err(message) = vault.store().delete(entry)
        {
            return self.set_status(format!("Not forgotten: {message}"), true);
        }
        self.draft.password = PasswordSource::Ask;
        self.set_status(
            "The password is forgotten; save the profile to keep it that way",
            false,
        );
    }

    fn remove_stored(&mut self) {
        let Ok(vault) = &self.deps.vault else { return };
        let name = self.draft.store_entry.clone();
        match vault.remove(&name) {
            Ok(()) => {
                self.draft.store_entry.clear();
                self.set_status(
                    format!(
                        "Removed '{name}' and its key from the {}",
                        vault.store().name()
                    ),
                    false,
                );
            }
            Err(message) => self.set_status(format!("Not removed: {message}"), true),
        }
    }

    /// Imports the current PFX into the credential store under the profile's name, off the UI thread.
    pub(super) fn import_into_store(&mut self) {
        let Ok(vault) = self.deps.vault.clone() else {
            return;
        };
        let name: String = self
            .draft
            .name
            .trim()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let source = std::path::PathBuf::from(self.draft.pfx_path.trim());
        let alias = Some(self.draft.keystore_alias.trim().to_owned()).filter(|a| !a.is_empty());
        let password = self.password();
        self.import_job = Some(Background::spawn(
            &self.deps.runtime,
            self.ctx.clone(),
            move || {
                let options = crate::cert::LoadOptions {
                    key_path: None,
                    password: password.as_ref(),
                    alias: alias.as_deref(),
                };
                let credential =
                    crate::cert::load_file(&source, options).map_err(|e| e.to_string())?;
                vault.import(&name, &credential)
            },
        ));
    }

    fn password(&self) -> Option<Secret> {
        (self.draft.password == PasswordSource::Ask && !self.dialog.password.is_empty())
            .then(|| Secret::new(self.dialog.password.clone()))
    }

    pub(super) fn start_test(&mut self) {
        if self.test_job.is_some() {
            return;
        }
        let Ok(profile) = self.draft.parse() else {
            return;
        };
        let job = ProbeJob {
            profile,
            password: self.password(),
            token_only: false,
            timing: self.deps.timing,
            vault: self.deps.vault.as_ref().ok().cloned(),
        };
        self.test_job = Some(TestJob::spawn(&self.deps.runtime, self.ctx.clone(), job));
        self.run = Some(RunView::default());
    }

    fn load_card(&mut self) {
        let (path, key) = match self.draft.cert_kind {
            CertKind::PfxFile => (self.draft.pfx_path.trim(), None),
            CertKind::PemFiles => (
                self.draft.pem_cert_path.trim(),
                Some(self.draft.pem_key_path.trim().into()),
            ),
            CertKind::CredentialStore => return,
        };
        if path.is_empty() {
            return;
        }
        self.card.loading = true;
        let (path, password, now): (std::path::PathBuf, _, _) =
            (path.into(), self.password(), system_now());
        let key: Option<std::path::PathBuf> = key;
        let alias = Some(self.draft.keystore_alias.trim().to_owned())
            .filter(|a| !a.is_empty() && self.draft.cert_kind == CertKind::PfxFile);
        self.card_job = Some(Background::spawn(
            &self.deps.runtime,
            self.ctx.clone(),
            move || {
                load_card(
                    &path,
                    key.as_deref(),
                    password.as_ref(),
                    alias.as_deref(),
                    now,
                )
            },
        ));
    }

    /// Takes what background jobs reported since the last frame.
    fn drain_jobs(&mut self) {
        if let Some(job) = &self.test_job {
            let run = self.run.get_or_insert_with(RunView::default);
            let mut ended = false;
            while let Some(message) = job.try_next() {
                match message {
                    Ok(TestMessage::Event(event)) => run.apply(event),
                    Ok(TestMessage::Finished(result)) => {
                        run.finish(result);
                        ended = true;
                    }
                    Err(()) => {
                        run.abandon();
                        ended = true;
                    }
                }
                if ended {
                    break;
                }
            }
            if ended {
                self.test_job = None;
            }
        }
        if let Some(result) = self.card_job.as_ref().and_then(Background::try_take) {
            self.card_job = None;
            self.card.loading = false;
            match result {
                Ok(report) => {
                    self.remember_certificate(&report);
                    self.card.report = Some(report);
                    self.card.error = None;
                }
                Err(error) => {
                    self.card.report = None;
                    self.card.error = Some(error);
                }
            }
        }
    }

    /// Takes the results of the workshop's jobs (new certificate, thumbprint to compare).
    fn drain_workshop_jobs(&mut self) {
        if let Some(result) = self.compare_job.as_ref().and_then(Background::try_take) {
            self.compare_job = None;
            match result {
                Ok(report) => self.dialog.compare = report.thumbprint_sha1,
                Err(error) => {
                    self.set_status(format!("Cannot read that certificate: {error}"), true)
                }
            }
        }
        if let Some(result) = self.new_cert_job.as_ref().and_then(Background::try_take) {
            self.new_cert_job = None;
            self.dialog.creating = false;
            match result {
                Ok(pfx) => {
                    self.draft.cert_kind = CertKind::PfxFile;
                    self.draft.pfx_path = pfx.display().to_string();
                    self.draft.keystore_alias.clear();
                    self.draft.password = PasswordSource::Ask;
                    self.set_status(
                        format!(
                            "Created {}; upload {} to the app registration",
                            pfx.display(),
                            pfx.with_extension("cer").display()
                        ),
                        false,
                    );
                    self.load_card();
                }
                Err(error) => {
                    self.set_status(format!("The certificate was not made: {error}"), true)
                }
            }
        }
    }

    fn drain_bundle_job(&mut self) {
        let Some(result) = self.bundle_job.as_ref().and_then(Background::try_take) else {
            return;
        };
        self.bundle_job = None;
        match result {
            Ok(message) => self.set_status(message, false),
            Err(message) => self.set_status(format!("Not done: {message}"), true),
        }
        self.reload();
    }

    fn drain_import_job(&mut self) {
        let Some(result) = self.import_job.as_ref().and_then(Background::try_take) else {
            return;
        };
        self.import_job = None;
        match result {
            Ok(stored) => {
                self.draft.cert_kind = CertKind::CredentialStore;
                self.draft.store_entry = stored.name.clone();
                self.draft.password = PasswordSource::None;
                let store = self
                    .deps
                    .vault
                    .as_ref()
                    .map(|v| v.store().name().to_owned())
                    .unwrap_or_default();
                self.set_status(format!("'{}' is now kept in the {store}; the profile no longer needs the PFX file (save to keep)", stored.name), false);
            }
            Err(message) => self.set_status(format!("Not imported: {message}"), true),
        }
    }

    fn create_certificate(&mut self) {
        let subject = match crate::core::subject::parse_subject(&self.dialog.new_subject) {
            Ok(subject) => subject,
            Err(message) => return self.set_status(format!("Subject: {message}"), true),
        };
        let days = match self.dialog.new_days.trim().parse::<u32>() {
            Ok(days) if (1..=36_500).contains(&days) => days,
            _ => return self.set_status("Validity: a whole number of days from 1 to 36500", true),
        };
        if self.dialog.password.is_empty() {
            return self.set_status(
                "Type the certificate password first: it protects the new PFX",
                true,
            );
        }
        let Some(pfx) = self.deps.picker.save_pfx() else {
            return;
        };
        let request = NewCertRequest {
            subject,
            key_bits: self.dialog.new_key_bits,
            days,
            pfx,
            password: Secret::new(self.dialog.password.clone()),
        };
        self.dialog.creating = true;
        self.new_cert_job = Some(Background::spawn(
            &self.deps.runtime,
            self.ctx.clone(),
            move || make_certificate(&request),
        ));
    }

    /// Keeps the certificate's public facts in the profile for the list's expiry badge. A clean
    /// saved profile is updated on disk at once, so this never shows up as an unsaved edit.
    fn remember_certificate(&mut self, report: &crate::cert::CertReport) {
        let not_after = report.not_after_unix;
        let info = CertificateInfo {
            subject: report.subject.clone(),
            thumbprint_sha1: report.thumbprint_sha1.clone(),
            not_after,
        };
        if self.draft.certificate_info.as_ref() == Some(&info) {
            return;
        }
        let was_clean = !self.is_dirty();
        self.draft.certificate_info = Some(info);
        if was_clean
            && self.open_name.is_some()
            && let Ok(profile) = self.draft.parse()
            && self.deps.store.save(&profile).is_ok()
        {
            self.baseline = self.draft.clone();
            self.reload();
        }
    }

    fn handle_list(&mut self, action: ListAction) {
        match action {
            ListAction::None => {}
            ListAction::Select(name) => self.guard(Pending::Select(name)),
            ListAction::New => self.guard(Pending::New),
            ListAction::Duplicate => self.duplicate(),
            ListAction::Rename => {
                if let Some(name) = &self.open_name {
                    self.modal = Some(ModalState::Rename {
                        new_name: name.clone(),
                        error: None,
                    });
                }
            }
            ListAction::Delete => {
                if let Some(name) = &self.open_name {
                    self.modal = Some(ModalState::ConfirmDelete(name.clone()));
                }
            }
            ListAction::Export => self.export(),
            ListAction::Import => self.import(),
        }
    }

    /// A .pfx/.p12 dropped on the window becomes the profile's certificate.
    fn take_dropped_file(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()));
        if let Some(path) = dropped {
            let is_pfx = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pfx") || e.eq_ignore_ascii_case("p12"));
            if is_pfx {
                self.draft.cert_kind = CertKind::PfxFile;
                self.draft.pfx_path = path.display().to_string();
                self.dialog.tab = Tab::Certificate;
                self.load_card();
            } else {
                self.set_status(
                    format!("{} is not a .pfx or .p12 file", path.display()),
                    true,
                );
            }
        }
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
