//! "Rename profile": the new name, and why the last try was refused.

use super::{ModalAction, enter_pressed, focused_field};
use crate::gui::widgets::ERROR;

/// The new name as typed (focused as the dialog opens); Enter in it renames.
pub(super) fn rename_ui(
    ui: &mut egui::Ui,
    new_name: &mut String,
    error: Option<&str>,
    focused: &mut bool,
) -> ModalAction {
    let mut action = ModalAction::None;
    let field = focused_field(ui, "New name", new_name, false, focused);
    if let Some(error) = error {
        ui.label(egui::RichText::new(error).color(ERROR));
    }
    ui.horizontal(|ui| {
        let enter = field.lost_focus() && enter_pressed(ui);
        if ui.button("Rename").clicked() || enter {
            action = ModalAction::Rename(new_name.clone());
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}
