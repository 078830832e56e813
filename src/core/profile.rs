//! A connection profile: every setting of the connection dialog, checked, with no secret inside.
//!
//! A `Profile` is only ever made by [`super::draft::ProfileDraft::parse`] (or deserialized from a
//! file and then re-checked), or from another profile by a named transformation that keeps it
//! valid, so code that holds one can rely on its invariants. Secrets are not fields: a password is
//! named by [`PasswordSource`], never stored.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

use super::authority::Preset;
use super::draft::{Field, FieldError, ProfileDraft};
use super::headers::ExtraHeader;
use super::retry::RetrySettings;

/// The site probed when none is given: the tenant's root site.
pub const DEFAULT_SITE_ID: &str = "root";
/// Assertion lifetime when none is given, in seconds (MSAL's default).
pub const DEFAULT_ASSERTION_LIFETIME_SECS: u32 = 600;
/// Allowed assertion lifetimes, in seconds.
pub const ASSERTION_LIFETIME_RANGE: std::ops::RangeInclusive<u32> = 60..=3600;
/// Whole-test timeout when none is given, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u32 = 60;
/// Allowed whole-test timeouts, in seconds.
pub const TIMEOUT_RANGE: std::ops::RangeInclusive<u32> = 1..=3600;
/// The `Prefer` header value that the non-indexed-search option adds to Graph requests.
pub const NON_INDEXED_PREFER: &str = "HonorNonIndexedQueriesWarningMayFailRandomly";

/// A saved connection, checked.
///
/// Outside `core` it is read through its accessors and changed only by the transformations below,
/// each of which either cannot break an invariant or re-checks what it changes with the form's
/// rules. Its fields are visible within `core` (not only to a constructor) so that
/// [`ProfileDraft::parse`], the one place that builds a profile from input, names every field in
/// one struct literal instead of passing eighteen positional arguments of which several share a
/// type; nothing else in `core` builds one.
///
/// It still deserializes (files and exports): the store re-checks every profile it reads through
/// the draft, and checks every profile it writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Stable identity, never shown: it keys the profile's credential-store entries, so it must not
    /// change when the profile is renamed. Empty only in files written before ids existed (the store
    /// fills it in when it reads them).
    #[serde(default)]
    pub(in crate::core) id: String,
    /// Unique, human-chosen name.
    pub(in crate::core) name: String,
    /// Token endpoint and where it came from.
    pub(in crate::core) authority: Authority,
    /// The app registration's Application (client) ID, lowercase GUID.
    pub(in crate::core) client_id: String,
    /// The application object's id (the portal's "Object ID" on the app registration's Overview
    /// page), lowercase GUID: what Graph's addKey / removeKey name to roll the app's certificates.
    /// Not the client ID. Optional: only certificate rotation needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(in crate::core) object_id: Option<String>,
    /// The `scope` of the token request, normally `{graph origin}/.default`.
    pub(in crate::core) scope: String,
    /// Where the certificate and its key come from.
    pub(in crate::core) certificate: CertificateSource,
    /// How the client assertion is built.
    pub(in crate::core) assertion: AssertionOptions,
    /// Graph base URL including the API version, e.g. `https://graph.microsoft.com/v1.0`.
    pub(in crate::core) graph_url: Url,
    /// Default site id (`root`, a `host:/sites/path`, or a full site id).
    pub(in crate::core) site_id: String,
    /// Default drive id; `None` means the site's default document library.
    pub(in crate::core) drive_id: Option<String>,
    /// Retry settings for token and Graph requests.
    pub(in crate::core) retry: RetrySettings,
    /// Sends `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly` on Graph requests.
    pub(in crate::core) non_indexed_search: bool,
    /// Extra headers for Graph requests.
    pub(in crate::core) extra_headers: Vec<ExtraHeader>,
    /// Bound on a whole test connection, in seconds.
    pub(in crate::core) timeout_secs: u32,
    /// Extra trusted root (PEM), for networks that inspect TLS.
    pub(in crate::core) ca_file: Option<PathBuf>,
    /// Public facts of the certificate as last loaded, for expiry badges without opening the file.
    #[serde(default)]
    pub(in crate::core) certificate_info: Option<CertificateInfo>,
    /// Where the settings came from: written on this machine, or imported (trusted only once the
    /// user confirms it here; see `core::trust`).
    #[serde(default, skip_serializing_if = "Origin::is_local")]
    pub(in crate::core) origin: Origin,
}

/// Where a profile's settings came from. An imported profile carries no trust: the hosts it
/// sends a token or an assertion to, and the credential-store entries it names, were chosen by
/// whoever wrote the file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Typed, or confirmed, on this machine.
    #[default]
    Local,
    /// Imported from an export or bundle and not yet confirmed here.
    Imported {
        /// The credential-store entries the import itself brought (a bundle's certificates):
        /// the only entries the profile may use before it is confirmed.
        #[serde(default)]
        brought_entries: Vec<String>,
    },
}

impl Origin {
    /// Whether the settings were written or confirmed on this machine.
    pub fn is_local(&self) -> bool {
        *self == Self::Local
    }
}

/// Public facts of a profile's certificate (never the key or password).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Subject distinguished name.
    pub subject: String,
    /// SHA-1 thumbprint, uppercase hex.
    pub thumbprint_sha1: String,
    /// End of validity, Unix seconds.
    pub not_after: i64,
}

pub use super::expiry::ExpiryLevel;

impl CertificateInfo {
    /// Days left at `now` and how urgent that is.
    pub fn expiry(&self, now: i64) -> (i64, ExpiryLevel) {
        super::expiry::expiry(now, self.not_after)
    }
}

/// The token endpoint of a profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Authority {
    /// The preset the URL was made from (what the dialog shows).
    pub preset: Preset,
    /// Tenant ID or domain typed for the preset; empty for multi tenant and custom.
    pub tenant: String,
    /// The exact URL posted to, which is also the assertion's `aud`.
    pub token_url: Url,
}

/// Where the signing certificate lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateSource {
    /// A PKCS#12 file (`.pfx` / `.p12`, also Java PKCS12 keystores).
    PfxFile {
        /// Path to the file.
        path: PathBuf,
        /// How to get its password.
        password: PasswordSource,
        /// The entry to use in a Java keystore with several keys.
        #[serde(default)]
        alias: Option<String>,
    },
    /// A PEM (or DER) certificate and a PEM private key in separate files.
    PemFiles {
        /// Certificate file.
        certificate: PathBuf,
        /// Private key file (PKCS#8, encrypted PKCS#8 or PKCS#1).
        key: PathBuf,
        /// How to get the key's password, when it is encrypted.
        password: PasswordSource,
    },
    /// A certificate kept in the OS credential store under this name.
    CredentialStore {
        /// The entry's name.
        entry: String,
    },
    /// A certificate in the Windows certificate store (`Cert:\<location>\My`), chosen by its
    /// SHA-1 thumbprint. Its key never leaves the store: the key's provider signs in place, so
    /// non-exportable keys work.
    WindowsStore {
        /// The user's or the machine's store.
        location: StoreLocation,
        /// SHA-1 thumbprint, upper-case hex.
        thumbprint: String,
    },
    /// A certificate in Azure Key Vault
    /// (`https://NAME.vault.azure.net/certificates/CERT[/VERSION]`). Its key never leaves the
    /// vault: the vault's `keys/sign` signs the assertion's digest.
    KeyVault {
        /// The certificate's identifier, checked by `core::key_vault::CertificateId`.
        url: String,
        /// How certconnect reaches the vault.
        access: super::key_vault::VaultAccess,
    },
    /// A key on a hardware token (smart card, YubiKey, HSM) reached through PKCS#11. The key signs
    /// on the token; the PIN is asked for like a password and never kept here.
    Pkcs11 {
        /// The RFC 7512 `pkcs11:` URI naming the token and the key.
        uri: String,
        /// The module file, when the URI names none (else the platform's usual modules).
        #[serde(default)]
        module: Option<PathBuf>,
        /// How to get the PIN.
        pin: PasswordSource,
        /// A certificate file for a token that holds the key but not its certificate.
        #[serde(default)]
        cert_pem: Option<PathBuf>,
    },
}

/// Which Windows certificate store: the Personal (`My`) store of the user or of the machine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StoreLocation {
    /// `Cert:\CurrentUser\My`.
    #[default]
    CurrentUser,
    /// `Cert:\LocalMachine\My`.
    LocalMachine,
}

impl StoreLocation {
    /// Both, in the order the dialog lists them.
    pub const ALL: [Self; 2] = [Self::CurrentUser, Self::LocalMachine];

    /// The connector dialog's words for it.
    pub fn label(self) -> &'static str {
        match self {
            Self::CurrentUser => "User Store",
            Self::LocalMachine => "Machine Store",
        }
    }

    /// The PowerShell path of its Personal store.
    pub fn path(self) -> &'static str {
        match self {
            Self::CurrentUser => "Cert:\\CurrentUser\\My",
            Self::LocalMachine => "Cert:\\LocalMachine\\My",
        }
    }
}

impl std::fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::CurrentUser => "CurrentUser",
            Self::LocalMachine => "LocalMachine",
        })
    }
}

impl std::str::FromStr for StoreLocation {
    type Err = String;

    /// `CurrentUser` / `LocalMachine` in any case (also `user` / `machine`).
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "currentuser" | "user" => Ok(Self::CurrentUser),
            "localmachine" | "machine" => Ok(Self::LocalMachine),
            _ => Err(format!(
                "'{text}' is not a certificate store location; use CurrentUser or LocalMachine"
            )),
        }
    }
}

impl CertificateSource {
    /// How to get the password this source needs.
    pub fn password(&self) -> &PasswordSource {
        match self {
            Self::PfxFile { password, .. }
            | Self::PemFiles { password, .. }
            | Self::Pkcs11 { pin: password, .. } => password,
            Self::CredentialStore { .. } | Self::WindowsStore { .. } | Self::KeyVault { .. } => {
                &PasswordSource::None
            }
        }
    }

    /// Whether using this source needs the OS credential store: the certificate is kept there, or
    /// its password is remembered there.
    pub fn needs_credential_store(&self) -> bool {
        matches!(self, Self::CredentialStore { .. })
            || matches!(self.password(), PasswordSource::CredentialStore { .. })
    }
}

/// How a password is obtained when it is needed. The password itself is never stored here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordSource {
    /// The file is not protected (or has an empty password).
    None,
    /// Ask each time (the app prompts; the CLI reads an env var or stdin).
    #[default]
    Ask,
    /// Kept in the OS credential store under this entry name.
    CredentialStore {
        /// The entry's name.
        entry: String,
    },
}

/// The assertion's signing algorithm and the matching thumbprint header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssertionAlgorithm {
    /// RS256 with `x5t` (SHA-1): accepted everywhere, ADFS included.
    #[default]
    Rs256,
    /// PS256 with `x5t#S256` (SHA-256): current Entra guidance.
    Ps256,
}

impl AssertionAlgorithm {
    /// The name shown in the dialog and accepted by the CLI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256 / x5t (SHA-1)",
            Self::Ps256 => "PS256 / x5t#S256 (SHA-256)",
        }
    }

    /// Parses `RS256` or `PS256` (any case).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_uppercase().as_str() {
            "RS256" => Ok(Self::Rs256),
            "PS256" => Ok(Self::Ps256),
            other => Err(format!("'{other}' is not supported; use RS256 or PS256")),
        }
    }
}

/// How the client assertion is built.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssertionOptions {
    /// Signing algorithm.
    pub algorithm: AssertionAlgorithm,
    /// Adds the `x5c` chain (needed for Subject Name + Issuer authentication).
    pub send_chain: bool,
    /// `exp - nbf` in seconds.
    pub lifetime_secs: u32,
}

impl Default for AssertionOptions {
    fn default() -> Self {
        Self {
            algorithm: AssertionAlgorithm::default(),
            send_chain: false,
            lifetime_secs: DEFAULT_ASSERTION_LIFETIME_SECS,
        }
    }
}

/// Something that does not stop a profile from being saved, but the admin should know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileWarning {
    /// The field it is about.
    pub field: super::draft::Field,
    /// What to know.
    pub message: String,
}

/// Reading a profile.
impl Profile {
    /// Stable identity, never shown: it keys the profile's credential-store entries. Empty only
    /// for a profile not saved yet (the store assigns one).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Unique, human-chosen name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Token endpoint and where it came from.
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The app registration's Application (client) ID, lowercase GUID.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The application object's id, lowercase GUID, when given (only rotation needs it).
    pub fn object_id(&self) -> Option<&str> {
        self.object_id.as_deref()
    }

    /// The `scope` of the token request.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// Where the certificate and its key come from.
    pub fn certificate(&self) -> &CertificateSource {
        &self.certificate
    }

    /// How the client assertion is built.
    pub fn assertion(&self) -> &AssertionOptions {
        &self.assertion
    }

    /// Graph base URL including the API version.
    pub fn graph_url(&self) -> &Url {
        &self.graph_url
    }

    /// Default site id.
    pub fn site_id(&self) -> &str {
        &self.site_id
    }

    /// Default drive id; `None` means the site's default document library.
    pub fn drive_id(&self) -> Option<&str> {
        self.drive_id.as_deref()
    }

    /// Retry settings for token and Graph requests.
    pub fn retry(&self) -> &RetrySettings {
        &self.retry
    }

    /// Whether Graph requests send `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly`.
    pub fn non_indexed_search(&self) -> bool {
        self.non_indexed_search
    }

    /// Extra headers for Graph requests.
    pub fn extra_headers(&self) -> &[ExtraHeader] {
        &self.extra_headers
    }

    /// Bound on a whole test connection, in seconds.
    pub fn timeout_secs(&self) -> u32 {
        self.timeout_secs
    }

    /// Extra trusted root (PEM), when given.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// Public facts of the certificate as last loaded.
    pub fn certificate_info(&self) -> Option<&CertificateInfo> {
        self.certificate_info.as_ref()
    }

    /// Where the settings came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Whether the two connect the same way: equal but for the id, the name and the saved facts
    /// of the certificate, which a test does not use.
    pub fn same_connection(&self, other: &Self) -> bool {
        // Destructured in full, so a new field must be placed on one side or the other.
        let Self {
            id: _,
            name: _,
            certificate_info: _,
            authority,
            client_id,
            object_id,
            scope,
            certificate,
            assertion,
            graph_url,
            site_id,
            drive_id,
            retry,
            non_indexed_search,
            extra_headers,
            timeout_secs,
            ca_file,
            origin,
        } = self;
        *authority == other.authority
            && *client_id == other.client_id
            && *object_id == other.object_id
            && *scope == other.scope
            && *certificate == other.certificate
            && *assertion == other.assertion
            && *graph_url == other.graph_url
            && *site_id == other.site_id
            && *drive_id == other.drive_id
            && *retry == other.retry
            && *non_indexed_search == other.non_indexed_search
            && *extra_headers == other.extra_headers
            && *timeout_secs == other.timeout_secs
            && *ca_file == other.ca_file
            && *origin == other.origin
    }
}

/// Changing a profile: each transformation keeps it valid, checking what it changes with the
/// form's rules where a value could be invalid.
impl Profile {
    /// The same profile under another name, checked (and trimmed) as the form checks a name.
    pub fn renamed(self, name: &str) -> Result<Self, FieldError> {
        let name = name.trim();
        super::draft::check_name(name).map_err(|message| FieldError {
            field: Field::Name,
            message,
        })?;
        Ok(Self {
            name: name.to_owned(),
            ..self
        })
    }

    /// The same profile with another id. Any id keeps a profile valid (the form carries it
    /// unchecked); an empty one asks the store for a new one when the profile is saved.
    pub fn with_id(self, id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..self
        }
    }

    /// The same profile with another origin (imported, or confirmed here).
    pub fn with_origin(self, origin: Origin) -> Self {
        Self { origin, ..self }
    }

    /// The same profile with the certificate's facts as last loaded (or none).
    pub fn with_certificate_facts(self, certificate_info: Option<CertificateInfo>) -> Self {
        Self {
            certificate_info,
            ..self
        }
    }

    /// The same profile with another certificate source, checked as the form checks one.
    pub fn with_certificate(self, certificate: CertificateSource) -> Result<Self, FieldError> {
        let candidate = Self {
            certificate,
            ..self
        };
        // The draft's reading of the source is the check: it is what `parse` would accept.
        let certificate = ProfileDraft::from(&candidate)
            .certificate_source()
            .map_err(|message| FieldError {
                field: Field::Certificate,
                message,
            })?;
        Ok(Self {
            certificate,
            ..candidate
        })
    }

    /// The same profile getting its certificate's password from `password` (remember, forget).
    /// A source without a password (a credential-store certificate, the Windows store) is left as
    /// it is. Any password source is valid (the form carries it unchecked).
    pub fn with_password_source(mut self, password: PasswordSource) -> Self {
        match &mut self.certificate {
            CertificateSource::PfxFile {
                password: current, ..
            }
            | CertificateSource::PemFiles {
                password: current, ..
            }
            | CertificateSource::Pkcs11 { pin: current, .. } => *current = password,
            CertificateSource::CredentialStore { .. }
            | CertificateSource::WindowsStore { .. }
            | CertificateSource::KeyVault { .. } => {}
        }
        self
    }

    /// The same profile with another application object ID (empty: none), checked as the form
    /// checks one.
    pub fn with_object_id(self, object_id: &str) -> Result<Self, FieldError> {
        let mut draft = ProfileDraft::from(&self);
        object_id.clone_into(&mut draft.object_id);
        let object_id = draft.parse_object_id().map_err(|message| FieldError {
            field: Field::ObjectId,
            message,
        })?;
        Ok(Self { object_id, ..self })
    }

    /// The profile as the form shows it, changed by `edit`, and checked again in full: the general
    /// transformation, for changes no named one covers.
    pub fn edited(&self, edit: impl FnOnce(&mut ProfileDraft)) -> Result<Self, Vec<FieldError>> {
        let mut draft = ProfileDraft::from(self);
        edit(&mut draft);
        draft.parse()
    }
}

impl Profile {
    /// Whether the token URL and the Graph URL disagree (see
    /// [`check_graph_url`](super::authority::check_graph_url)); a certain mismatch stops a test
    /// at *Check settings*, a doubtful one is among the [`warnings`](Self::warnings).
    pub fn graph_mismatch(&self) -> Option<super::authority::GraphMismatch> {
        super::authority::check_graph_url(&self.authority.token_url, &self.graph_url, &self.scope)
    }

    /// Warnings about a valid profile (multi-tenant authority, a Graph URL that looks like
    /// another server's than the token URL's, unusual scope).
    pub fn warnings(&self) -> Vec<ProfileWarning> {
        use super::draft::Field;
        let mut warnings = Vec::new();
        let tenant_segment = self
            .authority
            .token_url
            .path_segments()
            .and_then(|mut s| s.next())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if super::authority::NON_TENANTS.contains(&tenant_segment.as_str()) {
            warnings.push(ProfileWarning {
                field: Field::TokenUrl,
                message: super::authority::MULTI_TENANT_WARNING.into(),
            });
        }
        if let Some(mismatch) = self.graph_mismatch().filter(|m| !m.certain) {
            warnings.push(ProfileWarning {
                field: Field::GraphUrl,
                message: format!("{} {}", mismatch.message, mismatch.fix()),
            });
        }
        if !self.scope.ends_with("/.default") {
            warnings.push(ProfileWarning {
                field: Field::Scope,
                message: "client credentials need a scope of the form <resource>/.default; Entra will answer AADSTS1002012 or 70011".into(),
            });
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credential_store_is_needed_for_a_stored_certificate_or_a_remembered_password() {
        let pfx = |password| CertificateSource::PfxFile {
            path: "a.pfx".into(),
            password,
            alias: None,
        };
        let remembered = PasswordSource::CredentialStore {
            entry: "pfx-password/x".into(),
        };
        assert!(pfx(remembered.clone()).needs_credential_store());
        assert!(!pfx(PasswordSource::Ask).needs_credential_store());
        assert!(!pfx(PasswordSource::None).needs_credential_store());
        let pem = CertificateSource::PemFiles {
            certificate: "c.pem".into(),
            key: "k.pem".into(),
            password: remembered,
        };
        assert!(pem.needs_credential_store());
        let stored = CertificateSource::CredentialStore { entry: "c".into() };
        assert!(stored.needs_credential_store());
        let windows = CertificateSource::WindowsStore {
            location: StoreLocation::CurrentUser,
            thumbprint: "AB".into(),
        };
        assert!(!windows.needs_credential_store());
    }
}
