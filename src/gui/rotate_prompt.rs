//! The "Rotate certificate" dialog: what the rotation will do, in words, and its few options
//! (validity, where the new key is made — a new PFX file, or on the hardware token for a token
//! profile —, the new PFX's password, removing the old key).

use zeroize::Zeroizing;

use super::modals::ModalAction;
use super::widgets::WARN;

/// The options of a rotation, as typed. No `Debug`: it holds a password.
pub struct RotatePrompt {
    /// Whose certificate (the profile's name).
    pub whose: String,
    /// The Application object ID the key is registered under.
    pub object_id: String,
    /// Validity of the new certificate in years (1 to 3).
    pub years: u32,
    /// The new PFX's password; empty keeps the current one.
    pub new_password: Zeroizing<String>,
    /// The current certificate has a password the new PFX can take over.
    pub current_has_password: bool,
    /// The certificate is in Azure Key Vault: the vault makes the new version, no PFX or password.
    pub in_key_vault: bool,
    /// The key is on a hardware token: the new key is made on the same token (never outside
    /// it), so there is no PFX and no password to give.
    pub on_token: bool,
    /// Remove the old key once the profile uses the new certificate.
    pub remove_old: bool,
    /// The old certificate's key ID (the portal's "Certificate ID").
    pub old_key_id: String,
    /// Why the last Start was refused.
    pub error: Option<String>,
}

impl RotatePrompt {
    /// Checks what can be checked before anything runs; the reason when it cannot start.
    pub fn check(&self) -> Result<(), String> {
        if !self.in_key_vault
            && !self.on_token
            && !self.current_has_password
            && self.new_password.is_empty()
        {
            return Err("The current certificate has no password: give the new PFX one (it holds the private key).".into());
        }
        if self.remove_old && crate::core::guid::normalize_guid(&self.old_key_id).is_none() {
            return Err("The old key ID is a GUID: the portal shows it under Certificates & secrets > Certificates as 'Certificate ID'.".into());
        }
        Ok(())
    }
}

/// Draws the dialog. "Start rotation" answers `StartRotation`; the app checks the options then
/// (see [`RotatePrompt::check`]) and keeps the dialog open, with the reason, when it cannot start.
pub fn rotate_prompt_ui(ui: &mut egui::Ui, prompt: &mut RotatePrompt) -> ModalAction {
    let mut action = ModalAction::None;
    ui.set_max_width(520.0);
    let made = if prompt.in_key_vault {
        "Key Vault makes the certificate's next version (its key made there, not exportable; the vault's current version from then on)"
    } else if prompt.on_token {
        "a new key is made on the same hardware token (sensitive, never extractable) with its self-signed certificate beside it"
    } else {
        "a new certificate is made beside the current one"
    };
    ui.add(egui::Label::new(format!(
        "Rotating '{}': {made}, registered on the app registration (object ID {}) with the current certificate's proof, Entra is given up to a minute to accept it, and the connection is tested with it. Only then does the profile switch to it.",
        prompt.whose, prompt.object_id
    )).wrap());
    ui.add_space(4.0);
    egui::Grid::new("rotate-options")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Validity");
            egui::ComboBox::from_id_salt("rotate-years")
                .selected_text(years_text(prompt.years))
                .show_ui(ui, |ui| {
                    for years in 1..=3 {
                        ui.selectable_value(&mut prompt.years, years, years_text(years));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if prompt.in_key_vault {
                return;
            }
            if prompt.on_token {
                new_key_row(ui);
                return;
            }
            let label = ui.label("New PFX password");
            let hint = if prompt.current_has_password {
                "Empty: the current certificate's password"
            } else {
                "Required"
            };
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut *prompt.new_password)
                        .id_salt("rotate-new-password")
                        .password(true)
                        .hint_text(hint),
                )
                .labelled_by(label.id);
            // The grey hint is only drawn; a screen reader gets it as the description.
            crate::gui::widgets::describe(&field, hint);
            ui.end_row();
        });
    ui.checkbox(
        &mut prompt.remove_old,
        "Remove the old certificate from the app registration afterwards",
    );
    if prompt.remove_old {
        ui.horizontal(|ui| {
            let label = ui.label("Old key ID");
            ui.add(
                egui::TextEdit::singleline(&mut prompt.old_key_id)
                    .id_salt("rotate-old-key-id")
                    .hint_text("Certificate ID in the portal")
                    .desired_width(300.0),
            )
            .labelled_by(label.id);
        });
    }
    if let Some(error) = &prompt.error {
        ui.add(egui::Label::new(egui::RichText::new(error).color(WARN)).wrap());
    }
    ui.horizontal(|ui| {
        if ui.button("Start rotation").clicked() {
            action = ModalAction::StartRotation;
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}

fn years_text(years: u32) -> String {
    if years == 1 {
        "1 year".into()
    } else {
        format!("{years} years")
    }
}

/// Where the new key is made, for a token profile: on the token. A new PFX file is shown beside
/// it, off, with the reason: the key of a token profile never moves to a file.
fn new_key_row(ui: &mut egui::Ui) {
    ui.label("New key");
    ui.horizontal_wrapped(|ui| {
        ui.radio(true, "New key on the token").on_hover_text(
            "Made on the token with C_GenerateKeyPair, sensitive and never extractable; its \
                 certificate is written beside it",
        );
        let why = "This profile's key is on a hardware token: the new key is made there too, so \
                   it never exists outside hardware. For a PFX file, make a new profile.";
        let file = ui.add_enabled(false, egui::RadioButton::new(false, "New PFX file"));
        let _ = crate::gui::widgets::why_disabled(file, why);
    });
    ui.end_row();
}
