//! The certificate card follows the draft: each frame compares what a test would use with what the
//! card shows; a difference clears the card and loads it again in the background.

use super::CertconnectApp;
use super::password::Purpose;
use crate::cert::CertReport;
use crate::core::event::Failure;
use crate::core::password_ask::PasswordAsk;
use crate::core::profile::CertificateInfo;
use crate::gui::card::{CardState, CertInputs};
use crate::gui::inbox::{JobKind, Reach};
use crate::probe::system_now;

impl CertconnectApp {
    /// What a test would use now, or why the choice is incomplete.
    pub(super) fn cert_inputs(&self) -> Result<CertInputs, String> {
        Ok(CertInputs {
            source: self.draft.certificate_source()?,
            password: self.typed_password(),
        })
    }

    /// Reloads the card when what a test would use differs from what the card was made for.
    pub(super) fn refresh_card(&mut self) {
        // A path set by Browse… or a dropped file: the password typed for the old file goes.
        self.dialog.forget_stale_password(&self.draft);
        let inputs = self.cert_inputs();
        // Loading a PKCS#11 module runs its code: not for an imported profile until it is
        // confirmed here. Confirming changes no input, so a change of this answer reloads too.
        let unconfirmed = inputs.as_ref().ok().and_then(|inputs| {
            crate::core::trust::unconfirmed_module(&inputs.source, &self.draft.origin)
        });
        let was_unconfirmed = matches!(self.card.state, CardState::AwaitsConfirmation(_));
        if self.card.inputs.as_ref() == Some(&inputs) && unconfirmed.is_some() == was_unconfirmed {
            return;
        }
        // A vault load is a token and a network call (az, a managed identity that may time out):
        // while one runs, typing does not start more; the latest input loads when it ends.
        if let Ok(CertInputs {
            source: crate::core::profile::CertificateSource::KeyVault { .. },
            ..
        }) = &inputs
            && self.is_running(JobKind::Card)
        {
            return;
        }
        self.card.inputs = Some(inputs.clone());
        let inputs = match inputs {
            Ok(inputs) => inputs,
            Err(why) => {
                self.card.state = CardState::Unset(why);
                return;
            }
        };
        if let Some(module) = unconfirmed {
            self.card.state = CardState::AwaitsConfirmation(format!(
                "this imported profile loads the PKCS#11 module {module}, native code; it is loaded once the profile is confirmed (Test connection asks)"
            ));
            return;
        }
        // A vault reached by the person's sign-in waits for them to sign in (the section's
        // buttons); the sign-in reloads the card.
        if let crate::core::profile::CertificateSource::KeyVault {
            access: crate::core::key_vault::VaultAccess::SignIn,
            ..
        } = &inputs.source
            && crate::net::registered_vault_sign_in().is_none()
        {
            self.card.state =
                CardState::Unset("sign in for the vault with one of the buttons".into());
            return;
        }
        self.card.state = CardState::Loading;
        let vault = self.deps.vault.as_ref().ok().cloned();
        let profiles = self.deps.store.clone();
        let now = system_now();
        self.spawn(JobKind::Card, Reach::OpenDraft, move || {
            let result = crate::probe::open_certificate_in(
                &inputs.source,
                inputs.password.clone(),
                vault.as_deref(),
                Some(&profiles),
            )
            .map(|credential| Box::new(crate::cert::inspect(&credential, now, None)))
            .map_err(|(failure, _)| failure);
            Box::new(move |app: &mut Self, _| app.card_loaded(&inputs, result))
        });
    }

    fn card_loaded(&mut self, inputs: &CertInputs, result: Result<Box<CertReport>, Failure>) {
        // A result for inputs that changed meanwhile is dropped: another load is on its way.
        if self.card.inputs.as_ref() != Some(&Ok(inputs.clone())) {
            return;
        }
        match result {
            Ok(report) => {
                self.remember_certificate(&report);
                self.card.state = CardState::Loaded(report);
                if inputs.password.is_some() {
                    self.password_worked();
                }
            }
            Err(failure) if failure.is_password_failure() => {
                let ask = PasswordAsk::of(&failure, inputs.password.is_some())
                    .unwrap_or(PasswordAsk::NoneGiven);
                self.card.state = CardState::NeedsPassword {
                    reason: failure.message,
                    ask,
                };
                if std::mem::take(&mut self.dialog.card_prompted) {
                    self.ask_password_because(Purpose::Card, ask);
                }
            }
            Err(mut failure) => {
                crate::gui::vault_fixes::in_app(&mut failure);
                self.card.state = CardState::Failed(failure);
            }
        }
    }

    /// Keeps the certificate's public facts in the profile for the list's expiry badge. For a
    /// saved profile without other edits they are written to its file at once (in the background),
    /// so they never show up as an unsaved edit.
    fn remember_certificate(&mut self, report: &CertReport) {
        let info = CertificateInfo {
            subject: report.subject.clone(),
            thumbprint_sha1: report.thumbprint_sha1.clone(),
            not_after: report.not_after_unix,
        };
        if self.draft.certificate_info.as_ref() == Some(&info) {
            return;
        }
        let was_clean = !self.is_dirty();
        self.draft.certificate_info = Some(info.clone());
        let Some(id) = self.saved_id.clone().filter(|_| was_clean) else {
            return;
        };
        self.baseline.certificate_info = Some(info.clone());
        let store = self.deps.store.clone();
        self.spawn(JobKind::Profile, Reach::Anywhere, move || {
            let saved = crate::ops::record_certificate_facts(&store, &id, info);
            let loaded = store.load_locked();
            Box::new(move |app: &mut Self, _| {
                app.take_loaded(loaded);
                if let Err(e) = saved {
                    app.set_status(format!("The certificate's facts were not saved: {e}"), true);
                }
            })
        });
    }

    /// Reads the thumbprint to compare with from a certificate file.
    pub(super) fn pick_compare_file(&mut self) {
        self.choose_file(crate::gui::files::FileUse::Compare);
    }

    /// Reads the thumbprint of the certificate in `path` into the comparison field.
    pub(super) fn compare_with_file(&mut self, path: std::path::PathBuf) {
        self.spawn(JobKind::Compare, Reach::OpenDraft, move || {
            let options = crate::cert::LoadOptions {
                key_path: None,
                password: None,
                alias: None,
            };
            let result = crate::cert::load_file(&path, options)
                .map(|credential| crate::cert::inspect(&credential, 0, None).thumbprint_sha1)
                .map_err(|e| format!("{e}. {}", e.fix()));
            Box::new(move |app: &mut Self, _| match result {
                Ok(sha1) => app.dialog.compare = sha1,
                Err(error) => {
                    app.set_status(format!("Cannot read that certificate: {error}"), true)
                }
            })
        });
    }
}
