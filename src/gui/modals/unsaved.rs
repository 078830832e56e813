//! "Unsaved changes": save, discard or keep editing before another profile opens.

use super::ModalAction;

/// An action waiting for the answer to "save your changes?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Open another profile.
    Select(String),
    /// Start a new profile.
    New,
}

/// Asks what to do with the open draft's edits (`draft_name`, trimmed) before `pending`.
pub(super) fn unsaved_ui(ui: &mut egui::Ui, pending: &Pending, draft_name: &str) -> ModalAction {
    let mut action = ModalAction::None;
    ui.label(if draft_name.is_empty() {
        "This new profile has changes that are not saved.".to_owned()
    } else {
        format!("'{draft_name}' has changes that are not saved.")
    });
    ui.horizontal(|ui| {
        if ui.button("Save changes").clicked() {
            action = ModalAction::SaveThen(pending.clone());
        }
        if ui.button("Discard changes").clicked() {
            action = ModalAction::Discard(pending.clone());
        }
        if ui.button("Keep editing").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}
