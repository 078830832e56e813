//! Signing with a certificate's private key where it is kept: a CNG key (NCrypt), or a legacy
//! CryptoAPI provider context. Both sign a SHA-256 digest certconnect computes; the key's bytes
//! never leave the provider.

// The parent module's `expect(unsafe_code)` covers this one: it is the same FFI boundary.

use std::ffi::c_void;
use std::fmt;
use std::ptr;
use std::sync::{Mutex, PoisonError};

use windows_sys::Win32::Foundation::NTE_BAD_ALGID;
use windows_sys::Win32::Security::Cryptography::{
    BCRYPT_PAD_PKCS1, BCRYPT_PAD_PSS, BCRYPT_PKCS1_PADDING_INFO, BCRYPT_PSS_PADDING_INFO,
    BCRYPT_SHA256_ALGORITHM, CALG_SHA_256, CERT_NCRYPT_KEY_SPEC,
    CRYPT_ACQUIRE_PREFER_NCRYPT_KEY_FLAG, CRYPT_MACHINE_KEYSET, CryptAcquireCertificatePrivateKey,
    CryptAcquireContextW, CryptCreateHash, CryptDestroyHash, CryptGetProvParam,
    CryptReleaseContext, CryptSetHashParam, CryptSignHashW, HP_HASHVAL, MS_ENH_RSA_AES_PROV_W,
    NCryptFreeObject, NCryptSignHash, PP_CONTAINER, PROV_RSA_AES,
};

use super::{CertContext, Failed, ProvInfo, Store};
use crate::cert::windows_cert_store::convert::{self, PSS_SALT_LEN};
use crate::cert::windows_cert_store::{SignAlgorithm, StoreLocation, WinStoreError};

/// NTE_BAD_ALGID as GetLastError reports it.
const BAD_ALGID: u32 = NTE_BAD_ALGID as u32;

/// The private key of an opened certificate.
pub(in crate::cert::windows_cert_store) struct Key {
    /// The provider handle. Providers do not promise that one handle signs on two threads at
    /// once, so the lock takes turns.
    handle: Mutex<Handle>,
    api: Api,
    provider: String,
    location: StoreLocation,
    // The certificate and store the key came through stay open as long as the key does.
    // Declared after `handle`, so they are released after it.
    _cert: CertContext,
    _store: Store,
}

/// Which Windows API holds the key; it decides what the key can sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    /// CNG (NCrypt): PKCS#1 v1.5 and PSS.
    Cng,
    /// Legacy CryptoAPI: PKCS#1 v1.5 only.
    CryptoApi,
}

/// A key handle, freed on drop when certconnect owns it.
enum Handle {
    Cng {
        key: usize,
        owned: bool,
    },
    CryptoApi {
        provider: usize,
        spec: u32,
        owned: bool,
    },
}

impl Drop for Handle {
    fn drop(&mut self) {
        match *self {
            // SAFETY: an owned NCRYPT_KEY_HANDLE from CryptAcquireCertificatePrivateKey, freed once.
            Self::Cng { key, owned: true } => unsafe {
                NCryptFreeObject(key);
            },
            // SAFETY: an owned HCRYPTPROV (acquired or reopened), released once.
            Self::CryptoApi {
                provider,
                owned: true,
                ..
            } => unsafe {
                CryptReleaseContext(provider, 0);
            },
            // Not ours: the certificate context keeps and frees it.
            _ => {}
        }
    }
}

impl Key {
    /// Opens the certificate's private key. Takes the store and the certificate, to keep them
    /// open as long as the key.
    pub(super) fn acquire(
        store: Store,
        cert: CertContext,
        info: ProvInfo,
        location: StoreLocation,
    ) -> Result<Self, Failed> {
        let (mut raw, mut spec, mut owned) = (0usize, 0u32, 0i32);
        // SAFETY: the context is live, the three out-pointers are valid locals, and no extra
        // parameters are passed. Without CRYPT_ACQUIRE_CACHE_FLAG the handle is normally ours
        // to free; `owned` says so either way.
        let acquired = unsafe {
            CryptAcquireCertificatePrivateKey(
                cert.0,
                CRYPT_ACQUIRE_PREFER_NCRYPT_KEY_FLAG,
                ptr::null(),
                &mut raw,
                &mut spec,
                &mut owned,
            )
        };
        if acquired == 0 {
            return Err(Failed::last("CryptAcquireCertificatePrivateKey"));
        }
        let owned = owned != 0;
        let (handle, api) = if spec == CERT_NCRYPT_KEY_SPEC {
            (Handle::Cng { key: raw, owned }, Api::Cng)
        } else {
            let handle = Handle::CryptoApi {
                provider: raw,
                spec,
                owned,
            };
            let machine =
                info.flags & CRYPT_MACHINE_KEYSET != 0 || location == StoreLocation::LocalMachine;
            (with_sha256(handle, &info, machine)?, Api::CryptoApi)
        };
        Ok(Self {
            handle: Mutex::new(handle),
            api,
            provider: info.provider,
            location,
            _cert: cert,
            _store: store,
        })
    }

    pub(in crate::cert::windows_cert_store) fn supports(&self, algorithm: SignAlgorithm) -> bool {
        self.api == Api::Cng || algorithm == SignAlgorithm::Rs256
    }

    pub(in crate::cert::windows_cert_store) fn provider(&self) -> &str {
        &self.provider
    }

    pub(in crate::cert::windows_cert_store) fn sign(
        &self,
        algorithm: SignAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, WinStoreError> {
        if !self.supports(algorithm) {
            return Err(WinStoreError::AlgorithmUnsupported {
                provider: self.provider.clone(),
                algorithm,
            });
        }
        let digest = convert::sha256(message);
        // A panic elsewhere while signing leaves the handle as valid as before: carry on.
        let handle = self.handle.lock().unwrap_or_else(PoisonError::into_inner);
        let signed = match *handle {
            Handle::Cng { key, .. } => cng_sign(key, algorithm, &digest),
            Handle::CryptoApi { provider, spec, .. } => {
                cryptoapi_sign(provider, spec, &digest).map(convert::little_to_big_endian)
            }
        };
        signed.map_err(|failed| failed.into_error(self.location))
    }
}

impl fmt::Debug for Key {
    /// The provider, the API and the store: no handle values, nothing about the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformKey")
            .field("provider", &self.provider)
            .field("api", &self.api)
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// Signs a SHA-256 digest with a CNG key; CNG answers big-endian already.
fn cng_sign(key: usize, algorithm: SignAlgorithm, digest: &[u8; 32]) -> Result<Vec<u8>, Failed> {
    let pkcs1 = BCRYPT_PKCS1_PADDING_INFO {
        pszAlgId: BCRYPT_SHA256_ALGORITHM,
    };
    let pss = BCRYPT_PSS_PADDING_INFO {
        pszAlgId: BCRYPT_SHA256_ALGORITHM,
        cbSalt: PSS_SALT_LEN,
    };
    let (padding, flags): (*const c_void, u32) = match algorithm {
        SignAlgorithm::Rs256 => ((&raw const pkcs1).cast(), BCRYPT_PAD_PKCS1),
        SignAlgorithm::Ps256 => ((&raw const pss).cast(), BCRYPT_PAD_PSS),
    };
    let what = "NCryptSignHash";
    let mut size = 0u32;
    // SAFETY: the key handle is live (the caller holds its lock); the padding structure matches
    // the padding flag and outlives the call; the digest is 32 readable bytes; a null output
    // buffer asks for the signature's size only.
    let status = unsafe {
        NCryptSignHash(
            key,
            padding,
            digest.as_ptr(),
            32,
            ptr::null_mut(),
            0,
            &mut size,
            flags,
        )
    };
    check_status(what, status)?;
    let mut signature = vec![0u8; size as usize];
    // SAFETY: as above, with an output buffer of `size` writable bytes.
    let status = unsafe {
        NCryptSignHash(
            key,
            padding,
            digest.as_ptr(),
            32,
            signature.as_mut_ptr(),
            size,
            &mut size,
            flags,
        )
    };
    check_status(what, status)?;
    signature.truncate(size as usize);
    Ok(signature)
}

/// A SECURITY_STATUS (an HRESULT) as a result.
fn check_status(what: &'static str, status: i32) -> Result<(), Failed> {
    match status {
        0 => Ok(()),
        _ => Err(Failed {
            what,
            code: status as u32,
        }),
    }
}

/// Signs a SHA-256 digest (PKCS#1 v1.5) with a CryptoAPI key; the signature is little-endian.
fn cryptoapi_sign(provider: usize, spec: u32, digest: &[u8; 32]) -> Result<Vec<u8>, Failed> {
    let mut failed = Failed {
        what: "CryptSignHashW",
        code: 0,
    };
    for &spec in convert::key_spec_candidates(spec) {
        let hash = Hash::sha256(provider)?;
        hash.set_value(digest)?;
        match hash.sign(spec) {
            Ok(signature) => return Ok(signature),
            Err(error) => failed = error,
        }
    }
    Err(failed)
}

/// A CryptoAPI context that can hash SHA-256. Keys of old PFX imports (and every key under wine)
/// sit in the "Microsoft Enhanced Cryptographic Provider v1.0", which predates SHA-2; the same
/// key container opens in the "Microsoft Enhanced RSA and AES Cryptographic Provider", which has it.
fn with_sha256(handle: Handle, info: &ProvInfo, machine: bool) -> Result<Handle, Failed> {
    let &Handle::CryptoApi { provider, spec, .. } = &handle else {
        return Ok(handle);
    };
    match Hash::sha256(provider) {
        Ok(_) => Ok(handle),
        Err(Failed {
            code: BAD_ALGID, ..
        }) => {
            let container = container_name(provider).unwrap_or_else(|| info.container.clone());
            let reopened = open_aes(&container, machine)?;
            // `handle` (the first context) is released when it goes out of scope here.
            Ok(Handle::CryptoApi {
                provider: reopened,
                spec,
                owned: true,
            })
        }
        Err(failed) => Err(failed),
    }
}

/// The key container a CryptoAPI context has open.
fn container_name(provider: usize) -> Option<String> {
    let mut size = 0u32;
    // SAFETY: the context is live; a null buffer asks for the name's size only.
    let sized = unsafe { CryptGetProvParam(provider, PP_CONTAINER, ptr::null_mut(), &mut size, 0) };
    if sized == 0 {
        return None;
    }
    let mut name = vec![0u8; size as usize];
    // SAFETY: the buffer holds `size` writable bytes, as `size` says.
    let read =
        unsafe { CryptGetProvParam(provider, PP_CONTAINER, name.as_mut_ptr(), &mut size, 0) };
    if read == 0 {
        return None;
    }
    Some(convert::from_narrow(&name)).filter(|name| !name.is_empty())
}

/// Opens a key container in the Enhanced RSA and AES provider.
fn open_aes(container: &str, machine: bool) -> Result<usize, Failed> {
    let container = convert::to_wide(container);
    let flags = if machine { CRYPT_MACHINE_KEYSET } else { 0 };
    let mut provider = 0usize;
    // SAFETY: the container and provider names are NUL-terminated UTF-16 that outlive the call;
    // `provider` is a valid out-pointer. The context is then owned by the returned Handle.
    let opened = unsafe {
        CryptAcquireContextW(
            &mut provider,
            container.as_ptr(),
            MS_ENH_RSA_AES_PROV_W,
            PROV_RSA_AES,
            flags,
        )
    };
    if opened == 0 {
        Err(Failed::last(
            "CryptAcquireContextW (Microsoft Enhanced RSA and AES Cryptographic Provider)",
        ))
    } else {
        Ok(provider)
    }
}

/// A CryptoAPI hash object, destroyed on drop.
struct Hash(usize);

impl Hash {
    fn sha256(provider: usize) -> Result<Self, Failed> {
        let mut hash = 0usize;
        // SAFETY: the context is live; `hash` is a valid out-pointer; no key, no flags.
        let created = unsafe { CryptCreateHash(provider, CALG_SHA_256, 0, 0, &mut hash) };
        if created == 0 {
            Err(Failed::last("CryptCreateHash (SHA-256)"))
        } else {
            Ok(Self(hash))
        }
    }

    /// Sets the digest computed by certconnect instead of hashing the message again.
    fn set_value(&self, digest: &[u8; 32]) -> Result<(), Failed> {
        // SAFETY: HP_HASHVAL reads the hash's size (32 bytes for SHA-256) from `digest`.
        let set = unsafe { CryptSetHashParam(self.0, HP_HASHVAL, digest.as_ptr(), 0) };
        if set == 0 {
            Err(Failed::last("CryptSetHashParam"))
        } else {
            Ok(())
        }
    }

    /// Signs the hash with the key `spec` of the hash's context (PKCS#1 v1.5, little-endian).
    fn sign(&self, spec: u32) -> Result<Vec<u8>, Failed> {
        let mut size = 0u32;
        // SAFETY: the hash is live; a null buffer asks for the signature's size only.
        let sized =
            unsafe { CryptSignHashW(self.0, spec, ptr::null(), 0, ptr::null_mut(), &mut size) };
        if sized == 0 {
            return Err(Failed::last("CryptSignHashW"));
        }
        let mut signature = vec![0u8; size as usize];
        // SAFETY: the buffer holds `size` writable bytes, as `size` says.
        let signed = unsafe {
            CryptSignHashW(
                self.0,
                spec,
                ptr::null(),
                0,
                signature.as_mut_ptr(),
                &mut size,
            )
        };
        if signed == 0 {
            return Err(Failed::last("CryptSignHashW"));
        }
        signature.truncate(size as usize);
        Ok(signature)
    }
}

impl Drop for Hash {
    fn drop(&mut self) {
        // SAFETY: the hash came from CryptCreateHash and is destroyed once, here.
        unsafe { CryptDestroyHash(self.0) };
    }
}
