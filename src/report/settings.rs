//! The settings a run tested, as report lines, with every secret left out.
//!
//! A profile holds no password or key (they are never fields), but two things in it can still be
//! secret: extra header values (API keys, tenant tokens) and a password written into a URL. Header
//! values are shown only as their length, so a reader can see that a value was set and how long it
//! was without learning it; a URL's password becomes `***`.

use url::Url;

use crate::core::profile::{CertificateSource, PasswordSource, Profile};
use crate::core::retry::{RetryMode, format_status_codes};

/// The settings of `profile` as (label, value) lines, in the dialog's order.
pub fn settings_lines(profile: &Profile) -> Vec<(String, String)> {
    let mut lines = vec![
        (
            "Token URL".to_owned(),
            safe_url(&profile.authority().token_url),
        ),
        ("Preset".to_owned(), preset(profile)),
        ("Client ID".to_owned(), profile.client_id().to_owned()),
        (
            "Object ID".to_owned(),
            profile
                .object_id()
                .map(str::to_owned)
                .unwrap_or_else(|| "(not set)".into()),
        ),
        ("Certificate".to_owned(), certificate(profile.certificate())),
    ];
    if !matches!(
        profile.certificate(),
        CertificateSource::CredentialStore { .. }
            | CertificateSource::WindowsStore { .. }
            | CertificateSource::KeyVault { .. }
    ) {
        lines.push((
            "Password".to_owned(),
            password(profile.certificate().password()),
        ));
    }
    let assertion = profile.assertion();
    lines.extend([
        ("Scope".to_owned(), profile.scope().to_owned()),
        ("Graph URL".to_owned(), safe_url(profile.graph_url())),
        ("Site".to_owned(), profile.site_id().to_owned()),
        (
            "Drive".to_owned(),
            profile
                .drive_id()
                .map(str::to_owned)
                .unwrap_or_else(|| "(the site's document library)".into()),
        ),
        (
            "Assertion".to_owned(),
            format!(
                "{}, lifetime {} s, chain {}",
                assertion.algorithm.label(),
                assertion.lifetime_secs,
                if assertion.send_chain {
                    "sent (x5c)"
                } else {
                    "not sent"
                }
            ),
        ),
        ("Retry".to_owned(), retry(profile)),
        (
            "Non-indexed search".to_owned(),
            if profile.non_indexed_search() {
                "on"
            } else {
                "off"
            }
            .to_owned(),
        ),
        ("Extra headers".to_owned(), headers(profile)),
        (
            "Timeout".to_owned(),
            format!("{} s", profile.timeout_secs()),
        ),
        (
            "CA file".to_owned(),
            profile.ca_file().map_or_else(
                || "(none: the system's trusted CAs)".to_owned(),
                |path| path.display().to_string(),
            ),
        ),
    ]);
    lines
}

/// The URL with any password in it replaced by `***`.
fn safe_url(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() && shown.set_password(Some("***")).is_ok() {
        return shown.to_string();
    }
    url.to_string()
}

fn preset(profile: &Profile) -> String {
    let authority = profile.authority();
    if authority.tenant.is_empty() {
        authority.preset.label().to_owned()
    } else {
        format!("{} (tenant {})", authority.preset.label(), authority.tenant)
    }
}

fn certificate(source: &CertificateSource) -> String {
    match source {
        CertificateSource::PfxFile { path, alias, .. } => match alias {
            Some(alias) => format!("PFX file {} (alias '{alias}')", path.display()),
            None => format!("PFX file {}", path.display()),
        },
        CertificateSource::PemFiles {
            certificate, key, ..
        } => format!(
            "PEM files {} (key {})",
            certificate.display(),
            key.display()
        ),
        CertificateSource::CredentialStore { entry } => {
            format!("credential store entry '{entry}'")
        }
        CertificateSource::WindowsStore {
            location,
            thumbprint,
        } => format!("Windows certificate store {} {thumbprint}", location.path()),
        CertificateSource::KeyVault { url, access } => {
            format!("Azure Key Vault {url} (reached through {})", access.label())
        }
        CertificateSource::Pkcs11 {
            uri,
            module,
            cert_pem,
            ..
        } => super::pkcs11_settings::describe(uri, module.as_deref(), cert_pem.as_deref()),
    }
}

fn password(source: &PasswordSource) -> String {
    match source {
        PasswordSource::None => "none (the file is not protected)".into(),
        PasswordSource::Ask => "typed when needed (never shown)".into(),
        PasswordSource::CredentialStore { entry } => {
            format!("remembered in the credential store (entry '{entry}')")
        }
    }
}

fn retry(profile: &Profile) -> String {
    let retry = profile.retry();
    let wait = if retry.multiply_wait {
        "waits double"
    } else {
        "constant waits"
    };
    match retry.mode {
        RetryMode::None => "None (no retries)".into(),
        RetryMode::RetryAny => format!("RetryAny, at most {} retries, {wait}", retry.max_count),
        RetryMode::RetryWhenStatusCodeMatch => format!(
            "RetryWhenStatusCodeMatch {}, at most {} retries, {wait}",
            format_status_codes(&retry.status_codes),
            retry.max_count
        ),
    }
}

/// Header names with the length of their values: values can be API keys.
fn headers(profile: &Profile) -> String {
    if profile.extra_headers().is_empty() {
        return "(none)".into();
    }
    profile
        .extra_headers()
        .iter()
        .map(|h| format!("{} (value: {} chars)", h.name, h.value.chars().count()))
        .collect::<Vec<_>>()
        .join(", ")
}
