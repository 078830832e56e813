//! The Certificate tab's hardware-token (PKCS#11) section: the module (typed, Browse…, or one of
//! the usual modules found on this computer), *Refresh* listing its tokens and their certificates
//! in the background, a pick list that fills the key's `pkcs11:` URI, and where the key is. The
//! PIN is asked for by the app's prompt when a test or the card needs it; it is never a field here.

use egui::RichText;

use super::DialogAction;
use super::pkcs11_picker::{ListedToken, picker};
use crate::core::draft::ProfileDraft;
use crate::gui::files::FileUse;
use crate::gui::widgets::{ERROR, note, row, text_field};

/// What the app knows of PKCS#11 modules and tokens.
#[derive(Debug, Default)]
pub struct Pkcs11View {
    /// The usual modules found on this computer (looked for once, in the background).
    pub installed: Option<Vec<String>>,
    /// The last listing: for which module, whether a PIN logged in, and the tokens or why not.
    pub listed: Option<TokenList>,
    /// A listing is being read.
    pub loading: bool,
}

/// One listing of a module's tokens.
#[derive(Debug)]
pub struct TokenList {
    /// The module path it was read from, as typed.
    pub module: String,
    /// Whether it was read after a login with a PIN (then only certificates with a key show).
    pub with_pin: bool,
    /// The tokens, or why they could not be read (the message and its fix).
    pub result: Result<Vec<ListedToken>, String>,
}

/// What the section needs besides the draft and the view.
pub(super) struct Pkcs11Context<'a> {
    /// What is known of modules and tokens.
    pub view: &'a Pkcs11View,
    /// A file dialog is open.
    pub browsing: bool,
    /// Why the module may not be loaded yet (an imported profile not confirmed here), if so.
    pub unconfirmed: Option<&'a str>,
    /// The current time (Unix seconds), for days left.
    pub now: i64,
}

/// Draws the section; returns a request to list tokens, look for modules or browse.
pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    cx: &Pkcs11Context<'_>,
) -> DialogAction {
    let mut action = DialogAction::None;
    let view = cx.view;
    text_field(ui, "PKCS#11 module", &mut draft.pkcs11.module, None);
    row(ui, "", |ui, _| {
        let button = ui.add_enabled(!cx.browsing, egui::Button::new("Browse…"));
        if crate::gui::widgets::why_disabled(button, super::cert_tab::BROWSING)
            .on_hover_text("Browse for the PKCS#11 module (a .so, .dylib or .dll)")
            .clicked()
        {
            action = DialogAction::Browse(FileUse::Pkcs11Module);
        }
        let can_list = !view.loading && cx.unconfirmed.is_none();
        let button = ui.add_enabled(can_list, egui::Button::new("Refresh"));
        let why = cx.unconfirmed.unwrap_or("The tokens are being read.");
        if crate::gui::widgets::why_disabled(button, why)
            .on_hover_text(
                "List the module's tokens and their certificates (in the background, without a PIN)",
            )
            .clicked()
        {
            action = DialogAction::ListPkcs11 { with_pin: false };
        }
        let button = ui.add_enabled(can_list, egui::Button::new("Refresh with PIN…"));
        if crate::gui::widgets::why_disabled(button, why)
            .on_hover_text(
                "Log in to each token with its PIN first, so only certificates with their key show",
            )
            .clicked()
        {
            action = DialogAction::ListPkcs11 { with_pin: true };
        }
    });
    match &view.installed {
        None => {
            if action == DialogAction::None {
                action = DialogAction::FindPkcs11Modules;
            }
        }
        Some(found) if found.is_empty() => note(
            ui,
            "No usual module was found on this computer (OpenSC's opensc-pkcs11, Yubico's \
             libykcs11): install one, or type or browse for your token's module.",
        ),
        Some(found) => {
            let mut chosen = None;
            row(ui, "Found here", |ui, _| {
                for module in found {
                    let selected = draft.pkcs11.module.trim() == module;
                    if ui
                        .selectable_label(selected, module.as_str())
                        .on_hover_text("Use this module and list its tokens")
                        .clicked()
                    {
                        chosen = Some(module.clone());
                    }
                }
            });
            if let Some(module) = chosen {
                draft.pkcs11.module = module;
                action = DialogAction::ListPkcs11 { with_pin: false };
            }
        }
    }
    let shown = view
        .listed
        .as_ref()
        .filter(|listed| listed.module == draft.pkcs11.module.trim());
    match shown {
        None if view.loading => note(ui, "Reading the module's tokens…"),
        None => {}
        Some(TokenList {
            result: Err(reason),
            ..
        }) => note(ui, RichText::new(reason.as_str()).color(ERROR)),
        Some(TokenList {
            result: Ok(tokens),
            with_pin,
            ..
        }) => {
            if !with_pin {
                note(
                    ui,
                    "Listed without a PIN: these are the certificates the tokens show before a \
                     login, whether or not their key is there. Refresh with PIN… lists only \
                     those with a key.",
                );
            }
            if let Some(uri) = picker(ui, draft, tokens, cx.now) {
                draft.pkcs11.uri = uri;
            }
        }
    }
    text_field(ui, "Key URI", &mut draft.pkcs11.uri, None);
    if !draft.pkcs11.cert_pem.trim().is_empty() {
        row(ui, "Certificate file", |ui, _| {
            ui.monospace(&draft.pkcs11.cert_pem);
        });
    }
    note(
        ui,
        "The key signs on the token; certconnect never reads it. The PIN is asked for when it is \
         needed (Test connection, the card below) and can be remembered in the credential store.",
    );
    action
}
