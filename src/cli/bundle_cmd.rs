//! `profile export --with-certificate` and importing such a bundle.

use std::path::Path;

use super::args::PasswordArgs;
use super::{Outcome, password};
use crate::probe::open_certificate;
use crate::secret::Secret;
use crate::secrets::{Vault, export_bundle, import_bundle, is_bundle, open_os_store};
use crate::store::ProfileStore;

/// Whether the file is a bundle with certificates.
pub(crate) fn is_bundle_file(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| is_bundle(&text))
}

fn passphrase(var: Option<&str>) -> Result<Secret, String> {
    let var = var.ok_or("this needs the bundle's passphrase: --passphrase-env VAR")?;
    std::env::var(var)
        .map(Secret::new)
        .map_err(|_| format!("the environment variable {var} is not set"))
}

fn fail(message: &str) -> Outcome {
    eprintln!("error: {message}");
    Outcome::BadInput
}

/// Exports profiles with their certificates re-encrypted under the passphrase.
pub(crate) fn export(
    store: &ProfileStore,
    names: &[String],
    out: &Path,
    passphrase_env: Option<&str>,
    password_args: &PasswordArgs,
) -> Outcome {
    let run = || -> Result<usize, String> {
        let passphrase = passphrase(passphrase_env)?;
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
                open_certificate(&p.certificate, password.clone(), vault.as_ref())
                    .map_err(|(f, _)| format!("'{}': {}", p.name, f.message))
            })
            .collect::<Result<Vec<_>, _>>()?;
        export_bundle(&profiles, &credentials, &passphrase, out)
    };
    match run() {
        Ok(count) => {
            println!(
                "exported {count} profile(s) with their certificates to {}, encrypted under the passphrase",
                out.display()
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
            println!(
                "imported '{}' as '{}', its certificate kept in the {}",
                imported.original_name,
                imported.saved_as,
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
