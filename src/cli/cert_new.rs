//! `certconnect cert new`: the `New-SelfSignedCertificate` + `Export-PfxCertificate` step.

use super::args::NewCertArgs;
use super::term::{clean, outln};
use super::{Outcome, password};
use crate::core::subject::parse_subject;
use crate::ops::{NewCertificate, NewCertificateRequest, OpsError, new_certificate};

/// Makes the certificate and writes the PFX, the .cer and optionally the .pem.
pub(crate) fn run(args: &NewCertArgs) -> Outcome {
    match make(args) {
        Ok(()) => Outcome::Ok,
        Err(message) => {
            eprintln!("error: {}", clean(&message));
            Outcome::BadInput
        }
    }
}

fn make(args: &NewCertArgs) -> Result<(), String> {
    let subject = parse_subject(&args.subject).map_err(|m| format!("--subject: {m}"))?;
    let days = crate::core::validity::validity_days(super::now(), args.days, args.years);
    let password = password::read(&args.password)?
        .ok_or("give the PFX password with --password-env VAR or --password-stdin")?;
    let request = NewCertificateRequest {
        subject,
        key_bits: args.key_bits,
        days,
        pfx: args.out_pfx.clone(),
        cer: args.out_cer.clone(),
        pem: args.out_pem.clone(),
        password,
        overwrite: args.force,
    };
    let made = new_certificate(&request).map_err(|error| match error {
        // The shared rule speaks of names; here the other way out is a flag.
        OpsError::FileExists(_) => format!("{error} or add --force"),
        other => other.to_string(),
    })?;
    print_summary(args, &made, days);
    if let Some(name) = &args.store_as {
        let vault = crate::credential_store::open_os_vault().map_err(|e| e.to_string())?;
        let stored = vault
            .import(name, &made.pair.credential())
            .map_err(|e| e.to_string())?;
        outln!(
            "Also kept in the {} as '{}': profiles can use it without the PFX file.",
            vault.store().name(),
            clean(&stored.name)
        );
    }
    Ok(())
}

fn print_summary(args: &NewCertArgs, made: &NewCertificate, days: u32) {
    let sha1 = &made.thumbprint_sha1;
    outln!(
        "Made a self-signed RSA {}-bit certificate, valid {days} days.",
        args.key_bits
    );
    outln!(
        "  keep     {}  (private key, password-protected: AES-256, PBKDF2)",
        clean(&args.out_pfx.display().to_string())
    );
    outln!(
        "  upload   {}  (public certificate)",
        clean(&args.out_cer.display().to_string())
    );
    if let Some(pem) = &args.out_pem {
        outln!(
            "  also     {}  (public certificate, PEM)",
            clean(&pem.display().to_string())
        );
    }
    outln!("  SHA-1 thumbprint {sha1}");
    outln!();
    outln!(
        "Next: Azure portal > App registrations > your app > Certificates & secrets > Upload certificate,"
    );
    outln!(
        "choose {}, then check the thumbprint the portal lists against the one above:",
        clean(&args.out_cer.display().to_string())
    );
    outln!(
        "  certconnect cert inspect {} --password-env VAR --expect-thumbprint <thumbprint from the portal>",
        clean(&args.out_pfx.display().to_string())
    );
}
