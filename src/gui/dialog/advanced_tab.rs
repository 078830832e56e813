//! Advanced: scope, assertion algorithm, send chain, lifetime, timeout, CA file, and a read-only
//! preview of the assertion that will be sent.

use super::{DialogAction, DialogContext, Errors};
use crate::core::draft::{Field, ProfileDraft};
use crate::core::jwt::preview;
use crate::core::profile::AssertionAlgorithm;
use crate::gui::files::FileUse;
use crate::gui::widgets::{choice, row, text_field};

pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    errors: &Errors,
    cx: &DialogContext<'_>,
) -> DialogAction {
    let card = cx.card;
    let mut action = DialogAction::None;
    let scope = text_field(ui, "Scope", &mut draft.scope, errors.get(Field::Scope));
    errors.left(Field::Scope, &scope);
    choice(
        ui,
        "Assertion algorithm",
        &mut draft.algorithm,
        &[AssertionAlgorithm::Rs256, AssertionAlgorithm::Ps256],
        |a| a.label().to_owned(),
    );
    row(ui, "", |ui, _| {
        ui.checkbox(&mut draft.send_chain, "Send certificate chain (x5c)")
            .on_hover_text("Put the certificate (and its chain) in the assertion's header; needed only for subject-name/issuer authentication")
    });
    let lifetime = text_field(
        ui,
        "Assertion lifetime (s)",
        &mut draft.lifetime_secs,
        errors.get(Field::Lifetime),
    );
    errors.left(Field::Lifetime, &lifetime);
    let timeout = text_field(
        ui,
        "Timeout (s)",
        &mut draft.timeout_secs,
        errors.get(Field::Timeout),
    );
    errors.left(Field::Timeout, &timeout);
    let ca = text_field(ui, "CA file", &mut draft.ca_file, errors.get(Field::CaFile));
    errors.left(Field::CaFile, &ca);
    if super::cert_tab::browse(ui, "Browse for CA file", cx.browsing) {
        action = DialogAction::Browse(FileUse::CaFile);
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
                .desired_width(ui.available_width())
                .desired_rows(14),
        )
        .labelled_by(label);
    });
    action
}
