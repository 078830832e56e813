//! General: name, token URL preset, tenant, token URL, client ID.

use egui::RichText;

use super::Errors;
use crate::core::authority::{MULTI_TENANT_WARNING, Preset};
use crate::core::draft::{Field, ProfileDraft};
use crate::gui::widgets::{WARN, choice, note, text_field, text_field_enabled};

/// `focus_name`: the keyboard goes to Name (a profile was just made).
pub(super) fn ui(ui: &mut egui::Ui, draft: &mut ProfileDraft, errors: &Errors, focus_name: bool) {
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
    // Token URL, which makes the preset Custom, never moves the rows under the cursor.
    let needs_tenant = draft.preset.needs_tenant();
    let error = errors.get(Field::Tenant).filter(|_| needs_tenant);
    let tenant = text_field_enabled(ui, "Tenant", &mut draft.tenant, error, needs_tenant);
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
    }
    let client_id = text_field(
        ui,
        "Client ID",
        &mut draft.client_id,
        errors.get(Field::ClientId),
    );
    errors.left(Field::ClientId, &client_id);
    let object_id = text_field(
        ui,
        "Application object ID",
        &mut draft.object_id,
        errors.get(Field::ObjectId),
    );
    errors.left(Field::ObjectId, &object_id);
    if draft.preset == Preset::MultiTenant {
        note(ui, RichText::new(MULTI_TENANT_WARNING).color(WARN));
    }
}
