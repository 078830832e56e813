//! Rotate certificate in the app: the same use case as `certconnect cert rotate`, its steps drawn
//! as a ladder where the test run is. It runs on even if another profile is opened meanwhile (a
//! half-done rotation would leave a registered key behind); its result then shows as a status
//! line. It can be cancelled until the upload starts.

use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use super::CertconnectApp;
use super::password::Purpose;
use crate::core::draft::{CertKind, ProfileDraft};
use crate::core::event::{Step, TestEvent};
use crate::core::profile::PasswordSource;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::ModalState;
use crate::gui::rotate_prompt::RotatePrompt;
use crate::ops::{RotateError, RotateJob, Rotation};
use crate::probe;
use crate::report::{RunKind, RunView, StepState};
use crate::secret::Secret;

impl CertconnectApp {
    /// Whether the open profile's certificate can be rotated now, or why not.
    pub(super) fn rotation_availability(&self) -> Result<(), String> {
        if self.saved_id.is_none() {
            return Err("Save the profile first: the rotation switches the saved profile to the new certificate.".into());
        }
        if self.is_dirty() {
            return Err("Save or discard your changes first.".into());
        }
        if !self.draft.cert_kind.is_file()
            && !matches!(self.draft.cert_kind, CertKind::KeyVault | CertKind::Pkcs11)
        {
            return Err("Rotation writes the new certificate as a PFX beside the current file; this profile's certificate is kept in a store.".into());
        }
        if self.draft.object_id.trim().is_empty() {
            return Err("Enter the Application object ID on the General tab first (the app registration's Overview page shows it).".into());
        }
        if self.is_testing() || self.is_rotating() {
            return Err("Wait for the running test or rotation to finish.".into());
        }
        Ok(())
    }

    /// Whether a rotation is running (for any profile).
    pub fn is_rotating(&self) -> bool {
        self.running
            .values()
            .any(|(kind, _)| *kind == JobKind::Rotate)
    }

    /// Whether a rotation runs whose ladder is not on screen (another profile was opened).
    pub(super) fn rotates_out_of_sight(&self) -> bool {
        self.is_rotating()
            && !self
                .run
                .as_ref()
                .is_some_and(|run| run.kind == RunKind::Rotation && run.verdict.is_none())
    }

    /// Whether the open draft's rotation can still be cancelled: it runs and has not started
    /// the upload.
    pub(super) fn rotation_cancellable(&self) -> bool {
        self.rotate_cancel.is_some()
            && self.run.as_ref().is_some_and(|run| {
                run.kind == RunKind::Rotation
                    && run.verdict.is_none()
                    && run
                        .steps
                        .iter()
                        .any(|s| s.step == Step::Upload && s.state == StepState::Pending)
            })
    }

    /// Cancels the open draft's rotation (before the upload only).
    pub(super) fn cancel_rotation(&mut self) {
        if self.rotation_cancellable()
            && let Some(cancel) = &self.rotate_cancel
        {
            cancel.cancel();
        }
    }

    /// Opens the rotation dialog.
    pub(super) fn ask_rotation(&mut self) {
        if let Err(why) = self.rotation_availability() {
            return self.set_status(why, true);
        }
        let current_has_password =
            self.draft.password != PasswordSource::None || !self.dialog.password.is_empty();
        self.modal = Some(ModalState::Rotate(RotatePrompt {
            whose: self.draft.name.trim().to_owned(),
            object_id: self.draft.object_id.trim().to_owned(),
            years: 1,
            new_password: Zeroizing::new(String::new()),
            current_has_password,
            in_key_vault: self.draft.cert_kind == CertKind::KeyVault,
            on_token: self.draft.cert_kind == CertKind::Pkcs11,
            remove_old: false,
            old_key_id: String::new(),
            error: None,
        }));
    }

    /// Starts the rotation the dialog set up.
    pub(super) fn start_rotation(&mut self, prompt: RotatePrompt) {
        if let Err(why) = self.rotation_availability() {
            return self.set_status(why, true);
        }
        let Some(profile) = self
            .saved_id
            .as_deref()
            .and_then(|id| self.find_id(id))
            .cloned()
        else {
            return;
        };
        if !crate::core::trust::unconfirmed(&profile, self.given_here()).is_empty() {
            return self.set_status(
                "This profile was imported: press Test connection and confirm it first.",
                true,
            );
        }
        let password = self.typed_password();
        let needs_typed = matches!(profile.certificate().password(), PasswordSource::Ask);
        if needs_typed && password.is_none() {
            // The current certificate signs the upload: its password is needed first.
            return self.ask_password(Purpose::Rotate(Box::new(prompt)), None);
        }
        // A key made on the token has no PFX, so no new password.
        let new_password = (!prompt.on_token && !prompt.new_password.is_empty())
            .then(|| Secret::new(prompt.new_password.as_str()));
        let remove_key_id = if prompt.remove_old {
            crate::core::guid::normalize_guid(&prompt.old_key_id)
        } else {
            None
        };
        let job = RotateJob {
            store: self.deps.store.clone(),
            profile: profile.clone(),
            password: password.clone(),
            new_password: new_password.clone(),
            days: crate::core::time_fmt::days_in_years(probe::system_now(), prompt.years),
            remove_key_id: remove_key_id.clone(),
            vault: self.deps.vault.as_ref().ok().cloned(),
            timing: self.deps.timing,
        };
        self.run = Some(RunView::rotation(
            profile.clone(),
            password,
            probe::system_now(),
            remove_key_id.is_some(),
        ));
        let cancel = CancellationToken::new();
        self.rotate_cancel = Some(cancel.clone());
        let ticket = self.ticket();
        // Every message may arrive after a switch: the events then change nothing, the result
        // becomes a status line (it concerns a saved profile, which it changed).
        let reporter = self.inbox.reporter(ticket.clone(), Reach::Anywhere);
        let runtime = self.inbox.runtime().clone();
        self.running
            .insert(reporter.job(), (JobKind::Rotate, ticket));
        let name = profile.name().to_owned();
        runtime.spawn(async move {
            let events = reporter.clone();
            let run = tokio::spawn(async move {
                let mut report = move |event: TestEvent| {
                    events.send(move |app: &mut Self, current| {
                        if let (true, Some(run)) = (current, &mut app.run) {
                            run.apply(event);
                        }
                    });
                };
                crate::ops::rotate(job, &mut report, &cancel).await
            });
            let result = run.await.ok();
            reporter.finish(move |app: &mut Self, current| {
                app.rotation_finished(result, current, &name, new_password);
            });
        });
    }

    fn rotation_finished(
        &mut self,
        result: Option<Result<Rotation, RotateError>>,
        current: bool,
        name: &str,
        new_password: Option<Secret>,
    ) {
        if current {
            self.rotate_cancel = None;
        }
        self.reload();
        let Some(result) = result else {
            if let (true, Some(run)) = (current, &mut self.run) {
                run.abandon();
            }
            return;
        };
        // Switched even when a later step (removing the old key) failed.
        let switched = match &result {
            Ok(rotation) => rotation.profile.clone(),
            Err(failed) => failed.done.profile.clone(),
        };
        if let Some(saved) = switched {
            self.take_switched(&saved, new_password);
        }
        if !current {
            let text = match &result {
                Ok(rotation) => format!("'{name}': {}", crate::report::rotated_sentence(rotation)),
                Err(failed) if failed.done.removal_failed.is_some() => format!(
                    "'{name}': {}",
                    crate::report::rotated_sentence(&failed.done)
                ),
                Err(failed) => format!(
                    "The rotation of '{name}' stopped at '{}': {}",
                    failed.error.step.label(),
                    failed.error.failure.message
                ),
            };
            return self.set_status(text, result.is_err());
        }
        if let Some(run) = &mut self.run {
            run.finish_rotation(result);
        }
    }

    /// The rotation switched `saved` to the new certificate: if that profile is open (whether or
    /// not it was reopened meanwhile), the form's certificate becomes the saved one, so a later
    /// Save never writes the old certificate back. Unsaved edits to other fields stay.
    fn take_switched(
        &mut self,
        saved: &crate::core::profile::Profile,
        new_password: Option<Secret>,
    ) {
        if self.saved_id.as_deref() != Some(saved.id()) {
            return;
        }
        let fresh = ProfileDraft::from(saved);
        if self.is_dirty() {
            for draft in [&mut self.draft, &mut self.baseline] {
                draft.cert_kind = fresh.cert_kind;
                draft.pfx_path.clone_from(&fresh.pfx_path);
                draft.keystore_alias.clone_from(&fresh.keystore_alias);
                draft.pem_cert_path.clone_from(&fresh.pem_cert_path);
                draft.pem_key_path.clone_from(&fresh.pem_key_path);
                draft.pkcs11.clone_from(&fresh.pkcs11);
                draft.password = fresh.password.clone();
                draft.certificate_info.clone_from(&fresh.certificate_info);
            }
        } else {
            self.draft = fresh.clone();
            self.baseline = fresh;
        }
        match new_password {
            Some(password) => self.dialog.set_password_for(&self.draft, password.expose()),
            // The new certificate keeps the current password: the typed one stays, for it.
            None => self.dialog.keep_password_for(&self.draft),
        }
        self.card.inputs = None;
    }
}
