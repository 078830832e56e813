//! The Certificate tab's Azure Key Vault section, read-only: a profile whose certificate is in Key
//! Vault (made with `certconnect test --key-vault-cert` or imported) shows its identifier and how
//! the vault is reached. Choosing and listing vault certificates in the app is not offered yet.

use crate::core::draft::ProfileDraft;
use crate::gui::widgets::{note, row};

/// Draws the section.
pub(super) fn ui(ui: &mut egui::Ui, draft: &ProfileDraft) {
    row(ui, "Key Vault certificate", |ui, _| {
        ui.label(&draft.key_vault_url);
    });
    row(ui, "Vault access", |ui, _| {
        ui.label(draft.vault_access.label());
    });
    note(
        ui,
        "The key stays in Key Vault, never exported: the vault signs each assertion. Change \
         these settings with certconnect test --key-vault-cert … --vault-access ….",
    );
}
