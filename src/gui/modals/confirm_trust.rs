//! "Imported profile": what an imported profile's author chose, before its first test.

use super::ModalAction;
use crate::gui::widgets::{WARN, danger_button};

/// Lists the `concerns` of the open draft (`draft_name`, trimmed) and asks to go ahead.
pub(super) fn confirm_trust_ui(
    ui: &mut egui::Ui,
    concerns: &[String],
    draft_name: &str,
) -> ModalAction {
    let mut action = ModalAction::None;
    ui.label(format!(
        "'{draft_name}' was imported from a file, and whoever wrote the file chose this:"
    ));
    for concern in concerns {
        ui.label(egui::RichText::new(format!("• {concern}")).color(WARN));
    }
    ui.label("Go ahead only if you know and trust these. Your answer is saved with the profile.");
    ui.horizontal(|ui| {
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
        if danger_button(ui, "Trust and test").clicked() {
            action = ModalAction::TrustAndTest;
        }
    });
    action
}
