//! "Import a bundle": the passphrase that opens a bundle's certificates.

use std::path::Path;

use super::{ModalAction, enter_pressed, passphrase_field};
use crate::secret::Secret;

/// Asks for the passphrase of the bundle at `path`; Enter in the field imports.
pub(super) fn import_bundle_ui(
    ui: &mut egui::Ui,
    path: &Path,
    passphrase: &mut String,
) -> ModalAction {
    let mut action = ModalAction::None;
    ui.label(format!(
        "{} holds certificates; they will be kept in the OS credential store.",
        path.display()
    ));
    let field = passphrase_field(ui, passphrase);
    ui.horizontal(|ui| {
        if ui.button("Import").clicked() || (field.lost_focus() && enter_pressed(ui)) {
            action = ModalAction::ImportBundle {
                path: path.to_path_buf(),
                passphrase: Secret::new(passphrase.as_str()),
            };
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}
