//! "Certificate password": asked when a job needs a password the app does not have.

use zeroize::Zeroizing;

use super::{ModalAction, enter_pressed, focused_field};
use crate::core::password_ask::PasswordAsk;
use crate::gui::app::Purpose;
use crate::gui::widgets::{ERROR, describe};

/// The password prompt.
pub struct PasswordPrompt {
    /// What the password is for.
    pub purpose: Purpose,
    /// The profile whose certificate it opens.
    pub whose: String,
    /// Why it is asked: no password given, the given one refused, the remembered one failed.
    pub why: Option<PasswordAsk>,
    /// Why it is asked, in a use case's words, when `why` is not known.
    pub reason: Option<String>,
    /// As typed; wiped on drop.
    pub typed: Zeroizing<String>,
    /// Remember it in the credential store once it has worked.
    pub remember: bool,
    /// A credential store is reachable.
    pub can_remember: bool,
    /// The field got the focus already.
    pub focused: bool,
}

/// The prompt: why it asks, the field (focused as it opens) and, where a credential store is
/// reachable, "Remember". Enter in the field submits.
pub(super) fn password_ui(ui: &mut egui::Ui, prompt: &mut PasswordPrompt) -> ModalAction {
    let mut action = ModalAction::None;
    let needs = format!("The certificate of '{}' needs its password.", prompt.whose);
    ui.label(needs.as_str());
    let reason = match (prompt.why, &prompt.reason) {
        (Some(why), _) if why.is_refusal() => {
            ui.label(egui::RichText::new(why.sentence()).color(ERROR));
            Some(why.sentence().to_owned())
        }
        (Some(why), _) => {
            ui.label(why.sentence());
            Some(why.sentence().to_owned())
        }
        (None, Some(reason)) => {
            ui.label(egui::RichText::new(reason.as_str()).color(ERROR));
            Some(reason.clone())
        }
        (None, None) => None,
    };
    let field = focused_field(ui, "Password", &mut prompt.typed, true, &mut prompt.focused);
    // The field opens focused: a screen reader announces why it is asked with it, not only as a
    // label the reader never reaches.
    describe(&field, reason.as_deref().unwrap_or(&needs));
    if prompt.can_remember {
        ui.checkbox(
            &mut prompt.remember,
            "Remember in the credential store (once it works)",
        );
    }
    ui.horizontal(|ui| {
        let enter = field.lost_focus() && enter_pressed(ui);
        if ui.button("OK").clicked() || enter {
            action = ModalAction::SubmitPassword;
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}
