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
