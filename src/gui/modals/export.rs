//! "Export profiles": where to, and whether with the certificates under a passphrase.

use std::path::PathBuf;

use super::{ModalAction, enter_pressed, passphrase_field, path_row};
use crate::gui::files::FileUse;
use crate::secret::Secret;

/// The export options; Enter exports once a path is given.
pub(super) fn export_ui(
    ui: &mut egui::Ui,
    with_certificates: &mut bool,
    passphrase: &mut String,
    path: &mut String,
    browsing: bool,
) -> ModalAction {
    ui.label("Exports never hold a password or key, unless you include the certificates below.");
    // The path field is the first field: it takes the focus while nothing has it.
    let mut focused = ui.memory(|m| m.focused().is_some());
    let (_, mut action) = path_row(ui, FileUse::Export, path, &mut focused, browsing);
    ui.checkbox(
        with_certificates,
        "Include certificates, encrypted under a passphrase",
    );
    if *with_certificates {
        passphrase_field(ui, passphrase);
        ui.label(format!(
            "At least {} characters; the importer needs it.",
            crate::credential_store::MIN_PASSPHRASE
        ));
    }
    ui.horizontal(|ui| {
        if ui.button("Export").clicked() || enter_pressed(ui) {
            if path.trim().is_empty() {
                return;
            }
            action = ModalAction::Export {
                path: PathBuf::from(path.trim()),
                passphrase: with_certificates.then(|| Secret::new(passphrase.as_str())),
            };
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}
