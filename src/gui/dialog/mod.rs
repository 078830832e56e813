//! The connection dialog: tabs as the connector's dialog has them, inline field errors.

mod advanced_tab;
mod cert_tab;
mod general_tab;
mod graph_tab;
mod retry_tab;
mod workshop;

use std::collections::HashMap;

use crate::core::draft::{Field, FieldError, ProfileDraft};

pub use cert_tab::{CardView, StoreView};

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
            Self::General => &[Field::Name, Field::Tenant, Field::TokenUrl, Field::ClientId],
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

/// Dialog state that is not part of the profile.
pub struct DialogState {
    /// The open tab.
    pub tab: Tab,
    /// The PFX / key password as typed; never saved.
    pub password: String,
    /// Extra headers as name/value rows (the profile stores them as `H1:AAA||H2:BBB`).
    pub header_rows: Vec<(String, String)>,
    /// New certificate: subject.
    pub new_subject: String,
    /// New certificate: RSA key size.
    pub new_key_bits: u32,
    /// New certificate: validity in days.
    pub new_days: String,
    /// A making of a certificate is under way.
    pub creating: bool,
    /// The thumbprint to compare with (pasted from the portal, or read from a .cer).
    pub compare: String,
    /// Remember the typed password in the credential store on Save.
    pub remember: bool,
}

impl Default for DialogState {
    fn default() -> Self {
        Self {
            tab: Tab::default(),
            password: String::new(),
            header_rows: Vec::new(),
            new_subject: "CN=MyClientAppCert".into(),
            new_key_bits: 2048,
            new_days: "365".into(),
            creating: false,
            compare: String::new(),
            remember: false,
        }
    }
}

impl DialogState {
    /// Loads the header rows from a draft.
    pub fn reset_for(&mut self, draft: &ProfileDraft) {
        self.password.clear();
        self.compare.clear();
        self.remember = false;
        self.header_rows = draft
            .extra_headers
            .split("||")
            .filter(|part| !part.trim().is_empty())
            .map(|part| match part.split_once(':') {
                Some((name, value)) => (name.to_owned(), value.to_owned()),
                None => (part.to_owned(), String::new()),
            })
            .collect();
    }
}

/// Field errors by field, for showing each under its input.
pub struct Errors(HashMap<Field, String>);

impl Errors {
    /// From the result of parsing the draft.
    pub fn from(errors: &[FieldError]) -> Self {
        Self(
            errors
                .iter()
                .map(|e| (e.field, e.message.clone()))
                .collect(),
        )
    }

    fn get(&self, field: Field) -> Option<&str> {
        self.0.get(&field).map(String::as_str)
    }

    /// Whether any field is invalid.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What the dialog asks the app to do.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogAction {
    /// Nothing.
    None,
    /// (Re)load the certificate summary card.
    LoadCertificate,
    /// Make a new certificate from the form.
    CreateCertificate,
    /// Read the thumbprint to compare with from a certificate file.
    PickCompareFile,
    /// Delete the remembered password.
    ForgetPassword,
    /// Keep the loaded PFX in the credential store.
    ImportIntoStore,
    /// Remove the chosen certificate from the credential store.
    RemoveStored,
}

/// Draws the tab bar and the open tab.
pub fn dialog_ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    state: &mut DialogState,
    errors: &Errors,
    card: &CardView,
    picker: &dyn super::files::FilePicker,
    store: &Result<StoreView, String>,
) -> DialogAction {
    ui.horizontal(|ui| {
        for tab in Tab::ALL {
            let flagged = tab.fields().iter().any(|f| errors.get(*f).is_some());
            // A tab with an invalid field is shown in red; its name stays the same for screen readers.
            let text = egui::RichText::new(tab.label());
            let text = if flagged {
                text.color(super::widgets::ERROR)
            } else {
                text
            };
            ui.selectable_value(&mut state.tab, tab, text);
        }
    });
    ui.separator();
    let mut action = DialogAction::None;
    egui::ScrollArea::vertical()
        .id_salt("dialog")
        .show(ui, |ui| match state.tab {
            Tab::General => general_tab::ui(ui, draft, errors),
            Tab::Certificate => {
                action = cert_tab::ui(ui, draft, state, errors, card, picker, store)
            }
            Tab::Graph => graph_tab::ui(ui, draft, errors),
            Tab::RetryHeaders => retry_tab::ui(ui, draft, state, errors),
            Tab::Advanced => advanced_tab::ui(ui, draft, errors, card, picker),
        });
    action
}
