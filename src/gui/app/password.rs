//! Passwords in the app: the typed one, the prompt when a job needs one the app does not have, and
//! remembering it in the credential store once it has worked.

use zeroize::{Zeroize as _, Zeroizing};

use super::CertconnectApp;
use crate::core::password_ask::PasswordAsk;
use crate::core::profile::PasswordSource;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::{ModalState, PasswordPrompt};
use crate::ops::CertificateExport;
use crate::secret::Secret;

/// What a prompted password is for; submitting the prompt runs it again with the password.
pub enum Purpose {
    /// Test connection.
    Test,
    /// Loading the certificate card.
    Card,
    /// Importing the certificate into the credential store.
    StoreImport,
    /// Listing a hardware token's certificates after a login (the PIN is for that listing only).
    TokenList,
    /// Rotating the certificate: the current one signs the upload.
    Rotate(Box<crate::gui::rotate_prompt::RotatePrompt>),
    /// Exporting with certificates: the password of one of the exported profiles.
    Export {
        /// The export to run again.
        export: CertificateExport,
        /// The profile whose password is asked for.
        profile_id: String,
        /// Its name.
        profile_name: String,
    },
}

impl CertconnectApp {
    /// The password typed for the open profile's certificate, if any. It is used over a remembered
    /// one, so a wrong remembered password can be corrected by typing. None while the form asks
    /// for no password: a password it does not show is never used (it is wiped as the box is
    /// ticked; this holds even before that).
    pub(super) fn typed_password(&self) -> Option<Secret> {
        (self.draft.password_target().is_some() && !self.dialog.password.is_empty())
            .then(|| Secret::new(self.dialog.password.as_str()))
    }

    /// Opens the password prompt for `purpose`, saying why: `reason` is a use case's words for a
    /// refused password; without them a test or the card says what the card found, and a
    /// rotation asks because no password was typed.
    pub(super) fn ask_password(&mut self, purpose: Purpose, reason: Option<String>) {
        let why = match (&purpose, &reason) {
            (_, Some(_)) => None,
            (Purpose::Test | Purpose::Card, None) => self
                .card
                .password_ask()
                .filter(|_| self.card.inputs.as_ref() == Some(&self.cert_inputs())),
            (Purpose::Rotate(_), None) => Some(PasswordAsk::NoneGiven),
            _ => None,
        };
        self.open_prompt(purpose, why, reason);
    }

    /// Opens the password prompt for `purpose` because of `ask`.
    pub(super) fn ask_password_because(&mut self, purpose: Purpose, ask: PasswordAsk) {
        self.open_prompt(purpose, Some(ask), None);
    }

    fn open_prompt(&mut self, purpose: Purpose, why: Option<PasswordAsk>, reason: Option<String>) {
        let whose = match &purpose {
            Purpose::Export { profile_name, .. } => profile_name.clone(),
            _ => self.draft.name.trim().to_owned(),
        };
        let can_remember = self.deps.vault.is_ok() && !matches!(purpose, Purpose::TokenList);
        // A hardware token's secret is a PIN: the prompt says so.
        let pin = !matches!(purpose, Purpose::Export { .. })
            && self.draft.cert_kind == crate::core::draft::CertKind::Pkcs11;
        self.modal = Some(ModalState::Password(PasswordPrompt {
            purpose,
            whose,
            why,
            reason,
            typed: Zeroizing::new(String::new()),
            remember: false,
            can_remember,
            pin,
            focused: false,
        }));
    }

    /// The prompt was answered: keep the password for this profile and run what needed it again.
    pub(super) fn submit_password(&mut self, prompt: PasswordPrompt) {
        let PasswordPrompt {
            purpose,
            typed,
            remember,
            ..
        } = prompt;
        if let Purpose::Export {
            mut export,
            profile_id,
            ..
        } = purpose
        {
            export
                .passwords
                .insert(profile_id, Secret::new(typed.as_str()));
            return self.run_bundle_export(export);
        }
        if let Purpose::TokenList = purpose {
            return self.list_tokens(Some(Secret::new(typed.as_str())));
        }
        // A token always signs after its PIN: a profile switched from a PFX that had no password
        // still uses the PIN typed here (the section shows no "no password" box to untick).
        let pin_for_no_password = self.draft.cert_kind == crate::core::draft::CertKind::Pkcs11
            && self.draft.password == PasswordSource::None;
        if pin_for_no_password {
            self.draft.password = PasswordSource::Ask;
        }
        self.dialog.password = typed;
        if pin_for_no_password {
            // Typed for this key: kept when the next frame checks what the password is for.
            self.dialog.keep_password_for(&self.draft);
        }
        self.dialog.remember_after_success = remember;
        match purpose {
            Purpose::Test => self.start_test(),
            Purpose::Card => {
                self.dialog.card_prompted = true;
                self.card.inputs = None;
            }
            Purpose::StoreImport => self.import_into_store(),
            Purpose::Rotate(prompt) => self.start_rotation(*prompt),
            Purpose::Export { .. } | Purpose::TokenList => {}
        }
    }

    /// The typed password opened the certificate: remember it now if the prompt asked to.
    pub(super) fn password_worked(&mut self) {
        self.dialog.card_prompted = false;
        if !std::mem::take(&mut self.dialog.remember_after_success) {
            return;
        }
        let Some(password) = self.typed_password() else {
            return;
        };
        let store_name = match &self.deps.vault {
            Ok(vault) => vault.store().name().to_owned(),
            Err(_) => return,
        };
        match &self.saved_id {
            Some(id) => self.remember_now(id.clone(), password),
            None => {
                // The entry is keyed by the saved profile: it is written once the profile is.
                self.dialog.remember = true;
                self.set_status(
                    format!("The password will be remembered in the {store_name} when you save"),
                    false,
                );
            }
        }
    }

    /// Remembers the password of the saved profile `id` in the credential store.
    pub(super) fn remember_now(&mut self, id: String, password: Secret) {
        let Ok(vault) = self.deps.vault.clone() else {
            return;
        };
        let store = self.deps.store.clone();
        self.spawn(JobKind::Profile, Reach::Anywhere, move || {
            let result =
                crate::ops::remember_password(&store, vault.store().as_ref(), &id, &password);
            let loaded = store.load_locked();
            let name = vault.store().name().to_owned();
            Box::new(move |app: &mut Self, current| {
                app.take_loaded(loaded);
                match result {
                    Ok(saved) => {
                        if current {
                            let source = saved.certificate().password().clone();
                            app.draft.password = source.clone();
                            app.baseline.password = source;
                            app.dialog.password.zeroize();
                            app.set_status(
                                format!("The password is remembered in the {name}"),
                                false,
                            );
                        }
                    }
                    Err(message) => {
                        app.set_status(format!("The password was not remembered: {message}"), true)
                    }
                }
            })
        });
    }

    /// Deletes the remembered password of the open (saved) profile; it asks again from now on.
    pub(super) fn forget_password(&mut self) {
        let (Some(id), Ok(vault)) = (self.saved_id.clone(), self.deps.vault.clone()) else {
            self.draft.password = PasswordSource::Ask;
            return;
        };
        let store = self.deps.store.clone();
        self.spawn(JobKind::Profile, Reach::Anywhere, move || {
            let result = crate::ops::forget_password(&store, vault.store().as_ref(), &id);
            let loaded = store.load_locked();
            Box::new(move |app: &mut Self, current| {
                app.take_loaded(loaded);
                match result {
                    Ok(_) if current => {
                        app.draft.password = PasswordSource::Ask;
                        app.baseline.password = PasswordSource::Ask;
                        app.set_status(
                            "The password is forgotten; it is asked for from now on",
                            false,
                        );
                    }
                    Ok(_) => {}
                    Err(message) => app.set_status(format!("Not forgotten: {message}"), true),
                }
            })
        });
    }
}
