//! `certconnect profile list | show | export | import`.

use serde_json::json;

use super::Outcome;
use super::args::ProfileCommand;
use crate::core::profile::{CertificateSource, Profile};
use crate::store::{self, ProfileStore, StoreError};

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
            with_certificate: true,
            passphrase_env,
            password,
        } => super::bundle_cmd::export(&store, &names, &out, passphrase_env.as_deref(), &password),
        ProfileCommand::Import {
            file,
            passphrase_env,
        } if super::bundle_cmd::is_bundle_file(&file) => {
            super::bundle_cmd::import(&store, &file, passphrase_env.as_deref())
        }
        ProfileCommand::Export { names, out, .. } => {
            match store::export_profiles(&store, &names, &out) {
                Ok(count) => {
                    println!(
                        "exported {count} profile(s) to {} (no passwords or keys inside)",
                        out.display()
                    );
                    Outcome::Ok
                }
                Err(error) => failed(&error),
            }
        }
        ProfileCommand::Import { file, .. } => match store::import_file(&store, &file) {
            Ok(report) => {
                for imported in &report.imported {
                    if imported.saved_as == imported.original_name {
                        println!("imported '{}'", imported.saved_as);
                    } else {
                        println!(
                            "imported '{}' as '{}' (the name was taken)",
                            imported.original_name, imported.saved_as
                        );
                    }
                }
                for skipped in &report.skipped {
                    eprintln!("skipped '{}': {}", skipped.name, skipped.reason);
                }
                if report.skipped.is_empty() {
                    Outcome::Ok
                } else {
                    Outcome::BadInput
                }
            }
            Err(error) => failed(&error),
        },
    }
}

fn list(store: &ProfileStore, as_json: bool) -> Outcome {
    let loaded = store.load_all();
    for problem in &loaded.problems {
        eprintln!(
            "warning: skipped {}: {}",
            problem.path.display(),
            problem.message
        );
    }
    if as_json {
        let profiles: Vec<_> = loaded
            .profiles
            .iter()
            .map(|p| json!({ "name": p.profile.name, "file": p.path.display().to_string(), "profile": p.profile }))
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
        println!("no profiles in {}", store.dir().display());
        return Outcome::Ok;
    }
    println!(
        "{:<28} {:<26} {:<38} CERTIFICATE",
        "NAME", "TOKEN URL PRESET", "CLIENT ID"
    );
    for stored in &loaded.profiles {
        let p = &stored.profile;
        println!(
            "{:<28} {:<26} {:<38} {}",
            p.name,
            p.authority.preset.label(),
            p.client_id,
            certificate_label(p)
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
            Ok(text) => println!("{text}"),
            Err(error) => return failed(&StoreError::Serialize(error.to_string())),
        }
        for warning in stored.profile.warnings() {
            eprintln!("warning: {}: {}", warning.field.label(), warning.message);
        }
    }
    Outcome::Ok
}

fn certificate_label(profile: &Profile) -> String {
    match &profile.certificate {
        CertificateSource::PfxFile { path, .. } => format!("PFX {}", path.display()),
        CertificateSource::PemFiles { certificate, .. } => format!("PEM {}", certificate.display()),
        CertificateSource::CredentialStore { entry } => format!("credential store '{entry}'"),
    }
}

fn failed(error: &StoreError) -> Outcome {
    eprintln!("error: {error}");
    Outcome::BadInput
}
