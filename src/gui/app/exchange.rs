//! Export and import of profiles, with or without their certificates, in the background.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::CertconnectApp;
use super::password::Purpose;
use crate::core::profile::Profile;
use crate::gui::card::is_password_failure;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::ModalState;
use crate::secret::Secret;

/// An export with certificates, kept while passwords are asked for.
pub struct BundleExport {
    /// The profiles to export.
    pub profiles: Vec<Profile>,
    /// Where to write the bundle.
    pub path: PathBuf,
    /// The bundle's passphrase.
    pub passphrase: Secret,
    /// Passwords typed for the profiles' certificates, by profile id.
    pub passwords: BTreeMap<String, Secret>,
}

impl BundleExport {
    /// The name of the exported profile with this id.
    pub fn name_of(&self, id: &str) -> String {
        self.profiles
            .iter()
            .find(|p| p.id() == id)
            .map_or_else(String::new, |p| p.name().to_owned())
    }
}

/// Why an export with certificates stopped.
enum BundleError {
    /// A profile's certificate needs a password the app does not have.
    NeedsPassword { profile_id: String, reason: String },
    /// Anything else.
    Other(String),
}

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
                let result = crate::store::export_profiles_to(&store, &names, &path, false);
                Box::new(move |app: &mut Self, _| match result {
                    Ok(count) => app.set_status(
                        format!(
                            "Exported {count} profile(s) to {} (no passwords or keys inside)",
                            path.display()
                        ),
                        false,
                    ),
                    Err(e) => app.set_status(format!("Export failed: {e}"), true),
                })
            });
        };
        let profiles: Vec<Profile> = names.iter().filter_map(|n| self.find(n).cloned()).collect();
        let mut passwords = BTreeMap::new();
        // The password typed for the open profile opens its file in the bundle too.
        if let (Some(id), Some(password)) = (&self.saved_id, self.typed_password()) {
            passwords.insert(id.clone(), password);
        }
        self.run_bundle_export(BundleExport {
            profiles,
            path,
            passphrase,
            passwords,
        });
    }

    /// Writes the bundle, or asks for the password of the first profile whose file needs one.
    pub(super) fn run_bundle_export(&mut self, export: BundleExport) {
        let vault = self.deps.vault.as_ref().ok().cloned();
        self.spawn(JobKind::Exchange, Reach::Anywhere, move || {
            let result = write_bundle(&export, vault.as_deref());
            Box::new(move |app: &mut Self, _| match result {
                Ok(message) => app.set_status(message, false),
                Err(BundleError::NeedsPassword { profile_id, reason }) => {
                    app.ask_password(Purpose::Export { export, profile_id }, Some(reason));
                }
                Err(BundleError::Other(message)) => {
                    app.set_status(format!("Not exported: {message}"), true)
                }
            })
        });
    }

    pub(super) fn import(&mut self) {
        self.choose_file(crate::gui::files::FileUse::Import);
    }

    /// Imports the profiles of an export file; a bundle asks for its passphrase first.
    pub(super) fn import_from(&mut self, path: PathBuf) {
        let store = self.deps.store.clone();
        self.spawn_profile_write(JobKind::Exchange, move || {
            let is_bundle =
                std::fs::read_to_string(&path).is_ok_and(|text| crate::secrets::is_bundle(&text));
            if is_bundle {
                return Box::new(move |app: &mut Self, _| {
                    app.modal = Some(ModalState::ImportBundle {
                        path,
                        passphrase: zeroize::Zeroizing::new(String::new()),
                    });
                });
            }
            let result = crate::store::import_file(&store, &path);
            let loaded = store.load_all();
            Box::new(move |app: &mut Self, _| {
                app.take_loaded(loaded);
                match result {
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
                        app.set_status(text, !report.skipped.is_empty());
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
        self.spawn_profile_write(JobKind::Exchange, move || {
            let result = crate::secrets::import_bundle(&path, &passphrase, &store, &vault);
            let loaded = store.load_all();
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
                    Err(message) => app.set_status(format!("Not imported: {message}"), true),
                }
            })
        });
    }
}

fn write_bundle(
    export: &BundleExport,
    vault: Option<&crate::secrets::Vault>,
) -> Result<String, BundleError> {
    let mut credentials = Vec::new();
    for profile in &export.profiles {
        let password = export.passwords.get(profile.id()).cloned();
        match crate::probe::open_certificate(profile.certificate(), password, vault) {
            Ok(credential) => credentials.push(credential),
            Err((failure, _)) if is_password_failure(&failure.code) => {
                return Err(BundleError::NeedsPassword {
                    profile_id: profile.id().to_owned(),
                    reason: failure.message,
                });
            }
            Err((failure, _)) => {
                return Err(BundleError::Other(format!(
                    "'{}': {}",
                    profile.name(),
                    failure.message
                )));
            }
        }
    }
    crate::secrets::export_bundle_to(
        &export.profiles,
        &credentials,
        &export.passphrase,
        &export.path,
        false,
        None,
    )
    .map(|count| {
        format!(
            "Exported {count} profile(s) with their certificates to {}, encrypted under the passphrase",
            export.path.display()
        )
    })
    .map_err(BundleError::Other)
}
