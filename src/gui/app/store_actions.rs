//! The credential store and the certificate workshop from the app: list, import, remove (after
//! asking), and making a new certificate. All of it runs off the UI thread.

use super::CertconnectApp;
use super::password::Purpose;
use crate::core::draft::CertKind;
use crate::core::profile::{CertificateSource, PasswordSource};
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::ModalState;
use crate::ops::{NewCertificateRequest, OpsError, new_certificate};

impl CertconnectApp {
    /// Reads the list of stored certificates again, in the background.
    pub(super) fn refresh_stored(&mut self) {
        let Ok(vault) = self.deps.vault.clone() else {
            return;
        };
        self.spawn(JobKind::StoredList, Reach::Anywhere, move || {
            let list = vault.list();
            Box::new(move |app: &mut Self, _| app.stored = list)
        });
    }

    /// Lists a Windows certificate store in the background; the picker shows it when it comes.
    pub(super) fn list_windows_store(&mut self, location: crate::core::profile::StoreLocation) {
        if self.is_running(JobKind::WindowsStoreList) {
            return;
        }
        self.spawn(JobKind::WindowsStoreList, Reach::Anywhere, move || {
            let listed = crate::cert::list_windows_store(location)
                .map_err(|failure| format!("{} {}", failure.message, failure.hint));
            Box::new(move |app: &mut Self, _| {
                app.windows.listed = Some((location, listed));
            })
        });
    }

    /// Lists an Azure Key Vault's certificates in the background, reached the way the form says;
    /// the pick list shows them when they come (for that vault and way in only).
    pub(super) fn list_key_vault(&mut self) {
        let Some(vault) = crate::gui::dialog::vault_of(&self.draft.key_vault_url) else {
            return;
        };
        if self.is_running(JobKind::KeyVaultList) {
            return;
        }
        let access = self.draft.vault_access.clone();
        let profiles = self.deps.store.clone();
        let credentials = self.deps.vault.clone().ok();
        self.spawn(JobKind::KeyVaultList, Reach::Anywhere, move || {
            let listed = crate::ops::key_vault::list_vault_certificates(
                &vault,
                &access,
                Some(&profiles),
                credentials.as_deref(),
                crate::probe::system_now(),
            )
            .map_err(|(mut failure, _)| {
                crate::gui::vault_fixes::in_app(&mut failure);
                format!("{} {}", failure.message, failure.hint)
            });
            let signed_in = crate::net::registered_vault_sign_in()
                .and_then(|sign_in| sign_in.signed_in_as())
                .map(|signed| signed.who);
            Box::new(move |app: &mut Self, _| {
                app.key_vault.listed = Some((vault, access, listed));
                *app.key_vault
                    .sign_in_prompt
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
                if signed_in.is_some() {
                    // The card waited for the sign-in: it loads now with the session's token.
                    app.card.inputs = None;
                }
                app.key_vault.signed_in = signed_in;
            })
        });
    }

    /// Stops the Key Vault sign-in under way; the listing then says it was cancelled.
    pub(super) fn cancel_key_vault_sign_in(&mut self) {
        if let Some(sign_in) = crate::net::registered_vault_sign_in() {
            sign_in.cancel.cancel();
        }
        crate::net::register_vault_sign_in(None);
        *self
            .key_vault
            .sign_in_prompt
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Signs in for the Key Vault as the person at the app (browser or device code, its code
    /// shown in the section), keeps the sign-in for the session, and lists the vault with it.
    pub(super) fn sign_in_key_vault(&mut self, device_code: bool) {
        let sign_in = if device_code {
            let prompt = std::sync::Arc::clone(&self.key_vault.sign_in_prompt);
            // Nothing else repaints while the person reads the code: the write asks for a frame.
            let ctx = self.inbox.context().clone();
            let report = move |event: crate::admin_signin::DeviceCodeEvent| {
                if let crate::admin_signin::DeviceCodeEvent::Prompt(p) = event {
                    *prompt
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(p.message);
                    ctx.request_repaint();
                }
            };
            crate::net::VaultSignIn::new(crate::net::SignInWay::DeviceCode {
                report: std::sync::Arc::new(report),
                timing: crate::admin_signin::PollTiming::default(),
            })
        } else {
            crate::net::VaultSignIn::browser()
        };
        crate::net::register_vault_sign_in(Some(std::sync::Arc::new(sign_in)));
        self.key_vault.signed_in = None;
        self.list_key_vault();
    }

    /// Imports the open profile's PFX into the credential store under the profile's name (see
    /// `ops::keep_in_credential_store`).
    pub(super) fn import_into_store(&mut self) {
        let Ok(vault) = self.deps.vault.clone() else {
            return;
        };
        let source = match self.draft.certificate_source() {
            Ok(source @ CertificateSource::PfxFile { .. }) => source,
            Ok(_) => return,
            Err(why) => return self.set_status(format!("Not imported: {why}"), true),
        };
        let (id, name) = (self.draft.id.clone(), self.draft.name.clone());
        let password = self.typed_password();
        let typed = password.is_some();
        self.spawn(JobKind::Store, Reach::Anywhere, move || {
            let result =
                crate::ops::keep_in_credential_store(&vault, &id, &name, &source, password);
            let list = vault.list();
            let store_name = vault.store().name().to_owned();
            Box::new(move |app: &mut Self, current| {
                app.stored = list;
                match result {
                    Ok(stored) if current => {
                        app.draft.cert_kind = CertKind::CredentialStore;
                        app.draft.store_entry.clone_from(&stored.name);
                        app.draft.password = PasswordSource::None;
                        app.set_status(format!("'{}' is now kept in the {store_name}; the profile no longer needs the PFX file (save to keep)", stored.name), false);
                        if typed {
                            app.password_worked();
                        }
                    }
                    Ok(stored) => app.set_status(
                        format!("'{}' is now kept in the {store_name}", stored.name),
                        false,
                    ),
                    Err(OpsError::NeedsPassword { ask, .. }) if current => {
                        app.ask_password_because(Purpose::StoreImport, ask);
                    }
                    // The loader's words alone: the form shows whose certificate it is.
                    Err(
                        OpsError::NeedsPassword {
                            reason: message, ..
                        }
                        | OpsError::Certificate { message, .. },
                    ) => app.set_status(format!("Not imported: {message}"), true),
                    Err(error) => app.set_status(format!("Not imported: {error}"), true),
                }
            })
        });
    }

    /// Asks before removing the chosen stored certificate, naming the profiles that use it.
    pub(super) fn confirm_remove_stored(&mut self) {
        let name = self.draft.store_entry.trim().to_owned();
        if name.is_empty() {
            return;
        }
        let mut users = crate::ops::profiles_using_certificate(&self.loaded.profiles, &name);
        // The open form counts too when it uses the certificate but its saved version does not.
        let name_open = self.draft.name.trim();
        if self.draft.cert_kind == CertKind::CredentialStore
            && !users.iter().any(|u| u == name_open)
        {
            users.push(format!("{name_open} (unsaved)"));
        }
        self.modal = Some(ModalState::RemoveStored { name, users });
    }

    /// Removes a stored certificate and its key; `force` even while saved profiles use it.
    pub(super) fn remove_stored(&mut self, name: String, force: bool) {
        let Ok(vault) = self.deps.vault.clone() else {
            return;
        };
        let store = self.deps.store.clone();
        self.spawn(JobKind::Store, Reach::Anywhere, move || {
            let result = crate::ops::remove_stored_certificate(&store, &vault, &name, force);
            let list = vault.list();
            let store_name = vault.store().name().to_owned();
            Box::new(move |app: &mut Self, current| {
                app.stored = list;
                match result {
                    Ok(()) => {
                        if current && app.draft.store_entry == name {
                            app.draft.store_entry.clear();
                        }
                        app.set_status(
                            format!("Removed '{name}' and its key from the {store_name}"),
                            false,
                        );
                    }
                    Err(message) => app.set_status(format!("Not removed: {message}"), true),
                }
            })
        });
    }

    /// Checks the New certificate form, then asks where to write the PFX.
    pub(super) fn create_certificate(&mut self) {
        match self.certificate_form() {
            Ok(_) => self.choose_file(crate::gui::files::FileUse::NewPfx),
            Err(message) => self.set_status(message, true),
        }
    }

    /// The New certificate form's subject, validity and the password that protects the PFX.
    fn certificate_form(&self) -> Result<CertificateForm, String> {
        let subject = crate::core::subject::parse_subject(&self.dialog.new_subject)
            .map_err(|message| format!("Subject: {message}"))?;
        let Some(days) = crate::core::validity::parse_days(&self.dialog.new_days) else {
            let range = crate::core::validity::DAYS_RANGE;
            return Err(format!(
                "Validity: a whole number of days from {} to {}",
                range.start(),
                range.end()
            ));
        };
        let password = self
            .typed_password()
            .ok_or("Type the certificate password first: it protects the new PFX")?;
        Ok(CertificateForm {
            subject,
            days,
            password,
        })
    }

    /// Makes a new certificate from the form into `pfx` (the .cer and .pem beside it): never
    /// over an existing file.
    pub(super) fn create_certificate_at(&mut self, pfx: std::path::PathBuf) {
        let CertificateForm {
            subject,
            days,
            password,
        } = match self.certificate_form() {
            Ok(form) => form,
            Err(message) => return self.set_status(message, true),
        };
        let request = NewCertificateRequest {
            subject,
            key_bits: self.dialog.new_key_bits,
            days,
            cer: pfx.with_extension("cer"),
            pem: Some(pfx.with_extension("pem")),
            pfx,
            password,
            overwrite: false,
        };
        self.spawn(JobKind::NewCertificate, Reach::Anywhere, move || {
            let result = new_certificate(&request).map(|_| request.pfx.clone());
            drop(request);
            Box::new(move |app: &mut Self, current| match result {
                Ok(pfx) => {
                    let cer = pfx.with_extension("cer");
                    if current {
                        app.draft.cert_kind = CertKind::PfxFile;
                        app.draft.pfx_path = pfx.display().to_string();
                        app.draft.keystore_alias.clear();
                        app.draft.password = PasswordSource::Ask;
                        // Made with the typed password: it stays, now for the new file.
                        app.dialog.keep_password_for(&app.draft);
                    }
                    app.set_status(
                        format!(
                            "Created {}; upload {} to the app registration",
                            pfx.display(),
                            cer.display()
                        ),
                        false,
                    );
                }
                Err(error) => {
                    app.set_status(format!("The certificate was not made: {error}"), true)
                }
            })
        });
    }
}

/// The New certificate form, checked.
struct CertificateForm {
    subject: Vec<(String, String)>,
    days: u32,
    password: crate::secret::Secret,
}
