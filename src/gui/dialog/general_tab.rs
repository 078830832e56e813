//! General: name, token URL preset, tenant, token URL, client ID.

use egui::RichText;

use super::Errors;
use crate::core::authority::{MULTI_TENANT_WARNING, Preset};
use crate::core::draft::{Field, ProfileDraft};
use crate::gui::widgets::{WARN, choice, describe, indented, note, text_field, text_field_enabled};

/// `focus_name`: the keyboard goes to Name (a profile was just made). Returns whether "Set up in
/// Entra…" was pressed.
#[must_use]
pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    errors: &Errors,
    focus_name: bool,
) -> bool {
    let name = text_field(ui, "Name", &mut draft.name, errors.get(Field::Name));
    if focus_name {
        name.request_focus();
    }
    errors.left(Field::Name, &name);
    let before = draft.preset;
    choice(
        ui,
        "Token URL preset",
        &mut draft.preset,
        &Preset::ALL,
        |p| p.label().to_owned(),
    );
    if draft.preset != before {
        let preset = draft.preset;
        draft.apply_preset(preset);
    }
    // The Tenant row is always there (disabled when the preset has no tenant), so typing in the
    // Token URL, which makes the preset Custom, never moves the rows under the cursor. Under
    // Custom and Multi tenant it shows the tenant the URL names, never a stale one.
    draft.show_url_tenant();
    let needs_tenant = draft.preset.needs_tenant();
    let error = errors.get(Field::Tenant).filter(|_| needs_tenant);
    let tenant = text_field_enabled(ui, "Tenant", &mut draft.tenant, error, needs_tenant);
    if let Some(why) = draft.preset.why_no_tenant() {
        describe(&tenant, why);
    }
    let tenant = tenant.on_disabled_hover_text(draft.preset.why_no_tenant().unwrap_or_default());
    errors.left(Field::Tenant, &tenant);
    if tenant.changed() {
        draft.refresh_token_url();
    }
    let url = text_field(
        ui,
        "Token URL",
        &mut draft.token_url,
        errors.get(Field::TokenUrl),
    );
    errors.left(Field::TokenUrl, &url);
    if url.changed()
        && draft.preset.token_url(&draft.tenant).as_deref() != Some(draft.token_url.as_str())
    {
        // Editing the URL by hand makes it a custom one.
        draft.preset = Preset::Custom;
        draft.show_url_tenant();
    }
    // What is about the token URL sits under it: 'common', and the settings that go with it.
    if draft.preset == Preset::MultiTenant {
        note(ui, RichText::new(MULTI_TENANT_WARNING).color(WARN));
    }
    graph_offers_ui(ui, draft);
    let client_id = text_field(
        ui,
        "Client ID",
        &mut draft.client_id,
        errors.get(Field::ClientId),
    );
    errors.left(Field::ClientId, &client_id);
    let setup = indented(ui, |ui| {
        ui.button("Set up in Entra…")
            .on_hover_text("No app registration yet? Sign in as an administrator: certconnect registers one with this certificate, grants its permissions and fills in the IDs")
            .clicked()
    });
    let object_id = text_field(
        ui,
        "Application object ID",
        &mut draft.object_id,
        errors.get(Field::ObjectId),
    );
    errors.left(Field::ObjectId, &object_id);
    setup
}

/// Under the Token URL, when the Graph URL does not go with it: what disagrees and a button per
/// Graph that does (two for the US Government cloud), which sets the Graph URL (the scope
/// follows) and the tenant the URL names.
fn graph_offers_ui(ui: &mut egui::Ui, draft: &mut ProfileDraft) {
    let offers = draft.graph_offers();
    if offers.is_empty() {
        return;
    }
    if let Some(mismatch) = draft.graph_mismatch() {
        note(ui, RichText::new(mismatch.message).color(WARN));
    }
    let mut chosen = None;
    indented(ui, |ui| {
        for (index, offer) in offers.iter().enumerate() {
            if ui.add(egui::Button::new(offer.offer()).wrap()).clicked() {
                chosen = Some(index);
            }
        }
    });
    if let Some(index) = chosen {
        draft.apply_matching(&offers[index]);
    }
}
