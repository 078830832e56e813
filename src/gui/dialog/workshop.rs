//! On the Certificate tab: make a new certificate, and compare with the one uploaded to Azure.

use egui::RichText;

use super::{DialogAction, DialogState};
use crate::core::thumbprint::{compare, parse_pasted};
use crate::gui::card::CardView;
use crate::gui::widgets::{ERROR, OK, choice, row, text_field};

use crate::ops::KEY_SIZES;

/// The "New certificate" form.
pub(super) fn new_certificate_ui(
    ui: &mut egui::Ui,
    state: &mut DialogState,
    creating: bool,
) -> DialogAction {
    let mut action = DialogAction::None;
    egui::CollapsingHeader::new("New certificate").default_open(false).show(ui, |ui| {
        ui.label("Makes a self-signed RSA certificate (SHA-256, digitalSignature), like New-SelfSignedCertificate. The PFX is protected with the certificate password above; the .cer to upload and a .pem are written beside it.");
        text_field(ui, "Subject", &mut state.new_subject, None);
        choice(ui, "Key size", &mut state.new_key_bits, &KEY_SIZES, |bits| format!("RSA {bits}"));
        text_field(ui, "Validity (days)", &mut state.new_days, None);
        row(ui, "", |ui, _| {
            if creating {
                ui.spinner();
                ui.label("Making the certificate…");
            } else if ui.button("Create certificate…").clicked() {
                action = DialogAction::CreateCertificate;
            }
        });
    });
    action
}

/// The "Compare with Azure" box: a pasted thumbprint, or one read from the uploaded `.cer`.
pub(super) fn compare_ui(
    ui: &mut egui::Ui,
    state: &mut DialogState,
    card: &CardView,
) -> DialogAction {
    let mut action = DialogAction::None;
    ui.add_space(6.0);
    ui.label(RichText::new("Compare with Azure").strong());
    text_field(ui, "Portal thumbprint", &mut state.compare, None);
    row(ui, "", |ui, _| {
        if ui.button("Read thumbprint from .cer…").clicked() {
            action = DialogAction::PickCompareFile;
        }
    });
    if state.compare.trim().is_empty() {
        return action;
    }
    let Some(report) = card.report() else {
        ui.label("Load the certificate to compare it.");
        return action;
    };
    match parse_pasted(&state.compare) {
        Err(message) => {
            ui.label(RichText::new(message).color(ERROR));
        }
        Ok(expected) => {
            let compared = compare(
                &expected,
                &report.thumbprint_sha1,
                &report.thumbprint_sha256,
            );
            let ours = compared.actual;
            if compared.matches {
                ui.label(
                    RichText::new(
                        "Match: this is the certificate uploaded to the app registration.",
                    )
                    .color(OK),
                );
            } else {
                ui.label(
                    RichText::new(
                        "Different certificates: Entra will answer AADSTS700027 with this one.",
                    )
                    .color(ERROR),
                );
                ui.label(RichText::new(format!("Azure:     {expected}")).monospace());
                ui.label(RichText::new(format!("This file: {ours}")).monospace());
            }
        }
    }
    action
}
