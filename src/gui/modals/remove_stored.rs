//! "Remove from credential store": a stored certificate and its key, naming the profiles that
//! would stop connecting.

use super::{ModalAction, enter_pressed};
use crate::gui::widgets::{WARN, danger_button};

/// Asks before removing the stored certificate `name`. With no `users`, Enter removes; otherwise
/// only "Remove anyway" does.
pub(super) fn remove_stored_ui(ui: &mut egui::Ui, name: &str, users: &[String]) -> ModalAction {
    let mut action = ModalAction::None;
    ui.label(format!(
        "Remove '{name}' and its private key from the credential store? This cannot be undone."
    ));
    if users.is_empty() {
        ui.horizontal(|ui| {
            if danger_button(ui, "Remove").clicked() || enter_pressed(ui) {
                action = remove(name, false);
            }
            if ui.button("Keep").clicked() {
                action = ModalAction::Cancel;
            }
        });
    } else {
        let list = users
            .iter()
            .map(|u| format!("'{u}'"))
            .collect::<Vec<_>>()
            .join(", ");
        ui.label(
            egui::RichText::new(format!("Used by {list}: they will no longer connect."))
                .color(WARN),
        );
        ui.horizontal(|ui| {
            if ui.button("Keep").clicked() {
                action = ModalAction::Cancel;
            }
            if danger_button(ui, "Remove anyway").clicked() {
                action = remove(name, true);
            }
        });
    }
    action
}

fn remove(name: &str, anyway: bool) -> ModalAction {
    ModalAction::RemoveStored {
        name: name.to_owned(),
        anyway,
    }
}
