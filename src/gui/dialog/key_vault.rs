//! The Certificate tab's Azure Key Vault section: the certificate's identifier (or just the
//! vault's URL, then *List certificates*), how certconnect reaches the vault, and a pick list of
//! the vault's certificates with an RSA key. Listing runs as a background job; the card below loads
//! the chosen certificate the same way the test's first step does.

use egui::RichText;

use super::{DialogAction, Errors};
use crate::core::draft::{Field, ProfileDraft};
use crate::core::expiry::{ExpiryLevel, expiry};
use crate::core::key_vault::{VaultAccess, parse_vault_url};
use crate::gui::widgets::{ERROR, WARN, note, row, text_field};
use crate::ops::key_vault::VaultCertificateRow;

/// What the app knows of a vault's certificates.
#[derive(Debug, Default)]
pub struct KeyVaultView {
    /// The vault (its URL) and the way in the listing was read with, and the listing or why it
    /// could not be read.
    pub listed: Option<(
        String,
        VaultAccess,
        Result<Vec<VaultCertificateRow>, String>,
    )>,
    /// A listing is being read.
    pub loading: bool,
    /// The device code prompt of a sign-in under way, written by its job.
    pub sign_in_prompt: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// Who signed in for the vault in this session, once someone has.
    pub signed_in: Option<String>,
    /// The saved profiles that could reach the vault (every one but the profile edited), by name.
    pub other_profiles: Vec<String>,
}

impl KeyVaultView {
    /// The device code prompt shown now, if a sign-in waits for one.
    fn prompt(&self) -> Option<String> {
        self.sign_in_prompt
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// The vault part (`https://NAME.vault.azure.net`) of what the identifier field holds.
pub fn vault_of(text: &str) -> Option<String> {
    let url = url::Url::parse(text.trim()).ok()?;
    let origin = url.origin().ascii_serialization();
    parse_vault_url(&origin).ok()?;
    Some(origin)
}

/// Whether `text` names a vault (`https://NAME.vault.azure.net`) and no certificate in it yet.
pub fn names_only_the_vault(text: &str) -> bool {
    vault_of(text).is_some()
        && url::Url::parse(text.trim()).is_ok_and(|url| {
            url.path().trim_matches('/').is_empty()
                && url.query().is_none()
                && url.fragment().is_none()
        })
}

/// Why *List certificates* and the sign-in buttons wait: the field they read the vault from.
const NO_VAULT_YET: &str =
    "Type the vault's URL (https://NAME.vault.azure.net) in Key Vault certificate first";

/// Draws the section; returns a request to list the vault.
pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    view: &KeyVaultView,
    errors: &Errors,
    now: i64,
) -> DialogAction {
    let mut action = DialogAction::None;
    let field = text_field(ui, "Key Vault certificate", &mut draft.key_vault_url, None);
    errors.left(Field::Certificate, &field);
    if names_only_the_vault(&draft.key_vault_url) {
        note(
            ui,
            "That is the vault: press List certificates and pick one (or add /certificates/NAME).",
        );
    }
    access_ui(ui, &mut draft.vault_access, &view.other_profiles);
    let vault = vault_of(&draft.key_vault_url);
    if draft.vault_access == VaultAccess::SignIn
        && let Some(requested) = sign_in_ui(ui, view, vault.is_some())
    {
        action = requested;
    }
    let clicked = row(ui, "", |ui, _| {
        let button = ui.add_enabled(
            vault.is_some() && !view.loading,
            egui::Button::new("List certificates"),
        );
        let why = if view.loading {
            "The list is being read."
        } else {
            NO_VAULT_YET
        };
        crate::gui::widgets::why_disabled(button, why)
            .on_hover_text("List the vault's certificates with an RSA key (in the background)")
            .clicked()
    });
    if clicked && vault.is_some() {
        action = DialogAction::ListKeyVault;
    }
    let shown = view.listed.as_ref().filter(|(listed, access, _)| {
        Some(listed) == vault.as_ref() && *access == draft.vault_access
    });
    match shown {
        None if view.loading => note(ui, "Reading the vault's certificates…"),
        None => {}
        Some((_, _, Err(reason))) => note(ui, RichText::new(reason.as_str()).color(ERROR)),
        Some((listed, _, Ok(rows))) => {
            if let Some(chosen) = picker(ui, draft, listed, rows, now) {
                draft.key_vault_url = chosen;
            }
        }
    }
    note(
        ui,
        "The key stays in Key Vault, never exported: the vault signs each assertion.",
    );
    action
}

/// The way into the vault: Azure CLI, managed identity (with an optional user-assigned client ID),
/// or another saved profile.
fn access_ui(ui: &mut egui::Ui, access: &mut VaultAccess, other_profiles: &[String]) {
    row(ui, "Vault access", |ui, _| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        let current: u8 = match access {
            VaultAccess::AzureCli => 0,
            VaultAccess::ManagedIdentity { .. } => 1,
            VaultAccess::Profile(_) => 2,
            VaultAccess::SignIn => 3,
        };
        let is = |kind: u8| current == kind;
        if ui
            .radio(is(0), "Azure CLI")
            .on_hover_text("Your az login (az account get-access-token)")
            .clicked()
        {
            *access = VaultAccess::AzureCli;
        }
        if ui
            .radio(is(1), "Managed identity")
            .on_hover_text("The identity of the Azure VM, App Service, Functions app or Arc server")
            .clicked()
            && !is(1)
        {
            *access = VaultAccess::ManagedIdentity { client_id: None };
        }
        if ui
            .radio(is(2), "Another profile")
            .on_hover_text("A saved profile's own app-only connection reaches the vault")
            .clicked()
            && !is(2)
        {
            *access = VaultAccess::Profile(String::new());
        }
        if ui
            .radio(is(3), "Signed-in admin (browser or device code)")
            .on_hover_text(
                "Sign in as yourself for this session; a run with no person (test --all) cannot use it",
            )
            .clicked()
        {
            *access = VaultAccess::SignIn;
        }
    });
    match access {
        VaultAccess::AzureCli | VaultAccess::SignIn => {}
        VaultAccess::ManagedIdentity { client_id } => {
            let mut text = client_id.clone().unwrap_or_default();
            text_field(ui, "Identity client ID", &mut text, None);
            *client_id = (!text.trim().is_empty()).then(|| text.trim().to_owned());
        }
        VaultAccess::Profile(name) => profile_choice_ui(ui, name, other_profiles),
    }
}

/// The saved profile that reaches the vault, chosen from the saved ones. A name kept from
/// elsewhere (the command line's `profile:NAME`, an imported file) stays shown as it is.
fn profile_choice_ui(ui: &mut egui::Ui, name: &mut String, other_profiles: &[String]) {
    row(ui, "Profile reaching the vault", |ui, label| {
        let shown = if name.is_empty() {
            "(choose a saved profile)"
        } else {
            name.as_str()
        };
        egui::ComboBox::from_id_salt("vault_profile")
            .selected_text(shown)
            .width(ui.available_width() - ui.spacing().icon_width - 8.0)
            .show_ui(ui, |ui| {
                if other_profiles.is_empty() {
                    ui.label("No other saved profile: save the one that reaches the vault first.");
                }
                for other in other_profiles {
                    ui.selectable_value(name, other.clone(), other);
                }
            })
            .response
            .labelled_by(label)
            .on_hover_text("A saved profile whose own app-only connection reaches the vault");
    });
}

/// The sign-in for the vault: who is signed in, the device code to type while one waits, and the
/// buttons that sign in (and list the vault with the token).
#[must_use]
fn sign_in_ui(ui: &mut egui::Ui, view: &KeyVaultView, has_vault: bool) -> Option<DialogAction> {
    if let Some(who) = &view.signed_in {
        note(ui, format!("Signed in as {who} for this session."));
    } else if let Some(prompt) = view.prompt() {
        note(ui, RichText::new(prompt).strong());
    } else if view.loading {
        note(ui, "Signing in…");
    } else {
        note(
            ui,
            "Not signed in: sign in to list the vault and test with it.",
        );
    }
    let mut requested = None;
    if view.loading && view.signed_in.is_none() {
        let cancel = row(ui, "", |ui, _| {
            ui.button("Cancel sign-in")
                .on_hover_text("Stop waiting for the sign-in")
                .clicked()
        });
        if cancel {
            return Some(DialogAction::CancelKeyVaultSignIn);
        }
    }
    row(ui, "", |ui, _| {
        let why = if view.loading {
            "A sign-in or a listing is under way."
        } else {
            NO_VAULT_YET
        };
        let enabled = has_vault && !view.loading;
        if crate::gui::widgets::why_disabled(
            ui.add_enabled(enabled, egui::Button::new("Sign in with the browser")),
            why,
        )
        .clicked()
        {
            requested = Some(DialogAction::SignInKeyVault { device_code: false });
        }
        if crate::gui::widgets::why_disabled(
            ui.add_enabled(enabled, egui::Button::new("Sign in with a device code")),
            why,
        )
        .on_hover_text("Where no browser opens here: type the code on another device")
        .clicked()
        {
            requested = Some(DialogAction::SignInKeyVault { device_code: true });
        }
    });
    requested
}

/// The vault's certificates, one selectable row each; returns the identifier clicked: the
/// certificate without a version, so the profile follows the vault's current version.
fn picker(
    ui: &mut egui::Ui,
    draft: &ProfileDraft,
    vault: &str,
    rows: &[VaultCertificateRow],
    now: i64,
) -> Option<String> {
    if rows.is_empty() {
        note(ui, "The vault holds no certificate with an RSA key.");
        return None;
    }
    let mut clicked = None;
    for certificate in rows {
        let unversioned = format!("{vault}/certificates/{}", certificate.name);
        let typed = draft.key_vault_url.trim_end_matches('/');
        let selected = typed == unversioned
            || typed.starts_with(&format!("{unversioned}/"))
            || typed == certificate.url;
        let (days, level) = expiry(now, certificate.not_after_unix);
        let date = &certificate.not_after[..10.min(certificate.not_after.len())];
        let mut details = format!(
            "SHA-1 {} · expires {date} ({days} days)",
            certificate.thumbprint_sha1
        );
        if !certificate.enabled {
            details.push_str(" · disabled");
        }
        details.push_str(if certificate.exportable {
            " · exportable"
        } else {
            " · not exportable"
        });
        let text = format!("{} ({})\n{details}", certificate.name, certificate.subject);
        let response = row(ui, "", |ui, _| {
            let text = match level {
                ExpiryLevel::Expired => RichText::new(text).color(ERROR),
                ExpiryLevel::Soon => RichText::new(text).color(WARN),
                ExpiryLevel::Fine => RichText::new(text),
            };
            ui.radio(selected, text).on_hover_text(format!(
                "Use this certificate: the profile follows the vault's current version \
                 (now {}). To pin one version, add /VERSION to the identifier.",
                certificate.version
            ))
        });
        if response.clicked() {
            clicked = Some(unversioned);
        }
    }
    clicked
}
