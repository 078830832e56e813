//! The app's modal dialogs: delete, rename, unsaved edits, export / import options, the password
//! prompt, confirming an imported profile and removing a stored certificate. Each focuses its
//! first field, Enter answers it and Esc (or a click beside it) cancels.
//!
//! A modal only draws: it is given its own state and the few facts of the app it shows, and it
//! returns what the user answered as a [`ModalAction`]. The app applies the answer in one place
//! and decides there whether the modal stays open.

mod choose_file;
mod confirm_trust;
mod delete;
mod export;
mod import_bundle;
mod password;
mod remove_stored;
mod rename;
mod setup_entra;
mod unsaved;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use zeroize::Zeroizing;

use super::files::FileUse;
use crate::secret::Secret;
pub use password::PasswordPrompt;
pub use setup_entra::{FoundApps, SetupEntra, SetupMode, SetupTarget, SignInMethod, SignInState};
pub use unsaved::Pending;

/// The open modal, if any. No `Debug`: some hold typed secrets.
pub enum ModalState {
    /// Delete this profile?
    ConfirmDelete(String),
    /// New name for the open profile.
    Rename {
        /// As typed.
        new_name: String,
        /// Why the last try failed.
        error: Option<String>,
        /// The field got the focus already.
        focused: bool,
    },
    /// The open profile has unsaved edits.
    Unsaved(Pending),
    /// Export options.
    Export {
        /// Include the certificates, encrypted under the passphrase.
        with_certificates: bool,
        /// As typed.
        passphrase: Zeroizing<String>,
        /// Where to write it.
        path: String,
    },
    /// A file for an action (import, a new certificate, a comparison): typed, or from Browse….
    ChooseFile {
        /// What the file is for.
        use_: FileUse,
        /// As typed or chosen.
        path: String,
        /// The field got the focus already.
        focused: bool,
    },
    /// The passphrase of a bundle being imported.
    ImportBundle {
        /// The bundle.
        path: PathBuf,
        /// As typed.
        passphrase: Zeroizing<String>,
    },
    /// A password is needed.
    Password(PasswordPrompt),
    /// An imported profile would do what its author chose: go ahead?
    ConfirmTrust {
        /// What it would do, in plain words.
        concerns: Vec<String>,
    },
    /// Rotate the open profile's certificate: the options.
    Rotate(super::rotate_prompt::RotatePrompt),
    /// Remove a certificate from the credential store?
    RemoveStored {
        /// The stored certificate.
        name: String,
        /// Profiles that use it.
        users: Vec<String>,
    },
    /// Set up a new app registration in Entra for the open profile.
    SetupEntra(Box<SetupEntra>),
}

impl ModalState {
    /// The dialog's title: its heading, and its name for screen readers.
    pub fn title(&self) -> &'static str {
        match self {
            Self::ConfirmDelete(_) => "Delete profile",
            Self::Rename { .. } => "Rename profile",
            Self::Unsaved(_) => "Unsaved changes",
            Self::Export { .. } => "Export profiles",
            Self::ImportBundle { .. } => "Import a bundle",
            Self::ChooseFile { use_, .. } => match use_ {
                FileUse::Import => "Import profiles",
                FileUse::NewPfx => "Save the new certificate",
                _ => "Read the thumbprint of a certificate",
            },
            Self::Password(prompt) if prompt.pin => "Token PIN",
            Self::Password(_) => "Certificate password",
            Self::RemoveStored { .. } => "Remove from credential store",
            Self::Rotate(_) => "Rotate certificate",
            Self::ConfirmTrust { .. } => "Imported profile",
            Self::SetupEntra(_) => "Set up in Entra",
        }
    }
}

/// What the user answered in a modal. The app applies it; nothing has run yet.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub enum ModalAction {
    /// No answer yet: the modal stays open.
    None,
    /// Closed without doing anything.
    Cancel,
    /// Delete the open profile.
    Delete,
    /// Rename the open profile (the name as typed).
    Rename(String),
    /// Save the open profile, then go on with what was pending.
    SaveThen(Pending),
    /// Drop the unsaved edits and go on with what was pending.
    Discard(Pending),
    /// Export the ticked (or open) profiles.
    Export {
        /// Where to write them.
        path: PathBuf,
        /// With the certificates, encrypted under this passphrase.
        passphrase: Option<Secret>,
    },
    /// Open the native file dialog for this path field (the modal stays open).
    Browse(FileUse),
    /// Run the action of a path dialog on this file.
    FileChosen(FileUse, PathBuf),
    /// Import a bundle with its passphrase.
    ImportBundle {
        /// The bundle.
        path: PathBuf,
        /// As typed.
        passphrase: Secret,
    },
    /// Submit the password prompt as typed.
    SubmitPassword,
    /// Start the rotation as set up.
    StartRotation,
    /// The admin confirms the imported profile: save that, then test it.
    TrustAndTest,
    /// Remove a certificate from the credential store.
    RemoveStored {
        /// The stored certificate.
        name: String,
        /// Even though saved profiles use it.
        anyway: bool,
    },
    /// Set up the app registration there.
    SetupWhere(SetupTarget),
    /// Sign the administrator in this way.
    SignIn(SignInMethod),
    /// Look for existing apps by this name or client ID.
    FindApps(String),
    /// Forget the administrator's sign-in remembered in the credential store.
    ForgetSignIn,
    /// Register the app as set up.
    StartSetup,
}

/// What the modals show of the app, read-only.
pub struct ModalFacts<'a> {
    /// The open draft's name, trimmed.
    pub draft_name: &'a str,
    /// A native file dialog is open (Browse… waits for it).
    pub browsing: bool,
}

/// Draws `modal` and returns the answer: the modal's own, or `Cancel` on Esc or a click beside it.
pub fn show(ctx: &egui::Context, modal: &mut ModalState, facts: &ModalFacts<'_>) -> ModalAction {
    let id = egui::Id::unique("certconnect-modal");
    let area = egui::Modal::default_area(id).accessible_name(modal.title());
    let response = egui::Modal::new(id).area(area).show(ctx, |ui| {
        ui.heading(modal.title());
        modal_ui(ui, modal, facts)
    });
    // Asked every frame, as it consumes Esc.
    let close = response.should_close();
    match response.inner {
        ModalAction::None if close => ModalAction::Cancel,
        // An answer given in the same frame as Esc stands: the button was pressed.
        answer => answer,
    }
}

fn modal_ui(ui: &mut egui::Ui, modal: &mut ModalState, facts: &ModalFacts<'_>) -> ModalAction {
    match modal {
        ModalState::ConfirmDelete(name) => delete::delete_ui(ui, name),
        ModalState::Rename {
            new_name,
            error,
            focused,
        } => rename::rename_ui(ui, new_name, error.as_deref(), focused),
        ModalState::Unsaved(pending) => unsaved::unsaved_ui(ui, pending, facts.draft_name),
        ModalState::Export {
            with_certificates,
            passphrase,
            path,
        } => export::export_ui(ui, with_certificates, passphrase, path, facts.browsing),
        ModalState::ImportBundle { path, passphrase } => {
            import_bundle::import_bundle_ui(ui, path, passphrase)
        }
        ModalState::ChooseFile {
            use_,
            path,
            focused,
        } => choose_file::choose_file_ui(ui, *use_, path, focused, facts.browsing),
        ModalState::Password(prompt) => password::password_ui(ui, prompt),
        ModalState::Rotate(prompt) => super::rotate_prompt::rotate_prompt_ui(ui, prompt),
        ModalState::ConfirmTrust { concerns } => {
            confirm_trust::confirm_trust_ui(ui, concerns, facts.draft_name)
        }
        ModalState::RemoveStored { name, users } => {
            remove_stored::remove_stored_ui(ui, name, users)
        }
        ModalState::SetupEntra(setup) => setup_entra::setup_entra_ui(ui, setup),
    }
}

/// The bundle passphrase field (export and import). It takes the focus while nothing else has
/// it, so it has it as the dialog opens.
fn passphrase_field(ui: &mut egui::Ui, passphrase: &mut String) -> egui::Response {
    let label = ui.label("Bundle passphrase");
    let field = ui
        .add(
            egui::TextEdit::singleline(passphrase)
                .id_salt("bundle-passphrase")
                .password(true),
        )
        .labelled_by(label.id);
    if ui.memory(|m| m.focused().is_none()) {
        field.request_focus();
    }
    field
}

/// The "File" row of a dialog that needs a path: the field (focused as the dialog opens) and
/// Browse…, disabled while a native dialog is open. Returns the field, and `Browse` when that was
/// pressed.
fn path_row(
    ui: &mut egui::Ui,
    use_: FileUse,
    path: &mut String,
    focused: &mut bool,
    browsing: bool,
) -> (egui::Response, ModalAction) {
    let label = ui.label("File");
    let (field, action) = ui
        .horizontal(|ui| {
            let field = ui
                .add(
                    egui::TextEdit::singleline(path)
                        .id_salt(("modal-path", format!("{use_:?}")))
                        .hint_text("Type or paste a path, or Browse…")
                        .desired_width(380.0),
                )
                .labelled_by(label.id);
            let mut action = ModalAction::None;
            let button = ui.add_enabled(!browsing, egui::Button::new("Browse…"));
            if crate::gui::widgets::why_disabled(button, crate::gui::dialog::BROWSING)
                .on_hover_text("Open the system's file dialog")
                .clicked()
            {
                action = ModalAction::Browse(use_);
            }
            if browsing {
                ui.spinner();
            }
            (field, action)
        })
        .inner;
    if !std::mem::replace(focused, true) {
        field.request_focus();
    }
    (field, action)
}

fn enter_pressed(ui: &egui::Ui) -> bool {
    ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// A labelled single-line field that takes the focus the first time it is shown.
fn focused_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    password: bool,
    focused: &mut bool,
) -> egui::Response {
    let label_response = ui.label(label);
    let field = ui
        .add(
            egui::TextEdit::singleline(text)
                .id_salt(("modal-field", label))
                .password(password),
        )
        .labelled_by(label_response.id);
    if !std::mem::replace(focused, true) {
        field.request_focus();
    }
    field
}
