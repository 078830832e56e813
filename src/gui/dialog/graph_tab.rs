//! Graph: Graph URL (from the preset), default site id, default drive id.

use super::Errors;
use crate::core::draft::{Field, ProfileDraft};
use egui::RichText;

use crate::gui::widgets::{WARN, note, text_field};

pub(super) fn ui(ui: &mut egui::Ui, draft: &mut ProfileDraft, errors: &Errors) {
    let url = text_field(
        ui,
        "Graph URL",
        &mut draft.graph_url,
        errors.get(Field::GraphUrl),
    );
    errors.left(Field::GraphUrl, &url);
    if url.changed() {
        draft.refresh_scope();
    }
    // The field to fix is this one: say so here too, not only under the Token URL.
    if let Some(mismatch) = draft.graph_mismatch() {
        note(
            ui,
            RichText::new(format!("{} {}", mismatch.message, mismatch.fix())).color(WARN),
        );
    }
    let site = text_field(
        ui,
        "Default Site Id",
        &mut draft.site_id,
        errors.get(Field::SiteId),
    );
    errors.left(Field::SiteId, &site);
    note(ui, "root, a host:/sites/path, or a full site id.");
    let drive = text_field(
        ui,
        "Default Drive Id",
        &mut draft.drive_id,
        errors.get(Field::DriveId),
    );
    errors.left(Field::DriveId, &drive);
    note(ui, "Empty: the site's default document library.");
}
