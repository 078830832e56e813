//! The connection form as typed (strings and switches), and its parsing into a checked [`Profile`].
//!
//! The app's fields and the CLI's flags both edit a `ProfileDraft`; `parse` is the one place that
//! decides what is valid, and it reports every bad field at once so the form can mark them all.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::authority::{
    GraphMismatch, MatchingSettings, Preset, check_graph_url, default_scope, is_plausible_tenant,
    settings_for_token_url, tenant_in_token_url,
};
use super::guid::normalize_guid;
use super::headers::{format_headers, parse_headers};
use super::profile::{
    ASSERTION_LIFETIME_RANGE, AssertionAlgorithm, AssertionOptions, Authority, CertificateInfo,
    CertificateSource, DEFAULT_ASSERTION_LIFETIME_SECS, DEFAULT_SITE_ID, DEFAULT_TIMEOUT_SECS,
    Origin, PasswordSource, Profile, StoreLocation, TIMEOUT_RANGE,
};
use super::retry::{
    MAX_RETRY_COUNT, RetryMode, RetrySettings, format_status_codes, parse_status_codes,
};
use super::url_rules::parse_endpoint;

/// A field of the connection form; its label is the one the dialog shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Profile name.
    Name,
    /// Tenant (for the single-tenant and national-cloud presets).
    Tenant,
    /// Token URL.
    TokenUrl,
    /// Client ID.
    ClientId,
    /// Application object ID.
    ObjectId,
    /// Scope.
    Scope,
    /// Certificate file, key file or credential-store entry.
    Certificate,
    /// Assertion lifetime.
    Lifetime,
    /// Graph URL.
    GraphUrl,
    /// Default Site Id.
    SiteId,
    /// Default Drive Id.
    DriveId,
    /// Retry status code list.
    RetryStatusCodes,
    /// Retry max count.
    RetryMaxCount,
    /// Extra headers.
    ExtraHeaders,
    /// Timeout.
    Timeout,
    /// CA file.
    CaFile,
}

impl Field {
    /// The label of the field in the dialog.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Tenant => "Tenant",
            Self::TokenUrl => "Token URL",
            Self::ClientId => "Client ID",
            Self::ObjectId => "Application object ID",
            Self::Scope => "Scope",
            Self::Certificate => "Certificate",
            Self::Lifetime => "Assertion lifetime (s)",
            Self::GraphUrl => "Graph URL",
            Self::SiteId => "Default Site Id",
            Self::DriveId => "Default Drive Id",
            Self::RetryStatusCodes => "RetryStatusCodeList",
            Self::RetryMaxCount => "RetryCountMax",
            Self::ExtraHeaders => "Extra Headers",
            Self::Timeout => "Timeout (s)",
            Self::CaFile => "CA file",
        }
    }
}

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// What is wrong, in words the admin can act on.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

/// Which kind of certificate source the form shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertKind {
    /// A PFX / PKCS#12 file.
    #[default]
    PfxFile,
    /// PEM certificate and key files.
    PemFiles,
    /// An entry in the OS credential store.
    CredentialStore,
    /// A certificate in the Windows certificate store, signed with in place.
    WindowsStore,
    /// A certificate in Azure Key Vault, signed in the vault.
    KeyVault,
    /// A key on a hardware token through PKCS#11, signed with in place.
    Pkcs11,
}

impl CertKind {
    /// A file the admin chose (PFX or PEM): it may need a password, and the workshop applies.
    pub fn is_file(self) -> bool {
        matches!(self, Self::PfxFile | Self::PemFiles)
    }
}

/// The form's fields for a hardware token (PKCS#11), as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pkcs11Fields {
    /// The `pkcs11:` URI.
    pub uri: String,
    /// The module file (empty: the URI's, else the platform's usual ones).
    pub module: String,
    /// A certificate file for a token that holds only the key (empty: the token's).
    pub cert_pem: String,
}

/// The file(s) a typed password is for (see [`ProfileDraft::password_target`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordTarget {
    kind: CertKind,
    files: [String; 2],
}

/// The connection form as strings, exactly as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileDraft {
    /// The profile's stable id, carried through untouched (empty for a profile not saved yet).
    pub id: String,
    /// Profile name.
    pub name: String,
    /// Token URL preset.
    pub preset: Preset,
    /// Tenant ID or domain.
    pub tenant: String,
    /// Token URL (filled from the preset, editable).
    pub token_url: String,
    /// Application (client) ID.
    pub client_id: String,
    /// Application object ID (optional; for certificate rotation).
    pub object_id: String,
    /// Token request scope.
    pub scope: String,
    /// Which certificate source is selected.
    pub cert_kind: CertKind,
    /// PFX path.
    pub pfx_path: String,
    /// Alias of the key in a Java keystore (empty: the only key).
    pub keystore_alias: String,
    /// PEM certificate path.
    pub pem_cert_path: String,
    /// PEM key path.
    pub pem_key_path: String,
    /// Credential-store entry of the certificate.
    pub store_entry: String,
    /// Windows certificate store location.
    pub windows_location: StoreLocation,
    /// Windows certificate store thumbprint, as typed or chosen.
    pub windows_thumbprint: String,
    /// Azure Key Vault certificate identifier, as typed or chosen.
    pub key_vault_url: String,
    /// How the vault is reached.
    pub vault_access: crate::core::key_vault::VaultAccess,
    /// The hardware token's key, as a `pkcs11:` URI, and where its module and (optional)
    /// certificate file are.
    pub pkcs11: Pkcs11Fields,
    /// How the file's password is obtained.
    pub password: PasswordSource,
    /// Assertion algorithm.
    pub algorithm: AssertionAlgorithm,
    /// Send the `x5c` chain.
    pub send_chain: bool,
    /// Assertion lifetime in seconds.
    pub lifetime_secs: String,
    /// Graph base URL including version.
    pub graph_url: String,
    /// Default site id.
    pub site_id: String,
    /// Default drive id.
    pub drive_id: String,
    /// Retry mode.
    pub retry_mode: RetryMode,
    /// `429|503|423`.
    pub retry_codes: String,
    /// Retries after the first attempt.
    pub retry_max: String,
    /// Double each wait.
    pub multiply_wait: bool,
    /// Search option for non-indexed fields.
    pub non_indexed_search: bool,
    /// `H1:AAA||H2:BBB`.
    pub extra_headers: String,
    /// Whole-test timeout in seconds.
    pub timeout_secs: String,
    /// Extra trusted CA (PEM) path.
    pub ca_file: String,
    /// Public facts of the certificate as last loaded (kept, not edited).
    pub certificate_info: Option<CertificateInfo>,
    /// Where the settings came from (kept; only confirming an imported profile changes it).
    pub origin: Origin,
}

impl Default for ProfileDraft {
    /// The connector dialog's defaults: single tenant, global cloud, site `root`, retry on 429|503|423.
    fn default() -> Self {
        let preset = Preset::SingleTenant;
        let graph_url = preset.graph_url().unwrap_or_default();
        let retry = RetrySettings::default();
        Self {
            id: String::new(),
            name: String::new(),
            preset,
            tenant: String::new(),
            token_url: preset.token_url("").unwrap_or_default(),
            client_id: String::new(),
            object_id: String::new(),
            scope: url::Url::parse(&graph_url)
                .map(|u| default_scope(&u))
                .unwrap_or_default(),
            cert_kind: CertKind::PfxFile,
            pfx_path: String::new(),
            keystore_alias: String::new(),
            pem_cert_path: String::new(),
            pem_key_path: String::new(),
            store_entry: String::new(),
            windows_location: StoreLocation::CurrentUser,
            windows_thumbprint: String::new(),
            key_vault_url: String::new(),
            vault_access: crate::core::key_vault::VaultAccess::default(),
            pkcs11: Pkcs11Fields::default(),
            password: PasswordSource::Ask,
            algorithm: AssertionAlgorithm::Rs256,
            send_chain: false,
            lifetime_secs: DEFAULT_ASSERTION_LIFETIME_SECS.to_string(),
            graph_url,
            site_id: DEFAULT_SITE_ID.into(),
            drive_id: String::new(),
            retry_mode: retry.mode,
            retry_codes: format_status_codes(&retry.status_codes),
            retry_max: retry.max_count.to_string(),
            multiply_wait: retry.multiply_wait,
            non_indexed_search: false,
            extra_headers: String::new(),
            timeout_secs: DEFAULT_TIMEOUT_SECS.to_string(),
            ca_file: String::new(),
            certificate_info: None,
            origin: Origin::Local,
        }
    }
}

impl ProfileDraft {
    /// The client ID of [`ProfileDraft::example`].
    pub const EXAMPLE_CLIENT_ID: &str = "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b";

    /// A valid draft named `name`: single tenant `contoso.onmicrosoft.com`, a PFX file
    /// `private_key.pfx` (which need not exist), defaults elsewhere. What tests, benches and
    /// examples start from, so that each says only what it changes.
    pub fn example(name: &str) -> Self {
        let mut draft = Self {
            name: name.into(),
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: Self::EXAMPLE_CLIENT_ID.into(),
            pfx_path: "private_key.pfx".into(),
            ..Self::default()
        };
        draft.refresh_token_url();
        draft
    }

    /// Selects a preset: fills the token URL, Graph URL and scope from it (custom keeps them).
    pub fn apply_preset(&mut self, preset: Preset) {
        self.preset = preset;
        self.refresh_token_url();
        if let Some(graph_url) = preset.graph_url() {
            self.graph_url = graph_url;
            self.refresh_scope();
        }
    }

    /// Re-derives the token URL after the tenant changed (no-op for custom).
    pub fn refresh_token_url(&mut self) {
        if let Some(url) = self.preset.token_url(&self.tenant) {
            self.token_url = url;
        }
    }

    /// Re-derives the scope from the Graph URL.
    pub fn refresh_scope(&mut self) {
        if let Ok(url) = url::Url::parse(self.graph_url.trim()) {
            self.scope = default_scope(&url);
        }
    }

    /// Under a preset without a tenant of its own (Custom, Multi tenant) the greyed Tenant field
    /// shows the tenant the token URL names (its first path segment, when it is a GUID or a
    /// domain; nothing for `common`), never a stale one the profile does not use. Other presets
    /// keep the typed tenant, from which they build the URL.
    pub fn show_url_tenant(&mut self) {
        if !self.preset.needs_tenant() {
            let tenant = tenant_in_token_url(&self.token_url).unwrap_or_default();
            if self.tenant != tenant {
                self.tenant = tenant;
            }
        }
    }

    /// Whether the token URL and the Graph URL disagree, as far as both are valid URLs.
    pub fn graph_mismatch(&self) -> Option<GraphMismatch> {
        let token_url = parse_endpoint(&self.token_url).ok()?;
        let graph_url = parse_endpoint(&self.graph_url).ok()?;
        check_graph_url(&token_url, &graph_url, &self.scope)
    }

    /// The settings that go with the token URL, offered when the Graph URL does not (or is not
    /// a valid URL): empty when it does, or when certconnect knows no Graph for that server.
    pub fn graph_offers(&self) -> Vec<MatchingSettings> {
        let Ok(token_url) = parse_endpoint(&self.token_url) else {
            return Vec::new();
        };
        let agrees = parse_endpoint(&self.graph_url)
            .is_ok_and(|graph_url| check_graph_url(&token_url, &graph_url, &self.scope).is_none());
        if agrees {
            return Vec::new();
        }
        settings_for_token_url(&token_url)
    }

    /// Takes an offer from [`graph_offers`](Self::graph_offers): the tenant, the Graph URL (and
    /// the scope that follows it) and, when the URL is exactly a preset's, that preset.
    pub fn apply_matching(&mut self, settings: &MatchingSettings) {
        if let Some(tenant) = &settings.tenant {
            self.tenant.clone_from(tenant);
        }
        if settings.preset == Preset::Custom {
            self.graph_url.clone_from(&settings.graph_url);
            self.refresh_scope();
        } else {
            self.apply_preset(settings.preset);
        }
    }

    /// Checks every field; returns the profile or all field errors.
    pub fn parse(&self) -> Result<Profile, Vec<FieldError>> {
        let mut c = Checker::default();
        // Every part is parsed before any is combined, so every bad field is reported at once.
        let identity = self.parse_identity(&mut c);
        let certificate = c.take(Field::Certificate, self.certificate_source());
        let lifetime_secs = c.take(
            Field::Lifetime,
            parse_in_range(&self.lifetime_secs, ASSERTION_LIFETIME_RANGE, "seconds"),
        );
        let graph = self.parse_graph(&mut c);
        let retry = self.parse_retry(&mut c);
        let extra_headers = c.take(Field::ExtraHeaders, parse_headers(&self.extra_headers));
        let timeout_secs = c.take(
            Field::Timeout,
            parse_in_range(&self.timeout_secs, TIMEOUT_RANGE, "seconds"),
        );
        let ca_file = self.ca_file.trim();
        let ca_file = c.take(
            Field::CaFile,
            check_no_control(ca_file)
                .map(|()| (!ca_file.is_empty()).then(|| PathBuf::from(ca_file))),
        );
        let (
            Some(identity),
            Some(certificate),
            Some(lifetime_secs),
            Some(graph),
            Some(retry),
            Some(extra_headers),
            Some(timeout_secs),
            Some(ca_file),
        ) = (
            identity,
            certificate,
            lifetime_secs,
            graph,
            retry,
            extra_headers,
            timeout_secs,
            ca_file,
        )
        else {
            return Err(c.errors);
        };
        Ok(Profile {
            // The id is an identity, not input: it is carried through unchecked.
            id: self.id.clone(),
            name: identity.name,
            authority: identity.authority,
            client_id: identity.client_id,
            object_id: identity.object_id,
            scope: identity.scope,
            certificate,
            assertion: AssertionOptions {
                algorithm: self.algorithm,
                send_chain: self.send_chain,
                lifetime_secs,
            },
            graph_url: graph.url,
            site_id: graph.site_id,
            drive_id: graph.drive_id,
            retry,
            non_indexed_search: self.non_indexed_search,
            extra_headers,
            timeout_secs,
            ca_file,
            certificate_info: self.certificate_info.clone(),
            origin: self.origin.clone(),
        })
    }

    /// The General tab: name, authority, client and object ids, scope.
    fn parse_identity(&self, c: &mut Checker) -> Option<Identity> {
        let name = self.name.trim();
        let name = c.take(Field::Name, check_name(name).map(|()| name.to_owned()));
        let tenant = self.tenant.trim();
        let tenant = if self.preset.needs_tenant() {
            c.take(
                Field::Tenant,
                check_tenant(tenant).map(|()| tenant.to_owned()),
            )
        } else {
            Some(String::new())
        };
        let token_url = c.take(Field::TokenUrl, parse_token_url(&self.token_url));
        let client_id = c.take(
            Field::ClientId,
            normalize_guid(&self.client_id).ok_or_else(|| {
                "the Client ID is the app registration's Application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000".to_owned()
            }),
        );
        let object_id = c.take(Field::ObjectId, self.parse_object_id());
        let scope = self.scope.trim();
        let scope = c.take(Field::Scope, check_scope(scope).map(|()| scope.to_owned()));
        Some(Identity {
            name: name?,
            authority: Authority {
                preset: self.preset,
                tenant: tenant?,
                token_url: token_url?,
            },
            client_id: client_id?,
            object_id: object_id?,
            scope: scope?,
        })
    }

    /// The Graph tab: the URL and the default site and drive.
    fn parse_graph(&self, c: &mut Checker) -> Option<GraphTarget> {
        let url = c.take(Field::GraphUrl, parse_endpoint(&self.graph_url));
        let site_id = match self.site_id.trim() {
            "" => DEFAULT_SITE_ID,
            site => site,
        };
        let site_id = c.take(
            Field::SiteId,
            check_path_id(site_id, "site id", true).map(|()| site_id.to_owned()),
        );
        let drive_id = self.drive_id.trim();
        let drive_id = c.take(
            Field::DriveId,
            check_path_id(drive_id, "drive id", false)
                .map(|()| (!drive_id.is_empty()).then(|| drive_id.to_owned())),
        );
        Some(GraphTarget {
            url: url?,
            site_id: site_id?,
            drive_id: drive_id?,
        })
    }

    /// The retry settings.
    fn parse_retry(&self, c: &mut Checker) -> Option<RetrySettings> {
        let status_codes = c.take(Field::RetryStatusCodes, self.parse_retry_codes());
        let max_count = c.take(
            Field::RetryMaxCount,
            parse_in_range(&self.retry_max, 0..=MAX_RETRY_COUNT, "retries"),
        );
        Some(RetrySettings {
            mode: self.retry_mode,
            status_codes: status_codes?,
            max_count: max_count?,
            multiply_wait: self.multiply_wait,
        })
    }

    fn parse_retry_codes(&self) -> Result<Vec<u16>, String> {
        let codes = parse_status_codes(&self.retry_codes)?;
        if codes.is_empty() && self.retry_mode == RetryMode::RetryWhenStatusCodeMatch {
            return Err(
                "RetryWhenStatusCodeMatch needs at least one status code, e.g. 429|503|423".into(),
            );
        }
        Ok(codes)
    }

    /// The optional application object ID: a GUID, and not the client ID (the portal shows both
    /// on the app registration's Overview page, and the client ID is the one people copy).
    pub(in crate::core) fn parse_object_id(&self) -> Result<Option<String>, String> {
        let text = self.object_id.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let object_id = normalize_guid(text).ok_or_else(|| {
            "the Application object ID is the \"Object ID\" on the app registration's Overview page, a GUID like 00000000-0000-0000-0000-000000000000".to_owned()
        })?;
        if normalize_guid(&self.client_id).as_deref() == Some(object_id.as_str()) {
            return Err("this is the Client ID; the Object ID is the other GUID on the app registration's Overview page (\"Object ID\", not \"Application (client) ID\")".into());
        }
        Ok(Some(object_id))
    }

    /// What a password typed in the form would open: the chosen file(s), while the form asks for
    /// a password (`None` when the file has no password, or the source is not a file). A password
    /// typed for one target is never used for another: the app wipes it when this changes.
    pub fn password_target(&self) -> Option<PasswordTarget> {
        if self.password == PasswordSource::None {
            return None;
        }
        let files = match self.cert_kind {
            CertKind::PfxFile => [self.pfx_path.trim().to_owned(), String::new()],
            CertKind::PemFiles => [
                self.pem_cert_path.trim().to_owned(),
                self.pem_key_path.trim().to_owned(),
            ],
            // A PIN typed for one key is not used for another.
            CertKind::Pkcs11 => [
                self.pkcs11.uri.trim().to_owned(),
                self.pkcs11.module.trim().to_owned(),
            ],
            CertKind::CredentialStore | CertKind::WindowsStore | CertKind::KeyVault => return None,
        };
        Some(PasswordTarget {
            kind: self.cert_kind,
            files,
        })
    }

    /// The certificate source as the form describes it, or why the choice is incomplete.
    ///
    /// Only the chosen kind's fields are read. The others (a credential-store entry while a file
    /// is chosen, a keystore alias while PEM files are, a Windows thumbprint) are ignored while
    /// hidden rather than cleared: none is a secret, and switching back shows them again as they
    /// were, so what is used is always what the form shows.
    pub fn certificate_source(&self) -> Result<CertificateSource, String> {
        let path = file_path;
        match self.cert_kind {
            CertKind::PfxFile => Ok(CertificateSource::PfxFile {
                path: path(&self.pfx_path, "PFX file")?,
                password: self.password.clone(),
                alias: match self.keystore_alias.trim() {
                    "" => None,
                    alias => {
                        check_no_control(alias)?;
                        Some(alias.to_owned())
                    }
                },
            }),
            CertKind::PemFiles => Ok(CertificateSource::PemFiles {
                certificate: path(&self.pem_cert_path, "certificate file")?,
                key: path(&self.pem_key_path, "private key file")?,
                password: self.password.clone(),
            }),
            CertKind::CredentialStore => {
                let entry = self.store_entry.trim();
                if entry.is_empty() {
                    return Err("choose a certificate from the credential store".into());
                }
                check_no_control(entry)?;
                Ok(CertificateSource::CredentialStore {
                    entry: entry.to_owned(),
                })
            }
            CertKind::WindowsStore => {
                if self.windows_thumbprint.trim().is_empty() {
                    return Err("choose a certificate from the Windows certificate store".into());
                }
                let thumbprint = crate::core::thumbprint::parse_pasted(&self.windows_thumbprint)?;
                if thumbprint.len() != 40 {
                    return Err(
                        "the Windows certificate store finds certificates by their SHA-1 \
                         thumbprint (40 hex digits)"
                            .into(),
                    );
                }
                Ok(CertificateSource::WindowsStore {
                    location: self.windows_location,
                    thumbprint,
                })
            }
            CertKind::KeyVault => self.key_vault_source(),
            CertKind::Pkcs11 => self.pkcs11.source(self.password.clone()),
        }
    }

    /// A Key Vault certificate's identifier, checked, in a vault of the token URL's cloud.
    fn key_vault_source(&self) -> Result<CertificateSource, String> {
        use crate::core::key_vault::{CertificateId, check_cloud};
        if self.key_vault_url.trim().is_empty() {
            return Err("give the certificate's Key Vault identifier \
                 (https://NAME.vault.azure.net/certificates/CERT)"
                .into());
        }
        let id = CertificateId::parse(&self.key_vault_url)?;
        let cloud = url::Url::parse(self.token_url.trim()).ok().and_then(|u| {
            u.host_str()
                .and_then(super::authority::Cloud::of_login_host)
        });
        check_cloud(&id.vault, cloud)?;
        match &self.vault_access {
            crate::core::key_vault::VaultAccess::Profile(name) if name.trim().is_empty() => {
                return Err("name the saved profile that reaches the vault".into());
            }
            crate::core::key_vault::VaultAccess::Profile(name)
                if name.trim() == self.name.trim() =>
            {
                return Err(
                    "a profile cannot reach its own vault with itself; choose another profile"
                        .into(),
                );
            }
            crate::core::key_vault::VaultAccess::ManagedIdentity {
                client_id: Some(id),
            } if !super::guid::is_guid(id) => {
                return Err(format!(
                    "'{id}' is not a client ID; a user-assigned identity's client ID is a GUID"
                ));
            }
            _ => {}
        }
        Ok(CertificateSource::KeyVault {
            url: id.url(),
            access: self.vault_access.clone(),
        })
    }
}

impl From<&Profile> for ProfileDraft {
    fn from(profile: &Profile) -> Self {
        let keystore_alias = match &profile.certificate {
            CertificateSource::PfxFile { alias, .. } => alias.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let (cert_kind, pfx_path, pem_cert_path, pem_key_path, store_entry, password) =
            match &profile.certificate {
                CertificateSource::PfxFile { path, password, .. } => (
                    CertKind::PfxFile,
                    display(path),
                    String::new(),
                    String::new(),
                    String::new(),
                    password.clone(),
                ),
                CertificateSource::PemFiles {
                    certificate,
                    key,
                    password,
                } => (
                    CertKind::PemFiles,
                    String::new(),
                    display(certificate),
                    display(key),
                    String::new(),
                    password.clone(),
                ),
                CertificateSource::CredentialStore { entry } => (
                    CertKind::CredentialStore,
                    String::new(),
                    String::new(),
                    String::new(),
                    entry.clone(),
                    PasswordSource::None,
                ),
                CertificateSource::KeyVault { .. } => (
                    CertKind::KeyVault,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    PasswordSource::None,
                ),
                CertificateSource::Pkcs11 { pin, .. } => (
                    CertKind::Pkcs11,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    pin.clone(),
                ),
                CertificateSource::WindowsStore { .. } => (
                    CertKind::WindowsStore,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    PasswordSource::None,
                ),
            };
        let (windows_location, windows_thumbprint) = match &profile.certificate {
            CertificateSource::WindowsStore {
                location,
                thumbprint,
            } => (*location, thumbprint.clone()),
            _ => (StoreLocation::default(), String::new()),
        };
        let (key_vault_url, vault_access) = match &profile.certificate {
            CertificateSource::KeyVault { url, access } => (url.clone(), access.clone()),
            _ => (
                String::new(),
                crate::core::key_vault::VaultAccess::default(),
            ),
        };
        let mut draft = Self {
            id: profile.id.clone(),
            name: profile.name.clone(),
            preset: profile.authority.preset,
            tenant: profile.authority.tenant.clone(),
            token_url: profile.authority.token_url.to_string(),
            client_id: profile.client_id.clone(),
            object_id: profile.object_id.clone().unwrap_or_default(),
            scope: profile.scope.clone(),
            cert_kind,
            pfx_path,
            keystore_alias,
            pem_cert_path,
            pem_key_path,
            store_entry,
            windows_location,
            windows_thumbprint,
            key_vault_url,
            vault_access,
            pkcs11: Pkcs11Fields::of(&profile.certificate),
            password,
            algorithm: profile.assertion.algorithm,
            send_chain: profile.assertion.send_chain,
            lifetime_secs: profile.assertion.lifetime_secs.to_string(),
            graph_url: profile.graph_url.to_string(),
            site_id: profile.site_id.clone(),
            drive_id: profile.drive_id.clone().unwrap_or_default(),
            retry_mode: profile.retry.mode,
            retry_codes: format_status_codes(&profile.retry.status_codes),
            retry_max: profile.retry.max_count.to_string(),
            multiply_wait: profile.retry.multiply_wait,
            non_indexed_search: profile.non_indexed_search,
            extra_headers: format_headers(&profile.extra_headers),
            timeout_secs: profile.timeout_secs.to_string(),
            ca_file: profile.ca_file.as_deref().map(display).unwrap_or_default(),
            certificate_info: profile.certificate_info.clone(),
            origin: profile.origin.clone(),
        };
        draft.show_url_tenant();
        draft
    }
}

/// The General tab's checked values.
struct Identity {
    name: String,
    authority: Authority,
    client_id: String,
    object_id: Option<String>,
    scope: String,
}

/// The Graph tab's checked values.
struct GraphTarget {
    url: url::Url,
    site_id: String,
    drive_id: Option<String>,
}

/// A certificate source's file path as typed: required, with no control character.
fn file_path(text: &str, what: &str) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("choose the {what}"));
    }
    check_no_control(text)?;
    Ok(PathBuf::from(text))
}

/// One of the two files of the PEM source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PemFile {
    /// The certificate file.
    Certificate,
    /// The private key file.
    PrivateKey,
}

impl ProfileDraft {
    /// Which PEM file the Certificate field's problem is about (the certificate is checked first),
    /// so the form shows the message under that file's field; `None` when both are fine or the
    /// source is not PEM files.
    pub fn pem_file_at_fault(&self) -> Option<PemFile> {
        if self.cert_kind != CertKind::PemFiles {
            return None;
        }
        if file_path(&self.pem_cert_path, "certificate file").is_err() {
            Some(PemFile::Certificate)
        } else if file_path(&self.pem_key_path, "private key file").is_err() {
            Some(PemFile::PrivateKey)
        } else {
            None
        }
    }
}

/// Collects field errors while parsing, so every bad field is reported at once.
#[derive(Default)]
struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn take<T>(&mut self, field: Field, result: Result<T, String>) -> Option<T> {
        result
            .map_err(|message| self.errors.push(FieldError { field, message }))
            .ok()
    }
}

fn parse_token_url(text: &str) -> Result<url::Url, String> {
    let url = parse_endpoint(text)?;
    if url.as_str().contains("%7Btenant%7D") || url.as_str().contains("{tenant}") {
        return Err("the URL still contains {tenant}: enter the tenant".into());
    }
    Ok(url)
}

fn display(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// The longest profile name accepted.
pub const MAX_NAME_CHARS: usize = 100;

/// Checks a profile name (also used when renaming).
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("give the profile a name".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("at most {MAX_NAME_CHARS} characters"));
    }
    check_no_control(name)
}

fn check_tenant(tenant: &str) -> Result<(), String> {
    if tenant.is_empty() {
        return Err(
            "enter the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com"
                .into(),
        );
    }
    if super::authority::NON_TENANTS.contains(&tenant.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "'{tenant}' does not name a tenant; use the Multi tenant preset for it, or enter your tenant ID"
        ));
    }
    if !is_plausible_tenant(tenant) {
        return Err(format!(
            "'{}' is neither a tenant ID (GUID) nor a domain name",
            tenant.escape_debug()
        ));
    }
    Ok(())
}

fn check_scope(scope: &str) -> Result<(), String> {
    if scope.is_empty() {
        return Err("enter the scope, normally https://graph.microsoft.com/.default".into());
    }
    if scope.contains(char::is_whitespace) {
        return Err("a client-credentials request takes exactly one scope (no spaces)".into());
    }
    Ok(())
}

fn check_path_id(id: &str, what: &str, allow_path: bool) -> Result<(), String> {
    check_no_control(id)?;
    let forbidden: &[char] = if allow_path {
        &['?', '#', ' ']
    } else {
        &['/', '?', '#', ' ']
    };
    match id.find(forbidden) {
        Some(at) => Err(format!("a {what} cannot contain '{}'", &id[at..=at])),
        None => Ok(()),
    }
}

fn check_no_control(text: &str) -> Result<(), String> {
    if text.chars().any(char::is_control) {
        Err("contains a control character (line break or tab)".into())
    } else {
        Ok(())
    }
}

fn parse_in_range(
    text: &str,
    range: std::ops::RangeInclusive<u32>,
    unit: &str,
) -> Result<u32, String> {
    let text = text.trim();
    match text.parse::<u32>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "enter a whole number of {unit} from {} to {}",
            range.start(),
            range.end()
        )),
    }
}
