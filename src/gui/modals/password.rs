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
    /// It asks for a hardware token's PIN, not a file's password: the words say PIN.
    pub pin: bool,
    /// The field got the focus already.
    pub focused: bool,
}

/// The prompt: why it asks, the field (focused as it opens) and, where a credential store is
/// reachable, "Remember". Enter in the field submits.
pub(super) fn password_ui(ui: &mut egui::Ui, prompt: &mut PasswordPrompt) -> ModalAction {
    let mut action = ModalAction::None;
    let needs = if prompt.pin {
        format!("The hardware token of '{}' needs its PIN.", prompt.whose)
    } else {
        format!("The certificate of '{}' needs its password.", prompt.whose)
    };
    ui.label(needs.as_str());
    let sentence = |why: PasswordAsk| {
        if prompt.pin {
            pin_sentence(why)
        } else {
            why.sentence()
        }
    };
    let reason = match (prompt.why, &prompt.reason) {
        (Some(why), _) if why.is_refusal() => {
            ui.label(egui::RichText::new(sentence(why)).color(ERROR));
            Some(sentence(why).to_owned())
        }
        (Some(why), _) => {
            ui.label(sentence(why));
            Some(sentence(why).to_owned())
        }
        (None, Some(reason)) => {
            ui.label(egui::RichText::new(reason.as_str()).color(ERROR));
            Some(reason.clone())
        }
        (None, None) => None,
    };
    let name = if prompt.pin { "PIN" } else { "Password" };
    let field = focused_field(ui, name, &mut prompt.typed, true, &mut prompt.focused);
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

/// Why a token's PIN is asked for. certconnect never tries a PIN by itself, so a refused one is
/// never sent again without being typed anew.
fn pin_sentence(why: PasswordAsk) -> &'static str {
    match why {
        PasswordAsk::NoneGiven => "No PIN was given, and the token asks for one before it signs.",
        PasswordAsk::Refused => {
            "The token refused the PIN given (it counts wrong PINs: a card locks after a few)."
        }
        PasswordAsk::RememberedFailed => {
            "The remembered PIN was refused by the token (or could not be read from the \
             credential store)."
        }
    }
}
