//! Certificate: the source (PFX file, PEM files, OS credential store), the password, and the
//! summary card of exactly the certificate a test would use.

use egui::RichText;

use super::{DialogAction, DialogContext, DialogState};
use crate::core::draft::{CertKind, Field, PemFile, ProfileDraft};
use crate::core::expiry::{ExpiryLevel, expiry};
use crate::core::findings::Severity;
use crate::core::profile::PasswordSource;
use crate::gui::card::{CardState, CardView};
use crate::gui::files::FileUse;
use crate::gui::widgets::{
    ERROR, OK, WARN, copy_button, danger_button, error_line, note, password_field, row, text_field,
};

/// What the dialog shows of the OS credential store.
pub struct StoreView<'a> {
    /// Its name ("Secret Service", "Windows Credential Manager", …).
    pub name: String,
    /// The certificates kept there, as last listed (read in the background).
    pub certificates: &'a [crate::credential_store::StoredCertificate],
}

pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    state: &mut DialogState,
    cx: &DialogContext<'_>,
) -> DialogAction {
    let (errors, card, store) = (cx.errors, cx.card, cx.store);
    let mut action = DialogAction::None;
    // The store is named as the platform names it: "OS credential store" read like the Windows
    // certificate store, which it is not.
    let store_name = match store {
        Ok(store) => store.name.clone(),
        Err(_) => crate::credential_store::PLATFORM_STORE_NAME.to_owned(),
    };
    source_choice_ui(ui, draft, &store_name);
    match draft.cert_kind {
        CertKind::PfxFile => {
            let path = text_field(ui, "PFX file", &mut draft.pfx_path, None);
            errors.left(Field::Certificate, &path);
            text_field(ui, "Keystore alias", &mut draft.keystore_alias, None);
            if browse(ui, "Browse for PFX file", cx.browsing) {
                action = DialogAction::Browse(FileUse::Pfx);
            }
        }
        CertKind::PemFiles => {
            // Each file's problem shows under its own field (core says which file it is about).
            let at_fault = draft.pem_file_at_fault();
            let path = text_field(ui, "Certificate file", &mut draft.pem_cert_path, None);
            errors.left(Field::Certificate, &path);
            if at_fault == Some(PemFile::Certificate) {
                error_line(ui, errors.get(Field::Certificate));
            }
            if browse(ui, "Browse for certificate file", cx.browsing) {
                action = DialogAction::Browse(FileUse::PemCertificate);
            }
            let path = text_field(ui, "Private key file", &mut draft.pem_key_path, None);
            errors.left(Field::Certificate, &path);
            if at_fault == Some(PemFile::PrivateKey) {
                error_line(ui, errors.get(Field::Certificate));
            }
            if browse(ui, "Browse for private key file", cx.browsing) {
                action = DialogAction::Browse(FileUse::PemKey);
            }
        }
        CertKind::CredentialStore => {
            if let Some(asked) = stored_certificate_ui(ui, draft, store, &store_name) {
                action = asked;
            }
        }
        CertKind::WindowsStore => {
            action = super::windows_store::ui(ui, draft, cx.windows, cx.now);
        }
        CertKind::KeyVault => {
            action = super::key_vault::ui(ui, draft, cx.key_vault, errors, cx.now);
        }
        CertKind::Pkcs11 => {
            // An imported profile's module is native code its author chose: not listed until
            // the profile is confirmed here.
            let unconfirmed = draft
                .certificate_source()
                .ok()
                .and_then(|source| crate::core::trust::unconfirmed_module(&source, &draft.origin))
                .map(|_| "Confirm this imported profile first (Test connection asks): it names the module.");
            let token = super::pkcs11_source::Pkcs11Context {
                view: cx.pkcs11,
                browsing: cx.browsing,
                unconfirmed,
                now: cx.now,
            };
            action = super::pkcs11_source::ui(ui, draft, &token);
        }
    }
    // Another storage mode or path: the password typed for the old file goes, in this frame.
    state.forget_stale_password(draft);
    if draft.cert_kind != CertKind::PemFiles {
        error_line(ui, errors.get(Field::Certificate));
    }
    if draft.cert_kind.is_file() {
        if let Some(asked) = password_ui(ui, draft, state, store, &store_name) {
            action = asked;
        }
        if draft.cert_kind == CertKind::PfxFile
            && store.is_ok()
            && row(ui, "", |ui, _| {
                ui.button("Import into credential store")
                    .on_hover_text(format!("Keep the certificate and key in the {store_name}, so the profile no longer depends on the file"))
                    .clicked()
            })
        {
            action = DialogAction::ImportIntoStore;
        }
    }
    ui.add_space(8.0);
    let card_action = card_ui(ui, card, draft, &state.password, cx.rotation, cx.now);
    if card_action != DialogAction::None {
        action = card_action;
    }
    // Every source whose rotation the app can carry out: a file, a token, a vault.
    if (draft.cert_kind.is_file()
        || matches!(draft.cert_kind, CertKind::Pkcs11 | CertKind::KeyVault))
        && rotate_button(ui, cx.rotation, "Rotate certificate…")
    {
        action = DialogAction::Rotate;
    }
    if draft.cert_kind.is_file() {
        let compare = super::workshop::compare_ui(ui, state, card);
        let create = super::workshop::new_certificate_ui(ui, state, cx.creating);
        for asked in [compare, create] {
            if asked != DialogAction::None {
                action = asked;
            }
        }
    }
    action
}

/// The storage mode: PFX, PEM, the OS credential store, the Windows certificate store.
fn source_choice_ui(ui: &mut egui::Ui, draft: &mut ProfileDraft, store_name: &str) {
    row(ui, "Storage mode", |ui, _| {
        // A choice that does not fit moves to the next line whole: its label never breaks inside
        // a word ("Windo / ws / certific / ate").
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.radio_value(&mut draft.cert_kind, CertKind::PfxFile, "Local PFX file");
        ui.radio_value(&mut draft.cert_kind, CertKind::PemFiles, "PEM files");
        ui.radio_value(&mut draft.cert_kind, CertKind::CredentialStore, store_name)
            .on_hover_text(format!(
                "A certificate and key kept in the {store_name} (imported from a PFX), not in a file"
            ));
        // Off Windows the choice stays visible (a profile made on Windows shows what it uses) but
        // cannot be picked anew. Added to this row itself (not a child Ui), so it wraps as a whole.
        let here = super::windows_store::unavailable_reason().is_none()
            || draft.cert_kind == CertKind::WindowsStore;
        let radio = ui
            .add_enabled(
                here,
                egui::RadioButton::new(
                    draft.cert_kind == CertKind::WindowsStore,
                    "Windows certificate store",
                ),
            )
            .on_hover_text(
                "A certificate in Cert:\\CurrentUser\\My or Cert:\\LocalMachine\\My; its key signs \
                 where it is kept, so non-exportable keys work",
            );
        if radio.clicked() {
            draft.cert_kind = CertKind::WindowsStore;
        }
        let why = super::windows_store::unavailable_reason().unwrap_or_default();
        let _ = crate::gui::widgets::why_disabled(radio, why);
        ui.radio_value(&mut draft.cert_kind, CertKind::KeyVault, "Azure Key Vault")
            .on_hover_text(
                "A certificate in Azure Key Vault; the vault signs each assertion, so the key never \
                 leaves it",
            );
        ui.radio_value(
            &mut draft.cert_kind,
            CertKind::Pkcs11,
            "Hardware token (PKCS#11)",
        )
        .on_hover_text(
            "A key on a smart card, YubiKey or HSM, reached through its PKCS#11 module; it \
                 signs on the token, so the key never leaves it",
        );
    });
}

/// A certificate kept in the OS credential store: the pick list, its thumbprint and expiry, and
/// Remove; or why the store cannot be used.
fn stored_certificate_ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    store: &Result<StoreView<'_>, String>,
    store_name: &str,
) -> Option<DialogAction> {
    let mut action = None;
    match store {
        Ok(store) => {
            row(ui, "Stored certificate", |ui, label| {
                egui::ComboBox::from_id_salt("stored_certificate")
                    .selected_text(if draft.store_entry.is_empty() {
                        "(choose)"
                    } else {
                        draft.store_entry.as_str()
                    })
                    .width(ui.available_width() - ui.spacing().icon_width - 8.0)
                    .show_ui(ui, |ui| {
                        for stored in store.certificates {
                            ui.selectable_value(
                                &mut draft.store_entry,
                                stored.name.clone(),
                                format!("{}  ({})", stored.name, stored.subject),
                            );
                        }
                    })
                    .response
                    .labelled_by(label);
            });
            if let Some(stored) = store
                .certificates
                .iter()
                .find(|c| c.name == draft.store_entry)
            {
                note(
                    ui,
                    format!(
                        "SHA-1 {} · expires {}",
                        stored.thumbprint_sha1,
                        crate::core::time_fmt::rfc3339(stored.not_after)
                    ),
                );
                if row(ui, "", |ui, _| {
                    danger_button(ui, "Remove from credential store").clicked()
                }) {
                    action = Some(DialogAction::RemoveStored);
                }
            }
            if store.certificates.is_empty() {
                note(
                    ui,
                    format!(
                        "No certificate is kept in the {} yet: choose Local PFX file, load it, then Import into credential store.",
                        store.name
                    ),
                );
            }
        }
        Err(reason) => {
            note(
                ui,
                RichText::new(format!(
                    "The {store_name} is not reachable: {reason}. Use a PFX or PEM file."
                ))
                .color(ERROR),
            );
        }
    }
    action
}

/// "The file has no password", the password field, and whether it is (to be) remembered.
fn password_ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    state: &mut DialogState,
    store: &Result<StoreView<'_>, String>,
    store_name: &str,
) -> Option<DialogAction> {
    let mut action = None;
    // PEM files: the password is the private key's, and only the key file can have one.
    let (password_label, no_password_label) = if draft.cert_kind == CertKind::PemFiles {
        ("Private key password", "The key file has no password")
    } else {
        ("Certificate password", "The file has no password")
    };
    let mut no_password = draft.password == PasswordSource::None;
    if row(ui, "", |ui, _| {
        ui.checkbox(&mut no_password, no_password_label)
    })
    .changed()
    {
        draft.password = if no_password {
            PasswordSource::None
        } else {
            PasswordSource::Ask
        };
        // Ticked: the hidden password is wiped now, so the card below and Test use none.
        state.forget_stale_password(draft);
    }
    match (&draft.password, store) {
        (PasswordSource::None, _) => {}
        (PasswordSource::CredentialStore { .. }, Ok(store)) => {
            row(ui, "", |ui, _| {
                ui.label(format!("The password is remembered in the {}.", store.name));
                if ui.button("Forget password").clicked() {
                    action = Some(DialogAction::ForgetPassword);
                }
            });
        }
        (PasswordSource::CredentialStore { .. }, Err(reason)) => {
            note(ui, RichText::new(format!("The password is remembered in the {store_name}, which is not reachable: {reason}")).color(ERROR));
            password_field(ui, password_label, &mut state.password);
        }
        (PasswordSource::Ask, _) => {
            password_field(ui, password_label, &mut state.password);
            match store {
                Ok(store) => {
                    row(ui, "", |ui, _| {
                        ui.checkbox(
                            &mut state.remember,
                            format!("Remember the password in the {} (on Save)", store.name),
                        )
                    });
                }
                Err(reason) => {
                    note(
                        ui,
                        format!("Asked each time: the {store_name} is not reachable ({reason})."),
                    );
                }
            }
        }
    }
    action
}

/// Why a Browse… button is off.
pub(crate) const BROWSING: &str = "A file dialog is open: finish or close it first.";

/// A Browse… button under a path field; disabled while a file dialog is open (it runs in the
/// background and fills the field when it closes).
pub(super) fn browse(ui: &mut egui::Ui, name: &str, browsing: bool) -> bool {
    row(ui, "", |ui, _| {
        let button = ui.add_enabled(!browsing, egui::Button::new("Browse…"));
        crate::gui::widgets::why_disabled(button, BROWSING)
            .on_hover_text(name)
            .clicked()
    })
}

/// The button that starts a rotation; disabled, with the reason on hover, when it cannot run.
fn rotate_button(ui: &mut egui::Ui, rotation: &Result<(), String>, text: &str) -> bool {
    let why_not = rotation.as_ref().err().map_or("", String::as_str);
    let response = ui
        .add_enabled(rotation.is_ok(), egui::Button::new(text))
        .on_hover_text(
            "Make a new certificate, register it on the app registration, test it and switch this profile to it",
        )
        .on_disabled_hover_text(why_not);
    crate::gui::widgets::describe(&response, why_not);
    response.clicked()
}

/// What *Reload certificate* reads again, in the words of the certificate's source.
fn reload_hint(kind: CertKind) -> &'static str {
    match kind {
        CertKind::KeyVault => "Read the certificate from the vault again",
        CertKind::Pkcs11 => "Read the certificate from the token again",
        CertKind::CredentialStore | CertKind::WindowsStore => {
            "Read the certificate from the store again"
        }
        CertKind::PfxFile | CertKind::PemFiles => "Read the file again",
    }
}

fn card_ui(
    ui: &mut egui::Ui,
    card: &CardView,
    draft: &ProfileDraft,
    typed: &str,
    rotation: &Result<(), String>,
    now: i64,
) -> DialogAction {
    let mut action = DialogAction::None;
    let source = draft.certificate_source();
    let cached = card.cached_for(source.as_ref().ok());
    // Edited in this very frame: the card's state is for the inputs before the edit.
    let state = if card.is_for(&source, typed) {
        &card.state
    } else {
        &CardState::Loading
    };
    match state {
        CardState::Unset(why) => {
            // The reason comes from the form's rules ("choose the PFX file"): on the card it is
            // a sentence of its own that says what is missing and where to fix it.
            let text = if why.is_empty() {
                "No certificate loaded yet: choose a certificate above, or drop a .pfx on the window."
                    .to_owned()
            } else if draft.cert_kind == CertKind::KeyVault
                && super::key_vault::names_only_the_vault(&draft.key_vault_url)
            {
                // The vault alone is a step toward picking, not a mistake.
                "No certificate loaded yet: pick one of the vault's certificates above.".to_owned()
            } else {
                format!("No certificate loaded yet: {why} above.")
            };
            ui.add(egui::Label::new(text).wrap());
        }
        CardState::AwaitsConfirmation(why) => {
            ui.add(egui::Label::new(format!("Not loaded: {why}.")).wrap());
        }
        CardState::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading certificate…");
            });
        }
        CardState::Loaded(report) => {
            // Days left now, not when the card was loaded: the list beside it counts from now.
            let (days_left, level) = expiry(now, report.not_after_unix);
            report_ui(ui, report, days_left, level);
            if draft.cert_kind == CertKind::Pkcs11
                && let Some(keeper) = &report.keeper
            {
                ui.add(
                    egui::Label::new(format!(
                        "The private key is on the token: {keeper}. It signs there; certconnect never reads it."
                    ))
                    .wrap(),
                );
            }
            if level != ExpiryLevel::Fine {
                ui.horizontal_wrapped(|ui| {
                    let expired = level == ExpiryLevel::Expired;
                    let badge = if expired {
                        "Expired".to_owned()
                    } else {
                        format!("Expires soon: {days_left} days left")
                    };
                    egui::Frame::new()
                        .fill(if expired { ERROR } else { WARN })
                        .corner_radius(4.0)
                        .inner_margin(egui::Margin::symmetric(6, 2))
                        .show(ui, |ui| {
                            ui.label(RichText::new(badge).strong().color(egui::Color32::BLACK));
                        });
                    if rotate_button(ui, rotation, "Rotate now…") {
                        action = DialogAction::Rotate;
                    }
                });
            }
            if ui
                .button("Reload certificate")
                .on_hover_text(reload_hint(draft.cert_kind))
                .clicked()
            {
                action = DialogAction::ReloadCertificate;
            }
            return action;
        }
        CardState::NeedsPassword { reason, .. } => {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("Not loaded: {reason}")).color(WARN));
                let enter = if draft.cert_kind == CertKind::Pkcs11 {
                    "Enter PIN…"
                } else {
                    "Enter password…"
                };
                if ui.button(enter).clicked() {
                    action = DialogAction::AskPassword;
                }
            });
        }
        CardState::Failed(failure) => {
            ui.label(RichText::new(format!("Not loaded: {}", failure.message)).color(ERROR));
            if !failure.hint.is_empty() {
                ui.label(format!("Fix: {}", failure.hint));
            }
            if ui.button("Reload certificate").clicked() {
                action = DialogAction::ReloadCertificate;
            }
        }
    }
    if let Some(info) = cached {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new("From the last load (not loaded now)").italics());
            ui.label(RichText::new(&info.subject).strong());
            ui.label(format!("SHA-1 thumbprint: {}", info.thumbprint_sha1));
            ui.label(format!(
                "Valid until {}",
                crate::core::time_fmt::rfc3339(info.not_after)
            ));
        });
    }
    action
}

fn report_ui(
    ui: &mut egui::Ui,
    report: &crate::cert::CertReport,
    days_left: i64,
    level: ExpiryLevel,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(&report.subject).strong());
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("SHA-1 thumbprint: {}", report.thumbprint_sha1));
            copy_button(
                ui,
                "Copy thumbprint",
                "Copy the SHA-1 thumbprint",
                &report.thumbprint_sha1,
            );
        });
        let (color, left) = match level {
            ExpiryLevel::Expired => (ERROR, format!("expired {} days ago", -days_left)),
            ExpiryLevel::Soon => (WARN, format!("{days_left} days left")),
            ExpiryLevel::Fine => (OK, format!("{days_left} days left")),
        };
        ui.label(
            RichText::new(format!(
                "Valid {} to {} ({left})",
                report.not_before, report.not_after
            ))
            .color(color),
        );
        ui.label(format!(
            "{} {} bits · {} · {}",
            report.key.algorithm, report.key.bits, report.signature_algorithm, report.format
        ));
        for finding in &report.findings {
            let color = match finding.severity {
                Severity::Blocking => ERROR,
                Severity::Warning => WARN,
                Severity::Info => ui.visuals().text_color(),
            };
            // The severity's label is lowercase for reports and scripts; a line on the card
            // starts with a capital, as every other line of the window does.
            let label = crate::gui::widgets::capitalised(finding.severity.label());
            ui.label(RichText::new(format!("{label}: {}", finding.message)).color(color));
        }
    });
}
