//! "Delete profile": the open profile and its remembered password go; certificates stay.

use super::{ModalAction, enter_pressed};
use crate::gui::widgets::danger_button;

/// Asks before deleting the profile `name`. Enter deletes.
pub(super) fn delete_ui(ui: &mut egui::Ui, name: &str) -> ModalAction {
    let mut action = ModalAction::None;
    ui.label(format!("Delete '{name}'? Its file and its remembered password are removed; certificates are not touched."));
    ui.horizontal(|ui| {
        if danger_button(ui, "Delete").clicked() || enter_pressed(ui) {
            action = ModalAction::Delete;
        }
        if ui.button("Keep").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}
