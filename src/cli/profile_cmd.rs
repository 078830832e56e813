//! `certconnect profile list | show | export | import | trust`.

use serde_json::json;

use super::Outcome;
use super::args::ProfileCommand;
use super::term::{clean, outln};
use crate::core::profile::{CertificateSource, Profile};
use crate::profile_store::{ProfileStore, StoreError};

/// Runs a profile command against the user's profile store.
pub(crate) fn run(command: ProfileCommand) -> Outcome {
    let store = match ProfileStore::open_default() {
        Ok(store) => store,
        Err(error) => return failed(&error),
    };
    match command {
        ProfileCommand::List { json } => list(&store, json),
        ProfileCommand::Show { name, json } => show(&store, &name, json),
        ProfileCommand::Export {
            names,
            out,
            force,
            with_certificate: true,
            passphrase_env,
            password,
        } => super::bundle_cmd::export(
            &store,
            &names,
            &out,
            force,
            passphrase_env.as_deref(),
            &password,
        ),
        ProfileCommand::Import {
            file,
            passphrase_env,
        } if crate::ops::is_bundle_file(&file) => {
            super::bundle_cmd::import(&store, &file, passphrase_env.as_deref())
        }
        ProfileCommand::Export {
            names, out, force, ..
        } => match crate::ops::export_profiles(&store, &names, &out, force) {
            Ok(count) => {
                outln!(
                    "exported {} to {} (no passwords or keys inside)",
                    crate::core::plural::count(count, "profile", "profiles"),
                    clean(&out.display().to_string())
                );
                Outcome::Ok
            }
            Err(error) => failed(&super::bundle_cmd::export_error(&error)),
        },
        ProfileCommand::Import { file, .. } => import(&store, &file),
        ProfileCommand::Trust { name } => match crate::ops::trust_profile(&store, &name) {
            Ok(profile) => {
                outln!(
                    "'{}' is trusted on this machine: its hosts and credential-store entries are confirmed",
                    clean(profile.name())
                );
                Outcome::Ok
            }
            Err(error) => failed(&error),
        },
    }
}

fn import(store: &ProfileStore, file: &std::path::Path) -> Outcome {
    match crate::ops::import_profiles(store, file) {
        Ok(report) => {
            for imported in &report.imported {
                if imported.saved_as == imported.original_name {
                    outln!("imported '{}'", clean(&imported.saved_as));
                } else {
                    outln!(
                        "imported '{}' as '{}' (the name was taken)",
                        clean(&imported.original_name),
                        clean(&imported.saved_as)
                    );
                }
            }
            if !report.imported.is_empty() {
                outln!(
                    "imported profiles are not trusted until confirmed: certconnect profile trust NAME"
                );
            }
            for skipped in &report.skipped {
                eprintln!(
                    "skipped '{}': {}",
                    clean(&skipped.name),
                    clean(&skipped.reason)
                );
            }
            if report.skipped.is_empty() {
                Outcome::Ok
            } else {
                Outcome::BadInput
            }
        }
        Err(error) => failed(&error),
    }
}

fn list(store: &ProfileStore, as_json: bool) -> Outcome {
    let loaded = store.load_all();
    for problem in &loaded.problems {
        eprintln!(
            "warning: skipped {}: {}",
            clean(&problem.path.display().to_string()),
            clean(&problem.message)
        );
    }
    if as_json {
        let profiles: Vec<_> = loaded
            .profiles
            .iter()
            .map(|p| json!({ "name": p.profile.name(), "file": p.path.display().to_string(), "profile": p.profile }))
            .collect();
        let problems: Vec<_> = loaded
            .problems
            .iter()
            .map(|p| json!({ "file": p.path.display().to_string(), "message": p.message }))
            .collect();
        super::print::json(&json!({ "profiles": profiles, "problems": problems }));
        return Outcome::Ok;
    }
    if loaded.profiles.is_empty() {
        outln!(
            "no profiles in {}",
            clean(&store.dir().display().to_string())
        );
        return Outcome::Ok;
    }
    outln!(
        "{:<28} {:<26} {:<38} CERTIFICATE",
        "NAME",
        "TOKEN URL PRESET",
        "CLIENT ID"
    );
    for stored in &loaded.profiles {
        let p = &stored.profile;
        outln!(
            "{:<28} {:<26} {:<38} {}",
            clean(p.name()),
            p.authority().preset.label(),
            clean(p.client_id()),
            clean(&certificate_label(p))
        );
    }
    Outcome::Ok
}

fn show(store: &ProfileStore, name: &str, as_json: bool) -> Outcome {
    let stored = match store.get(name) {
        Ok(stored) => stored,
        Err(error) => return failed(&error),
    };
    if as_json {
        super::print::json(&json!(stored.profile));
    } else {
        let config = ron::ser::PrettyConfig::new().struct_names(false);
        match ron::ser::to_string_pretty(&stored.profile, config) {
            // RON escapes control characters inside strings; cleaned anyway, line by line.
            Ok(text) => {
                for line in text.lines() {
                    outln!("{}", clean(line));
                }
            }
            Err(error) => return failed(&StoreError::Serialize(error.to_string())),
        }
        for warning in stored.profile.warnings() {
            eprintln!(
                "warning: {}: {}",
                warning.field.label(),
                clean(&warning.message)
            );
        }
    }
    Outcome::Ok
}

fn certificate_label(profile: &Profile) -> String {
    match profile.certificate() {
        CertificateSource::PfxFile { path, .. } => format!("PFX {}", path.display()),
        CertificateSource::PemFiles { certificate, .. } => format!("PEM {}", certificate.display()),
        CertificateSource::CredentialStore { entry } => format!("credential store '{entry}'"),
        CertificateSource::WindowsStore {
            location,
            thumbprint,
        } => format!("{} {thumbprint}", location.path()),
        CertificateSource::KeyVault { url, access } => {
            format!("Key Vault {url} (through {})", access.label())
        }
        CertificateSource::Pkcs11 { uri, .. } => format!("PKCS#11 {uri}"),
    }
}

fn failed(error: &impl std::fmt::Display) -> Outcome {
    eprintln!("error: {}", clean(&error.to_string()));
    Outcome::BadInput
}
