//! The open modal: drawn from its own state and a few facts of the app, and its answer applied
//! here, in one place. Whether the modal stays open is decided here too: it stays while it has no
//! answer, while Browse… runs and when its answer was refused (with the reason); an answer that
//! opens another modal simply sets it.

use super::CertconnectApp;
use crate::gui::modals::{self, ModalAction, ModalFacts, ModalState};

impl CertconnectApp {
    /// Draws the open modal, if any, and applies what the user answered.
    pub(super) fn show_modal(&mut self, ctx: &egui::Context) {
        let Some(mut modal) = self.modal.take() else {
            return;
        };
        let facts = ModalFacts {
            draft_name: self.draft.name.trim(),
            browsing: self.is_browsing(),
        };
        let action = modals::show(ctx, &mut modal, &facts);
        self.apply_modal_action(modal, action);
    }

    /// Applies the answer given in `modal`, which is closed unless it is put back here.
    fn apply_modal_action(&mut self, mut modal: ModalState, action: ModalAction) {
        match action {
            ModalAction::None => self.modal = Some(modal),
            ModalAction::Cancel => {
                if let ModalState::Password(prompt) = &modal
                    && matches!(prompt.purpose, super::Purpose::Test)
                {
                    self.test_password_prompt_closed();
                }
                if let ModalState::SetupEntra(_) = &modal {
                    self.setup_closed();
                }
            }
            ModalAction::Browse(use_) => {
                self.modal = Some(modal);
                self.browse(use_);
            }
            ModalAction::Rename(new_name) => {
                if let Err(message) = self.rename_open(&new_name) {
                    if let ModalState::Rename { error, .. } = &mut modal {
                        *error = Some(message);
                    }
                    self.modal = Some(modal);
                }
            }
            ModalAction::Delete => self.delete_open(),
            ModalAction::SaveThen(pending) => self.save(Some(pending)),
            ModalAction::Discard(pending) => self.apply(pending),
            ModalAction::Export { path, passphrase } => self.export_now(passphrase, path),
            ModalAction::FileChosen(use_, path) => self.file_chosen(use_, path),
            ModalAction::ImportBundle { path, passphrase } => {
                self.import_bundle_now(path, passphrase);
            }
            ModalAction::SubmitPassword => {
                if let ModalState::Password(prompt) = modal {
                    self.submit_password(prompt);
                }
            }
            ModalAction::StartRotation => {
                if let ModalState::Rotate(mut prompt) = modal {
                    match prompt.check() {
                        Ok(()) => self.start_rotation(prompt),
                        Err(message) => {
                            prompt.error = Some(message);
                            self.modal = Some(ModalState::Rotate(prompt));
                        }
                    }
                }
            }
            ModalAction::TrustAndTest => self.trust_and_test(),
            ModalAction::RemoveStored { name, anyway } => self.remove_stored(name, anyway),
            ModalAction::SetupWhere(target) => self.setup_where(target),
            ModalAction::SignIn(method) => {
                self.modal = Some(modal);
                self.setup_sign_in(method);
            }
            ModalAction::FindApps(query) => {
                self.modal = Some(modal);
                self.find_apps(query);
            }
            ModalAction::ForgetSignIn => {
                self.modal = Some(modal);
                self.forget_sign_in();
            }
            ModalAction::StartSetup => {
                if let ModalState::SetupEntra(mut setup) = modal {
                    match setup.check() {
                        Ok(()) => self.start_setup(*setup),
                        Err(message) => {
                            setup.error = Some(message);
                            self.modal = Some(ModalState::SetupEntra(setup));
                        }
                    }
                }
            }
        }
    }
}
