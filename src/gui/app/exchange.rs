//! Export and import of profiles, with or without their certificates, in the background: the
//! same use cases (`ops::export`, `ops::import`) as `certconnect profile export | import`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::CertconnectApp;
use super::password::Purpose;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::ModalState;
use crate::ops::{CertificateExport, OpsError};
use crate::profile_store::ImportReport;
use crate::secret::Secret;

impl CertconnectApp {
    fn export_names(&self) -> Vec<String> {
        if self.ticked.is_empty() {
            self.saved_id
                .iter()
                .map(|_| self.baseline.name.clone())
                .collect()
        } else {
            self.ticked.iter().cloned().collect()
        }
    }

    pub(super) fn export(&mut self) {
        if self.export_names().is_empty() {
            return self.set_status(
                "Tick the profiles to export, or save the open one first",
                true,
            );
        }
        self.modal = Some(ModalState::Export {
            with_certificates: false,
            passphrase: zeroize::Zeroizing::new(String::new()),
            path: crate::gui::files::FileUse::Export.suggested_path(),
        });
    }

    /// Exports the ticked (or open) profiles; with a passphrase, as a bundle with their certificates.
    pub(super) fn export_now(&mut self, passphrase: Option<Secret>, path: PathBuf) {
        let names = self.export_names();
        let Some(passphrase) = passphrase else {
            let store = self.deps.store.clone();
            return self.spawn(JobKind::Exchange, Reach::Anywhere, move || {
                // A typed path may name a file that exists: it is never replaced.
                let result = crate::ops::export_profiles(&store, &names, &path, false);
                Box::new(move |app: &mut Self, _| match result {
                    Ok(count) => app.set_status(
                        format!(
                            "Exported {} to {} (no passwords or keys inside)",
                            crate::core::plural::count(count, "profile", "profiles"),
                            path.display()
                        ),
                        false,
                    ),
                    Err(e) => app.set_status(format!("Export failed: {e}"), true),
                })
            });
        };
        let mut passwords = BTreeMap::new();
        // The password typed for the open profile opens its file in the bundle too.
        if let (Some(id), Some(password)) = (&self.saved_id, self.typed_password()) {
            passwords.insert(id.clone(), password);
        }
        self.run_bundle_export(CertificateExport {
            names,
            out: path,
            // A typed path may name a file that exists: it is never replaced.
            replace: false,
            passphrase,
            password: None,
            passwords,
        });
    }

    /// Writes the bundle, or asks for the password of the first profile whose file needs one.
    pub(super) fn run_bundle_export(&mut self, export: CertificateExport) {
        let vault = self.deps.vault.as_ref().ok().cloned();
        let store = self.deps.store.clone();
        self.spawn(JobKind::Exchange, Reach::Anywhere, move || {
            let result = crate::ops::export_with_certificates(&store, vault.as_deref(), &export);
            Box::new(move |app: &mut Self, _| match result {
                Ok(count) => app.set_status(
                    format!(
                        "Exported {} with their certificates to {}, encrypted under the passphrase",
                        crate::core::plural::count(count, "profile", "profiles"),
                        export.out.display()
                    ),
                    false,
                ),
                Err(OpsError::NeedsPassword {
                    profile_id,
                    profile_name,
                    ask,
                    ..
                }) => {
                    let purpose = Purpose::Export {
                        export,
                        profile_id,
                        profile_name,
                    };
                    app.ask_password_because(purpose, ask);
                }
                Err(error) => app.set_status(format!("Not exported: {error}"), true),
            })
        });
    }

    pub(super) fn import(&mut self) {
        self.choose_file(crate::gui::files::FileUse::Import);
    }

    /// Imports the profiles of an export file; a bundle asks for its passphrase first. Which one
    /// the file is, is read with the bounded reader: a FIFO or a device is refused, never waited
    /// for.
    pub(super) fn import_from(&mut self, path: PathBuf) {
        let store = self.deps.store.clone();
        self.spawn(JobKind::Exchange, Reach::Anywhere, move || {
            if crate::ops::is_bundle_file(&path) {
                return Box::new(move |app: &mut Self, _| {
                    app.modal = Some(ModalState::ImportBundle {
                        path,
                        passphrase: zeroize::Zeroizing::new(String::new()),
                    });
                });
            }
            let result = crate::ops::import_profiles(&store, &path);
            let loaded = store.load_locked();
            Box::new(move |app: &mut Self, _| {
                app.take_loaded(loaded);
                match result {
                    Ok(report) => {
                        let (text, error) = import_summary(&report);
                        app.set_status(text, error);
                    }
                    Err(e) => app.set_status(format!("Import failed: {e}"), true),
                }
            })
        });
    }

    /// Imports a bundle with its passphrase: certificates into the credential store.
    pub(super) fn import_bundle_now(&mut self, path: PathBuf, passphrase: Secret) {
        let Ok(vault) = self.deps.vault.clone() else {
            return self.set_status(
                "A bundle's certificates go into the OS credential store, which is not reachable",
                true,
            );
        };
        let store = self.deps.store.clone();
        self.spawn(JobKind::Exchange, Reach::Anywhere, move || {
            let result = crate::ops::import_bundle(&store, &vault, &path, &passphrase);
            let loaded = store.load_locked();
            let list = vault.list();
            let store_name = vault.store().name().to_owned();
            Box::new(move |app: &mut Self, _| {
                app.take_loaded(loaded);
                app.stored = list;
                match result {
                    Ok(imported) => {
                        let names: Vec<String> = imported
                            .iter()
                            .map(|i| format!("'{}'", i.saved_as))
                            .collect();
                        app.set_status(
                            format!(
                                "Imported {} with their certificates into the {store_name}",
                                names.join(", ")
                            ),
                            false,
                        );
                    }
                    Err(error) => app.set_status(format!("Not imported: {error}"), true),
                }
            })
        });
    }
}

/// The status line of a plain import, and whether it reports a problem (a profile skipped).
fn import_summary(report: &ImportReport) -> (String, bool) {
    let renamed: Vec<String> = report
        .imported
        .iter()
        .filter(|i| i.saved_as != i.original_name)
        .map(|i| format!("'{}' as '{}'", i.original_name, i.saved_as))
        .collect();
    let mut text = format!(
        "Imported {}",
        crate::core::plural::count(report.imported.len(), "profile", "profiles")
    );
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
    (text, !report.skipped.is_empty())
}
