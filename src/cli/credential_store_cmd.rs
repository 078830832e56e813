//! `certconnect store list | import | inspect | remove`.

use serde_json::json;

use super::args::StoreCommand;
use super::term::{clean, outln};
use super::{Outcome, now, password, print};
use crate::cert::{self, LoadOptions};
use crate::core::time_fmt::{days_between, rfc3339};
use crate::credential_store::{CredentialVault, open_os_vault};
use crate::ops::OpsError;
use crate::profile_store::ProfileStore;

/// Runs a store command against the OS credential store.
pub(crate) fn run(command: StoreCommand) -> Outcome {
    let vault = match open_os_vault() {
        Ok(vault) => vault,
        Err(error) => {
            eprintln!("error: {}", clean(&error.to_string()));
            eprintln!("Profiles still work with PFX or PEM files.");
            return Outcome::BadInput;
        }
    };
    let result = match command {
        StoreCommand::List { json } => {
            list(&vault, json);
            Ok(())
        }
        StoreCommand::Import { file, name, alias, password } => password::read(&password).and_then(|password| {
            let options = LoadOptions { key_path: None, password: password.as_ref(), alias: alias.as_deref() };
            let credential = cert::load_file(&file, options).map_err(|e| format!("{}: {e}", file.display()))?;
            let stored = vault.import(&name, &credential).map_err(|e| e.to_string())?;
            outln!("'{}' ({}, SHA-1 {}) is kept in the {}.", clean(&stored.name), clean(&stored.subject), stored.thumbprint_sha1, vault.store().name());
            outln!("Profiles can use it (Certificate tab: OS credential store); the PFX file is no longer needed.");
            Ok(())
        }),
        StoreCommand::Inspect { name } => vault.load(&name).map_err(|e| e.to_string()).map(|credential| print::report(&format!("credential store: {name}"), &cert::inspect(&credential, now(), None))),
        StoreCommand::Remove { name, force } => remove(&vault, &name, force),
    };
    match result {
        Ok(()) => Outcome::Ok,
        Err(message) => {
            eprintln!("error: {}", clean(&message));
            Outcome::BadInput
        }
    }
}

fn remove(vault: &CredentialVault, name: &str, force: bool) -> Result<(), String> {
    let profiles = ProfileStore::open_default().map_err(|e| e.to_string())?;
    crate::ops::remove_stored_certificate(&profiles, vault, name, force).map_err(|error| {
        match error {
            // The shared rule says "remove it anyway"; here that is a flag.
            OpsError::InUse { .. } => format!("{error} with --force"),
            other => other.to_string(),
        }
    })?;
    outln!(
        "Removed '{}' and its key from the {}.",
        clean(name),
        vault.store().name()
    );
    Ok(())
}

fn list(vault: &CredentialVault, as_json: bool) {
    let certificates = vault.list();
    if as_json {
        print::json(&json!({ "store": vault.store().name(), "certificates": certificates }));
        return;
    }
    if certificates.is_empty() {
        outln!(
            "No certificates in the {} yet (certconnect store import FILE --name NAME).",
            vault.store().name()
        );
        return;
    }
    outln!(
        "{:<24} {:>9}  {:<20}  {:<40}  SUBJECT",
        "NAME",
        "DAYS LEFT",
        "NOT AFTER",
        "SHA-1 THUMBPRINT"
    );
    for c in certificates {
        outln!(
            "{:<24} {:>9}  {:<20}  {:<40}  {}",
            clean(&c.name),
            days_between(now(), c.not_after),
            rfc3339(c.not_after),
            c.thumbprint_sha1,
            clean(&c.subject)
        );
    }
}
