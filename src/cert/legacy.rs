//! OpenSSL 3's legacy provider, for PFX files exported by old Windows and `openssl pkcs12 -legacy`.

use std::sync::OnceLock;

use openssl::provider::Provider;

static LEGACY: OnceLock<Option<Provider>> = OnceLock::new();

/// Loads the legacy provider once for the whole process, keeping the default provider active
/// (`retain_fallbacks = true`: loading any provider explicitly would otherwise disable the default
/// one). The provider stays loaded until exit because dropping it would unload it.
///
/// Returns false when the provider is not available (a system OpenSSL without `legacy.so`); files
/// that need it then fail with [`super::CertError::LegacyAlgorithm`].
pub(crate) fn ensure_loaded() -> bool {
    LEGACY
        .get_or_init(|| Provider::try_load(None, "legacy", true).ok())
        .is_some()
}

/// Whether the provider has been loaded (or found missing) already.
pub(crate) fn is_loaded() -> bool {
    LEGACY.get().is_some()
}
