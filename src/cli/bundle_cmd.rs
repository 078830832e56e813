//! `profile export --with-certificate` and importing such a bundle.

use std::path::Path;

use super::args::PasswordArgs;
use super::term::{clean, outln};
use super::{Outcome, password};
use crate::credential_store::open_os_vault;
use crate::ops::{CertificateExport, OpsError};
use crate::profile_store::ProfileStore;
use crate::secret::Secret;

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

/// The message of an export that stopped; an existing output names the flag that replaces it.
pub(crate) fn export_error(error: &OpsError) -> String {
    match error {
        OpsError::FileExists(_) => format!("{error} or add --force to replace it"),
        other => other.to_string(),
    }
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
        crate::ops::check_destination(store, out, force).map_err(|e| export_error(&e))?;
        let export = CertificateExport {
            names: names.to_vec(),
            out: out.to_path_buf(),
            replace: force,
            passphrase,
            password: password::read(password_args)?,
            passwords: Default::default(),
        };
        // The store is only needed for certificates or passwords kept there.
        let vault = open_os_vault().ok();
        crate::ops::export_with_certificates(store, vault.as_ref(), &export)
            .map_err(|e| export_error(&e))
    };
    match run() {
        Ok(count) => {
            outln!(
                "exported {} with their certificates to {}, encrypted under the passphrase (PBKDF2, {} iterations)",
                crate::core::plural::count(count, "profile", "profiles"),
                clean(&out.display().to_string()),
                crate::credential_store::PBKDF2_ITERATIONS
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
        let vault = open_os_vault().map_err(|e| e.to_string())?;
        let imported = crate::ops::import_bundle(store, &vault, file, &passphrase)
            .map_err(|e| e.to_string())?;
        for imported in imported {
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
