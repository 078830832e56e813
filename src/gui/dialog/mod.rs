//! The connection dialog: tabs as the connector's dialog has them, inline field errors.

mod advanced_tab;
mod cert_tab;
mod general_tab;
mod graph_tab;
mod headers;
mod key_vault;
mod pkcs11_picker;
mod pkcs11_source;
mod retry_tab;
mod windows_store;
mod workshop;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use zeroize::{Zeroize as _, Zeroizing};

use crate::core::draft::{Field, FieldError, PasswordTarget, ProfileDraft};

pub(crate) use cert_tab::BROWSING;
pub use cert_tab::StoreView;
pub use key_vault::{KeyVaultView, vault_of};
pub use pkcs11_picker::ListedToken;
pub use pkcs11_source::{Pkcs11View, TokenList};
pub use windows_store::WindowsStoreView;

use crate::gui::card::CardView;

/// The dialog's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// Name, token URL preset, tenant, client ID.
    #[default]
    General,
    /// Certificate source and summary card.
    Certificate,
    /// Graph URL, site, drive.
    Graph,
    /// Retry settings, search option, extra headers.
    RetryHeaders,
    /// Scope, assertion options, timeout, CA file, assertion preview.
    Advanced,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Self::General,
        Self::Certificate,
        Self::Graph,
        Self::RetryHeaders,
        Self::Advanced,
    ];

    /// The tab after this one (Ctrl+Tab), round to the first.
    pub fn next(self) -> Self {
        let at = Self::ALL.iter().position(|t| *t == self).unwrap_or(0);
        Self::ALL[(at + 1) % Self::ALL.len()]
    }

    /// The tab before this one (Ctrl+Shift+Tab), round to the last.
    pub fn previous(self) -> Self {
        let at = Self::ALL.iter().position(|t| *t == self).unwrap_or(0);
        Self::ALL[(at + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    fn label(self) -> &'static str {
        match self {
            Self::General => "General",
            Self::Certificate => "Certificate",
            Self::Graph => "Graph",
            Self::RetryHeaders => "Retry & headers",
            Self::Advanced => "Advanced",
        }
    }

    fn fields(self) -> &'static [Field] {
        match self {
            Self::General => &[
                Field::Name,
                Field::Tenant,
                Field::TokenUrl,
                Field::ClientId,
                Field::ObjectId,
            ],
            Self::Certificate => &[Field::Certificate],
            Self::Graph => &[Field::GraphUrl, Field::SiteId, Field::DriveId],
            Self::RetryHeaders => &[
                Field::RetryStatusCodes,
                Field::RetryMaxCount,
                Field::ExtraHeaders,
            ],
            Self::Advanced => &[Field::Scope, Field::Lifetime, Field::Timeout, Field::CaFile],
        }
    }
}

/// Where the keyboard goes when the form is next drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormFocus {
    /// The open tab's name in the tab bar: one Tab press from the tab's first field, and no
    /// text field takes the keys (F2 and Del still act on the profile).
    OpenTab,
    /// The Name field on the General tab (a new profile: typed text lands there).
    Name,
}

/// Dialog state that is not part of the profile.
pub struct DialogState {
    /// The open tab.
    pub tab: Tab,
    /// Where the keyboard goes in the next frame (set when a profile is opened or made).
    pub focus: Option<FormFocus>,
    /// The PFX / key password as typed; never saved, wiped on drop and whenever the file(s) it
    /// was typed for change (see [`DialogState::forget_stale_password`]).
    pub password: Zeroizing<String>,
    /// What the typed password is for: the draft's password target when it was last checked.
    password_for: Option<PasswordTarget>,
    /// The extra headers as the rows being edited.
    pub headers: headers::HeaderRows,
    /// New certificate: subject.
    pub new_subject: String,
    /// New certificate: RSA key size.
    pub new_key_bits: u32,
    /// New certificate: validity in days.
    pub new_days: String,
    /// The thumbprint to compare with (pasted from the portal, or read from a .cer).
    pub compare: String,
    /// Remember the typed password in the credential store on Save.
    pub remember: bool,
    /// The password prompt asked to remember the password once it has worked.
    pub remember_after_success: bool,
    /// The card is loading with a password just given in the prompt (a refusal asks again).
    pub card_prompted: bool,
    /// Fields the user has left: their errors show from then on.
    pub touched: HashSet<Field>,
    /// Every field's error shows (a saved profile, or after Save was pressed).
    pub reveal_all: bool,
    /// Save or Test connection was pressed for this draft: a step on the way (a Key Vault field
    /// holding only the vault's URL) is now an error, no longer a hint.
    pub insisted: bool,
}

impl Default for DialogState {
    fn default() -> Self {
        Self {
            tab: Tab::default(),
            focus: None,
            password: Zeroizing::new(String::new()),
            password_for: None,
            headers: headers::HeaderRows::default(),
            new_subject: "CN=MyClientAppCert".into(),
            new_key_bits: 2048,
            new_days: "365".into(),
            compare: String::new(),
            remember: false,
            remember_after_success: false,
            card_prompted: false,
            touched: HashSet::new(),
            reveal_all: false,
            insisted: false,
        }
    }
}

impl DialogState {
    /// Forgets what belonged to the previous draft: the typed password, the comparison, the ticks.
    pub fn reset_for(&mut self, draft: &ProfileDraft) {
        self.password.zeroize();
        self.password_for = draft.password_target();
        self.compare.clear();
        self.remember = false;
        self.remember_after_success = false;
        self.card_prompted = false;
        self.headers = headers::HeaderRows::default();
        self.touched.clear();
        self.reveal_all = false;
        self.insisted = false;
    }
}

impl DialogState {
    /// Wipes the typed password when the form no longer asks for it for the same file(s): "The
    /// file has no password" ticked, another storage mode, another path. Called as soon as such an
    /// edit is made (in the same frame), and before each frame for edits made elsewhere (Browse…,
    /// a dropped file), so the card and Test never use a password the form does not show.
    pub fn forget_stale_password(&mut self, draft: &ProfileDraft) {
        let target = draft.password_target();
        if target != self.password_for {
            self.password.zeroize();
            self.password_for = target;
        }
    }

    /// Takes `password` as typed for the draft's current file(s) (a rotation switching the
    /// profile to its new certificate sets both at once).
    pub fn set_password_for(&mut self, draft: &ProfileDraft, password: &str) {
        self.password = Zeroizing::new(password.to_owned());
        self.password_for = draft.password_target();
    }

    /// Keeps the typed password for the draft's new file(s): the app itself wrote them with it
    /// (a new certificate, a rotation that keeps the password).
    pub fn keep_password_for(&mut self, draft: &ProfileDraft) {
        self.password_for = draft.password_target();
    }
}

/// Field errors by field, for showing each under its input — once the field has been left (or
/// Save pressed, or the profile was saved before), never on a fresh form.
pub struct Errors {
    all: HashMap<Field, String>,
    shown: HashSet<Field>,
    /// Fields left during this frame, for the dialog state once the frame is drawn.
    left: RefCell<HashSet<Field>>,
}

impl Errors {
    /// From the result of parsing the draft, showing the errors of the fields `state` says.
    pub fn from(errors: &[FieldError], state: &DialogState) -> Self {
        let all: HashMap<Field, String> = errors
            .iter()
            .map(|e| (e.field, e.message.clone()))
            .collect();
        let shown = all
            .keys()
            .filter(|f| state.reveal_all || state.touched.contains(f))
            .copied()
            .collect();
        Self {
            all,
            shown,
            left: RefCell::default(),
        }
    }

    /// Holds back the Certificate error while the Key Vault field names only the vault: a step
    /// toward picking (the section says what next), an error once Save or Test insists.
    pub fn hold_back_steps(mut self, draft: &ProfileDraft, state: &DialogState) -> Self {
        if draft.cert_kind == crate::core::draft::CertKind::KeyVault
            && key_vault::names_only_the_vault(&draft.key_vault_url)
            && !state.insisted
        {
            self.shown.remove(&Field::Certificate);
        }
        self
    }

    /// The error to show under `field`, if any.
    pub(super) fn get(&self, field: Field) -> Option<&str> {
        self.shown
            .contains(&field)
            .then(|| self.all.get(&field).map(String::as_str))
            .flatten()
    }

    /// Notes that the user left `field` (its input lost the focus), so its error shows.
    pub(super) fn left(&self, field: Field, response: &egui::Response) {
        if response.lost_focus() {
            self.left.borrow_mut().insert(field);
            response.ctx.request_repaint();
        }
    }

    /// Whether an error is on screen.
    pub fn any_shown(&self) -> bool {
        !self.shown.is_empty()
    }

    /// The fields left during the frame.
    pub fn take_left(&self) -> HashSet<Field> {
        self.left.take()
    }
}

/// What the dialog asks the app to do.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogAction {
    /// Nothing.
    None,
    /// Load the certificate card again (the file may have changed on disk).
    ReloadCertificate,
    /// Ask for the certificate's password.
    AskPassword,
    /// Make a new certificate from the form.
    CreateCertificate,
    /// Read the thumbprint to compare with from a certificate file.
    PickCompareFile,
    /// Delete the remembered password.
    ForgetPassword,
    /// Keep the loaded PFX in the credential store.
    ImportIntoStore,
    /// Remove the chosen certificate from the credential store (after asking).
    RemoveStored,
    /// Open the native file dialog for one of the profile's files.
    Browse(crate::gui::files::FileUse),
    /// Read the certificates of a Windows certificate store (in the background).
    ListWindowsStore(crate::core::profile::StoreLocation),
    /// Read the certificates of the Azure Key Vault the form names (in the background).
    ListKeyVault,
    /// List the tokens of the form's PKCS#11 module (in the background), after asking for a PIN
    /// when `with_pin`.
    ListPkcs11 {
        /// Log in to each token first.
        with_pin: bool,
    },
    /// Look for the usual PKCS#11 modules on this computer (in the background, once).
    FindPkcs11Modules,
    /// Sign in for the Key Vault (device code, or the browser), then list it.
    SignInKeyVault {
        /// With a device code rather than the browser.
        device_code: bool,
    },
    /// Stop the Key Vault sign-in under way.
    CancelKeyVaultSignIn,
    /// Rotate the saved profile's certificate (asks for the options first).
    Rotate,
    /// Register a new app in Entra for this profile (the wizard).
    SetupEntra,
}

/// What the dialog shows besides the draft.
pub struct DialogContext<'a> {
    /// Field errors of the draft.
    pub errors: &'a Errors,
    /// The certificate card.
    pub card: &'a CardView,
    /// A file dialog is open.
    pub browsing: bool,
    /// The credential store, or why it is not reachable.
    pub store: &'a Result<StoreView<'a>, String>,
    /// A new certificate is being made.
    pub creating: bool,
    /// The Windows certificate store's listing.
    pub windows: &'a WindowsStoreView,
    /// An Azure Key Vault's listing.
    pub key_vault: &'a KeyVaultView,
    /// PKCS#11 modules and tokens.
    pub pkcs11: &'a Pkcs11View,
    /// The current time (Unix seconds), for days left.
    pub now: i64,
    /// Whether the certificate can be rotated now, or why not.
    pub rotation: &'a Result<(), String>,
}

/// Draws the tab bar and the open tab.
pub fn dialog_ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    state: &mut DialogState,
    cx: &DialogContext<'_>,
) -> DialogAction {
    let errors = cx.errors;
    let focus = state.focus.take();
    if focus == Some(FormFocus::Name) {
        state.tab = Tab::General;
    }
    tab_bar_ui(ui, state, errors, focus == Some(FormFocus::OpenTab));
    ui.separator();
    let mut action = DialogAction::None;
    egui::ScrollArea::vertical()
        .id_salt("dialog")
        .show(ui, |ui| match state.tab {
            Tab::General => {
                if general_tab::ui(ui, draft, errors, focus == Some(FormFocus::Name)) {
                    action = DialogAction::SetupEntra;
                }
            }
            Tab::Certificate => action = cert_tab::ui(ui, draft, state, cx),
            Tab::Graph => graph_tab::ui(ui, draft, errors),
            Tab::RetryHeaders => retry_tab::ui(ui, draft, state, errors),
            Tab::Advanced => action = advanced_tab::ui(ui, draft, errors, cx),
        });
    action
}

/// The tab bar, as a tab list: only the open tab is in the Tab order (so one Tab press goes from
/// it to the tab's first field); Left and Right on it open the tab beside, Ctrl+Tab anywhere.
fn tab_bar_ui(ui: &mut egui::Ui, state: &mut DialogState, errors: &Errors, focus_open: bool) {
    ui.horizontal_wrapped(|ui| {
        for tab in Tab::ALL {
            let flagged = tab.fields().iter().any(|f| errors.get(*f).is_some());
            // A tab with an invalid field is shown in red; its name stays the same for screen readers.
            let text = egui::RichText::new(tab.label());
            let text = if flagged {
                text.color(super::widgets::ERROR)
            } else {
                text
            };
            let open = state.tab == tab;
            let button = egui::Button::selectable(open, text);
            // The other tabs are clicked, not tabbed through: Tab goes on into the form.
            let button = if open {
                button
            } else {
                button.sense(egui::Sense::CLICK)
            };
            let response = ui.add(button);
            if response.clicked() {
                state.tab = tab;
            }
            if open && focus_open {
                response.request_focus();
            }
            if open && response.has_focus() {
                // Left and Right are the tab list's, not a move to the widget beside.
                ui.memory_mut(|m| {
                    m.set_focus_lock_filter(
                        response.id,
                        egui::EventFilter {
                            horizontal_arrows: true,
                            ..Default::default()
                        },
                    );
                });
                let (left, right) = ui.input_mut(|i| {
                    (
                        i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowLeft),
                        i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowRight),
                    )
                });
                if left || right {
                    state.tab = if left { tab.previous() } else { tab.next() };
                    // The newly open tab takes the focus in the next frame.
                    state.focus = Some(FormFocus::OpenTab);
                    ui.ctx().request_repaint();
                }
            }
        }
    });
}
