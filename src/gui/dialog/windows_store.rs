//! The Certificate tab's Windows certificate store section: the connector's "Certificate Storage –
//! User Store / Machine Store", a thumbprint, and a picker listing the store's certificates that
//! have a private key (subject, SHA-1, expiry, provider — what certmgr shows).

use egui::RichText;

use super::DialogAction;
use crate::cert::StoreEntry;
use crate::core::draft::ProfileDraft;
use crate::core::profile::StoreLocation;
use crate::gui::certificate_row::{certificate_row, expiry_phrase};
use crate::gui::widgets::{ERROR, note, row, text_field};

/// What the app knows of the Windows certificate store.
#[derive(Debug, Default)]
pub struct WindowsStoreView {
    /// The store whose listing is held, and the listing (or why it could not be read).
    pub listed: Option<(StoreLocation, Result<Vec<StoreEntry>, String>)>,
    /// A listing is being read.
    pub loading: bool,
}

impl WindowsStoreView {
    /// The listing of `location`, when it is the one held.
    fn listing(&self, location: StoreLocation) -> Option<&Result<Vec<StoreEntry>, String>> {
        match &self.listed {
            Some((listed, result)) if *listed == location => Some(result),
            _ => None,
        }
    }
}

/// Why the store cannot be used here, or `None` on Windows.
pub fn unavailable_reason() -> Option<&'static str> {
    (!cfg!(windows)).then_some(
        "The Windows certificate store exists only on Windows: on this computer, export the \
         certificate with its key as a PFX and choose Local PFX file.",
    )
}

/// Draws the section; asks for a listing when the shown store has none yet.
pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    view: &WindowsStoreView,
    now: i64,
) -> DialogAction {
    let mut action = DialogAction::None;
    if let Some(reason) = unavailable_reason() {
        note(ui, RichText::new(reason).color(ERROR));
    }
    row(ui, "Certificate Storage", |ui, _| {
        for location in StoreLocation::ALL {
            ui.radio_value(&mut draft.windows_location, location, location.label())
                .on_hover_text(location.path());
        }
    });
    text_field(ui, "Thumbprint", &mut draft.windows_thumbprint, None);
    if unavailable_reason().is_some() {
        return action;
    }
    let location = draft.windows_location;
    let refresh = row(ui, "", |ui, _| {
        let button = ui.add_enabled(!view.loading, egui::Button::new("Refresh list"));
        crate::gui::widgets::why_disabled(button, "The list is being read.")
            .on_hover_text(format!("List {} again", location.path()))
            .clicked()
    });
    match view.listing(location) {
        None if view.loading => note(ui, format!("Reading {}…", location.path())),
        None => action = DialogAction::ListWindowsStore(location),
        Some(Err(reason)) => note(ui, RichText::new(reason.as_str()).color(ERROR)),
        Some(Ok(certificates)) => {
            if let Some(chosen) = picker(ui, draft, certificates, location, now) {
                draft.windows_thumbprint = chosen;
            }
        }
    }
    if refresh {
        action = DialogAction::ListWindowsStore(location);
    }
    action
}

/// The certificates that can sign, one selectable row each; returns the thumbprint clicked.
fn picker(
    ui: &mut egui::Ui,
    draft: &ProfileDraft,
    certificates: &[StoreEntry],
    location: StoreLocation,
    now: i64,
) -> Option<String> {
    let usable: Vec<_> = certificates.iter().filter(|c| c.has_private_key).collect();
    if usable.is_empty() {
        note(
            ui,
            format!(
                "{} holds no certificate with a private key. Import the PFX there (certlm.msc / \
                 certmgr.msc, or certconnect cert import), then Refresh list.",
                location.path()
            ),
        );
        return None;
    }
    let chosen = crate::core::thumbprint::parse_pasted(&draft.windows_thumbprint).ok();
    let mut clicked = None;
    // One radio button per certificate, its text wrapped to the form's width: a grid of four
    // columns would push the form wider than the window.
    for certificate in usable {
        let selected = chosen.as_deref() == Some(certificate.thumbprint_sha1.as_str());
        let expires = crate::core::time_fmt::rfc3339(certificate.not_after);
        let (when, level) = expiry_phrase(now, certificate.not_after, &expires);
        let mut details = format!("SHA-1 {} · {when}", certificate.thumbprint_sha1);
        if let Some(provider) = &certificate.provider {
            details.push_str(" · ");
            details.push_str(provider);
        }
        let text = format!("{}\n{details}", certificate.subject);
        let response = certificate_row(ui, selected, text, level, "Use this certificate");
        if response.clicked() {
            clicked = Some(certificate.thumbprint_sha1.clone());
        }
    }
    clicked
}
