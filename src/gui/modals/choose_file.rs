//! The path dialog of an action that needs a file (import, a new certificate, a comparison): the
//! path typed, or filled by Browse….

use std::path::PathBuf;

use super::{ModalAction, enter_pressed, path_row};
use crate::gui::files::FileUse;

/// The path for `use_`; Enter in the field (or the action's button) runs the action once a path is
/// given.
pub(super) fn choose_file_ui(
    ui: &mut egui::Ui,
    use_: FileUse,
    path: &mut String,
    focused: &mut bool,
    browsing: bool,
) -> ModalAction {
    let button = match use_ {
        FileUse::Import => "Import",
        FileUse::NewPfx => "Create",
        _ => "Read thumbprint",
    };
    if use_ == FileUse::NewPfx {
        ui.label("The PFX is written here, the .cer to upload and a .pem beside it. An existing file is never replaced.");
    }
    let (field, mut action) = path_row(ui, use_, path, focused, browsing);
    ui.horizontal(|ui| {
        let enter = field.lost_focus() && enter_pressed(ui);
        let ready = !path.trim().is_empty();
        let button = ui.add_enabled(ready, egui::Button::new(button));
        let button = crate::gui::widgets::why_disabled(button, "Type or choose a path first.");
        if (button.clicked() || enter) && ready {
            action = ModalAction::FileChosen(use_, PathBuf::from(path.trim()));
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}
