//! The calls into Windows: CryptoAPI (crypt32) for the stores and PFX import; the keys are in
//! `key`.
//!
//! This is the crate's one exception to `deny(unsafe_code)`: the certificate store and the key
//! providers exist only behind C functions (CryptoAPI and CNG), so every call is FFI. Each handle
//! is owned by a small type that frees it exactly once on drop, and every `unsafe` block says why
//! it is sound.

#![cfg(windows)]
#![expect(
    unsafe_code,
    reason = "the CryptoAPI and CNG calls are the only unsafe code in certconnect"
)]

mod key;

use std::ptr;

use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_INVALID_PARAMETER, GetLastError};
use windows_sys::Win32::Security::Cryptography::{
    CERT_CONTEXT, CERT_FIND_HASH, CERT_KEY_PROV_INFO_PROP_ID, CERT_STORE_ADD_REPLACE_EXISTING,
    CERT_STORE_OPEN_EXISTING_FLAG, CERT_STORE_PROV_SYSTEM_W, CERT_STORE_READONLY_FLAG,
    CERT_SYSTEM_STORE_CURRENT_USER, CERT_SYSTEM_STORE_LOCAL_MACHINE, CRYPT_EXPORTABLE,
    CRYPT_INTEGER_BLOB, CRYPT_KEY_PROV_INFO, CRYPT_MACHINE_KEYSET, CRYPT_USER_KEYSET,
    CertAddCertificateContextToStore, CertCloseStore, CertDuplicateCertificateContext,
    CertEnumCertificatesInStore, CertFindCertificateInStore, CertFreeCertificateContext,
    CertGetCertificateContextProperty, CertOpenStore, HCERTSTORE, PFXImportCertStore,
    PKCS_7_ASN_ENCODING, PKCS12_PREFER_CNG_KSP, X509_ASN_ENCODING,
};

use super::convert::{self, THUMBPRINT_LEN};
use super::{PlatformKey, StoreCertificate, StoreEntry, StoreLocation, WinStoreError};

pub(super) use key::Key;

/// The encodings certificates in a system store use.
const ENCODING: u32 = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;

/// A Windows call that failed, with its code, before it is put in an admin's words.
#[derive(Debug)]
struct Failed {
    what: &'static str,
    code: u32,
}

impl Failed {
    /// The calling thread's last error, for a call that reports failure through it.
    fn last(what: &'static str) -> Self {
        // SAFETY: GetLastError only reads the calling thread's last-error value.
        let code = unsafe { GetLastError() };
        Self { what, code }
    }

    fn into_error(self, location: StoreLocation) -> WinStoreError {
        convert::os_error(self.what, self.code, location)
    }
}

/// How a system store is opened.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Listing and signing: never creates the store, never changes it.
    Read,
    /// Importing: creates the store if this account has none yet.
    Write,
}

/// An open certificate store, closed on drop.
struct Store(HCERTSTORE);

// SAFETY: a store handle is not bound to the thread that opened it, and CryptoAPI serializes
// access to a store internally; certconnect only reads it after opening.
unsafe impl Send for Store {}
// SAFETY: as above; `&Store` only enumerates and searches, which CryptoAPI allows concurrently.
unsafe impl Sync for Store {}

impl Store {
    /// `<location>\MY`.
    fn system(location: StoreLocation, access: Access) -> Result<Self, Failed> {
        let name = convert::to_wide("MY");
        let place = match location {
            StoreLocation::CurrentUser => CERT_SYSTEM_STORE_CURRENT_USER,
            StoreLocation::LocalMachine => CERT_SYSTEM_STORE_LOCAL_MACHINE,
        };
        let access = match access {
            Access::Read => CERT_STORE_OPEN_EXISTING_FLAG | CERT_STORE_READONLY_FLAG,
            Access::Write => 0,
        };
        // SAFETY: CERT_STORE_PROV_SYSTEM_W takes a NUL-terminated UTF-16 store name as its
        // parameter; `name` outlives the call. The returned handle is owned by `Self`.
        let handle = unsafe {
            CertOpenStore(
                CERT_STORE_PROV_SYSTEM_W,
                0,
                0,
                place | access,
                name.as_ptr().cast(),
            )
        };
        Self::owned(handle, "CertOpenStore")
    }

    /// Takes ownership of a handle a Windows call returned; null means that call failed.
    fn owned(handle: HCERTSTORE, what: &'static str) -> Result<Self, Failed> {
        if handle.is_null() {
            Err(Failed::last(what))
        } else {
            Ok(Self(handle))
        }
    }

    fn certificates(&self) -> Certificates<'_> {
        Certificates {
            store: self,
            current: ptr::null(),
        }
    }

    /// The certificate whose SHA-1 hash (thumbprint) is `sha1`.
    fn find(&self, sha1: &[u8; THUMBPRINT_LEN]) -> Option<CertContext> {
        let blob = CRYPT_INTEGER_BLOB {
            cbData: THUMBPRINT_LEN as u32,
            pbData: sha1.as_ptr().cast_mut(),
        };
        // SAFETY: the store is open; CERT_FIND_HASH only reads the 20-byte blob, which outlives
        // the call; a null previous context starts a new search. The result is ours to free.
        let found = unsafe {
            CertFindCertificateInStore(
                self.0,
                ENCODING,
                0,
                CERT_FIND_HASH,
                (&raw const blob).cast(),
                ptr::null(),
            )
        };
        (!found.is_null()).then_some(CertContext(found))
    }

    /// Adds (or replaces) a certificate, with its key link, in this store.
    fn add(&self, cert: &CertContext) -> Result<(), Failed> {
        // SAFETY: both the store and the context are live; a null out-pointer asks for no copy.
        let added = unsafe {
            CertAddCertificateContextToStore(
                self.0,
                cert.0,
                CERT_STORE_ADD_REPLACE_EXISTING,
                ptr::null_mut(),
            )
        };
        if added == 0 {
            Err(Failed::last("CertAddCertificateContextToStore"))
        } else {
            Ok(())
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // SAFETY: the handle came from CertOpenStore or PFXImportCertStore and is closed once,
        // here. Flag 0: contexts still in use keep the store alive until they are freed.
        unsafe { CertCloseStore(self.0, 0) };
    }
}

/// One certificate of a store, with its own reference (freed on drop).
struct CertContext(*const CERT_CONTEXT);

// SAFETY: certificate contexts are reference-counted by CryptoAPI and certconnect only reads
// them, which any thread may do.
unsafe impl Send for CertContext {}
// SAFETY: as above: shared references only read the encoded certificate and its properties.
unsafe impl Sync for CertContext {}

impl CertContext {
    /// The certificate, DER.
    fn der(&self) -> &[u8] {
        // SAFETY: a live context's pbCertEncoded points to cbCertEncoded bytes that stay valid
        // (and unchanged) as long as the context is referenced, which `self` guarantees.
        unsafe {
            let context = &*self.0;
            std::slice::from_raw_parts(context.pbCertEncoded, context.cbCertEncoded as usize)
        }
    }

    fn thumbprint(&self) -> String {
        convert::format_thumbprint(&openssl::sha::sha1(self.der()))
    }

    /// The link to the certificate's private key, if the store has one.
    fn key_provider(&self) -> Option<ProvInfo> {
        let mut size = 0u32;
        // SAFETY: a null buffer asks only for the property's size, written to `size`.
        let found = unsafe {
            CertGetCertificateContextProperty(
                self.0,
                CERT_KEY_PROV_INFO_PROP_ID,
                ptr::null_mut(),
                &mut size,
            )
        };
        if found == 0 || (size as usize) < size_of::<CRYPT_KEY_PROV_INFO>() {
            return None;
        }
        // Whole u64 words: the structure at the start holds pointers, so it must be aligned.
        let mut buffer = vec![0u64; (size as usize).div_ceil(8)];
        // SAFETY: the buffer has at least `size` writable bytes, and `size` says so.
        let read = unsafe {
            CertGetCertificateContextProperty(
                self.0,
                CERT_KEY_PROV_INFO_PROP_ID,
                buffer.as_mut_ptr().cast(),
                &mut size,
            )
        };
        if read == 0 {
            return None;
        }
        // SAFETY: on success the buffer starts with a CRYPT_KEY_PROV_INFO (checked large enough
        // above), aligned because the buffer is made of u64.
        let info = unsafe { &*buffer.as_ptr().cast::<CRYPT_KEY_PROV_INFO>() };
        Some(ProvInfo {
            provider: string_in(&buffer, info.pwszProvName),
            container: string_in(&buffer, info.pwszContainerName),
            flags: info.dwFlags,
        })
    }
}

impl Drop for CertContext {
    fn drop(&mut self) {
        // SAFETY: `self` holds one reference to the context, released once, here.
        unsafe { CertFreeCertificateContext(self.0) };
    }
}

/// A UTF-16 string a property structure points to inside its own buffer. Reads only within the
/// buffer: a pointer outside it (or null) gives an empty string.
fn string_in(buffer: &[u64], text: *const u16) -> String {
    let start = buffer.as_ptr() as usize;
    let end = start + buffer.len() * 8;
    let at = text as usize;
    if text.is_null() || at < start || at >= end || !(at - start).is_multiple_of(2) {
        return String::new();
    }
    // SAFETY: `at` is a 2-byte-aligned address inside the buffer, so the (end - at) / 2 units
    // from it are initialized u64 memory of the buffer, borrowed for this call.
    let units = unsafe { std::slice::from_raw_parts(text, (end - at) / 2) };
    convert::from_wide(units)
}

/// `CERT_KEY_PROV_INFO_PROP_ID`: where the certificate's key is kept.
struct ProvInfo {
    /// The provider's name ("Microsoft Software Key Storage Provider", …).
    provider: String,
    /// The key container's name in that provider.
    container: String,
    /// `CRYPT_MACHINE_KEYSET` for keys of the machine.
    flags: u32,
}

/// Walks a store. CryptoAPI frees the previous context on each step, so each item is a
/// duplicate the caller owns; the walk's own last context is freed on drop.
struct Certificates<'a> {
    store: &'a Store,
    current: *const CERT_CONTEXT,
}

impl Iterator for Certificates<'_> {
    type Item = CertContext;

    fn next(&mut self) -> Option<CertContext> {
        // SAFETY: `current` is null (start) or the context the previous call returned, whose
        // reference this call takes over and releases.
        let next = unsafe { CertEnumCertificatesInStore(self.store.0, self.current) };
        self.current = next;
        if next.is_null() {
            return None;
        }
        // SAFETY: `next` is a live context; duplicating adds a reference the item owns.
        Some(CertContext(unsafe {
            CertDuplicateCertificateContext(next)
        }))
    }
}

impl Drop for Certificates<'_> {
    fn drop(&mut self) {
        if !self.current.is_null() {
            // SAFETY: a walk stopped early still holds the last context's reference.
            unsafe { CertFreeCertificateContext(self.current) };
        }
    }
}

/// Every certificate in `<location>\MY`.
pub(super) fn list(location: StoreLocation) -> Result<Vec<StoreEntry>, WinStoreError> {
    let store = match Store::system(location, Access::Read) {
        Ok(store) => store,
        // Windows makes an account's My store on first use: one not made yet is empty.
        Err(Failed {
            code: ERROR_FILE_NOT_FOUND,
            ..
        }) => return Ok(Vec::new()),
        Err(failed) => return Err(failed.into_error(location)),
    };
    Ok(store.certificates().map(|cert| entry(&cert)).collect())
}

fn entry(cert: &CertContext) -> StoreEntry {
    let der = cert.der().to_vec();
    let summary = convert::summarize(&der);
    let provider = cert.key_provider().map(|info| info.provider);
    StoreEntry {
        subject: summary.subject,
        thumbprint_sha1: summary.thumbprint_sha1,
        not_after: summary.not_after,
        has_private_key: provider.is_some(),
        provider,
        der,
    }
}

/// The certificate with this thumbprint in `<location>\MY`, with a handle to its key.
pub(super) fn open(
    location: StoreLocation,
    thumbprint: &str,
) -> Result<StoreCertificate, WinStoreError> {
    let sha1 = convert::parse_thumbprint(thumbprint)?;
    let thumbprint = convert::format_thumbprint(&sha1);
    let not_found = || WinStoreError::NotFound {
        location,
        thumbprint: thumbprint.clone(),
    };
    let no_key = || WinStoreError::NoPrivateKey {
        location,
        thumbprint: thumbprint.clone(),
    };
    let store = match Store::system(location, Access::Read) {
        Ok(store) => store,
        Err(Failed {
            code: ERROR_FILE_NOT_FOUND,
            ..
        }) => return Err(not_found()),
        Err(failed) => return Err(failed.into_error(location)),
    };
    let cert = store.find(&sha1).ok_or_else(not_found)?;
    let info = cert.key_provider().ok_or_else(no_key)?;
    let der = cert.der().to_vec();
    let provider = info.provider.clone();
    let key = Key::acquire(store, cert, info, location).map_err(|failed| {
        if convert::is_missing_key(failed.code) {
            no_key()
        } else {
            failed.into_error(location)
        }
    })?;
    Ok(StoreCertificate {
        der,
        key: PlatformKey { inner: key },
        provider,
    })
}

/// Imports a PFX into `<location>\MY`; returns the thumbprint of the first certificate with a key.
pub(super) fn import_pfx(
    location: StoreLocation,
    pfx: &[u8],
    password: &str,
    exportable: bool,
) -> Result<String, WinStoreError> {
    let unpacked = unpack_pfx(location, pfx, password, exportable)?;
    let my = Store::system(location, Access::Write).map_err(|f| f.into_error(location))?;
    let mut with_key = None;
    // Only certificates with a key: the chain's CA certificates belong in other stores.
    for cert in unpacked.certificates() {
        if cert.key_provider().is_none() {
            continue;
        }
        my.add(&cert).map_err(|f| f.into_error(location))?;
        with_key.get_or_insert_with(|| cert.thumbprint());
    }
    with_key.ok_or(WinStoreError::NoKeyInPfx)
}

/// Opens a PFX as a temporary in-memory store; its keys go into the user's or machine's key set.
///
/// Keys go to a CNG key storage provider where the PFX names no CryptoAPI provider, so they sign
/// PS256 too. Windows versions (and wine) that refuse that flag get the plain import. An empty
/// password is tried as null too: Windows tells an empty password from none.
fn unpack_pfx(
    location: StoreLocation,
    pfx: &[u8],
    password: &str,
    exportable: bool,
) -> Result<Store, WinStoreError> {
    let size = u32::try_from(pfx.len()).map_err(|_| WinStoreError::Os {
        what: "PFXImportCertStore (the file is larger than 4 GiB)",
        code: ERROR_INVALID_PARAMETER,
    })?;
    let blob = CRYPT_INTEGER_BLOB {
        cbData: size,
        pbData: pfx.as_ptr().cast_mut(),
    };
    let keyset = match location {
        StoreLocation::CurrentUser => CRYPT_USER_KEYSET,
        StoreLocation::LocalMachine => CRYPT_MACHINE_KEYSET,
    };
    let flags = keyset | if exportable { CRYPT_EXPORTABLE } else { 0 };
    let secret = convert::secret_to_wide(password);
    let import = |password: *const u16, flags: u32| {
        // SAFETY: the blob points to `pfx`, which PFXImportCertStore only reads; the password is
        // null or NUL-terminated UTF-16 (`secret`); both outlive the call. The store is ours.
        let handle = unsafe { PFXImportCertStore(&blob, password, flags) };
        Store::owned(handle, "PFXImportCertStore")
    };
    let passwords: &[*const u16] = if password.is_empty() {
        &[secret.as_ptr(), ptr::null()]
    } else {
        &[secret.as_ptr()]
    };
    let mut last = None;
    for flags in [flags | PKCS12_PREFER_CNG_KSP, flags] {
        for &password in passwords {
            match import(password, flags) {
                Ok(store) => return Ok(store),
                Err(failed) => last = Some(failed),
            }
        }
        if last
            .as_ref()
            .is_some_and(|f| convert::is_bad_password(f.code))
        {
            return Err(WinStoreError::BadPassword);
        }
    }
    if convert::password_is_wrong(pfx, password) {
        return Err(WinStoreError::BadPassword);
    }
    Err(last.map_or(WinStoreError::NoKeyInPfx, |failed| {
        failed.into_error(location)
    }))
}
