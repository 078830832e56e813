//! The app's background work: test runs, certificate card, new certificates, the credential store.

use super::*;

impl CertconnectApp {
    /// With "Remember" ticked, moves the typed password into the credential store and points the
    /// profile at it; the profile file itself only ever names the entry.
    pub(super) fn remember_password_if_asked(&mut self) -> Result<(), String> {
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
    pub(in crate::gui) fn forget_password(&mut self) {
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

    pub(super) fn remove_stored(&mut self) {
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
    pub(in crate::gui) fn import_into_store(&mut self) {
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

    pub(super) fn password(&self) -> Option<Secret> {
        (self.draft.password == PasswordSource::Ask && !self.dialog.password.is_empty())
            .then(|| Secret::new(self.dialog.password.clone()))
    }

    pub(in crate::gui) fn start_test(&mut self) {
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

    pub(super) fn load_card(&mut self) {
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
    pub(super) fn drain_jobs(&mut self) {
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
    pub(super) fn drain_workshop_jobs(&mut self) {
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

    pub(super) fn drain_bundle_job(&mut self) {
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

    pub(super) fn drain_import_job(&mut self) {
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

    pub(super) fn create_certificate(&mut self) {
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
    pub(super) fn remember_certificate(&mut self, report: &crate::cert::CertReport) {
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

    /// A .pfx/.p12 dropped on the window becomes the profile's certificate.
    pub(super) fn take_dropped_file(&mut self, ctx: &egui::Context) {
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
