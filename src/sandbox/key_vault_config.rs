//! What the sandbox's Key Vault holds: certificates with their versions and keys (made with
//! OpenSSL here, never given out), who may do what, and the managed identities it issues tokens to.

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509Builder, X509NameBuilder};

/// One version of a vault certificate, with its key kept in the vault.
#[derive(Clone)]
pub struct VaultCertificateVersion {
    /// The version id (32 hex digits, as Key Vault makes them).
    pub version: String,
    /// The certificate.
    pub certificate: X509,
    /// The key (RSA or EC); it only ever signs inside the sandbox.
    pub key: PKey<Private>,
    /// Whether the version is enabled.
    pub enabled: bool,
    /// Whether the policy marks the key exportable.
    pub exportable: bool,
}

/// A certificate in the vault: its versions, oldest first (the last is the current one).
#[derive(Clone)]
pub struct VaultCertificate {
    /// The certificate's name.
    pub name: String,
    /// Its versions, oldest first.
    pub versions: Vec<VaultCertificateVersion>,
}

/// An operation the vault's access control grants (the access-policy permission, or what an RBAC
/// role carries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaultPermission {
    /// `certificates/get`.
    CertificatesGet,
    /// `certificates/list`.
    CertificatesList,
    /// `certificates/create`.
    CertificatesCreate,
    /// `keys/sign`.
    KeysSign,
}

impl VaultPermission {
    /// Everything a connector needs: get, list and sign.
    pub const CONNECTOR: [Self; 3] = [
        Self::CertificatesGet,
        Self::CertificatesList,
        Self::KeysSign,
    ];

    /// The permission's name as Key Vault spells it in a refusal.
    pub fn name(self) -> &'static str {
        match self {
            Self::CertificatesGet => "certificates get",
            Self::CertificatesList => "certificates list",
            Self::CertificatesCreate => "certificates create",
            Self::KeysSign => "keys sign",
        }
    }
}

/// The permissions of one identity (the token's `appid`: an app's client ID, a managed identity's
/// client ID, or the Azure CLI user's stand-in id).
#[derive(Clone, Debug)]
pub struct VaultGrant {
    /// The token's `appid`.
    pub identity: String,
    /// What it may do.
    pub permissions: Vec<VaultPermission>,
}

/// The sandbox's Key Vault and managed-identity endpoint.
#[derive(Clone, Default)]
pub struct KeyVaultConfig {
    /// The certificates.
    pub certificates: Vec<VaultCertificate>,
    /// Who may do what.
    pub grants: Vec<VaultGrant>,
    /// Client IDs of the managed identities the identity endpoint issues tokens to; the first is
    /// the system-assigned one, the others are user-assigned (asked for by `client_id`).
    pub managed_identities: Vec<String>,
    /// The secret App Service puts in `IDENTITY_HEADER`; its endpoint refuses requests without it.
    pub identity_header: String,
    /// Certificates per page of `GET /certificates` (0: 25, as Key Vault's default).
    pub page_size: usize,
}

/// The key type of a made vault certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaultKeyType {
    /// RSA 2048.
    Rsa,
    /// EC P-256 (which Entra refuses for assertions).
    Ec,
}

/// Makes a self-signed certificate version with a fresh key: valid from `valid_from_days` to
/// `valid_to_days` around now (negative both: expired).
pub fn make_vault_version(
    common_name: &str,
    version: &str,
    key_type: VaultKeyType,
    valid_from_days: i64,
    valid_to_days: i64,
) -> Result<VaultCertificateVersion, ErrorStack> {
    let key = match key_type {
        VaultKeyType::Rsa => PKey::from_rsa(Rsa::generate(2048)?)?,
        VaultKeyType::Ec => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
            PKey::from_ec_key(EcKey::generate(&group)?)?
        }
    };
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_text("CN", common_name)?;
    let name = name.build();
    let mut builder = X509Builder::new()?;
    builder.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    builder.set_serial_number(&serial)?;
    builder.set_subject_name(&name)?;
    builder.set_issuer_name(&name)?;
    builder.set_pubkey(&key)?;
    let now = crate::probe::system_now();
    let not_before = Asn1Time::from_unix(now + valid_from_days * 86_400)?;
    let not_after = Asn1Time::from_unix(now + valid_to_days * 86_400)?;
    builder.set_not_before(&not_before)?;
    builder.set_not_after(&not_after)?;
    builder.sign(&key, MessageDigest::sha256())?;
    Ok(VaultCertificateVersion {
        version: version.to_owned(),
        certificate: builder.build(),
        key,
        enabled: true,
        exportable: false,
    })
}
