//! The Certificate tab for a hardware-token (PKCS#11) profile: read-only for now, so a profile
//! made on the command line shows what it uses.

use crate::core::draft::ProfileDraft;

/// Shows the token source: where the key is, and which module reaches it.
pub(super) fn ui(ui: &mut egui::Ui, draft: &ProfileDraft) {
    ui.label(egui::RichText::new("Hardware token (PKCS#11)").strong());
    ui.label("The key signs on the token; certconnect never reads it.");
    ui.horizontal(|ui| {
        ui.label("Key URI");
        ui.monospace(&draft.pkcs11.uri);
    });
    let module = match draft.pkcs11.module.trim() {
        "" => "from the URI, else the usual modules",
        module => module,
    };
    ui.horizontal(|ui| {
        ui.label("Module");
        ui.monospace(module);
    });
    if !draft.pkcs11.cert_pem.trim().is_empty() {
        ui.horizontal(|ui| {
            ui.label("Certificate file");
            ui.monospace(&draft.pkcs11.cert_pem);
        });
    }
}
