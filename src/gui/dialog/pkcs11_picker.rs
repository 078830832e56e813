//! The hardware-token pick list: one entry per certificate a token holds (subject, SHA-1 as the
//! portal shows it, expiry, key, what the token can sign), each a radio button whose text a screen
//! reader reads whole.

use crate::cert::pkcs11::{TokenCertificate, TokenListing};
use crate::core::draft::ProfileDraft;
use crate::core::expiry::ExpiryLevel;
use crate::gui::certificate_row::{certificate_row, expiry_phrase};
use crate::gui::widgets::note;

/// A token as the pick list shows it: its listing, and each certificate's expiry (Unix seconds),
/// read from the certificate in the background job, not in a frame.
#[derive(Debug)]
pub struct ListedToken {
    /// What the module said of the token.
    pub listing: TokenListing,
    /// The expiry of each certificate, in the listing's order.
    pub expiries: Vec<i64>,
}

impl From<TokenListing> for ListedToken {
    fn from(listing: TokenListing) -> Self {
        let expiries = listing
            .certificates
            .iter()
            .map(|certificate| {
                openssl::x509::X509::from_der(&certificate.der)
                    .map(|x509| crate::cert::unix_seconds(x509.not_after()))
                    .unwrap_or_default()
            })
            .collect();
        Self { listing, expiries }
    }
}

/// The tokens' certificates, one radio button each; returns the URI of the one clicked.
pub(super) fn picker(
    ui: &mut egui::Ui,
    draft: &ProfileDraft,
    tokens: &[ListedToken],
    now: i64,
) -> Option<String> {
    if tokens.is_empty() {
        note(
            ui,
            "The module shows no initialised token: insert the card or key, then Refresh.",
        );
        return None;
    }
    let mut clicked = None;
    for ListedToken {
        listing: token,
        expiries,
    } in tokens
    {
        if token.certificates.is_empty() {
            note(
                ui,
                format!(
                    "Token \"{}\" ({}) holds no certificate with a private key.",
                    token.label, token.manufacturer
                ),
            );
            continue;
        }
        for (certificate, not_after) in token.certificates.iter().zip(expiries) {
            let selected = draft.pkcs11.uri.trim() == certificate.uri;
            let (text, level) = entry_text(token, certificate, *not_after, now);
            let response = certificate_row(ui, selected, text, level, "Use this certificate's key");
            if response.clicked() {
                clicked = Some(certificate.uri.clone());
            }
        }
    }
    clicked
}

/// The entry's two lines: the subject, then SHA-1, expiry, key, algorithms and token.
fn entry_text(
    token: &TokenListing,
    certificate: &TokenCertificate,
    not_after: i64,
    now: i64,
) -> (String, ExpiryLevel) {
    let (when, level) = expiry_phrase(now, not_after, &certificate.not_after);
    let key = match certificate.key_bits {
        Some(bits) => format!("{} {bits}", certificate.key_type),
        None => certificate.key_type.clone(),
    };
    let signs = if certificate.algorithms.is_empty() {
        "cannot sign for Entra".to_owned()
    } else {
        certificate.algorithms.join(", ")
    };
    let text = format!(
        "{}\nSHA-1 {} · {when} · {key} · {signs} · token \"{}\"",
        certificate.subject, certificate.thumbprint_sha1, token.label
    );
    (text, level)
}
