//! Advanced: scope, assertion algorithm, send chain, lifetime, timeout, CA file, and a read-only
//! preview of the assertion that will be sent.

use super::Errors;
use crate::core::draft::{Field, ProfileDraft};
use crate::core::jwt::preview;
use crate::core::profile::AssertionAlgorithm;
use crate::gui::card::CardView;
use crate::gui::files::FilePicker;
use crate::gui::widgets::{FIELD_WIDTH, choice, row, text_field};

pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    errors: &Errors,
    card: &CardView,
    picker: &dyn FilePicker,
) {
    text_field(ui, "Scope", &mut draft.scope, errors.get(Field::Scope));
    choice(
        ui,
        "Assertion algorithm",
        &mut draft.algorithm,
        &[AssertionAlgorithm::Rs256, AssertionAlgorithm::Ps256],
        |a| a.label().to_owned(),
    );
    row(ui, "", |ui, _| {
        ui.checkbox(&mut draft.send_chain, "Send certificate chain (x5c)")
    });
    text_field(
        ui,
        "Assertion lifetime (s)",
        &mut draft.lifetime_secs,
        errors.get(Field::Lifetime),
    );
    text_field(
        ui,
        "Timeout (s)",
        &mut draft.timeout_secs,
        errors.get(Field::Timeout),
    );
    text_field(ui, "CA file", &mut draft.ca_file, errors.get(Field::CaFile));
    if row(ui, "", |ui, _| {
        ui.button("Browse…")
            .on_hover_text("Browse for CA file")
            .clicked()
    }) && let Some(path) = picker.pick_ca()
    {
        draft.ca_file = path.display().to_string();
    }
    ui.separator();
    let thumbprint = card.report().map(|r| match draft.algorithm {
        AssertionAlgorithm::Rs256 => r.x5t.as_str(),
        AssertionAlgorithm::Ps256 => r.x5t_s256.as_str(),
    });
    let mut text = preview(
        draft.algorithm,
        thumbprint,
        draft.send_chain,
        &draft.token_url,
        &draft.client_id,
        &draft.lifetime_secs,
    );
    row(ui, "Assertion preview", |ui, label| {
        ui.add(
            egui::TextEdit::multiline(&mut text)
                .code_editor()
                .interactive(false)
                .desired_width(FIELD_WIDTH)
                .desired_rows(14),
        )
        .labelled_by(label);
    });
}
