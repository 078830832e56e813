//! Profile management of the app: open, new, save, rename, delete, duplicate, export and import.

use super::*;

impl CertconnectApp {
    pub(in crate::gui) fn open(&mut self, name: &str) {
        let Some(profile) = self.find(name).cloned() else {
            return;
        };
        self.draft = ProfileDraft::from(&profile);
        self.baseline = self.draft.clone();
        self.open_name = Some(profile.name);
        self.after_switch();
    }

    pub(in crate::gui) fn open_new(&mut self, draft: ProfileDraft) {
        self.draft = draft;
        self.baseline = ProfileDraft::default();
        self.open_name = None;
        self.after_switch();
    }

    pub(super) fn after_switch(&mut self) {
        self.dialog.reset_for(&self.draft);
        self.card = CardView::default();
        self.card_job = None;
        self.run = None;
        if self.draft.password == PasswordSource::None {
            self.load_card();
        }
    }

    /// Runs `pending` now, or asks first when there are unsaved edits.
    pub(in crate::gui) fn guard(&mut self, pending: Pending) {
        if self.is_dirty() {
            self.modal = Some(ModalState::Unsaved(pending));
        } else {
            self.apply(pending);
        }
    }

    pub(in crate::gui) fn apply(&mut self, pending: Pending) {
        match pending {
            Pending::Select(name) => self.open(&name),
            Pending::New => self.open_new(ProfileDraft::default()),
        }
    }

    /// Saves the open profile. Returns whether it was saved.
    pub(in crate::gui) fn save(&mut self) -> bool {
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

    pub(in crate::gui) fn delete_open(&mut self, name: &str) {
        match self.deps.store.delete(name) {
            Ok(()) => {
                self.set_status(format!("Deleted '{name}'"), false);
                self.reload();
                self.open_new(ProfileDraft::default());
            }
            Err(e) => self.set_status(format!("Not deleted: {e}"), true),
        }
    }

    pub(in crate::gui) fn rename_open(&mut self, new_name: &str) -> Result<(), String> {
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

    pub(super) fn duplicate(&mut self) {
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

    pub(super) fn export_names(&self) -> Vec<String> {
        if self.ticked.is_empty() {
            self.open_name.iter().cloned().collect()
        } else {
            self.ticked.iter().cloned().collect()
        }
    }

    /// Exports the ticked (or open) profiles; with a passphrase, as a bundle with their certificates.
    pub(in crate::gui) fn export_now(&mut self, passphrase: Option<Secret>) {
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
    pub(in crate::gui) fn import_bundle_now(
        &mut self,
        path: std::path::PathBuf,
        passphrase: Secret,
    ) {
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

    pub(super) fn export(&mut self) {
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

    pub(super) fn import(&mut self) {
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

    pub(super) fn handle_list(&mut self, action: ListAction) {
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
}
