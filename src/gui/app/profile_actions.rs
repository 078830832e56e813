//! Profile management of the app: open, new, save, rename, delete, duplicate. Opening another draft
//! starts a new generation: what was running for the old one is cancelled or detached.

use super::CertconnectApp;
use crate::core::draft::ProfileDraft;
use crate::gui::card::CardView;
use crate::gui::dialog::FormFocus;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::{ModalState, Pending};
use crate::gui::profile_list::ListAction;
use crate::ops::{OpsError, Saved};
use crate::profile_store::new_profile_id;
use zeroize::Zeroize as _;

impl CertconnectApp {
    pub(super) fn open(&mut self, name: &str) {
        let Some(profile) = self.find(name).cloned() else {
            return;
        };
        self.draft = ProfileDraft::from(&profile);
        self.baseline = self.draft.clone();
        self.saved_id = Some(profile.id().to_owned());
        self.after_switch();
        // A saved profile was valid when saved: whatever is wrong with it now shows at once.
        self.dialog.reveal_all = true;
        // The keyboard goes to the form (one Tab from the open tab's first field), not a text
        // field: F2 and Del still act on the profile just opened.
        self.dialog.focus = Some(FormFocus::OpenTab);
    }

    /// Opens an unsaved draft (new, duplicate, the demo); it gets an id of its own at once.
    pub(super) fn open_new(&mut self, mut draft: ProfileDraft) {
        draft.id = new_profile_id();
        self.baseline = ProfileDraft {
            id: draft.id.clone(),
            ..ProfileDraft::default()
        };
        self.draft = draft;
        self.saved_id = None;
        self.started_draft = true;
        self.after_switch();
        // A new profile starts at its name: what is typed next lands there.
        self.dialog.focus = Some(FormFocus::Name);
    }

    /// A new generation: the old draft's test is cancelled, its other jobs are detached (their
    /// results are dropped), and nothing of its card, run, password or status stays on screen.
    fn after_switch(&mut self) {
        self.generation += 1;
        if let Some(cancel) = self.test_cancel.take() {
            cancel.cancel();
        }
        self.dialog.reset_for(&self.draft);
        self.opened_as = self.draft.clone();
        self.card = CardView::opened(
            self.draft.certificate_source().ok(),
            self.draft.certificate_info.clone(),
        );
        self.run = None;
        self.status = None;
        if matches!(self.modal, Some(ModalState::Password(_))) {
            self.modal = None;
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

    /// Saves the open profile in the background, then runs `then` (when the save worked). With
    /// "Remember the password" ticked, the password goes to the credential store only after the
    /// profile itself is saved, under the profile's id.
    pub(super) fn save(&mut self, then: Option<Pending>) {
        if let Some(problem) = self.dialog.headers.problem.clone() {
            self.dialog.reveal_all = true;
            return self.set_status(format!("Not saved: {problem}"), true);
        }
        let profile = match self.draft.parse() {
            Ok(profile) => profile,
            Err(errors) => {
                self.dialog.reveal_all = true;
                self.dialog.insisted = true;
                return self.set_status(format!("Not saved: {}", errors[0]), true);
            }
        };
        if self
            .find(profile.name())
            .is_some_and(|other| other.id() != profile.id())
        {
            let taken = OpsError::NameTaken(profile.name().to_owned());
            return self.set_status(format!("Not saved: {taken}"), true);
        }
        let remember = self
            .typed_password()
            .filter(|_| self.dialog.remember && self.deps.vault.is_ok());
        let secrets = self.deps.vault.as_ref().ok().map(|v| v.store().clone());
        let store = self.deps.store.clone();
        let draft_at_start = self.draft.clone();
        self.spawn(JobKind::Profile, Reach::Anywhere, move || {
            let remember = match (&secrets, &remember) {
                (Some(secrets), Some(password)) => Some((secrets.as_ref(), password)),
                _ => None,
            };
            let saved = crate::ops::save_profile(&store, &profile, remember);
            let loaded = store.load_locked();
            Box::new(move |app: &mut Self, current| {
                app.take_loaded(loaded);
                app.saved(saved, current, &draft_at_start, then);
            })
        });
    }

    fn saved(
        &mut self,
        saved: Result<Saved, OpsError>,
        current: bool,
        draft_at_start: &ProfileDraft,
        then: Option<Pending>,
    ) {
        let Saved {
            profile,
            not_remembered: remember_error,
        } = match saved {
            Ok(saved) => saved,
            Err(message) => return self.set_status(format!("Not saved: {message}"), true),
        };
        if !current {
            return;
        }
        let saved_draft = ProfileDraft::from(&profile);
        if self.draft == *draft_at_start {
            self.draft = saved_draft.clone();
        } else {
            // Edits made while saving stay; only what the save itself changed is taken over.
            self.draft.password = saved_draft.password.clone();
        }
        self.baseline = saved_draft;
        self.saved_id = Some(profile.id().to_owned());
        if remember_error.is_none() && std::mem::take(&mut self.dialog.remember) {
            // From now on the remembered password is the one used, as it will be next time.
            self.dialog.password.zeroize();
        }
        match remember_error {
            Some(e) => self.set_status(
                format!(
                    "Saved '{}', but the password was not remembered: {e}",
                    profile.name()
                ),
                true,
            ),
            None if !self.is_dirty() => {
                self.set_status(format!("Saved '{}'", profile.name()), false)
            }
            None => {}
        }
        if let Some(pending) = then {
            self.apply(pending);
        }
    }

    /// Deletes the open profile and the password it remembered; certificates are not touched.
    pub(super) fn delete_open(&mut self) {
        let Some(id) = self.saved_id.clone() else {
            return;
        };
        let name = self.baseline.name.clone();
        let store = self.deps.store.clone();
        let secrets = self.deps.vault.as_ref().ok().map(|v| v.store().clone());
        self.spawn(JobKind::Profile, Reach::Anywhere, move || {
            let result = crate::ops::delete_profile(&store, secrets.as_deref(), &id);
            let loaded = store.load_locked();
            Box::new(move |app: &mut Self, current| {
                app.take_loaded(loaded);
                match result {
                    Ok(()) => {
                        if current {
                            app.open_new(ProfileDraft::default());
                            // Not started by the user: with no profile left, the welcome shows.
                            app.started_draft = false;
                        }
                        app.set_status(format!("Deleted '{name}'"), false);
                    }
                    Err(e) => app.set_status(format!("Not deleted: {e}"), true),
                }
            })
        });
    }

    /// Renames the saved profile (`ops::rename_profile`); unsaved edits stay in the form,
    /// untouched. A name that is not valid or, as far as the list shows, taken is refused at once,
    /// for the dialog to show.
    pub(super) fn rename_open(&mut self, new_name: &str) -> Result<(), String> {
        let id = self.saved_id.clone().ok_or("save the profile first")?;
        let new_name = crate::ops::rename::checked_name(new_name).map_err(|e| e.to_string())?;
        if self.find(&new_name).is_some_and(|p| p.id() != id) {
            return Err(OpsError::NameTaken(new_name).to_string());
        }
        let old = self
            .find_id(&id)
            .map(|saved| saved.name().to_owned())
            .ok_or("the profile is no longer saved")?;
        let store = self.deps.store.clone();
        self.spawn(JobKind::Profile, Reach::Anywhere, move || {
            let result = crate::ops::rename_profile(&store, &id, &new_name);
            let loaded = store.load_locked();
            Box::new(move |app: &mut Self, current| {
                app.take_loaded(loaded);
                match result {
                    Ok(_) => {
                        if current {
                            app.draft.name.clone_from(&new_name);
                            app.baseline.name.clone_from(&new_name);
                        }
                        app.set_status(format!("Renamed '{old}' to '{new_name}'"), false);
                    }
                    Err(e) => app.set_status(format!("Not renamed: {e}"), true),
                }
            })
        });
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
        // A copy starts without the original's remembered password: entries belong to one profile.
        if matches!(
            copy.password,
            crate::core::profile::PasswordSource::CredentialStore { .. }
        ) {
            copy.password = crate::core::profile::PasswordSource::Ask;
        }
        self.open_new(copy);
    }

    pub(super) fn handle_list(&mut self, action: ListAction) {
        match action {
            ListAction::None => {}
            ListAction::Select(name) => self.guard(Pending::Select(name)),
            // As opening a profile does: one Tab from the open tab reaches the form's first field.
            ListAction::FocusOpen => self.dialog.focus = Some(FormFocus::OpenTab),
            ListAction::New => self.guard(Pending::New),
            ListAction::Duplicate => self.duplicate(),
            ListAction::Rename => {
                if self.saved_id.is_some() {
                    self.modal = Some(ModalState::Rename {
                        new_name: self.baseline.name.clone(),
                        error: None,
                        focused: false,
                    });
                }
            }
            ListAction::Delete => {
                if self.saved_id.is_some() {
                    self.modal = Some(ModalState::ConfirmDelete(self.baseline.name.clone()));
                }
            }
            ListAction::Export => self.export(),
            ListAction::Import => self.import(),
        }
    }
}
