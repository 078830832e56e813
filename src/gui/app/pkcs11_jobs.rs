//! The hardware-token section's background work: looking for the usual PKCS#11 modules (once) and
//! listing a module's tokens, with or without a PIN. Loading a module runs its native code and a
//! login may wait on the token: both run off the UI thread, and a listing answers only the draft
//! it was started for (its ticket).

use super::CertconnectApp;
use super::password::Purpose;
use crate::cert::pkcs11::{self, installed_modules, list_pkcs11, resolve_module};
use crate::core::pkcs11_uri::Pkcs11Uri;
use crate::gui::dialog::{ListedToken, TokenList};
use crate::gui::inbox::{JobKind, Reach};
use crate::secret::Secret;

impl CertconnectApp {
    /// Looks for the usual modules on this computer, once, in the background.
    pub(super) fn find_pkcs11_modules(&mut self) {
        if self.pkcs11.installed.is_some() || self.is_running(JobKind::Pkcs11Modules) {
            return;
        }
        self.spawn(JobKind::Pkcs11Modules, Reach::Anywhere, move || {
            let found: Vec<String> = installed_modules()
                .iter()
                .map(|path| path.display().to_string())
                .collect();
            Box::new(move |app: &mut Self, _| app.pkcs11.installed = Some(found))
        });
    }

    /// Refresh: lists at once without a PIN; with one, asks for it first (the app's prompt).
    pub(super) fn ask_or_list_tokens(&mut self, with_pin: bool) {
        if with_pin {
            self.ask_password(Purpose::TokenList, None);
        } else {
            self.list_tokens(None);
        }
    }

    /// Lists the tokens of the form's module (the usual modules when none is typed) in the
    /// background. The PIN, when given, is used for this listing only and then dropped.
    pub(super) fn list_tokens(&mut self, pin: Option<Secret>) {
        if self.is_running(JobKind::Pkcs11List) {
            return;
        }
        let module = self.draft.pkcs11.module.trim().to_owned();
        let with_pin = pin.is_some();
        self.spawn(JobKind::Pkcs11List, Reach::OpenDraft, move || {
            let given = (!module.is_empty()).then(|| std::path::Path::new(module.as_str()));
            let result = resolve_module(&Pkcs11Uri::default(), None, given)
                .and_then(|path| list_pkcs11(&path, pin.as_ref()))
                .map(|tokens| tokens.into_iter().map(ListedToken::from).collect())
                .map_err(|error| {
                    let failure = pkcs11::failure(&error);
                    // The message is written to follow "Failed: "; here it starts a sentence.
                    format!(
                        "{}. Fix: {}",
                        crate::gui::widgets::capitalised(failure.message.trim_end_matches('.')),
                        failure.hint
                    )
                });
            drop(pin);
            Box::new(move |app: &mut Self, _| {
                app.pkcs11.listed = Some(TokenList {
                    module,
                    with_pin,
                    result,
                });
            })
        });
    }
}
