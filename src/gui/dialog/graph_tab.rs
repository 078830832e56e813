//! Graph: Graph URL (from the preset), default site id, default drive id.

use super::Errors;
use crate::core::draft::{Field, ProfileDraft};
use crate::gui::widgets::text_field;

pub(super) fn ui(ui: &mut egui::Ui, draft: &mut ProfileDraft, errors: &Errors) {
    if text_field(
        ui,
        "Graph URL",
        &mut draft.graph_url,
        errors.get(Field::GraphUrl),
    )
    .changed()
    {
        draft.refresh_scope();
    }
    text_field(
        ui,
        "Default Site Id",
        &mut draft.site_id,
        errors.get(Field::SiteId),
    );
    ui.label("root, a host:/sites/path, or a full site id.");
    text_field(
        ui,
        "Default Drive Id",
        &mut draft.drive_id,
        errors.get(Field::DriveId),
    );
    ui.label("Empty: the site's default document library.");
}
