//! `profile export --with-certificate` and importing such a bundle.

use std::path::Path;

use super::args::PasswordArgs;
use super::term::{clean, outln};
use super::{Outcome, password};
use crate::limits::{EXPORT_FILE_MAX, read_regular_text};
use crate::probe::open_certificate;
use crate::secret::Secret;
use crate::secrets::{Vault, export_bundle_to, import_bundle, is_bundle, open_os_store};
use crate::store::ProfileStore;

/// Whether the file is a bundle with certificates. A file that cannot be read (a FIFO, a device,
/// too large) is not; the plain import then says why.
pub(crate) fn is_bundle_file(path: &Path) -> bool {
    read_regular_text(path, EXPORT_FILE_MAX, "certconnect bundle")
        .is_ok_and(|text| is_bundle(&text))
}

fn passphrase(var: Option<&str>) -> Result<Secret, String> {
    let var = var.ok_or("this needs the bundle's passphrase: --passphrase-env VAR")?;
    std::env::var(var)
        .map(Secret::new)
        .map_err(|_| format!("the environment variable {var} is not set"))
}

fn fail(message: &str) -> Outcome {
    eprintln!("error: {}", clean(message));
    Outcome::BadInput
}

/// Exports profiles with their certificates re-encrypted under the passphrase.
pub(crate) fn export(
    store: &ProfileStore,
    names: &[String],
    out: &Path,
    force: bool,
    passphrase_env: Option<&str>,
    password_args: &PasswordArgs,
) -> Outcome {
    let run = || -> Result<usize, String> {
        let passphrase = passphrase(passphrase_env)?;
        // Refused before any password is read or certificate opened.
        crate::store::check_output(out, force, Some(store.dir())).map_err(|e| match &e {
            crate::store::StoreError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::AlreadyExists =>
            {
                format!(
                    "{} exists; choose another name or add --force to replace it",
                    out.display()
                )
            }
            _ => e.to_string(),
        })?;
        let password = password::read(password_args)?;
        let profiles = names
            .iter()
            .map(|n| store.get(n).map(|p| p.profile).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        // The store is only needed for certificates or passwords kept there.
        let vault = open_os_store().and_then(Vault::open_default).ok();
        let credentials = profiles
            .iter()
            .map(|p| {
                open_certificate(p.certificate(), password.clone(), vault.as_ref())
                    .map_err(|(f, _)| format!("'{}': {}", p.name(), f.message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        export_bundle_to(
            &profiles,
            &credentials,
            &passphrase,
            out,
            force,
            Some(store.dir()),
        )
        .map_err(|message| {
            if message.ends_with("choose another name") {
                format!("{message} or add --force to replace it")
            } else {
                message
            }
        })
    };
    match run() {
        Ok(count) => {
            outln!(
                "exported {count} profile(s) with their certificates to {}, encrypted under the passphrase (PBKDF2, {} iterations)",
                clean(&out.display().to_string()),
                crate::secrets::PBKDF2_ITERATIONS
            );
            Outcome::Ok
        }
        Err(message) => fail(&message),
    }
}

/// Imports a bundle: certificates into the credential store, profiles pointing at them.
pub(crate) fn import(store: &ProfileStore, file: &Path, passphrase_env: Option<&str>) -> Outcome {
    let run = || -> Result<(), String> {
        let passphrase = passphrase(passphrase_env)?;
        let vault = open_os_store().and_then(Vault::open_default)?;
        for imported in import_bundle(file, &passphrase, store, &vault)? {
            outln!(
                "imported '{}' as '{}', its certificate kept in the {}",
                clean(&imported.original_name),
                clean(&imported.saved_as),
                vault.store().name()
            );
        }
        Ok(())
    };
    match run() {
        Ok(()) => Outcome::Ok,
        Err(message) => fail(&message),
    }
}
