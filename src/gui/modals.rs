//! The app's modal dialogs: delete, rename, unsaved edits, export / import options, the password
//! prompt and removing a stored certificate. Each focuses its first field, Enter answers it and
//! Esc (or a click beside it) cancels.

use zeroize::Zeroizing;

use super::app::CertconnectApp;
use super::app::Purpose;
use super::files::FileUse;
use super::widgets::{ERROR, WARN, danger_button};

/// An action waiting for the answer to "save your changes?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Open another profile.
    Select(String),
    /// Start a new profile.
    New,
}

/// The password prompt.
pub struct PasswordPrompt {
    /// What the password is for.
    pub purpose: Purpose,
    /// The profile whose certificate it opens.
    pub whose: String,
    /// Why it is asked (again): the loader's words for a missing or refused password.
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
        path: std::path::PathBuf,
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
            Self::Password(_) => "Certificate password",
            Self::RemoveStored { .. } => "Remove from credential store",
            Self::Rotate(_) => "Rotate certificate",
            Self::ConfirmTrust { .. } => "Imported profile",
        }
    }
}

/// What the user answered.
enum Answer {
    /// Still open.
    Open,
    /// Closed without doing anything.
    Cancel,
    /// Closed; the action already ran.
    Done,
    /// Submit the password prompt.
    Password,
    /// Start the rotation.
    Rotate,
}

/// Draws the open modal and applies the answer.
pub(super) fn show(app: &mut CertconnectApp, ctx: &egui::Context) {
    let Some(mut modal) = app.modal.take() else {
        return;
    };
    let id = egui::Id::unique("certconnect-modal");
    let area = egui::Modal::default_area(id).accessible_name(modal.title());
    let response = egui::Modal::new(id).area(area).show(ctx, |ui| {
        ui.heading(modal.title());
        modal_ui(ui, app, &mut modal)
    });
    let answer = if response.should_close() {
        Answer::Cancel
    } else {
        response.inner
    };
    match answer {
        Answer::Open if app.modal.is_none() => app.modal = Some(modal),
        Answer::Password => {
            if let ModalState::Password(prompt) = modal {
                app.submit_password(prompt);
            }
        }
        Answer::Rotate => {
            if let ModalState::Rotate(prompt) = modal {
                app.start_rotation(prompt);
            }
        }
        Answer::Open | Answer::Cancel | Answer::Done => {}
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
/// Browse…, which opens the native dialog in the background.
fn path_row(
    ui: &mut egui::Ui,
    app: &mut CertconnectApp,
    use_: FileUse,
    path: &mut String,
    focused: &mut bool,
) -> egui::Response {
    let label = ui.label("File");
    let field = ui
        .horizontal(|ui| {
            let field = ui
                .add(
                    egui::TextEdit::singleline(path)
                        .id_salt(("modal-path", format!("{use_:?}")))
                        .hint_text("Type or paste a path, or Browse…")
                        .desired_width(380.0),
                )
                .labelled_by(label.id);
            let browsing = app.is_browsing();
            if ui
                .add_enabled(!browsing, egui::Button::new("Browse…"))
                .on_hover_text("Open the system's file dialog")
                .clicked()
            {
                app.browse(use_);
            }
            if browsing {
                ui.spinner();
            }
            field
        })
        .inner;
    if !std::mem::replace(focused, true) {
        field.request_focus();
    }
    field
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

fn modal_ui(ui: &mut egui::Ui, app: &mut CertconnectApp, modal: &mut ModalState) -> Answer {
    let mut answer = Answer::Open;
    match modal {
        ModalState::ConfirmDelete(name) => {
            ui.label(format!("Delete '{name}'? Its file and its remembered password are removed; certificates are not touched."));
            ui.horizontal(|ui| {
                if danger_button(ui, "Delete").clicked() || enter_pressed(ui) {
                    app.delete_open();
                    answer = Answer::Done;
                }
                if ui.button("Keep").clicked() {
                    answer = Answer::Cancel;
                }
            });
        }
        ModalState::Rename {
            new_name,
            error,
            focused,
        } => {
            let mut first = *focused;
            let field = focused_field(ui, "New name", new_name, false, &mut first);
            *focused = first;
            if let Some(error) = error {
                ui.label(egui::RichText::new(error.as_str()).color(ERROR));
            }
            ui.horizontal(|ui| {
                let enter = field.lost_focus() && enter_pressed(ui);
                if ui.button("Rename").clicked() || enter {
                    match app.rename_open(new_name) {
                        Ok(()) => answer = Answer::Done,
                        Err(message) => *error = Some(message),
                    }
                }
                if ui.button("Cancel").clicked() {
                    answer = Answer::Cancel;
                }
            });
        }
        ModalState::Export {
            with_certificates,
            passphrase,
            path,
        } => {
            ui.label(
                "Exports never hold a password or key, unless you include the certificates below.",
            );
            // The path field is the first field: it takes the focus while nothing has it.
            let mut focused = ui.memory(|m| m.focused().is_some());
            path_row(ui, app, FileUse::Export, path, &mut focused);
            ui.checkbox(
                with_certificates,
                "Include certificates, encrypted under a passphrase",
            );
            if *with_certificates {
                passphrase_field(ui, passphrase);
                ui.label(format!(
                    "At least {} characters; the importer needs it.",
                    crate::secrets::MIN_PASSPHRASE
                ));
            }
            ui.horizontal(|ui| {
                if ui.button("Export").clicked() || enter_pressed(ui) {
                    if path.trim().is_empty() {
                        return;
                    }
                    let secret =
                        with_certificates.then(|| crate::secret::Secret::new(passphrase.as_str()));
                    answer = Answer::Done;
                    app.export_now(secret, std::path::PathBuf::from(path.trim()));
                }
                if ui.button("Cancel").clicked() {
                    answer = Answer::Cancel;
                }
            });
        }
        ModalState::ImportBundle { path, passphrase } => {
            ui.label(format!(
                "{} holds certificates; they will be kept in the OS credential store.",
                path.display()
            ));
            let field = passphrase_field(ui, passphrase);
            ui.horizontal(|ui| {
                if ui.button("Import").clicked() || (field.lost_focus() && enter_pressed(ui)) {
                    answer = Answer::Done;
                    app.import_bundle_now(
                        path.clone(),
                        crate::secret::Secret::new(passphrase.as_str()),
                    );
                }
                if ui.button("Cancel").clicked() {
                    answer = Answer::Cancel;
                }
            });
        }
        ModalState::ChooseFile {
            use_,
            path,
            focused,
        } => {
            let action = match use_ {
                FileUse::Import => "Import",
                FileUse::NewPfx => "Create",
                _ => "Read thumbprint",
            };
            if *use_ == FileUse::NewPfx {
                ui.label("The PFX is written here, the .cer to upload and a .pem beside it. An existing file is never replaced.");
            }
            let field = path_row(ui, app, *use_, path, focused);
            ui.horizontal(|ui| {
                let enter = field.lost_focus() && enter_pressed(ui);
                let ready = !path.trim().is_empty();
                if (ui.add_enabled(ready, egui::Button::new(action)).clicked() || enter) && ready {
                    answer = Answer::Done;
                    app.file_chosen(*use_, std::path::PathBuf::from(path.trim()));
                }
                if ui.button("Cancel").clicked() {
                    answer = Answer::Cancel;
                }
            });
        }
        ModalState::Password(prompt) => answer = password_ui(ui, prompt),
        ModalState::Rotate(prompt) => {
            answer = match super::rotate_prompt::rotate_prompt_ui(ui, prompt) {
                super::rotate_prompt::RotateAnswer::Open => Answer::Open,
                super::rotate_prompt::RotateAnswer::Cancel => Answer::Cancel,
                super::rotate_prompt::RotateAnswer::Start => Answer::Rotate,
            };
        }
        ModalState::ConfirmTrust { concerns } => {
            ui.label(format!(
                "'{}' was imported from a file, and whoever wrote the file chose this:",
                app.draft().name.trim()
            ));
            for concern in concerns.iter() {
                ui.label(egui::RichText::new(format!("• {concern}")).color(WARN));
            }
            ui.label(
                "Go ahead only if you know and trust these. Your answer is saved with the profile.",
            );
            ui.horizontal(|ui| {
                if ui.button("Cancel").clicked() {
                    answer = Answer::Cancel;
                }
                if danger_button(ui, "Trust and test").clicked() {
                    app.trust_and_test();
                    answer = Answer::Done;
                }
            });
        }
        ModalState::RemoveStored { name, users } => {
            ui.label(format!("Remove '{name}' and its private key from the credential store? This cannot be undone."));
            if users.is_empty() {
                ui.horizontal(|ui| {
                    if danger_button(ui, "Remove").clicked() || enter_pressed(ui) {
                        app.remove_stored(name.clone(), false);
                        answer = Answer::Done;
                    }
                    if ui.button("Keep").clicked() {
                        answer = Answer::Cancel;
                    }
                });
            } else {
                let list = users
                    .iter()
                    .map(|u| format!("'{u}'"))
                    .collect::<Vec<_>>()
                    .join(", ");
                ui.label(
                    egui::RichText::new(format!("Used by {list}: they will no longer connect."))
                        .color(WARN),
                );
                ui.horizontal(|ui| {
                    if ui.button("Keep").clicked() {
                        answer = Answer::Cancel;
                    }
                    if danger_button(ui, "Remove anyway").clicked() {
                        app.remove_stored(name.clone(), true);
                        answer = Answer::Done;
                    }
                });
            }
        }
        ModalState::Unsaved(pending) => {
            let name = app.draft().name.trim();
            ui.label(if name.is_empty() {
                "This new profile has changes that are not saved.".to_owned()
            } else {
                format!("'{name}' has changes that are not saved.")
            });
            ui.horizontal(|ui| {
                if ui.button("Save changes").clicked() {
                    app.save(Some(pending.clone()));
                    answer = Answer::Done;
                }
                if ui.button("Discard changes").clicked() {
                    app.apply(pending.clone());
                    answer = Answer::Done;
                }
                if ui.button("Keep editing").clicked() {
                    answer = Answer::Cancel;
                }
            });
        }
    }
    answer
}

fn password_ui(ui: &mut egui::Ui, prompt: &mut PasswordPrompt) -> Answer {
    let mut answer = Answer::Open;
    ui.label(format!(
        "The certificate of '{}' needs its password.",
        prompt.whose
    ));
    if let Some(reason) = &prompt.reason {
        ui.label(egui::RichText::new(reason.as_str()).color(ERROR));
    }
    let field = focused_field(ui, "Password", &mut prompt.typed, true, &mut prompt.focused);
    if prompt.can_remember {
        ui.checkbox(
            &mut prompt.remember,
            "Remember in the credential store (once it works)",
        );
    }
    ui.horizontal(|ui| {
        let enter = field.lost_focus() && enter_pressed(ui);
        if ui.button("OK").clicked() || enter {
            answer = Answer::Password;
        }
        if ui.button("Cancel").clicked() {
            answer = Answer::Cancel;
        }
    });
    answer
}
