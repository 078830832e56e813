//! `certconnect cert new`: the `New-SelfSignedCertificate` + `Export-PfxCertificate` step.

use std::path::Path;

use openssl::hash::MessageDigest;

use super::args::NewCertArgs;
use super::{Outcome, password};
use crate::cert::generate::{KeyPair, self_signed_with_subject, to_pfx};
use crate::core::subject::parse_subject;
use crate::core::thumbprint::to_hex;
use crate::store::write_atomic;

/// Key sizes offered.
pub const KEY_SIZES: [u32; 3] = [2048, 3072, 4096];

/// Makes the certificate and writes the PFX, the .cer and optionally the .pem.
pub(crate) fn run(args: &NewCertArgs) -> Outcome {
    match make(args) {
        Ok(()) => Outcome::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Outcome::BadInput
        }
    }
}

fn make(args: &NewCertArgs) -> Result<(), String> {
    let subject = parse_subject(&args.subject).map_err(|m| format!("--subject: {m}"))?;
    if !KEY_SIZES.contains(&args.key_bits) {
        return Err(format!(
            "--key-bits must be one of 2048, 3072, 4096 (got {})",
            args.key_bits
        ));
    }
    let days = match (args.days, args.years) {
        (Some(days), _) => days,
        (None, Some(years)) => years.saturating_mul(365),
        (None, None) => 365,
    };
    if !(1..=36_500).contains(&days) {
        return Err("the validity must be between 1 day and 100 years".into());
    }
    let password = password::read(&args.password)?
        .ok_or("give the PFX password with --password-env VAR or --password-stdin")?;
    if password.is_empty() {
        return Err("the PFX holds the private key: give it a password".into());
    }
    let outputs: Vec<&Path> = [
        Some(args.out_pfx.as_path()),
        Some(args.out_cer.as_path()),
        args.out_pem.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(existing) = outputs.iter().find(|p| p.exists()).filter(|_| !args.force) {
        return Err(format!(
            "{} exists; choose another name or add --force",
            existing.display()
        ));
    }
    let pair = self_signed_with_subject(&subject, args.key_bits, days)
        .map_err(|e| format!("could not make the certificate: {e}"))?;
    let text = |e: openssl::error::ErrorStack| e.to_string();
    let friendly = subject
        .iter()
        .find(|(f, _)| f == "CN")
        .map_or("certconnect", |(_, v)| v.as_str());
    write_atomic(
        &args.out_pfx,
        &to_pfx(&pair, password.expose(), friendly).map_err(text)?,
    )
    .map_err(|e| e.to_string())?;
    write_atomic(&args.out_cer, &pair.certificate.to_der().map_err(text)?)
        .map_err(|e| e.to_string())?;
    if let Some(pem) = &args.out_pem {
        write_atomic(pem, &pair.certificate.to_pem().map_err(text)?).map_err(|e| e.to_string())?;
    }
    print_summary(args, &pair, days);
    if let Some(name) = &args.store_as {
        let vault =
            crate::secrets::open_os_store().and_then(crate::secrets::Vault::open_default)?;
        let credential = crate::cert::Credential {
            certificate: pair.certificate.clone(),
            private_key: Some(pair.key.clone()),
            chain: Vec::new(),
            key_matches: Some(true),
            format: crate::cert::FileFormat::Pkcs12,
        };
        let stored = vault.import(name, &credential)?;
        println!(
            "Also kept in the {} as '{}': profiles can use it without the PFX file.",
            vault.store().name(),
            stored.name
        );
    }
    Ok(())
}

fn print_summary(args: &NewCertArgs, pair: &KeyPair, days: u32) {
    let sha1 = pair
        .certificate
        .digest(MessageDigest::sha1())
        .map(|d| to_hex(&d))
        .unwrap_or_default();
    println!(
        "Made a self-signed RSA {}-bit certificate, valid {days} days.",
        args.key_bits
    );
    println!(
        "  keep     {}  (private key, password-protected: AES-256, PBKDF2)",
        args.out_pfx.display()
    );
    println!(
        "  upload   {}  (public certificate)",
        args.out_cer.display()
    );
    if let Some(pem) = &args.out_pem {
        println!("  also     {}  (public certificate, PEM)", pem.display());
    }
    println!("  SHA-1 thumbprint {sha1}");
    println!();
    println!(
        "Next: Azure portal > App registrations > your app > Certificates & secrets > Upload certificate,"
    );
    println!(
        "choose {}, then check the thumbprint the portal lists against the one above:",
        args.out_cer.display()
    );
    println!(
        "  certconnect cert inspect {} --password-env VAR --expect-thumbprint <thumbprint from the portal>",
        args.out_pfx.display()
    );
}
