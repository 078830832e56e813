//! The app's confirmations: delete, rename, and what to do with unsaved edits.

use super::app::CertconnectApp;

/// An action waiting for the answer to "save your changes?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Open another profile.
    Select(String),
    /// Start a new profile.
    New,
}

/// The open confirmation, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModalState {
    /// Delete this profile?
    ConfirmDelete(String),
    /// New name for the open profile.
    Rename {
        /// As typed.
        new_name: String,
        /// Why the last try failed.
        error: Option<String>,
    },
    /// The open profile has unsaved edits.
    Unsaved(Pending),
    /// Export options.
    Export {
        /// Include the certificates, encrypted under the passphrase.
        with_certificates: bool,
        /// As typed.
        passphrase: String,
    },
    /// The passphrase of a bundle being imported.
    ImportBundle {
        /// The bundle.
        path: std::path::PathBuf,
        /// As typed.
        passphrase: String,
    },
}

/// Draws the open confirmation and applies the answer.
pub(super) fn show(app: &mut CertconnectApp, ctx: &egui::Context) {
    let Some(modal) = app.modal.take() else {
        return;
    };
    let mut keep = true;
    let response = egui::Modal::new(egui::Id::unique("certconnect-modal")).show(ctx, |ui| match modal.clone() {
        ModalState::ConfirmDelete(name) => {
            ui.heading("Delete profile");
            ui.label(format!("Delete '{name}'? Its file is removed; certificates and passwords are not touched."));
            ui.horizontal(|ui| {
                if ui.button("Delete").clicked() {
                    app.delete_open(&name);
                    keep = false;
                }
                if ui.button("Keep").clicked() {
                    keep = false;
                }
            });
            None
        }
        ModalState::Rename { mut new_name, mut error } => {
            ui.heading("Rename profile");
            let label = ui.label("New name");
            let field = ui.text_edit_singleline(&mut new_name).labelled_by(label.id);
            if let Some(error) = &error {
                ui.label(egui::RichText::new(error).color(super::widgets::ERROR));
            }
            ui.horizontal(|ui| {
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("Rename").clicked() || enter {
                    match app.rename_open(&new_name) {
                        Ok(()) => keep = false,
                        Err(message) => error = Some(message),
                    }
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
            Some(ModalState::Rename { new_name, error })
        }
        ModalState::Export { mut with_certificates, mut passphrase } => {
            ui.heading("Export profiles");
            ui.label("Exports never hold a password or key, unless you include the certificates below.");
            ui.checkbox(&mut with_certificates, "Include certificates, encrypted under a passphrase");
            if with_certificates {
                let label = ui.label("Bundle passphrase");
                ui.add(egui::TextEdit::singleline(&mut passphrase).password(true)).labelled_by(label.id);
                ui.label(format!("At least {} characters; the importer needs it.", crate::secrets::MIN_PASSPHRASE));
            }
            ui.horizontal(|ui| {
                if ui.button("Export to file…").clicked() {
                    let secret = with_certificates.then(|| crate::secret::Secret::new(passphrase.clone()));
                    keep = false;
                    app.export_now(secret);
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
            Some(ModalState::Export { with_certificates, passphrase })
        }
        ModalState::ImportBundle { path, mut passphrase } => {
            ui.heading("Import a bundle");
            ui.label(format!("{} holds certificates; they will be kept in the OS credential store.", path.display()));
            let label = ui.label("Bundle passphrase");
            ui.add(egui::TextEdit::singleline(&mut passphrase).password(true)).labelled_by(label.id);
            ui.horizontal(|ui| {
                if ui.button("Import").clicked() {
                    keep = false;
                    app.import_bundle_now(path.clone(), crate::secret::Secret::new(passphrase.clone()));
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
            Some(ModalState::ImportBundle { path, passphrase })
        }
        ModalState::Unsaved(pending) => {
            ui.heading("Unsaved changes");
            ui.label(format!("'{}' has changes that are not saved.", app.draft().name));
            ui.horizontal(|ui| {
                if ui.button("Save changes").clicked() {
                    if app.save() {
                        app.apply(pending.clone());
                    }
                    keep = false;
                }
                if ui.button("Discard changes").clicked() {
                    app.apply(pending.clone());
                    keep = false;
                }
                if ui.button("Keep editing").clicked() {
                    keep = false;
                }
            });
            None
        }
    });
    if response.should_close() {
        keep = false;
    }
    if keep {
        app.modal = Some(response.inner.unwrap_or(modal));
    }
}
