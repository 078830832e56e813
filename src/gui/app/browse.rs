//! Browse…: the native file dialog runs in the background (it blocks the thread it runs on), and
//! its answer fills the path field it was opened for — if that field is still on screen.

use super::CertconnectApp;
use crate::core::draft::ProfileDraft;
use crate::gui::files::FileUse;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::ModalState;

impl CertconnectApp {
    /// Opens the native file dialog for `use_` in the background.
    pub(super) fn browse(&mut self, use_: FileUse) {
        if self.is_running(JobKind::Browse) {
            return;
        }
        let picker = std::sync::Arc::clone(&self.deps.picker);
        self.spawn(JobKind::Browse, Reach::OpenDraft, move || {
            let chosen = use_.pick(picker.as_ref());
            Box::new(move |app: &mut Self, _| {
                if let Some(path) = chosen {
                    app.fill_path(use_, path.display().to_string());
                }
            })
        });
    }

    /// Whether a file dialog is open (Browse… waits for it).
    pub(super) fn is_browsing(&self) -> bool {
        self.is_running(JobKind::Browse)
    }

    fn fill_path(&mut self, use_: FileUse, path: String) {
        let draft: &mut ProfileDraft = &mut self.draft;
        match use_ {
            FileUse::Pfx => draft.pfx_path = path,
            FileUse::PemCertificate => draft.pem_cert_path = path,
            FileUse::PemKey => draft.pem_key_path = path,
            FileUse::CaFile => draft.ca_file = path,
            FileUse::Pkcs11Module => draft.pkcs11.module = path,
            FileUse::Export | FileUse::Import | FileUse::NewPfx | FileUse::Compare => {
                match &mut self.modal {
                    Some(ModalState::ChooseFile {
                        use_: open,
                        path: field,
                        ..
                    }) if *open == use_ => *field = path,
                    Some(ModalState::Export { path: field, .. }) if use_ == FileUse::Export => {
                        *field = path;
                    }
                    _ => {}
                }
            }
        }
    }

    /// Opens the path dialog for an action that needs a file.
    pub(super) fn choose_file(&mut self, use_: FileUse) {
        self.modal = Some(ModalState::ChooseFile {
            use_,
            path: use_.suggested_path(),
            focused: false,
        });
    }

    /// Runs the action of a path dialog.
    pub(super) fn file_chosen(&mut self, use_: FileUse, path: std::path::PathBuf) {
        match use_ {
            FileUse::Import => self.import_from(path),
            FileUse::NewPfx => self.create_certificate_at(path),
            FileUse::Compare => self.compare_with_file(path),
            FileUse::Pfx
            | FileUse::PemCertificate
            | FileUse::PemKey
            | FileUse::CaFile
            | FileUse::Pkcs11Module
            | FileUse::Export => {}
        }
    }
}
